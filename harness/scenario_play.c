/*
 * scenario_play.c — play a parsed scenario (scenario.h): each step through
 * one pipe, each expect line checked against the step's result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf.h"
#include "authenticator/preset.h"
#include "harness/scenario.h"
#include "harness/scenario_int.h"

/* related=URL,... as the document a client would have fetched. */
static int
related_doc(const char *list, fsim_related_origins_t **out)
{
	fsim_client_error_t e;
	json_t *doc = json_object(), *arr = json_array();
	char buf[200], *save = NULL, *t, *text = NULL;
	int r = FSIM_ERR_NOMEM;

	snprintf(buf, sizeof(buf), "%s", list);
	if (doc == NULL || arr == NULL)
		goto out;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (json_array_append_new(arr, json_string(t)) != 0)
			goto out;
	if (json_object_set(doc, "origins", arr) != 0 ||
	    (text = json_dumps(doc, JSON_COMPACT)) == NULL)
		goto out;
	r = fsim_related_origins_parse((const uint8_t *)text, strlen(text), out, &e);
out:
	free(text);
	json_decref(arr);
	json_decref(doc);
	return r;
}

/* Does the signal step's outcome (fsim_pipe_signal's JSON) meet its expect line? */
static bool
signal_met(const json_t *o, const char *line, json_t *arr)
{
	char buf[400], got[160], *save = NULL, *t;
	const json_t *ch = json_object_get(o, "changes"), *e = json_object_get(o, "error");
	const char *action = json_array_size(ch) > 0 ? json_string_value(json_object_get(
	    json_array_get(ch, 0), "action")) : "none";
	const char *rule = json_string_value(json_object_get(e, "rule"));
	bool delivered = json_is_true(json_object_get(o, "delivered")), all = true, ok;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (strncmp(t, "action=", 7) == 0) {
			ok = action != NULL && strcmp(action, t + 7) == 0;
			snprintf(got, sizeof(got), "action=%s", action != NULL ? action : "?");
		} else if (strcmp(t, "platform=ok") == 0) {
			ok = delivered;
			snprintf(got, sizeof(got), "platform=%s", delivered ? "ok" : "refused");
		} else {
			ok = !delivered && (t[16] == '\0' || (t[16] == ':' && rule != NULL &&
			    strcmp(t + 17, rule) == 0));
			snprintf(got, sizeof(got), "platform=%s%s%s", delivered ? "ok" : "refused",
			    rule != NULL ? ":" : "", rule != NULL ? rule : "");
		}
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "who", "signal",
		    "expected", t, "got", got, "met", ok));
		all = all && ok;
	}
	return all;
}

/* The authenticator preset `name` over the defaults. */
static int
load_preset(const char *name, fsim_authn_config_t *cfg, char *err, size_t errlen)
{
	fsim_preset_t *ps = NULL;
	int r;

	if ((r = fsim_preset_load(name, &ps, err, errlen)) != FSIM_OK)
		return r;
	*cfg = *fsim_preset_config(ps);
	fsim_preset_free(&ps);
	return FSIM_OK;
}

static bool
has_rule(const char *list, const char *rule)
{
	size_t n = strlen(rule);
	const char *p = list;

	while ((p = strstr(p, rule)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

/* One expectation token against a result; appends to arr. */
static bool
check_one(const fsim_pipe_result_t *r, const char *who, const char *want, json_t *arr)
{
	char rules[200] = "", got[300];
	const char *colon = strchr(want, ':');
	bool ok = false;
	size_t i;

	if (colon != NULL)
		snprintf(rules, sizeof(rules), "%s", colon + 1);
	if (strcmp(who, "platform") == 0) {
		bool refused = !r->delivered.ok;

		snprintf(got, sizeof(got), "%s%s%s", refused ? "refused" : "ok",
		    r->delivered.error_rule[0] ? ":" : "", r->delivered.error_rule);
		ok = strncmp(want, "refused", 7) == 0 ? refused && (rules[0] == '\0' ||
		    strcmp(rules, r->delivered.error_rule) == 0) : !refused;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "who", who,
		    "expected", want, "got", got, "met", ok));
		return ok;
	}
	for (i = 0; i < r->n_verdicts; i++) {
		const fsim_pipe_verdict_t *v = &r->verdicts[i];
		bool want_pass = strncmp(want, "pass", 4) == 0;
		char *save = NULL, *t, buf[200];

		if (strcmp(v->preset->name, who) != 0)
			continue;
		snprintf(got, sizeof(got), "%s%s%s", v->ran && v->verified ? "pass" : "fail",
		    v->errors[0] ? ":" : "", v->errors);
		ok = (v->ran && v->verified) == want_pass;
		snprintf(buf, sizeof(buf), "%s", rules);
		for (t = strtok_r(buf, ",", &save); ok && t; t = strtok_r(NULL, ",", &save))
			ok = has_rule(v->errors, t);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "who", who,
		    "expected", want, "got", got, "met", ok));
		return ok;
	}
	json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "who", who, "expected",
	    want, "got", "(not judged)", "met", false));
	return false;
}

