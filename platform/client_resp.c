/*
 * client_resp.c — the WebAuthn L3 reference client, response side: the
 * authenticator's answer (CTAP 2.1 §6.1, §6.2 response maps) turned into
 * what PublicKeyCredential.toJSON() gives (§5.1, §5.2.1.1, §5.2.2), with the
 * attestation conveyance of §5.4.7 applied, and CTAP status codes mapped to
 * the DOMExceptions browsers raise.
 *
 * The client reads what it needs from the authenticator data (credential
 * ID, public key, extension outputs) and passes the bytes on untouched:
 * judging them is the relying party's job, so an authenticator data that
 * core's strict parser refuses (the deliberate quirks make such) is read
 * leniently instead of refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/internal.h"

/* ---- CTAP status names (CTAP 2.1 §8.2) ---- */

static const struct {
	uint8_t code;
	const char *name;
} status_names[] = {
	{ 0x00, "CTAP2_OK" },
	{ 0x01, "CTAP1_ERR_INVALID_COMMAND" },
	{ 0x02, "CTAP1_ERR_INVALID_PARAMETER" },
	{ 0x03, "CTAP1_ERR_INVALID_LENGTH" },
	{ 0x04, "CTAP1_ERR_INVALID_SEQ" },
	{ 0x05, "CTAP1_ERR_TIMEOUT" },
	{ 0x06, "CTAP1_ERR_CHANNEL_BUSY" },
	{ 0x0a, "CTAP1_ERR_LOCK_REQUIRED" },
	{ 0x0b, "CTAP1_ERR_INVALID_CHANNEL" },
	{ 0x11, "CTAP2_ERR_CBOR_UNEXPECTED_TYPE" },
	{ 0x12, "CTAP2_ERR_INVALID_CBOR" },
	{ 0x14, "CTAP2_ERR_MISSING_PARAMETER" },
	{ 0x15, "CTAP2_ERR_LIMIT_EXCEEDED" },
	{ 0x17, "CTAP2_ERR_FP_DATABASE_FULL" },
	{ 0x18, "CTAP2_ERR_LARGE_BLOB_STORAGE_FULL" },
	{ 0x19, "CTAP2_ERR_CREDENTIAL_EXCLUDED" },
	{ 0x21, "CTAP2_ERR_PROCESSING" },
	{ 0x22, "CTAP2_ERR_INVALID_CREDENTIAL" },
	{ 0x23, "CTAP2_ERR_USER_ACTION_PENDING" },
	{ 0x24, "CTAP2_ERR_OPERATION_PENDING" },
	{ 0x25, "CTAP2_ERR_NO_OPERATIONS" },
	{ 0x26, "CTAP2_ERR_UNSUPPORTED_ALGORITHM" },
	{ 0x27, "CTAP2_ERR_OPERATION_DENIED" },
	{ 0x28, "CTAP2_ERR_KEY_STORE_FULL" },
	{ 0x2b, "CTAP2_ERR_UNSUPPORTED_OPTION" },
	{ 0x2c, "CTAP2_ERR_INVALID_OPTION" },
	{ 0x2d, "CTAP2_ERR_KEEPALIVE_CANCEL" },
	{ 0x2e, "CTAP2_ERR_NO_CREDENTIALS" },
	{ 0x2f, "CTAP2_ERR_USER_ACTION_TIMEOUT" },
	{ 0x30, "CTAP2_ERR_NOT_ALLOWED" },
	{ 0x31, "CTAP2_ERR_PIN_INVALID" },
	{ 0x32, "CTAP2_ERR_PIN_BLOCKED" },
	{ 0x33, "CTAP2_ERR_PIN_AUTH_INVALID" },
	{ 0x34, "CTAP2_ERR_PIN_AUTH_BLOCKED" },
	{ 0x35, "CTAP2_ERR_PIN_NOT_SET" },
	{ 0x36, "CTAP2_ERR_PUAT_REQUIRED" },
	{ 0x37, "CTAP2_ERR_PIN_POLICY_VIOLATION" },
	{ 0x39, "CTAP2_ERR_REQUEST_TOO_LARGE" },
	{ 0x3a, "CTAP2_ERR_ACTION_TIMEOUT" },
	{ 0x3b, "CTAP2_ERR_UP_REQUIRED" },
	{ 0x3c, "CTAP2_ERR_UV_BLOCKED" },
	{ 0x3d, "CTAP2_ERR_INTEGRITY_FAILURE" },
	{ 0x3e, "CTAP2_ERR_INVALID_SUBCOMMAND" },
	{ 0x3f, "CTAP2_ERR_UV_INVALID" },
	{ 0x40, "CTAP2_ERR_UNAUTHORIZED_PERMISSION" },
	{ 0x7f, "CTAP1_ERR_OTHER" },
};

