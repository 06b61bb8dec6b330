/*
 * rp_common.c — what registration and authentication check alike: the
 * collected client data (§5.8.1, §7.1 steps 5-12, §7.2 steps 8-14) and the
 * flag steps over authenticator data.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "rp-sim/rp_internal.h"
#include "core/ossl_cache.h"

const char *const fsim_rp_vendor_rooted[] = { "apple", "android-key", "android-safetynet", NULL };

const fsim_ccd_rules_t fsim_ccd_reg = {
	"webauthn.create", true, FSIM_R_REG_03, FSIM_R_REG_04, FSIM_R_REG_05, FSIM_R_REG_06,
	FSIM_R_REG_07, FSIM_R_REG_08, FSIM_R_REG_09,
};
const fsim_ccd_rules_t fsim_ccd_auth = {
	"webauthn.get", false, FSIM_R_AUTH_06, FSIM_R_AUTH_07, FSIM_R_AUTH_08, FSIM_R_AUTH_09,
	FSIM_R_AUTH_10, FSIM_R_AUTH_11, FSIM_R_AUTH_17,
};

bool
fsim_uv_req_from_name(const char *name, fsim_uv_req_t *out)
{
	if (name == NULL)
		return false;
	if (strcmp(name, "required") == 0)
		*out = FSIM_UV_REQUIRED;
	else if (strcmp(name, "preferred") == 0)
		*out = FSIM_UV_PREFERRED;
	else if (strcmp(name, "discouraged") == 0)
		*out = FSIM_UV_DISCOURAGED;
	else
		return false;
	return true;
}

bool
fsim_conveyance_from_name(const char *name, fsim_conveyance_t *out)
{
	if (name == NULL)
		return false;
	if (strcmp(name, "none") == 0)
		*out = FSIM_CONVEY_NONE;
	else if (strcmp(name, "indirect") == 0)
		*out = FSIM_CONVEY_INDIRECT;
	else if (strcmp(name, "direct") == 0)
		*out = FSIM_CONVEY_DIRECT;
	else if (strcmp(name, "enterprise") == 0)
		*out = FSIM_CONVEY_ENTERPRISE;
	else
		return false;
	return true;
}

void
fsim_rp_policy_init(fsim_rp_policy_t *p)
{
	memset(p, 0, sizeof(*p));
	p->uv = FSIM_UV_PREFERRED;
	p->at = time(NULL);
	p->untrusted_attestation = FSIM_POL_WARN;
	p->unknown_fmt = FSIM_POL_ERROR;
	p->counter = FSIM_POL_ERROR;
	p->be_change = FSIM_BE_ERROR;
	p->rfu_bits = FSIM_POL_WARN;
	p->bs_without_be = FSIM_POL_ERROR;
	p->unsolicited_ext = FSIM_POL_IGNORE;
	p->top_without_cross = FSIM_POL_WARN;
	p->tpm_rs1 = FSIM_POL_WARN;
	p->builtin_roots = fsim_rp_vendor_rooted;
}

fsim_rp_result_t *
fsim_rp_result_new(int ceremony)
{
	fsim_rp_result_t *r = calloc(1, sizeof(*r));

	if (r != NULL) {
		r->ceremony = ceremony;
		r->att_type = FSIM_ATT_TYPE_UNKNOWN;
		fsim_checks_init(&r->checks);
	}
	return r;
}

void
fsim_rp_result_free(fsim_rp_result_t **rp)
{
	fsim_rp_result_t *r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	fsim_checks_clear(&r->checks);
	fsim_authdata_free(&r->ad);
	free(r->fmt);
	fsim_record_free(&r->record);
	free(r);
	*rp = NULL;
}

void
fsim_rp_import(const fsim_rp_policy_t *p, fsim_checks_t *ck, const fsim_diags_t *d,
    fsim_rule_id_t fallback)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const fsim_diag_t *e = &d->v[i];

		/* AD-04 leftovers a lax parse let through (FSIM_AD_PARSE_TRAILING_OK). */
		if (strcmp(e->rule, "AD-04") == 0 && e->sev == FSIM_SEV_INFO) {
			if (p->trailing_bytes == FSIM_POL_IGNORE)
				fsim_checks_add(ck, FSIM_R_AD_04, FSIM_CHECK_INFO, e->field,
				    e->offset, "%s; accepted: this policy ignores them", e->msg);
			else
				fsim_checks_add(ck, FSIM_R_AD_04, p->trailing_bytes ==
				    FSIM_POL_ERROR ? FSIM_CHECK_FAIL : FSIM_CHECK_WARN, e->field,
				    e->offset, "%s", e->msg);
			continue;
		}
		/* FLAGS-03 is a policy: it may become an error or vanish. */
		if (strcmp(e->rule, "FLAGS-03") != 0)
			fsim_checks_import_one(ck, e, fallback);
		else if (p->rfu_bits != FSIM_POL_IGNORE)
			fsim_checks_add(ck, FSIM_R_FLAGS_03, p->rfu_bits == FSIM_POL_ERROR ?
			    FSIM_CHECK_FAIL : FSIM_CHECK_WARN, e->field, e->offset, "%s", e->msg);
	}
}

