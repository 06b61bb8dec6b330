/*
 * client.c — the WebAuthn L3 reference client (platform "spec-l3"), request
 * side: the checks a browser makes on the options (§5.1.3 create, §5.1.4.1
 * get), clientDataJSON (§5.8.1.1), and the CTAP2 requests
 * authenticatorMakeCredential (CTAP 2.1 §6.1) and authenticatorGetAssertion
 * (§6.2) in canonical CBOR (§8). The answers are turned into JSON by
 * client_resp.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "platform/internal.h"

/* ---- ceremony and errors ---- */

static void
strings_free(char ***vp, size_t *np)
{
	size_t i;

	if (*vp != NULL)
		for (i = 0; i < *np; i++)
			free((*vp)[i]);
	free(*vp);
	*vp = NULL;
	*np = 0;
}

void
fsim_client_ceremony_reset(fsim_client_ceremony_t *c)
{
	if (c == NULL)
		return;
	fsim_blob_reset(&c->client_data_json);
	free(c->rp_id);
	free(c->attestation);
	free(c->user_verification);
	strings_free(&c->transports, &c->n_transports);
	free(c->attachment);
	fsim_blob_reset(&c->allow_only);
	free(c->appid);
	memset(c, 0, sizeof(*c));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
fsim_client_ceremony_set_authenticator(fsim_client_ceremony_t *c,
    const char *const *transports, size_t n, const char *attachment)
{
	char **v = NULL, *att = NULL;
	size_t i, nv = 0;
	int r = FSIM_ERR_ARG;

	if (c == NULL || (n > 0 && transports == NULL))
		goto fail;
	r = FSIM_ERR_NOMEM;
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if (transports[i] == NULL) {
			r = FSIM_ERR_ARG;
			goto fail;
		}
		if ((v[nv] = strdup(transports[i])) == NULL)
			goto fail;
		nv++;
	}
	/* [[transports]]: unique, in lexicographical order (§5.2.1). */
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_str);
	for (i = 1; i < nv; ) {
		if (strcmp(v[i - 1], v[i]) == 0) {
			free(v[i]);
			memmove(&v[i], &v[i + 1], (nv - i - 1) * sizeof(*v));
			nv--;
		} else
			i++;
	}
	if (attachment != NULL && (att = strdup(attachment)) == NULL)
		goto fail;
	strings_free(&c->transports, &c->n_transports);
	free(c->attachment);
	c->transports = v;
	c->n_transports = nv;
	c->attachment = att;
	v = NULL;
	nv = 0;
	att = NULL;
	r = FSIM_OK;
fail:
	strings_free(&v, &nv);
	free(att);
	return r;
}

void
fsim_client_err_clear(fsim_client_error_t *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
	err->ctap_status = -1;
}

int
fsim_client_refuse(fsim_client_error_t *err, const char *name,
    const char *rule, int ctap_status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return FSIM_ERR_ARG;
	fsim_client_err_clear(err);
	err->name = name;
	err->ctap_status = ctap_status;
	if (rule != NULL)
		snprintf(err->rule, sizeof(err->rule), "%s", rule);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return FSIM_ERR_ARG;
}

