/*
 * test_policy_knobs.c — the policy knobs (rp-sim/policy_knobs.h), the strict
 * reader of preset files (rp-sim/policy_file.c) with the library options,
 * and, for each knob the library audit added, a response it lets through
 * and one it refuses, judged by the real verifier.
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
static fsim_rp_store_t store;

/* ---- the knob table ---- */

static void
set_ok(fsim_rp_policy_t *p, const char *k, const char *v)
{
	char err[300];

	if (fsim_rp_knob_set(p, &store, k, v, err, sizeof(err)) != 0)
		fail_msg("%s=%s: %s", k, v, err);
}

static void
text_is(const fsim_rp_policy_t *p, const char *k, const char *want)
{
	char buf[600];

	fsim_rp_knob_text(p, fsim_rp_knob_find(k), buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void
knob_table(void **state)
{
	fsim_rp_policy_t p, q;
	char err[300];
	json_t *j;
	size_t i;

	(void)state;
	fsim_rp_policy_init(&p);
	/* every knob names itself, says what it takes and what it decides, and is found */
	for (i = 0; i < fsim_rp_knob_count(); i++) {
		const fsim_rp_knob_t *k = fsim_rp_knob_at(i);

		assert_non_null(k->values);
		assert_true(strlen(k->what) > 10);
		assert_ptr_equal(fsim_rp_knob_find(k->name), k);
		assert_int_equal(fsim_rp_knob_index(k), i);
		assert_non_null(j = fsim_rp_knob_json(&p, k));
		json_decref(j);
	}
	assert_null(fsim_rp_knob_at(fsim_rp_knob_count()));
	assert_null(fsim_rp_knob_find("no-such-knob"));
	/* each kind: words, numbers, lists; the text is what was set */
	set_ok(&p, "counter", "warning");
	text_is(&p, "counter", "warn");
	set_ok(&p, "uv-rule", "never");
	assert_int_equal(p.uv_rule, FSIM_UVR_NEVER);
	set_ok(&p, "counter-zero", "ok");
	assert_true(p.counter_zero_ok);
	set_ok(&p, "cred-id-max", "65535");
	text_is(&p, "cred-id-max", "65535");
	set_ok(&p, "sig-algs", "-7, es384 ,-65535");
	text_is(&p, "sig-algs", "-7,-35,-65535");
	assert_int_equal(p.n_sig_algs, 3);
	set_ok(&p, "sig-algs", "all");
	assert_null(p.sig_algs);
	set_ok(&p, "tpm-vendors", "id:414D4400,id:FFFFF1D0");
	text_is(&p, "tpm-vendors", "id:414D4400,id:FFFFF1D0");
	assert_non_null(j = fsim_rp_knob_json(&p, fsim_rp_knob_find("tpm-vendors")));
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);
	/* JSON keeps the shapes `fidosim policies --json` always had */
	assert_non_null(j = fsim_rp_knob_json(&p, fsim_rp_knob_find("formats")));
	assert_string_equal(json_string_value(json_array_get(j, 0)), "*");
	json_decref(j);
	assert_non_null(j = fsim_rp_knob_json(&p, fsim_rp_knob_find("tpm-rsa-only")));
	assert_true(json_is_boolean(j));
	json_decref(j);
	/* request data appends */
	set_ok(&p, "top-origin", "https://a.example");
	set_ok(&p, "top-origin", "https://b.example");
	assert_int_equal(p.n_top_origins, 2);
	assert_string_equal(p.top_origins[1], "https://b.example");
	/* refusals name the knob and what it takes */
	assert_int_equal(fsim_rp_knob_set(&p, &store, "counter", "maybe", err, sizeof(err)),
	    FSIM_ERR_ARG);
	assert_non_null(strstr(err, "counter=maybe"));
	assert_non_null(strstr(err, "error|warn|ignore"));
	assert_int_equal(fsim_rp_knob_set(&p, &store, "cred-id-max", "65536", err, sizeof(err)),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_rp_knob_set(&p, &store, "cred-id-max", "0", err, sizeof(err)),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_rp_knob_set(&p, &store, "sig-algs", "-7,,-8", err, sizeof(err)),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_rp_knob_set(&p, &store, "sig-algs", "nosuchalg", err, sizeof(err)),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_rp_knob_set(&p, &store, "formats", "a b", err, sizeof(err)),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_rp_knob_set(&p, &store, "nope", "x", err, sizeof(err)),
	    FSIM_ERR_NOT_FOUND);
	/* copy moves library knobs, not request data */
	fsim_rp_policy_init(&q);
	fsim_rp_knobs_copy(&q, &p);
	assert_true(fsim_rp_knob_equal(&q, &p, fsim_rp_knob_find("counter")));
	assert_int_equal(q.n_top_origins, 0);
}

/* ---- preset files ---- */

static const char good[] =
	"# a preset of my own\n"
	"name = mine\n"
	"library = my RP\n"
	"version = 1.0\n"
	"counter = ignore\n"
	"evidence = counter: src/rp.c:10 never compares it\n"
	"uv-rule = spec\n"
	"evidence = uv-rule: src/rp.c:20\n"
	"text = AUTH-19: counter went back\n"
	"evidence = AUTH-19: src/rp.c:11\n"
	"option = strictCounter=true: counter=error\n"
	"option = strictCounter=false: counter=ignore\n"
	"default = strictCounter=false\n"
	"option = needUV=*: uv-rule=*\n"
	"evidence = strictCounter: src/rp.c:9\n"
	"note = nothing else\n";

static int
parse(const char *text, fsim_rp_preset_t **ps, char *err, size_t errlen)
{
	return fsim_rp_preset_parse((const uint8_t *)text, strlen(text), "t.policy", ps, err,
	    errlen);
}

static void
bad(const char *text, const char *want)
{
	fsim_rp_preset_t *ps = NULL;
	char err[400];

	assert_int_not_equal(parse(text, &ps, err, sizeof(err)), 0);
	assert_null(ps);
	if (strstr(err, want) == NULL)
		fail_msg("wanted \"%s\" in: %s", want, err);
}

static void
preset_files(void **state)
{
	fsim_rp_preset_t *ps = NULL;
	fsim_rp_policy_t p;
	char err[400], buf[1200];

	(void)state;
	assert_int_equal(parse(good, &ps, err, sizeof(err)), 0);
	assert_string_equal(ps->name, "mine");
	assert_int_equal(ps->pol.counter, FSIM_POL_IGNORE);
	assert_true(ps->is_set[fsim_rp_knob_index(fsim_rp_knob_find("counter"))]);
	assert_false(ps->is_set[fsim_rp_knob_index(fsim_rp_knob_find("rfu-bits"))]);
	assert_string_equal(fsim_rp_preset_error_text(ps, "AUTH-19"), "counter went back");
	assert_string_equal(fsim_rp_preset_evidence(ps, "counter"),
	    "src/rp.c:10 never compares it");
	assert_int_equal(ps->n_opts, 3);
	assert_true(ps->opts[1].is_default);
	/* options by the library's names, their values checked */
	fsim_rp_policy_init(&p);
	fsim_rp_preset_apply(ps, &p);
	assert_int_equal(fsim_rp_policy_setting(ps, &p, &store, "strictCounter", "true", err,
	    sizeof(err)), 0);
	assert_int_equal(p.counter, FSIM_POL_ERROR);
	assert_int_equal(fsim_rp_policy_setting(ps, &p, &store, "needUV", "always", err,
	    sizeof(err)), 0);
	assert_int_equal(p.uv_rule, FSIM_UVR_ALWAYS);
	assert_int_equal(fsim_rp_policy_setting(ps, &p, &store, "strictCounter", "perhaps", err,
	    sizeof(err)), FSIM_ERR_ARG);
	assert_non_null(strstr(err, "true|false"));
	assert_int_equal(fsim_rp_policy_setting(ps, &p, &store, "needUV", "sometimes", err,
	    sizeof(err)), FSIM_ERR_ARG);
	assert_int_equal(fsim_rp_policy_setting(ps, &p, &store, "other", "1", err, sizeof(err)),
	    FSIM_ERR_NOT_FOUND);
	/* knobs go through too */
	assert_int_equal(fsim_rp_policy_setting(ps, &p, &store, "at-in-assertion", "ignore", err,
	    sizeof(err)), 0);
	fsim_rp_preset_free(&ps);
	assert_null(ps);
	fsim_rp_preset_free(&ps);

	/* what the reader refuses, each with file and line */
	bad("library = x\nversion = 1\n", "name, library and version are required");
	bad("name = a b\nlibrary = x\nversion = 1\n", "letters, digits");
	bad("name = x\nname = y\n", "t.policy:2");
	bad("name = x\nlibrary = x\nversion = 1\nfoo = bar\n", "unknown key 'foo'");
	bad("name = x\nlibrary = x\nversion = 1\ncounter = sometimes\n", "counter=sometimes");
	bad("name = x\nlibrary = x\nversion = 1\ncounter = error\ncounter = warn\n",
	    "counter is given twice");
	bad("name = x\nlibrary = x\nversion = 1\ncounter = error\n", "counter is set without an "
	    "evidence line");
	bad("name = x\nlibrary = x\nversion = 1\nevidence = counter: a.c:1\n", "evidence for "
	    "'counter'");
	bad("name = x\nlibrary = x\nversion = 1\nevidence = no colon here\n", "evidence wants");
	bad("name = x\nlibrary = x\nversion = 1\ntext = NOPE-1: x\n", "not a rule");
	bad("name = x\nlibrary = x\nversion = 1\ntop-origin = https://a\n", "request data");
	bad("name = x\nlibrary = x\nversion = 1\noption = a=b: nosuch=1\n", "not a policy knob");
	bad("name = x\nlibrary = x\nversion = 1\noption = a=b: counter=often\n", "counter=often");
	bad("name = x\nlibrary = x\nversion = 1\noption = counter=b: counter=error\n",
	    "a knob name");
	bad("name = x\nlibrary = x\nversion = 1\ndefault = a=b\n", "no option line");
	bad("name = x\nlibrary = x\nversion = 1\noption = a=b: counter=ignore\ndefault = a=b\n",
	    "sets counter, which this preset does not");
	bad("name = x\nlibrary = x\nversion = 1\ncounter = ignore\nevidence = counter: c\n"
	    "option = a=b: counter=ignore\noption = a=c: counter=error\ndefault = a=b\n"
	    "default = a=c\n", "given twice");
	/* the shipped presets load, and a file by path */
	assert_null(fsim_rp_presets_warning());
	assert_non_null(fsim_rp_preset_get("data/policies/go-webauthn.policy", err, sizeof(err)));
	assert_ptr_equal(fsim_rp_preset_get("data/policies/go-webauthn.policy", err, sizeof(err)),
	    fsim_rp_preset_get("data/policies/go-webauthn.policy", err, sizeof(err)));
	assert_null(fsim_rp_preset_get("nonesuch", err, sizeof(err)));
	assert_non_null(strstr(err, "known: spec"));
	assert_null(fsim_rp_preset_get("/nonexistent/x.policy", err, sizeof(err)));
	/* every shipped knob setting is backed by evidence */
	fsim_rp_knob_text(&fsim_rp_preset_find("py_webauthn")->pol, fsim_rp_knob_find("uv-rule"),
	    buf, sizeof(buf));
	assert_string_equal(buf, "never");
}

/* ---- responses ---- */

typedef struct cred {
	EVP_PKEY *key;
	int alg;
	fsim_blob_t cose;
	uint8_t id[32];
} cred_t;

static void
cred_make(cred_t *c, int alg)
{
	fsim_cose_key_t *k = NULL;

	memset(c, 0, sizeof(*c));
	c->alg = alg;
	c->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", alg == FSIM_COSE_ES384 ? "P-384" : "P-256");
	assert_non_null(c->key);
	assert_int_equal(fsim_cose_key_from_pkey(c->key, alg, &k), 0);
	assert_int_equal(fsim_cose_key_encode(k, &c->cose), 0);
	fsim_cose_key_free(&k);
	memset(c->id, 0x42, sizeof(c->id));
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

/* authData; trailing adds a byte after the last part */
static void
authdata(const cred_t *c, uint8_t flags, bool trailing, fsim_blob_t *out)
{
	fsim_authdata_t *ad = fsim_authdata_new();
	unsigned int hl = 0;

	assert_non_null(ad);
	assert_int_equal(EVP_Digest(RPID, strlen(RPID), ad->rp_id_hash, &hl, EVP_sha256(),
	    NULL), 1);
	ad->flags = flags;
	ad->sign_count = 1;
	if (flags & FSIM_AD_AT) {
		assert_int_equal(fsim_blob_set(&ad->cred_id, c->id, sizeof(c->id)), 0);
		assert_int_equal(fsim_cose_key_from_pkey(c->key, c->alg, &ad->cose_key), 0);
	}
	assert_int_equal(fsim_authdata_encode(ad, out), 0);
	if (trailing)
		assert_int_equal(fsim_blob_append(out, (const uint8_t *)"\x00", 1), 0);
	fsim_authdata_free(&ad);
}

static json_t *
envelope(const cred_t *c)
{
	json_t *r = json_object();

	set_b64(r, "id", c->id, sizeof(c->id));
	set_b64(r, "rawId", c->id, sizeof(c->id));
	json_object_set_new(r, "type", json_string("public-key"));
	json_object_set_new(r, "clientExtensionResults", json_object());
	return r;
}

/* clientDataJSON with extra members (a JSON fragment, may be ""). */
static void
cdj(bool get, const char *extra, char *buf, size_t len)
{
	snprintf(buf, len, "{\"type\":\"webauthn.%s\",\"challenge\":\"" CHAL "\",\"origin\":\""
	    ORIGIN "\"%s%s}", get ? "get" : "create", extra[0] ? "," : "", extra);
}

static json_t *
reg(const cred_t *c, uint8_t flags, const char *extra, bool trailing)
{
	fsim_blob_t ad = { 0 }, ao = { 0 };
	json_t *r = envelope(c), *in = json_object();
	char cd[400];

	cdj(false, extra, cd, sizeof(cd));
	authdata(c, (uint8_t)(flags | FSIM_AD_AT), trailing, &ad);
	assert_int_equal(fsim_attobj_encode("none", NULL, ad.ptr, ad.len, &ao), 0);
	set_b64(in, "clientDataJSON", (const uint8_t *)cd, strlen(cd));
	set_b64(in, "attestationObject", ao.ptr, ao.len);
	json_object_set_new(r, "response", in);
	fsim_blob_reset(&ad);
	fsim_blob_reset(&ao);
	return r;
}

static json_t *
auth(const cred_t *c, uint8_t flags, const char *extra)
{
	fsim_blob_t ad = { 0 }, msg = { 0 }, sig = { 0 };
	json_t *r = envelope(c), *in = json_object();
	char cd[400];
	uint8_t h[32];
	unsigned int hl = 0;

	cdj(true, extra, cd, sizeof(cd));
	authdata(c, flags, false, &ad);
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
record(const cred_t *c, bool be)
{
	json_t *j = json_object();
	fsim_cred_record_t *rec = NULL;

	json_object_set_new(j, "type", json_string("public-key"));
	set_b64(j, "id", c->id, sizeof(c->id));
	set_b64(j, "publicKey", c->cose.ptr, c->cose.len);
	json_object_set_new(j, "signCount", json_integer(0));
	json_object_set_new(j, "uvInitialized", json_true());
	json_object_set_new(j, "backupEligible", json_boolean(be));
	json_object_set_new(j, "backupState", json_false());
	assert_int_equal(fsim_record_from_json(j, &rec, NULL), 0);
	json_decref(j);
	return rec;
}

static void
base(fsim_rp_policy_t *p)
{
	fsim_rp_policy_init(p);
	p->rp_id = RPID;
	p->origins = origins;
	p->n_origins = 1;
	p->challenge = challenge.ptr;
	p->challenge_len = challenge.len;
}

/* Registration under p: verified or refused by rule (0: any). */
static void
judge_reg(const fsim_rp_policy_t *p, json_t *r, bool ok, fsim_rule_id_t rule)
{
	fsim_rp_result_t *res = NULL;

	assert_int_equal(fsim_rp_verify_registration(p, r, &res), 0);
	if (res->verified != ok || (!ok && !fsim_checks_failed(&res->checks, rule))) {
		size_t i;

		for (i = 0; i < res->checks.n; i++)
			if (res->checks.v[i].status == FSIM_CHECK_FAIL)
				print_message("  FAIL %s %s\n", fsim_rule(res->checks.v[i].rule)->id,
				    res->checks.v[i].msg);
		fail_msg("registration %s, expected %s by %s", res->verified ? "verified" :
		    "refused", ok ? "verified" : "refused", fsim_rule(rule)->id);
	}
	fsim_rp_result_free(&res);
}

static void
judge_auth(const fsim_rp_policy_t *p, json_t *r, const fsim_cred_record_t *rec, bool ok,
    fsim_rule_id_t rule)
{
	fsim_rp_result_t *res = NULL;

	assert_int_equal(fsim_rp_verify_authentication(p, r, rec, &res), 0);
	if (res->verified != ok || (!ok && !fsim_checks_failed(&res->checks, rule))) {
		size_t i;

		for (i = 0; i < res->checks.n; i++)
			if (res->checks.v[i].status == FSIM_CHECK_FAIL)
				print_message("  FAIL %s %s\n", fsim_rule(res->checks.v[i].rule)->id,
				    res->checks.v[i].msg);
		fail_msg("assertion %s, expected %s by %s", res->verified ? "verified" :
		    "refused", ok ? "verified" : "refused", fsim_rule(rule)->id);
	}
	fsim_rp_result_free(&res);
}

#define UP FSIM_AD_UP
#define UV FSIM_AD_UV
#define XO "\"crossOrigin\":true"
#define TOP "\"topOrigin\":\"https://top.example\""

/* crossOrigin: spec, explicit (a top origin does not allow it), ignore. */
static void
cross_origin(void **state)
{
	static const char *const tops[] = { "https://top.example" };
	cred_t c;
	fsim_rp_policy_t p;
	json_t *r;

	(void)state;
	cred_make(&c, FSIM_COSE_ES256);
	r = reg(&c, UP | UV, XO, false);
	base(&p);
	judge_reg(&p, r, false, FSIM_R_REG_07);
	p.top_origins = tops;
	p.n_top_origins = 1;
	judge_reg(&p, r, true, FSIM_R_REG_07);          /* spec: a top origin allows it */
	set_ok(&p, "reg-cross-origin", "explicit");
	judge_reg(&p, r, false, FSIM_R_REG_07);         /* explicit: it does not */
	p.allow_cross_origin = true;
	judge_reg(&p, r, true, FSIM_R_REG_07);
	base(&p);
	set_ok(&p, "reg-cross-origin", "ignore");
	judge_reg(&p, r, true, FSIM_R_REG_07);
	set_ok(&p, "auth-cross-origin", "ignore");      /* the other ceremony's knob: no effect */
	set_ok(&p, "reg-cross-origin", "spec");
	judge_reg(&p, r, false, FSIM_R_REG_07);
	json_decref(r);
	cred_free(&c);
}

/* topOrigin: spec, if-cross, auto, implicit, ignore; and without crossOrigin. */
static void
top_origin(void **state)
{
	static const char *const tops[] = { "https://top.example" };
	static const char *const both[] = { ORIGIN, "https://top.example" };
	cred_t c;
	fsim_rp_policy_t p;
	fsim_cred_record_t *rec;
	json_t *with, *bare;

	(void)state;
	cred_make(&c, FSIM_COSE_ES256);
	rec = record(&c, false);
	with = auth(&c, UP | UV, XO "," TOP);
	bare = auth(&c, UP | UV, TOP);
	/* if-cross (SimpleWebAuthn 14): refused unless the top origin is named */
	base(&p);
	p.allow_cross_origin = true;
	set_ok(&p, "auth-top-origin", "if-cross");
	judge_auth(&p, with, rec, false, FSIM_R_AUTH_11);
	p.top_origins = tops;
	p.n_top_origins = 1;
	judge_auth(&p, with, rec, true, FSIM_R_AUTH_11);
	/* with top-without-cross error a topOrigin without crossOrigin fails even when named */
	set_ok(&p, "top-without-cross", "error");
	judge_auth(&p, bare, rec, false, FSIM_R_AUTH_11);
	set_ok(&p, "top-without-cross", "ignore");
	judge_auth(&p, bare, rec, true, FSIM_R_AUTH_11);
	/* auto: an --origin counts; implicit: only the origins count */
	base(&p);
	p.allow_cross_origin = true;
	p.top_origins = tops;
	p.n_top_origins = 1;
	set_ok(&p, "auth-top-origin", "implicit");
	judge_auth(&p, with, rec, false, FSIM_R_AUTH_11);
	p.origins = both;
	p.n_origins = 2;
	judge_auth(&p, with, rec, true, FSIM_R_AUTH_11);
	p.top_origins = NULL;
	p.n_top_origins = 0;
	set_ok(&p, "auth-top-origin", "auto");
	judge_auth(&p, with, rec, true, FSIM_R_AUTH_11);
	p.origins = origins;
	p.n_origins = 1;
	judge_auth(&p, with, rec, false, FSIM_R_AUTH_11);
	/* ignore: never read */
	set_ok(&p, "auth-top-origin", "ignore");
	judge_auth(&p, with, rec, true, FSIM_R_AUTH_11);
	json_decref(with);
	json_decref(bare);
	fsim_record_free(&rec);
	cred_free(&c);
}

/* tokenBinding: ignored by default; a library's status list otherwise. */
static void
token_binding(void **state)
{
	cred_t c;
	fsim_rp_policy_t p;
	json_t *ns, *sup, *nost, *str;

	(void)state;
	cred_make(&c, FSIM_COSE_ES256);
	ns = reg(&c, UP | UV, "\"tokenBinding\":{\"status\":\"not-supported\"}", false);
	sup = reg(&c, UP | UV, "\"tokenBinding\":{\"status\":\"supported\"}", false);
	nost = reg(&c, UP | UV, "\"tokenBinding\":{}", false);
	str = reg(&c, UP | UV, "\"tokenBinding\":\"unused\"", false);
	base(&p);
	judge_reg(&p, ns, true, FSIM_R_REG_03);
	set_ok(&p, "token-binding", "present,supported");
	judge_reg(&p, ns, false, FSIM_R_REG_03);
	judge_reg(&p, sup, true, FSIM_R_REG_03);
	judge_reg(&p, nost, false, FSIM_R_REG_03);
	judge_reg(&p, str, true, FSIM_R_REG_03);        /* not an object: not read */
	json_decref(ns);
	json_decref(sup);
	json_decref(nost);
	json_decref(str);
	cred_free(&c);
}

/* reg-up, uv-rule never, bs-be-auth record. */
static void
flags(void **state)
{
	cred_t c;
	fsim_rp_policy_t p;
	fsim_cred_record_t *rec;
	json_t *noup, *nouv, *bs;

	(void)state;
	cred_make(&c, FSIM_COSE_ES256);
	noup = reg(&c, UV, "", false);
	base(&p);
	judge_reg(&p, noup, false, FSIM_R_REG_12);
	set_ok(&p, "reg-up", "ignore");
	judge_reg(&p, noup, true, FSIM_R_REG_12);
	nouv = reg(&c, UP, "", false);
	base(&p);
	p.uv = FSIM_UV_REQUIRED;
	judge_reg(&p, nouv, false, FSIM_R_REG_13);
	set_ok(&p, "uv-rule", "never");
	judge_reg(&p, nouv, true, FSIM_R_REG_13);
	/* BS=1 BE=1 in the assertion, BE=0 on record, BE upgrades allowed */
	rec = record(&c, false);
	bs = auth(&c, UP | UV | FSIM_AD_BE | FSIM_AD_BS, "");
	base(&p);
	set_ok(&p, "be-change", "allow-upgrade");
	judge_auth(&p, bs, rec, true, FSIM_R_AUTH_15);
	set_ok(&p, "bs-be-auth", "record");
	judge_auth(&p, bs, rec, false, FSIM_R_AUTH_15);
	json_decref(noup);
	json_decref(nouv);
	json_decref(bs);
	fsim_record_free(&rec);
	cred_free(&c);
}

/* reg-algs, default-algs; trailing-bytes. */
static void
algs_and_bytes(void **state)
{
	static const int64_t es384[] = { FSIM_COSE_ES384 };
	cred_t c;
	fsim_rp_policy_t p;
	json_t *r, *t;
	fsim_rp_result_t *res = NULL;

	(void)state;
	cred_make(&c, FSIM_COSE_ES384);
	r = reg(&c, UP | UV, "", false);
	base(&p);
	judge_reg(&p, r, true, FSIM_R_REG_16);
	set_ok(&p, "default-algs", "-7,-8");
	judge_reg(&p, r, false, FSIM_R_REG_16);         /* no --algs: the library's default */
	p.algs = es384;
	p.n_algs = 1;
	judge_reg(&p, r, true, FSIM_R_REG_16);          /* named by the RP: taken */
	set_ok(&p, "reg-algs", "-7,-257");
	judge_reg(&p, r, false, FSIM_R_REG_16);         /* a key it cannot take at all */
	json_decref(r);
	cred_free(&c);

	cred_make(&c, FSIM_COSE_ES256);
	t = reg(&c, UP | UV, "", true);
	base(&p);
	judge_reg(&p, t, false, FSIM_R_AD_04);
	set_ok(&p, "trailing-bytes", "warn");
	assert_int_equal(fsim_rp_verify_registration(&p, t, &res), 0);
	assert_true(res->verified);
	{
		size_t i;
		bool warned = false;

		for (i = 0; i < res->checks.n; i++)
			warned |= res->checks.v[i].rule == FSIM_R_AD_04 &&
			    res->checks.v[i].status == FSIM_CHECK_WARN;
		assert_true(warned);
	}
	fsim_rp_result_free(&res);
	set_ok(&p, "trailing-bytes", "ignore");
	judge_reg(&p, t, true, FSIM_R_AD_04);
	json_decref(t);
	cred_free(&c);
}

/* ---- attestation paths, over the W3C vectors ---- */

#define BEFORE ((time_t)86400)   /* before every W3C certificate (valid 2024-3024) */

/* A W3C registration vector under p (tweaked by the caller); anchors: add the vector's roots. */
static fsim_rp_result_t *
vector(const char *name, fsim_rp_policy_t *p, bool anchors, fsim_trust_t **trust)
{
	char path[256];
	json_error_t e;
	json_t *v, *a;
	fsim_blob_t ch = { 0 };
	const char *s, *org[1];
	fsim_rp_result_t *res = NULL;
	size_t i;

	snprintf(path, sizeof(path), "vectors/w3c-l3/w3c-%s.json", name);
	assert_non_null(v = json_load_file(path, 0, &e));
	s = json_string_value(json_object_get(v, "challenge"));
	assert_int_equal(fsim_b64url_decode(s, strlen(s), &ch, NULL, NULL), 0);
	p->rp_id = json_string_value(json_object_get(v, "rpId"));
	org[0] = json_string_value(json_object_get(v, "origin"));
	p->origins = org;
	p->n_origins = 1;
	p->challenge = ch.ptr;
	p->challenge_len = ch.len;
	p->conveyance = FSIM_CONVEY_DIRECT;
	*trust = NULL;
	if (anchors) {
		assert_int_equal(fsim_trust_new(trust), 0);
		json_array_foreach(json_object_get(v, "trustAnchors"), i, a)
			assert_int_equal(fsim_trust_add_pem(*trust, json_string_value(a),
			    strlen(json_string_value(a))), 0);
		p->trust = *trust;
		p->user_anchors = true;
	}
	assert_int_equal(fsim_rp_verify_registration(p, json_object_get(v, "response"), &res), 0);
	p->origins = NULL;
	p->n_origins = 0;
	fsim_blob_reset(&ch);
	json_decref(v);
	return res;
}

static void
vec(const char *name, fsim_rp_policy_t *p, bool anchors, bool ok, fsim_rule_id_t rule)
{
	fsim_trust_t *t = NULL;
	fsim_rp_result_t *res = vector(name, p, anchors, &t);

	if (res->verified != ok || (!ok && !fsim_checks_failed(&res->checks, rule)))
		fail_msg("%s: %s, expected %s by %s", name, res->verified ? "verified" : "refused",
		    ok ? "verified" : "refused", fsim_rule(rule)->id);
	fsim_rp_result_free(&res);
	fsim_trust_free(&t);
	p->trust = NULL;
	p->user_anchors = false;
}

static void
cert_paths(void **state)
{
	fsim_rp_policy_t p;

	(void)state;
	/* anchors-only: nothing dated without anchors of the RP's own; with them, dated and chained */
	base(&p);
	set_ok(&p, "att-chain", "anchors-only");
	p.at = BEFORE;
	vec("packed-es256-registration", &p, false, true, FSIM_R_ATT_03);
	vec("packed-es256-registration", &p, true, false, FSIM_R_ATT_03);
	/* date-failure untrusted: out of dates only makes it untrusted, then by untrusted-attestation */
	set_ok(&p, "date-failure", "untrusted");
	set_ok(&p, "untrusted-attestation", "ignore");
	vec("packed-es256-registration", &p, true, true, FSIM_R_ATT_03);
	set_ok(&p, "untrusted-attestation", "error");
	vec("packed-es256-registration", &p, true, false, FSIM_R_ATT_TRUST_01);
	p.at = time(NULL);
	vec("packed-es256-registration", &p, true, true, FSIM_R_ATT_TRUST_01);
	/* chain-dates: the whole x5c dated though no path is checked */
	base(&p);
	set_ok(&p, "att-chain", "never");
	p.at = BEFORE;
	vec("packed-es256-registration", &p, false, true, FSIM_R_ATT_03);
	set_ok(&p, "chain-dates", "packed");
	vec("packed-es256-registration", &p, false, false, FSIM_R_ATT_03);
	vec("fido-u2f-es256-registration", &p, false, true, FSIM_R_ATT_03);
	/* builtin-only: apple must chain to the vendor roots; undated takes it out of its dates */
	base(&p);
	set_ok(&p, "att-chain", "builtin-only");
	vec("apple-es256-registration", &p, false, false, FSIM_R_ATT_TRUST_01);
	p.at = BEFORE;
	vec("apple-es256-registration", &p, true, false, FSIM_R_ATT_03);
	set_ok(&p, "undated", "apple");
	vec("apple-es256-registration", &p, true, true, FSIM_R_ATT_03);
	/* builtin-roots without apple: its path is left alone, like packed's */
	p.at = time(NULL);
	set_ok(&p, "builtin-roots", "android-key");
	vec("apple-es256-registration", &p, false, true, FSIM_R_ATT_TRUST_01);
	/* packed-cert ignore and u2f-aaguid zero: see tests/integration/cli_policy_checks.sh
	 * (the quirks that spoil a certificate) and the W3C U2F vector here */
	base(&p);
	vec("fido-u2f-es256-registration", &p, false, true, FSIM_R_ATT_U2F_01);
	set_ok(&p, "u2f-aaguid", "zero");
	vec("fido-u2f-es256-registration", &p, false, false, FSIM_R_ATT_U2F_01);
	/* unknown-fmt ignore: an android-key statement registers unverified when not in formats */
	base(&p);
	set_ok(&p, "formats", "packed,none");
	vec("android-key-es256-l3-cr-registration", &p, false, false, FSIM_R_REG_17);
	set_ok(&p, "unknown-fmt", "ignore");
	vec("android-key-es256-l3-cr-registration", &p, false, true, FSIM_R_REG_17);
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
	fsim_rp_store_clear(&store);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(knob_table),
		cmocka_unit_test(preset_files),
		cmocka_unit_test(cross_origin),
		cmocka_unit_test(top_origin),
		cmocka_unit_test(token_binding),
		cmocka_unit_test(flags),
		cmocka_unit_test(algs_and_bytes),
		cmocka_unit_test(cert_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
