/*
 * signal.c — the client side of the WebAuthn L3 signal methods (5.1.10):
 * PublicKeyCredential.signalUnknownCredential, signalAllAcceptedCredentials
 * and signalCurrentUserDetails, as a page calls them, written as JSON
 *
 *   {"signal": "unknownCredential", "rpId": ..., "credentialId": ...}
 *   {"signal": "allAcceptedCredentials", "rpId": ..., "userId": ...,
 *    "allAcceptedCredentialIds": [...]}
 *   {"signal": "currentUserDetails", "rpId": ..., "userId": ..., "name": ...,
 *    "displayName": ...}
 *
 * The client checks what the spec has it check before anything reaches an
 * authenticator: the method exists on this platform (rule signals), the
 * dictionary's required members (WebIDL: TypeError), base64url (TypeError,
 * 5.1.10.2-4 step 1), and the RP ID against the caller's origin (the
 * asynchronous RP ID validation algorithm, 5.1.10.1: SecurityError, or a
 * related origin, 5.11). What the provider then does is the
 * authenticator's (authenticator/signal.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/internal.h"

#define SIGNAL_IDS_MAX 1024

static const struct {
	const char *name, *method;
	fsim_signal_kind_t kind;
} signals[] = {
	{ "unknownCredential", "signalUnknownCredential", FSIM_SIGNAL_UNKNOWN },
	{ "allAcceptedCredentials", "signalAllAcceptedCredentials", FSIM_SIGNAL_ACCEPTED },
	{ "currentUserDetails", "signalCurrentUserDetails", FSIM_SIGNAL_DETAILS },
};

const char *
fsim_signal_name(fsim_signal_kind_t k)
{
	return (size_t)k < sizeof(signals) / sizeof(signals[0]) ? signals[k].name : "?";
}

const char *
fsim_signal_method(fsim_signal_kind_t k)
{
	return (size_t)k < sizeof(signals) / sizeof(signals[0]) ? signals[k].method : "?";
}

void
fsim_signal_free(fsim_signal_t **sp)
{
	fsim_signal_t *s;
	size_t i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	free(s->rp_id);
	fsim_blob_reset(&s->credential_id);
	fsim_blob_reset(&s->user_id);
	for (i = 0; i < s->n_accepted; i++)
		fsim_blob_reset(&s->accepted[i]);
	free(s->accepted);
	free(s->name);
	free(s->display_name);
	free(s);
	*sp = NULL;
}

/* A required DOMString member; TypeError naming it when absent or not a string. */
static int
req_string(const json_t *o, const char *dict, const char *key, char **out,
    fsim_client_error_t *err)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return fsim_client_refuse(err, FSIM_DOM_TYPE, "signal-options", -1, "%s.%s is "
		    "required and must be a string (WebAuthn L3 5.1.10 IDL)", dict, key);
	return (*out = fsim_strdup(json_string_value(v))) != NULL ? FSIM_OK : FSIM_ERR_NOMEM;
}

/* A Base64URLString: TypeError when it does not decode (5.1.10.2-4 step 1). */
static int
b64_value(const json_t *v, const char *what, fsim_blob_t *out, fsim_client_error_t *err)
{
	int r;

	if (!json_is_string(v))
		return fsim_client_refuse(err, FSIM_DOM_TYPE, "signal-options", -1, "%s is "
		    "required and must be a base64url string (WebAuthn L3 5.1.10 IDL)", what);
	r = fsim_b64url_decode(json_string_value(v), json_string_length(v), out, NULL, NULL);
	if (r == FSIM_ERR_NOMEM)
		return r;
	if (r != FSIM_OK)
		return fsim_client_refuse(err, FSIM_DOM_TYPE, "signal-base64url", -1, "%s is "
		    "not base64url (WebAuthn L3 5.1.10: TypeError)", what);
	return FSIM_OK;
}

