/*
 * mutate.c — the mutation and vector units (mutate.h): the table of units,
 * the error rules no unit can reach, and the run of one unit under each RP
 * policy preset, with the cell each yields (docs/report-schema.md); what each
 * preset is expected to decide is mutate_expect.c's.
 *
 * Error-severity rules of rp-sim/rules.def that no unit breaks or sees hold,
 * and why (fsim_mutation_unreachable):
 *
 *   rule     why
 *   REG-09   the RP computes the client data hash itself over the bytes as
 *   AUTH-17  received, so the step holds for every input; a changed
 *            clientDataJSON breaks the client data or signature rules instead
 *
 * Rules whose home is not the RP's verification steps are judged by the
 * component that owns them (mutate_judge.c): REC-01 by the RP's loading of
 * the credential record it stored as JSON; JSON-06 and OPT-02 by the
 * client's options parser (a refusal there is what a browser's TypeError
 * is; the cell's why says so); ENC-00 by fidosim's check of the input it
 * reads (fsim_input_span, fidosim decode's first step).
 *
 * The rules the authenticator quirks break (quirks.def: REG-11, REG-12,
 * REG-14, REG-21, ACD-02, AD-03, AD-04, AUTH-18, AUTH-22, SIG-01, ATT-03,
 * ATT-NONE-01, ATT-PACKED-04/05/06/09) are covered by the quirk cells; the
 * units here break every other reachable error rule, including the
 * assertion-side rules a quirk cannot reach because the registration it
 * spoils fails first (AUTH-12, AUTH-13, AUTH-15).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/judge_memo.h"
#include "harness/matrix_int.h"
#include "harness/mutate_int.h"

static const struct {
	const char *rule;
	const char *why;
} unreachable[] = {
	{ "REG-09", "the RP hashes clientDataJSON as received itself, so the step holds for "
	    "every input; a changed clientDataJSON breaks other rules instead" },
	{ "AUTH-17", "the RP hashes clientDataJSON as received itself, so the step holds for "
	    "every input; a changed clientDataJSON breaks other rules instead" },
};

#define N_UNREACHABLE (sizeof(unreachable) / sizeof(unreachable[0]))

/* Where a unit's valid ceremony comes from. */
typedef enum {
	B_NONE_REG = 0,    /* pipeline: fmt none registration */
	B_NONE_AUTH,       /* pipeline: fmt none registration, then the assertion */
	B_PACKED_REG,      /* pipeline: packed with x5c */
	B_U2F_REG,         /* pipeline: fido-u2f */
	B_VECTOR,          /* vectors/<arg> */
	B_NO_CEREMONY,     /* none: the edit sets the case up (options) */
} mu_base_t;

typedef struct mu_unit {
	const char *name;       /* a mutation: the rule it breaks; a vector: "vector/..." */
	mu_base_t base;
	const char *arg;        /* B_VECTOR: the file below vectors/ */
	mu_edit_fn edit;        /* the change (NULL: none) */
	const char *change;     /* what the change is, one line */
} mu_unit_t;

#define W3C(n) "w3c-l3/w3c-" n ".json"
#define VEC(n) { "vector/w3c-l3/" n, B_VECTOR, W3C(n), NULL, "" }
#define RW_MLDSA44 "real-world/cases/pyw-auth-verify_ml_dsa_44_response.json"

