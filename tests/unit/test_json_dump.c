/*
 * test_json_dump.c — the direct writer (core/json_dump.c) gives the very
 * bytes of jansson's json_dumps: on a document holding every kind of value
 * and every character class under every flag it takes, on random documents
 * (valid and invalid UTF-8 strings among them), and on what it hands back
 * (other flags, cycles, deep nesting, a bare value without JSON_ENCODE_ANY).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/json_dump.h"

static const size_t flag_sets[] = {
	0,
	JSON_INDENT(1),
	JSON_INDENT(1) | JSON_ENSURE_ASCII,
	JSON_INDENT(2) | JSON_SORT_KEYS,
	JSON_INDENT(4) | JSON_ENSURE_ASCII | JSON_SORT_KEYS,
	JSON_INDENT(31),
	JSON_COMPACT,
	JSON_COMPACT | JSON_ENSURE_ASCII,
	JSON_COMPACT | JSON_INDENT(3),
	JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH,
	JSON_ESCAPE_SLASH | JSON_INDENT(1),
	JSON_PRESERVE_ORDER | JSON_INDENT(2),
	JSON_REAL_PRECISION(3) | JSON_INDENT(1),
	JSON_REAL_PRECISION(17) | JSON_COMPACT | JSON_ENSURE_ASCII,
	JSON_ENCODE_ANY,
	JSON_EMBED | JSON_COMPACT,   /* not taken: handed to jansson */
};

/* Ours equals jansson's: both NULL, or the same bytes and the length said. */
static void
same(const json_t *j, size_t flags)
{
	size_t len = 99;
	char *ours = fsim_json_dumps(j, flags, &len);
	char *theirs = json_dumps(j, flags);

	if (theirs == NULL) {
		assert_null(ours);
		assert_int_equal(len, 0);
		return;
	}
	assert_non_null(ours);
	assert_string_equal(ours, theirs);
	assert_int_equal(len, strlen(theirs));
	free(ours);
	free(theirs);
}

static void
same_all_flags(const json_t *j)
{
	size_t i;

	for (i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++)
		same(j, flag_sets[i]);
}

static json_t *
every_kind(void)
{
	static const char ctl[] = "\x00\x01\x07\b\t\n\v\f\r\x1b\x1f \"\\/<>&\x7f";
	json_t *o = json_object(), *a = json_array(), *e = json_object();
	json_t *reals = json_array(), *ints = json_array();

	assert_non_null(o);
	json_object_set_new(o, "zeta", json_string("last letter first"));
	json_object_set_new(o, "alpha", json_true());
	json_object_set_new(o, "al", json_false());
	json_object_set_new(o, "nothing", json_null());
	json_object_set_new(o, "empty object", json_object());
	json_object_set_new(o, "empty array", json_array());
	json_object_set_new(o, "controls", json_stringn(ctl, sizeof(ctl) - 1));
	json_object_set_new(o, "utf8", json_string("é ß € 中 \xe2\x80\xa8 \xf0\x9f\x94\x91 "
	    "\xf4\x8f\xbf\xbf \xef\xbf\xbf"));
	json_object_set_new(o, "url", json_string("https://example.com/a/b?c=<d>&e"));
	json_object_setn_new(o, "nul\0key", 7, json_string("key with a NUL"));
	json_object_set_new(o, "clé", json_string("non-ASCII key"));
	json_object_set_new(o, "", json_string("empty key"));
	json_array_append_new(ints, json_integer(0));
	json_array_append_new(ints, json_integer(-1));
	json_array_append_new(ints, json_integer(1234567890123LL));
	json_array_append_new(ints, json_integer(INT64_MAX));
	json_array_append_new(ints, json_integer(INT64_MIN));
	json_object_set_new(o, "integers", ints);
	json_array_append_new(reals, json_real(0.1));
	json_array_append_new(reals, json_real(-0.0));
	json_array_append_new(reals, json_real(5.0));
	json_array_append_new(reals, json_real(1e300));
	json_array_append_new(reals, json_real(-1.5e-7));
	json_array_append_new(reals, json_real(123456789012345678.0));
	json_array_append_new(reals, json_real(0.4603));
	json_object_set_new(o, "reals", reals);
	json_object_set_new(e, "deeper", json_loads("[[{}], {\"x\": [1, [2, [3]]], \"y\": {}}]",
	    0, NULL));
	assert_non_null(json_object_get(e, "deeper"));
	json_array_append_new(a, e);
	json_array_append_new(a, json_string(""));
	json_array_append_new(a, json_array());
	json_object_set_new(o, "nested", a);
	return o;
}

