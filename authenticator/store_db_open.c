/*
 * store_db_open.c — making and opening the authenticator's SQLite store
 * (store_db.c has the schema's description and the operations): a new
 * database from an in-memory store, attaching an existing one (checking its
 * application_id and version, adding the "hidden" column to a store made
 * before it), and closing.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/store_db_int.h"
#include "authenticator/store_int.h"
#include "core/sqldb.h"

#define FSIM_STORE_DB_VERSION 1
#define FSIM_STORE_APP_ID 0x6673696d         /* "fsim" */

static const char schema[] =
"CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), wrap_key BLOB NOT NULL,"
"  global_counter INTEGER NOT NULL, seq INTEGER NOT NULL);"
"CREATE TABLE blobs (name TEXT PRIMARY KEY, val BLOB NOT NULL);"
"CREATE TABLE credentials (id BLOB PRIMARY KEY, rp_id TEXT NOT NULL, user_id BLOB NOT NULL,"
"  user_name TEXT, user_display_name TEXT, alg INTEGER NOT NULL, private_key BLOB NOT NULL,"
"  discoverable INTEGER NOT NULL, sign_count INTEGER NOT NULL, be INTEGER NOT NULL,"
"  bs INTEGER NOT NULL, cred_protect INTEGER NOT NULL, cred_blob BLOB NOT NULL,"
"  hmac_secret INTEGER NOT NULL, cred_random_uv BLOB NOT NULL,"
"  cred_random_nouv BLOB NOT NULL, created INTEGER NOT NULL, seq INTEGER NOT NULL UNIQUE,"
"  hidden INTEGER NOT NULL DEFAULT 0);"
"CREATE INDEX credentials_rp ON credentials (rp_id, discoverable, created DESC, seq DESC);"
"CREATE TABLE id_counters (hash BLOB PRIMARY KEY, v INTEGER NOT NULL);";

static int
prepare_once(sqlite3 *db, const char *q, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(db, q, -1, st, NULL) == SQLITE_OK ? FSIM_OK : FSIM_ERR_IO;
}

