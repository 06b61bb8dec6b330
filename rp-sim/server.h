/*
 * server.h — the relying party behind `fidosim serve`, without HTTP: a
 * request (method, path, cookie, body) in, a response (status, JSON body,
 * Set-Cookie) out. The HTTP glue (cli/serve.c) only carries bytes.
 *
 * It speaks two APIs:
 *   - webauthn.io's (duo-labs/webauthn.io; docs/evidence/peers.md C.1):
 *     POST /registration/options, /registration/verification,
 *     /authentication/options, /authentication/verification; success is
 *     200 {"verified": true}, failure 400 {"error": "..."};
 *   - the FIDO conformance server API: POST /attestation/options,
 *     /attestation/result, /assertion/options, /assertion/result, answering
 *     {"status": "ok"|"failed", "errorMessage": "..."}.
 * and GET /api/reports, /api/reports/<id>, /api/reports/last (this session's
 * newest): the rp-sim report of every verification, as JSON.
 *
 * Sessions are a cookie (FSIM_SERVER_COOKIE). A ceremony's challenge is
 * single use (taken by the first verification that names the session,
 * whatever its outcome) and expires after `challenge_ttl` seconds. A
 * session made for a request without a cookie never evicts one whose client
 * came back with its cookie; each client address holds at most
 * SRV_MAX_NEW_PER_CLIENT of the former (its own oldest go first).
 *
 * Users, credentials and reports are kept in an SQLite database
 * (server_db.c): data_dir/serve.db (mode 0600), which several servers may
 * share, or in memory. A ceremony is answered after its change is on disk.
 *
 * Every bad request gets a 4xx JSON error; no error repeats what the client
 * sent as it was: text from the request is escaped (fsim_server_escape) and
 * cut on a character boundary. JSON endpoints want Content-Type
 * application/json (415 otherwise).
 *
 * Thread safety: fsim_server_handle may be called from several threads at
 * once; verification runs outside the server's lock.
 */
#ifndef FSIM_SERVER_H
#define FSIM_SERVER_H

#include <time.h>
#include <jansson.h>

#include "rp-sim/rp.h"

#define FSIM_SERVER_COOKIE "fidosim_session"
#define FSIM_SERVER_BODY_MAX (256u * 1024u)     /* request bodies above: 413 */
#define FSIM_SERVER_USERNAME_MAX 64             /* characters (code points), as webauthn.io */
#define FSIM_SERVER_MAX_SESSIONS 4096           /* see above for which go first */
#define FSIM_SERVER_MAX_CREDS 1000000           /* then registration answers 400 */
#define FSIM_SERVER_MAX_REPORTS 512             /* a ring: the oldest goes first */

/*
 * The full rp-sim report of a verification (the JSON model of
 * `verify-* --json`); a new reference or NULL. response is the response JSON
 * verified. NULL in the config: the server's own short report.
 */
typedef json_t *(*fsim_server_report_fn)(const fsim_rp_result_t *res,
    const json_t *response, void *ctx);

typedef struct fsim_server_config {
	const char *rp_id;                  /* default "localhost" */
	const char *rp_name;                /* default "fidosim serve" */
	const char *const *origins;         /* accepted origins (exact match); at least one */
	size_t n_origins;
	const char *data_dir;               /* NULL: credentials kept in memory only */
	unsigned challenge_ttl;             /* seconds; 0: 300 */
	const fsim_rp_policy_t *policy;     /* base policy (preset); NULL: the defaults */
	const fsim_trust_t *trust;          /* attestation roots; may be NULL */
	fsim_server_report_fn report;
	void *report_ctx;
	time_t (*now)(void *ctx);           /* the clock; NULL: time() */
	void *now_ctx;
	int (*random)(void *ctx, uint8_t *buf, size_t len);  /* 0 on success; NULL: RAND_bytes */
	void *random_ctx;
} fsim_server_config_t;

typedef struct fsim_server fsim_server_t;

typedef struct fsim_server_request {
	const char *method;                 /* "GET", "POST", ... */
	const char *path;                   /* without the query string */
	const char *cookie;                 /* the Cookie header, or NULL */
	const uint8_t *body;
	size_t body_len;
	const char *content_type;           /* the Content-Type header, or NULL */
	const char *client;                 /* the client's address, or NULL */
} fsim_server_request_t;

typedef struct fsim_server_response {
	int status;                         /* HTTP status */
	char *body;                         /* JSON text, NUL-terminated; owned */
	size_t body_len;
	char set_cookie[128];               /* a Set-Cookie value, or "" */
	char log[160];                      /* a short note for the request log line */
} fsim_server_response_t;

/*
 * A new server. The config's strings are copied. Fails (FSIM_ERR_IO /
 * FSIM_ERR_FORMAT, with a message in err) when data_dir cannot be used or
 * holds a credentials file that does not parse: it is reported, never
 * overwritten.
 */
int fsim_server_new(const fsim_server_config_t *cfg, fsim_server_t **out,
    char *err, size_t errlen) FSIM_WUR;
void fsim_server_free(fsim_server_t **sp);

/*
 * Answer one request. Always fills resp (status and a JSON body; on no
 * memory, a fixed 500 body); returns 0, or FSIM_ERR_NOMEM when even that
 * could not be allocated (resp->body NULL: answer 500 with no body).
 */
int fsim_server_handle(fsim_server_t *s, const fsim_server_request_t *req,
    fsim_server_response_t *resp) FSIM_WUR;
void fsim_server_response_reset(fsim_server_response_t *resp);

/* How many credentials are stored (for tests and the start-up line). */
size_t fsim_server_cred_count(fsim_server_t *s);

/*
 * Text from a client made fit for a message or a log line: printable ASCII
 * and well-formed UTF-8 are kept; '\\' and every other byte (control
 * characters such as a newline, C1 controls, invalid UTF-8) are written as
 * \xNN; at most
 * max_chars characters of input are taken, never a part of one, and "..."
 * marks a cut. Always NUL-terminates out (outlen > 0); returns out.
 */
char *fsim_server_escape(const char *in, size_t inlen, size_t max_chars, char *out,
    size_t outlen);

#endif /* !FSIM_SERVER_H */
