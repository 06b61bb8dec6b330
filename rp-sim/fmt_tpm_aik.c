/*
 * fmt_tpm_aik.c — the AIK certificate requirements of WebAuthn §8.3.1
 * (ATT-TPM-03), with the Subject Alternative Name of the TCG EK Credential
 * Profile §3.2.9 and the AAGUID extension check of §8.3 verification.
 *
 * By default the manufacturer is read but never checked against a vendor
 * list: the TCG registry grows, and lists that lagged rejected valid TPMs
 * (PIT-15, MasterKale/SimpleWebAuthn#665); the W3C test vector itself uses
 * id:00000000. Trust comes from the chain, not from the name. An RP
 * library's list (policy tpm_vendors) is applied only when given, to model
 * the libraries that do check it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "rp-sim/fmt_tpm.h"
#include "rp-sim/x509util.h"

static const char *const tcg_oid[3] = {
	FSIM_OID_TCG_AT_TPM_MANUFACTURER, FSIM_OID_TCG_AT_TPM_MODEL,
	FSIM_OID_TCG_AT_TPM_VERSION,
};
static const char *const tcg_name[3] = { "tpmManufacturer", "tpmModel", "tpmVersion" };

/* What the SAN's directoryName(s) said. */
typedef struct tcg_attrs {
	int count[3];
	char val[3][64];    /* printable copy of the first value */
	int dirnames;
	bool hw_module;     /* an otherName HardwareModuleName (RFC 4108) */
} tcg_attrs_t;

static bool
oid_is(const ASN1_OBJECT *o, const char *dotted)
{
	char buf[80];
	int n;

	if (o == NULL)
		return false;
	n = OBJ_obj2txt(buf, sizeof(buf), o, 1);
	return n > 0 && (size_t)n < sizeof(buf) && strcmp(buf, dotted) == 0;
}

/* A printable copy of a directory string for messages ('?' for what is not printable ASCII). */
static void
show_string(const ASN1_STRING *s, char *buf, size_t len)
{
	unsigned char *u = NULL;
	int n = ASN1_STRING_to_UTF8(&u, s), i;
	size_t o = 0;

	buf[0] = '\0';
	if (n < 0) {
		ERR_clear_error();
		snprintf(buf, len, "(undecodable %s)", ASN1_tag2str(ASN1_STRING_type(s)));
		return;
	}
	for (i = 0; i < n && o + 4 < len; i++)
		buf[o++] = u[i] >= 0x20 && u[i] < 0x7f ? (char)u[i] : '?';
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	OPENSSL_free(u);
}

static void
scan_dirname(const X509_NAME *dn, tcg_attrs_t *t)
{
	int i, j;

	t->dirnames++;
	for (i = 0; i < X509_NAME_entry_count(dn); i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(dn, i);

		for (j = 0; j < 3; j++) {
			if (!oid_is(X509_NAME_ENTRY_get_object(e), tcg_oid[j]))
				continue;
			if (t->count[j]++ == 0)
				show_string(X509_NAME_ENTRY_get_data(e), t->val[j],
				    sizeof(t->val[j]));
		}
	}
}

