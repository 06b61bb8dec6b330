/*
 * pipeline_view.c — the pipeline's views read from bytes (what the provider
 * emitted: its CTAP response; what the platform delivered: the response JSON
 * or its refusal) and a ceremony's views and verdicts written as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/pipeline.h"
#include "harness/pipeline_int.h"
#include "rp-sim/webauthnio.h"

/* Attested credential data, and its AAGUID, start after the fixed header. */
#define AAGUID_OFF FSIM_AD_MIN_LEN

/* ---- views ---- */

static void
view_authdata(fsim_pipe_view_t *v, const uint8_t *ad, size_t len, bool registration)
{
	if (len < FSIM_AD_MIN_LEN)
		return;
	v->has_flags = true;
	v->flags = ad[32];
	v->sign_count = (uint32_t)ad[33] << 24 | (uint32_t)ad[34] << 16 |
	    (uint32_t)ad[35] << 8 | ad[36];
	if (registration && (ad[32] & FSIM_AD_AT) && len >= AAGUID_OFF + 16) {
		v->has_aaguid = true;
		memcpy(v->aaguid, ad + AAGUID_OFF, 16);
	}
}

static void
view_statement(fsim_pipe_view_t *v, const char *fmt, const cbor_item_t *st)
{
	snprintf(v->fmt, sizeof(v->fmt), "%s", fmt);
	v->has_x5c = st != NULL && cbor_isa_map(st) && fsim_cbor_map_get_str(st, "x5c") != NULL;
}

/* What the authenticator emitted: its CTAP status and response map. */
void
fsim_pipe_view_emitted(fsim_pipe_view_t *v, uint8_t st, const fsim_blob_t *resp, bool registration)
{
	cbor_item_t *m = NULL, *it;
	const uint8_t *ad;
	size_t adl;
	char *fmt = NULL;

	memset(v, 0, sizeof(*v));
	v->ctap_status = st;
	v->ok = st == 0;
	if (st != 0 || fsim_cbor_decode(resp->ptr, resp->len, &m, NULL) != FSIM_OK)
		return;
	if ((it = fsim_cbor_map_get_int(m, registration ? 2 : 2)) != NULL &&
	    fsim_cbor_get_bytes(it, &ad, &adl) == FSIM_OK)
		view_authdata(v, ad, adl, registration);
	if (registration && (it = fsim_cbor_map_get_int(m, 1)) != NULL &&
	    fsim_cbor_get_text(it, &fmt) == FSIM_OK)
		view_statement(v, fmt, fsim_cbor_map_get_int(m, 3));
	free(fmt);
	cbor_decref(&m);
}

/* What the platform delivered: the response JSON, or its refusal. */
void
fsim_pipe_view_delivered(fsim_pipe_view_t *v, const json_t *resp, const fsim_client_error_t *err,
    bool registration)
{
	const json_t *r, *tr;
	fsim_blob_t b = { NULL, 0 };
	fsim_attobj_t *ao = NULL;
	const char *s;
	size_t i;

	memset(v, 0, sizeof(*v));
	v->ctap_status = -1;
	if (resp == NULL) {
		if (err != NULL && err->name != NULL) {
			snprintf(v->error_name, sizeof(v->error_name), "%s", err->name);
			snprintf(v->error_message, sizeof(v->error_message), "%s", err->message);
			snprintf(v->error_rule, sizeof(v->error_rule), "%s", err->rule);
			v->ctap_status = err->ctap_status;
		}
		return;
	}
	v->ok = true;
	r = json_object_get(resp, "response");
	if (registration) {
		s = json_string_value(json_object_get(r, "attestationObject"));
		if (s != NULL && fsim_b64url_decode(s, strlen(s), &b, NULL, NULL) == FSIM_OK &&
		    fsim_attobj_parse(b.ptr, b.len, &ao, NULL) != FSIM_OK && ao == NULL)
			v->fmt[0] = '\0';
		/* A malformed authData still leaves the outer object readable. */
		if (ao != NULL) {
			view_authdata(v, ao->auth_data_raw.ptr, ao->auth_data_raw.len, true);
			if (ao->fmt != NULL)
				view_statement(v, ao->fmt, ao->att_stmt);
		}
		tr = json_object_get(r, "transports");
		for (i = 0; i < json_array_size(tr); i++)
			if ((s = json_string_value(json_array_get(tr, i))) != NULL)
				snprintf(v->transports + strlen(v->transports),
				    sizeof(v->transports) - strlen(v->transports), "%s%s",
				    i ? "," : "", s);
	} else {
		s = json_string_value(json_object_get(r, "authenticatorData"));
		if (s != NULL && fsim_b64url_decode(s, strlen(s), &b, NULL, NULL) == FSIM_OK)
			view_authdata(v, b.ptr, b.len, false);
	}
	fsim_attobj_free(&ao);
	fsim_blob_reset(&b);
}

void
fsim_pipe_view_response(fsim_pipe_view_t *v, const json_t *resp, bool registration)
{
	fsim_pipe_view_delivered(v, resp, NULL, registration);
}

