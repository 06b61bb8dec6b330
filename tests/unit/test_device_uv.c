/*
 * test_device_uv.c — user verification of a `--device` ceremony as a
 * browser gives it (platform/device_uv.c): which way for which getInfo
 * (CTAP 2.1 §6.1.2 steps 5-8, §6.2.2 steps 4-5), and the request the
 * platform client built, rewritten for it (the "uv" option added, or taken
 * out for a pinUvAuthParam and its protocol, canonical CBOR).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "platform/device.h"

/* A getInfo with these options ("name=1,other=0") and protocols. */
static void
info(const char *opts, bool protocols, fsim_devinfo_t *out)
{
	cbor_item_t *m = cbor_new_definite_map(3), *o = cbor_new_definite_map(8),
	    *v = cbor_new_definite_array(1), *p = cbor_new_definite_array(2);
	fsim_blob_t raw = { NULL, 0 };
	char buf[200], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		assert_non_null(eq);
		*eq = '\0';
		assert_int_equal(fsim_cbor_map_put(o, fsim_cbor_text(tok),
		    cbor_build_bool(eq[1] == '1')), 0);
	}
	assert_int_equal(fsim_cbor_array_push(v, fsim_cbor_text("FIDO_2_1")), 0);
	assert_int_equal(fsim_cbor_array_push(p, fsim_cbor_int(2)), 0);
	assert_int_equal(fsim_cbor_array_push(p, fsim_cbor_int(1)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), v), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(4), o), 0);
	if (protocols)
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(6), p), 0);
	else
		cbor_decref(&p);
	assert_int_equal(fsim_cbor_encode(m, &raw), 0);
	cbor_decref(&m);
	assert_int_equal(fsim_devinfo_parse(raw.ptr, raw.len, out, NULL), 0);
	fsim_blob_reset(&raw);
}

static void
method(void **state)
{
	fsim_devinfo_t i;

	(void)state;
	/* Built-in UV with pinUvAuthToken: a token whenever UV is wanted. */
	info("rk=1,uv=1,pinUvAuthToken=1,makeCredUvNotRqd=1", true, &i);
	assert_int_equal(fsim_device_uv_method(&i, true, true, false), FSIM_UVM_UV_TOKEN);
	assert_int_equal(fsim_device_uv_method(&i, false, true, false), FSIM_UVM_UV_TOKEN);
	assert_int_equal(fsim_device_uv_method(&i, false, false, false), FSIM_UVM_NONE);
	/* makeCredUvNotRqd: a non-discoverable credential without UV, not a discoverable one. */
	assert_int_equal(fsim_device_uv_method(&i, true, false, false), FSIM_UVM_NONE);
	assert_int_equal(fsim_device_uv_method(&i, true, false, true), FSIM_UVM_UV_TOKEN);
	/* No makeCredUvNotRqd: every makeCredential of a device that can verify. */
	info("rk=1,uv=1,pinUvAuthToken=1", true, &i);
	assert_int_equal(fsim_device_uv_method(&i, true, false, false), FSIM_UVM_UV_TOKEN);
	assert_int_equal(fsim_device_uv_method(&i, false, false, false), FSIM_UVM_NONE);
	/* Built-in UV without tokens: the CTAP 2.0 option. */
	info("uv=1", false, &i);
	assert_int_equal(fsim_device_uv_method(&i, false, true, false), FSIM_UVM_UV_OPTION);
	/* A PIN: a token from it. */
	info("clientPin=1,pinUvAuthToken=1", true, &i);
	assert_int_equal(fsim_device_uv_method(&i, false, true, false), FSIM_UVM_PIN_TOKEN);
	assert_int_equal(fsim_device_uv_method(&i, true, false, false), FSIM_UVM_PIN_TOKEN);
	/* A PIN that is not set, no built-in UV: nothing to verify with. */
	info("clientPin=0,uv=0", true, &i);
	assert_int_equal(fsim_device_uv_method(&i, true, true, false), FSIM_UVM_NONE);
	/* alwaysUv: wanted even when not asked. */
	info("uv=1,pinUvAuthToken=1,alwaysUv=1,makeCredUvNotRqd=1", true, &i);
	assert_int_equal(fsim_device_uv_method(&i, false, false, false), FSIM_UVM_UV_TOKEN);
}

