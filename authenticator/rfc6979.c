/*
 * rfc6979.c — deterministic ECDSA (RFC 6979) on P-256/384/521, so seeded
 * runs give byte-identical signatures: OpenSSL 3.0 has no deterministic
 * ECDSA of its own (3.2 added it), so the nonce comes from here and the
 * signature is computed with BIGNUM and EC_POINT arithmetic.
 *
 * The nonce is HMAC-based (§3.2) with the alg's own hash (SHA-256 for ES256,
 * SHA-384 for ES384, SHA-512 for ES512). s is left as computed (no low-S
 * normalisation), as RFC 6979's known answers and WebAuthn (SIG-01) allow.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "authenticator/keys.h"
#include "authenticator/keys_int.h"
#include "core/hmac.h"
#include "core/ossl_cache.h"
#include "core/p256_table.h"

#define MAX_HLEN 64                 /* SHA-512 */
#define MAX_RLEN 66                 /* P-521 order bytes */
#define MAX_TLEN (2 * MAX_HLEN)     /* T holds ceil(qlen / hlen) blocks */
#define MAX_TRIES 64                /* each retry has probability ~2^-32 or less */

/* HMAC_DRBG-like state of §3.2 steps b..h. */
struct kgen {
	EVP_MD_CTX *mctx;       /* reused for every HMAC (core/hmac.h) */
	const EVP_MD *md;
	size_t hlen;
	uint8_t k[MAX_HLEN];
	uint8_t v[MAX_HLEN];
};

/* out = HMAC_K(a | sep | b | c), sep absent when sep < 0. */
static int
kg_hmac(struct kgen *g, const uint8_t *a, size_t alen, int sep, const uint8_t *b,
    size_t blen, const uint8_t *c, size_t clen, uint8_t *out)
{
	uint8_t s = (uint8_t)sep;
	const fsim_hmac_part_t parts[4] = { { a, alen }, { &s, sep >= 0 ? 1 : 0 }, { b, blen },
	    { c, clen } };

	return fsim_hmac(g->mctx, g->md, g->k, g->hlen, parts, 4, out) == 0 ? 0 :
	    FSIM_ERR_INTERNAL;
}

/* K = HMAC_K(V | sep | x | h); V = HMAC_K(V). */
static int
kg_step(struct kgen *g, int sep, const uint8_t *x, const uint8_t *h, size_t rlen)
{
	uint8_t t[MAX_HLEN];
	int r = FSIM_ERR_INTERNAL;

	if (kg_hmac(g, g->v, g->hlen, sep, x, x ? rlen : 0, h, h ? rlen : 0, t) != 0)
		goto fail;
	memcpy(g->k, t, g->hlen);
	if (kg_hmac(g, g->v, g->hlen, -1, NULL, 0, NULL, 0, g->v) != 0)
		goto fail;
	r = 0;
fail:
	fsim_wipe(t, sizeof(t));
	return r;
}

/* bits2int (§2.3.2): the leftmost qlen bits of buf as an integer. */
static int
bits2int(const uint8_t *buf, size_t len, int qlen, BIGNUM *out)
{
	if (BN_bin2bn(buf, (int)len, out) == NULL)
		return FSIM_ERR_INTERNAL;
	if (len * 8 > (size_t)qlen && BN_rshift(out, out, (int)(len * 8 - (size_t)qlen)) != 1)
		return FSIM_ERR_INTERNAL;
	return 0;
}

/*
 * Steps b..g: V = 0x01.., K = 0x00.., then two rounds keyed with
 * int2octets(x) and bits2octets(h1).
 */
static int
kg_init(struct kgen *g, const char *md, size_t hlen, const uint8_t *x,
    const uint8_t *h, size_t rlen)
{
	g->hlen = hlen;
	if ((g->md = fsim_md_fetched(md)) == NULL || (size_t)EVP_MD_get_size(g->md) != hlen)
		return FSIM_ERR_INTERNAL;
	memset(g->v, 0x01, hlen);
	memset(g->k, 0x00, hlen);
	if (kg_step(g, 0x00, x, h, rlen) != 0 || kg_step(g, 0x01, x, h, rlen) != 0)
		return FSIM_ERR_INTERNAL;
	return 0;
}

/*
 * Step h: the next candidate k in [1, n-1]. After a candidate that was
 * rejected (out of range here, or r or s zero in the caller), K and V move
 * on with HMAC_K(V | 0x00) before the next one: `again` says so.
 */
static int
kg_next(struct kgen *g, const BIGNUM *order, bool again, BIGNUM *k)
{
	uint8_t t[MAX_TLEN];
	size_t tlen;
	int qlen = BN_num_bits(order), tries, r = FSIM_ERR_INTERNAL;

	for (tries = 0; tries < MAX_TRIES; tries++) {
		if (again && kg_step(g, 0x00, NULL, NULL, 0) != 0)
			goto fail;
		again = true;
		for (tlen = 0; tlen * 8 < (size_t)qlen; tlen += g->hlen) {
			if (tlen + g->hlen > sizeof(t) ||
			    kg_hmac(g, g->v, g->hlen, -1, NULL, 0, NULL, 0, g->v) != 0)
				goto fail;
			memcpy(t + tlen, g->v, g->hlen);
		}
		if (bits2int(t, tlen, qlen, k) != 0)
			goto fail;
		if (!BN_is_zero(k) && BN_cmp(k, order) < 0) {
			r = 0;
			goto fail;
		}
	}
fail:
	fsim_wipe(t, sizeof(t));
	return r;
}