bool
fsim_pipe_view_provider_name(const fsim_pipe_view_t *v, const fsim_aaguid_names_t *names,
    char *buf, size_t cap)
{
	fsim_webauthnio_card_t card;

	if (cap > 0)
		buf[0] = '\0';
	if (!v->has_aaguid || cap == 0)
		return false;
	fsim_webauthnio_card(names, v->aaguid, v->has_flags && (v->flags & FSIM_AD_BE) != 0, -1,
	    &card);
	snprintf(buf, cap, "%s", card.provider_name);
	return true;
}

/* ---- JSON ---- */

/* "a,b,c" as ["a","b","c"]; "" as []. */
static json_t *
comma_list(const char *s)
{
	json_t *a = json_array();
	const char *end;

	while (a != NULL && *s != '\0') {
		end = s + strcspn(s, ",");
		if (end > s)
			json_array_append_new(a, json_stringn(s, (size_t)(end - s)));
		s = *end ? end + 1 : end;
	}
	return a;
}

json_t *
fsim_pipe_view_json(const fsim_pipe_view_t *v, bool delivered)
{
	json_t *j = json_object();
	char a[FSIM_AAGUID_STRLEN + 1];

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "ok", json_boolean(v->ok));
	if (!delivered && v->ctap_status >= 0) {
		char hex[16];

		snprintf(hex, sizeof(hex), "0x%02x", (unsigned)v->ctap_status & 0xffu);
		json_object_set_new(j, "ctapStatus", json_string(hex));
	}
	if (v->error_name[0]) {
		json_object_set_new(j, "error", json_pack("{s:s, s:s, s:s*}", "name",
		    v->error_name, "message", v->error_message, "rule",
		    v->error_rule[0] ? v->error_rule : NULL));
	}
	if (v->fmt[0])
		json_object_set_new(j, "fmt", json_string(v->fmt));
	if (v->fmt[0])
		json_object_set_new(j, "x5c", json_boolean(v->has_x5c));
	if (v->has_aaguid) {
		fsim_aaguid_format(v->aaguid, a);
		json_object_set_new(j, "aaguid", json_string(a));
	}
	if (v->has_flags) {
		json_t *fl = json_object();

		if (fl != NULL) {
			/* members set directly: json_pack parses its format at each call */
			json_object_set_new(fl, "up", json_boolean(v->flags & FSIM_AD_UP));
			json_object_set_new(fl, "uv", json_boolean(v->flags & FSIM_AD_UV));
			json_object_set_new(fl, "be", json_boolean(v->flags & FSIM_AD_BE));
			json_object_set_new(fl, "bs", json_boolean(v->flags & FSIM_AD_BS));
		}
		json_object_set_new(j, "flags", fl);
		json_object_set_new(j, "signCount", json_integer(v->sign_count));
	}
	if (v->transports[0]) {
		/* "transports" stays the comma list it always was; the array is what verify --json gives */
		json_object_set_new(j, "transports", json_string(v->transports));
		json_object_set_new(j, "transportList", comma_list(v->transports));
	}
	return j;
}

/*
 * One verdict; errors/warnings: the comma lists of old; errorRules and
 * warningRules: arrays. Members set directly, in this order (json_pack
 * parses its format at each call, and a run makes thousands).
 */
static json_t *
verdict_json(const fsim_pipe_verdict_t *v)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (json_object_set_new(o, "policy", json_string(v->preset->name)) != 0 ||
	    json_object_set_new(o, "ran", json_boolean(v->ran)) != 0 ||
	    json_object_set_new(o, "verified", json_boolean(v->verified)) != 0 ||
	    json_object_set_new(o, "errors", json_string(v->errors)) != 0 ||
	    json_object_set_new(o, "warnings", json_string(v->warnings)) != 0 ||
	    json_object_set_new(o, "errorRules", comma_list(v->errors)) != 0 ||
	    json_object_set_new(o, "warningRules", comma_list(v->warnings)) != 0 ||
	    json_object_set_new(o, "firstError", v->first_error[0] ?
	    json_string(v->first_error) : json_null()) != 0 ||
	    json_object_set_new(o, "libraryError", v->library_error[0] ?
	    json_string(v->library_error) : json_null()) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
fsim_pipe_result_json(const fsim_pipe_result_t *r)
{
	json_t *j = json_object(), *eff = json_array(), *ver = json_array();
	size_t i;

	if (j == NULL || eff == NULL || ver == NULL) {
		json_decref(j);
		json_decref(eff);
		json_decref(ver);
		return NULL;
	}
	json_object_set_new(j, "ceremony", json_string(r->ceremony ==
	    FSIM_CEREMONY_REGISTRATION ? "registration" : "authentication"));
	json_object_set_new(j, "emitted", fsim_pipe_view_json(&r->emitted, false));
	json_object_set_new(j, "delivered", fsim_pipe_view_json(&r->delivered, true));
	for (i = 0; i < r->effects.n; i++)
		json_array_append_new(eff, json_pack("{s:s, s:s}", "rule", r->effects.v[i].rule,
		    "what", r->effects.v[i].what));
	json_object_set_new(j, "platformEffects", eff);
	for (i = 0; i < r->n_verdicts; i++) {
		const fsim_pipe_verdict_t *v = &r->verdicts[i];

		/* errors/warnings: the comma lists of old; errorRules/warningRules: arrays */
		json_array_append_new(ver, verdict_json(v));
	}
	json_object_set_new(j, "verdicts", ver);
	return j;
}
