/*
 * test_fmt_packed.c — the packed attestation format (WebAuthn §8.2): the W3C
 * L3 packed registrations verify (Basic with a one-certificate trust path, or
 * Self), then mutations each fail their specific rule: ATT-PACKED-01 (shape),
 * -02 (full attestation signature), -03..-06 and -08 (§8.2.1 leaf
 * requirements), -09 (self attestation), SIG-01 (raw r||s ECDSA).
 *
 * Data: vectors/w3c-l3/w3c-packed-*-registration.json (WebAuthn L3 §16, see
 * the README there). Certificates for the mutations are made at run time,
 * signed by a root key generated per run; statements are re-signed with the
 * generated leaf key over the vector's authData || clientDataHash.
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
#include <openssl/ec.h>

#include "att_fixture.h"

typedef struct st {
	EVP_PKEY *root, *p256, *p384;
	fx_vec_t es256, self;
} st_t;

static int
setup(void **state)
{
	st_t *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->root = fixture_key("P-256");
	s->p256 = fixture_key("P-256");
	s->p384 = fixture_key("P-384");
	fx_vec_load("w3c-packed-es256-registration", &s->es256);
	fx_vec_load("w3c-packed-self-es256-registration", &s->self);
	*state = s;
	return s->root != NULL && s->p256 != NULL && s->p384 != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	st_t *s = *state;

	EVP_PKEY_free(s->root);
	EVP_PKEY_free(s->p256);
	EVP_PKEY_free(s->p384);
	fx_vec_free(&s->es256);
	fx_vec_free(&s->self);
	free(s);
	return 0;
}

/* Run the verifier; the result's trust path is freed here, its length returned in *n. */
static int
run(const fx_vec_t *v, const cbor_item_t *stmt, fsim_checks_t *ck,
    fsim_att_type_t *type, int *n)
{
	fsim_fmt_ctx_t c = fx_ctx(v, stmt, ck);
	fsim_fmt_result_t res = { .type = FSIM_ATT_TYPE_UNKNOWN, .x5c = NULL };
	int r = fsim_fmt_packed(&c, &res);

	if (type != NULL)
		*type = res.type;
	if (n != NULL)
		*n = res.x5c != NULL ? sk_X509_num(res.x5c) : -1;
	if (r != 0)
		assert_null(res.x5c);
	sk_X509_pop_free(res.x5c, X509_free);
	return r;
}

/* Expect failure `want` with a FAIL (or WARN with want_rc 0) under `rule`. */
static void
expect(const fx_vec_t *v, const cbor_item_t *stmt, int want_rc, fsim_rule_id_t rule)
{
	fsim_checks_t ck;
	int r;

	fsim_checks_init(&ck);
	r = run(v, stmt, &ck, NULL, NULL);
	if (r != want_rc || !fsim_checks_failed(&ck, rule))
		fx_dump(&ck);
	assert_int_equal(r, want_rc);
	assert_true(fsim_checks_failed(&ck, rule));
	fsim_checks_clear(&ck);
}

/* ---- the vectors ---- */

static void
test_vectors(void **state)
{
	static const char *const full[] = {
		"w3c-packed-es256-registration", "w3c-packed-es384-registration",
		"w3c-packed-es512-registration", "w3c-packed-rs256-registration",
		"w3c-packed-ed25519-registration", "w3c-packed-ed448-registration",
	};
	fsim_att_type_t type;
	fsim_checks_t ck;
	fx_vec_t v;
	size_t i;
	int n, r;

	(void)state;
	for (i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		fsim_checks_init(&ck);
		fx_vec_load(full[i], &v);
		r = run(&v, NULL, &ck, &type, &n);
		if (r != 0)
			fx_dump(&ck);
		assert_int_equal(r, 0);
		assert_int_equal(type, FSIM_ATT_TYPE_BASIC);
		assert_int_equal(n, 1);
		assert_int_equal(fsim_checks_fail_count(&ck), 0);
		assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
		fx_vec_free(&v);
		fsim_checks_clear(&ck);
	}
	fsim_checks_init(&ck);
	fx_vec_load("w3c-packed-self-es256-registration", &v);
	assert_int_equal(run(&v, NULL, &ck, &type, &n), 0);
	assert_int_equal(type, FSIM_ATT_TYPE_SELF);
	assert_int_equal(n, -1);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_false(fsim_checks_failed(&ck, FSIM_R_ATT_PACKED_09));
	fx_vec_free(&v);
	fsim_checks_clear(&ck);
}

