/*
 * auth.c — authentication ceremony, WebAuthn L3 §7.2, every step in order,
 * against a stored credential record.
 */
#include <stdlib.h>
#include <string.h>

#include "rp-sim/rp_internal.h"
#include "core/ossl_cache.h"

/* Step 19 and §6.1.3: BE against the record, then what BS did. */
static void
check_backup(const fsim_rp_policy_t *p, const fsim_cred_record_t *rec,
    const fsim_authdata_t *ad, fsim_checks_t *ck)
{
	bool be = (ad->flags & FSIM_AD_BE) != 0, bs = (ad->flags & FSIM_AD_BS) != 0;

	/* What this RP compares BE with: the record, or false when it stored none. */
	bool known = rec->has_backup_eligible || p->be_unknown == FSIM_BE_UNKNOWN_FALSE;
	bool stored = rec->has_backup_eligible && rec->backup_eligible;

	if (!known)
		fsim_checks_info(ck, FSIM_R_AUTH_16, "credential.backupEligible",
		    "the record holds no backupEligible, so BE cannot be compared "
		    "(an RP should store it, 6.1.3)");
	else if (be == stored || p->be_change == FSIM_BE_IGNORE)
		fsim_checks_pass(ck, FSIM_R_AUTH_16);
	else if (be && p->be_change == FSIM_BE_ALLOW_UPGRADE)
		fsim_checks_warn(ck, FSIM_R_AUTH_16, "authData.flags",
		    "BE went from 0 to 1 (allowed by the be-change=allow-upgrade policy)");
	else
		fsim_checks_add(ck, FSIM_R_AUTH_16, FSIM_CHECK_FAIL, "authData.flags", 32,
		    "BE is %d but the credential record says backupEligible %s; BE is "
		    "fixed when a credential is made", be, !rec->has_backup_eligible ?
		    "nothing (read as false by this policy)" : stored ? "true" : "false");
	if (rec->has_backup_state && rec->backup_state != bs) {
		if (bs)
			fsim_checks_info(ck, FSIM_R_BK_06, "authData.flags",
			    "BS went from 0 to 1: the credential is now backed up");
		else
			fsim_checks_warn(ck, FSIM_R_BK_07, "authData.flags",
			    "BS went from 1 to 0: the credential is no longer backed up");
	}
}

/* Step 22: the signature counter. */
static void
check_counter(const fsim_rp_policy_t *p, const fsim_cred_record_t *rec,
    const fsim_authdata_t *ad, fsim_checks_t *ck)
{
	uint32_t stored = rec->sign_count, got = ad->sign_count;

	if ((stored == 0 && got == 0) || got > stored) {
		fsim_checks_pass(ck, FSIM_R_AUTH_19);
		return;
	}
	if (got == 0 && p->counter_zero_ok) {
		fsim_checks_info(ck, FSIM_R_AUTH_19, "authData.signCount", "signCount 0 "
		    "after a stored %u is accepted: this policy reads 0 as no counter", stored);
		return;
	}
	if (p->counter == FSIM_POL_IGNORE)
		return;
	fsim_checks_add(ck, FSIM_R_AUTH_19, p->counter == FSIM_POL_ERROR ?
	    FSIM_CHECK_FAIL : FSIM_CHECK_WARN, "authData.signCount", 33,
	    "signCount %u is not greater than the stored %u: the authenticator may "
	    "be cloned", got, stored);
}

static int
update_record(const fsim_cred_record_t *rec, const fsim_authdata_t *ad,
    fsim_rp_result_t *res)
{
	fsim_cred_record_t *u = fsim_record_new();
	size_t i;
	int r = FSIM_ERR_NOMEM;

	if (u == NULL)
		return r;
	if (fsim_blob_set(&u->id, rec->id.ptr, rec->id.len) != 0 ||
	    fsim_blob_set(&u->public_key, rec->public_key.ptr, rec->public_key.len) != 0 ||
	    fsim_blob_set(&u->attestation_object, rec->attestation_object.ptr,
	    rec->attestation_object.len) != 0 ||
	    fsim_blob_set(&u->attestation_client_data_json,
	    rec->attestation_client_data_json.ptr, rec->attestation_client_data_json.len) != 0)
		goto fail;
	if (rec->n_transports > 0) {
		if ((u->transports = calloc(rec->n_transports, sizeof(char *))) == NULL)
			goto fail;
		for (i = 0; i < rec->n_transports; i++) {
			if ((u->transports[i] = fsim_strdup(rec->transports[i])) == NULL)
				goto fail;
			u->n_transports++;
		}
	}
	/* Step 24: the new counter and backup state; uvInitialized is left alone. */
	u->sign_count = ad->sign_count;
	u->uv_initialized = rec->uv_initialized;
	u->has_backup_eligible = rec->has_backup_eligible;
	u->backup_eligible = rec->backup_eligible;
	u->has_backup_state = true;
	u->backup_state = (ad->flags & FSIM_AD_BS) != 0;
	res->record = u;
	u = NULL;
	r = FSIM_OK;
fail:
	fsim_record_free(&u);
	return r;
}

