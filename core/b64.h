/*
 * b64.h — base64url (WebAuthn §3, RFC 4648 §5), base64 and hex.
 * Decoders return an owned blob; encoders a malloc'd NUL-terminated string.
 */
#ifndef FSIM_B64_H
#define FSIM_B64_H

#include "util.h"

/*
 * Strict base64url (rule ENC-01): alphabet A-Z a-z 0-9 - _, no '=' padding, no
 * whitespace, length mod 4 != 1, unused trailing bits zero. On failure the
 * diagnostic names `field` and the offending character's offset.
 */
int fsim_b64url_decode(const char *s, size_t slen, fsim_blob_t *out,
    fsim_diags_t *d, const char *field) FSIM_WUR;
int fsim_b64url_encode(const uint8_t *ptr, size_t len, char **out) FSIM_WUR;

/* Standard base64 (RFC 4648 §4), padding optional, no whitespace. */
int fsim_b64_decode(const char *s, size_t slen, fsim_blob_t *out) FSIM_WUR;

/* Hex, either case, even length, no separators. */
int fsim_hex_decode(const char *s, size_t slen, fsim_blob_t *out) FSIM_WUR;
int fsim_hex_encode(const uint8_t *ptr, size_t len, char **out) FSIM_WUR;

#endif /* !FSIM_B64_H */