static void
test_every_kind(void **state)
{
	json_t *o = every_kind();

	(void)state;
	same_all_flags(o);
	same_all_flags(json_object_get(o, "nested"));
	json_decref(o);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Random bytes, biased to the interesting ones; not always valid UTF-8. */
static json_t *
random_string(void)
{
	static const char *bits[] = { "a", "\"", "\\", "/", "\n", "\x01", "\x7f", "é", "€",
	    "\xf0\x9f\x98\x80", "\xc3", "\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	    "\xe0\x80\x80", "\xf0\x80\x80\x80", "\xf8", "<", " ", "Z" };
	char b[64];
	size_t n = 0, k, i, cnt = rnd(8);

	for (i = 0; i < cnt; i++) {
		const char *s = bits[rnd(sizeof(bits) / sizeof(bits[0]))];

		k = strlen(s);
		if (n + k > sizeof(b))
			break;
		memcpy(b + n, s, k);
		n += k;
	}
	return json_stringn_nocheck(b, n);
}

static json_t *
random_value(int depth)
{
	uint32_t kind = rnd(depth > 4 ? 6 : 9), i, n;
	json_t *c;

	switch (kind) {
	case 0: return json_null();
	case 1: return json_true();
	case 2: return json_integer((json_int_t)rnd(2000000) - 1000000);
	case 3: return json_real((double)rnd(100000) / 7.0);
	case 4:
	case 5: return random_string();
	case 6:
		c = json_array();
		for (i = 0, n = rnd(5); i < n; i++)
			json_array_append_new(c, random_value(depth + 1));
		return c;
	default:
		c = json_object();
		for (i = 0, n = rnd(5); i < n; i++) {
			json_t *k = random_string();

			json_object_setn_new_nocheck(c, json_string_value(k),
			    json_string_length(k), random_value(depth + 1));
			json_decref(k);
		}
		return c;
	}
}

static void
test_random_documents(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		json_t *d = json_object();

		json_object_set_new(d, "v", random_value(0));
		same_all_flags(d);
		json_decref(d);
	}
}

/* A bare value is written only with JSON_ENCODE_ANY, as jansson does. */
static void
test_bare_values(void **state)
{
	json_t *v[] = { json_string("x"), json_integer(7), json_real(2.5), json_null(),
	    json_true() };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_null(fsim_json_dumps(v[i], JSON_INDENT(1), NULL));
		same(v[i], JSON_ENCODE_ANY);
		same(v[i], JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
		json_decref(v[i]);
	}
	assert_null(fsim_json_dumps(NULL, JSON_ENCODE_ANY, NULL));
}

/* A cycle: jansson refuses it, and so do we (by handing it over). */
static void
test_cycle(void **state)
{
	json_t *a = json_array(), *b = json_array();

	(void)state;
	json_array_append(a, b);
	json_array_append(b, a);
	same(a, JSON_INDENT(1));
	assert_null(fsim_json_dumps(a, JSON_COMPACT, NULL));
	json_array_clear(b);
	json_decref(a);
	json_decref(b);
}

/* Nesting past the depth we follow is jansson's to write; the text is the same. */
static void
test_deep(void **state)
{
	json_t *top = json_array(), *cur = top;
	int i;

	(void)state;
	for (i = 0; i < 700; i++) {
		json_t *n = json_array();

		json_array_append_new(cur, n);
		cur = n;
	}
	same(top, JSON_COMPACT);
	same(top, JSON_INDENT(1));
	json_decref(top);
}

/* A string that is not UTF-8 makes jansson fail; so the whole dump fails. */
static void
test_invalid_utf8(void **state)
{
	static const char *bad[] = { "\xc3", "\x80", "\xc0\xaf", "\xed\xa0\x80",
	    "\xf4\x90\x80\x80", "\xe0\x80\x80", "ok\xff" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *o = json_object();

		json_object_set_new(o, "s", json_string_nocheck(bad[i]));
		assert_null(fsim_json_dumps(o, JSON_INDENT(1), NULL));
		same(o, JSON_INDENT(1) | JSON_ENSURE_ASCII);
		same(o, 0);
		json_decref(o);
	}
}

/*
 * jansson's compact ASCII text, in the key order and with the slash escaping
 * flags ask for, with <, > and & escaped (they only occur inside strings).
 */
static char *
html_safe_of(const json_t *j, size_t flags)
{
	/* the text's own key order and slash escaping, compact */
	char *t = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII |
	    (flags & (JSON_SORT_KEYS | JSON_ESCAPE_SLASH | JSON_REAL_PRECISION(31)))), *o;
	size_t i, n = 0;

	assert_non_null(t);
	o = malloc(6 * strlen(t) + 1);
	assert_non_null(o);
	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] == '<' || t[i] == '>' || t[i] == '&') {
			memcpy(o + n, t[i] == '<' ? "\\u003c" : t[i] == '>' ? "\\u003e" :
			    "\\u0026", 6);
			n += 6;
		} else
			o[n++] = t[i];
	}
	o[n] = '\0';
	free(t);
	return o;
}

