/*
 * mutate_att.c — changes to attestation statements (WebAuthn §8), each
 * breaking one ATT-<FMT>-* rule and keeping every other check of the
 * statement holding: a changed certificate is re-issued under the project's
 * test CA, a changed signed structure is signed again with a key whose
 * certificate is re-issued to match. The two statements no vector covers
 * (android-safetynet, compound) are built in mutate_built.c; android-key's
 * changes are mutate_akey.c's.
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
#include "rp-sim/der.h"
#include "rp-sim/x509util.h"

/* ---- helpers ---- */

int
mu_reissue(mu_case_t *c, const uint8_t *der, size_t len,
    int (*fn)(mu_case_t *c, X509 *x, const void *arg), const void *arg, fsim_blob_t *out)
{
	const unsigned char *q = der;
	const fsim_ca_t *ca;
	X509 *x = NULL;
	int r;

	fsim_blob_reset(out);
	if ((r = mu_ca(c, &ca)) != FSIM_OK)
		return r;
	if ((x = d2i_X509(NULL, &q, (long)len)) == NULL) {
		ERR_clear_error();
		return FSIM_ERR_FORMAT;
	}
	if ((r = fn(c, x, arg)) == FSIM_OK)
		r = fsim_ca_sign_cert(ca, &c->env, x, out);
	X509_free(x);
	return r;
}

/* attStmt[key] as bytes (lent). */
static int
st_bytes(const cbor_item_t *st, const char *key, const uint8_t **p, size_t *n)
{
	const cbor_item_t *v = cbor_isa_map(st) ? fsim_cbor_map_get_str(st, key) : NULL;

	return v != NULL ? fsim_cbor_get_bytes(v, p, n) : FSIM_ERR_FORMAT;
}

/* x5c[i] (lent). */
static int
st_cert(const cbor_item_t *st, size_t i, const uint8_t **p, size_t *n)
{
	const cbor_item_t *a = cbor_isa_map(st) ? fsim_cbor_map_get_str(st, "x5c") : NULL;

	if (a == NULL || !cbor_isa_array(a) || cbor_array_size(a) <= i)
		return FSIM_ERR_FORMAT;
	return fsim_cbor_get_bytes(cbor_array_handle(a)[i], p, n);
}

/*
 * A copy of map st without key and, unless del, with key set to v (v is
 * taken; NULL, from a builder out of memory, is FSIM_ERR_NOMEM).
 */
static int
st_put(cbor_item_t **st, const char *key, cbor_item_t *v, bool del)
{
	struct cbor_pair *kv = cbor_map_handle(*st);
	size_t i, n = cbor_map_size(*st);
	cbor_item_t *m = cbor_new_definite_map(n + 1);
	char *k = NULL;
	int r = FSIM_ERR_NOMEM;

	if (m == NULL || (!del && v == NULL))
		goto fail;
	for (i = 0; i < n; i++) {
		bool same = fsim_cbor_get_text(kv[i].key, &k) == FSIM_OK && strcmp(k, key) == 0;

		free(k);
		k = NULL;
		if (same)
			continue;
		if ((r = fsim_cbor_map_put(m, cbor_incref(kv[i].key),
		    cbor_incref(kv[i].value))) != FSIM_OK)
			goto fail;
	}
	if (!del) {
		r = fsim_cbor_map_put(m, fsim_cbor_text(key), v);
		v = NULL;
		if (r != FSIM_OK)
			goto fail;
	}
	cbor_decref(st);
	*st = m;
	m = NULL;
	r = FSIM_OK;
fail:
	if (v != NULL)
		cbor_decref(&v);
	if (m != NULL)
		cbor_decref(&m);
	return r;
}

int
mu_st_set(cbor_item_t **st, const char *key, cbor_item_t *v)
{
	return st_put(st, key, v, false);
}

static int
st_del(cbor_item_t **st, const char *key)
{
	return st_put(st, key, NULL, true);
}

