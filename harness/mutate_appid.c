/*
 * mutate_appid.c — the units of the FIDO AppID extension (WebAuthn L3
 * §10.1.1, rule EXT-APPID-01): an assertion whose client output claims the
 * AppID though the RP sent none, and the U2F-era assertion hashed over the
 * AppID the RP did send, which verifies.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness/mutate_int.h"

/* clientExtensionResults.appid of the response set to v. */
static int
set_appid_output(mu_case_t *c, bool v)
{
	json_t *ext = json_object_get(c->response, "clientExtensionResults");

	if (!json_is_object(ext)) {
		if ((ext = json_object()) == NULL ||
		    json_object_set_new(c->response, "clientExtensionResults", ext) != 0)
			return FSIM_ERR_NOMEM;
	}
	return json_object_set_new(ext, "appid", json_boolean(v)) == 0 ? FSIM_OK :
	    FSIM_ERR_NOMEM;
}

/* EXT-APPID-01: the client output appid is true; the RP sent no AppID. */
int
mu_appid_unsolicited(mu_case_t *c)
{
	return set_appid_output(c, true);
}

static int
hash_of(fsim_blob_t *ad, const void *arg)
{
	const char *id = arg;
	unsigned int hl = 0;

	if (ad->len < 37 || EVP_Digest(id, strlen(id), ad->ptr, &hl, EVP_sha256(),
	    NULL) != 1)
		return FSIM_ERR_INTERNAL;
	return FSIM_OK;
}

/*
 * A U2F-era credential's assertion: the RP sent extensions.appid
 * (https://RP-ID/appid.json), the authenticator hashed that AppID (signed
 * again) and the client says appid: true. Every rule holds.
 */
int
mu_appid_used(mu_case_t *c)
{
	int r;

	if ((size_t)snprintf(c->appid, sizeof(c->appid), "https://%s/appid.json",
	    c->rp_id) >= sizeof(c->appid))
		return FSIM_ERR_ARG;
	if ((r = mu_edit_ad(c, hash_of, c->appid)) != FSIM_OK)
		return r;
	return set_appid_output(c, true);
}
