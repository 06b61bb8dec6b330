/*
 * run_text.c — what `fidosim run` prints (run_text.h), from the report
 * object alone, so that a merged report reads as a single run does.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run_text.h"

#define MAX_LINES 40

bool
fsim_fail_on_parse(const char *s, fsim_fail_on_t *out)
{
	if (strcmp(s, "unexpected") == 0)
		*out = FSIM_FAIL_ON_UNEXPECTED;
	else if (strcmp(s, "fail") == 0)
		*out = FSIM_FAIL_ON_FAIL;
	else if (strcmp(s, "never") == 0)
		*out = FSIM_FAIL_ON_NEVER;
	else
		return false;
	return true;
}

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static long long
num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static bool
is(const json_t *o, const char *k, const char *v)
{
	return strcmp(str(o, k), v) == 0;
}

/* Append s to a comma-separated list in buf. */
static void
list_add(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", s);
}

/* "a, b and c" from a JSON array of strings. */
static void
and_list(const json_t *arr, char *buf, size_t cap)
{
	size_t i, n = json_array_size(arr), used;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		snprintf(buf + used, cap - used, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
		    json_string_value(json_array_get(arr, i)));
	}
}

/* Rule IDs with their sections: "REG-13 (7.1 step 16), ...". */
static void
rules_sections(const json_t *v, char *buf, size_t cap)
{
	const json_t *r, *sec = json_object_get(v, "sections");
	size_t i;

	buf[0] = '\0';
	json_array_foreach(json_object_get(v, "rules"), i, r) {
		char one[160];

		snprintf(one, sizeof(one), "%s (%s)", json_string_value(r),
		    json_is_string(json_array_get(sec, i)) ?
		    json_string_value(json_array_get(sec, i)) : "?");
		list_add(buf, cap, one);
	}
}

static bool
has_kind(const json_t *cells, const char *kind)
{
	const json_t *c;
	size_t i;

	json_array_foreach(cells, i, c)
		if (is(c, "kind", kind))
			return true;
	return false;
}

/* A verdict's why without the leading "RULE: " its rule list already gives. */
static const char *
why_text(const json_t *v)
{
	const char *why = str(v, "why"), *r0 = json_string_value(json_array_get(json_object_get(v,
	    "rules"), 0));
	size_t n = r0 != NULL ? strlen(r0) : 0;

	if (n > 0 && strncmp(why, r0, n) == 0 && strncmp(why + n, ": ", 2) == 0)
		return why + n + 2;
	return why;
}

/* ---- the headline ---- */

static void
headline(FILE *f, const json_t *rep)
{
	const json_t *sum = json_object_get(rep, "summary"), *run = json_object_get(rep, "run");
	const json_t *m = json_object_get(sum, "matrix"), *cells = json_object_get(rep, "cells");
	double secs = json_number_value(json_object_get(run, "seconds"));
	bool deliberate = num(sum, "rejectedAsIntended") + num(sum, "acceptedAsIntended") +
	    num(sum, "unexpected") > 0;

	fprintf(f, "fidosim run: %lld cells (%lld pass, %lld fail, %lld refused) in %.2f s "
	    "(%.0f cells/s)\n", num(sum, "cells"), num(sum, "pass"), num(sum, "fail"),
	    num(sum, "refused"), secs, secs > 0 ? (double)json_array_size(cells) / secs : 0.0);
	if (deliberate) {
		fprintf(f, "  %-22s %5lld  %s\n", num(sum, "unexpected") ? "UNEXPECTED" : "unexpected",
		    num(sum, "unexpected"), "deliberate cells whose verdict is not the one they "
		    "should get (what --fail-on unexpected, the default, exits 1 for)");
		fprintf(f, "  %-22s %5lld  %s\n", "rejected as intended",
		    num(sum, "rejectedAsIntended"), "quirks, mutations, vectors and scenarios "
		    "broken on purpose and refused by the rule they break");
		fprintf(f, "  %-22s %5lld  %s\n", "accepted as intended",
		    num(sum, "acceptedAsIntended"), "valid ones accepted, and non-conformances a "
		    "policy preset lets through as it documents");
	}
	if (num(m, "cells") > 0)
		fprintf(f, "  %-22s %5lld  preset x platform x policy: %lld work, %lld fail, %lld "
		    "refused (findings about the combinations, not errors)\n", "combinations",
		    num(m, "cells"), num(m, "pass"), num(m, "fail"), num(m, "refused"));
}

