/*
 * test_credid.c — credential IDs that wrap the private key (keys.h):
 * round trips per algorithm, and every way an ID must fail to be ours
 * (FSIM_ERR_NOT_FOUND): another RP, another store's key, any flipped bit,
 * any truncation or extension, a version we do not write, and well-formed
 * authentic IDs whose contents or size we never make (built here with the
 * right key, so only the content check can reject them). Keys are generated
 * per run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "authenticator/env.h"
#include "authenticator/keys.h"
#include "core/cose.h"
#include "core/sig.h"

static const uint8_t msg[] = "authenticatorData || clientDataHash";

static uint8_t wrap_key[32], other_key[32], rp[32], other_rp[32];
static fsim_env_t env;

static int
setup(void **state)
{
	(void)state;
	fsim_env_default(&env);
	if (fsim_env_random(&env, wrap_key, 32) != 0 ||
	    fsim_env_random(&env, other_key, 32) != 0 ||
	    EVP_Digest("example.com", 11, rp, NULL, EVP_sha256(), NULL) != 1 ||
	    EVP_Digest("example.org", 11, other_rp, NULL, EVP_sha256(), NULL) != 1)
		return -1;
	return 0;
}

/* An ID made by hand: version | nonce | AES-256-GCM(pt) | tag, AAD = rpIdHash. */
static void
seal(uint8_t version, const uint8_t key[32], const uint8_t *pt, size_t ptlen,
    fsim_blob_t *id)
{
	EVP_CIPHER_CTX *c;
	uint8_t *b;
	int n;

	assert_non_null(b = malloc(1 + 12 + ptlen + 16));
	b[0] = version;
	assert_int_equal(fsim_env_random(&env, b + 1, 12), 0);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex2(c, EVP_aes_256_gcm(), key, b + 1, NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(c, NULL, &n, rp, 32), 1);
	assert_int_equal(EVP_EncryptUpdate(c, b + 13, &n, pt, (int)ptlen), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, b + 13 + ptlen, &n), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, b + 13 + ptlen), 1);
	EVP_CIPHER_CTX_free(c);
	id->ptr = b;
	id->len = 1 + 12 + ptlen + 16;
}

/* The plaintext we write: alg | flags | credProtect | PKCS#8. */
static void
plaintext(int alg, uint8_t flags, uint8_t cp, EVP_PKEY *k, fsim_blob_t *pt)
{
	fsim_blob_t der = { 0 };
	uint8_t hdr[4];

	hdr[0] = (uint8_t)((uint16_t)(int16_t)alg >> 8);
	hdr[1] = (uint8_t)((uint16_t)(int16_t)alg);
	hdr[2] = flags;
	hdr[3] = cp;
	assert_int_equal(fsim_key_to_der(k, &der), 0);
	assert_int_equal(fsim_blob_set(pt, hdr, 4), 0);
	assert_int_equal(fsim_blob_append(pt, der.ptr, der.len), 0);
	fsim_blob_reset(&der);
}

static bool
contains(const uint8_t *hay, size_t hlen, const uint8_t *needle, size_t nlen)
{
	size_t i;

	for (i = 0; i + nlen <= hlen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return true;
	return false;
}

static void
assert_not_ours(const uint8_t key[32], const uint8_t rph[32], const uint8_t *id,
    size_t len)
{
	fsim_wrapped_t w;

	memset(&w, 0xa5, sizeof(w));
	assert_int_equal(fsim_credid_unwrap(key, rph, id, len, &w), FSIM_ERR_NOT_FOUND);
	assert_null(w.key);
	assert_int_equal(w.alg, 0);
}

static void
test_roundtrip(void **state)
{
	static const int algs[] = {
		FSIM_COSE_ES256, FSIM_COSE_ES384, FSIM_COSE_ES512, FSIM_COSE_EDDSA,
		FSIM_COSE_ED25519, FSIM_COSE_ED448, FSIM_COSE_ESP256,
	};
	fsim_wrapped_t in, out;
	fsim_blob_t id = { 0 }, der = { 0 }, sig = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		memset(&in, 0, sizeof(in));
		in.alg = algs[i];
		in.flags = (uint8_t)(i % 2 ? FSIM_WRAP_BE : 0);
		in.cred_protect = (uint8_t)(i % 4);
		assert_int_equal(fsim_key_generate(&env, in.alg, &in.key), 0);
		assert_int_equal(fsim_credid_wrap(&env, wrap_key, rp, &in, &id), 0);
		assert_int_equal(fsim_key_to_der(in.key, &der), 0);
		assert_int_equal(id.len, 1 + 12 + 4 + der.len + 16);
		assert_true(id.len <= 1023);
		assert_int_equal(id.ptr[0], 0x01);
		/* the key is not in the ID in the clear */
		assert_false(contains(id.ptr, id.len, der.ptr + der.len - 16, 16));

		assert_int_equal(fsim_credid_unwrap(wrap_key, rp, id.ptr, id.len, &out), 0);
		assert_int_equal(out.alg, in.alg);
		assert_int_equal(out.flags, in.flags);
		assert_int_equal(out.cred_protect, in.cred_protect);
		assert_int_equal(EVP_PKEY_eq(out.key, in.key), 1);
		assert_int_equal(fsim_key_sign(&env, out.key, out.alg, msg, sizeof(msg), &sig), 0);
		assert_int_equal(fsim_sig_verify(in.key, in.alg, msg, sizeof(msg), sig.ptr,
		    sig.len, NULL, NULL, NULL), 0);
		fsim_wrapped_reset(&out);
		assert_null(out.key);
		fsim_wrapped_reset(&in);
	}
	fsim_wrapped_reset(NULL);
	fsim_blob_reset(&id);
	fsim_blob_reset(&der);
	fsim_blob_reset(&sig);
}

