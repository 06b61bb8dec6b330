/*
 * test_server.c — the relying party behind `fidosim serve` (rp-sim/server.h)
 * without HTTP: both APIs' ceremonies made by the in-process client
 * (harness/ceremony.h), single-use and expiring challenges (replay, expiry),
 * sessions, the database (persistence, mode, an earlier version's
 * credentials.json imported, a corrupt one left alone), the report store, and bad requests (not JSON, wrong types, huge fields, wrong
 * method, unknown path, oversize body), each answered with a 4xx JSON error.
 */
#include "server_fixture.h"

#include <sqlite3.h>

/* ---- tests ---- */

static void
test_registration_options_shape(void **state)
{
	client_t c;
	json_t *o;
	fsim_blob_t ch = { NULL, 0 };
	const json_t *params;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(req(&c, "POST", "/registration/options",
	    "{\"username\":\"alice\",\"user_verification\":\"required\","
	    "\"attachment\":\"platform\",\"discoverable_credential\":\"required\","
	    "\"hints\":[\"client-device\"]}", &o), 200);
	assert_non_null(strstr(c.cookie, FSIM_SERVER_COOKIE "="));
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "rp"), "id")),
	    "localhost");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "user"),
	    "name")), "alice");
	assert_int_equal(fsim_b64url_decode(json_string_value(json_object_get(o, "challenge")),
	    json_string_length(json_object_get(o, "challenge")), &ch, NULL, NULL), 0);
	assert_int_equal(ch.len, 32);
	/* webauthn.io's default algorithms, in its order: Ed25519, ES256, RS256. */
	params = json_object_get(o, "pubKeyCredParams");
	assert_int_equal(json_array_size(params), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(params, 0), "alg")), -8);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(params, 1), "alg")), -7);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(params, 2), "alg")), -257);
	assert_true(json_is_true(json_object_get(json_object_get(o, "extensions"), "credProps")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(o,
	    "authenticatorSelection"), "userVerification")), "required");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o,
	    "authenticatorSelection"), "authenticatorAttachment")), "platform");
	assert_true(json_is_true(json_object_get(json_object_get(o, "authenticatorSelection"),
	    "requireResidentKey")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(o, "hints"), 0)),
	    "client-device");
	json_decref(o);
	/* An empty algorithms list gives an empty pubKeyCredParams (as webauthn.io). */
	assert_int_equal(req(&c, "POST", "/registration/options",
	    "{\"username\":\"alice\",\"algorithms\":[]}", &o), 200);
	assert_int_equal(json_array_size(json_object_get(o, "pubKeyCredParams")), 0);
	json_decref(o);
	fsim_blob_reset(&ch);
	client_free(&c);
}

static void
test_register_authenticate(void **state)
{
	client_t c;
	json_t *reports = NULL, *last = NULL;
	char *err = NULL;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(wio_register(&c, "alice", NULL, &err), 200);
	assert_int_equal(fsim_server_cred_count(c.s), 1);
	assert_int_equal(wio_authenticate(&c, "alice", -1, NULL, &err), 200);
	assert_int_equal(wio_authenticate(&c, "alice", -1, NULL, &err), 200);
	/* The reports: three, the last one this session's authentication. */
	assert_int_equal(req(&c, "GET", "/api/reports", NULL, &reports), 200);
	assert_int_equal(json_array_size(json_object_get(reports, "reports")), 3);
	assert_null(json_object_get(json_array_get(json_object_get(reports, "reports"), 0),
	    "report"));
	assert_int_equal(req(&c, "GET", "/api/reports/last", NULL, &last), 200);
	assert_string_equal(json_string_value(json_object_get(last, "ceremony")),
	    "authentication");
	assert_true(json_is_true(json_object_get(last, "verified")));
	assert_true(json_is_true(json_object_get(json_object_get(last, "report"), "verified")));
	assert_int_equal(json_integer_value(json_object_get(last, "id")), 3);
	json_decref(last);
	assert_int_equal(req(&c, "GET", "/api/reports/1", NULL, &last), 200);
	assert_string_equal(json_string_value(json_object_get(last, "ceremony")),
	    "registration");
	json_decref(last);
	assert_int_equal(req(&c, "GET", "/api/reports/99", NULL, NULL), 404);
	assert_int_equal(req(&c, "GET", "/api/reports/x1", NULL, NULL), 404);
	assert_int_equal(req(&c, "POST", "/api/reports", "{}", NULL), 405);
	json_decref(reports);
	client_free(&c);
}

