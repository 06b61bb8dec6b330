/*
 * test_client_resp.c — the WebAuthn L3 reference client (platform/client.h),
 * response side: RegistrationResponseJSON and AuthenticationResponseJSON
 * byte for byte (toJSON() member order), the attestation conveyance of
 * §5.4.7, publicKey per §5.2.1.1, extension outputs, authenticator data the
 * strict parser refuses (passed on), malformed answers, and the mapping of
 * CTAP status codes to DOMExceptions. The authenticator's answers are CBOR
 * maps written here by hand; keys are made at test time.
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

/* ---- responses ---- */

typedef struct fixture {
	EVP_PKEY *key;
	fsim_blob_t cose;        /* COSE_Key of key */
	fsim_blob_t spki;        /* DER SPKI of key */
	fsim_blob_t ad;          /* authData with attested credential data */
	uint8_t cred_id[20];
} fixture_t;

static void
fixture_init(fixture_t *f, const char *type, const char *curve, int alg,
    const uint8_t *ext, size_t ext_len, bool trailing)
{
	fsim_cose_key_t *k = NULL;
	uint8_t hdr[55], *der = NULL;
	int dl;

	memset(f, 0, sizeof(*f));
	if (strcmp(type, "RSA") == 0)
		f->key = EVP_PKEY_Q_keygen(NULL, NULL, type, (size_t)2048);
	else if (curve != NULL)
		f->key = EVP_PKEY_Q_keygen(NULL, NULL, type, curve);
	else
		f->key = EVP_PKEY_Q_keygen(NULL, NULL, type);
	assert_non_null(f->key);
	assert_int_equal(fsim_cose_key_from_pkey(f->key, alg, &k), 0);
	assert_int_equal(fsim_cose_key_encode(k, &f->cose), 0);
	fsim_cose_key_free(&k);
	assert_true((dl = i2d_PUBKEY(f->key, &der)) > 0);
	assert_int_equal(fsim_blob_set(&f->spki, der, (size_t)dl), 0);
	OPENSSL_free(der);
	memset(f->cred_id, 0xc1, sizeof(f->cred_id));
	memset(hdr, 0x11, 32);                       /* rpIdHash */
	hdr[32] = FSIM_AD_UP | FSIM_AD_UV | FSIM_AD_AT | (ext ? FSIM_AD_ED : 0);
	memcpy(hdr + 33, "\0\0\0\0", 4);             /* signCount */
	memset(hdr + 37, 0xaa, 16);                  /* AAGUID */
	hdr[53] = 0;
	hdr[54] = sizeof(f->cred_id);
	assert_int_equal(fsim_blob_append(&f->ad, hdr, sizeof(hdr)), 0);
	assert_int_equal(fsim_blob_append(&f->ad, f->cred_id, sizeof(f->cred_id)), 0);
	assert_int_equal(fsim_blob_append(&f->ad, f->cose.ptr, f->cose.len), 0);
	if (ext != NULL)
		assert_int_equal(fsim_blob_append(&f->ad, ext, ext_len), 0);
	if (trailing)
		assert_int_equal(fsim_blob_append(&f->ad, (const uint8_t *)"\x00", 1), 0);
}

static void
fixture_free(fixture_t *f)
{
	EVP_PKEY_free(f->key);
	fsim_blob_reset(&f->cose);
	fsim_blob_reset(&f->spki);
	fsim_blob_reset(&f->ad);
}

/* The CTAP MakeCredential response {1: fmt, 2: authData, 3: attStmt}. */
static void
mc_response(const char *fmt, const fsim_blob_t *ad, cbor_item_t *st, fsim_blob_t *out)
{
	cbor_item_t *m = cbor_new_definite_map(3);

	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_text(fmt)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(2),
	    fsim_cbor_bytes(ad->ptr, ad->len)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(3), st), 0);
	assert_int_equal(fsim_cbor_encode(m, out), 0);
	cbor_decref(&m);
}

