/*
 * test_policy_preset.c — the RP policy presets (rp-sim/policy_preset.h): the
 * verdict matrix of the backup flags and the counter, plus UV under
 * "preferred", for every preset (each row as the presets' evidence lines in
 * data/policies/ give it, with the source file:line), over responses built
 * and signed here (core's authdata/attobj encoders and fsim_sig_sign) and
 * judged by the real fsim_rp_verify_registration/_authentication. Then the
 * attestation decisions over the W3C L3 vectors, unsolicited extensions, and
 * the table's own invariants.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "rp-sim/policy_preset.h"
#include "rp-sim/rp.h"

#define RPID "example.org"
#define ORIGIN "https://example.org"
#define CHAL "AAECAwQFBgcICQoLDA0ODw"   /* bytes 0..15 */

/* The presets in table order; the matrix rows below follow it. */
static const char *const names[] = {
	"spec", "py_webauthn", "simplewebauthn", "java-webauthn-server", "go-webauthn",
	"webauthn-rs", "fido2-net-lib", "libfido2", "python-fido2", "fido2-lib",
};
#define NP (sizeof(names) / sizeof(names[0]))

typedef struct cred {
	EVP_PKEY *key;
	int alg;
	fsim_blob_t cose;
	uint8_t id[1200];
	size_t idlen;
} cred_t;

/* A credential under alg (ES256, ES384 or Ed448) with an ID of idlen bytes. */
static void
cred_make_alg(cred_t *c, int alg, size_t idlen)
{
	fsim_cose_key_t *k = NULL;

	memset(c, 0, sizeof(*c));
	c->alg = alg;
	if (alg == FSIM_COSE_ED448)
		c->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	else
		c->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", alg == FSIM_COSE_ES384 ?
		    "P-384" : "P-256");
	assert_non_null(c->key);
	assert_int_equal(fsim_cose_key_from_pkey(c->key, alg, &k), 0);
	assert_int_equal(fsim_cose_key_encode(k, &c->cose), 0);
	fsim_cose_key_free(&k);
	assert_true(idlen > 0 && idlen <= sizeof(c->id));
	memset(c->id, 0x5a, idlen);
	c->idlen = idlen;
}

static void
cred_make(cred_t *c)
{
	cred_make_alg(c, FSIM_COSE_ES256, 16);
}

static void
cred_free(cred_t *c)
{
	EVP_PKEY_free(c->key);
	fsim_blob_reset(&c->cose);
}

static void
set_b64(json_t *o, const char *k, const uint8_t *p, size_t n)
{
	char *s = NULL;

	assert_int_equal(fsim_b64url_encode(p, n, &s), 0);
	json_object_set_new(o, k, json_string(s));
	free(s);
}

static const char *
cdj(bool get)
{
	return get ? "{\"type\":\"webauthn.get\",\"challenge\":\"" CHAL "\",\"origin\":\""
	    ORIGIN "\",\"crossOrigin\":false}" :
	    "{\"type\":\"webauthn.create\",\"challenge\":\"" CHAL "\",\"origin\":\""
	    ORIGIN "\",\"crossOrigin\":false}";
}

/* Authenticator data over RPID with these flags and counter; ext, when given, is owned. */
static void
authdata(const cred_t *c, uint8_t flags, uint32_t count, cbor_item_t *ext, fsim_blob_t *out)
{
	fsim_authdata_t *ad = fsim_authdata_new();
	unsigned int hl = 0;

	assert_non_null(ad);
	assert_int_equal(EVP_Digest(RPID, strlen(RPID), ad->rp_id_hash, &hl, EVP_sha256(),
	    NULL), 1);
	ad->flags = (uint8_t)(flags | (ext ? FSIM_AD_ED : 0));
	ad->sign_count = count;
	if (flags & FSIM_AD_AT) {
		assert_int_equal(fsim_blob_set(&ad->cred_id, c->id, c->idlen), 0);
		assert_int_equal(fsim_cose_key_from_pkey(c->key, c->alg, &ad->cose_key), 0);
	}
	ad->ext = ext;
	assert_int_equal(fsim_authdata_encode(ad, out), 0);
	fsim_authdata_free(&ad);
}

static json_t *
envelope(const cred_t *c)
{
	json_t *r = json_object();

	set_b64(r, "id", c->id, c->idlen);
	set_b64(r, "rawId", c->id, c->idlen);
	json_object_set_new(r, "type", json_string("public-key"));
	json_object_set_new(r, "clientExtensionResults", json_object());
	return r;
}

/* A RegistrationResponseJSON, fmt none. */
static json_t *
reg_response(const cred_t *c, uint8_t flags, cbor_item_t *ext)
{
	fsim_blob_t ad = { 0 }, ao = { 0 };
	json_t *r = envelope(c), *in = json_object();
	const char *cd = cdj(false);

	authdata(c, (uint8_t)(flags | FSIM_AD_AT), 0, ext, &ad);
	assert_int_equal(fsim_attobj_encode("none", NULL, ad.ptr, ad.len, &ao), 0);
	set_b64(in, "clientDataJSON", (const uint8_t *)cd, strlen(cd));
	set_b64(in, "attestationObject", ao.ptr, ao.len);
	json_object_set_new(in, "transports", json_array());
	json_object_set_new(r, "response", in);
	fsim_blob_reset(&ad);
	fsim_blob_reset(&ao);
	return r;
}

/*
 * A RegistrationResponseJSON with packed self attestation: attStmt.alg is
 * stmt_alg; sig is the credential key's signature over authData || hash,
 * under its own alg, or (md not NULL) ECDSA with that digest instead.
 */
