/*
 * mldsa_poly.c — ML-DSA arithmetic (FIPS 204 §7.4-7.5): the number-theoretic
 * transform over Z_q[X]/(X^256 + 1), Montgomery reduction, the rounding
 * functions (§7.4) and the samplers (§7.3), with SHAKE128/256 from OpenSSL.
 *
 * Constant time: everything a signer applies to secret values (reduction,
 * NTT, Power2Round, Decompose, the norm checks) runs without branches or
 * table indices that depend on the values. Two samplers branch on their
 * input by nature, as FIPS 204 describes them: RejBoundedPoly accepts or
 * rejects each secret nibble, which reveals only that a discarded nibble
 * was out of range (the accepted ones are independent of it); SampleInBall
 * works on c~, which the signature publishes (a rejected iteration's c~ is
 * discarded, and how many iterations ran is public per FIPS 204 §3.6.3).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "mldsa_int.h"
#include "util.h"

#define QINV 58728449             /* q^-1 mod 2^32 */
#define F_INV256 41978            /* 256^-1 * 2^64 mod q: undoes R^-1 and scales */

/*
 * zetas[m] = zeta^BitRev8(m) * 2^32 mod q, centred, zeta = 1753 (Appendix B
 * lists zeta^BitRev8(m); here in Montgomery form). Computed with
 *   [(pow(1753, int(f"{m:08b}"[::-1], 2), q) << 32) % q for m in range(256)]
 * and centred into (-q/2, q/2].
 */
static const int32_t zetas[256] = {
	-4186625, 25847, -2608894, -518909, 237124, -777960, -876248, 466468,
	1826347, 2353451, -359251, -2091905, 3119733, -2884855, 3111497, 2680103,
	2725464, 1024112, -1079900, 3585928, -549488, -1119584, 2619752, -2108549,
	-2118186, -3859737, -1399561, -3277672, 1757237, -19422, 4010497, 280005,
	2706023, 95776, 3077325, 3530437, -1661693, -3592148, -2537516, 3915439,
	-3861115, -3043716, 3574422, -2867647, 3539968, -300467, 2348700, -539299,
	-1699267, -1643818, 3505694, -3821735, 3507263, -2140649, -1600420, 3699596,
	811944, 531354, 954230, 3881043, 3900724, -2556880, 2071892, -2797779,
	-3930395, -1528703, -3677745, -3041255, -1452451, 3475950, 2176455, -1585221,
	-1257611, 1939314, -4083598, -1000202, -3190144, -3157330, -3632928, 126922,
	3412210, -983419, 2147896, 2715295, -2967645, -3693493, -411027, -2477047,
	-671102, -1228525, -22981, -1308169, -381987, 1349076, 1852771, -1430430,
	-3343383, 264944, 508951, 3097992, 44288, -1100098, 904516, 3958618,
	-3724342, -8578, 1653064, -3249728, 2389356, -210977, 759969, -1316856,
	189548, -3553272, 3159746, -1851402, -2409325, -177440, 1315589, 1341330,
	1285669, -1584928, -812732, -1439742, -3019102, -3881060, -3628969, 3839961,
	2091667, 3407706, 2316500, 3817976, -3342478, 2244091, -2446433, -3562462,
	266997, 2434439, -1235728, 3513181, -3520352, -3759364, -1197226, -3193378,
	900702, 1859098, 909542, 819034, 495491, -1613174, -43260, -522500,
	-655327, -3122442, 2031748, 3207046, -3556995, -525098, -768622, -3595838,
	342297, 286988, -2437823, 4108315, 3437287, -3342277, 1735879, 203044,
	2842341, 2691481, -2590150, 1265009, 4055324, 1247620, 2486353, 1595974,
	-3767016, 1250494, 2635921, -3548272, -2994039, 1869119, 1903435, -1050970,
	-1333058, 1237275, -3318210, -1430225, -451100, 1312455, 3306115, -1962642,
	-1279661, 1917081, -2546312, -1374803, 1500165, 777191, 2235880, 3406031,
	-542412, -2831860, -1671176, -1846953, -2584293, -3724270, 594136, -3776993,
	-2013608, 2432395, 2454455, -164721, 1957272, 3369112, 185531, -1207385,
	-3183426, 162844, 1616392, 3014001, 810149, 1652634, -3694233, -1799107,
	-3038916, 3523897, 3866901, 269760, 2213111, -975884, 1717735, 472078,
	-426683, 1723600, -1803090, 1910376, -1667432, -1104333, -260646, -3833893,
	-2939036, -2235985, -420899, -2286327, 183443, -976891, 1612842, -3545687,
	-554416, 3919660, -48306, -1362209, 3937738, 1400424, -846154, 1976782,
};

