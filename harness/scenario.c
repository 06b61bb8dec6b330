/*
 * scenario.c — lifecycle scenarios (see scenario.h): parse, then play each
 * step through one pipe and check the expectations.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf.h"
#include "authenticator/preset.h"
#include "harness/scenario.h"

#define MAX_STEPS 32
#define MAX_SOURCES 8

typedef enum {
	ST_REGISTER, ST_AUTHENTICATE, ST_SET_BE, ST_SET_BS, ST_SET_COUNTER,
	ST_RP_FORGET, ST_RP_SET_COUNTER, ST_PROVIDER, ST_PLATFORM, ST_PRESET,
	ST_RP_DELETE, ST_SIGNAL,
	ST_CXF_MOVE, ST_PREVIOUS_PROVIDER,
} step_kind_t;

static const char *const step_names[] = {
	"register", "authenticate", "set-be", "set-bs", "set-counter",
	"rp-forget-backup-flags", "rp-set-counter", "provider", "platform", "preset",
	"rp-delete-credential", "signal",
	"cxf-move", "previous-provider",
};

typedef struct step {
	step_kind_t kind;
	char arg[200];
	char expect[400];          /* the expect line that follows, or "" */
} step_t;

struct fsim_scenario {
	char name[64];
	char description[240];
	char sources[MAX_SOURCES][300];
	size_t n_sources;
	char preset[64];
	char provider[200];
	char platform[64];
	char rp[200];
	step_t steps[MAX_STEPS];
	size_t n_steps;
};

static int
msg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return FSIM_ERR_FORMAT;
}

static int
set_once(char *dst, size_t cap, const char *k, const char *v, char *err, size_t errlen)
{
	if (dst[0] != '\0')
		return msg(err, errlen, "%s given twice", k);
	if (strlen(v) >= cap)
		return msg(err, errlen, "%s: longer than %zu bytes", k, cap - 1);
	memcpy(dst, v, strlen(v) + 1);
	return FSIM_OK;
}

/* ---- provider settings: key=value words ---- */

/* One provider setting, in the preset format (authenticator/preset.h). */
static int
apply_setting(fsim_authn_config_t *c, const char *k, const char *v, char *err, size_t errlen)
{
	char why[300];

	if (fsim_preset_setting(c, k, v, why, sizeof(why)) != 0)
		return msg(err, errlen, "provider %.32s=%.64s: %s", k, v, why);
	return FSIM_OK;
}

static int
apply_settings(fsim_authn_config_t *c, const char *words, char *err, size_t errlen)
{
	char buf[200], *save = NULL, *w, *eq;

	snprintf(buf, sizeof(buf), "%s", words);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if ((eq = strchr(w, '=')) == NULL)
			return msg(err, errlen, "provider: \"%s\" is not KEY=VALUE", w);
		*eq = '\0';
		if (apply_setting(c, w, eq + 1, err, errlen) != FSIM_OK)
			return FSIM_ERR_FORMAT;
	}
	return FSIM_OK;
}

/*
 * The rp line: uv, attestation, resident-key, and for WebAuthn L3
 * mediation=conditional (a conditional create), origin=URL (the caller's
 * origin) and related=URL,... (the RP ID's /.well-known/webauthn origins,
 * into *related, which may be NULL when only checking).
 */
static int
rp_settings(fsim_pipe_rp_t *rp, char *words, const char **related, char *err, size_t errlen)
{
	char *save = NULL, *w, *eq;

	for (w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if ((eq = strchr(w, '=')) == NULL)
			return msg(err, errlen, "rp: \"%s\" is not KEY=VALUE", w);
		*eq++ = '\0';
		if (strcmp(w, "uv") == 0)
			rp->uv = eq;
		else if (strcmp(w, "attestation") == 0)
			rp->attestation = eq;
		else if (strcmp(w, "resident-key") == 0)
			rp->resident_key = eq;
		else if (strcmp(w, "mediation") == 0 && strcmp(eq, "conditional") == 0)
			rp->mediation = eq;
		else if (strcmp(w, "origin") == 0 && (strncmp(eq, "https://", 8) == 0 ||
		    strncmp(eq, "http://", 7) == 0))
			rp->origin = eq;
		else if (strcmp(w, "related") == 0 && eq[0] != '\0') {
			if (related != NULL)
				*related = eq;
		} else
			return msg(err, errlen, "rp setting \"%s=%s\" unknown (uv, attestation, "
			    "resident-key, mediation=conditional, origin=URL, related=URL,...)", w, eq);
	}
	return FSIM_OK;
}

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

