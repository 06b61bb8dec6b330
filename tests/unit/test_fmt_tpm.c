/*
 * test_fmt_tpm.c — the tpm attestation format (WebAuthn §8.3, §8.3.1) and
 * its TPM 2.0 structures (rp-sim/tpm_struct.c): the W3C L3 tpm registration
 * verifies (AttCA, the vector's one-certificate trust path), then mutations
 * each fail their specific rule: ATT-TPM-01 (shape), -02 (pubArea is the
 * credential key), -03 (AIK certificate), -04 (sig), -05 (certInfo).
 *
 * Data: vectors/w3c-l3/w3c-tpm-es256-registration.json (WebAuthn L3 §16.13,
 * see the README there). AIK certificates for the certificate mutations are
 * made at run time (root and AIK keys generated per run), and certInfo is
 * re-signed with the generated AIK key. The RSA case generates its RSA-2048
 * credential key per run and builds authData, pubArea and certInfo itself;
 * the RS1 case uses the fixed RSA test key of cose_fixture.h as its AIK.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>

#include "att_fixture.h"
#include "rp-sim/fmt_tpm.h"
#include "rp-sim/policy_preset.h"
#include "rp-sim/tpm_struct.h"

#define VEC "w3c-tpm-es256-registration"

typedef struct st {
	EVP_PKEY *root, *aik, *rsa_cred, *rsa_aik;
	X509 *aik_cert;          /* a good AIK certificate for s->aik */
	fx_vec_t v;
} st_t;

/* ---- AIK certificates ---- */

typedef struct aik_spec {
	long version;
	bool subject;            /* put a CN in the subject */
	bool no_san, san_noncrit, san_no_model, hw_module;
	const char *manufacturer;
	int eku;                 /* 0: AIK purpose, 1: none, 2: serverAuth only */
	bool ca_true;
	const uint8_t *aaguid;
} aik_spec_t;

static aik_spec_t
good_aik(void)
{
	aik_spec_t a = { .version = X509_VERSION_3, .manufacturer = "id:FFFFF1D0" };

	return a;
}

static void
dn_add(X509_NAME *dn, const char *oid, const char *v)
{
	assert_int_equal(X509_NAME_add_entry_by_txt(dn, oid, MBSTRING_UTF8,
	    (const unsigned char *)v, -1, -1, 0), 1);
}

/* The SAN of the TCG EK profile §3.2.9 (plus a HardwareModuleName if asked). */
static void
add_san(X509 *x, const aik_spec_t *s)
{
	static const uint8_t hwm[] = {   /* SEQUENCE { OID 1.2.3, OCTET STRING 01 } */
		0x30, 0x07, 0x06, 0x02, 0x2a, 0x03, 0x04, 0x01, 0x01,
	};
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	GENERAL_NAME *g = GENERAL_NAME_new();
	X509_NAME *dn = X509_NAME_new();

	assert_true(gens != NULL && g != NULL && dn != NULL);
	dn_add(dn, FSIM_OID_TCG_AT_TPM_MANUFACTURER, s->manufacturer);
	if (!s->san_no_model)
		dn_add(dn, FSIM_OID_TCG_AT_TPM_MODEL, "fidosim TPM");
	dn_add(dn, FSIM_OID_TCG_AT_TPM_VERSION, "id:00010002");
	GENERAL_NAME_set0_value(g, GEN_DIRNAME, dn);
	assert_true(sk_GENERAL_NAME_push(gens, g) > 0);
	if (s->hw_module) {
		ASN1_TYPE *t = ASN1_TYPE_new();
		ASN1_STRING *seq = ASN1_STRING_new();

		assert_non_null(g = GENERAL_NAME_new());
		assert_true(t != NULL && seq != NULL);
		assert_int_equal(ASN1_STRING_set(seq, hwm, sizeof(hwm)), 1);
		ASN1_TYPE_set(t, V_ASN1_SEQUENCE, seq);
		assert_int_equal(GENERAL_NAME_set0_othername(g,
		    OBJ_txt2obj(FSIM_OID_HARDWARE_MODULE_NAME, 1), t), 1);
		assert_true(sk_GENERAL_NAME_push(gens, g) > 0);
	}
	assert_int_equal(X509_add1_ext_i2d(x, NID_subject_alt_name, gens,
	    s->san_noncrit ? 0 : 1, X509V3_ADD_DEFAULT), 1);
	GENERAL_NAMES_free(gens);
}

