/*
 * test_cose.c — COSE_Key parsing, building and encoding (COSE-01..06).
 * Keys are generated with OpenSSL per run (EC, Ed) or fixed test keys (RSA,
 * cose_fixture.h). Real keys: the credential public keys of the W3C WebAuthn
 * L3 test vectors (vectors/w3c-l3/, see its README for provenance).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>

#include "core/cborx.h"
#include "core/cose.h"
#include "cose_fixture.h"

#define NONE INT64_MIN  /* leave the label out */

/* Each test builds its keys; the group shares the slow-to-load ones. */
static EVP_PKEY *k_p256, *k_p384, *k_p521, *k_ed25519, *k_ed448, *k_rsa, *k_rsa1024;

static int
setup(void **state)
{
	(void)state;
	k_p256 = fixture_key("P-256");
	k_p384 = fixture_key("P-384");
	k_p521 = fixture_key("P-521");
	k_ed25519 = fixture_key("ED25519");
	k_ed448 = fixture_key("ED448");
	k_rsa = fixture_key("RSA2048");
	k_rsa1024 = fixture_key("RSA1024");
	return k_p256 && k_p384 && k_p521 && k_ed25519 && k_ed448 && k_rsa &&
	    k_rsa1024 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(k_p256);
	EVP_PKEY_free(k_p384);
	EVP_PKEY_free(k_p521);
	EVP_PKEY_free(k_ed25519);
	EVP_PKEY_free(k_ed448);
	EVP_PKEY_free(k_rsa);
	EVP_PKEY_free(k_rsa1024);
	return 0;
}

static void
put(cbor_item_t *m, int64_t label, cbor_item_t *v)
{
	assert_non_null(v);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(label), v), FSIM_OK);
}

static void
put_int(cbor_item_t *m, int64_t label, int64_t v)
{
	if (v != NONE)
		put(m, label, fsim_cbor_int(v));
}

static void
put_bytes(cbor_item_t *m, int64_t label, const uint8_t *p, size_t len)
{
	if (p != NULL)
		put(m, label, fsim_cbor_bytes(p, len));
}

/* Big-endian public components of a generated key. */
static void
bn_param(EVP_PKEY *k, const char *name, uint8_t *out, size_t len)
{
	BIGNUM *bn = NULL;

	assert_int_equal(EVP_PKEY_get_bn_param(k, name, &bn), 1);
	assert_int_equal(BN_bn2binpad(bn, out, (int)len), (int)len);
	BN_free(bn);
}

static size_t
bn_param_min(EVP_PKEY *k, const char *name, uint8_t *out)
{
	BIGNUM *bn = NULL;
	int n;

	assert_int_equal(EVP_PKEY_get_bn_param(k, name, &bn), 1);
	n = BN_bn2bin(bn, out);
	BN_free(bn);
	return (size_t)n;
}

static cbor_item_t *
ec2_map(int64_t kty, int64_t alg, int64_t crv, const uint8_t *x, size_t xlen,
    const uint8_t *y, size_t ylen)
{
	cbor_item_t *m = cbor_new_definite_map(8);

	assert_non_null(m);
	put_int(m, 1, kty);
	put_int(m, 3, alg);
	put_int(m, -1, crv);
	put_bytes(m, -2, x, xlen);
	put_bytes(m, -3, y, ylen);
	return m;
}

/* A valid ES256 map from k_p256, with room for extra labels. */
static cbor_item_t *
es256_map(int64_t crv, uint8_t x[32], uint8_t y[32])
{
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_X, x, 32);
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_Y, y, 32);
	return ec2_map(2, FSIM_COSE_ES256, crv, x, 32, y, 32);
}

static cbor_item_t *
rsa_map(int64_t alg, const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen)
{
	cbor_item_t *m = cbor_new_definite_map(8);

	assert_non_null(m);
	put_int(m, 1, 3);
	put_int(m, 3, alg);
	put_bytes(m, -1, n, nlen);
	put_bytes(m, -2, e, elen);
	return m;
}

/*
 * Run the map through fsim_cose_key_from_cbor and, encoded, through
 * fsim_cose_key_parse: both must give rc, and record `rule` when it is set.
 * Frees the map; returns the key from the parse path when rc is 0.
 */
