/*
 * ctap_ga.c — authenticatorGetAssertion (CTAP 2.1 §6.2) and
 * authenticatorGetNextAssertion (§6.3).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authenticator/internal.h"
#include "authenticator/cxf.h"

/* A credential found for the request: stored, or unwrapped from its ID. */
struct found {
	fsim_cred_t c;          /* a copy (wrapped credentials get one built; no private key) */
	EVP_PKEY *key;          /* the credential's key, from the key cache when it can be */
	uint8_t id_hash[32];    /* SHA-256 of the ID, once computed */
	bool has_id_hash;
	bool stored;
};

static void
found_reset(struct found *f)
{
	fsim_cred_reset(&f->c);
	EVP_PKEY_free(f->key);
	f->key = NULL;
	f->stored = false;
}

/* The key of a stored credential: cached, or decoded once from the store. */
static int
stored_key(fsim_authn_t *a, struct found *f)
{
	static const uint8_t none[32];
	uint8_t flags, cp;
	int alg;

	if ((f->key = fsim_kc_get(a, f->c.id.ptr, f->c.id.len, none, false, &alg, &flags,
	    &cp, f->id_hash)) != NULL) {
		f->has_id_hash = true;
		return FSIM_OK;
	}
	if (fsim_key_from_der(f->c.private_key.ptr, f->c.private_key.len, &f->key) != 0)
		return FSIM_ERR_FORMAT;
	fsim_kc_put(a, f->c.id.ptr, f->c.id.len, none, false, f->key, f->c.alg, 0, 0);
	return FSIM_OK;
}

/* Look a credential ID up for this RP; fills f when it is ours. */
static bool
lookup(fsim_authn_t *a, const char *rp_id, const uint8_t rp_id_hash[32],
    const uint8_t *id, size_t len, struct found *f)
{
	fsim_cred_t *c = fsim_store_find_cred(a->store, id, len);
	fsim_wrapped_t w;
	uint8_t flags = 0, cp = 0;
	int alg = 0;

	memset(f, 0, sizeof(*f));
	if (c != NULL) {
		/* A credential a signal hid is not offered (WebAuthn L3 5.1.10). */
		if (c->hidden || strcmp(c->rp_id, rp_id) != 0 || fsim_cred_copy(&f->c, c) != 0 ||
		    stored_key(a, f) != 0) {
			found_reset(f);
			return false;
		}
		f->stored = true;
		return true;
	}
	if ((f->key = fsim_kc_get(a, id, len, rp_id_hash, true, &alg, &flags, &cp,
	    f->id_hash)) != NULL)
		f->has_id_hash = true;
	else {
		memset(&w, 0, sizeof(w));
		if (fsim_credid_unwrap(fsim_store_wrap_key(a->store), rp_id_hash, id, len, &w) != 0)
			return false;
		fsim_kc_put(a, id, len, rp_id_hash, true, w.key, w.alg, w.flags, w.cred_protect);
		f->key = w.key;
		w.key = NULL;
		alg = w.alg;
		flags = w.flags;
		cp = w.cred_protect;
		fsim_wrapped_reset(&w);
	}
	if (fsim_blob_set(&f->c.id, id, len) != 0 || (f->c.rp_id = fsim_strdup(rp_id)) == NULL) {
		found_reset(f);
		return false;
	}
	f->c.alg = alg;
	f->c.be = (flags & FSIM_WRAP_BE) != 0;
	f->c.bs = f->c.be && a->cfg.bs;
	f->c.cred_protect = cp;
	return true;
}

/* credProtect (CTAP 2.1 12.1): may this credential be used without UV here? */
static bool
protect_allows(const fsim_authn_t *a, const fsim_cred_t *c, bool uv, bool allow_list)
{
	if (fsim_quirk_on(a, FSIM_QUIRK_CRED_PROTECT_IGNORED))
		return true;
	if (c->cred_protect == 3)
		return uv;
	if (c->cred_protect == 2 && !allow_list)
		return uv;
	return true;
}

