/*
 * test_p256_table.c — ES256 verification with a per-key table
 * (core/p256_table.c) decides exactly as OpenSSL does:
 *   - the inverse modulo n equals BN_mod_inverse on 20,000 random values
 *     and on the edges (1, 2, n-1, n-2), and refuses 0 and n;
 *   - on every Wycheproof ecdsa_secp256r1_sha256 vector whose DER passes
 *     SIG-01 (each group's key given a table of its own), the table's answer
 *     is Wycheproof's, including "k*G has a large x-coordinate" (x(R) = r + n);
 *   - on random keys, its answer equals EVP_DigestVerify's for valid
 *     signatures, high-S twins, another message, another key, and r or s
 *     changed;
 *   - a key is answered here only from its table: before the threshold, for
 *     a non-P-256 key, a private key object, another object of the same key,
 *     and past the table limit it is OpenSSL's (-1);
 *   - fsim_sig_verify with a table accepts what it accepted without one and
 *     still refuses (with OpenSSL's diagnostics) what it refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "core/cose.h"
#include "core/p256_table.h"
#include "core/sig.h"

#define WYCHEPROOF FSIM_SRCDATA "/../vectors/wycheproof/ecdsa_secp256r1_sha256_test.json"

static const char *n_hex =
    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

static void
inverse_is_bn(const BIGNUM *a, const BIGNUM *n, BN_CTX *ctx)
{
	uint8_t ab[32], ours[32], theirs[32];
	BIGNUM *w = BN_new();

	assert_non_null(w);
	assert_int_equal(BN_bn2binpad(a, ab, 32), 32);
	assert_int_equal(fsim_p256_inv_mod_n(ab, ours), 0);
	assert_non_null(BN_mod_inverse(w, a, n, ctx));
	assert_int_equal(BN_bn2binpad(w, theirs, 32), 32);
	assert_memory_equal(ours, theirs, 32);
	BN_free(w);
}

static void
test_inverse(void **state)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *n = NULL, *a = BN_new();
	uint8_t b[32], out[32];
	int i;

	(void)state;
	assert_non_null(ctx);
	assert_non_null(a);
	assert_true(BN_hex2bn(&n, n_hex) > 0);
	for (i = 0; i < 20000; i++) {
		assert_int_equal(BN_rand_range(a, n), 1);
		if (BN_is_zero(a))
			continue;
		inverse_is_bn(a, n, ctx);
	}
	assert_int_equal(BN_set_word(a, 1), 1);
	inverse_is_bn(a, n, ctx);
	assert_int_equal(BN_set_word(a, 2), 1);
	inverse_is_bn(a, n, ctx);
	assert_non_null(BN_copy(a, n));
	assert_int_equal(BN_sub_word(a, 1), 1);
	inverse_is_bn(a, n, ctx);
	assert_int_equal(BN_sub_word(a, 1), 1);
	inverse_is_bn(a, n, ctx);
	/* 0 and n itself have no inverse */
	memset(b, 0, sizeof(b));
	assert_int_equal(fsim_p256_inv_mod_n(b, out), -1);
	assert_int_equal(BN_bn2binpad(n, b, 32), 32);
	assert_int_equal(fsim_p256_inv_mod_n(b, out), -1);
	memset(b, 0xff, sizeof(b));
	assert_int_equal(fsim_p256_inv_mod_n(b, out), -1);
	BN_free(a);
	BN_free(n);
	BN_CTX_free(ctx);
}

