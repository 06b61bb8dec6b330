/*
 * policy_preset.c — the table of RP policy presets (policy_preset.h).
 *
 * Each row is what one library decides, read from its source: the snapshot
 * commits are those of ../shared/reference/peers.md §0 unless a row names
 * another. Rows for the six libraries of peers.md B.2/B.3 must reproduce
 * those tables (tests/unit/test_policy_preset.c checks it).
 */
#include <string.h>

#include "rp-sim/policy_preset.h"

/* Formats each library verifies (peers.md B.1 row "Formats verified"). */
static const char *const fmts_py_webauthn[] = {
	"none", "fido-u2f", "packed", "tpm", "apple", "android-safetynet", "android-key", NULL,
};
static const char *const fmts_simplewebauthn[] = {
	"fido-u2f", "packed", "android-safetynet", "android-key", "tpm", "apple", "none", NULL,
};
static const char *const fmts_java[] = {
	"fido-u2f", "none", "packed", "android-safetynet", "apple", "tpm", "android-key", NULL,
};
static const char *const fmts_webauthn_rs[] = {
	"packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple", "none", NULL,
};
static const char *const fmts_fido2_net[] = {
	"packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple",
	"apple-appattest", "none", NULL,
};
static const char *const fmts_python_fido2[] = {
	"packed", "fido-u2f", "tpm", "android-safetynet", "apple", "none", NULL,
};
static const char *const fmts_libfido2[] = { "packed", "fido-u2f", "tpm", "none", NULL };

static const fsim_rp_preset_text_t texts_none[] = { { NULL, NULL } };

/*
 * @simplewebauthn/server 13.3.3 (node_modules, pinned in package-lock.json):
 * helpers/cose.js COSEALG is the set isCOSEAlg() admits, and
 * helpers/iso/isoCrypto/verify{EC2,RSA,OKP}.js verify only those (OKP only
 * on Ed25519: "Unexpected COSE crv value", "Public key had invalid alg -53").
 */
static const int64_t algs_simplewebauthn[] = {
	-7, -8, -35, -36, -37, -38, -39, -47, -257, -258, -259, -65535, 0,
};
/*
 * TPM vendor IDs of the TCG registry, as registration/verifications/tpm/
 * constants.js TPM_MANUFACTURERS keys them (compared exactly, so IBM is
 * listed in both spellings; FFFFF1D0 is the FIDO conformance tools' ID).
 */
static const char *const tpm_vendors_simplewebauthn[] = {
	"id:414D4400", "id:414E5400", "id:41544D4C", "id:4252434D", "id:4353434F",
	"id:464C5953", "id:524F4343", "id:474F4F47", "id:48504900", "id:48504500",
	"id:48495349", "id:49424d00", "id:49424D00", "id:49465800", "id:494E5443",
	"id:4C454E00", "id:4D534654", "id:4E534D20", "id:4E545A00", "id:4E534700",
	"id:4E544300", "id:51434F4D", "id:534D534E", "id:53454345", "id:534E5300",
	"id:534D5343", "id:53544D20", "id:54584E00", "id:57454300", "id:5345414C",
	"id:FFFFF1D0", NULL,
};
/* verifyAttestationPacked.js and tpm/verifyAttestationTPM.js date x5c[0] themselves. */
static const char *const leaf_dates_simplewebauthn[] = { "packed", "tpm", NULL };

static const fsim_rp_lib_checks_t checks_simplewebauthn = {
	algs_simplewebauthn,
	FSIM_POL_ERROR,            /* supportedAlgorithmIDs.includes(alg) */
	FSIM_POL_IGNORE,           /* verifyAuthenticationResponse never looks at flags.at */
	65535,                     /* parseAuthenticatorData: any 16-bit credIDLen */
	true,                      /* packed self: verifySignature(credentialPublicKey, hashAlgorithm: alg) */
	tpm_vendors_simplewebauthn,
	false,
	leaf_dates_simplewebauthn,
};

