/*
 * describe.c — the display model of decoded WebAuthn structures.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cli/describe.h"
#include "core/mldsa.h"

/* OIDs shown by name in certificate summaries. */
#define OID_FIDO_AAGUID "1.3.6.1.4.1.45724.1.1.4"
#define OID_FIDO_TRANSPORTS "1.3.6.1.4.1.45724.2.1.1"
#define OID_APPLE_NONCE "1.2.840.113635.100.8.2"
#define OID_ANDROID_KEY "1.3.6.1.4.1.11129.2.1.17"

json_t *
fsim_describe_hex(const uint8_t *ptr, size_t len)
{
	char *hex = NULL;
	json_t *j;

	if (fsim_hex_encode(ptr, len, &hex) != 0)
		return NULL;
	j = json_string(hex);
	free(hex);
	return j;
}

static json_t *
b64url(const uint8_t *ptr, size_t len)
{
	char *s = NULL;
	json_t *j;

	if (fsim_b64url_encode(ptr, len, &s) != 0)
		return NULL;
	j = json_string(s);
	free(s);
	return j;
}

/* Text string item as a JSON string (lossy for embedded NUL, which strict CBOR text forbids anyway). */
static json_t *
cbor_text_json(const cbor_item_t *item)
{
	return json_stringn((const char *)cbor_string_handle(item),
	    cbor_string_length(item));
}

static json_t *describe_x5c(const cbor_item_t *arr);

json_t *
fsim_describe_cbor(const cbor_item_t *item)
{
	json_t *j = NULL;
	size_t i, n;
	int64_t v;

	switch (cbor_typeof(item)) {
	case CBOR_TYPE_UINT:
	case CBOR_TYPE_NEGINT:
		if (fsim_cbor_get_int(item, &v) == 0)
			return json_integer(v);
		return json_string("(integer outside 64-bit range)");
	case CBOR_TYPE_BYTESTRING:
		if (!cbor_bytestring_is_definite(item))
			return json_string("(indefinite byte string)");
		return fsim_describe_hex(cbor_bytestring_handle(item),
		    cbor_bytestring_length(item));
	case CBOR_TYPE_STRING:
		if (!cbor_string_is_definite(item))
			return json_string("(indefinite text string)");
		return cbor_text_json(item);
	case CBOR_TYPE_ARRAY:
		if ((j = json_array()) == NULL)
			return NULL;
		n = cbor_array_size(item);
		for (i = 0; i < n; i++) {
			cbor_item_t *e = cbor_array_get(item, i);
			json_array_append_new(j, e ? fsim_describe_cbor(e) : json_null());
			if (e != NULL)
				cbor_decref(&e);
		}
		return j;
	case CBOR_TYPE_MAP: {
		struct cbor_pair *p = cbor_map_handle(item);
		char key[64];

		if ((j = json_object()) == NULL)
			return NULL;
		n = cbor_map_size(item);
		for (i = 0; i < n; i++) {
			json_t *val;

			if (cbor_isa_string(p[i].key) && cbor_string_is_definite(p[i].key)) {
				size_t kl = cbor_string_length(p[i].key);
				if (kl >= sizeof(key))
					kl = sizeof(key) - 1;
				memcpy(key, cbor_string_handle(p[i].key), kl);
				key[kl] = '\0';
			} else if (fsim_cbor_get_int(p[i].key, &v) == 0)
				snprintf(key, sizeof(key), "%lld", (long long)v);
			else
				snprintf(key, sizeof(key), "(%s key %zu)",
				    fsim_cbor_type_name(p[i].key), i);
			if (strcmp(key, "x5c") == 0 && cbor_isa_array(p[i].value))
				val = describe_x5c(p[i].value);
			else
				val = fsim_describe_cbor(p[i].value);
			json_object_set_new(j, key, val ? val : json_null());
		}
		return j;
	}
	case CBOR_TYPE_TAG:
		return json_string("(tagged item)");
	case CBOR_TYPE_FLOAT_CTRL:
		/* libcbor asserts if a float is asked whether it is a bool. */
		if (!cbor_float_ctrl_is_ctrl(item))
			return json_real(cbor_float_get_float(item));
		if (cbor_is_bool(item))
			return json_boolean(cbor_get_bool(item));
		if (cbor_is_null(item))
			return json_null();
		if (cbor_is_undef(item))
			return json_string("(undefined)");
		return json_string("(simple value)");
	}
	return json_null();
}