static void
add_eku(X509 *x, const char *oid)
{
	EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();

	assert_non_null(eku);
	assert_true(sk_ASN1_OBJECT_push(eku, OBJ_txt2obj(oid, 1)) > 0);
	assert_int_equal(X509_add1_ext_i2d(x, NID_ext_key_usage, eku, 0,
	    X509V3_ADD_DEFAULT), 1);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

static X509 *
mk_aik(const aik_spec_t *s, EVP_PKEY *key, EVP_PKEY *root)
{
	static const uint8_t bc_false[] = { 0x30, 0x00 };
	static const uint8_t bc_true[] = { 0x30, 0x03, 0x01, 0x01, 0xff };
	X509 *x = X509_new();
	X509_NAME *in = X509_NAME_new();
	uint8_t av[18];

	assert_true(x != NULL && in != NULL);
	assert_int_equal(X509_set_version(x, s->version), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 2323), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365));
	assert_true(fx_name_add(in, "CN", "fidosim test TPM CA"));
	assert_int_equal(X509_set_issuer_name(x, in), 1);
	if (s->subject)
		assert_true(fx_name_add(X509_get_subject_name(x), "CN", "an AIK"));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	if (!s->no_san)
		add_san(x, s);
	if (s->eku == 0)
		add_eku(x, FSIM_OID_TCG_KP_AIK);
	else if (s->eku == 2)
		add_eku(x, "1.3.6.1.5.5.7.3.1");
	assert_true(fx_add_raw_ext(x, "2.5.29.19", true, s->ca_true ? bc_true : bc_false,
	    s->ca_true ? sizeof(bc_true) : sizeof(bc_false)));
	if (s->aaguid != NULL) {
		av[0] = 0x04;
		av[1] = 0x10;
		memcpy(av + 2, s->aaguid, 16);
		assert_true(fx_add_raw_ext(x, FSIM_OID_FIDO_AAGUID, false, av, sizeof(av)));
	}
	assert_true(X509_sign(x, root, EVP_sha256()) > 0);
	X509_NAME_free(in);
	return x;
}

static int
setup(void **state)
{
	st_t *s = calloc(1, sizeof(*s));
	aik_spec_t a = good_aik();

	if (s == NULL)
		return -1;
	*state = s;
	s->root = fixture_key("P-256");
	s->aik = fixture_key("P-256");
	/* The brief's RSA credential: generated per run (slow under valgrind, once). */
	s->rsa_cred = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	s->rsa_aik = fixture_key("RSA2048");
	if (s->root == NULL || s->aik == NULL || s->rsa_cred == NULL || s->rsa_aik == NULL)
		return -1;
	s->aik_cert = mk_aik(&a, s->aik, s->root);
	fx_vec_load(VEC, &s->v);
	return 0;
}

static int
teardown(void **state)
{
	st_t *s = *state;

	EVP_PKEY_free(s->root);
	EVP_PKEY_free(s->aik);
	EVP_PKEY_free(s->rsa_cred);
	EVP_PKEY_free(s->rsa_aik);
	X509_free(s->aik_cert);
	fx_vec_free(&s->v);
	free(s);
	return 0;
}

/* ---- running the verifier ---- */

/* Run on ctx c; the trust path is freed here, its length returned in *n. */
static int
run_ctx(const fsim_fmt_ctx_t *c, fsim_att_type_t *type, int *n)
{
	return fx_run(fsim_fmt_tpm, c, type, n);
}

static void
expect_ctx(const fsim_fmt_ctx_t *c, int want_rc, fsim_rule_id_t rule)
{
	int r = run_ctx(c, NULL, NULL);

	if (r != want_rc || !fsim_checks_failed(c->ck, rule))
		fx_dump(c->ck);
	assert_int_equal(r, want_rc);
	assert_true(fsim_checks_failed(c->ck, rule));
}

/* Expect rc want_rc with a FAIL under rule. */
static void
expect(const fx_vec_t *v, const cbor_item_t *stmt, int want_rc, fsim_rule_id_t rule)
{
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;

	fsim_checks_init(&ck);
	c = fx_ctx(v, stmt, &ck);
	expect_ctx(&c, want_rc, rule);
	fsim_checks_clear(&ck);
}

static bool
has_pass(const fsim_checks_t *ck, fsim_rule_id_t rule)
{
	size_t i;

	for (i = 0; i < ck->n; i++)
		if (ck->v[i].rule == rule && ck->v[i].status == FSIM_CHECK_PASS)
			return true;
	return false;
}

/* Expect success with no FAIL; returns the WARN count. */
static size_t
expect_ok(const fsim_fmt_ctx_t *c)
{
	fsim_att_type_t type;
	size_t w;
	int n, r = run_ctx(c, &type, &n);

	if (r != 0)
		fx_dump(c->ck);
	assert_int_equal(r, 0);
	assert_int_equal(type, FSIM_ATT_TYPE_ATTCA);
	assert_int_equal(n, 1);
	assert_int_equal(fsim_checks_fail_count(c->ck), 0);
	w = fsim_checks_count(c->ck, FSIM_CHECK_WARN);
	return w;
}

/* ---- statements ---- */

static const uint8_t *
member(const fx_vec_t *v, const char *k, size_t *n)
{
	const uint8_t *p = NULL;

	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(v->ao->att_stmt, k),
	    &p, n), 0);
	return p;
}

/* The vector's attStmt with member `key` replaced by val (taken), or dropped when val is NULL. */
static cbor_item_t *
with(const fx_vec_t *v, const char *key, cbor_item_t *val)
{
	const cbor_item_t *m = v->ao->att_stmt;
	struct cbor_pair *p = cbor_map_handle(m);
	cbor_item_t *n = cbor_new_definite_map(cbor_map_size(m) + 1);
	size_t i, kl = strlen(key);

	assert_non_null(n);
	for (i = 0; i < cbor_map_size(m); i++) {
		if (cbor_string_length(p[i].key) == kl &&
		    memcmp(cbor_string_handle(p[i].key), key, kl) == 0)
			continue;
		assert_int_equal(fsim_cbor_map_put(n, cbor_incref(p[i].key),
		    cbor_incref(p[i].value)), 0);
	}
	if (val != NULL)
		fx_put(n, key, val);
	return n;
}

