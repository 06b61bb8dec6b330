/*
 * wajson.h — the WebAuthn L3 JSON forms (§5.1, §5.2.1.1, §5.2.2, §5.8.x):
 * RegistrationResponseJSON, AuthenticationResponseJSON, and the
 * PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON inputs.
 * Binary members are base64url (ENC-01, JSON-04).
 *
 * Rules reported: JSON-01 / JSON-02 (required members and their types),
 * JSON-04 (binary members are base64url), JSON-05 (authenticatorAttachment
 * value), JSON-06 (options shape), OPT-02 (user.id length).
 */
#ifndef FSIM_WAJSON_H
#define FSIM_WAJSON_H

#include <jansson.h>
#include "util.h"

/* Load JSON text strictly: duplicate keys rejected, one value, nothing after. */
int fsim_json_load(const uint8_t *ptr, size_t len, json_t **out,
    fsim_diags_t *d, const char *field) FSIM_WUR;

typedef struct fsim_reg_response {
	char *id;                      /* the id string as given */
	fsim_blob_t raw_id;
	char *type;                    /* "public-key" */
	char *attachment;              /* NULL if absent/null */
	fsim_blob_t client_data_json;
	fsim_blob_t attestation_object;
	fsim_blob_t authenticator_data;   /* optional copy of authData (JSON-03) */
	bool has_authenticator_data;
	fsim_blob_t public_key;           /* SPKI, optional */
	bool has_public_key;
	int64_t public_key_alg;
	bool has_public_key_alg;
	char **transports;
	size_t n_transports;
	json_t *client_ext_results;       /* object; never NULL after parse */
} fsim_reg_response_t;

typedef struct fsim_auth_response {
	char *id;
	fsim_blob_t raw_id;
	char *type;
	char *attachment;
	fsim_blob_t client_data_json;
	fsim_blob_t authenticator_data;
	fsim_blob_t signature;
	fsim_blob_t user_handle;
	bool has_user_handle;             /* present and not null */
	json_t *client_ext_results;
} fsim_auth_response_t;

void fsim_reg_response_free(fsim_reg_response_t **rp);
void fsim_auth_response_free(fsim_auth_response_t **rp);

/* Which ceremony a response JSON object is (by its members); 0 if neither. */
#define FSIM_CEREMONY_REGISTRATION 1
#define FSIM_CEREMONY_AUTHENTICATION 2
int fsim_response_kind(const json_t *root);

int fsim_reg_response_parse(const json_t *root, fsim_reg_response_t **out,
    fsim_diags_t *d) FSIM_WUR;
int fsim_auth_response_parse(const json_t *root, fsim_auth_response_t **out,
    fsim_diags_t *d) FSIM_WUR;

/* Serialize as PublicKeyCredential.toJSON() does (member order as the IDL). */
json_t *fsim_reg_response_to_json(const fsim_reg_response_t *r);
json_t *fsim_auth_response_to_json(const fsim_auth_response_t *r);

/* ---- options (the input of create/get) ---- */

typedef struct fsim_cred_desc {
	fsim_blob_t id;
	char **transports;
	size_t n_transports;
} fsim_cred_desc_t;

typedef struct fsim_creation_options {
	char *rp_id;                 /* NULL when absent */
	char *rp_name;
	fsim_blob_t user_id;
	char *user_name;
	char *user_display_name;
	fsim_blob_t challenge;
	int64_t *algs;               /* pubKeyCredParams in order (type public-key only) */
	size_t n_algs;
	int64_t timeout;             /* -1 when absent */
	fsim_cred_desc_t *exclude;
	size_t n_exclude;
	char *attachment;            /* authenticatorSelection.authenticatorAttachment */
	char *resident_key;          /* "required"/"preferred"/"discouraged" (resolved with requireResidentKey) */
	char *user_verification;     /* default "preferred" */
	char **hints;
	size_t n_hints;
	char *attestation;           /* default "none" */
	char **attestation_formats;
	size_t n_attestation_formats;
	json_t *extensions;          /* object or NULL */
	char *mediation;             /* CredentialCreationOptions.mediation, or NULL */
} fsim_creation_options_t;

typedef struct fsim_request_options {
	fsim_blob_t challenge;
	int64_t timeout;
	char *rp_id;
	fsim_cred_desc_t *allow;
	size_t n_allow;
	char *user_verification;     /* default "preferred" */
	char **hints;
	size_t n_hints;
	json_t *extensions;
	char *mediation;             /* CredentialRequestOptions.mediation, or NULL */
} fsim_request_options_t;

/*
 * Accepts the bare options or {"publicKey": {...}}. `mediation`
 * ("silent", "optional", "conditional", "required": Credential Management
 * 2.3.2) is a member of the wrapper, beside publicKey, as
 * navigator.credentials.create()/get() take it; a bare options object may
 * carry it too. It is kept as given (a string): the client refuses a value
 * that is not one of the four (WebIDL enum: TypeError).
 */
int fsim_creation_options_parse(const json_t *root, fsim_creation_options_t **out,
    fsim_diags_t *d) FSIM_WUR;
int fsim_request_options_parse(const json_t *root, fsim_request_options_t **out,
    fsim_diags_t *d) FSIM_WUR;
void fsim_creation_options_free(fsim_creation_options_t **op);
void fsim_request_options_free(fsim_request_options_t **op);

#endif /* !FSIM_WAJSON_H */