static void
test_replay_refused(void **state)
{
	client_t c;
	json_t *assertion = NULL, *ans = NULL, *opts = NULL;
	char *err = NULL;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(wio_register(&c, "bob", NULL, NULL), 200);
	assert_int_equal(wio_authenticate(&c, "bob", -1, &assertion, NULL), 200);
	/* The same assertion again: its challenge is used up. */
	assert_int_equal(req_json(&c, "/authentication/verification", json_pack("{s:s, s:O}",
	    "username", "bob", "response", assertion), &ans), 400);
	assert_non_null(strstr(error_of(ans), "no authentication in progress"));
	json_decref(ans);
	/* And against a fresh challenge: the challenge does not match. */
	assert_int_equal(req(&c, "POST", "/authentication/options", "{\"username\":\"bob\"}",
	    &opts), 200);
	json_decref(opts);
	assert_int_equal(req_json(&c, "/authentication/verification", json_pack("{s:s, s:O}",
	    "username", "bob", "response", assertion), &ans), 400);
	assert_non_null(strstr(error_of(ans), "AUTH-"));
	json_decref(ans);
	/* A failed verification used the challenge up too. */
	assert_int_equal(req_json(&c, "/authentication/verification", json_pack("{s:s, s:O}",
	    "username", "bob", "response", assertion), &ans), 400);
	assert_non_null(strstr(error_of(ans), "no authentication in progress"));
	json_decref(ans);
	json_decref(assertion);
	free(err);
	client_free(&c);
}

static void
test_expired_challenge(void **state)
{
	client_t c;
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(req(&c, "POST", "/registration/options", "{\"username\":\"carol\"}",
	    &opts), 200);
	assert_int_equal(fsim_ceremony_create(c.authn, opts, ORIGIN, &resp, &cerr, NULL, 0), 0);
	clock_now += 121;
	assert_int_equal(req_json(&c, "/registration/verification", json_pack("{s:s, s:o}",
	    "username", "carol", "response", resp), &ans), 400);
	assert_non_null(strstr(error_of(ans), "expired"));
	assert_int_equal(fsim_server_cred_count(c.s), 0);
	json_decref(ans);
	json_decref(opts);
	client_free(&c);
}

static void
test_sessions(void **state)
{
	client_t c;
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(req(&c, "POST", "/registration/options", "{\"username\":\"dave\"}",
	    &opts), 200);
	assert_int_equal(fsim_ceremony_create(c.authn, opts, ORIGIN, &resp, &cerr, NULL, 0), 0);
	/* Another session (another cookie, or none) cannot finish it. */
	snprintf(c.cookie, sizeof(c.cookie), FSIM_SERVER_COOKIE "=%032x", 7);
	assert_int_equal(req_json(&c, "/registration/verification", json_pack("{s:s, s:O}",
	    "username", "dave", "response", resp), &ans), 400);
	assert_non_null(strstr(error_of(ans), "no session"));
	json_decref(ans);
	strcpy(c.cookie, "other=1; " FSIM_SERVER_COOKIE "=zz");
	assert_int_equal(req_json(&c, "/registration/verification", json_pack("{s:s, s:O}",
	    "username", "dave", "response", resp), &ans), 400);
	json_decref(ans);
	json_decref(resp);
	json_decref(opts);
	client_free(&c);
}

static void
test_username_rules(void **state)
{
	client_t c;
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;

	(void)state;
	client_init(&c, NULL, NULL);
	/* The verification names another user than the options did. */
	assert_int_equal(req(&c, "POST", "/registration/options", "{\"username\":\"erin\"}",
	    &opts), 200);
	assert_int_equal(fsim_ceremony_create(c.authn, opts, ORIGIN, &resp, &cerr, NULL, 0), 0);
	assert_int_equal(req_json(&c, "/registration/verification", json_pack("{s:s, s:o}",
	    "username", "mallory", "response", resp), &ans), 400);
	assert_non_null(strstr(error_of(ans), "username"));
	json_decref(ans);
	json_decref(opts);
	/* Authentication options for a user with no credentials. */
	assert_int_equal(req(&c, "POST", "/authentication/options", "{\"username\":\"nobody\"}",
	    &ans), 400);
	assert_string_equal(error_of(ans), "That username has no registered credentials");
	json_decref(ans);
	client_free(&c);
}

