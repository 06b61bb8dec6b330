/*
 * mutate_edit.c — the edits every mutation unit makes to its base ceremony
 * (mutate_base.c): response members, authenticator data, clientDataJSON,
 * the attestation object taken apart and put back, an assertion signed
 * again with the credential key; and the small CBOR and DER encoders the
 * units build bytes with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness/mutate_int.h"

/* ---- response edits ---- */

static json_t *
inner(const mu_case_t *c)
{
	return json_object_get(c->response, "response");
}

int
mu_get_b64(const mu_case_t *c, const char *member, fsim_blob_t *out)
{
	const char *s = json_string_value(json_object_get(inner(c), member));

	fsim_blob_reset(out);
	if (s == NULL)
		return FSIM_ERR_FORMAT;
	return fsim_b64url_decode(s, strlen(s), out, NULL, NULL);
}

int
mu_set_b64(mu_case_t *c, const char *member, const uint8_t *p, size_t n)
{
	char *s = NULL;
	int r;

	if (inner(c) == NULL)
		return FSIM_ERR_FORMAT;
	if ((r = fsim_b64url_encode(p, n, &s)) != FSIM_OK)
		return r;
	r = json_object_set_new(inner(c), member, json_string(s)) == 0 ? FSIM_OK :
	    FSIM_ERR_NOMEM;
	free(s);
	return r;
}

int
mu_set_inner(mu_case_t *c, const char *member, json_t *v)
{
	if (v == NULL)
		return FSIM_ERR_NOMEM;
	if (inner(c) == NULL) {
		json_decref(v);
		return FSIM_ERR_FORMAT;
	}
	return json_object_set_new(inner(c), member, v) == 0 ? FSIM_OK : FSIM_ERR_NOMEM;
}

const char *
mu_get_str(const mu_case_t *c, const char *member)
{
	return json_string_value(json_object_get(inner(c), member));
}

int
mu_edit_ad(mu_case_t *c, int (*fn)(fsim_blob_t *ad, const void *arg), const void *arg)
{
	fsim_blob_t ad = { NULL, 0 };
	mu_ao_t ao;
	int r;

	memset(&ao, 0, sizeof(ao));
	if (c->ceremony == FSIM_CEREMONY_REGISTRATION) {
		if ((r = mu_ao_get(c, &ao)) != FSIM_OK || (r = fn(&ao.ad, arg)) != FSIM_OK)
			goto fail;
		r = mu_ao_put(c, &ao);
	} else {
		if ((r = mu_get_b64(c, "authenticatorData", &ad)) != FSIM_OK ||
		    (r = fn(&ad, arg)) != FSIM_OK ||
		    (r = mu_set_b64(c, "authenticatorData", ad.ptr, ad.len)) != FSIM_OK)
			goto fail;
		r = mu_resign_assertion(c);
	}
fail:
	mu_ao_reset(&ao);
	fsim_blob_reset(&ad);
	return r;
}

int
mu_set_str(mu_case_t *c, const char *member, const char *v)
{
	return json_object_set_new(c->response, member, json_string(v)) == 0 ? FSIM_OK :
	    FSIM_ERR_NOMEM;
}

int
mu_set_cdj(mu_case_t *c, const uint8_t *p, size_t n)
{
	int r;

	if ((r = mu_set_b64(c, "clientDataJSON", p, n)) != FSIM_OK)
		return r;
	/* An assertion signs the client data hash: keep the signature valid. */
	return c->ceremony == FSIM_CEREMONY_AUTHENTICATION ? mu_resign_assertion(c) : FSIM_OK;
}

