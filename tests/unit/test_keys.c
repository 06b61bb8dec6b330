/*
 * test_keys.c — key generation from the environment, signing in the
 * WebAuthn form, PKCS#8 round trips, and RFC 6979 deterministic ECDSA.
 *
 * Vectors: RFC 6979 Appendix A.2.5 (P-256), A.2.6 (P-384) and A.2.7
 * (P-521): private key x, the "sample" / "test" messages with the curve's
 * hash, and k (P-256, P-384), r and s from the RFC text (cross-checked
 * against the copy in Bouncy Castle's DeterministicDSATest). Every other key is generated at test time;
 * every signature made here is checked with core/sig.c fsim_sig_verify.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "authenticator/env.h"
#include "authenticator/keys.h"
#include "authenticator/keys_int.h"
#include "core/cose.h"
#include "core/sig.h"

static const uint8_t msg[] = "authenticatorData || clientDataHash";

static const int all_algs[] = {
	FSIM_COSE_ES256, FSIM_COSE_ES384, FSIM_COSE_ES512, FSIM_COSE_EDDSA,
	FSIM_COSE_ED25519, FSIM_COSE_ED448, FSIM_COSE_RS256, FSIM_COSE_PS256,
	FSIM_COSE_ESP256, FSIM_COSE_ESP384, FSIM_COSE_ESP512,
	FSIM_COSE_PS384, FSIM_COSE_PS512, FSIM_COSE_RS1,
};
#define N_ALGS (sizeof(all_algs) / sizeof(all_algs[0]))

static void
unhex(const char *h, uint8_t *out, size_t len)
{
	size_t i;
	unsigned int v;

	assert_int_equal(strlen(h), 2 * len);
	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void
assert_verifies(EVP_PKEY *k, int alg, const uint8_t *m, size_t mlen,
    const fsim_blob_t *sig)
{
	uint8_t bad[sizeof(msg)];

	assert_int_equal(fsim_sig_verify(k, alg, m, mlen, sig->ptr, sig->len, NULL,
	    NULL, NULL), 0);
	assert_true(mlen <= sizeof(bad) && mlen > 0);
	memcpy(bad, m, mlen);
	bad[0] ^= 0x01;
	assert_int_equal(fsim_sig_verify(k, alg, bad, mlen, sig->ptr, sig->len, NULL,
	    NULL, NULL), FSIM_ERR_SIGNATURE);
}

static void
assert_same_key(EVP_PKEY *a, EVP_PKEY *b, bool same)
{
	fsim_blob_t da = { 0 }, db = { 0 };

	assert_int_equal(fsim_key_to_der(a, &da), 0);
	assert_int_equal(fsim_key_to_der(b, &db), 0);
	if (same)
		assert_true(fsim_blob_eq(&da, db.ptr, db.len));
	else
		assert_false(fsim_blob_eq(&da, db.ptr, db.len));
	fsim_blob_reset(&da);
	fsim_blob_reset(&db);
}

/* Key shape per alg: type, curve or modulus size, and a full key check. */
static void
assert_shape(EVP_PKEY *k, int alg)
{
	EVP_PKEY_CTX *c;
	BIGNUM *e = NULL;
	char group[32];

	switch (alg) {
	case FSIM_COSE_ES256: case FSIM_COSE_ESP256:
	case FSIM_COSE_ES384: case FSIM_COSE_ESP384:
	case FSIM_COSE_ES512: case FSIM_COSE_ESP512:
		assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_EC);
		assert_int_equal(EVP_PKEY_get_group_name(k, group, sizeof(group), NULL), 1);
		assert_string_equal(group, fsim_ecdsa_info(alg)->group);
		break;
	case FSIM_COSE_EDDSA: case FSIM_COSE_ED25519:
		assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_ED25519);
		break;
	case FSIM_COSE_ED448:
		assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_ED448);
		break;
	default:
		assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_RSA);
		assert_int_equal(EVP_PKEY_get_bits(k), 2048);
		assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e), 1);
		assert_true(BN_is_word(e, 65537));
		BN_free(e);
		break;
	}
	/* pairwise consistency, and for RSA the primes and CRT values too */
	assert_non_null(c = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL));
	assert_int_equal(EVP_PKEY_check(c), 1);
	EVP_PKEY_CTX_free(c);
}