/* Step 11: the counter, per mode; advances and persists it. */
static uint32_t
next_counter(fsim_authn_t *a, struct found *f)
{
	fsim_cred_t *c = f->stored ? fsim_store_find_cred(a->store, f->c.id.ptr, f->c.id.len) : NULL;
	uint8_t h[32];
	uint32_t v = 0;

	if (a->cfg.counter == FSIM_COUNTER_ZERO && !fsim_quirk_on(a, FSIM_QUIRK_COUNTER_REGRESS))
		return 0;
	/*
	 * A passkey imported by CXF keeps the counter 0 it was imported with,
	 * whatever this provider's mode (the draft: importers MUST NOT increment
	 * it); only stored passkeys still at 0 need the look-up.
	 */
	if (c != NULL && c->sign_count == 0 &&
	    !fsim_quirk_on(a, FSIM_QUIRK_CXF_COUNTER_INCREMENTS) &&
	    fsim_cxf_imported(a->store, c->id.ptr, c->id.len))
		return 0;
	if (a->cfg.counter == FSIM_COUNTER_GLOBAL) {
		v = fsim_store_global_counter(a->store) + 1;
		fsim_store_set_global_counter(a->store, v);
		return v;
	}
	if (c != NULL)
		v = c->sign_count;
	else {
		if (f->has_id_hash)
			memcpy(h, f->id_hash, 32);
		else if (fsim_authn_sha256(a, f->c.id.ptr, f->c.id.len, NULL, 0, h) != 0)
			return 0;
		v = fsim_store_id_counter(a->store, h);
	}
	if (fsim_quirk_on(a, FSIM_QUIRK_COUNTER_REGRESS))
		v = v > 0 ? v - 1 : 0;   /* lower than the last one reported */
	else if (v < UINT32_MAX)
		v++;
	if (c != NULL)
		c->sign_count = v;
	else if (fsim_store_set_id_counter(a->store, h, v) != 0)
		return v;
	return v;
}

/* A CBOR byte-string head for n (n < 65536). */
static size_t
bstr_head(uint8_t *p, size_t n)
{
	if (n < 24) {
		p[0] = (uint8_t)(0x40 | n);
		return 1;
	}
	if (n < 256) {
		p[0] = 0x58;
		p[1] = (uint8_t)n;
		return 2;
	}
	p[0] = 0x59;
	p[1] = (uint8_t)(n >> 8);
	p[2] = (uint8_t)n;
	return 3;
}

/*
 * The usual response, {1: {"id": id, "type": "public-key"}, 2: authData,
 * 3: signature}, written straight out in its canonical form: building it as
 * a CBOR tree and encoding that costs as much as a tenth of the signature.
 */
static int
resp_simple(const fsim_blob_t *id, const fsim_blob_t *ad, const fsim_blob_t *sig,
    fsim_blob_t *out)
{
	static const uint8_t k_id[] = { 0x62, 'i', 'd' };
	static const uint8_t k_type[] = { 0x64, 't', 'y', 'p', 'e', 0x6a, 'p', 'u', 'b', 'l',
	    'i', 'c', '-', 'k', 'e', 'y' };
	uint8_t *p, *b;
	size_t cap;

	if (id->len >= 65536 || ad->len >= 65536 || sig->len >= 65536)
		return FSIM_ERR_ARG;
	cap = 3 + sizeof(k_id) + 3 + id->len + sizeof(k_type) + 1 + 3 + ad->len + 1 + 3 + sig->len;
	if ((b = p = malloc(cap)) == NULL)
		return FSIM_ERR_NOMEM;
	*p++ = 0xa3;
	*p++ = 0x01;
	*p++ = 0xa2;
	memcpy(p, k_id, sizeof(k_id));
	p += sizeof(k_id);
	p += bstr_head(p, id->len);
	memcpy(p, id->ptr, id->len);
	p += id->len;
	memcpy(p, k_type, sizeof(k_type));
	p += sizeof(k_type);
	*p++ = 0x02;
	p += bstr_head(p, ad->len);
	memcpy(p, ad->ptr, ad->len);
	p += ad->len;
	*p++ = 0x03;
	p += bstr_head(p, sig->len);
	memcpy(p, sig->ptr, sig->len);
	p += sig->len;
	fsim_blob_reset(out);
	out->ptr = b;
	out->len = (size_t)(p - b);
	return FSIM_OK;
}

