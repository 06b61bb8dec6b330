/*
 * store_db.c — the authenticator's store on disk: one SQLite database
 * (core/sqldb.h: WAL, synchronous=FULL, busy timeout, wiping allocator).
 *
 * One transaction per operation: fsim_store_begin (BEGIN IMMEDIATE, so the
 * writer lock is held from the first read: a counter read, incremented and
 * signed cannot interleave with another process's) and fsim_store_save
 * (COMMIT). Whatever the operation read is cached in the store's arrays for
 * the length of the transaction only.
 *
 * Schema (application_id 'fsim', user_version FSIM_STORE_DB_VERSION; made and
 * checked by store_db_open.c):
 *   state(id = 1, wrap_key, global_counter, seq)
 *   blobs(name, val)
 *   credentials(id, rp_id, user_id, user_name, user_display_name, alg,
 *       private_key, discoverable, sign_count, be, bs, cred_protect,
 *       cred_blob, hmac_secret, cred_random_uv, cred_random_nouv, created, seq,
 *       hidden)
 * "hidden" (a credential a WebAuthn L3 signal hid) came later: a store made
 * without it gets the column, 0 for every row, when first opened (still
 * version 1: older fidosim name their columns and read such a store as before).
 *   id_counters(hash, v)
 * Rows are read as strictly as the JSON format was (types, lengths, the
 * field rules of store.h); a row that breaks them makes the transaction
 * fail rather than be used.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/store_db_int.h"
#include "authenticator/store_int.h"
#include "core/sqldb.h"


#define CRED_COLS "id, rp_id, user_id, user_name, user_display_name, alg, private_key, " \
	"discoverable, sign_count, be, bs, cred_protect, cred_blob, hmac_secret, " \
	"cred_random_uv, cred_random_nouv, created, seq, hidden"



const char *const fsim_store_db_sql[S__COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_STATE_GET] = "SELECT wrap_key, global_counter, seq FROM state WHERE id = 1",
	[S_STATE_PUT] = "UPDATE state SET wrap_key = ?1, global_counter = ?2, seq = ?3 "
	    "WHERE id = 1 AND (wrap_key IS NOT ?1 OR global_counter IS NOT ?2 OR seq IS NOT ?3)",
	[S_CRED_GET] = "SELECT " CRED_COLS " FROM credentials WHERE id = ?1",
	[S_CRED_RP] = "SELECT " CRED_COLS " FROM credentials WHERE rp_id = ?1 AND "
	    "discoverable = 1 ORDER BY created DESC, seq DESC LIMIT ?2",
	[S_CRED_RP_COUNT] = "SELECT count(*) FROM credentials WHERE rp_id = ?1 AND discoverable = 1",
	[S_CRED_ALL] = "SELECT " CRED_COLS " FROM credentials ORDER BY seq",
	[S_CRED_ADD] = "INSERT INTO credentials (" CRED_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
	[S_CRED_UPD] = "UPDATE credentials SET sign_count = ?2, be = ?3, bs = ?4, hidden = ?5, "
	    "user_name = ?6, user_display_name = ?7 WHERE id = ?1 AND (sign_count IS NOT ?2 OR "
	    "be IS NOT ?3 OR bs IS NOT ?4 OR hidden IS NOT ?5 OR user_name IS NOT ?6 OR "
	    "user_display_name IS NOT ?7)",
	[S_CRED_DEL] = "DELETE FROM credentials WHERE id = ?1",
	[S_CRED_DEL_USER] = "DELETE FROM credentials WHERE rp_id = ?1 AND discoverable = 1 "
	    "AND user_id = ?2",
	[S_CRED_DEL_ALL] = "DELETE FROM credentials",
	[S_IDC_GET] = "SELECT v FROM id_counters WHERE hash = ?1",
	[S_IDC_PUT] = "INSERT INTO id_counters (hash, v) VALUES (?1, ?2) "
	    "ON CONFLICT (hash) DO UPDATE SET v = excluded.v",
	[S_IDC_ALL] = "SELECT hash, v FROM id_counters ORDER BY hash",
	[S_IDC_DEL_ALL] = "DELETE FROM id_counters",
	[S_BLOB_PUT] = "INSERT INTO blobs (name, val) VALUES (?1, ?2) "
	    "ON CONFLICT (name) DO UPDATE SET val = excluded.val",
	[S_BLOB_ALL] = "SELECT name, val FROM blobs ORDER BY name",
};


/* A prepared statement, reset and unbound, ready for new values. */
static sqlite3_stmt *
stmt(fsim_store_t *s, int which)
{
	sqlite3_stmt *st = s->db->st[which];

	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db->db, fsim_store_db_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
		    &st, NULL) != SQLITE_OK)
			return NULL;
		s->db->st[which] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Step a statement that returns no row. */
