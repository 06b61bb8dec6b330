/*
 * p256_table.c — ES256 verification with a per-key precomputed table (see
 * p256_table.h).
 *
 * EC_GROUP_precompute_mult is deprecated in OpenSSL 3.0 and has no EVP
 * form (3.0 precomputes for the built-in generators only), yet it is the one
 * way to give a generator of our choosing a table: DESIGN.md's exception
 * ("no deprecated low-level API except where 3.0 has no EVP form"). This
 * file alone asks for the deprecated declarations.
 */
#undef OPENSSL_NO_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include "cose.h"
#include "ossl_cache.h"
#include "p256_table.h"

#define N_SEEN 64     /* keys counted on their way to a table */

/*
 * Keys are counted by the address of their object, without a reference (a
 * new object at a reused address inherits a count: harmless, a count only
 * decides when a table is worth making). A slot that gets a table takes a
 * reference to its object, so from then on no other object can have that
 * address while the slot lives, and a match by address is that key. Slots
 * with a table are never replaced; at most FSIM_P256_TABLE_MAX exist.
 */
struct seen {
	bool used;
	const EVP_PKEY *addr;     /* the object counted */
	EVP_PKEY *ref;            /* with a table: a reference to that object */
	unsigned long count;      /* verifications seen */
	int table;                /* index into tables, or -1 */
	bool building;            /* a thread is making its table */
	bool never;               /* not a key a table is made for (a private key object) */
	unsigned long last;       /* for replacing the least recently seen */
};

static struct seen seen[N_SEEN];
static EC_GROUP *tables[FSIM_P256_TABLE_MAX];   /* kept until exit: never freed while in use */
static size_t n_tables;
static unsigned long clock_tick, answered, after = FSIM_P256_TABLE_AFTER;
static CRYPTO_RWLOCK *lock;
static _Thread_local bool skip_tables;   /* this thread: OpenSSL only */
static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;

static void tables_init(void);

static void
tables_drop(void)
{
	size_t i;

	for (i = 0; i < N_SEEN; i++)
		EVP_PKEY_free(seen[i].ref);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n_tables; i++)
		EC_GROUP_free(tables[i]);
	memset(tables, 0, sizeof(tables));
	n_tables = 0;
	answered = 0;
}

void
fsim_p256_table_reset(void)
{
	if (CRYPTO_THREAD_run_once(&once, tables_init) != 1 || lock == NULL ||
	    CRYPTO_THREAD_write_lock(lock) != 1)
		return;
	tables_drop();
	CRYPTO_THREAD_unlock(lock);
}

static void
tables_free(void)
{
	tables_drop();
	CRYPTO_THREAD_lock_free(lock);
	lock = NULL;
}

static void
tables_init(void)
{
	lock = CRYPTO_THREAD_lock_new();
	/* registered after OpenSSL's own handler, so it runs before it */
	atexit(tables_free);
}

void
fsim_p256_table_skip(bool skip)
{
	skip_tables = skip;
}

void
fsim_p256_table_after(unsigned long n)
{
	if (CRYPTO_THREAD_run_once(&once, tables_init) != 1 || lock == NULL ||
	    CRYPTO_THREAD_write_lock(lock) != 1)
		return;
	after = n > 0 ? n : FSIM_P256_TABLE_AFTER;
	CRYPTO_THREAD_unlock(lock);
}

void
fsim_p256_table_stats(size_t *nt, unsigned long *na)
{
	*nt = 0;
	*na = 0;
	if (CRYPTO_THREAD_run_once(&once, tables_init) != 1 || lock == NULL ||
	    CRYPTO_THREAD_read_lock(lock) != 1)
		return;
	*nt = n_tables;
	*na = answered;
	CRYPTO_THREAD_unlock(lock);
}

/* Is pkey a P-256 key? Its group name, asked of the provider. */
static bool
is_p256(const EVP_PKEY *pkey)
{
	char name[32];
	size_t len = 0;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
	    EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name,
	    sizeof(name), &len) != 1) {
		ERR_clear_error();
		return false;
	}
	return strcmp(name, "prime256v1") == 0 || strcmp(name, "P-256") == 0;
}

static bool
has_private(const EVP_PKEY *pkey)
{
	BIGNUM *d = NULL;
	bool has = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1;

	BN_clear_free(d);
	ERR_clear_error();
	return has;
}

