/*
 * cborx_enc.c — CTAP2 canonical CBOR encoding (CTAP 2.1 §8 "Message
 * Encoding", rule CBOR-01) over libcbor items.
 *
 * Our own serializer, because cbor_serialize keeps whatever integer width an
 * item was built with: canonical form needs the shortest heads, definite
 * lengths and map keys sorted by major type, then encoded length, then bytes.
 * Part of the cborx module (cborx.h); decoding is in cborx.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cborx.h"

struct obuf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

static int
ob_put(struct obuf *b, const void *src, size_t n)
{
	size_t ncap;
	uint8_t *np;

	if (n > SIZE_MAX - b->len)
		return FSIM_ERR_NOMEM;
	if (b->len + n > b->cap) {
		ncap = b->cap ? b->cap : 64;
		while (ncap < b->len + n) {
			if (ncap > SIZE_MAX / 2)
				return FSIM_ERR_NOMEM;
			ncap *= 2;
		}
		if ((np = realloc(b->p, ncap)) == NULL)
			return FSIM_ERR_NOMEM;
		b->p = np;
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->p + b->len, src, n);
	b->len += n;
	return FSIM_OK;
}

/* Shortest head for the argument (RFC 8949 §4.2.1, CTAP 2.1 §8). */
static int
ob_head(struct obuf *b, uint8_t major, uint64_t arg)
{
	uint8_t h[9];
	size_t n, i;

	if (arg < 24) {
		h[0] = (uint8_t)(major << 5 | arg);
		return ob_put(b, h, 1);
	}
	if (arg <= UINT8_MAX) {
		h[0] = (uint8_t)(major << 5 | 24);
		n = 1;
	} else if (arg <= UINT16_MAX) {
		h[0] = (uint8_t)(major << 5 | 25);
		n = 2;
	} else if (arg <= UINT32_MAX) {
		h[0] = (uint8_t)(major << 5 | 26);
		n = 4;
	} else {
		h[0] = (uint8_t)(major << 5 | 27);
		n = 8;
	}
	for (i = 0; i < n; i++)
		h[1 + i] = (uint8_t)(arg >> (8 * (n - 1 - i)));
	return ob_put(b, h, 1 + n);
}

/* binary32 bits -> binary16 bits; exact for values that came from binary16. */
static uint16_t
half_bits(float f)
{
	uint32_t x, mant, exp, sign;
	int e;

	memcpy(&x, &f, sizeof(x));
	sign = (x >> 16) & 0x8000;
	exp = (x >> 23) & 0xff;
	mant = x & 0x7fffff;
	if (exp == 0xff)
		return (uint16_t)(mant != 0 ? 0x7e00 : sign | 0x7c00);
	if (exp == 0)
		return (uint16_t)sign;
	e = (int)exp - 127 + 15;
	if (e >= 31)
		return (uint16_t)(sign | 0x7c00);
	if (e <= 0) {
		unsigned shift = 126u - exp;
		return (uint16_t)(sign | (shift > 24 ? 0 : (mant | 0x800000) >> shift));
	}
	return (uint16_t)(sign | (uint32_t)e << 10 | mant >> 13);
}

static int
ob_float(struct obuf *b, const cbor_item_t *item)
{
	uint8_t h[9];
	uint64_t bits = 0;
	uint32_t b32;
	size_t n, i;
	float f;
	double g;

	switch (cbor_float_get_width(item)) {
	case CBOR_FLOAT_0:
		return ob_head(b, 7, cbor_ctrl_value(item));
	case CBOR_FLOAT_16:
		h[0] = 0xf9;
		bits = half_bits(cbor_float_get_float2(item));
		n = 2;
		break;
	case CBOR_FLOAT_32:
		h[0] = 0xfa;
		f = cbor_float_get_float4(item);
		memcpy(&b32, &f, sizeof(b32));
		bits = b32;
		n = 4;
		break;
	case CBOR_FLOAT_64:
		h[0] = 0xfb;
		g = cbor_float_get_float8(item);
		memcpy(&bits, &g, sizeof(bits));
		n = 8;
		break;
	default:
		return FSIM_ERR_CBOR;
	}
	for (i = 0; i < n; i++)
		h[1 + i] = (uint8_t)(bits >> (8 * (n - 1 - i)));
	return ob_put(b, h, 1 + n);
}

static int encode_item(struct obuf *, const cbor_item_t *, unsigned);

struct entry {
	size_t off;          /* in the scratch buffer */
	size_t klen;         /* encoded key length */
	size_t len;          /* encoded key + value length */
	const uint8_t *key;  /* set once the scratch buffer stops moving */
};

/* CTAP 2.1 §8: major type, then encoded length, then bytewise. */
static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if ((x->key[0] >> 5) != (y->key[0] >> 5))
		return (x->key[0] >> 5) < (y->key[0] >> 5) ? -1 : 1;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return memcmp(x->key, y->key, x->klen);
}

