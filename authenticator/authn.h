/*
 * authn.h — the software authenticator: CTAP 2.1 over bytes, with no I/O of
 * its own. A request is a command byte and a CBOR map; the answer is a CTAP
 * status byte and, on success, a CBOR map (CTAP 2.1 §6, §8).
 */
#ifndef FSIM_AUTHN_H
#define FSIM_AUTHN_H

#include <jansson.h>

#include "authenticator/env.h"
#include "authenticator/store.h"
#include "core/util.h"

/* CTAP commands (CTAP 2.1 §6) */
#define FSIM_CTAP_MAKE_CREDENTIAL 0x01
#define FSIM_CTAP_GET_ASSERTION 0x02
#define FSIM_CTAP_GET_INFO 0x04
#define FSIM_CTAP_CLIENT_PIN 0x06
#define FSIM_CTAP_RESET 0x07
#define FSIM_CTAP_GET_NEXT_ASSERTION 0x08
#define FSIM_CTAP_CRED_MGMT 0x0a
#define FSIM_CTAP_SELECTION 0x0b

/* CTAP status codes (CTAP 2.1 §8.2) */
#define FSIM_CTAP1_ERR_SUCCESS 0x00
#define FSIM_CTAP1_ERR_INVALID_COMMAND 0x01
#define FSIM_CTAP1_ERR_INVALID_PARAMETER 0x02
#define FSIM_CTAP1_ERR_INVALID_LENGTH 0x03
#define FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE 0x11
#define FSIM_CTAP2_ERR_INVALID_CBOR 0x12
#define FSIM_CTAP2_ERR_MISSING_PARAMETER 0x14
#define FSIM_CTAP2_ERR_LIMIT_EXCEEDED 0x15
#define FSIM_CTAP2_ERR_CREDENTIAL_EXCLUDED 0x19
#define FSIM_CTAP2_ERR_PROCESSING 0x21
#define FSIM_CTAP2_ERR_INVALID_CREDENTIAL 0x22
#define FSIM_CTAP2_ERR_UNSUPPORTED_ALGORITHM 0x26
#define FSIM_CTAP2_ERR_OPERATION_DENIED 0x27
#define FSIM_CTAP2_ERR_KEY_STORE_FULL 0x28
#define FSIM_CTAP2_ERR_UNSUPPORTED_OPTION 0x2b
#define FSIM_CTAP2_ERR_INVALID_OPTION 0x2c
#define FSIM_CTAP2_ERR_KEEPALIVE_CANCEL 0x2d
#define FSIM_CTAP2_ERR_NO_CREDENTIALS 0x2e
#define FSIM_CTAP2_ERR_USER_ACTION_TIMEOUT 0x2f
#define FSIM_CTAP2_ERR_NOT_ALLOWED 0x30
#define FSIM_CTAP2_ERR_PIN_INVALID 0x31
#define FSIM_CTAP2_ERR_PIN_BLOCKED 0x32
#define FSIM_CTAP2_ERR_PIN_AUTH_INVALID 0x33
#define FSIM_CTAP2_ERR_PIN_NOT_SET 0x35
#define FSIM_CTAP2_ERR_PUAT_REQUIRED 0x36
#define FSIM_CTAP2_ERR_PIN_POLICY_VIOLATION 0x37
#define FSIM_CTAP2_ERR_REQUEST_TOO_LARGE 0x39
#define FSIM_CTAP2_ERR_ACTION_TIMEOUT 0x3a
#define FSIM_CTAP2_ERR_UP_REQUIRED 0x3b
#define FSIM_CTAP2_ERR_UV_BLOCKED 0x3c
#define FSIM_CTAP2_ERR_INVALID_SUBCOMMAND 0x3e
#define FSIM_CTAP2_ERR_UV_INVALID 0x3f
#define FSIM_CTAP2_ERR_UNAUTHORIZED_PERMISSION 0x40

typedef enum {
#define FSIM_QUIRK(sym, name, rule, what) FSIM_QUIRK_##sym,
#include "authenticator/quirks.def"
#undef FSIM_QUIRK
	FSIM_QUIRK__COUNT
} fsim_quirk_t;

typedef struct fsim_quirk_info {
	const char *name, *rule, *what;
} fsim_quirk_info_t;

