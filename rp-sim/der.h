/*
 * der.h — a small, bounds-checked reader of ASN.1 DER (X.690 §8, §10), for
 * the certificate extensions the attestation formats must parse themselves:
 * android-key's KeyDescription (§8.4) and apple's nonce (§8.8, PIT-19).
 *
 * It reads one TLV at a time and never allocates. It accepts only DER
 * framing: definite lengths in their shortest form, and tag numbers of 31 and
 * above in the high-tag-number form without leading 0x80 bytes. What the
 * contents mean is the caller's business.
 */
#ifndef FSIM_DER_H
#define FSIM_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/* Classes, as the top two bits of the identifier octet. */
#define FSIM_DER_UNIVERSAL   0x00
#define FSIM_DER_APPLICATION 0x40
#define FSIM_DER_CONTEXT     0x80
#define FSIM_DER_PRIVATE     0xc0

/* Universal tag numbers we need. */
#define FSIM_DER_INTEGER     2
#define FSIM_DER_OCTETSTRING 4
#define FSIM_DER_NULL        5
#define FSIM_DER_ENUMERATED  10
#define FSIM_DER_SEQUENCE    16
#define FSIM_DER_SET         17

/* Tag numbers above this are refused (four base-128 bytes). */
#define FSIM_DER_MAX_TAG 0x0fffffffu

typedef struct fsim_der {
	uint8_t cls;          /* FSIM_DER_UNIVERSAL ... FSIM_DER_PRIVATE */
	bool cons;            /* constructed */
	uint32_t tag;         /* tag number */
	const uint8_t *val;   /* contents, lent from the input */
	size_t len;           /* contents length */
	size_t hdr;           /* identifier and length octets */
} fsim_der_t;

/*
 * Read the TLV at *p (with *left bytes available) into *out and advance *p
 * and *left past it. FSIM_ERR_FORMAT when the input is empty, truncated, or
 * not DER framing; nothing is advanced then. On failure *out is zeroed.
 */
int fsim_der_next(const uint8_t **p, size_t *left, fsim_der_t *out) FSIM_WUR;

/* Exactly one TLV filling [ptr, ptr+len): trailing bytes are FSIM_ERR_FORMAT. */
int fsim_der_one(const uint8_t *ptr, size_t len, fsim_der_t *out) FSIM_WUR;

/* Is t of this class, form and tag number? */
bool fsim_der_is(const fsim_der_t *t, uint8_t cls, bool cons, uint32_t tag);

/*
 * The value of a primitive INTEGER or ENUMERATED (any class, as the caller
 * checked the tag) that fits int64_t, in DER's minimal two's complement.
 * FSIM_ERR_FORMAT otherwise.
 */
int fsim_der_int(const fsim_der_t *t, int64_t *out) FSIM_WUR;

#endif /* !FSIM_DER_H */
