/*
 * provider_settings.c — the provider service's settings as JSON, out
 * (fsim_provider_settings) and in (fsim_provider_configure): the same
 * names and values as preset files and the command line (authenticator/
 * preset.h), checked by the same code (fsim_preset_setting).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/preset.h"
#include "harness/provider_int.h"

/* ---- out ---- */

/* "ML-DSA-44" -> "mldsa44", "EdDSA" -> "eddsa": the preset file's spelling. */
static json_t *
alg_json(int alg)
{
	const char *n = fsim_cose_alg_name(alg);
	char buf[32];
	size_t i, k = 0;

	if (n == NULL)
		return json_integer(alg);
	for (i = 0; n[i] != '\0' && k + 1 < sizeof(buf); i++)
		if (n[i] != '-')
			buf[k++] = (char)tolower((unsigned char)n[i]);
	buf[k] = '\0';
	return json_string(buf);
}

static json_t *
names_json(int (*list)(char ***, size_t *), void (*release)(char **, size_t))
{
	json_t *a = json_array();
	char **v = NULL;
	size_t n = 0, i;

	if (a == NULL || list(&v, &n) != 0)
		return a;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	release(v, n);
	return a;
}

json_t *
fsim_provider_settings(const fsim_provider_t *p)
{
	const fsim_authn_config_t *c = &p->s.cfg;
	json_t *j = json_object(), *a;
	char aaguid[FSIM_AAGUID_STRLEN + 1], rule[96];
	const char *name;
	size_t i;

	if (j == NULL)
		return NULL;
	fsim_aaguid_format(c->aaguid, aaguid);
	name = p->names != NULL ? fsim_aaguid_name(p->names, c->aaguid) : NULL;
	json_object_set_new(j, "preset", p->s.preset[0] ? json_string(p->s.preset) : json_null());
	json_object_set_new(j, "presetDescription", json_string(p->s.preset_description));
	json_object_set_new(j, "platform", json_string(p->pf->name));
	json_object_set_new(j, "platformDescription", json_string(p->pf->description));
	a = json_array();
	for (i = 0; a != NULL && i < p->pf->n_rules; i++) {
		if (p->pf->rules[i].disabled)
			continue;
		snprintf(rule, sizeof(rule), "%s%s%s", fsim_prule_name(p->pf->rules[i].kind),
		    p->pf->rules[i].arg[0] ? " " : "", p->pf->rules[i].arg);
		json_array_append_new(a, json_string(rule));
	}
	json_object_set_new(j, "platformRules", a);
	a = json_array();
	for (i = 0; a != NULL && i < p->s.n_off; i++)
		json_array_append_new(a, json_string(p->s.off[i]));
	json_object_set_new(j, "platformRulesOff", a);
	json_object_set_new(j, "aaguid", json_string(aaguid));
	json_object_set_new(j, "aaguidName", name != NULL ? json_string(name) : json_null());
	json_object_set_new(j, "be", json_boolean(c->be));
	json_object_set_new(j, "bs", json_boolean(c->bs));
	json_object_set_new(j, "uv", json_string(fsim_preset_uv_name(c->uv)));
	json_object_set_new(j, "counter", json_string(fsim_preset_counter_name(c->counter)));
	json_object_set_new(j, "attestationFormat",
	    json_string(fsim_preset_attestation_name(c->attestation)));
	a = json_array();
	for (i = 0; a != NULL && i < c->n_algs; i++)
		json_array_append_new(a, alg_json(c->algs[i]));
	json_object_set_new(j, "algs", a);
	a = json_array();
	for (i = 0; a != NULL && i < c->n_transports; i++)
		json_array_append_new(a, json_string(c->transports[i]));
	json_object_set_new(j, "transports", a);
	json_object_set_new(j, "rk", json_boolean(c->rk_capable));
	a = json_array();
	for (i = 0; a != NULL && i < FSIM_QUIRK__COUNT; i++)
		if (c->quirks & (1u << i))
			json_array_append_new(a,
			    json_string(fsim_quirk_info((fsim_quirk_t)i)->name));
	json_object_set_new(j, "quirks", a);
	json_object_set_new(j, "rpPolicy", json_string(p->s.policy->name));
	json_object_set_new(j, "presets", names_json(fsim_preset_names, fsim_preset_names_free));
	json_object_set_new(j, "platforms", names_json(fsim_platform_names,
	    fsim_platform_names_free));
	a = json_array();
	for (i = 0; a != NULL && i < fsim_rp_preset_count(); i++)
		json_array_append_new(a, json_string(fsim_rp_preset_at(i)->name));
	json_object_set_new(j, "policies", a);
	return j;
}

