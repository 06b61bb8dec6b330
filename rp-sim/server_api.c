/*
 * server_api.c — the first half of the ceremonies of `fidosim serve`: the
 * options for registration and authentication, in webauthn.io's shapes
 * (docs/evidence/peers.md C.1) and the FIDO conformance server API's
 * (docs/evidence/peers.md B.5), and what the server keeps for the second
 * half (the challenge, the user, the settings): server_verify.c.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rp-sim/server_int.h"
#include "rp-sim/webauthnio.h"

#define TIMEOUT_MS 60000
#define MAX_ALLOW 64          /* webauthn.io: the user's last 64 credentials */
#define MAX_LIST_ITEMS 16

static const char *const uv_values[] = { "required", "preferred", "discouraged", NULL };
static const char *const rk_values[] = { "required", "preferred", "discouraged", NULL };
static const char *const hint_values[] = { "security-key", "client-device", "hybrid", NULL };
static const char *const wio_attestation[] = { "none", "direct", "indirect", NULL };
static const char *const fido_attestation[] = { "none", "direct", "indirect", "enterprise", NULL };
static const char *const wio_attachment[] = { "all", "cross_platform", "platform", NULL };
static const char *const fido_attachment[] = { "platform", "cross-platform", NULL };

/*
 * webauthn.io's algorithm names; es384 is ours. Only those whose COSE alg
 * the verifier has (core's table, fsim_cose_alg_name) are offered or
 * accepted: the page asks /api/algorithms, so a name whose verifier is not
 * built in is never shown (ML-DSA until core has it, issue 12).
 */
static const struct { const char *name; int64_t alg; } wio_algs[] = {
	{ "ed25519", -8 }, { "es256", -7 }, { "rs256", -257 }, { "es384", -35 },
	{ "mldsa44", -48 }, { "mldsa65", -49 }, { "mldsa87", -50 },
};
static const char *const wio_default_algs[] = { "ed25519", "es256", "rs256" };
/* The FIDO API names none: every alg the verifier supports. */
static const int64_t fido_algs[] = { -7, -8, -35, -36, -37, -257, -48, -49, -50 };

/* Can the RP verify signatures under this COSE alg? */
static bool
alg_verified(int64_t alg)
{
	return alg >= INT_MIN && alg <= INT_MAX && fsim_cose_alg_name((int)alg) != NULL;
}

/* "ed25519, es256, ..." of the webauthn.io names the verifier has. */
static void
wio_alg_names(char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(wio_algs) / sizeof(wio_algs[0]) && o < len; i++)
		if (alg_verified(wio_algs[i].alg))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
			    wio_algs[i].name);
}

void
fsim_srv_algorithms(srv_answer_t *a)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i, k;
	bool dflt;

	if (o == NULL || arr == NULL || json_object_set_new(o, "algorithms", arr) != 0) {
		json_decref(o);
		fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 500, "out of memory");
		return;
	}
	for (i = 0; i < sizeof(wio_algs) / sizeof(wio_algs[0]); i++) {
		if (!alg_verified(wio_algs[i].alg))
			continue;
		for (dflt = false, k = 0; k < 3; k++)
			dflt = dflt || strcmp(wio_default_algs[k], wio_algs[i].name) == 0;
		if (json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:b}", "name",
		    wio_algs[i].name, "alg", (json_int_t)wio_algs[i].alg, "coseName",
		    fsim_cose_alg_name((int)wio_algs[i].alg), "default", dflt)) != 0) {
			json_decref(o);
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 500, "out of memory");
			return;
		}
	}
	a->status = 200;
	a->body = o;
	snprintf(a->note, sizeof(a->note), "the %zu algorithms the verifier has",
	    json_array_size(arr));
}

static bool
in_set(const char *v, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(v, *set) == 0)
			return true;
	return false;
}