static int
run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? FSIM_OK : FSIM_ERR_IO;
}

/* ---- rows ---- */

static bool
col_blob(sqlite3_stmt *st, int i, size_t min, size_t max, fsim_blob_t *out)
{
	const void *p;
	int n;

	if (sqlite3_column_type(st, i) != SQLITE_BLOB)
		return false;
	p = sqlite3_column_blob(st, i);
	n = sqlite3_column_bytes(st, i);
	if (n < 0 || (size_t)n < min || (size_t)n > max || (n > 0 && p == NULL))
		return false;
	return fsim_blob_set(out, p, (size_t)n) == 0;
}

static bool
col_fixed(sqlite3_stmt *st, int i, uint8_t *out, size_t n)
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB ||
	    sqlite3_column_bytes(st, i) != (int)n || sqlite3_column_blob(st, i) == NULL)
		return false;
	memcpy(out, sqlite3_column_blob(st, i), n);
	return true;
}

static bool
col_int(sqlite3_stmt *st, int i, int64_t min, int64_t max, int64_t *out)
{
	int64_t v;

	if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
		return false;
	v = sqlite3_column_int64(st, i);
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* A text column (NULL allowed when nullable); the field rules check UTF-8 and length. */
static bool
col_text(sqlite3_stmt *st, int i, bool nullable, char **out)
{
	const unsigned char *t;
	int n;

	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return nullable;
	if (sqlite3_column_type(st, i) != SQLITE_TEXT)
		return false;
	t = sqlite3_column_text(st, i);
	n = sqlite3_column_bytes(st, i);
	if (t == NULL || n < 0 || n > FSIM_STORE_MAX_STRING_LEN || strlen((const char *)t) != (size_t)n)
		return false;
	return (*out = fsim_strdup((const char *)t)) != NULL;
}

/* The credential of the current row; FSIM_ERR_FORMAT when the row breaks a rule. */
static int
row_cred(sqlite3_stmt *st, fsim_cred_t *out)
{
	const char *field, *why;
	fsim_cred_t t;
	int64_t v[9];
	int r = FSIM_ERR_FORMAT;

	memset(&t, 0, sizeof(t));
	if (!col_blob(st, 0, 1, FSIM_STORE_MAX_ID_LEN, &t.id) ||
	    !col_text(st, 1, false, &t.rp_id) ||
	    !col_blob(st, 2, 0, FSIM_STORE_MAX_USER_ID_LEN, &t.user_id) ||
	    !col_text(st, 3, true, &t.user_name) ||
	    !col_text(st, 4, true, &t.user_display_name) ||
	    !col_int(st, 5, INT_MIN, INT_MAX, &v[0]) ||
	    !col_blob(st, 6, 1, FSIM_STORE_MAX_KEY_LEN, &t.private_key) ||
	    !col_int(st, 7, 0, 1, &v[1]) ||
	    !col_int(st, 8, 0, UINT32_MAX, &v[2]) ||
	    !col_int(st, 9, 0, 1, &v[3]) ||
	    !col_int(st, 10, 0, 1, &v[4]) ||
	    !col_int(st, 11, 0, 3, &v[5]) ||
	    !col_blob(st, 12, 0, FSIM_STORE_MAX_CRED_BLOB_LEN, &t.cred_blob) ||
	    !col_int(st, 13, 0, 1, &v[6]) ||
	    !col_fixed(st, 14, t.cred_random_uv, 32) ||
	    !col_fixed(st, 15, t.cred_random_nouv, 32) ||
	    !col_int(st, 16, 0, INT64_MAX, &v[7]) ||
	    !col_int(st, 17, 1, INT64_MAX, (int64_t *)&t.seq) ||
	    !col_int(st, 18, 0, 1, &v[8]))
		goto fail;
	t.alg = (int)v[0];
	t.discoverable = v[1] != 0;
	t.sign_count = (uint32_t)v[2];
	t.be = v[3] != 0;
	t.bs = v[4] != 0;
	t.cred_protect = (uint8_t)v[5];
	t.hmac_secret = v[6] != 0;
	t.created = (uint64_t)v[7];
	t.hidden = v[8] != 0;
	if (!fsim_cred_valid(&t, &field, &why))
		goto fail;
	*out = t;
	memset(&t, 0, sizeof(t));
	r = FSIM_OK;
fail:
	fsim_cred_reset(&t);
	return r;
}

static fsim_cred_t *
cache_find(fsim_store_t *s, const uint8_t *id, size_t len)
{
	size_t i;

	for (i = 0; i < s->ncreds; i++)
		if (fsim_blob_eq(&s->creds[i].id, id, len))
			return &s->creds[i];
	return NULL;
}

/* Every row of st into the cache (those not already there). */
static int
rows_to_cache(fsim_store_t *s, sqlite3_stmt *st)
{
	fsim_cred_t t;
	int rc, r = FSIM_OK;

	memset(&t, 0, sizeof(t));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cache_find(s, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0)) != NULL)
			continue;
		if ((r = row_cred(st, &t)) != 0 || (r = fsim_store_take_cred(s, &t)) != 0)
			break;
	}
	if (r == FSIM_OK && rc != SQLITE_DONE)
		r = FSIM_ERR_IO;
	sqlite3_reset(st);
	fsim_cred_reset(&t);
	return r;
}