static void
test_usernameless(void **state)
{
	client_t c;
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(wio_register(&c, "frank", "\"discoverable_credential\":\"required\"",
	    NULL), 200);
	assert_int_equal(req(&c, "POST", "/authentication/options", "{}", &opts), 200);
	assert_int_equal(json_array_size(json_object_get(opts, "allowCredentials")), 0);
	assert_int_equal(fsim_ceremony_get(c.authn, opts, ORIGIN, -1, &resp, &cerr, NULL, 0), 0);
	assert_true(json_is_string(json_object_get(json_object_get(resp, "response"),
	    "userHandle")));
	assert_int_equal(req_json(&c, "/authentication/verification", json_pack("{s:O}",
	    "response", resp), &ans), 200);
	json_decref(ans);
	json_decref(opts);
	/* The same without userHandle is refused (§7.2 step 6). */
	assert_int_equal(req(&c, "POST", "/authentication/options", "{}", &opts), 200);
	json_decref(resp);
	assert_int_equal(fsim_ceremony_get(c.authn, opts, ORIGIN, -1, &resp, &cerr, NULL, 0), 0);
	json_object_del(json_object_get(resp, "response"), "userHandle");
	assert_int_equal(req_json(&c, "/authentication/verification", json_pack("{s:O}",
	    "response", resp), &ans), 400);
	assert_non_null(strstr(error_of(ans), "userHandle"));
	json_decref(ans);
	json_decref(resp);
	json_decref(opts);
	client_free(&c);
}

static void
test_verifier_refusals(void **state)
{
	client_t c;
	fsim_authn_config_t cfg;
	char *err = NULL;

	(void)state;
	/* BS without BE: REG-14, named in the error. */
	fsim_authn_config_init(&cfg);
	cfg.quirks = 1u << FSIM_QUIRK_BS_WITHOUT_BE;
	client_init(&c, NULL, &cfg);
	assert_int_equal(wio_register(&c, "gina", NULL, &err), 400);
	assert_non_null(strstr(err, "REG-14"));
	free(err);
	assert_int_equal(fsim_server_cred_count(c.s), 0);
	client_free(&c);
	/* UV required, authenticator that never verifies but claims nothing: refused. */
	fsim_authn_config_init(&cfg);
	cfg.quirks = 1u << FSIM_QUIRK_COUNTER_REGRESS;
	cfg.counter = FSIM_COUNTER_GLOBAL;
	client_init(&c, NULL, &cfg);
	assert_int_equal(wio_register(&c, "hank", NULL, NULL), 200);
	assert_int_equal(wio_authenticate(&c, "hank", -1, NULL, &err), 400);
	assert_non_null(strstr(err, "AUTH-19"));
	free(err);
	client_free(&c);
	/* A backup-eligibility change between registration and assertion. */
	fsim_authn_config_init(&cfg);
	client_init(&c, NULL, &cfg);
	assert_int_equal(wio_register(&c, "ivan", NULL, NULL), 200);
	cfg.quirks = 1u << FSIM_QUIRK_BE_FLIP;
	assert_int_equal(fsim_ceremony_configure(c.authn, &cfg), 0);
	assert_int_equal(wio_authenticate(&c, "ivan", -1, NULL, &err), 400);
	assert_non_null(strstr(err, "AUTH-16"));
	free(err);
	client_free(&c);
}

static void
test_algorithms_enforced(void **state)
{
	client_t c;
	fsim_authn_config_t cfg;
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;

	(void)state;
	fsim_authn_config_init(&cfg);
	cfg.algs[0] = -8;
	cfg.n_algs = 1;
	client_init(&c, NULL, &cfg);
	/* The server offered ES256 only; the client is told EdDSA is fine. */
	assert_int_equal(req(&c, "POST", "/registration/options",
	    "{\"username\":\"judy\",\"algorithms\":[\"es256\"]}", &opts), 200);
	json_array_append_new(json_object_get(opts, "pubKeyCredParams"),
	    json_pack("{s:s, s:i}", "type", "public-key", "alg", -8));
	assert_int_equal(fsim_ceremony_create(c.authn, opts, ORIGIN, &resp, &cerr, NULL, 0), 0);
	assert_int_equal(req_json(&c, "/registration/verification", json_pack("{s:s, s:o}",
	    "username", "judy", "response", resp), &ans), 400);
	assert_non_null(strstr(error_of(ans), "REG-"));
	json_decref(ans);
	json_decref(opts);
	client_free(&c);
}

