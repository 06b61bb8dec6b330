/*
 * mediate.c — what a platform profile's rules do to a ceremony (see
 * profile.h and prules.def). Each effect is recorded under the rule's name.
 *
 * Registration output may be rewritten only where nothing signs it (the
 * delivered fmt is "none"); an assertion's signed bytes are never touched:
 * a rule about an assertion can only refuse it.
 */
#include <stdio.h>
#include <string.h>

#include "platform/internal.h"

/* Attested credential data, and its AAGUID, start after rpIdHash, flags and signCount. */
#define AAGUID_OFF FSIM_AD_MIN_LEN

const fsim_platform_t *
fsim_mediate_profile(const fsim_client_ceremony_t *cer)
{
	return cer != NULL && cer->platform != NULL ? cer->platform : fsim_platform_spec();
}

const char *
fsim_mediate_uv_request(const fsim_platform_t *p, const char *uv, fsim_platform_effects_t *e)
{
	if (uv != NULL && strcmp(uv, "discouraged") == 0 &&
	    fsim_platform_rule(p, FSIM_PRULE_UV_NEVER_DISCOURAGED) != NULL) {
		fsim_platform_effect_add(e, "uv-never-discouraged", "userVerification "
		    "\"discouraged\" passed to the provider as \"preferred\"");
		return "preferred";
	}
	return uv;
}

const char *
fsim_mediate_conveyance(const fsim_platform_t *p, const char *attestation,
    fsim_platform_effects_t *e)
{
	const char *a = attestation != NULL ? attestation : "none";

	if (fsim_platform_rule(p, FSIM_PRULE_ENTERPRISE_ONLY) != NULL &&
	    strcmp(a, "none") != 0 && strcmp(a, "enterprise") != 0) {
		fsim_platform_effect_add(e, "attestation-enterprise-only", "attestation "
		    "\"%s\" not forwarded to the provider: handled as \"none\"", a);
		return "none";
	}
	return a;
}

static const char *
errors_mode(const fsim_client_ceremony_t *cer)
{
	const fsim_prule_t *r = fsim_platform_rule(fsim_mediate_profile(cer), FSIM_PRULE_ERRORS);

	return r != NULL ? r->arg : "spec";
}

int
fsim_mediate_ctap_refusal(const fsim_client_ceremony_t *cer, uint8_t st,
    fsim_client_error_t *err)
{
	const char *mode = errors_mode(cer), *name = FSIM_DOM_NOT_ALLOWED;
	const char *rule = NULL;
	int r;

	if (strcmp(mode, "chrome-android") == 0) {
		/* CredMan: a cancel is NotAllowedError, an excluded credential
		 * InvalidStateError, anything else NotReadableError. */
		rule = "errors";
		if (st == 0x19)
			name = FSIM_DOM_INVALID_STATE;
		else if (st != 0x27 && st != 0x2d && st != 0x2f && st != 0x3a)
			name = "NotReadableError";
	} else if (strcmp(mode, "apple") == 0) {
		/* AuthenticationServices: only an excluded credential is not NotAllowedError. */
		rule = "errors";
		if (st == 0x19)
			name = FSIM_DOM_INVALID_STATE;
	} else {
		/* The reference client: an excluded credential is
		 * InvalidStateError (6.3.2 step 3), an unsupported algorithm
		 * NotSupportedError (6.3.2 step 2), everything else NotAllowedError
		 * (5.1.3, 5.1.4: the page learns nothing more). */
		if (st == 0x19)
			name = FSIM_DOM_INVALID_STATE;
		else if (st == 0x26)
			name = FSIM_DOM_NOT_SUPPORTED;
	}
	r = fsim_client_refuse(err, name, rule, st, "authenticator returned %s (0x%02x)",
	    fsim_ctap_status_name(st), st);
	if (rule != NULL) {
		snprintf(err->platform, sizeof(err->platform), "%s", fsim_mediate_profile(cer)->name);
		fsim_platform_effect_add(cer->effects, "errors", "CTAP status 0x%02x "
		    "reaches the page as %s (errors %s)", st, name, mode);
	}
	return r;
}

static int
platform_refuse(const fsim_client_ceremony_t *cer, fsim_client_error_t *err,
    const char *rule, const char *what)
{
	const fsim_platform_t *p = fsim_mediate_profile(cer);
	int r;

	r = fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, rule, -1, "%s: %s (platform "
	    "rule %s)", p->name, what, rule);
	snprintf(err->platform, sizeof(err->platform), "%s", p->name);
	fsim_platform_effect_add(cer->effects, rule, "refused: %s", what);
	return r;
}

