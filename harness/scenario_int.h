/*
 * scenario_int.h — a parsed scenario as scenario.c writes it and
 * scenario_play.c plays it, and the step-argument readers both use.
 */
#ifndef FSIM_SCENARIO_INT_H
#define FSIM_SCENARIO_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "authenticator/authn.h"
#include "harness/pipeline.h"

#define MAX_STEPS 32
#define MAX_SOURCES 8

typedef enum {
	ST_REGISTER, ST_AUTHENTICATE, ST_SET_BE, ST_SET_BS, ST_SET_COUNTER,
	ST_RP_FORGET, ST_RP_SET_COUNTER, ST_PROVIDER, ST_PLATFORM, ST_PRESET,
	ST_RP_DELETE, ST_SIGNAL,
	ST_CXF_MOVE, ST_PREVIOUS_PROVIDER,
} step_kind_t;

typedef struct step {
	step_kind_t kind;
	char arg[200];
	char expect[400];          /* the expect line that follows, or "" */
} step_t;

struct fsim_scenario {
	char name[64];
	char description[240];
	char sources[MAX_SOURCES][300];
	size_t n_sources;
	char preset[64];
	char provider[200];
	char platform[64];
	char rp[200];
	step_t steps[MAX_STEPS];
	size_t n_steps;
};

/* The step's name in the scenario format ("register", "cxf-move", ...). */
const char *fsim_scn_step_name(step_kind_t k);
/* printf into err; returns FSIM_ERR_FORMAT. */
int fsim_scn_msg(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Provider settings, KEY=VALUE words in the preset format, over c. */
int fsim_scn_apply_settings(fsim_authn_config_t *c, const char *words, char *err,
    size_t errlen);
/* The rp line's words into rp; *related the related=... list, or NULL. */
int fsim_scn_rp_settings(fsim_pipe_rp_t *rp, char *words, const char **related, char *err,
    size_t errlen);
/* cxf-move PRESET [include-counted] [KEY=VALUE...]: the new provider and the export's mode. */
int fsim_scn_cxf_move_args(const char *arg, fsim_authn_config_t *cfg, bool *include_counted,
    char *err, size_t errlen);

#endif /* !FSIM_SCENARIO_INT_H */
