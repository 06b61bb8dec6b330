/*
 * sig.h — WebAuthn signatures (rules SIG-01..05).
 *
 * ECDSA signatures are ASN.1 DER Ecdsa-Sig-Value, checked strictly (minimal
 * lengths, minimal positive INTEGERs, no trailing bytes, 1 <= r,s < n); r and s
 * shorter than the field are legal; high S is legal. EdDSA is raw (64 bytes
 * Ed25519, 114 bytes Ed448). RS256 is PKCS#1 v1.5 with SHA-256 and RS1 the
 * same with SHA-1; PS256/PS384/PS512 are PSS with MGF1 over SHA-256/384/512
 * and a salt as long as the hash (32/48/64 bytes). The COSE alg decides the
 * hash. Whether a SHA-1 signature is acceptable is the RP's policy, not
 * decided here: RS1 verifies like any other alg. A PKCS#1 v1.5 DigestInfo
 * without the NULL parameters (Wycheproof's "acceptable" MissingNull) is
 * refused. tests/unit/test_wycheproof.c holds every ECDSA, EdDSA, RS256 and
 * PSS verdict of vectors/wycheproof/ to this function.
 */
#ifndef FSIM_SIG_H
#define FSIM_SIG_H

#include <openssl/evp.h>
#include "cose.h"
#include "util.h"

/*
 * Verify sig over msg with pkey under COSE alg. Returns 0 when valid,
 * FSIM_ERR_SIGNATURE when malformed (diag SIG-01/SIG-03/SIG-04) or not valid
 * (diag with rule `rule`, the caller's step, e.g. "AUTH-20"), other negatives
 * for internal errors. `field` names the signature in messages.
 * A key whose type or curve does not fit alg is also FSIM_ERR_SIGNATURE under
 * `rule`; an unknown alg is FSIM_ERR_UNSUPPORTED (COSE-03). NULL rule means
 * "SIG-02", NULL field "signature". Allocates one EVP_MD_CTX and nothing else.
 */
int fsim_sig_verify(EVP_PKEY *pkey, int alg, const uint8_t *msg, size_t mlen,
    const uint8_t *sig, size_t slen, fsim_diags_t *d, const char *rule,
    const char *field) FSIM_WUR;

/*
 * Strict DER Ecdsa-Sig-Value check (SIG-01) against the order of pkey's curve.
 * FSIM_ERR_ARG when pkey is not a P-256/P-384/P-521 key.
 */
int fsim_sig_ecdsa_der_check(const uint8_t *sig, size_t slen, const EVP_PKEY *pkey,
    fsim_diags_t *d, const char *field) FSIM_WUR;

/*
 * Sign msg with pkey under COSE alg, producing the WebAuthn form (DER for
 * ECDSA, raw for EdDSA, PKCS#1 v1.5 or PSS with a hash-long salt for RSA).
 * FSIM_ERR_ARG when the key does not fit alg or has no private half.
 */
int fsim_sig_sign(EVP_PKEY *pkey, int alg, const uint8_t *msg, size_t mlen,
    fsim_blob_t *out) FSIM_WUR;

/*
 * An ECDSA signature in DER (Ecdsa-Sig-Value) as raw r || s into raw, each
 * half `half` bytes (the curve's size: 32, 48 or 66) — JOSE's form (RFC 7518
 * 3.4) and what the raw-ecdsa-signature quirk writes. raw holds 2 * half
 * bytes. FSIM_ERR_FORMAT when der is not an Ecdsa-Sig-Value or a value does
 * not fit half; FSIM_ERR_ARG when half is 0 or above 66.
 */
int fsim_sig_ecdsa_raw(const uint8_t *der, size_t len, size_t half, uint8_t *raw) FSIM_WUR;

#endif /* !FSIM_SIG_H */