static void
unexpected_cells(FILE *f, const json_t *cells)
{
	const json_t *c;
	size_t i, lines = 0;

	json_array_foreach(cells, i, c) {
		char rules[300] = "";
		const json_t *r;
		size_t k;

		if (!is(c, "assessment", "unexpected"))
			continue;
		if (lines++ == MAX_LINES) {
			fprintf(f, "  ... and more unexpected cells (see report.json, "
			    "\"assessment\": \"unexpected\")\n");
			break;
		}
		json_array_foreach(json_object_get(c, "expectedRules"), k, r)
			list_add(rules, sizeof(rules), json_string_value(r));
		fprintf(f, "  UNEXPECTED %s: expected %s%s%s, got %s%s%s\n", str(c, "id"),
		    str(c, "expected"), rules[0] ? " by " : "", rules, str(c, "outcome"),
		    str(c, "why")[0] ? ": " : "", str(c, "why"));
	}
}

/* ---- a run about one provider: report.provider ---- */

static const json_t *
row_of(const json_t *cer, const char *field)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(cer, "rows"), i, r)
		if (is(r, "field", field))
			return r;
	return NULL;
}

static void
value_str(const json_t *v, char *buf, size_t cap)
{
	if (json_is_string(v))
		snprintf(buf, cap, "%s", json_string_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, cap, "%d", json_is_true(v));
	else
		snprintf(buf, cap, "-");
}

/* "platform rule zero-aaguid [departs from ...]" for each rule behind a change. */
static void
because(const json_t *row, char *buf, size_t cap)
{
	const json_t *b;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(json_object_get(row, "because"), i, b) {
		char one[300];

		snprintf(one, sizeof(one), "platform rule %s [%s]", str(b, "rule"),
		    str(b, "section")[0] ? str(b, "section") : "?");
		list_add(buf, cap, one);
	}
}

static void
refusal_str(const json_t *rf, char *buf, size_t cap)
{
	if (str(rf, "rule")[0])
		snprintf(buf, cap, "%s by platform rule %s [%s]: %s", str(rf, "name"),
		    str(rf, "rule"), str(rf, "section")[0] ? str(rf, "section") : "?",
		    str(rf, "message"));
	else
		snprintf(buf, cap, "%s: %s", str(rf, "name"), str(rf, "message"));
}

static bool
changed(const json_t *cer, const char *field)
{
	return json_is_true(json_object_get(row_of(cer, field), "changed"));
}

/* A platform where something changed, was refused or failed: worth its own table. */
static bool
eventful(const json_t *p)
{
	const json_t *cer;
	size_t i;

	if (num(p, "verified") != num(p, "policies"))
		return true;
	json_array_foreach(json_object_get(p, "ceremonies"), i, cer) {
		const json_t *r;
		size_t j;

		if (json_is_object(json_object_get(cer, "refusal")))
			return true;
		json_array_foreach(json_object_get(cer, "rows"), j, r)
			if (json_is_true(json_object_get(r, "changed")))
				return true;
	}
	return false;
}

/* The value of a field, and of a second one after a slash ("1/1" for BE/BS); "*" when changed. */
static void
cellv(const json_t *cer, const char *field, const char *field2, bool received, char *buf,
    size_t cap)
{
	const char *side = received ? "received" : "emitted";
	char a[80] = "-", b[16] = "";

	if (row_of(cer, field) != NULL)
		value_str(json_object_get(row_of(cer, field), side), a, sizeof(a));
	if (field2 != NULL && row_of(cer, field2) != NULL) {
		b[0] = '/';
		value_str(json_object_get(row_of(cer, field2), side), b + 1, sizeof(b) - 1);
	}
	snprintf(buf, cap, "%s%s%s", a, b, received && (changed(cer, field) ||
	    (field2 != NULL && changed(cer, field2))) ? "*" : "");
}

