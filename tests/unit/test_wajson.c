/*
 * test_wajson.c — RegistrationResponseJSON / AuthenticationResponseJSON
 * (JSON-01, JSON-02, JSON-04, JSON-05) and the options JSON (JSON-06, OPT-02).
 * Vectors: the files in vectors/w3c-l3 (WebAuthn L3 §16, see its README):
 * each file's "response" member is what toJSON() gives. Negative inputs are
 * small documents written here, each named for what it breaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "core/b64.h"
#include "core/wajson.h"
#include "core/wajson_int.h"

#define VEC_DIR "vectors/w3c-l3"

/* A small, complete registration response (member order as toJSON()). */
#define REG_OK "{\"id\":\"AQID\",\"rawId\":\"AQID\",\"response\":{" \
	"\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AAAA\"," \
	"\"transports\":[\"usb\",\"nfc\"],\"publicKey\":\"BAUG\"," \
	"\"publicKeyAlgorithm\":-7,\"attestationObject\":\"oA\"}," \
	"\"authenticatorAttachment\":\"cross-platform\"," \
	"\"clientExtensionResults\":{\"credProps\":{\"rk\":true}}," \
	"\"type\":\"public-key\"}"

#define AUTH_OK "{\"id\":\"AQID\",\"rawId\":\"AQID\",\"response\":{" \
	"\"clientDataJSON\":\"e30\",\"authenticatorData\":\"AAAA\"," \
	"\"signature\":\"MEQ\",\"userHandle\":\"dXNlcg\"}," \
	"\"authenticatorAttachment\":\"platform\"," \
	"\"clientExtensionResults\":{},\"type\":\"public-key\"}"

static json_t *
load(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);

	if (j == NULL)
		fail_msg("test JSON does not parse: %s: %s", err.text, s);
	return j;
}

/* Replace `from` by `to` once in s (test documents are small). */
static json_t *
load_edit(const char *s, const char *from, const char *to)
{
	char buf[4096];
	const char *p = strstr(s, from);
	json_t *j;

	assert_non_null(p);
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - s), s, to,
	    p + strlen(from));
	j = load(buf);
	return j;
}

static size_t
count_rule(const fsim_diags_t *d, const char *rule, fsim_sev_t sev)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0 && d->v[i].sev == sev)
			n++;
	return n;
}

static const fsim_diag_t *
find_rule(const fsim_diags_t *d, const char *rule)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0)
			return &d->v[i];
	return NULL;
}

/* The message of e (out of line: gcc cannot see e's bounds). */
static __attribute__((noinline)) const char *
msg_of(const fsim_diag_t *e)
{
	assert_non_null(e);
	return e->msg;
}

/* Registration that must fail with `rule` (an error). */
static void
reg_fails(json_t *j, const char *rule, fsim_diags_t *d)
{
	fsim_reg_response_t *r = (fsim_reg_response_t *)1;

	fsim_diags_init(d);
	assert_int_equal(fsim_reg_response_parse(j, &r, d), FSIM_ERR_JSON);
	assert_null(r);
	assert_true(count_rule(d, rule, FSIM_SEV_ERROR) > 0);
	json_decref(j);
}

static void
auth_fails(json_t *j, const char *rule, fsim_diags_t *d)
{
	fsim_auth_response_t *r = (fsim_auth_response_t *)1;

	fsim_diags_init(d);
	assert_int_equal(fsim_auth_response_parse(j, &r, d), FSIM_ERR_JSON);
	assert_null(r);
	assert_true(count_rule(d, rule, FSIM_SEV_ERROR) > 0);
	json_decref(j);
}

/* ---- W3C vectors ---- */

static void
check_vector(const char *path)
{
	fsim_blob_t file = { 0 };
	json_t *v = NULL, *resp, *back;
	fsim_reg_response_t *reg = NULL;
	fsim_auth_response_t *auth = NULL;
	fsim_diags_t d;
	const char *cer;

	fsim_diags_init(&d);
	assert_int_equal(fsim_read_file(path, 1 << 20, &file), FSIM_OK);
	assert_int_equal(fsim_json_load(file.ptr, file.len, &v, &d, path),
	    FSIM_OK);
	cer = json_string_value(json_object_get(v, "ceremony"));
	resp = json_object_get(v, "response");
	assert_non_null(cer);
	if (strcmp(cer, "registration") == 0) {
		assert_int_equal(fsim_response_kind(resp),
		    FSIM_CEREMONY_REGISTRATION);
		assert_int_equal(fsim_reg_response_parse(resp, &reg, &d),
		    FSIM_OK);
		assert_int_equal(d.n, 0);
		assert_string_equal(reg->id, json_string_value(json_object_get(
		    resp, "id")));
		assert_string_equal(reg->type, "public-key");
		assert_true(reg->raw_id.len >= 16);
		assert_true(reg->has_authenticator_data);
		assert_true(reg->has_public_key_alg);
		assert_int_equal(reg->has_public_key, json_object_get(
		    json_object_get(resp, "response"), "publicKey") != NULL);
		assert_true(reg->client_data_json.len > 0);
		assert_true(reg->attestation_object.len > 0);
		assert_null(reg->attachment);
		assert_int_equal(reg->n_transports, 0);
		back = fsim_reg_response_to_json(reg);
		fsim_reg_response_free(&reg);
	} else {
		assert_int_equal(fsim_response_kind(resp),
		    FSIM_CEREMONY_AUTHENTICATION);
		assert_int_equal(fsim_auth_response_parse(resp, &auth, &d),
		    FSIM_OK);
		assert_int_equal(d.n, 0);
		assert_false(auth->has_user_handle);
		assert_true(auth->signature.len >= 64);
		assert_true(auth->authenticator_data.len >= 37);
		back = fsim_auth_response_to_json(auth);
		fsim_auth_response_free(&auth);
	}
	/* toJSON() of what was parsed gives back the same members. */
	assert_non_null(back);
	assert_true(json_equal(back, resp));
	json_decref(back);
	json_decref(v);
	fsim_blob_reset(&file);
	fsim_diags_clear(&d);
}