static void
test_generate_sign_all(void **state)
{
	fsim_env_t def, seeded;
	fsim_blob_t sig = { 0 };
	EVP_PKEY *k;
	size_t i;

	(void)state;
	fsim_env_default(&def);
	assert_int_equal(fsim_env_seeded(&seeded, (const uint8_t *)"keys", 4), 0);
	for (i = 0; i < N_ALGS; i++) {
		int alg = all_algs[i];

		assert_int_equal(fsim_key_generate(&def, alg, &k), 0);
		assert_shape(k, alg);
		assert_int_equal(fsim_key_sign(&def, k, alg, msg, sizeof(msg), &sig), 0);
		assert_verifies(k, alg, msg, sizeof(msg), &sig);
		assert_int_equal(fsim_key_sign(&seeded, k, alg, msg, sizeof(msg), &sig), 0);
		assert_verifies(k, alg, msg, sizeof(msg), &sig);
		/* NULL env: OpenSSL's own randomness */
		assert_int_equal(fsim_key_sign(NULL, k, alg, msg, sizeof(msg), &sig), 0);
		assert_verifies(k, alg, msg, sizeof(msg), &sig);
		EVP_PKEY_free(k);

		assert_int_equal(fsim_key_generate(&seeded, alg, &k), 0);
		assert_shape(k, alg);
		assert_int_equal(fsim_key_sign(&seeded, k, alg, msg, sizeof(msg), &sig), 0);
		assert_verifies(k, alg, msg, sizeof(msg), &sig);
		EVP_PKEY_free(k);
	}
	fsim_blob_reset(&sig);
	fsim_env_free(&seeded);
}

static void
test_seeded_keys_repeat(void **state)
{
	fsim_env_t e1, e2, e3;
	EVP_PKEY *a, *b, *c;
	size_t i;

	(void)state;
	assert_int_equal(fsim_env_seeded(&e1, (const uint8_t *)"same", 4), 0);
	assert_int_equal(fsim_env_seeded(&e2, (const uint8_t *)"same", 4), 0);
	assert_int_equal(fsim_env_seeded(&e3, (const uint8_t *)"other", 5), 0);
	for (i = 0; i < N_ALGS; i++) {
		assert_int_equal(fsim_key_generate(&e1, all_algs[i], &a), 0);
		assert_int_equal(fsim_key_generate(&e2, all_algs[i], &b), 0);
		assert_int_equal(fsim_key_generate(&e3, all_algs[i], &c), 0);
		assert_same_key(a, b, true);
		assert_same_key(a, c, false);
		EVP_PKEY_free(a);
		EVP_PKEY_free(b);
		EVP_PKEY_free(c);
	}
	/* the next key from the same env is a different key */
	assert_int_equal(fsim_key_generate(&e1, FSIM_COSE_ES256, &a), 0);
	assert_int_equal(fsim_key_generate(&e1, FSIM_COSE_ES256, &b), 0);
	assert_same_key(a, b, false);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	fsim_env_free(&e1);
	fsim_env_free(&e2);
	fsim_env_free(&e3);
}

