/*
 * test_client.c — the WebAuthn L3 reference client (platform/client.h),
 * request side: the checks on options (origin and RP ID, user.id, UV and
 * resident-key rules), clientDataJSON, the CTAP2 requests byte for byte
 * and member by member (canonical CBOR), extension inputs, the error JSON
 * of the contract, and the ceremony's lifecycle. The response side is in
 * test_client_resp.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client_fixture.h"

/* Expect a refusal of a creation request. */
static void
mc_refused(const fsim_creation_options_t *o, const char *origin, bool uv, bool rk,
    const char *name, const char *rule)
{
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 };

	memset(&cer, 0, sizeof(cer));
	assert_int_equal(fsim_client_make_credential_request(o, origin, uv, rk, &cer,
	    &req, &err), FSIM_ERR_ARG);
	assert_non_null(err.name);
	assert_string_equal(err.name, name);
	assert_string_equal(err.rule, rule);
	assert_int_equal(err.ctap_status, -1);
	assert_true(strlen(err.message) > 10);
	assert_null(req.ptr);
	assert_null(cer.client_data_json.ptr);
	assert_null(cer.rp_id);
}

/* ---- creation requests ---- */

static void
test_mc_request_members(void **state)
{
	fsim_creation_options_t *o = copts_with("\"id\":\"example.com\",",
	    "\"excludeCredentials\":[{\"type\":\"public-key\",\"id\":\"AQID\"}]");
	static const char cdj[] = "{\"type\":\"webauthn.create\",\"challenge\":\""
	    CHAL "\",\"origin\":\"https://example.com\",\"crossOrigin\":false}";
	fsim_client_ceremony_t cer;
	cbor_item_t *m, *v, *e;
	const uint8_t *p;
	uint8_t h[32];
	unsigned hl;
	size_t n;
	char *s;

	(void)state;
	memset(&cer, 0, sizeof(cer));
	m = mc_req(o, NULL, true, true, &cer);
	/* clientDataJSON as §5.8.1.1 serializes it, and its hash in 1. */
	assert_int_equal(cer.client_data_json.len, strlen(cdj));
	assert_memory_equal(cer.client_data_json.ptr, cdj, strlen(cdj));
	assert_int_equal(EVP_Digest(cdj, strlen(cdj), h, &hl, EVP_sha256(), NULL), 1);
	assert_memory_equal(cer.client_data_hash, h, 32);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 1), &p, &n), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(p, h, 32);
	assert_string_equal(cer.rp_id, "example.com");
	assert_string_equal(cer.attestation, "none");
	assert_string_equal(cer.user_verification, "preferred");
	/* 2 rp {id, name} */
	v = fsim_cbor_map_get_int(m, 2);
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_str(v, "id"), &s), 0);
	assert_string_equal(s, "example.com");
	free(s);
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_str(v, "name"), &s), 0);
	assert_string_equal(s, "Example");
	free(s);
	/* 3 user {id, name, displayName} */
	v = fsim_cbor_map_get_int(m, 3);
	assert_int_equal(cbor_map_size(v), 3);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(v, "id"), &p, &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(p, "user-1", 6);
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_str(v, "displayName"),
	    &s), 0);
	assert_string_equal(s, "Alice");
	free(s);
	/* 5 excludeList [{id, type}] */
	v = fsim_cbor_map_get_int(m, 5);
	assert_non_null(v);
	assert_int_equal(cbor_array_size(v), 1);
	e = cbor_array_get(v, 0);
	assert_int_equal(cbor_map_size(e), 2);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(e, "id"), &p, &n), 0);
	assert_int_equal(n, 3);
	cbor_decref(&e);
	/* no extensions; options: uv (preferred, capable), no rk (discouraged) */
	assert_null(fsim_cbor_map_get_int(m, 6));
	v = fsim_cbor_map_get_int(m, 7);
	assert_true(map_bool(v, "uv"));
	assert_null(fsim_cbor_map_get_str(v, "rk"));
	assert_null(fsim_cbor_map_get_str(v, "up"));
	cbor_decref(&m);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);
}