/* A signal step's argument: NAME [listed|unlisted] | currentUserDetails NAME DISPLAY... */
static int
check_signal_arg(const char *arg, char *err, size_t errlen)
{
	char buf[200], *save = NULL, *sig, *a;

	snprintf(buf, sizeof(buf), "%s", arg);
	sig = strtok_r(buf, " \t", &save);
	a = strtok_r(NULL, " \t", &save);
	if (sig != NULL && strcmp(sig, "unknownCredential") == 0 && a == NULL)
		return FSIM_OK;
	if (sig != NULL && strcmp(sig, "allAcceptedCredentials") == 0 &&
	    (a == NULL || ((strcmp(a, "listed") == 0 || strcmp(a, "unlisted") == 0) &&
	    strtok_r(NULL, " \t", &save) == NULL)))
		return FSIM_OK;
	if (sig != NULL && strcmp(sig, "currentUserDetails") == 0 && a != NULL &&
	    strtok_r(NULL, "", &save) != NULL)
		return FSIM_OK;
	return msg(err, errlen, "step signal: unknownCredential | allAcceptedCredentials "
	    "[listed|unlisted] | currentUserDetails NAME DISPLAY-NAME, not \"%.60s\"", arg);
}

/* What a signal step expects: action=ACTION (of the first change, or none), platform=ok|refused[:RULE]. */
static int
check_signal_expect(const char *line, char *err, size_t errlen)
{
	char buf[400], *save = NULL, *t;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		if (strncmp(t, "action=", 7) != 0 && strcmp(t, "platform=ok") != 0 &&
		    strncmp(t, "platform=refused", 16) != 0)
			return msg(err, errlen, "expect after a signal: action=ACTION or "
			    "platform=ok|refused[:RULE], not \"%s\"", t);
	return FSIM_OK;
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

/*
 * cxf-move PRESET [include-counted] [KEY=VALUE...]: the provider the
 * credential moves to (a preset, then settings over it) and whether the
 * export keeps passkeys with a non-zero counter (a non-conformant exporter).
 */
static int
cxf_move_args(const char *arg, fsim_authn_config_t *cfg, bool *include_counted, char *err,
    size_t errlen)
{
	char buf[200], *save = NULL, *w, e2[300];
	fsim_preset_t *ps = NULL;
	bool first = true;

	*include_counted = false;
	fsim_authn_config_init(cfg);
	snprintf(buf, sizeof(buf), "%s", arg);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (first) {
			if (fsim_preset_load(w, &ps, e2, sizeof(e2)) != FSIM_OK)
				return msg(err, errlen, "step cxf-move: %s", e2);
			*cfg = *fsim_preset_config(ps);
			fsim_preset_free(&ps);
			first = false;
		} else if (strcmp(w, "include-counted") == 0)
			*include_counted = true;
		else if (strchr(w, '=') != NULL) {
			char *eq = strchr(w, '=');

			*eq = '\0';
			if (apply_setting(cfg, w, eq + 1, err, errlen) != FSIM_OK)
				return FSIM_ERR_FORMAT;
		} else
			return msg(err, errlen, "step cxf-move: \"%.40s\" is neither include-counted "
			    "nor KEY=VALUE", w);
	}
	if (first)
		return msg(err, errlen, "step cxf-move: the preset the credential moves to");
	return FSIM_OK;
}

/* ---- parsing ---- */

static int
check_expect(const char *line, char *err, size_t errlen)
{
	char buf[400], *save = NULL, *t, *eq;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if ((eq = strchr(t, '=')) == NULL)
			return msg(err, errlen, "expect: \"%s\" is not PRESET=VERDICT", t);
		*eq++ = '\0';
		if (strcmp(t, "platform") == 0) {
			if (strncmp(eq, "refused", 7) != 0 && strcmp(eq, "ok") != 0)
				return msg(err, errlen, "expect: platform=%s: refused[:RULE] or ok", eq);
			continue;
		}
		if (strcmp(t, "*") != 0 && fsim_rp_preset_find(t) == NULL)
			return msg(err, errlen, "expect: no RP policy preset \"%s\" (see 'fidosim "
			    "policies')", t);
		if (strncmp(eq, "pass", 4) != 0 && strncmp(eq, "fail", 4) != 0)
			return msg(err, errlen, "expect: %s=%s: pass or fail[:RULE,...]", t, eq);
	}
	return FSIM_OK;
}