/* The vector's member `key` with byte `at` xored by x. */
static cbor_item_t *
with_flip(const fx_vec_t *v, const char *key, size_t at, uint8_t x)
{
	fsim_blob_t b = { 0 };
	const uint8_t *p;
	size_t n;
	cbor_item_t *m;

	p = member(v, key, &n);
	assert_true(at < n);
	assert_int_equal(fsim_blob_set(&b, p, n), 0);
	b.ptr[at] ^= x;
	m = with(v, key, fsim_cbor_bytes(b.ptr, b.len));
	fsim_blob_reset(&b);
	return m;
}

/* A whole statement: ver "2.0", alg, x5c [aik], sig, certInfo, pubArea. */
static cbor_item_t *
stmt(int64_t alg, X509 *aik, const fsim_blob_t *sig, const fsim_blob_t *ci,
    const fsim_blob_t *pa)
{
	cbor_item_t *m = cbor_new_definite_map(6);

	assert_non_null(m);
	fx_put(m, "ver", fsim_cbor_text("2.0"));
	fx_put_int(m, "alg", alg);
	fx_put(m, "x5c", fx_x5c(&aik, 1));
	fx_put_bytes(m, "sig", sig->ptr, sig->len);
	fx_put_bytes(m, "certInfo", ci->ptr, ci->len);
	fx_put_bytes(m, "pubArea", pa->ptr, pa->len);
	return m;
}

/* The vector's certInfo and pubArea (certInfo optionally flipped at `at`), re-signed by the AIK. */
static cbor_item_t *
resigned(const st_t *s, X509 *aik, size_t at, uint8_t x)
{
	fsim_blob_t sig = { 0 }, ci = { 0 }, pa = { 0 };
	const uint8_t *p;
	size_t n;
	cbor_item_t *m;

	p = member(&s->v, "certInfo", &n);
	assert_int_equal(fsim_blob_set(&ci, p, n), 0);
	if (x != 0)
		ci.ptr[at] ^= x;
	p = member(&s->v, "pubArea", &n);
	assert_int_equal(fsim_blob_set(&pa, p, n), 0);
	assert_int_equal(fsim_sig_sign(s->aik, FSIM_COSE_ES256, ci.ptr, ci.len, &sig), 0);
	m = stmt(FSIM_COSE_ES256, aik, &sig, &ci, &pa);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&ci);
	fsim_blob_reset(&pa);
	return m;
}

/* ---- the vector ---- */

static void
test_vector(void **state)
{
	st_t *s = *state;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	size_t i;
	bool seen[5] = { false };

	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, NULL, &ck);
	assert_int_equal(expect_ok(&c), 0);
	/* every rule checked and passed; the TCG names are reported */
	for (i = 0; i < ck.n; i++) {
		if (ck.v[i].status == FSIM_CHECK_PASS && ck.v[i].rule >= FSIM_R_ATT_TPM_01 &&
		    ck.v[i].rule <= FSIM_R_ATT_TPM_05)
			seen[ck.v[i].rule - FSIM_R_ATT_TPM_01] = true;
		if (ck.v[i].status == FSIM_CHECK_INFO && ck.v[i].rule == FSIM_R_ATT_TPM_03)
			assert_non_null(strstr(ck.v[i].msg, "id:00000000"));
	}
	for (i = 0; i < 5; i++)
		assert_true(seen[i]);
	fsim_checks_clear(&ck);

	/* out-of-contract calls */
	assert_int_equal(fsim_fmt_tpm(NULL, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_fmt_tpm(&c, NULL), FSIM_ERR_ARG);
}

/* ---- ATT-TPM-01: shape ---- */

static void
test_shape(void **state)
{
	st_t *s = *state;
	static const char *const req[] = { "ver", "alg", "x5c", "sig", "certInfo", "pubArea" };
	cbor_item_t *m;
	size_t i;

	m = with(&s->v, "ver", fsim_cbor_text("1.0"));
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_01);
	cbor_decref(&m);
	m = with(&s->v, "ver", fsim_cbor_text("2.0 "));
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_01);
	cbor_decref(&m);
	m = with(&s->v, "ver", fsim_cbor_bytes((const uint8_t *)"2.0", 3));
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_01);
	cbor_decref(&m);
	/* each required member missing, then of the wrong type */
	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		m = with(&s->v, req[i], NULL);
		expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_01);
		cbor_decref(&m);
		m = with(&s->v, req[i], strcmp(req[i], "ver") == 0 ? fsim_cbor_int(2) :
		    fsim_cbor_text("2.0"));
		expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_01);
		cbor_decref(&m);
	}
	m = with(&s->v, "x5c", cbor_new_definite_array(0));
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_01);
	cbor_decref(&m);
	/* ECDAA was removed: ecdaaKeyId is a failure even with x5c there */
	m = with(&s->v, "ecdaaKeyId", fsim_cbor_bytes((const uint8_t *)"0123456789abcdef", 16));
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_01);
	cbor_decref(&m);
	m = cbor_new_definite_array(0);
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_01);
	cbor_decref(&m);
}

