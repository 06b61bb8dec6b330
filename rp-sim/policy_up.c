/*
 * policy_up.c — what each RP library does with user presence on a
 * registration made by a conditional create (WebAuthn L3 7.1 step 15: the
 * UP check is skipped when options.mediation is "conditional"): the knob
 * reg-up-conditional of its policy preset (data/policies/NAME.policy, with
 * the source line that decides it as the knob's evidence). Libraries with
 * an option for it (py_webauthn require_user_presence, SimpleWebAuthn
 * requireUserPresence, java-webauthn-server isConditionalCreate) are
 * modelled as an RP that sets the option when it asked for a conditional
 * create; go-webauthn reads the mediation the RP kept in its session; the
 * others always require UP.
 */
#include "rp-sim/policy_preset.h"

fsim_up_rule_t
fsim_rp_preset_up_rule(const fsim_rp_preset_t *ps, const char **evidence)
{
	if (evidence != NULL)
		*evidence = ps != NULL ? fsim_rp_preset_evidence(ps, "reg-up-conditional") : NULL;
	return ps != NULL ? ps->pol.up_rule : FSIM_UPR_SPEC;
}

const char *
fsim_up_rule_name(fsim_up_rule_t v)
{
	return v == FSIM_UPR_ALWAYS ? "always" : "spec";
}
