/*
 * cxf.c — `fidosim cxf check`: a credential exchange document (FIDO CXF,
 * Review Draft 2025-03-13) from any provider, judged rule by rule
 * (authenticator/cxf.h; the CXF-* rules of the catalog), as text or JSON
 * like verify-*. Exit 0 valid, 1 not, 2 usage or I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf.h"
#include "cli/cli.h"
#include "rp-sim/record.h"
#include "rp-sim/rules.h"

static const char cxf_usage[] =
"usage: fidosim cxf check [--json] [--failures-only] [--record FILE]... FILE|-\n"
"\n"
"Check a credential exchange document (the FIDO Alliance Credential Exchange\n"
"Format, " FSIM_CXF_DRAFT ",\n"
FSIM_CXF_DRAFT_URL ") as any passkey provider exports it,\n"
"rule by rule (the CXF-* rules of `fidosim rules`): the JSON, the header,\n"
"accounts, collections and items, each credential's type, and each passkey:\n"
"its members, base64url, credential ID and user handle lengths, RP ID, the\n"
"private key (PKCS#8 DER that parses, consistent, of a WebAuthn algorithm),\n"
"fido2Extensions, duplicates. Members and credential types the draft does not\n"
"define are kept and noted, not refused.\n"
"\n"
"  --record FILE   a credential record an RP stored for one of the passkeys\n"
"                  (what verify-registration --json or --update-record wrote,\n"
"                  or a JSON array of them); repeatable. The checker then also\n"
"                  holds each exported key to the public key registered (CXF-16)\n"
"                  and refuses a passkey whose counter the RP saw above zero\n"
"                  (CXF-17: CXF excludes such passkeys from an export).\n"
"  --json          one JSON object: valid, errors, warnings, notes, checks,\n"
"                  document, passkeys (never a private key)\n"
"  --failures-only print only what failed or warned\n"
"\n"
"Exit 0: valid (no error; warnings and notes allowed). 1: not valid, including\n"
"a file that is not JSON at all, a ZIP archive, a truncated or huge one\n"
"(CXF-01). 2: usage or I/O error, or a --record that is not a credential\n"
"record.\n";

struct opts {
	const char *file;
	const char *records[32];
	size_t n_records;
	bool json, failures_only;
};

/* The records given with --record, read into known[] (the records own the keys). */
struct known_set {
	fsim_cred_record_t *rec[256];
	fsim_cxf_known_t known[256];
	size_t n;
};

static void
known_free(struct known_set *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		fsim_record_free(&k->rec[i]);
	k->n = 0;
}

static int
add_record(struct known_set *k, const json_t *j, const char *file)
{
	fsim_cred_record_t *rec = NULL;
	fsim_diags_t d;
	char line[512] = "it is not a credential record";
	bool from_reg = false;

	fsim_diags_init(&d);
	if (k->n == sizeof(k->rec) / sizeof(k->rec[0])) {
		fprintf(stderr, "fidosim cxf: --record: more than %zu records\n",
		    sizeof(k->rec) / sizeof(k->rec[0]));
		return FSIM_EXIT_USAGE;
	}
	if (fsim_record_from_any(j, &rec, &from_reg, &d) != 0 || rec->key == NULL) {
		if (d.n > 0)
			fsim_diag_format(&d.v[0], line, sizeof(line));
		fprintf(stderr, "fidosim cxf: --record %s: %s\n", file, line);
		fsim_record_free(&rec);
		fsim_diags_clear(&d);
		return FSIM_EXIT_USAGE;
	}
	fsim_diags_clear(&d);
	k->rec[k->n] = rec;
	k->known[k->n].id = rec->id.ptr;
	k->known[k->n].id_len = rec->id.len;
	k->known[k->n].pub = fsim_cose_key_pkey(rec->key);
	k->known[k->n].alg = fsim_cose_key_alg(rec->key);
	k->known[k->n].sign_count = rec->sign_count;
	k->n++;
	return FSIM_EXIT_OK;
}

