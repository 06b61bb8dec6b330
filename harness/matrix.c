/*
 * matrix.c — the conformance matrix (see matrix.h): running the units of
 * work on worker threads, and each unit's cells in the report.json shape of
 * docs/report-schema.md (loading and slicing: matrix_setup.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authenticator/preset.h"
#include "harness/matrix.h"
#include "harness/matrix_int.h"
#include "harness/matrix_run.h"
#include "harness/mutate.h"
#include "harness/scenario.h"
#include "core/judge_memo.h"

static const uint8_t default_seed[] = { 0x01 };

/* ---- cells ---- */

static void
list_add(json_t *arr, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), id) == 0)
			return;
	json_array_append_new(arr, json_string(id));
}

static void
list_add_csv(json_t *arr, const char *csv)
{
	char buf[300], *save = NULL, *t;

	snprintf(buf, sizeof(buf), "%s", csv);
	for (t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		list_add(arr, t);
}

json_t *
fsim_cell_new(const char *kind, const char *id, const char *preset, const char *platform,
    const char *policy, const char *subject)
{
	/* member by member, in this order (json_pack would parse its format each time) */
	static const char *const arrays[] = { "rules", "sections", "warnings", "held" };
	json_t *c = json_object();
	size_t i;
	int bad = c == NULL;

#define SET(k, v) do { json_t *v_ = (v); \
		if (!bad && (v_ == NULL || json_object_set_new(c, k, v_) != 0)) bad = 1; } while (0)
	SET("id", json_string(id));
	SET("kind", json_string(kind));
	SET("preset", preset != NULL ? json_string(preset) : json_null());
	SET("platform", platform != NULL ? json_string(platform) : json_null());
	SET("policy", json_string(policy));
	SET("subject", subject != NULL ? json_string(subject) : json_null());
	SET("outcome", json_string("pass"));
	SET("expected", json_null());
	SET("expectedRules", json_array());
	SET("ok", json_true());
	for (i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
		SET(arrays[i], json_array());
	SET("why", json_string(""));
	SET("libraryError", json_null());
	SET("platformRules", json_array());
	SET("ceremonies", json_array());
#undef SET
	if (bad) {
		json_decref(c);
		return NULL;
	}
	return c;
}

static json_t *rule_ids[FSIM_R__COUNT];
static pthread_once_t rule_ids_once = PTHREAD_ONCE_INIT;

static void
rule_ids_free(void)
{
	size_t i;

	for (i = 0; i < FSIM_R__COUNT; i++) {
		json_decref(rule_ids[i]);
		rule_ids[i] = NULL;
	}
}

static void
rule_ids_make(void)
{
	size_t i;

	for (i = 0; i < FSIM_R__COUNT; i++)
		rule_ids[i] = json_string(fsim_rule((fsim_rule_id_t)i)->id);
	atexit(rule_ids_free);
}

json_t *
fsim_cell_rule_id(fsim_rule_id_t r)
{
	/* jansson counts references atomically: one string serves every thread */
	if ((size_t)r >= FSIM_R__COUNT || pthread_once(&rule_ids_once, rule_ids_make) != 0)
		return NULL;
	return rule_ids[r] != NULL ? json_incref(rule_ids[r]) :
	    json_string(fsim_rule(r)->id);
}

void
fsim_cell_finish(json_t *cell)
{
	json_t *sections = json_array(), *rules = json_object_get(cell, "rules"), *v;
	fsim_rule_id_t rid;
	size_t i;

	json_array_foreach(rules, i, v)
		json_array_append_new(sections, json_string(fsim_rule_find(json_string_value(v),
		    &rid) ? fsim_rule(rid)->section : "?"));
	json_object_set_new(cell, "sections", sections);
}

/* A registration view gains the provider name webauthn.io would show for its AAGUID. */
static void
name_view(json_t *vj, const fsim_pipe_view_t *v, const fsim_aaguid_names_t *names)
{
	char name[96];

	if (fsim_pipe_view_provider_name(v, names, name, sizeof(name)))
		json_object_set_new(vj, "providerName", json_string(name));
}

/*
 * Fold one ceremony of a pipe into a cell under the verdict of preset ps.
 * all is the ceremony's views with every policy's verdict, made once for
 * every cell (NULL when it could not be made): the cell gets a shallow copy
 * holding its own verdict only, its views shared with the other cells.
 * held_bits marks the rules already in the cell's "held" list.
 */
static void
fold_ceremony(json_t *cell, const fsim_pipe_result_t *r, const fsim_rp_preset_t *ps,
    const json_t *all, uint8_t *held_bits)
{
	const fsim_pipe_verdict_t *v = NULL;
	json_t *held = json_object_get(cell, "held");
	const char *outcome = json_string_value(json_object_get(cell, "outcome"));
	size_t i;

	for (i = 0; i < r->n_verdicts; i++)
		if (r->verdicts[i].preset == ps)
			v = &r->verdicts[i];
	for (i = 0; i < r->effects.n; i++)
		if (strcmp(r->effects.v[i].rule, "client-data") != 0)
			list_add(json_object_get(cell, "platformRules"), r->effects.v[i].rule);
	if (all != NULL) {
		/* The cell keeps this policy's verdict only. */
		json_t *cj = json_copy((json_t *)all), *x, *mine = json_null();
		const json_t *vs = json_object_get(all, "verdicts");

		/* (json_array_foreach evaluates its array at every step) */
		json_array_foreach(vs, i, x)
			if (strcmp(json_string_value(json_object_get(x, "policy")), ps->name) == 0)
				mine = json_incref(x);
		if (cj != NULL) {
			json_object_del(cj, "verdicts");
			json_object_set_new(cj, "verdict", mine);
			json_array_append_new(json_object_get(cell, "ceremonies"), cj);
		} else
			json_decref(mine);
	}
	if (!r->delivered.ok) {
		if (strcmp(outcome, "pass") == 0) {
			json_object_set_new(cell, "outcome", json_string("refused"));
			json_object_set_new(cell, "why", json_string(r->delivered.error_message[0] ?
			    r->delivered.error_message : "the authenticator refused"));
		}
		return;
	}
	if (v == NULL || !v->ran)
		return;
	list_add_csv(json_object_get(cell, "rules"), v->errors);
	list_add_csv(json_object_get(cell, "warnings"), v->warnings);
	for (i = 0; i < FSIM_R__COUNT; i++)
		if (FSIM_PIPE_BIT(v->passed, i) && !FSIM_PIPE_BIT(v->failed, i) &&
		    !FSIM_PIPE_BIT(held_bits, i)) {
			held_bits[i / 8] |= (uint8_t)(1u << (i % 8));
			json_array_append_new(held, fsim_cell_rule_id((fsim_rule_id_t)i));
		}
	if (!v->verified && strcmp(outcome, "pass") == 0) {
		json_object_set_new(cell, "outcome", json_string("fail"));
		json_object_set_new(cell, "why", json_string(v->first_error));
		if (v->library_error[0])
			json_object_set_new(cell, "libraryError", json_string(v->library_error));
	}
}

/* The rules a cell's "held" list already names, as bits. */
static void
held_bits_of(const json_t *cell, uint8_t *bits)
{
	fsim_rule_id_t rid;
	const json_t *x, *list = json_object_get(cell, "held");
	size_t i;

	json_array_foreach(list, i, x)
		if (fsim_rule_find(json_string_value(x), &rid))
			bits[rid / 8] |= (uint8_t)(1u << (rid % 8));
}

/*
 * Register, then authenticate `n_auth` times through one pipe, and make one
 * cell per policy.
 */
static int
pipe_cells(run_t *rn, const fsim_authn_config_t *cfg, const fsim_platform_t *pf,
    const fsim_pipe_rp_t *rp, int n_auth, json_t *const *cells)
{
	uint8_t held[FSIM_PIPE_MAX_POLICIES][(FSIM_R__COUNT + 7) / 8];
	fsim_judge_memo_t memo;
	fsim_pipe_t *p = NULL;
	fsim_pipe_result_t r;
	json_t *all;
	size_t k;
	int i, rc;

	memset(&r, 0, sizeof(r));
	memset(held, 0, sizeof(held));
	for (k = 0; k < rn->n_policies && k < FSIM_PIPE_MAX_POLICIES; k++)
		held_bits_of(cells[k], held[k]);
	if ((rc = fsim_pipe_new(cfg, pf, rn->seed, rn->seed_len, &p)) != FSIM_OK)
		return rc;
	/*
	 * One scope for the pipe's ceremonies: the client, the views and every
	 * policy parse the same keys; each is imported once (judge_memo.h).
	 */
	fsim_judge_memo_begin(&memo);
	for (i = 0; i <= n_auth; i++) {
		if (i > 0 && !fsim_pipe_has_credential(p))
			break;
		rc = i == 0 ? fsim_pipe_register(p, rp, &r) : fsim_pipe_authenticate(p, rp, &r);
		if (rc != FSIM_OK)
			break;
		/* the views once per ceremony, shared by every policy's cell */
		if ((all = fsim_pipe_result_json(&r)) != NULL &&
		    r.ceremony == FSIM_CEREMONY_REGISTRATION) {
			name_view(json_object_get(all, "emitted"), &r.emitted, rn->names);
			name_view(json_object_get(all, "delivered"), &r.delivered, rn->names);
		}
		for (k = 0; k < rn->n_policies && k < FSIM_PIPE_MAX_POLICIES; k++)
			fold_ceremony(cells[k], &r, rn->policies[k], all, held[k]);
		json_decref(all);
		fsim_pipe_result_reset(&r);
	}
	fsim_judge_memo_end(&memo);
	fsim_pipe_free(&p);
	return rc;
}

static int
run_matrix_unit(run_t *rn, unit_t *u)
{
	const fsim_preset_t *ps = rn->presets[u->a];
	const fsim_platform_t *pf = rn->platforms[u->b];
	const char *pname = fsim_preset_name(ps);
	json_t *cells[FSIM_PIPE_MAX_POLICIES];
	fsim_pipe_rp_t rp;
	char id[300];
	size_t k;
	int rc;

	memset(&rp, 0, sizeof(rp));
	rp.presets = rn->policies;
	rp.mds = rn->o->mds;
	rp.n_presets = rn->n_policies;
	rp.cred_props = true;
	for (k = 0; k < rn->n_policies; k++) {
		snprintf(id, sizeof(id), "matrix/%s/%s/%s", pname, pf->name, rn->policies[k]->name);
		cells[k] = fsim_cell_new("matrix", id, pname, pf->name, rn->policies[k]->name, NULL);
	}
	rc = pipe_cells(rn, fsim_preset_config(ps), pf, &rp, 1, cells);
	for (k = 0; k < rn->n_policies; k++) {
		json_object_set_new(cells[k], "ok", json_boolean(strcmp(json_string_value(
		    json_object_get(cells[k], "outcome")), "pass") == 0));
		fsim_cell_finish(cells[k]);
		json_array_append_new(u->cells, cells[k]);
	}
	return rc;
}

/* Quirks that spoil the attestation statement: the RP must ask for it ("direct"). */
static bool
statement_quirk(size_t q)
{
	return q == FSIM_QUIRK_AAGUID_CERT_MISMATCH || q == FSIM_QUIRK_CERT_CA_TRUE ||
	    q == FSIM_QUIRK_CERT_MISSING_OU || q == FSIM_QUIRK_CERT_EXPIRED ||
	    q == FSIM_QUIRK_ALG_MISMATCH || q == FSIM_QUIRK_NONE_WITH_ATTSTMT;
}

/*
 * A quirk's cells: the RP must catch it by the rule the quirk names — as an
 * error (outcome fail) when the rule is an error, as a warning when it is
 * one — except where the policy preset documents another decision
 * (quirk_expect.c). A quirk no RP can see must pass.
 */
static int
run_quirk_unit(run_t *rn, unit_t *u)
{
	const fsim_quirk_info_t *q = fsim_quirk_info((fsim_quirk_t)u->a);
	json_t *cells[FSIM_PIPE_MAX_POLICIES];
	const char *exp[FSIM_PIPE_MAX_POLICIES], *rule[FSIM_PIPE_MAX_POLICIES];
	char why[FSIM_PIPE_MAX_POLICIES][200];
	fsim_authn_config_t cfg;
	fsim_pipe_rp_t rp;
	char id[300];
	size_t k;
	int rc;

	fsim_authn_config_init(&cfg);
	cfg.quirks = 1u << u->a;
	cfg.attestation = FSIM_ATTFMT_PACKED;
	if (u->a == FSIM_QUIRK_ALG_MISMATCH)
		cfg.attestation = FSIM_ATTFMT_PACKED_SELF;
	else if (u->a == FSIM_QUIRK_NONE_WITH_ATTSTMT)
		cfg.attestation = FSIM_ATTFMT_NONE;
	else if (u->a == FSIM_QUIRK_BS_WITHOUT_BE)
		cfg.bs = true;
	memset(&rp, 0, sizeof(rp));
	rp.presets = rn->policies;
	rp.mds = rn->o->mds;
	rp.n_presets = rn->n_policies;
	rp.attestation = statement_quirk(u->a) ? "direct" : "none";
	for (k = 0; k < rn->n_policies; k++) {
		/* Under "none" the reference platform delivers fmt none (convey-l3). */
		exp[k] = fsim_quirk_expect(u->a, &cfg, statement_quirk(u->a) &&
		    cfg.attestation != FSIM_ATTFMT_NONE ? "packed" : "none", rn->policies[k],
		    &rule[k], why[k], sizeof(why[k]));
		snprintf(id, sizeof(id), "quirk/%s/%s", q->name, rn->policies[k]->name);
		cells[k] = fsim_cell_new("quirk", id, NULL, "spec-l3", rn->policies[k]->name,
		    q->name);
		json_object_set_new(cells[k], "expected", json_string(strcmp(exp[k], "fail") == 0 ?
		    "fail" : "pass"));
		if (strcmp(exp[k], "fail") == 0)
			json_object_set_new(cells[k], "expectedRules", json_pack("[s]", rule[k]));
	}
	/* Two assertions: counter-regress shows on the second. */
	rc = pipe_cells(rn, &cfg, NULL, &rp, 2, cells);
	for (k = 0; k < rn->n_policies; k++) {
		const char *out = json_string_value(json_object_get(cells[k], "outcome"));
		bool ok;

		if (strcmp(exp[k], "fail") == 0)
			ok = strcmp(out, "fail") == 0 && fsim_cell_has_rule(cells[k], rule[k]);
		else if (strcmp(exp[k], "warn") == 0)
			ok = strcmp(out, "pass") == 0 && fsim_cell_has_warning(cells[k], rule[k]);
		else
			ok = strcmp(out, "pass") == 0;
		json_object_set_new(cells[k], "ok", json_boolean(ok));
		/* A pass the preset documents: say so, where a reader looks for the reason. */
		if (ok && why[k][0] && strcmp(out, "pass") == 0)
			json_object_set_new(cells[k], "why", json_string(why[k]));
		fsim_cell_finish(cells[k]);
		json_array_append_new(u->cells, cells[k]);
	}
	return rc;
}

bool
fsim_cell_has_warning(const json_t *cell, const char *rule)
{
	const json_t *v, *list = json_object_get(cell, "warnings");
	size_t i;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), rule) == 0)
			return true;
	return false;
}

