/*
 * captured.c — what a platform profile would have made of a response captured
 * elsewhere (a browser, webauthn.io, a device): the response re-enters the
 * client as if its authenticator had just answered, so the same code that
 * mediates our own authenticator's output (client_resp.c, mediate.c) decides
 * what would have been delivered, refused or rewritten, and records why.
 */
#include <stdlib.h>
#include <string.h>

#include "platform/captured.h"
#include "platform/internal.h"

/* The ceremony as far as a captured response tells it. */
static int
ceremony_from(const fsim_platform_t *p, const fsim_blob_t *cdj, const char *conveyance,
    char *const *transports, size_t n_tr, const char *attachment,
    fsim_platform_effects_t *effects, fsim_client_ceremony_t *cer)
{
	memset(cer, 0, sizeof(*cer));
	cer->platform = p;
	cer->effects = effects;
	if (fsim_blob_set(&cer->client_data_json, cdj->ptr, cdj->len) != FSIM_OK ||
	    (conveyance != NULL && (cer->attestation = strdup(conveyance)) == NULL) ||
	    fsim_client_ceremony_set_authenticator(cer, (const char *const *)transports, n_tr,
	    attachment) != FSIM_OK)
		return FSIM_ERR_NOMEM;
	return FSIM_OK;
}

/* Copy the captured client extension outputs over the ones the client made. */
static void
keep_extensions(json_t *out, const json_t *captured)
{
	if (json_is_object(captured))
		json_object_set(out, "clientExtensionResults", (json_t *)captured);
}

int
fsim_client_mediate_captured_registration(const fsim_platform_t *p, const json_t *response,
    const char *conveyance, fsim_platform_effects_t *effects, json_t **out,
    fsim_client_error_t *err)
{
	fsim_client_ceremony_t cer;
	fsim_reg_response_t *rr = NULL;
	fsim_attobj_t *ao = NULL;
	cbor_item_t *m = NULL;
	fsim_blob_t ctap = { 0 };
	int r;

	*out = NULL;
	fsim_client_err_clear(err);
	memset(&cer, 0, sizeof(cer));
	if ((r = fsim_reg_response_parse(response, &rr, NULL)) != FSIM_OK ||
	    (r = fsim_attobj_parse_max(rr->attestation_object.ptr, rr->attestation_object.len,
	    65535, &ao, NULL)) != FSIM_OK) {
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	/* authenticatorMakeCredential's answer: {1: fmt, 2: authData, 3: attStmt} */
	r = FSIM_ERR_NOMEM;
	if ((m = cbor_new_definite_map(3)) == NULL ||
	    fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_text(ao->fmt)) != FSIM_OK ||
	    fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_bytes(ao->auth_data_raw.ptr,
	    ao->auth_data_raw.len)) != FSIM_OK ||
	    fsim_cbor_map_put(m, fsim_cbor_int(3), cbor_incref(ao->att_stmt)) != FSIM_OK ||
	    fsim_cbor_encode(m, &ctap) != FSIM_OK)
		goto fail;
	if ((r = ceremony_from(p, &rr->client_data_json, conveyance, rr->transports,
	    rr->n_transports, rr->attachment, effects, &cer)) != FSIM_OK)
		goto fail;
	if ((r = fsim_client_make_credential_response(&cer, 0, ctap.ptr, ctap.len, out,
	    err)) == FSIM_OK)
		keep_extensions(*out, rr->client_ext_results);
fail:
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&ctap);
	fsim_attobj_free(&ao);
	fsim_reg_response_free(&rr);
	fsim_client_ceremony_reset(&cer);
	return r;
}

int
fsim_client_mediate_captured_assertion(const fsim_platform_t *p, const json_t *response,
    fsim_platform_effects_t *effects, json_t **out, fsim_client_error_t *err)
{
	fsim_client_ceremony_t cer;
	fsim_auth_response_t *ar = NULL;
	cbor_item_t *m = NULL, *cred = NULL, *user = NULL;
	fsim_blob_t ctap = { 0 };
	int r;

	*out = NULL;
	fsim_client_err_clear(err);
	memset(&cer, 0, sizeof(cer));
	if (fsim_auth_response_parse(response, &ar, NULL) != FSIM_OK) {
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	/* authenticatorGetAssertion's answer: {1: credential, 2: authData, 3: signature, 4: user} */
	r = FSIM_ERR_NOMEM;
	if ((m = cbor_new_definite_map(4)) == NULL || (cred = cbor_new_definite_map(2)) == NULL ||
	    fsim_cbor_map_put(cred, fsim_cbor_text("id"), fsim_cbor_bytes(ar->raw_id.ptr,
	    ar->raw_id.len)) != FSIM_OK ||
	    fsim_cbor_map_put(cred, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != FSIM_OK)
		goto fail;
	if (fsim_cbor_map_put(m, fsim_cbor_int(1), cred) != FSIM_OK) {
		cred = NULL;
		goto fail;
	}
	cred = NULL;
	if (fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_bytes(ar->authenticator_data.ptr,
	    ar->authenticator_data.len)) != FSIM_OK ||
	    fsim_cbor_map_put(m, fsim_cbor_int(3), fsim_cbor_bytes(ar->signature.ptr,
	    ar->signature.len)) != FSIM_OK)
		goto fail;
	if (ar->has_user_handle) {
		if ((user = cbor_new_definite_map(1)) == NULL ||
		    fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(
		    ar->user_handle.ptr, ar->user_handle.len)) != FSIM_OK)
			goto fail;
		r = fsim_cbor_map_put(m, fsim_cbor_int(4), user);
		user = NULL;
		if (r != FSIM_OK) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
	}
	if (fsim_cbor_encode(m, &ctap) != FSIM_OK)
		goto fail;
	if ((r = ceremony_from(p, &ar->client_data_json, NULL, NULL, 0, ar->attachment,
	    effects, &cer)) != FSIM_OK)
		goto fail;
	if ((r = fsim_client_get_assertion_response(&cer, 0, ctap.ptr, ctap.len, out,
	    err)) == FSIM_OK)
		keep_extensions(*out, ar->client_ext_results);
fail:
	if (user != NULL)
		cbor_decref(&user);
	if (cred != NULL)
		cbor_decref(&cred);
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&ctap);
	fsim_auth_response_free(&ar);
	fsim_client_ceremony_reset(&cer);
	return r;
}
