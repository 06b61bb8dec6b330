/*
 * profile.c — platform profiles: the rule table, the file loader and the
 * built-in reference client (see profile.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/profile.h"

static const struct {
	const char *name, *what, *section;
	bool arg;
} kinds[] = {
#define FSIM_PRULE(sym, section, name, arg, what) { name, what, section, arg },
#include "platform/prules.def"
#undef FSIM_PRULE
};

const char *
fsim_prule_name(fsim_prule_kind_t k)
{
	return (size_t)k < FSIM_PRULE__COUNT ? kinds[k].name : "?";
}

const char *
fsim_prule_summary(fsim_prule_kind_t k)
{
	return (size_t)k < FSIM_PRULE__COUNT ? kinds[k].what : "?";
}

const char *
fsim_prule_section(fsim_prule_kind_t k)
{
	return (size_t)k < FSIM_PRULE__COUNT ? kinds[k].section : "?";
}

bool
fsim_prule_takes_arg(fsim_prule_kind_t k)
{
	return (size_t)k < FSIM_PRULE__COUNT && kinds[k].arg;
}

bool
fsim_prule_find(const char *name, fsim_prule_kind_t *out)
{
	size_t k;

	for (k = 0; k < FSIM_PRULE__COUNT; k++)
		if (strcmp(kinds[k].name, name) == 0) {
			*out = (fsim_prule_kind_t)k;
			return true;
		}
	return false;
}

static const fsim_platform_t spec_l3 = {
	.name = "spec-l3",
	.description = "the WebAuthn Level 3 reference client",
	.evidence = { "WebAuthn L3 5.1.3 [[Create]], 5.1.4 [[Get]], 5.4.7 attestation conveyance" },
	.n_evidence = 1,
	.rules = {
		{ FSIM_PRULE_CONVEY_L3, "", false },
		{ FSIM_PRULE_ERRORS, "spec", false },
		{ FSIM_PRULE_CONDITIONAL_CREATE, "spec", false },
		{ FSIM_PRULE_SIGNALS, "all", false },
		{ FSIM_PRULE_RELATED_ORIGINS, "5", false },
		{ FSIM_PRULE_HINTS, "advisory", false },
	},
	.n_rules = 6,
};

const fsim_platform_t *
fsim_platform_spec(void)
{
	return &spec_l3;
}

const fsim_prule_t *
fsim_platform_rule(const fsim_platform_t *p, fsim_prule_kind_t k)
{
	size_t i;

	if (p == NULL)
		p = &spec_l3;
	for (i = 0; i < p->n_rules; i++)
		if (p->rules[i].kind == k && !p->rules[i].disabled)
			return &p->rules[i];
	return NULL;
}

int
fsim_platform_disable(fsim_platform_t *p, const char *rule)
{
	size_t i;
	int r = FSIM_ERR_ARG;

	for (i = 0; i < p->n_rules; i++)
		if (strcmp(fsim_prule_name(p->rules[i].kind), rule) == 0) {
			p->rules[i].disabled = true;
			r = FSIM_OK;
		}
	return r;
}

void
fsim_platform_effect_add(fsim_platform_effects_t *e, const char *rule, const char *fmt, ...)
{
	va_list ap;
	fsim_platform_effect_t *x;

	if (e == NULL || e->n >= FSIM_PLATFORM_MAX_EFFECTS)
		return;
	x = &e->v[e->n++];
	snprintf(x->rule, sizeof(x->rule), "%s", rule);
	va_start(ap, fmt);
	vsnprintf(x->what, sizeof(x->what), fmt, ap);
	va_end(ap);
}

/* ---- the file format (core/kvfile.h) ---- */

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

static bool
copy_in(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static bool
valid_transport(const char *t)
{
	static const char *known[] = { "usb", "nfc", "ble", "smart-card", "hybrid", "internal" };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(t, known[i]) == 0)
			return true;
	return false;
}

