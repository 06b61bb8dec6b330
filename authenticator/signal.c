/*
 * signal.c — what the provider does with the WebAuthn L3 signal methods
 * (§5.1.10): the authenticator actions unknownCredentialId (§5.1.10.2),
 * allAcceptedCredentialIds (§5.1.10.3) and currentUserDetails (§5.1.10.4),
 * as the configuration says the provider answers them (cfg.sig_*: hide,
 * remove or ignore; update or ignore).
 *
 * The actions run over the credentials the store holds (the spec's
 * credentials map): a credential whose key is wrapped into its ID has no
 * state here to hide or rename, as for any authenticator that keeps none.
 * Every credential a signal matched is reported, with what was done to it,
 * so that `fidosim signal` can print what changed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "authenticator/internal.h"
#include "authenticator/store_int.h"

/* {"credentialId", "rpId", "userId", "action"} for one credential. */
static json_t *
change_new(const fsim_cred_t *c, const char *action)
{
	char *id = NULL, *uid = NULL;
	json_t *o = NULL;

	if (fsim_b64url_encode(c->id.ptr, c->id.len, &id) != 0 ||
	    fsim_b64url_encode(c->user_id.ptr, c->user_id.len, &uid) != 0)
		goto out;
	o = json_pack("{s:s, s:s, s:s, s:s}", "credentialId", id, "rpId", c->rp_id,
	    "userId", uid, "action", action);
out:
	free(id);
	free(uid);
	return o;
}

static int
change_add(json_t *changes, json_t *o)
{
	if (o == NULL)
		return FSIM_ERR_NOMEM;
	if (changes == NULL) {
		json_decref(o);
		return FSIM_OK;
	}
	return json_array_append_new(changes, o) == 0 ? FSIM_OK : FSIM_ERR_NOMEM;
}

/*
 * Hide or remove the stored credential at index i (action per `act`), and
 * report it. *removed tells the caller the store's array moved.
 */
static int
retire(fsim_authn_t *a, size_t i, fsim_sigact_t act, json_t *changes, bool *changed,
    bool *removed)
{
	fsim_cred_t *c = fsim_store_cred_at(a->store, i);
	fsim_blob_t id = { NULL, 0 };
	json_t *o;
	int r;

	*removed = false;
	if (c == NULL)
		return FSIM_ERR_ARG;
	if (act == FSIM_SIG_IGNORE)
		return change_add(changes, change_new(c, "ignored"));
	if (act == FSIM_SIG_HIDE) {
		if (c->hidden)
			return change_add(changes, change_new(c, "already hidden"));
		c->hidden = true;
		*changed = true;
		return change_add(changes, change_new(c, "hidden"));
	}
	/* Report first: the record goes with the deletion. */
	if ((o = change_new(c, "removed")) == NULL)
		return FSIM_ERR_NOMEM;
	if ((r = fsim_blob_set(&id, c->id.ptr, c->id.len)) != 0 ||
	    (r = fsim_store_delete_cred(a->store, id.ptr, id.len)) != 0) {
		json_decref(o);
		fsim_blob_reset(&id);
		return r;
	}
	fsim_blob_reset(&id);
	*changed = true;
	*removed = true;
	return change_add(changes, o);
}

static bool
same_user(const fsim_cred_t *c, const char *rp_id, const uint8_t *user_id, size_t ulen)
{
	return strcmp(c->rp_id, rp_id) == 0 && c->user_id.len == ulen &&
	    (ulen == 0 || memcmp(c->user_id.ptr, user_id, ulen) == 0);
}

int
fsim_authn_signal_unknown(fsim_authn_t *a, const char *rp_id, const uint8_t *id,
    size_t len, json_t *changes)
{
	fsim_cred_t *c;
	size_t i, n;
	bool changed = false, removed;
	int r;

	if (a == NULL || rp_id == NULL || (id == NULL && len > 0))
		return FSIM_ERR_ARG;
	n = fsim_store_cred_count(a->store);
	for (i = 0; i < n; i++) {
		c = fsim_store_cred_at(a->store, i);
		if (strcmp(c->rp_id, rp_id) != 0 || c->id.len != len ||
		    (len > 0 && memcmp(c->id.ptr, id, len) != 0))
			continue;
		if ((r = retire(a, i, a->cfg.sig_unknown, changes, &changed, &removed)) != 0)
			return r;
		break;    /* IDs are unique in the store */
	}
	return changed ? fsim_store_save(a->store) : FSIM_OK;
}

