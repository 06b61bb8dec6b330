/*
 * server_fixture.h — shared by test_server.c and test_server_hostile.c: a
 * server with a fixed clock, a client (a cookie jar, an in-process
 * authenticator, its address and Content-Type), requests, and the
 * webauthn.io ceremonies.
 */
#ifndef SERVER_FIXTURE_H
#define SERVER_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness/ceremony.h"
#include "rp-sim/server.h"

#define FX_UNUSED __attribute__((unused))

#define ORIGIN "http://localhost:8080"

static FX_UNUSED time_t clock_now = 1767225600;   /* 2026-01-01 */

static time_t
test_clock(void *ctx)
{
	(void)ctx;
	return clock_now;
}

typedef struct client {
	fsim_server_t *s;
	char cookie[128];
	fsim_ceremony_t *authn;
	const char *addr;               /* the client address the server sees */
	const char *content_type;       /* of POST bodies */
} client_t;

static FX_UNUSED void
server_config(fsim_server_config_t *cfg, const char *data_dir)
{
	static const char *origins[] = { ORIGIN };

	memset(cfg, 0, sizeof(*cfg));
	cfg->rp_id = "localhost";
	cfg->origins = origins;
	cfg->n_origins = 1;
	cfg->data_dir = data_dir;
	cfg->challenge_ttl = 120;
	cfg->now = test_clock;
}

static FX_UNUSED void
client_init(client_t *c, const char *data_dir, const fsim_authn_config_t *acfg)
{
	fsim_server_config_t cfg;
	fsim_authn_config_t def;
	char err[256];

	memset(c, 0, sizeof(*c));
	server_config(&cfg, data_dir);
	assert_int_equal(fsim_server_new(&cfg, &c->s, err, sizeof(err)), 0);
	if (acfg == NULL) {
		fsim_authn_config_init(&def);
		def.rk_capable = true;
		acfg = &def;
	}
	assert_int_equal(fsim_ceremony_new(acfg, &c->authn), 0);
	c->addr = "192.0.2.1";
	c->content_type = "application/json";
}

static FX_UNUSED void
client_free(client_t *c)
{
	fsim_server_free(&c->s);
	fsim_ceremony_free(&c->authn);
	assert_null(c->s);
}

/* One request; returns the status, *out the parsed body (a new reference). */
static FX_UNUSED int
req(client_t *c, const char *method, const char *path, const char *body, json_t **out)
{
	fsim_server_request_t r = { method, path, c->cookie[0] ? c->cookie : NULL,
	    (const uint8_t *)body, body ? strlen(body) : 0, c->content_type, c->addr };
	fsim_server_response_t resp;
	json_error_t jerr;
	json_t *j;
	int status;

	assert_int_equal(fsim_server_handle(c->s, &r, &resp), 0);
	assert_non_null(resp.body);
	j = json_loads(resp.body, 0, &jerr);
	assert_non_null(j);
	status = resp.status;
	if (status >= 400)
		assert_true(json_is_string(json_object_get(j, "error")) ||
		    json_is_string(json_object_get(j, "errorMessage")));
	if (resp.set_cookie[0] != '\0') {
		size_t n = strcspn(resp.set_cookie, ";");

		assert_true(n < sizeof(c->cookie));
		memcpy(c->cookie, resp.set_cookie, n);
		c->cookie[n] = '\0';
		assert_non_null(strstr(resp.set_cookie, "HttpOnly"));
	}
	fsim_server_response_reset(&resp);
	if (out != NULL)
		*out = j;
	else
		json_decref(j);
	return status;
}

static FX_UNUSED int
req_json(client_t *c, const char *path, json_t *body, json_t **out)
{
	char *s = json_dumps(body, JSON_COMPACT);
	int st;

	assert_non_null(s);
	st = req(c, "POST", path, s, out);
	free(s);
	json_decref(body);
	return st;
}

static FX_UNUSED const char *
error_of(const json_t *j)
{
	const json_t *e = json_object_get(j, "error");

	return json_is_string(e) ? json_string_value(e) :
	    json_string_value(json_object_get(j, "errorMessage"));
}

/* webauthn.io registration for username with these options; returns the status. */
static FX_UNUSED int
wio_register(client_t *c, const char *username, const char *extra, char **err_out)
{
	char body[512];
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;
	int st;

	snprintf(body, sizeof(body), "{\"username\":\"%s\"%s%s}", username, extra ? "," : "",
	    extra ? extra : "");
	assert_int_equal(req(c, "POST", "/registration/options", body, &opts), 200);
	assert_int_equal(fsim_ceremony_create(c->authn, opts, ORIGIN, &resp, &cerr, NULL, 0), 0);
	json_decref(opts);
	st = req_json(c, "/registration/verification", json_pack("{s:s, s:o}", "username",
	    username, "response", resp), &ans);
	if (err_out != NULL)
		*err_out = st == 200 ? NULL : strdup(error_of(ans));
	else if (st == 200)
		assert_true(json_is_true(json_object_get(ans, "verified")));
	json_decref(ans);
	return st;
}

/* webauthn.io authentication; *assertion (if not NULL) keeps the response. */
static FX_UNUSED int
wio_authenticate(client_t *c, const char *username, int bs, json_t **assertion, char **err_out)
{
	char body[256];
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;
	int st;

	snprintf(body, sizeof(body), "{\"username\":\"%s\"}", username);
	assert_int_equal(req(c, "POST", "/authentication/options", body, &opts), 200);
	assert_int_equal(fsim_ceremony_get(c->authn, opts, ORIGIN, bs, &resp, &cerr, NULL, 0), 0);
	json_decref(opts);
	if (assertion != NULL)
		*assertion = json_incref(resp);
	st = req_json(c, "/authentication/verification", json_pack("{s:s, s:o}", "username",
	    username, "response", resp), &ans);
	if (err_out != NULL)
		*err_out = st == 200 ? NULL : strdup(error_of(ans));
	json_decref(ans);
	return st;
}

#endif /* !SERVER_FIXTURE_H */
