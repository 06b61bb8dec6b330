/*
 * att.c — attestation statement producers (WebAuthn §8): none (§8.7),
 * packed self and packed with x5c (§8.2), fido-u2f (§8.6), with the quirks
 * that break them on purpose (another alg named, a flipped signature bit, a
 * raw r||s ECDSA signature).
 *
 * Map members are added in CTAP2 canonical order ("alg" < "sig" < "x5c":
 * same length, then bytewise), so the map is canonical however it is
 * encoded.
 */
#include <limits.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "authenticator/att.h"
#include "authenticator/authn.h"
#include "authenticator/keys.h"
#include "core/fsim_core.h"

/* Is the key EC over P-256? */
static bool
is_p256(EVP_PKEY *k)
{
	char grp[32] = "";
	bool ok;

	if (k == NULL || !EVP_PKEY_is_a(k, "EC"))
		return false;
	ok = EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, grp,
	    sizeof(grp), NULL) == 1 &&
	    (strcmp(grp, "prime256v1") == 0 || strcmp(grp, "P-256") == 0);
	ERR_clear_error();
	return ok;
}

/* The raw_ecdsa quirk: DER Ecdsa-Sig-Value to r || s, each the curve's size. */
static int
ecdsa_der_to_raw(EVP_PKEY *key, fsim_blob_t *sig)
{
	uint8_t raw[2 * 66];
	int bits = EVP_PKEY_get_bits(key);
	size_t n = bits > 0 ? ((size_t)bits + 7) / 8 : 0;

	if (n == 0 || n > 66 || fsim_sig_ecdsa_raw(sig->ptr, sig->len, n, raw) != FSIM_OK)
		return FSIM_ERR_INTERNAL;
	return fsim_blob_set(sig, raw, 2 * n) == FSIM_OK ? 0 : FSIM_ERR_INTERNAL;
}

/* Sign msg with key under alg, then commit the signature quirks asked for. */
static int
sign_with_quirks(const fsim_env_t *env, const fsim_att_input_t *in, EVP_PKEY *key,
    int alg, const uint8_t *msg, size_t mlen, fsim_blob_t *out)
{
	fsim_blob_t sig = { 0 };
	int r;

	if ((r = fsim_key_sign(env, key, alg, msg, mlen, &sig)) != 0)
		goto fail;
	/* Only ECDSA has a DER form to get wrong; other algs are left alone. */
	if (in->raw_ecdsa && EVP_PKEY_is_a(key, "EC") &&
	    (r = ecdsa_der_to_raw(key, &sig)) != 0)
		goto fail;
	if (in->bad_signature && sig.len > 0)
		sig.ptr[sig.len - 1] ^= 0x01;
	*out = sig;
	memset(&sig, 0, sizeof(sig));
	r = 0;
fail:
	fsim_blob_reset(&sig);
	return r;
}

/* authData || clientDataHash: what packed signs (§8.2). */
static int
packed_message(const fsim_att_input_t *in, fsim_blob_t *msg)
{
	int r;

	if ((r = fsim_blob_set(msg, in->auth_data, in->auth_data_len)) != 0 ||
	    (r = fsim_blob_append(msg, in->client_data_hash, 32)) != 0)
		fsim_blob_reset(msg);
	return r;
}

/* The x5c array of DER certificates. */
static int
make_x5c(const fsim_blob_t *certs, size_t n, cbor_item_t **out)
{
	cbor_item_t *a = cbor_new_definite_array(n), *b = NULL;
	size_t i;
	int r = FSIM_ERR_NOMEM;

	if (a == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((b = fsim_cbor_bytes(certs[i].ptr, certs[i].len)) == NULL ||
		    !cbor_array_push(a, b))
			goto fail;
		/* The array holds its own reference; decref only clears b when it frees. */
		cbor_decref(&b);
		b = NULL;
	}
	*out = a;
	a = NULL;
	r = 0;
fail:
	if (b != NULL)
		cbor_decref(&b);
	if (a != NULL)
		cbor_decref(&a);
	return r;
}

