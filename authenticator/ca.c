/*
 * ca.c — the project's own attestation CA: a P-256 root, an intermediate
 * under it, and one batch leaf per AAGUID under the intermediate (WebAuthn
 * §8.2.1 requirements for the leaf). Everything is kept in the store as
 * named blobs (PKCS#8 DER keys, DER certificates), so the same store always
 * gives the same CA and the same leaves.
 *
 * Certificates are built with OpenSSL's X509 API, but signed through
 * fsim_key_sign: OpenSSL 3.0 has no deterministic ECDSA, and a seeded
 * environment must give byte-identical certificates (RFC 6979 there).
 * X509_sign fills in both AlgorithmIdentifiers; its signature is then
 * replaced by ours over the re-encoded TBSCertificate.
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
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "authenticator/att.h"
#include "authenticator/keys.h"
#include "core/fsim_core.h"

/* id-fido-gen-ce-aaguid (WebAuthn §8.2.1). */
#define CA_OID_AAGUID "1.3.6.1.4.1.45724.1.1.4"

#define CA_BLOB_ROOT_KEY  "ca.root.key"
#define CA_BLOB_ROOT_CERT "ca.root.cert"
#define CA_BLOB_INT_KEY   "ca.int.key"
#define CA_BLOB_INT_CERT  "ca.int.cert"

/* Validity: from a day before the clock (skew) to 20 years (of 365.25 days) on. */
#define CA_DAYS_BEFORE 1
#define CA_DAYS_VALID  7305

#define CA_DEVIATIONS (FSIM_CA_CERT_CA_TRUE | FSIM_CA_CERT_MISSING_OU | \
    FSIM_CA_CERT_EXPIRED | FSIM_CA_AAGUID_MISMATCH)

/*
 * The batch leaf last loaded from the store, parsed and checked: a
 * makeCredential with packed or fido-u2f attestation needs it every time,
 * and decoding a PKCS#8 key through OpenSSL 3's decoders, parsing the
 * certificate and verifying it under the intermediate cost ten times the
 * attestation signature itself. It is used only while the store still
 * holds exactly these bytes (compared in full), so a store changed under
 * us is read again.
 */
struct ca_leaf_cache {
	uint8_t aaguid[16];
	fsim_blob_t key_der;        /* a secret: wiped when dropped */
	fsim_blob_t cert_der;
	EVP_PKEY *key;
};

struct fsim_ca {
	EVP_PKEY *root_key;
	EVP_PKEY *int_key;
	X509 *root;
	X509 *inter;
	fsim_blob_t root_der;
	fsim_blob_t int_der;
	struct ca_leaf_cache leaf;  /* key == NULL: empty */
};

static void
leaf_cache_drop(struct ca_leaf_cache *lc)
{
	EVP_PKEY_free(lc->key);
	lc->key = NULL;
	fsim_blob_reset(&lc->key_der);   /* wipes */
	fsim_blob_reset(&lc->cert_der);
	memset(lc->aaguid, 0, sizeof(lc->aaguid));
}

enum { CERT_ROOT = 0, CERT_INTERMEDIATE, CERT_LEAF };

/* What one certificate says. */
typedef struct cert_spec {
	int kind;                  /* CERT_* */
	const char *ou;            /* NULL leaves OU out */
	const char *cn;
	int from_days, to_days;    /* validity relative to the clock, in days */
	const ASN1_TIME *not_after_cap;   /* notAfter no later than this, or NULL */
	bool ca_true;              /* leaf only: the CA:TRUE deviation */
	const uint8_t *aaguid;     /* leaf only: the extension's 16 bytes */
	EVP_PKEY *subject_key;
	X509 *issuer;              /* NULL: self-signed */
	EVP_PKEY *issuer_key;
} cert_spec_t;