/* ---- rebuilding a vector's statement with one change ---- */

enum { KEEP = 0, DROP, FLIP, AS_TEXT };

typedef struct edit {
	int alg_op;       /* KEEP, DROP, AS_TEXT, or set alg_value */
	bool set_alg;
	int64_t alg_value;
	int sig_op;       /* KEEP, DROP, FLIP, AS_TEXT */
	cbor_item_t *x5c; /* replaces x5c when non-NULL (taken) */
	bool drop_x5c;
	bool ecdaa;
} edit_t;

static cbor_item_t *
rebuild(const fx_vec_t *v, edit_t e)
{
	const cbor_item_t *st = v->ao->att_stmt;
	cbor_item_t *m = cbor_new_definite_map(5), *x;
	const uint8_t *sig;
	size_t slen;
	int64_t alg;
	uint8_t *cp;

	assert_non_null(m);
	assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(st, "alg"), &alg), 0);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(st, "sig"), &sig, &slen), 0);
	if (e.set_alg)
		fx_put_int(m, "alg", e.alg_value);
	else if (e.alg_op == AS_TEXT)
		fx_put(m, "alg", fsim_cbor_text("ES256"));
	else if (e.alg_op == KEEP)
		fx_put_int(m, "alg", alg);
	if (e.sig_op == FLIP) {
		assert_non_null(cp = malloc(slen));
		memcpy(cp, sig, slen);
		cp[slen / 2] ^= 0x01;
		fx_put_bytes(m, "sig", cp, slen);
		free(cp);
	} else if (e.sig_op == AS_TEXT)
		fx_put(m, "sig", fsim_cbor_text("signature"));
	else if (e.sig_op == KEEP)
		fx_put_bytes(m, "sig", sig, slen);
	if (e.x5c != NULL)
		fx_put(m, "x5c", e.x5c);
	else if (!e.drop_x5c && (x = fsim_cbor_map_get_str(st, "x5c")) != NULL)
		fx_put(m, "x5c", cbor_incref(x));
	if (e.ecdaa)
		fx_put_bytes(m, "ecdaaKeyId", (const uint8_t *)"0123456789abcdef", 16);
	return m;
}

static void
test_vector_mutations(void **state)
{
	st_t *s = *state;
	cbor_item_t *m;
	size_t i;

	/* sig, authData, client data hash flipped: the signature fails */
	m = rebuild(&s->es256, (edit_t){ .sig_op = FLIP });
	expect(&s->es256, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_02);
	cbor_decref(&m);
	for (i = 0; i < 3; i++) {
		/* rpIdHash, flags, a byte of the COSE key */
		size_t at[3] = { 3, 32, s->es256.ad.len - 5 };

		s->es256.ad.ptr[at[i]] ^= 0x01;
		expect(&s->es256, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_02);
		s->es256.ad.ptr[at[i]] ^= 0x01;
	}
	s->es256.cdh[31] ^= 0x80;
	expect(&s->es256, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_02);
	s->es256.cdh[31] ^= 0x80;

	/* shape: ATT-PACKED-01 */
	m = rebuild(&s->es256, (edit_t){ .alg_op = DROP });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
	m = rebuild(&s->es256, (edit_t){ .alg_op = AS_TEXT });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
	m = rebuild(&s->es256, (edit_t){ .set_alg = true, .alg_value = -999 });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
	m = rebuild(&s->es256, (edit_t){ .set_alg = true, .alg_value = INT64_MIN });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
	m = rebuild(&s->es256, (edit_t){ .sig_op = DROP });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
	m = rebuild(&s->es256, (edit_t){ .sig_op = AS_TEXT });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
	m = rebuild(&s->es256, (edit_t){ .x5c = cbor_new_definite_array(0) });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
	m = rebuild(&s->es256, (edit_t){ .x5c = fsim_cbor_bytes((const uint8_t *)"x", 1) });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
	m = cbor_new_definite_array(0);   /* attStmt not a map */
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);
}

