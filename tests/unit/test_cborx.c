/*
 * test_cborx.c — strict CBOR decoding (ENC-03, CBOR-01, CBOR-DUP,
 * CBOR-KEYTYPE) and CTAP2 canonical encoding (CBOR-01, CTAP 2.1 §8).
 * Byte vectors are written by hand from RFC 8949 §3 and Appendix A; the
 * attestation objects come from the W3C WebAuthn L3 test vectors (§16).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "core/b64.h"
#include "core/cborx.h"

#define B(...) ((const uint8_t[]){ __VA_ARGS__ })
#define N(...) sizeof((const uint8_t[]){ __VA_ARGS__ })
/* Decode a literal and expect a failure with `rule` at `off`. */
#define EXPECT_FAIL(rule, off, ...) \
	expect_fail(B(__VA_ARGS__), N(__VA_ARGS__), rule, off)

static void
expect_fail(const uint8_t *p, size_t n, const char *rule, size_t off)
{
	fsim_diags_t d;
	cbor_item_t *item = (cbor_item_t *)(uintptr_t)1;
	const fsim_diag_t *e;

	fsim_diags_init(&d);
	assert_int_equal(fsim_cbor_decode(p, n, &item, &d), FSIM_ERR_CBOR);
	assert_null(item);
	assert_true(fsim_diags_has(&d, rule));
	e = fsim_diags_first(&d, FSIM_SEV_ERROR);
	assert_non_null(e);
	assert_string_equal(e->rule, rule);
	assert_int_equal(e->offset, off);
	assert_false(fsim_cbor_is_canonical(p, n));
	fsim_diags_clear(&d);
}

