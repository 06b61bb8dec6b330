/*
 * cxf_export.c — a store's credentials as a CXF document (FSIM_CXF_DRAFT):
 * one account, one item per passkey. A passkey whose signature counter is
 * not zero is left out, as the draft requires of an exporter (the importer
 * restarts the counter at 0 and an RP that stored a higher value would see
 * it go back), unless the caller asks for a deliberately non-conformant
 * export. The store has no AAGUID, BE/BS or counter to carry: CXF has no
 * member for them; the importing provider decides.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authenticator/cxf_int.h"
#include "authenticator/keys.h"
#include "core/b64.h"
#include "core/cose.h"

static int
put(json_t *o, const char *k, json_t *v)
{
	return v != NULL && json_object_set_new(o, k, v) == 0 ? FSIM_OK : FSIM_ERR_NOMEM;
}

static int
put_b64(json_t *o, const char *k, const uint8_t *p, size_t n)
{
	char *s = NULL;
	int r;

	if ((r = fsim_b64url_encode(p, n, &s)) != 0)
		return r;
	r = put(o, k, json_string(s));
	fsim_wipe(s, strlen(s));
	free(s);
	return r;
}

static bool
wanted(const fsim_cred_t *c, const fsim_cxf_export_opts_t *o)
{
	size_t i;

	if (o == NULL || o->n_rp_ids == 0)
		return true;
	for (i = 0; i < o->n_rp_ids; i++)
		if (c->rp_id != NULL && strcmp(c->rp_id, o->rp_ids[i]) == 0)
			return true;
	return false;
}

/* The alg the key alone would suggest (fsim_cxf_key_alg), or 0 when it does not parse. */
static int
natural_alg(const fsim_cred_t *c)
{
	EVP_PKEY *key = NULL;
	int alg;

	if (fsim_key_from_der(c->private_key.ptr, c->private_key.len, &key) != 0)
		return 0;
	alg = fsim_cxf_key_alg(key);
	EVP_PKEY_free(key);
	return alg;
}

static int
passkey_json(const fsim_cred_t *c, json_t **out)
{
	json_t *p = json_object(), *x = NULL, *h = NULL;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	if (p == NULL)
		goto fail;
	if ((r = put(p, "type", json_string("passkey"))) != 0 ||
	    (r = put_b64(p, "credentialId", c->id.ptr, c->id.len)) != 0 ||
	    (r = put(p, "rpId", json_string(c->rp_id))) != 0 ||
	    (r = put(p, "username", json_string(c->user_name ? c->user_name : ""))) != 0 ||
	    (r = put(p, "userDisplayName", json_string(c->user_display_name ?
	    c->user_display_name : ""))) != 0 ||
	    (r = put_b64(p, "userHandle", c->user_id.ptr, c->user_id.len)) != 0 ||
	    (r = put_b64(p, "key", c->private_key.ptr, c->private_key.len)) != 0)
		goto fail;
	if (c->hmac_secret || c->cred_blob.len > 0) {
		r = FSIM_ERR_NOMEM;
		if ((x = json_object()) == NULL)
			goto fail;
		if (c->hmac_secret) {
			/* hmac-secret's two CredRandom values (CTAP 2.1 12.5) are CXF's hmacCredentials */
			if ((h = json_object()) == NULL ||
			    (r = put(h, "algorithm", json_string("hmac-sha256"))) != 0 ||
			    (r = put_b64(h, "credWithUV", c->cred_random_uv, 32)) != 0 ||
			    (r = put_b64(h, "credWithoutUV", c->cred_random_nouv, 32)) != 0)
				goto fail;
			r = put(x, "hmacCredentials", h);
			h = NULL;
			if (r != 0)
				goto fail;
		}
		if (c->cred_blob.len > 0 &&
		    (r = put_b64(x, "credBlob", c->cred_blob.ptr, c->cred_blob.len)) != 0)
			goto fail;
		r = put(p, "fido2Extensions", x);
		x = NULL;
		if (r != 0)
			goto fail;
	}
	*out = p;
	p = NULL;
	r = FSIM_OK;
fail:
	fsim_cxf_free_tree(&h);
	fsim_cxf_free_tree(&x);
	fsim_cxf_free_tree(&p);
	return r;
}