static int
read_members(fsim_signal_t *s, const json_t *o, fsim_client_error_t *err)
{
	const char *dict = s->kind == FSIM_SIGNAL_UNKNOWN ? "UnknownCredentialOptions" :
	    s->kind == FSIM_SIGNAL_ACCEPTED ? "AllAcceptedCredentialsOptions" :
	    "CurrentUserDetailsOptions";
	const json_t *a, *v;
	char what[80];
	size_t i, n;
	int r;

	if ((r = req_string(o, dict, "rpId", &s->rp_id, err)) != FSIM_OK)
		return r;
	if (s->kind == FSIM_SIGNAL_UNKNOWN)
		return b64_value(json_object_get(o, "credentialId"),
		    "UnknownCredentialOptions.credentialId", &s->credential_id, err);
	snprintf(what, sizeof(what), "%s.userId", dict);
	if ((r = b64_value(json_object_get(o, "userId"), what, &s->user_id, err)) != FSIM_OK)
		return r;
	if (s->kind == FSIM_SIGNAL_DETAILS) {
		if ((r = req_string(o, dict, "name", &s->name, err)) != FSIM_OK)
			return r;
		return req_string(o, dict, "displayName", &s->display_name, err);
	}
	a = json_object_get(o, "allAcceptedCredentialIds");
	if (!json_is_array(a) || (n = json_array_size(a)) > SIGNAL_IDS_MAX)
		return fsim_client_refuse(err, FSIM_DOM_TYPE, "signal-options", -1,
		    "AllAcceptedCredentialsOptions.allAcceptedCredentialIds is required and "
		    "must be an array of base64url strings (at most %d here)", SIGNAL_IDS_MAX);
	if (n > 0 && (s->accepted = calloc(n, sizeof(*s->accepted))) == NULL)
		return FSIM_ERR_NOMEM;
	json_array_foreach(a, i, v) {
		snprintf(what, sizeof(what), "allAcceptedCredentialIds[%zu]", i);
		if ((r = b64_value(v, what, &s->accepted[i], err)) != FSIM_OK)
			return r;
		s->n_accepted++;
	}
	return FSIM_OK;
}

int
fsim_client_signal(const fsim_platform_t *p, const fsim_related_origins_t *related,
    const char *origin, const json_t *root, fsim_platform_effects_t *effects,
    fsim_signal_t **out, fsim_client_error_t *err)
{
	fsim_client_ceremony_t cer;
	fsim_signal_t *s = NULL;
	const char *name;
	char *rp = NULL, *org = NULL;
	size_t i;
	int r = FSIM_ERR_ARG;

	fsim_client_err_clear(err);
	if (out == NULL || err == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (p == NULL)
		p = fsim_platform_spec();
	if (!json_is_object(root) || (name = json_string_value(json_object_get(root,
	    "signal"))) == NULL)
		return fsim_client_refuse(err, FSIM_DOM_TYPE, "signal-options", -1, "a signal "
		    "is a JSON object with \"signal\": \"unknownCredential\", "
		    "\"allAcceptedCredentials\" or \"currentUserDetails\"");
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(name, signals[i].name) == 0)
			break;
	if (i == sizeof(signals) / sizeof(signals[0]))
		return fsim_client_refuse(err, FSIM_DOM_TYPE, "signal-options", -1, "\"%.40s\" "
		    "is not a signal (unknownCredential, allAcceptedCredentials, "
		    "currentUserDetails)", name);
	/* A platform without the method: the page's call is a TypeError. */
	if (!fsim_platform_signal_supported(p, name)) {
		r = fsim_client_refuse(err, FSIM_DOM_TYPE, "signals", -1, "PublicKeyCredential."
		    "%s is not a function on %s (rule signals)", signals[i].method, p->name);
		snprintf(err->platform, sizeof(err->platform), "%s", p->name);
		return r;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return FSIM_ERR_NOMEM;
	s->kind = signals[i].kind;
	if ((r = read_members(s, root, err)) != FSIM_OK)
		goto fail;
	/* 5.1.10.1, with related origins (5.11) where the platform has them. */
	memset(&cer, 0, sizeof(cer));
	cer.platform = p;
	cer.related = related;
	cer.effects = effects;
	if ((r = fsim_client_resolve_rp(s->rp_id, origin, "5.1.10.1", &cer, &rp, &org,
	    err)) != FSIM_OK)
		goto fail;
	*out = s;
	s = NULL;
fail:
	free(rp);
	free(org);
	fsim_signal_free(&s);
	return r;
}
