/*
 * ca_memo.c — the test CAs seeded environments made (see ca_memo.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "authenticator/ca_memo.h"

#define N_MEMO 4

struct entry {
	bool used;
	uint8_t before[FSIM_ENV_STATE_LEN];  /* secret as the seed */
	uint8_t after[FSIM_ENV_STATE_LEN];
	uint64_t now;
	fsim_ca_parts_t p;
};

static struct entry memo[N_MEMO];
static size_t next_slot;
static unsigned long n_hits, n_put;   /* under the lock */

#define N_LEAVES 8

struct leaf {
	bool used;
	uint8_t before[FSIM_ENV_STATE_LEN];
	uint8_t after[FSIM_ENV_STATE_LEN];
	uint64_t now;
	uint8_t issuer[32];
	uint8_t aaguid[16];
	unsigned deviations;
	EVP_PKEY *key;
	fsim_blob_t der;
};

static struct leaf leaves[N_LEAVES];
static size_t next_leaf;
static unsigned long n_leaf_hits, n_leaf_put;   /* under the lock */
static CRYPTO_RWLOCK *lock;
static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;

static void
parts_free(fsim_ca_parts_t *p)
{
	EVP_PKEY_free(p->root_key);
	EVP_PKEY_free(p->int_key);
	X509_free(p->root);
	X509_free(p->inter);
	fsim_blob_reset(&p->root_der);
	fsim_blob_reset(&p->int_der);
	memset(p, 0, sizeof(*p));
}

static void
entry_drop(struct entry *e)
{
	parts_free(&e->p);
	OPENSSL_cleanse(e, sizeof(*e));
}

static void
leaf_drop(struct leaf *l)
{
	EVP_PKEY_free(l->key);
	fsim_blob_reset(&l->der);
	OPENSSL_cleanse(l, sizeof(*l));
}

