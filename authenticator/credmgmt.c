/*
 * credmgmt.c — authenticatorCredentialManagement (CTAP 2.1 §6.8) over the
 * store's discoverable credentials: getCredsMetadata (§6.8.2), enumerating
 * RPs (§6.8.3) and credentials (§6.8.4), deleteCredential (§6.8.5). Every
 * subcommand but the two "get next" ones carries pinUvAuthParam =
 * authenticate(pinUvAuthToken, subCommand | subCommandParams) of a token
 * with the cm permission. An enumeration lasts until the next command.
 */
#include <stdlib.h>
#include <string.h>

#include "authenticator/internal.h"

#define SUB_METADATA 0x01
#define SUB_RPS_BEGIN 0x02
#define SUB_RPS_NEXT 0x03
#define SUB_CREDS_BEGIN 0x04
#define SUB_CREDS_NEXT 0x05
#define SUB_DELETE 0x06

/* What getCredsMetadata reports as room left: the store has no fixed size. */
#define ROOM 256

bool
fsim_cm_available(const fsim_authn_t *a)
{
	return a->cfg.rk_capable && (a->cfg.uv != FSIM_UVMODE_NEVER || a->pin_supported);
}

void
fsim_cm_reset(fsim_authn_t *a)
{
	size_t i;

	for (i = 0; i < a->cm.n; i++)
		fsim_blob_reset(&a->cm.items[i]);
	free(a->cm.items);
	memset(&a->cm, 0, sizeof(a->cm));
}

/* Add b to the enumeration (copied). */
static int
cm_push(fsim_authn_t *a, const uint8_t *p, size_t n)
{
	fsim_blob_t *v;

	if ((v = realloc(a->cm.items, (a->cm.n + 1) * sizeof(*v))) == NULL)
		return FSIM_ERR_NOMEM;
	a->cm.items = v;
	memset(&v[a->cm.n], 0, sizeof(v[0]));
	if (fsim_blob_set(&v[a->cm.n], p, n) != 0)
		return FSIM_ERR_NOMEM;
	a->cm.n++;
	return FSIM_OK;
}

/* pinUvAuthParam over subCommand | subCommandParams, with a token that has cm. */
static uint8_t
check_auth(fsim_authn_t *a, const cbor_item_t *req, uint64_t sub, const uint8_t *rp_id_hash)
{
	const cbor_item_t *params = fsim_cbor_map_get_int(req, 2);
	fsim_blob_t msg = { 0 }, enc = { 0 };
	const uint8_t *p;
	size_t n;
	uint64_t proto = 0;
	uint8_t st, b = (uint8_t)sub, h[32];

	if (fsim_cbor_map_get_int(req, 4) == NULL)
		return FSIM_CTAP2_ERR_PUAT_REQUIRED;
	if ((st = fsim_req_uint(fsim_cbor_map_get_int(req, 3), true, 0xff, &proto)) != 0)
		return st;
	if (proto != 1 && proto != 2)
		return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	if ((st = fsim_req_bytes(fsim_cbor_map_get_int(req, 4), true, 0, 64, &p, &n)) != 0)
		return st;
	st = FSIM_CTAP2_ERR_PROCESSING;
	if (fsim_blob_set(&msg, &b, 1) != 0 ||
	    (params != NULL && (fsim_cbor_encode(params, &enc) != 0 ||
	    fsim_blob_append(&msg, enc.ptr, enc.len) != 0)))
		goto out;
	st = FSIM_CTAP2_ERR_PIN_AUTH_INVALID;
	if (!a->token_valid ||
	    !fsim_pin_verify(proto, a->token, sizeof(a->token), msg.ptr, msg.len, p, n) ||
	    !(a->token_perms & FSIM_PERM_CM))
		goto out;
	/* A token bound to an RP: only that RP's credentials (6.8.4 step 3). */
	if (a->token_rp_id != NULL) {
		if (rp_id_hash == NULL ||
		    fsim_authn_sha256(a, a->token_rp_id, strlen(a->token_rp_id), NULL, 0, h) != 0 ||
		    memcmp(h, rp_id_hash, 32) != 0)
			goto out;
	}
	st = 0;
out:
	fsim_blob_reset(&msg);
	fsim_blob_reset(&enc);
	return st;
}

