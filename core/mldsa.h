/*
 * mldsa.h — ML-DSA-44/65/87 (FIPS 204) for WebAuthn credentials (COSE alg
 * -48, -49, -50): keys from a 32-byte seed xi, pure ML-DSA signing (hedged
 * or deterministic) and verification with a context string (WebAuthn uses
 * the empty one).
 *
 * Keys are EVP_PKEYs of type "ML-DSA-44", "ML-DSA-65" or "ML-DSA-87", so the
 * rest of fidosim handles them like any other key. Where the OpenSSL the
 * build links provides ML-DSA (3.5 and later) these are OpenSSL's own;
 * with an older OpenSSL (Debian 12 has 3.0) fidosim's FIPS 204
 * implementation (mldsa_poly.c, mldsa_pack.c, mldsa_sign.c) provides them
 * through a built-in provider (mldsa_prov.c) under the same names and
 * parameters ("pub", "seed"; "context-string", "test-entropy"), registered
 * on first use.
 */
#ifndef FSIM_MLDSA_H
#define FSIM_MLDSA_H

#include <stdbool.h>
#include <openssl/evp.h>
#include "util.h"

#define FSIM_MLDSA_SEED_LEN 32
#define FSIM_MLDSA_RND_LEN 32
#define FSIM_MLDSA_CTX_MAX 255

/* 44, 65 or 87 for COSE alg -48, -49, -50; 0 for any other alg. */
int fsim_mldsa_set_of_alg(int alg);
/* The COSE alg of a set, 0 for an unknown set. */
int fsim_mldsa_alg_of_set(int set);
/* "ML-DSA-44", ... or NULL. */
const char *fsim_mldsa_name(int set);
/* Public key and signature sizes (FIPS 204 Table 2); 0 for an unknown set. */
size_t fsim_mldsa_public_len(int set);
size_t fsim_mldsa_sig_len(int set);
/* Does the linked OpenSSL provide ML-DSA itself (3.5+)? */
bool fsim_mldsa_native(void);

/*
 * Keys. from_seed: FSIM_ERR_FORMAT when len is not 32. from_public:
 * FSIM_ERR_FORMAT when len is not the set's public key length (every byte
 * string of that length is a public key). FSIM_ERR_ARG for an unknown set.
 */
int fsim_mldsa_pkey_from_seed(int set, const uint8_t *xi, size_t len,
    EVP_PKEY **out) FSIM_WUR;
int fsim_mldsa_pkey_from_public(int set, const uint8_t *pk, size_t len,
    EVP_PKEY **out) FSIM_WUR;
/* The set of an ML-DSA key, 0 for any other key (or NULL). */
int fsim_mldsa_pkey_set(const EVP_PKEY *pkey);
/* The public key bytes into buf (cap bytes); *len gets the length. */
int fsim_mldsa_pkey_public(const EVP_PKEY *pkey, uint8_t *buf, size_t cap,
    size_t *len) FSIM_WUR;
/* The seed xi of a private key (a secret: wipe it); FSIM_ERR_ARG when public. */
int fsim_mldsa_pkey_seed(const EVP_PKEY *pkey, uint8_t xi[32]) FSIM_WUR;

/*
 * ML-DSA.Sign (Algorithm 2) with context ctx (at most 255 bytes, else
 * FSIM_ERR_ARG). rnd: 32 bytes (all zero: the deterministic variant;
 * anything else: hedged with those bytes), or NULL for fresh bytes from
 * OpenSSL's RNG. The key must be private (else FSIM_ERR_ARG).
 */
int fsim_mldsa_sign(EVP_PKEY *pkey, const uint8_t *msg, size_t mlen,
    const uint8_t *ctx, size_t ctxlen, const uint8_t *rnd, fsim_blob_t *sig) FSIM_WUR;
/*
 * ML-DSA.Verify (Algorithm 3): 0 when valid; FSIM_ERR_SIGNATURE when not
 * (including a wrong length or a context over 255 bytes); other negatives
 * for internal errors.
 */
int fsim_mldsa_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t mlen,
    const uint8_t *ctx, size_t ctxlen, const uint8_t *sig, size_t slen) FSIM_WUR;

/* Internal: register the built-in provider (no-op with a native OpenSSL). */
int fsim_mldsa_provider_init(void) FSIM_WUR;

#endif /* !FSIM_MLDSA_H */
