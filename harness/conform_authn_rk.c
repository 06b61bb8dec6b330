/*
 * conform_authn_rk.c — discoverable credentials in conform --authenticator
 * (CTAP 2.1 §6.1.2 steps 17-18, §6.2.2 steps 7 and 12, §6.3) and
 * authenticatorCredentialManagement (§6.8) where it is advertised.
 *
 * The run's discoverable credentials belong to two fixed user IDs of the
 * run's RP ID, so that a second run replaces the first run's (step 17).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness/conform_authn_int.h"

#define F_RK "Discoverable credentials (CTAP 2.1 6.1.2 step 17, 6.2.2, 6.3)"
#define F_CM "Credential management (CTAP 2.1 6.8)"

static bool
rk_supported(const ax_t *x)
{
	return fsim_devinfo_option(x->info, "rk") == 1;
}

/*
 * Make a discoverable credential for user_id, verifying the user when the
 * authenticator can (a device protected by UV wants it for rk, §6.1.2 step
 * 7). 0 and c filled, or a detail in d.
 */
static int
make_rk(ax_t *x, ax_cred_t *c, const char *name, char *d, size_t n)
{
	uint8_t cdh[32], tok[32];
	size_t tlen = 0;
	uint64_t proto = 0;
	char why[200], st[96];
	cbor_item_t *m, *user;
	ax_resp_t r;
	int rc = -1;

	ax_random(cdh, sizeof(cdh));
	if (fsim_devinfo_can_verify(x->info) &&
	    ax_token(x, FSIM_PERM_MAKE_CREDENTIAL, x->rp_id, tok, &tlen, &proto, why,
	    sizeof(why)) != 0) {
		snprintf(d, n, "%s", why);
		return -2;          /* a skip: no way to verify */
	}
	if ((m = ax_mc_map(x, cdh, c->user_id)) == NULL) {
		snprintf(d, n, "out of memory");
		return -1;
	}
	/* A user with its own name, to see it again in RK-04. */
	user = cbor_new_definite_map(3);
	if (user == NULL ||
	    fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(c->user_id, 16)) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("name"), fsim_cbor_text(name)) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("displayName"), fsim_cbor_text(name)) != 0) {
		if (user != NULL)
			cbor_decref(&user);
		cbor_decref(&m);
		snprintf(d, n, "out of memory");
		return -1;
	}
	{
		cbor_item_t *w = ax_without(m, 3);

		cbor_decref(&m);
		m = w;
	}
	if (m == NULL || ax_put(m, 3, user) != 0 || ax_put(m, 7, ax_options(1, -1, -1)) != 0 ||
	    (tlen > 0 && ax_put_param(m, 8, proto, tok, tlen, cdh) != 0)) {
		if (m != NULL)
			cbor_decref(&m);
		fsim_wipe(tok, sizeof(tok));
		snprintf(d, n, "out of memory");
		return -1;
	}
	fsim_wipe(tok, sizeof(tok));
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	ax_read_mc(&r);
	if (r.st != AX_OK || r.io != 0 || r.adp == NULL || r.adp->cose_key == NULL)
		snprintf(d, n, "makeCredential with rk true answered %s%s", ax_status(&r, st,
		    sizeof(st)), r.st == AX_OK ? " with unreadable authData" : "");
	else if (fsim_blob_set(&c->id, r.adp->cred_id.ptr, r.adp->cred_id.len) == 0) {
		fsim_cose_key_free(&c->key);
		c->key = r.adp->cose_key;
		r.adp->cose_key = NULL;
		c->alg = fsim_cose_key_alg(c->key);
		c->made = true;
		rc = 0;
	}
	ax_resp_reset(&r);
	return rc;
}