/*
 * EXT-APPID-01 (§10.1.1): the appid client output is true exactly when the
 * authenticator was asked with the AppID, so rpIdHash is then SHA-256 of the
 * AppID the RP sent (step 15 compares with it: AUTH-12) and otherwise of
 * the RP ID. Nothing is recorded when the RP sent no AppID and the output
 * is not true (the extension was not in play).
 */
static void
check_appid(const fsim_rp_policy_t *p, const fsim_auth_response_t *ar,
    const fsim_authdata_t *ad, fsim_checks_t *ck)
{
	const json_t *v = json_object_get(ar->client_ext_results, "appid");
	const char *f = "clientExtensionResults.appid";

	if (p->appid_unsupported)
		return;    /* a library without the extension reads neither the output nor an AppID */
	if (v != NULL && !json_is_boolean(v)) {
		fsim_checks_fail(ck, FSIM_R_EXT_APPID_01, f, "is a %s, not a boolean",
		    json_is_string(v) ? "string" : json_is_object(v) ? "object" :
		    json_is_array(v) ? "array" : json_is_null(v) ? "null" : "number");
		return;
	}
	if (json_is_true(v) && p->appid == NULL) {
		fsim_checks_fail(ck, FSIM_R_EXT_APPID_01, f, "is true, but the RP sent "
		    "no AppID (extensions.appid; verify-authentication --appid): the "
		    "output is unsolicited and rpIdHash cannot be of an AppID");
		return;
	}
	if (p->appid == NULL)
		return;
	if (json_is_true(v)) {
		if (fsim_rp_rpid_hash_is(ad, p->appid))
			fsim_checks_pass(ck, FSIM_R_EXT_APPID_01);
		else
			fsim_checks_fail(ck, FSIM_R_EXT_APPID_01, "authData.rpIdHash",
			    "the client output appid is true but rpIdHash is not SHA-256 "
			    "of the AppID \"%.100s\"%s", p->appid,
			    fsim_rp_rpid_hash_is(ad, p->rp_id) ? " (it is of the RP ID: "
			    "the client reported the AppID it did not use)" : "");
	} else if (fsim_rp_rpid_hash_is(ad, p->appid) &&
	    !fsim_rp_rpid_hash_is(ad, p->rp_id))
		fsim_checks_fail(ck, FSIM_R_EXT_APPID_01, f, "is %s, but rpIdHash is "
		    "SHA-256 of the AppID \"%.100s\": the client used the AppID and "
		    "must say so", v == NULL ? "absent" : "false", p->appid);
	else
		fsim_checks_pass(ck, FSIM_R_EXT_APPID_01);
}

