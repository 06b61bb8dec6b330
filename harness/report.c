/*
 * report.c — what a report says about its cells: the summary, the rule
 * coverage, merging shard reports, and the JUnit XML form.
 */
#include <stdio.h>
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

/* The first cell ID in byte order wins, so that shards merge to the same coverage. */
static bool
earlier(const char *id, const json_t *cur)
{
	return json_is_null(cur) || strcmp(id, json_string_value(cur)) < 0;
}

/*
 * coverage.rules: per catalog rule, a cell of a deliberate non-conformance
 * (quirk or mutation) whose RP failed by it, and a cell in which it was
 * checked and held; errorRulesUncovered: the error rules lacking either.
 */
static json_t *
coverage(const json_t *cells)
{
	json_t *rules = json_object(), *unc = json_array(), *cell, *v;
	size_t i, j, k;

	if (rules == NULL || unc == NULL)
		goto fail;
	for (k = 0; k < FSIM_R__COUNT; k++) {
		const fsim_rule_t *r = fsim_rule((fsim_rule_id_t)k);
		json_t *e = json_pack("{s:s, s:n, s:n}", "severity", fsim_rsev_name(r->sev),
		    "failingCell", "passingCell");

		if (e == NULL || json_object_set_new(rules, r->id, e) != 0)
			goto fail;
	}
	json_array_foreach(cells, i, cell) {
		const char *id = json_string_value(json_object_get(cell, "id"));
		bool deliberate = is_str(cell, "kind", "quirk") || is_str(cell, "kind", "mutation");

		if (id == NULL)
			continue;
		if (deliberate && json_is_true(json_object_get(cell, "ok")))
			json_array_foreach(json_object_get(cell, "rules"), j, v) {
				json_t *e = json_object_get(rules, json_string_value(v) ?
				    json_string_value(v) : "");

				if (e != NULL && earlier(id, json_object_get(e, "failingCell")))
					json_object_set_new(e, "failingCell", json_string(id));
			}
		json_array_foreach(json_object_get(cell, "held"), j, v) {
			json_t *e = json_object_get(rules, json_string_value(v) ?
			    json_string_value(v) : "");

			if (e != NULL && earlier(id, json_object_get(e, "passingCell")))
				json_object_set_new(e, "passingCell", json_string(id));
		}
	}
	for (k = 0; k < FSIM_R__COUNT; k++) {
		const fsim_rule_t *r = fsim_rule((fsim_rule_id_t)k);
		json_t *e = json_object_get(rules, r->id);

		/* MDS-* judge a metadata BLOB, not a ceremony (tests/unit/test_mds.c covers them). */
		if (r->sev == FSIM_RSEV_ERROR && strncmp(r->id, "MDS-", 4) != 0 &&
		    (json_is_null(json_object_get(e, "failingCell")) ||
		    json_is_null(json_object_get(e, "passingCell"))))
			json_array_append_new(unc, json_string(r->id));
	}
	{
		json_t *why = json_object();
		const char *id;

		for (k = 0; why != NULL && (id = fsim_mutation_unreachable_at(k)) != NULL; k++)
			json_object_set_new(why, id, json_string(fsim_mutation_unreachable(id)));
		return json_pack("{s:o, s:o, s:o*}", "rules", rules, "errorRulesUncovered", unc,
		    "unreachable", why);
	}
fail:
	json_decref(rules);
	json_decref(unc);
	return NULL;
}

int
fsim_report_summarise(json_t *report)
{
	const json_t *cells = json_object_get(report, "cells"), *cell;
	json_int_t n[4] = { 0, 0, 0, 0 }, unexpected = 0;
	json_t *cov;
	size_t i;

	json_array_foreach(cells, i, cell) {
		if (is_str(cell, "outcome", "pass"))
			n[0]++;
		else if (is_str(cell, "outcome", "fail"))
			n[1]++;
		else if (is_str(cell, "outcome", "refused"))
			n[2]++;
		if (!json_is_null(json_object_get(cell, "expected")) &&
		    !json_is_true(json_object_get(cell, "ok")))
			unexpected++;
	}
	if ((cov = coverage(cells)) == NULL)
		return FSIM_ERR_NOMEM;
	if (json_object_set_new(report, "coverage", cov) != 0 ||
	    json_object_set_new(report, "summary", json_pack("{s:I, s:I, s:I, s:I, s:I}",
	    "cells", (json_int_t)json_array_size(cells), "pass", n[0], "fail", n[1],
	    "refused", n[2], "unexpected", unexpected)) != 0)
		return FSIM_ERR_NOMEM;
	return FSIM_OK;
}

