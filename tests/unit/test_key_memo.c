/*
 * test_key_memo.c — the keys seeded environments generated
 * (authenticator/key_memo.c): a second environment with the same seed gets
 * the same key from memory and its key stream goes on exactly where
 * generating it would have left it, for EC, EdDSA and RSA; another
 * algorithm or another seed is another key; an environment that is not
 * seeded is never remembered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authenticator/env.h"
#include "authenticator/key_memo.h"
#include "authenticator/keys.h"
#include "core/cose.h"

/* A key for alg from a fresh environment seeded with seed, and the stream's next 32 bytes. */
static EVP_PKEY *
seeded_key(const char *seed, int alg, uint8_t next[32])
{
	fsim_env_t env;
	EVP_PKEY *k = NULL;

	assert_int_equal(fsim_env_seeded(&env, (const uint8_t *)seed, strlen(seed)), 0);
	assert_int_equal(fsim_key_generate(&env, alg, &k), 0);
	assert_non_null(k);
	assert_int_equal(fsim_env_random(&env, next, 32), 0);
	fsim_env_free(&env);
	return k;
}

static void
test_same_seed(void **state)
{
	static const int algs[] = { FSIM_COSE_ES256, FSIM_COSE_EDDSA, FSIM_COSE_RS256 };
	unsigned long h0, p0, h1, p1;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		uint8_t na[32], nb[32], nc[32];
		EVP_PKEY *a, *b, *c;

		fsim_key_memo_counts(&h0, &p0);
		a = seeded_key("key memo seed", algs[i], na);
		b = seeded_key("key memo seed", algs[i], nb);
		fsim_key_memo_counts(&h1, &p1);
		assert_int_equal(h1, h0 + 1);
		assert_int_equal(p1, p0 + 1);
		assert_int_equal(EVP_PKEY_eq(a, b), 1);
		assert_memory_equal(na, nb, sizeof(na));
		/* another seed: another key, made */
		c = seeded_key("another seed", algs[i], nc);
		assert_int_not_equal(EVP_PKEY_eq(a, c), 1);
		assert_memory_not_equal(na, nc, sizeof(na));
		EVP_PKEY_free(a);
		EVP_PKEY_free(b);
		EVP_PKEY_free(c);
	}
}

/* The same state, another algorithm: another key. */
static void
test_other_alg(void **state)
{
	uint8_t na[32], nb[32];
	EVP_PKEY *a, *b;

	(void)state;
	a = seeded_key("alg seed", FSIM_COSE_ES256, na);
	b = seeded_key("alg seed", FSIM_COSE_ES384, nb);
	assert_int_not_equal(EVP_PKEY_get_bits(a), EVP_PKEY_get_bits(b));
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

/* OpenSSL's random source: never remembered. */
static void
test_default_env(void **state)
{
	fsim_env_t env;
	EVP_PKEY *a = NULL, *b = NULL;
	unsigned long h0, p0, h1, p1;

	(void)state;
	fsim_env_default(&env);
	fsim_key_memo_counts(&h0, &p0);
	assert_int_equal(fsim_key_generate(&env, FSIM_COSE_ES256, &a), 0);
	assert_int_equal(fsim_key_generate(&env, FSIM_COSE_ES256, &b), 0);
	fsim_key_memo_counts(&h1, &p1);
	assert_int_equal(h1, h0);
	assert_int_equal(p1, p0);
	assert_int_not_equal(EVP_PKEY_eq(a, b), 1);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed),
		cmocka_unit_test(test_other_alg),
		cmocka_unit_test(test_default_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
