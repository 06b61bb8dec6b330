/*
 * platforms.c — `fidosim platforms`: the platform profiles (what a browser
 * or OS does to a provider's output), each a list of named rules with the
 * evidence behind it; and the loader the other commands share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "platform/profile.h"

#define CMD "platforms"

static const char usage[] =
"usage: fidosim platforms [--json] [--rules] [NAME|FILE]\n"
"\n"
"List the platform profiles create, get, explain and run accept as\n"
"--platform: what a browser or OS does between the provider and the relying\n"
"party. A profile is a list of named rules; every effect a platform has on a\n"
"ceremony is reported under its rule's name. With NAME (or a profile file),\n"
"show that profile: its rules and the evidence for each behaviour.\n"
"\n"
"  --rules   list the kinds of rule a profile can use, with what each does\n"
"  --json    one JSON document on stdout\n"
"\n"
"A profile file (data/platforms/NAME.platform, or any path) holds lines\n"
"'name = ...', 'description = ...', 'evidence = ...' (repeatable) and\n"
"'rule = KIND [ARG]' (repeatable); '#' starts a comment. Exactly one of the\n"
"conveyance rules convey-l3, convey-l2, pass-through is needed.\n";

int
fsim_cli_load_platform(const char *cmd, const char *name, const char *const *off,
    size_t n_off, fsim_platform_t **out)
{
	char err[512];
	size_t i;

	*out = NULL;
	if (name == NULL)
		name = "spec-l3";
	if (fsim_platform_load(name, out, err, sizeof(err)) != FSIM_OK) {
		char **names = NULL, list[512] = "";
		size_t n = 0;

		if (fsim_platform_names(&names, &n) == FSIM_OK)
			for (i = 0; i < n; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list),
				    "%s%s", i ? ", " : "", names[i]);
		fsim_platform_names_free(names, n);
		return fsim_cli_usage_error(cmd, "--platform %s: %s (available: %s)", name,
		    err, list[0] ? list : "none found");
	}
	for (i = 0; i < n_off; i++)
		if (fsim_platform_disable(*out, off[i]) != FSIM_OK) {
			fsim_cli_usage_error(cmd, "--no-platform-rule %s: platform %s has no "
			    "such rule", off[i], (*out)->name);
			fsim_platform_free(out);
			return FSIM_EXIT_USAGE;
		}
	return 0;
}

int
fsim_cli_platform_opt(const char *cmd, int argc, char **argv, int *i,
    struct fsim_cli_platform_opts *po)
{
	const char *a = argv[*i];
	bool rule = strcmp(a, "--no-platform-rule") == 0;

	if (!rule && strcmp(a, "--platform") != 0)
		return 0;
	if (*i + 1 >= argc || argv[*i + 1][0] == '\0')
		return fsim_cli_usage_error(cmd, "%s needs a value", a);
	if (!rule)
		po->name = argv[++*i];
	else if (po->n_off == sizeof(po->off) / sizeof(po->off[0]))
		return fsim_cli_usage_error(cmd, "at most %zu --no-platform-rule",
		    sizeof(po->off) / sizeof(po->off[0]));
	else
		po->off[po->n_off++] = argv[++*i];
	return 1;
}

static json_t *
profile_json(const fsim_platform_t *p)
{
	json_t *j = json_object(), *rules = json_array(), *ev = json_array();
	size_t i;

	if (j == NULL || rules == NULL || ev == NULL) {
		json_decref(j);
		json_decref(rules);
		json_decref(ev);
		return NULL;
	}
	for (i = 0; i < p->n_rules; i++)
		json_array_append_new(rules, json_pack("{s:s, s:s?, s:s}", "rule",
		    fsim_prule_name(p->rules[i].kind), "arg", p->rules[i].arg[0] ?
		    p->rules[i].arg : NULL, "does", fsim_prule_summary(p->rules[i].kind)));
	for (i = 0; i < p->n_evidence; i++)
		json_array_append_new(ev, json_string(p->evidence[i]));
	json_object_set_new(j, "name", json_string(p->name));
	json_object_set_new(j, "description", json_string(p->description));
	json_object_set_new(j, "rules", rules);
	json_object_set_new(j, "evidence", ev);
	{
		/* What getClientCapabilities() answers (WebAuthn L3 5.1.7); null: no method. */
		bool absent = false;
		json_t *caps = fsim_platform_client_capabilities(p, &absent);

		json_object_set_new(j, "clientCapabilities", caps != NULL ? caps : json_null());
	}
	return j;
}

