/*
 * provider_int.h — what provider.c and provider_settings.c share and nothing
 * outside uses.
 */
#ifndef FSIM_HARNESS_PROVIDER_INT_H
#define FSIM_HARNESS_PROVIDER_INT_H

#include <time.h>

#include "harness/ceremony.h"
#include "harness/pipeline.h"
#include "harness/provider.h"
#include "platform/profile.h"
#include "rp-sim/policy_preset.h"
#include "rp-sim/record.h"

#define FSIM_PROVIDER_MAX_RECORDS 64
#define FSIM_PROVIDER_MAX_OFF 8

/* The settings that change together (copied whole, so a bad change leaves nothing half done). */
struct fsim_provider_settings {
	fsim_authn_config_t cfg;
	char preset[256];                   /* "" when none */
	char preset_description[200];
	bool bs_given;
	char platform[256];                 /* "" is spec-l3 */
	char off[FSIM_PROVIDER_MAX_OFF][48];
	size_t n_off;
	const fsim_rp_preset_t *policy;
};

/* What rp-sim keeps of a credential it verified, to judge its assertions. */
struct fsim_provider_record {
	char *id;                           /* base64url */
	fsim_cred_record_t *rec;
};

struct fsim_provider {
	struct fsim_provider_settings s;
	fsim_platform_t *pf;                /* loaded from s.platform */
	fsim_ceremony_t *cer;
	fsim_aaguid_names_t *names;         /* may be NULL */
	/* the last ceremony */
	fsim_pipe_result_t last;            /* response: the delivered JSON; verdicts: rp-sim's */
	bool has_last, last_refused;
	time_t last_time;
	char last_preset[256], last_platform[64];
	json_t *last_refusal;
	struct fsim_provider_record records[FSIM_PROVIDER_MAX_RECORDS];
	size_t n_records, next_record;
};

/* Load s->platform with s->off switched off into *out; err says why not. */
int fsim_provider_load_platform(const struct fsim_provider_settings *s, fsim_platform_t **out,
    char *err, size_t errlen) FSIM_WUR;

#endif /* !FSIM_HARNESS_PROVIDER_INT_H */
