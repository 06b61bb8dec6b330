/*
 * test_preset.c — authenticator presets: every shipped preset loads with the
 * values its evidence names; every parse error names file:line and the key;
 * fsim_preset_apply yields to the settings the user gave.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "authenticator/preset.h"
#include "core/fsim_core.h"

struct expect {
	const char *name, *aaguid;
	bool be, bs;
	fsim_uvmode_t uv;
	fsim_counter_t counter;
	fsim_attfmt_t att;
	const char *transports;   /* comma-joined */
	int alg0;
};

/* docs/evidence/providers.md §7, §7.1, §8 (see each file's evidence lines). */
static const struct expect shipped[] = {
	{ "1password", "bada5566-a7aa-401f-bd96-45619a55120d", true, true, FSIM_UVMODE_AUTO,
	  FSIM_COUNTER_ZERO, FSIM_ATTFMT_NONE, "internal,hybrid", FSIM_COSE_ES256 },
	{ "bitwarden", "d548826e-79b4-db40-a3d8-11116f7e8349", true, true, FSIM_UVMODE_AUTO,
	  FSIM_COUNTER_ZERO, FSIM_ATTFMT_NONE, "internal,hybrid", FSIM_COSE_ES256 },
	{ "chrome-virtual", "01020304-0506-0708-0102-030405060708", false, false,
	  FSIM_UVMODE_NEVER, FSIM_COUNTER_PER_CREDENTIAL, FSIM_ATTFMT_PACKED, "usb",
	  FSIM_COSE_ES256 },
	{ "google-password-manager", "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4", true, true,
	  FSIM_UVMODE_ALWAYS, FSIM_COUNTER_ZERO, FSIM_ATTFMT_NONE, "internal,hybrid",
	  FSIM_COSE_ES256 },
	{ "icloud-keychain", "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", true, true,
	  FSIM_UVMODE_ALWAYS, FSIM_COUNTER_ZERO, FSIM_ATTFMT_NONE, "internal,hybrid",
	  FSIM_COSE_ES256 },
	{ "keepassium", "23a349a8-0dd1-49c3-8b00-5d36fa3b3c03", true, true, FSIM_UVMODE_ALWAYS,
	  FSIM_COUNTER_ZERO, FSIM_ATTFMT_NONE, "internal,hybrid", FSIM_COSE_ES256 },
	{ "keepassxc", "fdb141b2-5d84-443e-8a35-4698c205a502", true, true, FSIM_UVMODE_ALWAYS,
	  FSIM_COUNTER_ZERO, FSIM_ATTFMT_NONE, "internal", FSIM_COSE_ES256 },
	{ "keepassxc-2.7.11", "fdb141b2-5d84-443e-8a35-4698c205a502", false, false,
	  FSIM_UVMODE_ALWAYS, FSIM_COUNTER_ZERO, FSIM_ATTFMT_NONE, "internal", FSIM_COSE_ES256 },
	{ "samsung-pass", "53414d53-554e-4700-0000-000000000000", false, false, FSIM_UVMODE_AUTO,
	  FSIM_COUNTER_ZERO, FSIM_ATTFMT_PACKED, "internal,hybrid", FSIM_COSE_ES256 },
	{ "windows-hello", "08987058-cadc-4b81-b6e1-30de50dcbe96", false, false,
	  FSIM_UVMODE_ALWAYS, FSIM_COUNTER_PER_CREDENTIAL, FSIM_ATTFMT_PACKED, "internal",
	  FSIM_COSE_ES256 },
	{ "yubikey5", "cb69481e-8ff7-4039-93ec-0a2729a154a8", false, false, FSIM_UVMODE_AUTO,
	  FSIM_COUNTER_GLOBAL, FSIM_ATTFMT_PACKED, "usb,nfc", FSIM_COSE_ES256 },
};
#define NSHIPPED (sizeof(shipped) / sizeof(shipped[0]))

