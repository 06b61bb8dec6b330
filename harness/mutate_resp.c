/*
 * mutate_resp.c — the changes that break one rule of the response itself:
 * its encodings (base64url, CBOR, JSON), the collected client data, the
 * authenticator data and its credential public key, and assertion
 * signatures. Each assertion change is signed again with the credential
 * key, so the signature rule keeps holding and only the intended rule breaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness/mutate_int.h"

/* ---- encodings of the registration response ---- */

/* ENC-01: base64 padding on a base64url member. */
int
mu_enc01(mu_case_t *c)
{
	const char *s = mu_get_str(c, "clientDataJSON");
	char *p;
	size_t n;
	int r;

	if (s == NULL)
		return FSIM_ERR_FORMAT;
	n = strlen(s);
	if ((p = malloc(n + 3)) == NULL)
		return FSIM_ERR_NOMEM;
	memcpy(p, s, n);
	memcpy(p + n, "==", 3);
	r = mu_set_inner(c, "clientDataJSON", json_string(p));
	free(p);
	return r;
}

/*
 * The attestation object's three pairs written by hand, so the CBOR can be
 * wrong in ways no encoder makes: head is the map's first byte, fmt_int puts
 * an integer where fmt's text belongs, tail is appended inside the map.
 */
static int
attobj_by_hand(mu_case_t *c, uint8_t head, bool fmt_int, const uint8_t *tail, size_t tlen,
    const uint8_t *after, size_t alen)
{
	fsim_blob_t b = { NULL, 0 };
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	if ((r = fsim_blob_append(&b, &head, 1)) != FSIM_OK ||
	    (r = mu_cbor_text(&b, "fmt")) != FSIM_OK ||
	    (r = fmt_int ? mu_cbor_head(&b, 0, 1) : mu_cbor_text(&b, ao.fmt)) != FSIM_OK ||
	    (r = mu_cbor_text(&b, "attStmt")) != FSIM_OK ||
	    (r = mu_cbor_head(&b, 5, 0)) != FSIM_OK ||
	    (r = mu_cbor_text(&b, "authData")) != FSIM_OK ||
	    (r = mu_cbor_bytes(&b, ao.ad.ptr, ao.ad.len)) != FSIM_OK ||
	    (tlen > 0 && (r = fsim_blob_append(&b, tail, tlen)) != FSIM_OK) ||
	    (alen > 0 && (r = fsim_blob_append(&b, after, alen)) != FSIM_OK))
		goto fail;
	r = mu_set_attobj_raw(c, b.ptr, b.len);
fail:
	mu_ao_reset(&ao);
	fsim_blob_reset(&b);
	return r;
}

/* ENC-02: fmt is an integer. */
int
mu_enc02(mu_case_t *c)
{
	return attobj_by_hand(c, 0xa3, true, NULL, 0, NULL, 0);
}

/* ENC-03: a byte after the attestation object's map. */
int
mu_enc03(mu_case_t *c)
{
	static const uint8_t extra = 0x00;

	return attobj_by_hand(c, 0xa3, false, NULL, 0, &extra, 1);
}

/* CBOR-01: the map has an indefinite length. */
int
mu_cbor01(mu_case_t *c)
{
	static const uint8_t brk = 0xff;

	return attobj_by_hand(c, 0xbf, false, &brk, 1, NULL, 0);
}

/* CBOR-DUP: "fmt" a second time. */
int
mu_cbordup(mu_case_t *c)
{
	static const uint8_t dup[] = { 0x63, 'f', 'm', 't', 0x64, 'n', 'o', 'n', 'e' };

	return attobj_by_hand(c, 0xa4, false, dup, sizeof(dup), NULL, 0);
}

/* CBOR-KEYTYPE: a fourth pair whose key is a byte string. */
int
mu_cborkeytype(mu_case_t *c)
{
	static const uint8_t pair[] = { 0x41, 0x00, 0x00 };

	return attobj_by_hand(c, 0xa4, false, pair, sizeof(pair), NULL, 0);
}

