/*
 * ca_cert.c — one certificate of the test attestation CA (ca_cert.h): the
 * name, serial, validity and extensions (WebAuthn §8.2.1 for the batch
 * leaf), built with OpenSSL's X509 API and signed through fsim_key_sign, its
 * signature written over the TBSCertificate by hand (ca.c says why).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "authenticator/ca_cert.h"
#include "authenticator/keys.h"
#include "core/fsim_core.h"

/* id-fido-gen-ce-aaguid (WebAuthn §8.2.1). */
#define CA_OID_AAGUID "1.3.6.1.4.1.45724.1.1.4"

/* ---- DER assembly ---- */

/* Append a DER tag and definite length header for `len` content bytes. */
static int
der_header(fsim_blob_t *b, uint8_t tag, size_t len)
{
	uint8_t h[2 + sizeof(size_t)];
	size_t n = 0, i, nb = 0, v;

	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else {
		for (v = len; v != 0; v >>= 8)
			nb++;
		h[n++] = (uint8_t)(0x80 | nb);
		for (i = nb; i > 0; i--)
			h[n++] = (uint8_t)(len >> (8 * (i - 1)));
	}
	return fsim_blob_append(b, h, n);
}

/*
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
 * signatureValue BIT STRING } (RFC 5280 §4.1), from its parts.
 */
static int
der_certificate(const uint8_t *tbs, size_t tlen, const uint8_t *alg, size_t alen,
    const uint8_t *sig, size_t slen, fsim_blob_t *out)
{
	static const uint8_t unused_bits = 0;
	fsim_blob_t in = { 0 }, b = { 0 };
	int r;

	/* The contents first: the outer header needs their length. */
	if ((r = fsim_blob_append(&in, tbs, tlen)) != 0 ||
	    (r = fsim_blob_append(&in, alg, alen)) != 0 ||
	    (r = der_header(&in, 0x03, slen + 1)) != 0 ||
	    (r = fsim_blob_append(&in, &unused_bits, 1)) != 0 ||
	    (r = fsim_blob_append(&in, sig, slen)) != 0 ||
	    (r = der_header(&b, 0x30, in.len)) != 0 ||
	    (r = fsim_blob_append(&b, in.ptr, in.len)) != 0)
		goto fail;
	*out = b;
	memset(&b, 0, sizeof(b));
	r = 0;
fail:
	fsim_blob_reset(&in);
	fsim_blob_reset(&b);
	return r;
}

/* Exactly one DER certificate filling [p, p+n). */
int
fsim_cacert_from_der(const uint8_t *p, size_t n, X509 **out)
{
	const unsigned char *q = p;
	X509 *x;

	if (n == 0 || n > LONG_MAX)
		return FSIM_ERR_FORMAT;
	if ((x = d2i_X509(NULL, &q, (long)n)) == NULL) {
		ERR_clear_error();
		return FSIM_ERR_FORMAT;
	}
	if ((size_t)(q - p) != n) {
		X509_free(x);
		return FSIM_ERR_FORMAT;
	}
	*out = x;
	return 0;
}

/* ---- certificate building ---- */

static int
name_add(X509_NAME *n, const char *field, const char *v)
{
	if (v == NULL)
		return 0;
	if (X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
	    (const unsigned char *)v, -1, -1, 0) != 1)
		return FSIM_ERR_NOMEM;
	return 0;
}

/* C=AA, O=fidosim, OU=ou (unless NULL), CN=cn. */
static int
make_name(const char *ou, const char *cn, X509_NAME **out)
{
	X509_NAME *n = X509_NAME_new();
	int r = FSIM_ERR_NOMEM;

	if (n == NULL)
		goto fail;
	if ((r = name_add(n, "C", "AA")) != 0 || (r = name_add(n, "O", "fidosim")) != 0 ||
	    (r = name_add(n, "OU", ou)) != 0 || (r = name_add(n, "CN", cn)) != 0)
		goto fail;
	*out = n;
	n = NULL;
	r = 0;
fail:
	X509_NAME_free(n);
	return r;
}

