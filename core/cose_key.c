/*
 * cose_key.c — the COSE key object: EVP_PKEY building and validation
 * (COSE-04 on-curve and point checks, COSE-05 RSA checks), wrapping OpenSSL
 * keys, and the canonical COSE_Key encoding (WebAuthn §5.8.5; RFC 9053 §7,
 * RFC 8230 §4). The SPKI form is cose_spki.c's.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "cose.h"
#include "cose_internal.h"
#include "ossl_cache.h"
#include "mldsa.h"

struct fsim_cose_key {
	int alg;
	int kty;
	int crv;        /* 0 for RSA */
	int bits;       /* field size, or RSA modulus size */
	EVP_PKEY *pkey; /* owned reference, built and validated once */
	size_t pub_len; /* EC 04 || x || y or OKP x as parsed; 0 when not noted */
	uint8_t pub[133];
};

#define RSA_MAX_BITS 16384  /* OpenSSL's own ceiling; bounds an input's cost */

/*
 * Does an RFC 8032 encoding (§5.1.3 Ed25519, §5.2.3 Ed448) decode to a curve
 * point, and not to one of the two points with x = 0 (the identity and the
 * point of order 2)? OpenSSL only decodes a key when it verifies, so without
 * this a key that can never verify would be accepted at registration (COSE-04).
 * x^2 = (y^2 - 1) / (d y^2 + 1) for Ed25519 and (y^2 - 1) / (d y^2 - 1) for
 * Ed448; a point exists iff that is a square mod p.
 */
