/*
 * cxf_import.c — a checked CXF document's passkeys into a store, in one
 * transaction: everything is checked and built first (the document's rules,
 * the store's field rules, credential IDs the store already holds, the size
 * of the blobs), and only then written, so a refused import changes
 * nothing. The importing provider's BE/BS are given to every passkey; the
 * signature counter starts at 0 and stays there (the draft: importers MUST
 * set a zero value and MUST NOT increment it), which the authenticator
 * learns from FSIM_CXF_IMPORTED_BLOB (fsim_cxf_imported). Credentials of
 * other types are kept, as JSON, in FSIM_CXF_KEPT_BLOB, and ignored.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authenticator/cxf_int.h"
#include "authenticator/store_int.h"

#define HASH_LEN 32

static int
sha256(const uint8_t *p, size_t n, uint8_t out[HASH_LEN])
{
	unsigned int hl = 0;

	return EVP_Digest(p, n, out, &hl, EVP_sha256(), NULL) == 1 && hl == HASH_LEN ?
	    FSIM_OK : FSIM_ERR_INTERNAL;
}

bool
fsim_cxf_imported(fsim_store_t *s, const uint8_t *id, size_t len)
{
	const fsim_blob_t *b;
	uint8_t h[HASH_LEN];
	size_t lo, hi, mid;
	int c;

	if (s == NULL || id == NULL || len == 0 ||
	    (b = fsim_store_get_blob(s, FSIM_CXF_IMPORTED_BLOB)) == NULL ||
	    b->len % HASH_LEN != 0 || sha256(id, len, h) != 0)
		return false;
	lo = 0;
	hi = b->len / HASH_LEN;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(b->ptr + mid * HASH_LEN, h, HASH_LEN);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int
by_hash(const void *a, const void *b)
{
	return memcmp(a, b, HASH_LEN);
}

/* The imported-ID blob with the new hashes merged in (sorted, no duplicates). */
static int
merged_hashes(fsim_store_t *s, const fsim_cxf_doc_t *doc, fsim_blob_t *out)
{
	const fsim_blob_t *old = fsim_store_get_blob(s, FSIM_CXF_IMPORTED_BLOB);
	size_t nold = old != NULL && old->len % HASH_LEN == 0 ? old->len / HASH_LEN : 0;
	size_t n = nold + doc->npk, i, k;
	uint8_t *v;

	if (n > FSIM_STORE_MAX_BLOB_LEN / HASH_LEN)
		return FSIM_ERR_FORMAT;
	if ((v = malloc(n * HASH_LEN + 1)) == NULL)
		return FSIM_ERR_NOMEM;
	if (nold > 0)
		memcpy(v, old->ptr, nold * HASH_LEN);
	for (i = 0; i < doc->npk; i++)
		if (sha256(doc->pk[i].id.ptr, doc->pk[i].id.len, v + (nold + i) * HASH_LEN) != 0) {
			free(v);
			return FSIM_ERR_INTERNAL;
		}
	qsort(v, n, HASH_LEN, by_hash);
	for (i = k = 0; i < n; i++)
		if (k == 0 || memcmp(v + (k - 1) * HASH_LEN, v + i * HASH_LEN, HASH_LEN) != 0) {
			memmove(v + k * HASH_LEN, v + i * HASH_LEN, HASH_LEN);
			k++;
		}
	out->ptr = v;
	out->len = k * HASH_LEN;
	return FSIM_OK;
}

/*
 * The kept-items blob with this document's other credentials appended:
 * [{"exporterRpId", "timestamp", "importedAt", "account", "item", "title",
 *   "credential": {...}}, ...]. Secret (passwords, keys): wiped.
 */
