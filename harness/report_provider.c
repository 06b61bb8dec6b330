/*
 * report_provider.c — report.provider: when a run is about one provider
 * (`run --provider FILE`, or `--presets NAME`), what it emitted against what
 * the relying party received through each platform — AAGUID, the provider
 * name webauthn.io would show, fmt, BE, BS, UV — with the platform rule
 * behind every change, and each RP policy preset's verdict with its rules
 * and spec sections (docs/report-schema.md). Computed from the matrix
 * cells, so a merged report gets it as a single run does.
 */
#include <stdio.h>
#include <string.h>

#include "harness/matrix_int.h"

/* The platform rules that can change a field of what is delivered (platform/prules.def). */
static const char *const aaguid_rules[] = { "zero-aaguid", "convey-l2", NULL };
static const char *const fmt_rules[] = { "convey-l3", "convey-l2", "pass-through",
	"attestation-enterprise-only", NULL };
static const char *const uv_rules[] = { "uv-never-discouraged", NULL };
static const char *const no_rules[] = { NULL };

static bool
is_str(const json_t *o, const char *key, const char *v)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && strcmp(s, v) == 0;
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; s != NULL && *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static const char *
prule_section(const char *rule)
{
	fsim_prule_kind_t k;

	return rule != NULL && fsim_prule_find(rule, &k) ? fsim_prule_section(k) : NULL;
}

/* A view's value of a field as JSON (a new reference), or null. */
static json_t *
value(const json_t *view, const char *field)
{
	const json_t *flags = json_object_get(view, "flags");

	if (!json_is_true(json_object_get(view, "ok")))
		return json_null();
	if (strcmp(field, "be") == 0 || strcmp(field, "bs") == 0 || strcmp(field, "uv") == 0)
		return json_is_boolean(json_object_get(flags, field)) ?
		    json_incref(json_object_get(flags, field)) : json_null();
	return json_is_string(json_object_get(view, field)) ?
	    json_incref(json_object_get(view, field)) : json_null();
}

/* One row: the field as emitted and as received, and the platform rules behind a change. */
static json_t *
row(const json_t *cer, const char *field, const char *const *rules)
{
	const json_t *eff, *e;
	json_t *em = value(json_object_get(cer, "emitted"), field);
	json_t *rc = value(json_object_get(cer, "delivered"), field);
	json_t *by = json_array(), *r;
	bool changed = !json_is_null(em) && !json_is_null(rc) && !json_equal(em, rc);
	size_t i;

	eff = json_object_get(cer, "platformEffects");
	if (changed && by != NULL)
		json_array_foreach(eff, i, e) {
			const char *rule = json_string_value(json_object_get(e, "rule"));

			bool dup = false;
			const json_t *x;
			size_t k;

			json_array_foreach(by, k, x)
				dup = dup || (rule != NULL && strcmp(json_string_value(json_object_get(x,
				    "rule")), rule) == 0);
			if (in_list(rule, rules) && !dup)
				json_array_append_new(by, json_pack("{s:s, s:s?, s:O}", "rule", rule,
				    "section", prule_section(rule), "what", json_object_get(e, "what")));
		}
	r = json_pack("{s:s, s:o, s:o, s:b, s:o}", "field", field, "emitted", em, "received", rc,
	    "changed", changed, "because", by != NULL ? by : json_array());
	return r;
}

