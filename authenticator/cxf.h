/*
 * cxf.h — credential exchange: the FIDO Alliance Credential Exchange Format
 * (CXF), Review Draft of 2025-03-13 (FSIM_CXF_DRAFT_URL), the revision
 * Bitwarden's credential-exchange-format crate targets (docs/evidence/cxf.md).
 *
 * Three things over one reading of a document:
 *   - the checker (cxf_check.c, cxf_passkey.c): any provider's export judged
 *     rule by rule (CXF-01 ... in the rule catalog, rp-sim/rules.def, section
 *     "CXF ..."), with no relying party needed;
 *   - the exporter (cxf_export.c): a store's credentials as CXF passkeys;
 *   - the importer (cxf_import.c): a checked document's passkeys into a store,
 *     in one transaction, with the counter of every imported passkey fixed at
 *     zero (CXF: an importer sets 0 and never increments it).
 * Only the passkey credential type is read; every other credential (and a
 * type this draft does not define) is kept at import in the store's named
 * blob FSIM_CXF_KEPT_BLOB and otherwise ignored.
 */
#ifndef FSIM_CXF_H
#define FSIM_CXF_H

#include <openssl/evp.h>

#include "authenticator/env.h"
#include "authenticator/store.h"
#include "core/util.h"

#define FSIM_CXF_DRAFT "CXF Review Draft 2025-03-13"
#define FSIM_CXF_DRAFT_URL "https://fidoalliance.org/specs/cx/cxf-v1.0-rd-20250313.html"
#define FSIM_CXF_VERSION_MAJOR 1
#define FSIM_CXF_VERSION_MINOR 0
/* Documents over this size are refused (CXF-01) before they are parsed. */
#define FSIM_CXF_MAX_LEN (16u * 1024u * 1024u)
/*
 * The store's named blobs this module keeps: what an import kept (JSON: an
 * array of the non-passkey credentials with their item, account and
 * exporter) and the SHA-256 of every imported credential ID (sorted, 32
 * bytes each), whose counter stays 0.
 */
#define FSIM_CXF_KEPT_BLOB "cxf-kept-items"
#define FSIM_CXF_IMPORTED_BLOB "cxf-imported"
/* The exporter fidosim names when the caller does not (RFC 6761: a name no one owns). */
#define FSIM_CXF_EXPORTER_RP_ID "fidosim.invalid"
#define FSIM_CXF_EXPORTER_NAME "fidosim (simulated provider)"

/* ---- the rules ---- */

typedef struct fsim_cxf_rule {
	const char *id;        /* "CXF-01"; the catalog has it, with the same severity */
	fsim_sev_t sev;        /* error, warning or info (the catalog's E, W, I) */
} fsim_cxf_rule_t;

/* Every rule the checker reports, in catalog order. */
size_t fsim_cxf_rule_count(void);
const fsim_cxf_rule_t *fsim_cxf_rule_at(size_t i);

/* ---- reading and checking a document ---- */

/*
 * What a relying party recorded of a credential (`cxf check --record`): the
 * public key and counter of its credential record, so that the checker can
 * tell whether an exported key is the one registered (CXF-16) and whether a
 * passkey with a non-zero counter was exported (CXF-17).
 */
typedef struct fsim_cxf_known {
	const uint8_t *id;
	size_t id_len;
	EVP_PKEY *pub;         /* borrowed */
	int alg;               /* the record's COSE alg */
	uint32_t sign_count;
} fsim_cxf_known_t;

/* One passkey as read; lent by the document, secrets wiped when it is freed. */
typedef struct fsim_cxf_passkey {
	char field[96];                 /* "accounts[0].items[1].credentials[0]" */
	fsim_blob_t id;
	char *rp_id;
	char *username;                 /* "" when the document gave "" */
	char *display_name;
	fsim_blob_t user_handle;
	fsim_blob_t key;                /* PKCS#8 DER; secret */
	int alg;                        /* COSE alg; 0 when the key is unusable */
	bool alg_stated;                /* a record or fidosim extension gave the alg */
	fsim_blob_t cred_blob;          /* fido2Extensions.credBlob */
	bool hmac;                      /* fido2Extensions.hmacCredentials, hmac-sha256 */
	uint8_t cred_with_uv[32];       /* secret */
	uint8_t cred_without_uv[32];    /* secret */
	bool ext_dropped;               /* fido2Extensions the store cannot hold (largeBlob,
	                                   payments, another hmac algorithm or size) */
	uint64_t created;               /* the item's creationAt, 0 when absent */
	bool ok;                        /* no error was found on this passkey */
} fsim_cxf_passkey_t;

typedef struct fsim_cxf_doc fsim_cxf_doc_t;

typedef struct fsim_cxf_check_opts {
	const fsim_cxf_known_t *known;  /* may be NULL */
	size_t n_known;
} fsim_cxf_check_opts_t;

/*
 * Read and check a CXF document. len is looked at before data: a len over
 * FSIM_CXF_MAX_LEN is refused (CXF-01) without reading data, which may then
 * be NULL. Every problem found goes to d, under its rule, with the JSON
 * path of the member at fault; the document is valid when d holds no
 * error. Returns 0 with *out set whatever the document's validity (its
 * summary, passkeys and rules checked), FSIM_ERR_NOMEM, or FSIM_ERR_ARG.
 */
int fsim_cxf_check(const uint8_t *data, size_t len, const fsim_cxf_check_opts_t *o,
    fsim_cxf_doc_t **out, fsim_diags_t *d) FSIM_WUR;
