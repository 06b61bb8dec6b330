/*
 * cborx.c — strict CBOR decoding and CTAP2 canonical encoding over libcbor.
 *
 * Decoding is two passes. First our own walker checks the raw bytes: every
 * head well formed (RFC 8949 §3), definite lengths and no tags (CTAP 2.1 §8,
 * rule CBOR-01), declared lengths that fit the input, bounded depth and item
 * count, valid UTF-8 text, integer or text map keys (CBOR-KEYTYPE) and no
 * duplicate keys (CBOR-DUP). Only then does libcbor build the tree, from a
 * range we know is sane, so it never allocates for a length the input cannot
 * hold. The walker knows byte offsets, which libcbor does not keep, so every
 * diagnostic names where the problem is.
 *
 * The canonical encoder and fsim_cbor_is_canonical are in cborx_enc.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cborx.h"

/* Caps the total number of data items so a small input cannot make a big tree. */
#define FSIM_CBOR_MAX_ITEMS 65536

/* A decoded item head (RFC 8949 §3): major type and argument. */
struct head {
	uint8_t major;
	uint8_t ai;
	uint64_t arg;
	size_t hlen;     /* bytes taken by the head */
};

/* A map key, by value, for duplicate detection. */
struct keydesc {
	uint8_t major;           /* 0, 1 or 3 */
	uint64_t arg;            /* integer argument or text length */
	const uint8_t *text;     /* text bytes (major 3) */
	size_t off;              /* where the key starts */
};

struct scan {
	const uint8_t *p;
	size_t len;
	fsim_diags_t *d;
	size_t items;
	bool bad;        /* a key problem was found; keep walking, fail at the end */
};

static const char *
major_name(uint8_t major)
{
	static const char *names[] = {
		"unsigned integer", "negative integer", "byte string",
		"text string", "array", "map", "tag", "simple value or float",
	};

	return names[major & 7];
}

/* The offset reported is where the data ran out: the end of the input. */
/* Name of the item a head starts, for messages about map keys. */
static const char *
head_name(const struct head *h)
{
	if (h->major != 7)
		return major_name(h->major);
	switch (h->ai) {
	case 20:
	case 21: return "boolean";
	case 22: return "null";
	case 23: return "undefined";
	case 25:
	case 26:
	case 27: return "float";
	default: return "simple value";
	}
}

static int
truncated(struct scan *sc, size_t item_off, uint8_t major)
{
	fsim_diags_add(sc->d, FSIM_SEV_ERROR, "ENC-03", NULL, sc->len,
	    "input ends at offset %zu, inside the %s that starts at offset %zu",
	    fsim_diags_abs(sc->d, sc->len), major_name(major), fsim_diags_abs(sc->d, item_off));
	return FSIM_ERR_CBOR;
}

static int
too_long(struct scan *sc, size_t item_off, const struct head *h, size_t rest)
{
	static const char *units[] = { "", "", "bytes", "bytes", "elements",
	    "entries" };

	fsim_diags_add(sc->d, FSIM_SEV_ERROR, "ENC-03", NULL, sc->len,
	    "%s at offset %zu declares %" PRIu64 " %s but only %zu bytes remain",
	    major_name(h->major), fsim_diags_abs(sc->d, item_off), h->arg,
	    units[h->major], rest);
	return FSIM_ERR_CBOR;
}

/* Read the head at pos; reserved and indefinite forms are errors here. */
static int
read_head(struct scan *sc, size_t pos, struct head *h)
{
	uint8_t ib;
	size_t n, i;

	if (pos >= sc->len) {
		fsim_diags_add(sc->d, FSIM_SEV_ERROR, "ENC-03", NULL, sc->len,
		    "input ends after %zu bytes where a data item was expected",
		    sc->len);
		return FSIM_ERR_CBOR;
	}
	ib = sc->p[pos];
	h->major = (uint8_t)(ib >> 5);
	h->ai = (uint8_t)(ib & 0x1f);
	h->arg = 0;
	if (h->ai < 24) {
		h->arg = h->ai;
		h->hlen = 1;
		return FSIM_OK;
	}
	if (h->ai >= 28 && h->ai <= 30) {
		fsim_diags_add(sc->d, FSIM_SEV_ERROR, "ENC-03", NULL, pos,
		    "initial byte 0x%02x uses reserved additional information %u "
		    "(RFC 8949 §3)", ib, h->ai);
		return FSIM_ERR_CBOR;
	}
	if (h->ai == 31) {
		if (h->major >= 2 && h->major <= 5)
			fsim_diags_add(sc->d, FSIM_SEV_ERROR, "CBOR-01", NULL, pos,
			    "indefinite-length %s (initial byte 0x%02x); CTAP2 "
			    "canonical CBOR allows definite lengths only",
			    major_name(h->major), ib);
		else if (h->major == 7)
			fsim_diags_add(sc->d, FSIM_SEV_ERROR, "ENC-03", NULL, pos,
			    "break stop code 0xff outside an indefinite-length item");
		else
			fsim_diags_add(sc->d, FSIM_SEV_ERROR, "ENC-03", NULL, pos,
			    "initial byte 0x%02x is not well formed: a %s has no "
			    "indefinite form", ib, major_name(h->major));
		return FSIM_ERR_CBOR;
	}
	n = (size_t)1 << (h->ai - 24);
	if (sc->len - pos - 1 < n)
		return truncated(sc, pos, h->major);
	for (i = 0; i < n; i++)
		h->arg = h->arg << 8 | sc->p[pos + 1 + i];
	h->hlen = 1 + n;
	return FSIM_OK;
}

