/*
 * store.c — the authenticator's state as the rest of the authenticator sees
 * it: the wrapping key, named blobs, credentials, counters. A ":memory:"
 * store is the arrays here; a store on disk reads and writes its SQLite
 * database (store_db.c) inside one transaction per operation, begun by
 * the first access (or fsim_store_begin) and ended by fsim_store_save
 * (commit) or fsim_store_rollback. The JSON format (old stores, export) is
 * in store_json.c, paths and opening in store_file.c.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/store.h"
#include "authenticator/store_int.h"

/* ---- lifecycle ---- */

/*
 * A store on disk: make sure a transaction is open. A failure is kept in
 * txn_err, so that the commit refuses what was read from nothing.
 */
static int
txn(const fsim_store_t *cs)
{
	fsim_store_t *s = (fsim_store_t *)(uintptr_t)cs;   /* the cache is not the value */
	int r;

	if (s == NULL || s->db == NULL)
		return FSIM_OK;
	if (s->txn_err != 0)
		return s->txn_err;
	if (s->in_txn)
		return FSIM_OK;
	if ((r = fsim_store_db_begin(s)) != 0)
		s->txn_err = r;
	return r;
}

/* A failure of the database inside a transaction: nothing of it may be committed. */
static int
txn_fail(fsim_store_t *s, int r)
{
	if (s->db != NULL && r != 0 && r != FSIM_ERR_NOT_FOUND && s->txn_err == 0)
		s->txn_err = r;
	return r;
}

int
fsim_store_begin(fsim_store_t *s)
{
	if (s == NULL)
		return FSIM_ERR_ARG;
	if (s->db == NULL || s->in_txn)
		return FSIM_OK;
	s->txn_err = 0;
	return txn(s);
}

void
fsim_store_rollback(fsim_store_t *s)
{
	if (s == NULL || s->db == NULL)
		return;
	fsim_store_db_rollback(s);
	s->txn_err = 0;
}

int
fsim_store_save(fsim_store_t *s)
{
	int r;

	if (s == NULL)
		return FSIM_ERR_ARG;
	if (s->db == NULL)
		return FSIM_OK;
	if (s->txn_err != 0) {
		r = s->txn_err;
		fsim_store_rollback(s);
		return r;
	}
	return fsim_store_db_commit(s);
}

fsim_store_t *
fsim_store_alloc(void)
{
	return calloc(1, sizeof(fsim_store_t));
}

static void
clear_creds(fsim_store_t *s)
{
	size_t i;

	for (i = 0; i < s->ncreds; i++)
		fsim_cred_reset(&s->creds[i]);
	free(s->creds);
	s->creds = NULL;
	s->ncreds = s->capcreds = 0;
}

static void
clear_blobs(fsim_store_t *s)
{
	size_t i;

	for (i = 0; i < s->nblobs; i++) {
		free(s->blobs[i].name);
		fsim_blob_reset(&s->blobs[i].val);
	}
	free(s->blobs);
	s->blobs = NULL;
	s->nblobs = 0;
}

void
fsim_store_clear_cache(fsim_store_t *s)
{
	if (s == NULL || s->db == NULL)
		return;
	clear_creds(s);
	clear_blobs(s);
	free(s->idc);
	s->idc = NULL;
	s->nidc = s->capidc = 0;
	s->all_loaded = false;
	s->blobs_loaded = false;
}

void
fsim_store_free(fsim_store_t **sp)
{
	fsim_store_t *s;
	size_t i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	fsim_store_db_close(s);     /* rolls back an open transaction */
	clear_creds(s);
	(void)i;
	clear_blobs(s);
	free(s->idc);
	free(s->path);
	fsim_wipe(s, sizeof(*s));
	free(s);
	*sp = NULL;
}

const char *
fsim_store_path(const fsim_store_t *s)
{
	if (s == NULL)
		return NULL;
	return s->path != NULL ? s->path : ":memory:";
}

const uint8_t *
fsim_store_wrap_key(const fsim_store_t *s)
{
	(void)txn(s);
	return s != NULL ? s->wrap_key : NULL;
}

uint32_t
fsim_store_global_counter(const fsim_store_t *s)
{
	if (s == NULL || txn(s) != 0)
		return 0;
	return s->global_counter;
}

void
fsim_store_set_global_counter(fsim_store_t *s, uint32_t v)
{
	if (s != NULL && txn(s) == 0)
		s->global_counter = v;
}

/* ---- named blobs, sorted by name ---- */

