/*
 * test_rp.c — the registration (§7.1) and authentication (§7.2) ceremonies
 * over the W3C L3 vectors: each rule passes on the vector and fails, by its
 * own ID, on a mutation; policies change the verdict as documented; every
 * single-bit flip of an assertion's signed bytes is rejected.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rp-sim/rp.h"

struct vec {
	json_t *v;
	fsim_blob_t challenge;
	const char *origins[2];
	const char *top[1];
	fsim_rp_policy_t p;
	fsim_cred_record_t *rec;
};

static void
vec_load(struct vec *t, const char *name)
{
	char path[256];
	json_error_t e;
	const char *ch;
	json_t *cred;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "vectors/w3c-l3/%s.json", name);
	t->v = json_load_file(path, 0, &e);
	assert_non_null(t->v);
	ch = json_string_value(json_object_get(t->v, "challenge"));
	assert_int_equal(fsim_b64url_decode(ch, strlen(ch), &t->challenge, NULL, NULL), 0);
	fsim_rp_policy_init(&t->p);
	t->p.rp_id = json_string_value(json_object_get(t->v, "rpId"));
	t->origins[0] = json_string_value(json_object_get(t->v, "origin"));
	t->p.origins = t->origins;
	t->p.n_origins = 1;
	t->p.challenge = t->challenge.ptr;
	t->p.challenge_len = t->challenge.len;
	if ((cred = json_object_get(t->v, "credential")) != NULL)
		assert_int_equal(fsim_record_from_json(cred, &t->rec, NULL), 0);
}

static void
vec_free(struct vec *t)
{
	json_decref(t->v);
	fsim_blob_reset(&t->challenge);
	fsim_record_free(&t->rec);
}

static json_t *
resp(struct vec *t)
{
	return json_object_get(t->v, "response");
}

/* Run the ceremony on `r` (NULL: the vector's response). */
static fsim_rp_result_t *
run(struct vec *t, json_t *r)
{
	fsim_rp_result_t *res = NULL;

	if (r == NULL)
		r = resp(t);
	if (t->rec != NULL)
		assert_int_equal(fsim_rp_verify_authentication(&t->p, r, t->rec, &res), 0);
	else
		assert_int_equal(fsim_rp_verify_registration(&t->p, r, &res), 0);
	assert_non_null(res);
	return res;
}

static void
expect_ok(struct vec *t, json_t *r)
{
	fsim_rp_result_t *res = run(t, r);
	size_t i;

	for (i = 0; i < res->checks.n; i++)
		if (res->checks.v[i].status == FSIM_CHECK_FAIL)
			fprintf(stderr, "unexpected FAIL %s: %s\n",
			    fsim_rule(res->checks.v[i].rule)->id, res->checks.v[i].msg);
	assert_true(res->verified);
	assert_non_null(res->record);
	fsim_rp_result_free(&res);
}

static void
expect_fail(struct vec *t, json_t *r, fsim_rule_id_t rule)
{
	fsim_rp_result_t *res = run(t, r);

	if (!fsim_checks_failed(&res->checks, rule))
		fprintf(stderr, "expected %s to fail\n", fsim_rule(rule)->id);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, rule));
	assert_null(res->record);
	fsim_rp_result_free(&res);
}

static bool
has_status(const fsim_rp_result_t *res, fsim_rule_id_t rule, fsim_check_status_t st)
{
	size_t i;

	for (i = 0; i < res->checks.n; i++)
		if (res->checks.v[i].rule == rule && res->checks.v[i].status == st)
			return true;
	return false;
}

/* A copy of the response with response.<member> replaced by base64url(bytes). */
static json_t *
with_member(struct vec *t, const char *member, const uint8_t *p, size_t n)
{
	json_t *r = json_deep_copy(resp(t));
	char *s = NULL;

	assert_int_equal(fsim_b64url_encode(p, n, &s), 0);
	json_object_set_new(json_object_get(r, "response"), member, json_string(s));
	free(s);
	return r;
}

static void
member_bytes(struct vec *t, const char *member, fsim_blob_t *out)
{
	const char *s = json_string_value(json_object_get(
	    json_object_get(resp(t), "response"), member));

	assert_non_null(s);
	assert_int_equal(fsim_b64url_decode(s, strlen(s), out, NULL, NULL), 0);
}