/* pubKeyCredParams in the RP's order; an empty list is ES256, RS256 (§5.1.3). */
static void
test_mc_request_algs(void **state)
{
	fsim_creation_options_t *o = copts("{\"rp\":{\"id\":\"example.com\","
	    "\"name\":\"x\"},\"user\":{\"id\":\"" UID "\",\"name\":\"a\","
	    "\"displayName\":\"A\"},\"challenge\":\"" CHAL "\","
	    "\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-8},"
	    "{\"type\":\"other\",\"alg\":-36},{\"type\":\"public-key\",\"alg\":-7},"
	    "{\"type\":\"public-key\",\"alg\":-999}]}");
	static const int64_t want1[] = { -8, -7, -999 }, want2[] = { -7, -257 };
	fsim_client_ceremony_t cer;
	cbor_item_t *m, *a, *e;
	int64_t alg;
	size_t i;
	char *t;

	(void)state;
	memset(&cer, 0, sizeof(cer));
	m = mc_req(o, NULL, true, true, &cer);
	a = fsim_cbor_map_get_int(m, 4);
	assert_int_equal(cbor_array_size(a), 3);
	for (i = 0; i < 3; i++) {
		e = cbor_array_get(a, i);
		assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(e, "alg"),
		    &alg), 0);
		assert_int_equal(alg, want1[i]);
		assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_str(e, "type"),
		    &t), 0);
		assert_string_equal(t, "public-key");
		free(t);
		cbor_decref(&e);
	}
	cbor_decref(&m);
	fsim_creation_options_free(&o);
	fsim_client_ceremony_reset(&cer);

	o = copts("{\"rp\":{\"id\":\"example.com\",\"name\":\"x\"},\"user\":"
	    "{\"id\":\"" UID "\",\"name\":\"a\",\"displayName\":\"A\"},"
	    "\"challenge\":\"" CHAL "\",\"pubKeyCredParams\":[]}");
	m = mc_req(o, NULL, true, true, &cer);
	a = fsim_cbor_map_get_int(m, 4);
	assert_int_equal(cbor_array_size(a), 2);
	for (i = 0; i < 2; i++) {
		e = cbor_array_get(a, i);
		assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(e, "alg"),
		    &alg), 0);
		assert_int_equal(alg, want2[i]);
		cbor_decref(&e);
	}
	cbor_decref(&m);
	fsim_creation_options_free(&o);
	fsim_client_ceremony_reset(&cer);
}

/* The options map for one (residentKey, userVerification, capabilities). */
static void
check_mc_opts(const char *rk, const char *uv, bool uv_cap, bool rk_cap,
    bool want_rk, bool want_uv)
{
	char sel[256];
	fsim_creation_options_t *o;
	fsim_client_ceremony_t cer;
	cbor_item_t *m, *opt;

	snprintf(sel, sizeof(sel), "\"authenticatorSelection\":{\"residentKey\":"
	    "\"%s\",\"userVerification\":\"%s\"}", rk, uv);
	o = copts_with("\"id\":\"example.com\",", sel);
	memset(&cer, 0, sizeof(cer));
	m = mc_req(o, NULL, uv_cap, rk_cap, &cer);
	opt = fsim_cbor_map_get_int(m, 7);
	if (!want_rk && !want_uv)
		assert_null(opt);
	assert_int_equal(map_bool(opt, "rk"), want_rk);
	assert_int_equal(map_bool(opt, "uv"), want_uv);
	assert_int_equal(cer.rk_requested, want_rk);
	cbor_decref(&m);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);
}

static void
test_mc_request_option_rules(void **state)
{
	fsim_creation_options_t *o;

	(void)state;
	check_mc_opts("required", "required", true, true, true, true);
	check_mc_opts("preferred", "preferred", true, true, true, true);
	check_mc_opts("preferred", "preferred", false, false, false, false);
	check_mc_opts("discouraged", "discouraged", true, true, false, false);
	check_mc_opts("required", "discouraged", false, true, true, false);
	check_mc_opts("bogus", "bogus", true, true, false, false);
	/* requireResidentKey (legacy) without residentKey means required. */
	o = copts_with("\"id\":\"example.com\",", "\"authenticatorSelection\":"
	    "{\"requireResidentKey\":true}");
	mc_refused(o, NULL, true, false, "NotAllowedError", "rk-unavailable");
	fsim_creation_options_free(&o);
	/* UV required of an authenticator without UV: uv goes out; the authenticator refuses. */
	check_mc_opts("discouraged", "required", false, true, false, true);
}