/* ---- rows written (creating a database is store_db_open.c's) ---- */

int
fsim_store_db_bind_cred(sqlite3_stmt *st, const fsim_cred_t *c)
{
	if (fsim_sqldb_bind_blob(st, 1, c->id.ptr, c->id.len) != SQLITE_OK ||
	    fsim_sqldb_bind_text(st, 2, c->rp_id) != SQLITE_OK ||
	    fsim_sqldb_bind_blob(st, 3, c->user_id.ptr, c->user_id.len) != SQLITE_OK ||
	    fsim_sqldb_bind_text(st, 4, c->user_name) != SQLITE_OK ||
	    fsim_sqldb_bind_text(st, 5, c->user_display_name) != SQLITE_OK ||
	    sqlite3_bind_int(st, 6, c->alg) != SQLITE_OK ||
	    fsim_sqldb_bind_blob(st, 7, c->private_key.ptr, c->private_key.len) != SQLITE_OK ||
	    sqlite3_bind_int(st, 8, c->discoverable) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 9, c->sign_count) != SQLITE_OK ||
	    sqlite3_bind_int(st, 10, c->be) != SQLITE_OK ||
	    sqlite3_bind_int(st, 11, c->bs) != SQLITE_OK ||
	    sqlite3_bind_int(st, 12, c->cred_protect) != SQLITE_OK ||
	    fsim_sqldb_bind_blob(st, 13, c->cred_blob.ptr, c->cred_blob.len) != SQLITE_OK ||
	    sqlite3_bind_int(st, 14, c->hmac_secret) != SQLITE_OK ||
	    fsim_sqldb_bind_blob(st, 15, c->cred_random_uv, 32) != SQLITE_OK ||
	    fsim_sqldb_bind_blob(st, 16, c->cred_random_nouv, 32) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 17, (sqlite3_int64)c->created) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 18, (sqlite3_int64)c->seq) != SQLITE_OK ||
	    sqlite3_bind_int(st, 19, c->hidden) != SQLITE_OK)
		return FSIM_ERR_NOMEM;
	return FSIM_OK;
}

/* ---- transactions ---- */

