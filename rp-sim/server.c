/*
 * server.c — the sessions of `fidosim serve`, the dispatch of a request to
 * its handler, and errors that never repeat raw input. Users, credentials
 * and reports are in server_db.c, the ceremonies in server_api.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "rp-sim/server_int.h"
#include "core/json_dump.h"

#define DEFAULT_TTL 300u
/* A session nobody used for this long is free for reuse. */
#define SESSION_IDLE 3600

static const char oom_body[] = "{\"error\": \"out of memory\"}";

time_t
fsim_srv_now(fsim_server_t *s)
{
	return s->now != NULL ? s->now(s->now_ctx) : time(NULL);
}

int
fsim_srv_random(fsim_server_t *s, uint8_t *buf, size_t len)
{
	if (s->random != NULL)
		return s->random(s->random_ctx, buf, len) == 0 ? 0 : FSIM_ERR_INTERNAL;
	if (len > INT32_MAX || RAND_bytes(buf, (int)len) != 1)
		return FSIM_ERR_INTERNAL;
	return 0;
}

/* The user handle: SHA-256("fidosim-user:" || username), so it needs no storage. */
void
fsim_srv_user_id(const char *username, uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = 32;

	memset(out, 0, 32);
	if (c == NULL)
		return;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(c, "fidosim-user:", 13) != 1 ||
	    EVP_DigestUpdate(c, username, strlen(username)) != 1 ||
	    EVP_DigestFinal_ex(c, out, &n) != 1)
		memset(out, 0, 32);
	EVP_MD_CTX_free(c);
}

/* ---- sessions ---- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The session ID in a Cookie header: FSIM_SERVER_COOKIE=<32 lowercase hex>. */
static bool
cookie_id(const char *cookie, uint8_t id[SRV_SESSION_ID_LEN])
{
	const char *p = cookie;
	size_t nl = strlen(FSIM_SERVER_COOKIE), i;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t;");
		if (strncmp(p, FSIM_SERVER_COOKIE, nl) == 0 && p[nl] == '=') {
			p += nl + 1;
			for (i = 0; i < SRV_SESSION_ID_LEN; i++) {
				int h, l;

				if ((h = hexval(p[2 * i])) < 0 || (l = hexval(p[2 * i + 1])) < 0)
					return false;
				id[i] = (uint8_t)(h << 4 | l);
			}
			return p[2 * SRV_SESSION_ID_LEN] == '\0' ||
			    p[2 * SRV_SESSION_ID_LEN] == ';' || p[2 * SRV_SESSION_ID_LEN] == ' ';
		}
		p = strchr(p, ';');
	}
	return false;
}

/* Is a ceremony of the session still in progress (issued, not used, not expired)? */
static bool
busy(const srv_session_t *ss, time_t now)
{
	return (ss->reg.active && now <= ss->reg.expires) ||
	    (ss->auth.active && now <= ss->auth.expires);
}

/*
 * Where a new session for client goes, or NULL. In order: a free slot or
 * one idle past SESSION_IDLE; when the client already holds
 * SRV_MAX_NEW_PER_CLIENT sessions it never came back to, its own oldest;
 * then the oldest session nobody came back to; then the oldest whose client
 * came back but has nothing in progress. A session whose client came back,
 * with a ceremony in progress, is never taken: then there is no room.
 */
static srv_session_t *
new_slot(fsim_server_t *s, const char *client, time_t now)
{
	srv_session_t *ss, *own_oldest = NULL, *fresh_oldest = NULL, *idle_oldest = NULL;
	size_t i, own = 0;

	for (i = 0; i < FSIM_SERVER_MAX_SESSIONS; i++) {
		ss = &s->sessions[i];
		if (!ss->used || now - ss->last_used > SESSION_IDLE)
			return ss;
		if (!ss->established) {
			if (strcmp(ss->client, client) == 0) {
				own++;
				if (own_oldest == NULL || ss->last_used < own_oldest->last_used)
					own_oldest = ss;
			}
			if (fresh_oldest == NULL || ss->last_used < fresh_oldest->last_used)
				fresh_oldest = ss;
		} else if (!busy(ss, now) &&
		    (idle_oldest == NULL || ss->last_used < idle_oldest->last_used))
			idle_oldest = ss;
	}
	if (own >= SRV_MAX_NEW_PER_CLIENT)
		return own_oldest;
	if (fresh_oldest != NULL)
		return fresh_oldest;
	return idle_oldest;
}

