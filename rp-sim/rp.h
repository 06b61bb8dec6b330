/*
 * rp.h — the relying-party simulator's public API: WebAuthn L3 §7.1
 * (registration) and §7.2 (authentication), every step checked and reported
 * by rule ID, all failures of a response in one pass, in spec order.
 */
#ifndef FSIM_RP_H
#define FSIM_RP_H

#include <time.h>
#include <jansson.h>
#include "core/fsim_core.h"
#include "rp-sim/checks.h"
#include "rp-sim/fmt.h"
#include "rp-sim/record.h"
#include "rp-sim/rules.h"
#include "rp-sim/trust.h"

typedef enum { FSIM_UV_PREFERRED = 0, FSIM_UV_REQUIRED, FSIM_UV_DISCOURAGED } fsim_uv_req_t;
/* What a policy-severity rule does when it is broken. */
typedef enum { FSIM_POL_ERROR = 0, FSIM_POL_WARN, FSIM_POL_IGNORE } fsim_pol_t;
typedef enum { FSIM_BE_ERROR = 0, FSIM_BE_ALLOW_UPGRADE, FSIM_BE_IGNORE } fsim_be_pol_t;
/* A record that never stored backupEligible: skip the BE comparison, or compare with false. */
typedef enum { FSIM_BE_UNKNOWN_SKIP = 0, FSIM_BE_UNKNOWN_FALSE } fsim_be_unknown_t;
/*
 * When a missing UV flag fails: the spec (only when required), always, also
 * when the record has uvInitialized (sticky), or never (the library was told
 * not to require it, whatever the options said).
 */
typedef enum { FSIM_UVR_SPEC = 0, FSIM_UVR_ALWAYS, FSIM_UVR_STICKY, FSIM_UVR_NEVER } fsim_uv_rule_t;
/*
 * How an attestation's x5c is judged after its statement verified: the spec
 * (validity, then chain to an anchor per untrusted_attestation); builtin-only:
 * apple, android-key and android-safetynet always (against the anchors; no
 * chain is an error), the other formats only when the RP configured trust
 * anchors of its own (user_anchors); anchors-only: every format, but only
 * when the RP configured anchors of its own; or never (no validity, no chain).
 */
typedef enum {
	FSIM_CHAIN_SPEC = 0, FSIM_CHAIN_BUILTIN_ONLY, FSIM_CHAIN_NEVER, FSIM_CHAIN_ANCHORS_ONLY,
} fsim_chain_pol_t;
/*
 * crossOrigin: true (§7.1 step 10, §7.2 step 13): the spec's reading (needs
 * --allow-cross-origin or a --top-origin), explicit (needs
 * --allow-cross-origin; a top origin does not imply it), or not looked at.
 */
typedef enum { FSIM_XO_SPEC = 0, FSIM_XO_EXPLICIT, FSIM_XO_IGNORE } fsim_xo_pol_t;
/*
 * topOrigin (§7.1 step 11, §7.2 step 14): spec (must be a --top-origin),
 * if-cross (checked as spec only when crossOrigin is true), auto (a
 * --top-origin or an --origin), implicit (an --origin), or not read at all.
 */
typedef enum {
	FSIM_TO_SPEC = 0, FSIM_TO_IF_CROSS, FSIM_TO_AUTO, FSIM_TO_IMPLICIT, FSIM_TO_IGNORE,
} fsim_to_pol_t;
/* The attestation conveyance the RP asked for (§5.4.7); UNSET reads as none. */
typedef enum {
	FSIM_CONVEY_UNSET = 0, FSIM_CONVEY_NONE, FSIM_CONVEY_INDIRECT, FSIM_CONVEY_DIRECT,
	FSIM_CONVEY_ENTERPRISE,
} fsim_conveyance_t;

struct fsim_rp_preset;
struct fsim_mds;
struct fsim_mds_entry;
struct fsim_mds_gate;