/* Decode, re-encode, expect the same bytes back and no diagnostics. */
static void
expect_roundtrip(const uint8_t *p, size_t n)
{
	fsim_diags_t d;
	cbor_item_t *item = NULL;
	fsim_blob_t enc = { 0 };

	fsim_diags_init(&d);
	assert_int_equal(fsim_cbor_decode(p, n, &item, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(fsim_cbor_encode(item, &enc), FSIM_OK);
	assert_int_equal(enc.len, n);
	assert_memory_equal(enc.ptr, p, n);
	assert_true(fsim_cbor_is_canonical(p, n));
	fsim_blob_reset(&enc);
	cbor_decref(&item);
	fsim_diags_clear(&d);
}
#define ROUNDTRIP(...) expect_roundtrip(B(__VA_ARGS__), N(__VA_ARGS__))

/* Decodes, but the canonical encoding is `want`. */
static void
expect_noncanonical(const uint8_t *p, size_t n, const uint8_t *want, size_t wn)
{
	cbor_item_t *item = NULL;
	fsim_blob_t enc = { 0 };

	assert_int_equal(fsim_cbor_decode(p, n, &item, NULL), FSIM_OK);
	assert_false(fsim_cbor_is_canonical(p, n));
	assert_int_equal(fsim_cbor_encode(item, &enc), FSIM_OK);
	assert_int_equal(enc.len, wn);
	assert_memory_equal(enc.ptr, want, wn);
	assert_true(fsim_cbor_is_canonical(enc.ptr, enc.len));
	fsim_blob_reset(&enc);
	cbor_decref(&item);
}

static void
test_roundtrip_scalars(void **state)
{
	(void)state;
	ROUNDTRIP(0x00);
	ROUNDTRIP(0x17);
	ROUNDTRIP(0x18, 0x18);
	ROUNDTRIP(0x18, 0xff);
	ROUNDTRIP(0x19, 0x01, 0x00);
	ROUNDTRIP(0x1a, 0x00, 0x01, 0x00, 0x00);
	ROUNDTRIP(0x1b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00);
	ROUNDTRIP(0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	ROUNDTRIP(0x20);
	ROUNDTRIP(0x38, 0x18);
	ROUNDTRIP(0x39, 0x01, 0x00);
	ROUNDTRIP(0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	ROUNDTRIP(0x40);
	ROUNDTRIP(0x44, 0x01, 0x02, 0x03, 0x04);
	ROUNDTRIP(0x60);
	ROUNDTRIP(0x61, 0x61);
	ROUNDTRIP(0x62, 0xc3, 0xbc);                  /* "ü" */
	ROUNDTRIP(0x64, 0xf0, 0x9f, 0x94, 0x91);      /* U+1F511 */
	ROUNDTRIP(0xf4);
	ROUNDTRIP(0xf5);
	ROUNDTRIP(0xf6);
	ROUNDTRIP(0xf7);
}

static void
test_roundtrip_floats(void **state)
{
	(void)state;
	/* Floats keep the width they were sent with (RFC 8949 Appendix A). */
	ROUNDTRIP(0xf9, 0x3c, 0x00);                  /* 1.0 */
	ROUNDTRIP(0xf9, 0x80, 0x00);                  /* -0.0 */
	ROUNDTRIP(0xf9, 0x7b, 0xff);                  /* 65504.0 */
	ROUNDTRIP(0xf9, 0x04, 0x00);                  /* smallest normal */
	ROUNDTRIP(0xf9, 0x00, 0x01);                  /* smallest subnormal */
	ROUNDTRIP(0xf9, 0x03, 0xff);                  /* largest subnormal */
	ROUNDTRIP(0xf9, 0x7c, 0x00);                  /* Infinity */
	ROUNDTRIP(0xf9, 0xfc, 0x00);                  /* -Infinity */
	ROUNDTRIP(0xf9, 0x7e, 0x00);                  /* NaN */
	ROUNDTRIP(0xf9, 0xc4, 0x00);                  /* -4.0 */
	ROUNDTRIP(0xfa, 0x47, 0xc3, 0x50, 0x00);      /* 100000.0 */
	ROUNDTRIP(0xfb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a);
}

static void
test_roundtrip_containers(void **state)
{
	(void)state;
	ROUNDTRIP(0x80);
	ROUNDTRIP(0x83, 0x01, 0x02, 0x03);
	ROUNDTRIP(0x82, 0x61, 0x61, 0xa1, 0x61, 0x62, 0x61, 0x63);
	ROUNDTRIP(0xa0);
	ROUNDTRIP(0xa2, 0x01, 0x02, 0x03, 0x04);
	/* A COSE_Key shaped map: {1: 2, 3: -7, -1: 1} in canonical order. */
	ROUNDTRIP(0xa3, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01);
	ROUNDTRIP(0xa2, 0x61, 0x61, 0x80, 0x62, 0x61, 0x61, 0xa0);
}

/* Every proper prefix of a valid item is truncated at its end (ENC-03). */
static void
test_truncated_everywhere(void **state)
{
	static const uint8_t item[] = {
		0xa3, 0x01, 0x83, 0x19, 0x01, 0x00, 0x44, 1, 2, 3, 4, 0xf9, 0x3c,
		0x00, 0x20, 0x1b, 0, 0, 0, 1, 0, 0, 0, 0,
		0x63, 'f', 'm', 't', 0x64, 'n', 'o', 'n', 'e',
	};
	size_t cut;

	(void)state;
	expect_roundtrip(item, sizeof(item));
	for (cut = 0; cut < sizeof(item); cut++)
		expect_fail(item, cut, "ENC-03", cut);
}

static void
test_truncated_messages(void **state)
{
	fsim_diags_t d;
	cbor_item_t *item = NULL;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_cbor_decode(B(0x44, 1, 2), 3, &item, &d),
	    FSIM_ERR_CBOR);
	assert_non_null(strstr(d.v[0].msg, "declares 4 bytes"));
	assert_non_null(strstr(d.v[0].msg, "only 2 bytes remain"));
	fsim_diags_clear(&d);
}

static void
test_empty_input(void **state)
{
	fsim_diags_t d;
	cbor_item_t *item = NULL;
	size_t used = 7;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_cbor_decode(B(0), 0, &item, &d), FSIM_ERR_CBOR);
	assert_true(fsim_diags_has(&d, "ENC-03"));
	assert_int_equal(d.v[0].offset, 0);
	assert_int_equal(fsim_cbor_decode_prefix(NULL, 0, &item, &used, &d),
	    FSIM_ERR_CBOR);
	assert_int_equal(used, 0);
	assert_int_equal(fsim_cbor_decode(NULL, 3, &item, &d), FSIM_ERR_ARG);
	fsim_diags_clear(&d);
}

static void
test_trailing_bytes(void **state)
{
	fsim_diags_t d;
	cbor_item_t *item = NULL;
	size_t used = 0;

	(void)state;
	EXPECT_FAIL("ENC-03", 1, 0x01, 0x00);
	EXPECT_FAIL("ENC-03", 3, 0xa1, 0x01, 0x02, 0xff, 0xff);
	fsim_diags_init(&d);
	assert_int_equal(fsim_cbor_decode(B(0x82, 1, 2, 3, 4), 5, &item, &d),
	    FSIM_ERR_CBOR);
	assert_non_null(strstr(d.v[0].msg, "2 trailing bytes"));
	/* The prefix decoder leaves the rest to the caller. */
	fsim_diags_clear(&d);
	assert_int_equal(fsim_cbor_decode_prefix(B(0x82, 1, 2, 3, 4), 5, &item,
	    &used, &d), FSIM_OK);
	assert_int_equal(used, 3);
	assert_int_equal(d.n, 0);
	assert_true(cbor_isa_array(item));
	assert_int_equal(cbor_array_size(item), 2);
	cbor_decref(&item);
	/* ...but the prefix item itself must still be whole. */
	assert_int_equal(fsim_cbor_decode_prefix(B(0x82, 1), 2, &item, &used,
	    &d), FSIM_ERR_CBOR);
	assert_true(fsim_diags_has(&d, "ENC-03"));
	assert_null(item);
	fsim_diags_clear(&d);
}

static void
test_indefinite_lengths(void **state)
{
	(void)state;
	EXPECT_FAIL("CBOR-01", 0, 0x5f, 0x41, 0x01, 0xff);       /* bytes */
	EXPECT_FAIL("CBOR-01", 0, 0x7f, 0x61, 0x61, 0xff);       /* text */
	EXPECT_FAIL("CBOR-01", 0, 0x9f, 0x01, 0xff);             /* array */
	EXPECT_FAIL("CBOR-01", 0, 0xbf, 0x01, 0x02, 0xff);       /* map */
	EXPECT_FAIL("CBOR-01", 1, 0x81, 0x9f, 0xff);             /* nested */
	EXPECT_FAIL("CBOR-01", 3, 0xa1, 0x61, 0x6b, 0xbf, 0xff);
}

static void
test_tags(void **state)
{
	(void)state;
	EXPECT_FAIL("CBOR-01", 0, 0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0);
	EXPECT_FAIL("CBOR-01", 0, 0xd8, 0x18, 0x41, 0x00);
	EXPECT_FAIL("CBOR-01", 2, 0x82, 0x01, 0xc2, 0x41, 0x01);
}

static void
test_reserved_and_malformed_heads(void **state)
{
	static const uint8_t reserved[] = {
		0x1c, 0x1d, 0x1e, 0x3c, 0x5d, 0x7e, 0x9c, 0xbd, 0xde, 0xfc,
		0xfd, 0xfe,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reserved); i++)
		expect_fail(&reserved[i], 1, "ENC-03", 0);
	EXPECT_FAIL("ENC-03", 1, 0x82, 0x1c, 0x00);
	/* Stray break, and "indefinite" integers/tags that do not exist. */
	EXPECT_FAIL("ENC-03", 0, 0xff);
	EXPECT_FAIL("ENC-03", 1, 0x81, 0xff);
	EXPECT_FAIL("ENC-03", 0, 0x1f);
	EXPECT_FAIL("ENC-03", 0, 0x3f);
	EXPECT_FAIL("ENC-03", 0, 0xdf);
	/* RFC 8949 §3.3: simple values 0..31 are never in the two-byte form. */
	EXPECT_FAIL("ENC-03", 0, 0xf8, 0x10);
	EXPECT_FAIL("ENC-03", 0, 0xf8, 0x18);
	EXPECT_FAIL("ENC-03", 0, 0xf8, 0x1f);
	/* Well formed but unassigned simple values are not accepted. */
	EXPECT_FAIL("CBOR-01", 0, 0xe0);
	EXPECT_FAIL("CBOR-01", 0, 0xf3);
	EXPECT_FAIL("CBOR-01", 0, 0xf8, 0x20);
	EXPECT_FAIL("CBOR-01", 0, 0xf8, 0xff);
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	EXPECT_FAIL("ENC-03", 1, 0x62, 0xc3, 0x28);          /* bad continuation */
	EXPECT_FAIL("ENC-03", 1, 0x62, 0xc0, 0x80);          /* overlong NUL */
	EXPECT_FAIL("ENC-03", 1, 0x63, 0xed, 0xa0, 0x80);    /* surrogate */
	EXPECT_FAIL("ENC-03", 2, 0x62, 0x61, 0xe2);          /* cut sequence */
	EXPECT_FAIL("ENC-03", 1, 0x61, 0xff);
}

/* Declared lengths far beyond the input fail before libcbor allocates. */
static void
test_huge_declared_lengths(void **state)
{
	static const uint8_t heads[] = { 0x5b, 0x7b, 0x9b, 0xbb };
	uint8_t buf[12];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(heads); i++) {
		buf[0] = heads[i];
		memset(buf + 1, 0xff, 8);
		expect_fail(buf, 9, "ENC-03", 9);
		buf[9] = 0x00;
		expect_fail(buf, 10, "ENC-03", 10);
	}
	EXPECT_FAIL("ENC-03", 5, 0x9a, 0xff, 0xff, 0xff, 0xff);
	/* Three map entries need at least six bytes; five remain. */
	EXPECT_FAIL("ENC-03", 6, 0xa3, 0x01, 0x02, 0x03, 0x04, 0x05);
	/* An array of 2 needs 2 bytes: the count fits, the content does not. */
	EXPECT_FAIL("ENC-03", 3, 0x82, 0x41, 0x00);
}

