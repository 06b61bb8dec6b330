/*
 * seed_memo.c — what seeded environments made (see seed_memo.h): one table
 * for every kind, each entry keyed by the kind, the stream state before,
 * the clock and the bytes that say what was asked for.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "authenticator/seed_memo.h"

#define N_MEMO FSIM_SEED_MEMO_ENTRIES
#define ASK_MAX 64

/* A leaf as remembered. */
struct leaf {
	EVP_PKEY *key;
	fsim_blob_t der;
};

struct entry {
	bool used;
	fsim_seed_kind_t kind;
	uint8_t before[FSIM_ENV_STATE_LEN];  /* secret as the seed */
	uint8_t after[FSIM_ENV_STATE_LEN];
	uint64_t now;
	uint8_t ask[ASK_MAX];
	size_t ask_len;
	void *value;                         /* the kind's own (copy_of, drop) */
};

static struct entry memo[N_MEMO];
static size_t next_slot;
static unsigned long n_hits[FSIM_SEED__KINDS], n_put[FSIM_SEED__KINDS];   /* under the lock */
static CRYPTO_RWLOCK *lock;
static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;

/* ---- the values of each kind: copies with their own references ---- */

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

static void
leaf_free(struct leaf *l)
{
	EVP_PKEY_free(l->key);
	fsim_blob_reset(&l->der);
	memset(l, 0, sizeof(*l));
}

static bool
leaf_copy(const struct leaf *l, struct leaf *out)
{
	memset(out, 0, sizeof(*out));
	if (fsim_blob_set(&out->der, l->der.ptr, l->der.len) != 0 || EVP_PKEY_up_ref(l->key) != 1) {
		fsim_blob_reset(&out->der);
		return false;
	}
	out->key = l->key;
	return true;
}

/* A copy of a kind's value v into out (of that kind's type), with its own references. */
static bool
copy_of(fsim_seed_kind_t kind, const void *v, void *out)
{
	switch (kind) {
	case FSIM_SEED_CA:
		return parts_copy(v, out);
	case FSIM_SEED_LEAF:
		return leaf_copy(v, out);
	case FSIM_SEED_KEY:
		if (EVP_PKEY_up_ref(*(EVP_PKEY *const *)v) != 1)
			return false;
		*(EVP_PKEY **)out = *(EVP_PKEY *const *)v;
		return true;
	default:
		return false;
	}
}

static size_t
size_of(fsim_seed_kind_t kind)
{
	return kind == FSIM_SEED_CA ? sizeof(fsim_ca_parts_t) :
	    kind == FSIM_SEED_LEAF ? sizeof(struct leaf) : sizeof(EVP_PKEY *);
}

/* Release what a value of this kind holds (not the value's own memory). */
static void
release(fsim_seed_kind_t kind, void *v)
{
	if (kind == FSIM_SEED_CA)
		parts_free(v);
	else if (kind == FSIM_SEED_LEAF)
		leaf_free(v);
	else
		EVP_PKEY_free(*(EVP_PKEY **)v);
}

static void
drop(fsim_seed_kind_t kind, void *v)
{
	if (v == NULL)
		return;
	release(kind, v);
	free(v);
}

/* ---- the table ---- */

static void
entry_drop(struct entry *e)
{
	if (e->used)
		drop(e->kind, e->value);
	OPENSSL_cleanse(e, sizeof(*e));
}

