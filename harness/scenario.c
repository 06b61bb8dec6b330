/*
 * scenario.c — lifecycle scenarios (see scenario.h): the scenario format
 * parsed and checked, and the step arguments both parsing and playing read
 * (scenario_play.c plays the steps).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf.h"
#include "authenticator/preset.h"
#include "harness/scenario.h"
#include "harness/scenario_int.h"

static const char *const step_names[] = {
	"register", "authenticate", "set-be", "set-bs", "set-counter",
	"rp-forget-backup-flags", "rp-set-counter", "provider", "platform", "preset",
	"rp-delete-credential", "signal",
	"cxf-move", "previous-provider",
};


int
fsim_scn_msg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int
fsim_scn_msg(char *err, size_t errlen, const char *fmt, ...)
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
		return fsim_scn_msg(err, errlen, "%s given twice", k);
	if (strlen(v) >= cap)
		return fsim_scn_msg(err, errlen, "%s: longer than %zu bytes", k, cap - 1);
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
		return fsim_scn_msg(err, errlen, "provider %.32s=%.64s: %s", k, v, why);
	return FSIM_OK;
}

int
fsim_scn_apply_settings(fsim_authn_config_t *c, const char *words, char *err, size_t errlen)
{
	char buf[200], *save = NULL, *w, *eq;

	snprintf(buf, sizeof(buf), "%s", words);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if ((eq = strchr(w, '=')) == NULL)
			return fsim_scn_msg(err, errlen, "provider: \"%s\" is not KEY=VALUE", w);
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
int
fsim_scn_rp_settings(fsim_pipe_rp_t *rp, char *words, const char **related, char *err,
    size_t errlen)
{
	char *save = NULL, *w, *eq;

	for (w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if ((eq = strchr(w, '=')) == NULL)
			return fsim_scn_msg(err, errlen, "rp: \"%s\" is not KEY=VALUE", w);
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
			return fsim_scn_msg(err, errlen, "rp setting \"%s=%s\" unknown (uv, attestation, "
			    "resident-key, mediation=conditional, origin=URL, related=URL,...)", w, eq);
	}
	return FSIM_OK;
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
	return fsim_scn_msg(err, errlen, "step signal: unknownCredential | allAcceptedCredentials "
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
			return fsim_scn_msg(err, errlen, "expect after a signal: action=ACTION or "
			    "platform=ok|refused[:RULE], not \"%s\"", t);
	return FSIM_OK;
}

/*
 * cxf-move PRESET [include-counted] [KEY=VALUE...]: the provider the
 * credential moves to (a preset, then settings over it) and whether the
 * export keeps passkeys with a non-zero counter (a non-conformant exporter).
 */
