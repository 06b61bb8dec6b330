/*
 * pin.c — authenticatorClientPIN (CTAP 2.1 §6.5): getKeyAgreement,
 * getPinUvAuthTokenUsingUvWithPermissions, getUVRetries, and the dispatch
 * of the PIN subcommands (pin_cmd.c); PIN/UV auth protocols one (§6.5.6:
 * SHA-256 of the ECDH secret, AES-256-CBC with a zero IV, HMAC-SHA-256 cut
 * to 16 bytes) and two (§6.5.7: HKDF-SHA-256, a random IV, the whole
 * HMAC-SHA-256).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "authenticator/internal.h"

#define SUB_GET_PIN_RETRIES 0x01
#define SUB_GET_KEY_AGREEMENT 0x02
#define SUB_SET_PIN 0x03
#define SUB_CHANGE_PIN 0x04
#define SUB_GET_PIN_TOKEN 0x05
#define SUB_GET_UV_TOKEN 0x06
#define SUB_GET_UV_RETRIES 0x07
#define SUB_GET_PIN_UV_TOKEN 0x09

void
fsim_pin_reset(fsim_authn_t *a)
{
	EVP_PKEY_free(a->ka_key);
	a->ka_key = NULL;
	fsim_wipe(a->token, sizeof(a->token));
	a->token_valid = false;
	a->token_perms = 0;
	free(a->token_rp_id);
	a->token_rp_id = NULL;
}

/* The key agreement key is ephemeral: it comes from the session stream (env.h). */
static int
ensure_ka_key(fsim_authn_t *a)
{
	fsim_env_t sess;

	fsim_env_session_view(a->env, &sess);
	if (a->ka_key == NULL && fsim_key_generate(&sess, FSIM_COSE_ES256, &a->ka_key) != 0)
		return FSIM_ERR_INTERNAL;
	return FSIM_OK;
}

int
fsim_pin_hmac(const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen, uint8_t out[32])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[2];
	size_t n = 0;
	int r = FSIM_ERR_INTERNAL;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (ctx != NULL && EVP_MAC_init(ctx, key, klen, params) == 1 &&
	    EVP_MAC_update(ctx, msg, mlen) == 1 && EVP_MAC_final(ctx, out, &n, 32) == 1 && n == 32)
		r = FSIM_OK;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

static int
hkdf(const uint8_t *ikm, size_t n, const char *info, uint8_t out[32])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	uint8_t salt[32] = { 0 };
	OSSL_PARAM p[5];
	int r = FSIM_ERR_INTERNAL;

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, n);
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, sizeof(salt));
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info));
	p[4] = OSSL_PARAM_construct_end();
	if (ctx != NULL && EVP_KDF_derive(ctx, out, 32, p) == 1)
		r = FSIM_OK;
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return r;
}

/* Z: the ECDH x coordinate of our key agreement key with the platform's COSE key. */
static int
ecdh_z(fsim_authn_t *a, const cbor_item_t *platform_key, uint8_t z[32])
{
	fsim_cose_key_t *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	cbor_item_t *m = NULL, *alg;
	struct cbor_pair *p;
	size_t zlen = 32, i;
	int64_t v;
	int r = FSIM_ERR_ARG;

	if (ensure_ka_key(a) != 0 || platform_key == NULL || !cbor_isa_map(platform_key))
		return FSIM_ERR_ARG;
	/* The platform's key says alg -25 (ECDH-ES+HKDF-256) on P-256 (6.5.6). */
	if ((alg = fsim_cbor_map_get_int(platform_key, 3)) == NULL ||
	    fsim_cbor_get_int(alg, &v) != 0 || v != -25)
		return FSIM_ERR_ARG;
	/* Read it as an ES256-shaped key so the COSE parser checks the point. */
	p = cbor_map_handle(platform_key);
	if ((m = cbor_new_definite_map(cbor_map_size(platform_key))) == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < cbor_map_size(platform_key); i++) {
		int64_t k;
		if (fsim_cbor_get_int(p[i].key, &k) != 0)
			goto fail;
		if ((k == 3 ? fsim_cbor_map_put(m, fsim_cbor_int(3), fsim_cbor_int(FSIM_COSE_ES256)) :
		    fsim_cbor_map_put(m, cbor_incref(p[i].key), cbor_incref(p[i].value))) != 0)
			goto fail;
	}
	if (fsim_cose_key_from_cbor(m, &pk, NULL) != 0)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, a->ka_key, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, fsim_cose_key_pkey(pk)) != 1 ||
	    EVP_PKEY_derive(ctx, z, &zlen) != 1 || zlen != 32)
		goto fail;
	r = FSIM_OK;
