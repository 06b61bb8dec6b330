/*
 * bench_mldsa.c — ML-DSA-44 fixtures and operations for `fidosim bench`.
 *
 * The raw stages call core/mldsa.h directly (one-shot EVP sign or verify of
 * a 64-byte message on a key expanded once, with the built-in FIPS 204
 * implementation or OpenSSL 3.5's); the whole stages are the same ceremony
 * code the ES256 stages run: the RP's verify-authentication on a parsed
 * AuthenticationResponseJSON, and the authenticator's getAssertion from
 * request bytes to response bytes (in-memory store).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authenticator/authn.h"
#include "cli/bench_ctap.h"
#include "cli/bench_mldsa.h"
#include "core/mldsa.h"

struct fsim_bench_mldsa {
	EVP_PKEY *cred;
	uint8_t msg[64];
	fsim_blob_t raw_sig;
	json_t *auth_value;
	fsim_cred_record_t *rec;
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *authn;
	fsim_blob_t ga_req;
};

/* An assertion by cred over rp_id/origin/challenge, and the record for it. */
static int
build_assertion(fsim_bench_mldsa_t *b, const char *rp_id, const char *origin,
    const uint8_t *challenge, size_t clen)
{
	static const uint8_t cred_id[16] = { 0xd0, 0xd1, 0xd2, 0xd3 };
	fsim_authdata_t *ad = fsim_authdata_new();
	fsim_blob_t adb = { 0 }, cdj = { 0 }, sig = { 0 }, tbs = { 0 };
	fsim_auth_response_t ar;
	uint8_t cdh[32];
	char *id = NULL;
	int r = -1;

	memset(&ar, 0, sizeof(ar));
	if (ad == NULL)
		goto fail;
	EVP_Digest(rp_id, strlen(rp_id), ad->rp_id_hash, NULL, EVP_sha256(), NULL);
	ad->flags = FSIM_AD_UP | FSIM_AD_UV;
	ad->sign_count = 1;
	if ((b->rec = fsim_record_new()) == NULL ||
	    fsim_blob_set(&b->rec->id, cred_id, sizeof(cred_id)) != 0 ||
	    fsim_cose_key_from_pkey(b->cred, FSIM_COSE_MLDSA44, &b->rec->key) != 0 ||
	    fsim_cose_key_encode(b->rec->key, &b->rec->public_key) != 0)
		goto fail;
	b->rec->has_backup_eligible = b->rec->has_backup_state = true;
	if (fsim_authdata_encode(ad, &adb) != 0 ||
	    fsim_clientdata_build("webauthn.get", challenge, clen, origin, false, NULL,
	    &cdj) != 0)
		goto fail;
	EVP_Digest(cdj.ptr, cdj.len, cdh, NULL, EVP_sha256(), NULL);
	if (fsim_blob_set(&tbs, adb.ptr, adb.len) != 0 || fsim_blob_append(&tbs, cdh, 32) != 0 ||
	    fsim_sig_sign(b->cred, FSIM_COSE_MLDSA44, tbs.ptr, tbs.len, &sig) != 0 ||
	    fsim_b64url_encode(cred_id, sizeof(cred_id), &id) != 0 ||
	    fsim_blob_set(&ar.raw_id, cred_id, sizeof(cred_id)) != 0)
		goto fail;
	ar.id = id;
	ar.type = "public-key";
	ar.client_data_json = cdj;
	ar.authenticator_data = adb;
	ar.signature = sig;
	ar.client_ext_results = json_object();
	if ((b->auth_value = fsim_auth_response_to_json(&ar)) != NULL)
		r = 0;
	memcpy(b->msg, tbs.ptr, sizeof(b->msg));
fail:
	json_decref(ar.client_ext_results);
	fsim_blob_reset(&ar.raw_id);
	free(id);
	fsim_blob_reset(&adb);
	fsim_blob_reset(&cdj);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&tbs);
	fsim_authdata_free(&ad);
	return r;
}

/* An authenticator offering ML-DSA-44 only, one credential, a getAssertion for it. */
static int
build_authn(fsim_bench_mldsa_t *b, const char *rp_id)
{
	static const uint8_t cdh[32] = { 9 }, uid[8] = { 2 };
	fsim_authn_config_t cfg;

	fsim_env_default(&b->env);
	fsim_authn_config_init(&cfg);
	cfg.algs[0] = FSIM_COSE_MLDSA44;
	cfg.n_algs = 1;
	if (fsim_store_open(":memory:", &b->env, &b->store, NULL) != 0 ||
	    fsim_authn_new(&cfg, &b->env, b->store, &b->authn) != 0)
		return -1;
	return fsim_bench_ctap_requests(b->authn, rp_id, FSIM_COSE_MLDSA44, cdh, uid, false,
	    NULL, &b->ga_req);
}

int
fsim_bench_mldsa_new(const char *rp_id, const char *origin, const uint8_t *challenge,
    size_t clen, fsim_bench_mldsa_t **out)
{
	static const uint8_t xi[32] = { 0x44 };
	fsim_bench_mldsa_t *b;

	*out = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	if (fsim_mldsa_pkey_from_seed(44, xi, sizeof(xi), &b->cred) != 0 ||
	    build_assertion(b, rp_id, origin, challenge, clen) != 0 ||
	    build_authn(b, rp_id) != 0 ||
	    fsim_mldsa_sign(b->cred, b->msg, sizeof(b->msg), NULL, 0, NULL, &b->raw_sig) != 0) {
		fsim_bench_mldsa_free(&b);
		return -1;
	}
	*out = b;
	return 0;
}

void
fsim_bench_mldsa_free(fsim_bench_mldsa_t **bp)
{
	fsim_bench_mldsa_t *b;

	if (bp == NULL || (b = *bp) == NULL)
		return;
	EVP_PKEY_free(b->cred);
	fsim_blob_reset(&b->raw_sig);
	json_decref(b->auth_value);
	fsim_record_free(&b->rec);
	fsim_authn_free(&b->authn);
	fsim_store_free(&b->store);
	fsim_blob_reset(&b->ga_req);
	free(b);
	*bp = NULL;
}

int
fsim_bench_mldsa_raw_verify(fsim_bench_mldsa_t *b)
{
	return fsim_mldsa_verify(b->cred, b->msg, sizeof(b->msg), NULL, 0, b->raw_sig.ptr,
	    b->raw_sig.len) == 0 ? 0 : -1;
}

int
fsim_bench_mldsa_raw_sign(fsim_bench_mldsa_t *b)
{
	fsim_blob_t sig = { 0 };
	int r = fsim_mldsa_sign(b->cred, b->msg, sizeof(b->msg), NULL, 0, NULL, &sig);

	fsim_blob_reset(&sig);
	return r == 0 ? 0 : -1;
}

int
fsim_bench_mldsa_verify_auth(fsim_bench_mldsa_t *b, const fsim_rp_policy_t *p)
{
	fsim_rp_result_t *res = NULL;
	int r = -1;

	if (fsim_rp_verify_authentication(p, b->auth_value, b->rec, &res) == 0 &&
	    res->verified)
		r = 0;
	fsim_rp_result_free(&res);
	return r;
}

int
fsim_bench_mldsa_get_assertion(fsim_bench_mldsa_t *b)
{
	fsim_blob_t resp = { 0 };
	uint8_t st = fsim_authn_request(b->authn, b->ga_req.ptr, b->ga_req.len, &resp);

	fsim_blob_reset(&resp);
	return st == 0 ? 0 : -1;
}
