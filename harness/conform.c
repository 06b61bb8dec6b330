/*
 * conform.c — the conformance cases and their runner (harness/conform.h).
 * A case is one registration (and, for assertion cases, the assertions after
 * it) made by the in-process client with an authenticator configured for the
 * case (format, algorithm, BE/BS, UV, counter, quirks); the response may then
 * be mutated by hand. The verdict posted back must be what the case expects.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strings.h>

#include "harness/ceremony.h"
#include "harness/conform.h"
#include "harness/xml.h"
#include "rp-sim/rules.h"

enum { REG = 0, AUTH = 1 };
#define Q(x) (1u << FSIM_QUIRK_##x)
#define ONLY_WIO (1u << FSIM_CONFORM_API_WEBAUTHNIO)
#define BS_TO_0 1
#define BS_TO_1 2

typedef void (*mut_fn)(json_t *resp);

typedef struct conf_case {
	const char *family, *name;
	const char *rule;             /* the catalog rule the case tests (rp-sim/rules.def) */
	int kind;
	bool positive;
	unsigned apis;                /* 0: both */
	/* registration */
	const char *att;              /* conveyance asked: NULL "none" */
	const char *alg;              /* the authenticator's one alg; NULL es256 */
	fsim_attfmt_t fmt;
	uint32_t reg_quirks;
	bool be, bs;
	fsim_uvmode_t reg_uvmode;
	const char *reg_uv;           /* the RP is asked for this; NULL preferred */
	const char *client_reg_uv;    /* the client is told this instead */
	bool offer_alg;               /* the client is told the RP offered the authenticator's alg */
	const char *rp_algs;          /* webauthn.io: the algorithms asked for; NULL: the alg */
	fsim_counter_t counter;
	mut_fn reg_mut;
	/* authentication */
	int warmup;                   /* accepted assertions before the one judged */
	uint32_t auth_quirks;
	fsim_uvmode_t auth_uvmode;
	int set_bs;                   /* BS_TO_0 / BS_TO_1 before the judged assertion */
	const char *auth_uv, *client_auth_uv;
	mut_fn auth_mut;
	bool replay;                  /* the judged post is a replay of an accepted one */
} conf_case_t;

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

