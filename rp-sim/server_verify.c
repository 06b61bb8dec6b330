/*
 * server_verify.c — the second half of a `fidosim serve` ceremony: the
 * pending options taken back by the session's cookie, the response verified
 * (fsim_rp_verify_registration / fsim_rp_verify_authentication) under the
 * RP's policy, the credential filed or its counter moved, and the report
 * kept for the page. The first half, the options, is server_api.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "rp-sim/server_int.h"
#include "rp-sim/webauthnio.h"

static const char *const api_names[] = { "webauthn.io", "fido" };

/*
 * Take the session's pending ceremony: single use, whatever comes of it.
 * false (answer failed) when there is none or it expired.
 */
static bool
take_pending(fsim_server_t *s, int api, const char *cookie, bool reg, srv_pending_t *out,
    srv_answer_t *a)
{
	srv_session_t *ss;
	time_t now = fsim_srv_now(s);
	const char *what = reg ? "registration" : "authentication";
	const char *opt = api == SRV_API_FIDO ? (reg ? "/attestation/options" :
	    "/assertion/options") : (reg ? "/registration/options" : "/authentication/options");

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->lock);
	ss = fsim_srv_session(s, cookie, NULL, false, NULL, NULL);
	if (ss != NULL) {
		srv_pending_t *p = reg ? &ss->reg : &ss->auth;

		*out = *p;
		fsim_wipe(p, sizeof(*p));
	}
	pthread_mutex_unlock(&s->lock);
	if (ss == NULL) {
		fsim_srv_fail(a, api, 400, "no session: POST %s first and send back its "
		    "%s cookie", opt, FSIM_SERVER_COOKIE);
		return false;
	}
	if (!out->active) {
		fsim_srv_fail(a, api, 400, "no %s in progress in this session: its challenge "
		    "was used already (replay?) or never issued; POST %s first", what, opt);
		return false;
	}
	if (now > out->expires) {
		fsim_srv_fail(a, api, 400, "the %s challenge expired %lld s ago (challenges "
		    "live %u s)", what, (long long)(now - out->expires), s->ttl);
		return false;
	}
	return true;
}

/* "REG-14 (7.1 step 17): BS is set but BE is not" for the first failed rule. */
static void
first_failure(const fsim_rp_result_t *res, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "not verified");
	for (i = 0; i < res->checks.n; i++) {
		const fsim_check_t *c = &res->checks.v[i];
		const fsim_rule_t *r;

		if (c->status != FSIM_CHECK_FAIL)
			continue;
		r = fsim_rule(c->rule);
		snprintf(buf, len, "%s (WebAuthn L3 %s): %s", r->id, r->section,
		    c->msg[0] ? c->msg : r->summary);
		return;
	}
}

/* The server's own short report when no report function is configured. */
static json_t *
short_report(const fsim_rp_result_t *res)
{
	json_t *j = json_object(), *errors = json_array(), *warnings = json_array();
	size_t i;

	if (j == NULL || errors == NULL || warnings == NULL)
		goto fail;
	for (i = 0; i < res->checks.n; i++) {
		const fsim_check_t *c = &res->checks.v[i];
		const fsim_rule_t *r = fsim_rule(c->rule);
		json_t *e;

		if (c->status != FSIM_CHECK_FAIL && c->status != FSIM_CHECK_WARN)
			continue;
		e = json_pack("{s:s, s:s, s:s}", "rule", r->id, "section", r->section,
		    "message", c->msg[0] ? c->msg : r->summary);
		json_array_append_new(c->status == FSIM_CHECK_FAIL ? errors : warnings, e);
	}
	json_object_set_new(j, "verified", json_boolean(res->verified));
	json_object_set_new(j, "ceremony", json_string(res->ceremony ==
	    FSIM_CEREMONY_REGISTRATION ? "registration" : "authentication"));
	json_object_set_new(j, "errors", errors);
	json_object_set_new(j, "warnings", warnings);
	return j;
fail:
	json_decref(errors);
	json_decref(warnings);
	json_decref(j);
	return NULL;
}

/* The report of a verification, to be filed with its change (srv_write_t.report). */
static json_t *
make_report(fsim_server_t *s, int api, const char *ceremony, const char *username,
    const fsim_rp_result_t *res, const json_t *response, const char *error)
{
	json_t *model = s->report != NULL ? s->report(res, response, s->report_ctx) :
	    short_report(res);
	json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}",
	    "time", (json_int_t)fsim_srv_now(s), "api", api_names[api], "ceremony", ceremony,
	    "username", username, "verified", res->verified && error == NULL,
	    "report", model != NULL ? model : json_null());

	if (e != NULL && error != NULL)
		json_object_set_new(e, "error", json_string(error));
	return e;
}