static void
test_depth_limit(void **state)
{
	uint8_t buf[FSIM_CBOR_MAX_DEPTH + 2];
	cbor_item_t *item = NULL;

	(void)state;
	/* FSIM_CBOR_MAX_DEPTH nested arrays, the innermost holding 0: accepted. */
	memset(buf, 0x81, FSIM_CBOR_MAX_DEPTH);
	buf[FSIM_CBOR_MAX_DEPTH] = 0x00;
	assert_int_equal(fsim_cbor_decode(buf, FSIM_CBOR_MAX_DEPTH + 1, &item,
	    NULL), FSIM_OK);
	cbor_decref(&item);
	expect_roundtrip(buf, FSIM_CBOR_MAX_DEPTH + 1);
	/* One more level is refused where that level starts. */
	memset(buf, 0x81, FSIM_CBOR_MAX_DEPTH + 1);
	buf[FSIM_CBOR_MAX_DEPTH + 1] = 0x00;
	expect_fail(buf, FSIM_CBOR_MAX_DEPTH + 2, "CBOR-01", FSIM_CBOR_MAX_DEPTH);
	/* Maps count too. */
	{
		/* {0: {0: {...}}} */
		uint8_t m[2 * (FSIM_CBOR_MAX_DEPTH + 1) + 1];
		size_t i;

		for (i = 0; i <= FSIM_CBOR_MAX_DEPTH; i++) {
			m[2 * i] = 0xa1;
			m[2 * i + 1] = 0x00;
		}
		m[2 * (FSIM_CBOR_MAX_DEPTH + 1)] = 0xa0;
		expect_fail(m, sizeof(m), "CBOR-01", 2 * FSIM_CBOR_MAX_DEPTH);
	}
}

static void
test_item_count_limit(void **state)
{
	const size_t n = 65536;
	uint8_t *buf;
	cbor_item_t *item = NULL;

	(void)state;
	/* The array plus 65535 zeros is 65536 items: the limit, accepted. */
	assert_non_null(buf = calloc(n + 5, 1));
	buf[0] = 0x9a;
	buf[1] = 0x00; buf[2] = 0x00; buf[3] = 0xff; buf[4] = 0xff;
	assert_int_equal(fsim_cbor_decode(buf, 5 + n - 1, &item, NULL), FSIM_OK);
	assert_int_equal(cbor_array_size(item), n - 1);
	cbor_decref(&item);
	/* One more element is refused. */
	buf[2] = 0x01; buf[3] = 0x00; buf[4] = 0x00;
	expect_fail(buf, 5 + n, "CBOR-01", 5 + n - 1);
	free(buf);
}

static void
test_duplicate_keys(void **state)
{
	fsim_diags_t d;
	cbor_item_t *item = NULL;

	(void)state;
	/* {1: 0, 1: 0}: the second key, at offset 3, is reported. */
	EXPECT_FAIL("CBOR-DUP", 3, 0xa2, 0x01, 0x00, 0x01, 0x00);
	/* Same value, different width: still a duplicate. */
	EXPECT_FAIL("CBOR-DUP", 3, 0xa2, 0x01, 0x00, 0x18, 0x01, 0x00);
	EXPECT_FAIL("CBOR-DUP", 3, 0xa2, 0x20, 0x00, 0x20, 0x01);
	EXPECT_FAIL("CBOR-DUP", 4, 0xa2, 0x61, 0x61, 0x00, 0x61, 0x61, 0x01);
	EXPECT_FAIL("CBOR-DUP", 3, 0xa2, 0x60, 0x00, 0x60, 0x01);
	/* Nested map: offset is within the whole buffer. */
	EXPECT_FAIL("CBOR-DUP", 8, 0xa1, 0x61, 0x78, 0xa3, 0x03, 0x26, 0x01,
	    0x02, 0x03, 0x27);
	/* Message names the key and the first occurrence. */
	fsim_diags_init(&d);
	assert_int_equal(fsim_cbor_decode(B(0xa3, 0x63, 'f', 'm', 't', 0x00, 0x01,
	    0x00, 0x63, 'f', 'm', 't', 0x01), 13, &item, &d), FSIM_ERR_CBOR);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].offset, 8);
	assert_non_null(strstr(d.v[0].msg, "\"fmt\""));
	assert_non_null(strstr(d.v[0].msg, "offset 1"));
	fsim_diags_clear(&d);
}

static void
test_distinct_keys_accepted(void **state)
{
	cbor_item_t *item = NULL;

	(void)state;
	/* 1 and -2 share an argument but differ in major type; "a" vs "b". */
	assert_int_equal(fsim_cbor_decode(B(0xa4, 0x01, 0x00, 0x21, 0x00,
	    0x61, 0x61, 0x00, 0x61, 0x62, 0x00), 11, &item, NULL), FSIM_OK);
	assert_int_equal(cbor_map_size(item), 4);
	cbor_decref(&item);
	/* "ab" vs "a": prefix is not equality. */
	assert_int_equal(fsim_cbor_decode(B(0xa2, 0x61, 0x61, 0x00, 0x62, 0x61,
	    0x62, 0x00), 8, &item, NULL), FSIM_OK);
	cbor_decref(&item);
}

