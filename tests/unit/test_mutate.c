/*
 * test_mutate.c — the mutation and vector units (harness/mutate.h).
 *
 * Under the spec preset every mutation cell fails by the rule it names and
 * every vector cell passes. Under all the RP policy presets every cell is
 * what its preset documents (ok), and the time of the whole set is printed.
 * Then the coverage the issue asks for: every error-severity rule of the
 * catalog has a cell that fails by it and a cell in which it held, counting
 * the units' spec cells and a run of each authenticator quirk through the
 * pipeline; the rules left over must be exactly the documented unreachable
 * ones (REG-09 and AUTH-17). The rules owned by another component than the
 * RP's steps (REC-01: the RP's record loader; JSON-06, OPT-02: the client's
 * options parser; ENC-00: fidosim's input check) fail by their rule alone,
 * say who judged, and hold in their passing units. Also: seeded runs repeat
 * byte for byte; bad arguments are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <cmocka.h>

#include "harness/mutate.h"
#include "harness/pipeline.h"

static const uint8_t seed[] = { 0x6d, 0x75, 0x74, 0x61, 0x74, 0x65 };

static bool
has_str(const json_t *arr, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_array_get(arr, i)), s) == 0)
			return true;
	return false;
}

static const char *
str(const json_t *cell, const char *k)
{
	return json_string_value(json_object_get(cell, k));
}

static json_t *
run_units(const fsim_rp_preset_t *const *ps, size_t n)
{
	json_t *cells = json_array();
	size_t i;

	assert_non_null(cells);
	for (i = 0; i < fsim_mutation_units(); i++) {
		int r = fsim_mutation_unit_run(i, ps, n, seed, sizeof(seed), cells);

		if (r != FSIM_OK)
			fail_msg("unit %s: %s", fsim_mutation_unit_name(i), fsim_strerr(r));
	}
	return cells;
}

static void
show(const json_t *cell)
{
	char *s = json_dumps(json_object_get(cell, "rules"), JSON_COMPACT);

	print_message("# %s: outcome %s, expected %s, rules %s, why: %s\n", str(cell, "id"),
	    str(cell, "outcome"), str(cell, "expected"), s != NULL ? s : "?", str(cell, "why"));
	free(s);
}

/* ---- names and the unreachable table ---- */

static void
test_names(void **state)
{
	size_t i, j, n = fsim_mutation_units();
	fsim_rule_id_t r;
	const char *name, *u;

	(void)state;
	assert_true(n > 0);
	assert_null(fsim_mutation_unit_name(n));
	for (i = 0; i < n; i++) {
		name = fsim_mutation_unit_name(i);
		assert_non_null(name);
		for (j = 0; j < i; j++)
			assert_string_not_equal(name, fsim_mutation_unit_name(j));
		if (strncmp(name, "vector/", 7) == 0)
			continue;
		/* a mutation names the error rule it breaks, never an unreachable one */
		if (!fsim_rule_find(name, &r))
			fail_msg("unit %s is not a rule of the catalog", name);
		assert_int_equal(fsim_rule(r)->sev, FSIM_RSEV_ERROR);
		assert_null(fsim_mutation_unreachable(name));
	}
	for (i = 0; (u = fsim_mutation_unreachable_at(i)) != NULL; i++) {
		assert_true(fsim_rule_find(u, &r));
		assert_int_equal(fsim_rule(r)->sev, FSIM_RSEV_ERROR);
		assert_non_null(fsim_mutation_unreachable(u));
		assert_true(strlen(fsim_mutation_unreachable(u)) > 20);
	}
	assert_null(fsim_mutation_unreachable("REG-05"));
	assert_null(fsim_mutation_unreachable(NULL));
	/* exactly these: the RP hashes clientDataJSON itself, no input breaks that step */
	assert_string_equal(fsim_mutation_unreachable_at(0), "REG-09");
	assert_string_equal(fsim_mutation_unreachable_at(1), "AUTH-17");
	assert_null(fsim_mutation_unreachable_at(2));
	assert_null(fsim_mutation_unreachable("REC-01"));
	assert_null(fsim_mutation_unreachable("JSON-06"));
	assert_null(fsim_mutation_unreachable("OPT-02"));
	assert_null(fsim_mutation_unreachable("ENC-00"));
}

