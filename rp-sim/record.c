/*
 * record.c — credential records as JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "rp-sim/record.h"

fsim_cred_record_t *
fsim_record_new(void)
{
	return calloc(1, sizeof(fsim_cred_record_t));
}

void
fsim_record_free(fsim_cred_record_t **rp)
{
	fsim_cred_record_t *r;
	size_t i;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	fsim_blob_reset(&r->id);
	fsim_blob_reset(&r->public_key);
	fsim_cose_key_free(&r->key);
	for (i = 0; i < r->n_transports; i++)
		free(r->transports[i]);
	free(r->transports);
	fsim_blob_reset(&r->attestation_object);
	fsim_blob_reset(&r->attestation_client_data_json);
	free(r);
	*rp = NULL;
}

static int
get_b64(const json_t *j, const char *name, bool required, fsim_blob_t *out,
    fsim_diags_t *d)
{
	const json_t *v = json_object_get(j, name);

	if (v == NULL) {
		if (required)
			fsim_diags_add(d, FSIM_SEV_ERROR, "REC-01", name,
			    FSIM_NO_OFFSET, "missing");
		return required ? FSIM_ERR_FORMAT : FSIM_OK;
	}
	if (!json_is_string(v)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "REC-01", name, FSIM_NO_OFFSET,
		    "must be a base64url string");
		return FSIM_ERR_FORMAT;
	}
	return fsim_b64url_decode(json_string_value(v), json_string_length(v), out,
	    d, name);
}

static int
get_bool(const json_t *j, const char *name, bool *val, bool *has, fsim_diags_t *d)
{
	const json_t *v = json_object_get(j, name);

	*has = false;
	if (v == NULL || json_is_null(v))
		return FSIM_OK;
	if (!json_is_boolean(v)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "REC-01", name, FSIM_NO_OFFSET,
		    "must be a boolean");
		return FSIM_ERR_FORMAT;
	}
	*val = json_is_true(v);
	*has = true;
	return FSIM_OK;
}

int
fsim_record_from_json(const json_t *j, fsim_cred_record_t **out, fsim_diags_t *d)
{
	fsim_cred_record_t *r = NULL;
	const json_t *v, *e;
	fsim_diags_frame_t f;
	bool has;
	size_t i;
	int rc = FSIM_ERR_FORMAT, bad = 0;

	*out = NULL;
	if (!json_is_object(j)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "REC-01", NULL, FSIM_NO_OFFSET,
		    "the credential record must be a JSON object");
		return FSIM_ERR_FORMAT;
	}
	if ((r = fsim_record_new()) == NULL)
		return FSIM_ERR_NOMEM;
	v = json_object_get(j, "type");
	if (v != NULL && !(json_is_string(v) && strcmp(json_string_value(v), "public-key") == 0)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "REC-01", "type", FSIM_NO_OFFSET,
		    "must be \"public-key\"");
		bad++;
	}
	bad += get_b64(j, "id", true, &r->id, d) != 0;
	if (get_b64(j, "publicKey", true, &r->public_key, d) != 0)
		bad++;
	else {
		fsim_diags_push(d, &f, 0, "publicKey");
		if (fsim_cose_key_parse(r->public_key.ptr, r->public_key.len, &r->key, d) != 0)
			bad++;
		fsim_diags_pop(d, &f);
	}
	v = json_object_get(j, "signCount");
	if (v == NULL)
		r->sign_count = 0;
	else if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "REC-01", "signCount", FSIM_NO_OFFSET,
		    "must be an integer from 0 to 4294967295");
		bad++;
	} else
		r->sign_count = (uint32_t)json_integer_value(v);
	bad += get_bool(j, "uvInitialized", &r->uv_initialized, &has, d) != 0;
	bad += get_bool(j, "backupEligible", &r->backup_eligible, &r->has_backup_eligible, d) != 0;
	bad += get_bool(j, "backupState", &r->backup_state, &r->has_backup_state, d) != 0;
	v = json_object_get(j, "transports");
	if (v != NULL && json_is_array(v)) {
		if ((r->transports = calloc(json_array_size(v) + 1, sizeof(char *))) == NULL) {
			rc = FSIM_ERR_NOMEM;
			goto fail;
		}
		json_array_foreach(v, i, e) {
			if (!json_is_string(e))
				continue;
			if ((r->transports[r->n_transports] = fsim_strdup(json_string_value(e))) == NULL) {
				rc = FSIM_ERR_NOMEM;
				goto fail;
			}
			r->n_transports++;
		}
	} else if (v != NULL && !json_is_null(v)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "REC-01", "transports", FSIM_NO_OFFSET,
		    "must be an array of strings");
		bad++;
	}
	bad += get_b64(j, "attestationObject", false, &r->attestation_object, d) != 0;
	bad += get_b64(j, "attestationClientDataJSON", false,
	    &r->attestation_client_data_json, d) != 0;
	if (bad)
		goto fail;
	*out = r;
	r = NULL;
	rc = FSIM_OK;
fail:
	fsim_record_free(&r);
	return rc;
}

static json_t *
b64(const fsim_blob_t *b)
{
	char *s = NULL;
	json_t *j;

	if (fsim_b64url_encode(b->ptr, b->len, &s) != 0)
		return NULL;
	j = json_string(s);
	free(s);
	return j;
}

json_t *
fsim_record_to_json(const fsim_cred_record_t *r)
{
	json_t *j = json_object(), *t = json_array();
	size_t i;

	if (j == NULL || t == NULL)
		goto fail;
	if (json_object_set_new(j, "type", json_string("public-key")) ||
	    json_object_set_new(j, "id", b64(&r->id)) ||
	    json_object_set_new(j, "publicKey", b64(&r->public_key)) ||
	    json_object_set_new(j, "signCount", json_integer(r->sign_count)) ||
	    json_object_set_new(j, "uvInitialized", json_boolean(r->uv_initialized)))
		goto fail;
	for (i = 0; i < r->n_transports; i++)
		if (json_array_append_new(t, json_string(r->transports[i])))
			goto fail;
	if (json_object_set_new(j, "transports", t))
		goto fail_t;
	if (r->has_backup_eligible &&
	    json_object_set_new(j, "backupEligible", json_boolean(r->backup_eligible)))
		goto fail_t;
	if (r->has_backup_state &&
	    json_object_set_new(j, "backupState", json_boolean(r->backup_state)))
		goto fail_t;
	if (r->attestation_object.len > 0 &&
	    json_object_set_new(j, "attestationObject", b64(&r->attestation_object)))
		goto fail_t;
	if (r->attestation_client_data_json.len > 0 &&
	    json_object_set_new(j, "attestationClientDataJSON",
	    b64(&r->attestation_client_data_json)))
		goto fail_t;
	return j;
fail:
	json_decref(t);
fail_t:
	json_decref(j);
	return NULL;
}

int
fsim_record_from_authdata(const fsim_reg_response_t *rr, const fsim_authdata_t *ad,
    fsim_cred_record_t **out)
{
	fsim_cred_record_t *rec = fsim_record_new();
	size_t i;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	if (rec == NULL)
		return r;
	if (fsim_blob_set(&rec->id, ad->cred_id.ptr, ad->cred_id.len) != 0 ||
	    fsim_blob_set(&rec->public_key, ad->cose_key_raw.ptr, ad->cose_key_raw.len) != 0 ||
	    /* the parsed key is shared, not re-parsed nor re-checked (a point check is costly) */
	    fsim_cose_key_dup(ad->cose_key, &rec->key) != 0 ||
	    fsim_blob_set(&rec->attestation_object, rr->attestation_object.ptr,
	    rr->attestation_object.len) != 0 ||
	    fsim_blob_set(&rec->attestation_client_data_json, rr->client_data_json.ptr,
	    rr->client_data_json.len) != 0)
		goto fail;
	rec->sign_count = ad->sign_count;
	rec->uv_initialized = (ad->flags & FSIM_AD_UV) != 0;
	rec->backup_eligible = (ad->flags & FSIM_AD_BE) != 0;
	rec->backup_state = (ad->flags & FSIM_AD_BS) != 0;
	rec->has_backup_eligible = rec->has_backup_state = true;
	if (rr->n_transports > 0) {
		if ((rec->transports = calloc(rr->n_transports, sizeof(char *))) == NULL)
			goto fail;
		for (i = 0; i < rr->n_transports; i++) {
			if ((rec->transports[i] = fsim_strdup(rr->transports[i])) == NULL)
				goto fail;
			rec->n_transports++;
		}
	}
	*out = rec;
	rec = NULL;
	r = FSIM_OK;
