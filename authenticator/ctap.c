/*
 * ctap.c — the CTAP 2.1 authenticator: configuration, dispatch of the
 * commands (§6), authenticatorGetInfo (§6.4), Reset (§6.6), Selection (§6.9),
 * and the helpers the command files share.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authenticator/internal.h"
#include "core/sig_tmpl.h"

static const fsim_quirk_info_t quirk_table[FSIM_QUIRK__COUNT] = {
#define FSIM_QUIRK(sym, name, rule, what) [FSIM_QUIRK_##sym] = { name, rule, what },
#include "authenticator/quirks.def"
#undef FSIM_QUIRK
};

const fsim_quirk_info_t *
fsim_quirk_info(fsim_quirk_t q)
{
	return ((int)q < 0 || q >= FSIM_QUIRK__COUNT) ? NULL : &quirk_table[q];
}

bool
fsim_quirk_find(const char *name, fsim_quirk_t *out)
{
	size_t i;

	for (i = 0; name != NULL && i < FSIM_QUIRK__COUNT; i++)
		if (strcmp(quirk_table[i].name, name) == 0) {
			*out = (fsim_quirk_t)i;
			return true;
		}
	return false;
}

void
fsim_authn_config_init(fsim_authn_config_t *c)
{
	memset(c, 0, sizeof(*c));
	c->uv = FSIM_UVMODE_AUTO;
	c->counter = FSIM_COUNTER_PER_CREDENTIAL;
	c->algs[0] = FSIM_COSE_ES256;
	c->algs[1] = FSIM_COSE_EDDSA;
	c->algs[2] = FSIM_COSE_ES384;
	c->algs[3] = FSIM_COSE_RS256;
	c->n_algs = 4;
	c->attestation = FSIM_ATTFMT_NONE;
	strcpy(c->transports[0], "usb");
	c->n_transports = 1;
	c->rk_capable = true;
	c->cond_create = FSIM_CC_REFUSE;
	c->sig_unknown = FSIM_SIG_HIDE;
	c->sig_accepted = FSIM_SIG_HIDE;
	c->sig_details = FSIM_SIG_UPDATE;
}

int
fsim_authn_new(const fsim_authn_config_t *cfg, const fsim_env_t *env,
    fsim_store_t *store, fsim_authn_t **out)
{
	fsim_authn_t *a;

	*out = NULL;
	if (cfg == NULL || env == NULL || store == NULL)
		return FSIM_ERR_ARG;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return FSIM_ERR_NOMEM;
	a->cfg = *cfg;
	a->env = env;
	a->store = store;
	if ((a->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL) {
		free(a);
		return FSIM_ERR_INTERNAL;
	}
	*out = a;
	return FSIM_OK;
}

static void
next_reset(fsim_authn_t *a)
{
	size_t i;

	for (i = 0; i < a->next.n; i++)
		fsim_blob_reset(&a->next.ids[i]);
	free(a->next.rp_id);
	memset(&a->next, 0, sizeof(a->next));
}

EVP_PKEY *
fsim_kc_get(fsim_authn_t *a, const uint8_t *id, size_t len, const uint8_t rp_id_hash[32],
    bool wrapped, int *alg, uint8_t *flags, uint8_t *cred_protect, uint8_t id_hash[32])
{
	size_t i;

	for (i = 0; i < FSIM_KEY_CACHE; i++) {
		struct fsim_key_cache_entry *e = &a->kc[i];

		if (e->key == NULL || e->wrapped != wrapped || !fsim_blob_eq(&e->id, id, len) ||
		    (wrapped && memcmp(e->rp_id_hash, rp_id_hash, 32) != 0))
			continue;
		if (EVP_PKEY_up_ref(e->key) != 1)
			return NULL;
		*alg = e->alg;
		*flags = e->flags;
		*cred_protect = e->cred_protect;
		memcpy(id_hash, e->id_hash, 32);
		return e->key;
	}
	return NULL;
}

void
fsim_kc_put(fsim_authn_t *a, const uint8_t *id, size_t len, const uint8_t rp_id_hash[32],
    bool wrapped, EVP_PKEY *key, int alg, uint8_t flags, uint8_t cred_protect)
{
	struct fsim_key_cache_entry *e = &a->kc[a->kc_next];

	if (EVP_PKEY_up_ref(key) != 1)
		return;
	fsim_sig_tmpl_forget(e->key);
	EVP_PKEY_free(e->key);
	e->key = NULL;
	if (fsim_blob_set(&e->id, id, len) != 0 ||
	    fsim_authn_sha256(a, id, len, NULL, 0, e->id_hash) != 0) {
		EVP_PKEY_free(key);
		fsim_blob_reset(&e->id);
		return;
	}
	memcpy(e->rp_id_hash, rp_id_hash, 32);
	e->wrapped = wrapped;
	e->key = key;
	e->alg = alg;
	e->flags = flags;
	e->cred_protect = cred_protect;
	a->kc_next = (a->kc_next + 1) % FSIM_KEY_CACHE;
}

void
fsim_kc_clear(fsim_authn_t *a)
{
	size_t i;

	for (i = 0; i < FSIM_KEY_CACHE; i++) {
		fsim_sig_tmpl_forget(a->kc[i].key);
		EVP_PKEY_free(a->kc[i].key);
		fsim_blob_reset(&a->kc[i].id);
	}
	memset(a->kc, 0, sizeof(a->kc));
	a->kc_next = 0;
}

void
fsim_authn_free(fsim_authn_t **ap)
{
	fsim_authn_t *a;

	if (ap == NULL || (a = *ap) == NULL)
		return;
	next_reset(a);
	fsim_cm_reset(a);
	fsim_pin_reset(a);
	fsim_kc_clear(a);
	fsim_ca_free(&a->ca);
	EVP_MD_free(a->sha256);
	fsim_wipe(a, sizeof(*a));
	free(a);
	*ap = NULL;
}

int
fsim_authn_ca(fsim_authn_t *a, fsim_ca_t **ca)
{
	if (a->ca == NULL && fsim_ca_load(a->store, a->env, &a->ca) != 0)
		return FSIM_ERR_INTERNAL;
	*ca = a->ca;
	return FSIM_OK;
}

/* ---- request parsing (CTAP 2.1 6: wrong types are CBOR_UNEXPECTED_TYPE) ---- */

