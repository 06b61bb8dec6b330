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
void fsim_report_text(FILE *f, const char *cmd, const fsim_rp_result_t *res,
    const fsim_aaguid_names_t *names, const json_t *response);

#endif /* !FSIM_REPORT_H */
