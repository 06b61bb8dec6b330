/*
 * reg.c — registration ceremony, WebAuthn L3 §7.1, every step in order.
 * Each step records PASS or FAIL under its rule; a failed step never hides
 * later independent ones, so one pass reports every problem of a response.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "rp-sim/rp_internal.h"
#include "core/ossl_cache.h"

/* Every alg core can verify: the default when the RP names none (--algs). */
static const int64_t all_algs[] = {
	FSIM_COSE_ES256, FSIM_COSE_EDDSA, FSIM_COSE_ESP256, FSIM_COSE_ED25519,
	FSIM_COSE_ES384, FSIM_COSE_ES512, FSIM_COSE_PS256, FSIM_COSE_ESP384,
	FSIM_COSE_ESP512, FSIM_COSE_ED448, FSIM_COSE_RS256,
	FSIM_COSE_PS384, FSIM_COSE_PS512, FSIM_COSE_RS1,
	FSIM_COSE_MLDSA44, FSIM_COSE_MLDSA65, FSIM_COSE_MLDSA87,
};

/* The name of a COSE alg for messages ("unsupported" when fidosim has none). */
static const char *
alg_name(int64_t alg)
{
	const char *n = alg >= INT_MIN && alg <= INT_MAX ? fsim_cose_alg_name((int)alg) : NULL;

	return n != NULL ? n : "unsupported";
}

static bool
alg_offered(const fsim_rp_policy_t *p, int64_t alg)
{
	const int64_t *v = p->algs ? p->algs : p->default_algs ? p->default_algs : all_algs;
	size_t i, n = p->algs ? p->n_algs : p->default_algs ? p->n_default_algs :
	    sizeof(all_algs) / sizeof(all_algs[0]);

	for (i = 0; i < n; i++)
		if (v[i] == alg)
			return true;
	return false;
}

/* What a successful parse of the attestation object checked (its authData: fsim_rp_pass_authdata). */
static const fsim_rule_id_t parsed_rules[] = {
	FSIM_R_ENC_02, FSIM_R_ENC_03, FSIM_R_CBOR_01, FSIM_R_CBOR_DUP, FSIM_R_CBOR_KEYTYPE,
	FSIM_R_ATT_01, FSIM_R_ACD_01, FSIM_R_ACD_02, FSIM_R_ACD_05, FSIM_R_COSE_01,
	FSIM_R_COSE_03,
};


/*
 * ATT-03 for the leaf alone, for a policy that dates the attestation
 * certificate even when it checks no path (leaf_dates). 0 when valid.
 */
static int
check_leaf_dates(STACK_OF(X509) *x5c, time_t at, const char *fmt, fsim_checks_t *ck)
{
	X509 *x = sk_X509_value(x5c, 0);
	time_t t = at;

	if (X509_cmp_time(X509_get0_notBefore(x), &t) > 0)
		fsim_checks_fail(ck, FSIM_R_ATT_03, "x5c[0]", "the %s attestation "
		    "certificate is not yet valid at the verification time (this policy "
		    "dates it though it checks no path)", fmt);
	else if (X509_cmp_time(X509_get0_notAfter(x), &t) < 0)
		fsim_checks_fail(ck, FSIM_R_ATT_03, "x5c[0]", "the %s attestation "
		    "certificate has expired at the verification time (this policy dates "
		    "it though it checks no path)", fmt);
	else {
		fsim_checks_pass(ck, FSIM_R_ATT_03);
		return 0;
	}
	return FSIM_ERR_FORMAT;
}

/* Does this policy check the path of fmt (dates and chain)? */
static bool
path_checked(const fsim_rp_policy_t *p, const char *fmt)
{
	switch (p->att_chain) {
	case FSIM_CHAIN_SPEC:
		return true;
	case FSIM_CHAIN_BUILTIN_ONLY:
		return fsim_rp_in_list(fmt, p->builtin_roots) || p->user_anchors;
	case FSIM_CHAIN_ANCHORS_ONLY:
		return p->user_anchors;
	case FSIM_CHAIN_NEVER:
		break;
	}
	return false;
}

