/*
 * matrix_run.h — one run of the matrix, shared by matrix.c (running it) and
 * matrix_setup.c (loading what it is made of). Nothing else uses it.
 */
#ifndef FSIM_HARNESS_MATRIX_RUN_H
#define FSIM_HARNESS_MATRIX_RUN_H

#include <pthread.h>

#include "authenticator/preset.h"
#include "harness/matrix.h"
#include "harness/scenario.h"

typedef enum { U_MATRIX, U_QUIRK, U_SCENARIO, U_MUTATION } ukind_t;

typedef struct unit {
	ukind_t kind;
	size_t a, b;            /* preset, platform / quirk / scenario / mutation index */
	json_t *cells;          /* the unit's cells, once run */
	int rc;
} unit_t;

typedef struct run {
	const fsim_matrix_opts_t *o;
	fsim_preset_t **presets;
	size_t n_presets;
	fsim_platform_t **platforms;
	size_t n_platforms;
	const fsim_rp_preset_t **policies;
	size_t n_policies;
	fsim_scenario_t **scenarios;
	size_t n_scenarios;
	const uint8_t *seed;
	size_t seed_len;
	fsim_aaguid_names_t *names;   /* for the provider name webauthn.io would show */
	json_t *unit_ids;       /* every unit of the whole matrix (all shards), in order */
	json_t *options;        /* the run's resolved options (run.options) */
	unit_t *units;
	size_t n_units, next, done;
	pthread_mutex_t lock;
} run_t;

/* Load the presets (or the --provider file), platforms, policies, scenarios, AAGUID names. */
int fsim_matrix_load(run_t *rn, char *err, size_t errlen) FSIM_WUR;
/* The units of this shard, and rn->unit_ids: every unit of the whole matrix. */
int fsim_matrix_make_units(run_t *rn) FSIM_WUR;
/* rn->options: the resolved options that decide which cells exist (run.options). */
int fsim_matrix_resolve_options(run_t *rn) FSIM_WUR;
/* Free everything a run holds (not rn itself). */
void fsim_matrix_run_free(run_t *rn);

#endif /* !FSIM_HARNESS_MATRIX_RUN_H */