int
mu_edit_cdj(mu_case_t *c, int (*fn)(json_t *cd, const void *arg), const void *arg)
{
	fsim_blob_t b = { NULL, 0 };
	json_t *cd = NULL;
	char *out = NULL;
	int r;

	if ((r = mu_get_b64(c, "clientDataJSON", &b)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_FORMAT;
	if ((cd = json_loadb((const char *)b.ptr, b.len, 0, NULL)) == NULL)
		goto fail;
	if ((r = fn(cd, arg)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((out = json_dumps(cd, JSON_COMPACT)) == NULL)
		goto fail;
	r = mu_set_cdj(c, (const uint8_t *)out, strlen(out));
fail:
	free(out);
	json_decref(cd);
	fsim_blob_reset(&b);
	return r;
}

void
mu_ao_reset(mu_ao_t *ao)
{
	free(ao->fmt);
	if (ao->st != NULL)
		cbor_decref(&ao->st);
	fsim_blob_reset(&ao->ad);
	memset(ao, 0, sizeof(*ao));
}

int
mu_ao_get(const mu_case_t *c, mu_ao_t *ao)
{
	fsim_blob_t b = { NULL, 0 };
	cbor_item_t *m = NULL, *it;
	const uint8_t *p;
	size_t n;
	int r;

	memset(ao, 0, sizeof(*ao));
	if ((r = mu_get_b64(c, "attestationObject", &b)) != FSIM_OK ||
	    (r = fsim_cbor_decode(b.ptr, b.len, &m, NULL)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_FORMAT;
	if (!cbor_isa_map(m) || (it = fsim_cbor_map_get_str(m, "fmt")) == NULL ||
	    fsim_cbor_get_text(it, &ao->fmt) != FSIM_OK ||
	    (it = fsim_cbor_map_get_str(m, "authData")) == NULL ||
	    fsim_cbor_get_bytes(it, &p, &n) != FSIM_OK ||
	    (it = fsim_cbor_map_get_str(m, "attStmt")) == NULL)
		goto fail;
	ao->st = cbor_incref(it);
	if ((r = fsim_blob_set(&ao->ad, p, n)) != FSIM_OK)
		goto fail;
	r = FSIM_OK;
fail:
	if (r != FSIM_OK)
		mu_ao_reset(ao);
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&b);
	return r;
}

int
mu_ao_put(mu_case_t *c, const mu_ao_t *ao)
{
	fsim_blob_t b = { NULL, 0 };
	int r;

	if ((r = fsim_attobj_encode(ao->fmt, ao->st, ao->ad.ptr, ao->ad.len, &b)) != FSIM_OK ||
	    (r = mu_set_attobj_raw(c, b.ptr, b.len)) != FSIM_OK)
		goto fail;
	/* The JSON copy of authData must stay equal (JSON-03). */
	if (json_object_get(inner(c), "authenticatorData") != NULL)
		r = mu_set_b64(c, "authenticatorData", ao->ad.ptr, ao->ad.len);
fail:
	fsim_blob_reset(&b);
	return r;
}

int
mu_set_attobj_raw(mu_case_t *c, const uint8_t *p, size_t n)
{
	return mu_set_b64(c, "attestationObject", p, n);
}

int
mu_sign(const mu_case_t *c, EVP_PKEY *key, int alg, const uint8_t *msg, size_t len,
    fsim_blob_t *sig)
{
	return fsim_key_sign(&c->env, key, alg, msg, len, sig);
}

int
mu_assertion_message(const mu_case_t *c, fsim_blob_t *msg)
{
	fsim_blob_t cdj = { NULL, 0 };
	unsigned int hl = 0;
	uint8_t h[32];
	int r;

	fsim_blob_reset(msg);
	if ((r = mu_get_b64(c, "authenticatorData", msg)) != FSIM_OK ||
	    (r = mu_get_b64(c, "clientDataJSON", &cdj)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if (EVP_Digest(cdj.ptr, cdj.len, h, &hl, EVP_sha256(), NULL) != 1)
		goto fail;
	r = fsim_blob_append(msg, h, sizeof(h));
fail:
	if (r != FSIM_OK)
		fsim_blob_reset(msg);
	fsim_blob_reset(&cdj);
	return r;
}

int
mu_resign_assertion(mu_case_t *c)
{
	fsim_blob_t msg = { NULL, 0 }, sig = { NULL, 0 };
	int r;

	if (c->cred_key == NULL)
		return FSIM_ERR_ARG;
	if ((r = mu_assertion_message(c, &msg)) == FSIM_OK &&
	    (r = mu_sign(c, c->cred_key, c->cred_alg, msg.ptr, msg.len, &sig)) == FSIM_OK)
		r = mu_set_b64(c, "signature", sig.ptr, sig.len);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&sig);
	return r;
}

/* ---- small encoders ---- */

int
mu_cbor_head(fsim_blob_t *b, unsigned major, uint64_t arg)
{
	uint8_t h[9];
	size_t n, i;

	if (arg < 24) {
		h[0] = (uint8_t)(major << 5 | arg);
		n = 1;
	} else {
		n = arg <= 0xff ? 1 : arg <= 0xffff ? 2 : arg <= 0xffffffffu ? 4 : 8;
		h[0] = (uint8_t)(major << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27));
		for (i = 0; i < n; i++)
			h[1 + i] = (uint8_t)(arg >> (8 * (n - 1 - i)));
		n++;
	}
	return fsim_blob_append(b, h, n);
}

int
mu_cbor_text(fsim_blob_t *b, const char *s)
{
	int r;

	if ((r = mu_cbor_head(b, 3, strlen(s))) != FSIM_OK)
		return r;
	return fsim_blob_append(b, (const uint8_t *)s, strlen(s));
}

int
mu_cbor_bytes(fsim_blob_t *b, const uint8_t *p, size_t n)
{
	int r;

	if ((r = mu_cbor_head(b, 2, n)) != FSIM_OK)
		return r;
	return fsim_blob_append(b, p, n);
}

int
mu_der(fsim_blob_t *b, const uint8_t *tag, size_t tlen, const uint8_t *v, size_t n)
{
	uint8_t h[1 + sizeof(size_t)];
	size_t hn = 0, nb = 0, i, x;
	int r;

	if (n < 0x80)
		h[hn++] = (uint8_t)n;
	else {
		for (x = n; x != 0; x >>= 8)
			nb++;
		h[hn++] = (uint8_t)(0x80 | nb);
		for (i = nb; i > 0; i--)
			h[hn++] = (uint8_t)(n >> (8 * (i - 1)));
	}
	if ((r = fsim_blob_append(b, tag, tlen)) != FSIM_OK ||
	    (r = fsim_blob_append(b, h, hn)) != FSIM_OK)
		return r;
	return n > 0 ? fsim_blob_append(b, v, n) : FSIM_OK;
}