/* x as rlen bytes and bits2octets(h1) = int2octets(bits2int(h1) mod n); e = bits2int(h1). */
static int
prepare(const BIGNUM *d, const uint8_t *h1, size_t hlen, const BIGNUM *order,
    size_t rlen, uint8_t *x, uint8_t *hoct, BIGNUM *e, BIGNUM *t)
{
	if (BN_bn2binpad(d, x, (int)rlen) != (int)rlen ||
	    bits2int(h1, hlen, BN_num_bits(order), e) != 0)
		return FSIM_ERR_INTERNAL;
	/* e < 2^qlen < 2n, so one subtraction reduces it */
	if (BN_cmp(e, order) >= 0) {
		if (BN_sub(t, e, order) != 1)
			return FSIM_ERR_INTERNAL;
	} else if (BN_copy(t, e) == NULL)
		return FSIM_ERR_INTERNAL;
	if (BN_bn2binpad(t, hoct, (int)rlen) != (int)rlen)
		return FSIM_ERR_INTERNAL;
	return 0;
}

static int
der_encode(BIGNUM **rp, BIGNUM **sp, fsim_blob_t *sig)
{
	ECDSA_SIG *es = NULL;
	uint8_t *buf = NULL, *p;
	int len, r = FSIM_ERR_NOMEM;

	if ((es = ECDSA_SIG_new()) == NULL || ECDSA_SIG_set0(es, *rp, *sp) != 1)
		goto fail;
	*rp = *sp = NULL;       /* owned by es now */
	r = FSIM_ERR_INTERNAL;
	if ((len = i2d_ECDSA_SIG(es, NULL)) <= 0)
		goto fail;
	if ((buf = malloc((size_t)len)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	p = buf;
	if (i2d_ECDSA_SIG(es, &p) != len)
		goto fail;
	sig->ptr = buf;
	sig->len = (size_t)len;
	buf = NULL;
	r = 0;
fail:
	free(buf);
	ECDSA_SIG_free(es);
	return r;
}

/* Does key sit on ei's curve? */
static bool
key_fits(EVP_PKEY *key, const struct fsim_ecdsa_info *ei)
{
	char group[32];

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
	    EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) != 1)
		return false;
	return strcmp(group, ei->group) == 0;
}

/*
 * kinv = t^-1 mod n for a t that reveals nothing (a blinded value): P-256's
 * by core's binary inversion on 64-bit limbs; other curves' by
 * BN_mod_inverse against a copy of n without BN_FLG_CONSTTIME (the group's
 * order carries it, and it would take the constant-time path).
 */
static int
inverse_public(const struct fsim_ecdsa_info *ei, const BIGNUM *t, const BIGNUM *order,
    BIGNUM *kinv, BN_CTX *ctx)
{
	uint8_t a[32], inv[32];
	BIGNUM *n;
	int r = FSIM_ERR_INTERNAL;

	if (ei->nid == NID_X9_62_prime256v1) {
		if (BN_bn2binpad(t, a, sizeof(a)) == sizeof(a) &&
		    fsim_p256_inv_mod_n(a, inv) == 0 &&
		    BN_bin2bn(inv, sizeof(inv), kinv) != NULL)
			r = 0;
		fsim_wipe(a, sizeof(a));
		fsim_wipe(inv, sizeof(inv));
		return r;
	}
	BN_CTX_start(ctx);
	if ((n = BN_CTX_get(ctx)) != NULL && BN_copy(n, order) != NULL &&
	    BN_mod_inverse(kinv, t, n, ctx) != NULL)
		r = 0;
	BN_CTX_end(ctx);
	return r;
}