static bool
ed_point_ok(int crv, const uint8_t *enc, size_t len)
{
	uint8_t le[57];
	BN_CTX *ctx = NULL;
	BIGNUM *p, *dd, *y, *u, *v;
	bool ed448 = crv == FSIM_COSE_CRV_ED448;
	bool ok = false;

	if (len != (ed448 ? 57u : 32u))
		return false;
	memcpy(le, enc, len);
	le[len - 1] &= 0x7f;  /* the top bit is the sign of x, not part of y */
	if ((ctx = BN_CTX_new()) == NULL)
		goto fail;
	BN_CTX_start(ctx);
	p = BN_CTX_get(ctx);
	dd = BN_CTX_get(ctx);
	y = BN_CTX_get(ctx);
	u = BN_CTX_get(ctx);
	if ((v = BN_CTX_get(ctx)) == NULL || BN_lebin2bn(le, (int)len, y) == NULL)
		goto fail;
	if (ed448) {
		/* p = 2^448 - 2^224 - 1, d = -39081 */
		if (!BN_set_bit(p, 448) || !BN_set_bit(u, 224) || !BN_sub(p, p, u) ||
		    !BN_sub_word(p, 1) || !BN_set_word(u, 39081) || !BN_sub(dd, p, u))
			goto fail;
	} else {
		/* p = 2^255 - 19, d = -121665 / 121666 */
		if (!BN_set_bit(p, 255) || !BN_sub_word(p, 19) ||
		    !BN_set_word(u, 121666) || BN_mod_inverse(u, u, p, ctx) == NULL ||
		    !BN_set_word(v, 121665) || !BN_mod_mul(v, v, u, p, ctx) ||
		    !BN_sub(dd, p, v))
			goto fail;
	}
	if (BN_cmp(y, p) >= 0)
		goto fail;  /* non-canonical y */
	if (!BN_mod_sqr(y, y, p, ctx) || !BN_mod_mul(v, dd, y, p, ctx))
		goto fail;
	if (!(ed448 ? BN_mod_sub(v, v, BN_value_one(), p, ctx) :
	    BN_mod_add(v, v, BN_value_one(), p, ctx)))
		goto fail;
	if (!BN_mod_sub(u, y, BN_value_one(), p, ctx) ||
	    BN_mod_inverse(v, v, p, ctx) == NULL || !BN_mod_mul(u, u, v, p, ctx))
		goto fail;
	ok = !BN_is_zero(u) && BN_kronecker(u, p, ctx) == 1;
fail:
	if (ctx != NULL)
		BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/*
 * Validate an EC public key: on its curve, not the identity, coordinates < p
 * (for these prime-order curves the whole check: ossl_cache.h).
 */
static bool
ec_public_ok(EVP_PKEY *pkey)
{
	return fsim_ec_public_check(pkey) == 1;
}

int
fsim_cose_ec_build(const struct fsim_cose_crv_info *ci, const uint8_t *x,
    const uint8_t *y, EVP_PKEY **out)
{
	uint8_t pt[1 + 2 * 66];

	if (ci->coord_len > 66)
		return FSIM_ERR_ARG;
	/* SEC 1 §2.3.3 uncompressed point 04 || x || y */
	pt[0] = 0x04;
	memcpy(pt + 1, x, ci->coord_len);
	memcpy(pt + 1 + ci->coord_len, y, ci->coord_len);
	/*
	 * a copy of the curve's ready parameters with the point set and
	 * checked: FSIM_ERR_COSE when off the curve or a coordinate >= p
	 */
	return fsim_ec_public_key(ci->crv, pt, 1 + 2 * ci->coord_len, out);
}

int
fsim_cose_ed_build(int crv, const uint8_t *x, size_t len, EVP_PKEY **out)
{
	EVP_PKEY *pkey;

	if (!ed_point_ok(crv, x, len))
		return FSIM_ERR_COSE;
	pkey = EVP_PKEY_new_raw_public_key(crv == FSIM_COSE_CRV_ED448 ?
	    EVP_PKEY_ED448 : EVP_PKEY_ED25519, NULL, x, len);
	if (pkey == NULL) {
		ERR_clear_error();
		return FSIM_ERR_NOMEM;
	}
	*out = pkey;
	return 0;
}

/* RSA n and e: COSE-03 shape, COSE-05 size and exponent, then the EVP_PKEY. */
int
fsim_cose_rsa_build(const uint8_t *n, size_t nlen, const uint8_t *e,
    size_t elen, EVP_PKEY **out, int *bits, fsim_diags_t *d)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	int r = FSIM_ERR_COSE, nbits;

	if (nlen == 0 || elen == 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", nlen == 0 ? "n" : "e",
		    FSIM_NO_OFFSET, "%s is empty", nlen == 0 ? "n" : "e");
		goto fail;
	}
	/*
	 * n and e are unsigned big-endian integers (RFC 8230 §4); the minimal
	 * form has no leading zero byte. A zero byte changes no value, so it is
	 * tolerated with a warning rather than rejected.
	 */
	if (n[0] == 0)
		fsim_diags_add(d, FSIM_SEV_WARNING, "COSE-03", "n", FSIM_NO_OFFSET,
		    "n (%zu bytes) has a leading zero byte", nlen);
	if (e[0] == 0)
		fsim_diags_add(d, FSIM_SEV_WARNING, "COSE-03", "e", FSIM_NO_OFFSET,
		    "e (%zu bytes) has a leading zero byte", elen);
	if (nlen > RSA_MAX_BITS / 8 + 1 || elen > nlen) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-05", nlen > RSA_MAX_BITS / 8 + 1 ?
		    "n" : "e", FSIM_NO_OFFSET, "n is %zu bytes and e %zu bytes "
		    "(modulus at most %d bits, exponent not longer than the modulus)",
		    nlen, elen, RSA_MAX_BITS);
		goto fail;
	}
	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = BN_bin2bn(e, (int)elen, NULL)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	nbits = BN_num_bits(bn);
	if (nbits > RSA_MAX_BITS || !BN_is_odd(bn) || nbits < 3) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-05", "n", FSIM_NO_OFFSET,
		    "modulus of %d bits is %s", nbits, nbits > RSA_MAX_BITS ?
		    "too large" : "not a valid RSA modulus (even or tiny)");
		goto fail;
	}
	if (!BN_is_odd(be) || BN_is_one(be) || BN_cmp(be, bn) >= 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-05", "e", FSIM_NO_OFFSET,
		    "public exponent must be odd, greater than 1 and less than n; "
		    "got a %d-bit %s value%s", BN_num_bits(be),
		    BN_is_odd(be) ? "odd" : "even", BN_is_one(be) ? " (e = 1)" : "");
		goto fail;
	}
	if (nbits < 2048)  /* COSE-05 is policy: the default only warns */
		fsim_diags_add(d, FSIM_SEV_WARNING, "COSE-05", "n", FSIM_NO_OFFSET,
		    "RSA modulus is %d bits, fewer than 2048", nbits);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	if (EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-05", "n", FSIM_NO_OFFSET,
		    "OpenSSL rejects the %d-bit RSA key", nbits);
		goto fail;
	}
	*out = pkey;
	pkey = NULL;
	*bits = nbits;
	r = 0;