const char *
fsim_ctap_status_name(uint8_t status)
{
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].code == status)
			return status_names[i].name;
	if (status >= 0xe0 && status <= 0xef)
		return "CTAP2_ERR_EXTENSION";
	if (status >= 0xf0)
		return "CTAP2_ERR_VENDOR";
	return "CTAP2_ERR_UNKNOWN";
}

/* The authenticator's answer cannot be used: the browser gives up. */
#define BAD_RESPONSE(err, ...) \
	fsim_client_refuse((err), FSIM_DOM_NOT_ALLOWED, "authenticator-response", \
	    -1, __VA_ARGS__)

/* ---- authenticator data, read for what the client needs ---- */

typedef struct ad_view {
	uint8_t flags;
	const uint8_t *cred_id;      /* lent from the authData bytes */
	size_t cred_id_len;
	const uint8_t *cose;
	size_t cose_len;
	cbor_item_t *ext;            /* extension outputs map, a reference of ours, or NULL */
} ad_view_t;

static void
ad_view_reset(ad_view_t *v)
{
	if (v->ext != NULL)
		cbor_decref(&v->ext);
	memset(v, 0, sizeof(*v));
}

/*
 * Read authData (§6.1): strictly with core's parser when it is sound, else
 * by walking the layout and taking what is there (extra bytes, bad
 * extension maps, long credential IDs are the RP's to judge). need_acd:
 * attested credential data must be found. On failure *why says what is
 * missing.
 */
static int
ad_read(const uint8_t *p, size_t n, bool need_acd, ad_view_t *v, char *why,
    size_t wlen)
{
	fsim_authdata_t *ad = NULL;
	cbor_item_t *it = NULL;
	size_t off = 37, idl, used;

	memset(v, 0, sizeof(*v));
	if (fsim_authdata_parse(p, n, &ad, NULL) == FSIM_OK) {
		v->flags = ad->flags;
		if (ad->flags & FSIM_AD_AT) {
			/* The lent pointers must point into p, not into ad. */
			v->cred_id = p + ad->acd_offset + 18;
			v->cred_id_len = ad->cred_id.len;
			v->cose = p + ad->cose_offset;
			v->cose_len = ad->cose_key_raw.len;
		}
		if ((ad->flags & FSIM_AD_ED) && ad->ext != NULL)
			v->ext = cbor_incref(ad->ext);
		fsim_authdata_free(&ad);
		goto check;
	}
	if (n < FSIM_AD_MIN_LEN) {
		snprintf(why, wlen, "authenticator data is %zu bytes, shorter "
		    "than 37", n);
		return FSIM_ERR_FORMAT;
	}
	v->flags = p[32];
	if (v->flags & FSIM_AD_AT) {
		if (n - off < 18) {
			snprintf(why, wlen, "attested credential data is cut short");
			return FSIM_ERR_FORMAT;
		}
		idl = (size_t)p[off + 16] << 8 | p[off + 17];
		off += 18;
		if (n - off < idl) {
			snprintf(why, wlen, "credentialIdLength %zu runs past the "
			    "end of the authenticator data", idl);
			return FSIM_ERR_FORMAT;
		}
		v->cred_id = p + off;
		v->cred_id_len = idl;
		off += idl;
		if (fsim_cbor_decode_prefix(p + off, n - off, &it, &used,
		    NULL) != FSIM_OK) {
			snprintf(why, wlen, "the credential public key is not "
			    "one CBOR item");
			return FSIM_ERR_FORMAT;
		}
		cbor_decref(&it);
		v->cose = p + off;
		v->cose_len = used;
		off += used;
	}
	if ((v->flags & FSIM_AD_ED) && off < n &&
	    fsim_cbor_decode_prefix(p + off, n - off, &it, &used, NULL) == FSIM_OK) {
		if (cbor_isa_map(it))
			v->ext = it;
		else
			cbor_decref(&it);
	}
check:
	if (need_acd && v->cred_id == NULL) {
		snprintf(why, wlen, "the AT flag is clear: no attested credential "
		    "data");
		ad_view_reset(v);
		return FSIM_ERR_FORMAT;
	}
	return FSIM_OK;
}