static void
list_set(const char *const *set, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (; *set != NULL && o < len; set++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", *set);
}

/*
 * An optional string member with a fixed set of values; absent or null:
 * def. Returns false (and fails the answer naming the field) when it is
 * there but wrong.
 */
static bool
enum_member(const json_t *o, const char *key, const char *const *set, const char *def,
    const char **out, srv_answer_t *a, int api)
{
	const json_t *v = json_object_get(o, key);
	char all[160];

	*out = def;
	if (v == NULL || json_is_null(v))
		return true;
	list_set(set, all, sizeof(all));
	if (!json_is_string(v)) {
		fsim_srv_fail(a, api, 400, "%s must be a string, one of: %s", key, all);
		return false;
	}
	if (!in_set(json_string_value(v), set)) {
		char q[160];

		fsim_srv_fail(a, api, 400, "%s must be one of: %s (got \"%s\")", key, all,
		    fsim_srv_quote(json_string_value(v), 40, q, sizeof(q)));
		return false;
	}
	*out = json_string_value(v);
	return true;
}

/*
 * A username: a string of 1 to 64 characters (as webauthn.io), counted as
 * characters (Unicode code points), not bytes; no NUL or other control
 * character.
 */
bool
fsim_srv_username_member(const json_t *o, const char *key, bool required, const char **out,
    srv_answer_t *a, int api)
{
	const json_t *v = json_object_get(o, key);
	size_t n;
	long chars;

	*out = "";
	if ((v == NULL || json_is_null(v)) && !required)
		return true;
	if (v == NULL) {
		fsim_srv_fail(a, api, 400, "%s is required", key);
		return false;
	}
	if (!json_is_string(v)) {
		fsim_srv_fail(a, api, 400, "%s must be a string", key);
		return false;
	}
	n = json_string_length(v);
	chars = fsim_srv_username_chars(json_string_value(v), n);
	if (chars < 0) {
		fsim_srv_fail(a, api, 400, "%s must not contain NUL or other control "
		    "characters", key);
		return false;
	}
	if ((required && chars == 0) || chars > FSIM_SERVER_USERNAME_MAX ||
	    n > SRV_USERNAME_BYTES) {
		fsim_srv_fail(a, api, 400, "%s must be 1 to %d characters (got %ld characters)",
		    key, FSIM_SERVER_USERNAME_MAX, chars);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

/* hints: an array of distinct known hints (WebAuthn L3 §5.8.7). */
static bool
hints_member(const json_t *o, const char *key, json_t **out, srv_answer_t *a, int api)
{
	const json_t *v = json_object_get(o, key), *e;
	size_t i;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_array(v) || json_array_size(v) > MAX_LIST_ITEMS) {
		fsim_srv_fail(a, api, 400, "%s must be an array of at most %d of: "
		    "security-key, client-device, hybrid", key, MAX_LIST_ITEMS);
		return false;
	}
	json_array_foreach(v, i, e)
		if (!json_is_string(e) || !in_set(json_string_value(e), hint_values)) {
			fsim_srv_fail(a, api, 400, "%s[%zu] must be one of: security-key, "
			    "client-device, hybrid", key, i);
			return false;
		}
	if ((*out = json_deep_copy(v)) == NULL) {
		fsim_srv_fail(a, api, 500, "out of memory");
		return false;
	}
	return true;
}

static json_t *
b64_json(const uint8_t *p, size_t n)
{
	char *s = NULL;
	json_t *j;

	if (fsim_b64url_encode(p, n, &s) != 0)
		return NULL;
	j = json_string(s);
	free(s);
	return j;
}

/* {"type":"public-key","id":..,"transports"?} for exclude/allowCredentials. */
static json_t *
cred_descriptor(const srv_cred_t *c)
{
	json_t *d = json_pack("{s:s, s:o}", "type", "public-key", "id",
	    b64_json(c->id.ptr, c->id.len));
	const json_t *t = json_object_get(c->record, "transports");

	if (d != NULL && json_is_array(t) && json_array_size(t) > 0)
		json_object_set_new(d, "transports", json_deep_copy(t));
	return d;
}

static void
cookie_header(const srv_session_t *ss, char *out, size_t len)
{
	char hex[2 * SRV_SESSION_ID_LEN + 1];
	size_t i;

	for (i = 0; i < SRV_SESSION_ID_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", ss->id[i]);
	snprintf(out, len, "%s=%s; Path=/; HttpOnly; SameSite=Lax", FSIM_SERVER_COOKIE, hex);
}

/*
 * Start a ceremony in the session: a fresh challenge, remembered with what
 * the verification will need. Fills the session's cookie when it is new.
 * Returns the challenge as base64url JSON, or NULL (answer failed).
 */
static json_t *
start_ceremony(fsim_server_t *s, int api, const char *cookie, const char *client, bool reg,
    const srv_pending_t *tmpl, char *set_cookie, size_t sclen, srv_answer_t *a,
    json_t *creds_out, const char *username)
{
	srv_session_t *ss;
	srv_cred_t creds[MAX_ALLOW];
	srv_pending_t *p;
	bool created = false, full = false;
	json_t *ch = NULL;
	size_t i, n = 0;

	memset(creds, 0, sizeof(creds));
	/* The user's credentials first, from the database, outside the session lock. */
	if (username[0] != '\0' &&
	    fsim_srv_db_user_creds(s, username, creds, MAX_ALLOW, &n) != 0) {
		fsim_srv_fail(a, api, 500, "the credentials cannot be read");
		return NULL;
	}
	if (!reg && username[0] != '\0' && n == 0) {
		fsim_srv_fail(a, api, 400, "That username has no registered credentials");
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (json_array_append_new(creds_out, cred_descriptor(&creds[i])) != 0)
			goto nomem_nolock;
	pthread_mutex_lock(&s->lock);
	if ((ss = fsim_srv_session(s, cookie, client, true, &created, &full)) == NULL) {
		pthread_mutex_unlock(&s->lock);
		if (full)
			fsim_srv_fail(a, api, 429, "too many ceremonies in progress: try again "
			    "later, or send back the " FSIM_SERVER_COOKIE " cookie");
		else
			fsim_srv_fail(a, api, 500, "no random bytes for the session");
		goto out;
	}
	p = reg ? &ss->reg : &ss->auth;
	*p = *tmpl;
	p->api = api;
	p->expires = fsim_srv_now(s) + (time_t)s->ttl;
	if (fsim_srv_random(s, p->challenge, sizeof(p->challenge)) != 0) {
		p->active = false;
		pthread_mutex_unlock(&s->lock);
		fsim_srv_fail(a, api, 500, "no random bytes for the challenge");
		goto out;
	}
	p->active = true;
	snprintf(p->username, sizeof(p->username), "%s", username);
	if (created)
		cookie_header(ss, set_cookie, sclen);
	if ((ch = b64_json(p->challenge, sizeof(p->challenge))) == NULL) {
		pthread_mutex_unlock(&s->lock);
		goto nomem_nolock;
	}
	pthread_mutex_unlock(&s->lock);
	goto out;
nomem_nolock:
	fsim_srv_fail(a, api, 500, "out of memory");
out:
	for (i = 0; i < n; i++)
		fsim_srv_cred_reset(&creds[i]);
	return ch;
}

/* The enum member checks already limited v to the names. */
static fsim_uv_req_t
uv_of(const char *v)
{
	fsim_uv_req_t uv = FSIM_UV_PREFERRED;

	(void)fsim_uv_req_from_name(v, &uv);
	return uv;
}

/* webauthn.io's algorithms list -> COSE algs (in its order, duplicates dropped). */
static bool
wio_algorithms(const json_t *body, srv_pending_t *p, srv_answer_t *a)
{
	const json_t *v = json_object_get(body, "algorithms"), *e;
	size_t i, k, j;
	char names[160];

	p->n_algs = 0;
	wio_alg_names(names, sizeof(names));
	if (v == NULL || json_is_null(v)) {
		for (i = 0; i < 3; i++)
			for (k = 0; k < sizeof(wio_algs) / sizeof(wio_algs[0]); k++)
				if (strcmp(wio_algs[k].name, wio_default_algs[i]) == 0 &&
				    alg_verified(wio_algs[k].alg))
					p->algs[p->n_algs++] = wio_algs[k].alg;
		return true;
	}
	if (!json_is_array(v) || json_array_size(v) > MAX_LIST_ITEMS) {
		fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 400, "algorithms must be an array of at "
		    "most %d names (%s)", MAX_LIST_ITEMS, names);
		return false;
	}
	json_array_foreach(v, i, e) {
		bool found = false;

		for (k = 0; json_is_string(e) && k < sizeof(wio_algs) / sizeof(wio_algs[0]); k++)
			if (strcmp(json_string_value(e), wio_algs[k].name) == 0) {
				if (!alg_verified(wio_algs[k].alg)) {
					fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 400, "algorithms[%zu]: "
					    "%s (COSE %lld) is not an algorithm this RP can verify "
					    "(it has: %s)", i, wio_algs[k].name,
					    (long long)wio_algs[k].alg, names);
					return false;
				}
				found = true;
				for (j = 0; j < p->n_algs && p->algs[j] != wio_algs[k].alg; j++)
					;
				if (j == p->n_algs && p->n_algs < SRV_MAX_ALGS)
					p->algs[p->n_algs++] = wio_algs[k].alg;
			}
		if (!found) {
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 400, "algorithms[%zu] must be one of: "
			    "%s", i, names);
			return false;
		}
	}
	return true;
}

void
fsim_srv_reg_options(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    const char *client, srv_answer_t *a, char *set_cookie, size_t sclen)
{
	const char *username, *display = NULL, *uv = "preferred", *att = "none";
	const char *attach = NULL, *rk = "preferred";
	json_t *hints = NULL, *o = NULL, *params = NULL, *excl = NULL, *sel = NULL;
	json_t *ext = NULL, *ch = NULL;
	srv_pending_t tmpl;
	uint8_t uid[32];
	bool req_rk;
	size_t i;

	memset(&tmpl, 0, sizeof(tmpl));
	if (!fsim_srv_username_member(body, "username", true, &username, a, api))
		goto out;
	if (api == SRV_API_WEBAUTHNIO) {
		if (!enum_member(body, "user_verification", uv_values, "preferred", &uv, a, api) ||
		    !enum_member(body, "attestation", wio_attestation, "none", &att, a, api) ||
		    !enum_member(body, "attachment", wio_attachment, "all", &attach, a, api) ||
		    !enum_member(body, "discoverable_credential", rk_values, "preferred", &rk, a, api) ||
		    !hints_member(body, "hints", &hints, a, api) || !wio_algorithms(body, &tmpl, a))
			goto out;
		attach = strcmp(attach, "platform") == 0 ? "platform" :
		    strcmp(attach, "cross_platform") == 0 ? "cross-platform" : NULL;
		ext = json_object();
	} else {
		const json_t *as = json_object_get(body, "authenticatorSelection");
		const json_t *dn = json_object_get(body, "displayName");
		const json_t *e = json_object_get(body, "extensions");
		const json_t *rrk;

		if (dn != NULL && !json_is_null(dn)) {
			if (!json_is_string(dn) || json_string_length(dn) > FSIM_SERVER_USERNAME_MAX) {
				fsim_srv_fail(a, api, 400, "displayName must be a string of at "
				    "most %d characters", FSIM_SERVER_USERNAME_MAX);
				goto out;
			}
			display = json_string_value(dn);
		}
		if (as != NULL && !json_is_null(as) && !json_is_object(as)) {
			fsim_srv_fail(a, api, 400, "authenticatorSelection must be an object");
			goto out;
		}
		rrk = json_object_get(as, "requireResidentKey");
		if (rrk != NULL && !json_is_boolean(rrk)) {
			fsim_srv_fail(a, api, 400, "authenticatorSelection.requireResidentKey "
			    "must be a boolean");
			goto out;
		}
		if (!enum_member(as, "userVerification", uv_values, "preferred", &uv, a, api) ||
		    !enum_member(as, "authenticatorAttachment", fido_attachment, NULL, &attach,
		    a, api) ||
		    !enum_member(as, "residentKey", rk_values, json_is_true(rrk) ? "required" :
		    "discouraged", &rk, a, api) ||
		    !enum_member(body, "attestation", fido_attestation, "none", &att, a, api))
			goto out;
		if (e != NULL && !json_is_null(e) && !json_is_object(e)) {
			fsim_srv_fail(a, api, 400, "extensions must be an object");
			goto out;
		}
		ext = json_is_object(e) ? json_deep_copy(e) : json_object();
		for (i = 0; i < sizeof(fido_algs) / sizeof(fido_algs[0]); i++)
			tmpl.algs[tmpl.n_algs++] = fido_algs[i];
	}
	tmpl.uv = uv_of(uv);
	/* A conditional create (WebAuthn L3 5.1.3): its verification skips REG-12. */
	{
		const json_t *med = json_object_get(body, "mediation");

		if (med != NULL && !json_is_null(med) && !json_is_string(med)) {
			fsim_srv_fail(a, api, 400, "mediation must be a string (\"conditional\" "
			    "for a conditional create)");
			goto out;
		}
		tmpl.conditional = json_is_string(med) &&
		    strcmp(json_string_value(med), "conditional") == 0;
	}
	req_rk = strcmp(rk, "required") == 0;
	if (ext == NULL || (params = json_array()) == NULL || (excl = json_array()) == NULL ||
	    json_object_set_new(ext, "credProps", json_true()) != 0)
		goto nomem;
	for (i = 0; i < tmpl.n_algs; i++)
		if (json_array_append_new(params, json_pack("{s:s, s:I}", "type", "public-key",
		    "alg", (json_int_t)tmpl.algs[i])) != 0)
			goto nomem;
	/* §5.4: an empty pubKeyCredParams means ES256 and RS256 to the client. */
	if (tmpl.n_algs == 0) {
		tmpl.algs[tmpl.n_algs++] = -7;
		tmpl.algs[tmpl.n_algs++] = -257;
	}
	if ((sel = json_pack("{s:s, s:b, s:s}", "residentKey", rk, "requireResidentKey", req_rk,
	    "userVerification", uv)) == NULL)
		goto nomem;
	if (attach != NULL && json_object_set_new(sel, "authenticatorAttachment",
	    json_string(attach)) != 0)
		goto nomem;
	if ((ch = start_ceremony(s, api, cookie, client, true, &tmpl, set_cookie, sclen, a, excl,
	    username)) == NULL)
		goto out;
	fsim_srv_user_id(username, uid);
	o = json_pack("{s:{s:s, s:s}, s:{s:o, s:s, s:s}, s:o, s:O, s:i, s:O, s:O, s:s, s:O}",
	    "rp", "name", s->rp_name, "id", s->rp_id,
	    "user", "id", b64_json(uid, sizeof(uid)), "name", username,
	    "displayName", display != NULL && display[0] ? display : username,
	    "challenge", ch, "pubKeyCredParams", params, "timeout", TIMEOUT_MS,
	    "excludeCredentials", excl, "authenticatorSelection", sel,
	    "attestation", att, "extensions", ext);
	ch = NULL;
	if (o == NULL)
		goto nomem;
	if (hints != NULL && json_object_set(o, "hints", hints) != 0)
		goto nomem;
	if (api == SRV_API_FIDO && (json_object_set_new(o, "status", json_string("ok")) != 0 ||
	    json_object_set_new(o, "errorMessage", json_string("")) != 0))
		goto nomem;
	a->status = 200;
	a->body = o;
	o = NULL;
	{
		char nq[100];

		snprintf(a->note, sizeof(a->note), "registration options for \"%s\"",
		    fsim_srv_quote(username, 24, nq, sizeof(nq)));
	}
	goto out;
nomem:
	fsim_srv_fail(a, api, 500, "out of memory");
out:
	json_decref(o);
	json_decref(ch);
	json_decref(hints);
	json_decref(params);
	json_decref(excl);
	json_decref(sel);
	json_decref(ext);
}

void
fsim_srv_auth_options(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    const char *client, srv_answer_t *a, char *set_cookie, size_t sclen)
{
	const char *username, *uv = "preferred";
	json_t *hints = NULL, *ext = NULL, *allow = NULL, *ch = NULL, *o = NULL;
	srv_pending_t tmpl;

	memset(&tmpl, 0, sizeof(tmpl));
	if (!fsim_srv_username_member(body, "username", false, &username, a, api))
		goto out;
	if (api == SRV_API_WEBAUTHNIO) {
		if (!enum_member(body, "user_verification", uv_values, "preferred", &uv, a, api) ||
		    !hints_member(body, "hints", &hints, a, api))
			goto out;
	} else {
		const json_t *e = json_object_get(body, "extensions");

		if (!enum_member(body, "userVerification", uv_values, "preferred", &uv, a, api))
			goto out;
		if (e != NULL && !json_is_null(e) && !json_is_object(e)) {
			fsim_srv_fail(a, api, 400, "extensions must be an object");
			goto out;
		}
		if (json_is_object(e) && (ext = json_deep_copy(e)) == NULL)
			goto nomem;
		/* §10.1.1: an AppID the client may answer with; kept for the check */
		if (json_is_object(e) && json_object_get(e, "appid") != NULL) {
			const json_t *ap = json_object_get(e, "appid");

			if (!json_is_string(ap) || json_string_length(ap) == 0 ||
			    json_string_length(ap) > SRV_APPID_MAX) {
				fsim_srv_fail(a, api, 400, "extensions.appid must be a "
				    "non-empty string of at most %d characters (an AppID "
				    "URL)", SRV_APPID_MAX);
				goto out;
			}
			memcpy(tmpl.appid, json_string_value(ap), json_string_length(ap) + 1);
		}
	}
	tmpl.uv = uv_of(uv);
	if ((allow = json_array()) == NULL)
		goto nomem;
	if ((ch = start_ceremony(s, api, cookie, client, false, &tmpl, set_cookie, sclen, a, allow,
	    username)) == NULL)
		goto out;
	o = json_pack("{s:o, s:i, s:s, s:O, s:s}", "challenge", ch, "timeout", TIMEOUT_MS,
	    "rpId", s->rp_id, "allowCredentials", allow, "userVerification", uv);
	ch = NULL;
	if (o == NULL)
		goto nomem;
	if ((hints != NULL && json_object_set(o, "hints", hints) != 0) ||
	    (ext != NULL && json_object_set(o, "extensions", ext) != 0))
		goto nomem;
	if (api == SRV_API_FIDO && (json_object_set_new(o, "status", json_string("ok")) != 0 ||
	    json_object_set_new(o, "errorMessage", json_string("")) != 0))
		goto nomem;
	a->status = 200;
	a->body = o;
	o = NULL;
	{
		char nq[100];

		snprintf(a->note, sizeof(a->note), "authentication options for %s%s%s",
		    username[0] ? "\"" : "", username[0] ? fsim_srv_quote(username, 24, nq,
		    sizeof(nq)) : "any user", username[0] ? "\"" : "");
	}
	goto out;
nomem:
	fsim_srv_fail(a, api, 500, "out of memory");
out:
	json_decref(o);
	json_decref(ch);
	json_decref(hints);
	json_decref(ext);
	json_decref(allow);
}