int
fsim_store_db_begin(fsim_store_t *s)
{
	sqlite3_stmt *st;
	int64_t gc, seq;
	int r = FSIM_ERR_IO;

	if (s->in_txn)
		return FSIM_OK;
	fsim_store_clear_cache(s);
	s->txn_err = 0;
	if ((st = stmt(s, S_BEGIN)) == NULL || run(st) != 0)
		return r;
	s->in_txn = true;
	if ((st = stmt(s, S_STATE_GET)) == NULL)
		goto fail;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	r = FSIM_ERR_FORMAT;
	if (!col_fixed(st, 0, s->wrap_key, 32) || !col_int(st, 1, 0, UINT32_MAX, &gc) ||
	    !col_int(st, 2, 0, INT64_MAX, &seq)) {
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	s->global_counter = (uint32_t)gc;
	s->seq = (uint64_t)seq;
	return FSIM_OK;
fail:
	fsim_store_db_rollback(s);
	s->txn_err = r;
	return r;
}

int
fsim_store_db_commit(fsim_store_t *s)
{
	sqlite3_stmt *st;
	size_t i;
	int r = FSIM_ERR_IO;

	if (!s->in_txn)
		return FSIM_OK;
	if (s->txn_err != 0) {
		r = s->txn_err;
		goto fail;
	}
	/*
	 * What callers change in place on a lent credential: the counter, BE,
	 * BS, and what a signal changes (hidden, the user's names).
	 */
	for (i = 0; i < s->ncreds; i++) {
		const fsim_cred_t *c = &s->creds[i];

		if ((st = stmt(s, S_CRED_UPD)) == NULL ||
		    fsim_sqldb_bind_blob(st, 1, c->id.ptr, c->id.len) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 2, c->sign_count) != SQLITE_OK ||
		    sqlite3_bind_int(st, 3, c->be) != SQLITE_OK ||
		    sqlite3_bind_int(st, 4, c->bs) != SQLITE_OK ||
		    sqlite3_bind_int(st, 5, c->hidden) != SQLITE_OK ||
		    fsim_sqldb_bind_text(st, 6, c->user_name) != SQLITE_OK ||
		    fsim_sqldb_bind_text(st, 7, c->user_display_name) != SQLITE_OK || run(st) != 0)
			goto fail;
	}
	if ((st = stmt(s, S_STATE_PUT)) == NULL ||
	    fsim_sqldb_bind_blob(st, 1, s->wrap_key, 32) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, s->global_counter) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)s->seq) != SQLITE_OK || run(st) != 0)
		goto fail;
	if ((st = stmt(s, S_COMMIT)) == NULL || run(st) != 0)
		goto fail;
	s->in_txn = false;
	fsim_store_clear_cache(s);
	return FSIM_OK;
fail:
	fsim_store_db_rollback(s);
	return r;
}

void
fsim_store_db_rollback(fsim_store_t *s)
{
	sqlite3_stmt *st;

	if (s->in_txn) {
		if ((st = stmt(s, S_ROLLBACK)) == NULL || run(st) != 0)
			(void)sqlite3_exec(s->db->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_txn = false;
	}
	fsim_store_clear_cache(s);
}

/* ---- credentials ---- */

int
fsim_store_db_cred_get(fsim_store_t *s, const uint8_t *id, size_t len, fsim_cred_t *out)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((st = stmt(s, S_CRED_GET)) == NULL ||
	    fsim_sqldb_bind_blob(st, 1, id, len) != SQLITE_OK)
		return FSIM_ERR_IO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		r = FSIM_ERR_NOT_FOUND;
	else if (rc != SQLITE_ROW)
		r = FSIM_ERR_IO;
	else
		r = row_cred(st, out);
	sqlite3_reset(st);
	return r;
}

int
fsim_store_db_cred_rp(fsim_store_t *s, const char *rp_id, size_t max)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, S_CRED_RP)) == NULL ||
	    fsim_sqldb_bind_text(st, 1, rp_id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, max > INT64_MAX ? INT64_MAX : (sqlite3_int64)max) != SQLITE_OK)
		return FSIM_ERR_IO;
	return rows_to_cache(s, st);
}

int
fsim_store_db_cred_count_rp(fsim_store_t *s, const char *rp_id, size_t *n)
{
	sqlite3_stmt *st;
	int r = FSIM_ERR_IO;

	if ((st = stmt(s, S_CRED_RP_COUNT)) == NULL ||
	    fsim_sqldb_bind_text(st, 1, rp_id) != SQLITE_OK)
		return r;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_int64(st, 0);
		r = FSIM_OK;
	}
	sqlite3_reset(st);
	return r;
}

int
fsim_store_db_cred_all(fsim_store_t *s)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, S_CRED_ALL)) == NULL)
		return FSIM_ERR_IO;
	return rows_to_cache(s, st);
}

int
fsim_store_db_cred_add(fsim_store_t *s, const fsim_cred_t *c)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, S_CRED_ADD)) == NULL || fsim_store_db_bind_cred(st, c) != 0)
		return FSIM_ERR_IO;
	return run(st);
}

