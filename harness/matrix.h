/*
 * matrix.h — the conformance matrix behind `fidosim run`: authenticator
 * presets x platforms x RP policy presets (registration, then
 * authentication), every authenticator quirk, every lifecycle scenario and
 * the rule-coverage mutations, each cell run through the real pipeline in
 * process, with its three views kept. The result is the report.json object
 * of docs/report-schema.md.
 */
#ifndef FSIM_HARNESS_MATRIX_H
#define FSIM_HARNESS_MATRIX_H

#include <stdio.h>
#include <jansson.h>

#include "harness/pipeline.h"

#define FSIM_REPORT_SCHEMA "fidosim-report/1"

typedef struct fsim_matrix_opts {
	const char *const *presets;       /* authenticator presets (names or files); NULL: every shipped one */
	size_t n_presets;
	const char *const *platforms;     /* NULL: every shipped one */
	size_t n_platforms;
	const fsim_rp_preset_t *const *policies;   /* NULL: every RP policy preset */
	size_t n_policies;
	const char *provider;             /* --provider FILE: this preset file instead of the presets */
	const uint8_t *seed;              /* NULL: 01 */
	size_t seed_len;
	unsigned shard_i, shard_n;        /* this is shard i of n (1-based); 0/0: everything */
	unsigned jobs;                    /* worker threads; 0: 1 */
	bool no_quirks, no_scenarios, no_mutations;   /* leave those kinds out */
	/* An MDS3 BLOB's index (--mds) for the preset x platform and quirk cells; the
	 * mutations and scenarios judge without it (their expectations assume none). */
	const struct fsim_mds *mds;
	/* Called after each unit of work (from the worker threads, serialised). */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
} fsim_matrix_opts_t;

/*
 * Run the matrix. On success *report is the report object; err (errlen)
 * names a preset or platform that does not load.
 */
int fsim_matrix_run(const fsim_matrix_opts_t *o, json_t **report, char *err,
    size_t errlen) FSIM_WUR;

/*
 * Join shard reports (in the order given) into one; cells and coverage
 * combined. Refused (FSIM_ERR_FORMAT) unless they are exactly the shards of
 * one run: each index once, none missing, one seed, options, matrix and
 * version; err then lists every problem, one a line, each naming the
 * report by its label (labels may be NULL: "report 1", ...). At most 64.
 */
int fsim_report_merge_named(json_t *const *reports, const char *const *labels, size_t n,
    json_t **out, char *err, size_t errlen) FSIM_WUR;
int fsim_report_merge(json_t *const *reports, size_t n, json_t **out, char *err,
    size_t errlen) FSIM_WUR;

/* JUnit XML of a report: one testcase per cell, one testsuite per preset / kind. */
int fsim_report_junit(const json_t *report, FILE *out) FSIM_WUR;

#endif /* !FSIM_HARNESS_MATRIX_H */