/* An extension output of authData (text key), or NULL. */
static const cbor_item_t *
ext_get(const ad_view_t *v, const char *key)
{
	return v->ext != NULL ? fsim_cbor_map_get_str(v->ext, key) : NULL;
}

static bool
ext_true(const ad_view_t *v, const char *key)
{
	const cbor_item_t *it = ext_get(v, key);

	return it != NULL && cbor_isa_float_ctrl(it) &&
	    cbor_float_ctrl_is_ctrl(it) && cbor_get_bool(it);
}

/*
 * The public key for the response: publicKeyAlgorithm is the COSE alg;
 * publicKey (SPKI) only for the algorithms every client must support,
 * Ed25519 (-8), ES256 (-7) and RS256 (-257) (§5.2.1.1 getPublicKey()).
 */
static int
public_key(const ad_view_t *v, fsim_reg_response_t *rr, fsim_client_error_t *err)
{
	fsim_cose_key_t *k = NULL;
	cbor_item_t *m = NULL;
	int64_t alg = 0;
	int r;

	if (fsim_cose_key_parse(v->cose, v->cose_len, &k, NULL) == FSIM_OK) {
		alg = fsim_cose_key_alg(k);
		if (alg == FSIM_COSE_ES256 || alg == FSIM_COSE_RS256 ||
		    (alg == FSIM_COSE_EDDSA &&
		    fsim_cose_key_crv(k) == FSIM_COSE_CRV_ED25519)) {
			if ((r = fsim_cose_key_spki(k, &rr->public_key)) != FSIM_OK)
				goto fail;
			rr->has_public_key = true;
		}
	} else {
		/* A key the client cannot use still has its alg (label 3). */
		if (fsim_cbor_decode(v->cose, v->cose_len, &m, NULL) != FSIM_OK ||
		    !cbor_isa_map(m) || fsim_cbor_get_int(fsim_cbor_map_get_int(m, 3),
		    &alg) != FSIM_OK || alg < INT32_MIN || alg > INT32_MAX) {
			r = BAD_RESPONSE(err, "the credential public key names no "
			    "algorithm (COSE_Key label 3)");
			goto fail;
		}
	}
	rr->public_key_alg = alg;
	rr->has_public_key_alg = true;
	r = FSIM_OK;
fail:
	fsim_cose_key_free(&k);
	if (m != NULL)
		cbor_decref(&m);
	return r;
}

/* ---- registration ---- */

/* Is this attestation statement self attestation (packed, no x5c; §8.2)? */
static bool
is_self_attestation(const char *fmt, const cbor_item_t *st)
{
	return strcmp(fmt, "packed") == 0 && cbor_isa_map(st) &&
	    fsim_cbor_map_get_str(st, "x5c") == NULL;
}

/* The transports delivered (the platform's rule or the authenticator's). */
static int
copy_transports(const fsim_client_ceremony_t *cer, char ***dst, size_t *n)
{
	const char *v[8];
	size_t i, nv = fsim_mediate_transports(cer, v);

	*dst = NULL;
	*n = 0;
	if (nv == 0)
		return FSIM_OK;
	if ((*dst = calloc(nv, sizeof(**dst))) == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < nv; i++) {
		if (((*dst)[i] = strdup(v[i])) == NULL)
			return FSIM_ERR_NOMEM;
		(*n)++;
	}
	return FSIM_OK;
}

static bool
set_bool(json_t *o, const char *key, bool v)
{
	return json_object_set_new(o, key, json_boolean(v)) == 0;
}

