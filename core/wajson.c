/*
 * wajson.c — the WebAuthn L3 JSON forms: RegistrationResponseJSON and
 * AuthenticationResponseJSON (§5.1, the toJSON() IDL), and the creation and
 * request options JSON (§5.1.8/§5.1.9 parse*OptionsFromJSON).
 *
 * Parsers record every problem they find, not only the first, so one run
 * tells a person everything wrong with a capture. Field names in diagnostics
 * are JSON paths ("response.clientDataJSON", "excludeCredentials[1].id").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "json_fast.h"
#include "wajson.h"

#include "wajson_int.h"

int
fsim_json_load(const uint8_t *ptr, size_t len, json_t **out, fsim_diags_t *d,
    const char *field)
{
	json_error_t err;
	json_t *root;
	size_t pos;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (ptr == NULL && len > 0)
		return FSIM_ERR_ARG;
	/*
	 * One value and only whitespace after it (jansson's default EOF
	 * check); duplicate member names refused; NUL in strings refused
	 * (no JSON_ALLOW_NUL); jansson also refuses invalid UTF-8.
	 */
	if ((root = fsim_json_fast_load((const char *)ptr, len, JSON_DECODE_ANY)) != NULL) {
		*out = root;    /* plain JSON, loaded as jansson would (json_fast.h) */
		return FSIM_OK;
	}
	root = json_loadb(ptr != NULL ? (const char *)ptr : "", len,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (root == NULL) {
		if (json_error_code(&err) == json_error_out_of_memory)
			return FSIM_ERR_NOMEM;
		pos = err.position < 0 ? FSIM_NO_OFFSET : (size_t)err.position;
		fsim_diags_add(d, FSIM_SEV_ERROR, "JSON-01", field, pos,
		    "%s (%s; line %d, column %d)",
		    json_error_code(&err) == json_error_duplicate_key ?
		    "duplicate member name" : "not valid JSON", err.text,
		    err.line, err.column);
		return FSIM_ERR_JSON;
	}
	*out = root;
	return FSIM_OK;
}

/* ---- helpers shared with wajson_opts.c (declared in wajson_int.h) ---- */

void
fsim_wj_report(fsim_wj_t *c, fsim_sev_t sev, const char *rule,
    const char *path, const char *fmt, ...)
{
	char msg[sizeof(((fsim_diag_t *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sev == FSIM_SEV_ERROR)
		c->nerr++;
	fsim_diags_add(c->d, sev, rule, path, FSIM_NO_OFFSET, "%s", msg);
}

void
fsim_wj_path(char *buf, size_t n, const char *base, const char *key)
{
	/* base, '.' unless key is an index, key; cut to n - 1 as snprintf would */
	const char *part[3];
	size_t at = 0, i, k;

	if (n == 0)
		return;
	part[0] = base != NULL ? base : "";
	part[1] = part[0][0] == '\0' || key[0] == '[' ? "" : ".";
	part[2] = key;
	for (i = 0; i < 3; i++) {
		k = strlen(part[i]);
		if (k > n - 1 - at)
			k = n - 1 - at;
		memcpy(buf + at, part[i], k);
		at += k;
	}
	buf[at] = '\0';
}

const char *
fsim_wj_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	default: return "unknown";
	}
}

/*
 * obj[key], or NULL when absent (reported per `need`) or not of type `want`
 * (reported as an error with the shape rule).
 */
const json_t *
fsim_wj_member(fsim_wj_t *c, const json_t *obj, const char *base,
    const char *key, int need, json_type want)
{
	char path[FSIM_WJ_PATH];
	const json_t *v = json_object_get(obj, key);
	bool ok;

	fsim_wj_path(path, sizeof(path), base, key);
	if (v == NULL) {
		if (need == FSIM_WJ_REQ)
			fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, path,
			    "required member is missing");
		else if (need == FSIM_WJ_WARN)
			fsim_wj_report(c, FSIM_SEV_WARNING, c->rule, path,
			    "required by WebAuthn L3 but missing; continuing "
			    "(older clients omit it)");
		return NULL;
	}
	if (want == JSON_TRUE)
		ok = json_is_boolean(v);
	else
		ok = json_typeof(v) == want;
	if (!ok) {
		fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, path,
		    "must be %s, found %s",
		    want == JSON_OBJECT ? "an object" : want == JSON_ARRAY ?
		    "an array" : want == JSON_STRING ? "a string" :
		    want == JSON_INTEGER ? "an integer" : "a boolean",
		    fsim_wj_type_name(v));
		return NULL;
	}
	return v;
}

