/*
 * report.c — verdict output.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/describe.h"
#include "cli/render.h"
#include "cli/report.h"
#include "mds/mds.h"
#include "rp-sim/mds_policy.h"
#include "rp-sim/policy_preset.h"
#include "rp-sim/webauthnio.h"

/* The preset library's own words for a failed or warned rule, or NULL. */
static const char *
library_text(const fsim_rp_result_t *res, const fsim_check_t *c)
{
	const char *t = NULL;

	if (c->status != FSIM_CHECK_FAIL && c->status != FSIM_CHECK_WARN)
		return NULL;
	if (res->preset != NULL)
		t = fsim_rp_preset_error_text(res->preset, fsim_rule(c->rule)->id);
	/* The metadata gate's own words (rp-sim/mds_policy.c), for the MDS rules. */
	if (t == NULL && res->mds_gate != NULL)
		t = fsim_mds_gate_error_text(res->mds_gate, fsim_rule(c->rule)->id);
	return t;
}

/*
 * authenticator.mds: what the BLOB says of it at the verification time
 * (null when the BLOB does not list it).
 */
static json_t *
mds_model(const fsim_rp_result_t *res)
{
	const fsim_mds_entry_t *e = res->mds_entry;
	const fsim_mds_report_t *cur;
	fsim_mds_status_t cert;

	if (e == NULL)
		return json_null();
	cur = fsim_mds_current(e, res->mds_at);
	cert = fsim_mds_certification(e, res->mds_at);
	return json_pack("{s:s?, s:s?, s:s?, s:s}", "status", cur ? cur->status_name : NULL,
	    "certification", cert == FSIM_MDS_ST_UNKNOWN ? NULL : fsim_mds_status_name(cert),
	    "description", e->description, "matchedBy", res->mds_matched ? res->mds_matched :
	    "aaguid");
}

/* Our name table's name, else the metadata statement's description. */
static const char *
authenticator_name(const fsim_rp_result_t *res, const fsim_aaguid_names_t *names,
    const uint8_t aaguid[16])
{
	const char *name = fsim_aaguid_name(names, aaguid);

	if (name == NULL && res->mds_entry != NULL)
		name = res->mds_entry->description;
	return name;
}

static json_t *
entry(const fsim_rp_result_t *res, const fsim_check_t *c, bool with_status)
{
	const fsim_rule_t *r = fsim_rule(c->rule);
	const char *lib = library_text(res, c);
	json_t *o = json_object();
	static const char *st[] = { "pass", "fail", "warn", "info" };

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "rule", json_string(r->id));
	json_object_set_new(o, "section", json_string(r->section));
	if (with_status)
		json_object_set_new(o, "status", json_string(st[c->status]));
	json_object_set_new(o, "message", json_string(c->msg[0] ? c->msg : r->summary));
	if (c->field[0])
		json_object_set_new(o, "field", json_string(c->field));
	if (c->offset != FSIM_NO_OFFSET)
		json_object_set_new(o, "offset", json_integer((json_int_t)c->offset));
	if (lib != NULL)
		json_object_set_new(o, "libraryError", json_string(lib));
	return o;
}

static json_t *
authdata_model(const fsim_authdata_t *ad)
{
	json_t *j = json_object();
	char s[FSIM_AAGUID_STRLEN + 1], *id = NULL;

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "rpIdHash", fsim_describe_hex(ad->rp_id_hash, 32));
	json_object_set_new(j, "flags", fsim_describe_flags(ad->flags));
	json_object_set_new(j, "signCount", json_integer(ad->sign_count));
	if (ad->flags & FSIM_AD_AT) {
		fsim_aaguid_format(ad->aaguid, s);
		json_object_set_new(j, "aaguid", json_string(s));
		if (fsim_b64url_encode(ad->cred_id.ptr, ad->cred_id.len, &id) == 0)
			json_object_set_new(j, "credentialId", json_string(id));
		free(id);
	}
	json_object_set_new(j, "extensions", ((ad->flags & FSIM_AD_ED) && ad->ext) ?
	    fsim_describe_cbor(ad->ext) : json_object());
	return j;
}

/* webauthn.io's card for the registered credential (rp-sim/webauthnio.h). */
static void
webauthnio_card(json_t *j, const fsim_rp_result_t *res, const fsim_aaguid_names_t *names,
    const json_t *response)
{
	fsim_webauthnio_card_t card;

	fsim_webauthnio_card(names, res->ad->aaguid, (res->ad->flags & FSIM_AD_BE) != 0,
	    fsim_webauthnio_discoverable(response), &card);
	json_object_set_new(j, "webauthnIo", fsim_webauthnio_json(&card));
}