void
fsim_ca_free(fsim_ca_t **cp)
{
	fsim_ca_t *ca;

	if (cp == NULL || (ca = *cp) == NULL)
		return;
	EVP_PKEY_free(ca->root_key);
	EVP_PKEY_free(ca->int_key);
	X509_free(ca->root);
	X509_free(ca->inter);
	fsim_blob_reset(&ca->root_der);
	fsim_blob_reset(&ca->int_der);
	leaf_cache_drop(&ca->leaf);
	fsim_wipe(ca, sizeof(*ca));
	free(ca);
	*cp = NULL;
}

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
static int
cert_from_der(const uint8_t *p, size_t n, X509 **out)
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
set_validity(const fsim_env_t *env, X509 *x, const cert_spec_t *c)
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
add_extensions(X509 *x, const cert_spec_t *c)
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
static int
sign_cert(const fsim_env_t *env, X509 *x, EVP_PKEY *issuer_key, X509 **out,
    fsim_blob_t *der)
{
	unsigned char *tbs = NULL, *alg = NULL;
	const ASN1_BIT_STRING *osig = NULL;
	const X509_ALGOR *oalg = NULL;
	fsim_blob_t sig = { 0 }, d = { 0 };
	int tlen, alen, r = FSIM_ERR_INTERNAL;
	X509 *nx = NULL;

	if (X509_sign(x, issuer_key, EVP_sha256()) <= 0)
		goto fail;
	X509_get0_signature(&osig, &oalg, x);
	if (oalg == NULL || (tlen = i2d_re_X509_tbs(x, &tbs)) <= 0 ||
	    (alen = i2d_X509_ALGOR(oalg, &alg)) <= 0)
		goto fail;
	if ((r = fsim_key_sign(env, issuer_key, FSIM_COSE_ES256, tbs, (size_t)tlen,
	    &sig)) != 0)
		goto fail;
	if ((r = der_certificate(tbs, (size_t)tlen, alg, (size_t)alen, sig.ptr, sig.len,
	    &d)) != 0)
		goto fail;
	if ((r = cert_from_der(d.ptr, d.len, &nx)) != 0) {
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
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

static int
make_cert(const fsim_env_t *env, const cert_spec_t *c, X509 **out, fsim_blob_t *der)
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
	    (r = sign_cert(env, x, c->issuer_key, out, der)) != 0)
		goto fail;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	X509_NAME_free(subj);
	X509_free(x);
	return r;
}

/* ---- the store ---- */

static int
put_key(fsim_store_t *s, const char *name, EVP_PKEY *key)
{
	fsim_blob_t der = { 0 };
	int r;

	if ((r = fsim_key_to_der(key, &der)) == 0)
		r = fsim_store_set_blob(s, name, der.ptr, der.len);
	fsim_blob_reset(&der);
	return r;
}

/*
 * A key and its certificate from the store: both present and matching, else
 * FSIM_ERR_FORMAT; both absent is FSIM_ERR_NOT_FOUND.
 */
static int
get_pair(const fsim_store_t *s, const char *kname, const char *cname, EVP_PKEY **key,
    X509 **cert, fsim_blob_t *der)
{
	const fsim_blob_t *kb = fsim_store_get_blob(s, kname);
	const fsim_blob_t *cb = fsim_store_get_blob(s, cname);
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	fsim_blob_t d = { 0 };
	int r = FSIM_ERR_NOT_FOUND;

	if (kb == NULL && cb == NULL)
		goto fail;
	r = FSIM_ERR_FORMAT;
	if (kb == NULL || cb == NULL)
		goto fail;
	if ((r = fsim_key_from_der(kb->ptr, kb->len, &k)) != 0) {
		if (r != FSIM_ERR_NOMEM)
			r = FSIM_ERR_FORMAT;
		goto fail;
	}
	if ((r = cert_from_der(cb->ptr, cb->len, &x)) != 0)
		goto fail;
	r = FSIM_ERR_FORMAT;
	if (X509_check_private_key(x, k) != 1)
		goto fail;
	if ((r = fsim_blob_set(&d, cb->ptr, cb->len)) != 0)
		goto fail;
	*key = k;
	*cert = x;
	*der = d;
	k = NULL;
	x = NULL;
	memset(&d, 0, sizeof(d));
	r = 0;
fail:
	ERR_clear_error();
	EVP_PKEY_free(k);
	X509_free(x);
	fsim_blob_reset(&d);
	return r;
}

/* Does x carry a valid signature by issuer's key? */
static bool
signed_by(X509 *x, EVP_PKEY *issuer_key)
{
	int ok = X509_verify(x, issuer_key) == 1;

	ERR_clear_error();
	return ok;
}

