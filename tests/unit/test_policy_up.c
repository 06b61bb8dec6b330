/*
 * test_policy_up.c — REG-12 and a conditional create (WebAuthn L3 7.1 step
 * 15) under every RP policy preset (rp-sim/policy_up.c): a registration
 * with UP=0 fails REG-12 everywhere unless the RP says it used conditional
 * mediation; then it passes where the library can skip the check
 * (py_webauthn require_user_presence, SimpleWebAuthn requireUserPresence,
 * java-webauthn-server isConditionalCreate, go-webauthn session mediation)
 * and fails where it cannot (webauthn-rs, fido2-net-lib, libfido2,
 * python-fido2, fido2-lib). The knob is reg-up-conditional of each preset
 * file (data/policies/NAME.policy), with its source line as evidence. tests/integration/l3_libraries.sh runs the real
 * SimpleWebAuthn and python-fido2 on the same kind of response.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "rp-sim/policy_preset.h"
#include "rp-sim/rp.h"

#define RPID "example.org"
#define ORIGIN "https://example.org"
#define CHAL "AAECAwQFBgcICQoLDA0ODw"   /* bytes 0..15 */

static const char *const origins[] = { ORIGIN };
static const uint8_t chal[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static void
set_b64(json_t *o, const char *k, const uint8_t *p, size_t n)
{
	char *s = NULL;

	assert_int_equal(fsim_b64url_encode(p, n, &s), 0);
	json_object_set_new(o, k, json_string(s));
	free(s);
}

/* A fmt "none" RegistrationResponseJSON with these flags (AT added). */
static json_t *
reg_response(uint8_t flags)
{
	static const char cd[] = "{\"type\":\"webauthn.create\",\"challenge\":\"" CHAL
	    "\",\"origin\":\"" ORIGIN "\",\"crossOrigin\":false}";
	fsim_authdata_t *ad = fsim_authdata_new();
	fsim_blob_t adb = { 0 }, ao = { 0 };
	json_t *r = json_object(), *in = json_object();
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	uint8_t id[16];
	unsigned int hl = 0;

	assert_non_null(ad);
	assert_non_null(key);
	memset(id, 0x5a, sizeof(id));
	assert_int_equal(EVP_Digest(RPID, strlen(RPID), ad->rp_id_hash, &hl, EVP_sha256(),
	    NULL), 1);
	ad->flags = (uint8_t)(flags | FSIM_AD_AT);
	assert_int_equal(fsim_blob_set(&ad->cred_id, id, sizeof(id)), 0);
	assert_int_equal(fsim_cose_key_from_pkey(key, FSIM_COSE_ES256, &ad->cose_key), 0);
	assert_int_equal(fsim_authdata_encode(ad, &adb), 0);
	assert_int_equal(fsim_attobj_encode("none", NULL, adb.ptr, adb.len, &ao), 0);
	set_b64(r, "id", id, sizeof(id));
	set_b64(r, "rawId", id, sizeof(id));
	json_object_set_new(r, "type", json_string("public-key"));
	json_object_set_new(r, "clientExtensionResults", json_object());
	set_b64(in, "clientDataJSON", (const uint8_t *)cd, strlen(cd));
	set_b64(in, "attestationObject", ao.ptr, ao.len);
	json_object_set_new(in, "transports", json_array());
	json_object_set_new(r, "response", in);
	fsim_authdata_free(&ad);
	fsim_blob_reset(&adb);
	fsim_blob_reset(&ao);
	EVP_PKEY_free(key);
	return r;
}

/* The verdict under `preset`; *failed_12 / *failed_13: REG-12 / REG-13 failed. */
static bool
judge(const char *preset, bool conditional, const json_t *resp, bool *failed_12,
    bool *failed_13, bool *info_12)
{
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	bool v;
	size_t i;

	fsim_rp_policy_init(&p);
	p.rp_id = RPID;
	p.origins = origins;
	p.n_origins = 1;
	p.challenge = chal;
	p.challenge_len = sizeof(chal);
	fsim_rp_preset_apply(fsim_rp_preset_find(preset), &p);
	p.conditional = conditional;
	assert_int_equal(fsim_rp_verify_registration(&p, resp, &res), 0);
	v = res->verified;
	*failed_12 = fsim_checks_failed(&res->checks, FSIM_R_REG_12);
	*failed_13 = fsim_checks_failed(&res->checks, FSIM_R_REG_13);
	*info_12 = false;
	for (i = 0; i < res->checks.n; i++)
		if (res->checks.v[i].rule == FSIM_R_REG_12 &&
		    res->checks.v[i].status == FSIM_CHECK_INFO)
			*info_12 = true;
	fsim_rp_result_free(&res);
	return v;
}

static const struct {
	const char *preset;
	bool skips_up;      /* can pass UP=0 for a conditional create */
	bool uv_always;     /* requires UV whatever the options said (SimpleWebAuthn) */
} expect[] = {
	{ "spec", true, false },
	{ "py_webauthn", true, false },
	{ "simplewebauthn", true, true },
	{ "java-webauthn-server", true, false },
	{ "go-webauthn", true, false },
	{ "webauthn-rs", false, false },
	{ "fido2-net-lib", false, false },
	{ "libfido2", false, false },
	{ "python-fido2", false, false },
	{ "fido2-lib", false, false },
};
#define NEXPECT (sizeof(expect) / sizeof(expect[0]))

static void
every_preset_is_listed(void **state)
{
	const char *ev;
	size_t i, j;

	(void)state;
	/* A preset added without reading its library would silently take the spec's reading. */
	assert_int_equal(fsim_rp_preset_count(), NEXPECT);
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);

		for (j = 0; j < NEXPECT && strcmp(expect[j].preset, ps->name) != 0; j++)
			;
		assert_true(j < NEXPECT);
		assert_int_equal(fsim_rp_preset_up_rule(ps, &ev),
		    expect[j].skips_up ? FSIM_UPR_SPEC : FSIM_UPR_ALWAYS);
		assert_non_null(ev);
		/* every row cites a source (a file and line, or the spec's index.bs) */
		assert_true(strchr(ev, ':') != NULL);
		assert_null(strstr(ev, "unknown"));
	}
	assert_string_equal(fsim_up_rule_name(FSIM_UPR_ALWAYS), "always");
	assert_string_equal(fsim_up_rule_name(FSIM_UPR_SPEC), "spec");
}

