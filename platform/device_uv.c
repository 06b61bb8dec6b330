/*
 * device_uv.c — ceremonies on a real authenticator with user verification
 * as a browser does it (see platform/device.h): when the authenticator
 * wants UV (CTAP 2.1 §6.1.2 steps 5-8, §6.2.2 steps 4-5), how to give it
 * (a token from built-in UV, the "uv" option, a token from the PIN), and
 * the request the platform client built, rewritten to carry it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/device.h"
#include "platform/internal.h"

#define ST_PIN_INVALID 0x31
#define ST_PIN_BLOCKED 0x32
#define ST_PIN_AUTH_BLOCKED 0x34

/* A boolean in an options map: 1, 0, or -1 when absent or not a boolean. */
static int
opt(const cbor_item_t *opts, const char *name)
{
	const cbor_item_t *v = opts != NULL ? fsim_cbor_map_get_str(opts, name) : NULL;

	if (v == NULL || !cbor_isa_float_ctrl(v) || !cbor_is_bool(v))
		return -1;
	return cbor_get_bool(v) ? 1 : 0;
}

int
fsim_device_request_info(const uint8_t *req, size_t len, bool *mc, char **rp_id, bool *uv,
    bool *rk)
{
	cbor_item_t *m = NULL;
	const cbor_item_t *o;
	int r = FSIM_ERR_ARG;

	*rp_id = NULL;
	*mc = *uv = *rk = false;
	if (req == NULL || len < 2 || (req[0] != 0x01 && req[0] != 0x02))
		return FSIM_ERR_ARG;
	*mc = req[0] == 0x01;
	if (fsim_cbor_decode(req + 1, len - 1, &m, NULL) != 0 || !cbor_isa_map(m))
		goto out;
	if (*mc) {
		const cbor_item_t *rp = fsim_cbor_map_get_int(m, 2);

		if (rp == NULL || !cbor_isa_map(rp) ||
		    fsim_cbor_get_text(fsim_cbor_map_get_str(rp, "id"), rp_id) != 0)
			goto out;
	} else if (fsim_cbor_get_text(fsim_cbor_map_get_int(m, 1), rp_id) != 0)
		goto out;
	o = fsim_cbor_map_get_int(m, *mc ? 7 : 5);
	*uv = opt(o, "uv") == 1;
	*rk = opt(o, "rk") == 1;
	r = 0;
out:
	if (m != NULL)
		cbor_decref(&m);
	if (r != 0) {
		free(*rp_id);
		*rp_id = NULL;
	}
	return r;
}

fsim_uv_method_t
fsim_device_uv_method(const fsim_devinfo_t *info, bool mc, bool uv_asked, bool rk)
{
	bool builtin = fsim_devinfo_option(info, "uv") == 1;
	bool token_ok = fsim_devinfo_option(info, "pinUvAuthToken") == 1;
	bool pin_set = fsim_devinfo_option(info, "clientPin") == 1;
	bool proto = fsim_devinfo_pin_protocol(info) != 0;
	bool want = uv_asked || fsim_devinfo_option(info, "alwaysUv") == 1;

	/* §6.1.2 steps 7-8: a device that can verify wants it for makeCredential,
	 * unless makeCredUvNotRqd lets a non-discoverable credential go without. */
	if (mc && (builtin || pin_set) &&
	    (rk || fsim_devinfo_option(info, "makeCredUvNotRqd") != 1))
		want = true;
	if (!want)
		return FSIM_UVM_NONE;
	if (builtin && token_ok && proto)
		return FSIM_UVM_UV_TOKEN;
	if (builtin)
		return FSIM_UVM_UV_OPTION;
	if (pin_set && proto)
		return FSIM_UVM_PIN_TOKEN;
	/* No way to verify: the request goes as built, and the device answers it. */
	return FSIM_UVM_NONE;
}