/* clientExtensionResults of a registration, members in IDL (sorted) order. */
static json_t *
reg_ext_results(const fsim_client_ceremony_t *cer, const ad_view_t *v)
{
	json_t *o, *sub;

	if ((o = json_object()) == NULL)
		return NULL;
	if ((cer->ext & FSIM_CLIENT_EXT_CRED_BLOB) &&
	    !set_bool(o, "credBlob", ext_true(v, "credBlob")))
		goto fail;
	if (cer->cred_props_requested) {
		if ((sub = json_object()) == NULL ||
		    json_object_set_new(o, "credProps", sub) != 0 ||
		    !set_bool(sub, "rk", cer->rk_requested))
			goto fail;
	}
	if ((cer->ext & FSIM_CLIENT_EXT_HMAC_CREATE) &&
	    !set_bool(o, "hmacCreateSecret", ext_true(v, "hmac-secret")))
		goto fail;
	if (cer->ext & FSIM_CLIENT_EXT_PRF) {
		if ((sub = json_object()) == NULL ||
		    json_object_set_new(o, "prf", sub) != 0 ||
		    !set_bool(sub, "enabled", ext_true(v, "hmac-secret")))
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* The three members of the MakeCredential response map (§6.1: 1 fmt, 2 authData, 3 attStmt). */
static int
mc_members(const cbor_item_t *m, char **fmt, const uint8_t **ad, size_t *adl,
    const cbor_item_t **st, fsim_client_error_t *err)
{
	*fmt = NULL;
	if (!cbor_isa_map(m))
		return BAD_RESPONSE(err, "the MakeCredential response is a %s, "
		    "not a map", fsim_cbor_type_name(m));
	if (fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 2), ad, adl) != FSIM_OK)
		return BAD_RESPONSE(err, "the MakeCredential response has no "
		    "authData (2) byte string");
	*st = fsim_cbor_map_get_int(m, 3);
	if (*st == NULL || !(cbor_isa_map(*st) || cbor_isa_array(*st)))
		return BAD_RESPONSE(err, "the MakeCredential response has no "
		    "attStmt (3) map");
	if (fsim_cbor_get_text(fsim_cbor_map_get_int(m, 1), fmt) != FSIM_OK)
		return BAD_RESPONSE(err, "the MakeCredential response has no "
		    "fmt (1) text string");
	return FSIM_OK;
}