/* REG-10: the attestation object cut short. */
int
mu_attobj_truncated(mu_case_t *c)
{
	fsim_blob_t b = { NULL, 0 };
	int r;

	if ((r = mu_get_b64(c, "attestationObject", &b)) == FSIM_OK)
		r = b.len > 5 ? mu_set_attobj_raw(c, b.ptr, b.len - 5) : FSIM_ERR_FORMAT;
	fsim_blob_reset(&b);
	return r;
}

/* ATT-01: a quote in fmt. */
int
mu_fmt_syntax(mu_case_t *c)
{
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	free(ao.fmt);
	if ((ao.fmt = fsim_strdup("none\"")) == NULL)
		r = FSIM_ERR_NOMEM;
	else
		r = mu_ao_put(c, &ao);
	mu_ao_reset(&ao);
	return r;
}

/* REG-17: an attestation statement format nobody defines. */
int
mu_fmt_unknown(mu_case_t *c)
{
	mu_ao_t ao;
	int r;

	if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
		return r;
	free(ao.fmt);
	if ((ao.fmt = fsim_strdup("x-fidosim-unknown")) == NULL)
		r = FSIM_ERR_NOMEM;
	else
		r = mu_ao_put(c, &ao);
	mu_ao_reset(&ao);
	return r;
}

/* ---- the response JSON ---- */

/* REG-01 / AUTH-01: type is not "public-key". */
int
mu_type_bad(mu_case_t *c)
{
	return mu_set_str(c, "type", "public_key");
}

/* REG-27 / AUTH-03: id and rawId name another credential (both agree). */
int
mu_rawid_other(mu_case_t *c)
{
	const char *s = json_string_value(json_object_get(c->response, "rawId"));
	fsim_blob_t b = { NULL, 0 };
	char *e = NULL;
	int r = FSIM_ERR_FORMAT;

	if (s == NULL || fsim_b64url_decode(s, strlen(s), &b, NULL, NULL) != FSIM_OK ||
	    b.len == 0)
		goto fail;
	b.ptr[0] ^= 0x01;
	if ((r = fsim_b64url_encode(b.ptr, b.len, &e)) != FSIM_OK ||
	    (r = mu_set_str(c, "id", e)) != FSIM_OK)
		goto fail;
	r = mu_set_str(c, "rawId", e);
fail:
	free(e);
	fsim_blob_reset(&b);
	return r;
}

/* AUTH-23: id is not the base64url of rawId. */
int
mu_id_not_rawid(mu_case_t *c)
{
	return mu_set_str(c, "id", "AAAA");
}

/* JSON-01: transports is a string, not an array. */
int
mu_json_transports(mu_case_t *c)
{
	return mu_set_inner(c, "transports", json_string("usb"));
}

/* JSON-03: publicKeyAlgorithm says RS256 for an ES256 key. */
int
mu_json_alg_copy(mu_case_t *c)
{
	return mu_set_inner(c, "publicKeyAlgorithm", json_integer(FSIM_COSE_RS256));
}

/* JSON-04: a PRF output that is a number, not base64url. */
int
mu_json_ext_buffer(mu_case_t *c)
{
	json_t *e = json_pack("{s:{s:{s:i}}}", "prf", "results", "first", 7);

	if (e == NULL)
		return FSIM_ERR_NOMEM;
	return json_object_set_new(c->response, "clientExtensionResults", e) == 0 ?
	    FSIM_OK : FSIM_ERR_NOMEM;
}

/* JSON-02: userHandle is a number. */
int
mu_json_user_handle(mu_case_t *c)
{
	return mu_set_inner(c, "userHandle", json_integer(5));
}

/* ---- client data ---- */

static int
set_member(json_t *cd, const void *arg)
{
	const json_t *kv = arg;   /* {"member": value, ...} */
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)kv, k, v)
		if (json_object_set(cd, k, v) != 0)
			return FSIM_ERR_NOMEM;
	return FSIM_OK;
}

static int
edit_members(mu_case_t *c, json_t *kv)
{
	int r;

	if (kv == NULL)
		return FSIM_ERR_NOMEM;
	r = mu_edit_cdj(c, set_member, kv);
	json_decref(kv);
	return r;
}

/* ENC-05: crossOrigin is a string. */
int
mu_enc05(mu_case_t *c)
{
	return edit_members(c, json_pack("{s:s}", "crossOrigin", "no"));
}

