/*
 * ctap_mc.c — authenticatorMakeCredential (CTAP 2.1 §6.1, steps of §6.1.2).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authenticator/internal.h"

struct mc_req {
	const uint8_t *cdh;
	char *rp_id;
	const uint8_t *user_id;
	size_t user_id_len;
	char *user_name, *user_display_name;
	int alg;
	const cbor_item_t *exclude, *ext, *pin_param, *pin_proto;
	int rk, up, uv;
};

static void
mc_req_free(struct mc_req *r)
{
	free(r->rp_id);
	free(r->user_name);
	free(r->user_display_name);
}

static bool
alg_supported(const fsim_authn_t *a, int64_t alg)
{
	size_t i;

	for (i = 0; i < a->cfg.n_algs; i++)
		if (a->cfg.algs[i] == alg)
			return true;
	return false;
}

/* Step 3: the first pubKeyCredParams entry of type public-key that we support. */
static uint8_t
pick_alg(const fsim_authn_t *a, const cbor_item_t *params, int *alg)
{
	size_t i, n;
	uint8_t st;

	if ((st = fsim_req_array(params, true)) != 0)
		return st;
	n = cbor_array_size(params);
	*alg = 0;
	for (i = 0; i < n; i++) {
		cbor_item_t *e = cbor_array_get(params, i);
		cbor_item_t *t, *al;
		char *type = NULL;
		int64_t v;

		if (e == NULL || !cbor_isa_map(e)) {
			if (e)
				cbor_decref(&e);
			return FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
		}
		t = fsim_cbor_map_get_str(e, "type");
		al = fsim_cbor_map_get_str(e, "alg");
		st = fsim_req_text(t, true, &type);
		if (st == 0 && (al == NULL || fsim_cbor_get_int(al, &v) != 0))
			st = al == NULL ? FSIM_CTAP2_ERR_MISSING_PARAMETER :
			    FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
		cbor_decref(&e);
		if (st != 0) {
			free(type);
			return st;
		}
		/* Unknown types are ignored (6.1.2 step 3). */
		if (*alg == 0 && strcmp(type, "public-key") == 0 && alg_supported(a, v))
			*alg = (int)v;
		free(type);
	}
	return *alg != 0 ? 0 : FSIM_CTAP2_ERR_UNSUPPORTED_ALGORITHM;
}

/*
 * WebAuthn L3 5.4.1, 5.4.3: an authenticator keeps at least 64 bytes of
 * user.name and user.displayName and may cut them there; cut on a UTF-8
 * character boundary.
 */
static void
truncate_64(char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) <= 64)
		return;
	n = 64;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	s[n] = '\0';
}

static uint8_t
parse(const cbor_item_t *m, struct mc_req *r, const fsim_authn_t *a)
{
	const cbor_item_t *rp = fsim_cbor_map_get_int(m, 2), *user = fsim_cbor_map_get_int(m, 3);
	const cbor_item_t *opts = fsim_cbor_map_get_int(m, 7);
	size_t n;
	uint8_t st;

	memset(r, 0, sizeof(*r));
	r->rk = r->up = r->uv = -1;
	if ((st = fsim_req_bytes(fsim_cbor_map_get_int(m, 1), true, 32, 32, &r->cdh, &n)) != 0 ||
	    (st = fsim_req_map(rp, true)) != 0 ||
	    (st = fsim_req_text(fsim_cbor_map_get_str(rp, "id"), true, &r->rp_id)) != 0 ||
	    (st = fsim_req_map(user, true)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_str(user, "id"), true, 1, 64,
	    &r->user_id, &r->user_id_len)) != 0 ||
	    (st = fsim_req_text(fsim_cbor_map_get_str(user, "name"), false, &r->user_name)) != 0 ||
	    (st = fsim_req_text(fsim_cbor_map_get_str(user, "displayName"), false,
	    &r->user_display_name)) != 0)
		return st;
	truncate_64(r->user_name);
	truncate_64(r->user_display_name);
	if ((st = pick_alg(a, fsim_cbor_map_get_int(m, 4), &r->alg)) != 0)
		return st;
	r->exclude = fsim_cbor_map_get_int(m, 5);
	r->ext = fsim_cbor_map_get_int(m, 6);
	r->pin_param = fsim_cbor_map_get_int(m, 8);
	r->pin_proto = fsim_cbor_map_get_int(m, 9);
	if ((st = fsim_req_array(r->exclude, false)) != 0 ||
	    (st = fsim_req_map(r->ext, false)) != 0 ||
	    (st = fsim_req_map(opts, false)) != 0)
		return st;
	if (opts != NULL &&
	    ((st = fsim_req_bool(fsim_cbor_map_get_str(opts, "rk"), &r->rk)) != 0 ||
	    (st = fsim_req_bool(fsim_cbor_map_get_str(opts, "up"), &r->up)) != 0 ||
	    (st = fsim_req_bool(fsim_cbor_map_get_str(opts, "uv"), &r->uv)) != 0))
		return st;
	return 0;
}