/* A packed statement {alg: -7, sig: ..., x5c?: [cert]}. */
static cbor_item_t *
packed_stmt(bool x5c)
{
	cbor_item_t *st = cbor_new_definite_map(3), *arr;

	assert_int_equal(fsim_cbor_map_put(st, fsim_cbor_text("alg"),
	    fsim_cbor_int(-7)), 0);
	assert_int_equal(fsim_cbor_map_put(st, fsim_cbor_text("sig"),
	    fsim_cbor_bytes((const uint8_t *)"\x30\x06\x02\x01\x01\x02\x01\x01", 8)), 0);
	if (x5c) {
		arr = cbor_new_definite_array(1);
		assert_true(cbor_array_push(arr, cbor_move(fsim_cbor_bytes(
		    (const uint8_t *)"\x30\x03\x02\x01\x01", 5))));
		assert_int_equal(fsim_cbor_map_put(st, fsim_cbor_text("x5c"), arr), 0);
	}
	return st;
}

/* The attestation object a client makes: {"fmt", "attStmt", "authData"} canonical. */
static char *
attobj_b64(const char *fmt, cbor_item_t *st, const fsim_blob_t *ad)
{
	fsim_blob_t b = { NULL, 0 }, stb = { NULL, 0 };
	uint8_t h[3];
	char *s;

	/* a3 63"fmt" <fmt> 67"attStmt" <st> 68"authData" 58/59 <len> <ad> */
	assert_int_equal(fsim_blob_append(&b, (const uint8_t *)"\xa3\x63" "fmt", 5), 0);
	h[0] = (uint8_t)(0x60 | strlen(fmt));
	assert_int_equal(fsim_blob_append(&b, h, 1), 0);
	assert_int_equal(fsim_blob_append(&b, (const uint8_t *)fmt, strlen(fmt)), 0);
	assert_int_equal(fsim_blob_append(&b, (const uint8_t *)"\x67" "attStmt", 8), 0);
	if (st != NULL) {
		assert_int_equal(fsim_cbor_encode(st, &stb), 0);
		assert_int_equal(fsim_blob_append(&b, stb.ptr, stb.len), 0);
	} else
		assert_int_equal(fsim_blob_append(&b, (const uint8_t *)"\xa0", 1), 0);
	assert_int_equal(fsim_blob_append(&b, (const uint8_t *)"\x68" "authData", 9), 0);
	assert_true(ad->len > 23 && ad->len < 65536);
	if (ad->len < 256) {
		h[0] = 0x58;
		h[1] = (uint8_t)ad->len;
		assert_int_equal(fsim_blob_append(&b, h, 2), 0);
	} else {
		h[0] = 0x59;
		h[1] = (uint8_t)(ad->len >> 8);
		h[2] = (uint8_t)ad->len;
		assert_int_equal(fsim_blob_append(&b, h, 3), 0);
	}
	assert_int_equal(fsim_blob_append(&b, ad->ptr, ad->len), 0);
	s = b64(b.ptr, b.len);
	fsim_blob_reset(&b);
	fsim_blob_reset(&stb);
	return s;
}

/* A creation ceremony for example.com with the given conveyance. */
static void
mc_ceremony(fsim_client_ceremony_t *cer, const char *attestation, const char *ext)
{
	char extra[512];
	fsim_creation_options_t *o;
	cbor_item_t *m;
	static const char *const tr[] = { "usb", "nfc", "usb" };

	snprintf(extra, sizeof(extra), "\"attestation\":\"%s\"%s%s", attestation,
	    ext[0] ? "," : "", ext);
	o = copts_with("\"id\":\"example.com\",", extra);
	memset(cer, 0, sizeof(*cer));
	m = mc_req(o, NULL, true, true, cer);
	cbor_decref(&m);
	fsim_creation_options_free(&o);
	assert_int_equal(fsim_client_ceremony_set_authenticator(cer, tr, 3,
	    "cross-platform"), 0);
	assert_int_equal(cer->n_transports, 2);
	assert_string_equal(cer->transports[0], "nfc");
	assert_string_equal(cer->transports[1], "usb");
}

