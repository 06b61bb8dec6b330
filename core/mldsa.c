/*
 * mldsa.c — the ML-DSA interface of core/mldsa.h over EVP: the same calls
 * whether the keys come from OpenSSL 3.5+ or from fidosim's built-in
 * provider (mldsa_prov.c), which takes the parameter names OpenSSL 3.5 uses.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include "mldsa.h"

/* OpenSSL 3.5's parameter names (core_names.h there), spelled out for 3.0. */
#define P_SEED "seed"
#define P_PUB "pub"
#define P_CONTEXT "context-string"
#define P_ENTROPY "test-entropy"

static const struct {
	int set, alg;
	const char *name;
	size_t pk_len, sig_len;
} sets[] = {
	{ 44, -48, "ML-DSA-44", 1312, 2420 },
	{ 65, -49, "ML-DSA-65", 1952, 3309 },
	{ 87, -50, "ML-DSA-87", 2592, 4627 },
};
#define NSETS (sizeof(sets) / sizeof(sets[0]))

static int
idx_of_set(int set)
{
	size_t i;

	for (i = 0; i < NSETS; i++)
		if (sets[i].set == set)
			return (int)i;
	return -1;
}

int
fsim_mldsa_set_of_alg(int alg)
{
	size_t i;

	for (i = 0; i < NSETS; i++)
		if (sets[i].alg == alg)
			return sets[i].set;
	return 0;
}

int
fsim_mldsa_alg_of_set(int set)
{
	int i = idx_of_set(set);

	return i >= 0 ? sets[i].alg : 0;
}

const char *
fsim_mldsa_name(int set)
{
	int i = idx_of_set(set);

	return i >= 0 ? sets[i].name : NULL;
}

size_t
fsim_mldsa_public_len(int set)
{
	int i = idx_of_set(set);

	return i >= 0 ? sets[i].pk_len : 0;
}

size_t
fsim_mldsa_sig_len(int set)
{
	int i = idx_of_set(set);

	return i >= 0 ? sets[i].sig_len : 0;
}

bool
fsim_mldsa_native(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30500000L
	return true;
#else
	return false;
#endif
}

/* EVP_PKEY_fromdata of one octet-string parameter. */
static int
from_param(int set, const char *pname, const uint8_t *p, size_t len, int selection,
    EVP_PKEY **out)
{
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *pctx = NULL;
	int r = FSIM_ERR_INTERNAL;

	if ((r = fsim_mldsa_provider_init()) != 0)
		return r;
	r = FSIM_ERR_INTERNAL;
	params[0] = OSSL_PARAM_construct_octet_string(pname, (void *)(uintptr_t)p, len);
	params[1] = OSSL_PARAM_construct_end();
	if ((pctx = EVP_PKEY_CTX_new_from_name(NULL, fsim_mldsa_name(set), NULL)) == NULL)
		goto fail;
	if (EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, out, selection, params) != 1)
		goto fail;
	r = 0;
fail:
	EVP_PKEY_CTX_free(pctx);
	ERR_clear_error();
	return r;
}

int
fsim_mldsa_pkey_from_seed(int set, const uint8_t *xi, size_t len, EVP_PKEY **out)
{
	if (out != NULL)
		*out = NULL;
	if (out == NULL || idx_of_set(set) < 0 || (xi == NULL && len > 0))
		return FSIM_ERR_ARG;
	if (len != FSIM_MLDSA_SEED_LEN)
		return FSIM_ERR_FORMAT;
	return from_param(set, P_SEED, xi, len, EVP_PKEY_KEYPAIR, out);
}

int
fsim_mldsa_pkey_from_public(int set, const uint8_t *pk, size_t len, EVP_PKEY **out)
{
	if (out != NULL)
		*out = NULL;
	if (out == NULL || idx_of_set(set) < 0 || (pk == NULL && len > 0))
		return FSIM_ERR_ARG;
	if (len != fsim_mldsa_public_len(set))
		return FSIM_ERR_FORMAT;
	return from_param(set, P_PUB, pk, len, EVP_PKEY_PUBLIC_KEY, out);
}

int
fsim_mldsa_pkey_set(const EVP_PKEY *pkey)
{
	size_t i;

	if (pkey == NULL)
		return 0;
	for (i = 0; i < NSETS; i++)
		if (EVP_PKEY_is_a(pkey, sets[i].name))
			return sets[i].set;
	return 0;
}