static void
test_w3c_vectors(void **state)
{
	DIR *dir;
	struct dirent *de;
	char path[512];
	size_t n = 0, len;

	(void)state;
	dir = opendir(VEC_DIR);
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", VEC_DIR, de->d_name);
		check_vector(path);
		n++;
	}
	closedir(dir);
	assert_true(n >= 30);
}

/* ---- fsim_json_load ---- */

static void
test_json_load(void **state)
{
	fsim_diags_t d;
	json_t *j = (json_t *)1;
	const fsim_diag_t *e;
	static const char dup[] = "{\"a\":1,\n \"a\":2}";

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_json_load((const uint8_t *)" [1] ", 5, &j, &d,
	    "f"), FSIM_OK);
	json_decref(j);
	assert_int_equal(fsim_json_load((const uint8_t *)"\"s\"", 3, &j, &d,
	    "f"), FSIM_OK);
	json_decref(j);
	assert_int_equal(d.n, 0);

	assert_int_equal(fsim_json_load((const uint8_t *)dup, strlen(dup), &j,
	    &d, "resp.json"), FSIM_ERR_JSON);
	assert_null(j);
	e = find_rule(&d, "JSON-01");
	assert_non_null(e);
	assert_string_equal(e->field, "resp.json");
	assert_non_null(strstr(msg_of(e), "duplicate"));
	assert_non_null(strstr(msg_of(e), "line 2"));
	assert_true(e->offset != FSIM_NO_OFFSET && e->offset <= strlen(dup));
	fsim_diags_clear(&d);

	assert_int_equal(fsim_json_load((const uint8_t *)"{} {}", 5, &j, &d,
	    "f"), FSIM_ERR_JSON);
	assert_true(fsim_diags_has(&d, "JSON-01"));
	fsim_diags_clear(&d);
	assert_int_equal(fsim_json_load((const uint8_t *)"{\"a\":\"\xff\"}", 9,
	    &j, &d, "f"), FSIM_ERR_JSON);
	assert_true(fsim_diags_has(&d, "JSON-01"));
	fsim_diags_clear(&d);
	assert_int_equal(fsim_json_load((const uint8_t *)"", 0, &j, &d, "f"),
	    FSIM_ERR_JSON);
	assert_int_equal(fsim_json_load(NULL, 1, &j, &d, "f"), FSIM_ERR_ARG);
	assert_int_equal(fsim_json_load((const uint8_t *)"1", 1, NULL, &d, "f"),
	    FSIM_ERR_ARG);
	fsim_diags_clear(&d);
}

static void
test_response_kind(void **state)
{
	json_t *j;

	(void)state;
	j = load(REG_OK);
	assert_int_equal(fsim_response_kind(j), FSIM_CEREMONY_REGISTRATION);
	json_decref(j);
	j = load(AUTH_OK);
	assert_int_equal(fsim_response_kind(j), FSIM_CEREMONY_AUTHENTICATION);
	json_decref(j);
	j = load("{\"response\":{\"clientDataJSON\":\"e30\"}}");
	assert_int_equal(fsim_response_kind(j), 0);
	json_decref(j);
	j = load("{\"response\":[]}");
	assert_int_equal(fsim_response_kind(j), 0);
	json_decref(j);
	j = load("[1]");
	assert_int_equal(fsim_response_kind(j), 0);
	json_decref(j);
	assert_int_equal(fsim_response_kind(NULL), 0);
}

/* ---- registration ---- */

