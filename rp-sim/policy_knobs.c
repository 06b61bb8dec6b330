/*
 * policy_knobs.c — the table of policy knobs (policy_knobs.h) and the one
 * way each is set from text, printed and copied.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rp-sim/policy_knobs.h"

/* The C enums of rp.h are stored as int (checked below); knobs read and write them so. */
_Static_assert(sizeof(fsim_pol_t) == sizeof(int), "enum size");
_Static_assert(sizeof(fsim_be_pol_t) == sizeof(int), "enum size");
_Static_assert(sizeof(fsim_xo_pol_t) == sizeof(int), "enum size");

#define LIST_MAX 64          /* entries in one list value */
#define WORD_MAX 64          /* bytes of one list entry */

typedef enum {
	K_POL,        /* fsim_pol_t: error|warn|ignore */
	K_ENUM,       /* an int enum, words in order of value */
	K_BOOL,       /* bool: words[0] false, words[1] true */
	K_SIZE,       /* size_t in [lo, hi]; 0 shows as shown0 */
	K_ALGS,       /* const int64_t * + size_t count; NULL: null word */
	K_STRS,       /* NULL-terminated const char *const *; NULL: null word */
	K_ORIGINS,    /* const char *const * + size_t count, appended to (request data) */
} kind_t;

typedef struct knob {
	fsim_rp_knob_t pub;
	kind_t kind;
	size_t off, off_n;            /* the field (and its count for K_ALGS, K_ORIGINS) */
	const char *const *words;     /* K_ENUM, K_BOOL */
	size_t n_words;
	const char *null_word;        /* K_ALGS, K_STRS: the word for "unset" ("all", "any", "none") */
	const char *json_null;        /* the JSON array's word for "unset" when it differs */
	size_t lo, hi, shown0;        /* K_SIZE */
	bool json_bool;               /* K_BOOL printed as JSON true/false */
} knob_t;

static const char *const w_be[] = { "error", "allow-upgrade", "ignore" };
static const char *const w_be_unknown[] = { "skip", "false" };
static const char *const w_uv[] = { "spec", "always", "sticky", "never" };
static const char *const w_chain[] = { "spec", "builtin-only", "never", "anchors-only" };
static const char *const w_xo[] = { "spec", "explicit", "ignore" };
static const char *const w_to[] = { "spec", "if-cross", "auto", "implicit", "ignore" };
static const char *const w_yesno[] = { "no", "yes" };
static const char *const w_counter0[] = { "error", "ok" };
static const char *const w_self[] = { "spec", "hash-only" };
static const char *const w_bs_src[] = { "assertion", "record" };
static const char *const w_packed[] = { "spec", "ignore" };
static const char *const w_aaguid[] = { "any", "zero" };
static const char *const w_case[] = { "exact", "nocase" };
static const char *const w_dates[] = { "error", "untrusted" };
static const char *const w_sha1[] = { "warn", "ignore", "error" };   /* fsim_sha1_pol_t order */
static const char *const w_appid[] = { "spec", "unsupported" };

#define OFF(f) offsetof(fsim_rp_policy_t, f)
#define POL(n, f, what) { { n, "error|warn|ignore", what, false }, K_POL, OFF(f), 0, NULL, 0, \
	NULL, NULL, 0, 0, 0, false }
#define ENUM(n, f, w, vals, what) { { n, vals, what, false }, K_ENUM, OFF(f), 0, w, \
	sizeof(w) / sizeof(w[0]), NULL, NULL, 0, 0, 0, false }
#define BOOL(n, f, w, vals, what, jb) { { n, vals, what, false }, K_BOOL, OFF(f), 0, w, 2, \
	NULL, NULL, 0, 0, 0, jb }
#define ALGS(n, f, nf, what) { { n, "all|ALG,...", what, false }, K_ALGS, OFF(f), OFF(nf), \
	NULL, 0, "all", NULL, 0, 0, 0, false }
#define STRS(n, f, nw, jn, what) { { n, nw "|NAME,...", what, false }, K_STRS, OFF(f), 0, \
	NULL, 0, nw, jn, 0, 0, 0, false }

