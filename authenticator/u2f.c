/*
 * u2f.c — CTAP1/U2F (FIDO U2F Raw Message Formats, CTAP 2.1 §11.2.9.1.1 MSG):
 * REGISTER, AUTHENTICATE and VERSION over ISO 7816-4 APDUs, for the fido-u2f
 * attestation format and clients that speak U2F.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "authenticator/internal.h"

#define SW_NO_ERROR 0x9000
#define SW_CONDITIONS_NOT_SATISFIED 0x6985
#define SW_WRONG_DATA 0x6a80
#define SW_WRONG_LENGTH 0x6700
#define SW_INS_NOT_SUPPORTED 0x6d00
#define SW_CLA_NOT_SUPPORTED 0x6e00

static int
sw_only(fsim_blob_t *resp, uint16_t sw)
{
	uint8_t b[2] = { (uint8_t)(sw >> 8), (uint8_t)sw };

	return fsim_blob_set(resp, b, 2);
}

static int
append_sw(fsim_blob_t *resp, uint16_t sw)
{
	uint8_t b[2] = { (uint8_t)(sw >> 8), (uint8_t)sw };

	return fsim_blob_append(resp, b, 2);
}

/* Parse CLA INS P1 P2 [Lc data] [Le], short or extended lengths. */
static int
apdu_data(const uint8_t *apdu, size_t len, const uint8_t **data, size_t *n)
{
	size_t lc;

	*data = NULL;
	*n = 0;
	if (len < 4)
		return -1;
	if (len <= 5)
		return 0;   /* no data (maybe Le) */
	if (apdu[4] != 0) {
		lc = apdu[4];
		if (len < 5 + lc)
			return -1;
		*data = apdu + 5;
		*n = lc;
		return 0;
	}
	if (len < 7)
		return -1;
	lc = ((size_t)apdu[5] << 8) | apdu[6];
	if (len < 7 + lc)
		return -1;
	*data = apdu + 7;
	*n = lc;
	return 0;
}

static int
u2f_register(fsim_authn_t *a, const uint8_t *d, size_t n, fsim_blob_t *resp)
{
	const uint8_t *chal = d, *app = d + 32;
	EVP_PKEY *key = NULL, *leaf_key = NULL;
	fsim_wrapped_t w;
	fsim_blob_t kh = { 0 }, tbs = { 0 }, sig = { 0 }, chain[2] = { { 0 }, { 0 } };
	uint8_t pub[65], b;
	size_t publen = 0;
	fsim_ca_t *ca = NULL;
	int r = FSIM_ERR_INTERNAL;

	if (n != 64)
		return sw_only(resp, SW_WRONG_LENGTH);
	if (a->env->user_presence(a->env->ctx) != 1)
		return sw_only(resp, SW_CONDITIONS_NOT_SATISFIED);
	memset(&w, 0, sizeof(w));
	if (fsim_key_generate(a->env, FSIM_COSE_ES256, &key) != 0 ||
	    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub),
	    &publen) != 1 || publen != 65)
		goto fail;
	w.alg = FSIM_COSE_ES256;
	w.key = key;
	if (fsim_credid_wrap(a->env, fsim_store_wrap_key(a->store), app, &w, &kh) != 0 ||
	    kh.len > 255 || fsim_authn_ca(a, &ca) != 0 ||
	    fsim_ca_leaf(ca, a->store, a->env, a->cfg.aaguid, 0, chain, &leaf_key) != 0)
		goto fail;
	/* signed: 0x00 | application | challenge | key handle | public key */
	b = 0x00;
	if (fsim_blob_set(&tbs, &b, 1) != 0 || fsim_blob_append(&tbs, app, 32) != 0 ||
	    fsim_blob_append(&tbs, chal, 32) != 0 || fsim_blob_append(&tbs, kh.ptr, kh.len) != 0 ||
	    fsim_blob_append(&tbs, pub, 65) != 0 ||
	    fsim_key_sign(a->env, leaf_key, FSIM_COSE_ES256, tbs.ptr, tbs.len, &sig) != 0)
		goto fail;
	b = 0x05;
	if (fsim_blob_set(resp, &b, 1) != 0 || fsim_blob_append(resp, pub, 65) != 0)
		goto fail;
	b = (uint8_t)kh.len;
	if (fsim_blob_append(resp, &b, 1) != 0 || fsim_blob_append(resp, kh.ptr, kh.len) != 0 ||
	    fsim_blob_append(resp, chain[0].ptr, chain[0].len) != 0 ||
	    fsim_blob_append(resp, sig.ptr, sig.len) != 0 || append_sw(resp, SW_NO_ERROR) != 0 ||
	    fsim_store_save(a->store) != 0)
		goto fail;
	r = FSIM_OK;