/* An x5c array of these DER certificates. */
static cbor_item_t *
x5c_of(const fsim_blob_t *certs, size_t n)
{
	cbor_item_t *a = cbor_new_definite_array(n), *e;
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		if ((e = fsim_cbor_bytes(certs[i].ptr, certs[i].len)) == NULL ||
		    !cbor_array_push(a, e)) {
			if (e != NULL)
				cbor_decref(&e);
			cbor_decref(&a);
			return NULL;
		}
		cbor_decref(&e);   /* the array holds its own reference */
	}
	return a;
}

/* The last byte of attStmt.sig flipped: a DER ECDSA or RSA signature stays well formed. */
int
mu_flip_sig(mu_case_t *c)
{
	uint8_t buf[1024];
	const uint8_t *p;
	size_t n;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = st_bytes(ao.st, "sig", &p, &n)) != FSIM_OK || n == 0 || n > sizeof(buf)) {
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	memcpy(buf, p, n);
	buf[n - 1] ^= 0x01;
	if ((r = mu_st_set(&ao.st, "sig", fsim_cbor_bytes(buf, n))) != FSIM_OK)
		goto fail;
	r = mu_ao_put(c, &ao);
fail:
	mu_ao_reset(&ao);
	return r;
}

/* attStmt without `key`. */
int
mu_drop_member(mu_case_t *c, const char *key)
{
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = st_del(&ao.st, key)) == FSIM_OK)
		r = mu_ao_put(c, &ao);
	mu_ao_reset(&ao);
	return r;
}

/* authData || SHA-256(clientDataJSON): what packed, android-key and apple bind. */
int
mu_signed_data(const mu_case_t *c, const mu_ao_t *ao, fsim_blob_t *out)
{
	fsim_blob_t cdj = { NULL, 0 };
	unsigned int hl = 0;
	uint8_t h[32];
	int r;

	fsim_blob_reset(out);
	if ((r = mu_get_b64(c, "clientDataJSON", &cdj)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if (EVP_Digest(cdj.ptr, cdj.len, h, &hl, EVP_sha256(), NULL) != 1)
		goto fail;
	if ((r = fsim_blob_set(out, ao->ad.ptr, ao->ad.len)) == FSIM_OK)
		r = fsim_blob_append(out, h, sizeof(h));
fail:
	fsim_blob_reset(&cdj);
	return r;
}

/* Re-issue x5c[0] (fn changes it) and make x5c that certificate alone, or with the test CA's intermediate. */
int
mu_reissue_leaf(mu_case_t *c, mu_ao_t *ao, int (*fn)(mu_case_t *c, X509 *x, const void *arg),
    const void *arg, bool with_intermediate)
{
	fsim_blob_t certs[2] = { { NULL, 0 }, { NULL, 0 } };
	const fsim_blob_t *inter;
	const uint8_t *p;
	size_t n;
	int r;

	if ((r = st_cert(ao->st, 0, &p, &n)) != FSIM_OK ||
	    (r = mu_reissue(c, p, n, fn, arg, &certs[0])) != FSIM_OK)
		goto fail;
	if (with_intermediate) {
		inter = fsim_ca_intermediate_der(c->ca);
		if ((r = fsim_blob_set(&certs[1], inter->ptr, inter->len)) != FSIM_OK)
			goto fail;
	}
	r = mu_st_set(&ao->st, "x5c", x5c_of(certs, with_intermediate ? 2 : 1));
fail:
	fsim_blob_reset(&certs[0]);
	fsim_blob_reset(&certs[1]);
	return r;
}

int
mu_set_pubkey(mu_case_t *c, X509 *x, const void *arg)
{
	(void)c;
	if (X509_set_pubkey(x, (EVP_PKEY *)(uintptr_t)arg) != 1) {
		ERR_clear_error();
		return FSIM_ERR_INTERNAL;
	}
	return FSIM_OK;
}

/* A member added to clientDataJSON: the client data checks hold, its hash changes. */
static int
add_cdj_member(json_t *cd, const void *arg)
{
	(void)arg;
	return json_object_set_new(cd, "fidosimChanged", json_true()) == 0 ? FSIM_OK :
	    FSIM_ERR_NOMEM;
}

/* ---- packed ---- */

/* ATT-PACKED-01: no alg. */
int
mu_packed_no_alg(mu_case_t *c)
{
	return mu_drop_member(c, "alg");
}

/* ATT-PACKED-02: sig does not verify with the certificate's key. */
int
mu_packed_sig(mu_case_t *c)
{
	return mu_flip_sig(c);
}

static int
set_v1(mu_case_t *c, X509 *x, const void *arg)
{
	(void)c;
	(void)arg;
	return X509_set_version(x, X509_VERSION_1) == 1 ? FSIM_OK : FSIM_ERR_INTERNAL;
}

/* ATT-PACKED-03: the attestation certificate re-issued as X.509 version 1 (same key, sig holds). */
int
mu_packed_cert_v1(mu_case_t *c)
{
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = mu_reissue_leaf(c, &ao, set_v1, NULL, true)) == FSIM_OK)
		r = mu_ao_put(c, &ao);
	mu_ao_reset(&ao);
	return r;
}

