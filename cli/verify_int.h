/*
 * verify_int.h — the options of verify-registration and verify-authentication
 * as verify.c parses them, and the input readers of verify_input.c.
 */
#ifndef FSIM_CLI_VERIFY_INT_H
#define FSIM_CLI_VERIFY_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "cli/mds_cli.h"
#include "platform/client.h"
#include "rp-sim/policy_preset.h"
#include "rp-sim/rp.h"

#define INPUT_MAX (16u << 20)
#define MAX_LIST 32

struct opts {
	const char *cmd;
	bool json, failures_only, uv_given, at_given, from_client_data, quiet;
	const fsim_rp_preset_t *force_preset;  /* fsim_cli_verify_judge's preset */
	const json_t *replace;       /* judge this response instead of RESPONSE's */
	char cd_rp_id[256];          /* --from-client-data: the origin's host */
	json_t *cd_strings;          /* ... and the strings read from clientDataJSON */
	const char *rp_id, *challenge_s, *credential, *input, *update_record;
	json_t *vector;              /* the test-vector file RESPONSE came in, or NULL */
	const json_t *resp;          /* RESPONSE's response (borrowed) */
	const char *from_vector[12]; /* the settings it supplied, for the note */
	size_t n_from_vector;
	const char *origins[MAX_LIST];
	size_t n_origins;
	const char *top_origins[MAX_LIST];
	size_t n_top;
	int64_t algs[MAX_LIST];
	size_t n_algs;
	bool have_algs;
	const char *anchors[MAX_LIST];
	size_t n_anchors;
	char default_origin[300];
	char ext_buf[512];
	const char *exts[MAX_LIST];
	size_t n_exts;
	fsim_rp_store_t store;     /* the list values of --policy keys */
	struct fsim_cli_mds_opts mdso;   /* --mds BLOB, --mds-root, --mds-crl */
	fsim_mds_t *mds;                 /* its index, held until opts_reset (the report lends from it) */
	fsim_related_origins_t *related;   /* --related-origins: more expected origins */
};

/*
 * What the options did not say, from the test-vector file RESPONSE came in,
 * or with --from-client-data from the response's clientDataJSON. Returns 0,
 * or an exit code.
 */
int fsim_verify_settings_from_vector(struct opts *o, fsim_rp_policy_t *p, bool auth);
/* Append s to the list v (of MAX_LIST); a usage error names what. Exit code or 0. */
int fsim_verify_push(const char *cmd, const char *what, const char **v, size_t *n,
    const char *s);
/* Read RESPONSE; unwrap a test-vector file (kept as o->vector). Exit code on failure. */
int fsim_verify_load_response(struct opts *o, json_t **out);
/* --trust-anchors (and a vector's trustAnchors) into *out. Exit code on failure. */
int fsim_verify_load_anchors(const struct opts *o, fsim_trust_t **out);
/* --credential FILE into *out. Exit code on failure. */
int fsim_verify_load_record(const struct opts *o, fsim_cred_record_t **out);
/* --update-record FILE: the updated record, written atomically. */
int fsim_verify_write_record(const struct opts *o, const fsim_cred_record_t *rec);

#endif