/*
 * python-fido2 0.9.1 (Debian python3-fido2, /usr/lib/python3/dist-packages/
 * fido2): cose.py has verify() for ES256 (P-256 only), EdDSA (Ed25519 only),
 * PS256, RS256 and RS1; any other alg is UnsupportedKey, whose verify raises
 * NotImplementedError("Signature verification not supported.").
 */
static const int64_t algs_python_fido2[] = { -7, -8, -37, -257, -65535, 0 };

static const fsim_rp_lib_checks_t checks_python_fido2 = {
	algs_python_fido2,
	FSIM_POL_IGNORE,           /* register_complete never compares alg with pubKeyCredParams */
	FSIM_POL_IGNORE,           /* authenticate_complete never looks at the AT flag */
	65535,                     /* ctap2/base.py AttestedCredentialData: any 16-bit length */
	false,                     /* attestation/packed.py: "Wrong algorithm of public key!" */
	NULL,                      /* attestation/tpm.py reads no manufacturer */
	true,                      /* tpm.py TpmPublicFormat.public_key: ECC raises AttributeError */
	NULL,                      /* no certificate dates anywhere */
};

static const fsim_rp_preset_text_t texts_py_webauthn[] = {
	{ "REG-14", "Single-device credential indicated that it was backed up, which should be impossible." },
	{ "AUTH-15", "Single-device credential indicated that it was backed up, which should be impossible." },
	{ "REG-13", "User verification is required but user was not verified during attestation" },
	{ "AUTH-19", "Response sign count of {sign_count} was not greater than current count of {credential_current_sign_count}" },
	{ NULL, NULL },
};

static const fsim_rp_preset_text_t texts_simplewebauthn[] = {
	{ "REG-14", "Single-device credential indicated that it was backed up, which should be impossible." },
	{ "AUTH-15", "Single-device credential indicated that it was backed up, which should be impossible." },
	{ "REG-13", "User verification was required, but user could not be verified" },
	{ "AUTH-14", "User verification required, but user could not be verified" },
	{ "AUTH-19", "Response counter value {counter} was lower than expected {credential.counter}" },
	{ "REG-17", "Unsupported Attestation Format: {fmt}" },
	{ "REG-16", "Unexpected public key alg \"{alg}\", expected one of \"{supported}\"" },
	{ NULL, NULL },
};

static const fsim_rp_preset_text_t texts_java[] = {
	{ "REG-14", "Flag combination is invalid: BE=0, BS=1 in flags: 0x{flags}" },
	{ "AUTH-15", "Flag combination is invalid: BE=0, BS=1 in flags: 0x{flags}" },
	{ "AUTH-16", "Backup eligibility must not change; Stored: BE={stored}, received: BE={received} for credential: {id}" },
	{ "REG-13", "User Verification is required." },
	{ "AUTH-14", "User Verification is required." },
	{ "AUTH-19", "InvalidSignatureCountException" },
	{ NULL, NULL },
};

static const fsim_rp_preset_text_t texts_go[] = {
	{ "REG-14", "Backup State Flag is true but Backup Eligible flag is false which is invalid" },
	{ "AUTH-15", "Backup State Flag is true but Backup Eligible flag is false which is invalid" },
	{ "AUTH-16", "Backup Eligible flag inconsistency detected during login validation" },
	{ "AUTH-19", "CloneWarning" },
	{ NULL, NULL },
};

static const fsim_rp_preset_text_t texts_webauthn_rs[] = {
	{ "REG-14", "CredentialMayNotBeHardwareBound" },
	{ "AUTH-15", "CredentialMayNotBeHardwareBound" },
	{ "AUTH-16", "CredentialBackupEligibilityInconsistent" },
	{ "REG-13", "UserNotVerified" },
	{ "AUTH-14", "UserNotVerified" },
	{ "AUTH-19", "CredentialPossibleCompromise" },
	{ NULL, NULL },
};