typedef struct fsim_rp_policy {
	const char *rp_id;
	const char *const *origins;        /* exact-match allow list (CDJ-03) */
	size_t n_origins;
	const char *const *top_origins;    /* allowed topOrigin values; any implies cross-origin allowed */
	size_t n_top_origins;
	bool allow_cross_origin;
	const uint8_t *challenge;
	size_t challenge_len;
	fsim_uv_req_t uv;
	const int64_t *algs;               /* the pubKeyCredParams offered; NULL: every alg core supports */
	size_t n_algs;
	bool enterprise;                   /* enterprise attestation was requested */
	const fsim_trust_t *trust;         /* may be NULL: nothing is trusted */
	time_t at;                         /* certificate validity time */
	fsim_pol_t untrusted_attestation;  /* default warn; --require-trusted-attestation: error */
	fsim_pol_t unknown_fmt;            /* default error */
	fsim_pol_t counter;                /* default error */
	fsim_be_pol_t be_change;           /* default error */
	fsim_pol_t rfu_bits;               /* default warn */
	/* Decisions RP libraries make differently (rp-sim/policy_preset.h); the defaults are the spec's. */
	fsim_pol_t bs_without_be;          /* REG-14 / AUTH-15; default error */
	fsim_be_unknown_t be_unknown;      /* AUTH-16 without a stored BE; default skip */
	bool counter_zero_ok;              /* AUTH-19: a received 0 after a non-zero stored count passes */
	fsim_uv_rule_t uv_rule;            /* REG-13 / AUTH-14; default spec */
	fsim_chain_pol_t att_chain;        /* ATT-03 / ATT-TRUST-01; default spec */
	bool att_if_requested;             /* verify the statement only when conveyance is not none */
	fsim_conveyance_t conveyance;      /* what the RP asked for; request data, not a preset knob */
	const char *const *formats;        /* NULL-terminated fmts the RP verifies; NULL: every one we have */
	fsim_pol_t unsolicited_ext;        /* REG-24 / AUTH-20; default ignore (reported as a note) */
	const char *const *ext_requested;  /* extension identifiers the options asked for (request data) */
	const char *appid;                 /* the AppID the RP sent in extensions.appid (§10.1.1; request data); NULL: none */
	bool appid_unsupported;            /* the library has no AppID extension: the output is not read, rpIdHash is of the RP ID */
	size_t n_ext_requested;
	/*
	 * What an RP library can verify and what it tolerates (policy_preset.h).
	 * Zero / NULL is the spec's reading for every one of them.
	 */
	const int64_t *sig_algs;           /* COSE algs it can verify signatures with; NULL: every one fidosim has */
	size_t n_sig_algs;                 /* EdDSA (-8) on Ed448 counts as Ed448 (-53) */
	fsim_pol_t alg_not_offered;        /* REG-16; default error */
	fsim_pol_t at_in_assertion;        /* AUTH-22; default error */
	size_t cred_id_max;                /* REG-21 / ACD-02 upper bound; 0: the spec's 1023 */
	bool self_alg_hash_only;           /* ATT-PACKED-09: self attestation's alg only names the hash */
	const char *const *tpm_vendors;    /* ATT-TPM-03: tpmManufacturer IDs known; NULL: any */
	bool tpm_rsa_only;                 /* ATT-TPM-02: an ECC pubArea cannot be read */
	const char *const *leaf_dates;     /* ATT-03: fmts whose x5c[0] dates are checked even when the path is not */
	fsim_sha1_pol_t sha1_sigs;         /* SIG-SHA1: RS1 keys and statements; default warn (fmt.h) */
	/*
	 * Knobs of the library audit (rp-sim/policy_knobs.h names each one as
	 * --policy spells it). Zero / NULL is the spec's reading.
	 */
	fsim_xo_pol_t reg_cross_origin;    /* REG-07 */
	fsim_xo_pol_t auth_cross_origin;   /* AUTH-10 */
	fsim_to_pol_t reg_top_origin;      /* REG-08 */
	fsim_to_pol_t auth_top_origin;     /* AUTH-11 */
	fsim_pol_t top_without_cross;      /* CDJ-06: topOrigin without crossOrigin true; default warn */
	const char *const *token_binding;  /* tokenBinding.status values taken (others fail REG-03/AUTH-06); NULL: not read */
	fsim_pol_t reg_up;                 /* REG-12; default error */
	bool bs_against_record;            /* AUTH-15: BS compared with the record's BE, not the assertion's */
	const int64_t *reg_algs;           /* algs whose keys it takes at registration at all; NULL: every one */
	size_t n_reg_algs;
	const int64_t *default_algs;       /* REG-16 when the RP named no algs (algs NULL); NULL: every one */
	size_t n_default_algs;
	fsim_pol_t trailing_bytes;         /* AD-04: bytes after authData's last part; default error */
	bool packed_cert_ignored;          /* ATT-PACKED-03..06: the §8.2.1 certificate checks are not made */
	bool u2f_zero_aaguid;              /* fido-u2f: the AAGUID must be zero (ATT-U2F-01) */
	bool tpm_vendors_nocase;           /* ATT-TPM-03: tpm_vendors compared ignoring case */
	fsim_pol_t tpm_rs1;                /* ATT-TPM-04: alg RS1 (-65535); default warn (accepted, noted weak) */
	const char *const *chain_dates;    /* ATT-03: fmts whose every x5c certificate is dated though no path is checked */
	const char *const *undated;        /* ATT-03: fmts whose path is checked but no certificate dated */
	bool dates_untrusted;              /* ATT-03: a certificate out of its dates only makes the path untrusted */
	bool user_anchors;                 /* the RP configured trust anchors of its own (request data, --trust-anchors) */
	const char *const *builtin_roots;  /* att-chain builtin-only: fmts chained to vendor roots it ships; NULL: none */
	const struct fsim_rp_preset *preset; /* the preset applied, for its library error texts; NULL: none */
	/* The FIDO Metadata Service (--mds): steps 23-24 and the status gate (rp-sim/mds_policy.h). */
	const struct fsim_mds *mds;        /* the BLOB's index; NULL: none */
	const struct fsim_mds_gate *mds_gate; /* how the RP library reads it; NULL: its preset's row */
} fsim_rp_policy_t;