/* RFC 3629 §4: shortest form, no surrogates, nothing above U+10FFFF. */
static bool
utf8_valid(const uint8_t *s, size_t n, size_t *bad)
{
	size_t i = 0, k, need;
	uint32_t cp, min;

	while (i < n) {
		uint8_t c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else
			goto bad;
		if (n - i - 1 < need)
			goto bad;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += need + 1;
	}
	return true;
bad:
	*bad = i;
	return false;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct keydesc *x = a, *y = b;
	int c;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->arg != y->arg)
		return x->arg < y->arg ? -1 : 1;
	if (x->major == 3 && x->arg > 0) {
		c = memcmp(x->text, y->text, (size_t)x->arg);
		if (c != 0)
			return c;
	}
	/* Equal keys stay in input order, so the later one is reported. */
	return x->off < y->off ? -1 : x->off > y->off;
}

static void
report_dup(struct scan *sc, const struct keydesc *first,
    const struct keydesc *dup)
{
	char shown[48];
	size_t i, n;

	if (dup->major == 0)
		snprintf(shown, sizeof(shown), "%" PRIu64, dup->arg);
	else if (dup->major == 1 && dup->arg < UINT64_MAX)
		snprintf(shown, sizeof(shown), "-%" PRIu64, dup->arg + 1);
	else if (dup->major == 1)
		snprintf(shown, sizeof(shown), "-18446744073709551616");
	else {
		n = dup->arg < 40 ? (size_t)dup->arg : 40;
		shown[0] = '"';
		for (i = 0; i < n; i++) {
			uint8_t c = dup->text[i];
			shown[1 + i] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
		}
		snprintf(shown + 1 + n, sizeof(shown) - 1 - n, "\"%s",
		    dup->arg > n ? "..." : "");
	}
	fsim_diags_add(sc->d, FSIM_SEV_ERROR, "CBOR-DUP", NULL, dup->off,
	    "duplicate map key %s (first at offset %zu)", shown,
	    fsim_diags_abs(sc->d, first->off));
}

static int scan_item(struct scan *, size_t, unsigned, size_t *);

/* The map's head is at pos with n entries; entries start at pos + hlen. */
static int
scan_map(struct scan *sc, size_t pos, const struct head *h, unsigned depth,
    size_t *end)
{
	struct keydesc *keys = NULL;
	struct head kh;
	size_t cur = pos + h->hlen, n = (size_t)h->arg, nkeys = 0, i;
	int r;

	if (n > 0 && (keys = calloc(n, sizeof(*keys))) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		size_t koff = cur;

		if ((r = read_head(sc, cur, &kh)) != FSIM_OK ||
		    (r = scan_item(sc, cur, depth + 1, &cur)) != FSIM_OK)
			goto fail;
		if (kh.major == 0 || kh.major == 1 || kh.major == 3) {
			keys[nkeys].major = kh.major;
			keys[nkeys].arg = kh.arg;
			keys[nkeys].text = sc->p + koff + kh.hlen;
			keys[nkeys].off = koff;
			nkeys++;
		} else {
			fsim_diags_add(sc->d, FSIM_SEV_ERROR, "CBOR-KEYTYPE",
			    NULL, koff, "map key is a %s; keys must be integers "
			    "or text strings", head_name(&kh));
			sc->bad = true;
		}
		if ((r = scan_item(sc, cur, depth + 1, &cur)) != FSIM_OK)
			goto fail;
	}
	if (nkeys > 1) {
		qsort(keys, nkeys, sizeof(*keys), key_cmp);
		for (i = 1; i < nkeys; i++) {
			struct keydesc *a = &keys[i - 1], *b = &keys[i];
			if (a->major == b->major && a->arg == b->arg &&
			    (a->major != 3 || a->arg == 0 ||
			    memcmp(a->text, b->text, (size_t)a->arg) == 0)) {
				report_dup(sc, a, b);
				sc->bad = true;
			}
		}
	}
	*end = cur;
	r = FSIM_OK;
fail:
	free(keys);
	return r;
}