static int
parse_transports(fsim_platform_t *p, char *list, char *err, size_t errlen)
{
	char *save = NULL, *t;

	p->n_transports = 0;
	for (t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		t += strspn(t, " \t");
		t[strcspn(t, " \t")] = '\0';
		if (!valid_transport(t))
			return msg(err, errlen, "rule transports: unknown transport \"%.32s\" (usb, "
			    "nfc, ble, smart-card, hybrid, internal)", t);
		if (p->n_transports == sizeof(p->transports) / sizeof(p->transports[0]))
			return msg(err, errlen, "rule transports: at most 4");
		snprintf(p->transports[p->n_transports++], sizeof(p->transports[0]), "%s", t);
	}
	if (p->n_transports == 0)
		return msg(err, errlen, "rule transports: the list is empty");
	return FSIM_OK;
}

static int
check_arg(fsim_platform_t *p, fsim_prule_t *r, char *err, size_t errlen)
{
	char buf[sizeof(r->arg)];

	switch (r->kind) {
	case FSIM_PRULE_ZERO_AAGUID:
		if (strcmp(r->arg, "all") != 0 && strcmp(r->arg, "roaming") != 0)
			return msg(err, errlen, "rule zero-aaguid: \"%s\" is not all or roaming",
			    r->arg);
		break;
	case FSIM_PRULE_CLIENT_DATA:
		if (strcmp(r->arg, "platform") != 0)
			return msg(err, errlen, "rule client-data: \"%s\" is not platform", r->arg);
		break;
	case FSIM_PRULE_ERRORS:
		if (strcmp(r->arg, "spec") != 0 && strcmp(r->arg, "apple") != 0 &&
		    strcmp(r->arg, "chrome-android") != 0)
			return msg(err, errlen, "rule errors: \"%s\" is not spec, apple or "
			    "chrome-android", r->arg);
		break;
	case FSIM_PRULE_TRANSPORTS:
		memcpy(buf, r->arg, sizeof(buf));
		return parse_transports(p, buf, err, errlen);
	case FSIM_PRULE_CONDITIONAL_CREATE:
		if (strcmp(r->arg, "spec") != 0 && strcmp(r->arg, "ignored") != 0)
			return msg(err, errlen, "rule conditional-create: \"%s\" is not spec or "
			    "ignored", r->arg);
		break;
	case FSIM_PRULE_HINTS:
		if (strcmp(r->arg, "advisory") != 0 && strcmp(r->arg, "ignored") != 0)
			return msg(err, errlen, "rule hints: \"%s\" is not advisory or ignored",
			    r->arg);
		break;
	case FSIM_PRULE_SIGNALS:
	case FSIM_PRULE_RELATED_ORIGINS:
	case FSIM_PRULE_CLIENT_CAPABILITIES:
		return fsim_platform_check_l3_arg(r->kind, r->arg, err, errlen);
	default:
		break;
	}
	return FSIM_OK;
}

static int
parse_rule(fsim_platform_t *p, char *v, char *err, size_t errlen)
{
	char *arg = v + strcspn(v, " \t");
	fsim_prule_kind_t k;
	fsim_prule_t *r;

	if (*arg != '\0')
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	if (!fsim_prule_find(v, &k))
		return msg(err, errlen, "unknown rule \"%.48s\" (see 'fidosim platforms "
		    "--rules')", v);
	if (fsim_platform_rule(p, k) != NULL)
		return msg(err, errlen, "rule %s given twice", v);
	if (kinds[k].arg != (*arg != '\0'))
		return msg(err, errlen, "rule %s %s", v, kinds[k].arg ? "needs an argument" :
		    "takes no argument");
	if (p->n_rules == FSIM_PLATFORM_MAX_RULES)
		return msg(err, errlen, "more than %d rules", FSIM_PLATFORM_MAX_RULES);
	r = &p->rules[p->n_rules];
	memset(r, 0, sizeof(*r));
	r->kind = k;
	if (!copy_in(r->arg, sizeof(r->arg), arg))
		return msg(err, errlen, "rule %s: argument too long", v);
	if (check_arg(p, r, err, errlen) != FSIM_OK)
		return FSIM_ERR_FORMAT;
	p->n_rules++;
	return FSIM_OK;
}