static void
test_not_ours(void **state)
{
	fsim_wrapped_t in, out;
	fsim_blob_t id = { 0 };
	uint8_t *b;
	size_t i, bit;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.alg = FSIM_COSE_ES256;
	assert_int_equal(fsim_key_generate(&env, in.alg, &in.key), 0);
	assert_int_equal(fsim_credid_wrap(&env, wrap_key, rp, &in, &id), 0);
	assert_int_equal(fsim_credid_unwrap(wrap_key, rp, id.ptr, id.len, &out), 0);
	fsim_wrapped_reset(&out);

	/* another RP, another store */
	assert_not_ours(wrap_key, other_rp, id.ptr, id.len);
	assert_not_ours(other_key, rp, id.ptr, id.len);
	/* every single flipped bit: version, nonce, ciphertext, tag */
	assert_non_null(b = malloc(id.len + 1));
	for (i = 0; i < id.len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(b, id.ptr, id.len);
			b[i] ^= (uint8_t)(1u << bit);
			assert_not_ours(wrap_key, rp, b, id.len);
		}
	}
	/* every truncation, and one byte more */
	memcpy(b, id.ptr, id.len);
	for (i = 0; i < id.len; i++)
		assert_not_ours(wrap_key, rp, b, i);
	b[id.len] = 0x00;
	assert_not_ours(wrap_key, rp, b, id.len + 1);
	assert_not_ours(wrap_key, rp, NULL, 0);
	free(b);
	fsim_blob_reset(&id);
	fsim_wrapped_reset(&in);
}

/* Authentic IDs (right key, right RP) whose content or size we never write. */
static void
test_authentic_but_wrong(void **state)
{
	fsim_env_t e;
	fsim_wrapped_t out;
	fsim_blob_t pt = { 0 }, id = { 0 };
	EVP_PKEY *ec, *rsa;

	(void)state;
	assert_int_equal(fsim_key_generate(&env, FSIM_COSE_ES256, &ec), 0);
	assert_int_equal(fsim_env_seeded(&e, (const uint8_t *)"rsa", 3), 0);
	assert_int_equal(fsim_key_generate(&e, FSIM_COSE_RS256, &rsa), 0);
	fsim_env_free(&e);

	/* the hand-made form is right: it unwraps */
	plaintext(FSIM_COSE_ES256, 0, 2, ec, &pt);
	seal(0x01, wrap_key, pt.ptr, pt.len, &id);
	assert_int_equal(fsim_credid_unwrap(wrap_key, rp, id.ptr, id.len, &out), 0);
	assert_int_equal(out.cred_protect, 2);
	fsim_wrapped_reset(&out);
	fsim_blob_reset(&id);
	/* ... and with version 2 it does not */
	seal(0x02, wrap_key, pt.ptr, pt.len, &id);
	assert_not_ours(wrap_key, rp, id.ptr, id.len);
	fsim_blob_reset(&id);
	fsim_blob_reset(&pt);

	/* credProtect 4 */
	plaintext(FSIM_COSE_ES256, 0, 4, ec, &pt);
	seal(0x01, wrap_key, pt.ptr, pt.len, &id);
	assert_not_ours(wrap_key, rp, id.ptr, id.len);
	fsim_blob_reset(&id);
	fsim_blob_reset(&pt);
	/* an alg nobody knows */
	plaintext(-12345, 0, 0, ec, &pt);
	seal(0x01, wrap_key, pt.ptr, pt.len, &id);
	assert_not_ours(wrap_key, rp, id.ptr, id.len);
	fsim_blob_reset(&id);
	fsim_blob_reset(&pt);
	/* the key DER cut short, then the header alone */
	plaintext(FSIM_COSE_ES256, 0, 0, ec, &pt);
	seal(0x01, wrap_key, pt.ptr, pt.len - 1, &id);
	assert_not_ours(wrap_key, rp, id.ptr, id.len);
	fsim_blob_reset(&id);
	seal(0x01, wrap_key, pt.ptr, 4, &id);
	assert_not_ours(wrap_key, rp, id.ptr, id.len);
	fsim_blob_reset(&id);
	fsim_blob_reset(&pt);

	/* an RSA key makes an authentic ID over 1023 bytes: never ours */
	plaintext(FSIM_COSE_RS256, 0, 0, rsa, &pt);
	seal(0x01, wrap_key, pt.ptr, pt.len, &id);
	assert_true(id.len > 1023);
	assert_not_ours(wrap_key, rp, id.ptr, id.len);
	fsim_blob_reset(&id);
	fsim_blob_reset(&pt);

	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
}

