/*
 * conform_authn.c — `fidosim conform --authenticator PATH`: the CTAP 2.1
 * conformance cases of harness/conform_authn.h against a real authenticator
 * (or `fidosim authenticator --listen`), reached through libfido2. Writes
 * DIR/junit.xml and DIR/authenticator.json, prints a summary; cli/conform.c
 * hands over here when --authenticator is given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/conform_authn.h"
#include "cli/device_opts.h"
#include "harness/conform_authn.h"

#define CMD "conform"

static const char usage[] =
"usage: fidosim conform --authenticator PATH [-o DIR] [--only TEXT] [--verbose]\n"
"         [--pin PIN] [--allow-destructive [--new-pin PIN]]\n"
"       fidosim conform --authenticator --list\n"
"\n"
"Test an authenticator against CTAP 2.1, case by case, each naming its\n"
"section: getInfo (6.4: members, types, consistency, libfido2's reading);\n"
"makeCredential (6.1) with every option and error code, and the excludeList;\n"
"getAssertion (6.2) and getNextAssertion (6.3); discoverable credentials and\n"
"credential management (6.8) where advertised; clientPIN (6.5): protocols one\n"
"and two, retries, pinUvAuthToken permissions and their RP ID; the extensions\n"
"it advertises (12: credProtect, credBlob, largeBlobKey, minPinLength,\n"
"hmac-secret); CTAPHID framing (11.2: INIT, channels, busy, CONT sequence,\n"
"CANCEL, KEEPALIVE, message size limits, timeouts); BE/BS and the counter over\n"
"repeated use; and its outputs judged by rp-sim through the reference client.\n"
"A feature it does not advertise skips its cases, saying so.\n"
"\n"
"options:\n"
"  --authenticator PATH  /dev/hidrawN (a USB security key; see DEVICES in man\n"
"                        fidosim) or unix:PATH (fidosim authenticator --listen)\n"
"  -o DIR                write DIR/junit.xml and DIR/authenticator.json\n"
"                        (default out/conform)\n"
"  --only TEXT           the families whose name contains TEXT, or the cases\n"
"                        whose ID starts with it (HID-, MC-2, PIN-05)\n"
"  --verbose             one line per case as it runs\n"
"  --pin PIN             the authenticator's PIN, for the cases that need it\n"
"  --allow-destructive   also run setPIN, changePIN and authenticatorReset,\n"
"                        which change or wipe the authenticator\n"
"  --new-pin PIN         the PIN those cases set (default fidosim-conform-pin)\n"
"  --list                list the cases (ID, section, what must hold) and exit\n"
"\n"
"A real key asks for a touch for most cases (it says so on stderr). The\n"
"run's credentials are made for the RP ID conform.fidosim.test; its\n"
"discoverable ones belong to two fixed users, so a second run replaces the\n"
"first run's.\n"
"\n"
"exit status: 0 every case that ran passed; 1 some failed (listed); 2 usage\n"
"error, the authenticator could not be opened, or DIR not writable.\n";

static int
list_cases(void)
{
	size_t i, n = fsim_conform_authn_count();

	for (i = 0; i < n; i++) {
		const fsim_conform_authn_case_info_t *c = fsim_conform_authn_case(i);

		printf("%-8s %-40s %s%s\n", c->id, c->section, c->name, c->destructive ?
		    " [destructive]" : "");
	}
	printf("%zu cases\n", n);
	return FSIM_EXIT_OK;
}

/* DIR/authenticator.json: the device, and every case with its verdict. */
static json_t *
results_json(const char *path, fsim_device_t *dev, const fsim_conform_results_t *res)
{
	json_t *o, *cases = json_array(), *rules;
	char aaguid[FSIM_AAGUID_STRLEN + 1] = "";
	size_t i;

	if (fsim_device_info(dev)->has_aaguid)
		fsim_aaguid_format(fsim_device_info(dev)->aaguid, aaguid);
	o = json_pack("{s:s, s:s, s:o?, s:I, s:I, s:I}", "authenticator", path, "aaguid", aaguid,
	    "getInfo", fsim_devinfo_json(fsim_device_info(dev)), "passed", (json_int_t)res->passed,
	    "failed", (json_int_t)res->failed, "skipped", (json_int_t)res->skipped);
	if (o == NULL || cases == NULL) {
		json_decref(o);
		json_decref(cases);
		return NULL;
	}
	for (i = 0; i < res->n; i++) {
		const fsim_conform_case_t *c = &res->v[i];
		char buf[sizeof(c->rules)], *tok, *save = NULL;

		rules = json_array();
		snprintf(buf, sizeof(buf), "%s", c->rules);
		for (tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save))
			json_array_append_new(rules, json_string(tok));
		json_array_append_new(cases, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:f}",
		    "id", c->rule, "family", c->family, "name", c->name, "section", c->section,
		    "status", c->skipped ? "skip" : c->passed ? "pass" : "fail", "detail", c->detail,
		    "rules", rules, "seconds", c->seconds));
	}
	json_object_set_new(o, "cases", cases);
	return o;
}

