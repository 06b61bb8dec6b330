/*
 * authdata.h — authenticator data (WebAuthn §6.1) and attested credential
 * data (§6.5.1).
 *
 * Layout: rpIdHash[32] | flags[1] | signCount[4, big endian] |
 *         attestedCredentialData (if AT) | extensions CBOR map (if ED).
 *
 * Rules reported: AD-01 (length), AD-02 (AT and attested data agree), AD-03
 * (ED and extensions agree; extensions is one map with text keys), AD-04 (no
 * bytes left; the COSE key is exactly one CBOR item), ACD-01 (layout, fixed
 * offsets), ACD-02 (1 <= credentialIdLength <= 1023), ACD-05 (the key is a
 * COSE_Key, with COSE-* rules from cose.c), ENC-04 (non-canonical CBOR,
 * warning), FLAGS-03 (RFU bit set, warning).
 */
#ifndef FSIM_AUTHDATA_H
#define FSIM_AUTHDATA_H

#include <cbor.h>
#include "cose.h"
#include "util.h"

#define FSIM_AD_UP   0x01
#define FSIM_AD_RFU1 0x02
#define FSIM_AD_UV   0x04
#define FSIM_AD_BE   0x08
#define FSIM_AD_BS   0x10
#define FSIM_AD_RFU2 0x20
#define FSIM_AD_AT   0x40
#define FSIM_AD_ED   0x80

#define FSIM_AD_MIN_LEN 37
#define FSIM_CRED_ID_MAX 1023

/*
 * Fields are public to read; set them through the parser or directly before
 * fsim_authdata_encode. Everything pointed to is owned by the struct.
 */
typedef struct fsim_authdata {
	uint8_t rp_id_hash[32];
	uint8_t flags;
	uint32_t sign_count;

	/* attested credential data, valid when flags & FSIM_AD_AT */
	uint8_t aaguid[16];
	fsim_blob_t cred_id;
	fsim_blob_t cose_key_raw;     /* the COSE_Key bytes exactly as found */
	fsim_cose_key_t *cose_key;    /* parsed; NULL if it did not parse */
	/*
	 * A well-formed COSE_Key whose alg fidosim does not support: cose_key
	 * is NULL, key_alg names the alg, and the parse still succeeds (COSE-03
	 * is recorded as an error) so the checks that need no key can run.
	 */
	bool key_alg_unsupported;
	int64_t key_alg;

	/* extensions, valid when flags & FSIM_AD_ED */
	fsim_blob_t ext_raw;          /* the map's bytes exactly as found */
	cbor_item_t *ext;             /* decoded map */

	/* byte offsets within the parsed buffer, for messages */
	size_t acd_offset, cose_offset, ext_offset;
} fsim_authdata_t;

fsim_authdata_t *fsim_authdata_new(void);
void fsim_authdata_free(fsim_authdata_t **adp);
/*
 * An independent copy (bytes copied; the parsed key and the extensions map
 * shared by reference, neither ever changed after parsing). NULL without
 * memory.
 */
fsim_authdata_t *fsim_authdata_copy(const fsim_authdata_t *ad);

/*
 * Strict parse. Returns 0 when the structure is valid (warnings may still be
 * recorded), FSIM_ERR_FORMAT / FSIM_ERR_CBOR / FSIM_ERR_COSE otherwise, with
 * every problem found in d. On failure *out is NULL. A credential key with an
 * alg fidosim does not support is not a structural fault: the parse succeeds
 * with cose_key NULL and key_alg_unsupported set, and d holds the COSE-03
 * error that says so.
 */
int fsim_authdata_parse(const uint8_t *ptr, size_t len, fsim_authdata_t **out,
    fsim_diags_t *d) FSIM_WUR;

/*
 * The same with ACD-02's upper bound at id_max instead of FSIM_CRED_ID_MAX:
 * for relying parties that store longer credential IDs (the field is 16
 * bits, so id_max >= 65535 means no bound). The lower bound stays 1.
 */
int fsim_authdata_parse_max(const uint8_t *ptr, size_t len, size_t id_max,
    fsim_authdata_t **out, fsim_diags_t *d) FSIM_WUR;

/*
 * Options of fsim_authdata_parse_ex, for relying parties laxer than the
 * spec. TRAILING_OK: bytes after the last part the flags announce (AD-04)
 * are recorded as an INFO under AD-04 and left in the raw bytes, not an
 * error (some RP libraries drop them).
 */
#define FSIM_AD_PARSE_TRAILING_OK 0x1u
int fsim_authdata_parse_ex(const uint8_t *ptr, size_t len, size_t id_max, unsigned int opts,
    fsim_authdata_t **out, fsim_diags_t *d) FSIM_WUR;

/*
 * Encode from the fields: AT/ED in flags decide whether attested data
 * (cose_key_raw if set, else the canonical encoding of cose_key) and ext
 * (ext_raw if set, else canonical encoding of ext) are written.
 */
int fsim_authdata_encode(const fsim_authdata_t *ad, fsim_blob_t *out) FSIM_WUR;

/* "UP UV BE BS AT" style list of set flags into buf. */
void fsim_authdata_flags_str(uint8_t flags, char *buf, size_t len);

#endif /* !FSIM_AUTHDATA_H */
