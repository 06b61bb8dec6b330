/*
 * test_pinuv.c — the platform's PIN/UV auth protocols (platform/pinuv.h),
 * checked against an independent computation with OpenSSL and against the
 * software authenticator's side of protocol two (a token obtained with
 * getPinUvAuthTokenUsingUvWithPermissions, then a makeCredential whose
 * pinUvAuthParam the authenticator accepts — and refuses when one byte
 * differs). PIN padding and hashing by the rules of CTAP 2.1 §6.5.5.5.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "authenticator/authn.h"
#include "platform/pinuv.h"

/* A P-256 key of the test's and its COSE_Key with alg -25, as an authenticator gives it. */
static cbor_item_t *
peer(EVP_PKEY **key)
{
	fsim_cose_key_t *k = NULL;
	fsim_blob_t b = { NULL, 0 };
	cbor_item_t *m = NULL, *o;
	struct cbor_pair *p;
	size_t i;

	assert_non_null(*key = EVP_EC_gen("P-256"));
	assert_int_equal(fsim_cose_key_from_pkey(*key, FSIM_COSE_ES256, &k), 0);
	assert_int_equal(fsim_cose_key_encode(k, &b), 0);
	assert_int_equal(fsim_cbor_decode(b.ptr, b.len, &m, NULL), 0);
	o = cbor_new_definite_map(cbor_map_size(m));
	p = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m); i++) {
		int64_t kk;

		assert_int_equal(fsim_cbor_get_int(p[i].key, &kk), 0);
		assert_int_equal(fsim_cbor_map_put(o, cbor_incref(p[i].key),
		    kk == 3 ? fsim_cbor_int(-25) : cbor_incref(p[i].value)), 0);
	}
	cbor_decref(&m);
	fsim_blob_reset(&b);
	fsim_cose_key_free(&k);
	return o;
}

/* Z: ECDH of our key with the platform key the shared secret carries. */
static void
ecdh(EVP_PKEY *mine, const fsim_pinuv_t *s, uint8_t z[32])
{
	fsim_cose_key_t *pk = NULL;
	cbor_item_t *m = NULL, *w;
	EVP_PKEY_CTX *ctx;
	size_t zl = 32;
	struct cbor_pair *p;
	size_t i;

	/* The platform key says alg -25; read it as ES256 to get the point. */
	assert_int_equal(fsim_cbor_decode(s->platform_key.ptr, s->platform_key.len, &m, NULL), 0);
	w = cbor_new_definite_map(cbor_map_size(m));
	p = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m); i++) {
		int64_t k;

		assert_int_equal(fsim_cbor_get_int(p[i].key, &k), 0);
		if (k == 3)
			assert_int_equal(cbor_get_int(p[i].value), 24);      /* -25: 0x38 0x18 */
		assert_int_equal(fsim_cbor_map_put(w, cbor_incref(p[i].key),
		    k == 3 ? fsim_cbor_int(FSIM_COSE_ES256) : cbor_incref(p[i].value)), 0);
	}
	assert_int_equal(fsim_cose_key_from_cbor(w, &pk, NULL), 0);
	assert_non_null(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL));
	assert_int_equal(EVP_PKEY_derive_init(ctx), 1);
	assert_int_equal(EVP_PKEY_derive_set_peer(ctx, fsim_cose_key_pkey(pk)), 1);
	assert_int_equal(EVP_PKEY_derive(ctx, z, &zl), 1);
	assert_int_equal(zl, 32);
	EVP_PKEY_CTX_free(ctx);
	fsim_cose_key_free(&pk);
	cbor_decref(&w);
	cbor_decref(&m);
}

static void
hkdf(const uint8_t z[32], const char *info, uint8_t out[32])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
	uint8_t salt[32] = { 0 };
	OSSL_PARAM p[5];

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)z, 32);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, 32);
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info));
	p[4] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_KDF_derive(ctx, out, 32, p), 1);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
}

