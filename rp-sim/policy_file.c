/*
 * policy_file.c — the strict reader of policy preset files (policy_preset.h).
 *
 * Every line must be understood: an unknown key, a knob set twice, a value
 * a knob does not take, an evidence line that backs nothing, a knob set
 * without evidence, an option default that disagrees with the knobs, all
 * fail with file:line. The text is hostile input (`--policy-preset FILE`,
 * fuzz/fuzz_policy.c): lines are bounded by the key=value reader (kvfile.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kvfile.h"
#include "rp-sim/policy_preset.h"

#define MAX_EV 256
#define MAX_TEXTS 64
#define MAX_OPTS 48
#define MAX_NOTES 48

typedef struct pctx {
	fsim_rp_preset_t *ps;
	bool *is_set;
	fsim_rp_preset_ev_t *ev;
	fsim_rp_preset_text_t *texts;
	size_t n_texts;
	fsim_rp_preset_opt_t *opts;
	const char **notes;
	size_t n_notes;
	bool have_name, have_library, have_version, have_source;
	bool nomem;
} pctx_t;

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return FSIM_ERR_FORMAT;
}

static char *
dup(pctx_t *c, const char *s)
{
	char *d = fsim_rp_store_strndup(&c->ps->store, s, strlen(s));

	if (d == NULL)
		c->nomem = true;
	return d;
}

/* An identifier: [A-Za-z0-9_.-], 1..63 bytes. */
static bool
ident_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

/* "KEY: rest" -> key (written into kb) and rest (trimmed). -1 when there is no ": ". */
static int
split_colon(const char *v, char *kb, size_t kl, const char **rest)
{
	const char *c = strstr(v, ": ");
	size_t n;

	if (c == NULL || (n = (size_t)(c - v)) == 0 || n >= kl)
		return -1;
	memcpy(kb, v, n);
	kb[n] = '\0';
	for (c += 2; *c == ' '; c++)
		;
	*rest = c;
	return *c != '\0' ? 0 : -1;
}

static int
set_meta(pctx_t *c, bool *have, const char **field, const char *key, const char *v,
    char *err, size_t errlen)
{
	if (*have)
		return fail(err, errlen, "%s is given twice", key);
	*have = true;
	*field = dup(c, v);
	return 0;
}

static int
add_text(pctx_t *c, const char *v, char *err, size_t errlen)
{
	char rule[32];
	const char *rest;
	fsim_rule_id_t id;
	size_t i;

	if (split_colon(v, rule, sizeof(rule), &rest) != 0)
		return fail(err, errlen, "text wants 'RULE: the library's words'");
	if (!fsim_rule_find(rule, &id))
		return fail(err, errlen, "text: '%s' is not a rule of the catalog (fidosim "
		    "rules)", rule);
	for (i = 0; i < c->n_texts; i++)
		if (strcmp(c->texts[i].rule, rule) == 0)
			return fail(err, errlen, "text for %s is given twice", rule);
	if (c->n_texts == MAX_TEXTS)
		return fail(err, errlen, "more than %d texts", MAX_TEXTS);
	c->texts[c->n_texts].rule = dup(c, rule);
	c->texts[c->n_texts++].text = dup(c, rest);
	return 0;
}

static int
add_evidence(pctx_t *c, const char *v, char *err, size_t errlen)
{
	char key[64];
	const char *rest;

	if (split_colon(v, key, sizeof(key), &rest) != 0)
		return fail(err, errlen, "evidence wants 'KNOB: file:line ...' (or a rule ID "
		    "or an option name before the colon)");
	if (c->ps->n_ev == MAX_EV)
		return fail(err, errlen, "more than %d evidence lines", MAX_EV);
	c->ev[c->ps->n_ev].key = dup(c, key);
	c->ev[c->ps->n_ev++].text = dup(c, rest);
	return 0;
}

/*
 * Check one "KNOB=V" of an option: the knob exists, is not the option's own
 * name, and V ("*" stands for the option's value) is a value it takes.
 */