static fsim_cose_key_t *
check(cbor_item_t *m, int rc, const char *rule, fsim_sev_t sev)
{
	fsim_cose_key_t *k1 = NULL, *k2 = NULL;
	fsim_blob_t enc = { 0 };
	fsim_diags_t d;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		fsim_diags_init(&d);
		if (pass == 0) {
			assert_int_equal(fsim_cose_key_from_cbor(m, &k1, &d), rc);
		} else {
			assert_int_equal(fsim_cbor_encode(m, &enc), FSIM_OK);
			assert_int_equal(fsim_cose_key_parse(enc.ptr, enc.len, &k2, &d), rc);
		}
		if (rule != NULL) {
			assert_true(fsim_diags_has(&d, rule));
			assert_non_null(fsim_diags_first(&d, sev));
		}
		if (rc != 0)
			assert_true(fsim_diags_count(&d, FSIM_SEV_ERROR) > 0);
		else
			assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
		if (rule == NULL && rc == 0)
			assert_int_equal(d.n, 0);
		fsim_diags_clear(&d);
	}
	if (rc == 0) {
		assert_true(fsim_cose_key_equal(k1, k2));
	} else {
		assert_null(k1);
		assert_null(k2);
	}
	fsim_cose_key_free(&k1);
	fsim_blob_reset(&enc);
	cbor_decref(&m);
	return k2;
}

static void
check_fail(cbor_item_t *m, int rc, const char *rule)
{
	assert_null(check(m, rc, rule, FSIM_SEV_ERROR));
}

/* Round trip every alg: pkey -> COSE -> parse -> equal, and SPKI both ways. */
static void
test_roundtrip_all_algs(void **state)
{
	static const struct {
		int alg;
		int crv;
		int kty;
		int bits;
	} t[] = {
		{ FSIM_COSE_ES256, 1, 2, 256 }, { FSIM_COSE_ESP256, 1, 2, 256 },
		{ FSIM_COSE_ES384, 2, 2, 384 }, { FSIM_COSE_ESP384, 2, 2, 384 },
		{ FSIM_COSE_ES512, 3, 2, 521 }, { FSIM_COSE_ESP512, 3, 2, 521 },
		{ FSIM_COSE_EDDSA, 6, 1, 255 }, { FSIM_COSE_ED25519, 6, 1, 255 },
		{ FSIM_COSE_ED448, 7, 1, 448 }, { FSIM_COSE_EDDSA, 7, 1, 448 },
		{ FSIM_COSE_RS256, 0, 3, 2048 }, { FSIM_COSE_PS256, 0, 3, 2048 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		EVP_PKEY *pk = t[i].crv == 1 ? k_p256 : t[i].crv == 2 ? k_p384 :
		    t[i].crv == 3 ? k_p521 : t[i].crv == 6 ? k_ed25519 :
		    t[i].crv == 7 ? k_ed448 : k_rsa;
		fsim_cose_key_t *a = NULL, *b = NULL, *c = NULL;
		fsim_blob_t enc = { 0 }, enc2 = { 0 }, spki = { 0 };
		fsim_diags_t d;

		fsim_diags_init(&d);
		assert_int_equal(fsim_cose_key_from_pkey(pk, t[i].alg, &a), FSIM_OK);
		assert_int_equal(fsim_cose_key_encode(a, &enc), FSIM_OK);
		assert_true(fsim_cbor_is_canonical(enc.ptr, enc.len));
		assert_int_equal(fsim_cose_key_parse(enc.ptr, enc.len, &b, &d), FSIM_OK);
		assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
		/* only EdDSA(-8) + Ed448 draws a (COSE-03) warning */
		assert_int_equal(d.n, t[i].alg == FSIM_COSE_EDDSA && t[i].crv == 7);
		assert_true(fsim_cose_key_equal(a, b));
		assert_int_equal(fsim_cose_key_alg(b), t[i].alg);
		assert_int_equal(fsim_cose_key_kty(b), t[i].kty);
		assert_int_equal(fsim_cose_key_crv(b), t[i].crv);
		assert_int_equal(fsim_cose_key_bits(b), t[i].bits);
		assert_int_equal(EVP_PKEY_eq(fsim_cose_key_pkey(b), pk), 1);
		assert_int_equal(fsim_cose_key_encode(b, &enc2), FSIM_OK);
		assert_true(fsim_blob_eq(&enc, enc2.ptr, enc2.len));
		assert_int_equal(fsim_cose_key_spki(b, &spki), FSIM_OK);
		assert_int_equal(fsim_cose_key_from_spki(spki.ptr, spki.len,
		    t[i].alg, &c), FSIM_OK);
		assert_true(fsim_cose_key_equal(b, c));
		/* our SPKI (a fixed prefix for EC and EdDSA) is OpenSSL's encoder's, byte for byte */
		{
			unsigned char *der = NULL;
			int dl = i2d_PUBKEY(pk, &der);

			assert_true(dl > 0);
			assert_int_equal(spki.len, (size_t)dl);
			assert_memory_equal(spki.ptr, der, spki.len);
			OPENSSL_free(der);
		}
		assert_true(fsim_cose_key_spki_equal(b, spki.ptr, spki.len));
		assert_false(fsim_cose_key_spki_equal(b, spki.ptr, spki.len - 1));
		spki.ptr[spki.len - 1] ^= 0x01;
		assert_false(fsim_cose_key_spki_equal(b, spki.ptr, spki.len));
		spki.ptr[spki.len - 1] ^= 0x01;
		spki.ptr[4] ^= 0x01;   /* inside the AlgorithmIdentifier */
		assert_false(fsim_cose_key_spki_equal(b, spki.ptr, spki.len));
		assert_false(fsim_cose_key_spki_equal(NULL, spki.ptr, spki.len));
		assert_false(fsim_cose_key_spki_equal(b, NULL, 0));
		/* a dup is the same key under the same alg, and outlives the original */
		{
			fsim_cose_key_t *dup = NULL;
			fsim_blob_t enc3 = { 0 }, spki2 = { 0 };

			assert_int_equal(fsim_cose_key_dup(b, &dup), FSIM_OK);
			assert_ptr_not_equal(dup, b);
			fsim_cose_key_free(&b);
			assert_true(fsim_cose_key_equal(dup, a));
			assert_int_equal(fsim_cose_key_alg(dup), t[i].alg);
			assert_int_equal(fsim_cose_key_crv(dup), t[i].crv);
			assert_int_equal(fsim_cose_key_bits(dup), t[i].bits);
			assert_int_equal(fsim_cose_key_encode(dup, &enc3), FSIM_OK);
			assert_true(fsim_blob_eq(&enc, enc3.ptr, enc3.len));
			spki.ptr[4] ^= 0x01;   /* the true SPKI again */
			assert_int_equal(fsim_cose_key_spki(dup, &spki2), FSIM_OK);
			assert_true(fsim_blob_eq(&spki, spki2.ptr, spki2.len));
			fsim_blob_reset(&enc3);
			fsim_blob_reset(&spki2);
			fsim_cose_key_free(&dup);
			assert_int_equal(fsim_cose_key_dup(NULL, &dup), FSIM_ERR_ARG);
			assert_null(dup);
		}
		fsim_cose_key_free(&a);
		fsim_cose_key_free(&b);
		fsim_cose_key_free(&c);
		assert_null(c);
		fsim_blob_reset(&enc);
		fsim_blob_reset(&enc2);
		fsim_blob_reset(&spki);
		fsim_diags_clear(&d);
	}
}

/* COSE-06: the canonical EC2 layout A5 01 02 03 26 20 01 21 58 20 x 22 58 20 y. */
static void
test_es256_canonical_bytes(void **state)
{
	static const uint8_t head[] = { 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20,
	    0x01, 0x21, 0x58, 0x20 };
	fsim_cose_key_t *k = NULL;
	fsim_blob_t enc = { 0 };
	uint8_t x[32], y[32];

	(void)state;
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_X, x, 32);
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_Y, y, 32);
	assert_int_equal(fsim_cose_key_from_pkey(k_p256, FSIM_COSE_ES256, &k), 0);
	assert_int_equal(fsim_cose_key_encode(k, &enc), FSIM_OK);
	assert_int_equal(enc.len, 77);
	assert_memory_equal(enc.ptr, head, sizeof(head));
	assert_memory_equal(enc.ptr + 10, x, 32);
	assert_int_equal(enc.ptr[42], 0x22);
	assert_memory_equal(enc.ptr + 45, y, 32);
	fsim_blob_reset(&enc);
	fsim_cose_key_free(&k);
}

