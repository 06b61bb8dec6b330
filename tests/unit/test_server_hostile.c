/*
 * test_server_hostile.c — `fidosim serve`'s logic (rp-sim/server.h) against
 * hostile clients, without HTTP: text from the client escaped and cut on a
 * character boundary (fsim_server_escape), errors that stay valid JSON
 * whatever the path or field held, Content-Type application/json required
 * (415), usernames counted in characters, a flood of cookie-less sessions
 * that cannot evict a returning client's ceremony, and two servers sharing
 * one database. tests/integration/serve_hostile.py does the same over HTTP.
 */
#include "server_fixture.h"

static void
test_escape(void **state)
{
	char out[64];

	(void)state;
	/* printable ASCII and UTF-8 stay; controls, backslash, invalid bytes become \xNN */
	assert_string_equal(fsim_server_escape("a\nb", 3, 100, out, sizeof(out)), "a\\x0ab");
	assert_string_equal(fsim_server_escape("\\", 1, 100, out, sizeof(out)), "\\x5c");
	assert_string_equal(fsim_server_escape("\xff\xc3\xa9", 3, 100, out, sizeof(out)),
	    "\\xff\xc3\xa9");
	assert_string_equal(fsim_server_escape("\xc3", 1, 100, out, sizeof(out)), "\\xc3");
	assert_string_equal(fsim_server_escape("\xed\xa0\x80", 3, 100, out, sizeof(out)),
	    "\\xed\\xa0\\x80");      /* a surrogate is not UTF-8 */
	assert_string_equal(fsim_server_escape("\xc2\x85", 2, 100, out, sizeof(out)),
	    "\\xc2\\x85");           /* NEL, a C1 control, would break a line too */
	assert_string_equal(fsim_server_escape("a\0b", 3, 100, out, sizeof(out)), "a\\x00b");
	/* cut by characters, never inside one, "..." marking the cut */
	assert_string_equal(fsim_server_escape("\xc3\xa9\xc3\xa9\xc3\xa9", 6, 2, out,
	    sizeof(out)), "\xc3\xa9\xc3\xa9...");
	assert_string_equal(fsim_server_escape("abcdef", 6, 6, out, sizeof(out)), "abcdef");
	/* cut by the room there is */
	assert_string_equal(fsim_server_escape("\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad", 9, 100,
	    out, 8), "\xe4\xb8\xad...");
	assert_string_equal(fsim_server_escape(NULL, 0, 10, out, sizeof(out)), "");
}

static void
test_errors_stay_json(void **state)
{
	static const char *const paths[] = { "/\xff", "/x\ny", "/\xc3", "/\xe4\xb8" };
	client_t c;
	json_t *ans;
	size_t i;

	(void)state;
	client_init(&c, NULL, NULL);
	/* (req asserts the body parses and carries a string error) */
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(req(&c, "GET", paths[i], NULL, &ans), 404);
		assert_null(strchr(json_string_value(json_object_get(ans, "error")), '\n'));
		json_decref(ans);
	}
	assert_int_equal(req(&c, "POST", "/x\xff", "{}", &ans), 404);
	assert_non_null(strstr(json_string_value(json_object_get(ans, "error")), "\\xff"));
	json_decref(ans);
	/* a long multi-byte value in an enum error: cut after 40 characters */
	{
		char body[400];

		strcpy(body, "{\"username\":\"a\",\"attestation\":\"");
		for (i = 0; i < 50; i++)
			strcat(body, "\xe4\xb8\xad");
		strcat(body, "\"}");
		assert_int_equal(req(&c, "POST", "/registration/options", body, &ans), 400);
		assert_non_null(strstr(json_string_value(json_object_get(ans, "error")),
		    "\xe4\xb8\xad..."));
		json_decref(ans);
	}
	client_free(&c);
}

static void
test_content_type(void **state)
{
	static const char *const refused[] = { NULL, "text/plain", "application/jsonx",
	    "application/x-www-form-urlencoded", "" };
	static const char *const taken[] = { "application/json", "Application/JSON",
	    "application/json; charset=utf-8", " application/json ;charset=UTF-8" };
	client_t c;
	json_t *ans;
	size_t i;

	(void)state;
	client_init(&c, NULL, NULL);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		c.content_type = refused[i];
		assert_int_equal(req(&c, "POST", "/registration/options", "{\"username\":\"a\"}",
		    &ans), 415);
		assert_non_null(strstr(json_string_value(json_object_get(ans, "error")),
		    "Content-Type"));
		json_decref(ans);
		/* the FIDO API's error shape */
		assert_int_equal(req(&c, "POST", "/attestation/options", "{\"username\":\"a\"}",
		    &ans), 415);
		assert_string_equal(json_string_value(json_object_get(ans, "status")), "failed");
		json_decref(ans);
	}
	for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		c.content_type = taken[i];
		assert_int_equal(req(&c, "POST", "/registration/options", "{\"username\":\"a\"}",
		    NULL), 200);
	}
	client_free(&c);
}

