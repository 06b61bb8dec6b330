/*
 * bench.c — `fidosim bench`: throughput of each stage beside OpenSSL's raw
 * operation measured in the same run, reported as a ratio (the quality bar
 * is a ratio, never an absolute time).
 *
 * Fixtures are made in-process (keys, a packed attestation with an x5c
 * chain, an assertion), so the bench needs no files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "authenticator/authn.h"
#include "cli/bench_case.h"
#include "cli/bench_mds.h"
#include "cli/bench_mldsa.h"
#include "cli/cli.h"
#include "core/p256_table.h"
#include "rp-sim/rp.h"

static const char bench_usage[] =
"usage: fidosim bench [--seconds S] [--json]\n"
"       fidosim bench --case FILE [--seconds S]\n"
"\n"
"Measure the throughput of each stage beside raw OpenSSL in the same run:\n"
"  ecdsa-p256-verify       raw EVP_DigestVerify, P-256/SHA-256 (the baseline)\n"
"  verify-authentication   a whole WebAuthn 7.2 verification of an ES256\n"
"                          assertion through the RP API (response as a JSON\n"
"                          value), and the same from the JSON text. Its key is\n"
"                          verified over and over, so it soon has a table of\n"
"                          its own (p256_table.h); the cold-key line is the\n"
"                          same verification without that table\n"
"  ecdsa-p256-sign         raw EVP_DigestSign, P-256/SHA-256 (the baseline of\n"
"                          the authenticator stages)\n"
"  getAssertion            a whole CTAP 2.1 getAssertion, request bytes to\n"
"                          response bytes, ES256, in-memory store\n"
"  makeCredential          a whole makeCredential, ES256, packed x5c\n"
"  verify-registration     a whole 7.1 verification of a packed (x5c) ES256\n"
"                          registration through the RP API\n"
"  ml-dsa-44-verify        the ML-DSA-44 primitive called directly (FIPS 204\n"
"                          verify of a 64-byte message, key expanded once)\n"
"  verify-authentication (ML-DSA-44)  the whole 7.2 verification of an\n"
"                          ML-DSA-44 assertion\n"
"  ml-dsa-44-sign          the ML-DSA-44 primitive, hedged signing\n"
"  getAssertion (ML-DSA-44)  a whole getAssertion with an ML-DSA-44 credential\n"
"Each stage runs for about S seconds of CPU time (default 1), interleaved in\n"
"batches so that load changes touch every stage alike; times are the\n"
"thread's CPU time, so other processes on the machine do not count. Ratios\n"
"are against the P-256\n"
"baselines; the ML-DSA-44 stages also give their ratio to the ML-DSA-44\n"
"primitive (\"of raw\").\n"
"\n"
"--case FILE times one recorded ES256 ceremony instead (JSON as\n"
"tests/differential/gen.sh writes it: rpId, origin, uv, registration and\n"
"authentications[0], each {challenge, response}): OpenSSL's raw verify of\n"
"the assertion's own signature, and fidosim's verify-authentication and\n"
"verify-registration from the JSON text; one JSON object. bench/peers.sh\n"
"times @simplewebauthn/server and fido2-lib on the same case.\n";

#define RP_ID "bench.example"
#define ORIGIN "https://bench.example"

struct fixture {
	EVP_PKEY *cred;             /* credential key */
	EVP_PKEY *att;              /* attestation key */
	X509 *cert;                 /* attestation certificate */
	uint8_t challenge[32];
	char *reg_json;             /* RegistrationResponseJSON text */
	char *auth_json;            /* AuthenticationResponseJSON text */
	json_t *reg_value, *auth_value;  /* the same, parsed */
	fsim_cred_record_t *rec;
	uint8_t msg[64];
	fsim_blob_t raw_sig;        /* DER signature over msg, for the baseline */
	/* the authenticator: an in-memory store, so disk writes are not measured */
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *authn;
	fsim_blob_t mc_req, ga_req;
	fsim_bench_mldsa_t *pq;     /* the ML-DSA-44 stages */
	fsim_bench_mds_t *md;       /* verify-registration: root anchored, or from an MDS index */
};

