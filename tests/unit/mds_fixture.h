/*
 * mds_fixture.h — test MDS3 BLOBs made at run time (test_mds.c,
 * test_mds_gate.c): keys and certificates with OpenSSL (none committed), a
 * payload with jansson, signed as a compact JWS (RS256 or ES256) with an
 * x5c chain. Nothing here comes from a real BLOB.
 */
#ifndef MDS_FIXTURE_H
#define MDS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "core/fsim_core.h"

#define MX_UNUSED __attribute__((unused))
#define MX_DAY 86400
#define MX_LEGAL "Retrieval and use of this BLOB indicates acceptance of the appropriate " \
    "agreement located at https://fidoalliance.org/metadata/metadata-legal-terms/"

static MX_UNUSED EVP_PKEY *
mx_key_ec(void)
{
	return EVP_EC_gen("P-256");
}

static MX_UNUSED EVP_PKEY *
mx_key_rsa(void)
{
	return EVP_RSA_gen(2048);
}

/* A certificate for subj, signed by issuer_key (issuer NULL: self-signed), valid [nb, na]. */
static MX_UNUSED X509 *
mx_cert(const char *cn, const char *ou, EVP_PKEY *subj, X509 *issuer, EVP_PKEY *issuer_key,
    time_t nb, time_t na, bool ca, long serial)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *bc;

	if (x == NULL || n == NULL)
		abort();
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)"fidosim tests",
	    -1, -1, 0);
	if (ou != NULL)
		X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_UTF8, (const unsigned char *)ou, -1,
		    -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &nb);
	X509_time_adj_ex(X509_getm_notAfter(x), 0, 0, &na);
	X509_set_pubkey(x, subj);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	bc = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, ca ? "critical,CA:TRUE" :
	    "critical,CA:FALSE");
	X509_add_ext(x, bc, -1);
	X509_EXTENSION_free(bc);
	if (X509_sign(x, issuer_key, EVP_sha256()) <= 0)
		abort();
	return x;
}

static MX_UNUSED char *
mx_b64(const uint8_t *p, size_t n)
{
	char *s = malloc(4 * ((n + 2) / 3) + 1);

	if (s == NULL || EVP_EncodeBlock((unsigned char *)s, p, (int)n) < 0)
		abort();
	return s;
}

static MX_UNUSED char *
mx_cert_b64(X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	char *s;

	if (n <= 0)
		abort();
	s = mx_b64(der, (size_t)n);
	OPENSSL_free(der);
	return s;
}

/* Sign header.payload; ES256 as raw r || s (RFC 7518 3.4). */
static MX_UNUSED char *
mx_sign(const char *alg, const char *signing_input, EVP_PKEY *key)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t sig[1024], raw[64];
	size_t slen = sizeof(sig);
	char *out = NULL;

	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &slen, (const uint8_t *)signing_input,
	    strlen(signing_input)) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
	if (strcmp(alg, "ES256") == 0) {
		if (fsim_sig_ecdsa_raw(sig, slen, 32, raw) != 0 ||
		    fsim_b64url_encode(raw, 64, &out) != 0)
			abort();
	} else if (fsim_b64url_encode(sig, slen, &out) != 0)
		abort();
	return out;
}

/*
 * A compact JWS: header {"alg", "typ": "JWT", "x5c": [...]} with extra
 * members merged (may be NULL; "x5c": null in extra drops it), payload text
 * as given, signed by key.
 */
static MX_UNUSED char *
mx_jws(const char *alg, X509 *const *x5c, size_t n, const char *extra, const char *payload,
    EVP_PKEY *key)
{
	json_t *h = json_pack("{s:s, s:s}", "alg", alg, "typ", "JWT"), *a = json_array();
	char *htxt, *hb = NULL, *pb = NULL, *sig, *input, *out;
	size_t i;

	for (i = 0; i < n; i++) {
		char *c = mx_cert_b64(x5c[i]);

		json_array_append_new(a, json_string(c));
		free(c);
	}
	json_object_set_new(h, "x5c", a);
	if (extra != NULL) {
		json_t *e = json_loads(extra, 0, NULL);
		const char *k;
		json_t *v;

		json_object_foreach(e, k, v) {
			if (json_is_null(v))
				json_object_del(h, k);
			else
				json_object_set(h, k, v);
		}
		json_decref(e);
	}
	htxt = json_dumps(h, JSON_COMPACT);
	json_decref(h);
	if (fsim_b64url_encode((const uint8_t *)htxt, strlen(htxt), &hb) != 0 ||
	    fsim_b64url_encode((const uint8_t *)payload, strlen(payload), &pb) != 0)
		abort();
	free(htxt);
	input = malloc(strlen(hb) + strlen(pb) + 2);
	sprintf(input, "%s.%s", hb, pb);
	sig = mx_sign(alg, input, key);
	out = malloc(strlen(input) + strlen(sig) + 2);
	sprintf(out, "%s.%s", input, sig);
	free(input);
	free(hb);
	free(pb);
	free(sig);
	return out;
}

