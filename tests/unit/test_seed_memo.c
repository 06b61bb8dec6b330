/*
 * test_seed_memo.c — the per-process memory of what seeded environments
 * made (authenticator/seed_memo.c): test CAs, attestation leaves and keys,
 * and the environment state it is keyed by (fsim_env_state): a second
 * environment with the same seed gets the same CA from memory, and its key
 * stream goes on exactly where making the CA would have left it; once the
 * entry is forgotten, making it again gives the very same bytes; another
 * seed or another clock is another CA; an environment that is not seeded is
 * never remembered.
 * Attestation leaves the same way, keyed also by AAGUID and deviations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authenticator/att.h"
#include "authenticator/keys.h"
#include "authenticator/seed_memo.h"
#include "core/cose.h"
#include "authenticator/env.h"
#include "authenticator/store.h"

typedef struct made {
	fsim_blob_t root, inter;   /* the certificates' DER, from the store */
	uint8_t next[32];          /* the key stream's next 32 bytes after the CA */
} made_t;

static uint64_t
other_now(void *ctx)
{
	(void)ctx;
	return 1767225600ULL + 86400;
}

/* A fresh store's CA under env; what it wrote and what the stream says next. */
static void
make_ca(fsim_env_t *env, made_t *m)
{
	fsim_store_t *s = NULL;
	fsim_ca_t *ca = NULL;
	const fsim_blob_t *b;

	memset(m, 0, sizeof(*m));
	assert_int_equal(fsim_store_open(":memory:", env, &s, NULL), 0);
	assert_int_equal(fsim_ca_load(s, env, &ca), 0);
	assert_non_null(b = fsim_store_get_blob(s, "ca.root.cert"));
	assert_int_equal(fsim_blob_set(&m->root, b->ptr, b->len), 0);
	assert_non_null(b = fsim_store_get_blob(s, "ca.int.cert"));
	assert_int_equal(fsim_blob_set(&m->inter, b->ptr, b->len), 0);
	assert_int_equal(fsim_env_random(env, m->next, sizeof(m->next)), 0);
	fsim_ca_free(&ca);
	fsim_store_free(&s);
}

static void
made_free(made_t *m)
{
	fsim_blob_reset(&m->root);
	fsim_blob_reset(&m->inter);
}

static void
assert_same(const made_t *a, const made_t *b)
{
	assert_true(fsim_blob_eq(&a->root, b->root.ptr, b->root.len));
	assert_true(fsim_blob_eq(&a->inter, b->inter.ptr, b->inter.len));
	assert_memory_equal(a->next, b->next, sizeof(a->next));
}

static void
seeded_ca(const char *seed, uint64_t (*now)(void *), made_t *m)
{
	fsim_env_t env;

	assert_int_equal(fsim_env_seeded(&env, (const uint8_t *)seed, strlen(seed)), 0);
	if (now != NULL)
		env.now = now;
	make_ca(&env, m);
	fsim_env_free(&env);
}

/* The state can be read and put back: the stream repeats itself. */
static void
test_env_state(void **state)
{
	uint8_t st[FSIM_ENV_STATE_LEN], a[48], b[48], bad[FSIM_ENV_STATE_LEN];
	fsim_env_t env, def;

	(void)state;
	assert_int_equal(fsim_env_seeded(&env, (const uint8_t *)"s", 1), 0);
	assert_int_equal(fsim_env_state(&env, st), 0);
	assert_int_equal(fsim_env_random(&env, a, sizeof(a)), 0);
	assert_int_equal(fsim_env_set_state(&env, st), 0);
	assert_int_equal(fsim_env_random(&env, b, sizeof(b)), 0);
	assert_memory_equal(a, b, sizeof(a));
	/* a reseed counter of 0 is no state a DRBG can be in */
	memcpy(bad, st, sizeof(bad));
	memset(bad + 64, 0, 8);
	assert_int_equal(fsim_env_set_state(&env, bad), FSIM_ERR_ARG);
	fsim_env_free(&env);
	fsim_env_default(&def);
	assert_int_equal(fsim_env_state(&def, st), FSIM_ERR_ARG);
	assert_int_equal(fsim_env_set_state(&def, st), FSIM_ERR_ARG);
	assert_int_equal(fsim_env_state(NULL, st), FSIM_ERR_ARG);
}