static json_t *
reg_self(const cred_t *c, uint8_t flags, int stmt_alg, const EVP_MD *md)
{
	fsim_blob_t ad = { 0 }, ao = { 0 }, msg = { 0 }, sig = { 0 };
	json_t *r = envelope(c), *in = json_object();
	const char *cd = cdj(false);
	cbor_item_t *st = cbor_new_definite_map(2);
	EVP_MD_CTX *mctx;
	uint8_t h[32], der[160];
	unsigned int hl = 0;
	size_t dl = sizeof(der);

	assert_non_null(st);
	authdata(c, (uint8_t)(flags | FSIM_AD_AT), 0, NULL, &ad);
	assert_int_equal(EVP_Digest(cd, strlen(cd), h, &hl, EVP_sha256(), NULL), 1);
	assert_int_equal(fsim_blob_set(&msg, ad.ptr, ad.len), 0);
	assert_int_equal(fsim_blob_append(&msg, h, sizeof(h)), 0);
	if (md == NULL) {
		assert_int_equal(fsim_sig_sign(c->key, c->alg, msg.ptr, msg.len, &sig), 0);
	} else {
		assert_non_null(mctx = EVP_MD_CTX_new());
		assert_int_equal(EVP_DigestSignInit(mctx, NULL, md, NULL, c->key), 1);
		assert_int_equal(EVP_DigestSign(mctx, der, &dl, msg.ptr, msg.len), 1);
		EVP_MD_CTX_free(mctx);
		assert_int_equal(fsim_blob_set(&sig, der, dl), 0);
	}
	assert_int_equal(fsim_cbor_map_put(st, fsim_cbor_text("alg"), fsim_cbor_int(stmt_alg)), 0);
	assert_int_equal(fsim_cbor_map_put(st, fsim_cbor_text("sig"),
	    fsim_cbor_bytes(sig.ptr, sig.len)), 0);
	assert_int_equal(fsim_attobj_encode("packed", st, ad.ptr, ad.len, &ao), 0);
	set_b64(in, "clientDataJSON", (const uint8_t *)cd, strlen(cd));
	set_b64(in, "attestationObject", ao.ptr, ao.len);
	json_object_set_new(in, "transports", json_array());
	json_object_set_new(r, "response", in);
	cbor_decref(&st);
	fsim_blob_reset(&ad);
	fsim_blob_reset(&ao);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&sig);
	return r;
}

/* An AuthenticationResponseJSON signed by the credential's key. */
static json_t *
auth_response(const cred_t *c, uint8_t flags, uint32_t count, cbor_item_t *ext)
{
	fsim_blob_t ad = { 0 }, msg = { 0 }, sig = { 0 };
	json_t *r = envelope(c), *in = json_object();
	const char *cd = cdj(true);
	uint8_t h[32];
	unsigned int hl = 0;

	authdata(c, flags, count, ext, &ad);
	assert_int_equal(EVP_Digest(cd, strlen(cd), h, &hl, EVP_sha256(), NULL), 1);
	assert_int_equal(fsim_blob_set(&msg, ad.ptr, ad.len), 0);
	assert_int_equal(fsim_blob_append(&msg, h, sizeof(h)), 0);
	assert_int_equal(fsim_sig_sign(c->key, c->alg, msg.ptr, msg.len, &sig), 0);
	set_b64(in, "clientDataJSON", (const uint8_t *)cd, strlen(cd));
	set_b64(in, "authenticatorData", ad.ptr, ad.len);
	set_b64(in, "signature", sig.ptr, sig.len);
	json_object_set_new(r, "response", in);
	fsim_blob_reset(&ad);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&sig);
	return r;
}

/* be/bs: 0, 1, or -1 for "the record never stored it". */
static fsim_cred_record_t *
record(const cred_t *c, uint32_t count, bool uv_init, int be, int bs)
{
	json_t *j = json_object();
	fsim_cred_record_t *rec = NULL;

	json_object_set_new(j, "type", json_string("public-key"));
	set_b64(j, "id", c->id, c->idlen);
	set_b64(j, "publicKey", c->cose.ptr, c->cose.len);
	json_object_set_new(j, "signCount", json_integer(count));
	json_object_set_new(j, "uvInitialized", json_boolean(uv_init));
	if (be >= 0)
		json_object_set_new(j, "backupEligible", json_boolean(be));
	if (bs >= 0)
		json_object_set_new(j, "backupState", json_boolean(bs));
	assert_int_equal(fsim_record_from_json(j, &rec, NULL), 0);
	json_decref(j);
	return rec;
}

static fsim_blob_t challenge;
static const char *const origins[] = { ORIGIN };

static void
policy(const char *preset, fsim_uv_req_t uv, fsim_rp_policy_t *p)
{
	const fsim_rp_preset_t *ps = fsim_rp_preset_find(preset);

	assert_non_null(ps);
	fsim_rp_policy_init(p);
	p->rp_id = RPID;
	p->origins = origins;
	p->n_origins = 1;
	p->challenge = challenge.ptr;
	p->challenge_len = challenge.len;
	p->uv = uv;
	fsim_rp_preset_apply(ps, p);
}

static void
dump(const fsim_rp_result_t *res)
{
	size_t i;

	for (i = 0; i < res->checks.n; i++)
		if (res->checks.v[i].status == FSIM_CHECK_FAIL ||
		    res->checks.v[i].status == FSIM_CHECK_WARN)
			print_message("    %s %s: %s\n", res->checks.v[i].status ==
			    FSIM_CHECK_FAIL ? "FAIL" : "warn",
			    fsim_rule(res->checks.v[i].rule)->id, res->checks.v[i].msg);
}

