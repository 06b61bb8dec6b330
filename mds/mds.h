/*
 * mds.h — the FIDO Metadata Service v3 BLOB, offline: verify one (a compact
 * JWS: chain to the MDS root, signature, payload), keep an index of its
 * entries by AAGUID, attestation certificate key identifier and AAID, and
 * read status reports as of a given time.
 *
 * A BLOB is parsed and verified once (a real one is 4-10 MB with 280+
 * entries); what is kept is the index, not the JSON. A loaded fsim_mds_t is
 * read-only, so threads may share it.
 *
 * Diagnostics carry the rule IDs of the catalog (rp-sim/rules.def, "MDS-NN",
 * sections of FIDO Metadata Service 3.0/3.1.1): errors make a BLOB invalid,
 * warnings and notes do not.
 */
#ifndef FSIM_MDS_H
#define FSIM_MDS_H

#include <time.h>
#include <openssl/x509.h>

#include "core/util.h"

#define FSIM_MDS_BLOB_MAX (64u << 20)     /* bytes; a real BLOB is 4-10 MB */

/* AuthenticatorStatus (MDS 3.1.4; RETIRED and the FIPS levels from 3.1.1). */
typedef enum {
	FSIM_MDS_ST_UNKNOWN = 0,           /* a value this build does not know: ignored (3.1.4) */
	FSIM_MDS_ST_NOT_FIDO_CERTIFIED,
	FSIM_MDS_ST_FIDO_CERTIFIED,
	FSIM_MDS_ST_USER_VERIFICATION_BYPASS,
	FSIM_MDS_ST_ATTESTATION_KEY_COMPROMISE,
	FSIM_MDS_ST_USER_KEY_REMOTE_COMPROMISE,
	FSIM_MDS_ST_USER_KEY_PHYSICAL_COMPROMISE,
	FSIM_MDS_ST_UPDATE_AVAILABLE,
	FSIM_MDS_ST_REVOKED,
	FSIM_MDS_ST_SELF_ASSERTION_SUBMITTED,
	FSIM_MDS_ST_FIDO_CERTIFIED_L1,
	FSIM_MDS_ST_FIDO_CERTIFIED_L1plus,
	FSIM_MDS_ST_FIDO_CERTIFIED_L2,
	FSIM_MDS_ST_FIDO_CERTIFIED_L2plus,
	FSIM_MDS_ST_FIDO_CERTIFIED_L3,
	FSIM_MDS_ST_FIDO_CERTIFIED_L3plus,
	FSIM_MDS_ST_RETIRED,
	FSIM_MDS_ST_FIPS140_CERTIFIED_L1,
	FSIM_MDS_ST_FIPS140_CERTIFIED_L2,
	FSIM_MDS_ST_FIPS140_CERTIFIED_L3,
	FSIM_MDS_ST_FIPS140_CERTIFIED_L4,
	FSIM_MDS_ST__COUNT
} fsim_mds_status_t;

/* A set of statuses, one bit each. */
#define FSIM_MDS_BIT(s) (1u << (unsigned)(s))
/* The four security notifications of 3.1.4 ("compromise" statuses). */
#define FSIM_MDS_COMPROMISE (FSIM_MDS_BIT(FSIM_MDS_ST_USER_VERIFICATION_BYPASS) | \
    FSIM_MDS_BIT(FSIM_MDS_ST_ATTESTATION_KEY_COMPROMISE) | \
    FSIM_MDS_BIT(FSIM_MDS_ST_USER_KEY_REMOTE_COMPROMISE) | \
    FSIM_MDS_BIT(FSIM_MDS_ST_USER_KEY_PHYSICAL_COMPROMISE))

/* "FIDO_CERTIFIED_L1" ...; "UNKNOWN" for FSIM_MDS_ST_UNKNOWN. */
const char *fsim_mds_status_name(fsim_mds_status_t s);
/* FSIM_MDS_ST_UNKNOWN for a name that is not a status. Case-sensitive, as the BLOB. */
fsim_mds_status_t fsim_mds_status_from_name(const char *name);
/* A FIDO certification status (FIDO_CERTIFIED, _L1 ... _L3plus); its rank, 0 when it is not one. */
int fsim_mds_cert_rank(fsim_mds_status_t s);