int
fsim_mediate_check(const fsim_client_ceremony_t *cer, const char *fmt, uint8_t flags,
    fsim_client_error_t *err)
{
	const fsim_platform_t *p = fsim_mediate_profile(cer);
	char what[160];

	if (fmt != NULL && strcmp(fmt, "none") != 0 &&
	    fsim_platform_rule(p, FSIM_PRULE_REQUIRE_FMT_NONE) != NULL) {
		snprintf(what, sizeof(what), "unsupported attestation type: the provider's "
		    "attestation object has fmt \"%.40s\" and only \"none\" is accepted", fmt);
		return platform_refuse(cer, err, "require-fmt-none", what);
	}
	if ((flags & (FSIM_AD_BE | FSIM_AD_BS)) != (FSIM_AD_BE | FSIM_AD_BS) &&
	    fsim_platform_rule(p, FSIM_PRULE_REQUIRE_BE_BS) != NULL) {
		snprintf(what, sizeof(what), "the provider's %s has BE=%d BS=%d; BE=1 and "
		    "BS=1 are required", fmt != NULL ? "registration" : "assertion",
		    (flags & FSIM_AD_BE) != 0, (flags & FSIM_AD_BS) != 0);
		return platform_refuse(cer, err, "require-be-bs", what);
	}
	return FSIM_OK;
}

static bool
has_transport(const fsim_client_ceremony_t *cer, const char *t)
{
	size_t i;

	for (i = 0; i < cer->n_transports; i++)
		if (strcmp(cer->transports[i], t) == 0)
			return true;
	return false;
}

static void
zero_aaguid(const fsim_client_ceremony_t *cer, const char *rule, const char *why,
    uint8_t *ad, size_t adl)
{
	static const uint8_t zero[16];
	char was[FSIM_AAGUID_STRLEN + 1];

	if (adl < AAGUID_OFF + 16 || memcmp(ad + AAGUID_OFF, zero, 16) == 0)
		return;
	fsim_aaguid_format(ad + AAGUID_OFF, was);
	memset(ad + AAGUID_OFF, 0, 16);
	fsim_platform_effect_add(cer->effects, rule, "AAGUID %s replaced with zeros "
	    "(%s; fmt \"none\": nothing signs it)", was, why);
}

void
fsim_mediate_registration(const fsim_client_ceremony_t *cer, const char *fmt,
    bool self_att, uint8_t *ad, size_t adl, bool *keep)
{
	const fsim_platform_t *p = fsim_mediate_profile(cer);
	const char *conv = cer->attestation != NULL ? cer->attestation : "none";
	bool asked = strcmp(conv, "direct") == 0 || strcmp(conv, "enterprise") == 0;
	const fsim_prule_t *z;
	static const uint8_t zero[16];

	if (fsim_platform_rule(p, FSIM_PRULE_PASS_THROUGH) != NULL) {
		*keep = true;
		if (!asked && strcmp(fmt, "none") != 0)
			fsim_platform_effect_add(cer->effects, "pass-through", "fmt \"%s\" "
			    "delivered as made although the RP asked \"%s\"", fmt, conv);
	} else if (fsim_platform_rule(p, FSIM_PRULE_CONVEY_L2) != NULL) {
		/* L2: self attestation with a zero AAGUID stays; else anonymise. */
		*keep = asked || (self_att && adl >= AAGUID_OFF + 16 &&
		    memcmp(ad + AAGUID_OFF, zero, 16) == 0);
		if (!*keep) {
			if (strcmp(fmt, "none") != 0)
				fsim_platform_effect_add(cer->effects, "convey-l2", "fmt \"%s\" "
				    "replaced with \"none\" and attStmt with {} (attestation "
				    "\"%s\")", fmt, conv);
			zero_aaguid(cer, "convey-l2", "the L2 rule for attestation \"none\"",
			    ad, adl);
		}
	} else {
		*keep = asked || self_att;
		if (!*keep && strcmp(fmt, "none") != 0)
			fsim_platform_effect_add(cer->effects, "convey-l3", "fmt \"%s\" "
			    "replaced with \"none\" and attStmt with {} (attestation \"%s\"; "
			    "the AAGUID is kept)", fmt, conv);
	}
	if ((*keep && strcmp(fmt, "none") != 0) ||
	    (z = fsim_platform_rule(p, FSIM_PRULE_ZERO_AAGUID)) == NULL)
		return;
	if (strcmp(z->arg, "roaming") == 0) {
		if (!has_transport(cer, "internal") && !has_transport(cer, "hybrid"))
			zero_aaguid(cer, "zero-aaguid", "a roaming authenticator under "
			    "attestation \"none\"", ad, adl);
	} else
		zero_aaguid(cer, "zero-aaguid", "every authenticator's", ad, adl);
}

