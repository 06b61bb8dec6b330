/*
 * profile.c — platform profiles: the rule table, the file loader and the
 * built-in reference client (see profile.h).
 */
#include <dirent.h>
#include <sys/types.h>
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
	},
	.n_rules = 2,
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

/* ---- the file format ---- */

#define LINE_MAX_LEN 1024

static int
perr(char *err, size_t errlen, const char *file, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
perr(char *err, size_t errlen, const char *file, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (err != NULL && errlen > 0) {
		if (line > 0)
			n = snprintf(err, errlen, "%s:%zu: ", file, line);
		else
			n = snprintf(err, errlen, "%s: ", file);
		if (n < 0 || (size_t)n >= errlen)
			return FSIM_ERR_ARG;
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return FSIM_ERR_ARG;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
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
parse_transports(fsim_platform_t *p, char *list, char *err, size_t errlen,
    const char *file, size_t line)
{
	char *save = NULL, *t;

	p->n_transports = 0;
	for (t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		t = trim(t);
		if (!valid_transport(t))
			return perr(err, errlen, file, line, "rule transports: unknown "
			    "transport \"%s\" (usb, nfc, ble, smart-card, hybrid, internal)", t);
		if (p->n_transports == sizeof(p->transports) / sizeof(p->transports[0]))
			return perr(err, errlen, file, line, "rule transports: at most 4");
		snprintf(p->transports[p->n_transports++], sizeof(p->transports[0]), "%s", t);
	}
	if (p->n_transports == 0)
		return perr(err, errlen, file, line, "rule transports: the list is empty");
	return FSIM_OK;
}

static int
check_arg(fsim_platform_t *p, fsim_prule_t *r, char *err, size_t errlen,
    const char *file, size_t line)
{
	char buf[sizeof(r->arg)];

	switch (r->kind) {
	case FSIM_PRULE_ZERO_AAGUID:
		if (strcmp(r->arg, "all") != 0 && strcmp(r->arg, "roaming") != 0)
			return perr(err, errlen, file, line, "rule zero-aaguid: \"%s\" is "
			    "not all or roaming", r->arg);
		break;
	case FSIM_PRULE_CLIENT_DATA:
		if (strcmp(r->arg, "platform") != 0)
			return perr(err, errlen, file, line, "rule client-data: \"%s\" is "
			    "not platform", r->arg);
		break;
	case FSIM_PRULE_ERRORS:
		if (strcmp(r->arg, "spec") != 0 && strcmp(r->arg, "apple") != 0 &&
		    strcmp(r->arg, "chrome-android") != 0)
			return perr(err, errlen, file, line, "rule errors: \"%s\" is not "
			    "spec, apple or chrome-android", r->arg);
		break;
	case FSIM_PRULE_TRANSPORTS:
		memcpy(buf, r->arg, sizeof(buf));
		return parse_transports(p, buf, err, errlen, file, line);
	default:
		break;
	}
	return FSIM_OK;
}

static int
parse_rule(fsim_platform_t *p, char *v, char *err, size_t errlen, const char *file,
    size_t line)
{
	char *arg = v + strcspn(v, " \t");
	fsim_prule_t *r;
	size_t k;

	if (*arg != '\0')
		*arg++ = '\0';
	arg = trim(arg);
	for (k = 0; k < FSIM_PRULE__COUNT; k++)
		if (strcmp(kinds[k].name, v) == 0)
			break;
	if (k == FSIM_PRULE__COUNT)
		return perr(err, errlen, file, line, "unknown rule \"%s\" (see "
		    "'fidosim platforms --rules')", v);
	if (fsim_platform_rule(p, (fsim_prule_kind_t)k) != NULL)
		return perr(err, errlen, file, line, "rule %s given twice", v);
	if (kinds[k].arg != (*arg != '\0'))
		return perr(err, errlen, file, line, "rule %s %s", v, kinds[k].arg ?
		    "needs an argument" : "takes no argument");
	if (p->n_rules == FSIM_PLATFORM_MAX_RULES)
		return perr(err, errlen, file, line, "more than %d rules",
		    FSIM_PLATFORM_MAX_RULES);
	r = &p->rules[p->n_rules];
	memset(r, 0, sizeof(*r));
	r->kind = (fsim_prule_kind_t)k;
	if (!copy_in(r->arg, sizeof(r->arg), arg))
		return perr(err, errlen, file, line, "rule %s: argument too long", v);
	if (check_arg(p, r, err, errlen, file, line) != FSIM_OK)
		return FSIM_ERR_ARG;
	p->n_rules++;
	return FSIM_OK;
}

static int
parse_line(fsim_platform_t *p, char *s, char *err, size_t errlen, const char *file,
    size_t line)
{
	char *eq = strchr(s, '='), *k, *v;

	if (eq == NULL)
		return perr(err, errlen, file, line, "expected KEY = VALUE");
	*eq = '\0';
	k = trim(s);
	v = trim(eq + 1);
	if (*v == '\0')
		return perr(err, errlen, file, line, "%s: empty value", k);
	if (strcmp(k, "name") == 0) {
		if (p->name[0] != '\0')
			return perr(err, errlen, file, line, "name given twice");
		if (!copy_in(p->name, sizeof(p->name), v))
			return perr(err, errlen, file, line, "name: too long");
	} else if (strcmp(k, "description") == 0) {
		if (p->description[0] != '\0')
			return perr(err, errlen, file, line, "description given twice");
		if (!copy_in(p->description, sizeof(p->description), v))
			return perr(err, errlen, file, line, "description: longer than %zu "
			    "bytes", sizeof(p->description) - 1);
	} else if (strcmp(k, "evidence") == 0) {
		if (p->n_evidence == FSIM_PLATFORM_MAX_EVIDENCE)
			return perr(err, errlen, file, line, "more than %d evidence lines",
			    FSIM_PLATFORM_MAX_EVIDENCE);
		if (!copy_in(p->evidence[p->n_evidence], sizeof(p->evidence[0]), v))
			return perr(err, errlen, file, line, "evidence: longer than %zu "
			    "bytes", sizeof(p->evidence[0]) - 1);
		p->n_evidence++;
	} else if (strcmp(k, "rule") == 0)
		return parse_rule(p, v, err, errlen, file, line);
	else
		return perr(err, errlen, file, line, "unknown key \"%s\" (name, "
		    "description, evidence, rule)", k);
	return FSIM_OK;
}

static int
check_whole(fsim_platform_t *p, char *err, size_t errlen, const char *file)
{
	int n = (fsim_platform_rule(p, FSIM_PRULE_CONVEY_L3) != NULL) +
	    (fsim_platform_rule(p, FSIM_PRULE_CONVEY_L2) != NULL) +
	    (fsim_platform_rule(p, FSIM_PRULE_PASS_THROUGH) != NULL);

	if (p->name[0] == '\0')
		return perr(err, errlen, file, 0, "no name");
	if (n != 1)
		return perr(err, errlen, file, 0, "exactly one of the rules convey-l3, "
		    "convey-l2, pass-through is needed (found %d)", n);
	if (fsim_platform_rule(p, FSIM_PRULE_ERRORS) == NULL) {
		fsim_prule_t *r;

		if (p->n_rules == FSIM_PLATFORM_MAX_RULES)
			return perr(err, errlen, file, 0, "too many rules");
		r = &p->rules[p->n_rules++];
		memset(r, 0, sizeof(*r));
		r->kind = FSIM_PRULE_ERRORS;
		snprintf(r->arg, sizeof(r->arg), "spec");
	}
	return FSIM_OK;
}

static int
parse_file(FILE *f, fsim_platform_t *p, char *err, size_t errlen, const char *file)
{
	char *buf = NULL;
	size_t cap = 0, line = 0;
	ssize_t n;
	int r = FSIM_ERR_ARG;

	while ((n = getline(&buf, &cap, f)) != -1) {
		char *s;

		line++;
		if (n > LINE_MAX_LEN) {
			perr(err, errlen, file, line, "line longer than %d bytes", LINE_MAX_LEN);
			goto fail;
		}
		if (strlen(buf) != (size_t)n) {
			perr(err, errlen, file, line, "NUL byte in the line");
			goto fail;
		}
		s = trim(buf);
		if (*s == '\0' || *s == '#')
			continue;
		if (parse_line(p, s, err, errlen, file, line) != FSIM_OK)
			goto fail;
	}
	if (ferror(f)) {
		perr(err, errlen, file, 0, "read error");
		goto fail;
	}
	r = check_whole(p, err, errlen, file);
fail:
	free(buf);
	return r;
}

static bool
is_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') != NULL || (n > 9 && strcmp(s + n - 9, ".platform") == 0);
}

static bool
valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 48)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		    *s == '_' || *s == '.'))
			return false;
	return true;
}

