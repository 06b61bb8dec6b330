/*
 * serve.c — `fidosim serve`: the relying party of rp-sim/server.h over HTTP
 * (libmicrohttpd), and the page at / (rp-sim/www, compiled in). This file
 * only carries bytes: a body size limit, one log line per request on
 * stderr, and a JSON error for whatever the server cannot be asked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli/cli.h"
#include "cli/serve_deadline.h"
#include "cli/mds_cli.h"
#include "rp-sim/policy_preset.h"
#include "cli/report.h"
#include "cli/serve_tls.h"
#include "rp-sim/server.h"

#define CMD "serve"
#define MAX_ORIGINS 16
/*
 * A verification waits for its commit (group commit: one fsync for all
 * that wait together), so threads mostly wait on the disk; with more of
 * them more ceremonies share each commit.
 */
#define DEFAULT_THREADS 16
#define CONN_TIMEOUT 30         /* seconds of silence before a connection is closed */
#define HEADER_DEADLINE 10      /* seconds to send a whole request header (a first one) */
#define BODY_DEADLINE 30        /* seconds to send a whole body (at most 256 KiB) */
#define PER_IP 128              /* connections one client address may hold */

static const char usage[] =
"usage: fidosim serve [--port 8080] [--host 127.0.0.1] [--rp-id localhost]\n"
"         [--origin ORIGIN]... [--policy-preset NAME] [--data DIR]\n"
"         [--mds BLOB [--mds-root PEM]...]\n"
"         [--challenge-ttl SECONDS] [--threads N]\n"
"         [--tls | --tls-cert PEM --tls-key PEM]\n"
"\n"
"A local webauthn.io-style relying party. It serves:\n"
"  /                              a page: webauthn.io's options, register and\n"
"                                 authenticate buttons, and after each ceremony\n"
"                                 the full rp-sim report (rule checklist, flags,\n"
"                                 AAGUID and provider name, attestation type,\n"
"                                 webauthn.io's credential card)\n"
"  POST /registration/options     webauthn.io's API, same paths and JSON:\n"
"  POST /registration/verification  {\"username\", \"response\"}; 200\n"
"  POST /authentication/options     {\"verified\": true} or 400 {\"error\"}\n"
"  POST /authentication/verification\n"
"  POST /attestation/options      the FIDO conformance server API:\n"
"  POST /attestation/result       {\"status\": \"ok\"|\"failed\",\n"
"  POST /assertion/options         \"errorMessage\"}\n"
"  POST /assertion/result\n"
"  GET  /api/reports              the reports of the last 512 verifications;\n"
"  GET  /api/reports/ID|last      one report (last: this session's newest)\n"
"\n"
"A session is a cookie (" FSIM_SERVER_COOKIE "); a challenge is single use and\n"
"expires; a replayed or stale ceremony is refused with 400. Request bodies\n"
"over 256 KiB get 413; a JSON endpoint wants Content-Type: application/json\n"
"(415 otherwise). Every request is logged on stderr, one line each, with what\n"
"the client sent escaped (\\xNN). A connection silent for 30 s is closed, and\n"
"one that takes over 10 s to send its first request header (30 s for a body);\n"
"one\n"
"client address holds at most 128 connections. A request without the session\n"
"cookie never evicts the ceremony of a client that came back with its cookie\n"
"(429 when there is no room). A username is 1 to 64 characters (not bytes).\n"
"\n"
"options:\n"
"  --port N              TCP port (default 8080; 0: any free port, printed)\n"
"  --host ADDR           IPv4 address to listen on (default 127.0.0.1)\n"
"  --rp-id ID            the RP ID (default localhost)\n"
"  --origin ORIGIN       an accepted origin, exact match (repeatable; default\n"
"                        http://localhost:PORT, a secure context for browsers,\n"
"                        or https://RP-ID:PORT with TLS)\n"
"  --tls                 HTTPS with a self-signed certificate for the RP ID\n"
"                        (kept as DIR/tls-cert.pem and DIR/tls-key.pem with\n"
"                        --data, so it stays the same); serve prints how to make\n"
"                        a browser trust it. Any RP ID can then be tried in a\n"
"                        browser: WebAuthn needs https except on localhost\n"
"  --tls-cert PEM, --tls-key PEM   HTTPS with your own certificate and key\n"
"  --policy-preset NAME  judge as this RP library does (see 'fidosim policies';\n"
"                        default spec: WebAuthn L3 and the defaults of\n"
"                        verify-registration/-authentication; py_webauthn is\n"
"                        what webauthn.io runs)\n"
"  --mds BLOB            a FIDO MDS3 BLOB, verified once at start and held:\n"
"                        trust anchors and the status gate of the policy\n"
"                        preset; the report names the authenticator\n"
"                        (authenticator.mds)\n"
"  --mds-root PEM        the BLOB's root instead of GlobalSign R3 / R46\n"
"  --data DIR            keep users, credentials and the reports in the SQLite\n"
"                        database DIR/serve.db (mode 0600; several serve may\n"
"                        share DIR; a ceremony is answered once its change is\n"
"                        on disk); a DIR/credentials.json of earlier versions\n"
"                        is imported and kept as credentials.json-backup\n"
"                        (default: in memory only)\n"
"  --challenge-ttl S     seconds a challenge lives (default 300)\n"
"  --threads N           worker threads (default 16)\n"
"\n"
"It runs until SIGINT or SIGTERM. Try it with curl (a cookie jar keeps the\n"
"session; fidosim create plays the browser):\n"
"  curl -s -c jar -b jar -H 'Content-Type: application/json' \\\n"
"    -d '{\"username\":\"alice\"}' http://localhost:8080/registration/options |\n"
"    fidosim create --origin http://localhost:8080 --store s > reg.json\n"
"  printf '{\"username\":\"alice\",\"response\":%s}' \"$(cat reg.json)\" |\n"
"    curl -s -c jar -b jar -H 'Content-Type: application/json' -d @- \\\n"
"    http://localhost:8080/registration/verification\n"
"\n"
"exit status: 0 after a clean stop; 2 usage error, or the port or --data\n"
"cannot be used.\n";