/*
 * The measuring thread's CPU time: on a machine shared with other work
 * (CI runners, the 2-core boxes this is developed on) wall time counts the
 * time the scheduler gave to other processes, a different share per batch,
 * which made the ratios swing by a third between runs. What is left
 * (frequency, caches) touches the interleaved stages alike.
 */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static EVP_PKEY *
p256(void)
{
	return EVP_EC_gen("P-256");
}

/* A leaf meeting WebAuthn 8.2.1, self-signed: enough for throughput. */
static X509 *
att_cert(EVP_PKEY *k)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	if (x == NULL || n == NULL)
		goto fail;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"AA", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"fidosim", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_ASC,
	    (const unsigned char *)"Authenticator Attestation", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"fidosim bench", -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
	X509_set_pubkey(x, k);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "critical,CA:FALSE")) == NULL)
		goto fail;
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (X509_sign(x, k, EVP_sha256()) == 0)
		goto fail;
	X509_NAME_free(n);
	return x;
fail:
	X509_NAME_free(n);
	X509_free(x);
	return NULL;
}

static int build_authn(struct fixture *fx);

/* The AAGUID of the bench registration, listed in bench_mds.c's index. */
static const uint8_t bench_aaguid[16] = {
	0xbe, 0x4c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x80, 0x00, 0, 0, 0, 0, 0x0b, 0x1b,
};

