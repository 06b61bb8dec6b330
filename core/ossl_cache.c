/*
 * ossl_cache.c — the EC domain parameters made once per process
 * (ossl_cache.h says why).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include "cose.h"
#include "cose_internal.h"
#include "ossl_cache.h"
#include "judge_memo.h"

#define NCURVES 3   /* COSE crv 1..3: P-256, P-384, P-521 */

static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;
static EC_GROUP *groups[NCURVES];
static EVP_PKEY *params[NCURVES];
static int nids[NCURVES];

/* The digests fetched once (names as EVP_MD_fetch takes them). */
static const char *const md_names[] = { "SHA1", "SHA256", "SHA384", "SHA512" };
#define NMDS (sizeof(md_names) / sizeof(md_names[0]))
static EVP_MD *mds[NMDS];

static void
cache_free(void)
{
	int i;

	size_t m;

	for (i = 0; i < NCURVES; i++) {
		EC_GROUP_free(groups[i]);
		EVP_PKEY_free(params[i]);
		groups[i] = NULL;
		params[i] = NULL;
	}
	for (m = 0; m < NMDS; m++) {
		EVP_MD_free(mds[m]);
		mds[m] = NULL;
	}
}

/* The key-less EVP_PKEY holding only the named group. */
static EVP_PKEY *
make_params(const char *group)
{
	OSSL_PARAM p[2];
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)(uintptr_t)group, 0);
	p[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEY_PARAMETERS, p) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static void
cache_init(void)
{
	const struct fsim_cose_crv_info *ci;
	size_t m;
	int i, nid;

	for (i = 0; i < NCURVES; i++) {
		ci = fsim_cose_crv_info(FSIM_COSE_CRV_P256 + i);
		if (ci == NULL || (nid = OBJ_sn2nid(ci->ossl)) == NID_undef)
			continue;
		nids[i] = nid;
		groups[i] = EC_GROUP_new_by_curve_name(nid);
		params[i] = make_params(ci->ossl);
	}
	for (m = 0; m < NMDS; m++)
		mds[m] = EVP_MD_fetch(NULL, md_names[m], NULL);
	ERR_clear_error();
	/* registered after OpenSSL's own handler, so it runs before it */
	atexit(cache_free);
}

static int
slot(int crv)
{
	if (crv < FSIM_COSE_CRV_P256 || crv > FSIM_COSE_CRV_P521 ||
	    CRYPTO_THREAD_run_once(&once, cache_init) != 1)
		return -1;
	return crv - FSIM_COSE_CRV_P256;
}

const EC_GROUP *
fsim_ec_group(int crv)
{
	int i = slot(crv);

	return i < 0 ? NULL : groups[i];
}

const EC_GROUP *
fsim_ec_group_by_nid(int nid)
{
	int i;

	if (slot(FSIM_COSE_CRV_P256) < 0)
		return NULL;
	for (i = 0; i < NCURVES; i++)
		if (nids[i] == nid && nid != 0)
			return groups[i];
	return NULL;
}

EVP_PKEY *
fsim_ec_params_by_nid(int nid)
{
	int i;

	if (slot(FSIM_COSE_CRV_P256) < 0)
		return NULL;
	for (i = 0; i < NCURVES; i++)
		if (nids[i] == nid && nid != 0)
			return params[i];
	return NULL;
}

EVP_MD *
fsim_md_fetched(const char *name)
{
	size_t m;

	if (name == NULL || slot(FSIM_COSE_CRV_P256) < 0)
		return NULL;
	for (m = 0; m < NMDS; m++)
		if (strcmp(name, md_names[m]) == 0)
			return mds[m];
	return NULL;
}

EVP_PKEY *
fsim_ec_params(int crv)
{
	int i = slot(crv);

	return i < 0 ? NULL : params[i];
}

int
fsim_ec_public_check(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX *pctx;
	int ok;

	if ((pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL)
		return 0;
	ok = EVP_PKEY_public_check_quick(pctx) == 1;
	EVP_PKEY_CTX_free(pctx);
	ERR_clear_error();
	return ok;
}

int
fsim_ec_public_key(int crv, const uint8_t *pt, size_t len, EVP_PKEY **out)
{
	EVP_PKEY *tmpl = fsim_ec_params(crv), *pkey;

	*out = NULL;
	if (tmpl == NULL)
		return FSIM_ERR_INTERNAL;
	if (pt == NULL || len == 0 || pt[0] != 0x04)
		return FSIM_ERR_COSE;
	/* inside a judge-once scope, the same point imported before (judge_memo.h) */
	if ((*out = fsim_judge_memo_ec_key(crv, pt, len)) != NULL)
		return 0;
	if ((pkey = EVP_PKEY_dup(tmpl)) == NULL) {
		ERR_clear_error();
		return FSIM_ERR_NOMEM;
	}
	/* the point is decoded, range-checked and put on the curve here */
	if (EVP_PKEY_set1_encoded_public_key(pkey, pt, len) != 1 ||
	    !fsim_ec_public_check(pkey)) {
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		return FSIM_ERR_COSE;
	}
	fsim_judge_memo_ec_key_add(crv, pt, len, pkey);
	*out = pkey;
	return 0;
}

int
fsim_sha256(const void *p, size_t n, uint8_t out[32])
{
	EVP_MD *md = fsim_md_fetched("SHA256");
	unsigned int len = 0;

	if (md == NULL || (p == NULL && n > 0) ||
	    EVP_Digest(p != NULL ? p : (const void *)"", n, out, &len, md, NULL) != 1 ||
	    len != 32) {
		ERR_clear_error();
		return FSIM_ERR_INTERNAL;
	}
	return 0;
}
