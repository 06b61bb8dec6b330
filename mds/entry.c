/*
 * entry.c — one MetadataBLOBPayloadEntry (MDS 3.1.1) with its StatusReports
 * (3.1.3) and what fidosim uses of the MetadataStatement (FIDO Metadata
 * Statement 3.0 / 3.1.1 section 4): identifiers, description, protocol,
 * attestation types and roots, algorithms, UV methods, key protection.
 *
 * Known members of the wrong type are errors (MDS-10); unknown members are
 * counted and reported once per name (MDS-12: later versions add members,
 * and a parser that fails on them breaks on the next BLOB); unknown status
 * values are kept by name and ignored (MDS-11; 3.1.4 says to ignore them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "mds/internal.h"

static const char *const entry_known[] = {
	"aaid", "aaguid", "attestationCertificateKeyIdentifiers", "metadataStatement",
	"biometricStatusReports", "statusReports", "timeOfLastStatusChange", "rogueListURL",
	"rogueListHash", NULL,
};
/* Metadata Statement 3.0 section 4, and the members 3.1 / 3.1.1 add. */
static const char *const stmt_known[] = {
	"legalHeader", "aaid", "aaguid", "attestationCertificateKeyIdentifiers", "description",
	"alternativeDescriptions", "authenticatorVersion", "protocolFamily", "schema", "upv",
	"authenticationAlgorithms", "publicKeyAlgAndEncodings", "attestationTypes",
	"userVerificationDetails", "keyProtection", "isKeyRestricted",
	"isFreshUserVerificationRequired", "matcherProtection", "cryptoStrength",
	"attachmentHint", "tcDisplay", "tcDisplayContentType", "tcDisplayPNGCharacteristics",
	"attestationRootCertificates", "ecdaaTrustAnchors", "icon", "supportedExtensions",
	"authenticatorGetInfo", "friendlyNames", "iconDark", "providerLogoLight",
	"providerLogoDark", "keyScope", "multiDeviceCredentialSupport", "cxConfigURL", NULL,
};
static const char *const report_known[] = {
	"status", "effectiveDate", "authenticatorVersion", "certificate", "url",
	"certificationDescriptor", "certificateNumber", "certificationPolicyVersion",
	"certificationProfiles", "certificationRequirementsVersion", "sunsetDate",
	"fipsRevision", "fipsPhysicalSecurityLevel", "batchCertificate", NULL,
};

/* Field names for messages: entries[i].rest */
#define FIELD(buf, i, ...) do { \
	int n_ = snprintf(buf, sizeof(buf), "entries[%zu].", i); \
	if (n_ > 0 && (size_t)n_ < sizeof(buf)) \
		snprintf(buf + n_, sizeof(buf) - (size_t)n_, __VA_ARGS__); \
} while (0)

static int
bad(fsim_diags_t *d, const char *field, const char *what)
{
	fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_ENTRY, field, FSIM_NO_OFFSET, "%s", what);
	return FSIM_ERR_FORMAT;
}

static void
strs_reset(fsim_mds_strs_t *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int
strs_push(fsim_mds_strs_t *s, const char *str, size_t len)
{
	char **nv;
	char *c;

	if (s->n >= MDS_MAX_LIST)
		return FSIM_ERR_FORMAT;
	if (len > MDS_MAX_STR)
		len = MDS_MAX_STR;
	if ((nv = realloc(s->v, (s->n + 1) * sizeof(*nv))) == NULL)
		return FSIM_ERR_NOMEM;
	s->v = nv;
	if ((c = malloc(len + 1)) == NULL)
		return FSIM_ERR_NOMEM;
	memcpy(c, str, len);
	c[len] = '\0';
	s->v[s->n++] = c;
	return FSIM_OK;
}

/* A string member: NULL when absent; an error when present and not a string. */
static int
opt_str(const json_t *o, const char *key, const char *field, char **out, fsim_diags_t *d)
{
	const json_t *v = json_object_get(o, key);
	size_t len;

	*out = NULL;
	if (v == NULL)
		return FSIM_OK;
	if (!json_is_string(v))
		return bad(d, field, "not a string");
	len = json_string_length(v);
	if (len > MDS_MAX_STR)
		len = MDS_MAX_STR;
	if ((*out = malloc(len + 1)) == NULL)
		return FSIM_ERR_NOMEM;
	memcpy(*out, json_string_value(v), len);
	(*out)[len] = '\0';
	return FSIM_OK;
}

/* An array of strings (absent: empty). */
static int
opt_strs(const json_t *o, const char *key, const char *field, fsim_mds_strs_t *out,
    fsim_diags_t *d)
{
	const json_t *a = json_object_get(o, key), *v;
	size_t i;
	int r;

	if (a == NULL)
		return FSIM_OK;
	if (!json_is_array(a))
		return bad(d, field, "not an array of strings");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return bad(d, field, "an element is not a string");
		if ((r = strs_push(out, json_string_value(v), json_string_length(v))) != 0)
			return r == FSIM_ERR_NOMEM ? r : bad(d, field, "more than 256 elements");
	}
	return FSIM_OK;
}

