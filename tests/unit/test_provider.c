/*
 * test_provider.c — the provider service's logic (harness/provider.h)
 * without HTTP: its answers are the in-process ceremony's byte for byte,
 * presets through their platforms (the AAGUID kept or zeroed, BE=0 refused
 * by apple-provider-extension), settings changed at run time (all or
 * nothing, errors naming the member), the last ceremony's three views and
 * rp-sim's verdict, and requests that are not requests (no origin, bad
 * options) told apart from refusals (user.id's length: TypeError).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "authenticator/preset.h"
#include "harness/ceremony.h"
#include "harness/provider.h"
#include "platform/profile.h"

#define ORIGIN "https://example.org"
#define ZERO_AAGUID "00000000-0000-0000-0000-000000000000"
#define KEEPASSIUM_AAGUID "23a349a8-0dd1-49c3-8b00-5d36fa3b3c03"
#define ICLOUD_AAGUID "fbfc3007-154e-4ecc-8c0b-6e020557d7bd"

static const uint8_t seed[] = { 0x70, 0x72, 0x6f, 0x76 };

static json_t *
creation_options(const char *user_id)
{
	json_t *o = json_pack("{s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:s, s:[{s:s, s:i}], s:s,"
	    " s:{s:s, s:s}}",
	    "rp", "id", "example.org", "name", "Example",
	    "user", "id", user_id, "name", "alice", "displayName", "Alice",
	    "challenge", "AAECAwQFBgcICQoLDA0ODw",
	    "pubKeyCredParams", "type", "public-key", "alg", -7,
	    "attestation", "none",
	    "authenticatorSelection", "residentKey", "required", "userVerification", "preferred");

	assert_non_null(o);
	return o;
}

static json_t *
request_options(void)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "rpId", "example.org",
	    "challenge", "EBESExQVFhcYGRobHB0eHw", "userVerification", "preferred");

	assert_non_null(o);
	return o;
}

/* A provider over a memory store, from a preset and a platform (either may be NULL). */
static fsim_provider_t *
provider(const char *preset, const char *platform, bool seeded)
{
	fsim_provider_opts_t o;
	fsim_preset_t *p = NULL;
	fsim_provider_t *prov = NULL;
	char err[512];

	memset(&o, 0, sizeof(o));
	fsim_authn_config_init(&o.cfg);
	if (preset != NULL) {
		assert_int_equal(fsim_preset_load(preset, &p, err, sizeof(err)), 0);
		fsim_preset_apply(p, &o.cfg, 0);
		fsim_preset_free(&p);
	}
	o.preset = preset;
	o.platform = platform;
	o.store = ":memory:";
	if (seeded) {
		o.seed = seed;
		o.seed_len = sizeof(seed);
	}
	assert_int_equal(fsim_provider_new(&o, &prov, err, sizeof(err)), 0);
	return prov;
}

static const char *
str_at(const json_t *j, const char *a, const char *b)
{
	const json_t *x = json_object_get(j, a);

	return json_string_value(b != NULL ? json_object_get(x, b) : x);
}

static json_t *
last_view(fsim_provider_t *p, const char *view)
{
	json_t *l = fsim_provider_last(p), *v;

	assert_non_null(l);
	v = json_incref(json_object_get(l, view));
	json_decref(l);
	assert_non_null(v);
	return v;
}

