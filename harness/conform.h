/*
 * conform.h — the client side of a relying-party conformance run (`fidosim
 * conform`): test families in the style of the FIDO server conformance tests
 * (response structure, clientData, attestation object, algorithms, packed,
 * none, fido-u2f, assertion and authenticator data;
 * docs/evidence/peers.md B.5) plus our own backup-flag, counter and user-verification
 * families, each case a real ceremony made by the in-process client
 * (harness/ceremony.h) with quirks or a hand-mutated response. Positive cases
 * must be accepted by the RP, negative ones refused.
 *
 * The RP is reached through a transport the caller supplies (HTTP with
 * cookies in cli/conform.c; fsim_server_handle directly in the unit tests),
 * speaking webauthn.io's API or the FIDO conformance server API.
 */
#ifndef FSIM_CONFORM_H
#define FSIM_CONFORM_H

#include <stdio.h>
#include "core/util.h"

typedef enum { FSIM_CONFORM_API_WEBAUTHNIO = 0, FSIM_CONFORM_API_FIDO } fsim_conform_api_t;

/*
 * POST body (JSON text) to path on the RP, keeping the session (cookies).
 * Sets *status (HTTP) and *resp (malloc'd NUL-terminated body, may be
 * empty). Returns 0, or negative when the RP could not be reached.
 */
typedef int (*fsim_conform_post_fn)(void *ctx, const char *path, const char *body,
    long *status, char **resp);

typedef struct fsim_conform_config {
	fsim_conform_api_t api;
	const char *origin;                 /* the origin the client claims */
	fsim_conform_post_fn post;
	void *ctx;
	const char *only;                   /* run only families whose name contains this; NULL: all */
	FILE *progress;                     /* one line per case as it runs; NULL: quiet */
} fsim_conform_config_t;

typedef struct fsim_conform_case {
	char family[64];
	char name[128];
	char rule[24];                      /* the catalog rule the case tests, e.g. "REG-14" */
	char section[48];                   /* its WebAuthn L3 section */
	bool positive;                      /* must be accepted */
	bool passed;                        /* the RP behaved as expected */
	bool skipped;                       /* not applicable to this API */
	char detail[512];                   /* the RP's answer, or why the case could not run */
	double seconds;
	/*
	 * conform --authenticator (harness/conform_authn.h): rule is the case's
	 * own ID (e.g. "MC-12"), section its CTAP 2.1 (or WebAuthn L3) section,
	 * and rules the catalog rules rp-sim or the parsers named when the
	 * case judged the authenticator's output with them ("" otherwise).
	 */
	char rules[128];
} fsim_conform_case_t;

typedef struct fsim_conform_results {
	fsim_conform_case_t *v;
	size_t n;
	size_t passed, failed, skipped;
	bool unreachable;                   /* the RP never answered */
	/*
	 * No case ran because the set-up cannot work (checked first, with one
	 * registration): the client refuses the RP's RP ID for the origin it
	 * claims, or the RP refuses that origin. Says which, and what to give.
	 */
	char setup_error[600];
	bool authenticator;                 /* cases of conform --authenticator */
} fsim_conform_results_t;

/* Run every case (or those of cfg->only). 0, or FSIM_ERR_NOMEM / FSIM_ERR_ARG. */
int fsim_conform_run(const fsim_conform_config_t *cfg, fsim_conform_results_t *out) FSIM_WUR;
void fsim_conform_results_free(fsim_conform_results_t *r);

/* JUnit XML: one testsuite per family, one testcase per case. */
int fsim_conform_junit(FILE *f, const fsim_conform_results_t *r, const char *suite) FSIM_WUR;
/* A readable summary: the failures, then counts per family and in all. */
void fsim_conform_summary(FILE *f, const fsim_conform_results_t *r);

#endif /* !FSIM_CONFORM_H */