/* One row of the matrix: 'P' verified, 'F' refused, per preset in names[] order. */
static void
expect_row(const char *what, const bool got[NP], const char *want)
{
	size_t i;
	int bad = 0;

	assert_int_equal(strlen(want), NP);
	for (i = 0; i < NP; i++)
		if (got[i] != (want[i] == 'P')) {
			print_message("%s: %s %s, the table says %s\n", what, names[i],
			    got[i] ? "passes" : "fails", want[i] == 'P' ? "pass" : "fail");
			bad++;
		}
	assert_int_equal(bad, 0);
}

static bool
run_reg(const char *preset, fsim_uv_req_t uv, json_t *resp, fsim_rp_result_t **keep)
{
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	bool v;

	policy(preset, uv, &p);
	assert_int_equal(fsim_rp_verify_registration(&p, resp, &res), 0);
	assert_non_null(res);
	assert_ptr_equal(res->preset, fsim_rp_preset_find(preset));
	v = res->verified;
	if (keep != NULL)
		*keep = res;
	else
		fsim_rp_result_free(&res);
	return v;
}

static bool
run_auth(const char *preset, fsim_uv_req_t uv, json_t *resp, const fsim_cred_record_t *rec,
    fsim_rp_result_t **keep)
{
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	bool v;

	policy(preset, uv, &p);
	assert_int_equal(fsim_rp_verify_authentication(&p, resp, rec, &res), 0);
	assert_non_null(res);
	v = res->verified;
	if (keep != NULL)
		*keep = res;
	else
		fsim_rp_result_free(&res);
	return v;
}

/* Registration with these flags under every preset. */
static void
reg_row(const char *what, uint8_t flags, fsim_uv_req_t uv, const char *want)
{
	cred_t c;
	json_t *r;
	bool got[NP];
	size_t i;

	cred_make(&c);
	r = reg_response(&c, (uint8_t)(FSIM_AD_UP | flags), NULL);
	for (i = 0; i < NP; i++)
		got[i] = run_reg(names[i], uv, r, NULL);
	expect_row(what, got, want);
	json_decref(r);
	cred_free(&c);
}

/* Authentication: record (count, uvInitialized, BE, BS) then an assertion (flags, count). */
static void
auth_row(const char *what, uint32_t stored, bool uv_init, int rbe, int rbs, uint8_t flags,
    uint32_t count, fsim_uv_req_t uv, const char *want)
{
	cred_t c;
	json_t *r;
	fsim_cred_record_t *rec;
	bool got[NP];
	size_t i;

	cred_make(&c);
	rec = record(&c, stored, uv_init, rbe, rbs);
	r = auth_response(&c, (uint8_t)(FSIM_AD_UP | flags), count, NULL);
	for (i = 0; i < NP; i++)
		got[i] = run_auth(names[i], uv, r, rec, NULL);
	expect_row(what, got, want);
	json_decref(r);
	fsim_record_free(&rec);
	cred_free(&c);
}

#define UV FSIM_AD_UV
#define BE FSIM_AD_BE
#define BS FSIM_AD_BS
/*                        spec py sw java go rs net lf2 pyf f2l */

/* BS=1 with BE=0, at registration and at authentication (bs-without-be). */
static void
matrix_bs_without_be(void **state)
{
	(void)state;
	reg_row("Reg BE=0 BS=1", UV | BS, FSIM_UV_PREFERRED, "FFFFFFPPPP");
	auth_row("Auth BE=0 BS=1", 0, true, 0, 0, UV | BS, 0, FSIM_UV_PREFERRED, "FFFFFFPPPP");
}

/* BE changes in both directions, BS 1 -> 0 (be-change, be-unknown). */
static void
matrix_backup_changes(void **state)
{
	(void)state;
	auth_row("BE 1->0", 0, true, 1, 1, UV, 0, FSIM_UV_PREFERRED, "FPPFFFPPPP");
	auth_row("BE 0->1", 0, true, 0, 0, UV | BE, 0, FSIM_UV_PREFERRED, "FPPFFFPPPP");
	auth_row("BS 1->0", 0, true, 1, 1, UV | BE, 0, FSIM_UV_PREFERRED, "PPPPPPPPPP");
	/*
	 * A record that never stored BE, assertion BE=1: java compares only a
	 * known BE; go-webauthn and webauthn-rs read it as false (go-webauthn#335,
	 * webauthn-rs#510); the spec policy cannot compare and notes it.
	 */
	auth_row("BE unknown->1", 0, true, -1, -1, UV | BE | BS, 0, FSIM_UV_PREFERRED,
	    "PPPPFFPPPP");
	auth_row("BE unknown->0", 0, true, -1, -1, UV, 0, FSIM_UV_PREFERRED, "PPPPPPPPPP");
}

/* The counter: (stored, received) (counter, counter-zero). */
static void
matrix_counters(void **state)
{
	(void)state;
	auth_row("counter (0,0)", 0, true, 1, 1, UV | BE | BS, 0, FSIM_UV_PREFERRED, "PPPPPPPPPP");
	auth_row("counter (5,6)", 5, true, 0, 0, UV, 6, FSIM_UV_PREFERRED, "PPPPPPPPPP");
	auth_row("counter (5,5)", 5, true, 0, 0, UV, 5, FSIM_UV_PREFERRED, "FFFFPFFPPF");
	auth_row("counter (5,0)", 5, true, 0, 0, UV, 0, FSIM_UV_PREFERRED, "FFFFPFPPPF");
	auth_row("counter (0,7)", 0, true, 0, 0, UV, 7, FSIM_UV_PREFERRED, "PPPPPPPPPP");
}