static const fsim_rp_preset_text_t texts_python_fido2[] = {
	{ "REG-13", "User verification required, but User Verified flag not set." },
	{ "AUTH-14", "User verification required, but user verified flag not set." },
	{ "REG-11", "Wrong RP ID hash in response." },
	{ "AUTH-12", "Wrong RP ID hash in response." },
	{ "REG-12", "User Present flag not set." },
	{ "AUTH-13", "User Present flag not set." },
	{ "AUTH-18", "Invalid signature." },
	{ NULL, NULL },
};

static const fsim_rp_preset_text_t texts_libfido2[] = {
	{ "REG-24", "FIDO_ERR_INVALID_PARAM" },
	{ "AUTH-20", "FIDO_ERR_INVALID_PARAM" },
	{ "REG-11", "FIDO_ERR_INVALID_PARAM" },
	{ "AUTH-12", "FIDO_ERR_INVALID_PARAM" },
	{ "REG-18", "FIDO_ERR_INVALID_SIG" },
	{ "AUTH-18", "FIDO_ERR_INVALID_SIG" },
	{ NULL, NULL },
};

static const fsim_rp_preset_t presets[] = {
	{
		"spec", "WebAuthn Level 3 as fidosim reads it (the default)",
		"W3C WebAuthn L3 7.1 and 7.2 (w3c/webauthn index.bs 146d0db); DESIGN.md default policy",
		FSIM_POL_ERROR, FSIM_BE_ERROR, FSIM_BE_UNKNOWN_SKIP, FSIM_POL_ERROR, false,
		FSIM_UVR_SPEC, FSIM_POL_WARN, FSIM_CHAIN_SPEC, false, NULL, FSIM_POL_IGNORE,
		NULL, texts_none,
		"BS without BE, a BE change and a counter that does not increase are errors; "
		"a record with no stored BE is not compared; an unanchored chain is a warning",
	},
	{
		"py_webauthn", "py_webauthn 2.x (the library behind webauthn.io)",
		"peers.md B.1-B.3, C.1; duo-labs/py_webauthn b4bf63f: helpers/parse_backup_flags.py "
		"(InvalidBackupFlags), verify_authentication_response.py (sign count, no BE comparison), "
		"helpers/validate_certificate_chain.py (no roots: pass)",
		FSIM_POL_ERROR, FSIM_BE_IGNORE, FSIM_BE_UNKNOWN_SKIP, FSIM_POL_ERROR, false,
		FSIM_UVR_SPEC, FSIM_POL_IGNORE, FSIM_CHAIN_BUILTIN_ONLY, false, fmts_py_webauthn,
		FSIM_POL_IGNORE, NULL, texts_py_webauthn,
		"require_user_verification=False (UV only when the RP says required); with no "
		"pem_root_certs_bytes_by_fmt, packed/fido-u2f/tpm chains are neither dated nor "
		"chained; apple/android-key/android-safetynet chain to built-in roots (ours: data/trust)",
	},
	{
		"simplewebauthn", "@simplewebauthn/server 13.x, default options, no MetadataService",
		"peers.md B.1-B.3; MasterKale/SimpleWebAuthn 803d1da and node_modules 13.3.3: "
		"helpers/parseBackupFlags.js, registration/verifyRegistrationResponse.js and "
		"authentication/verifyAuthenticationResponse.js (requireUserVerification = true), "
		"helpers/validateCertificatePath.js (no trust anchors: skip), services/settingsService.js "
		"(built-in roots for android-key, android-safetynet, apple); algorithms, IDs and "
		"certificates: helpers/cose.js (isCOSEAlg), helpers/iso/isoCrypto/verify*.js, "
		"helpers/parseAuthenticatorData.js, helpers/verifySignature.js (hashAlgorithm), "
		"registration/verifications/verifyAttestationPacked.js and tpm/verifyAttestationTPM.js "
		"(x5c[0] notBefore/notAfter, TPM_MANUFACTURERS in tpm/constants.js)",
		FSIM_POL_ERROR, FSIM_BE_IGNORE, FSIM_BE_UNKNOWN_SKIP, FSIM_POL_ERROR, false,
		FSIM_UVR_ALWAYS, FSIM_POL_IGNORE, FSIM_CHAIN_BUILTIN_ONLY, false, fmts_simplewebauthn,
		FSIM_POL_IGNORE, &checks_simplewebauthn, texts_simplewebauthn,
		"requireUserVerification defaults to true in both ceremonies, so UV=0 fails even under "
		"\"preferred\"; advancedFIDOConfig and MetadataService strict mode are not modelled. "
		"supportedAlgorithmIDs is what --algs gives (REG-16); a packed self statement's alg "
		"only picks the hash; a credential ID of any 16-bit length and AT in an assertion "
		"pass; the TPM manufacturer must be in its vendor table (the W3C vector's "
		"id:00000000 is not); leaf dates of packed and tpm are checked without roots",
	},
	{
		"java-webauthn-server", "Yubico java-webauthn-server 2.x, default RelyingParty",
		"peers.md B.1-B.3; Yubico/java-webauthn-server 0e71ebb: webauthn-server-core "
		"FinishAssertionSteps.java PendingStep16 (\"Backup eligibility must not change\", "
		"only when the stored BE is present), AuthenticatorDataFlags (BE=0 BS=1 refused at parse), "
		"validateSignatureCounter default true",
		FSIM_POL_ERROR, FSIM_BE_ERROR, FSIM_BE_UNKNOWN_SKIP, FSIM_POL_ERROR, false,
		FSIM_UVR_SPEC, FSIM_POL_WARN, FSIM_CHAIN_SPEC, false, fmts_java,
		FSIM_POL_IGNORE, NULL, texts_java,
		"android-key is typed BASIC without verification in java (TODO upstream); fidosim "
		"verifies it. Trust follows the configured AttestationTrustSource: modelled as the spec "
		"default (warning). The counter exception text was not confirmed; its class name is given",
	},
	{
		"go-webauthn", "go-webauthn/webauthn 0.1x (v0.10.2 and later)",
		"peers.md B.1-B.3, D #3/#4; go-webauthn/webauthn bca8ebd: webauthn/login.go (stored "
		"Credential.Flags.BackupEligible is a plain bool, so a record that never stored BE reads "
		"false: go-webauthn#335, supabase/auth#2779), Authenticator.UpdateCounter (CloneWarning)",
		FSIM_POL_ERROR, FSIM_BE_ERROR, FSIM_BE_UNKNOWN_FALSE, FSIM_POL_WARN, false,
		FSIM_UVR_SPEC, FSIM_POL_WARN, FSIM_CHAIN_SPEC, false, NULL,
		FSIM_POL_IGNORE, NULL, texts_go,
		"older snapshot (0254b23) spells the BE text \"BackupEligible flag inconsistency\"; "
		"the counter never fails, CloneWarning is set for the application to act on",
	},
	{
		"webauthn-rs", "kanidm webauthn-rs-core 0.5, default AuthenticationState",
		"peers.md B.1-B.3, D #5; kanidm/webauthn-rs 65e9a6d: webauthn-rs-core/src/core.rs "
		"(verify_credential_internal: registration_policy Preferred and cred.user_verified "
		"make UV required later; CredentialBackupEligibilityInconsistent unless "
		"allow_backup_eligible_upgrade; require_valid_counter_value default true)",
		FSIM_POL_ERROR, FSIM_BE_ERROR, FSIM_BE_UNKNOWN_FALSE, FSIM_POL_ERROR, false,
		FSIM_UVR_STICKY, FSIM_POL_WARN, FSIM_CHAIN_SPEC, false, fmts_webauthn_rs,
		FSIM_POL_IGNORE, NULL, texts_webauthn_rs,
		"models webauthn-rs-core with allow_backup_eligible_upgrade false; webauthn-rs's own "
		"start_passkey_authentication sets it true (BE 0->1 then passes: --policy "
		"be-change=allow-upgrade). The record's registration policy is taken to be the "
		"current --uv; a record with no stored BE reads false (serde default, webauthn-rs#510)",
	},
	{
		"fido2-net-lib", "passwordless-lib fido2-net-lib 4.x, default Fido2Configuration",
		"peers.md B.1-B.3; passwordless-lib/fido2-net-lib 2451de1: AuthenticatorAssertionResponse "
		"(sign count error only when the new count is non-zero; no BE comparison), "
		"BackupEligibleCredentialPolicy/BackedUpCredentialPolicy default Allowed",
		FSIM_POL_IGNORE, FSIM_BE_IGNORE, FSIM_BE_UNKNOWN_SKIP, FSIM_POL_ERROR, true,
		FSIM_UVR_SPEC, FSIM_POL_WARN, FSIM_CHAIN_SPEC, false, fmts_fido2_net,
		FSIM_POL_IGNORE, NULL, texts_none,
		"error codes (Fido2ErrorCode) not mapped: the message texts were not confirmed",
	},
	{
		"libfido2", "Yubico libfido2 1.17 fido_cred_verify / fido_assert_verify",
		"peers.md B.1, D.1 #6; Yubico/libfido2 8ee8e5a: src/cred.c (fido_cred_verify: x509 not "
		"verified; extensions must equal the requested ones), src/assert.c (no counter logic), "
		"src/fido/param.h (no BE/BS flags)",
		FSIM_POL_IGNORE, FSIM_BE_IGNORE, FSIM_BE_UNKNOWN_SKIP, FSIM_POL_IGNORE, false,
		FSIM_UVR_SPEC, FSIM_POL_IGNORE, FSIM_CHAIN_NEVER, false, fmts_libfido2,
		FSIM_POL_ERROR, NULL, texts_libfido2,
		"fido_cred_verify itself needs x5c and sig (fmt none is FIDO_ERR_INVALID_ARGUMENT); "
		"self attestation goes through fido_cred_verify_self; none is listed as what an "
		"application using libfido2 accepts without a statement. Only unrequested outputs "
		"are checked, not requested ones that are missing",
	},
	{
		"python-fido2", "Yubico python-fido2 0.9 Fido2Server with its format verifiers",
		"peers.md B.1; /usr/lib/python3/dist-packages/fido2/server.py 0.9.1 (Debian): "
		"register_complete calls verify_attestation only when attestation is not none; "
		"authenticate_complete checks no counter and no BE/BS, nor AT; attestation/*.py: no "
		"android-key; cose.py (ES256, EdDSA/Ed25519, PS256, RS256, RS1 verify; others raise "
		"NotImplementedError), ctap2/base.py (16-bit credential ID), attestation/packed.py "
		"(self: \"Wrong algorithm of public key!\"), attestation/tpm.py (ECC pubArea: "
		"AttributeError 'TpmsEccParms' object has no attribute 'to_curve')",
		FSIM_POL_IGNORE, FSIM_BE_IGNORE, FSIM_BE_UNKNOWN_SKIP, FSIM_POL_IGNORE, false,
		FSIM_UVR_SPEC, FSIM_POL_IGNORE, FSIM_CHAIN_NEVER, true, fmts_python_fido2,
		FSIM_POL_IGNORE, &checks_python_fido2, texts_python_fido2,
		"models Fido2Server(attestation=<conveyance>, verify_attestation=<the library's "
		"format verifier for fmt>) with no ca_lookup: statements are verified, chains are not; "
		"with the default verify_attestation nothing is verified at all. It never compares the "
		"alg with pubKeyCredParams, so an ES384/ES512/Ed448 credential registers and then "
		"every assertion fails (AUTH-18); its TPM verifier crashes on an ECC pubArea, "
		"which counts as a rejection (ATT-TPM-02)",
	},
};