/* clientDataJSON with `from` replaced by `to` (first occurrence). */
static json_t *
edit_cdj(struct vec *t, const char *from, const char *to)
{
	fsim_blob_t b = { 0 };
	char *s, *at, *out;
	json_t *r;
	size_t fl = strlen(from), tl = strlen(to);

	member_bytes(t, "clientDataJSON", &b);
	s = calloc(1, b.len + 1);
	memcpy(s, b.ptr, b.len);
	at = strstr(s, from);
	assert_non_null(at);
	out = calloc(1, b.len - fl + tl + 1);
	memcpy(out, s, (size_t)(at - s));
	memcpy(out + (at - s), to, tl);
	strcpy(out + (at - s) + tl, at + fl);
	r = with_member(t, "clientDataJSON", (const uint8_t *)out, strlen(out));
	free(s);
	free(out);
	fsim_blob_reset(&b);
	return r;
}

/* ---- registration ---- */

static void
reg_vectors_verify(void **state)
{
	static const char *names[] = {
		"w3c-none-es256-registration", "w3c-packed-self-es256-registration",
		"w3c-packed-es256-registration", "w3c-packed-es384-registration",
		"w3c-packed-es512-registration", "w3c-packed-rs256-registration",
		"w3c-packed-ed25519-registration", "w3c-packed-ed448-registration",
		"w3c-tpm-es256-registration", "w3c-apple-es256-registration",
		"w3c-fido-u2f-es256-registration", "w3c-none-es256-long-credential-id-registration",
		"w3c-android-key-es256-l3-cr-registration",
	};
	struct vec t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		vec_load(&t, names[i]);
		expect_ok(&t, NULL);
		vec_free(&t);
	}
}

static void
reg_client_data_rules(void **state)
{
	struct vec t;
	json_t *r;

	(void)state;
	vec_load(&t, "w3c-none-es256-registration");
	r = edit_cdj(&t, "webauthn.create", "webauthn.get");
	expect_fail(&t, r, FSIM_R_REG_04);
	json_decref(r);
	r = edit_cdj(&t, "https://example.org", "https://evil.example");
	expect_fail(&t, r, FSIM_R_REG_06);
	json_decref(r);
	r = edit_cdj(&t, "\"crossOrigin\":false", "\"crossOrigin\":true");
	expect_fail(&t, r, FSIM_R_REG_07);
	t.p.allow_cross_origin = true;
	expect_ok(&t, r);
	t.p.allow_cross_origin = false;
	json_decref(r);
	r = edit_cdj(&t, "\"crossOrigin\":false", "\"crossOrigin\":\"no\"");
	expect_fail(&t, r, FSIM_R_ENC_05);
	json_decref(r);
	r = edit_cdj(&t, "{", "{\"type\":\"webauthn.create\",");
	expect_fail(&t, r, FSIM_R_ENC_06);
	json_decref(r);
	/* The challenge is compared exactly (CDJ-02): a changed issue fails. */
	t.challenge.ptr[0] ^= 1;
	expect_fail(&t, NULL, FSIM_R_REG_05);
	t.challenge.ptr[0] ^= 1;
	/* rpIdHash is of the RP ID the RP expects. */
	t.p.rp_id = "example.com";
	expect_fail(&t, NULL, FSIM_R_REG_11);
	vec_free(&t);
}

static void
reg_top_origin(void **state)
{
	struct vec t;

	(void)state;
	vec_load(&t, "w3c-none-es256-top-origin-registration");
	expect_fail(&t, NULL, FSIM_R_REG_07);   /* crossOrigin true, not allowed */
	t.p.allow_cross_origin = true;
	expect_fail(&t, NULL, FSIM_R_REG_08);   /* topOrigin not named */
	t.top[0] = "https://example.com";
	t.p.top_origins = t.top;
	t.p.n_top_origins = 1;
	t.p.allow_cross_origin = false;         /* --top-origin implies cross-origin */
	expect_ok(&t, NULL);
	t.top[0] = "https://example.net";
	expect_fail(&t, NULL, FSIM_R_REG_08);
	vec_free(&t);
}

