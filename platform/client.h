/*
 * client.h — the reference client of WebAuthn L3 (platform "spec-l3"):
 * what a browser does between the relying party's options and the
 * authenticator, and between the authenticator's answer and the RP.
 *
 * It never calls the authenticator itself (platform/ depends only on core/):
 * it builds the CTAP request bytes, and turns the CTAP response bytes into
 * what PublicKeyCredential.toJSON() gives. The CLI carries the bytes across.
 */
#ifndef FSIM_CLIENT_H
#define FSIM_CLIENT_H

#include <jansson.h>
#include "core/fsim_core.h"
#include "platform/profile.h"

/* A DOMException the client raises, as browsers name them. */
typedef struct fsim_client_error {
	const char *name;       /* "NotAllowedError", "InvalidStateError", "NotSupportedError", "SecurityError", "TypeError", "EncodingError" */
	char message[256];
	int ctap_status;        /* -1 when the authenticator did not refuse */
	char rule[64];          /* a platform rule that refused, or "" */
	char platform[64];      /* the profile whose rule refused, or "" */
} fsim_client_error_t;

/* A ceremony in flight: the client data and what the request asked. */
typedef struct fsim_client_ceremony {
	fsim_blob_t client_data_json;
	uint8_t client_data_hash[32];
	char *rp_id;
	char *attestation;        /* creation: the conveyance preference */
	char *user_verification;
	bool cred_props_requested;
	bool rk_requested;
	char **transports;        /* the authenticator's, for the response */
	size_t n_transports;
	char *attachment;         /* "platform" / "cross-platform" */
	unsigned ext;             /* FSIM_CLIENT_EXT_*: client outputs owed */
	fsim_blob_t allow_only;   /* get: the one allowCredentials ID (CTAP may omit credential) */
	/*
	 * Set by the caller before the request (the request keeps them):
	 * the platform profile whose rules apply (NULL: spec-l3, the
	 * reference client), and where to record what its rules did (NULL:
	 * not recorded). Both are borrowed and must outlive the ceremony.
	 */
	const fsim_platform_t *platform;
	fsim_platform_effects_t *effects;
	/*
	 * AppID (§10.1.1, platform/appid.c). create: set by the caller before
	 * the request (borrowed, kept like platform): register for this AppID
	 * as a U2F-era client did, SHA-256 of it being the credential's
	 * rpIdHash. get: the checked extensions.appid (owned), and whether the
	 * request was made again with it (the client output appid).
	 */
	const char *u2f_appid;
	char *appid;
	bool appid_used;
} fsim_client_ceremony_t;

/* Client extension outputs a ceremony owes (cer->ext). */
#define FSIM_CLIENT_EXT_CRED_BLOB      0x01   /* create: credBlob -> credBlob: bool */
#define FSIM_CLIENT_EXT_HMAC_CREATE    0x02   /* create: hmacCreateSecret -> bool */
#define FSIM_CLIENT_EXT_PRF            0x04   /* create: prf -> prf.enabled */
#define FSIM_CLIENT_EXT_GET_CRED_BLOB  0x08   /* get: getCredBlob -> bytes */
#define FSIM_CLIENT_EXT_APPID          0x10   /* get: appid -> whether the AppID was asked */

/* Frees what c holds and zeroes it (a zeroed ceremony is empty). NULL-safe. */
void fsim_client_ceremony_reset(fsim_client_ceremony_t *c);

/*
 * What the client learnt about the authenticator it used: its transports
 * (kept sorted and unique, as [[transports]] is, §5.2.1) and its attachment
 * ("platform", "cross-platform" or NULL). Copies; replaces earlier values.
 */
int fsim_client_ceremony_set_authenticator(fsim_client_ceremony_t *c,
    const char *const *transports, size_t n, const char *attachment) FSIM_WUR;

/*
 * Options -> clientDataJSON (§5.8.1.1 order) and the authenticatorMakeCredential
 * request (command byte + canonical CBOR). origin NULL means "https://" + rp.id.
 * uv_capable/rk_capable describe the authenticator (from getInfo), as a
 * client learns them. On refusal, *err is filled and FSIM_ERR_ARG returned.
 */
int fsim_client_make_credential_request(const fsim_creation_options_t *o, const char *origin,
    bool uv_capable, bool rk_capable, fsim_client_ceremony_t *cer, fsim_blob_t *req,
    fsim_client_error_t *err) FSIM_WUR;
int fsim_client_get_assertion_request(const fsim_request_options_t *o, const char *origin,
    bool uv_capable, fsim_client_ceremony_t *cer, fsim_blob_t *req,
    fsim_client_error_t *err) FSIM_WUR;

/*
 * The authenticator's answer (status byte and CBOR map) -> the response JSON
 * (RegistrationResponseJSON / AuthenticationResponseJSON), applying the L3
 * attestation conveyance (none: fmt "none", attStmt {}, the AAGUID kept,
 * self attestation kept; direct/enterprise: unaltered). A refusal maps the
 * CTAP status to the DOMException browsers raise.
 */
int fsim_client_make_credential_response(const fsim_client_ceremony_t *cer, uint8_t status,
    const uint8_t *resp, size_t len, json_t **out, fsim_client_error_t *err) FSIM_WUR;
int fsim_client_get_assertion_response(const fsim_client_ceremony_t *cer, uint8_t status,
    const uint8_t *resp, size_t len, json_t **out, fsim_client_error_t *err) FSIM_WUR;

/*
 * AppID (WebAuthn L3 §10.1.1; platform/appid.c). fsim_client_appid_check:
 * is appid a valid facet of origin (an https URL on the origin's host; any
 * other needs a TrustedFacets list this offline client does not fetch:
 * SecurityError, rule "appid-facet")? fsim_client_get_assertion_appid_request:
 * the getAssertion request req again with the ceremony's AppID as its rpId,
 * for when the authenticator answered CTAP2_ERR_NO_CREDENTIALS; marks the
 * ceremony so the response reports appid: true. FSIM_ERR_ARG when the
 * ceremony has no AppID.
 */
int fsim_client_appid_check(const char *appid, const char *origin,
    fsim_client_error_t *err) FSIM_WUR;
int fsim_client_get_assertion_appid_request(fsim_client_ceremony_t *cer,
    const fsim_blob_t *req, fsim_blob_t *out) FSIM_WUR;

/* The error as the contract's JSON: {"name","message","ctapStatus"?,"rule"?,"platform"?}. */
json_t *fsim_client_error_json(const fsim_client_error_t *err);

/*
 * Conventions: every function above clears err at entry (name NULL) and
 * fills it only on a refusal, returning FSIM_ERR_ARG; other negatives are
 * failures of the client itself (no memory). cer and the out-params are set
 * only on success. Refusals by a platform rule carry rule (kebab-case, e.g.
 * "uv-unavailable", "rp-id-origin"); refusals by the authenticator carry
 * ctap_status and the message names the status
 * ("authenticator returned CTAP2_ERR_OPERATION_DENIED (0x27)").
 */

/* "CTAP2_ERR_OPERATION_DENIED" for 0x27; "CTAP2_ERR_UNKNOWN" for unassigned codes. */
const char *fsim_ctap_status_name(uint8_t status);

#endif /* !FSIM_CLIENT_H */
