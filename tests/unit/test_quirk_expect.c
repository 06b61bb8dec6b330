/*
 * test_quirk_expect.c — what a quirk cell of `fidosim run` must conclude
 * under an RP policy preset (harness/quirk_expect.c): the spec's verdict by
 * the quirk's rule, except where a preset's documented knob decides
 * otherwise. Each knob is tested both ways on a copy of the spec preset, so
 * the tests do not depend on what the shipped library presets decide; one
 * test ties the result to a shipped preset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "harness/matrix_int.h"

static fsim_rp_preset_t
spec_copy(void)
{
	const fsim_rp_preset_t *ps = fsim_rp_preset_find("spec");

	assert_non_null(ps);
	return *ps;
}

/* The expectation and its rule for quirk q under ps; why copied into why[200]. */
static const char *
expect(fsim_quirk_t q, const fsim_authn_config_t *cfg, const char *fmt,
    const fsim_rp_preset_t *ps, const char **rule, char *why)
{
	return fsim_quirk_expect((size_t)q, cfg, fmt, ps, rule, why, 200);
}

static void
test_spec_fails_by_the_quirks_rule(void **state)
{
	fsim_rp_preset_t ps = spec_copy();
	fsim_authn_config_t cfg;
	const char *rule, *e;
	char why[200];
	size_t q;

	(void)state;
	fsim_authn_config_init(&cfg);
	for (q = 0; q < FSIM_QUIRK__COUNT; q++) {
		const fsim_quirk_info_t *qi = fsim_quirk_info((fsim_quirk_t)q);

		e = expect((fsim_quirk_t)q, &cfg, "packed", &ps, &rule, why);
		if (qi->rule[0] == '\0') {
			assert_string_equal(e, "pass");
			assert_null(rule);
		} else {
			assert_true(strcmp(e, "fail") == 0 || strcmp(e, "warn") == 0);
			assert_string_equal(rule, qi->rule);
		}
		assert_string_equal(why, "");
	}
}

static void
test_bs_without_be_knob(void **state)
{
	fsim_rp_preset_t ps = spec_copy();
	fsim_authn_config_t cfg;
	const char *rule;
	char why[200];

	(void)state;
	fsim_authn_config_init(&cfg);
	ps.name = "lib";
	assert_string_equal(expect(FSIM_QUIRK_BS_WITHOUT_BE, &cfg, "none", &ps, &rule, why), "fail");
	assert_string_equal(rule, "REG-14");
	ps.pol.bs_without_be = FSIM_POL_WARN;
	assert_string_equal(expect(FSIM_QUIRK_BS_WITHOUT_BE, &cfg, "none", &ps, &rule, why), "warn");
	assert_string_equal(rule, "REG-14");
	assert_non_null(strstr(why, "lib only warns about BS without BE (bs-without-be=warn"));
	ps.pol.bs_without_be = FSIM_POL_IGNORE;
	assert_string_equal(expect(FSIM_QUIRK_BS_WITHOUT_BE, &cfg, "none", &ps, &rule, why), "pass");
	assert_non_null(strstr(why, "lib does not check BS without BE (bs-without-be=ignore"));
}

static void
test_counter_knob(void **state)
{
	fsim_rp_preset_t ps = spec_copy();
	fsim_authn_config_t cfg;
	const char *rule;
	char why[200];

	(void)state;
	fsim_authn_config_init(&cfg);
	/* counter-zero-ok plays no part: the quirk never regresses to 0. */
	ps.pol.counter_zero_ok = true;
	assert_string_equal(expect(FSIM_QUIRK_COUNTER_REGRESS, &cfg, "none", &ps, &rule, why), "fail");
	assert_string_equal(rule, "AUTH-19");
	ps.pol.counter = FSIM_POL_IGNORE;
	assert_string_equal(expect(FSIM_QUIRK_COUNTER_REGRESS, &cfg, "none", &ps, &rule, why), "pass");
	assert_non_null(strstr(why, "counter=ignore"));
}

