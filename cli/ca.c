/*
 * ca.c — `fidosim ca export`: the root of the project's test attestation CA,
 * as PEM, so a relying party can trust what `--attestation packed` makes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/att.h"
#include "cli/cli.h"

static const char ca_usage[] =
"usage: fidosim ca export [--store FILE] [--seed HEX] [-o FILE]\n"
"\n"
"Write the root certificate of the test attestation CA (PEM). The CA lives in\n"
"the authenticator's store and is made on first use; with --seed it is derived\n"
"from the seed. Give the file to verify-registration --trust-anchors.\n";

static int
ca_run(int argc, char **argv)
{
	const char *store_path = NULL, *out = NULL, *seed_hex = NULL;
	fsim_blob_t seed = { 0 };
	fsim_env_t env;
	fsim_store_t *s = NULL;
	fsim_ca_t *ca = NULL;
	fsim_diags_t d;
	char *pem = NULL;
	FILE *f = NULL;
	int i, rc = FSIM_EXIT_USAGE, seeded = 0;

	fsim_diags_init(&d);
	if (argc < 2 || strcmp(argv[1], "export") != 0) {
		if (argc >= 2 && fsim_cli_is_help(argv[1])) {
			fputs(ca_usage, stdout);
			return FSIM_EXIT_OK;
		}
		return fsim_cli_usage_error("ca", "the subcommand is 'export'");
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--store") == 0 && i + 1 < argc)
			store_path = argv[++i];
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed_hex = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (fsim_cli_is_help(argv[i])) {
			fputs(ca_usage, stdout);
			return FSIM_EXIT_OK;
		} else
			return fsim_cli_usage_error("ca", "unknown or incomplete option '%s'", argv[i]);
	}
	if (seed_hex != NULL) {
		if (fsim_hex_decode(seed_hex, strlen(seed_hex), &seed) != 0 || seed.len == 0 ||
		    seed.len > 64)
			return fsim_cli_usage_error("ca", "--seed wants 1 to 64 bytes of hex");
		if (fsim_env_seeded(&env, seed.ptr, seed.len) != 0)
			goto out;
		seeded = 1;
	} else
		fsim_env_default(&env);
	if (fsim_store_open(store_path, &env, &s, &d) != 0) {
		char line[512];
		if (d.n > 0) {
			fsim_diag_format(&d.v[0], line, sizeof(line));
			fprintf(stderr, "fidosim ca: %s\n", line);
		} else
			fprintf(stderr, "fidosim ca: cannot open the store\n");
		goto out;
	}
	rc = FSIM_EXIT_FAIL;
	if (fsim_ca_load(s, &env, &ca) != 0 || fsim_store_save(s) != 0 ||
	    fsim_ca_root_pem(ca, &pem) != 0) {
		fprintf(stderr, "fidosim ca: could not load or create the CA in %s\n",
		    fsim_store_path(s));
		goto out;
	}
	if (out != NULL && (f = fopen(out, "w")) == NULL) {
		fprintf(stderr, "fidosim ca: cannot write %s\n", out);
		rc = FSIM_EXIT_USAGE;
		goto out;
	}
	fputs(pem, f ? f : stdout);
	rc = FSIM_EXIT_OK;
out:
	if (f)
		fclose(f);
	free(pem);
	fsim_ca_free(&ca);
	fsim_store_free(&s);
	if (seeded)
		fsim_env_free(&env);
	fsim_blob_reset(&seed);
	fsim_diags_clear(&d);
	return rc;
}

const fsim_cmd_t fsim_cmd_ca = {
	"ca", ca_run,
	"export the root of the test attestation CA (PEM)",
	ca_usage,
};
