/*
 * test_clientdata.c — clientDataJSON parse (ENC-05, ENC-06, CDJ-08/09 data)
 * and the §5.8.1.1 serialization.
 * Vectors: the files in vectors/w3c-l3 (WebAuthn L3 §16, see its README); the
 * negative inputs are small strings written here, each named for what it
 * breaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "core/b64.h"
#include "core/clientdata.h"

#define VEC_DIR "vectors/w3c-l3"

static void
sha256(const void *p, size_t n, uint8_t out[32])
{
	assert_int_equal(EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL), 1);
}

/* Parse a string literal (length given, so it may hold NUL or BOM). */
static int
parse_n(const char *s, size_t n, fsim_clientdata_t **cd, fsim_diags_t *d)
{
	return fsim_clientdata_parse((const uint8_t *)s, n, cd, d);
}

static int
parse_s(const char *s, fsim_clientdata_t **cd, fsim_diags_t *d)
{
	return parse_n(s, strlen(s), cd, d);
}

/* One parse that must fail with `rc` and record `rule`. */
static const fsim_diag_t *
expect_fail(const char *s, size_t n, int rc, const char *rule, fsim_diags_t *d)
{
	fsim_clientdata_t *cd = (fsim_clientdata_t *)1;
	const fsim_diag_t *e;

	fsim_diags_init(d);
	assert_int_equal(parse_n(s, n, &cd, d), rc);
	assert_null(cd);
	assert_true(fsim_diags_has(d, rule));
	e = fsim_diags_first(d, FSIM_SEV_ERROR);
	assert_non_null(e);
	return e;
}

static void
check_vector(const char *path)
{
	json_error_t jerr;
	json_t *v = json_load_file(path, 0, &jerr);
	const char *cer, *b64, *top;
	fsim_blob_t raw = { 0 }, chal = { 0 }, built = { 0 };
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;
	uint8_t h[32];
	bool reg;

	assert_non_null(v);
	fsim_diags_init(&d);
	cer = json_string_value(json_object_get(v, "ceremony"));
	assert_non_null(cer);
	reg = strcmp(cer, "registration") == 0;
	b64 = json_string_value(json_object_get(json_object_get(json_object_get(v,
	    "response"), "response"), "clientDataJSON"));
	assert_non_null(b64);
	assert_int_equal(fsim_b64url_decode(b64, strlen(b64), &raw, NULL, "x"),
	    FSIM_OK);
	assert_int_equal(fsim_clientdata_parse(raw.ptr, raw.len, &cd, &d),
	    FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_string_equal(cd->type, reg ? "webauthn.create" : "webauthn.get");
	assert_string_equal(cd->origin,
	    json_string_value(json_object_get(v, "origin")));
	assert_string_equal(cd->challenge,
	    json_string_value(json_object_get(v, "challenge")));
	top = json_string_value(json_object_get(v, "topOrigin"));
	if (top != NULL)
		assert_string_equal(cd->top_origin, top);
	else
		assert_null(cd->top_origin);
	/* README: the cross-origin and top-origin files set crossOrigin true. */
	assert_int_equal(cd->cross_origin,
	    json_is_true(json_object_get(v, "allowCrossOrigin")) ? 1 : 0);
	assert_true(cd->canonical_order);
	assert_true(fsim_blob_eq(&cd->raw, raw.ptr, raw.len));
	sha256(raw.ptr, raw.len, h);
	assert_memory_equal(cd->hash, h, 32);
	/* Without extra members, build() must give the very same bytes. */
	if (json_object_size(cd->root) == (top != NULL ? 5u : 4u)) {
		assert_int_equal(fsim_b64url_decode(cd->challenge,
		    strlen(cd->challenge), &chal, NULL, "c"), FSIM_OK);
		assert_int_equal(fsim_clientdata_build(cd->type, chal.ptr,
		    chal.len, cd->origin, cd->cross_origin == 1, cd->top_origin,
		    &built), FSIM_OK);
		assert_int_equal(built.len, raw.len);
		assert_memory_equal(built.ptr, raw.ptr, raw.len);
	}
	fsim_blob_reset(&built);
	fsim_blob_reset(&chal);
	fsim_blob_reset(&raw);
	fsim_clientdata_free(&cd);
	assert_null(cd);
	fsim_diags_clear(&d);
	json_decref(v);
}

static void
test_w3c_vectors(void **state)
{
	DIR *dir;
	struct dirent *de;
	char path[512];
	size_t n = 0, len;

	(void)state;
	dir = opendir(VEC_DIR);
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", VEC_DIR, de->d_name);
		check_vector(path);
		n++;
	}
	closedir(dir);
	assert_true(n >= 30);
}