static void
test_bad_args(void **state)
{
	const fsim_rp_preset_t *spec[1] = { fsim_rp_preset_find("spec") };
	json_t *cells = json_array(), *obj = json_object();

	(void)state;
	assert_int_equal(fsim_mutation_unit_run(fsim_mutation_units(), spec, 1, NULL, 0, cells),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_mutation_unit_run(0, spec, 1, NULL, 0, obj), FSIM_ERR_ARG);
	assert_int_equal(fsim_mutation_unit_run(0, NULL, 1, NULL, 0, cells), FSIM_ERR_ARG);
	assert_int_equal(fsim_mutation_unit_run(0, spec, 1, NULL, 0, NULL), FSIM_ERR_ARG);
	assert_int_equal(json_array_size(cells), 0);
	/* no policy: nothing to judge, no cell, no error */
	assert_int_equal(fsim_mutation_unit_run(0, spec, 0, NULL, 0, cells), FSIM_OK);
	assert_int_equal(json_array_size(cells), 0);
	json_decref(cells);
	json_decref(obj);
}

/* ---- the spec preset: mutations fail by their rule, vectors pass ---- */

/* Coverage bits, by fsim_rule_id_t. */
static bool failing[FSIM_R__COUNT], holding[FSIM_R__COUNT];
static json_t *spec_cells;

static void
note_cell(const json_t *cell)
{
	const json_t *a;
	fsim_rule_id_t r;
	size_t i;

	a = json_object_get(cell, "rules");
	for (i = 0; i < json_array_size(a); i++)
		if (fsim_rule_find(json_string_value(json_array_get(a, i)), &r))
			failing[r] = true;
	a = json_object_get(cell, "held");
	for (i = 0; i < json_array_size(a); i++)
		if (fsim_rule_find(json_string_value(json_array_get(a, i)), &r))
			holding[r] = true;
}

static void
test_spec(void **state)
{
	const fsim_rp_preset_t *spec[1] = { fsim_rp_preset_find("spec") };
	const json_t *cell;
	size_t i, bad = 0, muts = 0, vecs = 0;

	(void)state;
	spec_cells = run_units(spec, 1);
	assert_int_equal(json_array_size(spec_cells), fsim_mutation_units());
	json_array_foreach(spec_cells, i, cell) {
		const char *kind = str(cell, "kind"), *subject = str(cell, "subject");
		bool good;

		assert_string_equal(str(cell, "policy"), "spec");
		assert_non_null(json_object_get(cell, "held"));
		assert_int_equal(json_array_size(json_object_get(cell, "ceremonies")), 1);
		if (strcmp(kind, "mutation") == 0) {
			muts++;
			/* the spec preset always fails by the rule, whatever other presets decide */
			good = strcmp(str(cell, "outcome"), "fail") == 0 &&
			    strcmp(str(cell, "expected"), "fail") == 0 &&
			    has_str(json_object_get(cell, "rules"), subject) &&
			    has_str(json_object_get(cell, "expectedRules"), subject) &&
			    json_is_true(json_object_get(cell, "ok"));
		} else {
			vecs++;
			assert_string_equal(kind, "vector");
			good = strcmp(str(cell, "outcome"), "pass") == 0 &&
			    json_array_size(json_object_get(cell, "rules")) == 0 &&
			    json_is_true(json_object_get(cell, "ok"));
		}
		if (!good) {
			show(cell);
			bad++;
		}
		note_cell(cell);
	}
	print_message("# spec: %zu mutation cells, %zu vector cells\n", muts, vecs);
	assert_int_equal(bad, 0);
}

/* ---- every preset: each cell is what the preset documents; the time ---- */

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
test_all_presets(void **state)
{
	const fsim_rp_preset_t *ps[16];
	size_t i, n = fsim_rp_preset_count(), bad = 0, differ = 0;
	const json_t *cell;
	json_t *cells;
	double t0, ms;

	(void)state;
	assert_true(n <= 16);
	for (i = 0; i < n; i++)
		ps[i] = fsim_rp_preset_at(i);
	t0 = now_ms();
	cells = run_units(ps, n);
	ms = now_ms() - t0;
	assert_int_equal(json_array_size(cells), fsim_mutation_units() * n);
	json_array_foreach(cells, i, cell) {
		if (!json_is_true(json_object_get(cell, "ok"))) {
			show(cell);
			bad++;
		}
		/* where a preset documents another decision, the cell says so */
		if (strcmp(str(cell, "kind"), "mutation") == 0 &&
		    strcmp(str(cell, "expected"), "pass") == 0)
			differ++;
	}
	print_message("# %zu units x %zu presets: %zu cells in %.1f ms (%.0f cells/s), "
	    "%zu mutation cells a preset documents as accepted\n", fsim_mutation_units(), n,
	    json_array_size(cells), ms, (double)json_array_size(cells) * 1e3 / ms, differ);
	assert_int_equal(bad, 0);
	/* the python-fido2, fido2-net-lib and libfido2 presets accept BS without BE */
	assert_true(differ > 0);
	json_decref(cells);
}