static void
test_mc_request_origin_rules(void **state)
{
	fsim_creation_options_t *o;
	fsim_client_ceremony_t cer;
	cbor_item_t *m;
	static const char *const bad_origins[][2] = {
		{ "https://evil.com", "rp-id-origin" },
		{ "https://notexample.com", "rp-id-origin" },
		{ "http://example.com", "insecure-origin" },
		{ "ftp://example.com", "insecure-origin" },
		{ "https://example.com/", "origin-syntax" },
		{ "https://example.com:99999", "origin-syntax" },
		{ "example.com", "origin-syntax" },
		{ "https://1.2.3.4", "origin-domain" },
		{ "https://[::1]", "origin-domain" },
		{ "https://exa_mple.com", "origin-domain" },
	};
	size_t i;

	(void)state;
	memset(&cer, 0, sizeof(cer));
	/* A registrable subdomain of the RP ID, with a port. */
	o = copts_with("\"id\":\"example.com\",", "");
	m = mc_req(o, "https://login.example.com:8443", true, true, &cer);
	assert_string_equal(cer.rp_id, "example.com");
	assert_non_null(strstr((const char *)cer.client_data_json.ptr,
	    "\"origin\":\"https://login.example.com:8443\""));
	cbor_decref(&m);
	fsim_client_ceremony_reset(&cer);
	for (i = 0; i < sizeof(bad_origins) / sizeof(bad_origins[0]); i++)
		mc_refused(o, bad_origins[i][0], true, true, "SecurityError",
		    bad_origins[i][1]);
	fsim_creation_options_free(&o);

	/* rp.id absent: the origin's host. */
	o = copts_with("", "");
	m = mc_req(o, "https://www.example.org", true, true, &cer);
	assert_string_equal(cer.rp_id, "www.example.org");
	cbor_decref(&m);
	fsim_client_ceremony_reset(&cer);
	/* ... and with no origin either, nothing to go on. */
	mc_refused(o, NULL, true, true, "TypeError", "rp-id-origin");
	fsim_creation_options_free(&o);

	/* http is a secure context on localhost only. */
	o = copts_with("\"id\":\"localhost\",", "");
	m = mc_req(o, "http://localhost:8080", true, true, &cer);
	cbor_decref(&m);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);

	/* A public suffix is no RP ID. */
	o = copts_with("\"id\":\"com\",", "");
	mc_refused(o, "https://example.com", true, true, "SecurityError",
	    "rp-id-origin");
	fsim_creation_options_free(&o);
	o = copts_with("\"id\":\"co.uk\",", "");
	mc_refused(o, "https://shop.co.uk", true, true, "SecurityError",
	    "rp-id-origin");
	fsim_creation_options_free(&o);
}

/* user.id of 0 or 65 bytes: TypeError (§5.4.3), whatever built the options. */
static void
test_mc_request_user_id(void **state)
{
	fsim_creation_options_t *o = copts_with("\"id\":\"example.com\",", "");
	uint8_t big[65];

	(void)state;
	memset(big, 'u', sizeof(big));
	fsim_blob_reset(&o->user_id);
	mc_refused(o, NULL, true, true, "TypeError", "user-id-length");
	assert_int_equal(fsim_blob_set(&o->user_id, big, 65), 0);
	mc_refused(o, NULL, true, true, "TypeError", "user-id-length");
	fsim_blob_reset(&o->user_id);
	assert_int_equal(fsim_blob_set(&o->user_id, big, 64), 0);
	{
		fsim_client_ceremony_t cer;
		cbor_item_t *m;

		memset(&cer, 0, sizeof(cer));
		m = mc_req(o, NULL, true, true, &cer);
		cbor_decref(&m);
		fsim_client_ceremony_reset(&cer);
	}
	fsim_creation_options_free(&o);
}