static int
item_json(const fsim_cred_t *c, json_t **out)
{
	json_t *item = json_object(), *creds = json_array(), *pk = NULL, *ext = NULL, *e = NULL;
	uint8_t h[32];
	unsigned int hl = 0;
	int r = FSIM_ERR_NOMEM, nat;

	*out = NULL;
	if (item == NULL || creds == NULL)
		goto fail;
	/* The item's id: SHA-256 of the credential ID (stable, and no more than 64 bytes). */
	if (EVP_Digest(c->id.ptr, c->id.len, h, &hl, EVP_sha256(), NULL) != 1) {
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
	if ((r = put_b64(item, "id", h, sizeof(h))) != 0 ||
	    (r = put(item, "creationAt", json_integer((json_int_t)(c->created > INT64_MAX ?
	    INT64_MAX : c->created)))) != 0 ||
	    (r = put(item, "modifiedAt", json_integer((json_int_t)(c->created > INT64_MAX ?
	    INT64_MAX : c->created)))) != 0 ||
	    (r = put(item, "title", json_string(c->rp_id))) != 0)
		goto fail;
	if (c->user_name != NULL && c->user_name[0] != '\0' &&
	    (r = put(item, "subtitle", json_string(c->user_name))) != 0)
		goto fail;
	if ((r = passkey_json(c, &pk)) != 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if (json_array_append_new(creds, pk) != 0) {
		pk = NULL;
		goto fail;
	}
	pk = NULL;
	r = put(item, "credentials", creds);
	creds = NULL;
	if (r != 0)
		goto fail;
	/*
	 * CXF carries no algorithm: a key alone gives RS256 for RSA, ES256 for
	 * P-256, EdDSA for Ed25519. When the credential uses another alg of the
	 * same key (PS256, RS1, ESP256, Ed25519 as -19), say so in an extension
	 * of fidosim's own, which other importers ignore.
	 */
	if ((nat = natural_alg(c)) != c->alg) {
		r = FSIM_ERR_NOMEM;
		if ((ext = json_array()) == NULL || (e = json_object()) == NULL ||
		    (r = put(e, "name", json_string("fidosim"))) != 0 ||
		    (r = put_b64(e, "credentialId", c->id.ptr, c->id.len)) != 0 ||
		    (r = put(e, "alg", json_integer(c->alg))) != 0)
			goto fail;
		r = FSIM_ERR_NOMEM;
		if (json_array_append_new(ext, e) != 0) {
			e = NULL;
			goto fail;
		}
		e = NULL;
		r = put(item, "extensions", ext);
		ext = NULL;
		if (r != 0)
			goto fail;
	}
	*out = item;
	item = NULL;
	r = FSIM_OK;
fail:
	fsim_cxf_free_tree(&e);
	fsim_cxf_free_tree(&ext);
	fsim_cxf_free_tree(&pk);
	fsim_cxf_free_tree(&creds);
	fsim_cxf_free_tree(&item);
	return r;
}

static void
exclude(fsim_cxf_export_report_t *rep, const fsim_cred_t *c)
{
	fsim_cxf_excluded_t *x;
	char *id = NULL;

	if (rep->excluded < sizeof(rep->first) / sizeof(rep->first[0])) {
		x = &rep->first[rep->excluded];
		if (fsim_b64url_encode(c->id.ptr, c->id.len, &id) == 0)
			snprintf(x->id, sizeof(x->id), "%.60s", id);
		snprintf(x->rp_id, sizeof(x->rp_id), "%s", c->rp_id ? c->rp_id : "");
		x->sign_count = c->sign_count;
		free(id);
	}
	rep->excluded++;
}

int
fsim_cxf_export(fsim_store_t *s, const fsim_env_t *env, const fsim_cxf_export_opts_t *o,
    char **text, size_t *len, fsim_cxf_export_report_t *rep)
{
	fsim_cxf_export_report_t dummy;
	json_t *root = NULL, *items = NULL, *acct = NULL, *accts = NULL, *ver = NULL, *it = NULL;
	const fsim_cred_t *c;
	uint8_t aid[16];
	size_t i, n;
	int r = FSIM_ERR_ARG;

	if (rep == NULL)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	if (text == NULL || len == NULL)
		return FSIM_ERR_ARG;
	*text = NULL;
	*len = 0;
	if (s == NULL || env == NULL)
		return FSIM_ERR_ARG;
	if ((r = fsim_env_random(env, aid, sizeof(aid))) != 0)
		return FSIM_ERR_INTERNAL;
	r = FSIM_ERR_NOMEM;
	if ((root = json_object()) == NULL || (items = json_array()) == NULL ||
	    (acct = json_object()) == NULL || (accts = json_array()) == NULL ||
	    (ver = json_object()) == NULL)
		goto fail;
	n = fsim_store_cred_count(s);
	for (i = 0; i < n; i++) {
		if ((c = fsim_store_cred_at(s, i)) == NULL) {
			r = FSIM_ERR_IO;
			goto fail;
		}
		if (!wanted(c, o))
			continue;
		if (c->sign_count != 0 && (o == NULL || !o->include_counted)) {
			exclude(rep, c);
			continue;
		}
		if ((r = item_json(c, &it)) != 0)
			goto fail;
		r = FSIM_ERR_NOMEM;
		if (json_array_append_new(items, it) != 0) {
			it = NULL;
			goto fail;
		}
		it = NULL;
		rep->exported++;
	}
	if ((r = put(ver, "major", json_integer(FSIM_CXF_VERSION_MAJOR))) != 0 ||
	    (r = put(ver, "minor", json_integer(FSIM_CXF_VERSION_MINOR))) != 0)
		goto fail;
	r = put(root, "version", ver);
	ver = NULL;   /* taken, even on failure */
	if (r != 0)
		goto fail;
	if ((r = put(root, "exporterRpId", json_string(o != NULL && o->exporter_rp_id ?
	    o->exporter_rp_id : FSIM_CXF_EXPORTER_RP_ID))) != 0 ||
	    (r = put(root, "exporterDisplayName", json_string(o != NULL && o->exporter_name ?
	    o->exporter_name : FSIM_CXF_EXPORTER_NAME))) != 0 ||
	    (r = put(root, "timestamp", json_integer((json_int_t)(env->now(env->ctx) >
	    INT64_MAX ? INT64_MAX : env->now(env->ctx))))) != 0 ||
	    (r = put_b64(acct, "id", aid, sizeof(aid))) != 0 ||
	    (r = put(acct, "username", json_string(""))) != 0 ||
	    (r = put(acct, "email", json_string(""))) != 0 ||
	    (r = put(acct, "collections", json_array())) != 0)
		goto fail;
	r = put(acct, "items", items);
	items = NULL;
	if (r != 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if (json_array_append_new(accts, acct) != 0) {
		acct = NULL;
		goto fail;
	}
	acct = NULL;
	r = put(root, "accounts", accts);
	accts = NULL;
	if (r != 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((*text = json_dumps(root, JSON_INDENT(2))) == NULL)
		goto fail;
	*len = strlen(*text);
	r = FSIM_OK;
fail:
	fsim_cxf_free_tree(&it);
	fsim_cxf_free_tree(&ver);
	fsim_cxf_free_tree(&accts);
	fsim_cxf_free_tree(&acct);
	fsim_cxf_free_tree(&items);
	fsim_cxf_free_tree(&root);
	return r;
}
