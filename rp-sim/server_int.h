/*
 * server_int.h — what server.c (sessions, dispatch, errors), server_db.c
 * (users, credentials, reports: the database) and server_api.c (the
 * ceremonies of both APIs) share.
 */
#ifndef FSIM_SERVER_INT_H
#define FSIM_SERVER_INT_H

#include <pthread.h>

#include "rp-sim/server.h"

#define SRV_CHALLENGE_LEN 32
#define SRV_MAX_ALGS 12
#define SRV_APPID_MAX 512         /* an AppID URL (FIDO AppID and Facet v2.0) */
#define SRV_SESSION_ID_LEN 16
/* A username is at most FSIM_SERVER_USERNAME_MAX characters of UTF-8: 4 bytes each at most. */
#define SRV_USERNAME_BYTES (FSIM_SERVER_USERNAME_MAX * 4)
#define SRV_CLIENT_LEN 48

enum { SRV_API_WEBAUTHNIO = 0, SRV_API_FIDO = 1 };

/* A ceremony the session asked options for and has not yet finished. */
typedef struct srv_pending {
	bool active;
	int api;
	uint8_t challenge[SRV_CHALLENGE_LEN];
	time_t expires;
	char username[SRV_USERNAME_BYTES + 1];   /* "" : usernameless */
	fsim_uv_req_t uv;
	fsim_conveyance_t conveyance;   /* registration: the attestation asked for */
	int64_t algs[SRV_MAX_ALGS];
	size_t n_algs;
	bool conditional;               /* registration: mediation "conditional" (7.1 step 15) */
	char appid[SRV_APPID_MAX + 1];  /* authentication: extensions.appid sent; "": none */
} srv_pending_t;

typedef struct srv_session {
	bool used;
	/*
	 * The client came back with the cookie: it keeps cookies and finishes
	 * what it starts. A session made for a cookie-less request is not, and
	 * only such sessions make room for new ones (a flood of cookie-less
	 * requests cannot evict the ceremonies of real clients).
	 */
	bool established;
	char client[SRV_CLIENT_LEN];    /* the client's address, "" unknown */
	uint8_t id[SRV_SESSION_ID_LEN];
	time_t last_used;
	srv_pending_t reg, auth;
	long last_report;               /* 0: none */
	char signed_in[SRV_USERNAME_BYTES + 1];   /* the user it last authenticated as, or "" */
} srv_session_t;

/* At most this many sessions a client has not come back to, per client address. */
#define SRV_MAX_NEW_PER_CLIENT 256

typedef struct srv_cred {
	char username[SRV_USERNAME_BYTES + 1];
	uint8_t user_id[32];
	fsim_blob_t id;                 /* the credential ID (lookup key) */
	json_t *record;                 /* the credential record JSON (record.h) */
	long long created;
	int discoverable;               /* credProps.rk: 1, 0, -1 unknown */
} srv_cred_t;

/*
 * A change to the database (server_db.c), applied by group commit: the
 * caller fills the request, fsim_srv_db_write returns when it is durable.
 */
enum { SRV_WRITE_REPORT = 0, SRV_WRITE_ADD_CRED, SRV_WRITE_UPDATE };
typedef struct srv_write {
	int kind;
	const srv_cred_t *cred;         /* ADD_CRED: the new credential */
	const uint8_t *id;              /* UPDATE: the credential, */
	size_t id_len;
	const json_t *record;           /* its new record */
	long long count0;               /* the signCount the verification started from */
	uint32_t new_count;             /* the signCount it accepted */
	json_t *report;                 /* filed with the change (any kind); may be NULL */
	/* results */
	int result;     /* 0; FSIM_ERR_FORMAT ID registered already; FSIM_ERR_ARG store full;
	                   FSIM_ERR_SIGNATURE signCount overtaken (stored_count);
	                   FSIM_ERR_NOT_FOUND no such credential; FSIM_ERR_IO not written */
	long long stored_count;
	long report_id;                 /* 0: not filed */
	bool done;
	struct srv_write *next;
} srv_write_t;

struct srv_db;

struct fsim_server {
	pthread_mutex_t lock;           /* the sessions */
	struct srv_db *db;              /* users, credentials, reports */
	char *rp_id, *rp_name, *data_dir;
	char **origins;
	size_t n_origins;
	unsigned ttl;
	fsim_rp_policy_t policy;
	const fsim_trust_t *trust;
	fsim_server_report_fn report;
	void *report_ctx;
	time_t (*now)(void *);
	void *now_ctx;
	int (*random)(void *, uint8_t *, size_t);
	void *random_ctx;
	srv_session_t *sessions;        /* FSIM_SERVER_MAX_SESSIONS slots */
	json_t *display_names;          /* username -> display name set by /account/details (memory only) */
};