/* An unknown member is reported as info and otherwise ignored. */
static void
test_unknown_member(void **state)
{
	st_t *s = *state;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	cbor_item_t *m = with(&s->v, "extra", fsim_cbor_int(1));

	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	assert_int_equal(expect_ok(&c), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_INFO) >= 1, 1);
	fsim_checks_clear(&ck);
	cbor_decref(&m);
}

/* ---- ATT-TPM-02: pubArea ---- */

static void
test_pub_area(void **state)
{
	st_t *s = *state;
	fsim_tpm_public_t t;
	fsim_blob_t b = { 0 };
	const uint8_t *pa;
	size_t n, i;
	cbor_item_t *m;

	pa = member(&s->v, "pubArea", &n);
	assert_int_equal(fsim_tpm_public_parse(pa, n, &t, NULL, NULL, NULL), 0);
	assert_int_equal(t.type, FSIM_TPM_ALG_ECC);
	assert_int_equal(t.name_alg, FSIM_TPM_ALG_SHA256);
	assert_int_equal(t.curve_id, FSIM_TPM_ECC_NIST_P256);
	assert_int_equal(t.ecc_x.len, 32);
	assert_int_equal(t.ecc_y.len, 32);

	/* unique.x and unique.y changed: another key (the name no longer matches either) */
	m = with_flip(&s->v, "pubArea", t.ecc_x.off + 5, 0x01);
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);
	m = with_flip(&s->v, "pubArea", t.ecc_y.off + t.ecc_y.len - 1, 0x80);
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);
	/* curveID P-384 */
	m = with_flip(&s->v, "pubArea", t.curve_off + 1, 0x03 ^ 0x04);
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);
	/* type RSA: the rest no longer parses as TPMS_RSA_PARMS + unique */
	m = with_flip(&s->v, "pubArea", 1, 0x23 ^ 0x01);
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);
	/* type neither RSA nor ECC */
	m = with_flip(&s->v, "pubArea", 1, 0x23 ^ 0x25);
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);
	/* scheme unknown: its details have no known layout */
	m = with_flip(&s->v, "pubArea", 13, 0x10 ^ 0x77);
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);

	/* a trailing byte */
	assert_int_equal(fsim_blob_set(&b, pa, n), 0);
	assert_int_equal(fsim_blob_append(&b, (const uint8_t *)"\x00", 1), 0);
	m = with(&s->v, "pubArea", fsim_cbor_bytes(b.ptr, b.len));
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);
	fsim_blob_reset(&b);

	/* truncated at every length, including inside each TPM2B and the empty pubArea */
	for (i = 0; i < n; i++) {
		m = with(&s->v, "pubArea", fsim_cbor_bytes(pa, i));
		expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_02);
		cbor_decref(&m);
	}
	/* a TPM2B claiming more than is there, or more than its maximum */
	m = with_flip(&s->v, "pubArea", t.ecc_y.off - 1, 0x20 ^ 0x21);
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);
	m = with_flip(&s->v, "pubArea", t.ecc_x.off - 2, 0x01);
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_02);
	cbor_decref(&m);
}

/* ---- ATT-TPM-05: certInfo ---- */

static void
test_cert_info(void **state)
{
	st_t *s = *state;
	fsim_tpm_attest_t a;
	fsim_blob_t b = { 0 };
	const uint8_t *ci;
	size_t n, i;
	cbor_item_t *m;

	ci = member(&s->v, "certInfo", &n);
	assert_int_equal(fsim_tpm_attest_parse(ci, n, &a, NULL, NULL, NULL), 0);
	assert_int_equal(a.magic, FSIM_TPM_GENERATED_VALUE);
	assert_int_equal(a.type, FSIM_TPM_ST_ATTEST_CERTIFY);
	assert_true(a.certify);
	assert_int_equal(a.extra_data.len, 32);
	assert_int_equal(a.name.len, 34);

	/* magic, type, extraData, name (sig then fails too: certInfo changed) */
	m = with_flip(&s->v, "certInfo", 0, 0x01);
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_05);
	cbor_decref(&m);
	m = with_flip(&s->v, "certInfo", 5, 0x17 ^ 0x18);   /* TPM_ST_ATTEST_QUOTE */
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_05);
	cbor_decref(&m);
	m = with_flip(&s->v, "certInfo", a.extra_data.off + 7, 0x40);
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_05);
	cbor_decref(&m);
	m = with_flip(&s->v, "certInfo", a.name.off + a.name.len - 1, 0x40);
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_05);
	cbor_decref(&m);
	/* the name's nameAlg bytes changed to SHA-384: the name is of another algorithm */
	m = with_flip(&s->v, "certInfo", a.name.off + 1, 0x0b ^ 0x0c);
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_05);
	cbor_decref(&m);

	/* truncated at every length 0..len-1 */
	for (i = 0; i < n; i++) {
		m = with(&s->v, "certInfo", fsim_cbor_bytes(ci, i));
		expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_05);
		cbor_decref(&m);
	}
	/* a trailing byte */
	assert_int_equal(fsim_blob_set(&b, ci, n), 0);
	assert_int_equal(fsim_blob_append(&b, (const uint8_t *)"\x00", 1), 0);
	m = with(&s->v, "certInfo", fsim_cbor_bytes(b.ptr, b.len));
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_05);
	cbor_decref(&m);
	fsim_blob_reset(&b);
	/* extraData's size beyond TPM2B_DATA's maximum */
	m = with_flip(&s->v, "certInfo", a.extra_data.off - 1, 0x20 ^ 0x50);
	expect(&s->v, m, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_05);
	cbor_decref(&m);
}