/* A list of strings. */
typedef struct fsim_mds_strs {
	char **v;
	size_t n;
} fsim_mds_strs_t;

/* StatusReport (3.1.3). Dates are 00:00 UTC of the day the BLOB gives. */
typedef struct fsim_mds_report {
	fsim_mds_status_t status;
	char *status_name;                 /* as the BLOB spells it (an unknown one is kept) */
	bool has_effective;
	time_t effective;
	bool has_sunset;                   /* sunsetDate (3.1.1): not in effect from that day */
	time_t sunset;
	bool has_av;
	uint32_t authenticator_version;
	fsim_blob_t certificate;           /* DER of `certificate` (the affected batch), or empty */
	char *url;
	char *certification_descriptor;
	char *certificate_number;
	char *certification_policy_version;
	char *certification_requirements_version;
	size_t position;                   /* index in the entry's statusReports array */
} fsim_mds_report_t;

/* MetadataBLOBPayloadEntry (3.1.1) with what is used of its metadataStatement. */
typedef struct fsim_mds_entry {
	size_t position;                   /* index in the BLOB's entries array */
	bool has_aaguid;
	uint8_t aaguid[16];
	char *aaid;                        /* UAF; NULL */
	uint8_t (*ackis)[20];              /* attestationCertificateKeyIdentifiers (entry and statement) */
	size_t n_ackis;
	char *description;                 /* NULL when there is no statement */
	char *protocol_family;             /* "fido2", "u2f", "uaf" */
	bool has_av;
	uint32_t authenticator_version;
	int64_t schema;
	fsim_mds_strs_t attestation_types;         /* "basic_full", "attca", ... */
	fsim_mds_strs_t authentication_algorithms; /* "secp256r1_ecdsa_sha256_raw", ... */
	fsim_mds_strs_t uv_methods;        /* each AND-combination joined with '+' */
	fsim_mds_strs_t key_protection;
	STACK_OF(X509) *roots;             /* attestationRootCertificates; never NULL */
	fsim_mds_report_t *reports;        /* oldest first (undated first); ties in BLOB order */
	size_t n_reports;
	char time_of_last_status_change[11];
	/* An UPDATE_AVAILABLE report names a newer authenticatorVersion than the
	 * statement's: the RP MUST reject the statement (3.1.4 UPDATE_AVAILABLE). */
	bool superseded;
} fsim_mds_entry_t;

/* What a BLOB says about itself; filled as far as parsing got, valid or not. */
typedef struct fsim_mds_info {
	bool valid;
	char alg[8];                       /* the JWS header's alg */
	bool has_no;
	int64_t no;
	char next_update[11];              /* "YYYY-MM-DD", or "" */
	time_t next_update_t;
	char legal_header[320];
	size_t entries, by_aaguid, by_acki, by_aaid;
	char signer[256];                  /* the signing certificate's subject (one line) */
	char root[256];                    /* the trust anchor the chain ended at, or "" */
	char chain[4][160];                /* subjects, signer first, as verified */
	size_t n_chain;
	time_t at;                         /* when the chain and nextUpdate were checked */
} fsim_mds_info_t;

typedef struct fsim_mds_opts {
	time_t at;                         /* the verification time (chain validity, nextUpdate) */
	const char *const *roots;          /* PEM files of MDS roots; none: the system's
	                                      GlobalSign Root CA - R3 and GlobalSign Root R46 */
	size_t n_roots;
	const char *const *crls;           /* PEM or DER CRL files: revocation of the chain checked */
	size_t n_crls;
	int64_t min_no;                    /* `no` below this is an error (MDS-08); < 0: not checked */
	bool no_verify;                    /* parse only: signature and chain not checked (tests, fuzzing) */
} fsim_mds_opts_t;

typedef struct fsim_mds fsim_mds_t;