/* COSE-06 negative: a valid key with labels out of order parses, with a warning. */
static void
test_noncanonical_order_warns(void **state)
{
	fsim_cose_key_t *k = NULL;
	fsim_blob_t enc = { 0 };
	fsim_diags_t d;
	uint8_t x[32], y[32];

	(void)state;
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_X, x, 32);
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_Y, y, 32);
	/* A5 03 26 01 02 20 01 21 58 20 x 22 58 20 y: alg before kty */
	assert_int_equal(fsim_blob_append(&enc, (const uint8_t *)
	    "\xa5\x03\x26\x01\x02\x20\x01\x21\x58\x20", 10), 0);
	assert_int_equal(fsim_blob_append(&enc, x, 32), 0);
	assert_int_equal(fsim_blob_append(&enc, (const uint8_t *)"\x22\x58\x20", 3), 0);
	assert_int_equal(fsim_blob_append(&enc, y, 32), 0);
	fsim_diags_init(&d);
	assert_int_equal(fsim_cose_key_parse(enc.ptr, enc.len, &k, &d), FSIM_OK);
	assert_true(fsim_diags_has(&d, "COSE-06"));
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	fsim_cose_key_free(&k);
	fsim_diags_clear(&d);
	/* a trailing byte after the map is not a COSE_Key (ENC-03, from cborx) */
	assert_int_equal(fsim_blob_append(&enc, (const uint8_t *)"\x00", 1), 0);
	assert_int_equal(fsim_cose_key_parse(enc.ptr, enc.len, &k, &d), FSIM_ERR_CBOR);
	assert_true(fsim_diags_has(&d, "ENC-03"));
	assert_null(k);
	fsim_diags_clear(&d);
	fsim_blob_reset(&enc);
}

