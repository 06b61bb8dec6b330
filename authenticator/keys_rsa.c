/*
 * keys_rsa.c — RSA-2048 keys from the environment's random source, and
 * RSASSA-PSS signatures whose salt comes from it too, so seeded runs repeat
 * RS256/RS1/PS256/PS384/PS512 keys and signatures byte for byte.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "authenticator/keys.h"
#include "authenticator/keys_int.h"
#include "core/cose.h"
#include "core/sig.h"

#define RSA_BITS 2048
#define PRIME_BYTES (RSA_BITS / 16)
#define RSA_E 65537
/* A 1024-bit prime is ~355 odd numbers apart on average; these are far above. */
#define PRIME_STEPS 8192
#define PRIME_DRAWS 16
#define PSS_HMAX 64                 /* SHA-512; the salt is as long as the hash (RFC 8230 §2) */

/*
 * A 1024-bit prime p with p mod e != 1 (so e is invertible mod p - 1) and
 * p != other: a random odd start with the top two bits set (so p*q has
 * exactly 2048 bits), then the next candidate by steps of 2. BN_check_prime
 * runs trial division and 64 Miller-Rabin rounds (FIPS 186-5 B.3).
 */
static int
find_prime(const fsim_env_t *env, BIGNUM *p, const BIGNUM *other, BN_CTX *ctx)
{
	uint8_t buf[PRIME_BYTES];
	BN_ULONG m;
	int draw, step, c, r = FSIM_ERR_INTERNAL;

	for (draw = 0; draw < PRIME_DRAWS; draw++) {
		if ((r = fsim_env_random(env, buf, sizeof(buf))) != 0)
			goto fail;
		r = FSIM_ERR_INTERNAL;
		buf[0] |= 0xc0;
		buf[sizeof(buf) - 1] |= 0x01;
		if (BN_bin2bn(buf, (int)sizeof(buf), p) == NULL)
			goto fail;
		for (step = 0; step < PRIME_STEPS; step++) {
			if (BN_num_bits(p) != RSA_BITS / 2)
				break;          /* ran past 2^1024: draw again */
			if ((m = BN_mod_word(p, RSA_E)) == (BN_ULONG)-1)
				goto fail;
			if (m != 1 && (other == NULL || BN_cmp(p, other) != 0)) {
				if ((c = BN_check_prime(p, ctx, NULL)) < 0)
					goto fail;
				if (c == 1) {
					r = 0;
					goto fail;
				}
			}
			if (BN_add_word(p, 2) != 1)
				goto fail;
		}
	}
fail:
	fsim_wipe(buf, sizeof(buf));
	return r;
}