const fsim_quirk_info_t *fsim_quirk_info(fsim_quirk_t q);
bool fsim_quirk_find(const char *name, fsim_quirk_t *out);

/*
 * The authenticator's user verification: AUTO verifies when asked, ALWAYS
 * reports UV whether asked or not (as many providers do), NEVER has no UV
 * capability, FAIL has it but the user fails it (CDP's hasUserVerification
 * with isUserVerified false): every attempt ends CTAP2_ERR_UV_INVALID.
 */
typedef enum {
	FSIM_UVMODE_AUTO = 0, FSIM_UVMODE_ALWAYS, FSIM_UVMODE_NEVER, FSIM_UVMODE_FAIL,
} fsim_uvmode_t;
typedef enum { FSIM_COUNTER_PER_CREDENTIAL = 0, FSIM_COUNTER_GLOBAL, FSIM_COUNTER_ZERO } fsim_counter_t;
typedef enum {
	FSIM_ATTFMT_NONE = 0, FSIM_ATTFMT_PACKED_SELF, FSIM_ATTFMT_PACKED, FSIM_ATTFMT_FIDO_U2F,
} fsim_attfmt_t;

/*
 * How a provider answers a conditional create (WebAuthn L3 5.1.3: the client
 * sets requireUserPresence, and requireUserVerification unless UV may be
 * performed, to false; fidosim carries that as the makeCredential option
 * up=false). REFUSE is CTAP 2.1 6.1.2 step 5 (up=false:
 * CTAP2_ERR_INVALID_OPTION), what an authenticator reached over CTAP does;
 * NO_UP: UP=0, UV=1 only when asked and verified; NO_UP_NO_UV: UP=0 and
 * UV=0 even when UV was asked; UP: UP=1 as in a modal create.
 */
typedef enum {
	FSIM_CC_REFUSE = 0, FSIM_CC_NO_UP, FSIM_CC_NO_UP_NO_UV, FSIM_CC_UP,
} fsim_condcreate_t;

/*
 * What a provider does with a signal (WebAuthn L3 5.1.10): hide the
 * credential from later ceremonies (undone when signalAllAcceptedCredentials
 * lists it again), remove it, ignore the signal; for
 * signalCurrentUserDetails, update the names or ignore.
 */
typedef enum {
	FSIM_SIG_HIDE = 0, FSIM_SIG_REMOVE, FSIM_SIG_IGNORE, FSIM_SIG_UPDATE,
} fsim_sigact_t;

/* What the authenticator is: a preset file sets it, flags override it. */
typedef struct fsim_authn_config {
	uint8_t aaguid[16];
	bool be;                      /* backup eligibility of new credentials */
	bool bs;                      /* backup state reported */
	fsim_uvmode_t uv;             /* auto: UV when asked; always; never (no UV capability) */
	fsim_counter_t counter;
	int algs[8];                  /* supported COSE algs, in preference order */
	size_t n_algs;
	fsim_attfmt_t attestation;
	char transports[4][16];       /* "usb", "internal", "hybrid", "nfc", "ble" */
	size_t n_transports;
	uint32_t quirks;              /* bit (1u << fsim_quirk_t) */
	bool rk_capable;              /* discoverable credentials */
	fsim_condcreate_t cond_create; /* a conditional create (makeCredential up=false) */
	fsim_sigact_t sig_unknown;    /* signalUnknownCredential: hide, remove, ignore */
	fsim_sigact_t sig_accepted;   /* signalAllAcceptedCredentials: hide, remove, ignore */
	fsim_sigact_t sig_details;    /* signalCurrentUserDetails: update, ignore */
} fsim_authn_config_t;

/*
 * Defaults: zero AAGUID, BE=BS=0, uv auto, per-credential counter, ES256 +
 * EdDSA + ES384 + RS256, none, usb; conditional create refused (CTAP 2.1);
 * signals as WebAuthn L3 5.1.10 recommends (hide, hide, update).
 */
void fsim_authn_config_init(fsim_authn_config_t *c);

typedef struct fsim_authn fsim_authn_t;

/*
 * A new authenticator over a store (borrowed: the caller keeps and frees it)
 * and an environment (borrowed). The attestation CA is created in the store
 * on first use.
 */
int fsim_authn_new(const fsim_authn_config_t *cfg, const fsim_env_t *env,
    fsim_store_t *store, fsim_authn_t **out) FSIM_WUR;