static void
test_absent_members_ok(void **state)
{
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	/* Absence is the RP's business (CDJ-01..04), not a parse error. */
	assert_int_equal(parse_s("{\"other\":[1,{\"a\":null}]}", &cd, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_null(cd->type);
	assert_null(cd->challenge);
	assert_null(cd->origin);
	assert_null(cd->top_origin);
	assert_int_equal(cd->cross_origin, -1);
	assert_false(cd->canonical_order);
	fsim_clientdata_free(&cd);
	fsim_clientdata_free(&cd);      /* NULL-safe */
	fsim_clientdata_free(NULL);
	fsim_diags_clear(&d);
}

static void
test_invalid_utf8_offset(void **state)
{
	fsim_diags_t d;
	const fsim_diag_t *e;
	static const struct {
		const char *s;
		size_t n;
		size_t off;
	} bad[] = {
		/* lone continuation byte */
		{ "{\"type\":\"a\x80\"}", 14, 10 },
		/* 0xff never appears in UTF-8 */
		{ "{\"type\":\"ab\xff\"}", 14, 11 },
		/* overlong '/' (C0 AF) */
		{ "{\"type\":\"\xc0\xaf\"}", 14, 9 },
		/* overlong 3-byte NUL (E0 80 80) */
		{ "{\"o\":\"\xe0\x80\x80\"}", 12, 6 },
		/* surrogate U+D800 (ED A0 80) */
		{ "{\"o\":\"x\xed\xa0\x80\"}", 13, 7 },
		/* U+110000 (F4 90 80 80) */
		{ "{\"o\":\"\xf4\x90\x80\x80\"}", 13, 6 },
		/* truncated 3-byte sequence at the end */
		{ "{\"o\":1}\xe2\x82", 9, 7 },
		/* after a BOM the offset still counts the BOM */
		{ "\xef\xbb\xbf{\"o\":\"\xc3\"}", 12, 9 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = expect_fail(bad[i].s, bad[i].n, FSIM_ERR_ENCODING, "ENC-05",
		    &d);
		assert_int_equal(e->offset, bad[i].off);
		fsim_diags_clear(&d);
	}
}

static void
test_valid_utf8_multibyte(void **state)
{
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;
	/* 2-, 3- and 4-byte sequences at the edges of the valid ranges. */
	const char *s = "{\"origin\":\"\xc2\x80\xe0\xa0\x80\xed\x9f\xbf"
	    "\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"}";

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(parse_s(s, &cd, &d), FSIM_OK);
	assert_string_equal(cd->origin, "\xc2\x80\xe0\xa0\x80\xed\x9f\xbf"
	    "\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
	fsim_clientdata_free(&cd);
	fsim_diags_clear(&d);
}

static void
test_bom_stripped_hash_covers_it(void **state)
{
	static const char body[] = "{\"type\":\"webauthn.get\",\"challenge\":"
	    "\"AQID\",\"origin\":\"https://example.org\",\"crossOrigin\":false}";
	char with[sizeof(body) + 3];
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;
	uint8_t h_with[32], h_body[32];
	size_t n = sizeof(body) - 1;

	(void)state;
	memcpy(with, "\xef\xbb\xbf", 3);
	memcpy(with + 3, body, n);
	fsim_diags_init(&d);
	assert_int_equal(parse_n(with, n + 3, &cd, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_string_equal(cd->type, "webauthn.get");
	assert_string_equal(cd->challenge, "AQID");
	assert_int_equal(cd->cross_origin, 0);
	/* CDJ-09: raw and hash are the bytes as received, BOM included. */
	assert_int_equal(cd->raw.len, n + 3);
	assert_memory_equal(cd->raw.ptr, with, n + 3);
	sha256(with, n + 3, h_with);
	sha256(body, n, h_body);
	assert_memory_equal(cd->hash, h_with, 32);
	assert_memory_not_equal(cd->hash, h_body, 32);
	/* A client's §5.8.1.1 serialization never starts with a BOM. */
	assert_false(cd->canonical_order);
	fsim_clientdata_free(&cd);

	/* Without the BOM the same text is canonical. */
	assert_int_equal(parse_n(body, n, &cd, &d), FSIM_OK);
	assert_true(cd->canonical_order);
	assert_memory_equal(cd->hash, h_body, 32);
	fsim_clientdata_free(&cd);
	fsim_diags_clear(&d);
}

static void
test_two_boms_rejected(void **state)
{
	fsim_diags_t d;

	(void)state;
	/* Only one BOM is dropped; U+FEFF is not JSON whitespace. */
	(void)expect_fail("\xef\xbb\xbf\xef\xbb\xbf{}", 8, FSIM_ERR_JSON,
	    "ENC-05", &d);
	fsim_diags_clear(&d);
}

static void
test_duplicate_member(void **state)
{
	fsim_diags_t d;
	const fsim_diag_t *e;
	const char *s = "{\"type\":\"webauthn.get\",\"challenge\":\"AQID\","
	    "\"origin\":\"https://example.org\",\"challenge\":\"BAUG\"}";

	(void)state;
	e = expect_fail(s, strlen(s), FSIM_ERR_JSON, "ENC-06", &d);
	assert_string_equal(e->rule, "ENC-06");
	assert_non_null(strstr(e->msg, "challenge"));
	assert_true(e->offset != FSIM_NO_OFFSET && e->offset < strlen(s));
	assert_false(fsim_diags_has(&d, "ENC-05"));
	fsim_diags_clear(&d);
}

static void
test_not_an_object(void **state)
{
	fsim_diags_t d;
	const fsim_diag_t *e;

	(void)state;
	e = expect_fail("[\"webauthn.get\"]", 16, FSIM_ERR_JSON, "ENC-05", &d);
	assert_non_null(strstr(e->msg, "found array"));
	fsim_diags_clear(&d);
	e = expect_fail("\"webauthn.get\"", 14, FSIM_ERR_JSON, "ENC-05", &d);
	assert_non_null(strstr(e->msg, "found string"));
	fsim_diags_clear(&d);
	(void)expect_fail("", 0, FSIM_ERR_JSON, "ENC-05", &d);
	fsim_diags_clear(&d);
	(void)expect_fail("   ", 3, FSIM_ERR_JSON, "ENC-05", &d);
	fsim_diags_clear(&d);
	(void)expect_fail("{\"type\":", 8, FSIM_ERR_JSON, "ENC-05", &d);
	fsim_diags_clear(&d);
}

static void
test_member_types(void **state)
{
	fsim_diags_t d;
	const fsim_diag_t *e;
	const char *s = "{\"type\":\"webauthn.get\",\"challenge\":\"AQID\","
	    "\"origin\":\"https://example.org\",\"crossOrigin\":\"false\"}";
	size_t i, n = 0;

	(void)state;
	e = expect_fail(s, strlen(s), FSIM_ERR_JSON, "ENC-05", &d);
	assert_string_equal(e->field, "crossOrigin");
	assert_string_equal(e->msg, "must be a boolean, found string");
	fsim_diags_clear(&d);

	/* Every wrong type is recorded, not only the first. */
	s = "{\"type\":1,\"challenge\":null,\"origin\":[],\"crossOrigin\":0,"
	    "\"topOrigin\":{}}";
	(void)expect_fail(s, strlen(s), FSIM_ERR_JSON, "ENC-05", &d);
	for (i = 0; i < d.n; i++)
		if (strcmp(d.v[i].rule, "ENC-05") == 0)
			n++;
	assert_int_equal(n, 5);
	fsim_diags_clear(&d);
}

static void
test_trailing_garbage(void **state)
{
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;
	const char *s = "{\"type\":\"webauthn.get\"}x";

	(void)state;
	(void)expect_fail(s, strlen(s), FSIM_ERR_JSON, "ENC-05", &d);
	fsim_diags_clear(&d);
	s = "{\"type\":\"webauthn.get\"}{}";
	(void)expect_fail(s, strlen(s), FSIM_ERR_JSON, "ENC-05", &d);
	fsim_diags_clear(&d);
	/* Whitespace after the value is fine. */
	fsim_diags_init(&d);
	assert_int_equal(parse_s("{\"type\":\"webauthn.get\"} \r\n\t", &cd, &d),
	    FSIM_OK);
	fsim_clientdata_free(&cd);
	fsim_diags_clear(&d);
}

static void
test_nul_rejected(void **state)
{
	fsim_diags_t d;
	const char *s = "{\"origin\":\"https://a\\u0000.example\"}";

	(void)state;
	/* An escaped NUL would truncate the C string: refused. */
	(void)expect_fail(s, strlen(s), FSIM_ERR_JSON, "ENC-05", &d);
	fsim_diags_clear(&d);
	/* A raw NUL byte is not JSON at all. */
	(void)expect_fail("{\"o\":\"a\0\"}", 10, FSIM_ERR_JSON, "ENC-05", &d);
	fsim_diags_clear(&d);
}

static void
test_canonical_order(void **state)
{
	static const char *const noncanon[] = {
		/* reordered */
		"{\"challenge\":\"AQID\",\"type\":\"webauthn.get\",\"origin\":"
		"\"https://a\",\"crossOrigin\":false}",
		/* whitespace */
		"{\"type\": \"webauthn.get\",\"challenge\":\"AQID\",\"origin\":"
		"\"https://a\",\"crossOrigin\":false}",
		/* crossOrigin missing (written by every L3 client) */
		"{\"type\":\"webauthn.get\",\"challenge\":\"AQID\",\"origin\":"
		"\"https://a\"}",
		/* topOrigin after another member */
		"{\"type\":\"webauthn.get\",\"challenge\":\"AQID\",\"origin\":"
		"\"https://a\",\"crossOrigin\":true,\"x\":1,\"topOrigin\":\"https://b\"}",
		/* '/' escaped, which CCDToString does not do */
		"{\"type\":\"webauthn.get\",\"challenge\":\"AQID\",\"origin\":"
		"\"https:\\/\\/a\",\"crossOrigin\":false}",
	};
	static const char *const canon[] = {
		"{\"type\":\"webauthn.get\",\"challenge\":\"AQID\",\"origin\":"
		"\"https://a\",\"crossOrigin\":false,\"other\":  [1]}",
		"{\"type\":\"webauthn.get\",\"challenge\":\"AQID\",\"origin\":"
		"\"https://a\",\"crossOrigin\":true,\"topOrigin\":\"https://b\"}",
	};
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;
	size_t i;

	(void)state;
	fsim_diags_init(&d);
	for (i = 0; i < sizeof(noncanon) / sizeof(noncanon[0]); i++) {
		assert_int_equal(parse_s(noncanon[i], &cd, &d), FSIM_OK);
		assert_false(cd->canonical_order);
		fsim_clientdata_free(&cd);
	}
	for (i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
		assert_int_equal(parse_s(canon[i], &cd, &d), FSIM_OK);
		assert_true(cd->canonical_order);
		fsim_clientdata_free(&cd);
	}
	assert_int_equal(d.n, 0);
	fsim_diags_clear(&d);
}

static void
test_build_exact(void **state)
{
	static const uint8_t chal[] = { 0x01, 0x02, 0x03, 0xfb, 0xff };
	/* '"', '\', a C0 control, DEL and a 2-byte character in the origin. */
	static const char origin[] = "https://a\"b\\c\x01\x1f\x7f\xc3\xa9";
	static const char expect[] =
	    "{\"type\":\"webauthn.create\",\"challenge\":\"AQID-_8\","
	    "\"origin\":\"https://a\\\"b\\\\c\\u0001\\u001f\x7f\xc3\xa9\","
	    "\"crossOrigin\":true,\"topOrigin\":\"https://top.example\"}";
	static const char plain[] = "{\"type\":\"webauthn.get\","
	    "\"challenge\":\"AQID\",\"origin\":\"https://example.org\","
	    "\"crossOrigin\":false}";
	fsim_blob_t b = { 0 };
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;

	(void)state;
	assert_int_equal(fsim_clientdata_build("webauthn.create", chal,
	    sizeof(chal), origin, true, "https://top.example", &b), FSIM_OK);
	assert_int_equal(b.len, sizeof(expect) - 1);
	assert_memory_equal(b.ptr, expect, b.len);
	/* And it parses back to the same values, in canonical form. */
	fsim_diags_init(&d);
	assert_int_equal(fsim_clientdata_parse(b.ptr, b.len, &cd, &d), FSIM_OK);
	assert_string_equal(cd->origin, origin);
	assert_string_equal(cd->challenge, "AQID-_8");
	assert_string_equal(cd->top_origin, "https://top.example");
	assert_int_equal(cd->cross_origin, 1);
	assert_true(cd->canonical_order);
	fsim_clientdata_free(&cd);
	fsim_blob_reset(&b);

	/* No topOrigin, crossOrigin false. */
	assert_int_equal(fsim_clientdata_build("webauthn.get", chal, 3,
	    "https://example.org", false, NULL, &b), FSIM_OK);
	assert_true(fsim_blob_eq(&b, (const uint8_t *)plain, strlen(plain)));
	fsim_blob_reset(&b);
	fsim_diags_clear(&d);
}

static void
test_build_rejects(void **state)
{
	fsim_blob_t b = { 0 };

	(void)state;
	assert_int_equal(fsim_clientdata_build(NULL, NULL, 0, "o", false, NULL,
	    &b), FSIM_ERR_ARG);
	assert_int_equal(fsim_clientdata_build("t", NULL, 0, NULL, false, NULL,
	    &b), FSIM_ERR_ARG);
	assert_int_equal(fsim_clientdata_build("t", NULL, 4, "o", false, NULL,
	    &b), FSIM_ERR_ARG);
	/* CCDToString works on code points: invalid UTF-8 is refused. */
	assert_int_equal(fsim_clientdata_build("t", NULL, 0, "https://\xff",
	    false, NULL, &b), FSIM_ERR_ARG);
	assert_int_equal(fsim_clientdata_build("t", NULL, 0, "o", false,
	    "\xed\xa0\x80", &b), FSIM_ERR_ARG);
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_int_equal(fsim_clientdata_build("t", NULL, 0, "o", false, NULL,
	    NULL), FSIM_ERR_ARG);
}

static void
test_parse_args(void **state)
{
	fsim_clientdata_t *cd = NULL;

	(void)state;
	assert_int_equal(fsim_clientdata_parse(NULL, 3, &cd, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)"{}", 2, NULL,
	    NULL), FSIM_ERR_ARG);
	/* A NULL diagnostics list is allowed. */
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)"[]", 2, &cd,
	    NULL), FSIM_ERR_JSON);
	assert_null(cd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_w3c_vectors),
		cmocka_unit_test(test_absent_members_ok),
		cmocka_unit_test(test_invalid_utf8_offset),
		cmocka_unit_test(test_valid_utf8_multibyte),
		cmocka_unit_test(test_bom_stripped_hash_covers_it),
		cmocka_unit_test(test_two_boms_rejected),
		cmocka_unit_test(test_duplicate_member),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_member_types),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_nul_rejected),
		cmocka_unit_test(test_canonical_order),
		cmocka_unit_test(test_build_exact),
		cmocka_unit_test(test_build_rejects),
		cmocka_unit_test(test_parse_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