static int
opt_u32(const json_t *o, const char *key, const char *field, bool *has, uint32_t *out,
    fsim_diags_t *d)
{
	const json_t *v = json_object_get(o, key);

	*has = false;
	if (v == NULL)
		return FSIM_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX)
		return bad(d, field, "not an unsigned 32-bit integer");
	*has = true;
	*out = (uint32_t)json_integer_value(v);
	return FSIM_OK;
}

static int
opt_date(const json_t *o, const char *key, const char *field, bool *has, time_t *out,
    fsim_diags_t *d)
{
	const json_t *v = json_object_get(o, key);

	*has = false;
	if (v == NULL)
		return FSIM_OK;
	if (!json_is_string(v) || fsim_mds_parse_date(json_string_value(v), out) != 0)
		return bad(d, field, "not a date in the form YYYY-MM-DD");
	*has = true;
	return FSIM_OK;
}

/* Standard base64 DER of one certificate. */
static int
b64_cert(const json_t *v, const char *field, X509 **out, fsim_blob_t *der_out,
    fsim_diags_t *d)
{
	fsim_blob_t der = { 0 };
	const uint8_t *p;
	X509 *x = NULL;

	*out = NULL;
	if (!json_is_string(v) || fsim_b64_decode(json_string_value(v), json_string_length(v),
	    &der) != 0)
		return bad(d, field, "not a standard base64 string");
	p = der.ptr;
	if (der.len > (size_t)INT32_MAX || (x = d2i_X509(NULL, &p, (long)der.len)) == NULL ||
	    p != der.ptr + der.len) {
		X509_free(x);
		fsim_blob_reset(&der);
		ERR_clear_error();
		return bad(d, field, "not one DER X.509 certificate");
	}
	*out = x;
	if (der_out != NULL)
		*der_out = der;
	else
		fsim_blob_reset(&der);
	return FSIM_OK;
}

/*
 * An attestationRootCertificates element onto roots. Real BLOBs carry
 * quirks that libraries read past (no 121: a tab before the base64 of
 * entries[252]'s second root; two DER certificates in one element of
 * entries[60]): whitespace around the text and certificates concatenated
 * are read, with a warning; anything else that is not DER is an error.
 */