/* certInfo mutations re-signed by our AIK: only ATT-TPM-05 fails, sig passes. */
static void
test_cert_info_resigned(void **state)
{
	st_t *s = *state;
	fsim_tpm_attest_t a;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	const uint8_t *ci;
	size_t n, i;
	size_t at[4];
	cbor_item_t *m;

	ci = member(&s->v, "certInfo", &n);
	assert_int_equal(fsim_tpm_attest_parse(ci, n, &a, NULL, NULL, NULL), 0);
	at[0] = 2;                                  /* magic */
	at[1] = a.extra_data.off;                   /* extraData */
	at[2] = a.name.off + 4;                     /* name digest */
	at[3] = a.extra_data.off + a.extra_data.len + 7;  /* clock (ignored) */
	for (i = 0; i < 4; i++) {
		m = resigned(s, s->aik_cert, at[i], 0x01);
		fsim_checks_init(&ck);
		c = fx_ctx(&s->v, m, &ck);
		if (i == 3) {
			/* §8.3: clockInfo is ignored, so a changed clock still verifies */
			assert_int_equal(expect_ok(&c), 0);
		} else {
			expect_ctx(&c, i == 0 ? FSIM_ERR_FORMAT : FSIM_ERR_SIGNATURE,
			    FSIM_R_ATT_TPM_05);
			assert_false(fsim_checks_failed(&ck, FSIM_R_ATT_TPM_04));
			assert_int_equal(fsim_checks_fail_count(&ck), 1);
		}
		fsim_checks_clear(&ck);
		cbor_decref(&m);
	}
}

/* ---- ATT-TPM-04 and the binding to authData and the client data hash ---- */

static void
test_sig_and_binding(void **state)
{
	st_t *s = *state;
	const uint8_t *sig;
	size_t n;
	cbor_item_t *m;

	/* the last byte of s: still DER, no longer valid */
	sig = member(&s->v, "sig", &n);
	m = with_flip(&s->v, "sig", n - 1, 0x01);
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_04);
	cbor_decref(&m);
	/* a sig of the wrong alg: P-256 AIK key and ES384 (extraData is then SHA-384, too) */
	m = with(&s->v, "alg", fsim_cbor_int(FSIM_COSE_ES384));
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_04);
	cbor_decref(&m);
	/* an alg fidosim does not verify for tpm */
	m = with(&s->v, "alg", fsim_cbor_int(FSIM_COSE_EDDSA));
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_04);
	cbor_decref(&m);
	m = with(&s->v, "sig", fsim_cbor_bytes(sig, 0));
	expect(&s->v, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_04);
	cbor_decref(&m);

	/* the client data hash and authData are bound through extraData */
	s->v.cdh[0] ^= 0x01;
	expect(&s->v, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_05);
	s->v.cdh[0] ^= 0x01;
	s->v.ad.ptr[3] ^= 0x01;   /* rpIdHash */
	expect(&s->v, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_05);
	s->v.ad.ptr[3] ^= 0x01;
	s->v.ad.ptr[32] ^= 0x04;  /* flags */
	expect(&s->v, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_05);
	s->v.ad.ptr[32] ^= 0x04;
}

/* ---- ATT-TPM-03: the AIK certificate ---- */

static void
aik_case(st_t *s, const aik_spec_t *a, bool ok, size_t warns)
{
	X509 *x = mk_aik(a, s->aik, s->root);
	cbor_item_t *m = resigned(s, x, 0, 0);
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;

	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	if (ok) {
		assert_int_equal(expect_ok(&c), warns);
	} else {
		expect_ctx(&c, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_03);
		assert_int_equal(fsim_checks_fail_count(&ck),
		    fsim_checks_count(&ck, FSIM_CHECK_FAIL));
		assert_false(fsim_checks_failed(&ck, FSIM_R_ATT_TPM_04));
	}
	fsim_checks_clear(&ck);
	cbor_decref(&m);
	X509_free(x);
}

static void
test_aik(void **state)
{
	st_t *s = *state;
	uint8_t other[16];
	aik_spec_t a;

	a = good_aik();
	aik_case(s, &a, true, 0);
	a.aaguid = s->v.ao->auth_data->aaguid;   /* AAGUID extension matching */
	aik_case(s, &a, true, 0);
	a = good_aik();
	a.manufacturer = "Infineon";             /* not id:XXXXXXXX: a warning only */
	aik_case(s, &a, true, 1);
	a = good_aik();
	a.hw_module = true;
	aik_case(s, &a, true, 1);

	a = good_aik();
	a.subject = true;
	aik_case(s, &a, false, 0);
	a = good_aik();
	a.eku = 1;                               /* no EKU */
	aik_case(s, &a, false, 0);
	a = good_aik();
	a.eku = 2;                               /* EKU without tcg-kp-AIKCertificate */
	aik_case(s, &a, false, 0);
	a = good_aik();
	a.ca_true = true;
	aik_case(s, &a, false, 0);
	a = good_aik();
	memcpy(other, s->v.ao->auth_data->aaguid, 16);
	other[15] ^= 0x01;
	a.aaguid = other;
	aik_case(s, &a, false, 0);
	a = good_aik();
	a.no_san = true;
	aik_case(s, &a, false, 0);
	a = good_aik();
	a.san_noncrit = true;
	aik_case(s, &a, false, 0);
	a = good_aik();
	a.san_no_model = true;
	aik_case(s, &a, false, 0);
	a = good_aik();
	a.version = X509_VERSION_1;
	aik_case(s, &a, false, 0);
}