static const mu_unit_t units[] = {
	/* Encodings of the registration response. */
	{ "ENC-01", B_NONE_REG, NULL, mu_enc01, "clientDataJSON written with base64 padding \"==\"" },
	{ "ENC-02", B_NONE_REG, NULL, mu_enc02, "the attestation object's fmt is the integer 1" },
	{ "ENC-03", B_NONE_REG, NULL, mu_enc03, "a byte after the attestation object's CBOR map" },
	{ "ENC-05", B_NONE_REG, NULL, mu_enc05, "clientDataJSON crossOrigin is the string \"no\"" },
	{ "CBOR-01", B_NONE_REG, NULL, mu_cbor01, "the attestation object is an indefinite-length map" },
	{ "CBOR-DUP", B_NONE_REG, NULL, mu_cbordup, "the attestation object has \"fmt\" twice" },
	{ "CBOR-KEYTYPE", B_NONE_REG, NULL, mu_cborkeytype,
	    "the attestation object has a byte-string key" },
	{ "ATT-01", B_NONE_REG, NULL, mu_fmt_syntax, "fmt is none\" (a quote in the identifier)" },
	{ "JSON-01", B_NONE_REG, NULL, mu_json_transports, "response.transports is a string" },
	{ "JSON-03", B_NONE_REG, NULL, mu_json_alg_copy,
	    "response.publicKeyAlgorithm says RS256 for an ES256 key" },
	{ "JSON-04", B_NONE_REG, NULL, mu_json_ext_buffer,
	    "clientExtensionResults.prf.results.first is a number" },
	/* The registration ceremony, 7.1. */
	{ "REG-01", B_NONE_REG, NULL, mu_type_bad, "type is \"public_key\"" },
	{ "REG-03", B_NONE_REG, NULL, mu_cdj_not_json, "clientDataJSON is not JSON" },
	{ "REG-04", B_NONE_REG, NULL, mu_cdj_type, "clientData type is webauthn.get" },
	{ "REG-05", B_NONE_REG, NULL, mu_cdj_challenge, "clientData challenge is another one" },
	{ "REG-06", B_NONE_REG, NULL, mu_cdj_origin, "clientData origin is https://evil.example" },
	{ "REG-07", B_NONE_REG, NULL, mu_cdj_cross_origin,
	    "clientData crossOrigin is true; the RP expects no iframe" },
	{ "REG-08", B_NONE_REG, NULL, mu_cdj_top_origin,
	    "clientData topOrigin https://top.example; the RP allows iframes but no top origin" },
	{ "REG-10", B_NONE_REG, NULL, mu_attobj_truncated,
	    "the attestation object's last 5 bytes cut off" },
	{ "REG-13", B_NONE_REG, NULL, mu_uv_required, "UV cleared; the RP requires UV" },
	{ "REG-16", B_NONE_REG, NULL, mu_alg_not_offered,
	    "the RP offered EdDSA only; the credential is ES256" },
	{ "REG-17", B_NONE_REG, NULL, mu_fmt_unknown, "fmt is x-fidosim-unknown" },
	{ "REG-26", B_NONE_REG, NULL, mu_no_at, "authData cut to 37 bytes with AT clear" },
	{ "REG-27", B_NONE_REG, NULL, mu_rawid_other, "id and rawId name another credential" },
	/* Attested credential data and the credential public key. */
	{ "ACD-01", B_NONE_REG, NULL, mu_acd_truncated,
	    "authData ends 8 bytes into the credential ID" },
	{ "ACD-05", B_NONE_REG, NULL, mu_cose_not_map,
	    "the credential public key is the CBOR text \"x\"" },
	{ "COSE-01", B_NONE_REG, NULL, mu_cose_no_alg, "the COSE key has no alg (3)" },
	{ "COSE-03", B_NONE_REG, NULL, mu_cose_short_x, "the P-256 key's x is 31 bytes" },
	{ "COSE-04", B_NONE_REG, NULL, mu_cose_off_curve,
	    "the P-256 key's y changed: the point is off the curve" },
	/* packed, fido-u2f (made in process). */
	{ "ATT-PACKED-01", B_PACKED_REG, NULL, mu_packed_no_alg, "attStmt has no alg" },
	{ "ATT-PACKED-02", B_PACKED_REG, NULL, mu_packed_sig, "attStmt.sig's last bit flipped" },
	{ "ATT-PACKED-03", B_PACKED_REG, NULL, mu_packed_cert_v1,
	    "the attestation certificate re-issued as X.509 v1 (same key)" },
	{ "ATT-U2F-01", B_U2F_REG, NULL, mu_u2f_two_certs, "x5c holds the certificate twice" },
	{ "ATT-U2F-02", B_U2F_REG, NULL, mu_u2f_cert_p384,
	    "the attestation certificate re-issued for a P-384 key" },
	{ "ATT-U2F-03", B_U2F_REG, NULL, mu_u2f_cred_p384,
	    "the credential public key is an ES384 key" },
	{ "ATT-U2F-04", B_U2F_REG, NULL, mu_u2f_sig, "attStmt.sig's last bit flipped" },
	/* tpm, android-key, apple (W3C vectors). */
	{ "ATT-TPM-01", B_VECTOR, W3C("tpm-es256-registration"), mu_tpm_ver, "attStmt.ver is \"1.2\"" },
	{ "ATT-TPM-02", B_VECTOR, W3C("tpm-es256-registration"), mu_tpm_pubarea,
	    "pubArea's unique point changed; certInfo's name follows and a new AIK signs it" },
	{ "ATT-TPM-03", B_VECTOR, W3C("tpm-es256-registration"), mu_tpm_aik_subject,
	    "the AIK certificate re-issued with subject CN=fidosim AIK (same key)" },
	{ "ATT-TPM-04", B_VECTOR, W3C("tpm-es256-registration"), mu_tpm_sig,
	    "attStmt.sig's last bit flipped" },
	{ "ATT-TPM-05", B_VECTOR, W3C("tpm-es256-registration"), mu_tpm_extra_data,
	    "clientDataJSON gains a member: certInfo's extraData no longer matches" },
	{ "ATT-AKEY-01", B_VECTOR, W3C("android-key-es256-l3-cr-registration"), mu_akey_no_alg,
	    "attStmt has no alg" },
	{ "ATT-AKEY-02", B_VECTOR, W3C("android-key-es256-l3-cr-registration"), mu_akey_sig,
	    "attStmt.sig's last bit flipped" },
	{ "ATT-AKEY-03", B_VECTOR, W3C("android-key-es256-l3-cr-registration"), mu_akey_other_key,
	    "the leaf re-issued for another key, which signs" },
	{ "ATT-AKEY-04", B_VECTOR, W3C("android-key-es256-l3-cr-registration"), mu_akey_challenge,
	    "the leaf re-issued with another attestationChallenge (same key)" },
	{ "ATT-AKEY-05", B_VECTOR, W3C("android-key-es256-l3-cr-registration"), mu_akey_all_apps,
	    "the leaf re-issued with allApplications in teeEnforced" },
	{ "ATT-AKEY-06", B_VECTOR, W3C("android-key-es256-l3-cr-registration"), mu_akey_origin,
	    "the leaf re-issued with origin KM_ORIGIN_IMPORTED" },
	{ "ATT-APPLE-01", B_VECTOR, W3C("apple-es256-registration"), mu_apple_no_x5c,
	    "x5c is an empty array" },
	{ "ATT-APPLE-02", B_VECTOR, W3C("apple-es256-registration"), mu_apple_nonce,
	    "clientDataJSON gains a member: the nonce no longer matches" },
	{ "ATT-APPLE-03", B_VECTOR, W3C("apple-es256-registration"), mu_apple_other_key,
	    "the leaf re-issued for another key" },
	/* android-safetynet, compound (built here). */
	{ "ATT-SNET-02", B_NONE_REG, NULL, mu_snet_not_jws, "response is not a compact JWS" },
	{ "ATT-SNET-03", B_NONE_REG, NULL, mu_snet_nonce,
	    "the JWS payload's nonce is of other data (signature valid)" },
	{ "ATT-SNET-04", B_NONE_REG, NULL, mu_snet_sig, "the JWS signature's last bit flipped" },
	{ "ATT-COMP-01", B_PACKED_REG, NULL, mu_compound_one, "compound with one statement" },
	{ "ATT-COMP-02", B_PACKED_REG, NULL, mu_compound_bad_sub,
	    "compound whose second statement's sig does not verify" },
	/* The authentication ceremony, 7.2 (every change signed again). */
	{ "AUTH-01", B_NONE_AUTH, NULL, mu_type_bad, "type is \"public_key\"" },
	{ "AUTH-03", B_NONE_AUTH, NULL, mu_rawid_other, "id and rawId name another credential" },
	{ "AUTH-06", B_NONE_AUTH, NULL, mu_cdj_not_json, "clientDataJSON is not JSON (signed)" },
	{ "AUTH-07", B_NONE_AUTH, NULL, mu_cdj_type, "clientData type is webauthn.create (signed)" },
	{ "AUTH-08", B_NONE_AUTH, NULL, mu_cdj_challenge,
	    "clientData challenge is another one (signed)" },
	{ "AUTH-09", B_NONE_AUTH, NULL, mu_cdj_origin,
	    "clientData origin is https://evil.example (signed)" },
	{ "AUTH-10", B_NONE_AUTH, NULL, mu_cdj_cross_origin,
	    "clientData crossOrigin is true; the RP expects no iframe (signed)" },
	{ "AUTH-11", B_NONE_AUTH, NULL, mu_cdj_top_origin,
	    "clientData topOrigin https://top.example; no top origin allowed (signed)" },
	{ "AUTH-12", B_NONE_AUTH, NULL, mu_rpid_hash, "rpIdHash of other.example (signed)" },
	{ "AUTH-13", B_NONE_AUTH, NULL, mu_up_clear, "UP cleared (signed)" },
	{ "AUTH-14", B_NONE_AUTH, NULL, mu_uv_required,
	    "UV cleared (signed); the RP requires UV" },
	{ "AUTH-15", B_NONE_AUTH, NULL, mu_bs_without_be,
	    "BS set, BE clear (signed); registered with BE clear" },
	{ "AUTH-23", B_NONE_AUTH, NULL, mu_id_not_rawid, "id is \"AAAA\", not rawId's base64url" },
	{ "EXT-APPID-01", B_NONE_AUTH, NULL, mu_appid_unsolicited,
	    "clientExtensionResults.appid is true; the RP sent no AppID" },
	{ "AD-01", B_NONE_AUTH, NULL, mu_ad_short, "authenticatorData cut to 30 bytes" },
	{ "JSON-02", B_NONE_AUTH, NULL, mu_json_user_handle, "response.userHandle is a number" },
	{ "SIG-02", B_NONE_AUTH, NULL, mu_sig_hash, "the ES256 key signed over SHA-384" },
	{ "SIG-03", B_VECTOR, W3C("packed-rs256-authentication"), mu_sig_short,
	    "the RS256 signature one byte short" },
	{ "SIG-04", B_VECTOR, W3C("packed-ed25519-authentication"), mu_sig_short,
	    "the Ed25519 signature one byte short" },
	{ "SIG-ML-01", B_VECTOR, RW_MLDSA44, mu_sig_short,
	    "the ML-DSA-44 signature one byte short" },
	/* Rules owned by another component than the RP's steps (mutate_judge.c). */
	{ "REC-01", B_NONE_AUTH, NULL, mu_rec_no_key,
	    "the credential record the RP stored as JSON lacks publicKey" },
	{ "JSON-06", B_NO_CEREMONY, NULL, mu_opts_no_challenge,
	    "request options JSON without challenge" },
	{ "OPT-02", B_NO_CEREMONY, NULL, mu_opts_user_id_65,
	    "creation options JSON whose user.id is 65 bytes" },
	{ "ENC-00", B_NONE_REG, NULL, mu_input_empty,
	    "the registration response handed to fidosim as zero bytes" },
	/* Valid ceremonies: every format's rules hold somewhere. */
	VEC("none-es256-registration"),
	VEC("none-es256-authentication"),
	VEC("none-es256-cross-origin-registration"),
	VEC("none-es256-cross-origin-authentication"),
	VEC("none-es256-top-origin-registration"),
	VEC("none-es256-top-origin-authentication"),
	VEC("none-es256-long-credential-id-registration"),
	VEC("none-es256-long-credential-id-authentication"),
	VEC("packed-self-es256-registration"),
	VEC("packed-self-es256-authentication"),
	VEC("packed-es256-registration"),
	VEC("packed-es256-authentication"),
	VEC("packed-es384-registration"),
	VEC("packed-es384-authentication"),
	VEC("packed-es512-registration"),
	VEC("packed-es512-authentication"),
	VEC("packed-rs256-registration"),
	VEC("packed-rs256-authentication"),
	VEC("packed-ed25519-registration"),
	VEC("packed-ed25519-authentication"),
	VEC("packed-ed448-registration"),
	VEC("packed-ed448-authentication"),
	VEC("tpm-es256-registration"),
	VEC("tpm-es256-authentication"),
	VEC("android-key-es256-l3-cr-registration"),
	VEC("android-key-es256-authentication"),
	VEC("apple-es256-registration"),
	VEC("apple-es256-authentication"),
	VEC("fido-u2f-es256-registration"),
	VEC("fido-u2f-es256-authentication"),
	/* an ML-DSA-44 assertion from webauthn.io (py_webauthn's test suite) */
	{ "vector/real-world/pyw-auth-verify_ml_dsa_44_response", B_VECTOR, RW_MLDSA44, NULL, "" },
	{ "vector/fidosim/android-safetynet", B_NONE_REG, NULL, mu_snet_make,
	    "an android-safetynet statement made for an in-process registration" },
	{ "vector/fidosim/compound", B_PACKED_REG, NULL, mu_compound_make,
	    "compound of the provider's packed statement and a packed self statement" },
	{ "vector/fidosim/assertion-extensions", B_NONE_AUTH, NULL, mu_with_extensions,
	    "ED set with the credBlob output the RP asked for (signed)" },
	{ "vector/fidosim/appid", B_NONE_AUTH, NULL, mu_appid_used,
	    "a U2F-era assertion: rpIdHash of the AppID the RP sent, appid true (signed)" },
	{ "vector/fidosim/record-json", B_NONE_AUTH, NULL, mu_rec_json,
	    "the RP's credential record stored as JSON and loaded back before the assertion" },
	{ "vector/fidosim/creation-options", B_NO_CEREMONY, NULL, mu_opts_creation,
	    "creation options JSON as the pipeline's RP writes them (16-byte user.id)" },
	{ "vector/fidosim/request-options", B_NO_CEREMONY, NULL, mu_opts_request,
	    "request options JSON with one allowCredentials entry" },
	{ "vector/fidosim/input-response", B_NONE_REG, NULL, mu_input_response,
	    "the registration response handed to fidosim as compact JSON" },
};

