/*
 * test_fmt_none.c — the none attestation format (WebAuthn §8.7): the W3C L3
 * none vector verifies (None, no trust path); any member in attStmt, or an
 * attStmt that is not a map, fails ATT-NONE-01 (PIT-09).
 *
 * Data: vectors/w3c-l3/w3c-none-es256-registration.json (WebAuthn L3 §16).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "att_fixture.h"

static int
run(const fx_vec_t *v, const cbor_item_t *stmt, fsim_checks_t *ck, fsim_att_type_t *t)
{
	fsim_fmt_ctx_t c = fx_ctx(v, stmt, ck);
	fsim_fmt_result_t res = { .type = FSIM_ATT_TYPE_BASIC, .x5c = NULL };
	int r = fsim_fmt_none(&c, &res);

	assert_null(res.x5c);
	*t = res.type;
	return r;
}

static void
test_none(void **state)
{
	fx_vec_t v;
	fsim_checks_t ck;
	fsim_att_type_t t;
	cbor_item_t *m;
	size_t i;

	(void)state;
	fx_vec_load("w3c-none-es256-registration", &v);
	fsim_checks_init(&ck);
	assert_int_equal(run(&v, NULL, &ck, &t), 0);
	assert_int_equal(t, FSIM_ATT_TYPE_NONE);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_PASS), 1);
	fsim_checks_clear(&ck);

	m = cbor_new_definite_map(0);   /* an empty map made here */
	assert_int_equal(run(&v, m, &ck, &t), 0);
	cbor_decref(&m);
	fsim_checks_clear(&ck);

	m = cbor_new_definite_map(1);   /* {"x": 1} */
	fx_put_int(m, "x", 1);
	assert_int_equal(run(&v, m, &ck, &t), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_NONE_01));
	assert_int_equal(fsim_checks_fail_count(&ck), 1);
	for (i = 0; i < ck.n; i++)
		if (ck.v[i].status == FSIM_CHECK_FAIL)
			assert_non_null(strstr(ck.v[i].msg, "1 member (first \"x\")"));
	assert_int_not_equal(t, FSIM_ATT_TYPE_NONE);
	cbor_decref(&m);
	fsim_checks_clear(&ck);

	m = cbor_new_definite_map(2);   /* a packed-looking statement under none */
	fx_put_int(m, "alg", -7);
	fx_put_bytes(m, "sig", (const uint8_t *)"\x30\x00", 2);
	assert_int_equal(run(&v, m, &ck, &t), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_NONE_01));
	cbor_decref(&m);
	fsim_checks_clear(&ck);

	m = cbor_new_definite_array(0); /* not a map */
	assert_int_equal(run(&v, m, &ck, &t), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_NONE_01));
	cbor_decref(&m);
	fsim_checks_clear(&ck);

	m = fsim_cbor_int(0);
	assert_int_equal(run(&v, m, &ck, &t), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_NONE_01));
	cbor_decref(&m);
	fsim_checks_clear(&ck);
	fx_vec_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
