/*
 * mutate_akey.c — changes to android-key attestation statements (WebAuthn
 * §8.4), each breaking one ATT-AKEY-* rule: the statement's alg or
 * signature, a certificate for another key, and the certificate's key
 * description extension (KeyDescription, Android's attestation schema)
 * edited in DER and the certificate re-issued under the project's test CA.
 * The helpers shared with the other formats are mutate_att.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "harness/mutate_int.h"
#include "rp-sim/der.h"
#include "rp-sim/x509util.h"

/* ---- android-key ---- */

/* ATT-AKEY-01: no alg. */
int
mu_akey_no_alg(mu_case_t *c)
{
	return mu_drop_member(c, "alg");
}

/* ATT-AKEY-02: sig does not verify. */
int
mu_akey_sig(mu_case_t *c)
{
	return mu_flip_sig(c);
}

/* ATT-AKEY-03: the leaf certifies another key, which also made sig. */
int
mu_akey_other_key(mu_case_t *c)
{
	fsim_blob_t msg = { NULL, 0 }, sig = { NULL, 0 };
	EVP_PKEY *k = NULL;
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = fsim_key_generate(&c->env, FSIM_COSE_ES256, &k)) != FSIM_OK ||
	    (r = mu_signed_data(c, &ao, &msg)) != FSIM_OK ||
	    (r = mu_sign(c, k, FSIM_COSE_ES256, msg.ptr, msg.len, &sig)) != FSIM_OK ||
	    (r = mu_reissue_leaf(c, &ao, mu_set_pubkey, k, false)) != FSIM_OK ||
	    (r = mu_st_set(&ao.st, "sig", fsim_cbor_bytes(sig.ptr, sig.len))) != FSIM_OK)
		goto fail;
	r = mu_ao_put(c, &ao);
fail:
	EVP_PKEY_free(k);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&sig);
	mu_ao_reset(&ao);
	return r;
}

/* Length of the identifier octets of the DER element at p (high tag numbers too). */
static size_t
tag_len(const uint8_t *p, size_t n)
{
	size_t i = 1;

	if (n == 0)
		return 0;
	if ((p[0] & 0x1f) != 0x1f)
		return 1;
	while (i < n && (p[i] & 0x80))
		i++;
	return i < n ? i + 1 : 0;
}

enum { KD_CHALLENGE = 0, KD_ALL_APPS, KD_ORIGIN };

/* The elements of the SEQUENCE at [p, p+n): up to max, with their whole encodings. */
typedef struct der_el {
	fsim_der_t t;
	const uint8_t *start;   /* identifier octets */
	size_t whole;           /* identifier + length + contents */
} der_el_t;

static int
der_children(const uint8_t *p, size_t n, der_el_t *el, size_t max, size_t *cnt)
{
	const uint8_t *q = p;
	size_t left = n;

	*cnt = 0;
	while (left > 0) {
		if (*cnt == max)
			return FSIM_ERR_FORMAT;
		el[*cnt].start = q;
		if (fsim_der_next(&q, &left, &el[*cnt].t) != FSIM_OK)
			return FSIM_ERR_FORMAT;
		el[*cnt].whole = (size_t)(q - el[*cnt].start);
		(*cnt)++;
	}
	return FSIM_OK;
}

/* The element again, with contents v. */
static int
der_again(fsim_blob_t *b, const der_el_t *e, const uint8_t *v, size_t n)
{
	size_t tl = tag_len(e->start, e->whole);

	return tl == 0 ? FSIM_ERR_FORMAT : mu_der(b, e->start, tl, v, n);
}

/* teeEnforced (an AuthorizationList) changed as `how` asks. */
static int
edit_auth_list(const der_el_t *list, int how, fsim_blob_t *out)
{
	static const uint8_t all_apps[] = { 0xbf, 0x84, 0x58, 0x02, 0x05, 0x00 };  /* [600] NULL */
	static const uint8_t imported[] = { 0x02, 0x01, 0x02 };  /* KM_ORIGIN_IMPORTED */
	fsim_blob_t in = { NULL, 0 };
	der_el_t el[48];
	size_t n, i;
	bool added = false, changed = false;
	int r;

	if ((r = der_children(list->t.val, list->t.len, el, 48, &n)) != FSIM_OK)
		return r;
	for (i = 0; i <= n; i++) {
		if (how == KD_ALL_APPS && !added && (i == n || el[i].t.tag > 600)) {
			if ((r = fsim_blob_append(&in, all_apps, sizeof(all_apps))) != FSIM_OK)
				goto fail;
			added = true;
		}
		if (i == n)
			break;
		if (how == KD_ORIGIN && el[i].t.cls == FSIM_DER_CONTEXT && el[i].t.tag == 702) {
			r = der_again(&in, &el[i], imported, sizeof(imported));
			changed = true;
		} else
			r = fsim_blob_append(&in, el[i].start, el[i].whole);
		if (r != FSIM_OK)
			goto fail;
	}
	r = FSIM_ERR_FORMAT;
	if (how == KD_ORIGIN && !changed)
		goto fail;
	r = der_again(out, list, in.ptr, in.len);
fail:
	fsim_blob_reset(&in);
	return r;
}

