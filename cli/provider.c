/*
 * provider.c — `fidosim provider`: the local provider service that the
 * browser extension (browser/extension/) and the Playwright helper
 * (browser/playwright/) call. This file carries HTTP (libmicrohttpd) and
 * guards the door: loopback only, a random token in a 0600 file on every
 * request, the Host header checked (no DNS rebinding), no CORS for any
 * origin but the extension's. The ceremonies and settings are
 * harness/provider.c's.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "cli/authn_opts.h"
#include "cli/cli.h"
#include "cli/provider_door.h"
#include "harness/provider.h"

#define CMD FSIM_PROVIDER_CMD
#define BODY_MAX (256u * 1024u)
#define MAX_ALLOWED 8
/*
 * The extension's origin: browser/extension/manifest.json carries a public
 * "key", so the unpacked extension's ID is the same on every machine
 * (Chromium derives it from the key: SHA-256, first 16 bytes, each nibble
 * as a-p). tests/integration/provider_http.sh checks the two agree.
 */
#define EXTENSION_ORIGIN "chrome-extension://hlcihllicapcfnnjnhepbkbppcpjemef"

static const char usage[] =
"usage: fidosim provider --listen 127.0.0.1:PORT [--token-file FILE]\n"
"         [--allow-origin ORIGIN]... [--rp-policy NAME]\n"
"         [--preset NAME|FILE] [--platform NAME|FILE] [--no-platform-rule RULE]...\n"
"         [--store FILE] [--aaguid UUID] [--be 0|1] [--bs 0|1] [--uv MODE]\n"
"         [--algs LIST] [--attestation-format FMT] [--counter MODE]\n"
"         [--transports LIST] [--rk 0|1] [--quirk NAME]... [--seed HEX]\n"
"\n"
"Be a passkey provider for a real browser: a local service that answers\n"
"navigator.credentials.create() and get() for the fidosim browser extension\n"
"(browser/extension/) and the Playwright helper (browser/playwright/). It takes\n"
"the options JSON of a ceremony and the caller's origin and returns exactly what\n"
"'fidosim create' / 'fidosim get' print for the same store, settings, options and\n"
"origin: the PublicKeyCredential JSON, or the refusal as a DOMException name and\n"
"message. The settings (preset, platform, flags) change while it runs.\n"
"\n"
"The door: it listens on loopback only; at start it writes a random token to\n"
"a file of mode 0600 (removed at exit), and every request must carry it as\n"
"'Authorization: Bearer TOKEN'; a request whose Host is not this service's\n"
"address is refused (no DNS rebinding), and so is one whose Origin header is\n"
"not allowed (only the extension's, by default); CORS answers only allowed\n"
"origins. The extension's service worker, not the page, names the origin of\n"
"a ceremony: the tab's real origin.\n"
"\n"
"API (JSON in and out; errors are 4xx {\"error\": \"...\"}):\n"
"  POST /create        {\"options\": CreationOptionsJSON, \"origin\": ORIGIN}: 200 with\n"
"  POST /get           {\"options\": RequestOptionsJSON, \"origin\": ORIGIN}   the\n"
"                      response JSON, or the refusal {\"name\",\"message\",\n"
"                      \"ctapStatus\"?,\"rule\"?}; X-Fidosim-Outcome says which\n"
"                      (credential / refusal)\n"
"  GET  /settings      the settings, and the presets, platforms, policies known\n"
"  POST /settings      change some: {\"preset\", \"platform\", \"platformRulesOff\",\n"
"                      \"aaguid\", \"be\", \"bs\", \"uv\", \"counter\",\n"
"                      \"attestationFormat\", \"algs\", \"transports\", \"rk\",\n"
"                      \"quirks\", \"rpPolicy\"}; a preset replaces the settings\n"
"                      first; all or nothing\n"
"  GET  /last          the last ceremony: what the provider emitted, what the\n"
"                      platform delivered (and which rule did what), and\n"
"                      rp-sim's verdict when it can know it\n"
"  GET  /capabilities  for getClientCapabilities() and friends\n"
"One line per ceremony (and per refused request) is logged on stderr.\n"
"\n"
"options:\n"
"  --listen ADDR:PORT    127.0.0.1:PORT, [::1]:PORT or localhost:PORT (loopback\n"
"                        only; PORT 0: any free port, printed)\n"
"  --token-file FILE     where the token goes (default\n"
"                        $XDG_DATA_HOME/fidosim/provider.token, else\n"
"                        ~/.local/share/fidosim/provider.token)\n"
"  --allow-origin ORIGIN an Origin header accepted (repeatable; default the\n"
"                        extension's, " EXTENSION_ORIGIN "); requests\n"
"                        without an Origin header (curl, the Playwright helper) need\n"
"                        only the token\n"
"  --rp-policy NAME      the rp-sim policy preset of /last's verdict (default spec)\n"
"  --platform NAME|FILE  what the client or OS does to the provider's output\n"
"                        (default spec-l3; see 'fidosim platforms')\n"
"  --no-platform-rule R  switch one rule of the platform off (repeatable)\n"
FSIM_CLI_AUTHN_OPTS_USAGE
"\n"
"Its first line on stdout names the URL, the token file and the allowed\n"
"origins; it runs until SIGINT or SIGTERM. Try it:\n"
"  fidosim provider --listen 127.0.0.1:8765 --preset icloud-keychain \\\n"
"    --platform safari-macos --token-file tok &\n"
"  curl -s -H \"Authorization: Bearer $(cat tok)\" http://127.0.0.1:8765/settings\n"
"\n"
"exit status: 0 after a clean stop; 2 usage error, or the address, the store\n"
"or the token file cannot be used.\n";

