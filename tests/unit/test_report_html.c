/*
 * test_report_html.c — harness/report_html.h: the page written for the sample
 * report (tests/fixtures/report-sample.json) names every cell and carries the
 * report unchanged; hostile strings cannot end the script element or become
 * markup; a Content-Security-Policy that runs only the page's own script and
 * style (their SHA-256 match) and loads nothing; reports of odd shape still
 * give a page; bad arguments and failed writes are errors, not crashes.
 * How the page draws itself is tested in a browser: tests/integration/report_html.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "core/json_dump.h"
#include "harness/report_html.h"

#define FIXTURE FSIM_SRCDATA "/../tests/fixtures/report-sample.json"
#define DATA_OPEN "<script type=\"application/json\" id=\"fsim-report\">"

typedef struct page {
	char *p;
	size_t len;
} page_t;

static void
page_free(page_t *pg)
{
	free(pg->p);
	pg->p = NULL;
	pg->len = 0;
}

/* The page for rep, in memory; returns fsim_report_html's result. */
static int
render(const json_t *rep, page_t *pg)
{
	FILE *f;
	int r;

	pg->p = NULL;
	pg->len = 0;
	f = open_memstream(&pg->p, &pg->len);
	assert_non_null(f);
	r = fsim_report_html(rep, f);
	assert_int_equal(fclose(f), 0);
	return r;
}

static size_t
count_ci(const char *hay, const char *needle)
{
	size_t n = 0, k = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, k) == 0)
			n++;
	return n;
}

/* The report embedded in the page, and where its text lies. */
static json_t *
embedded(const page_t *pg, const char **from, const char **to)
{
	const char *a = strstr(pg->p, DATA_OPEN), *b;
	json_error_t e;
	json_t *j;

	assert_non_null(a);
	a += strlen(DATA_OPEN);
	b = strstr(a, "</script>");
	assert_non_null(b);
	j = json_loadb(a, (size_t)(b - a), JSON_DECODE_ANY, &e);
	if (j == NULL)
		fail_msg("embedded report does not parse: %s", e.text);
	if (from != NULL)
		*from = a;
	if (to != NULL)
		*to = b;
	return j;
}

/* Structure every page has: one style, two scripts, a whole document. */
static void
assert_page_shape(const page_t *pg)
{
	assert_true(pg->len > 1000);
	assert_int_equal(strlen(pg->p), pg->len);
	assert_memory_equal(pg->p, "<!doctype html>", 15);
	assert_string_equal(pg->p + pg->len - 8, "</html>\n");
	assert_int_equal(count_ci(pg->p, "<script"), 2);
	assert_int_equal(count_ci(pg->p, "</script"), 2);
	assert_int_equal(count_ci(pg->p, "<style"), 1);
	assert_int_equal(count_ci(pg->p, "</style"), 1);
	assert_null(strstr(pg->p, "@@FSIM_"));
}

static json_t *
load_fixture(void)
{
	json_error_t e;
	json_t *j = json_load_file(FIXTURE, 0, &e);

	if (j == NULL)
		fail_msg("%s: %s", FIXTURE, e.text);
	return j;
}

static void
sample_every_cell(void **state)
{
	json_t *rep = load_fixture(), *back, *cell;
	page_t pg;
	size_t i, matrix = 0;

	(void)state;
	assert_int_equal(render(rep, &pg), 0);
	assert_page_shape(&pg);
	assert_true(json_array_size(json_object_get(rep, "cells")) >= 40);
	json_array_foreach(json_object_get(rep, "cells"), i, cell) {
		const char *id = json_string_value(json_object_get(cell, "id"));
		char quoted[256];

		assert_non_null(id);
		snprintf(quoted, sizeof(quoted), "\"id\":\"%s\"", id);
		if (strstr(pg.p, quoted) == NULL)
			fail_msg("cell %s is not in the page", id);
		if (strcmp(json_string_value(json_object_get(cell, "kind")), "matrix") == 0)
			matrix++;
	}
	/* 4 presets x 3 platforms x 3 policies, as the fixture's axes say. */
	assert_int_equal(matrix, 36);
	back = embedded(&pg, NULL, NULL);
	assert_true(json_equal(back, rep));
	json_decref(back);
	page_free(&pg);
	json_decref(rep);
}

