/*
 * pinuv.c — the platform's PIN/UV auth protocols one (CTAP 2.1 §6.5.6) and
 * two (§6.5.7): see platform/pinuv.h. OpenSSL 3 EVP throughout.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "platform/pinuv.h"

void
fsim_pinuv_reset(fsim_pinuv_t *s)
{
	if (s == NULL)
		return;
	fsim_blob_reset(&s->platform_key);
	fsim_wipe(s, sizeof(*s));
}

static int
hkdf32(const uint8_t *ikm, size_t n, const char *info, uint8_t out[32])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
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

/* The peer's COSE_Key read as an ES256-shaped key, so the COSE parser checks the point. */
static int
peer_key(const cbor_item_t *peer, fsim_cose_key_t **out)
{
	cbor_item_t *m = NULL;
	struct cbor_pair *p;
	size_t i;
	int r = FSIM_ERR_COSE;

	*out = NULL;
	if (peer == NULL || !cbor_isa_map(peer))
		return FSIM_ERR_COSE;
	if ((m = cbor_new_definite_map(cbor_map_size(peer) + 1)) == NULL)
		return FSIM_ERR_NOMEM;
	p = cbor_map_handle(peer);
	for (i = 0; i < cbor_map_size(peer); i++) {
		int64_t k;

		if (fsim_cbor_get_int(p[i].key, &k) != 0)
			goto out;
		/* §6.5.6: alg is -25 (ECDH-ES+HKDF-256); the point itself is what matters. */
		if (k == 3)
			continue;
		if (fsim_cbor_map_put(m, cbor_incref(p[i].key), cbor_incref(p[i].value)) != 0)
			goto out;
	}
	if (fsim_cbor_map_put(m, fsim_cbor_int(3), fsim_cbor_int(FSIM_COSE_ES256)) != 0)
		goto out;
	r = fsim_cose_key_from_cbor(m, out, NULL) == 0 && fsim_cose_key_kty(*out) == 2 &&
	    fsim_cose_key_crv(*out) == 1 ? FSIM_OK : FSIM_ERR_COSE;
	if (r != FSIM_OK)
		fsim_cose_key_free(out);
out:
	cbor_decref(&m);
	return r;
}

/* Our key as the COSE_Key the request carries: kty 2, alg -25, crv 1, x, y. */
static int
platform_cose(EVP_PKEY *key, fsim_blob_t *out)
{
	fsim_cose_key_t *k = NULL;
	fsim_blob_t b = { NULL, 0 };
	cbor_item_t *m = NULL, *o = NULL;
	struct cbor_pair *p;
	size_t i;
	int r;

	if ((r = fsim_cose_key_from_pkey(key, FSIM_COSE_ES256, &k)) != 0 ||
	    (r = fsim_cose_key_encode(k, &b)) != 0 ||
	    (r = fsim_cbor_decode(b.ptr, b.len, &m, NULL)) != 0)
		goto out;
	r = FSIM_ERR_NOMEM;
	if ((o = cbor_new_definite_map(cbor_map_size(m))) == NULL)
		goto out;
	p = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m); i++) {
		int64_t kk;

		if (fsim_cbor_get_int(p[i].key, &kk) != 0 ||
		    (kk == 3 ? fsim_cbor_map_put(o, fsim_cbor_int(3), fsim_cbor_int(-25)) :
		    fsim_cbor_map_put(o, cbor_incref(p[i].key), cbor_incref(p[i].value))) != 0)
			goto out;
	}
	r = fsim_cbor_encode(o, out);
out:
	if (o != NULL)
		cbor_decref(&o);
	if (m != NULL)
		cbor_decref(&m);
	fsim_blob_reset(&b);
	fsim_cose_key_free(&k);
	return r;
}

int
fsim_pinuv_encapsulate(uint64_t protocol, const cbor_item_t *peer, fsim_pinuv_t *out)
{
	fsim_cose_key_t *pk = NULL;
	EVP_PKEY *mine = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t z[32];
	size_t zlen = sizeof(z);
	unsigned int hl = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (protocol != 1 && protocol != 2)
		return FSIM_ERR_ARG;
	if ((r = peer_key(peer, &pk)) != 0)
		return r;
	r = FSIM_ERR_INTERNAL;
	if ((mine = EVP_EC_gen("P-256")) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL)) == NULL ||
	    EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, fsim_cose_key_pkey(pk)) != 1 ||
	    EVP_PKEY_derive(ctx, z, &zlen) != 1 || zlen != 32)
		goto out;
	out->protocol = protocol;
	if (protocol == 1) {
		/* §6.5.6 kdf: SHA-256 of the x coordinate. */
		if (EVP_Digest(z, zlen, out->secret, &hl, EVP_sha256(), NULL) != 1 || hl != 32)
			goto out;
		out->secret_len = 32;
	} else {
		/* §6.5.7 kdf: HKDF-SHA-256, zero salt, an HMAC key then an AES key. */
		if (hkdf32(z, zlen, "CTAP2 HMAC key", out->secret) != 0 ||
		    hkdf32(z, zlen, "CTAP2 AES key", out->secret + 32) != 0)
			goto out;
		out->secret_len = 64;
	}
	if ((r = platform_cose(mine, &out->platform_key)) != 0)
		goto out;
	r = FSIM_OK;
