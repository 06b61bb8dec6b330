/*
 * matrix_setup.c — what a run of the matrix is made of (matrix_run.h): the
 * presets, platforms, policies and scenarios loaded, the units of work of
 * this shard (and the identity of every unit of the whole matrix, for
 * --merge), the resolved options, and freeing it all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/preset.h"
#include "harness/matrix_int.h"
#include "harness/matrix_run.h"
#include "harness/mutate.h"
#include "harness/scenario.h"

int
fsim_matrix_load(run_t *rn, char *err, size_t errlen)
{
	const fsim_matrix_opts_t *o = rn->o;
	char **names = NULL;
	size_t i, n = 0;
	int r = FSIM_OK;

	if (o->provider != NULL) {
		if ((rn->presets = calloc(1, sizeof(*rn->presets))) == NULL)
			return FSIM_ERR_NOMEM;
		if ((r = fsim_preset_load(o->provider, &rn->presets[0], err, errlen)) != FSIM_OK)
			return r;
		rn->n_presets = 1;
	} else {
		const char *const *v = o->presets;

		if (v == NULL) {
			if ((r = fsim_preset_names(&names, &n)) != FSIM_OK)
				return r;
			v = (const char *const *)names;
		} else
			n = o->n_presets;
		if ((rn->presets = calloc(n + 1, sizeof(*rn->presets))) == NULL)
			r = FSIM_ERR_NOMEM;
		for (i = 0; r == FSIM_OK && i < n; i++)
			if ((r = fsim_preset_load(v[i], &rn->presets[rn->n_presets], err,
			    errlen)) == FSIM_OK)
				rn->n_presets++;
		fsim_preset_names_free(names, n);
		if (r != FSIM_OK)
			return r;
	}
	names = NULL;
	n = 0;
	{
		const char *const *v = o->platforms;

		if (v == NULL) {
			if ((r = fsim_platform_names(&names, &n)) != FSIM_OK) {
				snprintf(err, errlen, "the platforms folder (data/platforms) is not found");
				return r;
			}
			v = (const char *const *)names;
		} else
			n = o->n_platforms;
		if ((rn->platforms = calloc(n + 1, sizeof(*rn->platforms))) == NULL)
			r = FSIM_ERR_NOMEM;
		for (i = 0; r == FSIM_OK && i < n; i++)
			if ((r = fsim_platform_load(v[i], &rn->platforms[rn->n_platforms], err,
			    errlen)) == FSIM_OK)
				rn->n_platforms++;
		fsim_platform_names_free(names, n);
		if (r != FSIM_OK)
			return r;
	}
	/* Falls back to the built-in list; fails only without memory. */
	if ((r = fsim_aaguid_names_load(NULL, &rn->names, NULL)) != FSIM_OK)
		return r;
	n = o->policies != NULL ? o->n_policies : fsim_rp_preset_count();
	if (n > FSIM_PIPE_MAX_POLICIES)
		n = FSIM_PIPE_MAX_POLICIES;
	if ((rn->policies = calloc(n + 1, sizeof(*rn->policies))) == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < n; i++)
		rn->policies[i] = o->policies != NULL ? o->policies[i] : fsim_rp_preset_at(i);
	rn->n_policies = n;
	if (!o->no_scenarios) {
		names = NULL;
		n = 0;
		if (fsim_scenario_names(&names, &n) == FSIM_OK) {
			if ((rn->scenarios = calloc(n + 1, sizeof(*rn->scenarios))) == NULL)
				r = FSIM_ERR_NOMEM;
			for (i = 0; r == FSIM_OK && i < n; i++)
				if ((r = fsim_scenario_load(names[i], &rn->scenarios[rn->n_scenarios],
				    err, errlen)) == FSIM_OK)
					rn->n_scenarios++;
		}
		fsim_scenario_names_free(names, n);
	}
	return r;
}

