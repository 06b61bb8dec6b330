/*
 * server.c — the state of `fidosim serve` (sessions, credentials, reports,
 * the data file) and the dispatch of a request to its handler. The
 * ceremonies themselves are in server_api.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "rp-sim/server_int.h"

#define DATA_FILE "credentials.json"
#define DATA_MAX (64u << 20)
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

srv_session_t *
fsim_srv_session(fsim_server_t *s, const char *cookie, bool create, bool *created)
{
	uint8_t id[SRV_SESSION_ID_LEN];
	srv_session_t *free_slot = NULL, *oldest = NULL, *ss;
	time_t now = fsim_srv_now(s);
	size_t i;

	if (created != NULL)
		*created = false;
	if (cookie != NULL && cookie_id(cookie, id)) {
		for (i = 0; i < FSIM_SERVER_MAX_SESSIONS; i++) {
			ss = &s->sessions[i];
			if (ss->used && CRYPTO_memcmp(ss->id, id, sizeof(id)) == 0) {
				ss->last_used = now;
				return ss;
			}
		}
	}
	if (!create)
		return NULL;
	for (i = 0; i < FSIM_SERVER_MAX_SESSIONS; i++) {
		ss = &s->sessions[i];
		if (!ss->used || now - ss->last_used > SESSION_IDLE) {
			free_slot = ss;
			break;
		}
		if (oldest == NULL || ss->last_used < oldest->last_used)
			oldest = ss;
	}
	ss = free_slot != NULL ? free_slot : oldest;
	memset(ss, 0, sizeof(*ss));
	if (fsim_srv_random(s, ss->id, sizeof(ss->id)) != 0)
		return NULL;
	ss->used = true;
	ss->last_used = now;
	if (created != NULL)
		*created = true;
	return ss;
}

/* ---- credentials ---- */

srv_cred_t *
fsim_srv_cred_find(fsim_server_t *s, const uint8_t *id, size_t len)
{
	size_t i;

	for (i = 0; i < s->n_creds; i++)
		if (fsim_blob_eq(&s->creds[i].id, id, len))
			return &s->creds[i];
	return NULL;
}

size_t
fsim_srv_user_creds(fsim_server_t *s, const char *username, srv_cred_t **out, size_t max)
{
	size_t i, n = 0;

	/* Newest first, as webauthn.io's "last 64". */
	for (i = s->n_creds; i-- > 0 && n < max;)
		if (strcmp(s->creds[i].username, username) == 0)
			out[n++] = &s->creds[i];
	return n;
}

static void
cred_reset(srv_cred_t *c)
{
	fsim_blob_reset(&c->id);
	json_decref(c->record);
	memset(c, 0, sizeof(*c));
}

int
fsim_srv_cred_add(fsim_server_t *s, const srv_cred_t *c)
{
	srv_cred_t n;

	if (s->n_creds >= FSIM_SERVER_MAX_CREDS)
		return FSIM_ERR_ARG;
	if (s->n_creds == s->cap_creds) {
		size_t cap = s->cap_creds ? s->cap_creds * 2 : 64;
		srv_cred_t *v = realloc(s->creds, cap * sizeof(*v));

		if (v == NULL)
			return FSIM_ERR_NOMEM;
		s->creds = v;
		s->cap_creds = cap;
	}
	n = *c;
	memset(&n.id, 0, sizeof(n.id));
	if (fsim_blob_set(&n.id, c->id.ptr, c->id.len) != 0)
		return FSIM_ERR_NOMEM;
	json_incref(n.record);
	s->creds[s->n_creds++] = n;
	s->gen++;
	return 0;
}

/* ---- the data file ---- */

static json_t *
data_json(fsim_server_t *s)
{
	json_t *root = json_object(), *arr = json_array();
	size_t i;

	if (root == NULL || arr == NULL)
		goto fail;
	if (json_object_set_new(root, "version", json_integer(1)) != 0 ||
	    json_object_set_new(root, "rpId", json_string(s->rp_id)) != 0)
		goto fail;
	for (i = 0; i < s->n_creds; i++) {
		const srv_cred_t *c = &s->creds[i];
		json_t *e = json_pack("{s:s, s:I, s:o, s:O}", "username", c->username,
		    "created", (json_int_t)c->created, "discoverable",
		    c->discoverable < 0 ? json_null() : json_boolean(c->discoverable),
		    "record", c->record);

		if (e == NULL || json_array_append_new(arr, e) != 0)
			goto fail;
	}
	if (json_object_set_new(root, "credentials", arr) != 0) {
		arr = NULL;
		goto fail;
	}
	return root;
fail:
	json_decref(arr);
	json_decref(root);
	return NULL;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* write, fsync, rename, fsync the folder: a crash leaves the old or the new file. */
static int
atomic_write(const char *dir, const char *text)
{
	char path[4096], tmp[4200];
	int fd, r = FSIM_ERR_IO;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, DATA_FILE) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return FSIM_ERR_ARG;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return FSIM_ERR_IO;
	if (write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
		close(fd);
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0)
		goto fail;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	return 0;
fail:
	unlink(tmp);
	return r;
}

