/*
 * create.c — `fidosim create`: navigator.credentials.create() without a
 * browser. PublicKeyCredentialCreationOptionsJSON in; the reference client
 * (platform/client.h) asks the software authenticator for a credential
 * (authenticatorMakeCredential) and prints RegistrationResponseJSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/headless.h"
#include "harness/ceremony.h"

#define CMD "create"

static const char usage[] =
"usage: fidosim create [--origin ORIGIN] [--device PATH [--pin PIN]]\n"
"         [--store FILE] [--preset NAME|FILE]\n"
"         [--platform NAME|FILE] [--no-platform-rule RULE]... [--aaguid UUID] [--be 0|1] [--bs 0|1]\n"
"         [--uv auto|always|never|fail] [--algs es256,eddsa,es384,rs256,mldsa44,...]\n"
"         [--attestation-format none|packed-self|packed|fido-u2f]\n"
"         [--counter per-credential|global|zero] [--transports LIST] [--rk 0|1]\n"
"         [--quirk NAME]... [--seed HEX] [--appid URL]\n"
"         [--mediation conditional|optional|required] [--related-origins FILE]\n"
"         [OPTIONS_JSON|-]\n"
"\n"
"Register a credential as a browser would: read the\n"
"PublicKeyCredentialCreationOptionsJSON (WebAuthn L3 5.1), check it as the\n"
"client does (origin and RP ID, user.id, what the authenticator can do),\n"
"build clientDataJSON, send authenticatorMakeCredential to the software\n"
"authenticator, apply the RP's attestation conveyance preference (none: fmt\n"
"\"none\", attStmt {}, the AAGUID and self attestation kept), and print the\n"
"RegistrationResponseJSON that PublicKeyCredential.toJSON() gives.\n"
"\n"
"With --device, a real authenticator (or `fidosim authenticator --listen`)\n"
"answers instead, reached through libfido2; user verification goes as in a\n"
"browser: a pinUvAuthToken from built-in UV when the device offers it, its\n"
"PIN (--pin, or asked on the terminal) when it has one.\n"
"\n"
"--appid URL registers as a FIDO U2F-era client did: the credential is bound\n"
"to the AppID (an https URL on the origin's host), its rpIdHash SHA-256 of\n"
"URL, with fido-u2f attestation unless --attestation says otherwise. Verify\n"
"it with 'verify-registration --rp-id URL'; 'get' reaches it through\n"
"extensions.appid, and 'verify-authentication --appid URL' checks that.\n"
"\n"
"A conditional create (--mediation conditional, or \"mediation\":\"conditional\"\n"
"beside publicKey) asks without user presence and, unless the RP requires it,\n"
"without user verification (WebAuthn L3 5.1.3); the preset's conditional-create\n"
"setting says how the provider answers (refuse: CTAP 2.1's up=false error,\n"
"no-up, no-up-no-uv, up), the platform's rule whether it takes one at all.\n"
"\n"
"options:\n"
FSIM_HEADLESS_USAGE
"\n"
FSIM_HEADLESS_EXIT;

static int
run(int argc, char **argv)
{
	fsim_headless_t h;
	fsim_creation_options_t *o = NULL;
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 }, resp = { NULL, 0 };
	fsim_diags_t d;
	json_t *out = NULL;
	uint8_t st;
	int r, e;

	fsim_headless_init(&h, CMD);
	memset(&cer, 0, sizeof(cer));
	fsim_diags_init(&d);
	if ((r = fsim_headless_args(&h, argc, argv, usage)) != 0) {
		r = r < 0 ? FSIM_EXIT_OK : r;
		goto out;
	}
	if ((r = fsim_headless_load(&h)) != 0)
		goto out;
	if (fsim_creation_options_parse(h.root, &o, &d) != 0) {
		r = fsim_headless_bad_options(&h, &d);
		goto out;
	}
	if (h.mediation != NULL) {
		free(o->mediation);
		if ((o->mediation = fsim_strdup(h.mediation)) == NULL) {
			r = fsim_cli_usage_error(CMD, "out of memory");
			goto out;
		}
	}
	r = FSIM_EXIT_USAGE;
	if (h.origin == NULL && o->rp_id == NULL) {
		r = fsim_cli_usage_error(CMD, "the options name no rp.id: --origin "
		    "is needed");
		goto out;
	}
	if ((r = fsim_headless_open(&h)) != 0)
		goto out;
	cer.platform = h.platform;
	cer.related = h.related;
	cer.u2f_appid = h.appid;
	e = fsim_client_make_credential_request(o, h.origin, fsim_headless_uv_capable(&h),
	    fsim_headless_rk_capable(&h), &cer, &req, &err);
	if (e == FSIM_ERR_ARG && err.name != NULL) {
		r = fsim_headless_refuse(&h, &err);
		goto out;
	}
	r = FSIM_EXIT_USAGE;
	if (e != 0 || fsim_headless_describe(&h, &cer) != 0) {
		fprintf(stderr, "fidosim %s: cannot build the request: %s\n", CMD,
		    fsim_strerr(e != 0 ? e : FSIM_ERR_NOMEM));
		goto out;
	}
	if ((e = fsim_headless_send(&h, &req, &st, &resp, &err)) != 0) {
		r = e == FSIM_ERR_ARG ? fsim_headless_refuse(&h, &err) : FSIM_EXIT_USAGE;
		goto out;
	}
	e = fsim_client_make_credential_response(&cer, st, resp.ptr, resp.len, &out,
	    &err);
	if (e == FSIM_ERR_ARG && err.name != NULL)
		r = fsim_headless_refuse(&h, &err);
	else if (e != 0)
		fprintf(stderr, "fidosim %s: cannot read the authenticator's answer: "
		    "%s\n", CMD, fsim_strerr(e));
	else
		r = fsim_headless_emit(&h, out);
out:
	json_decref(out);
	fsim_blob_reset(&req);
	fsim_blob_reset(&resp);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);
	fsim_diags_clear(&d);
	fsim_headless_free(&h);
	return r;
}

const fsim_cmd_t fsim_cmd_create = {
	"create", run,
	"register a credential as a browser would (options JSON in, response JSON out)",
	usage,
};