/* Check the item at pos; on success *end is the offset just after it. */
static int
scan_item(struct scan *sc, size_t pos, unsigned depth, size_t *end)
{
	struct head h;
	size_t rest, cur, i, bad;
	int r;

	if ((r = read_head(sc, pos, &h)) != FSIM_OK)
		return r;
	if (++sc->items > FSIM_CBOR_MAX_ITEMS) {
		fsim_diags_add(sc->d, FSIM_SEV_ERROR, "CBOR-01", NULL, pos,
		    "more than %d data items", FSIM_CBOR_MAX_ITEMS);
		return FSIM_ERR_CBOR;
	}
	rest = sc->len - pos - h.hlen;
	cur = pos + h.hlen;
	switch (h.major) {
	case 0:
	case 1:
		break;
	case 2:
	case 3:
		if (h.arg > rest)
			return too_long(sc, pos, &h, rest);
		if (h.major == 3 && !utf8_valid(sc->p + cur, (size_t)h.arg, &bad)) {
			fsim_diags_add(sc->d, FSIM_SEV_ERROR, "ENC-03", NULL,
			    cur + bad, "text string at offset %zu is not valid "
			    "UTF-8 (byte 0x%02x)", fsim_diags_abs(sc->d, pos),
			    sc->p[cur + bad]);
			return FSIM_ERR_CBOR;
		}
		cur += (size_t)h.arg;
		break;
	case 4:
	case 5:
		if (depth >= FSIM_CBOR_MAX_DEPTH) {
			fsim_diags_add(sc->d, FSIM_SEV_ERROR, "CBOR-01", NULL, pos,
			    "%s nested deeper than %d levels", major_name(h.major),
			    FSIM_CBOR_MAX_DEPTH);
			return FSIM_ERR_CBOR;
		}
		/* Every element takes at least one byte: a count the rest of
		 * the input cannot hold is truncation, and never reaches libcbor. */
		if (h.arg > (h.major == 4 ? rest : rest / 2))
			return too_long(sc, pos, &h, rest);
		if (h.major == 5)
			return scan_map(sc, pos, &h, depth, end);
		for (i = 0; i < (size_t)h.arg; i++)
			if ((r = scan_item(sc, cur, depth + 1, &cur)) != FSIM_OK)
				return r;
		break;
	case 6:
		fsim_diags_add(sc->d, FSIM_SEV_ERROR, "CBOR-01", NULL, pos,
		    "tag %" PRIu64 "; CTAP2 canonical CBOR has no tags", h.arg);
		return FSIM_ERR_CBOR;
	default:
		/* RFC 8949 §3.3: a one-byte simple value below 32 is not well formed. */
		if (h.ai == 24 && h.arg < 32) {
			fsim_diags_add(sc->d, FSIM_SEV_ERROR, "ENC-03", NULL, pos,
			    "simple value %" PRIu64 " in the two-byte form "
			    "(RFC 8949 §3.3)", h.arg);
			return FSIM_ERR_CBOR;
		}
		if (h.ai < 20 || h.ai == 24) {
			fsim_diags_add(sc->d, FSIM_SEV_ERROR, "CBOR-01", NULL, pos,
			    "unassigned simple value %" PRIu64 "; only false, true, "
			    "null and undefined are accepted", h.arg);
			return FSIM_ERR_CBOR;
		}
		break;
	}
	*end = cur;
	return FSIM_OK;
}