/* ---- synthetic RSA credential, and RS1 ---- */

static void
put_be(fsim_blob_t *b, uint64_t v, size_t n)
{
	uint8_t x[8];
	size_t i;

	for (i = 0; i < n; i++)
		x[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	assert_int_equal(fsim_blob_append(b, x, n), 0);
}

static void
put_2b(fsim_blob_t *b, const uint8_t *p, size_t n)
{
	put_be(b, n, 2);
	if (n > 0)
		assert_int_equal(fsim_blob_append(b, p, n), 0);
}

/* TPMT_PUBLIC of an RSA key: RSASSA/SHA-256 scheme, the given keyBits and exponent fields. */
static void
rsa_pub_area(EVP_PKEY *k, uint16_t key_bits, uint32_t exponent, fsim_blob_t *out)
{
	BIGNUM *n = NULL;
	uint8_t nb[512];
	int nl;

	assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n), 1);
	assert_true((nl = BN_bn2bin(n, nb)) == 256);
	put_be(out, FSIM_TPM_ALG_RSA, 2);
	put_be(out, FSIM_TPM_ALG_SHA256, 2);
	put_be(out, 0x00060472, 4);             /* fixedTPM, fixedParent, sign, ... */
	put_2b(out, NULL, 0);                   /* authPolicy */
	put_be(out, FSIM_TPM_ALG_NULL, 2);      /* symmetric */
	put_be(out, FSIM_TPM_ALG_RSASSA, 2);    /* scheme */
	put_be(out, FSIM_TPM_ALG_SHA256, 2);    /*   hashAlg */
	put_be(out, key_bits, 2);
	put_be(out, exponent, 4);
	put_2b(out, nb, (size_t)nl);            /* unique */
	BN_free(n);
}

/* TPMS_ATTEST certifying pubArea (nameAlg SHA-256) over authData || cdh hashed with md. */
static void
cert_info(const uint8_t *ad, size_t adlen, const uint8_t cdh[32], const char *md,
    const fsim_blob_t *pa, fsim_blob_t *out)
{
	uint8_t h[2 + 64];
	size_t hl = 0;

	put_be(out, FSIM_TPM_GENERATED_VALUE, 4);
	put_be(out, FSIM_TPM_ST_ATTEST_CERTIFY, 2);
	put_2b(out, (const uint8_t *)"\x00\x0b", 2);          /* qualifiedSigner */
	assert_int_equal(fsim_digest(md, ad, adlen, cdh, 32, h, &hl), 0);
	put_2b(out, h, hl);                                    /* extraData */
	put_be(out, 123456789, 8);                             /* clock */
	put_be(out, 3, 4);
	put_be(out, 4, 4);
	put_be(out, 1, 1);                                     /* safe */
	put_be(out, 0x0001000200030004ULL, 8);                 /* firmwareVersion */
	h[0] = 0x00;
	h[1] = 0x0b;
	assert_int_equal(fsim_digest("SHA256", pa->ptr, pa->len, NULL, 0, h + 2, &hl), 0);
	put_2b(out, h, hl + 2);                                /* name */
	put_2b(out, NULL, 0);                                  /* qualifiedName */
}

/* authData for the RSA credential: the vector's rpIdHash and AAGUID, our key. */
static void
rsa_auth_data(const st_t *s, fsim_blob_t *out, fsim_authdata_t **parsed)
{
	fsim_authdata_t *ad = fsim_authdata_new();

	assert_non_null(ad);
	memcpy(ad->rp_id_hash, s->v.ao->auth_data->rp_id_hash, 32);
	memcpy(ad->aaguid, s->v.ao->auth_data->aaguid, 16);
	ad->flags = FSIM_AD_UP | FSIM_AD_UV | FSIM_AD_AT;
	assert_int_equal(fsim_blob_set(&ad->cred_id, (const uint8_t *)"rsa-credential-01", 17), 0);
	assert_int_equal(fsim_cose_key_from_pkey(s->rsa_cred, FSIM_COSE_RS256, &ad->cose_key), 0);
	assert_int_equal(fsim_authdata_encode(ad, out), 0);
	assert_int_equal(fsim_authdata_parse(out->ptr, out->len, parsed, NULL), 0);
	fsim_authdata_free(&ad);
}

/*
 * The RSA credential with a pubArea for it (keyBits, exponent), or the
 * vector's ECC pubArea when ecc; certInfo certifies that pubArea correctly.
 */
