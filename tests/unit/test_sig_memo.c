/*
 * test_sig_memo.c — judge once (core/sig_memo.c): inside a scope a valid
 * signature is verified once and later calls with the same key object, alg,
 * message and signature are answered from the memo; anything that differs
 * in one byte, or the same key in another object, is verified again,
 * failures are verified (and reported) every time, the form checks still
 * run, and nothing is remembered outside a scope or after it ends. EC public
 * keys imported in a scope come back as the same object; a bad point is
 * refused every time.
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
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "core/cose.h"
#include "core/ossl_cache.h"
#include "core/sig.h"
#include "core/sig_memo.h"

static const uint8_t msg[] = "authenticatorData || clientDataHash stand-in";

static int
verify(EVP_PKEY *k, int alg, const uint8_t *m, size_t mlen, const fsim_blob_t *s,
    fsim_diags_t *d)
{
	return fsim_sig_verify(k, alg, m, mlen, s->ptr, s->len, d, "AUTH-20", NULL);
}

/* The second verification of the same valid signature is a hit; its answer is the same. */
static void
test_valid_once(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	fsim_blob_t s = { 0 };
	fsim_sig_memo_t memo;
	int i;

	(void)state;
	assert_non_null(k);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	fsim_sig_memo_begin(&memo);
	for (i = 0; i < 5; i++)
		assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 4);
	assert_int_equal(memo.n, 1);
	fsim_sig_memo_end(&memo);
	fsim_blob_reset(&s);
	EVP_PKEY_free(k);
}

/*
 * After a valid signature is remembered, one changed byte of the message or
 * of the signature, or another key, is verified for real and fails with its
 * diagnostic, every time.
 */
static void
test_changed_input_fails(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256"), *other = EVP_EC_gen("P-256");
	uint8_t m2[sizeof(msg)];
	fsim_blob_t s = { 0 };
	fsim_sig_memo_t memo;
	fsim_diags_t d;
	int i;

	(void)state;
	assert_non_null(k);
	assert_non_null(other);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	memcpy(m2, msg, sizeof(msg));
	m2[3] ^= 1;
	fsim_diags_init(&d);
	fsim_sig_memo_begin(&memo);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(verify(k, FSIM_COSE_ES256, m2, sizeof(m2), &s, &d),
		    FSIM_ERR_SIGNATURE);
		assert_int_equal(verify(other, FSIM_COSE_ES256, msg, sizeof(msg), &s, &d),
		    FSIM_ERR_SIGNATURE);
	}
	assert_true(d.n >= 4);
	assert_string_equal(d.v[0].rule, "AUTH-20");
	/* the last byte of the signature's s changed: still DER, no longer valid */
	s.ptr[s.len - 1] ^= 1;
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL),
	    FSIM_ERR_SIGNATURE);
	s.ptr[s.len - 1] ^= 1;
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 1);
	fsim_sig_memo_end(&memo);
	fsim_diags_clear(&d);
	fsim_blob_reset(&s);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

/* The form check runs before the memo: a remembered signature sent in a non-minimal DER form fails SIG-01. */
static void
test_form_check_still_runs(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	fsim_blob_t s = { 0 }, bad = { 0 };
	fsim_sig_memo_t memo;
	fsim_diags_t d;

	(void)state;
	assert_non_null(k);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	/* the same signature with a trailing byte */
	assert_int_equal(fsim_blob_set(&bad, s.ptr, s.len), 0);
	assert_int_equal(fsim_blob_append(&bad, (const uint8_t *)"\0", 1), 0);
	fsim_diags_init(&d);
	fsim_sig_memo_begin(&memo);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &bad, &d),
	    FSIM_ERR_SIGNATURE);
	assert_true(d.n >= 1);
	assert_string_equal(d.v[0].rule, "SIG-01");
	/* and the key must still fit the alg */
	assert_int_not_equal(verify(k, FSIM_COSE_ES384, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 0);
	fsim_sig_memo_end(&memo);
	fsim_diags_clear(&d);
	fsim_blob_reset(&bad);
	fsim_blob_reset(&s);
	EVP_PKEY_free(k);
}

/* Outside a scope and after it nothing is remembered; RSA signatures are, by their key object. */
static void
test_no_scope_rsa(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256"), *rsa = EVP_RSA_gen(2048);
	fsim_blob_t s = { 0 }, rs = { 0 };
	fsim_sig_memo_t memo;
	uint8_t key[32] = { 0 };

	(void)state;
	assert_non_null(k);
	assert_non_null(rsa);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	assert_int_equal(fsim_sig_sign(rsa, FSIM_COSE_RS256, msg, sizeof(msg), &rs), 0);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_false(fsim_sig_memo_key(1, FSIM_COSE_ES256, msg, sizeof(msg), s.ptr, s.len, key));
	fsim_sig_memo_begin(&memo);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 0);  /* the call before the scope left nothing */
	assert_int_equal(verify(rsa, FSIM_COSE_RS256, msg, sizeof(msg), &rs, NULL), 0);
	assert_int_equal(verify(rsa, FSIM_COSE_RS256, msg, sizeof(msg), &rs, NULL), 0);
	assert_int_equal(memo.hits, 1);
	assert_int_equal(memo.n, 2);
	fsim_sig_memo_end(&memo);
	assert_false(fsim_sig_memo_seen(k, key));
	fsim_blob_reset(&s);
	fsim_blob_reset(&rs);
	EVP_PKEY_free(k);
	EVP_PKEY_free(rsa);
}

