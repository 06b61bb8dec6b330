/*
 * test_pipeline.c — platform profiles applied by the in-process pipeline
 * (harness/pipeline.h): the rules' effects, and the invariant that a
 * platform rewrites registration output only where nothing signs it and
 * never rewrites an assertion; profile files that do not parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness/pipeline.h"

static const uint8_t seed[] = { 0x5e, 0xed };
static const uint8_t custom[16] = { 0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const uint8_t zero[16];

static fsim_platform_t *
profile(const char *name)
{
	fsim_platform_t *p = NULL;
	char err[512];

	if (fsim_platform_load(name, &p, err, sizeof(err)) != FSIM_OK)
		fail_msg("%s", err);
	return p;
}

static fsim_authn_config_t
cfg_with(fsim_attfmt_t att, bool be, bool bs, const char *transport)
{
	fsim_authn_config_t c;

	fsim_authn_config_init(&c);
	memcpy(c.aaguid, custom, 16);
	c.attestation = att;
	c.be = be;
	c.bs = bs;
	snprintf(c.transports[0], sizeof(c.transports[0]), "%s", transport);
	c.n_transports = 1;
	return c;
}

static const fsim_rp_preset_t *spec_only[1];

static fsim_pipe_rp_t
rp_asking(const char *attestation)
{
	fsim_pipe_rp_t rp;

	memset(&rp, 0, sizeof(rp));
	rp.attestation = attestation;
	spec_only[0] = fsim_rp_preset_find("spec");
	rp.presets = spec_only;
	rp.n_presets = 1;
	return rp;
}

static bool
has_effect(const fsim_pipe_result_t *r, const char *rule)
{
	size_t i;

	for (i = 0; i < r->effects.n; i++)
		if (strcmp(r->effects.v[i].rule, rule) == 0)
			return true;
	return false;
}

/* Register through profile `pf` and return the result (caller resets it). */
static void
reg(const char *pf_name, fsim_authn_config_t c, const char *attestation, fsim_pipe_result_t *r)
{
	fsim_platform_t *pf = profile(pf_name);
	fsim_pipe_t *p = NULL;
	fsim_pipe_rp_t rp = rp_asking(attestation);

	assert_int_equal(fsim_pipe_new(&c, pf, seed, sizeof(seed), &p), 0);
	assert_int_equal(fsim_pipe_register(p, &rp, r), 0);
	fsim_pipe_free(&p);
	fsim_platform_free(&pf);
}

static void
spec_l3_keeps_what_it_may(void **state)
{
	fsim_pipe_result_t r;

	(void)state;
	reg("spec-l3", cfg_with(FSIM_ATTFMT_PACKED, false, false, "usb"), "none", &r);
	assert_string_equal(r.emitted.fmt, "packed");
	assert_true(r.emitted.has_x5c);
	assert_string_equal(r.delivered.fmt, "none");
	assert_memory_equal(r.delivered.aaguid, custom, 16);
	assert_true(has_effect(&r, "convey-l3"));
	assert_true(r.verdicts[0].verified);
	fsim_pipe_result_reset(&r);
	/* Self attestation is kept under none (L3 5.4.7), AAGUID and all. */
	reg("spec-l3", cfg_with(FSIM_ATTFMT_PACKED_SELF, false, false, "usb"), "none", &r);
	assert_string_equal(r.delivered.fmt, "packed");
	assert_false(r.delivered.has_x5c);
	assert_false(has_effect(&r, "convey-l3"));
	fsim_pipe_result_reset(&r);
}

