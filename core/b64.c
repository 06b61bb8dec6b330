/*
 * b64.c — base64url (WebAuthn §3 "Base64url Encoding", RFC 4648 §5),
 * standard base64 (RFC 4648 §4) and hex.
 *
 * WebAuthn values travel as unpadded base64url. The decoder is strict on
 * purpose (rule ENC-01): every character outside the URL-safe alphabet,
 * padding, whitespace, an impossible length and non-zero unused bits are
 * reported, so two different strings never decode to the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"

static const char b64url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char b64std_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Value of each byte in the two alphabets, 0xff for a byte outside it: one
 * load per character instead of a chain of range tests (base64url decoding
 * sits on every ceremony's path; an ML-DSA signature is 3.3 kB of it).
 */
#define B64_BAD 0xff
#define B64_ROW(x) B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, \
    B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD
static const uint8_t b64_table[2][256] = {
	/* [0]: standard, [1]: URL-safe; rows of 16 from 0x00 */
	{
		B64_ROW(0), B64_ROW(1),
		B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, B64_BAD, B64_BAD, 62, B64_BAD, B64_BAD, B64_BAD, 63,
		52, 53, 54, 55, 56, 57, 58, 59, 60, 61, B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
		15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, B64_BAD,
		B64_BAD, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
		41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, B64_BAD,
		B64_ROW(8), B64_ROW(9), B64_ROW(10), B64_ROW(11), B64_ROW(12),
		B64_ROW(13), B64_ROW(14), B64_ROW(15),
	},
	{
		B64_ROW(0), B64_ROW(1),
		B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, 62, B64_BAD, B64_BAD,
		52, 53, 54, 55, 56, 57, 58, 59, 60, 61, B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
		15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, 63,
		B64_BAD, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
		41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, B64_BAD, B64_BAD, B64_BAD,
		B64_BAD, B64_BAD,
		B64_ROW(8), B64_ROW(9), B64_ROW(10), B64_ROW(11), B64_ROW(12),
		B64_ROW(13), B64_ROW(14), B64_ROW(15),
	},
};

/* Describe why c is not base64url, for the ENC-01 message. */
static void
report_bad_char(fsim_diags_t *d, const char *field, size_t i, unsigned char c)
{
	if (c == '=')
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-01", field, i,
		    "padding '=' at index %zu; base64url in WebAuthn has no padding", i);
	else if (c == '+' || c == '/')
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-01", field, i,
		    "standard base64 character '%c' at index %zu; base64url uses "
		    "'-' and '_'", c, i);
	else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v')
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-01", field, i,
		    "whitespace (0x%02x) at index %zu", c, i);
	else if (c >= 0x21 && c < 0x7f)
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-01", field, i,
		    "character '%c' at index %zu is not in the base64url alphabet",
		    c, i);
	else
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-01", field, i,
		    "byte 0x%02x at index %zu is not in the base64url alphabet",
		    c, i);
}

/*
 * Decode n characters of s (all already known to be in the alphabet, with
 * n % 4 != 1) into a new buffer. Returns the index of the last character if
 * its unused low bits are not zero (RFC 4648 §3.5), via *badbits.
 */
static int
decode_groups(const char *s, size_t n, bool url, uint8_t **out, size_t *outlen,
    bool *badbits)
{
	const uint8_t *t = b64_table[url];
	const unsigned char *u = (const unsigned char *)s;
	uint8_t *p = NULL;
	size_t olen, i, o = 0;
	uint32_t acc = 0;
	unsigned nbits = 0;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	*outlen = 0;
	*badbits = false;
	olen = n / 4 * 3 + (n % 4 == 2 ? 1 : n % 4 == 3 ? 2 : 0);
	if (olen > 0 && (p = malloc(olen)) == NULL)
		goto fail;
	/* whole groups: four characters make three bytes */
	for (i = 0; i + 4 <= n; i += 4) {
		acc = (uint32_t)t[u[i]] << 18 | (uint32_t)t[u[i + 1]] << 12 |
		    (uint32_t)t[u[i + 2]] << 6 | t[u[i + 3]];
		p[o++] = (uint8_t)(acc >> 16);
		p[o++] = (uint8_t)(acc >> 8);
		p[o++] = (uint8_t)acc;
	}
	acc = 0;
	for (; i < n; i++) {
		acc = (acc << 6) | t[u[i]];
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			p[o++] = (uint8_t)(acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	/* Leftover bits (2 or 4) must be zero, or the string is not canonical. */
	if (nbits > 0 && acc != 0)
		*badbits = true;
	*out = p;
	*outlen = olen;
	p = NULL;
	r = FSIM_OK;
fail:
	free(p);
	return r;
}

/* Index of the first byte of s outside the alphabet, or n. */
static size_t
first_bad(const char *s, size_t n, bool url)
{
	const uint8_t *t = b64_table[url];
	const unsigned char *u = (const unsigned char *)s;
	size_t i;
	uint8_t any;

	/* OR of four values has the high bit only if one of them is B64_BAD */
	for (i = 0; i + 4 <= n; i += 4) {
		any = t[u[i]] | t[u[i + 1]] | t[u[i + 2]] | t[u[i + 3]];
		if (any & 0x80)
			break;
	}
	for (; i < n; i++)
		if (t[u[i]] == B64_BAD)
			return i;
	return n;
}

static void
blob_take(fsim_blob_t *out, uint8_t *p, size_t len)
{
	fsim_blob_reset(out);
	out->ptr = p;
	out->len = len;
}

int
fsim_b64url_decode(const char *s, size_t slen, fsim_blob_t *out,
    fsim_diags_t *d, const char *field)
{
	uint8_t *p = NULL;
	size_t plen = 0, i;
	bool badbits;
	int r = FSIM_ERR_ARG;

	if (out == NULL || (s == NULL && slen > 0))
		goto fail;
	r = FSIM_ERR_ENCODING;
	if ((i = first_bad(s, slen, true)) < slen) {
		report_bad_char(d, field, i, (unsigned char)s[i]);
		goto fail;
	}
	if (slen % 4 == 1) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-01", field, slen - 1,
		    "length %zu is 1 more than a multiple of 4; no base64url "
		    "string has that length", slen);
		goto fail;
	}
	if ((r = decode_groups(s, slen, true, &p, &plen, &badbits)) != FSIM_OK)
		goto fail;
	if (badbits) {
		r = FSIM_ERR_ENCODING;
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-01", field, slen - 1,
		    "last character '%c' has non-zero unused bits "
		    "(RFC 4648 §3.5)", s[slen - 1]);
		goto fail;
	}
	blob_take(out, p, plen);
	p = NULL;
	r = FSIM_OK;