fail:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	ERR_clear_error();
	return r;
}

void
fsim_cose_key_note_point(fsim_cose_key_t *k, const uint8_t *x, const uint8_t *y, size_t len)
{
	size_t n = y != NULL ? 1 + 2 * len : len;

	if (k == NULL || x == NULL || n > sizeof(k->pub))
		return;
	if (y != NULL) {
		k->pub[0] = 0x04;
		memcpy(k->pub + 1, x, len);
		memcpy(k->pub + 1 + len, y, len);
	} else
		memcpy(k->pub, x, len);
	k->pub_len = n;
}

const uint8_t *
fsim_cose_key_point(const fsim_cose_key_t *k, size_t *len)
{
	*len = k != NULL ? k->pub_len : 0;
	return *len > 0 ? k->pub : NULL;
}

int
fsim_cose_key_wrap(int alg, int kty, int crv, int bits, EVP_PKEY *pkey,
    fsim_cose_key_t **out)
{
	fsim_cose_key_t *k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return FSIM_ERR_NOMEM;
	k->alg = alg;
	k->kty = kty;
	k->crv = crv;
	k->bits = bits;
	k->pkey = pkey;
	*out = k;
	return 0;
}

/* The curve and bits of pkey if it fits alg, else FSIM_ERR_COSE. */
static int
pkey_fits(const EVP_PKEY *pkey, const struct fsim_cose_alg_info *ai, int *crv,
    int *bits)
{
	const struct fsim_cose_crv_info *ci;
	char group[64];
	int id = EVP_PKEY_get_base_id(pkey);

	switch (ai->kty) {
	case FSIM_COSE_KTY_AKP:
		if (fsim_mldsa_pkey_set(pkey) != fsim_mldsa_set_of_alg(ai->alg))
			return FSIM_ERR_COSE;
		*crv = 0;
		*bits = (int)(8 * fsim_mldsa_public_len(fsim_mldsa_pkey_set(pkey)));
		return 0;
	case FSIM_COSE_KTY_RSA:
		if (id != EVP_PKEY_RSA && (id != EVP_PKEY_RSA_PSS ||
		    !fsim_cose_alg_is_pss(ai->alg)))
			return FSIM_ERR_COSE;
		*crv = 0;
		*bits = EVP_PKEY_get_bits(pkey);
		return 0;
	case FSIM_COSE_KTY_OKP:
		if (id == EVP_PKEY_ED25519)
			*crv = FSIM_COSE_CRV_ED25519;
		else if (id == EVP_PKEY_ED448)
			*crv = FSIM_COSE_CRV_ED448;
		else
			return FSIM_ERR_COSE;
		break;
	default:
		if (id != EVP_PKEY_EC || EVP_PKEY_get_group_name(pkey, group,
		    sizeof(group), NULL) != 1) {
			ERR_clear_error();
			return FSIM_ERR_COSE;
		}
		ci = fsim_cose_crv_info(ai->crv);
		if (strcmp(group, ci->ossl) != 0 && strcmp(group, ci->name) != 0)
			return FSIM_ERR_COSE;
		*crv = ai->crv;
		break;
	}
	if (*crv != ai->crv && *crv != ai->crv2)
		return FSIM_ERR_COSE;
	*bits = fsim_cose_crv_info(*crv)->bits;
	return 0;
}

