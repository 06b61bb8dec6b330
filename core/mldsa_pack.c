/*
 * mldsa_pack.c — ML-DSA bit packing (FIPS 204 §7.1-7.2): coefficients as
 * little-endian bit strings of a fixed width (Algorithms 16-19), the public
 * key's t1, the signature's z and hints, and w1Encode (Algorithm 28).
 *
 * The packers walk every coefficient the same way whatever its value (the
 * width is a parameter, never data), so packing a secret y or z leaks
 * nothing through timing. Hint decoding branches on the signature, which is
 * public.
 */
#include <string.h>

#include "mldsa_int.h"

/* 256 values of `bits` bits each (each < 2^bits), packed LSB first. */
static void
bitpack(const int32_t *v, unsigned bits, uint8_t *out)
{
	uint64_t acc = 0;
	unsigned have = 0, i;
	size_t o = 0;

	for (i = 0; i < MLDSA_N; i++) {
		acc |= (uint64_t)(uint32_t)v[i] << have;
		have += bits;
		while (have >= 8) {
			out[o++] = (uint8_t)acc;
			acc >>= 8;
			have -= 8;
		}
	}
}

static void
bitunpack(const uint8_t *in, unsigned bits, int32_t *v)
{
	const uint32_t mask = (1u << bits) - 1;
	uint64_t acc = 0;
	unsigned have = 0, i;
	size_t o = 0;

	for (i = 0; i < MLDSA_N; i++) {
		while (have < bits) {
			acc |= (uint64_t)in[o++] << have;
			have += 8;
		}
		v[i] = (int32_t)(acc & mask);
		acc >>= bits;
		have -= bits;
	}
}

/* t1 has bitlen(q - 1) - d = 10 bits (Algorithm 22 step 3). */
void
fsim_mldsa_pack_t1(const mldsa_poly *t1, uint8_t out[320])
{
	bitpack(t1->c, 10, out);
}

void
fsim_mldsa_unpack_t1(const uint8_t in[320], mldsa_poly *t1)
{
	bitunpack(in, 10, t1->c);
}

static unsigned
z_bits(const struct fsim_mldsa_params *pp)
{
	return pp->gamma1 == (1 << 17) ? 18 : 20;  /* 1 + bitlen(gamma1 - 1) */
}

/* BitPack(z, gamma1 - 1, gamma1): each coefficient stored as gamma1 - z. */
void
fsim_mldsa_pack_z(const struct fsim_mldsa_params *pp, const mldsa_poly *z,
    uint8_t *out)
{
	mldsa_poly t;
	unsigned i;

	for (i = 0; i < MLDSA_N; i++)
		t.c[i] = pp->gamma1 - z->c[i];
	bitpack(t.c, z_bits(pp), out);
	memset(&t, 0, sizeof(t));
}

void
fsim_mldsa_unpack_z(const struct fsim_mldsa_params *pp, const uint8_t *in,
    mldsa_poly *z)
{
	unsigned i;

	bitunpack(in, z_bits(pp), z->c);
	for (i = 0; i < MLDSA_N; i++)
		z->c[i] = pp->gamma1 - z->c[i];
}

size_t
fsim_mldsa_pack_w1(const struct fsim_mldsa_params *pp, const mldsa_poly *w1,
    uint8_t *out)
{
	/* w1 < (q-1) / (2 gamma2): 44 values (6 bits) or 16 (4 bits) */
	unsigned bits = pp->gamma2 == (MLDSA_Q - 1) / 88 ? 6 : 4;

	bitpack(w1->c, bits, out);
	return 32u * bits;
}

void
fsim_mldsa_pack_hints(const struct fsim_mldsa_params *pp, const mldsa_poly *h,
    uint8_t *out)
{
	size_t idx = 0;
	int i;
	unsigned j;

	/* the hints are published: their positions may steer the loop */
	memset(out, 0, (size_t)(pp->omega + pp->k));
	for (i = 0; i < pp->k; i++) {
		for (j = 0; j < MLDSA_N; j++)
			if (h[i].c[j] != 0)
				out[idx++] = (uint8_t)j;
		out[pp->omega + i] = (uint8_t)idx;
	}
}

/*
 * Algorithm 21 HintBitUnpack: per polynomial, a running end index that never
 * goes back nor past omega, strictly increasing positions within each
 * polynomial (one encoding per hint vector, so a signature cannot be
 * altered into another valid one: strong unforgeability), and zero padding.
 */
bool
fsim_mldsa_unpack_hints(const struct fsim_mldsa_params *pp, const uint8_t *in,
    mldsa_poly *h)
{
	unsigned idx = 0, first, end;
	int i;

	for (i = 0; i < pp->k; i++) {
		memset(&h[i], 0, sizeof(h[i]));
		end = in[pp->omega + i];
		if (end < idx || end > (unsigned)pp->omega)
			return false;
		first = idx;
		while (idx < end) {
			if (idx > first && in[idx - 1] >= in[idx])
				return false;
			h[i].c[in[idx]] = 1;
			idx++;
		}
	}
	for (; idx < (unsigned)pp->omega; idx++)
		if (in[idx] != 0)
			return false;
	return true;
}