#define N_UNITS (sizeof(units) / sizeof(units[0]))

size_t
fsim_mutation_units(void)
{
	return N_UNITS;
}

const char *
fsim_mutation_unit_name(size_t i)
{
	return i < N_UNITS ? units[i].name : NULL;
}

const char *
fsim_mutation_unreachable(const char *rule_id)
{
	size_t i;

	for (i = 0; rule_id != NULL && i < N_UNREACHABLE; i++)
		if (strcmp(unreachable[i].rule, rule_id) == 0)
			return unreachable[i].why;
	return NULL;
}

const char *
fsim_mutation_unreachable_at(size_t i)
{
	return i < N_UNREACHABLE ? unreachable[i].rule : NULL;
}

static bool
is_vector(const mu_unit_t *u)
{
	return strncmp(u->name, "vector/", 7) == 0;
}

/* ---- cells ---- */

static int
append_unique(json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
			return 0;
	return json_array_append_new(arr, json_string(s));
}

/*
 * Members set one by one, in order (json_pack parses its format at every
 * call: a sixteenth of a mutation unit went into it). set() takes v, and
 * counts a failure (NULL v, or no memory) in *bad.
 */
static void
set(json_t *o, const char *k, json_t *v, int *bad)
{
	if (v == NULL || json_object_set_new(o, k, v) != 0)
		*bad = 1;
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
verdict_json(const fsim_pipe_verdict_t *v)
{
	json_t *o = json_object();
	int bad = o == NULL;

	if (o != NULL) {
		set(o, "policy", json_string(v->preset->name), &bad);
		set(o, "ran", json_boolean(v->ran), &bad);
		set(o, "verified", json_boolean(v->verified), &bad);
		set(o, "errors", json_string(v->errors), &bad);
		set(o, "warnings", json_string(v->warnings), &bad);
		set(o, "firstError", str_or_null(v->first_error[0] ? v->first_error : NULL), &bad);
		set(o, "libraryError", str_or_null(v->library_error[0] ? v->library_error : NULL),
		    &bad);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The authenticator data flags the RP saw (0 when there were none). */
static uint8_t
seen_flags(const fsim_rp_result_t *res)
{
	return res->ad != NULL ? res->ad->flags : 0;
}

/*
 * The cell's why: the first failure (or "verified"); for a unit judged
 * outside the RP's steps, with the field and who judged it.
 */
static void
why_of(const mu_case_t *c, const fsim_rp_result_t *res, const fsim_pipe_verdict_t *v,
    char *buf, size_t len)
{
	const fsim_check_t *first = NULL;
	size_t i;

	for (i = 0; i < res->checks.n && first == NULL; i++)
		if (res->checks.v[i].status == FSIM_CHECK_FAIL)
			first = &res->checks.v[i];
	if (c->note[0] == '\0')
		snprintf(buf, len, "%s", v->first_error[0] ? v->first_error : "verified");
	else if (first == NULL)
		snprintf(buf, len, "%s", c->note);
	else
		snprintf(buf, len, "%s: %s%s%s; %s", fsim_rule(first->rule)->id, first->field,
		    first->field[0] ? ": " : "", first->msg[0] ? first->msg :
		    fsim_rule(first->rule)->summary, c->note);
}

static json_t *
make_cell(const mu_unit_t *u, const mu_case_t *c, const fsim_rp_preset_t *ps,
    const fsim_rp_result_t *res, json_t *emitted, const fsim_pipe_view_t *delivered)
{
	json_t *cell = NULL, *rules = json_array(), *sections = json_array();
	json_t *warnings = json_array(), *held = json_array(), *cer = NULL, *cers = json_array();
	json_t *exp_rules = json_array();
	fsim_pipe_verdict_t v;
	const char *exp, *exp_rule, *outcome;
	char id[320], why[600];
	bool ok;
	size_t i;
	int r = 0;

	if (rules == NULL || sections == NULL || warnings == NULL || held == NULL ||
	    cers == NULL || exp_rules == NULL)
		goto fail;
	fsim_pipe_verdict_set(&v, ps, res);
	for (i = 0; i < res->checks.n; i++) {
		const fsim_check_t *k = &res->checks.v[i];

		if (k->status == FSIM_CHECK_FAIL) {
			size_t before = json_array_size(rules);

			r |= append_unique(rules, fsim_rule(k->rule)->id);
			if (json_array_size(rules) > before)
				r |= json_array_append_new(sections,
				    json_string(fsim_rule(k->rule)->section));
		} else if (k->status == FSIM_CHECK_WARN)
			r |= append_unique(warnings, fsim_rule(k->rule)->id);
	}
	for (i = 0; i < FSIM_R__COUNT; i++)
		if (FSIM_PIPE_BIT(v.passed, i))
			r |= json_array_append_new(held, fsim_cell_rule_id((fsim_rule_id_t)i));
	if (r != 0)
		goto fail;
	outcome = res->verified ? "pass" : "fail";
	exp = mu_expect(u->name, c, ps, seen_flags(res) ? seen_flags(res) : c->emitted.flags,
	    &exp_rule);
	ok = strcmp(exp, outcome) == 0;
	if (exp_rule != NULL) {
		fsim_rule_id_t er;

		/* a failure counts only when it names the rule the cell is about */
		ok = ok && fsim_rule_find(exp_rule, &er) && FSIM_PIPE_BIT(v.failed, er);
		if (json_array_append_new(exp_rules, json_string(exp_rule)) != 0)
			goto fail;
	}
	snprintf(id, sizeof(id), "%s%s/%s", is_vector(u) ? "" : "mutation/", u->name, ps->name);
	why_of(c, res, &v, why, sizeof(why));
	if ((cer = json_object()) == NULL)
		goto fail;
	r = 0;
	set(cer, "ceremony", json_string(c->ceremony == FSIM_CEREMONY_REGISTRATION ?
	    "registration" : "authentication"), &r);
	set(cer, "emitted", json_incref(emitted), &r);   /* the same for every policy */
	set(cer, "delivered", fsim_pipe_view_json(delivered, true), &r);
	set(cer, "platformEffects", json_array(), &r);
	set(cer, "verdict", verdict_json(&v), &r);
	set(cer, "change", json_string(c->change), &r);
	if (r != 0 || json_array_append_new(cers, cer) != 0) {
		json_decref(cer);
		goto fail;
	}
	if ((cell = json_object()) == NULL)
		goto fail;
	set(cell, "id", json_string(id), &r);
	set(cell, "kind", json_string(is_vector(u) ? "vector" : "mutation"), &r);
	set(cell, "preset", json_null(), &r);
	set(cell, "platform", json_null(), &r);
	set(cell, "policy", json_string(ps->name), &r);
	set(cell, "subject", json_string(is_vector(u) ? u->name + 7 : u->name), &r);
	set(cell, "outcome", json_string(outcome), &r);
	set(cell, "expected", json_string(exp), &r);
	set(cell, "expectedRules", json_incref(exp_rules), &r);
	set(cell, "ok", json_boolean(ok), &r);
	set(cell, "rules", json_incref(rules), &r);
	set(cell, "sections", json_incref(sections), &r);
	set(cell, "warnings", json_incref(warnings), &r);
	set(cell, "held", json_incref(held), &r);
	set(cell, "why", json_string(why), &r);
	set(cell, "libraryError", str_or_null(v.library_error[0] ? v.library_error : NULL), &r);
	set(cell, "platformRules", json_array(), &r);
	set(cell, "ceremonies", json_incref(cers), &r);
	if (r != 0) {
		json_decref(cell);
		cell = NULL;
	}
fail:
	json_decref(rules);
	json_decref(sections);
	json_decref(warnings);
	json_decref(held);
	json_decref(cers);
	json_decref(exp_rules);
	return cell;
}

/* Options the client refused: the delivered view is that refusal (a TypeError, by the rule). */
static void
refusal_view(const mu_case_t *c, const fsim_rp_result_t *res, fsim_pipe_view_t *dv)
{
	size_t i;

	if ((c->judge != MU_JUDGE_CREATION && c->judge != MU_JUDGE_REQUEST) || res->verified)
		return;
	for (i = 0; i < res->checks.n; i++) {
		const fsim_check_t *k = &res->checks.v[i];

		if (k->status != FSIM_CHECK_FAIL)
			continue;
		memset(dv, 0, sizeof(*dv));
		snprintf(dv->error_name, sizeof(dv->error_name), "TypeError");
		if (snprintf(dv->error_message, sizeof(dv->error_message), "%s%s%s", k->field,
		    k->field[0] ? ": " : "", k->msg) >= (int)sizeof(dv->error_message))
			dv->error_message[sizeof(dv->error_message) - 1] = '\0';   /* cut: one line */
		snprintf(dv->error_rule, sizeof(dv->error_rule), "%s", fsim_rule(k->rule)->id);
		return;
	}
}

static int
make_base(mu_case_t *c, const mu_unit_t *u)
{
	switch (u->base) {
	case B_NONE_REG: return mu_base_pipe(c, MU_PIPE_NONE, false);
	case B_NONE_AUTH: return mu_base_pipe(c, MU_PIPE_NONE, true);
	case B_PACKED_REG: return mu_base_pipe(c, MU_PIPE_PACKED, false);
	case B_U2F_REG: return mu_base_pipe(c, MU_PIPE_U2F, false);
	case B_VECTOR: return mu_base_vector(c, u->arg);
	case B_NO_CEREMONY: return FSIM_OK;
	}
	return FSIM_ERR_ARG;
}

int
mu_unit_build(size_t i, mu_case_t *c)
{
	int r;

	if (i >= N_UNITS)
		return FSIM_ERR_ARG;
	if ((r = make_base(c, &units[i])) != FSIM_OK ||
	    (units[i].edit != NULL && (r = units[i].edit(c)) != FSIM_OK))
		return r;
	snprintf(c->change, sizeof(c->change), "%s", units[i].change);
	return FSIM_OK;
}

int
fsim_mutation_unit_run(size_t i, const fsim_rp_preset_t *const *policies, size_t n_policies,
    const uint8_t *seed, size_t seed_len, json_t *cells)
{
	const mu_unit_t *u;
	const char *origins[1], *tops[1];
	fsim_pipe_view_t delivered;
	fsim_rp_result_t *res = NULL;
	fsim_rp_policy_t pol;
	fsim_judge_memo_t memo;
	mu_case_t c;
	json_t *cell, *emitted = NULL;
	size_t k;
	int r;

	if (i >= N_UNITS || (policies == NULL && n_policies > 0) || !json_is_array(cells))
		return FSIM_ERR_ARG;
	u = &units[i];
	if ((r = mu_case_init(&c, seed, seed_len)) != FSIM_OK)
		return r;
	/*
	 * One mutated response, every policy: each signature verified and each
	 * key imported once, from its building on (judge_memo.h).
	 */
	fsim_judge_memo_begin(&memo);
	if ((r = mu_unit_build(i, &c)) != FSIM_OK)
		goto fail;
	fsim_pipe_view_response(&delivered, c.response, c.ceremony == FSIM_CEREMONY_REGISTRATION);
	if ((emitted = fsim_pipe_view_json(&c.emitted, false)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	origins[0] = c.origin;
	tops[0] = c.top_origin;
	for (k = 0; k < n_policies; k++) {
		fsim_rp_policy_init(&pol);
		fsim_rp_preset_apply(policies[k], &pol);
		pol.rp_id = c.rp_id;
		pol.origins = origins;
		pol.n_origins = 1;
		if (c.top_origin[0] != '\0') {
			pol.top_origins = tops;
			pol.n_top_origins = 1;
		}
		pol.allow_cross_origin = c.allow_cross_origin;
		pol.challenge = c.challenge;
		pol.challenge_len = c.challenge_len;
		pol.uv = c.uv;
		if (c.n_algs > 0) {
			pol.algs = c.algs;
			pol.n_algs = c.n_algs;
		}
		pol.trust = c.trust;
		pol.user_anchors = c.trust != NULL;   /* the vector's own roots: the RP's */
		pol.at = c.at;
		pol.conveyance = c.conveyance;
		pol.ext_requested = c.ext_requested;
		pol.n_ext_requested = c.n_ext_requested;
		pol.appid = c.appid[0] != '\0' ? c.appid : NULL;
		if (c.judge != MU_JUDGE_RP)
			r = mu_judge(&c, &pol, &res);
		else
			r = c.ceremony == FSIM_CEREMONY_REGISTRATION ?
			    fsim_rp_verify_registration(&pol, c.response, &res) :
			    fsim_rp_verify_authentication(&pol, c.response, c.record, &res);
		if (r != FSIM_OK)
			goto fail;
		refusal_view(&c, res, &delivered);
		cell = make_cell(u, &c, policies[k], res, emitted, &delivered);
		fsim_rp_result_free(&res);
		if (cell == NULL || json_array_append_new(cells, cell) != 0) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
	}
	r = FSIM_OK;
fail:
	fsim_judge_memo_end(&memo);
	fsim_rp_result_free(&res);
	json_decref(emitted);
	mu_case_reset(&c);
	return r;
}