static json_t *
describe_x5c(const cbor_item_t *arr)
{
	json_t *j = json_array();
	size_t i, n = cbor_array_size(arr);

	if (j == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		cbor_item_t *e = cbor_array_get(arr, i);
		json_t *c;

		if (e != NULL && cbor_isa_bytestring(e) && cbor_bytestring_is_definite(e))
			c = fsim_describe_cert(cbor_bytestring_handle(e),
			    cbor_bytestring_length(e));
		else
			c = json_string("(not a byte string)");
		json_array_append_new(j, c ? c : json_null());
		if (e != NULL)
			cbor_decref(&e);
	}
	return j;
}

static json_t *
bio_string(BIO *b)
{
	char *p = NULL;
	long n = BIO_get_mem_data(b, &p);

	return n >= 0 ? json_stringn(p, (size_t)n) : json_string("");
}

static json_t *
x509_name(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	json_t *j;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) < 0) {
		BIO_free(b);
		return json_string("(unprintable)");
	}
	j = bio_string(b);
	BIO_free(b);
	if (j != NULL && json_string_length(j) == 0) {
		json_decref(j);
		j = json_string("(empty)");
	}
	return j;
}

static json_t *
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	char buf[64];

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return json_string("(invalid time)");
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* The FIDO AAGUID extension: extnValue is an OCTET STRING holding OCTET STRING(16). */
static json_t *
aaguid_ext(const X509_EXTENSION *ext)
{
	const ASN1_OCTET_STRING *outer = X509_EXTENSION_get_data((X509_EXTENSION *)ext);
	const unsigned char *p = ASN1_STRING_get0_data(outer);
	ASN1_OCTET_STRING *inner;
	char s[FSIM_AAGUID_STRLEN + 1];
	json_t *j;

	inner = d2i_ASN1_OCTET_STRING(NULL, &p, ASN1_STRING_length(outer));
	if (inner == NULL || ASN1_STRING_length(inner) != 16) {
		ASN1_OCTET_STRING_free(inner);
		ERR_clear_error();
		return json_string("(malformed: not an OCTET STRING of 16 bytes)");
	}
	fsim_aaguid_format(ASN1_STRING_get0_data(inner), s);
	j = json_string(s);
	ASN1_OCTET_STRING_free(inner);
	return j;
}

static json_t *
cert_extensions(const X509 *x)
{
	json_t *arr = json_array();
	int i, n = X509_get_ext_count(x);

	if (arr == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const X509_EXTENSION *ext = X509_get_ext(x, i);
		const ASN1_OBJECT *obj = X509_EXTENSION_get_object((X509_EXTENSION *)ext);
		const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data((X509_EXTENSION *)ext);
		char oid[80];
		const char *sn;
		json_t *e = json_object();

		if (e == NULL)
			break;
		OBJ_obj2txt(oid, sizeof(oid), obj, 1);
		json_object_set_new(e, "oid", json_string(oid));
		if (strcmp(oid, OID_FIDO_AAGUID) == 0)
			json_object_set_new(e, "name", json_string("id-fido-gen-ce-aaguid"));
		else if (strcmp(oid, OID_FIDO_TRANSPORTS) == 0)
			json_object_set_new(e, "name", json_string("fidoU2FTransports"));
		else if (strcmp(oid, OID_APPLE_NONCE) == 0)
			json_object_set_new(e, "name", json_string("Apple anonymous attestation nonce"));
		else if (strcmp(oid, OID_ANDROID_KEY) == 0)
			json_object_set_new(e, "name", json_string("Android key attestation (KeyDescription)"));
		else if ((sn = OBJ_nid2ln(OBJ_obj2nid(obj))) != NULL &&
		    OBJ_obj2nid(obj) != NID_undef)
			json_object_set_new(e, "name", json_string(sn));
		json_object_set_new(e, "critical",
		    json_boolean(X509_EXTENSION_get_critical(ext)));
		if (strcmp(oid, OID_FIDO_AAGUID) == 0)
			json_object_set_new(e, "aaguid", aaguid_ext(ext));
		else
			json_object_set_new(e, "value", fsim_describe_hex(
			    ASN1_STRING_get0_data(data), (size_t)ASN1_STRING_length(data)));
		json_array_append_new(arr, e);
	}
	return arr;
}