srv_session_t *
fsim_srv_session(fsim_server_t *s, const char *cookie, const char *client, bool create,
    bool *created, bool *full)
{
	uint8_t id[SRV_SESSION_ID_LEN];
	srv_session_t *ss;
	time_t now = fsim_srv_now(s);
	size_t i;

	if (created != NULL)
		*created = false;
	if (full != NULL)
		*full = false;
	if (client == NULL)
		client = "";
	if (cookie != NULL && cookie_id(cookie, id)) {
		for (i = 0; i < FSIM_SERVER_MAX_SESSIONS; i++) {
			ss = &s->sessions[i];
			if (ss->used && CRYPTO_memcmp(ss->id, id, sizeof(id)) == 0) {
				ss->last_used = now;
				ss->established = true;
				return ss;
			}
		}
	}
	if (!create)
		return NULL;
	if ((ss = new_slot(s, client, now)) == NULL) {
		if (full != NULL)
			*full = true;
		return NULL;
	}
	memset(ss, 0, sizeof(*ss));
	if (fsim_srv_random(s, ss->id, sizeof(ss->id)) != 0)
		return NULL;
	ss->used = true;
	ss->last_used = now;
	snprintf(ss->client, sizeof(ss->client), "%s", client);
	if (created != NULL)
		*created = true;
	return ss;
}

/* ---- text from the client ---- */

/* The length of the UTF-8 character at p (at most n bytes), 0 when it is not one. */
static size_t
utf8_char(const unsigned char *p, size_t n)
{
	size_t len, k;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if (n < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3fu);
	}
	/* shortest form, no surrogates, at most U+10FFFF (RFC 3629); no C1 controls */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

/* fsim_server_escape; keep_bs: a backslash stays (text already escaped once). */
static char *
escape(const char *in, size_t inlen, size_t max_chars, char *out, size_t outlen, bool keep_bs)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, chars = 0, k, need;
	char piece[8];

	if (outlen == 0)
		return out;
	out[0] = '\0';
	if (in == NULL)
		return out;
	while (i < inlen) {
		k = utf8_char(p + i, inlen - i);
		if (k == 1 && (p[i] < 0x20 || p[i] == 0x7f || (p[i] == '\\' && !keep_bs)))
			k = 0;
		if (k == 0) {
			snprintf(piece, sizeof(piece), "\\x%02x", p[i]);
			need = 4;
		} else {
			memcpy(piece, p + i, k);
			need = k;
		}
		/* room for this piece, a "..." that may follow and the NUL */
		if (chars == max_chars || o + need + 4 > outlen) {
			if (o + 4 <= outlen) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, piece, need);
		o += need;
		i += k == 0 ? 1 : k;
		chars++;
	}
	out[o] = '\0';
	return out;
}

char *
fsim_server_escape(const char *in, size_t inlen, size_t max_chars, char *out, size_t outlen)
{
	return escape(in, inlen, max_chars, out, outlen, false);
}

const char *
fsim_srv_quote(const char *in, size_t max_chars, char *buf, size_t len)
{
	return fsim_server_escape(in, in != NULL ? strlen(in) : 0, max_chars, buf, len);
}

long
fsim_srv_username_chars(const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, k;
	long n = 0;

	while (i < len) {
		if ((k = utf8_char(u + i, len - i)) == 0 || (k == 1 && (u[i] < 0x20 || u[i] == 0x7f)))
			return -1;
		i += k;
		n++;
	}
	return n;
}

/* ---- dispatch ---- */

void
fsim_srv_fail(srv_answer_t *a, int api, int status, const char *fmt, ...)
{
	char raw[512], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/*
	 * The last line of defence: whatever the client's text the message
	 * quotes, it is valid UTF-8 without control characters, so the JSON
	 * encoder takes it (call sites quote with fsim_srv_quote already).
	 */
	escape(raw, strlen(raw), sizeof(msg), msg, sizeof(msg), true);
	json_decref(a->body);
	a->status = status;
	if (api == SRV_API_FIDO)
		a->body = json_pack("{s:s, s:s}", "status", "failed", "errorMessage", msg);
	else
		a->body = json_pack("{s:s}", "error", msg);
	strncpy(a->note, msg, sizeof(a->note) - 1);
	a->note[sizeof(a->note) - 1] = '\0';
}

