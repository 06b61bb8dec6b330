/*
 * ext.c — authenticator extensions (CTAP 2.1 §12): credProtect (12.1),
 * credBlob (12.2) and hmac-secret (12.5, PIN/UV auth protocols 1 and 2).
 * Outputs appear only for extensions that were asked for and are supported.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "authenticator/internal.h"

#define CRED_BLOB_MAX 32

static int
out_map(cbor_item_t **out)
{
	if (*out == NULL && (*out = cbor_new_definite_map(3)) == NULL)
		return FSIM_ERR_NOMEM;
	return FSIM_OK;
}

uint8_t
fsim_ext_make_credential(fsim_authn_t *a, const cbor_item_t *ext, fsim_cred_t *c,
    cbor_item_t **out)
{
	const cbor_item_t *it;
	const uint8_t *p;
	size_t n;
	uint64_t v;
	int b;

	*out = NULL;
	if (ext == NULL)
		return 0;
	if ((it = fsim_cbor_map_get_str(ext, "credProtect")) != NULL) {
		if (fsim_req_uint(it, true, 3, &v) != 0 || v == 0)
			return FSIM_CTAP1_ERR_INVALID_PARAMETER;
		c->cred_protect = (uint8_t)v;
		if (out_map(out) != 0 || fsim_cbor_map_put(*out, fsim_cbor_text("credProtect"),
		    fsim_cbor_int((int64_t)v)) != 0)
			return FSIM_CTAP2_ERR_PROCESSING;
	}
	if ((it = fsim_cbor_map_get_str(ext, "hmac-secret")) != NULL) {
		if (fsim_req_bool(it, &b) != 0)
			return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
		if (b == 1) {
			c->hmac_secret = true;
			if (fsim_env_random(a->env, c->cred_random_uv, 32) != 0 ||
			    fsim_env_random(a->env, c->cred_random_nouv, 32) != 0)
				return FSIM_CTAP2_ERR_PROCESSING;
			if (out_map(out) != 0 || fsim_cbor_map_put(*out, fsim_cbor_text("hmac-secret"),
			    cbor_build_bool(true)) != 0)
				return FSIM_CTAP2_ERR_PROCESSING;
		}
	}
	if ((it = fsim_cbor_map_get_str(ext, "credBlob")) != NULL) {
		if (fsim_cbor_get_bytes(it, &p, &n) != 0)
			return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
		/* Kept only with a stored (discoverable) credential and within the size. */
		b = c->discoverable && n <= CRED_BLOB_MAX;
		if (b && fsim_blob_set(&c->cred_blob, p, n) != 0)
			return FSIM_CTAP2_ERR_PROCESSING;
		if (out_map(out) != 0 || fsim_cbor_map_put(*out, fsim_cbor_text("credBlob"),
		    cbor_build_bool(b)) != 0)
			return FSIM_CTAP2_ERR_PROCESSING;
	}
	return 0;
}

/*
 * CredRandom of a credential. A wrapped credential keeps none: derive it
 * from the wrapping key and the credential ID, so it is stable.
 */
static int
cred_random(const fsim_authn_t *a, const fsim_cred_t *c, bool uv, uint8_t out[32])
{
	fsim_blob_t msg = { 0 };
	int r;

	if (c->hmac_secret) {
		memcpy(out, uv ? c->cred_random_uv : c->cred_random_nouv, 32);
		return FSIM_OK;
	}
	if (fsim_blob_set(&msg, (const uint8_t *)(uv ? "credRandom-uv" : "credRandom"),
	    uv ? 13 : 10) != 0 || fsim_blob_append(&msg, c->id.ptr, c->id.len) != 0) {
		fsim_blob_reset(&msg);
		return FSIM_ERR_NOMEM;
	}
	r = fsim_pin_hmac(fsim_store_wrap_key(a->store), 32, msg.ptr, msg.len, out);
	fsim_blob_reset(&msg);
	return r;
}

static uint8_t
hmac_secret(fsim_authn_t *a, const cbor_item_t *in, const fsim_cred_t *c, bool uv,
    cbor_item_t **out)
{
	const uint8_t *salt_enc, *salt_auth;
	size_t se_len, sa_len, i;
	uint64_t proto = 2;
	fsim_pin_ss_t secret;
	uint8_t cr[32], res[64];
	fsim_blob_t salts = { 0 }, enc = { 0 };
	uint8_t st;

	memset(&secret, 0, sizeof(secret));

	if ((st = fsim_req_map(in, true)) != 0 ||
	    (st = fsim_req_map(fsim_cbor_map_get_int(in, 1), true)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(in, 2), true, 0, 1024, &salt_enc, &se_len)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(in, 3), true, 0, 64, &salt_auth, &sa_len)) != 0 ||
	    (st = fsim_req_uint(fsim_cbor_map_get_int(in, 4), false, 0xff, &proto)) != 0)
		return st;
	/* 12.5: without pinUvAuthProtocol the platform speaks protocol one. */
	if (fsim_cbor_map_get_int(in, 4) == NULL)
		proto = 1;
	if (proto != 1 && proto != 2)
		return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	if (fsim_pin_ss(a, fsim_cbor_map_get_int(in, 1), proto, &secret) != 0)
		return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	st = FSIM_CTAP2_ERR_PIN_AUTH_INVALID;
	if (!fsim_pin_ss_verify(&secret, salt_enc, se_len, salt_auth, sa_len))
		goto out;
	st = FSIM_CTAP1_ERR_INVALID_LENGTH;
	if (fsim_pin_ss_decrypt(&secret, salt_enc, se_len, &salts) != 0 ||
	    (salts.len != 32 && salts.len != 64))
		goto out;
	st = FSIM_CTAP2_ERR_PROCESSING;
	if (cred_random(a, c, uv, cr) != 0)
		goto out;
	for (i = 0; i < salts.len; i += 32)
		if (fsim_pin_hmac(cr, 32, salts.ptr + i, 32, res + i) != 0)
			goto out;
	if (fsim_pin_ss_encrypt(a->env, &secret, res, salts.len, &enc) != 0 ||
	    out_map(out) != 0 ||
	    fsim_cbor_map_put(*out, fsim_cbor_text("hmac-secret"),
	    fsim_cbor_bytes(enc.ptr, enc.len)) != 0)
		goto out;
	st = 0;
out:
	fsim_wipe(&secret, sizeof(secret));
	fsim_wipe(cr, sizeof(cr));
	fsim_wipe(res, sizeof(res));
	fsim_blob_reset(&salts);
	fsim_blob_reset(&enc);
	return st;
}

uint8_t
fsim_ext_get_assertion(fsim_authn_t *a, const cbor_item_t *ext, const fsim_cred_t *c,
    bool uv, cbor_item_t **out)
{
	const cbor_item_t *it;
	uint8_t st;
	int b;

	*out = NULL;
	if (ext == NULL)
		return 0;
	if ((it = fsim_cbor_map_get_str(ext, "credBlob")) != NULL) {
		if (fsim_req_bool(it, &b) != 0)
			return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
		if (b == 1 && (out_map(out) != 0 || fsim_cbor_map_put(*out, fsim_cbor_text("credBlob"),
		    fsim_cbor_bytes(c->cred_blob.ptr, c->cred_blob.len)) != 0))
			return FSIM_CTAP2_ERR_PROCESSING;
	}
	if ((it = fsim_cbor_map_get_str(ext, "hmac-secret")) != NULL &&
	    (st = hmac_secret(a, it, c, uv, out)) != 0)
		return st;
	return 0;
}
