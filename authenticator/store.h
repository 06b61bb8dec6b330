/*
 * store.h — the authenticator's persistent state: one SQLite database file
 * (mode 0600, as its -wal and -shm files), versioned, that any number of
 * processes share safely (CLI create/get, `authenticator --listen`, run):
 * every operation is one transaction, begun before its first read with the
 * writer lock held (BEGIN IMMEDIATE, waiting up to FSIM_SQLDB_BUSY_MS for
 * another writer) and committed durably (WAL, synchronous=FULL) before the
 * operation answers, so a counter is read, advanced and signed by one
 * process at a time and never goes back. A store that does not open is
 * reported and left untouched, never overwritten. A JSON store of earlier
 * versions at the path is imported on first open, the JSON file kept as
 * "<path>.json-backup"; fsim_store_export_json gives that format back.
 *
 * It holds the credential-wrapping key, the test attestation CA, the global
 * signature counter, discoverable credentials (and non-discoverable ones
 * whose key cannot be wrapped into an ID), and per-credential counters of
 * wrapped credentials (keyed by SHA-256 of the credential ID).
 */
#ifndef FSIM_STORE_H
#define FSIM_STORE_H

#include <stdint.h>
#include "authenticator/env.h"
#include "core/util.h"

#define FSIM_STORE_VERSION 1

/*
 * Limits, checked by fsim_store_add_cred / fsim_store_set_blob and again
 * when a store is loaded, so whatever can be added can be saved and read
 * back. The credential ID limit is the largest credentialIdLength can say
 * (WebAuthn 6.5.1), not WebAuthn's 1023: quirks (credential-id-1024) make
 * longer IDs on purpose and the store is not where conformance is judged.
 */
#define FSIM_STORE_MAX_ID_LEN 65535
#define FSIM_STORE_MAX_USER_ID_LEN 64       /* CTAP 2.1 6.1.2: user.id at most 64 bytes */
#define FSIM_STORE_MAX_STRING_LEN 1024      /* rp_id, user_name, user_display_name (bytes) */
#define FSIM_STORE_MAX_KEY_LEN 16384        /* PKCS#8 DER */
#define FSIM_STORE_MAX_CRED_BLOB_LEN 4096
#define FSIM_STORE_MAX_BLOB_NAME_LEN 128    /* printable ASCII, no space */
#define FSIM_STORE_MAX_BLOB_LEN (1024 * 1024)
#define FSIM_STORE_MAX_FILE_LEN (64 * 1024 * 1024)

typedef struct fsim_cred {
	fsim_blob_t id;
	char *rp_id;
	fsim_blob_t user_id;
	char *user_name;
	char *user_display_name;
	int alg;
	fsim_blob_t private_key;      /* PKCS#8 DER; secret */
	bool discoverable;
	uint32_t sign_count;
	bool be, bs;
	uint8_t cred_protect;         /* 0, 1..3 */
	fsim_blob_t cred_blob;
	bool hmac_secret;
	uint8_t cred_random_uv[32];   /* secret */
	uint8_t cred_random_nouv[32]; /* secret */
	uint64_t created;             /* seconds; newest first on enumeration */
	uint64_t seq;                 /* creation order, ties of `created`; set by fsim_store_add_cred */
} fsim_cred_t;
/*
 * Field rules (add and load): id 1..FSIM_STORE_MAX_ID_LEN bytes, unique in
 * the store; rp_id a non-empty string; user_name and user_display_name may
 * be NULL; strings are UTF-8 of at most MAX_STRING_LEN bytes; user_id at
 * most 64 bytes; alg a non-zero COSE algorithm; private_key 1..MAX_KEY_LEN
 * bytes; cred_protect 0..3; cred_blob at most MAX_CRED_BLOB_LEN bytes;
 * created at most INT64_MAX (JSON integers are signed).
 */

typedef struct fsim_store fsim_store_t;

/*
 * Open (creating it when absent) the store at path; path NULL means the
 * default: $FIDOSIM_STORE, else $XDG_DATA_HOME/fidosim/store, else
 * ~/.local/share/fidosim/store. A fresh store gets a random wrapping key
 * from env and is on disk when this returns (made complete beside the path,
 * then linked in: of processes creating one store at once, one wins and
 * all use its key). Missing parent folders are made (0700). A JSON store
 * at the path is imported (see above). A store that exists but does not
 * open fails with FSIM_ERR_FORMAT and a diagnostic naming the problem; the
 * file is not touched. path == ":memory:" is a store that is never written.
 * Diagnostics: rule "STORE-01" (FSIM_ERR_FORMAT; a newer version is refused
 * the same way; for JSON, the JSON path of the field at fault), or
 * "STORE-02" (FSIM_ERR_IO: unreadable, not a regular file, no default path).
 */