/*
 * userVerification / attestation conveyance names ("required", "direct", ...)
 * as the policy's enums. False for a name that is not one of them (*out is
 * then left alone), so callers choose: a usage error, or the WebAuthn
 * default ("preferred" / "none") for an unknown value (WebAuthn L3 2.1.1).
 * NULL is no name.
 */
bool fsim_uv_req_from_name(const char *name, fsim_uv_req_t *out);
bool fsim_conveyance_from_name(const char *name, fsim_conveyance_t *out);

/* The formats whose vendor roots libraries ship (apple, android-key, android-safetynet). */
extern const char *const fsim_rp_vendor_rooted[];

/* The defaults of DESIGN.md; at = now. */
void fsim_rp_policy_init(fsim_rp_policy_t *p);

typedef struct fsim_rp_result {
	int ceremony;                      /* FSIM_CEREMONY_REGISTRATION / _AUTHENTICATION */
	bool verified;                     /* no FAIL in checks */
	fsim_checks_t checks;
	fsim_authdata_t *ad;               /* parsed authenticator data, when it parsed */
	char *fmt;                         /* registration: the fmt found */
	fsim_att_type_t att_type;
	bool att_verified;                 /* the statement verified (REG-18) */
	bool att_trusted;                  /* it chains to an anchor (ATT-TRUST-01) */
	fsim_cred_record_t *record;        /* new (registration) or updated (authentication) record; NULL if not verified */
	const struct fsim_rp_preset *preset; /* the policy's preset (for the report); NULL: none */
	/* With a BLOB (policy.mds): what it says of this authenticator. */
	bool mds_consulted;                /* a BLOB was given and the AAGUID was known */
	const struct fsim_mds_entry *mds_entry; /* lent from policy.mds; NULL: not listed */
	const char *mds_matched;           /* "aaguid" or "attestationCertificateKeyIdentifier" */
	time_t mds_at;                     /* the time its statuses were read at */
	const struct fsim_mds_gate *mds_gate; /* the row that judged it (its library's texts) */
} fsim_rp_result_t;

void fsim_rp_result_free(fsim_rp_result_t **rp);

/*
 * Verify a RegistrationResponseJSON. Returns 0 when the verification ran (the
 * verdict is in the result), negative only for internal errors.
 */
int fsim_rp_verify_registration(const fsim_rp_policy_t *p, const json_t *response,
    fsim_rp_result_t **out) FSIM_WUR;

/* Verify an AuthenticationResponseJSON against a stored credential record. */
int fsim_rp_verify_authentication(const fsim_rp_policy_t *p, const json_t *response,
    const fsim_cred_record_t *rec, fsim_rp_result_t **out) FSIM_WUR;

#endif /* !FSIM_RP_H */