int
fsim_key_rsa_generate(const fsim_env_t *env, EVP_PKEY **out)
{
	BN_CTX *ctx = NULL;
	BIGNUM *p, *q, *n, *e, *d, *p1, *q1, *g, *lcm, *dmp1, *dmq1, *iqmp, *t;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	int r = FSIM_ERR_NOMEM;

	if ((ctx = BN_CTX_secure_new()) == NULL)
		goto fail;
	BN_CTX_start(ctx);
	p = BN_CTX_get(ctx);
	q = BN_CTX_get(ctx);
	n = BN_CTX_get(ctx);
	e = BN_CTX_get(ctx);
	d = BN_CTX_get(ctx);
	p1 = BN_CTX_get(ctx);
	q1 = BN_CTX_get(ctx);
	g = BN_CTX_get(ctx);
	lcm = BN_CTX_get(ctx);
	dmp1 = BN_CTX_get(ctx);
	dmq1 = BN_CTX_get(ctx);
	iqmp = BN_CTX_get(ctx);
	if ((t = BN_CTX_get(ctx)) == NULL || (bld = OSSL_PARAM_BLD_new()) == NULL)
		goto fail;
	if ((r = find_prime(env, p, NULL, ctx)) != 0 ||
	    (r = find_prime(env, q, p, ctx)) != 0)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	/* FIPS 186-5 A.1.3: |p - q| > 2^(nlen/2 - 100); random draws miss this ~never */
	if (BN_sub(t, p, q) != 1 || BN_num_bits(t) <= RSA_BITS / 2 - 100)
		goto fail;
	BN_set_flags(p, BN_FLG_CONSTTIME);
	BN_set_flags(q, BN_FLG_CONSTTIME);
	/* d = e^-1 mod lcm(p-1, q-1) (FIPS 186-5 A.1.1); CRT values per RFC 8017 §3.2 */
	if (BN_set_word(e, RSA_E) != 1 || BN_mul(n, p, q, ctx) != 1 ||
	    BN_num_bits(n) != RSA_BITS ||
	    BN_sub(p1, p, BN_value_one()) != 1 || BN_sub(q1, q, BN_value_one()) != 1 ||
	    BN_gcd(g, p1, q1, ctx) != 1 || BN_mul(t, p1, q1, ctx) != 1 ||
	    BN_div(lcm, NULL, t, g, ctx) != 1)
		goto fail;
	BN_set_flags(lcm, BN_FLG_CONSTTIME);
	if (BN_mod_inverse(d, e, lcm, ctx) == NULL)
		goto fail;
	BN_set_flags(d, BN_FLG_CONSTTIME);
	if (BN_mod(dmp1, d, p1, ctx) != 1 || BN_mod(dmq1, d, q1, ctx) != 1 ||
	    BN_mod_inverse(iqmp, q, p, ctx) == NULL)
		goto fail;
	if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto fail;
	if ((pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		goto fail;
	*out = pkey;
	pkey = NULL;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);      /* BNs from a secure BN_CTX: cleansed */
	OSSL_PARAM_BLD_free(bld);
	if (ctx != NULL)
		BN_CTX_end(ctx);
	BN_CTX_free(ctx);             /* BN_clear_free on every BN it made */
	return r;
}

/* MGF1 with md (RFC 8017 B.2.1; hlen its size), XORed into buf. */
static int
mgf1_xor(const EVP_MD *md, size_t hlen, uint8_t *buf, size_t len, const uint8_t *seed)
{
	uint8_t in[PSS_HMAX + 4], h[PSS_HMAX];
	uint32_t counter = 0;
	size_t i, n;

	memcpy(in, seed, hlen);
	while (len > 0) {
		in[hlen] = (uint8_t)(counter >> 24);
		in[hlen + 1] = (uint8_t)(counter >> 16);
		in[hlen + 2] = (uint8_t)(counter >> 8);
		in[hlen + 3] = (uint8_t)counter;
		if (EVP_Digest(in, hlen + 4, h, NULL, md, NULL) != 1)
			return FSIM_ERR_INTERNAL;
		n = len < hlen ? len : hlen;
		for (i = 0; i < n; i++)
			buf[i] ^= h[i];
		buf += n;
		len -= n;
		counter++;
	}
	return 0;
}

/*
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) by hand, then the raw RSA private
 * operation (RSASP1): OpenSSL's EVP PSS draws its salt from its own DRBG.
 * alg is PS256, PS384 or PS512: the hash, MGF1's hash and the salt length
 * all follow it (RFC 8230 §2).
 */
int
fsim_key_pss_sign(const fsim_env_t *env, EVP_PKEY *key, int alg, const uint8_t *msg,
    size_t mlen, fsim_blob_t *sig)
{
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = fsim_cose_alg_md(alg);
	uint8_t mp[8 + 2 * PSS_HMAX], hash[PSS_HMAX];
	uint8_t *em = NULL, *out = NULL, *db;
	size_t k, em_len, db_len, olen, hlen;
	int mod_bits, em_bits, r = FSIM_ERR_ARG;

	if (sig == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(sig);
	if (key == NULL || (msg == NULL && mlen > 0) || md == NULL ||
	    !fsim_cose_alg_is_pss(alg))
		return FSIM_ERR_ARG;
	/* RSA-PSS-restricted keys refuse raw RSA: let OpenSSL do those */
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || env == NULL)
		return fsim_sig_sign(key, alg, msg, mlen, sig);
	hlen = (size_t)EVP_MD_get_size(md);   /* also the salt's length */
	if ((mod_bits = EVP_PKEY_get_bits(key)) < 1024 || mod_bits > 16384 ||
	    hlen == 0 || hlen > PSS_HMAX)
		goto fail;
	k = ((size_t)mod_bits + 7) / 8;
	em_bits = mod_bits - 1;
	em_len = ((size_t)em_bits + 7) / 8;
	if (em_len < 2 * hlen + 2 || (size_t)EVP_PKEY_get_size(key) != k)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((em = calloc(1, k)) == NULL || (out = malloc(k)) == NULL)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	/* M' = 0x00 x 8 | mHash | salt; H = Hash(M') */
	memset(mp, 0, 8);
	if (EVP_Digest(msg, mlen, mp + 8, NULL, md, NULL) != 1)
		goto fail;
	if ((r = fsim_env_random(env, mp + 8 + hlen, hlen)) != 0)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if (EVP_Digest(mp, 8 + 2 * hlen, hash, NULL, md, NULL) != 1)
		goto fail;
	/* EM (right-aligned in k bytes) = maskedDB | H | 0xbc, DB = PS | 0x01 | salt */
	db = em + (k - em_len);
	db_len = em_len - hlen - 1;
	db[db_len - hlen - 1] = 0x01;
	memcpy(db + db_len - hlen, mp + 8 + hlen, hlen);
	if (mgf1_xor(md, hlen, db, db_len, hash) != 0)
		goto fail;
	db[0] &= (uint8_t)(0xff >> (8 * em_len - (size_t)em_bits));
	memcpy(db + db_len, hash, hlen);
	db[em_len - 1] = 0xbc;
	/* RSASP1 */
	olen = k;
	if ((pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL ||
	    EVP_PKEY_sign_init(pctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_NO_PADDING) != 1 ||
	    EVP_PKEY_sign(pctx, out, &olen, em, k) != 1 || olen != k) {
		r = FSIM_ERR_ARG;       /* most likely a key without its private half */
		goto fail;
	}
	sig->ptr = out;
	sig->len = olen;
	out = NULL;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	EVP_PKEY_CTX_free(pctx);
	free(em);
	free(out);
	fsim_wipe(mp, sizeof(mp));
	return r;
}
