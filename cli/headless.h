/*
 * headless.h — what `fidosim create` and `fidosim get` share: the command
 * line, the options JSON, the authenticator behind the reference client,
 * and the contract's outputs (DESIGN.md, "Headless client").
 */
#ifndef FSIM_CLI_HEADLESS_H
#define FSIM_CLI_HEADLESS_H

#include <jansson.h>

#include "authenticator/authn.h"
#include "cli/authn_opts.h"
#include "cli/cli.h"
#include "cli/device_opts.h"
#include "platform/client.h"
#include "platform/device.h"

typedef struct fsim_headless {
	const char *cmd;                  /* "create" / "get" */
	const char *origin;               /* --origin, or NULL */
	const char *appid;                /* create --appid: a U2F-era registration, or NULL */
	const char *input;                /* OPTIONS_JSON: inline JSON, a file, "-"; NULL: stdin */
	fsim_authn_config_t cfg;
	struct fsim_cli_authn_extra x;
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *authn;
	json_t *root;                     /* the options JSON as read */
	struct fsim_cli_platform_opts po; /* --platform, --no-platform-rule */
	fsim_platform_t *platform;        /* loaded by fsim_headless_args */
	const char *mediation;            /* --mediation: overrides the options JSON's */
	const char *related_path;         /* --related-origins FILE */
	fsim_related_origins_t *related;  /* its document, loaded by fsim_headless_args */
	const char *device;               /* --device PATH: a real authenticator, or NULL */
	const char *pin;                  /* --pin PIN, or NULL */
	fsim_device_t *dev;               /* opened by fsim_headless_open when device is set */
} fsim_headless_t;

/* Zero h and set the defaults. */
void fsim_headless_init(fsim_headless_t *h, const char *cmd);
void fsim_headless_free(fsim_headless_t *h);

/*
 * Parse the command line (argv[0] is the command). Returns 0 to go on,
 * -1 after printing usage for --help (exit 0), or 2 after printing a usage
 * error.
 */
int fsim_headless_args(fsim_headless_t *h, int argc, char **argv,
    const char *usage);

/* Read and load the options JSON into h->root; exit code 2 on failure, else 0. */
int fsim_headless_load(fsim_headless_t *h);

/*
 * The options did not parse: exit 1 with TypeError when the only fault is
 * user.id's length (OPT-02, what a browser throws), else exit 2 naming the
 * first fault.
 */
int fsim_headless_bad_options(const fsim_headless_t *h, const fsim_diags_t *d);

/* The environment (seeded by --seed), the store and the authenticator; exit code 2 or 0. */
int fsim_headless_open(fsim_headless_t *h);


/* One CTAP request to the authenticator. */
uint8_t fsim_headless_ctap(fsim_headless_t *h, const fsim_blob_t *req, fsim_blob_t *resp);

/*
 * The request to the authenticator, software or --device (with PIN/UV as a
 * browser does it, platform/device.h): 0 and *st, *resp; FSIM_ERR_ARG with
 * err filled when the ceremony stopped before the request (a PIN needed);
 * FSIM_EXIT_USAGE after a message when the device did not answer.
 */
int fsim_headless_send(fsim_headless_t *h, const fsim_blob_t *req, uint8_t *st,
    fsim_blob_t *resp, fsim_client_error_t *err);

/* What the client knows of the authenticator: getInfo for a device, the settings otherwise. */
bool fsim_headless_uv_capable(const fsim_headless_t *h);
bool fsim_headless_rk_capable(const fsim_headless_t *h);
int fsim_headless_describe(const fsim_headless_t *h, fsim_client_ceremony_t *cer);

/* Success: the JSON on stdout, exit 0. Refusal: the error JSON on stdout, exit 1. */
int fsim_headless_emit(const fsim_headless_t *h, const json_t *j);
int fsim_headless_refuse(const fsim_headless_t *h, const fsim_client_error_t *err);

/* The shared lines of the usage texts. */
#define FSIM_HEADLESS_USAGE \
	"  --origin ORIGIN       the caller's origin (default https:// + the RP ID)\n" \
	"  --platform NAME|FILE  what the client or OS does to the provider's output\n" \
	"                        (default spec-l3, the WebAuthn L3 reference client;\n" \
	"                        see 'fidosim platforms')\n" \
	"  --no-platform-rule R  switch one rule of the platform off (repeatable),\n" \
	"                        e.g. zero-aaguid of apple-provider-extension\n" \
	"  --mediation M         CredentialMediationRequirement of the call: conditional\n" \
	"                        (create: a conditional create, WebAuthn L3 5.1.3;\n" \
	"                        get: allowCredentials becomes a filter), optional,\n" \
	"                        required, silent; overrides \"mediation\" in the JSON\n" \
	"  --related-origins FILE  the RP ID's /.well-known/webauthn document: an\n" \
	"                        origin outside the RP ID's domain is used when listed\n" \
	"                        there within the platform's label limit (L3 5.11)\n" \
	FSIM_CLI_DEVICE_USAGE \
	FSIM_CLI_AUTHN_OPTS_USAGE

#define FSIM_HEADLESS_EXIT \
	"OPTIONS_JSON is the JSON text itself (starting with '{'), a file, or '-'\n" \
	"(standard input, also when absent); bare or wrapped as {\"publicKey\": {...}}.\n" \
	"\n" \
	"exit status: 0 success: the response JSON (what PublicKeyCredential.toJSON()\n" \
	"gives), one line on stdout; 1 the platform or the authenticator refused:\n" \
	"{\"name\",\"message\",\"ctapStatus\"?,\"rule\"?} on stdout (for create, a user.id\n" \
	"that is not 1 to 64 bytes is a TypeError, as in a browser); 2 usage or I/O\n" \
	"error, including options JSON that is malformed or lacks required members.\n"

#endif /* !FSIM_CLI_HEADLESS_H */