static void
check_preset(const fsim_preset_t *p, const struct expect *e)
{
	const fsim_authn_config_t *c = fsim_preset_config(p);
	char joined[80] = "", aaguid[FSIM_AAGUID_STRLEN + 1];
	size_t i;

	assert_non_null(c);
	assert_string_equal(fsim_preset_name(p), e->name);
	assert_true(strlen(fsim_preset_description(p)) > 0);
	/* one evidence line per behaviour at least: aaguid, be/bs, fmt, uv, counter, transports */
	assert_true(fsim_preset_evidence_count(p) >= 6);
	for (i = 0; i < fsim_preset_evidence_count(p); i++)
		assert_true(strstr(fsim_preset_evidence(p, i), "docs/evidence/providers.md") != NULL ||
		    strstr(fsim_preset_evidence(p, i), "docs/evidence/l3-platforms.md") != NULL ||
		    strstr(fsim_preset_evidence(p, i), "[I]") != NULL);
	assert_null(fsim_preset_evidence(p, fsim_preset_evidence_count(p)));
	fsim_aaguid_format(c->aaguid, aaguid);
	assert_string_equal(aaguid, e->aaguid);
	assert_int_equal(c->be, e->be);
	assert_int_equal(c->bs, e->bs);
	assert_int_equal(c->uv, e->uv);
	assert_int_equal(c->counter, e->counter);
	assert_int_equal(c->attestation, e->att);
	assert_true(c->n_algs >= 1);
	assert_int_equal(c->algs[0], e->alg0);
	for (i = 0; i < c->n_transports; i++) {
		if (i > 0)
			strcat(joined, ",");
		strcat(joined, c->transports[i]);
	}
	assert_string_equal(joined, e->transports);
	assert_true(c->rk_capable);
	assert_int_equal(c->quirks, 0);
	assert_int_equal(fsim_preset_given(p) & (FSIM_PRESET_F_AAGUID | FSIM_PRESET_F_BE |
	    FSIM_PRESET_F_BS | FSIM_PRESET_F_UV | FSIM_PRESET_F_COUNTER |
	    FSIM_PRESET_F_ATTESTATION | FSIM_PRESET_F_TRANSPORTS),
	    FSIM_PRESET_F_AAGUID | FSIM_PRESET_F_BE | FSIM_PRESET_F_BS | FSIM_PRESET_F_UV |
	    FSIM_PRESET_F_COUNTER | FSIM_PRESET_F_ATTESTATION | FSIM_PRESET_F_TRANSPORTS);
}

static void
shipped_presets_load(void **state)
{
	char **names = NULL, err[512];
	size_t n = 0, i;

	(void)state;
	assert_int_equal(fsim_preset_names(&names, &n), 0);
	assert_int_equal(n, NSHIPPED);
	for (i = 0; i < n; i++) {
		fsim_preset_t *p = NULL;

		/* sorted, and the table above is sorted the same way */
		assert_string_equal(names[i], shipped[i].name);
		if (fsim_preset_load(names[i], &p, err, sizeof(err)) != 0)
			fail_msg("%s: %s", names[i], err);
		check_preset(p, &shipped[i]);
		fsim_preset_free(&p);
		assert_null(p);
	}
	fsim_preset_names_free(names, n);
	fsim_preset_free(NULL);
	fsim_preset_names_free(NULL, 0);
}

/* With no data folder reachable, the built-in copy gives the same presets. */
static void
builtin_copy_matches(void **state)
{
	char err[512];
	const char *old = getenv("FIDOSIM_DATA_DIR");
	char *saved = old != NULL ? strdup(old) : NULL;
	size_t i;

	(void)state;
	/* The data folder from the source tree (tests run from the top), by path. */
	for (i = 0; i < NSHIPPED; i++) {
		fsim_preset_t *p = NULL;
		char path[256];

		snprintf(path, sizeof(path), "data/presets/%s.preset", shipped[i].name);
		if (access(path, R_OK) != 0)
			continue;   /* not run from the source tree */
		if (fsim_preset_load(path, &p, err, sizeof(err)) != 0)
			fail_msg("%s: %s", path, err);
		check_preset(p, &shipped[i]);
		fsim_preset_free(&p);
	}
	/* A data folder without presets: the names still come from the built-in copy. */
	assert_int_equal(setenv("FIDOSIM_DATA_DIR", "/nonexistent-fidosim-data", 1), 0);
	for (i = 0; i < NSHIPPED; i++) {
		fsim_preset_t *p = NULL;

		assert_int_equal(fsim_preset_load(shipped[i].name, &p, err, sizeof(err)), 0);
		check_preset(p, &shipped[i]);
		fsim_preset_free(&p);
	}
	if (saved != NULL)
		assert_int_equal(setenv("FIDOSIM_DATA_DIR", saved, 1), 0);
	else
		assert_int_equal(unsetenv("FIDOSIM_DATA_DIR"), 0);
	free(saved);
}