int32_t
fsim_mldsa_mont_reduce(int64_t a)
{
	/* a * 2^-32 mod q for |a| < 2^31 q; the result is in (-q, q). */
	int32_t t = (int32_t)(uint32_t)((uint64_t)a * (uint64_t)QINV);

	return (int32_t)((a - (int64_t)t * MLDSA_Q) >> 32);
}

/* A representative of a mod q in (-q, q), for |a| < 2^31 - 2^22. */
static int32_t
reduce32(int32_t a)
{
	int32_t t = (a + (1 << 22)) >> 23;

	return a - t * MLDSA_Q;
}

/* a in (-q, q) to [0, q) without a branch. */
static int32_t
caddq(int32_t a)
{
	return a + ((a >> 31) & MLDSA_Q);
}

/* Algorithm 41 NTT. Input |c| < q; output |c| < 9q. */
void
fsim_mldsa_ntt(mldsa_poly *p)
{
	unsigned m = 0, len, start, j;
	int32_t z, t;

	for (len = 128; len >= 1; len >>= 1) {
		for (start = 0; start < MLDSA_N; start = j + len) {
			z = zetas[++m];
			for (j = start; j < start + len; j++) {
				t = fsim_mldsa_mont_reduce((int64_t)z * p->c[j + len]);
				p->c[j + len] = p->c[j] - t;
				p->c[j] = p->c[j] + t;
			}
		}
	}
}

/*
 * Algorithm 42 NTT^-1, for a sum of at most eight pointwise products
 * (|c| < 8q, each carrying the factor R^-1 of the Montgomery product): the
 * final scaling by 256^-1 * R^2 removes that factor. The sums are reduced at
 * every layer so nothing grows.
 */
void
fsim_mldsa_invntt(mldsa_poly *p)
{
	unsigned m = MLDSA_N, len, start, j;
	int32_t z, t, u;

	for (len = 1; len < MLDSA_N; len <<= 1) {
		for (start = 0; start < MLDSA_N; start = j + len) {
			z = -zetas[--m];
			for (j = start; j < start + len; j++) {
				t = p->c[j];
				u = p->c[j + len];
				p->c[j] = reduce32(t + u);
				p->c[j + len] = fsim_mldsa_mont_reduce((int64_t)z * (t - u));
			}
		}
	}
	for (j = 0; j < MLDSA_N; j++)
		p->c[j] = fsim_mldsa_mont_reduce((int64_t)F_INV256 * p->c[j]);
}

void
fsim_mldsa_pointwise(mldsa_poly *c, const mldsa_poly *a, const mldsa_poly *b)
{
	unsigned i;

	for (i = 0; i < MLDSA_N; i++)
		c->c[i] = fsim_mldsa_mont_reduce((int64_t)a->c[i] * b->c[i]);
}

void
fsim_mldsa_pointwise_acc(mldsa_poly *acc, const mldsa_poly *a, const mldsa_poly *b)
{
	unsigned i;

	for (i = 0; i < MLDSA_N; i++)
		acc->c[i] += fsim_mldsa_mont_reduce((int64_t)a->c[i] * b->c[i]);
}

void
fsim_mldsa_freeze(mldsa_poly *p)
{
	unsigned i;

	for (i = 0; i < MLDSA_N; i++)
		p->c[i] = caddq(reduce32(p->c[i]));
}

void
fsim_mldsa_center(mldsa_poly *p)
{
	unsigned i;
	int32_t a;

	for (i = 0; i < MLDSA_N; i++) {
		a = caddq(reduce32(p->c[i]));
		/* subtract q when a > (q-1)/2 */
		a -= (((MLDSA_Q - 1) / 2 - a) >> 31) & MLDSA_Q;
		p->c[i] = a;
	}
}

bool
fsim_mldsa_norm_ge(const mldsa_poly *p, int32_t bound)
{
	uint32_t any = 0;
	int32_t a, s;
	unsigned i;

	for (i = 0; i < MLDSA_N; i++) {
		s = p->c[i] >> 31;
		a = (p->c[i] ^ s) - s;            /* |c| */
		any |= (uint32_t)(bound - 1 - a);  /* sign bit set iff |c| >= bound */
	}
	return (any >> 31) != 0;
}

void
fsim_mldsa_power2round(int32_t r, int32_t *r1, int32_t *r0)
{
	/* r0 = r mod+- 2^d in (-2^12, 2^12], r1 = (r - r0) / 2^d */
	*r1 = (r + (1 << (MLDSA_D - 1)) - 1) >> MLDSA_D;
	*r0 = r - (*r1 << MLDSA_D);
}

