/*
 * rules.c — the catalog table, generated from rules.def.
 */
#include <string.h>

#include "rp-sim/rules.h"

#define E FSIM_RSEV_ERROR
#define W FSIM_RSEV_WARNING
#define P FSIM_RSEV_POLICY
#define I FSIM_RSEV_INFO
static const fsim_rule_t catalog[FSIM_R__COUNT] = {
#define FSIM_RULE(sym, id, sev, section, summary, quirk) \
	[FSIM_R_##sym] = { id, sev, section, summary, quirk },
#include "rp-sim/rules.def"
#undef FSIM_RULE
};
#undef E
#undef W
#undef P
#undef I

const fsim_rule_t *
fsim_rule(fsim_rule_id_t r)
{
	if ((int)r < 0 || r >= FSIM_R__COUNT)
		return NULL;
	return &catalog[r];
}

bool
fsim_rule_find(const char *id, fsim_rule_id_t *out)
{
	size_t i;

	if (id == NULL)
		return false;
	for (i = 0; i < FSIM_R__COUNT; i++)
		if (strcmp(catalog[i].id, id) == 0) {
			if (out != NULL)
				*out = (fsim_rule_id_t)i;
			return true;
		}
	return false;
}

const char *
fsim_rsev_name(fsim_rsev_t s)
{
	switch (s) {
	case FSIM_RSEV_ERROR: return "error";
	case FSIM_RSEV_WARNING: return "warning";
	case FSIM_RSEV_POLICY: return "policy";
	case FSIM_RSEV_INFO: return "info";
	}
	return "?";
}