void fsim_authn_free(fsim_authn_t **ap);

/*
 * Handle one CTAP2 request: req = command byte | CBOR map. Returns the CTAP
 * status; on success *resp holds the CBOR map (possibly empty). The store is
 * saved before a response that changed it is returned.
 */
uint8_t fsim_authn_request(fsim_authn_t *a, const uint8_t *req, size_t len, fsim_blob_t *resp);

/* CTAP1/U2F (for fido-u2f and CTAPHID MSG): an APDU in, a response APDU out. */
int fsim_authn_u2f(fsim_authn_t *a, const uint8_t *apdu, size_t len, fsim_blob_t *resp) FSIM_WUR;

/*
 * Client PIN (CTAP 2.1 §6.5) for this authenticator object: getInfo then
 * says clientPin (false until a PIN is set), protocols 2 and 1 are listed,
 * and setPIN, changePIN and the PIN tokens work. pin, when not NULL, is
 * set at once (4 to 63 bytes of UTF-8, at least 4 characters). The PIN
 * lives in memory, not in the store. FSIM_ERR_ARG for a PIN out of rule.
 */
int fsim_authn_pin_enable(fsim_authn_t *a, const char *pin) FSIM_WUR;

/*
 * Power-up (a device plugged in; a new connection to `fidosim
 * authenticator`): a new key agreement key and pinUvAuthToken, and the run
 * of PIN mismatches that blocks until power-up (CTAP 2.1 §6.5.2) forgotten;
 * the PIN's retries stay.
 */
void fsim_authn_power_up(fsim_authn_t *a);

/* Change the backup state of a stored credential (get --bs). */
int fsim_authn_set_bs(fsim_authn_t *a, const uint8_t *id, size_t len, bool bs) FSIM_WUR;

/*
 * Change the backup eligibility of a stored credential (a sync completing
 * turns BE 0 -> 1; lifecycle scenarios). Later assertions report the new BE;
 * BS is reported only while BE is set (WebAuthn L3 6.1.3), from the stored
 * backup state. A credential whose state lives in its wrapped ID (not in the
 * store) cannot change: FSIM_ERR_NOT_FOUND, as for an unknown ID. Saves the
 * store.
 */
int fsim_authn_set_be(fsim_authn_t *a, const uint8_t *id, size_t len, bool be) FSIM_WUR;

/*
 * Set the signature counter of a credential (export and import reset it to
 * 0): the next assertion reports value + 1. Under counter mode "global" it
 * sets the global counter (which every credential shares); under "zero"
 * assertions report 0 whatever the counter. A stored credential gets its
 * own counter set; any other ID is taken as a wrapped credential ID and its
 * counter (kept by SHA-256 of the ID) is set, since a wrapped ID cannot be
 * recognised without its RP. Saves the store.
 */
int fsim_authn_set_counter(fsim_authn_t *a, const uint8_t *id, size_t len, uint32_t value) FSIM_WUR;

/*
 * The WebAuthn L3 signal methods' authenticator actions (5.1.10.2-4), as
 * this provider answers them (cfg.sig_*), over the credentials the store
 * holds. Every credential matched is appended to `changes` (may be NULL) as
 * {"credentialId", "rpId", "userId", "action"}; action is "hidden",
 * "already hidden", "removed", "unhidden", "updated" (with "name" and
 * "displayName" {"from", "to"}), "unchanged" or "ignored". The store is
 * saved when something changed. Returns 0, FSIM_ERR_ARG (bad arguments; new
 * names that break the store's rules), FSIM_ERR_NOMEM or a save error.
 */
int fsim_authn_signal_unknown(fsim_authn_t *a, const char *rp_id, const uint8_t *id,
    size_t len, json_t *changes) FSIM_WUR;
int fsim_authn_signal_accepted(fsim_authn_t *a, const char *rp_id, const uint8_t *user_id,
    size_t ulen, const fsim_blob_t *ids, size_t n_ids, json_t *changes) FSIM_WUR;
int fsim_authn_signal_details(fsim_authn_t *a, const char *rp_id, const uint8_t *user_id,
    size_t ulen, const char *name, const char *display_name, json_t *changes) FSIM_WUR;

#endif /* !FSIM_AUTHN_H */