void
fsim_mldsa_decompose(const struct fsim_mldsa_params *pp, int32_t r, int32_t *r1,
    int32_t *r0)
{
	const int32_t a = 2 * pp->gamma2;
	const uint32_t top = (uint32_t)((MLDSA_Q - 1) / a);
	/* floor(2^48 / a): public, the same for every call of a set */
	const uint64_t mul = ((uint64_t)1 << 48) / (uint64_t)a;
	uint32_t x = (uint32_t)(r + pp->gamma2 - 1), quo, rem, last;

	/*
	 * r1 = floor((r + gamma2 - 1) / 2 gamma2) gives r0 = r - r1 2 gamma2 in
	 * (-gamma2, gamma2]. The quotient by multiplication is exact or one
	 * short (x < 2^24); one masked step corrects it, with no divide
	 * instruction (whose timing may depend on its operands).
	 */
	quo = (uint32_t)(((uint64_t)x * mul) >> 48);
	rem = x - quo * (uint32_t)a;
	quo += (uint32_t)((int32_t)((uint32_t)a - 1 - rem) >> 31) & 1u;
	*r0 = r - (int32_t)quo * a;
	/* r - r0 = q - 1: r1 = 0 and r0 = r0 - 1 (Algorithm 36 steps 3-5) */
	last = ((quo ^ top) - 1u) >> 31;  /* 1 iff quo == top */
	*r1 = (int32_t)(quo & (last - 1u));
	*r0 -= (int32_t)last;
}

int32_t
fsim_mldsa_use_hint(const struct fsim_mldsa_params *pp, int h, int32_t r)
{
	int32_t m = (MLDSA_Q - 1) / (2 * pp->gamma2), r1, r0;

	fsim_mldsa_decompose(pp, r, &r1, &r0);
	if (h == 0)
		return r1;
	if (r0 > 0)
		return r1 + 1 == m ? 0 : r1 + 1;
	return r1 == 0 ? m - 1 : r1 - 1;
}