/* {alg, sig, x5c?} for packed; {sig, x5c} for fido-u2f (alg 0 leaves it out). */
static int
make_stmt(int alg, const fsim_blob_t *sig, const fsim_blob_t *certs, size_t ncerts,
    cbor_item_t **out)
{
	cbor_item_t *m = cbor_new_definite_map((alg != 0) + 1 + (ncerts > 0));
	cbor_item_t *x5c = NULL;
	int r = FSIM_ERR_NOMEM;

	if (m == NULL)
		goto fail;
	if (alg != 0 && (r = fsim_cbor_map_put(m, fsim_cbor_text("alg"),
	    fsim_cbor_int(alg))) != 0)
		goto fail;
	if ((r = fsim_cbor_map_put(m, fsim_cbor_text("sig"),
	    fsim_cbor_bytes(sig->ptr, sig->len))) != 0)
		goto fail;
	if (ncerts > 0) {
		if ((r = make_x5c(certs, ncerts, &x5c)) != 0)
			goto fail;
		r = fsim_cbor_map_put(m, fsim_cbor_text("x5c"), x5c);
		x5c = NULL;
		if (r != 0)
			goto fail;
	}
	*out = m;
	m = NULL;
	r = 0;
fail:
	if (m != NULL)
		cbor_decref(&m);
	return r;
}

/* §8.2 self attestation: the credential key signs, under its own alg. */
static int
make_packed_self(const fsim_env_t *env, const fsim_att_input_t *in, cbor_item_t **out)
{
	fsim_blob_t msg = { 0 }, sig = { 0 };
	int r, alg = in->cred_alg;

	if (in->cred_key == NULL)
		return FSIM_ERR_ARG;
	/* The alg-mismatch quirk names an algorithm the key is not for. */
	if (in->alg_mismatch)
		alg = in->cred_alg == FSIM_COSE_ES256 ? FSIM_COSE_RS256 : FSIM_COSE_ES256;
	if ((r = packed_message(in, &msg)) != 0 ||
	    (r = sign_with_quirks(env, in, in->cred_key, in->cred_alg, msg.ptr, msg.len,
	    &sig)) != 0 ||
	    (r = make_stmt(alg, &sig, NULL, 0, out)) != 0)
		goto fail;
	r = 0;
fail:
	fsim_blob_reset(&msg);
	fsim_blob_reset(&sig);
	return r;
}

/* §8.2 full attestation: the batch leaf signs; x5c = [leaf, intermediate]. */
static int
make_packed(fsim_ca_t *ca, fsim_store_t *s, const fsim_env_t *env,
    const fsim_att_input_t *in, cbor_item_t **out)
{
	fsim_blob_t msg = { 0 }, sig = { 0 }, chain[2] = { { 0 }, { 0 } };
	EVP_PKEY *leaf = NULL;
	int r;

	if ((r = fsim_ca_leaf(ca, s, env, in->aaguid, in->deviations, chain, &leaf)) != 0 ||
	    (r = packed_message(in, &msg)) != 0 ||
	    (r = sign_with_quirks(env, in, leaf, FSIM_COSE_ES256, msg.ptr, msg.len,
	    &sig)) != 0 ||
	    (r = make_stmt(FSIM_COSE_ES256, &sig, chain, 2, out)) != 0)
		goto fail;
	r = 0;
fail:
	EVP_PKEY_free(leaf);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	return r;
}

/*
 * §8.6 fido-u2f: the leaf signs 0x00 || rpIdHash || cdh || credentialId ||
 * 04 || x || y, as a U2F device signs its registration; x5c = [leaf].
 */