static void
zeroing_only_where_nothing_signs(void **state)
{
	fsim_pipe_result_t r;

	(void)state;
	/* windows zeroes under none ... */
	reg("windows", cfg_with(FSIM_ATTFMT_PACKED, false, false, "internal"), "none", &r);
	assert_memory_equal(r.delivered.aaguid, zero, 16);
	assert_true(has_effect(&r, "zero-aaguid"));
	assert_true(r.verdicts[0].verified);
	fsim_pipe_result_reset(&r);
	/* ... but not a signed statement (direct) ... */
	reg("windows", cfg_with(FSIM_ATTFMT_PACKED, false, false, "internal"), "direct", &r);
	assert_string_equal(r.delivered.fmt, "packed");
	assert_memory_equal(r.delivered.aaguid, custom, 16);
	assert_false(has_effect(&r, "zero-aaguid"));
	assert_true(r.verdicts[0].verified);
	fsim_pipe_result_reset(&r);
	/* ... nor self attestation kept under none. */
	reg("windows", cfg_with(FSIM_ATTFMT_PACKED_SELF, false, false, "internal"), "none", &r);
	assert_string_equal(r.delivered.fmt, "packed");
	assert_memory_equal(r.delivered.aaguid, custom, 16);
	assert_true(r.verdicts[0].verified);
	fsim_pipe_result_reset(&r);
}

static void
chrome_desktop_by_transport(void **state)
{
	fsim_pipe_result_t r;

	(void)state;
	reg("chrome-desktop", cfg_with(FSIM_ATTFMT_PACKED, false, false, "usb"), "none", &r);
	assert_memory_equal(r.delivered.aaguid, zero, 16);
	fsim_pipe_result_reset(&r);
	reg("chrome-desktop", cfg_with(FSIM_ATTFMT_PACKED, false, false, "hybrid"), "none", &r);
	assert_memory_equal(r.delivered.aaguid, custom, 16);
	assert_string_equal(r.delivered.fmt, "none");
	fsim_pipe_result_reset(&r);
}

static void
l2_anonymises(void **state)
{
	fsim_pipe_result_t r;
	fsim_authn_config_t c = cfg_with(FSIM_ATTFMT_PACKED_SELF, false, false, "usb");

	(void)state;
	/* Self attestation with a non-zero AAGUID is anonymised under L2. */
	reg("firefox-legacy", c, "none", &r);
	assert_string_equal(r.delivered.fmt, "none");
	assert_memory_equal(r.delivered.aaguid, zero, 16);
	assert_true(has_effect(&r, "convey-l2"));
	assert_true(r.verdicts[0].verified);
	fsim_pipe_result_reset(&r);
	/* With a zero AAGUID it is left alone (L2 5.1.3 step 20). */
	memset(c.aaguid, 0, 16);
	reg("firefox-legacy", c, "none", &r);
	assert_string_equal(r.delivered.fmt, "packed");
	fsim_pipe_result_reset(&r);
}

static void
pass_through_and_refusals(void **state)
{
	fsim_pipe_result_t r;

	(void)state;
	reg("chrome-android", cfg_with(FSIM_ATTFMT_PACKED, false, false, "internal"), "none", &r);
	assert_string_equal(r.delivered.fmt, "packed");
	assert_true(r.delivered.has_x5c);
	assert_true(has_effect(&r, "pass-through"));
	fsim_pipe_result_reset(&r);
	reg("apple-provider-extension", cfg_with(FSIM_ATTFMT_NONE, false, false, "internal"),
	    "none", &r);
	assert_true(r.emitted.ok);
	assert_false(r.delivered.ok);
	assert_string_equal(r.delivered.error_name, "NotAllowedError");
	assert_string_equal(r.delivered.error_rule, "require-be-bs");
	assert_null(r.response);
	assert_false(r.verdicts[0].ran);
	fsim_pipe_result_reset(&r);
	reg("apple-provider-extension", cfg_with(FSIM_ATTFMT_PACKED, true, true, "internal"),
	    "none", &r);
	assert_string_equal(r.delivered.error_rule, "require-fmt-none");
	fsim_pipe_result_reset(&r);
}