/* The RegistrationResponseJSON the client must give, byte for byte. */
static char *
want_reg(const fixture_t *f, const fsim_client_ceremony_t *cer, const char *ao,
    int alg, bool with_pk, const char *ext_results)
{
	char *id = b64(f->cred_id, sizeof(f->cred_id));
	char *cdj = b64(cer->client_data_json.ptr, cer->client_data_json.len);
	char *ad = b64(f->ad.ptr, f->ad.len);
	char *pk = b64(f->spki.ptr, f->spki.len);
	char *s = malloc(16384);

	assert_non_null(s);
	snprintf(s, 16384, "{\"id\":\"%s\",\"rawId\":\"%s\",\"response\":{"
	    "\"clientDataJSON\":\"%s\",\"authenticatorData\":\"%s\","
	    "\"transports\":[\"nfc\",\"usb\"],%s%s%s\"publicKeyAlgorithm\":%d,"
	    "\"attestationObject\":\"%s\"},\"authenticatorAttachment\":"
	    "\"cross-platform\",\"clientExtensionResults\":%s,\"type\":"
	    "\"public-key\"}", id, id, cdj, ad, with_pk ? "\"publicKey\":\"" : "",
	    with_pk ? pk : "", with_pk ? "\"," : "", alg, ao, ext_results);
	free(id);
	free(cdj);
	free(ad);
	free(pk);
	return s;
}

/* Run one registration through the client and compare the JSON. */
static void
check_reg(const fixture_t *f, const char *conveyance, const char *ext_in,
    const char *fmt, cbor_item_t *st, const char *want_fmt, bool keep_st,
    int alg, bool with_pk, const char *ext_results)
{
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t resp = { NULL, 0 };
	json_t *j = NULL;
	char *ao, *want, *got;

	mc_ceremony(&cer, conveyance, ext_in);
	mc_response(fmt, &f->ad, cbor_incref(st), &resp);
	assert_int_equal(fsim_client_make_credential_response(&cer, 0, resp.ptr,
	    resp.len, &j, &err), 0);
	assert_null(err.name);
	ao = attobj_b64(want_fmt, keep_st ? st : NULL, &f->ad);
	want = want_reg(f, &cer, ao, alg, with_pk, ext_results);
	got = dump(j);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(ao);
	json_decref(j);
	fsim_blob_reset(&resp);
	fsim_client_ceremony_reset(&cer);
	cbor_decref(&st);
}

/* §5.4.7 conveyance: none strips (keeps self attestation), direct keeps. */
static void
test_mc_response_conveyance(void **state)
{
	fixture_t f;

	(void)state;
	fixture_init(&f, "EC", "P-256", -7, NULL, 0, false);
	check_reg(&f, "none", "", "packed", packed_stmt(true), "none", false, -7,
	    true, "{}");
	check_reg(&f, "indirect", "", "packed", packed_stmt(true), "none", false,
	    -7, true, "{}");
	check_reg(&f, "bogus", "", "fido-u2f", packed_stmt(true), "none", false,
	    -7, true, "{}");
	/* self attestation (packed, no x5c) is kept under none */
	check_reg(&f, "none", "", "packed", packed_stmt(false), "packed", true, -7,
	    true, "{}");
	check_reg(&f, "direct", "", "packed", packed_stmt(true), "packed", true, -7,
	    true, "{}");
	check_reg(&f, "enterprise", "", "packed", packed_stmt(true), "packed", true,
	    -7, true, "{}");
	/* fmt none with a non-empty statement: none makes it {} */
	check_reg(&f, "none", "", "none", packed_stmt(false), "none", false, -7,
	    true, "{}");
	/* credProps: rk as asked of the authenticator */
	check_reg(&f, "none", "\"extensions\":{\"credProps\":true}", "none",
	    cbor_new_definite_map(0), "none", false, -7, true,
	    "{\"credProps\":{\"rk\":false}}");
	fixture_free(&f);
}

/* publicKey only for -7, -257, -8 (§5.2.1.1); the alg always. */
static void
test_mc_response_public_key(void **state)
{
	fixture_t f;

	(void)state;
	fixture_init(&f, "ED25519", NULL, -8, NULL, 0, false);
	check_reg(&f, "none", "", "none", cbor_new_definite_map(0), "none", false,
	    -8, true, "{}");
	fixture_free(&f);
	fixture_init(&f, "EC", "P-384", -35, NULL, 0, false);
	check_reg(&f, "none", "", "none", cbor_new_definite_map(0), "none", false,
	    -35, false, "{}");
	fixture_free(&f);
	fixture_init(&f, "RSA", NULL, -257, NULL, 0, false);
	check_reg(&f, "none", "", "none", cbor_new_definite_map(0), "none", false,
	    -257, true, "{}");
	fixture_free(&f);
}

