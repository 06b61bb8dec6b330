/*
 * server_db.h — what server_db.c (opening, importing, reads) and
 * server_commit.c (changes, group commit) share. Not for other files.
 */
#ifndef FSIM_SERVER_DB_H
#define FSIM_SERVER_DB_H

#include "core/sqldb.h"
#include "rp-sim/server_int.h"

/* Prepared statements, kept per connection (preparing costs more than running). */
#define STMT_CACHE 16
struct stmt_cache {
	const char *sql;                /* a string literal: its address is its key */
	sqlite3_stmt *st;
};

struct srv_db {
	struct stmt_cache rcache[STMT_CACHE], wcache[STMT_CACHE];
	sqlite3 *wdb;                   /* the writer: used by the commit leader only */
	sqlite3 *rdb;                   /* reads; == wdb in memory */
	pthread_mutex_t rlock;          /* rdb (and, in memory, wdb too) */
	bool memory;
	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	srv_write_t *head, *tail;       /* queued jobs */
	bool leading;                   /* a commit is in progress */
};

/* A statement of q on db, prepared once and kept per connection: done() it after use. */
int fsim_srvdb_prep(struct srv_db *x, sqlite3 *db, const char *q, sqlite3_stmt **st) FSIM_WUR;
void fsim_srvdb_done(struct srv_db *x, sqlite3_stmt *st);
int fsim_srvdb_exec(sqlite3 *db, const char *q);
char *fsim_srvdb_dump(const json_t *j);          /* compact JSON text, malloc'd */
void fsim_srvdb_rd_lock(fsim_server_t *s);
void fsim_srvdb_rd_unlock(fsim_server_t *s);
/* The ADD_CRED change inside the open transaction (also the import's). */
int fsim_srvdb_add_cred(struct srv_db *x, sqlite3 *db, srv_write_t *w) FSIM_WUR;

#endif /* !FSIM_SERVER_DB_H */
