/*
 * mds_check.c — the FIDO Metadata Service in the ceremonies (--mds):
 * WebAuthn L3 7.1 step 23 (the authenticator's metadata entry, by AAGUID or,
 * for a zero AAGUID, by the attestation certificate's key identifier; its
 * attestationRootCertificates as trust anchors) and step 24 (its status
 * reports, read as the policy's RP library reads them: mds_policy.c); at
 * authentication, the statuses again where the library checks them.
 */
#include <stdio.h>
#include <string.h>

#include "rp-sim/mds_policy.h"
#include "rp-sim/rp_internal.h"
#include "rp-sim/x509util.h"

/* The MDS attestationTypes name of what the format verifier found (Metadata Statement 3.0 4.4). */
static const char *
mds_type(fsim_att_type_t t)
{
	switch (t) {
	case FSIM_ATT_TYPE_BASIC: return "basic_full";
	case FSIM_ATT_TYPE_SELF: return "basic_surrogate";
	case FSIM_ATT_TYPE_ATTCA: return "attca";
	case FSIM_ATT_TYPE_ANONCA: return "anonca";
	default: return NULL;
	}
}

static bool
lists(const fsim_mds_strs_t *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return true;
	return false;
}

static const char *
desc(const fsim_mds_entry_t *e)
{
	return e->description ? e->description : "(no description)";
}

static void
report_date(const fsim_mds_report_t *r, char out[24])
{
	char d[11];

	if (!r->has_effective) {
		snprintf(out, 24, "undated");
		return;
	}
	fsim_mds_format_date(r->effective, d);
	snprintf(out, 24, "effective %s", d);
}

void
fsim_rp_mds_find(const fsim_rp_policy_t *p, const uint8_t aaguid[16], STACK_OF(X509) *x5c,
    fsim_rp_result_t *res)
{
	const fsim_mds_entry_t *e;
	uint8_t kid[20];
	int i;

	if (p->mds == NULL)
		return;
	res->mds_consulted = true;
	res->mds_at = p->at;
	res->mds_gate = fsim_mds_gate_for(p);
	if (res->mds_entry != NULL)
		return;
	if ((e = fsim_mds_find_aaguid(p->mds, aaguid)) != NULL) {
		res->mds_entry = e;
		res->mds_matched = "aaguid";
		return;
	}
	/* MDS 3.1.1: U2F authenticators are listed by their attestation keys. */
	for (i = 0; x5c != NULL && i < sk_X509_num(x5c); i++)
		if (fsim_mds_keyid(sk_X509_value(x5c, i), kid) == 0 &&
		    (e = fsim_mds_find_acki(p->mds, kid)) != NULL) {
			res->mds_entry = e;
			res->mds_matched = "attestationCertificateKeyIdentifier";
			return;
		}
}

/* ATT-MDS-01 for an authenticator this library does not find. */
static void
not_listed(const fsim_mds_gate_t *g, const uint8_t aaguid[16], bool keyid_tried,
    fsim_checks_t *ck)
{
	char s[FSIM_AAGUID_STRLEN + 1];
	bool zero = fsim_aaguid_is_zero(aaguid);

	fsim_aaguid_format(aaguid, s);
	if (g->strict_unknown)
		fsim_checks_fail(ck, FSIM_R_ATT_MDS_01, "authData.aaguid", "the BLOB lists no "
		    "entry for AAGUID %s%s, and this library refuses an authenticator it has "
		    "no metadata for", s, zero ? " (a zero AAGUID: fido-u2f, or hidden by "
		    "the platform)" : "");
	else
		fsim_checks_info(ck, FSIM_R_ATT_MDS_01, "authData.aaguid", "the BLOB lists no "
		    "entry for AAGUID %s%s: no metadata trust anchors or status for it", s,
		    keyid_tried ? " nor for the attestation key" : "");
}

