/*
 * der.c — bounds-checked DER TLV reader (X.690 §8.1, §10.1).
 */
#include <string.h>

#include "rp-sim/der.h"

/*
 * Identifier octets (X.690 §8.1.2): class, form, and a tag number either in
 * the low five bits or, when they are all ones, in base-128 bytes after it
 * (high bit = more follow). DER wants the short form for 0..30, so a long
 * form holding a number below 31 is refused, as is a leading 0x80 byte.
 */
static int
read_ident(const uint8_t *p, size_t left, fsim_der_t *t, size_t *used)
{
	size_t i = 1;
	uint32_t tag;

	if (left < 1)
		return FSIM_ERR_FORMAT;
	t->cls = p[0] & 0xc0;
	t->cons = (p[0] & 0x20) != 0;
	tag = p[0] & 0x1f;
	if (tag == 0x1f) {
		tag = 0;
		if (left < 2 || p[1] == 0x80)
			return FSIM_ERR_FORMAT;
		do {
			if (i >= left || tag > (FSIM_DER_MAX_TAG >> 7))
				return FSIM_ERR_FORMAT;
			tag = (tag << 7) | (p[i] & 0x7f);
		} while ((p[i++] & 0x80) != 0);
		if (tag < 0x1f)
			return FSIM_ERR_FORMAT;
	}
	t->tag = tag;
	*used = i;
	return 0;
}

/*
 * Length octets (X.690 §8.1.3, §10.1): short form below 128, else 0x81..0x84
 * and that many big-endian bytes, the first not zero and the value not below
 * 128 (shortest form). 0x80 (indefinite) is BER only.
 */
static int
read_len(const uint8_t *p, size_t left, size_t *len, size_t *used)
{
	size_t n, i, v = 0;

	if (left < 1)
		return FSIM_ERR_FORMAT;
	if (p[0] < 0x80) {
		*len = p[0];
		*used = 1;
		return 0;
	}
	n = p[0] & 0x7f;
	if (n == 0 || n > 4 || n >= left || p[1] == 0)
		return FSIM_ERR_FORMAT;
	for (i = 1; i <= n; i++)
		v = (v << 8) | p[i];
	if (v < 0x80)
		return FSIM_ERR_FORMAT;
	*len = v;
	*used = n + 1;
	return 0;
}

int
fsim_der_next(const uint8_t **p, size_t *left, fsim_der_t *out)
{
	fsim_der_t t;
	size_t ilen = 0, llen = 0, len = 0;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (p == NULL || *p == NULL || left == NULL || out == NULL)
		return FSIM_ERR_ARG;
	memset(&t, 0, sizeof(t));
	if (read_ident(*p, *left, &t, &ilen) != 0 ||
	    read_len(*p + ilen, *left - ilen, &len, &llen) != 0)
		return FSIM_ERR_FORMAT;
	t.hdr = ilen + llen;
	if (len > *left - t.hdr)
		return FSIM_ERR_FORMAT;
	t.val = *p + t.hdr;
	t.len = len;
	*p += t.hdr + len;
	*left -= t.hdr + len;
	*out = t;
	return 0;
}

int
fsim_der_one(const uint8_t *ptr, size_t len, fsim_der_t *out)
{
	fsim_der_t t;
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL)
		return FSIM_ERR_ARG;
	if ((r = fsim_der_next(&ptr, &len, &t)) != 0)
		return r;
	if (len != 0)
		return FSIM_ERR_FORMAT;
	*out = t;
	return 0;
}

bool
fsim_der_is(const fsim_der_t *t, uint8_t cls, bool cons, uint32_t tag)
{
	return t != NULL && t->cls == cls && t->cons == cons && t->tag == tag;
}

/*
 * X.690 §8.3: two's complement, big-endian, at least one byte; DER forbids
 * a first byte of 0x00 followed by a byte below 0x80, or 0xff followed by
 * one at or above 0x80 (non-minimal).
 */
int
fsim_der_int(const fsim_der_t *t, int64_t *out)
{
	uint64_t v;
	size_t i;

	if (t == NULL || out == NULL)
		return FSIM_ERR_ARG;
	if (t->cons || t->len == 0 || t->len > 8)
		return FSIM_ERR_FORMAT;
	if (t->len > 1 && ((t->val[0] == 0x00 && t->val[1] < 0x80) ||
	    (t->val[0] == 0xff && t->val[1] >= 0x80)))
		return FSIM_ERR_FORMAT;
	/* sign-extend from the first byte, then shift the rest in */
	v = (t->val[0] & 0x80) != 0 ? UINT64_MAX : 0;
	for (i = 0; i < t->len; i++)
		v = (v << 8) | t->val[i];
	*out = (int64_t)v;
	return 0;
}