/* Deterministic envs repeat every signature; the default repeats only where the scheme does. */
static void
test_sign_determinism(void **state)
{
	fsim_env_t def, s1, s2;
	fsim_blob_t x = { 0 }, y = { 0 };
	EVP_PKEY *k;
	size_t i;

	(void)state;
	fsim_env_default(&def);
	assert_int_equal(fsim_env_seeded(&s1, (const uint8_t *)"sig", 3), 0);
	for (i = 0; i < N_ALGS; i++) {
		int alg = all_algs[i];
		bool rand_scheme = alg != FSIM_COSE_EDDSA && alg != FSIM_COSE_ED25519 &&
		    alg != FSIM_COSE_ED448 && alg != FSIM_COSE_RS256 && alg != FSIM_COSE_RS1;

		assert_int_equal(fsim_key_generate(&def, alg, &k), 0);
		/* same key, two envs from one seed: the same signature */
		assert_int_equal(fsim_env_seeded(&s2, (const uint8_t *)"sig", 3), 0);
		fsim_env_free(&s1);
		assert_int_equal(fsim_env_seeded(&s1, (const uint8_t *)"sig", 3), 0);
		assert_int_equal(fsim_key_sign(&s1, k, alg, msg, sizeof(msg), &x), 0);
		assert_int_equal(fsim_key_sign(&s2, k, alg, msg, sizeof(msg), &y), 0);
		assert_true(fsim_blob_eq(&x, y.ptr, y.len));
		/* ECDSA: RFC 6979 ignores env, so even the same env repeats */
		if (fsim_ecdsa_info(alg) != NULL) {
			assert_int_equal(fsim_key_sign(&s1, k, alg, msg, sizeof(msg), &y), 0);
			assert_true(fsim_blob_eq(&x, y.ptr, y.len));
		}
		fsim_env_free(&s2);
		/* the default env: ECDSA and PSS differ each time */
		assert_int_equal(fsim_key_sign(&def, k, alg, msg, sizeof(msg), &x), 0);
		assert_int_equal(fsim_key_sign(&def, k, alg, msg, sizeof(msg), &y), 0);
		assert_true(fsim_blob_eq(&x, y.ptr, y.len) == !rand_scheme);
		EVP_PKEY_free(k);
	}
	fsim_blob_reset(&x);
	fsim_blob_reset(&y);
	fsim_env_free(&s1);
}