static int
merged_kept(fsim_store_t *s, const fsim_env_t *env, const fsim_cxf_doc_t *doc,
    fsim_blob_t *out)
{
	const fsim_blob_t *old = fsim_store_get_blob(s, FSIM_CXF_KEPT_BLOB);
	json_t *arr = NULL, *e;
	char *text = NULL;
	size_t i;
	int r = FSIM_ERR_NOMEM;

	if (old != NULL && old->len > 0) {
		arr = json_loadb((const char *)old->ptr, old->len, 0, NULL);
		if (!json_is_array(arr)) {
			/* not ours to repair: keep it whole, beside the new entries */
			fsim_cxf_free_tree(&arr);
			if ((arr = json_array()) == NULL || (e = json_object()) == NULL ||
			    json_array_append_new(arr, e) != 0 ||
			    json_object_set_new(e, "unreadable", json_stringn((const char *)old->ptr,
			    old->len)) != 0)
				goto fail;
		}
	} else if ((arr = json_array()) == NULL)
		goto fail;
	for (i = 0; i < doc->nothers; i++) {
		const cxf_other_t *o = &doc->others[i];

		if ((e = json_pack("{s:s?, s:I, s:I, s:s?, s:s?, s:s?, s:O}", "exporterRpId",
		    doc->exporter, "timestamp", (json_int_t)(doc->timestamp > INT64_MAX ? INT64_MAX :
		    doc->timestamp), "importedAt", (json_int_t)(env->now(env->ctx) > INT64_MAX ?
		    INT64_MAX : env->now(env->ctx)), "account", o->account_id, "item", o->item_id,
		    "title", o->title, "credential", (json_t *)(uintptr_t)o->cred)) == NULL ||
		    json_array_append_new(arr, e) != 0)
			goto fail;
	}
	if ((text = json_dumps(arr, JSON_COMPACT)) == NULL)
		goto fail;
	r = FSIM_ERR_FORMAT;
	if (strlen(text) > FSIM_STORE_MAX_BLOB_LEN)
		goto fail;
	out->ptr = (uint8_t *)text;
	out->len = strlen(text);
	text = NULL;
	r = FSIM_OK;
fail:
	if (text != NULL) {
		fsim_wipe(text, strlen(text));
		free(text);
	}
	fsim_cxf_free_tree(&arr);   /* its strings may be secrets (passwords, keys) */
	return r;
}

static char *
opt_str(const char *s, bool *oom)
{
	char *d;

	if (s == NULL || s[0] == '\0')
		return NULL;
	if ((d = fsim_strdup(s)) == NULL)
		*oom = true;
	return d;
}

/* The credential a passkey becomes. */
static int
to_cred(const fsim_cxf_passkey_t *p, const fsim_cxf_import_opts_t *o, const fsim_env_t *env,
    fsim_cred_t *c)
{
	bool oom = false;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = fsim_blob_set(&c->id, p->id.ptr, p->id.len)) != 0 ||
	    (r = fsim_blob_set(&c->user_id, p->user_handle.ptr, p->user_handle.len)) != 0 ||
	    (r = fsim_blob_set(&c->private_key, p->key.ptr, p->key.len)) != 0 ||
	    (r = fsim_blob_set(&c->cred_blob, p->cred_blob.ptr, p->cred_blob.len)) != 0)
		return r;
	c->rp_id = fsim_strdup(p->rp_id);
	c->user_name = opt_str(p->username, &oom);
	c->user_display_name = opt_str(p->display_name, &oom);
	if (c->rp_id == NULL || oom)
		return FSIM_ERR_NOMEM;
	c->alg = p->alg;
	c->discoverable = true;
	c->sign_count = 0;
	c->be = o->be;
	c->bs = o->be && o->bs;
	c->hmac_secret = p->hmac;
	if (p->hmac) {
		memcpy(c->cred_random_uv, p->cred_with_uv, 32);
		memcpy(c->cred_random_nouv, p->cred_without_uv, 32);
	}
	c->created = p->created != 0 ? p->created : env->now(env->ctx);
	if (c->created > (uint64_t)INT64_MAX)
		c->created = (uint64_t)INT64_MAX;
	return FSIM_OK;
}

/* Passkeys that carry fido2Extensions the store cannot hold (largeBlob, payments, ...). */
static size_t
dropped(const fsim_cxf_doc_t *doc)
{
	size_t i, n = 0;

	for (i = 0; i < doc->npk; i++)
		n += doc->pk[i].ext_dropped;
	return n;
}