/* Defaults: at = now, system roots, no CRLs, min_no -1, verify. */
void fsim_mds_opts_init(fsim_mds_opts_t *o);

/*
 * Parse and verify a BLOB (the JWS text; surrounding whitespace allowed).
 * Every problem found goes to d with its rule (one pass: a bad chain does not
 * hide a bad signature or payload). info (may be NULL) is filled as far as
 * parsing got. Returns 0 and sets *out when the BLOB is valid;
 * FSIM_ERR_FORMAT when it is not (d says why); FSIM_ERR_IO when a root or
 * CRL file cannot be read; FSIM_ERR_NOMEM.
 */
int fsim_mds_load(const uint8_t *jws, size_t len, const fsim_mds_opts_t *o,
    fsim_mds_info_t *info, fsim_mds_t **out, fsim_diags_t *d) FSIM_WUR;
/* The same from a file (FSIM_ERR_IO, with a diagnostic, when it cannot be read). */
int fsim_mds_load_file(const char *path, const fsim_mds_opts_t *o, fsim_mds_info_t *info,
    fsim_mds_t **out, fsim_diags_t *d) FSIM_WUR;
void fsim_mds_free(fsim_mds_t **mp);

const fsim_mds_info_t *fsim_mds_info(const fsim_mds_t *m);
size_t fsim_mds_count(const fsim_mds_t *m);
const fsim_mds_entry_t *fsim_mds_at(const fsim_mds_t *m, size_t i);   /* BLOB order */

/* Lookups; NULL when not listed. A zero AAGUID is never listed. Lent: valid while m lives. */
const fsim_mds_entry_t *fsim_mds_find_aaguid(const fsim_mds_t *m, const uint8_t aaguid[16]);
const fsim_mds_entry_t *fsim_mds_find_acki(const fsim_mds_t *m, const uint8_t keyid[20]);
const fsim_mds_entry_t *fsim_mds_find_aaid(const fsim_mds_t *m, const char *aaid);
/*
 * An identifier as a person types it: an AAGUID (with or without dashes), a
 * key identifier (40 hex digits) or an AAID ("XXXX#XXXX"). FSIM_ERR_ARG when
 * it is none of them; FSIM_ERR_NOT_FOUND when the BLOB does not list it.
 */
int fsim_mds_find(const fsim_mds_t *m, const char *id, const fsim_mds_entry_t **out) FSIM_WUR;

/*
 * The attestation certificate key identifier of a certificate: SHA-1 over
 * its subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1, as
 * MDS 3.1.1 defines attestationCertificateKeyIdentifiers).
 */
int fsim_mds_keyid(const X509 *x, uint8_t out[20]) FSIM_WUR;

/* Is the report in effect at t: effectiveDate absent or <= t, and sunsetDate absent or > t. */
bool fsim_mds_report_in_effect(const fsim_mds_report_t *r, time_t t);
/*
 * The current status at t (3.1.1: the latest report reflects it): of the
 * reports in effect, the latest by effectiveDate, a tie going to the one
 * listed later. NULL when none is in effect.
 */
const fsim_mds_report_t *fsim_mds_current(const fsim_mds_entry_t *e, time_t t);
/* The report listed last in the BLOB's array (what some libraries read as current); NULL: none. */
const fsim_mds_report_t *fsim_mds_last_listed(const fsim_mds_entry_t *e);
/*
 * The certification at t: the highest FIDO_CERTIFIED level among the
 * reports in effect; else NOT_FIDO_CERTIFIED or SELF_ASSERTION_SUBMITTED
 * when one is in effect; else FSIM_MDS_ST_UNKNOWN (nothing said).
 */
fsim_mds_status_t fsim_mds_certification(const fsim_mds_entry_t *e, time_t t);

/* "YYYY-MM-DD" (exactly) as 00:00 UTC; FSIM_ERR_FORMAT when not a real date. */
int fsim_mds_parse_date(const char *s, time_t *out) FSIM_WUR;
/* t as "YYYY-MM-DD" (UTC). */
void fsim_mds_format_date(time_t t, char out[11]);

#endif /* !FSIM_MDS_H */
