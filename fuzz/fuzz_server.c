/*
 * fuzz_server.c — the request handler of `fidosim serve` (rp-sim/server.h,
 * without HTTP), over one in-memory server kept across inputs (sessions and
 * credentials accumulate as they would). The input is a request:
 *   byte 0      the path: one of the routes, or (>= 0xc0) the next
 *               byte 1 bytes taken as the path itself (any bytes)
 *   byte 2      bit 0: GET (else POST); bits 1-2: Content-Type (json,
 *               json with parameters, text/plain, none); bit 3: send the
 *               last session cookie the server set
 *   the rest    the body
 * Every answer must be a status 200-599 with a JSON object body, and every
 * status 400 and above must carry a string error (webauthn.io API) or
 * errorMessage (FIDO API) without a control character.
 *
 * Seeds (fuzz/corpus/fuzz_server): each route with a body of its API, the
 * verification ones with a response made by `fidosim create`, and the
 * hostile cases of issue 19 (invalid UTF-8 in the path and in a field, a
 * newline in the path, text/plain and no Content-Type, a 65-character
 * username of two-byte characters).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz/fuzz.h"
#include "rp-sim/server.h"

static const char *const routes[] = {
	"/registration/options", "/registration/verification", "/authentication/options",
	"/authentication/verification", "/attestation/options", "/attestation/result",
	"/assertion/options", "/assertion/result", "/api/reports", "/api/reports/last",
	"/api/reports/1", "/",
};
static const char *const types[] = {
	"application/json", "application/json; charset=utf-8", "text/plain", NULL
};

static fsim_server_t *srv;
static char cookie[128];

static time_t
fixed_now(void *ctx)
{
	(void)ctx;
	return 1767225600;
}

static int
counter_random(void *ctx, uint8_t *buf, size_t len)
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;

	(void)ctx;
	for (i = 0; i < len; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		buf[i] = (uint8_t)((x * 0x2545F4914F6CDD1DULL) >> 56);
	}
	return 0;
}

static void
setup(void)
{
	static const char *origins[] = { "http://localhost:8080" };
	fsim_server_config_t cfg;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.origins = origins;
	cfg.n_origins = 1;
	cfg.now = fixed_now;
	cfg.random = counter_random;
	if (fsim_server_new(&cfg, &srv, err, sizeof(err)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_server_request_t req;
	fsim_server_response_t resp;
	char path[300];
	json_t *j, *e;
	size_t off = 3, plen;
	const char *s;

	if (srv == NULL)
		setup();
	if (size < 3)
		return 0;
	memset(&req, 0, sizeof(req));
	if (data[0] >= 0xc0) {
		plen = data[1];
		if (plen > size - 3)
			plen = size - 3;
		memcpy(path, data + 3, plen);
		path[plen] = '\0';
		off += plen;
	} else
		snprintf(path, sizeof(path), "%s", routes[data[0] % (sizeof(routes) /
		    sizeof(routes[0]))]);
	req.path = path;
	req.method = (data[2] & 1) ? "GET" : "POST";
	req.content_type = types[(data[2] >> 1) & 3];
	req.cookie = (data[2] & 8) && cookie[0] != '\0' ? cookie : NULL;
	req.client = "192.0.2.7";
	req.body = data + off;
	req.body_len = size - off;
	if (fsim_server_handle(srv, &req, &resp) != 0)
		abort();
	if (resp.status < 200 || resp.status > 599 || resp.body == NULL)
		abort();
	if ((j = json_loads(resp.body, 0, NULL)) == NULL || !json_is_object(j))
		abort();
	if (resp.status >= 400) {
		e = json_object_get(j, "error");
		if (e == NULL)
			e = json_object_get(j, "errorMessage");
		if (!json_is_string(e))
			abort();
		for (s = json_string_value(e); *s != '\0'; s++)
			if ((unsigned char)*s < 0x20)
				abort();
	}
	json_decref(j);
	if (resp.set_cookie[0] != '\0') {
		plen = strcspn(resp.set_cookie, ";");
		if (plen >= sizeof(cookie))
			abort();
		memcpy(cookie, resp.set_cookie, plen);
		cookie[plen] = '\0';
	}
	fsim_server_response_reset(&resp);
	return 0;
}