int
fsim_platform_load(const char *name_or_path, fsim_platform_t **out, char *err, size_t errlen)
{
	char path[4096], rel[128];
	fsim_platform_t *p = NULL;
	FILE *f = NULL;
	int r = FSIM_ERR_ARG;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL || name_or_path == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (is_path(name_or_path)) {
		if (!copy_in(path, sizeof(path), name_or_path))
			return perr(err, errlen, "platform", 0, "path too long");
	} else {
		if (!valid_name(name_or_path))
			return perr(err, errlen, name_or_path, 0, "not a platform name");
		snprintf(rel, sizeof(rel), "platforms/%s.platform", name_or_path);
		if (fsim_data_path(rel, path, sizeof(path)) != FSIM_OK)
			return perr(err, errlen, name_or_path, 0, "no such platform");
	}
	if ((f = fopen(path, "r")) == NULL)
		return perr(err, errlen, path, 0, "cannot open");
	r = FSIM_ERR_NOMEM;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto fail;
	if ((r = parse_file(f, p, err, errlen, path)) != FSIM_OK)
		goto fail;
	*out = p;
	p = NULL;
	r = FSIM_OK;
fail:
	if (f != NULL)
		fclose(f);
	free(p);
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

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
fsim_platform_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
}

int
fsim_platform_names(char ***names, size_t *n)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;
	char **v = NULL, **nv;
	size_t cnt = 0;
	int r = FSIM_ERR_NOMEM;

	*names = NULL;
	*n = 0;
	if (fsim_data_path("platforms", dir, sizeof(dir)) != FSIM_OK ||
	    (d = opendir(dir)) == NULL)
		return FSIM_ERR_IO;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len <= 9 || strcmp(e->d_name + len - 9, ".platform") != 0)
			continue;
		if ((nv = realloc(v, (cnt + 1) * sizeof(*v))) == NULL)
			goto fail;
		v = nv;
		if ((v[cnt] = strndup(e->d_name, len - 9)) == NULL)
			goto fail;
		cnt++;
	}
	qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	r = FSIM_OK;
fail:
	closedir(d);
	fsim_platform_names_free(v, cnt);
	return r;
}
