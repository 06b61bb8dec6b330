/*
 * mds.c — `fidosim mds verify|show|list`: a FIDO Metadata Service v3 BLOB,
 * offline (mds/mds.h). The BLOB is the one the user downloaded; none ships
 * with fidosim (its legalHeader binds its use to FIDO's terms).
 *
 * Exit: verify 0 valid, 1 not valid; show 0 found, 1 not valid or not
 * listed; list 0, 1 not valid; 2 usage or I/O (unreadable BLOB or root).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "cli/cli.h"
#include "cli/mds_cli.h"
#include "cli/render.h"
#include "mds/mds.h"
#include "rp-sim/mds_policy.h"

#define CMD "mds"

static const char usage[] =
"usage: fidosim mds verify [--at UNIX_TIME] [--root PEM]... [--crl FILE]...\n"
"                          [--min-no N] [--json] BLOB\n"
"       fidosim mds show   [--at UNIX_TIME] [--root PEM]... [--json] BLOB AAGUID|ACKI|AAID\n"
"       fidosim mds list   [--at UNIX_TIME] [--root PEM]... [--status S] [--json] BLOB\n"
"       fidosim mds gates  [--json]\n"
"\n"
"The FIDO Metadata Service v3 BLOB (blob.jwt), offline. Download it yourself\n"
"(curl -L -o blob.jwt https://mds3.fidoalliance.org/); its legalHeader binds its\n"
"use to FIDO's metadata terms, so fidosim ships none. The BLOB is verified once:\n"
"a compact JWS (RS256 or ES256), its x5c chain built with OpenSSL to an MDS\n"
"root at the verification time, the signature, then the payload (legalHeader,\n"
"no, nextUpdate, every entry). Then it is indexed by AAGUID, attestation\n"
"certificate key identifier and AAID.\n"
"\n"
"  verify   check the BLOB; every problem with its rule (MDS-NN). --json prints\n"
"           {\"valid\", \"no\", \"nextUpdate\", \"entries\", \"root\", \"errors\", ...}\n"
"  show     one entry: description, protocol family, attestation types and\n"
"           root certificates, algorithms, UV methods, key protection, status\n"
"           reports by date, the status in effect at --at, the certification\n"
"  list     every entry (identifier, status at --at, description)\n"
"  gates    how each RP policy preset's library reads a BLOB when it verifies:\n"
"           the statuses that refuse or drop an entry, which reports count,\n"
"           unlisted authenticators, with the source lines it comes from\n"
"\n"
"options:\n"
"  --at UNIX_TIME   the verification time: chain validity, nextUpdate, which\n"
"                   status reports are in effect (default now). A BLOB whose\n"
"                   signing certificate has since expired verifies as of its\n"
"                   own date: e.g. --at the day it was issued\n"
"  --root PEM       the MDS root(s) to verify to (repeatable). Default: the\n"
"                   system's GlobalSign Root CA - R3 and GlobalSign Root R46\n"
"                   (/etc/ssl/certs, Debian ca-certificates; checked by\n"
"                   fingerprint); OpenSSL builds the path to either, also\n"
"                   through R46 cross-signed by R3\n"
"  --crl FILE       CRLs (PEM or DER) for the chain; then revocation is checked\n"
"                   (without, it is not: offline, a note says so)\n"
"  --min-no N       the `no` of the last BLOB you accepted: a BLOB with a lower\n"
"                   `no` is an older one and fails (MDS-08). Keep N yourself\n"
"                   (e.g. from the last `mds verify --json`); equal is the same\n"
"                   BLOB again and passes\n"
"  --status S       list: only entries with a report of status S in effect at\n"
"                   --at (e.g. REVOKED, FIDO_CERTIFIED_L2, NOT_FIDO_CERTIFIED)\n"
"  --json           one JSON object on stdout\n"
"\n"
"Use the BLOB when verifying: --mds BLOB on verify-registration,\n"
"verify-authentication, explain, run and serve.\n"
"\n"
"exit status: 0 valid (show: found); 1 not valid (show: or not listed);\n"
"             2 usage or I/O error.\n";

struct opts {
	const char *sub, *blob, *id, *status;
	bool json, has_at;
	const char *roots[16], *crls[16];
	size_t n_roots, n_crls;
	fsim_mds_opts_t mo;
};

int
fsim_cli_parse_time(const char *v, time_t *out)
{
	char *end;
	long long t;

	errno = 0;
	t = strtoll(v, &end, 10);
	if (*end != '\0' || end == v || errno != 0 || t < 0)
		return -1;
	*out = (time_t)t;
	return 0;
}

static int
parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	fsim_mds_opts_init(&o->mo);
	if (argc < 2)
		return fsim_cli_usage_error(CMD, "verify, show or list?");
	o->sub = argv[1];
	if (strcmp(o->sub, "verify") != 0 && strcmp(o->sub, "show") != 0 &&
	    strcmp(o->sub, "list") != 0 && strcmp(o->sub, "gates") != 0)
		return fsim_cli_usage_error(CMD, "unknown subcommand '%s' (verify, show, list, "
		    "gates)", o->sub);
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (fsim_cli_is_help(a)) {
			fputs(usage, stdout);
			return -1;
		}
		if (strcmp(a, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (a[0] == '-' && a[1] != '\0') {
			if (v == NULL)
				return fsim_cli_usage_error(CMD, "%s needs a value (or is unknown)", a);
			i++;
			if (strcmp(a, "--at") == 0) {
				if (fsim_cli_parse_time(v, &o->mo.at) != 0)
					return fsim_cli_usage_error(CMD, "--at wants a UNIX time in "
					    "seconds, got '%s'", v);
				o->has_at = true;
			} else if (strcmp(a, "--root") == 0) {
				if (o->n_roots == 16)
					return fsim_cli_usage_error(CMD, "at most 16 --root");
				o->roots[o->n_roots++] = v;
			} else if (strcmp(a, "--crl") == 0) {
				if (o->n_crls == 16)
					return fsim_cli_usage_error(CMD, "at most 16 --crl");
				o->crls[o->n_crls++] = v;
			} else if (strcmp(a, "--min-no") == 0) {
				char *end;
				long long n;

				errno = 0;
				n = strtoll(v, &end, 10);
				if (*end != '\0' || end == v || errno != 0 || n < 0)
					return fsim_cli_usage_error(CMD, "--min-no wants a BLOB serial "
					    "number (0 or more), got '%s'", v);
				o->mo.min_no = n;
			} else if (strcmp(a, "--status") == 0 && strcmp(o->sub, "list") == 0)
				o->status = v;
			else
				return fsim_cli_usage_error(CMD, "unknown option '%s' for mds %s", a,
				    o->sub);
			continue;
		}
		if (o->blob == NULL)
			o->blob = a;
		else if (o->id == NULL && strcmp(o->sub, "show") == 0)
			o->id = a;
		else
			return fsim_cli_usage_error(CMD, "unexpected argument '%s'", a);
	}
	if (strcmp(o->sub, "gates") == 0) {
		if (o->blob != NULL)
			return fsim_cli_usage_error(CMD, "gates takes no BLOB");
		return 0;
	}
	if (o->blob == NULL)
		return fsim_cli_usage_error(CMD, "%s needs the BLOB file", o->sub);
	if (strcmp(o->sub, "show") == 0 && o->id == NULL)
		return fsim_cli_usage_error(CMD, "show needs an AAGUID, a key identifier (40 hex "
		    "digits) or an AAID after the BLOB");
	if (o->status != NULL && strcmp(o->status, "UNKNOWN") != 0 &&
	    fsim_mds_status_from_name(o->status) == FSIM_MDS_ST_UNKNOWN)
		return fsim_cli_usage_error(CMD, "--status '%s' is not an AuthenticatorStatus "
		    "(e.g. REVOKED, FIDO_CERTIFIED_L1, NOT_FIDO_CERTIFIED)", o->status);
	o->mo.roots = o->roots;
	o->mo.n_roots = o->n_roots;
	o->mo.crls = o->crls;
	o->mo.n_crls = o->n_crls;
	return 0;
}

static json_t *
diags_json(const fsim_diags_t *d, fsim_sev_t sev)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < d->n; i++)
		if (d->v[i].sev == sev)
			json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "rule", d->v[i].rule,
			    "field", d->v[i].field, "message", d->v[i].msg));
	return a;
}

static void
date_of(time_t t, char out[11])
{
	fsim_mds_format_date(t, out);
}

static json_t *
info_json(const fsim_mds_info_t *in, const fsim_diags_t *d)
{
	json_t *j = json_object(), *chain = json_array();
	char when[11];
	size_t i;

	if (j == NULL || chain == NULL) {
		json_decref(j);
		json_decref(chain);
		return NULL;
	}
	date_of(in->at, when);
	json_object_set_new(j, "valid", json_boolean(in->valid));
	json_object_set_new(j, "no", in->has_no ? json_integer((json_int_t)in->no) : json_null());
	json_object_set_new(j, "nextUpdate", in->next_update[0] ? json_string(in->next_update) :
	    json_null());
	json_object_set_new(j, "entries", json_integer((json_int_t)in->entries));
	json_object_set_new(j, "root", in->root[0] ? json_string(in->root) : json_null());
	json_object_set_new(j, "errors", diags_json(d, FSIM_SEV_ERROR));
	json_object_set_new(j, "warnings", diags_json(d, FSIM_SEV_WARNING));
	json_object_set_new(j, "notes", diags_json(d, FSIM_SEV_INFO));
	json_object_set_new(j, "alg", in->alg[0] ? json_string(in->alg) : json_null());
	json_object_set_new(j, "signer", in->signer[0] ? json_string(in->signer) : json_null());
	for (i = 0; i < in->n_chain; i++)
		json_array_append_new(chain, json_string(in->chain[i]));
	json_object_set_new(j, "chain", chain);
	json_object_set_new(j, "legalHeader", in->legal_header[0] ?
	    json_string(in->legal_header) : json_null());
	json_object_set_new(j, "byAaguid", json_integer((json_int_t)in->by_aaguid));
	json_object_set_new(j, "byKeyIdentifier", json_integer((json_int_t)in->by_acki));
	json_object_set_new(j, "byAaid", json_integer((json_int_t)in->by_aaid));
	json_object_set_new(j, "at", json_integer((json_int_t)in->at));
	json_object_set_new(j, "atDate", json_string(when));
	return j;
}

static void
print_diags(FILE *f, const fsim_diags_t *d, fsim_sev_t sev, const char *title)
{
	size_t i, n = fsim_diags_count(d, sev);

	if (n == 0)
		return;
	fprintf(f, "%s:\n", title);
	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev)
			fprintf(f, "  %-7s %s: %s\n", d->v[i].rule, d->v[i].field, d->v[i].msg);
}

static void
info_text(FILE *f, const fsim_mds_info_t *in, const fsim_diags_t *d)
{
	char when[11];
	size_t i;

	date_of(in->at, when);
	fprintf(f, "fidosim mds verify: %s (%zu error%s, %zu warning%s)\n",
	    in->valid ? "VALID" : "NOT VALID", fsim_diags_count(d, FSIM_SEV_ERROR),
	    fsim_diags_count(d, FSIM_SEV_ERROR) == 1 ? "" : "s",
	    fsim_diags_count(d, FSIM_SEV_WARNING),
	    fsim_diags_count(d, FSIM_SEV_WARNING) == 1 ? "" : "s");
	if (in->has_no)
		fprintf(f, "  no             %lld\n", (long long)in->no);
	if (in->next_update[0])
		fprintf(f, "  nextUpdate     %s\n", in->next_update);
	fprintf(f, "  entries        %zu (%zu by AAGUID, %zu by key identifier, %zu by AAID)\n",
	    in->entries, in->by_aaguid, in->by_acki, in->by_aaid);
	if (in->alg[0])
		fprintf(f, "  signed         %s by %s\n", in->alg, in->signer[0] ? in->signer : "?");
	if (in->n_chain > 0) {
		fprintf(f, "  chain          ");
		for (i = 0; i < in->n_chain; i++)
			fprintf(f, "%s%s", i ? " <- " : "", in->chain[i]);
		fputc('\n', f);
	}
	fprintf(f, "  root           %s\n", in->root[0] ? in->root : "(none: the chain did not verify)");
	fprintf(f, "  checked at     %s (%lld)\n", when, (long long)in->at);
	print_diags(f, d, FSIM_SEV_ERROR, "errors");
	print_diags(f, d, FSIM_SEV_WARNING, "warnings");
	print_diags(f, d, FSIM_SEV_INFO, "notes");
}

/* Load o->blob. 0 valid; 1 not valid (reported); 2 I/O (reported). */
static int
load(const struct opts *o, fsim_mds_info_t *info, fsim_mds_t **m, fsim_diags_t *d)
{
	int r = fsim_mds_load_file(o->blob, &o->mo, info, m, d);

	if (r == FSIM_ERR_NOMEM) {
		fprintf(stderr, "fidosim mds: out of memory\n");
		return FSIM_EXIT_USAGE;
	}
	if (r == FSIM_ERR_IO) {
		const fsim_diag_t *e = fsim_diags_first(d, FSIM_SEV_ERROR);

		fprintf(stderr, "fidosim mds %s: %s: %s\n", o->sub, e ? e->field : o->blob,
		    e ? e->msg : "cannot read");
		return FSIM_EXIT_USAGE;
	}
	return r == 0 ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
}