static void
test_mc_request_extensions(void **state)
{
	fsim_creation_options_t *o = copts_with("\"id\":\"example.com\",",
	    "\"extensions\":{\"credProps\":true,\"credentialProtectionPolicy\":"
	    "\"userVerificationOptionalWithCredentialIDList\",\"credBlob\":\"AQID\","
	    "\"hmacCreateSecret\":true,\"unknownExt\":1}");
	fsim_client_ceremony_t cer;
	cbor_item_t *m, *x;
	const uint8_t *p;
	size_t n;
	int64_t lvl;

	(void)state;
	memset(&cer, 0, sizeof(cer));
	m = mc_req(o, NULL, true, true, &cer);
	x = fsim_cbor_map_get_int(m, 6);
	assert_non_null(x);
	assert_int_equal(cbor_map_size(x), 3);
	assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(x, "credProtect"),
	    &lvl), 0);
	assert_int_equal(lvl, 2);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(x, "credBlob"),
	    &p, &n), 0);
	assert_int_equal(n, 3);
	assert_true(map_bool(x, "hmac-secret"));
	assert_true(cer.cred_props_requested);
	assert_int_equal(cer.ext, FSIM_CLIENT_EXT_CRED_BLOB | FSIM_CLIENT_EXT_HMAC_CREATE);
	cbor_decref(&m);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);

	/* credProtect levels 1 and 3; prf asks for hmac-secret too. */
	o = copts_with("\"id\":\"example.com\",", "\"extensions\":"
	    "{\"credentialProtectionPolicy\":\"userVerificationRequired\","
	    "\"prf\":{}}");
	m = mc_req(o, NULL, true, true, &cer);
	x = fsim_cbor_map_get_int(m, 6);
	assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(x, "credProtect"),
	    &lvl), 0);
	assert_int_equal(lvl, 3);
	assert_true(map_bool(x, "hmac-secret"));
	assert_int_equal(cer.ext, FSIM_CLIENT_EXT_PRF);
	assert_false(cer.cred_props_requested);
	cbor_decref(&m);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);

	/* Nothing the authenticator understands: no extensions map. */
	o = copts_with("\"id\":\"example.com\",", "\"extensions\":"
	    "{\"credentialProtectionPolicy\":\"sometimes\",\"credProps\":true}");
	m = mc_req(o, NULL, true, true, &cer);
	assert_null(fsim_cbor_map_get_int(m, 6));
	cbor_decref(&m);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);

	/* credBlob that is not base64url. */
	o = copts_with("\"id\":\"example.com\",", "\"extensions\":{\"credBlob\":\"a=\"}");
	mc_refused(o, NULL, true, true, "TypeError", "extension-input");
	fsim_creation_options_free(&o);
}

/* ---- assertion requests ---- */

/* The whole GetAssertion request, byte for byte. */
#define ALLOW "\x03\x81\xa2\x62" "id" "\x44\x01\x02\x03\x04\x64" "type" \
	"\x6a" "public-key"