static void
unknown_name_lists_known(void **state)
{
	fsim_preset_t *p = (fsim_preset_t *)1;
	char err[1024];

	(void)state;
	assert_int_equal(fsim_preset_load("no-such-provider", &p, err, sizeof(err)),
	    FSIM_ERR_NOT_FOUND);
	assert_null(p);
	assert_non_null(strstr(err, "no-such-provider"));
	assert_non_null(strstr(err, "yubikey5"));
	assert_non_null(strstr(err, "keepassxc-2.7.11"));
	assert_int_equal(fsim_preset_load("Bad Name", &p, err, sizeof(err)), FSIM_ERR_NOT_FOUND);
	assert_int_equal(fsim_preset_load("", &p, err, sizeof(err)), FSIM_ERR_ARG);
	assert_int_equal(fsim_preset_load("/nonexistent/x.preset", &p, err, sizeof(err)),
	    FSIM_ERR_IO);
	assert_non_null(strstr(err, "/nonexistent/x.preset"));
	assert_null(p);
}

/* Parse text; expect failure whose message starts with want. */
static void
bad(const char *text, const char *want)
{
	fsim_preset_t *p = NULL;
	char err[512];
	int r = fsim_preset_parse((const uint8_t *)text, strlen(text), "t.preset", &p, err,
	    sizeof(err));

	if (r == 0)
		fail_msg("accepted: %s", text);
	assert_null(p);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("for %s\nwanted: %s...\ngot:    %s", text, want, err);
}

static void
errors_name_file_line_key(void **state)
{
	char *big;
	size_t i;

	(void)state;
	bad("name = x\nfoo = 1\n", "t.preset:2: foo: unknown key");
	bad("name = x\nbe = 1\nbe = 0\n", "t.preset:3: be: given twice");
	bad("name = x\nname = y\n", "t.preset:2: name: given twice");
	bad("name = x\nbe = yes\n", "t.preset:2: be: must be 0 or 1, not 'yes'");
	bad("name = x\nbs = 2\n", "t.preset:2: bs: must be 0 or 1");
	bad("name = x\nrk = \n", "t.preset:2: rk: the value is empty");
	bad("name = x\nuv = sometimes\n", "t.preset:2: uv: must be auto, always, never or fail");
	bad("name = x\ncounter = up\n", "t.preset:2: counter: must be per-credential");
	bad("name = x\nattestation = tpm\n", "t.preset:2: attestation: must be none");
	bad("name = x\naaguid = 1234\n", "t.preset:2: aaguid: '1234' is not a UUID");
	bad("name = x\nalgs = es256,md5\n", "t.preset:2: algs: 'md5' is not an algorithm");
	bad("name = x\nalgs = es256,es256\n", "t.preset:2: algs: 'es256' is named twice");
	bad("name = x\nalgs = es256,,eddsa\n", "t.preset:2: algs: an empty item");
	bad("name = x\nalgs = es256,es384,es512,eddsa,rs256,ps256,es256\n",
	    "t.preset:2: algs: 'es256' is named twice");
	bad("name = x\ntransports = usb,carrier-pigeon\n",
	    "t.preset:2: transports: 'carrier-pigeon' is not a transport");
	bad("name = x\ntransports = usb,nfc,ble,hybrid,internal\n",
	    "t.preset:2: transports: at most 4");
	bad("name = x\nquirk = no-such-quirk\n", "t.preset:2: quirk: unknown quirk");
	bad("name = Bad Name\n", "t.preset:1: name: 'Bad Name' is not a preset name");
	bad("# only a comment\n\nbe = 1\n", "t.preset: name: missing");
	bad("", "t.preset: name: missing");
	bad("name = x\njust words\n", "t.preset:2: ?: expected 'key = value'");
	bad("name = x\n = 1\n", "t.preset:2: ?: a key is missing");
	bad("name = x\nbe\t= 1\x01\n", "t.preset:2: be: control character 0x01");
	bad("name = x\ndescription = \xc3\x28\n", "t.preset:2: description: not UTF-8");
	bad("name = x\ndescription = \xed\xa0\x80\n", "t.preset:2: description: not UTF-8");
	/* an over-long line names its key */
	big = malloc(FSIM_PRESET_MAX_LINE + 64);
	assert_non_null(big);
	strcpy(big, "name = x\ndescription = ");
	for (i = strlen(big); i < FSIM_PRESET_MAX_LINE + 40; i++)
		big[i] = 'a';
	big[i] = '\0';
	bad(big, "t.preset:2: description: the line is longer than 1024 bytes");
	free(big);
	/* whole file too big */
	big = malloc(FSIM_PRESET_MAX_FILE + 2);
	assert_non_null(big);
	memset(big, '\n', FSIM_PRESET_MAX_FILE + 1);
	big[FSIM_PRESET_MAX_FILE + 1] = '\0';
	bad(big, "t.preset: larger than");
	free(big);
}