static int
setting(void *ctx, char *k, char *v, char *err, size_t errlen)
{
	fsim_scenario_t *s = ctx;
	size_t i;

	if (strcmp(k, "name") == 0)
		return set_once(s->name, sizeof(s->name), k, v, err, errlen);
	if (strcmp(k, "description") == 0)
		return set_once(s->description, sizeof(s->description), k, v, err, errlen);
	if (strcmp(k, "preset") == 0) {
		fsim_preset_t *ps = NULL;
		char e2[300];

		if (fsim_preset_load(v, &ps, e2, sizeof(e2)) != FSIM_OK)
			return msg(err, errlen, "preset: %s", e2);
		fsim_preset_free(&ps);
		return set_once(s->preset, sizeof(s->preset), k, v, err, errlen);
	}
	if (strcmp(k, "provider") == 0) {
		fsim_authn_config_t c;

		fsim_authn_config_init(&c);
		if (apply_settings(&c, v, err, errlen) != FSIM_OK)
			return FSIM_ERR_FORMAT;
		return set_once(s->provider, sizeof(s->provider), k, v, err, errlen);
	}
	if (strcmp(k, "platform") == 0)
		return set_once(s->platform, sizeof(s->platform), k, v, err, errlen);
	if (strcmp(k, "rp") == 0) {
		fsim_pipe_rp_t rp;
		char buf[200];

		memset(&rp, 0, sizeof(rp));
		snprintf(buf, sizeof(buf), "%s", v);
		if (rp_settings(&rp, buf, NULL, err, errlen) != FSIM_OK)
			return FSIM_ERR_FORMAT;
		return set_once(s->rp, sizeof(s->rp), k, v, err, errlen);
	}
	if (strcmp(k, "source") == 0) {
		if (s->n_sources == MAX_SOURCES)
			return msg(err, errlen, "more than %d sources", MAX_SOURCES);
		return set_once(s->sources[s->n_sources++], sizeof(s->sources[0]), k, v, err,
		    errlen);
	}
	if (strcmp(k, "step") == 0) {
		step_t *st;
		char *arg = v + strcspn(v, " \t");

		if (s->n_steps == MAX_STEPS)
			return msg(err, errlen, "more than %d steps", MAX_STEPS);
		st = &s->steps[s->n_steps];
		memset(st, 0, sizeof(*st));
		if (*arg != '\0')
			*arg++ = '\0';
		arg += strspn(arg, " \t");
		for (i = 0; i < sizeof(step_names) / sizeof(step_names[0]); i++)
			if (strcmp(step_names[i], v) == 0)
				break;
		if (i == sizeof(step_names) / sizeof(step_names[0]))
			return msg(err, errlen, "unknown step \"%.40s\"", v);
		st->kind = (step_kind_t)i;
		if (strlen(arg) >= sizeof(st->arg))
			return msg(err, errlen, "step %s: argument too long", v);
		snprintf(st->arg, sizeof(st->arg), "%s", arg);
		switch (st->kind) {
		case ST_SET_BE:
		case ST_SET_BS:
			if (strcmp(arg, "0") != 0 && strcmp(arg, "1") != 0)
				return msg(err, errlen, "step %s: 0 or 1", v);
			break;
		case ST_SET_COUNTER:
		case ST_RP_SET_COUNTER:
			if (arg[0] == '\0' || strspn(arg, "0123456789") != strlen(arg) ||
			    strlen(arg) > 10 || strtoull(arg, NULL, 10) > UINT32_MAX)
				return msg(err, errlen, "step %s: a counter value 0 to 4294967295", v);
			break;
		case ST_PROVIDER: {
			fsim_authn_config_t c;

			fsim_authn_config_init(&c);
			if (apply_settings(&c, arg, err, errlen) != FSIM_OK)
				return FSIM_ERR_FORMAT;
			break;
		}
		case ST_PLATFORM:
			if (arg[0] == '\0')
				return msg(err, errlen, "step platform: a platform name");
			break;
		case ST_CXF_MOVE: {
			fsim_authn_config_t c;
			bool inc;

			if (cxf_move_args(arg, &c, &inc, err, errlen) != FSIM_OK)
				return FSIM_ERR_FORMAT;
			break;
		}
		case ST_PRESET: {
			fsim_preset_t *ps = NULL;
			char e2[300];

			if (fsim_preset_load(arg, &ps, e2, sizeof(e2)) != FSIM_OK)
				return msg(err, errlen, "step preset: %s", e2);
			fsim_preset_free(&ps);
			break;
		}
		case ST_SIGNAL:
			if (check_signal_arg(arg, err, errlen) != FSIM_OK)
				return FSIM_ERR_FORMAT;
			break;
		default:
			if (arg[0] != '\0')
				return msg(err, errlen, "step %s takes no argument", v);
		}
		s->n_steps++;
		return FSIM_OK;
	}
	if (strcmp(k, "expect") == 0) {
		step_t *st = s->n_steps > 0 ? &s->steps[s->n_steps - 1] : NULL;

		if (st == NULL || (st->kind != ST_REGISTER && st->kind != ST_AUTHENTICATE &&
		    st->kind != ST_SIGNAL))
			return msg(err, errlen, "expect must follow a register, authenticate or "
			    "signal step");
		if (st->expect[0] != '\0')
			return msg(err, errlen, "two expect lines for one step");
		if ((st->kind == ST_SIGNAL ? check_signal_expect(v, err, errlen) :
		    check_expect(v, err, errlen)) != FSIM_OK)
			return FSIM_ERR_FORMAT;
		return set_once(st->expect, sizeof(st->expect), k, v, err, errlen);
	}
	return msg(err, errlen, "unknown key \"%.40s\" (name, description, source, preset, "
	    "provider, platform, rp, step, expect)", k);
}