/* Whether an x5c certificate is outside its validity period at `at`. */
static bool
out_of_dates(STACK_OF(X509) *x5c, time_t at)
{
	int i;

	for (i = 0; i < sk_X509_num(x5c); i++) {
		X509 *x = sk_X509_value(x5c, i);
		time_t t = at;

		if (X509_cmp_time(X509_get0_notBefore(x), &t) > 0 ||
		    X509_cmp_time(X509_get0_notAfter(x), &t) < 0)
			return true;
	}
	return false;
}

/*
 * §7.1 steps 22-24 for a statement with a trust path: the certificates'
 * dates (ATT-03) and the chain to an anchor (ATT-TRUST-01), as much of them
 * as this policy checks (rp.h: att_chain, leaf_dates, chain_dates, undated,
 * dates_untrusted, untrusted_attestation).
 */
static void
check_path(const fsim_rp_policy_t *p, const char *fmt, STACK_OF(X509) *x5c,
    fsim_rp_result_t *res)
{
	fsim_checks_t *ck = &res->checks;
	bool vendor = fsim_rp_in_list(fmt, p->builtin_roots) &&
	    p->att_chain == FSIM_CHAIN_BUILTIN_ONLY;
	bool undated = fsim_rp_in_list(fmt, p->undated), trusted = false;
	bool stale = false;
	char why[160];

	if (!path_checked(p, fmt)) {
		if (fsim_rp_in_list(fmt, p->chain_dates)) {
			if (fsim_trust_check_validity(x5c, p->at, ck) != 0)
				return;
			fsim_checks_info(ck, FSIM_R_ATT_TRUST_01, "attestationObject.attStmt.x5c",
			    "the %s certificate path is not chained by this policy, only "
			    "every certificate's validity dates checked", fmt);
		} else if (fsim_rp_in_list(fmt, p->leaf_dates)) {
			if (check_leaf_dates(x5c, p->at, fmt, ck) != 0)
				return;
			fsim_checks_info(ck, FSIM_R_ATT_TRUST_01,
			    "attestationObject.attStmt.x5c", "the %s certificate path is "
			    "not checked by this policy, only the leaf's validity dates", fmt);
		} else
			fsim_checks_info(ck, FSIM_R_ATT_TRUST_01,
			    "attestationObject.attStmt.x5c", "the %s certificate path is "
			    "not checked (validity, chain) by this policy%s", fmt,
			    p->att_chain == FSIM_CHAIN_NEVER ? "" : " without trust anchors "
			    "of the RP's own (--trust-anchors)");
		return;
	}
	if (undated)
		fsim_checks_info(ck, FSIM_R_ATT_03, "attestationObject.attStmt.x5c", "the %s "
		    "certificates' validity periods are not checked by this policy", fmt);
	else if (p->dates_untrusted)
		stale = out_of_dates(x5c, p->at);
	else if (fsim_trust_check_validity(x5c, p->at, ck) != 0)
		return;
	if (fsim_trust_chain_ex(p->trust, x5c, p->at, undated || p->dates_untrusted, &trusted,
	    why, sizeof(why)) != 0)
		return;
	if (stale && trusted) {
		trusted = false;
		snprintf(why, sizeof(why), "a certificate is outside its validity period");
	}
	res->att_trusted = trusted;
	if (trusted)
		fsim_checks_pass(ck, FSIM_R_ATT_TRUST_01);
	else if (vendor)
		fsim_checks_add(ck, FSIM_R_ATT_TRUST_01, FSIM_CHECK_FAIL,
		    "attestationObject.attStmt.x5c", FSIM_NO_OFFSET, "the %s attestation "
		    "does not chain to the vendor's root (%s)", fmt, why);
	else if (p->untrusted_attestation != FSIM_POL_IGNORE)
		fsim_checks_add(ck, FSIM_R_ATT_TRUST_01,
		    p->untrusted_attestation == FSIM_POL_ERROR ? FSIM_CHECK_FAIL :
		    FSIM_CHECK_WARN, "attestationObject.attStmt.x5c", FSIM_NO_OFFSET,
		    "the %s attestation is valid but chains to no configured trust "
		    "anchor (%s)", fmt, why);
	else
		fsim_checks_info(ck, FSIM_R_ATT_TRUST_01, "attestationObject.attStmt.x5c",
		    "the %s attestation chains to no configured trust anchor (%s); "
		    "accepted: this policy registers untrusted attestation", fmt, why);
}