static const uint8_t cdh[32] = { 0xcd, 0x11 };

/* A makeCredential (mc) or getAssertion request with these options. */
static void
request(bool mc, int rk, int uv, fsim_blob_t *out)
{
	static const uint8_t uid[2] = { 1, 2 };
	cbor_item_t *m = cbor_new_definite_map(5), *o = cbor_new_definite_map(2);
	fsim_blob_t body = { NULL, 0 };
	uint8_t cmd = mc ? 0x01 : 0x02;

	if (mc) {
		cbor_item_t *rp = cbor_new_definite_map(1), *user = cbor_new_definite_map(1),
		    *params = cbor_new_definite_array(0);

		assert_int_equal(fsim_cbor_map_put(rp, fsim_cbor_text("id"), fsim_cbor_text("rp.example")), 0);
		assert_int_equal(fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(uid, 2)), 0);
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_bytes(cdh, 32)), 0);
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(2), rp), 0);
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(3), user), 0);
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(4), params), 0);
	} else {
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_text("rp.example")), 0);
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_bytes(cdh, 32)), 0);
	}
	if (rk >= 0)
		assert_int_equal(fsim_cbor_map_put(o, fsim_cbor_text("rk"), cbor_build_bool(rk)), 0);
	if (uv >= 0)
		assert_int_equal(fsim_cbor_map_put(o, fsim_cbor_text("uv"), cbor_build_bool(uv)), 0);
	if (cbor_map_size(o) > 0)
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(mc ? 7 : 5), o), 0);
	else
		cbor_decref(&o);
	assert_int_equal(fsim_cbor_encode(m, &body), 0);
	cbor_decref(&m);
	memset(out, 0, sizeof(*out));
	assert_int_equal(fsim_blob_append(out, &cmd, 1), 0);
	assert_int_equal(fsim_blob_append(out, body.ptr, body.len), 0);
	fsim_blob_reset(&body);
}

/* The map of a rewritten request (caller decrefs). */
static cbor_item_t *
map_of(const fsim_blob_t *req)
{
	cbor_item_t *m = NULL;

	assert_true(fsim_cbor_is_canonical(req->ptr + 1, req->len - 1));
	assert_int_equal(fsim_cbor_decode(req->ptr + 1, req->len - 1, &m, NULL), 0);
	return m;
}

static void
rewrite_token(void **state)
{
	static const uint8_t token[32] = { 0x70, 0x6b };
	fsim_blob_t req, out = { NULL, 0 };
	cbor_item_t *m, *o;
	uint8_t mac[32];
	const uint8_t *p;
	size_t n, ml;

	(void)state;
	/* makeCredential {rk, uv}: uv out, rk kept, 8 = authenticate(token, cdh), 9 = 2. */
	request(true, 1, 1, &req);
	assert_int_equal(fsim_device_rewrite(req.ptr, req.len, FSIM_UVM_UV_TOKEN, token, 32, 2, &out), 0);
	assert_int_equal(out.ptr[0], 0x01);
	m = map_of(&out);
	o = fsim_cbor_map_get_int(m, 7);
	assert_non_null(o);
	assert_null(fsim_cbor_map_get_str(o, "uv"));
	assert_non_null(fsim_cbor_map_get_str(o, "rk"));
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 8), &p, &n), 0);
	assert_int_equal(fsim_pinuv_authenticate(2, token, 32, cdh, 32, mac, &ml), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(p, mac, 32);
	assert_int_equal(cbor_get_int(fsim_cbor_map_get_int(m, 9)), 2);
	cbor_decref(&m);
	fsim_blob_reset(&out);
	fsim_blob_reset(&req);
	/* getAssertion {uv}: no options left; 6 and 7; protocol one's 16 bytes. */
	request(false, -1, 1, &req);
	assert_int_equal(fsim_device_rewrite(req.ptr, req.len, FSIM_UVM_PIN_TOKEN, token, 16, 1, &out), 0);
	m = map_of(&out);
	assert_null(fsim_cbor_map_get_int(m, 5));
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 6), &p, &n), 0);
	assert_int_equal(n, 16);
	assert_int_equal(cbor_get_int(fsim_cbor_map_get_int(m, 7)), 1);
	cbor_decref(&m);
	fsim_blob_reset(&out);
	/* A token method without a token is refused. */
	assert_int_equal(fsim_device_rewrite(req.ptr, req.len, FSIM_UVM_UV_TOKEN, NULL, 0, 2, &out),
	    FSIM_ERR_ARG);
	assert_null(out.ptr);
	fsim_blob_reset(&req);
}

