/*
 * policy_knobs.h — the decisions of fsim_rp_policy_t that an RP library makes
 * its own way, by name: the keys of `--policy KEY=VALUE`, of the policy
 * preset files (data/policies/NAME.policy) and of `fidosim policies`.
 *
 * One table (policy_knobs.c) says for each knob its name, the field it sets,
 * the words it takes and what it means; setting, printing and copying a
 * knob all go through it, so a new knob is one line there.
 */
#ifndef FSIM_POLICY_KNOBS_H
#define FSIM_POLICY_KNOBS_H

#include <jansson.h>

#include "rp-sim/rp.h"

/*
 * Storage for the lists a knob value holds (algorithms, formats, vendor IDs,
 * origins): the policy points into it, so it must outlive the policy.
 * Zero-initialise; fsim_rp_store_clear frees what it holds.
 */
typedef struct fsim_rp_store {
	struct fsim_rp_store_chunk *chunks;
} fsim_rp_store_t;

void fsim_rp_store_clear(fsim_rp_store_t *st);
/* A copy of s (n bytes, NUL added) kept in st; NULL when out of memory. */
char *fsim_rp_store_strndup(fsim_rp_store_t *st, const char *s, size_t n);
/* n zeroed bytes kept in st; NULL when out of memory. */
void *fsim_rp_store_alloc(fsim_rp_store_t *st, size_t n);

typedef struct fsim_rp_knob {
	const char *name;     /* "bs-without-be" */
	const char *values;   /* the words it takes, for help: "error|warn|ignore" */
	const char *what;     /* one line: what the knob decides, with the rule it applies to */
	bool request;         /* request data the RP sets per ceremony (top origins, ...), not a library trait */
} fsim_rp_knob_t;

size_t fsim_rp_knob_count(void);
const fsim_rp_knob_t *fsim_rp_knob_at(size_t i);              /* NULL past the end */
const fsim_rp_knob_t *fsim_rp_knob_find(const char *name);    /* NULL if unknown */
size_t fsim_rp_knob_index(const fsim_rp_knob_t *k);           /* its position in the table */

/*
 * Set knob `key` from its text `value` (as --policy KEY=VALUE spells it).
 * List values are copied into st. Returns 0, or FSIM_ERR_ARG with a message
 * naming the key and the words it takes in err (FSIM_ERR_NOT_FOUND: no
 * such knob; FSIM_ERR_NOMEM).
 */
int fsim_rp_knob_set(fsim_rp_policy_t *p, fsim_rp_store_t *st, const char *key,
    const char *value, char *err, size_t errlen) FSIM_WUR;

/* The knob's value in p as text (the words --policy takes). */
void fsim_rp_knob_text(const fsim_rp_policy_t *p, const fsim_rp_knob_t *k, char *buf,
    size_t len);

/*
 * The knob's value as JSON: a string for words, an integer for numbers, a
 * boolean for yes/no knobs, an array for lists (["all"], ["any"] or ["none"]
 * when the list is unset, as `fidosim policies --json` always gave them).
 */
json_t *fsim_rp_knob_json(const fsim_rp_policy_t *p, const fsim_rp_knob_t *k);

/* Does knob k have the same value in a and b? */
bool fsim_rp_knob_equal(const fsim_rp_policy_t *a, const fsim_rp_policy_t *b,
    const fsim_rp_knob_t *k);

/* Copy every library knob (not request data) from src into dst. */
void fsim_rp_knobs_copy(fsim_rp_policy_t *dst, const fsim_rp_policy_t *src);

#endif /* !FSIM_POLICY_KNOBS_H */