/*
 * Same seed: from memory, the same bytes, the stream where it would be.
 * Forgotten (as many other CAs made since as the memory holds entries):
 * made again, the same bytes.
 */
static void
test_same_seed(void **state)
{
	made_t a, b, c, d, other;
	unsigned long h0, p0, h1, p1;
	char seed[16];
	size_t i;

	(void)state;
	fsim_seed_memo_counts(FSIM_SEED_CA, &h0, &p0);
	seeded_ca("memo-a", NULL, &a);
	fsim_seed_memo_counts(FSIM_SEED_CA, &h1, &p1);
	assert_int_equal(h1, h0);
	assert_int_equal(p1, p0 + 1);
	seeded_ca("memo-a", NULL, &b);
	fsim_seed_memo_counts(FSIM_SEED_CA, &h1, &p1);
	assert_int_equal(h1, h0 + 1);
	assert_same(&a, &b);
	/* another seed is another CA */
	seeded_ca("memo-b", NULL, &c);
	assert_false(fsim_blob_eq(&a.root, c.root.ptr, c.root.len));
	/* another clock is another CA (its validity), though the stream is the same */
	seeded_ca("memo-a", other_now, &d);
	assert_false(fsim_blob_eq(&a.root, d.root.ptr, d.root.len));
	made_free(&d);
	for (i = 0; i < FSIM_SEED_MEMO_ENTRIES; i++) {
		snprintf(seed, sizeof(seed), "memo-x%zu", i);
		seeded_ca(seed, NULL, &other);
		made_free(&other);
	}
	fsim_seed_memo_counts(FSIM_SEED_CA, &h0, &p0);
	seeded_ca("memo-a", NULL, &d);
	fsim_seed_memo_counts(FSIM_SEED_CA, &h1, &p1);
	assert_int_equal(h1, h0);      /* forgotten: made */
	assert_int_equal(p1, p0 + 1);
	assert_same(&a, &d);
	made_free(&a);
	made_free(&b);
	made_free(&c);
	made_free(&d);
}

/* OpenSSL's random source: never remembered, a new CA every time. */
static void
test_default_env(void **state)
{
	unsigned long h0, p0, h1, p1;
	fsim_env_t env;
	made_t a, b;

	(void)state;
	fsim_env_default(&env);
	fsim_seed_memo_counts(FSIM_SEED_CA, &h0, &p0);
	make_ca(&env, &a);
	make_ca(&env, &b);
	fsim_seed_memo_counts(FSIM_SEED_CA, &h1, &p1);
	assert_int_equal(h1, h0);
	assert_int_equal(p1, p0);
	assert_false(fsim_blob_eq(&a.root, b.root.ptr, b.root.len));
	made_free(&a);
	made_free(&b);
}