static uint8_t *
unhex(const char *h, size_t *len)
{
	size_t n = strlen(h) / 2, i;
	uint8_t *b = malloc(n + 1);

	assert_non_null(b);
	for (i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
	*len = n;
	return b;
}

/* Every Wycheproof P-256 vector through the table of its group's key. */
static void
test_wycheproof(void **state)
{
	json_t *root = json_load_file(WYCHEPROOF, 0, NULL), *groups;
	size_t gi, ti, checked = 0, valid = 0, large_x = 0;

	(void)state;
	assert_non_null(root);
	groups = json_object_get(root, "testGroups");
	fsim_p256_table_after(1);
	for (gi = 0; gi < json_array_size(groups); gi++) {
		const json_t *g = json_array_get(groups, gi), *tests = json_object_get(g, "tests");
		fsim_cose_key_t *key = NULL;
		uint8_t *der;
		size_t dlen;

		der = unhex(json_string_value(json_object_get(g, "publicKeyDer")), &dlen);
		assert_int_equal(fsim_cose_key_from_spki(der, dlen, FSIM_COSE_ES256, &key), 0);
		free(der);
		fsim_p256_table_reset();   /* a table for this group's key */
		for (ti = 0; ti < json_array_size(tests); ti++) {
			const json_t *tc = json_array_get(tests, ti);
			const char *res = json_string_value(json_object_get(tc, "result"));
			const char *comment = json_string_value(json_object_get(tc, "comment"));
			uint8_t *msg, *sig;
			size_t mlen, slen;
			int got;

			msg = unhex(json_string_value(json_object_get(tc, "msg")), &mlen);
			sig = unhex(json_string_value(json_object_get(tc, "sig")), &slen);
			/* the table sees only what passed SIG-01, as in fsim_sig_verify */
			if (fsim_sig_ecdsa_der_check(sig, slen, fsim_cose_key_pkey(key), NULL,
			    "signature") == 0) {
				got = fsim_p256_table_verify(fsim_cose_key_pkey(key), msg, mlen, sig, slen);
				if (got != (strcmp(res, "valid") == 0 ? 1 : 0))
					fail_msg("tcId %lld (%s): Wycheproof says %s, the table %d",
					    (long long)json_integer_value(json_object_get(tc, "tcId")),
					    comment, res, got);
				checked++;
				valid += got == 1;
				large_x += strstr(comment, "large x-coordinate") != NULL;
			}
			free(msg);
			free(sig);
		}
		fsim_cose_key_free(&key);
	}
	json_decref(root);
	fsim_p256_table_after(0);
	fsim_p256_table_reset();
	print_message("# %zu vectors through a table, %zu valid, %zu with a large x\n",
	    checked, valid, large_x);
	/* the file's 484 vectors: 197 pass SIG-01, and of them every valid one is accepted */
	assert_int_equal(checked, 197);
	assert_int_equal(valid, 174);
	assert_true(large_x >= 1);
}

/* A public-only object of k's key, as an RP holds one (tables are never made for private keys). */
static EVP_PKEY *
pub_of(EVP_PKEY *k)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_PUBKEY(k, &der);
	EVP_PKEY *pub;

	assert_true(n > 0);
	p = der;
	pub = d2i_PUBKEY(NULL, &p, n);
	assert_non_null(pub);
	OPENSSL_free(der);
	return pub;
}

/* The table's answer and OpenSSL's, over the same digest and signature. */
static void
same_answer(EVP_PKEY *k, const uint8_t *msg, size_t mlen, const uint8_t *sig, size_t slen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ossl, ours;

	assert_non_null(c);
	assert_int_equal(EVP_DigestVerifyInit(c, NULL, EVP_sha256(), NULL, k), 1);
	ossl = EVP_DigestVerify(c, sig, slen, msg, mlen) == 1;
	EVP_MD_CTX_free(c);
	if (fsim_sig_ecdsa_der_check(sig, slen, k, NULL, "signature") != 0) {
		assert_false(ossl);
		return;
	}
	ours = fsim_p256_table_verify(k, msg, mlen, sig, slen);
	assert_int_not_equal(ours, -1);
	assert_int_equal(ours, ossl);
}

/* DER of (r, s) */
static size_t
der_of(const BIGNUM *r, const BIGNUM *s, uint8_t *out)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	unsigned char *p = out;
	int n;

	assert_non_null(es);
	assert_int_equal(ECDSA_SIG_set0(es, BN_dup(r), BN_dup(s)), 1);
	n = i2d_ECDSA_SIG(es, &p);
	assert_true(n > 0);
	ECDSA_SIG_free(es);
	return (size_t)n;
}

