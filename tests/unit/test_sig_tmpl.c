/*
 * test_sig_tmpl.c — the per-key cache of ready signature contexts
 * (core/sig_tmpl.c): a signature or verification from a cached context
 * gives the same verdicts as a fresh one, keys are told apart, more keys
 * than the cache holds still work, and a key freed by its owner stays
 * usable for as long as the cache holds it (ASan / valgrind would see a use
 * after free).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/ec.h>

#include "core/cose.h"
#include "core/sig.h"
#include "core/sig_tmpl.h"

static const uint8_t msg[] = "authenticatorData || clientDataHash stand-in";

/* A first call fills the cache, later ones copy: every signature verifies. */
static void
test_repeat_sign_verify(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	fsim_blob_t sig = { 0 };
	int i;

	(void)state;
	assert_non_null(k);
	for (i = 0; i < 4; i++) {
		assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &sig), 0);
		assert_int_equal(fsim_sig_verify(k, FSIM_COSE_ES256, msg, sizeof(msg),
		    sig.ptr, sig.len, NULL, NULL, NULL), 0);
		/* a changed message does not verify with the cached context either */
		assert_int_not_equal(fsim_sig_verify(k, FSIM_COSE_ES256, msg, sizeof(msg) - 1,
		    sig.ptr, sig.len, NULL, NULL, NULL), 0);
	}
	fsim_blob_reset(&sig);
	EVP_PKEY_free(k);
}

/* Two keys in the cache: a signature of one never verifies under the other. */
static void
test_keys_apart(void **state)
{
	EVP_PKEY *a = EVP_EC_gen("P-256"), *b = EVP_EC_gen("P-256");
	fsim_blob_t sa = { 0 }, sb = { 0 };
	int i;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < 3; i++) {
		assert_int_equal(fsim_sig_sign(a, FSIM_COSE_ES256, msg, sizeof(msg), &sa), 0);
		assert_int_equal(fsim_sig_sign(b, FSIM_COSE_ES256, msg, sizeof(msg), &sb), 0);
		assert_int_equal(fsim_sig_verify(a, FSIM_COSE_ES256, msg, sizeof(msg),
		    sa.ptr, sa.len, NULL, NULL, NULL), 0);
		assert_int_not_equal(fsim_sig_verify(a, FSIM_COSE_ES256, msg, sizeof(msg),
		    sb.ptr, sb.len, NULL, NULL, NULL), 0);
		assert_int_not_equal(fsim_sig_verify(b, FSIM_COSE_ES256, msg, sizeof(msg),
		    sa.ptr, sa.len, NULL, NULL, NULL), 0);
	}
	fsim_blob_reset(&sa);
	fsim_blob_reset(&sb);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

/* More keys than entries, each freed by its owner right after use. */
static void
test_eviction_and_owner_free(void **state)
{
	EVP_PKEY *keep = EVP_EC_gen("P-384"), *k;
	fsim_blob_t sig = { 0 };
	int i;

	(void)state;
	assert_non_null(keep);
	assert_int_equal(fsim_sig_sign(keep, FSIM_COSE_ES384, msg, sizeof(msg), &sig), 0);
	for (i = 0; i < 40; i++) {
		fsim_blob_t s = { 0 };

		assert_non_null(k = EVP_EC_gen("P-256"));
		assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
		EVP_PKEY_free(k);
		fsim_blob_reset(&s);
	}
	/* the first key was pushed out long ago: a fresh context, same verdict */
	assert_int_equal(fsim_sig_verify(keep, FSIM_COSE_ES384, msg, sizeof(msg),
	    sig.ptr, sig.len, NULL, NULL, NULL), 0);
	fsim_blob_reset(&sig);
	EVP_PKEY_free(keep);
}

/* Only ECDSA is kept: an Ed25519 or unknown-alg request is left to the caller. */
static void
test_not_cacheable(void **state)
{
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), *ec = EVP_EC_gen("P-256");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	(void)state;
	assert_non_null(ed);
	assert_non_null(ec);
	assert_non_null(ctx);
	assert_false(fsim_sig_tmpl_get(ctx, ed, FSIM_COSE_EDDSA, true));
	assert_false(fsim_sig_tmpl_get(ctx, NULL, FSIM_COSE_ES256, true));
	/* an EC key never seen: nothing cached yet */
	assert_false(fsim_sig_tmpl_get(ctx, ec, FSIM_COSE_ES256, false));
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec);
}

/* forget drops the key's contexts: the next use initialises a context again. */
static void
test_forget(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	fsim_blob_t sig = { 0 };

	(void)state;
	assert_non_null(k);
	assert_non_null(ctx);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &sig), 0);
	assert_true(fsim_sig_tmpl_get(ctx, k, FSIM_COSE_ES256, true));
	assert_int_equal(EVP_MD_CTX_reset(ctx), 1);
	fsim_sig_tmpl_forget(k);
	assert_false(fsim_sig_tmpl_get(ctx, k, FSIM_COSE_ES256, true));
	assert_false(fsim_sig_tmpl_get(ctx, k, FSIM_COSE_ES256, false));
	/* and it still signs (a fresh context, cached again) */
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &sig), 0);
	assert_int_equal(fsim_sig_verify(k, FSIM_COSE_ES256, msg, sizeof(msg),
	    sig.ptr, sig.len, NULL, NULL, NULL), 0);
	fsim_sig_tmpl_forget(k);
	fsim_blob_reset(&sig);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeat_sign_verify),
		cmocka_unit_test(test_keys_apart),
		cmocka_unit_test(test_eviction_and_owner_free),
		cmocka_unit_test(test_not_cacheable),
		cmocka_unit_test(test_forget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
