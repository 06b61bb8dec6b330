/*
 * policy_preset.h — RP policy presets: the decisions one relying-party
 * library makes where WebAuthn leaves room or where the library departs from
 * it (BS without BE, BE changes, the counter, UV defaults, attestation trust,
 * the formats it verifies, unsolicited extensions), with the library's own
 * error texts keyed by our rule IDs. Evidence: ../shared/reference/peers.md
 * B.1-B.3 and the library sources named in each preset's `evidence`.
 *
 * "spec" (index 0) is fsim_rp_policy_init()'s behaviour exactly.
 */
#ifndef FSIM_POLICY_PRESET_H
#define FSIM_POLICY_PRESET_H

#include "rp-sim/rp.h"

/* A library's error text for a failure of one of our rules. */
typedef struct fsim_rp_preset_text {
	const char *rule;     /* "REG-14" */
	const char *text;     /* as the library words it; {x} marks a value it fills in */
} fsim_rp_preset_text_t;

/*
 * What a library's verifier can check and where it is laxer or stricter than
 * the spec in algorithms, IDs and certificates (see fsim_rp_policy_t for
 * each knob). A preset with NULL here checks them as the spec does.
 */
typedef struct fsim_rp_lib_checks {
	const int64_t *sig_algs;             /* 0-terminated COSE algs it verifies; NULL: all */
	fsim_pol_t alg_not_offered;          /* REG-16 */
	fsim_pol_t at_in_assertion;          /* AUTH-22 */
	size_t cred_id_max;                  /* REG-21 / ACD-02; 0: 1023 */
	bool self_alg_hash_only;             /* ATT-PACKED-09 */
	const char *const *tpm_vendors;      /* ATT-TPM-03; NULL-terminated; NULL: any */
	bool tpm_rsa_only;                   /* ATT-TPM-02 */
	const char *const *leaf_dates;       /* ATT-03; NULL-terminated fmts; NULL: none */
} fsim_rp_lib_checks_t;

typedef struct fsim_rp_preset {
	const char *name;      /* "spec", "py_webauthn", "simplewebauthn", "java-webauthn-server",
	                          "go-webauthn", "webauthn-rs", "fido2-net-lib", "libfido2", "python-fido2" */
	const char *library;   /* what it models, e.g. "py_webauthn 2.x (the library behind webauthn.io)" */
	const char *evidence;  /* where the decisions come from */
	/* The decisions (see fsim_rp_policy_t for each knob's meaning). */
	fsim_pol_t bs_without_be;
	fsim_be_pol_t be_change;
	fsim_be_unknown_t be_unknown;
	fsim_pol_t counter;
	bool counter_zero_ok;
	fsim_uv_rule_t uv_rule;
	fsim_pol_t untrusted_attestation;
	fsim_chain_pol_t att_chain;
	bool att_if_requested;
	const char *const *formats;          /* NULL-terminated; NULL: every format fidosim has */
	fsim_pol_t unsolicited_ext;
	const fsim_rp_lib_checks_t *checks;  /* NULL: as the spec */
	const fsim_rp_preset_text_t *texts;  /* ends with {NULL, NULL} */
	const char *notes;                   /* what is not modelled or could not be confirmed */
} fsim_rp_preset_t;

size_t fsim_rp_preset_count(void);
const fsim_rp_preset_t *fsim_rp_preset_at(size_t i);          /* "spec" is index 0; NULL past the end */
const fsim_rp_preset_t *fsim_rp_preset_find(const char *name); /* NULL if unknown */
/* Set p's decision knobs from the preset; leaves rp_id, origins, challenge, uv request, algs, trust, at alone. */
void fsim_rp_preset_apply(const fsim_rp_preset_t *ps, fsim_rp_policy_t *p);
/* The library's own error text for a failure of our rule `rule_id`, or NULL when none is known. */
const char *fsim_rp_preset_error_text(const fsim_rp_preset_t *ps, const char *rule_id);

/*
 * REG-12 under conditional mediation, per library (rp-sim/policy_up.c, with
 * the evidence, kept apart from the preset table until it is folded in):
 * FSIM_UPR_SPEC when the library can skip the UP check for a conditional
 * create (and the RP is taken to set that option when it asked for one),
 * FSIM_UPR_ALWAYS when it cannot. *evidence (may be NULL) gets the source.
 */
fsim_up_rule_t fsim_rp_preset_up_rule(const fsim_rp_preset_t *ps, const char **evidence);
const char *fsim_up_rule_name(fsim_up_rule_t v);    /* "spec", "always" */

/* Names for the knob values, as `fidosim policies` and --policy spell them. */
const char *fsim_pol_name(fsim_pol_t v);            /* "error", "warn", "ignore" */
const char *fsim_be_pol_name(fsim_be_pol_t v);      /* "error", "allow-upgrade", "ignore" */
const char *fsim_be_unknown_name(fsim_be_unknown_t v); /* "skip", "false" */
const char *fsim_uv_rule_name(fsim_uv_rule_t v);    /* "spec", "always", "sticky" */
const char *fsim_chain_pol_name(fsim_chain_pol_t v); /* "spec", "builtin-only", "never" */

#endif /* !FSIM_POLICY_PRESET_H */
