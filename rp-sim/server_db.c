/*
 * server_db.c — what `fidosim serve` keeps: users, credentials and the
 * reports of verifications, in one SQLite database (core/sqldb.h: WAL,
 * synchronous=FULL, busy timeout): DATA_DIR/serve.db with --data, else an
 * in-memory database. Sessions (the ceremonies in progress) stay in the
 * process (server.c).
 *
 * Any number of serve processes may share a data folder: every change is
 * one transaction begun with BEGIN IMMEDIATE, and the checks a change
 * depends on (the credential ID is new, the signCount moved as the
 * verification saw it) are made again inside it.
 *
 * Changes go by group commit (server_commit.c): one commit, one fsync,
 * for every ceremony that waits for one, and a credential is on disk
 * before its ceremony is answered.
 *
 * A credentials.json of earlier versions in the folder is imported at the
 * first start (strictly, as it was read; a file that does not parse stops
 * the server and is left as it is) and then renamed credentials.json-backup.
 *
 * Schema (application_id 'fsrv', user_version 1):
 *   users(username, user_id, created)
 *   credentials(seq, id, username, created, discoverable, sign_count, record)
 *   reports(id, time, summary, report)   the newest FSIM_SERVER_MAX_REPORTS
 *   meta(k, v)                           "json_imported"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rp-sim/server_db.h"
#include "core/json_dump.h"

#define DB_FILE "serve.db"
#define JSON_FILE "credentials.json"
#define JSON_BACKUP "credentials.json-backup"
#define JSON_MAX (64u << 20)
#define APP_ID 0x66737276            /* "fsrv" */
#define DB_VERSION 1

static const char schema[] =
"CREATE TABLE IF NOT EXISTS users (username TEXT PRIMARY KEY, user_id BLOB NOT NULL,"
"  created INTEGER NOT NULL);"
"CREATE TABLE IF NOT EXISTS credentials (seq INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE,"
"  username TEXT NOT NULL, created INTEGER NOT NULL, discoverable INTEGER,"
"  sign_count INTEGER NOT NULL, record TEXT NOT NULL);"
"CREATE INDEX IF NOT EXISTS credentials_user ON credentials (username, seq);"
"CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
"  summary TEXT NOT NULL, report TEXT NOT NULL);"
"CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);";

/* ---- small helpers ---- */

/* A one-off statement: sqlite3_finalize it. */
static int
prep_once(sqlite3 *db, const char *q, sqlite3_stmt **st)
{
	*st = NULL;
	return sqlite3_prepare_v2(db, q, -1, st, NULL) == SQLITE_OK ? FSIM_OK : FSIM_ERR_IO;
}

/*
 * A statement of q on db, prepared once and kept: fsim_srvdb_done() it after use.
 * The read connection's are used under rlock, the writer's by the commit
 * leader (in memory both are one, under rlock), so neither cache is shared.
 */
