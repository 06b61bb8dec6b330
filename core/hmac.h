/*
 * hmac.h — HMAC (RFC 2104) over a reusable digest context: the DRBG of a
 * seeded environment and RFC 6979's nonce generator key a new HMAC at
 * nearly every step (their key changes with their state), and OpenSSL 3's
 * EVP_MAC_init costs more per key than the hashing itself.
 */
#ifndef FSIM_HMAC_H
#define FSIM_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "util.h"

/* One part of the message: parts are hashed in order; an empty one is skipped. */
typedef struct fsim_hmac_part {
	const uint8_t *p;
	size_t n;
} fsim_hmac_part_t;

/*
 * out = HMAC_md(key, parts[0] | parts[1] | ...), EVP_MD_get_size(md)
 * bytes. ctx is the caller's (made once, reused); md a fetched digest whose
 * block is at most 128 bytes (SHA-1 and the SHA-2 family). The padded key
 * and the inner hash are wiped. FSIM_ERR_ARG for another digest or a NULL
 * part with a length, FSIM_ERR_INTERNAL when OpenSSL fails.
 */
int fsim_hmac(EVP_MD_CTX *ctx, const EVP_MD *md, const uint8_t *key, size_t klen,
    const fsim_hmac_part_t *parts, size_t nparts, uint8_t *out) FSIM_WUR;

#endif /* !FSIM_HMAC_H */