/* The discoverable credentials, at most max of them (lent pointers). */
static size_t
discoverable(fsim_authn_t *a, fsim_cred_t **out, size_t max)
{
	size_t i, n = 0, total = fsim_store_cred_count(a->store);

	for (i = 0; i < total && n < max; i++) {
		fsim_cred_t *c = fsim_store_cred_at(a->store, i);

		if (c != NULL && c->discoverable)
			out[n++] = c;
	}
	return n;
}

static uint8_t
metadata(fsim_authn_t *a, fsim_blob_t *resp)
{
	fsim_cred_t *v[ROOM];
	size_t n = discoverable(a, v, ROOM);
	cbor_item_t *m = cbor_new_definite_map(2);

	if (m == NULL || fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_int((int64_t)n)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_int((int64_t)(ROOM - n))) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return FSIM_CTAP2_ERR_PROCESSING;
	}
	return fsim_resp_encode(m, resp);
}

/* {3: {"id": rp_id}, 4: rpIDHash[, 5: total]} */
static uint8_t
rp_answer(fsim_authn_t *a, const char *rp_id, size_t total, fsim_blob_t *resp)
{
	cbor_item_t *m = cbor_new_definite_map(3), *rp = cbor_new_definite_map(1);
	uint8_t h[32];

	if (m == NULL || rp == NULL || fsim_authn_sha256(a, rp_id, strlen(rp_id), NULL, 0, h) != 0 ||
	    fsim_cbor_map_put(rp, fsim_cbor_text("id"), fsim_cbor_text(rp_id)) != 0)
		goto fail;
	if (fsim_cbor_map_put(m, fsim_cbor_int(3), rp) != 0) {
		rp = NULL;
		goto fail;
	}
	rp = NULL;
	if (fsim_cbor_map_put(m, fsim_cbor_int(4), fsim_cbor_bytes(h, 32)) != 0 ||
	    (total > 0 && fsim_cbor_map_put(m, fsim_cbor_int(5), fsim_cbor_int((int64_t)total)) != 0))
		goto fail;
	return fsim_resp_encode(m, resp);
fail:
	if (rp != NULL)
		cbor_decref(&rp);
	if (m != NULL)
		cbor_decref(&m);
	return FSIM_CTAP2_ERR_PROCESSING;
}

static uint8_t
rps_begin(fsim_authn_t *a, fsim_blob_t *resp)
{
	fsim_cred_t *v[ROOM];
	size_t n = discoverable(a, v, ROOM), i, j;

	for (i = 0; i < n; i++) {
		bool seen = false;

		for (j = 0; j < a->cm.n && !seen; j++)
			seen = fsim_blob_eq(&a->cm.items[j], (const uint8_t *)v[i]->rp_id,
			    strlen(v[i]->rp_id));
		if (!seen && cm_push(a, (const uint8_t *)v[i]->rp_id, strlen(v[i]->rp_id)) != 0)
			return FSIM_CTAP2_ERR_PROCESSING;
	}
	if (a->cm.n == 0)
		return FSIM_CTAP2_ERR_NO_CREDENTIALS;
	a->cm.kind = SUB_RPS_BEGIN;
	a->cm.next = 1;
	{
		char *rp = strndup((const char *)a->cm.items[0].ptr, a->cm.items[0].len);
		uint8_t st = rp != NULL ? rp_answer(a, rp, a->cm.n, resp) : FSIM_CTAP2_ERR_PROCESSING;

		free(rp);
		return st;
	}
}