void fsim_cxf_doc_free(fsim_cxf_doc_t **dp);   /* wipes the secrets */

/* Did the checker judge rule i (fsim_cxf_rule_at) at least once? */
bool fsim_cxf_doc_checked(const fsim_cxf_doc_t *doc, size_t i);
/* The header as read: NULL / 0 when absent. Lent. */
const char *fsim_cxf_doc_exporter(const fsim_cxf_doc_t *doc);
const char *fsim_cxf_doc_exporter_name(const fsim_cxf_doc_t *doc);
void fsim_cxf_doc_version(const fsim_cxf_doc_t *doc, int *major, int *minor);
uint64_t fsim_cxf_doc_timestamp(const fsim_cxf_doc_t *doc);
size_t fsim_cxf_doc_accounts(const fsim_cxf_doc_t *doc);
size_t fsim_cxf_doc_items(const fsim_cxf_doc_t *doc);
/* Credentials that are not passkeys, by type: n types, each with its count. */
size_t fsim_cxf_doc_other_types(const fsim_cxf_doc_t *doc);
const char *fsim_cxf_doc_other_type(const fsim_cxf_doc_t *doc, size_t i, size_t *count);
size_t fsim_cxf_doc_passkey_count(const fsim_cxf_doc_t *doc);
const fsim_cxf_passkey_t *fsim_cxf_doc_passkey(const fsim_cxf_doc_t *doc, size_t i);

/* ---- export ---- */

typedef struct fsim_cxf_export_opts {
	const char *const *rp_ids;      /* only these RPs' credentials; NULL: all */
	size_t n_rp_ids;
	bool include_counted;           /* export passkeys with a non-zero counter
	                                   too (CXF excludes them: a deliberately
	                                   non-conformant export, for tests) */
	const char *exporter_rp_id;     /* NULL: FSIM_CXF_EXPORTER_RP_ID */
	const char *exporter_name;      /* NULL: FSIM_CXF_EXPORTER_NAME */
} fsim_cxf_export_opts_t;

/* A credential the export left out, and why. */
typedef struct fsim_cxf_excluded {
	char id[64];                    /* base64url, cut to 60 characters */
	char rp_id[128];
	uint32_t sign_count;
} fsim_cxf_excluded_t;

typedef struct fsim_cxf_export_report {
	size_t exported;
	size_t excluded;                /* counted passkeys left out (CXF) */
	fsim_cxf_excluded_t first[8];   /* the first of them */
} fsim_cxf_export_report_t;

/*
 * The store's credentials (every stored one: CXF passkeys are discoverable,
 * and so are they once imported) as a CXF document: one account, one item
 * per passkey, fido2Extensions for credBlob and hmac-secret where the store
 * has them, and a "fidosim" item extension naming the COSE alg when the key
 * alone does not tell it (RSA other than RS256, ESP256, Ed25519 as -19).
 * Random bytes (the account ID) and the timestamp come from env. *text is
 * secret (the private keys): the caller wipes and frees it.
 */
int fsim_cxf_export(fsim_store_t *s, const fsim_env_t *env, const fsim_cxf_export_opts_t *o,
    char **text, size_t *len, fsim_cxf_export_report_t *rep) FSIM_WUR;

/* ---- import ---- */

typedef struct fsim_cxf_import_opts {
	bool be, bs;                    /* the importing provider's backup flags */
	const fsim_cxf_check_opts_t *check;   /* may be NULL */
} fsim_cxf_import_opts_t;

typedef struct fsim_cxf_import_report {
	size_t imported;                /* passkeys added */
	size_t kept;                    /* other credentials kept in FSIM_CXF_KEPT_BLOB */
	size_t dropped_extensions;      /* passkeys whose largeBlob / payments were dropped */
} fsim_cxf_import_report_t;

/*
 * Check the document (as fsim_cxf_check) and, when it is valid, add every
 * passkey to the store as a discoverable credential with the given BE/BS,
 * counter 0 fixed for good (FSIM_CXF_IMPORTED_BLOB), credBlob and the
 * hmac-secret keys from fido2Extensions; other credentials are appended to
 * FSIM_CXF_KEPT_BLOB. One transaction: a document with an error, a
 * credential ID the store already holds (CXF-18 against the store), or any
 * failure changes nothing (FSIM_ERR_FORMAT, with the reason in d;
 * FSIM_ERR_NOMEM; an I/O error of the store). Saves the store on success.
 */
int fsim_cxf_import(fsim_store_t *s, const fsim_env_t *env, const uint8_t *data, size_t len,
    const fsim_cxf_import_opts_t *o, fsim_cxf_import_report_t *rep, fsim_diags_t *d) FSIM_WUR;

/*
 * Was this stored credential imported (its counter then stays 0)? Reads the
 * store's FSIM_CXF_IMPORTED_BLOB; false when there is none.
 */
bool fsim_cxf_imported(fsim_store_t *s, const uint8_t *id, size_t len);

/*
 * The COSE algorithm a private key is used with when nothing else says so:
 * P-256 ES256, P-384 ES384, P-521 ES512, Ed25519 EdDSA (-8), Ed448 (-53),
 * RSA (2048 bits or more) RS256, RSA-PSS PS256, ML-DSA by its parameter
 * set; 0 for any other key.
 */
int fsim_cxf_key_alg(EVP_PKEY *key);

#endif /* !FSIM_CXF_H */
