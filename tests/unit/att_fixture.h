/*
 * att_fixture.h — shared by the attestation format tests (test_x509util.c,
 * test_fmt_*.c): test certificates made at run time with OpenSSL (keys are
 * generated per run, none is committed), attStmt maps built with libcbor,
 * and the W3C L3 registration vectors decoded into a format context.
 */
#ifndef ATT_FIXTURE_H
#define ATT_FIXTURE_H

#include <openssl/x509v3.h>

#include "cose_fixture.h"
#include "core/fsim_core.h"
#include "rp-sim/checks.h"
#include "rp-sim/fmt.h"
#include "rp-sim/x509util.h"

/* How a test certificate says (or does not say) basic constraints. */
enum {
	FX_BC_NONE = 0,          /* no extension */
	FX_BC_CA_FALSE,          /* 30 00: the DER form (cA DEFAULT FALSE omitted) */
	FX_BC_CA_FALSE_EXPLICIT, /* 30 03 01 01 00: Chrome's explicit FALSE (PIT-18) */
	FX_BC_CA_TRUE,           /* 30 03 01 01 ff */
};

typedef struct fx_cert {
	long version;                 /* X509_VERSION_3 or X509_VERSION_1 */
	const char *c, *o, *ou, *cn;  /* subject parts; NULL leaves one out */
	int bc;                       /* FX_BC_* */
	bool bc_critical;
	const uint8_t *aaguid;        /* the AAGUID extension's 16 bytes, or NULL */
	bool aaguid_critical;
	const uint8_t *aaguid_raw;    /* or an extnValue given byte for byte */
	size_t aaguid_raw_len;
	bool sernum;                  /* add id-fido-gen-ce-sernum */
} fx_cert_t;

/* A leaf that meets §8.2.1: v3, C/O/OU/CN, CA false, no AAGUID extension. */
static FIXTURE_UNUSED fx_cert_t
fx_packed_leaf(void)
{
	fx_cert_t s = {
		.version = X509_VERSION_3, .c = "AA", .o = "fidosim tests",
		.ou = "Authenticator Attestation", .cn = "fidosim test leaf",
		.bc = FX_BC_CA_FALSE, .bc_critical = true,
	};
	return s;
}

static FIXTURE_UNUSED int
fx_add_raw_ext(X509 *x, const char *oid, bool crit, const uint8_t *val, size_t len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e = NULL;
	int ok = 0;

	if (obj != NULL && os != NULL && ASN1_OCTET_STRING_set(os, val, (int)len) == 1 &&
	    (e = X509_EXTENSION_create_by_OBJ(NULL, obj, crit ? 1 : 0, os)) != NULL &&
	    X509_add_ext(x, e, -1) == 1)
		ok = 1;
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return ok;
}

static FIXTURE_UNUSED int
fx_name_add(X509_NAME *n, const char *field, const char *v)
{
	if (v == NULL)
		return 1;
	return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
	    (const unsigned char *)v, -1, -1, 0);
}

/* A certificate for `subject` signed by `issuer` (ECDSA/SHA-256 or RSA/SHA-256). */
static FIXTURE_UNUSED X509 *
fx_cert(const fx_cert_t *s, EVP_PKEY *subject, EVP_PKEY *issuer)
{
	static const uint8_t bc_false[] = { 0x30, 0x00 };
	static const uint8_t bc_false_x[] = { 0x30, 0x03, 0x01, 0x01, 0x00 };
	static const uint8_t bc_true[] = { 0x30, 0x03, 0x01, 0x01, 0xff };
	static const uint8_t sernum[] = { 0x04, 0x04, 0x01, 0x02, 0x03, 0x04 };
	X509 *x = X509_new();
	X509_NAME *sn = X509_NAME_new(), *in = X509_NAME_new();
	uint8_t av[18];
	int ok = 0;

	if (x == NULL || sn == NULL || in == NULL)
		goto out;
	if (X509_set_version(x, s->version) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(x), 4242) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365) == NULL)
		goto out;
	if (!fx_name_add(sn, "C", s->c) || !fx_name_add(sn, "O", s->o) ||
	    !fx_name_add(sn, "OU", s->ou) || !fx_name_add(sn, "CN", s->cn) ||
	    !fx_name_add(in, "C", "AA") || !fx_name_add(in, "O", "fidosim tests") ||
	    !fx_name_add(in, "CN", "fidosim test root") ||
	    X509_set_subject_name(x, sn) != 1 || X509_set_issuer_name(x, in) != 1 ||
	    X509_set_pubkey(x, subject) != 1)
		goto out;
	if (s->bc == FX_BC_CA_FALSE &&
	    !fx_add_raw_ext(x, "2.5.29.19", s->bc_critical, bc_false, sizeof(bc_false)))
		goto out;
	if (s->bc == FX_BC_CA_FALSE_EXPLICIT &&
	    !fx_add_raw_ext(x, "2.5.29.19", s->bc_critical, bc_false_x, sizeof(bc_false_x)))
		goto out;
	if (s->bc == FX_BC_CA_TRUE &&
	    !fx_add_raw_ext(x, "2.5.29.19", s->bc_critical, bc_true, sizeof(bc_true)))
		goto out;
	if (s->aaguid != NULL) {
		av[0] = 0x04;
		av[1] = 0x10;
		memcpy(av + 2, s->aaguid, 16);
		if (!fx_add_raw_ext(x, FSIM_OID_FIDO_AAGUID, s->aaguid_critical, av, sizeof(av)))
			goto out;
	}
	if (s->aaguid_raw != NULL && !fx_add_raw_ext(x, FSIM_OID_FIDO_AAGUID,
	    s->aaguid_critical, s->aaguid_raw, s->aaguid_raw_len))
		goto out;
	if (s->sernum && !fx_add_raw_ext(x, FSIM_OID_FIDO_SERNUM, false, sernum,
	    sizeof(sernum)))
		goto out;
	if (X509_sign(x, issuer, EVP_sha256()) <= 0)
		goto out;
	ok = 1;
