/*
 * mutate_expect.c — what each RP policy preset is expected to decide about a
 * mutation or vector unit (mu_expect, mutate_int.h): the spec's verdict,
 * and where a preset's knobs (rp-sim/policy_knobs.h) and a vector's README
 * facts make its library decide otherwise.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "harness/mutate_int.h"

static bool
is_vector(const char *name)
{
	return strncmp(name, "vector/", 7) == 0;
}

/* The attestation step (7.1 steps 21-22): the format's rules, REG-17 and REG-18. */
static bool
statement_rule(const char *rule)
{
	return strcmp(rule, "REG-17") == 0 || strcmp(rule, "REG-18") == 0 ||
	    (strncmp(rule, "ATT-", 4) == 0 && strcmp(rule, "ATT-01") != 0 &&
	    strcmp(rule, "ATT-03") != 0 && strncmp(rule, "ATT-TRUST-", 10) != 0);
}

/* What a vector's README says about it that some libraries refuse. */
static const struct {
	const char *unit;
	const char *tpm_vendor;   /* the AIK certificate's tpmManufacturer */
	bool tpm_ecc;             /* pubArea is an ECC key */
	bool aaguid_nonzero;      /* a fido-u2f statement with a non-zero AAGUID */
} vector_facts[] = {
	{ "vector/w3c-l3/tpm-es256-registration", "id:00000000", true, false },
	{ "vector/w3c-l3/fido-u2f-es256-registration", NULL, false, true },
};

static bool
alg_in(int64_t alg, const int64_t *algs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (algs[i] == alg)
			return true;
	return false;
}

static bool
in_list(const char *s, const char *const *list, bool nocase)
{
	for (; list != NULL && *list != NULL; list++)
		if ((nocase ? strcasecmp(*list, s) : strcmp(*list, s)) == 0)
			return true;
	return false;
}