static bool
in_list_n(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] != NULL && strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* A policy outcome under rule: FAIL, WARN or an INFO that says it was let through. */
static void
by_policy(fsim_checks_t *ck, fsim_pol_t pol, fsim_rule_id_t rule, const char *field,
    const char *what)
{
	if (pol == FSIM_POL_IGNORE)
		fsim_checks_info(ck, rule, field, "%s; accepted: this policy does not check it",
		    what);
	else
		fsim_checks_add(ck, rule, pol == FSIM_POL_ERROR ? FSIM_CHECK_FAIL :
		    FSIM_CHECK_WARN, field, FSIM_NO_OFFSET, "%s", what);
}

/*
 * crossOrigin and topOrigin (§7.1 steps 10-11, §7.2 steps 13-14; §5.8.1), as
 * the policy reads them for this ceremony (rp.h fsim_xo_pol_t, fsim_to_pol_t).
 */
static void
check_cross_top(const fsim_rp_policy_t *p, const fsim_ccd_rules_t *rr,
    const fsim_clientdata_t *cd, fsim_checks_t *ck)
{
	fsim_xo_pol_t xo = rr->registration ? p->reg_cross_origin : p->auth_cross_origin;
	fsim_to_pol_t to = rr->registration ? p->reg_top_origin : p->auth_top_origin;
	bool cross = cd->cross_origin == 1;
	bool cross_ok = p->allow_cross_origin ||
	    (xo == FSIM_XO_SPEC && p->n_top_origins > 0);
	bool listed;

	if (cross && xo == FSIM_XO_IGNORE)
		fsim_checks_info(ck, rr->cross_origin, "clientDataJSON.crossOrigin",
		    "is true; accepted: this policy does not look at crossOrigin");
	else if (cross && !cross_ok)
		fsim_checks_fail(ck, rr->cross_origin, "clientDataJSON.crossOrigin",
		    "is true, but the RP does not expect a cross-origin iframe "
		    "(--allow-cross-origin%s)", xo == FSIM_XO_SPEC ? "" :
		    "; for this policy a --top-origin does not allow it");
	else
		fsim_checks_pass(ck, rr->cross_origin);

	if (cd->top_origin == NULL)
		return;
	if (to == FSIM_TO_IGNORE) {
		fsim_checks_info(ck, rr->top_origin, "clientDataJSON.topOrigin",
		    "\"%.100s\" not checked: this policy does not read topOrigin",
		    cd->top_origin);
		return;
	}
	if (!cross && (p->top_without_cross != FSIM_POL_WARN || to != FSIM_TO_SPEC)) {
		/* A library that refuses it outright says so under the step's rule. */
		if (p->top_without_cross == FSIM_POL_ERROR)
			fsim_checks_fail(ck, rr->top_origin, "clientDataJSON.topOrigin",
			    "\"%.100s\" is present but crossOrigin is not true, which this "
			    "policy refuses (5.8.1)", cd->top_origin);
		else
			by_policy(ck, p->top_without_cross, FSIM_R_CDJ_06,
			    "clientDataJSON.topOrigin", "topOrigin is present but crossOrigin "
			    "is not true");
		if (to == FSIM_TO_IF_CROSS || p->top_without_cross == FSIM_POL_ERROR)
			return;
	}
	if (to == FSIM_TO_IF_CROSS && !cross)
		return;
	listed = (to != FSIM_TO_IMPLICIT &&
	    in_list_n(cd->top_origin, p->top_origins, p->n_top_origins)) ||
	    ((to == FSIM_TO_AUTO || to == FSIM_TO_IMPLICIT) &&
	    in_list_n(cd->top_origin, p->origins, p->n_origins));
	if (!listed)
		fsim_checks_fail(ck, rr->top_origin, "clientDataJSON.topOrigin",
		    "\"%.100s\" is not an allowed top-level origin (%s)", cd->top_origin,
		    to == FSIM_TO_IMPLICIT ? "this policy takes the --origin values" :
		    to == FSIM_TO_AUTO ? "--top-origin, or an --origin for this policy" :
		    "--top-origin");
	else
		fsim_checks_pass(ck, rr->top_origin);
	if (!cross && to == FSIM_TO_SPEC && p->top_without_cross == FSIM_POL_WARN)
		fsim_checks_warn(ck, FSIM_R_CDJ_06, "clientDataJSON.topOrigin",
		    "topOrigin is present but crossOrigin is not true");
}