bool
fsim_wj_string(fsim_wj_t *c, const json_t *obj, const char *base,
    const char *key, int need, char **dst)
{
	const json_t *v = fsim_wj_member(c, obj, base, key, need, JSON_STRING);

	if (v == NULL)
		return false;
	if ((*dst = fsim_strdup(json_string_value(v))) == NULL) {
		c->oom = true;
		return false;
	}
	return true;
}

/* Decode a string value that must be base64url (ENC-01). */
bool
fsim_wj_b64_value(fsim_wj_t *c, const json_t *v, const char *path,
    fsim_blob_t *dst)
{
	int r;

	r = fsim_b64url_decode(json_string_value(v), json_string_length(v), dst,
	    c->d, path);
	if (r == FSIM_ERR_NOMEM)
		c->oom = true;
	else if (r != FSIM_OK)
		fsim_wj_report(c, FSIM_SEV_ERROR, c->b64rule, path,
		    "binary member is not base64url (see ENC-01)");
	return r == FSIM_OK;
}

bool
fsim_wj_b64(fsim_wj_t *c, const json_t *obj, const char *base,
    const char *key, int need, fsim_blob_t *dst)
{
	char path[FSIM_WJ_PATH];
	const json_t *v = fsim_wj_member(c, obj, base, key, need, JSON_STRING);

	if (v == NULL)
		return false;
	fsim_wj_path(path, sizeof(path), base, key);
	return fsim_wj_b64_value(c, v, path, dst);
}

void
fsim_wj_strings_free(char ***vp, size_t *np)
{
	size_t i;

	if (*vp != NULL)
		for (i = 0; i < *np; i++)
			free((*vp)[i]);
	free(*vp);
	*vp = NULL;
	*np = 0;
}

/* An array of strings (transports, hints, attestationFormats). */
bool
fsim_wj_strings(fsim_wj_t *c, const json_t *obj, const char *base,
    const char *key, int need, char ***dst, size_t *n)
{
	char path[FSIM_WJ_PATH], elem[FSIM_WJ_PATH + 24];
	const json_t *a = fsim_wj_member(c, obj, base, key, need, JSON_ARRAY);
	const json_t *e;
	size_t i, cnt;
	char **v;

	if (a == NULL)
		return false;
	if ((cnt = json_array_size(a)) == 0)
		return true;
	if ((v = calloc(cnt, sizeof(*v))) == NULL) {
		c->oom = true;
		return false;
	}
	*dst = v;
	*n = 0;
	fsim_wj_path(path, sizeof(path), base, key);
	json_array_foreach(a, i, e) {
		if (!json_is_string(e)) {
			snprintf(elem, sizeof(elem), "%s[%zu]", path, i);
			fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, elem,
			    "must be a string, found %s", fsim_wj_type_name(e));
			continue;
		}
		if ((v[*n] = fsim_strdup(json_string_value(e))) == NULL) {
			c->oom = true;
			return false;
		}
		(*n)++;
	}
	return true;
}

/* ---- responses ---- */

void
fsim_reg_response_free(fsim_reg_response_t **rp)
{
	fsim_reg_response_t *r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	free(r->id);
	free(r->type);
	free(r->attachment);
	fsim_blob_reset(&r->raw_id);
	fsim_blob_reset(&r->client_data_json);
	fsim_blob_reset(&r->attestation_object);
	fsim_blob_reset(&r->authenticator_data);
	fsim_blob_reset(&r->public_key);
	fsim_wj_strings_free(&r->transports, &r->n_transports);
	json_decref(r->client_ext_results);
	free(r);
	*rp = NULL;
}

void
fsim_auth_response_free(fsim_auth_response_t **rp)
{
	fsim_auth_response_t *r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	free(r->id);
	free(r->type);
	free(r->attachment);
	fsim_blob_reset(&r->raw_id);
	fsim_blob_reset(&r->client_data_json);
	fsim_blob_reset(&r->authenticator_data);
	fsim_blob_reset(&r->signature);
	fsim_blob_reset(&r->user_handle);
	json_decref(r->client_ext_results);
	free(r);
	*rp = NULL;
}

int
fsim_response_kind(const json_t *root)
{
	const json_t *resp;

	if (!json_is_object(root) ||
	    !json_is_object(resp = json_object_get(root, "response")))
		return 0;
	if (json_object_get(resp, "attestationObject") != NULL)
		return FSIM_CEREMONY_REGISTRATION;
	if (json_object_get(resp, "signature") != NULL)
		return FSIM_CEREMONY_AUTHENTICATION;
	return 0;
}

