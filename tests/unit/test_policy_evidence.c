/*
 * test_policy_evidence.c — every refuted ("R") row of the source audit of
 * five RP libraries (docs/evidence/policy-audit.md, which carries its
 * substance into the repository): for each, the behaviour the library's
 * source has, held against the preset. Before the presets were corrected
 * every test here failed (the preset decided as its old claim said); the
 * row is named in each test.
 *
 * Only the verification API is used (presets applied, responses judged), so
 * these tests run unchanged against any revision of the presets.
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
#define CHAL "AAECAwQFBgcICQoLDA0ODw"

static fsim_blob_t challenge;
static const char *const origins[] = { ORIGIN };

typedef struct cred {
	EVP_PKEY *key;
	int alg;
	fsim_blob_t cose;
	uint8_t id[1100];
	size_t idlen;
} cred_t;

static void
cred_make(cred_t *c, int alg, size_t idlen)
{
	fsim_cose_key_t *k = NULL;

	memset(c, 0, sizeof(*c));
	c->alg = alg;
	if (alg == FSIM_COSE_ED448)
		c->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	else if (alg == FSIM_COSE_PS256)
		c->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else
		c->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", alg == FSIM_COSE_ES384 ?
		    "P-384" : "P-256");
	assert_non_null(c->key);
	assert_int_equal(fsim_cose_key_from_pkey(c->key, alg, &k), 0);
	assert_int_equal(fsim_cose_key_encode(k, &c->cose), 0);
	fsim_cose_key_free(&k);
	assert_true(idlen > 0 && idlen <= sizeof(c->id));
	memset(c->id, 0x3c, idlen);
	c->idlen = idlen;
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

/* clientDataJSON of the ceremony; cross: crossOrigin true. */
static void
cdj(bool get, bool cross, char *buf, size_t len)
{
	snprintf(buf, len, "{\"type\":\"webauthn.%s\",\"challenge\":\"" CHAL "\",\"origin\":\""
	    ORIGIN "\",\"crossOrigin\":%s}", get ? "get" : "create", cross ? "true" : "false");
}