/* UV=0 under "preferred": SimpleWebAuthn's default; webauthn-rs's sticky UV. */
static void
matrix_uv_preferred(void **state)
{
	(void)state;
	reg_row("Reg UV=0 preferred", 0, FSIM_UV_PREFERRED, "PPFPPPPPPP");
	auth_row("Auth UV=0 preferred, uvInitialized", 0, true, 0, 0, 0, 0,
	    FSIM_UV_PREFERRED, "PPFPPFPPPP");
	auth_row("Auth UV=0 preferred, no uvInitialized", 0, false, 0, 0, 0, 0,
	    FSIM_UV_PREFERRED, "PPFPPPPPPP");
	/*
	 * Under "required" every preset refuses UV=0 but py_webauthn, whose
	 * require_user_verification defaults to False whatever the options said.
	 */
	reg_row("Reg UV=0 required", 0, FSIM_UV_REQUIRED, "FPFFFFFFFF");
}

/* How each refusal is reported: the rule, warnings for go's CloneWarning, library words. */
static void
verdict_details(void **state)
{
	cred_t c;
	json_t *r;
	fsim_cred_record_t *rec;
	fsim_rp_result_t *res = NULL;

	(void)state;
	cred_make(&c);
	rec = record(&c, 5, true, 0, 0);
	r = auth_response(&c, FSIM_AD_UP | FSIM_AD_UV, 5, NULL);
	assert_true(run_auth("go-webauthn", FSIM_UV_PREFERRED, r, rec, &res));
	assert_int_equal(fsim_checks_count(&res->checks, FSIM_CHECK_WARN), 1);
	assert_string_equal(fsim_rp_preset_error_text(res->preset, "AUTH-19"), "CloneWarning");
	fsim_rp_result_free(&res);
	assert_false(run_auth("spec", FSIM_UV_PREFERRED, r, rec, &res));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_AUTH_19));
	fsim_rp_result_free(&res);
	json_decref(r);
	fsim_record_free(&rec);

	rec = record(&c, 0, true, 1, 1);
	r = auth_response(&c, FSIM_AD_UP | FSIM_AD_UV, 0, NULL);
	assert_false(run_auth("java-webauthn-server", FSIM_UV_PREFERRED, r, rec, &res));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_AUTH_16));
	assert_non_null(strstr(fsim_rp_preset_error_text(res->preset, "AUTH-16"),
	    "Backup eligibility must not change"));
	fsim_rp_result_free(&res);
	json_decref(r);
	fsim_record_free(&rec);

	r = reg_response(&c, FSIM_AD_UP | FSIM_AD_BS, NULL);
	assert_false(run_reg("py_webauthn", FSIM_UV_PREFERRED, r, &res));
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_REG_14));
	assert_string_equal(fsim_rp_preset_error_text(res->preset, "REG-14"),
	    "Single-device credential indicated that it was backed up, which should be impossible.");
	fsim_rp_result_free(&res);
	assert_true(run_reg("fido2-net-lib", FSIM_UV_PREFERRED, r, &res));
	assert_false(fsim_checks_failed(&res->checks, FSIM_R_REG_14));
	fsim_rp_result_free(&res);
	json_decref(r);
	cred_free(&c);
}

/* libfido2 refuses extension outputs nobody asked for; the others note them. */
static void
unsolicited_extensions(void **state)
{
	cred_t c;
	json_t *r;
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	cbor_item_t *ext = cbor_new_definite_map(1);
	static const char *const asked[] = { "credProtect" };
	bool got[NP];
	size_t i;

	(void)state;
	cred_make(&c);
	assert_non_null(ext);
	assert_true(cbor_map_add(ext, (struct cbor_pair){
	    .key = cbor_move(cbor_build_string("credProtect")),
	    .value = cbor_move(cbor_build_uint8(1)) }));
	r = reg_response(&c, FSIM_AD_UP | FSIM_AD_UV, ext);
	for (i = 0; i < NP; i++)
		got[i] = run_reg(names[i], FSIM_UV_PREFERRED, r, NULL);
	expect_row("unsolicited credProtect output", got, "PPPPPPPFPP");
	/* Requested, it passes libfido2 too (positive case of REG-24). */
	policy("libfido2", FSIM_UV_PREFERRED, &p);
	p.ext_requested = asked;
	p.n_ext_requested = 1;
	assert_int_equal(fsim_rp_verify_registration(&p, r, &res), 0);
	assert_true(res->verified);
	fsim_rp_result_free(&res);
	/* Negative case under the spec preset with the policy turned on. */
	policy("spec", FSIM_UV_PREFERRED, &p);
	p.unsolicited_ext = FSIM_POL_ERROR;
	assert_int_equal(fsim_rp_verify_registration(&p, r, &res), 0);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_REG_24));
	fsim_rp_result_free(&res);
	json_decref(r);
	cred_free(&c);
}