static void
test_fido_api(void **state)
{
	client_t c;
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(req(&c, "POST", "/attestation/options",
	    "{\"username\":\"kim\",\"displayName\":\"Kim\",\"authenticatorSelection\":"
	    "{\"requireResidentKey\":false,\"userVerification\":\"preferred\"},"
	    "\"attestation\":\"direct\",\"extensions\":{\"example.extension\":true}}",
	    &opts), 200);
	assert_string_equal(json_string_value(json_object_get(opts, "status")), "ok");
	assert_string_equal(json_string_value(json_object_get(opts, "errorMessage")), "");
	assert_true(json_is_true(json_object_get(json_object_get(opts, "extensions"),
	    "example.extension")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(opts, "user"),
	    "displayName")), "Kim");
	assert_int_equal(fsim_ceremony_create(c.authn, opts, ORIGIN, &resp, &cerr, NULL, 0), 0);
	/* The conformance tools name the extension outputs getClientExtensionResults. */
	json_object_set(resp, "getClientExtensionResults",
	    json_object_get(resp, "clientExtensionResults"));
	json_object_del(resp, "clientExtensionResults");
	assert_int_equal(req_json(&c, "/attestation/result", resp, &ans), 200);
	assert_string_equal(json_string_value(json_object_get(ans, "status")), "ok");
	json_decref(ans);
	json_decref(opts);
	assert_int_equal(req(&c, "POST", "/assertion/options",
	    "{\"username\":\"kim\",\"userVerification\":\"discouraged\"}", &opts), 200);
	assert_int_equal(json_array_size(json_object_get(opts, "allowCredentials")), 1);
	assert_int_equal(fsim_ceremony_get(c.authn, opts, ORIGIN, -1, &resp, &cerr, NULL, 0), 0);
	assert_int_equal(req_json(&c, "/assertion/result", json_incref(resp), &ans), 200);
	assert_string_equal(json_string_value(json_object_get(ans, "status")), "ok");
	json_decref(ans);
	/* Replayed: failed, in the FIDO shape. */
	assert_int_equal(req_json(&c, "/assertion/result", resp, &ans), 400);
	assert_string_equal(json_string_value(json_object_get(ans, "status")), "failed");
	assert_true(json_string_length(json_object_get(ans, "errorMessage")) > 10);
	json_decref(ans);
	json_decref(opts);
	/* Wrong types, FIDO shape. */
	assert_int_equal(req(&c, "POST", "/attestation/options", "{\"username\":\"kim\","
	    "\"authenticatorSelection\":{\"requireResidentKey\":\"yes\"}}", &ans), 400);
	assert_string_equal(json_string_value(json_object_get(ans, "status")), "failed");
	assert_non_null(strstr(error_of(ans), "requireResidentKey"));
	json_decref(ans);
	client_free(&c);
}

/*
 * The FIDO API's assertion options may carry extensions.appid (WebAuthn L3
 * 10.1.1): the verification then checks the client output against it
 * (EXT-APPID-01). A credential made for the RP ID answers appid false and
 * verifies; an output appid true over the RP ID's hash is refused.
 */