static void
kdf_one_and_two(void **state)
{
	EVP_PKEY *mine = NULL;
	cbor_item_t *k = peer(&mine);
	fsim_pinuv_t s1, s2;
	uint8_t z[32], h[32], mac[32], in[32], x[32];
	unsigned int hl;
	fsim_blob_t enc = { NULL, 0 }, dec = { NULL, 0 };
	size_t ml;

	(void)state;
	/* Protocol one: SHA-256(Z); AES-256-CBC with a zero IV. */
	assert_int_equal(fsim_pinuv_encapsulate(1, k, &s1), 0);
	ecdh(mine, &s1, z);
	assert_int_equal(EVP_Digest(z, 32, h, &hl, EVP_sha256(), NULL), 1);
	assert_int_equal(s1.secret_len, 32);
	assert_memory_equal(s1.secret, h, 32);
	memset(in, 0x11, sizeof(in));
	assert_int_equal(fsim_pinuv_encrypt(&s1, in, 32, &enc), 0);
	assert_int_equal(enc.len, 32);
	{
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		uint8_t iv[16] = { 0 };
		int l1 = 0;

		assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, h, iv), 1);
		assert_int_equal(EVP_CIPHER_CTX_set_padding(c, 0), 1);
		assert_int_equal(EVP_EncryptUpdate(c, x, &l1, in, 32), 1);
		assert_int_equal(l1, 32);
		EVP_CIPHER_CTX_free(c);
	}
	assert_memory_equal(enc.ptr, x, 32);
	assert_int_equal(fsim_pinuv_decrypt(&s1, enc.ptr, enc.len, &dec), 0);
	assert_memory_equal(dec.ptr, in, 32);
	assert_int_equal(fsim_pinuv_auth_shared(&s1, in, 32, mac, &ml), 0);
	assert_int_equal(ml, 16);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&dec);

	/* Protocol two: HKDF HMAC key | AES key; a random IV in front. */
	assert_int_equal(fsim_pinuv_encapsulate(2, k, &s2), 0);
	ecdh(mine, &s2, z);
	hkdf(z, "CTAP2 HMAC key", h);
	assert_int_equal(s2.secret_len, 64);
	assert_memory_equal(s2.secret, h, 32);
	hkdf(z, "CTAP2 AES key", h);
	assert_memory_equal(s2.secret + 32, h, 32);
	assert_int_equal(fsim_pinuv_encrypt(&s2, in, 32, &enc), 0);
	assert_int_equal(enc.len, 48);
	assert_int_equal(fsim_pinuv_decrypt(&s2, enc.ptr, enc.len, &dec), 0);
	assert_int_equal(dec.len, 32);
	assert_memory_equal(dec.ptr, in, 32);
	assert_int_equal(fsim_pinuv_auth_shared(&s2, in, 32, mac, &ml), 0);
	assert_int_equal(ml, 32);
	{
		/* The shared secret signs with its HMAC key only. */
		uint8_t mac2[32];
		size_t ml2;

		assert_int_equal(fsim_pinuv_authenticate(2, s2.secret, 32, in, 32, mac2, &ml2), 0);
		assert_memory_equal(mac, mac2, 32);
	}
	/* Wrong shapes. */
	assert_int_not_equal(fsim_pinuv_encrypt(&s2, in, 15, &enc), 0);
	assert_int_not_equal(fsim_pinuv_decrypt(&s2, enc.ptr, 16, &dec), 0);
	assert_int_not_equal(fsim_pinuv_decrypt(&s1, enc.ptr, 17, &dec), 0);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&dec);
	fsim_pinuv_reset(&s1);
	fsim_pinuv_reset(&s2);
	cbor_decref(&k);
	EVP_PKEY_free(mine);
}