/* §7.1 steps 21-24: fmt, the statement, validity and trust of its path. */
static void
check_attestation(const fsim_rp_policy_t *p, const fsim_attobj_t *ao,
    const uint8_t cdh[32], fsim_rp_result_t *res)
{
	fsim_checks_t *ck = &res->checks;
	fsim_fmt_verify_fn fn = fsim_fmt_find(ao->fmt);
	fsim_fmt_result_t fr = { FSIM_ATT_TYPE_UNKNOWN, NULL };
	fsim_fmt_ctx_t c;
	size_t fails;

	/* python-fido2's Fido2Server verifies nothing when it asked for "none". */
	if (p->att_if_requested && (p->conveyance == FSIM_CONVEY_UNSET ||
	    p->conveyance == FSIM_CONVEY_NONE)) {
		fsim_checks_info(ck, FSIM_R_REG_17, "attestationObject.fmt",
		    "the %.40s statement is not verified: the RP asked for attestation "
		    "\"none\" and this policy then ignores the statement", ao->fmt);
		return;
	}
	if (p->formats != NULL && !fsim_rp_in_list(ao->fmt, p->formats))
		fn = NULL;   /* a format this RP library does not implement */
	if (fn == NULL) {
		if (p->unknown_fmt != FSIM_POL_IGNORE)
			fsim_checks_add(ck, FSIM_R_REG_17, p->unknown_fmt == FSIM_POL_ERROR ?
			    FSIM_CHECK_FAIL : FSIM_CHECK_WARN, "attestationObject.fmt",
			    FSIM_NO_OFFSET, "\"%.40s\" is not a supported attestation "
			    "statement format", ao->fmt);
		else
			fsim_checks_info(ck, FSIM_R_REG_17, "attestationObject.fmt", "\"%.40s\" "
			    "is not a format this policy verifies; accepted: it registers the "
			    "credential with the attestation unverified", ao->fmt);
		return;
	}
	fsim_checks_pass(ck, FSIM_R_REG_17);
	memset(&c, 0, sizeof(c));
	c.att_stmt = ao->att_stmt;
	c.auth_data = ao->auth_data_raw.ptr;
	c.auth_data_len = ao->auth_data_raw.len;
	c.ad = ao->auth_data;
	memcpy(c.client_data_hash, cdh, 32);
	c.enterprise = p->enterprise;
	c.ck = ck;
	c.sig_algs = p->sig_algs;
	c.n_sig_algs = p->n_sig_algs;
	c.self_alg_hash_only = p->self_alg_hash_only;
	c.tpm_vendors = p->tpm_vendors;
	c.tpm_rsa_only = p->tpm_rsa_only;
	c.sha1_sigs = p->sha1_sigs;
	c.tpm_vendors_nocase = p->tpm_vendors_nocase;
	c.tpm_rs1 = p->tpm_rs1 == FSIM_POL_ERROR ? FSIM_RS1_ERROR :
	    p->tpm_rs1 == FSIM_POL_IGNORE ? FSIM_RS1_OK : FSIM_RS1_WARN;
	c.packed_cert_ignored = p->packed_cert_ignored;
	c.u2f_zero_aaguid = p->u2f_zero_aaguid;
	fails = fsim_checks_fail_count(ck);
	if (fn(&c, &fr) != 0 || fsim_checks_fail_count(ck) > fails) {
		fsim_checks_fail(ck, FSIM_R_REG_18, "attestationObject.attStmt",
		    "the %s attestation statement does not verify", ao->fmt);
		goto out;
	}
	fsim_checks_pass(ck, FSIM_R_REG_18);
	res->att_verified = true;
	res->att_type = fr.type;
	/* Steps 23-24 with a BLOB: the entry, its status gate, its roots. */
	if (p->mds != NULL && fsim_rp_mds_attestation(p, ao->fmt, fr.type, fr.x5c,
	    ao->auth_data->aaguid, res))
		goto out;
	/* None and self attestation: nothing to chain; acceptable by default (step 24). */
	if (fr.x5c != NULL && sk_X509_num(fr.x5c) > 0)
		check_path(p, ao->fmt, fr.x5c, res);
out:
	fsim_fmt_result_reset(&fr);
}