/* fmt none signs nothing, so authData edits show each flag rule alone. */
static void
reg_flag_rules(void **state)
{
	struct vec t;
	fsim_blob_t ao = { 0 };
	fsim_attobj_t *o = NULL;
	fsim_blob_t enc = { 0 };
	json_t *r;
	uint8_t *ad;
	size_t i;
	static const struct { uint8_t clear, set; fsim_rule_id_t rule; } cases[] = {
		{ FSIM_AD_UP, 0, FSIM_R_REG_12 },
		{ FSIM_AD_BE, FSIM_AD_BS, FSIM_R_REG_14 },
		{ FSIM_AD_AT, 0, FSIM_R_AD_04 },
	};

	(void)state;
	vec_load(&t, "w3c-none-es256-registration");
	member_bytes(&t, "attestationObject", &ao);
	assert_int_equal(fsim_attobj_parse(ao.ptr, ao.len, &o, NULL), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ad = malloc(o->auth_data_raw.len);
		memcpy(ad, o->auth_data_raw.ptr, o->auth_data_raw.len);
		ad[32] = (uint8_t)((ad[32] & ~cases[i].clear) | cases[i].set);
		assert_int_equal(fsim_attobj_encode(o->fmt, o->att_stmt, ad,
		    o->auth_data_raw.len, &enc), 0);
		r = with_member(&t, "attestationObject", enc.ptr, enc.len);
		json_object_del(json_object_get(r, "response"), "authenticatorData");
		expect_fail(&t, r, cases[i].rule);
		json_decref(r);
		fsim_blob_reset(&enc);
		free(ad);
	}
	/* UV required: this vector has UV set, so it passes; with UV cleared it fails. */
	t.p.uv = FSIM_UV_REQUIRED;
	ad = malloc(o->auth_data_raw.len);
	memcpy(ad, o->auth_data_raw.ptr, o->auth_data_raw.len);
	ad[32] &= (uint8_t)~FSIM_AD_UV;
	assert_int_equal(fsim_attobj_encode(o->fmt, o->att_stmt, ad, o->auth_data_raw.len, &enc), 0);
	r = with_member(&t, "attestationObject", enc.ptr, enc.len);
	json_object_del(json_object_get(r, "response"), "authenticatorData");
	expect_fail(&t, r, FSIM_R_REG_13);
	t.p.uv = FSIM_UV_PREFERRED;
	expect_ok(&t, r);
	json_decref(r);
	fsim_blob_reset(&enc);
	free(ad);
	/* The authenticatorData copy must match the attestation object's (JSON-03). */
	ad = malloc(o->auth_data_raw.len);
	memcpy(ad, o->auth_data_raw.ptr, o->auth_data_raw.len);
	ad[33] ^= 1;
	r = with_member(&t, "authenticatorData", ad, o->auth_data_raw.len);
	expect_fail(&t, r, FSIM_R_JSON_03);
	json_decref(r);
	free(ad);
	fsim_attobj_free(&o);
	fsim_blob_reset(&ao);
	vec_free(&t);
}

static void
reg_alg_and_attestation_policy(void **state)
{
	struct vec t;
	const int64_t only_rs256[] = { FSIM_COSE_RS256 };
	fsim_rp_result_t *res;

	(void)state;
	vec_load(&t, "w3c-packed-es256-registration");
	t.p.algs = only_rs256;
	t.p.n_algs = 1;
	expect_fail(&t, NULL, FSIM_R_REG_16);
	t.p.algs = NULL;
	/* No anchor: valid but untrusted, a warning by default ... */
	res = run(&t, NULL);
	assert_true(res->verified);
	assert_false(res->att_trusted);
	assert_true(has_status(res, FSIM_R_ATT_TRUST_01, FSIM_CHECK_WARN));
	assert_int_equal(res->att_type, FSIM_ATT_TYPE_BASIC);
	fsim_rp_result_free(&res);
	/* ... an error when trusted attestation is required. */
	t.p.untrusted_attestation = FSIM_POL_ERROR;
	expect_fail(&t, NULL, FSIM_R_ATT_TRUST_01);
	/* Certificates are checked at the verification time (ATT-03). */
	t.p.untrusted_attestation = FSIM_POL_WARN;
	t.p.at = 1000000000;   /* 2001: before the vector's certificates */
	expect_fail(&t, NULL, FSIM_R_ATT_03);
	vec_free(&t);
}