/*
 * tokenBinding (WebAuthn L2 §5.10.1; reserved in L3, where an RP ignores it):
 * a policy that still reads it takes only the listed status values.
 */
static void
check_token_binding(const fsim_rp_policy_t *p, const fsim_ccd_rules_t *rr,
    const fsim_clientdata_t *cd, fsim_checks_t *ck)
{
	const json_t *tb = json_object_get(cd->root, "tokenBinding"), *st;

	if (p->token_binding == NULL || tb == NULL || !json_is_object(tb))
		return;
	st = json_object_get(tb, "status");
	if (!json_is_string(st))
		fsim_checks_fail(ck, rr->parse, "clientDataJSON.tokenBinding.status",
		    "tokenBinding has no status string; this policy still reads tokenBinding "
		    "(WebAuthn L2)");
	else if (!fsim_rp_in_list(json_string_value(st), p->token_binding))
		fsim_checks_fail(ck, rr->parse, "clientDataJSON.tokenBinding.status",
		    "\"%.40s\" is not a tokenBinding status this policy takes (WebAuthn L3 "
		    "reserves tokenBinding and ignores it)", json_string_value(st));
}

void
fsim_rp_check_client_data(const fsim_rp_policy_t *p, const fsim_ccd_rules_t *rr,
    const fsim_blob_t *cdj, fsim_clientdata_t **cdp, fsim_checks_t *ck)
{
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;
	fsim_diags_frame_t f;
	char *want = NULL;

	*cdp = NULL;
	fsim_diags_init(&d);
	fsim_diags_push(&d, &f, 0, "clientDataJSON");
	if (fsim_clientdata_parse(cdj->ptr, cdj->len, &cd, &d) != 0) {
		fsim_diags_pop(&d, &f);
		fsim_checks_import(ck, &d, rr->parse);
		fsim_checks_fail(ck, rr->parse, "clientDataJSON",
		    "clientDataJSON does not parse; its checks cannot run");
		goto out;
	}
	fsim_diags_pop(&d, &f);
	fsim_checks_import(ck, &d, rr->parse);  /* warnings, if any */
	fsim_checks_pass(ck, rr->parse);
	fsim_rp_pass_held(ck, (const fsim_rule_id_t[]){ FSIM_R_ENC_05 }, 1);

	if (cd->type == NULL)
		fsim_checks_fail(ck, rr->r_type, "clientDataJSON.type", "missing");
	else if (strcmp(cd->type, rr->type) != 0)
		fsim_checks_fail(ck, rr->r_type, "clientDataJSON.type",
		    "is \"%.80s\", expected \"%s\"", cd->type, rr->type);
	else
		fsim_checks_pass(ck, rr->r_type);

	if (fsim_b64url_encode(p->challenge, p->challenge_len, &want) != 0)
		fsim_checks_fail(ck, rr->challenge, "clientDataJSON.challenge",
		    "internal error encoding the expected challenge");
	else if (cd->challenge == NULL)
		fsim_checks_fail(ck, rr->challenge, "clientDataJSON.challenge", "missing");
	else if (strcmp(cd->challenge, want) != 0)
		fsim_checks_fail(ck, rr->challenge, "clientDataJSON.challenge",
		    "is \"%.80s\", expected \"%.80s\"", cd->challenge, want);
	else
		fsim_checks_pass(ck, rr->challenge);

	if (cd->origin == NULL)
		fsim_checks_fail(ck, rr->origin, "clientDataJSON.origin", "missing");
	else if (!in_list_n(cd->origin, p->origins, p->n_origins))
		fsim_checks_fail(ck, rr->origin, "clientDataJSON.origin",
		    "\"%.100s\" is not an expected origin (expected %s%.100s%s)",
		    cd->origin, p->n_origins ? "\"" : "",
		    p->n_origins ? p->origins[0] : "none configured",
		    p->n_origins > 1 ? "\", ..." : p->n_origins ? "\"" : "");
	else
		fsim_checks_pass(ck, rr->origin);

	check_cross_top(p, rr, cd, ck);
	check_token_binding(p, rr, cd, ck);
	if (!cd->canonical_order)
		fsim_checks_info(ck, FSIM_R_CDJ_08, "clientDataJSON",
		    "not serialized in the order of 5.8.1.1 (fine for a full JSON parser)");
	*cdp = cd;
	cd = NULL;
out:
	/* The hash is over the bytes as received, whatever they hold (§7.1 step 12). */
	fsim_checks_pass(ck, rr->hash);
	free(want);
	fsim_clientdata_free(&cd);
	fsim_diags_clear(&d);
}