/* ATT-MDS-02 / ATT-MDS-03: the status gate's outcome. */
static fsim_mds_outcome_t
judge(const fsim_rp_policy_t *p, const fsim_mds_gate_t *g, const fsim_mds_entry_t *e,
    STACK_OF(X509) *x5c, fsim_checks_t *ck)
{
	const fsim_mds_report_t *why = NULL, *cur = fsim_mds_current(e, p->at);
	fsim_mds_outcome_t o = fsim_mds_gate_judge(g, e, p->at, x5c, &why);
	char d[24];

	if (o == FSIM_MDSG_REFUSED) {
		report_date(why, d);
		fsim_checks_fail(ck, FSIM_R_ATT_MDS_02, "metadata.statusReports", "%s (%s) "
		    "refuses \"%.60s\": this policy refuses it in %s", why->status_name, d,
		    desc(e), fsim_mds_when_name(g->when));
	} else
		fsim_checks_add(ck, FSIM_R_ATT_MDS_02, FSIM_CHECK_PASS, "metadata.statusReports",
		    FSIM_NO_OFFSET, "status in effect: %s; no report refuses it as this "
		    "policy reads them (%s)", cur ? cur->status_name : "none",
		    fsim_mds_when_name(g->when));
	if (o == FSIM_MDSG_DROPPED && why != NULL) {
		report_date(why, d);
		fsim_checks_warn(ck, FSIM_R_ATT_MDS_03, "metadata.statusReports", "a %s report "
		    "(%s) makes this library drop the entry: no trust anchors from it",
		    why->status_name, d);
	} else if (o == FSIM_MDSG_DROPPED)
		fsim_checks_warn(ck, FSIM_R_ATT_MDS_03, "metadata.authenticatorVersion",
		    "an UPDATE_AVAILABLE report names a newer authenticatorVersion than the "
		    "statement's %u: the statement is not used (MDS 3.1.4)",
		    e->authenticator_version);
	else if (g->anchors && o == FSIM_MDSG_OK)
		fsim_checks_pass(ck, FSIM_R_ATT_MDS_03);
	return o;
}

bool
fsim_rp_mds_attestation(const fsim_rp_policy_t *p, const char *fmt, fsim_att_type_t type,
    STACK_OF(X509) *x5c, const uint8_t aaguid[16], fsim_rp_result_t *res)
{
	const fsim_mds_gate_t *g = fsim_mds_gate_for(p);
	const fsim_mds_entry_t *e;
	fsim_checks_t *ck = &res->checks;
	const char *need = x5c != NULL && sk_X509_num(x5c) > 0 ? mds_type(type) : NULL;
	bool has_x5c = x5c != NULL && sk_X509_num(x5c) > 0, required, trusted = false;
	char why[160];

	fsim_rp_mds_find(p, aaguid, x5c, res);
	e = res->mds_entry;
	if (!g->consults) {
		if (e != NULL)
			fsim_checks_info(ck, FSIM_R_ATT_MDS_01, "authData.aaguid", "listed as "
			    "\"%.60s\"; this library reads no BLOB when it verifies: the entry "
			    "only names the authenticator", desc(e));
		return false;
	}
	if (g->skip_none && strcmp(fmt, "none") == 0) {
		fsim_checks_info(ck, FSIM_R_ATT_MDS_01, "attestationObject.fmt", "fmt none: "
		    "this library does not look the authenticator up");
		return false;
	}
	if (e != NULL && strcmp(res->mds_matched, "aaguid") != 0 && !g->by_keyid)
		e = NULL;   /* found by key identifier, which this library never looks at */
	if (e == NULL) {
		not_listed(g, aaguid, has_x5c, ck);
		return false;
	}
	fsim_checks_add(ck, FSIM_R_ATT_MDS_01, FSIM_CHECK_PASS, "authData.aaguid", FSIM_NO_OFFSET,
	    "listed as \"%.80s\" (entries[%zu], by %s)", desc(e), e->position, res->mds_matched);
	if (judge(p, g, e, x5c, ck) != FSIM_MDSG_OK || !g->anchors || !has_x5c)
		return false;
	if (need != NULL && (g->types_listed || (strcmp(need, "basic_full") == 0 &&
	    fsim_rp_in_list(fmt, g->basic_full_fmts)))) {
		if (lists(&e->attestation_types, need))
			fsim_checks_pass(ck, FSIM_R_ATT_MDS_04);
		else
			fsim_checks_fail(ck, FSIM_R_ATT_MDS_04, "metadata.attestationTypes", "the "
			    "attestation is %s but the statement lists %s%s%s%s", need,
			    e->attestation_types.n ? e->attestation_types.v[0] : "no type",
			    e->attestation_types.n > 1 ? ", " : "",
			    e->attestation_types.n > 1 ? e->attestation_types.v[1] : "",
			    e->attestation_types.n > 2 ? ", ..." : "");
	}
	/* Step 23: the statement's roots are the anchors for this authenticator. */
	required = fsim_rp_in_list(fmt, g->chain_fmts) && (!g->chain_if_listed ||
	    lists(&e->attestation_types, "basic_full") || lists(&e->attestation_types, "attca"));
	if (fsim_trust_chain_roots(e->roots, x5c, p->at, &trusted, why, sizeof(why)) != 0)
		return false;
	if (!trusted && !required)
		return false;   /* the configured anchors may still trust it */
	if (fsim_trust_check_validity(x5c, p->at, ck) != 0)
		trusted = false;   /* ATT-03 failed, recorded; X509_verify_cert agreed */
	res->att_trusted = trusted;
	if (trusted)
		fsim_checks_add(ck, FSIM_R_ATT_TRUST_01, FSIM_CHECK_PASS,
		    "attestationObject.attStmt.x5c", FSIM_NO_OFFSET, "the %s attestation chains "
		    "to an attestation root of the metadata statement (\"%.60s\")", fmt, desc(e));
	else
		fsim_checks_fail(ck, FSIM_R_ATT_TRUST_01, "attestationObject.attStmt.x5c", "with "
		    "a metadata statement, this library requires the %s x5c to chain to its "
		    "attestation roots, and it does not (%s)", fmt, why);
	return true;
}

