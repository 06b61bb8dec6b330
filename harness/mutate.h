/*
 * mutate.h — rule coverage by mutation: units of work that each take one
 * valid ceremony, change it so that exactly one error rule of the catalog
 * breaks (re-signing what must stay signed, re-issuing certificates under
 * the project's test CA where a chain must be rebuilt), and judge it under
 * every RP policy preset asked for; and units that judge an unchanged valid
 * ceremony (a W3C vector, or one built here for formats no vector covers),
 * so that every format's rules also get a cell in which they hold.
 *
 * Each unit appends one cell per policy to a JSON array, in the shape of
 * docs/report-schema.md: kind "mutation" (subject: the rule broken;
 * expected "fail" by that rule, or what the policy preset documents it
 * decides instead) or kind "vector" (expected "pass", or the preset's
 * documented refusal). A unit is independent of every other (sharding).
 */
#ifndef FSIM_HARNESS_MUTATE_H
#define FSIM_HARNESS_MUTATE_H

#include <jansson.h>

#include "rp-sim/policy_preset.h"

/* Units of work (for sharding): each unit yields cells for every policy given. */
size_t fsim_mutation_units(void);
/* "ATT-TPM-03" (a mutation: the rule it breaks) or "vector/w3c-l3/tpm-es256-registration"; NULL past the end. */
const char *fsim_mutation_unit_name(size_t i);

/*
 * Run unit i under each policy preset; append one cell object per policy to
 * `cells` (a JSON array), in the order of `policies`. seed (may be NULL)
 * makes every key, signature and certificate reproducible. Returns 0, or a
 * negative FSIM_ERR_* when the unit could not be run at all (no memory, a
 * shipped vector missing: FSIM_ERR_NOT_FOUND).
 */
int fsim_mutation_unit_run(size_t i, const fsim_rp_preset_t *const *policies, size_t n_policies,
    const uint8_t *seed, size_t seed_len, json_t *cells) FSIM_WUR;

/*
 * Unit i as data, for a relying party outside fidosim to judge: its name,
 * kind and change, who judges it ("rp" for the RP's verification, else the
 * component that owns the rule), what the RP asks for (rpId, origin,
 * challenge, uv, allowCrossOrigin, topOrigins, algs, conveyance, extensions,
 * at, trustAnchors as PEM), the stored credential record (authentication),
 * the response, and "outcomes": per shipped policy preset the cell's
 * outcome, expectation, failed rules and why. Returns 0 with *out set.
 */
int fsim_mutation_unit_export(size_t i, const uint8_t *seed, size_t seed_len,
    json_t **out) FSIM_WUR;

/*
 * Error-severity rules no unit can break or see hold, each with the reason
 * (the table at the top of harness/mutate.c). NULL when rule_id is not one
 * of them.
 */
const char *fsim_mutation_unreachable(const char *rule_id);
/* The i-th unreachable rule ID, NULL past the end. */
const char *fsim_mutation_unreachable_at(size_t i);

#endif /* !FSIM_HARNESS_MUTATE_H */