static void
encapsulate_refuses(void **state)
{
	EVP_PKEY *mine = NULL;
	cbor_item_t *k = peer(&mine), *bad = cbor_new_definite_map(5);
	uint8_t one[32] = { 0 };
	fsim_pinuv_t s;

	(void)state;
	assert_int_equal(fsim_pinuv_encapsulate(3, k, &s), FSIM_ERR_ARG);
	assert_int_equal(fsim_pinuv_encapsulate(0, k, &s), FSIM_ERR_ARG);
	/* (1, 1) is not on P-256. */
	one[31] = 1;
	assert_int_equal(fsim_cbor_map_put(bad, fsim_cbor_int(1), fsim_cbor_int(2)), 0);
	assert_int_equal(fsim_cbor_map_put(bad, fsim_cbor_int(3), fsim_cbor_int(-25)), 0);
	assert_int_equal(fsim_cbor_map_put(bad, fsim_cbor_int(-1), fsim_cbor_int(1)), 0);
	assert_int_equal(fsim_cbor_map_put(bad, fsim_cbor_int(-2), fsim_cbor_bytes(one, 32)), 0);
	assert_int_equal(fsim_cbor_map_put(bad, fsim_cbor_int(-3), fsim_cbor_bytes(one, 32)), 0);
	assert_int_equal(fsim_pinuv_encapsulate(2, bad, &s), FSIM_ERR_COSE);
	assert_int_equal(fsim_pinuv_encapsulate(2, NULL, &s), FSIM_ERR_COSE);
	cbor_decref(&bad);
	cbor_decref(&k);
	EVP_PKEY_free(mine);
}

static void
authenticate_lengths(void **state)
{
	static const uint8_t key[32] = { 9 }, msg[5] = "hello";
	uint8_t a[32], b[32];
	size_t la, lb;

	(void)state;
	assert_int_equal(fsim_pinuv_authenticate(1, key, 32, msg, 5, a, &la), 0);
	assert_int_equal(fsim_pinuv_authenticate(2, key, 32, msg, 5, b, &lb), 0);
	assert_int_equal(la, 16);
	assert_int_equal(lb, 32);
	assert_memory_equal(a, b, 16);          /* one is two's first half */
	assert_int_equal(fsim_pinuv_authenticate(3, key, 32, msg, 5, a, &la), FSIM_ERR_ARG);
	assert_int_equal(la, 0);
	assert_int_equal(fsim_pinuv_authenticate(2, NULL, 32, msg, 5, a, &la), FSIM_ERR_ARG);
}

static void
pin_rules(void **state)
{
	uint8_t pad[64], zero[60] = { 0 }, h[16];
	char long63[64], long64[65];

	(void)state;
	assert_int_equal(fsim_pinuv_pad_pin("1234", pad), 0);
	assert_memory_equal(pad, "1234", 4);
	assert_memory_equal(pad + 4, zero, 60);
	assert_int_equal(fsim_pinuv_pad_pin("123", pad), FSIM_ERR_ARG);          /* 3 code points */
	assert_int_equal(fsim_pinuv_pad_pin("\xc3\xa9\xc3\xa9\xc3\xa9", pad), FSIM_ERR_ARG);  /* 3, in 6 bytes */
	assert_int_equal(fsim_pinuv_pad_pin("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", pad), 0);
	assert_int_equal(fsim_pinuv_pad_pin("12\xff" "45", pad), FSIM_ERR_ARG);  /* not UTF-8 */
	memset(long63, 'p', 63);
	long63[63] = '\0';
	memset(long64, 'p', 64);
	long64[64] = '\0';
	assert_int_equal(fsim_pinuv_pad_pin(long63, pad), 0);
	assert_int_equal(pad[63], 0);
	assert_int_equal(fsim_pinuv_pad_pin(long64, pad), FSIM_ERR_ARG);
	assert_int_equal(fsim_pinuv_pad_pin(NULL, pad), FSIM_ERR_ARG);
	/* LEFT(SHA-256("1234"), 16) */
	assert_int_equal(fsim_pinuv_pin_hash("1234", h), 0);
	assert_memory_equal(h, "\x03\xac\x67\x42\x16\xf3\xe1\x5c\x76\x1e\xe1\xa5\xe2\x55\xf0\x67", 16);
}

/* ---- against the software authenticator (protocol two) ---- */

static uint8_t
request(fsim_authn_t *a, uint8_t cmd, cbor_item_t *m, cbor_item_t **out)
{
	fsim_blob_t body = { NULL, 0 }, req = { NULL, 0 }, resp = { NULL, 0 };
	uint8_t st;

	*out = NULL;
	assert_int_equal(fsim_blob_append(&req, &cmd, 1), 0);
	assert_int_equal(fsim_cbor_encode(m, &body), 0);
	assert_int_equal(fsim_blob_append(&req, body.ptr, body.len), 0);
	cbor_decref(&m);
	st = fsim_authn_request(a, req.ptr, req.len, &resp);
	if (st == 0 && resp.len > 0)
		assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, out, NULL), 0);
	fsim_blob_reset(&body);
	fsim_blob_reset(&req);
	fsim_blob_reset(&resp);
	return st;
}