static const conf_case_t cases[] = {
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
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- running one case ---- */

typedef struct run {
	const fsim_conform_config_t *cfg;
	const conf_case_t *k;
	fsim_conform_case_t *out;
	char username[64];
	fsim_ceremony_t *authn;
	fsim_authn_config_t ac;
	bool reached;
} run_t;

/* POST a JSON body; *answer gets the parsed reply (or NULL). false: unreachable. */
static bool
post_json(run_t *r, const char *path, json_t *body, long *status, json_t **answer)
{
	char *text = json_dumps(body, JSON_COMPACT), *resp = NULL;
	int e;

	*answer = NULL;
	*status = 0;
	if (text == NULL) {
		snprintf(r->out->detail, sizeof(r->out->detail), "out of memory");
		return false;
	}
	e = r->cfg->post(r->cfg->ctx, path, text, status, &resp);
	free(text);
	if (e != 0) {
		snprintf(r->out->detail, sizeof(r->out->detail), "POST %s: the RP did not answer", path);
		free(resp);
		return false;
	}
	r->reached = true;
	*answer = resp != NULL ? json_loads(resp, 0, NULL) : NULL;
	if (*answer == NULL)
		*answer = json_pack("{s:s}", "raw", resp != NULL ? resp : "");
	free(resp);
	return true;
}

static bool
accepted(const run_t *r, long status, const json_t *a)
{
	if (status != 200)
		return false;
	if (r->cfg->api == FSIM_CONFORM_API_FIDO)
		return json_is_string(json_object_get(a, "status")) &&
		    strcmp(json_string_value(json_object_get(a, "status")), "ok") == 0;
	return json_is_true(json_object_get(a, "verified"));
}

static void
describe_answer(char *buf, size_t len, long status, const json_t *a)
{
	const json_t *e = json_object_get(a, "error");
	char *s;

	if (!json_is_string(e))
		e = json_object_get(a, "errorMessage");
	if (json_is_string(e) && json_string_length(e) > 0) {
		snprintf(buf, len, "HTTP %ld: %s", status, json_string_value(e));
		return;
	}
	s = json_dumps(a, JSON_COMPACT);
	snprintf(buf, len, "HTTP %ld: %.400s", status, s != NULL ? s : "?");
	free(s);
}

/* Options from the RP (registration or authentication); NULL with detail set on failure. */
static json_t *
get_options(run_t *r, bool reg, const char *uv)
{
	bool fido = r->cfg->api == FSIM_CONFORM_API_FIDO;
	const conf_case_t *k = r->k;
	json_t *body, *ans = NULL, *algs;
	const char *path;
	long st;

	if (reg && fido) {
		path = "/attestation/options";
		body = json_pack("{s:s, s:s, s:{s:s, s:b}, s:s}", "username", r->username,
		    "displayName", r->username, "authenticatorSelection", "userVerification", uv,
		    "requireResidentKey", 0, "attestation", k->att ? k->att : "none");
	} else if (reg) {
		static const struct { const char *ours, *theirs; } names[] = {
			{ "es256", "es256" }, { "eddsa", "ed25519" }, { "es384", "es384" },
			{ "rs256", "rs256" },
		};
		const char *rp_alg = k->rp_algs;
		size_t i;

		path = "/registration/options";
		for (i = 0; rp_alg == NULL && i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(k->alg ? k->alg : "es256", names[i].ours) == 0)
				rp_alg = names[i].theirs;
		algs = json_pack("[s]", rp_alg ? rp_alg : "es256");
		body = json_pack("{s:s, s:s, s:s, s:o, s:s}", "username", r->username,
		    "user_verification", uv, "attestation", k->att ? k->att : "none",
		    "algorithms", algs, "discoverable_credential", "preferred");
	} else if (fido) {
		path = "/assertion/options";
		body = json_pack("{s:s, s:s}", "username", r->username, "userVerification", uv);
	} else {
		path = "/authentication/options";
		body = json_pack("{s:s, s:s}", "username", r->username, "user_verification", uv);
	}
	if (body == NULL || !post_json(r, path, body, &st, &ans)) {
		json_decref(body);
		return NULL;
	}
	json_decref(body);
	if (!json_is_string(json_object_get(ans, "challenge")) || st != 200) {
		char d[400];

		describe_answer(d, sizeof(d), st, ans);
		snprintf(r->out->detail, sizeof(r->out->detail), "setup: %s refused: %s", path, d);
		json_decref(ans);
		return NULL;
	}
	json_object_del(ans, "status");
	json_object_del(ans, "errorMessage");
	return ans;
}

/* Post a response for verification; -1 unreachable, else 1 accepted / 0 refused. */
static int
verify(run_t *r, bool reg, const json_t *resp, char *why, size_t whylen)
{
	bool fido = r->cfg->api == FSIM_CONFORM_API_FIDO;
	const char *path = fido ? (reg ? "/attestation/result" : "/assertion/result") :
	    (reg ? "/registration/verification" : "/authentication/verification");
	json_t *body = fido ? json_deep_copy(resp) :
	    json_pack("{s:s, s:O}", "username", r->username, "response", resp);
	json_t *ans = NULL;
	long st;
	int ok;

	if (body == NULL || !post_json(r, path, body, &st, &ans)) {
		json_decref(body);
		return -1;
	}
	json_decref(body);
	ok = accepted(r, st, ans) ? 1 : 0;
	describe_answer(why, whylen, st, ans);
	json_decref(ans);
	return ok;
}

static void
client_refused(run_t *r, const char *what, int e, const fsim_client_error_t *err,
    const char *msg)
{
	if (e == FSIM_ERR_ARG && err->name != NULL)
		snprintf(r->out->detail, sizeof(r->out->detail), "setup: the client refused to %s: "
		    "%s: %s", what, err->name, err->message);
	else
		snprintf(r->out->detail, sizeof(r->out->detail), "setup: the client could not %s: %s",
		    what, msg[0] ? msg : fsim_strerr(e));
}

/* One assertion; returns the response (new reference) or NULL with detail set. */
static json_t *
assert_once(run_t *r, const char *uv, const char *client_uv, int set_bs)
{
	json_t *opts = get_options(r, false, uv), *resp = NULL;
	fsim_client_error_t err;
	char msg[256] = "";
	int e;

	if (opts == NULL)
		return NULL;
	if (client_uv != NULL)
		json_object_set_new(opts, "userVerification", json_string(client_uv));
	e = fsim_ceremony_get(r->authn, opts, r->cfg->origin,
	    set_bs == BS_TO_1 ? 1 : set_bs == BS_TO_0 ? 0 : -1, &resp, &err, msg, sizeof(msg));
	json_decref(opts);
	if (e != 0) {
		client_refused(r, "make the assertion", e, &err, msg);
		return NULL;
	}
	return resp;
}

/* Run a case; out->passed says whether the RP behaved as the case expects. */
static void
run_case(run_t *r)
{
	const conf_case_t *k = r->k;
	fsim_client_error_t err;
	json_t *opts = NULL, *resp = NULL;
	char msg[256] = "", why[450];
	int ok, e, i;

	fsim_authn_config_init(&r->ac);
	r->ac.attestation = k->fmt;
	r->ac.quirks = k->reg_quirks;
	r->ac.be = k->be;
	r->ac.bs = k->bs;
	r->ac.uv = k->reg_uvmode;
	r->ac.counter = k->counter;
	r->ac.algs[0] = fsim_cose_alg_from_name(k->alg ? k->alg : "es256");
	r->ac.n_algs = 1;
	if ((e = fsim_ceremony_new(&r->ac, &r->authn)) != 0) {
		snprintf(r->out->detail, sizeof(r->out->detail), "setup: no authenticator: %s",
		    fsim_strerr(e));
		return;
	}
	/* Registration. */
	if ((opts = get_options(r, true, k->reg_uv ? k->reg_uv : "preferred")) == NULL)
		goto out;
	if (k->client_reg_uv != NULL)
		json_object_set_new(json_object_get(opts, "authenticatorSelection"),
		    "userVerification", json_string(k->client_reg_uv));
	if (k->offer_alg)
		json_array_append_new(json_object_get(opts, "pubKeyCredParams"), json_pack(
		    "{s:s, s:i}", "type", "public-key", "alg", r->ac.algs[0]));
	if ((e = fsim_ceremony_create(r->authn, opts, r->cfg->origin, &resp, &err, msg,
	    sizeof(msg))) != 0) {
		client_refused(r, "register", e, &err, msg);
		goto out;
	}
	if (k->kind == REG) {
		if (k->reg_mut != NULL)
			k->reg_mut(resp);
		if ((ok = verify(r, true, resp, why, sizeof(why))) < 0)
			goto out;
		goto judge;
	}
	if ((ok = verify(r, true, resp, why, sizeof(why))) != 1) {
		if (ok == 0)
			snprintf(r->out->detail, sizeof(r->out->detail), "setup: the registration "
			    "was refused: %s", why);
		goto out;
	}
	/* Assertions before the one judged, accepted. */
	for (i = 0; i < k->warmup; i++) {
		json_decref(resp);
		if ((resp = assert_once(r, "preferred", NULL, 0)) == NULL)
			goto out;
		if ((ok = verify(r, false, resp, why, sizeof(why))) != 1) {
			if (ok == 0)
				snprintf(r->out->detail, sizeof(r->out->detail), "setup: assertion "
				    "%d was refused: %s", i + 1, why);
			goto out;
		}
	}
	if (k->auth_quirks != 0 || k->auth_uvmode != r->ac.uv) {
		r->ac.quirks = k->auth_quirks;
		r->ac.uv = k->auth_uvmode;
		if ((e = fsim_ceremony_configure(r->authn, &r->ac)) != 0) {
			snprintf(r->out->detail, sizeof(r->out->detail), "setup: %s", fsim_strerr(e));
			goto out;
		}
	}
	json_decref(resp);
	if ((resp = assert_once(r, k->auth_uv ? k->auth_uv : "preferred", k->client_auth_uv,
	    k->set_bs)) == NULL)
		goto out;
	if (k->auth_mut != NULL)
		k->auth_mut(resp);
	if ((ok = verify(r, false, resp, why, sizeof(why))) < 0)
		goto out;
	if (k->replay) {
		if (ok != 1) {
			snprintf(r->out->detail, sizeof(r->out->detail), "setup: the assertion to "
			    "replay was refused: %s", why);
			goto out;
		}
		/* A fresh challenge in the session, then the old assertion. */
		json_decref(opts);
		if ((opts = get_options(r, false, "preferred")) == NULL ||
		    (ok = verify(r, false, resp, why, sizeof(why))) < 0)
			goto out;
	}
judge:
	r->out->passed = (ok == 1) == k->positive;
	snprintf(r->out->detail, sizeof(r->out->detail), "%s: %s", ok == 1 ? "accepted" :
	    "refused", why);
out:
	json_decref(opts);
	json_decref(resp);
	fsim_ceremony_free(&r->authn);
}

/* Does the text say "origin" (any case)? */
static bool
mentions_origin(const char *s)
{
	for (; *s != '\0'; s++)
		if (strncasecmp(s, "origin", 6) == 0)
			return true;
	return false;
}

/*
 * Before 82 cases fail alike: one registration with a plain authenticator.
 * The client refusing the RP ID for our origin (SecurityError, WebAuthn L3
 * 5.1.3 step 8), or the RP refusing a valid response for its origin, is a
 * set-up error with one message; anything else is left to the cases.
 * Returns false with out->setup_error set, or true.
 */
static bool
preflight(const fsim_conform_config_t *cfg, fsim_conform_results_t *out, unsigned long nonce)
{
	static const conf_case_t probe = { .family = "preflight", .name = "preflight",
		.kind = REG, .positive = true };
	fsim_conform_case_t c;
	fsim_client_error_t err;
	json_t *opts = NULL, *resp = NULL;
	const char *rp_id = NULL;
	char msg[256] = "", why[450] = "";
	run_t r;
	int e, ok;
	bool good = true;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.k = &probe;
	r.out = &c;
	snprintf(r.username, sizeof(r.username), "conform-%06lx-preflight", nonce);
	fsim_authn_config_init(&r.ac);
	if (fsim_ceremony_new(&r.ac, &r.authn) != 0 ||
	    (opts = get_options(&r, true, "preferred")) == NULL)
		goto out;         /* unreachable or options refused: the cases say so */
	if (json_is_object(json_object_get(opts, "rp")))
		rp_id = json_string_value(json_object_get(json_object_get(opts, "rp"), "id"));
	e = fsim_ceremony_create(r.authn, opts, cfg->origin, &resp, &err, msg, sizeof(msg));
	if (e == FSIM_ERR_ARG && err.name != NULL && strcmp(err.name, "SecurityError") == 0) {
		snprintf(out->setup_error, sizeof(out->setup_error), "the server's RP ID is "
		    "\"%s\" but the client claims the origin %s, and a browser refuses that "
		    "(SecurityError: %s; WebAuthn L3 5.1.3 step 8). Give --origin with an origin "
		    "whose host is %s (or a subdomain of it), as your RP expects, e.g. --origin "
		    "https://%s", rp_id ? rp_id : "(none)", cfg->origin, err.message,
		    rp_id ? rp_id : "the RP ID", rp_id ? rp_id : "RP-ID");
		good = false;
		goto out;
	}
	if (e != 0)
		goto out;
	ok = verify(&r, true, resp, why, sizeof(why));
	if (ok == 0 && mentions_origin(why)) {
		snprintf(out->setup_error, sizeof(out->setup_error), "the server refused a valid "
		    "registration made for the origin %s (%s). Give --origin with the origin your "
		    "RP expects (WebAuthn L3 7.1 step 9)", cfg->origin, why);
		good = false;
	}
out:
	json_decref(opts);
	json_decref(resp);
	fsim_ceremony_free(&r.authn);
	return good;
}

int
fsim_conform_run(const fsim_conform_config_t *cfg, fsim_conform_results_t *out)
{
	unsigned long nonce = (unsigned long)time(NULL) & 0xffffff;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (cfg == NULL || cfg->post == NULL || cfg->origin == NULL)
		return FSIM_ERR_ARG;
	if ((out->v = calloc(NCASES, sizeof(*out->v))) == NULL)
		return FSIM_ERR_NOMEM;
	out->unreachable = true;
	if (!preflight(cfg, out, nonce)) {
		out->unreachable = false;
		return 0;
	}
	for (i = 0; i < NCASES; i++) {
		const conf_case_t *k = &cases[i];
		fsim_conform_case_t *c;
		run_t r;
		struct timespec t0, t1;

		if (cfg->only != NULL && strstr(k->family, cfg->only) == NULL)
			continue;
		c = &out->v[out->n++];
		snprintf(c->family, sizeof(c->family), "%s", k->family);
		snprintf(c->name, sizeof(c->name), "%s", k->name);
		{
			fsim_rule_id_t id;

			if (fsim_rule_find(k->rule, &id)) {
				snprintf(c->rule, sizeof(c->rule), "%s", fsim_rule(id)->id);
				snprintf(c->section, sizeof(c->section), "%s", fsim_rule(id)->section);
			}
		}
		c->positive = k->positive;
		if (k->apis != 0 && !(k->apis & (1u << cfg->api))) {
			c->skipped = true;
			snprintf(c->detail, sizeof(c->detail), "not applicable to this API");
			out->skipped++;
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.cfg = cfg;
		r.k = k;
		r.out = c;
		snprintf(r.username, sizeof(r.username), "conform-%06lx-%02zu", nonce, i);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		run_case(&r);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		c->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (r.reached)
			out->unreachable = false;
		if (c->passed)
			out->passed++;
		else
			out->failed++;
		if (cfg->progress != NULL)
			fprintf(cfg->progress, "%s  %-13s %s: %s%s%s\n", c->passed ? "pass" : "FAIL",
			    c->rule, c->family, c->name, c->passed ? "" : " -- ",
			    c->passed ? "" : c->detail);
	}
	return 0;
}

void
fsim_conform_results_free(fsim_conform_results_t *r)
{
	if (r == NULL)
		return;
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int
fsim_conform_junit(FILE *f, const fsim_conform_results_t *r, const char *suite)
{
	size_t i, j;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	fsim_xml_text(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", r->n, r->failed,
	    r->skipped);
	for (i = 0; i < r->n; i++) {
		size_t n = 0, nf = 0, ns = 0;
		double t = 0;

		/* A family's first case opens its suite. */
		for (j = 0; j < i && strcmp(r->v[j].family, r->v[i].family) != 0; j++)
			;
		if (j < i)
			continue;
		for (j = i; j < r->n; j++)
			if (strcmp(r->v[j].family, r->v[i].family) == 0) {
				n++;
				nf += !r->v[j].passed && !r->v[j].skipped;
				ns += r->v[j].skipped;
				t += r->v[j].seconds;
			}
		fprintf(f, "  <testsuite name=\"");
		fsim_xml_text(f, r->v[i].family);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		    n, nf, ns, t);
		for (j = i; j < r->n; j++) {
			const fsim_conform_case_t *c = &r->v[j];

			if (strcmp(c->family, r->v[i].family) != 0)
				continue;
			fprintf(f, "    <testcase classname=\"");
			fsim_xml_text(f, suite);
			fputc('.', f);
			fsim_xml_text(f, c->family);
			fprintf(f, "\" name=\"");
			fsim_xml_text(f, c->name);
			fprintf(f, "\" time=\"%.3f\">", c->seconds);
			if (c->skipped) {
				fprintf(f, "<skipped message=\"");
				fsim_xml_text(f, c->detail);
				fprintf(f, "\"/>");
			} else if (!c->passed) {
				char m[300];

				if (r->authenticator)
					snprintf(m, sizeof(m), "the authenticator does not do what %s "
					    "says (case %s%s%s)", c->section, c->rule, c->rules[0] ?
					    "; rules " : "", c->rules);
				else
					snprintf(m, sizeof(m), "%s (rule %s, WebAuthn L3 %s)", c->positive ?
					    "a valid response was not accepted" :
					    "a non-conforming response was not refused", c->rule, c->section);
				fprintf(f, "<failure message=\"");
				fsim_xml_text(f, m);
				fprintf(f, "\" type=\"");
				fsim_xml_text(f, c->rule);
				fprintf(f, "\">");
				fsim_xml_text(f, c->detail);
				fprintf(f, "</failure>");
			} else {
				fprintf(f, "<system-out>");
				fsim_xml_text(f, c->detail);
				fprintf(f, "</system-out>");
			}
			fprintf(f, "</testcase>\n");
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	return ferror(f) ? FSIM_ERR_IO : 0;
}

void
fsim_conform_summary(FILE *f, const fsim_conform_results_t *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++)
		if (!r->v[i].passed && !r->v[i].skipped && r->authenticator)
			/* The name starts with the case ID. */
			fprintf(f, "FAIL  %s (%s; %s%s%s)\n      %s\n", r->v[i].name, r->v[i].family,
			    r->v[i].section, r->v[i].rules[0] ? "; rules " : "", r->v[i].rules,
			    r->v[i].detail);
		else if (!r->v[i].passed && !r->v[i].skipped)
			fprintf(f, "FAIL  %s %s: %s (%s case; rule %s, WebAuthn L3 %s)\n      %s\n",
			    r->v[i].rule, r->v[i].family, r->v[i].name,
			    r->v[i].positive ? "positive" : "negative", r->v[i].rule, r->v[i].section,
			    r->v[i].detail);
	for (i = 0; i < r->n; i++) {
		size_t n = 0, np = 0;

		for (j = 0; j < i && strcmp(r->v[j].family, r->v[i].family) != 0; j++)
			;
		if (j < i)
			continue;
		for (j = i; j < r->n; j++)
			if (strcmp(r->v[j].family, r->v[i].family) == 0 && !r->v[j].skipped) {
				n++;
				np += r->v[j].passed;
			}
		fprintf(f, "  %-44s %zu/%zu as expected\n", r->v[i].family, np, n);
	}
	fprintf(f, "%zu cases: %zu as expected, %zu not, %zu skipped\n", r->n, r->passed,
	    r->failed, r->skipped);
}