static void
test_sign_errors(void **state)
{
	fsim_env_t def, seeded;
	fsim_blob_t sig = { 0 }, der = { 0 };
	EVP_PKEY *p256, *p384, *ed, *pub;
	const uint8_t *p;
	uint8_t *spki = NULL;
	int len;

	(void)state;
	fsim_env_default(&def);
	assert_int_equal(fsim_env_seeded(&seeded, (const uint8_t *)"e", 1), 0);
	assert_int_equal(fsim_key_generate(&def, FSIM_COSE_ES256, &p256), 0);
	assert_int_equal(fsim_key_generate(&def, FSIM_COSE_ES384, &p384), 0);
	assert_int_equal(fsim_key_generate(&def, FSIM_COSE_EDDSA, &ed), 0);
	/* key and alg disagree, deterministic or not */
	assert_int_equal(fsim_key_sign(&seeded, p384, FSIM_COSE_ES256, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_sign(&def, p384, FSIM_COSE_ES256, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_sign(&seeded, ed, FSIM_COSE_ES256, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_sign(&seeded, p256, FSIM_COSE_PS256, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_sign(&seeded, p256, FSIM_COSE_EDDSA, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_sign(&seeded, p256, 0, msg, sizeof(msg), &sig),
	    FSIM_ERR_UNSUPPORTED);
	assert_null(sig.ptr);
	assert_int_equal(fsim_key_sign(&seeded, NULL, FSIM_COSE_ES256, msg, 1, &sig),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_key_sign(&seeded, p256, FSIM_COSE_ES256, NULL, 1, &sig),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_key_sign(&seeded, p256, FSIM_COSE_ES256, msg, 1, NULL),
	    FSIM_ERR_ARG);
	/* an empty message is a message */
	assert_int_equal(fsim_key_sign(&seeded, p256, FSIM_COSE_ES256, NULL, 0, &sig), 0);
	assert_int_equal(fsim_sig_verify(p256, FSIM_COSE_ES256, NULL, 0, sig.ptr, sig.len,
	    NULL, NULL, NULL), 0);

	/* a public-only key signs nothing and has no PKCS#8 */
	assert_true((len = i2d_PUBKEY(p256, &spki)) > 0);
	p = spki;
	assert_non_null(pub = d2i_PUBKEY(NULL, &p, len));
	assert_int_equal(fsim_key_sign(&seeded, pub, FSIM_COSE_ES256, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_int_equal(fsim_ecdsa_sign_rfc6979(pub, FSIM_COSE_ES256, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_sign(&def, pub, FSIM_COSE_ES256, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_to_der(pub, &der), FSIM_ERR_ARG);
	assert_null(sig.ptr);
	assert_null(der.ptr);
	EVP_PKEY_free(pub);

	/* generation: unknown alg, missing arguments */
	assert_int_equal(fsim_key_generate(&def, 0, &pub), FSIM_ERR_UNSUPPORTED);
	assert_null(pub);
	assert_int_equal(fsim_key_generate(NULL, FSIM_COSE_ES256, &pub), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_generate(&def, FSIM_COSE_ES256, NULL), FSIM_ERR_ARG);

	OPENSSL_free(spki);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(ed);
	fsim_blob_reset(&sig);
	fsim_env_free(&seeded);
}

/* An env whose random source fails: every generation fails cleanly. */
static int
broken_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -1;
}

static void
test_random_failure(void **state)
{
	fsim_env_t e;
	fsim_blob_t sig = { 0 };
	EVP_PKEY *k = NULL, *good;
	size_t i;

	(void)state;
	fsim_env_default(&e);
	assert_int_equal(fsim_key_generate(&e, FSIM_COSE_RS256, &good), 0);
	e.random = broken_random;
	for (i = 0; i < N_ALGS; i++) {
		assert_true(fsim_key_generate(&e, all_algs[i], &k) < 0);
		assert_null(k);
	}
	/* PSS draws its salt from env */
	assert_true(fsim_key_sign(&e, good, FSIM_COSE_PS256, msg, sizeof(msg), &sig) < 0);
	assert_null(sig.ptr);
	EVP_PKEY_free(good);
}

static void
test_der_roundtrip(void **state)
{
	fsim_env_t def;
	fsim_blob_t der = { 0 }, der2 = { 0 }, sig = { 0 };
	EVP_PKEY *k, *back;
	uint8_t *buf;
	size_t i;

	(void)state;
	fsim_env_default(&def);
	for (i = 0; i < N_ALGS; i++) {
		int alg = all_algs[i];

		assert_int_equal(fsim_key_generate(&def, alg, &k), 0);
		assert_int_equal(fsim_key_to_der(k, &der), 0);
		/* PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, ... } */
		assert_int_equal(der.ptr[0], 0x30);
		assert_int_equal(fsim_key_from_der(der.ptr, der.len, &back), 0);
		assert_int_equal(EVP_PKEY_eq(k, back), 1);
		assert_int_equal(fsim_key_to_der(back, &der2), 0);
		assert_true(fsim_blob_eq(&der, der2.ptr, der2.len));
		assert_int_equal(fsim_key_sign(&def, back, alg, msg, sizeof(msg), &sig), 0);
		assert_verifies(k, alg, msg, sizeof(msg), &sig);
		EVP_PKEY_free(back);

		/* trailing byte, truncation, a broken tag: all FORMAT, out untouched */
		assert_non_null(buf = malloc(der.len + 1));
		memcpy(buf, der.ptr, der.len);
		buf[der.len] = 0x00;
		back = (EVP_PKEY *)1;
		assert_int_equal(fsim_key_from_der(buf, der.len + 1, &back), FSIM_ERR_FORMAT);
		assert_null(back);
		assert_int_equal(fsim_key_from_der(buf, der.len - 1, &back), FSIM_ERR_FORMAT);
		assert_int_equal(fsim_key_from_der(buf, 2, &back), FSIM_ERR_FORMAT);
		buf[0] = 0x31;
		assert_int_equal(fsim_key_from_der(buf, der.len, &back), FSIM_ERR_FORMAT);
		assert_null(back);
		free(buf);
		EVP_PKEY_free(k);
	}
	assert_int_equal(fsim_key_from_der(NULL, 3, &back), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_from_der(der.ptr, 0, &back), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_from_der(der.ptr, der.len, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_to_der(NULL, &der), FSIM_ERR_ARG);
	assert_null(der.ptr);
	fsim_blob_reset(&der);
	fsim_blob_reset(&der2);
	fsim_blob_reset(&sig);
}

/* RFC 6979 A.2.5 / A.2.6: one known answer. */
struct kat {
	int alg;
	const char *x, *m, *k, *r, *s;
};

static const struct kat kats[] = {
	/* A.2.5, P-256, SHA-256, message "sample" */
	{ FSIM_COSE_ES256,
	  "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
	  "sample",
	  "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
	  "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
	  "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8" },
	/* A.2.5, P-256, SHA-256, message "test" */
	{ FSIM_COSE_ES256,
	  "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
	  "test",
	  "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
	  "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
	  "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083" },
	/* A.2.6, P-384, SHA-384, message "sample" */
	{ FSIM_COSE_ES384,
	  "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D8"
	  "96D5724E4C70A825F872C9EA60D2EDF5",
	  "sample",
	  "94ED910D1A099DAD3254E9242AE85ABDE4BA15168EAF0CA87A555FD56D10FBCA"
	  "2907E3E83BA95368623B8C4686915CF9",
	  "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C"
	  "81A648152E44ACF96E36DD1E80FABE46",
	  "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94F"
	  "A329C145786E679E7B82C71A38628AC8" },
	/* A.2.6, P-384, SHA-384, message "test" */
	{ FSIM_COSE_ES384,
	  "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D8"
	  "96D5724E4C70A825F872C9EA60D2EDF5",
	  "test",
	  "015EE46A5BF88773ED9123A5AB0807962D193719503C527B031B4C2D225092AD"
	  "A71F4A459BC0DA98ADB95837DB8312EA",
	  "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB"
	  "0542A7F0812998DA8F1DD3CA3CF023DB",
	  "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E0"
	  "6A739F040649A667BF3B828246BAA5A5" },
	/* A.2.7, P-521, SHA-512 (shorter than the order), message "sample" */
	{ FSIM_COSE_ES512,
	  "0FAD06DAA62BA3B25D2FB40133DA757205DE67F5BB0018FEE8C86E1B68C7E75C"
	  "AA896EB32F1F47C70855836A6D16FCC1466F6D8FBEC67DB89EC0C08B0E996B83"
	  "538",
	  "sample", NULL,
	  "0C328FAFCBD79DD77850370C46325D987CB525569FB63C5D3BC53950E6D4C5F1"
	  "74E25A1EE9017B5D450606ADD152B534931D7D4E8455CC91F9B15BF05EC36E37"
	  "7FA",
	  "0617CCE7CF5064806C467F678D3B4080D6F1CC50AF26CA209417308281B68AF2"
	  "82623EAA63E5B5C0723D8B8C37FF0777B1A20F8CCB1DCCC43997F1EE0E44DA4A"
	  "67A" },
};

static void
assert_bn_hex(const BIGNUM *v, const char *hex)
{
	BIGNUM *w = NULL;

	assert_int_equal(BN_hex2bn(&w, hex), (int)strlen(hex));
	assert_int_equal(BN_cmp(v, w), 0);
	BN_free(w);
}

static void
test_rfc6979_kat(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct kat *t = &kats[i];
		const uint8_t *m = (const uint8_t *)t->m, *p;
		size_t mlen = strlen(t->m), n = fsim_ecdsa_info(t->alg)->order_len;
		uint8_t x[66];
		BIGNUM *d = NULL, *k = BN_new();
		EVP_PKEY *key;
		fsim_blob_t sig = { 0 }, sig2 = { 0 };
		ECDSA_SIG *es;
		const BIGNUM *r, *s;

		assert_non_null(k);
		assert_int_equal(BN_hex2bn(&d, t->x), (int)strlen(t->x));
		assert_int_equal(fsim_rfc6979_sign_scalar(t->alg, d, m, mlen, k, &sig), 0);
		/* k where we have it from the RFC; r = x(kG) checks it anyway */
		if (t->k != NULL)
			assert_bn_hex(k, t->k);
		p = sig.ptr;
		assert_non_null(es = d2i_ECDSA_SIG(NULL, &p, (long)sig.len));
		assert_ptr_equal(p, sig.ptr + sig.len);
		ECDSA_SIG_get0(es, &r, &s);
		assert_bn_hex(r, t->r);
		assert_bn_hex(s, t->s);
		ECDSA_SIG_free(es);

		/* the same through the EVP_PKEY API, and it verifies */
		assert_int_equal(BN_bn2binpad(d, x, (int)n), (int)n);
		assert_int_equal(fsim_key_ec_from_scalar(t->alg, x, n, &key), 0);
		assert_int_equal(fsim_ecdsa_sign_rfc6979(key, t->alg, m, mlen, &sig2), 0);
		assert_true(fsim_blob_eq(&sig, sig2.ptr, sig2.len));
		assert_int_equal(fsim_sig_verify(key, t->alg, m, mlen, sig2.ptr, sig2.len,
		    NULL, NULL, NULL), 0);
		assert_int_equal(fsim_sig_verify(key, t->alg, m, mlen - 1, sig2.ptr,
		    sig2.len, NULL, NULL, NULL), FSIM_ERR_SIGNATURE);
		/* a flipped bit in s no longer verifies */
		sig2.ptr[sig2.len - 1] ^= 0x01;
		assert_int_equal(fsim_sig_verify(key, t->alg, m, mlen, sig2.ptr, sig2.len,
		    NULL, NULL, NULL), FSIM_ERR_SIGNATURE);

		EVP_PKEY_free(key);
		fsim_blob_reset(&sig);
		fsim_blob_reset(&sig2);
		BN_free(d);
		BN_free(k);
	}
}

/* P-521 with SHA-512 (hlen 512 < qlen 521): byte-identical repeats that verify. */
static void
test_rfc6979_p521_and_many(void **state)
{
	static const int algs[] = { FSIM_COSE_ES256, FSIM_COSE_ES384, FSIM_COSE_ES512 };
	fsim_env_t def;
	fsim_blob_t a = { 0 }, b = { 0 };
	uint8_t m[64];
	EVP_PKEY *k;
	size_t i, j;

	(void)state;
	fsim_env_default(&def);
	for (i = 0; i < 3; i++) {
		assert_int_equal(fsim_key_generate(&def, algs[i], &k), 0);
		for (j = 0; j < 20; j++) {
			assert_int_equal(fsim_env_random(&def, m, sizeof(m)), 0);
			assert_int_equal(fsim_ecdsa_sign_rfc6979(k, algs[i], m, j * 3, &a), 0);
			assert_int_equal(fsim_ecdsa_sign_rfc6979(k, algs[i], m, j * 3, &b), 0);
			assert_true(fsim_blob_eq(&a, b.ptr, b.len));
			assert_int_equal(fsim_sig_verify(k, algs[i], m, j * 3, a.ptr, a.len,
			    NULL, NULL, NULL), 0);
			/* strict DER (SIG-01) */
			assert_int_equal(fsim_sig_ecdsa_der_check(a.ptr, a.len, k, NULL,
			    NULL), 0);
		}
		EVP_PKEY_free(k);
	}
	assert_int_equal(fsim_ecdsa_sign_rfc6979(NULL, FSIM_COSE_ES256, m, 1, &a),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_ecdsa_sign_rfc6979(NULL, FSIM_COSE_EDDSA, m, 1, &a),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_ecdsa_sign_rfc6979(NULL, FSIM_COSE_ES256, m, 1, NULL),
	    FSIM_ERR_ARG);
	fsim_blob_reset(&a);
	fsim_blob_reset(&b);
}

static void
test_ec_from_scalar_range(void **state)
{
	/* the P-256 order n */
	static const char *n =
	    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";
	uint8_t b[33];
	EVP_PKEY *k = NULL;

	(void)state;
	unhex(n, b, 32);
	assert_int_equal(fsim_key_ec_from_scalar(FSIM_COSE_ES256, b, 32, &k), FSIM_ERR_ARG);
	assert_null(k);
	b[31] -= 1;     /* n - 1 */
	assert_int_equal(fsim_key_ec_from_scalar(FSIM_COSE_ES256, b, 32, &k), 0);
	EVP_PKEY_free(k);
	memset(b, 0, sizeof(b));
	assert_int_equal(fsim_key_ec_from_scalar(FSIM_COSE_ES256, b, 32, &k), FSIM_ERR_ARG);
	b[32] = 1;
	assert_int_equal(fsim_key_ec_from_scalar(FSIM_COSE_ES256, b, 33, &k), FSIM_ERR_ARG);
	assert_int_equal(fsim_key_ec_from_scalar(FSIM_COSE_ES256, b + 32, 1, &k), 0);
	EVP_PKEY_free(k);
	assert_int_equal(fsim_key_ec_from_scalar(FSIM_COSE_EDDSA, b, 1, &k),
	    FSIM_ERR_UNSUPPORTED);
}

/* Seeded RSA-2048: the right size, and different seeds give different moduli. */
static void
test_rsa_seeds(void **state)
{
	fsim_env_t e;
	EVP_PKEY *k, *prev = NULL;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		char seed[16];

		snprintf(seed, sizeof(seed), "rsa%d", i);
		assert_int_equal(fsim_env_seeded(&e, (const uint8_t *)seed, strlen(seed)), 0);
		assert_int_equal(fsim_key_generate(&e, FSIM_COSE_RS256, &k), 0);
		assert_int_equal(EVP_PKEY_get_bits(k), 2048);
		if (prev != NULL)
			assert_int_not_equal(EVP_PKEY_eq(prev, k), 1);
		EVP_PKEY_free(prev);
		prev = k;
		fsim_env_free(&e);
	}
	EVP_PKEY_free(prev);
}

/* OpenSSL's own PKCS#8 of key (what keys_ec.c must write byte for byte). */
static void
ossl_p8(EVP_PKEY *key, fsim_blob_t *out)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key);
	unsigned char *d = NULL;
	int n;

	assert_non_null(p8);
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, &d);
	assert_true(n > 0);
	assert_int_equal(fsim_blob_set(out, d, (size_t)n), 0);
	OPENSSL_free(d);
	PKCS8_PRIV_KEY_INFO_free(p8);
}

/*
 * Where d lies in an EC PKCS#8 of len bytes: before the point come its
 * BIT STRING's unused-bits byte and the [1] and BIT STRING headers (two
 * bytes each, three for P-521's longer lengths).
 */
static size_t
d_at(size_t len, size_t dlen)
{
	return len - (1 + 2 * dlen) - (dlen == 66 ? 7 : 5) - dlen;
}

/*
 * EC keys in PKCS#8 without OpenSSL's encoders: the same bytes as OpenSSL
 * writes, read back to the same key; any other form (a changed byte, a
 * scalar 0 or >= n) is left to OpenSSL (FSIM_ERR_UNSUPPORTED).
 */
static void
test_ec_p8_by_hand(void **state)
{
	static const int algs[] = { FSIM_COSE_ES256, FSIM_COSE_ES384, FSIM_COSE_ES512 };
	static const size_t dlen[] = { 32, 48, 66 };
	fsim_env_t env;
	size_t a, i, at;
	int k;

	(void)state;
	fsim_env_default(&env);
	for (a = 0; a < 3; a++) {
		for (k = 0; k < 8; k++) {
			fsim_blob_t mine = { 0 }, theirs = { 0 }, bad = { 0 };
			EVP_PKEY *key = NULL, *back = NULL;

			assert_int_equal(fsim_key_generate(&env, algs[a], &key), 0);
			assert_int_equal(fsim_key_to_der(key, &mine), 0);
			ossl_p8(key, &theirs);
			assert_int_equal(mine.len, theirs.len);
			assert_memory_equal(mine.ptr, theirs.ptr, mine.len);
			assert_int_equal(fsim_key_ec_from_der(mine.ptr, mine.len, &back), 0);
			assert_int_equal(EVP_PKEY_eq(key, back), 1);
			EVP_PKEY_free(back);
			back = NULL;
			/* a changed structural byte anywhere outside d and the point */
			for (i = 0; i < mine.len; i++) {
				/* d and the point are values, not structure: skip them */
				at = mine.len - (1 + 2 * dlen[a]);
				if (i >= at || (i >= d_at(mine.len, dlen[a]) &&
				    i < d_at(mine.len, dlen[a]) + dlen[a]))
					continue;
				assert_int_equal(fsim_blob_set(&bad, mine.ptr, mine.len), 0);
				bad.ptr[i] ^= 0x01;
				assert_int_equal(fsim_key_ec_from_der(bad.ptr, bad.len, &back),
				    FSIM_ERR_UNSUPPORTED);
				assert_null(back);
			}
			/* one byte short, one byte more */
			assert_int_equal(fsim_key_ec_from_der(mine.ptr, mine.len - 1, &back),
			    FSIM_ERR_UNSUPPORTED);
			fsim_blob_reset(&bad);
			assert_int_equal(fsim_blob_set(&bad, mine.ptr, mine.len), 0);
			assert_int_equal(fsim_blob_append(&bad, (const uint8_t *)"", 1), 0);
			assert_int_equal(fsim_key_ec_from_der(bad.ptr, bad.len, &back),
			    FSIM_ERR_UNSUPPORTED);
			/* d = 0, d = all ones (>= n): not ours to judge */
			at = d_at(mine.len, dlen[a]);
			memset(bad.ptr + at, 0, dlen[a]);
			bad.len = mine.len;
			assert_int_equal(fsim_key_ec_from_der(bad.ptr, bad.len, &back),
			    FSIM_ERR_UNSUPPORTED);
			memset(bad.ptr + at, 0xff, dlen[a]);
			assert_int_equal(fsim_key_ec_from_der(bad.ptr, bad.len, &back),
			    FSIM_ERR_UNSUPPORTED);
			/* and the whole read still takes what OpenSSL takes */
			assert_int_equal(fsim_key_from_der(theirs.ptr, theirs.len, &back), 0);
			assert_int_equal(EVP_PKEY_eq(key, back), 1);
			EVP_PKEY_free(back);
			EVP_PKEY_free(key);
			fsim_blob_reset(&mine);
			fsim_blob_reset(&theirs);
			fsim_blob_reset(&bad);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_sign_all),
		cmocka_unit_test(test_seeded_keys_repeat),
		cmocka_unit_test(test_sign_determinism),
		cmocka_unit_test(test_sign_errors),
		cmocka_unit_test(test_random_failure),
		cmocka_unit_test(test_der_roundtrip),
		cmocka_unit_test(test_ec_p8_by_hand),
		cmocka_unit_test(test_rfc6979_kat),
		cmocka_unit_test(test_rfc6979_p521_and_many),
		cmocka_unit_test(test_ec_from_scalar_range),
		cmocka_unit_test(test_rsa_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
