/*
 * mldsa_sign.c — ML-DSA key generation from the seed xi, signing and
 * verification (FIPS 204 Algorithms 6-8 and the message representative of
 * Algorithms 2-3), on keys expanded once (the matrix A and the NTT forms of
 * s1, s2, t0, t1) so that no operation re-derives what the key fixes.
 *
 * The private key is kept as its seed (the form RFC 9881 and the Wycheproof
 * vectors carry) plus the expansion; the FIPS 204 skEncode form is never
 * needed. Secrets are wiped on every exit.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "mldsa_int.h"
#include "util.h"

/* Table 1 (FIPS 204 §4): lambda/4 = c~ bytes; sizes from Table 2. */
static const struct fsim_mldsa_params params_tab[] = {
	{ 44, 4, 4, 2, 39, 78, 1 << 17, (MLDSA_Q - 1) / 88, 80, 32, 1312, 2420 },
	{ 65, 6, 5, 4, 49, 196, 1 << 19, (MLDSA_Q - 1) / 32, 55, 48, 1952, 3309 },
	{ 87, 8, 7, 2, 60, 120, 1 << 19, (MLDSA_Q - 1) / 32, 75, 64, 2592, 4627 },
};

/* A signer that needs this many iterations has a broken key or RNG. */
#define SIGN_MAX_ITER 1000

const struct fsim_mldsa_params *
fsim_mldsa_params(int set)
{
	size_t i;

	for (i = 0; i < sizeof(params_tab) / sizeof(params_tab[0]); i++)
		if (params_tab[i].set == set)
			return &params_tab[i];
	return NULL;
}

struct fsim_mldsa_raw {
	const struct fsim_mldsa_params *pp;
	uint8_t pk[2592];
	uint8_t tr[MLDSA_TRBYTES];
	mldsa_poly a[MLDSA_KMAX][MLDSA_LMAX];   /* A, NTT domain */
	mldsa_poly t1[MLDSA_KMAX];              /* t1 * 2^d, NTT domain */
	bool priv;
	uint8_t xi[MLDSA_SEEDBYTES];
	uint8_t key[32];                        /* K */
	mldsa_poly s1[MLDSA_LMAX], s2[MLDSA_KMAX], t0[MLDSA_KMAX];  /* NTT domain */
};

void
fsim_mldsa_raw_free(fsim_mldsa_raw_t **kp)
{
	if (kp == NULL || *kp == NULL)
		return;
	fsim_wipe(*kp, sizeof(**kp));
	free(*kp);
	*kp = NULL;
}

int
fsim_mldsa_raw_set(const fsim_mldsa_raw_t *k)
{
	return k != NULL ? k->pp->set : 0;
}

const uint8_t *
fsim_mldsa_raw_public(const fsim_mldsa_raw_t *k, size_t *len)
{
	if (k == NULL)
		return NULL;
	if (len != NULL)
		*len = k->pp->pk_len;
	return k->pk;
}

const uint8_t *
fsim_mldsa_raw_seed(const fsim_mldsa_raw_t *k)
{
	return k != NULL && k->priv ? k->xi : NULL;
}

bool
fsim_mldsa_raw_equal(const fsim_mldsa_raw_t *a, const fsim_mldsa_raw_t *b)
{
	return a != NULL && b != NULL && a->pp == b->pp &&
	    CRYPTO_memcmp(a->pk, b->pk, a->pp->pk_len) == 0;
}

/* Algorithm 32 ExpandA, straight into the NTT domain (A is sampled there). */
static int
expand_a(EVP_MD_CTX *ctx, fsim_mldsa_raw_t *k, const uint8_t rho[32])
{
	int r, s;

	for (r = 0; r < k->pp->k; r++)
		for (s = 0; s < k->pp->l; s++)
			if (fsim_mldsa_rej_ntt(ctx, rho, (uint8_t)s, (uint8_t)r,
			    &k->a[r][s]) != 0)
				return -1;
	return 0;
}

/* t1 * 2^d into the NTT domain, and tr = H(pk, 64). */
static int
finish_public(EVP_MD_CTX *ctx, fsim_mldsa_raw_t *k)
{
	int i;
	unsigned j;

	for (i = 0; i < k->pp->k; i++) {
		for (j = 0; j < MLDSA_N; j++)
			k->t1[i].c[j] <<= MLDSA_D;
		fsim_mldsa_ntt(&k->t1[i]);
	}
	return fsim_mldsa_shake(ctx, true, k->pk, k->pp->pk_len, NULL, 0, NULL, 0,
	    k->tr, sizeof(k->tr));
}

