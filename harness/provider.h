/*
 * provider.h — the logic of the local provider service (`fidosim provider`;
 * cli/provider.c carries it over HTTP): one simulated passkey provider, an
 * authenticator configuration over a store behind a platform profile, that
 * answers navigator.credentials.create() / get() for a caller's origin with
 * exactly what `fidosim create` / `get` print for the same store, settings,
 * options and origin (harness/ceremony.c does both). Its settings change at
 * run time; it keeps the last ceremony's three views (what the provider
 * emitted, what the platform delivered, what rp-sim concludes of it).
 *
 * Not thread-safe: one call at a time (the HTTP side serialises them).
 */
#ifndef FSIM_HARNESS_PROVIDER_H
#define FSIM_HARNESS_PROVIDER_H

#include <jansson.h>

#include "authenticator/authn.h"

typedef struct fsim_provider fsim_provider_t;

/* How the provider starts (the command line). Strings are borrowed for the call. */
typedef struct fsim_provider_opts {
	fsim_authn_config_t cfg;            /* after --preset and the flags */
	const char *preset;                 /* the preset cfg started from, or NULL */
	bool bs_given;                      /* --bs: a get first sets the backup state of the
	                                       credentials it can use, as `get --bs` does */
	const char *store;                  /* NULL: the default store (fsim_store_open) */
	const uint8_t *seed;                /* --seed, or NULL */
	size_t seed_len;
	const char *platform;               /* NULL: spec-l3 */
	const char *const *platform_off;    /* rules switched off (--no-platform-rule) */
	size_t n_platform_off;
	const char *rp_policy;              /* the rp-sim policy preset that judges; NULL: spec */
} fsim_provider_opts_t;

/* On failure err says why (the store, the platform, the policy name). */
int fsim_provider_new(const fsim_provider_opts_t *o, fsim_provider_t **out, char *err,
    size_t errlen) FSIM_WUR;
void fsim_provider_free(fsim_provider_t **pp);

/*
 * The settings as JSON: {"preset", "presetDescription", "platform",
 * "platformDescription", "platformRules", "platformRulesOff", "aaguid",
 * "aaguidName", "be", "bs", "uv", "counter", "attestationFormat", "algs",
 * "transports", "rk", "quirks", "rpPolicy", "presets", "platforms",
 * "policies"}; the last three list what can be chosen. NULL without memory.
 */
json_t *fsim_provider_settings(const fsim_provider_t *p);

/*
 * Change settings: a JSON object with any of "preset" (a name or file, or
 * null: the defaults; the preset's settings replace the current ones before
 * the other members of the same change apply), "platform",
 * "platformRulesOff" (an array of rule names), "aaguid", "be", "bs" (true,
 * false, 0 or 1), "uv", "counter", "attestationFormat", "algs",
 * "transports" (arrays of names, or comma lists), "rk", "quirks" (an array:
 * replaces the quirks), "rpPolicy". All or nothing: on a bad member nothing
 * changes, FSIM_ERR_ARG is returned and err names the member, the value and
 * what is wanted. Credentials already made keep their BE; "bs" given here
 * makes later gets set the backup state of the credentials they use (as
 * `get --bs`).
 */
int fsim_provider_configure(fsim_provider_t *p, const json_t *changes, char *err,
    size_t errlen) FSIM_WUR;

/* What one ceremony gave. */
typedef struct fsim_provider_answer {
	json_t *json;         /* the response JSON (toJSON()), or the refusal {"name", ...} */
	bool refused;         /* json is a refusal (`fidosim create` / `get` exit 1) */
	char log[640];        /* one line describing the ceremony, no secrets, no newline */
} fsim_provider_answer_t;

void fsim_provider_answer_reset(fsim_provider_answer_t *a);

/*
 * navigator.credentials.create() / get() with these options (the JSON forms
 * of WebAuthn L3 5.1, bare or {"publicKey": ...}) for the caller at origin
 * (required: the service worker's, never the page's claim). 0 with *a set,
 * refusals included. FSIM_ERR_JSON when the request is not one (the options
 * do not parse, the origin is missing or too long): err says which field and
 * why, as `fidosim create` says it before exit 2. Other negatives: internal.
 */
int fsim_provider_create(fsim_provider_t *p, const json_t *options, const char *origin,
    fsim_provider_answer_t *a, char *err, size_t errlen) FSIM_WUR;
int fsim_provider_get(fsim_provider_t *p, const json_t *options, const char *origin,
    fsim_provider_answer_t *a, char *err, size_t errlen) FSIM_WUR;

/*
 * The last ceremony: {"ceremony", "time", "origin", "rpId", "preset",
 * "platform", "refused", "emitted", "delivered", "platformEffects",
 * "verdicts", "response"}; {"ceremony": null} before the first. The
 * verdict is rp-sim's under the rpPolicy preset, when it can be known: always
 * for a registration, for an authentication when this provider saw the
 * credential registered since it started (otherwise "ran": false says why).
 */
json_t *fsim_provider_last(const fsim_provider_t *p);

/*
 * What the page may ask of the client (PublicKeyCredential
 * .getClientCapabilities(), isUserVerifyingPlatformAuthenticatorAvailable(),
 * isConditionalMediationAvailable()), from the authenticator's settings and
 * what this build's client does: {"userVerifyingPlatformAuthenticator",
 * "passkeyPlatformAuthenticator", "hybridTransport", "conditionalGet",
 * "conditionalCreate", "relatedOrigins", "signalUnknownCredential",
 * "signalAllAcceptedCredentials", "signalCurrentUserDetails",
 * "extension:credProps"}.
 */
json_t *fsim_provider_capabilities(const fsim_provider_t *p);

#endif /* !FSIM_HARNESS_PROVIDER_H */
