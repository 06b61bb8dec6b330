/*
 * mldsa_prov.c — a built-in OpenSSL provider ("fsim-mldsa") that gives
 * OpenSSL before 3.5 the ML-DSA-44/65/87 key types and signatures of
 * mldsa_sign.c, so ML-DSA keys are EVP_PKEYs as with OpenSSL 3.5 and the
 * code above core/ need not know which one it has.
 *
 * What it offers is what fidosim uses, named as OpenSSL 3.5 names it:
 * keys imported from "seed" (the 32-byte xi; key pair) or "pub"; their
 * "pub", "seed", "bits", "security-bits" and "max-size" parameters;
 * EVP_PKEY_eq; one-shot EVP_DigestSign / EVP_DigestVerify (pure ML-DSA,
 * no pre-hash) with "context-string", "test-entropy" (rnd) and
 * "deterministic". No key generation from OpenSSL's RNG (fidosim draws seeds
 * from its own random source), no encoders: core/cose_key.c writes the
 * SubjectPublicKeyInfo and authenticator/keys.c the PKCS#8 form.
 *
 * The provider is added to the default library context beside the default
 * provider (OSSL_PROVIDER_try_load keeps the fallback) once, thread-safely,
 * by fsim_mldsa_provider_init.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "mldsa.h"
#include "mldsa_int.h"

#if OPENSSL_VERSION_NUMBER >= 0x30500000L

int
fsim_mldsa_provider_init(void)
{
	return 0;  /* OpenSSL provides ML-DSA itself */
}

#else

#define PROV_NAME "fsim-mldsa"

/* Key data: the set, and the expanded key once imported. */
struct kd {
	int set;
	fsim_mldsa_raw_t *raw;
};

/* Signature operation context. */
struct sctx {
	struct kd *key;
	uint8_t context[255];
	size_t context_len;
	uint8_t entropy[32];
	bool has_entropy;
	int deterministic;
};

static void *
kd_new(int set)
{
	struct kd *k = calloc(1, sizeof(*k));

	if (k != NULL)
		k->set = set;
	return k;
}

static void *kd_new44(void *provctx) { (void)provctx; return kd_new(44); }
static void *kd_new65(void *provctx) { (void)provctx; return kd_new(65); }
static void *kd_new87(void *provctx) { (void)provctx; return kd_new(87); }

static void
kd_free(void *vk)
{
	struct kd *k = vk;

	if (k == NULL)
		return;
	fsim_mldsa_raw_free(&k->raw);
	free(k);
}

static int
kd_has(const void *vk, int selection)
{
	const struct kd *k = vk;

	if (k == NULL)
		return 0;
	if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0 && k->raw == NULL)
		return 0;
	if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 &&
	    fsim_mldsa_raw_seed(k->raw) == NULL)
		return 0;
	return 1;
}

static int
kd_match(const void *va, const void *vb, int selection)
{
	const struct kd *a = va, *b = vb;

	if (a->set != b->set)
		return 0;
	if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) == 0)
		return 1;
	return fsim_mldsa_raw_equal(a->raw, b->raw) ? 1 : 0;
}

static int
kd_import(void *vk, int selection, const OSSL_PARAM params[])
{
	struct kd *k = vk;
	const OSSL_PARAM *ps = OSSL_PARAM_locate_const(params, "seed");
	const OSSL_PARAM *pp = OSSL_PARAM_locate_const(params, "pub");
	const void *p = NULL;
	size_t len = 0, plen;
	const uint8_t *pub;

	if (k == NULL || k->raw != NULL)
		return 0;
	if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && ps != NULL) {
		if (OSSL_PARAM_get_octet_string_ptr(ps, &p, &len) != 1 || len != 32 ||
		    fsim_mldsa_raw_from_seed(k->set, p, &k->raw) != 0)
			return 0;
		/* a public key given beside the seed must be the seed's */
		if (pp != NULL) {
			pub = fsim_mldsa_raw_public(k->raw, &plen);
			if (OSSL_PARAM_get_octet_string_ptr(pp, &p, &len) != 1 ||
			    len != plen || memcmp(p, pub, len) != 0) {
				fsim_mldsa_raw_free(&k->raw);
				return 0;
			}
		}
		return 1;
	}
	if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0 && pp != NULL) {
		if (OSSL_PARAM_get_octet_string_ptr(pp, &p, &len) != 1 ||
		    fsim_mldsa_raw_from_public(k->set, p, len, &k->raw) != 0)
			return 0;
		return 1;
	}
	return 0;
}

