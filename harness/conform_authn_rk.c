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
	cbor_item_t *m, *rpm;
	ax_resp_t r;
	ax_verdict_t v;

	/* A non-discoverable credential for an RP ID of its own, then discovery there. */
	snprintf(rp, sizeof(rp), "nd.%s", x->rp_id);
	if ((m = ax_mc_map(x, NULL, NULL)) == NULL || (rpm = cbor_new_definite_map(1)) == NULL ||
	    fsim_cbor_map_put(rpm, fsim_cbor_text("id"), fsim_cbor_text(rp)) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	{
		cbor_item_t *w = ax_without(m, 2);

		cbor_decref(&m);
		m = w;
	}
	if (m == NULL || ax_put(m, 2, rpm) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
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

/* {1: sub, 3: proto, 4: authenticate(token, sub [| params])} (§6.8). */
static ax_verdict_t
cm_call(ax_t *x, uint8_t sub, ax_resp_t *r, char *d, size_t n)
{
	uint8_t tok[32], mac[32];
	size_t tlen, ml;
	uint64_t proto;
	char why[200];
	cbor_item_t *m;

	if (ax_token(x, FSIM_PERM_CRED_MGMT, NULL, tok, &tlen, &proto, why, sizeof(why)) != 0)
		return ax_say(AX_SKIP, d, n, "%s", why);
	if (fsim_pinuv_authenticate(proto, tok, tlen, &sub, 1, mac, &ml) != 0 ||
	    (m = cbor_new_definite_map(3)) == NULL) {
		fsim_wipe(tok, sizeof(tok));
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	fsim_wipe(tok, sizeof(tok));
	if (ax_put(m, 1, fsim_cbor_int(sub)) != 0 || ax_put(m, 3, fsim_cbor_int((int64_t)proto)) != 0 ||
	    ax_put(m, 4, fsim_cbor_bytes(mac, ml)) != 0) {
		cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	memset(r, 0, sizeof(*r));
	ax_send(x, (uint8_t)cm_command(x), m, r);
	cbor_decref(&m);
	return AX_PASS;
}

static ax_verdict_t
cm_absent(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	static const uint8_t req[] = { AX_CRED_MGMT, 0xa1, 0x01, 0x01 };

	if (cm_command(x) != 0)
		return ax_say(AX_SKIP, d, n, "credential management is advertised (CM-02, CM-03)");
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
	{ NULL, NULL, NULL, NULL, false, NULL },
};