/* The session's last report is the one just filed. */
static void
note_report(fsim_server_t *s, const char *cookie, long id)
{
	srv_session_t *ss;

	if (id == 0)
		return;
	pthread_mutex_lock(&s->lock);
	if ((ss = fsim_srv_session(s, cookie, NULL, false, NULL, NULL)) != NULL)
		ss->last_report = id;
	pthread_mutex_unlock(&s->lock);
}

/* File a report alone (a verification that failed: nothing else changes). */
static void
file_report(fsim_server_t *s, int api, const char *cookie, const char *ceremony,
    const char *username, const fsim_rp_result_t *res, const json_t *response,
    const char *error)
{
	srv_write_t w;

	memset(&w, 0, sizeof(w));
	w.kind = SRV_WRITE_REPORT;
	if ((w.report = make_report(s, api, ceremony, username, res, response, error)) == NULL)
		return;
	if (fsim_srv_db_write(s, &w) == 0)
		note_report(s, cookie, w.report_id);
	json_decref(w.report);
}

static void
policy_for(fsim_server_t *s, const srv_pending_t *p, fsim_rp_policy_t *pol)
{
	*pol = s->policy;
	pol->rp_id = s->rp_id;
	pol->origins = (const char *const *)s->origins;
	pol->n_origins = s->n_origins;
	pol->challenge = p->challenge;
	pol->challenge_len = sizeof(p->challenge);
	pol->uv = p->uv;
	if (p->conveyance != FSIM_CONVEY_UNSET)
		pol->conveyance = p->conveyance;
	pol->algs = p->n_algs > 0 ? p->algs : NULL;
	pol->n_algs = p->n_algs;
	pol->trust = s->trust;
	pol->at = fsim_srv_now(s);
	pol->conditional = p->conditional;
	pol->appid = p->appid[0] != '\0' ? p->appid : NULL;
}

/*
 * The response JSON of a verification request: webauthn.io wraps it as
 * {"username", "response"}; the FIDO API posts the credential itself, and
 * names the extension outputs getClientExtensionResults.
 */
static json_t *
response_of(int api, const json_t *body, srv_answer_t *a)
{
	json_t *r;

	if (api == SRV_API_WEBAUTHNIO) {
		r = json_object_get(body, "response");
		if (!json_is_object(r)) {
			fsim_srv_fail(a, api, 400, "response must be an object (the "
			    "PublicKeyCredential's toJSON())");
			return NULL;
		}
		return json_incref(r);
	}
	if ((r = json_deep_copy(body)) == NULL) {
		fsim_srv_fail(a, api, 500, "out of memory");
		return NULL;
	}
	if (json_object_get(r, "clientExtensionResults") == NULL &&
	    json_is_object(json_object_get(r, "getClientExtensionResults")))
		json_object_set(r, "clientExtensionResults",
		    json_object_get(r, "getClientExtensionResults"));
	json_object_del(r, "getClientExtensionResults");
	return r;
}

static void
verified_answer(srv_answer_t *a, int api)
{
	a->status = 200;
	a->body = api == SRV_API_FIDO ?
	    json_pack("{s:s, s:s}", "status", "ok", "errorMessage", "") :
	    json_pack("{s:b}", "verified", 1);
}