static int
encode_map(struct obuf *b, const cbor_item_t *item, unsigned depth)
{
	struct obuf scratch = { NULL, 0, 0 };
	struct entry *ents = NULL;
	struct cbor_pair *pairs;
	size_t n, i, start;
	int r = FSIM_ERR_CBOR;

	if (!cbor_map_is_definite(item))
		goto fail;
	n = cbor_map_size(item);
	pairs = cbor_map_handle(item);
	if ((r = ob_head(b, 5, n)) != FSIM_OK)
		goto fail;
	if (n == 0)
		goto done;
	r = FSIM_ERR_NOMEM;
	if ((ents = calloc(n, sizeof(*ents))) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		start = scratch.len;
		r = FSIM_ERR_CBOR;
		if (pairs[i].key == NULL || pairs[i].value == NULL)
			goto fail;
		if ((r = encode_item(&scratch, pairs[i].key, depth + 1)) != FSIM_OK)
			goto fail;
		ents[i].off = start;
		ents[i].klen = scratch.len - start;
		if ((r = encode_item(&scratch, pairs[i].value, depth + 1)) != FSIM_OK)
			goto fail;
		ents[i].len = scratch.len - start;
	}
	for (i = 0; i < n; i++)
		ents[i].key = scratch.p + ents[i].off;
	qsort(ents, n, sizeof(*ents), entry_cmp);
	for (i = 0; i < n; i++) {
		/* Equal encodings of canonical keys are equal values. */
		r = FSIM_ERR_CBOR;
		if (i > 0 && entry_cmp(&ents[i - 1], &ents[i]) == 0)
			goto fail;
		if ((r = ob_put(b, ents[i].key, ents[i].len)) != FSIM_OK)
			goto fail;
	}
done:
	r = FSIM_OK;
fail:
	free(ents);
	free(scratch.p);
	return r;
}

static int
encode_item(struct obuf *b, const cbor_item_t *item, unsigned depth)
{
	cbor_item_t **elems;
	size_t n, i;
	int r = FSIM_ERR_CBOR;

	if (item == NULL || depth > FSIM_CBOR_MAX_DEPTH)
		return FSIM_ERR_CBOR;
	switch (cbor_typeof(item)) {
	case CBOR_TYPE_UINT:
		return ob_head(b, 0, cbor_get_int(item));
	case CBOR_TYPE_NEGINT:
		return ob_head(b, 1, cbor_get_int(item));
	case CBOR_TYPE_BYTESTRING:
		if (!cbor_bytestring_is_definite(item))
			return FSIM_ERR_CBOR;
		n = cbor_bytestring_length(item);
		if ((r = ob_head(b, 2, n)) != FSIM_OK)
			return r;
		return ob_put(b, cbor_bytestring_handle(item), n);
	case CBOR_TYPE_STRING:
		if (!cbor_string_is_definite(item))
			return FSIM_ERR_CBOR;
		n = cbor_string_length(item);
		if ((r = ob_head(b, 3, n)) != FSIM_OK)
			return r;
		return ob_put(b, cbor_string_handle(item), n);
	case CBOR_TYPE_ARRAY:
		if (!cbor_array_is_definite(item))
			return FSIM_ERR_CBOR;
		n = cbor_array_size(item);
		elems = cbor_array_handle(item);
		if ((r = ob_head(b, 4, n)) != FSIM_OK)
			return r;
		for (i = 0; i < n; i++)
			if ((r = encode_item(b, elems[i], depth + 1)) != FSIM_OK)
				return r;
		return FSIM_OK;
	case CBOR_TYPE_MAP:
		return encode_map(b, item, depth);
	case CBOR_TYPE_FLOAT_CTRL:
		return ob_float(b, item);
	case CBOR_TYPE_TAG:
	default:
		return FSIM_ERR_CBOR;
	}
}

int
fsim_cbor_encode(const cbor_item_t *item, fsim_blob_t *out)
{
	struct obuf b = { NULL, 0, 0 };
	int r = FSIM_ERR_ARG;

	if (item == NULL || out == NULL)
		goto fail;
	if ((r = encode_item(&b, item, 0)) != FSIM_OK)
		goto fail;
	fsim_blob_reset(out);
	out->ptr = b.p;
	out->len = b.len;
	b.p = NULL;
	r = FSIM_OK;
fail:
	free(b.p);
	return r;
}

/*
 * The canonical check straight on the bytes (no decode, no allocation):
 * every CTAP message and attestation object is checked, several times per
 * response. It answers only where the answer of decoding and re-encoding is
 * certain from the bytes: YES when they are a well-formed item the decoder
 * takes (fsim_cbor_decode's rules: no tags, integer or text keys, no
 * duplicates, only false/true/null/undefined among simple values) already
 * in the encoder's form (shortest heads, definite lengths, keys in the
 * encoder's order); NO when the re-encoding would differ or could not be
 * made (a longer head, an indefinite length, keys out of order or repeated,
 * a tag, truncation, trailing bytes); UNSURE for what the decoder judges in
 * detail (floats, two-byte simple values, non-ASCII text, deep nesting,
 * very many items), which then takes the full path.
 */
