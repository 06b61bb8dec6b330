/*
 * run.c — `fidosim run`: the conformance matrix (harness/matrix.h) with
 * report.json, junit.xml and report.html, a short summary, shards and
 * their merge.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/authn_opts.h"
#include "cli/cli.h"
#include "cli/run_text.h"
#include "cli/mds_cli.h"
#include "harness/matrix.h"
#include "harness/mutate.h"
#include "harness/report_html.h"
#include "core/json_dump.h"

#define CMD "run"
#define MAX_LIST 64

static const char usage[] =
"usage: fidosim run [--presets LIST] [--platforms LIST] [--policies LIST]\n"
"         [--provider FILE] [--seed HEX] [--shard I/N] [-j N] [-o DIR]\n"
"         [--no-quirks] [--no-scenarios] [--no-mutations] [--quiet]\n"
"         [--fail-on unexpected|fail|never] [--mds BLOB [--mds-root PEM]...]\n"
"       fidosim run --merge DIR... [-o DIR] [--fail-on ...]\n"
"       fidosim run --export-units DIR [--seed HEX]\n"
"\n"
"Run the conformance matrix in process: every authenticator preset through\n"
"every platform profile, judged by the relying party under every RP policy\n"
"preset (a registration, then an authentication); every authenticator quirk;\n"
"every lifecycle scenario; and the mutations that break each catalog rule.\n"
"Print what matters (below), and write into DIR\n"
"(default out/):\n"
"  report.json   every cell with its three views, verdicts and rule IDs\n"
"                (docs/report-schema.md, schema fidosim-report/1)\n"
"  junit.xml     one testcase per cell, grouped by preset (and by kind)\n"
"  report.html   one self-contained page: the headline, a heat map of\n"
"                presets x platforms per policy preset (a click on a cell\n"
"                shows its views), the deliberate cells with those that got\n"
"                their verdict folded\n"
"\n"
"  --presets LIST     comma-separated preset names or files (default: all)\n"
"  --platforms LIST   platform profiles (default: all)\n"
"  --policies LIST    RP policy presets, names or .policy files (default: all;\n"
"                     'fidosim policies')\n"
"  --provider FILE    your own provider (a preset file, see fidosim(1)\n"
"                     PRESETS) through every platform and policy: will it\n"
"                     work everywhere, and where not, why?\n"
"  --seed HEX         deterministic run (default 01)\n"
"  --shard I/N        run only the I-th of N deterministic slices of the\n"
"                     matrix (for CI jobs); join them with --merge\n"
"  -j N               worker threads (default: the number of CPUs)\n"
"  -o DIR             where the three files go (default out)\n"
"  --merge DIR...     join the report.json of the shard directories of one\n"
"                     run into one report (written to -o DIR) instead of\n"
"                     running; refused (exit 2, every problem named) unless\n"
"                     they are exactly shards 1..N of one run: none given\n"
"                     twice, none missing, one seed, options, matrix and version\n"
"  --no-quirks, --no-scenarios, --no-mutations  leave those cells out\n"
"  --quiet            no summary (the files are still written)\n"
"  --fail-on WHAT     when to exit 1 (for CI):\n"
"                       unexpected  (default) a deliberate cell (quirk, mutation,\n"
"                                   vector, scenario) did not get the verdict it\n"
"                                   should under its RP policy preset: fidosim or\n"
"                                   a preset's model is wrong\n"
"                       fail        that, or any preset x platform x policy\n"
"                                   combination fails or is refused (e.g. your\n"
"                                   --provider does not work everywhere)\n"
"                       never       0 whenever the matrix ran\n"
"  --export-units DIR write each mutation and vector unit as DIR/NAME.json\n"
"                     instead of running: the response, what the RP asks for\n"
"                     and trusts, the stored record, and the outcome under every\n"
"                     shipped policy preset, for an RP library outside fidosim\n"
"                     to judge the same case (fidosim(1) RUN)\n"
"  --mds BLOB         judge the preset x platform and quirk cells with this FIDO\n"
"                     MDS3 BLOB (each RP policy preset reads it as its library\n"
"                     does; the mutations and scenarios judge without it)\n"
"  --mds-root PEM     the BLOB's root instead of GlobalSign R3 / R46 (repeatable)\n"
"\n"
"The summary leads with what matters: the unexpected cells, apart from the\n"
"deliberate cells rejected (or accepted) as intended and from the\n"
"combinations that do not work. A run about one provider (--provider, or\n"
"--presets with one name) shows, per platform, what the provider emitted\n"
"and what the RP received (AAGUID, the provider name webauthn.io would show,\n"
"fmt, BE/BS, UV) with the platform rule behind every change, and each RP\n"
"policy preset's verdict with its rules and spec sections.\n"
"\n"
"A progress line is shown on a terminal. Exit status: 0 the matrix ran and\n"
"--fail-on found nothing; 1 --fail-on found something; 2 usage or I/O\n"
"error, or --merge of reports that are not one run's shards.\n";

static int
split(char *s, const char **v, size_t *n)
{
	char *save = NULL, *t;

	*n = 0;
	for (t = strtok_r(s, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_LIST)
			return -1;
		v[(*n)++] = t;
	}
	return *n > 0 ? 0 : -1;
}

static void
progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rfidosim run: %zu/%zu units", done, total);
	if (done == total)
		fprintf(stderr, "\r%40s\r", "");
	fflush(stderr);
}

/* Write one output file atomically (tmp + rename). */
static int
write_out(const char *dir, const char *name, const json_t *rep, const char *text,
    size_t len, int what, const char *html, size_t hlen)
{
	char path[4200], tmp[4300];
	FILE *f;
	int r = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	if (what == 0)
		r = fwrite(text, 1, len, f) == len && fputc('\n', f) != EOF ? 0 : -1;
	else if (what == 1)
		r = fsim_report_junit(rep, f) == FSIM_OK ? 0 : -1;
	else if (html != NULL)
		r = fsim_report_html_safe(html, hlen, f) == FSIM_OK ? 0 : -1;
	else
		r = fsim_report_html_text(text, len, f) == FSIM_OK ? 0 : -1;
	if (fclose(f) != 0)
		r = -1;
	if (r == 0 && rename(tmp, path) != 0)
		r = -1;
	if (r != 0)
		unlink(tmp);
	return r;
}

