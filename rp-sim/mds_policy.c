/*
 * mds_policy.c — the MDS status gate of each RP library (mds_policy.h).
 *
 * Evidence: each row names the source it is read from, file:line, at the
 * version installed here (node_modules, pinned in package-lock.json; Debian
 * packages) or the upstream commit named. Where a library has no MDS code
 * the row says where one would be and that there is none.
 */
#include <string.h>

#include <openssl/err.h>

#include "rp-sim/mds_policy.h"
#include "rp-sim/policy_preset.h"

#define COMPROMISE FSIM_MDS_COMPROMISE
#define BIT(s) FSIM_MDS_BIT(FSIM_MDS_ST_##s)

/* SimpleWebAuthn checks the x5c against the statement in these formats' verifiers. */
static const char *const swa_chain[] = {
	"packed", "tpm", "android-key", "android-safetynet", NULL,
};
static const char *const swa_basic_full[] = { "packed", NULL };
static const char *const any_x5c[] = {
	"packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple", NULL,
};

static const fsim_mds_gate_t gates[] = {
	{
		.preset = "spec",
		.library = "FIDO Metadata Service 3.0/3.1.1 and WebAuthn L3 7.1 steps 23-24 as fidosim reads them",
		.consults = true,
		.refuse = COMPROMISE | BIT(REVOKED),
		.when = FSIM_MDSW_IN_EFFECT,
		.akc_batch = true,
		.reject_superseded = true,
		.by_keyid = true,
		.anchors = true,
		.at_login = FSIM_MDSL_WARN,
		.refuse_text = "the authenticator's metadata status {status} refuses it (MDS 3.1.4)",
		.evidence = "MDS 3.1.4: REVOKED \"relying parties SHOULD reject any future registration of this "
		    "authenticator model\"; the four compromise statuses describe weaknesses a later "
		    "report does not retract (ATTESTATION_KEY_COMPROMISE with a certificate names the "
		    "batch); UPDATE_AVAILABLE with a higher authenticatorVersion: \"the Relying party "
		    "MUST reject the Metadata Statement\" if the statement's has not increased; 3.1.3: a "
		    "report without effectiveDate is in effect while present, sunsetDate (3.1.1) ends it. "
		    "WebAuthn L3 7.1 step 23: the FIDO Metadata Service as the source of trust anchors, "
		    "by AAGUID; MDS 3.1.1: attestationCertificateKeyIdentifiers for U2F",
		.notes = "a refusing status counts when any report with it is in effect at --at (a later "
		    "NOT_FIDO_CERTIFIED does not lift a REVOKED); an unlisted authenticator is a note; at "
		    "authentication a refusing status is a warning (7.2 has no step for it)",
	},
	{
		.preset = "simplewebauthn",
		.library = "@simplewebauthn/server 14.1.0 MetadataService, initialized (strict mode, its default)",
		.consults = true,
		.refuse = COMPROMISE,
		.strict_unknown = true,
		.anchors = true,
		.chain_fmts = swa_chain,
		.basic_full_fmts = swa_basic_full,
		.refuse_text = "Detected compromised aaguid \"{aaguid}\"",
		.unknown_text = "No metadata statement found for aaguid \"{aaguid}\"",
		.evidence = "node_modules/@simplewebauthn/server 14.1.0 (package-lock.json), esm/: "
		    "services/metadataService.js:49 verificationMode ?? 'strict'; :68-76 an unlisted "
		    "AAGUID throws in strict mode; :78-86 USER_VERIFICATION_BYPASS, "
		    "ATTESTATION_KEY_COMPROMISE, USER_KEY_REMOTE_COMPROMISE, USER_KEY_PHYSICAL_COMPROMISE "
		    "in any report throw (REVOKED is not among them; no dates read); :89-100 "
		    "getProviderMetadata goes through getStatement; registration/"
		    "verifyRegistrationResponse.js:199-200 calls it for every format, the zero AAGUID "
		    "included; :180-184 only entries with an aaguid are cached (no key identifier "
		    "lookup); registration/verifications/verifyAttestationPacked.js:67-85 "
		    "(x5c: basic_full required, then verifyAttestationWithMetadata), "
		    "tpm/verifyAttestationTPM.js:225-238, verifyAttestationAndroidKey.js:71-83, "
		    "verifyAttestationAndroidSafetyNet.js:70; metadata/verifyAttestationWithMetadata.js:"
		    "100-110 (x5c chains to the statement's roots; one certificate equal to a root "
		    "passes). Held to the library itself on test BLOBs: "
		    "tests/differential/mds_simplewebauthn.mjs, run by tests/integration/mds.py",
		.notes = "verifyAttestationWithMetadata also requires the credential's alg among the "
		    "statement's authenticationAlgorithms: not modelled. The BLOB's own chain is dated "
		    "at now and its CRLs fetched (fail-open) in verifyMDSBlob: fidosim dates it at --at",
	},
	{
		.preset = "java-webauthn-server",
		.library = "Yubico java-webauthn-server 2.x FidoMetadataService as AttestationTrustSource, default filters",
		.consults = true,
		.drop = BIT(REVOKED) | BIT(ATTESTATION_KEY_COMPROMISE),
		.akc_batch = true,
		.reject_superseded = true,
		.by_keyid = true,
		.anchors = true,
		.evidence = "Yubico/java-webauthn-server 0e71ebb, webauthn-server-attestation/src/main/java/com/"
		    "yubico/fido/metadata/FidoMetadataService.java:226 prefilter default "
		    "Filters.notRevoked() (:386-392: no REVOKED report, any date); :227 filter default "
		    "noAttestationKeyCompromise() (:423-440: an ATTESTATION_KEY_COMPROMISE report without "
		    "certificate, or whose certificate's key is in the chain); :111 and :131-148 entries "
		    "whose UPDATE_AVAILABLE names a higher authenticatorVersion are ignored; :151-204 "
		    "entries found by AAGUID and by key identifier (entry and statement lists); "
		    "webauthn-server-core RelyingParty.java:350 allowUntrustedAttestation = true",
		.notes = "a filtered entry gives no trust roots, so the attestation is untrusted, which the "
		    "default RelyingParty accepts (ATT-TRUST-01 under this preset's untrusted policy); "
		    "no status ever fails a registration by itself",
	},
	{
		.preset = "go-webauthn",
		.library = "go-webauthn/webauthn 0.1x with Config.MDS (memory provider defaults)",
		.consults = true,
		.refuse = COMPROMISE | BIT(RETIRED) | BIT(REVOKED),
		.when = FSIM_MDSW_IN_EFFECT,
		.strict_unknown = true,
		.skip_none = true,
		.anchors = true,
		.chain_fmts = any_x5c,
		.basic_full_fmts = any_x5c,
		.types_listed = true,
		.at_login = FSIM_MDSL_ERROR,
		.refuse_text = "Failed to validate authenticator metadata for Authenticator Attestation GUID "
		    "'{aaguid}'. Error occurred validating the authenticator status: The following "
		    "undesired status reports were present: {status}",
		.unknown_text = "Failed to validate authenticator metadata for Authenticator Attestation GUID "
		    "'{aaguid}'. The authenticator has no registered metadata.",
		.evidence = "go-webauthn/webauthn bca8ebd: metadata/types.go:211-218 default undesired "
		    "statuses; metadata/status.go:96-151 each report in effect (effectiveDate <= now < "
		    "sunsetDate) against them, a batch certificate treated as the whole model; "
		    "metadata/providers/memory/provider.go:14-20 entry, anchors, status, attestation "
		    "checks on; providers/cached/util.go:49-56 zero AAGUID not permitted; "
		    "protocol/metadata.go:21-23 fmt none skipped, :33-43 unlisted AAGUID fails, :45-59 "
		    "attestation type listed, :61-65 status, :67-109 x5c chains to the statement "
		    "(basic_full required); webauthn/login.go:356-369 the same at every login",
		.notes = "lookup by AAGUID only (a fido-u2f AAGUID is zero, which fails); now is --at",
	},
	{
		.preset = "fido2-net-lib",
		.library = "passwordless-lib fido2-net-lib 4.x with an IMetadataService, default Fido2Configuration",
		.consults = true,
		.refuse = COMPROMISE | BIT(REVOKED),
		.when = FSIM_MDSW_LAST_LISTED,
		.anchors = true,
		.chain_fmts = any_x5c,
		.chain_if_listed = true,
		.refuse_text = "UndesiredMetadataStatusFido2VerificationException: {status}",
		.evidence = "passwordless-lib/fido2-net-lib 2451de1: Src/Fido2/AuthenticatorAttestationResponse.cs:"
		    "142-150 entry by AAGUID, TrustAnchor.Verify; :158-162 GetLatestStatusReport() "
		    "against UndesiredAuthenticatorMetadataStatuses; Src/Fido2.Models/Metadata/"
		    "MetadataBLOBPayloadEntry.cs:88-91 StatusReports.LastOrDefault() (the array's last, "
		    "not the latest date); Src/Fido2.Models/Fido2Configuration.cs:93-100 the four "
		    "compromise statuses and REVOKED; Src/Fido2/TrustAnchor.cs:13-41 chain to the "
		    "statement's roots when it lists basic_full or attca",
		.notes = "an unlisted AAGUID passes with no trust check; of TrustAnchor.Verify the chain to "
		    "the statement's roots is modelled (when it lists basic_full or attca), not its other "
		    "rules (the x5c must not hold the root; else the certificate must be self-signed)",
	},
	{
		.preset = "webauthn4j",
		.library = "webauthn4j-metadata (MetadataBLOBBasedMetadataStatementRepository, defaults)",
		.consults = true,
		.drop = COMPROMISE | BIT(REVOKED) | BIT(NOT_FIDO_CERTIFIED) | 
		    BIT(SELF_ASSERTION_SUBMITTED),
		.anchors = true,
		.evidence = "webauthn4j/webauthn4j 19b5ed3, webauthn4j-metadata/src/main/java/com/webauthn4j/"
		    "metadata/util/internal/MetadataBLOBUtil.java:13-57 (any report: NOT_FIDO_CERTIFIED "
		    "and SELF_ASSERTION_SUBMITTED unless allowed, the compromise statuses and REVOKED "
		    "drop the entry)",
		.notes = "the AAGUID path; its key identifier path applies no status filter (not modelled). "
		    "No preset of this name exists yet: the row waits for one",
	},
	{
		.preset = "py_webauthn",
		.library = "py_webauthn 2.x: no metadata service",
		.consults = false,
		.evidence = "duo-labs/py_webauthn b4bf63f: webauthn/ has no metadata module; trust comes from "
		    "pem_root_certs_bytes_by_fmt and helpers/known_root_certs.py",
		.notes = "the BLOB only names the authenticator",
	},
	{
		.preset = "webauthn-rs",
		.library = "kanidm webauthn-rs-core 0.5: no BLOB in verification",
		.consults = false,
		.evidence = "kanidm/webauthn-rs 65e9a6d: webauthn-rs-core/src names no fido_mds; the RP passes an "
		    "AttestationCaList it builds itself (the fido-mds crate and fido-mds-tool can make one)",
		.notes = "an AttestationCaList built from a BLOB is not modelled; the BLOB only names",
	},
	{
		.preset = "libfido2",
		.library = "Yubico libfido2 1.17: no metadata service",
		.consults = false,
		.evidence = "Yubico/libfido2 8ee8e5a: src/ has no MDS code (fido_cred_verify checks no x509 path)",
		.notes = "the BLOB only names the authenticator",
	},
	{
		.preset = "python-fido2",
		.library = "Yubico python-fido2 0.9.1 (Debian): no MDS3 module",
		.consults = false,
		.evidence = "/usr/lib/python3/dist-packages/fido2/ (python3-fido2 0.9.1-1) has no mds3.py "
		    "(it came in python-fido2 1.0)",
		.notes = "the BLOB only names the authenticator",
	},
	{
		.preset = "fido2-lib",
		.library = "fido2-lib 3.5.9: MDS collections are a lookup for the application",
		.consults = false,
		.evidence = "node_modules/fido2-lib 3.5.9 (package-lock.json): lib/main.js:196 findMdsEntry is "
		    "never called by lib/attestations/*.js, lib/response.js or lib/validator.js",
		.notes = "the BLOB only names the authenticator",
	},
};