static bool
check_expect_line(const fsim_pipe_result_t *r, const char *line, json_t *arr)
{
	char buf[400], *save = NULL, *t, *eq, star[32] = "";
	bool all = true, named;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		eq = strchr(t, '=');
		*eq++ = '\0';
		if (strcmp(t, "*") == 0) {
			snprintf(star, sizeof(star), "%s", eq);
			continue;
		}
		all = check_one(r, t, eq, arr) && all;
	}
	if (star[0] == '\0')
		return all;
	for (i = 0; i < r->n_verdicts; i++) {
		char pat[80];

		snprintf(pat, sizeof(pat), "%s=", r->verdicts[i].preset->name);
		named = strncmp(line, pat, strlen(pat)) == 0 || strstr(line, pat) != NULL;
		if (!named)
			all = check_one(r, r->verdicts[i].preset->name, star, arr) && all;
	}
	return all;
}

int
fsim_scenario_run(const fsim_scenario_t *s, const uint8_t *seed, size_t seed_len,
    json_t **report, bool *all_met)
{
	fsim_authn_config_t cfg;
	fsim_platform_t *pf = NULL, *pf2 = NULL;
	fsim_related_origins_t *related = NULL;
	const char *related_list = NULL;
	fsim_pipe_t *p = NULL;
	fsim_pipe_rp_t rp;
	fsim_pipe_result_t res;
	char err[512], rpbuf[200];
	json_t *rep = NULL, *steps = NULL;
	size_t i;
	int r = FSIM_ERR_NOMEM;

	*report = NULL;
	*all_met = true;
	memset(&res, 0, sizeof(res));
	memset(&rp, 0, sizeof(rp));
	rp.cred_props = true;
	fsim_authn_config_init(&cfg);
	if (s->preset[0] != '\0' && (r = load_preset(s->preset, &cfg, err,
	    sizeof(err))) != FSIM_OK)
		return r;
	if (s->provider[0] != '\0' && fsim_scn_apply_settings(&cfg, s->provider, err, sizeof(err)) != FSIM_OK)
		return FSIM_ERR_FORMAT;
	snprintf(rpbuf, sizeof(rpbuf), "%s", s->rp);
	if (fsim_scn_rp_settings(&rp, rpbuf, &related_list, err, sizeof(err)) != FSIM_OK)
		return FSIM_ERR_FORMAT;
	if (related_list != NULL && (r = related_doc(related_list, &related)) != FSIM_OK)
		return r;
	rp.related = related;
	if (s->platform[0] != '\0' && (r = fsim_platform_load(s->platform, &pf, err,
	    sizeof(err))) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((rep = json_pack("{s:s, s:s, s:o}", "name", s->name, "description", s->description,
	    "sources", json_array())) == NULL || (steps = json_array()) == NULL)
		goto fail;
	for (i = 0; i < s->n_sources; i++)
		json_array_append_new(json_object_get(rep, "sources"), json_string(s->sources[i]));
	if ((r = fsim_pipe_new(&cfg, pf, seed, seed_len, &p)) != FSIM_OK)
		goto fail;
	for (i = 0; i < s->n_steps; i++) {
		const step_t *st = &s->steps[i];
		json_t *sj = json_pack("{s:s, s:s}", "step", fsim_scn_step_name(st->kind), "arg", st->arg);

		if (sj == NULL)
			goto fail;
		json_array_append_new(steps, sj);
		r = FSIM_OK;
		switch (st->kind) {
		case ST_REGISTER:
		case ST_AUTHENTICATE:
			fsim_pipe_result_reset(&res);
			if (st->kind == ST_AUTHENTICATE && !fsim_pipe_has_credential(p)) {
				json_object_set_new(sj, "skipped", json_string("nothing registered"));
				if (st->expect[0] != '\0')
					*all_met = false;
				continue;
			}
			r = st->kind == ST_REGISTER ? fsim_pipe_register(p, &rp, &res) :
			    fsim_pipe_authenticate(p, &rp, &res);
			if (r != FSIM_OK)
				goto fail;
			json_object_set_new(sj, "result", fsim_pipe_result_json(&res));
			if (st->expect[0] != '\0') {
				json_t *ex = json_array();
				bool met = check_expect_line(&res, st->expect, ex);

				json_object_set_new(sj, "expect", json_string(st->expect));
				json_object_set_new(sj, "expectations", ex);
				json_object_set_new(sj, "met", json_boolean(met));
				*all_met = *all_met && met;
			}
			break;
		case ST_SET_BE:
			r = fsim_pipe_set_be(p, st->arg[0] == '1');
			break;
		case ST_SET_BS:
			r = fsim_pipe_set_bs(p, st->arg[0] == '1');
			break;
		case ST_SET_COUNTER:
			r = fsim_pipe_set_counter(p, (uint32_t)strtoul(st->arg, NULL, 10));
			break;
		case ST_RP_FORGET:
			fsim_pipe_rp_forget_backup_flags(p);
			break;
		case ST_RP_SET_COUNTER:
			fsim_pipe_rp_set_counter(p, (uint32_t)strtoul(st->arg, NULL, 10));
			break;
		case ST_PROVIDER:
			if (fsim_scn_apply_settings(&cfg, st->arg, err, sizeof(err)) != FSIM_OK) {
				r = FSIM_ERR_FORMAT;
				goto fail;
			}
			r = fsim_pipe_set_config(p, &cfg);
			break;
		case ST_PRESET:
			/* The credential moves to another provider: its settings, same keys. */
			if ((r = load_preset(st->arg, &cfg, err, sizeof(err))) != FSIM_OK)
				goto fail;
			r = fsim_pipe_set_config(p, &cfg);
			break;
		case ST_CXF_MOVE: {
			fsim_authn_config_t c2;
			fsim_cxf_export_report_t xr;
			fsim_diags_t d;
			bool inc;

			if (fsim_scn_cxf_move_args(st->arg, &c2, &inc, err, sizeof(err)) != FSIM_OK) {
				r = FSIM_ERR_FORMAT;
				goto fail;
			}
			fsim_diags_init(&d);
			r = fsim_pipe_cxf_move(p, &c2, inc, &xr, &d);
			json_object_set_new(sj, "exported", json_integer((json_int_t)xr.exported));
			json_object_set_new(sj, "excluded", json_integer((json_int_t)xr.excluded));
			if (d.n > 0) {
				char line[400];

				fsim_diag_format(&d.v[0], line, sizeof(line));
				json_object_set_new(sj, "importError", json_string(line));
			}
			fsim_diags_clear(&d);
			if (r == FSIM_OK)
				cfg = c2;
			break;
		}
		case ST_PREVIOUS_PROVIDER:
			if ((r = fsim_pipe_swap_provider(p)) == FSIM_OK)
				cfg = *fsim_pipe_config(p);
			break;
		case ST_PLATFORM:
			fsim_platform_free(&pf2);
			if ((r = fsim_platform_load(st->arg, &pf2, err, sizeof(err))) != FSIM_OK)
				goto fail;
			fsim_pipe_set_platform(p, pf2);
			break;
		case ST_RP_DELETE:
			fsim_pipe_rp_delete(p);
			break;
		case ST_SIGNAL: {
			char abuf[200], *save = NULL, *sig, *a1, *rest;
			json_t *out = NULL;

			if (!fsim_pipe_has_credential(p)) {
				json_object_set_new(sj, "skipped", json_string("nothing registered"));
				*all_met = *all_met && st->expect[0] == '\0';
				continue;
			}
			snprintf(abuf, sizeof(abuf), "%s", st->arg);
			sig = strtok_r(abuf, " \t", &save);
			a1 = strtok_r(NULL, " \t", &save);
			rest = strtok_r(NULL, "", &save);
			if ((r = fsim_pipe_signal(p, &rp, sig, a1 != NULL && strcmp(a1, "listed") == 0,
			    a1, rest, &out)) != FSIM_OK)
				goto fail;
			/* Not a ceremony: kept apart from the steps' "result". */
			json_object_set_new(sj, "signal", out);
			if (st->expect[0] != '\0') {
				json_t *ex = json_array();
				bool met = signal_met(out, st->expect, ex);

				json_object_set_new(sj, "expect", json_string(st->expect));
				json_object_set_new(sj, "expectations", ex);
				json_object_set_new(sj, "met", json_boolean(met));
				*all_met = *all_met && met;
			}
			break;
		}
		}
		if (r != FSIM_OK) {
			json_object_set_new(sj, "error", json_string("the change could not be made "
			    "(no stored credential?)"));
			*all_met = false;
		}
	}
	json_object_set_new(rep, "steps", steps);
	steps = NULL;
	json_object_set_new(rep, "allMet", json_boolean(*all_met));
	*report = rep;
	rep = NULL;
	r = FSIM_OK;
fail:
	fsim_pipe_result_reset(&res);
	fsim_pipe_free(&p);
	fsim_platform_free(&pf);
	fsim_platform_free(&pf2);
	fsim_related_origins_free(&related);
	json_decref(steps);
	json_decref(rep);
	return r;
}
