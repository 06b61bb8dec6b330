/*
 * report.c — what a report says about its cells: the summary, the rule
 * coverage, and the JUnit XML form (merging shards: report_merge.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/matrix_int.h"
#include "harness/mutate.h"
#include "harness/xml.h"

static bool
is_str(const json_t *cell, const char *key, const char *v)
{
	const char *s = json_string_value(json_object_get(cell, key));

	return s != NULL && strcmp(s, v) == 0;
}

/*
 * coverage.rules: per catalog rule, a cell of a deliberate non-conformance
 * (quirk or mutation) whose RP failed by it, and a cell in which it was
 * checked and held; errorRulesUncovered: the error rules lacking either.
 */
/*
 * Rule ID -> catalog index: an open-addressed table of the catalog, filled
 * once per coverage (a report lists tens of thousands of held rules, and a
 * jansson lookup per name cost three times this).
 */
#define RULE_SLOTS 1024   /* a power of two, well above FSIM_R__COUNT */
_Static_assert(FSIM_R__COUNT <= RULE_SLOTS / 2, "the rule index needs free slots");

struct rule_index {
	int slot[RULE_SLOTS];   /* catalog index + 1; 0 empty */
};

static size_t
name_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void
rule_index_init(struct rule_index *ix)
{
	size_t k, h;

	memset(ix, 0, sizeof(*ix));
	for (k = 0; k < FSIM_R__COUNT; k++) {
		for (h = name_hash(fsim_rule((fsim_rule_id_t)k)->id); ix->slot[h % RULE_SLOTS] != 0; h++)
			;
		ix->slot[h % RULE_SLOTS] = (int)k + 1;
	}
}

/* The catalog index of a rule ID, or -1. */
static int
rule_index_find(const struct rule_index *ix, const char *id)
{
	size_t h;
	int k;

	if (id == NULL)
		return -1;
	for (h = name_hash(id); (k = ix->slot[h % RULE_SLOTS]) != 0; h++)
		if (strcmp(fsim_rule((fsim_rule_id_t)(k - 1))->id, id) == 0)
			return k - 1;
	return -1;
}

static json_t *
coverage(const json_t *cells)
{
	json_t *rules = json_object(), *unc = json_array(), *cell, *v;
	const char *first_fail[FSIM_R__COUNT], *first_pass[FSIM_R__COUNT];
	struct rule_index *index = malloc(sizeof(*index));
	size_t i, j, k;
	int x;

	if (rules == NULL || unc == NULL || index == NULL)
		goto fail;
	rule_index_init(index);
	for (k = 0; k < FSIM_R__COUNT; k++)
		first_fail[k] = first_pass[k] = NULL;
	/* per rule, the first cell ID in byte order wins, so that shards merge to the same coverage */
	json_array_foreach(cells, i, cell) {
		const char *id = json_string_value(json_object_get(cell, "id"));
		bool deliberate = is_str(cell, "kind", "quirk") || is_str(cell, "kind", "mutation");
		const json_t *list;

		if (id == NULL)
			continue;
		/* (json_array_foreach evaluates its array at every step: looked up once here) */
		if (deliberate && json_is_true(json_object_get(cell, "ok")) &&
		    (list = json_object_get(cell, "rules")) != NULL)
			json_array_foreach(list, j, v) {
				if ((x = rule_index_find(index, json_string_value(v))) < 0)
					continue;
				if (first_fail[x] == NULL || strcmp(id, first_fail[x]) < 0)
					first_fail[x] = id;
			}
		list = json_object_get(cell, "held");
		json_array_foreach(list, j, v) {
			if ((x = rule_index_find(index, json_string_value(v))) < 0)
				continue;
			if (first_pass[x] == NULL || strcmp(id, first_pass[x]) < 0)
				first_pass[x] = id;
		}
	}
	for (k = 0; k < FSIM_R__COUNT; k++) {
		const fsim_rule_t *r = fsim_rule((fsim_rule_id_t)k);
		json_t *e = json_pack("{s:s, s:o, s:o}", "severity", fsim_rsev_name(r->sev),
		    "failingCell", first_fail[k] != NULL ? json_string(first_fail[k]) : json_null(),
		    "passingCell", first_pass[k] != NULL ? json_string(first_pass[k]) : json_null());

		if (e == NULL || json_object_set_new(rules, r->id, e) != 0)
			goto fail;
		/*
		 * MDS-* judge a metadata BLOB, not a ceremony (tests/unit/test_mds.c covers
		 * them); CXF-* a credential exchange document (tests/unit/test_cxf.c).
		 */
		if (r->sev == FSIM_RSEV_ERROR && strncmp(r->id, "MDS-", 4) != 0 &&
		    strncmp(r->id, "CXF-", 4) != 0 &&
		    (first_fail[k] == NULL || first_pass[k] == NULL))
			json_array_append_new(unc, json_string(r->id));
	}
	free(index);
	{
		json_t *why = json_object();
		const char *id;

		for (k = 0; why != NULL && (id = fsim_mutation_unreachable_at(k)) != NULL; k++)
			json_object_set_new(why, id, json_string(fsim_mutation_unreachable(id)));
		return json_pack("{s:o, s:o, s:o*}", "rules", rules, "errorRulesUncovered", unc,
		    "unreachable", why);
	}
fail:
	free(index);
	json_decref(rules);
	json_decref(unc);
	return NULL;
}