/*
 * KeyDescription ::= SEQUENCE { attestationVersion, attestationSecurityLevel,
 * keymasterVersion, keymasterSecurityLevel, attestationChallenge,
 * uniqueId, softwareEnforced, teeEnforced }: rebuilt with one change.
 */
static int
edit_key_description(const uint8_t *kd, size_t len, int how, fsim_blob_t *out)
{
	fsim_blob_t in = { NULL, 0 };
	der_el_t top, el[8];
	uint8_t ch[128];
	size_t n, i, left = len;
	const uint8_t *q = kd;
	int r = FSIM_ERR_FORMAT;

	top.start = kd;
	if (fsim_der_next(&q, &left, &top.t) != FSIM_OK || left != 0)
		return FSIM_ERR_FORMAT;
	top.whole = len;
	if ((r = der_children(top.t.val, top.t.len, el, 8, &n)) != FSIM_OK || n != 8)
		return FSIM_ERR_FORMAT;
	for (i = 0; i < n; i++) {
		if (how == KD_CHALLENGE && i == 4 && el[i].t.len > 0 &&
		    el[i].t.len <= sizeof(ch)) {
			memcpy(ch, el[i].t.val, el[i].t.len);
			ch[0] ^= 0x01;
			r = der_again(&in, &el[i], ch, el[i].t.len);
		} else if (how != KD_CHALLENGE && i == 7)
			r = edit_auth_list(&el[i], how, &in);
		else
			r = fsim_blob_append(&in, el[i].start, el[i].whole);
		if (r != FSIM_OK)
			goto fail;
	}
	r = der_again(out, &top, in.ptr, in.len);
fail:
	fsim_blob_reset(&in);
	return r;
}

static int
set_key_description(mu_case_t *c, X509 *x, const void *arg)
{
	int how = *(const int *)arg;
	ASN1_OBJECT *obj = OBJ_txt2obj(FSIM_OID_ANDROID_KEY, 1);
	ASN1_OCTET_STRING *os, *nos = NULL;
	X509_EXTENSION *ext;
	fsim_blob_t kd = { NULL, 0 };
	int i, r = FSIM_ERR_FORMAT;

	(void)c;
	if (obj == NULL || (i = X509_get_ext_by_OBJ(x, obj, -1)) < 0 ||
	    (ext = X509_get_ext(x, i)) == NULL || (os = X509_EXTENSION_get_data(ext)) == NULL)
		goto fail;
	if ((r = edit_key_description(ASN1_STRING_get0_data(os), (size_t)ASN1_STRING_length(os),
	    how, &kd)) != FSIM_OK)
		goto fail;
	/* set_data copies the contents */
	r = FSIM_ERR_NOMEM;
	if ((nos = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(nos, kd.ptr, (int)kd.len) != 1 ||
	    X509_EXTENSION_set_data(ext, nos) != 1)
		goto fail;
	r = FSIM_OK;
fail:
	ASN1_OCTET_STRING_free(nos);
	ASN1_OBJECT_free(obj);
	fsim_blob_reset(&kd);
	ERR_clear_error();
	return r;
}

static int
akey_kd(mu_case_t *c, int how)
{
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = mu_reissue_leaf(c, &ao, set_key_description, &how, false)) == FSIM_OK)
		r = mu_ao_put(c, &ao);
	mu_ao_reset(&ao);
	return r;
}

/* ATT-AKEY-04: attestationChallenge is not the client data hash (same key: sig holds). */
int
mu_akey_challenge(mu_case_t *c)
{
	return akey_kd(c, KD_CHALLENGE);
}

/* ATT-AKEY-05: teeEnforced says allApplications. */
int
mu_akey_all_apps(mu_case_t *c)
{
	return akey_kd(c, KD_ALL_APPS);
}

/* ATT-AKEY-06: origin is KM_ORIGIN_IMPORTED. */
int
mu_akey_origin(mu_case_t *c)
{
	return akey_kd(c, KD_ORIGIN);
}

