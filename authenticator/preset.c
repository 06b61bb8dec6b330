/*
 * preset.c — authenticator presets (preset.h): a strict line parser, the
 * preset's accessors, and applying a preset under explicit flags. Where a
 * named preset is found, and the list of names, are preset_load.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/preset.h"
#include "authenticator/preset_int.h"
#include "core/fsim_core.h"

struct fsim_preset {
	char *name;
	char *description;
	char **evidence;
	size_t n_evidence;
	fsim_authn_config_t cfg;
	uint32_t given;           /* FSIM_PRESET_F_* the file set */
};

/* Keys; bits above the FSIM_PRESET_F_* ones catch duplicates of name and description. */
#define K_NAME 0x10000u
#define K_DESCRIPTION 0x20000u
#define K_REPEATABLE 0u

static const struct key {
	const char *name;
	uint32_t bit;
} keys[] = {
	{ "name", K_NAME },
	{ "description", K_DESCRIPTION },
	{ "evidence", K_REPEATABLE },
	{ "aaguid", FSIM_PRESET_F_AAGUID },
	{ "be", FSIM_PRESET_F_BE },
	{ "bs", FSIM_PRESET_F_BS },
	{ "uv", FSIM_PRESET_F_UV },
	{ "counter", FSIM_PRESET_F_COUNTER },
	{ "attestation", FSIM_PRESET_F_ATTESTATION },
	{ "algs", FSIM_PRESET_F_ALGS },
	{ "transports", FSIM_PRESET_F_TRANSPORTS },
	{ "rk", FSIM_PRESET_F_RK },
	{ "quirk", K_REPEATABLE },
	{ "conditional-create", FSIM_PRESET_F_CONDCREATE },
	{ "signal-unknown", FSIM_PRESET_F_SIG_UNKNOWN },
	{ "signal-accepted", FSIM_PRESET_F_SIG_ACCEPTED },
	{ "signal-details", FSIM_PRESET_F_SIG_DETAILS },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* The algorithms the software authenticator makes keys for (keys.h). */
static const struct {
	const char *name;
	int alg;
} algs_tab[] = {
	{ "es256", FSIM_COSE_ES256 }, { "es384", FSIM_COSE_ES384 },
	{ "es512", FSIM_COSE_ES512 }, { "eddsa", FSIM_COSE_EDDSA },
	{ "rs256", FSIM_COSE_RS256 }, { "ps256", FSIM_COSE_PS256 },
	{ "ps384", FSIM_COSE_PS384 }, { "ps512", FSIM_COSE_PS512 },
	{ "rs1", FSIM_COSE_RS1 },
	{ "mldsa44", FSIM_COSE_MLDSA44 }, { "mldsa65", FSIM_COSE_MLDSA65 },
	{ "mldsa87", FSIM_COSE_MLDSA87 },
};

/* AuthenticatorTransport values (WebAuthn L3 5.8.4). */
static const char *const transports_tab[] = {
	"usb", "nfc", "ble", "smart-card", "hybrid", "internal",
};

static const char *const uv_names[] = { "auto", "always", "never", "fail" };
static const char *const counter_names[] = { "per-credential", "global", "zero" };
static const char *const att_names[] = { "none", "packed-self", "packed", "fido-u2f" };
/* In the order of fsim_condcreate_t and fsim_sigact_t. */
static const char *const cc_names[] = { "refuse", "no-up", "no-up-no-uv", "up" };
static const char *const sig_names[] = { "hide", "remove", "ignore", "update" };

const char *
fsim_preset_uv_name(fsim_uvmode_t uv)
{
	return (unsigned)uv < 4 ? uv_names[uv] : "?";
}

bool
fsim_uvmode_from_name(const char *name, fsim_uvmode_t *out)
{
	size_t i;

	/* 1 and 0: the first spelling of --uv, kept for scripts */
	if (strcmp(name, "1") == 0)
		name = "always";
	else if (strcmp(name, "0") == 0)
		name = "never";
	for (i = 0; i < sizeof(uv_names) / sizeof(uv_names[0]); i++)
		if (strcmp(name, uv_names[i]) == 0) {
			*out = (fsim_uvmode_t)i;
			return true;
		}
	return false;
}

const char *
fsim_preset_counter_name(fsim_counter_t c)
{
	return (unsigned)c < 3 ? counter_names[c] : "?";
}

const char *
fsim_preset_attestation_name(fsim_attfmt_t f)
{
	return (unsigned)f < 4 ? att_names[f] : "?";
}

const char *
fsim_preset_condcreate_name(fsim_condcreate_t m)
{
	return (unsigned)m < 4 ? cc_names[m] : "?";
}

const char *
fsim_preset_sigact_name(fsim_sigact_t a)
{
	return (unsigned)a < 4 ? sig_names[a] : "?";
}

void
fsim_preset_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
fsim_preset_free(fsim_preset_t **pp)
{
	fsim_preset_t *p;
	size_t i;

	if (pp == NULL || (p = *pp) == NULL)
		return;
	free(p->name);
	free(p->description);
	for (i = 0; i < p->n_evidence; i++)
		free(p->evidence[i]);
	free(p->evidence);
	free(p);
	*pp = NULL;
}

bool
fsim_preset_valid_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > FSIM_PRESET_MAX_NAME)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

/* Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
static bool
valid_utf8(const unsigned char *s, size_t n, size_t *bad)
{
	size_t i = 0, k, len;
	uint32_t cp;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else
			goto fail;
		if (n - i < len)
			goto fail;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		i += len;
	}
	return true;
fail:
	*bad = i;
	return false;
}

static int
parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "0") == 0)
		*out = false;
	else if (strcmp(v, "1") == 0)
		*out = true;
	else
		return -1;
	return 0;
}

static int
parse_enum(const char *v, const char *const *names, size_t n, int *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return -1;
}

/*
 * Split a comma-separated list (no empty items) and call item() on each;
 * a non-zero return stops with that value. Items are at most 31 bytes.
 */
static int
each_item(const char *v, int (*item)(const char *tok, void *ctx, char *why, size_t wl),
    void *ctx, char *why, size_t wl)
{
	const char *p = v;
	int r;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char tok[32];

		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0) {
			snprintf(why, wl, "an empty item in the list '%s'", v);
			return -1;
		}
		if (len >= sizeof(tok)) {
			snprintf(why, wl, "'%.*s...' is too long to be an item", 16, p);
			return -1;
		}
		memcpy(tok, p, len);
		tok[len] = '\0';
		if ((r = item(tok, ctx, why, wl)) != 0)
			return r;
		if (end == NULL)
			return 0;
		p = end + 1;
	}
}

struct list_ctx {
	fsim_authn_config_t *cfg;
};

static int
alg_item(const char *tok, void *vctx, char *why, size_t wl)
{
	fsim_authn_config_t *c = ((struct list_ctx *)vctx)->cfg;
	const size_t max = sizeof(c->algs) / sizeof(c->algs[0]);
	size_t i;

	for (i = 0; i < sizeof(algs_tab) / sizeof(algs_tab[0]); i++)
		if (strcmp(tok, algs_tab[i].name) == 0)
			break;
	if (i == sizeof(algs_tab) / sizeof(algs_tab[0])) {
		snprintf(why, wl, "'%s' is not an algorithm the authenticator supports "
		    "(es256, es384, es512, eddsa, rs256, ps256, ps384, ps512, rs1, mldsa44, "
		    "mldsa65, mldsa87)", tok);
		return -1;
	}
	for (size_t j = 0; j < c->n_algs; j++)
		if (c->algs[j] == algs_tab[i].alg) {
			snprintf(why, wl, "'%s' is named twice", tok);
			return -1;
		}
	if (c->n_algs == max) {
		snprintf(why, wl, "at most %zu algorithms", max);
		return -1;
	}
	c->algs[c->n_algs++] = algs_tab[i].alg;
	return 0;
}