int
fsim_store_db_create(const char *path, const fsim_store_t *m, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char pragma[96];
	size_t i;
	int r;

	if ((r = fsim_sqldb_open(path, true, &db, err, errlen)) != 0)
		return r;
	if ((r = fsim_sqldb_setup(db, err, errlen)) != 0)
		goto fail;
	snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d; PRAGMA user_version = %d",
	    FSIM_STORE_APP_ID, FSIM_STORE_DB_VERSION);
	if ((r = fsim_sqldb_exec(db, "BEGIN IMMEDIATE", err, errlen)) != 0 ||
	    (r = fsim_sqldb_exec(db, pragma, err, errlen)) != 0 ||
	    (r = fsim_sqldb_exec(db, schema, err, errlen)) != 0)
		goto fail;
	r = FSIM_ERR_IO;
	if (prepare_once(db, "INSERT INTO state VALUES (1, ?1, ?2, ?3)", &st) != 0 ||
	    fsim_sqldb_bind_blob(st, 1, m->wrap_key, 32) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, m->global_counter) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, (sqlite3_int64)m->seq) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	if (prepare_once(db, fsim_store_db_sql[S_BLOB_PUT], &st) != 0)
		goto fail;
	for (i = 0; i < m->nblobs; i++) {
		sqlite3_reset(st);
		if (fsim_sqldb_bind_text(st, 1, m->blobs[i].name) != SQLITE_OK ||
		    fsim_sqldb_bind_blob(st, 2, m->blobs[i].val.ptr, m->blobs[i].val.len) !=
		    SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	if (prepare_once(db, fsim_store_db_sql[S_CRED_ADD], &st) != 0)
		goto fail;
	for (i = 0; i < m->ncreds; i++) {
		sqlite3_reset(st);
		if (fsim_store_db_bind_cred(st, &m->creds[i]) != 0 || sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	if (prepare_once(db, fsim_store_db_sql[S_IDC_PUT], &st) != 0)
		goto fail;
	for (i = 0; i < m->nidc; i++) {
		sqlite3_reset(st);
		if (fsim_sqldb_bind_blob(st, 1, m->idc[i].hash, 32) != SQLITE_OK ||
		    sqlite3_bind_int64(st, 2, m->idc[i].v) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	r = fsim_sqldb_exec(db, "COMMIT", err, errlen);
fail:
	if (r != 0 && err != NULL && errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	/* closing the last connection checkpoints the WAL into the file and removes it */
	if (sqlite3_close(db) != SQLITE_OK && r == 0)
		r = FSIM_ERR_IO;
	return r;
}

static int
pragma_int(sqlite3 *db, const char *q, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int r = FSIM_ERR_IO;

	if (prepare_once(db, q, &st) == 0 && sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		r = FSIM_OK;
	}
	sqlite3_finalize(st);
	return r;
}

/* Does the credentials table have the hidden column? -1 when it cannot be told. */
static int
has_hidden_column(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	if (prepare_once(db, "PRAGMA table_info(credentials)", &st) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_text(st, 1) != NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 1), "hidden") == 0)
			found = 1;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? found : -1;
}

/*
 * A store made before credentials could be hidden: add the column (every
 * row 0), in a write transaction that looks again, so that two processes
 * opening it at once add it once.
 */
static int
add_hidden_column(sqlite3 *db, char *err, size_t errlen)
{
	int h = has_hidden_column(db), r;

	if (h == 1)
		return FSIM_OK;
	if (h < 0) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return FSIM_ERR_IO;
	}
	if ((r = fsim_sqldb_exec(db, "BEGIN IMMEDIATE", err, errlen)) != 0)
		return r;
	if ((h = has_hidden_column(db)) == 0)
		r = fsim_sqldb_exec(db, "ALTER TABLE credentials ADD COLUMN hidden INTEGER NOT "
		    "NULL DEFAULT 0", err, errlen);
	else if (h < 0)
		r = FSIM_ERR_IO;
	if (r == 0)
		return fsim_sqldb_exec(db, "COMMIT", err, errlen);
	/* nothing was changed; a failed rollback adds nothing to report */
	(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int
fsim_store_db_attach(fsim_store_t *s, fsim_diags_t *d)
{
	fsim_store_db_t *x = NULL;
	char err[256];
	int64_t app = 0, ver = 0;
	int r = FSIM_ERR_NOMEM;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		goto fail;
	if ((r = fsim_sqldb_open(s->path, false, &x->db, err, sizeof(err))) != 0) {
		/* a file that is not a database ("file is not a database") is a format error */
		fsim_diags_add(d, FSIM_SEV_ERROR, r == FSIM_ERR_IO ? FSIM_STORE_RULE_IO :
		    FSIM_STORE_RULE, s->path, FSIM_NO_OFFSET, "cannot open the store: %s", err);
		goto fail;
	}
	if ((r = pragma_int(x->db, "PRAGMA application_id", &app)) != 0 ||
	    (r = pragma_int(x->db, "PRAGMA user_version", &ver)) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, s->path, FSIM_NO_OFFSET,
		    "cannot read the store: %s", sqlite3_errmsg(x->db));
		goto fail;
	}
	r = FSIM_ERR_FORMAT;
	if (app != FSIM_STORE_APP_ID) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, s->path, FSIM_NO_OFFSET,
		    "an SQLite database but not a fidosim store (application_id %lld); "
		    "the file was left unchanged", (long long)app);
		goto fail;
	}
	if (ver > FSIM_STORE_DB_VERSION) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, s->path, FSIM_NO_OFFSET,
		    "store version %lld is newer than this fidosim reads (%d): use a newer "
		    "fidosim; the file was left unchanged", (long long)ver, FSIM_STORE_DB_VERSION);
		goto fail;
	}
	if (ver < 1) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, s->path, FSIM_NO_OFFSET,
		    "%lld is not a store version", (long long)ver);
		goto fail;
	}
	if ((r = fsim_sqldb_setup(x->db, err, sizeof(err))) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, r == FSIM_ERR_FORMAT ? FSIM_STORE_RULE :
		    FSIM_STORE_RULE_IO, s->path, FSIM_NO_OFFSET, "cannot open the store: %s", err);
		goto fail;
	}
	if ((r = add_hidden_column(x->db, err, sizeof(err))) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, s->path, FSIM_NO_OFFSET,
		    "cannot add the hidden column to the store: %s", err);
		goto fail;
	}
	s->db = x;
	x = NULL;
	/* read the state once now, so a damaged store is reported at open */
	if ((r = fsim_store_db_begin(s)) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, r == FSIM_ERR_FORMAT ? FSIM_STORE_RULE :
		    FSIM_STORE_RULE_IO, s->path, FSIM_NO_OFFSET, "cannot read the store's state: %s",
		    r == FSIM_ERR_FORMAT ? "the state row breaks the format" :
		    sqlite3_errmsg(s->db->db));
		fsim_store_db_close(s);
		goto fail;
	}
	fsim_store_db_rollback(s);
	r = FSIM_OK;
fail:
	if (x != NULL) {
		sqlite3_close_v2(x->db);
		free(x);
	}
	return r;
}

void
fsim_store_db_close(fsim_store_t *s)
{
	size_t i;

	if (s == NULL || s->db == NULL)
		return;
	if (s->in_txn)
		fsim_store_db_rollback(s);
	for (i = 0; i < S__COUNT; i++)
		sqlite3_finalize(s->db->st[i]);
	sqlite3_close_v2(s->db->db);
	free(s->db);
	s->db = NULL;
}