static int
root_certs(const json_t *v, const char *field, STACK_OF(X509) *roots, fsim_diags_t *d)
{
	fsim_blob_t der = { 0 };
	const char *s;
	const uint8_t *p, *end;
	size_t len, n = 0;
	bool trimmed = false;
	int r = FSIM_ERR_FORMAT;

	if (!json_is_string(v))
		return bad(d, field, "not a base64 string");
	s = json_string_value(v);
	len = json_string_length(v);
	while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		len--;
		trimmed = true;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
	    s[len - 1] == '\n')) {
		len--;
		trimmed = true;
	}
	if (fsim_b64_decode(s, len, &der) != 0 || der.len > (size_t)INT32_MAX)
		goto bad_der;
	p = der.ptr;
	end = der.ptr + der.len;
	while (p < end) {
		X509 *x = d2i_X509(NULL, &p, (long)(end - p));

		if (x == NULL)
			goto bad_der;
		if (!sk_X509_push(roots, x)) {
			X509_free(x);
			r = FSIM_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	if (trimmed)
		fsim_diags_add(d, FSIM_SEV_WARNING, MDS_R_ENTRY, field, FSIM_NO_OFFSET,
		    "whitespace around the base64 text: read anyway");
	if (n > 1)
		fsim_diags_add(d, FSIM_SEV_WARNING, MDS_R_ENTRY, field, FSIM_NO_OFFSET,
		    "%zu DER certificates joined in one element: each is taken as a root", n);
	r = FSIM_OK;
	goto out;
bad_der:
	ERR_clear_error();
	r = bad(d, field, "not standard base64 of DER X.509 certificates");
out:
	fsim_blob_reset(&der);
	return r;
}

static int
add_acki(fsim_mds_entry_t *e, const uint8_t k[20])
{
	uint8_t (*nv)[20];
	size_t i;

	for (i = 0; i < e->n_ackis; i++)
		if (memcmp(e->ackis[i], k, 20) == 0)
			return FSIM_OK;   /* listed twice (entry and statement, or twice over) */
	if (e->n_ackis >= MDS_MAX_LIST)
		return FSIM_ERR_FORMAT;
	if ((nv = realloc(e->ackis, (e->n_ackis + 1) * sizeof(*nv))) == NULL)
		return FSIM_ERR_NOMEM;
	e->ackis = nv;
	memcpy(e->ackis[e->n_ackis++], k, 20);
	return FSIM_OK;
}

/* attestationCertificateKeyIdentifiers: lower-case hex SHA-1 values. */
static int
parse_ackis(const json_t *o, const char *field, fsim_mds_entry_t *e, fsim_diags_t *d)
{
	const json_t *a = json_object_get(o, "attestationCertificateKeyIdentifiers"), *v;
	size_t i;
	int r;

	if (a == NULL)
		return FSIM_OK;
	if (!json_is_array(a))
		return bad(d, field, "not an array of hex strings");
	json_array_foreach(a, i, v) {
		fsim_blob_t k = { 0 };

		if (!json_is_string(v) || json_string_length(v) != 40 ||
		    fsim_hex_decode(json_string_value(v), 40, &k) != 0) {
			fsim_blob_reset(&k);
			return bad(d, field, "an element is not 40 hex digits (a SHA-1 key identifier)");
		}
		r = add_acki(e, k.ptr);
		fsim_blob_reset(&k);
		if (r != 0)
			return r == FSIM_ERR_NOMEM ? r : bad(d, field, "more than 256 identifiers");
	}
	return FSIM_OK;
}

static int
parse_aaguid(const json_t *v, const char *field, uint8_t out[16], fsim_diags_t *d)
{
	if (!json_is_string(v) || json_string_length(v) != 36 ||
	    fsim_aaguid_parse(json_string_value(v), out) != 0)
		return bad(d, field, "not an AAGUID (8-4-4-4-12 hex digits)");
	return FSIM_OK;
}

/* userVerificationDetails: an array (OR) of arrays (AND) of {userVerificationMethod}. */
static int
parse_uv(const json_t *o, const char *field, fsim_mds_strs_t *out, fsim_diags_t *d)
{
	const json_t *a = json_object_get(o, "userVerificationDetails"), *and, *m;
	size_t i, k;
	char buf[512];
	int r;

	if (a == NULL)
		return FSIM_OK;
	if (!json_is_array(a))
		return bad(d, field, "not an array of arrays of verification method descriptors");
	json_array_foreach(a, i, and) {
		size_t len = 0;

		if (!json_is_array(and))
			return bad(d, field, "an element is not an array");
		buf[0] = '\0';
		json_array_foreach(and, k, m) {
			const json_t *uvm = json_object_get(m, "userVerificationMethod");

			if (!json_is_object(m) || !json_is_string(uvm))
				return bad(d, field, "a descriptor has no userVerificationMethod string");
			if (len < sizeof(buf))
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
				    k ? "+" : "", json_string_value(uvm));
		}
		if ((r = strs_push(out, buf, strlen(buf))) != 0)
			return r == FSIM_ERR_NOMEM ? r : bad(d, field, "more than 256 combinations");
	}
	return FSIM_OK;
}