static const knob_t knobs[] = {
	/* What the spec leaves to the RP: the backup flags, the counter, UV. */
	POL("bs-without-be", bs_without_be, "BS set while BE is not (REG-14, AUTH-15)"),
	BOOL("bs-be-auth", bs_against_record, w_bs_src, "assertion|record",
	    "at authentication BS is checked against BE of the assertion, or of the record "
	    "(AUTH-15)", false),
	ENUM("be-change", be_change, w_be, "error|allow-upgrade|ignore",
	    "BE differs from the record (AUTH-16); allow-upgrade lets 0 -> 1 through"),
	ENUM("be-unknown", be_unknown, w_be_unknown, "skip|false",
	    "a record that never stored BE: not compared, or compared as false (AUTH-16)"),
	POL("counter", counter, "a signCount that does not increase while either value is "
	    "non-zero (AUTH-19)"),
	BOOL("counter-zero", counter_zero_ok, w_counter0, "error|ok",
	    "ok: a received 0 after a non-zero stored count passes (AUTH-19)", false),
	ENUM("uv-rule", uv_rule, w_uv, "spec|always|sticky|never",
	    "when UV=0 fails (REG-13, AUTH-14): spec (only when required), always, sticky "
	    "(also once the record has uvInitialized), never"),
	POL("reg-up", reg_up, "UP=0 at registration (REG-12)"),
	/* The collected client data. */
	ENUM("reg-cross-origin", reg_cross_origin, w_xo, "spec|explicit|ignore",
	    "crossOrigin true at registration (REG-07): spec (allowed by --allow-cross-origin "
	    "or a --top-origin), explicit (only --allow-cross-origin), ignore"),
	ENUM("auth-cross-origin", auth_cross_origin, w_xo, "spec|explicit|ignore",
	    "crossOrigin true at authentication (AUTH-10), as reg-cross-origin"),
	ENUM("reg-top-origin", reg_top_origin, w_to, "spec|if-cross|auto|implicit|ignore",
	    "a topOrigin at registration (REG-08): spec (must be a --top-origin), if-cross "
	    "(checked only with crossOrigin true), auto (a --top-origin or an --origin), "
	    "implicit (an --origin), ignore (not read)"),
	ENUM("auth-top-origin", auth_top_origin, w_to, "spec|if-cross|auto|implicit|ignore",
	    "a topOrigin at authentication (AUTH-11), as reg-top-origin"),
	POL("top-without-cross", top_without_cross,
	    "a topOrigin while crossOrigin is not true (CDJ-06; default warn)"),
	STRS("token-binding", token_binding, "ignore", NULL,
	    "the tokenBinding.status values taken when tokenBinding is an object; others "
	    "fail (REG-03, AUTH-06); ignore: not read, as WebAuthn L3 says"),
	/* Algorithms and credential IDs. */
	ALGS("sig-algs", sig_algs, n_sig_algs, "COSE algs it verifies signatures with; others fail "
	    "their signature rule (AUTH-18, ATT-*); a key it registers but cannot verify is "
	    "a REG-16 warning"),
	ALGS("reg-algs", reg_algs, n_reg_algs, "COSE algs whose keys it takes at registration at "
	    "all; others fail REG-16"),
	ALGS("default-algs", default_algs, n_default_algs, "the algs it allows when the RP names "
	    "none (--algs absent) (REG-16)"),
	POL("alg-not-offered", alg_not_offered, "an alg not among those the RP allows (REG-16)"),
	{ { "cred-id-max", "1..65535", "the longest credential ID taken (REG-21, ACD-02)", false },
	    K_SIZE, OFF(cred_id_max), 0, NULL, 0, NULL, NULL, 1, 65535, 1023, false },
	POL("at-in-assertion", at_in_assertion, "AT set in an assertion (AUTH-22)"),
	POL("trailing-bytes", trailing_bytes, "bytes after the last part authenticator data "
	    "announces (AD-04)"),
	POL("rfu-bits", rfu_bits, "reserved flag bits set (FLAGS-03; default warn)"),
	POL("unsolicited-ext", unsolicited_ext, "extension outputs nobody requested (REG-24, "
	    "AUTH-20; default ignore)"),
	/* Attestation. */
	STRS("formats", formats, "all", "*", "the attestation formats it verifies; others are "
	    "unknown-fmt (REG-17)"),
	POL("unknown-fmt", unknown_fmt, "a format it does not verify (REG-17)"),
	BOOL("att-if-requested", att_if_requested, w_yesno, "yes|no",
	    "yes: the statement is verified only when the RP asked for attestation", true),
	ENUM("att-chain", att_chain, w_chain, "spec|builtin-only|anchors-only|never",
	    "which x5c paths are dated and chained (ATT-03, ATT-TRUST-01): spec (all), "
	    "builtin-only (apple, android-key, android-safetynet to their vendor roots; "
	    "others only to --trust-anchors given), anchors-only (only to --trust-anchors "
	    "given), never"),
	STRS("builtin-roots", builtin_roots, "none", NULL,
	    "with att-chain builtin-only: the formats chained to the vendor roots the "
	    "library ships (default apple,android-key,android-safetynet)"),
	POL("untrusted-attestation", untrusted_attestation,
	    "a checked path that reaches no anchor (ATT-TRUST-01; default warn)"),
	BOOL("date-failure", dates_untrusted, w_dates, "error|untrusted",
	    "a certificate out of its dates in a checked path: an error (ATT-03), or it only "
	    "makes the path untrusted", false),
	STRS("leaf-dates", leaf_dates, "none", NULL,
	    "formats whose x5c[0] is dated though no path is checked (ATT-03)"),
	STRS("chain-dates", chain_dates, "none", NULL,
	    "formats whose every x5c certificate is dated though no path is checked (ATT-03)"),
	STRS("undated", undated, "none", NULL,
	    "formats whose path is checked but no certificate dated (ATT-03)"),
	BOOL("self-alg", self_alg_hash_only, w_self, "spec|hash-only",
	    "packed self attestation alg: must be the key's, or names only the hash "
	    "(ATT-PACKED-09)", false),
	BOOL("packed-cert", packed_cert_ignored, w_packed, "spec|ignore",
	    "the packed attestation certificate requirements of 8.2.1 (ATT-PACKED-03..06)", false),
	BOOL("u2f-aaguid", u2f_zero_aaguid, w_aaguid, "any|zero",
	    "zero: a fido-u2f registration's AAGUID must be all zero (ATT-U2F-01)", false),
	STRS("tpm-vendors", tpm_vendors, "any", NULL,
	    "the tpmManufacturer IDs it knows (ATT-TPM-03)"),
	BOOL("tpm-vendor-match", tpm_vendors_nocase, w_case, "exact|nocase",
	    "how tpmManufacturer is compared with tpm-vendors (ATT-TPM-03)", false),
	BOOL("tpm-rsa-only", tpm_rsa_only, w_yesno, "yes|no",
	    "yes: an ECC pubArea fails (ATT-TPM-02)", true),
	POL("tpm-rs1", tpm_rs1, "a tpm statement signed with RS1 (SHA-1): error refuses it "
	    "(ATT-TPM-04), ignore takes it silently, warn leaves it to sha1-sigs"),
	ENUM("sha1-sigs", sha1_sigs, w_sha1, "warn|ignore|error",
	    "a signature with SHA-1 (RS1: a credential key or a statement alg) (SIG-SHA1; default "
	    "warn: accepted and reported)"),
	BOOL("appid", appid_unsupported, w_appid, "spec|unsupported",
	    "the FIDO AppID extension (10.1.1): spec (the appid output says whether rpIdHash "
	    "is of the AppID, EXT-APPID-01), unsupported (neither read: rpIdHash must be of "
	    "the RP ID, AUTH-12)", false),
	/* Request data an RP library option can set (not traits of the library). */
	{ { "allow-cross-origin", "yes|no", "the RP expects a cross-origin iframe "
	    "(--allow-cross-origin)", true }, K_BOOL, OFF(allow_cross_origin), 0, w_yesno, 2,
	    NULL, NULL, 0, 0, 0, true },
	{ { "top-origin", "ORIGIN,...", "top-level origins the RP allows (--top-origin; added to)",
	    true }, K_ORIGINS, OFF(top_origins), OFF(n_top_origins), NULL, 0, NULL, NULL, 0, 0,
	    0, false },
};