#define NPRESETS (sizeof(presets) / sizeof(presets[0]))

size_t
fsim_rp_preset_count(void)
{
	return NPRESETS;
}

const fsim_rp_preset_t *
fsim_rp_preset_at(size_t i)
{
	return i < NPRESETS ? &presets[i] : NULL;
}

const fsim_rp_preset_t *
fsim_rp_preset_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NPRESETS; i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

/* The library's verifier checks; NULL: the spec's (fsim_rp_policy_init's zeros). */
static void
apply_checks(const fsim_rp_lib_checks_t *k, fsim_rp_policy_t *p)
{
	size_t n = 0;

	p->sig_algs = NULL;
	p->n_sig_algs = 0;
	p->alg_not_offered = FSIM_POL_ERROR;
	p->at_in_assertion = FSIM_POL_ERROR;
	p->cred_id_max = 0;
	p->self_alg_hash_only = false;
	p->tpm_vendors = NULL;
	p->tpm_rsa_only = false;
	p->leaf_dates = NULL;
	if (k == NULL)
		return;
	if (k->sig_algs != NULL) {
		while (k->sig_algs[n] != 0)
			n++;
		p->sig_algs = k->sig_algs;
		p->n_sig_algs = n;
	}
	p->alg_not_offered = k->alg_not_offered;
	p->at_in_assertion = k->at_in_assertion;
	p->cred_id_max = k->cred_id_max;
	p->self_alg_hash_only = k->self_alg_hash_only;
	p->tpm_vendors = k->tpm_vendors;
	p->tpm_rsa_only = k->tpm_rsa_only;
	p->leaf_dates = k->leaf_dates;
}

