/*
 * sqldb.c — the process-wide SQLite set-up (a wiping allocator) and the
 * one way our databases are opened. See sqldb.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sqldb.h"

/*
 * The wiping allocator. Each block carries its size in a 16-byte header
 * (which keeps the 8-byte alignment SQLite asks for), so free can wipe the
 * whole block: SQLite copies bound values and page contents, private keys
 * among them, into memory of its own and frees it without wiping.
 */
#define HDR 16

static void *
w_malloc(int n)
{
	uint8_t *p;

	if (n <= 0 || (size_t)n > SIZE_MAX - HDR || (p = malloc((size_t)n + HDR)) == NULL)
		return NULL;
	memcpy(p, &(size_t){ (size_t)n }, sizeof(size_t));
	return p + HDR;
}

static size_t
w_len(const void *q)
{
	size_t n;

	memcpy(&n, (const uint8_t *)q - HDR, sizeof(n));
	return n;
}

static void
w_free(void *q)
{
	if (q == NULL)
		return;
	fsim_wipe(q, w_len(q));
	free((uint8_t *)q - HDR);
}

static void *
w_realloc(void *q, int n)
{
	void *r;
	size_t old;

	if (q == NULL)
		return w_malloc(n);
	if ((r = w_malloc(n)) == NULL)
		return NULL;
	old = w_len(q);
	memcpy(r, q, old < (size_t)n ? old : (size_t)n);
	w_free(q);
	return r;
}

static int
w_size(void *q)
{
	return q == NULL ? 0 : (int)w_len(q);
}

static int
w_roundup(int n)
{
	return n > INT32_MAX - 7 ? n : (n + 7) & ~7;
}

static int
w_init(void *ctx)
{
	(void)ctx;
	return SQLITE_OK;
}

static void
w_shutdown(void *ctx)
{
	(void)ctx;
}

static const sqlite3_mem_methods wiping = {
	w_malloc, w_free, w_realloc, w_size, w_roundup, w_init, w_shutdown, NULL
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc = SQLITE_ERROR;

static void
init_once(void)
{
	/* MISUSE: SQLite was started by someone else first; it still works. */
	(void)sqlite3_config(SQLITE_CONFIG_MALLOC, &wiping);
	init_rc = sqlite3_initialize();
}

int
fsim_sqldb_init(void)
{
	if (pthread_once(&once, init_once) != 0)
		return FSIM_ERR_INTERNAL;
	return init_rc == SQLITE_OK ? FSIM_OK : FSIM_ERR_INTERNAL;
}

bool
fsim_sqldb_is_db(const uint8_t *head, size_t len)
{
	static const char magic[16] = "SQLite format 3";   /* and its NUL */

	return head != NULL && len >= sizeof(magic) && memcmp(head, magic, sizeof(magic)) == 0;
}

int
fsim_sqldb_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return FSIM_OK;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return FSIM_ERR_IO;
}

/* A damaged file or not a database at all is a format error, anything else I/O. */
static int
format_or_io(sqlite3 *db)
{
	int rc = sqlite3_errcode(db) & 0xff;

	return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? FSIM_ERR_FORMAT : FSIM_ERR_IO;
}

int
fsim_sqldb_open(const char *path, bool create, sqlite3 **out, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	    (create ? SQLITE_OPEN_CREATE : 0);
	int r = FSIM_ERR_INTERNAL, rc;

	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (fsim_sqldb_init() != 0) {
		if (err != NULL)
			snprintf(err, errlen, "SQLite did not start");
		return r;
	}
	r = FSIM_ERR_IO;
	if ((rc = sqlite3_open_v2(path, &db, flags, NULL)) != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
			r = FSIM_ERR_FORMAT;
		if (err != NULL)
			snprintf(err, errlen, "%s", db != NULL ? sqlite3_errmsg(db) :
			    sqlite3_errstr(rc));
		goto fail;
	}
	(void)sqlite3_extended_result_codes(db, 1);
	if (sqlite3_busy_timeout(db, FSIM_SQLDB_BUSY_MS) != SQLITE_OK) {
		if (err != NULL)
			snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		goto fail;
	}
	/* the header is read now: a file that is not a database fails here, untouched */
	if ((r = fsim_sqldb_exec(db, "PRAGMA schema_version", err, errlen)) != 0) {
		r = format_or_io(db);
		goto fail;
	}
	*out = db;
	db = NULL;
	r = FSIM_OK;
fail:
	sqlite3_close_v2(db);
	return r;
}

int
fsim_sqldb_setup(sqlite3 *db, char *err, size_t errlen)
{
	if (fsim_sqldb_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
	    "PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON", err, errlen) != 0)
		return format_or_io(db);
	return FSIM_OK;
}

int
fsim_sqldb_bind_blob(sqlite3_stmt *st, int i, const uint8_t *p, size_t n)
{
	static const uint8_t empty[1];

	if (n > INT32_MAX)
		return SQLITE_TOOBIG;
	return sqlite3_bind_blob(st, i, n > 0 ? p : empty, (int)n, SQLITE_TRANSIENT);
}

int
fsim_sqldb_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}
