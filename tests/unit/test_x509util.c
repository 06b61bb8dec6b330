/*
 * test_x509util.c — X.509 helpers of the attestation formats: x5c parsing
 * (exact DER, no trailing bytes), the AAGUID extension's double OCTET STRING
 * (PIT-08), basic constraints with an explicit CA=false (PIT-18), the packed
 * leaf requirements of WebAuthn §8.2.1 (ATT-PACKED-03..08), digests by name.
 *
 * Data: the leaf of the W3C L3 packed-es256 vector (vectors/w3c-l3/, see its
 * README); every other certificate is made here at run time.
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

static const uint8_t aaguid_a[16] = {
	0x87, 0x6c, 0xa4, 0xf5, 0x20, 0x71, 0xc3, 0xe9,
	0xb2, 0x55, 0x09, 0xef, 0x2c, 0xdf, 0x7e, 0xd6,
};
static const uint8_t aaguid_b[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

typedef struct keys {
	EVP_PKEY *root, *leaf;
} keys_t;

static int
setup(void **state)
{
	keys_t *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return -1;
	k->root = fixture_key("P-256");
	k->leaf = fixture_key("P-256");
	*state = k;
	return k->root != NULL && k->leaf != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	keys_t *k = *state;

	EVP_PKEY_free(k->root);
	EVP_PKEY_free(k->leaf);
	free(k);
	return 0;
}

static X509 *
make(void **state, const fx_cert_t *s)
{
	keys_t *k = *state;
	X509 *x = fx_cert(s, k->leaf, k->root);

	assert_non_null(x);
	return x;
}

/* ---- fsim_x5c_parse ---- */

static void
test_x5c_ok(void **state)
{
	fx_cert_t s = fx_packed_leaf();
	X509 *c[2];
	cbor_item_t *a;
	STACK_OF(X509) *sk = NULL;
	fsim_checks_t ck;

	fsim_checks_init(&ck);
	c[0] = make(state, &s);
	s.cn = "second";
	c[1] = make(state, &s);
	a = fx_x5c(c, 2);
	assert_int_equal(fsim_x5c_parse(a, &sk, &ck, FSIM_R_ATT_PACKED_01, "attStmt.x5c"), 0);
	assert_non_null(sk);
	assert_int_equal(sk_X509_num(sk), 2);
	/* leaf first, in the order given */
	assert_int_equal(X509_cmp(sk_X509_value(sk, 0), c[0]), 0);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 1), c[1]), 0);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	sk_X509_pop_free(sk, X509_free);
	cbor_decref(&a);
	X509_free(c[0]);
	X509_free(c[1]);
	fsim_checks_clear(&ck);
}

static void
x5c_bad(cbor_item_t *a, const char *field_want)
{
	STACK_OF(X509) *sk = (STACK_OF(X509) *)1;
	fsim_checks_t ck;

	fsim_checks_init(&ck);
	assert_int_equal(fsim_x5c_parse(a, &sk, &ck, FSIM_R_ATT_U2F_01, "attStmt.x5c"),
	    FSIM_ERR_FORMAT);
	assert_null(sk);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_U2F_01));
	assert_int_equal(ck.n, 1);
	assert_string_equal(ck.v[0].field, field_want);
	fsim_checks_clear(&ck);
}

static void
test_x5c_bad(void **state)
{
	fx_cert_t s = fx_packed_leaf();
	X509 *c = make(state, &s);
	fsim_blob_t der = { 0 };
	cbor_item_t *a;

	assert_int_equal(fx_der(c, &der), 0);

	x5c_bad(NULL, "attStmt.x5c");
	a = fsim_cbor_bytes(der.ptr, der.len);   /* bytes, not an array */
	x5c_bad(a, "attStmt.x5c");
	cbor_decref(&a);
	a = cbor_new_definite_array(0);          /* empty */
	x5c_bad(a, "attStmt.x5c");
	cbor_decref(&a);

	a = cbor_new_definite_array(2);          /* second element a text string */
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_bytes(der.ptr, der.len))));
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_text("cert"))));
	x5c_bad(a, "attStmt.x5c[1]");
	cbor_decref(&a);

	assert_int_equal(fsim_blob_append(&der, (const uint8_t *)"\0", 1), 0);
	a = cbor_new_definite_array(1);          /* one trailing byte */
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_bytes(der.ptr, der.len))));
	x5c_bad(a, "attStmt.x5c[0]");
	cbor_decref(&a);

	a = cbor_new_definite_array(1);          /* truncated */
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_bytes(der.ptr, der.len - 10))));
	x5c_bad(a, "attStmt.x5c[0]");
	cbor_decref(&a);

	a = cbor_new_definite_array(1);          /* empty byte string */
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_bytes(der.ptr, 0))));
	x5c_bad(a, "attStmt.x5c[0]");
	cbor_decref(&a);

	fsim_blob_reset(&der);
	X509_free(c);
}