/* One ceremony of the provider through one platform. */
static json_t *
ceremony(const json_t *cer)
{
	static const char *const reg_fields[] = { "aaguid", "providerName", "fmt", "be", "bs",
		"uv", NULL };
	static const char *const auth_fields[] = { "be", "bs", "uv", NULL };
	bool reg = is_str(cer, "ceremony", "registration");
	const char *const *f = reg ? reg_fields : auth_fields;
	const json_t *dv = json_object_get(cer, "delivered"), *er = json_object_get(dv, "error");
	json_t *j, *rows = json_array(), *aaguid_by = NULL;

	if (rows == NULL)
		return NULL;
	for (; *f != NULL; f++) {
		json_t *x = row(cer, *f, strcmp(*f, "aaguid") == 0 ? aaguid_rules :
		    strcmp(*f, "fmt") == 0 ? fmt_rules : strcmp(*f, "uv") == 0 ? uv_rules : no_rules);

		if (x == NULL)
			continue;
		if (strcmp(*f, "aaguid") == 0)
			aaguid_by = json_object_get(x, "because");
		/* webauthn.io names the credential from its AAGUID (and BE): the same cause. */
		else if (strcmp(*f, "providerName") == 0 && aaguid_by != NULL &&
		    json_is_true(json_object_get(x, "changed")))
			json_object_set(x, "because", aaguid_by);
		json_array_append_new(rows, x);
	}
	j = json_pack("{s:O, s:b, s:o}", "ceremony", json_object_get(cer, "ceremony"),
	    "delivered", json_is_true(json_object_get(dv, "ok")), "rows", rows);
	if (j != NULL && json_is_object(er)) {
		const char *rule = json_string_value(json_object_get(er, "rule"));

		json_object_set_new(j, "refusal", json_pack("{s:O, s:O, s:s?, s:s?}", "name",
		    json_object_get(er, "name"), "message", json_object_get(er, "message"),
		    "rule", rule, "section", prule_section(rule)));
	} else if (j != NULL && !json_is_true(json_object_get(dv, "ok")))
		json_object_set_new(j, "refusal", json_pack("{s:s, s:s, s:n, s:n}", "name",
		    "(none)", "message", "the authenticator refused", "rule", "section"));
	return j;
}

static json_t *
verdict(const json_t *cell)
{
	return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "policy", json_object_get(cell, "policy"),
	    "outcome", json_object_get(cell, "outcome"), "rules", json_object_get(cell, "rules"),
	    "sections", json_object_get(cell, "sections"), "why", json_object_get(cell, "why"),
	    "libraryError", json_object_get(cell, "libraryError"));
}

json_t *
fsim_report_provider(const json_t *report)
{
	const json_t *axes = json_object_get(report, "axes"), *cells = json_object_get(report,
	    "cells"), *pf, *c;
	const char *preset;
	json_t *j = NULL, *pfs;
	size_t i, k;

	if (json_array_size(json_object_get(axes, "presets")) != 1)
		return NULL;
	preset = json_string_value(json_array_get(json_object_get(axes, "presets"), 0));
	if (preset == NULL || (j = json_pack("{s:s, s:[]}", "preset", preset, "platforms")) == NULL)
		return NULL;
	pfs = json_object_get(j, "platforms");
	json_array_foreach(json_object_get(axes, "platforms"), i, pf) {
		json_t *p = NULL, *verdicts = json_array();
		size_t pass = 0, n = 0;

		if (verdicts == NULL)
			goto fail;
		json_array_foreach(cells, k, c) {
			const json_t *cers = json_object_get(c, "ceremonies"), *cer;
			size_t m;

			if (!is_str(c, "kind", "matrix") || !is_str(c, "preset", preset) ||
			    !json_equal(json_object_get(c, "platform"), pf))
				continue;
			if (p == NULL) {
				p = json_pack("{s:O, s:[]}", "platform", pf, "ceremonies");
				json_array_foreach(cers, m, cer)
					if (p != NULL && json_is_object(cer))
						json_array_append_new(json_object_get(p, "ceremonies"),
						    ceremony(cer));
			}
			n++;
			pass += is_str(c, "outcome", "pass");
			json_array_append_new(verdicts, verdict(c));
		}
		if (p == NULL) {
			json_decref(verdicts);
			continue;   /* a shard without this platform's cells */
		}
		json_object_set_new(p, "verdicts", verdicts);
		json_object_set_new(p, "verified", json_integer((json_int_t)pass));
		json_object_set_new(p, "policies", json_integer((json_int_t)n));
		json_array_append_new(pfs, p);
	}
	if (json_array_size(pfs) == 0)
		goto fail;
	return j;
fail:
	json_decref(j);
	return NULL;
}