int
fsim_mldsa_shake(EVP_MD_CTX *ctx, bool s256, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen, const uint8_t *c, size_t clen, uint8_t *out,
    size_t olen)
{
	if (EVP_DigestInit_ex(ctx, s256 ? EVP_shake256() : EVP_shake128(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, a, alen) != 1 ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    (clen > 0 && EVP_DigestUpdate(ctx, c, clen) != 1) ||
	    EVP_DigestFinalXOF(ctx, out, olen) != 1) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/*
 * An XOF stream over one seed: the output is squeezed in one piece of `len`
 * bytes (in the buffer on the stack), and when a sampler needs more the
 * whole stream is squeezed again, twice as long, on the heap.
 */
struct xof {
	EVP_MD_CTX *ctx;
	bool s256;
	const uint8_t *seed;
	size_t seedlen;
	uint8_t *buf;
	size_t len, pos;
	uint8_t *heap;
	uint8_t stack[840];
};

static int
xof_start(struct xof *x, EVP_MD_CTX *ctx, bool s256, const uint8_t *seed,
    size_t seedlen, size_t len)
{
	x->ctx = ctx;
	x->s256 = s256;
	x->seed = seed;
	x->seedlen = seedlen;
	x->buf = x->stack;
	x->len = len <= sizeof(x->stack) ? len : sizeof(x->stack);
	x->pos = 0;
	x->heap = NULL;
	return fsim_mldsa_shake(ctx, s256, seed, seedlen, NULL, 0, NULL, 0, x->buf,
	    x->len);
}

/* The next n bytes of the stream, or NULL when SHAKE or malloc failed. */
static const uint8_t *
xof_next(struct xof *x, size_t n)
{
	uint8_t *nb;
	size_t nl;

	if (x->pos + n > x->len) {
		nl = x->len * 2;
		if (nl > (1u << 20) || (nb = malloc(nl)) == NULL)
			return NULL;
		if (fsim_mldsa_shake(x->ctx, x->s256, x->seed, x->seedlen, NULL, 0,
		    NULL, 0, nb, nl) != 0) {
			free(nb);
			return NULL;
		}
		if (x->heap != NULL) {
			fsim_wipe(x->heap, x->len);
			free(x->heap);
		}
		x->heap = x->buf = nb;
		x->len = nl;
	}
	x->pos += n;
	return x->buf + x->pos - n;
}

static void
xof_end(struct xof *x)
{
	fsim_wipe(x->stack, sizeof(x->stack));
	if (x->heap != NULL) {
		fsim_wipe(x->heap, x->len);
		free(x->heap);
	}
	x->heap = NULL;
}

int
fsim_mldsa_rej_ntt(EVP_MD_CTX *ctx, const uint8_t rho[32], uint8_t s, uint8_t r,
    mldsa_poly *out)
{
	uint8_t seed[34];
	struct xof x;
	const uint8_t *b;
	int32_t v;
	unsigned n = 0;
	int rc = -1;

	memcpy(seed, rho, 32);
	seed[32] = s;
	seed[33] = r;
	/* 5 SHAKE128 blocks: 280 candidates, 256 needed at a rate just under 1 */
	if (xof_start(&x, ctx, false, seed, sizeof(seed), 5 * 168) != 0)
		goto fail;
	while (n < MLDSA_N) {
		if ((b = xof_next(&x, 3)) == NULL)
			goto fail;
		/* Algorithm 14 CoeffFromThreeBytes: 23 bits, rejected when >= q */
		v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 |
		    (uint32_t)(b[2] & 0x7f) << 16);
		if (v < MLDSA_Q)
			out->c[n++] = v;
	}
	rc = 0;
fail:
	xof_end(&x);
	return rc;
}

int
fsim_mldsa_rej_bounded(EVP_MD_CTX *ctx, int eta, const uint8_t rhop[64],
    uint16_t idx, mldsa_poly *out)
{
	uint8_t seed[66];
	struct xof x;
	const uint8_t *b;
	uint32_t z[2], q5;
	unsigned n = 0, i;
	int rc = -1;

	memcpy(seed, rhop, 64);
	seed[64] = (uint8_t)(idx & 0xff);
	seed[65] = (uint8_t)(idx >> 8);
	if (xof_start(&x, ctx, true, seed, sizeof(seed), 3 * 136) != 0)
		goto fail;
	while (n < MLDSA_N) {
		if ((b = xof_next(&x, 1)) == NULL)
			goto fail;
		z[0] = b[0] & 0x0fu;
		z[1] = b[0] >> 4;
		/* Algorithm 15 CoeffFromHalfByte, the value computed without a branch */
		for (i = 0; i < 2 && n < MLDSA_N; i++) {
			if (eta == 2 && z[i] < 15) {
				q5 = (z[i] * 205) >> 10;   /* z / 5 for z < 15 */
				out->c[n++] = 2 - (int32_t)(z[i] - 5 * q5);
			} else if (eta == 4 && z[i] < 9) {
				out->c[n++] = 4 - (int32_t)z[i];
			}
		}
	}
	rc = 0;
fail:
	xof_end(&x);
	fsim_wipe(seed, sizeof(seed));
	fsim_wipe(z, sizeof(z));
	return rc;
}

int
fsim_mldsa_sample_in_ball(EVP_MD_CTX *ctx, int tau, const uint8_t *ctilde,
    size_t len, mldsa_poly *c)
{
	struct xof x;
	const uint8_t *b;
	uint64_t signs = 0;
	unsigned i, j, k;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if (xof_start(&x, ctx, true, ctilde, len, 136) != 0 ||
	    (b = xof_next(&x, 8)) == NULL)
		goto fail;
	for (k = 0; k < 8; k++)
		signs |= (uint64_t)b[k] << (8 * k);
	for (i = MLDSA_N - (unsigned)tau; i < MLDSA_N; i++) {
		do {
			if ((b = xof_next(&x, 1)) == NULL)
				goto fail;
			j = b[0];
		} while (j > i);
		c->c[i] = c->c[j];
		c->c[j] = 1 - 2 * (int32_t)(signs & 1);
		signs >>= 1;
	}
	rc = 0;
fail:
	xof_end(&x);
	return rc;
}

int
fsim_mldsa_expand_mask_poly(EVP_MD_CTX *ctx, const struct fsim_mldsa_params *pp,
    const uint8_t rhopp[64], uint16_t n, mldsa_poly *y)
{
	uint8_t idx[2] = { (uint8_t)(n & 0xff), (uint8_t)(n >> 8) };
	uint8_t buf[32 * 20];
	size_t blen = pp->gamma1 == (1 << 17) ? 32 * 18 : 32 * 20;
	int rc;

	rc = fsim_mldsa_shake(ctx, true, rhopp, 64, idx, 2, NULL, 0, buf, blen);
	if (rc == 0)
		fsim_mldsa_unpack_z(pp, buf, y);
	fsim_wipe(buf, sizeof(buf));
	return rc;
}