static int
ca_create(fsim_store_t *s, const fsim_env_t *env, fsim_ca_t *ca)
{
	cert_spec_t c;
	int r;

	if ((r = fsim_key_generate(env, FSIM_COSE_ES256, &ca->root_key)) != 0)
		return r;
	memset(&c, 0, sizeof(c));
	c.kind = CERT_ROOT;
	c.ou = "Authenticator Attestation CA";
	c.cn = "fidosim test root CA";
	c.from_days = -CA_DAYS_BEFORE;
	c.to_days = CA_DAYS_VALID;
	c.subject_key = ca->root_key;
	c.issuer_key = ca->root_key;
	if ((r = make_cert(env, &c, &ca->root, &ca->root_der)) != 0)
		return r;

	if ((r = fsim_key_generate(env, FSIM_COSE_ES256, &ca->int_key)) != 0)
		return r;
	c.kind = CERT_INTERMEDIATE;
	c.cn = "fidosim test intermediate CA";
	c.subject_key = ca->int_key;
	c.issuer = ca->root;
	c.issuer_key = ca->root_key;
	if ((r = make_cert(env, &c, &ca->inter, &ca->int_der)) != 0)
		return r;

	if ((r = put_key(s, CA_BLOB_ROOT_KEY, ca->root_key)) != 0 ||
	    (r = fsim_store_set_blob(s, CA_BLOB_ROOT_CERT, ca->root_der.ptr,
	    ca->root_der.len)) != 0 ||
	    (r = put_key(s, CA_BLOB_INT_KEY, ca->int_key)) != 0 ||
	    (r = fsim_store_set_blob(s, CA_BLOB_INT_CERT, ca->int_der.ptr,
	    ca->int_der.len)) != 0)
		return r;
	return 0;
}

int
fsim_ca_load(fsim_store_t *s, const fsim_env_t *env, fsim_ca_t **out)
{
	fsim_ca_t *ca = NULL;
	int r = FSIM_ERR_ARG, rr, ri;

	if (out == NULL)
		return r;
	*out = NULL;
	if (s == NULL || env == NULL)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((ca = calloc(1, sizeof(*ca))) == NULL)
		goto fail;
	rr = get_pair(s, CA_BLOB_ROOT_KEY, CA_BLOB_ROOT_CERT, &ca->root_key, &ca->root,
	    &ca->root_der);
	ri = get_pair(s, CA_BLOB_INT_KEY, CA_BLOB_INT_CERT, &ca->int_key, &ca->inter,
	    &ca->int_der);
	if (rr == FSIM_ERR_NOT_FOUND && ri == FSIM_ERR_NOT_FOUND) {
		/* First use: create it (the caller saves the store). */
		if ((r = ca_create(s, env, ca)) != 0)
			goto fail;
	} else {
		/* Half a CA, or one that does not hang together, is a damaged store. */
		r = rr != 0 ? rr : ri;
		if (r == FSIM_ERR_NOT_FOUND)
			r = FSIM_ERR_FORMAT;
		if (r != 0)
			goto fail;
		r = FSIM_ERR_FORMAT;
		if (!signed_by(ca->root, ca->root_key) || !signed_by(ca->inter, ca->root_key))
			goto fail;
	}
	*out = ca;
	ca = NULL;
	r = 0;
fail:
	fsim_ca_free(&ca);
	return r;
}