int
fsim_client_make_credential_response(const fsim_client_ceremony_t *cer,
    uint8_t status, const uint8_t *resp, size_t len, json_t **out,
    fsim_client_error_t *err)
{
	fsim_reg_response_t *rr = NULL;
	cbor_item_t *m = NULL;
	const cbor_item_t *st = NULL;
	const uint8_t *ad = NULL;
	size_t adl = 0;
	char *fmt = NULL, why[160];
	uint8_t *adc = NULL;
	ad_view_t v;
	bool keep = false;
	json_t *j;
	int r = FSIM_ERR_ARG;

	memset(&v, 0, sizeof(v));
	fsim_client_err_clear(err);
	if (out != NULL)
		*out = NULL;
	if (cer == NULL || out == NULL || err == NULL || (resp == NULL && len > 0))
		return FSIM_ERR_ARG;
	if (status != 0)
		return fsim_mediate_ctap_refusal(cer, status, err);
	if (fsim_cbor_decode(resp, len, &m, NULL) != FSIM_OK) {
		r = BAD_RESPONSE(err, "the MakeCredential response is not one "
		    "well-formed CBOR item");
		goto fail;
	}
	if ((r = mc_members(m, &fmt, &ad, &adl, &st, err)) != FSIM_OK)
		goto fail;
	if (ad_read(ad, adl, true, &v, why, sizeof(why)) != FSIM_OK) {
		r = BAD_RESPONSE(err, "authenticator data: %s", why);
		goto fail;
	}
	r = FSIM_ERR_NOMEM;
	if ((rr = calloc(1, sizeof(*rr))) == NULL)
		goto fail;
	if ((r = fsim_mediate_check(cer, fmt, v.flags, err)) != FSIM_OK)
		goto fail;
	if ((r = public_key(&v, rr, err)) != FSIM_OK)
		goto fail;
	/*
	 * The conveyance (§5.4.7 for spec-l3: direct and enterprise convey the
	 * statement as made; none, and indirect, which this client treats as
	 * none, replace it with fmt "none" and an empty attStmt, except self
	 * attestation; the AAGUID stays) and the profile's rewrites, on a copy.
	 */
	r = FSIM_ERR_NOMEM;
	if ((adc = malloc(adl > 0 ? adl : 1)) == NULL)
		goto fail;
	memcpy(adc, ad, adl);
	fsim_mediate_registration(cer, fmt, is_self_attestation(fmt, st), adc, adl, &keep);
	if (fsim_b64url_encode(v.cred_id, v.cred_id_len,
	    &rr->id) != FSIM_OK ||
	    fsim_blob_set(&rr->raw_id, v.cred_id, v.cred_id_len) != FSIM_OK ||
	    (rr->type = strdup("public-key")) == NULL ||
	    (cer->attachment != NULL &&
	    (rr->attachment = strdup(cer->attachment)) == NULL) ||
	    fsim_blob_set(&rr->client_data_json, cer->client_data_json.ptr,
	    cer->client_data_json.len) != FSIM_OK ||
	    fsim_blob_set(&rr->authenticator_data, adc, adl) != FSIM_OK ||
	    copy_transports(cer, &rr->transports, &rr->n_transports) != FSIM_OK ||
	    (rr->client_ext_results = reg_ext_results(cer, &v)) == NULL)
		goto fail;
	rr->has_authenticator_data = true;
	if ((r = fsim_attobj_encode(keep ? fmt : "none", keep ? st : NULL, adc,
	    adl, &rr->attestation_object)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((j = fsim_reg_response_to_json(rr)) == NULL)
		goto fail;
	*out = j;
	r = FSIM_OK;
fail:
	free(adc);
	fsim_reg_response_free(&rr);
	ad_view_reset(&v);
	if (m != NULL)
		cbor_decref(&m);
	free(fmt);
	return r;
}

/* ---- authentication ---- */

/* clientExtensionResults of an assertion, members in IDL (sorted) order. */
static json_t *
auth_ext_results(const fsim_client_ceremony_t *cer, const ad_view_t *v)
{
	const cbor_item_t *cb;
	const uint8_t *p = NULL;
	size_t n = 0;
	char *s = NULL;
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	if ((cer->ext & FSIM_CLIENT_EXT_APPID) && !set_bool(o, "appid", cer->appid_used))
		goto fail;
	if (cer->ext & FSIM_CLIENT_EXT_GET_CRED_BLOB) {
		/* credBlob output: the blob, empty when none was stored. */
		cb = ext_get(v, "credBlob");
		if (cb == NULL || fsim_cbor_get_bytes(cb, &p, &n) != FSIM_OK) {
			p = NULL;
			n = 0;
		}
		if (fsim_b64url_encode(p, n, &s) != FSIM_OK ||
		    json_object_set_new(o, "getCredBlob", json_string(s)) != 0)
			goto fail;
		free(s);
	}
	return o;
fail:
	free(s);
	json_decref(o);
	return NULL;
}

/*
 * The GetAssertion response map (§6.2: 1 credential, 2 authData,
 * 3 signature, 4 user, 5 numberOfCredentials). The credential may be left
 * out when the allow list had one entry. With several credentials the
 * client takes the first (the authenticator lists the newest first).
 */
static int
ga_members(const fsim_client_ceremony_t *cer, const cbor_item_t *m,
    fsim_auth_response_t *ar, fsim_client_error_t *err)
{
	const cbor_item_t *c, *u;
	const uint8_t *p;
	size_t n;

	if (!cbor_isa_map(m))
		return BAD_RESPONSE(err, "the GetAssertion response is a %s, not "
		    "a map", fsim_cbor_type_name(m));
	if ((c = fsim_cbor_map_get_int(m, 1)) != NULL) {
		if (!cbor_isa_map(c) || fsim_cbor_get_bytes(
		    fsim_cbor_map_get_str(c, "id"), &p, &n) != FSIM_OK)
			return BAD_RESPONSE(err, "the GetAssertion response's "
			    "credential (1) has no id byte string");
	} else if (cer->allow_only.len > 0) {
		p = cer->allow_only.ptr;
		n = cer->allow_only.len;
	} else
		return BAD_RESPONSE(err, "the GetAssertion response names no "
		    "credential (1)");
	if (fsim_blob_set(&ar->raw_id, p, n) != FSIM_OK ||
	    fsim_b64url_encode(p, n, &ar->id) != FSIM_OK)
		return FSIM_ERR_NOMEM;
	if (fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 2), &p, &n) != FSIM_OK)
		return BAD_RESPONSE(err, "the GetAssertion response has no "
		    "authData (2) byte string");
	if (fsim_blob_set(&ar->authenticator_data, p, n) != FSIM_OK)
		return FSIM_ERR_NOMEM;
	if (fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 3), &p, &n) != FSIM_OK)
		return BAD_RESPONSE(err, "the GetAssertion response has no "
		    "signature (3) byte string");
	if (fsim_blob_set(&ar->signature, p, n) != FSIM_OK)
		return FSIM_ERR_NOMEM;
	if ((u = fsim_cbor_map_get_int(m, 4)) != NULL) {
		if (!cbor_isa_map(u) || fsim_cbor_get_bytes(
		    fsim_cbor_map_get_str(u, "id"), &p, &n) != FSIM_OK)
			return BAD_RESPONSE(err, "the GetAssertion response's "
			    "user (4) has no id byte string");
		/* An empty user handle is no user handle. */
		if (n > 0) {
			if (fsim_blob_set(&ar->user_handle, p, n) != FSIM_OK)
				return FSIM_ERR_NOMEM;
			ar->has_user_handle = true;
		}
	}
	return FSIM_OK;
}

