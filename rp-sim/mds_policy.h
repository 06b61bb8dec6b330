/*
 * mds_policy.h — how each RP library uses the FIDO Metadata Service when it
 * verifies: which status reports refuse an authenticator (which statuses,
 * any report or the one listed last, effective dates or not), which only
 * make it drop the entry (no trust anchors from it), whether an
 * authenticator the BLOB does not list fails, whether fido-u2f is found by
 * key identifier, whether the x5c must chain to the statement's roots, and
 * whether statuses are checked again at login.
 *
 * A table keyed by RP policy preset name (rp-sim/policy_preset.h), separate
 * from the presets: a preset without a row here reads the BLOB as "spec"
 * does. Each row's evidence names the library source, file:line, at the
 * version or commit it models.
 */
#ifndef FSIM_MDS_POLICY_H
#define FSIM_MDS_POLICY_H

#include <stdint.h>
#include <time.h>

#include "mds/mds.h"
#include "rp-sim/rp.h"

/* Which status reports a library looks at. */
typedef enum {
	FSIM_MDSW_ANY = 0,        /* every report listed, whatever its dates */
	FSIM_MDSW_IN_EFFECT,      /* every report in effect at the verification time */
	FSIM_MDSW_LAST_LISTED,    /* only the report listed last in the array */
} fsim_mds_when_t;

/* What a refusing status does at authentication. */
typedef enum {
	FSIM_MDSL_NONE = 0,       /* not looked at */
	FSIM_MDSL_WARN,           /* reported */
	FSIM_MDSL_ERROR,          /* the assertion fails */
} fsim_mds_login_t;

typedef struct fsim_mds_gate {
	const char *preset;       /* the RP policy preset's name */
	const char *library;      /* what is modelled, with its version */
	bool consults;            /* false: the library reads no BLOB when verifying; the BLOB only names */
	uint32_t refuse;          /* FSIM_MDS_BIT set: these statuses fail the registration */
	uint32_t drop;            /* these make the library drop the entry: no anchors from it */
	fsim_mds_when_t when;
	bool akc_batch;           /* ATTESTATION_KEY_COMPROMISE with a certificate refuses only chains with that key */
	bool reject_superseded;   /* a statement an UPDATE_AVAILABLE report supersedes is dropped */
	bool strict_unknown;      /* an authenticator the BLOB does not list fails */
	bool skip_none;           /* fmt none is not looked up at all */
	bool by_keyid;            /* fido-u2f (zero AAGUID) found by attestation key identifier */
	bool anchors;             /* the statement's attestationRootCertificates are trust anchors */
	const char *const *chain_fmts;  /* with an entry, an x5c of these fmts must chain to its
	                                   roots (FAIL otherwise); NULL: not required */
	const char *const *basic_full_fmts; /* with an entry, an x5c of these fmts needs "basic_full"
	                                       in attestationTypes */
	bool chain_if_listed;     /* chain_fmts apply only when attestationTypes has basic_full or attca */
	bool types_listed;        /* the attestation type must be in attestationTypes */
	fsim_mds_login_t at_login;
	const char *refuse_text;  /* the library's error: {aaguid}, {status} filled in */
	const char *unknown_text;
	const char *evidence;
	const char *notes;
} fsim_mds_gate_t;

size_t fsim_mds_gate_count(void);
const fsim_mds_gate_t *fsim_mds_gate_at(size_t i);          /* "spec" is index 0 */
/* The row of a preset; NULL when it has none. */
const fsim_mds_gate_t *fsim_mds_gate_find(const char *preset);
/* The row a policy uses: its mds_gate, else its preset's, else spec's. */
const fsim_mds_gate_t *fsim_mds_gate_for(const fsim_rp_policy_t *p);

/* The outcome of a gate on one entry. */
typedef enum {
	FSIM_MDSG_OK = 0,         /* usable: anchors from it, no refusing status */
	FSIM_MDSG_REFUSED,        /* a status refuses the authenticator */
	FSIM_MDSG_DROPPED,        /* the library drops the entry: as if unlisted for trust */
} fsim_mds_outcome_t;

/*
 * Judge entry e under gate g at time t. x5c (may be NULL) is the attestation
 * path, for ATTESTATION_KEY_COMPROMISE reports that name a batch. *why is
 * the report that refused or dropped it (NULL when superseded or OK).
 */
fsim_mds_outcome_t fsim_mds_gate_judge(const fsim_mds_gate_t *g, const fsim_mds_entry_t *e,
    time_t t, STACK_OF(X509) *x5c, const fsim_mds_report_t **why);

/* The library's own text for a failure of ATT-MDS-01 / ATT-MDS-02 / AUTH-MDS-01, or NULL. */
const char *fsim_mds_gate_error_text(const fsim_mds_gate_t *g, const char *rule_id);

/* "any report", "reports in effect", "the report listed last". */
const char *fsim_mds_when_name(fsim_mds_when_t w);

#endif /* !FSIM_MDS_POLICY_H */