/* The page, compiled in from rp-sim/www by the Makefile (tests/embed.sh). */
extern const unsigned char fsim_www_index_html[], fsim_www_app_js[], fsim_www_style_css[];
extern const unsigned long fsim_www_index_html_len, fsim_www_app_js_len,
    fsim_www_style_css_len;

static const struct asset {
	const char *path;
	const unsigned char *data;
	const unsigned long *len;
	const char *type;
} assets[] = {
	{ "/", fsim_www_index_html, &fsim_www_index_html_len, "text/html; charset=utf-8" },
	{ "/index.html", fsim_www_index_html, &fsim_www_index_html_len, "text/html; charset=utf-8" },
	{ "/app.js", fsim_www_app_js, &fsim_www_app_js_len, "text/javascript; charset=utf-8" },
	{ "/style.css", fsim_www_style_css, &fsim_www_style_css_len, "text/css; charset=utf-8" },
};

struct serve_ctx {
	fsim_server_t *server;
	fsim_aaguid_names_t *names;
	fsim_deadline_t *deadline;
};

/* One request in flight: its body so far. */
struct conn {
	fsim_blob_t body;
	bool too_big;
	struct timeval start;
};

static json_t *
report_model(const fsim_rp_result_t *res, const json_t *response, void *ctx)
{
	const struct serve_ctx *c = ctx;

	return fsim_report_model(res, c->names, response);
}

/* The client's address as text, "-" when unknown. */
static const char *
client_addr(struct MHD_Connection *mc, char *addr, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(addr, len, "-");
	if (ci != NULL && ci->client_addr != NULL && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
		    addr, (socklen_t)len);
	return addr;
}

/*
 * One line per request. The URL (decoded by libmicrohttpd: %0a is a
 * newline by then) and the note (which may quote the client) are escaped,
 * so no client can forge or break a line.
 */
