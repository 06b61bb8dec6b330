/*
 * credentials.c — `fidosim credentials list|delete|export`: what the store
 * holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf.h"
#include "authenticator/preset.h"
#include "authenticator/store.h"
#include "cli/cli.h"

static const char cred_usage[] =
"usage: fidosim credentials list [--store FILE] [--rp-id ID] [--json]\n"
"       fidosim credentials delete [--store FILE] ID\n"
"       fidosim credentials export --format json [--store FILE]\n"
"       fidosim credentials export --format cxf [--store FILE] [--rp-id ID]...\n"
"               [--include-counted] [--exporter-rp-id ID] [--exporter-name NAME]\n"
"       fidosim credentials import --format cxf [--store FILE] [--preset NAME|FILE]\n"
"               [--json] FILE|-\n"
"\n"
"List the credentials the authenticator stores (discoverable ones, and those\n"
"whose key cannot be wrapped into their ID), or delete one by its ID\n"
"(base64url). list never shows private keys. A credential a signal hid\n"
"('fidosim signal') is listed as hidden (JSON \"hidden\": true): it is kept but\n"
"not offered to 'fidosim get'.\n"
"\n"
"export --format json writes the whole store to stdout in the JSON format\n"
"earlier fidosim versions kept on disk (format \"fidosim-store\", version 1):\n"
"the wrapping key, counters, CA blobs and every credential WITH its private\n"
"key, binary as base64url. Keep it as secret as the store. A file in this\n"
"format given as --store is imported into a new store on first use (the JSON\n"
"file is kept as FILE.json-backup).\n"
"\n"
"export --format cxf writes the store's credentials (of the RPs named with\n"
"--rp-id, else all) as a credential exchange document: the FIDO Alliance\n"
"Credential Exchange Format, " FSIM_CXF_DRAFT " (" FSIM_CXF_DRAFT_URL "),\n"
"one account, one item per passkey (credentialId, rpId, username,\n"
"userDisplayName, userHandle, key as PKCS#8, fido2Extensions for credBlob and\n"
"hmac-secret). As the draft requires, a passkey whose signature counter is not\n"
"zero is left out and named on standard error; --include-counted exports it\n"
"anyway (a deliberately non-conformant export, to test importers and RPs). The\n"
"document holds private keys: keep it secret. `fidosim cxf check` judges it.\n"
"\n"
"import --format cxf checks a CXF document (as `fidosim cxf check` does) and,\n"
"when it is valid, adds its passkeys to the store as discoverable credentials\n"
"of the importing provider: BE and BS of --preset (default BE=0, BS=0), the\n"
"signature counter 0 and kept at 0 for good (the draft: an importer sets 0 and\n"
"never increments it; the quirk cxf-counter-increments breaks that on purpose),\n"
"credBlob and the hmac-secret keys from fido2Extensions (largeBlob and payments\n"
"are dropped and counted). Credentials of other types (basic-auth, totp, ...)\n"
"are kept in the store's blob \"" FSIM_CXF_KEPT_BLOB "\" (JSON; see export --format\n"
"json) and otherwise ignored. One transaction: a document with an error, or a\n"
"credential ID the store already holds, changes nothing (exit 1, the rule named).\n"
"The AAGUID and UV of the provider are those of the preset given to later\n"
"create and get commands.\n"
"\n"
"The store is an SQLite database; any number of fidosim processes may use it\n"
"at once.\n";

/* The formats of `credentials export`, a switch so that more can be added. */
enum export_format { EXPORT_NONE = 0, EXPORT_JSON, EXPORT_CXF };

/* What export --format cxf and import take besides the store. */
struct cxf_args {
	const char *rp_ids[32];
	size_t n_rp_ids;
	bool include_counted, json;
	const char *exporter_rp_id, *exporter_name, *preset, *file;
};