/* "id:" followed by 8 hex digits: the form the TCG Vendor ID Registry gives. */
static bool
tcg_id_form(const char *s)
{
	size_t i;

	if (strncmp(s, "id:", 3) != 0 || strlen(s) != 11)
		return false;
	for (i = 3; i < 11; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/*
 * Subject Alternative Name (TCG EK Credential Profile §3.2.9): a
 * directoryName with tpmManufacturer, tpmModel and tpmVersion. With an empty
 * subject the extension must be critical (RFC 5280 §4.2.1.6).
 */
static bool
listed(const char *s, const char *const *list, bool nocase)
{
	for (; *list != NULL; list++)
		if ((nocase ? strcasecmp(*list, s) : strcmp(*list, s)) == 0)
			return true;
	return false;
}

static void
check_san(const X509 *aik, bool subject_empty, const fsim_fmt_ctx_t *c)
{
	const char *const *vendors = c->tpm_vendors;
	fsim_checks_t *ck = c->ck;
	const char *f = "attStmt.x5c[0].subjectAltName";
	GENERAL_NAMES *gens;
	tcg_attrs_t t;
	char missing[96];
	int crit = -1, i, j;

	memset(&t, 0, sizeof(t));
	if ((gens = X509_get_ext_d2i(aik, NID_subject_alt_name, &crit, NULL)) == NULL) {
		ERR_clear_error();
		if (crit == -1)
			fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "no Subject Alternative "
			    "Name extension; §8.3.1 requires the TCG directoryName "
			    "(tpmManufacturer, tpmModel, tpmVersion)");
		else
			fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "the Subject Alternative "
			    "Name extension %s", crit == -2 ? "appears more than once" :
			    "does not decode");
		return;
	}
	if (subject_empty && crit == 0)
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "the Subject Alternative Name "
		    "extension is not critical; it must be when the subject is empty "
		    "(RFC 5280 §4.2.1.6)");
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type == GEN_DIRNAME)
			scan_dirname(g->d.directoryName, &t);
		else if (g->type == GEN_OTHERNAME &&
		    oid_is(g->d.otherName->type_id, FSIM_OID_HARDWARE_MODULE_NAME))
			t.hw_module = true;
	}
	GENERAL_NAMES_free(gens);

	if (t.dirnames == 0) {
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "the Subject Alternative Name "
		    "has no directoryName; it must hold tpmManufacturer (%s), tpmModel "
		    "(%s) and tpmVersion (%s)", tcg_oid[0], tcg_oid[1], tcg_oid[2]);
	} else {
		missing[0] = '\0';
		for (j = 0; j < 3; j++) {
			if (t.count[j] == 0) {
				size_t o = strlen(missing);

				snprintf(missing + o, sizeof(missing) - o, "%s%s (%s)",
				    o ? ", " : "", tcg_name[j], tcg_oid[j]);
			} else if (t.count[j] > 1) {
				fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "%s (%s) appears "
				    "%d times in the directoryName", tcg_name[j], tcg_oid[j],
				    t.count[j]);
			}
		}
		if (missing[0] != '\0')
			fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "the directoryName lacks "
			    "%s", missing);
		if (t.count[0] > 0 && vendors != NULL && !listed(t.val[0], vendors,
		    c->tpm_vendors_nocase))
			fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "tpmManufacturer \"%s\" "
			    "is not a TPM vendor ID this RP library knows", t.val[0]);
		if (t.count[0] > 0 && !tcg_id_form(t.val[0]))
			fsim_checks_warn(ck, FSIM_R_ATT_TPM_03, f, "tpmManufacturer \"%s\" "
			    "is not of the form id:XXXXXXXX (TCG vendor ID in hex)", t.val[0]);
		if (t.count[0] > 0 && t.count[1] > 0 && t.count[2] > 0)
			fsim_checks_info(ck, FSIM_R_ATT_TPM_03, f, "TPM manufacturer \"%s\", "
			    "model \"%s\", version \"%s\"", t.val[0], t.val[1], t.val[2]);
	}
	if (t.hw_module)
		fsim_checks_warn(ck, FSIM_R_ATT_TPM_03, f, "the Subject Alternative Name "
		    "holds a HardwareModuleName (RFC 4108), which the TCG AIK profile "
		    "does not use");
}