static void
memo_free(void)
{
	size_t i;

	for (i = 0; i < N_MEMO; i++)
		entry_drop(&memo[i]);
	for (i = 0; i < N_LEAVES; i++)
		leaf_drop(&leaves[i]);
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

/* A copy of p with its own references; false when memory ran out. */
static bool
parts_copy(const fsim_ca_parts_t *p, fsim_ca_parts_t *out)
{
	memset(out, 0, sizeof(*out));
	if (fsim_blob_set(&out->root_der, p->root_der.ptr, p->root_der.len) != 0 ||
	    fsim_blob_set(&out->int_der, p->int_der.ptr, p->int_der.len) != 0)
		goto fail;
	/* each field is set only once its reference is taken, so parts_free frees what was */
	if (EVP_PKEY_up_ref(p->root_key) != 1)
		goto fail;
	out->root_key = p->root_key;
	if (EVP_PKEY_up_ref(p->int_key) != 1)
		goto fail;
	out->int_key = p->int_key;
	if (X509_up_ref(p->root) != 1)
		goto fail;
	out->root = p->root;
	if (X509_up_ref(p->inter) != 1)
		goto fail;
	out->inter = p->inter;
	return true;
fail:
	parts_free(out);
	return false;
}

bool
fsim_ca_memo_get(const fsim_env_t *env, fsim_ca_parts_t *p)
{
	uint8_t st[FSIM_ENV_STATE_LEN];
	bool hit = false;
	uint64_t now;
	size_t i;

	if (env == NULL || p == NULL || fsim_env_state(env, st) != 0 || !ready())
		return false;
	now = env->now(env->ctx);
	if (CRYPTO_THREAD_read_lock(lock) != 1) {
		OPENSSL_cleanse(st, sizeof(st));
		return false;
	}
	for (i = 0; i < N_MEMO && !hit; i++) {
		struct entry *e = &memo[i];
		fsim_ca_parts_t got;

		if (!e->used || e->now != now || CRYPTO_memcmp(e->before, st, sizeof(st)) != 0)
			continue;
		if (!parts_copy(&e->p, &got))
			break;
		if (fsim_env_set_state(env, e->after) != 0) {
			parts_free(&got);
			break;
		}
		*p = got;
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
fsim_ca_memo_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    const fsim_ca_parts_t *p)
{
	struct entry e;
	size_t i;

	memset(&e, 0, sizeof(e));
	if (env == NULL || before == NULL || p == NULL || p->root_key == NULL ||
	    p->int_key == NULL || p->root == NULL || p->inter == NULL ||
	    fsim_env_state(env, e.after) != 0 || !ready())
		return;
	memcpy(e.before, before, sizeof(e.before));
	e.now = env->now(env->ctx);
	if (!parts_copy(p, &e.p)) {
		OPENSSL_cleanse(&e, sizeof(e));
		return;
	}
	e.used = true;
	if (CRYPTO_THREAD_write_lock(lock) != 1) {
		entry_drop(&e);
		return;
	}
	/* another thread may have remembered the same one meanwhile */
	for (i = 0; i < N_MEMO; i++)
		if (memo[i].used && memo[i].now == e.now &&
		    CRYPTO_memcmp(memo[i].before, e.before, sizeof(e.before)) == 0)
			break;
	if (i == N_MEMO) {
		n_put++;
		entry_drop(&memo[next_slot]);
		memo[next_slot] = e;
		next_slot = (next_slot + 1) % N_MEMO;
		memset(&e, 0, sizeof(e));
	}
	CRYPTO_THREAD_unlock(lock);
	entry_drop(&e);
}

void
fsim_ca_memo_counts(unsigned long *hits, unsigned long *made)
{
	*hits = *made = 0;
	if (!ready() || CRYPTO_THREAD_read_lock(lock) != 1)
		return;
	*hits = n_hits;
	*made = n_put;
	CRYPTO_THREAD_unlock(lock);
}

/* ---- attestation leaves ---- */

static bool
leaf_is(const struct leaf *l, const uint8_t st[FSIM_ENV_STATE_LEN], uint64_t now,
    const uint8_t issuer[32], const uint8_t aaguid[16], unsigned deviations)
{
	return l->used && l->now == now && l->deviations == deviations &&
	    memcmp(l->issuer, issuer, 32) == 0 && memcmp(l->aaguid, aaguid, 16) == 0 &&
	    CRYPTO_memcmp(l->before, st, FSIM_ENV_STATE_LEN) == 0;
}

bool
fsim_ca_memo_leaf_get(const fsim_env_t *env, const uint8_t issuer[32],
    const uint8_t aaguid[16], unsigned deviations, EVP_PKEY **key, fsim_blob_t *der)
{
	uint8_t st[FSIM_ENV_STATE_LEN];
	fsim_blob_t d = { NULL, 0 };
	bool hit = false;
	uint64_t now;
	size_t i;

	if (env == NULL || issuer == NULL || aaguid == NULL || key == NULL || der == NULL ||
	    fsim_env_state(env, st) != 0 || !ready())
		return false;
	now = env->now(env->ctx);
	if (CRYPTO_THREAD_read_lock(lock) != 1) {
		OPENSSL_cleanse(st, sizeof(st));
		return false;
	}
	for (i = 0; i < N_LEAVES && !hit; i++) {
		const struct leaf *l = &leaves[i];

		if (!leaf_is(l, st, now, issuer, aaguid, deviations))
			continue;
		if (fsim_blob_set(&d, l->der.ptr, l->der.len) != 0 || EVP_PKEY_up_ref(l->key) != 1)
			break;
		if (fsim_env_set_state(env, l->after) != 0) {
			EVP_PKEY_free(l->key);
			break;
		}
		*key = l->key;
		*der = d;
		memset(&d, 0, sizeof(d));
		hit = true;
	}
	CRYPTO_THREAD_unlock(lock);
	fsim_blob_reset(&d);
	if (hit && CRYPTO_THREAD_write_lock(lock) == 1) {
		n_leaf_hits++;
		CRYPTO_THREAD_unlock(lock);
	}
	OPENSSL_cleanse(st, sizeof(st));
	return hit;
}

void
fsim_ca_memo_leaf_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    const uint8_t issuer[32], const uint8_t aaguid[16], unsigned deviations, EVP_PKEY *key,
    const fsim_blob_t *der)
{
	struct leaf l;
	size_t i;

	memset(&l, 0, sizeof(l));
	if (env == NULL || before == NULL || issuer == NULL || aaguid == NULL || key == NULL ||
	    der == NULL || fsim_env_state(env, l.after) != 0 || !ready())
		return;
	memcpy(l.before, before, sizeof(l.before));
	memcpy(l.issuer, issuer, sizeof(l.issuer));
	memcpy(l.aaguid, aaguid, sizeof(l.aaguid));
	l.deviations = deviations;
	l.now = env->now(env->ctx);
	if (fsim_blob_set(&l.der, der->ptr, der->len) != 0 || EVP_PKEY_up_ref(key) != 1) {
		leaf_drop(&l);
		return;
	}
	l.key = key;
	l.used = true;
	if (CRYPTO_THREAD_write_lock(lock) != 1) {
		leaf_drop(&l);
		return;
	}
	/* another thread may have remembered the same one meanwhile */
	for (i = 0; i < N_LEAVES; i++)
		if (leaf_is(&leaves[i], l.before, l.now, issuer, aaguid, deviations))
			break;
	if (i == N_LEAVES) {
		n_leaf_put++;
		leaf_drop(&leaves[next_leaf]);
		leaves[next_leaf] = l;
		next_leaf = (next_leaf + 1) % N_LEAVES;
		memset(&l, 0, sizeof(l));
	}
	CRYPTO_THREAD_unlock(lock);
	leaf_drop(&l);
}

void
fsim_ca_memo_leaf_counts(unsigned long *hits, unsigned long *made)
{
	*hits = *made = 0;
	if (!ready() || CRYPTO_THREAD_read_lock(lock) != 1)
		return;
	*hits = n_leaf_hits;
	*made = n_leaf_put;
	CRYPTO_THREAD_unlock(lock);
}
