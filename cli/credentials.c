/*
 * credentials.c — `fidosim credentials list|delete|export`: what the store
 * holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/store.h"
#include "cli/cli.h"

static const char cred_usage[] =
"usage: fidosim credentials list [--store FILE] [--rp-id ID] [--json]\n"
"       fidosim credentials delete [--store FILE] ID\n"
"       fidosim credentials export --format json [--store FILE]\n"
"\n"
"List the credentials the authenticator stores (discoverable ones, and those\n"
"whose key cannot be wrapped into their ID), or delete one by its ID\n"
"(base64url). list never shows private keys.\n"
"\n"
"export --format json writes the whole store to stdout in the JSON format\n"
"earlier fidosim versions kept on disk (format \"fidosim-store\", version 1):\n"
"the wrapping key, counters, CA blobs and every credential WITH its private\n"
"key, binary as base64url. Keep it as secret as the store. A file in this\n"
"format given as --store is imported into a new store on first use (the JSON\n"
"file is kept as FILE.json-backup).\n"
"\n"
"The store is an SQLite database; any number of fidosim processes may use it\n"
"at once.\n";

/* The formats of `credentials export`, a switch so that more can be added. */
enum export_format { EXPORT_NONE = 0, EXPORT_JSON };

static int
export_run(fsim_store_t *s, enum export_format fmt)
{
	char *text = NULL;
	size_t len = 0;
	int rc = FSIM_EXIT_USAGE, e;

	switch (fmt) {
	case EXPORT_JSON:
		if ((e = fsim_store_export_json(s, &text, &len)) != 0) {
			fprintf(stderr, "fidosim credentials: cannot export %s: %s\n",
			    fsim_store_path(s), fsim_strerr(e));
			break;
		}
		rc = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0 ?
		    FSIM_EXIT_OK : FSIM_EXIT_USAGE;
		if (rc != FSIM_EXIT_OK)
			fprintf(stderr, "fidosim credentials: cannot write the export\n");
		break;
	case EXPORT_NONE:
		break;
	}
	if (text != NULL) {
		fsim_wipe(text, len);
		free(text);
	}
	return rc;
}

static json_t *
cred_json(const fsim_cred_t *c)
{
	char *id = NULL, *uid = NULL;
	json_t *j;

	if (fsim_b64url_encode(c->id.ptr, c->id.len, &id) != 0 ||
	    fsim_b64url_encode(c->user_id.ptr, c->user_id.len, &uid) != 0) {
		free(id);
		return NULL;
	}
	j = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:i, s:s?, s:b, s:I, s:b, s:b, s:i, s:b, s:I}",
	    "id", id, "rpId", c->rp_id ? c->rp_id : "", "userId", uid,
	    "userName", c->user_name, "userDisplayName", c->user_display_name,
	    "alg", c->alg, "algName", fsim_cose_alg_name(c->alg), "discoverable", c->discoverable,
	    "signCount", (json_int_t)c->sign_count, "backupEligible", c->be, "backupState", c->bs,
	    "credProtect", c->cred_protect, "hmacSecret", c->hmac_secret,
	    "created", (json_int_t)c->created);
	free(id);
	free(uid);
	return j;
}