/*
 * What a cell means to the person who ran the matrix: a deliberate cell
 * (quirk, mutation, vector, scenario) either got the verdict it should —
 * rejected or accepted as intended — or is unexpected; a matrix cell is a
 * combination that works or does not (a finding, not an error).
 */
static const char *
assessment(const json_t *cell)
{
	const json_t *exp = json_object_get(cell, "expected");

	if (json_is_string(exp)) {
		if (!json_is_true(json_object_get(cell, "ok")))
			return "unexpected";
		return is_str(cell, "expected", "pass") ? "accepted-as-intended" :
		    "rejected-as-intended";
	}
	return is_str(cell, "outcome", "pass") ? "combination-works" : "combination-fails";
}

int
fsim_report_summarise(json_t *report)
{
	const json_t *cells = json_object_get(report, "cells");
	json_t *cell;
	json_int_t n[4] = { 0, 0, 0, 0 }, unexpected = 0, rejected = 0, accepted = 0;
	json_int_t m[4] = { 0, 0, 0, 0 };
	json_t *cov;
	size_t i;

	json_array_foreach(cells, i, cell) {
		const char *a = assessment(cell);
		size_t o = is_str(cell, "outcome", "pass") ? 0 : is_str(cell, "outcome", "fail") ?
		    1 : is_str(cell, "outcome", "refused") ? 2 : 3;

		n[o]++;
		if (is_str(cell, "kind", "matrix"))
			m[o]++;
		if (strcmp(a, "unexpected") == 0)
			unexpected++;
		else if (strcmp(a, "rejected-as-intended") == 0)
			rejected++;
		else if (strcmp(a, "accepted-as-intended") == 0)
			accepted++;
		if (json_is_object(cell) &&
		    json_object_set_new(cell, "assessment", json_string(a)) != 0)
			return FSIM_ERR_NOMEM;
	}
	if ((cov = coverage(cells)) == NULL)
		return FSIM_ERR_NOMEM;
	if (json_object_set_new(report, "coverage", cov) != 0 ||
	    json_object_set_new(report, "summary", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:{s:I, s:I, s:I, s:I}}",
	    "cells", (json_int_t)json_array_size(cells), "pass", n[0], "fail", n[1],
	    "refused", n[2], "unexpected", unexpected, "rejectedAsIntended", rejected,
	    "acceptedAsIntended", accepted, "matrix", "cells", m[0] + m[1] + m[2] + m[3],
	    "pass", m[0], "fail", m[1], "refused", m[2])) != 0)
		return FSIM_ERR_NOMEM;
	if ((cov = fsim_report_provider(report)) != NULL) {
		if (json_object_set_new(report, "provider", cov) != 0)
			return FSIM_ERR_NOMEM;
	} else
		json_object_del(report, "provider");
	return FSIM_OK;
}

/* ---- JUnit XML ---- */

/* The testsuite a cell belongs to: its preset, or its kind. */
static const char *
suite_of(const json_t *cell)
{
	const char *p = json_string_value(json_object_get(cell, "preset"));

	return p != NULL && is_str(cell, "kind", "matrix") ? p :
	    json_string_value(json_object_get(cell, "kind"));
}

static bool
failed(const json_t *cell)
{
	return !json_is_true(json_object_get(cell, "ok"));
}

