/*
 * key_memo.c — the keys seeded environments generated (see key_memo.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "authenticator/key_memo.h"

#define N_KEYS 16

struct entry {
	bool used;
	int alg;
	uint8_t before[FSIM_ENV_STATE_LEN];   /* secret as the seed */
	uint8_t after[FSIM_ENV_STATE_LEN];
	EVP_PKEY *key;
};

static struct entry keys[N_KEYS];
static size_t next_slot;
static unsigned long n_hits, n_put;      /* under the lock */
static CRYPTO_RWLOCK *lock;
static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;

static void
entry_drop(struct entry *e)
{
	EVP_PKEY_free(e->key);
	OPENSSL_cleanse(e, sizeof(*e));
}

static void
memo_free(void)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		entry_drop(&keys[i]);
	CRYPTO_THREAD_lock_free(lock);
	lock = NULL;
}

static void
memo_init(void)
{
	lock = CRYPTO_THREAD_lock_new();
	/* registered after OpenSSL's own handler, so it runs before it */
	atexit(memo_free);
}

static bool
ready(void)
{
	return CRYPTO_THREAD_run_once(&once, memo_init) == 1 && lock != NULL;
}

static bool
same(const struct entry *e, int alg, const uint8_t st[FSIM_ENV_STATE_LEN])
{
	return e->used && e->alg == alg && CRYPTO_memcmp(e->before, st, FSIM_ENV_STATE_LEN) == 0;
}

bool
fsim_key_memo_get(const fsim_env_t *env, int alg, EVP_PKEY **key)
{
	uint8_t st[FSIM_ENV_STATE_LEN];
	bool hit = false;
	size_t i;

	if (env == NULL || key == NULL || fsim_env_state(env, st) != 0 || !ready())
		return false;
	if (CRYPTO_THREAD_read_lock(lock) != 1) {
		OPENSSL_cleanse(st, sizeof(st));
		return false;
	}
	for (i = 0; i < N_KEYS && !hit; i++) {
		if (!same(&keys[i], alg, st))
			continue;
		if (EVP_PKEY_up_ref(keys[i].key) != 1)
			break;
		if (fsim_env_set_state(env, keys[i].after) != 0) {
			EVP_PKEY_free(keys[i].key);
			break;
		}
		*key = keys[i].key;
		hit = true;
	}
	CRYPTO_THREAD_unlock(lock);
	if (hit && CRYPTO_THREAD_write_lock(lock) == 1) {
		n_hits++;
		CRYPTO_THREAD_unlock(lock);
	}
	OPENSSL_cleanse(st, sizeof(st));
	return hit;
}

void
fsim_key_memo_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN], int alg,
    EVP_PKEY *key)
{
	struct entry e;
	size_t i;

	memset(&e, 0, sizeof(e));
	if (env == NULL || before == NULL || key == NULL || fsim_env_state(env, e.after) != 0 ||
	    !ready())
		return;
	memcpy(e.before, before, sizeof(e.before));
	e.alg = alg;
	if (EVP_PKEY_up_ref(key) != 1) {
		OPENSSL_cleanse(&e, sizeof(e));
		return;
	}
	e.key = key;
	e.used = true;
	if (CRYPTO_THREAD_write_lock(lock) != 1) {
		entry_drop(&e);
		return;
	}
	/* another thread may have remembered the same one meanwhile */
	for (i = 0; i < N_KEYS; i++)
		if (same(&keys[i], alg, e.before))
			break;
	if (i == N_KEYS) {
		n_put++;
		entry_drop(&keys[next_slot]);
		keys[next_slot] = e;
		next_slot = (next_slot + 1) % N_KEYS;
		memset(&e, 0, sizeof(e));
	}
	CRYPTO_THREAD_unlock(lock);
	entry_drop(&e);
}

void
fsim_key_memo_counts(unsigned long *hits, unsigned long *made)
{
	*hits = *made = 0;
	if (!ready() || CRYPTO_THREAD_read_lock(lock) != 1)
		return;
	*hits = n_hits;
	*made = n_put;
	CRYPTO_THREAD_unlock(lock);
}