/* "sha256-" + base64 of SHA-256 over p[0..n). */
static void
sha256_b64(const char *p, size_t n, char out[64])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	assert_int_equal(EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL), 1);
	memcpy(out, "sha256-", 7);
	assert_int_equal(EVP_EncodeBlock((unsigned char *)out + 7, md, 32), 44);
}

static void
csp_runs_only_own_code(void **state)
{
	json_t *rep = json_object();
	page_t pg;
	const char *a, *b, *csp;
	char h[64], want[96];

	(void)state;
	assert_int_equal(render(rep, &pg), 0);
	assert_page_shape(&pg);
	csp = strstr(pg.p, "Content-Security-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "default-src 'none'"));
	/* The inline script (the second one) and the style, hashed here. */
	a = strstr(strstr(pg.p, DATA_OPEN) + 1, "<script>");
	assert_non_null(a);
	a += strlen("<script>");
	b = strstr(a, "</script>");
	sha256_b64(a, (size_t)(b - a), h);
	snprintf(want, sizeof(want), "script-src '%s'", h);
	assert_non_null(strstr(csp, want));
	a = strstr(pg.p, "<style>") + strlen("<style>");
	b = strstr(a, "</style>");
	sha256_b64(a, (size_t)(b - a), h);
	snprintf(want, sizeof(want), "style-src '%s'", h);
	assert_non_null(strstr(csp, want));
	/* Nothing that could load anything. */
	assert_null(strstr(pg.p, "src="));
	assert_null(strstr(pg.p, "href="));
	assert_null(strstr(pg.p, "url("));
	assert_null(strstr(pg.p, "@import"));
	assert_null(strstr(pg.p, "fetch("));
	assert_null(strstr(pg.p, "innerHTML"));
	page_free(&pg);
	json_decref(rep);
}

static const char *const hostile[] = {
	"</script><script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"<!--<script>",
	"</SCRIPT >&lt;b&gt;",
	"line\xe2\x80\xa8separator \xe2\x80\xa9 and \xc3\xa9",
};

static void
hostile_strings_escaped(void **state)
{
	json_t *rep = load_fixture(), *cells = json_object_get(rep, "cells"), *back, *c;
	page_t pg;
	const char *from, *to, *q;
	size_t i;

	(void)state;
	c = json_array_get(cells, 0);
	assert_int_equal(json_object_set_new(c, "why", json_string(hostile[0])), 0);
	assert_int_equal(json_object_set_new(c, "libraryError", json_string(hostile[1])), 0);
	assert_int_equal(json_object_set_new(c, "preset", json_string(hostile[2])), 0);
	assert_int_equal(json_object_set_new(json_array_get(cells, 1), "id", json_string(hostile[3])), 0);
	assert_int_equal(json_object_set_new(json_array_get(cells, 2), "why", json_string(hostile[4])), 0);
	/* A member name is written by the page too. */
	assert_int_equal(json_object_set_new(rep, hostile[1], json_string(hostile[0])), 0);
	assert_int_equal(json_array_append_new(json_object_get(json_object_get(rep, "axes"), "presets"),
	    json_string(hostile[2])), 0);

	assert_int_equal(render(rep, &pg), 0);
	assert_page_shape(&pg);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		if (strstr(pg.p, hostile[i]) != NULL)
			fail_msg("hostile string %zu is in the page as it was", i);
	}
	assert_null(strstr(pg.p, "<img"));
	assert_null(strstr(pg.p, "alert(1)</"));
	assert_null(strstr(pg.p, "<!--"));
	/* No angle bracket, ampersand or non-ASCII byte in the data at all. */
	back = embedded(&pg, &from, &to);
	for (q = from; q < to; q++) {
		if (*q == '<' || *q == '>' || *q == '&' || (unsigned char)*q >= 0x80)
			fail_msg("byte 0x%02x at data offset %td", (unsigned char)*q, q - from);
	}
	assert_non_null(strstr(from, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));
	assert_non_null(strstr(from, "\\u2028"));
	/* ... and the report comes back the same. */
	assert_true(json_equal(back, rep));
	json_decref(back);
	page_free(&pg);
	json_decref(rep);
}