#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

size_t
fsim_rp_knob_count(void)
{
	return NKNOBS;
}

const fsim_rp_knob_t *
fsim_rp_knob_at(size_t i)
{
	return i < NKNOBS ? &knobs[i].pub : NULL;
}

static const knob_t *
find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NKNOBS; i++)
		if (strcmp(knobs[i].pub.name, name) == 0)
			return &knobs[i];
	return NULL;
}

const fsim_rp_knob_t *
fsim_rp_knob_find(const char *name)
{
	const knob_t *k = find(name);

	return k != NULL ? &k->pub : NULL;
}

size_t
fsim_rp_knob_index(const fsim_rp_knob_t *k)
{
	return (size_t)((const knob_t *)(const void *)k - knobs);
}

/* The table entry behind a public pointer (the public part is its first member). */
static const knob_t *
entry(const fsim_rp_knob_t *k)
{
	return (const knob_t *)(const void *)k;
}

/* ---- storage ---- */

struct fsim_rp_store_chunk {
	struct fsim_rp_store_chunk *next;
	max_align_t data[];
};

static void *
store_alloc(fsim_rp_store_t *st, size_t n)
{
	struct fsim_rp_store_chunk *c;

	if (n > (1u << 20) || (c = calloc(1, sizeof(*c) + n)) == NULL)
		return NULL;
	c->next = st->chunks;
	st->chunks = c;
	return c->data;
}