/* ---- rules judged by the component that owns them ---- */

static size_t
unit_index(const char *name)
{
	size_t i;

	for (i = 0; i < fsim_mutation_units(); i++)
		if (strcmp(fsim_mutation_unit_name(i), name) == 0)
			return i;
	fail_msg("no unit %s", name);
	return 0;
}

/* The cells of one unit under every preset. */
static json_t *
unit_cells(const char *name)
{
	const fsim_rp_preset_t *ps[16];
	size_t i, n = fsim_rp_preset_count();
	json_t *cells = json_array();

	assert_true(n <= 16);
	for (i = 0; i < n; i++)
		ps[i] = fsim_rp_preset_at(i);
	assert_int_equal(fsim_mutation_unit_run(unit_index(name), ps, n, seed, sizeof(seed), cells),
	    FSIM_OK);
	assert_int_equal(json_array_size(cells), n);
	return cells;
}

static const json_t *
ceremony0(const json_t *cell)
{
	return json_array_get(json_object_get(cell, "ceremonies"), 0);
}

static void
test_owned_elsewhere(void **state)
{
	static const struct {
		const char *unit, *rule, *ceremony, *why;   /* why: a part of the cell's why */
		bool type_error;                            /* the client refused (TypeError) */
	} fails[] = {
		{ "REC-01", "REC-01", "authentication", "REC-01: publicKey: missing; the RP cannot "
		    "load the credential record it stored", false },
		{ "JSON-06", "JSON-06", "authentication", "JSON-06: challenge: ", true },
		{ "OPT-02", "OPT-02", "registration", "65 bytes", true },
		{ "ENC-00", "ENC-00", "registration", "ENC-00: the input is empty; fidosim's check", false },
	};
	static const struct {
		const char *unit;
		const char *held[3];
	} passes[] = {
		/* the assertion verified against the loaded record: its signature rule held too */
		{ "vector/fidosim/record-json", { "REC-01", "AUTH-18", "SIG-01" } },
		{ "vector/fidosim/creation-options", { "JSON-06", "OPT-02", NULL } },
		{ "vector/fidosim/request-options", { "JSON-06", NULL, NULL } },
		{ "vector/fidosim/input-response", { "ENC-00", NULL, NULL } },
	};
	const json_t *cell, *del;
	json_t *cells;
	size_t k, i, j;

	(void)state;
	for (k = 0; k < sizeof(fails) / sizeof(fails[0]); k++) {
		cells = unit_cells(fails[k].unit);
		json_array_foreach(cells, i, cell) {
			const json_t *rules = json_object_get(cell, "rules");

			assert_string_equal(str(cell, "kind"), "mutation");
			assert_string_equal(str(cell, "outcome"), "fail");
			assert_string_equal(str(cell, "expected"), "fail");
			assert_true(json_is_true(json_object_get(cell, "ok")));
			/* by the rule alone, under every preset, and it did not also hold */
			assert_int_equal(json_array_size(rules), 1);
			assert_true(has_str(rules, fails[k].rule));
			assert_false(has_str(json_object_get(cell, "held"), fails[k].rule));
			assert_string_equal(json_string_value(json_object_get(ceremony0(cell),
			    "ceremony")), fails[k].ceremony);
			if (strstr(str(cell, "why"), fails[k].why) == NULL)
				fail_msg("%s: why is \"%s\"", str(cell, "id"), str(cell, "why"));
			del = json_object_get(ceremony0(cell), "delivered");
			if (fails[k].type_error) {
				assert_non_null(strstr(str(cell, "why"), "the client refuses these "
				    "options"));
				assert_non_null(strstr(str(cell, "why"), "TypeError"));
				assert_string_equal(json_string_value(json_object_get(json_object_get(
				    del, "error"), "name")), "TypeError");
				assert_string_equal(json_string_value(json_object_get(json_object_get(
				    del, "error"), "rule")), fails[k].rule);
				/* no authenticator ran */
				assert_null(json_object_get(json_object_get(ceremony0(cell),
				    "emitted"), "ctapStatus"));
			} else
				assert_null(json_object_get(del, "error"));
		}
		json_decref(cells);
	}
	for (k = 0; k < sizeof(passes) / sizeof(passes[0]); k++) {
		cells = unit_cells(passes[k].unit);
		json_array_foreach(cells, i, cell) {
			/* judged by the owner, the record vector under the RP's presets: spec passes */
			if (strcmp(str(cell, "policy"), "spec") == 0 ||
			    strncmp(passes[k].unit, "vector/fidosim/record-json", 26) != 0) {
				assert_string_equal(str(cell, "outcome"), "pass");
				assert_int_equal(json_array_size(json_object_get(cell, "rules")), 0);
			}
			assert_true(json_is_true(json_object_get(cell, "ok")));
			for (j = 0; j < 3 && passes[k].held[j] != NULL; j++)
				if (!has_str(json_object_get(cell, "held"), passes[k].held[j]))
					fail_msg("%s: %s did not hold", str(cell, "id"),
					    passes[k].held[j]);
		}
		json_decref(cells);
	}
}