/*
 * The three files. The report is serialised once (a sixth of a run's time
 * went into serialising it twice): report.json is that text, and report.html
 * embeds the same text, compacted and escaped, made in the same pass (or,
 * for a report that writer hands to jansson, from the text).
 */
static int
write_reports(const char *dir, const json_t *rep)
{
	const size_t flags = JSON_INDENT(1) | JSON_ENSURE_ASCII;
	char *text = NULL, *html = NULL;
	size_t len = 0, hlen = 0;
	int r = -1;

	if (fsim_json_dumps_html(rep, flags, &text, &len, &html, &hlen) != 0 &&
	    (text = fsim_json_dumps(rep, flags, &len)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (write_out(dir, "report.json", rep, text, len, 0, NULL, 0) == 0 &&
	    write_out(dir, "junit.xml", rep, text, len, 1, NULL, 0) == 0 &&
	    write_out(dir, "report.html", rep, text, len, 2, html, hlen) == 0)
		r = 0;
	free(text);
	free(html);
	return r;
}

static int
load_report(const char *dir, json_t **out)
{
	char path[4200];
	json_error_t e;

	snprintf(path, sizeof(path), "%s/report.json", dir);
	if ((*out = json_load_file(path, JSON_REJECT_DUPLICATES, &e)) == NULL)
		return fsim_cli_usage_error(CMD, "--merge: %s: %s", path, e.text);
	return 0;
}

/* --export-units DIR: each mutation and vector unit as data (fsim_mutation_unit_export). */
static int
export_units(const char *dir, const uint8_t *seed, size_t seed_len)
{
	char path[4200], name[200];
	json_t *u = NULL;
	size_t i, k, written = 0;

	if (fsim_cli_mkdirs(dir) != 0)
		return fsim_cli_usage_error(CMD, "--export-units: cannot make %s: %s", dir,
		    strerror(errno));
	for (i = 0; i < fsim_mutation_units(); i++) {
		if (fsim_mutation_unit_export(i, seed, seed_len, &u) != FSIM_OK) {
			fprintf(stderr, "fidosim %s: unit %s could not be made\n", CMD,
			    fsim_mutation_unit_name(i));
			return FSIM_EXIT_USAGE;
		}
		snprintf(name, sizeof(name), "%s", fsim_mutation_unit_name(i));
		for (k = 0; name[k] != '\0'; k++)
			if (name[k] == '/')
				name[k] = '_';
		snprintf(path, sizeof(path), "%s/%s.json", dir, name);
		if (json_dump_file(u, path, JSON_INDENT(1) | JSON_SORT_KEYS) != 0) {
			json_decref(u);
			fprintf(stderr, "fidosim %s: cannot write %s\n", CMD, path);
			return FSIM_EXIT_USAGE;
		}
		json_decref(u);
		written++;
	}
	printf("wrote %zu units into %s\n", written, dir);
	return FSIM_EXIT_OK;
}

static int
run(int argc, char **argv)
{
	fsim_matrix_opts_t o;
	char *presets = NULL, *platforms = NULL, *policies = NULL, err[4096];
	const char *pv[MAX_LIST], *fv[MAX_LIST], *out = "out", *merge[MAX_LIST], *export = NULL;
	const fsim_rp_preset_t *polv[FSIM_PIPE_MAX_POLICIES];
	uint8_t seed[FSIM_CLI_SEED_MAX];
	size_t n_merge = 0, i, n;
	json_t *rep = NULL, *parts[MAX_LIST];
	bool quiet = false, merging = false;
	fsim_fail_on_t fail_on = FSIM_FAIL_ON_UNEXPECTED;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	struct fsim_cli_mds_opts mdso;
	fsim_mds_t *mds = NULL;
	int a, k, r = FSIM_EXIT_USAGE;

	memset(&o, 0, sizeof(o));
	memset(&mdso, 0, sizeof(mdso));
	for (a = 1; a < argc; a++) {
		const char *s = argv[a], *val = a + 1 < argc ? argv[a + 1] : NULL;

		if (fsim_cli_is_help(s)) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		} else if (strcmp(s, "--no-quirks") == 0)
			o.no_quirks = true;
		else if (strcmp(s, "--no-scenarios") == 0)
			o.no_scenarios = true;
		else if (strcmp(s, "--no-mutations") == 0)
			o.no_mutations = true;
		else if (strcmp(s, "--quiet") == 0)
			quiet = true;
		else if (strcmp(s, "--merge") == 0) {
			merging = true;
			while (a + 1 < argc && argv[a + 1][0] != '-') {
				if (n_merge == MAX_LIST)
					return fsim_cli_usage_error(CMD, "at most %d shards", MAX_LIST);
				merge[n_merge++] = argv[++a];
			}
		} else if ((k = fsim_cli_mds_opt(CMD, argc, argv, &a, &mdso)) != 0) {
			if (k != 1)
				return k;
		} else if (s[0] == '-' && val == NULL)
			return fsim_cli_usage_error(CMD, "%s needs a value", s);
		else if (strcmp(s, "--presets") == 0)
			presets = argv[++a];
		else if (strcmp(s, "--platforms") == 0)
			platforms = argv[++a];
		else if (strcmp(s, "--policies") == 0)
			policies = argv[++a];
		else if (strcmp(s, "--provider") == 0)
			o.provider = argv[++a];
		else if (strcmp(s, "--fail-on") == 0) {
			if (!fsim_fail_on_parse(argv[++a], &fail_on))
				return fsim_cli_usage_error(CMD, "--fail-on wants unexpected, fail or "
				    "never, got '%s'", argv[a]);
		}
		else if (strcmp(s, "-o") == 0)
			out = argv[++a];
		else if (strcmp(s, "--export-units") == 0)
			export = argv[++a];
		else if (strcmp(s, "--seed") == 0) {
			if (fsim_cli_parse_seed(CMD, argv[++a], seed, &o.seed_len) != 0)
				return FSIM_EXIT_USAGE;
			o.seed = seed;
		} else if (strcmp(s, "--shard") == 0) {
			if (sscanf(argv[++a], "%u/%u", &o.shard_i, &o.shard_n) != 2 || o.shard_n == 0 ||
			    o.shard_i < 1 || o.shard_i > o.shard_n || o.shard_n > 10000)
				return fsim_cli_usage_error(CMD, "--shard wants I/N with 1 <= I <= N, "
				    "got '%s'", argv[a]);
		} else if (strcmp(s, "-j") == 0) {
			char *end;

			jobs = strtol(argv[++a], &end, 10);
			if (*end != '\0' || jobs < 1 || jobs > 64)
				return fsim_cli_usage_error(CMD, "-j wants 1 to 64");
		} else
			return fsim_cli_usage_error(CMD, "unknown argument '%s'", s);
	}
	if (export != NULL)
		return export_units(export, o.seed, o.seed_len);
	if (merging) {
		if (n_merge == 0)
			return fsim_cli_usage_error(CMD, "--merge needs shard directories");
		for (i = 0; i < n_merge; i++)
			if (load_report(merge[i], &parts[i]) != 0) {
				while (i-- > 0)
					json_decref(parts[i]);
				return FSIM_EXIT_USAGE;
			}
		if (fsim_report_merge_named(parts, merge, n_merge, &rep, err, sizeof(err)) !=
		    FSIM_OK) {
			char *line, *save = NULL;

			fprintf(stderr, "fidosim %s: --merge refused: these reports are not exactly "
			    "the shards of one run:\n", CMD);
			for (line = strtok_r(err, "\n", &save); line != NULL;
			    line = strtok_r(NULL, "\n", &save))
				fprintf(stderr, "  %s\n", line);
		}
		for (i = 0; i < n_merge; i++)
			json_decref(parts[i]);
		if (rep == NULL)
			return FSIM_EXIT_USAGE;
	} else {
		if ((presets != NULL && split(presets, pv, &n) != 0) ||
		    (presets != NULL && (o.presets = pv, o.n_presets = n, false)))
			return fsim_cli_usage_error(CMD, "--presets: a comma-separated list, at most %d",
			    MAX_LIST);
		if (platforms != NULL) {
			if (split(platforms, fv, &n) != 0)
				return fsim_cli_usage_error(CMD, "--platforms: a comma-separated list");
			o.platforms = fv;
			o.n_platforms = n;
		}
		if (policies != NULL) {
			const char *names[MAX_LIST];

			if (split(policies, names, &n) != 0 || n > FSIM_PIPE_MAX_POLICIES)
				return fsim_cli_usage_error(CMD, "--policies: a comma-separated list");
			for (i = 0; i < n; i++)
				if ((polv[i] = fsim_rp_preset_get(names[i], err, sizeof(err))) == NULL)
					return fsim_cli_usage_error(CMD, "--policies: %s", err);
			o.policies = polv;
			o.n_policies = n;
		}
		o.jobs = (unsigned)(jobs > 0 ? jobs : 1);
		if (isatty(STDERR_FILENO) && !quiet)
			o.progress = progress;
		/* The BLOB is verified once, its index shared by every cell. */
		if ((r = fsim_cli_mds_load(CMD, &mdso, time(NULL), &mds)) != 0)
			goto done;
		o.mds = mds;
		r = FSIM_EXIT_USAGE;
		if (fsim_matrix_run(&o, &rep, err, sizeof(err)) != FSIM_OK) {
			fsim_cli_usage_error(CMD, "%s", err[0] ? err : "the matrix could not run");
			goto done;
		}
	}
	/* "out/" and "out" are the same folder; say it once. */
	{
		static char dir[4096];
		size_t len = strlen(out);

		while (len > 1 && out[len - 1] == '/')
			len--;
		if (len >= sizeof(dir)) {
			fsim_cli_usage_error(CMD, "-o: path too long");
			goto done;
		}
		memcpy(dir, out, len);
		dir[len] = '\0';
		out = dir;
	}
	if (fsim_cli_mkdirs(out) != 0 || write_reports(out, rep) != 0) {
		fprintf(stderr, "fidosim %s: cannot write the reports into %s: %s\n", CMD, out,
		    strerror(errno));
		goto done;
	}
	if (!quiet) {
		fsim_run_print(stdout, rep);
		printf("wrote %s/report.json, %s/junit.xml, %s/report.html\n", out, out, out);
	}
	r = fsim_run_exit_status(rep, fail_on);
done:
	json_decref(rep);
	fsim_mds_free(&mds);
	return r;
}

const fsim_cmd_t fsim_cmd_run = {
	"run", run,
	"the conformance matrix: presets x platforms x RP policies, quirks, scenarios; reports",
	usage,
};