fail:
	EVP_PKEY_CTX_free(ctx);
	fsim_cose_key_free(&pk);
	if (m)
		cbor_decref(&m);
	return r;
}

/* Protocol 2 (6.5.7): HMAC key | AES key from HKDF over the ECDH x coordinate. */
int
fsim_pin_shared_secret(fsim_authn_t *a, const cbor_item_t *platform_key, uint8_t out[64])
{
	fsim_pin_ss_t s;
	int r;

	if ((r = fsim_pin_ss(a, platform_key, 2, &s)) == 0)
		memcpy(out, s.k, 64);
	fsim_wipe(&s, sizeof(s));
	return r;
}

int
fsim_pin_ss(fsim_authn_t *a, const cbor_item_t *platform_key, uint64_t proto, fsim_pin_ss_t *s)
{
	uint8_t z[32];
	unsigned int hl = 0;
	int r;

	memset(s, 0, sizeof(*s));
	if (proto != 1 && proto != 2)
		return FSIM_ERR_ARG;
	if ((r = ecdh_z(a, platform_key, z)) != 0)
		goto out;
	r = FSIM_ERR_INTERNAL;
	s->proto = proto;
	if (proto == 1) {
		/* 6.5.6 kdf: SHA-256(Z). */
		if (EVP_Digest(z, 32, s->k, &hl, a->sha256, NULL) != 1 || hl != 32)
			goto out;
	} else if (hkdf(z, 32, "CTAP2 HMAC key", s->k) != 0 ||
	    hkdf(z, 32, "CTAP2 AES key", s->k + 32) != 0)
		goto out;
	r = FSIM_OK;
out:
	fsim_wipe(z, sizeof(z));
	if (r != FSIM_OK)
		fsim_wipe(s, sizeof(*s));
	return r;
}

/* Protocol 1: AES-256-CBC, zero IV, no padding, under the whole shared secret. */
static int
cbc_zero_iv(bool enc, const uint8_t key[32], const uint8_t *in, size_t n, fsim_blob_t *out)
{
	static const uint8_t iv[16];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t *buf = NULL;
	int l1 = 0, l2 = 0, r = FSIM_ERR_ARG;

	if (ctx == NULL || n == 0 || n % 16 != 0 || n > 1040 || (buf = malloc(n)) == NULL)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv, enc ? 1 : 0) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_CipherUpdate(ctx, buf, &l1, in, (int)n) != 1 ||
	    EVP_CipherFinal_ex(ctx, buf + l1, &l2) != 1)
		goto fail;
	r = fsim_blob_set(out, buf, (size_t)l1 + (size_t)l2);
fail:
	EVP_CIPHER_CTX_free(ctx);
	if (buf)
		fsim_wipe(buf, n);
	free(buf);
	return r;
}

int
fsim_pin_ss_encrypt(const fsim_env_t *env, const fsim_pin_ss_t *s, const uint8_t *in, size_t n,
    fsim_blob_t *out)
{
	if (s->proto == 1)
		return cbc_zero_iv(true, s->k, in, n, out);
	return fsim_pin_encrypt(env, s->k + 32, in, n, out);
}