/* ---- seeded runs repeat ---- */

static void
test_deterministic(void **state)
{
	const fsim_rp_preset_t *ps[2] = { fsim_rp_preset_find("spec"),
	    fsim_rp_preset_find("python-fido2") };
	static const char *const which[] = {
		"ATT-TPM-02", "ATT-AKEY-05", "ATT-SNET-03", "AUTH-08", "vector/fidosim/compound",
	};
	json_t *a = json_array(), *b = json_array();
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof(which) / sizeof(which[0]); k++) {
		for (i = 0; i < fsim_mutation_units(); i++)
			if (strcmp(fsim_mutation_unit_name(i), which[k]) == 0)
				break;
		assert_true(i < fsim_mutation_units());
		assert_int_equal(fsim_mutation_unit_run(i, ps, 2, seed, sizeof(seed), a), FSIM_OK);
		assert_int_equal(fsim_mutation_unit_run(i, ps, 2, seed, sizeof(seed), b), FSIM_OK);
	}
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
}

/*
 * Units share what they make once per process and seed (bases, the test
 * CA): two threads running every unit at once, under a seed nobody used
 * yet, get exactly what one thread gets alone.
 */
typedef struct th_arg {
	const uint8_t *seed;
	size_t seed_len;
	json_t *cells;
	int r;
} th_arg_t;

static void *
th_run(void *p)
{
	th_arg_t *a = p;
	const fsim_rp_preset_t *spec[1] = { fsim_rp_preset_find("spec") };
	size_t i;

	a->r = FSIM_OK;
	for (i = 0; i < fsim_mutation_units() && a->r == FSIM_OK; i++)
		a->r = fsim_mutation_unit_run(i, spec, 1, a->seed, a->seed_len, a->cells);
	return NULL;
}

static void
test_threads(void **state)
{
	static const uint8_t s2[] = "two threads";
	th_arg_t a = { s2, sizeof(s2), json_array(), -1 }, b = { s2, sizeof(s2), json_array(), -1 };
	th_arg_t alone = { s2, sizeof(s2), json_array(), -1 };
	pthread_t ta, tb;

	(void)state;
	assert_int_equal(pthread_create(&ta, NULL, th_run, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, th_run, &b), 0);
	assert_int_equal(pthread_join(ta, NULL), 0);
	assert_int_equal(pthread_join(tb, NULL), 0);
	th_run(&alone);
	assert_int_equal(a.r, FSIM_OK);
	assert_int_equal(b.r, FSIM_OK);
	assert_int_equal(alone.r, FSIM_OK);
	assert_int_equal(json_array_size(a.cells), fsim_mutation_units());
	assert_true(json_equal(a.cells, b.cells));
	assert_true(json_equal(a.cells, alone.cells));
	json_decref(a.cells);
	json_decref(b.cells);
	json_decref(alone.cells);
}

/* ---- coverage ---- */

