/*
 * test_b64.c — base64url (ENC-01), base64 and hex.
 * Vectors: RFC 4648 §10 test vectors, re-expressed for the URL-safe alphabet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/b64.h"

/* RFC 4648 §10 "foobar" prefixes. */
static const struct {
	const char *plain;
	const char *b64url;
	const char *b64;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "Zg", "Zg==" },
	{ "fo", "Zm8", "Zm8=" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static void
test_b64url_rfc4648_roundtrip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		fsim_blob_t b = { 0 };
		fsim_diags_t d;
		char *s = NULL;
		size_t n = strlen(rfc4648[i].plain);

		fsim_diags_init(&d);
		assert_int_equal(fsim_b64url_decode(rfc4648[i].b64url,
		    strlen(rfc4648[i].b64url), &b, &d, "x"), FSIM_OK);
		assert_int_equal(d.n, 0);
		assert_int_equal(b.len, n);
		if (n > 0)
			assert_memory_equal(b.ptr, rfc4648[i].plain, n);
		assert_int_equal(fsim_b64url_encode((const uint8_t *)rfc4648[i].plain,
		    n, &s), FSIM_OK);
		assert_string_equal(s, rfc4648[i].b64url);
		free(s);
		fsim_blob_reset(&b);
		fsim_diags_clear(&d);
	}
}

static void
test_b64url_url_alphabet(void **state)
{
	static const uint8_t bytes[] = { 0xfb, 0xff, 0xbf };
	fsim_blob_t b = { 0 };
	char *s = NULL;

	(void)state;
	assert_int_equal(fsim_b64url_encode(bytes, sizeof(bytes), &s), FSIM_OK);
	assert_string_equal(s, "-_-_");
	assert_int_equal(fsim_b64url_decode(s, strlen(s), &b, NULL, "x"), FSIM_OK);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.ptr, bytes, 3);
	free(s);
	fsim_blob_reset(&b);
}

/* Decode must fail with ENC-01 at `offset`, leaving the out blob alone. */
static void
expect_enc01(const char *s, size_t slen, size_t offset)
{
	static uint8_t sentinel[] = { 0xaa };
	fsim_blob_t b = { sentinel, 1 };
	fsim_diags_t d;
	const fsim_diag_t *e;

	fsim_diags_init(&d);
	assert_int_equal(fsim_b64url_decode(s, slen, &b, &d, "challenge"),
	    FSIM_ERR_ENCODING);
	assert_true(fsim_diags_has(&d, "ENC-01"));
	e = fsim_diags_first(&d, FSIM_SEV_ERROR);
	assert_non_null(e);
	assert_string_equal(e->field, "challenge");
	assert_int_equal(e->offset, offset);
	assert_ptr_equal(b.ptr, sentinel);
	assert_int_equal(b.len, 1);
	fsim_diags_clear(&d);
}

static void
test_b64url_rejects_padding(void **state)
{
	(void)state;
	expect_enc01("Zg==", 4, 2);
	expect_enc01("Zm8=", 4, 3);
}

static void
test_b64url_rejects_std_alphabet(void **state)
{
	(void)state;
	expect_enc01("+_-_", 4, 0);
	expect_enc01("-_/_", 4, 2);
}

static void
test_b64url_rejects_whitespace(void **state)
{
	(void)state;
	expect_enc01("Zm9v Yg", 7, 4);
	expect_enc01("Zm9v\nYg", 7, 4);
	expect_enc01("Zm9vYg\t", 7, 6);
}

static void
test_b64url_rejects_other_chars(void **state)
{
	(void)state;
	expect_enc01("Zm9v.g", 6, 4);
	expect_enc01("Zm\x80v", 4, 2);
	/* An embedded NUL inside the declared length is a bad character too. */
	expect_enc01("Zm\0v", 4, 2);
}

static void
test_b64url_rejects_length_mod4_1(void **state)
{
	(void)state;
	expect_enc01("Z", 1, 0);
	expect_enc01("Zm9vY", 5, 4);
}

