/*
 * mds_cli.c — the --mds options the RP commands share, and the display
 * model of an MDS entry (mds_cli.h).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "cli/cli.h"
#include "cli/mds_cli.h"

int
fsim_cli_mds_opt(const char *cmd, int argc, char **argv, int *i, struct fsim_cli_mds_opts *o)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (strcmp(a, "--mds") != 0 && strcmp(a, "--mds-root") != 0 &&
	    strcmp(a, "--mds-crl") != 0)
		return 0;
	if (v == NULL)
		return fsim_cli_usage_error(cmd, "%s needs a value", a);
	(*i)++;
	if (strcmp(a, "--mds") == 0) {
		if (o->blob != NULL)
			return fsim_cli_usage_error(cmd, "--mds given twice (one BLOB)");
		o->blob = v;
	} else if (strcmp(a, "--mds-root") == 0) {
		if (o->n_roots == sizeof(o->roots) / sizeof(o->roots[0]))
			return fsim_cli_usage_error(cmd, "too many --mds-root");
		o->roots[o->n_roots++] = v;
	} else {
		if (o->n_crls == sizeof(o->crls) / sizeof(o->crls[0]))
			return fsim_cli_usage_error(cmd, "too many --mds-crl");
		o->crls[o->n_crls++] = v;
	}
	return 1;
}

int
fsim_cli_mds_load(const char *cmd, const struct fsim_cli_mds_opts *o, time_t at,
    fsim_mds_t **out)
{
	fsim_mds_opts_t mo;
	fsim_diags_t d;
	size_t i;
	int r;

	*out = NULL;
	if (o->blob == NULL) {
		if (o->n_roots > 0 || o->n_crls > 0)
			return fsim_cli_usage_error(cmd, "--mds-root and --mds-crl need --mds BLOB");
		return 0;
	}
	fsim_mds_opts_init(&mo);
	mo.at = at;
	mo.roots = o->roots;
	mo.n_roots = o->n_roots;
	mo.crls = o->crls;
	mo.n_crls = o->n_crls;
	fsim_diags_init(&d);
	r = fsim_mds_load_file(o->blob, &mo, NULL, out, &d);
	for (i = 0; i < d.n; i++)
		if (d.v[i].sev == FSIM_SEV_ERROR || (d.v[i].sev == FSIM_SEV_WARNING && r == 0))
			fprintf(stderr, "fidosim %s: --mds %s: %s%s: %s [%s]\n", cmd, o->blob,
			    d.v[i].sev == FSIM_SEV_ERROR ? "" : "warning: ", d.v[i].field,
			    d.v[i].msg, d.v[i].rule);
	fsim_diags_clear(&d);
	if (r == FSIM_ERR_NOMEM) {
		fprintf(stderr, "fidosim %s: out of memory\n", cmd);
		return FSIM_EXIT_USAGE;
	}
	if (r != 0) {
		fprintf(stderr, "fidosim %s: --mds %s: the BLOB is not usable (see 'fidosim mds "
		    "verify%s%s %s')\n", cmd, o->blob, o->n_roots ? " --root " : "",
		    o->n_roots ? o->roots[0] : "", o->blob);
		return FSIM_EXIT_USAGE;
	}
	return 0;
}

void
fsim_cli_mds_entry_id(const fsim_mds_entry_t *e, char *buf, size_t len)
{
	size_t k;

	if (len == 0)
		return;
	if (e->has_aaguid) {
		char s[FSIM_AAGUID_STRLEN + 1];

		fsim_aaguid_format(e->aaguid, s);
		snprintf(buf, len, "%s", s);
	} else if (e->n_ackis > 0 && len >= 41) {
		for (k = 0; k < 20; k++)
			snprintf(buf + 2 * k, 3, "%02x", e->ackis[0][k]);
	} else
		snprintf(buf, len, "%s", e->aaid ? e->aaid : "?");
}

static json_t *
strs_json(const fsim_mds_strs_t *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *
asn1_date(const ASN1_TIME *t)
{
	struct tm tm;
	char buf[24];

	if (ASN1_TIME_to_tm(t, &tm) != 1) {
		ERR_clear_error();
		return json_null();
	}
	snprintf(buf, sizeof(buf), "%04u-%02u-%02uT%02u:%02u:%02uZ",
	    (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
	    (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
	    (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
	return json_string(buf);
}

static json_t *
name_json(const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL;
	long len;
	json_t *j;

	if (b == NULL)
		return NULL;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253);
	len = BIO_get_mem_data(b, &p);
	j = len >= 0 ? json_stringn(p, (size_t)len) : json_string("");
	BIO_free(b);
	return j;
}

static json_t *
root_json(X509 *x)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1] = "";

	if (X509_digest(x, EVP_sha256(), md, &len) == 1)
		for (i = 0; i < len; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ERR_clear_error();
	return json_pack("{s:o, s:o, s:o, s:o, s:s}", "subject",
	    name_json(X509_get_subject_name(x)), "issuer", name_json(X509_get_issuer_name(x)),
	    "notBefore", asn1_date(X509_get0_notBefore(x)), "notAfter",
	    asn1_date(X509_get0_notAfter(x)), "sha256", hex);
}

static json_t *
report_json(const fsim_mds_report_t *r, time_t t)
{
	json_t *j = json_object();
	char d[11];

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "status", json_string(r->status_name));
	if (r->has_effective) {
		fsim_mds_format_date(r->effective, d);
		json_object_set_new(j, "effectiveDate", json_string(d));
	}
	if (r->has_sunset) {
		fsim_mds_format_date(r->sunset, d);
		json_object_set_new(j, "sunsetDate", json_string(d));
	}
	if (r->has_av)
		json_object_set_new(j, "authenticatorVersion",
		    json_integer((json_int_t)r->authenticator_version));
	if (r->certification_descriptor)
		json_object_set_new(j, "certificationDescriptor",
		    json_string(r->certification_descriptor));
	if (r->certificate_number)
		json_object_set_new(j, "certificateNumber", json_string(r->certificate_number));
	if (r->url)
		json_object_set_new(j, "url", json_string(r->url));
	if (r->certificate.len > 0)
		json_object_set_new(j, "certificate", json_string("(a batch certificate)"));
	if (r->status == FSIM_MDS_ST_UNKNOWN)
		json_object_set_new(j, "known", json_false());
	json_object_set_new(j, "inEffect", json_boolean(fsim_mds_report_in_effect(r, t)));
	json_object_set_new(j, "position", json_integer((json_int_t)r->position));
	return j;
}

json_t *
fsim_cli_mds_entry_json(const fsim_mds_entry_t *e, time_t t)
{
	json_t *j = json_object(), *ackis = json_array(), *roots = json_array();
	json_t *reps = json_array();
	const fsim_mds_report_t *cur = fsim_mds_current(e, t), *last = fsim_mds_last_listed(e);
	fsim_mds_status_t cert = fsim_mds_certification(e, t);
	char s[FSIM_AAGUID_STRLEN + 1], hex[41], when[11];
	size_t i, k;

	if (j == NULL || ackis == NULL || roots == NULL || reps == NULL) {
		json_decref(j);
		json_decref(ackis);
		json_decref(roots);
		json_decref(reps);
		return NULL;
	}
	fsim_aaguid_format(e->aaguid, s);
	json_object_set_new(j, "aaguid", e->has_aaguid ? json_string(s) : json_null());
	if (e->aaid)
		json_object_set_new(j, "aaid", json_string(e->aaid));
	for (i = 0; i < e->n_ackis; i++) {
		for (k = 0; k < 20; k++)
			snprintf(hex + 2 * k, 3, "%02x", e->ackis[i][k]);
		json_array_append_new(ackis, json_string(hex));
	}
	json_object_set_new(j, "attestationCertificateKeyIdentifiers", ackis);
	json_object_set_new(j, "description", e->description ? json_string(e->description) :
	    json_null());
	json_object_set_new(j, "protocolFamily", e->protocol_family ?
	    json_string(e->protocol_family) : json_null());
	fsim_mds_format_date(t, when);
	json_object_set_new(j, "at", json_string(when));
	json_object_set_new(j, "status", cur ? json_string(cur->status_name) : json_null());
	if (cur != NULL && cur->has_effective) {
		fsim_mds_format_date(cur->effective, when);
		json_object_set_new(j, "statusSince", json_string(when));
	}
	json_object_set_new(j, "certification", cert == FSIM_MDS_ST_UNKNOWN ? json_null() :
	    json_string(fsim_mds_status_name(cert)));
	if (last != NULL && last != cur)
		json_object_set_new(j, "lastListedStatus", json_string(last->status_name));
	for (i = 0; i < e->n_reports; i++)
		json_array_append_new(reps, report_json(&e->reports[i], t));
	json_object_set_new(j, "statusReports", reps);
	json_object_set_new(j, "timeOfLastStatusChange",
	    json_string(e->time_of_last_status_change));
	if (e->has_av)
		json_object_set_new(j, "authenticatorVersion",
		    json_integer((json_int_t)e->authenticator_version));
	if (e->superseded)
		json_object_set_new(j, "superseded", json_true());
	json_object_set_new(j, "attestationTypes", strs_json(&e->attestation_types));
	for (i = 0; i < (size_t)sk_X509_num(e->roots); i++)
		json_array_append_new(roots, root_json(sk_X509_value(e->roots, (int)i)));
	json_object_set_new(j, "attestationRootCertificates", roots);
	json_object_set_new(j, "authenticationAlgorithms", strs_json(&e->authentication_algorithms));
	json_object_set_new(j, "userVerificationMethods", strs_json(&e->uv_methods));
	json_object_set_new(j, "keyProtection", strs_json(&e->key_protection));
	json_object_set_new(j, "schema", json_integer((json_int_t)e->schema));
	return j;
}