/* A W3C L3 registration vector under a preset, the policy changed by tweak when given. */
static fsim_rp_result_t *
vector_p(const char *name, const char *preset, fsim_conveyance_t conv,
    void (*tweak)(fsim_rp_policy_t *))
{
	char path[256];
	json_error_t e;
	json_t *v;
	fsim_blob_t ch = { 0 };
	const char *s, *org[1];
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;

	snprintf(path, sizeof(path), "vectors/w3c-l3/%s.json", name);
	assert_non_null(v = json_load_file(path, 0, &e));
	s = json_string_value(json_object_get(v, "challenge"));
	assert_int_equal(fsim_b64url_decode(s, strlen(s), &ch, NULL, NULL), 0);
	policy(preset, FSIM_UV_PREFERRED, &p);
	p.rp_id = json_string_value(json_object_get(v, "rpId"));
	org[0] = json_string_value(json_object_get(v, "origin"));
	p.origins = org;
	p.challenge = ch.ptr;
	p.challenge_len = ch.len;
	p.conveyance = conv;
	if (tweak != NULL)
		tweak(&p);
	assert_int_equal(fsim_rp_verify_registration(&p, json_object_get(v, "response"),
	    &res), 0);
	if (getenv("FSIM_TEST_VERBOSE"))
		dump(res);
	fsim_blob_reset(&ch);
	json_decref(v);
	return res;
}

static fsim_rp_result_t *
vector(const char *name, const char *preset, fsim_conveyance_t conv)
{
	return vector_p(name, preset, conv, NULL);
}

static bool
has(const fsim_rp_result_t *res, fsim_rule_id_t rule, fsim_check_status_t st)
{
	size_t i;

	for (i = 0; i < res->checks.n; i++)
		if (res->checks.v[i].rule == rule && res->checks.v[i].status == st)
			return true;
	return false;
}

static void
attestation_decisions(void **state)
{
	fsim_rp_result_t *res;

	(void)state;
	/* packed full, no anchors: spec warns; py_webauthn/simplewebauthn/libfido2 do not look. */
	res = vector("w3c-packed-es256-registration", "spec", FSIM_CONVEY_DIRECT);
	assert_true(res->verified);
	assert_true(has(res, FSIM_R_ATT_TRUST_01, FSIM_CHECK_WARN));
	fsim_rp_result_free(&res);
	res = vector("w3c-packed-es256-registration", "py_webauthn", FSIM_CONVEY_DIRECT);
	assert_true(res->verified);
	assert_int_equal(fsim_checks_count(&res->checks, FSIM_CHECK_WARN), 0);
	assert_true(has(res, FSIM_R_ATT_TRUST_01, FSIM_CHECK_INFO));
	fsim_rp_result_free(&res);
	/* apple must chain to Apple's root for py_webauthn; the vector's does not. */
	res = vector("w3c-apple-es256-registration", "py_webauthn", FSIM_CONVEY_DIRECT);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_ATT_TRUST_01));
	fsim_rp_result_free(&res);
	res = vector("w3c-apple-es256-registration", "spec", FSIM_CONVEY_DIRECT);
	assert_true(res->verified);
	fsim_rp_result_free(&res);
	/* Formats a library lacks: REG-17. */
	res = vector("w3c-apple-es256-registration", "libfido2", FSIM_CONVEY_DIRECT);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_REG_17));
	fsim_rp_result_free(&res);
	res = vector("w3c-android-key-es256-l3-cr-registration", "python-fido2",
	    FSIM_CONVEY_DIRECT);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_REG_17));
	fsim_rp_result_free(&res);
	/* python-fido2 asked for "none" looks at no statement at all. */
	res = vector("w3c-android-key-es256-l3-cr-registration", "python-fido2",
	    FSIM_CONVEY_NONE);
	assert_true(res->verified);
	assert_false(res->att_verified);
	fsim_rp_result_free(&res);
	res = vector("w3c-android-key-es256-l3-cr-registration", "spec", FSIM_CONVEY_NONE);
	assert_true(res->verified);
	assert_true(res->att_verified);
	fsim_rp_result_free(&res);
}

/* ---- What a library can verify and tolerates (fsim_rp_lib_checks_t), knob by knob ---- */

#define UP FSIM_AD_UP
#define AT FSIM_AD_AT
#define PREF FSIM_UV_PREFERRED

/* A registration under a preset with conveyance direct (python-fido2 then verifies the statement). */
static fsim_rp_result_t *
reg_under(const char *preset, json_t *resp, const int64_t *algs, size_t n_algs)
{
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;

	policy(preset, PREF, &p);
	p.conveyance = FSIM_CONVEY_DIRECT;
	p.algs = algs;
	p.n_algs = n_algs;
	assert_int_equal(fsim_rp_verify_registration(&p, resp, &res), 0);
	assert_non_null(res);
	if (getenv("FSIM_TEST_VERBOSE"))
		dump(res);
	return res;
}

/* Verified, or refused with a FAIL under rule (and, when only, under no other rule but REG-18). */
static void
expect_reg(const char *preset, json_t *resp, const int64_t *algs, size_t n_algs, bool ok,
    fsim_rule_id_t rule, fsim_check_status_t st)
{
	fsim_rp_result_t *res = reg_under(preset, resp, algs, n_algs);

	if (res->verified != ok)
		print_message("%s: %s, expected %s\n", preset, res->verified ? "verified" :
		    "refused", ok ? "verified" : "refused");
	assert_true(res->verified == ok);
	assert_true(has(res, rule, st));
	fsim_rp_result_free(&res);
}

static void
expect_auth(const char *preset, json_t *resp, const fsim_cred_record_t *rec, bool ok,
    fsim_rule_id_t rule, fsim_check_status_t st)
{
	fsim_rp_result_t *res = NULL;

	assert_true(run_auth(preset, PREF, resp, rec, &res) == ok);
	if (getenv("FSIM_TEST_VERBOSE"))
		dump(res);
	assert_true(has(res, rule, st));
	if (!ok)   /* the knob's rule is the one reason */
		assert_int_equal(fsim_checks_fail_count(&res->checks), 1);
	fsim_rp_result_free(&res);
}

