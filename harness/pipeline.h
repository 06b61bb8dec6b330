/*
 * pipeline.h — one ceremony through the real pipeline, in process:
 *
 *   options --platform (client)--> CTAP request --authenticator--> CTAP response
 *     --platform (mediation)--> response JSON --rp-sim, under each RP policy--> verdicts
 *
 * keeping three views: what the provider emitted, what the platform
 * delivered (and which of its rules did what), what each RP concluded.
 * A pipe is one provider (authenticator configuration, an in-memory store)
 * behind one platform, and one relying party that keeps a credential record
 * per policy preset, so that a sequence of ceremonies (a lifecycle) can be
 * played, with changes between them.
 */
#ifndef FSIM_HARNESS_PIPELINE_H
#define FSIM_HARNESS_PIPELINE_H

#include <jansson.h>

#include "authenticator/authn.h"
#include "platform/client.h"
#include "rp-sim/rp.h"
#include "rp-sim/policy_preset.h"

#define FSIM_PIPE_MAX_POLICIES 16

/* One side of a ceremony, read from bytes (the CTAP response, or the delivered JSON). */
typedef struct fsim_pipe_view {
	bool ok;                   /* emitted: CTAP status 0; delivered: not refused */
	int ctap_status;           /* emitted: the CTAP status */
	char error_name[32];       /* delivered refusal: DOMException name */
	char error_message[256];
	char error_rule[64];       /* the platform rule that refused, if one did */
	char fmt[24];              /* registration: "" when unknown */
	bool has_x5c;
	bool has_aaguid;
	uint8_t aaguid[16];
	bool has_flags;
	uint8_t flags;
	uint32_t sign_count;
	char transports[64];       /* delivered: comma-separated */
} fsim_pipe_view_t;

typedef struct fsim_pipe_verdict {
	const fsim_rp_preset_t *preset;
	bool ran;                  /* false: no record to verify against (registration refused) */
	bool verified;
	char errors[256];          /* failed rule IDs, comma-separated */
	char warnings[256];
	char first_error[320];     /* "RULE: message" of the first failure */
	char library_error[256];   /* the library's own text for it, when known */
	char aaguid[FSIM_AAGUID_STRLEN + 1];  /* registration: what this RP recorded */
	uint8_t passed[(FSIM_R__COUNT + 7) / 8];  /* rules checked and held (bit per fsim_rule_id_t) */
	uint8_t failed[(FSIM_R__COUNT + 7) / 8];  /* rules broken */
} fsim_pipe_verdict_t;

#define FSIM_PIPE_BIT(set, r) (((set)[(r) / 8] >> ((r) % 8)) & 1u)

typedef struct fsim_pipe_result {
	int ceremony;              /* FSIM_CEREMONY_REGISTRATION / _AUTHENTICATION */
	uint8_t challenge[32];     /* what the RP asked, to judge the response again */
	char origin[256];
	char rp_id[128];
	fsim_pipe_view_t emitted, delivered;
	fsim_platform_effects_t effects;
	json_t *response;          /* delivered response JSON; NULL when refused */
	fsim_pipe_verdict_t verdicts[FSIM_PIPE_MAX_POLICIES];
	size_t n_verdicts;
} fsim_pipe_result_t;

void fsim_pipe_result_reset(fsim_pipe_result_t *r);

/* What the relying party asks and how it judges. */
typedef struct fsim_pipe_rp {
	const char *rp_id;         /* default "example.com" */
	const char *origin;        /* default https:// + rp_id */
	const char *attestation;   /* the conveyance preference; default "none" */
	const char *uv;            /* userVerification; default "preferred" */
	const char *resident_key;  /* default "preferred" */
	bool cred_props;           /* ask for credProps (default false) */
	const fsim_rp_preset_t *const *presets;  /* NULL: every preset */
	size_t n_presets;
	const fsim_trust_t *trust; /* may be NULL */
	const struct fsim_mds *mds; /* an MDS3 BLOB's index (--mds); may be NULL */
} fsim_pipe_rp_t;

typedef struct fsim_pipe fsim_pipe_t;

