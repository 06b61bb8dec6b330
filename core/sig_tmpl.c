/*
 * sig_tmpl.c — ready signature contexts per key (sig_tmpl.h says why).
 */
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "cose.h"
#include "sig_tmpl.h"

#define NTMPL 16

struct tmpl {
	EVP_PKEY *pkey;     /* a reference of ours; NULL when the slot is free */
	int alg;
	bool sign;
	EVP_MD_CTX *ctx;    /* initialised for (pkey, alg, sign), never used itself */
};

static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;
static CRYPTO_RWLOCK *lock;
static struct tmpl cache[NTMPL];
static size_t next_slot;    /* the oldest entry: replaced next */

static void
slot_clear(struct tmpl *t)
{
	EVP_MD_CTX_free(t->ctx);
	EVP_PKEY_free(t->pkey);
	t->ctx = NULL;
	t->pkey = NULL;
}

static void
cache_free(void)
{
	size_t i;

	for (i = 0; i < NTMPL; i++)
		slot_clear(&cache[i]);
	CRYPTO_THREAD_lock_free(lock);
	lock = NULL;
}

static void
cache_init(void)
{
	lock = CRYPTO_THREAD_lock_new();
	/* registered after OpenSSL's own handler, so it runs before it */
	atexit(cache_free);
}

static bool
cacheable(EVP_PKEY *pkey, int alg)
{
	return pkey != NULL && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC &&
	    (alg == FSIM_COSE_ES256 || alg == FSIM_COSE_ES384 || alg == FSIM_COSE_ES512) &&
	    CRYPTO_THREAD_run_once(&once, cache_init) == 1 && lock != NULL;
}

static struct tmpl *
find(EVP_PKEY *pkey, int alg, bool sign)
{
	size_t i;

	for (i = 0; i < NTMPL; i++)
		if (cache[i].pkey == pkey && cache[i].alg == alg && cache[i].sign == sign)
			return &cache[i];
	return NULL;
}

bool
fsim_sig_tmpl_get(EVP_MD_CTX *ctx, EVP_PKEY *pkey, int alg, bool sign)
{
	const struct tmpl *t;
	bool ok = false;

	if (!cacheable(pkey, alg) || CRYPTO_THREAD_read_lock(lock) != 1)
		return false;
	/* A copy only reads the template (the provider context is duplicated). */
	if ((t = find(pkey, alg, sign)) != NULL)
		ok = EVP_MD_CTX_copy_ex(ctx, t->ctx) == 1;
	CRYPTO_THREAD_unlock(lock);
	if (!ok) {
		ERR_clear_error();
		(void)EVP_MD_CTX_reset(ctx);
	}
	return ok;
}

void
fsim_sig_tmpl_put(const EVP_MD_CTX *ctx, EVP_PKEY *pkey, int alg, bool sign)
{
	EVP_MD_CTX *copy;
	struct tmpl *t;

	if (!cacheable(pkey, alg))
		return;
	if ((copy = EVP_MD_CTX_new()) == NULL || EVP_MD_CTX_copy_ex(copy, ctx) != 1 ||
	    EVP_PKEY_up_ref(pkey) != 1) {
		EVP_MD_CTX_free(copy);
		ERR_clear_error();
		return;
	}
	if (CRYPTO_THREAD_write_lock(lock) != 1) {
		EVP_MD_CTX_free(copy);
		EVP_PKEY_free(pkey);
		return;
	}
	if ((t = find(pkey, alg, sign)) == NULL) {
		t = &cache[next_slot];
		next_slot = (next_slot + 1) % NTMPL;
	}
	slot_clear(t);
	t->pkey = pkey;
	t->alg = alg;
	t->sign = sign;
	t->ctx = copy;
	CRYPTO_THREAD_unlock(lock);
}

void
fsim_sig_tmpl_forget(EVP_PKEY *pkey)
{
	size_t i;

	if (pkey == NULL || !cacheable(pkey, FSIM_COSE_ES256) ||
	    CRYPTO_THREAD_write_lock(lock) != 1)
		return;
	for (i = 0; i < NTMPL; i++)
		if (cache[i].pkey == pkey)
			slot_clear(&cache[i]);
	CRYPTO_THREAD_unlock(lock);
}