/* sig_algs: an assertion or statement under an alg the library has no verifier for fails. */
static void
knob_sig_algs(void **state)
{
	static const int64_t ed448[] = { FSIM_COSE_ED448 }, ed25519[] = { FSIM_COSE_EDDSA };
	cred_t c;
	fsim_cred_record_t *rec;
	json_t *r;
	fsim_rp_result_t *res;

	(void)state;
	/* ES384: simplewebauthn verifies it, python-fido2 cannot (AUTH-18). */
	cred_make_alg(&c, FSIM_COSE_ES384, 16);
	rec = record(&c, 0, true, 0, 0);
	r = auth_response(&c, UP | UV, 1, NULL);
	expect_auth("spec", r, rec, true, FSIM_R_AUTH_18, FSIM_CHECK_PASS);
	expect_auth("simplewebauthn", r, rec, true, FSIM_R_AUTH_18, FSIM_CHECK_PASS);
	expect_auth("python-fido2", r, rec, false, FSIM_R_AUTH_18, FSIM_CHECK_FAIL);
	json_decref(r);
	fsim_record_free(&rec);
	/* python-fido2 registers it all the same, with a warning that no assertion will verify. */
	r = reg_response(&c, UP | UV, NULL);
	expect_reg("python-fido2", r, NULL, 0, true, FSIM_R_REG_16, FSIM_CHECK_WARN);
	res = reg_under("spec", r, NULL, 0);
	assert_true(res->verified);
	assert_false(has(res, FSIM_R_REG_16, FSIM_CHECK_WARN));
	fsim_rp_result_free(&res);
	json_decref(r);
	cred_free(&c);

	/* Ed448: neither library; the spec preset verifies both ceremonies. */
	cred_make_alg(&c, FSIM_COSE_ED448, 16);
	rec = record(&c, 0, true, 0, 0);
	r = auth_response(&c, UP | UV, 1, NULL);
	expect_auth("spec", r, rec, true, FSIM_R_AUTH_18, FSIM_CHECK_PASS);
	expect_auth("simplewebauthn", r, rec, false, FSIM_R_AUTH_18, FSIM_CHECK_FAIL);
	expect_auth("python-fido2", r, rec, false, FSIM_R_AUTH_18, FSIM_CHECK_FAIL);
	json_decref(r);
	fsim_record_free(&rec);
	r = reg_self(&c, UP | UV, FSIM_COSE_ED448, NULL);
	expect_reg("spec", r, NULL, 0, true, FSIM_R_ATT_PACKED_09, FSIM_CHECK_PASS);
	expect_reg("simplewebauthn", r, NULL, 0, false, FSIM_R_ATT_PACKED_09, FSIM_CHECK_FAIL);
	expect_reg("python-fido2", r, NULL, 0, false, FSIM_R_ATT_PACKED_09, FSIM_CHECK_FAIL);
	json_decref(r);
	cred_free(&c);

	/* ES256 self attestation: both libraries verify it. */
	cred_make(&c);
	r = reg_self(&c, UP | UV, FSIM_COSE_ES256, NULL);
	expect_reg("simplewebauthn", r, NULL, 0, true, FSIM_R_ATT_PACKED_09, FSIM_CHECK_PASS);
	expect_reg("python-fido2", r, NULL, 0, true, FSIM_R_ATT_PACKED_09, FSIM_CHECK_PASS);
	json_decref(r);
	cred_free(&c);

	/* The list's reading: -8 alone is Ed25519 only; Ed448 under -8 needs -53. */
	assert_true(fsim_sig_alg_listed(NULL, 0, FSIM_COSE_ED448, FSIM_COSE_CRV_ED448));
	assert_true(fsim_sig_alg_listed(ed25519, 1, FSIM_COSE_EDDSA, FSIM_COSE_CRV_ED25519));
	assert_false(fsim_sig_alg_listed(ed25519, 1, FSIM_COSE_EDDSA, FSIM_COSE_CRV_ED448));
	assert_true(fsim_sig_alg_listed(ed448, 1, FSIM_COSE_EDDSA, FSIM_COSE_CRV_ED448));
	assert_false(fsim_sig_alg_listed(ed448, 1, FSIM_COSE_ES256, FSIM_COSE_CRV_P256));
}

/* alg_not_offered: python-fido2 never compares alg with pubKeyCredParams (REG-16). */
static void
knob_alg_not_offered(void **state)
{
	static const int64_t es256[] = { FSIM_COSE_ES256 }, es384[] = { FSIM_COSE_ES384 };
	cred_t c;
	json_t *r;

	(void)state;
	cred_make_alg(&c, FSIM_COSE_ES384, 16);
	r = reg_response(&c, UP | UV, NULL);
	expect_reg("spec", r, es256, 1, false, FSIM_R_REG_16, FSIM_CHECK_FAIL);
	expect_reg("simplewebauthn", r, es256, 1, false, FSIM_R_REG_16, FSIM_CHECK_FAIL);
	expect_reg("python-fido2", r, es256, 1, true, FSIM_R_REG_16, FSIM_CHECK_INFO);
	/* Offered, it passes everywhere. */
	expect_reg("spec", r, es384, 1, true, FSIM_R_REG_16, FSIM_CHECK_PASS);
	expect_reg("simplewebauthn", r, es384, 1, true, FSIM_R_REG_16, FSIM_CHECK_PASS);
	expect_reg("python-fido2", r, es384, 1, true, FSIM_R_REG_16, FSIM_CHECK_PASS);
	json_decref(r);
	cred_free(&c);
}