int
fsim_rfc6979_sign_scalar(int alg, const BIGNUM *d, const uint8_t *msg, size_t mlen,
    BIGNUM *k_out, fsim_blob_t *sig)
{
	const struct fsim_ecdsa_info *ei;
	struct kgen g;
	EVP_MD *md;
	const EC_GROUP *grp;
	EC_POINT *pt = NULL;
	BN_CTX *ctx = NULL;
	BIGNUM *k, *kinv, *e, *t, *blind, *rr = NULL, *ss = NULL;
	const BIGNUM *order;
	uint8_t h1[MAX_HLEN], x[MAX_RLEN], hoct[MAX_RLEN];
	unsigned int hl = 0;
	size_t hlen, rlen;
	bool again = false;
	int tries, r = FSIM_ERR_NOMEM;

	memset(&g, 0, sizeof(g));
	if ((ei = fsim_ecdsa_info(alg)) == NULL)
		return FSIM_ERR_UNSUPPORTED;
	if ((ctx = BN_CTX_secure_new()) == NULL)
		goto fail;
	BN_CTX_start(ctx);
	k = BN_CTX_get(ctx);
	kinv = BN_CTX_get(ctx);
	e = BN_CTX_get(ctx);
	blind = BN_CTX_get(ctx);
	if ((t = BN_CTX_get(ctx)) == NULL || (rr = BN_new()) == NULL ||
	    (ss = BN_new()) == NULL ||
	    (grp = fsim_ec_group_by_nid(ei->nid)) == NULL ||
	    (pt = EC_POINT_new(grp)) == NULL)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	/* the group, the digest and HMAC are the process's, made once */
	if ((md = fsim_md_fetched(ei->md)) == NULL || (g.mctx = EVP_MD_CTX_new()) == NULL)
		goto fail;
	order = EC_GROUP_get0_order(grp);
	rlen = ei->order_len;
	if (EVP_Digest(msg, mlen, h1, &hl, md, NULL) != 1 || hl > sizeof(h1))
		goto fail;
	hlen = hl;
	/* 1 <= d < n, or the key is not a key */
	if (BN_is_zero(d) || BN_is_negative(d) || BN_cmp(d, order) >= 0) {
		r = FSIM_ERR_ARG;
		goto fail;
	}
	if (prepare(d, h1, hlen, order, rlen, x, hoct, e, t) != 0 ||
	    kg_init(&g, ei->md, hlen, x, hoct, rlen) != 0)
		goto fail;
	for (tries = 0;; tries++) {
		if (tries == MAX_TRIES || kg_next(&g, order, again, k) != 0)
			goto fail;
		again = true;
		BN_set_flags(k, BN_FLG_CONSTTIME);
		/* r = x(kG) mod n */
		if (EC_POINT_mul(grp, pt, k, NULL, NULL, ctx) != 1 ||
		    EC_POINT_get_affine_coordinates(grp, pt, t, NULL, ctx) != 1 ||
		    BN_nnmod(rr, t, order, ctx) != 1)
			goto fail;
		if (BN_is_zero(rr))
			continue;
		/*
		 * s = k^-1 (e + r d) mod n. k^-1 is computed blinded: with b
		 * uniform in [1, n-1] from OpenSSL's private generator, k b is
		 * uniform and says nothing of k, so its inverse may take the fast
		 * variable-time path; k^-1 = b (k b)^-1. (The constant-time
		 * inversion, by extended Euclid or by Fermat, costs four times as
		 * much.) b never touches the environment's stream: the signature
		 * is the same deterministic one.
		 */
		do {
			if (BN_priv_rand_range_ex(blind, order, 0, ctx) != 1)
				goto fail;
		} while (BN_is_zero(blind));
		if (BN_mod_mul(t, k, blind, order, ctx) != 1 ||
		    inverse_public(ei, t, order, kinv, ctx) != 0 ||
		    BN_mod_mul(kinv, kinv, blind, order, ctx) != 1 ||
		    BN_mod_mul(t, rr, d, order, ctx) != 1 ||
		    BN_mod_add(t, t, e, order, ctx) != 1 ||
		    BN_mod_mul(ss, kinv, t, order, ctx) != 1)
			goto fail;
		if (!BN_is_zero(ss))
			break;
	}
	if (k_out != NULL && BN_copy(k_out, k) == NULL)
		goto fail;
	if ((r = der_encode(&rr, &ss, sig)) != 0)
		goto fail;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	fsim_wipe(h1, sizeof(h1));
	fsim_wipe(x, sizeof(x));
	fsim_wipe(hoct, sizeof(hoct));
	EVP_MD_CTX_free(g.mctx);
	fsim_wipe(&g, sizeof(g));
	BN_free(rr);
	BN_free(ss);
	EC_POINT_free(pt);
	if (ctx != NULL)
		BN_CTX_end(ctx);
	BN_CTX_free(ctx);       /* BN_clear_free on k, k^-1, ... */
	return r;
}

int
fsim_ecdsa_sign_rfc6979(EVP_PKEY *key, int alg, const uint8_t *msg, size_t mlen,
    fsim_blob_t *sig)
{
	const struct fsim_ecdsa_info *ei;
	BIGNUM *d = NULL;
	int r = FSIM_ERR_ARG;

	if (sig == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(sig);
	if (key == NULL || (msg == NULL && mlen > 0))
		return FSIM_ERR_ARG;
	if ((ei = fsim_ecdsa_info(alg)) == NULL)
		return FSIM_ERR_UNSUPPORTED;
	if (!key_fits(key, ei))
		goto fail;
	if ((d = BN_secure_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	/* fails for a key without its private half */
	if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1)
		goto fail;
	BN_set_flags(d, BN_FLG_CONSTTIME);
	r = fsim_rfc6979_sign_scalar(alg, d, msg, mlen, NULL, sig);
fail:
	if (r != 0)
		ERR_clear_error();
	BN_clear_free(d);
	return r;
}