static int
check_setting(const char *s, size_t n, char *err, size_t errlen)
{
	char buf[256], why[200];
	char *eq;
	fsim_rp_policy_t scratch;
	fsim_rp_store_t st = { NULL };
	int r;

	while (n > 0 && *s == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof(buf))
		return fail(err, errlen, "option: an empty or overlong setting");
	memcpy(buf, s, n);
	buf[n] = '\0';
	if ((eq = strchr(buf, '=')) == NULL)
		return fail(err, errlen, "option: '%s' is not KNOB=VALUE", buf);
	*eq++ = '\0';
	if (fsim_rp_knob_find(buf) == NULL)
		return fail(err, errlen, "option: '%s' is not a policy knob", buf);
	if (strcmp(eq, "*") == 0)
		return 0;
	fsim_rp_policy_init(&scratch);
	r = fsim_rp_knob_set(&scratch, &st, buf, eq, why, sizeof(why));
	fsim_rp_store_clear(&st);
	return r == 0 ? 0 : fail(err, errlen, "option: %s", why);
}

static int
add_option(pctx_t *c, const char *v, char *err, size_t errlen)
{
	char lhs[128];
	const char *rest, *s, *e, *eq;
	fsim_rp_preset_opt_t *o;
	size_t i;
	int r;

	if (split_colon(v, lhs, sizeof(lhs), &rest) != 0 || (eq = strchr(lhs, '=')) == NULL)
		return fail(err, errlen, "option wants 'NAME=VALUE: KNOB=V; KNOB=V'");
	if (!ident_ok(lhs, (size_t)(eq - lhs)) || (strcmp(eq + 1, "*") != 0 &&
	    !ident_ok(eq + 1, strlen(eq + 1))))
		return fail(err, errlen, "option: '%s' is not NAME=VALUE (identifiers, or "
		    "VALUE *)", lhs);
	{
		char nm[64];

		snprintf(nm, sizeof(nm), "%.*s", (int)(eq - lhs), lhs);
		if (fsim_rp_knob_find(nm) != NULL)
			return fail(err, errlen, "option: '%s' is a knob name; an option is "
			    "named as the library names it", nm);
	}
	for (s = rest; *s != '\0'; s = *e ? e + 1 : e) {
		for (e = s; *e != '\0' && *e != ';'; e++)
			;
		if ((r = check_setting(s, (size_t)(e - s), err, errlen)) != 0)
			return r;
	}
	for (i = 0; i < c->ps->n_opts; i++)
		if (strncmp(c->opts[i].name, lhs, (size_t)(eq - lhs)) == 0 &&
		    c->opts[i].name[eq - lhs] == '\0' && strcmp(c->opts[i].value, eq + 1) == 0)
			return fail(err, errlen, "option %s is given twice", lhs);
	if (c->ps->n_opts == MAX_OPTS)
		return fail(err, errlen, "more than %d options", MAX_OPTS);
	o = &c->opts[c->ps->n_opts++];
	if ((o->name = fsim_rp_store_strndup(&c->ps->store, lhs, (size_t)(eq - lhs))) == NULL)
		c->nomem = true;
	o->value = dup(c, eq + 1);
	o->sets = dup(c, rest);
	return 0;
}

static int
set_default(pctx_t *c, const char *v, char *err, size_t errlen)
{
	const char *eq = strchr(v, '=');
	size_t i, nl;
	fsim_rp_preset_opt_t *hit = NULL;

	if (eq == NULL)
		return fail(err, errlen, "default wants NAME=VALUE");
	nl = (size_t)(eq - v);
	for (i = 0; i < c->ps->n_opts; i++) {
		const fsim_rp_preset_opt_t *o = &c->opts[i];

		if (strlen(o->name) != nl || strncmp(o->name, v, nl) != 0)
			continue;
		if (o->is_default)
			return fail(err, errlen, "default for %.*s is given twice", (int)nl, v);
		if (strcmp(o->value, eq + 1) == 0)
			hit = &c->opts[i];
	}
	if (hit == NULL)
		return fail(err, errlen, "default %s: no option line %s comes before it", v, v);
	for (i = 0; i < c->ps->n_opts; i++)
		if (strlen(c->opts[i].name) == nl && strncmp(c->opts[i].name, v, nl) == 0 &&
		    c->opts[i].is_default)
			return fail(err, errlen, "default for %.*s is given twice", (int)nl, v);
	hit->is_default = true;
	return 0;
}