static void
union_axis(json_t *dst, const json_t *src)
{
	const json_t *v, *w;
	size_t i, j;

	json_array_foreach(src, i, v) {
		bool seen = false;

		json_array_foreach(dst, j, w)
			seen = seen || json_equal(v, w);
		if (!seen)
			json_array_append(dst, (json_t *)v);
	}
}

int
fsim_report_merge(json_t *const *reports, size_t n, json_t **out, char *err, size_t errlen)
{
	json_t *m = NULL, *cells = NULL, *axes = NULL;
	double secs = 0;
	size_t i;

	*out = NULL;
	if (n == 0) {
		snprintf(err, errlen, "nothing to merge");
		return FSIM_ERR_ARG;
	}
	if ((cells = json_array()) == NULL || (axes = json_pack("{s:[], s:[], s:[]}", "presets",
	    "platforms", "policies")) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		const json_t *r = reports[i], *ax = json_object_get(r, "axes");

		if (!is_str(r, "schema", FSIM_REPORT_SCHEMA) ||
		    !json_is_array(json_object_get(r, "cells"))) {
			snprintf(err, errlen, "report %zu is not a %s report", i + 1,
			    FSIM_REPORT_SCHEMA);
			json_decref(cells);
			json_decref(axes);
			return FSIM_ERR_FORMAT;
		}
		union_axis(json_object_get(axes, "presets"), json_object_get(ax, "presets"));
		union_axis(json_object_get(axes, "platforms"), json_object_get(ax, "platforms"));
		union_axis(json_object_get(axes, "policies"), json_object_get(ax, "policies"));
		json_array_extend(cells, json_object_get(r, "cells"));
		secs += json_number_value(json_object_get(json_object_get(r, "run"), "seconds"));
	}
	m = json_pack("{s:s, s:s, s:{s:O, s:s, s:f, s:i}, s:o, s:o}", "schema", FSIM_REPORT_SCHEMA,
	    "fidosim", FSIM_VERSION, "run", "seed", json_object_get(json_object_get(reports[0],
	    "run"), "seed"), "shard", "merged", "seconds", secs, "jobs", (json_int_t)0,
	    "axes", axes, "cells", cells);
	axes = cells = NULL;
	if (m == NULL || fsim_report_summarise(m) != FSIM_OK)
		goto nomem;
	*out = m;
	return FSIM_OK;
nomem:
	json_decref(m);
	json_decref(cells);
	json_decref(axes);
	snprintf(err, errlen, "out of memory");
	return FSIM_ERR_NOMEM;
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
	json_t *suites = json_array(), *s;
	size_t i, j, total = 0, nfail = 0;

	if (suites == NULL)
		return FSIM_ERR_NOMEM;
	/* Suites in order of first appearance. */
	json_array_foreach(cells, i, cell) {
		bool seen = false;
		const char *name = suite_of(cell);

		if (name == NULL)
			continue;
		json_array_foreach(suites, j, s)
			seen = seen || strcmp(json_string_value(s), name) == 0;
		if (!seen)
			json_array_append_new(suites, json_string(name));
		total++;
		nfail += failed(cell);
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"fidosim run\" "
	    "tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", total, nfail);
	json_array_foreach(suites, j, s) {
		const char *name = json_string_value(s);
		size_t t = 0, fl = 0;

		json_array_foreach(cells, i, cell)
			if (suite_of(cell) != NULL && strcmp(suite_of(cell), name) == 0) {
				t++;
				fl += failed(cell);
			}
		fputs("  <testsuite name=\"", f);
		fsim_xml_text(f, name);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", t, fl);
		json_array_foreach(cells, i, cell)
			if (suite_of(cell) != NULL && strcmp(suite_of(cell), name) == 0)
				testcase(f, cell);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	json_decref(suites);
	return ferror(f) ? FSIM_ERR_IO : FSIM_OK;
}
