/*
 * conform.c — `fidosim conform`: the conformance cases of harness/conform.h
 * against a relying party over HTTP (libcurl, a cookie jar for the session),
 * through webauthn.io's API or the FIDO conformance server API. Writes
 * DIR/junit.xml and prints a summary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "cli/cli.h"
#include "cli/conform_authn.h"
#include "harness/conform.h"

#define CMD "conform"
#define RESP_MAX (4u << 20)

static const char usage[] =
"usage: fidosim conform --server URL [--api webauthn.io|fido] [--origin ORIGIN]\n"
"         [-o DIR] [--only TEXT] [--verbose]\n"
"       fidosim conform --authenticator PATH [-o DIR] [--only TEXT] [--verbose]\n"
"         [--pin PIN] [--allow-destructive [--new-pin PIN]]   (see --authenticator --help)\n"
"\n"
"Run conformance cases against a relying party server: test families in the\n"
"style of the FIDO server conformance tests (response structure, clientData,\n"
"attestation object, algorithms, packed full and self, none, fido-u2f,\n"
"assertion structure, clientData and authenticator data) and our own (backup\n"
"flags: BS without BE, BE changes, BS changes; signature counter: increase,\n"
"zero, regress, replay; user verification under each preference). Each case\n"
"is a real ceremony made in process by the headless client of fidosim create\n"
"and get (the software authenticator, with quirks or a hand-mutated response)\n"
"and posted to the server: positive cases must be accepted, negative cases\n"
"refused. A session is kept with cookies.\n"
"\n"
"options:\n"
"  --server URL      the RP, e.g. http://127.0.0.1:8080 (fidosim serve)\n"
"  --api NAME        webauthn.io (default): POST /registration/options,\n"
"                    /registration/verification, /authentication/options,\n"
"                    /authentication/verification; fido: the FIDO conformance\n"
"                    server API, /attestation/options, /attestation/result,\n"
"                    /assertion/options, /assertion/result\n"
"  --origin ORIGIN   the origin the client claims (default: the server's, with\n"
"                    127.0.0.1 and ::1 written localhost, as browsers allow)\n"
"  -o DIR            write DIR/junit.xml (default out/conform)\n"
"  --only TEXT       run the families whose name contains TEXT\n"
"  --verbose         one line per case as it runs\n"
"\n"
"Each case names the catalog rule it tests (fidosim rules) in the summary and\n"
"in junit.xml. One registration is tried first: when the client refuses the\n"
"server's RP ID for the origin, or the server refuses that origin, nothing\n"
"else runs and the error says which --origin to give.\n"
"\n"
"exit status: 0 every case behaved as expected; 1 some did not (listed);\n"
"2 usage error, the server unreachable, a set-up error (the origin), or DIR\n"
"not writable.\n";

struct http {
	CURL *curl;
	char base[1024];
	char err[CURL_ERROR_SIZE];
};

struct buf {
	char *p;
	size_t n;
	bool over;
};

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct buf *b = ud;
	size_t n = size * nmemb;
	char *q;

	if (b->over || b->n + n > RESP_MAX) {
		b->over = true;
		return n;
	}
	if ((q = realloc(b->p, b->n + n + 1)) == NULL)
		return 0;
	memcpy(q + b->n, ptr, n);
	b->n += n;
	q[b->n] = '\0';
	b->p = q;
	return n;
}

static int
http_post(void *ctx, const char *path, const char *body, long *status, char **resp)
{
	struct http *h = ctx;
	struct curl_slist *hdr = NULL;
	struct buf b = { NULL, 0, false };
	char url[2048];
	CURLcode rc;

	*status = 0;
	*resp = NULL;
	snprintf(url, sizeof(url), "%s%s", h->base, path);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &b);
	rc = curl_easy_perform(h->curl);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		free(b.p);
		return FSIM_ERR_IO;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
	*resp = b.p != NULL ? b.p : strdup("");
	return 0;
}

/* The server's origin, loopback written "localhost" (a secure context, RP ID localhost). */
static int
default_origin(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://"), *host, *end;
	char hostbuf[256];
	size_t hl;

	if (p == NULL)
		return -1;
	host = p + 3;
	if (*host == '[') {
		end = strchr(host, ']');
		if (end == NULL)
			return -1;
		end++;
	} else
		end = host + strcspn(host, ":/?#");
	hl = (size_t)(end - host);
	if (hl == 0 || hl >= sizeof(hostbuf))
		return -1;
	memcpy(hostbuf, host, hl);
	hostbuf[hl] = '\0';
	if (strcmp(hostbuf, "127.0.0.1") == 0 || strcmp(hostbuf, "[::1]") == 0)
		snprintf(hostbuf, sizeof(hostbuf), "localhost");
	snprintf(out, len, "%.*s%s%.*s", (int)(p + 3 - url), url, hostbuf,
	    (int)strcspn(end, "/?#"), end);
	return 0;
}