/* "REG-14 (7.1 step 17)" */
static void
rule_and_section(FILE *f, const char *id)
{
	fsim_rule_id_t rid;

	fsim_xml_text(f, id);
	if (id != NULL && fsim_rule_find(id, &rid)) {
		fputs(" (", f);
		fsim_xml_text(f, fsim_rule(rid)->section);
		fputs(")", f);
	}
}

static void
testcase(FILE *f, const json_t *cell)
{
	const json_t *v, *sec = json_object_get(cell, "sections");
	size_t i;

	fputs("    <testcase classname=\"", f);
	fsim_xml_text(f, suite_of(cell));
	fputs("\" name=\"", f);
	fsim_xml_text(f, json_string_value(json_object_get(cell, "id")));
	fputs("\" time=\"0\"", f);
	if (!failed(cell)) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n      <failure message=\"", f);
	fsim_xml_text(f, json_string_value(json_object_get(cell, "outcome")));
	if (!json_is_null(json_object_get(cell, "expected"))) {
		fputs(" (expected ", f);
		fsim_xml_text(f, json_string_value(json_object_get(cell, "expected")));
		json_array_foreach(json_object_get(cell, "expectedRules"), i, v) {
			fputs(i == 0 ? " by " : ", ", f);
			rule_and_section(f, json_string_value(v));
		}
		fputs(")", f);
	}
	if (is_str(cell, "outcome", "refused"))
		json_array_foreach(json_object_get(cell, "platformRules"), i, v) {
			fputs(i == 0 ? ": platform rule " : ", ", f);
			fsim_xml_text(f, json_string_value(v));
		}
	json_array_foreach(json_object_get(cell, "rules"), i, v) {
		fputs(i == 0 ? ": " : ", ", f);
		fsim_xml_text(f, json_string_value(v));
		fputs(" (", f);
		fsim_xml_text(f, json_string_value(json_array_get(sec, i)));
		fputs(")", f);
	}
	fputs("\" type=\"", f);
	fsim_xml_text(f, json_string_value(json_object_get(cell, "kind")));
	fputs("\">", f);
	fsim_xml_text(f, json_string_value(json_object_get(cell, "why")));
	if (json_is_string(json_object_get(cell, "libraryError"))) {
		fputs("\nlibrary error: ", f);
		fsim_xml_text(f, json_string_value(json_object_get(cell, "libraryError")));
	}
	json_array_foreach(json_object_get(cell, "platformRules"), i, v) {
		fputs(i == 0 ? "\nplatform rules: " : ", ", f);
		fsim_xml_text(f, json_string_value(v));
	}
	fputs("</failure>\n    </testcase>\n", f);
}

int
fsim_report_junit(const json_t *report, FILE *f)
{
	const json_t *cells = json_object_get(report, "cells"), *cell;
	size_t n = json_array_size(cells), i, j, total = 0, nfail = 0, n_suites = 0;
	size_t *suite = NULL, *tests = NULL, *fails = NULL;
	const char **names = NULL;
	int r = FSIM_ERR_NOMEM;

	/* Each cell's suite, numbered in order of first appearance (SIZE_MAX: none). */
	if (n > 0 && ((suite = calloc(n, sizeof(*suite))) == NULL ||
	    (names = calloc(n, sizeof(*names))) == NULL ||
	    (tests = calloc(n, sizeof(*tests))) == NULL ||
	    (fails = calloc(n, sizeof(*fails))) == NULL))
		goto done;
	json_array_foreach(cells, i, cell) {
		const char *name = suite_of(cell);

		suite[i] = SIZE_MAX;
		if (name == NULL)
			continue;
		for (j = n_suites; j > 0; j--)   /* most often the last one seen */
			if (strcmp(names[j - 1], name) == 0)
				break;
		if (j == 0) {
			names[n_suites++] = name;
			j = n_suites;
		}
		suite[i] = j - 1;
		tests[j - 1]++;
		fails[j - 1] += failed(cell);
		total++;
		nfail += failed(cell);
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"fidosim run\" "
	    "tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", total, nfail);
	for (j = 0; j < n_suites; j++) {
		fputs("  <testsuite name=\"", f);
		fsim_xml_text(f, names[j]);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
		    tests[j], fails[j]);
		json_array_foreach(cells, i, cell)
			if (suite[i] == j)
				testcase(f, cell);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	r = ferror(f) ? FSIM_ERR_IO : FSIM_OK;
done:
	free(suite);
	free(names);
	free(tests);
	free(fails);
	return r;
}