/* Self attestation: ATT-PACKED-09 for alg and signature. */
static void
test_self_mutations(void **state)
{
	st_t *s = *state;
	cbor_item_t *m;

	m = rebuild(&s->self, (edit_t){ .set_alg = true, .alg_value = FSIM_COSE_ES384 });
	expect(&s->self, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_09);
	cbor_decref(&m);
	/* the fully specified alias is still a different alg: equality is exact */
	m = rebuild(&s->self, (edit_t){ .set_alg = true, .alg_value = FSIM_COSE_ESP256 });
	expect(&s->self, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_09);
	cbor_decref(&m);
	m = rebuild(&s->self, (edit_t){ .sig_op = FLIP });
	expect(&s->self, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_09);
	cbor_decref(&m);
	s->self.ad.ptr[0] ^= 0x01;
	expect(&s->self, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_09);
	s->self.ad.ptr[0] ^= 0x01;
	s->self.cdh[0] ^= 0x01;
	expect(&s->self, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_09);
	s->self.cdh[0] ^= 0x01;
	/* a full statement with x5c removed is not a valid self attestation */
	m = rebuild(&s->es256, (edit_t){ .drop_x5c = true });
	expect(&s->es256, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_09);
	cbor_decref(&m);
}

/* ---- statements made here: our own leaf, signed by our own root ---- */

typedef struct own {
	fx_cert_t cert;
	EVP_PKEY *key;      /* leaf key; NULL means the P-256 one */
	int alg;            /* signing alg; 0 means ES256 */
	int claim_alg;      /* alg written in attStmt; 0 means alg */
	bool raw_sig;       /* turn the DER ECDSA signature into r||s */
	bool ecdaa;
} own_t;

/* DER Ecdsa-Sig-Value to the raw r||s form COSE and JOSE use (not WebAuthn). */
static void
der_to_raw(fsim_blob_t *sig, size_t field)
{
	const unsigned char *p = sig->ptr;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sig->len);
	const BIGNUM *r = NULL, *s = NULL;
	uint8_t raw[132];

	assert_non_null(es);
	ECDSA_SIG_get0(es, &r, &s);
	assert_int_equal(BN_bn2binpad(r, raw, (int)field), (int)field);
	assert_int_equal(BN_bn2binpad(s, raw + field, (int)field), (int)field);
	assert_int_equal(fsim_blob_set(sig, raw, 2 * field), 0);
	ECDSA_SIG_free(es);
}

static cbor_item_t *
own_stmt(st_t *s, const fx_vec_t *v, own_t o)
{
	EVP_PKEY *key = o.key != NULL ? o.key : s->p256;
	int alg = o.alg != 0 ? o.alg : FSIM_COSE_ES256;
	cbor_item_t *m = cbor_new_definite_map(4);
	X509 *leaf = fx_cert(&o.cert, key, s->root);
	fsim_blob_t sig = { 0 };

	assert_non_null(m);
	assert_non_null(leaf);
	fx_sign_ad_cdh(v, key, alg, &sig);
	if (o.raw_sig)
		der_to_raw(&sig, 32);
	fx_put_int(m, "alg", o.claim_alg != 0 ? o.claim_alg : alg);
	fx_put_bytes(m, "sig", sig.ptr, sig.len);
	fx_put(m, "x5c", fx_x5c(&leaf, 1));
	if (o.ecdaa)
		fx_put_bytes(m, "ecdaaKeyId", (const uint8_t *)"0123456789abcdef", 16);
	fsim_blob_reset(&sig);
	X509_free(leaf);
	return m;
}