static void
test_b64url_rejects_nonzero_trailing_bits(void **state)
{
	(void)state;
	/* "Zh" decodes to 'f' too, but its last 4 bits are 0001. */
	expect_enc01("Zh", 2, 1);
	/* "Zm8" is "fo"; in "Zm9" the last char 61 = 111101 leaves low bits 01. */
	expect_enc01("Zm9", 3, 2);
}

static void
test_b64url_empty_and_args(void **state)
{
	fsim_blob_t b = { 0 };

	(void)state;
	assert_int_equal(fsim_b64url_decode("", 0, &b, NULL, "x"), FSIM_OK);
	assert_int_equal(b.len, 0);
	assert_int_equal(fsim_b64url_decode(NULL, 0, &b, NULL, "x"), FSIM_OK);
	assert_int_equal(fsim_b64url_decode(NULL, 3, &b, NULL, "x"), FSIM_ERR_ARG);
	assert_int_equal(fsim_b64url_decode("AA", 2, NULL, NULL, "x"), FSIM_ERR_ARG);
	/* slen bounds the input: the 'A's after it are not read. */
	assert_int_equal(fsim_b64url_decode("Zg==", 2, &b, NULL, "x"), FSIM_OK);
	assert_int_equal(b.len, 1);
	assert_int_equal(b.ptr[0], 'f');
	fsim_blob_reset(&b);
}

static void
test_b64url_roundtrip_all_lengths(void **state)
{
	uint8_t buf[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (n = 0; n <= sizeof(buf); n++) {
		fsim_blob_t b = { 0 };
		char *s = NULL;

		assert_int_equal(fsim_b64url_encode(buf, n, &s), FSIM_OK);
		assert_int_equal(strlen(s) % 4 == 1, 0);
		assert_null(strchr(s, '='));
		assert_int_equal(fsim_b64url_decode(s, strlen(s), &b, NULL, "x"),
		    FSIM_OK);
		assert_int_equal(b.len, n);
		if (n > 0)
			assert_memory_equal(b.ptr, buf, n);
		free(s);
		fsim_blob_reset(&b);
	}
}

static void
test_b64_standard(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		fsim_blob_t b = { 0 };
		size_t n = strlen(rfc4648[i].plain);

		/* With padding. */
		assert_int_equal(fsim_b64_decode(rfc4648[i].b64,
		    strlen(rfc4648[i].b64), &b), FSIM_OK);
		assert_int_equal(b.len, n);
		if (n > 0)
			assert_memory_equal(b.ptr, rfc4648[i].plain, n);
		fsim_blob_reset(&b);
		/* Without padding (same characters as base64url here). */
		assert_int_equal(fsim_b64_decode(rfc4648[i].b64url,
		    strlen(rfc4648[i].b64url), &b), FSIM_OK);
		assert_int_equal(b.len, n);
		fsim_blob_reset(&b);
	}
}

static void
test_b64_standard_rejects(void **state)
{
	static const char *bad[] = {
		"Zg=",      /* padding incomplete */
		"Zg===",    /* too much padding */
		"Zm8==",    /* wrong amount of padding for the group */
		"Zm9v====", /* padding after a full group */
		"Z===",
		"Zg=a",     /* '=' in the middle */
		"-_-_",     /* URL-safe characters */
		"Zm9v Yg",  /* whitespace */
		"Z",        /* impossible length */
		"Zh==",     /* non-zero unused bits */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fsim_blob_t b = { 0 };

		assert_int_equal(fsim_b64_decode(bad[i], strlen(bad[i]), &b),
		    FSIM_ERR_ENCODING);
		assert_null(b.ptr);
	}
}

static void
test_b64_standard_alphabet(void **state)
{
	fsim_blob_t b = { 0 };

	(void)state;
	assert_int_equal(fsim_b64_decode("+/+/", 4, &b), FSIM_OK);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.ptr[0], 0xfb);
	assert_int_equal(b.ptr[1], 0xff);
	assert_int_equal(b.ptr[2], 0xbf);
	fsim_blob_reset(&b);
}

/*
 * Every byte value, at every position of a group: accepted exactly when it
 * is in the variant's alphabet, decoded to its index there, and a bad one
 * is reported at its own offset (the decoder's lookup table against the
 * alphabets as RFC 4648 Tables 1 and 2 write them).
 */
