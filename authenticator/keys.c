/*
 * keys.c — credential and attestation keys: generation from the
 * environment's random source, signing in the WebAuthn form, PKCS#8.
 *
 * Keys are built from env bytes rather than with EVP_PKEY_keygen so that a
 * seeded environment (fsim_env_seeded) reproduces every key: OpenSSL's
 * generators draw from their own DRBG, which we cannot seed per run.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "authenticator/keys.h"
#include "authenticator/keys_int.h"
#include "authenticator/seed_memo.h"
#include "core/cose.h"
#include "core/mldsa.h"
#include "core/ossl_cache.h"
#include "core/sig.h"

/* PKCS#8 of the largest key we make (RSA-2048) is about 1.2 kB. */
#define KEY_DER_MAX 16384
/* Rejection sampling: P-256 rejects with probability ~2^-32 per draw. */
#define EC_MAX_TRIES 64

static const struct fsim_ecdsa_info ecdsa_table[] = {
	{ FSIM_COSE_ES256, NID_X9_62_prime256v1, "prime256v1", "SHA256", 32 },
	{ FSIM_COSE_ESP256, NID_X9_62_prime256v1, "prime256v1", "SHA256", 32 },
	{ FSIM_COSE_ES384, NID_secp384r1, "secp384r1", "SHA384", 48 },
	{ FSIM_COSE_ESP384, NID_secp384r1, "secp384r1", "SHA384", 48 },
	{ FSIM_COSE_ES512, NID_secp521r1, "secp521r1", "SHA512", 66 },
	{ FSIM_COSE_ESP512, NID_secp521r1, "secp521r1", "SHA512", 66 },
};

const struct fsim_ecdsa_info *
fsim_ecdsa_info(int alg)
{
	size_t i;

	for (i = 0; i < sizeof(ecdsa_table) / sizeof(ecdsa_table[0]); i++)
		if (ecdsa_table[i].alg == alg)
			return &ecdsa_table[i];
	return NULL;
}

/* The key pair for scalar d (1 <= d < n checked by the caller) on ei's curve. */
static int
ec_build(const struct fsim_ecdsa_info *ei, const EC_GROUP *grp, const BIGNUM *d,
    BN_CTX *bnctx, EVP_PKEY **out)
{
	EC_POINT *q = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	uint8_t pt[1 + 2 * 66];
	size_t ptlen;
	int r = FSIM_ERR_NOMEM;

	if ((q = EC_POINT_new(grp)) == NULL || (bld = OSSL_PARAM_BLD_new()) == NULL)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	/* Q = dG */
	if (EC_POINT_mul(grp, q, d, NULL, NULL, bnctx) != 1 ||
	    (ptlen = EC_POINT_point2oct(grp, q, POINT_CONVERSION_UNCOMPRESSED, pt,
	    sizeof(pt), bnctx)) == 0)
		goto fail;
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    ei->group, 0) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, ptlen) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto fail;
	if ((pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		goto fail;
	*out = pkey;
	pkey = NULL;
	r = 0;
fail:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);      /* the part from the secure BN is cleansed */
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(q);
	return r;
}

/*
 * With env: a private scalar uniform in [1, n-1] — draw as many bytes as n
 * has, clear the bits above n's top bit, reject and redraw when d is 0 or
 * >= n (FIPS 186-5 A.2.2, rejection sampling). Without: d from given bytes.
 */