/* PEM of certificates into a new temporary file; its path (free it, unlink it). */
static MX_UNUSED char *
mx_pem_file(X509 *const *certs, size_t n)
{
	char *path = strdup("/tmp/fsim-mds-root-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	size_t i;

	if (f == NULL)
		abort();
	for (i = 0; i < n; i++)
		PEM_write_X509(f, certs[i]);
	fclose(f);
	return path;
}

/*
 * An entry for aaguid (NULL: none) with status reports given as JSON text
 * and root as its only attestation root (may be NULL).
 */
static MX_UNUSED json_t *
mx_entry(const char *aaguid, const char *desc, const char *reports, X509 *root)
{
	json_t *roots = json_array();
	json_t *st, *e;

	if (root != NULL) {
		char *c = mx_cert_b64(root);

		json_array_append_new(roots, json_string(c));
		free(c);
	}
	st = json_pack("{s:s, s:s, s:i, s:i, s:[s], s:[s], s:[s], s:[[{s:s}]], s:o}",
	    "description", desc, "protocolFamily", "fido2", "schema", 3,
	    "authenticatorVersion", 2, "attestationTypes", "basic_full",
	    "authenticationAlgorithms", "secp256r1_ecdsa_sha256_raw",
	    "keyProtection", "hardware", "userVerificationDetails",
	    "userVerificationMethod", "presence_internal", "attestationRootCertificates", roots);
	e = json_pack("{s:o, s:o, s:s}", "metadataStatement", st, "statusReports",
	    json_loads(reports, 0, NULL), "timeOfLastStatusChange", "2024-01-01");
	if (aaguid != NULL) {
		json_object_set_new(e, "aaguid", json_string(aaguid));
		json_object_set_new(st, "aaguid", json_string(aaguid));
	}
	return e;
}

/* The payload text: {legalHeader, no, nextUpdate, entries} (entries stolen). */
static MX_UNUSED char *
mx_payload(json_t *entries, long no, const char *next_update)
{
	json_t *p = json_pack("{s:s, s:i, s:s, s:o}", "legalHeader", MX_LEGAL, "no", no,
	    "nextUpdate", next_update, "entries", entries);
	char *s = json_dumps(p, JSON_COMPACT);

	json_decref(p);
	return s;
}

/* A signing chain: root -> intermediate -> leaf, each valid [nb, na]. */
typedef struct mx_chain {
	EVP_PKEY *root_key, *int_key, *leaf_key;
	X509 *root, *inter, *leaf;
	char *root_pem;   /* a temporary file holding the root */
} mx_chain_t;

static MX_UNUSED void
mx_chain_make(mx_chain_t *c, bool rsa_leaf, time_t nb, time_t na)
{
	memset(c, 0, sizeof(*c));
	c->root_key = mx_key_ec();
	c->int_key = mx_key_ec();
	c->leaf_key = rsa_leaf ? mx_key_rsa() : mx_key_ec();
	c->root = mx_cert("fidosim test MDS root", "MDS", c->root_key, NULL, c->root_key,
	    nb - 400 * MX_DAY, na + 4000 * MX_DAY, true, 1);
	c->inter = mx_cert("fidosim test MDS CA", NULL, c->int_key, c->root, c->root_key,
	    nb - 200 * MX_DAY, na + 2000 * MX_DAY, true, 2);
	c->leaf = mx_cert("mds.example.test", NULL, c->leaf_key, c->inter, c->int_key, nb, na,
	    false, 3);
	c->root_pem = mx_pem_file(&c->root, 1);
}

static MX_UNUSED void
mx_chain_free(mx_chain_t *c)
{
	EVP_PKEY_free(c->root_key);
	EVP_PKEY_free(c->int_key);
	EVP_PKEY_free(c->leaf_key);
	X509_free(c->root);
	X509_free(c->inter);
	X509_free(c->leaf);
	if (c->root_pem != NULL)
		unlink(c->root_pem);
	free(c->root_pem);
	memset(c, 0, sizeof(*c));
}

/* A BLOB signed by the chain's leaf, x5c [leaf, intermediate]. */
static MX_UNUSED char *
mx_blob(const mx_chain_t *c, const char *payload)
{
	X509 *x5c[2] = { c->leaf, c->inter };
	const char *alg = EVP_PKEY_get_base_id(c->leaf_key) == EVP_PKEY_RSA ? "RS256" : "ES256";

	return mx_jws(alg, x5c, 2, NULL, payload, c->leaf_key);
}

#endif /* !MDS_FIXTURE_H */