/* A copy of the options map without "uv", or NULL when nothing would be left. */
static cbor_item_t *
options_without_uv(const cbor_item_t *o, bool add_uv)
{
	cbor_item_t *n = cbor_new_definite_map(cbor_map_size(o) + 1);
	struct cbor_pair *q = cbor_map_handle(o);
	size_t j;

	if (n == NULL)
		return NULL;
	for (j = 0; j < cbor_map_size(o); j++) {
		if (cbor_isa_string(q[j].key) && cbor_string_length(q[j].key) == 2 &&
		    memcmp(cbor_string_handle(q[j].key), "uv", 2) == 0)
			continue;
		if (fsim_cbor_map_put(n, cbor_incref(q[j].key), cbor_incref(q[j].value)) != 0)
			goto fail;
	}
	if (add_uv && fsim_cbor_map_put(n, fsim_cbor_text("uv"), cbor_build_bool(true)) != 0)
		goto fail;
	return n;
fail:
	cbor_decref(&n);
	return NULL;
}

int
fsim_device_rewrite(const uint8_t *req, size_t len, fsim_uv_method_t method,
    const uint8_t *token, size_t tlen, uint64_t proto, fsim_blob_t *out)
{
	cbor_item_t *m = NULL, *n = NULL, *o = NULL;
	fsim_blob_t body = { NULL, 0 };
	const cbor_item_t *opts;
	struct cbor_pair *p;
	const uint8_t *cdh;
	uint8_t param[32];
	size_t i, cdh_len, plen = 0;
	int64_t opts_key, param_key;
	bool mc, token_method = method == FSIM_UVM_UV_TOKEN || method == FSIM_UVM_PIN_TOKEN;
	int r = FSIM_ERR_ARG;

	fsim_blob_reset(out);
	if (req == NULL || len < 2 || (req[0] != 0x01 && req[0] != 0x02) ||
	    (token_method && (token == NULL || tlen == 0)))
		return FSIM_ERR_ARG;
	if (method == FSIM_UVM_NONE)
		return fsim_blob_set(out, req, len);
	mc = req[0] == 0x01;
	opts_key = mc ? 7 : 5;
	param_key = mc ? 8 : 6;
	if (fsim_cbor_decode(req + 1, len - 1, &m, NULL) != 0 || !cbor_isa_map(m) ||
	    fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, mc ? 1 : 2), &cdh, &cdh_len) != 0 ||
	    cdh_len != 32)
		goto out;
	if (token_method &&
	    (r = fsim_pinuv_authenticate(proto, token, tlen, cdh, 32, param, &plen)) != 0)
		goto out;
	r = FSIM_ERR_NOMEM;
	if ((n = cbor_new_definite_map(cbor_map_size(m) + 3)) == NULL)
		goto out;
	/* Every member but options, pinUvAuthParam and pinUvAuthProtocol, as they were. */
	p = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m); i++) {
		int64_t k;

		if (fsim_cbor_get_int(p[i].key, &k) == 0 &&
		    (k == opts_key || k == param_key || k == param_key + 1))
			continue;
		if (fsim_cbor_map_put(n, cbor_incref(p[i].key), cbor_incref(p[i].value)) != 0)
			goto out;
	}
	/* The options: "uv" true for the CTAP 2.0 way, out for a token (§6.1.2 step 5:
	 * pinUvAuthParam and the "uv" option are exclusive). */
	opts = fsim_cbor_map_get_int(m, opts_key);
	if (opts != NULL && cbor_isa_map(opts))
		o = options_without_uv(opts, method == FSIM_UVM_UV_OPTION);
	else if (method == FSIM_UVM_UV_OPTION) {
		o = cbor_new_definite_map(1);
		if (o != NULL && fsim_cbor_map_put(o, fsim_cbor_text("uv"), cbor_build_bool(true)) != 0)
			cbor_decref(&o);
	}
	if ((opts != NULL || method == FSIM_UVM_UV_OPTION) && o == NULL)
		goto out;
	if (o != NULL && cbor_map_size(o) > 0) {
		r = fsim_cbor_map_put(n, fsim_cbor_int(opts_key), o);
		o = NULL;
		if (r != 0)
			goto out;
	}
	r = FSIM_ERR_NOMEM;
	if (token_method &&
	    (fsim_cbor_map_put(n, fsim_cbor_int(param_key), fsim_cbor_bytes(param, plen)) != 0 ||
	    fsim_cbor_map_put(n, fsim_cbor_int(param_key + 1), fsim_cbor_int((int64_t)proto)) != 0))
		goto out;
	if ((r = fsim_cbor_encode(n, &body)) != 0 || (r = fsim_blob_append(out, req, 1)) != 0 ||
	    (r = fsim_blob_append(out, body.ptr, body.len)) != 0)
		goto out;
	r = 0;
