/*
 * internal.h — what the platform's files share and nothing outside uses.
 */
#ifndef FSIM_PLATFORM_INTERNAL_H
#define FSIM_PLATFORM_INTERNAL_H

#include "platform/client.h"

/* DOMException names (WebIDL §3.14.1) the client raises. */
#define FSIM_DOM_NOT_ALLOWED "NotAllowedError"
#define FSIM_DOM_INVALID_STATE "InvalidStateError"
#define FSIM_DOM_NOT_SUPPORTED "NotSupportedError"
#define FSIM_DOM_SECURITY "SecurityError"
#define FSIM_DOM_TYPE "TypeError"
#define FSIM_DOM_ENCODING "EncodingError"

/* Clear err (name NULL, ctap_status -1, no rule). NULL-safe. */
void fsim_client_err_clear(fsim_client_error_t *err);

/*
 * Fill err with a refusal and return FSIM_ERR_ARG. rule may be NULL (none),
 * ctap_status -1 (the authenticator did not refuse).
 */
int fsim_client_refuse(fsim_client_error_t *err, const char *name,
    const char *rule, int ctap_status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * The origin to use (origin, or "https://" + rp_id when NULL) and the RP ID
 * (rp_id, or the origin's host when NULL), both checked: a secure origin
 * whose host is a domain, and an RP ID that is the host or a registrable
 * domain suffix of it. Refusals (SecurityError, TypeError) fill err and
 * return FSIM_ERR_ARG; section names the spec section for messages. The
 * outputs are malloc'd and set only on success.
 */
int fsim_client_resolve_rp(const char *rp_id, const char *origin,
    const char *section, char **rp_out, char **origin_out,
    fsim_client_error_t *err) FSIM_WUR;

#endif /* !FSIM_PLATFORM_INTERNAL_H */