/* Extension outputs, and authData the strict parser refuses (passed on). */
static void
test_mc_response_extensions(void **state)
{
	/* {"credBlob": true, "hmac-secret": true, "credProtect": 2} */
	static const uint8_t ext[] = "\xa3\x68" "credBlob" "\xf5\x6b" "credProtect"
	    "\x02\x6b" "hmac-secret" "\xf5";
	fixture_t f;

	(void)state;
	fixture_init(&f, "EC", "P-256", -7, ext, sizeof(ext) - 1, false);
	check_reg(&f, "none", "\"extensions\":{\"credBlob\":\"AQID\","
	    "\"hmacCreateSecret\":true,\"credProps\":true,\"prf\":{}}", "none",
	    cbor_new_definite_map(0), "none", false, -7, true,
	    "{\"credBlob\":true,\"credProps\":{\"rk\":false},"
	    "\"hmacCreateSecret\":true,\"prf\":{\"enabled\":true}}");
	fixture_free(&f);
	/* a trailing byte (quirk trailing-bytes): the RP is to judge it */
	fixture_init(&f, "EC", "P-256", -7, NULL, 0, true);
	check_reg(&f, "none", "\"extensions\":{\"credBlob\":\"AQID\"}", "none",
	    cbor_new_definite_map(0), "none", false, -7, true,
	    "{\"credBlob\":false}");
	fixture_free(&f);
}

static void
mc_bad(const fsim_client_ceremony_t *cer, const uint8_t *p, size_t n, const char *what)
{
	fsim_client_error_t err;
	json_t *j = NULL;

	assert_int_equal(fsim_client_make_credential_response(cer, 0, p, n, &j, &err),
	    FSIM_ERR_ARG);
	assert_null(j);
	assert_string_equal(err.name, "NotAllowedError");
	assert_string_equal(err.rule, "authenticator-response");
	assert_int_equal(err.ctap_status, -1);
	if (strstr(err.message, what) == NULL)
		fail_msg("message \"%s\" does not mention \"%s\"", err.message, what);
}

static void
test_mc_response_malformed(void **state)
{
	fsim_client_ceremony_t cer;
	fsim_blob_t resp = { NULL, 0 }, ad = { NULL, 0 };
	fixture_t f;

	(void)state;
	mc_ceremony(&cer, "none", "");
	fixture_init(&f, "EC", "P-256", -7, NULL, 0, false);
	mc_bad(&cer, (const uint8_t *)"\xa1\x01", 2, "CBOR");
	mc_bad(&cer, (const uint8_t *)"\x80", 1, "not a map");
	mc_bad(&cer, (const uint8_t *)"\xa1\x01\x64none", 7, "authData");
	/* AT clear */
	assert_int_equal(fsim_blob_set(&ad, f.ad.ptr, 37), 0);
	ad.ptr[32] = FSIM_AD_UP;
	mc_response("none", &ad, cbor_new_definite_map(0), &resp);
	mc_bad(&cer, resp.ptr, resp.len, "AT flag");
	fsim_blob_reset(&resp);
	/* credentialIdLength past the end */
	fsim_blob_reset(&ad);
	assert_int_equal(fsim_blob_set(&ad, f.ad.ptr, 60), 0);
	mc_response("none", &ad, cbor_new_definite_map(0), &resp);
	mc_bad(&cer, resp.ptr, resp.len, "credentialIdLength");
	fsim_blob_reset(&resp);
	/* 36 bytes */
	fsim_blob_reset(&ad);
	assert_int_equal(fsim_blob_set(&ad, f.ad.ptr, 36), 0);
	mc_response("none", &ad, cbor_new_definite_map(0), &resp);
	mc_bad(&cer, resp.ptr, resp.len, "shorter than 37");
	fsim_blob_reset(&resp);
	/* no fmt */
	mc_response("none", &f.ad, cbor_new_definite_map(0), &resp);
	resp.ptr[1] = 0x04;   /* key 1 -> 4 */
	mc_bad(&cer, resp.ptr, resp.len, "fmt");
	fsim_blob_reset(&resp);
	fsim_blob_reset(&ad);
	fixture_free(&f);
	fsim_client_ceremony_reset(&cer);
}

