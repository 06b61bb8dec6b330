/*
 * captured.h — a platform profile applied to a response captured elsewhere
 * (`fidosim explain --response`): what that browser or OS would have
 * delivered to the relying party, refused, or rewritten, with every effect
 * recorded under its platform rule.
 */
#ifndef FSIM_PLATFORM_CAPTURED_H
#define FSIM_PLATFORM_CAPTURED_H

#include "platform/client.h"

/*
 * A RegistrationResponseJSON as the profile would deliver it when the RP
 * asked for `conveyance` (NULL: "none"): *out the delivered response, or
 * FSIM_ERR_ARG with the refusal in err; FSIM_ERR_FORMAT when the response
 * does not parse far enough (its attestation object) to be mediated.
 */
int fsim_client_mediate_captured_registration(const fsim_platform_t *p,
    const json_t *response, const char *conveyance, fsim_platform_effects_t *effects,
    json_t **out, fsim_client_error_t *err) FSIM_WUR;

/* The same for an AuthenticationResponseJSON (platform rules only refuse assertions). */
int fsim_client_mediate_captured_assertion(const fsim_platform_t *p, const json_t *response,
    fsim_platform_effects_t *effects, json_t **out, fsim_client_error_t *err) FSIM_WUR;

#endif /* !FSIM_PLATFORM_CAPTURED_H */