int
fsim_scenario_parse(const uint8_t *text, size_t len, const char *name, fsim_scenario_t **out,
    char *err, size_t errlen)
{
	char dummy[8];
	fsim_scenario_t *s;
	int r;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return FSIM_ERR_NOMEM;
	if ((r = fsim_kvfile_parse(text, len, name, setting, s, err, errlen)) != FSIM_OK) {
		free(s);
		return r;
	}
	if (s->name[0] == '\0' || s->n_steps == 0 || s->steps[0].kind != ST_REGISTER) {
		snprintf(err, errlen, "%s: a scenario needs a name and steps starting with "
		    "register", name);
		free(s);
		return FSIM_ERR_FORMAT;
	}
	*out = s;
	return FSIM_OK;
}

int
fsim_scenario_load(const char *name_or_path, fsim_scenario_t **out, char *err, size_t errlen)
{
	char path[4096], dummy[8];
	fsim_blob_t b = { NULL, 0 };
	int r;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	*out = NULL;
	if ((r = fsim_kvfile_slurp(name_or_path, "scenarios", "scenario", path, sizeof(path), &b,
	    err, errlen)) != FSIM_OK)
		return r;
	r = fsim_scenario_parse(b.ptr, b.len, path, out, err, errlen);
	fsim_blob_reset(&b);
	return r;
}

void
fsim_scenario_free(fsim_scenario_t **sp)
{
	if (sp != NULL) {
		free(*sp);
		*sp = NULL;
	}
}

int
fsim_scenario_names(char ***names, size_t *n)
{
	return fsim_kvfile_names("scenarios", "scenario", names, n);
}

void
fsim_scenario_names_free(char **names, size_t n)
{
	fsim_kvfile_names_free(names, n);
}

const char *
fsim_scenario_name(const fsim_scenario_t *s)
{
	return s->name;
}

const char *
fsim_scenario_description(const fsim_scenario_t *s)
{
	return s->description;
}

/* ---- playing ---- */

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
	if (s->provider[0] != '\0' && apply_settings(&cfg, s->provider, err, sizeof(err)) != FSIM_OK)
		return FSIM_ERR_FORMAT;
	snprintf(rpbuf, sizeof(rpbuf), "%s", s->rp);
	if (rp_settings(&rp, rpbuf, &related_list, err, sizeof(err)) != FSIM_OK)
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
		json_t *sj = json_pack("{s:s, s:s}", "step", step_names[st->kind], "arg", st->arg);

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
			if (apply_settings(&cfg, st->arg, err, sizeof(err)) != FSIM_OK) {
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

			if (cxf_move_args(st->arg, &c2, &inc, err, sizeof(err)) != FSIM_OK) {
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