static int
read_records(const struct opts *o, struct known_set *k)
{
	fsim_blob_t b = { 0 };
	json_error_t jerr;
	json_t *j;
	size_t i, e;
	int r;

	for (i = 0; i < o->n_records; i++) {
		if (fsim_read_file(o->records[i], 1u << 24, &b) != 0) {
			fprintf(stderr, "fidosim cxf: cannot read --record %s\n", o->records[i]);
			return FSIM_EXIT_USAGE;
		}
		j = json_loadb((const char *)b.ptr, b.len, 0, &jerr);
		fsim_blob_reset(&b);
		if (j == NULL) {
			fprintf(stderr, "fidosim cxf: --record %s is not JSON (%s)\n", o->records[i],
			    jerr.text);
			return FSIM_EXIT_USAGE;
		}
		r = FSIM_EXIT_OK;
		if (json_is_array(j))
			for (e = 0; e < json_array_size(j) && r == FSIM_EXIT_OK; e++)
				r = add_record(k, json_array_get(j, e), o->records[i]);
		else
			r = add_record(k, j, o->records[i]);
		json_decref(j);
		if (r != FSIM_EXIT_OK)
			return r;
	}
	return FSIM_EXIT_OK;
}

static const char *
sev_word(fsim_sev_t s)
{
	return s == FSIM_SEV_ERROR ? "FAIL" : s == FSIM_SEV_WARNING ? "warn" : "note";
}

/* pass / fail / warn / not checked, for rule i. */
static const char *
rule_status(const fsim_cxf_doc_t *doc, const fsim_diags_t *d, size_t i)
{
	const char *id = fsim_cxf_rule_at(i)->id;
	bool warn = false;
	size_t k;

	for (k = 0; k < d->n; k++) {
		if (strcmp(d->v[k].rule, id) != 0)
			continue;
		if (d->v[k].sev == FSIM_SEV_ERROR)
			return "fail";
		warn = warn || d->v[k].sev == FSIM_SEV_WARNING;
	}
	if (warn)
		return "warn";
	return fsim_cxf_doc_checked(doc, i) ? "pass" : "not checked";
}

static const char *
section_of(const char *id, const char **summary)
{
	fsim_rule_id_t r;

	if (!fsim_rule_find(id, &r)) {
		*summary = "";
		return "";
	}
	*summary = fsim_rule(r)->summary;
	return fsim_rule(r)->section;
}

static const char *
not_checked_why(const char *id)
{
	if (strcmp(id, "CXF-16") == 0 || strcmp(id, "CXF-17") == 0)
		return "not checked: give the RP's credential records with --record";
	return "not checked: nothing of its kind in the document, or it did not get that far";
}

static void
summary_line(FILE *f, const fsim_cxf_doc_t *doc)
{
	const char *t;
	size_t i, n, other = 0;
	int maj, min;

	fsim_cxf_doc_version(doc, &maj, &min);
	for (i = 0; i < fsim_cxf_doc_other_types(doc); i++) {
		(void)fsim_cxf_doc_other_type(doc, i, &n);
		other += n;
	}
	fprintf(f, "document: ");
	if (maj >= 0)
		fprintf(f, "CXF %d.%d ", maj, min >= 0 ? min : 0);
	if (fsim_cxf_doc_exporter(doc) != NULL)
		fprintf(f, "from %s (\"%s\"), ", fsim_cxf_doc_exporter(doc),
		    fsim_cxf_doc_exporter_name(doc) ? fsim_cxf_doc_exporter_name(doc) : "");
	fprintf(f, "%zu account%s, %zu item%s, %zu passkey%s, %zu other credential%s",
	    fsim_cxf_doc_accounts(doc), fsim_cxf_doc_accounts(doc) == 1 ? "" : "s",
	    fsim_cxf_doc_items(doc), fsim_cxf_doc_items(doc) == 1 ? "" : "s",
	    fsim_cxf_doc_passkey_count(doc), fsim_cxf_doc_passkey_count(doc) == 1 ? "" : "s",
	    other, other == 1 ? "" : "s");
	for (i = 0; i < fsim_cxf_doc_other_types(doc); i++) {
		t = fsim_cxf_doc_other_type(doc, i, &n);
		fprintf(f, "%s%s %zu", i == 0 ? " (" : ", ", t, n);
	}
	fprintf(f, "%s\n", fsim_cxf_doc_other_types(doc) > 0 ? ")" : "");
}

