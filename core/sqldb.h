/*
 * sqldb.h — what the two SQLite stores share (the authenticator's,
 * authenticator/store_db.c, and serve's, rp-sim/server_db.c): one
 * process-wide set-up, and opening a database file the same way.
 *
 * Every database is opened in WAL mode (readers never wait for the writer),
 * synchronous=FULL (a commit is on disk before it returns: a ceremony is
 * answered only after its credential is durable), with a busy timeout, so
 * any number of processes can share one file; a writer takes the lock at
 * the start of its transaction (BEGIN IMMEDIATE), so the read-modify-write
 * of a counter can never interleave with another's.
 */
#ifndef FSIM_SQLDB_H
#define FSIM_SQLDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "core/util.h"

/* How long a writer waits for another's transaction before giving up. */
#define FSIM_SQLDB_BUSY_MS 60000

/*
 * Once per process, before any other SQLite call: SQLite's memory comes
 * from an allocator that wipes every block when it is freed, so keys read
 * from or bound into statements do not linger in freed memory. Idempotent
 * and thread-safe; 0, or FSIM_ERR_INTERNAL when SQLite cannot start.
 */
int fsim_sqldb_init(void) FSIM_WUR;

/* Do the first bytes of a file say "SQLite format 3"? */
bool fsim_sqldb_is_db(const uint8_t *head, size_t len);

/*
 * Open the database at path (it must exist unless create) read-write with
 * the busy timeout, and read its header, changing nothing (so a caller can
 * check what the file is first). On failure *err names the cause (err may
 * be NULL) and *out stays NULL: FSIM_ERR_FORMAT when the file is not a
 * database or is damaged, FSIM_ERR_IO otherwise.
 */
int fsim_sqldb_open(const char *path, bool create, sqlite3 **out, char *err,
    size_t errlen) FSIM_WUR;
/* Then: WAL mode, synchronous=FULL, secure_delete on. Errors as above. */
int fsim_sqldb_setup(sqlite3 *db, char *err, size_t errlen) FSIM_WUR;

/* Run SQL without results; FSIM_ERR_IO with the message in err on failure. */
int fsim_sqldb_exec(sqlite3 *db, const char *sql, char *err, size_t errlen) FSIM_WUR;

/* Bind bytes; an empty value is bound as an empty blob, never as NULL. */
int fsim_sqldb_bind_blob(sqlite3_stmt *st, int i, const uint8_t *p, size_t n);
/* A text (NULL binds SQL NULL). */
int fsim_sqldb_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif /* !FSIM_SQLDB_H */