static const OSSL_PARAM key_types[] = {
	OSSL_PARAM_octet_string("seed", NULL, 0),
	OSSL_PARAM_octet_string("pub", NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *
kd_types(int selection)
{
	(void)selection;
	return key_types;
}

static int
kd_export(void *vk, int selection, OSSL_CALLBACK *cb, void *cbarg)
{
	struct kd *k = vk;
	OSSL_PARAM params[3];
	const uint8_t *pub, *seed;
	size_t n = 0, plen;

	if (k == NULL || k->raw == NULL)
		return 0;
	pub = fsim_mldsa_raw_public(k->raw, &plen);
	seed = fsim_mldsa_raw_seed(k->raw);
	if ((selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0)
		params[n++] = OSSL_PARAM_construct_octet_string("pub",
		    (void *)(uintptr_t)pub, plen);
	if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && seed != NULL)
		params[n++] = OSSL_PARAM_construct_octet_string("seed",
		    (void *)(uintptr_t)seed, 32);
	params[n] = OSSL_PARAM_construct_end();
	return cb(params, cbarg);
}

static int
kd_get_params(void *vk, OSSL_PARAM params[])
{
	struct kd *k = vk;
	const struct fsim_mldsa_params *pp = fsim_mldsa_params(k->set);
	const uint8_t *pub, *seed;
	size_t plen;
	OSSL_PARAM *p;

	/* as OpenSSL 3.5: bits is the public key's, security-bits the category's */
	if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_BITS)) != NULL &&
	    OSSL_PARAM_set_int(p, (int)(8 * pp->pk_len)) != 1)
		return 0;
	if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_SECURITY_BITS)) != NULL &&
	    OSSL_PARAM_set_int(p, k->set == 44 ? 128 : k->set == 65 ? 192 : 256) != 1)
		return 0;
	if ((p = OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_MAX_SIZE)) != NULL &&
	    OSSL_PARAM_set_int(p, (int)pp->sig_len) != 1)
		return 0;
	if (k->raw == NULL)
		return 1;
	pub = fsim_mldsa_raw_public(k->raw, &plen);
	if ((p = OSSL_PARAM_locate(params, "pub")) != NULL &&
	    OSSL_PARAM_set_octet_string(p, pub, plen) != 1)
		return 0;
	seed = fsim_mldsa_raw_seed(k->raw);
	if ((p = OSSL_PARAM_locate(params, "seed")) != NULL &&
	    (seed == NULL || OSSL_PARAM_set_octet_string(p, seed, 32) != 1))
		return 0;
	return 1;
}

static const OSSL_PARAM gettable[] = {
	OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
	OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
	OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
	OSSL_PARAM_octet_string("pub", NULL, 0),
	OSSL_PARAM_octet_string("seed", NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *
kd_gettable(void *provctx)
{
	(void)provctx;
	return gettable;
}

#define KEYMGMT(set)                                                              \
static const OSSL_DISPATCH keymgmt_##set[] = {                                     \
	{ OSSL_FUNC_KEYMGMT_NEW, (void (*)(void))kd_new##set },                     \
	{ OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))kd_free },                        \
	{ OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))kd_has },                          \
	{ OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))kd_match },                      \
	{ OSSL_FUNC_KEYMGMT_IMPORT, (void (*)(void))kd_import },                    \
	{ OSSL_FUNC_KEYMGMT_IMPORT_TYPES, (void (*)(void))kd_types },               \
	{ OSSL_FUNC_KEYMGMT_EXPORT, (void (*)(void))kd_export },                    \
	{ OSSL_FUNC_KEYMGMT_EXPORT_TYPES, (void (*)(void))kd_types },               \
	{ OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))kd_get_params },            \
	{ OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))kd_gettable },         \
	{ 0, NULL }                                                                 \
};
KEYMGMT(44)
KEYMGMT(65)
KEYMGMT(87)