static int
build(struct fixture *fx)
{
	fsim_authdata_t *ad = fsim_authdata_new();
	fsim_blob_t adb = { 0 }, cdj = { 0 }, sig = { 0 }, ao = { 0 }, tbs = { 0 }, der = { 0 };
	fsim_reg_response_t rr;
	fsim_auth_response_t ar;
	cbor_item_t *st = NULL;
	unsigned char *d = NULL;
	uint8_t cdh[32], cred_id[16];
	json_t *j = NULL;
	int len, r = -1;
	size_t i;

	memset(&rr, 0, sizeof(rr));
	memset(&ar, 0, sizeof(ar));
	for (i = 0; i < sizeof(fx->challenge); i++)
		fx->challenge[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(cred_id); i++)
		cred_id[i] = (uint8_t)(0xc0 + i);
	if (ad == NULL || (fx->cred = p256()) == NULL || (fx->att = p256()) == NULL ||
	    (fx->cert = att_cert(fx->att)) == NULL)
		goto fail;
	/* registration: authData with attested credential data */
	EVP_Digest(RP_ID, strlen(RP_ID), ad->rp_id_hash, NULL, EVP_sha256(), NULL);
	ad->flags = FSIM_AD_UP | FSIM_AD_UV | FSIM_AD_AT;
	memcpy(ad->aaguid, bench_aaguid, 16);   /* listed in the MDS index of bench_mds.c */
	if (fsim_blob_set(&ad->cred_id, cred_id, sizeof(cred_id)) != 0 ||
	    fsim_cose_key_from_pkey(fx->cred, FSIM_COSE_ES256, &ad->cose_key) != 0 ||
	    fsim_authdata_encode(ad, &adb) != 0 ||
	    fsim_clientdata_build("webauthn.create", fx->challenge, sizeof(fx->challenge),
	    ORIGIN, false, NULL, &cdj) != 0)
		goto fail;
	EVP_Digest(cdj.ptr, cdj.len, cdh, NULL, EVP_sha256(), NULL);
	if (fsim_blob_set(&tbs, adb.ptr, adb.len) != 0 || fsim_blob_append(&tbs, cdh, 32) != 0 ||
	    fsim_sig_sign(fx->att, FSIM_COSE_ES256, tbs.ptr, tbs.len, &sig) != 0)
		goto fail;
	if ((len = i2d_X509(fx->cert, &d)) <= 0 || fsim_blob_set(&der, d, (size_t)len) != 0)
		goto fail;
	if ((st = cbor_new_definite_map(3)) == NULL)
		goto fail;
	{
		cbor_item_t *x5c = cbor_new_definite_array(1), *c = fsim_cbor_bytes(der.ptr, der.len);
		if (x5c == NULL || c == NULL || !cbor_array_push(x5c, c)) {
			cbor_decref(&x5c);
			cbor_decref(&c);
			goto fail;
		}
		cbor_decref(&c);
		if (fsim_cbor_map_put(st, fsim_cbor_text("alg"), fsim_cbor_int(FSIM_COSE_ES256)) != 0 ||
		    fsim_cbor_map_put(st, fsim_cbor_text("sig"), fsim_cbor_bytes(sig.ptr, sig.len)) != 0 ||
		    fsim_cbor_map_put(st, fsim_cbor_text("x5c"), x5c) != 0)
			goto fail;
	}
	if (fsim_attobj_encode("packed", st, adb.ptr, adb.len, &ao) != 0)
		goto fail;
	rr.id = NULL;
	if (fsim_blob_set(&rr.raw_id, cred_id, sizeof(cred_id)) != 0 ||
	    fsim_b64url_encode(cred_id, sizeof(cred_id), &rr.id) != 0)
		goto fail;
	rr.type = "public-key";
	rr.client_data_json = cdj;
	rr.attestation_object = ao;
	rr.authenticator_data = adb;
	rr.has_authenticator_data = true;
	rr.public_key_alg = FSIM_COSE_ES256;
	rr.has_public_key_alg = true;
	rr.client_ext_results = json_object();
	if ((j = fsim_reg_response_to_json(&rr)) == NULL ||
	    (fx->reg_json = json_dumps(j, JSON_COMPACT)) == NULL)
		goto fail;
	json_decref(j);
	j = NULL;
	json_decref(rr.client_ext_results);
	/* the record the RP would keep, and an assertion for it */
	if ((fx->rec = fsim_record_new()) == NULL ||
	    fsim_blob_set(&fx->rec->id, cred_id, sizeof(cred_id)) != 0 ||
	    fsim_cose_key_encode(ad->cose_key, &fx->rec->public_key) != 0 ||
	    /* the public key as an RP holds it: parsed from the COSE_Key it stored */
	    fsim_cose_key_parse(fx->rec->public_key.ptr, fx->rec->public_key.len,
	    &fx->rec->key, NULL) != 0)
		goto fail;
	fx->rec->has_backup_eligible = fx->rec->has_backup_state = true;
	ad->flags = FSIM_AD_UP | FSIM_AD_UV;
	ad->sign_count = 1;
	fsim_blob_reset(&adb);
	fsim_blob_reset(&cdj);
	fsim_blob_reset(&tbs);
	fsim_blob_reset(&sig);
	if (fsim_authdata_encode(ad, &adb) != 0 ||
	    fsim_clientdata_build("webauthn.get", fx->challenge, sizeof(fx->challenge),
	    ORIGIN, false, NULL, &cdj) != 0)
		goto fail;
	EVP_Digest(cdj.ptr, cdj.len, cdh, NULL, EVP_sha256(), NULL);
	if (fsim_blob_set(&tbs, adb.ptr, adb.len) != 0 || fsim_blob_append(&tbs, cdh, 32) != 0 ||
	    fsim_sig_sign(fx->cred, FSIM_COSE_ES256, tbs.ptr, tbs.len, &sig) != 0)
		goto fail;
	ar.id = rr.id;
	ar.raw_id = rr.raw_id;
	ar.type = "public-key";
	ar.client_data_json = cdj;
	ar.authenticator_data = adb;
	ar.signature = sig;
	ar.client_ext_results = json_object();
	if ((j = fsim_auth_response_to_json(&ar)) == NULL ||
	    (fx->auth_json = json_dumps(j, JSON_COMPACT)) == NULL)
		goto fail;
	json_decref(ar.client_ext_results);
	if (build_authn(fx) != 0)
		goto fail;
	if (fsim_bench_mldsa_new(RP_ID, ORIGIN, fx->challenge, sizeof(fx->challenge),
	    &fx->pq) != 0)
		goto fail;
	if ((fx->reg_value = json_loads(fx->reg_json, 0, NULL)) == NULL ||
	    (fx->auth_value = json_loads(fx->auth_json, 0, NULL)) == NULL)
		goto fail;
	/* the baseline's message and signature: 64 bytes, like a hash pair */
	memcpy(fx->msg, tbs.ptr, sizeof(fx->msg) < tbs.len ? sizeof(fx->msg) : tbs.len);
	if (fsim_sig_sign(fx->cred, FSIM_COSE_ES256, fx->msg, sizeof(fx->msg), &fx->raw_sig) != 0)
		goto fail;
	r = 0;
fail:
	json_decref(j);
	cbor_decref(&st);
	OPENSSL_free(d);
	free(rr.id);
	fsim_blob_reset(&rr.raw_id);
	fsim_blob_reset(&adb);
	fsim_blob_reset(&cdj);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&ao);
	fsim_blob_reset(&tbs);
	fsim_blob_reset(&der);
	fsim_authdata_free(&ad);
	return r;
}