static void
memo_free(void)
{
	size_t i;

	for (i = 0; i < N_MEMO; i++)
		entry_drop(&memo[i]);
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
same(const struct entry *e, fsim_seed_kind_t kind, const uint8_t st[FSIM_ENV_STATE_LEN],
    uint64_t now, const uint8_t *ask, size_t ask_len)
{
	return e->used && e->kind == kind && e->now == now && e->ask_len == ask_len &&
	    (ask_len == 0 || memcmp(e->ask, ask, ask_len) == 0) &&
	    CRYPTO_memcmp(e->before, st, FSIM_ENV_STATE_LEN) == 0;
}

/* What env made of this kind and ask in its current state, copied into out; env moved on. */
static bool
get(const fsim_env_t *env, fsim_seed_kind_t kind, const uint8_t *ask, size_t ask_len,
    void *out)
{
	uint8_t st[FSIM_ENV_STATE_LEN];
	bool hit = false;
	uint64_t now;
	size_t i;

	if (env == NULL || ask_len > ASK_MAX || fsim_env_state(env, st) != 0 || !ready())
		return false;
	now = env->now(env->ctx);
	if (CRYPTO_THREAD_read_lock(lock) != 1) {
		OPENSSL_cleanse(st, sizeof(st));
		return false;
	}
	for (i = 0; i < N_MEMO && !hit; i++) {
		const struct entry *e = &memo[i];

		if (!same(e, kind, st, now, ask, ask_len))
			continue;
		if (!copy_of(kind, e->value, out))
			break;
		if (fsim_env_set_state(env, e->after) != 0) {
			release(kind, out);
			break;
		}
		hit = true;
	}
	CRYPTO_THREAD_unlock(lock);
	if (hit && CRYPTO_THREAD_write_lock(lock) == 1) {
		n_hits[kind]++;
		CRYPTO_THREAD_unlock(lock);
	}
	OPENSSL_cleanse(st, sizeof(st));
	return hit;
}

/* Remember v as what env made of this kind and ask from state `before`; env is now past it. */
static void
put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN], fsim_seed_kind_t kind,
    const uint8_t *ask, size_t ask_len, const void *v)
{
	struct entry e;
	size_t i;

	memset(&e, 0, sizeof(e));
	if (env == NULL || before == NULL || ask_len > ASK_MAX ||
	    fsim_env_state(env, e.after) != 0 || !ready())
		return;
	if ((e.value = calloc(1, size_of(kind))) == NULL || !copy_of(kind, v, e.value)) {
		free(e.value);
		OPENSSL_cleanse(&e, sizeof(e));
		return;
	}
	memcpy(e.before, before, sizeof(e.before));
	e.kind = kind;
	e.now = env->now(env->ctx);
	if (ask_len > 0)
		memcpy(e.ask, ask, ask_len);
	e.ask_len = ask_len;
	e.used = true;
	if (CRYPTO_THREAD_write_lock(lock) != 1) {
		entry_drop(&e);
		return;
	}
	/* another thread may have remembered the same one meanwhile */
	for (i = 0; i < N_MEMO; i++)
		if (same(&memo[i], kind, e.before, e.now, e.ask, e.ask_len))
			break;
	if (i == N_MEMO) {
		n_put[kind]++;
		entry_drop(&memo[next_slot]);
		memo[next_slot] = e;
		next_slot = (next_slot + 1) % N_MEMO;
		memset(&e, 0, sizeof(e));
	}
	CRYPTO_THREAD_unlock(lock);
	entry_drop(&e);
}

/* ---- the kinds ---- */

bool
fsim_seed_memo_ca_get(const fsim_env_t *env, fsim_ca_parts_t *p)
{
	fsim_ca_parts_t got;

	if (p == NULL || !get(env, FSIM_SEED_CA, NULL, 0, &got))
		return false;
	*p = got;
	return true;
}

void
fsim_seed_memo_ca_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    const fsim_ca_parts_t *p)
{
	if (p != NULL && p->root_key != NULL && p->int_key != NULL && p->root != NULL &&
	    p->inter != NULL)
		put(env, before, FSIM_SEED_CA, NULL, 0, p);
}

/* The leaf's ask: issuer, AAGUID, deviations. */
static size_t
leaf_ask(const uint8_t issuer[32], const uint8_t aaguid[16], unsigned deviations,
    uint8_t ask[ASK_MAX])
{
	memcpy(ask, issuer, 32);
	memcpy(ask + 32, aaguid, 16);
	memcpy(ask + 48, &deviations, sizeof(deviations));
	return 48 + sizeof(deviations);
}

bool
fsim_seed_memo_leaf_get(const fsim_env_t *env, const uint8_t issuer[32],
    const uint8_t aaguid[16], unsigned deviations, EVP_PKEY **key, fsim_blob_t *der)
{
	uint8_t ask[ASK_MAX];
	struct leaf got;

	if (issuer == NULL || aaguid == NULL || key == NULL || der == NULL ||
	    !get(env, FSIM_SEED_LEAF, ask, leaf_ask(issuer, aaguid, deviations, ask), &got))
		return false;
	*key = got.key;
	*der = got.der;
	return true;
}

void
fsim_seed_memo_leaf_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    const uint8_t issuer[32], const uint8_t aaguid[16], unsigned deviations, EVP_PKEY *key,
    const fsim_blob_t *der)
{
	uint8_t ask[ASK_MAX];
	struct leaf l;

	if (issuer == NULL || aaguid == NULL || key == NULL || der == NULL)
		return;
	l.key = key;
	l.der = *der;
	put(env, before, FSIM_SEED_LEAF, ask, leaf_ask(issuer, aaguid, deviations, ask), &l);
}

bool
fsim_seed_memo_key_get(const fsim_env_t *env, int alg, EVP_PKEY **key)
{
	return key != NULL && get(env, FSIM_SEED_KEY, (const uint8_t *)&alg, sizeof(alg), key);
}

void
fsim_seed_memo_key_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    int alg, EVP_PKEY *key)
{
	if (key != NULL)
		put(env, before, FSIM_SEED_KEY, (const uint8_t *)&alg, sizeof(alg), &key);
}

void
fsim_seed_memo_counts(fsim_seed_kind_t kind, unsigned long *hits, unsigned long *made)
{
	*hits = *made = 0;
	if ((unsigned)kind >= FSIM_SEED__KINDS || !ready() || CRYPTO_THREAD_read_lock(lock) != 1)
		return;
	*hits = n_hits[kind];
	*made = n_put[kind];
	CRYPTO_THREAD_unlock(lock);
}