struct ctx {
	fsim_provider_t *prov;
	char token[64];
	const char *allowed[MAX_ALLOWED];
	size_t n_allowed;
	char hosts[3][64];              /* Host header values that name this service */
};

struct conn {
	fsim_blob_t body;
	bool too_big;
};

static void
log_line(const char *method, const char *url, int status, const char *note)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One write per line; the URL and note are ours or cut short. */
	fprintf(stderr, "%s %s %.100s %d %.700s\n", ts, method, url, status, note ? note : "");
}

static enum MHD_Result
reply(struct MHD_Connection *mc, int status, const char *cors, char *body, const char *outcome)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ok;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Vary", "Origin");
	if (cors != NULL) {
		MHD_add_response_header(r, "Access-Control-Allow-Origin", cors);
		MHD_add_response_header(r, "Access-Control-Expose-Headers", "X-Fidosim-Outcome");
	}
	if (outcome != NULL)
		MHD_add_response_header(r, "X-Fidosim-Outcome", outcome);
	ok = MHD_queue_response(mc, (unsigned)status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result
reply_json(struct MHD_Connection *mc, int status, const char *cors, json_t *j,
    const char *outcome)
{
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (s == NULL)
		return MHD_NO;
	return reply(mc, status, cors, s, outcome);
}

static enum MHD_Result
refuse(struct MHD_Connection *mc, const char *method, const char *url, int status,
    const char *cors, const char *msg)
{
	log_line(method, url, status, msg);
	return reply_json(mc, status, cors, json_pack("{s:s}", "error", msg), NULL);
}

static const char *
header(struct MHD_Connection *mc, const char *name)
{
	return MHD_lookup_connection_value(mc, MHD_HEADER_KIND, name);
}

static bool
origin_allowed(const struct ctx *c, const char *origin)
{
	size_t i;

	for (i = 0; i < c->n_allowed; i++)
		if (strcmp(origin, c->allowed[i]) == 0)
			return true;
	return false;
}

static bool
token_ok(const struct ctx *c, const char *auth)
{
	size_t n = strlen(c->token);

	if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) != n)
		return false;
	return CRYPTO_memcmp(auth + 7, c->token, n) == 0;
}

/* The body as a JSON object; NULL after a 400 naming the problem. */
static json_t *
body_json(struct MHD_Connection *mc, const char *method, const char *url, const char *cors,
    const struct conn *cn, enum MHD_Result *ok)
{
	fsim_diags_t d;
	const fsim_diag_t *e;
	json_t *j = NULL;
	char msg[400], line[300];

	fsim_diags_init(&d);
	if (fsim_json_load(cn->body.ptr, cn->body.len, &j, &d, "body") != 0 || !json_is_object(j)) {
		if ((e = fsim_diags_first(&d, FSIM_SEV_ERROR)) != NULL)
			fsim_diag_format(e, line, sizeof(line));
		else
			snprintf(line, sizeof(line), "not a JSON object");
		snprintf(msg, sizeof(msg), "the request body must be a JSON object: %s", line);
		json_decref(j);
		j = NULL;
		*ok = refuse(mc, method, url, 400, cors, msg);
	}
	fsim_diags_clear(&d);
	return j;
}