static void
up0_without_conditional_fails_everywhere(void **state)
{
	json_t *r = reg_response(FSIM_AD_UV | FSIM_AD_BE | FSIM_AD_BS);
	bool f12, f13, i12;
	size_t i;

	(void)state;
	for (i = 0; i < NEXPECT; i++) {
		assert_false(judge(expect[i].preset, false, r, &f12, &f13, &i12));
		assert_true(f12);
	}
	json_decref(r);
}

static void
conditional_create_per_library(void **state)
{
	/* what a conditional create gives: UP=0 and UV=0 (no user was asked) */
	json_t *r = reg_response(FSIM_AD_BE | FSIM_AD_BS);
	json_t *uv = reg_response(FSIM_AD_UV | FSIM_AD_BE | FSIM_AD_BS);
	bool f12, f13, i12, v;
	size_t i;

	(void)state;
	for (i = 0; i < NEXPECT; i++) {
		v = judge(expect[i].preset, true, r, &f12, &f13, &i12);
		assert_int_equal(f12, !expect[i].skips_up);
		assert_int_equal(i12, expect[i].skips_up);
		/* SimpleWebAuthn's requireUserVerification = true still refuses UV=0 */
		assert_int_equal(f13, expect[i].uv_always);
		assert_int_equal(v, expect[i].skips_up && !expect[i].uv_always);
		/* with UV collected, UP is the only question */
		v = judge(expect[i].preset, true, uv, &f12, &f13, &i12);
		assert_int_equal(v, expect[i].skips_up);
	}
	json_decref(r);
	json_decref(uv);
}

static void
policy_knob_overrides(void **state)
{
	json_t *r = reg_response(FSIM_AD_UV);
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;

	(void)state;
	fsim_rp_policy_init(&p);
	p.rp_id = RPID;
	p.origins = origins;
	p.n_origins = 1;
	p.challenge = chal;
	p.challenge_len = sizeof(chal);
	p.conditional = true;
	assert_int_equal(p.up_rule, FSIM_UPR_SPEC);   /* the default is the spec's */
	p.up_rule = FSIM_UPR_ALWAYS;
	assert_int_equal(fsim_rp_verify_registration(&p, r, &res), 0);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_REG_12));
	fsim_rp_result_free(&res);
	json_decref(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_preset_is_listed),
		cmocka_unit_test(up0_without_conditional_fails_everywhere),
		cmocka_unit_test(conditional_create_per_library),
		cmocka_unit_test(policy_knob_overrides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
