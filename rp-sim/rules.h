/*
 * rules.h — the rule catalog (rules.def) as an enum and a table.
 */
#ifndef FSIM_RULES_H
#define FSIM_RULES_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	FSIM_RSEV_ERROR = 0,   /* E: a MUST; verification fails */
	FSIM_RSEV_WARNING,     /* W: SHOULD or recommended default; reported */
	FSIM_RSEV_POLICY,      /* P: RP configuration decides */
	FSIM_RSEV_INFO,        /* I: informational */
} fsim_rsev_t;

typedef enum {
#define FSIM_RULE(sym, id, sev, section, summary, quirk) FSIM_R_##sym,
#include "rp-sim/rules.def"
#undef FSIM_RULE
	FSIM_R__COUNT
} fsim_rule_id_t;

typedef struct fsim_rule {
	const char *id;        /* "REG-14" */
	fsim_rsev_t sev;
	const char *section;   /* "7.1 step 17" */
	const char *summary;
	const char *quirk;     /* "" when no quirk breaks it */
} fsim_rule_t;

const fsim_rule_t *fsim_rule(fsim_rule_id_t r);
/* Look up "REG-14"; false when the ID is not in the catalog. */
bool fsim_rule_find(const char *id, fsim_rule_id_t *out);
const char *fsim_rsev_name(fsim_rsev_t s);   /* "error", "warning", "policy", "info" */

#endif /* !FSIM_RULES_H */
