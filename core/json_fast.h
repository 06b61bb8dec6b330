/*
 * json_fast.h — a quick loader for the plain JSON that WebAuthn carries
 * (response JSON, clientDataJSON, request bodies: ASCII strings without
 * escapes, objects, arrays, literals, small integers), giving the same
 * jansson values as json_loadb at a fraction of its cost (jansson lexes
 * through a per-character stream and a growing buffer).
 *
 * It never judges: on anything outside that plain subset — an escape, a
 * byte above 0x7e or below 0x20 in a string, a fraction or exponent, a
 * duplicate member name, deep nesting, trailing text, any syntax error, an
 * allocation failure — it returns NULL and the caller runs json_loadb as
 * before, so every error, its message and position, and every value of an
 * unusual document stay exactly jansson's.
 */
#ifndef FSIM_JSON_FAST_H
#define FSIM_JSON_FAST_H

#include <stddef.h>

#include <jansson.h>

/*
 * The value of p[0..len), or NULL when the caller must use json_loadb.
 * flags: JSON_DECODE_ANY as for json_loadb (without it, a top-level value
 * that is not an object or array gets NULL); other flags need nothing here
 * (duplicates always fall back, the EOF check is always made).
 */
json_t *fsim_json_fast_load(const char *p, size_t len, size_t flags);

#endif /* !FSIM_JSON_FAST_H */
