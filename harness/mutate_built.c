/*
 * mutate_built.c — the two attestation statements no vector ships, built
 * here on an in-process registration as valid ceremonies (vector units), and
 * the changes that break their rules: android-safetynet (a JWS signed by a
 * leaf for attest.android.com under the test CA) and compound (WebAuthn L3
 * 8.9: an array of statements).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "harness/mutate_int.h"

/* ---- android-safetynet, built on an in-process none registration ---- */

enum { SN_GOOD = 0, SN_NOT_JWS, SN_NONCE, SN_SIG };

static char *
b64_std(const uint8_t *p, size_t n)
{
	char *s = malloc(4 * ((n + 2) / 3) + 1);

	if (s != NULL && EVP_EncodeBlock((unsigned char *)s, p, (int)n) < 0) {
		free(s);
		s = NULL;
	}
	return s;
}

/* A leaf for attest.android.com with key, valid from a day before the RP's time for a year. */
static int
sn_leaf(mu_case_t *c, EVP_PKEY *key, fsim_blob_t *der)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	uint8_t serial[8];
	BIGNUM *bn = NULL;
	const fsim_ca_t *ca;
	time_t at = c->at;
	int r;

	if ((r = mu_ca(c, &ca)) != FSIM_OK ||
	    (r = fsim_env_random(&c->env, serial, sizeof(serial))) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	serial[0] &= 0x7f;
	if (x == NULL || n == NULL || (bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)"fidosim test", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"attest.android.com", -1, -1, 0) != 1 ||
	    X509_set_version(x, X509_VERSION_3) != 1 || X509_set_subject_name(x, n) != 1 ||
	    X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, &at) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), 365, 0, &at) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto fail;
	r = fsim_ca_sign_cert(ca, &c->env, x, der);
fail:
	BN_free(bn);
	X509_NAME_free(n);
	X509_free(x);
	ERR_clear_error();
	return r;
}

static int
snet(mu_case_t *c, int how)
{
	fsim_blob_t msg = { NULL, 0 }, leaf = { NULL, 0 }, sig = { NULL, 0 };
	fsim_blob_t jws = { NULL, 0 };
	const fsim_blob_t *inter;
	char *x0 = NULL, *x1 = NULL, *hs = NULL, *ps = NULL, *h64 = NULL, *p64 = NULL;
	char *nonce = NULL, *s64 = NULL, *pem = NULL;
	uint8_t h[32], raw[64];
	unsigned int hl = 0;
	EVP_PKEY *k = NULL;
	const fsim_ca_t *ca;
	json_t *hdr = NULL, *pay = NULL;
	cbor_item_t *st = NULL;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = mu_ca(c, &ca)) != FSIM_OK || (r = mu_signed_data(c, &ao, &msg)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if (EVP_Digest(msg.ptr, msg.len, h, &hl, EVP_sha256(), NULL) != 1)
		goto fail;
	if (how == SN_NONCE)
		h[0] ^= 0x01;
	if ((r = fsim_key_generate(&c->env, FSIM_COSE_ES256, &k)) != FSIM_OK ||
	    (r = sn_leaf(c, k, &leaf)) != FSIM_OK)
		goto fail;
	inter = fsim_ca_intermediate_der(ca);
	r = FSIM_ERR_NOMEM;
	if ((x0 = b64_std(leaf.ptr, leaf.len)) == NULL ||
	    (x1 = b64_std(inter->ptr, inter->len)) == NULL ||
	    (nonce = b64_std(h, sizeof(h))) == NULL)
		goto fail;
	hdr = json_pack("{s:s, s:[s, s]}", "alg", "ES256", "x5c", x0, x1);
	pay = json_pack("{s:s, s:I, s:s, s:[], s:b, s:b}", "nonce", nonce,
	    "timestampMs", (json_int_t)c->at * 1000, "apkPackageName", "com.google.android.gms",
	    "apkCertificateDigestSha256", "ctsProfileMatch", 1, "basicIntegrity", 1);
	if (hdr == NULL || pay == NULL || (hs = json_dumps(hdr, JSON_COMPACT)) == NULL ||
	    (ps = json_dumps(pay, JSON_COMPACT)) == NULL)
		goto fail;
	if ((r = fsim_b64url_encode((const uint8_t *)hs, strlen(hs), &h64)) != FSIM_OK ||
	    (r = fsim_b64url_encode((const uint8_t *)ps, strlen(ps), &p64)) != FSIM_OK ||
	    (r = fsim_blob_append(&jws, (const uint8_t *)h64, strlen(h64))) != FSIM_OK ||
	    (r = fsim_blob_append(&jws, (const uint8_t *)".", 1)) != FSIM_OK ||
	    (r = fsim_blob_append(&jws, (const uint8_t *)p64, strlen(p64))) != FSIM_OK ||
	    (r = mu_sign(c, k, FSIM_COSE_ES256, jws.ptr, jws.len, &sig)) != FSIM_OK ||
	    /* JOSE wants ES256 signatures as r || s, 32 bytes each. */
	    (r = fsim_sig_ecdsa_raw(sig.ptr, sig.len, 32, raw)) != FSIM_OK)
		goto fail;
	if (how == SN_SIG)
		raw[63] ^= 0x01;
	if ((r = fsim_b64url_encode(raw, sizeof(raw), &s64)) != FSIM_OK ||
	    (r = fsim_blob_append(&jws, (const uint8_t *)".", 1)) != FSIM_OK ||
	    (r = fsim_blob_append(&jws, (const uint8_t *)s64, strlen(s64))) != FSIM_OK)
		goto fail;
	if (how == SN_NOT_JWS) {
		fsim_blob_reset(&jws);
		if ((r = fsim_blob_set(&jws, (const uint8_t *)"not a JWS", 9)) != FSIM_OK)
			goto fail;
	}
	r = FSIM_ERR_NOMEM;
	if ((st = cbor_new_definite_map(2)) == NULL ||
	    fsim_cbor_map_put(st, fsim_cbor_text("ver"), fsim_cbor_text("14799021")) != FSIM_OK ||
	    fsim_cbor_map_put(st, fsim_cbor_text("response"),
	    fsim_cbor_bytes(jws.ptr, jws.len)) != FSIM_OK)
		goto fail;
	cbor_decref(&ao.st);
	ao.st = st;
	st = NULL;
	free(ao.fmt);
	if ((ao.fmt = fsim_strdup("android-safetynet")) == NULL ||
	    (r = mu_ao_put(c, &ao)) != FSIM_OK)
		goto fail;
	/* The RP asked for attestation and trusts the test CA (as it would Google's root). */
	snprintf(c->fmt, sizeof(c->fmt), "android-safetynet");
	c->conveyance = FSIM_CONVEY_DIRECT;
	if ((r = fsim_ca_root_pem(ca, &pem)) != FSIM_OK)
		goto fail;
	r = mu_trust_add_pem(c, pem);
fail:
	if (st != NULL)
		cbor_decref(&st);
	json_decref(hdr);
	json_decref(pay);
	free(x0);
	free(x1);
	free(hs);
	free(ps);
	free(h64);
	free(p64);
	free(nonce);
	free(s64);
	free(pem);
	EVP_PKEY_free(k);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&leaf);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&jws);
	mu_ao_reset(&ao);
	return r;
}