int
fsim_client_get_assertion_response(const fsim_client_ceremony_t *cer,
    uint8_t status, const uint8_t *resp, size_t len, json_t **out,
    fsim_client_error_t *err)
{
	fsim_auth_response_t *ar = NULL;
	cbor_item_t *m = NULL;
	char why[160];
	ad_view_t v;
	json_t *j;
	int r = FSIM_ERR_ARG;

	memset(&v, 0, sizeof(v));
	fsim_client_err_clear(err);
	if (out != NULL)
		*out = NULL;
	if (cer == NULL || out == NULL || err == NULL || (resp == NULL && len > 0))
		return FSIM_ERR_ARG;
	if (status != 0)
		return fsim_mediate_ctap_refusal(cer, status, err);
	if (fsim_cbor_decode(resp, len, &m, NULL) != FSIM_OK) {
		r = BAD_RESPONSE(err, "the GetAssertion response is not one "
		    "well-formed CBOR item");
		goto fail;
	}
	r = FSIM_ERR_NOMEM;
	if ((ar = calloc(1, sizeof(*ar))) == NULL)
		goto fail;
	if ((r = ga_members(cer, m, ar, err)) != FSIM_OK)
		goto fail;
	/* Only the extension outputs are read; the bytes go on as they are. */
	if (ad_read(ar->authenticator_data.ptr, ar->authenticator_data.len,
	    false, &v, why, sizeof(why)) != FSIM_OK) {
		r = BAD_RESPONSE(err, "authenticator data: %s", why);
		goto fail;
	}
	if ((r = fsim_mediate_check(cer, NULL, v.flags, err)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((ar->type = strdup("public-key")) == NULL ||
	    (cer->attachment != NULL &&
	    (ar->attachment = strdup(cer->attachment)) == NULL) ||
	    fsim_blob_set(&ar->client_data_json, cer->client_data_json.ptr,
	    cer->client_data_json.len) != FSIM_OK ||
	    (ar->client_ext_results = auth_ext_results(cer, &v)) == NULL)
		goto fail;
	if ((j = fsim_auth_response_to_json(ar)) == NULL)
		goto fail;
	*out = j;
	r = FSIM_OK;
fail:
	fsim_auth_response_free(&ar);
	ad_view_reset(&v);
	if (m != NULL)
		cbor_decref(&m);
	return r;
}