json_t *
fsim_report_model(const fsim_rp_result_t *res, const fsim_aaguid_names_t *names,
    const json_t *response)
{
	json_t *j = json_object(), *errors = json_array(), *warnings = json_array();
	json_t *notes = json_array(), *checks = json_array();
	size_t i;

	if (j == NULL || errors == NULL || warnings == NULL || notes == NULL || checks == NULL)
		goto fail;
	json_object_set_new(j, "verified", json_boolean(res->verified));
	json_object_set_new(j, "ceremony", json_string(
	    res->ceremony == FSIM_CEREMONY_REGISTRATION ? "registration" : "authentication"));
	if (res->preset != NULL)
		json_object_set_new(j, "policyPreset", json_string(res->preset->name));
	for (i = 0; i < res->checks.n; i++) {
		const fsim_check_t *c = &res->checks.v[i];

		json_array_append_new(checks, entry(res, c, true));
		if (c->status == FSIM_CHECK_FAIL)
			json_array_append_new(errors, entry(res, c, false));
		else if (c->status == FSIM_CHECK_WARN)
			json_array_append_new(warnings, entry(res, c, false));
		else if (c->status == FSIM_CHECK_INFO)
			json_array_append_new(notes, entry(res, c, false));
	}
	json_object_set_new(j, "errors", errors);
	json_object_set_new(j, "warnings", warnings);
	json_object_set_new(j, "notes", notes);
	errors = warnings = notes = NULL;
	json_object_set_new(j, "authenticatorData",
	    res->ad ? authdata_model(res->ad) : json_null());
	if (res->ceremony == FSIM_CEREMONY_REGISTRATION) {
		json_t *att = json_object(), *auth = json_object();

		json_object_set_new(att, "fmt", res->fmt ? json_string(res->fmt) : json_null());
		json_object_set_new(att, "type", json_string(res->att_verified ?
		    fsim_att_type_name(res->att_type) : "unknown"));
		json_object_set_new(att, "verified", json_boolean(res->att_verified));
		json_object_set_new(att, "trusted", json_boolean(res->att_trusted));
		json_object_set_new(j, "attestation", att);
		if (res->ad != NULL && (res->ad->flags & FSIM_AD_AT)) {
			char s[FSIM_AAGUID_STRLEN + 1];
			const char *name = authenticator_name(res, names, res->ad->aaguid);

			fsim_aaguid_format(res->ad->aaguid, s);
			json_object_set_new(auth, "aaguid", json_string(s));
			json_object_set_new(auth, "name", name ? json_string(name) : json_null());
			if (res->mds_consulted)
				json_object_set_new(auth, "mds", mds_model(res));
			webauthnio_card(j, res, names, response);
		}
		json_object_set_new(j, "authenticator", auth);
	} else if (res->mds_consulted) {
		/* Authentication with a BLOB: the record's authenticator, when it is known. */
		json_t *auth = json_object();
		const fsim_mds_entry_t *e = res->mds_entry;
		char s[FSIM_AAGUID_STRLEN + 1];

		if (e != NULL && e->has_aaguid) {
			fsim_aaguid_format(e->aaguid, s);
			json_object_set_new(auth, "aaguid", json_string(s));
		}
		json_object_set_new(auth, "name", e && e->description ?
		    json_string(authenticator_name(res, names, e->aaguid)) : json_null());
		json_object_set_new(auth, "mds", mds_model(res));
		json_object_set_new(j, "authenticator", auth);
	}
	json_object_set_new(j, "credentialRecord",
	    res->record ? fsim_record_to_json(res->record) : json_null());
	json_object_set_new(j, "checks", checks);
	return j;
fail:
	json_decref(errors);
	json_decref(warnings);
	json_decref(notes);
	json_decref(checks);
	json_decref(j);
	return NULL;
}

void
fsim_report_json(FILE *f, const fsim_rp_result_t *res, const fsim_aaguid_names_t *names,
    const json_t *response)
{
	json_t *j = fsim_report_model(res, names, response);

	if (j == NULL) {
		fputs("{\"verified\": false, \"errors\": [{\"rule\": \"ENC-00\", "
		    "\"message\": \"out of memory\"}]}\n", f);
		return;
	}
	json_dumpf(j, f, JSON_INDENT(2));
	fputc('\n', f);
	json_decref(j);
}