/* CTAP status -> DOMException (as browsers map them). */
static void
test_status_mapping(void **state)
{
	static const struct {
		uint8_t st;
		const char *name, *msg, *hex;
	} cases[] = {
		{ 0x19, "InvalidStateError", "CTAP2_ERR_CREDENTIAL_EXCLUDED (0x19)", "0x19" },
		{ 0x26, "NotSupportedError", "CTAP2_ERR_UNSUPPORTED_ALGORITHM (0x26)", "0x26" },
		{ 0x2e, "NotAllowedError", "CTAP2_ERR_NO_CREDENTIALS (0x2e)", "0x2e" },
		{ 0x27, "NotAllowedError", "CTAP2_ERR_OPERATION_DENIED (0x27)", "0x27" },
		{ 0x2f, "NotAllowedError", "CTAP2_ERR_USER_ACTION_TIMEOUT (0x2f)", "0x2f" },
		{ 0x3a, "NotAllowedError", "CTAP2_ERR_ACTION_TIMEOUT (0x3a)", "0x3a" },
		{ 0x3b, "NotAllowedError", "CTAP2_ERR_UP_REQUIRED (0x3b)", "0x3b" },
		{ 0x36, "NotAllowedError", "CTAP2_ERR_PUAT_REQUIRED (0x36)", "0x36" },
		{ 0x2b, "NotAllowedError", "CTAP2_ERR_UNSUPPORTED_OPTION (0x2b)", "0x2b" },
		{ 0x2c, "NotAllowedError", "CTAP2_ERR_INVALID_OPTION (0x2c)", "0x2c" },
		{ 0x12, "NotAllowedError", "CTAP2_ERR_INVALID_CBOR (0x12)", "0x12" },
		{ 0x01, "NotAllowedError", "CTAP1_ERR_INVALID_COMMAND (0x01)", "0x01" },
		{ 0x7f, "NotAllowedError", "CTAP1_ERR_OTHER (0x7f)", "0x7f" },
		{ 0x99, "NotAllowedError", "CTAP2_ERR_UNKNOWN (0x99)", "0x99" },
		{ 0xf3, "NotAllowedError", "CTAP2_ERR_VENDOR (0xf3)", "0xf3" },
	};
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	json_t *j = NULL, *e;
	char want[256], *got;
	size_t i;

	(void)state;
	mc_ceremony(&cer, "none", "");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fsim_client_make_credential_response(&cer, cases[i].st,
		    NULL, 0, &j, &err), FSIM_ERR_ARG);
		assert_null(j);
		assert_string_equal(err.name, cases[i].name);
		assert_int_equal(err.ctap_status, cases[i].st);
		assert_string_equal(err.rule, "");
		snprintf(want, sizeof(want), "authenticator returned %s", cases[i].msg);
		assert_string_equal(err.message, want);
		/* the contract's JSON: ctapStatus as hex text, no rule */
		e = fsim_client_error_json(&err);
		got = dump(e);
		snprintf(want, sizeof(want), "{\"name\":\"%s\",\"message\":"
		    "\"authenticator returned %s\",\"ctapStatus\":\"%s\"}",
		    cases[i].name, cases[i].msg, cases[i].hex);
		assert_string_equal(got, want);
		free(got);
		json_decref(e);
		/* the same for an assertion */
		assert_int_equal(fsim_client_get_assertion_response(&cer, cases[i].st,
		    NULL, 0, &j, &err), FSIM_ERR_ARG);
		assert_string_equal(err.name, cases[i].name);
		assert_int_equal(err.ctap_status, cases[i].st);
	}
	fsim_client_ceremony_reset(&cer);
	assert_string_equal(fsim_ctap_status_name(0x00), "CTAP2_OK");
	assert_string_equal(fsim_ctap_status_name(0x40),
	    "CTAP2_ERR_UNAUTHORIZED_PERMISSION");
}