out:
	if (r != FSIM_OK)
		fsim_pinuv_reset(out);
	fsim_wipe(z, sizeof(z));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(mine);
	fsim_cose_key_free(&pk);
	return r;
}

static int
cbc(bool enc, const uint8_t key[32], const uint8_t iv[16], const uint8_t *in, size_t n,
    uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0, r = FSIM_ERR_INTERNAL;

	if (ctx != NULL && n <= 4096 &&
	    EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv, enc ? 1 : 0) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, out, &l1, in, (int)n) == 1 &&
	    EVP_CipherFinal_ex(ctx, out + l1, &l2) == 1 && (size_t)(l1 + l2) == n)
		r = FSIM_OK;
	EVP_CIPHER_CTX_free(ctx);
	return r;
}

int
fsim_pinuv_encrypt(const fsim_pinuv_t *s, const uint8_t *in, size_t n, fsim_blob_t *out)
{
	static const uint8_t zero_iv[16];
	uint8_t *buf = NULL;
	size_t off;
	int r;

	if (s == NULL || (s->protocol != 1 && s->protocol != 2) || n == 0 || n % 16 != 0 ||
	    n > 4096 || in == NULL)
		return FSIM_ERR_ARG;
	off = s->protocol == 2 ? 16 : 0;
	if ((buf = malloc(off + n)) == NULL)
		return FSIM_ERR_NOMEM;
	r = FSIM_ERR_INTERNAL;
	if (off > 0 && RAND_bytes(buf, 16) != 1)
		goto out;
	if (cbc(true, s->protocol == 2 ? s->secret + 32 : s->secret, off > 0 ? buf : zero_iv,
	    in, n, buf + off) != 0)
		goto out;
	r = fsim_blob_set(out, buf, off + n);
out:
	fsim_wipe(buf, off + n);
	free(buf);
	return r;
}

int
fsim_pinuv_decrypt(const fsim_pinuv_t *s, const uint8_t *in, size_t n, fsim_blob_t *out)
{
	static const uint8_t zero_iv[16];
	uint8_t *buf = NULL;
	size_t off;
	int r;

	if (s == NULL || (s->protocol != 1 && s->protocol != 2) || in == NULL)
		return FSIM_ERR_ARG;
	off = s->protocol == 2 ? 16 : 0;
	if (n <= off || (n - off) % 16 != 0 || n > 4096)
		return FSIM_ERR_ARG;
	if ((buf = malloc(n - off)) == NULL)
		return FSIM_ERR_NOMEM;
	r = cbc(false, s->protocol == 2 ? s->secret + 32 : s->secret, off > 0 ? in : zero_iv,
	    in + off, n - off, buf);
	if (r == 0)
		r = fsim_blob_set(out, buf, n - off);
	fsim_wipe(buf, n - off);
	free(buf);
	return r;
}

int
fsim_pinuv_authenticate(uint64_t protocol, const uint8_t *key, size_t keylen,
    const uint8_t *msg, size_t n, uint8_t out[32], size_t *outlen)
{
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t len = 0;
	int r = FSIM_ERR_ARG;

	*outlen = 0;
	if ((protocol != 1 && protocol != 2) || key == NULL || keylen == 0 ||
	    (msg == NULL && n > 0))
		return FSIM_ERR_ARG;
	/* §6.5.7 authenticate: under two, a 64-byte shared secret signs with its HMAC key. */
	if (protocol == 2 && keylen == 64)
		keylen = 32;
	r = FSIM_ERR_INTERNAL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL || EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    (n > 0 && EVP_MAC_update(ctx, msg, n) != 1) ||
	    EVP_MAC_final(ctx, out, &len, 32) != 1 || len != 32)
		goto out;
	*outlen = protocol == 1 ? 16 : 32;
	r = FSIM_OK;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

int
fsim_pinuv_auth_shared(const fsim_pinuv_t *s, const uint8_t *msg, size_t n, uint8_t out[32],
    size_t *outlen)
{
	return fsim_pinuv_authenticate(s->protocol, s->secret, s->secret_len, msg, n, out, outlen);
}

/* The number of UTF-8 code points in s, or -1 when s is not UTF-8. */
static long
code_points(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p != '\0') {
		size_t k = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
		    (*p & 0xf8) == 0xf0 ? 4 : 0;
		size_t i;

		if (k == 0)
			return -1;
		for (i = 1; i < k; i++)
			if ((p[i] & 0xc0) != 0x80)
				return -1;
		p += k;
		n++;
	}
	return n;
}

int
fsim_pinuv_pad_pin(const char *pin, uint8_t out[64])
{
	size_t n;

	memset(out, 0, 64);
	if (pin == NULL || (n = strlen(pin)) > 63 || code_points(pin) < 4)
		return FSIM_ERR_ARG;
	memcpy(out, pin, n);
	return FSIM_OK;
}

int
fsim_pinuv_pin_hash(const char *pin, uint8_t out[16])
{
	uint8_t h[32];
	unsigned int hl = 0;

	if (pin == NULL || EVP_Digest(pin, strlen(pin), h, &hl, EVP_sha256(), NULL) != 1 ||
	    hl != 32)
		return FSIM_ERR_INTERNAL;
	memcpy(out, h, 16);
	fsim_wipe(h, sizeof(h));
	return FSIM_OK;
}