fail:
	fsim_record_free(&rec);
	return r;
}

int
fsim_record_from_registration(const json_t *response, fsim_cred_record_t **out,
    fsim_diags_t *d)
{
	fsim_reg_response_t *rr = NULL;
	fsim_attobj_t *ao = NULL;
	int r = FSIM_ERR_FORMAT;

	*out = NULL;
	if (fsim_reg_response_parse(response, &rr, d) != 0)
		goto fail;
	if (fsim_attobj_parse_max(rr->attestation_object.ptr, rr->attestation_object.len,
	    65535, &ao, d) != 0 || ao->auth_data == NULL)
		goto fail;
	if (!(ao->auth_data->flags & FSIM_AD_AT) || ao->auth_data->cose_key == NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ACD-01", "attestationObject.authData", FSIM_NO_OFFSET,
		    "the registration carries no attested credential data (AT is clear)");
		goto fail;
	}
	r = fsim_record_from_authdata(rr, ao->auth_data, out);
fail:
	fsim_attobj_free(&ao);
	fsim_reg_response_free(&rr);
	return r;
}

int
fsim_record_from_any(const json_t *j, fsim_cred_record_t **out, bool *from_registration,
    fsim_diags_t *d)
{
	const json_t *c;

	if (from_registration != NULL)
		*from_registration = false;
	if (json_is_object(c = json_object_get(j, "credential")) ||
	    json_is_object(c = json_object_get(j, "credentialRecord")))
		return fsim_record_from_json(c, out, d);
	if (json_is_object(c = json_object_get(j, "response")) &&
	    json_is_object(json_object_get(c, "response")))
		j = c;   /* a vector holding a registration */
	if (fsim_response_kind(j) == FSIM_CEREMONY_REGISTRATION) {
		if (from_registration != NULL)
			*from_registration = true;
		return fsim_record_from_registration(j, out, d);
	}
	return fsim_record_from_json(j, out, d);
}
