/*
 * test_fmt.c — what every attestation format shares (rp-sim/fmt.c): the
 * SHA-1 policy (SIG-SHA1) and a credential key of an alg fidosim does not
 * support (the parser leaves cose_key NULL with key_alg_unsupported; issue
 * 12). With such a key each format must fail exactly the rule whose check
 * needs the key and still run, and pass, every check that does not.
 *
 * Data: the W3C WebAuthn L3 registration vectors (vectors/w3c-l3/, see its
 * README), whose statements are valid: only the key is taken away.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "att_fixture.h"

/* An alg no registry row of fidosim has (IANA: unassigned). */
#define ALG_UNKNOWN (-260)

/* A rule's outcome: FAIL if any entry failed, else PASS if one passed (notes aside). */
static fsim_check_status_t
status_of(const fsim_checks_t *ck, fsim_rule_id_t rule)
{
	size_t i;
	bool seen = false, pass = false;

	for (i = 0; i < ck->n; i++) {
		if (ck->v[i].rule != rule)
			continue;
		if (ck->v[i].status == FSIM_CHECK_FAIL)
			return FSIM_CHECK_FAIL;
		pass = pass || ck->v[i].status == FSIM_CHECK_PASS;
		seen = true;
	}
	if (!seen)
		fail_msg("rule %s was not checked", fsim_rule(rule)->id);
	return pass ? FSIM_CHECK_PASS : FSIM_CHECK_INFO;
}

/*
 * Run fn over the vector with its key made unusable. want_rc 0: the
 * statement still verifies (its checks need no credential key).
 */
static void
key_unusable_case(fsim_fmt_verify_fn fn, const char *vector, int want_rc,
    fsim_rule_id_t fails, const fsim_rule_id_t *passes, size_t npass)
{
	fx_vec_t v;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	size_t i;
	int r;

	fx_vec_load(vector, &v);
	/* what fsim_authdata_parse leaves for a well-formed key of an unknown alg */
	fsim_cose_key_free(&v.ao->auth_data->cose_key);
	v.ao->auth_data->key_alg_unsupported = true;
	v.ao->auth_data->key_alg = ALG_UNKNOWN;
	fsim_checks_init(&ck);
	c = fx_ctx(&v, NULL, &ck);
	r = fx_run(fn, &c, NULL, NULL);
	if (r != want_rc)
		fx_dump(&ck);
	assert_int_equal(r, want_rc);
	if (want_rc != 0) {
		assert_int_equal(status_of(&ck, fails), FSIM_CHECK_FAIL);
		/* the failure names the reason: the alg, by number */
		for (i = 0; i < ck.n; i++)
			if (ck.v[i].rule == fails && ck.v[i].status == FSIM_CHECK_FAIL)
				assert_non_null(strstr(ck.v[i].msg, "-260"));
	} else
		assert_int_equal(fsim_checks_fail_count(&ck), 0);
	for (i = 0; i < npass; i++)
		assert_int_equal(status_of(&ck, passes[i]), FSIM_CHECK_PASS);
	fsim_checks_clear(&ck);
	fx_vec_free(&v);
}

static void
t_key_unusable_packed_full(void **state)
{
	static const fsim_rule_id_t pass[] = { FSIM_R_ATT_PACKED_01, FSIM_R_ATT_PACKED_02,
	    FSIM_R_ATT_PACKED_04 };

	(void)state;
	/* full attestation: the certificate key signs; the credential key is not needed */
	key_unusable_case(fsim_fmt_packed, "w3c-packed-es256-registration", 0, 0, pass, 3);
}

static void
t_key_unusable_packed_self(void **state)
{
	static const fsim_rule_id_t pass[] = { FSIM_R_ATT_PACKED_01 };

	(void)state;
	key_unusable_case(fsim_fmt_packed, "w3c-packed-self-es256-registration",
	    FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_09, pass, 1);
}

static void
t_key_unusable_u2f(void **state)
{
	static const fsim_rule_id_t pass[] = { FSIM_R_ATT_U2F_01, FSIM_R_ATT_U2F_02 };

	(void)state;
	key_unusable_case(fsim_fmt_fido_u2f, "w3c-fido-u2f-es256-registration",
	    FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_03, pass, 2);
}

static void
t_key_unusable_tpm(void **state)
{
	static const fsim_rule_id_t pass[] = { FSIM_R_ATT_TPM_01, FSIM_R_ATT_TPM_03,
	    FSIM_R_ATT_TPM_04, FSIM_R_ATT_TPM_05 };

	(void)state;
	key_unusable_case(fsim_fmt_tpm, "w3c-tpm-es256-registration", FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_TPM_02, pass, 4);
}