static int
transport_item(const char *tok, void *vctx, char *why, size_t wl)
{
	fsim_authn_config_t *c = ((struct list_ctx *)vctx)->cfg;
	const size_t max = sizeof(c->transports) / sizeof(c->transports[0]);
	size_t i;

	for (i = 0; i < sizeof(transports_tab) / sizeof(transports_tab[0]); i++)
		if (strcmp(tok, transports_tab[i]) == 0)
			break;
	if (i == sizeof(transports_tab) / sizeof(transports_tab[0])) {
		snprintf(why, wl, "'%s' is not a transport (usb, nfc, ble, smart-card, "
		    "hybrid, internal; WebAuthn L3 5.8.4)", tok);
		return -1;
	}
	for (size_t j = 0; j < c->n_transports; j++)
		if (strcmp(c->transports[j], tok) == 0) {
			snprintf(why, wl, "'%s' is named twice", tok);
			return -1;
		}
	if (c->n_transports == max) {
		snprintf(why, wl, "at most %zu transports", max);
		return -1;
	}
	snprintf(c->transports[c->n_transports++], sizeof(c->transports[0]), "%s", tok);
	return 0;
}

/* One "key = value" setting; why gets the problem on failure (-1), or FSIM_ERR_NOMEM. */
static int
set_value(fsim_preset_t *p, const struct key *k, const char *v, char *why, size_t wl)
{
	fsim_authn_config_t *c = &p->cfg;
	struct list_ctx lc = { c };
	fsim_quirk_t q;
	char **nv;
	int e;

	if (strcmp(k->name, "name") == 0) {
		if (!fsim_preset_valid_name(v, strlen(v))) {
			snprintf(why, wl, "'%s' is not a preset name (lowercase letters, "
			    "digits, '.', '_', '-'; starting with a letter or digit; at most %d)",
			    v, FSIM_PRESET_MAX_NAME);
			return -1;
		}
		return (p->name = fsim_strdup(v)) != NULL ? 0 : FSIM_ERR_NOMEM;
	}
	if (strcmp(k->name, "description") == 0) {
		free(p->description);
		return (p->description = fsim_strdup(v)) != NULL ? 0 : FSIM_ERR_NOMEM;
	}
	if (strcmp(k->name, "evidence") == 0) {
		if (p->n_evidence == FSIM_PRESET_MAX_EVIDENCE) {
			snprintf(why, wl, "at most %d evidence lines", FSIM_PRESET_MAX_EVIDENCE);
			return -1;
		}
		if ((nv = realloc(p->evidence, (p->n_evidence + 1) * sizeof(*nv))) == NULL)
			return FSIM_ERR_NOMEM;
		p->evidence = nv;
		if ((nv[p->n_evidence] = fsim_strdup(v)) == NULL)
			return FSIM_ERR_NOMEM;
		p->n_evidence++;
		return 0;
	}
	if (strcmp(k->name, "aaguid") == 0) {
		if (fsim_aaguid_parse(v, c->aaguid) != 0) {
			snprintf(why, wl, "'%s' is not a UUID (8-4-4-4-12 hex digits)", v);
			return -1;
		}
		return 0;
	}
	if (strcmp(k->name, "be") == 0 || strcmp(k->name, "bs") == 0 ||
	    strcmp(k->name, "rk") == 0) {
		bool *b = k->name[0] == 'r' ? &c->rk_capable : k->name[1] == 'e' ? &c->be : &c->bs;

		if (parse_bool(v, b) != 0) {
			snprintf(why, wl, "must be 0 or 1, not '%s'", v);
			return -1;
		}
		return 0;
	}
	if (strcmp(k->name, "uv") == 0) {
		fsim_uvmode_t m;

		if (!fsim_uvmode_from_name(v, &m)) {
			snprintf(why, wl, "must be auto, always, never or fail, not '%s'", v);
			return -1;
		}
		c->uv = m;
		return 0;
	}
	if (strcmp(k->name, "counter") == 0) {
		if (parse_enum(v, counter_names, 3, &e) != 0) {
			snprintf(why, wl, "must be per-credential, global or zero, not '%s'", v);
			return -1;
		}
		c->counter = (fsim_counter_t)e;
		return 0;
	}
	if (strcmp(k->name, "attestation") == 0) {
		if (parse_enum(v, att_names, 4, &e) != 0) {
			snprintf(why, wl, "must be none, packed-self, packed or fido-u2f, "
			    "not '%s'", v);
			return -1;
		}
		c->attestation = (fsim_attfmt_t)e;
		return 0;
	}
	if (strcmp(k->name, "algs") == 0) {
		c->n_algs = 0;
		return each_item(v, alg_item, &lc, why, wl);
	}
	if (strcmp(k->name, "conditional-create") == 0) {
		if (parse_enum(v, cc_names, 4, &e) != 0) {
			snprintf(why, wl, "must be refuse, no-up, no-up-no-uv or up, not '%s'", v);
			return -1;
		}
		c->cond_create = (fsim_condcreate_t)e;
		return 0;
	}
	if (strncmp(k->name, "signal-", 7) == 0) {
		bool details = strcmp(k->name, "signal-details") == 0;

		/* details: update | ignore; the others: hide | remove | ignore */
		if (parse_enum(v, sig_names, 4, &e) != 0 ||
		    (details && e != FSIM_SIG_UPDATE && e != FSIM_SIG_IGNORE) ||
		    (!details && e == FSIM_SIG_UPDATE)) {
			snprintf(why, wl, "must be %s, not '%s'", details ? "update or ignore" :
			    "hide, remove or ignore", v);
			return -1;
		}
		if (details)
			c->sig_details = (fsim_sigact_t)e;
		else if (strcmp(k->name, "signal-unknown") == 0)
			c->sig_unknown = (fsim_sigact_t)e;
		else
			c->sig_accepted = (fsim_sigact_t)e;
		return 0;
	}
	if (strcmp(k->name, "transports") == 0) {
		c->n_transports = 0;
		memset(c->transports, 0, sizeof(c->transports));
		return each_item(v, transport_item, &lc, why, wl);
	}
	/* quirk */
	if (!fsim_quirk_find(v, &q)) {
		snprintf(why, wl, "unknown quirk '%s' (see 'fidosim quirks')", v);
		return -1;
	}
	c->quirks |= 1u << q;
	return 0;
}