static void
test_reg_ok_and_member_order(void **state)
{
	fsim_reg_response_t *r = NULL;
	fsim_diags_t d;
	json_t *j = load(REG_OK), *back;
	char *s;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_reg_response_parse(j, &r, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_string_equal(r->id, "AQID");
	assert_true(fsim_blob_eq(&r->raw_id, (const uint8_t *)"\x01\x02\x03", 3));
	assert_true(fsim_blob_eq(&r->client_data_json, (const uint8_t *)"{}", 2));
	assert_true(fsim_blob_eq(&r->attestation_object, (const uint8_t *)"\xa0",
	    1));
	assert_int_equal(r->n_transports, 2);
	assert_string_equal(r->transports[0], "usb");
	assert_string_equal(r->transports[1], "nfc");
	assert_true(r->has_public_key);
	assert_true(r->has_public_key_alg);
	assert_int_equal(r->public_key_alg, -7);
	assert_string_equal(r->attachment, "cross-platform");
	assert_true(json_is_object(r->client_ext_results));
	/* toJSON() member order, byte for byte. */
	back = fsim_reg_response_to_json(r);
	assert_non_null(back);
	s = json_dumps(back, JSON_COMPACT);
	assert_non_null(s);
	assert_string_equal(s, REG_OK);
	free(s);
	json_decref(back);
	fsim_reg_response_free(&r);
	fsim_reg_response_free(&r);
	fsim_reg_response_free(NULL);
	json_decref(j);
	fsim_diags_clear(&d);
}

static void
test_reg_missing_rawid(void **state)
{
	fsim_diags_t d;
	const fsim_diag_t *e;

	(void)state;
	reg_fails(load_edit(REG_OK, "\"rawId\":\"AQID\",", ""), "JSON-01", &d);
	e = fsim_diags_first(&d, FSIM_SEV_ERROR);
	assert_string_equal(e->field, "rawId");
	assert_non_null(strstr(e->msg, "missing"));
	fsim_diags_clear(&d);
	/* rawId of the wrong type */
	reg_fails(load_edit(REG_OK, "\"rawId\":\"AQID\"", "\"rawId\":[1]"),
	    "JSON-01", &d);
	fsim_diags_clear(&d);
}

static void
test_reg_bad_b64_client_data(void **state)
{
	fsim_diags_t d;
	const fsim_diag_t *e;

	(void)state;
	/* '+' is standard base64, not base64url. */
	reg_fails(load_edit(REG_OK, "\"e30\"", "\"e3+\""), "JSON-04", &d);
	e = find_rule(&d, "ENC-01");
	assert_non_null(e);
	assert_string_equal(e->field, "response.clientDataJSON");
	assert_int_equal(e->offset, 2);
	e = find_rule(&d, "JSON-04");
	assert_string_equal(e->field, "response.clientDataJSON");
	fsim_diags_clear(&d);
	/* padding */
	reg_fails(load_edit(REG_OK, "\"e30\"", "\"e30=\""), "JSON-04", &d);
	assert_true(fsim_diags_has(&d, "ENC-01"));
	fsim_diags_clear(&d);
}

static void
test_reg_id_rawid_mismatch(void **state)
{
	fsim_diags_t d;
	const fsim_diag_t *e;

	(void)state;
	/* Reported under the ceremony's rule for it (REG-27). */
	reg_fails(load_edit(REG_OK, "\"id\":\"AQID\"", "\"id\":\"AQIE\""),
	    "REG-27", &d);
	e = fsim_diags_first(&d, FSIM_SEV_ERROR);
	assert_string_equal(e->field, "id");
	assert_non_null(strstr(e->msg, "id does not match rawId"));
	fsim_diags_clear(&d);
	/* id must be a string */
	reg_fails(load_edit(REG_OK, "\"id\":\"AQID\"", "\"id\":7"), "JSON-01",
	    &d);
	fsim_diags_clear(&d);
}

static void
test_reg_type_not_public_key(void **state)
{
	fsim_diags_t d;
	const fsim_diag_t *e;

	(void)state;
	reg_fails(load_edit(REG_OK, "\"public-key\"", "\"foo\""), "REG-01",
	    &d);
	e = fsim_diags_first(&d, FSIM_SEV_ERROR);
	assert_string_equal(e->field, "type");
	assert_non_null(strstr(e->msg, "\"foo\""));
	fsim_diags_clear(&d);
	reg_fails(load_edit(REG_OK, ",\"type\":\"public-key\"", ""), "JSON-01",
	    &d);
	fsim_diags_clear(&d);
}

static void
test_reg_all_problems_recorded(void **state)
{
	fsim_diags_t d;
	json_t *j = load("{\"id\":\"AQID\",\"type\":\"foo\",\"response\":{"
	    "\"clientDataJSON\":\"e3+\",\"transports\":\"usb\","
	    "\"publicKeyAlgorithm\":\"-7\"},\"clientExtensionResults\":[]}");

	(void)state;
	reg_fails(j, "JSON-01", &d);
	/* rawId, transports, publicKeyAlgorithm, attestationObject,
	 * clientExtensionResults: five JSON-01 errors; the type is REG-01's;
	 * plus JSON-04. */
	assert_int_equal(count_rule(&d, "JSON-01", FSIM_SEV_ERROR), 5);
	assert_int_equal(count_rule(&d, "REG-01", FSIM_SEV_ERROR), 1);
	assert_int_equal(count_rule(&d, "JSON-04", FSIM_SEV_ERROR), 1);
	/* authenticatorData absent: a warning, not an error */
	assert_int_equal(count_rule(&d, "JSON-01", FSIM_SEV_WARNING), 1);
	fsim_diags_clear(&d);
}

static void
test_reg_legacy_members_missing_warn(void **state)
{
	fsim_reg_response_t *r = NULL;
	fsim_diags_t d;
	/* What older browsers and webauthn.io copies send. */
	json_t *j = load("{\"id\":\"AQID\",\"rawId\":\"AQID\",\"response\":{"
	    "\"clientDataJSON\":\"e30\",\"attestationObject\":\"oA\"},"
	    "\"type\":\"public-key\"}");
	json_t *back;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_reg_response_parse(j, &r, &d), FSIM_OK);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	/* authenticatorData, transports, publicKeyAlgorithm,
	 * clientExtensionResults */
	assert_int_equal(count_rule(&d, "JSON-01", FSIM_SEV_WARNING), 4);
	assert_false(r->has_authenticator_data);
	assert_false(r->has_public_key_alg);
	assert_false(r->has_public_key);
	assert_int_equal(r->n_transports, 0);
	assert_non_null(r->client_ext_results);
	assert_int_equal(json_object_size(r->client_ext_results), 0);
	back = fsim_reg_response_to_json(r);
	assert_non_null(back);
	assert_true(json_is_object(json_object_get(back,
	    "clientExtensionResults")));
	json_decref(back);
	fsim_reg_response_free(&r);
	json_decref(j);
	fsim_diags_clear(&d);
}

