/*
 * keys_ec.c — EC private keys (P-256, P-384, P-521) in PKCS#8, written and
 * read here instead of through OpenSSL 3's encoders and decoders, which
 * cost ten times an ECDSA signature per key (a makeCredential writes one,
 * a getAssertion with a non-resident credential reads one).
 *
 * The bytes are exactly the ones OpenSSL writes (test_keys compares them):
 * RFC 5208 PrivateKeyInfo { version 0, AlgorithmIdentifier
 * { id-ecPublicKey, namedCurve }, OCTET STRING { RFC 5915 ECPrivateKey
 * { version 1, privateKey OCTET STRING (the order's length), [1]
 * publicKey BIT STRING (uncompressed point) } } } — no [0] parameters,
 * since the AlgorithmIdentifier names the curve. Reading takes only that
 * form, byte for byte; anything else goes to OpenSSL as before.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "authenticator/keys.h"
#include "authenticator/keys_int.h"
#include "core/cose.h"
#include "core/ossl_cache.h"

/* The largest: P-521, 66-byte scalar, 133-byte point; 241 bytes in all. */
#define EC_P8_MAX 256

struct ec_curve {
	const char *group;            /* OpenSSL's group name */
	const uint8_t *oid;           /* DER of the curve's OID, tag and length too */
	size_t oid_len;
	size_t dlen;                  /* the order's byte length */
};

static const uint8_t oid_ec_public_key[] = {
	0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
};
static const uint8_t oid_p256[] = {
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
};
static const uint8_t oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t oid_p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 };

static const struct ec_curve curves[] = {
	{ "prime256v1", oid_p256, sizeof(oid_p256), 32 },
	{ "secp384r1", oid_p384, sizeof(oid_p384), 48 },
	{ "secp521r1", oid_p521, sizeof(oid_p521), 66 },
};
#define NCURVES (sizeof(curves) / sizeof(curves[0]))

/* Room for every header below; lengths stay under 65536. */
struct der {
	uint8_t *p;
	size_t n, cap;
};

static void
put(struct der *b, const void *src, size_t n)
{
	if (b->n + n <= b->cap)
		memcpy(b->p + b->n, src, n);
	b->n += n;
}

static void
put_hdr(struct der *b, uint8_t tag, size_t len)
{
	uint8_t h[4];
	size_t n = 0;

	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else if (len < 0x100) {
		h[n++] = 0x81;
		h[n++] = (uint8_t)len;
	} else {
		h[n++] = 0x82;
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	}
	put(b, h, n);
}

/* Bytes of a TLV header for len content bytes. */
static size_t
hdr_len(size_t len)
{
	return len < 0x80 ? 2 : len < 0x100 ? 3 : 4;
}

/*
 * The PKCS#8 of (d, pt) on c into out (cap bytes), returning its length;
 * *d_at and *pt_at give where d and the point lie in it.
 */
static size_t
encode(const struct ec_curve *c, const uint8_t *d, const uint8_t *pt, uint8_t *out,
    size_t cap, size_t *d_at, size_t *pt_at)
{
	static const uint8_t v0[] = { 0x02, 0x01, 0x00 }, v1[] = { 0x02, 0x01, 0x01 };
	static const uint8_t zero = 0x00;
	struct der b = { out, 0, cap };
	size_t ptlen = 1 + 2 * c->dlen;
	size_t bits = 1 + ptlen;                              /* BIT STRING content */
	size_t ctx1 = hdr_len(bits) + bits;                   /* [1] content */
	size_t eck = sizeof(v1) + hdr_len(c->dlen) + c->dlen + hdr_len(ctx1) + ctx1;
	size_t alg = sizeof(oid_ec_public_key) + c->oid_len;
	size_t pki = sizeof(v0) + hdr_len(alg) + alg + hdr_len(hdr_len(eck) + eck) +
	    hdr_len(eck) + eck;

	put_hdr(&b, 0x30, pki);
	put(&b, v0, sizeof(v0));
	put_hdr(&b, 0x30, alg);
	put(&b, oid_ec_public_key, sizeof(oid_ec_public_key));
	put(&b, c->oid, c->oid_len);
	put_hdr(&b, 0x04, hdr_len(eck) + eck);
	put_hdr(&b, 0x30, eck);
	put(&b, v1, sizeof(v1));
	put_hdr(&b, 0x04, c->dlen);
	*d_at = b.n;
	put(&b, d, c->dlen);
	put_hdr(&b, 0xa1, ctx1);
	put_hdr(&b, 0x03, bits);
	put(&b, &zero, 1);
	*pt_at = b.n;
	put(&b, pt, ptlen);
	return b.n;
}

static const struct ec_curve *
curve_of(EVP_PKEY *key)
{
	char group[32];
	size_t i;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
	    EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) != 1)
		return NULL;
	for (i = 0; i < NCURVES; i++)
		if (strcmp(group, curves[i].group) == 0)
			return &curves[i];
	return NULL;
}