json_t *
fsim_describe_cert(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = NULL;
	json_t *j = NULL;
	EVP_PKEY *pk;
	const ASN1_INTEGER *serial;
	BIGNUM *bn = NULL;
	char *hex = NULL;
	long lenl = len > (size_t)LONG_MAX ? LONG_MAX : (long)len;

	if ((j = json_object()) == NULL)
		return NULL;
	json_object_set_new(j, "bytes", json_integer((json_int_t)len));
	if ((x = d2i_X509(NULL, &p, lenl)) == NULL) {
		ERR_clear_error();
		json_object_set_new(j, "error", json_string("not a DER X.509 certificate"));
		return j;
	}
	if ((size_t)(p - der) != len)
		json_object_set_new(j, "error", json_string("bytes follow the certificate"));
	json_object_set_new(j, "version", json_integer(X509_get_version(x) + 1));
	json_object_set_new(j, "subject", x509_name(X509_get_subject_name(x)));
	json_object_set_new(j, "issuer", x509_name(X509_get_issuer_name(x)));
	if ((serial = X509_get0_serialNumber(x)) != NULL &&
	    (bn = ASN1_INTEGER_to_BN(serial, NULL)) != NULL &&
	    (hex = BN_bn2hex(bn)) != NULL)
		json_object_set_new(j, "serial", json_string(hex));
	json_object_set_new(j, "notBefore", asn1_time(X509_get0_notBefore(x)));
	json_object_set_new(j, "notAfter", asn1_time(X509_get0_notAfter(x)));
	json_object_set_new(j, "validNow", json_boolean(
	    X509_cmp_current_time(X509_get0_notBefore(x)) < 0 &&
	    X509_cmp_current_time(X509_get0_notAfter(x)) > 0));
	if ((pk = X509_get0_pubkey(x)) != NULL) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s %d bits", EVP_PKEY_get0_type_name(pk),
		    EVP_PKEY_get_bits(pk));
		json_object_set_new(j, "publicKey", json_string(buf));
	}
	json_object_set_new(j, "ca", json_boolean(X509_check_ca(x) != 0));
	json_object_set_new(j, "extensions", cert_extensions(x));
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	ERR_clear_error();
	return j;
}

json_t *
fsim_describe_cose(const fsim_cose_key_t *k)
{
	json_t *j = json_object();
	const char *name;
	EVP_PKEY *pk = fsim_cose_key_pkey(k);
	fsim_blob_t spki = { 0 };

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "kty", json_string(
	    fsim_cose_kty_name(fsim_cose_key_kty(k)) ? fsim_cose_kty_name(fsim_cose_key_kty(k)) : "?"));
	name = fsim_cose_alg_name(fsim_cose_key_alg(k));
	json_object_set_new(j, "alg", json_integer(fsim_cose_key_alg(k)));
	json_object_set_new(j, "algName", json_string(name ? name : "?"));
	if (fsim_cose_key_crv(k) != 0) {
		const char *crv = fsim_cose_crv_name(fsim_cose_key_crv(k));
		json_object_set_new(j, "crv", json_string(crv ? crv : "?"));
	}
	json_object_set_new(j, "bits", json_integer(fsim_cose_key_bits(k)));
	if (fsim_cose_key_kty(k) == FSIM_COSE_KTY_AKP) {
		/* ML-DSA: the FIPS 204 public key and signature sizes */
		json_object_set_new(j, "publicKeyBytes",
		    json_integer(fsim_cose_key_bits(k) / 8));
		json_object_set_new(j, "signatureBytes", json_integer((json_int_t)
		    fsim_mldsa_sig_len(fsim_mldsa_set_of_alg(fsim_cose_key_alg(k)))));
	}
	if (pk != NULL && fsim_cose_key_spki(k, &spki) == 0) {
		json_object_set_new(j, "spki", b64url(spki.ptr, spki.len));
		fsim_blob_reset(&spki);
	}
	return j;
}

