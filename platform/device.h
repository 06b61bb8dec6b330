/*
 * device.h — a CTAP2 authenticator reached through libfido2 (`--device
 * PATH`: /dev/hidrawN, or unix:PATH for a CTAPHID socket such as
 * `fidosim authenticator --listen PATH`).
 *
 * libfido2 opens it (platform/fido.h); fidosim then takes a CTAPHID channel
 * of its own on the same handle and reads authenticatorGetInfo with its own
 * parser (platform/devinfo.h). Requests go as built by the platform client
 * (platform/client.h), with user verification handled as a browser does it
 * (fsim_device_ceremony): a pinUvAuthToken from built-in UV when the
 * authenticator offers one, the PIN (given, or asked for) when it has
 * one, the CTAP 2.0 "uv" option otherwise.
 */
#ifndef FSIM_PLATFORM_DEVICE_H
#define FSIM_PLATFORM_DEVICE_H

#include "platform/client.h"
#include "platform/ctaphid_client.h"
#include "platform/devinfo.h"
#include "platform/pinuv.h"

typedef struct fsim_device fsim_device_t;

/* Default wait for one report while the device works (KEEPALIVEs restart it). */
#define FSIM_DEVICE_TIMEOUT_MS 30000

/*
 * Open path, take a channel, read getInfo. On failure why says what went
 * wrong (the path, and for a hidraw node the user may not open, the udev
 * rule to add); FSIM_ERR_NOT_FOUND when there is nothing at path,
 * FSIM_ERR_UNSUPPORTED for a U2F-only device, else FSIM_ERR_IO / _FORMAT.
 */
int fsim_device_open(const char *path, fsim_device_t **out, char *why, size_t whylen) FSIM_WUR;
void fsim_device_free(fsim_device_t **dp);

const char *fsim_device_path(const fsim_device_t *d);
const fsim_devinfo_t *fsim_device_info(const fsim_device_t *d);
/* The getInfo response as received (the CBOR after the status byte). Lent. */
const fsim_blob_t *fsim_device_info_raw(const fsim_device_t *d);
const fsim_hidc_info_t *fsim_device_hid(const fsim_device_t *d);
/* The report handle (lent), for conform's framing cases. */
fsim_hidio_t *fsim_device_io(fsim_device_t *d);
/* libfido2's reading of getInfo (platform/fido.h); NULL with why on failure. */
json_t *fsim_device_fido_info(fsim_device_t *d, char *why, size_t whylen);

/*
 * How long to wait, who hears the KEEPALIVEs (e.g. to say "touch your
 * security key"), and a flag that, once set (by a signal handler), cancels
 * the request in flight (CTAPHID_CANCEL; the device answers
 * CTAP2_ERR_KEEPALIVE_CANCEL). Any may be 0 / NULL.
 */
void fsim_device_set_wait(fsim_device_t *d, int timeout_ms, fsim_hidc_keepalive_fn ka,
    void *ka_ctx, const volatile int *cancel);

/*
 * One CTAPHID_CBOR exchange on our channel: req is the command byte and
 * its CBOR; *status the CTAP status byte and *resp what follows it.
 * FSIM_ERR_IO when the device did not answer; FSIM_ERR_FORMAT when it
 * answered CTAPHID_ERROR (*hid_error, when not NULL, gets the code) or
 * another command or an empty message.
 */
int fsim_device_cbor(fsim_device_t *d, const uint8_t *req, size_t len, uint8_t *status,
    fsim_blob_t *resp, int *hid_error) FSIM_WUR;

/* The same with the command byte and a CBOR map given apart (map NULL: none). */
int fsim_device_command(fsim_device_t *d, uint8_t cmd, const cbor_item_t *map,
    uint8_t *status, fsim_blob_t *resp) FSIM_WUR;

/*
 * A new CTAPHID channel for our requests: a device that allocated many
 * channels (conform's framing cases) may have reused ours.
 */
int fsim_device_new_channel(fsim_device_t *d) FSIM_WUR;

/* Read getInfo again (after a reset or a PIN change). */
int fsim_device_refresh_info(fsim_device_t *d) FSIM_WUR;

/* ---- authenticatorClientPIN (CTAP 2.1 §6.5.5) ---- */

/* Permissions (§6.5.5.7). */
#define FSIM_PERM_MAKE_CREDENTIAL 0x01
#define FSIM_PERM_GET_ASSERTION 0x02
#define FSIM_PERM_CRED_MGMT 0x04
#define FSIM_PERM_BIO_ENROLLMENT 0x08
#define FSIM_PERM_LARGE_BLOB_WRITE 0x10
#define FSIM_PERM_AUTHENTICATOR_CONFIG 0x20

/*
 * getKeyAgreement under protocol, then encapsulate: a shared secret.
 * *status is the device's CTAP status (0 on success).
 */
int fsim_device_key_agreement(fsim_device_t *d, uint64_t protocol, fsim_pinuv_t *shared,
    uint8_t *status) FSIM_WUR;