static void
get_reports(fsim_server_t *s, const char *rest, const char *cookie, srv_answer_t *a)
{
	char q[80];
	json_t *j = NULL;
	srv_session_t *ss;
	long id = 0;
	char *end;

	if (*rest == '\0' || strcmp(rest, "/") == 0) {
		if ((j = fsim_srv_db_report_list(s)) != NULL)
			j = json_pack("{s:o}", "reports", j);
		a->status = 200;
	} else if (strcmp(rest, "/last") == 0) {
		pthread_mutex_lock(&s->lock);
		ss = fsim_srv_session(s, cookie, NULL, false, NULL, NULL);
		id = ss != NULL ? ss->last_report : 0;
		pthread_mutex_unlock(&s->lock);
		if (id == 0 || (j = fsim_srv_db_report_get(s, id)) == NULL) {
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 404, "this session has no report yet");
			return;
		}
		a->status = 200;
	} else {
		errno = 0;
		id = strtol(rest + 1, &end, 10);
		if (rest[0] != '/' || rest[1] < '0' || rest[1] > '9' || *end != '\0' ||
		    errno != 0 || (j = fsim_srv_db_report_get(s, id)) == NULL) {
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 404, "no report \"%s\" (the last %u "
			    "are kept)", fsim_srv_quote(rest + (rest[0] == '/'), 40, q, sizeof(q)),
			    FSIM_SERVER_MAX_REPORTS);
			return;
		}
		a->status = 200;
	}
	a->body = j;
}

static const struct route {
	const char *path;
	int api;
	int kind;     /* 0 reg options, 1 reg verify, 2 auth options, 3 auth verify, 4 details */
} routes[] = {
	{ "/registration/options", SRV_API_WEBAUTHNIO, 0 },
	{ "/registration/verification", SRV_API_WEBAUTHNIO, 1 },
	{ "/authentication/options", SRV_API_WEBAUTHNIO, 2 },
	{ "/authentication/verification", SRV_API_WEBAUTHNIO, 3 },
	{ "/attestation/options", SRV_API_FIDO, 0 },
	{ "/attestation/result", SRV_API_FIDO, 1 },
	{ "/assertion/options", SRV_API_FIDO, 2 },
	{ "/assertion/result", SRV_API_FIDO, 3 },
	{ "/account/details", SRV_API_WEBAUTHNIO, 4 },
};

/* "application/json", any case, optionally followed by parameters (RFC 9110 8.3.1). */
static bool
is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof(want) - 1;

	if (ct == NULL)
		return false;
	ct += strspn(ct, " \t");
	if (strncasecmp(ct, want, n) != 0)
		return false;
	ct += n;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

static void
dispatch(fsim_server_t *s, const fsim_server_request_t *req, srv_answer_t *a,
    char *set_cookie, size_t sclen)
{
	const struct route *rt = NULL;
	json_t *body = NULL;
	fsim_diags_t d;
	const fsim_diag_t *e;
	char q[200];
	size_t i;

	if (strncmp(req->path, "/api/reports", 12) == 0 &&
	    (req->path[12] == '\0' || req->path[12] == '/')) {
		if (strcmp(req->method, "GET") != 0)
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 405, "%s wants GET",
			    fsim_srv_quote(req->path, 60, q, sizeof(q)));
		else
			get_reports(s, req->path + 12, req->cookie, a);
		return;
	}
	if (strcmp(req->path, "/api/algorithms") == 0) {
		if (strcmp(req->method, "GET") != 0)
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 405, "%s wants GET", req->path);
		else
			fsim_srv_algorithms(a);
		return;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(req->path, routes[i].path) == 0)
			rt = &routes[i];
	if (rt == NULL) {
		fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 404, "no such endpoint: %s",
		    fsim_srv_quote(req->path, 100, q, sizeof(q)));
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		fsim_srv_fail(a, rt->api, 405, "%s wants POST", rt->path);
		return;
	}
	if (req->body_len > FSIM_SERVER_BODY_MAX) {
		fsim_srv_fail(a, rt->api, 413, "the body is %zu bytes; the limit is %u",
		    req->body_len, FSIM_SERVER_BODY_MAX);
		return;
	}
	if (!is_json_type(req->content_type)) {
		fsim_srv_fail(a, rt->api, 415, "the body must be sent as Content-Type: "
		    "application/json (got %s%s%s)", req->content_type != NULL ? "\"" : "",
		    req->content_type != NULL ? fsim_srv_quote(req->content_type, 60, q,
		    sizeof(q)) : "none", req->content_type != NULL ? "\"" : "");
		return;
	}
	fsim_diags_init(&d);
	if (fsim_json_load(req->body, req->body_len, &body, &d, "body") != 0) {
		e = fsim_diags_first(&d, FSIM_SEV_ERROR);
		fsim_srv_fail(a, rt->api, 400, "the body is not JSON: %s",
		    e != NULL ? e->msg : "unreadable");
		fsim_diags_clear(&d);
		return;
	}
	fsim_diags_clear(&d);
	if (!json_is_object(body))
		fsim_srv_fail(a, rt->api, 400, "the body must be a JSON object");
	else if (rt->kind == 0)
		fsim_srv_reg_options(s, rt->api, body, req->cookie, req->client, a, set_cookie,
		    sclen);
	else if (rt->kind == 1)
		fsim_srv_reg_verify(s, rt->api, body, req->cookie, a);
	else if (rt->kind == 2)
		fsim_srv_auth_options(s, rt->api, body, req->cookie, req->client, a, set_cookie,
		    sclen);
	else if (rt->kind == 4)
		fsim_srv_account_details(s, body, req->cookie, a);
	else
		fsim_srv_auth_verify(s, rt->api, body, req->cookie, a);
	json_decref(body);
}