#define NGATES (sizeof(gates) / sizeof(gates[0]))

size_t
fsim_mds_gate_count(void)
{
	return NGATES;
}

const fsim_mds_gate_t *
fsim_mds_gate_at(size_t i)
{
	return i < NGATES ? &gates[i] : NULL;
}

const fsim_mds_gate_t *
fsim_mds_gate_find(const char *preset)
{
	size_t i;

	if (preset == NULL)
		return NULL;
	for (i = 0; i < NGATES; i++)
		if (strcmp(gates[i].preset, preset) == 0)
			return &gates[i];
	return NULL;
}

const fsim_mds_gate_t *
fsim_mds_gate_for(const fsim_rp_policy_t *p)
{
	const fsim_mds_gate_t *g = NULL;

	if (p->mds_gate != NULL)
		return p->mds_gate;
	if (p->preset != NULL)
		g = fsim_mds_gate_find(p->preset->name);
	return g != NULL ? g : &gates[0];
}

const char *
fsim_mds_gate_error_text(const fsim_mds_gate_t *g, const char *rule_id)
{
	if (g == NULL || rule_id == NULL)
		return NULL;
	if (strcmp(rule_id, "ATT-MDS-01") == 0)
		return g->unknown_text;
	if (strcmp(rule_id, "ATT-MDS-02") == 0 || strcmp(rule_id, "AUTH-MDS-01") == 0)
		return g->refuse_text;
	return NULL;
}