static enum MHD_Result
ceremony(struct ctx *c, struct MHD_Connection *mc, const char *method, const char *url,
    const char *cors, const struct conn *cn, bool create)
{
	fsim_provider_answer_t a;
	enum MHD_Result ok = MHD_NO;
	json_t *req, *opts;
	const char *origin;
	char err[600];
	int r;

	if ((req = body_json(mc, method, url, cors, cn, &ok)) == NULL)
		return ok;
	opts = json_object_get(req, "options");
	origin = json_string_value(json_object_get(req, "origin"));
	if (opts == NULL) {
		json_decref(req);
		return refuse(mc, method, url, 400, cors, "options: missing (the options JSON of "
		    "the ceremony)");
	}
	if (json_object_get(req, "origin") != NULL && origin == NULL) {
		json_decref(req);
		return refuse(mc, method, url, 400, cors, "origin: wants a string");
	}
	err[0] = '\0';
	r = create ? fsim_provider_create(c->prov, opts, origin, &a, err, sizeof(err)) :
	    fsim_provider_get(c->prov, opts, origin, &a, err, sizeof(err));
	json_decref(req);
	if (r == FSIM_ERR_JSON)
		return refuse(mc, method, url, 400, cors, err);
	if (r != 0)
		return refuse(mc, method, url, 500, cors, fsim_strerr(r));
	log_line(method, url, 200, a.log);
	ok = reply_json(mc, 200, cors, a.json, a.refused ? "refusal" : "credential");
	a.json = NULL;
	fsim_provider_answer_reset(&a);
	return ok;
}

static enum MHD_Result
settings(struct ctx *c, struct MHD_Connection *mc, const char *method, const char *url,
    const char *cors, const struct conn *cn)
{
	enum MHD_Result ok = MHD_NO;
	char err[1600], note[1700];
	json_t *req;

	if ((req = body_json(mc, method, url, cors, cn, &ok)) == NULL)
		return ok;
	if (fsim_provider_configure(c->prov, req, err, sizeof(err)) != 0) {
		json_decref(req);
		return refuse(mc, method, url, 400, cors, err);
	}
	json_decref(req);
	snprintf(note, sizeof(note), "settings changed");
	log_line(method, url, 200, note);
	return reply_json(mc, 200, cors, fsim_provider_settings(c->prov), NULL);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct ctx *c = cls;
	struct conn *cn = *con_cls;
	const char *host, *origin, *cors = NULL;
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	size_t i;

	(void)version;
	if (cn == NULL) {
		const char *cl = header(mc, MHD_HTTP_HEADER_CONTENT_LENGTH);

		if ((cn = calloc(1, sizeof(*cn))) == NULL)
			return MHD_NO;
		*con_cls = cn;
		if (cl != NULL && strtoull(cl, NULL, 10) > BODY_MAX)
			cn->too_big = true;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!cn->too_big && cn->body.len + *upload_size > BODY_MAX) {
			cn->too_big = true;
			fsim_blob_reset(&cn->body);
		}
		if (!cn->too_big && fsim_blob_append(&cn->body, (const uint8_t *)upload,
		    *upload_size) != 0)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	/* Who is asking: this service by name, an allowed origin or none, the token. */
	host = header(mc, MHD_HTTP_HEADER_HOST);
	for (i = 0; host != NULL && i < 3; i++)
		if (strcmp(host, c->hosts[i]) == 0)
			break;
	if (host == NULL || i == 3)
		return refuse(mc, method, url, 403, NULL, "the Host header does not name this "
		    "service (127.0.0.1, localhost or [::1] and its port): refused, as a DNS "
		    "rebinding attempt would be");
	if ((origin = header(mc, "Origin")) != NULL) {
		if (!origin_allowed(c, origin))
			return refuse(mc, method, url, 403, NULL, "this Origin is not allowed to "
			    "call the provider (only the fidosim extension's, or those given with "
			    "--allow-origin)");
		cors = origin;
	}
	if (strcmp(method, "OPTIONS") == 0) {
		/* A CORS preflight from an allowed origin (refused ones stopped above). */
		struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
		enum MHD_Result ok;

		if (r == NULL)
			return MHD_NO;
		if (cors != NULL) {
			MHD_add_response_header(r, "Access-Control-Allow-Origin", cors);
			MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, POST");
			MHD_add_response_header(r, "Access-Control-Allow-Headers",
			    "Authorization, Content-Type");
			MHD_add_response_header(r, "Access-Control-Max-Age", "600");
		}
		MHD_add_response_header(r, "Vary", "Origin");
		ok = MHD_queue_response(mc, 204, r);
		MHD_destroy_response(r);
		return ok;
	}
	if (!token_ok(c, header(mc, MHD_HTTP_HEADER_AUTHORIZATION)))
		return refuse(mc, method, url, 401, cors, header(mc,
		    MHD_HTTP_HEADER_AUTHORIZATION) == NULL ? "no token: send 'Authorization: "
		    "Bearer TOKEN' with the token from the provider's token file" :
		    "wrong token: use the one in the provider's token file (a new one is made "
		    "at every start)");
	if (cn->too_big)
		return refuse(mc, method, url, 413, cors, "the body is over the 262144-byte limit");
	if (strcmp(url, "/create") == 0 || strcmp(url, "/get") == 0) {
		if (!post)
			return refuse(mc, method, url, 405, cors, "use POST");
		return ceremony(c, mc, method, url, cors, cn, url[1] == 'c');
	}
	if (strcmp(url, "/settings") == 0) {
		if (post)
			return settings(c, mc, method, url, cors, cn);
		if (!get)
			return refuse(mc, method, url, 405, cors, "use GET or POST");
		return reply_json(mc, 200, cors, fsim_provider_settings(c->prov), NULL);
	}
	if (strcmp(url, "/last") == 0 || strcmp(url, "/capabilities") == 0 ||
	    strcmp(url, "/") == 0) {
		if (!get)
			return refuse(mc, method, url, 405, cors, "use GET");
		if (url[1] == 'l')
			return reply_json(mc, 200, cors, fsim_provider_last(c->prov), NULL);
		if (url[1] == 'c')
			return reply_json(mc, 200, cors, fsim_provider_capabilities(c->prov), NULL);
		return reply_json(mc, 200, cors, json_pack("{s:s, s:s}", "service",
		    "fidosim provider", "version", FSIM_VERSION), NULL);
	}
	return refuse(mc, method, url, 404, cors, "no such endpoint (POST /create, POST /get, "
	    "GET|POST /settings, GET /last, GET /capabilities)");
}