/* The P-256 group with the point pt as its generator, and its precomputed table. */
static EC_GROUP *
make_table(const uint8_t pt[65])
{
	const EC_GROUP *g = fsim_ec_group(FSIM_COSE_CRV_P256);
	EC_GROUP *gq = NULL;
	EC_POINT *q = NULL;
	BN_CTX *ctx = NULL;
	bool ok = false;

	if (g == NULL || (ctx = BN_CTX_new()) == NULL || (gq = EC_GROUP_dup(g)) == NULL ||
	    (q = EC_POINT_new(g)) == NULL)
		goto done;
	ok = EC_POINT_oct2point(g, q, pt, 65, ctx) == 1 &&
	    EC_POINT_is_on_curve(g, q, ctx) == 1 && !EC_POINT_is_at_infinity(g, q) &&
	    EC_GROUP_set_generator(gq, q, EC_GROUP_get0_order(g), BN_value_one()) == 1 &&
	    EC_GROUP_precompute_mult(gq, ctx) == 1;
done:
	EC_POINT_free(q);
	BN_CTX_free(ctx);
	if (!ok) {
		EC_GROUP_free(gq);
		gq = NULL;
	}
	ERR_clear_error();
	return gq;
}

/*
 * The table for pkey, or NULL; counts this verification. Under the lock;
 * builds a table (without the lock) when the count reaches `after`.
 */
/* The slot counting pkey's object, made if need be; N_SEEN when none can be. Under the lock. */
static size_t
slot_of(const EVP_PKEY *pkey)
{
	size_t i, pick = N_SEEN;

	for (i = 0; i < N_SEEN; i++)
		if (seen[i].used && seen[i].addr == pkey)
			return i;
	/* a free slot, or the least recently seen one without a table */
	for (i = 0; i < N_SEEN; i++) {
		if (!seen[i].used) {
			pick = i;
			break;
		}
		if (seen[i].table < 0 && !seen[i].building &&
		    (pick == N_SEEN || seen[i].last < seen[pick].last))
			pick = i;
	}
	if (pick == N_SEEN)
		return N_SEEN;     /* every slot holds a table */
	memset(&seen[pick], 0, sizeof(seen[pick]));
	seen[pick].used = true;
	seen[pick].addr = pkey;
	seen[pick].table = -1;
	return pick;
}

/*
 * Make pkey's table (the lock not held) and install it in the slot that is
 * building it. A private key object is marked never: the cache would keep
 * its secret alive past its owner.
 */
static const EC_GROUP *
build(EVP_PKEY *pkey)
{
	uint8_t pt[65];
	size_t plen = 0, i;
	EC_GROUP *made = NULL;
	const EC_GROUP *t = NULL;
	bool ok;

	ok = is_p256(pkey) && !has_private(pkey) &&
	    EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt,
	    sizeof(pt), &plen) == 1 && plen == 65 && pt[0] == 0x04;
	ERR_clear_error();
	if (ok && (made = make_table(pt)) != NULL && EVP_PKEY_up_ref(pkey) != 1) {
		EC_GROUP_free(made);
		made = NULL;
	}
	if (CRYPTO_THREAD_write_lock(lock) != 1) {
		if (made != NULL) {
			EC_GROUP_free(made);
			EVP_PKEY_free(pkey);
		}
		return NULL;
	}
	for (i = 0; i < N_SEEN; i++)
		if (seen[i].used && seen[i].building && seen[i].addr == pkey)
			break;
	if (i < N_SEEN) {
		seen[i].building = false;
		seen[i].never = !ok || made == NULL;
		if (made != NULL && n_tables < FSIM_P256_TABLE_MAX) {
			tables[n_tables] = made;
			seen[i].table = (int)n_tables++;
			answered++;
			seen[i].ref = pkey;
			t = made;
			made = NULL;
		}
	}
	CRYPTO_THREAD_unlock(lock);
	if (made != NULL) {
		EC_GROUP_free(made);
		EVP_PKEY_free(pkey);
	}
	return t;
}

/*
 * The table for pkey, or NULL; counts this verification, and builds the
 * table when the count reaches `after`.
 */
static const EC_GROUP *
table_for(EVP_PKEY *pkey)
{
	const EC_GROUP *t = NULL;
	bool make = false;
	size_t i;

	if (CRYPTO_THREAD_run_once(&once, tables_init) != 1 || lock == NULL ||
	    CRYPTO_THREAD_write_lock(lock) != 1)
		return NULL;
	if ((i = slot_of(pkey)) < N_SEEN) {
		seen[i].last = ++clock_tick;
		seen[i].count++;
		if (seen[i].table >= 0 && seen[i].ref == pkey) {
			t = tables[seen[i].table];
			answered++;     /* counted under the lock taken anyway */
		} else if (seen[i].table < 0 && !seen[i].building && !seen[i].never &&
		    seen[i].count >= after && n_tables < FSIM_P256_TABLE_MAX) {
			seen[i].building = true;
			make = true;
		}
	}
	CRYPTO_THREAD_unlock(lock);
	return make ? build(pkey) : t;
}