static void
log_line(struct MHD_Connection *mc, const char *method, const char *url, int status,
    size_t len, const struct conn *cn, const char *note)
{
	char addr[INET6_ADDRSTRLEN], ts[32], eurl[4 * 200 + 4], emethod[4 * 16 + 4];
	char enote[4 * 160 + 4];
	struct timeval now;
	struct tm tm;
	time_t t;
	long ms;

	client_addr(mc, addr, sizeof(addr));
	fsim_server_escape(url, url != NULL ? strlen(url) : 0, 200, eurl, sizeof(eurl));
	fsim_server_escape(method, method != NULL ? strlen(method) : 0, 16, emethod,
	    sizeof(emethod));
	fsim_server_escape(note, note != NULL ? strlen(note) : 0, 160, enote, sizeof(enote));
	gettimeofday(&now, NULL);
	ms = cn != NULL ? (now.tv_sec - cn->start.tv_sec) * 1000L +
	    (now.tv_usec - cn->start.tv_usec) / 1000L : 0;
	t = now.tv_sec;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One write per line, so threads do not interleave within a line. */
	fprintf(stderr, "%s %s %s %s %d %zu %ldms%s%s\n", ts, addr, emethod, eurl, status,
	    len, ms, enote[0] ? " " : "", enote);
}

static enum MHD_Result
reply(struct MHD_Connection *mc, int status, const char *type, const void *data, size_t len,
    enum MHD_ResponseMemoryMode mode, const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    mode);
	enum MHD_Result ok;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (strncmp(type, "text/html", 9) == 0)
		MHD_add_response_header(r, "Content-Security-Policy",
		    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
		    "base-uri 'none'; frame-ancestors 'none'");
	if (cookie != NULL && cookie[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	ok = MHD_queue_response(mc, (unsigned)status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result
send_error(struct MHD_Connection *mc, const char *method, const char *url, int status,
    const char *msg, const struct conn *cn)
{
	json_t *j = json_pack("{s:s}", "error", msg);
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	enum MHD_Result ok;

	json_decref(j);
	log_line(mc, method, url, status, s ? strlen(s) : 0, cn, msg);
	if (s == NULL)
		return reply(mc, 500, "application/json", "{\"error\":\"out of memory\"}", 25,
		    MHD_RESPMEM_PERSISTENT, NULL);
	ok = reply(mc, status, "application/json", s, strlen(s), MHD_RESPMEM_MUST_FREE, NULL);
	if (ok != MHD_YES)
		free(s);
	return ok;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct serve_ctx *ctx = cls;
	struct conn *cn = *con_cls;
	fsim_server_request_t req;
	fsim_server_response_t resp;
	enum MHD_Result ok;
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	(void)version;
	if (cn == NULL) {
		const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);

		if ((cn = calloc(1, sizeof(*cn))) == NULL)
			return MHD_NO;
		gettimeofday(&cn->start, NULL);
		*con_cls = cn;
		fsim_deadline_phase(ctx->deadline, mc, true);
		/* Refuse a declared oversize body before reading it. */
		if (cl != NULL && strtoull(cl, NULL, 10) > FSIM_SERVER_BODY_MAX)
			return send_error(mc, method, url, 413, "the body is over the 262144-byte "
			    "limit", cn);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!cn->too_big && cn->body.len + *upload_size > FSIM_SERVER_BODY_MAX) {
			cn->too_big = true;
			fsim_blob_reset(&cn->body);
		}
		if (!cn->too_big && fsim_blob_append(&cn->body, (const uint8_t *)upload,
		    *upload_size) != 0)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (cn->too_big)
		return send_error(mc, method, url, 413, "the body is over the 262144-byte limit", cn);
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		for (i = 0; i < sizeof(assets) / sizeof(assets[0]); i++)
			if (strcmp(url, assets[i].path) == 0) {
				log_line(mc, method, url, 200, *assets[i].len, cn, NULL);
				return reply(mc, 200, assets[i].type, assets[i].data, *assets[i].len,
				    MHD_RESPMEM_PERSISTENT, NULL);
			}
	if (ctx->server == NULL)
		return send_error(mc, method, url, 503, "starting", cn);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = url;
	req.cookie = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	req.body = cn->body.ptr;
	req.body_len = cn->body.len;
	req.content_type = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	req.client = client_addr(mc, addr, sizeof(addr));
	if (fsim_server_handle(ctx->server, &req, &resp) != 0)
		return send_error(mc, method, url, 500, "out of memory", cn);
	log_line(mc, method, url, resp.status, resp.body_len, cn, resp.log);
	ok = reply(mc, resp.status, "application/json", resp.body, resp.body_len,
	    MHD_RESPMEM_MUST_FREE, resp.set_cookie);
	if (ok == MHD_YES)
		resp.body = NULL;       /* libmicrohttpd frees it */
	fsim_server_response_reset(&resp);
	return ok;
}

static void
completed(void *cls, struct MHD_Connection *mc, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct serve_ctx *ctx = cls;
	struct conn *cn = *con_cls;

	(void)toe;
	/* the next request on this connection has HEADER_DEADLINE from now */
	fsim_deadline_phase(ctx->deadline, mc, false);
	if (cn != NULL) {
		fsim_blob_reset(&cn->body);
		free(cn);
		*con_cls = NULL;
	}
}

static int
parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || n > max)
		return -1;
	*out = n;
	return 0;
}