static void
reg_android_key_main_is_rejected(void **state)
{
	struct vec t;

	(void)state;
	vec_load(&t, "w3c-android-key-es256-registration");
	expect_fail(&t, NULL, FSIM_R_ATT_AKEY_06);
	vec_free(&t);
}

static void
reg_malformed_is_reported_not_crashed(void **state)
{
	struct vec t;
	fsim_blob_t ao = { 0 };
	json_t *r;
	size_t cut;

	(void)state;
	vec_load(&t, "w3c-packed-es256-registration");
	member_bytes(&t, "attestationObject", &ao);
	for (cut = 0; cut < ao.len; cut += 7) {
		r = with_member(&t, "attestationObject", ao.ptr, cut);
		expect_fail(&t, r, FSIM_R_REG_10);
		json_decref(r);
	}
	r = json_deep_copy(resp(&t));
	json_object_set_new(json_object_get(r, "response"), "clientDataJSON",
	    json_string("not+base64url"));
	expect_fail(&t, r, FSIM_R_REG_01);
	json_decref(r);
	r = json_deep_copy(resp(&t));
	json_object_set_new(r, "type", json_string("private-key"));
	expect_fail(&t, r, FSIM_R_REG_01);
	json_decref(r);
	fsim_blob_reset(&ao);
	vec_free(&t);
}

/* ---- authentication ---- */

static void
auth_vectors_verify(void **state)
{
	static const char *names[] = {
		"w3c-none-es256-authentication", "w3c-packed-self-es256-authentication",
		"w3c-packed-es256-authentication", "w3c-packed-es384-authentication",
		"w3c-packed-es512-authentication", "w3c-packed-rs256-authentication",
		"w3c-packed-ed25519-authentication", "w3c-packed-ed448-authentication",
		"w3c-tpm-es256-authentication", "w3c-apple-es256-authentication",
		"w3c-fido-u2f-es256-authentication", "w3c-android-key-es256-authentication",
		"w3c-none-es256-long-credential-id-authentication",
	};
	struct vec t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		vec_load(&t, names[i]);
		expect_ok(&t, NULL);
		vec_free(&t);
	}
}

/*
 * Rules the parsers check record PASS once their input parsed (coverage and
 * the checklist show them held), and no PASS where the parse failed.
 */