static void
rule_list(const fsim_platform_t *p, char *buf, size_t cap)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < p->n_rules; i++)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s%s%s", i ? ", " : "",
		    fsim_prule_name(p->rules[i].kind), p->rules[i].arg[0] ? " " : "",
		    p->rules[i].arg);
}

static int
show_one(const char *name, bool json)
{
	fsim_platform_t *p = NULL;
	size_t i;
	int r;

	if ((r = fsim_cli_load_platform(CMD, name, NULL, 0, &p)) != 0)
		return r;
	if (json) {
		json_t *j = profile_json(p);

		if (j == NULL) {
			fsim_platform_free(&p);
			return FSIM_EXIT_USAGE;
		}
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(j);
	} else {
		printf("%s — %s\n\nrules (applied in this order):\n", p->name, p->description);
		for (i = 0; i < p->n_rules; i++)
			printf("  %s%s%s\n      %s\n", fsim_prule_name(p->rules[i].kind),
			    p->rules[i].arg[0] ? " " : "", p->rules[i].arg,
			    fsim_prule_summary(p->rules[i].kind));
		{
			bool absent = false;
			json_t *caps = fsim_platform_client_capabilities(p, &absent);
			char *t = caps != NULL ? json_dumps(caps, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

			printf("\ngetClientCapabilities() (WebAuthn L3 5.1.7): %s\n", absent ?
			    "absent (no such method)" : t != NULL ? t : "?");
			free(t);
			json_decref(caps);
		}
		printf("\nevidence (docs/evidence/providers.md, docs/evidence/l3-platforms.md; [D] "
		    "documented or code, [O] observed, [I] inferred, [T] tested here):\n");
		for (i = 0; i < p->n_evidence; i++)
			printf("  - %s\n", p->evidence[i]);
	}
	fsim_platform_free(&p);
	return FSIM_EXIT_OK;
}

static int
show_rules(bool json)
{
	json_t *arr = json ? json_array() : NULL;
	size_t k;

	for (k = 0; k < FSIM_PRULE__COUNT; k++) {
		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:b, s:s}", "rule",
			    fsim_prule_name((fsim_prule_kind_t)k), "argument",
			    fsim_prule_takes_arg((fsim_prule_kind_t)k), "does",
			    fsim_prule_summary((fsim_prule_kind_t)k)));
		else
			printf("%-28s %s\n", fsim_prule_name((fsim_prule_kind_t)k),
			    fsim_prule_summary((fsim_prule_kind_t)k));
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	}
	return FSIM_EXIT_OK;
}

static int
run(int argc, char **argv)
{
	bool json = false, rules = false;
	const char *name = NULL;
	char **names = NULL, line[600];
	json_t *arr = NULL;
	size_t i, n = 0;
	int a, r = FSIM_EXIT_USAGE;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (strcmp(argv[a], "--rules") == 0)
			rules = true;
		else if (fsim_cli_is_help(argv[a])) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		} else if (argv[a][0] == '-' || name != NULL)
			return fsim_cli_usage_error(CMD, "unexpected argument '%s'", argv[a]);
		else
			name = argv[a];
	}
	if (rules)
		return show_rules(json);
	if (name != NULL)
		return show_one(name, json);
	if (fsim_platform_names(&names, &n) != FSIM_OK) {
		fprintf(stderr, "fidosim %s: the platforms folder (data/platforms) is not "
		    "found; set FIDOSIM_DATA_DIR\n", CMD);
		return FSIM_EXIT_USAGE;
	}
	if (json && (arr = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		fsim_platform_t *p = NULL;

		if ((r = fsim_cli_load_platform(CMD, names[i], NULL, 0, &p)) != 0)
			goto out;
		if (json)
			json_array_append_new(arr, profile_json(p));
		else {
			rule_list(p, line, sizeof(line));
			printf("%-26s %s\n%-26s rules: %s\n", p->name, p->description, "", line);
		}
		fsim_platform_free(&p);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	}
	r = FSIM_EXIT_OK;
out:
	json_decref(arr);
	fsim_platform_names_free(names, n);
	return r;
}

const fsim_cmd_t fsim_cmd_platforms = {
	"platforms", run,
	"list the platform profiles (what a browser or OS does to provider output)",
	usage,
};