bool
fsim_rp_in_list(const char *s, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

void
fsim_rp_check_authdata_common(const fsim_rp_policy_t *p, const char *appid,
    const fsim_authdata_t *ad, const fsim_rp_uv_need_t *uv, fsim_rule_id_t r_rpid,
    fsim_rule_id_t r_up, fsim_rule_id_t r_uv, fsim_rule_id_t r_bk, fsim_checks_t *ck)
{
	const char *id = appid != NULL ? appid : p->rp_id;

	if (!fsim_rp_rpid_hash_is(ad, id))
		fsim_checks_add(ck, r_rpid, FSIM_CHECK_FAIL, "authData.rpIdHash", 0,
		    "is not SHA-256 of the %s \"%.100s\"", appid != NULL ?
		    "AppID (the client output appid is true)" : "RP ID", id ? id : "");
	else
		fsim_checks_pass(ck, r_rpid);

	if (!(ad->flags & FSIM_AD_UP) && r_up == FSIM_R_REG_12 && p->reg_up != FSIM_POL_ERROR)
		by_policy(ck, p->reg_up, r_up, "authData.flags", "UP (user present) is not set");
	/* 7.1 step 15: no UP check when the RP used conditional mediation. */
	else if (!(ad->flags & FSIM_AD_UP) && r_up == FSIM_R_REG_12 && p->conditional &&
	    p->up_rule == FSIM_UPR_SPEC)
		fsim_checks_info(ck, r_up, "authData.flags", "UP is not set: accepted, the "
		    "registration used conditional mediation (7.1 step 15)");
	else if (!(ad->flags & FSIM_AD_UP))
		fsim_checks_add(ck, r_up, FSIM_CHECK_FAIL, "authData.flags", 32,
		    "UP (user present) is not set%s", r_up == FSIM_R_REG_12 && p->conditional ?
		    " (this policy requires UP even for a conditional create)" :
		    r_up == FSIM_R_REG_12 ? " (a conditional create may omit it: "
		    "--mediation conditional)" : "");
	else
		fsim_checks_pass(ck, r_up);

	if (uv->required && !(ad->flags & FSIM_AD_UV))
		fsim_checks_add(ck, r_uv, FSIM_CHECK_FAIL, "authData.flags", 32,
		    "user verification is required%s but UV is not set", uv->why);
	else
		fsim_checks_pass(ck, r_uv);

	if ((ad->flags & FSIM_AD_BS) && !(uv->be >= 0 ? uv->be == 1 : (ad->flags & FSIM_AD_BE))) {
		if (p->bs_without_be == FSIM_POL_IGNORE)
			fsim_checks_info(ck, r_bk, "authData.flags", "BS is set but BE is "
			    "not; accepted: this policy does not check the pair");
		else
			fsim_checks_add(ck, r_bk, p->bs_without_be == FSIM_POL_ERROR ?
			    FSIM_CHECK_FAIL : FSIM_CHECK_WARN, "authData.flags", 32,
			    "BS is set but %s", uv->be >= 0 ? "the record's backupEligible is "
			    "false (this policy checks BS against the stored BE)" : "BE is not");
	} else
		fsim_checks_pass(ck, r_bk);
}

bool
fsim_rp_rpid_hash_is(const fsim_authdata_t *ad, const char *id)
{
	uint8_t h[32];

	return id != NULL && fsim_sha256(id, strlen(id), h) == 0 &&
	    CRYPTO_memcmp(h, ad->rp_id_hash, 32) == 0;
}

void
fsim_rp_check_extensions(const fsim_rp_policy_t *p, const fsim_authdata_t *ad,
    fsim_rule_id_t rule, const char *field, fsim_checks_t *ck)
{
	struct cbor_pair *kv;
	size_t i, j, n, bad = 0;

	if (!(ad->flags & FSIM_AD_ED) || ad->ext == NULL || !cbor_isa_map(ad->ext))
		return;
	n = cbor_map_size(ad->ext);
	if (p->unsolicited_ext == FSIM_POL_IGNORE) {
		fsim_checks_info(ck, rule, field, "%zu authenticator extension output(s) "
		    "present", n);
		return;
	}
	kv = cbor_map_handle(ad->ext);
	for (i = 0; i < n; i++) {
		const cbor_item_t *k = kv[i].key;
		size_t kl;
		bool asked = false;

		/* The parser admits only text keys (AD-03); anything else is unsolicited. */
		kl = cbor_isa_string(k) && cbor_string_is_definite(k) ? cbor_string_length(k) : 0;
		for (j = 0; kl > 0 && j < p->n_ext_requested; j++)
			if (p->ext_requested[j] != NULL && strlen(p->ext_requested[j]) == kl &&
			    memcmp(p->ext_requested[j], cbor_string_handle(k), kl) == 0)
				asked = true;
		if (asked)
			continue;
		bad++;
		fsim_checks_add(ck, rule, p->unsolicited_ext == FSIM_POL_ERROR ?
		    FSIM_CHECK_FAIL : FSIM_CHECK_WARN, field, FSIM_NO_OFFSET,
		    "the output \"%.*s\" answers no extension the RP requested",
		    (int)(kl > 60 ? 60 : kl), kl ? (const char *)cbor_string_handle(k) : "?");
	}
	if (bad == 0)
		fsim_checks_pass(ck, rule);
}

void
fsim_rp_pass_held(fsim_checks_t *ck, const fsim_rule_id_t *rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!fsim_checks_failed(ck, rules[i]))
			fsim_checks_pass(ck, rules[i]);
}