static const struct key *
find_key(const char *s)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, s) == 0)
			return &keys[i];
	return NULL;
}

int
fsim_preset_setting(fsim_authn_config_t *cfg, const char *key, const char *value,
    char *why, size_t wl)
{
	const struct key *k = find_key(key);
	fsim_preset_t p;
	int r;

	if (k == NULL || strcmp(key, "name") == 0 || strcmp(key, "description") == 0 ||
	    strcmp(key, "evidence") == 0) {
		snprintf(why, wl, "'%s' is not an authenticator setting (aaguid, be, bs, uv, "
		    "counter, attestation, algs, transports, rk, quirk, conditional-create, "
		    "signal-unknown, signal-accepted, signal-details)", key);
		return -1;
	}
	memset(&p, 0, sizeof(p));
	p.cfg = *cfg;
	if ((r = set_value(&p, k, value, why, wl)) == 0)
		*cfg = p.cfg;
	return r;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* The key of a line, for messages about the line (printable, at most 31 bytes). */
static void
line_key(const char *s, size_t n, char *out, size_t outlen)
{
	const char *eq = memchr(s, '=', n);
	size_t i, len = eq != NULL ? (size_t)(eq - s) : 0;

	trim(&s, &len);
	if (len == 0 || len >= outlen || len > 31) {
		snprintf(out, outlen, "?");
		return;
	}
	for (i = 0; i < len; i++)
		out[i] = (s[i] >= 0x21 && s[i] <= 0x7e) ? s[i] : '?';
	out[len] = '\0';
}

int
fsim_preset_parse(const uint8_t *text, size_t len, const char *file,
    fsim_preset_t **out, char *err, size_t errlen)
{
	fsim_preset_t *p = NULL;
	const char *s = (const char *)text;
	char keyb[64], why[256], *val = NULL;
	uint32_t seen = 0;
	size_t pos = 0, lineno = 0, bad;
	int r = FSIM_ERR_ARG;

	fsim_preset_seterr(err, errlen, "%s", "");
	if (out == NULL || (text == NULL && len > 0))
		return FSIM_ERR_ARG;
	*out = NULL;
	if (file == NULL)
		file = "(preset)";
	r = FSIM_ERR_NOMEM;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto fail;
	fsim_authn_config_init(&p->cfg);
	r = FSIM_ERR_FORMAT;
	if (len > FSIM_PRESET_MAX_FILE) {
		fsim_preset_seterr(err, errlen, "%s: larger than %d bytes", file, FSIM_PRESET_MAX_FILE);
		goto fail;
	}
	while (pos < len) {
		const char *ln = s + pos, *nl = memchr(ln, '\n', len - pos), *eq, *k, *v;
		size_t n = nl != NULL ? (size_t)(nl - ln) : len - pos, kn, vn, i;
		const struct key *key;

		lineno++;
		pos += n + (nl != NULL);
		if (n > 0 && ln[n - 1] == '\r')
			n--;
		if (n > FSIM_PRESET_MAX_LINE) {
			line_key(ln, n < 64 ? n : 64, keyb, sizeof(keyb));
			fsim_preset_seterr(err, errlen, "%s:%zu: %s: the line is longer than %d bytes", file,
			    lineno, keyb, FSIM_PRESET_MAX_LINE);
			goto fail;
		}
		for (i = 0; i < n; i++)
			if (((unsigned char)ln[i] < 0x20 && ln[i] != '\t') || ln[i] == 0x7f) {
				line_key(ln, i, keyb, sizeof(keyb));
				fsim_preset_seterr(err, errlen, "%s:%zu: %s: control character 0x%02x at "
				    "column %zu", file, lineno, keyb, (unsigned char)ln[i], i + 1);
				goto fail;
			}
		if (!valid_utf8((const unsigned char *)ln, n, &bad)) {
			line_key(ln, bad, keyb, sizeof(keyb));
			fsim_preset_seterr(err, errlen, "%s:%zu: %s: not UTF-8 at column %zu", file, lineno,
			    keyb, bad + 1);
			goto fail;
		}
		k = ln;
		kn = n;
		trim(&k, &kn);
		if (kn == 0 || k[0] == '#')
			continue;
		if ((eq = memchr(k, '=', kn)) == NULL) {
			fsim_preset_seterr(err, errlen, "%s:%zu: ?: expected 'key = value', found '%.*s'",
			    file, lineno, (int)(kn < 40 ? kn : 40), k);
			goto fail;
		}
		v = eq + 1;
		vn = kn - (size_t)(v - k);
		kn = (size_t)(eq - k);
		trim(&k, &kn);
		trim(&v, &vn);
		if (kn == 0) {
			fsim_preset_seterr(err, errlen, "%s:%zu: ?: a key is missing before '='", file, lineno);
			goto fail;
		}
		line_key(ln, n, keyb, sizeof(keyb));
		key = NULL;
		if (kn < sizeof(keyb) && memcmp(keyb, k, kn) == 0 && keyb[kn] == '\0')
			key = find_key(keyb);
		if (key == NULL) {
			fsim_preset_seterr(err, errlen, "%s:%zu: %s: unknown key (known: name, description, "
			    "evidence, aaguid, be, bs, uv, counter, attestation, algs, "
			    "transports, rk, quirk)", file, lineno, keyb);
			goto fail;
		}
		if (key->bit != K_REPEATABLE && (seen & key->bit) != 0) {
			fsim_preset_seterr(err, errlen, "%s:%zu: %s: given twice (only evidence and quirk "
			    "repeat)", file, lineno, keyb);
			goto fail;
		}
		seen |= key->bit;
		if (vn == 0) {
			fsim_preset_seterr(err, errlen, "%s:%zu: %s: the value is empty", file, lineno, keyb);
			goto fail;
		}
		r = FSIM_ERR_NOMEM;
		if ((val = malloc(vn + 1)) == NULL)
			goto fail;
		memcpy(val, v, vn);
		val[vn] = '\0';
		why[0] = '\0';
		r = set_value(p, key, val, why, sizeof(why));
		free(val);
		val = NULL;
		if (r == FSIM_ERR_NOMEM) {
			fsim_preset_seterr(err, errlen, "%s:%zu: %s: out of memory", file, lineno, keyb);
			goto fail;
		}
		if (r != 0) {
			r = FSIM_ERR_FORMAT;
			fsim_preset_seterr(err, errlen, "%s:%zu: %s: %s", file, lineno, keyb, why);
			goto fail;
		}
		if (strcmp(keyb, "quirk") == 0)
			p->given |= FSIM_PRESET_F_QUIRKS;
		else if (key->bit != K_REPEATABLE)
			p->given |= key->bit & 0xffffu;
		r = FSIM_ERR_FORMAT;
	}
	if (p->name == NULL) {
		fsim_preset_seterr(err, errlen, "%s: name: missing (every preset names itself: "
		    "'name = ...')", file);
		goto fail;
	}
	if (p->description == NULL && (p->description = fsim_strdup("")) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	*out = p;
	p = NULL;
	r = FSIM_OK;
fail:
	free(val);
	fsim_preset_free(&p);
	return r;
}

const char *
fsim_preset_name(const fsim_preset_t *p)
{
	return p != NULL ? p->name : NULL;
}

const char *
fsim_preset_description(const fsim_preset_t *p)
{
	return p != NULL ? p->description : NULL;
}

size_t
fsim_preset_evidence_count(const fsim_preset_t *p)
{
	return p != NULL ? p->n_evidence : 0;
}

const char *
fsim_preset_evidence(const fsim_preset_t *p, size_t i)
{
	return p != NULL && i < p->n_evidence ? p->evidence[i] : NULL;
}

uint32_t
fsim_preset_given(const fsim_preset_t *p)
{
	return p != NULL ? p->given : 0;
}

const fsim_authn_config_t *
fsim_preset_config(const fsim_preset_t *p)
{
	return p != NULL ? &p->cfg : NULL;
}

void
fsim_preset_apply(const fsim_preset_t *p, fsim_authn_config_t *cfg, uint32_t keep)
{
	const fsim_authn_config_t *s;

	if (p == NULL || cfg == NULL)
		return;
	s = &p->cfg;
	if (!(keep & FSIM_PRESET_F_AAGUID))
		memcpy(cfg->aaguid, s->aaguid, sizeof(cfg->aaguid));
	if (!(keep & FSIM_PRESET_F_BE))
		cfg->be = s->be;
	if (!(keep & FSIM_PRESET_F_BS))
		cfg->bs = s->bs;
	if (!(keep & FSIM_PRESET_F_UV))
		cfg->uv = s->uv;
	if (!(keep & FSIM_PRESET_F_COUNTER))
		cfg->counter = s->counter;
	if (!(keep & FSIM_PRESET_F_ATTESTATION))
		cfg->attestation = s->attestation;
	if (!(keep & FSIM_PRESET_F_ALGS)) {
		memcpy(cfg->algs, s->algs, sizeof(cfg->algs));
		cfg->n_algs = s->n_algs;
	}
	if (!(keep & FSIM_PRESET_F_TRANSPORTS)) {
		memcpy(cfg->transports, s->transports, sizeof(cfg->transports));
		cfg->n_transports = s->n_transports;
	}
	if (!(keep & FSIM_PRESET_F_RK))
		cfg->rk_capable = s->rk_capable;
	if (!(keep & FSIM_PRESET_F_QUIRKS))
		cfg->quirks |= s->quirks;
	if (!(keep & FSIM_PRESET_F_CONDCREATE))
		cfg->cond_create = s->cond_create;
	if (!(keep & FSIM_PRESET_F_SIG_UNKNOWN))
		cfg->sig_unknown = s->sig_unknown;
	if (!(keep & FSIM_PRESET_F_SIG_ACCEPTED))
		cfg->sig_accepted = s->sig_accepted;
	if (!(keep & FSIM_PRESET_F_SIG_DETAILS))
		cfg->sig_details = s->sig_details;
}