static void
test_attachment(void **state)
{
	fsim_reg_response_t *r = NULL;
	fsim_diags_t d;
	json_t *j;
	const fsim_diag_t *e;

	(void)state;
	/* JSON-05: unknown value is a warning and treated as null. */
	fsim_diags_init(&d);
	j = load_edit(REG_OK, "\"cross-platform\"", "\"usb\"");
	assert_int_equal(fsim_reg_response_parse(j, &r, &d), FSIM_OK);
	e = find_rule(&d, "JSON-05");
	assert_non_null(e);
	assert_int_equal(e->sev, FSIM_SEV_WARNING);
	assert_string_equal(e->field, "authenticatorAttachment");
	assert_null(r->attachment);
	fsim_reg_response_free(&r);
	json_decref(j);
	fsim_diags_clear(&d);
	/* null is fine */
	j = load_edit(REG_OK, "\"cross-platform\"", "null");
	assert_int_equal(fsim_reg_response_parse(j, &r, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_null(r->attachment);
	fsim_reg_response_free(&r);
	json_decref(j);
	/* another type is an error */
	reg_fails(load_edit(REG_OK, "\"cross-platform\"", "1"), "JSON-01", &d);
	assert_false(fsim_diags_has(&d, "JSON-05"));
	fsim_diags_clear(&d);
}

static void
test_ext_results_buffers(void **state)
{
	fsim_diags_t d;
	fsim_reg_response_t *r = NULL;
	json_t *j;

	(void)state;
	/* JSON-04 applies inside clientExtensionResults too. */
	reg_fails(load_edit(REG_OK, "{\"credProps\":{\"rk\":true}}",
	    "{\"prf\":{\"results\":{\"first\":\"ab/c\"}}}"), "JSON-04", &d);
	assert_string_equal(find_rule(&d, "JSON-04")->field,
	    "clientExtensionResults.prf.results.first");
	fsim_diags_clear(&d);
	reg_fails(load_edit(REG_OK, "{\"credProps\":{\"rk\":true}}",
	    "{\"largeBlob\":{\"blob\":5}}"), "JSON-04", &d);
	fsim_diags_clear(&d);
	fsim_diags_init(&d);
	j = load_edit(REG_OK, "{\"credProps\":{\"rk\":true}}",
	    "{\"prf\":{\"results\":{\"first\":\"AQID\",\"second\":\"BAUG\"}}}");
	assert_int_equal(fsim_reg_response_parse(j, &r, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	fsim_reg_response_free(&r);
	json_decref(j);
	fsim_diags_clear(&d);
}

/* ---- authentication ---- */

static void
test_auth_ok_and_member_order(void **state)
{
	fsim_auth_response_t *r = NULL;
	fsim_diags_t d;
	json_t *j = load(AUTH_OK), *back;
	char *s;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_auth_response_parse(j, &r, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_true(r->has_user_handle);
	assert_true(fsim_blob_eq(&r->user_handle, (const uint8_t *)"user", 4));
	assert_string_equal(r->attachment, "platform");
	back = fsim_auth_response_to_json(r);
	s = json_dumps(back, JSON_COMPACT);
	assert_string_equal(s, AUTH_OK);
	free(s);
	json_decref(back);
	fsim_auth_response_free(&r);
	fsim_auth_response_free(&r);
	json_decref(j);
	fsim_diags_clear(&d);
}

static void
test_auth_user_handle_empty(void **state)
{
	fsim_auth_response_t *r = NULL;
	fsim_diags_t d;
	json_t *j, *back;

	(void)state;
	fsim_diags_init(&d);
	/* PIT-10: "" is present and empty, not absent. */
	j = load_edit(AUTH_OK, "\"dXNlcg\"", "\"\"");
	assert_int_equal(fsim_auth_response_parse(j, &r, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_true(r->has_user_handle);
	assert_int_equal(r->user_handle.len, 0);
	back = fsim_auth_response_to_json(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    back, "response"), "userHandle")), "");
	json_decref(back);
	fsim_auth_response_free(&r);
	json_decref(j);
	/* null means none */
	j = load_edit(AUTH_OK, "\"dXNlcg\"", "null");
	assert_int_equal(fsim_auth_response_parse(j, &r, &d), FSIM_OK);
	assert_false(r->has_user_handle);
	back = fsim_auth_response_to_json(r);
	assert_null(json_object_get(json_object_get(back, "response"),
	    "userHandle"));
	json_decref(back);
	fsim_auth_response_free(&r);
	json_decref(j);
	fsim_diags_clear(&d);
	/* a number is an error */
	auth_fails(load_edit(AUTH_OK, "\"dXNlcg\"", "0"), "JSON-02", &d);
	fsim_diags_clear(&d);
}

static void
test_auth_missing_members(void **state)
{
	fsim_diags_t d;

	(void)state;
	auth_fails(load_edit(AUTH_OK, ",\"signature\":\"MEQ\"", ""), "JSON-02",
	    &d);
	assert_string_equal(fsim_diags_first(&d, FSIM_SEV_ERROR)->field,
	    "response.signature");
	fsim_diags_clear(&d);
	auth_fails(load_edit(AUTH_OK, "\"authenticatorData\":\"AAAA\",", ""),
	    "JSON-02", &d);
	fsim_diags_clear(&d);
	auth_fails(load_edit(AUTH_OK, "\"id\":\"AQID\"", "\"id\":\"AQIE\""),
	    "AUTH-23", &d);
	fsim_diags_clear(&d);
	auth_fails(load_edit(AUTH_OK, "\"MEQ\"", "\"ME Q\""), "JSON-04", &d);
	fsim_diags_clear(&d);
	auth_fails(load("[]"), "JSON-02", &d);
	fsim_diags_clear(&d);
}

/* ---- options ---- */

#define CREATE_OK "{\"rp\":{\"id\":\"example.org\",\"name\":\"Example\"}," \
	"\"user\":{\"id\":\"dXNlcg\",\"name\":\"alice\",\"displayName\":\"Alice\"}," \
	"\"challenge\":\"AAECAwQFBgcICQoLDA0ODw\",\"pubKeyCredParams\":[" \
	"{\"type\":\"public-key\",\"alg\":-7},{\"type\":\"future-key\",\"alg\":-8}," \
	"{\"type\":\"public-key\",\"alg\":-257}],\"timeout\":60000," \
	"\"excludeCredentials\":[{\"type\":\"public-key\",\"id\":\"AQID\"," \
	"\"transports\":[\"usb\",\"hybrid\"]}],\"authenticatorSelection\":{" \
	"\"authenticatorAttachment\":\"cross-platform\"," \
	"\"requireResidentKey\":true},\"hints\":[\"security-key\"]," \
	"\"attestation\":\"direct\",\"attestationFormats\":[\"packed\"]," \
	"\"extensions\":{\"credProps\":true}}"

static void
check_create_ok(const fsim_creation_options_t *o)
{
	assert_string_equal(o->rp_id, "example.org");
	assert_string_equal(o->rp_name, "Example");
	assert_true(fsim_blob_eq(&o->user_id, (const uint8_t *)"user", 4));
	assert_string_equal(o->user_name, "alice");
	assert_string_equal(o->user_display_name, "Alice");
	assert_int_equal(o->challenge.len, 16);
	/* the "future-key" entry is skipped */
	assert_int_equal(o->n_algs, 2);
	assert_int_equal(o->algs[0], -7);
	assert_int_equal(o->algs[1], -257);
	assert_int_equal(o->timeout, 60000);
	assert_int_equal(o->n_exclude, 1);
	assert_true(fsim_blob_eq(&o->exclude[0].id, (const uint8_t *)"\1\2\3", 3));
	assert_int_equal(o->exclude[0].n_transports, 2);
	assert_string_equal(o->exclude[0].transports[1], "hybrid");
	assert_string_equal(o->attachment, "cross-platform");
	/* requireResidentKey true with no residentKey => "required" */
	assert_string_equal(o->resident_key, "required");
	assert_string_equal(o->user_verification, "preferred");
	assert_int_equal(o->n_hints, 1);
	assert_string_equal(o->hints[0], "security-key");
	assert_string_equal(o->attestation, "direct");
	assert_int_equal(o->n_attestation_formats, 1);
	assert_string_equal(o->attestation_formats[0], "packed");
	assert_true(json_is_true(json_object_get(o->extensions, "credProps")));
}

static void
test_creation_bare_and_wrapped(void **state)
{
	fsim_creation_options_t *o = NULL;
	fsim_diags_t d;
	json_t *j;
	char buf[4096];

	(void)state;
	fsim_diags_init(&d);
	j = load(CREATE_OK);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_OK);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	/* the skipped entry is reported as information */
	assert_int_equal(count_rule(&d, "JSON-06", FSIM_SEV_INFO), 1);
	check_create_ok(o);
	fsim_creation_options_free(&o);
	fsim_creation_options_free(&o);
	json_decref(j);
	fsim_diags_clear(&d);

	snprintf(buf, sizeof(buf), "{\"publicKey\":%s}", CREATE_OK);
	j = load(buf);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_OK);
	check_create_ok(o);
	fsim_creation_options_free(&o);
	json_decref(j);
	fsim_diags_clear(&d);

	/* wrapped: paths name the wrapper */
	snprintf(buf, sizeof(buf), "{\"publicKey\":{\"rp\":{\"name\":\"x\"}}}");
	j = load(buf);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_ERR_JSON);
	assert_null(o);
	assert_string_equal(fsim_diags_first(&d, FSIM_SEV_ERROR)->field,
	    "publicKey.user");
	json_decref(j);
	fsim_diags_clear(&d);
}

static void
test_creation_user_id_length(void **state)
{
	fsim_creation_options_t *o = NULL;
	fsim_diags_t d;
	uint8_t raw[65];
	char *b64 = NULL, to[128];
	json_t *j;

	(void)state;
	memset(raw, 0x5a, sizeof(raw));
	fsim_diags_init(&d);
	/* 65 bytes: OPT-02 */
	assert_int_equal(fsim_b64url_encode(raw, 65, &b64), FSIM_OK);
	snprintf(to, sizeof(to), "\"%s\"", b64);
	free(b64);
	j = load_edit(CREATE_OK, "\"dXNlcg\"", to);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_ERR_JSON);
	assert_null(o);
	assert_true(fsim_diags_has(&d, "OPT-02"));
	assert_string_equal(find_rule(&d, "OPT-02")->field, "user.id");
	assert_non_null(strstr(find_rule(&d, "OPT-02")->msg, "65 bytes"));
	json_decref(j);
	fsim_diags_clear(&d);
	/* 0 bytes: OPT-02 */
	j = load_edit(CREATE_OK, "\"dXNlcg\"", "\"\"");
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_ERR_JSON);
	assert_true(fsim_diags_has(&d, "OPT-02"));
	json_decref(j);
	fsim_diags_clear(&d);
	/* 64 bytes: fine */
	assert_int_equal(fsim_b64url_encode(raw, 64, &b64), FSIM_OK);
	snprintf(to, sizeof(to), "\"%s\"", b64);
	free(b64);
	j = load_edit(CREATE_OK, "\"dXNlcg\"", to);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_OK);
	assert_int_equal(o->user_id.len, 64);
	assert_false(fsim_diags_has(&d, "OPT-02"));
	fsim_creation_options_free(&o);
	json_decref(j);
	fsim_diags_clear(&d);
}