static void *
s_new(void *provctx, const char *propq)
{
	(void)provctx;
	(void)propq;
	return calloc(1, sizeof(struct sctx));
}

static void
s_free(void *vc)
{
	if (vc == NULL)
		return;
	fsim_wipe(vc, sizeof(struct sctx));
	free(vc);
}

static void *
s_dup(void *vc)
{
	struct sctx *c = malloc(sizeof(*c));

	if (c != NULL)
		memcpy(c, vc, sizeof(*c));
	return c;
}

static int
s_set_params(void *vc, const OSSL_PARAM params[])
{
	struct sctx *c = vc;
	const OSSL_PARAM *p;
	const void *v;
	size_t len;

	if (params == NULL)
		return 1;
	if ((p = OSSL_PARAM_locate_const(params, "context-string")) != NULL) {
		if (OSSL_PARAM_get_octet_string_ptr(p, &v, &len) != 1 ||
		    len > sizeof(c->context))
			return 0;
		memcpy(c->context, v, len);
		c->context_len = len;
	}
	if ((p = OSSL_PARAM_locate_const(params, "test-entropy")) != NULL) {
		if (OSSL_PARAM_get_octet_string_ptr(p, &v, &len) != 1 ||
		    len != sizeof(c->entropy))
			return 0;
		memcpy(c->entropy, v, len);
		c->has_entropy = true;
	}
	if ((p = OSSL_PARAM_locate_const(params, "deterministic")) != NULL &&
	    OSSL_PARAM_get_int(p, &c->deterministic) != 1)
		return 0;
	return 1;
}

static const OSSL_PARAM settable[] = {
	OSSL_PARAM_octet_string("context-string", NULL, 0),
	OSSL_PARAM_octet_string("test-entropy", NULL, 0),
	OSSL_PARAM_int("deterministic", NULL),
	OSSL_PARAM_END
};

static const OSSL_PARAM *
s_settable(void *vc, void *provctx)
{
	(void)vc;
	(void)provctx;
	return settable;
}

/* Pure ML-DSA only: a digest name is an error (there is no HashML-DSA here). */
static int
s_init(void *vc, const char *mdname, void *vk, const OSSL_PARAM params[])
{
	struct sctx *c = vc;
	struct kd *k = vk;

	if (mdname != NULL && mdname[0] != '\0')
		return 0;
	if (k == NULL || k->raw == NULL)
		return 0;
	fsim_wipe(c, sizeof(*c));
	c->key = k;
	return s_set_params(c, params);
}

static int
s_sign(void *vc, unsigned char *sig, size_t *siglen, size_t sigsize,
    const unsigned char *tbs, size_t tbslen)
{
	struct sctx *c = vc;
	const struct fsim_mldsa_params *pp = fsim_mldsa_params(c->key->set);
	uint8_t mu[64], rnd[32];
	int ok = 0;

	if (sig == NULL) {
		*siglen = pp->sig_len;
		return 1;
	}
	if (sigsize < pp->sig_len || fsim_mldsa_raw_seed(c->key->raw) == NULL)
		return 0;
	if (c->has_entropy)
		memcpy(rnd, c->entropy, sizeof(rnd));
	else if (c->deterministic)
		memset(rnd, 0, sizeof(rnd));
	else if (RAND_priv_bytes(rnd, sizeof(rnd)) != 1)
		return 0;
	if (fsim_mldsa_raw_mu(c->key->raw, c->context, c->context_len, tbs, tbslen,
	    mu) == 0 && fsim_mldsa_raw_sign_mu(c->key->raw, mu, rnd, sig) == 0) {
		*siglen = pp->sig_len;
		ok = 1;
	}
	fsim_wipe(rnd, sizeof(rnd));
	fsim_wipe(mu, sizeof(mu));
	return ok;
}