/* at_in_assertion: neither library looks at AT in an assertion (AUTH-22). */
static void
knob_at_in_assertion(void **state)
{
	cred_t c;
	fsim_cred_record_t *rec;
	json_t *r, *ok;
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;

	(void)state;
	cred_make(&c);
	rec = record(&c, 0, true, 0, 0);
	r = auth_response(&c, UP | UV | AT, 1, NULL);
	ok = auth_response(&c, UP | UV, 1, NULL);
	expect_auth("spec", r, rec, false, FSIM_R_AUTH_22, FSIM_CHECK_FAIL);
	expect_auth("simplewebauthn", r, rec, true, FSIM_R_AUTH_22, FSIM_CHECK_INFO);
	expect_auth("python-fido2", r, rec, true, FSIM_R_AUTH_22, FSIM_CHECK_INFO);
	expect_auth("simplewebauthn", ok, rec, true, FSIM_R_AUTH_22, FSIM_CHECK_PASS);
	/* warn: verified, with the warning. */
	policy("spec", PREF, &p);
	p.at_in_assertion = FSIM_POL_WARN;
	assert_int_equal(fsim_rp_verify_authentication(&p, r, rec, &res), 0);
	assert_true(res->verified);
	assert_true(has(res, FSIM_R_AUTH_22, FSIM_CHECK_WARN));
	fsim_rp_result_free(&res);
	json_decref(r);
	json_decref(ok);
	fsim_record_free(&rec);
	cred_free(&c);
}

/* cred_id_max: both libraries take any 16-bit credential ID length (REG-21, ACD-02). */
static void
knob_cred_id_max(void **state)
{
	cred_t c;
	fsim_cred_record_t *rec;
	json_t *r;
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;

	(void)state;
	cred_make_alg(&c, FSIM_COSE_ES256, 1024);
	r = reg_response(&c, UP | UV, NULL);
	expect_reg("spec", r, NULL, 0, false, FSIM_R_REG_21, FSIM_CHECK_FAIL);
	res = reg_under("spec", r, NULL, 0);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_ACD_02));
	fsim_rp_result_free(&res);
	expect_reg("simplewebauthn", r, NULL, 0, true, FSIM_R_REG_21, FSIM_CHECK_INFO);
	expect_reg("python-fido2", r, NULL, 0, true, FSIM_R_REG_21, FSIM_CHECK_INFO);
	json_decref(r);
	/* The 1024-byte credential authenticates, too. */
	rec = record(&c, 0, true, 0, 0);
	r = auth_response(&c, UP | UV, 1, NULL);
	expect_auth("simplewebauthn", r, rec, true, FSIM_R_AUTH_03, FSIM_CHECK_PASS);
	json_decref(r);
	fsim_record_free(&rec);
	cred_free(&c);
	/* A bound other than 1023 is a bound: 1200 bytes under 1100 fails. */
	cred_make_alg(&c, FSIM_COSE_ES256, 1200);
	r = reg_response(&c, UP | UV, NULL);
	policy("simplewebauthn", PREF, &p);
	p.cred_id_max = 1100;
	assert_int_equal(fsim_rp_verify_registration(&p, r, &res), 0);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_REG_21));
	fsim_rp_result_free(&res);
	json_decref(r);
	cred_free(&c);
}

/* self_alg_hash_only: SimpleWebAuthn takes a packed self statement's alg only as the hash. */
static void
knob_self_alg_hash_only(void **state)
{
	cred_t c;
	json_t *r;

	(void)state;
	cred_make(&c);
	/* The alg-mismatch quirk: an ES256 signature named RS256 (both SHA-256). */
	r = reg_self(&c, UP | UV, FSIM_COSE_RS256, NULL);
	expect_reg("spec", r, NULL, 0, false, FSIM_R_ATT_PACKED_09, FSIM_CHECK_FAIL);
	expect_reg("python-fido2", r, NULL, 0, false, FSIM_R_ATT_PACKED_09, FSIM_CHECK_FAIL);
	expect_reg("simplewebauthn", r, NULL, 0, true, FSIM_R_ATT_PACKED_09, FSIM_CHECK_INFO);
	json_decref(r);
	/* Named ES384 but hashed with SHA-256: SimpleWebAuthn's SHA-384 check fails ... */
	r = reg_self(&c, UP | UV, FSIM_COSE_ES384, NULL);
	expect_reg("simplewebauthn", r, NULL, 0, false, FSIM_R_ATT_PACKED_09, FSIM_CHECK_FAIL);
	json_decref(r);
	/* ... and P-256 ECDSA over SHA-384 passes it, while the spec refuses the mismatch. */
	r = reg_self(&c, UP | UV, FSIM_COSE_ES384, EVP_sha384());
	expect_reg("simplewebauthn", r, NULL, 0, true, FSIM_R_ATT_PACKED_09, FSIM_CHECK_PASS);
	expect_reg("spec", r, NULL, 0, false, FSIM_R_ATT_PACKED_09, FSIM_CHECK_FAIL);
	json_decref(r);
	cred_free(&c);
}

static void
tweak_w3c_vendor(fsim_rp_policy_t *p)
{
	static const char *const ids[] = { "id:00000000", NULL };

	p->tpm_vendors = ids;
}

static void
tweak_ecc_ok(fsim_rp_policy_t *p)
{
	p->tpm_rsa_only = false;
}

static void
tweak_1970(fsim_rp_policy_t *p)
{
	p->at = 86400;
}