out:
	X509_NAME_free(sn);
	X509_NAME_free(in);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* The certificate's DER into a blob (0 on success). */
static FIXTURE_UNUSED int
fx_der(X509 *x, fsim_blob_t *out)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);
	int r;

	if (n <= 0)
		return FSIM_ERR_INTERNAL;
	r = fsim_blob_set(out, p, (size_t)n);
	OPENSSL_free(p);
	return r;
}

/* ---- attStmt builders (each put takes ownership; failures abort the test) ---- */

static FIXTURE_UNUSED void
fx_put(cbor_item_t *map, const char *key, cbor_item_t *val)
{
	assert_non_null(val);
	assert_int_equal(fsim_cbor_map_put(map, fsim_cbor_text(key), val), 0);
}

static FIXTURE_UNUSED void
fx_put_int(cbor_item_t *map, const char *key, int64_t v)
{
	fx_put(map, key, fsim_cbor_int(v));
}

static FIXTURE_UNUSED void
fx_put_bytes(cbor_item_t *map, const char *key, const uint8_t *p, size_t n)
{
	fx_put(map, key, fsim_cbor_bytes(p, n));
}

/* An array of the certificates' DER. */
static FIXTURE_UNUSED cbor_item_t *
fx_x5c(X509 *const *certs, size_t n)
{
	cbor_item_t *a = cbor_new_definite_array(n);
	fsim_blob_t der = { 0 };
	size_t i;

	assert_non_null(a);
	for (i = 0; i < n; i++) {
		assert_int_equal(fx_der(certs[i], &der), 0);
		assert_true(cbor_array_push(a, cbor_move(fsim_cbor_bytes(der.ptr, der.len))));
		fsim_blob_reset(&der);
	}
	return a;
}

/* ---- W3C vectors as a format context ---- */

typedef struct fx_vec {
	fsim_attobj_t *ao;
	uint8_t cdh[32];
	fsim_blob_t ad;   /* a copy of authData tests may change */
} fx_vec_t;

static FIXTURE_UNUSED void
fx_vec_load(const char *name, fx_vec_t *v)
{
	json_t *j = fixture_vector(name);
	fsim_blob_t ao = { 0 }, cdj = { 0 };
	unsigned int n = 0;

	memset(v, 0, sizeof(*v));
	assert_non_null(j);
	assert_int_equal(fixture_b64(j, "response", "response", "attestationObject", &ao), 0);
	assert_int_equal(fixture_b64(j, "response", "response", "clientDataJSON", &cdj), 0);
	assert_int_equal(fsim_attobj_parse(ao.ptr, ao.len, &v->ao, NULL), 0);
	assert_int_equal(EVP_Digest(cdj.ptr, cdj.len, v->cdh, &n, EVP_sha256(), NULL), 1);
	assert_int_equal(fsim_blob_set(&v->ad, v->ao->auth_data_raw.ptr,
	    v->ao->auth_data_raw.len), 0);
	fsim_blob_reset(&ao);
	fsim_blob_reset(&cdj);
	json_decref(j);
}

static FIXTURE_UNUSED void
fx_vec_free(fx_vec_t *v)
{
	fsim_attobj_free(&v->ao);
	fsim_blob_reset(&v->ad);
}