/* ---- fido-u2f ---- */

/* ATT-U2F-01: x5c carries two certificates. */
int
mu_u2f_two_certs(mu_case_t *c)
{
	fsim_blob_t certs[2] = { { NULL, 0 }, { NULL, 0 } };
	const uint8_t *p;
	size_t n;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = st_cert(ao.st, 0, &p, &n)) != FSIM_OK ||
	    (r = fsim_blob_set(&certs[0], p, n)) != FSIM_OK ||
	    (r = fsim_blob_set(&certs[1], p, n)) != FSIM_OK ||
	    (r = mu_st_set(&ao.st, "x5c", x5c_of(certs, 2))) != FSIM_OK)
		goto fail;
	r = mu_ao_put(c, &ao);
fail:
	fsim_blob_reset(&certs[0]);
	fsim_blob_reset(&certs[1]);
	mu_ao_reset(&ao);
	return r;
}

/* ATT-U2F-02: the attestation certificate re-issued for a P-384 key. */
int
mu_u2f_cert_p384(mu_case_t *c)
{
	EVP_PKEY *k = NULL;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = fsim_key_generate(&c->env, FSIM_COSE_ES384, &k)) != FSIM_OK ||
	    (r = mu_reissue_leaf(c, &ao, mu_set_pubkey, k, false)) != FSIM_OK)
		goto fail;
	r = mu_ao_put(c, &ao);
fail:
	EVP_PKEY_free(k);
	mu_ao_reset(&ao);
	return r;
}

/* Replace the credential public key in authData by `key` (COSE bytes). */
static int
splice_key(fsim_blob_t *ad, const fsim_blob_t *key)
{
	fsim_blob_t out = { NULL, 0 };
	cbor_item_t *item = NULL;
	size_t off, used = 0;
	int r;

	if (ad->len < 55 || !(ad->ptr[32] & FSIM_AD_AT))
		return FSIM_ERR_FORMAT;
	off = 55 + ((size_t)ad->ptr[53] << 8 | ad->ptr[54]);
	if (off >= ad->len)
		return FSIM_ERR_FORMAT;
	if ((r = fsim_cbor_decode_prefix(ad->ptr + off, ad->len - off, &item, &used,
	    NULL)) != FSIM_OK)
		return r;
	cbor_decref(&item);
	if ((r = fsim_blob_append(&out, ad->ptr, off)) != FSIM_OK ||
	    (r = fsim_blob_append(&out, key->ptr, key->len)) != FSIM_OK ||
	    (r = fsim_blob_append(&out, ad->ptr + off + used, ad->len - off - used)) != FSIM_OK) {
		fsim_blob_reset(&out);
		return r;
	}
	fsim_blob_reset(ad);
	*ad = out;
	return FSIM_OK;
}