/* ---- the AAGUID extension ---- */

static void
test_aaguid(void **state)
{
	static const uint8_t single[16] = { 0 };  /* not wrapped twice */
	uint8_t ber[19] = { 0x04, 0x81, 0x10 };  /* long-form length: BER, not DER */
	uint8_t short15[17] = { 0x04, 0x0f };
	uint8_t trail[19] = { 0x04, 0x10 };
	fx_cert_t s = fx_packed_leaf();
	uint8_t got[16];
	bool present = true, crit = true;
	X509 *x;

	x = make(state, &s);
	assert_int_equal(fsim_cert_aaguid(x, &present, &crit, got), 0);
	assert_false(present);
	assert_false(crit);
	X509_free(x);

	s.aaguid = aaguid_a;
	x = make(state, &s);
	assert_int_equal(fsim_cert_aaguid(x, &present, &crit, got), 0);
	assert_true(present);
	assert_false(crit);
	assert_memory_equal(got, aaguid_a, 16);
	X509_free(x);

	s.aaguid_critical = true;
	x = make(state, &s);
	assert_int_equal(fsim_cert_aaguid(x, &present, &crit, got), 0);
	assert_true(present);
	assert_true(crit);
	X509_free(x);

	s = fx_packed_leaf();
	s.aaguid_raw = single;
	s.aaguid_raw_len = sizeof(single);
	x = make(state, &s);
	assert_int_equal(fsim_cert_aaguid(x, &present, &crit, got), FSIM_ERR_FORMAT);
	assert_false(present);
	X509_free(x);

	memcpy(ber + 3, aaguid_a, 16);
	s.aaguid_raw = ber;
	s.aaguid_raw_len = sizeof(ber);
	x = make(state, &s);
	assert_int_equal(fsim_cert_aaguid(x, &present, &crit, got), FSIM_ERR_FORMAT);
	X509_free(x);

	s.aaguid_raw = short15;
	s.aaguid_raw_len = sizeof(short15);
	x = make(state, &s);
	assert_int_equal(fsim_cert_aaguid(x, &present, &crit, got), FSIM_ERR_FORMAT);
	X509_free(x);

	memcpy(trail + 2, aaguid_a, 16);
	s.aaguid_raw = trail;
	s.aaguid_raw_len = sizeof(trail);
	x = make(state, &s);
	assert_int_equal(fsim_cert_aaguid(x, &present, &crit, got), FSIM_ERR_FORMAT);
	X509_free(x);
}

/* ---- basic constraints and fsim_cert_ext ---- */

static void
test_is_ca(void **state)
{
	static const int modes[] = { FX_BC_NONE, FX_BC_CA_FALSE, FX_BC_CA_FALSE_EXPLICIT,
	    FX_BC_CA_TRUE };
	static const int want[] = { 0, 0, 0, 1 };
	static const uint8_t broken[] = { 0x30, 0x03, 0x01, 0x01 };
	fx_cert_t s = fx_packed_leaf();
	size_t i;
	X509 *x;

	for (i = 0; i < 4; i++) {
		s.bc = modes[i];
		x = make(state, &s);
		assert_int_equal(fsim_cert_is_ca(x), want[i]);
		X509_free(x);
	}
	s.bc = FX_BC_NONE;   /* then a basic constraints value cut short */
	x = make(state, &s);
	assert_int_equal(fx_add_raw_ext(x, "2.5.29.19", true, broken, sizeof(broken)), 1);
	assert_int_equal(fsim_cert_is_ca(x), -1);
	X509_free(x);
	assert_int_equal(fsim_cert_is_ca(NULL), -1);
}

