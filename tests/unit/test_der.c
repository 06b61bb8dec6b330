/*
 * test_der.c — the DER TLV reader (rp-sim/der.c, X.690 §8.1, §10.1): short
 * and high tag numbers, short and long lengths, and the encodings DER
 * forbids (indefinite and non-minimal lengths, non-minimal tags and
 * integers), truncation at every byte, trailing bytes.
 *
 * Data: byte strings written here by hand from X.690.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rp-sim/der.h"

static int
one(const char *bytes, size_t len, fsim_der_t *t)
{
	return fsim_der_one((const uint8_t *)bytes, len, t);
}

static void
test_short_forms(void **state)
{
	fsim_der_t t;

	(void)state;
	assert_int_equal(one("\x02\x01\x05", 3, &t), 0);
	assert_true(fsim_der_is(&t, FSIM_DER_UNIVERSAL, false, FSIM_DER_INTEGER));
	assert_int_equal(t.len, 1);
	assert_int_equal(t.hdr, 2);
	assert_int_equal(t.val[0], 5);

	assert_int_equal(one("\x30\x00", 2, &t), 0);
	assert_true(fsim_der_is(&t, FSIM_DER_UNIVERSAL, true, FSIM_DER_SEQUENCE));
	assert_int_equal(t.len, 0);

	/* [1] EXPLICIT, [30] (the last short-form tag), APPLICATION, PRIVATE */
	assert_int_equal(one("\xa1\x02\x05\x00", 4, &t), 0);
	assert_true(fsim_der_is(&t, FSIM_DER_CONTEXT, true, 1));
	assert_int_equal(one("\x9e\x00", 2, &t), 0);
	assert_true(fsim_der_is(&t, FSIM_DER_CONTEXT, false, 30));
	assert_int_equal(one("\x41\x00", 2, &t), 0);
	assert_int_equal(t.cls, FSIM_DER_APPLICATION);
	assert_int_equal(one("\xc2\x00", 2, &t), 0);
	assert_int_equal(t.cls, FSIM_DER_PRIVATE);
}

static void
test_high_tags(void **state)
{
	fsim_der_t t;

	(void)state;
	/* [600] = 4*128 + 88: bf 84 58; [702] = 5*128 + 62: bf 85 3e */
	assert_int_equal(one("\xbf\x84\x58\x02\x05\x00", 6, &t), 0);
	assert_true(fsim_der_is(&t, FSIM_DER_CONTEXT, true, 600));
	assert_int_equal(t.hdr, 4);
	assert_int_equal(one("\xbf\x85\x3e\x03\x02\x01\x00", 7, &t), 0);
	assert_true(fsim_der_is(&t, FSIM_DER_CONTEXT, true, 702));
	/* 31, the first tag that needs the long form: one byte */
	assert_int_equal(one("\x9f\x1f\x00", 3, &t), 0);
	assert_int_equal(t.tag, 31);
	/* four base-128 bytes: the largest accepted */
	assert_int_equal(one("\x9f\xff\xff\xff\x7f\x00", 6, &t), 0);
	assert_int_equal(t.tag, FSIM_DER_MAX_TAG);

	/* a long form below 31, a leading 0x80, five bytes, cut short */
	assert_int_equal(one("\x9f\x1e\x00", 3, &t), FSIM_ERR_FORMAT);
	assert_int_equal(one("\xbf\x80\x85\x3e\x00", 5, &t), FSIM_ERR_FORMAT);
	assert_int_equal(one("\x9f\x81\x80\x80\x80\x00\x00", 7, &t), FSIM_ERR_FORMAT);
	assert_int_equal(one("\xbf\x84", 2, &t), FSIM_ERR_FORMAT);
	assert_int_equal(one("\xbf", 1, &t), FSIM_ERR_FORMAT);
}