/* REG-03 / AUTH-06: clientDataJSON is not JSON. */
int
mu_cdj_not_json(mu_case_t *c)
{
	static const char s[] = "type=webauthn; not JSON";

	return mu_set_cdj(c, (const uint8_t *)s, sizeof(s) - 1);
}

/* REG-04 / AUTH-07: the other ceremony's type. */
int
mu_cdj_type(mu_case_t *c)
{
	return edit_members(c, json_pack("{s:s}", "type",
	    c->ceremony == FSIM_CEREMONY_REGISTRATION ? "webauthn.get" : "webauthn.create"));
}

/* REG-05 / AUTH-08: another challenge than the one the RP issued. */
int
mu_cdj_challenge(mu_case_t *c)
{
	uint8_t ch[sizeof(c->challenge)];
	char *s = NULL;
	int r;

	memcpy(ch, c->challenge, c->challenge_len);
	ch[0] ^= 0x80;
	if ((r = fsim_b64url_encode(ch, c->challenge_len, &s)) != FSIM_OK)
		return r;
	r = edit_members(c, json_pack("{s:s}", "challenge", s));
	free(s);
	return r;
}

/* REG-06 / AUTH-09: an origin the RP does not expect. */
int
mu_cdj_origin(mu_case_t *c)
{
	return edit_members(c, json_pack("{s:s}", "origin", "https://evil.example"));
}

/* REG-07 / AUTH-10: made in a cross-origin iframe the RP does not expect. */
int
mu_cdj_cross_origin(mu_case_t *c)
{
	return edit_members(c, json_pack("{s:b}", "crossOrigin", 1));
}

/* REG-08 / AUTH-11: cross-origin (allowed) under a top-level origin the RP does not list. */
int
mu_cdj_top_origin(mu_case_t *c)
{
	c->allow_cross_origin = true;
	return edit_members(c, json_pack("{s:b, s:s}", "crossOrigin", 1, "topOrigin",
	    "https://top.example"));
}

/* ---- RP expectations ---- */

static int
flags_edit(fsim_blob_t *ad, const void *arg)
{
	const uint8_t *m = arg;   /* { clear, set } */

	if (ad->len < 37)
		return FSIM_ERR_FORMAT;
	ad->ptr[32] = (uint8_t)((ad->ptr[32] & ~m[0]) | m[1]);
	return FSIM_OK;
}

/* REG-13 / AUTH-14: UV clear while the RP requires user verification. */
int
mu_uv_required(mu_case_t *c)
{
	static const uint8_t m[2] = { FSIM_AD_UV, 0 };

	c->uv = FSIM_UV_REQUIRED;
	return mu_edit_ad(c, flags_edit, m);
}

/* REG-16: the RP offered EdDSA only. */
int
mu_alg_not_offered(mu_case_t *c)
{
	c->algs[0] = FSIM_COSE_EDDSA;
	c->n_algs = 1;
	return FSIM_OK;
}

/* AUTH-13: UP clear. */
int
mu_up_clear(mu_case_t *c)
{
	static const uint8_t m[2] = { FSIM_AD_UP, 0 };

	return mu_edit_ad(c, flags_edit, m);
}

/* AUTH-15: BS set on a credential registered with BE clear. */
int
mu_bs_without_be(mu_case_t *c)
{
	static const uint8_t m[2] = { FSIM_AD_BE, FSIM_AD_BS };

	return mu_edit_ad(c, flags_edit, m);
}

/* ---- authenticator data ---- */

static int
rpid_edit(fsim_blob_t *ad, const void *arg)
{
	const char *id = arg;
	unsigned int hl = 0;

	if (ad->len < 37 || EVP_Digest(id, strlen(id), ad->ptr, &hl, EVP_sha256(), NULL) != 1)
		return FSIM_ERR_INTERNAL;
	return FSIM_OK;
}

/* AUTH-12: the hash of another RP ID. */
int
mu_rpid_hash(mu_case_t *c)
{
	return mu_edit_ad(c, rpid_edit, "other.example");
}

static int
cut_edit(fsim_blob_t *ad, const void *arg)
{
	size_t n = *(const size_t *)arg;

	if (ad->len <= n)
		return FSIM_ERR_FORMAT;
	ad->len = n;
	return FSIM_OK;
}