static void
test_fido_api_appid(void **state)
{
	client_t c;
	json_t *opts = NULL, *resp = NULL, *ans = NULL;
	fsim_client_error_t cerr;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(req(&c, "POST", "/attestation/options",
	    "{\"username\":\"lee\",\"displayName\":\"Lee\",\"attestation\":\"none\"}",
	    &opts), 200);
	assert_int_equal(fsim_ceremony_create(c.authn, opts, ORIGIN, &resp, &cerr, NULL, 0), 0);
	assert_int_equal(req_json(&c, "/attestation/result", resp, &ans), 200);
	json_decref(ans);
	json_decref(opts);
	/* not a string: refused when the options are asked for */
	assert_int_equal(req(&c, "POST", "/assertion/options",
	    "{\"username\":\"lee\",\"extensions\":{\"appid\":true}}", &ans), 400);
	assert_non_null(strstr(error_of(ans), "appid"));
	json_decref(ans);
	assert_int_equal(req(&c, "POST", "/assertion/options", "{\"username\":\"lee\","
	    "\"extensions\":{\"appid\":\"https://localhost/appid.json\"}}", &opts), 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(opts,
	    "extensions"), "appid")), "https://localhost/appid.json");
	assert_int_equal(fsim_ceremony_get(c.authn, opts, ORIGIN, -1, &resp, &cerr, NULL, 0), 0);
	/* the credential is the RP ID's: the client answers appid false */
	assert_true(json_is_false(json_object_get(json_object_get(resp,
	    "clientExtensionResults"), "appid")));
	assert_int_equal(req_json(&c, "/assertion/result", resp, &ans), 200);
	json_decref(ans);
	json_decref(opts);
	/* a client output appid true although rpIdHash is the RP ID's */
	assert_int_equal(req(&c, "POST", "/assertion/options", "{\"username\":\"lee\","
	    "\"extensions\":{\"appid\":\"https://localhost/appid.json\"}}", &opts), 200);
	assert_int_equal(fsim_ceremony_get(c.authn, opts, ORIGIN, -1, &resp, &cerr, NULL, 0), 0);
	json_object_set_new(json_object_get(resp, "clientExtensionResults"), "appid",
	    json_true());
	assert_int_equal(req_json(&c, "/assertion/result", resp, &ans), 400);
	assert_non_null(strstr(error_of(ans), "AUTH-12"));
	json_decref(ans);
	json_decref(opts);
	client_free(&c);
}

/*
 * GET /api/algorithms lists exactly the webauthn.io names whose COSE alg the
 * verifier has, and the options refuse the others by name (issue 12: the page
 * offers only what the RP verifies; ML-DSA appears once core has it).
 */
static void
test_algorithm_list(void **state)
{
	static const struct { const char *name; int alg; } wio[] = {
		{ "ed25519", -8 }, { "es256", -7 }, { "rs256", -257 }, { "es384", -35 },
		{ "mldsa44", -48 }, { "mldsa65", -49 }, { "mldsa87", -50 },
	};
	client_t c;
	json_t *ans = NULL, *list;
	char body[128];
	size_t i, k, listed = 0;

	(void)state;
	client_init(&c, NULL, NULL);
	assert_int_equal(req(&c, "GET", "/api/algorithms", NULL, &ans), 200);
	list = json_object_get(ans, "algorithms");
	assert_true(json_array_size(list) >= 4);
	for (i = 0; i < sizeof(wio) / sizeof(wio[0]); i++) {
		bool has = fsim_cose_alg_name(wio[i].alg) != NULL, found = false;

		for (k = 0; k < json_array_size(list); k++) {
			const json_t *e = json_array_get(list, k);

			if (strcmp(json_string_value(json_object_get(e, "name")), wio[i].name) != 0)
				continue;
			found = true;
			assert_int_equal(json_integer_value(json_object_get(e, "alg")), wio[i].alg);
			assert_string_equal(json_string_value(json_object_get(e, "coseName")),
			    fsim_cose_alg_name(wio[i].alg));
		}
		assert_true(found == has);
		listed += found;
		/* asked for by name: 200 when verified, else 400 naming the alg */
		snprintf(body, sizeof(body), "{\"username\":\"alg%zu\",\"algorithms\":[\"%s\"]}",
		    i, wio[i].name);
		json_decref(ans);
		ans = NULL;
		assert_int_equal(req(&c, "POST", "/registration/options", body, &ans),
		    has ? 200 : 400);
		if (!has)
			assert_non_null(strstr(error_of(ans), "not an algorithm this RP can verify"));
		json_decref(ans);
		ans = NULL;
		assert_int_equal(req(&c, "GET", "/api/algorithms", NULL, &ans), 200);
		list = json_object_get(ans, "algorithms");
	}
	assert_int_equal(listed, json_array_size(list));
	/* the defaults are webauthn.io's: Ed25519, ES256, RS256 */
	for (k = 0; k < json_array_size(list); k++) {
		const json_t *e = json_array_get(list, k);
		const char *n = json_string_value(json_object_get(e, "name"));

		assert_true(json_is_true(json_object_get(e, "default")) ==
		    (strcmp(n, "ed25519") == 0 || strcmp(n, "es256") == 0 ||
		    strcmp(n, "rs256") == 0));
	}
	json_decref(ans);
	assert_int_equal(req(&c, "POST", "/api/algorithms", "{}", &ans), 405);
	json_decref(ans);
	client_free(&c);
}