/* ATT-U2F-03: the credential public key is ES384 (the JSON copies follow it). */
int
mu_u2f_cred_p384(mu_case_t *c)
{
	fsim_blob_t cose = { NULL, 0 }, spki = { NULL, 0 };
	fsim_cose_key_t *ck = NULL;
	EVP_PKEY *k = NULL;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = fsim_key_generate(&c->env, FSIM_COSE_ES384, &k)) != FSIM_OK ||
	    (r = fsim_cose_key_from_pkey(k, FSIM_COSE_ES384, &ck)) != FSIM_OK ||
	    (r = fsim_cose_key_encode(ck, &cose)) != FSIM_OK ||
	    (r = fsim_cose_key_spki(ck, &spki)) != FSIM_OK ||
	    (r = splice_key(&ao.ad, &cose)) != FSIM_OK ||
	    (r = mu_ao_put(c, &ao)) != FSIM_OK ||
	    (r = mu_set_b64(c, "publicKey", spki.ptr, spki.len)) != FSIM_OK)
		goto fail;
	r = mu_set_inner(c, "publicKeyAlgorithm", json_integer(FSIM_COSE_ES384));
fail:
	fsim_cose_key_free(&ck);
	EVP_PKEY_free(k);
	fsim_blob_reset(&cose);
	fsim_blob_reset(&spki);
	mu_ao_reset(&ao);
	return r;
}

/* ATT-U2F-04: sig does not verify. */
int
mu_u2f_sig(mu_case_t *c)
{
	return mu_flip_sig(c);
}

/* ---- tpm ---- */

/* ATT-TPM-01: ver "1.2". */
int
mu_tpm_ver(mu_case_t *c)
{
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = mu_st_set(&ao.st, "ver", fsim_cbor_text("1.2"))) == FSIM_OK)
		r = mu_ao_put(c, &ao);
	mu_ao_reset(&ao);
	return r;
}

static int
set_subject(mu_case_t *c, X509 *x, const void *arg)
{
	X509_NAME *n = X509_NAME_new();
	int r = FSIM_ERR_INTERNAL;

	(void)c;
	if (n != NULL && X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)arg, -1, -1, 0) == 1 && X509_set_subject_name(x, n) == 1)
		r = FSIM_OK;
	X509_NAME_free(n);
	ERR_clear_error();
	return r;
}

/* ATT-TPM-03: the AIK certificate re-issued with a subject (same key: sig over certInfo holds). */
int
mu_tpm_aik_subject(mu_case_t *c)
{
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = mu_reissue_leaf(c, &ao, set_subject, "fidosim AIK", false)) == FSIM_OK)
		r = mu_ao_put(c, &ao);
	mu_ao_reset(&ao);
	return r;
}

/* ATT-TPM-04: sig over certInfo does not verify. */
int
mu_tpm_sig(mu_case_t *c)
{
	return mu_flip_sig(c);
}