/* AUTH-?/AD-01: shorter than rpIdHash, flags and signCount. */
int
mu_ad_short(mu_case_t *c)
{
	static const size_t n = 30;

	return mu_edit_ad(c, cut_edit, &n);
}

/* ACD-01: credentialIdLength says more bytes than follow. */
int
mu_acd_truncated(mu_case_t *c)
{
	static const size_t n = 37 + 16 + 2 + 8;

	return mu_edit_ad(c, cut_edit, &n);
}

static int
no_at_edit(fsim_blob_t *ad, const void *arg)
{
	(void)arg;
	if (ad->len < 37)
		return FSIM_ERR_FORMAT;
	ad->len = 37;
	ad->ptr[32] &= (uint8_t)~(FSIM_AD_AT | FSIM_AD_ED);
	return FSIM_OK;
}

/* REG-26: no attested credential data in a registration. */
int
mu_no_at(mu_case_t *c)
{
	return mu_edit_ad(c, no_at_edit, NULL);
}

/*
 * The credential public key's COSE map rebuilt by fn (given the decoded
 * map, it returns the new bytes), spliced into authData in its place.
 */
typedef struct key_fn {
	int (*fn)(const cbor_item_t *key, fsim_blob_t *out);
} key_fn_t;

static int
cose_edit(fsim_blob_t *ad, const void *arg)
{
	int (*fn)(const cbor_item_t *key, fsim_blob_t *out) = ((const key_fn_t *)arg)->fn;
	fsim_blob_t nk = { NULL, 0 }, out = { NULL, 0 };
	cbor_item_t *key = NULL;
	size_t off, len, used = 0;
	int r = FSIM_ERR_FORMAT;

	if (ad->len < 55 || !(ad->ptr[32] & FSIM_AD_AT))
		return FSIM_ERR_FORMAT;
	/* rpIdHash, flags, signCount, aaguid, credentialIdLength, credentialId */
	off = 37 + 16 + 2 + ((size_t)ad->ptr[53] << 8 | ad->ptr[54]);
	if (off >= ad->len)
		return FSIM_ERR_FORMAT;
	if ((r = fsim_cbor_decode_prefix(ad->ptr + off, ad->len - off, &key, &used,
	    NULL)) != FSIM_OK)
		return r;
	len = used;
	if ((r = fn(key, &nk)) != FSIM_OK ||
	    (r = fsim_blob_append(&out, ad->ptr, off)) != FSIM_OK ||
	    (r = fsim_blob_append(&out, nk.ptr, nk.len)) != FSIM_OK ||
	    (r = fsim_blob_append(&out, ad->ptr + off + len, ad->len - off - len)) != FSIM_OK)
		goto fail;
	fsim_blob_reset(ad);
	*ad = out;
	memset(&out, 0, sizeof(out));
fail:
	cbor_decref(&key);
	fsim_blob_reset(&nk);
	fsim_blob_reset(&out);
	return r;
}

/* The map without label `drop`, and with label `change`'s byte string edited by how. */
static int
rebuild_key(const cbor_item_t *key, int64_t drop, int64_t change, int how, fsim_blob_t *out)
{
	struct cbor_pair *kv = cbor_map_handle(key);
	cbor_item_t *m = cbor_new_definite_map(cbor_map_size(key));
	size_t i;
	int r = FSIM_ERR_NOMEM;

	if (m == NULL)
		return r;
	for (i = 0; i < cbor_map_size(key); i++) {
		int64_t label = 0;
		const uint8_t *p;
		size_t n;
		uint8_t buf[600];
		cbor_item_t *v;

		if (fsim_cbor_get_int(kv[i].key, &label) != FSIM_OK) {
			r = FSIM_ERR_FORMAT;
			goto fail;
		}
		if (label == drop)
			continue;
		if (label == change && fsim_cbor_get_bytes(kv[i].value, &p, &n) == FSIM_OK &&
		    n > 1 && n <= sizeof(buf)) {
			memcpy(buf, p, n);
			if (how == 0) {          /* one byte short */
				v = fsim_cbor_bytes(buf + 1, n - 1);
			} else {                 /* the last bit flipped */
				buf[n - 1] ^= 0x01;
				v = fsim_cbor_bytes(buf, n);
			}
		} else
			v = cbor_incref(kv[i].value);
		if ((r = fsim_cbor_map_put(m, cbor_incref(kv[i].key), v)) != FSIM_OK)
			goto fail;
	}
	r = fsim_cbor_encode(m, out);
fail:
	cbor_decref(&m);
	return r;
}

