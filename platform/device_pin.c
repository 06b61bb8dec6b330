/*
 * device_pin.c — authenticatorClientPIN from the platform's side (CTAP 2.1
 * §6.5.5): key agreement, tokens from the PIN or from built-in UV, retries,
 * setPIN and changePIN (see platform/device.h). Ceremonies are in
 * device_uv.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/device.h"
#include "platform/internal.h"

#define CMD_CLIENT_PIN 0x06
#define SUB_GET_PIN_RETRIES 0x01
#define SUB_GET_KEY_AGREEMENT 0x02
#define SUB_SET_PIN 0x03
#define SUB_CHANGE_PIN 0x04
#define SUB_GET_PIN_TOKEN 0x05
#define SUB_GET_UV_TOKEN 0x06
#define SUB_GET_UV_RETRIES 0x07
#define SUB_GET_PIN_UV_TOKEN 0x09


static int
put(cbor_item_t *m, int64_t k, cbor_item_t *v)
{
	return fsim_cbor_map_put(m, fsim_cbor_int(k), v) == 0 ? 0 : FSIM_ERR_NOMEM;
}

/* A clientPIN request map with its protocol and subcommand. */
static cbor_item_t *
pin_map(uint64_t protocol, uint64_t sub, size_t extra)
{
	cbor_item_t *m = cbor_new_definite_map(2 + extra);

	if (m == NULL)
		return NULL;
	if ((protocol != 0 && put(m, 1, fsim_cbor_int((int64_t)protocol)) != 0) ||
	    put(m, 2, fsim_cbor_int((int64_t)sub)) != 0) {
		cbor_decref(&m);
		return NULL;
	}
	return m;
}

int
fsim_device_key_agreement(fsim_device_t *d, uint64_t protocol, fsim_pinuv_t *shared,
    uint8_t *status)
{
	cbor_item_t *m = pin_map(protocol, SUB_GET_KEY_AGREEMENT, 0), *ans = NULL;
	fsim_blob_t resp = { NULL, 0 };
	int r = FSIM_ERR_NOMEM;

	memset(shared, 0, sizeof(*shared));
	*status = 0xff;
	if (m == NULL || (r = fsim_device_command(d, CMD_CLIENT_PIN, m, status, &resp)) != 0 ||
	    *status != 0)
		goto out;
	r = FSIM_ERR_FORMAT;
	if (fsim_cbor_decode(resp.ptr, resp.len, &ans, NULL) != 0 || !cbor_isa_map(ans))
		goto out;
	r = fsim_pinuv_encapsulate(protocol, fsim_cbor_map_get_int(ans, 1), shared);
out:
	if (ans != NULL)
		cbor_decref(&ans);
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&resp);
	return r;
}

/* Put our key agreement key (the shared secret's platform key) at key 3. */
static int
put_platform_key(cbor_item_t *m, const fsim_pinuv_t *s)
{
	cbor_item_t *k = NULL;

	if (fsim_cbor_decode(s->platform_key.ptr, s->platform_key.len, &k, NULL) != 0)
		return FSIM_ERR_INTERNAL;
	return put(m, 3, k);
}

int
fsim_device_token(fsim_device_t *d, uint64_t protocol, const char *pin, uint8_t permissions,
    const char *rp_id, uint8_t token[32], size_t *token_len, uint8_t *status)
{
	fsim_pinuv_t s;
	fsim_blob_t enc = { NULL, 0 }, resp = { NULL, 0 }, dec = { NULL, 0 };
	cbor_item_t *m = NULL, *ans = NULL;
	uint8_t hash[16];
	const uint8_t *p;
	size_t n;
	uint64_t sub;
	int r;

	*token_len = 0;
	memset(&s, 0, sizeof(s));
	if ((r = fsim_device_key_agreement(d, protocol, &s, status)) != 0 || *status != 0)
		goto out;
	if (pin == NULL)
		sub = SUB_GET_UV_TOKEN;
	else if (permissions != 0 && fsim_devinfo_option(fsim_device_info(d), "pinUvAuthToken") == 1)
		sub = SUB_GET_PIN_UV_TOKEN;
	else
		sub = SUB_GET_PIN_TOKEN;
	r = FSIM_ERR_NOMEM;
	if ((m = pin_map(protocol, sub, 4)) == NULL || put_platform_key(m, &s) != 0)
		goto out;
	if (pin != NULL) {
		/* §6.5.5.7.2: pinHashEnc = encrypt(shared secret, LEFT(SHA-256(PIN), 16)). */
		if ((r = fsim_pinuv_pin_hash(pin, hash)) != 0 ||
		    (r = fsim_pinuv_encrypt(&s, hash, sizeof(hash), &enc)) != 0 ||
		    (r = put(m, 6, fsim_cbor_bytes(enc.ptr, enc.len))) != 0)
			goto out;
	}
	if (sub != SUB_GET_PIN_TOKEN) {
		if ((r = put(m, 9, fsim_cbor_int(permissions))) != 0 ||
		    (rp_id != NULL && (r = put(m, 10, fsim_cbor_text(rp_id))) != 0))
			goto out;
	}
	if ((r = fsim_device_command(d, CMD_CLIENT_PIN, m, status, &resp)) != 0 || *status != 0)
		goto out;
	r = FSIM_ERR_FORMAT;
	if (fsim_cbor_decode(resp.ptr, resp.len, &ans, NULL) != 0 || !cbor_isa_map(ans) ||
	    fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 2), &p, &n) != 0 ||
	    fsim_pinuv_decrypt(&s, p, n, &dec) != 0 || (dec.len != 16 && dec.len != 32))
		goto out;
	memcpy(token, dec.ptr, dec.len);
	*token_len = dec.len;
	r = 0;
