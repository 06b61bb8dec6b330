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
#define FSIM_DOM_CONSTRAINT "ConstraintError"

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
    const char *section, const fsim_client_ceremony_t *cer, char **rp_out,
    char **origin_out, fsim_client_error_t *err) FSIM_WUR;

/*
 * An origin's host (lowercase), checked as resolve_rp checks it; hostlen at
 * least 254. Refusals as resolve_rp's.
 */
int fsim_client_origin_host(const char *origin, char *host, size_t hostlen,
    fsim_client_error_t *err) FSIM_WUR;

/*
 * The registrable origin label of a host (WebAuthn L3 5.11: the first label
 * of its registrable domain, the public suffix as origin.c knows it): false
 * when there is none (an IP address, a public suffix, "localhost").
 */
bool fsim_client_registrable_label(const char *host, char *out, size_t outlen);

/*
 * The origin, not on the RP ID's domain, is a related origin (WebAuthn L3
 * 5.11.1 with cer->related and the platform's label limit): FSIM_OK (the
 * effect is recorded under related-origins), else a SecurityError naming
 * the rule: related-origins-unsupported, related-origins-not-listed,
 * related-origins-label-limit.
 */
int fsim_client_related_check(const fsim_client_ceremony_t *cer, const char *origin,
    const char *rp_id, fsim_client_error_t *err) FSIM_WUR;

/* ---- the platform profile's rules (mediate.c) ---- */

/* The profile in force (cer->platform, or spec-l3). */
const fsim_platform_t *fsim_mediate_profile(const fsim_client_ceremony_t *cer);

/*
 * Request side: the userVerification value the provider is asked with
 * (uv-never-discouraged) and the conveyance preference the provider's
 * output is handled under (attestation-enterprise-only). Lent strings.
 */
const char *fsim_mediate_uv_request(const fsim_platform_t *p, const char *uv,
    fsim_platform_effects_t *e);
const char *fsim_mediate_conveyance(const fsim_platform_t *p, const char *attestation,
    fsim_platform_effects_t *e);

/* An authenticator's refusal (status != 0) as the page sees it (rule `errors`). */
int fsim_mediate_ctap_refusal(const fsim_client_ceremony_t *cer, uint8_t st,
    fsim_client_error_t *err);

/* Refusals of what the provider emitted (require-fmt-none, require-be-bs). fmt NULL: an assertion. */
int fsim_mediate_check(const fsim_client_ceremony_t *cer, const char *fmt, uint8_t flags,
    fsim_client_error_t *err);

/*
 * Registration: what is delivered. *keep tells whether the statement goes as
 * made (else fmt "none", attStmt {}); ad (a copy the caller owns, adl bytes,
 * attested credential data present) may have its AAGUID zeroed where nothing
 * signs it. self_att: the statement is self attestation.
 */
void fsim_mediate_registration(const fsim_client_ceremony_t *cer, const char *fmt,
    bool self_att, uint8_t *ad, size_t adl, bool *keep);

/* The delivered transports into v (lent): the `transports` rule's list, or the authenticator's. */
size_t fsim_mediate_transports(const fsim_client_ceremony_t *cer, const char *v[8]);

/* Effects every ceremony has under this profile (client-data). */
void fsim_mediate_always(const fsim_client_ceremony_t *cer);

/*
 * mediation (Credential Management 2.3.2): NULL or one of silent, optional,
 * conditional, required; anything else is a TypeError (a WebIDL enum).
 * For a create, whether the platform takes "conditional" (rule
 * conditional-create; `ignored` records that the create runs modal).
 */
int fsim_mediate_check_mediation(const char *mediation, fsim_client_error_t *err) FSIM_WUR;
bool fsim_mediate_conditional_create(const fsim_client_ceremony_t *cer, const char *mediation);

/*
 * hints (5.8.8) against the authenticator that answered (cer->transports,
 * cer->attachment): under `advisory` the first hint the client knows is
 * recorded as matching or contradicting it; it never refuses.
 */
void fsim_mediate_hints(const fsim_client_ceremony_t *cer);

/* A conditional get's allowCredentials is a filter (5.1.4.1): the credential used must be in it. */
int fsim_mediate_id_filter(const fsim_client_ceremony_t *cer, const uint8_t *id, size_t len,
    fsim_client_error_t *err) FSIM_WUR;

#endif /* !FSIM_PLATFORM_INTERNAL_H */
