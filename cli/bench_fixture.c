/*
 * bench_fixture.c — what `fidosim bench` measures on (bench.c), made in
 * process: a credential key, an attestation key with its certificate, a
 * packed x5c registration and an assertion (as JSON text and parsed), the
 * credential record an RP keeps, and an authenticator with an in-memory
 * store and the makeCredential and getAssertion requests it answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cli/bench_ctap.h"
#include "cli/bench_fixture.h"

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

static int build_authn(struct bench_fixture *fx);

/* The AAGUID of the bench registration, listed in bench_mds.c's index. */
const uint8_t fsim_bench_aaguid[16] = {
	0xbe, 0x4c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x80, 0x00, 0, 0, 0, 0, 0x0b, 0x1b,
};

int
fsim_bench_fixture_build(struct bench_fixture *fx)
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
	memcpy(ad->aaguid, fsim_bench_aaguid, 16);   /* listed in the MDS index of bench_mds.c */
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

void
fsim_bench_fixture_free(struct bench_fixture *fx)
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

/* An authenticator with an in-memory store, its makeCredential (ES256, packed x5c) and getAssertion requests, and one credential. */
static int
build_authn(struct bench_fixture *fx)
{
	static const uint8_t cdh[32] = { 7 }, uid[8] = { 1 };
	fsim_authn_config_t cfg;

	fsim_env_default(&fx->env);
	fsim_authn_config_init(&cfg);
	cfg.attestation = FSIM_ATTFMT_PACKED;
	if (fsim_store_open(":memory:", &fx->env, &fx->store, NULL) != 0 ||
	    fsim_authn_new(&cfg, &fx->env, fx->store, &fx->authn) != 0)
		return -1;
	return fsim_bench_ctap_requests(fx->authn, RP_ID, FSIM_COSE_ES256, cdh, uid, true,
	    &fx->mc_req, &fx->ga_req);
}