static int
ec_make(const fsim_env_t *env, const struct fsim_ecdsa_info *ei, const uint8_t *given,
    size_t glen, EVP_PKEY **out)
{
	const EC_GROUP *grp;    /* the process's, made once */
	BN_CTX *bnctx = NULL;
	BIGNUM *d = NULL;
	const BIGNUM *order;
	uint8_t buf[66];
	size_t nbytes;
	int bits, tries, r = FSIM_ERR_NOMEM;

	if ((grp = fsim_ec_group_by_nid(ei->nid)) == NULL ||
	    (bnctx = BN_CTX_secure_new()) == NULL || (d = BN_secure_new()) == NULL)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	order = EC_GROUP_get0_order(grp);
	bits = BN_num_bits(order);
	nbytes = ((size_t)bits + 7) / 8;
	if (nbytes != ei->order_len || nbytes > sizeof(buf))
		goto fail;
	for (tries = 0;; tries++) {
		if (given != NULL) {
			if (glen > nbytes || BN_bin2bn(given, (int)glen, d) == NULL) {
				r = FSIM_ERR_ARG;
				goto fail;
			}
		} else {
			if (tries == EC_MAX_TRIES)
				goto fail;
			if ((r = fsim_env_random(env, buf, nbytes)) != 0)
				goto fail;
			r = FSIM_ERR_INTERNAL;
			if (bits % 8 != 0)
				buf[0] &= (uint8_t)((1u << (bits % 8)) - 1);
			if (BN_bin2bn(buf, (int)nbytes, d) == NULL)
				goto fail;
		}
		if (!BN_is_zero(d) && BN_cmp(d, order) < 0)
			break;
		if (given != NULL) {
			r = FSIM_ERR_ARG;
			goto fail;
		}
	}
	BN_set_flags(d, BN_FLG_CONSTTIME);
	r = ec_build(ei, grp, d, bnctx, out);
fail:
	if (r != 0)
		ERR_clear_error();
	fsim_wipe(buf, sizeof(buf));
	BN_clear_free(d);
	BN_CTX_free(bnctx);
	return r;
}

int
fsim_key_ec_from_scalar(int alg, const uint8_t *d, size_t len, EVP_PKEY **out)
{
	const struct fsim_ecdsa_info *ei;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (d == NULL || len == 0)
		return FSIM_ERR_ARG;
	if ((ei = fsim_ecdsa_info(alg)) == NULL)
		return FSIM_ERR_UNSUPPORTED;
	return ec_make(NULL, ei, d, len, out);
}