/* JSON-03: the copies a registration response carries agree with authData. */
static void
check_json_copies(const fsim_reg_response_t *rr, const fsim_attobj_t *ao,
    fsim_checks_t *ck)
{
	const fsim_authdata_t *ad = ao->auth_data;
	size_t fails = fsim_checks_fail_count(ck);

	if (rr->has_authenticator_data &&
	    !fsim_blob_eq(&ao->auth_data_raw, rr->authenticator_data.ptr,
	    rr->authenticator_data.len))
		fsim_checks_fail(ck, FSIM_R_JSON_03, "response.authenticatorData",
		    "differs from attestationObject.authData");
	if (rr->has_public_key_alg && rr->public_key_alg != ad->key_alg)
		fsim_checks_fail(ck, FSIM_R_JSON_03, "response.publicKeyAlgorithm",
		    "is %lld but the credential public key's alg is %lld",
		    (long long)rr->public_key_alg, (long long)ad->key_alg);
	/*
	 * The usual case first: the exact encoding, compared without decoding it.
	 * A key fidosim cannot use (COSE-03) has no SPKI here to compare with.
	 */
	if (rr->has_public_key && ad->cose_key != NULL &&
	    !fsim_cose_key_spki_equal(ad->cose_key, rr->public_key.ptr, rr->public_key.len)) {
		fsim_cose_key_t *spki = NULL;

		if (fsim_cose_key_from_spki(rr->public_key.ptr, rr->public_key.len,
		    fsim_cose_key_alg(ad->cose_key), &spki) != 0 ||
		    !fsim_cose_key_equal(spki, ad->cose_key))
			fsim_checks_fail(ck, FSIM_R_JSON_03, "response.publicKey",
			    "is not the SubjectPublicKeyInfo of the credential public key");
		fsim_cose_key_free(&spki);
	}
	if (fsim_checks_fail_count(ck) == fails)
		fsim_checks_pass(ck, FSIM_R_JSON_03);
}

