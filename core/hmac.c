/*
 * hmac.c — HMAC by its definition (RFC 2104 §2) on a reused EVP_MD_CTX
 * (hmac.h says why): H((K0 ^ opad) | H((K0 ^ ipad) | text)).
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "hmac.h"

#define MAX_BLOCK 128
#define MAX_HASH 64

int
fsim_hmac(EVP_MD_CTX *ctx, const EVP_MD *md, const uint8_t *key, size_t klen,
    const fsim_hmac_part_t *parts, size_t nparts, uint8_t *out)
{
	uint8_t k0[MAX_BLOCK], pad[MAX_BLOCK], inner[MAX_HASH];
	unsigned int hl = 0;
	int bs, hs, r = FSIM_ERR_ARG;
	size_t i;

	if (ctx == NULL || md == NULL || out == NULL || (key == NULL && klen > 0) ||
	    (parts == NULL && nparts > 0))
		return FSIM_ERR_ARG;
	bs = EVP_MD_get_block_size(md);
	hs = EVP_MD_get_size(md);
	if (bs <= 0 || bs > MAX_BLOCK || hs <= 0 || hs > MAX_HASH || hs > bs)
		return FSIM_ERR_ARG;
	for (i = 0; i < nparts; i++)
		if (parts[i].p == NULL && parts[i].n > 0)
			return FSIM_ERR_ARG;
	r = FSIM_ERR_INTERNAL;
	/* K0: the key, hashed when longer than a block, then zero-padded to one */
	memset(k0, 0, sizeof(k0));
	if (klen > (size_t)bs) {
		if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
		    EVP_DigestUpdate(ctx, key, klen) != 1 ||
		    EVP_DigestFinal_ex(ctx, k0, &hl) != 1)
			goto fail;
	} else if (klen > 0)
		memcpy(k0, key, klen);
	for (i = 0; i < (size_t)bs; i++)
		pad[i] = k0[i] ^ 0x36;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, pad, (size_t)bs) != 1)
		goto fail;
	for (i = 0; i < nparts; i++)
		if (parts[i].n > 0 && EVP_DigestUpdate(ctx, parts[i].p, parts[i].n) != 1)
			goto fail;
	if (EVP_DigestFinal_ex(ctx, inner, &hl) != 1 || hl != (unsigned int)hs)
		goto fail;
	for (i = 0; i < (size_t)bs; i++)
		pad[i] = k0[i] ^ 0x5c;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, pad, (size_t)bs) != 1 ||
	    EVP_DigestUpdate(ctx, inner, (size_t)hs) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &hl) != 1 || hl != (unsigned int)hs)
		goto fail;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	OPENSSL_cleanse(k0, sizeof(k0));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(inner, sizeof(inner));
	return r;
}