static int
on_line(void *vctx, char *key, char *value, char *err, size_t errlen)
{
	pctx_t *c = vctx;
	fsim_rp_preset_t *ps = c->ps;
	const fsim_rp_knob_t *k;
	char why[300];
	size_t i;
	int r;

	if (strcmp(key, "name") == 0) {
		if (!ident_ok(value, strlen(value)))
			return fail(err, errlen, "name '%s': letters, digits, '_', '.', '-' only",
			    value);
		return set_meta(c, &c->have_name, &ps->name, key, value, err, errlen);
	}
	if (strcmp(key, "library") == 0)
		return set_meta(c, &c->have_library, &ps->library, key, value, err, errlen);
	if (strcmp(key, "version") == 0)
		return set_meta(c, &c->have_version, &ps->version, key, value, err, errlen);
	if (strcmp(key, "source") == 0)
		return set_meta(c, &c->have_source, &ps->source, key, value, err, errlen);
	if (strcmp(key, "note") == 0) {
		if (c->n_notes == MAX_NOTES)
			return fail(err, errlen, "more than %d notes", MAX_NOTES);
		c->notes[c->n_notes++] = dup(c, value);
		return 0;
	}
	if (strcmp(key, "text") == 0)
		return add_text(c, value, err, errlen);
	if (strcmp(key, "evidence") == 0)
		return add_evidence(c, value, err, errlen);
	if (strcmp(key, "option") == 0)
		return add_option(c, value, err, errlen);
	if (strcmp(key, "default") == 0)
		return set_default(c, value, err, errlen);
	for (i = 0; i < fsim_rp_knob_count(); i++) {
		k = fsim_rp_knob_at(i);
		if (strcmp(k->name, key) != 0)
			continue;
		if (k->request)
			return fail(err, errlen, "%s is request data, not a library knob: "
			    "an option can set it", key);
		if (c->is_set[i])
			return fail(err, errlen, "%s is given twice", key);
		c->is_set[i] = true;
		r = fsim_rp_knob_set(&ps->pol, &ps->store, key, value, why, sizeof(why));
		if (r == FSIM_ERR_NOMEM)
			c->nomem = true;
		return r == 0 || r == FSIM_ERR_NOMEM ? 0 : fail(err, errlen, "%s", why);
	}
	return fail(err, errlen, "unknown key '%s' (name, library, version, source, note, "
	    "text, evidence, option, default, or a knob: fidosim policies --help)", key);
}

static bool
is_option_name(const pctx_t *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->ps->n_opts; i++)
		if (strcmp(c->opts[i].name, s) == 0)
			return true;
	return false;
}

/* Apply option o's settings to p ("*" -> value). */
static int
apply_option(const fsim_rp_preset_opt_t *o, const char *value, fsim_rp_policy_t *p,
    fsim_rp_store_t *st, char *err, size_t errlen)
{
	const char *s, *e;
	char buf[256], *eq, *b, *t;
	int r;

	for (s = o->sets; *s != '\0'; s = *e ? e + 1 : e) {
		for (e = s; *e != '\0' && *e != ';'; e++)
			;
		if ((size_t)(e - s) >= sizeof(buf))
			return fail(err, errlen, "option %s: setting too long", o->name);
		memcpy(buf, s, (size_t)(e - s));
		buf[e - s] = '\0';
		for (b = buf; *b == ' '; b++)
			;
		t = b + strlen(b);
		while (t > b && t[-1] == ' ')
			*--t = '\0';
		if ((eq = strchr(b, '=')) == NULL)
			return fail(err, errlen, "option %s: '%s' is not KNOB=VALUE", o->name, b);
		*eq++ = '\0';
		if ((r = fsim_rp_knob_set(p, st, b, strcmp(eq, "*") == 0 ? value : eq, err,
		    errlen)) != 0)
			return r;
	}
	return 0;
}

