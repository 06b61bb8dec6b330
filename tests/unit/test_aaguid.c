/* test_aaguid.c — AAGUID text form, the shipped name list, its fallback and retirement signal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/aaguid.h"

static void
format_and_parse(void **state)
{
	const uint8_t a[16] = { 0xfb, 0xfc, 0x30, 0x07, 0x15, 0x4e, 0x4e, 0xcc,
	    0x8c, 0x0b, 0x6e, 0x02, 0x05, 0x57, 0xd7, 0xbd };
	uint8_t b[16];
	char s[FSIM_AAGUID_STRLEN + 1];

	(void)state;
	fsim_aaguid_format(a, s);
	assert_string_equal(s, "fbfc3007-154e-4ecc-8c0b-6e020557d7bd");
	assert_int_equal(fsim_aaguid_parse("FBFC3007-154E-4ECC-8C0B-6E020557D7BD", b), 0);
	assert_memory_equal(a, b, 16);
	assert_int_equal(fsim_aaguid_parse("fbfc3007154e4ecc8c0b6e020557d7bd", b), 0);
	assert_memory_equal(a, b, 16);
	assert_int_equal(fsim_aaguid_parse("fbfc3007-154e-4ecc-8c0b-6e020557d7b", b), FSIM_ERR_ENCODING);
	assert_int_equal(fsim_aaguid_parse("fbfc3007+154e-4ecc-8c0b-6e020557d7bd", b), FSIM_ERR_ENCODING);
	assert_int_equal(fsim_aaguid_parse("gbfc3007-154e-4ecc-8c0b-6e020557d7bd", b), FSIM_ERR_ENCODING);
	memset(b, 0, 16);
	assert_true(fsim_aaguid_is_zero(b));
	assert_false(fsim_aaguid_is_zero(a));
}

static void
shipped_list_names_providers(void **state)
{
	fsim_aaguid_names_t *n = NULL;
	uint8_t a[16];

	(void)state;
	assert_int_equal(fsim_aaguid_names_load("data/aaguid-names.json", &n, NULL), 0);
	assert_int_equal(fsim_aaguid_names_count(n), 52);
	assert_int_equal(fsim_aaguid_parse("08987058-cadc-4b81-b6e1-30de50dcbe96", a), 0);
	assert_string_equal(fsim_aaguid_name(n, a), "Windows Hello");
	assert_int_equal(fsim_aaguid_parse("53414d53-554e-4700-0000-000000000000", a), 0);
	assert_string_equal(fsim_aaguid_name(n, a), "Samsung Pass");
	memset(a, 0, 16);
	assert_null(fsim_aaguid_name(n, a));
	assert_string_equal(fsim_aaguid_names_source(n), "data/aaguid-names.json");
	fsim_aaguid_names_free(&n);
	assert_null(n);
}

static void
builtin_copy_matches_file(void **state)
{
	fsim_aaguid_names_t *n = NULL;
	uint8_t a[16];

	(void)state;
	assert_int_equal(fsim_aaguid_names_builtin(&n), 0);
	assert_int_equal(fsim_aaguid_names_count(n), 52);
	assert_int_equal(fsim_aaguid_parse("0ea242b4-43c4-4a1b-8b17-dd6d0b6baec6", a), 0);
	assert_string_equal(fsim_aaguid_name(n, a), "Keeper");
	fsim_aaguid_names_free(&n);
}

static char *
write_tmp(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	strcpy(path, "/tmp/fsim-aaguid-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void
empty_list_is_reported(void **state)
{
	fsim_aaguid_names_t *n = NULL;
	fsim_diags_t d;
	char *p = write_tmp("{}");

	(void)state;
	fsim_diags_init(&d);
	assert_int_not_equal(fsim_aaguid_names_load(p, &n, &d), 0);
	assert_null(n);
	assert_true(fsim_diags_has(&d, "DATA-01"));
	assert_non_null(strstr(d.v[0].msg, "retired"));
	fsim_diags_clear(&d);
	/* Named through the environment, a retired list is refused too, not silently replaced. */
	setenv("FIDOSIM_AAGUID_NAMES", p, 1);
	fsim_diags_init(&d);
	assert_int_not_equal(fsim_aaguid_names_load(NULL, &n, &d), 0);
	assert_true(fsim_diags_has(&d, "DATA-01"));
	unsetenv("FIDOSIM_AAGUID_NAMES");
	fsim_diags_clear(&d);
	remove(p);
}

static void
bad_lists_are_refused_or_skipped(void **state)
{
	fsim_aaguid_names_t *n = NULL;
	fsim_diags_t d;
	char *p;

	(void)state;
	fsim_diags_init(&d);
	p = write_tmp("[1,2]");
	assert_int_not_equal(fsim_aaguid_names_load(p, &n, &d), 0);
	assert_true(fsim_diags_has(&d, "DATA-01"));
	remove(p);
	fsim_diags_clear(&d);
	p = write_tmp("{\"a\": \"b\", \"a\": \"c\"}");
	assert_int_not_equal(fsim_aaguid_names_load(p, &n, &d), 0);
	remove(p);
	fsim_diags_clear(&d);
	/* One bad entry is skipped with a warning; the good one is kept. */
	p = write_tmp("{\"not-a-uuid\": \"x\", "
	    "\"00000000-0000-0000-0000-000000000001\": \"Mine\"}");
	assert_int_equal(fsim_aaguid_names_load(p, &n, &d), 0);
	assert_int_equal(fsim_aaguid_names_count(n), 1);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_WARNING), 1);
	fsim_aaguid_names_free(&n);
	remove(p);
	fsim_diags_clear(&d);
	assert_int_not_equal(fsim_aaguid_names_load("/nonexistent.json", &n, &d), 0);
	assert_true(fsim_diags_has(&d, "DATA-01"));
	fsim_diags_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_and_parse),
		cmocka_unit_test(shipped_list_names_providers),
		cmocka_unit_test(builtin_copy_matches_file),
		cmocka_unit_test(empty_list_is_reported),
		cmocka_unit_test(bad_lists_are_refused_or_skipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
