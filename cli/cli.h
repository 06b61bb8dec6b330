/*
 * cli.h — the fidosim front end: one file per subcommand, this table joins them.
 */
#ifndef FSIM_CLI_H
#define FSIM_CLI_H

#include <stdio.h>
#include "core/fsim_core.h"

/* Exit codes of the command-line contract (DESIGN.md). */
#define FSIM_EXIT_OK 0
#define FSIM_EXIT_FAIL 1    /* refused / not verified / malformed content */
#define FSIM_EXIT_USAGE 2   /* usage or I/O error */

typedef struct fsim_cmd {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command name */
	const char *summary;                 /* one line for `fidosim --help` */
	const char *usage;                   /* full text for `fidosim help NAME` */
} fsim_cmd_t;

extern const fsim_cmd_t fsim_cmd_decode;
extern const fsim_cmd_t fsim_cmd_verify_registration;
extern const fsim_cmd_t fsim_cmd_verify_authentication;
extern const fsim_cmd_t fsim_cmd_rules;
extern const fsim_cmd_t fsim_cmd_bench;
extern const fsim_cmd_t fsim_cmd_create;
extern const fsim_cmd_t fsim_cmd_get;
extern const fsim_cmd_t fsim_cmd_authenticator;
extern const fsim_cmd_t fsim_cmd_quirks;
extern const fsim_cmd_t fsim_cmd_ca;
extern const fsim_cmd_t fsim_cmd_credentials;
extern const fsim_cmd_t fsim_cmd_platforms;
extern const fsim_cmd_t fsim_cmd_explain;
extern const fsim_cmd_t fsim_cmd_scenario;
extern const fsim_cmd_t fsim_cmd_run;
extern const fsim_cmd_t fsim_cmd_policies;
extern const fsim_cmd_t fsim_cmd_presets;
extern const fsim_cmd_t fsim_cmd_serve;
extern const fsim_cmd_t fsim_cmd_conform;
extern const fsim_cmd_t fsim_cmd_signal;
extern const fsim_cmd_t fsim_cmd_devices;
extern const fsim_cmd_t fsim_cmd_cxf;
extern const fsim_cmd_t fsim_cmd_provider;

/* Print "fidosim CMD: message" on stderr; returns FSIM_EXIT_USAGE. */
int fsim_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Make dir and its parents (0755), as mkdir -p: 0, or -1 with errno set. */
int fsim_cli_mkdirs(const char *dir);

/*
 * Load the platform profile `name` (NULL: spec-l3) and switch off the rules
 * named in off[]. Returns 0, or FSIM_EXIT_USAGE after a message naming the
 * known profiles or the missing rule.
 */
struct fsim_platform;
int fsim_cli_load_platform(const char *cmd, const char *name, const char *const *off,
    size_t n_off, struct fsim_platform **out);

/* --platform NAME|FILE and --no-platform-rule RULE... as given. */
struct fsim_cli_platform_opts {
	const char *name;              /* NULL: spec-l3 */
	const char *off[8];
	size_t n_off;
};

/*
 * If argv[*i] is --platform or --no-platform-rule, consume it and its value
 * (*i left on the value) into po: 1. Not ours: 0. A missing value or too
 * many rules: FSIM_EXIT_USAGE after a message.
 */
int fsim_cli_platform_opt(const char *cmd, int argc, char **argv, int *i,
    struct fsim_cli_platform_opts *po);

/*
 * --related-origins FILE: read and parse the RP ID's /.well-known/webauthn
 * document (at most 1 MiB; cli/headless.c). 0, or FSIM_EXIT_USAGE after a
 * message naming the file and what is wrong.
 */
struct fsim_related_origins;
int fsim_cli_load_related(const char *cmd, const char *path, struct fsim_related_origins **out);

/* Is this argument --help or -h? */
int fsim_cli_is_help(const char *arg);

#endif /* !FSIM_CLI_H */