/* After the last line: what a preset must hold together. */
static int
finish(pctx_t *c, const char *name, char *err, size_t errlen)
{
	fsim_rp_preset_t *ps = c->ps;
	fsim_rp_store_t st = { NULL };
	fsim_rp_policy_t p;
	size_t i, j;
	char why[300];
	bool ok;

	if (!c->have_name || !c->have_library || !c->have_version)
		return fail(err, errlen, "%s: name, library and version are required", name);
	for (i = 0; i < fsim_rp_knob_count(); i++) {
		if (!c->is_set[i])
			continue;
		for (ok = false, j = 0; j < ps->n_ev && !ok; j++)
			ok = strcmp(c->ev[j].key, fsim_rp_knob_at(i)->name) == 0;
		if (!ok)
			return fail(err, errlen, "%s: %s is set without an evidence line "
			    "('evidence = %s: file:line ...')", name, fsim_rp_knob_at(i)->name,
			    fsim_rp_knob_at(i)->name);
	}
	for (j = 0; j < ps->n_ev; j++) {
		const fsim_rp_knob_t *k = fsim_rp_knob_find(c->ev[j].key);
		fsim_rule_id_t id;

		if (k != NULL && c->is_set[fsim_rp_knob_index(k)])
			continue;
		if (fsim_rule_find(c->ev[j].key, &id) && fsim_rp_preset_error_text(ps,
		    c->ev[j].key) != NULL)
			continue;
		if (is_option_name(c, c->ev[j].key))
			continue;
		return fail(err, errlen, "%s: evidence for '%s', which is neither a knob set "
		    "here, nor a rule with a text, nor an option", name, c->ev[j].key);
	}
	/* An option's default must be what the preset's knobs already say. */
	for (i = 0; i < ps->n_opts; i++) {
		const fsim_rp_preset_opt_t *o = &c->opts[i];

		if (!o->is_default)
			continue;
		p = ps->pol;
		if (apply_option(o, o->value, &p, &st, why, sizeof(why)) != 0) {
			fsim_rp_store_clear(&st);
			return fail(err, errlen, "%s: default %s=%s: %s", name, o->name, o->value,
			    why);
		}
		for (j = 0; j < fsim_rp_knob_count(); j++)
			if (!fsim_rp_knob_equal(&p, &ps->pol, fsim_rp_knob_at(j))) {
				fsim_rp_store_clear(&st);
				return fail(err, errlen, "%s: default %s=%s sets %s, which this "
				    "preset does not", name, o->name, o->value,
				    fsim_rp_knob_at(j)->name);
			}
		fsim_rp_store_clear(&st);
	}
	return 0;
}

void
fsim_rp_preset_free(fsim_rp_preset_t **pp)
{
	fsim_rp_preset_t *ps;

	if (pp == NULL || (ps = *pp) == NULL)
		return;
	fsim_rp_store_clear(&ps->store);
	free(ps);
	*pp = NULL;
}

static const char *
joined(fsim_rp_store_t *st, const char *const *v, size_t n, const char *sep)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + strlen(sep);
	if ((s = fsim_rp_store_alloc(st, len)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, sep);
		strcat(s, v[i]);
	}
	return s;
}

