/*
 * keys.h — credential and attestation keys: generation from the
 * environment's random source (so --seed gives the same keys), signing in
 * the WebAuthn form (DER ECDSA with RFC 6979 nonces when the environment is
 * deterministic), PKCS#8 serialisation for the store.
 */
#ifndef FSIM_KEYS_H
#define FSIM_KEYS_H

#include <openssl/evp.h>
#include "authenticator/env.h"
#include "core/util.h"

/*
 * A new key pair for a COSE alg: ES256 (P-256), ES384 (P-384), ES512
 * (P-521), EdDSA (Ed25519), Ed448, RS256 / RS1 / PS256 / PS384 / PS512
 * (RSA-2048, e = 65537), ML-DSA-44/65/87 (-48/-49/-50, from a 32-byte seed;
 * PKCS#8 in the RFC 9881 seed form). Every random byte comes from env, so a
 * seeded env gives the same key.
 */
int fsim_key_generate(const fsim_env_t *env, int alg, EVP_PKEY **out) FSIM_WUR;

/*
 * Sign msg in the form WebAuthn wants for alg (SIG-01..04). ECDSA uses RFC
 * 6979 deterministic nonces when env->deterministic, OpenSSL's own
 * otherwise (faster).
 */
int fsim_key_sign(const fsim_env_t *env, EVP_PKEY *key, int alg, const uint8_t *msg,
    size_t mlen, fsim_blob_t *sig) FSIM_WUR;

/* RFC 6979 ECDSA (P-256/384/521) with the hash of alg, DER output. */
int fsim_ecdsa_sign_rfc6979(EVP_PKEY *key, int alg, const uint8_t *msg, size_t mlen,
    fsim_blob_t *sig) FSIM_WUR;

/* PKCS#8 DER of the private key (a secret: wipe it with fsim_blob_reset). */
int fsim_key_to_der(EVP_PKEY *key, fsim_blob_t *der) FSIM_WUR;

/*
 * An EC key's public point, uncompressed (04 || x || y), into pt (room for
 * cap bytes). OpenSSL converts the point to affine form on every read (a
 * field inversion), so a caller that needs it twice reads it once here.
 * FSIM_ERR_UNSUPPORTED for a key that is not EC.
 */
int fsim_key_ec_point(EVP_PKEY *key, uint8_t *pt, size_t cap, size_t *len) FSIM_WUR;
int fsim_key_from_der(const uint8_t *der, size_t len, EVP_PKEY **out) FSIM_WUR;

/*
 * Non-resident credential IDs carry the private key, wrapped with
 * AES-256-GCM under the store's key and bound to the RP (the rpIdHash is the
 * additional data): id = version(1) | nonce(12) | ciphertext | tag(16).
 * The plaintext is alg (2, big endian) | flags (1) | credProtect (1) | key
 * DER. Keys too big for a 1023-byte ID (RSA) are not wrapped: see store.h.
 */
typedef struct fsim_wrapped {
	int alg;
	uint8_t flags;            /* FSIM_WRAP_BE, ... */
	uint8_t cred_protect;     /* 0 (none), 1..3 */
	EVP_PKEY *key;
	/*
	 * Wrapping only, optional: key's uncompressed public point when the
	 * caller has read it already (fsim_key_ec_point), so it is not read
	 * from the key again; borrowed. NULL otherwise (and after unwrap).
	 */
	const uint8_t *pub;
	size_t pub_len;
} fsim_wrapped_t;
#define FSIM_WRAP_BE 0x01

int fsim_credid_wrap(const fsim_env_t *env, const uint8_t wrap_key[32],
    const uint8_t rp_id_hash[32], const fsim_wrapped_t *w, fsim_blob_t *id) FSIM_WUR;
/* Fails (FSIM_ERR_NOT_FOUND) for an ID that is not ours or is another RP's. */
int fsim_credid_unwrap(const uint8_t wrap_key[32], const uint8_t rp_id_hash[32],
    const uint8_t *id, size_t len, fsim_wrapped_t *w) FSIM_WUR;
void fsim_wrapped_reset(fsim_wrapped_t *w);

#endif /* !FSIM_KEYS_H */