int
fsim_srv_save(fsim_server_t *s)
{
	unsigned long long gen;
	json_t *j = NULL;
	char *text = NULL;
	int r = 0;

	if (s->data_dir == NULL)
		return 0;
	/*
	 * One writer at a time; each writes the newest state, so savers that
	 * waited behind it find nothing left to write.
	 */
	pthread_mutex_lock(&s->save_lock);
	pthread_mutex_lock(&s->lock);
	gen = s->gen;
	if (gen != s->saved_gen && (j = data_json(s)) == NULL)
		r = FSIM_ERR_NOMEM;
	pthread_mutex_unlock(&s->lock);
	if (j != NULL && (text = json_dumps(j, JSON_INDENT(1))) == NULL)
		r = FSIM_ERR_NOMEM;
	if (text != NULL && (r = atomic_write(s->data_dir, text)) == 0)
		s->saved_gen = gen;
	pthread_mutex_unlock(&s->save_lock);
	json_decref(j);
	free(text);
	return r;
}

static int
load_data(fsim_server_t *s, char *err, size_t errlen)
{
	char path[4096];
	fsim_blob_t in = { NULL, 0 };
	json_t *root = NULL, *arr, *e;
	fsim_diags_t d;
	struct stat st;
	size_t i;
	int r = FSIM_ERR_FORMAT;

	fsim_diags_init(&d);
	if (mkdir(s->data_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "--data %s: cannot create the folder: %s", s->data_dir,
		    strerror(errno));
		return FSIM_ERR_IO;
	}
	if (stat(s->data_dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(s->data_dir, W_OK) != 0) {
		snprintf(err, errlen, "--data %s: not a writable folder", s->data_dir);
		return FSIM_ERR_IO;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", s->data_dir, DATA_FILE) >= sizeof(path)) {
		snprintf(err, errlen, "--data: path too long");
		return FSIM_ERR_ARG;
	}
	if (stat(path, &st) != 0 && errno == ENOENT)
		return 0;
	if (fsim_read_file(path, DATA_MAX, &in) != 0) {
		snprintf(err, errlen, "%s: cannot read it (or it is over %u bytes)", path, DATA_MAX);
		return FSIM_ERR_IO;
	}
	if (fsim_json_load(in.ptr, in.len, &root, NULL, "credentials") != 0 ||
	    !json_is_object(root) || json_integer_value(json_object_get(root, "version")) != 1 ||
	    !json_is_array(arr = json_object_get(root, "credentials"))) {
		snprintf(err, errlen, "%s: not a fidosim serve credentials file (version 1); "
		    "left as it is", path);
		goto fail;
	}
	json_array_foreach(arr, i, e) {
		srv_cred_t c;
		fsim_cred_record_t *rec = NULL;
		const json_t *u = json_object_get(e, "username");
		const json_t *disc = json_object_get(e, "discoverable");

		memset(&c, 0, sizeof(c));
		if (!json_is_string(u) || json_string_length(u) > FSIM_SERVER_USERNAME_MAX ||
		    fsim_record_from_json(json_object_get(e, "record"), &rec, &d) != 0) {
			snprintf(err, errlen, "%s: credentials[%zu] is not a valid entry "
			    "(username, record); left as it is", path, i);
			goto fail;
		}
		snprintf(c.username, sizeof(c.username), "%s", json_string_value(u));
		fsim_srv_user_id(c.username, c.user_id);
		c.created = (long long)json_integer_value(json_object_get(e, "created"));
		c.discoverable = json_is_boolean(disc) ? json_is_true(disc) : -1;
		c.record = json_object_get(e, "record");
		c.id = rec->id;
		if (fsim_srv_cred_find(s, c.id.ptr, c.id.len) != NULL) {
			fsim_record_free(&rec);
			snprintf(err, errlen, "%s: credentials[%zu] repeats a credential ID; "
			    "left as it is", path, i);
			goto fail;
		}
		r = fsim_srv_cred_add(s, &c);
		fsim_record_free(&rec);
		if (r != 0) {
			snprintf(err, errlen, "%s: too many credentials or out of memory", path);
			goto fail;
		}
		r = FSIM_ERR_FORMAT;
	}
	s->saved_gen = s->gen;
	r = 0;
fail:
	json_decref(root);
	fsim_blob_reset(&in);
	fsim_diags_clear(&d);
	return r;
}

/* ---- reports ---- */

long
fsim_srv_report_add(fsim_server_t *s, json_t *entry)
{
	long id = s->next_report;
	json_t **slot = &s->reports[(size_t)(id - 1) % FSIM_SERVER_MAX_REPORTS];

	if (entry == NULL || json_object_set_new(entry, "id", json_integer(id)) != 0) {
		json_decref(entry);
		return 0;
	}
	json_decref(*slot);
	*slot = entry;
	s->next_report++;
	return id;
}

static json_t *
report_get(fsim_server_t *s, long id)
{
	json_t *e;

	if (id <= 0 || id >= s->next_report || s->next_report - id > FSIM_SERVER_MAX_REPORTS)
		return NULL;
	e = s->reports[(size_t)(id - 1) % FSIM_SERVER_MAX_REPORTS];
	return e != NULL ? json_deep_copy(e) : NULL;
}

static json_t *
report_list(fsim_server_t *s)
{
	json_t *arr = json_array();
	long id = s->next_report - FSIM_SERVER_MAX_REPORTS;

	if (id < 1)
		id = 1;
	for (; arr != NULL && id < s->next_report; id++) {
		const json_t *e = s->reports[(size_t)(id - 1) % FSIM_SERVER_MAX_REPORTS];
		json_t *sum;
		const char *k;
		json_t *v;

		if (e == NULL || (sum = json_object()) == NULL)
			continue;
		json_object_foreach((json_t *)e, k, v)
			if (strcmp(k, "report") != 0)
				json_object_set(sum, k, v);
		if (json_array_append_new(arr, sum) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* ---- dispatch ---- */

void
fsim_srv_fail(srv_answer_t *a, int api, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
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
	json_t *j = NULL;
	char *end;
	long id;

	pthread_mutex_lock(&s->lock);
	if (*rest == '\0' || strcmp(rest, "/") == 0) {
		if ((j = report_list(s)) != NULL)
			j = json_pack("{s:o}", "reports", j);
		a->status = 200;
	} else if (strcmp(rest, "/last") == 0) {
		srv_session_t *ss = fsim_srv_session(s, cookie, false, NULL);

		if (ss == NULL || (j = report_get(s, ss->last_report)) == NULL) {
			pthread_mutex_unlock(&s->lock);
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 404, "this session has no report yet");
			return;
		}
		a->status = 200;
	} else {
		errno = 0;
		id = strtol(rest + 1, &end, 10);
		if (rest[0] != '/' || rest[1] < '0' || rest[1] > '9' || *end != '\0' ||
		    errno != 0 || (j = report_get(s, id)) == NULL) {
			pthread_mutex_unlock(&s->lock);
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 404, "no report %.40s (reports are "
			    "kept in memory, the last %u)", rest + (rest[0] == '/'),
			    FSIM_SERVER_MAX_REPORTS);
			return;
		}
		a->status = 200;
	}
	pthread_mutex_unlock(&s->lock);
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

static void
dispatch(fsim_server_t *s, const fsim_server_request_t *req, srv_answer_t *a,
    char *set_cookie, size_t sclen)
{
	const struct route *rt = NULL;
	json_t *body = NULL;
	fsim_diags_t d;
	const fsim_diag_t *e;
	size_t i;

	if (strncmp(req->path, "/api/reports", 12) == 0 &&
	    (req->path[12] == '\0' || req->path[12] == '/')) {
		if (strcmp(req->method, "GET") != 0)
			fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 405, "%s wants GET", req->path);
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
		fsim_srv_fail(a, SRV_API_WEBAUTHNIO, 404, "no such endpoint: %.100s", req->path);
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
		fsim_srv_reg_options(s, rt->api, body, req->cookie, a, set_cookie, sclen);
	else if (rt->kind == 1)
		fsim_srv_reg_verify(s, rt->api, body, req->cookie, a);
	else if (rt->kind == 2)
		fsim_srv_auth_options(s, rt->api, body, req->cookie, a, set_cookie, sclen);
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
		resp->body = json_dumps(a.body, JSON_COMPACT);
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
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->n_creds;
	pthread_mutex_unlock(&s->lock);
	return n;
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
	pthread_mutex_init(&s->save_lock, NULL);
	s->next_report = 1;
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
	if (cfg->data_dir != NULL) {
		if ((s->data_dir = strdup(cfg->data_dir)) == NULL)
			goto nomem;
		if ((r = load_data(s, err, errlen)) != 0)
			goto fail;
	}
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
	for (i = 0; i < s->n_creds; i++)
		cred_reset(&s->creds[i]);
	free(s->creds);
	for (i = 0; i < FSIM_SERVER_MAX_REPORTS; i++)
		json_decref(s->reports[i]);
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
	pthread_mutex_destroy(&s->save_lock);
	free(s);
	*sp = NULL;
}