static void
fixture_free(struct fixture *fx)
{
	EVP_PKEY_free(fx->cred);
	EVP_PKEY_free(fx->att);
	X509_free(fx->cert);
	free(fx->reg_json);
	free(fx->auth_json);
	json_decref(fx->reg_value);
	json_decref(fx->auth_value);
	fsim_record_free(&fx->rec);
	fsim_blob_reset(&fx->raw_sig);
	fsim_authn_free(&fx->authn);
	fsim_store_free(&fx->store);
	fsim_blob_reset(&fx->mc_req);
	fsim_blob_reset(&fx->ga_req);
	fsim_bench_mldsa_free(&fx->pq);
	fsim_bench_mds_free(&fx->md);
}

/* cmd | canonical CBOR of map (consumed). */
static int
ctap_req(uint8_t cmd, cbor_item_t *map, fsim_blob_t *out)
{
	fsim_blob_t enc = { 0 };
	int r = -1;

	if (map != NULL && fsim_cbor_encode(map, &enc) == 0 && fsim_blob_set(out, &cmd, 1) == 0 &&
	    fsim_blob_append(out, enc.ptr, enc.len) == 0)
		r = 0;
	if (map)
		cbor_decref(&map);
	fsim_blob_reset(&enc);
	return r;
}

/* makeCredential (ES256, packed x5c) and getAssertion requests, and one credential. */
static int
build_authn(struct fixture *fx)
{
	static const uint8_t cdh[32] = { 7 }, uid[8] = { 1 };
	fsim_authn_config_t cfg;
	cbor_item_t *m, *rp, *user, *params, *p, *al, *d, *opts;
	fsim_blob_t resp = { 0 };
	cbor_item_t *rm = NULL;
	fsim_authdata_t *ad = NULL;
	const uint8_t *adp;
	size_t adn;
	int r = -1;

	fsim_env_default(&fx->env);
	fsim_authn_config_init(&cfg);
	cfg.attestation = FSIM_ATTFMT_PACKED;
	if (fsim_store_open(":memory:", &fx->env, &fx->store, NULL) != 0 ||
	    fsim_authn_new(&cfg, &fx->env, fx->store, &fx->authn) != 0)
		return -1;
	m = cbor_new_definite_map(4);
	rp = cbor_new_definite_map(1);
	user = cbor_new_definite_map(1);
	params = cbor_new_definite_array(1);
	p = cbor_new_definite_map(2);
	if (m == NULL || rp == NULL || user == NULL || params == NULL || p == NULL ||
	    fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_bytes(cdh, 32)) != 0 ||
	    fsim_cbor_map_put(rp, fsim_cbor_text("id"), fsim_cbor_text(RP_ID)) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(uid, 8)) != 0 ||
	    fsim_cbor_map_put(p, fsim_cbor_text("alg"), fsim_cbor_int(FSIM_COSE_ES256)) != 0 ||
	    fsim_cbor_map_put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0 ||
	    fsim_cbor_array_push(params, p) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(2), rp) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(3), user) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(4), params) != 0 ||
	    ctap_req(FSIM_CTAP_MAKE_CREDENTIAL, m, &fx->mc_req) != 0)
		goto out;
	if (fsim_authn_request(fx->authn, fx->mc_req.ptr, fx->mc_req.len, &resp) != 0 ||
	    fsim_cbor_decode(resp.ptr, resp.len, &rm, NULL) != 0 ||
	    fsim_cbor_get_bytes(fsim_cbor_map_get_int(rm, 2), &adp, &adn) != 0 ||
	    fsim_authdata_parse(adp, adn, &ad, NULL) != 0)
		goto out;
	m = cbor_new_definite_map(4);
	al = cbor_new_definite_array(1);
	d = cbor_new_definite_map(2);
	opts = cbor_new_definite_map(1);
	if (m == NULL || al == NULL || d == NULL || opts == NULL ||
	    fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_text(RP_ID)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_bytes(cdh, 32)) != 0 ||
	    fsim_cbor_map_put(d, fsim_cbor_text("id"), fsim_cbor_bytes(ad->cred_id.ptr, ad->cred_id.len)) != 0 ||
	    fsim_cbor_map_put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0 ||
	    fsim_cbor_array_push(al, d) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(3), al) != 0 ||
	    fsim_cbor_map_put(opts, fsim_cbor_text("up"), cbor_build_bool(true)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(5), opts) != 0 ||
	    ctap_req(FSIM_CTAP_GET_ASSERTION, m, &fx->ga_req) != 0)
		goto out;
	r = 0;