static void
test_key_types(void **state)
{
	(void)state;
	EXPECT_FAIL("CBOR-KEYTYPE", 1, 0xa1, 0xf9, 0x3c, 0x00, 0x00);  /* float */
	EXPECT_FAIL("CBOR-KEYTYPE", 1, 0xa1, 0xf5, 0x00);              /* bool */
	EXPECT_FAIL("CBOR-KEYTYPE", 1, 0xa1, 0xf6, 0x00);              /* null */
	EXPECT_FAIL("CBOR-KEYTYPE", 1, 0xa1, 0x80, 0x00);              /* array */
	EXPECT_FAIL("CBOR-KEYTYPE", 1, 0xa1, 0xa0, 0x00);              /* map */
	EXPECT_FAIL("CBOR-KEYTYPE", 1, 0xa1, 0x41, 0x61, 0x00);        /* bytes */
	EXPECT_FAIL("CBOR-KEYTYPE", 3, 0xa2, 0x01, 0x00, 0x81, 0x00, 0x00);
}

static void
test_key_type_messages(void **state)
{
	static const struct {
		uint8_t enc[5];
		size_t n;
		const char *what;
	} cases[] = {
		{ { 0xa1, 0xf9, 0x3c, 0x00, 0x00 }, 5, "a float" },
		{ { 0xa1, 0xf4, 0x00 }, 3, "a boolean" },
		{ { 0xa1, 0x40, 0x00 }, 3, "a byte string" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fsim_diags_t d;
		cbor_item_t *it = NULL;

		fsim_diags_init(&d);
		assert_int_equal(fsim_cbor_decode(cases[i].enc, cases[i].n, &it,
		    &d), FSIM_ERR_CBOR);
		assert_int_equal(d.n, 1);
		assert_string_equal(d.v[0].rule, "CBOR-KEYTYPE");
		assert_non_null(strstr(d.v[0].msg, cases[i].what));
		fsim_diags_clear(&d);
	}
}

static void
test_all_key_problems_reported(void **state)
{
	fsim_diags_t d;
	cbor_item_t *item = NULL;

	(void)state;
	fsim_diags_init(&d);
	/* {true: 0, 1: 0, 1: 0}: both problems, then failure. */
	assert_int_equal(fsim_cbor_decode(B(0xa3, 0xf5, 0x00, 0x01, 0x00, 0x01,
	    0x00), 7, &item, &d), FSIM_ERR_CBOR);
	assert_true(fsim_diags_has(&d, "CBOR-KEYTYPE"));
	assert_true(fsim_diags_has(&d, "CBOR-DUP"));
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 2);
	assert_null(item);
	fsim_diags_clear(&d);
}

static void
test_noncanonical_integers(void **state)
{
	(void)state;
	expect_noncanonical(B(0x18, 0x05), 2, B(0x05), 1);
	expect_noncanonical(B(0x19, 0x00, 0xff), 3, B(0x18, 0xff), 2);
	expect_noncanonical(B(0x1a, 0x00, 0x00, 0x01, 0x00), 5,
	    B(0x19, 0x01, 0x00), 3);
	expect_noncanonical(B(0x1b, 0, 0, 0, 0, 0, 0, 0, 0x17), 9, B(0x17), 1);
	expect_noncanonical(B(0x38, 0x00), 2, B(0x20), 1);
	/* Length heads too. */
	expect_noncanonical(B(0x58, 0x01, 0xaa), 3, B(0x41, 0xaa), 2);
	expect_noncanonical(B(0x79, 0x00, 0x01, 0x61), 4, B(0x61, 0x61), 2);
	expect_noncanonical(B(0x98, 0x01, 0x00), 3, B(0x81, 0x00), 2);
	expect_noncanonical(B(0xb8, 0x01, 0x00, 0x00), 4, B(0xa1, 0x00, 0x00), 3);
}

static void
test_canonical_key_order(void **state)
{
	/* {-1, 1, 3, "a", "bb"} must come out as 1, 3, -1, "a", "bb". */
	static const uint8_t want[] = {
		0xa5, 0x01, 0x02, 0x03, 0x04, 0x20, 0x05, 0x61, 'a', 0x06,
		0x62, 'b', 'b', 0x07,
	};
	cbor_item_t *map;
	fsim_blob_t enc = { 0 };

	(void)state;
	assert_non_null(map = cbor_new_definite_map(5));
	assert_int_equal(fsim_cbor_map_put(map, fsim_cbor_text("bb"),
	    fsim_cbor_int(7)), FSIM_OK);
	assert_int_equal(fsim_cbor_map_put(map, fsim_cbor_int(-1),
	    fsim_cbor_int(5)), FSIM_OK);
	assert_int_equal(fsim_cbor_map_put(map, fsim_cbor_text("a"),
	    fsim_cbor_int(6)), FSIM_OK);
	assert_int_equal(fsim_cbor_map_put(map, fsim_cbor_int(3),
	    fsim_cbor_int(4)), FSIM_OK);
	assert_int_equal(fsim_cbor_map_put(map, fsim_cbor_int(1),
	    fsim_cbor_int(2)), FSIM_OK);
	assert_int_equal(fsim_cbor_encode(map, &enc), FSIM_OK);
	assert_int_equal(enc.len, sizeof(want));
	assert_memory_equal(enc.ptr, want, sizeof(want));
	assert_true(fsim_cbor_is_canonical(want, sizeof(want)));
	fsim_blob_reset(&enc);
	cbor_decref(&map);

	/* Unsorted input decodes but is not canonical. */
	expect_noncanonical(B(0xa2, 0x03, 0x00, 0x01, 0x00), 5,
	    B(0xa2, 0x01, 0x00, 0x03, 0x00), 5);
	expect_noncanonical(B(0xa2, 0x20, 0x00, 0x01, 0x00), 5,
	    B(0xa2, 0x01, 0x00, 0x20, 0x00), 5);
	/* Shorter encoding first: "b" before "aa"; 23 before 24; 255 before 256. */
	expect_noncanonical(B(0xa2, 0x62, 'a', 'a', 0x00, 0x61, 'b', 0x00), 8,
	    B(0xa2, 0x61, 'b', 0x00, 0x62, 'a', 'a', 0x00), 8);
	expect_noncanonical(B(0xa2, 0x18, 0x18, 0x00, 0x17, 0x00), 6,
	    B(0xa2, 0x17, 0x00, 0x18, 0x18, 0x00), 6);
	expect_noncanonical(B(0xa2, 0x19, 0x01, 0x00, 0x00, 0x18, 0xff, 0x00), 8,
	    B(0xa2, 0x18, 0xff, 0x00, 0x19, 0x01, 0x00, 0x00), 8);
	/* Text keys of equal length: bytewise. */
	expect_noncanonical(B(0xa2, 0x61, 'b', 0x00, 0x61, 'a', 0x00), 7,
	    B(0xa2, 0x61, 'a', 0x00, 0x61, 'b', 0x00), 7);
	/* Nested maps are sorted too. */
	expect_noncanonical(B(0x81, 0xa2, 0x02, 0x00, 0x01, 0x00), 6,
	    B(0x81, 0xa2, 0x01, 0x00, 0x02, 0x00), 6);
}