/*
 * A registration of our own: authData (UP, UV, AT) for credential key `cred`
 * under `alg`, rpIdHash of "example.org", AAGUID `aaguid`, a 16-byte
 * credential ID, and a fixed client data hash; for statements that must be
 * signed by the credential key (self attestation) or several statements over
 * the same authData (compound).
 */
static FIXTURE_UNUSED void
fx_vec_make(EVP_PKEY *cred, int alg, const uint8_t aaguid[16], fx_vec_t *v)
{
	fsim_authdata_t *ad = fsim_authdata_new();
	fsim_blob_t enc = { 0 }, ao = { 0 };
	unsigned int n = 0;

	memset(v, 0, sizeof(*v));
	assert_non_null(ad);
	assert_int_equal(EVP_Digest("example.org", 11, ad->rp_id_hash, &n, EVP_sha256(),
	    NULL), 1);
	ad->flags = FSIM_AD_UP | FSIM_AD_UV | FSIM_AD_AT;
	memcpy(ad->aaguid, aaguid, 16);
	assert_int_equal(fsim_blob_set(&ad->cred_id,
	    (const uint8_t *)"fidosim-cred-id!", 16), 0);
	assert_int_equal(fsim_cose_key_from_pkey(cred, alg, &ad->cose_key), 0);
	assert_int_equal(fsim_authdata_encode(ad, &enc), 0);
	assert_int_equal(fsim_attobj_encode("none", NULL, enc.ptr, enc.len, &ao), 0);
	assert_int_equal(fsim_attobj_parse(ao.ptr, ao.len, &v->ao, NULL), 0);
	assert_int_equal(fsim_blob_set(&v->ad, enc.ptr, enc.len), 0);
	memset(v->cdh, 0xc5, sizeof(v->cdh));
	fsim_blob_reset(&enc);
	fsim_blob_reset(&ao);
	fsim_authdata_free(&ad);
}

/* A context over the vector's authData copy and client data hash; stmt NULL means its own attStmt. */
static FIXTURE_UNUSED fsim_fmt_ctx_t
fx_ctx(const fx_vec_t *v, const cbor_item_t *stmt, fsim_checks_t *ck)
{
	fsim_fmt_ctx_t c;

	memset(&c, 0, sizeof(c));
	c.att_stmt = stmt != NULL ? stmt : v->ao->att_stmt;
	c.auth_data = v->ad.ptr;
	c.auth_data_len = v->ad.len;
	c.ad = v->ao->auth_data;
	memcpy(c.client_data_hash, v->cdh, 32);
	c.ck = ck;
	return c;
}

/* Sign authData || cdh of the vector with key under alg. */
static FIXTURE_UNUSED void
fx_sign_ad_cdh(const fx_vec_t *v, EVP_PKEY *key, int alg, fsim_blob_t *sig)
{
	fsim_blob_t msg = { 0 };

	assert_int_equal(fsim_blob_set(&msg, v->ad.ptr, v->ad.len), 0);
	assert_int_equal(fsim_blob_append(&msg, v->cdh, 32), 0);
	assert_int_equal(fsim_sig_sign(key, alg, msg.ptr, msg.len, sig), 0);
	fsim_blob_reset(&msg);
}

/* Print the checklist when a test fails, to see why. */
static FIXTURE_UNUSED void
fx_dump(const fsim_checks_t *ck)
{
	size_t i;

	for (i = 0; i < ck->n; i++)
		if (ck->v[i].status != FSIM_CHECK_PASS)
			print_message("  %s %d %s: %s\n", fsim_rule(ck->v[i].rule)->id,
			    (int)ck->v[i].status, ck->v[i].field, ck->v[i].msg);
}

/*
 * Run a format verifier on ctx c: the type and the trust path's length come
 * back (-1 when there is none), the path is freed here, and a failure must
 * leave the result empty (fmt.h: results only on success).
 */
static FIXTURE_UNUSED int
fx_run(fsim_fmt_verify_fn fn, const fsim_fmt_ctx_t *c, fsim_att_type_t *type, int *n)
{
	fsim_fmt_result_t res = { .type = FSIM_ATT_TYPE_UNKNOWN, .x5c = NULL };
	int r = fn(c, &res);

	if (type != NULL)
		*type = res.type;
	if (n != NULL)
		*n = res.x5c != NULL ? sk_X509_num(res.x5c) : -1;
	if (r != 0) {
		assert_null(res.x5c);
		assert_int_equal(res.type, FSIM_ATT_TYPE_UNKNOWN);
	}
	sk_X509_pop_free(res.x5c, X509_free);
	return r;
}

#endif /* !ATT_FIXTURE_H */