static void
print_text(const struct opts *o, const fsim_cxf_doc_t *doc, const fsim_diags_t *d, bool valid)
{
	const char *sum, *sec, *st;
	size_t i, k, ne = fsim_diags_count(d, FSIM_SEV_ERROR),
	    nw = fsim_diags_count(d, FSIM_SEV_WARNING), nn = fsim_diags_count(d, FSIM_SEV_INFO);

	printf("fidosim cxf check: %s (%zu error%s, %zu warning%s, %zu note%s)\n",
	    valid ? "VALID" : "NOT VALID", ne, ne == 1 ? "" : "s", nw, nw == 1 ? "" : "s", nn,
	    nn == 1 ? "" : "s");
	summary_line(stdout, doc);
	printf("\n%s (%s rule, section):\n", o->failures_only ? "failed" : "checks",
	    FSIM_CXF_DRAFT);
	for (i = 0; i < fsim_cxf_rule_count(); i++) {
		const char *id = fsim_cxf_rule_at(i)->id;

		st = rule_status(doc, d, i);
		if (o->failures_only && strcmp(st, "fail") != 0 && strcmp(st, "warn") != 0)
			continue;
		sec = section_of(id, &sum);
		printf("  %-4s  %-7s %-31s %s\n", strcmp(st, "not checked") == 0 ? "-" :
		    strcmp(st, "fail") == 0 ? "FAIL" : st, id, sec,
		    strcmp(st, "not checked") == 0 ? not_checked_why(id) : sum);
	}
	if (d->n > 0)
		printf("\ndetails:\n");
	for (k = 0; k < d->n; k++) {
		const fsim_diag_t *e = &d->v[k];

		if (o->failures_only && e->sev == FSIM_SEV_INFO)
			continue;
		printf("  %s  %-7s %s%s%s\n", sev_word(e->sev), e->rule, e->field,
		    e->field[0] ? ": " : "", e->msg);
	}
	if (o->failures_only || fsim_cxf_doc_passkey_count(doc) == 0)
		return;
	printf("\npasskeys:\n");
	for (i = 0; i < fsim_cxf_doc_passkey_count(doc); i++) {
		const fsim_cxf_passkey_t *p = fsim_cxf_doc_passkey(doc, i);
		char *id = NULL;

		if (fsim_b64url_encode(p->id.ptr, p->id.len, &id) != 0)
			id = NULL;
		printf("  %s  %s  %s  %s  %s  %.43s%s\n", p->ok ? "ok  " : "FAIL", p->field,
		    p->rp_id ? p->rp_id : "?", fsim_cose_alg_name(p->alg) ?
		    fsim_cose_alg_name(p->alg) : "?", p->username && p->username[0] ?
		    p->username : "(no username)", id ? id : "?", id && strlen(id) > 43 ? "..." : "");
		free(id);
	}
}

static json_t *
diag_json(const fsim_diag_t *e)
{
	const char *sum;

	return json_pack("{s:s, s:s, s:s, s:s}", "rule", e->rule, "section",
	    section_of(e->rule, &sum), "field", e->field, "message", e->msg);
}