const char *
fsim_mds_when_name(fsim_mds_when_t w)
{
	return w == FSIM_MDSW_IN_EFFECT ? "reports in effect" : w == FSIM_MDSW_LAST_LISTED ?
	    "the report listed last" : "any report";
}

/* Is the key of the report's certificate in the attestation path? */
static bool
batch_in_chain(const fsim_mds_report_t *r, STACK_OF(X509) *x5c)
{
	const uint8_t *p = r->certificate.ptr;
	X509 *c = d2i_X509(NULL, &p, (long)r->certificate.len);
	bool in = false;
	int i;

	if (c == NULL) {
		ERR_clear_error();
		return true;   /* unreadable: the whole model, conservatively */
	}
	for (i = 0; x5c != NULL && i < sk_X509_num(x5c) && !in; i++)
		in = EVP_PKEY_eq(X509_get0_pubkey(c), X509_get0_pubkey(sk_X509_value(x5c, i))) == 1;
	X509_free(c);
	ERR_clear_error();
	return in;
}

/* Does report r count under g (its status in mask, read as g reads reports)? */
static bool
counts(const fsim_mds_gate_t *g, const fsim_mds_report_t *r, uint32_t mask, time_t t,
    STACK_OF(X509) *x5c)
{
	if (r->status == FSIM_MDS_ST_UNKNOWN || !(mask & FSIM_MDS_BIT(r->status)))
		return false;
	if (g->when == FSIM_MDSW_IN_EFFECT && !fsim_mds_report_in_effect(r, t))
		return false;
	if (g->akc_batch && r->status == FSIM_MDS_ST_ATTESTATION_KEY_COMPROMISE &&
	    r->certificate.len > 0 && !batch_in_chain(r, x5c))
		return false;
	return true;
}

