/*
 * server_signal.c — the WebAuthn L3 signals a well-behaved relying party
 * sends (5.1.10), as `fidosim serve` puts them in its answers for the page
 * to pass to PublicKeyCredential's signal methods:
 *
 *   - an assertion for a credential ID it does not know: unknownCredential
 *     (5.1.10.2; the caller is not signed in, so only that ID);
 *   - a sign-in: allAcceptedCredentials with every credential the user has
 *     (5.1.10.3; "e.g. on every sign in") and currentUserDetails with the
 *     names it holds (5.1.10.4);
 *   - a change of the user's display name (POST /account/details by the
 *     signed-in session): currentUserDetails with the new names.
 *
 * An answer carries them as "signals": [{"signal": NAME, ...the members of
 * the method's options dictionary}], the form `fidosim signal` reads; the
 * verification answers only when the request said "signals": true (the
 * page does), so webauthn.io's own answer is unchanged for others. The
 * display names live in memory only (the user handle is derived from the
 * username, which does not change).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rp-sim/server_int.h"

#define MAX_ACCEPTED 64

static json_t *
b64(const uint8_t *p, size_t n)
{
	char *s = NULL;
	json_t *j;

	if (fsim_b64url_encode(p, n, &s) != 0)
		return NULL;
	j = json_string(s);
	free(s);
	return j;
}

/* Add one signal to the answer's "signals" array (made when absent). */
static void
add_signal(srv_answer_t *a, json_t *sig)
{
	json_t *arr;

	if (sig == NULL || a->body == NULL) {
		json_decref(sig);
		return;
	}
	if ((arr = json_object_get(a->body, "signals")) == NULL) {
		if ((arr = json_array()) == NULL ||
		    json_object_set_new(a->body, "signals", arr) != 0) {
			json_decref(sig);
			return;
		}
	}
	json_array_append_new(arr, sig);
}

void
fsim_srv_signal_unknown(fsim_server_t *s, srv_answer_t *a, const uint8_t *id, size_t len)
{
	add_signal(a, json_pack("{s:s, s:s, s:o}", "signal", "unknownCredential",
	    "rpId", s->rp_id, "credentialId", b64(id, len)));
}

/* The user's display name: the one set through /account/details, else the username. Lock held. */
static const char *
display_name(fsim_server_t *s, const char *username)
{
	const char *d = json_string_value(json_object_get(s->display_names, username));

	return d != NULL ? d : username;
}

static json_t *
details_signal(fsim_server_t *s, const char *username, const uint8_t uid[32])
{
	return json_pack("{s:s, s:s, s:o, s:s, s:s}", "signal", "currentUserDetails",
	    "rpId", s->rp_id, "userId", b64(uid, 32), "name", username,
	    "displayName", display_name(s, username));
}

void
fsim_srv_signals_signed_in(fsim_server_t *s, srv_answer_t *a, const char *cookie,
    const char *username, bool send)
{
	srv_cred_t creds[MAX_ACCEPTED];
	srv_session_t *ss;
	json_t *ids, *acc = NULL, *det = NULL;
	uint8_t uid[32];
	size_t i, n = 0;

	fsim_srv_user_id(username, uid);
	memset(creds, 0, sizeof(creds));
	if ((ids = json_array()) == NULL)
		return;
	if (send && fsim_srv_db_user_creds(s, username, creds, MAX_ACCEPTED, &n) != 0)
		n = 0;
	for (i = 0; i < n; i++) {
		json_array_append_new(ids, b64(creds[i].id.ptr, creds[i].id.len));
		fsim_srv_cred_reset(&creds[i]);
	}
	pthread_mutex_lock(&s->lock);
	/* The session is signed in as this user (for /account/details). */
	if ((ss = fsim_srv_session(s, cookie, NULL, false, NULL, NULL)) != NULL)
		snprintf(ss->signed_in, sizeof(ss->signed_in), "%s", username);
	det = details_signal(s, username, uid);
	pthread_mutex_unlock(&s->lock);
	if (!send) {
		json_decref(ids);
		json_decref(det);
		return;
	}
	acc = json_pack("{s:s, s:s, s:o, s:o}", "signal", "allAcceptedCredentials",
	    "rpId", s->rp_id, "userId", b64(uid, sizeof(uid)), "allAcceptedCredentialIds", ids);
	add_signal(a, acc);
	add_signal(a, det);
}

void
fsim_srv_account_details(fsim_server_t *s, const json_t *body, const char *cookie,
    srv_answer_t *a)
{
	const json_t *dn = json_object_get(body, "displayName");
	srv_session_t *ss;
	char user[SRV_USERNAME_BYTES + 1] = "";
	uint8_t uid[32];
	json_t *sig;
	int e = 0;

	if (!json_is_string(dn) || json_string_length(dn) == 0 ||
	    json_string_length(dn) > FSIM_SERVER_USERNAME_MAX) {
		fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 400, "displayName must be a string of 1 "
		    "to %d characters", FSIM_SERVER_USERNAME_MAX);
		return;
	}
	pthread_mutex_lock(&s->lock);
	if ((ss = fsim_srv_session(s, cookie, NULL, false, NULL, NULL)) != NULL)
		snprintf(user, sizeof(user), "%s", ss->signed_in);
	if (user[0] != '\0') {
		if (s->display_names == NULL && (s->display_names = json_object()) == NULL)
			e = FSIM_ERR_NOMEM;
		else if (json_object_set_new(s->display_names, user, json_string(
		    json_string_value(dn))) != 0)
			e = FSIM_ERR_NOMEM;
	}
	fsim_srv_user_id(user, uid);
	sig = user[0] != '\0' && e == 0 ? details_signal(s, user, uid) : NULL;
	pthread_mutex_unlock(&s->lock);
	if (user[0] == '\0') {
		json_decref(sig);
		fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 403, "sign in first: the display name "
		    "of the signed-in user is what changes");
		return;
	}
	if (e != 0 || sig == NULL || (a->body = json_pack("{s:b, s:s, s:s}", "updated", 1,
	    "name", user, "displayName", json_string_value(dn))) == NULL) {
		json_decref(sig);
		fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 500, "out of memory");
		return;
	}
	a->status = 200;
	add_signal(a, sig);
	snprintf(a->note, sizeof(a->note), "display name of \"%.100s\" changed", user);
}