/* tpm_vendors: SimpleWebAuthn's vendor table lacks the W3C vector's id:00000000 (ATT-TPM-03). */
static void
knob_tpm_vendors(void **state)
{
	fsim_rp_result_t *res;

	(void)state;
	res = vector("w3c-tpm-es256-registration", "simplewebauthn", FSIM_CONVEY_DIRECT);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_ATT_TPM_03));
	assert_false(fsim_checks_failed(&res->checks, FSIM_R_ATT_TPM_02));
	fsim_rp_result_free(&res);
	res = vector_p("w3c-tpm-es256-registration", "simplewebauthn", FSIM_CONVEY_DIRECT,
	    tweak_w3c_vendor);
	assert_true(res->verified);
	assert_true(has(res, FSIM_R_ATT_TPM_03, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	res = vector("w3c-tpm-es256-registration", "spec", FSIM_CONVEY_DIRECT);
	assert_true(res->verified);
	fsim_rp_result_free(&res);
}

/* tpm_rsa_only: python-fido2 0.9.1 cannot read an ECC pubArea (ATT-TPM-02); RSA: test_fmt_tpm.c. */
static void
knob_tpm_rsa_only(void **state)
{
	fsim_rp_result_t *res;

	(void)state;
	res = vector("w3c-tpm-es256-registration", "python-fido2", FSIM_CONVEY_DIRECT);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_ATT_TPM_02));
	assert_false(fsim_checks_failed(&res->checks, FSIM_R_ATT_TPM_03));
	fsim_rp_result_free(&res);
	res = vector_p("w3c-tpm-es256-registration", "python-fido2", FSIM_CONVEY_DIRECT,
	    tweak_ecc_ok);
	assert_true(res->verified);
	assert_true(has(res, FSIM_R_ATT_TPM_02, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
}

/* leaf_dates: SimpleWebAuthn dates a packed leaf though it checks no path (ATT-03). */
static void
knob_leaf_dates(void **state)
{
	fsim_rp_result_t *res;

	(void)state;
	res = vector("w3c-packed-es256-registration", "simplewebauthn", FSIM_CONVEY_DIRECT);
	assert_true(res->verified);
	assert_true(has(res, FSIM_R_ATT_03, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	res = vector_p("w3c-packed-es256-registration", "simplewebauthn", FSIM_CONVEY_DIRECT,
	    tweak_1970);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_ATT_03));
	fsim_rp_result_free(&res);
	/* py_webauthn with no roots dates nothing; the spec dates the whole path. */
	res = vector_p("w3c-packed-es256-registration", "py_webauthn", FSIM_CONVEY_DIRECT,
	    tweak_1970);
	assert_true(res->verified);
	assert_false(has(res, FSIM_R_ATT_03, FSIM_CHECK_PASS));
	fsim_rp_result_free(&res);
	res = vector_p("w3c-packed-es256-registration", "spec", FSIM_CONVEY_DIRECT, tweak_1970);
	assert_false(res->verified);
	assert_true(fsim_checks_failed(&res->checks, FSIM_R_ATT_03));
	fsim_rp_result_free(&res);
}

/* The table: spec first and equal to the defaults; names unique; texts keyed by real rules. */
static void
table_invariants(void **state)
{
	fsim_rp_policy_t def, p;
	size_t i, j;

	(void)state;
	assert_int_equal(fsim_rp_preset_count(), NP);
	for (i = 0; i < NP; i++)
		assert_string_equal(fsim_rp_preset_at(i)->name, names[i]);
	assert_null(fsim_rp_preset_at(NP));
	assert_null(fsim_rp_preset_find("nope"));
	assert_null(fsim_rp_preset_find(NULL));
	/* spec changes no knob of fsim_rp_policy_init's defaults. */
	fsim_rp_policy_init(&def);
	p = def;
	fsim_rp_preset_apply(fsim_rp_preset_at(0), &p);
	for (j = 0; j < fsim_rp_knob_count(); j++)
		if (!fsim_rp_knob_equal(&p, &def, fsim_rp_knob_at(j))) {
			print_message("spec sets %s\n", fsim_rp_knob_at(j)->name);
			fail();
		}
	assert_ptr_equal(p.preset, fsim_rp_preset_at(0));
	assert_null(fsim_rp_presets_warning());
	assert_null(fsim_rp_preset_error_text(fsim_rp_preset_at(0), "REG-14"));
	for (i = 0; i < NP; i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);
		const fsim_rp_preset_text_t *t;
		fsim_rule_id_t id;

		assert_non_null(ps->library);
		assert_non_null(ps->evidence);
		assert_true(strlen(ps->evidence) > 20);
		for (t = ps->texts; t->rule != NULL; t++)
			assert_true(fsim_rule_find(t->rule, &id));
		for (j = 0; j < i; j++)
			assert_string_not_equal(ps->name, fsim_rp_preset_at(j)->name);
	}
}

static int
setup(void **state)
{
	(void)state;
	return fsim_b64url_decode(CHAL, strlen(CHAL), &challenge, NULL, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	fsim_blob_reset(&challenge);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_invariants),
		cmocka_unit_test(matrix_bs_without_be),
		cmocka_unit_test(matrix_backup_changes),
		cmocka_unit_test(matrix_counters),
		cmocka_unit_test(matrix_uv_preferred),
		cmocka_unit_test(verdict_details),
		cmocka_unit_test(unsolicited_extensions),
		cmocka_unit_test(attestation_decisions),
		cmocka_unit_test(knob_sig_algs),
		cmocka_unit_test(knob_alg_not_offered),
		cmocka_unit_test(knob_at_in_assertion),
		cmocka_unit_test(knob_cred_id_max),
		cmocka_unit_test(knob_self_alg_hash_only),
		cmocka_unit_test(knob_tpm_vendors),
		cmocka_unit_test(knob_tpm_rsa_only),
		cmocka_unit_test(knob_leaf_dates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