static void
test_encode_refuses(void **state)
{
	cbor_item_t *it, *tag, *map;
	fsim_blob_t enc = { 0 };

	(void)state;
	/* Tags. */
	assert_non_null(it = cbor_build_uint8(1));
	assert_non_null(tag = cbor_build_tag(1, it));
	cbor_decref(&it);
	assert_int_equal(fsim_cbor_encode(tag, &enc), FSIM_ERR_CBOR);
	cbor_decref(&tag);
	/* Indefinite array, map, strings. */
	assert_non_null(it = cbor_new_indefinite_array());
	assert_int_equal(fsim_cbor_encode(it, &enc), FSIM_ERR_CBOR);
	cbor_decref(&it);
	assert_non_null(it = cbor_new_indefinite_map());
	assert_int_equal(fsim_cbor_encode(it, &enc), FSIM_ERR_CBOR);
	cbor_decref(&it);
	assert_non_null(it = cbor_new_indefinite_bytestring());
	assert_int_equal(fsim_cbor_encode(it, &enc), FSIM_ERR_CBOR);
	cbor_decref(&it);
	assert_non_null(it = cbor_new_indefinite_string());
	assert_int_equal(fsim_cbor_encode(it, &enc), FSIM_ERR_CBOR);
	cbor_decref(&it);
	/* Two equal keys built by hand (width differs, value equal). */
	assert_non_null(map = cbor_new_definite_map(2));
	assert_int_equal(fsim_cbor_map_put(map, cbor_build_uint8(1),
	    cbor_build_bool(true)), FSIM_OK);
	assert_int_equal(fsim_cbor_map_put(map, cbor_build_uint32(1),
	    cbor_build_bool(false)), FSIM_OK);
	assert_int_equal(fsim_cbor_encode(map, &enc), FSIM_ERR_CBOR);
	cbor_decref(&map);
	assert_null(enc.ptr);
	assert_int_equal(fsim_cbor_encode(NULL, &enc), FSIM_ERR_ARG);
}

/* The encoder takes anything the decoder accepts, and no deeper. */
static void
test_encode_depth(void **state)
{
	cbor_item_t *it, *outer;
	fsim_blob_t enc = { 0 };
	int i;

	(void)state;
	assert_non_null(it = fsim_cbor_int(0));
	for (i = 0; i < FSIM_CBOR_MAX_DEPTH; i++) {
		assert_non_null(outer = cbor_new_definite_array(1));
		assert_true(cbor_array_push(outer, it));
		cbor_decref(&it);
		it = outer;
	}
	assert_int_equal(fsim_cbor_encode(it, &enc), FSIM_OK);
	assert_int_equal(enc.len, FSIM_CBOR_MAX_DEPTH + 1);
	fsim_blob_reset(&enc);
	assert_non_null(outer = cbor_new_definite_array(1));
	assert_true(cbor_array_push(outer, it));
	cbor_decref(&it);
	assert_int_equal(fsim_cbor_encode(outer, &enc), FSIM_ERR_CBOR);
	assert_null(enc.ptr);
	cbor_decref(&outer);
}