int
fsim_scn_cxf_move_args(const char *arg, fsim_authn_config_t *cfg, bool *include_counted, char *err,
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
				return fsim_scn_msg(err, errlen, "step cxf-move: %s", e2);
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
			return fsim_scn_msg(err, errlen, "step cxf-move: \"%.40s\" is neither include-counted "
			    "nor KEY=VALUE", w);
	}
	if (first)
		return fsim_scn_msg(err, errlen, "step cxf-move: the preset the credential moves to");
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
			return fsim_scn_msg(err, errlen, "expect: \"%s\" is not PRESET=VERDICT", t);
		*eq++ = '\0';
		if (strcmp(t, "platform") == 0) {
			if (strncmp(eq, "refused", 7) != 0 && strcmp(eq, "ok") != 0)
				return fsim_scn_msg(err, errlen, "expect: platform=%s: refused[:RULE] or ok", eq);
			continue;
		}
		if (strcmp(t, "*") != 0 && fsim_rp_preset_find(t) == NULL)
			return fsim_scn_msg(err, errlen, "expect: no RP policy preset \"%s\" (see 'fidosim "
			    "policies')", t);
		if (strncmp(eq, "pass", 4) != 0 && strncmp(eq, "fail", 4) != 0)
			return fsim_scn_msg(err, errlen, "expect: %s=%s: pass or fail[:RULE,...]", t, eq);
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
			return fsim_scn_msg(err, errlen, "preset: %s", e2);
		fsim_preset_free(&ps);
		return set_once(s->preset, sizeof(s->preset), k, v, err, errlen);
	}
	if (strcmp(k, "provider") == 0) {
		fsim_authn_config_t c;

		fsim_authn_config_init(&c);
		if (fsim_scn_apply_settings(&c, v, err, errlen) != FSIM_OK)
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
		if (fsim_scn_rp_settings(&rp, buf, NULL, err, errlen) != FSIM_OK)
			return FSIM_ERR_FORMAT;
		return set_once(s->rp, sizeof(s->rp), k, v, err, errlen);
	}
	if (strcmp(k, "source") == 0) {
		if (s->n_sources == MAX_SOURCES)
			return fsim_scn_msg(err, errlen, "more than %d sources", MAX_SOURCES);
		return set_once(s->sources[s->n_sources++], sizeof(s->sources[0]), k, v, err,
		    errlen);
	}
	if (strcmp(k, "step") == 0) {
		step_t *st;
		char *arg = v + strcspn(v, " \t");

		if (s->n_steps == MAX_STEPS)
			return fsim_scn_msg(err, errlen, "more than %d steps", MAX_STEPS);
		st = &s->steps[s->n_steps];
		memset(st, 0, sizeof(*st));
		if (*arg != '\0')
			*arg++ = '\0';
		arg += strspn(arg, " \t");
		for (i = 0; i < sizeof(step_names) / sizeof(step_names[0]); i++)
			if (strcmp(step_names[i], v) == 0)
				break;
		if (i == sizeof(step_names) / sizeof(step_names[0]))
			return fsim_scn_msg(err, errlen, "unknown step \"%.40s\"", v);
		st->kind = (step_kind_t)i;
		if (strlen(arg) >= sizeof(st->arg))
			return fsim_scn_msg(err, errlen, "step %s: argument too long", v);
		snprintf(st->arg, sizeof(st->arg), "%s", arg);
		switch (st->kind) {
		case ST_SET_BE:
		case ST_SET_BS:
			if (strcmp(arg, "0") != 0 && strcmp(arg, "1") != 0)
				return fsim_scn_msg(err, errlen, "step %s: 0 or 1", v);
			break;
		case ST_SET_COUNTER:
		case ST_RP_SET_COUNTER:
			if (arg[0] == '\0' || strspn(arg, "0123456789") != strlen(arg) ||
			    strlen(arg) > 10 || strtoull(arg, NULL, 10) > UINT32_MAX)
				return fsim_scn_msg(err, errlen, "step %s: a counter value 0 to 4294967295", v);
			break;
		case ST_PROVIDER: {
			fsim_authn_config_t c;

			fsim_authn_config_init(&c);
			if (fsim_scn_apply_settings(&c, arg, err, errlen) != FSIM_OK)
				return FSIM_ERR_FORMAT;
			break;
		}
		case ST_PLATFORM:
			if (arg[0] == '\0')
				return fsim_scn_msg(err, errlen, "step platform: a platform name");
			break;
		case ST_CXF_MOVE: {
			fsim_authn_config_t c;
			bool inc;

			if (fsim_scn_cxf_move_args(arg, &c, &inc, err, errlen) != FSIM_OK)
				return FSIM_ERR_FORMAT;
			break;
		}
		case ST_PRESET: {
			fsim_preset_t *ps = NULL;
			char e2[300];

			if (fsim_preset_load(arg, &ps, e2, sizeof(e2)) != FSIM_OK)
				return fsim_scn_msg(err, errlen, "step preset: %s", e2);
			fsim_preset_free(&ps);
			break;
		}
		case ST_SIGNAL:
			if (check_signal_arg(arg, err, errlen) != FSIM_OK)
				return FSIM_ERR_FORMAT;
			break;
		default:
			if (arg[0] != '\0')
				return fsim_scn_msg(err, errlen, "step %s takes no argument", v);
		}
		s->n_steps++;
		return FSIM_OK;
	}
	if (strcmp(k, "expect") == 0) {
		step_t *st = s->n_steps > 0 ? &s->steps[s->n_steps - 1] : NULL;

		if (st == NULL || (st->kind != ST_REGISTER && st->kind != ST_AUTHENTICATE &&
		    st->kind != ST_SIGNAL))
			return fsim_scn_msg(err, errlen, "expect must follow a register, authenticate or "
			    "signal step");
		if (st->expect[0] != '\0')
			return fsim_scn_msg(err, errlen, "two expect lines for one step");
		if ((st->kind == ST_SIGNAL ? check_signal_expect(v, err, errlen) :
		    check_expect(v, err, errlen)) != FSIM_OK)
			return FSIM_ERR_FORMAT;
		return set_once(st->expect, sizeof(st->expect), k, v, err, errlen);
	}
	return fsim_scn_msg(err, errlen, "unknown key \"%.40s\" (name, description, source, preset, "
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

const char *
fsim_scn_step_name(step_kind_t k)
{
	return (size_t)k < sizeof(step_names) / sizeof(step_names[0]) ? step_names[k] : "?";
}
