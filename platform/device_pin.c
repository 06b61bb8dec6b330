/*
 * device_pin.c — authenticatorClientPIN from the platform's side (CTAP 2.1
 * §6.5.5), and ceremonies with user verification as a browser does it
 * (§6.1.2 steps 6-8 and §6.2.2 step 5 say when the authenticator wants it):
 * see platform/device.h.
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

#define ST_PIN_INVALID 0x31
#define ST_PIN_BLOCKED 0x32
#define ST_PIN_AUTH_BLOCKED 0x34
#define ST_PIN_NOT_SET 0x35
#define ST_UV_BLOCKED 0x3c

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

/* ---- ceremonies ---- */

/* A boolean in an options map: 1, 0, or -1 when absent or not a boolean. */
static int
opt(const cbor_item_t *opts, const char *name)
{
	const cbor_item_t *v = opts != NULL ? fsim_cbor_map_get_str(opts, name) : NULL;

	if (v == NULL || !cbor_isa_float_ctrl(v) || !cbor_is_bool(v))
		return -1;
	return cbor_get_bool(v) ? 1 : 0;
}

/* A copy of the request map without the options "uv" (and without options if nothing is left). */
static cbor_item_t *
strip_uv(const cbor_item_t *req, int64_t opts_key)
{
	cbor_item_t *m = cbor_new_definite_map(cbor_map_size(req) + 2), *o = NULL;
	struct cbor_pair *p = cbor_map_handle(req);
	size_t i, j;

	for (i = 0; m != NULL && i < cbor_map_size(req); i++) {
		int64_t k;

		if (fsim_cbor_get_int(p[i].key, &k) == 0 && k == opts_key && cbor_isa_map(p[i].value)) {
			struct cbor_pair *q = cbor_map_handle(p[i].value);

			if ((o = cbor_new_definite_map(cbor_map_size(p[i].value))) == NULL)
				goto fail;
			for (j = 0; j < cbor_map_size(p[i].value); j++) {
				if (cbor_isa_string(q[j].key) && cbor_string_length(q[j].key) == 2 &&
				    memcmp(cbor_string_handle(q[j].key), "uv", 2) == 0)
					continue;
				if (fsim_cbor_map_put(o, cbor_incref(q[j].key), cbor_incref(q[j].value)) != 0)
					goto fail;
			}
			if (cbor_map_size(o) > 0 && fsim_cbor_map_put(m, cbor_incref(p[i].key), o) != 0) {
				o = NULL;
				goto fail;
			}
			if (cbor_map_size(o) == 0)
				cbor_decref(&o);
			o = NULL;
			continue;
		}
		if (fsim_cbor_map_put(m, cbor_incref(p[i].key), cbor_incref(p[i].value)) != 0)
			goto fail;
	}
	return m;
fail:
	if (o != NULL)
		cbor_decref(&o);
	if (m != NULL)
		cbor_decref(&m);
	return NULL;
}

/* A copy of the request map with options "uv": true added. */
static cbor_item_t *
with_uv(const cbor_item_t *req, int64_t opts_key)
{
	cbor_item_t *m = strip_uv(req, opts_key), *o, *n = NULL;
	int r;

	if (m == NULL)
		return NULL;
	o = fsim_cbor_map_get_int(m, opts_key);
	if (o == NULL) {
		if ((n = cbor_new_definite_map(1)) == NULL ||
		    fsim_cbor_map_put(n, fsim_cbor_text("uv"), cbor_build_bool(true)) != 0)
			goto fail;
		/* The map takes n, even when the put fails. */
		r = put(m, opts_key, n);
		n = NULL;
		if (r != 0)
			goto fail;
		return m;
	}
	/* Rebuild the options map one larger. */
	if ((n = cbor_new_definite_map(cbor_map_size(o) + 1)) == NULL)
		goto fail;
	{
		struct cbor_pair *q = cbor_map_handle(o);
		size_t j;

		for (j = 0; j < cbor_map_size(o); j++)
			if (fsim_cbor_map_put(n, cbor_incref(q[j].key), cbor_incref(q[j].value)) != 0)
				goto fail;
	}
	if (fsim_cbor_map_put(n, fsim_cbor_text("uv"), cbor_build_bool(true)) != 0)
		goto fail;
	{
		/* Swap the options map for the new one in a fresh outer map. */
		cbor_item_t *m2 = cbor_new_definite_map(cbor_map_size(m));
		struct cbor_pair *p = cbor_map_handle(m);
		size_t i;

		for (i = 0; m2 != NULL && i < cbor_map_size(m); i++) {
			int64_t k;
			bool ours = fsim_cbor_get_int(p[i].key, &k) == 0 && k == opts_key;

			if (fsim_cbor_map_put(m2, cbor_incref(p[i].key), ours ? cbor_incref(n) :
			    cbor_incref(p[i].value)) != 0) {
				cbor_decref(&m2);
				break;
			}
		}
		cbor_decref(&n);
		cbor_decref(&m);
		return m2;
	}
fail:
	if (n != NULL)
		cbor_decref(&n);
	cbor_decref(&m);
	return NULL;
}

