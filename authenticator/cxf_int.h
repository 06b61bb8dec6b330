/*
 * cxf_int.h — what the CXF files share (cxf_doc.c holds the rule table and
 * the document read, cxf_check.c reads a document's
 * structure, cxf_passkey.c judges its passkeys and keys, cxf_export.c and
 * cxf_import.c write and read stores). Not for other folders.
 */
#ifndef FSIM_CXF_INT_H
#define FSIM_CXF_INT_H

#include <jansson.h>

#include "authenticator/cxf.h"

/* The rules, by index into the table of cxf_doc.c (catalog order). */
enum {
	CXF_R01, CXF_R02, CXF_R03, CXF_R04, CXF_R05, CXF_R06, CXF_R07, CXF_R08,
	CXF_R09, CXF_R10, CXF_R11, CXF_R12, CXF_R13, CXF_R14, CXF_R15, CXF_R16,
	CXF_R17, CXF_R18, CXF_R19, CXF_R20, CXF_R21,
	CXF_R__COUNT
};

/* A credential that is not a passkey, kept at import (borrowed from root). */
typedef struct cxf_other {
	const json_t *cred;
	const char *type;
	const char *account_id;   /* as written, NULL when unusable */
	const char *item_id;
	const char *title;
} cxf_other_t;

typedef struct cxf_type_count {
	char *type;
	size_t n;
} cxf_type_count_t;

struct fsim_cxf_doc {
	json_t *root;              /* the document; its strings are wiped at free */
	const char *exporter, *exporter_name;   /* borrowed from root */
	int major, minor;
	uint64_t timestamp;
	size_t accounts, items;
	cxf_type_count_t *types;
	size_t ntypes;
	cxf_other_t *others;
	size_t nothers, capothers;
	fsim_cxf_passkey_t *pk;
	size_t npk, cappk;
	bool checked[CXF_R__COUNT];
};

/* The checker's state while it reads one document. */
typedef struct cxf_ctx {
	fsim_cxf_doc_t *doc;
	fsim_diags_t *d;
	const fsim_cxf_check_opts_t *o;
	int err;                   /* FSIM_ERR_NOMEM once memory ran out */
	size_t nerr;               /* error findings so far */
} cxf_ctx_t;

/* Report a finding under rule r (and mark r judged). */
void fsim_cxf_report(cxf_ctx_t *c, int r, fsim_sev_t sev, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Mark rule r judged (it held unless a finding says otherwise). */
void fsim_cxf_mark(cxf_ctx_t *c, int r);

/*
 * A base64url member: the string decoded into out (replacing what it held).
 * Not base64url: CXF-09; '=' padding: a CXF-10 warning, the value read. A
 * missing or non-string member is reported under type_rule when required.
 * Returns true when out holds the bytes.
 */
bool fsim_cxf_b64(cxf_ctx_t *c, const json_t *obj, const char *name, const char *path,
    int type_rule, bool required, fsim_blob_t *out);

/*
 * cxf_passkey.c: read the passkey credential j at field into the document
 * (CXF-08, CXF-09 .. CXF-15, CXF-20); the item's fidosim extension, if one
 * names this credential, states its alg. created: the item's creationAt.
 */
void fsim_cxf_read_passkey(cxf_ctx_t *c, const json_t *j, const char *field,
    const json_t *item_ext, uint64_t created);
/* After the whole document: duplicates (CXF-18), records (CXF-16, CXF-17). */
void fsim_cxf_cross_checks(cxf_ctx_t *c);

/* Wipe every string of a JSON tree, then free it. */
void fsim_cxf_free_tree(json_t **j);
/* "object", "array", "string", ... for messages. */
const char *fsim_cxf_type_name(const json_t *j);
/* Report members of obj not in known[] (NULL-terminated) as CXF-21 notes. */
void fsim_cxf_unknown_members(cxf_ctx_t *c, const json_t *obj, const char *path,
    const char *const *known);

#endif /* !FSIM_CXF_INT_H */