static int
run(int argc, char **argv)
{
	const char *server = NULL, *origin = NULL, *dir = "out/conform", *only = NULL;
	fsim_conform_config_t cfg;
	fsim_conform_results_t res;
	struct http h;
	char origin_buf[1024], path[4200];
	bool verbose = false;
	FILE *f;
	int i, r = FSIM_EXIT_USAGE;
	size_t n;

	/* --authenticator PATH: an authenticator's CTAP 2.1 conformance instead. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--authenticator") == 0)
			return fsim_cli_conform_authn(argc, argv);
	memset(&cfg, 0, sizeof(cfg));
	memset(&res, 0, sizeof(res));
	memset(&h, 0, sizeof(h));
	cfg.api = FSIM_CONFORM_API_WEBAUTHNIO;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (fsim_cli_is_help(a)) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		}
		if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
			verbose = true;
			continue;
		}
		if (strcmp(a, "--server") != 0 && strcmp(a, "--api") != 0 &&
		    strcmp(a, "--origin") != 0 && strcmp(a, "-o") != 0 && strcmp(a, "--only") != 0)
			return fsim_cli_usage_error(CMD, "unknown option '%s'", a);
		if (v == NULL || v[0] == '\0')
			return fsim_cli_usage_error(CMD, "%s needs a value", a);
		i++;
		if (strcmp(a, "--server") == 0)
			server = v;
		else if (strcmp(a, "--origin") == 0)
			origin = v;
		else if (strcmp(a, "-o") == 0)
			dir = v;
		else if (strcmp(a, "--only") == 0)
			only = v;
		else if (strcmp(v, "webauthn.io") == 0)
			cfg.api = FSIM_CONFORM_API_WEBAUTHNIO;
		else if (strcmp(v, "fido") == 0)
			cfg.api = FSIM_CONFORM_API_FIDO;
		else
			return fsim_cli_usage_error(CMD, "--api wants webauthn.io or fido, got '%s'", v);
	}
	if (server == NULL)
		return fsim_cli_usage_error(CMD, "--server URL (an RP server) or --authenticator "
		    "PATH (a CTAP2 authenticator) is required");
	if (strncmp(server, "http://", 7) != 0 && strncmp(server, "https://", 8) != 0)
		return fsim_cli_usage_error(CMD, "--server wants an http:// or https:// URL, got "
		    "'%s'", server);
	n = strlen(server);
	while (n > 0 && server[n - 1] == '/')
		n--;
	if (n >= sizeof(h.base))
		return fsim_cli_usage_error(CMD, "--server URL too long");
	memcpy(h.base, server, n);
	h.base[n] = '\0';
	if (origin == NULL) {
		if (default_origin(h.base, origin_buf, sizeof(origin_buf)) != 0)
			return fsim_cli_usage_error(CMD, "cannot tell the origin of '%s'; give "
			    "--origin", server);
		origin = origin_buf;
	}
	if (fsim_cli_mkdirs(dir) != 0) {
		fprintf(stderr, "fidosim conform: cannot create %s: %s\n", dir, strerror(errno));
		return FSIM_EXIT_USAGE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || (h.curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "fidosim conform: libcurl did not start\n");
		return FSIM_EXIT_USAGE;
	}
	curl_easy_setopt(h.curl, CURLOPT_COOKIEFILE, "");      /* the cookie engine, in memory */
	curl_easy_setopt(h.curl, CURLOPT_ERRORBUFFER, h.err);
	curl_easy_setopt(h.curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h.curl, CURLOPT_PROTOCOLS_STR, "http,https");
	cfg.origin = origin;
	cfg.post = http_post;
	cfg.ctx = &h;
	cfg.only = only;
	cfg.progress = verbose ? stdout : NULL;
	printf("fidosim conform: %s (%s API), origin %s\n", h.base,
	    cfg.api == FSIM_CONFORM_API_FIDO ? "FIDO conformance" : "webauthn.io", origin);
	if (fsim_conform_run(&cfg, &res) != 0) {
		fprintf(stderr, "fidosim conform: out of memory\n");
		goto out;
	}
	if (res.setup_error[0] != '\0') {
		fprintf(stderr, "fidosim conform: no case run: %s\n", res.setup_error);
		goto out;
	}
	if (res.unreachable && res.n > res.skipped) {
		fprintf(stderr, "fidosim conform: %s did not answer (%s)\n", h.base,
		    h.err[0] ? h.err : "no response");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	if ((f = fopen(path, "w")) == NULL || fsim_conform_junit(f, &res, "fidosim.conform") != 0 ||
	    fclose(f) != 0) {
		fprintf(stderr, "fidosim conform: cannot write %s\n", path);
		goto out;
	}
	fsim_conform_summary(stdout, &res);
	printf("JUnit XML: %s\n", path);
	r = res.failed == 0 ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
out:
	fsim_conform_results_free(&res);
	curl_easy_cleanup(h.curl);
	curl_global_cleanup();
	return r;
}

const fsim_cmd_t fsim_cmd_conform = {
	"conform", run,
	"run conformance cases against an RP server or an authenticator (CTAP 2.1), JUnit XML",
	usage,
};