/* Reports of the wrong shape still make a page that carries them. */
static void
odd_shapes_still_write(void **state)
{
	static const char *const odd[] = {
		"{}",
		"{\"schema\": 7, \"cells\": \"nope\", \"axes\": 3, \"summary\": [], \"coverage\": null, \"run\": false}",
		"{\"cells\": [1, null, [], {\"id\": 5, \"kind\": [\"matrix\"], \"ceremonies\": {\"x\": 1}, \"rules\": \"REG-14\"}]}",
		"{\"axes\": {\"presets\": [{}], \"platforms\": null, \"policies\": [1, 1]}, \"cells\": [{\"kind\": \"matrix\"}]}",
		"{\"coverage\": {\"rules\": {\"__proto__\": {\"severity\": \"error\"}}, \"errorRulesUncovered\": \"REG-14\"}}",
		"{\"cells\": [{\"ceremonies\": [{\"emitted\": {\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {\"f\": {\"g\": 1}}}}}}}}]}]}",
		"{\"summary\": {\"cells\": 1e300, \"pass\": -1}, \"run\": {\"seconds\": \"soon\"}}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		json_error_t e;
		json_t *rep = json_loads(odd[i], 0, &e), *back;
		page_t pg;

		if (rep == NULL)
			fail_msg("odd[%zu]: %s", i, e.text);
		assert_int_equal(render(rep, &pg), 0);
		assert_page_shape(&pg);
		back = embedded(&pg, NULL, NULL);
		assert_true(json_equal(back, rep));
		json_decref(back);
		page_free(&pg);
		json_decref(rep);
	}
}

static void
bad_arguments(void **state)
{
	json_t *arr = json_array(), *s = json_string("{}"), *o = json_object();
	page_t pg;

	(void)state;
	assert_int_equal(render(NULL, &pg), FSIM_ERR_ARG);
	assert_int_equal(pg.len, 0);
	page_free(&pg);
	assert_int_equal(render(arr, &pg), FSIM_ERR_ARG);
	page_free(&pg);
	assert_int_equal(render(s, &pg), FSIM_ERR_ARG);
	page_free(&pg);
	assert_int_equal(fsim_report_html(o, NULL), FSIM_ERR_ARG);
	json_decref(arr);
	json_decref(s);
	json_decref(o);
}

/* A write that fails (a full disk, a stream not open for writing) is FSIM_ERR_IO. */
static void
failed_writes(void **state)
{
	json_t *rep = load_fixture();
	FILE *f;

	(void)state;
	f = fopen("/dev/full", "w");
	if (f != NULL) {
		assert_int_equal(fsim_report_html(rep, f), FSIM_ERR_IO);
		fclose(f);
	}
	f = fopen("/dev/null", "r");
	assert_non_null(f);
	assert_int_equal(fsim_report_html(rep, f), FSIM_ERR_IO);
	fclose(f);
	json_decref(rep);
}

