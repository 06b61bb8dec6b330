/*
 * matrix_int.h — what the harness's files share about cells and reports
 * (the shapes of docs/report-schema.md) and nothing outside uses.
 */
#ifndef FSIM_HARNESS_MATRIX_INT_H
#define FSIM_HARNESS_MATRIX_INT_H

#include "harness/matrix.h"

/* A cell with every member of the schema, outcome "pass", expected null, ok true. */
json_t *fsim_cell_new(const char *kind, const char *id, const char *preset,
    const char *platform, const char *policy, const char *subject);
/*
 * Rule r's ID as a JSON string, one object per process shared by every
 * cell that lists the rule (a new reference; never change it). A run lists
 * about a hundred thousand held rules; each was a new string. NULL for no
 * such rule or without memory.
 */
json_t *fsim_cell_rule_id(fsim_rule_id_t r);
/* Fill `sections` from `rules` (call once the rules are final). */
void fsim_cell_finish(json_t *cell);
bool fsim_cell_has_rule(const json_t *cell, const char *rule);
bool fsim_cell_has_warning(const json_t *cell, const char *rule);

/*
 * What an RP under policy preset ps must conclude about quirk q's cell
 * (quirk_expect.c), the authenticator set up as cfg and its statement
 * delivered in fmt: "fail" by *rule, "warn" (verified, *rule among the
 * warnings) or "pass" (*rule may then be NULL). why gets the preset's
 * documented decision when it departs from the spec's verdict, else "".
 */
const char *fsim_quirk_expect(size_t q, const fsim_authn_config_t *cfg, const char *fmt,
    const fsim_rp_preset_t *ps, const char **rule, char *why, size_t whylen);

/* SHA-256 as 64 lowercase hex digits: of bytes, or of a value's compact, key-sorted JSON. */
int fsim_report_digest_bytes(const uint8_t *p, size_t n, char hex[65]) FSIM_WUR;
int fsim_report_digest(const json_t *v, char hex[65]) FSIM_WUR;

/*
 * report.provider (report_provider.c): a new reference, or NULL when the
 * report's matrix is not about exactly one provider (one preset).
 */
json_t *fsim_report_provider(const json_t *report);

/*
 * (Re)compute `summary`, `coverage`, `provider` and each cell's `assessment`
 * of a report from its cells.
 */
int fsim_report_summarise(json_t *report) FSIM_WUR;

#endif /* !FSIM_HARNESS_MATRIX_INT_H */