/*
 * The same public key in two objects: the second is verified for real (and
 * still verifies). Imported through fsim_ec_public_key inside a scope, the
 * two imports are one object, so the second verification is a hit. The memo
 * keeps the objects alive: freed by their owners, they are still its.
 */
static void
test_key_objects(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256"), *a = NULL, *b = NULL, *c = NULL;
	uint8_t pt[65], bad[65];
	size_t plen = 0;
	fsim_blob_t s = { 0 };
	fsim_sig_memo_t memo;

	(void)state;
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_octet_string_param(k, "encoded-pub-key", pt, sizeof(pt),
	    &plen), 1);
	assert_int_equal(plen, 65);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	/* outside a scope: two imports, two objects */
	assert_int_equal(fsim_ec_public_key(1, pt, plen, &a), 0);
	assert_int_equal(fsim_ec_public_key(1, pt, plen, &b), 0);
	assert_ptr_not_equal(a, b);
	fsim_sig_memo_begin(&memo);
	assert_int_equal(verify(a, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(verify(b, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 0);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	a = b = NULL;
	/* inside: one object */
	assert_int_equal(fsim_ec_public_key(1, pt, plen, &a), 0);
	assert_int_equal(fsim_ec_public_key(1, pt, plen, &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(memo.key_hits, 1);
	assert_int_equal(verify(a, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	EVP_PKEY_free(a);
	assert_int_equal(verify(b, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 1);
	EVP_PKEY_free(b);
	/* another curve for the same bytes is another key (here: none) */
	assert_int_not_equal(fsim_ec_public_key(2, pt, plen, &c), 0);
	assert_null(c);
	/* a point off the curve is refused each time, never remembered */
	memcpy(bad, pt, sizeof(bad));
	bad[64] ^= 1;
	assert_int_equal(fsim_ec_public_key(1, bad, sizeof(bad), &c), FSIM_ERR_COSE);
	assert_int_equal(fsim_ec_public_key(1, bad, sizeof(bad), &c), FSIM_ERR_COSE);
	assert_null(c);
	assert_int_equal(memo.key_hits, 1);
	fsim_sig_memo_end(&memo);
	fsim_blob_reset(&s);
	EVP_PKEY_free(k);
}

/* Scopes nest; more signatures than slots still verify (the oldest is forgotten). */
static void
test_nesting_and_overflow(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	fsim_blob_t s[FSIM_SIG_MEMO_SLOTS + 2];
	uint8_t m[FSIM_SIG_MEMO_SLOTS + 2][8];
	fsim_sig_memo_t outer, inner;
	size_t i;

	(void)state;
	assert_non_null(k);
	memset(s, 0, sizeof(s));
	for (i = 0; i < FSIM_SIG_MEMO_SLOTS + 2; i++) {
		memset(m[i], (int)i, sizeof(m[i]));
		assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, m[i], 8, &s[i]), 0);
	}
	fsim_sig_memo_begin(&outer);
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[0], 8, &s[0], NULL), 0);
	fsim_sig_memo_begin(&inner);
	/* the inner scope finds what the outer one remembers */
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[0], 8, &s[0], NULL), 0);
	assert_int_equal(inner.hits, 1);
	assert_int_equal(inner.n, 0);
	assert_int_equal(outer.hits, 0);
	for (i = 0; i < FSIM_SIG_MEMO_SLOTS + 2; i++)
		assert_int_equal(verify(k, FSIM_COSE_ES256, m[i], 8, &s[i], NULL), 0);
	/* s[0] from the outer scope again; s[1..17] new, into 16 slots */
	assert_int_equal(inner.hits, 2);
	assert_int_equal(inner.n, FSIM_SIG_MEMO_SLOTS);
	/* m[1] was overwritten by the last one; m[2] is still there */
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[2], 8, &s[2], NULL), 0);
	assert_int_equal(inner.hits, 3);
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[1], 8, &s[1], NULL), 0);
	assert_int_equal(inner.hits, 3);
	fsim_sig_memo_end(&inner);
	/* what only the inner scope knew is gone with it */
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[0], 8, &s[0], NULL), 0);
	assert_int_equal(outer.hits, 1);
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[2], 8, &s[2], NULL), 0);
	assert_int_equal(outer.hits, 1);
	fsim_sig_memo_end(&outer);
	for (i = 0; i < FSIM_SIG_MEMO_SLOTS + 2; i++)
		fsim_blob_reset(&s[i]);
	EVP_PKEY_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_once),
		cmocka_unit_test(test_changed_input_fails),
		cmocka_unit_test(test_form_check_still_runs),
		cmocka_unit_test(test_no_scope_rsa),
		cmocka_unit_test(test_key_objects),
		cmocka_unit_test(test_nesting_and_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