/* getAssertion without allowList, with UV when uv; r read. */
static void
discover(ax_t *x, const char *rp_id, bool uv, ax_resp_t *r)
{
	uint8_t cdh[32], tok[32];
	size_t tlen = 0;
	uint64_t proto = 0;
	char why[200];
	cbor_item_t *m;

	memset(r, 0, sizeof(*r));
	ax_random(cdh, sizeof(cdh));
	if (uv && ax_token(x, FSIM_PERM_GET_ASSERTION, rp_id, tok, &tlen, &proto, why,
	    sizeof(why)) != 0)
		tlen = 0;
	if ((m = ax_ga_map(x, rp_id, cdh, NULL, 0)) == NULL ||
	    (tlen > 0 && ax_put_param(m, 6, proto, tok, tlen, cdh) != 0)) {
		if (m != NULL)
			cbor_decref(&m);
		ax_resp_reset(r);
		r->io = FSIM_ERR_NOMEM;
		fsim_wipe(tok, sizeof(tok));
		return;
	}
	fsim_wipe(tok, sizeof(tok));
	ax_send(x, AX_GA, m, r);
	cbor_decref(&m);
	ax_read_ga(r, NULL, 0);
}

/* The user.id of an assertion's user member. */
static bool
user_is(const ax_resp_t *r, const uint8_t id[16])
{
	const uint8_t *p;
	size_t len;

	return r->user != NULL && cbor_isa_map(r->user) &&
	    fsim_cbor_get_bytes(fsim_cbor_map_get_str(r->user, "id"), &p, &len) == 0 &&
	    len == 16 && memcmp(p, id, 16) == 0;
}