#define OPTS "\x05\xa2\x62" "up" "\xf5\x62" "uv" "\xf5"
static void
test_ga_request_bytes(void **state)
{
	fsim_request_options_t *o = ropts("{\"publicKey\":{\"challenge\":\"" CHAL
	    "\",\"rpId\":\"example.com\",\"allowCredentials\":[{\"type\":"
	    "\"public-key\",\"id\":\"AQIDBA\",\"transports\":[\"usb\"]}],"
	    "\"userVerification\":\"required\"}}");
	static const char cdj[] = "{\"type\":\"webauthn.get\",\"challenge\":\""
	    CHAL "\",\"origin\":\"https://example.com\",\"crossOrigin\":false}";
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 };
	uint8_t want[128], h[32];
	unsigned hl;
	size_t n = 0;

	(void)state;
	memset(&cer, 0, sizeof(cer));
	assert_int_equal(EVP_Digest(cdj, strlen(cdj), h, &hl, EVP_sha256(), NULL), 1);
	want[n++] = 0x02;
	want[n++] = 0xa4;
	want[n++] = 0x01;
	want[n++] = 0x6b;
	memcpy(want + n, "example.com", 11);
	n += 11;
	want[n++] = 0x02;
	want[n++] = 0x58;
	want[n++] = 0x20;
	memcpy(want + n, h, 32);
	n += 32;
	memcpy(want + n, ALLOW, sizeof(ALLOW) - 1);
	n += sizeof(ALLOW) - 1;
	memcpy(want + n, OPTS, sizeof(OPTS) - 1);
	n += sizeof(OPTS) - 1;
	assert_int_equal(fsim_client_get_assertion_request(o, NULL, true, &cer, &req,
	    &err), 0);
	assert_int_equal(req.len, n);
	assert_memory_equal(req.ptr, want, n);
	assert_memory_equal(cer.client_data_json.ptr, cdj, strlen(cdj));
	assert_int_equal(cer.allow_only.len, 4);
	fsim_blob_reset(&req);
	fsim_client_ceremony_reset(&cer);

	/* UV required, no UV capability: the request still asks for uv, so the
	 * authenticator refuses and its status reaches the RP. */
	assert_int_equal(fsim_client_get_assertion_request(o, NULL, false, &cer, &req,
	    &err), 0);
	assert_int_equal(req.len, n);
	assert_memory_equal(req.ptr, want, n);
	fsim_blob_reset(&req);
	fsim_client_ceremony_reset(&cer);
	fsim_request_options_free(&o);
}

/*
 * AppID (WebAuthn L3 10.1.1): the AppID must be an https URL on the caller's
 * host; the request asked again with it is the first one with rpId (key 1)
 * replaced and nothing else changed, and the ceremony then owes appid: true.
 */
static void
test_ga_appid(void **state)
{
	fsim_request_options_t *o = ropts("{\"publicKey\":{\"challenge\":\"" CHAL
	    "\",\"rpId\":\"example.com\",\"allowCredentials\":[{\"type\":"
	    "\"public-key\",\"id\":\"AQIDBA\"}],\"extensions\":{\"appid\":"
	    "\"https://example.com/appid.json\"}}}");
	fsim_request_options_t *bad;
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 }, req2 = { NULL, 0 };
	cbor_item_t *m1 = NULL, *m2 = NULL;
	char *rp = NULL;
	size_t i;

	(void)state;
	memset(&cer, 0, sizeof(cer));
	assert_int_equal(fsim_client_get_assertion_request(o, NULL, true, &cer, &req,
	    &err), 0);
	assert_string_equal(cer.appid, "https://example.com/appid.json");
	assert_false(cer.appid_used);
	assert_int_equal(fsim_client_get_assertion_appid_request(&cer, &req, &req2), 0);
	assert_true(cer.appid_used);
	assert_int_equal(req2.ptr[0], 0x02);
	assert_int_equal(fsim_cbor_decode(req.ptr + 1, req.len - 1, &m1, NULL), 0);
	assert_int_equal(fsim_cbor_decode(req2.ptr + 1, req2.len - 1, &m2, NULL), 0);
	assert_int_equal(cbor_map_size(m1), cbor_map_size(m2));
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_int(m2, 1), &rp), 0);
	assert_string_equal(rp, "https://example.com/appid.json");
	free(rp);
	for (i = 2; i <= 5; i++) {
		fsim_blob_t a = { NULL, 0 }, b = { NULL, 0 };

		if (fsim_cbor_map_get_int(m1, (int64_t)i) == NULL) {
			assert_null(fsim_cbor_map_get_int(m2, (int64_t)i));
			continue;
		}
		assert_int_equal(fsim_cbor_encode(fsim_cbor_map_get_int(m1, (int64_t)i), &a), 0);
		assert_int_equal(fsim_cbor_encode(fsim_cbor_map_get_int(m2, (int64_t)i), &b), 0);
		assert_true(fsim_blob_eq(&a, b.ptr, b.len));
		fsim_blob_reset(&a);
		fsim_blob_reset(&b);
	}
	assert_true(fsim_cbor_is_canonical(req2.ptr + 1, req2.len - 1));
	cbor_decref(&m1);
	cbor_decref(&m2);
	fsim_blob_reset(&req);
	fsim_blob_reset(&req2);
	fsim_client_ceremony_reset(&cer);

	/* without an AppID there is nothing to ask again with */
	bad = ropts("{\"publicKey\":{\"challenge\":\"" CHAL "\",\"rpId\":\"example.com\"}}");
	assert_int_equal(fsim_client_get_assertion_request(bad, NULL, true, &cer, &req,
	    &err), 0);
	assert_null(cer.appid);
	assert_int_equal(fsim_client_get_assertion_appid_request(&cer, &req, &req2),
	    FSIM_ERR_ARG);
	assert_null(req2.ptr);
	fsim_blob_reset(&req);
	fsim_client_ceremony_reset(&cer);
	fsim_request_options_free(&bad);

	/* facets: the caller's own host only; http and other hosts are refused */
	assert_int_equal(fsim_client_appid_check("https://example.com:8443/a",
	    "https://example.com", &err), 0);
	assert_int_equal(fsim_client_appid_check("http://example.com/appid.json",
	    "https://example.com", &err), FSIM_ERR_ARG);
	assert_string_equal(err.name, "SecurityError");
	assert_string_equal(err.rule, "appid-facet");
	assert_int_equal(fsim_client_appid_check("https://login.example.com/appid.json",
	    "https://example.com", &err), FSIM_ERR_ARG);
	assert_int_equal(fsim_client_appid_check("https://", "https://example.com", &err),
	    FSIM_ERR_ARG);
	/* and the request refuses such an AppID with SecurityError */
	bad = ropts("{\"publicKey\":{\"challenge\":\"" CHAL "\",\"rpId\":\"example.com\","
	    "\"extensions\":{\"appid\":\"https://evil.example/appid.json\"}}}");
	assert_int_equal(fsim_client_get_assertion_request(bad, NULL, true, &cer, &req,
	    &err), FSIM_ERR_ARG);
	assert_string_equal(err.name, "SecurityError");
	assert_null(req.ptr);
	fsim_request_options_free(&bad);
	fsim_request_options_free(&o);
}