/* RSA public exponent odd and > 1 (COSE-05). */
static bool
rsa_exp_ok(const EVP_PKEY *pkey)
{
	BIGNUM *e = NULL;
	bool ok;

	ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
	    BN_is_odd(e) && !BN_is_one(e);
	BN_free(e);
	return ok;
}

int
fsim_cose_key_dup(const fsim_cose_key_t *k, fsim_cose_key_t **out)
{
	fsim_cose_key_t *c;

	if (out != NULL)
		*out = NULL;
	if (k == NULL || out == NULL)
		return FSIM_ERR_ARG;
	if ((c = malloc(sizeof(*c))) == NULL)
		return FSIM_ERR_NOMEM;
	if (EVP_PKEY_up_ref(k->pkey) != 1) {
		free(c);
		return FSIM_ERR_INTERNAL;
	}
	*c = *k;    /* the same checked key: one more reference, no second check */
	*out = c;
	return 0;
}

int
fsim_cose_key_from_pkey(EVP_PKEY *pkey, int alg, fsim_cose_key_t **out)
{
	const struct fsim_cose_alg_info *ai;
	uint8_t raw[57];
	size_t rlen = sizeof(raw);
	int r = FSIM_ERR_COSE, crv = 0, bits = 0;

	if (out != NULL)
		*out = NULL;
	if (pkey == NULL || out == NULL)
		return FSIM_ERR_ARG;
	if ((ai = fsim_cose_alg_info(alg)) == NULL)
		return FSIM_ERR_UNSUPPORTED;
	if ((r = pkey_fits(pkey, ai, &crv, &bits)) != 0)
		goto fail;
	/* Keys from outside (an SPKI) get the same COSE-04 checks as COSE keys. */
	r = FSIM_ERR_COSE;
	if (ai->kty == FSIM_COSE_KTY_EC2 && !ec_public_ok(pkey))
		goto fail;
	if (ai->kty == FSIM_COSE_KTY_OKP &&
	    (EVP_PKEY_get_raw_public_key(pkey, raw, &rlen) != 1 ||
	    !ed_point_ok(crv, raw, rlen)))
		goto fail;
	if (ai->kty == FSIM_COSE_KTY_RSA && !rsa_exp_ok(pkey))
		goto fail;
	if (EVP_PKEY_up_ref(pkey) != 1) {
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
	if ((r = fsim_cose_key_wrap(alg, ai->kty, crv, bits, pkey, out)) != 0) {
		EVP_PKEY_free(pkey);  /* drop the reference just taken */
		goto fail;
	}
	r = 0;
fail:
	ERR_clear_error();
	return r;
}

/* Append a CBOR head (RFC 8949 §3, shortest form) to buf at *off. */
static void
put_head(uint8_t *buf, size_t *off, uint8_t major, uint64_t v)
{
	uint8_t *p = buf + *off;
	int n, i;

	major = (uint8_t)(major << 5);
	if (v < 24) {
		*p = (uint8_t)(major | v);
		*off += 1;
		return;
	}
	n = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
	*p++ = (uint8_t)(major | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27));
	for (i = n - 1; i >= 0; i--)
		*p++ = (uint8_t)(v >> (8 * i));
	*off += 1 + (size_t)n;
}

static void
put_int(uint8_t *buf, size_t *off, int64_t v)
{
	if (v >= 0)
		put_head(buf, off, 0, (uint64_t)v);
	else
		put_head(buf, off, 1, (uint64_t)(-1 - v));
}

static void
put_bytes(uint8_t *buf, size_t *off, int64_t label, const uint8_t *p, size_t len)
{
	put_int(buf, off, label);
	put_head(buf, off, 2, len);
	memcpy(buf + *off, p, len);
	*off += len;
}