out:
	if (r != 0)
		fsim_blob_reset(out);
	fsim_wipe(param, sizeof(param));
	if (o != NULL)
		cbor_decref(&o);
	if (n != NULL)
		cbor_decref(&n);
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&body);
	return r;
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
	const fsim_devinfo_t *info;
	fsim_blob_t sent = { NULL, 0 };
	fsim_uv_method_t method;
	uint8_t token[32], st = 0;
	size_t tlen = 0;
	uint64_t proto;
	char *rp_id = NULL, pin_buf[128];
	const char *pin = NULL;
	bool mc, uv, rk;
	int r;

	fsim_client_err_clear(err);
	*status = 0xff;
	pin_buf[0] = '\0';
	if (d == NULL || req == NULL || auth == NULL)
		return FSIM_ERR_ARG;
	auth->method = "none";
	if ((r = fsim_device_request_info(req->ptr, req->len, &mc, &rp_id, &uv, &rk)) != 0)
		return r;
	info = fsim_device_info(d);
	proto = fsim_devinfo_pin_protocol(info);
	method = fsim_device_uv_method(info, mc, uv, rk);
	if (method == FSIM_UVM_UV_TOKEN) {
		auth->method = "uv-token";
		r = fsim_device_token(d, proto, NULL, mc ? FSIM_PERM_MAKE_CREDENTIAL :
		    FSIM_PERM_GET_ASSERTION, rp_id, token, &tlen, &st);
		if (r != 0 && r != FSIM_ERR_FORMAT)
			goto out;
		if (r != 0 || st != 0) {
			r = st != 0 ? fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "uv-token", st,
			    "user verification failed: the authenticator answered %s (0x%02x) to "
			    "getPinUvAuthTokenUsingUvWithPermissions", fsim_ctap_status_name(st),
			    (unsigned)st) : fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "uv-token",
			    -1, "the authenticator's pinUvAuthToken could not be read");
			goto out;
		}
	} else if (method == FSIM_UVM_PIN_TOKEN) {
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
		r = fsim_device_token(d, proto, pin, mc ? FSIM_PERM_MAKE_CREDENTIAL :
		    FSIM_PERM_GET_ASSERTION, rp_id, token, &tlen, &st);
		if (r != 0 && r != FSIM_ERR_FORMAT)
			goto out;
		if (r != 0 || st != 0) {
			r = st != 0 ? refuse_pin(d, st, err) : fsim_client_refuse(err,
			    FSIM_DOM_NOT_ALLOWED, "uv-token", -1, "the authenticator's "
			    "pinUvAuthToken could not be read");
			goto out;
		}
	} else if (method == FSIM_UVM_UV_OPTION)
		auth->method = "uv-option";
	if ((r = fsim_device_rewrite(req->ptr, req->len, method, token, tlen, proto, &sent)) != 0)
		goto out;
	r = fsim_device_cbor(d, sent.ptr, sent.len, status, resp, NULL);
out:
	fsim_wipe(token, sizeof(token));
	fsim_wipe(pin_buf, sizeof(pin_buf));
	fsim_blob_reset(&sent);
	free(rp_id);
	return r;
}