/* ---- assertion responses ---- */

static void
ga_ceremony(fsim_client_ceremony_t *cer, const char *allow, const char *ext)
{
	char doc[512];
	fsim_request_options_t *o;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 };
	static const char *const tr[] = { "internal", "hybrid" };

	snprintf(doc, sizeof(doc), "{\"challenge\":\"" CHAL "\",\"rpId\":"
	    "\"example.com\"%s%s}", allow, ext);
	o = ropts(doc);
	memset(cer, 0, sizeof(*cer));
	assert_int_equal(fsim_client_get_assertion_request(o, NULL, true, cer, &req,
	    &err), 0);
	fsim_blob_reset(&req);
	fsim_request_options_free(&o);
	assert_int_equal(fsim_client_ceremony_set_authenticator(cer, tr, 2,
	    "platform"), 0);
}

/* {1: {id, type}?, 2: authData, 3: sig, 4: {id}?, 5: n?} */
static void
ga_response(const uint8_t *id, size_t idl, const fsim_blob_t *ad,
    const uint8_t *user, size_t ul, bool with_user, fsim_blob_t *out)
{
	cbor_item_t *m = cbor_new_definite_map(5), *c;

	if (id != NULL) {
		c = cbor_new_definite_map(2);
		assert_int_equal(fsim_cbor_map_put(c, fsim_cbor_text("id"),
		    fsim_cbor_bytes(id, idl)), 0);
		assert_int_equal(fsim_cbor_map_put(c, fsim_cbor_text("type"),
		    fsim_cbor_text("public-key")), 0);
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), c), 0);
	}
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(2),
	    fsim_cbor_bytes(ad->ptr, ad->len)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(3),
	    fsim_cbor_bytes((const uint8_t *)"\x30\x06\x02\x01\x01\x02\x01\x01", 8)), 0);
	if (with_user) {
		c = cbor_new_definite_map(1);
		assert_int_equal(fsim_cbor_map_put(c, fsim_cbor_text("id"),
		    fsim_cbor_bytes(user, ul)), 0);
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(4), c), 0);
		assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(5),
		    fsim_cbor_int(1)), 0);
	}
	assert_int_equal(fsim_cbor_encode(m, out), 0);
	cbor_decref(&m);
}

static char *
want_auth(const fsim_client_ceremony_t *cer, const uint8_t *id, size_t idl,
    const fsim_blob_t *ad, const char *uh, const char *ext)
{
	char *i = b64(id, idl), *c = b64(cer->client_data_json.ptr,
	    cer->client_data_json.len), *a = b64(ad->ptr, ad->len);
	char *s = malloc(4096);

	assert_non_null(s);
	snprintf(s, 4096, "{\"id\":\"%s\",\"rawId\":\"%s\",\"response\":{"
	    "\"clientDataJSON\":\"%s\",\"authenticatorData\":\"%s\",\"signature\":"
	    "\"MAYCAQECAQE\"%s%s%s},\"authenticatorAttachment\":\"platform\","
	    "\"clientExtensionResults\":%s,\"type\":\"public-key\"}", i, i, c, a,
	    uh ? ",\"userHandle\":\"" : "", uh ? uh : "", uh ? "\"" : "", ext);
	free(i);
	free(c);
	free(a);
	return s;
}

static void
check_auth(const fsim_client_ceremony_t *cer, const fsim_blob_t *resp,
    const char *want)
{
	fsim_client_error_t err;
	json_t *j = NULL;
	char *got;

	assert_int_equal(fsim_client_get_assertion_response(cer, 0, resp->ptr,
	    resp->len, &j, &err), 0);
	got = dump(j);
	assert_string_equal(got, want);
	free(got);
	json_decref(j);
}