static int
make_fido_u2f(fsim_ca_t *ca, fsim_store_t *s, const fsim_env_t *env,
    const fsim_att_input_t *in, cbor_item_t **out)
{
	static const uint8_t reserved = 0x00;
	fsim_blob_t vd = { 0 }, sig = { 0 }, chain[2] = { { 0 }, { 0 } };
	uint8_t pub[65];
	size_t plen = 0;
	EVP_PKEY *leaf = NULL;
	int r = FSIM_ERR_UNSUPPORTED;

	if ((in->cred_alg != FSIM_COSE_ES256 && in->cred_alg != FSIM_COSE_ESP256) ||
	    !is_p256(in->cred_key))
		goto fail;
	if (EVP_PKEY_get_octet_string_param(in->cred_key, OSSL_PKEY_PARAM_PUB_KEY, pub,
	    sizeof(pub), &plen) != 1 || plen != sizeof(pub) || pub[0] != 0x04) {
		ERR_clear_error();
		goto fail;
	}
	if ((r = fsim_ca_leaf(ca, s, env, in->aaguid, in->deviations, chain, &leaf)) != 0)
		goto fail;
	if ((r = fsim_blob_set(&vd, &reserved, 1)) != 0 ||
	    (r = fsim_blob_append(&vd, in->rp_id_hash, 32)) != 0 ||
	    (r = fsim_blob_append(&vd, in->client_data_hash, 32)) != 0 ||
	    (r = fsim_blob_append(&vd, in->cred_id, in->cred_id_len)) != 0 ||
	    (r = fsim_blob_append(&vd, pub, sizeof(pub))) != 0)
		goto fail;
	if ((r = sign_with_quirks(env, in, leaf, FSIM_COSE_ES256, vd.ptr, vd.len,
	    &sig)) != 0 ||
	    (r = make_stmt(0, &sig, chain, 1, out)) != 0)
		goto fail;
	r = 0;
fail:
	EVP_PKEY_free(leaf);
	fsim_blob_reset(&vd);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	return r;
}

int
fsim_att_make(int format, fsim_ca_t *ca, fsim_store_t *s, const fsim_env_t *env,
    const fsim_att_input_t *in, const char **fmt, cbor_item_t **att_stmt)
{
	cbor_item_t *st = NULL;
	const char *f = NULL;
	int r = FSIM_ERR_ARG;

	if (fmt == NULL || att_stmt == NULL)
		return r;
	*fmt = NULL;
	*att_stmt = NULL;
	if (in == NULL)
		goto fail;
	if (format != FSIM_ATTFMT_NONE && (env == NULL || in->client_data_hash == NULL ||
	    (in->auth_data == NULL && in->auth_data_len > 0)))
		goto fail;
	if ((format == FSIM_ATTFMT_PACKED || format == FSIM_ATTFMT_FIDO_U2F) &&
	    (ca == NULL || s == NULL || in->aaguid == NULL))
		goto fail;
	if (format == FSIM_ATTFMT_FIDO_U2F && (in->rp_id_hash == NULL ||
	    in->cred_key == NULL || (in->cred_id == NULL && in->cred_id_len > 0)))
		goto fail;

	switch (format) {
	case FSIM_ATTFMT_NONE:
		/* §8.7: attStmt is the empty map. */
		r = FSIM_ERR_NOMEM;
		if ((st = cbor_new_definite_map(0)) == NULL)
			goto fail;
		f = "none";
		break;
	case FSIM_ATTFMT_PACKED_SELF:
		if ((r = make_packed_self(env, in, &st)) != 0)
			goto fail;
		f = "packed";
		break;
	case FSIM_ATTFMT_PACKED:
		if ((r = make_packed(ca, s, env, in, &st)) != 0)
			goto fail;
		f = "packed";
		break;
	case FSIM_ATTFMT_FIDO_U2F:
		if ((r = make_fido_u2f(ca, s, env, in, &st)) != 0)
			goto fail;
		f = "fido-u2f";
		break;
	default:
		r = FSIM_ERR_UNSUPPORTED;
		goto fail;
	}
	*fmt = f;
	*att_stmt = st;
	st = NULL;
	r = 0;
fail:
	if (st != NULL)
		cbor_decref(&st);
	return r;
}