static fsim_trust_t *
shipped_trust(void)
{
	fsim_trust_t *t = NULL;
	char path[4200];

	if (fsim_trust_new(&t) != 0)
		return NULL;
	/* Apple and Google roots, so apple and android-key chains verify offline. */
	if (fsim_data_path("trust", path, sizeof(path)) == 0 &&
	    fsim_trust_add_path(t, path, NULL) != 0)
		fprintf(stderr, "fidosim serve: warning: some shipped trust anchors in %s did "
		    "not load\n", path);
	return t;
}

static int
run(int argc, char **argv)
{
	const char *origins[MAX_ORIGINS], *host = "127.0.0.1", *rp_id = "localhost";
	const char *data = NULL, *tls_cert = NULL, *tls_key = NULL;
	bool tls = false;
	fsim_serve_tls_t tp;
	char cert_tmp[64] = "";
	unsigned long port = 8080, ttl = 300, threads = DEFAULT_THREADS, v;
	size_t n_origins = 0;
	struct sockaddr_in sa;
	struct MHD_Daemon *d = NULL;
	struct serve_ctx ctx;
	fsim_server_config_t cfg;
	const fsim_rp_preset_t *preset = fsim_rp_preset_find("spec");
	fsim_rp_policy_t base;
	fsim_trust_t *trust = NULL;
	const union MHD_DaemonInfo *di;
	char def_origin[300], err[512];
	sigset_t set;
	struct fsim_cli_mds_opts mdso;
	fsim_mds_t *mds = NULL;
	int i, k, sig, r = FSIM_EXIT_USAGE;

	memset(&ctx, 0, sizeof(ctx));
	memset(&mdso, 0, sizeof(mdso));
	memset(&tp, 0, sizeof(tp));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (fsim_cli_is_help(a)) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		}
		if (strcmp(a, "--tls") == 0) {
			tls = true;
			continue;
		}
		if (a[0] != '-' || strcmp(a, "-") == 0)
			return fsim_cli_usage_error(CMD, "unexpected argument '%s'", a);
		if ((k = fsim_cli_mds_opt(CMD, argc, argv, &i, &mdso)) != 0) {
			if (k != 1)
				return k;
			continue;
		}
		if (val == NULL)
			return fsim_cli_usage_error(CMD, "%s needs a value (or is unknown)", a);
		i++;
		if (strcmp(a, "--port") == 0) {
			if (parse_uint(val, 65535, &port) != 0)
				return fsim_cli_usage_error(CMD, "--port wants 0 to 65535, got '%s'", val);
		} else if (strcmp(a, "--host") == 0)
			host = val;
		else if (strcmp(a, "--rp-id") == 0) {
			if (val[0] == '\0' || strlen(val) > 253)
				return fsim_cli_usage_error(CMD, "--rp-id wants a domain name");
			rp_id = val;
		} else if (strcmp(a, "--origin") == 0) {
			if (n_origins == MAX_ORIGINS)
				return fsim_cli_usage_error(CMD, "at most %d --origin", MAX_ORIGINS);
			if (strncmp(val, "http://", 7) != 0 && strncmp(val, "https://", 8) != 0)
				return fsim_cli_usage_error(CMD, "--origin wants http(s)://HOST[:PORT], "
				    "got '%s'", val);
			origins[n_origins++] = val;
		} else if (strcmp(a, "--policy-preset") == 0) {
			/* "default" is the spec preset (its old name here). */
			if ((preset = fsim_rp_preset_find(strcmp(val, "default") == 0 ? "spec" :
			    val)) == NULL)
				return fsim_cli_usage_error(CMD, "unknown --policy-preset '%s' "
				    "(see 'fidosim policies')", val);
		} else if (strcmp(a, "--data") == 0)
			data = val;
		else if (strcmp(a, "--tls-cert") == 0)
			tls_cert = val;
		else if (strcmp(a, "--tls-key") == 0)
			tls_key = val;
		else if (strcmp(a, "--challenge-ttl") == 0) {
			if (parse_uint(val, 86400, &ttl) != 0 || ttl == 0)
				return fsim_cli_usage_error(CMD, "--challenge-ttl wants 1 to 86400 "
				    "seconds, got '%s'", val);
		} else if (strcmp(a, "--threads") == 0) {
			if (parse_uint(val, 64, &v) != 0 || v == 0)
				return fsim_cli_usage_error(CMD, "--threads wants 1 to 64, got '%s'", val);
			threads = v;
		} else
			return fsim_cli_usage_error(CMD, "unknown option '%s'", a);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host,
	    &sa.sin_addr) != 1)
		return fsim_cli_usage_error(CMD, "--host wants an IPv4 address, got '%s'", host);

	if (tls || tls_cert != NULL || tls_key != NULL) {
		if (tls && (tls_cert != NULL || tls_key != NULL))
			return fsim_cli_usage_error(CMD, "--tls makes a certificate; with "
			    "--tls-cert/--tls-key give neither --tls");
		if (fsim_serve_tls_load(tls_cert, tls_key, rp_id, data, &tp, err,
		    sizeof(err)) != 0)
			return fsim_cli_usage_error(CMD, "%s", err);
		tls = true;
		if (tp.cert_path[0] == '\0' &&
		    fsim_serve_tls_write_cert(&tp, cert_tmp, sizeof(cert_tmp)) == 0)
			snprintf(tp.cert_path, sizeof(tp.cert_path), "%s", cert_tmp);
	}

	/* Verified once; every verification of the server reads the same index. */
	if (fsim_cli_mds_load(CMD, &mdso, time(NULL), &mds) != 0)
		goto out;

	/* SIGINT and SIGTERM are waited for below; the worker threads never see them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/*
	 * Hostile clients: a connection that sends nothing for
	 * CONN_TIMEOUT seconds is closed (a header or body trickled slower
	 * than that never completes), one address holds at most PER_IP
	 * connections (slow ones from one client cannot take every slot), a
	 * header trickled in for longer than HEADER_DEADLINE (a body, for
	 * BODY_DEADLINE) is cut off (serve_deadline.c), and epoll
	 * (MHD_USE_AUTO) is not limited to FD_SETSIZE descriptors.
	 */
	if (fsim_deadline_start(HEADER_DEADLINE, BODY_DEADLINE, CONN_TIMEOUT, &ctx.deadline) != 0) {
		fprintf(stderr, "fidosim serve: cannot start the request deadlines\n");
		goto out;
	}
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG |
	    (tls ? MHD_USE_TLS : 0),
	    (uint16_t)port, NULL, NULL, handle, &ctx,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, &ctx,
	    MHD_OPTION_NOTIFY_CONNECTION, fsim_deadline_notify, ctx.deadline,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)PER_IP,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1000,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    /* MHD stops at the first MHD_OPTION_END: without TLS the last two are not read */
	    tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, (const char *)tp.cert_pem.ptr,
	    MHD_OPTION_HTTPS_MEM_KEY, (const char *)tp.key_pem.ptr,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "fidosim serve: cannot listen on %s:%lu (in use, or not an "
		    "address of this machine?)\n", host, port);
		goto out;
	}
	if ((di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) != NULL && di->port != 0)
		port = di->port;
	if (n_origins == 0) {
		snprintf(def_origin, sizeof(def_origin), "%s://%s:%lu", tls ? "https" : "http",
		    tls ? rp_id : "localhost", port);
		origins[n_origins++] = def_origin;
	}
	if (fsim_aaguid_names_load(NULL, &ctx.names, NULL) != 0)
		ctx.names = NULL;
	if ((trust = shipped_trust()) == NULL) {
		fprintf(stderr, "fidosim serve: out of memory\n");
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = rp_id;
	cfg.origins = origins;
	cfg.n_origins = n_origins;
	cfg.data_dir = data;
	cfg.challenge_ttl = (unsigned)ttl;
	cfg.trust = trust;
	fsim_rp_policy_init(&base);
	fsim_rp_preset_apply(preset, &base);
	base.mds = mds;
	cfg.policy = &base;
	cfg.report = report_model;
	cfg.report_ctx = &ctx;
	if (fsim_server_new(&cfg, &ctx.server, err, sizeof(err)) != 0) {
		fprintf(stderr, "fidosim serve: %s\n", err);
		goto out;
	}
	/*
	 * The page works only at an origin whose host is the RP ID (WebAuthn L3
	 * 5.1.3 step 8), so the URL to open comes first; 127.0.0.1 is for API
	 * clients, on the same line for scripts that read the port from it.
	 */
	printf("fidosim serve: open %s/ in a browser (RP ID %s, origin %s%s; "
	    "%zu credential%s%s%s); listening on %s://%s:%lu/ for API clients\n",
	    origins[0], rp_id, origins[0], n_origins > 1 ? " and more" : "",
	    fsim_server_cred_count(ctx.server), fsim_server_cred_count(ctx.server) == 1 ? "" : "s",
	    data ? " in " : ", in memory", data ? data : "", tls ? "https" : "http", host, port);
	if (tls && tp.self_signed) {
		printf("fidosim serve: self-signed certificate %s (SPKI SHA-256 %s)\n",
		    tp.cert_path[0] ? tp.cert_path : "(not written)", tp.spki_sha256);
		bool lh = strcmp(rp_id, "localhost") == 0;
		char res[320] = "";

		if (!lh)
			snprintf(res, sizeof(res), " --resolve %s:%lu:127.0.0.1", rp_id, port);
		printf("fidosim serve: to trust it: chromium "
		    "--ignore-certificate-errors-spki-list=%s%s%s%s; curl --cacert %s%s\n",
		    tp.spki_sha256, lh ? "" : " --host-resolver-rules='MAP ", lh ? "" : rp_id,
		    lh ? "" : " 127.0.0.1'", tp.cert_path[0] ? tp.cert_path : "CERT", res);
	}
	fflush(stdout);
	do {
		if (sigwait(&set, &sig) != 0)
			break;
	} while (sig != SIGINT && sig != SIGTERM);
	fprintf(stderr, "fidosim serve: stopping (signal %d)\n", sig);
	r = FSIM_EXIT_OK;
out:
	if (d != NULL)
		MHD_stop_daemon(d);
	fsim_deadline_stop(&ctx.deadline);
	fsim_server_free(&ctx.server);
	fsim_aaguid_names_free(&ctx.names);
	fsim_trust_free(&trust);
	fsim_mds_free(&mds);
	if (cert_tmp[0] != '\0')
		(void)unlink(cert_tmp);
	fsim_serve_tls_reset(&tp);
	return r;
}

const fsim_cmd_t fsim_cmd_serve = {
	"serve", run,
	"a local webauthn.io-style relying party (page, webauthn.io and FIDO APIs)",
	usage,
};
