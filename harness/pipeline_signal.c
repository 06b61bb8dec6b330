/*
 * pipeline_signal.c — the relying party's side of a lifecycle beyond the
 * ceremonies (see pipeline.h): it deletes a credential, and it sends the
 * WebAuthn L3 signals (5.1.10) about it, through the platform's client
 * (platform/signal.c) to the provider (authenticator/signal.c).
 */
#include <stdlib.h>
#include <string.h>

#include "harness/pipeline_int.h"

void
fsim_pipe_rp_delete(fsim_pipe_t *p)
{
	size_t i;

	for (i = 0; p != NULL && i < FSIM_PIPE_MAX_POLICIES; i++)
		fsim_record_free(&p->records[i]);
}

/* The signal call as a page makes it: {"signal", ...options}. */
static json_t *
signal_json(const fsim_pipe_t *p, const char *rp_id, const char *signal, bool listed,
    const char *name, const char *display_name)
{
	char *id = NULL;
	json_t *o = NULL;

	if (fsim_b64url_encode(p->cred_id.ptr, p->cred_id.len, &id) != FSIM_OK)
		return NULL;
	if (strcmp(signal, "unknownCredential") == 0)
		o = json_pack("{s:s, s:s, s:s}", "signal", signal, "rpId", rp_id,
		    "credentialId", id);
	else if (strcmp(signal, "allAcceptedCredentials") == 0)
		o = json_pack("{s:s, s:s, s:s, s:o}", "signal", signal, "rpId", rp_id,
		    "userId", p->user, "allAcceptedCredentialIds", listed ?
		    json_pack("[s]", id) : json_array());
	else if (strcmp(signal, "currentUserDetails") == 0 && name != NULL &&
	    display_name != NULL)
		o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "signal", signal, "rpId", rp_id,
		    "userId", p->user, "name", name, "displayName", display_name);
	free(id);
	return o;
}

int
fsim_pipe_signal(fsim_pipe_t *p, const fsim_pipe_rp_t *rp, const char *signal, bool listed,
    const char *name, const char *display_name, json_t **out)
{
	const char *rp_id = rp->rp_id != NULL ? rp->rp_id : "example.com";
	fsim_client_error_t err;
	fsim_signal_t *s = NULL;
	json_t *call = NULL, *o = NULL, *changes = NULL;
	int r = FSIM_ERR_ARG;

	*out = NULL;
	if (p == NULL || signal == NULL || p->cred_id.len == 0)
		return FSIM_ERR_ARG;
	r = FSIM_ERR_NOMEM;
	if ((call = signal_json(p, rp_id, signal, listed, name, display_name)) == NULL ||
	    (changes = json_array()) == NULL ||
	    (o = json_pack("{s:s, s:O}", "signal", signal, "call", call)) == NULL)
		goto fail;
	r = fsim_client_signal(p->platform, rp->related, rp->origin, call, NULL, &s, &err);
	if (r == FSIM_ERR_ARG && err.name != NULL) {
		/* The page's call was refused: nothing reaches the provider. */
		if (json_object_set_new(o, "delivered", json_false()) != 0 ||
		    json_object_set_new(o, "error", fsim_client_error_json(&err)) != 0 ||
		    json_object_set(o, "changes", changes) != 0)
			goto fail;
	} else if (r != FSIM_OK)
		goto fail;
	else {
		switch (s->kind) {
		case FSIM_SIGNAL_UNKNOWN:
			r = fsim_authn_signal_unknown(p->authn, s->rp_id, s->credential_id.ptr,
			    s->credential_id.len, changes);
			break;
		case FSIM_SIGNAL_ACCEPTED:
			r = fsim_authn_signal_accepted(p->authn, s->rp_id, s->user_id.ptr,
			    s->user_id.len, s->accepted, s->n_accepted, changes);
			break;
		default:
			r = fsim_authn_signal_details(p->authn, s->rp_id, s->user_id.ptr,
			    s->user_id.len, s->name, s->display_name, changes);
			break;
		}
		if (r != FSIM_OK)
			goto fail;
		r = FSIM_ERR_NOMEM;
		if (json_object_set_new(o, "delivered", json_true()) != 0 ||
		    json_object_set(o, "changes", changes) != 0)
			goto fail;
	}
	*out = o;
	o = NULL;
	r = FSIM_OK;
fail:
	fsim_signal_free(&s);
	json_decref(call);
	json_decref(changes);
	json_decref(o);
	return r;
}