fail:
	EVP_PKEY_free(key);
	EVP_PKEY_free(leaf_key);
	fsim_blob_reset(&kh);
	fsim_blob_reset(&tbs);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	return r;
}

static int
u2f_authenticate(fsim_authn_t *a, uint8_t p1, const uint8_t *d, size_t n, fsim_blob_t *resp)
{
	const uint8_t *chal = d, *app = d + 32, *kh = d + 65;
	fsim_wrapped_t w;
	fsim_blob_t tbs = { 0 }, sig = { 0 };
	uint8_t h[32], head[5];
	uint32_t cnt;
	int r = FSIM_ERR_INTERNAL;

	if (n < 65 || n != 65 + (size_t)d[64])
		return sw_only(resp, SW_WRONG_LENGTH);
	memset(&w, 0, sizeof(w));
	if (fsim_credid_unwrap(fsim_store_wrap_key(a->store), app, kh, d[64], &w) != 0 ||
	    w.alg != FSIM_COSE_ES256) {
		fsim_wrapped_reset(&w);
		return sw_only(resp, SW_WRONG_DATA);
	}
	if (p1 == 0x07) {   /* check-only: the handle is ours */
		fsim_wrapped_reset(&w);
		return sw_only(resp, SW_CONDITIONS_NOT_SATISFIED);
	}
	if (p1 == 0x03 && a->env->user_presence(a->env->ctx) != 1) {
		fsim_wrapped_reset(&w);
		return sw_only(resp, SW_CONDITIONS_NOT_SATISFIED);
	}
	EVP_Digest(kh, d[64], h, NULL, EVP_sha256(), NULL);
	cnt = fsim_store_id_counter(a->store, h) + 1;
	if (fsim_store_set_id_counter(a->store, h, cnt) != 0)
		goto fail;
	head[0] = p1 == 0x03 ? 0x01 : 0x00;
	head[1] = (uint8_t)(cnt >> 24);
	head[2] = (uint8_t)(cnt >> 16);
	head[3] = (uint8_t)(cnt >> 8);
	head[4] = (uint8_t)cnt;
	/* signed: application | user presence | counter | challenge */
	if (fsim_blob_set(&tbs, app, 32) != 0 || fsim_blob_append(&tbs, head, 5) != 0 ||
	    fsim_blob_append(&tbs, chal, 32) != 0 ||
	    fsim_authn_sign(a, w.key, FSIM_COSE_ES256, tbs.ptr, tbs.len, &sig) != 0 ||
	    fsim_blob_set(resp, head, 5) != 0 || fsim_blob_append(resp, sig.ptr, sig.len) != 0 ||
	    append_sw(resp, SW_NO_ERROR) != 0 || fsim_store_save(a->store) != 0)
		goto fail;
	r = FSIM_OK;
fail:
	fsim_wrapped_reset(&w);
	fsim_blob_reset(&tbs);
	fsim_blob_reset(&sig);
	return r;
}

int
fsim_authn_u2f(fsim_authn_t *a, const uint8_t *apdu, size_t len, fsim_blob_t *resp)
{
	const uint8_t *d;
	size_t n;
	int r;

	fsim_blob_reset(resp);
	if (apdu_data(apdu, len, &d, &n) != 0)
		return sw_only(resp, SW_WRONG_LENGTH);
	if (apdu[0] != 0x00)
		return sw_only(resp, SW_CLA_NOT_SUPPORTED);
	switch (apdu[1]) {
	case 0x01:
	case 0x02:
		/* One store transaction; a failure keeps nothing (a success has saved). */
		if (fsim_store_begin(a->store) != 0)
			return sw_only(resp, SW_WRONG_DATA);
		r = apdu[1] == 0x01 ? u2f_register(a, d, n, resp) :
		    u2f_authenticate(a, apdu[2], d, n, resp);
		fsim_store_rollback(a->store);
		return r;
	case 0x03:
		if (n != 0)
			return sw_only(resp, SW_WRONG_LENGTH);
		if (fsim_blob_set(resp, (const uint8_t *)"U2F_V2", 6) != 0)
			return FSIM_ERR_NOMEM;
		return append_sw(resp, SW_NO_ERROR);
	default:
		return sw_only(resp, SW_INS_NOT_SUPPORTED);
	}
}
