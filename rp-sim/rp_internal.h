/*
 * rp_internal.h — helpers the two ceremonies share.
 */
#ifndef FSIM_RP_INTERNAL_H
#define FSIM_RP_INTERNAL_H

#include "rp-sim/rp.h"

/* The rule IDs of the client-data steps, which differ per ceremony. */
typedef struct fsim_ccd_rules {
	const char *type;                  /* "webauthn.create" / "webauthn.get" */
	bool registration;
	fsim_rule_id_t parse, r_type, challenge, origin, cross_origin, top_origin, hash;
} fsim_ccd_rules_t;

extern const fsim_ccd_rules_t fsim_ccd_reg, fsim_ccd_auth;

/*
 * Parse clientDataJSON and check type, challenge, origin, crossOrigin and
 * topOrigin (§7.1 steps 5-12, §7.2 steps 8-14, 20). *cd is set when it parsed.
 */
void fsim_rp_check_client_data(const fsim_rp_policy_t *p, const fsim_ccd_rules_t *rr,
    const fsim_blob_t *cdj, fsim_clientdata_t **cd, fsim_checks_t *ck);

/* Whether a missing UV flag fails this ceremony, and why (appended to the message). */
typedef struct fsim_rp_uv_need {
	bool required;
	const char *why;   /* "" or e.g. " (this policy always requires UV)" */
	int be;            /* BS is checked against this BE (0, 1), or the flags' own BE (-1) */
} fsim_rp_uv_need_t;

/*
 * rpIdHash, UP, UV, BE/BS validity, RFU bits: the flag steps both ceremonies
 * share. appid: the AppID rpIdHash must be the hash of instead of the RP ID
 * (an assertion whose client output appid is true, §10.1.1); NULL: the RP ID.
 */
void fsim_rp_check_authdata_common(const fsim_rp_policy_t *p, const char *appid,
    const fsim_authdata_t *ad, const fsim_rp_uv_need_t *uv, fsim_rule_id_t r_rpid,
    fsim_rule_id_t r_up, fsim_rule_id_t r_uv, fsim_rule_id_t r_bk, fsim_checks_t *ck);
/* Is rpIdHash SHA-256 of id? (false for a NULL id) */
bool fsim_rp_rpid_hash_is(const fsim_authdata_t *ad, const char *id);

/* Is s in the NULL-terminated list? (false for a NULL list) */
bool fsim_rp_in_list(const char *s, const char *const *list);

/* Import parser diagnostics, applying the RFU-bits policy to FLAGS-03. */
void fsim_rp_import(const fsim_rp_policy_t *p, fsim_checks_t *ck, const fsim_diags_t *d,
    fsim_rule_id_t fallback);

/*
 * Authenticator extension outputs against the extensions requested (§7.1
 * step 28, §7.2 step 23): with unsolicited_ext ignore a note counts them;
 * otherwise each output nobody asked for is a FAIL or WARN under `rule`.
 */
void fsim_rp_check_extensions(const fsim_rp_policy_t *p, const fsim_authdata_t *ad,
    fsim_rule_id_t rule, const char *field, fsim_checks_t *ck);

fsim_rp_result_t *fsim_rp_result_new(int ceremony);

/*
 * Rules a parser checks by parsing (ENC-*, CBOR-*, JSON-*, AD-*, ACD-*,
 * COSE-*): once the parse succeeded they were checked and held, so record
 * PASS for each of them that has no FAIL. The checklist and the coverage of
 * `fidosim run` then show them like the rules of the ceremony steps.
 */
void fsim_rp_pass_held(fsim_checks_t *ck, const fsim_rule_id_t *rules, size_t n);
/* The parse rules of a registration's response JSON / an assertion's (JSON-01/02, JSON-04, ENC-01). */
void fsim_rp_pass_json(fsim_checks_t *ck, bool registration);
/* The parse rules of authenticator data that parsed (AD-01, AD-04, AD-03 when ED is set). */
void fsim_rp_pass_authdata(fsim_checks_t *ck, const fsim_authdata_t *ad);
/* The signature form and hash rules (SIG-01..04) of a signature that verified under key type kty. */
void fsim_rp_pass_sig(fsim_checks_t *ck, int kty);

/*
 * The FIDO Metadata Service (policy.mds; mds_check.c). find: the
 * authenticator's entry, by AAGUID, else by the key identifiers of x5c
 * (may be NULL), into res (for its name and the report). attestation: 7.1
 * steps 23-24 after the statement verified, as the policy's library does
 * (ATT-MDS-01..04); true when it decided ATT-TRUST-01 itself. login: the
 * statuses at authentication (AUTH-MDS-01), from the record's attestation
 * object.
 */
void fsim_rp_mds_find(const fsim_rp_policy_t *p, const uint8_t aaguid[16], STACK_OF(X509) *x5c,
    fsim_rp_result_t *res);
bool fsim_rp_mds_attestation(const fsim_rp_policy_t *p, const char *fmt, fsim_att_type_t type,
    STACK_OF(X509) *x5c, const uint8_t aaguid[16], fsim_rp_result_t *res);
void fsim_rp_mds_login(const fsim_rp_policy_t *p, const fsim_cred_record_t *rec,
    fsim_rp_result_t *res);

#endif /* !FSIM_RP_INTERNAL_H */