/*
 * JSON-04: ArrayBuffers inside clientExtensionResults are base64url too.
 * Checks the ones L3 defines: prf.results.{first,second}, largeBlob.blob.
 */
static void
check_ext_buffers(fsim_wj_t *c, const json_t *ext)
{
	static const char *const prf_keys[] = { "first", "second" };
	const json_t *o, *v;
	fsim_blob_t tmp = { NULL, 0 };
	char path[FSIM_WJ_PATH];
	size_t i;

	o = json_object_get(json_object_get(ext, "prf"), "results");
	for (i = 0; json_is_object(o) && i < 2; i++) {
		fsim_wj_path(path, sizeof(path), "clientExtensionResults.prf.results",
		    prf_keys[i]);
		if ((v = json_object_get(o, prf_keys[i])) == NULL)
			continue;
		if (!json_is_string(v))
			fsim_wj_report(c, FSIM_SEV_ERROR, "JSON-04", path,
			    "must be a base64url string, found %s",
			    fsim_wj_type_name(v));
		else
			(void)fsim_wj_b64_value(c, v, path, &tmp);
		fsim_blob_reset(&tmp);
	}
	v = json_object_get(json_object_get(ext, "largeBlob"), "blob");
	if (v != NULL) {
		snprintf(path, sizeof(path), "clientExtensionResults.largeBlob.blob");
		if (!json_is_string(v))
			fsim_wj_report(c, FSIM_SEV_ERROR, "JSON-04", path,
			    "must be a base64url string, found %s",
			    fsim_wj_type_name(v));
		else
			(void)fsim_wj_b64_value(c, v, path, &tmp);
		fsim_blob_reset(&tmp);
	}
}

/* The members both response kinds share (§5.1 PublicKeyCredential JSON). */
typedef struct common {
	char *id;
	fsim_blob_t raw_id;
	char *type;
	char *attachment;
	json_t *ext;
} common_t;

static void
parse_common(fsim_wj_t *c, const json_t *root, common_t *cm)
{
	const json_t *v, *raw;
	/* The ceremony rules name these two checks (REG-27/AUTH-23, REG-01/AUTH-01). */
	const bool reg = strcmp(c->rule, "JSON-01") == 0;

	(void)fsim_wj_string(c, root, NULL, "id", FSIM_WJ_REQ, &cm->id);
	raw = fsim_wj_member(c, root, NULL, "rawId", FSIM_WJ_REQ, JSON_STRING);
	if (raw != NULL && fsim_wj_b64_value(c, raw, "rawId", &cm->raw_id) &&
	    cm->id != NULL && strcmp(cm->id, json_string_value(raw)) != 0)
		/* §5.1: id is the base64url form of rawId. */
		fsim_wj_report(c, FSIM_SEV_ERROR, reg ? "REG-27" : "AUTH-23", "id",
		    "id does not match rawId (\"%.60s\" vs \"%.60s\")", cm->id,
		    json_string_value(raw));
	if (fsim_wj_string(c, root, NULL, "type", FSIM_WJ_REQ, &cm->type) &&
	    strcmp(cm->type, "public-key") != 0)
		fsim_wj_report(c, FSIM_SEV_ERROR, reg ? "REG-01" : "AUTH-01", "type",
		    "must be \"public-key\", found \"%.60s\"", cm->type);
	/* §5.2.x: null or absent both mean "not known". */
	v = json_object_get(root, "authenticatorAttachment");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v))
			fsim_wj_report(c, FSIM_SEV_ERROR, c->rule,
			    "authenticatorAttachment",
			    "must be a string or null, found %s",
			    fsim_wj_type_name(v));
		else if (strcmp(json_string_value(v), "platform") != 0 &&
		    strcmp(json_string_value(v), "cross-platform") != 0)
			fsim_wj_report(c, FSIM_SEV_WARNING, "JSON-05",
			    "authenticatorAttachment",
			    "unknown value \"%.60s\", treated as null",
			    json_string_value(v));
		else if ((cm->attachment = fsim_strdup(json_string_value(v))) ==
		    NULL)
			c->oom = true;
	}
	v = fsim_wj_member(c, root, NULL, "clientExtensionResults",
	    FSIM_WJ_WARN, JSON_OBJECT);
	if (v != NULL) {
		check_ext_buffers(c, v);
		cm->ext = json_deep_copy(v);
	} else
		cm->ext = json_object();
	if (cm->ext == NULL)
		c->oom = true;
}

