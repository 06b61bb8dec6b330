/*
 * record.h — the credential record (WebAuthn L3 §4 "credential record"),
 * in and out as JSON with the L3 field names, binary as base64url:
 * {"type":"public-key","id":"…","publicKey":"<COSE_Key>","signCount":0,
 *  "uvInitialized":true,"transports":["internal"],"backupEligible":true,
 *  "backupState":true}
 */
#ifndef FSIM_RECORD_H
#define FSIM_RECORD_H

#include <jansson.h>
#include "core/fsim_core.h"

typedef struct fsim_cred_record {
	fsim_blob_t id;
	fsim_blob_t public_key;          /* COSE_Key bytes */
	fsim_cose_key_t *key;            /* parsed once, cached (no per-assertion parsing); an
	                                    updated record from verify-authentication has none:
	                                    keep the old one's (fsim_pipe does) or load it anew */
	uint32_t sign_count;
	bool uv_initialized;
	char **transports;
	size_t n_transports;
	bool backup_eligible;
	bool backup_state;
	bool has_backup_eligible;        /* an RP that never stored BE: false */
	bool has_backup_state;
	fsim_blob_t attestation_object;  /* optional (REC-01) */
	fsim_blob_t attestation_client_data_json;
} fsim_cred_record_t;

fsim_cred_record_t *fsim_record_new(void);
void fsim_record_free(fsim_cred_record_t **rp);

/* Parse a record; problems recorded under REC-01 (and COSE-* for the key). */
int fsim_record_from_json(const json_t *j, fsim_cred_record_t **out, fsim_diags_t *d) FSIM_WUR;
json_t *fsim_record_to_json(const fsim_cred_record_t *r);

/*
 * The record WebAuthn L3 §7.1 step 27 stores for a registration: ID, key,
 * counter and flags from its authenticator data, transports and the
 * attestation from the response. Nothing is verified here.
 */
int fsim_record_from_authdata(const fsim_reg_response_t *rr, const fsim_authdata_t *ad,
    fsim_cred_record_t **out) FSIM_WUR;

/*
 * The record a RegistrationResponseJSON would give, read but not verified
 * (verify-authentication --credential REGISTRATION): the response and its
 * attestation object must parse and carry attested credential data; problems
 * are recorded under their rules (JSON-*, ENC-*, ACD-*, COSE-*).
 */
int fsim_record_from_registration(const json_t *response, fsim_cred_record_t **out,
    fsim_diags_t *d) FSIM_WUR;

/*
 * A record from whatever a user hands over as one: a record; a test
 * vector's "credential"; what verify-registration --json printed
 * ("credentialRecord"); a registration response, bare or in a vector (read,
 * not verified: *from_registration says so; may be NULL).
 */
int fsim_record_from_any(const json_t *j, fsim_cred_record_t **out, bool *from_registration,
    fsim_diags_t *d) FSIM_WUR;

#endif /* !FSIM_RECORD_H */