static void
test_library_checks_knobs(void **state)
{
	static const char *const packed_dates[] = { "packed", NULL };
	fsim_rp_preset_t ps = spec_copy();
	fsim_authn_config_t cfg;
	const char *rule;
	char why[200];

	(void)state;
	fsim_authn_config_init(&cfg);
	/* The spec preset's knobs are the spec's reading. */
	assert_string_equal(expect(FSIM_QUIRK_AT_IN_ASSERTION, &cfg, "none", &ps, &rule, why), "fail");
	assert_string_equal(expect(FSIM_QUIRK_CREDENTIAL_ID_1024, &cfg, "none", &ps, &rule, why), "fail");
	assert_string_equal(rule, "ACD-02");
	assert_string_equal(expect(FSIM_QUIRK_ALG_MISMATCH, &cfg, "packed", &ps, &rule, why), "fail");
	ps.pol.at_in_assertion = FSIM_POL_IGNORE;
	assert_string_equal(expect(FSIM_QUIRK_AT_IN_ASSERTION, &cfg, "none", &ps, &rule, why), "pass");
	ps.pol.cred_id_max = 1023;
	assert_string_equal(expect(FSIM_QUIRK_CREDENTIAL_ID_1024, &cfg, "none", &ps, &rule, why), "fail");
	ps.pol.cred_id_max = 1024;
	assert_string_equal(expect(FSIM_QUIRK_CREDENTIAL_ID_1024, &cfg, "none", &ps, &rule, why), "pass");
	assert_non_null(strstr(why, "up to 1024 bytes"));
	ps.pol.self_alg_hash_only = true;
	assert_string_equal(expect(FSIM_QUIRK_ALG_MISMATCH, &cfg, "packed", &ps, &rule, why), "pass");
	/* An expired packed certificate: dated when the path is checked, or the leaf alone. */
	assert_string_equal(expect(FSIM_QUIRK_CERT_EXPIRED, &cfg, "packed", &ps, &rule, why), "fail");
	ps.pol.att_chain = FSIM_CHAIN_NEVER;
	assert_string_equal(expect(FSIM_QUIRK_CERT_EXPIRED, &cfg, "packed", &ps, &rule, why), "pass");
	assert_non_null(strstr(why, "checks neither the path nor the dates"));
	ps.pol.leaf_dates = packed_dates;
	assert_string_equal(expect(FSIM_QUIRK_CERT_EXPIRED, &cfg, "packed", &ps, &rule, why), "fail");
	assert_string_equal(rule, "ATT-03");
}

static void
test_library_cert_knobs(void **state)
{
	static const char *const packed[] = { "packed", NULL };
	fsim_rp_preset_t ps = spec_copy();
	fsim_authn_config_t cfg;
	const char *rule;
	char why[200];

	(void)state;
	fsim_authn_config_init(&cfg);
	ps.name = "lib";
	assert_string_equal(expect(FSIM_QUIRK_TRAILING_BYTES, &cfg, "none", &ps, &rule, why), "fail");
	ps.pol.trailing_bytes = FSIM_POL_IGNORE;
	assert_string_equal(expect(FSIM_QUIRK_TRAILING_BYTES, &cfg, "none", &ps, &rule, why), "pass");
	assert_non_null(strstr(why, "trailing-bytes=ignore"));
	assert_string_equal(expect(FSIM_QUIRK_CERT_MISSING_OU, &cfg, "packed", &ps, &rule, why), "fail");
	ps.pol.packed_cert_ignored = true;
	assert_string_equal(expect(FSIM_QUIRK_CERT_MISSING_OU, &cfg, "packed", &ps, &rule, why), "pass");
	assert_string_equal(expect(FSIM_QUIRK_CERT_CA_TRUE, &cfg, "packed", &ps, &rule, why), "pass");
	assert_string_equal(expect(FSIM_QUIRK_AAGUID_CERT_MISMATCH, &cfg, "packed", &ps, &rule, why),
	    "pass");
	assert_non_null(strstr(why, "packed-cert=ignore"));
	/* An expired packed certificate: a checked path that is not dated lets it through ... */
	ps.pol.undated = packed;
	assert_string_equal(expect(FSIM_QUIRK_CERT_EXPIRED, &cfg, "packed", &ps, &rule, why), "pass");
	ps.pol.undated = NULL;
	ps.pol.dates_untrusted = true;
	assert_string_equal(expect(FSIM_QUIRK_CERT_EXPIRED, &cfg, "packed", &ps, &rule, why), "pass");
	/* ... and one that dates every certificate without a path does not. */
	ps.pol.dates_untrusted = false;
	ps.pol.att_chain = FSIM_CHAIN_NEVER;
	ps.pol.chain_dates = packed;
	assert_string_equal(expect(FSIM_QUIRK_CERT_EXPIRED, &cfg, "packed", &ps, &rule, why), "fail");
}