static const fsim_mds_report_t *
find(const fsim_mds_gate_t *g, const fsim_mds_entry_t *e, uint32_t mask, time_t t,
    STACK_OF(X509) *x5c)
{
	const fsim_mds_report_t *last;
	size_t i;

	if (mask == 0)
		return NULL;
	if (g->when == FSIM_MDSW_LAST_LISTED)
		return (last = fsim_mds_last_listed(e)) != NULL &&
		    counts(g, last, mask, t, x5c) ? last : NULL;
	/* The latest such report by date, to name in messages. */
	for (i = e->n_reports; i-- > 0;)
		if (counts(g, &e->reports[i], mask, t, x5c))
			return &e->reports[i];
	return NULL;
}

fsim_mds_outcome_t
fsim_mds_gate_judge(const fsim_mds_gate_t *g, const fsim_mds_entry_t *e, time_t t,
    STACK_OF(X509) *x5c, const fsim_mds_report_t **why)
{
	*why = NULL;
	if ((*why = find(g, e, g->refuse, t, x5c)) != NULL)
		return FSIM_MDSG_REFUSED;
	if ((*why = find(g, e, g->drop, t, x5c)) != NULL)
		return FSIM_MDSG_DROPPED;
	if (g->reject_superseded && e->superseded)
		return FSIM_MDSG_DROPPED;
	return FSIM_MDSG_OK;
}