static void
test_ga_request_rules(void **state)
{
	fsim_request_options_t *o;
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 };
	cbor_item_t *m, *opt;
	char *s;

	(void)state;
	memset(&cer, 0, sizeof(cer));
	/* No rpId: the origin's host; no allow list; preferred + no UV. */
	o = ropts("{\"challenge\":\"" CHAL "\",\"extensions\":{\"getCredBlob\":true,"
	    "\"appid\":\"https://example.org/app\"}}");
	assert_int_equal(fsim_client_get_assertion_request(o, "https://example.org",
	    false, &cer, &req, &err), 0);
	m = decode_req(&req, 0x02);
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_int(m, 1), &s), 0);
	assert_string_equal(s, "example.org");
	free(s);
	assert_null(fsim_cbor_map_get_int(m, 3));
	assert_true(map_bool(fsim_cbor_map_get_int(m, 4), "credBlob"));
	opt = fsim_cbor_map_get_int(m, 5);
	assert_true(map_bool(opt, "up"));
	assert_null(fsim_cbor_map_get_str(opt, "uv"));
	assert_int_equal(cer.ext, FSIM_CLIENT_EXT_GET_CRED_BLOB | FSIM_CLIENT_EXT_APPID);
	assert_int_equal(cer.allow_only.len, 0);
	cbor_decref(&m);
	fsim_blob_reset(&req);
	fsim_client_ceremony_reset(&cer);
	/* The AppID is not a facet of another host's caller (10.1.1). */
	assert_int_equal(fsim_client_get_assertion_request(o, "https://evil.example",
	    false, &cer, &req, &err), FSIM_ERR_ARG);
	assert_string_equal(err.rule, "appid-facet");
	fsim_request_options_free(&o);
	/* Without rpId any secure origin names its own RP ID. */
	o = ropts("{\"challenge\":\"" CHAL "\"}");
	assert_int_equal(fsim_client_get_assertion_request(o, "https://evil.example",
	    false, &cer, &req, &err), 0);
	fsim_blob_reset(&req);
	fsim_client_ceremony_reset(&cer);
	fsim_request_options_free(&o);
	o = ropts("{\"challenge\":\"" CHAL "\",\"rpId\":\"example.org\","
	    "\"userVerification\":\"discouraged\"}");
	assert_int_equal(fsim_client_get_assertion_request(o, "https://evil.example",
	    true, &cer, &req, &err), FSIM_ERR_ARG);
	assert_string_equal(err.name, "SecurityError");
	assert_string_equal(err.rule, "rp-id-origin");
	/* discouraged: up only, even when UV is possible */
	assert_int_equal(fsim_client_get_assertion_request(o, NULL, true, &cer, &req,
	    &err), 0);
	m = decode_req(&req, 0x02);
	opt = fsim_cbor_map_get_int(m, 5);
	assert_int_equal(cbor_map_size(opt), 1);
	assert_true(map_bool(opt, "up"));
	assert_null(fsim_cbor_map_get_int(m, 4));
	cbor_decref(&m);
	fsim_blob_reset(&req);
	fsim_client_ceremony_reset(&cer);
	fsim_request_options_free(&o);
}