static cbor_item_t *
mc_with(const uint8_t cdh[32], const uint8_t *param, size_t plen)
{
	static const uint8_t uid[4] = { 1, 2, 3, 4 };
	cbor_item_t *m = cbor_new_definite_map(6), *rp = cbor_new_definite_map(1),
	    *user = cbor_new_definite_map(1), *params = cbor_new_definite_array(1),
	    *p = cbor_new_definite_map(2);

	assert_int_equal(fsim_cbor_map_put(rp, fsim_cbor_text("id"), fsim_cbor_text("example.org")), 0);
	assert_int_equal(fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(uid, 4)), 0);
	assert_int_equal(fsim_cbor_map_put(p, fsim_cbor_text("alg"), fsim_cbor_int(-7)), 0);
	assert_int_equal(fsim_cbor_map_put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key")), 0);
	assert_int_equal(fsim_cbor_array_push(params, p), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_bytes(cdh, 32)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(2), rp), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(3), user), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(4), params), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(8), fsim_cbor_bytes(param, plen)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(9), fsim_cbor_int(2)), 0);
	return m;
}

static void
token_with_the_authenticator(void **state)
{
	static const uint8_t seed[] = "test_pinuv";
	fsim_env_t env;
	fsim_store_t *store = NULL;
	fsim_authn_t *a = NULL;
	fsim_authn_config_t cfg;
	cbor_item_t *m, *ans = NULL, *k = NULL;
	fsim_pinuv_t s;
	fsim_blob_t tok = { NULL, 0 };
	uint8_t cdh[32] = { 4, 4 }, mac[32];
	const uint8_t *p;
	size_t n, ml;

	(void)state;
	assert_int_equal(fsim_env_seeded(&env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &env, &store, NULL), 0);
	fsim_authn_config_init(&cfg);
	assert_int_equal(fsim_authn_new(&cfg, &env, store, &a), 0);
	/* getKeyAgreement, protocol 2 */
	m = cbor_new_definite_map(2);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_int(2)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_int(2)), 0);
	assert_int_equal(request(a, 0x06, m, &ans), 0);
	assert_int_equal(fsim_pinuv_encapsulate(2, fsim_cbor_map_get_int(ans, 1), &s), 0);
	cbor_decref(&ans);
	/* getPinUvAuthTokenUsingUvWithPermissions, mc for example.org */
	m = cbor_new_definite_map(5);
	assert_int_equal(fsim_cbor_decode(s.platform_key.ptr, s.platform_key.len, &k, NULL), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_int(2)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_int(6)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(3), k), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(9), fsim_cbor_int(1)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(10), fsim_cbor_text("example.org")), 0);
	assert_int_equal(request(a, 0x06, m, &ans), 0);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 2), &p, &n), 0);
	assert_int_equal(fsim_pinuv_decrypt(&s, p, n, &tok), 0);
	assert_int_equal(tok.len, 32);
	cbor_decref(&ans);
	/* The authenticator takes authenticate(token, clientDataHash)... */
	assert_int_equal(fsim_pinuv_authenticate(2, tok.ptr, tok.len, cdh, 32, mac, &ml), 0);
	assert_int_equal(request(a, 0x01, mc_with(cdh, mac, ml), &ans), 0);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 2), &p, &n), 0);
	assert_true(p[32] & FSIM_AD_UV);
	cbor_decref(&ans);
	/* ...and refuses it with one bit changed. */
	mac[0] ^= 1;
	assert_int_equal(request(a, 0x01, mc_with(cdh, mac, ml), &ans), 0x33);
	fsim_blob_reset(&tok);
	fsim_pinuv_reset(&s);
	fsim_authn_free(&a);
	fsim_store_free(&store);
	fsim_env_free(&env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kdf_one_and_two),
		cmocka_unit_test(encapsulate_refuses),
		cmocka_unit_test(authenticate_lengths),
		cmocka_unit_test(pin_rules),
		cmocka_unit_test(token_with_the_authenticator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
