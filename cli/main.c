/*
 * main.c — `fidosim`: dispatch to a subcommand; --help, --version, help CMD.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/mds_cli.h"

static const fsim_cmd_t *const commands[] = {
	&fsim_cmd_create,
	&fsim_cmd_get,
	&fsim_cmd_decode,
	&fsim_cmd_verify_registration,
	&fsim_cmd_verify_authentication,
	&fsim_cmd_rules,
	&fsim_cmd_bench,
	&fsim_cmd_authenticator,
	&fsim_cmd_quirks,
	&fsim_cmd_ca,
	&fsim_cmd_credentials,
	&fsim_cmd_platforms,
	&fsim_cmd_explain,
	&fsim_cmd_scenario,
	&fsim_cmd_run,
	&fsim_cmd_policies,
	&fsim_cmd_presets,
	&fsim_cmd_serve,
	&fsim_cmd_conform,
	&fsim_cmd_mds,
	&fsim_cmd_provider,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int
fsim_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fidosim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'fidosim help %s')\n", cmd);
	return FSIM_EXIT_USAGE;
}

int
fsim_cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static const fsim_cmd_t *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void
print_overview(FILE *f)
{
	size_t i;

	fprintf(f,
	    "fidosim %s — FIDO2/WebAuthn authenticator simulator and conformance harness\n"
	    "\n"
	    "usage: fidosim COMMAND [OPTIONS] [ARGS]\n"
	    "       fidosim help COMMAND\n"
	    "       fidosim --version\n"
	    "\n"
	    "commands:\n", FSIM_VERSION);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-22s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f,
	    "\n"
	    "exit status: 0 success, 1 refused / not verified / malformed content,\n"
	    "             2 usage or I/O error.\n"
	    "See man fidosim(1) and README.md.\n");
}

static int
cmd_help(int argc, char **argv)
{
	const fsim_cmd_t *c;

	if (argc < 2) {
		print_overview(stdout);
		return FSIM_EXIT_OK;
	}
	if ((c = find_command(argv[1])) == NULL) {
		fprintf(stderr, "fidosim help: unknown command '%s' "
		    "(see 'fidosim --help')\n", argv[1]);
		return FSIM_EXIT_USAGE;
	}
	fputs(c->usage, stdout);
	return FSIM_EXIT_OK;
}

int
main(int argc, char **argv)
{
	const fsim_cmd_t *c;

	if (argc < 2) {
		print_overview(stderr);
		return FSIM_EXIT_USAGE;
	}
	if (fsim_cli_is_help(argv[1])) {
		print_overview(stdout);
		return FSIM_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("fidosim %s\n", FSIM_VERSION);
		return FSIM_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0)
		return cmd_help(argc - 1, argv + 1);
	if ((c = find_command(argv[1])) == NULL) {
		fprintf(stderr, "fidosim: unknown command '%s' (see 'fidosim --help')\n",
		    argv[1]);
		return FSIM_EXIT_USAGE;
	}
	if (argc > 2 && fsim_cli_is_help(argv[2])) {
		fputs(c->usage, stdout);
		return FSIM_EXIT_OK;
	}
	return c->run(argc - 1, argv + 1);
}