static bool
listed(const fsim_cred_t *c, const fsim_blob_t *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fsim_blob_eq(&ids[i], c->id.ptr, c->id.len))
			return true;
	return false;
}

int
fsim_authn_signal_accepted(fsim_authn_t *a, const char *rp_id, const uint8_t *user_id,
    size_t ulen, const fsim_blob_t *ids, size_t n_ids, json_t *changes)
{
	fsim_cred_t *c;
	size_t i;
	bool changed = false, removed;
	int r;

	if (a == NULL || rp_id == NULL || (user_id == NULL && ulen > 0) ||
	    (ids == NULL && n_ids > 0))
		return FSIM_ERR_ARG;
	for (i = 0; i < fsim_store_cred_count(a->store); ) {
		c = fsim_store_cred_at(a->store, i);
		if (!same_user(c, rp_id, user_id, ulen)) {
			i++;
			continue;
		}
		if (!listed(c, ids, n_ids)) {
			if ((r = retire(a, i, a->cfg.sig_accepted, changes, &changed,
			    &removed)) != 0)
				return r;
			if (!removed)
				i++;
			continue;
		}
		/* Listed again: a credential hidden earlier comes back (5.1.10.3). */
		if (c->hidden && a->cfg.sig_accepted != FSIM_SIG_IGNORE) {
			c->hidden = false;
			changed = true;
			if ((r = change_add(changes, change_new(c, "unhidden"))) != 0)
				return r;
		}
		i++;
	}
	return changed ? fsim_store_save(a->store) : FSIM_OK;
}

/* {"from", "to"} for a name that changes. */
static json_t *
name_change(const char *from, const char *to)
{
	return json_pack("{s:s?, s:s}", "from", from, "to", to);
}

int
fsim_authn_signal_details(fsim_authn_t *a, const char *rp_id, const uint8_t *user_id,
    size_t ulen, const char *name, const char *display_name, json_t *changes)
{
	fsim_cred_t *c, t;
	const char *field, *why;
	json_t *o;
	size_t i, n;
	bool changed = false;
	int r = FSIM_OK;

	if (a == NULL || rp_id == NULL || name == NULL || display_name == NULL ||
	    (user_id == NULL && ulen > 0))
		return FSIM_ERR_ARG;
	n = fsim_store_cred_count(a->store);
	for (i = 0; i < n; i++) {
		c = fsim_store_cred_at(a->store, i);
		if (!same_user(c, rp_id, user_id, ulen))
			continue;
		if (a->cfg.sig_details == FSIM_SIG_IGNORE) {
			if ((r = change_add(changes, change_new(c, "ignored"))) != 0)
				return r;
			continue;
		}
		if (c->user_name != NULL && strcmp(c->user_name, name) == 0 &&
		    c->user_display_name != NULL &&
		    strcmp(c->user_display_name, display_name) == 0) {
			if ((r = change_add(changes, change_new(c, "unchanged"))) != 0)
				return r;
			continue;
		}
		/* The store's field rules (UTF-8, length) hold for the new names. */
		if ((r = fsim_cred_copy(&t, c)) != 0)
			return r;
		free(t.user_name);
		free(t.user_display_name);
		t.user_name = fsim_strdup(name);
		t.user_display_name = fsim_strdup(display_name);
		if (t.user_name == NULL || t.user_display_name == NULL)
			r = FSIM_ERR_NOMEM;
		else if (!fsim_cred_valid(&t, &field, &why))
			r = FSIM_ERR_ARG;
		o = r == FSIM_OK ? change_new(c, "updated") : NULL;
		if (o != NULL && (json_object_set_new(o, "name",
		    name_change(c->user_name, name)) != 0 ||
		    json_object_set_new(o, "displayName",
		    name_change(c->user_display_name, display_name)) != 0)) {
			json_decref(o);
			o = NULL;
		}
		if (r == FSIM_OK && o == NULL)
			r = FSIM_ERR_NOMEM;
		if (r != FSIM_OK) {
			fsim_cred_reset(&t);
			return r;
		}
		/* Swap the names in; the copy takes the old ones away. */
		{
			char *un = c->user_name, *dn = c->user_display_name;

			c->user_name = t.user_name;
			c->user_display_name = t.user_display_name;
			t.user_name = un;
			t.user_display_name = dn;
		}
		fsim_cred_reset(&t);
		changed = true;
		if ((r = change_add(changes, o)) != 0)
			return r;
	}
	return changed ? fsim_store_save(a->store) : FSIM_OK;
}