static void
test_missing_kty_alg(void **state)
{
	uint8_t x[32], y[32];
	cbor_item_t *m;

	(void)state;
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_X, x, 32);
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_Y, y, 32);
	check_fail(ec2_map(NONE, FSIM_COSE_ES256, 1, x, 32, y, 32), FSIM_ERR_COSE,
	    "COSE-01");
	check_fail(ec2_map(2, NONE, 1, x, 32, y, 32), FSIM_ERR_COSE, "COSE-01");
	/* alg as text is not a COSEAlgorithmIdentifier */
	m = ec2_map(2, NONE, 1, x, 32, y, 32);
	put(m, 3, fsim_cbor_text("ES256"));
	check_fail(m, FSIM_ERR_COSE, "COSE-01");
	/* kty as text */
	m = ec2_map(NONE, FSIM_COSE_ES256, 1, x, 32, y, 32);
	put(m, 1, fsim_cbor_text("EC2"));
	check_fail(m, FSIM_ERR_COSE, "COSE-01");
	/* a text label "kty" is not label 1 */
	m = ec2_map(NONE, FSIM_COSE_ES256, 1, x, 32, y, 32);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_text("kty"),
	    fsim_cbor_int(2)), 0);
	check_fail(m, FSIM_ERR_COSE, "COSE-01");
	/* not a map at all */
	check_fail(fsim_cbor_int(7), FSIM_ERR_COSE, "COSE-01");
}

static void
test_wrong_kty_and_crv(void **state)
{
	uint8_t x[32], y[32];
	cbor_item_t *m;

	(void)state;
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_X, x, 32);
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_Y, y, 32);
	check_fail(ec2_map(1, FSIM_COSE_ES256, 1, x, 32, y, 32), FSIM_ERR_COSE,
	    "COSE-03");
	check_fail(ec2_map(3, FSIM_COSE_ES256, 1, x, 32, y, 32), FSIM_ERR_COSE,
	    "COSE-03");
	/* PIT-14: crv that contradicts alg */
	check_fail(ec2_map(2, FSIM_COSE_ES256, 2, x, 32, y, 32), FSIM_ERR_COSE,
	    "COSE-04");
	check_fail(ec2_map(1, FSIM_COSE_EDDSA, 1, x, 32, NULL, 0), FSIM_ERR_COSE,
	    "COSE-04");
	check_fail(ec2_map(2, FSIM_COSE_ESP256, 3, x, 32, y, 32), FSIM_ERR_COSE,
	    "COSE-04");
	/* crv is required with ES256, optional with ESP256 */
	check_fail(ec2_map(2, FSIM_COSE_ES256, NONE, x, 32, y, 32), FSIM_ERR_COSE,
	    "COSE-01");
	fsim_cose_key_t *k = check(ec2_map(2, FSIM_COSE_ESP256, NONE, x, 32, y, 32),
	    0, NULL, FSIM_SEV_ERROR);
	assert_int_equal(fsim_cose_key_crv(k), 1);
	fsim_cose_key_free(&k);
	/* crv of the wrong type */
	m = ec2_map(2, FSIM_COSE_ES256, NONE, x, 32, y, 32);
	put(m, -1, fsim_cbor_text("P-256"));
	check_fail(m, FSIM_ERR_COSE, "COSE-03");
}

static void
test_coordinate_shapes(void **state)
{
	uint8_t x[32], y[32];
	cbor_item_t *m;

	(void)state;
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_X, x, 32);
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_Y, y, 32);
	check_fail(ec2_map(2, FSIM_COSE_ES256, 1, x, 31, y, 32), FSIM_ERR_COSE,
	    "COSE-03");
	check_fail(ec2_map(2, FSIM_COSE_ES256, 1, x, 32, y, 31), FSIM_ERR_COSE,
	    "COSE-03");
	check_fail(ec2_map(2, FSIM_COSE_ES256, 1, x, 32, NULL, 0), FSIM_ERR_COSE,
	    "COSE-01");
	check_fail(ec2_map(2, FSIM_COSE_ES256, 1, NULL, 0, y, 32), FSIM_ERR_COSE,
	    "COSE-01");
	/* compressed form: y as the sign bit */
	m = ec2_map(2, FSIM_COSE_ES256, 1, x, 32, NULL, 0);
	put(m, -3, cbor_build_bool(true));
	check_fail(m, FSIM_ERR_COSE, "COSE-03");
	/* y as a float: libcbor asserts if a float is asked whether it is a
	 * bool, so the shape check must look at the type first (fuzz finding,
	 * fuzz/regressions/fuzz_attobj/cose-y-is-a-float). */
	m = ec2_map(2, FSIM_COSE_ES256, 1, x, 32, NULL, 0);
	put(m, -3, cbor_build_float4(1.5f));
	check_fail(m, FSIM_ERR_COSE, "COSE-03");
	m = ec2_map(2, FSIM_COSE_ES256, 1, x, 32, NULL, 0);
	put(m, -3, cbor_build_float2(0.0f));
	check_fail(m, FSIM_ERR_COSE, "COSE-03");
	/* x as text */
	m = ec2_map(2, FSIM_COSE_ES256, 1, NULL, 0, y, 32);
	put(m, -2, fsim_cbor_text("x"));
	check_fail(m, FSIM_ERR_COSE, "COSE-03");
}