/* One row per platform (and one for what the provider emitted): what the RP received. */
static void
overview(FILE *f, const json_t *pv)
{
	const json_t *p, *first = json_array_get(json_object_get(pv, "platforms"), 0);
	char ag[64], nm[64], fm[32], bb[16], uv[8];
	size_t i;

	fprintf(f, "  %-26s %-39s %-22s %-8s %-6s %-3s %s\n", "", "AAGUID", "webauthn.io name",
	    "fmt", "BE/BS", "UV", "RP verdicts");
	first = json_array_get(json_object_get(first, "ceremonies"), 0);
	cellv(first, "aaguid", NULL, false, ag, sizeof(ag));
	cellv(first, "providerName", NULL, false, nm, sizeof(nm));
	cellv(first, "fmt", NULL, false, fm, sizeof(fm));
	cellv(first, "be", "bs", false, bb, sizeof(bb));
	cellv(first, "uv", NULL, false, uv, sizeof(uv));
	fprintf(f, "  %-26s %-39s %-22s %-8s %-6s %s\n", "(provider emitted)", ag, nm, fm,
	    bb, uv);
	json_array_foreach(json_object_get(pv, "platforms"), i, p) {
		const json_t *reg = json_array_get(json_object_get(p, "ceremonies"), 0);
		char verdicts[120];

		if (json_is_object(json_object_get(reg, "refusal")))
			snprintf(verdicts, sizeof(verdicts), "REFUSED%s%s%s",
			    str(json_object_get(reg, "refusal"), "rule")[0] ? " (" : "",
			    str(json_object_get(reg, "refusal"), "rule"),
			    str(json_object_get(reg, "refusal"), "rule")[0] ? ")" : "");
		else
			snprintf(verdicts, sizeof(verdicts), "%lld/%lld verified", num(p, "verified"),
			    num(p, "policies"));
		cellv(reg, "aaguid", NULL, true, ag, sizeof(ag));
		cellv(reg, "providerName", NULL, true, nm, sizeof(nm));
		cellv(reg, "fmt", NULL, true, fm, sizeof(fm));
		cellv(reg, "be", "bs", true, bb, sizeof(bb));
		cellv(reg, "uv", NULL, true, uv, sizeof(uv));
		fprintf(f, "  %-26s %-39s %-22s %-8s %-6s %-3s %s\n", str(p, "platform"), ag, nm, fm,
		    bb, uv, verdicts);
	}
	fprintf(f, "  (* changed on the way: the platform rule behind each change is below)\n");
}

static void
table_row(FILE *f, const char *label, const json_t *cer, const char *field, const char *field2)
{
	const json_t *r = row_of(cer, field), *r2 = field2 ? row_of(cer, field2) : NULL;
	char a[80], b[80], a2[16], b2[16], why[600] = "";
	bool ch;

	if (r == NULL)
		return;
	value_str(json_object_get(r, "emitted"), a, sizeof(a));
	value_str(json_object_get(r, "received"), b, sizeof(b));
	if (r2 != NULL) {
		value_str(json_object_get(r2, "emitted"), a2, sizeof(a2));
		value_str(json_object_get(r2, "received"), b2, sizeof(b2));
		snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%s", a2);
		snprintf(b + strlen(b), sizeof(b) - strlen(b), "/%s", b2);
	}
	ch = json_is_true(json_object_get(r, "changed")) ||
	    (r2 != NULL && json_is_true(json_object_get(r2, "changed")));
	if (!ch) {
		fprintf(f, "    %-18s %-38s %s\n", label, a, b);
		return;
	}
	because(r, why, sizeof(why));
	if (r2 != NULL && !why[0])
		because(r2, why, sizeof(why));
	fprintf(f, "    %-18s %-38s %-38s <- %s\n", label, a, b, why[0] ? why :
	    "no platform rule recorded it");
}

/* Group key -> array of platforms, keeping the order in which keys first appear. */
static void
group_add(json_t *groups, json_t *order, const char *key, const char *platform)
{
	json_t *g = json_object_get(groups, key);

	if (g == NULL) {
		if ((g = json_array()) == NULL || json_object_set_new(groups, key, g) != 0)
			return;
		json_array_append_new(order, json_string(key));
	}
	json_array_append_new(g, json_string(platform));
}

