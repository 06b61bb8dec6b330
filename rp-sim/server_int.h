/*
 * server_int.h — what server.c (state: sessions, credentials, reports, the
 * data file, dispatch) and server_api.c (the ceremonies of both APIs) share.
 */
#ifndef FSIM_SERVER_INT_H
#define FSIM_SERVER_INT_H

#include <pthread.h>

#include "rp-sim/server.h"

#define SRV_CHALLENGE_LEN 32
#define SRV_MAX_ALGS 12
#define SRV_APPID_MAX 512         /* an AppID URL (FIDO AppID and Facet v2.0) */
#define SRV_SESSION_ID_LEN 16

enum { SRV_API_WEBAUTHNIO = 0, SRV_API_FIDO = 1 };

/* A ceremony the session asked options for and has not yet finished. */
typedef struct srv_pending {
	bool active;
	int api;
	uint8_t challenge[SRV_CHALLENGE_LEN];
	time_t expires;
	char username[FSIM_SERVER_USERNAME_MAX + 1];   /* "" : usernameless */
	fsim_uv_req_t uv;
	fsim_conveyance_t conveyance;   /* registration: the attestation asked for */
	int64_t algs[SRV_MAX_ALGS];
	size_t n_algs;
	bool conditional;               /* registration: mediation "conditional" (7.1 step 15) */
	char appid[SRV_APPID_MAX + 1];  /* authentication: extensions.appid sent; "": none */
} srv_pending_t;

typedef struct srv_session {
	bool used;
	uint8_t id[SRV_SESSION_ID_LEN];
	time_t last_used;
	srv_pending_t reg, auth;
	long last_report;               /* 0: none */
	char signed_in[FSIM_SERVER_USERNAME_MAX + 1];   /* the user it last authenticated as, or "" */
} srv_session_t;

typedef struct srv_cred {
	char username[FSIM_SERVER_USERNAME_MAX + 1];
	uint8_t user_id[32];
	fsim_blob_t id;                 /* the credential ID (lookup key) */
	json_t *record;                 /* the credential record JSON (record.h) */
	long long created;
	int discoverable;               /* credProps.rk: 1, 0, -1 unknown */
} srv_cred_t;

struct fsim_server {
	pthread_mutex_t lock;           /* everything below but the data file */
	pthread_mutex_t save_lock;      /* one writer of the data file at a time */
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
	srv_cred_t *creds;
	size_t n_creds, cap_creds;
	json_t *reports[FSIM_SERVER_MAX_REPORTS];   /* report id n at [(n - 1) % MAX] */
	long next_report;
	unsigned long long gen, saved_gen;          /* changes made / written */
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
/* The session named by the cookie, or a new one (*created); NULL when the
 * cookie names none and create is false. Call with the lock held. */
srv_session_t *fsim_srv_session(fsim_server_t *s, const char *cookie, bool create,
    bool *created);
/* Call with the lock held. Lookups lend (valid while the lock is held). */
srv_cred_t *fsim_srv_cred_find(fsim_server_t *s, const uint8_t *id, size_t len);
size_t fsim_srv_user_creds(fsim_server_t *s, const char *username, srv_cred_t **out,
    size_t max);
int fsim_srv_cred_add(fsim_server_t *s, const srv_cred_t *c) FSIM_WUR;   /* copies */
/* Write the data file if anything changed since it was last written (no lock held). */
int fsim_srv_save(fsim_server_t *s) FSIM_WUR;
/* File a report (takes the reference); returns its id, 0 on no memory. Lock held. */
long fsim_srv_report_add(fsim_server_t *s, json_t *entry);
void fsim_srv_user_id(const char *username, uint8_t out[32]);

/* server_api.c: the answers to the POST endpoints. */
void fsim_srv_reg_options(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    srv_answer_t *a, char *set_cookie, size_t sclen);
void fsim_srv_auth_options(fsim_server_t *s, int api, const json_t *body, const char *cookie,
    srv_answer_t *a, char *set_cookie, size_t sclen);
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
void fsim_srv_fail(srv_answer_t *a, int api, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* !FSIM_SERVER_INT_H */
