/*
 * conform_int.h — one case of `fidosim conform --server` as the runner
 * (conform.c) reads it and the case table (conform_cases.c) writes it.
 */
#ifndef FSIM_CONFORM_INT_H
#define FSIM_CONFORM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "authenticator/authn.h"
#include "harness/conform.h"

enum { REG = 0, AUTH = 1 };
#define Q(x) (1u << FSIM_QUIRK_##x)
#define ONLY_WIO (1u << FSIM_CONFORM_API_WEBAUTHNIO)
#define BS_TO_0 1
#define BS_TO_1 2

typedef void (*mut_fn)(json_t *resp);

typedef struct conf_case {
	const char *family, *name;
	const char *rule;             /* the catalog rule the case tests (rp-sim/rules.def) */
	int kind;
	bool positive;
	unsigned apis;                /* 0: both */
	/* registration */
	const char *att;              /* conveyance asked: NULL "none" */
	const char *alg;              /* the authenticator's one alg; NULL es256 */
	fsim_attfmt_t fmt;
	uint32_t reg_quirks;
	bool be, bs;
	fsim_uvmode_t reg_uvmode;
	const char *reg_uv;           /* the RP is asked for this; NULL preferred */
	const char *client_reg_uv;    /* the client is told this instead */
	bool offer_alg;               /* the client is told the RP offered the authenticator's alg */
	const char *rp_algs;          /* webauthn.io: the algorithms asked for; NULL: the alg */
	fsim_counter_t counter;
	mut_fn reg_mut;
	/* authentication */
	int warmup;                   /* accepted assertions before the one judged */
	uint32_t auth_quirks;
	fsim_uvmode_t auth_uvmode;
	int set_bs;                   /* BS_TO_0 / BS_TO_1 before the judged assertion */
	const char *auth_uv, *client_auth_uv;
	mut_fn auth_mut;
	bool replay;                  /* the judged post is a replay of an accepted one */
} conf_case_t;

extern const conf_case_t fsim_conform_server_cases[];
extern const size_t fsim_conform_server_ncases;

#endif