void
fsim_srv_reg_verify(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    srv_answer_t *a)
{
	srv_pending_t p;
	fsim_rp_policy_t pol;
	fsim_rp_result_t *res = NULL;
	json_t *resp = NULL, *rec = NULL;
	const char *username = "";
	char msg[400];
	srv_cred_t c;
	srv_write_t w;
	int e;

	memset(&w, 0, sizeof(w));
	memset(&c, 0, sizeof(c));
	if (api == SRV_API_WEBAUTHNIO &&
	    !fsim_srv_username_member(body, "username", true, &username, a, api))
		return;
	if ((resp = response_of(api, body, a)) == NULL)
		return;
	if (!take_pending(s, api, cookie, true, &p, a))
		goto out;
	if (api == SRV_API_WEBAUTHNIO && strcmp(username, p.username) != 0) {
		char q1[300], q2[300];

		fsim_srv_fail(a, api, 400, "username \"%s\" is not the one the options "
		    "were for (\"%s\")", fsim_srv_quote(username, 64, q1, sizeof(q1)),
		    fsim_srv_quote(p.username, 64, q2, sizeof(q2)));
		goto out;
	}
	policy_for(s, &p, &pol);
	if ((e = fsim_rp_verify_registration(&pol, resp, &res)) != 0) {
		fsim_srv_fail(a, api, 500, "internal error: %s", fsim_strerr(e));
		goto out;
	}
	if (!res->verified) {
		first_failure(res, msg, sizeof(msg));
		fsim_srv_fail(a, api, 400, "Registration failed: %s", msg);
		file_report(s, api, cookie, "registration", p.username, res, resp, msg);
		goto out;
	}
	snprintf(c.username, sizeof(c.username), "%s", p.username);
	fsim_srv_user_id(c.username, c.user_id);
	c.created = (long long)fsim_srv_now(s);
	c.discoverable = fsim_webauthnio_discoverable(resp);
	c.id = res->record->id;
	if ((rec = fsim_record_to_json(res->record)) == NULL) {
		fsim_srv_fail(a, api, 500, "out of memory");
		goto out;
	}
	c.record = rec;
	/*
	 * §7.1 step 26: a credential ID registered already is refused; the
	 * database checks it in the transaction that adds the credential, so
	 * two servers sharing it cannot both take one ID.
	 */
	memset(&w, 0, sizeof(w));
	w.kind = SRV_WRITE_ADD_CRED;
	w.cred = &c;
	if ((w.report = make_report(s, api, "registration", p.username, res, resp, NULL)) ==
	    NULL) {
		fsim_srv_fail(a, api, 500, "out of memory");
		goto out;
	}
	if ((e = fsim_srv_db_write(s, &w)) != 0) {
		fsim_srv_fail(a, api, 500, "the credential could not be stored: %s",
		    fsim_strerr(e));
		goto out;
	}
	if (w.result != 0) {
		snprintf(msg, sizeof(msg), w.result == FSIM_ERR_FORMAT ? "the credential ID is "
		    "registered already (WebAuthn L3 7.1 step 26)" : w.result == FSIM_ERR_ARG ?
		    "the credential store is full" : "out of memory");
		fsim_srv_fail(a, api, w.result == FSIM_ERR_NOMEM ? 500 : 400,
		    "Registration failed: %s", msg);
		note_report(s, cookie, w.report_id);
		goto out;
	}
	note_report(s, cookie, w.report_id);
	verified_answer(a, api);
	{
		char nq[100];

		snprintf(a->note, sizeof(a->note), "registration verified for \"%s\"%s",
		    fsim_srv_quote(p.username, 24, nq, sizeof(nq)), p.conditional ?
		    " (conditional create)" : "");
	}
out:
	fsim_wipe(&p, sizeof(p));
	json_decref(w.report);
	json_decref(rec);
	json_decref(resp);
	fsim_rp_result_free(&res);
}

/* The credential ID the response names (rawId, else id), decoded. */
static bool
response_cred_id(const json_t *resp, fsim_blob_t *id, srv_answer_t *a, int api)
{
	const json_t *v = json_object_get(resp, "rawId");

	if (!json_is_string(v))
		v = json_object_get(resp, "id");
	if (!json_is_string(v) || fsim_b64url_decode(json_string_value(v),
	    json_string_length(v), id, NULL, NULL) != 0 || id->len == 0) {
		fsim_srv_fail(a, api, 400, "response.rawId (or id) must be the credential "
		    "ID in base64url");
		return false;
	}
	return true;
}

