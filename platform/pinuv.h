/*
 * pinuv.h — the platform's side of the PIN/UV auth protocols (CTAP 2.1
 * §6.5.4): protocol one (§6.5.6) and protocol two (§6.5.7). A shared secret
 * is agreed with the authenticator's key agreement key (ECDH on P-256),
 * then PINs are sent encrypted and requests are authenticated with a
 * pinUvAuthToken.
 */
#ifndef FSIM_PLATFORM_PINUV_H
#define FSIM_PLATFORM_PINUV_H

#include <cbor.h>

#include "core/fsim_core.h"

typedef struct fsim_pinuv {
	uint64_t protocol;          /* 1 or 2 */
	uint8_t secret[64];         /* one: SHA-256(Z); two: HMAC key | AES key */
	size_t secret_len;          /* 32 or 64 */
	fsim_blob_t platform_key;   /* our COSE_Key (alg -25), canonical CBOR */
} fsim_pinuv_t;

/* Wipe and free what s holds. NULL-safe. */
void fsim_pinuv_reset(fsim_pinuv_t *s);

/*
 * encapsulate (§6.5.6, §6.5.7): a fresh P-256 key, ECDH with peer (the
 * authenticator's COSE_Key from getKeyAgreement: kty 2, crv 1, alg -25 or
 * absent), and the protocol's KDF. 0, or FSIM_ERR_ARG (protocol not 1 or 2),
 * FSIM_ERR_COSE (peer is not a P-256 point), FSIM_ERR_INTERNAL.
 */
int fsim_pinuv_encapsulate(uint64_t protocol, const cbor_item_t *peer, fsim_pinuv_t *out) FSIM_WUR;

/*
 * encrypt / decrypt with the shared secret: one: AES-256-CBC, IV zero;
 * two: a random IV first, then AES-256-CBC under the AES key. n is a
 * multiple of 16 (decrypt: including two's IV).
 */
int fsim_pinuv_encrypt(const fsim_pinuv_t *s, const uint8_t *in, size_t n, fsim_blob_t *out) FSIM_WUR;
int fsim_pinuv_decrypt(const fsim_pinuv_t *s, const uint8_t *in, size_t n, fsim_blob_t *out) FSIM_WUR;

/*
 * authenticate(key, message): HMAC-SHA-256, its first 16 bytes under
 * protocol one, all 32 under two. key is a pinUvAuthToken (16 or 32
 * bytes), or the shared secret (two uses its HMAC key). *outlen 16 or 32.
 */
int fsim_pinuv_authenticate(uint64_t protocol, const uint8_t *key, size_t keylen,
    const uint8_t *msg, size_t n, uint8_t out[32], size_t *outlen) FSIM_WUR;

/* The shared secret's authenticate key: one's whole secret, two's HMAC key. */
int fsim_pinuv_auth_shared(const fsim_pinuv_t *s, const uint8_t *msg, size_t n,
    uint8_t out[32], size_t *outlen) FSIM_WUR;

/*
 * A PIN for setPIN / changePIN (§6.5.5.5): UTF-8, at least 4 code points
 * and at most 63 bytes, padded with zeros to 64 bytes. 0, or FSIM_ERR_ARG.
 */
int fsim_pinuv_pad_pin(const char *pin, uint8_t out[64]) FSIM_WUR;

/* LEFT(SHA-256(pin), 16): what getPinToken and changePIN send encrypted. */
int fsim_pinuv_pin_hash(const char *pin, uint8_t out[16]) FSIM_WUR;

#endif /* !FSIM_PLATFORM_PINUV_H */
