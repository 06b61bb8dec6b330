/*
 * quirks.c — `fidosim quirks`: the deliberate non-conformances the
 * authenticator can commit (--quirk NAME), each with the rule it breaks.
 */
#include <stdio.h>
#include <string.h>

#include "authenticator/authn.h"
#include "cli/cli.h"
#include "rp-sim/rules.h"

static const char quirks_usage[] =
"usage: fidosim quirks [--json]\n"
"\n"
"List the quirks: deliberate non-conformances the authenticator commits when\n"
"asked (create/get --quirk NAME), each with the catalog rule a relying party\n"
"must catch it by, and its spec section.\n";

static int
quirks_run(int argc, char **argv)
{
	json_t *arr = NULL;
	size_t i;
	int json = 0, a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = 1;
		else if (fsim_cli_is_help(argv[a])) {
			fputs(quirks_usage, stdout);
			return FSIM_EXIT_OK;
		} else
			return fsim_cli_usage_error("quirks", "unknown argument '%s'", argv[a]);
	}
	if (json && (arr = json_array()) == NULL)
		return FSIM_EXIT_FAIL;
	for (i = 0; i < FSIM_QUIRK__COUNT; i++) {
		const fsim_quirk_info_t *q = fsim_quirk_info((fsim_quirk_t)i);
		fsim_rule_id_t rid;
		const char *section = q->rule[0] && fsim_rule_find(q->rule, &rid) ?
		    fsim_rule(rid)->section : "";

		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:s?, s:s?, s:s}", "name", q->name,
			    "rule", q->rule[0] ? q->rule : NULL, "section", section[0] ? section : NULL,
			    "description", q->what));
		else
			printf("%-36s %-14s %-22s %s\n", q->name, q->rule[0] ? q->rule : "-",
			    section, q->what);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	}
	return FSIM_EXIT_OK;
}

const fsim_cmd_t fsim_cmd_quirks = {
	"quirks", quirks_run,
	"list the deliberate non-conformances (--quirk) with the rule each breaks",
	quirks_usage,
};