int
fsim_mldsa_pkey_public(const EVP_PKEY *pkey, uint8_t *buf, size_t cap, size_t *len)
{
	int set = fsim_mldsa_pkey_set(pkey);

	if (set == 0 || buf == NULL || len == NULL)
		return FSIM_ERR_ARG;
	if (cap < fsim_mldsa_public_len(set))
		return FSIM_ERR_ARG;
	if (EVP_PKEY_get_octet_string_param(pkey, P_PUB, buf, cap, len) != 1 ||
	    *len != fsim_mldsa_public_len(set)) {
		ERR_clear_error();
		return FSIM_ERR_INTERNAL;
	}
	return 0;
}

int
fsim_mldsa_pkey_seed(const EVP_PKEY *pkey, uint8_t xi[32])
{
	size_t len = 0;

	if (fsim_mldsa_pkey_set(pkey) == 0 || xi == NULL)
		return FSIM_ERR_ARG;
	if (EVP_PKEY_get_octet_string_param(pkey, P_SEED, xi, 32, &len) != 1 ||
	    len != 32) {
		ERR_clear_error();
		fsim_wipe(xi, 32);
		return FSIM_ERR_ARG;  /* a public key, or one made without its seed */
	}
	return 0;
}

/* DigestSign/DigestVerify init with the context string (and rnd). */
static int
init(EVP_MD_CTX *mctx, EVP_PKEY *pkey, bool sign, const uint8_t *ctx,
    size_t ctxlen, const uint8_t *rnd)
{
	OSSL_PARAM params[3];
	size_t n = 0;

	params[n++] = OSSL_PARAM_construct_octet_string(P_CONTEXT,
	    (void *)(uintptr_t)(ctx != NULL ? ctx : (const uint8_t *)""), ctxlen);
	if (rnd != NULL)
		params[n++] = OSSL_PARAM_construct_octet_string(P_ENTROPY,
		    (void *)(uintptr_t)rnd, FSIM_MLDSA_RND_LEN);
	params[n] = OSSL_PARAM_construct_end();
	return (sign ? EVP_DigestSignInit_ex(mctx, NULL, NULL, NULL, NULL, pkey,
	    params) : EVP_DigestVerifyInit_ex(mctx, NULL, NULL, NULL, NULL, pkey,
	    params)) == 1 ? 0 : FSIM_ERR_INTERNAL;
}

int
fsim_mldsa_sign(EVP_PKEY *pkey, const uint8_t *msg, size_t mlen, const uint8_t *ctx,
    size_t ctxlen, const uint8_t *rnd, fsim_blob_t *sig)
{
	EVP_MD_CTX *mctx = NULL;
	uint8_t *buf = NULL;
	size_t len;
	int set, r = FSIM_ERR_ARG;

	if (sig == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(sig);
	if ((set = fsim_mldsa_pkey_set(pkey)) == 0 || (msg == NULL && mlen > 0) ||
	    (ctx == NULL && ctxlen > 0) || ctxlen > FSIM_MLDSA_CTX_MAX)
		return FSIM_ERR_ARG;
	len = fsim_mldsa_sig_len(set);
	if ((mctx = EVP_MD_CTX_new()) == NULL || (buf = malloc(len)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	if ((r = init(mctx, pkey, true, ctx, ctxlen, rnd)) != 0)
		goto fail;
	/* a public key fails here: the caller's error */
	if (EVP_DigestSign(mctx, buf, &len, msg, mlen) != 1 ||
	    len != fsim_mldsa_sig_len(set)) {
		r = FSIM_ERR_ARG;
		goto fail;
	}
	sig->ptr = buf;
	sig->len = len;
	buf = NULL;
	r = 0;
fail:
	free(buf);
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	return r;
}

int
fsim_mldsa_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t mlen,
    const uint8_t *ctx, size_t ctxlen, const uint8_t *sig, size_t slen)
{
	EVP_MD_CTX *mctx;
	int set, r;

	if ((set = fsim_mldsa_pkey_set(pkey)) == 0 || (msg == NULL && mlen > 0) ||
	    (ctx == NULL && ctxlen > 0) || (sig == NULL && slen > 0))
		return FSIM_ERR_ARG;
	/* FIPS 204 Algorithm 3 step 1: no context over 255 bytes verifies */
	if (ctxlen > FSIM_MLDSA_CTX_MAX || slen != fsim_mldsa_sig_len(set))
		return FSIM_ERR_SIGNATURE;
	if ((mctx = EVP_MD_CTX_new()) == NULL)
		return FSIM_ERR_NOMEM;
	if ((r = init(mctx, pkey, false, ctx, ctxlen, NULL)) == 0)
		r = EVP_DigestVerify(mctx, sig, slen, msg, mlen) == 1 ? 0 :
		    FSIM_ERR_SIGNATURE;
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	return r;
}