int
fsim_rp_preset_parse(const uint8_t *text, size_t len, const char *name,
    fsim_rp_preset_t **out, char *err, size_t errlen)
{
	fsim_rp_preset_t *ps = NULL;
	pctx_t c;
	const char *ev2[2];
	int r = FSIM_ERR_NOMEM;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || name == NULL || (text == NULL && len > 0))
		return FSIM_ERR_ARG;
	memset(&c, 0, sizeof(c));
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		goto nomem;
	c.ps = ps;
	fsim_rp_policy_init(&ps->pol);
	ps->pol.at = 0;
	if ((c.is_set = fsim_rp_store_alloc(&ps->store, fsim_rp_knob_count() *
	    sizeof(bool))) == NULL ||
	    (c.ev = fsim_rp_store_alloc(&ps->store, MAX_EV * sizeof(*c.ev))) == NULL ||
	    (c.texts = fsim_rp_store_alloc(&ps->store, (MAX_TEXTS + 1) *
	    sizeof(*c.texts))) == NULL ||
	    (c.opts = fsim_rp_store_alloc(&ps->store, MAX_OPTS * sizeof(*c.opts))) == NULL ||
	    (c.notes = fsim_rp_store_alloc(&ps->store, (MAX_NOTES + 1) *
	    sizeof(*c.notes))) == NULL)
		goto nomem;
	ps->is_set = c.is_set;
	ps->ev = c.ev;
	ps->texts = c.texts;
	ps->opts = c.opts;
	ps->note_lines = c.notes;
	ps->version = ps->source = "";
	if ((r = fsim_kvfile_parse(text, len, name, on_line, &c, err, errlen)) != 0) {
		if (c.nomem)
			goto nomem;
		goto out;
	}
	if (c.nomem)
		goto nomem;
	if ((r = finish(&c, name, err, errlen)) != 0)
		goto out;
	ps->notes = joined(&ps->store, c.notes, c.n_notes, " ");
	ev2[0] = ps->version;
	ev2[1] = ps->source;
	ps->evidence = joined(&ps->store, ev2, ps->source[0] ? 2 : 1, "; ");
	if (ps->notes == NULL || ps->evidence == NULL)
		goto nomem;
	*out = ps;
	ps = NULL;
	r = 0;
	goto out;
nomem:
	snprintf(err, errlen, "%s: out of memory", name);
	r = FSIM_ERR_NOMEM;
out:
	fsim_rp_preset_free(&ps);
	return r;
}

int
fsim_rp_policy_setting(const fsim_rp_preset_t *ps, fsim_rp_policy_t *p,
    fsim_rp_store_t *st, const char *key, const char *value, char *err, size_t errlen)
{
	size_t i;
	int r;
	bool named = false;

	if (fsim_rp_knob_find(key) != NULL)
		return fsim_rp_knob_set(p, st, key, value, err, errlen);
	for (i = 0; ps != NULL && i < ps->n_opts; i++) {
		const fsim_rp_preset_opt_t *o = &ps->opts[i];

		if (strcmp(o->name, key) != 0)
			continue;
		named = true;
		if (strcmp(o->value, value) != 0 && strcmp(o->value, "*") != 0)
			continue;
		r = apply_option(o, value, p, st, err, errlen);
		return r;
	}
	if (named) {
		char vals[200];
		size_t o = 0;

		vals[0] = '\0';
		for (i = 0; i < ps->n_opts && o < sizeof(vals); i++)
			if (strcmp(ps->opts[i].name, key) == 0)
				o += (size_t)snprintf(vals + o, sizeof(vals) - o, "%s%s",
				    o ? "|" : "", ps->opts[i].value);
		snprintf(err, errlen, "%s option %s takes %s, not '%s'", ps->name, key, vals,
		    value);
		return FSIM_ERR_ARG;
	}
	snprintf(err, errlen, "unknown policy '%s': not a knob (fidosim policies --help) "
	    "nor an option of %s (fidosim policies %s)", key, ps != NULL ? ps->name : "spec",
	    ps != NULL ? ps->name : "spec");
	return FSIM_ERR_NOT_FOUND;
}
