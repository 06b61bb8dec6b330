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
 * ca_cert.c sets both AlgorithmIdentifiers and signs the TBSCertificate.
 * A seeded environment's CA and leaves are remembered per process (seed_memo.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "authenticator/att.h"
#include "authenticator/ca_cert.h"
#include "authenticator/seed_memo.h"
#include "authenticator/keys.h"
#include "core/fsim_core.h"
#include "core/ossl_cache.h"

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
	if ((r = fsim_cacert_from_der(cb->ptr, cb->len, &x)) != 0)
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

/* Make the root and the intermediate from env's key stream. */
static int
ca_make(const fsim_env_t *env, fsim_ca_t *ca)
{
	fsim_cert_spec_t c;
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
	if ((r = fsim_cacert_make(env, &c, &ca->root, &ca->root_der)) != 0)
		return r;

	if ((r = fsim_key_generate(env, FSIM_COSE_ES256, &ca->int_key)) != 0)
		return r;
	c.kind = CERT_INTERMEDIATE;
	c.cn = "fidosim test intermediate CA";
	c.subject_key = ca->int_key;
	c.issuer = ca->root;
	c.issuer_key = ca->root_key;
	return fsim_cacert_make(env, &c, &ca->inter, &ca->int_der);
}

/*
 * A new CA, saved into the store. A seeded environment in a state that made
 * a CA before gets that one (seed_memo.h): the same bytes, without making them.
 */
static int
ca_create(fsim_store_t *s, const fsim_env_t *env, fsim_ca_t *ca)
{
	uint8_t before[FSIM_ENV_STATE_LEN];
	bool seeded = fsim_env_state(env, before) == 0;
	fsim_ca_parts_t p;
	int r;

	if (seeded && fsim_seed_memo_ca_get(env, &p)) {
		ca->root_key = p.root_key;
		ca->int_key = p.int_key;
		ca->root = p.root;
		ca->inter = p.inter;
		ca->root_der = p.root_der;
		ca->int_der = p.int_der;
	} else {
		if ((r = ca_make(env, ca)) != 0) {
			OPENSSL_cleanse(before, sizeof(before));
			return r;
		}
		if (seeded) {
			p.root_key = ca->root_key;
			p.int_key = ca->int_key;
			p.root = ca->root;
			p.inter = ca->inter;
			p.root_der = ca->root_der;
			p.int_der = ca->int_der;
			fsim_seed_memo_ca_put(env, before, &p);
		}
	}
	OPENSSL_cleanse(before, sizeof(before));
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
	fsim_cert_spec_t c;
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
	if ((r = fsim_cacert_make(env, &c, NULL, &d)) != 0)
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

/*
 * make_leaf, or the leaf a seeded environment in this very state made
 * before under the same CA, AAGUID and deviations (seed_memo.h): the same
 * bytes and key, the stream moved on as making it would have.
 */
static int
leaf_once(fsim_ca_t *ca, const fsim_env_t *env, const uint8_t aaguid[16],
    unsigned deviations, EVP_PKEY **key, fsim_blob_t *der)
{
	uint8_t before[FSIM_ENV_STATE_LEN], issuer[32];
	bool seeded = fsim_env_state(env, before) == 0 &&
	    fsim_sha256(ca->int_der.ptr, ca->int_der.len, issuer) == 0;
	int r;

	if (seeded && fsim_seed_memo_leaf_get(env, issuer, aaguid, deviations, key, der)) {
		OPENSSL_cleanse(before, sizeof(before));
		return 0;
	}
	r = make_leaf(ca, env, aaguid, deviations, key, der);
	if (r == 0 && seeded)
		fsim_seed_memo_leaf_put(env, before, issuer, aaguid, deviations, *key, der);
	OPENSSL_cleanse(before, sizeof(before));
	return r;
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
		if ((r = leaf_once(ca, env, aaguid, deviations, &k, &leaf)) != 0)
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
			if ((r = leaf_once(ca, env, aaguid, 0, &k, &leaf)) != 0 ||
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
	int i;

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
	return fsim_cacert_sign(env, x, ca->int_key, NULL, der);
}