static int
cred_run(int argc, char **argv)
{
	const char *store_path = NULL, *rp = NULL, *id_s = NULL;
	fsim_env_t env;
	fsim_store_t *s = NULL;
	fsim_diags_t d;
	fsim_blob_t id = { 0 };
	bool list, json = false, export = false;
	enum export_format fmt = EXPORT_NONE;
	int i, rc = FSIM_EXIT_USAGE;
	size_t k;

	fsim_diags_init(&d);
	if (argc < 2 || fsim_cli_is_help(argv[1])) {
		fputs(cred_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? FSIM_EXIT_USAGE : FSIM_EXIT_OK;
	}
	if (strcmp(argv[1], "list") == 0)
		list = true;
	else if (strcmp(argv[1], "delete") == 0)
		list = false;
	else if (strcmp(argv[1], "export") == 0)
		list = false, export = true;
	else
		return fsim_cli_usage_error("credentials", "the subcommand is list, delete or export");
	for (i = 2; i < argc; i++) {
		if (fsim_cli_is_help(argv[i])) {
			fputs(cred_usage, stdout);
			return FSIM_EXIT_OK;
		}
		if (strcmp(argv[i], "--store") == 0 && i + 1 < argc)
			store_path = argv[++i];
		else if (export && strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "json") == 0)
				fmt = EXPORT_JSON;
			else
				return fsim_cli_usage_error("credentials", "--format wants json, "
				    "got '%s'", argv[i]);
		}
		else if (list && strcmp(argv[i], "--rp-id") == 0 && i + 1 < argc)
			rp = argv[++i];
		else if (list && strcmp(argv[i], "--json") == 0)
			json = true;
		else if (!list && !export && strcmp(argv[i], "--") == 0 && i + 1 < argc &&
		    id_s == NULL)
			id_s = argv[++i];
		/* a base64url ID may start with '-': anything that is not an option is the ID */
		else if (!list && !export && id_s == NULL && strcmp(argv[i], "--store") != 0)
			id_s = argv[i];
		else
			return fsim_cli_usage_error("credentials", "unknown or extra argument '%s'", argv[i]);
	}
	if (export && fmt == EXPORT_NONE)
		return fsim_cli_usage_error("credentials", "export wants --format json");
	if (!list && !export && (id_s == NULL || fsim_b64url_decode(id_s, strlen(id_s), &id, NULL, NULL) != 0))
		return fsim_cli_usage_error("credentials", "delete wants one credential ID in base64url");
	fsim_env_default(&env);
	if (fsim_store_open(store_path, &env, &s, &d) != 0) {
		char line[512];
		if (d.n > 0) {
			fsim_diag_format(&d.v[0], line, sizeof(line));
			fprintf(stderr, "fidosim credentials: %s\n", line);
		}
		goto out;
	}
	if (export)
		rc = export_run(s, fmt);
	else if (list) {
		json_t *arr = json_array();
		for (k = 0; arr != NULL && k < fsim_store_cred_count(s); k++) {
			const fsim_cred_t *c = fsim_store_cred_at(s, k);
			if (rp != NULL && (c->rp_id == NULL || strcmp(rp, c->rp_id) != 0))
				continue;
			if (json)
				json_array_append_new(arr, cred_json(c));
			else {
				char *idt = NULL;
				if (fsim_b64url_encode(c->id.ptr, c->id.len, &idt) == 0)
					printf("%-24s %-8s %-5s BE=%d BS=%d count=%u %s %s\n",
					    c->rp_id ? c->rp_id : "", fsim_cose_alg_name(c->alg) ?
					    fsim_cose_alg_name(c->alg) : "?", c->discoverable ? "rk" : "-",
					    c->be, c->bs, c->sign_count, c->user_name ? c->user_name : "",
					    idt);
				free(idt);
			}
		}
		if (json) {
			json_dumpf(arr, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
		}
		json_decref(arr);
		rc = FSIM_EXIT_OK;
	} else if (fsim_store_delete_cred(s, id.ptr, id.len) != 0) {
		fprintf(stderr, "fidosim credentials: no credential %s in %s\n", id_s, fsim_store_path(s));
		rc = FSIM_EXIT_FAIL;
	} else if (fsim_store_save(s) != 0) {
		fprintf(stderr, "fidosim credentials: cannot write %s\n", fsim_store_path(s));
		rc = FSIM_EXIT_USAGE;
	} else
		rc = FSIM_EXIT_OK;
out:
	fsim_store_free(&s);
	fsim_blob_reset(&id);
	fsim_diags_clear(&d);
	return rc;
}

const fsim_cmd_t fsim_cmd_credentials = {
	"credentials", cred_run,
	"list or delete the credentials the authenticator stores",
	cred_usage,
};