static ax_verdict_t
rk_make_find(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	int e;

	if (!rk_supported(x))
		return ax_say(AX_SKIP, d, n, "rk not advertised");
	if ((e = make_rk(x, &x->r1, "conform-one", d, n)) != 0)
		return e == -2 ? AX_SKIP : AX_FAIL;
	discover(x, x->rp_id, false, &r);
	if (r.st != AX_OK || r.io != 0)
		v = ax_say(AX_FAIL, d, n, "made, but getAssertion without allowList answered %s",
		    ax_status(&r, st, sizeof(st)));
	else if (r.cred_id == NULL)
		v = ax_say(AX_FAIL, d, n, "found, but the answer has no credential (0x01), which "
		    "a discovered credential needs");
	else if (r.user == NULL)
		v = ax_say(AX_FAIL, d, n, "found, but the answer has no user (0x04)");
	else
		v = ax_say(AX_PASS, d, n, "made and found without an allowList, with its user");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
rk_two(ax_t *x, char *d, size_t n)
{
	ax_resp_t r, r2;
	char st[96];
	ax_verdict_t v;
	int e;

	if (!rk_supported(x))
		return ax_say(AX_SKIP, d, n, "rk not advertised");
	if (!x->r1.made)
		return ax_say(AX_FAIL, d, n, "RK-01 made no credential");
	if ((e = make_rk(x, &x->r2, "conform-two", d, n)) != 0)
		return e == -2 ? AX_SKIP : AX_FAIL;
	discover(x, x->rp_id, false, &r);
	memset(&r2, 0, sizeof(r2));
	if (r.st != AX_OK || r.io != 0) {
		v = ax_say(AX_FAIL, d, n, "getAssertion without allowList answered %s",
		    ax_status(&r, st, sizeof(st)));
		goto out;
	}
	if (r.n_creds != 2) {
		v = ax_say(AX_FAIL, d, n, "numberOfCredentials (0x05) is %llu for the RP's two "
		    "users", (unsigned long long)r.n_creds);
		goto out;
	}
	ax_send(x, AX_GNA, NULL, &r2);
	ax_read_ga(&r2, NULL, 0);
	if (r2.st != AX_OK || r2.io != 0) {
		v = ax_say(AX_FAIL, d, n, "getNextAssertion answered %s", ax_status(&r2, st,
		    sizeof(st)));
		goto out;
	}
	if (!((user_is(&r, x->r1.user_id) && user_is(&r2, x->r2.user_id)) ||
	    (user_is(&r, x->r2.user_id) && user_is(&r2, x->r1.user_id)))) {
		v = ax_say(AX_FAIL, d, n, "the two answers are not the two users");
		goto out;
	}
	ax_send(x, AX_GNA, NULL, &r2);
	if (r2.st != AX_NOT_ALLOWED)
		v = ax_say(AX_FAIL, d, n, "a third getNextAssertion answered %s, not "
		    "CTAP2_ERR_NOT_ALLOWED", ax_status(&r2, st, sizeof(st)));
	else
		v = ax_say(AX_PASS, d, n, "numberOfCredentials 2, getNextAssertion gave the other, "
		    "then CTAP2_ERR_NOT_ALLOWED");
out:
	ax_resp_reset(&r);
	ax_resp_reset(&r2);
	return v;
}

static ax_verdict_t
rk_replace(ax_t *x, char *d, size_t n)
{
	ax_cred_t again;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	int e;

	if (!rk_supported(x))
		return ax_say(AX_SKIP, d, n, "rk not advertised");
	if (!x->r1.made || !x->r2.made)
		return ax_say(AX_FAIL, d, n, "RK-01 and RK-02 made no credentials");
	memset(&again, 0, sizeof(again));
	memcpy(again.user_id, x->r1.user_id, 16);
	if ((e = make_rk(x, &again, "conform-one", d, n)) != 0)
		return e == -2 ? AX_SKIP : AX_FAIL;
	discover(x, x->rp_id, false, &r);
	if (r.st != AX_OK || r.io != 0)
		v = ax_say(AX_FAIL, d, n, "getAssertion without allowList answered %s",
		    ax_status(&r, st, sizeof(st)));
	else if (r.n_creds != 2)
		v = ax_say(AX_FAIL, d, n, "numberOfCredentials is %llu after a second credential "
		    "for the same user: the first was not replaced",
		    (unsigned long long)(r.n_creds ? r.n_creds : 1));
	else
		v = ax_say(AX_PASS, d, n, "still two credentials: the user's new one replaced the "
		    "old one");
	ax_resp_reset(&r);
	/* The new one is user one's credential from now on. */
	fsim_blob_reset(&x->r1.id);
	fsim_cose_key_free(&x->r1.key);
	x->r1 = again;
	return v;
}

static ax_verdict_t
rk_pii(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	if (!rk_supported(x))
		return ax_say(AX_SKIP, d, n, "rk not advertised");
	if (!x->r1.made)
		return ax_say(AX_FAIL, d, n, "RK-01 made no credential");
	discover(x, x->rp_id, false, &r);
	if (r.st != AX_OK || r.ad_len < 33)
		v = ax_say(AX_FAIL, d, n, "getAssertion without allowList failed");
	else if (r.ad[32] & FSIM_AD_UV)
		v = ax_say(AX_SKIP, d, n, "the assertion came with UV (nothing to check)");
	else if (r.user != NULL && cbor_isa_map(r.user) &&
	    (fsim_cbor_map_get_str(r.user, "name") != NULL ||
	    fsim_cbor_map_get_str(r.user, "displayName") != NULL))
		v = ax_say(AX_FAIL, d, n, "user name or displayName returned without user "
		    "verification");
	else
		v = ax_say(AX_PASS, d, n, "without UV the user member is only its id");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
rk_not_discoverable(ax_t *x, char *d, size_t n)
{
	char rp[96], st[96];
	cbor_item_t *m;
	ax_resp_t r;
	ax_verdict_t v;

	/* A non-discoverable credential for an RP ID of its own, then discovery there. */
	snprintf(rp, sizeof(rp), "nd.%s", x->rp_id);
	if ((m = ax_mc_map_rp(x, NULL, rp)) == NULL)
		return ax_say(AX_FAIL, d, n, "out of memory");
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	if (r.st != AX_OK) {
		v = ax_say(AX_FAIL, d, n, "makeCredential for %s answered %s", rp,
		    ax_status(&r, st, sizeof(st)));
		ax_resp_reset(&r);
		return v;
	}
	ax_resp_reset(&r);
	discover(x, rp, false, &r);
	if (r.st == AX_NO_CREDENTIALS)
		v = ax_say(AX_PASS, d, n, "rk absent: not found without an allowList");
	else
		v = ax_say(AX_FAIL, d, n, "a credential made without rk was discovered (%s)",
		    ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

/* ---- credential management ---- */

static int
cm_command(const ax_t *x)
{
	if (fsim_devinfo_option(x->info, "credMgmt") == 1)
		return AX_CRED_MGMT;
	if (fsim_devinfo_option(x->info, "credentialMgmtPreview") == 1)
		return AX_CRED_MGMT_PRE;
	return 0;
}

/* A pinUvAuthToken with the cm permission (no RP ID); AX_PASS or why not. */
typedef struct cm_tok {
	uint8_t tok[32];
	size_t len;
	uint64_t proto;
} cm_tok_t;

static ax_verdict_t
cm_token(ax_t *x, cm_tok_t *t, char *d, size_t n)
{
	char why[200];

	memset(t, 0, sizeof(*t));
	if (ax_token(x, FSIM_PERM_CRED_MGMT, NULL, t->tok, &t->len, &t->proto, why,
	    sizeof(why)) != 0)
		return ax_say(AX_SKIP, d, n, "%s", why);
	return AX_PASS;
}

/*
 * {1: sub[, 2: params], 3: proto, 4: authenticate(token, sub | params)}
 * (§6.8.2-6.8.5); the two "get next" subcommands carry only 1. bad: a
 * pinUvAuthParam with one bit flipped. params is consumed.
 */
static void
cm_send(ax_t *x, const cm_tok_t *t, uint8_t sub, cbor_item_t *params, bool bad, ax_resp_t *r)
{
	uint8_t mac[32];
	size_t ml = 0;
	fsim_blob_t msg = { 0 }, enc = { 0 };
	bool next = sub == 0x03 || sub == 0x05;
	cbor_item_t *m = cbor_new_definite_map(next ? 1 : 4);

	memset(r, 0, sizeof(*r));
	r->io = FSIM_ERR_NOMEM;
	if (m == NULL || ax_put(m, 1, fsim_cbor_int(sub)) != 0)
		goto out;
	if (!next) {
		if (fsim_blob_set(&msg, &sub, 1) != 0 ||
		    (params != NULL && (fsim_cbor_encode(params, &enc) != 0 ||
		    fsim_blob_append(&msg, enc.ptr, enc.len) != 0)) ||
		    fsim_pinuv_authenticate(t->proto, t->tok, t->len, msg.ptr, msg.len, mac,
		    &ml) != 0)
			goto out;
		if (bad)
			mac[0] ^= 0x01;
		if (params != NULL) {
			cbor_item_t *p = params;

			params = NULL;
			if (ax_put(m, 2, p) != 0)
				goto out;
		}
		if (ax_put(m, 3, fsim_cbor_int((int64_t)t->proto)) != 0 ||
		    ax_put(m, 4, fsim_cbor_bytes(mac, ml)) != 0)
			goto out;
	}
	r->io = 0;
	ax_send(x, (uint8_t)cm_command(x), m, r);
out:
	if (m != NULL)
		cbor_decref(&m);
	if (params != NULL)
		cbor_decref(&params);
	fsim_blob_reset(&msg);
	fsim_blob_reset(&enc);
}

/* cm_send with a token of its own, for the cases that need one answer. */
static ax_verdict_t
cm_call(ax_t *x, uint8_t sub, ax_resp_t *r, char *d, size_t n)
{
	cm_tok_t t;
	ax_verdict_t v;

	if ((v = cm_token(x, &t, d, n)) != AX_PASS)
		return v;
	cm_send(x, &t, sub, NULL, false, r);
	fsim_wipe(&t, sizeof(t));
	return AX_PASS;
}

/* The credential ID (0x07 {"id"}) of an enumerateCredentials answer. */
static bool
cm_cred_id(const ax_resp_t *r, const uint8_t **p, size_t *len)
{
	const cbor_item_t *desc = r->map != NULL ? fsim_cbor_map_get_int(r->map, 7) : NULL;

	return desc != NULL && cbor_isa_map(desc) &&
	    fsim_cbor_get_bytes(fsim_cbor_map_get_str(desc, "id"), p, len) == 0;
}

static bool
same_id(const ax_cred_t *c, const uint8_t *p, size_t len)
{
	return c->made && fsim_blob_eq(&c->id, p, len);
}

/* {1: SHA-256(rp_id)} for enumerateCredentialsBegin. */
static cbor_item_t *
rp_params(const char *rp_id)
{
	uint8_t h[32];
	unsigned int hl = 0;
	cbor_item_t *m;

	if (EVP_Digest(rp_id, strlen(rp_id), h, &hl, EVP_sha256(), NULL) != 1 ||
	    (m = cbor_new_definite_map(1)) == NULL)
		return NULL;
	if (ax_put(m, 1, fsim_cbor_bytes(h, 32)) != 0) {
		cbor_decref(&m);
		return NULL;
	}
	return m;
}

/* {2: {"id": id, "type": "public-key"}} for deleteCredential. */
static cbor_item_t *
del_params(const fsim_blob_t *id)
{
	cbor_item_t *m = cbor_new_definite_map(1), *desc = cbor_new_definite_map(2);

	if (m == NULL || desc == NULL ||
	    fsim_cbor_map_put(desc, fsim_cbor_text("id"), fsim_cbor_bytes(id->ptr, id->len)) != 0 ||
	    fsim_cbor_map_put(desc, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		if (desc != NULL)
			cbor_decref(&desc);
		return NULL;
	}
	if (ax_put(m, 2, desc) != 0) {
		cbor_decref(&m);
		return NULL;
	}
	return m;
}

static ax_verdict_t
cm_absent(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	static const uint8_t req[] = { AX_CRED_MGMT, 0xa1, 0x01, 0x01 };

	if (cm_command(x) != 0)
		return ax_say(AX_SKIP, d, n, "credential management is advertised (CM-02 to CM-06)");
	memset(&r, 0, sizeof(r));
	ax_send_raw(x, req, sizeof(req), &r);
	if (r.io == 0 && r.hid_error < 0 && r.st == AX_INVALID_COMMAND)
		v = ax_say(AX_PASS, d, n, "not advertised, and the command is refused: %s",
		    ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_FAIL, d, n, "not advertised, yet authenticatorCredentialManagement "
		    "answered %s, not CTAP1_ERR_INVALID_COMMAND", ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
cm_metadata(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	const cbor_item_t *c;

	if (cm_command(x) == 0)
		return ax_say(AX_SKIP, d, n, "neither credMgmt nor credentialMgmtPreview advertised");
	if ((v = cm_call(x, 0x01, &r, d, n)) != AX_PASS)
		return v;
	c = r.map != NULL ? fsim_cbor_map_get_int(r.map, 1) : NULL;
	if (r.st != AX_OK || r.io != 0)
		v = ax_say(AX_FAIL, d, n, "getCredsMetadata answered %s", ax_status(&r, st, sizeof(st)));
	else if (c == NULL || !cbor_isa_uint(c) ||
	    fsim_cbor_map_get_int(r.map, 2) == NULL)
		v = ax_say(AX_FAIL, d, n, "getCredsMetadata lacks existingResidentCredentialsCount "
		    "(0x01) or maxPossibleRemainingResidentCredentialsCount (0x02)");
	else if (x->r2.made && cbor_get_int(c) < 2)
		v = ax_say(AX_FAIL, d, n, "existingResidentCredentialsCount %llu after the run made "
		    "two", (unsigned long long)cbor_get_int(c));
	else
		v = ax_say(AX_PASS, d, n, "%llu discoverable credentials",
		    (unsigned long long)cbor_get_int(c));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
cm_rps(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	const cbor_item_t *total;

	if (cm_command(x) == 0)
		return ax_say(AX_SKIP, d, n, "neither credMgmt nor credentialMgmtPreview advertised");
	if ((v = cm_call(x, 0x02, &r, d, n)) != AX_PASS)
		return v;
	total = r.map != NULL ? fsim_cbor_map_get_int(r.map, 5) : NULL;
	if (r.st != AX_OK || r.io != 0)
		v = ax_say(AX_FAIL, d, n, "enumerateRPsBegin answered %s", ax_status(&r, st,
		    sizeof(st)));
	else if (fsim_cbor_map_get_int(r.map, 3) == NULL || fsim_cbor_map_get_int(r.map, 4) == NULL ||
	    total == NULL || !cbor_isa_uint(total) || cbor_get_int(total) == 0)
		v = ax_say(AX_FAIL, d, n, "enumerateRPsBegin lacks rp (0x03), rpIDHash (0x04) or "
		    "totalRPs (0x05)");
	else
		v = ax_say(AX_PASS, d, n, "%llu RPs with discoverable credentials",
		    (unsigned long long)cbor_get_int(total));
	ax_resp_reset(&r);
	return v;
}

/* enumerateCredentialsBegin, then GetNextCredential (6.8.4): the run's two users. */
static ax_verdict_t
cm_creds(ax_t *x, char *d, size_t n)
{
	cm_tok_t t;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	const cbor_item_t *total;
	const uint8_t *p;
	size_t len, seen = 0;
	uint64_t i, count = 0;

	if (cm_command(x) == 0)
		return ax_say(AX_SKIP, d, n, "neither credMgmt nor credentialMgmtPreview advertised");
	if (!x->r1.made || !x->r2.made)
		return ax_say(AX_SKIP, d, n, "the run made no two discoverable credentials "
		    "(RK-01, RK-02)");
	if ((v = cm_token(x, &t, d, n)) != AX_PASS)
		return v;
	cm_send(x, &t, 0x04, rp_params(x->rp_id), false, &r);
	total = r.map != NULL ? fsim_cbor_map_get_int(r.map, 9) : NULL;
	if (r.st != AX_OK || r.io != 0) {
		v = ax_say(AX_FAIL, d, n, "enumerateCredentialsBegin for %s answered %s", x->rp_id,
		    ax_status(&r, st, sizeof(st)));
		goto out;
	}
	if (total == NULL || !cbor_isa_uint(total) || fsim_cbor_map_get_int(r.map, 6) == NULL ||
	    fsim_cbor_map_get_int(r.map, 8) == NULL || !cm_cred_id(&r, &p, &len)) {
		v = ax_say(AX_FAIL, d, n, "enumerateCredentialsBegin lacks user (0x06), "
		    "credentialID (0x07), publicKey (0x08) or totalCredentials (0x09)");
		goto out;
	}
	count = cbor_get_int(total);
	for (i = 0; ; i++) {
		if (same_id(&x->r1, p, len) || same_id(&x->r2, p, len))
			seen++;
		if (i + 1 >= count || i >= 64)
			break;
		ax_resp_reset(&r);
		cm_send(x, &t, 0x05, NULL, false, &r);
		if (r.st != AX_OK || r.io != 0 || !cm_cred_id(&r, &p, &len)) {
			v = ax_say(AX_FAIL, d, n, "enumerateCredentialsGetNextCredential %llu of "
			    "%llu answered %s", (unsigned long long)(i + 2),
			    (unsigned long long)count, ax_status(&r, st, sizeof(st)));
			goto out;
		}
	}
	if (seen != 2)
		v = ax_say(AX_FAIL, d, n, "%zu of the run's two discoverable credentials among "
		    "the %llu listed for %s", seen, (unsigned long long)count, x->rp_id);
	else
		v = ax_say(AX_PASS, d, n, "%llu credentials for %s, the run's two among them",
		    (unsigned long long)count, x->rp_id);
out:
	ax_resp_reset(&r);
	fsim_wipe(&t, sizeof(t));
	return v;
}

/* A pinUvAuthParam that does not verify (6.8.2 step 3). */
static ax_verdict_t
cm_bad_auth(ax_t *x, char *d, size_t n)
{
	cm_tok_t t;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	if (cm_command(x) == 0)
		return ax_say(AX_SKIP, d, n, "neither credMgmt nor credentialMgmtPreview advertised");
	if ((v = cm_token(x, &t, d, n)) != AX_PASS)
		return v;
	cm_send(x, &t, 0x01, NULL, true, &r);
	if (r.io == 0 && r.st == AX_PIN_AUTH_INVALID)
		v = ax_say(AX_PASS, d, n, "refused: %s", ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_FAIL, d, n, "getCredsMetadata with a wrong pinUvAuthParam answered "
		    "%s, not CTAP2_ERR_PIN_AUTH_INVALID", ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	fsim_wipe(&t, sizeof(t));
	return v;
}

/* existingResidentCredentialsCount, or -1. */
static int64_t
cm_count(ax_t *x, const cm_tok_t *t)
{
	ax_resp_t r;
	const cbor_item_t *c;
	int64_t v = -1;

	cm_send(x, t, 0x01, NULL, false, &r);
	c = r.map != NULL ? fsim_cbor_map_get_int(r.map, 1) : NULL;
	if (r.st == AX_OK && r.io == 0 && c != NULL && cbor_isa_uint(c))
		v = (int64_t)cbor_get_int(c);
	ax_resp_reset(&r);
	return v;
}

/*
 * deleteCredential (6.8.5) of a third user's credential the case makes
 * itself: the count drops by one, and deleting it again is
 * CTAP2_ERR_NO_CREDENTIALS. The run's other credentials stay.
 */
static ax_verdict_t
cm_delete(ax_t *x, char *d, size_t n)
{
	cm_tok_t t;
	ax_cred_t c;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	int64_t before, after;
	int e;

	if (cm_command(x) == 0)
		return ax_say(AX_SKIP, d, n, "neither credMgmt nor credentialMgmtPreview advertised");
	if (!rk_supported(x))
		return ax_say(AX_SKIP, d, n, "rk not advertised");
	memset(&c, 0, sizeof(c));
	memset(c.user_id, 0xc3, sizeof(c.user_id));
	if ((e = make_rk(x, &c, "conform-three", d, n)) != 0)
		return e == -2 ? AX_SKIP : AX_FAIL;
	if ((v = cm_token(x, &t, d, n)) != AX_PASS)
		goto out;
	before = cm_count(x, &t);
	cm_send(x, &t, 0x06, del_params(&c.id), false, &r);
	if (r.st != AX_OK || r.io != 0) {
		v = ax_say(AX_FAIL, d, n, "deleteCredential of a credential just made answered %s",
		    ax_status(&r, st, sizeof(st)));
		ax_resp_reset(&r);
		goto out;
	}
	ax_resp_reset(&r);
	after = cm_count(x, &t);
	cm_send(x, &t, 0x06, del_params(&c.id), false, &r);
	if (before < 1 || after != before - 1)
		v = ax_say(AX_FAIL, d, n, "existingResidentCredentialsCount %lld before "
		    "deleteCredential, %lld after", (long long)before, (long long)after);
	else if (r.io != 0 || r.st != AX_NO_CREDENTIALS)
		v = ax_say(AX_FAIL, d, n, "deleting the deleted credential again answered %s, not "
		    "CTAP2_ERR_NO_CREDENTIALS", ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_PASS, d, n, "deleted: %lld discoverable credentials, then %lld; "
		    "again: %s", (long long)before, (long long)after, ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
out:
	fsim_wipe(&t, sizeof(t));
	fsim_blob_reset(&c.id);
	fsim_cose_key_free(&c.key);
	return v;
}

const ax_case_t fsim_ax_rk_cases[] = {
	{ "RK-01", F_RK, "CTAP 2.1 6.1.2 step 17, 6.2.2 steps 7, 12", "rk true makes a "
	  "credential found without an allowList, with its user", false, rk_make_find },
	{ "RK-02", F_RK, "CTAP 2.1 6.2.2 step 12, 6.3", "two users: numberOfCredentials 2, "
	  "getNextAssertion gives the other, then CTAP2_ERR_NOT_ALLOWED", false, rk_two },
	{ "RK-03", F_RK, "CTAP 2.1 6.1.2 step 17", "a new credential for the same user replaces "
	  "the old one", false, rk_replace },
	{ "RK-04", F_RK, "CTAP 2.1 6.2.2 step 12", "no user name or displayName without UV",
	  false, rk_pii },
	{ "RK-05", F_RK, "CTAP 2.1 6.1.2 step 18", "a credential made without rk is not "
	  "discovered", false, rk_not_discoverable },
	{ "CM-01", F_CM, "CTAP 2.1 6.8, 8.2", "not advertised: the command is "
	  "CTAP1_ERR_INVALID_COMMAND", false, cm_absent },
	{ "CM-02", F_CM, "CTAP 2.1 6.8.2", "getCredsMetadata counts the discoverable credentials",
	  false, cm_metadata },
	{ "CM-03", F_CM, "CTAP 2.1 6.8.3", "enumerateRPsBegin lists the RPs", false, cm_rps },
	{ "CM-04", F_CM, "CTAP 2.1 6.8.4", "enumerateCredentials lists the run's two users' "
	  "credentials", false, cm_creds },
	{ "CM-05", F_CM, "CTAP 2.1 6.8.2", "a wrong pinUvAuthParam is CTAP2_ERR_PIN_AUTH_INVALID",
	  false, cm_bad_auth },
	{ "CM-06", F_CM, "CTAP 2.1 6.8.5", "deleteCredential removes a credential the case made; "
	  "again is CTAP2_ERR_NO_CREDENTIALS", false, cm_delete },
	{ NULL, NULL, NULL, NULL, false, NULL },
};