/* The answer is what the in-process ceremony (the headless client's) gives, byte for byte. */
static void
test_same_bytes_as_ceremony(void **state)
{
	fsim_provider_t *p = provider("icloud-keychain", "safari-macos", true);
	fsim_provider_answer_t a;
	fsim_ceremony_t *c = NULL;
	fsim_platform_t *pf = NULL;
	fsim_preset_t *ps = NULL;
	fsim_authn_config_t cfg;
	fsim_client_error_t cerr;
	json_t *opts = creation_options("dXNlcg"), *ropts = request_options(), *want = NULL;
	char err[512], *x, *y;

	(void)state;
	fsim_authn_config_init(&cfg);
	assert_int_equal(fsim_preset_load("icloud-keychain", &ps, err, sizeof(err)), 0);
	fsim_preset_apply(ps, &cfg, 0);
	fsim_preset_free(&ps);
	assert_int_equal(fsim_platform_load("safari-macos", &pf, err, sizeof(err)), 0);
	assert_int_equal(fsim_ceremony_open(&cfg, ":memory:", seed, sizeof(seed), &c, NULL), 0);
	fsim_ceremony_set_platform(c, pf);

	assert_int_equal(fsim_provider_create(p, opts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_false(a.refused);
	assert_int_equal(fsim_ceremony_create(c, opts, ORIGIN, &want, &cerr, NULL, 0), 0);
	x = json_dumps(a.json, JSON_COMPACT);
	y = json_dumps(want, JSON_COMPACT);
	assert_string_equal(x, y);
	free(x);
	free(y);
	json_decref(want);
	want = NULL;
	fsim_provider_answer_reset(&a);

	assert_int_equal(fsim_provider_get(p, ropts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_false(a.refused);
	assert_int_equal(fsim_ceremony_get(c, ropts, ORIGIN, -1, &want, &cerr, NULL, 0), 0);
	x = json_dumps(a.json, JSON_COMPACT);
	y = json_dumps(want, JSON_COMPACT);
	assert_string_equal(x, y);
	free(x);
	free(y);
	assert_non_null(strstr(a.log, "get origin=https://example.org rp=example.org "
	    "preset=icloud-keychain platform=safari-macos: assertion flags=UP,UV,BE,BS"));
	assert_non_null(strstr(a.log, "rp-sim spec: verified"));
	fsim_provider_answer_reset(&a);

	json_decref(want);
	json_decref(opts);
	json_decref(ropts);
	fsim_ceremony_free(&c);
	fsim_platform_free(&pf);
	fsim_provider_free(&p);
}

/* icloud-keychain through safari-macos: the AAGUID kept, BE/BS/UV as emitted, rp-sim verifies. */
static void
test_icloud_through_safari(void **state)
{
	fsim_provider_t *p = provider("icloud-keychain", "safari-macos", false);
	fsim_provider_answer_t a;
	json_t *opts = creation_options("dXNlcg"), *v, *last;
	char err[512];

	(void)state;
	assert_int_equal(fsim_provider_create(p, opts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_false(a.refused);
	assert_string_equal(str_at(a.json, "type", NULL), "public-key");
	v = last_view(p, "delivered");
	assert_string_equal(str_at(v, "aaguid", NULL), ICLOUD_AAGUID);
	assert_true(json_is_true(json_object_get(json_object_get(v, "flags"), "be")));
	assert_true(json_is_true(json_object_get(json_object_get(v, "flags"), "bs")));
	assert_true(json_is_true(json_object_get(json_object_get(v, "flags"), "uv")));
	assert_string_equal(str_at(v, "transports", NULL), "internal,hybrid");
	json_decref(v);
	last = fsim_provider_last(p);
	assert_string_equal(str_at(last, "ceremony", NULL), "registration");
	assert_string_equal(str_at(last, "origin", NULL), ORIGIN);
	assert_string_equal(str_at(last, "rpId", NULL), "example.org");
	assert_string_equal(str_at(last, "platform", NULL), "safari-macos");
	assert_true(json_is_false(json_object_get(last, "refused")));
	v = json_array_get(json_object_get(last, "verdicts"), 0);
	assert_string_equal(str_at(v, "policy", NULL), "spec");
	assert_true(json_is_true(json_object_get(v, "verified")));
	json_decref(last);
	fsim_provider_answer_reset(&a);
	json_decref(opts);
	fsim_provider_free(&p);
}

/* keepassium through apple-provider-extension: emitted its AAGUID, delivered zeros, by rule. */
static void
test_apple_zeroes_aaguid(void **state)
{
	fsim_provider_t *p = provider("keepassium", "apple-provider-extension", false);
	fsim_provider_answer_t a;
	json_t *opts = creation_options("dXNlcg"), *em, *de, *last, *eff;
	char err[512];
	size_t i;
	bool zero_rule = false;

	(void)state;
	assert_int_equal(fsim_provider_create(p, opts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_false(a.refused);
	em = last_view(p, "emitted");
	de = last_view(p, "delivered");
	assert_string_equal(str_at(em, "aaguid", NULL), KEEPASSIUM_AAGUID);
	assert_string_equal(str_at(de, "aaguid", NULL), ZERO_AAGUID);
	last = fsim_provider_last(p);
	eff = json_object_get(last, "platformEffects");
	for (i = 0; i < json_array_size(eff); i++)
		if (strcmp(str_at(json_array_get(eff, i), "rule", NULL), "zero-aaguid") == 0)
			zero_rule = true;
	assert_true(zero_rule);
	json_decref(last);
	json_decref(em);
	json_decref(de);
	fsim_provider_answer_reset(&a);
	json_decref(opts);
	fsim_provider_free(&p);
}

/* BE=0 through apple-provider-extension: NotAllowedError by require-be-bs; the provider emitted. */
static void
test_apple_refuses_be0(void **state)
{
	fsim_provider_t *p = provider("keepassium", "apple-provider-extension", false);
	fsim_provider_answer_t a;
	json_t *opts = creation_options("dXNlcg"), *ch, *em, *last;
	char err[512];

	(void)state;
	ch = json_pack("{s:b, s:b}", "be", 0, "bs", 0);
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), 0);
	json_decref(ch);
	assert_int_equal(fsim_provider_create(p, opts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_true(a.refused);
	assert_string_equal(str_at(a.json, "name", NULL), "NotAllowedError");
	assert_string_equal(str_at(a.json, "rule", NULL), "require-be-bs");
	assert_non_null(strstr(a.log, "refused NotAllowedError rule=require-be-bs"));
	em = last_view(p, "emitted");
	assert_true(json_is_true(json_object_get(em, "ok")));
	assert_true(json_is_false(json_object_get(json_object_get(em, "flags"), "be")));
	json_decref(em);
	last = fsim_provider_last(p);
	assert_true(json_is_true(json_object_get(last, "refused")));
	assert_string_equal(str_at(json_object_get(last, "delivered"), "error", "name"),
	    "NotAllowedError");
	assert_string_equal(str_at(last, "response", "name"), "NotAllowedError");
	json_decref(last);
	fsim_provider_answer_reset(&a);
	json_decref(opts);
	fsim_provider_free(&p);
}

/* Settings: a preset replaces, flags in the same change override it; all or nothing. */
static void
test_configure(void **state)
{
	fsim_provider_t *p = provider(NULL, NULL, false);
	json_t *s, *ch;
	char err[512], *before, *after;

	(void)state;
	s = fsim_provider_settings(p);
	assert_true(json_is_null(json_object_get(s, "preset")));
	assert_string_equal(str_at(s, "platform", NULL), "spec-l3");
	assert_string_equal(str_at(s, "aaguid", NULL), ZERO_AAGUID);
	assert_true(json_array_size(json_object_get(s, "presets")) >= 11);
	assert_true(json_array_size(json_object_get(s, "platforms")) >= 8);
	json_decref(s);

	ch = json_pack("{s:s, s:s, s:b}", "preset", "yubikey5", "platform", "chrome-desktop",
	    "be", 1);
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), 0);
	json_decref(ch);
	s = fsim_provider_settings(p);
	assert_string_equal(str_at(s, "preset", NULL), "yubikey5");
	assert_string_equal(str_at(s, "aaguid", NULL), "cb69481e-8ff7-4039-93ec-0a2729a154a8");
	assert_true(json_is_true(json_object_get(s, "be")));      /* the change's own */
	assert_true(json_is_false(json_object_get(s, "bs")));     /* the preset's */
	assert_string_equal(str_at(s, "counter", NULL), "global");
	assert_string_equal(str_at(s, "attestationFormat", NULL), "packed");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "algs"), 1)),
	    "eddsa");
	assert_string_equal(str_at(s, "platform", NULL), "chrome-desktop");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s,
	    "platformRules"), 1)), "zero-aaguid roaming");
	before = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(s);

	/* a bad member anywhere: nothing changes, the member and the rule are named */
	ch = json_pack("{s:s, s:s}", "aaguid", "5ca1ab1e-0000-4000-8000-00000000f1d0", "uv",
	    "sometimes");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), FSIM_ERR_ARG);
	assert_non_null(strstr(err, "uv: "));
	json_decref(ch);
	ch = json_pack("{s:s, s:i}", "aaguid", "5ca1ab1e-0000-4000-8000-00000000f1d0", "be", 2);
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), FSIM_ERR_ARG);
	assert_non_null(strstr(err, "be: wants true or false"));
	json_decref(ch);
	ch = json_pack("{s:s}", "colour", "blue");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), FSIM_ERR_ARG);
	assert_non_null(strstr(err, "unknown setting 'colour'"));
	json_decref(ch);
	ch = json_pack("{s:s}", "platform", "no-such-platform");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), FSIM_ERR_ARG);
	json_decref(ch);
	ch = json_pack("{s:[s]}", "platformRulesOff", "require-be-bs");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), FSIM_ERR_ARG);
	assert_non_null(strstr(err, "no rule 'require-be-bs'"));
	json_decref(ch);
	ch = json_pack("{s:s}", "preset", "no-such-preset");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), FSIM_ERR_ARG);
	assert_non_null(strstr(err, "preset: "));
	json_decref(ch);
	ch = json_pack("{s:[s]}", "quirks", "no-such-quirk");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), FSIM_ERR_ARG);
	assert_non_null(strstr(err, "quirks[0]: "));
	json_decref(ch);
	assert_int_equal(fsim_provider_configure(p, json_object_get(NULL, "x"), err,
	    sizeof(err)), FSIM_ERR_ARG);
	s = fsim_provider_settings(p);
	after = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(before, after);
	free(after);
	json_decref(s);

	/* good members of each kind */
	ch = json_pack("{s:s, s:s, s:s, s:[s,s], s:s, s:b, s:[s], s:s, s:s, s:[s]}",
	    "aaguid", "5ca1ab1e-0000-4000-8000-00000000f1d0", "uv", "never", "counter", "zero",
	    "algs", "eddsa", "es256", "transports", "internal,hybrid", "rk", 0,
	    "quirks", "bs-without-be", "attestationFormat", "none", "rpPolicy", "simplewebauthn",
	    "platformRulesOff", "zero-aaguid");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), 0);
	json_decref(ch);
	s = fsim_provider_settings(p);
	assert_string_equal(str_at(s, "aaguid", NULL), "5ca1ab1e-0000-4000-8000-00000000f1d0");
	assert_string_equal(str_at(s, "uv", NULL), "never");
	assert_string_equal(str_at(s, "counter", NULL), "zero");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "algs"), 0)),
	    "eddsa");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "transports"),
	    1)), "hybrid");
	assert_true(json_is_false(json_object_get(s, "rk")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "quirks"), 0)),
	    "bs-without-be");
	assert_string_equal(str_at(s, "rpPolicy", NULL), "simplewebauthn");
	assert_string_equal(json_string_value(json_array_get(json_object_get(s,
	    "platformRulesOff"), 0)), "zero-aaguid");
	assert_string_equal(str_at(s, "preset", NULL), "yubikey5");   /* kept: not replaced */
	json_decref(s);
	free(before);

	/* preset null: the defaults again */
	ch = json_pack("{s:n}", "preset");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), 0);
	json_decref(ch);
	s = fsim_provider_settings(p);
	assert_true(json_is_null(json_object_get(s, "preset")));
	assert_string_equal(str_at(s, "aaguid", NULL), ZERO_AAGUID);
	json_decref(s);
	fsim_provider_free(&p);
}

