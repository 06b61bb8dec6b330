/*
 * profile.h — platform profiles: what a browser or OS does to a provider's
 * output before the relying party sees it, as a list of named rules
 * (platform/prules.def) so that every effect can be cited by name.
 *
 * Profiles are small text files (data/platforms/NAME.platform, or any path):
 *
 *   # comments and blank lines are ignored
 *   name        = apple-provider-extension
 *   description = one line
 *   evidence    = where a behaviour comes from         (repeatable)
 *   rule        = require-be-bs                        (repeatable, in order)
 *   rule        = zero-aaguid all                      (rules with an argument)
 *
 * Exactly one conveyance rule (convey-l3, convey-l2, pass-through) is
 * needed; `errors` defaults to spec. The WebAuthn L3 features read their
 * rule when there is one and otherwise act as the reference client:
 * conditional-create spec, signals all, hints advisory; related-origins
 * absent is unsupported (the feature is optional, L3 5.11), and without
 * client-capabilities only what the other rules imply is reported.
 */
#ifndef FSIM_PLATFORM_PROFILE_H
#define FSIM_PLATFORM_PROFILE_H

#include <jansson.h>

#include "core/fsim_core.h"

typedef enum {
#define FSIM_PRULE(sym, section, name, arg, what) FSIM_PRULE_##sym,
#include "platform/prules.def"
#undef FSIM_PRULE
	FSIM_PRULE__COUNT
} fsim_prule_kind_t;

const char *fsim_prule_name(fsim_prule_kind_t k);
const char *fsim_prule_summary(fsim_prule_kind_t k);
const char *fsim_prule_section(fsim_prule_kind_t k);
/* The kind named `name` ("zero-aaguid"); false when there is none. */
bool fsim_prule_find(const char *name, fsim_prule_kind_t *out);
bool fsim_prule_takes_arg(fsim_prule_kind_t k);

#define FSIM_PLATFORM_MAX_RULES 24
#define FSIM_PLATFORM_MAX_EVIDENCE 16

typedef struct fsim_prule {
	fsim_prule_kind_t kind;
	char arg[160];             /* "" when the rule takes none */
	bool disabled;             /* switched off (--no-platform-rule) */
} fsim_prule_t;

typedef struct fsim_platform {
	char name[64];
	char description[200];
	char evidence[FSIM_PLATFORM_MAX_EVIDENCE][400];
	size_t n_evidence;
	fsim_prule_t rules[FSIM_PLATFORM_MAX_RULES];
	size_t n_rules;
	char transports[4][16];    /* the `transports` rule's list */
	size_t n_transports;
} fsim_platform_t;

/*
 * Load a profile by name (data/platforms/NAME.platform through
 * fsim_data_path) or path (contains '/' or ends in ".platform"). On failure
 * err names the file, the line and what is wrong.
 */
int fsim_platform_load(const char *name_or_path, fsim_platform_t **out,
    char *err, size_t errlen) FSIM_WUR;
void fsim_platform_free(fsim_platform_t **pp);
/* The same from text in memory; name stands for the file in messages. */
int fsim_platform_parse(const uint8_t *text, size_t len, const char *name,
    fsim_platform_t **out, char *err, size_t errlen) FSIM_WUR;

/* The WebAuthn L3 reference client (what a NULL platform means). Static. */
const fsim_platform_t *fsim_platform_spec(void);

/* The names of the shipped profiles, sorted; free with fsim_platform_names_free. */
int fsim_platform_names(char ***names, size_t *n) FSIM_WUR;
void fsim_platform_names_free(char **names, size_t n);

/* The enabled rule of this kind, or NULL. */
const fsim_prule_t *fsim_platform_rule(const fsim_platform_t *p, fsim_prule_kind_t k);

/* Switch a rule off by name ("zero-aaguid"); FSIM_ERR_ARG when p has no such rule. */
int fsim_platform_disable(fsim_platform_t *p, const char *rule) FSIM_WUR;

/*
 * WebAuthn L3 features as the profile has them (see prules.def): the
 * conditional-create mode ("spec", "ignored"); whether a signal method
 * ("unknownCredential", "allAcceptedCredentials", "currentUserDetails") is
 * delivered; the related-origins label limit (0: unsupported); the hints
 * mode ("advisory", "ignored"). NULL p is spec-l3.
 */
const char *fsim_platform_conditional_create(const fsim_platform_t *p);
bool fsim_platform_signal_supported(const fsim_platform_t *p, const char *signal);
unsigned fsim_platform_related_origins_max(const fsim_platform_t *p);
const char *fsim_platform_hints(const fsim_platform_t *p);

/*
 * PublicKeyCredential.getClientCapabilities() as the platform answers it
 * (WebAuthn L3 5.1.7): an object with keys in ascending order, the
 * capabilities the rules imply (conditionalCreate, relatedOrigins, the
 * three signals) and those the client-capabilities rule lists as true; a
 * capability the profile says nothing of is left out (unknown, 5.1.7).
 * NULL (no method) when the rule says `absent`, or without memory.
 */
json_t *fsim_platform_client_capabilities(const fsim_platform_t *p, bool *absent);

/* The argument of a signals, related-origins or client-capabilities rule is well formed (FSIM_OK; else FSIM_ERR_FORMAT and why in err). */
int fsim_platform_check_l3_arg(fsim_prule_kind_t k, const char *arg, char *err, size_t errlen);

/* What the platform did to a ceremony, rule by rule (for `explain` and reports). */
#define FSIM_PLATFORM_MAX_EFFECTS 12
typedef struct fsim_platform_effect {
	char rule[48];             /* "zero-aaguid" */
	char what[240];            /* "AAGUID 01020304-… replaced with zeros (fmt none: nothing signs it)" */
} fsim_platform_effect_t;

typedef struct fsim_platform_effects {
	fsim_platform_effect_t v[FSIM_PLATFORM_MAX_EFFECTS];
	size_t n;
} fsim_platform_effects_t;

void fsim_platform_effect_add(fsim_platform_effects_t *e, const char *rule,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* !FSIM_PLATFORM_PROFILE_H */