int
fsim_key_ec_point(EVP_PKEY *key, uint8_t *pt, size_t cap, size_t *len)
{
	*len = 0;
	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
		return FSIM_ERR_UNSUPPORTED;
	if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pt, cap,
	    len) != 1 || *len == 0 || pt[0] != 0x04) {
		ERR_clear_error();
		*len = 0;
		return FSIM_ERR_UNSUPPORTED;
	}
	return 0;
}

int
fsim_key_ec_to_der_pt(EVP_PKEY *key, const uint8_t *pub, size_t pub_len,
    fsim_blob_t *der)
{
	const struct ec_curve *c;
	uint8_t d[66], pt[1 + 2 * 66], buf[EC_P8_MAX];
	size_t ptlen = 0, n, d_at, pt_at;
	BIGNUM *bn = NULL;
	int r = FSIM_ERR_UNSUPPORTED;

	if (key == NULL || der == NULL)
		return FSIM_ERR_ARG;
	if ((c = curve_of(key)) == NULL)
		goto fail;
	if (pub != NULL && pub_len == 1 + 2 * c->dlen && pub[0] == 0x04) {
		memcpy(pt, pub, pub_len);
		ptlen = pub_len;
	} else if (fsim_key_ec_point(key, pt, sizeof(pt), &ptlen) != 0) {
		goto fail;
	}
	/* a key without its private half, or a compressed point: OpenSSL's way */
	if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
	    BN_bn2binpad(bn, d, (int)c->dlen) != (int)c->dlen ||
	    ptlen != 1 + 2 * c->dlen || pt[0] != 0x04)
		goto fail;
	if ((n = encode(c, d, pt, buf, sizeof(buf), &d_at, &pt_at)) > sizeof(buf)) {
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
	r = fsim_blob_set(der, buf, n);
fail:
	ERR_clear_error();
	BN_clear_free(bn);
	fsim_wipe(d, sizeof(d));
	fsim_wipe(buf, sizeof(buf));
	return r;
}

int
fsim_key_ec_to_der(EVP_PKEY *key, fsim_blob_t *der)
{
	return fsim_key_ec_to_der_pt(key, NULL, 0, der);
}

/* Is 1 <= d < n for the curve (its EC_GROUP's order)? */
static bool
scalar_ok(const struct ec_curve *c, const BIGNUM *d)
{
	const EC_GROUP *g = NULL;

	if (c == &curves[0])
		g = fsim_ec_group(FSIM_COSE_CRV_P256);
	else if (c == &curves[1])
		g = fsim_ec_group(FSIM_COSE_CRV_P384);
	else
		g = fsim_ec_group(FSIM_COSE_CRV_P521);
	return g != NULL && !BN_is_zero(d) && !BN_is_negative(d) &&
	    BN_cmp(d, EC_GROUP_get0_order(g)) < 0;
}

int
fsim_key_ec_from_der(const uint8_t *der, size_t len, EVP_PKEY **out)
{
	const struct ec_curve *c = NULL;
	uint8_t buf[EC_P8_MAX];
	size_t i, n, d_at = 0, pt_at = 0, ptlen;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *d = NULL;
	int r = FSIM_ERR_UNSUPPORTED;

	*out = NULL;
	/*
	 * Which curve: the only one whose encoding has this length and, with
	 * this input's scalar and point put in, gives these very bytes.
	 */
	for (i = 0; i < NCURVES && c == NULL; i++) {
		n = encode(&curves[i], der, der, buf, 0, &d_at, &pt_at);
		if (n != len || d_at + curves[i].dlen > len || pt_at >= len)
			continue;
		ptlen = 1 + 2 * curves[i].dlen;
		if (pt_at + ptlen != len)
			continue;
		n = encode(&curves[i], der + d_at, der + pt_at, buf, sizeof(buf), &d_at,
		    &pt_at);
		if (n == len && CRYPTO_memcmp(buf, der, len) == 0 && der[pt_at] == 0x04)
			c = &curves[i];
	}
	if (c == NULL)
		goto fail;
	ptlen = 1 + 2 * c->dlen;
	r = FSIM_ERR_NOMEM;
	if ((d = BN_secure_new()) == NULL || (bld = OSSL_PARAM_BLD_new()) == NULL)
		goto fail;
	r = FSIM_ERR_UNSUPPORTED;
	if (BN_bin2bn(der + d_at, (int)c->dlen, d) == NULL || !scalar_ok(c, d))
		goto fail;
	BN_set_flags(d, BN_FLG_CONSTTIME);
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, c->group,
	    0) != 1 || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, der + pt_at,
	    ptlen) != 1 || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto fail;
	if ((pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		goto fail;
	*out = pkey;
	pkey = NULL;
	r = 0;
fail:
	ERR_clear_error();
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);      /* the part from the secure BN is cleansed */
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	fsim_wipe(buf, sizeof(buf));
	return r;
}