static int
refuse_pin(fsim_device_t *d, uint8_t st, fsim_client_error_t *err)
{
	uint64_t left = 0;
	uint8_t s2;

	switch (st) {
	case ST_PIN_INVALID:
		if (fsim_device_retries(d, false, &left, &s2) == 0 && s2 == 0)
			return fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "pin-invalid", st,
			    "the authenticator refused the PIN (CTAP2_ERR_PIN_INVALID); %llu "
			    "attempts left before it blocks", (unsigned long long)left);
		return fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "pin-invalid", st,
		    "the authenticator refused the PIN (CTAP2_ERR_PIN_INVALID)");
	case ST_PIN_BLOCKED:
	case ST_PIN_AUTH_BLOCKED:
		return fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "pin-blocked", st,
		    "the authenticator's PIN is blocked (%s): %s", fsim_ctap_status_name(st),
		    st == ST_PIN_BLOCKED ? "only a reset can clear it" :
		    "unplug it and plug it in again before the next try");
	default:
		return fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "uv-token", st,
		    "the authenticator gave no pinUvAuthToken: %s (0x%02x)",
		    fsim_ctap_status_name(st), (unsigned)st);
	}
}

int
fsim_device_ceremony(fsim_device_t *d, const fsim_blob_t *req, fsim_device_auth_t *auth,
    uint8_t *status, fsim_blob_t *resp, fsim_client_error_t *err)
{
	const fsim_devinfo_t *info = fsim_device_info(d);
	cbor_item_t *m = NULL, *out = NULL;
	fsim_blob_t body = { NULL, 0 }, sent = { NULL, 0 };
	const uint8_t *cdh;
	size_t cdh_len, tlen = 0, plen = 0;
	uint8_t cmd, token[32], param[32], st = 0;
	int64_t opts_key, param_key;
	uint64_t proto;
	char *rp_id = NULL, pin_buf[128];
	const char *pin = NULL;
	bool mc, want, builtin, token_ok, pin_set, rk;
	int r = FSIM_ERR_ARG;

	fsim_client_err_clear(err);
	*status = 0xff;
	pin_buf[0] = '\0';
	if (auth != NULL)
		auth->method = "none";
	if (d == NULL || req == NULL || req->len < 2 || auth == NULL ||
	    (req->ptr[0] != 0x01 && req->ptr[0] != 0x02))
		return FSIM_ERR_ARG;
	cmd = req->ptr[0];
	mc = cmd == 0x01;
	opts_key = mc ? 7 : 5;
	param_key = mc ? 8 : 6;
	if (fsim_cbor_decode(req->ptr + 1, req->len - 1, &m, NULL) != 0 || !cbor_isa_map(m))
		goto out;
	if (fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, mc ? 1 : 2), &cdh, &cdh_len) != 0 ||
	    cdh_len != 32)
		goto out;
	if (mc) {
		const cbor_item_t *rp = fsim_cbor_map_get_int(m, 2);

		if (rp == NULL || !cbor_isa_map(rp) ||
		    fsim_cbor_get_text(fsim_cbor_map_get_str(rp, "id"), &rp_id) != 0)
			goto out;
	} else if (fsim_cbor_get_text(fsim_cbor_map_get_int(m, 1), &rp_id) != 0)
		goto out;
	builtin = fsim_devinfo_option(info, "uv") == 1;
	token_ok = fsim_devinfo_option(info, "pinUvAuthToken") == 1;
	pin_set = fsim_devinfo_option(info, "clientPin") == 1;
	rk = opt(fsim_cbor_map_get_int(m, opts_key), "rk") == 1;
	want = opt(fsim_cbor_map_get_int(m, opts_key), "uv") == 1 ||
	    fsim_devinfo_option(info, "alwaysUv") == 1;
	/* §6.1.2 steps 7-8: a device that can verify wants it for makeCredential
	 * unless makeCredUvNotRqd lets a non-discoverable credential go without. */
	if (mc && (builtin || pin_set) &&
	    (rk || fsim_devinfo_option(info, "makeCredUvNotRqd") != 1))
		want = true;
	proto = fsim_devinfo_pin_protocol(info);

	if (want && builtin && token_ok && proto != 0) {
		auth->method = "uv-token";
		if ((r = fsim_device_token(d, proto, NULL, mc ? FSIM_PERM_MAKE_CREDENTIAL :
		    FSIM_PERM_GET_ASSERTION, rp_id, token, &tlen, &st)) != 0 && r != FSIM_ERR_FORMAT)
			goto out;
		if (r != 0 || st != 0) {
			r = st != 0 ? fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "uv-token", st,
			    "user verification failed: the authenticator answered %s (0x%02x) to "
			    "getPinUvAuthTokenUsingUvWithPermissions", fsim_ctap_status_name(st),
			    (unsigned)st) : fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "uv-token",
			    -1, "the authenticator's pinUvAuthToken could not be read");
			goto out;
		}
	} else if (want && builtin) {
		auth->method = "uv-option";
		if ((out = with_uv(m, opts_key)) == NULL) {
			r = FSIM_ERR_NOMEM;
			goto out;
		}
	} else if (want && pin_set && proto != 0) {
		auth->method = "pin-token";
		if (auth->pin != NULL)
			pin = auth->pin;
		else if (auth->ask != NULL && auth->ask(auth->ask_ctx, pin_buf, sizeof(pin_buf)) == 0 &&
		    pin_buf[0] != '\0')
			pin = pin_buf;
		if (pin == NULL) {
			r = fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "pin-required", -1,
			    "the authenticator wants its PIN for this ceremony: give --pin PIN, "
			    "or run on a terminal to be asked");
			goto out;
		}
		if ((r = fsim_device_token(d, proto, pin, mc ? FSIM_PERM_MAKE_CREDENTIAL :
		    FSIM_PERM_GET_ASSERTION, rp_id, token, &tlen, &st)) != 0 && r != FSIM_ERR_FORMAT)
			goto out;
		if (r != 0 || st != 0) {
			r = st != 0 ? refuse_pin(d, st, err) : fsim_client_refuse(err,
			    FSIM_DOM_NOT_ALLOWED, "uv-token", -1, "the authenticator's "
			    "pinUvAuthToken could not be read");
			goto out;
		}
	}
	if (tlen > 0) {
		/* The token replaces the "uv" option (§6.1.2 step 5: they are exclusive). */
		if ((r = fsim_pinuv_authenticate(proto, token, tlen, cdh, 32, param, &plen)) != 0)
			goto out;
		r = FSIM_ERR_NOMEM;
		if ((out = strip_uv(m, opts_key)) == NULL ||
		    put(out, param_key, fsim_cbor_bytes(param, plen)) != 0 ||
		    put(out, param_key + 1, fsim_cbor_int((int64_t)proto)) != 0)
			goto out;
	}
	if (out != NULL) {
		if ((r = fsim_cbor_encode(out, &body)) != 0 || (r = fsim_blob_append(&sent, &cmd, 1)) != 0 ||
		    (r = fsim_blob_append(&sent, body.ptr, body.len)) != 0)
			goto out;
		r = fsim_device_cbor(d, sent.ptr, sent.len, status, resp, NULL);
	} else
		r = fsim_device_cbor(d, req->ptr, req->len, status, resp, NULL);
out:
	fsim_wipe(token, sizeof(token));
	fsim_wipe(param, sizeof(param));
	fsim_wipe(pin_buf, sizeof(pin_buf));
	if (m != NULL)
		cbor_decref(&m);
	if (out != NULL)
		cbor_decref(&out);
	fsim_blob_reset(&body);
	fsim_blob_reset(&sent);
	free(rp_id);
	return r;
}