static void
test_error_json(void **state)
{
	fsim_client_error_t err;
	json_t *e;
	char *got;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_null(fsim_client_error_json(&err));
	assert_null(fsim_client_error_json(NULL));
	err.name = "NotAllowedError";
	err.ctap_status = -1;
	snprintf(err.message, sizeof(err.message), "no \"UV\"");
	snprintf(err.rule, sizeof(err.rule), "uv-unavailable");
	e = fsim_client_error_json(&err);
	got = dump(e);
	assert_string_equal(got, "{\"name\":\"NotAllowedError\",\"message\":"
	    "\"no \\\"UV\\\"\",\"rule\":\"uv-unavailable\"}");
	free(got);
	json_decref(e);
	err.rule[0] = '\0';
	e = fsim_client_error_json(&err);
	got = dump(e);
	assert_string_equal(got, "{\"name\":\"NotAllowedError\",\"message\":"
	    "\"no \\\"UV\\\"\"}");
	free(got);
	json_decref(e);
}

static void
test_ceremony_lifecycle(void **state)
{
	fsim_client_ceremony_t cer;
	static const char *const tr[] = { "usb" };
	const char *bad[] = { "usb", NULL };

	(void)state;
	memset(&cer, 0, sizeof(cer));
	fsim_client_ceremony_reset(NULL);
	fsim_client_ceremony_reset(&cer);
	assert_int_equal(fsim_client_ceremony_set_authenticator(&cer, NULL, 0, NULL), 0);
	assert_int_equal(cer.n_transports, 0);
	assert_null(cer.attachment);
	assert_int_equal(fsim_client_ceremony_set_authenticator(&cer, tr, 1,
	    "platform"), 0);
	assert_int_equal(fsim_client_ceremony_set_authenticator(&cer, bad, 2,
	    NULL), FSIM_ERR_ARG);
	/* a failed call changes nothing */
	assert_int_equal(cer.n_transports, 1);
	assert_string_equal(cer.attachment, "platform");
	assert_int_equal(fsim_client_ceremony_set_authenticator(NULL, tr, 1, NULL),
	    FSIM_ERR_ARG);
	fsim_client_ceremony_reset(&cer);
	assert_null(cer.transports);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mc_request_members),
		cmocka_unit_test(test_mc_request_algs),
		cmocka_unit_test(test_mc_request_option_rules),
		cmocka_unit_test(test_mc_request_origin_rules),
		cmocka_unit_test(test_mc_request_user_id),
		cmocka_unit_test(test_mc_request_extensions),
		cmocka_unit_test(test_ga_request_bytes),
		cmocka_unit_test(test_ga_request_rules),
		cmocka_unit_test(test_ga_appid),
		cmocka_unit_test(test_error_json),
		cmocka_unit_test(test_ceremony_lifecycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