static void
test_be_flip_knob(void **state)
{
	fsim_rp_preset_t ps = spec_copy();
	fsim_authn_config_t cfg;
	const char *rule;
	char why[200];

	(void)state;
	fsim_authn_config_init(&cfg);
	assert_string_equal(expect(FSIM_QUIRK_BE_FLIP, &cfg, "none", &ps, &rule, why), "fail");
	assert_string_equal(rule, "AUTH-16");
	/* Registered with BE=0, asserted with 1: an upgrade, which allow-upgrade warns about. */
	ps.pol.be_change = FSIM_BE_ALLOW_UPGRADE;
	assert_string_equal(expect(FSIM_QUIRK_BE_FLIP, &cfg, "none", &ps, &rule, why), "warn");
	cfg.be = true;   /* 1 -> 0 is a downgrade: still an error */
	assert_string_equal(expect(FSIM_QUIRK_BE_FLIP, &cfg, "none", &ps, &rule, why), "fail");
	ps.pol.be_change = FSIM_BE_IGNORE;
	assert_string_equal(expect(FSIM_QUIRK_BE_FLIP, &cfg, "none", &ps, &rule, why), "pass");
	assert_non_null(strstr(why, "be-change=ignore"));
}

static void
test_unimplemented_format_fails_first(void **state)
{
	static const char *const only_none[] = { "none", NULL };
	fsim_rp_preset_t ps = spec_copy();
	fsim_authn_config_t cfg;
	const char *rule;
	char why[200];

	(void)state;
	fsim_authn_config_init(&cfg);
	ps.pol.formats = only_none;
	assert_string_equal(expect(FSIM_QUIRK_CERT_MISSING_OU, &cfg, "packed", &ps, &rule, why), "fail");
	assert_string_equal(rule, "REG-17");
	assert_string_equal(expect(FSIM_QUIRK_NO_UP, &cfg, "none", &ps, &rule, why), "fail");
	assert_string_equal(rule, "REG-12");
}

static void
test_shipped_preset(void **state)
{
	const fsim_rp_preset_t *ps = fsim_rp_preset_find("python-fido2");
	fsim_authn_config_t cfg;
	const char *rule;
	char why[200];

	(void)state;
	assert_non_null(ps);
	fsim_authn_config_init(&cfg);
	/* data/policies/python-fido2.policy documents it as not checking BS without BE. */
	assert_int_equal(ps->pol.bs_without_be, FSIM_POL_IGNORE);
	assert_string_equal(expect(FSIM_QUIRK_BS_WITHOUT_BE, &cfg, "none", ps, &rule, why), "pass");
	assert_string_equal(why, "python-fido2 does not check BS without BE (bs-without-be=ignore "
	    "in 'fidosim policies')");
	assert_string_equal(expect(FSIM_QUIRK_BAD_SIGNATURE, &cfg, "none", ps, &rule, why), "fail");
	assert_string_equal(rule, "AUTH-18");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_fails_by_the_quirks_rule),
		cmocka_unit_test(test_bs_without_be_knob),
		cmocka_unit_test(test_counter_knob),
		cmocka_unit_test(test_library_checks_knobs),
		cmocka_unit_test(test_library_cert_knobs),
		cmocka_unit_test(test_be_flip_knob),
		cmocka_unit_test(test_unimplemented_format_fails_first),
		cmocka_unit_test(test_shipped_preset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