void
fsim_rp_preset_apply(const fsim_rp_preset_t *ps, fsim_rp_policy_t *p)
{
	if (ps == NULL || p == NULL)
		return;
	p->bs_without_be = ps->bs_without_be;
	p->be_change = ps->be_change;
	p->be_unknown = ps->be_unknown;
	p->counter = ps->counter;
	p->counter_zero_ok = ps->counter_zero_ok;
	p->uv_rule = ps->uv_rule;
	p->untrusted_attestation = ps->untrusted_attestation;
	p->att_chain = ps->att_chain;
	p->att_if_requested = ps->att_if_requested;
	p->formats = ps->formats;
	p->unknown_fmt = FSIM_POL_ERROR;
	p->unsolicited_ext = ps->unsolicited_ext;
	p->rfu_bits = FSIM_POL_WARN;
	apply_checks(ps->checks, p);
	p->up_rule = fsim_rp_preset_up_rule(ps, NULL);
	p->preset = ps;
}

const char *
fsim_rp_preset_error_text(const fsim_rp_preset_t *ps, const char *rule_id)
{
	const fsim_rp_preset_text_t *t;

	if (ps == NULL || rule_id == NULL || ps->texts == NULL)
		return NULL;
	for (t = ps->texts; t->rule != NULL; t++)
		if (strcmp(t->rule, rule_id) == 0)
			return t->text;
	return NULL;
}

const char *
fsim_pol_name(fsim_pol_t v)
{
	return v == FSIM_POL_ERROR ? "error" : v == FSIM_POL_WARN ? "warn" : "ignore";
}

const char *
fsim_be_pol_name(fsim_be_pol_t v)
{
	return v == FSIM_BE_ERROR ? "error" : v == FSIM_BE_ALLOW_UPGRADE ? "allow-upgrade" :
	    "ignore";
}

const char *
fsim_be_unknown_name(fsim_be_unknown_t v)
{
	return v == FSIM_BE_UNKNOWN_FALSE ? "false" : "skip";
}

const char *
fsim_uv_rule_name(fsim_uv_rule_t v)
{
	return v == FSIM_UVR_ALWAYS ? "always" : v == FSIM_UVR_STICKY ? "sticky" : "spec";
}

const char *
fsim_chain_pol_name(fsim_chain_pol_t v)
{
	return v == FSIM_CHAIN_BUILTIN_ONLY ? "builtin-only" : v == FSIM_CHAIN_NEVER ?
	    "never" : "spec";
}
