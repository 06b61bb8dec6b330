/*
 * internal.h — what the files of mds/ share and nobody else uses.
 */
#ifndef FSIM_MDS_INTERNAL_H
#define FSIM_MDS_INTERNAL_H

#include <jansson.h>
#include <openssl/evp.h>

#include "core/fsim_core.h"
#include "mds/mds.h"

/* Rule IDs of the catalog (rp-sim/rules.def). */
#define MDS_R_JWS "MDS-01"        /* compact JWS, header and payload JSON objects */
#define MDS_R_ALG "MDS-02"        /* alg RS256 or ES256, with a key of that type */
#define MDS_R_X5C "MDS-03"        /* the signing chain comes from x5c (x5u not fetched) */
#define MDS_R_CHAIN "MDS-04"      /* the chain verifies to an MDS root at the time */
#define MDS_R_SIG "MDS-05"        /* the signature verifies */
#define MDS_R_PAYLOAD "MDS-06"    /* legalHeader, no, nextUpdate, entries present and typed */
#define MDS_R_LEGAL "MDS-07"      /* legalHeader is FIDO's text */
#define MDS_R_NO "MDS-08"         /* no does not go back (--min-no) */
#define MDS_R_NEXT "MDS-09"       /* nextUpdate not passed */
#define MDS_R_ENTRY "MDS-10"      /* each entry well formed */
#define MDS_R_STATUS "MDS-11"     /* unknown status values ignored */
#define MDS_R_MEMBER "MDS-12"     /* unknown members ignored */
#define MDS_R_REVOKE "MDS-13"     /* revocation of the chain */
#define MDS_R_DUP "MDS-14"        /* one entry per identifier */

/* The text of the legalHeader FIDO publishes (fidoalliance.org/metadata, as BLOB no 121 carries it). */
#define MDS_LEGAL_HEADER "Retrieval and use of this BLOB indicates acceptance of the " \
    "appropriate agreement located at https://fidoalliance.org/metadata/metadata-legal-terms/"

#define MDS_MAX_X5C 8
#define MDS_MAX_ENTRIES 100000
#define MDS_MAX_REPORTS 1024
#define MDS_MAX_LIST 256          /* strings in one list, roots, key identifiers */
#define MDS_MAX_STR 4096          /* characters in one kept string */

/* An index key: 16 (AAGUID) or 20 (key identifier) bytes, then the entry. */
typedef struct mds_key {
	uint8_t k[20];
	const fsim_mds_entry_t *e;
} mds_key_t;

struct fsim_mds {
	fsim_mds_info_t info;
	fsim_mds_entry_t *entries;
	size_t n;
	mds_key_t *by_aaguid;
	size_t n_aaguid;
	mds_key_t *by_acki;
	size_t n_acki;
};

/* The decoded compact JWS. */
typedef struct mds_jws {
	json_t *header;
	fsim_blob_t payload;
	fsim_blob_t sig;
	const uint8_t *signed_part;   /* header "." payload, as received (lent) */
	size_t signed_len;
	STACK_OF(X509) *x5c;          /* signing certificate first; may be empty */
	char alg[8];
} mds_jws_t;

/* jws.c */
int fsim_mds_jws_parse(const uint8_t *p, size_t n, mds_jws_t *j, fsim_diags_t *d) FSIM_WUR;
void fsim_mds_jws_reset(mds_jws_t *j);
/* MDS-02 / MDS-05: the signature under key; 0 when it verifies. */
int fsim_mds_jws_verify(const mds_jws_t *j, EVP_PKEY *key, fsim_diags_t *d) FSIM_WUR;

/* chain.c */
/* The roots of o (or the system's), into a new stack. FSIM_ERR_IO with a diagnostic when none loads. */
int fsim_mds_roots_load(const fsim_mds_opts_t *o, STACK_OF(X509) **out, fsim_diags_t *d) FSIM_WUR;
/* MDS-03/04/05/13: chain and signature; fills info->signer, root, chain. 0 when both hold. */
int fsim_mds_chain_verify(const mds_jws_t *j, const fsim_mds_opts_t *o, fsim_mds_info_t *info,
    fsim_diags_t *d) FSIM_WUR;
/* One line of a certificate's subject (CN, else OU, else the whole name). */
void fsim_mds_subject_line(const X509 *x, char *buf, size_t len);

/* entry.c */
/*
 * Entry i of the payload into e (zeroed by the caller). Unknown member
 * names are counted in unknown (an object name -> count). Errors (MDS-10)
 * name the field "entries[i]...". 0, FSIM_ERR_FORMAT or FSIM_ERR_NOMEM.
 */
int fsim_mds_entry_parse(const json_t *j, size_t i, fsim_mds_entry_t *e, json_t *unknown,
    fsim_diags_t *d) FSIM_WUR;
void fsim_mds_entry_reset(fsim_mds_entry_t *e);

/* status.c */
/* Record the names of o's members not in known[] (NULL-terminated) as "where.name" in unknown. */
void fsim_mds_note_unknown(const json_t *o, const char *const *known, const char *where,
    json_t *unknown);

#endif /* !FSIM_MDS_INTERNAL_H */
