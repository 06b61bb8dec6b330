/* test_util.c — diagnostics list, blobs, file reading, the input span (ENC-00). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/util.h"

static void
diags_prefix_and_base(void **state)
{
	fsim_diags_t d;
	fsim_diags_frame_t f1, f2;
	char line[512];

	(void)state;
	fsim_diags_init(&d);
	fsim_diags_add(&d, FSIM_SEV_ERROR, "AD-01", "flags", 32, "short");
	fsim_diags_push(&d, &f1, 100, "authData");
	fsim_diags_push(&d, &f2, 55, "attestedCredentialData");
	fsim_diags_add(&d, FSIM_SEV_WARNING, "ENC-04", "credentialPublicKey", 3, "x");
	fsim_diags_add(&d, FSIM_SEV_ERROR, "ACD-02", NULL, FSIM_NO_OFFSET, "y");
	fsim_diags_pop(&d, &f2);
	fsim_diags_pop(&d, &f1);
	fsim_diags_add(&d, FSIM_SEV_INFO, "CDJ-08", "", 1, "z");
	assert_int_equal(d.n, 4);
	assert_string_equal(d.v[0].field, "flags");
	assert_int_equal(d.v[0].offset, 32);
	assert_string_equal(d.v[1].field, "authData.attestedCredentialData.credentialPublicKey");
	assert_int_equal(d.v[1].offset, 158);
	assert_string_equal(d.v[2].field, "authData.attestedCredentialData");
	assert_int_equal(d.v[2].offset, FSIM_NO_OFFSET);
	assert_string_equal(d.v[3].field, "");
	assert_int_equal(d.v[3].offset, 1);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 2);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_WARNING), 1);
	assert_true(fsim_diags_has(&d, "ACD-02"));
	assert_false(fsim_diags_has(&d, "ACD-01"));
	assert_string_equal(fsim_diags_first(&d, FSIM_SEV_ERROR)->rule, "AD-01");
	fsim_diag_format(&d.v[1], line, sizeof(line));
	assert_string_equal(line, "authData.attestedCredentialData.credentialPublicKey "
	    "at byte offset 158: x [ENC-04]");
	fsim_diags_clear(&d);
	assert_int_equal(d.n, 0);
	/* NULL lists record nothing and do not crash. */
	fsim_diags_add(NULL, FSIM_SEV_ERROR, "X", "f", 0, "m");
	assert_int_equal(fsim_diags_count(NULL, FSIM_SEV_ERROR), 0);
}