out:
	fsim_wipe(hash, sizeof(hash));
	if (ans != NULL)
		cbor_decref(&ans);
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&resp);
	fsim_blob_reset(&dec);
	fsim_pinuv_reset(&s);
	return r;
}

int
fsim_device_retries(fsim_device_t *d, bool uv, uint64_t *retries, uint8_t *status)
{
	cbor_item_t *m = pin_map(fsim_devinfo_pin_protocol(fsim_device_info(d)),
	    uv ? SUB_GET_UV_RETRIES : SUB_GET_PIN_RETRIES, 0), *ans = NULL, *v;
	fsim_blob_t resp = { NULL, 0 };
	int r = FSIM_ERR_NOMEM;

	*retries = 0;
	if (m == NULL || (r = fsim_device_command(d, CMD_CLIENT_PIN, m, status, &resp)) != 0 ||
	    *status != 0)
		goto out;
	r = FSIM_ERR_FORMAT;
	if (fsim_cbor_decode(resp.ptr, resp.len, &ans, NULL) != 0 || !cbor_isa_map(ans) ||
	    (v = fsim_cbor_map_get_int(ans, uv ? 5 : 3)) == NULL || !cbor_isa_uint(v))
		goto out;
	*retries = cbor_get_int(v);
	r = 0;
out:
	if (ans != NULL)
		cbor_decref(&ans);
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&resp);
	return r;
}

/*
 * setPIN / changePIN (§6.5.5.5, §6.5.5.6): newPinEnc = encrypt(padded PIN);
 * changePIN adds pinHashEnc; pinUvAuthParam = authenticate(shared secret,
 * newPinEnc [| pinHashEnc]).
 */
static int
set_or_change(fsim_device_t *d, uint64_t protocol, const char *old_pin, const char *new_pin,
    uint8_t *status)
{
	fsim_pinuv_t s;
	fsim_blob_t new_enc = { NULL, 0 }, hash_enc = { NULL, 0 }, msg = { NULL, 0 },
	    resp = { NULL, 0 };
	cbor_item_t *m = NULL;
	uint8_t padded[64], hash[16], mac[32];
	size_t maclen;
	int r;

	memset(&s, 0, sizeof(s));
	*status = 0xff;
	if ((r = fsim_pinuv_pad_pin(new_pin, padded)) != 0)
		goto out;
	if ((r = fsim_device_key_agreement(d, protocol, &s, status)) != 0 || *status != 0)
		goto out;
	if ((r = fsim_pinuv_encrypt(&s, padded, sizeof(padded), &new_enc)) != 0 ||
	    (r = fsim_blob_append(&msg, new_enc.ptr, new_enc.len)) != 0)
		goto out;
	if (old_pin != NULL) {
		if ((r = fsim_pinuv_pin_hash(old_pin, hash)) != 0 ||
		    (r = fsim_pinuv_encrypt(&s, hash, sizeof(hash), &hash_enc)) != 0 ||
		    (r = fsim_blob_append(&msg, hash_enc.ptr, hash_enc.len)) != 0)
			goto out;
	}
	if ((r = fsim_pinuv_auth_shared(&s, msg.ptr, msg.len, mac, &maclen)) != 0)
		goto out;
	r = FSIM_ERR_NOMEM;
	if ((m = pin_map(protocol, old_pin != NULL ? SUB_CHANGE_PIN : SUB_SET_PIN, 4)) == NULL ||
	    put_platform_key(m, &s) != 0 || put(m, 4, fsim_cbor_bytes(mac, maclen)) != 0 ||
	    put(m, 5, fsim_cbor_bytes(new_enc.ptr, new_enc.len)) != 0 ||
	    (old_pin != NULL && put(m, 6, fsim_cbor_bytes(hash_enc.ptr, hash_enc.len)) != 0))
		goto out;
	r = fsim_device_command(d, CMD_CLIENT_PIN, m, status, &resp);
out:
	fsim_wipe(padded, sizeof(padded));
	fsim_wipe(hash, sizeof(hash));
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&new_enc);
	fsim_blob_reset(&hash_enc);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&resp);
	fsim_pinuv_reset(&s);
	return r;
}

int
fsim_device_set_pin(fsim_device_t *d, uint64_t protocol, const char *pin, uint8_t *status)
{
	return set_or_change(d, protocol, NULL, pin, status);
}

int
fsim_device_change_pin(fsim_device_t *d, uint64_t protocol, const char *old_pin,
    const char *new_pin, uint8_t *status)
{
	if (old_pin == NULL)
		return FSIM_ERR_ARG;
	return set_or_change(d, protocol, old_pin, new_pin, status);
}