/* Extended Key Usage must contain tcg-kp-AIKCertificate (2.23.133.8.3). */
static void
check_eku(const X509 *aik, fsim_checks_t *ck)
{
	const char *f = "attStmt.x5c[0].extKeyUsage";
	EXTENDED_KEY_USAGE *eku;
	int crit = -1, i;
	bool found = false;

	if ((eku = X509_get_ext_d2i(aik, NID_ext_key_usage, &crit, NULL)) == NULL) {
		ERR_clear_error();
		if (crit == -1)
			fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "no Extended Key Usage "
			    "extension; it must contain %s (tcg-kp-AIKCertificate)",
			    FSIM_OID_TCG_KP_AIK);
		else
			fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "the Extended Key Usage "
			    "extension %s", crit == -2 ? "appears more than once" :
			    "does not decode");
		return;
	}
	for (i = 0; i < sk_ASN1_OBJECT_num(eku) && !found; i++)
		found = oid_is(sk_ASN1_OBJECT_value(eku, i), FSIM_OID_TCG_KP_AIK);
	if (!found)
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "Extended Key Usage (%d purpose%s) "
		    "does not contain %s (tcg-kp-AIKCertificate)", sk_ASN1_OBJECT_num(eku),
		    sk_ASN1_OBJECT_num(eku) == 1 ? "" : "s", FSIM_OID_TCG_KP_AIK);
	EXTENDED_KEY_USAGE_free(eku);
}

static void
hex16(const uint8_t a[16], char out[33])
{
	size_t i;

	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", a[i]);
}

int
fsim_tpm_check_aik(const X509 *aik, const uint8_t aaguid[16], const fsim_fmt_ctx_t *c)
{
	fsim_checks_t *ck = c->ck;
	const char *f = "attStmt.x5c[0]";
	const X509_NAME *subj;
	size_t fails0 = fsim_checks_fail_count(ck);
	uint8_t cert_aaguid[16];
	char buf[160], h1[33], h2[33];
	bool present = false, crit = false, empty;
	long ver;
	int ca;

	if (aik == NULL || aaguid == NULL)
		return FSIM_ERR_ARG;

	/* §8.3.1: "Version MUST be set to 3." */
	if ((ver = X509_get_version(aik)) != X509_VERSION_3)
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "aikCert is X.509 version %ld, "
		    "not 3", ver + 1);

	/* §8.3.1: "Subject field MUST be set to empty." */
	subj = X509_get_subject_name(aik);
	empty = subj == NULL || X509_NAME_entry_count(subj) == 0;
	if (!empty) {
		if (X509_NAME_oneline(subj, buf, (int)sizeof(buf)) == NULL) {
			ERR_clear_error();
			snprintf(buf, sizeof(buf), "?");
		}
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "aikCert subject is \"%s\" (%d "
		    "attribute%s); it must be empty", buf, X509_NAME_entry_count(subj),
		    X509_NAME_entry_count(subj) == 1 ? "" : "s");
	}

	check_san(aik, empty, c);
	check_eku(aik, ck);

	/* §8.3.1: "The Basic Constraints extension MUST have the CA component set to false." */
	if ((ca = fsim_cert_is_ca(aik)) != 0)
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "%s", ca > 0 ? "basic constraints "
		    "say CA true; an AIK certificate must not be a CA" : "basic constraints "
		    "extension is malformed or appears more than once");

	/* §8.3 verification: the id-fido-gen-ce-aaguid extension, when present, matches. */
	if (fsim_cert_aaguid(aik, &present, &crit, cert_aaguid) != 0)
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "extension %s is not OCTET "
		    "STRING { OCTET STRING (16) } (or appears twice)", FSIM_OID_FIDO_AAGUID);
	else if (present && crit)
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "extension %s (AAGUID) is marked "
		    "critical; it must not be", FSIM_OID_FIDO_AAGUID);
	else if (present && memcmp(cert_aaguid, aaguid, 16) != 0) {
		hex16(cert_aaguid, h1);
		hex16(aaguid, h2);
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_03, f, "aikCert AAGUID %s differs from "
		    "the authData AAGUID %s", h1, h2);
	}

	if (fsim_checks_fail_count(ck) != fails0)
		return FSIM_ERR_FORMAT;
	fsim_checks_pass(ck, FSIM_R_ATT_TPM_03);
	return 0;
}