fail:
	free(p);
	return r;
}

static int
b64_encode(const uint8_t *ptr, size_t len, bool url, char **out)
{
	const char *alpha = url ? b64url_alpha : b64std_alpha;
	char *s = NULL;
	size_t slen, i, o = 0;
	uint32_t v;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (ptr == NULL && len > 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if (len / 3 >= (SIZE_MAX - 8) / 4)
		goto fail;
	slen = (len + 2) / 3 * 4;
	if ((s = malloc(slen + 1)) == NULL)
		goto fail;
	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)ptr[i] << 16 | (uint32_t)ptr[i + 1] << 8 | ptr[i + 2];
		s[o++] = alpha[(v >> 18) & 63];
		s[o++] = alpha[(v >> 12) & 63];
		s[o++] = alpha[(v >> 6) & 63];
		s[o++] = alpha[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)ptr[i] << 16;
		s[o++] = alpha[(v >> 18) & 63];
		s[o++] = alpha[(v >> 12) & 63];
		if (!url) {
			s[o++] = '=';
			s[o++] = '=';
		}
	} else if (len - i == 2) {
		v = (uint32_t)ptr[i] << 16 | (uint32_t)ptr[i + 1] << 8;
		s[o++] = alpha[(v >> 18) & 63];
		s[o++] = alpha[(v >> 12) & 63];
		s[o++] = alpha[(v >> 6) & 63];
		if (!url)
			s[o++] = '=';
	}
	s[o] = '\0';
	*out = s;
	s = NULL;
	r = FSIM_OK;
fail:
	free(s);
	return r;
}

int
fsim_b64url_encode(const uint8_t *ptr, size_t len, char **out)
{
	/* WebAuthn §3: base64url with all trailing '=' omitted. */
	return b64_encode(ptr, len, true, out);
}

int
fsim_b64_decode(const char *s, size_t slen, fsim_blob_t *out)
{
	uint8_t *p = NULL;
	size_t plen = 0, n, pad = 0;
	bool badbits;
	int r = FSIM_ERR_ARG;

	if (out == NULL || (s == NULL && slen > 0))
		goto fail;
	r = FSIM_ERR_ENCODING;
	/* Padding is optional, but when present it completes the last group. */
	n = slen;
	while (n > 0 && s[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (pad > 0 && slen % 4 != 0)
		goto fail;
	if (n % 4 == 1 || (pad > 0 && n % 4 == 0))
		goto fail;
	if (first_bad(s, n, false) < n)
		goto fail;
	if ((r = decode_groups(s, n, false, &p, &plen, &badbits)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_ENCODING;
	if (badbits)
		goto fail;
	blob_take(out, p, plen);
	p = NULL;
	r = FSIM_OK;
fail:
	free(p);
	return r;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
fsim_hex_decode(const char *s, size_t slen, fsim_blob_t *out)
{
	uint8_t *p = NULL;
	size_t i;
	int hi, lo, r = FSIM_ERR_ARG;

	if (out == NULL || (s == NULL && slen > 0))
		goto fail;
	r = FSIM_ERR_ENCODING;
	if (slen % 2 != 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if (slen > 0 && (p = malloc(slen / 2)) == NULL)
		goto fail;
	r = FSIM_ERR_ENCODING;
	for (i = 0; i < slen; i += 2) {
		hi = hex_value((unsigned char)s[i]);
		lo = hex_value((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			goto fail;
		p[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	blob_take(out, p, slen / 2);
	p = NULL;
	r = FSIM_OK;
fail:
	free(p);
	return r;
}

int
fsim_hex_encode(const uint8_t *ptr, size_t len, char **out)
{
	static const char digits[] = "0123456789abcdef";
	char *s = NULL;
	size_t i;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (ptr == NULL && len > 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if (len >= (SIZE_MAX - 1) / 2)
		goto fail;
	if ((s = malloc(len * 2 + 1)) == NULL)
		goto fail;
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[ptr[i] >> 4];
		s[2 * i + 1] = digits[ptr[i] & 0x0f];
	}
	s[2 * len] = '\0';
	*out = s;
	s = NULL;
	r = FSIM_OK;
fail:
	free(s);
	return r;
}