/* Fetch a BIGNUM parameter as big-endian bytes (padded to pad if pad > 0). */
static int
get_bn(const EVP_PKEY *pkey, const char *name, size_t pad, uint8_t **out,
    size_t *len)
{
	BIGNUM *bn = NULL;
	size_t n;
	int r = FSIM_ERR_INTERNAL;

	if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
		goto fail;
	n = pad > 0 ? pad : (size_t)BN_num_bytes(bn);
	if ((size_t)BN_num_bytes(bn) > n || n == 0)
		goto fail;
	if ((*out = malloc(n)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	if (BN_bn2binpad(bn, *out, (int)n) != (int)n) {
		free(*out);
		*out = NULL;
		goto fail;
	}
	*len = n;
	r = 0;
fail:
	BN_free(bn);
	ERR_clear_error();
	return r;
}

/*
 * x and y of an EC key from its uncompressed point, asked for once (each of
 * OSSL_PKEY_PARAM_EC_PUB_X and _Y converts the point to affine form
 * again). FSIM_ERR_UNSUPPORTED when the key keeps another form.
 */
static int
ec_coords(EVP_PKEY *pkey, size_t cl, uint8_t **x, uint8_t **y)
{
	uint8_t pt[1 + 2 * 66];
	size_t n = 0;

	if (cl > 66 || EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY,
	    pt, sizeof(pt), &n) != 1 || n != 1 + 2 * cl || pt[0] != 0x04) {
		ERR_clear_error();
		return FSIM_ERR_UNSUPPORTED;
	}
	if ((*x = malloc(cl)) == NULL || (*y = malloc(cl)) == NULL) {
		free(*x);
		*x = NULL;
		return FSIM_ERR_NOMEM;
	}
	memcpy(*x, pt + 1, cl);
	memcpy(*y, pt + 1 + cl, cl);
	return 0;
}

int
fsim_cose_key_encode(const fsim_cose_key_t *k, fsim_blob_t *out)
{
	uint8_t *a = NULL, *b = NULL, *buf = NULL;
	size_t alen = 0, blen = 0, off = 0, cap;
	int r = FSIM_ERR_INTERNAL;

	if (k == NULL || out == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(out);
	if (k->kty == FSIM_COSE_KTY_AKP) {
		alen = fsim_mldsa_public_len(fsim_mldsa_pkey_set(k->pkey));
		if ((a = malloc(alen)) == NULL) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
		if ((r = fsim_mldsa_pkey_public(k->pkey, a, alen, &alen)) != 0)
			goto fail;
	} else if (k->kty == FSIM_COSE_KTY_RSA) {
		if ((r = get_bn(k->pkey, OSSL_PKEY_PARAM_RSA_N, 0, &a, &alen)) != 0 ||
		    (r = get_bn(k->pkey, OSSL_PKEY_PARAM_RSA_E, 0, &b, &blen)) != 0)
			goto fail;
	} else if (k->kty == FSIM_COSE_KTY_EC2) {
		size_t cl = fsim_cose_crv_info(k->crv)->coord_len;

		if ((r = ec_coords(k->pkey, cl, &a, &b)) == 0) {
			alen = blen = cl;
		} else if (r != FSIM_ERR_UNSUPPORTED ||
		    (r = get_bn(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, cl, &a, &alen)) != 0 ||
		    (r = get_bn(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, cl, &b, &blen)) != 0)
			goto fail;
	} else {
		if ((a = malloc(57)) == NULL) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
		alen = 57;
		if (EVP_PKEY_get_raw_public_key(k->pkey, a, &alen) != 1)
			goto fail;
	}
	/* heads: map 1, kty 2, alg 4, crv 2, three labels + bstr heads <= 3 * 10 */
	cap = 40 + alen + blen;
	if ((buf = malloc(cap)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	put_head(buf, &off, 5, k->kty == FSIM_COSE_KTY_EC2 ? 5 :
	    k->kty == FSIM_COSE_KTY_AKP ? 3 : 4);
	put_int(buf, &off, 1);
	put_int(buf, &off, k->kty);
	put_int(buf, &off, 3);
	put_int(buf, &off, k->alg);
	if (k->kty == FSIM_COSE_KTY_AKP) {
		/* draft-ietf-cose-dilithium: {1: 7, 3: alg, -1: pub} */
		put_bytes(buf, &off, -1, a, alen);
	} else if (k->kty == FSIM_COSE_KTY_RSA) {
		put_bytes(buf, &off, -1, a, alen);
		put_bytes(buf, &off, -2, b, blen);
	} else {
		put_int(buf, &off, -1);
		put_int(buf, &off, k->crv);
		put_bytes(buf, &off, -2, a, alen);
		if (k->kty == FSIM_COSE_KTY_EC2)
			put_bytes(buf, &off, -3, b, blen);
	}
	out->ptr = buf;
	out->len = off;
	buf = NULL;
	r = 0;
fail:
	free(a);
	free(b);
	free(buf);
	ERR_clear_error();
	return r;
}

int
fsim_cose_ec2_encode(int alg, const uint8_t *pt, size_t ptlen, fsim_blob_t *out)
{
	const struct fsim_cose_alg_info *ai;
	const struct fsim_cose_crv_info *ci;
	uint8_t *buf;
	size_t cl, off = 0;

	if (out == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(out);
	if ((ai = fsim_cose_alg_info(alg)) == NULL || ai->kty != FSIM_COSE_KTY_EC2 ||
	    (ci = fsim_cose_crv_info(ai->crv)) == NULL)
		return FSIM_ERR_UNSUPPORTED;
	cl = ci->coord_len;
	if (pt == NULL || ptlen != 1 + 2 * cl || pt[0] != 0x04)
		return FSIM_ERR_ARG;
	/* the same map fsim_cose_key_encode writes for an EC2 key */
	if ((buf = malloc(40 + 2 * cl)) == NULL)
		return FSIM_ERR_NOMEM;
	put_head(buf, &off, 5, 5);
	put_int(buf, &off, 1);
	put_int(buf, &off, FSIM_COSE_KTY_EC2);
	put_int(buf, &off, 3);
	put_int(buf, &off, alg);
	put_int(buf, &off, -1);
	put_int(buf, &off, ai->crv);
	put_bytes(buf, &off, -2, pt + 1, cl);
	put_bytes(buf, &off, -3, pt + 1 + cl, cl);
	out->ptr = buf;
	out->len = off;
	return 0;
}

int
fsim_cose_key_alg(const fsim_cose_key_t *k)
{
	return k != NULL ? k->alg : 0;
}

int
fsim_cose_key_kty(const fsim_cose_key_t *k)
{
	return k != NULL ? k->kty : 0;
}

int
fsim_cose_key_crv(const fsim_cose_key_t *k)
{
	return k != NULL ? k->crv : 0;
}

int
fsim_cose_key_bits(const fsim_cose_key_t *k)
{
	return k != NULL ? k->bits : 0;
}

EVP_PKEY *
fsim_cose_key_pkey(const fsim_cose_key_t *k)
{
	return k != NULL ? k->pkey : NULL;
}

bool
fsim_cose_key_equal(const fsim_cose_key_t *a, const fsim_cose_key_t *b)
{
	bool eq;

	if (a == NULL || b == NULL || a->alg != b->alg)
		return false;
	eq = EVP_PKEY_eq(a->pkey, b->pkey) == 1;
	ERR_clear_error();
	return eq;
}

void
fsim_cose_key_free(fsim_cose_key_t **kp)
{
	fsim_cose_key_t *k;

	if (kp == NULL || (k = *kp) == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	fsim_wipe(k, sizeof(*k));
	free(k);
	*kp = NULL;
}