int
fsim_mldsa_raw_from_public(int set, const uint8_t *pk, size_t len,
    fsim_mldsa_raw_t **out)
{
	const struct fsim_mldsa_params *pp = fsim_mldsa_params(set);
	fsim_mldsa_raw_t *k = NULL;
	EVP_MD_CTX *ctx = NULL;
	int i, r = FSIM_ERR_INTERNAL;

	if (out != NULL)
		*out = NULL;
	if (pp == NULL || out == NULL || pk == NULL)
		return FSIM_ERR_ARG;
	if (len != pp->pk_len)
		return FSIM_ERR_FORMAT;
	if ((k = calloc(1, sizeof(*k))) == NULL || (ctx = EVP_MD_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	k->pp = pp;
	memcpy(k->pk, pk, len);
	/* Algorithm 23 pkDecode: rho, then t1 (every 10-bit value is legal) */
	for (i = 0; i < pp->k; i++)
		fsim_mldsa_unpack_t1(pk + 32 + 320 * (size_t)i, &k->t1[i]);
	if (expand_a(ctx, k, pk) != 0 || finish_public(ctx, k) != 0)
		goto fail;
	*out = k;
	k = NULL;
	r = 0;
fail:
	fsim_mldsa_raw_free(&k);
	EVP_MD_CTX_free(ctx);
	return r;
}

/* Algorithm 6 ML-DSA.KeyGen_internal(xi). */
int
fsim_mldsa_raw_from_seed(int set, const uint8_t xi[32], fsim_mldsa_raw_t **out)
{
	const struct fsim_mldsa_params *pp = fsim_mldsa_params(set);
	uint8_t in[34], seeds[128];  /* rho (32) || rho' (64) || K (32) */
	fsim_mldsa_raw_t *k = NULL;
	EVP_MD_CTX *ctx = NULL;
	mldsa_poly t, *s1hat = NULL;
	int i, j, r = FSIM_ERR_INTERNAL;
	unsigned n;
	int32_t r1, r0;

	if (out != NULL)
		*out = NULL;
	if (pp == NULL || out == NULL || xi == NULL)
		return FSIM_ERR_ARG;
	if ((k = calloc(1, sizeof(*k))) == NULL || (ctx = EVP_MD_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	k->pp = pp;
	k->priv = true;
	memcpy(k->xi, xi, 32);
	memcpy(in, xi, 32);
	in[32] = (uint8_t)pp->k;
	in[33] = (uint8_t)pp->l;
	if (fsim_mldsa_shake(ctx, true, in, sizeof(in), NULL, 0, NULL, 0, seeds,
	    sizeof(seeds)) != 0 || expand_a(ctx, k, seeds) != 0)
		goto fail;
	memcpy(k->key, seeds + 96, 32);
	/* Algorithm 33 ExpandS */
	for (i = 0; i < pp->l; i++)
		if (fsim_mldsa_rej_bounded(ctx, pp->eta, seeds + 32, (uint16_t)i,
		    &k->s1[i]) != 0)
			goto fail;
	for (i = 0; i < pp->k; i++)
		if (fsim_mldsa_rej_bounded(ctx, pp->eta, seeds + 32,
		    (uint16_t)(pp->l + i), &k->s2[i]) != 0)
			goto fail;
	s1hat = k->s1;
	for (i = 0; i < pp->l; i++)
		fsim_mldsa_ntt(&s1hat[i]);
	memcpy(k->pk, seeds, 32);
	for (i = 0; i < pp->k; i++) {
		/* t = NTT^-1(A s1^) + s2, then Power2Round (Algorithm 6 steps 5-6) */
		memset(&t, 0, sizeof(t));
		for (j = 0; j < pp->l; j++)
			fsim_mldsa_pointwise_acc(&t, &k->a[i][j], &s1hat[j]);
		fsim_mldsa_invntt(&t);
		for (n = 0; n < MLDSA_N; n++)
			t.c[n] += k->s2[i].c[n];
		fsim_mldsa_freeze(&t);
		for (n = 0; n < MLDSA_N; n++) {
			fsim_mldsa_power2round(t.c[n], &r1, &r0);
			k->t1[i].c[n] = r1;
			k->t0[i].c[n] = r0;
		}
		fsim_mldsa_pack_t1(&k->t1[i], k->pk + 32 + 320 * (size_t)i);
		fsim_mldsa_ntt(&k->s2[i]);
		fsim_mldsa_ntt(&k->t0[i]);
	}
	if (finish_public(ctx, k) != 0)
		goto fail;
	*out = k;
	k = NULL;
	r = 0;
fail:
	fsim_wipe(in, sizeof(in));
	fsim_wipe(seeds, sizeof(seeds));
	fsim_wipe(&t, sizeof(t));
	fsim_wipe(&r0, sizeof(r0));
	fsim_mldsa_raw_free(&k);
	EVP_MD_CTX_free(ctx);
	return r;
}

int
fsim_mldsa_raw_mu(const fsim_mldsa_raw_t *k, const uint8_t *c, size_t clen,
    const uint8_t *msg, size_t mlen, uint8_t mu[64])
{
	uint8_t hdr[2] = { 0, (uint8_t)clen };  /* domain 0: pure ML-DSA */
	EVP_MD_CTX *ctx;
	int r = FSIM_ERR_INTERNAL;

	if (k == NULL || clen > 255 || (c == NULL && clen > 0) ||
	    (msg == NULL && mlen > 0))
		return FSIM_ERR_ARG;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return FSIM_ERR_NOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_shake256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, k->tr, sizeof(k->tr)) == 1 &&
	    EVP_DigestUpdate(ctx, hdr, 2) == 1 &&
	    (clen == 0 || EVP_DigestUpdate(ctx, c, clen) == 1) &&
	    (mlen == 0 || EVP_DigestUpdate(ctx, msg, mlen) == 1) &&
	    EVP_DigestFinalXOF(ctx, mu, 64) == 1)
		r = 0;
	EVP_MD_CTX_free(ctx);
	return r;
}

/* Working state of one signature (or verification): about 50 kB, off the stack. */
struct sign_ws {
	mldsa_poly y[MLDSA_LMAX], yhat[MLDSA_LMAX], z[MLDSA_LMAX];
	mldsa_poly w[MLDSA_KMAX], w1[MLDSA_KMAX], h[MLDSA_KMAX];
	mldsa_poly c, t, u;
	uint8_t w1enc[MLDSA_KMAX * 192];
	uint8_t rhopp[MLDSA_CRHBYTES];
	uint8_t ctilde[64];
};

/* h = [HighBits(a) != HighBits(b)] for one coefficient pair, in constant time. */
static int32_t
hint_bit(const struct fsim_mldsa_params *pp, int32_t a, int32_t b)
{
	int32_t a1, a0, b1, b0;
	uint32_t x;

	fsim_mldsa_decompose(pp, a, &a1, &a0);
	fsim_mldsa_decompose(pp, b, &b1, &b0);
	x = (uint32_t)(a1 ^ b1);
	return (int32_t)((x | (0u - x)) >> 31);
}

/*
 * One iteration of Algorithm 7 steps 11-31 for kappa. Returns 1 when the
 * candidate was rejected, 0 when ws holds the signature's c~, z and h, -1 on
 * an internal error.
 */
static int
sign_try(const fsim_mldsa_raw_t *k, EVP_MD_CTX *ctx, const uint8_t mu[64],
    uint16_t kappa, struct sign_ws *ws)
{
	const struct fsim_mldsa_params *pp = k->pp;
	size_t off = 0;
	int i, j;
	unsigned n;
	int32_t r1, r0;
	uint32_t bad = 0;
	int hints = 0;

	for (j = 0; j < pp->l; j++) {
		if (fsim_mldsa_expand_mask_poly(ctx, pp, ws->rhopp,
		    (uint16_t)(kappa + j), &ws->y[j]) != 0)
			return -1;
		ws->yhat[j] = ws->y[j];
		fsim_mldsa_ntt(&ws->yhat[j]);
	}
	/* w = NTT^-1(A y^), w1 = HighBits(w) */
	for (i = 0; i < pp->k; i++) {
		memset(&ws->w[i], 0, sizeof(ws->w[i]));
		for (j = 0; j < pp->l; j++)
			fsim_mldsa_pointwise_acc(&ws->w[i], &k->a[i][j], &ws->yhat[j]);
		fsim_mldsa_invntt(&ws->w[i]);
		fsim_mldsa_freeze(&ws->w[i]);
		for (n = 0; n < MLDSA_N; n++) {
			fsim_mldsa_decompose(pp, ws->w[i].c[n], &r1, &r0);
			ws->w1[i].c[n] = r1;
		}
		off += fsim_mldsa_pack_w1(pp, &ws->w1[i], ws->w1enc + off);
	}
	if (fsim_mldsa_shake(ctx, true, mu, 64, ws->w1enc, off, NULL, 0, ws->ctilde,
	    pp->ctilde_len) != 0 ||
	    fsim_mldsa_sample_in_ball(ctx, pp->tau, ws->ctilde, pp->ctilde_len,
	    &ws->c) != 0)
		return -1;
	fsim_mldsa_ntt(&ws->c);
	/* z = y + c s1; reject when ||z|| >= gamma1 - beta */
	for (j = 0; j < pp->l; j++) {
		fsim_mldsa_pointwise(&ws->t, &ws->c, &k->s1[j]);
		fsim_mldsa_invntt(&ws->t);
		fsim_mldsa_center(&ws->t);
		for (n = 0; n < MLDSA_N; n++)
			ws->z[j].c[n] = ws->y[j].c[n] + ws->t.c[n];
		bad |= fsim_mldsa_norm_ge(&ws->z[j], pp->gamma1 - pp->beta);
	}
	for (i = 0; i < pp->k; i++) {
		/* r = w - c s2: ||LowBits(r)|| < gamma2 - beta */
		fsim_mldsa_pointwise(&ws->t, &ws->c, &k->s2[i]);
		fsim_mldsa_invntt(&ws->t);
		fsim_mldsa_center(&ws->t);
		for (n = 0; n < MLDSA_N; n++)
			ws->t.c[n] = ws->w[i].c[n] - ws->t.c[n];
		fsim_mldsa_freeze(&ws->t);
		for (n = 0; n < MLDSA_N; n++) {
			fsim_mldsa_decompose(pp, ws->t.c[n], &r1, &r0);
			ws->u.c[n] = r0;
		}
		bad |= fsim_mldsa_norm_ge(&ws->u, pp->gamma2 - pp->beta);
		/* c t0: ||c t0|| < gamma2; h = MakeHint(-c t0, r + c t0) */
		fsim_mldsa_pointwise(&ws->u, &ws->c, &k->t0[i]);
		fsim_mldsa_invntt(&ws->u);
		fsim_mldsa_center(&ws->u);
		bad |= fsim_mldsa_norm_ge(&ws->u, pp->gamma2);
		for (n = 0; n < MLDSA_N; n++)
			ws->u.c[n] += ws->t.c[n];
		fsim_mldsa_freeze(&ws->u);
		for (n = 0; n < MLDSA_N; n++) {
			ws->h[i].c[n] = hint_bit(pp, ws->u.c[n], ws->t.c[n]);
			hints += ws->h[i].c[n];
		}
	}
	/* the verdict (and the hint count) is public: FIPS 204 §3.6.3 */
	return bad != 0 || hints > pp->omega ? 1 : 0;
}

int
fsim_mldsa_raw_sign_mu(const fsim_mldsa_raw_t *k, const uint8_t mu[64],
    const uint8_t rnd[32], uint8_t *sig)
{
	const struct fsim_mldsa_params *pp;
	struct sign_ws *ws = NULL;
	EVP_MD_CTX *ctx = NULL;
	int iter, rc, j, r = FSIM_ERR_INTERNAL;
	size_t zlen;

	if (k == NULL || mu == NULL || rnd == NULL || sig == NULL)
		return FSIM_ERR_ARG;
	if (!k->priv)
		return FSIM_ERR_ARG;
	pp = k->pp;
	if ((ws = calloc(1, sizeof(*ws))) == NULL || (ctx = EVP_MD_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	/* rho'' = H(K || rnd || mu, 64) */
	if (fsim_mldsa_shake(ctx, true, k->key, 32, rnd, 32, mu, 64, ws->rhopp,
	    sizeof(ws->rhopp)) != 0)
		goto fail;
	for (iter = 0; iter < SIGN_MAX_ITER; iter++) {
		if ((rc = sign_try(k, ctx, mu, (uint16_t)(iter * pp->l), ws)) < 0)
			goto fail;
		if (rc == 0)
			break;
	}
	if (iter == SIGN_MAX_ITER)
		goto fail;
	/* Algorithm 26 sigEncode: c~ || BitPack(z) || HintBitPack(h) */
	zlen = pp->gamma1 == (1 << 17) ? 32 * 18 : 32 * 20;
	memcpy(sig, ws->ctilde, pp->ctilde_len);
	for (j = 0; j < pp->l; j++)
		fsim_mldsa_pack_z(pp, &ws->z[j], sig + pp->ctilde_len + zlen * (size_t)j);
	fsim_mldsa_pack_hints(pp, ws->h, sig + pp->ctilde_len + zlen * (size_t)pp->l);
	r = 0;
fail:
	if (ws != NULL) {
		fsim_wipe(ws, sizeof(*ws));
		free(ws);
	}
	EVP_MD_CTX_free(ctx);
	return r;
}

/* Algorithm 8 ML-DSA.Verify_internal from mu. */
int
fsim_mldsa_raw_verify_mu(const fsim_mldsa_raw_t *k, const uint8_t mu[64],
    const uint8_t *sig, size_t slen)
{
	const struct fsim_mldsa_params *pp;
	struct sign_ws *ws = NULL;   /* z, w, h, c, t: the same shapes */
	EVP_MD_CTX *ctx = NULL;
	size_t zlen, off = 0;
	int i, j, r = FSIM_ERR_SIGNATURE;
	unsigned n;

	if (k == NULL || mu == NULL || (sig == NULL && slen > 0))
		return FSIM_ERR_ARG;
	pp = k->pp;
	if (slen != pp->sig_len)
		return FSIM_ERR_SIGNATURE;
	if ((ws = malloc(sizeof(*ws))) == NULL || (ctx = EVP_MD_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	zlen = pp->gamma1 == (1 << 17) ? 32 * 18 : 32 * 20;
	/* Algorithm 27 sigDecode */
	if (!fsim_mldsa_unpack_hints(pp, sig + pp->ctilde_len + zlen * (size_t)pp->l,
	    ws->h))
		goto fail;
	for (j = 0; j < pp->l; j++) {
		fsim_mldsa_unpack_z(pp, sig + pp->ctilde_len + zlen * (size_t)j, &ws->z[j]);
		if (fsim_mldsa_norm_ge(&ws->z[j], pp->gamma1 - pp->beta))
			goto fail;
		fsim_mldsa_ntt(&ws->z[j]);
	}
	r = FSIM_ERR_INTERNAL;
	if (fsim_mldsa_sample_in_ball(ctx, pp->tau, sig, pp->ctilde_len, &ws->c) != 0)
		goto fail;
	fsim_mldsa_ntt(&ws->c);
	/* w'approx = NTT^-1(A z^ - c^ t1^ 2^d); w1' = UseHint(h, w'approx) */
	for (i = 0; i < pp->k; i++) {
		memset(&ws->w[i], 0, sizeof(ws->w[i]));
		for (j = 0; j < pp->l; j++)
			fsim_mldsa_pointwise_acc(&ws->w[i], &k->a[i][j], &ws->z[j]);
		fsim_mldsa_pointwise(&ws->t, &ws->c, &k->t1[i]);
		for (n = 0; n < MLDSA_N; n++)
			ws->w[i].c[n] -= ws->t.c[n];
		fsim_mldsa_invntt(&ws->w[i]);
		fsim_mldsa_freeze(&ws->w[i]);
		for (n = 0; n < MLDSA_N; n++)
			ws->w1[i].c[n] = fsim_mldsa_use_hint(pp, ws->h[i].c[n],
			    ws->w[i].c[n]);
		off += fsim_mldsa_pack_w1(pp, &ws->w1[i], ws->w1enc + off);
	}
	if (fsim_mldsa_shake(ctx, true, mu, 64, ws->w1enc, off, NULL, 0, ws->ctilde,
	    pp->ctilde_len) != 0)
		goto fail;
	r = CRYPTO_memcmp(ws->ctilde, sig, pp->ctilde_len) == 0 ? 0 :
	    FSIM_ERR_SIGNATURE;
fail:
	free(ws);
	EVP_MD_CTX_free(ctx);
	return r;
}
