/*
 * appid.c — the FIDO AppID extension on the client side (WebAuthn L3
 * §10.1.1 "FIDO AppID Extension (appid)", and for registration the U2F-era
 * credential the extension exists for).
 *
 * A credential registered through the FIDO U2F API is bound to
 * SHA-256(AppID), the U2F application parameter, not to an RP ID. When the
 * options carry extensions.appid, the client first asks the authenticator
 * with the RP ID; if the authenticator holds none of the credentials for it
 * (CTAP2_ERR_NO_CREDENTIALS), it asks again with the AppID in place of the
 * RP ID, and reports appid: true. The caller sends the second request
 * (platform/ never talks to the authenticator): see
 * fsim_client_get_assertion_appid_request.
 *
 * The AppID must be a valid facet of the caller's origin (FIDO AppID and
 * Facet v2.0 §3.1.2). This offline client takes the case that needs no
 * network: an https AppID on the origin's own host (§3.1.2.3 "no additional
 * processing is necessary"); any other AppID would need its TrustedFacets
 * list fetched, so it is refused with SecurityError, as WebAuthn says for an
 * AppID that is not a valid facet.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/internal.h"

#define HOST_MAX 253

/* The host of "scheme://host[:port][/...]" lowercased into out; false if none. */
static bool
url_host(const char *url, char out[HOST_MAX + 1])
{
	const char *h = strstr(url, "://"), *e;
	size_t n, i;

	if (h == NULL)
		return false;
	h += 3;
	e = h + strcspn(h, ":/?#");
	n = (size_t)(e - h);
	if (n == 0 || n > HOST_MAX)
		return false;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)h[i]);
	out[n] = '\0';
	return true;
}

int
fsim_client_appid_check(const char *appid, const char *origin, fsim_client_error_t *err)
{
	char ah[HOST_MAX + 1], oh[HOST_MAX + 1];

	if (appid == NULL || origin == NULL)
		return FSIM_ERR_ARG;
	if (strncmp(appid, "https://", 8) != 0 || !url_host(appid, ah))
		return fsim_client_refuse(err, FSIM_DOM_SECURITY, "appid-facet", -1,
		    "AppID \"%.100s\" is not an https URL (FIDO AppID and Facet v2.0 "
		    "3.1.2; WebAuthn L3 10.1.1)", appid);
	if (!url_host(origin, oh) || strcmp(ah, oh) != 0)
		return fsim_client_refuse(err, FSIM_DOM_SECURITY, "appid-facet", -1,
		    "AppID \"%.100s\" is not on the caller's host \"%.100s\": it is a "
		    "valid facet only if its TrustedFacets list says so, which this "
		    "offline client does not fetch (FIDO AppID and Facet v2.0 3.1.2)",
		    appid, url_host(origin, oh) ? oh : origin);
	return FSIM_OK;
}

int
fsim_client_get_assertion_appid_request(fsim_client_ceremony_t *cer,
    const fsim_blob_t *req, fsim_blob_t *out)
{
	cbor_item_t *m = NULL, *n = NULL;
	struct cbor_pair *pairs;
	fsim_blob_t body = { NULL, 0 }, b = { NULL, 0 };
	size_t i, cnt;
	int64_t key;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	out->ptr = NULL;
	out->len = 0;
	/* only a getAssertion request (0x02) of a ceremony that has an AppID */
	if (cer == NULL || cer->appid == NULL || req == NULL || req->len < 2 ||
	    req->ptr[0] != 0x02)
		return FSIM_ERR_ARG;
	if ((r = fsim_cbor_decode(req->ptr + 1, req->len - 1, &m, NULL)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_ARG;
	if (!cbor_isa_map(m))
		goto fail;
	cnt = cbor_map_size(m);
	pairs = cbor_map_handle(m);
	r = FSIM_ERR_NOMEM;
	if ((n = cbor_new_definite_map(cnt)) == NULL)
		goto fail;
	/* the same members in the same (canonical) order, rpId (1) replaced */
	for (i = 0; i < cnt; i++) {
		bool rp = fsim_cbor_get_int(pairs[i].key, &key) == FSIM_OK && key == 1;

		if ((r = fsim_cbor_map_put(n, cbor_incref(pairs[i].key), rp ?
		    fsim_cbor_text(cer->appid) : cbor_incref(pairs[i].value))) != FSIM_OK)
			goto fail;
	}
	if ((r = fsim_cbor_encode(n, &body)) != FSIM_OK ||
	    (r = fsim_blob_append(&b, req->ptr, 1)) != FSIM_OK ||
	    (r = fsim_blob_append(&b, body.ptr, body.len)) != FSIM_OK)
		goto fail;
	*out = b;
	b.ptr = NULL;
	b.len = 0;
	cer->appid_used = true;
	r = FSIM_OK;
fail:
	if (m != NULL)
		cbor_decref(&m);
	if (n != NULL)
		cbor_decref(&n);
	fsim_blob_reset(&body);
	fsim_blob_reset(&b);
	return r;
}