json_t *
fsim_client_error_json(const fsim_client_error_t *err)
{
	json_t *o;
	char hex[8];

	if (err == NULL || err->name == NULL || (o = json_object()) == NULL)
		return NULL;
	if (json_object_set_new(o, "name", json_string(err->name)) != 0 ||
	    json_object_set_new(o, "message", json_string(err->message)) != 0)
		goto fail;
	if (err->ctap_status >= 0 && err->ctap_status <= 0xff) {
		snprintf(hex, sizeof(hex), "0x%02x", (unsigned)err->ctap_status);
		if (json_object_set_new(o, "ctapStatus", json_string(hex)) != 0)
			goto fail;
	}
	if (err->rule[0] != '\0' &&
	    json_object_set_new(o, "rule", json_string(err->rule)) != 0)
		goto fail;
	if (err->platform[0] != '\0' &&
	    json_object_set_new(o, "platform", json_string(err->platform)) != 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* ---- CBOR building ---- */

static int
put_int(cbor_item_t *map, int64_t key, cbor_item_t *value)
{
	return fsim_cbor_map_put(map, fsim_cbor_int(key), value) == FSIM_OK ?
	    FSIM_OK : FSIM_ERR_NOMEM;
}

static int
put_str(cbor_item_t *map, const char *key, cbor_item_t *value)
{
	return fsim_cbor_map_put(map, fsim_cbor_text(key), value) == FSIM_OK ?
	    FSIM_OK : FSIM_ERR_NOMEM;
}

/* An optional member: nothing when *value is NULL; the map takes it either way. */
static int
put_opt(cbor_item_t *map, int64_t key, cbor_item_t **value)
{
	cbor_item_t *v = *value;

	*value = NULL;
	return v == NULL ? FSIM_OK : put_int(map, key, v);
}

/* [{"id": bytes, "type": "public-key"}, ...] (PublicKeyCredentialDescriptor). */
static cbor_item_t *
cred_list(const fsim_cred_desc_t *v, size_t n)
{
	cbor_item_t *arr, *d = NULL;
	size_t i;

	if ((arr = cbor_new_definite_array(n)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((d = cbor_new_definite_map(2)) == NULL)
			goto fail;
		if (put_str(d, "id", fsim_cbor_bytes(v[i].id.ptr,
		    v[i].id.len)) != FSIM_OK ||
		    put_str(d, "type", fsim_cbor_text("public-key")) != FSIM_OK) {
			cbor_decref(&d);
			goto fail;
		}
		if (fsim_cbor_array_push(arr, d) != FSIM_OK)
			goto fail;
	}
	return arr;
fail:
	cbor_decref(&arr);
	return NULL;
}

/* The "command byte | canonical CBOR map" request. */
static int
encode_request(uint8_t cmd, const cbor_item_t *map, fsim_blob_t *req)
{
	fsim_blob_t body = { NULL, 0 };
	fsim_blob_t b = { NULL, 0 };
	int r;

	if ((r = fsim_cbor_encode(map, &body)) != FSIM_OK ||
	    (r = fsim_blob_append(&b, &cmd, 1)) != FSIM_OK ||
	    (r = fsim_blob_append(&b, body.ptr, body.len)) != FSIM_OK)
		goto fail;
	*req = b;
	b.ptr = NULL;
	b.len = 0;
	r = FSIM_OK;
fail:
	fsim_blob_reset(&body);
	fsim_blob_reset(&b);
	return r;
}

/* Encode the request, then hand the ceremony in flight (*c) over to *cer. */
static int
finish_request(uint8_t cmd, const cbor_item_t *map, fsim_client_ceremony_t *c,
    fsim_client_ceremony_t *cer, fsim_blob_t *req)
{
	int r;

	if ((r = encode_request(cmd, map, req)) != FSIM_OK)
		return r;
	fsim_client_ceremony_reset(cer);
	*cer = *c;
	memset(c, 0, sizeof(*c));
	return FSIM_OK;
}

/* clientDataJSON (§5.8.1.1; crossOrigin false, no topOrigin) and its hash. */
static int
client_data(const char *type, const fsim_blob_t *challenge, const char *origin,
    fsim_client_ceremony_t *cer)
{
	unsigned int hl = 0;
	int r;

	if ((r = fsim_clientdata_build(type, challenge->ptr, challenge->len,
	    origin, false, NULL, &cer->client_data_json)) != FSIM_OK)
		return r;
	if (EVP_Digest(cer->client_data_json.ptr, cer->client_data_json.len,
	    cer->client_data_hash, &hl, EVP_sha256(), NULL) != 1 || hl != 32)
		return FSIM_ERR_INTERNAL;
	return FSIM_OK;
}

/* ---- extensions (WebAuthn §9-10, CTAP 2.1 §12) ---- */

static const struct {
	const char *name;
	uint8_t level;
} cred_protect_levels[] = {
	{ "userVerificationOptional", 1 },
	{ "userVerificationOptionalWithCredentialIDList", 2 },
	{ "userVerificationRequired", 3 },
};

/*
 * Creation extensions the client maps to CTAP ones: credentialProtectionPolicy
 * -> credProtect (1..3; an unknown policy is ignored), credBlob (base64url
 * bytes) -> credBlob, hmacCreateSecret: true or prf -> hmac-secret: true.
 * credProps is client-only. Unknown extensions are ignored (§9).
 */
static int
mc_extensions(const json_t *ext, fsim_client_ceremony_t *cer, cbor_item_t **out,
    fsim_client_error_t *err)
{
	cbor_item_t *m = NULL;
	fsim_blob_t blob = { NULL, 0 };
	const json_t *v;
	const char *s;
	size_t i;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	if (!json_is_object(ext))
		return FSIM_OK;
	if ((v = json_object_get(ext, "credProps")) != NULL && json_is_true(v))
		cer->cred_props_requested = true;
	if ((m = cbor_new_definite_map(3)) == NULL)
		goto fail;
	if ((s = json_string_value(json_object_get(ext,
	    "credentialProtectionPolicy"))) != NULL)
		for (i = 0; i < sizeof(cred_protect_levels) /
		    sizeof(cred_protect_levels[0]); i++)
			if (strcmp(s, cred_protect_levels[i].name) == 0 &&
			    (r = put_str(m, "credProtect",
			    fsim_cbor_int(cred_protect_levels[i].level))) != FSIM_OK)
				goto fail;
	if ((v = json_object_get(ext, "credBlob")) != NULL) {
		if (!json_is_string(v) || fsim_b64url_decode(json_string_value(v),
		    json_string_length(v), &blob, NULL, NULL) != FSIM_OK) {
			r = fsim_client_refuse(err, FSIM_DOM_TYPE, "extension-input",
			    -1, "extensions.credBlob must be base64url bytes");
			goto fail;
		}
		if ((r = put_str(m, "credBlob", fsim_cbor_bytes(blob.ptr,
		    blob.len))) != FSIM_OK)
			goto fail;
		cer->ext |= FSIM_CLIENT_EXT_CRED_BLOB;
	}
	if ((v = json_object_get(ext, "hmacCreateSecret")) != NULL &&
	    json_is_true(v))
		cer->ext |= FSIM_CLIENT_EXT_HMAC_CREATE;
	if (json_is_object(json_object_get(ext, "prf")))
		cer->ext |= FSIM_CLIENT_EXT_PRF;
	if ((cer->ext & (FSIM_CLIENT_EXT_HMAC_CREATE | FSIM_CLIENT_EXT_PRF)) &&
	    (r = put_str(m, "hmac-secret", cbor_build_bool(true))) != FSIM_OK)
		goto fail;
	if (cbor_map_size(m) > 0) {
		*out = m;
		m = NULL;
	}
	r = FSIM_OK;
fail:
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&blob);
	return r;
}

/*
 * Assertion extensions: getCredBlob: true -> credBlob: true; appid is
 * answered with whether the AppID was asked (platform/appid.c). prf and
 * hmacGetSecret need a key agreement with the authenticator, which this
 * one-request client does not do: they are ignored, as unsupported
 * extensions are.
 */
static int
ga_extensions(const json_t *ext, fsim_client_ceremony_t *cer, cbor_item_t **out)
{
	cbor_item_t *m = NULL;
	const json_t *v;

	*out = NULL;
	if (!json_is_object(ext))
		return FSIM_OK;
	if (json_is_string(json_object_get(ext, "appid")))
		cer->ext |= FSIM_CLIENT_EXT_APPID;
	if ((v = json_object_get(ext, "getCredBlob")) == NULL || !json_is_true(v))
		return FSIM_OK;
	cer->ext |= FSIM_CLIENT_EXT_GET_CRED_BLOB;
	if ((m = cbor_new_definite_map(1)) == NULL ||
	    put_str(m, "credBlob", cbor_build_bool(true)) != FSIM_OK) {
		if (m != NULL)
			cbor_decref(&m);
		return FSIM_ERR_NOMEM;
	}
	*out = m;
	return FSIM_OK;
}

/* ---- options (uv, rk) ---- */

/*
 * uv: true when the RP requires UV, or prefers it and the authenticator can
 * verify. A requirement goes to the authenticator even when getInfo says it
 * cannot verify: it refuses (CTAP2_ERR_INVALID_OPTION), and the refusal
 * reaches the RP as NotAllowedError carrying the authenticator's status
 * (the contract: `get` with UV required and `--uv 0` names the CTAP status).
 */
static int
want_uv(const char *uv_req, bool uv_capable, bool *uv, fsim_client_error_t *err)
{
	(void)err;
	*uv = false;
	if (uv_req != NULL && strcmp(uv_req, "required") == 0)
		*uv = true;
	else if (uv_req != NULL && strcmp(uv_req, "preferred") == 0)
		*uv = uv_capable;
	/* "discouraged" and unknown values (§2.1.1: ignored): no uv. */
	return FSIM_OK;
}

/* The options map from the flags that are true; NULL when none is. */
static int
options_map(bool rk, bool up, bool uv, cbor_item_t **out)
{
	cbor_item_t *m;

	*out = NULL;
	if (!rk && !up && !uv)
		return FSIM_OK;
	if ((m = cbor_new_definite_map(3)) == NULL)
		return FSIM_ERR_NOMEM;
	if ((rk && put_str(m, "rk", cbor_build_bool(true)) != FSIM_OK) ||
	    (up && put_str(m, "up", cbor_build_bool(true)) != FSIM_OK) ||
	    (uv && put_str(m, "uv", cbor_build_bool(true)) != FSIM_OK)) {
		cbor_decref(&m);
		return FSIM_ERR_NOMEM;
	}
	*out = m;
	return FSIM_OK;
}

/* ---- authenticatorMakeCredential ---- */

static int
mc_entities(const fsim_creation_options_t *o, const char *rp_id, cbor_item_t *req)
{
	cbor_item_t *rp = NULL, *user = NULL;
	int r = FSIM_ERR_NOMEM;

	if ((rp = cbor_new_definite_map(2)) == NULL ||
	    (user = cbor_new_definite_map(3)) == NULL)
		goto fail;
	if (put_str(rp, "id", fsim_cbor_text(rp_id)) != FSIM_OK ||
	    (o->rp_name != NULL &&
	    put_str(rp, "name", fsim_cbor_text(o->rp_name)) != FSIM_OK))
		goto fail;
	if (put_str(user, "id", fsim_cbor_bytes(o->user_id.ptr,
	    o->user_id.len)) != FSIM_OK ||
	    (o->user_name != NULL &&
	    put_str(user, "name", fsim_cbor_text(o->user_name)) != FSIM_OK) ||
	    (o->user_display_name != NULL && put_str(user, "displayName",
	    fsim_cbor_text(o->user_display_name)) != FSIM_OK))
		goto fail;
	r = put_int(req, 2, rp);
	rp = NULL;
	if (r != FSIM_OK)
		goto fail;
	r = put_int(req, 3, user);
	user = NULL;
fail:
	if (rp != NULL)
		cbor_decref(&rp);
	if (user != NULL)
		cbor_decref(&user);
	return r;
}

/*
 * pubKeyCredParams as [{"alg", "type"}]: the public-key entries in the RP's
 * order (the parser dropped the other types). An empty list means the
 * spec's default, ES256 then RS256 (§5.1.3).
 */
static cbor_item_t *
mc_params(const fsim_creation_options_t *o)
{
	static const int64_t dflt[] = { FSIM_COSE_ES256, FSIM_COSE_RS256 };
	const int64_t *algs = o->n_algs > 0 ? o->algs : dflt;
	size_t i, n = o->n_algs > 0 ? o->n_algs : 2;
	cbor_item_t *arr, *p = NULL;

	if ((arr = cbor_new_definite_array(n)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((p = cbor_new_definite_map(2)) == NULL)
			goto fail;
		if (put_str(p, "alg", fsim_cbor_int(algs[i])) != FSIM_OK ||
		    put_str(p, "type", fsim_cbor_text("public-key")) != FSIM_OK) {
			cbor_decref(&p);
			goto fail;
		}
		if (fsim_cbor_array_push(arr, p) != FSIM_OK)
			goto fail;
	}
	return arr;
fail:
	cbor_decref(&arr);
	return NULL;
}

int
fsim_client_make_credential_request(const fsim_creation_options_t *o,
    const char *origin, bool uv_capable, bool rk_capable,
    fsim_client_ceremony_t *cer, fsim_blob_t *req, fsim_client_error_t *err)
{
	fsim_client_ceremony_t c;
	cbor_item_t *m = NULL, *ext = NULL, *opts = NULL;
	char *org = NULL;
	bool uv = false, rk = false;
	int r = FSIM_ERR_ARG;

	memset(&c, 0, sizeof(c));
	fsim_client_err_clear(err);
	if (o == NULL || cer == NULL || req == NULL || err == NULL)
		return FSIM_ERR_ARG;
	req->ptr = NULL;
	req->len = 0;
	c.platform = cer->platform;
	c.effects = cer->effects;
	/* §5.4.3: user.id is 1 to 64 bytes, else TypeError. */
	if (o->user_id.len < 1 || o->user_id.len > 64) {
		r = fsim_client_refuse(err, FSIM_DOM_TYPE, "user-id-length", -1,
		    "user.id is %zu bytes; it must be 1 to 64 bytes (WebAuthn "
		    "L3 5.4.3)", o->user_id.len);
		goto fail;
	}
	if ((r = fsim_client_resolve_rp(o->rp_id, origin, "5.1.3", &c.rp_id, &org,
	    err)) != FSIM_OK)
		goto fail;
	/* A U2F-era registration: the credential is bound to the AppID instead. */
	c.u2f_appid = cer->u2f_appid;
	if (c.u2f_appid != NULL) {
		if ((r = fsim_client_appid_check(c.u2f_appid, org, err)) != FSIM_OK)
			goto fail;
		free(c.rp_id);
		if ((c.rp_id = strdup(c.u2f_appid)) == NULL) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
	}
	if ((r = want_uv(fsim_mediate_uv_request(fsim_mediate_profile(&c),
	    o->user_verification, c.effects), uv_capable, &uv, err)) != FSIM_OK)
		goto fail;
	/* residentKey: required needs an rk-capable authenticator. */
	if (o->resident_key != NULL && strcmp(o->resident_key, "required") == 0) {
		if (!rk_capable) {
			r = fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED,
			    "rk-unavailable", -1, "a discoverable credential is "
			    "required and the authenticator cannot store one");
			goto fail;
		}
		rk = true;
	} else if (o->resident_key != NULL &&
	    strcmp(o->resident_key, "preferred") == 0)
		rk = rk_capable;
	c.rk_requested = rk;
	r = FSIM_ERR_NOMEM;
	if ((c.attestation = strdup(fsim_mediate_conveyance(fsim_mediate_profile(&c),
	    o->attestation, c.effects))) == NULL ||
	    (c.user_verification = strdup(o->user_verification != NULL ?
	    o->user_verification : "preferred")) == NULL)
		goto fail;
	if ((r = client_data("webauthn.create", &o->challenge, org, &c)) != FSIM_OK)
		goto fail;
	fsim_mediate_always(&c);
	if ((r = mc_extensions(o->extensions, &c, &ext, err)) != FSIM_OK ||
	    (r = options_map(rk, false, uv, &opts)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((m = cbor_new_definite_map(7)) == NULL ||
	    put_int(m, 1, fsim_cbor_bytes(c.client_data_hash, 32)) != FSIM_OK ||
	    mc_entities(o, c.rp_id, m) != FSIM_OK ||
	    put_int(m, 4, mc_params(o)) != FSIM_OK)
		goto fail;
	if (o->n_exclude > 0 &&
	    put_int(m, 5, cred_list(o->exclude, o->n_exclude)) != FSIM_OK)
		goto fail;
	if ((r = put_opt(m, 6, &ext)) == FSIM_OK && (r = put_opt(m, 7, &opts)) == FSIM_OK)
		r = finish_request(0x01, m, &c, cer, req);
fail:
	if (m != NULL)
		cbor_decref(&m);
	if (ext != NULL)
		cbor_decref(&ext);
	if (opts != NULL)
		cbor_decref(&opts);
	free(org);
	fsim_client_ceremony_reset(&c);
	return r;
}

/* ---- authenticatorGetAssertion ---- */

int
fsim_client_get_assertion_request(const fsim_request_options_t *o,
    const char *origin, bool uv_capable, fsim_client_ceremony_t *cer,
    fsim_blob_t *req, fsim_client_error_t *err)
{
	fsim_client_ceremony_t c;
	cbor_item_t *m = NULL, *ext = NULL, *opts = NULL;
	char *org = NULL;
	bool uv = false;
	int r = FSIM_ERR_ARG;

	memset(&c, 0, sizeof(c));
	fsim_client_err_clear(err);
	if (o == NULL || cer == NULL || req == NULL || err == NULL)
		return FSIM_ERR_ARG;
	req->ptr = NULL;
	req->len = 0;
	c.platform = cer->platform;
	c.effects = cer->effects;
	if ((r = fsim_client_resolve_rp(o->rp_id, origin, "5.1.4.1", &c.rp_id, &org,
	    err)) != FSIM_OK)
		goto fail;
	if ((r = want_uv(fsim_mediate_uv_request(fsim_mediate_profile(&c),
	    o->user_verification, c.effects), uv_capable, &uv, err)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((c.user_verification = strdup(o->user_verification != NULL ?
	    o->user_verification : "preferred")) == NULL)
		goto fail;
	if (o->n_allow == 1 && fsim_blob_set(&c.allow_only, o->allow[0].id.ptr,
	    o->allow[0].id.len) != FSIM_OK)
		goto fail;
	if ((r = client_data("webauthn.get", &o->challenge, org, &c)) != FSIM_OK)
		goto fail;
	fsim_mediate_always(&c);
	if ((r = ga_extensions(o->extensions, &c, &ext)) != FSIM_OK ||
	    (r = options_map(false, true, uv, &opts)) != FSIM_OK)
		goto fail;
	/* §10.1.1: an AppID that is not a valid facet of the caller is refused. */
	if ((c.ext & FSIM_CLIENT_EXT_APPID) && ((r = fsim_client_appid_check(
	    json_string_value(json_object_get(o->extensions, "appid")), org, err)) != FSIM_OK ||
	    (c.appid = strdup(json_string_value(json_object_get(o->extensions,
	    "appid")))) == NULL)) {
		if (r == FSIM_OK)
			r = FSIM_ERR_NOMEM;
		goto fail;
	}
	r = FSIM_ERR_NOMEM;
	if ((m = cbor_new_definite_map(5)) == NULL ||
	    put_int(m, 1, fsim_cbor_text(c.rp_id)) != FSIM_OK ||
	    put_int(m, 2, fsim_cbor_bytes(c.client_data_hash, 32)) != FSIM_OK)
		goto fail;
	if (o->n_allow > 0 &&
	    put_int(m, 3, cred_list(o->allow, o->n_allow)) != FSIM_OK)
		goto fail;
	if ((r = put_opt(m, 4, &ext)) == FSIM_OK && (r = put_opt(m, 5, &opts)) == FSIM_OK)
		r = finish_request(0x02, m, &c, cer, req);
fail:
	if (m != NULL)
		cbor_decref(&m);
	if (ext != NULL)
		cbor_decref(&ext);
	if (opts != NULL)
		cbor_decref(&opts);
	free(org);
	fsim_client_ceremony_reset(&c);
	return r;
}