static void
test_username_characters(void **state)
{
	char body[600], name[400];
	client_t c;
	json_t *ans;
	size_t i;

	(void)state;
	client_init(&c, NULL, NULL);
	/* 64 characters of 4 bytes (256 bytes): a username */
	name[0] = '\0';
	for (i = 0; i < 64; i++)
		strcat(name, "\xf0\x9f\x94\x91");
	snprintf(body, sizeof(body), "{\"username\":\"%s\"}", name);
	assert_int_equal(req(&c, "POST", "/registration/options", body, NULL), 200);
	assert_int_equal(wio_register(&c, name, NULL, NULL), 200);
	/* 65: refused, the count in characters */
	strcat(name, "a");
	snprintf(body, sizeof(body), "{\"username\":\"%s\"}", name);
	assert_int_equal(req(&c, "POST", "/registration/options", body, &ans), 400);
	assert_non_null(strstr(json_string_value(json_object_get(ans, "error")),
	    "got 65 characters"));
	json_decref(ans);
	/* control characters are not part of a username */
	assert_int_equal(req(&c, "POST", "/registration/options", "{\"username\":\"a\\nb\"}",
	    &ans), 400);
	assert_non_null(strstr(json_string_value(json_object_get(ans, "error")), "control"));
	json_decref(ans);
	client_free(&c);
}

/* 2 x the session table of cookie-less options requests from addr; how many got 429. */
static int
flood(fsim_server_t *s, const char *addr)
{
	client_t m;
	size_t i;
	int st, n429 = 0;

	memset(&m, 0, sizeof(m));
	m.s = s;
	m.addr = addr;
	m.content_type = "application/json";
	for (i = 0; i < 2 * FSIM_SERVER_MAX_SESSIONS; i++) {
		m.cookie[0] = '\0';
		st = req(&m, "POST", "/registration/options", "{\"username\":\"m\"}", NULL);
		assert_true(st == 200 || st == 429);
		n429 += st == 429;
	}
	return n429;
}

/* alice's authentication, with a flood from addr between its options and its verification. */
static void
flooded_authentication(client_t *c, const char *addr)
{
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;

	assert_int_equal(req(c, "POST", "/authentication/options", "{\"username\":\"alice\"}",
	    &opts), 200);
	assert_int_equal(fsim_ceremony_get(c->authn, opts, ORIGIN, -1, &resp, &cerr, NULL, 0), 0);
	(void)flood(c->s, addr);
	assert_int_equal(req_json(c, "/authentication/verification", json_pack("{s:s, s:O}",
	    "username", "alice", "response", resp), &ans), 200);
	json_decref(ans);
	json_decref(resp);
	json_decref(opts);
}

static void
test_session_flood(void **state)
{
	client_t c, fresh;
	json_t *ans = NULL;

	(void)state;
	client_init(&c, NULL, NULL);
	/* a real client: one ceremony done (it came back with its cookie) */
	assert_int_equal(wio_register(&c, "alice", NULL, NULL), 200);
	/* its next ceremony survives a flood from another address, and from its own */
	flooded_authentication(&c, "203.0.113.9");
	flooded_authentication(&c, c.addr);
	/*
	 * A client on its first ceremony (no cookie yet) survives a flood from
	 * another address: the flooder's sessions go first (its own limit).
	 */
	client_init(&fresh, NULL, NULL);
	fsim_server_free(&fresh.s);
	fresh.s = c.s;
	fresh.addr = "198.51.100.7";
	{
		json_t *opts = NULL, *resp = NULL;
		fsim_client_error_t cerr;

		assert_int_equal(req(&fresh, "POST", "/registration/options",
		    "{\"username\":\"bob\"}", &opts), 200);
		assert_int_equal(fsim_ceremony_create(fresh.authn, opts, ORIGIN, &resp, &cerr,
		    NULL, 0), 0);
		(void)flood(c.s, "203.0.113.9");
		assert_int_equal(req_json(&fresh, "/registration/verification", json_pack(
		    "{s:s, s:O}", "username", "bob", "response", resp), &ans), 200);
		json_decref(ans);
		json_decref(resp);
		json_decref(opts);
	}
	fresh.s = NULL;
	client_free(&fresh);
	client_free(&c);
}

static void
tmpdir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/fsim-test-hostile-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

/* Two servers on one data folder: both see every credential, neither takes an ID twice. */
static void
test_two_servers(void **state)
{
	char dir[64], p[300];
	client_t a, b;
	const char *names[] = { "serve.db", "serve.db-wal", "serve.db-shm" };
	size_t i;

	(void)state;
	tmpdir(dir, sizeof(dir));
	client_init(&a, dir, NULL);
	client_init(&b, dir, NULL);
	assert_int_equal(wio_register(&a, "ann", NULL, NULL), 200);
	assert_int_equal(wio_register(&b, "bea", NULL, NULL), 200);
	assert_int_equal(fsim_server_cred_count(a.s), 2);
	assert_int_equal(fsim_server_cred_count(b.s), 2);
	/* ann, registered through a, authenticates through b */
	fsim_ceremony_free(&b.authn);
	b.authn = a.authn;
	assert_int_equal(wio_authenticate(&b, "ann", -1, NULL, NULL), 200);
	/* more registrations through each, interleaved: every one is kept */
	{
		fsim_authn_config_t cfg;

		fsim_authn_config_init(&cfg);
		cfg.rk_capable = true;
		b.authn = NULL;     /* it was a's */
		assert_int_equal(fsim_ceremony_new(&cfg, &b.authn), 0);
	}
	for (i = 0; i < 5; i++) {
		char u[16];

		snprintf(u, sizeof(u), "u%zu", i);
		assert_int_equal(wio_register(i % 2 ? &a : &b, u, NULL, NULL), 200);
	}
	assert_int_equal(fsim_server_cred_count(a.s), 7);
	assert_int_equal(fsim_server_cred_count(b.s), 7);
	client_free(&b);
	client_free(&a);
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_errors_stay_json),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_username_characters),
		cmocka_unit_test(test_session_flood),
		cmocka_unit_test(test_two_servers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