/* ATT-TPM-05: clientDataJSON gains a member, so certInfo's extraData no longer matches. */
int
mu_tpm_extra_data(mu_case_t *c)
{
	return mu_edit_cdj(c, add_cdj_member, NULL);
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/*
 * ATT-TPM-02: pubArea's unique point changed. certInfo's attested name
 * (nameAlg || H(pubArea)) is computed again and certInfo signed again by
 * a new AIK, whose certificate is the vector's re-issued for that key, so
 * that only the comparison of pubArea with the credential key fails.
 */
int
mu_tpm_pubarea(mu_case_t *c)
{
	uint8_t pa[1024], ci[1024], h[EVP_MAX_MD_SIZE];
	const uint8_t *p;
	size_t pn, cn, off, nl, hl;
	fsim_blob_t sig = { NULL, 0 };
	const char *md;
	EVP_PKEY *aik = NULL;
	int64_t alg = 0;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	r = FSIM_ERR_FORMAT;
	if (st_bytes(ao.st, "pubArea", &p, &pn) != FSIM_OK || pn < 4 || pn > sizeof(pa))
		goto fail;
	memcpy(pa, p, pn);
	pa[pn - 1] ^= 0x01;   /* the last byte of unique (y, or the RSA modulus) */
	if (st_bytes(ao.st, "certInfo", &p, &cn) != FSIM_OK || cn > sizeof(ci) ||
	    fsim_cbor_map_get_str(ao.st, "alg") == NULL ||
	    fsim_cbor_get_int(fsim_cbor_map_get_str(ao.st, "alg"), &alg) != FSIM_OK)
		goto fail;
	memcpy(ci, p, cn);
	/* TPMS_ATTEST: magic, type, qualifiedSigner, extraData, clockInfo, firmwareVersion, name */
	off = 6;
	if (off + 2 > cn || (off += 2 + be16(ci + off)) + 2 > cn ||
	    (off += 2 + be16(ci + off)) + 17 + 8 + 2 > cn)
		goto fail;
	off += 17 + 8;
	nl = be16(ci + off);
	off += 2;
	if (nl < 2 || off + nl > cn)
		goto fail;
	switch (be16(ci + off)) {
	case 0x000b: md = "SHA256"; break;
	case 0x000c: md = "SHA384"; break;
	case 0x000d: md = "SHA512"; break;
	default: goto fail;
	}
	if ((r = fsim_digest(md, pa, pn, NULL, 0, h, &hl)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_FORMAT;
	if (hl != nl - 2)
		goto fail;
	memcpy(ci + off + 2, h, hl);
	if ((r = fsim_key_generate(&c->env, (int)alg, &aik)) != FSIM_OK ||
	    (r = mu_sign(c, aik, (int)alg, ci, cn, &sig)) != FSIM_OK ||
	    (r = mu_reissue_leaf(c, &ao, mu_set_pubkey, aik, false)) != FSIM_OK ||
	    (r = mu_st_set(&ao.st, "pubArea", fsim_cbor_bytes(pa, pn))) != FSIM_OK ||
	    (r = mu_st_set(&ao.st, "certInfo", fsim_cbor_bytes(ci, cn))) != FSIM_OK ||
	    (r = mu_st_set(&ao.st, "sig", fsim_cbor_bytes(sig.ptr, sig.len))) != FSIM_OK)
		goto fail;
	r = mu_ao_put(c, &ao);
fail:
	EVP_PKEY_free(aik);
	fsim_blob_reset(&sig);
	mu_ao_reset(&ao);
	return r;
}

/* ---- apple ---- */

/* ATT-APPLE-01: x5c is empty. */
int
mu_apple_no_x5c(mu_case_t *c)
{
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = mu_st_set(&ao.st, "x5c", x5c_of(NULL, 0))) == FSIM_OK)
		r = mu_ao_put(c, &ao);
	mu_ao_reset(&ao);
	return r;
}

/* ATT-APPLE-02: clientDataJSON gains a member, so the nonce no longer matches. */
int
mu_apple_nonce(mu_case_t *c)
{
	return mu_edit_cdj(c, add_cdj_member, NULL);
}

/* ATT-APPLE-03: the leaf re-issued for another key. */
int
mu_apple_other_key(mu_case_t *c)
{
	EVP_PKEY *k = NULL;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = fsim_key_generate(&c->env, FSIM_COSE_ES256, &k)) != FSIM_OK ||
	    (r = mu_reissue_leaf(c, &ao, mu_set_pubkey, k, false)) != FSIM_OK)
		goto fail;
	r = mu_ao_put(c, &ao);
fail:
	EVP_PKEY_free(k);
	mu_ao_reset(&ao);
	return r;
}
