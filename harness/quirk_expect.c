/*
 * quirk_expect.c — what a relying party under one policy preset must
 * conclude about a quirk cell (harness/matrix.c, run_quirk_unit).
 *
 * Under the spec policy a quirk fails by the rule it names (a warning rule
 * is among the warnings instead). A library's preset departs from that only
 * where it documents a decision (rp-sim/policy_preset.c, `fidosim
 * policies`): the expectation is derived from those knobs here, independently
 * of the code that applies them in rp-sim, so a cell is "unexpected" when the
 * two disagree, not merely because a library is laxer than the spec.
 */
#include <stdio.h>
#include <string.h>

#include "harness/matrix_int.h"

static bool
in_list(const char *s, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* A policy-severity knob: error fails, warn warns, ignore lets it through. */
static const char *
knob(fsim_pol_t v, const fsim_rp_preset_t *ps, const char *what, const char *name,
    char *why, size_t whylen)
{
	if (v == FSIM_POL_ERROR)
		return "fail";
	snprintf(why, whylen, "%s %s %s (%s=%s in 'fidosim policies')", ps->name,
	    v == FSIM_POL_WARN ? "only warns about" : "does not check", what, name,
	    fsim_pol_name(v));
	return v == FSIM_POL_WARN ? "warn" : "pass";
}

const char *
fsim_quirk_expect(size_t q, const fsim_authn_config_t *cfg, const char *fmt,
    const fsim_rp_preset_t *ps, const char **rule, char *why, size_t whylen)
{
	const fsim_quirk_info_t *qi = fsim_quirk_info((fsim_quirk_t)q);
	fsim_rp_policy_t pol;
	fsim_rule_id_t rid;
	size_t id_max;

	why[0] = '\0';
	*rule = qi != NULL && qi->rule[0] ? qi->rule : NULL;
	if (*rule == NULL || !fsim_rule_find(*rule, &rid))
		return "pass";   /* a quirk no RP can see */
	fsim_rp_policy_init(&pol);
	fsim_rp_preset_apply(ps, &pol);
	/* A statement in a format the library does not implement fails first (7.1 step 21). */
	if (pol.formats != NULL && !in_list(fmt, pol.formats) && pol.unknown_fmt == FSIM_POL_ERROR) {
		*rule = "REG-17";
		snprintf(why, whylen, "%s does not implement fmt \"%s\"", ps->name, fmt);
		return "fail";
	}
	switch ((fsim_quirk_t)q) {
	case FSIM_QUIRK_BS_WITHOUT_BE:
		return knob(pol.bs_without_be, ps, "BS without BE", "bs-without-be", why, whylen);
	case FSIM_QUIRK_COUNTER_REGRESS:
		/* The quirk regresses 100 -> 99 -> 98: never to 0, so counter_zero_ok plays no part. */
		return knob(pol.counter, ps, "a signCount that goes down", "counter", why, whylen);
	case FSIM_QUIRK_AT_IN_ASSERTION:
		return knob(pol.at_in_assertion, ps, "the AT flag in an assertion", "at-get", why,
		    whylen);
	case FSIM_QUIRK_CERT_EXPIRED:
		/*
		 * packed is never dated against a built-in root (only apple,
		 * android-key and android-safetynet are, rp-sim/reg.c): a library
		 * that checks no path dates the leaf only when leaf-dates names packed.
		 */
		if (in_list("packed", pol.undated) || (pol.att_chain == FSIM_CHAIN_SPEC &&
		    pol.dates_untrusted)) {
			snprintf(why, whylen, "%s checks the path of a packed attestation but not its "
			    "dates (undated / date-failure=untrusted)", ps->name);
			return "pass";
		}
		if (pol.att_chain == FSIM_CHAIN_SPEC || in_list("packed", pol.leaf_dates) ||
		    in_list("packed", pol.chain_dates))
			return "fail";
		snprintf(why, whylen, "%s checks neither the path nor the dates of a packed "
		    "attestation certificate (chain=%s, leaf dates not checked)", ps->name,
		    fsim_chain_pol_name(pol.att_chain));
		return "pass";
	case FSIM_QUIRK_CREDENTIAL_ID_1024:
		id_max = pol.cred_id_max != 0 ? pol.cred_id_max : 1023;
		if (1024 > id_max)
			return "fail";
		snprintf(why, whylen, "%s takes credential IDs of up to %zu bytes (id-max)",
		    ps->name, id_max);
		return "pass";
	case FSIM_QUIRK_ALG_MISMATCH:
		if (!pol.self_alg_hash_only)
			return "fail";
		snprintf(why, whylen, "%s reads a self statement's alg as the hash only "
		    "(self-alg=hash-only)", ps->name);
		return "pass";
	case FSIM_QUIRK_TRAILING_BYTES:
		return knob(pol.trailing_bytes, ps, "bytes after the authenticator data",
		    "trailing-bytes", why, whylen);
	case FSIM_QUIRK_AAGUID_CERT_MISMATCH:
	case FSIM_QUIRK_CERT_CA_TRUE:
	case FSIM_QUIRK_CERT_MISSING_OU:
		if (!pol.packed_cert_ignored)
			return "fail";
		snprintf(why, whylen, "%s does not check the packed attestation certificate's "
		    "8.2.1 requirements (packed-cert=ignore)", ps->name);
		return "pass";
	case FSIM_QUIRK_BE_FLIP:
		/* Registered with cfg->be; the assertions report the opposite. */
		if (pol.be_change == FSIM_BE_ERROR ||
		    (pol.be_change == FSIM_BE_ALLOW_UPGRADE && cfg->be))
			return "fail";
		snprintf(why, whylen, "%s %s a BE that changes (be-change=%s)", ps->name,
		    pol.be_change == FSIM_BE_IGNORE ? "does not check" : "only warns about",
		    fsim_be_pol_name(pol.be_change));
		return pol.be_change == FSIM_BE_IGNORE ? "pass" : "warn";
	default:
		break;
	}
	/* Policy rules count as errors: the spec policy's default makes them fail. */
	return fsim_rule(rid)->sev == FSIM_RSEV_ERROR || fsim_rule(rid)->sev == FSIM_RSEV_POLICY ?
	    "fail" : "warn";
}