void
fsim_rp_pass_json(fsim_checks_t *ck, bool registration)
{
	const fsim_rule_id_t r[] = {
		registration ? FSIM_R_JSON_01 : FSIM_R_JSON_02, FSIM_R_JSON_04, FSIM_R_ENC_01,
	};

	fsim_rp_pass_held(ck, r, sizeof(r) / sizeof(r[0]));
}

void
fsim_rp_pass_authdata(fsim_checks_t *ck, const fsim_authdata_t *ad)
{
	static const fsim_rule_id_t r[] = { FSIM_R_AD_01, FSIM_R_AD_04, FSIM_R_AD_03 };

	/* AD-03 says what ED announces; with ED clear it has nothing to hold. */
	fsim_rp_pass_held(ck, r, (ad->flags & FSIM_AD_ED) ? 3 : 2);
}

void
fsim_rp_pass_sig(fsim_checks_t *ck, int kty)
{
	/* SIG-02: the alg chose the hash; EdDSA hashes inside the scheme. */
	static const fsim_rule_id_t ec[] = { FSIM_R_SIG_01, FSIM_R_SIG_02 };
	static const fsim_rule_id_t rsa[] = { FSIM_R_SIG_03, FSIM_R_SIG_02 };
	static const fsim_rule_id_t okp[] = { FSIM_R_SIG_04 };
	static const fsim_rule_id_t akp[] = { FSIM_R_SIG_ML_01 };  /* ML-DSA */

	if (kty == FSIM_COSE_KTY_EC2)
		fsim_rp_pass_held(ck, ec, 2);
	else if (kty == FSIM_COSE_KTY_RSA)
		fsim_rp_pass_held(ck, rsa, 2);
	else if (kty == FSIM_COSE_KTY_OKP)
		fsim_rp_pass_held(ck, okp, 1);
	else if (kty == FSIM_COSE_KTY_AKP)
		fsim_rp_pass_held(ck, akp, 1);
}
