/*
 * ossl_cache.h — OpenSSL objects made once per process and shared by every
 * thread: the EC domain parameters of the NIST curves, as an EC_GROUP and as
 * a key-less EVP_PKEY to duplicate. OpenSSL 3 builds a curve's group from
 * its name on every key import (about as long as an ECDSA signature); a
 * duplicate of a ready one costs a sixth of that.
 *
 * The digests used per signature are fetched once here too (HMAC is
 * computed over them: core/hmac.h).
 *
 * Made on first use under CRYPTO_THREAD_run_once, read-only afterwards,
 * freed at exit (atexit, before OpenSSL's own cleanup).
 */
#ifndef FSIM_OSSL_CACHE_H
#define FSIM_OSSL_CACHE_H

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "util.h"

/*
 * For COSE crv 1 (P-256), 2 (P-384), 3 (P-521); NULL for any other or when
 * it could not be made. Borrowed: never free them, never change them.
 */
const EC_GROUP *fsim_ec_group(int crv);
EVP_PKEY *fsim_ec_params(int crv);
/* The same group by OpenSSL curve NID (NID_X9_62_prime256v1, ...). */
const EC_GROUP *fsim_ec_group_by_nid(int nid);
EVP_PKEY *fsim_ec_params_by_nid(int nid);

/*
 * "SHA1", "SHA256", "SHA384", "SHA512", fetched once: borrowed (the
 * EVP_Digest* calls take their own references). NULL for another name or
 * when the fetch failed.
 */
EVP_MD *fsim_md_fetched(const char *name);

/* SHA-256 of p[0..n) with the fetched digest (no implicit fetch per call). */
int fsim_sha256(const void *p, size_t n, uint8_t out[32]) FSIM_WUR;

/*
 * A new EC public key on crv from an uncompressed SEC 1 point (04 || x ||
 * y), with OpenSSL's partial public-key validation (SP 800-56A rev. 3
 * §5.6.2.3.4: not the identity, coordinates below p, on the curve). The
 * NIST curves have cofactor 1, so that is the full validation: the check
 * n * Q = O that EVP_PKEY_public_check adds (a scalar multiplication) can
 * never fail for a point on the curve. FSIM_ERR_COSE when the point is not
 * valid, FSIM_ERR_NOMEM, or FSIM_ERR_INTERNAL for a curve not listed.
 * Inside a judge-once scope (judge_memo.h) a point imported before on the
 * same curve gives the same key object again (a new reference).
 */
int fsim_ec_public_key(int crv, const uint8_t *pt, size_t len, EVP_PKEY **out)
    FSIM_WUR;

/* That same check on an EC key from elsewhere (an SPKI, a certificate). */
int fsim_ec_public_check(EVP_PKEY *pkey);

#endif /* !FSIM_OSSL_CACHE_H */