bool
fsim_cell_has_rule(const json_t *cell, const char *rule)
{
	const json_t *v, *list = json_object_get(cell, "rules");
	size_t i;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), rule) == 0)
			return true;
	return false;
}

/* A scenario's cells: per policy, every expectation about it met or not. */
static int
run_scenario_unit(run_t *rn, unit_t *u)
{
	fsim_scenario_t *s = rn->scenarios[u->a];
	json_t *rep = NULL, *st, *ex;
	bool met;
	size_t k, i, j;
	int rc;

	if ((rc = fsim_scenario_run(s, rn->seed, rn->seed_len, &rep, &met)) != FSIM_OK)
		return rc;
	for (k = 0; k < rn->n_policies; k++) {
		const char *pol = rn->policies[k]->name;
		char id[300], why[600] = "";
		json_t *cell, *last = NULL, *cer = json_array();
		/* (json_array_foreach evaluates its array at every step: each looked up once) */
		const json_t *steps = json_object_get(rep, "steps"), *exps, *vs;
		bool all = true, any = false;

		snprintf(id, sizeof(id), "scenario/%s/%s", fsim_scenario_name(s), pol);
		cell = fsim_cell_new("scenario", id, NULL, NULL, pol, fsim_scenario_name(s));
		json_array_foreach(steps, i, st) {
			exps = json_object_get(st, "expectations");
			json_array_foreach(exps, j, ex) {
				const char *who = json_string_value(json_object_get(ex, "who"));

				/* Platform and signal expectations hold for every policy. */
				if (strcmp(who, pol) != 0 && strcmp(who, "platform") != 0 &&
				    strcmp(who, "signal") != 0)
					continue;
				any = true;
				last = ex;
				if (!json_is_true(json_object_get(ex, "met"))) {
					all = false;
					snprintf(why + strlen(why), sizeof(why) - strlen(why), "%sstep %zu: "
					    "expected %s, got %s", why[0] ? "; " : "", i + 1,
					    json_string_value(json_object_get(ex, "expected")),
					    json_string_value(json_object_get(ex, "got")));
				}
			}
			if (json_object_get(st, "result") != NULL) {
				/*
				 * This policy's verdict only, as in the other cells: a
				 * shallow copy (the members are shared, as pipe cells share
				 * theirs; nothing edits them after the run).
				 */
				json_t *res = json_copy(json_object_get(st, "result")), *x, *mine;
				size_t m;

				mine = json_null();
				vs = json_object_get(res, "verdicts");
				json_array_foreach(vs, m, x)
					if (strcmp(json_string_value(json_object_get(x, "policy")), pol) == 0)
						mine = json_incref(x);
				if (res != NULL) {
					json_object_del(res, "verdicts");
					json_object_set_new(res, "verdict", mine);
					json_array_append_new(cer, res);
				} else
					json_decref(mine);
			}
		}
		if (last != NULL) {
			const char *got = json_string_value(json_object_get(last, "got"));
			const char *exp = json_string_value(json_object_get(last, "expected"));
			const char *colon = strchr(got, ':');

			json_object_set_new(cell, "outcome", json_string(strncmp(got, "refused", 7) == 0 ?
			    "refused" : strncmp(got, "fail", 4) == 0 ? "fail" : "pass"));
			json_object_set_new(cell, "expected", json_string(strncmp(exp, "refused", 7) == 0 ?
			    "refused" : strncmp(exp, "fail", 4) == 0 ? "fail" : "pass"));
			if (colon != NULL && strncmp(got, "fail", 4) == 0)
				list_add_csv(json_object_get(cell, "rules"), colon + 1);
			if ((colon = strchr(exp, ':')) != NULL && strncmp(exp, "fail", 4) == 0)
				list_add_csv(json_object_get(cell, "expectedRules"), colon + 1);
		}
		if (!any) {
			/* The scenario says nothing about this policy: no cell. */
			json_decref(cell);
			json_decref(cer);
			continue;
		}
		json_object_set_new(cell, "ok", json_boolean(all));
		json_object_set_new(cell, "why", json_string(why[0] ? why : "every expectation met"));
		json_object_set_new(cell, "ceremonies", cer);
		fsim_cell_finish(cell);
		json_array_append_new(u->cells, cell);
	}
	json_decref(rep);
	return FSIM_OK;
}