static void
test_random(void **state)
{
	BIGNUM *n = NULL;
	int ki, i;

	(void)state;
	assert_true(BN_hex2bn(&n, n_hex) > 0);
	fsim_p256_table_reset();
	fsim_p256_table_after(1);
	for (ki = 0; ki < 4; ki++) {
		EVP_PKEY *priv = EVP_EC_gen("P-256"), *opriv = EVP_EC_gen("P-256"), *k, *other;

		assert_non_null(priv);
		assert_non_null(opriv);
		k = pub_of(priv);
		other = pub_of(opriv);
		for (i = 0; i < 50; i++) {
			uint8_t msg[64], msg2[64], sigb[80];
			fsim_blob_t sig = { 0 };
			const unsigned char *p;
			ECDSA_SIG *es;
			const BIGNUM *r, *s;
			BIGNUM *t = BN_new();
			size_t l;

			assert_non_null(t);
			assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
			memcpy(msg2, msg, sizeof(msg));
			msg2[i % 64] ^= 0x40;
			assert_int_equal(fsim_sig_sign(priv, FSIM_COSE_ES256, msg, sizeof(msg), &sig), 0);
			same_answer(k, msg, sizeof(msg), sig.ptr, sig.len);      /* valid */
			same_answer(k, msg2, sizeof(msg2), sig.ptr, sig.len);    /* another message */
			same_answer(other, msg, sizeof(msg), sig.ptr, sig.len);  /* another key */
			p = sig.ptr;
			assert_non_null(es = d2i_ECDSA_SIG(NULL, &p, (long)sig.len));
			ECDSA_SIG_get0(es, &r, &s);
			/* the high-S twin (n - s) is just as valid */
			assert_int_equal(BN_sub(t, n, s), 1);
			l = der_of(r, t, sigb);
			same_answer(k, msg, sizeof(msg), sigb, l);
			/* r + 1, s + 1: not valid */
			assert_non_null(BN_copy(t, r));
			assert_int_equal(BN_add_word(t, 1), 1);
			if (BN_cmp(t, n) < 0) {
				l = der_of(t, s, sigb);
				same_answer(k, msg, sizeof(msg), sigb, l);
			}
			assert_non_null(BN_copy(t, s));
			assert_int_equal(BN_add_word(t, 1), 1);
			if (BN_cmp(t, n) < 0) {
				l = der_of(r, t, sigb);
				same_answer(k, msg, sizeof(msg), sigb, l);
			}
			ECDSA_SIG_free(es);
			BN_free(t);
			fsim_blob_reset(&sig);
		}
		EVP_PKEY_free(k);
		EVP_PKEY_free(other);
		EVP_PKEY_free(priv);
		EVP_PKEY_free(opriv);
	}
	fsim_p256_table_after(0);
	fsim_p256_table_reset();
	BN_free(n);
}

/*
 * Before the threshold, for other curves, for a private key object, for
 * another object of the same key and past the table limit: OpenSSL's to
 * answer (-1).
 */
