/*
 * run_text.h — what `fidosim run` prints, read from the report object
 * (docs/report-schema.md), and the exit status --fail-on asks for.
 */
#ifndef FSIM_CLI_RUN_TEXT_H
#define FSIM_CLI_RUN_TEXT_H

#include <stdio.h>
#include <jansson.h>

typedef enum {
	FSIM_FAIL_ON_UNEXPECTED = 0,   /* the default: a deliberate cell's verdict is wrong */
	FSIM_FAIL_ON_FAIL,             /* that, or any combination that fails or is refused */
	FSIM_FAIL_ON_NEVER,            /* 0 whenever the matrix ran */
} fsim_fail_on_t;

/* "unexpected", "fail", "never"; false for anything else. */
bool fsim_fail_on_parse(const char *s, fsim_fail_on_t *out);

/*
 * The summary: a headline that separates the unexpected cells (the number
 * that matters) from the deliberate cells rejected or accepted as intended
 * and from the combinations that do not work; for a run about one provider,
 * a table per platform of what it emitted against what the RP received, with
 * the rule behind every change; then the combinations that fail, the
 * deliberate non-conformances some policies let through, and the rule
 * coverage when the run has cells that measure it.
 */
void fsim_run_print(FILE *f, const json_t *report);

/* FSIM_EXIT_OK or FSIM_EXIT_FAIL for this report under --fail-on. */
int fsim_run_exit_status(const json_t *report, fsim_fail_on_t fail_on);

#endif /* !FSIM_CLI_RUN_TEXT_H */