/* RFC 8032 §5.1.5 / §5.2.5: the private key is just random bytes. */
static int
ed_generate(const fsim_env_t *env, int type, size_t len, EVP_PKEY **out)
{
	uint8_t buf[57];
	EVP_PKEY *pkey;
	int r;

	if (len > sizeof(buf))
		return FSIM_ERR_INTERNAL;
	if ((r = fsim_env_random(env, buf, len)) != 0)
		goto fail;
	if ((pkey = EVP_PKEY_new_raw_private_key(type, NULL, buf, len)) == NULL) {
		ERR_clear_error();
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
	*out = pkey;
	r = 0;
fail:
	fsim_wipe(buf, sizeof(buf));
	return r;
}

/* FIPS 204 Algorithm 1: the key pair is a function of the 32-byte seed xi. */
static int
mldsa_generate(const fsim_env_t *env, int set, EVP_PKEY **out)
{
	uint8_t xi[FSIM_MLDSA_SEED_LEN];
	int r;

	if ((r = fsim_env_random(env, xi, sizeof(xi))) == 0)
		r = fsim_mldsa_pkey_from_seed(set, xi, sizeof(xi), out);
	fsim_wipe(xi, sizeof(xi));
	return r;
}

/*
 * ML-DSA private keys in PKCS#8 as RFC 9881 §6 gives them in seed form:
 * PrivateKeyInfo { version 0, AlgorithmIdentifier { id-ml-dsa-NN },
 * privateKey OCTET STRING { [0] IMPLICIT OCTET STRING (32) } }, 54 bytes
 * (the form of the Wycheproof privateKeyPkcs8 values). Written and read
 * here: OpenSSL 3.0 has no codec for these keys.
 */
static const uint8_t mldsa_p8_prefix[22] = {
	0x30, 0x34, 0x02, 0x01, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x03, 0x00 /* 0x11, 0x12, 0x13 */, 0x04, 0x22,
	0x80, 0x20,
};
#define MLDSA_P8_OID_AT 17

static int
mldsa_to_der(EVP_PKEY *key, int set, fsim_blob_t *der)
{
	uint8_t buf[sizeof(mldsa_p8_prefix) + FSIM_MLDSA_SEED_LEN];
	int r;

	memcpy(buf, mldsa_p8_prefix, sizeof(mldsa_p8_prefix));
	buf[MLDSA_P8_OID_AT] = (uint8_t)(set == 44 ? 0x11 : set == 65 ? 0x12 : 0x13);
	if ((r = fsim_mldsa_pkey_seed(key, buf + sizeof(mldsa_p8_prefix))) == 0)
		r = fsim_blob_set(der, buf, sizeof(buf));
	fsim_wipe(buf, sizeof(buf));
	return r;
}

/* The set whose seed-form PKCS#8 der is, or 0 when it is not one. */
static int
mldsa_p8_set(const uint8_t *der, size_t len)
{
	static const int sets[3] = { 44, 65, 87 };
	size_t i;

	if (len != sizeof(mldsa_p8_prefix) + FSIM_MLDSA_SEED_LEN ||
	    memcmp(der, mldsa_p8_prefix, MLDSA_P8_OID_AT) != 0 ||
	    memcmp(der + MLDSA_P8_OID_AT + 1, mldsa_p8_prefix + MLDSA_P8_OID_AT + 1,
	    sizeof(mldsa_p8_prefix) - MLDSA_P8_OID_AT - 1) != 0)
		return 0;
	for (i = 0; i < 3; i++)
		if (der[MLDSA_P8_OID_AT] == 0x11 + i)
			return sets[i];
	return 0;
}

/*
 * With OpenSSL's RAND as the random source anyway (fsim_env_default),
 * OpenSSL's own generator on a copy of the curve's ready parameters: the
 * same distribution (uniform in [1, n-1], FIPS 186-5 A.2) at two thirds the
 * cost, since the group is not built again for the new key.
 */
static int
ec_generate(const struct fsim_ecdsa_info *ei, EVP_PKEY **out)
{
	EVP_PKEY *tmpl = fsim_ec_params_by_nid(ei->nid), *pkey = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int r = FSIM_ERR_INTERNAL;


	if (tmpl == NULL || (pctx = EVP_PKEY_CTX_new_from_pkey(NULL, tmpl, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(pctx) != 1 || EVP_PKEY_generate(pctx, &pkey) != 1)
		goto fail;
	*out = pkey;
	pkey = NULL;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	return r;
}

int
fsim_key_generate(const fsim_env_t *env, int alg, EVP_PKEY **out)
{
	const struct fsim_ecdsa_info *ei;
	EVP_PKEY *pkey = NULL;
	int r;

	uint8_t before[FSIM_ENV_STATE_LEN];
	bool seeded;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (env == NULL)
		return FSIM_ERR_ARG;
	/* a seeded environment in a state that generated this alg's key before: that key (seed_memo.h) */
	if ((seeded = fsim_env_state(env, before) == 0) && fsim_seed_memo_key_get(env, alg, out)) {
		OPENSSL_cleanse(before, sizeof(before));
		return 0;
	}
	if ((ei = fsim_ecdsa_info(alg)) != NULL && fsim_env_random_is_openssl(env))
		r = ec_generate(ei, &pkey);
	else if (ei != NULL)
		r = ec_make(env, ei, NULL, 0, &pkey);
	else if (alg == FSIM_COSE_EDDSA || alg == FSIM_COSE_ED25519)
		r = ed_generate(env, EVP_PKEY_ED25519, 32, &pkey);
	else if (alg == FSIM_COSE_ED448)
		r = ed_generate(env, EVP_PKEY_ED448, 57, &pkey);
	else if (alg == FSIM_COSE_RS256 || alg == FSIM_COSE_RS1 || fsim_cose_alg_is_pss(alg))
		r = fsim_key_rsa_generate(env, &pkey);
	else if (fsim_mldsa_set_of_alg(alg) != 0)
		r = mldsa_generate(env, fsim_mldsa_set_of_alg(alg), &pkey);
	else
		r = FSIM_ERR_UNSUPPORTED;
	if (r == 0) {
		if (seeded)
			fsim_seed_memo_key_put(env, before, alg, pkey);
		*out = pkey;
	}
	OPENSSL_cleanse(before, sizeof(before));
	return r;
}

int
fsim_key_sign(const fsim_env_t *env, EVP_PKEY *key, int alg, const uint8_t *msg,
    size_t mlen, fsim_blob_t *sig)
{
	if (sig == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(sig);
	if (key == NULL || (msg == NULL && mlen > 0))
		return FSIM_ERR_ARG;
	if (fsim_ecdsa_info(alg) != NULL && env != NULL && env->deterministic)
		return fsim_ecdsa_sign_rfc6979(key, alg, msg, mlen, sig);
	/*
	 * ML-DSA hedged (FIPS 204 §3.4): rnd from env, so a seeded run repeats
	 * its signatures; without env, OpenSSL's RNG.
	 */
	if (fsim_mldsa_set_of_alg(alg) != 0) {
		uint8_t rnd[FSIM_MLDSA_RND_LEN];
		int r = 0;

		if (fsim_mldsa_pkey_set(key) != fsim_mldsa_set_of_alg(alg))
			return FSIM_ERR_ARG;
		if (env != NULL)
			r = fsim_env_random(env, rnd, sizeof(rnd));
		if (r == 0)
			r = fsim_mldsa_sign(key, msg, mlen, NULL, 0, env != NULL ? rnd :
			    NULL, sig);
		fsim_wipe(rnd, sizeof(rnd));
		return r;
	}
	/* the salt comes from env, so seeded runs repeat PSS signatures too */
	if (fsim_cose_alg_is_pss(alg) && env != NULL)
		return fsim_key_pss_sign(env, key, alg, msg, mlen, sig);
	/* EdDSA and PKCS#1 v1.5 are deterministic by construction */
	return fsim_sig_sign(key, alg, msg, mlen, sig);
}

int
fsim_key_to_der(EVP_PKEY *key, fsim_blob_t *der)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	uint8_t *buf = NULL, *p;
	int len = 0, r = FSIM_ERR_INTERNAL;

	if (der == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(der);
	if (key == NULL)
		return FSIM_ERR_ARG;
	if (fsim_mldsa_pkey_set(key) != 0)
		return mldsa_to_der(key, fsim_mldsa_pkey_set(key), der);
	if ((r = fsim_key_ec_to_der(key, der)) != FSIM_ERR_UNSUPPORTED)
		return r;
	r = FSIM_ERR_INTERNAL;
	/* fails for a key without its private half */
	if ((p8 = EVP_PKEY2PKCS8(key)) == NULL) {
		r = FSIM_ERR_ARG;
		goto fail;
	}
	if ((len = i2d_PKCS8_PRIV_KEY_INFO(p8, NULL)) <= 0 || len > KEY_DER_MAX)
		goto fail;
	if ((buf = malloc((size_t)len)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	p = buf;
	if (i2d_PKCS8_PRIV_KEY_INFO(p8, &p) != len)
		goto fail;
	der->ptr = buf;
	der->len = (size_t)len;
	buf = NULL;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	if (buf != NULL) {
		fsim_wipe(buf, (size_t)len);
		free(buf);
	}
	PKCS8_PRIV_KEY_INFO_free(p8);   /* cleanses the key octets */
	return r;
}

int
fsim_key_from_der(const uint8_t *der, size_t len, EVP_PKEY **out)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *pkey = NULL;
	const uint8_t *p = der;
	int r = FSIM_ERR_FORMAT;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (der == NULL || len == 0)
		return FSIM_ERR_ARG;
	if (len > KEY_DER_MAX)
		goto fail;
	if (mldsa_p8_set(der, len) != 0)
		return fsim_mldsa_pkey_from_seed(mldsa_p8_set(der, len),
		    der + sizeof(mldsa_p8_prefix), FSIM_MLDSA_SEED_LEN, out);
	if ((r = fsim_key_ec_from_der(der, len, out)) != FSIM_ERR_UNSUPPORTED)
		return r;
	r = FSIM_ERR_FORMAT;
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len)) == NULL ||
	    p != der + len)
		goto fail;
	if ((pkey = EVP_PKCS82PKEY(p8)) == NULL)
		goto fail;
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_EC:
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		break;
	default:
		r = FSIM_ERR_UNSUPPORTED;
		goto fail;
	}
	*out = pkey;
	pkey = NULL;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	EVP_PKEY_free(pkey);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return r;
}
