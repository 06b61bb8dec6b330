/*
 * keys_int.h — shared by keys.c, keys_rsa.c, rfc6979.c and credid.c; not
 * used outside them.
 */
#ifndef FSIM_KEYS_INT_H
#define FSIM_KEYS_INT_H

#include <openssl/bn.h>
#include <openssl/evp.h>
#include "authenticator/env.h"
#include "core/util.h"

/* One row per ECDSA COSE alg (and its fully specified alias). */
struct fsim_ecdsa_info {
	int alg;
	int nid;              /* OpenSSL curve NID */
	const char *group;    /* OpenSSL group name */
	const char *md;       /* hash name for EVP_MD_fetch / EVP_MAC */
	size_t order_len;     /* bytes of the group order */
};

/* The row for an ECDSA alg, NULL for any other alg. */
const struct fsim_ecdsa_info *fsim_ecdsa_info(int alg);

/*
 * The EC key pair for a private scalar d (big endian, 1 <= d < n) on alg's
 * curve. Used by key generation and by tests with published keys.
 */
int fsim_key_ec_from_scalar(int alg, const uint8_t *d, size_t len, EVP_PKEY **out)
    FSIM_WUR;

/*
 * RFC 6979 ECDSA with scalar d; the nonce k used is copied to k_out when not
 * NULL (for known-answer tests).
 */
int fsim_rfc6979_sign_scalar(int alg, const BIGNUM *d, const uint8_t *msg,
    size_t mlen, BIGNUM *k_out, fsim_blob_t *sig) FSIM_WUR;

/*
 * EC keys on P-256/384/521 in PKCS#8 without OpenSSL's encoders (keys_ec.c):
 * the same bytes OpenSSL writes. FSIM_ERR_UNSUPPORTED for any other key or
 * form, which the caller then hands to OpenSSL.
 */
int fsim_key_ec_to_der(EVP_PKEY *key, fsim_blob_t *der) FSIM_WUR;
/* The same with the public point given (when the caller has read it). */
int fsim_key_ec_to_der_pt(EVP_PKEY *key, const uint8_t *pub, size_t pub_len,
    fsim_blob_t *der) FSIM_WUR;
int fsim_key_ec_from_der(const uint8_t *der, size_t len, EVP_PKEY **out) FSIM_WUR;

/* RSA-2048, e = 65537, every random byte from env. */
int fsim_key_rsa_generate(const fsim_env_t *env, EVP_PKEY **out) FSIM_WUR;

/*
 * RSASSA-PSS under alg PS256, PS384 or PS512: its SHA-2 hash, MGF1 over the
 * same hash and a salt as long as the hash drawn from env (RFC 8017 §8.1.1,
 * §9.1.1; RFC 8230 §2), so a seeded env gives the same signature.
 */
int fsim_key_pss_sign(const fsim_env_t *env, EVP_PKEY *key, int alg, const uint8_t *msg,
    size_t mlen, fsim_blob_t *sig) FSIM_WUR;

#endif /* !FSIM_KEYS_INT_H */