static void
test_cert_ext(void **state)
{
	fx_cert_t s = fx_packed_leaf();
	const uint8_t *v = NULL;
	size_t n = 0;
	bool crit = true;
	X509 *x;

	s.sernum = true;
	x = make(state, &s);
	assert_true(fsim_cert_ext(x, FSIM_OID_FIDO_SERNUM, &v, &n, &crit));
	assert_int_equal(n, 6);
	assert_int_equal(v[0], 0x04);
	assert_false(crit);
	assert_true(fsim_cert_ext(x, "2.5.29.19", NULL, NULL, &crit));
	assert_true(crit);
	assert_false(fsim_cert_ext(x, FSIM_OID_APPLE_NONCE, &v, &n, &crit));
	assert_false(fsim_cert_ext(x, "not an oid", &v, &n, &crit));
	X509_free(x);
}

/* ---- §8.2.1 ---- */

static int
packed(void **state, const fx_cert_t *s, const uint8_t aaguid[16], bool ent,
    fsim_checks_t *ck)
{
	X509 *x = make(state, s);
	int r = fsim_cert_check_packed(x, aaguid, ent, ck);

	X509_free(x);
	return r;
}

static void
test_packed_ok(void **state)
{
	fx_cert_t s = fx_packed_leaf();
	fsim_checks_t ck;

	fsim_checks_init(&ck);
	assert_int_equal(packed(state, &s, aaguid_a, false, &ck), 0);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_PASS), 5);
	fsim_checks_clear(&ck);

	/* explicit CA=false (PIT-18), no basic constraints, matching AAGUID: all fine */
	s.bc = FX_BC_CA_FALSE_EXPLICIT;
	s.aaguid = aaguid_a;
	assert_int_equal(packed(state, &s, aaguid_a, false, &ck), 0);
	s.bc = FX_BC_NONE;
	assert_int_equal(packed(state, &s, aaguid_a, false, &ck), 0);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	fsim_checks_clear(&ck);
}

static void
test_packed_w3c_leaf(void **state)
{
	fx_vec_t v;
	STACK_OF(X509) *sk = NULL;
	fsim_checks_t ck;

	(void)state;
	fsim_checks_init(&ck);
	fx_vec_load("w3c-packed-es256-registration", &v);
	assert_int_equal(fsim_x5c_parse(fsim_cbor_map_get_str(v.ao->att_stmt, "x5c"),
	    &sk, &ck, FSIM_R_ATT_PACKED_01, "attStmt.x5c"), 0);
	assert_int_equal(fsim_cert_check_packed(sk_X509_value(sk, 0),
	    v.ao->auth_data->aaguid, false, &ck), 0);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	sk_X509_pop_free(sk, X509_free);
	fx_vec_free(&v);
	fsim_checks_clear(&ck);
}

/* One change from a good leaf must fail exactly `rule` (and only it). */
static void
packed_bad(void **state, const fx_cert_t *s, fsim_rule_id_t rule, const char *needle)
{
	fsim_checks_t ck;

	fsim_checks_init(&ck);
	assert_int_equal(packed(state, s, aaguid_a, false, &ck), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, rule));
	assert_int_equal(fsim_checks_fail_count(&ck), 1);
	if (needle != NULL) {
		size_t i;
		bool found = false;

		for (i = 0; i < ck.n; i++)
			if (ck.v[i].status == FSIM_CHECK_FAIL && strstr(ck.v[i].msg, needle))
				found = true;
		if (!found)
			fx_dump(&ck);
		assert_true(found);
	}
	fsim_checks_clear(&ck);
}

