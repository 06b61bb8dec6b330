/*
 * report.h — the relying party's verdict for people (a checklist) and for
 * machines (the JSON object of DESIGN.md).
 */
#ifndef FSIM_REPORT_H
#define FSIM_REPORT_H

#include <stdio.h>
#include "rp-sim/rp.h"

/*
 * The verdict object; a new reference. response (the RegistrationResponseJSON
 * verified; may be NULL) feeds the webauthn.io card (its credProps).
 */
json_t *fsim_report_model(const fsim_rp_result_t *res, const fsim_aaguid_names_t *names,
    const json_t *response);
void fsim_report_json(FILE *f, const fsim_rp_result_t *res, const fsim_aaguid_names_t *names,
    const json_t *response);
/*
 * How the checklist is shown: failures and warnings always come first (a
 * failure is never lost in the middle of 70 passes); failures_only drops the
 * passes and the details; colour uses ANSI colours (callers enable it only
 * on a terminal, and never with NO_COLOR set).
 */
typedef struct fsim_report_style {
	bool failures_only;
	bool colour;
} fsim_report_style_t;

void fsim_report_text(FILE *f, const char *cmd, const fsim_rp_result_t *res,
    const fsim_aaguid_names_t *names, const json_t *response,
    const fsim_report_style_t *style);

/* Colour for a stream: a terminal, and NO_COLOR unset or empty (no-color.org). */
bool fsim_report_colour_for(FILE *f);

#endif /* !FSIM_REPORT_H */