static void
test_point_validation(void **state)
{
	/* p of P-256, and the y of the valid point (0, y) */
	static const uint8_t p256_p[32] = {
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff,
	};
	static const uint8_t y0[32] = {
		0x66, 0x48, 0x5c, 0x78, 0x0e, 0x2f, 0x83, 0xd7, 0x24, 0x33, 0xbd,
		0x5d, 0x84, 0xa0, 0x6b, 0xb6, 0x54, 0x1c, 0x2a, 0xf3, 0x1d, 0xae,
		0x87, 0x17, 0x28, 0xbf, 0x85, 0x6a, 0x17, 0x4f, 0x93, 0xf4,
	};
	uint8_t x[32], y[32], zero[32] = { 0 };
	fsim_cose_key_t *k;

	(void)state;
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_X, x, 32);
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_Y, y, 32);
	y[31] ^= 0x01;  /* off the curve */
	check_fail(ec2_map(2, FSIM_COSE_ES256, 1, x, 32, y, 32), FSIM_ERR_COSE,
	    "COSE-04");
	check_fail(ec2_map(2, FSIM_COSE_ES256, 1, zero, 32, zero, 32),
	    FSIM_ERR_COSE, "COSE-04");
	/* (0, y0) is on P-256: x = 0 written as 32 zero bytes is fine */
	k = check(ec2_map(2, FSIM_COSE_ES256, 1, zero, 32, y0, 32), 0, NULL,
	    FSIM_SEV_ERROR);
	assert_non_null(k);
	fsim_cose_key_free(&k);
	/* ... but x = p, the same point with x not reduced mod p, is not */
	check_fail(ec2_map(2, FSIM_COSE_ES256, 1, p256_p, 32, y0, 32),
	    FSIM_ERR_COSE, "COSE-04");
}

/* RFC 8032 decoding: y = 2 has no x on either curve; y = 3 has one. */
static void
test_okp_points(void **state)
{
	uint8_t e25519[32] = { 0 }, e448[57] = { 0 };
	fsim_cose_key_t *k;

	(void)state;
	e25519[0] = 2;
	check_fail(ec2_map(1, FSIM_COSE_EDDSA, 6, e25519, 32, NULL, 0),
	    FSIM_ERR_COSE, "COSE-04");
	e448[0] = 2;
	check_fail(ec2_map(1, FSIM_COSE_ED448, 7, e448, 57, NULL, 0),
	    FSIM_ERR_COSE, "COSE-04");
	e25519[0] = 3;
	k = check(ec2_map(1, FSIM_COSE_EDDSA, 6, e25519, 32, NULL, 0), 0, NULL,
	    FSIM_SEV_ERROR);
	fsim_cose_key_free(&k);
	e448[0] = 3;
	k = check(ec2_map(1, FSIM_COSE_ED448, NONE, e448, 57, NULL, 0), 0, NULL,
	    FSIM_SEV_ERROR);
	fsim_cose_key_free(&k);
	/* the identity (0, 1) */
	e25519[0] = 1;
	check_fail(ec2_map(1, FSIM_COSE_ED25519, 6, e25519, 32, NULL, 0),
	    FSIM_ERR_COSE, "COSE-04");
	/* y = 2^255 - 1 >= p: not canonical */
	memset(e25519, 0xff, sizeof(e25519));
	e25519[31] = 0x7f;
	check_fail(ec2_map(1, FSIM_COSE_ED25519, 6, e25519, 32, NULL, 0),
	    FSIM_ERR_COSE, "COSE-04");
	/* sizes: Ed25519 31 bytes, Ed448 32 bytes */
	check_fail(ec2_map(1, FSIM_COSE_EDDSA, 6, e25519, 31, NULL, 0),
	    FSIM_ERR_COSE, "COSE-03");
	check_fail(ec2_map(1, FSIM_COSE_ED448, 7, e25519, 32, NULL, 0),
	    FSIM_ERR_COSE, "COSE-03");
	check_fail(ec2_map(1, FSIM_COSE_ED25519, 7, e448, 57, NULL, 0),
	    FSIM_ERR_COSE, "COSE-04");
}