/*
 * A pipe: the provider cfg (copied) on a fresh in-memory store, behind
 * platform pf (borrowed; NULL: spec-l3). seed (may be NULL) makes every
 * random byte, clock and signature reproducible.
 */
int fsim_pipe_new(const fsim_authn_config_t *cfg, const fsim_platform_t *pf,
    const uint8_t *seed, size_t seed_len, fsim_pipe_t **out) FSIM_WUR;
void fsim_pipe_free(fsim_pipe_t **pp);

/* Register one credential; the RP keeps a record per preset that verified it. */
int fsim_pipe_register(fsim_pipe_t *p, const fsim_pipe_rp_t *rp, fsim_pipe_result_t *out) FSIM_WUR;
/* Authenticate with the last registered credential; verified records are updated. */
int fsim_pipe_authenticate(fsim_pipe_t *p, const fsim_pipe_rp_t *rp, fsim_pipe_result_t *out) FSIM_WUR;

/* The record the RP keeps under this preset (NULL when it refused the registration). Lent. */
const fsim_cred_record_t *fsim_pipe_record(const fsim_pipe_t *p, const fsim_rp_preset_t *ps);

/* Has a credential been registered (so that fsim_pipe_authenticate can run)? */
bool fsim_pipe_has_credential(const fsim_pipe_t *p);

/* ---- changes between ceremonies (lifecycles) ---- */

/* The provider now behaves as cfg (another provider took the credential over, or a setting changed). */
int fsim_pipe_set_config(fsim_pipe_t *p, const fsim_authn_config_t *cfg) FSIM_WUR;
/* The platform now is pf (borrowed; NULL: spec-l3). */
void fsim_pipe_set_platform(fsim_pipe_t *p, const fsim_platform_t *pf);
/*
 * The stored credential's BE / BS / signature counter change (a sync, an
 * export and import): the next assertion reports the new flags, and the
 * counter value + 1 (fsim_authn_set_counter).
 */
int fsim_pipe_set_be(fsim_pipe_t *p, bool be) FSIM_WUR;
int fsim_pipe_set_bs(fsim_pipe_t *p, bool bs) FSIM_WUR;
int fsim_pipe_set_counter(fsim_pipe_t *p, uint32_t v) FSIM_WUR;
/* Every RP record forgets BE/BS (an RP that never stored them). */
void fsim_pipe_rp_forget_backup_flags(fsim_pipe_t *p);
/* Every RP record's signCount becomes v. */
void fsim_pipe_rp_set_counter(fsim_pipe_t *p, uint32_t v);

/* ---- for responses the harness changes itself (harness/mutate.c) ---- */

/* The view of a response JSON, made as the delivered view is (resp NULL: an empty view). */
void fsim_pipe_view_response(fsim_pipe_view_t *v, const json_t *resp, bool registration);
/* *v from one RP result judged under preset ps (rules checked and broken, first error). */
void fsim_pipe_verdict_set(fsim_pipe_verdict_t *v, const fsim_rp_preset_t *ps,
    const fsim_rp_result_t *res);
/*
 * The private key (a new reference: free it) and COSE alg of the last
 * credential registered for rp_id (NULL: "example.com"), to sign an
 * assertion the harness changed. A secret: never logged or written.
 */
int fsim_pipe_credential_key(fsim_pipe_t *p, const char *rp_id, EVP_PKEY **key,
    int *alg) FSIM_WUR;

/*
 * The provider name webauthn.io would show for a registration view's AAGUID
 * (rp-sim/webauthnio.h: its snapshot, then names, then "iCloud Keychain"
 * for an all-zero AAGUID with BE=1, else "(Unavailable)"); false when the
 * view has no AAGUID. names may be NULL.
 */
bool fsim_pipe_view_provider_name(const fsim_pipe_view_t *v, const fsim_aaguid_names_t *names,
    char *buf, size_t cap);

/* The three views and the verdicts as JSON (for explain and reports); NULL without memory. */
json_t *fsim_pipe_result_json(const fsim_pipe_result_t *r);
json_t *fsim_pipe_view_json(const fsim_pipe_view_t *v, bool delivered);

#endif /* !FSIM_HARNESS_PIPELINE_H */