json_t *
fsim_describe_flags(uint8_t flags)
{
	json_t *j = json_object();

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "up", json_boolean(flags & FSIM_AD_UP));
	json_object_set_new(j, "uv", json_boolean(flags & FSIM_AD_UV));
	json_object_set_new(j, "be", json_boolean(flags & FSIM_AD_BE));
	json_object_set_new(j, "bs", json_boolean(flags & FSIM_AD_BS));
	json_object_set_new(j, "at", json_boolean(flags & FSIM_AD_AT));
	json_object_set_new(j, "ed", json_boolean(flags & FSIM_AD_ED));
	if (flags & (FSIM_AD_RFU1 | FSIM_AD_RFU2)) {
		json_object_set_new(j, "rfu1", json_boolean(flags & FSIM_AD_RFU1));
		json_object_set_new(j, "rfu2", json_boolean(flags & FSIM_AD_RFU2));
	}
	return j;
}

json_t *
fsim_describe_authdata(const fsim_authdata_t *ad, const fsim_aaguid_names_t *names)
{
	json_t *j = json_object(), *acd;
	char buf[64];

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "rpIdHash", fsim_describe_hex(ad->rp_id_hash, 32));
	snprintf(buf, sizeof(buf), "0x%02x", ad->flags);
	json_object_set_new(j, "flagsByte", json_string(buf));
	json_object_set_new(j, "flags", fsim_describe_flags(ad->flags));
	json_object_set_new(j, "signCount", json_integer(ad->sign_count));
	if (ad->flags & FSIM_AD_AT) {
		char s[FSIM_AAGUID_STRLEN + 1];
		const char *name = fsim_aaguid_name(names, ad->aaguid);

		if ((acd = json_object()) == NULL)
			goto out;
		fsim_aaguid_format(ad->aaguid, s);
		json_object_set_new(acd, "aaguid", json_string(s));
		if (name != NULL)
			json_object_set_new(acd, "provider", json_string(name));
		else if (fsim_aaguid_is_zero(ad->aaguid))
			json_object_set_new(acd, "provider",
			    json_string("(all zero: none or hidden)"));
		else
			json_object_set_new(acd, "provider", json_string("(not in the name list)"));
		json_object_set_new(acd, "credentialIdLength",
		    json_integer((json_int_t)ad->cred_id.len));
		json_object_set_new(acd, "credentialId", b64url(ad->cred_id.ptr, ad->cred_id.len));
		if (ad->cose_key != NULL)
			json_object_set_new(acd, "credentialPublicKey",
			    fsim_describe_cose(ad->cose_key));
		else if (ad->key_alg_unsupported) {
			/* well formed, of an alg fidosim has no verifier for (COSE-03) */
			json_t *k = json_object();

			if (k != NULL) {
				json_object_set_new(k, "alg", json_integer((json_int_t)ad->key_alg));
				json_object_set_new(k, "algName", json_string("unsupported"));
				json_object_set_new(k, "bytes",
				    json_integer((json_int_t)ad->cose_key_raw.len));
				json_object_set_new(acd, "credentialPublicKey", k);
			}
		}
		json_object_set_new(j, "attestedCredentialData", acd);
	}
	if ((ad->flags & FSIM_AD_ED) && ad->ext != NULL)
		json_object_set_new(j, "extensions", fsim_describe_cbor(ad->ext));
out:
	return j;
}