/* Our statement verifies (Basic, one certificate) with `warns` warnings. */
static void
own_ok(st_t *s, own_t o, size_t warns)
{
	cbor_item_t *m = own_stmt(s, &s->es256, o);
	fsim_att_type_t type;
	fsim_checks_t ck;
	int n, r;

	fsim_checks_init(&ck);
	r = run(&s->es256, m, &ck, &type, &n);
	if (r != 0)
		fx_dump(&ck);
	assert_int_equal(r, 0);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_int_equal(type, FSIM_ATT_TYPE_BASIC);
	assert_int_equal(n, 1);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), warns);
	fsim_checks_clear(&ck);
	cbor_decref(&m);
}

static void
own_bad(st_t *s, own_t o, int rc, fsim_rule_id_t rule)
{
	cbor_item_t *m = own_stmt(s, &s->es256, o);

	expect(&s->es256, m, rc, rule);
	cbor_decref(&m);
}

static void
test_own_algs(void **state)
{
	static const struct { const char *key; int alg; } algs[] = {
		{ "P-256", FSIM_COSE_ES256 }, { "P-384", FSIM_COSE_ES384 },
		{ "P-521", FSIM_COSE_ES512 }, { "ED25519", FSIM_COSE_EDDSA },
		{ "ED448", FSIM_COSE_ED448 }, { "ED448", FSIM_COSE_EDDSA },
		{ "RSA2048", FSIM_COSE_RS256 }, { "RSA2048", FSIM_COSE_PS256 },
	};
	st_t *s = *state;
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		EVP_PKEY *k = fixture_key(algs[i].key);

		assert_non_null(k);
		own_ok(s, (own_t){ .cert = fx_packed_leaf(), .key = k, .alg = algs[i].alg }, 0);
		EVP_PKEY_free(k);
	}
	/* the leaf key must fit alg: a P-384 key cannot make an ES256 signature */
	own_bad(s, (own_t){ .cert = fx_packed_leaf(), .key = s->p384,
	    .alg = FSIM_COSE_ES384, .claim_alg = FSIM_COSE_ES256 },
	    FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_02);
	own_bad(s, (own_t){ .cert = fx_packed_leaf(), .claim_alg = FSIM_COSE_RS256 },
	    FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_02);
	/* raw r||s instead of DER */
	own_bad(s, (own_t){ .cert = fx_packed_leaf(), .raw_sig = true },
	    FSIM_ERR_SIGNATURE, FSIM_R_SIG_01);
	/* ecdaaKeyId: a warning under ATT-PACKED-01, nothing more */
	own_ok(s, (own_t){ .cert = fx_packed_leaf(), .ecdaa = true }, 1);
}

static void
test_own_certs(void **state)
{
	static const uint8_t other[16] = { 0xde, 0xad, 0xbe, 0xef };
	st_t *s = *state;
	const uint8_t *aaguid = s->es256.ao->auth_data->aaguid;
	own_t o;

	o = (own_t){ .cert = fx_packed_leaf() };
	own_ok(s, o, 0);                       /* no AAGUID extension: nothing to compare */
	o.cert.aaguid = aaguid;
	own_ok(s, o, 0);                       /* matching AAGUID extension */
	o.cert.bc = FX_BC_CA_FALSE_EXPLICIT;   /* 30 03 01 01 00 (PIT-18) */
	own_ok(s, o, 0);
	o.cert.sernum = true;                  /* sernum outside enterprise: warning */
	own_ok(s, o, 1);

	o = (own_t){ .cert = fx_packed_leaf() };
	o.cert.ou = NULL;
	own_bad(s, o, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_04);
	o.cert.ou = "Authenticator";
	own_bad(s, o, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_04);
	o = (own_t){ .cert = fx_packed_leaf() };
	o.cert.version = X509_VERSION_1;
	o.cert.bc = FX_BC_NONE;
	own_bad(s, o, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_03);
	o = (own_t){ .cert = fx_packed_leaf() };
	o.cert.bc = FX_BC_CA_TRUE;
	own_bad(s, o, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_06);
	o = (own_t){ .cert = fx_packed_leaf() };
	o.cert.aaguid = other;
	own_bad(s, o, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_05);
	o.cert.aaguid = aaguid;
	o.cert.aaguid_critical = true;
	own_bad(s, o, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_05);
	/* a bad certificate and a bad signature: both reported, the signature decides the code */
	o.raw_sig = true;
	own_bad(s, o, FSIM_ERR_SIGNATURE, FSIM_R_ATT_PACKED_05);
}

