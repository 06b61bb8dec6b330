/*
 * scenario.h — lifecycle scenarios: a small file format for a sequence of
 * ceremonies and changes between them, with the verdict each RP policy
 * preset is expected to reach, played through the in-process pipeline.
 *
 *   # comments and blank lines are ignored
 *   name        = be-upgrade-after-sync
 *   description = one line
 *   source      = where the incident is reported                (repeatable)
 *   preset      = icloud-keychain                               (optional)
 *   provider    = be=0 bs=0 aaguid=UUID uv=always ... (optional; KEY=VALUE words, each
 *                 a setting of the preset format: aaguid, be, bs, uv, counter,
 *                 attestation, algs, transports, rk, quirk)
 *   platform    = spec-l3                                       (optional)
 *   rp          = uv=preferred attestation=none resident-key=preferred           (optional)
 *   step        = register | authenticate | set-be 0|1 | set-bs 0|1 | set-counter N
 *               | rp-forget-backup-flags | rp-set-counter N | provider SETTINGS | platform NAME
 *               | preset NAME (the credential moves to that provider)
 *               | cxf-move PRESET [include-counted] [KEY=VALUE...] (it moves by a CXF
 *                 export and import; the old provider keeps its copy)
 *               | previous-provider (the provider before the last cxf-move signs)
 *   expect      = PRESET=pass|fail[:RULE,...] ... | *=pass|fail | platform=refused[:RULE]
 *
 * An `expect` line checks the ceremony step just before it; `*` stands for
 * every preset not named on the line.
 */
#ifndef FSIM_HARNESS_SCENARIO_H
#define FSIM_HARNESS_SCENARIO_H

#include <jansson.h>
#include "harness/pipeline.h"

typedef struct fsim_scenario fsim_scenario_t;

/* Load by name (data/scenarios/NAME.scenario) or path; err names file:line on failure. */
int fsim_scenario_load(const char *name_or_path, fsim_scenario_t **out, char *err,
    size_t errlen) FSIM_WUR;
void fsim_scenario_free(fsim_scenario_t **sp);
/* The same from text in memory; name stands for the file in messages. */
int fsim_scenario_parse(const uint8_t *text, size_t len, const char *name,
    fsim_scenario_t **out, char *err, size_t errlen) FSIM_WUR;
int fsim_scenario_names(char ***names, size_t *n) FSIM_WUR;
void fsim_scenario_names_free(char **names, size_t n);

const char *fsim_scenario_name(const fsim_scenario_t *s);
const char *fsim_scenario_description(const fsim_scenario_t *s);

/*
 * Play the scenario. *report gets a JSON object: the steps, each ceremony's
 * views and verdicts, and every expectation with "met" true/false.
 * *all_met tells whether every expectation held. seed may be NULL.
 */
int fsim_scenario_run(const fsim_scenario_t *s, const uint8_t *seed, size_t seed_len,
    json_t **report, bool *all_met) FSIM_WUR;

#endif /* !FSIM_HARNESS_SCENARIO_H */