static int
parse_statement(const json_t *s, size_t i, fsim_mds_entry_t *e, json_t *unknown,
    fsim_diags_t *d)
{
	const json_t *v, *a;
	char f[96];
	size_t k;
	int r;

	if (!json_is_object(s)) {
		FIELD(f, i, "metadataStatement");
		return bad(d, f, "not an object");
	}
	fsim_mds_note_unknown(s, stmt_known, "metadataStatement", unknown);
	FIELD(f, i, "metadataStatement.description");
	if ((r = opt_str(s, "description", f, &e->description, d)) != 0)
		return r;
	FIELD(f, i, "metadataStatement.protocolFamily");
	if ((r = opt_str(s, "protocolFamily", f, &e->protocol_family, d)) != 0)
		return r;
	FIELD(f, i, "metadataStatement.authenticatorVersion");
	if ((r = opt_u32(s, "authenticatorVersion", f, &e->has_av, &e->authenticator_version,
	    d)) != 0)
		return r;
	if ((v = json_object_get(s, "schema")) != NULL) {
		FIELD(f, i, "metadataStatement.schema");
		if (!json_is_integer(v))
			return bad(d, f, "not an integer");
		e->schema = json_integer_value(v);
	}
	FIELD(f, i, "metadataStatement.attestationTypes");
	if ((r = opt_strs(s, "attestationTypes", f, &e->attestation_types, d)) != 0)
		return r;
	FIELD(f, i, "metadataStatement.authenticationAlgorithms");
	if ((r = opt_strs(s, "authenticationAlgorithms", f, &e->authentication_algorithms,
	    d)) != 0)
		return r;
	FIELD(f, i, "metadataStatement.keyProtection");
	if ((r = opt_strs(s, "keyProtection", f, &e->key_protection, d)) != 0)
		return r;
	FIELD(f, i, "metadataStatement.userVerificationDetails");
	if ((r = parse_uv(s, f, &e->uv_methods, d)) != 0)
		return r;
	/* The statement repeats the entry's identifiers; both name the authenticator. */
	if ((v = json_object_get(s, "aaguid")) != NULL && !e->has_aaguid) {
		FIELD(f, i, "metadataStatement.aaguid");
		if ((r = parse_aaguid(v, f, e->aaguid, d)) != 0)
			return r;
		e->has_aaguid = true;
	}
	FIELD(f, i, "metadataStatement.attestationCertificateKeyIdentifiers");
	if ((r = parse_ackis(s, f, e, d)) != 0)
		return r;
	if ((a = json_object_get(s, "attestationRootCertificates")) != NULL) {
		if (!json_is_array(a) || json_array_size(a) > MDS_MAX_LIST) {
			FIELD(f, i, "metadataStatement.attestationRootCertificates");
			return bad(d, f, "not an array of at most 256 base64 certificates");
		}
		json_array_foreach(a, k, v) {
			FIELD(f, i, "metadataStatement.attestationRootCertificates[%zu]", k);
			if ((r = root_certs(v, f, e->roots, d)) != 0)
				return r;
		}
	}
	return FSIM_OK;
}

static int
parse_report(const json_t *o, size_t i, size_t k, fsim_mds_report_t *rp, json_t *unknown,
    fsim_diags_t *d)
{
	const json_t *st = json_object_get(o, "status"), *c;
	char f[96];
	int r;

	rp->position = k;
	if (!json_is_object(o)) {
		FIELD(f, i, "statusReports[%zu]", k);
		return bad(d, f, "not an object");
	}
	fsim_mds_note_unknown(o, report_known, "statusReports[]", unknown);
	FIELD(f, i, "statusReports[%zu].status", k);
	if (!json_is_string(st))
		return bad(d, f, "missing, or not a string (3.1.3: status is required)");
	if ((rp->status_name = fsim_strdup(json_string_value(st))) == NULL)
		return FSIM_ERR_NOMEM;
	rp->status = fsim_mds_status_from_name(rp->status_name);
	if (rp->status == FSIM_MDS_ST_UNKNOWN)
		fsim_diags_add(d, FSIM_SEV_WARNING, MDS_R_STATUS, f, FSIM_NO_OFFSET,
		    "status \"%.60s\" is not one fidosim knows: ignored, as MDS 3.1.4 says",
		    rp->status_name);
	FIELD(f, i, "statusReports[%zu].effectiveDate", k);
	if ((r = opt_date(o, "effectiveDate", f, &rp->has_effective, &rp->effective, d)) != 0)
		return r;
	FIELD(f, i, "statusReports[%zu].sunsetDate", k);
	if ((r = opt_date(o, "sunsetDate", f, &rp->has_sunset, &rp->sunset, d)) != 0)
		return r;
	FIELD(f, i, "statusReports[%zu].authenticatorVersion", k);
	if ((r = opt_u32(o, "authenticatorVersion", f, &rp->has_av, &rp->authenticator_version,
	    d)) != 0)
		return r;
	if ((c = json_object_get(o, "certificate")) != NULL) {
		X509 *x = NULL;

		FIELD(f, i, "statusReports[%zu].certificate", k);
		if ((r = b64_cert(c, f, &x, &rp->certificate, d)) != 0)
			return r;
		X509_free(x);
	}
#define STR(key, dst) do { FIELD(f, i, "statusReports[%zu]." key, k); \
	if ((r = opt_str(o, key, f, &rp->dst, d)) != 0) return r; } while (0)
	STR("url", url);
	STR("certificationDescriptor", certification_descriptor);
	STR("certificateNumber", certificate_number);
	STR("certificationPolicyVersion", certification_policy_version);
	STR("certificationRequirementsVersion", certification_requirements_version);
#undef STR
	return FSIM_OK;
}

/* Oldest first; an undated report counts as oldest; ties keep the BLOB's order. */
static int
report_cmp(const void *a, const void *b)
{
	const fsim_mds_report_t *x = a, *y = b;
	time_t tx = x->has_effective ? x->effective : (time_t)INT64_MIN;
	time_t ty = y->has_effective ? y->effective : (time_t)INT64_MIN;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x->position < y->position ? -1 : x->position > y->position;
}