static int
key_no_alg(const cbor_item_t *key, fsim_blob_t *out)
{
	return rebuild_key(key, 3, 0, 0, out);
}

static int
key_short_x(const cbor_item_t *key, fsim_blob_t *out)
{
	return rebuild_key(key, 0, -2, 0, out);
}

static int
key_off_curve(const cbor_item_t *key, fsim_blob_t *out)
{
	return rebuild_key(key, 0, -3, 1, out);
}

static int
key_text(const cbor_item_t *key, fsim_blob_t *out)
{
	(void)key;
	return mu_cbor_text(out, "x");
}

/* ACD-05: the credential public key is a CBOR text string. */
int
mu_cose_not_map(mu_case_t *c)
{
	static const key_fn_t f = { key_text };

	return mu_edit_ad(c, cose_edit, &f);
}

/* COSE-01: the key has no alg (3). */
int
mu_cose_no_alg(mu_case_t *c)
{
	static const key_fn_t f = { key_no_alg };

	return mu_edit_ad(c, cose_edit, &f);
}

/* COSE-03: x is 31 bytes for P-256. */
int
mu_cose_short_x(mu_case_t *c)
{
	static const key_fn_t f = { key_short_x };

	return mu_edit_ad(c, cose_edit, &f);
}

/* COSE-04: y changed, so the point is off the curve. */
int
mu_cose_off_curve(mu_case_t *c)
{
	static const key_fn_t f = { key_off_curve };

	return mu_edit_ad(c, cose_edit, &f);
}

/* A valid assertion with an extension output the RP asked for (ED set). */
static int
ext_edit(fsim_blob_t *ad, const void *arg)
{
	fsim_blob_t m = { NULL, 0 };
	int r;

	(void)arg;
	if (ad->len != 37)
		return FSIM_ERR_FORMAT;
	ad->ptr[32] |= FSIM_AD_ED;
	if ((r = mu_cbor_head(&m, 5, 1)) == FSIM_OK &&
	    (r = mu_cbor_text(&m, "credBlob")) == FSIM_OK &&
	    (r = mu_cbor_bytes(&m, NULL, 0)) == FSIM_OK)
		r = fsim_blob_append(ad, m.ptr, m.len);
	fsim_blob_reset(&m);
	return r;
}

int
mu_with_extensions(mu_case_t *c)
{
	c->ext_requested[0] = "credBlob";
	c->n_ext_requested = 1;
	return mu_edit_ad(c, ext_edit, NULL);
}

/* ---- signatures ---- */

/* SIG-02: an ES256 credential signs over SHA-384. */
int
mu_sig_hash(mu_case_t *c)
{
	fsim_blob_t msg = { NULL, 0 };
	EVP_MD_CTX *ctx = NULL;
	uint8_t sig[160];
	size_t sl = sizeof(sig);
	int r;

	if (c->cred_key == NULL || c->cred_alg != FSIM_COSE_ES256)
		return FSIM_ERR_ARG;
	if ((r = mu_assertion_message(c, &msg)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, c->cred_key) != 1 ||
	    EVP_DigestSign(ctx, sig, &sl, msg.ptr, msg.len) != 1)
		goto fail;
	r = mu_set_b64(c, "signature", sig, sl);
fail:
	EVP_MD_CTX_free(ctx);
	fsim_blob_reset(&msg);
	return r;
}

/* SIG-03 / SIG-04: the signature one byte short of its fixed length. */
int
mu_sig_short(mu_case_t *c)
{
	fsim_blob_t s = { NULL, 0 };
	int r;

	if ((r = mu_get_b64(c, "signature", &s)) == FSIM_OK)
		r = s.len > 1 ? mu_set_b64(c, "signature", s.ptr, s.len - 1) : FSIM_ERR_FORMAT;
	fsim_blob_reset(&s);
	return r;
}