/* Both texts from one pass: jansson's, and its compact form made HTML-safe. */
static bool
same_html(const json_t *j, size_t flags)
{
	char *text = NULL, *html = NULL, *want_t = json_dumps(j, flags), *want_h;
	size_t len = 0, hlen = 0;

	assert_non_null(want_t);
	if (fsim_json_dumps_html(j, flags, &text, &len, &html, &hlen) != 0) {
		/* handed back (a document this writer leaves to jansson): nothing made */
		assert_null(text);
		assert_null(html);
		free(want_t);
		return false;
	}
	want_h = html_safe_of(j, flags);
	assert_string_equal(text, want_t);
	assert_int_equal(len, strlen(want_t));
	assert_string_equal(html, want_h);
	assert_int_equal(hlen, strlen(want_h));
	assert_null(strchr(html, '<'));
	assert_null(strchr(html, '>'));
	assert_null(strchr(html, '&'));
	free(text);
	free(html);
	free(want_t);
	free(want_h);
	return true;
}

static void
test_html_safe(void **state)
{
	json_t *o = every_kind(), *bad = json_object();
	char *text = (char *)1, *html = (char *)1;
	size_t len = 1, hlen = 1;
	int i, made, tried;

	(void)state;
	json_object_set_new(o, "hostile", json_string("</script><!-- a & b > c"));
	assert_true(same_html(o, JSON_INDENT(1) | JSON_ENSURE_ASCII));
	assert_true(same_html(o, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_SORT_KEYS));
	assert_true(same_html(o, JSON_ENSURE_ASCII));
	assert_true(same_html(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH));
	for (i = 0, made = 0, tried = 0; i < 500; i++) {
		json_t *d = json_object();
		char *t;

		json_object_set_new(d, "v", random_value(0));
		/*
		 * jansson writes a key that is not UTF-8 as a broken string (it
		 * ignores that failure) and this writer hands such documents back;
		 * every document jansson writes as itself is made here.
		 */
		if ((t = json_dumps(d, JSON_ENSURE_ASCII)) != NULL) {
			json_t *back = json_loads(t, 0, NULL);

			if (back != NULL && json_equal(back, d)) {
				tried++;
				made += same_html(d, JSON_INDENT(1) | JSON_ENSURE_ASCII);
			} else
				(void)same_html(d, JSON_INDENT(1) | JSON_ENSURE_ASCII);
			json_decref(back);
			free(t);
		}
		json_decref(d);
	}
	assert_true(tried > 200);
	assert_int_equal(made, tried);
	/* not ASCII-only, or a string jansson refuses: nothing made */
	assert_int_equal(fsim_json_dumps_html(o, JSON_INDENT(1), &text, &len, &html, &hlen), -1);
	assert_null(text);
	assert_null(html);
	json_object_set_new(bad, "s", json_string_nocheck("\xc3"));
	assert_int_equal(fsim_json_dumps_html(bad, JSON_INDENT(1) | JSON_ENSURE_ASCII, &text, &len,
	    &html, &hlen), -1);
	assert_null(text);
	assert_int_equal(hlen, 0);
	json_decref(bad);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_random_documents),
		cmocka_unit_test(test_bare_values),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_html_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