static void
rsa_case(st_t *s, uint16_t key_bits, uint32_t exponent, bool ecc, int want_rc, bool rsa_only)
{
	fsim_blob_t ad = { 0 }, pa = { 0 }, ci = { 0 }, sig = { 0 };
	fsim_authdata_t *pad = NULL;
	uint8_t cdh[32];
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	cbor_item_t *m;

	memset(cdh, 0xc5, sizeof(cdh));
	rsa_auth_data(s, &ad, &pad);
	if (ecc) {
		const uint8_t *p;
		size_t n;

		p = member(&s->v, "pubArea", &n);
		assert_int_equal(fsim_blob_set(&pa, p, n), 0);
	} else {
		rsa_pub_area(s->rsa_cred, key_bits, exponent, &pa);
	}
	cert_info(ad.ptr, ad.len, cdh, "SHA256", &pa, &ci);
	assert_int_equal(fsim_sig_sign(s->aik, FSIM_COSE_ES256, ci.ptr, ci.len, &sig), 0);
	m = stmt(FSIM_COSE_ES256, s->aik_cert, &sig, &ci, &pa);

	fsim_checks_init(&ck);
	memset(&c, 0, sizeof(c));
	c.att_stmt = m;
	c.auth_data = ad.ptr;
	c.auth_data_len = ad.len;
	c.ad = pad;
	memcpy(c.client_data_hash, cdh, 32);
	c.ck = &ck;
	c.tpm_rsa_only = rsa_only;
	if (want_rc == 0) {
		assert_int_equal(expect_ok(&c), 0);
	} else {
		expect_ctx(&c, want_rc, FSIM_R_ATT_TPM_02);
		/* everything else about the statement is fine */
		assert_int_equal(fsim_checks_fail_count(&ck), 1);
	}
	fsim_checks_clear(&ck);
	cbor_decref(&m);
	fsim_authdata_free(&pad);
	fsim_blob_reset(&ad);
	fsim_blob_reset(&pa);
	fsim_blob_reset(&ci);
	fsim_blob_reset(&sig);
}

static void
test_rsa(void **state)
{
	st_t *s = *state;

	rsa_case(s, 2048, 0, false, 0, false);      /* 0 stands for 65537 (Part 2 §12.2.3.5) */
	rsa_case(s, 2048, 65537, false, 0, false);  /* and 65537 may be written out */
	rsa_case(s, 2048, 3, false, FSIM_ERR_SIGNATURE, false);
	rsa_case(s, 3072, 0, false, FSIM_ERR_SIGNATURE, false);
	rsa_case(s, 0, 0, true, FSIM_ERR_SIGNATURE, false);   /* an ECC pubArea for an RSA key */
}

/*
 * RS1 (SHA-1) with an RSA AIK: verified like any alg (ATT-TPM-04 passes);
 * the SHA-1 policy decides under SIG-SHA1: a warning by default, nothing
 * with ignore, a failure with error.
 */
static void
test_rs1(void **state)
{
	st_t *s = *state;
	aik_spec_t a = good_aik();
	X509 *x = mk_aik(&a, s->rsa_aik, s->root);
	fsim_blob_t pa = { 0 }, ci = { 0 }, sig = { 0 };
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	const uint8_t *p;
	size_t n, slen = 0, i;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	cbor_item_t *m;
	bool warned = false;

	assert_non_null(md);
	p = member(&s->v, "pubArea", &n);
	assert_int_equal(fsim_blob_set(&pa, p, n), 0);
	cert_info(s->v.ad.ptr, s->v.ad.len, s->v.cdh, "SHA1", &pa, &ci);
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha1(), NULL, s->rsa_aik), 1);
	assert_int_equal(EVP_DigestSign(md, NULL, &slen, ci.ptr, ci.len), 1);
	assert_non_null(sig.ptr = malloc(slen));
	assert_int_equal(EVP_DigestSign(md, sig.ptr, &slen, ci.ptr, ci.len), 1);
	sig.len = slen;

	m = stmt(-65535, x, &sig, &ci, &pa);
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	assert_int_equal(expect_ok(&c), 1);
	for (i = 0; i < ck.n; i++)
		if (ck.v[i].status == FSIM_CHECK_WARN && ck.v[i].rule == FSIM_R_SIG_SHA1)
			warned = strstr(ck.v[i].msg, "SHA-1") != NULL &&
			    strcmp(ck.v[i].field, "attStmt.alg") == 0;
	assert_true(warned);
	assert_true(has_pass(&ck, FSIM_R_ATT_TPM_04));
	fsim_checks_clear(&ck);
	/* sha1-sigs=ignore: accepted, no SIG-SHA1 entry at all */
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	c.sha1_sigs = FSIM_SHA1_IGNORE;
	assert_int_equal(expect_ok(&c), 0);   /* the one warning above was SIG-SHA1's */
	for (i = 0; i < ck.n; i++)
		assert_int_not_equal(ck.v[i].rule, FSIM_R_SIG_SHA1);
	fsim_checks_clear(&ck);
	/* sha1-sigs=error: the signature verifies, the statement fails by SIG-SHA1 */
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	c.sha1_sigs = FSIM_SHA1_ERROR;
	expect_ctx(&c, FSIM_ERR_SIGNATURE, FSIM_R_SIG_SHA1);
	assert_true(has_pass(&ck, FSIM_R_ATT_TPM_04));
	fsim_checks_clear(&ck);
	/* a library that refuses SHA-1 (webauthn-rs: tpm-rs1=error) ... */
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	c.tpm_rs1 = FSIM_RS1_ERROR;
	expect_ctx(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_04);
	fsim_checks_clear(&ck);
	/* ... and one that takes it without a word (tpm-rs1=ignore) */
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	c.tpm_rs1 = FSIM_RS1_OK;
	assert_int_equal(expect_ok(&c), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
	fsim_checks_clear(&ck);
	cbor_decref(&m);

	/* a flipped RS1 signature fails */
	sig.ptr[10] ^= 0x01;
	m = stmt(-65535, x, &sig, &ci, &pa);
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	expect_ctx(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_04);
	fsim_checks_clear(&ck);
	cbor_decref(&m);
	/* RS1 with an EC AIK fails */
	m = stmt(-65535, s->aik_cert, &sig, &ci, &pa);
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	expect_ctx(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_04);
	fsim_checks_clear(&ck);
	cbor_decref(&m);

	EVP_MD_CTX_free(md);
	X509_free(x);
	fsim_blob_reset(&pa);
	fsim_blob_reset(&ci);
	fsim_blob_reset(&sig);
}