/* The exporter SHOULD tell the user which passkeys it left out (CXF Passkey). */
static void
say_excluded(const fsim_cxf_export_report_t *rep)
{
	size_t i, shown = rep->excluded < 8 ? rep->excluded : 8;

	if (rep->excluded == 0)
		return;
	fprintf(stderr, "fidosim credentials: %zu passkey%s left out: %s signature counter is "
	    "not zero, and CXF excludes such passkeys from an export (--include-counted "
	    "exports them anyway):\n", rep->excluded, rep->excluded == 1 ? "" : "s",
	    rep->excluded == 1 ? "its" : "their");
	for (i = 0; i < shown; i++)
		fprintf(stderr, "  %s  %s  signCount %u\n", rep->first[i].rp_id, rep->first[i].id,
		    rep->first[i].sign_count);
	if (rep->excluded > shown)
		fprintf(stderr, "  ... and %zu more\n", rep->excluded - shown);
}

static int
export_run(fsim_store_t *s, enum export_format fmt, const struct cxf_args *ca)
{
	fsim_cxf_export_opts_t xo;
	fsim_cxf_export_report_t rep;
	fsim_env_t env;
	char *text = NULL;
	size_t len = 0;
	int rc = FSIM_EXIT_USAGE, e;

	switch (fmt) {
	case EXPORT_CXF:
		memset(&xo, 0, sizeof(xo));
		xo.rp_ids = ca->rp_ids;
		xo.n_rp_ids = ca->n_rp_ids;
		xo.include_counted = ca->include_counted;
		xo.exporter_rp_id = ca->exporter_rp_id;
		xo.exporter_name = ca->exporter_name;
		fsim_env_default(&env);
		if ((e = fsim_cxf_export(s, &env, &xo, &text, &len, &rep)) != 0) {
			fprintf(stderr, "fidosim credentials: cannot export %s: %s\n",
			    fsim_store_path(s), fsim_strerr(e));
			break;
		}
		rc = fwrite(text, 1, len, stdout) == len && fputc('\n', stdout) != EOF &&
		    fflush(stdout) == 0 ? FSIM_EXIT_OK : FSIM_EXIT_USAGE;
		if (rc != FSIM_EXIT_OK)
			fprintf(stderr, "fidosim credentials: cannot write the export\n");
		say_excluded(&rep);
		if (ca->include_counted)
			fprintf(stderr, "fidosim credentials: --include-counted: passkeys with a "
			    "non-zero counter were exported, which CXF forbids\n");
		fprintf(stderr, "fidosim credentials: %zu passkey%s exported (%s)\n", rep.exported,
		    rep.exported == 1 ? "" : "s", FSIM_CXF_DRAFT);
		break;
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

/* import --format cxf: the document checked, then its passkeys into the store. */
static int
import_run(fsim_store_t *s, const struct cxf_args *ca)
{
	fsim_authn_config_t cfg;
	fsim_preset_t *ps = NULL;
	fsim_cxf_import_opts_t io;
	fsim_cxf_import_report_t rep;
	fsim_env_t env;
	fsim_blob_t in = { 0 };
	fsim_diags_t d;
	char err[512], line[600];
	const uint8_t *data;
	size_t len, i;
	int rc = FSIM_EXIT_USAGE, e;

	fsim_diags_init(&d);
	fsim_authn_config_init(&cfg);
	if (ca->preset != NULL) {
		if (fsim_preset_load(ca->preset, &ps, err, sizeof(err)) != 0) {
			fprintf(stderr, "fidosim credentials: --preset: %s\n", err);
			goto out;
		}
		cfg = *fsim_preset_config(ps);
	}
	e = fsim_read_file(ca->file, FSIM_CXF_MAX_LEN + 1, &in);
	if (e == FSIM_ERR_ARG) {
		data = NULL;   /* too large: the checker says so under CXF-01 */
		len = (size_t)FSIM_CXF_MAX_LEN + 1;
	} else if (e != 0) {
		fprintf(stderr, "fidosim credentials: cannot read %s: %s\n", ca->file,
		    e == FSIM_ERR_IO ? strerror(errno) : fsim_strerr(e));
		goto out;
	} else {
		data = in.ptr;
		len = in.len;
	}
	memset(&io, 0, sizeof(io));
	io.be = cfg.be;
	io.bs = cfg.bs;
	fsim_env_default(&env);
	e = fsim_cxf_import(s, &env, data, len, &io, &rep, &d);
	if (e != 0 && e != FSIM_ERR_FORMAT) {
		fprintf(stderr, "fidosim credentials: cannot import into %s: %s\n",
		    fsim_store_path(s), fsim_strerr(e));
		goto out;
	}
	rc = e == 0 ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
	if (ca->json) {
		json_t *j = json_pack("{s:b, s:s, s:s, s:s?, s:b, s:b, s:I, s:I, s:I, s:s, s:o}",
		    "imported", e == 0, "store", fsim_store_path(s), "draft", FSIM_CXF_DRAFT,
		    "preset", ca->preset, "backupEligible", cfg.be, "backupState", cfg.be && cfg.bs,
		    "passkeys", (json_int_t)rep.imported, "kept", (json_int_t)rep.kept,
		    "droppedExtensions", (json_int_t)rep.dropped_extensions, "keptIn",
		    FSIM_CXF_KEPT_BLOB, "errors", json_array());

		for (i = 0; j != NULL && i < d.n; i++)
			if (d.v[i].sev == FSIM_SEV_ERROR)
				json_array_append_new(json_object_get(j, "errors"), json_pack("{s:s, "
				    "s:s, s:s}", "rule", d.v[i].rule, "field", d.v[i].field, "message",
				    d.v[i].msg));
		if (j == NULL || json_dumpf(j, stdout, JSON_INDENT(2)) != 0)
			rc = FSIM_EXIT_USAGE;
		fputc('\n', stdout);
		json_decref(j);
	} else if (e == 0) {
		printf("fidosim credentials: imported %zu passkey%s into %s (BE=%d BS=%d%s%s, "
		    "counter 0, kept at 0)\n", rep.imported, rep.imported == 1 ? "" : "s",
		    fsim_store_path(s), cfg.be, cfg.be && cfg.bs, ca->preset ? " of preset " : "",
		    ca->preset ? ca->preset : "");
		if (rep.kept > 0)
			printf("fidosim credentials: %zu credential%s of other types kept in the "
			    "store's blob \"%s\", not used\n", rep.kept, rep.kept == 1 ? "" : "s",
			    FSIM_CXF_KEPT_BLOB);
		if (rep.dropped_extensions > 0)
			printf("fidosim credentials: %zu passkey%s lost fido2Extensions the store "
			    "cannot hold (largeBlob, payments, another hmac algorithm)\n",
			    rep.dropped_extensions, rep.dropped_extensions == 1 ? "" : "s");
	}
	if (e != 0) {
		fprintf(stderr, "fidosim credentials: %s not imported: nothing changed in %s\n",
		    ca->file, fsim_store_path(s));
		for (i = 0; i < d.n; i++)
			if (d.v[i].sev == FSIM_SEV_ERROR) {
				fsim_diag_format(&d.v[i], line, sizeof(line));
				fprintf(stderr, "  %s\n", line);
			}
	}
out:
	fsim_preset_free(&ps);
	fsim_blob_reset(&in);
	fsim_diags_clear(&d);
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
	/* hidden by a signal (WebAuthn L3 5.1.10): kept, not offered */
	if (j != NULL && json_object_set_new(j, "hidden", json_boolean(c->hidden)) != 0) {
		json_decref(j);
		j = NULL;
	}
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
	bool list = false, json = false, export = false, import = false, del = false;
	enum export_format fmt = EXPORT_NONE;
	struct cxf_args ca;
	int i, rc = FSIM_EXIT_USAGE;
	size_t k;

	fsim_diags_init(&d);
	memset(&ca, 0, sizeof(ca));
	if (argc < 2 || fsim_cli_is_help(argv[1])) {
		fputs(cred_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? FSIM_EXIT_USAGE : FSIM_EXIT_OK;
	}
	if (strcmp(argv[1], "list") == 0)
		list = true;
	else if (strcmp(argv[1], "delete") == 0)
		del = true;
	else if (strcmp(argv[1], "export") == 0)
		export = true;
	else if (strcmp(argv[1], "import") == 0)
		import = true;
	else
		return fsim_cli_usage_error("credentials", "the subcommand is list, delete, export "
		    "or import");
	for (i = 2; i < argc; i++) {
		if (fsim_cli_is_help(argv[i])) {
			fputs(cred_usage, stdout);
			return FSIM_EXIT_OK;
		}
		if (strcmp(argv[i], "--store") == 0 && i + 1 < argc)
			store_path = argv[++i];
		else if ((export || import) && strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			i++;
			if (export && strcmp(argv[i], "json") == 0)
				fmt = EXPORT_JSON;
			else if (strcmp(argv[i], "cxf") == 0)
				fmt = EXPORT_CXF;
			else
				return fsim_cli_usage_error("credentials", "--format wants %s, got '%s'",
				    export ? "json or cxf" : "cxf", argv[i]);
		}
		else if (list && strcmp(argv[i], "--rp-id") == 0 && i + 1 < argc)
			rp = argv[++i];
		else if (export && strcmp(argv[i], "--rp-id") == 0 && i + 1 < argc) {
			if (ca.n_rp_ids == sizeof(ca.rp_ids) / sizeof(ca.rp_ids[0]))
				return fsim_cli_usage_error("credentials", "more than %zu --rp-id",
				    sizeof(ca.rp_ids) / sizeof(ca.rp_ids[0]));
			ca.rp_ids[ca.n_rp_ids++] = argv[++i];
		} else if (export && strcmp(argv[i], "--include-counted") == 0)
			ca.include_counted = true;
		else if (export && strcmp(argv[i], "--exporter-rp-id") == 0 && i + 1 < argc)
			ca.exporter_rp_id = argv[++i];
		else if (export && strcmp(argv[i], "--exporter-name") == 0 && i + 1 < argc)
			ca.exporter_name = argv[++i];
		else if (import && strcmp(argv[i], "--preset") == 0 && i + 1 < argc)
			ca.preset = argv[++i];
		else if ((list || import) && strcmp(argv[i], "--json") == 0)
			json = ca.json = true;
		else if (import && ca.file == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
			ca.file = argv[i];
		else if (del && strcmp(argv[i], "--") == 0 && i + 1 < argc && id_s == NULL)
			id_s = argv[++i];
		/* a base64url ID may start with '-': anything that is not an option is the ID */
		else if (del && id_s == NULL && strcmp(argv[i], "--store") != 0)
			id_s = argv[i];
		else
			return fsim_cli_usage_error("credentials", "unknown or extra argument '%s'", argv[i]);
	}
	if (export && fmt == EXPORT_NONE)
		return fsim_cli_usage_error("credentials", "export wants --format json or --format cxf");
	if (export && fmt == EXPORT_JSON && (ca.n_rp_ids > 0 || ca.include_counted ||
	    ca.exporter_rp_id != NULL || ca.exporter_name != NULL))
		return fsim_cli_usage_error("credentials", "--rp-id, --include-counted and "
		    "--exporter-* go with --format cxf (--format json is the whole store)");
	if (import && fmt != EXPORT_CXF)
		return fsim_cli_usage_error("credentials", "import wants --format cxf");
	if (import && ca.file == NULL)
		return fsim_cli_usage_error("credentials", "import wants a CXF document (a file, or "
		    "- for standard input)");
	if (del && (id_s == NULL || fsim_b64url_decode(id_s, strlen(id_s), &id, NULL, NULL) != 0))
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
		rc = export_run(s, fmt, &ca);
	else if (import)
		rc = import_run(s, &ca);
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
					printf("%-24s %-8s %-5s BE=%d BS=%d count=%u %s %s%s\n",
					    c->rp_id ? c->rp_id : "", fsim_cose_alg_name(c->alg) ?
					    fsim_cose_alg_name(c->alg) : "?", c->discoverable ? "rk" : "-",
					    c->be, c->bs, c->sign_count, c->user_name ? c->user_name : "",
					    idt, c->hidden ? "  [hidden by a signal: not offered]" : "");
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
	"list, delete, export (JSON, CXF) or import (CXF) the credentials the authenticator stores",
	cred_usage,
};