int
fsim_srvdb_prep(struct srv_db *x, sqlite3 *db, const char *q, sqlite3_stmt **st)
{
	struct stmt_cache *c = db == x->rdb && db != x->wdb ? x->rcache : x->wcache;
	size_t i;

	*st = NULL;
	for (i = 0; i < STMT_CACHE && c[i].sql != NULL; i++)
		if (c[i].sql == q) {
			*st = c[i].st;
			return FSIM_OK;
		}
	if (sqlite3_prepare_v3(db, q, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return FSIM_ERR_IO;
	}
	if (i < STMT_CACHE) {
		c[i].sql = q;
		c[i].st = *st;
	}
	return FSIM_OK;
}

/* After a cached statement: ready for the next use (an uncached one is finalized). */
void
fsim_srvdb_done(struct srv_db *x, sqlite3_stmt *st)
{
	size_t i;

	if (st == NULL)
		return;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (i = 0; i < STMT_CACHE; i++)
		if (x->rcache[i].st == st || x->wcache[i].st == st)
			return;
	sqlite3_finalize(st);
}

char *
fsim_srvdb_dump(const json_t *j)
{
	return j != NULL ? fsim_json_dumps(j, JSON_COMPACT, NULL) : NULL;
}

static json_t *
col_json(sqlite3_stmt *st, int i)
{
	const void *t = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);

	if (t == NULL || n < 0)
		return NULL;
	return json_loadb(t, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
}

/* ---- reads ---- */

void
fsim_srvdb_rd_lock(fsim_server_t *s)
{
	pthread_mutex_lock(&s->db->rlock);
}

void
fsim_srvdb_rd_unlock(fsim_server_t *s)
{
	pthread_mutex_unlock(&s->db->rlock);
}

/* The columns username, created, discoverable, record, id of a row into *c. */
static int
row_cred(sqlite3_stmt *st, srv_cred_t *c)
{
	const unsigned char *u = sqlite3_column_text(st, 0);
	const void *id = sqlite3_column_blob(st, 4);
	int idn = sqlite3_column_bytes(st, 4);

	memset(c, 0, sizeof(*c));
	if (u == NULL || strlen((const char *)u) > FSIM_SERVER_USERNAME_MAX || id == NULL ||
	    idn <= 0)
		return FSIM_ERR_FORMAT;
	snprintf(c->username, sizeof(c->username), "%s", (const char *)u);
	c->created = sqlite3_column_int64(st, 1);
	c->discoverable = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 2) != 0;
	if ((c->record = col_json(st, 3)) == NULL || !json_is_object(c->record))
		goto fail;
	if (fsim_blob_set(&c->id, id, (size_t)idn) != 0)
		goto fail;
	return FSIM_OK;
fail:
	fsim_srv_cred_reset(c);
	return FSIM_ERR_FORMAT;
}

void
fsim_srv_cred_reset(srv_cred_t *c)
{
	if (c == NULL)
		return;
	fsim_blob_reset(&c->id);
	json_decref(c->record);
	memset(c, 0, sizeof(*c));
}

int
fsim_srv_db_cred_get(fsim_server_t *s, const uint8_t *id, size_t len, srv_cred_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc, r = FSIM_ERR_IO;

	memset(out, 0, sizeof(*out));
	fsim_srvdb_rd_lock(s);
	if (fsim_srvdb_prep(s->db, s->db->rdb, "SELECT username, created, discoverable, record, id FROM "
	    "credentials WHERE id = ?1", &st) != 0 ||
	    fsim_sqldb_bind_blob(st, 1, id, len) != SQLITE_OK)
		goto out;
	rc = sqlite3_step(st);
	r = rc == SQLITE_ROW ? row_cred(st, out) : rc == SQLITE_DONE ? FSIM_ERR_NOT_FOUND :
	    FSIM_ERR_IO;
	if (r == FSIM_OK)
		fsim_srv_user_id(out->username, out->user_id);
out:
	fsim_srvdb_done(s->db, st);
	fsim_srvdb_rd_unlock(s);
	return r;
}

int
fsim_srv_db_user_creds(fsim_server_t *s, const char *username, srv_cred_t *out, size_t max,
    size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc, r = FSIM_ERR_IO;

	*n = 0;
	fsim_srvdb_rd_lock(s);
	/*
	 * Newest first, as webauthn.io's "last 64". Options need the IDs and
	 * transports only: SQLite takes these out of the records, so 64 whole
	 * records are not parsed for every options request.
	 */
	if (fsim_srvdb_prep(s->db, s->db->rdb, "SELECT username, created, discoverable, json_object('transports', "
	    "json(coalesce(json_extract(record, '$.transports'), '[]'))), id FROM credentials "
	    "WHERE username = ?1 ORDER BY seq DESC LIMIT ?2", &st) != 0 ||
	    fsim_sqldb_bind_text(st, 1, username) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)max) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		if ((r = row_cred(st, &out[*n])) != 0)
			goto out;
		(*n)++;
	}
	r = rc == SQLITE_DONE || rc == SQLITE_ROW ? FSIM_OK : FSIM_ERR_IO;
out:
	if (r != 0) {
		while (*n > 0)
			fsim_srv_cred_reset(&out[--(*n)]);
	}
	fsim_srvdb_done(s->db, st);
	fsim_srvdb_rd_unlock(s);
	return r;
}

