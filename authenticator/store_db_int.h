/*
 * store_db_int.h — what store_db.c (the operations) and store_db_open.c
 * (making and opening the database) share: the prepared statements and how
 * a credential row is bound.
 */
#ifndef FSIM_AUTHENTICATOR_STORE_DB_INT_H
#define FSIM_AUTHENTICATOR_STORE_DB_INT_H

#include <sqlite3.h>

#include "authenticator/store_int.h"

enum {
	S_BEGIN, S_COMMIT, S_ROLLBACK, S_STATE_GET, S_STATE_PUT,
	S_CRED_GET, S_CRED_RP, S_CRED_RP_COUNT, S_CRED_ALL, S_CRED_ADD, S_CRED_UPD,
	S_CRED_DEL, S_CRED_DEL_USER, S_CRED_DEL_ALL,
	S_IDC_GET, S_IDC_PUT, S_IDC_ALL, S_IDC_DEL_ALL,
	S_BLOB_PUT, S_BLOB_ALL,
	S__COUNT
};

/* The statements' SQL, by S_* (store_db.c). */
extern const char *const fsim_store_db_sql[S__COUNT];

struct fsim_store_db {
	sqlite3 *db;
	sqlite3_stmt *st[S__COUNT];
};

/* Bind every column of c to an S_CRED_ADD statement (?1..?19). */
int fsim_store_db_bind_cred(sqlite3_stmt *st, const fsim_cred_t *c) FSIM_WUR;

#endif /* !FSIM_AUTHENTICATOR_STORE_DB_INT_H */