enum { CANON_NO, CANON_YES, CANON_UNSURE };

#define CANON_MAX_ITEMS 4096    /* far below the decoder's limit: beyond it, unsure */

struct cscan {
	const uint8_t *p;
	size_t len;
	size_t items;
};

/* The head at pos: its major type, argument and length; NO when not the shortest form. */
static int
canon_head(const struct cscan *s, size_t pos, uint8_t *major, uint64_t *arg, size_t *hlen)
{
	uint8_t ai;
	size_t n, i;
	uint64_t v = 0;

	if (pos >= s->len)
		return CANON_NO;
	*major = s->p[pos] >> 5;
	ai = s->p[pos] & 0x1f;
	if (ai < 24) {
		*arg = ai;
		*hlen = 1;
		return CANON_YES;
	}
	if (*major == 7)
		return ai == 31 ? CANON_NO : CANON_UNSURE;
	if (ai > 27)
		return CANON_NO;        /* reserved, or an indefinite length */
	n = (size_t)1 << (ai - 24);
	if (s->len - pos - 1 < n)
		return CANON_NO;
	for (i = 0; i < n; i++)
		v = v << 8 | s->p[pos + 1 + i];
	*arg = v;
	*hlen = 1 + n;
	if ((ai == 24 && v < 24) || (ai == 25 && v <= UINT8_MAX) ||
	    (ai == 26 && v <= UINT16_MAX) || (ai == 27 && v <= UINT32_MAX))
		return CANON_NO;        /* a shorter head holds it */
	return CANON_YES;
}

static int
canon_item(struct cscan *s, size_t pos, unsigned depth, size_t *end)
{
	uint8_t major, kmajor = 0;
	uint64_t arg, i;
	size_t hlen, cur, rest, k, kprev = 0, klen, kprev_len = 0;
	int r;

	if (++s->items > CANON_MAX_ITEMS)
		return CANON_UNSURE;
	if ((r = canon_head(s, pos, &major, &arg, &hlen)) != CANON_YES)
		return r;
	cur = pos + hlen;
	rest = s->len - cur;
	switch (major) {
	case 0:
	case 1:
		break;
	case 2:
	case 3:
		if (arg > rest)
			return CANON_NO;
		if (major == 3)
			for (k = 0; k < (size_t)arg; k++)
				if (s->p[cur + k] >= 0x80)
					return CANON_UNSURE;   /* UTF-8 is the decoder's to judge */
		cur += (size_t)arg;
		break;
	case 4:
	case 5:
		if (depth >= FSIM_CBOR_MAX_DEPTH)
			return CANON_UNSURE;
		if (arg > rest)
			return CANON_NO;
		for (i = 0; i < arg; i++) {
			if (major == 5) {
				uint8_t m;

				if (cur >= s->len)
					return CANON_NO;
				m = s->p[cur] >> 5;
				k = cur;
				/* the decoder takes integer and text keys only */
				if (m != 0 && m != 1 && m != 3)
					return CANON_NO;
				if ((r = canon_item(s, cur, depth + 1, &cur)) != CANON_YES)
					return r;
				klen = cur - k;
				/* strictly after the previous key: major type, length, bytes */
				if (i > 0 && (m < kmajor || (m == kmajor && (klen < kprev_len ||
				    (klen == kprev_len && memcmp(s->p + kprev, s->p + k, klen) >= 0)))))
					return CANON_NO;
				kmajor = m;
				kprev = k;
				kprev_len = klen;
			}
			if ((r = canon_item(s, cur, depth + 1, &cur)) != CANON_YES)
				return r;
		}
		break;
	case 6:
		return CANON_NO;        /* tags: the decoder refuses them */
	default:
		/* false, true, null, undefined; other one-byte simple values are refused */
		if (arg < 20)
			return CANON_NO;
		break;
	}
	*end = cur;
	return CANON_YES;
}

/* The full path, and the definition: decode, re-encode, compare. */
static bool
canonical_by_reencoding(const uint8_t *ptr, size_t len)
{
	cbor_item_t *item = NULL;
	fsim_blob_t enc = { NULL, 0 };
	bool ok = false;

	if (fsim_cbor_decode(ptr, len, &item, NULL) != FSIM_OK)
		goto fail;
	if (fsim_cbor_encode(item, &enc) != FSIM_OK)
		goto fail;
	ok = enc.len == len && memcmp(enc.ptr, ptr, len) == 0;
fail:
	fsim_blob_reset(&enc);
	if (item != NULL)
		cbor_decref(&item);
	return ok;
}

bool
fsim_cbor_is_canonical(const uint8_t *ptr, size_t len)
{
	struct cscan s = { ptr, len, 0 };
	size_t end = 0;
	int r;

	if (ptr == NULL)
		return false;
	if ((r = canon_item(&s, 0, 0, &end)) == CANON_YES)
		return end == len;
	if (r == CANON_NO)
		return false;
	return canonical_by_reencoding(ptr, len);
}