/*
 * What an RP library cannot verify or refuses (rp-sim/policy_preset.h): an
 * ECC pubArea for python-fido2 (tpm_rsa_only), a manufacturer missing from
 * SimpleWebAuthn's vendor table (tpm_vendors), an alg it has no verifier for
 * (sig_algs). Each with the case the same knob lets through.
 */
static void
test_library_limits(void **state)
{
	st_t *s = *state;
	const fsim_rp_preset_t *sw = fsim_rp_preset_find("simplewebauthn");
	static const char *const w3c_vendor[] = { "id:00000000", NULL };
	static const int64_t es256_only[] = { FSIM_COSE_ES256 }, rs256_only[] = { FSIM_COSE_RS256 };
	aik_spec_t a = good_aik();
	X509 *x = mk_aik(&a, s->aik, s->root);
	cbor_item_t *m = resigned(s, x, 0, 0);
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	int64_t alg = 0;

	assert_non_null(sw);
	assert_non_null(sw->pol.tpm_vendors);
	/* tpm_rsa_only: an RSA pubArea passes, the vector's ECC one fails ATT-TPM-02. */
	rsa_case(s, 2048, 0, false, 0, true);
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, NULL, &ck);
	c.tpm_rsa_only = true;
	expect_ctx(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_02);
	assert_int_equal(fsim_checks_fail_count(&ck), 1);
	fsim_checks_clear(&ck);

	/* tpm_vendors: the vector's id:00000000 is not in SimpleWebAuthn's table ... */
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, NULL, &ck);
	c.tpm_vendors = sw->pol.tpm_vendors;
	expect_ctx(&c, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_03);
	assert_int_equal(fsim_checks_fail_count(&ck), 1);
	fsim_checks_clear(&ck);
	/* tpm-vendor-match: exact misses "ID:00000000", nocase takes it. */
	{
		static const char *const upper[] = { "ID:00000000", NULL };

		fsim_checks_init(&ck);
		c = fx_ctx(&s->v, NULL, &ck);
		c.tpm_vendors = upper;
		expect_ctx(&c, FSIM_ERR_FORMAT, FSIM_R_ATT_TPM_03);
		fsim_checks_clear(&ck);
		fsim_checks_init(&ck);
		c = fx_ctx(&s->v, NULL, &ck);
		c.tpm_vendors = upper;
		c.tpm_vendors_nocase = true;
		assert_int_equal(expect_ok(&c), 0);
		fsim_checks_clear(&ck);
	}
	/* ... but is in a list that has it; and FIDO's id:FFFFF1D0 is in the table. */
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, NULL, &ck);
	c.tpm_vendors = w3c_vendor;
	assert_int_equal(expect_ok(&c), 0);
	fsim_checks_clear(&ck);
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, m, &ck);
	c.tpm_vendors = sw->pol.tpm_vendors;
	assert_int_equal(expect_ok(&c), 0);
	fsim_checks_clear(&ck);

	/* sig_algs: the statement's alg must be one the library verifies. */
	assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(s->v.ao->att_stmt, "alg"),
	    &alg), 0);
	assert_true(alg == FSIM_COSE_ES256 || alg == FSIM_COSE_RS256);
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, NULL, &ck);
	c.sig_algs = alg == FSIM_COSE_ES256 ? es256_only : rs256_only;
	c.n_sig_algs = 1;
	assert_int_equal(expect_ok(&c), 0);
	fsim_checks_clear(&ck);
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, NULL, &ck);
	c.sig_algs = alg == FSIM_COSE_ES256 ? rs256_only : es256_only;
	c.n_sig_algs = 1;
	expect_ctx(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_TPM_04);
	assert_int_equal(fsim_checks_fail_count(&ck), 1);
	fsim_checks_clear(&ck);
	cbor_decref(&m);
	X509_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_unknown_member),
		cmocka_unit_test(test_pub_area),
		cmocka_unit_test(test_cert_info),
		cmocka_unit_test(test_cert_info_resigned),
		cmocka_unit_test(test_sig_and_binding),
		cmocka_unit_test(test_aik),
		cmocka_unit_test(test_rsa),
		cmocka_unit_test(test_rs1),
		cmocka_unit_test(test_library_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