/* A report of 1,200 cells (the fixture's, copied under new ids) is written whole. */
static void
large_report(void **state)
{
	json_t *rep = load_fixture(), *cells = json_object_get(rep, "cells"), *many = json_array(), *back;
	size_t n = json_array_size(cells), i;
	page_t pg;

	(void)state;
	for (i = 0; i < 1200; i++) {
		json_t *c = json_deep_copy(json_array_get(cells, i % n));
		char id[64];

		snprintf(id, sizeof(id), "matrix/copy-%zu/x/y", i);
		assert_int_equal(json_object_set_new(c, "id", json_string(id)), 0);
		assert_int_equal(json_array_append_new(many, c), 0);
	}
	assert_int_equal(json_object_set_new(rep, "cells", many), 0);
	assert_int_equal(render(rep, &pg), 0);
	assert_page_shape(&pg);
	assert_non_null(strstr(pg.p, "\"id\":\"matrix/copy-1199/x/y\""));
	back = embedded(&pg, NULL, NULL);
	assert_int_equal(json_array_size(json_object_get(back, "cells")), 1200);
	json_decref(back);
	page_free(&pg);
	json_decref(rep);
}

/*
 * The page from report.json's text as `fidosim run` writes it (indented)
 * is byte for byte the page from the object; hostile strings stay escaped
 * and whitespace inside strings is kept. Text that is not an ASCII JSON
 * object is refused.
 */
static void
page_from_text(void **state)
{
	json_t *rep = load_fixture();
	page_t a, b;
	char *text;
	FILE *f;
	static const char *bad[] = {
		"", "   ", "[1,2]", "\"s\"", "{\"a\":\"caf\xc3\xa9\"}", "{\"a\":\"x\ty\"}",
		"{\"a\":\"unterminated}",
		/* not a JSON escape: it would put a raw < into the page */
		"{\"a\":\"\\</script>\"}", "{\"a\":\"\\x\"}", "{\"a\":\"end\\",
	};
	size_t i;

	(void)state;
	assert_int_equal(json_object_set_new(rep, "hostile",
	    json_string("</script><!-- a  b\\\" & > \u2028")), 0);
	assert_int_equal(render(rep, &a), 0);
	text = json_dumps(rep, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	assert_non_null(text);
	b.p = NULL;
	b.len = 0;
	f = open_memstream(&b.p, &b.len);
	assert_non_null(f);
	assert_int_equal(fsim_report_html_text(text, strlen(text), f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
	assert_non_null(strstr(b.p, "a  b"));
	assert_null(strstr(b.p, "</script><!--"));
	/* the data made beside the text in one pass: the very same page */
	{
		char *t2 = NULL, *h2 = NULL;
		size_t l2 = 0, hl2 = 0;
		page_t c = { NULL, 0 };

		assert_int_equal(fsim_json_dumps_html(rep, JSON_INDENT(1) | JSON_ENSURE_ASCII, &t2,
		    &l2, &h2, &hl2), 0);
		assert_string_equal(t2, text);
		f = open_memstream(&c.p, &c.len);
		assert_non_null(f);
		assert_int_equal(fsim_report_html_safe(h2, hl2, f), 0);
		assert_int_equal(fclose(f), 0);
		assert_int_equal(c.len, b.len);
		assert_memory_equal(c.p, b.p, b.len);
		page_free(&c);
		free(t2);
		free(h2);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		page_t c = { NULL, 0 };

		f = open_memstream(&c.p, &c.len);
		assert_non_null(f);
		if (fsim_report_html_text(bad[i], strlen(bad[i]), f) != FSIM_ERR_ARG)
			fail_msg("text %zu was not refused", i);
		assert_int_equal(fclose(f), 0);
		page_free(&c);
	}
	assert_int_equal(fsim_report_html_text(NULL, 0, stdout), FSIM_ERR_ARG);
	free(text);
	page_free(&a);
	page_free(&b);
	json_decref(rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sample_every_cell),
		cmocka_unit_test(csp_runs_only_own_code),
		cmocka_unit_test(hostile_strings_escaped),
		cmocka_unit_test(odd_shapes_still_write),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(failed_writes),
		cmocka_unit_test(large_report),
		cmocka_unit_test(page_from_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