static int
s_verify(void *vc, const unsigned char *sig, size_t siglen,
    const unsigned char *tbs, size_t tbslen)
{
	struct sctx *c = vc;
	uint8_t mu[64];

	if (fsim_mldsa_raw_mu(c->key->raw, c->context, c->context_len, tbs, tbslen,
	    mu) != 0)
		return 0;
	return fsim_mldsa_raw_verify_mu(c->key->raw, mu, sig, siglen) == 0 ? 1 : 0;
}

static const OSSL_DISPATCH signature[] = {
	{ OSSL_FUNC_SIGNATURE_NEWCTX, (void (*)(void))s_new },
	{ OSSL_FUNC_SIGNATURE_FREECTX, (void (*)(void))s_free },
	{ OSSL_FUNC_SIGNATURE_DUPCTX, (void (*)(void))s_dup },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, (void (*)(void))s_init },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN, (void (*)(void))s_sign },
	{ OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_INIT, (void (*)(void))s_init },
	{ OSSL_FUNC_SIGNATURE_DIGEST_VERIFY, (void (*)(void))s_verify },
	{ OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, (void (*)(void))s_set_params },
	{ OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS, (void (*)(void))s_settable },
	{ 0, NULL }
};

#define NAMES(n, oid) "ML-DSA-" #n ":MLDSA" #n ":id-ml-dsa-" #n ":" oid
static const OSSL_ALGORITHM keymgmt_algs[] = {
	{ NAMES(44, "2.16.840.1.101.3.4.3.17"), "provider=" PROV_NAME, keymgmt_44,
	    "ML-DSA-44 (FIPS 204), fidosim" },
	{ NAMES(65, "2.16.840.1.101.3.4.3.18"), "provider=" PROV_NAME, keymgmt_65,
	    "ML-DSA-65 (FIPS 204), fidosim" },
	{ NAMES(87, "2.16.840.1.101.3.4.3.19"), "provider=" PROV_NAME, keymgmt_87,
	    "ML-DSA-87 (FIPS 204), fidosim" },
	{ NULL, NULL, NULL, NULL }
};
static const OSSL_ALGORITHM signature_algs[] = {
	{ NAMES(44, "2.16.840.1.101.3.4.3.17"), "provider=" PROV_NAME, signature, NULL },
	{ NAMES(65, "2.16.840.1.101.3.4.3.18"), "provider=" PROV_NAME, signature, NULL },
	{ NAMES(87, "2.16.840.1.101.3.4.3.19"), "provider=" PROV_NAME, signature, NULL },
	{ NULL, NULL, NULL, NULL }
};

static const OSSL_ALGORITHM *
query(void *provctx, int operation_id, int *no_cache)
{
	(void)provctx;
	*no_cache = 0;
	switch (operation_id) {
	case OSSL_OP_KEYMGMT: return keymgmt_algs;
	case OSSL_OP_SIGNATURE: return signature_algs;
	default: return NULL;
	}
}

static const OSSL_DISPATCH prov_functions[] = {
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))query },
	{ 0, NULL }
};

static int
prov_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
    const OSSL_DISPATCH **out, void **provctx)
{
	(void)handle;
	(void)in;
	*out = prov_functions;
	*provctx = NULL;
	return 1;
}

static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;
static int init_result = FSIM_ERR_INTERNAL;
static OSSL_PROVIDER *loaded;

/*
 * Our reference to the provider is dropped at exit, before OpenSSL's own
 * cleanup (registered earlier, so run later), which then frees it.
 */
static void
unload(void)
{
	OSSL_PROVIDER_unload(loaded);
	loaded = NULL;
}

static void
do_init(void)
{
	/* try_load with retain_fallbacks: the default provider stays available */
	if (OSSL_PROVIDER_add_builtin(NULL, PROV_NAME, prov_init) == 1 &&
	    (loaded = OSSL_PROVIDER_try_load(NULL, PROV_NAME, 1)) != NULL) {
		init_result = 0;
		if (atexit(unload) != 0)
			init_result = FSIM_ERR_INTERNAL;
	}
	ERR_clear_error();
}

int
fsim_mldsa_provider_init(void)
{
	if (CRYPTO_THREAD_run_once(&once, do_init) != 1)
		return FSIM_ERR_INTERNAL;
	return init_result;
}

#endif /* OPENSSL_VERSION_NUMBER < 0x30500000L */