static void
t_key_unusable_apple(void **state)
{
	static const fsim_rule_id_t pass[] = { FSIM_R_ATT_APPLE_01, FSIM_R_ATT_APPLE_02 };

	(void)state;
	key_unusable_case(fsim_fmt_apple, "w3c-apple-es256-registration", FSIM_ERR_FORMAT,
	    FSIM_R_ATT_APPLE_03, pass, 2);
}

static void
t_key_unusable_android_key(void **state)
{
	static const fsim_rule_id_t pass[] = { FSIM_R_ATT_AKEY_01, FSIM_R_ATT_AKEY_02,
	    FSIM_R_ATT_AKEY_04 };

	(void)state;
	key_unusable_case(fsim_fmt_android_key, "w3c-android-key-es256-l3-cr-registration",
	    FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_03, pass, 3);
}

static void
t_key_unusable_none(void **state)
{
	(void)state;
	key_unusable_case(fsim_fmt_none, "w3c-none-es256-registration", 0, 0, NULL, 0);
}

/* Without the flag, a missing key is the caller's error, as before. */
static void
t_key_missing_is_an_argument_error(void **state)
{
	fx_vec_t v;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;

	(void)state;
	fx_vec_load("w3c-packed-es256-registration", &v);
	fsim_cose_key_free(&v.ao->auth_data->cose_key);
	fsim_checks_init(&ck);
	c = fx_ctx(&v, NULL, &ck);
	assert_int_equal(fx_run(fsim_fmt_packed, &c, NULL, NULL), FSIM_ERR_ARG);
	fsim_checks_clear(&ck);
	fx_vec_free(&v);
}

/* SIG-SHA1: RS1 only; warn (default), ignore, error. */
static void
t_sha1_policy(void **state)
{
	fsim_checks_t ck;

	(void)state;
	fsim_checks_init(&ck);
	/* every other alg: nothing recorded, whatever the policy */
	assert_true(fsim_rp_sha1_ok(FSIM_SHA1_ERROR, FSIM_COSE_RS256, "k", "f", &ck));
	assert_true(fsim_rp_sha1_ok(FSIM_SHA1_ERROR, FSIM_COSE_ES256, "k", "f", &ck));
	assert_int_equal(ck.n, 0);
	/* the default is the zero value: accepted with a warning */
	assert_int_equal(FSIM_SHA1_WARN, 0);
	assert_true(fsim_rp_sha1_ok(FSIM_SHA1_WARN, FSIM_COSE_RS1, "the credential key",
	    "credential.publicKey", &ck));
	assert_int_equal(ck.n, 1);
	assert_int_equal(ck.v[0].status, FSIM_CHECK_WARN);
	assert_int_equal(ck.v[0].rule, FSIM_R_SIG_SHA1);
	assert_string_equal(ck.v[0].field, "credential.publicKey");
	assert_non_null(strstr(ck.v[0].msg, "SHA-1"));
	fsim_checks_clear(&ck);
	fsim_checks_init(&ck);
	assert_true(fsim_rp_sha1_ok(FSIM_SHA1_IGNORE, FSIM_COSE_RS1, "k", "f", &ck));
	assert_int_equal(ck.n, 0);
	assert_false(fsim_rp_sha1_ok(FSIM_SHA1_ERROR, FSIM_COSE_RS1, "k", "f", &ck));
	assert_int_equal(ck.n, 1);
	assert_int_equal(ck.v[0].status, FSIM_CHECK_FAIL);
	assert_int_equal(ck.v[0].rule, FSIM_R_SIG_SHA1);
	fsim_checks_clear(&ck);
	assert_string_equal(fsim_sha1_pol_name(FSIM_SHA1_WARN), "warn");
	assert_string_equal(fsim_sha1_pol_name(FSIM_SHA1_IGNORE), "ignore");
	assert_string_equal(fsim_sha1_pol_name(FSIM_SHA1_ERROR), "error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_key_unusable_packed_full),
		cmocka_unit_test(t_key_unusable_packed_self),
		cmocka_unit_test(t_key_unusable_u2f),
		cmocka_unit_test(t_key_unusable_tpm),
		cmocka_unit_test(t_key_unusable_apple),
		cmocka_unit_test(t_key_unusable_android_key),
		cmocka_unit_test(t_key_unusable_none),
		cmocka_unit_test(t_key_missing_is_an_argument_error),
		cmocka_unit_test(t_sha1_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