static void
test_lengths(void **state)
{
	uint8_t buf[300];
	fsim_der_t t;

	(void)state;
	memset(buf, 0, sizeof(buf));
	/* 81 80: the smallest long form */
	buf[0] = 0x04;
	buf[1] = 0x81;
	buf[2] = 0x80;
	assert_int_equal(fsim_der_one(buf, 3 + 0x80, &t), 0);
	assert_int_equal(t.len, 0x80);
	assert_int_equal(t.hdr, 3);
	/* 82 01 00 */
	buf[1] = 0x82;
	buf[2] = 0x01;
	buf[3] = 0x00;
	assert_int_equal(fsim_der_one(buf, 4 + 256, &t), 0);
	assert_int_equal(t.len, 256);
	/* not minimal: 81 7f, 82 00 ff */
	assert_int_equal(one("\x04\x81\x01\x00", 4, &t), FSIM_ERR_FORMAT);
	buf[1] = 0x82;
	buf[2] = 0x00;
	buf[3] = 0xff;
	assert_int_equal(fsim_der_one(buf, 4 + 255, &t), FSIM_ERR_FORMAT);
	/* indefinite (BER), five length bytes, 0xff */
	assert_int_equal(one("\x30\x80\x00\x00", 4, &t), FSIM_ERR_FORMAT);
	assert_int_equal(one("\x04\x85\x01\x00\x00\x00\x00", 7, &t), FSIM_ERR_FORMAT);
	assert_int_equal(one("\x04\xff", 2, &t), FSIM_ERR_FORMAT);
	/* a length past the end, a huge one */
	assert_int_equal(one("\x04\x02\x00", 3, &t), FSIM_ERR_FORMAT);
	assert_int_equal(one("\x04\x84\xff\xff\xff\xff", 6, &t), FSIM_ERR_FORMAT);
	/* nothing */
	assert_int_equal(one("", 0, &t), FSIM_ERR_FORMAT);
}

/* Every strict prefix of a valid TLV is rejected, and nothing is advanced. */
static void
test_truncation_and_trailing(void **state)
{
	static const uint8_t v[] = {
		0xbf, 0x85, 0x3e, 0x81, 0x83, 0x04, 0x81, 0x80,
	};
	uint8_t buf[sizeof(v) + 0x80];
	const uint8_t *p;
	size_t i, left;
	fsim_der_t t;

	(void)state;
	memcpy(buf, v, sizeof(v));
	memset(buf + sizeof(v), 0x11, 0x80);
	assert_int_equal(fsim_der_one(buf, sizeof(buf), &t), 0);
	assert_int_equal(t.tag, 702);
	assert_int_equal(t.len, 0x83);
	for (i = 0; i < sizeof(buf); i++) {
		p = buf;
		left = i;
		assert_int_equal(fsim_der_next(&p, &left, &t), FSIM_ERR_FORMAT);
		assert_ptr_equal(p, buf);
		assert_int_equal(left, i);
		assert_null(t.val);
	}
	/* next leaves what follows; one refuses it */
	p = (const uint8_t *)"\x05\x00\x05\x00";
	left = 4;
	assert_int_equal(fsim_der_next(&p, &left, &t), 0);
	assert_int_equal(left, 2);
	assert_int_equal(fsim_der_next(&p, &left, &t), 0);
	assert_int_equal(left, 0);
	assert_int_equal(one("\x05\x00\x05\x00", 4, &t), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_der_next(NULL, &left, &t), FSIM_ERR_ARG);
}

static void
test_integers(void **state)
{
	fsim_der_t t;
	int64_t v;

	(void)state;
	assert_int_equal(one("\x02\x01\x00", 3, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(one("\x02\x02\x00\x80", 4, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), 0);
	assert_int_equal(v, 128);
	assert_int_equal(one("\x02\x01\xff", 3, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(one("\x02\x02\xff\x7f", 4, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), 0);
	assert_int_equal(v, -129);
	assert_int_equal(one("\x02\x08\x7f\xff\xff\xff\xff\xff\xff\xff", 10, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(one("\x02\x08\x80\x00\x00\x00\x00\x00\x00\x00", 10, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), 0);
	assert_true(v == INT64_MIN);
	/* ENUMERATED reads the same */
	assert_int_equal(one("\x0a\x01\x02", 3, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), 0);
	assert_int_equal(v, 2);

	/* empty, not minimal (00 7f, ff 80), more than 64 bits, constructed */
	assert_int_equal(one("\x02\x00", 2, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), FSIM_ERR_FORMAT);
	assert_int_equal(one("\x02\x02\x00\x7f", 4, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), FSIM_ERR_FORMAT);
	assert_int_equal(one("\x02\x02\xff\x80", 4, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), FSIM_ERR_FORMAT);
	assert_int_equal(one("\x02\x09\x00\x80\x00\x00\x00\x00\x00\x00\x00", 11, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), FSIM_ERR_FORMAT);
	assert_int_equal(one("\x22\x03\x02\x01\x01", 5, &t), 0);
	assert_int_equal(fsim_der_int(&t, &v), FSIM_ERR_FORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_forms),
		cmocka_unit_test(test_high_tags),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_truncation_and_trailing),
		cmocka_unit_test(test_integers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
