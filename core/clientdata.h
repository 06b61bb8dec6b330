/*
 * clientdata.h — CollectedClientData / clientDataJSON (WebAuthn §5.8.1).
 *
 * Building follows the serialization of §5.8.1.1 (type, challenge, origin,
 * crossOrigin, topOrigin). Parsing strips a leading UTF-8 BOM, requires valid
 * UTF-8 and a JSON object (ENC-05), rejects duplicate member names (ENC-06),
 * and checks member types (type, challenge, origin: strings; crossOrigin:
 * boolean; topOrigin: string). Value checks (CDJ-01..06) belong to the RP.
 */
#ifndef FSIM_CLIENTDATA_H
#define FSIM_CLIENTDATA_H

#include <jansson.h>
#include "util.h"

typedef struct fsim_clientdata {
	char *type;              /* NULL if absent */
	char *challenge;         /* the base64url string as sent; NULL if absent */
	char *origin;            /* NULL if absent */
	int cross_origin;        /* -1 absent, 0 false, 1 true */
	char *top_origin;        /* NULL if absent */
	json_t *root;            /* the whole parsed object (unknown members too) */
	fsim_blob_t raw;         /* the bytes exactly as received */
	uint8_t hash[32];        /* SHA-256 over raw (CDJ-09) */
	bool canonical_order;    /* serialized as §5.8.1.1 does (CDJ-08, info) */
} fsim_clientdata_t;

void fsim_clientdata_free(fsim_clientdata_t **cdp);

int fsim_clientdata_parse(const uint8_t *ptr, size_t len, fsim_clientdata_t **out,
    fsim_diags_t *d) FSIM_WUR;

/*
 * Serialize as §5.8.1.1: {"type":..,"challenge":..,"origin":..,
 * "crossOrigin":true|false[,"topOrigin":..]}. top_origin may be NULL.
 */
int fsim_clientdata_build(const char *type, const uint8_t *challenge, size_t clen,
    const char *origin, bool cross_origin, const char *top_origin,
    fsim_blob_t *out) FSIM_WUR;

#endif /* !FSIM_CLIENTDATA_H */
