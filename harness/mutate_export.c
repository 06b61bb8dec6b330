/*
 * mutate_export.c — a mutation or vector unit as data (mutate.h): the
 * response the RP is given, what the RP asks for and trusts, and the
 * outcome `fidosim run` gives it under every shipped policy preset, so that
 * a relying-party library outside fidosim can judge the same case
 * (tests/differential/verdicts.py holds the presets to three of them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/mutate_int.h"

static const char *
uv_name(fsim_uv_req_t uv)
{
	return uv == FSIM_UV_REQUIRED ? "required" : uv == FSIM_UV_DISCOURAGED ?
	    "discouraged" : "preferred";
}

static const char *
conveyance_name(fsim_conveyance_t c)
{
	switch (c) {
	case FSIM_CONVEY_INDIRECT: return "indirect";
	case FSIM_CONVEY_DIRECT: return "direct";
	case FSIM_CONVEY_ENTERPRISE: return "enterprise";
	case FSIM_CONVEY_NONE: case FSIM_CONVEY_UNSET: break;
	}
	return "none";
}

static const char *
judge_name(mu_judge_t j)
{
	switch (j) {
	case MU_JUDGE_RP: return "rp";
	case MU_JUDGE_RECORD: return "record";
	case MU_JUDGE_CREATION: case MU_JUDGE_REQUEST: return "client";
	case MU_JUDGE_INPUT: return "input";
	}
	return "?";
}

/* What the RP asks and holds, and the response: the case a library is given. */
static json_t *
case_json(size_t i, const mu_case_t *c)
{
	json_t *o = json_object(), *algs = NULL, *tops = json_array(), *exts = json_array();
	char *ch = NULL;
	size_t k;

	if (o == NULL || tops == NULL || exts == NULL ||
	    fsim_b64url_encode(c->challenge, c->challenge_len, &ch) != FSIM_OK)
		goto fail;
	if (c->n_algs > 0) {
		if ((algs = json_array()) == NULL)
			goto fail;
		for (k = 0; k < c->n_algs; k++)
			json_array_append_new(algs, json_integer((json_int_t)c->algs[k]));
	}
	if (c->top_origin[0] != '\0')
		json_array_append_new(tops, json_string(c->top_origin));
	for (k = 0; k < c->n_ext_requested; k++)
		json_array_append_new(exts, json_string(c->ext_requested[k]));
	if (json_object_set_new(o, "name", json_string(fsim_mutation_unit_name(i))) != 0 ||
	    json_object_set_new(o, "kind", json_string(strncmp(fsim_mutation_unit_name(i),
	    "vector/", 7) == 0 ? "vector" : "mutation")) != 0 ||
	    json_object_set_new(o, "change", json_string(c->change)) != 0 ||
	    json_object_set_new(o, "judge", json_string(judge_name(c->judge))) != 0 ||
	    json_object_set_new(o, "ceremony", json_string(c->ceremony ==
	    FSIM_CEREMONY_REGISTRATION ? "registration" : "authentication")) != 0 ||
	    json_object_set_new(o, "rpId", json_string(c->rp_id)) != 0 ||
	    json_object_set_new(o, "origin", json_string(c->origin)) != 0 ||
	    json_object_set_new(o, "challenge", json_string(ch)) != 0 ||
	    json_object_set_new(o, "uv", json_string(uv_name(c->uv))) != 0 ||
	    json_object_set_new(o, "allowCrossOrigin", json_boolean(c->allow_cross_origin)) != 0 ||
	    json_object_set_new(o, "topOrigins", tops) != 0 ||
	    json_object_set_new(o, "algs", algs != NULL ? algs : json_null()) != 0 ||
	    json_object_set_new(o, "conveyance", json_string(conveyance_name(c->conveyance))) != 0 ||
	    json_object_set_new(o, "extensions", exts) != 0 ||
	    json_object_set_new(o, "at", json_integer((json_int_t)c->at)) != 0 ||
	    json_object_set_new(o, "trustAnchors", c->anchors_pem != NULL ?
	    json_deep_copy(c->anchors_pem) : json_array()) != 0 ||
	    /* a unit about the stored record hands over the record as the RP stored it */
	    json_object_set_new(o, "credential", c->judge == MU_JUDGE_RECORD &&
	    c->record_json != NULL ? json_deep_copy(c->record_json) : c->record != NULL ?
	    fsim_record_to_json(c->record) : json_null()) != 0 ||
	    json_object_set_new(o, "response", c->response != NULL ?
	    json_deep_copy(c->response) : json_null()) != 0) {
		tops = exts = algs = NULL;   /* given to o (set_new steals, also on failure) */
		goto fail;
	}
	free(ch);
	return o;
fail:
	free(ch);
	json_decref(algs);
	json_decref(tops);
	json_decref(exts);
	json_decref(o);
	return NULL;
}

int
fsim_mutation_unit_export(size_t i, const uint8_t *seed, size_t seed_len, json_t **out)
{
	const fsim_rp_preset_t *ps[16];
	json_t *o = NULL, *cells = NULL, *outcomes = NULL, *cell;
	mu_case_t c;
	size_t n = 0, k;
	int r;

	*out = NULL;
	if (i >= fsim_mutation_units())
		return FSIM_ERR_ARG;
	for (k = 0; k < fsim_rp_preset_count() && n < sizeof(ps) / sizeof(ps[0]); k++)
		ps[n++] = fsim_rp_preset_at(k);
	if ((r = mu_case_init(&c, seed, seed_len)) != FSIM_OK)
		return r;
	if ((r = mu_unit_build(i, &c)) != FSIM_OK)
		goto out;
	r = FSIM_ERR_NOMEM;
	if ((o = case_json(i, &c)) == NULL || (cells = json_array()) == NULL ||
	    (outcomes = json_object()) == NULL)
		goto out;
	/* The outcome under each preset, as the run's cells give it. */
	if ((r = fsim_mutation_unit_run(i, ps, n, seed, seed_len, cells)) != FSIM_OK)
		goto out;
	r = FSIM_ERR_NOMEM;
	json_array_foreach(cells, k, cell)
		if (json_object_set_new(outcomes, json_string_value(json_object_get(cell, "policy")),
		    json_pack("{s:O, s:O, s:O, s:O}", "outcome", json_object_get(cell, "outcome"),
		    "expected", json_object_get(cell, "expected"), "rules",
		    json_object_get(cell, "rules"), "why", json_object_get(cell, "why"))) != 0)
			goto out;
	if (json_object_set(o, "outcomes", outcomes) != 0)
		goto out;
	*out = o;
	o = NULL;
	r = FSIM_OK;
out:
	json_decref(o);
	json_decref(cells);
	json_decref(outcomes);
	mu_case_reset(&c);
	return r;
}