static void
test_sernum_enterprise(void **state)
{
	st_t *s = *state;
	own_t o = { .cert = fx_packed_leaf() };
	cbor_item_t *m;
	fsim_fmt_ctx_t c;
	fsim_fmt_result_t res = { 0 };
	fsim_checks_t ck;

	o.cert.sernum = true;
	m = own_stmt(s, &s->es256, o);
	fsim_checks_init(&ck);
	c = fx_ctx(&s->es256, m, &ck);
	c.enterprise = true;
	assert_int_equal(fsim_fmt_packed(&c, &res), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
	assert_int_equal(res.type, FSIM_ATT_TYPE_BASIC);
	sk_X509_pop_free(res.x5c, X509_free);
	fsim_checks_clear(&ck);
	cbor_decref(&m);
}

/* x5c elements: not bytes, a trailing byte after the DER, a second certificate */
static void
test_x5c_elements(void **state)
{
	st_t *s = *state;
	X509 *leaf = fx_cert(&(fx_cert_t){ 0 }, s->p256, s->root);
	const cbor_item_t *x5c = fsim_cbor_map_get_str(s->es256.ao->att_stmt, "x5c");
	const uint8_t *der;
	size_t len;
	cbor_item_t *a, *m;
	fsim_blob_t b = { 0 };
	fsim_att_type_t type;
	fsim_checks_t ck;
	int n;

	assert_non_null(leaf);
	assert_int_equal(fsim_cbor_get_bytes(cbor_array_handle(x5c)[0], &der, &len), 0);

	a = cbor_new_definite_array(1);
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_text("MIIB..."))));
	m = rebuild(&s->es256, (edit_t){ .x5c = a });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);

	assert_int_equal(fsim_blob_set(&b, der, len), 0);
	assert_int_equal(fsim_blob_append(&b, (const uint8_t *)"\x00", 1), 0);
	a = cbor_new_definite_array(1);
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_bytes(b.ptr, b.len))));
	m = rebuild(&s->es256, (edit_t){ .x5c = a });
	expect(&s->es256, m, FSIM_ERR_FORMAT, FSIM_R_ATT_PACKED_01);
	cbor_decref(&m);

	/* leaf then another certificate: the trust path keeps both, leaf first */
	a = cbor_new_definite_array(2);
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_bytes(der, len))));
	assert_int_equal(fx_der(leaf, &b), 0);
	assert_true(cbor_array_push(a, cbor_move(fsim_cbor_bytes(b.ptr, b.len))));
	m = rebuild(&s->es256, (edit_t){ .x5c = a });
	fsim_checks_init(&ck);
	assert_int_equal(run(&s->es256, m, &ck, &type, &n), 0);
	assert_int_equal(n, 2);
	fsim_checks_clear(&ck);
	cbor_decref(&m);

	fsim_blob_reset(&b);
	X509_free(leaf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vector_mutations),
		cmocka_unit_test(test_self_mutations),
		cmocka_unit_test(test_own_algs),
		cmocka_unit_test(test_own_certs),
		cmocka_unit_test(test_sernum_enterprise),
		cmocka_unit_test(test_x5c_elements),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
