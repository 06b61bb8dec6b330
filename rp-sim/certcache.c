/*
 * certcache.c — DER certificates parsed once per process (certcache.h says
 * why). A small table under one lock: an entry holds the exact bytes and
 * the parsed certificate; a lookup compares the whole DER, never a hash
 * alone, so two different certificates can never share an entry. Only
 * bytes that are exactly one certificate are kept. The least recently used
 * entry makes room.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "core/util.h"
#include "rp-sim/certcache.h"

#define CACHE_SLOTS 64
#define CACHE_DER_MAX 16384   /* larger certificates are parsed, not kept */

struct slot {
	uint64_t hash;            /* of the DER, to skip most compares */
	uint64_t used;            /* the lookup clock when last found */
	size_t len;
	uint8_t *der;
	X509 *x;
};

static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;
static CRYPTO_RWLOCK *lock;
static struct slot slots[CACHE_SLOTS];
static uint64_t clock_;
static unsigned long hits;

static void
cache_free(void)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++) {
		X509_free(slots[i].x);
		free(slots[i].der);
		memset(&slots[i], 0, sizeof(slots[i]));
	}
	CRYPTO_THREAD_lock_free(lock);
	lock = NULL;
}

static void
cache_init(void)
{
	if ((lock = CRYPTO_THREAD_lock_new()) != NULL)
		atexit(cache_free);   /* after OpenSSL's handler: runs before it */
}

/* FNV-1a, 64 bits: cheap next to a parse, and only a filter. */
static uint64_t
hash_of(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A new reference to the kept certificate with these bytes, or NULL. */
static X509 *
lookup(const uint8_t *der, size_t len, uint64_t h)
{
	X509 *x = NULL;
	size_t i;

	if (!CRYPTO_THREAD_write_lock(lock))
		return NULL;
	for (i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &slots[i];

		if (s->x != NULL && s->hash == h && s->len == len &&
		    memcmp(s->der, der, len) == 0) {
			if (X509_up_ref(s->x) == 1) {
				x = s->x;
				s->used = ++clock_;
				hits++;
			}
			break;
		}
	}
	CRYPTO_THREAD_unlock(lock);
	return x;
}

/* Keep x (a new reference) for these bytes, in the least recently used slot. */
static void
keep(const uint8_t *der, size_t len, uint64_t h, X509 *x)
{
	uint8_t *copy;
	size_t i, victim = 0;

	if ((copy = malloc(len)) == NULL)
		return;   /* not kept: the caller's copy is still good */
	memcpy(copy, der, len);
	if (X509_up_ref(x) != 1 || !CRYPTO_THREAD_write_lock(lock)) {
		free(copy);
		return;
	}
	for (i = 0; i < CACHE_SLOTS; i++) {
		if (slots[i].x != NULL && slots[i].hash == h && slots[i].len == len &&
		    memcmp(slots[i].der, der, len) == 0) {
			victim = CACHE_SLOTS;   /* another thread kept it meanwhile */
			break;
		}
		if (slots[i].x == NULL || slots[i].used < slots[victim].used)
			victim = i;
		if (slots[i].x == NULL)
			break;
	}
	if (victim < CACHE_SLOTS) {
		struct slot *s = &slots[victim];

		X509_free(s->x);
		free(s->der);
		s->x = x;
		s->der = copy;
		s->len = len;
		s->hash = h;
		s->used = ++clock_;
		x = NULL;
		copy = NULL;
	}
	CRYPTO_THREAD_unlock(lock);
	X509_free(x);
	free(copy);
}

int
fsim_cert_parse(const uint8_t *der, size_t len, X509 **out, size_t *used)
{
	const unsigned char *p = der;
	bool cacheable;
	uint64_t h = 0;
	X509 *x;

	if (out == NULL || used == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	*used = 0;
	if (der == NULL || len == 0 || len > LONG_MAX)
		return FSIM_ERR_ARG;
	cacheable = len <= CACHE_DER_MAX && CRYPTO_THREAD_run_once(&once, cache_init) == 1 &&
	    lock != NULL;
	if (cacheable) {
		h = hash_of(der, len);
		if ((x = lookup(der, len, h)) != NULL) {
			*out = x;
			*used = len;
			return 0;
		}
	}
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return FSIM_ERR_FORMAT;
	}
	*used = (size_t)(p - der);
	if (cacheable && *used == len)
		keep(der, len, h, x);
	*out = x;
	return 0;
}

void
fsim_cert_cache_stats(size_t *entries, unsigned long *nhits)
{
	size_t i, n = 0;

	if (CRYPTO_THREAD_run_once(&once, cache_init) == 1 && lock != NULL &&
	    CRYPTO_THREAD_read_lock(lock)) {
		for (i = 0; i < CACHE_SLOTS; i++)
			n += slots[i].x != NULL;
		if (nhits != NULL)
			*nhits = hits;
		CRYPTO_THREAD_unlock(lock);
	} else if (nhits != NULL) {
		*nhits = 0;
	}
	if (entries != NULL)
		*entries = n;
}