static void
test_packed_bad(void **state)
{
	fx_cert_t s;

	s = fx_packed_leaf();
	s.version = X509_VERSION_1;
	s.bc = FX_BC_NONE;   /* a v1 certificate carries no extensions */
	packed_bad(state, &s, FSIM_R_ATT_PACKED_03, "version 1");

	s = fx_packed_leaf();
	s.ou = NULL;
	packed_bad(state, &s, FSIM_R_ATT_PACKED_04, "OU missing");
	s = fx_packed_leaf();
	s.ou = "Authenticator attestation";
	packed_bad(state, &s, FSIM_R_ATT_PACKED_04, "OU is \"Authenticator attestation\"");
	s.ou = "Authenticator Attestation ";
	packed_bad(state, &s, FSIM_R_ATT_PACKED_04, "OU is");
	s = fx_packed_leaf();
	s.c = NULL;
	packed_bad(state, &s, FSIM_R_ATT_PACKED_04, "C (country) missing");
	s = fx_packed_leaf();
	s.c = "aa";
	packed_bad(state, &s, FSIM_R_ATT_PACKED_04, "C is \"aa\"");
	s = fx_packed_leaf();
	s.o = NULL;
	packed_bad(state, &s, FSIM_R_ATT_PACKED_04, "O (organization) missing");
	s = fx_packed_leaf();
	s.cn = NULL;
	packed_bad(state, &s, FSIM_R_ATT_PACKED_04, "CN (common name) missing");
	s.o = NULL;   /* every missing part is named in the one message */
	packed_bad(state, &s, FSIM_R_ATT_PACKED_04, "O (organization) missing; CN");

	s = fx_packed_leaf();
	s.aaguid = aaguid_b;
	packed_bad(state, &s, FSIM_R_ATT_PACKED_05,
	    "0102030405060708090a0b0c0d0e0f10 differs from authData AAGUID "
	    "876ca4f52071c3e9b25509ef2cdf7ed6");
	s.aaguid = aaguid_a;
	s.aaguid_critical = true;
	packed_bad(state, &s, FSIM_R_ATT_PACKED_05, "critical");

	s = fx_packed_leaf();
	s.bc = FX_BC_CA_TRUE;
	packed_bad(state, &s, FSIM_R_ATT_PACKED_06, "CA is true");
}

static void
test_packed_sernum(void **state)
{
	fx_cert_t s = fx_packed_leaf();
	fsim_checks_t ck;
	size_t i;

	s.sernum = true;
	fsim_checks_init(&ck);
	assert_int_equal(packed(state, &s, aaguid_a, false, &ck), 0);  /* a warning only */
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 1);
	for (i = 0; i < ck.n; i++)
		if (ck.v[i].status == FSIM_CHECK_WARN)
			assert_int_equal(ck.v[i].rule, FSIM_R_ATT_PACKED_08);
	fsim_checks_clear(&ck);

	assert_int_equal(packed(state, &s, aaguid_a, true, &ck), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
	fsim_checks_clear(&ck);
}

/* ---- fsim_digest ---- */

static void
test_digest(void **state)
{
	/* FIPS 180-2 examples ("abc") */
	static const uint8_t sha256_abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
		0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	static const uint8_t sha1_abc[20] = {
		0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e, 0x25, 0x71,
		0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d,
	};
	uint8_t out[EVP_MAX_MD_SIZE];
	size_t n = 0;

	(void)state;
	assert_int_equal(fsim_digest("SHA256", (const uint8_t *)"ab", 2,
	    (const uint8_t *)"c", 1, out, &n), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(out, sha256_abc, 32);
	assert_int_equal(fsim_digest("SHA256", (const uint8_t *)"abc", 3, NULL, 0, out, &n), 0);
	assert_memory_equal(out, sha256_abc, 32);
	assert_int_equal(fsim_digest("SHA256", NULL, 0, (const uint8_t *)"abc", 3, out, &n), 0);
	assert_memory_equal(out, sha256_abc, 32);
	assert_int_equal(fsim_digest("SHA1", (const uint8_t *)"abc", 3, NULL, 0, out, &n), 0);
	assert_int_equal(n, 20);
	assert_memory_equal(out, sha1_abc, 20);
	assert_int_equal(fsim_digest("SHA384", NULL, 0, NULL, 0, out, &n), 0);
	assert_int_equal(n, 48);
	assert_int_equal(fsim_digest("SHA512", NULL, 0, NULL, 0, out, &n), 0);
	assert_int_equal(n, 64);
	n = 7;
	assert_int_equal(fsim_digest("MD5", NULL, 0, NULL, 0, out, &n), FSIM_ERR_UNSUPPORTED);
	assert_int_equal(n, 7);
	assert_int_equal(fsim_digest("SHA256", NULL, 3, NULL, 0, out, &n), FSIM_ERR_ARG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x5c_ok),
		cmocka_unit_test(test_x5c_bad),
		cmocka_unit_test(test_aaguid),
		cmocka_unit_test(test_is_ca),
		cmocka_unit_test(test_cert_ext),
		cmocka_unit_test(test_packed_ok),
		cmocka_unit_test(test_packed_w3c_leaf),
		cmocka_unit_test(test_packed_bad),
		cmocka_unit_test(test_packed_sernum),
		cmocka_unit_test(test_digest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