int
fsim_server_handle(fsim_server_t *s, const fsim_server_request_t *req,
    fsim_server_response_t *resp)
{
	srv_answer_t a;

	memset(resp, 0, sizeof(*resp));
	memset(&a, 0, sizeof(a));
	a.status = 500;
	if (req == NULL || req->method == NULL || req->path == NULL ||
	    (req->body == NULL && req->body_len > 0))
		fsim_srv_fail(&a, SRV_API_WEBAUTHNIO, 400, "malformed request");
	else
		dispatch(s, req, &a, resp->set_cookie, sizeof(resp->set_cookie));
	resp->status = a.status;
	memcpy(resp->log, a.note, sizeof(resp->log));
	resp->log[sizeof(resp->log) - 1] = '\0';
	if (a.body != NULL)
		resp->body = fsim_json_dumps(a.body, JSON_COMPACT, NULL);
	json_decref(a.body);
	if (resp->body == NULL) {
		resp->status = 500;
		resp->set_cookie[0] = '\0';
		if ((resp->body = strdup(oom_body)) == NULL)
			return FSIM_ERR_NOMEM;
	}
	resp->body_len = strlen(resp->body);
	return 0;
}

void
fsim_server_response_reset(fsim_server_response_t *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

size_t
fsim_server_cred_count(fsim_server_t *s)
{
	size_t n = 0;

	return fsim_srv_db_cred_count(s, &n) == 0 ? n : 0;
}

/* ---- life cycle ---- */

int
fsim_server_new(const fsim_server_config_t *cfg, fsim_server_t **out, char *err,
    size_t errlen)
{
	fsim_server_t *s;
	size_t i;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (cfg == NULL || cfg->n_origins == 0 || cfg->origins == NULL) {
		snprintf(err, errlen, "no origin to accept");
		return FSIM_ERR_ARG;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto nomem;
	pthread_mutex_init(&s->lock, NULL);
	s->ttl = cfg->challenge_ttl ? cfg->challenge_ttl : DEFAULT_TTL;
	if (cfg->policy != NULL)
		s->policy = *cfg->policy;
	else
		fsim_rp_policy_init(&s->policy);
	s->trust = cfg->trust;
	s->report = cfg->report;
	s->report_ctx = cfg->report_ctx;
	s->now = cfg->now;
	s->now_ctx = cfg->now_ctx;
	s->random = cfg->random;
	s->random_ctx = cfg->random_ctx;
	if ((s->rp_id = strdup(cfg->rp_id ? cfg->rp_id : "localhost")) == NULL ||
	    (s->rp_name = strdup(cfg->rp_name ? cfg->rp_name : "fidosim serve")) == NULL ||
	    (s->origins = calloc(cfg->n_origins, sizeof(char *))) == NULL ||
	    (s->sessions = calloc(FSIM_SERVER_MAX_SESSIONS, sizeof(srv_session_t))) == NULL)
		goto nomem;
	for (i = 0; i < cfg->n_origins; i++) {
		if ((s->origins[i] = strdup(cfg->origins[i])) == NULL)
			goto nomem;
		s->n_origins++;
	}
	if (cfg->data_dir != NULL && (s->data_dir = strdup(cfg->data_dir)) == NULL)
		goto nomem;
	if ((r = fsim_srv_db_open(s, err, errlen)) != 0)
		goto fail;
	*out = s;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	fsim_server_free(&s);
	return r;
}

void
fsim_server_free(fsim_server_t **sp)
{
	fsim_server_t *s;
	size_t i;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	fsim_srv_db_close(s);
	if (s->sessions != NULL)
		fsim_wipe(s->sessions, FSIM_SERVER_MAX_SESSIONS * sizeof(srv_session_t));
	free(s->sessions);
	for (i = 0; s->origins != NULL && i < s->n_origins; i++)
		free(s->origins[i]);
	free(s->origins);
	free(s->rp_id);
	free(s->rp_name);
	free(s->data_dir);
	json_decref(s->display_names);
	pthread_mutex_destroy(&s->lock);
	free(s);
	*sp = NULL;
}