int
fsim_srv_db_cred_count(fsim_server_t *s, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int r = FSIM_ERR_IO;

	*n = 0;
	fsim_srvdb_rd_lock(s);
	if (fsim_srvdb_prep(s->db, s->db->rdb, "SELECT count(*) FROM credentials", &st) == 0 &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_int64(st, 0);
		r = FSIM_OK;
	}
	fsim_srvdb_done(s->db, st);
	fsim_srvdb_rd_unlock(s);
	return r;
}

json_t *
fsim_srv_db_report_get(fsim_server_t *s, long id)
{
	sqlite3_stmt *st = NULL;
	json_t *e = NULL, *rep = NULL;

	fsim_srvdb_rd_lock(s);
	if (fsim_srvdb_prep(s->db, s->db->rdb, "SELECT summary, report FROM reports WHERE id = ?1", &st) == 0 &&
	    sqlite3_bind_int64(st, 1, id) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    (e = col_json(st, 0)) != NULL && (rep = col_json(st, 1)) != NULL) {
		if (json_object_set_new(e, "report", rep) != 0 ||
		    json_object_set_new(e, "id", json_integer(id)) != 0) {
			json_decref(e);
			e = NULL;
		}
		rep = NULL;
	}
	json_decref(rep);
	fsim_srvdb_done(s->db, st);
	fsim_srvdb_rd_unlock(s);
	return e;
}

json_t *
fsim_srv_db_report_list(fsim_server_t *s)
{
	sqlite3_stmt *st = NULL;
	json_t *arr = json_array(), *e;
	int rc;

	if (arr == NULL)
		return NULL;
	fsim_srvdb_rd_lock(s);
	if (fsim_srvdb_prep(s->db, s->db->rdb, "SELECT id, summary FROM (SELECT id, summary FROM reports "
	    "ORDER BY id DESC LIMIT ?1) ORDER BY id", &st) != 0 ||
	    sqlite3_bind_int(st, 1, FSIM_SERVER_MAX_REPORTS) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = col_json(st, 1)) == NULL)
			continue;
		if (json_object_set_new(e, "id", json_integer(sqlite3_column_int64(st, 0))) != 0 ||
		    json_array_append_new(arr, e) != 0)
			goto fail;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	fsim_srvdb_done(s->db, st);
	fsim_srvdb_rd_unlock(s);
	return arr;
fail:
	fsim_srvdb_done(s->db, st);
	fsim_srvdb_rd_unlock(s);
	json_decref(arr);
	return NULL;
}

/* ---- opening ---- */

/* The entries of an earlier version's credentials.json into the open transaction. */
static int
import_json(struct srv_db *x, sqlite3 *db, const char *path, char *err, size_t errlen)
{
	fsim_blob_t in = { NULL, 0 };
	json_t *root = NULL, *arr, *e;
	fsim_diags_t d;
	srv_write_t w;
	size_t i;
	int r = FSIM_ERR_FORMAT;

	fsim_diags_init(&d);
	if ((r = fsim_read_file(path, JSON_MAX, &in)) != 0) {
		snprintf(err, errlen, "%s: cannot read it: %s", path, r == FSIM_ERR_ARG ||
		    r == FSIM_ERR_FORMAT ? "it is over 64 MiB" : strerror(errno));
		r = FSIM_ERR_IO;
		goto fail;
	}
	r = FSIM_ERR_FORMAT;
	if (fsim_json_load(in.ptr, in.len, &root, NULL, "credentials") != 0 ||
	    !json_is_object(root) || json_integer_value(json_object_get(root, "version")) != 1 ||
	    !json_is_array(arr = json_object_get(root, "credentials"))) {
		snprintf(err, errlen, "%s: not a fidosim serve credentials file (version 1); "
		    "left as it is", path);
		goto fail;
	}
	json_array_foreach(arr, i, e) {
		srv_cred_t c;
		fsim_cred_record_t *rec = NULL;
		const json_t *u = json_object_get(e, "username");
		const json_t *disc = json_object_get(e, "discoverable");

		memset(&c, 0, sizeof(c));
		if (!json_is_string(u) || fsim_srv_username_chars(json_string_value(u),
		    json_string_length(u)) < 0 ||
		    fsim_record_from_json(json_object_get(e, "record"), &rec, &d) != 0) {
			snprintf(err, errlen, "%s: credentials[%zu] is not a valid entry "
			    "(username, record); left as it is", path, i);
			goto fail;
		}
		snprintf(c.username, sizeof(c.username), "%s", json_string_value(u));
		fsim_srv_user_id(c.username, c.user_id);
		c.created = (long long)json_integer_value(json_object_get(e, "created"));
		c.discoverable = json_is_boolean(disc) ? json_is_true(disc) : -1;
		c.record = json_object_get(e, "record");
		c.id = rec->id;
		memset(&w, 0, sizeof(w));
		w.kind = SRV_WRITE_ADD_CRED;
		w.cred = &c;
		r = fsim_srvdb_add_cred(x, db, &w);
		fsim_record_free(&rec);
		if (r != 0) {
			snprintf(err, errlen, "%s: credentials[%zu] %s; left as it is", path, i,
			    r == FSIM_ERR_FORMAT ? "repeats a credential ID" :
			    r == FSIM_ERR_ARG ? "is one too many" : "could not be stored");
			r = r == FSIM_ERR_IO ? FSIM_ERR_IO : FSIM_ERR_FORMAT;
			goto fail;
		}
	}
	r = FSIM_OK;
fail:
	json_decref(root);
	fsim_blob_reset(&in);
	fsim_diags_clear(&d);
	return r;
}