int
fsim_pin_ss_decrypt(const fsim_pin_ss_t *s, const uint8_t *in, size_t n, fsim_blob_t *out)
{
	if (s->proto == 1)
		return cbc_zero_iv(false, s->k, in, n, out);
	return fsim_pin_decrypt(s->k + 32, in, n, out);
}

/* verify(key, message, signature): one compares HMAC's first 16 bytes, two all 32. */
bool
fsim_pin_verify(uint64_t proto, const uint8_t *key, size_t klen, const uint8_t *msg, size_t n,
    const uint8_t *sig, size_t siglen)
{
	uint8_t mac[32];
	size_t want = proto == 1 ? 16 : 32;
	bool ok;

	if ((proto != 1 && proto != 2) || siglen != want ||
	    fsim_pin_hmac(key, klen, msg, n, mac) != 0)
		return false;
	ok = CRYPTO_memcmp(mac, sig, want) == 0;
	fsim_wipe(mac, sizeof(mac));
	return ok;
}

bool
fsim_pin_ss_verify(const fsim_pin_ss_t *s, const uint8_t *msg, size_t n, const uint8_t *sig,
    size_t siglen)
{
	/* Two authenticates with the HMAC key, one with the whole secret: both 32 bytes. */
	return fsim_pin_verify(s->proto, s->k, 32, msg, n, sig, siglen);
}

/* Protocol 2 encrypt: a random IV, then AES-256-CBC without padding: IV | ciphertext. */
int
fsim_pin_encrypt(const fsim_env_t *env, const uint8_t key[32], const uint8_t *in, size_t n,
    fsim_blob_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t *buf = NULL;
	int l1 = 0, l2 = 0, r = FSIM_ERR_INTERNAL;

	if (ctx == NULL || n % 16 != 0 || n > 1024 || (buf = malloc(16 + n + 16)) == NULL ||
	    fsim_env_session_random(env, buf, 16) != 0 ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, buf) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, buf + 16, &l1, in, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(ctx, buf + 16 + l1, &l2) != 1)
		goto fail;
	r = fsim_blob_set(out, buf, 16 + (size_t)l1 + (size_t)l2);
fail:
	EVP_CIPHER_CTX_free(ctx);
	if (buf)
		fsim_wipe(buf, 16 + n + 16);
	free(buf);
	return r;
}

int
fsim_pin_decrypt(const uint8_t key[32], const uint8_t *in, size_t n, fsim_blob_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t *buf = NULL;
	int l1 = 0, l2 = 0, r = FSIM_ERR_ARG;

	if (ctx == NULL || n < 32 || n % 16 != 0 || n > 1040 || (buf = malloc(n)) == NULL)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, in) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_DecryptUpdate(ctx, buf, &l1, in + 16, (int)(n - 16)) != 1 ||
	    EVP_DecryptFinal_ex(ctx, buf + l1, &l2) != 1)
		goto fail;
	r = fsim_blob_set(out, buf, (size_t)l1 + (size_t)l2);
fail:
	EVP_CIPHER_CTX_free(ctx);
	if (buf)
		fsim_wipe(buf, n);
	free(buf);
	return r;
}

/* COSE_Key of the key agreement key, alg -25 (ECDH-ES+HKDF-256), as 6.5.6 wants. */
static cbor_item_t *
ka_cose(fsim_authn_t *a)
{
	fsim_blob_t b = { 0 };
	cbor_item_t *m = NULL, *out = NULL;
	struct cbor_pair *p;
	size_t i;

	if (ensure_ka_key(a) != 0 || fsim_authn_cose_bytes(a, a->ka_key, FSIM_COSE_ES256, NULL, 0, &b) != 0 ||
	    fsim_cbor_decode(b.ptr, b.len, &m, NULL) != 0)
		goto out;
	if ((out = cbor_new_definite_map(cbor_map_size(m))) == NULL)
		goto out;
	p = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m); i++) {
		int64_t k;
		int rr;
		if (fsim_cbor_get_int(p[i].key, &k) != 0)
			continue;
		rr = k == 3 ? fsim_cbor_map_put(out, fsim_cbor_int(3), fsim_cbor_int(-25)) :
		    fsim_cbor_map_put(out, cbor_incref(p[i].key), cbor_incref(p[i].value));
		if (rr != 0) {
			cbor_decref(&out);
			out = NULL;
			break;
		}
	}