static void
common_free(common_t *cm)
{
	free(cm->id);
	free(cm->type);
	free(cm->attachment);
	fsim_blob_reset(&cm->raw_id);
	json_decref(cm->ext);
	memset(cm, 0, sizeof(*cm));
}

#define COMMON_MOVE(r, cm) do {                         \
	(r)->id = (cm)->id;                             \
	(r)->raw_id = (cm)->raw_id;                     \
	(r)->type = (cm)->type;                         \
	(r)->attachment = (cm)->attachment;             \
	(r)->client_ext_results = (cm)->ext;            \
	memset((cm), 0, sizeof(*(cm)));                 \
} while (0)

static int
finish(const fsim_wj_t *c)
{
	if (c->oom)
		return FSIM_ERR_NOMEM;
	return c->nerr > 0 ? FSIM_ERR_JSON : FSIM_OK;
}

int
fsim_reg_response_parse(const json_t *root, fsim_reg_response_t **out,
    fsim_diags_t *d)
{
	fsim_wj_t c = { d, "JSON-01", "JSON-04", 0, false };
	fsim_reg_response_t *r = NULL;
	common_t cm;
	const json_t *resp, *v;
	int rc = FSIM_ERR_ARG;

	memset(&cm, 0, sizeof(cm));
	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (root == NULL)
		goto fail;
	rc = FSIM_ERR_JSON;
	if (!json_is_object(root)) {
		fsim_wj_report(&c, FSIM_SEV_ERROR, c.rule, NULL,
		    "RegistrationResponseJSON must be an object, found %s",
		    fsim_wj_type_name(root));
		goto fail;
	}
	rc = FSIM_ERR_NOMEM;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto fail;
	parse_common(&c, root, &cm);
	COMMON_MOVE(r, &cm);
	resp = fsim_wj_member(&c, root, NULL, "response", FSIM_WJ_REQ,
	    JSON_OBJECT);
	if (resp != NULL) {
		(void)fsim_wj_b64(&c, resp, "response", "clientDataJSON",
		    FSIM_WJ_REQ, &r->client_data_json);
		r->has_authenticator_data = fsim_wj_b64(&c, resp, "response",
		    "authenticatorData", FSIM_WJ_WARN, &r->authenticator_data);
		(void)fsim_wj_strings(&c, resp, "response", "transports",
		    FSIM_WJ_WARN, &r->transports, &r->n_transports);
		r->has_public_key = fsim_wj_b64(&c, resp, "response",
		    "publicKey", FSIM_WJ_OPT, &r->public_key);
		v = fsim_wj_member(&c, resp, "response", "publicKeyAlgorithm",
		    FSIM_WJ_WARN, JSON_INTEGER);
		if (v != NULL) {
			r->public_key_alg = json_integer_value(v);
			r->has_public_key_alg = true;
		}
		(void)fsim_wj_b64(&c, resp, "response", "attestationObject",
		    FSIM_WJ_REQ, &r->attestation_object);
	}
	if ((rc = finish(&c)) != FSIM_OK)
		goto fail;
	*out = r;
	r = NULL;
fail:
	common_free(&cm);
	fsim_reg_response_free(&r);
	return rc;
}

int
fsim_auth_response_parse(const json_t *root, fsim_auth_response_t **out,
    fsim_diags_t *d)
{
	fsim_wj_t c = { d, "JSON-02", "JSON-04", 0, false };
	fsim_auth_response_t *r = NULL;
	common_t cm;
	const json_t *resp, *v;
	int rc = FSIM_ERR_ARG;

	memset(&cm, 0, sizeof(cm));
	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (root == NULL)
		goto fail;
	rc = FSIM_ERR_JSON;
	if (!json_is_object(root)) {
		fsim_wj_report(&c, FSIM_SEV_ERROR, c.rule, NULL,
		    "AuthenticationResponseJSON must be an object, found %s",
		    fsim_wj_type_name(root));
		goto fail;
	}
	rc = FSIM_ERR_NOMEM;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto fail;
	parse_common(&c, root, &cm);
	COMMON_MOVE(r, &cm);
	resp = fsim_wj_member(&c, root, NULL, "response", FSIM_WJ_REQ,
	    JSON_OBJECT);
	if (resp != NULL) {
		(void)fsim_wj_b64(&c, resp, "response", "clientDataJSON",
		    FSIM_WJ_REQ, &r->client_data_json);
		(void)fsim_wj_b64(&c, resp, "response", "authenticatorData",
		    FSIM_WJ_REQ, &r->authenticator_data);
		(void)fsim_wj_b64(&c, resp, "response", "signature",
		    FSIM_WJ_REQ, &r->signature);
		/*
		 * userHandle: absent or null is "none"; "" is present and
		 * empty, which the RP must not confuse with absent (PIT-10).
		 */
		v = json_object_get(resp, "userHandle");
		if (v != NULL && !json_is_null(v))
			r->has_user_handle = fsim_wj_b64(&c, resp, "response",
			    "userHandle", FSIM_WJ_OPT, &r->user_handle);
	}
	if ((rc = finish(&c)) != FSIM_OK)
		goto fail;
	*out = r;
	r = NULL;
fail:
	common_free(&cm);
	fsim_auth_response_free(&r);
	return rc;
}