static void
parse_accepts_format(void **state)
{
	static const char text[] =
	    "# a user's own provider\r\n"
	    "\r\n"
	    "  name=my-provider  \r\n"
	    "evidence = first\r\n"
	    "evidence = second: § and [I]\r\n"
	    "algs = eddsa , es256\r\n"
	    "quirk = no-up\r\n"
	    "quirk = bs-without-be\r\n"
	    "rk = 0";   /* no final newline */
	fsim_preset_t *p = NULL;
	const fsim_authn_config_t *c;
	fsim_authn_config_t def;
	fsim_quirk_t q1, q2;
	char err[256];

	(void)state;
	if (fsim_preset_parse((const uint8_t *)text, strlen(text), "u.preset", &p, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	c = fsim_preset_config(p);
	fsim_authn_config_init(&def);
	assert_string_equal(fsim_preset_name(p), "my-provider");
	assert_string_equal(fsim_preset_description(p), "");
	assert_int_equal(fsim_preset_evidence_count(p), 2);
	assert_string_equal(fsim_preset_evidence(p, 1), "second: § and [I]");
	assert_int_equal(c->n_algs, 2);
	assert_int_equal(c->algs[0], FSIM_COSE_EDDSA);
	assert_int_equal(c->algs[1], FSIM_COSE_ES256);
	assert_false(c->rk_capable);
	assert_true(fsim_quirk_find("no-up", &q1));
	assert_true(fsim_quirk_find("bs-without-be", &q2));
	assert_int_equal(c->quirks, (1u << q1) | (1u << q2));
	/* what the file does not say keeps the defaults */
	assert_memory_equal(c->aaguid, def.aaguid, 16);
	assert_int_equal(c->uv, def.uv);
	assert_int_equal(c->counter, def.counter);
	assert_int_equal(c->n_transports, def.n_transports);
	assert_string_equal(c->transports[0], def.transports[0]);
	assert_int_equal(fsim_preset_given(p), FSIM_PRESET_F_ALGS | FSIM_PRESET_F_QUIRKS |
	    FSIM_PRESET_F_RK);
	fsim_preset_free(&p);
}

/* A shipped preset's name must be its file's name. */
static void
shipped_name_matches_file(void **state)
{
	char dir[] = "/tmp/test_preset_XXXXXX", path[512], err[512];
	fsim_preset_t *p = NULL;
	const char *old = getenv("FIDOSIM_DATA_DIR");
	char *saved = old != NULL ? strdup(old) : NULL;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/presets", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/presets/mine.preset", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("name = other\nbe = 1\n", f);
	fclose(f);
	assert_int_equal(setenv("FIDOSIM_DATA_DIR", dir, 1), 0);
	assert_int_equal(fsim_preset_load("mine", &p, err, sizeof(err)), FSIM_ERR_FORMAT);
	assert_non_null(strstr(err, "mine.preset: name: 'other'"));
	/* by path, the name is free */
	assert_int_equal(fsim_preset_load(path, &p, err, sizeof(err)), 0);
	assert_string_equal(fsim_preset_name(p), "other");
	fsim_preset_free(&p);
	/* the folder's file wins over the built-in copy, and its name is listed */
	{
		char **names = NULL;
		size_t n = 0, i;
		bool mine = false;

		assert_int_equal(fsim_preset_names(&names, &n), 0);
		assert_int_equal(n, NSHIPPED + 1);
		for (i = 0; i < n; i++)
			mine |= strcmp(names[i], "mine") == 0;
		assert_true(mine);
		fsim_preset_names_free(names, n);
	}
	snprintf(path, sizeof(path), "%s/presets/yubikey5.preset", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("name = yubikey5\nbe = 1\n", f);
	fclose(f);
	assert_int_equal(fsim_preset_load("yubikey5", &p, err, sizeof(err)), 0);
	assert_true(fsim_preset_config(p)->be);
	fsim_preset_free(&p);
	unlink(path);
	snprintf(path, sizeof(path), "%s/presets/mine.preset", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/presets", dir);
	rmdir(path);
	rmdir(dir);
	if (saved != NULL)
		assert_int_equal(setenv("FIDOSIM_DATA_DIR", saved, 1), 0);
	else
		assert_int_equal(unsetenv("FIDOSIM_DATA_DIR"), 0);
	free(saved);
}

static void
apply_keeps_explicit(void **state)
{
	fsim_preset_t *p = NULL;
	fsim_authn_config_t cfg;
	fsim_quirk_t q;
	char err[256];
	static const uint8_t mine[16] = { 0x11, 0x22 };

	(void)state;
	assert_int_equal(fsim_preset_load("icloud-keychain", &p, err, sizeof(err)), 0);

	/* nothing kept: the preset's whole configuration */
	fsim_authn_config_init(&cfg);
	fsim_preset_apply(p, &cfg, 0);
	assert_memory_equal(&cfg, fsim_preset_config(p), sizeof(cfg));

	/* the user said --be 0 --bs 0 --aaguid ... --quirk no-up: those stay */
	fsim_authn_config_init(&cfg);
	cfg.be = false;
	cfg.bs = false;
	memcpy(cfg.aaguid, mine, 16);
	assert_true(fsim_quirk_find("no-up", &q));
	cfg.quirks = 1u << q;
	fsim_preset_apply(p, &cfg, FSIM_PRESET_F_BE | FSIM_PRESET_F_BS | FSIM_PRESET_F_AAGUID);
	assert_false(cfg.be);
	assert_false(cfg.bs);
	assert_memory_equal(cfg.aaguid, mine, 16);
	assert_int_equal(cfg.quirks, 1u << q);            /* the user's quirk survives */
	assert_int_equal(cfg.uv, FSIM_UVMODE_ALWAYS);     /* the rest is the preset's */
	assert_int_equal(cfg.counter, FSIM_COUNTER_ZERO);
	assert_int_equal(cfg.n_transports, 2);
	assert_string_equal(cfg.transports[1], "hybrid");

	/* everything kept: nothing changes */
	fsim_authn_config_init(&cfg);
	{
		fsim_authn_config_t before = cfg;

		fsim_preset_apply(p, &cfg, 0xffffffffu);
		assert_memory_equal(&cfg, &before, sizeof(cfg));
	}
	fsim_preset_apply(NULL, &cfg, 0);
	fsim_preset_apply(p, NULL, 0);
	fsim_preset_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_presets_load),
		cmocka_unit_test(builtin_copy_matches),
		cmocka_unit_test(unknown_name_lists_known),
		cmocka_unit_test(errors_name_file_line_key),
		cmocka_unit_test(parse_accepts_format),
		cmocka_unit_test(shipped_name_matches_file),
		cmocka_unit_test(apply_keeps_explicit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