out:
	if (m)
		cbor_decref(&m);
	fsim_blob_reset(&b);
	return out;
}

uint8_t
fsim_pin_permissions(const fsim_authn_t *a)
{
	return (uint8_t)(FSIM_PERM_MC | FSIM_PERM_GA | (fsim_cm_available(a) ? FSIM_PERM_CM : 0));
}

uint8_t
fsim_pin_issue_token(fsim_authn_t *a, const fsim_pin_ss_t *s, uint8_t perms, char **rp_id,
    fsim_blob_t *resp)
{
	fsim_blob_t enc = { 0 };
	cbor_item_t *m = NULL;
	uint8_t st = FSIM_CTAP2_ERR_PROCESSING;

	/* A new token each time: the old one stops working (resetPinUvAuthToken). */
	if (fsim_env_session_random(a->env, a->token, sizeof(a->token)) != 0 ||
	    fsim_pin_ss_encrypt(a->env, s, a->token, sizeof(a->token), &enc) != 0)
		goto out;
	a->token_valid = true;
	a->token_perms = perms;
	free(a->token_rp_id);
	a->token_rp_id = *rp_id;
	*rp_id = NULL;
	if ((m = cbor_new_definite_map(1)) == NULL ||
	    fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_bytes(enc.ptr, enc.len)) != 0)
		goto out;
	st = fsim_resp_encode(m, resp);
	m = NULL;
out:
	if (m)
		cbor_decref(&m);
	fsim_blob_reset(&enc);
	return st;
}

static uint8_t
get_uv_token(fsim_authn_t *a, const cbor_item_t *req, uint64_t proto, fsim_blob_t *resp)
{
	const cbor_item_t *ka = fsim_cbor_map_get_int(req, 3);
	uint64_t perms = 0;
	char *rp_id = NULL;
	fsim_pin_ss_t secret;
	uint8_t st;

	memset(&secret, 0, sizeof(secret));
	if ((st = fsim_req_map(ka, true)) != 0 ||
	    (st = fsim_req_uint(fsim_cbor_map_get_int(req, 9), true, 0xff, &perms)) != 0 ||
	    (st = fsim_req_text(fsim_cbor_map_get_int(req, 10), false, &rp_id)) != 0)
		goto out;
	/* 6.5.5.7.3: permissions must be non-zero; mc/ga need an RP ID. */
	if (perms == 0 || ((perms & (FSIM_PERM_MC | FSIM_PERM_GA)) && rp_id == NULL)) {
		st = FSIM_CTAP1_ERR_INVALID_PARAMETER;
		goto out;
	}
	if (perms & ~(uint64_t)fsim_pin_permissions(a)) {
		st = FSIM_CTAP2_ERR_UNAUTHORIZED_PERMISSION;
		goto out;
	}
	if (a->cfg.uv == FSIM_UVMODE_NEVER) {
		st = FSIM_CTAP2_ERR_NOT_ALLOWED;
		goto out;
	}
	if (fsim_pin_ss(a, ka, proto, &secret) != 0) {
		st = FSIM_CTAP1_ERR_INVALID_PARAMETER;
		goto out;
	}
	if (!fsim_authn_user_verified(a)) {
		st = FSIM_CTAP2_ERR_UV_INVALID;
		goto out;
	}
	st = fsim_pin_issue_token(a, &secret, (uint8_t)perms, &rp_id, resp);
out:
	fsim_wipe(&secret, sizeof(secret));
	free(rp_id);
	return st;
}