/* Index of name, or where it would go (*found false). */
static size_t
blob_index(const fsim_store_t *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->nblobs, mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(s->blobs[mid].name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const fsim_blob_t *
fsim_store_get_blob(const fsim_store_t *cs, const char *name)
{
	fsim_store_t *s = (fsim_store_t *)(uintptr_t)cs;   /* the cache is not the value */
	bool found;
	size_t i;

	if (s == NULL || name == NULL || txn(s) != 0)
		return NULL;
	/*
	 * All of them at the first lookup of a transaction (a CA's few): a
	 * lookup never adds to the array, so what it lent stays valid.
	 */
	if (s->db != NULL && !s->blobs_loaded) {
		if (txn_fail(s, fsim_store_db_blob_all(s)) != 0)
			return NULL;
		s->blobs_loaded = true;
	}
	i = blob_index(s, name, &found);
	return found ? &s->blobs[i].val : NULL;
}

int
fsim_store_set_blob(fsim_store_t *s, const char *name, const uint8_t *p, size_t n)
{
	int r;

	if (s == NULL || !fsim_store_blob_name_valid(name) ||
	    n > FSIM_STORE_MAX_BLOB_LEN || (p == NULL && n > 0))
		return FSIM_ERR_ARG;
	if ((r = txn(s)) != 0)
		return r;
	if (s->db != NULL && (r = txn_fail(s, fsim_store_db_blob_put(s, name, p, n))) != 0)
		return r;
	return fsim_store_cache_blob(s, name, p, n);
}

int
fsim_store_cache_blob(fsim_store_t *s, const char *name, const uint8_t *p, size_t n)
{
	fsim_store_blob_t *nb;
	fsim_blob_t v = { 0 };
	char *nm = NULL;
	bool found;
	size_t i;
	int r = FSIM_ERR_ARG;

	if (s == NULL || !fsim_store_blob_name_valid(name) ||
	    n > FSIM_STORE_MAX_BLOB_LEN || (p == NULL && n > 0))
		goto fail;
	if ((r = fsim_blob_set(&v, p, n)) != 0)
		goto fail;
	i = blob_index(s, name, &found);
	if (found) {
		fsim_blob_reset(&s->blobs[i].val);
		s->blobs[i].val = v;
		memset(&v, 0, sizeof(v));
		r = FSIM_OK;
		goto fail;
	}
	r = FSIM_ERR_NOMEM;
	if ((nm = fsim_strdup(name)) == NULL)
		goto fail;
	if ((nb = realloc(s->blobs, (s->nblobs + 1) * sizeof(*nb))) == NULL)
		goto fail;
	s->blobs = nb;
	memmove(&s->blobs[i + 1], &s->blobs[i], (s->nblobs - i) * sizeof(*nb));
	s->blobs[i].name = nm;
	s->blobs[i].val = v;
	s->nblobs++;
	nm = NULL;
	memset(&v, 0, sizeof(v));
	r = FSIM_OK;
fail:
	free(nm);
	fsim_blob_reset(&v);
	return r;
}

/* ---- credentials ---- */

fsim_cred_t *
fsim_store_find_cred(fsim_store_t *s, const uint8_t *id, size_t len)
{
	fsim_cred_t t;
	size_t i;

	if (s == NULL || id == NULL || len == 0 || txn(s) != 0)
		return NULL;
	for (i = 0; i < s->ncreds; i++)
		if (fsim_blob_eq(&s->creds[i].id, id, len))
			return &s->creds[i];
	if (s->db == NULL || s->all_loaded || len > FSIM_STORE_MAX_ID_LEN)
		return NULL;
	memset(&t, 0, sizeof(t));
	if (txn_fail(s, fsim_store_db_cred_get(s, id, len, &t)) != 0 ||
	    txn_fail(s, fsim_store_take_cred(s, &t)) != 0) {
		fsim_cred_reset(&t);
		return NULL;
	}
	return &s->creds[s->ncreds - 1];
}

int
fsim_store_take_cred(fsim_store_t *s, fsim_cred_t *c)
{
	fsim_cred_t *nv;
	size_t ncap;

	if (s->ncreds == s->capcreds) {
		ncap = s->capcreds ? s->capcreds * 2 : 8;
		if (ncap > SIZE_MAX / sizeof(*nv))
			return FSIM_ERR_NOMEM;
		if ((nv = realloc(s->creds, ncap * sizeof(*nv))) == NULL)
			return FSIM_ERR_NOMEM;
		s->creds = nv;
		s->capcreds = ncap;
	}
	s->creds[s->ncreds++] = *c;
	memset(c, 0, sizeof(*c));
	return FSIM_OK;
}

int
fsim_store_add_cred(fsim_store_t *s, const fsim_cred_t *c)
{
	fsim_cred_t t;
	const char *field, *why;
	int r = FSIM_ERR_ARG;

	memset(&t, 0, sizeof(t));
	if (s == NULL || c == NULL || !fsim_cred_valid(c, &field, &why))
		goto fail;
	if ((r = txn(s)) != 0)
		goto fail;
	r = FSIM_ERR_ARG;
	if (fsim_store_find_cred(s, c->id.ptr, c->id.len) != NULL ||
	    s->seq >= (uint64_t)INT64_MAX)
		goto fail;
	if ((r = fsim_cred_copy(&t, c)) != 0)
		goto fail;
	t.seq = s->seq + 1;
	if (s->db != NULL && (r = txn_fail(s, fsim_store_db_cred_add(s, &t))) != 0)
		goto fail;
	if ((r = txn_fail(s, fsim_store_take_cred(s, &t))) != 0)
		goto fail;
	s->seq++;
	r = FSIM_OK;
fail:
	fsim_cred_reset(&t);
	return r;
}

/* Is a newer than b?  created first, then seq (creation order). */
static bool
newer(const fsim_cred_t *a, const fsim_cred_t *b)
{
	if (a->created != b->created)
		return a->created > b->created;
	return a->seq > b->seq;
}

size_t
fsim_store_rp_creds(fsim_store_t *s, const char *rp_id, fsim_cred_t **out,
    size_t max)
{
	size_t i, j, n = 0;
	fsim_cred_t *c;

	if (s == NULL || rp_id == NULL || txn(s) != 0)
		return 0;
	if (s->db != NULL && !s->all_loaded) {
		/* The RP's newest max are loaded; the choice below then runs over the cache. */
		if (out == NULL)
			return txn_fail(s, fsim_store_db_cred_count_rp(s, rp_id, &n)) == 0 ? n : 0;
		if (max == 0 || txn_fail(s, fsim_store_db_cred_rp(s, rp_id, max)) != 0)
			return 0;
	}
	for (i = 0; i < s->ncreds; i++) {
		c = &s->creds[i];
		if (!c->discoverable || strcmp(c->rp_id, rp_id) != 0)
			continue;
		if (out == NULL) {
			n++;
			continue;
		}
		/* Keep out[0..n) sorted newest first, at most max long. */
		if (n == max && (n == 0 || !newer(c, out[n - 1])))
			continue;
		j = n < max ? n++ : n - 1;
		while (j > 0 && newer(c, out[j - 1])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = c;
	}
	return n;
}

static int
by_seq(const void *a, const void *b)
{
	const fsim_cred_t *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A store on disk: every credential into the cache (for enumeration). */
static int
load_all(fsim_store_t *s)
{
	int r;

	if ((r = txn(s)) != 0 || s->db == NULL || s->all_loaded)
		return r;
	if ((r = txn_fail(s, fsim_store_db_cred_all(s))) != 0)
		return r;
	/* In creation order, as a ":memory:" store enumerates them. */
	if (s->ncreds > 1)
		qsort(s->creds, s->ncreds, sizeof(s->creds[0]), by_seq);
	s->all_loaded = true;
	return FSIM_OK;
}

size_t
fsim_store_cred_count(const fsim_store_t *cs)
{
	fsim_store_t *s = (fsim_store_t *)(uintptr_t)cs;   /* the cache is not the value */

	if (s == NULL || load_all(s) != 0)
		return 0;
	return s->ncreds;
}

fsim_cred_t *
fsim_store_cred_at(fsim_store_t *s, size_t i)
{
	if (s == NULL || load_all(s) != 0 || i >= s->ncreds)
		return NULL;
	return &s->creds[i];
}

static void
remove_at(fsim_store_t *s, size_t i)
{
	fsim_cred_reset(&s->creds[i]);
	memmove(&s->creds[i], &s->creds[i + 1],
	    (s->ncreds - i - 1) * sizeof(s->creds[0]));
	s->ncreds--;
	memset(&s->creds[s->ncreds], 0, sizeof(s->creds[0]));
}

int
fsim_store_delete_cred(fsim_store_t *s, const uint8_t *id, size_t len)
{
	fsim_cred_t *c;
	int r;

	if (s == NULL || id == NULL || len == 0)
		return FSIM_ERR_ARG;
	if ((c = fsim_store_find_cred(s, id, len)) == NULL)
		return s->txn_err != 0 ? s->txn_err : FSIM_ERR_NOT_FOUND;
	if (s->db != NULL && (r = txn_fail(s, fsim_store_db_cred_del(s, id, len))) != 0)
		return r;
	remove_at(s, (size_t)(c - s->creds));
	return FSIM_OK;
}

int
fsim_store_delete_user(fsim_store_t *s, const char *rp_id, const uint8_t *user_id,
    size_t len)
{
	size_t i = 0;
	fsim_cred_t *c;
	int r;

	if (s == NULL || rp_id == NULL || (user_id == NULL && len > 0))
		return FSIM_ERR_ARG;
	if ((r = txn(s)) != 0)
		return r;
	if (s->db != NULL &&
	    (r = txn_fail(s, fsim_store_db_del_user(s, rp_id, user_id, len))) != 0)
		return r;
	while (i < s->ncreds) {
		c = &s->creds[i];
		if (c->discoverable && strcmp(c->rp_id, rp_id) == 0 &&
		    fsim_blob_eq(&c->user_id, user_id, len))
			remove_at(s, i);
		else
			i++;
	}
	return FSIM_OK;
}

int
fsim_store_reset(fsim_store_t *s, const fsim_env_t *env)
{
	uint8_t key[32];
	int r = FSIM_ERR_ARG;

	if (s == NULL || env == NULL)
		goto fail;
	if ((r = txn(s)) != 0)
		goto fail;
	if ((r = fsim_env_random(env, key, sizeof(key))) != 0) {
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
	if (s->db != NULL && (r = txn_fail(s, fsim_store_db_reset(s))) != 0)
		goto fail;
	clear_creds(s);
	free(s->idc);
	s->idc = NULL;
	s->nidc = s->capidc = 0;
	s->global_counter = 0;
	memcpy(s->wrap_key, key, sizeof(key));
	r = FSIM_OK;
fail:
	fsim_wipe(key, sizeof(key));
	return r;
}

/* ---- counters of wrapped credentials, sorted by hash ---- */

static size_t
idc_index(const fsim_store_t *s, const uint8_t h[32], bool *found)
{
	size_t lo = 0, hi = s->nidc, mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(s->idc[mid].hash, h, 32);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t
fsim_store_id_counter(const fsim_store_t *cs, const uint8_t id_hash[32])
{
	fsim_store_t *s = (fsim_store_t *)(uintptr_t)cs;   /* the cache is not the value */
	uint32_t v = 0;
	bool found;
	size_t i;

	if (s == NULL || id_hash == NULL || txn(s) != 0)
		return 0;
	if (s->db != NULL)
		return txn_fail(s, fsim_store_db_idc_get(s, id_hash, &v)) == 0 ? v : 0;
	i = idc_index(s, id_hash, &found);
	return found ? s->idc[i].v : 0;
}

int
fsim_store_set_id_counter(fsim_store_t *s, const uint8_t id_hash[32], uint32_t v)
{
	int r;

	if (s == NULL || id_hash == NULL)
		return FSIM_ERR_ARG;
	if ((r = txn(s)) != 0)
		return r;
	if (s->db != NULL)
		return txn_fail(s, fsim_store_db_idc_put(s, id_hash, v));
	return fsim_store_cache_idc(s, id_hash, v);
}

int
fsim_store_cache_idc(fsim_store_t *s, const uint8_t id_hash[32], uint32_t v)
{
	fsim_store_idc_t *nv;
	size_t i, ncap;
	bool found;

	i = idc_index(s, id_hash, &found);
	if (found) {
		s->idc[i].v = v;
		return FSIM_OK;
	}
	if (s->nidc == s->capidc) {
		ncap = s->capidc ? s->capidc * 2 : 16;
		if (ncap > SIZE_MAX / sizeof(*nv))
			return FSIM_ERR_NOMEM;
		if ((nv = realloc(s->idc, ncap * sizeof(*nv))) == NULL)
			return FSIM_ERR_NOMEM;
		s->idc = nv;
		s->capidc = ncap;
	}
	memmove(&s->idc[i + 1], &s->idc[i], (s->nidc - i) * sizeof(s->idc[0]));
	memcpy(s->idc[i].hash, id_hash, 32);
	s->idc[i].v = v;
	s->nidc++;
	return FSIM_OK;
}

/* ---- export ---- */

int
fsim_store_export_json(fsim_store_t *s, char **text, size_t *len)
{
	int r;

	if (s == NULL || text == NULL || len == NULL)
		return FSIM_ERR_ARG;
	*text = NULL;
	*len = 0;
	if ((r = load_all(s)) != 0)
		return r;
	if (s->db != NULL && !s->blobs_loaded) {
		if ((r = txn_fail(s, fsim_store_db_blob_all(s))) != 0)
			return r;
		s->blobs_loaded = true;
	}
	/* the ID counters are read one by one otherwise: the cache holds none yet */
	if (s->db != NULL && (r = txn_fail(s, fsim_store_db_idc_all(s))) != 0)
		return r;
	return fsim_store_to_text(s, text, len);
}