uint8_t
fsim_req_bytes(const cbor_item_t *it, bool required, size_t min, size_t max,
    const uint8_t **p, size_t *n)
{
	if (it == NULL)
		return required ? FSIM_CTAP2_ERR_MISSING_PARAMETER : 0;
	if (fsim_cbor_get_bytes(it, p, n) != 0)
		return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
	if (*n < min || *n > max)
		return FSIM_CTAP1_ERR_INVALID_LENGTH;
	return 0;
}

uint8_t
fsim_req_text(const cbor_item_t *it, bool required, char **out)
{
	*out = NULL;
	if (it == NULL)
		return required ? FSIM_CTAP2_ERR_MISSING_PARAMETER : 0;
	if (!cbor_isa_string(it))
		return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
	if (fsim_cbor_get_text(it, out) != 0)
		return FSIM_CTAP2_ERR_INVALID_CBOR;
	return 0;
}

uint8_t
fsim_req_bool(const cbor_item_t *it, int *out)
{
	*out = -1;
	if (it == NULL)
		return 0;
	if (!cbor_isa_float_ctrl(it) || !cbor_float_ctrl_is_ctrl(it) || !cbor_is_bool(it))
		return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
	*out = cbor_get_bool(it) ? 1 : 0;
	return 0;
}

uint8_t
fsim_req_uint(const cbor_item_t *it, bool required, uint64_t max, uint64_t *out)
{
	*out = 0;
	if (it == NULL)
		return required ? FSIM_CTAP2_ERR_MISSING_PARAMETER : 0;
	if (!cbor_isa_uint(it))
		return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
	*out = cbor_get_int(it);
	return *out > max ? FSIM_CTAP1_ERR_INVALID_PARAMETER : 0;
}

