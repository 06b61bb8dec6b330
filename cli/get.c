/*
 * get.c — `fidosim get`: navigator.credentials.get() without a browser.
 * PublicKeyCredentialRequestOptionsJSON in; the reference client
 * (platform/client.h) asks the software authenticator for an assertion
 * (authenticatorGetAssertion) and prints AuthenticationResponseJSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/headless.h"
#include "harness/ceremony.h"

#define CMD "get"
#define MAX_RP_CREDS 256

static const char usage[] =
"usage: fidosim get [--origin ORIGIN] [--device PATH [--pin PIN]]\n"
"         [--store FILE] [--preset NAME|FILE]\n"
"         [--platform NAME|FILE] [--no-platform-rule RULE]... [--bs 0|1]\n"
"         [--uv auto|always|never|fail]\n"
"         [--counter per-credential|global|zero] [--quirk NAME]... [--seed HEX]\n"
"         [--mediation conditional|optional|required] [--related-origins FILE]\n"
"         [OPTIONS_JSON|-]\n"
"\n"
"Authenticate as a browser would: read the\n"
"PublicKeyCredentialRequestOptionsJSON (WebAuthn L3 5.1), check it as the\n"
"client does, build clientDataJSON, send authenticatorGetAssertion to the\n"
"software authenticator (with allowCredentials, or for the RP's\n"
"discoverable credentials, newest first), and print the\n"
"AuthenticationResponseJSON that PublicKeyCredential.toJSON() gives.\n"
"Credentials a signal hid ('fidosim signal') are not offered.\n"
"With --device, a real authenticator answers (see fidosim create --help).\n"
"\n"
"--bs 0|1 first changes the current backup state of the stored credentials\n"
"the request can use (those in allowCredentials, else the RP's discoverable\n"
"ones), and of credentials whose state lives in their ID; BE never changes.\n"
"The other authenticator settings (--aaguid, --be, --algs, --attestation-format)\n"
"are accepted and matter only to new credentials.\n"
"\n"
"With extensions.appid in the options (WebAuthn L3 10.1.1), an AppID on the\n"
"origin's host: when the authenticator has no credential for the RP ID, the\n"
"request is made again with the AppID (a credential from 'create --appid')\n"
"and clientExtensionResults.appid is true.\n"
"\n"
"options:\n"
FSIM_HEADLESS_USAGE
"\n"
FSIM_HEADLESS_EXIT;

/*
 * get --bs: the backup state of the credentials this request can use
 * changes before the assertion (DESIGN.md). Credentials the store does not
 * hold (their key is wrapped in the ID) take the configured BS instead.
 */
static int
apply_bs(fsim_headless_t *h, const fsim_request_options_t *o, const char *rp_id)
{
	fsim_cred_t *creds[MAX_RP_CREDS];
	fsim_blob_t *ids = NULL;
	size_t i, n = 0;
	int e = 0;

	for (i = 0; i < o->n_allow; i++) {
		e = fsim_authn_set_bs(h->authn, o->allow[i].id.ptr, o->allow[i].id.len,
		    h->cfg.bs);
		if (e != 0 && e != FSIM_ERR_NOT_FOUND)
			goto fail;
	}
	e = 0;
	if (o->n_allow > 0)
		return 0;
	/* Copy the IDs first: lookups lend, and set_bs changes the store. */
	n = fsim_store_rp_creds(h->store, rp_id, creds, MAX_RP_CREDS);
	if (n > 0 && (ids = calloc(n, sizeof(*ids))) == NULL) {
		e = FSIM_ERR_NOMEM;
		goto fail;
	}
	for (i = 0; i < n && e == 0; i++)
		e = fsim_blob_set(&ids[i], creds[i]->id.ptr, creds[i]->id.len);
	for (i = 0; i < n && e == 0; i++)
		e = fsim_authn_set_bs(h->authn, ids[i].ptr, ids[i].len, h->cfg.bs);
fail:
	for (i = 0; ids != NULL && i < n; i++)
		fsim_blob_reset(&ids[i]);
	free(ids);
	if (e == 0)
		return 0;
	fprintf(stderr, "fidosim %s: cannot change the backup state: %s\n", CMD,
	    fsim_strerr(e));
	return FSIM_EXIT_USAGE;
}

static int
run(int argc, char **argv)
{
	fsim_headless_t h;
	fsim_request_options_t *o = NULL;
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 }, resp = { NULL, 0 }, req2 = { NULL, 0 };
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
	if (fsim_request_options_parse(h.root, &o, &d) != 0) {
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
		r = fsim_cli_usage_error(CMD, "the options name no rpId: --origin "
		    "is needed");
		goto out;
	}
	if ((r = fsim_headless_open(&h)) != 0)
		goto out;
	cer.platform = h.platform;
	cer.related = h.related;
	e = fsim_client_get_assertion_request(o, h.origin, fsim_headless_uv_capable(&h),
	    &cer, &req, &err);
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
	if ((h.x.set & FSIM_CLI_SET_BS) && (r = apply_bs(&h, o, cer.rp_id)) != 0)
		goto out;
	r = FSIM_EXIT_USAGE;
	if ((e = fsim_headless_send(&h, &req, &st, &resp, &err)) != 0) {
		r = e == FSIM_ERR_ARG ? fsim_headless_refuse(&h, &err) : FSIM_EXIT_USAGE;
		goto out;
	}
	/*
	 * §10.1.1: none of the credentials is bound to the RP ID; with an AppID
	 * in the options, ask again with it (a U2F-era credential), and the
	 * client output appid says so.
	 */
	if (st == FSIM_CTAP2_ERR_NO_CREDENTIALS && cer.appid != NULL) {
		fsim_blob_reset(&resp);
		if ((e = fsim_client_get_assertion_appid_request(&cer, &req, &req2)) != 0) {
			fprintf(stderr, "fidosim %s: cannot build the AppID request: %s\n",
			    CMD, fsim_strerr(e));
			goto out;
		}
		if ((e = fsim_headless_send(&h, &req2, &st, &resp, &err)) != 0) {
			r = e == FSIM_ERR_ARG ? fsim_headless_refuse(&h, &err) : FSIM_EXIT_USAGE;
			goto out;
		}
	}
	e = fsim_client_get_assertion_response(&cer, st, resp.ptr, resp.len, &out,
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
	fsim_blob_reset(&req2);
	fsim_blob_reset(&resp);
	fsim_client_ceremony_reset(&cer);
	fsim_request_options_free(&o);
	fsim_diags_clear(&d);
	fsim_headless_free(&h);
	return r;
}

const fsim_cmd_t fsim_cmd_get = {
	"get", run,
	"authenticate as a browser would (options JSON in, response JSON out)",
	usage,
};