int
fsim_cxf_import(fsim_store_t *s, const fsim_env_t *env, const uint8_t *data, size_t len,
    const fsim_cxf_import_opts_t *o, fsim_cxf_import_report_t *rep, fsim_diags_t *d)
{
	fsim_cxf_import_report_t dummy;
	fsim_cxf_doc_t *doc = NULL;
	fsim_diags_t local;
	fsim_cred_t *creds = NULL;
	fsim_blob_t hashes = { 0 }, kept = { 0 };
	const char *field, *why;
	size_t i, added = 0, nerr0;
	int r = FSIM_ERR_ARG;

	fsim_diags_init(&local);
	if (rep == NULL)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	if (s == NULL || env == NULL || o == NULL)
		return FSIM_ERR_ARG;
	if (d == NULL)
		d = &local;
	nerr0 = fsim_diags_count(d, FSIM_SEV_ERROR);
	if ((r = fsim_cxf_check(data, len, o->check, &doc, d)) != 0)
		goto out;
	r = FSIM_ERR_FORMAT;
	if (fsim_diags_count(d, FSIM_SEV_ERROR) > nerr0)
		goto out;
	if ((r = fsim_store_begin(s)) != 0)
		goto out;
	/* Phase 1: build and check everything; nothing is written. */
	r = FSIM_ERR_NOMEM;
	if (doc->npk > 0 && (creds = calloc(doc->npk, sizeof(*creds))) == NULL)
		goto out;
	for (i = 0; i < doc->npk; i++) {
		const fsim_cxf_passkey_t *p = &doc->pk[i];

		if ((r = to_cred(p, o, env, &creds[i])) != 0)
			goto out;
		r = FSIM_ERR_FORMAT;
		if (!fsim_cred_valid(&creds[i], &field, &why)) {
			fsim_diags_add(d, FSIM_SEV_ERROR, "CXF-08", p->field, FSIM_NO_OFFSET,
			    "%s %s: the store cannot hold it", field, why);
			goto out;
		}
		if (fsim_store_find_cred(s, p->id.ptr, p->id.len) != NULL) {
			fsim_diags_add(d, FSIM_SEV_ERROR, "CXF-18", p->field, FSIM_NO_OFFSET,
			    "this credentialId is already in the store %s: nothing was imported",
			    fsim_store_path(s));
			goto out;
		}
	}
	if (doc->npk > 0 && (r = merged_hashes(s, doc, &hashes)) != 0) {
		if (r == FSIM_ERR_FORMAT)
			fsim_diags_add(d, FSIM_SEV_ERROR, "CXF-01", "", FSIM_NO_OFFSET, "the store "
			    "would then hold more than %d imported passkeys", FSIM_STORE_MAX_BLOB_LEN /
			    HASH_LEN);
		goto out;
	}
	if (doc->nothers > 0 && (r = merged_kept(s, env, doc, &kept)) != 0) {
		if (r == FSIM_ERR_FORMAT)
			fsim_diags_add(d, FSIM_SEV_ERROR, "CXF-01", "", FSIM_NO_OFFSET, "the "
			    "credentials of other types to keep would be over %d bytes in the store "
			    "(blob " FSIM_CXF_KEPT_BLOB ")", FSIM_STORE_MAX_BLOB_LEN);
		goto out;
	}
	/* Phase 2: write. */
	for (i = 0; i < doc->npk; i++) {
		if ((r = fsim_store_add_cred(s, &creds[i])) != 0)
			goto undo;
		added++;
	}
	if ((hashes.len > 0 && (r = fsim_store_set_blob(s, FSIM_CXF_IMPORTED_BLOB, hashes.ptr,
	    hashes.len)) != 0) || (kept.len > 0 && (r = fsim_store_set_blob(s,
	    FSIM_CXF_KEPT_BLOB, kept.ptr, kept.len)) != 0))
		goto undo;
	if ((r = fsim_store_save(s)) != 0)
		goto out;
	rep->imported = doc->npk;
	rep->kept = doc->nothers;
	rep->dropped_extensions = dropped(doc);
	r = FSIM_OK;
	goto out;
undo:
	/* a store in memory has no transaction to roll back: take the additions out */
	while (added > 0) {
		added--;
		if (fsim_store_delete_cred(s, creds[added].id.ptr, creds[added].id.len) != 0)
			continue;   /* not there: nothing to take out */
	}
out:
	if (r != FSIM_OK)
		fsim_store_rollback(s);
	for (i = 0; creds != NULL && i < doc->npk; i++)
		fsim_cred_reset(&creds[i]);
	free(creds);
	fsim_blob_reset(&hashes);
	fsim_blob_reset(&kept);
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&local);
	return r;
}
