/*
 * client_fixture.h — shared by test_client.c and test_client_resp.c: options
 * from JSON, CTAP requests decoded and checked canonical, small encoders.
 */
#ifndef CLIENT_FIXTURE_H
#define CLIENT_FIXTURE_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "platform/client.h"

#define FIXTURE_UNUSED __attribute__((unused))
#define CHAL "AAECAwQFBgcICQoLDA0ODw"   /* bytes 0..15 */
#define UID "dXNlci0x"                  /* "user-1" */

static FIXTURE_UNUSED json_t *
load(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, &e);

	if (j == NULL)
		fail_msg("test JSON does not parse: %s: %s", e.text, s);
	return j;
}

/* Creation options from a JSON document. */
static FIXTURE_UNUSED fsim_creation_options_t *
copts(const char *s)
{
	fsim_creation_options_t *o = NULL;
	json_t *j = load(s);

	assert_int_equal(fsim_creation_options_parse(j, &o, NULL), 0);
	json_decref(j);
	return o;
}

static FIXTURE_UNUSED fsim_request_options_t *
ropts(const char *s)
{
	fsim_request_options_t *o = NULL;
	json_t *j = load(s);

	assert_int_equal(fsim_request_options_parse(j, &o, NULL), 0);
	json_decref(j);
	return o;
}

/* A minimal creation options document with extra members spliced in. */
static FIXTURE_UNUSED fsim_creation_options_t *
copts_with(const char *rp, const char *extra)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "{\"rp\":{%s\"name\":\"Example\"},"
	    "\"user\":{\"id\":\"" UID "\",\"name\":\"alice\",\"displayName\":"
	    "\"Alice\"},\"challenge\":\"" CHAL "\",\"pubKeyCredParams\":"
	    "[{\"type\":\"public-key\",\"alg\":-7}]%s%s}", rp,
	    extra[0] ? "," : "", extra);
	return copts(buf);
}

/* Decode "cmd | CBOR" and check it is canonical. */
static FIXTURE_UNUSED cbor_item_t *
decode_req(const fsim_blob_t *req, uint8_t cmd)
{
	cbor_item_t *m = NULL;

	assert_true(req->len > 1);
	assert_int_equal(req->ptr[0], cmd);
	assert_true(fsim_cbor_is_canonical(req->ptr + 1, req->len - 1));
	assert_int_equal(fsim_cbor_decode(req->ptr + 1, req->len - 1, &m, NULL), 0);
	assert_true(cbor_isa_map(m));
	return m;
}

static FIXTURE_UNUSED bool
map_bool(const cbor_item_t *m, const char *key)
{
	const cbor_item_t *v = m != NULL ? fsim_cbor_map_get_str(m, key) : NULL;

	return v != NULL && cbor_isa_float_ctrl(v) && cbor_float_ctrl_is_ctrl(v) &&
	    cbor_get_bool(v);
}

static FIXTURE_UNUSED char *
b64(const uint8_t *p, size_t n)
{
	char *s = NULL;

	assert_int_equal(fsim_b64url_encode(p, n, &s), 0);
	return s;
}

static FIXTURE_UNUSED char *
dump(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	assert_non_null(s);
	return s;
}

/* Run a creation request; returns the request map (cer filled). */
static FIXTURE_UNUSED cbor_item_t *
mc_req(const fsim_creation_options_t *o, const char *origin, bool uv, bool rk,
    fsim_client_ceremony_t *cer)
{
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 };
	cbor_item_t *m;

	assert_int_equal(fsim_client_make_credential_request(o, origin, uv, rk, cer,
	    &req, &err), 0);
	assert_null(err.name);
	m = decode_req(&req, 0x01);
	fsim_blob_reset(&req);
	return m;
}

#endif /* !CLIENT_FIXTURE_H */