static int
parse_reports(const json_t *a, size_t i, fsim_mds_entry_t *e, json_t *unknown,
    fsim_diags_t *d)
{
	const json_t *v;
	char f[64];
	size_t k;
	int r;

	FIELD(f, i, "statusReports");
	if (!json_is_array(a))
		return bad(d, f, "missing, or not an array (3.1.1: statusReports is required)");
	if (json_array_size(a) > MDS_MAX_REPORTS)
		return bad(d, f, "more than 1024 status reports");
	if (json_array_size(a) == 0)
		return FSIM_OK;
	if ((e->reports = calloc(json_array_size(a), sizeof(*e->reports))) == NULL)
		return FSIM_ERR_NOMEM;
	json_array_foreach(a, k, v) {
		e->n_reports = k + 1;
		if ((r = parse_report(v, i, k, &e->reports[k], unknown, d)) != 0)
			return r;
	}
	qsort(e->reports, e->n_reports, sizeof(*e->reports), report_cmp);
	for (k = 0; k < e->n_reports; k++)
		if (e->reports[k].status == FSIM_MDS_ST_UPDATE_AVAILABLE && e->reports[k].has_av &&
		    e->has_av && e->reports[k].authenticator_version > e->authenticator_version)
			e->superseded = true;
	return FSIM_OK;
}

int
fsim_mds_entry_parse(const json_t *j, size_t i, fsim_mds_entry_t *e, json_t *unknown,
    fsim_diags_t *d)
{
	const json_t *v;
	char f[96];
	time_t t;
	int r;

	e->position = i;
	if ((e->roots = sk_X509_new_null()) == NULL)
		return FSIM_ERR_NOMEM;
	snprintf(f, sizeof(f), "entries[%zu]", i);
	if (!json_is_object(j))
		return bad(d, f, "not an object");
	fsim_mds_note_unknown(j, entry_known, "", unknown);
	if ((v = json_object_get(j, "aaguid")) != NULL) {
		FIELD(f, i, "aaguid");
		if ((r = parse_aaguid(v, f, e->aaguid, d)) != 0)
			return r;
		e->has_aaguid = true;
	}
	FIELD(f, i, "aaid");
	if ((r = opt_str(j, "aaid", f, &e->aaid, d)) != 0)
		return r;
	FIELD(f, i, "attestationCertificateKeyIdentifiers");
	if ((r = parse_ackis(j, f, e, d)) != 0)
		return r;
	if ((v = json_object_get(j, "metadataStatement")) != NULL &&
	    (r = parse_statement(v, i, e, unknown, d)) != 0)
		return r;
	if (!e->has_aaguid && e->aaid == NULL && e->n_ackis == 0) {
		snprintf(f, sizeof(f), "entries[%zu]", i);
		return bad(d, f, "names no authenticator: no aaguid, aaid or "
		    "attestationCertificateKeyIdentifiers (3.1.1)");
	}
	if ((r = parse_reports(json_object_get(j, "statusReports"), i, e, unknown, d)) != 0)
		return r;
	FIELD(f, i, "timeOfLastStatusChange");
	v = json_object_get(j, "timeOfLastStatusChange");
	if (!json_is_string(v) || fsim_mds_parse_date(json_string_value(v), &t) != 0)
		return bad(d, f, "missing, or not a date YYYY-MM-DD (3.1.1: it is required)");
	snprintf(e->time_of_last_status_change, sizeof(e->time_of_last_status_change), "%s",
	    json_string_value(v));
	return FSIM_OK;
}

void
fsim_mds_entry_reset(fsim_mds_entry_t *e)
{
	size_t i;

	if (e == NULL)
		return;
	free(e->aaid);
	free(e->ackis);
	free(e->description);
	free(e->protocol_family);
	strs_reset(&e->attestation_types);
	strs_reset(&e->authentication_algorithms);
	strs_reset(&e->uv_methods);
	strs_reset(&e->key_protection);
	sk_X509_pop_free(e->roots, X509_free);
	for (i = 0; i < e->n_reports; i++) {
		fsim_mds_report_t *r = &e->reports[i];

		free(r->status_name);
		fsim_blob_reset(&r->certificate);
		free(r->url);
		free(r->certification_descriptor);
		free(r->certificate_number);
		free(r->certification_policy_version);
		free(r->certification_requirements_version);
	}
	free(e->reports);
	memset(e, 0, sizeof(*e));
}