/* resident_key after parsing CREATE_OK with the selection replaced. */
static void
check_rk(const char *sel, const char *want_rk, const char *want_uv)
{
	fsim_creation_options_t *o = NULL;
	fsim_diags_t d;
	json_t *j;

	fsim_diags_init(&d);
	j = load_edit(CREATE_OK, "{\"authenticatorAttachment\":\"cross-platform\","
	    "\"requireResidentKey\":true}", sel);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_OK);
	assert_string_equal(o->resident_key, want_rk);
	assert_string_equal(o->user_verification, want_uv);
	fsim_creation_options_free(&o);
	json_decref(j);
	fsim_diags_clear(&d);
}

static void
test_creation_resident_key(void **state)
{
	fsim_diags_t d;

	(void)state;
	check_rk("{\"requireResidentKey\":false}", "discouraged", "preferred");
	check_rk("{}", "discouraged", "preferred");
	check_rk("{\"residentKey\":\"preferred\",\"requireResidentKey\":true}",
	    "preferred", "preferred");
	/* OPT-04: unknown enum values are kept for the platform to judge */
	check_rk("{\"residentKey\":\"sometimes\",\"userVerification\":\"maybe\"}",
	    "sometimes", "maybe");
	check_rk("{\"userVerification\":\"required\"}", "discouraged", "required");
	/* requireResidentKey must be a boolean */
	fsim_diags_init(&d);
	{
		fsim_creation_options_t *o = NULL;
		json_t *j = load_edit(CREATE_OK, "\"requireResidentKey\":true",
		    "\"requireResidentKey\":\"yes\"");

		assert_int_equal(fsim_creation_options_parse(j, &o, &d),
		    FSIM_ERR_JSON);
		assert_string_equal(fsim_diags_first(&d,
		    FSIM_SEV_ERROR)->rule, "JSON-06");
		assert_string_equal(fsim_diags_first(&d,
		    FSIM_SEV_ERROR)->field,
		    "authenticatorSelection.requireResidentKey");
		json_decref(j);
	}
	fsim_diags_clear(&d);
}

