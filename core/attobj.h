/*
 * attobj.h — the attestation object (WebAuthn §6.5.4):
 * a CBOR map {"fmt": text, "attStmt": map (array for "compound"), "authData": bytes}.
 *
 * Rules reported: ENC-02 (keys, types; unknown extra keys are a warning),
 * ENC-03 (well formed, no trailing bytes), ENC-04 (canonical, warning),
 * ATT-01 (fmt identifier syntax), and everything authdata.h reports for the
 * embedded authData (offsets absolute within the attestation object).
 */
#ifndef FSIM_ATTOBJ_H
#define FSIM_ATTOBJ_H

#include <cbor.h>
#include "authdata.h"
#include "util.h"

typedef struct fsim_attobj {
	char *fmt;
	cbor_item_t *att_stmt;        /* map, or array for compound */
	fsim_blob_t auth_data_raw;    /* authData bytes exactly as found */
	fsim_authdata_t *auth_data;   /* parsed; NULL if authData is malformed */
	size_t auth_data_offset;      /* where authData's bytes start */
	bool canonical;
} fsim_attobj_t;

fsim_attobj_t *fsim_attobj_new(void);
void fsim_attobj_free(fsim_attobj_t **aop);

/*
 * Parse strictly. A malformed authData makes the call fail, but the
 * attestation object itself is still returned in *out when its outer
 * structure was sound (auth_data NULL), so callers can show what there is.
 */
int fsim_attobj_parse(const uint8_t *ptr, size_t len, fsim_attobj_t **out,
    fsim_diags_t *d) FSIM_WUR;
/* The same with authData's credential ID bounded by id_max (fsim_authdata_parse_max). */
int fsim_attobj_parse_max(const uint8_t *ptr, size_t len, size_t id_max,
    fsim_attobj_t **out, fsim_diags_t *d) FSIM_WUR;
/* The same with fsim_authdata_parse_ex's options for authData. */
int fsim_attobj_parse_ex(const uint8_t *ptr, size_t len, size_t id_max, unsigned int opts,
    fsim_attobj_t **out, fsim_diags_t *d) FSIM_WUR;

/* Canonical encoding; att_stmt NULL means the empty map. */
int fsim_attobj_encode(const char *fmt, const cbor_item_t *att_stmt,
    const uint8_t *auth_data, size_t ad_len, fsim_blob_t *out) FSIM_WUR;

#endif /* !FSIM_ATTOBJ_H */
