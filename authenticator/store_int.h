/*
 * store_int.h — what store.c (the model), store_db.c (the SQLite file),
 * store_json.c (the JSON format: old stores, export) and store_file.c
 * (paths, opening, importing) share. Not for other folders.
 */
#ifndef FSIM_STORE_INT_H
#define FSIM_STORE_INT_H

#include <jansson.h>

#include "authenticator/store.h"

typedef struct fsim_store_blob {
	char *name;
	fsim_blob_t val;            /* may be secret (CA keys): wiped on free */
} fsim_store_blob_t;

typedef struct fsim_store_idc {
	uint8_t hash[32];
	uint32_t v;
} fsim_store_idc_t;

typedef struct fsim_store_db fsim_store_db_t;   /* store_db.c */

/*
 * A ":memory:" store is the arrays below, whole. A store on disk is its
 * SQLite database; the arrays then cache what the current transaction has
 * read or written (emptied when one begins: another process may have
 * changed anything in between), and wrap_key, global_counter and seq are
 * read at the start of each transaction and written at its commit.
 */
struct fsim_store {
	char *path;                 /* NULL for ":memory:" */
	fsim_store_db_t *db;        /* NULL for ":memory:" */
	bool in_txn;                /* db: a transaction is open */
	int txn_err;                /* db: the transaction could not begin or read: no commit */
	bool all_loaded;            /* db: creds holds every credential */
	bool blobs_loaded;          /* db: blobs holds every blob */
	uint8_t wrap_key[32];       /* secret */
	uint32_t global_counter;
	uint64_t seq;               /* the last seq given to a credential */
	fsim_store_blob_t *blobs;   /* sorted by name */
	size_t nblobs;
	fsim_cred_t *creds;         /* in the order they were added */
	size_t ncreds, capcreds;
	fsim_store_idc_t *idc;      /* sorted by hash */
	size_t nidc, capidc;
};

#define FSIM_STORE_RULE "STORE-01"
#define FSIM_STORE_RULE_IO "STORE-02"
#define FSIM_STORE_FORMAT_NAME "fidosim-store"

/* An empty store (no wrap key yet). */
fsim_store_t *fsim_store_alloc(void);

/* The field rules of store.h; on failure *why names the field and problem. */
bool fsim_cred_valid(const fsim_cred_t *c, const char **field, const char **why);
bool fsim_store_blob_name_valid(const char *name);

/* Append a credential taking ownership of *c (zeroed on success). */
int fsim_store_take_cred(fsim_store_t *s, fsim_cred_t *c) FSIM_WUR;

/*
 * The file text of s (malloc'd, NUL-terminated, secret: wipe it), and the
 * reverse: parse text into a new store, every problem reported as STORE-01.
 */
int fsim_store_to_text(const fsim_store_t *s, char **text, size_t *len) FSIM_WUR;
int fsim_store_from_text(const uint8_t *text, size_t len, fsim_store_t **out,
    fsim_diags_t *d) FSIM_WUR;

/* store.c: empty the caches (credentials, blobs, ID counters) of a store on disk. */
void fsim_store_clear_cache(fsim_store_t *s);
/* Insert or replace a blob in the arrays only (no database). */
int fsim_store_cache_blob(fsim_store_t *s, const char *name, const uint8_t *p,
    size_t n) FSIM_WUR;
/* Set an ID counter in the arrays only. */
int fsim_store_cache_idc(fsim_store_t *s, const uint8_t h[32], uint32_t v) FSIM_WUR;

/*
 * store_db.c. Creating writes a new database at path holding m (its wrap
 * key, counters, blobs, credentials; m->path unused) and must not exist;
 * attach opens an existing one into s (s->path set), checking that it is a
 * fidosim store of a version this build reads (STORE-01 otherwise).
 */
int fsim_store_db_create(const char *path, const fsim_store_t *m, char *err,
    size_t errlen) FSIM_WUR;
int fsim_store_db_attach(fsim_store_t *s, fsim_diags_t *d) FSIM_WUR;
void fsim_store_db_close(fsim_store_t *s);
int fsim_store_db_begin(fsim_store_t *s) FSIM_WUR;
int fsim_store_db_commit(fsim_store_t *s) FSIM_WUR;
void fsim_store_db_rollback(fsim_store_t *s);
/* One credential into *out (FSIM_ERR_NOT_FOUND when there is none). */
int fsim_store_db_cred_get(fsim_store_t *s, const uint8_t *id, size_t len,
    fsim_cred_t *out) FSIM_WUR;
/* Into the cache: the newest max discoverable credentials of rp_id / every one. */
int fsim_store_db_cred_rp(fsim_store_t *s, const char *rp_id, size_t max) FSIM_WUR;
int fsim_store_db_cred_all(fsim_store_t *s) FSIM_WUR;
int fsim_store_db_cred_count_rp(fsim_store_t *s, const char *rp_id, size_t *n) FSIM_WUR;
int fsim_store_db_cred_add(fsim_store_t *s, const fsim_cred_t *c) FSIM_WUR;
int fsim_store_db_cred_del(fsim_store_t *s, const uint8_t *id, size_t len) FSIM_WUR;
int fsim_store_db_del_user(fsim_store_t *s, const char *rp_id, const uint8_t *uid,
    size_t len) FSIM_WUR;
int fsim_store_db_reset(fsim_store_t *s) FSIM_WUR;
int fsim_store_db_idc_get(fsim_store_t *s, const uint8_t h[32], uint32_t *v) FSIM_WUR;
int fsim_store_db_idc_put(fsim_store_t *s, const uint8_t h[32], uint32_t v) FSIM_WUR;
int fsim_store_db_idc_all(fsim_store_t *s) FSIM_WUR;    /* into the cache */
int fsim_store_db_blob_put(fsim_store_t *s, const char *name, const uint8_t *p,
    size_t n) FSIM_WUR;
int fsim_store_db_blob_all(fsim_store_t *s) FSIM_WUR;   /* into the cache */

#endif /* !FSIM_STORE_INT_H */