int
fsim_ca_root_pem(const fsim_ca_t *ca, char **pem)
{
	BIO *bio = NULL;
	char *data = NULL, *p = NULL;
	long n;
	int r = FSIM_ERR_ARG;

	if (pem == NULL)
		return r;
	*pem = NULL;
	if (ca == NULL || ca->root == NULL)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((bio = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509(bio, ca->root) != 1)
		goto fail;
	if ((n = BIO_get_mem_data(bio, &data)) <= 0 || data == NULL)
		goto fail;
	if ((p = malloc((size_t)n + 1)) == NULL)
		goto fail;
	memcpy(p, data, (size_t)n);
	p[n] = '\0';
	*pem = p;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	BIO_free(bio);
	return r;
}

/* ---- batch leaves ---- */

static void
leaf_blob_names(const uint8_t aaguid[16], char kname[64], char cname[64])
{
	char hex[33];
	size_t i;

	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", aaguid[i]);
	snprintf(kname, 64, "ca.leaf.%s.key", hex);
	snprintf(cname, 64, "ca.leaf.%s.cert", hex);
}

/* A new leaf key and certificate for aaguid, with the deviations asked for. */
static int
make_leaf(fsim_ca_t *ca, const fsim_env_t *env, const uint8_t aaguid[16],
    unsigned deviations, EVP_PKEY **key, fsim_blob_t *der)
{
	char cn[64], as[FSIM_AAGUID_STRLEN + 1];
	uint8_t ext_aaguid[16];
	cert_spec_t c;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	fsim_blob_t d = { 0 };
	int r;

	fsim_aaguid_format(aaguid, as);
	snprintf(cn, sizeof(cn), "fidosim batch %s", as);
	memcpy(ext_aaguid, aaguid, 16);
	if (deviations & FSIM_CA_AAGUID_MISMATCH)
		ext_aaguid[15] ^= 0xff;   /* another AAGUID: the last byte flipped */

	memset(&c, 0, sizeof(c));
	c.kind = CERT_LEAF;
	c.ou = (deviations & FSIM_CA_CERT_MISSING_OU) ? NULL : "Authenticator Attestation";
	c.cn = cn;
	if (deviations & FSIM_CA_CERT_EXPIRED) {
		/* Valid for a year, ending a year before the clock. */
		c.from_days = -730;
		c.to_days = -365;
	} else {
		c.from_days = -CA_DAYS_BEFORE;
		c.to_days = CA_DAYS_VALID;
		c.not_after_cap = X509_get0_notAfter(ca->inter);
	}
	c.ca_true = (deviations & FSIM_CA_CERT_CA_TRUE) != 0;
	c.aaguid = ext_aaguid;
	c.issuer = ca->inter;
	c.issuer_key = ca->int_key;
	if ((r = fsim_key_generate(env, FSIM_COSE_ES256, &k)) != 0)
		goto fail;
	c.subject_key = k;
	if ((r = make_cert(env, &c, &x, &d)) != 0)
		goto fail;
	*key = k;
	*der = d;
	k = NULL;
	memset(&d, 0, sizeof(d));
	r = 0;
fail:
	EVP_PKEY_free(k);
	X509_free(x);
	fsim_blob_reset(&d);
	return r;
}

/*
 * The cached leaf for aaguid when the store still holds its very bytes:
 * 0 with a new reference to the key and a copy of the certificate, else
 * FSIM_ERR_NOT_FOUND (read the store), or FSIM_ERR_NOMEM.
 */
static int
leaf_cached(fsim_ca_t *ca, const fsim_store_t *s, const uint8_t aaguid[16],
    const char *kname, const char *cname, EVP_PKEY **key, fsim_blob_t *der)
{
	const struct ca_leaf_cache *lc = &ca->leaf;
	const fsim_blob_t *kb, *cb;
	int r;

	if (lc->key == NULL || memcmp(lc->aaguid, aaguid, 16) != 0 ||
	    (kb = fsim_store_get_blob(s, kname)) == NULL ||
	    (cb = fsim_store_get_blob(s, cname)) == NULL ||
	    kb->len != lc->key_der.len || cb->len != lc->cert_der.len ||
	    CRYPTO_memcmp(kb->ptr, lc->key_der.ptr, kb->len) != 0 ||
	    memcmp(cb->ptr, lc->cert_der.ptr, cb->len) != 0)
		return FSIM_ERR_NOT_FOUND;
	if ((r = fsim_blob_set(der, cb->ptr, cb->len)) != 0)
		return r;
	if (EVP_PKEY_up_ref(lc->key) != 1) {
		fsim_blob_reset(der);
		return FSIM_ERR_INTERNAL;
	}
	*key = lc->key;
	return 0;
}

/* Keep the leaf just read (and checked) or made, with the bytes the store now holds. */
static int
leaf_remember(fsim_ca_t *ca, const fsim_store_t *s, const uint8_t aaguid[16],
    const char *kname, const char *cname, EVP_PKEY *key)
{
	struct ca_leaf_cache *lc = &ca->leaf;
	const fsim_blob_t *kb = fsim_store_get_blob(s, kname);
	const fsim_blob_t *cb = fsim_store_get_blob(s, cname);
	int r;

	leaf_cache_drop(lc);
	if (kb == NULL || cb == NULL)
		return 0;   /* nothing to compare with next time: no cache */
	if ((r = fsim_blob_set(&lc->key_der, kb->ptr, kb->len)) != 0 ||
	    (r = fsim_blob_set(&lc->cert_der, cb->ptr, cb->len)) != 0) {
		leaf_cache_drop(lc);
		return r;
	}
	if (EVP_PKEY_up_ref(key) != 1) {
		leaf_cache_drop(lc);
		return FSIM_ERR_INTERNAL;
	}
	lc->key = key;
	memcpy(lc->aaguid, aaguid, 16);
	return 0;
}

int
fsim_ca_leaf(fsim_ca_t *ca, fsim_store_t *s, const fsim_env_t *env,
    const uint8_t aaguid[16], unsigned deviations, fsim_blob_t chain[2], EVP_PKEY **key)
{
	char kname[64], cname[64];
	fsim_blob_t leaf = { 0 }, inter = { 0 };
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	int r = FSIM_ERR_ARG;

	if (key == NULL)
		return r;
	*key = NULL;
	if (ca == NULL || s == NULL || env == NULL || aaguid == NULL || chain == NULL ||
	    (deviations & ~(unsigned)CA_DEVIATIONS) != 0)
		goto fail;
	if (deviations != 0) {
		/* A deviating leaf is made fresh each time and never kept. */
		if ((r = make_leaf(ca, env, aaguid, deviations, &k, &leaf)) != 0)
			goto fail;
	} else {
		leaf_blob_names(aaguid, kname, cname);
		if ((r = leaf_cached(ca, s, aaguid, kname, cname, &k, &leaf)) == 0)
			goto chain;
		if (r != FSIM_ERR_NOT_FOUND)
			goto fail;
		r = get_pair(s, kname, cname, &k, &x, &leaf);
		if (r == 0 && !signed_by(x, ca->int_key))
			r = FSIM_ERR_FORMAT;   /* a leaf of another CA */
		if (r == FSIM_ERR_NOT_FOUND) {
			if ((r = make_leaf(ca, env, aaguid, 0, &k, &leaf)) != 0 ||
			    (r = put_key(s, kname, k)) != 0 ||
			    (r = fsim_store_set_blob(s, cname, leaf.ptr, leaf.len)) != 0)
				goto fail;
		}
		if (r != 0)
			goto fail;
		if ((r = leaf_remember(ca, s, aaguid, kname, cname, k)) != 0)
			goto fail;
	}
chain:
	if ((r = fsim_blob_set(&inter, ca->int_der.ptr, ca->int_der.len)) != 0)
		goto fail;
	chain[0] = leaf;
	chain[1] = inter;
	*key = k;
	memset(&leaf, 0, sizeof(leaf));
	memset(&inter, 0, sizeof(inter));
	k = NULL;
	r = 0;
fail:
	EVP_PKEY_free(k);
	X509_free(x);
	fsim_blob_reset(&leaf);
	fsim_blob_reset(&inter);
	return r;
}

const fsim_blob_t *
fsim_ca_intermediate_der(const fsim_ca_t *ca)
{
	return ca != NULL ? &ca->int_der : NULL;
}

int
fsim_ca_sign_cert(const fsim_ca_t *ca, const fsim_env_t *env, X509 *x, fsim_blob_t *der)
{
	X509 *nx = NULL;
	int i, r;

	if (der == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(der);
	if (ca == NULL || env == NULL || x == NULL)
		return FSIM_ERR_ARG;
	if (X509_set_issuer_name(x, X509_get_subject_name(ca->inter)) != 1) {
		ERR_clear_error();
		return FSIM_ERR_INTERNAL;
	}
	/* An authority key identifier names the old issuer: path building would refuse ours. */
	while ((i = X509_get_ext_by_NID(x, NID_authority_key_identifier, -1)) >= 0)
		X509_EXTENSION_free(X509_delete_ext(x, i));
	r = sign_cert(env, x, ca->int_key, &nx, der);
	X509_free(nx);
	return r;
}