out:
	if (rm)
		cbor_decref(&rm);
	fsim_authdata_free(&ad);
	fsim_blob_reset(&resp);
	return r;
}

typedef int (*op_fn)(struct fixture *fx, const fsim_rp_policy_t *p);

static int
op_raw_verify(struct fixture *fx, const fsim_rp_policy_t *p)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	(void)p;
	ok = ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, fx->cred) == 1 &&
	    EVP_DigestVerify(ctx, fx->raw_sig.ptr, fx->raw_sig.len, fx->msg, sizeof(fx->msg)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int
op_raw_sign(struct fixture *fx, const fsim_rp_policy_t *p)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t sig[80];
	size_t n = sizeof(sig);
	int ok;

	(void)p;
	ok = ctx != NULL &&
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, fx->cred) == 1 &&
	    EVP_DigestSign(ctx, sig, &n, fx->msg, sizeof(fx->msg)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int
op_ctap(struct fixture *fx, const fsim_blob_t *req)
{
	fsim_blob_t resp = { 0 };
	uint8_t st = fsim_authn_request(fx->authn, req->ptr, req->len, &resp);

	fsim_blob_reset(&resp);
	return st == 0 ? 0 : -1;
}

static int
op_get_assertion(struct fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return op_ctap(fx, &fx->ga_req);
}

static int
op_make_credential(struct fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return op_ctap(fx, &fx->mc_req);
}

/* One ceremony through the RP API, from the response as a JSON value. */
static int
op_verify(struct fixture *fx, const fsim_rp_policy_t *p, const json_t *j, bool auth)
{
	fsim_rp_result_t *res = NULL;
	int r = -1;

	if ((auth ? fsim_rp_verify_authentication(p, j, fx->rec, &res) :
	    fsim_rp_verify_registration(p, j, &res)) == 0 && res->verified)
		r = 0;
	fsim_rp_result_free(&res);
	return r;
}

static int
op_verify_auth(struct fixture *fx, const fsim_rp_policy_t *p)
{
	return op_verify(fx, p, fx->auth_value, true);
}

/* The same without the key's table (p256_table.h): a key this process has not seen often. */
static int
op_verify_auth_cold(struct fixture *fx, const fsim_rp_policy_t *p)
{
	int r;

	fsim_p256_table_skip(true);
	r = op_verify(fx, p, fx->auth_value, true);
	fsim_p256_table_skip(false);
	return r;
}

/*
 * The same, from the response JSON text as it arrives over the wire, loaded
 * as `serve` and the RP API load a body (fsim_json_load).
 */
static int
op_verify_auth_text(struct fixture *fx, const fsim_rp_policy_t *p)
{
	json_t *j = NULL;
	int r = fsim_json_load((const uint8_t *)fx->auth_json, strlen(fx->auth_json), &j,
	    NULL, "response") == 0 ? op_verify(fx, p, j, true) : -1;

	json_decref(j);
	return r;
}

static int
op_verify_reg(struct fixture *fx, const fsim_rp_policy_t *p)
{
	return op_verify(fx, p, fx->reg_value, false);
}

static int
op_pq_raw_verify(struct fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return fsim_bench_mldsa_raw_verify(fx->pq);
}

static int
op_pq_verify_auth(struct fixture *fx, const fsim_rp_policy_t *p)
{
	return fsim_bench_mldsa_verify_auth(fx->pq, p);
}

static int
op_pq_raw_sign(struct fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return fsim_bench_mldsa_raw_sign(fx->pq);
}

static int
op_pq_get_assertion(struct fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return fsim_bench_mldsa_get_assertion(fx->pq);
}

/* The same registration, its root a configured anchor; then from the MDS index. */
static int
op_verify_reg_anchored(struct fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return op_verify(fx, fsim_bench_mds_anchored(fx->md), fx->reg_value, false);
}

static int
op_verify_reg_mds(struct fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return op_verify(fx, fsim_bench_mds_indexed(fx->md), fx->reg_value, false);
}

#define NSTAGES 14

/*
 * Operations per second of each stage. The stages run interleaved, a batch
 * of each in turn, so a change in machine load or clock speed during the run
 * touches them all alike and the ratios stay fair.
 */
static int
measure(op_fn *fns, double *ops, struct fixture *fx, const fsim_rp_policy_t *p,
    double seconds)
{
	double spent[NSTAGES] = { 0 }, start = now(), t0;
	unsigned long n[NSTAGES] = { 0 };
	int s, i;

	do {
		for (s = 0; s < NSTAGES; s++) {
			t0 = now();
			for (i = 0; i < 16; i++)
				if (fns[s](fx, p) != 0)
					return -1;
			spent[s] += now() - t0;
			n[s] += 16;
		}
	} while (now() - start < seconds * NSTAGES);
	for (s = 0; s < NSTAGES; s++)
		ops[s] = (double)n[s] / spent[s];
	return 0;
}

static int
bench_run(int argc, char **argv)
{
	struct fixture fx;
	fsim_rp_policy_t p;
	static const char *origins[] = { ORIGIN };
	double seconds = 1.0, ops[NSTAGES], base, va, vt, vr, sbase, ga, mc, qv, qa, qs, qg;
	double vra, vrm, vc;
	op_fn fns[NSTAGES] = { op_raw_verify, op_verify_auth, op_verify_auth_text,
	    op_verify_reg, op_raw_sign, op_get_assertion, op_make_credential,
	    op_pq_raw_verify, op_pq_verify_auth, op_pq_raw_sign, op_pq_get_assertion,
	    op_verify_reg_anchored, op_verify_reg_mds, op_verify_auth_cold };
	const char *case_path = NULL;
	int i, json = 0, rc = FSIM_EXIT_FAIL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
			case_path = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = atof(argv[++i]);
			if (seconds <= 0 || seconds > 600)
				return fsim_cli_usage_error("bench", "--seconds must be in (0, 600]");
		} else if (fsim_cli_is_help(argv[i])) {
			fputs(bench_usage, stdout);
			return FSIM_EXIT_OK;
		} else
			return fsim_cli_usage_error("bench", "unknown option '%s'", argv[i]);
	}
	if (case_path != NULL)
		return fsim_bench_case(case_path, seconds);
	memset(&fx, 0, sizeof(fx));
	if (build(&fx) != 0) {
		fprintf(stderr, "fidosim bench: could not build the fixtures\n");
		goto out;
	}
	fsim_rp_policy_init(&p);
	p.rp_id = RP_ID;
	p.origins = origins;
	p.n_origins = 1;
	p.challenge = fx.challenge;
	p.challenge_len = sizeof(fx.challenge);
	if (fsim_bench_mds_new(fx.cert, bench_aaguid, &p, &fx.md) != 0) {
		fprintf(stderr, "fidosim bench: could not build the MDS index\n");
		goto out;
	}
	if (measure(fns, ops, &fx, &p, seconds) != 0) {
		fprintf(stderr, "fidosim bench: an operation failed\n");
		goto out;
	}
	base = ops[0];
	va = ops[1];
	vt = ops[2];
	vr = ops[3];
	sbase = ops[4];
	ga = ops[5];
	mc = ops[6];
	qv = ops[7];
	qa = ops[8];
	qs = ops[9];
	qg = ops[10];
	vra = ops[11];
	vrm = ops[12];
	vc = ops[13];
	if (json)
		printf("{\"baseline\": {\"name\": \"ecdsa-p256-verify\", \"opsPerSecond\": %.0f},\n"
		    " \"stages\": [\n"
		    "  {\"name\": \"verify-authentication\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.92},\n"
		    "  {\"name\": \"verify-authentication-cold-key\", \"opsPerSecond\": %.0f, \"ratio\": %.3f},\n"
		    "  {\"name\": \"verify-authentication-from-text\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.90},\n"
		    "  {\"name\": \"verify-registration\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.40},\n"
		    "  {\"name\": \"ecdsa-p256-sign\", \"opsPerSecond\": %.0f, \"baseline\": true},\n"
		    "  {\"name\": \"getAssertion\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.92},\n"
		    "  {\"name\": \"makeCredential\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.40},\n"
		    "  {\"name\": \"ml-dsa-44-verify\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"raw\": true},\n"
		    "  {\"name\": \"verify-authentication-ml-dsa-44\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"ratioToRaw\": %.3f},\n"
		    "  {\"name\": \"ml-dsa-44-sign\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"raw\": true},\n"
		    "  {\"name\": \"getAssertion-ml-dsa-44\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"ratioToRaw\": %.3f},\n"
		    "  {\"name\": \"verify-registration-anchored\", \"opsPerSecond\": %.0f, \"ratio\": %.3f},\n"
		    "  {\"name\": \"verify-registration-mds\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, "
		    "\"addedCost\": %.3f, \"goal\": 0.05}\n"
		    " ]}\n", base, va, va / base, vc, vc / base, vt, vt / base, vr, vr / base, sbase, ga, ga / sbase,
		    mc, mc / sbase, qv, qv / base, qa, qa / base, qa / qv, qs, qs / sbase, qg,
		    qg / sbase, qg / qs, vra, vra / base, vrm, vrm / base, vra / vrm - 1.0);
	else {
		printf("%-24s %12s %8s\n", "stage", "ops/s", "ratio");
		printf("%-24s %12.0f %8s  (OpenSSL raw, the baseline)\n", "ecdsa-p256-verify", base, "1.00");
		printf("%-24s %12.0f %8.2f  (goal >= 0.92; the RP API on a parsed response; "
		    "its key verified often: a table)\n", "verify-authentication", va, va / base);
		printf("%-24s %12.0f %8.2f  (the same key without its table: a key seldom seen)\n",
		    "  ... cold key", vc, vc / base);
		printf("%-24s %12.0f %8.2f  (goal >= 0.90; the same, parsing the JSON text first)\n",
		    "  ... from JSON text", vt, vt / base);
		printf("%-24s %12.0f %8.2f  (goal >= 0.40; packed x5c; two signatures)\n", "verify-registration", vr, vr / base);
		printf("%-24s %12.0f %8s  (OpenSSL raw, the baseline below)\n", "ecdsa-p256-sign", sbase, "1.00");
		printf("%-24s %12.0f %8.2f  (goal >= 0.92; CTAP request to response, ES256)\n",
		    "getAssertion", ga, ga / sbase);
		printf("%-24s %12.0f %8.2f  (goal >= 0.40; ES256 key made, packed x5c statement)\n",
		    "makeCredential", mc, mc / sbase);
		printf("%-24s %12.0f %8.2f  (the primitive; ratio to P-256 verify)\n",
		    "ml-dsa-44-verify", qv, qv / base);
		printf("%-24s %12.0f %8.2f  (ML-DSA-44 assertion; %.2f of the raw ML-DSA-44 verify)\n",
		    "verify-authentication", qa, qa / base, qa / qv);
		printf("%-24s %12.0f %8.2f  (the primitive, hedged; ratio to P-256 sign)\n",
		    "ml-dsa-44-sign", qs, qs / sbase);
		printf("%-24s %12.0f %8.2f  (ML-DSA-44 credential; %.2f of the raw ML-DSA-44 sign)\n",
		    "getAssertion", qg, qg / sbase, qg / qs);
		printf("%-24s %12.0f %8.2f  (verify-registration, its root a configured anchor)\n",
		    "verify-reg anchored", vra, vra / base);
		/* the lookup's cost against the anchored run; below 0 it costs less */
		printf("%-24s %12.0f %8.2f  (the root from an MDS index of 1000 entries: %.1f%% "
		    "%s than anchored, goal < 5%% more)\n", "verify-reg --mds", vrm, vrm / base,
		    fabs(100.0 * (vra / vrm - 1.0)), vra <= vrm ? "less" : "more");
	}
	rc = FSIM_EXIT_OK;
out:
	fixture_free(&fx);
	return rc;
}

const fsim_cmd_t fsim_cmd_bench = {
	"bench", bench_run,
	"throughput of each stage beside raw OpenSSL measured in the same run",
	bench_usage,
};