uint8_t
fsim_req_map(const cbor_item_t *it, bool required)
{
	if (it == NULL)
		return required ? FSIM_CTAP2_ERR_MISSING_PARAMETER : 0;
	return cbor_isa_map(it) ? 0 : FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
}

uint8_t
fsim_req_array(const cbor_item_t *it, bool required)
{
	if (it == NULL)
		return required ? FSIM_CTAP2_ERR_MISSING_PARAMETER : 0;
	return cbor_isa_array(it) ? 0 : FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
}

uint8_t
fsim_resp_encode(cbor_item_t *map, fsim_blob_t *resp)
{
	uint8_t st = FSIM_CTAP2_ERR_PROCESSING;

	if (map != NULL && fsim_cbor_encode(map, resp) == 0)
		st = FSIM_CTAP1_ERR_SUCCESS;
	if (map != NULL)
		cbor_decref(&map);
	return st;
}

/* ---- shared helpers ---- */

bool
fsim_authn_user_verified(const fsim_authn_t *a)
{
	return a->cfg.uv != FSIM_UVMODE_FAIL && a->env->user_verification(a->env->ctx) == 1;
}

int
fsim_authn_sha256(const fsim_authn_t *a, const void *p, size_t n, const void *q, size_t m,
    uint8_t out[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	int r = FSIM_ERR_INTERNAL;

	if (ctx != NULL && EVP_DigestInit_ex(ctx, a->sha256, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, p, n) == 1 && (q == NULL || EVP_DigestUpdate(ctx, q, m) == 1) &&
	    EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == 32)
		r = FSIM_OK;
	EVP_MD_CTX_free(ctx);
	return r;
}

void
fsim_authn_rp_id_hash(const fsim_authn_t *a, const char *rp_id, uint8_t out[32])
{
	/* The quirk hashes the RP ID with a suffix: a hash of another RP ID. */
	bool wrong = fsim_quirk_on(a, FSIM_QUIRK_WRONG_RPID_HASH);

	if (fsim_authn_sha256(a, rp_id, strlen(rp_id), wrong ? ".wrong" : NULL, wrong ? 6 : 0,
	    out) != 0)
		memset(out, 0, 32);
}

int
fsim_authn_cose_bytes(const fsim_authn_t *a, EVP_PKEY *key, int alg, const uint8_t *pt,
    size_t ptlen, fsim_blob_t *out)
{
	fsim_cose_key_t *k = NULL;
	cbor_item_t *m = NULL;
	struct cbor_pair *p;
	size_t i, n;
	int r;

	/* our own EC key with its point at hand: no key object, no re-check */
	if (pt == NULL || (r = fsim_cose_ec2_encode(alg, pt, ptlen, out)) != 0) {
		if ((r = fsim_cose_key_from_pkey(key, alg, &k)) != 0)
			return r;
		r = fsim_cose_key_encode(k, out);
		fsim_cose_key_free(&k);
	}
	if (r != 0 || !fsim_quirk_on(a, FSIM_QUIRK_NON_CANONICAL_CBOR))
		return r;
	/* The quirk: the same map with its entries in reverse order (not canonical). */
	if (fsim_cbor_decode(out->ptr, out->len, &m, NULL) != 0)
		return FSIM_ERR_INTERNAL;
	p = cbor_map_handle(m);
	n = cbor_map_size(m);
	for (i = 0; i < n / 2; i++) {
		struct cbor_pair t = p[i];
		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
	{
		unsigned char *buf = NULL;
		size_t cap = 0, len = cbor_serialize_alloc(m, &buf, &cap);

		r = len == 0 ? FSIM_ERR_NOMEM : fsim_blob_set(out, buf, len);
		free(buf);
	}
	cbor_decref(&m);
	return r;
}

int
fsim_authn_sign(const fsim_authn_t *a, EVP_PKEY *key, int alg, const uint8_t *msg,
    size_t n, fsim_blob_t *sig)
{
	int r;

	if ((r = fsim_key_sign(a->env, key, alg, msg, n, sig)) != 0)
		return r;
	if (fsim_quirk_on(a, FSIM_QUIRK_RAW_ECDSA_SIGNATURE) && sig->len > 8 &&
	    sig->ptr[0] == 0x30) {
		/* DER SEQUENCE { INTEGER r, INTEGER s } -> fixed-length r || s. */
		size_t half = (size_t)(EVP_PKEY_get_bits(key) + 7) / 8;
		uint8_t raw[2 * 66];

		if (fsim_sig_ecdsa_raw(sig->ptr, sig->len, half, raw) != FSIM_OK)
			return FSIM_ERR_INTERNAL;
		if ((r = fsim_blob_set(sig, raw, 2 * half)) != 0)
			return r;
	}
	if (fsim_quirk_on(a, FSIM_QUIRK_BAD_SIGNATURE) && sig->len > 0)
		sig->ptr[sig->len - 1] ^= 0x01;
	return FSIM_OK;
}

/* ---- authenticatorGetInfo (6.4) ---- */

/* A text array; NULL when out of memory. */
static cbor_item_t *
text_array(const char *const *v, size_t n)
{
	cbor_item_t *a = cbor_new_definite_array(n), *s;
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		if ((s = fsim_cbor_text(v[i])) == NULL || !cbor_array_push(a, s)) {
			if (s)
				cbor_decref(&s);
			cbor_decref(&a);
			return NULL;
		}
		cbor_decref(&s);
	}
	return a;
}

static cbor_item_t *
info_options(const fsim_authn_t *a)
{
	cbor_item_t *o = cbor_new_definite_map(7);
	bool uv = a->cfg.uv != FSIM_UVMODE_NEVER;

	if (o == NULL ||
	    fsim_cbor_map_put(o, fsim_cbor_text("rk"), cbor_build_bool(a->cfg.rk_capable)) != 0 ||
	    fsim_cbor_map_put(o, fsim_cbor_text("up"), cbor_build_bool(true)) != 0 ||
	    /* "uv" true: built-in UV is ready (nothing to enroll) */
	    (uv && fsim_cbor_map_put(o, fsim_cbor_text("uv"), cbor_build_bool(true)) != 0) ||
	    /* clientPin: supported (fsim_authn_pin_enable), true once a PIN is set */
	    (a->pin_supported && fsim_cbor_map_put(o, fsim_cbor_text("clientPin"),
	    cbor_build_bool(a->pin_set)) != 0) ||
	    ((uv || a->pin_supported) && fsim_cbor_map_put(o, fsim_cbor_text("pinUvAuthToken"),
	    cbor_build_bool(true)) != 0) ||
	    /* credMgmt: with discoverable credentials and a way to a cm token */
	    (fsim_cm_available(a) &&
	    fsim_cbor_map_put(o, fsim_cbor_text("credMgmt"), cbor_build_bool(true)) != 0) ||
	    fsim_cbor_map_put(o, fsim_cbor_text("makeCredUvNotRqd"), cbor_build_bool(true)) != 0) {
		if (o)
			cbor_decref(&o);
		return NULL;
	}
	return o;
}

static cbor_item_t *
info_algorithms(const fsim_authn_t *a)
{
	cbor_item_t *arr = cbor_new_definite_array(a->cfg.n_algs), *e = NULL;
	size_t i;

	for (i = 0; arr != NULL && i < a->cfg.n_algs; i++) {
		if ((e = cbor_new_definite_map(2)) == NULL ||
		    fsim_cbor_map_put(e, fsim_cbor_text("alg"), fsim_cbor_int(a->cfg.algs[i])) != 0 ||
		    fsim_cbor_map_put(e, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0 ||
		    !cbor_array_push(arr, e)) {
			if (e)
				cbor_decref(&e);
			cbor_decref(&arr);
			return NULL;
		}
		cbor_decref(&e);
	}
	return arr;
}

/* pinUvAuthProtocols: two, then one (the preferred first, §6.4). */
static cbor_item_t *
protocols(void)
{
	cbor_item_t *arr = cbor_new_definite_array(2);

	if (arr != NULL && (fsim_cbor_array_push(arr, fsim_cbor_int(2)) != 0 ||
	    fsim_cbor_array_push(arr, fsim_cbor_int(1)) != 0))
		cbor_decref(&arr);
	return arr;
}

static uint8_t
get_info(fsim_authn_t *a, fsim_blob_t *resp)
{
	static const char *const versions[] = { "U2F_V2", "FIDO_2_0", "FIDO_2_1" };
	static const char *const exts[] = { "credBlob", "credProtect", "hmac-secret" };
	const char *tr[4];
	cbor_item_t *m = cbor_new_definite_map(12);
	uint8_t aaguid[16];
	size_t i;

	for (i = 0; i < a->cfg.n_transports && i < 4; i++)
		tr[i] = a->cfg.transports[i];
	memcpy(aaguid, a->cfg.aaguid, 16);
	if (fsim_quirk_on(a, FSIM_QUIRK_GETINFO_AAGUID_MISMATCH))
		aaguid[15] ^= 0x01;
	/* Each put takes its value, even when it fails; stop at the first failure. */
	if (m == NULL ||
	    fsim_cbor_map_put(m, fsim_cbor_int(1), text_array(versions, 3)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(2), text_array(exts, 3)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(3), fsim_cbor_bytes(aaguid, 16)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(4), info_options(a)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(5), fsim_cbor_int(7609)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(6), protocols()) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(7), fsim_cbor_int(FSIM_MAX_NEXT)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(8), fsim_cbor_int(FSIM_CRED_ID_MAX)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(9), text_array(tr, i)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(10), info_algorithms(a)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(14), fsim_cbor_int(1)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(15), fsim_cbor_int(32)) != 0) {
		if (m)
			cbor_decref(&m);
		return FSIM_CTAP2_ERR_PROCESSING;
	}
	return fsim_resp_encode(m, resp);
}

/* ---- dispatch ---- */

uint8_t
fsim_authn_request(fsim_authn_t *a, const uint8_t *req, size_t len, fsim_blob_t *resp)
{
	cbor_item_t *map = NULL;
	uint8_t cmd, st;

	fsim_blob_reset(resp);
	if (a == NULL || req == NULL || len == 0)
		return FSIM_CTAP1_ERR_INVALID_LENGTH;
	cmd = req[0];
	if (len > 1) {
		/* CTAP 2.1 8: the request map is canonical CBOR; anything malformed is INVALID_CBOR. */
		if (fsim_cbor_decode(req + 1, len - 1, &map, NULL) != 0)
			return FSIM_CTAP2_ERR_INVALID_CBOR;
		if (!cbor_isa_map(map)) {
			cbor_decref(&map);
			return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
		}
	}
	if (cmd != FSIM_CTAP_GET_NEXT_ASSERTION && cmd != FSIM_CTAP_GET_INFO)
		next_reset(a);
	if (cmd != FSIM_CTAP_CRED_MGMT && cmd != FSIM_CTAP_GET_INFO)
		fsim_cm_reset(a);
	/*
	 * One store transaction per command that touches the store, begun
	 * before its first read (the writer lock held until the commands's
	 * save), so processes sharing the store never interleave.
	 */
	if (cmd == FSIM_CTAP_MAKE_CREDENTIAL || cmd == FSIM_CTAP_GET_ASSERTION ||
	    cmd == FSIM_CTAP_GET_NEXT_ASSERTION || cmd == FSIM_CTAP_RESET ||
	    cmd == FSIM_CTAP_CLIENT_PIN || cmd == FSIM_CTAP_CRED_MGMT) {
		if (fsim_store_begin(a->store) != 0) {
			if (map != NULL)
				cbor_decref(&map);
			return FSIM_CTAP2_ERR_PROCESSING;
		}
		/* Another process reset the store: keys cached from old IDs are void. */
		if (memcmp(a->kc_wrap_key, fsim_store_wrap_key(a->store), 32) != 0) {
			fsim_kc_clear(a);
			memcpy(a->kc_wrap_key, fsim_store_wrap_key(a->store), 32);
		}
	}
	switch (cmd) {
	case FSIM_CTAP_MAKE_CREDENTIAL:
		st = map ? fsim_ctap_make_credential(a, map, resp) : FSIM_CTAP2_ERR_MISSING_PARAMETER;
		break;
	case FSIM_CTAP_GET_ASSERTION:
		st = map ? fsim_ctap_get_assertion(a, map, resp) : FSIM_CTAP2_ERR_MISSING_PARAMETER;
		break;
	case FSIM_CTAP_GET_NEXT_ASSERTION:
		st = fsim_ctap_get_next_assertion(a, resp);
		break;
	case FSIM_CTAP_GET_INFO:
		st = get_info(a, resp);
		break;
	case FSIM_CTAP_CLIENT_PIN:
		st = map ? fsim_ctap_client_pin(a, map, resp) : FSIM_CTAP2_ERR_MISSING_PARAMETER;
		break;
	case FSIM_CTAP_CRED_MGMT:
		/* Only where getInfo advertises credMgmt. */
		if (!fsim_cm_available(a))
			st = FSIM_CTAP1_ERR_INVALID_COMMAND;
		else
			st = map ? fsim_ctap_cred_mgmt(a, map, resp) : FSIM_CTAP2_ERR_MISSING_PARAMETER;
		break;
	case FSIM_CTAP_RESET:
		/* 6.6: user presence, then everything but the attestation CA goes. */
		if (a->env->user_presence(a->env->ctx) != 1)
			st = FSIM_CTAP2_ERR_OPERATION_DENIED;
		else {
			fsim_pin_reset(a);
			/* The PIN goes too; PIN support stays (6.6). */
			a->pin_set = false;
			a->pin_retries = 8;
			a->pin_fails = 0;
			fsim_wipe(a->pin_hash, sizeof(a->pin_hash));
			fsim_kc_clear(a);
			st = fsim_store_reset(a->store, a->env) == 0 &&
			    fsim_store_save(a->store) == 0 ? 0 : FSIM_CTAP2_ERR_PROCESSING;
		}
		break;
	case FSIM_CTAP_SELECTION:
		st = a->env->user_presence(a->env->ctx) == 1 ? 0 : FSIM_CTAP2_ERR_OPERATION_DENIED;
		break;
	default:
		st = FSIM_CTAP1_ERR_INVALID_COMMAND;
		break;
	}
	if (map != NULL)
		cbor_decref(&map);
	/* Whatever a failed command changed is not kept (a success has saved already). */
	fsim_store_rollback(a->store);
	if (st != 0)
		fsim_blob_reset(resp);
	return st;
}

int
fsim_authn_set_bs(fsim_authn_t *a, const uint8_t *id, size_t len, bool bs)
{
	fsim_cred_t *c = fsim_store_find_cred(a->store, id, len);

	if (c == NULL)
		return FSIM_ERR_NOT_FOUND;
	c->bs = bs;
	return fsim_store_save(a->store);
}

int
fsim_authn_set_be(fsim_authn_t *a, const uint8_t *id, size_t len, bool be)
{
	fsim_cred_t *c;

	if (a == NULL || (id == NULL && len > 0))
		return FSIM_ERR_ARG;
	if ((c = fsim_store_find_cred(a->store, id, len)) == NULL)
		return FSIM_ERR_NOT_FOUND;
	/* Assertions read BE from the stored credential (ctap_ga.c, lookup). */
	c->be = be;
	return fsim_store_save(a->store);
}

int
fsim_authn_set_counter(fsim_authn_t *a, const uint8_t *id, size_t len, uint32_t value)
{
	fsim_cred_t *c;
	uint8_t h[32];
	int r;

	if (a == NULL || id == NULL || len == 0)
		return FSIM_ERR_ARG;
	if (a->cfg.counter == FSIM_COUNTER_GLOBAL) {
		fsim_store_set_global_counter(a->store, value);
		return fsim_store_save(a->store);
	}
	if ((c = fsim_store_find_cred(a->store, id, len)) != NULL)
		c->sign_count = value;
	else if ((r = fsim_authn_sha256(a, id, len, NULL, 0, h)) != 0 ||
	    (r = fsim_store_set_id_counter(a->store, h, value)) != 0)
		return r;
	return fsim_store_save(a->store);
}