static int
pragma_int(sqlite3 *db, const char *q, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int r = FSIM_ERR_IO;

	if (prep_once(db, q, &st) == 0 && sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		r = FSIM_OK;
	}
	sqlite3_finalize(st);
	return r;
}

/* Before anything is written: a database someone else made is left as it is. */
static int
check_db(sqlite3 *db, char *err, size_t errlen)
{
	int64_t app = 0, ver = 0;

	if (pragma_int(db, "PRAGMA application_id", &app) != 0 ||
	    pragma_int(db, "PRAGMA user_version", &ver) != 0) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return FSIM_ERR_IO;
	}
	if (app == 0 && ver == 0 && pragma_int(db, "SELECT count(*) FROM sqlite_master",
	    &ver) == 0 && ver > 0)
		app = -1;   /* tables, and no mark of ours: someone else's */
	if ((app != 0 || ver != 0) && app != APP_ID) {
		snprintf(err, errlen, "an SQLite database but not fidosim serve's; left as it is");
		return FSIM_ERR_FORMAT;
	}
	return FSIM_OK;
}

/* Make the schema (or check it is ours) and import a JSON file, in one transaction. */
static int
setup_db(struct srv_db *x, sqlite3 *db, const char *dir, char *err, size_t errlen)
{
	char jpath[4200], bpath[4200], pragma[96];
	sqlite3_stmt *st = NULL;
	struct stat stt;
	int64_t app = 0, ver = 0;
	bool imported = false, have_json;
	int r;

	if ((r = fsim_sqldb_exec(db, "BEGIN IMMEDIATE", err, errlen)) != 0)
		return r;
	if ((r = pragma_int(db, "PRAGMA application_id", &app)) != 0 ||
	    (r = pragma_int(db, "PRAGMA user_version", &ver)) != 0)
		goto fail;
	r = FSIM_ERR_FORMAT;
	if (app == 0 && ver == 0) {
		snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d; PRAGMA "
		    "user_version = %d", APP_ID, DB_VERSION);
		if ((r = fsim_sqldb_exec(db, pragma, err, errlen)) != 0)
			goto fail;
	} else if (app != APP_ID) {
		snprintf(err, errlen, "an SQLite database but not fidosim serve's; left as it is");
		goto fail;
	} else if (ver > DB_VERSION) {
		snprintf(err, errlen, "made by a newer fidosim (version %lld; this one reads %d); "
		    "left as it is", (long long)ver, DB_VERSION);
		goto fail;
	}
	if ((r = fsim_sqldb_exec(db, schema, err, errlen)) != 0)
		goto fail;
	r = FSIM_ERR_IO;
	if (dir != NULL) {
		snprintf(jpath, sizeof(jpath), "%s/%s", dir, JSON_FILE);
		snprintf(bpath, sizeof(bpath), "%s/%s", dir, JSON_BACKUP);
		have_json = stat(jpath, &stt) == 0;
		if (prep_once(db, "SELECT 1 FROM meta WHERE k = 'json_imported'", &st) != 0)
			goto fail;
		imported = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (have_json && !imported) {
			if ((r = import_json(x, db, jpath, err, errlen)) != 0)
				goto fail;
			r = FSIM_ERR_IO;
			if (fsim_srvdb_exec(db, "INSERT INTO meta (k, v) VALUES ('json_imported', '1')") != 0)
				goto fail;
		}
		if ((r = fsim_sqldb_exec(db, "COMMIT", err, errlen)) != 0)
			goto fail;
		/* imported (now or by an earlier start cut short): keep it as the backup */
		if (have_json && rename(jpath, bpath) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "%s: imported, but cannot rename it to %s: %s", jpath,
			    JSON_BACKUP, strerror(errno));
			return FSIM_ERR_IO;
		}
		return FSIM_OK;
	}
	return fsim_sqldb_exec(db, "COMMIT", err, errlen);
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	(void)fsim_srvdb_exec(db, "ROLLBACK");
	return r;
}