/*
 * A pinUvAuthToken: from the PIN (pin != NULL: getPinUvAuthTokenUsingPin
 * WithPermissions 0x09 when permissions != 0 and the device has
 * pinUvAuthToken, else getPinToken 0x05) or from built-in UV (pin NULL:
 * 0x06, permissions required). rp_id may be NULL. The token (16 or 32
 * bytes) goes to token, its length to *token_len; *status is the device's.
 * Returns 0 when the exchange happened (whatever the status).
 */
int fsim_device_token(fsim_device_t *d, uint64_t protocol, const char *pin,
    uint8_t permissions, const char *rp_id, uint8_t token[32], size_t *token_len,
    uint8_t *status) FSIM_WUR;

/* getPINRetries (0x01) / getUVRetries (0x07): *retries, *status. */
int fsim_device_retries(fsim_device_t *d, bool uv, uint64_t *retries, uint8_t *status) FSIM_WUR;

/* setPIN (0x03) and changePIN (0x04). *status is the device's. */
int fsim_device_set_pin(fsim_device_t *d, uint64_t protocol, const char *pin,
    uint8_t *status) FSIM_WUR;
int fsim_device_change_pin(fsim_device_t *d, uint64_t protocol, const char *old_pin,
    const char *new_pin, uint8_t *status) FSIM_WUR;

/* ---- ceremonies as a browser makes them ---- */

/* Asks the user for the PIN into buf (NUL-terminated); 0, or negative when none came. */
typedef int (*fsim_device_pin_fn)(void *ctx, char *buf, size_t cap);

typedef struct fsim_device_auth {
	const char *pin;            /* --pin, or NULL */
	fsim_device_pin_fn ask;     /* a prompt, or NULL */
	void *ask_ctx;
	/* What happened, for the caller to tell: "none", "uv-option", "uv-token", "pin-token". */
	const char *method;
} fsim_device_auth_t;

/*
 * Send a makeCredential (0x01) or getAssertion (0x02) request the platform
 * client built, after user verification as a browser does it:
 *
 *  - UV is needed when the request asks for it ("uv": true), when the
 *    device always wants it (alwaysUv), and for makeCredential on a device
 *    that can verify unless makeCredUvNotRqd lets a non-discoverable
 *    credential go without (CTAP 2.1 §6.1.2 steps 6-8);
 *  - then: built-in UV with pinUvAuthToken: a token from
 *    getPinUvAuthTokenUsingUvWithPermissions; built-in UV alone: the "uv"
 *    option; a PIN (clientPin true): a token from the PIN, given in
 *    auth->pin or asked for with auth->ask; none of these: the request goes
 *    as built (the device refuses it, as the contract wants);
 *  - the token's pinUvAuthParam (authenticate(token, clientDataHash)) and
 *    pinUvAuthProtocol replace the "uv" option.
 *
 * 0 and *status, *resp when the request went to the device. FSIM_ERR_ARG
 * with err filled (NotAllowedError, rule "pin-required", "pin-invalid",
 * "pin-blocked", "uv-token") when the ceremony stops before: no PIN, a
 * wrong PIN, the device refused a token. Other negatives: I/O.
 */
int fsim_device_ceremony(fsim_device_t *d, const fsim_blob_t *req, fsim_device_auth_t *auth,
    uint8_t *status, fsim_blob_t *resp, fsim_client_error_t *err) FSIM_WUR;

/* How user verification is given to a request (fsim_device_uv_method). */
typedef enum {
	FSIM_UVM_NONE = 0,        /* the request goes as built */
	FSIM_UVM_UV_OPTION,       /* options "uv": true (built-in UV, no pinUvAuthToken) */
	FSIM_UVM_UV_TOKEN,        /* a token from getPinUvAuthTokenUsingUvWithPermissions */
	FSIM_UVM_PIN_TOKEN,       /* a token from the PIN */
} fsim_uv_method_t;

/*
 * The request's facts: makeCredential (true) or getAssertion, its RP ID
 * (malloc'd), whether it asks for "uv" and "rk". FSIM_ERR_ARG when it is
 * neither command or does not decode.
 */
int fsim_device_request_info(const uint8_t *req, size_t len, bool *mc, char **rp_id,
    bool *uv, bool *rk) FSIM_WUR;

/* The rules of fsim_device_ceremony: which method this authenticator gets. */
fsim_uv_method_t fsim_device_uv_method(const fsim_devinfo_t *info, bool mc, bool uv_asked,
    bool rk);

/*
 * The request rewritten for method: NONE unchanged; UV_OPTION with options
 * "uv": true; a token method with options "uv" taken out and
 * pinUvAuthParam (authenticate(token, clientDataHash)) and
 * pinUvAuthProtocol (proto) added (makeCredential keys 8, 9; getAssertion
 * 6, 7), in canonical CBOR.
 */
int fsim_device_rewrite(const uint8_t *req, size_t len, fsim_uv_method_t method,
    const uint8_t *token, size_t tlen, uint64_t proto, fsim_blob_t *out) FSIM_WUR;

/*
 * What a client learns of the device for the response: its getInfo
 * transports (usb when it names none) and its attachment ("platform" when
 * it says "internal", else "cross-platform", WebAuthn L3 5.4.5).
 */
int fsim_device_describe(const fsim_device_t *d, fsim_client_ceremony_t *cer) FSIM_WUR;

#endif /* !FSIM_PLATFORM_DEVICE_H */
