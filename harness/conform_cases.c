/*
 * conform_cases.c — the cases of `fidosim conform --server` (conform_int.h):
 * the hand mutations a case applies to the response, and the case table, in
 * the families of the FIDO conformance tools' server tests.
 */
#include <stdlib.h>
#include <string.h>

#include "core/fsim_core.h"
#include "harness/conform_int.h"

/* ---- hand mutations of a response ---- */

static json_t *
inner(json_t *resp)
{
	return json_object_get(resp, "response");
}

static void
set_b64(json_t *o, const char *key, const uint8_t *p, size_t n)
{
	char *s = NULL;

	if (fsim_b64url_encode(p, n, &s) == 0)
		json_object_set_new(o, key, json_string(s));
	free(s);
}

/* Decode clientDataJSON, let fn change it, encode it back. */
static void
cdj_edit(json_t *resp, void (*fn)(json_t *cd))
{
	const json_t *v = json_object_get(inner(resp), "clientDataJSON");
	fsim_blob_t b = { NULL, 0 };
	json_t *cd;
	char *s;

	if (!json_is_string(v) || fsim_b64url_decode(json_string_value(v), json_string_length(v),
	    &b, NULL, NULL) != 0)
		return;
	if ((cd = json_loadb((const char *)b.ptr, b.len, 0, NULL)) != NULL) {
		fn(cd);
		if ((s = json_dumps(cd, JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL) {
			set_b64(inner(resp), "clientDataJSON", (const uint8_t *)s, strlen(s));
			free(s);
		}
		json_decref(cd);
	}
	fsim_blob_reset(&b);
}

static void cd_type_get(json_t *cd) { json_object_set_new(cd, "type", json_string("webauthn.get")); }
static void cd_type_create(json_t *cd) { json_object_set_new(cd, "type", json_string("webauthn.create")); }
static void cd_challenge(json_t *cd) { json_object_set_new(cd, "challenge", json_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); }
static void cd_no_challenge(json_t *cd) { json_object_del(cd, "challenge"); }
static void cd_origin(json_t *cd) { json_object_set_new(cd, "origin", json_string("https://evil.example")); }
static void cd_cross_origin(json_t *cd) { json_object_set_new(cd, "crossOrigin", json_true()); }

static void m_cdj_type_get(json_t *r) { cdj_edit(r, cd_type_get); }
static void m_cdj_type_create(json_t *r) { cdj_edit(r, cd_type_create); }
static void m_cdj_challenge(json_t *r) { cdj_edit(r, cd_challenge); }
static void m_cdj_no_challenge(json_t *r) { cdj_edit(r, cd_no_challenge); }
static void m_cdj_origin(json_t *r) { cdj_edit(r, cd_origin); }
static void m_cdj_cross_origin(json_t *r) { cdj_edit(r, cd_cross_origin); }
static void
m_cdj_not_json(json_t *r)
{
	set_b64(inner(r), "clientDataJSON", (const uint8_t *)"not JSON at all", 15);
}

static void m_del_id(json_t *r) { json_object_del(r, "id"); }
static void m_del_cdj(json_t *r) { json_object_del(inner(r), "clientDataJSON"); }
static void m_del_attobj(json_t *r) { json_object_del(inner(r), "attestationObject"); }
static void m_del_signature(json_t *r) { json_object_del(inner(r), "signature"); }
static void m_del_authdata(json_t *r) { json_object_del(inner(r), "authenticatorData"); }
static void m_type(json_t *r) { json_object_set_new(r, "type", json_string("password")); }
static void m_response_string(json_t *r) { json_object_set_new(r, "response", json_string("{}")); }
static void m_id_not_b64(json_t *r) { json_object_set_new(r, "id", json_string("not+base64/url==")); }
static void m_sig_not_b64(json_t *r) { json_object_set_new(inner(r), "signature", json_string("***")); }

static void
m_rawid_mismatch(json_t *r)
{
	static const uint8_t other[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

	set_b64(r, "rawId", other, sizeof(other));
}

static void
m_unknown_id(json_t *r)
{
	static const uint8_t other[32] = { 0xde, 0xad, 0xbe, 0xef };

	set_b64(r, "rawId", other, sizeof(other));
	set_b64(r, "id", other, sizeof(other));
}

static void
m_attobj_garbage(json_t *r)
{
	static const uint8_t junk[] = { 0xa3, 0x63, 'f', 'm', 't', 0xff, 0x00, 0x19 };

	set_b64(inner(r), "attestationObject", junk, sizeof(junk));
}

static void
m_userhandle_other(json_t *r)
{
	static const uint8_t other[32] = { 0x55 };

	set_b64(inner(r), "userHandle", other, sizeof(other));
}

/* Flip one bit of authenticatorData (signed bytes: the signature breaks). */
static void
m_authdata_flip(json_t *r)
{
	const json_t *v = json_object_get(inner(r), "authenticatorData");
	fsim_blob_t b = { NULL, 0 };

	if (json_is_string(v) && fsim_b64url_decode(json_string_value(v), json_string_length(v),
	    &b, NULL, NULL) == 0 && b.len > 32) {
		b.ptr[32] ^= 0x04;    /* UV */
		set_b64(inner(r), "authenticatorData", b.ptr, b.len);
	}
	fsim_blob_reset(&b);
}

/* ---- the cases ---- */

#define F_REG1 "Attestation-Resp-1 response structure"
#define F_REG2 "Attestation-Resp-2 clientData"
#define F_REG3 "Attestation-Resp-3 attestation object"
#define F_REG4 "Attestation-Resp-4 algorithms"
#define F_REG5 "Attestation-Resp-5 packed (full)"
#define F_REG6 "Attestation-Resp-6 packed (self)"
#define F_REG7 "Attestation-Resp-7 none"
#define F_REG8 "Attestation-Resp-8 fido-u2f"
#define F_AUTH1 "Assertion-Resp-1 response structure"
#define F_AUTH2 "Assertion-Resp-2 clientData"
#define F_AUTH3 "Assertion-Resp-3 authenticator data"
#define F_BACKUP "Backup flags (BE/BS)"
#define F_COUNTER "Signature counter"
#define F_UV "User verification"

const conf_case_t fsim_conform_server_cases[] = {
	{ .family = F_REG1, .name = "P-1 a valid response is accepted", .rule = "REG-23", .kind = REG, .positive = true },
	{ .family = F_REG1, .name = "F-1 id missing", .rule = "JSON-01", .kind = REG, .reg_mut = m_del_id },
	{ .family = F_REG1, .name = "F-2 id not base64url", .rule = "JSON-04", .kind = REG, .reg_mut = m_id_not_b64 },
	{ .family = F_REG1, .name = "F-3 rawId differs from id", .rule = "JSON-01", .kind = REG, .reg_mut = m_rawid_mismatch },
	{ .family = F_REG1, .name = "F-4 type is not public-key", .rule = "REG-01", .kind = REG, .reg_mut = m_type },
	{ .family = F_REG1, .name = "F-5 response is not an object", .rule = "REG-01", .kind = REG, .reg_mut = m_response_string },
	{ .family = F_REG1, .name = "F-6 clientDataJSON missing", .rule = "JSON-01", .kind = REG, .reg_mut = m_del_cdj },
	{ .family = F_REG1, .name = "F-7 attestationObject missing", .rule = "JSON-01", .kind = REG, .reg_mut = m_del_attobj },

	{ .family = F_REG2, .name = "F-1 type is webauthn.get", .rule = "REG-04", .kind = REG, .reg_mut = m_cdj_type_get },
	{ .family = F_REG2, .name = "F-2 challenge is not the one issued", .rule = "REG-05", .kind = REG, .reg_mut = m_cdj_challenge },
	{ .family = F_REG2, .name = "F-3 challenge missing", .rule = "REG-05", .kind = REG, .reg_mut = m_cdj_no_challenge },
	{ .family = F_REG2, .name = "F-4 origin is another site", .rule = "REG-06", .kind = REG, .reg_mut = m_cdj_origin },
	{ .family = F_REG2, .name = "F-5 crossOrigin true", .rule = "REG-07", .kind = REG, .reg_mut = m_cdj_cross_origin },
	{ .family = F_REG2, .name = "F-6 clientDataJSON is not JSON", .rule = "REG-03", .kind = REG, .reg_mut = m_cdj_not_json },

	{ .family = F_REG3, .name = "F-1 attestationObject is not CBOR", .rule = "REG-10", .kind = REG, .reg_mut = m_attobj_garbage },
	{ .family = F_REG3, .name = "F-2 rpIdHash of another RP ID", .rule = "REG-11", .kind = REG, .reg_quirks = Q(WRONG_RPID_HASH) },
	{ .family = F_REG3, .name = "F-3 UP flag clear", .rule = "REG-12", .kind = REG, .reg_quirks = Q(NO_UP) },
	{ .family = F_REG3, .name = "F-4 bytes left after authenticator data", .rule = "AD-04", .kind = REG, .reg_quirks = Q(TRAILING_BYTES) },
	{ .family = F_REG3, .name = "F-5 ED flag set with no extensions", .rule = "AD-03", .kind = REG, .reg_quirks = Q(ED_WITHOUT_EXTENSIONS) },
	{ .family = F_REG3, .name = "F-6 credential ID of 1024 bytes", .rule = "REG-21", .kind = REG, .reg_quirks = Q(CREDENTIAL_ID_1024) },

	{ .family = F_REG4, .name = "P-1 ES256", .rule = "REG-16", .kind = REG, .positive = true, .alg = "es256" },
	{ .family = F_REG4, .name = "P-2 EdDSA (Ed25519)", .rule = "REG-16", .kind = REG, .positive = true, .alg = "eddsa",
	  .rp_algs = "ed25519" },
	{ .family = F_REG4, .name = "P-3 ES384", .rule = "REG-16", .kind = REG, .positive = true, .alg = "es384" },
	{ .family = F_REG4, .name = "P-4 RS256", .rule = "REG-16", .kind = REG, .positive = true, .alg = "rs256" },
	{ .family = F_REG4, .name = "F-1 an algorithm the RP did not offer", .rule = "REG-16", .kind = REG, .apis = ONLY_WIO,
	  .alg = "eddsa", .rp_algs = "es256", .offer_alg = true },

	{ .family = F_REG5, .name = "P-1 packed with an x5c chain", .rule = "ATT-PACKED-02", .kind = REG, .positive = true,
	  .att = "direct", .fmt = FSIM_ATTFMT_PACKED },
	{ .family = F_REG5, .name = "F-1 certificate for another AAGUID", .rule = "ATT-PACKED-05", .kind = REG, .att = "direct",
	  .fmt = FSIM_ATTFMT_PACKED, .reg_quirks = Q(AAGUID_CERT_MISMATCH) },
	{ .family = F_REG5, .name = "F-2 certificate with CA:TRUE", .rule = "ATT-PACKED-06", .kind = REG, .att = "direct",
	  .fmt = FSIM_ATTFMT_PACKED, .reg_quirks = Q(CERT_CA_TRUE) },
	{ .family = F_REG5, .name = "F-3 certificate without OU", .rule = "ATT-PACKED-04", .kind = REG, .att = "direct",
	  .fmt = FSIM_ATTFMT_PACKED, .reg_quirks = Q(CERT_MISSING_OU) },
	{ .family = F_REG5, .name = "F-4 expired certificate", .rule = "ATT-03", .kind = REG, .att = "direct",
	  .fmt = FSIM_ATTFMT_PACKED, .reg_quirks = Q(CERT_EXPIRED) },
	{ .family = F_REG5, .name = "F-5 bad signature", .rule = "ATT-PACKED-02", .kind = REG, .att = "direct",
	  .fmt = FSIM_ATTFMT_PACKED, .reg_quirks = Q(BAD_SIGNATURE) },

	{ .family = F_REG6, .name = "P-1 packed self attestation", .rule = "ATT-PACKED-09", .kind = REG, .positive = true,
	  .att = "direct", .fmt = FSIM_ATTFMT_PACKED_SELF },
	{ .family = F_REG6, .name = "F-1 alg differs from the key's", .rule = "ATT-PACKED-09", .kind = REG, .att = "direct",
	  .fmt = FSIM_ATTFMT_PACKED_SELF, .reg_quirks = Q(ALG_MISMATCH) },
	{ .family = F_REG6, .name = "F-2 bad signature", .rule = "ATT-PACKED-09", .kind = REG, .att = "direct",
	  .fmt = FSIM_ATTFMT_PACKED_SELF, .reg_quirks = Q(BAD_SIGNATURE) },

	{ .family = F_REG7, .name = "P-1 fmt none", .rule = "ATT-NONE-01", .kind = REG, .positive = true, .att = "direct" },
	{ .family = F_REG7, .name = "F-1 fmt none with a non-empty attStmt", .rule = "ATT-NONE-01", .kind = REG, .att = "direct",
	  .reg_quirks = Q(NONE_WITH_ATTSTMT) },

	{ .family = F_REG8, .name = "P-1 fido-u2f", .rule = "ATT-U2F-04", .kind = REG, .positive = true, .att = "direct",
	  .fmt = FSIM_ATTFMT_FIDO_U2F },
	{ .family = F_REG8, .name = "F-1 bad signature", .rule = "ATT-U2F-04", .kind = REG, .att = "direct",
	  .fmt = FSIM_ATTFMT_FIDO_U2F, .reg_quirks = Q(BAD_SIGNATURE) },

	{ .family = F_AUTH1, .name = "P-1 a valid assertion is accepted", .rule = "AUTH-21", .kind = AUTH, .positive = true },
	{ .family = F_AUTH1, .name = "F-1 signature missing", .rule = "JSON-02", .kind = AUTH, .auth_mut = m_del_signature },
	{ .family = F_AUTH1, .name = "F-2 signature not base64url", .rule = "JSON-04", .kind = AUTH, .auth_mut = m_sig_not_b64 },
	{ .family = F_AUTH1, .name = "F-3 authenticatorData missing", .rule = "JSON-02", .kind = AUTH, .auth_mut = m_del_authdata },
	{ .family = F_AUTH1, .name = "F-4 an unknown credential ID", .rule = "AUTH-03", .kind = AUTH, .auth_mut = m_unknown_id },
	{ .family = F_AUTH1, .name = "F-5 type is not public-key", .rule = "AUTH-01", .kind = AUTH, .auth_mut = m_type },
	{ .family = F_AUTH1, .name = "F-6 userHandle of another user", .rule = "AUTH-03", .kind = AUTH, .auth_mut = m_userhandle_other },

	{ .family = F_AUTH2, .name = "F-1 type is webauthn.create", .rule = "AUTH-07", .kind = AUTH, .auth_mut = m_cdj_type_create },
	{ .family = F_AUTH2, .name = "F-2 challenge is not the one issued", .rule = "AUTH-08", .kind = AUTH, .auth_mut = m_cdj_challenge },
	{ .family = F_AUTH2, .name = "F-3 origin is another site", .rule = "AUTH-09", .kind = AUTH, .auth_mut = m_cdj_origin },
	{ .family = F_AUTH2, .name = "F-4 clientDataJSON is not JSON", .rule = "AUTH-06", .kind = AUTH, .auth_mut = m_cdj_not_json },

	{ .family = F_AUTH3, .name = "P-1 UV=0 under preferred", .rule = "AUTH-14", .kind = AUTH, .positive = true,
	  .auth_uvmode = FSIM_UVMODE_NEVER, .auth_uv = "preferred" },
	{ .family = F_AUTH3, .name = "F-1 bad signature", .rule = "AUTH-18", .kind = AUTH, .auth_quirks = Q(BAD_SIGNATURE) },
	{ .family = F_AUTH3, .name = "F-2 a flipped bit of authenticator data", .rule = "AUTH-18", .kind = AUTH,
	  .auth_mut = m_authdata_flip },
	{ .family = F_AUTH3, .name = "F-3 bytes left after authenticator data", .rule = "AD-04", .kind = AUTH,
	  .auth_quirks = Q(TRAILING_BYTES) },
	{ .family = F_AUTH3, .name = "F-4 UP flag clear", .rule = "AUTH-13", .kind = AUTH, .auth_quirks = Q(NO_UP) },
	{ .family = F_AUTH3, .name = "F-5 rpIdHash of another RP ID", .rule = "AUTH-12", .kind = AUTH,
	  .auth_quirks = Q(WRONG_RPID_HASH) },
	{ .family = F_AUTH3, .name = "F-6 AT flag and credential data in an assertion", .rule = "AUTH-22", .kind = AUTH,
	  .auth_quirks = Q(AT_IN_ASSERTION) },
	{ .family = F_AUTH3, .name = "F-7 raw r||s instead of a DER ECDSA signature", .rule = "SIG-01", .kind = AUTH,
	  .auth_quirks = Q(RAW_ECDSA_SIGNATURE) },

	{ .family = F_BACKUP, .name = "P-1 BE=0 BS=0 registers and signs", .rule = "AUTH-16", .kind = AUTH, .positive = true },
	{ .family = F_BACKUP, .name = "P-2 BE=1 BS=1 registers and signs", .rule = "AUTH-16", .kind = AUTH, .positive = true,
	  .be = true, .bs = true },
	{ .family = F_BACKUP, .name = "P-3 BE=1 BS=0 registers", .rule = "REG-15", .kind = REG, .positive = true, .be = true },
	{ .family = F_BACKUP, .name = "P-4 BS 0 -> 1 (backed up later) is accepted", .rule = "BK-06", .kind = AUTH,
	  .positive = true, .be = true, .set_bs = BS_TO_1 },
	{ .family = F_BACKUP, .name = "P-5 BS 1 -> 0 is accepted", .rule = "BK-07", .kind = AUTH, .positive = true,
	  .be = true, .bs = true, .set_bs = BS_TO_0 },
	{ .family = F_BACKUP, .name = "F-1 BS without BE at registration", .rule = "REG-14", .kind = REG,
	  .reg_quirks = Q(BS_WITHOUT_BE) },
	{ .family = F_BACKUP, .name = "F-2 BS without BE in an assertion", .rule = "AUTH-15", .kind = AUTH,
	  .auth_quirks = Q(BS_WITHOUT_BE) },
	{ .family = F_BACKUP, .name = "F-3 BE changes after registration (0 -> 1)", .rule = "AUTH-16", .kind = AUTH,
	  .auth_quirks = Q(BE_FLIP) },
	{ .family = F_BACKUP, .name = "F-4 BE changes after registration (1 -> 0)", .rule = "AUTH-16", .kind = AUTH,
	  .be = true, .bs = true, .auth_quirks = Q(BE_FLIP) },

	{ .family = F_COUNTER, .name = "P-1 a per-credential counter increases", .rule = "AUTH-19", .kind = AUTH,
	  .positive = true, .warmup = 2 },
	{ .family = F_COUNTER, .name = "P-2 a counter that stays 0 (synced passkeys)", .rule = "AUTH-19", .kind = AUTH,
	  .positive = true, .warmup = 1, .counter = FSIM_COUNTER_ZERO },
	{ .family = F_COUNTER, .name = "P-3 a global counter", .rule = "AUTH-19", .kind = AUTH, .positive = true,
	  .warmup = 1, .counter = FSIM_COUNTER_GLOBAL },
	{ .family = F_COUNTER, .name = "F-1 the counter goes back", .rule = "AUTH-19", .kind = AUTH, .warmup = 2,
	  .auth_quirks = Q(COUNTER_REGRESS) },
	{ .family = F_COUNTER, .name = "F-2 an accepted assertion replayed", .rule = "AUTH-19", .kind = AUTH,
	  .replay = true },
	{ .family = F_COUNTER, .name = "F-3 replayed with a counter of 0", .rule = "AUTH-19", .kind = AUTH,
	  .replay = true, .counter = FSIM_COUNTER_ZERO },

	{ .family = F_UV, .name = "P-1 registration: required, UV=1", .rule = "REG-13", .kind = REG, .positive = true,
	  .reg_uv = "required" },
	{ .family = F_UV, .name = "P-2 registration: preferred, UV=0", .rule = "REG-13", .kind = REG, .positive = true,
	  .reg_uv = "preferred", .reg_uvmode = FSIM_UVMODE_NEVER },
	{ .family = F_UV, .name = "P-3 registration: discouraged, UV=1", .rule = "REG-13", .kind = REG, .positive = true,
	  .reg_uv = "discouraged", .reg_uvmode = FSIM_UVMODE_ALWAYS },
	{ .family = F_UV, .name = "P-4 registration: discouraged, UV=0", .rule = "REG-13", .kind = REG, .positive = true,
	  .reg_uv = "discouraged" },
	{ .family = F_UV, .name = "F-1 registration: required, UV=0", .rule = "REG-13", .kind = REG,
	  .reg_uv = "required", .client_reg_uv = "discouraged" },
	{ .family = F_UV, .name = "P-5 assertion: required, UV=1", .rule = "AUTH-14", .kind = AUTH, .positive = true,
	  .auth_uv = "required" },
	{ .family = F_UV, .name = "P-6 assertion: preferred, UV=1", .rule = "AUTH-14", .kind = AUTH, .positive = true,
	  .auth_uv = "preferred" },
	{ .family = F_UV, .name = "P-7 assertion: discouraged, UV=0", .rule = "AUTH-14", .kind = AUTH, .positive = true,
	  .auth_uv = "discouraged" },
	{ .family = F_UV, .name = "P-8 assertion: discouraged, UV=1", .rule = "AUTH-14", .kind = AUTH, .positive = true,
	  .auth_uv = "discouraged", .auth_uvmode = FSIM_UVMODE_ALWAYS },
	{ .family = F_UV, .name = "F-2 assertion: required, UV=0", .rule = "AUTH-14", .kind = AUTH,
	  .auth_uv = "required", .client_auth_uv = "discouraged" },
};
const size_t fsim_conform_server_ncases =
    sizeof(fsim_conform_server_cases) / sizeof(fsim_conform_server_cases[0]);