/* Is this credential ID one of ours for the RP (stored or wrapped)? */
static bool
is_ours(fsim_authn_t *a, const uint8_t rp_id_hash[32], const char *rp_id,
    const uint8_t *id, size_t len)
{
	fsim_cred_t *c = fsim_store_find_cred(a->store, id, len);
	fsim_wrapped_t w;
	bool ours;

	if (c != NULL)
		return strcmp(c->rp_id, rp_id) == 0;
	memset(&w, 0, sizeof(w));
	ours = fsim_credid_unwrap(fsim_store_wrap_key(a->store), rp_id_hash, id, len, &w) == 0;
	fsim_wrapped_reset(&w);
	return ours;
}

/* Step 9: any excludeList entry that is ours for this RP. */
static uint8_t
check_exclude(fsim_authn_t *a, const struct mc_req *r, const uint8_t rp_id_hash[32])
{
	size_t i, n;

	if (r->exclude == NULL || fsim_quirk_on(a, FSIM_QUIRK_EXCLUDE_LIST_IGNORED))
		return 0;
	n = cbor_array_size(r->exclude);
	for (i = 0; i < n; i++) {
		cbor_item_t *e = cbor_array_get(r->exclude, i);
		const uint8_t *id;
		size_t len;
		uint8_t st = 0;

		if (e == NULL || !cbor_isa_map(e))
			st = FSIM_CTAP2_ERR_CBOR_UNEXPECTED_TYPE;
		else if ((st = fsim_req_bytes(fsim_cbor_map_get_str(e, "id"), true, 0, 65535,
		    &id, &len)) == 0 && is_ours(a, rp_id_hash, r->rp_id, id, len)) {
			/* The user confirms, then the exclusion is reported (6.1.2 step 9). */
			(void)a->env->user_presence(a->env->ctx);
			st = FSIM_CTAP2_ERR_CREDENTIAL_EXCLUDED;
		}
		if (e)
			cbor_decref(&e);
		if (st != 0)
			return st;
	}
	return 0;
}

/* The credential ID: the wrapped key, or a random handle to a stored credential. */
static int
make_id(fsim_authn_t *a, const struct mc_req *r, const uint8_t rp_id_hash[32],
    EVP_PKEY *key, const uint8_t *pt, size_t ptlen, const fsim_cred_t *c, bool store_it,
    fsim_blob_t *id)
{
	fsim_wrapped_t w;
	uint8_t buf[FSIM_CRED_ID_MAX + 1];
	size_t n = fsim_quirk_on(a, FSIM_QUIRK_CREDENTIAL_ID_1024) ? 1024 : 32;

	if (store_it) {
		if (fsim_env_random(a->env, buf, n) != 0)
			return FSIM_ERR_INTERNAL;
		return fsim_blob_set(id, buf, n);
	}
	memset(&w, 0, sizeof(w));
	w.alg = r->alg;
	w.flags = a->cfg.be ? FSIM_WRAP_BE : 0;
	w.cred_protect = c->cred_protect;
	w.key = key;
	w.pub = pt;
	w.pub_len = ptlen;
	return fsim_credid_wrap(a->env, fsim_store_wrap_key(a->store), rp_id_hash, &w, id);
}

static uint32_t
mc_counter(fsim_authn_t *a)
{
	uint32_t g;

	if (fsim_quirk_on(a, FSIM_QUIRK_COUNTER_REGRESS))
		return 100;   /* so the next assertion can report less */
	switch (a->cfg.counter) {
	case FSIM_COUNTER_GLOBAL:
		g = fsim_store_global_counter(a->store) + 1;
		fsim_store_set_global_counter(a->store, g);
		return g;
	case FSIM_COUNTER_ZERO:
	case FSIM_COUNTER_PER_CREDENTIAL:
		break;
	}
	return 0;
}

