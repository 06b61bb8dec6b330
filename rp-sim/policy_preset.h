/*
 * policy_preset.h — RP policy presets: the decisions one relying-party
 * library makes where WebAuthn leaves room or where the library departs
 * from it, each with the library version it models and the source lines it
 * comes from, with the library's own error texts keyed by our rule IDs and
 * the library options that change a decision.
 *
 * A preset is a text file, data/policies/NAME.policy (the shipped ones are
 * also compiled in, the fallback when the data folder cannot be found):
 *
 *   name     = py_webauthn
 *   library  = py_webauthn, verify_registration_response / ..._authentication_response
 *   version  = py_webauthn 2.8.0-alpha1 (duo-labs/py_webauthn b4bf63f, 2025-09-30)
 *   source   = https://github.com/duo-labs/py_webauthn/tree/b4bf63f...
 *   KNOB     = VALUE                        any key of policy_knobs.h, at most once
 *   evidence = KNOB: file:line ...          why, for a knob set above (required)
 *   text     = RULE: the library's words    its error for our rule; {x} marks a value
 *   evidence = RULE: file:line ...          where that text is
 *   option   = NAME=VALUE: KNOB=V; KNOB=V   a library option and the knobs it sets
 *                                           (VALUE * is any value, passed on as *)
 *   default  = NAME=VALUE                   the library's default: its knobs must be
 *                                           those set above
 *   evidence = NAME: file:line ...          where the option is read
 *   note     = ...                          what is not modelled, and why
 *
 * Knobs not set keep the spec's reading (fsim_rp_policy_init); `fidosim
 * policies NAME` says for each that no source line backs it. "spec" (index
 * 0) is fsim_rp_policy_init()'s behaviour exactly.
 */
#ifndef FSIM_POLICY_PRESET_H
#define FSIM_POLICY_PRESET_H

#include "rp-sim/policy_knobs.h"
#include "rp-sim/rp.h"

/* A library's error text for a failure of one of our rules. */
typedef struct fsim_rp_preset_text {
	const char *rule;     /* "REG-14" */
	const char *text;     /* as the library words it; {x} marks a value it fills in */
} fsim_rp_preset_text_t;

/* One evidence line: what it backs (a knob, a rule ID, an option) and the source. */
typedef struct fsim_rp_preset_ev {
	const char *key;
	const char *text;
} fsim_rp_preset_ev_t;

/* A library option value and what it sets. */
typedef struct fsim_rp_preset_opt {
	const char *name;     /* "requireUserVerification" */
	const char *value;    /* "false", or "*" for any value */
	const char *sets;     /* "uv-rule=never", several joined by "; " */
	bool is_default;      /* the library's default (the preset's own knobs) */
} fsim_rp_preset_opt_t;

typedef struct fsim_rp_preset {
	const char *name;      /* "spec", "py_webauthn", ... */
	const char *library;   /* what it models */
	const char *version;   /* the library version and commit it models ("" for spec) */
	const char *source;    /* where that source is */
	const char *evidence;  /* version and source in one line */
	const char *notes;     /* the note lines joined by " " */
	fsim_rp_policy_t pol;  /* its knobs over fsim_rp_policy_init()'s defaults */
	const bool *is_set;    /* per knob (fsim_rp_knob_at order): set by the file */
	const fsim_rp_preset_ev_t *ev;
	size_t n_ev;
	const fsim_rp_preset_text_t *texts;  /* ends with {NULL, NULL} */
	const fsim_rp_preset_opt_t *opts;
	size_t n_opts;
	const char *const *note_lines;       /* NULL-terminated */
	fsim_rp_store_t store;               /* owns everything above */
} fsim_rp_preset_t;

/* The shipped presets, in their fixed order ("spec" first). */
size_t fsim_rp_preset_count(void);
const fsim_rp_preset_t *fsim_rp_preset_at(size_t i);          /* NULL past the end */
const fsim_rp_preset_t *fsim_rp_preset_find(const char *name); /* NULL if unknown */
/*
 * When a shipped preset's data file did not load (its compiled-in copy is
 * used instead): the message, else NULL.
 */
const char *fsim_rp_presets_warning(void);

/*
 * Parse a preset file's text (name stands for the file in messages). On
 * failure err holds "name:LINE: what is wrong" and *out is NULL.
 */
int fsim_rp_preset_parse(const uint8_t *text, size_t len, const char *name,
    fsim_rp_preset_t **out, char *err, size_t errlen) FSIM_WUR;
/*
 * A shipped preset by name, else a preset file by path (anything with '/'
 * or ending in ".policy"), loaded once and kept for the life of the process.
 * NULL with err set when it is neither.
 */
const fsim_rp_preset_t *fsim_rp_preset_get(const char *name_or_path, char *err,
    size_t errlen);
void fsim_rp_preset_free(fsim_rp_preset_t **ps);   /* for fsim_rp_preset_parse's only */

/* Set p's library knobs from the preset; leaves the request data (rp_id, origins, ...) alone. */
void fsim_rp_preset_apply(const fsim_rp_preset_t *ps, fsim_rp_policy_t *p);
/* The library's own error text for a failure of our rule `rule_id`, or NULL when none is known. */
const char *fsim_rp_preset_error_text(const fsim_rp_preset_t *ps, const char *rule_id);
/* The first evidence line for key (a knob, rule ID or option name), or NULL. */
const char *fsim_rp_preset_evidence(const fsim_rp_preset_t *ps, const char *key);

/*
 * One --policy KEY=VALUE: a knob (policy_knobs.h), or an option of the
 * preset's library by the name the library gives it (its knob settings are
 * applied). 0, or FSIM_ERR_ARG / FSIM_ERR_NOT_FOUND with err naming the key.
 */
int fsim_rp_policy_setting(const fsim_rp_preset_t *ps, fsim_rp_policy_t *p,
    fsim_rp_store_t *st, const char *key, const char *value, char *err,
    size_t errlen) FSIM_WUR;

/* Names for the knob values, as `fidosim policies` and --policy spell them. */
const char *fsim_pol_name(fsim_pol_t v);            /* "error", "warn", "ignore" */
const char *fsim_be_pol_name(fsim_be_pol_t v);      /* "error", "allow-upgrade", "ignore" */
const char *fsim_be_unknown_name(fsim_be_unknown_t v); /* "skip", "false" */
const char *fsim_uv_rule_name(fsim_uv_rule_t v);    /* "spec", "always", "sticky", "never" */
const char *fsim_chain_pol_name(fsim_chain_pol_t v); /* "spec", "builtin-only", "never", "anchors-only" */

#endif /* !FSIM_POLICY_PRESET_H */