/* One seeded authenticator's leaf for aaguid (deviations asked for), and the stream's next bytes. */
static void
seeded_leaf(const char *seed, uint8_t fill, unsigned deviations, fsim_blob_t *leaf,
    uint8_t next[32])
{
	fsim_env_t env;
	fsim_store_t *s = NULL;
	fsim_ca_t *ca = NULL;
	fsim_blob_t chain[2] = { { NULL, 0 }, { NULL, 0 } };
	EVP_PKEY *k = NULL;
	uint8_t aaguid[16];

	memset(aaguid, fill, sizeof(aaguid));
	assert_int_equal(fsim_env_seeded(&env, (const uint8_t *)seed, strlen(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &env, &s, NULL), 0);
	assert_int_equal(fsim_ca_load(s, &env, &ca), 0);
	assert_int_equal(fsim_ca_leaf(ca, s, &env, aaguid, deviations, chain, &k), 0);
	assert_non_null(k);
	assert_int_equal(fsim_blob_set(leaf, chain[0].ptr, chain[0].len), 0);
	assert_int_equal(fsim_env_random(&env, next, 32), 0);
	EVP_PKEY_free(k);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	fsim_ca_free(&ca);
	fsim_store_free(&s);
	fsim_env_free(&env);
}

/*
 * Leaves: the same seed, CA, AAGUID and deviations give the same leaf from
 * memory, and the stream where making it would have left it; another AAGUID
 * or deviation is another leaf, made.
 */
static void
test_same_seed_leaf(void **state)
{
	fsim_blob_t a = { NULL, 0 }, b = { NULL, 0 }, c = { NULL, 0 }, d = { NULL, 0 };
	uint8_t na[32], nb[32], nc[32], nd[32];
	unsigned long h0, p0, h1, p1;

	(void)state;
	fsim_seed_memo_counts(FSIM_SEED_LEAF, &h0, &p0);
	seeded_leaf("leaf seed", 0x11, 0, &a, na);
	seeded_leaf("leaf seed", 0x11, 0, &b, nb);
	fsim_seed_memo_counts(FSIM_SEED_LEAF, &h1, &p1);
	assert_true(h1 >= h0 + 1);
	assert_true(fsim_blob_eq(&a, b.ptr, b.len));
	assert_memory_equal(na, nb, sizeof(na));
	/* another AAGUID: another leaf, and remembered as such */
	seeded_leaf("leaf seed", 0x22, 0, &c, nc);
	assert_false(fsim_blob_eq(&a, c.ptr, c.len));
	/* an expired leaf asked for: another certificate again */
	seeded_leaf("leaf seed", 0x11, FSIM_CA_CERT_EXPIRED, &d, nd);
	assert_false(fsim_blob_eq(&a, d.ptr, d.len));
	fsim_seed_memo_counts(FSIM_SEED_LEAF, &h1, &p1);
	assert_true(p1 >= p0 + 3);
	fsim_blob_reset(&a);
	fsim_blob_reset(&b);
	fsim_blob_reset(&c);
	fsim_blob_reset(&d);
}

/* ---- keys ---- */

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
test_same_seed_key(void **state)
{
	static const int algs[] = { FSIM_COSE_ES256, FSIM_COSE_EDDSA, FSIM_COSE_RS256 };
	unsigned long h0, p0, h1, p1;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		uint8_t na[32], nb[32], nc[32];
		EVP_PKEY *a, *b, *c;

		fsim_seed_memo_counts(FSIM_SEED_KEY, &h0, &p0);
		a = seeded_key("key memo seed", algs[i], na);
		b = seeded_key("key memo seed", algs[i], nb);
		fsim_seed_memo_counts(FSIM_SEED_KEY, &h1, &p1);
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
test_other_alg_key(void **state)
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
test_default_env_key(void **state)
{
	fsim_env_t env;
	EVP_PKEY *a = NULL, *b = NULL;
	unsigned long h0, p0, h1, p1;

	(void)state;
	fsim_env_default(&env);
	fsim_seed_memo_counts(FSIM_SEED_KEY, &h0, &p0);
	assert_int_equal(fsim_key_generate(&env, FSIM_COSE_ES256, &a), 0);
	assert_int_equal(fsim_key_generate(&env, FSIM_COSE_ES256, &b), 0);
	fsim_seed_memo_counts(FSIM_SEED_KEY, &h1, &p1);
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
		cmocka_unit_test(test_env_state),
		cmocka_unit_test(test_same_seed),
		cmocka_unit_test(test_same_seed_leaf),
		cmocka_unit_test(test_same_seed_key),
		cmocka_unit_test(test_other_alg_key),
		cmocka_unit_test(test_default_env_key),
		cmocka_unit_test(test_default_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