static void
test_rsa_rules(void **state)
{
	static const uint8_t e65537[] = { 0x01, 0x00, 0x01 };
	static const uint8_t e_even[] = { 0x01, 0x00, 0x00 };
	static const uint8_t e_one[] = { 0x01 };
	static const uint8_t e_lead0[] = { 0x00, 0x01, 0x00, 0x01 };
	uint8_t n[257], n1k[128];
	size_t nlen, n1klen;
	fsim_cose_key_t *k;

	(void)state;
	nlen = bn_param_min(k_rsa, OSSL_PKEY_PARAM_RSA_N, n + 1);
	assert_int_equal(nlen, 256);
	k = check(rsa_map(FSIM_COSE_RS256, n + 1, nlen, e65537, 3), 0, NULL,
	    FSIM_SEV_ERROR);
	assert_int_equal(fsim_cose_key_bits(k), 2048);
	fsim_cose_key_free(&k);
	check_fail(rsa_map(FSIM_COSE_RS256, n + 1, nlen, e_even, 3),
	    FSIM_ERR_COSE, "COSE-05");
	check_fail(rsa_map(FSIM_COSE_PS256, n + 1, nlen, e_one, 1),
	    FSIM_ERR_COSE, "COSE-05");
	check_fail(rsa_map(FSIM_COSE_RS256, NULL, 0, e65537, 3), FSIM_ERR_COSE,
	    "COSE-01");
	check_fail(rsa_map(FSIM_COSE_RS256, n + 1, nlen, NULL, 0), FSIM_ERR_COSE,
	    "COSE-01");
	check_fail(rsa_map(FSIM_COSE_RS256, n + 1, 0, e65537, 3), FSIM_ERR_COSE,
	    "COSE-03");
	/* an even modulus is no RSA modulus */
	n[nlen] &= 0xfe;
	check_fail(rsa_map(FSIM_COSE_RS256, n + 1, nlen, e65537, 3),
	    FSIM_ERR_COSE, "COSE-05");
	n[nlen] |= 0x01;
	/* leading zero bytes: tolerated with a COSE-03 warning */
	n[0] = 0;
	k = check(rsa_map(FSIM_COSE_RS256, n, nlen + 1, e_lead0, 4), 0,
	    "COSE-03", FSIM_SEV_WARNING);
	assert_int_equal(fsim_cose_key_bits(k), 2048);
	fsim_cose_key_free(&k);
	/* 1024 bits: COSE-05 is policy, the default warns and accepts */
	n1klen = bn_param_min(k_rsa1024, OSSL_PKEY_PARAM_RSA_N, n1k);
	k = check(rsa_map(FSIM_COSE_RS256, n1k, n1klen, e65537, 3), 0, "COSE-05",
	    FSIM_SEV_WARNING);
	assert_non_null(k);
	assert_int_equal(fsim_cose_key_bits(k), 1024);
	fsim_cose_key_free(&k);
	/* RSA labels with an EC alg */
	check_fail(rsa_map(FSIM_COSE_ES256, n + 1, nlen, e65537, 3),
	    FSIM_ERR_COSE, "COSE-03");
}

static void
test_extra_labels_warn(void **state)
{
	static const uint8_t kid[] = { 1, 2, 3, 4 };
	uint8_t x[32], y[32];
	fsim_cose_key_t *k;
	cbor_item_t *m;

	(void)state;
	m = es256_map(1, x, y);
	put(m, 2, fsim_cbor_bytes(kid, sizeof(kid)));
	k = check(m, 0, "COSE-02", FSIM_SEV_WARNING);
	assert_non_null(k);
	fsim_cose_key_free(&k);
	/* private key material (d, -4) is also an extra label */
	m = es256_map(1, x, y);
	put(m, -4, fsim_cbor_bytes(x, 32));
	k = check(m, 0, "COSE-02", FSIM_SEV_WARNING);
	fsim_cose_key_free(&k);
	/* y (-3) has no meaning in an OKP key */
	m = ec2_map(1, FSIM_COSE_ED25519, 6, NULL, 0, NULL, 0);
	assert_int_equal(EVP_PKEY_get_raw_public_key(k_ed25519, x, &(size_t){ 32 }), 1);
	put(m, -2, fsim_cbor_bytes(x, 32));
	put(m, -3, fsim_cbor_bytes(y, 32));
	k = check(m, 0, "COSE-02", FSIM_SEV_WARNING);
	fsim_cose_key_free(&k);
}

static void
test_unsupported_alg(void **state)
{
	uint8_t x[32], y[32];

	(void)state;
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_X, x, 32);
	bn_param(k_p256, OSSL_PKEY_PARAM_EC_PUB_Y, y, 32);
	check_fail(ec2_map(2, -999, 1, x, 32, y, 32), FSIM_ERR_UNSUPPORTED,
	    "COSE-03");
	check_fail(ec2_map(2, INT64_MAX, 1, x, 32, y, 32), FSIM_ERR_UNSUPPORTED,
	    "COSE-03");
}