static int
setting(void *ctx, char *k, char *v, char *err, size_t errlen)
{
	fsim_platform_t *p = ctx;

	if (strcmp(k, "name") == 0) {
		if (p->name[0] != '\0')
			return msg(err, errlen, "name given twice");
		if (!copy_in(p->name, sizeof(p->name), v))
			return msg(err, errlen, "name: too long");
	} else if (strcmp(k, "description") == 0) {
		if (p->description[0] != '\0')
			return msg(err, errlen, "description given twice");
		if (!copy_in(p->description, sizeof(p->description), v))
			return msg(err, errlen, "description: longer than %zu bytes",
			    sizeof(p->description) - 1);
	} else if (strcmp(k, "evidence") == 0) {
		if (p->n_evidence == FSIM_PLATFORM_MAX_EVIDENCE)
			return msg(err, errlen, "more than %d evidence lines",
			    FSIM_PLATFORM_MAX_EVIDENCE);
		if (!copy_in(p->evidence[p->n_evidence], sizeof(p->evidence[0]), v))
			return msg(err, errlen, "evidence: longer than %zu bytes",
			    sizeof(p->evidence[0]) - 1);
		p->n_evidence++;
	} else if (strcmp(k, "rule") == 0)
		return parse_rule(p, v, err, errlen);
	else
		return msg(err, errlen, "unknown key \"%.48s\" (name, description, evidence, "
		    "rule)", k);
	return FSIM_OK;
}

static int
check_whole(fsim_platform_t *p, char *err, size_t errlen, const char *file)
{
	int n = (fsim_platform_rule(p, FSIM_PRULE_CONVEY_L3) != NULL) +
	    (fsim_platform_rule(p, FSIM_PRULE_CONVEY_L2) != NULL) +
	    (fsim_platform_rule(p, FSIM_PRULE_PASS_THROUGH) != NULL);
	fsim_prule_t *r;

	if (p->name[0] == '\0') {
		snprintf(err, errlen, "%s: no name", file);
		return FSIM_ERR_FORMAT;
	}
	if (n != 1) {
		snprintf(err, errlen, "%s: exactly one of the rules convey-l3, convey-l2, "
		    "pass-through is needed (found %d)", file, n);
		return FSIM_ERR_FORMAT;
	}
	if (fsim_platform_rule(p, FSIM_PRULE_ERRORS) == NULL) {
		if (p->n_rules == FSIM_PLATFORM_MAX_RULES) {
			snprintf(err, errlen, "%s: too many rules", file);
			return FSIM_ERR_FORMAT;
		}
		r = &p->rules[p->n_rules++];
		memset(r, 0, sizeof(*r));
		r->kind = FSIM_PRULE_ERRORS;
		snprintf(r->arg, sizeof(r->arg), "spec");
	}
	return FSIM_OK;
}

int
fsim_platform_parse(const uint8_t *text, size_t len, const char *name, fsim_platform_t **out,
    char *err, size_t errlen)
{
	char dummy[8];
	fsim_platform_t *p;
	int r;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (out == NULL || name == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return FSIM_ERR_NOMEM;
	if ((r = fsim_kvfile_parse(text, len, name, setting, p, err, errlen)) != FSIM_OK ||
	    (r = check_whole(p, err, errlen, name)) != FSIM_OK) {
		free(p);
		return r;
	}
	*out = p;
	return FSIM_OK;
}

int
fsim_platform_load(const char *name_or_path, fsim_platform_t **out, char *err, size_t errlen)
{
	char path[4096], dummy[8];
	fsim_blob_t b = { NULL, 0 };
	int r;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (out == NULL || name_or_path == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if ((r = fsim_kvfile_slurp(name_or_path, "platforms", "platform", path, sizeof(path), &b,
	    err, errlen)) != FSIM_OK)
		return r;
	r = fsim_platform_parse(b.ptr, b.len, path, out, err, errlen);
	fsim_blob_reset(&b);
	return r;
}

void
fsim_platform_free(fsim_platform_t **pp)
{
	if (pp == NULL || *pp == NULL)
		return;
	free(*pp);
	*pp = NULL;
}

void
fsim_platform_names_free(char **names, size_t n)
{
	fsim_kvfile_names_free(names, n);
}

int
fsim_platform_names(char ***names, size_t *n)
{
	return fsim_kvfile_names("platforms", "platform", names, n);
}
