/*
 * mldsa_int.h — the FIPS 204 (ML-DSA) implementation behind core/mldsa.h,
 * shared by mldsa_poly.c (arithmetic, NTT, rounding, sampling), mldsa_pack.c
 * (bit packing), mldsa_sign.c (key generation, signing, verification) and
 * mldsa_prov.c (the OpenSSL 3.0 provider that makes these EVP_PKEYs). Not
 * part of the public core API; only tests and the bench use it directly.
 *
 * Section and algorithm numbers are those of FIPS 204 (August 2024).
 */
#ifndef FSIM_MLDSA_INT_H
#define FSIM_MLDSA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define MLDSA_N 256
#define MLDSA_Q 8380417
#define MLDSA_D 13
#define MLDSA_KMAX 8
#define MLDSA_LMAX 7
#define MLDSA_SEEDBYTES 32
#define MLDSA_CRHBYTES 64    /* rho', mu, rho'' */
#define MLDSA_TRBYTES 64

/* Table 1: the three parameter sets. */
struct fsim_mldsa_params {
	int set;             /* 44, 65, 87 */
	int k, l;
	int eta;
	int tau;
	int beta;            /* tau * eta */
	int32_t gamma1;      /* 2^17 or 2^19 */
	int32_t gamma2;      /* (q-1)/88 or (q-1)/32 */
	int omega;
	size_t ctilde_len;   /* lambda / 4 */
	size_t pk_len, sig_len;
};

const struct fsim_mldsa_params *fsim_mldsa_params(int set);

typedef struct {
	int32_t c[MLDSA_N];
} mldsa_poly;

/* ---- mldsa_poly.c ---- */
int32_t fsim_mldsa_mont_reduce(int64_t a);
void fsim_mldsa_ntt(mldsa_poly *p);
/* Input: a sum of pointwise products (carrying R^-1); output in (-q, q). */
void fsim_mldsa_invntt(mldsa_poly *p);
/* c = a * b * R^-1 in the NTT domain. */
void fsim_mldsa_pointwise(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b);
/* acc += a * b * R^-1 (no reduction; callers bound the number of terms). */
void fsim_mldsa_pointwise_acc(mldsa_poly *acc, const mldsa_poly *a, const mldsa_poly *b);
/* Each coefficient to its representative in (-(q-1)/2, (q-1)/2], in constant time. */
void fsim_mldsa_center(mldsa_poly *p);
/* Each coefficient to [0, q), in constant time. */
void fsim_mldsa_freeze(mldsa_poly *p);
/* Is any centred coefficient's |c| >= bound? Reads every coefficient (constant time). */
bool fsim_mldsa_norm_ge(const mldsa_poly *p, int32_t bound);
/* Algorithm 35 Power2Round on a coefficient in [0, q): r1 and r0. */
void fsim_mldsa_power2round(int32_t r, int32_t *r1, int32_t *r0);
/* Algorithm 36 Decompose on r in [0, q), constant time. */
void fsim_mldsa_decompose(const struct fsim_mldsa_params *pp, int32_t r,
    int32_t *r1, int32_t *r0);
/* Algorithm 40 UseHint on r in [0, q) (verification: public data). */
int32_t fsim_mldsa_use_hint(const struct fsim_mldsa_params *pp, int h, int32_t r);

/*
 * Sampling (§7.3). Each returns 0, or -1 when SHAKE failed (OpenSSL). The
 * XOF output is taken in one piece, as long again when the rejection
 * sampling runs short: SHAKE's output for a longer length extends the shorter.
 */
/* Algorithm 30 RejNTTPoly: A[r][s] from rho || s || r. */
int fsim_mldsa_rej_ntt(EVP_MD_CTX *ctx, const uint8_t rho[32], uint8_t s,
    uint8_t r, mldsa_poly *out);
/* Algorithm 31 RejBoundedPoly from rho' || n (n as 2 bytes, little-endian). */
int fsim_mldsa_rej_bounded(EVP_MD_CTX *ctx, int eta, const uint8_t rhop[64],
    uint16_t n, mldsa_poly *out);
/* Algorithm 29 SampleInBall from c~. */
int fsim_mldsa_sample_in_ball(EVP_MD_CTX *ctx, int tau, const uint8_t *ctilde,
    size_t len, mldsa_poly *c);