/* {6: user, 7: {"id", "type"}, 8: publicKey, [9: total,] 10: credProtect} */
static uint8_t
cred_answer(fsim_authn_t *a, const fsim_cred_t *c, size_t total, fsim_blob_t *resp)
{
	cbor_item_t *m = cbor_new_definite_map(5), *user = cbor_new_definite_map(3),
	    *desc = cbor_new_definite_map(2), *pk = NULL;
	fsim_blob_t cose = { 0 };
	EVP_PKEY *key = NULL;
	uint8_t st = FSIM_CTAP2_ERR_PROCESSING;

	if (m == NULL || user == NULL || desc == NULL ||
	    fsim_key_from_der(c->private_key.ptr, c->private_key.len, &key) != 0 ||
	    fsim_authn_cose_bytes(a, key, c->alg, NULL, 0, &cose) != 0 ||
	    fsim_cbor_decode(cose.ptr, cose.len, &pk, NULL) != 0)
		goto out;
	if (fsim_cbor_map_put(user, fsim_cbor_text("id"),
	    fsim_cbor_bytes(c->user_id.ptr, c->user_id.len)) != 0 ||
	    (c->user_name != NULL && fsim_cbor_map_put(user, fsim_cbor_text("name"),
	    fsim_cbor_text(c->user_name)) != 0) ||
	    (c->user_display_name != NULL && fsim_cbor_map_put(user, fsim_cbor_text("displayName"),
	    fsim_cbor_text(c->user_display_name)) != 0) ||
	    fsim_cbor_map_put(desc, fsim_cbor_text("id"), fsim_cbor_bytes(c->id.ptr, c->id.len)) != 0 ||
	    fsim_cbor_map_put(desc, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0)
		goto out;
	if (fsim_cbor_map_put(m, fsim_cbor_int(6), user) != 0) {
		user = NULL;
		goto out;
	}
	user = NULL;
	if (fsim_cbor_map_put(m, fsim_cbor_int(7), desc) != 0) {
		desc = NULL;
		goto out;
	}
	desc = NULL;
	if (fsim_cbor_map_put(m, fsim_cbor_int(8), pk) != 0) {
		pk = NULL;
		goto out;
	}
	pk = NULL;
	if ((total > 0 && fsim_cbor_map_put(m, fsim_cbor_int(9), fsim_cbor_int((int64_t)total)) != 0) ||
	    fsim_cbor_map_put(m, fsim_cbor_int(10), fsim_cbor_int(c->cred_protect ? c->cred_protect :
	    1)) != 0)
		goto out;
	st = fsim_resp_encode(m, resp);
	m = NULL;
out:
	if (m != NULL)
		cbor_decref(&m);
	if (user != NULL)
		cbor_decref(&user);
	if (desc != NULL)
		cbor_decref(&desc);
	if (pk != NULL)
		cbor_decref(&pk);
	fsim_blob_reset(&cose);
	EVP_PKEY_free(key);
	return st;
}

static uint8_t
creds_begin(fsim_authn_t *a, const uint8_t rp_id_hash[32], fsim_blob_t *resp)
{
	fsim_cred_t *v[ROOM];
	size_t n = discoverable(a, v, ROOM), i;
	uint8_t h[32];

	for (i = 0; i < n; i++) {
		if (fsim_authn_sha256(a, v[i]->rp_id, strlen(v[i]->rp_id), NULL, 0, h) != 0)
			return FSIM_CTAP2_ERR_PROCESSING;
		if (memcmp(h, rp_id_hash, 32) == 0 && cm_push(a, v[i]->id.ptr, v[i]->id.len) != 0)
			return FSIM_CTAP2_ERR_PROCESSING;
	}
	if (a->cm.n == 0)
		return FSIM_CTAP2_ERR_NO_CREDENTIALS;
	a->cm.kind = SUB_CREDS_BEGIN;
	a->cm.next = 1;
	return cred_answer(a, fsim_store_find_cred(a->store, a->cm.items[0].ptr, a->cm.items[0].len),
	    a->cm.n, resp);
}

static uint8_t
next(fsim_authn_t *a, int kind, fsim_blob_t *resp)
{
	fsim_blob_t *it;
	uint8_t st;

	if (a->cm.kind != kind || a->cm.next >= a->cm.n)
		return FSIM_CTAP2_ERR_NOT_ALLOWED;
	it = &a->cm.items[a->cm.next++];
	if (kind == SUB_CREDS_BEGIN) {
		const fsim_cred_t *c = fsim_store_find_cred(a->store, it->ptr, it->len);

		return c != NULL ? cred_answer(a, c, 0, resp) : FSIM_CTAP2_ERR_NOT_ALLOWED;
	}
	{
		char *rp = strndup((const char *)it->ptr, it->len);

		st = rp != NULL ? rp_answer(a, rp, 0, resp) : FSIM_CTAP2_ERR_PROCESSING;
		free(rp);
	}
	return st;
}

uint8_t
fsim_ctap_cred_mgmt(fsim_authn_t *a, const cbor_item_t *req, fsim_blob_t *resp)
{
	const cbor_item_t *params = fsim_cbor_map_get_int(req, 2);
	const uint8_t *p = NULL, *id;
	size_t n = 0, idlen;
	uint64_t sub = 0;
	uint8_t st;

	if ((st = fsim_req_uint(fsim_cbor_map_get_int(req, 1), true, 0xff, &sub)) != 0 ||
	    (st = fsim_req_map(params, false)) != 0)
		return st;
	/* A new enumeration, or anything but a "next", ends the one in progress. */
	if (sub != SUB_RPS_NEXT && sub != SUB_CREDS_NEXT)
		fsim_cm_reset(a);
	switch (sub) {
	case SUB_METADATA:
		if ((st = check_auth(a, req, sub, NULL)) != 0)
			return st;
		return metadata(a, resp);
	case SUB_RPS_BEGIN:
		if ((st = check_auth(a, req, sub, NULL)) != 0)
			return st;
		return rps_begin(a, resp);
	case SUB_RPS_NEXT:
		return next(a, SUB_RPS_BEGIN, resp);
	case SUB_CREDS_BEGIN:
		if (params == NULL ||
		    (st = fsim_req_bytes(fsim_cbor_map_get_int(params, 1), true, 32, 32, &p, &n)) != 0)
			return st != 0 ? st : FSIM_CTAP2_ERR_MISSING_PARAMETER;
		if ((st = check_auth(a, req, sub, p)) != 0)
			return st;
		return creds_begin(a, p, resp);
	case SUB_CREDS_NEXT:
		return next(a, SUB_CREDS_BEGIN, resp);
	case SUB_DELETE: {
		const cbor_item_t *d = params != NULL ? fsim_cbor_map_get_int(params, 2) : NULL;
		fsim_cred_t *c;
		uint8_t h[32];

		if ((st = fsim_req_map(d, true)) != 0 ||
		    (st = fsim_req_bytes(fsim_cbor_map_get_str(d, "id"), true, 1, 65535, &id,
		    &idlen)) != 0)
			return st;
		c = fsim_store_find_cred(a->store, id, idlen);
		if (c != NULL && fsim_authn_sha256(a, c->rp_id, strlen(c->rp_id), NULL, 0, h) != 0)
			return FSIM_CTAP2_ERR_PROCESSING;
		if ((st = check_auth(a, req, sub, c != NULL ? h : NULL)) != 0)
			return st;
		if (c == NULL || !c->discoverable)
			return FSIM_CTAP2_ERR_NO_CREDENTIALS;
		fsim_kc_clear(a);
		if (fsim_store_delete_cred(a->store, id, idlen) != 0 || fsim_store_save(a->store) != 0)
			return FSIM_CTAP2_ERR_PROCESSING;
		return 0;
	}
	default:
		/* updateUserInformation (0x07) too: not served here. */
		return FSIM_CTAP2_ERR_INVALID_SUBCOMMAND;
	}
}