/* A positive 16-byte serial number from the environment's random source. */
static int
set_serial(const fsim_env_t *env, X509 *x)
{
	uint8_t b[16];
	BIGNUM *bn = NULL;
	int r;

	if ((r = fsim_env_random(env, b, sizeof(b))) != 0)
		goto fail;
	b[0] = (uint8_t)((b[0] & 0x7f) | 0x40);   /* positive, always 16 bytes */
	r = FSIM_ERR_NOMEM;
	if ((bn = BN_bin2bn(b, (int)sizeof(b), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto fail;
	r = 0;
fail:
	BN_free(bn);
	fsim_wipe(b, sizeof(b));
	return r;
}

static int
env_time(const fsim_env_t *env, time_t *out)
{
	uint64_t now;

	if (env->now == NULL)
		return FSIM_ERR_ARG;
	now = env->now(env->ctx);
	if (now > (uint64_t)INT64_MAX / 2)
		return FSIM_ERR_ARG;
	*out = (time_t)now;
	return 0;
}

static int
set_validity(const fsim_env_t *env, X509 *x, const fsim_cert_spec_t *c)
{
	time_t now;
	int r;

	if ((r = env_time(env, &now)) != 0)
		return r;
	if (X509_time_adj_ex(X509_getm_notBefore(x), c->from_days, 0, &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), c->to_days, 0, &now) == NULL)
		return FSIM_ERR_INTERNAL;
	/* A leaf outliving its issuer only confuses path validation. */
	if (c->not_after_cap != NULL &&
	    ASN1_TIME_compare(X509_get0_notAfter(x), c->not_after_cap) > 0 &&
	    X509_set1_notAfter(x, c->not_after_cap) != 1)
		return FSIM_ERR_NOMEM;
	return 0;
}

/* An extension written the way openssl.cnf would (basic constraints, key usage, key IDs). */
static int
add_conf_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	int r = FSIM_ERR_INTERNAL;

	if (e != NULL && X509_add_ext(x, e, -1) == 1)
		r = 0;
	X509_EXTENSION_free(e);
	return r;
}

/* An extension whose extnValue is given byte for byte. */
static int
add_raw_ext(X509 *x, const char *oid, bool critical, const uint8_t *val, size_t len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e = NULL;
	int r = FSIM_ERR_NOMEM;

	if (obj == NULL || os == NULL || len > INT_MAX ||
	    ASN1_OCTET_STRING_set(os, val, (int)len) != 1 ||
	    (e = X509_EXTENSION_create_by_OBJ(NULL, obj, critical ? 1 : 0, os)) == NULL ||
	    X509_add_ext(x, e, -1) != 1)
		goto fail;
	r = 0;
fail:
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return r;
}

static int
add_extensions(X509 *x, const fsim_cert_spec_t *c)
{
	X509V3_CTX ctx;
	uint8_t av[18];
	int r;

	X509V3_set_ctx(&ctx, c->issuer != NULL ? c->issuer : x, x, NULL, NULL, 0);
	switch (c->kind) {
	case CERT_ROOT:
		if ((r = add_conf_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE")) != 0)
			return r;
		break;
	case CERT_INTERMEDIATE:
		if ((r = add_conf_ext(x, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE,pathlen:0")) != 0)
			return r;
		break;
	default:
		/* §8.2.1: basic constraints with CA false (the deviation says true). */
		if ((r = add_conf_ext(x, &ctx, NID_basic_constraints, c->ca_true ?
		    "critical,CA:TRUE" : "critical,CA:FALSE")) != 0)
			return r;
		break;
	}
	if ((r = add_conf_ext(x, &ctx, NID_key_usage, c->kind == CERT_LEAF ?
	    "critical,digitalSignature" : "critical,keyCertSign,cRLSign")) != 0 ||
	    (r = add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash")) != 0 ||
	    (r = add_conf_ext(x, &ctx, NID_authority_key_identifier, "keyid:always")) != 0)
		return r;
	if (c->kind == CERT_LEAF && c->aaguid != NULL) {
		/* §8.2.1: not critical; extnValue = OCTET STRING (16) holding the AAGUID. */
		av[0] = 0x04;
		av[1] = 0x10;
		memcpy(av + 2, c->aaguid, 16);
		if ((r = add_raw_ext(x, CA_OID_AAGUID, false, av, sizeof(av))) != 0)
			return r;
	}
	return 0;
}

/*
 * Replace OpenSSL's signature with ours over the TBSCertificate, so that a
 * deterministic environment gives deterministic certificates.
 */
int
fsim_cacert_sign(const fsim_env_t *env, X509 *x, EVP_PKEY *issuer_key, X509 **out,
    fsim_blob_t *der)
{
	unsigned char *tbs = NULL, *alg = NULL;
	const X509_ALGOR *oalg = NULL;
	X509_ALGOR *tbs_alg;
	fsim_blob_t sig = { 0 }, d = { 0 };
	int tlen, alen, r = FSIM_ERR_INTERNAL;
	X509 *nx = NULL;

	/*
	 * The issuer key is always P-256 (ecdsa-with-SHA256, no parameters). The
	 * TBSCertificate's signature field is set here, as X509_sign would set
	 * it, without X509_sign's own signature (a random one, thrown away).
	 */
	tbs_alg = (X509_ALGOR *)X509_get0_tbs_sigalg(x);
	if (tbs_alg == NULL || X509_ALGOR_set0(tbs_alg, OBJ_nid2obj(NID_ecdsa_with_SHA256),
	    V_ASN1_UNDEF, NULL) != 1)
		goto fail;
	oalg = tbs_alg;
	if ((tlen = i2d_re_X509_tbs(x, &tbs)) <= 0 ||
	    (alen = i2d_X509_ALGOR(oalg, &alg)) <= 0)
		goto fail;
	if ((r = fsim_key_sign(env, issuer_key, FSIM_COSE_ES256, tbs, (size_t)tlen,
	    &sig)) != 0)
		goto fail;
	if ((r = der_certificate(tbs, (size_t)tlen, alg, (size_t)alen, sig.ptr, sig.len,
	    &d)) != 0)
		goto fail;
	if (out != NULL && (r = fsim_cacert_from_der(d.ptr, d.len, &nx)) != 0) {
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
	if (out != NULL)
		*out = nx;
	*der = d;
	nx = NULL;
	memset(&d, 0, sizeof(d));
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	OPENSSL_free(tbs);
	OPENSSL_free(alg);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&d);
	X509_free(nx);
	return r;
}

/*
 * The subject key of x. For an EC key on a named curve the SubjectPublicKeyInfo
 * fields are set directly (id-ecPublicKey, the curve's OID, the uncompressed
 * point): the same DER as X509_set_pubkey writes, without its round trip
 * through an OSSL_ENCODER and a decoder (about two ECDSA verifications'
 * worth, per certificate). Any other key goes through X509_set_pubkey.
 */
static int
set_pubkey(X509 *x, EVP_PKEY *k)
{
	char group[64];
	unsigned char pt[1 + 2 * 66], *penc;
	size_t len = 0;
	int nid;

	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_EC ||
	    EVP_PKEY_get_group_name(k, group, sizeof(group), NULL) != 1 ||
	    (nid = OBJ_txt2nid(group)) == NID_undef ||
	    EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt,
	    sizeof(pt), &len) != 1 || len == 0 || pt[0] != 0x04 || len > INT_MAX) {
		ERR_clear_error();
		return X509_set_pubkey(x, k);
	}
	if ((penc = OPENSSL_memdup(pt, len)) == NULL)
		return 0;
	if (X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
	    V_ASN1_OBJECT, OBJ_nid2obj(nid), penc, (int)len) != 1) {
		OPENSSL_free(penc);
		return 0;
	}
	return 1;
}

int
fsim_cacert_make(const fsim_env_t *env, const fsim_cert_spec_t *c, X509 **out, fsim_blob_t *der)
{
	X509 *x = X509_new();
	X509_NAME *subj = NULL;
	int r = FSIM_ERR_NOMEM;

	if (x == NULL)
		goto fail;
	if ((r = make_name(c->ou, c->cn, &subj)) != 0)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_set_subject_name(x, subj) != 1 ||
	    X509_set_issuer_name(x, c->issuer != NULL ?
	    X509_get_subject_name(c->issuer) : subj) != 1 ||
	    set_pubkey(x, c->subject_key) != 1)
		goto fail;
	if ((r = set_serial(env, x)) != 0 || (r = set_validity(env, x, c)) != 0 ||
	    (r = add_extensions(x, c)) != 0 ||
	    (r = fsim_cacert_sign(env, x, c->issuer_key, out, der)) != 0)
		goto fail;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	X509_NAME_free(subj);
	X509_free(x);
	return r;
}
