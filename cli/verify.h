/*
 * verify.h — the relying-party judgement of verify-registration and
 * verify-authentication, for other commands (explain --response).
 */
#ifndef FSIM_CLI_VERIFY_H
#define FSIM_CLI_VERIFY_H

#include <stdbool.h>
#include <jansson.h>

#include "rp-sim/policy_preset.h"

/*
 * Judge RESPONSE as verify-registration (auth false) or
 * verify-authentication would with these arguments (argv[0] is ignored;
 * the verify options, a test vector's settings, --from-client-data), under
 * `preset` whatever argv says, and, when replace is given, of that response
 * instead of RESPONSE's own (the vector's settings still apply). Nothing is
 * printed but errors. *model: what verify --json prints (a new reference).
 * Returns 0, or the usage exit code (2) after a message.
 */
int fsim_cli_verify_judge(int argc, char **argv, bool auth, const fsim_rp_preset_t *preset,
    const json_t *replace, json_t **model);

#endif /* !FSIM_CLI_VERIFY_H */