size_t
fsim_mediate_transports(const fsim_client_ceremony_t *cer, const char *v[8])
{
	const fsim_platform_t *p = fsim_mediate_profile(cer);
	char list[80] = "";
	size_t i, n = 0;

	if (fsim_platform_rule(p, FSIM_PRULE_TRANSPORTS) == NULL) {
		for (i = 0; i < cer->n_transports && n < 8; i++)
			v[n++] = cer->transports[i];
		return n;
	}
	for (i = 0; i < p->n_transports && n < 8; i++) {
		v[n++] = p->transports[i];
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
		    i > 0 ? "," : "", p->transports[i]);
	}
	fsim_platform_effect_add(cer->effects, "transports", "transports delivered as "
	    "[%s], whatever the authenticator has", list);
	return n;
}

void
fsim_mediate_always(const fsim_client_ceremony_t *cer)
{
	if (fsim_platform_rule(fsim_mediate_profile(cer), FSIM_PRULE_CLIENT_DATA) != NULL)
		fsim_platform_effect_add(cer->effects, "client-data", "clientDataJSON built "
		    "by the platform; the provider saw only clientDataHash");
}

int
fsim_mediate_check_mediation(const char *mediation, fsim_client_error_t *err)
{
	static const char *const known[] = { "silent", "optional", "conditional", "required" };
	size_t i;

	if (mediation == NULL)
		return FSIM_OK;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(mediation, known[i]) == 0)
			return FSIM_OK;
	return fsim_client_refuse(err, FSIM_DOM_TYPE, "mediation-value", -1, "mediation "
	    "\"%.40s\" is not silent, optional, conditional or required (Credential "
	    "Management CredentialMediationRequirement)", mediation);
}

bool
fsim_mediate_conditional_create(const fsim_client_ceremony_t *cer, const char *mediation)
{
	const fsim_platform_t *p = fsim_mediate_profile(cer);

	if (mediation == NULL || strcmp(mediation, "conditional") != 0)
		return false;
	if (strcmp(fsim_platform_conditional_create(p), "spec") != 0) {
		fsim_platform_effect_add(cer->effects, "conditional-create", "mediation "
		    "\"conditional\" ignored by %s: a modal create (UP tested)", p->name);
		return false;
	}
	fsim_platform_effect_add(cer->effects, "conditional-create", "conditional create: "
	    "requireUserPresence false, requireUserVerification only when required "
	    "(WebAuthn L3 5.1.3)");
	return true;
}

static bool
roaming_transport(const fsim_client_ceremony_t *cer)
{
	static const char *const t[] = { "usb", "nfc", "ble", "smart-card" };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (has_transport(cer, t[i]))
			return true;
	return false;
}

void
fsim_mediate_hints(const fsim_client_ceremony_t *cer)
{
	const char *h = cer->hint, *kind;
	bool platform_att, match;

	if (h == NULL || strcmp(fsim_platform_hints(fsim_mediate_profile(cer)), "advisory") != 0)
		return;
	platform_att = cer->attachment != NULL && strcmp(cer->attachment, "platform") == 0;
	if (strcmp(h, "security-key") == 0) {
		match = !platform_att && roaming_transport(cer);
		kind = "a security key";
	} else if (strcmp(h, "client-device") == 0) {
		match = platform_att;
		kind = "a platform authenticator of this device";
	} else {
		match = !platform_att && has_transport(cer, "hybrid");
		kind = "a phone over hybrid";
	}
	fsim_platform_effect_add(cer->effects, "hints", "hint \"%s\" (%s): the authenticator "
	    "used (%s, transports %s%s) %s; hints do not bind the client (WebAuthn L3 5.8.8)",
	    h, kind, cer->attachment != NULL ? cer->attachment : "attachment unknown",
	    cer->n_transports > 0 ? cer->transports[0] : "none",
	    cer->n_transports > 1 ? ",..." : "", match ? "matches it" : "contradicts it and "
	    "still answered");
}

int
fsim_mediate_id_filter(const fsim_client_ceremony_t *cer, const uint8_t *id, size_t len,
    fsim_client_error_t *err)
{
	size_t i;

	if (!cer->conditional || cer->n_id_filter == 0)
		return FSIM_OK;
	for (i = 0; i < cer->n_id_filter; i++)
		if (fsim_blob_eq(&cer->id_filter[i], id, len))
			return FSIM_OK;
	return fsim_client_refuse(err, FSIM_DOM_NOT_ALLOWED, "conditional-get-filter", -1,
	    "the discoverable credential offered is not among allowCredentials, which a "
	    "conditional get keeps as a filter (WebAuthn L3 5.1.4.1)");
}