/* Algorithm 34 ExpandMask, one polynomial: y from rho'' || (kappa + r). */
int fsim_mldsa_expand_mask_poly(EVP_MD_CTX *ctx, const struct fsim_mldsa_params *pp,
    const uint8_t rhopp[64], uint16_t n, mldsa_poly *y);
/* SHAKE256 / SHAKE128 of the concatenation of up to three pieces. */
int fsim_mldsa_shake(EVP_MD_CTX *ctx, bool s256, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen, const uint8_t *c, size_t clen, uint8_t *out,
    size_t olen);

/* ---- mldsa_pack.c ---- */
/* Algorithm 22 pkEncode / 23 pkDecode (t1: 10 bits per coefficient). */
void fsim_mldsa_pack_t1(const mldsa_poly *t1, uint8_t out[320]);
void fsim_mldsa_unpack_t1(const uint8_t in[320], mldsa_poly *t1);
/* z with BitPack(z, gamma1 - 1, gamma1) (Algorithm 17/19). */
void fsim_mldsa_pack_z(const struct fsim_mldsa_params *pp, const mldsa_poly *z,
    uint8_t *out);
void fsim_mldsa_unpack_z(const struct fsim_mldsa_params *pp, const uint8_t *in,
    mldsa_poly *z);
/* Algorithm 28 w1Encode, one polynomial (6 or 4 bits per coefficient). */
size_t fsim_mldsa_pack_w1(const struct fsim_mldsa_params *pp, const mldsa_poly *w1,
    uint8_t *out);
/* Algorithm 20 HintBitPack / 21 HintBitUnpack (false: malformed hints). */
void fsim_mldsa_pack_hints(const struct fsim_mldsa_params *pp, const mldsa_poly *h,
    uint8_t *out);
bool fsim_mldsa_unpack_hints(const struct fsim_mldsa_params *pp, const uint8_t *in,
    mldsa_poly *h);

/* ---- mldsa_sign.c: the raw primitive (no EVP_PKEY) ---- */

/*
 * A key expanded once: the public key bytes, the matrix A in the NTT domain,
 * t1 * 2^d in the NTT domain and tr (what verification needs), and, for a
 * private key, the seed xi, K and s1, s2, t0 in the NTT domain (secrets,
 * wiped when freed).
 */
typedef struct fsim_mldsa_raw fsim_mldsa_raw_t;

int fsim_mldsa_raw_from_seed(int set, const uint8_t xi[32], fsim_mldsa_raw_t **out);
/* FSIM_ERR_FORMAT when len is not the set's public key length. */
int fsim_mldsa_raw_from_public(int set, const uint8_t *pk, size_t len,
    fsim_mldsa_raw_t **out);
void fsim_mldsa_raw_free(fsim_mldsa_raw_t **kp);
int fsim_mldsa_raw_set(const fsim_mldsa_raw_t *k);
const uint8_t *fsim_mldsa_raw_public(const fsim_mldsa_raw_t *k, size_t *len);
/* The seed, or NULL for a public key. */
const uint8_t *fsim_mldsa_raw_seed(const fsim_mldsa_raw_t *k);
bool fsim_mldsa_raw_equal(const fsim_mldsa_raw_t *a, const fsim_mldsa_raw_t *b);

/*
 * Algorithm 7 Sign_internal from mu (64 bytes), with rnd (32 bytes; all
 * zero for the deterministic variant). sig holds the set's sig_len.
 */
int fsim_mldsa_raw_sign_mu(const fsim_mldsa_raw_t *k, const uint8_t mu[64],
    const uint8_t rnd[32], uint8_t *sig);
/* Algorithm 8 Verify_internal from mu: 0 valid, FSIM_ERR_SIGNATURE not. */
int fsim_mldsa_raw_verify_mu(const fsim_mldsa_raw_t *k, const uint8_t mu[64],
    const uint8_t *sig, size_t slen);
/*
 * mu = H(tr || 0 || |ctx| || ctx || M, 64): pure ML-DSA's message
 * representative (Algorithm 2 step 10, Algorithm 7 step 6). ctx at most 255 bytes.
 */
int fsim_mldsa_raw_mu(const fsim_mldsa_raw_t *k, const uint8_t *ctx, size_t ctxlen,
    const uint8_t *msg, size_t mlen, uint8_t mu[64]);

#endif /* !FSIM_MLDSA_INT_H */