static void
test_wrap_refuses(void **state)
{
	fsim_env_t e;
	fsim_wrapped_t w;
	fsim_blob_t id = { 0 };
	EVP_PKEY *k;

	(void)state;
	memset(&w, 0, sizeof(w));
	assert_int_equal(fsim_env_seeded(&e, (const uint8_t *)"rsa", 3), 0);
	w.alg = FSIM_COSE_RS256;
	assert_int_equal(fsim_key_generate(&e, w.alg, &w.key), 0);
	fsim_env_free(&e);
	/* RSA-2048 does not fit in 1023 bytes */
	assert_int_equal(fsim_credid_wrap(&env, wrap_key, rp, &w, &id), FSIM_ERR_UNSUPPORTED);
	assert_null(id.ptr);
	fsim_wrapped_reset(&w);

	w.alg = FSIM_COSE_ES256;
	assert_int_equal(fsim_key_generate(&env, w.alg, &k), 0);
	w.key = k;
	w.cred_protect = 4;
	assert_int_equal(fsim_credid_wrap(&env, wrap_key, rp, &w, &id), FSIM_ERR_ARG);
	w.cred_protect = 3;
	assert_int_equal(fsim_credid_wrap(NULL, wrap_key, rp, &w, &id), FSIM_ERR_ARG);
	assert_int_equal(fsim_credid_wrap(&env, NULL, rp, &w, &id), FSIM_ERR_ARG);
	assert_int_equal(fsim_credid_wrap(&env, wrap_key, NULL, &w, &id), FSIM_ERR_ARG);
	assert_int_equal(fsim_credid_wrap(&env, wrap_key, rp, NULL, &id), FSIM_ERR_ARG);
	assert_int_equal(fsim_credid_wrap(&env, wrap_key, rp, &w, NULL), FSIM_ERR_ARG);
	assert_null(id.ptr);
	assert_int_equal(fsim_credid_unwrap(wrap_key, rp, NULL, 5, &w), FSIM_ERR_ARG);
	assert_null(w.key);     /* cleared at entry: the caller still owns the old key */
	assert_int_equal(fsim_credid_unwrap(NULL, rp, (const uint8_t *)"x", 1, &w),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_credid_unwrap(wrap_key, rp, (const uint8_t *)"x", 1, NULL),
	    FSIM_ERR_ARG);
	EVP_PKEY_free(k);
}

/* Wrapping draws its nonce from env: seeded envs repeat IDs, fresh nonces otherwise. */
static void
test_nonce_from_env(void **state)
{
	fsim_env_t s1, s2;
	fsim_wrapped_t w;
	fsim_blob_t a = { 0 }, b = { 0 };

	(void)state;
	memset(&w, 0, sizeof(w));
	w.alg = FSIM_COSE_EDDSA;
	assert_int_equal(fsim_key_generate(&env, w.alg, &w.key), 0);
	assert_int_equal(fsim_env_seeded(&s1, (const uint8_t *)"n", 1), 0);
	assert_int_equal(fsim_env_seeded(&s2, (const uint8_t *)"n", 1), 0);
	assert_int_equal(fsim_credid_wrap(&s1, wrap_key, rp, &w, &a), 0);
	assert_int_equal(fsim_credid_wrap(&s2, wrap_key, rp, &w, &b), 0);
	assert_true(fsim_blob_eq(&a, b.ptr, b.len));
	assert_int_equal(fsim_credid_wrap(&s1, wrap_key, rp, &w, &b), 0);
	assert_false(fsim_blob_eq(&a, b.ptr, b.len));
	assert_memory_not_equal(a.ptr + 1, b.ptr + 1, 12);
	fsim_env_free(&s1);
	fsim_env_free(&s2);
	fsim_blob_reset(&a);
	fsim_blob_reset(&b);
	fsim_wrapped_reset(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_authentic_but_wrong),
		cmocka_unit_test(test_wrap_refuses),
		cmocka_unit_test(test_nonce_from_env),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