static void
test_bad_requests(void **state)
{
	static const struct { const char *path, *body, *field; int status; } cases[] = {
		{ "/registration/options", "", "not JSON", 400 },
		{ "/registration/options", "{", "not JSON", 400 },
		{ "/registration/options", "[]", "object", 400 },
		{ "/registration/options", "nul", "not JSON", 400 },
		{ "/registration/options", "{\"username\":1}", "username", 400 },
		{ "/registration/options", "{}", "username", 400 },
		{ "/registration/options", "{\"username\":\"\"}", "username", 400 },
		{ "/registration/options", "{\"username\":\"a\",\"username\":\"b\"}", "duplicate", 400 },
		{ "/registration/options", "{\"username\":\"a\\u0000b\"}", "not JSON", 400 },
		{ "/registration/options", "{\"username\":\"a\",\"user_verification\":\"always\"}",
		  "user_verification", 400 },
		{ "/registration/options", "{\"username\":\"a\",\"attachment\":3}", "attachment", 400 },
		{ "/registration/options", "{\"username\":\"a\",\"algorithms\":\"es256\"}",
		  "algorithms", 400 },
		{ "/registration/options", "{\"username\":\"a\",\"algorithms\":[\"es999\"]}",
		  "algorithms[0]", 400 },
		{ "/registration/options", "{\"username\":\"a\",\"hints\":[\"usb\"]}", "hints[0]", 400 },
		{ "/registration/options", "{\"username\":\"a\",\"discoverable_credential\":[]}",
		  "discoverable_credential", 400 },
		{ "/registration/verification", "{\"username\":\"a\"}", "response", 400 },
		{ "/registration/verification", "{\"username\":\"a\",\"response\":[]}", "response", 400 },
		{ "/authentication/options", "{\"username\":true}", "username", 400 },
		{ "/authentication/verification", "{\"response\":\"x\"}", "response", 400 },
		{ "/attestation/options", "{\"username\":\"a\",\"extensions\":1}", "extensions", 400 },
		{ "/assertion/result", "{}", "no session", 400 },
		{ "/nowhere", "{}", "no such endpoint", 404 },
	};
	client_t c;
	json_t *ans;
	char *huge;
	size_t i;

	(void)state;
	client_init(&c, NULL, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(req(&c, "POST", cases[i].path, cases[i].body, &ans),
		    cases[i].status);
		if (strstr(error_of(ans), cases[i].field) == NULL)
			fail_msg("case %zu: \"%s\" does not name %s", i, error_of(ans),
			    cases[i].field);
		json_decref(ans);
	}
	/* A 1000-character username; a body above the limit. */
	huge = malloc(FSIM_SERVER_BODY_MAX + 64);
	assert_non_null(huge);
	memset(huge, 'x', FSIM_SERVER_BODY_MAX + 63);
	memcpy(huge, "{\"username\":\"", 13);
	strcpy(huge + 1013, "\"}");
	assert_int_equal(req(&c, "POST", "/registration/options", huge, &ans), 400);
	assert_non_null(strstr(error_of(ans), "64"));
	json_decref(ans);
	huge[FSIM_SERVER_BODY_MAX + 63] = '\0';
	memset(huge + 13, 'x', FSIM_SERVER_BODY_MAX);
	assert_int_equal(req(&c, "POST", "/registration/options", huge, &ans), 413);
	json_decref(ans);
	free(huge);
	assert_int_equal(req(&c, "GET", "/registration/options", NULL, &ans), 405);
	json_decref(ans);
	assert_int_equal(fsim_server_cred_count(c.s), 0);
	client_free(&c);
}

static void
tmpdir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/fsim-test-server-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