/* Sign one assertion and build the response map (6.2.2 steps 11-13). */
static uint8_t
assert_one(fsim_authn_t *a, struct found *f, const uint8_t cdh[32], const char *rp_id,
    const uint8_t *rp_id_hash,
    bool up, bool uv, const cbor_item_t *ext, size_t total, fsim_blob_t *resp)
{
	fsim_authdata_t *ad = fsim_authdata_new();
	fsim_blob_t adb = { 0 }, tbs = { 0 }, sig = { 0 };
	cbor_item_t *ext_out = NULL, *map = NULL, *cred = NULL, *user = NULL;
	EVP_PKEY *key = f->key;
	uint8_t st = FSIM_CTAP2_ERR_PROCESSING;
	bool be = f->c.be;
	size_t n = 3;

	if (ad == NULL)
		goto out;
	if ((st = fsim_ext_get_assertion(a, ext, &f->c, uv, &ext_out)) != 0)
		goto out;
	st = FSIM_CTAP2_ERR_PROCESSING;
	if (key == NULL)
		goto out;
	/* The caller's hash is the true one; the quirk computes another. */
	if (rp_id_hash != NULL && !fsim_quirk_on(a, FSIM_QUIRK_WRONG_RPID_HASH))
		memcpy(ad->rp_id_hash, rp_id_hash, 32);
	else
		fsim_authn_rp_id_hash(a, rp_id, ad->rp_id_hash);
	if (fsim_quirk_on(a, FSIM_QUIRK_BE_FLIP))
		be = !be;
	if ((up || fsim_quirk_on(a, FSIM_QUIRK_UP_FALSE_IGNORED)) &&
	    !fsim_quirk_on(a, FSIM_QUIRK_NO_UP))
		ad->flags |= FSIM_AD_UP;
	if (uv || a->cfg.uv == FSIM_UVMODE_ALWAYS ||
	    fsim_quirk_on(a, FSIM_QUIRK_UV_WITHOUT_CAPABILITY))
		ad->flags |= FSIM_AD_UV;
	if (be)
		ad->flags |= FSIM_AD_BE;
	if ((be && f->c.bs) || fsim_quirk_on(a, FSIM_QUIRK_BS_WITHOUT_BE))
		ad->flags |= FSIM_AD_BS;
	if (fsim_quirk_on(a, FSIM_QUIRK_BS_WITHOUT_BE))
		ad->flags &= (uint8_t)~FSIM_AD_BE;
	if (ext_out != NULL) {
		ad->flags |= FSIM_AD_ED;
		ad->ext = ext_out;
		ext_out = NULL;
	}
	ad->sign_count = next_counter(a, f);
	if (fsim_quirk_on(a, FSIM_QUIRK_AT_IN_ASSERTION)) {
		ad->flags |= FSIM_AD_AT;
		memcpy(ad->aaguid, a->cfg.aaguid, 16);
		if (fsim_blob_set(&ad->cred_id, f->c.id.ptr, f->c.id.len) != 0 ||
		    fsim_authn_cose_bytes(a, key, f->c.alg, NULL, 0, &ad->cose_key_raw) != 0)
			goto out;
	}
	{
		uint8_t flags = ad->flags;
		if (fsim_quirk_on(a, FSIM_QUIRK_ED_WITHOUT_EXTENSIONS) && ad->ext == NULL)
			flags |= FSIM_AD_ED;
		if (fsim_authdata_encode(ad, &adb) != 0)
			goto out;
		adb.ptr[32] = flags;
	}
	if (fsim_quirk_on(a, FSIM_QUIRK_TRAILING_BYTES) &&
	    fsim_blob_append(&adb, (const uint8_t *)"\0", 1) != 0)
		goto out;
	if (fsim_blob_set(&tbs, adb.ptr, adb.len) != 0 || fsim_blob_append(&tbs, cdh, 32) != 0 ||
	    fsim_authn_sign(a, key, f->c.alg, tbs.ptr, tbs.len, &sig) != 0)
		goto out;
	if (f->stored && f->c.discoverable)
		n++;
	if (total > 1)
		n++;
	if (n == 3) {
		if (fsim_store_save(a->store) != 0 || resp_simple(&f->c.id, &adb, &sig, resp) != 0)
			goto out;
		st = FSIM_CTAP1_ERR_SUCCESS;
		goto out;
	}
	if ((map = cbor_new_definite_map(n)) == NULL || (cred = cbor_new_definite_map(2)) == NULL ||
	    fsim_cbor_map_put(cred, fsim_cbor_text("id"), fsim_cbor_bytes(f->c.id.ptr, f->c.id.len)) != 0 ||
	    fsim_cbor_map_put(cred, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0)
		goto out;
	if (fsim_cbor_map_put(map, fsim_cbor_int(1), cred) != 0) {
		cred = NULL;
		goto out;
	}
	cred = NULL;
	if (fsim_cbor_map_put(map, fsim_cbor_int(2), fsim_cbor_bytes(adb.ptr, adb.len)) != 0 ||
	    fsim_cbor_map_put(map, fsim_cbor_int(3), fsim_cbor_bytes(sig.ptr, sig.len)) != 0)
		goto out;
	if (f->stored && f->c.discoverable) {
		/* 6.2.2 step 12: the user; name and displayName only after UV. */
		if ((user = cbor_new_definite_map(uv ? 3 : 1)) == NULL ||
		    fsim_cbor_map_put(user, fsim_cbor_text("id"),
		    fsim_cbor_bytes(f->c.user_id.ptr, f->c.user_id.len)) != 0 ||
		    (uv && f->c.user_name && fsim_cbor_map_put(user, fsim_cbor_text("name"),
		    fsim_cbor_text(f->c.user_name)) != 0) ||
		    (uv && f->c.user_display_name && fsim_cbor_map_put(user,
		    fsim_cbor_text("displayName"), fsim_cbor_text(f->c.user_display_name)) != 0))
			goto out;
		if (fsim_cbor_map_put(map, fsim_cbor_int(4), user) != 0) {
			user = NULL;
			goto out;
		}
		user = NULL;
	}
	if (total > 1 && fsim_cbor_map_put(map, fsim_cbor_int(5), fsim_cbor_int((int64_t)total)) != 0)
		goto out;
	if (fsim_store_save(a->store) != 0)
		goto out;
	st = fsim_resp_encode(map, resp);
	map = NULL;
out:
	if (map)
		cbor_decref(&map);
	if (cred)
		cbor_decref(&cred);
	if (user)
		cbor_decref(&user);
	if (ext_out)
		cbor_decref(&ext_out);
	fsim_authdata_free(&ad);
	fsim_blob_reset(&adb);
	fsim_blob_reset(&tbs);
	fsim_blob_reset(&sig);
	return st;
}

uint8_t
fsim_ctap_get_assertion(fsim_authn_t *a, const cbor_item_t *req, fsim_blob_t *resp)
{
	const cbor_item_t *allow = fsim_cbor_map_get_int(req, 3);
	const cbor_item_t *ext = fsim_cbor_map_get_int(req, 4);
	const cbor_item_t *opts = fsim_cbor_map_get_int(req, 5);
	const cbor_item_t *pin_param = fsim_cbor_map_get_int(req, 6);
	const cbor_item_t *pin_proto = fsim_cbor_map_get_int(req, 7);
	fsim_cred_t *list[FSIM_MAX_NEXT];
	struct found f;
	char *rp_id = NULL;
	const uint8_t *cdh;
	uint8_t rp_id_hash[32], st;
	size_t n_list = 0, i, n, cdh_len;
	int rk = -1, up = -1, uv_opt = -1;
	bool uv = false, have = false;

	memset(&f, 0, sizeof(f));
	if ((st = fsim_req_text(fsim_cbor_map_get_int(req, 1), true, &rp_id)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(req, 2), true, 32, 32, &cdh, &cdh_len)) != 0 ||
	    (st = fsim_req_array(allow, false)) != 0 ||
	    (st = fsim_req_map(ext, false)) != 0 ||
	    (st = fsim_req_map(opts, false)) != 0)
		goto out;
	if (opts != NULL &&
	    ((st = fsim_req_bool(fsim_cbor_map_get_str(opts, "rk"), &rk)) != 0 ||
	    (st = fsim_req_bool(fsim_cbor_map_get_str(opts, "up"), &up)) != 0 ||
	    (st = fsim_req_bool(fsim_cbor_map_get_str(opts, "uv"), &uv_opt)) != 0))
		goto out;
	/* 6.2.2 step 5: rk is not an option of getAssertion. */
	if (rk != -1) {
		st = FSIM_CTAP2_ERR_UNSUPPORTED_OPTION;
		goto out;
	}
	if (pin_param != NULL) {
		if ((st = fsim_pin_check_param(a, pin_param, pin_proto, cdh, FSIM_PERM_GA, rp_id,
		    &uv)) != 0)
			goto out;
	} else if (uv_opt == 1) {
		if (a->cfg.uv == FSIM_UVMODE_NEVER) {
			st = FSIM_CTAP2_ERR_INVALID_OPTION;
			goto out;
		}
		if (!fsim_authn_user_verified(a)) {
			st = FSIM_CTAP2_ERR_UV_INVALID;
			goto out;
		}
		uv = true;
	}
	/* The true hash finds credentials; the quirk only changes what is reported. */
	if (fsim_authn_sha256(a, rp_id, strlen(rp_id), NULL, 0, rp_id_hash) != 0) {
		st = FSIM_CTAP2_ERR_PROCESSING;
		goto out;
	}
	/* Step 7: locate the credentials. */
	if (allow != NULL && cbor_array_size(allow) > 0) {
		n = cbor_array_size(allow);
		for (i = 0; i < n && !have; i++) {
			cbor_item_t *e = cbor_array_get(allow, i);
			const uint8_t *id;
			size_t len;

			if (e == NULL || !cbor_isa_map(e))
				st = FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
			else
				st = fsim_req_bytes(fsim_cbor_map_get_str(e, "id"), true, 0, 65535,
				    &id, &len);
			if (st == 0 && lookup(a, rp_id, rp_id_hash, id, len, &f)) {
				if (protect_allows(a, &f.c, uv, true))
					have = true;
				else
					found_reset(&f);
			}
			if (e)
				cbor_decref(&e);
			if (st != 0)
				goto out;
		}
	} else {
		size_t k = fsim_store_rp_creds(a->store, rp_id, list, FSIM_MAX_NEXT);
		for (i = 0; i < k; i++)
			if (!list[i]->hidden && protect_allows(a, list[i], uv, false))
				list[n_list++] = list[i];
		if (n_list > 0) {
			if (fsim_cred_copy(&f.c, list[0]) != 0 || stored_key(a, &f) != 0) {
				st = FSIM_CTAP2_ERR_PROCESSING;
				goto out;
			}
			f.stored = true;
			have = true;
		}
	}
	/* Step 10: user presence (also before answering "no credentials"). */
	if (up != 0 && a->env->user_presence(a->env->ctx) != 1) {
		st = FSIM_CTAP2_ERR_OPERATION_DENIED;
		goto out;
	}
	if (!have) {
		st = FSIM_CTAP2_ERR_NO_CREDENTIALS;
		goto out;
	}
	/*
	 * The IDs of the rest, for authenticatorGetNextAssertion, are copied
	 * now: the assertion commits the store, and what it lent goes with it.
	 */
	for (i = 1; i < n_list; i++)
		if (fsim_blob_set(&a->next.ids[a->next.n], list[i]->id.ptr,
		    list[i]->id.len) == 0)
			a->next.n++;
	st = assert_one(a, &f, cdh, rp_id, rp_id_hash, up != 0, uv, ext, n_list, resp);
	if (st == 0 && n_list > 1) {
		a->next.active = true;
		memcpy(a->next.client_data_hash, cdh, 32);
		a->next.rp_id = rp_id;
		rp_id = NULL;
		a->next.up = up != 0;
		a->next.uv = uv;
	} else {
		for (i = 0; i < a->next.n; i++)
			fsim_blob_reset(&a->next.ids[i]);
		a->next.n = 0;
	}
out:
	found_reset(&f);
	free(rp_id);
	return st;
}

uint8_t
fsim_ctap_get_next_assertion(fsim_authn_t *a, fsim_blob_t *resp)
{
	struct found f;
	uint8_t st, rp_id_hash[32];
	size_t total;

	if (!a->next.active || a->next.next >= a->next.n)
		return FSIM_CTAP2_ERR_NOT_ALLOWED;
	memset(rp_id_hash, 0, sizeof(rp_id_hash));
	if (!lookup(a, a->next.rp_id, rp_id_hash, a->next.ids[a->next.next].ptr,
	    a->next.ids[a->next.next].len, &f))
		return FSIM_CTAP2_ERR_NOT_ALLOWED;
	a->next.next++;
	total = 0;   /* numberOfCredentials only in the first response */
	st = assert_one(a, &f, a->next.client_data_hash, a->next.rp_id, NULL, a->next.up, a->next.uv,
	    NULL, total, resp);
	found_reset(&f);
	return st;
}