static void
test_not_answered(void **state)
{
	EVP_PKEY *priv = EVP_EC_gen("P-256"), *k384 = EVP_EC_gen("P-384"), *k, *k2;
	EVP_PKEY *many[FSIM_P256_TABLE_MAX + 1];
	uint8_t msg[] = "m";
	fsim_blob_t sig = { 0 }, sig384 = { 0 };
	size_t nt, i;
	unsigned long na;
	int j;

	(void)state;
	assert_non_null(priv);
	assert_non_null(k384);
	k = pub_of(priv);
	k2 = pub_of(priv);
	fsim_p256_table_reset();
	fsim_p256_table_after(3);
	assert_int_equal(fsim_sig_sign(priv, FSIM_COSE_ES256, msg, sizeof(msg), &sig), 0);
	assert_int_equal(fsim_p256_table_verify(k, msg, sizeof(msg), sig.ptr, sig.len), -1);
	assert_int_equal(fsim_p256_table_verify(k, msg, sizeof(msg), sig.ptr, sig.len), -1);
	assert_int_equal(fsim_p256_table_verify(k, msg, sizeof(msg), sig.ptr, sig.len), 1);   /* the third */
	fsim_p256_table_stats(&nt, &na);
	assert_int_equal(nt, 1);
	assert_int_equal(na, 1);
	/* another object of the same key is counted on its own */
	assert_int_equal(fsim_p256_table_verify(k2, msg, sizeof(msg), sig.ptr, sig.len), -1);
	/* the private key object itself: counted, never given a table */
	for (j = 0; j < 6; j++)
		assert_int_equal(fsim_p256_table_verify(priv, msg, sizeof(msg), sig.ptr, sig.len), -1);
	fsim_p256_table_stats(&nt, &na);
	assert_int_equal(nt, 1);
	assert_int_equal(fsim_sig_sign(k384, FSIM_COSE_ES384, msg, sizeof(msg), &sig384), 0);
	for (j = 0; j < 4; j++)
		assert_int_equal(fsim_p256_table_verify(k384, msg, sizeof(msg), sig384.ptr, sig384.len), -1);
	/* the table limit: the (MAX + 1)-th key is OpenSSL's */
	fsim_p256_table_reset();
	fsim_p256_table_after(1);
	for (i = 0; i <= FSIM_P256_TABLE_MAX; i++) {
		fsim_blob_t s = { 0 };
		EVP_PKEY *p = EVP_EC_gen("P-256");

		assert_non_null(p);
		many[i] = pub_of(p);
		assert_int_equal(fsim_sig_sign(p, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
		assert_int_equal(fsim_p256_table_verify(many[i], msg, sizeof(msg), s.ptr, s.len),
		    i < FSIM_P256_TABLE_MAX ? 1 : -1);
		fsim_blob_reset(&s);
		EVP_PKEY_free(p);
	}
	fsim_p256_table_stats(&nt, &na);
	assert_int_equal(nt, FSIM_P256_TABLE_MAX);
	/* the tables hold their key objects: freed by their owners, they still answer */
	for (i = 0; i <= FSIM_P256_TABLE_MAX; i++)
		EVP_PKEY_free(many[i]);
	fsim_p256_table_after(0);
	fsim_p256_table_reset();
	fsim_blob_reset(&sig);
	fsim_blob_reset(&sig384);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(k384);
}

/* Through fsim_sig_verify: a table accepts what OpenSSL accepts; refusals keep OpenSSL's diagnostics. */
static void
test_through_sig_verify(void **state)
{
	EVP_PKEY *priv = EVP_EC_gen("P-256"), *k;
	uint8_t msg[] = "authenticatorData || clientDataHash", bad[sizeof(msg)];
	fsim_blob_t sig = { 0 };
	fsim_diags_t d;
	size_t nt;
	unsigned long na;
	int i;

	(void)state;
	assert_non_null(priv);
	k = pub_of(priv);
	memcpy(bad, msg, sizeof(msg));
	bad[0] ^= 1;
	fsim_p256_table_reset();
	fsim_p256_table_after(2);
	assert_int_equal(fsim_sig_sign(priv, FSIM_COSE_ES256, msg, sizeof(msg), &sig), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(fsim_sig_verify(k, FSIM_COSE_ES256, msg, sizeof(msg), sig.ptr,
		    sig.len, NULL, NULL, NULL), 0);
		fsim_diags_init(&d);
		assert_int_equal(fsim_sig_verify(k, FSIM_COSE_ES256, bad, sizeof(bad), sig.ptr,
		    sig.len, &d, "AUTH-20", NULL), FSIM_ERR_SIGNATURE);
		assert_true(d.n >= 1);
		assert_string_equal(d.v[0].rule, "AUTH-20");
		fsim_diags_clear(&d);
	}
	fsim_p256_table_stats(&nt, &na);
	assert_int_equal(nt, 1);
	assert_true(na >= 4);
	fsim_p256_table_after(0);
	fsim_p256_table_reset();
	fsim_blob_reset(&sig);
	EVP_PKEY_free(k);
	EVP_PKEY_free(priv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inverse),
		cmocka_unit_test(test_wycheproof),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_not_answered),
		cmocka_unit_test(test_through_sig_verify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