static void
rewrite_option_and_none(void **state)
{
	fsim_blob_t req, out = { NULL, 0 };
	cbor_item_t *m, *o;

	(void)state;
	/* No options at all: options {"uv": true}. */
	request(false, -1, -1, &req);
	assert_int_equal(fsim_device_rewrite(req.ptr, req.len, FSIM_UVM_UV_OPTION, NULL, 0, 0, &out), 0);
	m = map_of(&out);
	o = fsim_cbor_map_get_int(m, 5);
	assert_non_null(o);
	assert_true(cbor_get_bool(fsim_cbor_map_get_str(o, "uv")));
	assert_null(fsim_cbor_map_get_int(m, 6));
	cbor_decref(&m);
	fsim_blob_reset(&out);
	fsim_blob_reset(&req);
	/* rk kept beside the added uv. */
	request(true, 1, -1, &req);
	assert_int_equal(fsim_device_rewrite(req.ptr, req.len, FSIM_UVM_UV_OPTION, NULL, 0, 0, &out), 0);
	m = map_of(&out);
	o = fsim_cbor_map_get_int(m, 7);
	assert_int_equal(cbor_map_size(o), 2);
	cbor_decref(&m);
	fsim_blob_reset(&out);
	/* NONE: the very bytes. */
	assert_int_equal(fsim_device_rewrite(req.ptr, req.len, FSIM_UVM_NONE, NULL, 0, 0, &out), 0);
	assert_int_equal(out.len, req.len);
	assert_memory_equal(out.ptr, req.ptr, req.len);
	fsim_blob_reset(&out);
	/* Not a ceremony request. */
	req.ptr[0] = 0x04;
	assert_int_equal(fsim_device_rewrite(req.ptr, req.len, FSIM_UVM_UV_OPTION, NULL, 0, 0, &out),
	    FSIM_ERR_ARG);
	fsim_blob_reset(&req);
}

static void
request_facts(void **state)
{
	static const uint8_t junk[] = { 0x01, 0xff };
	fsim_blob_t req;
	char *rp = NULL;
	bool mc, uv, rk;

	(void)state;
	request(true, 1, 0, &req);
	assert_int_equal(fsim_device_request_info(req.ptr, req.len, &mc, &rp, &uv, &rk), 0);
	assert_true(mc);
	assert_false(uv);
	assert_true(rk);
	assert_string_equal(rp, "rp.example");
	free(rp);
	fsim_blob_reset(&req);
	request(false, -1, 1, &req);
	assert_int_equal(fsim_device_request_info(req.ptr, req.len, &mc, &rp, &uv, &rk), 0);
	assert_false(mc);
	assert_true(uv);
	assert_string_equal(rp, "rp.example");
	free(rp);
	fsim_blob_reset(&req);
	assert_int_equal(fsim_device_request_info(junk, sizeof(junk), &mc, &rp, &uv, &rk),
	    FSIM_ERR_ARG);
	assert_null(rp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(method),
		cmocka_unit_test(rewrite_token),
		cmocka_unit_test(rewrite_option_and_none),
		cmocka_unit_test(request_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
