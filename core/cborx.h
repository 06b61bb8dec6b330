/*
 * cborx.h — strict CBOR decoding and canonical CTAP2 encoding over libcbor.
 *
 * libcbor parses permissively (indefinite lengths, duplicate keys, any key
 * type) and pre-allocates what a header declares. We therefore scan the bytes
 * ourselves first (well formed, definite lengths only, no tags, declared
 * lengths that fit the input, bounded depth) and only then let libcbor build
 * the tree; after that we check map keys (type, duplicates).
 *
 * Rules reported: ENC-03 (well formed, no trailing bytes), CBOR-01 (definite
 * lengths, no tags, canonical form), CBOR-DUP (duplicate map key),
 * CBOR-KEYTYPE (map key neither integer nor text string).
 */
#ifndef FSIM_CBORX_H
#define FSIM_CBORX_H

#include <cbor.h>
#include "util.h"

#define FSIM_CBOR_MAX_DEPTH 16

/* Decode exactly one item filling [ptr, ptr+len). Trailing bytes are an error (ENC-03). */
int fsim_cbor_decode(const uint8_t *ptr, size_t len, cbor_item_t **out,
    fsim_diags_t *d) FSIM_WUR;

/*
 * Decode the one item at the start of [ptr, ptr+len) and report how many bytes
 * it took in *used. Bytes after it are left to the caller.
 */
int fsim_cbor_decode_prefix(const uint8_t *ptr, size_t len, cbor_item_t **out,
    size_t *used, fsim_diags_t *d) FSIM_WUR;

/*
 * Encode in the CTAP2 canonical form (CBOR-01): shortest integer and length
 * heads, definite lengths, map keys sorted by major type, then encoded length,
 * then bytes. Fails on tags and indefinite items.
 */
int fsim_cbor_encode(const cbor_item_t *item, fsim_blob_t *out) FSIM_WUR;

/* Are these bytes (one well-formed item) exactly their canonical encoding? */
bool fsim_cbor_is_canonical(const uint8_t *ptr, size_t len);

/* Map lookups; NULL when absent. Keys compared by value. */
cbor_item_t *fsim_cbor_map_get_int(const cbor_item_t *map, int64_t key);
cbor_item_t *fsim_cbor_map_get_str(const cbor_item_t *map, const char *key);

/* Integer value of a uint or negint item that fits int64_t. */
int fsim_cbor_get_int(const cbor_item_t *item, int64_t *out) FSIM_WUR;
/* Text string as a malloc'd NUL-terminated copy (fails on embedded NUL). */
int fsim_cbor_get_text(const cbor_item_t *item, char **out) FSIM_WUR;
/* Byte string, lent: valid while item lives. */
int fsim_cbor_get_bytes(const cbor_item_t *item, const uint8_t **ptr, size_t *len) FSIM_WUR;

/* Builders that return NULL on allocation failure. */
cbor_item_t *fsim_cbor_int(int64_t v);
cbor_item_t *fsim_cbor_bytes(const uint8_t *ptr, size_t len);
cbor_item_t *fsim_cbor_text(const char *s);
/* Add key/value to a definite map, taking ownership of both (decref'd on failure). */
int fsim_cbor_map_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value) FSIM_WUR;
/* Append item to a definite array, taking ownership of it (decref'd on failure too). */
int fsim_cbor_array_push(cbor_item_t *arr, cbor_item_t *item) FSIM_WUR;

/* Type name for messages: "unsigned integer", "text string", ... */
const char *fsim_cbor_type_name(const cbor_item_t *item);

#endif /* !FSIM_CBORX_H */