static void
parse_rules_pass(void **state)
{
	static const fsim_rule_id_t reg_held[] = {
		FSIM_R_JSON_01, FSIM_R_JSON_04, FSIM_R_ENC_01, FSIM_R_ENC_05, FSIM_R_ENC_02,
		FSIM_R_ENC_03, FSIM_R_CBOR_01, FSIM_R_CBOR_DUP, FSIM_R_CBOR_KEYTYPE, FSIM_R_ATT_01,
		FSIM_R_AD_01, FSIM_R_AD_04, FSIM_R_ACD_01, FSIM_R_ACD_02, FSIM_R_ACD_05,
		FSIM_R_COSE_01, FSIM_R_COSE_03, FSIM_R_COSE_04,
	};
	static const fsim_rule_id_t auth_held[] = {
		FSIM_R_JSON_02, FSIM_R_JSON_04, FSIM_R_ENC_01, FSIM_R_ENC_05, FSIM_R_AD_01,
		FSIM_R_AD_04,
	};
	static const struct { const char *name; fsim_rule_id_t sig[2]; } sigs[] = {
		{ "w3c-packed-es256-authentication", { FSIM_R_SIG_01, FSIM_R_SIG_02 } },
		{ "w3c-packed-rs256-authentication", { FSIM_R_SIG_03, FSIM_R_SIG_02 } },
		{ "w3c-packed-ed25519-authentication", { FSIM_R_SIG_04, FSIM_R_SIG_04 } },
	};
	static const uint8_t junk[] = { 0x00, 0x01 };
	fsim_rp_result_t *res;
	struct vec t;
	json_t *r;
	size_t i;

	(void)state;
	vec_load(&t, "w3c-packed-es256-registration");
	res = run(&t, NULL);
	assert_true(res->verified);
	for (i = 0; i < sizeof(reg_held) / sizeof(reg_held[0]); i++)
		if (!has_status(res, reg_held[i], FSIM_CHECK_PASS))
			fail_msg("%s not recorded as held", fsim_rule(reg_held[i])->id);
	/* ED is clear: AD-03 has nothing to hold */
	assert_false(has_status(res, FSIM_R_AD_03, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	/* the attestation object does not parse: none of its rules held */
	r = with_member(&t, "attestationObject", junk, sizeof(junk));
	res = run(&t, r);
	assert_false(res->verified);
	assert_false(has_status(res, FSIM_R_ENC_02, FSIM_CHECK_PASS));
	assert_false(has_status(res, FSIM_R_COSE_01, FSIM_CHECK_PASS));
	assert_true(has_status(res, FSIM_R_JSON_01, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	json_decref(r);
	vec_free(&t);

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		size_t k;

		vec_load(&t, sigs[i].name);
		res = run(&t, NULL);
		assert_true(res->verified);
		for (k = 0; k < sizeof(auth_held) / sizeof(auth_held[0]); k++)
			assert_true(has_status(res, auth_held[k], FSIM_CHECK_PASS));
		assert_true(has_status(res, sigs[i].sig[0], FSIM_CHECK_PASS));
		assert_true(has_status(res, sigs[i].sig[1], FSIM_CHECK_PASS));
		fsim_rp_result_free(&res);
		/* a signature that fails holds none of them */
		r = with_member(&t, "signature", junk, sizeof(junk));
		res = run(&t, r);
		assert_false(res->verified);
		assert_false(has_status(res, sigs[i].sig[0], FSIM_CHECK_PASS));
		fsim_rp_result_free(&res);
		json_decref(r);
		vec_free(&t);
	}
}

/*
 * A credential key of an alg fidosim has no verifier for (issue 12): the
 * attestation object still decodes (REG-10 passes); COSE-03 names the alg,
 * REG-16 says it was not offered, JSON-03 that publicKeyAlgorithm disagrees,
 * and every step that needs no key (client data, rpIdHash, flags, the none
 * statement) still runs and reports, all in one pass.
 */
static void
reg_unsupported_alg(void **state)
{
	static const uint8_t key_es256[] = { 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01 };
	static const fsim_rule_id_t still_pass[] = {
		FSIM_R_REG_10, FSIM_R_REG_04, FSIM_R_REG_06, FSIM_R_REG_11, FSIM_R_REG_12,
		FSIM_R_REG_14, FSIM_R_REG_26, FSIM_R_REG_17, FSIM_R_REG_18, FSIM_R_REG_27,
	};
	static const int64_t offered[] = { -24 };
	fsim_blob_t ao = { 0 };
	fsim_rp_result_t *res;
	struct vec t;
	json_t *r;
	size_t i;
	uint8_t *at = NULL;

	(void)state;
	vec_load(&t, "w3c-none-es256-registration");
	member_bytes(&t, "attestationObject", &ao);
	for (i = 0; i + sizeof(key_es256) <= ao.len && at == NULL; i++)
		if (memcmp(ao.ptr + i, key_es256, sizeof(key_es256)) == 0)
			at = ao.ptr + i;
	assert_non_null(at);
	at[4] = 0x37;   /* alg -7 becomes -24: no COSE registry row, no verifier */
	r = with_member(&t, "attestationObject", ao.ptr, ao.len);
	/* the copy of authData would disagree too (JSON-03); leave it out */
	json_object_del(json_object_get(r, "response"), "authenticatorData");
	/* and a wrong challenge: reported beside the alg, not hidden by it */
	t.challenge.ptr[0] ^= 1;
	res = run(&t, r);
	assert_false(res->verified);
	assert_null(res->record);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_COSE_03));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_REG_16));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_JSON_03));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_REG_05));
	assert_false(fsim_checks_failed(&res->checks, FSIM_R_REG_10));
	assert_false(fsim_checks_failed(&res->checks, FSIM_R_ACD_05));
	for (i = 0; i < sizeof(still_pass) / sizeof(still_pass[0]); i++)
		if (!has_status(res, still_pass[i], FSIM_CHECK_PASS))
			fail_msg("%s did not run and pass", fsim_rule(still_pass[i])->id);
	assert_non_null(res->ad);
	assert_true(res->ad->key_alg_unsupported);
	fsim_rp_result_free(&res);
	t.challenge.ptr[0] ^= 1;
	/* offered by the RP (--algs -24): REG-16 passes, COSE-03 still fails */
	t.p.algs = offered;
	t.p.n_algs = 1;
	res = run(&t, r);
	assert_false(res->verified);
	assert_true(has_status(res, FSIM_R_REG_16, FSIM_CHECK_PASS));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_COSE_03));
	assert_true(has_status(res, FSIM_R_REG_05, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	json_decref(r);
	fsim_blob_reset(&ao);
	vec_free(&t);
}

static void
auth_record_rules(void **state)
{
	struct vec t;
	fsim_rp_result_t *res;

	(void)state;
	vec_load(&t, "w3c-packed-es256-authentication");
	/* Counter: both zero is fine; a stored 5 against 0 is a clone signal. */
	t.rec->sign_count = 5;
	expect_fail(&t, NULL, FSIM_R_AUTH_19);
	t.p.counter = FSIM_POL_WARN;
	res = run(&t, NULL);
	assert_true(res->verified);
	assert_true(has_status(res, FSIM_R_AUTH_19, FSIM_CHECK_WARN));
	assert_int_equal(res->record->sign_count, 0);
	fsim_rp_result_free(&res);
	t.p.counter = FSIM_POL_ERROR;
	t.rec->sign_count = 0;
	/* BE differs from the record: an error unless policy says otherwise. */
	t.rec->backup_eligible = !t.rec->backup_eligible;
	expect_fail(&t, NULL, FSIM_R_AUTH_16);
	t.p.be_change = FSIM_BE_IGNORE;
	expect_ok(&t, NULL);
	t.p.be_change = FSIM_BE_ERROR;
	/* An RP that never stored BE cannot compare: a note, not a failure. */
	t.rec->has_backup_eligible = false;
	expect_ok(&t, NULL);
	t.rec->has_backup_eligible = true;
	t.rec->backup_eligible = !t.rec->backup_eligible;
	/* Another credential's record. */
	t.rec->id.ptr[0] ^= 1;
	expect_fail(&t, NULL, FSIM_R_AUTH_03);
	t.rec->id.ptr[0] ^= 1;
	/* UV required but the vector's UV flag decides; wrong type; wrong RP ID. */
	t.p.rp_id = "example.net";
	expect_fail(&t, NULL, FSIM_R_AUTH_12);
	vec_free(&t);
}

static void
auth_client_data_rules(void **state)
{
	struct vec t;
	json_t *r;

	(void)state;
	vec_load(&t, "w3c-none-es256-authentication");
	r = edit_cdj(&t, "webauthn.get", "webauthn.create");
	expect_fail(&t, r, FSIM_R_AUTH_07);
	json_decref(r);
	t.origins[0] = "https://example.org:8443";
	expect_fail(&t, NULL, FSIM_R_AUTH_09);
	vec_free(&t);
}

/* A copy of the response whose clientExtensionResults.appid is v (NULL: absent). */
static json_t *
with_appid(struct vec *t, json_t *v)
{
	json_t *r = json_deep_copy(resp(t)), *ext = json_object();

	if (v != NULL)
		json_object_set_new(ext, "appid", v);
	json_object_set_new(r, "clientExtensionResults", ext);
	return r;
}

/*
 * EXT-APPID-01 / AUTH-12 (§10.1.1). The vector's rpIdHash is SHA-256 of
 * "example.org"; clientExtensionResults is not signed, so the client output
 * can be set freely. Positive: an RP whose RP ID is another name but whose
 * AppID hashes to rpIdHash accepts the assertion when appid is true.
 */
static void
auth_appid(void **state)
{
	struct vec t;
	fsim_rp_result_t *res;
	json_t *r;

	(void)state;
	vec_load(&t, "w3c-none-es256-authentication");
	/* no AppID in play: nothing recorded under EXT-APPID-01 */
	res = run(&t, NULL);
	assert_true(res->verified);
	assert_false(has_status(res, FSIM_R_EXT_APPID_01, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	/* appid false without an AppID (java-webauthn-server's captures): fine */
	r = with_appid(&t, json_false());
	expect_ok(&t, r);
	json_decref(r);
	/* appid true but the RP sent no AppID: unsolicited, refused */
	r = with_appid(&t, json_true());
	expect_fail(&t, r, FSIM_R_EXT_APPID_01);
	json_decref(r);
	/* the U2F-era case: RP ID "www.example.org", AppID hashing to rpIdHash */
	t.p.rp_id = "www.example.org";
	t.p.appid = "example.org";
	r = with_appid(&t, json_true());
	res = run(&t, r);
	assert_true(res->verified);
	assert_true(has_status(res, FSIM_R_EXT_APPID_01, FSIM_CHECK_PASS));
	assert_true(has_status(res, FSIM_R_AUTH_12, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	json_decref(r);
	/* the same without the output: hashed over the AppID, not reported */
	r = with_appid(&t, json_false());
	res = run(&t, r);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_AUTH_12));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_EXT_APPID_01));
	fsim_rp_result_free(&res);
	json_decref(r);
	r = with_appid(&t, NULL);
	expect_fail(&t, r, FSIM_R_EXT_APPID_01);
	json_decref(r);
	/* a wrong AppID: rpIdHash is of neither */
	t.p.appid = "https://example.org/other-appid.json";
	r = with_appid(&t, json_true());
	res = run(&t, r);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_AUTH_12));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_EXT_APPID_01));
	fsim_rp_result_free(&res);
	json_decref(r);
	/* appid true although rpIdHash is of the RP ID: the output lies */
	t.p.rp_id = "example.org";
	r = with_appid(&t, json_true());
	expect_fail(&t, r, FSIM_R_EXT_APPID_01);
	json_decref(r);
	/* the AppID offered but not used (a FIDO2 credential): passes */
	r = with_appid(&t, json_false());
	res = run(&t, r);
	assert_true(res->verified);
	assert_true(has_status(res, FSIM_R_EXT_APPID_01, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	json_decref(r);
	/* not a boolean */
	r = with_appid(&t, json_string("yes"));
	expect_fail(&t, r, FSIM_R_EXT_APPID_01);
	json_decref(r);
	vec_free(&t);
}

/* Every single-bit flip of the signed bytes is rejected (DESIGN quality bar). */
static void
flip_all(struct vec *t, const char *member)
{
	fsim_blob_t b = { 0 };
	fsim_rp_result_t *res;
	json_t *r;
	size_t i;
	int bit;

	member_bytes(t, member, &b);
	for (i = 0; i < b.len; i++) {
		for (bit = 0; bit < 8; bit++) {
			b.ptr[i] ^= (uint8_t)(1u << bit);
			r = with_member(t, member, b.ptr, b.len);
			res = run(t, r);
			if (res->verified)
				fprintf(stderr, "%s byte %zu bit %d accepted\n", member, i, bit);
			assert_false(res->verified);
			fsim_rp_result_free(&res);
			json_decref(r);
			b.ptr[i] ^= (uint8_t)(1u << bit);
		}
	}
	fsim_blob_reset(&b);
}

static void
auth_every_bit_flip_rejected(void **state)
{
	static const char *names[] = {
		"w3c-packed-es256-authentication", "w3c-packed-ed25519-authentication",
	};
	struct vec t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		vec_load(&t, names[i]);
		expect_ok(&t, NULL);
		flip_all(&t, "authenticatorData");
		flip_all(&t, "clientDataJSON");
		flip_all(&t, "signature");
		vec_free(&t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reg_vectors_verify),
		cmocka_unit_test(reg_client_data_rules),
		cmocka_unit_test(reg_top_origin),
		cmocka_unit_test(reg_flag_rules),
		cmocka_unit_test(reg_alg_and_attestation_policy),
		cmocka_unit_test(reg_android_key_main_is_rejected),
		cmocka_unit_test(reg_malformed_is_reported_not_crashed),
		cmocka_unit_test(reg_unsupported_alg),
		cmocka_unit_test(auth_vectors_verify),
		cmocka_unit_test(auth_record_rules),
		cmocka_unit_test(auth_client_data_rules),
		cmocka_unit_test(auth_appid),
		cmocka_unit_test(auth_every_bit_flip_rejected),
		cmocka_unit_test(parse_rules_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