json_t *
fsim_describe_attobj(const fsim_attobj_t *ao, const fsim_aaguid_names_t *names)
{
	json_t *j = json_object();

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "fmt", json_string(ao->fmt ? ao->fmt : ""));
	json_object_set_new(j, "canonicalCbor", json_boolean(ao->canonical));
	if (ao->att_stmt != NULL) {
		json_t *st = fsim_describe_cbor(ao->att_stmt);
		json_t *alg = json_object_get(st, "alg");
		const char *name;

		/* Name the statement's COSE alg next to its number. */
		if (json_is_integer(alg) &&
		    (name = fsim_cose_alg_name((int)json_integer_value(alg))) != NULL)
			json_object_set_new(st, "algName", json_string(name));
		json_object_set_new(j, "attStmt", st);
	}
	json_object_set_new(j, "authDataBytes", json_integer((json_int_t)ao->auth_data_raw.len));
	json_object_set_new(j, "authDataOffset", json_integer((json_int_t)ao->auth_data_offset));
	if (ao->auth_data != NULL)
		json_object_set_new(j, "authData", fsim_describe_authdata(ao->auth_data, names));
	return j;
}

json_t *
fsim_describe_clientdata(const fsim_clientdata_t *cd)
{
	json_t *j = json_object(), *extra;
	const char *key;
	json_t *val;
	fsim_blob_t ch = { 0 };

	if (j == NULL)
		return NULL;
	if (cd->type)
		json_object_set_new(j, "type", json_string(cd->type));
	if (cd->challenge) {
		json_object_set_new(j, "challenge", json_string(cd->challenge));
		if (fsim_b64url_decode(cd->challenge, strlen(cd->challenge), &ch, NULL, NULL) == 0) {
			json_object_set_new(j, "challengeBytes", json_integer((json_int_t)ch.len));
			fsim_blob_reset(&ch);
		} else
			json_object_set_new(j, "challengeBytes",
			    json_string("(not valid base64url)"));
	}
	if (cd->origin)
		json_object_set_new(j, "origin", json_string(cd->origin));
	if (cd->cross_origin >= 0)
		json_object_set_new(j, "crossOrigin", json_boolean(cd->cross_origin));
	if (cd->top_origin)
		json_object_set_new(j, "topOrigin", json_string(cd->top_origin));
	if ((extra = json_object()) != NULL) {
		json_object_foreach(cd->root, key, val) {
			if (strcmp(key, "type") && strcmp(key, "challenge") &&
			    strcmp(key, "origin") && strcmp(key, "crossOrigin") &&
			    strcmp(key, "topOrigin"))
				json_object_set(extra, key, val);
		}
		if (json_object_size(extra) > 0)
			json_object_set_new(j, "otherMembers", extra);
		else
			json_decref(extra);
	}
	json_object_set_new(j, "canonicalOrder", json_boolean(cd->canonical_order));
	json_object_set_new(j, "hash", fsim_describe_hex(cd->hash, 32));
	return j;
}

/* A glance at a signature's form; verification is the RP's job. */
json_t *
fsim_describe_signature(const uint8_t *sig, size_t len)
{
	json_t *j = json_object();
	const char *form;

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "bytes", json_integer((json_int_t)len));
	if (len >= 8 && sig[0] == 0x30 && (size_t)sig[1] + 2 == len)
		form = "ASN.1 DER SEQUENCE (ECDSA Ecdsa-Sig-Value)";
	else if (len == 64)
		form = "64 raw bytes (Ed25519, or raw ECDSA r||s, which WebAuthn forbids)";
	else if (len == 114)
		form = "114 raw bytes (Ed448)";
	else if (len >= 128)
		form = "raw bytes (RSA signature size)";
	else
		form = "unrecognised";
	json_object_set_new(j, "form", json_string(form));
	json_object_set_new(j, "hex", fsim_describe_hex(sig, len));
	return j;
}

json_t *
fsim_describe_diags(const fsim_diags_t *d, fsim_sev_t sev)
{
	json_t *arr = json_array();
	size_t i;

	if (arr == NULL || d == NULL)
		return arr;
	for (i = 0; i < d->n; i++) {
		const fsim_diag_t *e = &d->v[i];
		json_t *o;

		if (e->sev != sev || (o = json_object()) == NULL)
			continue;
		json_object_set_new(o, "rule", json_string(e->rule));
		json_object_set_new(o, "field", json_string(e->field));
		if (e->offset != FSIM_NO_OFFSET)
			json_object_set_new(o, "offset", json_integer((json_int_t)e->offset));
		json_object_set_new(o, "message", json_string(e->msg));
		json_array_append_new(arr, o);
	}
	return arr;
}