static void
assertion_refused_never_rewritten(void **state)
{
	fsim_platform_t *pf = profile("apple-provider-extension");
	fsim_authn_config_t c = cfg_with(FSIM_ATTFMT_NONE, true, true, "internal");
	fsim_pipe_rp_t rp = rp_asking("none");
	fsim_pipe_result_t r;
	fsim_pipe_t *p = NULL;

	(void)state;
	assert_int_equal(fsim_pipe_new(&c, pf, seed, sizeof(seed), &p), 0);
	assert_int_equal(fsim_pipe_register(p, &rp, &r), 0);
	assert_true(r.delivered.ok);
	fsim_pipe_result_reset(&r);
	assert_int_equal(fsim_pipe_authenticate(p, &rp, &r), 0);
	assert_true(r.delivered.ok);
	assert_true(r.verdicts[0].verified);
	fsim_pipe_result_reset(&r);
	/* BS drops: the assertion is refused, its signed bytes untouched. */
	assert_int_equal(fsim_pipe_set_bs(p, false), 0);
	assert_int_equal(fsim_pipe_authenticate(p, &rp, &r), 0);
	assert_true(r.emitted.ok);
	assert_true(r.emitted.has_flags);
	assert_int_equal(r.emitted.flags & FSIM_AD_BS, 0);
	assert_false(r.delivered.ok);
	assert_string_equal(r.delivered.error_rule, "require-be-bs");
	fsim_pipe_result_reset(&r);
	/* Without the platform, the same credential's new flags reach the RP. */
	fsim_pipe_set_platform(p, NULL);
	assert_int_equal(fsim_pipe_set_be(p, false), 0);
	assert_int_equal(fsim_pipe_authenticate(p, &rp, &r), 0);
	assert_true(r.delivered.ok);
	assert_int_equal(r.delivered.flags & (FSIM_AD_BE | FSIM_AD_BS), 0);
	assert_false(r.verdicts[0].verified);      /* spec: BE changed (AUTH-16) */
	assert_non_null(strstr(r.verdicts[0].errors, "AUTH-16"));
	fsim_pipe_result_reset(&r);
	fsim_pipe_free(&p);
	fsim_platform_free(&pf);
}

static void
uv_never_discouraged(void **state)
{
	fsim_pipe_result_t r;
	fsim_authn_config_t c = cfg_with(FSIM_ATTFMT_NONE, true, true, "internal");
	fsim_platform_t *pf = profile("apple-provider-extension");
	fsim_pipe_rp_t rp = rp_asking("none");
	fsim_pipe_t *p = NULL;

	(void)state;
	rp.uv = "discouraged";
	assert_int_equal(fsim_pipe_new(&c, pf, seed, sizeof(seed), &p), 0);
	assert_int_equal(fsim_pipe_register(p, &rp, &r), 0);
	assert_true(r.delivered.flags & FSIM_AD_UV);
	assert_true(has_effect(&r, "uv-never-discouraged"));
	fsim_pipe_result_reset(&r);
	fsim_pipe_set_platform(p, NULL);
	assert_int_equal(fsim_pipe_authenticate(p, &rp, &r), 0);
	assert_int_equal(r.delivered.flags & FSIM_AD_UV, 0);
	fsim_pipe_result_reset(&r);
	fsim_pipe_free(&p);
	fsim_platform_free(&pf);
}

static void
bad_profiles(void **state)
{
	static const char *const bad[] = {
		"rule = convey-l3\n",                                   /* no name */
		"name = x\n",                                           /* no conveyance */
		"name = x\nrule = convey-l3\nrule = pass-through\n",    /* two */
		"name = x\nrule = convey-l3\nrule = convey-l3\n",       /* twice */
		"name = x\nrule = convey-l3 extra\n",                   /* argument */
		"name = x\nrule = convey-l3\nrule = zero-aaguid\n",     /* argument missing */
		"name = x\nrule = convey-l3\nrule = errors klingon\n",
		"name = x\nrule = convey-l3\nrule = transports usb,usb,usb,usb,usb\n",
		"name = x\nname = y\nrule = convey-l3\n",
		"name = x\nrule = convey-l3\nfoo = bar\n",
		"name = x\nrule convey-l3\n",
		"name = x\nrule = convey-l3\nevidence =\n",
	};
	char dir[] = "/tmp/fsim-test-XXXXXX", path[64], err[512];
	fsim_platform_t *p = NULL;
	size_t i;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad.platform", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_non_null(f = fopen(path, "w"));
		assert_int_equal(fputs(bad[i], f) >= 0, 1);
		fclose(f);
		assert_int_not_equal(fsim_platform_load(path, &p, err, sizeof(err)), 0);
		assert_null(p);
		assert_non_null(strstr(err, path));
	}
	unlink(path);
	rmdir(dir);
	assert_int_not_equal(fsim_platform_load("no-such-profile", &p, err, sizeof(err)), 0);
	assert_int_not_equal(fsim_platform_load("../etc/passwd", &p, err, sizeof(err)), 0);
	p = profile("apple-provider-extension");
	assert_int_equal(fsim_platform_disable(p, "zero-aaguid"), 0);
	assert_null(fsim_platform_rule(p, FSIM_PRULE_ZERO_AAGUID));
	assert_int_not_equal(fsim_platform_disable(p, "pass-through"), 0);
	fsim_platform_free(&p);
}

