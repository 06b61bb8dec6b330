/*
 * cose_akp.c — the ML-DSA keys of COSE key type AKP (draft-ietf-cose-dilithium)
 * in their SubjectPublicKeyInfo form (RFC 9881 §4), which a registration
 * response's getPublicKey() carries: written and read here, for every
 * OpenSSL (3.0 has no encoder or decoder for these keys).
 */
#include <stdlib.h>
#include <string.h>

#include "cose.h"
#include "cose_internal.h"
#include "mldsa.h"

/*
 * SEQUENCE { SEQUENCE { OID id-ml-dsa-NN }, BIT STRING (0 unused bits) pk }:
 * no parameters, so a 22-byte prefix and the FIPS 204 public key.
 */
static size_t
mldsa_spki_prefix(int set, uint8_t pre[22])
{
	static const uint8_t tmpl[22] = {
		0x30, 0x82, 0, 0, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
		0x65, 0x03, 0x04, 0x03, 0, 0x03, 0x82, 0, 0, 0x00,
	};
	size_t pl = fsim_mldsa_public_len(set), bits = pl + 1, all = 13 + 4 + bits;

	if (pl == 0)
		return 0;
	memcpy(pre, tmpl, sizeof(tmpl));
	pre[2] = (uint8_t)(all >> 8);
	pre[3] = (uint8_t)all;
	pre[16] = (uint8_t)(set == 44 ? 0x11 : set == 65 ? 0x12 : 0x13);
	pre[19] = (uint8_t)(bits >> 8);
	pre[20] = (uint8_t)bits;
	return sizeof(tmpl);
}

int
fsim_cose_akp_from_spki(const uint8_t *der, size_t len, int alg, fsim_cose_key_t **out)
{
	uint8_t pre[22];
	int set = fsim_mldsa_set_of_alg(alg);
	size_t pl = mldsa_spki_prefix(set, pre);
	EVP_PKEY *pkey = NULL;
	int r;

	if (pl == 0 || len != pl + fsim_mldsa_public_len(set) ||
	    memcmp(der, pre, pl) != 0)
		return FSIM_ERR_FORMAT;
	if ((r = fsim_mldsa_pkey_from_public(set, der + pl, len - pl, &pkey)) != 0)
		return r;
	r = fsim_cose_key_from_pkey(pkey, alg, out);
	EVP_PKEY_free(pkey);
	return r;
}

int
fsim_cose_akp_spki(const fsim_cose_key_t *k, fsim_blob_t *out)
{
	uint8_t pre[22];
	int set = fsim_mldsa_pkey_set(fsim_cose_key_pkey(k));
	size_t pl = mldsa_spki_prefix(set, pre), kl = fsim_mldsa_public_len(set), n;
	uint8_t *buf;
	int r;

	if (pl == 0)
		return FSIM_ERR_INTERNAL;
	if ((buf = malloc(pl + kl)) == NULL)
		return FSIM_ERR_NOMEM;
	memcpy(buf, pre, pl);
	if ((r = fsim_mldsa_pkey_public(fsim_cose_key_pkey(k), buf + pl, kl, &n)) != 0) {
		free(buf);
		return r;
	}
	out->ptr = buf;
	out->len = pl + kl;
	return 0;
}