int
fsim_store_db_cred_del(fsim_store_t *s, const uint8_t *id, size_t len)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, S_CRED_DEL)) == NULL ||
	    fsim_sqldb_bind_blob(st, 1, id, len) != SQLITE_OK)
		return FSIM_ERR_IO;
	return run(st);
}

int
fsim_store_db_del_user(fsim_store_t *s, const char *rp_id, const uint8_t *uid, size_t len)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, S_CRED_DEL_USER)) == NULL ||
	    fsim_sqldb_bind_text(st, 1, rp_id) != SQLITE_OK ||
	    fsim_sqldb_bind_blob(st, 2, uid, len) != SQLITE_OK)
		return FSIM_ERR_IO;
	return run(st);
}

int
fsim_store_db_reset(fsim_store_t *s)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, S_CRED_DEL_ALL)) == NULL || run(st) != 0 ||
	    (st = stmt(s, S_IDC_DEL_ALL)) == NULL || run(st) != 0)
		return FSIM_ERR_IO;
	return FSIM_OK;
}

/* ---- ID counters ---- */

int
fsim_store_db_idc_get(fsim_store_t *s, const uint8_t h[32], uint32_t *v)
{
	sqlite3_stmt *st;
	int64_t x;
	int rc, r = FSIM_ERR_IO;

	*v = 0;
	if ((st = stmt(s, S_IDC_GET)) == NULL || fsim_sqldb_bind_blob(st, 1, h, 32) != SQLITE_OK)
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		r = FSIM_OK;
	else if (rc == SQLITE_ROW) {
		if (col_int(st, 0, 0, UINT32_MAX, &x)) {
			*v = (uint32_t)x;
			r = FSIM_OK;
		} else
			r = FSIM_ERR_FORMAT;
	}
	sqlite3_reset(st);
	return r;
}

int
fsim_store_db_idc_put(fsim_store_t *s, const uint8_t h[32], uint32_t v)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, S_IDC_PUT)) == NULL || fsim_sqldb_bind_blob(st, 1, h, 32) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, v) != SQLITE_OK)
		return FSIM_ERR_IO;
	return run(st);
}

int
fsim_store_db_idc_all(fsim_store_t *s)
{
	sqlite3_stmt *st;
	uint8_t h[32];
	int64_t v;
	int rc, r = FSIM_OK;

	if ((st = stmt(s, S_IDC_ALL)) == NULL)
		return FSIM_ERR_IO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!col_fixed(st, 0, h, 32) || !col_int(st, 1, 0, UINT32_MAX, &v)) {
			r = FSIM_ERR_FORMAT;
			break;
		}
		if ((r = fsim_store_cache_idc(s, h, (uint32_t)v)) != 0)
			break;
	}
	if (r == FSIM_OK && rc != SQLITE_DONE)
		r = FSIM_ERR_IO;
	sqlite3_reset(st);
	return r;
}

/* ---- blobs ---- */

static int
row_blob(fsim_store_t *s, sqlite3_stmt *st, const char *name)
{
	fsim_blob_t b = { 0 };
	int r;

	if (!fsim_store_blob_name_valid(name) ||
	    !col_blob(st, 1, 0, FSIM_STORE_MAX_BLOB_LEN, &b))
		return FSIM_ERR_FORMAT;
	r = fsim_store_cache_blob(s, name, b.ptr, b.len);
	fsim_blob_reset(&b);
	return r;
}

int
fsim_store_db_blob_put(fsim_store_t *s, const char *name, const uint8_t *p, size_t n)
{
	sqlite3_stmt *st;

	if ((st = stmt(s, S_BLOB_PUT)) == NULL || fsim_sqldb_bind_text(st, 1, name) != SQLITE_OK ||
	    fsim_sqldb_bind_blob(st, 2, p, n) != SQLITE_OK)
		return FSIM_ERR_IO;
	return run(st);
}

int
fsim_store_db_blob_all(fsim_store_t *s)
{
	sqlite3_stmt *st;
	int rc, r = FSIM_OK;

	if ((st = stmt(s, S_BLOB_ALL)) == NULL)
		return FSIM_ERR_IO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 0);

		if (name == NULL || (r = row_blob(s, st, (const char *)name)) != 0) {
			r = r != 0 ? r : FSIM_ERR_FORMAT;
			break;
		}
	}
	if (r == FSIM_OK && rc != SQLITE_DONE)
		r = FSIM_ERR_IO;
	sqlite3_reset(st);
	return r;
}