/* What changed and what failed, each once with the platforms where it happened. */
static void
provider_digest(FILE *f, const json_t *pv)
{
	json_t *groups = json_object(), *order = json_array(), *ok = json_array();
	const json_t *p, *cer, *v, *k;
	size_t i, j;

	if (groups == NULL || order == NULL || ok == NULL)
		goto out;
	json_array_foreach(json_object_get(pv, "platforms"), i, p) {
		const char *pf = str(p, "platform");
		bool refused = false;

		json_array_foreach(json_object_get(p, "ceremonies"), j, cer) {
			char key[1200], why[600], rf[700];
			const json_t *ag = row_of(cer, "aaguid"), *fm = row_of(cer, "fmt");
			const json_t *nm = row_of(cer, "providerName");

			if (json_is_object(json_object_get(cer, "refusal"))) {
				refusal_str(json_object_get(cer, "refusal"), rf, sizeof(rf));
				snprintf(key, sizeof(key), "R\t%s\t%s", str(cer, "ceremony"), rf);
				group_add(groups, order, key, pf);
				refused = true;
				break;
			}
			if (ag != NULL && json_is_true(json_object_get(ag, "changed"))) {
				because(ag, why, sizeof(why));
				snprintf(key, sizeof(key), "A\t%s\t%s\t%s", str(ag, "received"), why,
				    nm != NULL ? str(nm, "received") : "");
				group_add(groups, order, key, pf);
			}
			if (fm != NULL && json_is_true(json_object_get(fm, "changed"))) {
				because(fm, why, sizeof(why));
				snprintf(key, sizeof(key), "F\t%s\t%s\t%s", str(fm, "emitted"),
				    str(fm, "received"), why);
				group_add(groups, order, key, pf);
			}
		}
		if (refused)
			continue;
		json_array_foreach(json_object_get(p, "verdicts"), j, v) {
			char key[1200], rs[600];

			if (is(v, "outcome", "pass"))
				continue;
			rules_sections(v, rs, sizeof(rs));
			snprintf(key, sizeof(key), "V\t%s\t%s", str(v, "policy"), rs);
			group_add(groups, order, key, pf);
		}
		if (num(p, "verified") == num(p, "policies"))
			json_array_append_new(ok, json_string(pf));
	}
	for (size_t pass = 0; pass < 4; pass++)
	json_array_foreach(order, i, k) {
		char key[1200], where[800], *t[4] = { NULL, NULL, NULL, NULL }, *save = NULL;
		size_t n = 0;

		if (json_string_value(k)[0] != "RAFV"[pass])
			continue;
		snprintf(key, sizeof(key), "%s", json_string_value(k));
		and_list(json_object_get(groups, key), where, sizeof(where));
		for (char *s = strtok_r(key, "\t", &save); s != NULL && n < 4;
		    s = strtok_r(NULL, "\t", &save))
			t[n++] = s;
		if (t[0] == NULL)
			continue;
		if (t[0][0] == 'A' && n >= 3)
			fprintf(f, "  AAGUID became %s through %s, by %s%s%s%s\n",
			    strcmp(t[1], "00000000-0000-0000-0000-000000000000") == 0 ? "zeros" : t[1],
			    where, t[2], n < 4 ? "" : strcmp(t[3], "(Unavailable)") == 0 ?
			    "; webauthn.io would show no provider name" :
			    "; webauthn.io would call it \"", n == 4 &&
			    strcmp(t[3], "(Unavailable)") != 0 ? t[3] : "", n == 4 &&
			    strcmp(t[3], "(Unavailable)") != 0 ? "\"" : "");
		else if (t[0][0] == 'F' && n == 4)
			fprintf(f, "  fmt %s became %s through %s, by %s\n", t[1], t[2], where, t[3]);
		else if (t[0][0] == 'R' && n >= 3)
			fprintf(f, "  %s REFUSED through %s: %s\n", t[1], where, t[2]);
		else if (t[0][0] == 'V' && n >= 2)
			fprintf(f, "  fails under %s through %s%s%s\n", t[1], where,
			    n >= 3 ? ", by RP rule " : "", n >= 3 ? t[2] : "");
	}
	if (json_array_size(ok) > 0) {
		char where[800];

		and_list(ok, where, sizeof(where));
		fprintf(f, "  verified under every policy through %s\n", where);
	}
out:
	json_decref(groups);
	json_decref(order);
	json_decref(ok);
}

