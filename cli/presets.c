/*
 * presets.c — `fidosim presets [--json] [NAME|FILE]`: the authenticator
 * presets (authenticator/preset.h), one line each, or one in full with the
 * evidence behind each of its values.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "authenticator/preset.h"
#include "cli/cli.h"

#define CMD "presets"

static const char usage[] =
"usage: fidosim presets [--json] [NAME|FILE]\n"
"\n"
"Without NAME: one line per shipped authenticator preset: name, AAGUID,\n"
"BE/BS, attestation format, UV behaviour, counter mode, transports.\n"
"With NAME (or the path of a .preset file): that preset in full, with its\n"
"description, algorithms, quirks and the evidence line behind each value.\n"
"\n"
"A preset is what one provider EMITS (create/get/authenticator --preset);\n"
"what the relying party then sees depends on the platform (--platform).\n"
"The file format is in fidosim(1), PRESETS.\n"
"\n"
"options:\n"
"  --json                one JSON array (the list) or object (one preset)\n"
"\n"
"exit status: 0 listed; 2 usage error, unknown preset, or a preset file that\n"
"does not parse (the message names file:line and the key).\n";

static void
transports_str(const fsim_authn_config_t *c, char *buf, size_t len)
{
	size_t i, used = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < c->n_transports && used < len; i++) {
		w = snprintf(buf + used, len - used, "%s%s", i ? "," : "", c->transports[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static const char *
alg_name(int alg)
{
	switch (alg) {
	case FSIM_COSE_ES256: return "es256";
	case FSIM_COSE_ES384: return "es384";
	case FSIM_COSE_ES512: return "es512";
	case FSIM_COSE_EDDSA: return "eddsa";
	case FSIM_COSE_RS256: return "rs256";
	case FSIM_COSE_PS256: return "ps256";
	case FSIM_COSE_PS384: return "ps384";
	case FSIM_COSE_PS512: return "ps512";
	case FSIM_COSE_RS1: return "rs1";
	case FSIM_COSE_MLDSA44: return "mldsa44";
	case FSIM_COSE_MLDSA65: return "mldsa65";
	case FSIM_COSE_MLDSA87: return "mldsa87";
	default: return "?";
	}
}

/* The preset as JSON; full adds description, algs, rk, quirks and evidence. */
static json_t *
preset_json(const fsim_preset_t *p, bool full)
{
	const fsim_authn_config_t *c = fsim_preset_config(p);
	char aaguid[FSIM_AAGUID_STRLEN + 1];
	json_t *o, *tr = json_array(), *algs = NULL, *quirks = NULL, *ev = NULL;
	size_t i;

	fsim_aaguid_format(c->aaguid, aaguid);
	for (i = 0; tr != NULL && i < c->n_transports; i++)
		json_array_append_new(tr, json_string(c->transports[i]));
	o = json_pack("{s:s, s:s, s:b, s:b, s:s, s:s, s:s, s:o*}",
	    "name", fsim_preset_name(p), "aaguid", aaguid, "be", c->be, "bs", c->bs,
	    "attestation", fsim_preset_attestation_name(c->attestation),
	    "uv", fsim_preset_uv_name(c->uv), "counter", fsim_preset_counter_name(c->counter),
	    "transports", tr);
	if (o == NULL || !full)
		return o;
	algs = json_array();
	quirks = json_array();
	ev = json_array();
	for (i = 0; algs != NULL && i < c->n_algs; i++)
		json_array_append_new(algs, json_string(alg_name(c->algs[i])));
	for (i = 0; quirks != NULL && i < FSIM_QUIRK__COUNT; i++)
		if (c->quirks & (1u << i))
			json_array_append_new(quirks,
			    json_string(fsim_quirk_info((fsim_quirk_t)i)->name));
	for (i = 0; ev != NULL && i < fsim_preset_evidence_count(p); i++)
		json_array_append_new(ev, json_string(fsim_preset_evidence(p, i)));
	if (json_object_set_new(o, "description", json_string(fsim_preset_description(p))) != 0 ||
	    json_object_set_new(o, "algs", algs) != 0 ||
	    json_object_set_new(o, "rk", json_boolean(c->rk_capable)) != 0 ||
	    json_object_set_new(o, "quirks", quirks) != 0 ||
	    json_object_set_new(o, "evidence", ev) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void
print_line(const fsim_preset_t *p)
{
	const fsim_authn_config_t *c = fsim_preset_config(p);
	char aaguid[FSIM_AAGUID_STRLEN + 1], tr[80];

	fsim_aaguid_format(c->aaguid, aaguid);
	transports_str(c, tr, sizeof(tr));
	printf("%-24s %s  BE=%d BS=%d  %-11s uv=%-6s counter=%-14s %s\n",
	    fsim_preset_name(p), aaguid, c->be, c->bs,
	    fsim_preset_attestation_name(c->attestation), fsim_preset_uv_name(c->uv),
	    fsim_preset_counter_name(c->counter), tr);
}

static void
print_full(const fsim_preset_t *p)
{
	const fsim_authn_config_t *c = fsim_preset_config(p);
	char aaguid[FSIM_AAGUID_STRLEN + 1], tr[80];
	size_t i;

	fsim_aaguid_format(c->aaguid, aaguid);
	transports_str(c, tr, sizeof(tr));
	printf("name         %s\n", fsim_preset_name(p));
	printf("description  %s\n", fsim_preset_description(p));
	printf("aaguid       %s\n", aaguid);
	printf("be           %d\n", c->be);
	printf("bs           %d\n", c->bs);
	printf("uv           %s\n", fsim_preset_uv_name(c->uv));
	printf("counter      %s\n", fsim_preset_counter_name(c->counter));
	printf("attestation  %s\n", fsim_preset_attestation_name(c->attestation));
	printf("algs         ");
	for (i = 0; i < c->n_algs; i++)
		printf("%s%s", i ? "," : "", alg_name(c->algs[i]));
	printf("\ntransports   %s\n", tr);
	printf("rk           %d\n", c->rk_capable);
	for (i = 0; i < FSIM_QUIRK__COUNT; i++)
		if (c->quirks & (1u << i))
			printf("quirk        %s\n", fsim_quirk_info((fsim_quirk_t)i)->name);
	printf("evidence\n");
	for (i = 0; i < fsim_preset_evidence_count(p); i++)
		printf("  - %s\n", fsim_preset_evidence(p, i));
}

static int
emit_json(json_t *j)
{
	int r = FSIM_EXIT_OK;

	if (j == NULL || json_dumpf(j, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF) {
		fprintf(stderr, "fidosim %s: cannot write the output\n", CMD);
		r = FSIM_EXIT_USAGE;
	}
	json_decref(j);
	return r;
}

static int
run(int argc, char **argv)
{
	const char *name = NULL;
	fsim_preset_t *p = NULL;
	char **names = NULL, err[1536];
	size_t n = 0, i;
	json_t *arr = NULL;
	bool json = false;
	int a, r = FSIM_EXIT_USAGE;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (fsim_cli_is_help(argv[a])) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		} else if (argv[a][0] == '-' && argv[a][1] != '\0')
			return fsim_cli_usage_error(CMD, "unknown option '%s'", argv[a]);
		else if (name != NULL)
			return fsim_cli_usage_error(CMD, "one NAME at most ('%s' is extra)", argv[a]);
		else
			name = argv[a];
	}
	if (name != NULL) {
		if (fsim_preset_load(name, &p, err, sizeof(err)) != 0)
			return fsim_cli_usage_error(CMD, "%s", err);
		if (json)
			r = emit_json(preset_json(p, true));
		else {
			print_full(p);
			r = FSIM_EXIT_OK;
		}
		fsim_preset_free(&p);
		return r;
	}
	if (fsim_preset_names(&names, &n) != 0)
		return fsim_cli_usage_error(CMD, "out of memory");
	if (json && (arr = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (fsim_preset_load(names[i], &p, err, sizeof(err)) != 0) {
			r = fsim_cli_usage_error(CMD, "%s", err);
			goto out;
		}
		if (json) {
			if (json_array_append_new(arr, preset_json(p, false)) != 0)
				goto out;
		} else
			print_line(p);
		fsim_preset_free(&p);
	}
	r = json ? emit_json(arr) : FSIM_EXIT_OK;
	arr = NULL;
out:
	json_decref(arr);
	fsim_preset_free(&p);
	fsim_preset_names_free(names, n);
	return r;
}

const fsim_cmd_t fsim_cmd_presets = {
	"presets", run,
	"list the authenticator presets (what each provider emits), with evidence",
	usage,
};