/* ---- s^-1 mod n: binary inversion on four 64-bit limbs (little-endian) ---- */

/* n, the order of the P-256 group (FIPS 186-5 / SP 800-186 §3.2.1.3) */
static const uint64_t order_n[4] = {
	0xf3b9cac2fc632551ULL, 0xbce6faada7179e84ULL,
	0xffffffffffffffffULL, 0xffffffff00000000ULL,
};

static uint64_t
add4(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
	unsigned __int128 t = 0;
	int i;

	for (i = 0; i < 4; i++) {
		t += (unsigned __int128)a[i] + b[i];
		r[i] = (uint64_t)t;
		t >>= 64;
	}
	return (uint64_t)t;
}

static uint64_t
sub4(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
	uint64_t borrow = 0;
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t d = a[i] - b[i], d2 = d - borrow;

		borrow = (a[i] < b[i]) | (d < borrow);
		r[i] = d2;
	}
	return borrow;
}

static int
cmp4(const uint64_t a[4], const uint64_t b[4])
{
	int i;

	for (i = 3; i >= 0; i--)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static bool
is_one(const uint64_t a[4])
{
	return a[0] == 1 && a[1] == 0 && a[2] == 0 && a[3] == 0;
}

static bool
is_zero(const uint64_t a[4])
{
	return (a[0] | a[1] | a[2] | a[3]) == 0;
}

/* a >>= 1, with `top` shifted in as the new bit 255 */
static void
shr1(uint64_t a[4], uint64_t top)
{
	a[0] = (a[0] >> 1) | (a[1] << 63);
	a[1] = (a[1] >> 1) | (a[2] << 63);
	a[2] = (a[2] >> 1) | (a[3] << 63);
	a[3] = (a[3] >> 1) | (top << 63);
}

/* x = x / 2 mod n, x in [0, n) (n odd: x + n is even when x is odd) */
static void
halve_mod(uint64_t x[4])
{
	uint64_t c = 0;

	if (x[0] & 1)
		c = add4(x, x, order_n);
	shr1(x, c);
}

/* x = x - y mod n, both in [0, n) */
static void
sub_mod(uint64_t x[4], const uint64_t y[4])
{
	if (sub4(x, x, y))
		(void)add4(x, x, order_n);
}

static void
from_be(const uint8_t b[32], uint64_t a[4])
{
	int i, j;

	for (i = 0; i < 4; i++) {
		a[i] = 0;
		for (j = 0; j < 8; j++)
			a[i] |= (uint64_t)b[31 - 8 * i - j] << (8 * j);
	}
}

static void
to_be(const uint64_t a[4], uint8_t b[32])
{
	int i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			b[31 - 8 * i - j] = (uint8_t)(a[i] >> (8 * j));
}

/*
 * The inverse of a (1 <= a < n) modulo the P-256 order: the binary extended
 * Euclidean algorithm (Menezes et al., Handbook of Applied Cryptography,
 * algorithm 14.61, with the invariants x1 * a = u and x2 * a = v mod n).
 * Not constant time: it only ever sees a public signature's s. Returns -1
 * for a out of range.
 */
int
fsim_p256_inv_mod_n(const uint8_t a_be[32], uint8_t out_be[32])
{
	uint64_t u[4], v[4], x1[4] = { 1, 0, 0, 0 }, x2[4] = { 0, 0, 0, 0 };
	int steps;

	from_be(a_be, u);
	if (is_zero(u) || cmp4(u, order_n) >= 0)
		return -1;
	memcpy(v, order_n, sizeof(v));
	/* each pass halves u or v at least once: 2 * 256 passes bound it */
	for (steps = 0; !is_one(u) && !is_one(v); steps++) {
		if (steps > 1024 || is_zero(u) || is_zero(v))
			return -1;     /* not invertible: cannot happen for n prime */
		while (!(u[0] & 1)) {
			shr1(u, 0);
			halve_mod(x1);
		}
		while (!(v[0] & 1)) {
			shr1(v, 0);
			halve_mod(x2);
		}
		if (cmp4(u, v) >= 0) {
			(void)sub4(u, u, v);
			sub_mod(x1, x2);
		} else {
			(void)sub4(v, v, u);
			sub_mod(x2, x1);
		}
	}
	to_be(is_one(u) ? x1 : x2, out_be);
	return 0;
}

int
fsim_p256_table_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t mlen,
    const uint8_t *sig, size_t slen)
{
	const EC_GROUP *gq, *g = fsim_ec_group(FSIM_COSE_CRV_P256);
	const BIGNUM *r, *s, *n;
	const unsigned char *p = sig;
	ECDSA_SIG *es = NULL;
	EC_POINT *p1 = NULL, *p2 = NULL, *x = NULL;
	BN_CTX *ctx = NULL;
	BIGNUM *e, *w, *u1, *u2, *xr, *jx, *jz, *fp;
	uint8_t sb[32], wb[32], dgst[32];
	int ret = -1;

	if (skip_tables || pkey == NULL || (msg == NULL && mlen > 0) || sig == NULL ||
	    g == NULL || slen == 0 || slen > 72 || (gq = table_for(pkey)) == NULL ||
	    fsim_sha256(msg, mlen, dgst) != 0)
		return -1;
	n = EC_GROUP_get0_order(g);
	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)slen)) == NULL || p != sig + slen)
		goto done;
	ECDSA_SIG_get0(es, &r, &s);
	if ((ctx = BN_CTX_new()) == NULL)
		goto done;
	BN_CTX_start(ctx);
	e = BN_CTX_get(ctx);
	w = BN_CTX_get(ctx);
	u1 = BN_CTX_get(ctx);
	u2 = BN_CTX_get(ctx);
	jx = BN_CTX_get(ctx);
	jz = BN_CTX_get(ctx);
	fp = BN_CTX_get(ctx);
	if ((xr = BN_CTX_get(ctx)) == NULL || (p1 = EC_POINT_new(g)) == NULL ||
	    (p2 = EC_POINT_new(gq)) == NULL || (x = EC_POINT_new(g)) == NULL)
		goto done;
	/* 1 <= r, s < n (SIG-01 checked it; a verification never trusts that) */
	if (BN_is_zero(r) || BN_is_negative(r) || BN_cmp(r, n) >= 0 ||
	    BN_is_zero(s) || BN_is_negative(s) || BN_cmp(s, n) >= 0) {
		ret = 0;
		goto done;
	}
	/* e: the digest as an integer (SHA-256 is as long as n: nothing to cut) */
	if (BN_bn2binpad(s, sb, 32) != 32 || fsim_p256_inv_mod_n(sb, wb) != 0 ||
	    BN_bin2bn(wb, 32, w) == NULL || BN_bin2bn(dgst, 32, e) == NULL ||
	    BN_mod_mul(u1, e, w, n, ctx) != 1 || BN_mod_mul(u2, r, w, n, ctx) != 1)
		goto done;
	/* R = u1*G + u2*Q, each from its table */
	if (EC_POINT_mul(g, p1, u1, NULL, NULL, ctx) != 1 ||
	    EC_POINT_mul(gq, p2, u2, NULL, NULL, ctx) != 1 ||
	    EC_POINT_add(g, x, p1, p2, ctx) != 1)
		goto done;
	if (EC_POINT_is_at_infinity(g, x)) {
		ret = 0;
		goto done;
	}
	/*
	 * x(R) mod n = r without making R affine: R = (X, Y, Z) in Jacobian
	 * coordinates has x = X / Z^2, and x mod n = r means x = r or x = r + n
	 * (the latter only when r + n < p); so compare r * Z^2 (and (r + n) *
	 * Z^2) with X, mod p.
	 */
	if (EC_POINT_get_Jprojective_coordinates_GFp(g, x, jx, NULL, jz, ctx) != 1 ||
	    EC_GROUP_get_curve(g, fp, NULL, NULL, ctx) != 1 ||
	    BN_mod_sqr(jz, jz, fp, ctx) != 1 || BN_mod_mul(xr, r, jz, fp, ctx) != 1)
		goto done;
	ret = BN_cmp(xr, jx) == 0 ? 1 : 0;
	if (ret == 0) {
		if (BN_add(xr, r, n) != 1)
			goto fail_ret;
		if (BN_cmp(xr, fp) < 0) {
			if (BN_mod_mul(xr, xr, jz, fp, ctx) != 1)
				goto fail_ret;
			ret = BN_cmp(xr, jx) == 0 ? 1 : 0;
		}
	}
	goto done;
fail_ret:
	ret = -1;
done:
	if (ctx != NULL)
		BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	EC_POINT_free(p1);
	EC_POINT_free(p2);
	EC_POINT_free(x);
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return ret;
}