static void
authdata(const cred_t *c, uint8_t flags, uint32_t count, fsim_blob_t *out)
{
	fsim_authdata_t *ad = fsim_authdata_new();
	unsigned int hl = 0;

	assert_non_null(ad);
	assert_int_equal(EVP_Digest(RPID, strlen(RPID), ad->rp_id_hash, &hl, EVP_sha256(),
	    NULL), 1);
	ad->flags = flags;
	ad->sign_count = count;
	if (flags & FSIM_AD_AT) {
		assert_int_equal(fsim_blob_set(&ad->cred_id, c->id, c->idlen), 0);
		assert_int_equal(fsim_cose_key_from_pkey(c->key, c->alg, &ad->cose_key), 0);
	}
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

/* A registration, fmt `fmt` with an empty attStmt (none, or a format the RP may not know). */
static json_t *
reg_response(const cred_t *c, const char *fmt, bool cross)
{
	fsim_blob_t ad = { 0 }, ao = { 0 };
	json_t *r = envelope(c), *in = json_object();
	char cd[256];

	cdj(false, cross, cd, sizeof(cd));
	authdata(c, FSIM_AD_UP | FSIM_AD_UV | FSIM_AD_AT, 0, &ad);
	assert_int_equal(fsim_attobj_encode(fmt, NULL, ad.ptr, ad.len, &ao), 0);
	set_b64(in, "clientDataJSON", (const uint8_t *)cd, strlen(cd));
	set_b64(in, "attestationObject", ao.ptr, ao.len);
	json_object_set_new(in, "transports", json_array());
	json_object_set_new(r, "response", in);
	fsim_blob_reset(&ad);
	fsim_blob_reset(&ao);
	return r;
}

/* An assertion signed by the credential's key, with these flags. */
static json_t *
auth_response(const cred_t *c, uint8_t flags, bool cross)
{
	fsim_blob_t ad = { 0 }, msg = { 0 }, sig = { 0 };
	json_t *r = envelope(c), *in = json_object();
	char cd[256];
	uint8_t h[32];
	unsigned int hl = 0;

	cdj(true, cross, cd, sizeof(cd));
	authdata(c, flags, 1, &ad);
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

static fsim_cred_record_t *
record(const cred_t *c)
{
	json_t *j = json_object();
	fsim_cred_record_t *rec = NULL;

	json_object_set_new(j, "type", json_string("public-key"));
	set_b64(j, "id", c->id, c->idlen);
	set_b64(j, "publicKey", c->cose.ptr, c->cose.len);
	json_object_set_new(j, "signCount", json_integer(0));
	json_object_set_new(j, "uvInitialized", json_true());
	json_object_set_new(j, "backupEligible", json_false());
	json_object_set_new(j, "backupState", json_false());
	assert_int_equal(fsim_record_from_json(j, &rec, NULL), 0);
	json_decref(j);
	return rec;
}

static void
policy(const char *preset, fsim_rp_policy_t *p)
{
	const fsim_rp_preset_t *ps = fsim_rp_preset_find(preset);

	assert_non_null(ps);
	fsim_rp_policy_init(p);
	p->rp_id = RPID;
	p->origins = origins;
	p->n_origins = 1;
	p->challenge = challenge.ptr;
	p->challenge_len = challenge.len;
	fsim_rp_preset_apply(ps, p);
}

static void
dump(const char *what, const fsim_rp_result_t *res)
{
	size_t i;

	for (i = 0; i < res->checks.n; i++)
		if (res->checks.v[i].status == FSIM_CHECK_FAIL)
			print_message("    %s: FAIL %s: %s\n", what,
			    fsim_rule(res->checks.v[i].rule)->id, res->checks.v[i].msg);
}

/* Mismatches with the source found by the running test (each is printed). */
static int mismatches;

/*
 * The verdict, and (when refused) that `rule` is among the failures. Every
 * case of a test is judged before the test fails, so a run lists each
 * library whose preset disagrees with its source.
 */
static void
expect(const char *what, fsim_rp_result_t *res, bool ok, fsim_rule_id_t rule)
{
	if (res->verified != ok) {
		print_message("%s: %s, the library's source says %s\n", what,
		    res->verified ? "verified" : "refused", ok ? "it verifies" : "it refuses");
		dump(what, res);
		mismatches++;
	} else if (!ok && !fsim_checks_failed(&res->checks, rule)) {
		print_message("%s: refused, but not by %s\n", what, fsim_rule(rule)->id);
		dump(what, res);
		mismatches++;
	}
}

static int
reset(void **state)
{
	(void)state;
	mismatches = 0;
	return 0;
}

static int
check(void **state)
{
	(void)state;
	return mismatches == 0 ? 0 : -1;
}

static void
reg(const char *what, const char *preset, json_t *resp, const int64_t *algs, size_t n,
    bool ok, fsim_rule_id_t rule)
{
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;

	policy(preset, &p);
	p.algs = algs;
	p.n_algs = n;
	assert_int_equal(fsim_rp_verify_registration(&p, resp, &res), 0);
	expect(what, res, ok, rule);
	fsim_rp_result_free(&res);
}

static void
auth(const char *what, const char *preset, json_t *resp, const fsim_cred_record_t *rec,
    bool ok, fsim_rule_id_t rule)
{
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;

	policy(preset, &p);
	assert_int_equal(fsim_rp_verify_authentication(&p, resp, rec, &res), 0);
	expect(what, res, ok, rule);
	fsim_rp_result_free(&res);
}

/* A W3C L3 vector (vectors/w3c-l3/w3c-NAME.json) under a preset; at 0: now. */
static fsim_rp_result_t *
vector(const char *name, const char *preset, time_t at)
{
	char path[256];
	json_error_t e;
	json_t *v;
	fsim_blob_t ch = { 0 };
	const char *s, *org[1];
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	fsim_cred_record_t *rec = NULL;

	snprintf(path, sizeof(path), "vectors/w3c-l3/w3c-%s.json", name);
	assert_non_null(v = json_load_file(path, 0, &e));
	s = json_string_value(json_object_get(v, "challenge"));
	assert_int_equal(fsim_b64url_decode(s, strlen(s), &ch, NULL, NULL), 0);
	policy(preset, &p);
	p.rp_id = json_string_value(json_object_get(v, "rpId"));
	org[0] = json_string_value(json_object_get(v, "origin"));
	p.origins = org;
	p.challenge = ch.ptr;
	p.challenge_len = ch.len;
	p.conveyance = FSIM_CONVEY_DIRECT;
	if (at != 0)
		p.at = at;
	if (json_is_object(json_object_get(v, "credential"))) {
		assert_int_equal(fsim_record_from_json(json_object_get(v, "credential"), &rec,
		    NULL), 0);
		assert_int_equal(fsim_rp_verify_authentication(&p, json_object_get(v, "response"),
		    rec, &res), 0);
	} else
		assert_int_equal(fsim_rp_verify_registration(&p, json_object_get(v, "response"),
		    &res), 0);
	fsim_record_free(&rec);
	fsim_blob_reset(&ch);
	json_decref(v);
	return res;
}

static void
vec(const char *what, const char *name, const char *preset, time_t at, bool ok,
    fsim_rule_id_t rule)
{
	fsim_rp_result_t *res = vector(name, preset, at);

	expect(what, res, ok, rule);
	fsim_rp_result_free(&res);
}

#define AUDITED5 "py_webauthn", "java-webauthn-server", "go-webauthn", "webauthn-rs", "fido2-net-lib"
#define BEFORE_DATES ((time_t)86400)   /* 1970-01-02: before every W3C certificate (2024-3024) */

/* "at-get error" (R for all five): none of them looks at AT in an assertion. */
static void
r_at_in_assertion(void **state)
{
	static const char *const libs[] = { AUDITED5 };
	cred_t c;
	fsim_cred_record_t *rec;
	json_t *r;
	size_t i;

	(void)state;
	cred_make(&c, FSIM_COSE_ES256, 16);
	rec = record(&c);
	r = auth_response(&c, FSIM_AD_UP | FSIM_AD_UV | FSIM_AD_AT, false);
	for (i = 0; i < sizeof(libs) / sizeof(libs[0]); i++)
		auth(libs[i], libs[i], r, rec, true, FSIM_R_AUTH_22);
	auth("spec", "spec", r, rec, false, FSIM_R_AUTH_22);
	json_decref(r);
	fsim_record_free(&rec);
	cred_free(&c);
}

/* "id-max 1023" (R for py_webauthn, java, webauthn-rs): any 16-bit length registers. */
static void
r_cred_id_max(void **state)
{
	cred_t c;
	json_t *r;

	(void)state;
	cred_make(&c, FSIM_COSE_ES256, 1024);
	r = reg_response(&c, "none", false);
	reg("py_webauthn", "py_webauthn", r, NULL, 0, true, FSIM_R_REG_21);
	reg("java-webauthn-server", "java-webauthn-server", r, NULL, 0, true, FSIM_R_REG_21);
	reg("webauthn-rs", "webauthn-rs", r, NULL, 0, true, FSIM_R_REG_21);
	/* C rows: go and fido2-net-lib stop at 1023. */
	reg("go-webauthn", "go-webauthn", r, NULL, 0, false, FSIM_R_REG_21);
	reg("fido2-net-lib", "fido2-net-lib", r, NULL, 0, false, FSIM_R_REG_21);
	json_decref(r);
	cred_free(&c);
}

/*
 * crossOrigin/topOrigin "inherited spec" (R for py_webauthn, java,
 * fido2-net-lib; R at authentication for webauthn-rs): crossOrigin true
 * passes with no cross-origin setting at all.
 */
static void
r_cross_origin(void **state)
{
	cred_t c;
	fsim_cred_record_t *rec;
	json_t *rr, *ar;

	(void)state;
	cred_make(&c, FSIM_COSE_ES256, 16);
	rec = record(&c);
	rr = reg_response(&c, "none", true);
	ar = auth_response(&c, FSIM_AD_UP | FSIM_AD_UV, true);
	reg("py_webauthn reg", "py_webauthn", rr, NULL, 0, true, FSIM_R_REG_07);
	auth("py_webauthn auth", "py_webauthn", ar, rec, true, FSIM_R_AUTH_10);
	reg("java reg", "java-webauthn-server", rr, NULL, 0, true, FSIM_R_REG_07);
	auth("java auth", "java-webauthn-server", ar, rec, true, FSIM_R_AUTH_10);
	reg("fido2-net-lib reg", "fido2-net-lib", rr, NULL, 0, true, FSIM_R_REG_07);
	auth("fido2-net-lib auth", "fido2-net-lib", ar, rec, true, FSIM_R_AUTH_10);
	/* webauthn-rs: CredentialCrossOrigin at registration only. */
	reg("webauthn-rs reg", "webauthn-rs", rr, NULL, 0, false, FSIM_R_REG_07);
	auth("webauthn-rs auth", "webauthn-rs", ar, rec, true, FSIM_R_AUTH_10);
	/* go (C, stricter): RPAllowCrossOrigin is off by default. */
	reg("go-webauthn reg", "go-webauthn", rr, NULL, 0, false, FSIM_R_REG_07);
	auth("go-webauthn auth", "go-webauthn", ar, rec, false, FSIM_R_AUTH_10);
	json_decref(rr);
	json_decref(ar);
	fsim_record_free(&rec);
	cred_free(&c);
}

/*
 * "sig-algs all" (R for all five): the algorithms each library verifies,
 * at registration and at assertion.
 */
static void
r_sig_algs(void **state)
{
	static const int64_t es384[] = { FSIM_COSE_ES384 }, ps256[] = { FSIM_COSE_PS256 };
	cred_t c;
	fsim_cred_record_t *rec;
	json_t *rr, *ar;

	(void)state;
	/* ES384: py_webauthn has no -35 (not in its default list, no verifier). */
	cred_make(&c, FSIM_COSE_ES384, 16);
	rec = record(&c);
	rr = reg_response(&c, "none", false);
	ar = auth_response(&c, FSIM_AD_UP | FSIM_AD_UV, false);
	reg("py_webauthn ES384 reg (default algs)", "py_webauthn", rr, NULL, 0, false,
	    FSIM_R_REG_16);
	auth("py_webauthn ES384 assertion", "py_webauthn", ar, rec, false, FSIM_R_AUTH_18);
	/* webauthn-rs registers it, then every assertion fails (COSEKeyInvalidType). */
	reg("webauthn-rs ES384 reg", "webauthn-rs", rr, es384, 1, true, FSIM_R_REG_16);
	auth("webauthn-rs ES384 assertion", "webauthn-rs", ar, rec, false, FSIM_R_AUTH_18);
	/* java, go and fido2-net-lib verify ES384. */
	auth("java ES384 assertion", "java-webauthn-server", ar, rec, true, FSIM_R_AUTH_18);
	auth("go ES384 assertion", "go-webauthn", ar, rec, true, FSIM_R_AUTH_18);
	auth("fido2-net-lib ES384 assertion", "fido2-net-lib", ar, rec, true, FSIM_R_AUTH_18);
	json_decref(rr);
	json_decref(ar);
	fsim_record_free(&rec);
	cred_free(&c);

	/*
	 * Ed448 (alg -53): py_webauthn, go and fido2-net-lib verify OKP on
	 * Ed25519 only; webauthn-rs has no -53 at all; java verifies it.
	 */
	cred_make(&c, FSIM_COSE_ED448, 16);
	rec = record(&c);
	ar = auth_response(&c, FSIM_AD_UP | FSIM_AD_UV, false);
	auth("py_webauthn Ed448", "py_webauthn", ar, rec, false, FSIM_R_AUTH_18);
	auth("go Ed448", "go-webauthn", ar, rec, false, FSIM_R_AUTH_18);
	auth("fido2-net-lib Ed448", "fido2-net-lib", ar, rec, false, FSIM_R_AUTH_18);
	auth("webauthn-rs Ed448", "webauthn-rs", ar, rec, false, FSIM_R_AUTH_18);
	auth("java Ed448", "java-webauthn-server", ar, rec, true, FSIM_R_AUTH_18);
	json_decref(ar);
	fsim_record_free(&rec);
	cred_free(&c);

	/*
	 * PS256: java has no -37 (its RP cannot offer it, so the key is
	 * "unrequested") and no verifier; webauthn-rs parses RSA keys as RS256
	 * only and refuses it at registration.
	 */
	cred_make(&c, FSIM_COSE_PS256, 16);
	rec = record(&c);
	rr = reg_response(&c, "none", false);
	ar = auth_response(&c, FSIM_AD_UP | FSIM_AD_UV, false);
	reg("java PS256 reg", "java-webauthn-server", rr, ps256, 1, false, FSIM_R_REG_16);
	auth("java PS256 assertion", "java-webauthn-server", ar, rec, false, FSIM_R_AUTH_18);
	reg("webauthn-rs PS256 reg", "webauthn-rs", rr, ps256, 1, false, FSIM_R_REG_16);
	auth("go PS256 assertion", "go-webauthn", ar, rec, true, FSIM_R_AUTH_18);
	auth("fido2-net-lib PS256 assertion", "fido2-net-lib", ar, rec, true, FSIM_R_AUTH_18);
	auth("py_webauthn PS256 assertion", "py_webauthn", ar, rec, true, FSIM_R_AUTH_18);
	json_decref(rr);
	json_decref(ar);
	fsim_record_free(&rec);
	cred_free(&c);
}

/*
 * "tpm any" (R for py_webauthn, go, webauthn-rs, fido2-net-lib): their
 * vendor tables do not hold the W3C vector's tpmManufacturer id:00000000.
 */
static void
r_tpm_vendors(void **state)
{
	(void)state;
	vec("py_webauthn", "tpm-es256-registration", "py_webauthn", 0, false, FSIM_R_ATT_TPM_03);
	vec("go-webauthn", "tpm-es256-registration", "go-webauthn", 0, false, FSIM_R_ATT_TPM_03);
	vec("webauthn-rs", "tpm-es256-registration", "webauthn-rs", 0, false, FSIM_R_ATT_TPM_03);
	vec("fido2-net-lib", "tpm-es256-registration", "fido2-net-lib", 0, false,
	    FSIM_R_ATT_TPM_03);
	/* C: java has no table. */
	vec("java", "tpm-es256-registration", "java-webauthn-server", 0, true, FSIM_R_ATT_TPM_03);
}

/*
 * "chain spec / untrusted warn" (R for java, go, webauthn-rs, fido2-net-lib):
 * without trust anchors of the RP's own they date far less than the spec.
 */
static void
r_cert_dates(void **state)
{
	(void)state;
	/* java and webauthn-rs date no attestation certificate without a trust source. */
	vec("java packed", "packed-es256-registration", "java-webauthn-server", BEFORE_DATES, true,
	    FSIM_R_ATT_03);
	vec("java fido-u2f", "fido-u2f-es256-registration", "java-webauthn-server",
	    BEFORE_DATES, true, FSIM_R_ATT_03);
	vec("webauthn-rs packed", "packed-es256-registration", "webauthn-rs", BEFORE_DATES, true,
	    FSIM_R_ATT_03);
	/* go and fido2-net-lib date packed only; tpm and fido-u2f pass out of date. */
	vec("go packed", "packed-es256-registration", "go-webauthn", BEFORE_DATES, false,
	    FSIM_R_ATT_03);
	vec("go fido-u2f", "fido-u2f-es256-registration", "go-webauthn", BEFORE_DATES, true,
	    FSIM_R_ATT_03);
	vec("fido2-net-lib packed", "packed-es256-registration", "fido2-net-lib", BEFORE_DATES,
	    false, FSIM_R_ATT_03);
	vec("fido2-net-lib android-key", "android-key-es256-l3-cr-registration", "fido2-net-lib",
	    BEFORE_DATES, true, FSIM_R_ATT_03);
	/* go: apple and android-key MUST chain to the built-in roots; the W3C test root is not one. */
	vec("go apple", "apple-es256-registration", "go-webauthn", 0, false, FSIM_R_ATT_TRUST_01);
	vec("spec apple", "apple-es256-registration", "spec", 0, true, FSIM_R_ATT_TRUST_01);
}

/* java "unknown fmt -> error" (R): an unknown format registers as UNKNOWN, compound too. */
static void
r_unknown_fmt(void **state)
{
	cred_t c;
	json_t *r;

	(void)state;
	cred_make(&c, FSIM_COSE_ES256, 16);
	r = reg_response(&c, "x-fidosim-unknown", false);
	reg("java unknown fmt", "java-webauthn-server", r, NULL, 0, true, FSIM_R_REG_17);
	reg("py_webauthn unknown fmt", "py_webauthn", r, NULL, 0, false, FSIM_R_REG_17);
	reg("spec unknown fmt", "spec", r, NULL, 0, false, FSIM_R_REG_17);
	json_decref(r);
	cred_free(&c);
}

/* webauthn-rs "formats incl. android-safetynet" (R): AttestationNotSupported since #491. */
static void
r_safetynet(void **state)
{
	json_error_t e;
	json_t *v = json_load_file("vectors/real-world/cases/jws-AndroidSafetynet-RealExample-reg.json",
	    0, &e);
	fsim_blob_t ch = { 0 };
	const char *s, *org[1];
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	const char *presets[] = { "webauthn-rs", "java-webauthn-server" };
	size_t i;

	(void)state;
	assert_non_null(v);
	s = json_string_value(json_object_get(v, "challenge"));
	assert_int_equal(fsim_b64url_decode(s, strlen(s), &ch, NULL, NULL), 0);
	for (i = 0; i < 2; i++) {
		policy(presets[i], &p);
		p.rp_id = json_string_value(json_object_get(v, "rpId"));
		org[0] = json_string_value(json_object_get(v, "origin"));
		p.origins = org;
		p.challenge = ch.ptr;
		p.challenge_len = ch.len;
		p.conveyance = FSIM_CONVEY_DIRECT;
		p.at = (time_t)json_integer_value(json_object_get(v, "at"));
		assert_int_equal(fsim_rp_verify_registration(&p, json_object_get(v, "response"),
		    &res), 0);
		if (i == 0) {
			/* refused as a format, before its statement is looked at */
			expect("webauthn-rs safetynet", res, false, FSIM_R_REG_17);
		} else
			assert_false(fsim_checks_failed(&res->checks, FSIM_R_REG_17));
		fsim_rp_result_free(&res);
	}
	fsim_blob_reset(&ch);
	json_decref(v);
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
		cmocka_unit_test_setup_teardown(r_at_in_assertion, reset, check),
		cmocka_unit_test_setup_teardown(r_cred_id_max, reset, check),
		cmocka_unit_test_setup_teardown(r_cross_origin, reset, check),
		cmocka_unit_test_setup_teardown(r_sig_algs, reset, check),
		cmocka_unit_test_setup_teardown(r_tpm_vendors, reset, check),
		cmocka_unit_test_setup_teardown(r_cert_dates, reset, check),
		cmocka_unit_test_setup_teardown(r_unknown_fmt, reset, check),
		cmocka_unit_test_setup_teardown(r_safetynet, reset, check),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