static void
test_creation_defaults(void **state)
{
	fsim_creation_options_t *o = NULL;
	fsim_diags_t d;
	json_t *j = load("{\"rp\":{\"name\":\"R\"},\"user\":{\"id\":\"AQ\","
	    "\"name\":\"n\",\"displayName\":\"\"},\"challenge\":\"AQID\","
	    "\"pubKeyCredParams\":[]}");

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_null(o->rp_id);
	assert_int_equal(o->timeout, -1);
	assert_int_equal(o->n_algs, 0);
	assert_int_equal(o->n_exclude, 0);
	assert_null(o->attachment);
	assert_string_equal(o->resident_key, "discouraged");
	assert_string_equal(o->user_verification, "preferred");
	assert_string_equal(o->attestation, "none");
	assert_int_equal(o->n_hints, 0);
	assert_int_equal(o->n_attestation_formats, 0);
	assert_null(o->extensions);
	fsim_creation_options_free(&o);
	json_decref(j);
	fsim_diags_clear(&d);
}

static void
test_creation_errors(void **state)
{
	fsim_creation_options_t *o = NULL;
	fsim_diags_t d;
	json_t *j;

	(void)state;
	fsim_diags_init(&d);
	/* alg not an integer; challenge missing; timeout negative; exclude
	 * id not base64url; extensions not an object */
	j = load("{\"rp\":{\"name\":\"R\"},\"user\":{\"id\":\"AQ\",\"name\":\"n\","
	    "\"displayName\":\"d\"},\"pubKeyCredParams\":[{\"type\":"
	    "\"public-key\",\"alg\":\"-7\"}],\"timeout\":-1,"
	    "\"excludeCredentials\":[{\"type\":\"public-key\",\"id\":\"A=\"}],"
	    "\"extensions\":[]}");
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_ERR_JSON);
	assert_null(o);
	assert_int_equal(count_rule(&d, "JSON-06", FSIM_SEV_ERROR), 5);
	assert_true(fsim_diags_has(&d, "ENC-01"));
	assert_string_equal(find_rule(&d, "ENC-01")->field,
	    "excludeCredentials[0].id");
	json_decref(j);
	fsim_diags_clear(&d);
	j = load("\"options\"");
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_ERR_JSON);
	assert_true(fsim_diags_has(&d, "JSON-06"));
	json_decref(j);
	fsim_diags_clear(&d);
	j = load("{\"publicKey\":[]}");
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_ERR_JSON);
	assert_true(fsim_diags_has(&d, "JSON-06"));
	json_decref(j);
	fsim_diags_clear(&d);
	assert_int_equal(fsim_creation_options_parse(NULL, &o, &d),
	    FSIM_ERR_ARG);
}

