/*
 * scenario.c — `fidosim scenario`: play lifecycle scenarios (a sequence of
 * ceremonies and changes, harness/scenario.h) and check the verdict each RP
 * policy preset is expected to reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/authn_opts.h"
#include "cli/cli.h"
#include "harness/scenario.h"

#define CMD "scenario"

static const char usage[] =
"usage: fidosim scenario [--json] [--verbose] [--seed HEX] [--list] [NAME|FILE]...\n"
"\n"
"Play lifecycle scenarios: registration, then changes (a sync turns BE from\n"
"0 to 1, BS drops, the counter resets after an export and import, the\n"
"credential moves to another provider, the RP never stored BE) and more\n"
"ceremonies, each judged under the RP policy presets and checked against the\n"
"verdicts the scenario expects. Without NAME, every shipped scenario\n"
"(data/scenarios) is played. The shipped scenarios reproduce real incidents;\n"
"each names its sources.\n"
"\n"
"  --list       list the shipped scenarios and exit\n"
"  --json       one JSON array on stdout: every step, its views, verdicts and\n"
"               expectations\n"
"  --verbose    print every expectation, not only the unmet ones\n"
"  --seed HEX   deterministic run (default 01)\n"
"\n"
"The file format is described in fidosim(1), section SCENARIOS.\n"
"\n"
"exit status: 0 every expectation met; 1 some expectation unmet; 2 usage\n"
"error or a scenario file that does not parse.\n";

static void
print_text(const json_t *rep, bool verbose)
{
	const json_t *steps = json_object_get(rep, "steps"), *st, *ex, *e;
	size_t i, k, n = 0;

	printf("%s %s — %s\n", json_is_true(json_object_get(rep, "allMet")) ? "ok  " : "FAIL",
	    json_string_value(json_object_get(rep, "name")),
	    json_string_value(json_object_get(rep, "description")));
	json_array_foreach(steps, i, st) {
		const char *arg = json_string_value(json_object_get(st, "arg"));

		n++;
		printf("     %2zu %s%s%s", n, json_string_value(json_object_get(st, "step")),
		    arg && arg[0] ? " " : "", arg ? arg : "");
		if ((ex = json_object_get(st, "expectations")) == NULL) {
			printf("%s\n", json_object_get(st, "error") ? "  (could not be made)" : "");
			continue;
		}
		printf("  %s\n", json_is_true(json_object_get(st, "met")) ? "as expected" :
		    "NOT as expected");
		json_array_foreach(ex, k, e) {
			if (!verbose && json_is_true(json_object_get(e, "met")))
				continue;
			printf("        %-22s expected %-28s got %s\n",
			    json_string_value(json_object_get(e, "who")),
			    json_string_value(json_object_get(e, "expected")),
			    json_string_value(json_object_get(e, "got")));
		}
	}
}

static int
run(int argc, char **argv)
{
	bool json = false, verbose = false, list = false, all = true;
	uint8_t seed[FSIM_CLI_SEED_MAX] = { 1 };
	size_t seed_len = 1, i, n = 0, nfiles = 0;
	char **names = NULL, err[600];
	const char **files = NULL;
	json_t *out = NULL;
	int a, r = FSIM_EXIT_USAGE;

	if ((files = calloc((size_t)argc, sizeof(*files))) == NULL)
		return FSIM_EXIT_USAGE;
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (strcmp(argv[a], "--verbose") == 0)
			verbose = true;
		else if (strcmp(argv[a], "--list") == 0)
			list = true;
		else if (strcmp(argv[a], "--seed") == 0) {
			if (a + 1 >= argc) {
				r = fsim_cli_usage_error(CMD, "--seed needs a value");
				goto out;
			}
			if ((r = fsim_cli_parse_seed(CMD, argv[++a], seed, &seed_len)) != 0)
				goto out;
		} else if (fsim_cli_is_help(argv[a])) {
			fputs(usage, stdout);
			r = FSIM_EXIT_OK;
			goto out;
		} else if (argv[a][0] == '-') {
			r = fsim_cli_usage_error(CMD, "unknown option '%s'", argv[a]);
			goto out;
		} else
			files[nfiles++] = argv[a];
	}
	if (nfiles == 0 || list) {
		if (fsim_scenario_names(&names, &n) != FSIM_OK) {
			fprintf(stderr, "fidosim %s: the scenarios folder (data/scenarios) is not "
			    "found; set FIDOSIM_DATA_DIR\n", CMD);
			goto out;
		}
		if (nfiles == 0) {
			free(files);
			if ((files = calloc(n + 1, sizeof(*files))) == NULL)
				goto out;
			for (i = 0; i < n; i++)
				files[nfiles++] = names[i];
		}
	}
	if (json && (out = json_array()) == NULL)
		goto out;
	for (i = 0; i < nfiles; i++) {
		fsim_scenario_t *s = NULL;
		json_t *rep = NULL;
		bool met;

		if (fsim_scenario_load(files[i], &s, err, sizeof(err)) != FSIM_OK) {
			r = fsim_cli_usage_error(CMD, "%s", err);
			goto out;
		}
		if (list) {
			printf("%-34s %s\n", fsim_scenario_name(s), fsim_scenario_description(s));
			fsim_scenario_free(&s);
			continue;
		}
		if (fsim_scenario_run(s, seed, seed_len, &rep, &met) != FSIM_OK) {
			fprintf(stderr, "fidosim %s: %s: the scenario could not be played\n", CMD,
			    files[i]);
			fsim_scenario_free(&s);
			goto out;
		}
		all = all && met;
		if (json)
			json_array_append_new(out, rep);
		else {
			print_text(rep, verbose);
			json_decref(rep);
		}
		fsim_scenario_free(&s);
	}
	if (json) {
		json_dumpf(out, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	}
	r = list || all ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
out:
	json_decref(out);
	fsim_scenario_names_free(names, n);
	free(files);
	return r;
}

const fsim_cmd_t fsim_cmd_scenario = {
	"scenario", run,
	"play lifecycle scenarios (BE/BS changes, counter resets, provider moves) per RP policy",
	usage,
};