uint8_t
fsim_ctap_client_pin(fsim_authn_t *a, const cbor_item_t *req, fsim_blob_t *resp)
{
	uint64_t proto = 0, sub = 0;
	cbor_item_t *m = NULL;
	uint8_t st;

	if ((st = fsim_req_uint(fsim_cbor_map_get_int(req, 2), true, 0xff, &sub)) != 0)
		return st;
	if (sub != SUB_GET_PIN_RETRIES && sub != SUB_GET_UV_RETRIES) {
		if ((st = fsim_req_uint(fsim_cbor_map_get_int(req, 1), true, 0xff, &proto)) != 0)
			return st;
		if (proto != 1 && proto != 2)
			return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	}
	switch (sub) {
	case SUB_GET_PIN_RETRIES:
		if ((m = cbor_new_definite_map(1)) == NULL ||
		    fsim_cbor_map_put(m, fsim_cbor_int(3), fsim_cbor_int(a->pin_supported ?
		    a->pin_retries : 8)) != 0)
			break;
		return fsim_resp_encode(m, resp);
	case SUB_GET_UV_RETRIES:
		if ((m = cbor_new_definite_map(1)) == NULL ||
		    fsim_cbor_map_put(m, fsim_cbor_int(5), fsim_cbor_int(3)) != 0)
			break;
		return fsim_resp_encode(m, resp);
	case SUB_GET_KEY_AGREEMENT:
		if ((m = cbor_new_definite_map(1)) == NULL ||
		    fsim_cbor_map_put(m, fsim_cbor_int(1), ka_cose(a)) != 0)
			break;
		return fsim_resp_encode(m, resp);
	case SUB_GET_UV_TOKEN:
		return get_uv_token(a, req, proto, resp);
	case SUB_SET_PIN:
	case SUB_CHANGE_PIN:
	case SUB_GET_PIN_TOKEN:
	case SUB_GET_PIN_UV_TOKEN:
		/* Without PIN support this authenticator verifies users itself. */
		if (!a->pin_supported)
			return FSIM_CTAP2_ERR_PIN_NOT_SET;
		return sub == SUB_SET_PIN ? fsim_pin_cmd_set(a, req, proto, resp) :
		    sub == SUB_CHANGE_PIN ? fsim_pin_cmd_change(a, req, proto, resp) :
		    fsim_pin_cmd_token(a, req, proto, sub == SUB_GET_PIN_UV_TOKEN, resp);
	default:
		return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	}
	if (m)
		cbor_decref(&m);
	return FSIM_CTAP2_ERR_PROCESSING;
}

uint8_t
fsim_pin_check_param(fsim_authn_t *a, const cbor_item_t *param, const cbor_item_t *proto,
    const uint8_t cdh[32], uint8_t perm, const char *rp_id, bool *uv)
{
	const uint8_t *p;
	size_t n;
	uint64_t pr = 0;
	uint8_t st;

	*uv = false;
	if ((st = fsim_req_bytes(param, true, 0, 64, &p, &n)) != 0)
		return st;
	/* 6.1.2 step 1: an empty pinUvAuthParam asks for a touch; then PIN_NOT_SET, or
	 * PIN_INVALID when a PIN is set. */
	if (n == 0) {
		(void)a->env->user_presence(a->env->ctx);
		return a->pin_set ? FSIM_CTAP2_ERR_PIN_INVALID : FSIM_CTAP2_ERR_PIN_NOT_SET;
	}
	if ((st = fsim_req_uint(proto, true, 0xff, &pr)) != 0)
		return st;
	if (pr != 1 && pr != 2)
		return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	if (!a->token_valid || !fsim_pin_verify(pr, a->token, sizeof(a->token), cdh, 32, p, n))
		return FSIM_CTAP2_ERR_PIN_AUTH_INVALID;
	if (!(a->token_perms & perm) ||
	    (a->token_rp_id != NULL && strcmp(a->token_rp_id, rp_id) != 0))
		return FSIM_CTAP2_ERR_PIN_AUTH_INVALID;
	*uv = true;
	return 0;
}