/* The platforms where something changed, was refused or failed: field by field, and why. */
static void
provider_details(FILE *f, const json_t *pv)
{
	const json_t *p, *cer, *v;
	size_t i, j;

	json_array_foreach(json_object_get(pv, "platforms"), i, p) {
		const json_t *reg = json_array_get(json_object_get(p, "ceremonies"), 0);
		char rf[700];

		if (!eventful(p))
			continue;
		fprintf(f, "\n  on %s: ", str(p, "platform"));
		if (json_is_object(json_object_get(reg, "refusal"))) {
			refusal_str(json_object_get(reg, "refusal"), rf, sizeof(rf));
			fprintf(f, "the registration was REFUSED before any RP saw it: %s\n", rf);
		} else
			fprintf(f, "verified under %lld of %lld policies\n", num(p, "verified"),
			    num(p, "policies"));
		fprintf(f, "    %-18s %-38s %s\n", "", "provider emitted", "RP received");
		table_row(f, "AAGUID", reg, "aaguid", NULL);
		table_row(f, "webauthn.io name", reg, "providerName", NULL);
		table_row(f, "fmt", reg, "fmt", NULL);
		table_row(f, "BE/BS", reg, "be", "bs");
		table_row(f, "UV", reg, "uv", NULL);
		json_array_foreach(json_object_get(p, "ceremonies"), j, cer)
			if (j > 0 && json_is_object(json_object_get(cer, "refusal"))) {
				refusal_str(json_object_get(cer, "refusal"), rf, sizeof(rf));
				fprintf(f, "    the %s was REFUSED: %s\n", str(cer, "ceremony"), rf);
			}
		if (json_is_object(json_object_get(reg, "refusal")))
			continue;
		json_array_foreach(json_object_get(p, "verdicts"), j, v) {
			char rs[600];

			if (is(v, "outcome", "pass"))
				continue;
			rules_sections(v, rs, sizeof(rs));
			fprintf(f, "    %-18s %s by RP rule %s: %s\n", str(v, "policy"),
			    str(v, "outcome"), rs, why_text(v));
			if (json_is_string(json_object_get(v, "libraryError")))
				fprintf(f, "    %-18s %s says: \"%s\"\n", "", str(v, "policy"),
				    str(v, "libraryError"));
		}
	}
}

static void
provider_tables(FILE *f, const json_t *rep)
{
	const json_t *pv = json_object_get(rep, "provider");

	fprintf(f, "\nprovider %s through %zu platforms, judged by %zu RP policy presets "
	    "(what it emitted, what the RP received):\n", str(pv, "preset"),
	    json_array_size(json_object_get(pv, "platforms")),
	    json_array_size(json_object_get(json_object_get(rep, "axes"), "policies")));
	overview(f, pv);
	fprintf(f, "\n");
	provider_digest(f, pv);
	provider_details(f, pv);
}

/* ---- the rest ---- */

/* One line per preset x platform combination that fails or is refused. */
static void
combinations(FILE *f, const json_t *rep)
{
	const json_t *cells = json_object_get(rep, "cells"), *c, *d;
	size_t i, j, lines = 0, more = 0, npol = json_array_size(json_object_get(
	    json_object_get(rep, "axes"), "policies"));
	json_t *done = json_object();

	if (done == NULL)
		return;
	json_array_foreach(cells, i, c) {
		char key[300], pols[600] = "";
		size_t nbad = 0;

		if (!is(c, "kind", "matrix") || is(c, "outcome", "pass"))
			continue;
		snprintf(key, sizeof(key), "%s %s", str(c, "preset"), str(c, "platform"));
		if (json_object_get(done, key) != NULL)
			continue;
		json_object_set_new(done, key, json_true());
		json_array_foreach(cells, j, d)
			if (is(d, "kind", "matrix") && strcmp(str(d, "preset"), str(c, "preset")) == 0 &&
			    strcmp(str(d, "platform"), str(c, "platform")) == 0 &&
			    !is(d, "outcome", "pass")) {
				nbad++;
				list_add(pols, sizeof(pols), str(d, "policy"));
			}
		if (lines++ >= MAX_LINES) {
			more++;
			continue;
		}
		if (lines == 1)
			fprintf(f, "combinations that fail or are refused (preset x platform):\n");
		fprintf(f, "  %-24s x %-24s %s %s: %s\n", str(c, "preset"), str(c, "platform"),
		    is(c, "outcome", "refused") ? "refused" : "fails",
		    nbad == npol ? "under every policy" : pols, str(c, "why"));
	}
	if (more > 0)
		fprintf(f, "  ... and %zu more combinations (see report.json / report.html)\n", more);
	json_decref(done);
}

