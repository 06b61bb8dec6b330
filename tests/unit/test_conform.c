/*
 * test_conform.c — the conformance cases (harness/conform.h) against the
 * server of `fidosim serve` (rp-sim/server.h) in process, through both APIs:
 * every positive case accepted, every negative case refused; a server that
 * accepts everything fails every negative case; the JUnit XML names every
 * case under its family.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness/conform.h"
#include "rp-sim/server.h"

#define ORIGIN "http://localhost:8080"

typedef struct jar {
	fsim_server_t *s;
	char cookie[128];
	bool yes_man;        /* answer every verification with success */
} jar_t;

static int
post(void *ctx, const char *path, const char *body, long *status, char **resp)
{
	jar_t *j = ctx;
	fsim_server_request_t req = { "POST", path, j->cookie[0] ? j->cookie : NULL,
	    (const uint8_t *)body, strlen(body), "application/json", NULL };
	fsim_server_response_t r;

	assert_int_equal(fsim_server_handle(j->s, &req, &r), 0);
	if (r.set_cookie[0] != '\0') {
		size_t n = strcspn(r.set_cookie, ";");

		memcpy(j->cookie, r.set_cookie, n);
		j->cookie[n] = '\0';
	}
	*status = r.status;
	*resp = r.body;
	if (j->yes_man && (strstr(path, "verification") || strstr(path, "result"))) {
		free(r.body);
		*status = 200;
		*resp = strdup(strstr(path, "result") ? "{\"status\":\"ok\",\"errorMessage\":\"\"}" :
		    "{\"verified\":true}");
	}
	return 0;
}

static void
run_against_server(fsim_conform_api_t api, bool yes_man, fsim_conform_results_t *res)
{
	static const char *origins[] = { ORIGIN };
	fsim_server_config_t sc;
	fsim_conform_config_t cc;
	jar_t jar;
	char err[256];

	memset(&sc, 0, sizeof(sc));
	sc.origins = origins;
	sc.n_origins = 1;
	memset(&jar, 0, sizeof(jar));
	jar.yes_man = yes_man;
	assert_int_equal(fsim_server_new(&sc, &jar.s, err, sizeof(err)), 0);
	memset(&cc, 0, sizeof(cc));
	cc.api = api;
	cc.origin = ORIGIN;
	cc.post = post;
	cc.ctx = &jar;
	assert_int_equal(fsim_conform_run(&cc, res), 0);
	fsim_server_free(&jar.s);
}

static void
all_as_expected(fsim_conform_api_t api)
{
	fsim_conform_results_t res;
	size_t i, pos = 0, neg = 0;

	run_against_server(api, false, &res);
	assert_false(res.unreachable);
	assert_true(res.n > 60);
	for (i = 0; i < res.n; i++) {
		if (res.v[i].skipped)
			continue;
		if (!res.v[i].passed)
			fail_msg("%s: %s: %s", res.v[i].family, res.v[i].name, res.v[i].detail);
		pos += res.v[i].positive;
		neg += !res.v[i].positive;
		/* Every refusal names why. */
		if (!res.v[i].positive)
			assert_non_null(strstr(res.v[i].detail, "refused: HTTP 400: "));
	}
	assert_int_equal(res.failed, 0);
	assert_true(pos >= 20 && neg >= 40);
	assert_int_equal(res.passed + res.skipped, res.n);
	fsim_conform_results_free(&res);
}

static void
test_webauthnio_api(void **state)
{
	(void)state;
	all_as_expected(FSIM_CONFORM_API_WEBAUTHNIO);
}

static void
test_fido_api(void **state)
{
	fsim_conform_results_t res;

	(void)state;
	all_as_expected(FSIM_CONFORM_API_FIDO);
	/* The webauthn.io-only case is skipped under the FIDO API. */
	run_against_server(FSIM_CONFORM_API_FIDO, false, &res);
	assert_int_equal(res.skipped, 1);
	fsim_conform_results_free(&res);
}

static void
test_lenient_rp_fails_negatives(void **state)
{
	fsim_conform_results_t res;
	size_t i;

	(void)state;
	run_against_server(FSIM_CONFORM_API_WEBAUTHNIO, true, &res);
	for (i = 0; i < res.n; i++)
		if (!res.v[i].skipped && !res.v[i].positive)
			assert_false(res.v[i].passed);
	assert_true(res.failed >= 40);
	fsim_conform_results_free(&res);
}

static void
test_junit(void **state)
{
	fsim_conform_results_t res;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	run_against_server(FSIM_CONFORM_API_WEBAUTHNIO, true, &res);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(fsim_conform_junit(f, &res, "fidosim.conform"), 0);
	fclose(f);
	assert_non_null(strstr(buf, "<testsuite name=\"Backup flags (BE/BS)\""));
	assert_non_null(strstr(buf, "name=\"F-1 BS without BE at registration\""));
	/* a failure names the rule the case tests and its section (issue 20 item 6) */
	assert_non_null(strstr(buf, "<failure message=\"a non-conforming response was not "
	    "refused (rule REG-14, WebAuthn L3 7.1 step 17)\" type=\"REG-14\">"));
	for (i = 0; i < res.n; i++)
		assert_true(res.v[i].rule[0] != '\0' && res.v[i].section[0] != '\0');
	for (i = 0; i < res.n; i++)
		if (strpbrk(res.v[i].name, "<>&\"") == NULL)
			assert_non_null(strstr(buf, res.v[i].name));
	free(buf);
	fsim_conform_results_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webauthnio_api),
		cmocka_unit_test(test_fido_api),
		cmocka_unit_test(test_lenient_rp_fails_negatives),
		cmocka_unit_test(test_junit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