static void
test_encode_builders_minimal(void **state)
{
	static const struct {
		int64_t v;
		uint8_t enc[9];
		size_t n;
	} cases[] = {
		{ 0, { 0x00 }, 1 },
		{ 23, { 0x17 }, 1 },
		{ 24, { 0x18, 0x18 }, 2 },
		{ -1, { 0x20 }, 1 },
		{ -7, { 0x26 }, 1 },
		{ -24, { 0x37 }, 1 },
		{ -25, { 0x38, 0x18 }, 2 },
		{ -257, { 0x39, 0x01, 0x00 }, 3 },
		{ 65536, { 0x1a, 0x00, 0x01, 0x00, 0x00 }, 5 },
		{ INT64_MAX, { 0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9 },
		{ INT64_MIN, { 0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cbor_item_t *it = fsim_cbor_int(cases[i].v);
		fsim_blob_t enc = { 0 };
		int64_t back = 0;

		assert_non_null(it);
		assert_int_equal(fsim_cbor_encode(it, &enc), FSIM_OK);
		assert_int_equal(enc.len, cases[i].n);
		assert_memory_equal(enc.ptr, cases[i].enc, cases[i].n);
		assert_int_equal(fsim_cbor_get_int(it, &back), FSIM_OK);
		assert_true(back == cases[i].v);
		fsim_blob_reset(&enc);
		cbor_decref(&it);
	}
}

static void
test_get_int_edges(void **state)
{
	cbor_item_t *it = NULL;
	int64_t v = 5;

	(void)state;
	/* -1 - 0x7fff...ff is INT64_MIN. */
	assert_int_equal(fsim_cbor_decode(B(0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff), 9, &it, NULL), FSIM_OK);
	assert_int_equal(fsim_cbor_get_int(it, &v), FSIM_OK);
	assert_true(v == INT64_MIN);
	cbor_decref(&it);
	/* -1 - 0x8000...00 is below INT64_MIN. */
	assert_int_equal(fsim_cbor_decode(B(0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0), 9,
	    &it, NULL), FSIM_OK);
	v = 5;
	assert_int_equal(fsim_cbor_get_int(it, &v), FSIM_ERR_FORMAT);
	assert_true(v == 0);
	cbor_decref(&it);
	assert_int_equal(fsim_cbor_decode(B(0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff), 9, &it, NULL), FSIM_OK);
	assert_int_equal(fsim_cbor_get_int(it, &v), FSIM_OK);
	assert_true(v == INT64_MAX);
	cbor_decref(&it);
	assert_int_equal(fsim_cbor_decode(B(0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0), 9,
	    &it, NULL), FSIM_OK);
	assert_int_equal(fsim_cbor_get_int(it, &v), FSIM_ERR_FORMAT);
	cbor_decref(&it);
	assert_int_equal(fsim_cbor_decode(B(0x20), 1, &it, NULL), FSIM_OK);
	assert_int_equal(fsim_cbor_get_int(it, &v), FSIM_OK);
	assert_true(v == -1);
	cbor_decref(&it);
	assert_int_equal(fsim_cbor_decode(B(0x39, 0x01, 0x00), 3, &it, NULL),
	    FSIM_OK);
	assert_int_equal(fsim_cbor_get_int(it, &v), FSIM_OK);
	assert_true(v == -257);
	cbor_decref(&it);
	/* Not an integer. */
	assert_int_equal(fsim_cbor_decode(B(0x61, 0x31), 2, &it, NULL), FSIM_OK);
	assert_int_equal(fsim_cbor_get_int(it, &v), FSIM_ERR_FORMAT);
	cbor_decref(&it);
	assert_int_equal(fsim_cbor_get_int(NULL, &v), FSIM_ERR_ARG);
}

static void
test_map_lookups(void **state)
{
	/* {1: 2, 3: -7, -1: 1, -9223372036854775808: h'', "fmt": "none"} */
	static const uint8_t m[] = {
		0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01,
		0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x40,
		0x63, 'f', 'm', 't', 0x64, 'n', 'o', 'n', 'e',
	};
	cbor_item_t *map = NULL, *v;
	const uint8_t *bp = NULL;
	size_t bl = 9;
	char *s = NULL;
	int64_t i;

	(void)state;
	assert_int_equal(fsim_cbor_decode(m, sizeof(m), &map, NULL), FSIM_OK);
	assert_non_null(v = fsim_cbor_map_get_int(map, 3));
	assert_int_equal(fsim_cbor_get_int(v, &i), FSIM_OK);
	assert_true(i == -7);
	assert_non_null(v = fsim_cbor_map_get_int(map, -1));
	assert_int_equal(fsim_cbor_get_int(v, &i), FSIM_OK);
	assert_true(i == 1);
	assert_non_null(v = fsim_cbor_map_get_int(map, INT64_MIN));
	assert_int_equal(fsim_cbor_get_bytes(v, &bp, &bl), FSIM_OK);
	assert_non_null(bp);
	assert_int_equal(bl, 0);
	assert_null(fsim_cbor_map_get_int(map, 2));
	assert_null(fsim_cbor_map_get_int(map, -2));   /* argument 1 as negint */
	assert_null(fsim_cbor_map_get_int(map, -4));   /* argument 3 as negint */
	assert_non_null(v = fsim_cbor_map_get_str(map, "fmt"));
	assert_int_equal(fsim_cbor_get_text(v, &s), FSIM_OK);
	assert_string_equal(s, "none");
	free(s);
	assert_null(fsim_cbor_map_get_str(map, "fm"));
	assert_null(fsim_cbor_map_get_str(map, "fmtx"));
	assert_null(fsim_cbor_map_get_str(map, ""));
	/* Wrong types. */
	assert_null(fsim_cbor_map_get_int(v, 1));
	assert_null(fsim_cbor_map_get_str(NULL, "fmt"));
	assert_int_equal(fsim_cbor_get_bytes(v, &bp, &bl), FSIM_ERR_FORMAT);
	assert_null(bp);
	assert_int_equal(fsim_cbor_get_text(map, &s), FSIM_ERR_FORMAT);
	assert_null(s);
	cbor_decref(&map);
}

static void
test_get_text_and_bytes(void **state)
{
	cbor_item_t *it = NULL;
	const uint8_t *bp = NULL;
	size_t bl = 0;
	char *s = (char *)(uintptr_t)1;

	(void)state;
	/* Embedded NUL cannot become a C string. */
	assert_int_equal(fsim_cbor_decode(B(0x63, 'a', 0x00, 'b'), 4, &it, NULL),
	    FSIM_OK);
	assert_int_equal(fsim_cbor_get_text(it, &s), FSIM_ERR_FORMAT);
	assert_null(s);
	cbor_decref(&it);
	assert_int_equal(fsim_cbor_decode(B(0x60), 1, &it, NULL), FSIM_OK);
	assert_int_equal(fsim_cbor_get_text(it, &s), FSIM_OK);
	assert_string_equal(s, "");
	free(s);
	cbor_decref(&it);
	assert_non_null(it = fsim_cbor_bytes(B(1, 2, 3), 3));
	assert_int_equal(fsim_cbor_get_bytes(it, &bp, &bl), FSIM_OK);
	assert_int_equal(bl, 3);
	assert_memory_equal(bp, B(1, 2, 3), 3);
	cbor_decref(&it);
	assert_non_null(it = fsim_cbor_bytes(NULL, 0));
	assert_int_equal(fsim_cbor_get_bytes(it, &bp, &bl), FSIM_OK);
	assert_int_equal(bl, 0);
	cbor_decref(&it);
	assert_null(fsim_cbor_bytes(NULL, 1));
	assert_null(fsim_cbor_text(NULL));
}

static void
test_map_put_ownership(void **state)
{
	cbor_item_t *map, *k, *v;

	(void)state;
	assert_non_null(map = cbor_new_definite_map(1));
	assert_non_null(k = fsim_cbor_int(1));
	assert_non_null(v = fsim_cbor_text("x"));
	assert_int_equal(fsim_cbor_map_put(map, k, v), FSIM_OK);
	/* The map holds the only references now. */
	assert_int_equal(cbor_refcount(k), 1);
	assert_int_equal(cbor_refcount(v), 1);
	/* Full definite map: refused, key and value released (valgrind checks). */
	assert_int_equal(fsim_cbor_map_put(map, fsim_cbor_int(2),
	    fsim_cbor_int(3)), FSIM_ERR_ARG);
	assert_int_equal(cbor_map_size(map), 1);
	/* Not a map. */
	assert_int_equal(fsim_cbor_map_put(v, fsim_cbor_int(2),
	    fsim_cbor_int(3)), FSIM_ERR_ARG);
	/* A NULL member (failed builder) releases the other one. */
	assert_int_equal(fsim_cbor_map_put(map, NULL, fsim_cbor_int(3)),
	    FSIM_ERR_ARG);
	cbor_decref(&map);
}

static void
test_type_names(void **state)
{
	static const struct {
		uint8_t enc[3];
		size_t n;
		const char *name;
	} cases[] = {
		{ { 0x01 }, 1, "unsigned integer" },
		{ { 0x20 }, 1, "negative integer" },
		{ { 0x40 }, 1, "byte string" },
		{ { 0x60 }, 1, "text string" },
		{ { 0x80 }, 1, "array" },
		{ { 0xa0 }, 1, "map" },
		{ { 0xf5 }, 1, "boolean" },
		{ { 0xf6 }, 1, "null" },
		{ { 0xf7 }, 1, "undefined" },
		{ { 0xf9, 0x3c, 0x00 }, 3, "float" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cbor_item_t *it = NULL;

		assert_int_equal(fsim_cbor_decode(cases[i].enc, cases[i].n, &it,
		    NULL), FSIM_OK);
		assert_string_equal(fsim_cbor_type_name(it), cases[i].name);
		cbor_decref(&it);
	}
	assert_non_null(fsim_cbor_type_name(NULL));
}

/* Diagnostics offsets add the base set by the caller. */
static void
test_offsets_follow_base(void **state)
{
	fsim_diags_t d;
	fsim_diags_frame_t fr;
	cbor_item_t *it = NULL;

	(void)state;
	fsim_diags_init(&d);
	fsim_diags_push(&d, &fr, 100, "attStmt");
	assert_int_equal(fsim_cbor_decode(B(0xa2, 0x01, 0x00, 0x01, 0x00), 5,
	    &it, &d), FSIM_ERR_CBOR);
	fsim_diags_pop(&d, &fr);
	assert_int_equal(d.v[0].offset, 103);
	assert_string_equal(d.v[0].field, "attStmt");
	fsim_diags_clear(&d);
}

static int
load_attobj(const char *path, fsim_blob_t *out)
{
	json_t *root, *v;
	json_error_t jerr;
	const char *s;
	int r = -1;

	if ((root = json_load_file(path, 0, &jerr)) == NULL)
		return -1;
	v = json_object_get(json_object_get(json_object_get(root, "response"),
	    "response"), "attestationObject");
	if ((s = json_string_value(v)) != NULL &&
	    fsim_b64url_decode(s, strlen(s), out, NULL, "attestationObject") == 0)
		r = 0;
	json_decref(root);
	return r;
}

static void
check_vector(const char *path)
{
	fsim_blob_t ao = { 0 };
	fsim_diags_t d;
	cbor_item_t *item = NULL, *v;
	char *fmt = NULL;
	const uint8_t *ad;
	size_t adlen;

	fsim_diags_init(&d);
	assert_int_equal(load_attobj(path, &ao), 0);
	assert_int_equal(fsim_cbor_decode(ao.ptr, ao.len, &item, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_true(cbor_isa_map(item));
	assert_non_null(v = fsim_cbor_map_get_str(item, "fmt"));
	assert_int_equal(fsim_cbor_get_text(v, &fmt), FSIM_OK);
	assert_non_null(v = fsim_cbor_map_get_str(item, "authData"));
	assert_int_equal(fsim_cbor_get_bytes(v, &ad, &adlen), FSIM_OK);
	assert_true(adlen >= 37);
	assert_non_null(v = fsim_cbor_map_get_str(item, "attStmt"));
	assert_true(fsim_cbor_is_canonical(ao.ptr, ao.len));
	/* Any cut is truncation; one extra byte is trailing data. */
	expect_fail(ao.ptr, ao.len - 1, "ENC-03", ao.len - 1);
	assert_int_equal(fsim_blob_append(&ao, B(0x00), 1), 0);
	expect_fail(ao.ptr, ao.len, "ENC-03", ao.len - 1);
	free(fmt);
	cbor_decref(&item);
	fsim_blob_reset(&ao);
	fsim_diags_clear(&d);
}

static void
test_w3c_packed_es256(void **state)
{
	(void)state;
	check_vector("vectors/w3c-l3/w3c-packed-es256-registration.json");
}

static void
test_w3c_all_registrations(void **state)
{
	static const char *names[] = {
		"android-key-es256-l3-cr", "android-key-es256", "apple-es256",
		"fido-u2f-es256", "none-es256-cross-origin",
		"none-es256-long-credential-id", "none-es256",
		"none-es256-top-origin", "packed-ed25519", "packed-ed448",
		"packed-es384", "packed-es512", "packed-rs256",
		"packed-self-es256", "tpm-es256",
	};
	char path[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path),
		    "vectors/w3c-l3/w3c-%s-registration.json", names[i]);
		check_vector(path);
	}
}

/* fsim_cbor_array_push takes ownership: the array holds the only reference after. */
static void
test_array_push_owns(void **state)
{
	cbor_item_t *arr = cbor_new_definite_array(1), *it = fsim_cbor_int(7), *m;

	(void)state;
	assert_non_null(arr);
	assert_int_equal(fsim_cbor_array_push(arr, it), FSIM_OK);
	m = cbor_array_get(arr, 0);                 /* a reference of ours */
	assert_int_equal(cbor_refcount(m), 2);
	cbor_decref(&m);
	assert_int_equal(cbor_refcount(cbor_array_handle(arr)[0]), 1);
	/* Refused (not an array, or no item): the item is released anyway. */
	m = cbor_new_definite_map(0);
	assert_int_equal(fsim_cbor_array_push(m, fsim_cbor_int(1)), FSIM_ERR_ARG);
	assert_int_equal(fsim_cbor_array_push(arr, NULL), FSIM_ERR_ARG);
	cbor_decref(&m);
	cbor_decref(&arr);
}

/* ---- the canonical check against its definition ---------------------- */

static uint64_t crng = 0x2545f4914f6cdd1dULL;

static uint32_t
crnd(uint32_t n)
{
	crng ^= crng << 13;
	crng ^= crng >> 7;
	crng ^= crng << 17;
	return (uint32_t)(crng % n);
}

struct gbuf {
	uint8_t b[2048];
	size_t n;
};

static void
gput(struct gbuf *g, uint8_t c)
{
	if (g->n < sizeof(g->b))
		g->b[g->n++] = c;
}

/* A head, mostly in its shortest form, sometimes longer than needed. */
static void
ghead(struct gbuf *g, uint8_t major, uint64_t arg)
{
	int w = arg < 24 ? 0 : arg <= 0xff ? 1 : arg <= 0xffff ? 2 : arg <= 0xffffffffu ? 3 : 4;
	int i, n;

	if (crnd(10) == 0 && w < 4)
		w += 1 + (int)crnd((uint32_t)(4 - w));
	if (w == 0) {
		gput(g, (uint8_t)(major << 5 | arg));
		return;
	}
	n = 1 << (w - 1);
	gput(g, (uint8_t)(major << 5 | (23 + w)));
	for (i = n - 1; i >= 0; i--)
		gput(g, (uint8_t)(arg >> (8 * i)));
}

static void gitem(struct gbuf *, int);

/* A map, its keys sorted canonically most of the time (small ints and short texts). */
static void
gmap(struct gbuf *g, int depth)
{
	uint32_t n = crnd(5), i;
	bool shuffle = crnd(6) == 0, dup = crnd(12) == 0;
	uint64_t keys[6];

	/* distinct small uint keys then text keys: canonical order by construction */
	for (i = 0; i < n; i++)
		keys[i] = i * 3 + crnd(3);
	if (dup && n > 1)
		keys[1] = keys[0];
	if (shuffle && n > 1) {
		uint64_t t = keys[0];

		keys[0] = keys[n - 1];
		keys[n - 1] = t;
	}
	ghead(g, 5, n);
	for (i = 0; i < n; i++) {
		if (crnd(4) == 0) {
			/* a text key of one letter; its order among ints is by major type */
			ghead(g, 3, 1);
			gput(g, (uint8_t)('a' + keys[i] % 26));
		} else if (crnd(10) == 0) {
			ghead(g, 2, 1);   /* a byte-string key: the decoder refuses it */
			gput(g, 0x01);
		} else
			ghead(g, crnd(5) == 0 ? 1 : 0, keys[i]);
		gitem(g, depth + 1);
	}
}

static void
gitem(struct gbuf *g, int depth)
{
	uint32_t k = crnd(depth > 3 ? 8 : 11), n, i;
	static const uint8_t tails[][3] = {
		{ 0xf4 }, { 0xf5 }, { 0xf6 }, { 0xf7 }, { 0xf0 }, { 0xf8, 0x10 }, { 0xf8, 0x40 },
		{ 0xf9, 0x3c }, { 0xfa, 0x3f }, { 0xc1, 0x00 },
	};

	switch (k) {
	case 0:
	case 1:
		ghead(g, (uint8_t)crnd(2), crnd(3) == 0 ? crnd(70000) : crnd(30));
		break;
	case 2:
		n = crnd(30);
		ghead(g, 2, n);
		for (i = 0; i < n; i++)
			gput(g, (uint8_t)crnd(256));
		break;
	case 3:
		n = crnd(12);
		ghead(g, 3, n);
		for (i = 0; i < n; i++)
			gput(g, crnd(15) == 0 ? (uint8_t)(0x80 + crnd(0x80)) : (uint8_t)('a' + crnd(26)));
		break;
	case 4:
		k = crnd(sizeof(tails) / sizeof(tails[0]));
		gput(g, tails[k][0]);
		if (tails[k][0] == 0xf8 || tails[k][0] == 0xc1)
			gput(g, tails[k][1]);
		if (tails[k][0] == 0xf9) {
			gput(g, tails[k][1]);
			gput(g, 0x00);
		}
		if (tails[k][0] == 0xfa)
			for (i = 0; i < 4; i++)
				gput(g, i == 0 ? tails[k][1] : 0x80);
		break;
	case 5:
		gput(g, 0xf4 + (uint8_t)crnd(4));
		break;
	case 6:
	case 7:
		if (crnd(15) == 0) {
			gput(g, 0x9f);    /* indefinite array */
			gitem(g, depth + 1);
			gput(g, 0xff);
			break;
		}
		n = crnd(4);
		ghead(g, 4, n);
		for (i = 0; i < n; i++)
			gitem(g, depth + 1);
		break;
	default:
		gmap(g, depth);
		break;
	}
}

/* The definition: the bytes decode, and re-encode to themselves. */
static bool
canonical_by_definition(const uint8_t *p, size_t n)
{
	cbor_item_t *item = NULL;
	fsim_blob_t enc = { NULL, 0 };
	bool ok;

	if (fsim_cbor_decode(p, n, &item, NULL) != FSIM_OK)
		return false;
	ok = fsim_cbor_encode(item, &enc) == FSIM_OK && enc.len == n &&
	    memcmp(enc.ptr, p, n) == 0;
	fsim_blob_reset(&enc);
	cbor_decref(&item);
	return ok;
}

/*
 * fsim_cbor_is_canonical answers on the bytes where it can; on 40,000
 * generated items (longer heads, unsorted and repeated keys, tags, floats,
 * simple values, indefinite lengths, non-ASCII text) and each one truncated,
 * extended or with a byte changed, it says what decoding and re-encoding says.
 */
static void
test_canonical_matches_definition(void **state)
{
	int i, yes = 0, no = 0;

	(void)state;
	for (i = 0; i < 40000; i++) {
		struct gbuf g;
		size_t n;

		g.n = 0;
		gitem(&g, 0);
		n = g.n;
		switch (crnd(4)) {
		case 0:
			if (n > 1)
				n -= 1 + crnd((uint32_t)(n - 1));   /* truncated */
			break;
		case 1:
			if (n < sizeof(g.b))
				g.b[n++] = (uint8_t)crnd(256);      /* trailing byte */
			break;
		case 2:
			g.b[crnd((uint32_t)n)] ^= (uint8_t)(1u << crnd(8));
			break;
		default:
			break;
		}
		if (fsim_cbor_is_canonical(g.b, n) != canonical_by_definition(g.b, n))
			fail_msg("item %d (%zu bytes): the check and the definition differ", i, n);
		if (canonical_by_definition(g.b, n))
			yes++;
		else
			no++;
	}
	/* both answers were exercised, plenty of each */
	assert_true(yes > 4000);
	assert_true(no > 4000);
	assert_false(fsim_cbor_is_canonical(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_scalars),
		cmocka_unit_test(test_roundtrip_floats),
		cmocka_unit_test(test_roundtrip_containers),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_messages),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_indefinite_lengths),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_reserved_and_malformed_heads),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_huge_declared_lengths),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_item_count_limit),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_distinct_keys_accepted),
		cmocka_unit_test(test_key_types),
		cmocka_unit_test(test_key_type_messages),
		cmocka_unit_test(test_all_key_problems_reported),
		cmocka_unit_test(test_noncanonical_integers),
		cmocka_unit_test(test_canonical_key_order),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_encode_depth),
		cmocka_unit_test(test_encode_builders_minimal),
		cmocka_unit_test(test_get_int_edges),
		cmocka_unit_test(test_map_lookups),
		cmocka_unit_test(test_get_text_and_bytes),
		cmocka_unit_test(test_map_put_ownership),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_offsets_follow_base),
		cmocka_unit_test(test_w3c_packed_es256),
		cmocka_unit_test(test_w3c_all_registrations),
		cmocka_unit_test(test_array_push_owns),
		cmocka_unit_test(test_canonical_matches_definition),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