/*
 * The helpers the harness's mutations use: the credential's private key
 * (stored or wrapped in the ID) signs what the RP's record verifies; the
 * view of a response and a verdict are made as the pipeline makes them.
 */
static void
harness_helpers(void **state)
{
	static const uint8_t msg[] = "authenticatorData || clientDataHash";
	const fsim_rp_preset_t *spec = fsim_rp_preset_find("spec");
	fsim_pipe_rp_t rp = rp_asking("none");
	fsim_pipe_result_t r;
	fsim_pipe_view_t v;
	fsim_pipe_verdict_t vd;
	fsim_pipe_t *p = NULL;
	fsim_blob_t sig = { 0 };
	fsim_diags_t d;
	EVP_PKEY *k = NULL;
	int alg = 0;
	size_t rk;

	(void)state;
	for (rk = 0; rk < 2; rk++) {
		fsim_authn_config_t c = cfg_with(FSIM_ATTFMT_NONE, false, false, "usb");

		/* discoverable (stored) and not (the key wrapped in the ID) */
		rp.resident_key = rk ? "required" : "discouraged";
		assert_int_equal(fsim_pipe_new(&c, NULL, seed, sizeof(seed), &p), 0);
		assert_int_not_equal(fsim_pipe_credential_key(p, NULL, &k, &alg), 0);
		assert_null(k);
		assert_int_equal(fsim_pipe_register(p, &rp, &r), 0);
		assert_true(r.verdicts[0].verified);
		assert_int_equal(fsim_pipe_credential_key(p, NULL, &k, &alg), 0);
		assert_non_null(k);
		assert_int_equal(alg, FSIM_COSE_ES256);
		assert_int_equal(fsim_sig_sign(k, alg, msg, sizeof(msg), &sig), 0);
		fsim_diags_init(&d);
		assert_int_equal(fsim_sig_verify(fsim_cose_key_pkey(fsim_pipe_record(p, spec)->key),
		    alg, msg, sizeof(msg), sig.ptr, sig.len, &d, "AUTH-18", NULL), 0);
		fsim_diags_clear(&d);
		EVP_PKEY_free(k);
		k = NULL;
		fsim_blob_reset(&sig);
		/* another RP ID does not unwrap a wrapped key */
		if (!rk)
			assert_int_not_equal(fsim_pipe_credential_key(p, "other.example", &k, &alg), 0);
		/* the view of the delivered response, as the pipeline made it */
		fsim_pipe_view_response(&v, r.response, true);
		assert_memory_equal(&v, &r.delivered, sizeof(v));
		fsim_pipe_view_response(&v, NULL, true);
		assert_false(v.ok);
		/* a verdict of no result: only the preset */
		fsim_pipe_verdict_set(&vd, spec, NULL);
		assert_ptr_equal(vd.preset, spec);
		assert_false(vd.ran);
		fsim_pipe_result_reset(&r);
		fsim_pipe_free(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_l3_keeps_what_it_may),
		cmocka_unit_test(zeroing_only_where_nothing_signs),
		cmocka_unit_test(chrome_desktop_by_transport),
		cmocka_unit_test(l2_anonymises),
		cmocka_unit_test(pass_through_and_refusals),
		cmocka_unit_test(assertion_refused_never_rewritten),
		cmocka_unit_test(uv_never_discouraged),
		cmocka_unit_test(bad_profiles),
		cmocka_unit_test(harness_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
