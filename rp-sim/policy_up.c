/*
 * policy_up.c — what each RP library does with user presence on a
 * registration made by a conditional create (WebAuthn L3 7.1 step 15: the
 * UP check is skipped when options.mediation is "conditional"), with the
 * source line that decides it. Libraries with an option for it (py_webauthn
 * require_user_presence, SimpleWebAuthn requireUserPresence,
 * java-webauthn-server isConditionalCreate) are modelled as an RP that sets
 * the option when it asked for a conditional create; go-webauthn reads the
 * mediation the RP stored in its session. The others always require UP.
 *
 * Kept apart from the preset table (policy_preset.c) so that the knob can
 * be folded into it in one place; fsim_rp_preset_apply reads it from here.
 */
#include <string.h>

#include "rp-sim/policy_preset.h"

static const struct {
	const char *preset;
	fsim_up_rule_t rule;
	const char *evidence;
} up_rules[] = {
	{ "spec", FSIM_UPR_SPEC,
	    "W3C WebAuthn L3 7.1 step 15 (w3c/webauthn index.bs 146d0db, line 5958): verify UP "
	    "only if options.mediation is not conditional" },
	{ "py_webauthn", FSIM_UPR_SPEC,
	    "duo-labs/py_webauthn b4bf63f (option since v2.5.0, PR #236): "
	    "webauthn/registration/verify_registration_response.py:73 require_user_presence: "
	    "bool = True, :166-169 \"User presence was required, but was not present during "
	    "attestation\" only when it is True" },
	{ "simplewebauthn", FSIM_UPR_SPEC,
	    "@simplewebauthn/server 14.1.0 (node_modules, package-lock.json): "
	    "esm/registration/verifyRegistrationResponse.js:39 requireUserPresence = true, "
	    ":109 checked only when true (MasterKale/SimpleWebAuthn 803d1da "
	    "packages/server/src/registration/verifyRegistrationResponse.ts:72, :199; PR #623)" },
	{ "java-webauthn-server", FSIM_UPR_SPEC,
	    "Yubico/java-webauthn-server 0e71ebb: webauthn-server-core FinishRegistrationOptions."
	    "java:81 isConditionalCreate (default false; experimental since 2.7.0, issue #407), "
	    "FinishRegistrationSteps.java:307-310 \"User Presence is required unless "
	    "isConditionalCreate is true.\"" },
	{ "go-webauthn", FSIM_UPR_SPEC,
	    "go-webauthn/webauthn bca8ebd (since v0.13.1): webauthn/registration.go:200 "
	    "shouldVerifyUserPresence := session.Mediation != protocol.MediationConditional "
	    "(the RP begins with BeginMediatedRegistration); protocol/authenticator.go:441-443" },
	{ "webauthn-rs", FSIM_UPR_ALWAYS,
	    "kanidm/webauthn-rs 65e9a6d (0.5.5): webauthn-rs-core/src/core.rs:536-539 "
	    "UserNotPresent whenever UP is 0; no option" },
	{ "fido2-net-lib", FSIM_UPR_ALWAYS,
	    "passwordless-lib/fido2-net-lib 2451de1: Src/Fido2/AuthenticatorAttestationResponse.cs:"
	    "104-105 UserPresentFlagNotSet whenever UP is 0; no option" },
	{ "libfido2", FSIM_UPR_ALWAYS,
	    "Yubico/libfido2 8ee8e5a (1.17.0): src/cred.c:425 fido_cred_verify checks flags with "
	    "up FIDO_OPT_TRUE (src/assert.c:379-383); no option" },
	{ "python-fido2", FSIM_UPR_ALWAYS,
	    "python-fido2 0.9.1 (Debian python3-fido2): /usr/lib/python3/dist-packages/fido2/"
	    "server.py:264-265 register_complete raises \"User Present flag not set.\"; the same "
	    "at Yubico/python-fido2 d1fd711 fido2/server.py:255" },
};

fsim_up_rule_t
fsim_rp_preset_up_rule(const fsim_rp_preset_t *ps, const char **evidence)
{
	size_t i;

	if (evidence != NULL)
		*evidence = NULL;
	for (i = 0; ps != NULL && i < sizeof(up_rules) / sizeof(up_rules[0]); i++)
		if (strcmp(ps->name, up_rules[i].preset) == 0) {
			if (evidence != NULL)
				*evidence = up_rules[i].evidence;
			return up_rules[i].rule;
		}
	/* A preset not listed here (added later): the spec's reading, said as unknown. */
	if (evidence != NULL)
		*evidence = "unknown: not yet read for this library; the spec's reading is used";
	return FSIM_UPR_SPEC;
}

const char *
fsim_up_rule_name(fsim_up_rule_t v)
{
	return v == FSIM_UPR_ALWAYS ? "always" : "spec";
}