/* obj[key] = base64url(ptr, len); false on failure. */
static bool
set_b64(json_t *obj, const char *key, const fsim_blob_t *b)
{
	char *s = NULL;
	bool ok;

	if (fsim_b64url_encode(b->ptr, b->len, &s) != FSIM_OK)
		return false;
	ok = json_object_set_new(obj, key, json_string(s)) == 0;
	free(s);
	return ok;
}

static bool
set_common_tail(json_t *o, const char *attachment, const json_t *ext)
{
	if (attachment != NULL && json_object_set_new(o,
	    "authenticatorAttachment", json_string(attachment)) != 0)
		return false;
	return json_object_set_new(o, "clientExtensionResults",
	    ext != NULL ? json_deep_copy(ext) : json_object()) == 0;
}

json_t *
fsim_reg_response_to_json(const fsim_reg_response_t *r)
{
	json_t *o = NULL, *resp = NULL, *tr = NULL;
	size_t i;

	if (r == NULL || r->id == NULL)
		return NULL;
	if ((o = json_object()) == NULL || (resp = json_object()) == NULL ||
	    (tr = json_array()) == NULL)
		goto fail;
	for (i = 0; i < r->n_transports; i++)
		if (json_array_append_new(tr, json_string(r->transports[i])) != 0)
			goto fail;
	/* Member order as the IDL of §5.1 (toJSON() follows it). */
	if (json_object_set_new(o, "id", json_string(r->id)) != 0 ||
	    !set_b64(o, "rawId", &r->raw_id) ||
	    !set_b64(resp, "clientDataJSON", &r->client_data_json) ||
	    (r->has_authenticator_data &&
	    !set_b64(resp, "authenticatorData", &r->authenticator_data)))
		goto fail;
	if (json_object_set_new(resp, "transports", tr) != 0) {
		tr = NULL;
		goto fail;
	}
	tr = NULL;
	if ((r->has_public_key && !set_b64(resp, "publicKey", &r->public_key)) ||
	    (r->has_public_key_alg && json_object_set_new(resp,
	    "publicKeyAlgorithm", json_integer(r->public_key_alg)) != 0) ||
	    !set_b64(resp, "attestationObject", &r->attestation_object))
		goto fail;
	if (json_object_set_new(o, "response", resp) != 0) {
		resp = NULL;
		goto fail;
	}
	resp = NULL;
	if (!set_common_tail(o, r->attachment, r->client_ext_results) ||
	    json_object_set_new(o, "type",
	    json_string(r->type != NULL ? r->type : "public-key")) != 0)
		goto fail;
	return o;
fail:
	json_decref(tr);
	json_decref(resp);
	json_decref(o);
	return NULL;
}

json_t *
fsim_auth_response_to_json(const fsim_auth_response_t *r)
{
	json_t *o = NULL, *resp = NULL;

	if (r == NULL || r->id == NULL)
		return NULL;
	if ((o = json_object()) == NULL || (resp = json_object()) == NULL)
		goto fail;
	if (json_object_set_new(o, "id", json_string(r->id)) != 0 ||
	    !set_b64(o, "rawId", &r->raw_id) ||
	    !set_b64(resp, "clientDataJSON", &r->client_data_json) ||
	    !set_b64(resp, "authenticatorData", &r->authenticator_data) ||
	    !set_b64(resp, "signature", &r->signature) ||
	    (r->has_user_handle &&
	    !set_b64(resp, "userHandle", &r->user_handle)))
		goto fail;
	if (json_object_set_new(o, "response", resp) != 0) {
		resp = NULL;
		goto fail;
	}
	resp = NULL;
	if (!set_common_tail(o, r->attachment, r->client_ext_results) ||
	    json_object_set_new(o, "type",
	    json_string(r->type != NULL ? r->type : "public-key")) != 0)
		goto fail;
	return o;
fail:
	json_decref(resp);
	json_decref(o);
	return NULL;
}