static int
decode_range(const uint8_t *ptr, size_t len, bool whole, cbor_item_t **out,
    size_t *used, fsim_diags_t *d)
{
	struct scan sc;
	struct cbor_load_result res;
	cbor_item_t *item = NULL;
	size_t end = 0;
	int r;

	if (out == NULL || (ptr == NULL && len > 0))
		return FSIM_ERR_ARG;
	memset(&sc, 0, sizeof(sc));
	sc.p = ptr;
	sc.len = len;
	sc.d = d;
	if ((r = scan_item(&sc, 0, 0, &end)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_CBOR;
	if (sc.bad)
		goto fail;
	if (whole && end != len) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-03", NULL, end,
		    "%zu trailing byte%s after the CBOR item, at offset %zu",
		    len - end, len - end == 1 ? "" : "s", fsim_diags_abs(d, end));
		goto fail;
	}
	memset(&res, 0, sizeof(res));
	if ((item = cbor_load(ptr, end, &res)) == NULL ||
	    res.error.code != CBOR_ERR_NONE || res.read != end) {
		if (res.error.code == CBOR_ERR_MEMERROR) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
		/* Our walker accepted it, so this is libcbor's limit, not ours. */
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-03", NULL,
		    res.error.position, "libcbor could not decode the item "
		    "(error %d)", (int)res.error.code);
		goto fail;
	}
	*out = item;
	item = NULL;
	if (used != NULL)
		*used = end;
	r = FSIM_OK;
fail:
	if (item != NULL)
		cbor_decref(&item);
	return r;
}

int
fsim_cbor_decode(const uint8_t *ptr, size_t len, cbor_item_t **out,
    fsim_diags_t *d)
{
	if (out != NULL)
		*out = NULL;
	return decode_range(ptr, len, true, out, NULL, d);
}

int
fsim_cbor_decode_prefix(const uint8_t *ptr, size_t len, cbor_item_t **out,
    size_t *used, fsim_diags_t *d)
{
	if (out != NULL)
		*out = NULL;
	if (used == NULL)
		return FSIM_ERR_ARG;
	*used = 0;
	return decode_range(ptr, len, false, out, used, d);
}

/* ---- lookups, getters, builders ------------------------------------- */

cbor_item_t *
fsim_cbor_map_get_int(const cbor_item_t *map, int64_t key)
{
	struct cbor_pair *pairs;
	size_t n, i;
	uint64_t want;
	cbor_type t;

	if (map == NULL || !cbor_isa_map(map))
		return NULL;
	/* A negint item holds -1 - value; INT64_MIN maps to INT64_MAX. */
	t = key >= 0 ? CBOR_TYPE_UINT : CBOR_TYPE_NEGINT;
	want = key >= 0 ? (uint64_t)key : (uint64_t)(-(key + 1));
	n = cbor_map_size(map);
	pairs = cbor_map_handle(map);
	for (i = 0; i < n; i++)
		if (pairs[i].key != NULL && cbor_typeof(pairs[i].key) == t &&
		    cbor_get_int(pairs[i].key) == want)
			return pairs[i].value;
	return NULL;
}

cbor_item_t *
fsim_cbor_map_get_str(const cbor_item_t *map, const char *key)
{
	struct cbor_pair *pairs;
	size_t n, i, klen;

	if (map == NULL || key == NULL || !cbor_isa_map(map))
		return NULL;
	klen = strlen(key);
	n = cbor_map_size(map);
	pairs = cbor_map_handle(map);
	for (i = 0; i < n; i++) {
		const cbor_item_t *k = pairs[i].key;
		if (k != NULL && cbor_isa_string(k) &&
		    cbor_string_is_definite(k) &&
		    cbor_string_length(k) == klen &&
		    (klen == 0 || memcmp(cbor_string_handle(k), key, klen) == 0))
			return pairs[i].value;
	}
	return NULL;
}

int
fsim_cbor_get_int(const cbor_item_t *item, int64_t *out)
{
	uint64_t v;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = 0;
	if (item == NULL)
		return FSIM_ERR_ARG;
	if (!cbor_isa_uint(item) && !cbor_isa_negint(item))
		return FSIM_ERR_FORMAT;
	v = cbor_get_int(item);
	if (v > INT64_MAX)
		return FSIM_ERR_FORMAT;
	/* Major type 1 encodes -1 - v (RFC 8949 §3.1); v <= INT64_MAX keeps it in range. */
	*out = cbor_isa_uint(item) ? (int64_t)v : -1 - (int64_t)v;
	return FSIM_OK;
}

int
fsim_cbor_get_text(const cbor_item_t *item, char **out)
{
	const unsigned char *s;
	char *p;
	size_t n;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (item == NULL)
		return FSIM_ERR_ARG;
	if (!cbor_isa_string(item) || !cbor_string_is_definite(item))
		return FSIM_ERR_FORMAT;
	n = cbor_string_length(item);
	s = cbor_string_handle(item);
	if (n > 0 && (s == NULL || memchr(s, '\0', n) != NULL))
		return FSIM_ERR_FORMAT;
	if (n == SIZE_MAX || (p = malloc(n + 1)) == NULL)
		return FSIM_ERR_NOMEM;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	*out = p;
	return FSIM_OK;
}