/* A valid android-safetynet statement (a vector unit: no vector ships one). */
int
mu_snet_make(mu_case_t *c)
{
	return snet(c, SN_GOOD);
}

/* ATT-SNET-02: response is not a compact JWS. */
int
mu_snet_not_jws(mu_case_t *c)
{
	return snet(c, SN_NOT_JWS);
}

/* ATT-SNET-03: the payload's nonce is of other data (the JWS signature holds). */
int
mu_snet_nonce(mu_case_t *c)
{
	return snet(c, SN_NONCE);
}

/* ATT-SNET-04: the JWS signature does not verify. */
int
mu_snet_sig(mu_case_t *c)
{
	return snet(c, SN_SIG);
}

/* ---- compound, built on an in-process packed registration ---- */

enum { CO_GOOD = 0, CO_ONE, CO_BAD_SUB };

static cbor_item_t *
sub_statement(const char *fmt, cbor_item_t *st)
{
	cbor_item_t *m = cbor_new_definite_map(2);

	if (m == NULL) {
		cbor_decref(&st);
		return NULL;
	}
	if (fsim_cbor_map_put(m, fsim_cbor_text("fmt"), fsim_cbor_text(fmt)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_text("attStmt"), st) != 0) {
		cbor_decref(&m);
		return NULL;
	}
	return m;
}

/*
 * [ the provider's packed statement (x5c), a packed self statement by the
 * credential key ], both over the same authData and client data hash.
 */
static int
compound(mu_case_t *c, int how)
{
	fsim_blob_t msg = { NULL, 0 }, sig = { NULL, 0 };
	cbor_item_t *self = NULL, *arr = NULL, *e;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if (c->cred_key == NULL || (r = mu_signed_data(c, &ao, &msg)) != FSIM_OK ||
	    (r = mu_sign(c, c->cred_key, c->cred_alg, msg.ptr, msg.len, &sig)) != FSIM_OK) {
		r = r != FSIM_OK ? r : FSIM_ERR_ARG;
		goto fail;
	}
	if (how == CO_BAD_SUB)
		sig.ptr[sig.len - 1] ^= 0x01;
	r = FSIM_ERR_NOMEM;
	if ((self = cbor_new_definite_map(2)) == NULL ||
	    fsim_cbor_map_put(self, fsim_cbor_text("alg"), fsim_cbor_int(c->cred_alg)) != 0 ||
	    fsim_cbor_map_put(self, fsim_cbor_text("sig"), fsim_cbor_bytes(sig.ptr, sig.len)) != 0)
		goto fail;
	if ((arr = cbor_new_definite_array(2)) == NULL ||
	    (e = sub_statement("packed", cbor_incref(ao.st))) == NULL)
		goto fail;
	if (!cbor_array_push(arr, e)) {
		cbor_decref(&e);
		goto fail;
	}
	cbor_decref(&e);
	if (how != CO_ONE) {
		e = sub_statement("packed", self);
		self = NULL;
		if (e == NULL)
			goto fail;
		if (!cbor_array_push(arr, e)) {
			cbor_decref(&e);
			goto fail;
		}
		cbor_decref(&e);
	}
	cbor_decref(&ao.st);
	ao.st = arr;
	arr = NULL;
	free(ao.fmt);
	if ((ao.fmt = fsim_strdup("compound")) == NULL || (r = mu_ao_put(c, &ao)) != FSIM_OK)
		goto fail;
	snprintf(c->fmt, sizeof(c->fmt), "compound");
	r = FSIM_OK;
fail:
	if (self != NULL)
		cbor_decref(&self);
	if (arr != NULL)
		cbor_decref(&arr);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&sig);
	mu_ao_reset(&ao);
	return r;
}

/* A valid compound statement (a vector unit: no vector ships one). */
int
mu_compound_make(mu_case_t *c)
{
	return compound(c, CO_GOOD);
}

/* ATT-COMP-01: a single statement. */
int
mu_compound_one(mu_case_t *c)
{
	return compound(c, CO_ONE);
}

/* ATT-COMP-02: the second statement's signature does not verify. */
int
mu_compound_bad_sub(mu_case_t *c)
{
	return compound(c, CO_BAD_SUB);
}