static void
test_b64_every_byte(void **state)
{
	static const char url[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	static const char std[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char s[8];
	const char *at;
	uint64_t got;
	size_t pos, i;
	int c, r;

	(void)state;
	for (c = 0; c < 256; c++) {
		for (pos = 0; pos < 8; pos++) {
			fsim_blob_t b = { 0 };
			fsim_diags_t d;

			fsim_diags_init(&d);
			memcpy(s, "AAAAAAAA", 8);   /* 'A' is 0: only s[pos] sets bits */
			s[pos] = (char)c;
			r = fsim_b64url_decode(s, 8, &b, &d, "x");
			at = c != 0 ? memchr(url, c, 64) : NULL;
			if (at != NULL) {
				assert_int_equal(r, FSIM_OK);
				assert_int_equal(b.len, 6);
				for (got = 0, i = 0; i < 6; i++)
					got = got << 8 | b.ptr[i];
				assert_true(got == (uint64_t)(at - url) << (6 * (7 - pos)));
			} else {
				assert_int_equal(r, FSIM_ERR_ENCODING);
				assert_null(b.ptr);
				assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 1);
				assert_int_equal(fsim_diags_first(&d, FSIM_SEV_ERROR)->offset, pos);
			}
			fsim_blob_reset(&b);
			fsim_diags_clear(&d);
			if (c == '=')
				continue;   /* padding: its own tests above */
			at = c != 0 ? memchr(std, c, 64) : NULL;
			r = fsim_b64_decode(s, 8, &b);
			assert_int_equal(r, at != NULL ? FSIM_OK : FSIM_ERR_ENCODING);
			if (at != NULL) {
				for (got = 0, i = 0; i < 6; i++)
					got = got << 8 | b.ptr[i];
				assert_true(got == (uint64_t)(at - std) << (6 * (7 - pos)));
			}
			fsim_blob_reset(&b);
		}
	}
}

static void
test_hex(void **state)
{
	static const uint8_t bytes[] = { 0x00, 0x01, 0xab, 0xCD, 0xff };
	fsim_blob_t b = { 0 };
	char *s = NULL;

	(void)state;
	assert_int_equal(fsim_hex_encode(bytes, sizeof(bytes), &s), FSIM_OK);
	assert_string_equal(s, "0001abcdff");
	free(s);
	assert_int_equal(fsim_hex_decode("0001ABcdfF", 10, &b), FSIM_OK);
	assert_int_equal(b.len, sizeof(bytes));
	assert_memory_equal(b.ptr, bytes, sizeof(bytes));
	fsim_blob_reset(&b);
	assert_int_equal(fsim_hex_encode(NULL, 0, &s), FSIM_OK);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(fsim_hex_decode("", 0, &b), FSIM_OK);
	assert_int_equal(b.len, 0);
}

static void
test_hex_rejects(void **state)
{
	static const char *bad[] = { "0", "abc", "0g", "0x00", "00 11", "ab:cd" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fsim_blob_t b = { 0 };

		assert_int_equal(fsim_hex_decode(bad[i], strlen(bad[i]), &b),
		    FSIM_ERR_ENCODING);
		assert_null(b.ptr);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64url_rfc4648_roundtrip),
		cmocka_unit_test(test_b64url_url_alphabet),
		cmocka_unit_test(test_b64url_rejects_padding),
		cmocka_unit_test(test_b64url_rejects_std_alphabet),
		cmocka_unit_test(test_b64url_rejects_whitespace),
		cmocka_unit_test(test_b64url_rejects_other_chars),
		cmocka_unit_test(test_b64url_rejects_length_mod4_1),
		cmocka_unit_test(test_b64url_rejects_nonzero_trailing_bits),
		cmocka_unit_test(test_b64url_empty_and_args),
		cmocka_unit_test(test_b64url_roundtrip_all_lengths),
		cmocka_unit_test(test_b64_standard),
		cmocka_unit_test(test_b64_standard_rejects),
		cmocka_unit_test(test_b64_standard_alphabet),
		cmocka_unit_test(test_b64_every_byte),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_hex_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