int fsim_store_open(const char *path, const fsim_env_t *env, fsim_store_t **out,
    fsim_diags_t *d) FSIM_WUR;
/*
 * Transactions (a store on disk; for ":memory:" these do nothing). Any
 * access begins one when none is open; fsim_store_begin does it first, so
 * that a failure to get the lock is seen before anything is read. The
 * current state is read at the start of each transaction: lent pointers
 * of an earlier one are gone. fsim_store_save commits (durably: the data is
 * on disk when it returns 0) and fsim_store_rollback forgets what the
 * transaction changed. A transaction whose reads failed commits nothing
 * (save returns the error). What a caller may change in place on a lent
 * credential, and is saved: sign_count, be and bs.
 */
int fsim_store_begin(fsim_store_t *s) FSIM_WUR;
int fsim_store_save(fsim_store_t *s) FSIM_WUR;
void fsim_store_rollback(fsim_store_t *s);
/*
 * The readable view: the whole store in the JSON format earlier versions
 * kept on disk (store_json.c), which fsim_store_open imports. Secret (the
 * wrapping key and private keys): the caller wipes and frees *text.
 */
int fsim_store_export_json(fsim_store_t *s, char **text, size_t *len) FSIM_WUR;
/* The default path (see fsim_store_open) as a malloc'd string. */
int fsim_store_default_path(char **out) FSIM_WUR;
void fsim_store_free(fsim_store_t **sp);   /* wipes secrets */
const char *fsim_store_path(const fsim_store_t *s);

const uint8_t *fsim_store_wrap_key(const fsim_store_t *s);   /* 32 bytes */

/* The global signature counter (counter mode "global"). */
uint32_t fsim_store_global_counter(const fsim_store_t *s);
void fsim_store_set_global_counter(fsim_store_t *s, uint32_t v);

/* Named secret or public blobs (the CA's keys and certificates). NULL when absent. */
const fsim_blob_t *fsim_store_get_blob(const fsim_store_t *s, const char *name);
int fsim_store_set_blob(fsim_store_t *s, const char *name, const uint8_t *p, size_t n) FSIM_WUR;

/*
 * Credentials: the store keeps a copy; lookups lend (valid until the next
 * change). add_cred gives the copy the next seq (c->seq is ignored) and
 * refuses (FSIM_ERR_ARG) a credential breaking the field rules or whose ID
 * is already stored.
 */
int fsim_store_add_cred(fsim_store_t *s, const fsim_cred_t *c) FSIM_WUR;
fsim_cred_t *fsim_store_find_cred(fsim_store_t *s, const uint8_t *id, size_t len);
/*
 * Discoverable credentials of an RP, newest first (created, then seq);
 * returns how many (at most max). out == NULL: how many there are in all.
 */
size_t fsim_store_rp_creds(fsim_store_t *s, const char *rp_id, fsim_cred_t **out, size_t max);
/* Every credential, for `fidosim credentials list`. */
size_t fsim_store_cred_count(const fsim_store_t *s);
fsim_cred_t *fsim_store_cred_at(fsim_store_t *s, size_t i);
int fsim_store_delete_cred(fsim_store_t *s, const uint8_t *id, size_t len) FSIM_WUR;
/*
 * Same user handle and RP: the new credential replaces the old (CTAP 2.1
 * 6.1.2 step 17): deletes the discoverable credentials matching both; none
 * matching is not an error.
 */
int fsim_store_delete_user(fsim_store_t *s, const char *rp_id, const uint8_t *user_id, size_t len) FSIM_WUR;
/*
 * authenticatorReset (CTAP 2.1 6.6): credentials, ID counters and the global
 * counter go, and a new wrapping key from env makes every old wrapped
 * credential ID invalid; the named blobs (the CA) stay. On failure (no
 * random bytes) the store is unchanged.
 */
int fsim_store_reset(fsim_store_t *s, const fsim_env_t *env) FSIM_WUR;

/* Counters of wrapped (non-stored) credentials, by SHA-256 of the credential ID. */
uint32_t fsim_store_id_counter(const fsim_store_t *s, const uint8_t id_hash[32]);
int fsim_store_set_id_counter(fsim_store_t *s, const uint8_t id_hash[32], uint32_t v) FSIM_WUR;

void fsim_cred_reset(fsim_cred_t *c);   /* frees and wipes the fields, zeroes c */
/* Deep copy; dst is taken as uninitialised (not freed) and set only on success. */
int fsim_cred_copy(fsim_cred_t *dst, const fsim_cred_t *src) FSIM_WUR;

#endif /* !FSIM_STORE_H */