bool
fsim_report_colour_for(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fileno(f)) && (nc == NULL || nc[0] == '\0');
}

/* One checklist line (and its library text and field), coloured by status. */
static void
check_line(FILE *f, const fsim_rp_result_t *res, const fsim_check_t *c, bool colour)
{
	static const char *st[] = { "pass", "FAIL", "warn", "note" };
	static const char *col[] = { "\033[32m", "\033[1;31m", "\033[33m", "\033[36m" };
	const fsim_rule_t *r = fsim_rule(c->rule);
	const char *lib = library_text(res, c);

	fprintf(f, "  %s%s%s  %-14s %-22s %s\n", colour ? col[c->status] : "", st[c->status],
	    colour ? "\033[0m" : "", r->id, r->section, c->msg[0] ? c->msg : r->summary);
	if (lib != NULL)
		fprintf(f, "  %26s%s says: \"%s\"\n", "", res->preset->name, lib);
	if (c->status != FSIM_CHECK_PASS && (c->field[0] || c->offset != FSIM_NO_OFFSET)) {
		fprintf(f, "  %26s", "");
		if (c->field[0])
			fprintf(f, "%s", c->field);
		if (c->offset != FSIM_NO_OFFSET)
			fprintf(f, "%sbyte offset %zu", c->field[0] ? " at " : "", c->offset);
		fputc('\n', f);
	}
}

void
fsim_report_text(FILE *f, const char *cmd, const fsim_rp_result_t *res,
    const fsim_aaguid_names_t *names, const json_t *response,
    const fsim_report_style_t *style)
{
	static const fsim_report_style_t plain = { false, false };
	size_t i, nf = fsim_checks_count(&res->checks, FSIM_CHECK_FAIL);
	size_t nw = fsim_checks_count(&res->checks, FSIM_CHECK_WARN);
	bool colour;
	json_t *m;

	if (style == NULL)
		style = &plain;
	colour = style->colour;
	fprintf(f, "fidosim %s: %s%s%s (%zu error%s, %zu warning%s)\n", cmd,
	    colour ? (res->verified ? "\033[1;32m" : "\033[1;31m") : "",
	    res->verified ? "VERIFIED" : "NOT VERIFIED", colour ? "\033[0m" : "",
	    nf, nf == 1 ? "" : "s", nw, nw == 1 ? "" : "s");
	if (res->preset != NULL)
		fprintf(f, "policy preset: %s (%s)\n", res->preset->name, res->preset->library);
	if (nf + nw > 0) {
		fprintf(f, "\n%s (WebAuthn Level 3 rule, spec section):\n",
		    nf > 0 ? (nw > 0 ? "failed, then warnings" : "failed") : "warnings");
		for (i = 0; i < res->checks.n; i++)
			if (res->checks.v[i].status == FSIM_CHECK_FAIL)
				check_line(f, res, &res->checks.v[i], colour);
		for (i = 0; i < res->checks.n; i++)
			if (res->checks.v[i].status == FSIM_CHECK_WARN)
				check_line(f, res, &res->checks.v[i], colour);
	}
	if (style->failures_only)
		return;
	fprintf(f, "\nchecks (WebAuthn Level 3 rule, spec section):\n");
	for (i = 0; i < res->checks.n; i++)
		check_line(f, res, &res->checks.v[i], colour);
	if ((m = fsim_report_model(res, names, response)) != NULL) {
		const json_t *card = json_object_get(m, "webauthnIo");

		if (card != NULL)
			fprintf(f, "\nwebauthn.io card (what its profile page would list):\n"
			    "  Description:    %s\n  Provider Name:  %s\n  AAGUID:         %s\n",
			    json_string_value(json_object_get(card, "description")),
			    json_string_value(json_object_get(card, "providerName")),
			    json_string_value(json_object_get(card, "aaguid")));
		json_object_del(m, "webauthnIo");
		json_object_del(m, "verified");
		json_object_del(m, "errors");
		json_object_del(m, "warnings");
		json_object_del(m, "notes");
		json_object_del(m, "checks");
		json_object_del(m, "policyPreset");
		fprintf(f, "\ndetails:\n");
		fsim_render_text(f, m, 2);
		json_decref(m);
	}
}