/* What the quirk needs the provider to attest with for its rule to be checked. */
static fsim_attfmt_t
quirk_attestation(const char *rule)
{
	if (strcmp(rule, "ATT-PACKED-09") == 0)
		return FSIM_ATTFMT_PACKED_SELF;
	if (strncmp(rule, "ATT-PACKED-", 11) == 0 || strcmp(rule, "ATT-03") == 0)
		return FSIM_ATTFMT_PACKED;
	return FSIM_ATTFMT_NONE;
}

static void
note_verdict(const fsim_pipe_verdict_t *v)
{
	size_t r;

	for (r = 0; r < FSIM_R__COUNT; r++) {
		if (FSIM_PIPE_BIT(v->failed, r))
			failing[r] = true;
		if (FSIM_PIPE_BIT(v->passed, r))
			holding[r] = true;
	}
}

/* Each quirk through the pipeline: registration, then an assertion when it registered. */
static void
run_quirks(void)
{
	const fsim_rp_preset_t *spec[1] = { fsim_rp_preset_find("spec") };
	static const uint8_t aaguid[16] = { 0x51, 0x12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
	size_t q;

	for (q = 0; q < FSIM_QUIRK__COUNT; q++) {
		const fsim_quirk_info_t *qi = fsim_quirk_info((fsim_quirk_t)q);
		fsim_authn_config_t cfg;
		fsim_pipe_rp_t rp;
		fsim_pipe_result_t res;
		fsim_pipe_t *p = NULL;
		fsim_rule_id_t rule;

		fsim_authn_config_init(&cfg);
		memcpy(cfg.aaguid, aaguid, 16);
		cfg.attestation = quirk_attestation(qi->rule);
		cfg.quirks = 1u << q;
		memset(&rp, 0, sizeof(rp));
		rp.attestation = "direct";   /* the platform passes the statement as made */
		rp.presets = spec;
		rp.n_presets = 1;
		assert_int_equal(fsim_pipe_new(&cfg, NULL, seed, sizeof(seed), &p), FSIM_OK);
		assert_int_equal(fsim_pipe_register(p, &rp, &res), FSIM_OK);
		note_verdict(&res.verdicts[0]);
		if (res.verdicts[0].verified) {
			fsim_pipe_result_reset(&res);
			assert_int_equal(fsim_pipe_authenticate(p, &rp, &res), FSIM_OK);
			note_verdict(&res.verdicts[0]);
		}
		/* the verifier catches the quirk by the error rule it names */
		if (qi->rule[0] != '\0' && fsim_rule_find(qi->rule, &rule) &&
		    fsim_rule(rule)->sev == FSIM_RSEV_ERROR && !failing[rule])
			fail_msg("quirk %s did not fail by %s", qi->name, qi->rule);
		fsim_pipe_result_reset(&res);
		fsim_pipe_free(&p);
	}
}

static void
test_coverage(void **state)
{
	size_t r, missing = 0, n_unreach = 0;
	char list[1024] = "";

	(void)state;
	assert_non_null(spec_cells);   /* test_spec ran first */
	run_quirks();
	for (r = 0; r < FSIM_R__COUNT; r++) {
		const fsim_rule_t *ru = fsim_rule((fsim_rule_id_t)r);
		bool covered = failing[r] && holding[r];
		const char *why = fsim_mutation_unreachable(ru->id);

		if (ru->sev != FSIM_RSEV_ERROR)
			continue;
		/* MDS-* judge a metadata BLOB, not a ceremony: tests/unit/test_mds.c covers them. */
		if (strncmp(ru->id, "MDS-", 4) == 0)
			continue;
		if (!covered) {
			snprintf(list + strlen(list), sizeof(list) - strlen(list), " %s(%s%s)",
			    ru->id, failing[r] ? "" : "no failing cell", failing[r] || holding[r] ?
			    holding[r] ? "" : "no passing cell" : ", no passing cell");
			missing++;
		}
		/* the uncovered rules are exactly the documented ones */
		if (covered && why != NULL)
			fail_msg("%s is covered but listed as unreachable", ru->id);
		if (!covered && why == NULL)
			fail_msg("%s is not covered:%s", ru->id, list);
		if (why != NULL)
			n_unreach++;
	}
	print_message("# error rules uncovered (documented as unreachable):%s\n", list);
	assert_int_equal(missing, n_unreach);
	json_decref(spec_cells);
	spec_cells = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_all_presets),
		cmocka_unit_test(test_owned_elsewhere),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