int
fsim_cbor_get_bytes(const cbor_item_t *item, const uint8_t **ptr, size_t *len)
{
	static const uint8_t empty[1];
	const uint8_t *h;

	if (ptr == NULL || len == NULL)
		return FSIM_ERR_ARG;
	*ptr = NULL;
	*len = 0;
	if (item == NULL)
		return FSIM_ERR_ARG;
	if (!cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item))
		return FSIM_ERR_FORMAT;
	h = cbor_bytestring_handle(item);
	if (h == NULL && cbor_bytestring_length(item) > 0)
		return FSIM_ERR_FORMAT;
	*ptr = h != NULL ? h : empty;
	*len = cbor_bytestring_length(item);
	return FSIM_OK;
}

cbor_item_t *
fsim_cbor_int(int64_t v)
{
	/* Negative v is stored as -1 - v, the major type 1 argument. */
	uint64_t u = v >= 0 ? (uint64_t)v : (uint64_t)(-(v + 1));

	if (u <= UINT8_MAX)
		return v >= 0 ? cbor_build_uint8((uint8_t)u) :
		    cbor_build_negint8((uint8_t)u);
	if (u <= UINT16_MAX)
		return v >= 0 ? cbor_build_uint16((uint16_t)u) :
		    cbor_build_negint16((uint16_t)u);
	if (u <= UINT32_MAX)
		return v >= 0 ? cbor_build_uint32((uint32_t)u) :
		    cbor_build_negint32((uint32_t)u);
	return v >= 0 ? cbor_build_uint64(u) : cbor_build_negint64(u);
}

cbor_item_t *
fsim_cbor_bytes(const uint8_t *ptr, size_t len)
{
	static const uint8_t empty[1];

	if (ptr == NULL && len > 0)
		return NULL;
	return cbor_build_bytestring(ptr != NULL ? ptr : empty, len);
}

cbor_item_t *
fsim_cbor_text(const char *s)
{
	if (s == NULL)
		return NULL;
	return cbor_build_string(s);
}

int
fsim_cbor_map_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
	int r = FSIM_ERR_ARG;

	if (map == NULL || key == NULL || value == NULL || !cbor_isa_map(map) ||
	    !cbor_map_is_definite(map))
		goto fail;
	/* A definite map holds what it was created for; adding past that fails. */
	if (cbor_map_size(map) >= cbor_map_allocated(map))
		goto fail;
	r = FSIM_ERR_NOMEM;
	if (!cbor_map_add(map, (struct cbor_pair){ .key = key, .value = value }))
		goto fail;
	r = FSIM_OK;
fail:
	/* On success the map holds its own references (cbor_map_add increfs). */
	if (key != NULL)
		cbor_decref(&key);
	if (value != NULL)
		cbor_decref(&value);
	return r;
}

int
fsim_cbor_array_push(cbor_item_t *arr, cbor_item_t *item)
{
	int r = FSIM_ERR_ARG;

	if (arr == NULL || item == NULL || !cbor_isa_array(arr) || !cbor_array_is_definite(arr))
		goto fail;
	r = cbor_array_push(arr, item) ? FSIM_OK : FSIM_ERR_NOMEM;
fail:
	/* On success the array holds its own reference (cbor_array_push increfs). */
	if (item != NULL)
		cbor_decref(&item);
	return r;
}

const char *
fsim_cbor_type_name(const cbor_item_t *item)
{
	if (item == NULL)
		return "nothing";
	switch (cbor_typeof(item)) {
	case CBOR_TYPE_UINT: return "unsigned integer";
	case CBOR_TYPE_NEGINT: return "negative integer";
	case CBOR_TYPE_BYTESTRING: return "byte string";
	case CBOR_TYPE_STRING: return "text string";
	case CBOR_TYPE_ARRAY: return "array";
	case CBOR_TYPE_MAP: return "map";
	case CBOR_TYPE_TAG: return "tag";
	case CBOR_TYPE_FLOAT_CTRL:
		if (!cbor_float_ctrl_is_ctrl(item))
			return "float";
		if (cbor_is_bool(item))
			return "boolean";
		if (cbor_is_null(item))
			return "null";
		if (cbor_is_undef(item))
			return "undefined";
		return "simple value";
	default:
		return "unknown";
	}
}