static void
test_from_pkey_mismatch(void **state)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	fsim_cose_key_t *k = NULL;
	fsim_blob_t spki = { 0 };

	(void)state;
	assert_int_equal(fsim_cose_key_from_pkey(k_p384, FSIM_COSE_ES256, &k),
	    FSIM_ERR_COSE);
	assert_int_equal(fsim_cose_key_from_pkey(k_ed25519, FSIM_COSE_ES256, &k),
	    FSIM_ERR_COSE);
	assert_int_equal(fsim_cose_key_from_pkey(k_ed25519, FSIM_COSE_ED448, &k),
	    FSIM_ERR_COSE);
	assert_int_equal(fsim_cose_key_from_pkey(k_rsa, FSIM_COSE_EDDSA, &k),
	    FSIM_ERR_COSE);
	assert_int_equal(fsim_cose_key_from_pkey(k_p256, FSIM_COSE_RS256, &k),
	    FSIM_ERR_COSE);
	assert_int_equal(fsim_cose_key_from_pkey(k_p256, -999, &k),
	    FSIM_ERR_UNSUPPORTED);
	assert_int_equal(fsim_cose_key_from_pkey(NULL, FSIM_COSE_ES256, &k),
	    FSIM_ERR_ARG);
	assert_null(k);
	assert_int_equal(fsim_cose_key_from_spki(junk, sizeof(junk),
	    FSIM_COSE_ES256, &k), FSIM_ERR_FORMAT);
	/* SPKI with a trailing byte */
	assert_int_equal(fsim_cose_key_from_pkey(k_p256, FSIM_COSE_ES256, &k), 0);
	assert_int_equal(fsim_cose_key_spki(k, &spki), 0);
	fsim_cose_key_free(&k);
	assert_int_equal(fsim_blob_append(&spki, junk, 1), 0);
	assert_int_equal(fsim_cose_key_from_spki(spki.ptr, spki.len,
	    FSIM_COSE_ES256, &k), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_cose_key_from_spki(spki.ptr, spki.len - 1,
	    FSIM_COSE_ES384, &k), FSIM_ERR_COSE);
	assert_null(k);
	fsim_blob_reset(&spki);
}

static void
test_equal(void **state)
{
	fsim_cose_key_t *a = NULL, *b = NULL, *c = NULL;
	EVP_PKEY *other = fixture_key("P-256");

	(void)state;
	assert_non_null(other);
	assert_int_equal(fsim_cose_key_from_pkey(k_p256, FSIM_COSE_ES256, &a), 0);
	assert_int_equal(fsim_cose_key_from_pkey(k_p256, FSIM_COSE_ESP256, &b), 0);
	assert_int_equal(fsim_cose_key_from_pkey(other, FSIM_COSE_ES256, &c), 0);
	assert_false(fsim_cose_key_equal(a, b));  /* same key, other alg */
	assert_false(fsim_cose_key_equal(a, c));  /* same alg, other key */
	assert_true(fsim_cose_key_equal(a, a));
	assert_false(fsim_cose_key_equal(a, NULL));
	fsim_cose_key_free(&a);
	fsim_cose_key_free(&b);
	fsim_cose_key_free(&c);
	fsim_cose_key_free(&c);
	fsim_cose_key_free(NULL);
	EVP_PKEY_free(other);
	assert_int_equal(fsim_cose_key_alg(NULL), 0);
	assert_null(fsim_cose_key_pkey(NULL));
}

