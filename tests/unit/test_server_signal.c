/*
 * test_server_signal.c — WebAuthn L3 in the relying party behind `fidosim
 * serve` (rp-sim/server_signal.c and its hooks): a conditional create
 * asked for in the registration options passes with UP=0 (7.1 step 15) and
 * only then; the signals a well-behaved RP sends (5.1.10) in the answers
 * that ask for them — unknownCredential for an unknown credential ID,
 * allAcceptedCredentials and currentUserDetails after a sign-in — and
 * POST /account/details for the signed-in user. Ceremonies are made by the
 * in-process client (harness/ceremony.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authenticator/preset.h"
#include "harness/ceremony.h"
#include "rp-sim/server.h"

#define ORIGIN "http://localhost:8080"

typedef struct client {
	fsim_server_t *s;
	char cookie[128];
	fsim_ceremony_t *authn;
} client_t;

static void
client_init(client_t *c, const char *cond_create)
{
	static const char *origins[] = { ORIGIN };
	fsim_server_config_t cfg;
	fsim_authn_config_t a;
	char err[256];

	memset(c, 0, sizeof(*c));
	memset(&cfg, 0, sizeof(cfg));
	cfg.rp_id = "localhost";
	cfg.origins = origins;
	cfg.n_origins = 1;
	assert_int_equal(fsim_server_new(&cfg, &c->s, err, sizeof(err)), 0);
	fsim_authn_config_init(&a);
	if (cond_create != NULL)
		assert_int_equal(fsim_preset_setting(&a, "conditional-create", cond_create, err,
		    sizeof(err)), 0);
	assert_int_equal(fsim_ceremony_new(&a, &c->authn), 0);
}

static void
client_free(client_t *c)
{
	fsim_server_free(&c->s);
	fsim_ceremony_free(&c->authn);
}

/* POST body (JSON text) to path; the status, *out the answer. */
static int
post(client_t *c, const char *path, const char *body, json_t **out)
{
	fsim_server_request_t r;
	fsim_server_response_t resp;
	int st;

	memset(&r, 0, sizeof(r));
	r.method = "POST";
	r.path = path;
	r.cookie = c->cookie[0] ? c->cookie : NULL;
	r.body = (const uint8_t *)body;
	r.body_len = strlen(body);
	r.content_type = "application/json";

	assert_int_equal(fsim_server_handle(c->s, &r, &resp), 0);
	if (resp.set_cookie[0] != '\0') {
		size_t n = strcspn(resp.set_cookie, ";");

		memcpy(c->cookie, resp.set_cookie, n);
		c->cookie[n] = '\0';
	}
	*out = json_loads(resp.body, 0, NULL);
	assert_non_null(*out);
	st = resp.status;
	fsim_server_response_reset(&resp);
	return st;
}

static int
post_json(client_t *c, const char *path, json_t *body, json_t **out)
{
	char *s = json_dumps(body, JSON_COMPACT);
	int st;

	assert_non_null(s);
	st = post(c, path, s, out);
	free(s);
	json_decref(body);
	return st;
}

/* Register username; server_mediation: what the options request says; client_conditional: what the page does. */
static int
reg(client_t *c, const char *username, bool server_mediation, bool client_conditional,
    json_t **ans)
{
	char body[256];
	json_t *opts = NULL, *resp = NULL;
	fsim_client_error_t cerr;

	snprintf(body, sizeof(body), "{\"username\":\"%s\"%s}", username, server_mediation ?
	    ",\"mediation\":\"conditional\"" : "");
	assert_int_equal(post(c, "/registration/options", body, &opts), 200);
	if (client_conditional)
		json_object_set_new(opts, "mediation", json_string("conditional"));
	assert_int_equal(fsim_ceremony_create(c->authn, opts, ORIGIN, &resp, &cerr, NULL, 0), 0);
	json_decref(opts);
	return post_json(c, "/registration/verification", json_pack("{s:s, s:o}", "username",
	    username, "response", resp), ans);
}

/* Authenticate (username "" for a discoverable credential), asking for the signals or not. */
static int
auth(client_t *c, const char *username, bool signals, json_t **ans)
{
	char body[256];
	json_t *opts = NULL, *resp = NULL, *b;
	fsim_client_error_t cerr;

	snprintf(body, sizeof(body), "{\"username\":\"%s\"}", username);
	assert_int_equal(post(c, "/authentication/options", body, &opts), 200);
	assert_int_equal(fsim_ceremony_get(c->authn, opts, ORIGIN, -1, &resp, &cerr, NULL, 0), 0);
	json_decref(opts);
	b = json_pack("{s:s, s:o}", "username", username, "response", resp);
	if (signals)
		json_object_set_new(b, "signals", json_true());
	return post_json(c, "/authentication/verification", b, ans);
}