int
fsim_matrix_make_units(run_t *rn)
{
	const fsim_matrix_opts_t *o = rn->o;
	size_t n_mut = o->no_mutations || o->provider != NULL ? 0 : fsim_mutation_units();
	size_t n_q = o->no_quirks || o->provider != NULL ? 0 : FSIM_QUIRK__COUNT;
	size_t n_s = o->provider != NULL ? 0 : rn->n_scenarios;
	size_t max = rn->n_presets * rn->n_platforms + n_q + n_s + n_mut, i, j, idx = 0;

	if ((rn->units = calloc(max + 1, sizeof(*rn->units))) == NULL ||
	    (rn->unit_ids = json_array()) == NULL)
		return FSIM_ERR_NOMEM;
#define ADD(k, x, y, ...) do { \
	char id_[300]; \
	if (o->shard_n == 0 || idx % o->shard_n == o->shard_i - 1) { \
		unit_t *u_ = &rn->units[rn->n_units++]; \
		u_->kind = (k); u_->a = (x); u_->b = (y); \
		u_->cells = json_array(); \
	} \
	snprintf(id_, sizeof(id_), __VA_ARGS__); \
	if (json_array_append_new(rn->unit_ids, json_string(id_)) != 0) \
		return FSIM_ERR_NOMEM; \
	idx++; \
} while (0)
	for (i = 0; i < rn->n_presets; i++)
		for (j = 0; j < rn->n_platforms; j++)
			ADD(U_MATRIX, i, j, "matrix/%s/%s", fsim_preset_name(rn->presets[i]),
			    rn->platforms[j]->name);
	for (i = 0; i < n_q; i++)
		ADD(U_QUIRK, i, 0, "quirk/%s", fsim_quirk_info((fsim_quirk_t)i)->name);
	for (i = 0; i < n_s; i++)
		ADD(U_SCENARIO, i, 0, "scenario/%s", fsim_scenario_name(rn->scenarios[i]));
	for (i = 0; i < n_mut; i++)
		ADD(U_MUTATION, i, 0, "mutation/%s", fsim_mutation_unit_name(i));
#undef ADD
	return FSIM_OK;
}

/*
 * The options that decide which cells exist and what they hold, resolved
 * (names, not "all"): shards of one run must agree on them (run --merge).
 * A --provider file is named and digested, so that an edited file is seen.
 */
int
fsim_matrix_resolve_options(run_t *rn)
{
	const fsim_matrix_opts_t *o = rn->o;
	json_t *j = json_pack("{s:[], s:n, s:[], s:[], s:b, s:b, s:b}", "presets", "provider",
	    "platforms", "policies", "quirks", !o->no_quirks && o->provider == NULL,
	    "scenarios", !o->no_scenarios && o->provider == NULL,
	    "mutations", !o->no_mutations && o->provider == NULL);
	size_t i;
	int r = FSIM_ERR_NOMEM;

	if (j == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < rn->n_presets; i++)
		if (json_array_append_new(json_object_get(j, "presets"),
		    json_string(fsim_preset_name(rn->presets[i]))) != 0)
			goto out;
	for (i = 0; i < rn->n_platforms; i++)
		if (json_array_append_new(json_object_get(j, "platforms"),
		    json_string(rn->platforms[i]->name)) != 0)
			goto out;
	for (i = 0; i < rn->n_policies; i++)
		if (json_array_append_new(json_object_get(j, "policies"),
		    json_string(rn->policies[i]->name)) != 0)
			goto out;
	if (o->provider != NULL) {
		fsim_blob_t b = { NULL, 0 };
		char hex[65];

		/* A shipped preset given by name: its name (the version covers its text). */
		if (fsim_read_file(o->provider, 1u << 20, &b) == FSIM_OK)
			r = fsim_report_digest_bytes(b.ptr, b.len, hex);
		else
			r = fsim_report_digest_bytes((const uint8_t *)o->provider,
			    strlen(o->provider), hex);
		fsim_blob_reset(&b);
		if (r != FSIM_OK || json_object_set_new(j, "provider", json_pack("{s:s, s:s}",
		    "name", fsim_preset_name(rn->presets[0]), "sha256", hex)) != 0)
			goto out;
	}
	rn->options = j;
	j = NULL;
	r = FSIM_OK;
out:
	json_decref(j);
	return r;
}

void
fsim_matrix_run_free(run_t *rn)
{
	size_t i;

	for (i = 0; i < rn->n_presets; i++)
		fsim_preset_free(&rn->presets[i]);
	for (i = 0; i < rn->n_platforms; i++)
		fsim_platform_free(&rn->platforms[i]);
	for (i = 0; i < rn->n_scenarios; i++)
		fsim_scenario_free(&rn->scenarios[i]);
	for (i = 0; i < rn->n_units; i++)
		json_decref(rn->units[i].cells);
	fsim_aaguid_names_free(&rn->names);
	json_decref(rn->unit_ids);
	json_decref(rn->options);
	free(rn->presets);
	free(rn->platforms);
	free(rn->policies);
	free(rn->scenarios);
	free(rn->units);
}