static void
completed(void *cls, struct MHD_Connection *mc, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)mc;
	(void)toe;
	if (cn != NULL) {
		fsim_blob_reset(&cn->body);
		free(cn);
		*con_cls = NULL;
	}
}

static int
run(int argc, char **argv)
{
	fsim_provider_opts_t po;
	struct fsim_cli_authn_extra x;
	struct fsim_cli_platform_opts plo;
	struct ctx c;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	bool v6 = false;
	unsigned long port = 0;
	const char *listen = NULL, *token_file = NULL;
	char token_path[4096], err[1600];
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *di;
	bool wrote = false;
	sigset_t set;
	size_t k;
	int i, o, sig = 0, r = FSIM_EXIT_USAGE;

	memset(&po, 0, sizeof(po));
	memset(&x, 0, sizeof(x));
	memset(&plo, 0, sizeof(plo));
	memset(&c, 0, sizeof(c));
	fsim_authn_config_init(&po.cfg);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (fsim_cli_is_help(a)) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		}
		if ((o = fsim_cli_authn_opt(CMD, argc, argv, &i, &po.cfg, &x)) == 1)
			continue;
		if (o != 0)
			return o;
		if ((o = fsim_cli_platform_opt(CMD, argc, argv, &i, &plo)) == 1)
			continue;
		if (o != 0)
			return o;
		if (strcmp(a, "--listen") != 0 && strcmp(a, "--token-file") != 0 &&
		    strcmp(a, "--allow-origin") != 0 && strcmp(a, "--rp-policy") != 0)
			return fsim_cli_usage_error(CMD, a[0] == '-' ? "unknown option '%s'" :
			    "unexpected argument '%s'", a);
		if (i + 1 >= argc || argv[i + 1][0] == '\0')
			return fsim_cli_usage_error(CMD, "%s needs a value", a);
		i++;
		if (strcmp(a, "--listen") == 0)
			listen = argv[i];
		else if (strcmp(a, "--token-file") == 0)
			token_file = argv[i];
		else if (strcmp(a, "--rp-policy") == 0)
			po.rp_policy = argv[i];
		else {
			if (c.n_allowed == MAX_ALLOWED)
				return fsim_cli_usage_error(CMD, "at most %d --allow-origin",
				    MAX_ALLOWED);
			if (strcmp(argv[i], "*") == 0 || strcmp(argv[i], "null") == 0)
				return fsim_cli_usage_error(CMD, "--allow-origin wants one exact "
				    "origin, not '%s'", argv[i]);
			c.allowed[c.n_allowed++] = argv[i];
		}
	}
	if (listen == NULL)
		return fsim_cli_usage_error(CMD, "--listen 127.0.0.1:PORT is needed");
	if (fsim_provider_parse_listen(listen, &ss, &sl, &v6, &port) != 0)
		return FSIM_EXIT_USAGE;
	if ((o = fsim_cli_authn_finish(CMD, &po.cfg, &x)) != 0)
		return o;
	if (c.n_allowed == 0)
		c.allowed[c.n_allowed++] = EXTENSION_ORIGIN;
	if (token_file == NULL) {
		if (fsim_provider_token_path(token_path, sizeof(token_path)) != 0)
			return fsim_cli_usage_error(CMD, "no HOME or XDG_DATA_HOME: give "
			    "--token-file");
	} else if (snprintf(token_path, sizeof(token_path), "%s", token_file) >=
	    (int)sizeof(token_path))
		return fsim_cli_usage_error(CMD, "--token-file: the path is too long");
	po.preset = x.preset;
	po.bs_given = (x.set & FSIM_CLI_SET_BS) != 0;
	po.store = x.store;
	po.seed = x.seed_len > 0 ? x.seed : NULL;
	po.seed_len = x.seed_len;
	po.platform = plo.name;
	po.platform_off = plo.off;
	po.n_platform_off = plo.n_off;
	if (fsim_provider_new(&po, &c.prov, err, sizeof(err)) != 0) {
		fprintf(stderr, "fidosim %s: %s\n", CMD, err);
		goto out;
	}
	if (fsim_provider_make_token(c.token, sizeof(c.token)) != 0) {
		fprintf(stderr, "fidosim %s: cannot make a random token\n", CMD);
		goto out;
	}

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* One thread: ceremonies and settings changes never overlap. */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	    (v6 ? MHD_USE_IPv6 : 0), (uint16_t)port, NULL, NULL, handle, &c,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	    MHD_OPTION_END);
	(void)sl;
	if (d == NULL) {
		fprintf(stderr, "fidosim %s: cannot listen on %s (in use?)\n", CMD, listen);
		goto out;
	}
	if ((di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) != NULL && di->port != 0)
		port = di->port;
	snprintf(c.hosts[0], sizeof(c.hosts[0]), "127.0.0.1:%lu", port);
	snprintf(c.hosts[1], sizeof(c.hosts[1]), "localhost:%lu", port);
	snprintf(c.hosts[2], sizeof(c.hosts[2]), "[::1]:%lu", port);
	if (fsim_provider_write_token(token_path, c.token) != 0) {
		fprintf(stderr, "fidosim %s: cannot write the token file %s: %s\n", CMD, token_path,
		    strerror(errno));
		goto out;
	}
	wrote = true;
	printf("fidosim provider: listening on http://%s:%lu/ (loopback only); token in %s "
	    "(mode 0600); allowed origins:", v6 ? "[::1]" : "127.0.0.1", port, token_path);
	for (k = 0; k < c.n_allowed; k++)
		printf(" %s", c.allowed[k]);
	printf("\n");
	fflush(stdout);
	do {
		if (sigwait(&set, &sig) != 0)
			break;
	} while (sig != SIGINT && sig != SIGTERM);
	fprintf(stderr, "fidosim %s: stopping (signal %d)\n", CMD, sig);
	r = FSIM_EXIT_OK;
out:
	if (d != NULL)
		MHD_stop_daemon(d);
	if (wrote)
		(void)unlink(token_path);
	fsim_provider_free(&c.prov);
	fsim_wipe(c.token, sizeof(c.token));
	fsim_wipe(x.seed, sizeof(x.seed));
	return r;
}

const fsim_cmd_t fsim_cmd_provider = {
	"provider", run,
	"a local passkey provider service for the browser extension and Playwright",
	usage,
};
