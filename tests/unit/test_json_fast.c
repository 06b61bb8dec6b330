/*
 * test_json_fast.c — the quick loader (core/json_fast.c) gives jansson's
 * value, member order included, for plain JSON, and NULL (back to jansson)
 * for everything else; a mutation loop holds it to jansson on many
 * near-miss inputs: whatever it accepts, json_loadb accepts with an equal
 * value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/json_fast.h"

static const char response[] =
    "{\"id\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\","
    "\"rawId\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\",\"type\":\"public-key\","
    "\"response\":{\"clientDataJSON\":\"eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0\","
    "\"authenticatorData\":\"SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ\","
    "\"signature\":\"MEUCIQ\",\"userHandle\":\"dXNlcjE\"},"
    "\"clientExtensionResults\":{\"credProps\":{\"rk\":true},\"n\":[1,-7,0,null,false,[]]},"
    "\"authenticatorAttachment\":\"platform\"}";

/* Same value and, for every object, the same member order as jansson's. */
static void
assert_same(const json_t *a, const json_t *b)
{
	const char *ka, *kb;
	void *ia, *ib;
	size_t i;

	assert_true(json_equal(a, b));
	if (json_is_object(a)) {
		for (ia = json_object_iter((json_t *)(uintptr_t)a),
		    ib = json_object_iter((json_t *)(uintptr_t)b); ia != NULL;
		    ia = json_object_iter_next((json_t *)(uintptr_t)a, ia),
		    ib = json_object_iter_next((json_t *)(uintptr_t)b, ib)) {
			assert_non_null(ib);
			ka = json_object_iter_key(ia);
			kb = json_object_iter_key(ib);
			assert_string_equal(ka, kb);
			assert_same(json_object_iter_value(ia), json_object_iter_value(ib));
		}
		assert_null(ib);
	} else if (json_is_array(a))
		for (i = 0; i < json_array_size(a); i++)
			assert_same(json_array_get(a, i), json_array_get(b, i));
}

static void
check_plain(const char *text, size_t flags)
{
	json_t *f = fsim_json_fast_load(text, strlen(text), flags);
	json_t *j = json_loadb(text, strlen(text), flags | JSON_REJECT_DUPLICATES, NULL);

	assert_non_null(f);
	assert_non_null(j);
	assert_same(f, j);
	json_decref(f);
	json_decref(j);
}

static void
test_plain_documents(void **state)
{
	(void)state;
	check_plain(response, 0);
	check_plain(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } , \"c\" : \"\" } \n", 0);
	check_plain("[]", 0);
	check_plain("{\"type\":\"webauthn.get\",\"challenge\":\"AAAA\","
	    "\"origin\":\"https://example.org\",\"crossOrigin\":false}", JSON_DECODE_ANY);
	check_plain("\"text\"", JSON_DECODE_ANY);
	check_plain("-123456789012345678", JSON_DECODE_ANY);
	check_plain("0", JSON_DECODE_ANY);
	check_plain("null", JSON_DECODE_ANY);
}

/* Each of these goes back to jansson: NULL here, whatever jansson makes of it. */
static void
test_falls_back(void **state)
{
	static const char *const cases[] = {
		"", " ", "{", "}", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{\"a\":1 \"b\":2}",
		"{\"a\":\"x\\ny\"}", "{\"a\":\"\\u0041\"}", "{\"a\":\"caf\xc3\xa9\"}",
		"{\"a\":\"tab\there\"}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":-0}",
		"{\"a\":01}", "{\"a\":1234567890123456789}", "{\"a\":1,\"a\":2}",
		"{\"a\":tru}", "{\"a\":truex}", "{\"a\":nul}", "{} x", "{}{}",
		"\xef\xbb\xbf{}", "{'a':1}", "{\"a\":+1}", "{\"a\":\"unterminated}",
		"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_null(fsim_json_fast_load(cases[i], strlen(cases[i]), JSON_DECODE_ANY));
	/* a scalar at the top needs JSON_DECODE_ANY, as with jansson */
	assert_null(fsim_json_fast_load("\"s\"", 3, 0));
	assert_null(fsim_json_fast_load("1", 1, 0));
	/* the flags that change values or the end check are left to jansson */
	assert_null(fsim_json_fast_load("{}", 2, JSON_DECODE_INT_AS_REAL));
	assert_null(fsim_json_fast_load("{}", 2, JSON_DISABLE_EOF_CHECK));
	assert_null(fsim_json_fast_load(NULL, 0, 0));
	/* an embedded NUL is never plain */
	assert_null(fsim_json_fast_load("{\"a\":\"x\0y\"}", 11, 0));
	assert_null(fsim_json_fast_load("{}\0", 3, 0));
}

/*
 * Byte mutations of a real response (replace, delete, insert a byte from a
 * set rich in JSON syntax): whenever the quick loader answers, jansson
 * accepts the same text with an equal value.
 */
static void
test_mutations_agree_with_jansson(void **state)
{
	static const char alphabet[] = "{}[]\":,\\ 0123456789-.eEtrufalsn\t\n\x01\x7f\xc3";
	char buf[sizeof(response) + 2];
	unsigned long seed = 12345;
	size_t len, at, n = strlen(response), i, answered = 0;
	json_t *f, *j;

	(void)state;
	for (i = 0; i < 20000; i++) {
		memcpy(buf, response, n);
		len = n;
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		at = (size_t)(seed >> 33) % n;
		switch ((seed >> 20) % 3) {
		case 0:
			buf[at] = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
			break;
		case 1:
			memmove(buf + at, buf + at + 1, n - at - 1);
			len = n - 1;
			break;
		default:
			memmove(buf + at + 1, buf + at, n - at);
			buf[at] = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
			len = n + 1;
			break;
		}
		f = fsim_json_fast_load(buf, len, JSON_DECODE_ANY);
		j = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
		if (f != NULL) {
			answered++;
			assert_non_null(j);
			assert_same(f, j);
		}
		json_decref(f);
		json_decref(j);
	}
	/* most mutations land inside base64url text and stay plain */
	assert_true(answered > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_documents),
		cmocka_unit_test(test_falls_back),
		cmocka_unit_test(test_mutations_agree_with_jansson),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