void
fsim_rp_mds_login(const fsim_rp_policy_t *p, const fsim_cred_record_t *rec,
    fsim_rp_result_t *res)
{
	const fsim_mds_gate_t *g = fsim_mds_gate_for(p);
	fsim_checks_t *ck = &res->checks;
	fsim_attobj_t *ao = NULL;
	STACK_OF(X509) *x5c = NULL;
	const cbor_item_t *arr;
	const fsim_mds_report_t *why = NULL;
	fsim_checks_t scratch;

	if (rec->attestation_object.len == 0 ||
	    fsim_attobj_parse(rec->attestation_object.ptr, rec->attestation_object.len, &ao,
	    NULL) != 0 || ao->auth_data == NULL || !(ao->auth_data->flags & FSIM_AD_AT)) {
		if (g->at_login != FSIM_MDSL_NONE && g->consults)
			fsim_checks_info(ck, FSIM_R_AUTH_MDS_01, "credential.attestationObject",
			    "the credential record keeps no attestation object: its "
			    "authenticator is not known, its metadata not checked");
		goto out;
	}
	fsim_checks_init(&scratch);
	if ((arr = fsim_cbor_map_get_str(ao->att_stmt, "x5c")) != NULL &&
	    fsim_x5c_parse(arr, &x5c, &scratch, FSIM_R_AUTH_MDS_01, "x5c") != 0)
		x5c = NULL;
	fsim_checks_clear(&scratch);
	fsim_rp_mds_find(p, ao->auth_data->aaguid, x5c, res);
	if (g->at_login == FSIM_MDSL_NONE || !g->consults ||
	    (g->skip_none && strcmp(ao->fmt, "none") == 0))
		goto out;
	if (res->mds_entry == NULL || (strcmp(res->mds_matched, "aaguid") != 0 && !g->by_keyid)) {
		if (g->strict_unknown && g->at_login == FSIM_MDSL_ERROR)
			fsim_checks_fail(ck, FSIM_R_AUTH_MDS_01, "credential.aaguid", "the BLOB "
			    "lists no entry for the credential's authenticator, and this library "
			    "checks metadata at every authentication");
		goto out;
	}
	if (fsim_mds_gate_judge(g, res->mds_entry, p->at, x5c, &why) == FSIM_MDSG_REFUSED) {
		char d[24];

		report_date(why, d);
		fsim_checks_add(ck, FSIM_R_AUTH_MDS_01, g->at_login == FSIM_MDSL_ERROR ?
		    FSIM_CHECK_FAIL : FSIM_CHECK_WARN, "credential.aaguid", FSIM_NO_OFFSET,
		    "%s (%s) refuses \"%.60s\"%s", why->status_name, d, desc(res->mds_entry),
		    g->at_login == FSIM_MDSL_ERROR ? ": this library checks it at every "
		    "authentication" : ": the RP should review this credential");
	} else
		fsim_checks_pass(ck, FSIM_R_AUTH_MDS_01);
out:
	sk_X509_pop_free(x5c, X509_free);
	fsim_attobj_free(&ao);
}