static json_t *
doc_json(const fsim_cxf_doc_t *doc)
{
	json_t *o = json_object(), *other = json_object(), *ver = json_null();
	const char *t;
	size_t i, n;
	int maj, min;
	char buf[32];

	fsim_cxf_doc_version(doc, &maj, &min);
	if (maj >= 0) {
		snprintf(buf, sizeof(buf), "%d.%d", maj, min >= 0 ? min : 0);
		ver = json_string(buf);
	}
	for (i = 0; i < fsim_cxf_doc_other_types(doc); i++) {
		t = fsim_cxf_doc_other_type(doc, i, &n);
		json_object_set_new(other, t, json_integer((json_int_t)n));
	}
	json_object_set_new(o, "version", ver);
	json_object_set_new(o, "exporterRpId", fsim_cxf_doc_exporter(doc) ?
	    json_string(fsim_cxf_doc_exporter(doc)) : json_null());
	json_object_set_new(o, "exporterDisplayName", fsim_cxf_doc_exporter_name(doc) ?
	    json_string(fsim_cxf_doc_exporter_name(doc)) : json_null());
	json_object_set_new(o, "timestamp", json_integer((json_int_t)(fsim_cxf_doc_timestamp(doc) >
	    INT64_MAX ? INT64_MAX : fsim_cxf_doc_timestamp(doc))));
	json_object_set_new(o, "accounts", json_integer((json_int_t)fsim_cxf_doc_accounts(doc)));
	json_object_set_new(o, "items", json_integer((json_int_t)fsim_cxf_doc_items(doc)));
	json_object_set_new(o, "passkeys",
	    json_integer((json_int_t)fsim_cxf_doc_passkey_count(doc)));
	json_object_set_new(o, "otherCredentials", other);
	return o;
}

static int
print_json(const fsim_cxf_doc_t *doc, const fsim_diags_t *d, bool valid)
{
	json_t *root = json_object(), *errs = json_array(), *warns = json_array(),
	    *notes = json_array(), *checks = json_array(), *pks = json_array();
	const char *sum, *sec;
	size_t i;
	int r;

	for (i = 0; i < d->n; i++)
		json_array_append_new(d->v[i].sev == FSIM_SEV_ERROR ? errs :
		    d->v[i].sev == FSIM_SEV_WARNING ? warns : notes, diag_json(&d->v[i]));
	for (i = 0; i < fsim_cxf_rule_count(); i++) {
		const char *id = fsim_cxf_rule_at(i)->id;

		sec = section_of(id, &sum);
		json_array_append_new(checks, json_pack("{s:s, s:s, s:s, s:s}", "rule", id,
		    "status", rule_status(doc, d, i), "section", sec, "summary", sum));
	}
	for (i = 0; i < fsim_cxf_doc_passkey_count(doc); i++) {
		const fsim_cxf_passkey_t *p = fsim_cxf_doc_passkey(doc, i);
		char *id = NULL;

		if (fsim_b64url_encode(p->id.ptr, p->id.len, &id) != 0)
			id = NULL;
		json_array_append_new(pks, json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:i, s:s?, "
		    "s:b, s:b, s:b}", "field", p->field, "credentialId", id, "rpId", p->rp_id,
		    "username", p->username, "userDisplayName", p->display_name, "alg", p->alg,
		    "algName", fsim_cose_alg_name(p->alg), "valid", p->ok, "hmacSecret", p->hmac,
		    "credBlob", p->cred_blob.len > 0));
		free(id);
	}
	json_object_set_new(root, "valid", json_boolean(valid));
	json_object_set_new(root, "draft", json_string(FSIM_CXF_DRAFT));
	json_object_set_new(root, "errors", errs);
	json_object_set_new(root, "warnings", warns);
	json_object_set_new(root, "notes", notes);
	json_object_set_new(root, "checks", checks);
	json_object_set_new(root, "document", doc_json(doc));
	json_object_set_new(root, "passkeys", pks);
	r = json_dumpf(root, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(root);
	return r == 0 ? FSIM_EXIT_OK : FSIM_EXIT_USAGE;
}