/* What a handler answers: status and JSON (a new reference, or NULL on no memory). */
typedef struct srv_answer {
	int status;
	json_t *body;
	char note[160];                 /* for the log line */
} srv_answer_t;

/* server.c */
time_t fsim_srv_now(fsim_server_t *s);
int fsim_srv_random(fsim_server_t *s, uint8_t *buf, size_t len) FSIM_WUR;
/*
 * The session named by the cookie, or a new one for client (*created);
 * NULL when the cookie names none and create is false, or when no session
 * can be made without evicting a ceremony of an established one (*full).
 * Call with the lock held.
 */
srv_session_t *fsim_srv_session(fsim_server_t *s, const char *cookie, const char *client,
    bool create, bool *created, bool *full);
void fsim_srv_user_id(const char *username, uint8_t out[32]);
/* The characters of a username (UTF-8, no NUL, no control character); -1 when it is not one. */
long fsim_srv_username_chars(const char *p, size_t len);
/* Text from the client, fit to quote in a message: see fsim_server_escape. */
const char *fsim_srv_quote(const char *in, size_t max_chars, char *buf, size_t len);

/* server_db.c */
int fsim_srv_db_open(fsim_server_t *s, char *err, size_t errlen) FSIM_WUR;
void fsim_srv_db_close(fsim_server_t *s);
/* Reads: *out owned by the caller (fsim_srv_cred_reset); user_id is set by cred_get only. */
int fsim_srv_db_cred_get(fsim_server_t *s, const uint8_t *id, size_t len,
    srv_cred_t *out) FSIM_WUR;
/* The newest max of a user's credentials; their record holds only "transports". */
int fsim_srv_db_user_creds(fsim_server_t *s, const char *username, srv_cred_t *out,
    size_t max, size_t *n) FSIM_WUR;
int fsim_srv_db_cred_count(fsim_server_t *s, size_t *n) FSIM_WUR;
json_t *fsim_srv_db_report_get(fsim_server_t *s, long id);
json_t *fsim_srv_db_report_list(fsim_server_t *s);
void fsim_srv_cred_reset(srv_cred_t *c);
/* A change, durable when it returns; FSIM_ERR_IO when it could not be written. */
int fsim_srv_db_write(fsim_server_t *s, srv_write_t *w) FSIM_WUR;

/* server_api.c: the answers to the POST endpoints. */
/* client: the address a new session is counted against (NULL: unknown). */
void fsim_srv_reg_options(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    const char *client, srv_answer_t *a, char *set_cookie, size_t sclen);
void fsim_srv_auth_options(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    const char *client, srv_answer_t *a, char *set_cookie, size_t sclen);
void fsim_srv_reg_verify(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    srv_answer_t *a);
void fsim_srv_auth_verify(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    srv_answer_t *a);
/*
 * server_signal.c: the WebAuthn L3 signals an answer carries ("signals":
 * [...]) when the verification request asked for them ("signals": true), so
 * that webauthn.io's answers stay as they are for other clients.
 */
void fsim_srv_signal_unknown(fsim_server_t *s, srv_answer_t *a, const uint8_t *id, size_t len);
/*
 * After a sign-in (no lock held): the session is signed in as username, and
 * when `send` (the request asked, "signals": true) the answer carries
 * allAcceptedCredentials and currentUserDetails.
 */
void fsim_srv_signals_signed_in(fsim_server_t *s, srv_answer_t *a, const char *cookie,
    const char *username, bool send);
/* POST /account/details {"displayName"}: the signed-in user's new name, and its signal. */
void fsim_srv_account_details(fsim_server_t *s, const json_t *body, const char *cookie,
    srv_answer_t *a);

/* The error answer of the API: 400 {"error"} or {"status":"failed","errorMessage"}. */
/* GET /api/algorithms: the webauthn.io algorithm names the verifier has, for the page. */
void fsim_srv_algorithms(srv_answer_t *a);
/*
 * A username member: 1 to 64 characters (code points, as webauthn.io), no
 * control character; absent is fine unless required. false: a 400 is in a.
 */
bool fsim_srv_username_member(const json_t *o, const char *key, bool required,
    const char **out, srv_answer_t *a, int api);
void fsim_srv_fail(srv_answer_t *a, int api, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* !FSIM_SERVER_INT_H */