void
fsim_srv_auth_verify(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    srv_answer_t *a)
{
	srv_pending_t p;
	fsim_rp_policy_t pol;
	fsim_rp_result_t *res = NULL;
	fsim_cred_record_t *rec = NULL;
	fsim_blob_t id = { NULL, 0 }, uh = { NULL, 0 };
	json_t *resp = NULL, *stored = NULL, *updated = NULL;
	const json_t *uhj;
	const char *username = "";
	char owner[SRV_USERNAME_BYTES + 1], msg[400], q[300];
	uint8_t owner_id[32];
	json_int_t count0 = 0;
	srv_cred_t c;
	srv_write_t w;
	int e;

	memset(&c, 0, sizeof(c));
	memset(&w, 0, sizeof(w));
	if (api == SRV_API_WEBAUTHNIO &&
	    !fsim_srv_username_member(body, "username", false, &username, a, api))
		return;
	if ((resp = response_of(api, body, a)) == NULL)
		return;
	if (!take_pending(s, api, cookie, false, &p, a) ||
	    !response_cred_id(resp, &id, a, api))
		goto out;
	if ((e = fsim_srv_db_cred_get(s, id.ptr, id.len, &c)) == FSIM_ERR_NOT_FOUND) {
		fsim_srv_fail(a, api, 400, "Authentication failed: no credential with this "
		    "ID is registered (WebAuthn L3 7.2 step 5)");
		/* What a well-behaved RP does then (WebAuthn L3 5.1.10.2). */
		if (json_is_true(json_object_get(body, "signals")))
			fsim_srv_signal_unknown(s, a, id.ptr, id.len);
		goto out;
	}
	if (e != 0) {
		fsim_srv_fail(a, api, 500, "the credential cannot be read: %s", fsim_strerr(e));
		goto out;
	}
	snprintf(owner, sizeof(owner), "%s", c.username);
	memcpy(owner_id, c.user_id, sizeof(owner_id));
	stored = json_incref(c.record);
	count0 = json_integer_value(json_object_get(c.record, "signCount"));
	/* §7.2 step 5: the credential must be one allowCredentials named. */
	if ((p.username[0] != '\0' && strcmp(owner, p.username) != 0) ||
	    (username[0] != '\0' && strcmp(owner, username) != 0)) {
		fsim_srv_fail(a, api, 400, "Authentication failed: the credential is not one "
		    "of \"%s\"'s (WebAuthn L3 7.2 step 5)", fsim_srv_quote(p.username[0] ?
		    p.username : username, 64, q, sizeof(q)));
		goto out;
	}
	/* §7.2 step 6: the user handle, when given, names the owner; without a
	 * username (a discoverable credential) it must be given. */
	uhj = json_object_get(json_object_get(resp, "response"), "userHandle");
	if (uhj != NULL && !json_is_null(uhj)) {
		if (!json_is_string(uhj) || fsim_b64url_decode(json_string_value(uhj),
		    json_string_length(uhj), &uh, NULL, NULL) != 0) {
			fsim_srv_fail(a, api, 400, "Authentication failed: response.userHandle "
			    "must be base64url");
			goto out;
		}
		if (uh.len != sizeof(owner_id) || CRYPTO_memcmp(uh.ptr, owner_id, uh.len) != 0) {
			fsim_srv_fail(a, api, 400, "Authentication failed: response.userHandle "
			    "is not the user handle of the credential's owner (WebAuthn L3 7.2 "
			    "step 6)");
			goto out;
		}
	} else if (p.username[0] == '\0') {
		fsim_srv_fail(a, api, 400, "Authentication failed: response.userHandle is "
		    "required when no username was given (WebAuthn L3 7.2 step 6)");
		goto out;
	}
	if (fsim_record_from_json(stored, &rec, NULL) != 0) {
		fsim_srv_fail(a, api, 500, "the stored credential record does not parse");
		goto out;
	}
	policy_for(s, &p, &pol);
	if ((e = fsim_rp_verify_authentication(&pol, resp, rec, &res)) != 0) {
		fsim_srv_fail(a, api, 500, "internal error: %s", fsim_strerr(e));
		goto out;
	}
	if (!res->verified) {
		first_failure(res, msg, sizeof(msg));
		fsim_srv_fail(a, api, 400, "Authentication failed: %s", msg);
		file_report(s, api, cookie, "authentication", owner, res, resp, msg);
		goto out;
	}
	if ((updated = fsim_record_to_json(res->record)) == NULL) {
		fsim_srv_fail(a, api, 500, "out of memory");
		goto out;
	}
	/*
	 * The new signCount is stored in a transaction that first checks that
	 * no other assertion of this credential was accepted meanwhile (by this
	 * server or another sharing the database).
	 */
	w.kind = SRV_WRITE_UPDATE;
	w.id = id.ptr;
	w.id_len = id.len;
	w.record = updated;
	w.count0 = count0;
	w.new_count = res->record->sign_count;
	if ((w.report = make_report(s, api, "authentication", owner, res, resp, NULL)) == NULL) {
		fsim_srv_fail(a, api, 500, "out of memory");
		goto out;
	}
	if ((e = fsim_srv_db_write(s, &w)) != 0) {
		fsim_srv_fail(a, api, 500, "the credential could not be updated: %s",
		    fsim_strerr(e));
		goto out;
	}
	if (w.result != 0) {
		if (w.result == FSIM_ERR_SIGNATURE)
			snprintf(msg, sizeof(msg), "signCount %u is not above the stored %lld "
			    "(a concurrent or replayed assertion; WebAuthn L3 7.2 step 22)",
			    res->record->sign_count, w.stored_count);
		else
			snprintf(msg, sizeof(msg), "the credential is no longer registered");
		fsim_srv_fail(a, api, 400, "Authentication failed: %s", msg);
		note_report(s, cookie, w.report_id);
		goto out;
	}
	note_report(s, cookie, w.report_id);
	verified_answer(a, api);
	fsim_srv_signals_signed_in(s, a, cookie, owner, json_is_true(json_object_get(body,
	    "signals")));
	snprintf(a->note, sizeof(a->note), "authentication verified for \"%s\"",
	    fsim_srv_quote(owner, 24, q, 100));
out:
	fsim_wipe(&p, sizeof(p));
	fsim_srv_cred_reset(&c);
	json_decref(w.report);
	fsim_blob_reset(&id);
	fsim_blob_reset(&uh);
	json_decref(resp);
	json_decref(stored);
	json_decref(updated);
	fsim_record_free(&rec);
	fsim_rp_result_free(&res);
}