/* ENC-00: empty and whitespace-only input is refused; otherwise the span drops the whitespace. */
static void
input_span_enc00(void **state)
{
	static const uint8_t ws[] = " \t\r\n ", body[] = "\n  {\"a\": 1}\t\n";
	fsim_diags_t d;
	size_t s = 99, e = 99;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_input_span(body, 0, &s, &e, &d), FSIM_ERR_FORMAT);
	assert_int_equal(s, 0);
	assert_int_equal(e, 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].rule, "ENC-00");
	assert_int_equal(d.v[0].sev, FSIM_SEV_ERROR);
	assert_string_equal(d.v[0].msg, "the input is empty");
	assert_int_equal(fsim_input_span(NULL, 5, &s, &e, &d), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_input_span(ws, sizeof(ws) - 1, &s, &e, &d), FSIM_ERR_FORMAT);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.v[2].rule, "ENC-00");
	assert_non_null(strstr(d.v[2].msg, "whitespace only"));
	fsim_diags_clear(&d);
	assert_int_equal(fsim_input_span(body, sizeof(body) - 1, &s, &e, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(s, 3);
	assert_int_equal(e, 11);
	assert_memory_equal(body + s, "{\"a\": 1}", e - s);
	/* one byte that is not whitespace is kept; NULL diagnostics record nothing */
	assert_int_equal(fsim_input_span((const uint8_t *)"x", 1, &s, &e, NULL), FSIM_OK);
	assert_int_equal(e - s, 1);
	assert_int_equal(fsim_input_span(ws, sizeof(ws) - 1, &s, &e, NULL), FSIM_ERR_FORMAT);
	fsim_diags_clear(&d);
}

static void
diags_long_paths_truncate(void **state)
{
	fsim_diags_t d;
	fsim_diags_frame_t f;
	char name[300];

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	fsim_diags_init(&d);
	fsim_diags_push(&d, &f, 0, name);
	fsim_diags_add(&d, FSIM_SEV_ERROR, "R", name, 0, "%s", name);
	assert_int_equal(strlen(d.v[0].field), sizeof(d.v[0].field) - 1);
	assert_int_equal(strlen(d.v[0].msg), sizeof(d.v[0].msg) - 1);
	fsim_diags_pop(&d, &f);
	assert_string_equal(d.prefix, "");
	fsim_diags_clear(&d);
}

static void
blob_set_append_reset(void **state)
{
	fsim_blob_t b = { 0 };
	const uint8_t x[] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(fsim_blob_set(&b, x, 3), 0);
	assert_true(fsim_blob_eq(&b, x, 3));
	assert_int_equal(fsim_blob_append(&b, x, 2), 0);
	assert_int_equal(b.len, 5);
	assert_int_equal(b.ptr[3], 1);
	assert_false(fsim_blob_eq(&b, x, 3));
	assert_int_equal(fsim_blob_set(&b, NULL, 1), FSIM_ERR_ARG);
	fsim_blob_reset(&b);
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	fsim_blob_reset(NULL);
}

static void
read_file_limits(void **state)
{
	fsim_blob_t b = { 0 };
	char path[] = "/tmp/fsim-test-XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("hello world", f);
	fclose(f);
	assert_int_equal(fsim_read_file(path, 100, &b), 0);
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.ptr, "hello world", 11);
	assert_int_equal(fsim_read_file(path, 10, &b), FSIM_ERR_ARG);
	assert_int_equal(b.len, 11); /* untouched on failure */
	assert_int_equal(fsim_read_file("/nonexistent/x", 10, &b), FSIM_ERR_IO);
	fsim_blob_reset(&b);
	remove(path);
	assert_string_equal(fsim_strerr(FSIM_ERR_CBOR), "invalid CBOR");
	assert_string_equal(fsim_strerr(12345), "unknown error");
}

/* Entries appended as they are: fields and offsets untouched by the target's own prefix and base. */
static void
diags_append_verbatim(void **state)
{
	fsim_diags_t src, dst;
	fsim_diags_frame_t f;
	size_t i;

	(void)state;
	fsim_diags_init(&src);
	fsim_diags_init(&dst);
	fsim_diags_push(&src, &f, 10, "clientDataJSON");
	for (i = 0; i < 20; i++)
		fsim_diags_add(&src, FSIM_SEV_WARNING, "CDJ-08", "type", i, "entry %zu", i);
	fsim_diags_pop(&src, &f);
	fsim_diags_add(&dst, FSIM_SEV_ERROR, "ENC-05", NULL, 0, "first");
	fsim_diags_push(&dst, &f, 99, "elsewhere");
	assert_int_equal(fsim_diags_append(&dst, src.v, src.n), 0);
	fsim_diags_pop(&dst, &f);
	assert_int_equal(dst.n, 21);
	for (i = 0; i < 20; i++) {
		assert_string_equal(dst.v[1 + i].field, "clientDataJSON.type");
		assert_int_equal(dst.v[1 + i].offset, 10 + i);
		assert_memory_equal(&dst.v[1 + i], &src.v[i], sizeof(src.v[i]));
	}
	assert_string_equal(dst.v[0].msg, "first");
	/* nothing to append, or no list to append to: nothing happens */
	assert_int_equal(fsim_diags_append(&dst, NULL, 0), 0);
	assert_int_equal(fsim_diags_append(NULL, src.v, src.n), 0);
	assert_int_equal(fsim_diags_append(&dst, NULL, 1), FSIM_ERR_ARG);
	assert_int_equal(dst.n, 21);
	fsim_diags_clear(&src);
	fsim_diags_clear(&dst);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diags_prefix_and_base),
		cmocka_unit_test(diags_long_paths_truncate),
		cmocka_unit_test(diags_append_verbatim),
		cmocka_unit_test(input_span_enc00),
		cmocka_unit_test(blob_set_append_reset),
		cmocka_unit_test(read_file_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
