/*
 * x509util.c — X.509 helpers the attestation formats share: x5c parsing, the
 * FIDO AAGUID and serial-number extensions, basic constraints, the packed
 * certificate requirements of WebAuthn §8.2.1, and digests by name.
 *
 * Certificates arrive from the other side: every DER element must be exactly
 * one certificate, and extension values are parsed as ASN.1 and re-encoded to
 * prove they were DER, never sliced at fixed offsets (PIT-08).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "core/cborx.h"
#include "rp-sim/certcache.h"
#include "rp-sim/x509util.h"

/* Bound on the certificates one x5c may carry: real chains have 1 to 4. */
#define X5C_MAX 16

/* The OU value §8.2.1 requires, compared byte for byte as UTF-8. */
static const char packed_ou[] = "Authenticator Attestation";

int
fsim_x5c_parse(const cbor_item_t *arr, STACK_OF(X509) **out, fsim_checks_t *ck,
    fsim_rule_id_t rule, const char *field)
{
	int r = FSIM_ERR_FORMAT;
	STACK_OF(X509) *sk = NULL;
	X509 *x = NULL;
	cbor_item_t **items;
	size_t i, n;
	char ef[160];

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (field == NULL)
		field = "x5c";
	if (arr == NULL || !cbor_isa_array(arr) || !cbor_array_is_definite(arr)) {
		fsim_checks_fail(ck, rule, field, "x5c is %s, not an array of certificates",
		    arr == NULL ? "missing" : fsim_cbor_type_name(arr));
		goto fail;
	}
	n = cbor_array_size(arr);
	if (n == 0) {
		fsim_checks_fail(ck, rule, field, "x5c is an empty array; it must hold the "
		    "attestation certificate first");
		goto fail;
	}
	if (n > X5C_MAX) {
		fsim_checks_fail(ck, rule, field, "x5c holds %zu certificates, more than the "
		    "%d accepted", n, X5C_MAX);
		goto fail;
	}
	if ((sk = sk_X509_new_null()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	items = cbor_array_handle(arr);
	for (i = 0; i < n; i++) {
		const uint8_t *der;
		size_t len, used;

		snprintf(ef, sizeof(ef), "%s[%zu]", field, i);
		if (fsim_cbor_get_bytes(items[i], &der, &len) != 0) {
			fsim_checks_fail(ck, rule, ef, "element is %s, not a byte string "
			    "holding a DER certificate", fsim_cbor_type_name(items[i]));
			goto fail;
		}
		if (len == 0 || len > LONG_MAX) {
			fsim_checks_fail(ck, rule, ef, "certificate is %zu bytes", len);
			goto fail;
		}
		/* parsed once per process: the same batch certificate comes back */
		if ((r = fsim_cert_parse(der, len, &x, &used)) != 0) {
			if (r == FSIM_ERR_NOMEM)
				goto fail;
			r = FSIM_ERR_FORMAT;
			fsim_checks_fail(ck, rule, ef, "%zu bytes that do not parse as a DER "
			    "X.509 certificate", len);
			goto fail;
		}
		r = FSIM_ERR_FORMAT;
		/* One certificate per element: anything after it is not ours to ignore. */
		if (used != len) {
			fsim_checks_fail(ck, rule, ef, "%zu bytes follow the certificate "
			    "(%zu of %zu bytes used)", len - used, used, len);
			goto fail;
		}
		if (sk_X509_push(sk, x) == 0) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
		x = NULL;
	}
	*out = sk;
	sk = NULL;
	r = 0;
fail:
	X509_free(x);
	sk_X509_pop_free(sk, X509_free);
	return r;
}

/*
 * The one extension with this OID: its index, -1 when absent, -2 when the
 * OID does not convert or the extension appears more than once (RFC 5280
 * §4.2: a certificate must not include more than one instance).
 */
static int
find_ext(const X509 *x, const char *oid)
{
	ASN1_OBJECT *obj;
	int i, j;

	if (x == NULL || oid == NULL)
		return -2;
	if ((obj = OBJ_txt2obj(oid, 1)) == NULL) {
		ERR_clear_error();
		return -2;
	}
	i = X509_get_ext_by_OBJ(x, obj, -1);
	if (i >= 0 && (j = X509_get_ext_by_OBJ(x, obj, i)) >= 0)
		i = -2;
	ASN1_OBJECT_free(obj);
	return i < 0 && i != -2 ? -1 : i;
}

bool
fsim_cert_ext(const X509 *x, const char *oid, const uint8_t **val, size_t *len,
    bool *critical)
{
	X509_EXTENSION *ext;
	ASN1_OCTET_STRING *data;
	int i;

	if ((i = find_ext(x, oid)) < 0)
		return false;
	if ((ext = X509_get_ext(x, i)) == NULL ||
	    (data = X509_EXTENSION_get_data(ext)) == NULL)
		return false;
	if (val != NULL)
		*val = ASN1_STRING_get0_data(data);
	if (len != NULL)
		*len = (size_t)ASN1_STRING_length(data);
	if (critical != NULL)
		*critical = X509_EXTENSION_get_critical(ext) != 0;
	return true;
}

int
fsim_cert_aaguid(const X509 *x, bool *present, bool *critical, uint8_t aaguid[16])
{
	int r = FSIM_ERR_FORMAT;
	ASN1_OCTET_STRING *os = NULL;
	const uint8_t *val;
	const unsigned char *p;
	unsigned char *re = NULL;
	size_t len;
	bool crit = false;
	int idx, relen;

	if (x == NULL || present == NULL || aaguid == NULL)
		return FSIM_ERR_ARG;
	*present = false;
	if (critical != NULL)
		*critical = false;
	if ((idx = find_ext(x, FSIM_OID_FIDO_AAGUID)) == -1) {
		r = 0;
		goto fail;
	}
	if (idx < 0 || !fsim_cert_ext(x, FSIM_OID_FIDO_AAGUID, &val, &len, &crit))
		goto fail;  /* duplicated extension */
	if (len > LONG_MAX)
		goto fail;
	/*
	 * §8.2.1: extnValue is itself an OCTET STRING whose contents are the DER
	 * of OCTET STRING (16), i.e. 04 12 04 10 <aaguid>. Decode it and insist
	 * on exact consumption and on DER (re-encoding yields the same bytes).
	 */
	p = val;
	if ((os = d2i_ASN1_OCTET_STRING(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		goto fail;
	}
	if ((size_t)(p - val) != len || ASN1_STRING_length(os) != 16)
		goto fail;
	if ((relen = i2d_ASN1_OCTET_STRING(os, &re)) < 0) {
		ERR_clear_error();
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	if ((size_t)relen != len || memcmp(re, val, len) != 0)
		goto fail;
	memcpy(aaguid, ASN1_STRING_get0_data(os), 16);
	*present = true;
	if (critical != NULL)
		*critical = crit;
	r = 0;
fail:
	OPENSSL_free(re);
	ASN1_OCTET_STRING_free(os);
	return r;
}

int
fsim_cert_is_ca(const X509 *x)
{
	BASIC_CONSTRAINTS *bc;
	int crit = -1, ca;

	if (x == NULL)
		return -1;
	/*
	 * crit -1: absent (RFC 5280 §4.2.1.9: then not a CA); -2: duplicated;
	 * >= 0 with NULL: present but undecodable. An explicit cA FALSE
	 * (30 03 01 01 00, not DER but common, PIT-18) decodes as false.
	 */
	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	if (bc == NULL) {
		ERR_clear_error();
		return crit == -1 ? 0 : -1;
	}
	ca = bc->ca != 0;
	BASIC_CONSTRAINTS_free(bc);
	return ca;
}

/* Copy a certificate string into buf for a message, escaping what is not printable ASCII. */
static void
show(const uint8_t *p, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	if (len == 0)
		return;
	for (i = 0; i < n && o + 5 < len; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
			buf[o++] = (char)p[i];
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", p[i]);
	}
	if (i < n && o + 3 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/*
 * The subject attribute `nid`: 1 with its entry when there is exactly one,
 * 0 when absent, -1 when repeated.
 */
static int
subject_attr(const X509_NAME *name, int nid, const ASN1_STRING **val)
{
	X509_NAME_ENTRY *e;
	int i;

	*val = NULL;
	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return 0;
	if (X509_NAME_get_index_by_NID(name, nid, i) >= 0)
		return -1;
	if ((e = X509_NAME_get_entry(name, i)) == NULL)
		return 0;
	*val = X509_NAME_ENTRY_get_data(e);
	return *val != NULL ? 1 : 0;
}

/* §8.2.1 subject: C, O, OU = "Authenticator Attestation", CN. Appends problems to why. */
static void
check_subject(const X509 *leaf, char *why, size_t wlen)
{
	const X509_NAME *name = X509_get_subject_name(leaf);
	const ASN1_STRING *v;
	const uint8_t *d;
	char shown[96];
	size_t o = 0;
	int k, n;

#define WHY(...) do {                                                          \
		if (o < wlen) {                                                \
			n = snprintf(why + o, wlen - o, "%s", o ? "; " : "");  \
			o += n > 0 ? (size_t)n : 0;                            \
		}                                                              \
		if (o < wlen) {                                                \
			n = snprintf(why + o, wlen - o, __VA_ARGS__);          \
			o += n > 0 ? (size_t)n : 0;                            \
		}                                                              \
	} while (0)

	why[0] = '\0';
	if (name == NULL) {
		WHY("no subject");
		return;
	}
	/* C: ISO 3166 alpha-2 code, a PrintableString of SIZE (2) (X.520). */
	if ((k = subject_attr(name, NID_countryName, &v)) == 0)
		WHY("C (country) missing");
	else if (k < 0)
		WHY("C (country) appears more than once");
	else {
		d = ASN1_STRING_get0_data(v);
		if (ASN1_STRING_type(v) != V_ASN1_PRINTABLESTRING ||
		    ASN1_STRING_length(v) != 2 || d[0] < 'A' || d[0] > 'Z' ||
		    d[1] < 'A' || d[1] > 'Z') {
			show(d, (size_t)ASN1_STRING_length(v), shown, sizeof(shown));
			WHY("C is \"%s\" (%s), not a two-letter ISO 3166 code in a "
			    "PrintableString", shown, ASN1_tag2str(ASN1_STRING_type(v)));
		}
	}
	if ((k = subject_attr(name, NID_organizationName, &v)) == 0 ||
	    (k > 0 && ASN1_STRING_length(v) == 0))
		WHY("O (organization) missing");
	else if (k < 0)
		WHY("O (organization) appears more than once");
	if ((k = subject_attr(name, NID_organizationalUnitName, &v)) == 0)
		WHY("OU missing (must be \"%s\")", packed_ou);
	else if (k < 0)
		WHY("OU appears more than once (must be exactly \"%s\")", packed_ou);
	else {
		unsigned char *u = NULL;
		int ulen = ASN1_STRING_to_UTF8(&u, v);

		if (ulen < 0) {
			ERR_clear_error();
			WHY("OU is not a decodable string (must be \"%s\")", packed_ou);
		} else if ((size_t)ulen != sizeof(packed_ou) - 1 ||
		    memcmp(u, packed_ou, sizeof(packed_ou) - 1) != 0) {
			show(u, (size_t)ulen, shown, sizeof(shown));
			WHY("OU is \"%s\", not \"%s\"", shown, packed_ou);
		}
		OPENSSL_free(u);
	}
	if ((k = subject_attr(name, NID_commonName, &v)) == 0 ||
	    (k > 0 && ASN1_STRING_length(v) == 0))
		WHY("CN (common name) missing");
	else if (k < 0)
		WHY("CN (common name) appears more than once");
#undef WHY
}

static void
hex16(const uint8_t a[16], char out[33])
{
	size_t i;

	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", a[i]);
}

int
fsim_cert_check_packed(const X509 *leaf, const uint8_t aaguid[16], bool enterprise,
    fsim_checks_t *ck)
{
	const char *f = "attStmt.x5c[0]";
	size_t fails0 = fsim_checks_fail_count(ck);
	uint8_t cert_aaguid[16];
	char why[384], h1[33], h2[33];
	bool present = false, crit = false;
	long ver;
	int ca;

	if (leaf == NULL || aaguid == NULL)
		return FSIM_ERR_ARG;

	/* §8.2.1: "Version MUST be set to 3 (which is indicated by an ASN.1 INTEGER with value 2)". */
	if ((ver = X509_get_version(leaf)) != X509_VERSION_3)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_03, f, "certificate is X.509 "
		    "version %ld (version field %ld), not 3", ver + 1, ver);
	else
		fsim_checks_pass(ck, FSIM_R_ATT_PACKED_03);

	check_subject(leaf, why, sizeof(why));
	if (why[0] != '\0')
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_04, f, "subject: %s", why);
	else
		fsim_checks_pass(ck, FSIM_R_ATT_PACKED_04);

	/*
	 * id-fido-gen-ce-aaguid: required only when the root serves several
	 * models, so absence passes; when present, non-critical and equal.
	 */
	if (fsim_cert_aaguid(leaf, &present, &crit, cert_aaguid) != 0)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_05, f, "extension %s is not "
		    "OCTET STRING { OCTET STRING (16) } (or appears twice)",
		    FSIM_OID_FIDO_AAGUID);
	else if (present && crit)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_05, f, "extension %s (AAGUID) "
		    "is marked critical; it must not be", FSIM_OID_FIDO_AAGUID);
	else if (present && memcmp(cert_aaguid, aaguid, 16) != 0) {
		hex16(cert_aaguid, h1);
		hex16(aaguid, h2);
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_05, f, "certificate AAGUID %s "
		    "differs from authData AAGUID %s", h1, h2);
	} else
		fsim_checks_pass(ck, FSIM_R_ATT_PACKED_05);

	if ((ca = fsim_cert_is_ca(leaf)) == 1)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_06, f, "basic constraints say "
		    "CA is true; an attestation certificate must not be a CA");
	else if (ca < 0)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_06, f, "basic constraints "
		    "extension is malformed or appears twice");
	else
		fsim_checks_pass(ck, FSIM_R_ATT_PACKED_06);

	/* §8.2.2: a per-device serial number identifies the device: enterprise only. */
	if (!enterprise && find_ext(leaf, FSIM_OID_FIDO_SERNUM) != -1)
		fsim_checks_warn(ck, FSIM_R_ATT_PACKED_08, f, "certificate carries "
		    "id-fido-gen-ce-sernum (%s) but enterprise attestation was not "
		    "requested", FSIM_OID_FIDO_SERNUM);
	else
		fsim_checks_pass(ck, FSIM_R_ATT_PACKED_08);

	return fsim_checks_fail_count(ck) == fails0 ? 0 : FSIM_ERR_FORMAT;
}

int
fsim_digest(const char *md, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, uint8_t *out, size_t *outlen)
{
	int r = FSIM_ERR_INTERNAL;
	EVP_MD *m = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned int n = 0;

	if (md == NULL || out == NULL || outlen == NULL ||
	    (a == NULL && alen != 0) || (b == NULL && blen != 0))
		return FSIM_ERR_ARG;
	/* Only the digests WebAuthn attestation uses (SHA-1 for TPM RS1 alone). */
	if (strcmp(md, "SHA256") != 0 && strcmp(md, "SHA384") != 0 &&
	    strcmp(md, "SHA512") != 0 && strcmp(md, "SHA1") != 0)
		return FSIM_ERR_UNSUPPORTED;
	if ((m = EVP_MD_fetch(NULL, md, NULL)) == NULL) {
		ERR_clear_error();
		goto fail;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	if (EVP_DigestInit_ex(ctx, m, NULL) != 1 ||
	    (alen > 0 && EVP_DigestUpdate(ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(ctx, out, &n) != 1) {
		ERR_clear_error();
		goto fail;
	}
	*outlen = n;
	r = 0;
fail:
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(m);
	return r;
}