static void
rmdata(const char *dir)
{
	static const char *const names[] = { "serve.db", "serve.db-wal", "serve.db-shm",
	    "credentials.json", "credentials.json-backup" };
	char p[300];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* The entries an earlier version kept in credentials.json, made from a live database. */
static char *
legacy_json(const char *dir)
{
	char path[300];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	json_t *root = json_pack("{s:i, s:s, s:[]}", "version", 1, "rpId", "localhost",
	    "credentials"), *rec;
	char *text;

	snprintf(path, sizeof(path), "%s/serve.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT username, created, record FROM "
	    "credentials ORDER BY seq", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rec = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
		assert_non_null(rec);
		assert_int_equal(json_array_append_new(json_object_get(root, "credentials"),
		    json_pack("{s:s, s:I, s:b, s:o}", "username", sqlite3_column_text(st, 0),
		    "created", (json_int_t)sqlite3_column_int64(st, 1), "discoverable", 1,
		    "record", rec)), 0);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	text = json_dumps(root, JSON_INDENT(1));
	json_decref(root);
	return text;
}

static void
test_persistence(void **state)
{
	char dir[64], dir2[64], path[300], bak[300];
	client_t c;
	fsim_ceremony_t *keep;
	struct stat st;
	char *legacy;
	FILE *f;

	(void)state;
	tmpdir(dir, sizeof(dir));
	client_init(&c, dir, NULL);
	assert_int_equal(wio_register(&c, "liz", NULL, NULL), 200);
	assert_int_equal(wio_authenticate(&c, "liz", -1, NULL, NULL), 200);
	snprintf(path, sizeof(path), "%s/serve.db", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/serve.db-wal", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A new server over the same folder knows the credential. */
	keep = c.authn;
	c.authn = NULL;
	client_free(&c);
	client_init(&c, dir, NULL);
	fsim_ceremony_free(&c.authn);
	c.authn = keep;
	assert_int_equal(fsim_server_cred_count(c.s), 1);
	assert_int_equal(wio_authenticate(&c, "liz", -1, NULL, NULL), 200);

	/* An earlier version's credentials.json is imported, then kept as the backup. */
	legacy = legacy_json(dir);
	tmpdir(dir2, sizeof(dir2));
	snprintf(path, sizeof(path), "%s/credentials.json", dir2);
	snprintf(bak, sizeof(bak), "%s/credentials.json-backup", dir2);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(legacy, f);
	fclose(f);
	fsim_server_free(&c.s);
	{
		fsim_server_config_t cfg;
		char err[256];

		server_config(&cfg, dir2);
		assert_int_equal(fsim_server_new(&cfg, &c.s, err, sizeof(err)), 0);
	}
	assert_int_equal(fsim_server_cred_count(c.s), 1);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(stat(bak, &st), 0);
	c.cookie[0] = '\0';
	assert_int_equal(wio_authenticate(&c, "liz", -1, NULL, NULL), 200);
	client_free(&c);

	/* A corrupt file: the server refuses to start and leaves it as it is. */
	rmdata(dir2);
	tmpdir(dir2, sizeof(dir2));
	snprintf(path, sizeof(path), "%s/credentials.json", dir2);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"version\":1,\"credentials\":[{\"username\":\"x\"}]}", f);
	fclose(f);
	{
		fsim_server_config_t cfg;
		fsim_server_t *s = NULL;
		char err[256];
		fsim_blob_t b = { NULL, 0 };

		server_config(&cfg, dir2);
		assert_int_not_equal(fsim_server_new(&cfg, &s, err, sizeof(err)), 0);
		assert_null(s);
		assert_non_null(strstr(err, "credentials[0]"));
		assert_int_equal(fsim_read_file(path, 1000, &b), 0);
		assert_int_equal(b.len, strlen("{\"version\":1,\"credentials\":[{\"username\":\"x\"}]}"));
		fsim_blob_reset(&b);
		/* nothing imported: it says so again at the next start */
		assert_int_not_equal(fsim_server_new(&cfg, &s, err, sizeof(err)), 0);
	}
	free(legacy);
	rmdata(dir2);
	rmdata(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registration_options_shape),
		cmocka_unit_test(test_register_authenticate),
		cmocka_unit_test(test_replay_refused),
		cmocka_unit_test(test_expired_challenge),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_username_rules),
		cmocka_unit_test(test_usernameless),
		cmocka_unit_test(test_verifier_refusals),
		cmocka_unit_test(test_algorithms_enforced),
		cmocka_unit_test(test_fido_api),
		cmocka_unit_test(test_fido_api_appid),
		cmocka_unit_test(test_algorithm_list),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_persistence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