static int
check_run(const struct opts *o)
{
	struct known_set *k = calloc(1, sizeof(*k));
	fsim_cxf_check_opts_t co;
	fsim_cxf_doc_t *doc = NULL;
	fsim_blob_t in = { 0 };
	fsim_diags_t d;
	const uint8_t *data;
	size_t len;
	bool valid;
	int rc = FSIM_EXIT_USAGE, e;

	fsim_diags_init(&d);
	if (k == NULL) {
		fprintf(stderr, "fidosim cxf: out of memory\n");
		return FSIM_EXIT_USAGE;
	}
	if ((rc = read_records(o, k)) != FSIM_EXIT_OK)
		goto out;
	rc = FSIM_EXIT_USAGE;
	/* One byte over the limit is enough to know the document is too large (CXF-01). */
	e = fsim_read_file(o->file, FSIM_CXF_MAX_LEN + 1, &in);
	if (e == FSIM_ERR_ARG) {
		data = NULL;
		len = (size_t)FSIM_CXF_MAX_LEN + 1;
	} else if (e != 0) {
		fprintf(stderr, "fidosim cxf: cannot read %s: %s\n", o->file,
		    e == FSIM_ERR_IO ? strerror(errno) : fsim_strerr(e));
		goto out;
	} else {
		data = in.ptr;
		len = in.len;
	}
	co.known = k->known;
	co.n_known = k->n;
	if ((e = fsim_cxf_check(data, len, &co, &doc, &d)) != 0) {
		fprintf(stderr, "fidosim cxf: cannot check %s: %s\n", o->file, fsim_strerr(e));
		goto out;
	}
	valid = fsim_diags_count(&d, FSIM_SEV_ERROR) == 0;
	if (o->json)
		rc = print_json(doc, &d, valid);
	else {
		print_text(o, doc, &d, valid);
		rc = FSIM_EXIT_OK;
	}
	if (rc == FSIM_EXIT_OK && !valid)
		rc = FSIM_EXIT_FAIL;
out:
	fsim_cxf_doc_free(&doc);
	fsim_blob_reset(&in);   /* wipes: the document holds private keys */
	fsim_diags_clear(&d);
	known_free(k);
	free(k);
	return rc;
}

static int
cxf_run(int argc, char **argv)
{
	struct opts o;
	int i;

	memset(&o, 0, sizeof(o));
	if (argc < 2 || fsim_cli_is_help(argv[1])) {
		fputs(cxf_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? FSIM_EXIT_USAGE : FSIM_EXIT_OK;
	}
	if (strcmp(argv[1], "check") != 0)
		return fsim_cli_usage_error("cxf", "the subcommand is check, got '%s'", argv[1]);
	for (i = 2; i < argc; i++) {
		if (fsim_cli_is_help(argv[i])) {
			fputs(cxf_usage, stdout);
			return FSIM_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") == 0)
			o.json = true;
		else if (strcmp(argv[i], "--failures-only") == 0)
			o.failures_only = true;
		else if (strcmp(argv[i], "--record") == 0 && i + 1 < argc) {
			if (o.n_records == sizeof(o.records) / sizeof(o.records[0]))
				return fsim_cli_usage_error("cxf", "more than %zu --record files",
				    sizeof(o.records) / sizeof(o.records[0]));
			o.records[o.n_records++] = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return fsim_cli_usage_error("cxf", "unknown option '%s'", argv[i]);
		else if (o.file != NULL)
			return fsim_cli_usage_error("cxf", "one document at a time, got '%s' after "
			    "'%s'", argv[i], o.file);
		else
			o.file = argv[i];
	}
	if (o.file == NULL)
		return fsim_cli_usage_error("cxf", "check wants a document (a file, or - for "
		    "standard input)");
	return check_run(&o);
}

const fsim_cmd_t fsim_cmd_cxf = {
	"cxf", cxf_run,
	"check a credential exchange (FIDO CXF) document rule by rule",
	cxf_usage,
};
