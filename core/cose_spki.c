/*
 * cose_spki.c — a COSE key as a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) and
 * back: what a registration response's getPublicKey() carries and what an
 * RP compares with the key in authenticatorData.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "cose.h"
#include "cose_internal.h"
#include "mldsa.h"

int
fsim_cose_key_from_spki(const uint8_t *der, size_t len, int alg,
    fsim_cose_key_t **out)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey = NULL;
	int r = FSIM_ERR_FORMAT;

	if (out != NULL)
		*out = NULL;
	if (der == NULL || out == NULL || len == 0 || len > LONG_MAX)
		return FSIM_ERR_ARG;
	if (fsim_mldsa_set_of_alg(alg) != 0)
		return fsim_cose_akp_from_spki(der, len, alg, out);
	if ((pkey = d2i_PUBKEY(NULL, &p, (long)len)) == NULL ||
	    p != der + len)  /* no trailing bytes after the SPKI */
		goto fail;
	r = fsim_cose_key_from_pkey(pkey, alg, out);
fail:
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return r;
}

/*
 * The SubjectPublicKeyInfo of EC and EdDSA keys is a fixed prefix (the
 * AlgorithmIdentifier and the BIT STRING head, RFC 5480 §2, RFC 8410 §4)
 * and the public key's own encoding, so it is written and compared without
 * an encoder or decoder round trip (each costs more than the rest of a
 * registration's checks). RSA and ML-DSA keys go through their encoders.
 */
static const uint8_t spki_p256[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};
static const uint8_t spki_p384[] = {
	0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
};
static const uint8_t spki_p521[] = {
	0x30, 0x81, 0x9b, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00,
};
static const uint8_t spki_ed25519[] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
};
static const uint8_t spki_ed448[] = {
	0x30, 0x43, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x03, 0x3a, 0x00,
};

/*
 * The fixed prefix of k's SubjectPublicKeyInfo and its public key bytes
 * (pub holds 133); false for RSA, ML-DSA, or a point not in uncompressed
 * form (then the encoder decides).
 */
static bool
fixed_spki(const fsim_cose_key_t *k, const uint8_t **pre, size_t *pl, uint8_t pub[133],
    size_t *n)
{
	const uint8_t *noted;
	size_t nl;
	int kty = fsim_cose_key_kty(k);
	EVP_PKEY *pkey = fsim_cose_key_pkey(k);

	switch (fsim_cose_key_crv(k)) {
	case FSIM_COSE_CRV_P256: *pre = spki_p256; *pl = sizeof(spki_p256); break;
	case FSIM_COSE_CRV_P384: *pre = spki_p384; *pl = sizeof(spki_p384); break;
	case FSIM_COSE_CRV_P521: *pre = spki_p521; *pl = sizeof(spki_p521); break;
	case FSIM_COSE_CRV_ED25519: *pre = spki_ed25519; *pl = sizeof(spki_ed25519); break;
	case FSIM_COSE_CRV_ED448: *pre = spki_ed448; *pl = sizeof(spki_ed448); break;
	default:
		return false;
	}
	if (kty != FSIM_COSE_KTY_OKP && kty != FSIM_COSE_KTY_EC2)
		return false;
	if ((noted = fsim_cose_key_point(k, &nl)) != NULL && nl <= 133) {
		/* the bytes it was parsed from (their lengths were checked exactly) */
		memcpy(pub, noted, nl);
		*n = nl;
	} else {
		*n = 133;
		if ((kty == FSIM_COSE_KTY_OKP ? EVP_PKEY_get_raw_public_key(pkey, pub, n) :
		    EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
		    pub, 133, n)) != 1) {
			ERR_clear_error();
			return false;
		}
	}
	/* the BIT STRING's length (with its unused-bits byte) is the key's */
	return (*pre)[*pl - 2] == *n + 1 && (kty == FSIM_COSE_KTY_OKP || pub[0] == 0x04);
}

int
fsim_cose_key_spki(const fsim_cose_key_t *k, fsim_blob_t *out)
{
	uint8_t *buf = NULL, *p, pub[133];
	const uint8_t *pre;
	size_t pl, pn;
	int n, r = FSIM_ERR_INTERNAL;

	if (k == NULL || out == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(out);
	if (fsim_cose_key_kty(k) == FSIM_COSE_KTY_AKP)
		return fsim_cose_akp_spki(k, out);
	if (fixed_spki(k, &pre, &pl, pub, &pn)) {
		if ((buf = malloc(pl + pn)) == NULL)
			return FSIM_ERR_NOMEM;
		memcpy(buf, pre, pl);
		memcpy(buf + pl, pub, pn);
		out->ptr = buf;
		out->len = pl + pn;
		return 0;
	}
	if ((n = i2d_PUBKEY(fsim_cose_key_pkey(k), NULL)) <= 0)
		goto fail;
	if ((buf = malloc((size_t)n)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	p = buf;
	if (i2d_PUBKEY(fsim_cose_key_pkey(k), &p) != n)
		goto fail;
	out->ptr = buf;
	out->len = (size_t)n;
	buf = NULL;
	r = 0;
fail:
	free(buf);
	ERR_clear_error();
	return r;
}

bool
fsim_cose_key_spki_equal(const fsim_cose_key_t *k, const uint8_t *der, size_t len)
{
	const uint8_t *pre;
	uint8_t pub[133];
	size_t pl, n;
	fsim_blob_t enc = { NULL, 0 };
	bool eq;

	if (k == NULL || der == NULL)
		return false;
	if (fixed_spki(k, &pre, &pl, pub, &n))
		return len == pl + n && memcmp(der, pre, pl) == 0 && memcmp(der + pl, pub, n) == 0;
	/* RSA and AKP: the encoder's bytes */
	if (fsim_cose_key_spki(k, &enc) != 0)
		return false;
	eq = fsim_blob_eq(&enc, der, len);
	fsim_blob_reset(&enc);
	return eq;
}

