/*
 * server_commit.c — changes to serve's database (server_db.c), applied by
 * group commit: a ceremony's change is a job put on a queue; whichever
 * waiting thread finds no commit in progress takes every queued job,
 * applies them in one transaction (BEGIN IMMEDIATE; a savepoint each, so
 * one job's failure is its own; the checks a change depends on made again
 * inside it) and commits once, durably; then each job's thread answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rp-sim/server_db.h"


int
fsim_srvdb_exec(sqlite3 *db, const char *q)
{
	return fsim_sqldb_exec(db, q, NULL, 0);
}

int
fsim_srvdb_add_cred(struct srv_db *x, sqlite3 *db, srv_write_t *w)
{
	sqlite3_stmt *st = NULL;
	const srv_cred_t *c = w->cred;
	char *rec = NULL;
	int64_t n = 0;
	int r = FSIM_ERR_IO;

	/* §7.1 step 26: a credential ID registered already is refused (here, or by another serve). */
	if (fsim_srvdb_prep(x, db, "SELECT (SELECT count(*) FROM credentials WHERE id = ?1), "
	    "(SELECT coalesce(max(seq), 0) FROM credentials)", &st) != 0 ||
	    fsim_sqldb_bind_blob(st, 1, c->id.ptr, c->id.len) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto out;
	if (sqlite3_column_int64(st, 0) != 0) {
		r = FSIM_ERR_FORMAT;
		goto out;
	}
	/* no credential is ever deleted: the highest seq is how many there are */
	n = sqlite3_column_int64(st, 1);
	if (n >= FSIM_SERVER_MAX_CREDS) {
		r = FSIM_ERR_ARG;
		goto out;
	}
	fsim_srvdb_done(x, st);
	if ((rec = fsim_srvdb_dump(c->record)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto out;
	}
	if (fsim_srvdb_prep(x, db, "INSERT INTO users (username, user_id, created) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (username) DO NOTHING", &st) != 0 ||
	    fsim_sqldb_bind_text(st, 1, c->username) != SQLITE_OK ||
	    fsim_sqldb_bind_blob(st, 2, c->user_id, sizeof(c->user_id)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, c->created) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		goto out;
	fsim_srvdb_done(x, st);
	if (fsim_srvdb_prep(x, db, "INSERT INTO credentials (id, username, created, discoverable, sign_count, "
	    "record) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st) != 0 ||
	    fsim_sqldb_bind_blob(st, 1, c->id.ptr, c->id.len) != SQLITE_OK ||
	    fsim_sqldb_bind_text(st, 2, c->username) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, c->created) != SQLITE_OK ||
	    (c->discoverable < 0 ? sqlite3_bind_null(st, 4) :
	    sqlite3_bind_int(st, 4, c->discoverable)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, json_integer_value(json_object_get(c->record,
	    "signCount"))) != SQLITE_OK ||
	    fsim_sqldb_bind_text(st, 6, rec) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		goto out;
	r = FSIM_OK;
out:
	fsim_srvdb_done(x, st);
	free(rec);
	return r;
}

static int
job_update(struct srv_db *x, sqlite3 *db, srv_write_t *w)
{
	sqlite3_stmt *st = NULL;
	char *rec = NULL;
	int64_t now;
	int rc, r = FSIM_ERR_IO;

	if (fsim_srvdb_prep(x, db, "SELECT sign_count FROM credentials WHERE id = ?1", &st) != 0 ||
	    fsim_sqldb_bind_blob(st, 1, w->id, w->id_len) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		r = FSIM_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	now = sqlite3_column_int64(st, 0);
	fsim_srvdb_done(x, st);
	st = NULL;
	/* Another assertion of this credential was accepted meanwhile (here or elsewhere). */
	if (now != w->count0 && w->new_count != 0 && (int64_t)w->new_count <= now) {
		w->stored_count = now;
		r = FSIM_ERR_SIGNATURE;
		goto out;
	}
	if ((rec = fsim_srvdb_dump(w->record)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto out;
	}
	if (fsim_srvdb_prep(x, db, "UPDATE credentials SET record = ?2, sign_count = ?3 WHERE id = ?1",
	    &st) != 0 || fsim_sqldb_bind_blob(st, 1, w->id, w->id_len) != SQLITE_OK ||
	    fsim_sqldb_bind_text(st, 2, rec) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, w->new_count) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		goto out;
	r = FSIM_OK;
out:
	fsim_srvdb_done(x, st);
	free(rec);
	return r;
}

static int
job_report(struct srv_db *x, sqlite3 *db, srv_write_t *w)
{
	sqlite3_stmt *st = NULL;
	json_t *sum = NULL;
	const char *k;
	json_t *v;
	char *ts = NULL, *tr = NULL;
	int r = FSIM_ERR_NOMEM;

	if ((sum = json_object()) == NULL)
		goto out;
	json_object_foreach(w->report, k, v)
		if (strcmp(k, "report") != 0 && json_object_set(sum, k, v) != 0)
			goto out;
	if ((ts = fsim_srvdb_dump(sum)) == NULL || (tr = fsim_srvdb_dump(json_object_get(w->report, "report"))) == NULL)
		goto out;
	r = FSIM_ERR_IO;
	if (fsim_srvdb_prep(x, db, "INSERT INTO reports (time, summary, report) VALUES (?1, ?2, ?3)", &st) != 0 ||
	    sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(w->report, "time"))) !=
	    SQLITE_OK || fsim_sqldb_bind_text(st, 2, ts) != SQLITE_OK ||
	    fsim_sqldb_bind_text(st, 3, tr) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		goto out;
	w->report_id = (long)sqlite3_last_insert_rowid(db);
	fsim_srvdb_done(x, st);
	/* a ring of the newest: older ones go */
	if (fsim_srvdb_prep(x, db, "DELETE FROM reports WHERE id <= ?1", &st) != 0 ||
	    sqlite3_bind_int64(st, 1, (sqlite3_int64)w->report_id - FSIM_SERVER_MAX_REPORTS) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_DONE)
		goto out;
	r = FSIM_OK;
out:
	fsim_srvdb_done(x, st);
	json_decref(sum);
	free(ts);
	free(tr);
	return r;
}

/* One job inside the batch's transaction, under a savepoint of its own. */
static void
apply_job(struct srv_db *x, sqlite3 *db, srv_write_t *w)
{
	int r = FSIM_OK;

	w->report_id = 0;
	if (fsim_srvdb_exec(db, "SAVEPOINT job") != 0) {
		w->result = FSIM_ERR_IO;
		return;
	}
	if (w->kind == SRV_WRITE_ADD_CRED)
		r = fsim_srvdb_add_cred(x, db, w);
	else if (w->kind == SRV_WRITE_UPDATE)
		r = job_update(x, db, w);
	w->result = r;
	/* the report is filed whatever came of the change (it says so) */
	if (w->report != NULL && (r = job_report(x, db, w)) != 0 && w->result == FSIM_OK) {
		w->result = r;
		w->report_id = 0;
	}
	if (w->result == FSIM_OK || w->result == FSIM_ERR_FORMAT ||
	    w->result == FSIM_ERR_ARG || w->result == FSIM_ERR_SIGNATURE ||
	    w->result == FSIM_ERR_NOT_FOUND)
		(void)fsim_srvdb_exec(db, "RELEASE job");
	else
		(void)(fsim_srvdb_exec(db, "ROLLBACK TO job") | fsim_srvdb_exec(db, "RELEASE job"));
}

static void
apply_batch(fsim_server_t *s, srv_write_t *batch)
{
	sqlite3 *db = s->db->wdb;
	srv_write_t *w;
	int r;

	if (s->db->memory)
		fsim_srvdb_rd_lock(s);
	if ((r = fsim_srvdb_exec(db, "BEGIN IMMEDIATE")) == 0) {
		for (w = batch; w != NULL; w = w->next)
			apply_job(s->db, db, w);
		if ((r = fsim_srvdb_exec(db, "COMMIT")) != 0)
			(void)fsim_srvdb_exec(db, "ROLLBACK");
	}
	if (s->db->memory)
		fsim_srvdb_rd_unlock(s);
	if (r != 0)
		for (w = batch; w != NULL; w = w->next) {
			w->result = FSIM_ERR_IO;
			w->report_id = 0;
		}
}

int
fsim_srv_db_write(fsim_server_t *s, srv_write_t *w)
{
	struct srv_db *x = s->db;
	srv_write_t *batch;

	w->next = NULL;
	w->done = false;
	pthread_mutex_lock(&x->qlock);
	if (x->tail != NULL)
		x->tail->next = w;
	else
		x->head = w;
	x->tail = w;
	while (!w->done) {
		if (x->leading) {
			pthread_cond_wait(&x->qcond, &x->qlock);
			continue;
		}
		/* Lead: everything queued goes in one transaction, one commit. */
		x->leading = true;
		batch = x->head;
		x->head = x->tail = NULL;
		pthread_mutex_unlock(&x->qlock);
		apply_batch(s, batch);
		pthread_mutex_lock(&x->qlock);
		for (; batch != NULL; batch = batch->next)
			batch->done = true;
		x->leading = false;
		pthread_cond_broadcast(&x->qcond);
	}
	pthread_mutex_unlock(&x->qlock);
	return w->result == FSIM_ERR_IO ? FSIM_ERR_IO : FSIM_OK;
}