static void
test_ga_response(void **state)
{
	/* rpIdHash | UP|UV|ED | count 7 | {"credBlob": h'0102'} */
	uint8_t adb[37 + 13];
	fsim_blob_t ad = { adb, sizeof(adb) }, resp = { NULL, 0 };
	static const uint8_t id[] = { 1, 2, 3, 4 }, other[] = { 9, 9 };
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	json_t *j = NULL;
	char *want;

	(void)state;
	memset(adb, 0x22, 32);
	adb[32] = FSIM_AD_UP | FSIM_AD_UV | FSIM_AD_ED;
	memcpy(adb + 33, "\0\0\0\7", 4);
	memcpy(adb + 37, "\xa1\x68" "credBlob" "\x42\x01\x02", 13);

	/* discoverable: credential and user from the authenticator */
	ga_ceremony(&cer, "", ",\"extensions\":{\"getCredBlob\":true,"
	    "\"appid\":\"https://example.com/appid.json\"}");
	ga_response(id, sizeof(id), &ad, (const uint8_t *)"user-1", 6, true, &resp);
	want = want_auth(&cer, id, sizeof(id), &ad, UID,
	    "{\"appid\":false,\"getCredBlob\":\"AQI\"}");
	check_auth(&cer, &resp, want);
	free(want);
	fsim_blob_reset(&resp);
	/* no credential in the answer and no single allowed one: refused */
	ga_response(NULL, 0, &ad, NULL, 0, false, &resp);
	assert_int_equal(fsim_client_get_assertion_response(&cer, 0, resp.ptr,
	    resp.len, &j, &err), FSIM_ERR_ARG);
	assert_string_equal(err.name, "NotAllowedError");
	assert_string_equal(err.rule, "authenticator-response");
	assert_null(j);
	fsim_client_ceremony_reset(&cer);

	/* one allowed credential: the answer may leave it out */
	ga_ceremony(&cer, ",\"allowCredentials\":[{\"type\":\"public-key\","
	    "\"id\":\"AQIDBA\"}]", "");
	want = want_auth(&cer, id, sizeof(id), &ad, NULL, "{}");
	check_auth(&cer, &resp, want);
	free(want);
	fsim_blob_reset(&resp);
	/* ... and when it names one, that is the one; an empty user id is none */
	ga_response(other, sizeof(other), &ad, (const uint8_t *)"", 0, true, &resp);
	want = want_auth(&cer, other, sizeof(other), &ad, NULL, "{}");
	check_auth(&cer, &resp, want);
	free(want);
	fsim_blob_reset(&resp);
	/* getCredBlob with no credBlob output: empty */
	fsim_client_ceremony_reset(&cer);
	ga_ceremony(&cer, "", ",\"extensions\":{\"getCredBlob\":true}");
	adb[32] = FSIM_AD_UP;
	ad.len = 37;
	ga_response(id, sizeof(id), &ad, NULL, 0, false, &resp);
	want = want_auth(&cer, id, sizeof(id), &ad, NULL, "{\"getCredBlob\":\"\"}");
	check_auth(&cer, &resp, want);
	free(want);
	fsim_blob_reset(&resp);
	/* authenticator data too short */
	ad.len = 30;
	ga_response(id, sizeof(id), &ad, NULL, 0, false, &resp);
	assert_int_equal(fsim_client_get_assertion_response(&cer, 0, resp.ptr,
	    resp.len, &j, &err), FSIM_ERR_ARG);
	assert_string_equal(err.rule, "authenticator-response");
	fsim_blob_reset(&resp);
	/* no signature */
	assert_int_equal(fsim_client_get_assertion_response(&cer, 0,
	    (const uint8_t *)"\xa1\x02\x41\x00", 4, &j, &err), FSIM_ERR_ARG);
	assert_int_equal(fsim_client_get_assertion_response(&cer, 0,
	    (const uint8_t *)"\xff", 1, &j, &err), FSIM_ERR_ARG);
	assert_string_equal(err.name, "NotAllowedError");
	fsim_client_ceremony_reset(&cer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mc_response_conveyance),
		cmocka_unit_test(test_mc_response_public_key),
		cmocka_unit_test(test_mc_response_extensions),
		cmocka_unit_test(test_mc_response_malformed),
		cmocka_unit_test(test_status_mapping),
		cmocka_unit_test(test_ga_response),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