int
fsim_srv_db_open(fsim_server_t *s, char *err, size_t errlen)
{
	struct srv_db *x;
	char path[4200], why[8192];
	struct stat st;
	int fd, r = FSIM_ERR_NOMEM;

	why[0] = '\0';
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return r;
	}
	pthread_mutex_init(&x->rlock, NULL);
	pthread_mutex_init(&x->qlock, NULL);
	pthread_cond_init(&x->qcond, NULL);
	s->db = x;
	if (s->data_dir == NULL) {
		x->memory = true;
		if ((r = fsim_sqldb_open(":memory:", true, &x->wdb, why, sizeof(why))) != 0 ||
		    (r = fsim_sqldb_setup(x->wdb, why, sizeof(why))) != 0 ||
		    (r = setup_db(x, x->wdb, NULL, why, sizeof(why))) != 0) {
			snprintf(err, errlen, "cannot make the in-memory database: %s", why);
			return r;
		}
		x->rdb = x->wdb;
		return FSIM_OK;
	}
	r = FSIM_ERR_IO;
	if (mkdir(s->data_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "--data %s: cannot create the folder: %s", s->data_dir,
		    strerror(errno));
		return r;
	}
	if (stat(s->data_dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(s->data_dir, W_OK) != 0) {
		snprintf(err, errlen, "--data %s: not a writable folder", s->data_dir);
		return r;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", s->data_dir, DB_FILE) >= sizeof(path)) {
		snprintf(err, errlen, "--data: path too long");
		return FSIM_ERR_ARG;
	}
	/* SQLite would make it 0644 less the umask; the -wal and -shm files take its mode */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 ||
	    fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fchmod(fd, 0600) != 0) {
		snprintf(err, errlen, "%s: cannot create it: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	close(fd);
	if ((r = fsim_sqldb_open(path, false, &x->wdb, why, sizeof(why))) != 0 ||
	    (r = check_db(x->wdb, why, sizeof(why))) != 0 ||
	    (r = fsim_sqldb_setup(x->wdb, why, sizeof(why))) != 0 ||
	    (r = setup_db(x, x->wdb, s->data_dir, why, sizeof(why))) != 0 ||
	    (r = fsim_sqldb_open(path, false, &x->rdb, why, sizeof(why))) != 0) {
		snprintf(err, errlen, "%s%s%s", strncmp(why, s->data_dir, strlen(s->data_dir)) ==
		    0 ? "" : path, strncmp(why, s->data_dir, strlen(s->data_dir)) == 0 ? "" :
		    ": ", why);
		return r;
	}
	return FSIM_OK;
}

void
fsim_srv_db_close(fsim_server_t *s)
{
	struct srv_db *x;
	size_t i;

	if (s == NULL || (x = s->db) == NULL)
		return;
	for (i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(x->rcache[i].st);
		sqlite3_finalize(x->wcache[i].st);
	}
	if (x->rdb != x->wdb)
		sqlite3_close_v2(x->rdb);
	sqlite3_close_v2(x->wdb);
	pthread_mutex_destroy(&x->rlock);
	pthread_mutex_destroy(&x->qlock);
	pthread_cond_destroy(&x->qcond);
	free(x);
	s->db = NULL;
}