/* ---- in ---- */

static int
bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return FSIM_ERR_ARG;
}

int
fsim_provider_load_platform(const struct fsim_provider_settings *s, fsim_platform_t **out,
    char *err, size_t errlen)
{
	fsim_platform_t *pf = NULL;
	size_t i;
	int r;

	*out = NULL;
	if ((r = fsim_platform_load(s->platform[0] ? s->platform : "spec-l3", &pf, err,
	    errlen)) != 0)
		return r;
	for (i = 0; i < s->n_off; i++)
		if (fsim_platform_disable(pf, s->off[i]) != 0) {
			bad(err, errlen, "platformRulesOff: platform %s has no rule '%s'", pf->name,
			    s->off[i]);
			fsim_platform_free(&pf);
			return FSIM_ERR_ARG;
		}
	*out = pf;
	return 0;
}

/* A flag: true, false, 0 or 1 (as JSON), "0" or "1". */
static int
flag_value(const char *key, const json_t *v, const char **out, char *err, size_t errlen)
{
	const char *s = json_string_value(v);

	if (json_is_boolean(v))
		*out = json_is_true(v) ? "1" : "0";
	else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
		*out = json_integer_value(v) ? "1" : "0";
	else if (s != NULL && (strcmp(s, "0") == 0 || strcmp(s, "1") == 0))
		*out = s;
	else
		return bad(err, errlen, "%s: wants true or false (or 0 or 1)", key);
	return 0;
}

/* A list: an array of names or one comma-separated string, as "a,b". */
static int
list_value(const char *key, const json_t *v, char *buf, size_t cap, char *err, size_t errlen)
{
	size_t i, n = 0;

	buf[0] = '\0';
	if (json_is_string(v)) {
		if (json_string_length(v) >= cap)
			return bad(err, errlen, "%s: the list is too long", key);
		snprintf(buf, cap, "%s", json_string_value(v));
		return 0;
	}
	if (!json_is_array(v))
		return bad(err, errlen, "%s: wants an array of names (or a comma-separated string)",
		    key);
	for (i = 0; i < json_array_size(v); i++) {
		const char *s = json_string_value(json_array_get(v, i));

		if (s == NULL || s[0] == '\0' || strchr(s, ',') != NULL)
			return bad(err, errlen, "%s[%zu]: wants a name", key, i);
		if (n + strlen(s) + 2 > cap)
			return bad(err, errlen, "%s: the list is too long", key);
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? "," : "", s);
	}
	return 0;
}

/* One member of a change (not "preset", applied first). */
static int
apply_member(struct fsim_provider_settings *s, const char *key, const json_t *v, char *err,
    size_t errlen)
{
	/* member name -> preset file key, for the settings fsim_preset_setting checks */
	static const struct {
		const char *member, *key;
		int kind;   /* 0 string, 1 flag, 2 list */
	} map[] = {
		{ "aaguid", "aaguid", 0 }, { "uv", "uv", 0 }, { "counter", "counter", 0 },
		{ "attestationFormat", "attestation", 0 }, { "be", "be", 1 }, { "bs", "bs", 1 },
		{ "rk", "rk", 1 }, { "algs", "algs", 2 }, { "transports", "transports", 2 },
	};
	char buf[512], why[256];
	const char *val = NULL;
	size_t i;

	if (strcmp(key, "platform") == 0) {
		if ((val = json_string_value(v)) == NULL || val[0] == '\0' ||
		    strlen(val) >= sizeof(s->platform))
			return bad(err, errlen, "platform: wants a platform name or file "
			    "(see 'fidosim platforms')");
		snprintf(s->platform, sizeof(s->platform), "%s", val);
		return 0;
	}
	if (strcmp(key, "platformRulesOff") == 0) {
		if (!json_is_array(v) || json_array_size(v) > FSIM_PROVIDER_MAX_OFF)
			return bad(err, errlen, "platformRulesOff: wants an array of at most %d "
			    "rule names", FSIM_PROVIDER_MAX_OFF);
		s->n_off = 0;
		for (i = 0; i < json_array_size(v); i++) {
			if ((val = json_string_value(json_array_get(v, i))) == NULL ||
			    val[0] == '\0' || strlen(val) >= sizeof(s->off[0]))
				return bad(err, errlen, "platformRulesOff[%zu]: wants a rule name",
				    i);
			snprintf(s->off[s->n_off++], sizeof(s->off[0]), "%s", val);
		}
		return 0;
	}
	if (strcmp(key, "rpPolicy") == 0) {
		if ((val = json_string_value(v)) == NULL ||
		    (s->policy = fsim_rp_preset_find(val)) == NULL)
			return bad(err, errlen, "rpPolicy: wants a policy preset name (see "
			    "'fidosim policies')");
		return 0;
	}
	if (strcmp(key, "quirks") == 0) {
		if (!json_is_array(v))
			return bad(err, errlen, "quirks: wants an array of quirk names (see "
			    "'fidosim quirks')");
		s->cfg.quirks = 0;
		for (i = 0; i < json_array_size(v); i++) {
			if ((val = json_string_value(json_array_get(v, i))) == NULL)
				return bad(err, errlen, "quirks[%zu]: wants a quirk name", i);
			if (fsim_preset_setting(&s->cfg, "quirk", val, why, sizeof(why)) != 0)
				return bad(err, errlen, "quirks[%zu]: %s", i, why);
		}
		return 0;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(key, map[i].member) == 0)
			break;
	if (i == sizeof(map) / sizeof(map[0]))
		return bad(err, errlen, "unknown setting '%.60s' (known: preset, platform, "
		    "platformRulesOff, aaguid, be, bs, uv, counter, attestationFormat, algs, "
		    "transports, rk, quirks, rpPolicy)", key);
	if (map[i].kind == 1) {
		if (flag_value(key, v, &val, err, errlen) != 0)
			return FSIM_ERR_ARG;
	} else if (map[i].kind == 2) {
		if (list_value(key, v, buf, sizeof(buf), err, errlen) != 0)
			return FSIM_ERR_ARG;
		val = buf;
	} else if ((val = json_string_value(v)) == NULL)
		return bad(err, errlen, "%s: wants a string", key);
	if (fsim_preset_setting(&s->cfg, map[i].key, val, why, sizeof(why)) != 0)
		return bad(err, errlen, "%s: %s", key, why);
	if (strcmp(key, "bs") == 0)
		s->bs_given = true;
	return 0;
}