/* A BS changed at run time reaches the next assertion (as get --bs); BE stays. */
static void
test_bs_at_run_time(void **state)
{
	fsim_provider_t *p = provider("icloud-keychain", NULL, false);
	fsim_provider_answer_t a;
	json_t *opts = creation_options("dXNlcg"), *ropts = request_options(), *ch, *de;
	char err[512];

	(void)state;
	assert_int_equal(fsim_provider_create(p, opts, ORIGIN, &a, err, sizeof(err)), 0);
	fsim_provider_answer_reset(&a);
	ch = json_pack("{s:b}", "bs", 0);
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), 0);
	json_decref(ch);
	assert_int_equal(fsim_provider_get(p, ropts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_false(a.refused);
	de = last_view(p, "delivered");
	assert_true(json_is_true(json_object_get(json_object_get(de, "flags"), "be")));
	assert_true(json_is_false(json_object_get(json_object_get(de, "flags"), "bs")));
	json_decref(de);
	fsim_provider_answer_reset(&a);
	json_decref(opts);
	json_decref(ropts);
	fsim_provider_free(&p);
}

/* rp-sim's verdict on an assertion is known only for credentials registered here. */
static void
test_verdict_unknown(void **state)
{
	fsim_provider_opts_t o;
	fsim_provider_t *p = NULL;
	fsim_provider_answer_t a;
	json_t *opts = creation_options("dXNlcg"), *ropts = request_options(), *last, *v;
	char err[512], store[] = "/tmp/fidosim-test-provider-XXXXXX";
	int fd;

	(void)state;
	assert_true((fd = mkstemp(store)) >= 0);
	close(fd);
	unlink(store);
	memset(&o, 0, sizeof(o));
	fsim_authn_config_init(&o.cfg);
	o.store = store;
	assert_int_equal(fsim_provider_new(&o, &p, err, sizeof(err)), 0);
	last = fsim_provider_last(p);
	assert_true(json_is_null(json_object_get(last, "ceremony")));
	json_decref(last);
	/* No credential yet: the authenticator refuses (NotAllowedError, CTAP 0x2e). */
	assert_int_equal(fsim_provider_get(p, ropts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_true(a.refused);
	assert_string_equal(str_at(a.json, "name", NULL), "NotAllowedError");
	assert_string_equal(str_at(a.json, "ctapStatus", NULL), "0x2e");
	fsim_provider_answer_reset(&a);
	assert_int_equal(fsim_provider_create(p, opts, ORIGIN, &a, err, sizeof(err)), 0);
	fsim_provider_answer_reset(&a);
	/* Registered here: the assertion is judged against the record rp-sim kept. */
	assert_int_equal(fsim_provider_get(p, ropts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_false(a.refused);
	fsim_provider_answer_reset(&a);
	last = fsim_provider_last(p);
	v = json_array_get(json_object_get(last, "verdicts"), 0);
	assert_true(json_is_true(json_object_get(v, "ran")));
	assert_true(json_is_true(json_object_get(v, "verified")));
	json_decref(last);
	fsim_provider_free(&p);

	/* The same store in a new provider: the credential signs, rp-sim cannot judge. */
	assert_int_equal(fsim_provider_new(&o, &p, err, sizeof(err)), 0);
	assert_int_equal(fsim_provider_get(p, ropts, ORIGIN, &a, err, sizeof(err)), 0);
	assert_false(a.refused);
	assert_non_null(strstr(a.log, "rp-sim spec: unknown"));
	fsim_provider_answer_reset(&a);
	last = fsim_provider_last(p);
	v = json_array_get(json_object_get(last, "verdicts"), 0);
	assert_true(json_is_false(json_object_get(v, "ran")));
	assert_non_null(strstr(str_at(v, "firstError", NULL), "no credential record"));
	json_decref(last);
	fsim_provider_free(&p);
	unlink(store);
	json_decref(opts);
	json_decref(ropts);
}

/* Not requests: no origin, options that do not parse (the CLI's exit 2); TypeError is an answer. */
static void
test_bad_requests(void **state)
{
	fsim_provider_t *p = provider(NULL, NULL, false);
	fsim_provider_answer_t a;
	json_t *opts = creation_options("dXNlcg"), *bad = json_pack("{s:s}", "challenge", "AA");
	json_t *long_id;
	char err[512], big[200];

	(void)state;
	assert_int_equal(fsim_provider_create(p, opts, NULL, &a, err, sizeof(err)),
	    FSIM_ERR_JSON);
	assert_non_null(strstr(err, "origin: missing"));
	assert_null(a.json);
	assert_int_equal(fsim_provider_create(p, opts, "", &a, err, sizeof(err)), FSIM_ERR_JSON);
	assert_int_equal(fsim_provider_create(p, bad, ORIGIN, &a, err, sizeof(err)),
	    FSIM_ERR_JSON);
	assert_non_null(strstr(err, "bad options: "));
	assert_int_equal(fsim_provider_get(p, json_object_get(opts, "nothing"), ORIGIN, &a, err,
	    sizeof(err)), FSIM_ERR_JSON);
	assert_non_null(strstr(err, "bad options: "));
	/* 66 bytes of user.id: 88 base64url characters; OPT-02 alone is a TypeError */
	memset(big, 'A', 88);
	big[88] = '\0';
	long_id = creation_options(big);
	assert_int_equal(fsim_provider_create(p, long_id, ORIGIN, &a, err, sizeof(err)), 0);
	assert_true(a.refused);
	assert_string_equal(str_at(a.json, "name", NULL), "TypeError");
	assert_string_equal(str_at(a.json, "rule", NULL), "user-id-length");
	fsim_provider_answer_reset(&a);
	/* A SecurityError from the client: the origin is not the RP ID's */
	assert_int_equal(fsim_provider_create(p, opts, "https://evil.example", &a, err,
	    sizeof(err)), 0);
	assert_true(a.refused);
	assert_string_equal(str_at(a.json, "name", NULL), "SecurityError");
	fsim_provider_answer_reset(&a);
	json_decref(long_id);
	json_decref(opts);
	json_decref(bad);
	fsim_provider_free(&p);
}

static void
test_capabilities(void **state)
{
	fsim_provider_t *p = provider("yubikey5", "chrome-desktop", false);
	json_t *c = fsim_provider_capabilities(p), *ch;
	char err[256];

	(void)state;
	assert_true(json_is_false(json_object_get(c, "userVerifyingPlatformAuthenticator")));
	assert_true(json_is_false(json_object_get(c, "hybridTransport")));
	assert_true(json_is_false(json_object_get(c, "conditionalGet")));
	json_decref(c);
	ch = json_pack("{s:s}", "preset", "icloud-keychain");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), 0);
	json_decref(ch);
	c = fsim_provider_capabilities(p);
	assert_true(json_is_true(json_object_get(c, "userVerifyingPlatformAuthenticator")));
	assert_true(json_is_true(json_object_get(c, "passkeyPlatformAuthenticator")));
	assert_true(json_is_true(json_object_get(c, "hybridTransport")));
	json_decref(c);
	ch = json_pack("{s:s}", "uv", "never");
	assert_int_equal(fsim_provider_configure(p, ch, err, sizeof(err)), 0);
	json_decref(ch);
	c = fsim_provider_capabilities(p);
	assert_true(json_is_false(json_object_get(c, "userVerifyingPlatformAuthenticator")));
	json_decref(c);
	fsim_provider_free(&p);
}

static void
test_new_failures(void **state)
{
	fsim_provider_opts_t o;
	fsim_provider_t *p = NULL;
	const char *off[] = { "no-such-rule" };
	char err[512];

	(void)state;
	memset(&o, 0, sizeof(o));
	fsim_authn_config_init(&o.cfg);
	o.store = ":memory:";
	o.platform = "no-such-platform";
	assert_int_not_equal(fsim_provider_new(&o, &p, err, sizeof(err)), 0);
	assert_null(p);
	o.platform = "windows";
	o.platform_off = off;
	o.n_platform_off = 1;
	assert_int_not_equal(fsim_provider_new(&o, &p, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "no rule 'no-such-rule'"));
	o.n_platform_off = 0;
	o.rp_policy = "no-such-policy";
	assert_int_not_equal(fsim_provider_new(&o, &p, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "no-such-policy"));
	assert_null(p);
	fsim_provider_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_as_ceremony),
		cmocka_unit_test(test_icloud_through_safari),
		cmocka_unit_test(test_apple_zeroes_aaguid),
		cmocka_unit_test(test_apple_refuses_be0),
		cmocka_unit_test(test_configure),
		cmocka_unit_test(test_bs_at_run_time),
		cmocka_unit_test(test_verdict_unknown),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_new_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