void *
fsim_rp_store_alloc(fsim_rp_store_t *st, size_t n)
{
	return st != NULL ? store_alloc(st, n) : NULL;
}

char *
fsim_rp_store_strndup(fsim_rp_store_t *st, const char *s, size_t n)
{
	char *d = st != NULL && s != NULL ? store_alloc(st, n + 1) : NULL;

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

void
fsim_rp_store_clear(fsim_rp_store_t *st)
{
	struct fsim_rp_store_chunk *c, *n;

	if (st == NULL)
		return;
	for (c = st->chunks; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	st->chunks = NULL;
}

/* ---- fields ---- */

static int *
int_at(fsim_rp_policy_t *p, size_t off)
{
	return (int *)(void *)((char *)p + off);
}

static int
int_of(const fsim_rp_policy_t *p, size_t off)
{
	return *(const int *)(const void *)((const char *)p + off);
}

static bool *
bool_at(fsim_rp_policy_t *p, size_t off)
{
	return (bool *)(void *)((char *)p + off);
}

static bool
bool_of(const fsim_rp_policy_t *p, size_t off)
{
	return *(const bool *)(const void *)((const char *)p + off);
}

static size_t *
size_at(fsim_rp_policy_t *p, size_t off)
{
	return (size_t *)(void *)((char *)p + off);
}

static size_t
size_of(const fsim_rp_policy_t *p, size_t off)
{
	return *(const size_t *)(const void *)((const char *)p + off);
}

static const int64_t **
algs_at(fsim_rp_policy_t *p, size_t off)
{
	return (const int64_t **)(void *)((char *)p + off);
}

static const int64_t *
algs_of(const fsim_rp_policy_t *p, size_t off)
{
	return *(const int64_t *const *)(const void *)((const char *)p + off);
}

static const char *const **
strs_at(fsim_rp_policy_t *p, size_t off)
{
	return (const char *const **)(void *)((char *)p + off);
}

static const char *const *
strs_of(const fsim_rp_policy_t *p, size_t off)
{
	return *(const char *const *const *)(const void *)((const char *)p + off);
}

/* ---- setting ---- */

static int
word_index(const knob_t *k, const char *v)
{
	size_t i;

	for (i = 0; i < k->n_words; i++)
		if (strcmp(k->words[i], v) == 0)
			return (int)i;
	return -1;
}

/* One list entry: printable, no space, comma or quote, at most WORD_MAX-1 bytes. */
static bool
token_ok(const char *t, size_t n)
{
	size_t i;

	if (n == 0 || n >= WORD_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (t[i] <= 0x20 || t[i] >= 0x7f || t[i] == ',' || t[i] == '"' || t[i] == '\\')
			return false;
	return true;
}

/*
 * Split "a,b, c" into at most LIST_MAX tokens (spaces around commas
 * dropped): starts[i], lens[i]. -1 when a token is empty or not token_ok.
 */
static int
split(const char *v, const char **starts, size_t *lens, size_t *n)
{
	const char *s = v, *e;

	*n = 0;
	for (;;) {
		while (*s == ' ')
			s++;
		e = s;
		while (*e != '\0' && *e != ',')
			e++;
		{
			const char *t = e;

			while (t > s && t[-1] == ' ')
				t--;
			if (*n == LIST_MAX || !token_ok(s, (size_t)(t - s)))
				return -1;
			starts[*n] = s;
			lens[(*n)++] = (size_t)(t - s);
		}
		if (*e == '\0')
			return 0;
		s = e + 1;
	}
}

static int
set_algs(const knob_t *k, fsim_rp_policy_t *p, fsim_rp_store_t *st, const char *v,
    char *why, size_t wl)
{
	const char *starts[LIST_MAX];
	size_t lens[LIST_MAX], n, i;
	int64_t *a;

	if (strcmp(v, k->null_word) == 0) {
		*algs_at(p, k->off) = NULL;
		*size_at(p, k->off_n) = 0;
		return 0;
	}
	if (split(v, starts, lens, &n) != 0) {
		snprintf(why, wl, "a comma-separated list of at most %d COSE algorithms", LIST_MAX);
		return FSIM_ERR_ARG;
	}
	if ((a = store_alloc(st, (n + 1) * sizeof(*a))) == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		char tok[WORD_MAX], *end;
		long long x;

		memcpy(tok, starts[i], lens[i]);
		tok[lens[i]] = '\0';
		errno = 0;
		x = strtoll(tok, &end, 10);
		if (*end != '\0' || end == tok || errno != 0)
			x = fsim_cose_alg_from_name(tok);
		/* COSE algorithm identifiers are non-zero and fit in 32 bits (RS1 is -65535). */
		if (x == 0 || x < INT32_MIN || x > INT32_MAX) {
			snprintf(why, wl, "'%s' is not a COSE algorithm number or a name fidosim "
			    "knows", tok);
			return FSIM_ERR_ARG;
		}
		a[i] = x;
	}
	a[n] = 0;
	*algs_at(p, k->off) = a;
	*size_at(p, k->off_n) = n;
	return 0;
}

/* A list into st: NULL-terminated array of copies (count in *out_n). */
static int
copy_list(fsim_rp_store_t *st, const char *v, const char ***out, size_t *out_n)
{
	const char *starts[LIST_MAX];
	size_t lens[LIST_MAX], n, i;
	const char **a;
	char *s;

	if (split(v, starts, lens, &n) != 0)
		return FSIM_ERR_ARG;
	if ((a = store_alloc(st, (n + 1) * sizeof(*a))) == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if ((s = store_alloc(st, lens[i] + 1)) == NULL)
			return FSIM_ERR_NOMEM;
		memcpy(s, starts[i], lens[i]);
		s[lens[i]] = '\0';
		a[i] = s;
	}
	a[n] = NULL;
	*out = a;
	*out_n = n;
	return 0;
}

/* K_ORIGINS: the new origins appended to those already set (the CLI's --top-origin). */
static int
add_origins(const knob_t *k, fsim_rp_policy_t *p, fsim_rp_store_t *st, const char *v)
{
	const char **add = NULL, **all;
	const char *const *old = strs_of(p, k->off);
	size_t n_add = 0, n_old = size_of(p, k->off_n), i;
	int r;

	if ((r = copy_list(st, v, &add, &n_add)) != 0)
		return r;
	if (n_old + n_add > LIST_MAX)
		return FSIM_ERR_ARG;
	if ((all = store_alloc(st, (n_old + n_add + 1) * sizeof(*all))) == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < n_old; i++)
		all[i] = old[i];
	for (i = 0; i < n_add; i++)
		all[n_old + i] = add[i];
	all[n_old + n_add] = NULL;
	*strs_at(p, k->off) = all;
	*size_at(p, k->off_n) = n_old + n_add;
	return 0;
}

static void
words_of(const knob_t *k, char *buf, size_t len)
{
	snprintf(buf, len, "%s", k->pub.values);
}

int
fsim_rp_knob_set(fsim_rp_policy_t *p, fsim_rp_store_t *st, const char *key,
    const char *value, char *err, size_t errlen)
{
	const knob_t *k = find(key);
	char why[160], words[80];
	const char **list = NULL;
	size_t n = 0;
	int r = FSIM_ERR_ARG, w;

	why[0] = '\0';
	if (k == NULL) {
		snprintf(err, errlen, "no policy knob '%s'", key != NULL ? key : "");
		return FSIM_ERR_NOT_FOUND;
	}
	if (value == NULL || p == NULL || st == NULL)
		goto bad;
	switch (k->kind) {
	case K_POL:
		if (strcmp(value, "warning") == 0)
			value = "warn";
		if (strcmp(value, "error") == 0)
			*int_at(p, k->off) = FSIM_POL_ERROR;
		else if (strcmp(value, "warn") == 0)
			*int_at(p, k->off) = FSIM_POL_WARN;
		else if (strcmp(value, "ignore") == 0)
			*int_at(p, k->off) = FSIM_POL_IGNORE;
		else
			goto bad;
		return 0;
	case K_ENUM:
		if ((w = word_index(k, value)) < 0)
			goto bad;
		*int_at(p, k->off) = w;
		return 0;
	case K_BOOL:
		if ((w = word_index(k, value)) < 0)
			goto bad;
		*bool_at(p, k->off) = w == 1;
		return 0;
	case K_SIZE: {
		char *end;
		long long x;

		errno = 0;
		x = strtoll(value, &end, 10);
		if (*end != '\0' || end == value || errno != 0 || x < (long long)k->lo ||
		    x > (long long)k->hi)
			goto bad;
		*size_at(p, k->off) = (size_t)x;
		return 0;
	}
	case K_ALGS:
		if ((r = set_algs(k, p, st, value, why, sizeof(why))) == 0)
			return 0;
		if (r == FSIM_ERR_NOMEM)
			goto nomem;
		goto bad;
	case K_STRS:
		if (strcmp(value, k->null_word) == 0) {
			*strs_at(p, k->off) = NULL;
			return 0;
		}
		if ((r = copy_list(st, value, &list, &n)) == FSIM_ERR_NOMEM)
			goto nomem;
		if (r != 0)
			goto bad;
		*strs_at(p, k->off) = list;
		return 0;
	case K_ORIGINS:
		if ((r = add_origins(k, p, st, value)) == FSIM_ERR_NOMEM)
			goto nomem;
		if (r != 0)
			goto bad;
		return 0;
	}
bad:
	words_of(k, words, sizeof(words));
	if (why[0] == '\0')
		snprintf(why, sizeof(why), "takes %s", words);
	snprintf(err, errlen, "policy %s=%s: %s", k->pub.name, value != NULL ? value : "", why);
	return FSIM_ERR_ARG;
nomem:
	snprintf(err, errlen, "policy %s: out of memory", k->pub.name);
	return FSIM_ERR_NOMEM;
}

/* ---- printing ---- */

static const char *
pol_word(int v)
{
	return v == FSIM_POL_ERROR ? "error" : v == FSIM_POL_WARN ? "warn" : "ignore";
}

void
fsim_rp_knob_text(const fsim_rp_policy_t *p, const fsim_rp_knob_t *pk, char *buf, size_t len)
{
	const knob_t *k = entry(pk);
	size_t o = 0, i, n;
	int v;

	if (len == 0)
		return;
	buf[0] = '\0';
	switch (k->kind) {
	case K_POL:
		snprintf(buf, len, "%s", pol_word(int_of(p, k->off)));
		break;
	case K_ENUM:
		v = int_of(p, k->off);
		snprintf(buf, len, "%s", v >= 0 && (size_t)v < k->n_words ? k->words[v] : "?");
		break;
	case K_BOOL:
		snprintf(buf, len, "%s", k->words[bool_of(p, k->off) ? 1 : 0]);
		break;
	case K_SIZE:
		n = size_of(p, k->off);
		snprintf(buf, len, "%zu", n != 0 ? n : k->shown0);
		break;
	case K_ALGS: {
		const int64_t *a = algs_of(p, k->off);

		n = size_of(p, k->off_n);
		if (a == NULL) {
			snprintf(buf, len, "%s", k->null_word);
			break;
		}
		for (i = 0; i < n && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "," : "",
			    (long long)a[i]);
		break;
	}
	case K_STRS:
	case K_ORIGINS: {
		const char *const *l = strs_of(p, k->off);

		if (l == NULL || (k->kind == K_ORIGINS && size_of(p, k->off_n) == 0)) {
			snprintf(buf, len, "%s", k->null_word != NULL ? k->null_word : "none");
			break;
		}
		n = k->kind == K_ORIGINS ? size_of(p, k->off_n) : SIZE_MAX;
		for (i = 0; i < n && l[i] != NULL && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", l[i]);
		break;
	}
	}
}

json_t *
fsim_rp_knob_json(const fsim_rp_policy_t *p, const fsim_rp_knob_t *pk)
{
	const knob_t *k = entry(pk);
	json_t *a;
	size_t i, n;
	char buf[64];

	switch (k->kind) {
	case K_BOOL:
		if (k->json_bool)
			return json_boolean(bool_of(p, k->off));
		/* FALLTHROUGH */
	case K_POL:
	case K_ENUM:
		fsim_rp_knob_text(p, pk, buf, sizeof(buf));
		return json_string(buf);
	case K_SIZE:
		n = size_of(p, k->off);
		return json_integer((json_int_t)(n != 0 ? n : k->shown0));
	case K_ALGS: {
		const int64_t *v = algs_of(p, k->off);

		if ((a = json_array()) == NULL)
			return NULL;
		if (v == NULL)
			json_array_append_new(a, json_string(k->null_word));
		for (i = 0; v != NULL && i < size_of(p, k->off_n); i++)
			json_array_append_new(a, json_integer((json_int_t)v[i]));
		return a;
	}
	case K_STRS:
	case K_ORIGINS: {
		const char *const *l = strs_of(p, k->off);

		if ((a = json_array()) == NULL)
			return NULL;
		n = k->kind == K_ORIGINS ? size_of(p, k->off_n) : SIZE_MAX;
		if (l == NULL && k->kind == K_STRS)
			json_array_append_new(a, json_string(k->json_null != NULL ? k->json_null :
			    k->null_word));
		for (i = 0; l != NULL && i < n && l[i] != NULL; i++)
			json_array_append_new(a, json_string(l[i]));
		return a;
	}
	}
	return NULL;
}

bool
fsim_rp_knob_equal(const fsim_rp_policy_t *a, const fsim_rp_policy_t *b,
    const fsim_rp_knob_t *pk)
{
	char x[1024], y[1024];

	fsim_rp_knob_text(a, pk, x, sizeof(x));
	fsim_rp_knob_text(b, pk, y, sizeof(y));
	return strcmp(x, y) == 0;
}

void
fsim_rp_knobs_copy(fsim_rp_policy_t *dst, const fsim_rp_policy_t *src)
{
	size_t i, sz;

	for (i = 0; i < NKNOBS; i++) {
		const knob_t *k = &knobs[i];

		if (k->pub.request)
			continue;
		switch (k->kind) {
		case K_POL: case K_ENUM: sz = sizeof(int); break;
		case K_BOOL: sz = sizeof(bool); break;
		case K_SIZE: sz = sizeof(size_t); break;
		case K_ALGS:
			memcpy((char *)dst + k->off_n, (const char *)src + k->off_n, sizeof(size_t));
			sz = sizeof(const int64_t *);
			break;
		case K_STRS: case K_ORIGINS: default: sz = sizeof(const char *const *); break;
		}
		memcpy((char *)dst + k->off, (const char *)src + k->off, sz);
	}
}