int
fsim_rp_verify_registration(const fsim_rp_policy_t *p, const json_t *response,
    fsim_rp_result_t **out)
{
	fsim_rp_result_t *res = NULL;
	fsim_reg_response_t *rr = NULL;
	fsim_clientdata_t *cd = NULL;
	fsim_attobj_t *ao = NULL;
	const fsim_authdata_t *ad;
	fsim_checks_t *ck;
	fsim_diags_t d;
	fsim_diags_frame_t f;
	fsim_rp_uv_need_t uvn;
	uint8_t cdh[32];
	size_t id_max = p->cred_id_max != 0 ? p->cred_id_max : FSIM_CRED_ID_MAX;
	int64_t alg;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	fsim_diags_init(&d);
	if ((res = fsim_rp_result_new(FSIM_CEREMONY_REGISTRATION)) == NULL)
		goto fail;
	res->preset = p->preset;
	ck = &res->checks;

	/* Step 3: an attestation response, in the L3 JSON form (JSON-01, JSON-04). */
	if (fsim_reg_response_parse(response, &rr, &d) != 0) {
		fsim_checks_import(ck, &d, FSIM_R_JSON_01);
		if (!fsim_checks_failed(ck, FSIM_R_REG_01))
			fsim_checks_fail(ck, FSIM_R_REG_01, "response",
			    "not a usable RegistrationResponseJSON; nothing else can be checked");
		goto done;
	}
	fsim_checks_import(ck, &d, FSIM_R_JSON_01);
	fsim_checks_pass(ck, FSIM_R_REG_01);
	fsim_rp_pass_json(ck, true);

	/* Steps 5-12: client data. */
	fsim_rp_check_client_data(p, &fsim_ccd_reg, &rr->client_data_json, &cd, ck);
	/* The parser already hashed the bytes as received; reuse it (as auth.c does). */
	if (cd != NULL)
		memcpy(cdh, cd->hash, 32);
	else if (fsim_sha256(rr->client_data_json.ptr, rr->client_data_json.len, cdh) != 0)
		goto fail;

	/* Step 13: the attestation object. */
	fsim_diags_clear(&d);
	fsim_diags_push(&d, &f, 0, "attestationObject");
	if (fsim_attobj_parse_ex(rr->attestation_object.ptr, rr->attestation_object.len,
	    id_max, p->trailing_bytes != FSIM_POL_ERROR ? FSIM_AD_PARSE_TRAILING_OK : 0, &ao,
	    &d) != 0 || ao->auth_data == NULL) {
		fsim_diags_pop(&d, &f);
		fsim_rp_import(p, ck, &d, FSIM_R_REG_10);
		if (fsim_diags_has(&d, "ACD-02"))
			fsim_checks_fail(ck, FSIM_R_REG_21, "authData.credentialIdLength",
			    "the credential ID is empty or longer than %zu bytes", id_max);
		fsim_checks_fail(ck, FSIM_R_REG_10, "attestationObject",
		    "does not decode into fmt, authData and attStmt; the authenticator "
		    "data and attestation checks cannot run");
		goto done;
	}
	fsim_diags_pop(&d, &f);
	fsim_rp_import(p, ck, &d, FSIM_R_REG_10);
	fsim_checks_pass(ck, FSIM_R_REG_10);
	ad = ao->auth_data;
	/* It parsed: the CBOR, the object's shape, authData and the key held. */
	fsim_rp_pass_held(ck, parsed_rules, sizeof(parsed_rules) / sizeof(parsed_rules[0]));
	/* COSE-04 (point on the curve, crv agrees with alg) judges keys with a curve only. */
	if (ad->cose_key != NULL && (fsim_cose_key_kty(ad->cose_key) == FSIM_COSE_KTY_EC2 ||
	    fsim_cose_key_kty(ad->cose_key) == FSIM_COSE_KTY_OKP))
		fsim_rp_pass_held(ck, (const fsim_rule_id_t[]){ FSIM_R_COSE_04 }, 1);
	fsim_rp_pass_authdata(ck, ad);
	if ((res->fmt = fsim_strdup(ao->fmt)) == NULL)
		goto fail;

	/* Steps 14-17: rpIdHash, UP, UV, BE/BS. */
	uvn.required = p->uv_rule != FSIM_UVR_NEVER && (p->uv == FSIM_UV_REQUIRED ||
	    p->uv_rule == FSIM_UVR_ALWAYS);
	uvn.why = p->uv != FSIM_UV_REQUIRED && uvn.required ?
	    " (this policy requires UV whatever the options said)" : "";
	uvn.be = -1;
	if (p->uv == FSIM_UV_REQUIRED && p->uv_rule == FSIM_UVR_NEVER && !(ad->flags & FSIM_AD_UV))
		fsim_checks_info(ck, FSIM_R_REG_13, "authData.flags", "UV is not set though "
		    "the options said required; accepted: this policy was told not to require it");
	fsim_rp_check_authdata_common(p, NULL, ad, &uvn, FSIM_R_REG_11, FSIM_R_REG_12,
	    FSIM_R_REG_13, FSIM_R_REG_14, ck);
	/* Steps 18-19: BE/BS acceptable; the default policy takes any valid pair. */
	if (!fsim_checks_failed(ck, FSIM_R_REG_14))
		fsim_checks_pass(ck, FSIM_R_REG_15);
	if (!(ad->flags & FSIM_AD_BE))
		fsim_checks_info(ck, FSIM_R_BK_08, "authData.flags",
		    "BE is 0: a single-device credential; the account needs another "
		    "credential or a recovery path");

	/*
	 * §6.1: registration authData carries attested credential data. A key
	 * whose alg fidosim cannot verify is there (COSE-03 said so): the steps
	 * that need no key still run and report.
	 */
	if (!(ad->flags & FSIM_AD_AT) || (ad->cose_key == NULL && !ad->key_alg_unsupported)) {
		fsim_checks_add(ck, FSIM_R_REG_26, FSIM_CHECK_FAIL, "authData.flags", 32,
		    "AT is not set: there is no credential to register");
		goto done;
	}
	fsim_checks_pass(ck, FSIM_R_REG_26);

	/* Step 20: the alg is one the RP offered. */
	alg = ad->key_alg;
	if (!fsim_sig_alg_listed(p->reg_algs, p->n_reg_algs, alg,
	    ad->cose_key != NULL ? fsim_cose_key_crv(ad->cose_key) : 0))
		fsim_checks_fail(ck, FSIM_R_REG_16,
		    "authData.attestedCredentialData.credentialPublicKey",
		    "alg %lld (%s%s) is not one this RP library takes at registration at all",
		    (long long)alg, alg_name(alg), alg == FSIM_COSE_EDDSA && ad->cose_key != NULL &&
		    fsim_cose_key_crv(ad->cose_key) == FSIM_COSE_CRV_ED448 ? " on Ed448" : "");
	else if (alg_offered(p, alg))
		fsim_checks_pass(ck, FSIM_R_REG_16);
	else if (p->alg_not_offered == FSIM_POL_IGNORE)
		fsim_checks_info(ck, FSIM_R_REG_16,
		    "authData.attestedCredentialData.credentialPublicKey",
		    "alg %lld (%s) is not among the algorithms the RP offered; accepted: this "
		    "policy does not compare", (long long)alg, alg_name(alg));
	else
		fsim_checks_add(ck, FSIM_R_REG_16, p->alg_not_offered == FSIM_POL_ERROR ?
		    FSIM_CHECK_FAIL : FSIM_CHECK_WARN,
		    "authData.attestedCredentialData.credentialPublicKey", FSIM_NO_OFFSET,
		    "alg %lld (%s) is not among the algorithms the RP %s", (long long)alg,
		    alg_name(alg), p->algs == NULL && p->default_algs != NULL ?
		    "library allows by default (no --algs given)" : "offered");
	/* A key the RP library registers but can never verify an assertion of. */
	if (ad->cose_key != NULL && !fsim_sig_alg_listed(p->sig_algs, p->n_sig_algs, alg,
	    fsim_cose_key_crv(ad->cose_key)))
		fsim_checks_warn(ck, FSIM_R_REG_16,
		    "authData.attestedCredentialData.credentialPublicKey",
		    "alg %lld (%s%s) is not one this RP library can verify signatures with: "
		    "every assertion of this credential will fail", (long long)alg,
		    alg_name(alg), alg == FSIM_COSE_EDDSA &&
		    fsim_cose_key_crv(ad->cose_key) == FSIM_COSE_CRV_ED448 ? " on Ed448" : "");
	/* Every assertion of an RS1 credential is a SHA-1 signature. */
	(void)fsim_rp_sha1_ok(p->sha1_sigs, alg, "the credential key",
	    "authData.attestedCredentialData.credentialPublicKey", ck);

	/* Steps 21-24. */
	check_attestation(p, ao, cdh, res);
	fsim_rp_mds_find(p, ad->aaguid, NULL, res);   /* a BLOB names it, whatever the fmt */

	/* Step 25: credential ID length (the parser already enforced id_max). */
	if (ad->cred_id.len > FSIM_CRED_ID_MAX)
		fsim_checks_info(ck, FSIM_R_REG_21, "authData.credentialIdLength",
		    "the credential ID is %zu bytes, above the %d of 7.1 step 25; accepted: "
		    "this policy takes up to %zu", ad->cred_id.len, FSIM_CRED_ID_MAX, id_max);
	else
		fsim_checks_pass(ck, FSIM_R_REG_21);
	/* §5.1: id and rawId name the credential in authData. */
	if (!fsim_blob_eq(&rr->raw_id, ad->cred_id.ptr, ad->cred_id.len))
		fsim_checks_fail(ck, FSIM_R_REG_27, "rawId",
		    "differs from the credential ID in authData");
	else
		fsim_checks_pass(ck, FSIM_R_REG_27);
	check_json_copies(rr, ao, ck);
	if (strcmp(ao->fmt, "none") == 0 && !fsim_aaguid_is_zero(ad->aaguid))
		fsim_checks_info(ck, FSIM_R_REG_28, "authData.aaguid",
		    "fmt none with a non-zero AAGUID: an L3 client keeps it");
	/* Step 28: extension outputs; by default reported, not refused. */
	fsim_rp_check_extensions(p, ad, FSIM_R_REG_24, "authData.extensions", ck);
done:
	res->verified = fsim_checks_count(ck, FSIM_CHECK_FAIL) == 0 && !ck->oom;
	if (res->verified && ao != NULL && ao->auth_data != NULL) {
		if (fsim_record_from_authdata(rr, ao->auth_data, &res->record) != 0)
			goto fail;
		fsim_checks_info(&res->checks, FSIM_R_REG_23, NULL,
		    "credential record created");
	}
	if (ao != NULL && ao->auth_data != NULL) {
		res->ad = ao->auth_data;   /* kept for the report */
		ao->auth_data = NULL;
	}
	*out = res;
	res = NULL;
	r = FSIM_OK;
fail:
	fsim_diags_clear(&d);
	fsim_rp_result_free(&res);
	fsim_reg_response_free(&rr);
	fsim_clientdata_free(&cd);
	fsim_attobj_free(&ao);
	return r;
}