int
fsim_rp_verify_authentication(const fsim_rp_policy_t *p, const json_t *response,
    const fsim_cred_record_t *rec, fsim_rp_result_t **out)
{
	fsim_rp_result_t *res = NULL;
	fsim_auth_response_t *ar = NULL;
	fsim_clientdata_t *cd = NULL;
	fsim_authdata_t *ad = NULL;
	fsim_checks_t *ck;
	fsim_diags_t d;
	fsim_diags_frame_t f;
	fsim_rp_uv_need_t uvn;
	uint8_t *msg = NULL;
	size_t mlen;
	bool appid_used;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	fsim_diags_init(&d);
	if (rec == NULL || rec->key == NULL)
		return FSIM_ERR_ARG;
	if ((res = fsim_rp_result_new(FSIM_CEREMONY_AUTHENTICATION)) == NULL)
		goto fail;
	res->preset = p->preset;
	ck = &res->checks;

	/* Step 3: an assertion response (JSON-02, JSON-04, AUTH-23). */
	if (fsim_auth_response_parse(response, &ar, &d) != 0) {
		fsim_checks_import(ck, &d, FSIM_R_JSON_02);
		if (!fsim_checks_failed(ck, FSIM_R_AUTH_01))
			fsim_checks_fail(ck, FSIM_R_AUTH_01, "response",
			    "not a usable AuthenticationResponseJSON; nothing else can be checked");
		goto done;
	}
	fsim_checks_import(ck, &d, FSIM_R_JSON_02);
	fsim_checks_pass(ck, FSIM_R_AUTH_01);
	fsim_checks_pass(ck, FSIM_R_AUTH_23);
	fsim_rp_pass_json(ck, false);

	/* Step 6: the credential is the one on record; an empty userHandle is absent. */
	if (!fsim_blob_eq(&ar->raw_id, rec->id.ptr, rec->id.len))
		fsim_checks_fail(ck, FSIM_R_AUTH_03, "rawId",
		    "is not the credential ID of the record");
	else
		fsim_checks_pass(ck, FSIM_R_AUTH_03);
	if (ar->has_user_handle && ar->user_handle.len == 0)
		fsim_checks_warn(ck, FSIM_R_AUTH_05, "response.userHandle",
		    "is an empty string; treated as absent");

	/* Steps 8-14 and 20. */
	fsim_rp_check_client_data(p, &fsim_ccd_auth, &ar->client_data_json, &cd, ck);

	fsim_diags_clear(&d);
	fsim_diags_push(&d, &f, 0, "authenticatorData");
	if (fsim_authdata_parse_ex(ar->authenticator_data.ptr, ar->authenticator_data.len,
	    p->cred_id_max != 0 ? p->cred_id_max : FSIM_CRED_ID_MAX,
	    p->trailing_bytes != FSIM_POL_ERROR ? FSIM_AD_PARSE_TRAILING_OK : 0, &ad, &d) != 0) {
		fsim_diags_pop(&d, &f);
		fsim_rp_import(p, ck, &d, FSIM_R_AD_01);
		fsim_checks_fail(ck, FSIM_R_AD_01, "authenticatorData",
		    "does not parse; the flag, counter and signature checks cannot run");
		goto done;
	}
	fsim_diags_pop(&d, &f);
	fsim_rp_import(p, ck, &d, FSIM_R_AD_01);
	fsim_rp_pass_authdata(ck, ad);

	/* Steps 15-18. */
	uvn.required = p->uv_rule != FSIM_UVR_NEVER && (p->uv == FSIM_UV_REQUIRED ||
	    p->uv_rule == FSIM_UVR_ALWAYS || (p->uv_rule == FSIM_UVR_STICKY &&
	    p->uv != FSIM_UV_DISCOURAGED && rec->uv_initialized));
	/* webauthn-rs checks BS against the stored BE, not the assertion's (bs-be-auth=record). */
	uvn.be = !p->bs_against_record ? -1 : rec->has_backup_eligible ?
	    (int)rec->backup_eligible : p->be_unknown == FSIM_BE_UNKNOWN_FALSE ? 0 : -1;
	if (p->uv == FSIM_UV_REQUIRED && p->uv_rule == FSIM_UVR_NEVER && !(ad->flags & FSIM_AD_UV))
		fsim_checks_info(ck, FSIM_R_AUTH_14, "authenticatorData.flags", "UV is not set "
		    "though the options said required; accepted: this policy was told not to "
		    "require it");
	uvn.why = p->uv == FSIM_UV_REQUIRED || !uvn.required ? "" :
	    p->uv_rule == FSIM_UVR_ALWAYS ?
	    " (this policy requires UV whatever the options said)" :
	    " (this policy requires UV once the credential was registered with UV)";
	/* Step 15 with §10.1.1: the client output appid says which ID was hashed. */
	appid_used = !p->appid_unsupported &&
	    json_is_true(json_object_get(ar->client_ext_results, "appid"));
	fsim_rp_check_authdata_common(p, appid_used && p->appid != NULL ? p->appid : NULL,
	    ad, &uvn, FSIM_R_AUTH_12, FSIM_R_AUTH_13, FSIM_R_AUTH_14, FSIM_R_AUTH_15, ck);
	check_appid(p, ar, ad, ck);
	/* §6.1: no attested credential data in an assertion. */
	if ((ad->flags & FSIM_AD_AT) && p->at_in_assertion == FSIM_POL_IGNORE)
		fsim_checks_info(ck, FSIM_R_AUTH_22, "authenticatorData.flags", "AT is set in "
		    "an assertion; accepted: this policy does not look at it");
	else if (ad->flags & FSIM_AD_AT)
		fsim_checks_add(ck, FSIM_R_AUTH_22, p->at_in_assertion == FSIM_POL_ERROR ?
		    FSIM_CHECK_FAIL : FSIM_CHECK_WARN, "authenticatorData.flags",
		    32, "AT is set in an assertion");
	else
		fsim_checks_pass(ck, FSIM_R_AUTH_22);
	/* Step 19. */
	check_backup(p, rec, ad, ck);

	/* Step 21: the signature over authenticatorData || SHA-256(clientDataJSON). */
	mlen = ar->authenticator_data.len + 32;
	if ((msg = malloc(mlen)) == NULL)
		goto fail;
	memcpy(msg, ar->authenticator_data.ptr, ar->authenticator_data.len);
	/* The parser already hashed the bytes as received (step 20); reuse it. */
	if (cd != NULL)
		memcpy(msg + ar->authenticator_data.len, cd->hash, 32);
	else if (fsim_sha256(ar->client_data_json.ptr, ar->client_data_json.len,
	    msg + ar->authenticator_data.len) != 0)
		goto fail;
	fsim_diags_clear(&d);
	(void)fsim_rp_sha1_ok(p->sha1_sigs, fsim_cose_key_alg(rec->key), "the credential key",
	    "credential.publicKey", ck);
	if (!fsim_sig_alg_listed(p->sig_algs, p->n_sig_algs, fsim_cose_key_alg(rec->key),
	    fsim_cose_key_crv(rec->key)))
		fsim_checks_fail(ck, FSIM_R_AUTH_18, "credential.publicKey", "alg %d (%s%s) "
		    "is not one this RP library can verify signatures with",
		    fsim_cose_key_alg(rec->key), fsim_cose_alg_name(fsim_cose_key_alg(rec->key)) ?
		    fsim_cose_alg_name(fsim_cose_key_alg(rec->key)) : "?",
		    fsim_cose_key_alg(rec->key) == FSIM_COSE_EDDSA &&
		    fsim_cose_key_crv(rec->key) == FSIM_COSE_CRV_ED448 ? " on Ed448" : "");
	else if (fsim_sig_verify(fsim_cose_key_pkey(rec->key), fsim_cose_key_alg(rec->key),
	    msg, mlen, ar->signature.ptr, ar->signature.len, &d, "AUTH-18",
	    "response.signature") != 0) {
		fsim_checks_import(ck, &d, FSIM_R_AUTH_18);
		if (!fsim_checks_failed(ck, FSIM_R_AUTH_18))
			fsim_checks_fail(ck, FSIM_R_AUTH_18, "response.signature",
			    "the signature is malformed, so it cannot verify");
	} else {
		fsim_checks_pass(ck, FSIM_R_AUTH_18);
		fsim_rp_pass_sig(ck, fsim_cose_key_kty(rec->key));
	}

	/* Step 22. */
	check_counter(p, rec, ad, ck);
	/* Step 23: extension outputs; by default reported, not refused. */
	fsim_rp_check_extensions(p, ad, FSIM_R_AUTH_20, "authenticatorData.extensions", ck);
	if ((ad->flags & FSIM_AD_UV) && !rec->uv_initialized)
		fsim_checks_warn(ck, FSIM_R_AUTH_24, "authenticatorData.flags",
		    "UV is set but the record's uvInitialized is false: UV does not "
		    "count as a factor for this ceremony");
	if (p->mds != NULL)
		fsim_rp_mds_login(p, rec, res);
done:
	res->verified = fsim_checks_count(ck, FSIM_CHECK_FAIL) == 0 && !ck->oom;
	if (res->verified) {
		if (update_record(rec, ad, res) != 0)
			goto fail;
		fsim_checks_info(ck, FSIM_R_AUTH_21, NULL,
		    "credential record updated: signCount %u, backupState %s",
		    ad->sign_count, (ad->flags & FSIM_AD_BS) ? "true" : "false");
	}
	res->ad = ad;
	ad = NULL;
	*out = res;
	res = NULL;
	r = FSIM_OK;
fail:
	free(msg);
	fsim_diags_clear(&d);
	fsim_rp_result_free(&res);
	fsim_auth_response_free(&ar);
	fsim_clientdata_free(&cd);
	fsim_authdata_free(&ad);
	return r;
}