static void
test_request_options(void **state)
{
	fsim_request_options_t *o = NULL;
	fsim_diags_t d;
	json_t *j;

	(void)state;
	fsim_diags_init(&d);
	j = load("{\"publicKey\":{\"challenge\":\"AQID\",\"timeout\":30000,"
	    "\"rpId\":\"example.org\",\"allowCredentials\":[{\"type\":"
	    "\"public-key\",\"id\":\"BAUG\",\"transports\":[\"internal\"]},"
	    "{\"type\":\"other\",\"id\":\"!!\"}],\"userVerification\":"
	    "\"required\",\"hints\":[\"client-device\"],\"extensions\":"
	    "{\"prf\":{}}}}");
	assert_int_equal(fsim_request_options_parse(j, &o, &d), FSIM_OK);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_true(fsim_blob_eq(&o->challenge, (const uint8_t *)"\1\2\3", 3));
	assert_int_equal(o->timeout, 30000);
	assert_string_equal(o->rp_id, "example.org");
	assert_int_equal(o->n_allow, 1);
	assert_true(fsim_blob_eq(&o->allow[0].id, (const uint8_t *)"\4\5\6", 3));
	assert_string_equal(o->allow[0].transports[0], "internal");
	assert_string_equal(o->user_verification, "required");
	assert_string_equal(o->hints[0], "client-device");
	assert_true(json_is_object(json_object_get(o->extensions, "prf")));
	fsim_request_options_free(&o);
	fsim_request_options_free(&o);
	json_decref(j);
	fsim_diags_clear(&d);

	/* bare, with the defaults */
	j = load("{\"challenge\":\"AQID\"}");
	assert_int_equal(fsim_request_options_parse(j, &o, &d), FSIM_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(o->timeout, -1);
	assert_null(o->rp_id);
	assert_int_equal(o->n_allow, 0);
	assert_string_equal(o->user_verification, "preferred");
	assert_null(o->extensions);
	fsim_request_options_free(&o);
	json_decref(j);

	/* challenge missing, timeout too large */
	j = load("{\"timeout\":4294967296,\"allowCredentials\":{}}");
	assert_int_equal(fsim_request_options_parse(j, &o, &d), FSIM_ERR_JSON);
	assert_null(o);
	assert_int_equal(count_rule(&d, "JSON-06", FSIM_SEV_ERROR), 3);
	assert_string_equal(fsim_diags_first(&d, FSIM_SEV_ERROR)->field,
	    "challenge");
	json_decref(j);
	fsim_diags_clear(&d);
}

/* mediation: beside publicKey (where browsers take it), or in bare options; a string. */
static void
test_options_mediation(void **state)
{
	fsim_creation_options_t *o = NULL;
	fsim_request_options_t *q = NULL;
	fsim_diags_t d;
	char buf[4096];
	json_t *j;

	(void)state;
	fsim_diags_init(&d);
	snprintf(buf, sizeof(buf), "{\"mediation\":\"conditional\",\"publicKey\":%s}",
	    CREATE_OK);
	j = load(buf);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_OK);
	assert_string_equal(o->mediation, "conditional");
	fsim_creation_options_free(&o);
	json_decref(j);
	fsim_diags_clear(&d);

	/* absent: NULL (the default, "optional", is the client's) */
	j = load(CREATE_OK);
	assert_int_equal(fsim_creation_options_parse(j, &o, &d), FSIM_OK);
	assert_null(o->mediation);
	fsim_creation_options_free(&o);
	json_decref(j);
	fsim_diags_clear(&d);

	/* an unknown value is kept for the client to refuse */
	j = load("{\"mediation\":\"sometimes\",\"challenge\":\"AQID\"}");
	assert_int_equal(fsim_request_options_parse(j, &q, &d), FSIM_OK);
	assert_string_equal(q->mediation, "sometimes");
	fsim_request_options_free(&q);
	json_decref(j);
	fsim_diags_clear(&d);

	/* not a string: JSON-06 naming the member */
	j = load("{\"mediation\":1,\"publicKey\":{\"challenge\":\"AQID\"}}");
	assert_int_equal(fsim_request_options_parse(j, &q, &d), FSIM_ERR_JSON);
	assert_null(q);
	assert_string_equal(fsim_diags_first(&d, FSIM_SEV_ERROR)->field, "mediation");
	json_decref(j);
	fsim_diags_clear(&d);
}