/* The deliberate non-conformances some policy presets let through, as they document. */
static void
let_through(FILE *f, const json_t *cells)
{
	json_t *done = json_object();
	const json_t *c, *d;
	size_t i, j, lines = 0;

	if (done == NULL)
		return;
	json_array_foreach(cells, i, c) {
		char through[600] = "";
		size_t caught = 0, all = 0;

		if (!is(c, "kind", "quirk") || json_object_get(done, str(c, "subject")))
			continue;
		json_object_set_new(done, str(c, "subject"), json_true());
		json_array_foreach(cells, j, d) {
			if (!is(d, "kind", "quirk") || strcmp(str(d, "subject"), str(c, "subject")) != 0)
				continue;
			all++;
			if (!is(d, "outcome", "pass"))
				caught++;
			else
				list_add(through, sizeof(through), str(d, "policy"));
		}
		if (caught == 0 || caught == all)
			continue;
		if (lines++ == MAX_LINES)
			break;
		if (lines == 1)
			fprintf(f, "deliberate non-conformances some RP policy presets let through:\n");
		fprintf(f, "  quirk %-28s caught under %zu of %zu policies; let through by %s "
		    "(as each documents: 'fidosim policies')\n", str(c, "subject"), caught, all,
		    through);
	}
	json_decref(done);
}

/*
 * "coverage: N error rules without both a failing and a passing cell", then
 * each of them, with why no cell can fail it where the report says so.
 */
static void
coverage_line(FILE *f, const json_t *cov)
{
	const json_t *un = json_object_get(cov, "errorRulesUncovered");
	const json_t *why = json_object_get(cov, "unreachable"), *r;
	size_t i;

	fprintf(f, "coverage: %zu error rules without both a failing and a passing cell%s\n",
	    json_array_size(un), json_array_size(un) > 0 ? ":" : "");
	json_array_foreach(un, i, r) {
		const char *id = json_string_value(r), *because;

		if (id == NULL)
			continue;
		because = json_string_value(json_object_get(why, id));
		fprintf(f, "  %-9s %s\n", id, because != NULL ?
		    because : "no cell of this run fails it (uncovered)");
	}
}

void
fsim_run_print(FILE *f, const json_t *rep)
{
	const json_t *cells = json_object_get(rep, "cells");

	headline(f, rep);
	unexpected_cells(f, cells);
	if (json_is_object(json_object_get(rep, "provider")))
		provider_tables(f, rep);
	else
		combinations(f, rep);
	let_through(f, cells);
	/* Coverage means something only where deliberate cells break the rules. */
	if (has_kind(cells, "quirk") || has_kind(cells, "mutation"))
		coverage_line(f, json_object_get(rep, "coverage"));
}

int
fsim_run_exit_status(const json_t *rep, fsim_fail_on_t fail_on)
{
	const json_t *sum = json_object_get(rep, "summary");
	const json_t *m = json_object_get(sum, "matrix");

	switch (fail_on) {
	case FSIM_FAIL_ON_NEVER:
		return FSIM_EXIT_OK;
	case FSIM_FAIL_ON_FAIL:
		if (num(m, "fail") + num(m, "refused") > 0)
			return FSIM_EXIT_FAIL;
		break;
	case FSIM_FAIL_ON_UNEXPECTED:
		break;
	}
	return num(sum, "unexpected") > 0 ? FSIM_EXIT_FAIL : FSIM_EXIT_OK;
}