/* "preset": the named preset's settings replace the current ones (null: the defaults). */
static int
apply_preset(struct fsim_provider_settings *s, const json_t *v, char *err, size_t errlen)
{
	fsim_preset_t *pr = NULL;
	char why[1536];
	const char *name = json_string_value(v);

	fsim_authn_config_init(&s->cfg);
	s->preset[0] = s->preset_description[0] = '\0';
	s->bs_given = false;
	if (json_is_null(v))
		return 0;
	if (name == NULL || name[0] == '\0' || strlen(name) >= sizeof(s->preset))
		return bad(err, errlen, "preset: wants a preset name or file (see 'fidosim "
		    "presets'), or null");
	if (fsim_preset_load(name, &pr, why, sizeof(why)) != 0)
		return bad(err, errlen, "preset: %s", why);
	fsim_preset_apply(pr, &s->cfg, 0);
	snprintf(s->preset, sizeof(s->preset), "%s", fsim_preset_name(pr));
	snprintf(s->preset_description, sizeof(s->preset_description), "%s",
	    fsim_preset_description(pr));
	fsim_preset_free(&pr);
	return 0;
}

int
fsim_provider_configure(fsim_provider_t *p, const json_t *changes, char *err, size_t errlen)
{
	struct fsim_provider_settings s = p->s;
	fsim_platform_t *pf = NULL;
	const char *key;
	json_t *v;
	int r;

	if (!json_is_object(changes))
		return bad(err, errlen, "the settings change must be a JSON object");
	if ((v = json_object_get(changes, "preset")) != NULL &&
	    (r = apply_preset(&s, v, err, errlen)) != 0)
		return r;
	if (json_object_get(changes, "platform") != NULL &&
	    json_object_get(changes, "platformRulesOff") == NULL)
		s.n_off = 0;    /* another platform: its own rules, all on */
	json_object_foreach((json_t *)changes, key, v) {
		if (strcmp(key, "preset") != 0 && (r = apply_member(&s, key, v, err, errlen)) != 0)
			return r;
	}
	if ((r = fsim_provider_load_platform(&s, &pf, err, errlen)) != 0)
		return r == FSIM_ERR_NOMEM ? r : FSIM_ERR_ARG;
	if ((r = fsim_ceremony_configure(p->cer, &s.cfg)) != 0) {
		fsim_platform_free(&pf);
		return bad(err, errlen, "the authenticator cannot take these settings: %s",
		    fsim_strerr(r));
	}
	fsim_platform_free(&p->pf);
	p->pf = pf;
	p->s = s;
	fsim_ceremony_set_platform(p->cer, p->pf);
	return 0;
}
