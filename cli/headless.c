/*
 * headless.c — the glue `fidosim create` and `fidosim get` share: command
 * line, options JSON, store + environment + authenticator, and the outputs
 * of the contract (DESIGN.md, "Headless client").
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/headless.h"
#include "harness/ceremony.h"

#define OPTIONS_MAX (1u << 20)

void
fsim_headless_init(fsim_headless_t *h, const char *cmd)
{
	memset(h, 0, sizeof(*h));
	h->cmd = cmd;
	fsim_authn_config_init(&h->cfg);
	fsim_env_default(&h->env);
}

void
fsim_headless_free(fsim_headless_t *h)
{
	fsim_authn_free(&h->authn);
	fsim_store_free(&h->store);
	fsim_env_free(&h->env);
	fsim_platform_free(&h->platform);
	json_decref(h->root);
	h->root = NULL;
	fsim_wipe(h->x.seed, sizeof(h->x.seed));
}

int
fsim_headless_args(fsim_headless_t *h, int argc, char **argv, const char *usage)
{
	const char *cmd = h->cmd;
	int i, o;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((o = fsim_cli_authn_opt(cmd, argc, argv, &i, &h->cfg, &h->x)) == 1)
			continue;
		if (o != 0)
			return FSIM_EXIT_USAGE;
		if (fsim_cli_is_help(a)) {
			fputs(usage, stdout);
			return -1;
		}
		if ((o = fsim_cli_platform_opt(cmd, argc, argv, &i, &h->po)) == 1)
			continue;
		if (o != 0)
			return o;
		if (strcmp(a, "--origin") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return fsim_cli_usage_error(cmd, "%s needs a value", a);
			i++;
			h->origin = argv[i];
		} else if (strcmp(a, "--appid") == 0 && strcmp(cmd, "create") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return fsim_cli_usage_error(cmd, "%s needs a value", a);
			i++;
			h->appid = argv[i];
		} else if (a[0] == '-' && a[1] != '\0')
			return fsim_cli_usage_error(cmd, "unknown option '%s'", a);
		else if (h->input != NULL)
			return fsim_cli_usage_error(cmd, "one OPTIONS_JSON at most "
			    "('%s' is extra)", a);
		else
			h->input = a;
	}
	/* After every flag: explicit flags beat the preset whatever their order. */
	if ((o = fsim_cli_authn_finish(cmd, &h->cfg, &h->x)) != 0)
		return o;
	/* A U2F-era registration attests as a U2F device did, unless told otherwise. */
	if (h->appid != NULL && !(h->x.set & FSIM_CLI_SET_ATTESTATION))
		h->cfg.attestation = FSIM_ATTFMT_FIDO_U2F;
	return fsim_cli_load_platform(cmd, h->po.name, h->po.off, h->po.n_off, &h->platform);
}

int
fsim_headless_load(fsim_headless_t *h)
{
	fsim_blob_t in = { NULL, 0 };
	fsim_diags_t d;
	const fsim_diag_t *e;
	const char *src = h->input != NULL ? h->input : "-";
	char line[512];
	int r = FSIM_EXIT_USAGE;

	fsim_diags_init(&d);
	if (src[strspn(src, " \t\r\n")] == '{') {
		if (fsim_blob_set(&in, (const uint8_t *)src, strlen(src)) != 0) {
			fprintf(stderr, "fidosim %s: out of memory\n", h->cmd);
			goto fail;
		}
		src = "the OPTIONS_JSON argument";
	} else if (fsim_read_file(src, OPTIONS_MAX, &in) != 0) {
		fprintf(stderr, "fidosim %s: cannot read %s\n", h->cmd,
		    strcmp(src, "-") != 0 ? src : "standard input");
		goto fail;
	} else if (strcmp(src, "-") == 0)
		src = "standard input";
	/* Strict: one value, duplicate member names refused. */
	if (fsim_json_load(in.ptr, in.len, &h->root, &d, "options") != 0) {
		if ((e = fsim_diags_first(&d, FSIM_SEV_ERROR)) != NULL)
			fsim_diag_format(e, line, sizeof(line));
		else
			snprintf(line, sizeof(line), "not JSON");
		fprintf(stderr, "fidosim %s: the options in %s are not JSON: %s\n",
		    h->cmd, src, line);
		goto fail;
	}
	r = 0;
fail:
	fsim_blob_reset(&in);
	fsim_diags_clear(&d);
	return r;
}

int
fsim_headless_bad_options(const fsim_headless_t *h, const fsim_diags_t *d)
{
	fsim_client_error_t err;
	char line[512];

	/* user.id's length alone: the browser's TypeError, a refusal (exit 1). */
	if (fsim_ceremony_options_refusal(d, &err, line, sizeof(line)))
		return fsim_headless_refuse(h, &err);
	fprintf(stderr, "fidosim %s: bad options: %s\n", h->cmd, line);
	return FSIM_EXIT_USAGE;
}

int
fsim_headless_open(fsim_headless_t *h)
{
	fsim_diags_t d;
	const fsim_diag_t *e = NULL;
	char msg[512];
	int err, r = FSIM_EXIT_USAGE;

	fsim_diags_init(&d);
	if (h->x.seed_len > 0 &&
	    (err = fsim_env_seeded(&h->env, h->x.seed, h->x.seed_len)) != 0) {
		fprintf(stderr, "fidosim %s: cannot seed the environment: %s\n",
		    h->cmd, fsim_strerr(err));
		goto fail;
	}
	if ((err = fsim_store_open(h->x.store, &h->env, &h->store, &d)) != 0) {
		if ((e = fsim_diags_first(&d, FSIM_SEV_ERROR)) != NULL)
			fsim_diag_format(e, msg, sizeof(msg));
		fprintf(stderr, "fidosim %s: cannot open the store%s%s: %s\n",
		    h->cmd, h->x.store ? " " : "", h->x.store ? h->x.store : "",
		    e != NULL ? msg : fsim_strerr(err));
		goto fail;
	}
	if ((err = fsim_authn_new(&h->cfg, &h->env, h->store, &h->authn)) != 0) {
		fprintf(stderr, "fidosim %s: cannot start the authenticator: %s\n",
		    h->cmd, fsim_strerr(err));
		goto fail;
	}
	r = 0;
fail:
	fsim_diags_clear(&d);
	return r;
}

uint8_t
fsim_headless_ctap(fsim_headless_t *h, const fsim_blob_t *req, fsim_blob_t *resp)
{
	return fsim_authn_request(h->authn, req->ptr, req->len, resp);
}

int
fsim_headless_emit(const fsim_headless_t *h, const json_t *j)
{
	if (j == NULL || json_dumpf(j, stdout, JSON_COMPACT) != 0 ||
	    fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
		fprintf(stderr, "fidosim %s: cannot write the output\n", h->cmd);
		return FSIM_EXIT_USAGE;
	}
	return FSIM_EXIT_OK;
}

int
fsim_headless_refuse(const fsim_headless_t *h, const fsim_client_error_t *err)
{
	json_t *j = fsim_client_error_json(err);
	int r;

	if (j == NULL) {
		fprintf(stderr, "fidosim %s: out of memory\n", h->cmd);
		return FSIM_EXIT_USAGE;
	}
	r = fsim_headless_emit(h, j);
	json_decref(j);
	return r == FSIM_EXIT_OK ? FSIM_EXIT_FAIL : r;
}