static int
run_unit(run_t *rn, unit_t *u)
{
	switch (u->kind) {
	case U_MATRIX:
		return run_matrix_unit(rn, u);
	case U_QUIRK:
		return run_quirk_unit(rn, u);
	case U_SCENARIO:
		return run_scenario_unit(rn, u);
	case U_MUTATION:
		return fsim_mutation_unit_run(u->a, rn->policies, rn->n_policies, rn->seed,
		    rn->seed_len, u->cells);
	}
	return FSIM_ERR_INTERNAL;
}

static void *
worker(void *arg)
{
	run_t *rn = arg;

	for (;;) {
		unit_t *u;

		pthread_mutex_lock(&rn->lock);
		if (rn->next == rn->n_units) {
			pthread_mutex_unlock(&rn->lock);
			return NULL;
		}
		u = &rn->units[rn->next++];
		pthread_mutex_unlock(&rn->lock);
		u->rc = u->cells != NULL ? run_unit(rn, u) : FSIM_ERR_NOMEM;
		pthread_mutex_lock(&rn->lock);
		rn->done++;
		if (rn->o->progress != NULL)
			rn->o->progress(rn->o->progress_ctx, rn->done, rn->n_units);
		pthread_mutex_unlock(&rn->lock);
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
fsim_matrix_run(const fsim_matrix_opts_t *o, json_t **report, char *err, size_t errlen)
{
	run_t rn;
	pthread_t th[64];
	size_t i, nth = o->jobs == 0 ? 1 : o->jobs > 64 ? 64 : o->jobs, started = 0;
	json_t *cells = NULL, *axes = NULL, *rep = NULL;
	char seedhex[130] = "", shard[32], odig[65], mdig[65];
	double t0 = now_s();
	int r;

	*report = NULL;
	memset(&rn, 0, sizeof(rn));
	rn.o = o;
	rn.seed = o->seed != NULL && o->seed_len > 0 ? o->seed : default_seed;
	rn.seed_len = o->seed != NULL && o->seed_len > 0 ? o->seed_len : sizeof(default_seed);
	if (o->shard_n > 0 && (o->shard_i < 1 || o->shard_i > o->shard_n)) {
		snprintf(err, errlen, "shard %u/%u does not exist", o->shard_i, o->shard_n);
		return FSIM_ERR_ARG;
	}
	/* jansson seeds its hash function on first use: do it before the threads. */
	json_object_seed(0);
	if ((r = fsim_matrix_load(&rn, err, errlen)) != FSIM_OK || (r = fsim_matrix_make_units(&rn)) != FSIM_OK ||
	    (r = fsim_matrix_resolve_options(&rn)) != FSIM_OK)
		goto out;
	pthread_mutex_init(&rn.lock, NULL);
	if (nth > rn.n_units)
		nth = rn.n_units > 0 ? rn.n_units : 1;
	for (i = 1; i < nth; i++)
		if (pthread_create(&th[i], NULL, worker, &rn) == 0)
			started = i;
		else
			break;
	worker(&rn);
	for (i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&rn.lock);
	r = FSIM_ERR_NOMEM;
	if ((cells = json_array()) == NULL || (axes = json_pack("{s:[], s:[], s:[]}", "presets",
	    "platforms", "policies")) == NULL)
		goto out;
	for (i = 0; i < rn.n_units; i++) {
		if (rn.units[i].rc != FSIM_OK) {
			snprintf(err, errlen, "a unit of work failed (%s)", fsim_strerr(rn.units[i].rc));
			r = rn.units[i].rc;
			goto out;
		}
		json_array_extend(cells, rn.units[i].cells);
	}
	for (i = 0; i < rn.n_presets; i++)
		json_array_append_new(json_object_get(axes, "presets"), json_string(
		    fsim_preset_name(rn.presets[i])));
	for (i = 0; i < rn.n_platforms; i++)
		json_array_append_new(json_object_get(axes, "platforms"),
		    json_string(rn.platforms[i]->name));
	for (i = 0; i < rn.n_policies; i++)
		json_array_append_new(json_object_get(axes, "policies"),
		    json_string(rn.policies[i]->name));
	for (i = 0; i < rn.seed_len && i < 64; i++)
		snprintf(seedhex + 2 * i, 3, "%02x", rn.seed[i]);
	snprintf(shard, sizeof(shard), "%u/%u", o->shard_n ? o->shard_i : 1u,
	    o->shard_n ? o->shard_n : 1u);
	if (fsim_report_digest(rn.options, odig) != FSIM_OK ||
	    fsim_report_digest(rn.unit_ids, mdig) != FSIM_OK)
		goto out;
	/* shardIndex ... units: what run --merge checks (report_merge.c). */
	rep = json_pack("{s:s, s:s, s:{s:s, s:s, s:f, s:i, s:i, s:i, s:s, s:s, s:I, s:O}, s:O, "
	    "s:O}", "schema", FSIM_REPORT_SCHEMA, "fidosim", FSIM_VERSION, "run", "seed", seedhex,
	    "shard", shard, "seconds", now_s() - t0, "jobs", (json_int_t)nth,
	    "shardIndex", (json_int_t)(o->shard_n ? o->shard_i : 1u),
	    "shardCount", (json_int_t)(o->shard_n ? o->shard_n : 1u),
	    "optionsDigest", odig, "matrixDigest", mdig,
	    "units", (json_int_t)json_array_size(rn.unit_ids), "options", rn.options,
	    "axes", axes, "cells", cells);
	if (rep == NULL || fsim_report_summarise(rep) != FSIM_OK)
		goto out;
	json_object_set_new(json_object_get(rep, "run"), "seconds", json_real(now_s() - t0));
	*report = rep;
	rep = NULL;
	r = FSIM_OK;
out:
	json_decref(rep);
	json_decref(cells);
	json_decref(axes);
	fsim_matrix_run_free(&rn);
	return r;
}