uint8_t
fsim_ctap_make_credential(fsim_authn_t *a, const cbor_item_t *req, fsim_blob_t *resp)
{
	struct mc_req r;
	fsim_cred_t c;
	fsim_authdata_t *ad = NULL;
	fsim_blob_t adb = { 0 }, der = { 0 };
	cbor_item_t *ext_out = NULL, *att_stmt = NULL, *map = NULL;
	const char *fmt = NULL;
	EVP_PKEY *key = NULL;
	fsim_ca_t *ca = NULL;
	fsim_att_input_t in;
	uint8_t rp_id_hash[32], true_hash[32], st, pt[1 + 2 * 66];
	size_t ptlen = 0;
	bool uv = false, rk, store_it, cond = false, test_up;
	unsigned deviations = 0;

	memset(&c, 0, sizeof(c));
	if ((st = parse(req, &r, a)) != 0)
		goto out;
	/* The true hash binds the credential; the quirk only changes what is reported. */
	if (fsim_authn_sha256(a, r.rp_id, strlen(r.rp_id), NULL, 0, true_hash) != 0) {
		st = FSIM_CTAP2_ERR_PROCESSING;
		goto out;
	}
	if (fsim_quirk_on(a, FSIM_QUIRK_WRONG_RPID_HASH))
		fsim_authn_rp_id_hash(a, r.rp_id, rp_id_hash);
	else
		memcpy(rp_id_hash, true_hash, 32);
	/*
	 * Steps 4-6: options; rk needs the capability. up=false is invalid in
	 * CTAP 2.1; it is how fidosim's client asks for a conditional create
	 * (WebAuthn L3 5.1.3, requireUserPresence false), which only providers
	 * that take one answer (cfg.cond_create).
	 */
	if (r.up == 0) {
		if (a->cfg.cond_create == FSIM_CC_REFUSE) {
			st = FSIM_CTAP2_ERR_INVALID_OPTION;
			goto out;
		}
		cond = true;
	}
	test_up = !cond || a->cfg.cond_create == FSIM_CC_UP;
	if (r.rk == 1 && !a->cfg.rk_capable) {
		st = FSIM_CTAP2_ERR_UNSUPPORTED_OPTION;
		goto out;
	}
	/* Step 9: this authenticator is not enterprise attestation capable. */
	if (fsim_cbor_map_get_int(req, 10) != NULL) {
		st = FSIM_CTAP1_ERR_INVALID_PARAMETER;
		goto out;
	}
	/* Steps 7-11: user verification by token, or built in. */
	if (r.pin_param != NULL) {
		if ((st = fsim_pin_check_param(a, r.pin_param, r.pin_proto, r.cdh, FSIM_PERM_MC,
		    r.rp_id, &uv)) != 0)
			goto out;
	} else if (r.uv == 1 && !(cond && a->cfg.cond_create == FSIM_CC_NO_UP_NO_UV)) {
		/* (no-up-no-uv: the provider verifies nobody in a conditional create.) */
		if (a->cfg.uv == FSIM_UVMODE_NEVER) {
			st = FSIM_CTAP2_ERR_INVALID_OPTION;
			goto out;
		}
		if (!fsim_authn_user_verified(a)) {
			st = FSIM_CTAP2_ERR_UV_INVALID;
			goto out;
		}
		uv = true;
	} else if (a->pin_set && r.rk == 1) {
		/* Step 7 (makeCredUvNotRqd): protected by a PIN, a discoverable
		 * credential needs some form of UV. */
		st = FSIM_CTAP2_ERR_PUAT_REQUIRED;
		goto out;
	}
	if ((st = check_exclude(a, &r, true_hash)) != 0)
		goto out;
	/* Step 13: user presence (a conditional create may skip the test). */
	if (test_up && a->env->user_presence(a->env->ctx) != 1) {
		st = FSIM_CTAP2_ERR_OPERATION_DENIED;
		goto out;
	}
	st = FSIM_CTAP2_ERR_PROCESSING;
	if (fsim_key_generate(a->env, r.alg, &key) != 0)
		goto out;
	rk = r.rk == 1;
	c.alg = r.alg;
	c.discoverable = rk;
	c.be = a->cfg.be;
	c.bs = a->cfg.bs && a->cfg.be;
	c.created = a->env->now(a->env->ctx);
	if ((st = fsim_ext_make_credential(a, r.ext, &c, &ext_out)) != 0)
		goto out;
	st = FSIM_CTAP2_ERR_PROCESSING;
	/* Keys too large to wrap into an ID (RSA), and the 1024-byte quirk, are stored. */
	store_it = rk || EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ||
	    fsim_quirk_on(a, FSIM_QUIRK_CREDENTIAL_ID_1024);
	/* the public point, read once for the ID and the COSE key (EC only) */
	if (fsim_key_ec_point(key, pt, sizeof(pt), &ptlen) != 0)
		ptlen = 0;
	if (make_id(a, &r, true_hash, key, ptlen > 0 ? pt : NULL, ptlen, &c, store_it,
	    &c.id) != 0)
		goto out;
	c.sign_count = mc_counter(a);

	/* authData (6.1.2 step 17, WebAuthn 6.1) */
	if ((ad = fsim_authdata_new()) == NULL)
		goto out;
	memcpy(ad->rp_id_hash, rp_id_hash, 32);
	ad->flags = FSIM_AD_AT;
	if (test_up && !fsim_quirk_on(a, FSIM_QUIRK_NO_UP))
		ad->flags |= FSIM_AD_UP;
	/* UV only when collected: "always" providers verify in a modal ceremony. */
	if (uv || (a->cfg.uv == FSIM_UVMODE_ALWAYS && test_up) ||
	    fsim_quirk_on(a, FSIM_QUIRK_UV_WITHOUT_CAPABILITY))
		ad->flags |= FSIM_AD_UV;
	if (c.be)
		ad->flags |= FSIM_AD_BE;
	if (c.bs || fsim_quirk_on(a, FSIM_QUIRK_BS_WITHOUT_BE))
		ad->flags |= FSIM_AD_BS;
	if (fsim_quirk_on(a, FSIM_QUIRK_BS_WITHOUT_BE))
		ad->flags &= (uint8_t)~FSIM_AD_BE;
	if (ext_out != NULL || fsim_quirk_on(a, FSIM_QUIRK_ED_WITHOUT_EXTENSIONS))
		ad->flags |= FSIM_AD_ED;
	ad->sign_count = c.sign_count;
	/* A U2F-style authenticator has no AAGUID (WebAuthn 8.6): all zero. */
	if (a->cfg.attestation != FSIM_ATTFMT_FIDO_U2F)
		memcpy(ad->aaguid, a->cfg.aaguid, 16);
	if (fsim_blob_set(&ad->cred_id, c.id.ptr, c.id.len) != 0 ||
	    fsim_authn_cose_bytes(a, key, r.alg, ptlen > 0 ? pt : NULL, ptlen,
	    &ad->cose_key_raw) != 0)
		goto out;
	if (ext_out != NULL) {
		ad->ext = ext_out;
		ext_out = NULL;
	}
	{
		/* ED without extensions: encode with the flag, then drop what follows. */
		uint8_t flags = ad->flags;
		if (fsim_quirk_on(a, FSIM_QUIRK_ED_WITHOUT_EXTENSIONS) && ad->ext == NULL)
			ad->flags &= (uint8_t)~FSIM_AD_ED;
		if (fsim_authdata_encode(ad, &adb) != 0)
			goto out;
		adb.ptr[32] = flags;
	}
	if (fsim_quirk_on(a, FSIM_QUIRK_TRAILING_BYTES) &&
	    fsim_blob_append(&adb, (const uint8_t *)"\0", 1) != 0)
		goto out;

	/* attestation statement (step 18) */
	if (fsim_quirk_on(a, FSIM_QUIRK_CERT_CA_TRUE))
		deviations |= FSIM_CA_CERT_CA_TRUE;
	if (fsim_quirk_on(a, FSIM_QUIRK_CERT_MISSING_OU))
		deviations |= FSIM_CA_CERT_MISSING_OU;
	if (fsim_quirk_on(a, FSIM_QUIRK_CERT_EXPIRED))
		deviations |= FSIM_CA_CERT_EXPIRED;
	if (fsim_quirk_on(a, FSIM_QUIRK_AAGUID_CERT_MISMATCH))
		deviations |= FSIM_CA_AAGUID_MISMATCH;
	memset(&in, 0, sizeof(in));
	in.auth_data = adb.ptr;
	in.auth_data_len = adb.len;
	in.client_data_hash = r.cdh;
	in.rp_id_hash = rp_id_hash;
	in.cred_id = c.id.ptr;
	in.cred_id_len = c.id.len;
	in.cred_key = key;
	in.cred_alg = r.alg;
	in.aaguid = a->cfg.aaguid;
	in.deviations = deviations;
	in.alg_mismatch = fsim_quirk_on(a, FSIM_QUIRK_ALG_MISMATCH);
	in.bad_signature = fsim_quirk_on(a, FSIM_QUIRK_BAD_SIGNATURE);
	in.raw_ecdsa = fsim_quirk_on(a, FSIM_QUIRK_RAW_ECDSA_SIGNATURE);
	if (a->cfg.attestation == FSIM_ATTFMT_PACKED || a->cfg.attestation == FSIM_ATTFMT_FIDO_U2F) {
		if (fsim_authn_ca(a, &ca) != 0)
			goto out;
	}
	if (a->cfg.attestation == FSIM_ATTFMT_FIDO_U2F && r.alg != FSIM_COSE_ES256) {
		st = FSIM_CTAP2_ERR_UNSUPPORTED_ALGORITHM;
		goto out;
	}
	if (fsim_att_make((int)a->cfg.attestation, ca, a->store, a->env, &in, &fmt, &att_stmt) != 0)
		goto out;
	if (fsim_quirk_on(a, FSIM_QUIRK_NONE_WITH_ATTSTMT)) {
		cbor_decref(&att_stmt);
		fmt = "none";
		if ((att_stmt = cbor_new_definite_map(1)) == NULL ||
		    fsim_cbor_map_put(att_stmt, fsim_cbor_text("x5c"), cbor_new_definite_array(0)) != 0)
			goto out;
	}

	/* Step 17: store a discoverable credential (replacing the user's old one). */
	if (store_it) {
		if (fsim_key_to_der(key, &der) != 0 ||
		    fsim_blob_set(&c.private_key, der.ptr, der.len) != 0 ||
		    (c.rp_id = fsim_strdup(r.rp_id)) == NULL ||
		    fsim_blob_set(&c.user_id, r.user_id, r.user_id_len) != 0 ||
		    (r.user_name && (c.user_name = fsim_strdup(r.user_name)) == NULL) ||
		    (r.user_display_name &&
		    (c.user_display_name = fsim_strdup(r.user_display_name)) == NULL))
			goto out;
		if (rk && fsim_store_delete_user(a->store, r.rp_id, r.user_id, r.user_id_len) != 0)
			goto out;
		if (fsim_store_add_cred(a->store, &c) != 0)
			goto out;
	}
	if (fsim_store_save(a->store) != 0)
		goto out;
	/*
	 * The next getAssertion for a stored credential needs this very key: it
	 * goes into the key cache now, as a lookup would put it there after
	 * decoding the store's copy (ctap_ga.c). (Not a wrapped one's: the key
	 * an unwrap makes signed measurably faster than the one generated,
	 * bench getAssertion 0.95 against 0.86 of raw.)
	 */
	if (store_it) {
		static const uint8_t none[32];

		fsim_kc_put(a, c.id.ptr, c.id.len, none, false, key, r.alg, 0, 0);
	}
	if ((map = cbor_new_definite_map(3)) == NULL ||
	    fsim_cbor_map_put(map, fsim_cbor_int(1), fsim_cbor_text(fmt)) != 0 ||
	    fsim_cbor_map_put(map, fsim_cbor_int(2), fsim_cbor_bytes(adb.ptr, adb.len)) != 0)
		goto out;
	if (fsim_cbor_map_put(map, fsim_cbor_int(3), att_stmt) != 0) {
		att_stmt = NULL;
		goto out;
	}
	att_stmt = NULL;
	st = fsim_resp_encode(map, resp);
	map = NULL;
out:
	if (map)
		cbor_decref(&map);
	if (att_stmt)
		cbor_decref(&att_stmt);
	if (ext_out)
		cbor_decref(&ext_out);
	fsim_authdata_free(&ad);
	fsim_blob_reset(&adb);
	fsim_blob_reset(&der);
	EVP_PKEY_free(key);
	fsim_cred_reset(&c);
	mc_req_free(&r);
	return st;
}