/* Member paths: base '.' key, an index glued on, cut to the buffer as snprintf cuts. */
static void
test_wj_path(void **state)
{
	char b[FSIM_WJ_PATH], small[8];
	char longkey[200];

	(void)state;
	fsim_wj_path(b, sizeof(b), NULL, "id");
	assert_string_equal(b, "id");
	fsim_wj_path(b, sizeof(b), "", "id");
	assert_string_equal(b, "id");
	fsim_wj_path(b, sizeof(b), "response", "signature");
	assert_string_equal(b, "response.signature");
	fsim_wj_path(b, sizeof(b), "excludeCredentials", "[1]");
	assert_string_equal(b, "excludeCredentials[1]");
	fsim_wj_path(small, sizeof(small), "response", "x");
	assert_string_equal(small, "respons");
	fsim_wj_path(small, sizeof(small), "resp", "onse");
	assert_string_equal(small, "resp.on");
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	fsim_wj_path(b, sizeof(b), "a", longkey);
	assert_int_equal(strlen(b), sizeof(b) - 1);
	assert_memory_equal(b, "a.kkk", 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_w3c_vectors),
		cmocka_unit_test(test_json_load),
		cmocka_unit_test(test_wj_path),
		cmocka_unit_test(test_response_kind),
		cmocka_unit_test(test_reg_ok_and_member_order),
		cmocka_unit_test(test_reg_missing_rawid),
		cmocka_unit_test(test_reg_bad_b64_client_data),
		cmocka_unit_test(test_reg_id_rawid_mismatch),
		cmocka_unit_test(test_reg_type_not_public_key),
		cmocka_unit_test(test_reg_all_problems_recorded),
		cmocka_unit_test(test_reg_legacy_members_missing_warn),
		cmocka_unit_test(test_attachment),
		cmocka_unit_test(test_ext_results_buffers),
		cmocka_unit_test(test_auth_ok_and_member_order),
		cmocka_unit_test(test_auth_user_handle_empty),
		cmocka_unit_test(test_auth_missing_members),
		cmocka_unit_test(test_creation_bare_and_wrapped),
		cmocka_unit_test(test_creation_user_id_length),
		cmocka_unit_test(test_creation_resident_key),
		cmocka_unit_test(test_creation_defaults),
		cmocka_unit_test(test_creation_errors),
		cmocka_unit_test(test_request_options),
		cmocka_unit_test(test_options_mediation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