static bool
is_rule(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/*
 * A mutation that breaks only `rule`, let through by the preset's knobs
 * (rp-sim/policy_knobs.h): the library does not check what the rule says.
 */
static bool
let_through(const char *rule, const fsim_rp_policy_t *pol)
{
	if (is_rule(rule, "REG-07"))
		return pol->reg_cross_origin == FSIM_XO_IGNORE;
	if (is_rule(rule, "AUTH-10"))
		return pol->auth_cross_origin == FSIM_XO_IGNORE;
	if (is_rule(rule, "REG-08"))
		return pol->reg_top_origin == FSIM_TO_IGNORE;
	if (is_rule(rule, "AUTH-11"))
		return pol->auth_top_origin == FSIM_TO_IGNORE;
	if (is_rule(rule, "REG-13") || is_rule(rule, "AUTH-14"))
		return pol->uv_rule == FSIM_UVR_NEVER;
	if (is_rule(rule, "REG-14") || is_rule(rule, "AUTH-15"))
		return pol->bs_without_be != FSIM_POL_ERROR;
	if (is_rule(rule, "REG-16"))
		return pol->alg_not_offered != FSIM_POL_ERROR;
	if (is_rule(rule, "REG-17"))
		return pol->unknown_fmt != FSIM_POL_ERROR;
	if (is_rule(rule, "EXT-APPID-01"))
		return pol->appid_unsupported;   /* the appid output is not read */
	if (is_rule(rule, "ATT-PACKED-03") || is_rule(rule, "ATT-PACKED-04") ||
	    is_rule(rule, "ATT-PACKED-05") || is_rule(rule, "ATT-PACKED-06"))
		return pol->packed_cert_ignored;
	return false;
}

/*
 * The cell's expectation under preset ps: "fail" by *rule, or "pass".
 * A mutation fails by its rule, except where the preset's knobs decide
 * otherwise (let_through); a format the library does not implement fails by
 * REG-17 instead, or passes unverified where it registers unknown formats;
 * a library that verifies no statement when attestation "none" was asked
 * accepts a broken one. A vector passes, except for what a library cannot
 * take: its formats, TPM vendors and pubArea types, zero-AAGUID U2F, the
 * algorithms it takes and verifies, an AppID it has no extension for, and its
 * UV rules.
 */
const char *
mu_expect(const char *name, const mu_case_t *c, const fsim_rp_preset_t *ps,
    uint8_t flags, const char **rule)
{
	bool reg = c->ceremony == FSIM_CEREMONY_REGISTRATION;
	fsim_rp_policy_t pol;   /* the preset's knobs (policy_knobs.h) */
	bool skip_stmt, fmt_ok, uv = (flags & FSIM_AD_UV) != 0, tpm;
	const char *vendor = NULL;
	bool ecc = false, u2f_aaguid = false;
	int alg = 0, crv = 0;
	const int64_t *offered;
	size_t i, n_offered;

	fsim_rp_policy_init(&pol);
	fsim_rp_preset_apply(ps, &pol);
	skip_stmt = pol.att_if_requested && (c->conveyance == FSIM_CONVEY_NONE ||
	    c->conveyance == FSIM_CONVEY_UNSET);
	fmt_ok = !reg || pol.formats == NULL || in_list(c->fmt, pol.formats, false);
	tpm = reg && strcmp(c->fmt, "tpm") == 0 && !skip_stmt;
	if (c->record != NULL) {
		alg = fsim_cose_key_alg(c->record->key);
		crv = fsim_cose_key_crv(c->record->key);
	} else if (reg)   /* the key's alg as the response states it (5.2.1.1) */
		alg = (int)json_integer_value(json_object_get(json_object_get(c->response,
		    "response"), "publicKeyAlgorithm"));
	offered = c->n_algs > 0 ? c->algs : pol.default_algs;
	n_offered = c->n_algs > 0 ? c->n_algs : pol.n_default_algs;
	for (i = 0; i < sizeof(vector_facts) / sizeof(vector_facts[0]); i++)
		if (strcmp(vector_facts[i].unit, name) == 0) {
			vendor = vector_facts[i].tpm_vendor;
			ecc = vector_facts[i].tpm_ecc;
			u2f_aaguid = vector_facts[i].aaguid_nonzero;
		}
	*rule = NULL;
	if (c->judge != MU_JUDGE_RP && c->judge != MU_JUDGE_RECORD) {
		/* the client or fidosim judged; no RP policy takes part */
		*rule = is_vector(name) ? NULL : name;
		return *rule != NULL ? "fail" : "pass";
	}
	if (!is_vector(name)) {
		if (reg && statement_rule(name) && skip_stmt)
			return "pass";
		if (reg && statement_rule(name) && !fmt_ok) {
			if (pol.unknown_fmt != FSIM_POL_ERROR)
				return "pass";
			*rule = "REG-17";
			return "fail";
		}
		if (let_through(name, &pol))
			return "pass";
		/* a library that cannot verify the credential's alg refuses it first */
		if (!reg && alg != 0 &&
		    !fsim_sig_alg_listed(pol.sig_algs, pol.n_sig_algs, alg, crv)) {
			*rule = "AUTH-18";
			return "fail";
		}
		*rule = name;
		return "fail";
	}
	if (reg && !fmt_ok && !skip_stmt)
		*rule = pol.unknown_fmt == FSIM_POL_ERROR ? "REG-17" : NULL;
	else if (tpm && pol.tpm_rsa_only && ecc)
		*rule = "ATT-TPM-02";
	else if (tpm && pol.tpm_vendors != NULL && (vendor == NULL ||
	    !in_list(vendor, pol.tpm_vendors, pol.tpm_vendors_nocase)))
		*rule = "ATT-TPM-03";
	else if (reg && !skip_stmt && u2f_aaguid && pol.u2f_zero_aaguid)
		*rule = "ATT-U2F-01";
	else if (reg && alg != 0 && (!fsim_sig_alg_listed(pol.reg_algs,
	    pol.n_reg_algs, alg, crv) || (offered != NULL && !alg_in(alg, offered, n_offered) &&
	    pol.alg_not_offered == FSIM_POL_ERROR)))
		*rule = "REG-16";
	else if (!reg && !fsim_sig_alg_listed(pol.sig_algs, pol.n_sig_algs, alg, crv))
		*rule = "AUTH-18";
	else if (!reg && c->appid[0] != '\0' && pol.appid_unsupported)
		*rule = "AUTH-12";   /* rpIdHash is of the AppID, which the library never hears of */
	else if (!uv && pol.uv_rule == FSIM_UVR_ALWAYS)
		*rule = reg ? "REG-13" : "AUTH-14";
	else if (!uv && !reg && pol.uv_rule == FSIM_UVR_STICKY && c->uv != FSIM_UV_DISCOURAGED &&
	    c->record != NULL && c->record->uv_initialized)
		*rule = "AUTH-14";
	return *rule != NULL ? "fail" : "pass";
}