int
fsim_cli_conform_authn(int argc, char **argv)
{
	const char *path = NULL, *dir = "out/conform", *only = NULL;
	fsim_conform_authn_config_t cfg;
	fsim_conform_results_t res;
	fsim_device_t *dev = NULL;
	bool verbose = false, list = false;
	char file[4200];
	json_t *j = NULL;
	FILE *f;
	int i, r = FSIM_EXIT_USAGE;

	memset(&cfg, 0, sizeof(cfg));
	memset(&res, 0, sizeof(res));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (fsim_cli_is_help(a)) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		}
		if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
			verbose = true;
			continue;
		}
		if (strcmp(a, "--allow-destructive") == 0) {
			cfg.allow_destructive = true;
			continue;
		}
		if (strcmp(a, "--list") == 0) {
			list = true;
			continue;
		}
		if (strcmp(a, "--authenticator") == 0 && (v == NULL || v[0] == '-')) {
			/* --authenticator --list */
			continue;
		}
		if (strcmp(a, "--authenticator") != 0 && strcmp(a, "-o") != 0 &&
		    strcmp(a, "--only") != 0 && strcmp(a, "--pin") != 0 && strcmp(a, "--new-pin") != 0)
			return fsim_cli_usage_error(CMD, "unknown option '%s' (with --authenticator)", a);
		if (v == NULL || v[0] == '\0')
			return fsim_cli_usage_error(CMD, "%s needs a value", a);
		i++;
		if (strcmp(a, "--authenticator") == 0)
			path = v;
		else if (strcmp(a, "-o") == 0)
			dir = v;
		else if (strcmp(a, "--only") == 0)
			only = v;
		else if (strcmp(a, "--pin") == 0)
			cfg.pin = v;
		else
			cfg.new_pin = v;
	}
	if (list)
		return list_cases();
	if (path == NULL)
		return fsim_cli_usage_error(CMD, "--authenticator needs a path (/dev/hidrawN or "
		    "unix:PATH)");
	if (cfg.new_pin != NULL && !cfg.allow_destructive)
		return fsim_cli_usage_error(CMD, "--new-pin goes with --allow-destructive");
	if (fsim_cli_mkdirs(dir) != 0) {
		fprintf(stderr, "fidosim %s: cannot create %s: %s\n", CMD, dir, strerror(errno));
		return FSIM_EXIT_USAGE;
	}
	if ((r = fsim_cli_device_open(CMD, path, &dev)) != 0)
		return r;
	r = FSIM_EXIT_USAGE;
	cfg.dev = dev;
	cfg.only = only;
	cfg.progress = verbose ? stdout : NULL;
	printf("fidosim conform: authenticator %s (CTAP 2.1)%s\n", path, cfg.allow_destructive ?
	    ", destructive cases included" : "");
	fflush(stdout);
	if (fsim_conform_authn_run(&cfg, &res) != 0) {
		fprintf(stderr, "fidosim %s: out of memory\n", CMD);
		goto out;
	}
	snprintf(file, sizeof(file), "%s/junit.xml", dir);
	if ((f = fopen(file, "w")) == NULL ||
	    fsim_conform_junit(f, &res, "fidosim.conform.authenticator") != 0 || fclose(f) != 0) {
		fprintf(stderr, "fidosim %s: cannot write %s\n", CMD, file);
		goto out;
	}
	snprintf(file, sizeof(file), "%s/authenticator.json", dir);
	if ((j = results_json(path, dev, &res)) == NULL ||
	    json_dump_file(j, file, JSON_INDENT(2)) != 0) {
		fprintf(stderr, "fidosim %s: cannot write %s\n", CMD, file);
		goto out;
	}
	fsim_conform_summary(stdout, &res);
	printf("JUnit XML: %s/junit.xml\nJSON: %s\n", dir, file);
	r = res.failed == 0 ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
out:
	json_decref(j);
	fsim_conform_results_free(&res);
	fsim_device_free(&dev);
	return r;
}