static void
test_names(void **state)
{
	static const struct { const char *s; int alg; } t[] = {
		{ "ES256", -7 }, { "es256", -7 }, { "EdDSA", -8 }, { "eddsa", -8 },
		{ "ESP256", -9 }, { "Ed25519", -19 }, { "ed25519", -19 },
		{ "ES384", -35 }, { "es384", -35 }, { "ES512", -36 }, { "es512", -36 },
		{ "PS256", -37 }, { "ps256", -37 }, { "ESP384", -51 },
		{ "ESP512", -52 }, { "Ed448", -53 }, { "ed448", -53 },
		{ "RS256", -257 }, { "rs256", -257 }, { "-7", -7 }, { "-257", -257 },
		{ "ES999", 0 }, { "", 0 }, { "-999", 0 }, { "-7x", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(fsim_cose_alg_from_name(t[i].s), t[i].alg);
	assert_int_equal(fsim_cose_alg_from_name(NULL), 0);
	assert_string_equal(fsim_cose_alg_name(-7), "ES256");
	assert_string_equal(fsim_cose_alg_name(-8), "EdDSA");
	assert_string_equal(fsim_cose_alg_name(-53), "Ed448");
	assert_string_equal(fsim_cose_alg_name(-257), "RS256");
	assert_null(fsim_cose_alg_name(-999));
	assert_string_equal(fsim_cose_kty_name(1), "OKP");
	assert_string_equal(fsim_cose_kty_name(2), "EC2");
	assert_string_equal(fsim_cose_kty_name(3), "RSA");
	assert_null(fsim_cose_kty_name(4));
	assert_string_equal(fsim_cose_crv_name(1), "P-256");
	assert_string_equal(fsim_cose_crv_name(2), "P-384");
	assert_string_equal(fsim_cose_crv_name(3), "P-521");
	assert_string_equal(fsim_cose_crv_name(6), "Ed25519");
	assert_string_equal(fsim_cose_crv_name(7), "Ed448");
	assert_null(fsim_cose_crv_name(4));
}

/* The W3C L3 vectors' stored credential keys parse cleanly. */
static void
test_w3c_credential_keys(void **state)
{
	static const struct { const char *name; int alg; int bits; } t[] = {
		{ "w3c-packed-es256-authentication", -7, 256 },
		{ "w3c-packed-es384-authentication", -35, 384 },
		{ "w3c-packed-es512-authentication", -36, 521 },
		{ "w3c-packed-rs256-authentication", -257, 3482 },
		{ "w3c-packed-ed25519-authentication", -8, 255 },
		{ "w3c-packed-ed448-authentication", -53, 448 },
		{ "w3c-none-es256-authentication", -7, 256 },
		{ "w3c-tpm-es256-authentication", -7, 256 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *v = fixture_vector(t[i].name);
		fsim_blob_t pk = { 0 }, enc = { 0 };
		fsim_cose_key_t *k = NULL;
		fsim_diags_t d;

		assert_non_null(v);
		assert_int_equal(fixture_b64(v, "credential", "publicKey", NULL,
		    &pk), 0);
		fsim_diags_init(&d);
		assert_int_equal(fsim_cose_key_parse(pk.ptr, pk.len, &k, &d), FSIM_OK);
		assert_int_equal(d.n, 0);
		assert_int_equal(fsim_cose_key_alg(k), t[i].alg);
		assert_int_equal(fsim_cose_key_bits(k), t[i].bits);
		/* our canonical encoding is the authenticator's, byte for byte */
		assert_int_equal(fsim_cose_key_encode(k, &enc), FSIM_OK);
		assert_true(fsim_blob_eq(&pk, enc.ptr, enc.len));
		fsim_cose_key_free(&k);
		fsim_blob_reset(&pk);
		fsim_blob_reset(&enc);
		json_decref(v);
	}
}

/*
 * fsim_cose_ec2_encode (an authenticator's own key, from its point) writes
 * the very bytes fsim_cose_key_encode writes for the key object; it takes
 * EC2 algs and uncompressed points of the curve's size only.
 */
static void
test_ec2_encode_same_bytes(void **state)
{
	static const struct { int alg; const char *curve; } t[] = {
		{ FSIM_COSE_ES256, "P-256" }, { FSIM_COSE_ESP256, "P-256" },
		{ FSIM_COSE_ES384, "P-384" }, { FSIM_COSE_ES512, "P-521" },
	};
	uint8_t pt[1 + 2 * 66];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		EVP_PKEY *pkey = EVP_EC_gen(t[i].curve);
		fsim_cose_key_t *k = NULL;
		fsim_blob_t a = { 0 }, b = { 0 };

		assert_non_null(pkey);
		assert_int_equal(EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY,
		    pt, sizeof(pt), &n), 1);
		assert_int_equal(fsim_cose_key_from_pkey(pkey, t[i].alg, &k), 0);
		assert_int_equal(fsim_cose_key_encode(k, &a), 0);
		assert_int_equal(fsim_cose_ec2_encode(t[i].alg, pt, n, &b), 0);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.ptr, b.ptr, a.len);
		fsim_blob_reset(&b);
		assert_int_equal(fsim_cose_ec2_encode(t[i].alg, pt, n - 1, &b), FSIM_ERR_ARG);
		pt[0] = 0x02;
		assert_int_equal(fsim_cose_ec2_encode(t[i].alg, pt, n, &b), FSIM_ERR_ARG);
		assert_int_equal(fsim_cose_ec2_encode(FSIM_COSE_EDDSA, pt, n, &b),
		    FSIM_ERR_UNSUPPORTED);
		assert_null(b.ptr);
		fsim_blob_reset(&a);
		fsim_cose_key_free(&k);
		EVP_PKEY_free(pkey);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_all_algs),
		cmocka_unit_test(test_es256_canonical_bytes),
		cmocka_unit_test(test_ec2_encode_same_bytes),
		cmocka_unit_test(test_noncanonical_order_warns),
		cmocka_unit_test(test_missing_kty_alg),
		cmocka_unit_test(test_wrong_kty_and_crv),
		cmocka_unit_test(test_coordinate_shapes),
		cmocka_unit_test(test_point_validation),
		cmocka_unit_test(test_okp_points),
		cmocka_unit_test(test_rsa_rules),
		cmocka_unit_test(test_extra_labels_warn),
		cmocka_unit_test(test_unsupported_alg),
		cmocka_unit_test(test_from_pkey_mismatch),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_w3c_credential_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