/* The signal NAME in the answer's "signals", or NULL. */
static const json_t *
signal_of(const json_t *ans, const char *name)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(ans, "signals"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "signal")), name) == 0)
			return s;
	return NULL;
}

static void
conditional_create(void **state)
{
	client_t c;
	json_t *ans = NULL;

	(void)state;
	client_init(&c, "no-up");
	/* asked for: UP=0 passes */
	assert_int_equal(reg(&c, "alice", true, true, &ans), 200);
	assert_true(json_is_true(json_object_get(ans, "verified")));
	json_decref(ans);
	/* the page made one the RP did not ask for: REG-12 */
	assert_int_equal(reg(&c, "bob", false, true, &ans), 400);
	assert_non_null(strstr(json_string_value(json_object_get(ans, "error")), "REG-12"));
	json_decref(ans);
	/* asked for, modal create: UP=1 passes as well */
	assert_int_equal(reg(&c, "carol", true, false, &ans), 200);
	json_decref(ans);
	/* mediation that is not a string: 400 */
	assert_int_equal(post(&c, "/registration/options", "{\"username\":\"d\",\"mediation\":1}",
	    &ans), 400);
	json_decref(ans);
	client_free(&c);
}

static void
sign_in_signals(void **state)
{
	client_t c;
	json_t *ans = NULL, *r1 = NULL;
	const json_t *acc, *det;

	(void)state;
	client_init(&c, NULL);
	assert_int_equal(reg(&c, "alice", false, false, &r1), 200);
	json_decref(r1);
	/* webauthn.io's answer is unchanged for clients that do not ask */
	assert_int_equal(auth(&c, "alice", false, &ans), 200);
	assert_int_equal(json_object_size(ans), 1);
	assert_true(json_is_true(json_object_get(ans, "verified")));
	json_decref(ans);
	assert_int_equal(auth(&c, "alice", true, &ans), 200);
	acc = signal_of(ans, "allAcceptedCredentials");
	det = signal_of(ans, "currentUserDetails");
	assert_non_null(acc);
	assert_non_null(det);
	assert_string_equal(json_string_value(json_object_get(acc, "rpId")), "localhost");
	assert_int_equal(json_array_size(json_object_get(acc, "allAcceptedCredentialIds")), 1);
	assert_string_equal(json_string_value(json_object_get(det, "name")), "alice");
	assert_string_equal(json_string_value(json_object_get(det, "displayName")), "alice");
	assert_string_equal(json_string_value(json_object_get(acc, "userId")),
	    json_string_value(json_object_get(det, "userId")));
	json_decref(ans);
	/* a new display name for the signed-in user */
	assert_int_equal(post(&c, "/account/details", "{\"displayName\":\"Alice A.\"}", &ans), 200);
	det = signal_of(ans, "currentUserDetails");
	assert_non_null(det);
	assert_string_equal(json_string_value(json_object_get(det, "displayName")), "Alice A.");
	json_decref(ans);
	assert_int_equal(auth(&c, "alice", true, &ans), 200);
	assert_string_equal(json_string_value(json_object_get(signal_of(ans, "currentUserDetails"),
	    "displayName")), "Alice A.");
	json_decref(ans);
	assert_int_equal(post(&c, "/account/details", "{\"displayName\":\"\"}", &ans), 400);
	json_decref(ans);
	client_free(&c);
}

static void
unknown_credential_and_details_without_sign_in(void **state)
{
	client_t a, b;
	json_t *ans = NULL;
	const json_t *unk;
	fsim_ceremony_t *t;

	(void)state;
	client_init(&a, NULL);
	client_init(&b, NULL);
	assert_int_equal(reg(&a, "alice", false, false, &ans), 200);
	json_decref(ans);
	/* not signed in on b: no display name to change */
	assert_int_equal(post(&b, "/account/details", "{\"displayName\":\"X\"}", &ans), 403);
	json_decref(ans);
	/* b has never seen the credential a's authenticator offers */
	t = b.authn;
	b.authn = a.authn;
	assert_int_equal(auth(&b, "", true, &ans), 400);
	unk = signal_of(ans, "unknownCredential");
	assert_non_null(unk);
	assert_string_equal(json_string_value(json_object_get(unk, "rpId")), "localhost");
	assert_true(json_string_length(json_object_get(unk, "credentialId")) > 0);
	json_decref(ans);
	assert_int_equal(auth(&b, "", false, &ans), 400);
	assert_null(json_object_get(ans, "signals"));
	json_decref(ans);
	b.authn = t;
	client_free(&a);
	client_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conditional_create),
		cmocka_unit_test(sign_in_signals),
		cmocka_unit_test(unknown_credential_and_details_without_sign_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
