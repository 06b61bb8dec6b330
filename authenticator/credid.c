/*
 * credid.c — non-resident credential IDs that carry their own private key
 * (keys.h): AES-256-GCM under the store's wrapping key, bound to the RP by
 * using its rpIdHash as the additional authenticated data.
 *
 *   id        = version (0x01) | nonce (12) | ciphertext | tag (16)
 *   plaintext = alg (2, big endian, two's complement) | flags (1) |
 *               credProtect (1) | PKCS#8 DER of the private key
 *
 * An ID is at most 1023 bytes (WebAuthn §5.1.3 / CTAP 2.1 6.1: the largest
 * credential ID a client must accept), so RSA keys are never wrapped.
 * Every way an ID can fail to be ours — wrong RP, another store's key,
 * tampered or cut bytes, a format we do not write — is FSIM_ERR_NOT_FOUND,
 * so callers cannot tell them apart (nor can an RP probing with IDs).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "authenticator/keys.h"
#include "authenticator/keys_int.h"
#include "core/cose.h"

#define ID_VERSION 0x01
#define NONCE_LEN 12
#define TAG_LEN 16
#define ID_MAX 1023
#define HDR_LEN 4                                 /* alg, flags, credProtect */
#define OVERHEAD (1 + NONCE_LEN + TAG_LEN)
#define PT_MAX (ID_MAX - OVERHEAD)
#define CRED_PROTECT_MAX 3

/*
 * AES-256-GCM over in[0..len) into out (same length), AAD = rp_id_hash.
 * Encrypting writes the tag; decrypting checks it (OpenSSL compares in
 * constant time) and fails with FSIM_ERR_NOT_FOUND on a mismatch.
 */
static int
gcm(bool enc, const uint8_t key[32], const uint8_t nonce[NONCE_LEN],
    const uint8_t rp_id_hash[32], const uint8_t *in, size_t len, uint8_t *out,
    uint8_t tag[TAG_LEN])
{
	EVP_CIPHER_CTX *ctx = NULL;
	int n = 0, r = FSIM_ERR_INTERNAL;

	if (len > PT_MAX)
		return FSIM_ERR_ARG;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	/* GCM's default IV length is 12 bytes (NIST SP 800-38D §8.2.1) */
	if (EVP_CipherInit_ex2(ctx, EVP_aes_256_gcm(), key, nonce, enc ? 1 : 0,
	    NULL) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, rp_id_hash, 32) != 1 ||
	    EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1 || (size_t)n != len)
		goto fail;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, tag) != 1)
		goto fail;
	if (EVP_CipherFinal_ex(ctx, out + len, &n) != 1) {
		r = enc ? FSIM_ERR_INTERNAL : FSIM_ERR_NOT_FOUND;
		goto fail;
	}
	if (n != 0 ||
	    (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, TAG_LEN, tag) != 1))
		goto fail;
	r = 0;
fail:
	if (r != 0) {
		ERR_clear_error();
		fsim_wipe(out, len);
	}
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
fsim_credid_wrap(const fsim_env_t *env, const uint8_t wrap_key[32],
    const uint8_t rp_id_hash[32], const fsim_wrapped_t *w, fsim_blob_t *id)
{
	fsim_blob_t der = { 0 };
	uint8_t *pt = NULL, *buf = NULL;
	size_t ptlen = 0, len = 0;
	int r = FSIM_ERR_ARG;

	if (id == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(id);
	if (env == NULL || wrap_key == NULL || rp_id_hash == NULL || w == NULL ||
	    w->key == NULL || w->cred_protect > CRED_PROTECT_MAX ||
	    w->alg < INT16_MIN || w->alg > INT16_MAX)
		return FSIM_ERR_ARG;
	if (w->pub != NULL)
		r = fsim_key_ec_to_der_pt(w->key, w->pub, w->pub_len, &der);
	if (w->pub == NULL || r == FSIM_ERR_UNSUPPORTED)
		r = fsim_key_to_der(w->key, &der);
	if (r != 0)
		goto fail;
	if (der.len > PT_MAX - HDR_LEN) {
		r = FSIM_ERR_UNSUPPORTED;       /* RSA: the caller stores it instead */
		goto fail;
	}
	ptlen = HDR_LEN + der.len;
	len = OVERHEAD + ptlen;
	if ((pt = malloc(ptlen)) == NULL || (buf = malloc(len)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	pt[0] = (uint8_t)((uint16_t)(int16_t)w->alg >> 8);
	pt[1] = (uint8_t)((uint16_t)(int16_t)w->alg & 0xff);
	pt[2] = w->flags;
	pt[3] = w->cred_protect;
	memcpy(pt + HDR_LEN, der.ptr, der.len);
	buf[0] = ID_VERSION;
	if ((r = fsim_env_random(env, buf + 1, NONCE_LEN)) != 0)
		goto fail;
	if ((r = gcm(true, wrap_key, buf + 1, rp_id_hash, pt, ptlen, buf + 1 + NONCE_LEN,
	    buf + 1 + NONCE_LEN + ptlen)) != 0)
		goto fail;
	id->ptr = buf;
	id->len = len;
	buf = NULL;
	r = 0;
fail:
	if (pt != NULL) {
		fsim_wipe(pt, ptlen);
		free(pt);
	}
	free(buf);      /* nonce and ciphertext only: nothing secret */
	fsim_blob_reset(&der);
	return r;
}

int
fsim_credid_unwrap(const uint8_t wrap_key[32], const uint8_t rp_id_hash[32],
    const uint8_t *id, size_t len, fsim_wrapped_t *w)
{
	uint8_t *pt = NULL, tag[TAG_LEN];
	size_t ptlen = 0;
	EVP_PKEY *key = NULL;
	int alg, r = FSIM_ERR_NOT_FOUND;

	if (w == NULL)
		return FSIM_ERR_ARG;
	memset(w, 0, sizeof(*w));
	if (wrap_key == NULL || rp_id_hash == NULL || (id == NULL && len > 0))
		return FSIM_ERR_ARG;
	/* a version we do not write, or a length we never make */
	if (len < OVERHEAD + HDR_LEN + 1 || len > ID_MAX || id[0] != ID_VERSION)
		goto fail;
	ptlen = len - OVERHEAD;
	if ((pt = malloc(ptlen)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	memcpy(tag, id + len - TAG_LEN, TAG_LEN);
	if ((r = gcm(false, wrap_key, id + 1, rp_id_hash, id + 1 + NONCE_LEN, ptlen, pt,
	    tag)) != 0)
		goto fail;
	/* authentic, so written by us: still check what we read */
	r = FSIM_ERR_NOT_FOUND;
	alg = (int16_t)(uint16_t)((unsigned)pt[0] << 8 | pt[1]);
	if (fsim_cose_alg_name(alg) == NULL || pt[3] > CRED_PROTECT_MAX ||
	    fsim_key_from_der(pt + HDR_LEN, ptlen - HDR_LEN, &key) != 0)
		goto fail;
	w->alg = alg;
	w->flags = pt[2];
	w->cred_protect = pt[3];
	w->key = key;
	key = NULL;
	r = 0;
fail:
	if (pt != NULL) {
		fsim_wipe(pt, ptlen);
		free(pt);
	}
	EVP_PKEY_free(key);
	return r;
}

void
fsim_wrapped_reset(fsim_wrapped_t *w)
{
	if (w == NULL)
		return;
	EVP_PKEY_free(w->key);
	memset(w, 0, sizeof(*w));
}