static int
cmd_verify(const struct opts *o)
{
	fsim_mds_info_t info;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;
	int r;

	fsim_diags_init(&d);
	if ((r = load(o, &info, &m, &d)) != FSIM_EXIT_USAGE) {
		if (o->json) {
			json_t *j = info_json(&info, &d);

			if (j == NULL) {
				r = FSIM_EXIT_USAGE;
				goto out;
			}
			json_dumpf(j, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(j);
		} else
			info_text(stdout, &info, &d);
	}
out:
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	return r;
}

static int
cmd_show(const struct opts *o)
{
	fsim_mds_info_t info;
	fsim_mds_t *m = NULL;
	const fsim_mds_entry_t *e = NULL;
	fsim_diags_t d;
	json_t *j = NULL;
	int r, fr;

	fsim_diags_init(&d);
	if ((r = load(o, &info, &m, &d)) != FSIM_EXIT_OK) {
		if (r == FSIM_EXIT_FAIL) {
			fprintf(stderr, "fidosim mds show: the BLOB is not valid (see 'fidosim mds "
			    "verify'):\n");
			print_diags(stderr, &d, FSIM_SEV_ERROR, "errors");
		}
		goto out;
	}
	if ((fr = fsim_mds_find(m, o->id, &e)) == FSIM_ERR_ARG) {
		r = fsim_cli_usage_error(CMD, "'%s' is not an AAGUID, a key identifier (40 hex "
		    "digits) or an AAID (XXXX#XXXX)", o->id);
		goto out;
	}
	if (fr != 0) {
		r = FSIM_EXIT_FAIL;
		if (o->json)
			printf("{\"found\": false, \"id\": \"%s\", \"entries\": %zu}\n", o->id,
			    fsim_mds_count(m));
		else
			printf("fidosim mds show: %s is not listed in this BLOB (%zu entries, no "
			    "%lld)\n", o->id, fsim_mds_count(m), (long long)info.no);
		goto out;
	}
	r = FSIM_EXIT_USAGE;
	if ((j = fsim_cli_mds_entry_json(e, o->mo.at)) == NULL)
		goto out;
	if (o->json) {
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		printf("%s\n", e->description ? e->description : "(no description)");
		fsim_render_text(stdout, j, 2);
	}
	r = FSIM_EXIT_OK;
out:
	json_decref(j);
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	return r;
}

static int
cmd_list(const struct opts *o)
{
	fsim_mds_info_t info;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;
	json_t *arr = NULL;
	fsim_mds_status_t want = o->status ? fsim_mds_status_from_name(o->status) :
	    FSIM_MDS_ST_UNKNOWN;
	size_t i, k, shown = 0;
	int r;

	fsim_diags_init(&d);
	if ((r = load(o, &info, &m, &d)) != FSIM_EXIT_OK) {
		if (r == FSIM_EXIT_FAIL) {
			fprintf(stderr, "fidosim mds list: the BLOB is not valid (see 'fidosim mds "
			    "verify'):\n");
			print_diags(stderr, &d, FSIM_SEV_ERROR, "errors");
		}
		goto out;
	}
	r = FSIM_EXIT_USAGE;
	if (o->json && (arr = json_array()) == NULL)
		goto out;
	for (i = 0; i < fsim_mds_count(m); i++) {
		const fsim_mds_entry_t *e = fsim_mds_at(m, i);
		const fsim_mds_report_t *cur = fsim_mds_current(e, o->mo.at);
		char id[48];

		if (o->status != NULL) {
			bool match = false;

			for (k = 0; k < e->n_reports && !match; k++)
				match = fsim_mds_report_in_effect(&e->reports[k], o->mo.at) &&
				    strcmp(e->reports[k].status_name, o->status) == 0 &&
				    (want != FSIM_MDS_ST_UNKNOWN || strcmp(o->status, "UNKNOWN") == 0);
			if (!match)
				continue;
		}
		fsim_cli_mds_entry_id(e, id, sizeof(id));
		shown++;
		if (o->json) {
			json_array_append_new(arr, json_pack("{s:s, s:s?, s:s?, s:s?}", "id", id,
			    "status", cur ? cur->status_name : NULL,
			    "certification", fsim_mds_certification(e, o->mo.at) ==
			    FSIM_MDS_ST_UNKNOWN ? NULL : fsim_mds_status_name(
			    fsim_mds_certification(e, o->mo.at)),
			    "description", e->description));
		} else
			printf("%-36s  %-28s  %s\n", id, cur ? cur->status_name : "-",
			    e->description ? e->description : "");
	}
	if (o->json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else
		fprintf(stderr, "fidosim mds list: %zu of %zu entries\n", shown, fsim_mds_count(m));
	r = FSIM_EXIT_OK;
out:
	json_decref(arr);
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	return r;
}

static json_t *
status_set(uint32_t mask)
{
	json_t *a = json_array();
	unsigned s;

	for (s = 1; a != NULL && s < FSIM_MDS_ST__COUNT; s++)
		if (mask & FSIM_MDS_BIT(s))
			json_array_append_new(a, json_string(fsim_mds_status_name((fsim_mds_status_t)s)));
	return a;
}

/* `mds gates`: the table of rp-sim/mds_policy.c, with its evidence. */
static int
cmd_gates(const struct opts *o)
{
	static const char *const login[] = { "no", "warning", "error" };
	json_t *arr = json_array();
	size_t i;

	if (arr == NULL)
		return FSIM_EXIT_USAGE;
	for (i = 0; i < fsim_mds_gate_count(); i++) {
		const fsim_mds_gate_t *g = fsim_mds_gate_at(i);

		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:o, s:o, s:s, s:b, s:b, "
		    "s:b, s:b, s:b, s:s, s:s?, s:s?, s:s, s:s?}", "preset", g->preset, "library",
		    g->library, "consults", g->consults, "refuse", status_set(g->refuse), "drop",
		    status_set(g->drop), "reports", fsim_mds_when_name(g->when), "strictUnknown",
		    g->strict_unknown, "byKeyIdentifier", g->by_keyid, "skipNone", g->skip_none,
		    "anchors", g->anchors, "rejectSuperseded", g->reject_superseded, "atLogin",
		    login[g->at_login], "refuseText", g->refuse_text, "unknownText",
		    g->unknown_text, "evidence", g->evidence, "notes", g->notes));
	}
	if (o->json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else
		for (i = 0; i < json_array_size(arr); i++) {
			const json_t *g = json_array_get(arr, i);
			char *rf = json_dumps(json_object_get(g, "refuse"), JSON_COMPACT);
			char *dr = json_dumps(json_object_get(g, "drop"), JSON_COMPACT);

			printf("%s — %s\n", json_string_value(json_object_get(g, "preset")),
			    json_string_value(json_object_get(g, "library")));
			if (!json_is_true(json_object_get(g, "consults")))
				printf("  reads no BLOB when it verifies (--mds only names the "
				    "authenticator)\n");
			else
				printf("  refuses %s, drops the entry on %s, reading %s; unlisted: %s; "
				    "fido-u2f by key identifier: %s; at login: %s\n", rf ? rf : "?",
				    dr ? dr : "?", json_string_value(json_object_get(g, "reports")),
				    json_is_true(json_object_get(g, "strictUnknown")) ? "refused" :
				    "accepted", json_is_true(json_object_get(g, "byKeyIdentifier")) ?
				    "yes" : "no", json_string_value(json_object_get(g, "atLogin")));
			printf("  evidence: %s\n", json_string_value(json_object_get(g, "evidence")));
			if (json_string_value(json_object_get(g, "notes")))
				printf("  notes: %s\n", json_string_value(json_object_get(g, "notes")));
			free(rf);
			free(dr);
		}
	json_decref(arr);
	return FSIM_EXIT_OK;
}

static int
run(int argc, char **argv)
{
	struct opts o;
	int r;

	if ((r = parse(argc, argv, &o)) != 0)
		return r < 0 ? FSIM_EXIT_OK : r;
	if (strcmp(o.sub, "verify") == 0)
		return cmd_verify(&o);
	if (strcmp(o.sub, "show") == 0)
		return cmd_show(&o);
	if (strcmp(o.sub, "gates") == 0)
		return cmd_gates(&o);
	return cmd_list(&o);
}

const fsim_cmd_t fsim_cmd_mds = {
	"mds", run,
	"verify a FIDO MDS3 BLOB offline, show or list its entries",
	usage,
};
