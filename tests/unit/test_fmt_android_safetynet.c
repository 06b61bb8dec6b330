/*
 * test_fmt_android_safetynet.c — the android-safetynet attestation format
 * (WebAuthn L3 §8.5, deprecated). There is no W3C vector, so each test builds
 * a SafetyNet response here: a root and a leaf for attest.android.com made
 * at run time, a JWS (RFC 7515 compact serialization) whose payload nonce is
 * base64(SHA-256(authData || clientDataHash)), signed ES256 (raw r || s, RFC
 * 7518 §3.4) or RS256. The good statement verifies (Basic, trust path = the
 * header's x5c, ATT-SNET-01 warning); mutations each fail their own rule:
 * ATT-SNET-02 (shape, JWS framing), -03 (nonce), -04 (signature, hostname,
 * ctsProfileMatch).
 *
 * Data: authData and clientDataJSON of
 * vectors/w3c-l3/w3c-packed-es256-registration.json (any registration does:
 * the format only hashes them).
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
	EVP_PKEY *root, *leaf, *rsa;
	fx_vec_t v;
} st_t;

static int
setup(void **state)
{
	st_t *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->root = fixture_key("P-256");
	s->leaf = fixture_key("P-256");
	s->rsa = fixture_key("RSA2048");
	fx_vec_load("w3c-packed-es256-registration", &s->v);
	*state = s;
	return s->root != NULL && s->leaf != NULL && s->rsa != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	st_t *s = *state;

	EVP_PKEY_free(s->root);
	EVP_PKEY_free(s->leaf);
	EVP_PKEY_free(s->rsa);
	fx_vec_free(&s->v);
	free(s);
	return 0;
}

/* ---- building a SafetyNet response ---- */

enum { CTS_TRUE = 0, CTS_FALSE, CTS_ABSENT, CTS_STRING };
enum { SIG_GOOD = 0, SIG_FLIP, SIG_DER, SIG_EMPTY };

typedef struct sn {
	const char *alg;        /* header alg; NULL: "ES256" ("RS256" when rsa) */
	bool rsa;               /* the leaf key is RSA and signs RS256 */
	const char *cn;         /* leaf CN; NULL: attest.android.com */
	const char *nonce;      /* NULL: the right one */
	int cts;
	int sig;
	bool no_x5c;            /* leave x5c out of the header */
	bool x5c_garbage;       /* x5c[0] is not base64 */
	const char *ver;        /* NULL: "14799021"; "" allowed */
	bool no_ver;
	const char *response;   /* replaces the whole response */
	bool response_text;     /* response as a text string */
} sn_t;

/* Standard base64 with padding (what JWS x5c and the nonce use). */
static char *
b64std(const uint8_t *p, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	assert_non_null(out);
	assert_int_equal(EVP_EncodeBlock((unsigned char *)out, p, (int)n),
	    (int)(4 * ((n + 2) / 3)));
	return out;
}

static char *
b64url(const uint8_t *p, size_t n)
{
	char *out = NULL;

	assert_int_equal(fsim_b64url_encode(p, n, &out), 0);
	return out;
}

/* A DER ECDSA signature as JOSE's raw r || s (32 bytes each). */
static void
der_to_raw(const fsim_blob_t *der, uint8_t raw[64])
{
	const unsigned char *p = der->ptr;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der->len);
	const BIGNUM *r, *s;

	assert_non_null(es);
	ECDSA_SIG_get0(es, &r, &s);
	assert_int_equal(BN_bn2binpad(r, raw, 32), 32);
	assert_int_equal(BN_bn2binpad(s, raw + 32, 32), 32);
	ECDSA_SIG_free(es);
}

/* attStmt {ver, response} per spec `o`, over the vector's authData and cdh. */
static cbor_item_t *
sn_stmt(const st_t *s, const sn_t *o)
{
	EVP_PKEY *lk = o->rsa ? s->rsa : s->leaf;
	const char *alg = o->alg != NULL ? o->alg : o->rsa ? "RS256" : "ES256";
	fx_cert_t spec = fx_packed_leaf();
	X509 *certs[2];
	fsim_blob_t der[2] = { { 0 }, { 0 } }, sig = { 0 }, resp = { 0 };
	uint8_t h[EVP_MAX_MD_SIZE], raw[64];
	char *x5c0, *x5c1, *nonce, *hj, *pj, *hb, *pb, *sb;
	size_t hlen = 0;
	json_t *hdr, *pay;
	cbor_item_t *m;

	/* the root, then the leaf it issues */
	spec.c = "US";
	spec.o = "fidosim tests";
	spec.ou = NULL;
	spec.cn = "fidosim SafetyNet test root";
	spec.bc = FX_BC_CA_TRUE;
	assert_non_null(certs[1] = fx_cert(&spec, s->root, s->root));
	spec.o = "Google LLC";
	spec.cn = o->cn != NULL ? o->cn : "attest.android.com";
	spec.bc = FX_BC_CA_FALSE;
	assert_non_null(certs[0] = fx_cert(&spec, lk, s->root));
	assert_int_equal(fx_der(certs[0], &der[0]), 0);
	assert_int_equal(fx_der(certs[1], &der[1]), 0);
	x5c0 = o->x5c_garbage ? strdup("not*base64") : b64std(der[0].ptr, der[0].len);
	x5c1 = b64std(der[1].ptr, der[1].len);
	assert_non_null(x5c0);

	assert_int_equal(fsim_digest("SHA256", s->v.ad.ptr, s->v.ad.len, s->v.cdh, 32,
	    h, &hlen), 0);
	nonce = b64std(h, hlen);

	assert_non_null(hdr = json_pack("{s:s}", "alg", alg));
	if (!o->no_x5c)
		assert_int_equal(json_object_set_new(hdr, "x5c",
		    json_pack("[s,s]", x5c0, x5c1)), 0);
	assert_non_null(pay = json_pack("{s:s,s:I,s:s,s:b}", "nonce",
	    o->nonce != NULL ? o->nonce : nonce, "timestampMs",
	    (json_int_t)1700000000000LL, "apkPackageName", "com.google.android.gms",
	    "basicIntegrity", 1));
	if (o->cts == CTS_TRUE || o->cts == CTS_FALSE)
		assert_int_equal(json_object_set_new(pay, "ctsProfileMatch",
		    json_boolean(o->cts == CTS_TRUE)), 0);
	else if (o->cts == CTS_STRING)
		assert_int_equal(json_object_set_new(pay, "ctsProfileMatch",
		    json_string("true")), 0);
	assert_non_null(hj = json_dumps(hdr, JSON_COMPACT));
	assert_non_null(pj = json_dumps(pay, JSON_COMPACT));
	hb = b64url((const uint8_t *)hj, strlen(hj));
	pb = b64url((const uint8_t *)pj, strlen(pj));

	/* the signing input is ASCII(BASE64URL(header) '.' BASE64URL(payload)) */
	assert_int_equal(fsim_blob_set(&resp, (const uint8_t *)hb, strlen(hb)), 0);
	assert_int_equal(fsim_blob_append(&resp, (const uint8_t *)".", 1), 0);
	assert_int_equal(fsim_blob_append(&resp, (const uint8_t *)pb, strlen(pb)), 0);
	assert_int_equal(fsim_sig_sign(lk, o->rsa ? FSIM_COSE_RS256 : FSIM_COSE_ES256,
	    resp.ptr, resp.len, &sig), 0);
	if (!o->rsa && o->sig != SIG_DER) {
		der_to_raw(&sig, raw);
		assert_int_equal(fsim_blob_set(&sig, raw, 64), 0);
	}
	if (o->sig == SIG_FLIP)
		sig.ptr[sig.len / 2] ^= 0x01;
	sb = b64url(sig.ptr, o->sig == SIG_EMPTY ? 0 : sig.len);
	assert_int_equal(fsim_blob_append(&resp, (const uint8_t *)".", 1), 0);
	assert_int_equal(fsim_blob_append(&resp, (const uint8_t *)sb, strlen(sb)), 0);
	if (o->response != NULL)
		assert_int_equal(fsim_blob_set(&resp, (const uint8_t *)o->response,
		    strlen(o->response)), 0);

	assert_non_null(m = cbor_new_definite_map(2));
	if (!o->no_ver)
		fx_put(m, "ver", fsim_cbor_text(o->ver != NULL ? o->ver : "14799021"));
	if (o->response_text)
		fx_put(m, "response", cbor_build_stringn((const char *)resp.ptr,
		    resp.len));
	else
		fx_put_bytes(m, "response", resp.ptr, resp.len);

	X509_free(certs[0]);
	X509_free(certs[1]);
	fsim_blob_reset(&der[0]);
	fsim_blob_reset(&der[1]);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&resp);
	json_decref(hdr);
	json_decref(pay);
	free(x5c0);
	free(x5c1);
	free(nonce);
	free(hj);
	free(pj);
	free(hb);
	free(pb);
	free(sb);
	return m;
}

/* ---- running the verifier ---- */

static int
run(const st_t *s, const cbor_item_t *stmt, fsim_checks_t *ck, bool flip_cdh,
    fsim_att_type_t *type, int *n)
{
	fsim_fmt_ctx_t c = fx_ctx(&s->v, stmt, ck);
	fsim_fmt_result_t res = { .type = FSIM_ATT_TYPE_UNKNOWN, .x5c = NULL };
	int r;

	if (flip_cdh)
		c.client_data_hash[5] ^= 0x20;
	r = fsim_fmt_android_safetynet(&c, &res);
	if (type != NULL)
		*type = res.type;
	if (n != NULL)
		*n = res.x5c != NULL ? sk_X509_num(res.x5c) : -1;
	if (r != 0)
		assert_null(res.x5c);
	sk_X509_pop_free(res.x5c, X509_free);
	return r;
}

/* Build per `o`; only `rule` fails (besides the SNET-01 warning), with want_rc. */
static void
expect_only(const st_t *s, const sn_t *o, int want_rc, fsim_rule_id_t rule)
{
	cbor_item_t *m = sn_stmt(s, o);
	fsim_checks_t ck;
	size_t i, others = 0;
	int r;

	fsim_checks_init(&ck);
	r = run(s, m, &ck, false, NULL, NULL);
	for (i = 0; i < ck.n; i++)
		if (ck.v[i].status == FSIM_CHECK_FAIL && ck.v[i].rule != rule)
			others++;
	if (r != want_rc || !fsim_checks_failed(&ck, rule) || others != 0)
		fx_dump(&ck);
	assert_int_equal(r, want_rc);
	assert_true(fsim_checks_failed(&ck, rule));
	assert_int_equal(others, 0);
	fsim_checks_clear(&ck);
	cbor_decref(&m);
}

static void
expect_good(const st_t *s, const sn_t *o)
{
	cbor_item_t *m = sn_stmt(s, o);
	fsim_att_type_t type;
	fsim_checks_t ck;
	size_t i;
	int n, r;

	fsim_checks_init(&ck);
	r = run(s, m, &ck, false, &type, &n);
	if (r != 0)
		fx_dump(&ck);
	assert_int_equal(r, 0);
	assert_int_equal(type, FSIM_ATT_TYPE_BASIC);
	assert_int_equal(n, 2);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	/* the one warning: the format is deprecated */
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 1);
	for (i = 0; i < ck.n; i++)
		if (ck.v[i].status == FSIM_CHECK_WARN)
			assert_int_equal(ck.v[i].rule, FSIM_R_ATT_SNET_01);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_PASS), 3);
	fsim_checks_clear(&ck);
	cbor_decref(&m);
}

/* ---- tests ---- */

static void
test_good(void **state)
{
	st_t *s = *state;

	expect_good(s, &(sn_t){ 0 });
	expect_good(s, &(sn_t){ .rsa = true });
}

static void
test_nonce(void **state)
{
	st_t *s = *state;
	cbor_item_t *m;
	fsim_checks_t ck;
	char unpadded[64];
	uint8_t h[EVP_MAX_MD_SIZE];
	size_t hlen = 0;
	char *b;

	expect_only(s, &(sn_t){ .nonce = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
	    FSIM_ERR_FORMAT, FSIM_R_ATT_SNET_03);

	/* §8.5 says base64: the padded standard form, not base64url without '=' */
	assert_int_equal(fsim_digest("SHA256", s->v.ad.ptr, s->v.ad.len, s->v.cdh, 32,
	    h, &hlen), 0);
	assert_int_equal(fsim_b64url_encode(h, hlen, &b), 0);
	snprintf(unpadded, sizeof(unpadded), "%s", b);
	free(b);
	expect_only(s, &(sn_t){ .nonce = unpadded }, FSIM_ERR_FORMAT, FSIM_R_ATT_SNET_03);

	/* a different client data hash */
	m = sn_stmt(s, &(sn_t){ 0 });
	fsim_checks_init(&ck);
	assert_int_equal(run(s, m, &ck, true, NULL, NULL), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_SNET_03));
	assert_false(fsim_checks_failed(&ck, FSIM_R_ATT_SNET_04));
	fsim_checks_clear(&ck);
	cbor_decref(&m);
}

static void
test_hostname(void **state)
{
	st_t *s = *state;

	expect_only(s, &(sn_t){ .cn = "attest.example.com" }, FSIM_ERR_FORMAT,
	    FSIM_R_ATT_SNET_04);
	expect_only(s, &(sn_t){ .cn = "*.android.com" }, FSIM_ERR_FORMAT,
	    FSIM_R_ATT_SNET_04);
	expect_only(s, &(sn_t){ .cn = "attest.android.com.evil.example" },
	    FSIM_ERR_FORMAT, FSIM_R_ATT_SNET_04);
}

static void
test_signature(void **state)
{
	st_t *s = *state;

	expect_only(s, &(sn_t){ .sig = SIG_FLIP }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_SNET_04);
	expect_only(s, &(sn_t){ .rsa = true, .sig = SIG_FLIP }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_SNET_04);
	/* the WebAuthn DER form is not what JOSE sends */
	expect_only(s, &(sn_t){ .sig = SIG_DER }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_SNET_04);
	/* an alg that does not fit the leaf key, one we refuse, none at all */
	expect_only(s, &(sn_t){ .rsa = true, .alg = "ES256" }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_SNET_04);
	expect_only(s, &(sn_t){ .alg = "none" }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_SNET_04);
	expect_only(s, &(sn_t){ .alg = "HS256" }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_SNET_04);
	/* no certificate to verify with */
	expect_only(s, &(sn_t){ .no_x5c = true }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_SNET_04);
	expect_only(s, &(sn_t){ .x5c_garbage = true }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_SNET_04);
}

static void
test_cts_profile(void **state)
{
	st_t *s = *state;

	expect_only(s, &(sn_t){ .cts = CTS_FALSE }, FSIM_ERR_FORMAT, FSIM_R_ATT_SNET_04);
	expect_only(s, &(sn_t){ .cts = CTS_ABSENT }, FSIM_ERR_FORMAT, FSIM_R_ATT_SNET_04);
	expect_only(s, &(sn_t){ .cts = CTS_STRING }, FSIM_ERR_FORMAT, FSIM_R_ATT_SNET_04);
}

static void
test_shape(void **state)
{
	static const char *const not_jws[] = {
		"",
		"abc",
		"eyJhbGciOiJFUzI1NiJ9.e30",                 /* two parts */
		"eyJhbGciOiJFUzI1NiJ9.e30.AAAA.AAAA",       /* four parts */
		"eyJhbGciOiJFUzI1NiJ9.e30.",                /* empty signature */
		"eyJhbGciOiJFUzI1NiJ9=.e30.AAAA",           /* padded base64url */
		"eyJhbGciOiJFUzI1NiJ9.W10.AAAA",            /* payload [] */
		"bm90IGpzb24.e30.AAAA",                     /* header "not json" */
		"eyJhbGciOiJFUzI1NiJ9.e30.AA+/",            /* signature not base64url */
	};
	st_t *s = *state;
	cbor_item_t *m;
	fsim_checks_t ck;
	size_t i;

	expect_only(s, &(sn_t){ .ver = "" }, FSIM_ERR_FORMAT, FSIM_R_ATT_SNET_02);
	expect_only(s, &(sn_t){ .no_ver = true }, FSIM_ERR_FORMAT, FSIM_R_ATT_SNET_02);
	expect_only(s, &(sn_t){ .response_text = true }, FSIM_ERR_FORMAT,
	    FSIM_R_ATT_SNET_02);
	expect_only(s, &(sn_t){ .sig = SIG_EMPTY }, FSIM_ERR_FORMAT,
	    FSIM_R_ATT_SNET_02);
	for (i = 0; i < sizeof(not_jws) / sizeof(not_jws[0]); i++)
		expect_only(s, &(sn_t){ .response = not_jws[i] }, FSIM_ERR_FORMAT,
		    FSIM_R_ATT_SNET_02);

	/* ver an integer, response missing, attStmt not a map */
	m = sn_stmt(s, &(sn_t){ .no_ver = true });
	fx_put_int(m, "ver", 14799021);
	fsim_checks_init(&ck);
	assert_int_equal(run(s, m, &ck, false, NULL, NULL), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_SNET_02));
	fsim_checks_clear(&ck);
	cbor_decref(&m);

	assert_non_null(m = cbor_new_definite_map(1));
	fx_put(m, "ver", fsim_cbor_text("1"));
	fsim_checks_init(&ck);
	assert_int_equal(run(s, m, &ck, false, NULL, NULL), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_SNET_02));
	assert_true(fsim_checks_count(&ck, FSIM_CHECK_WARN) == 1);
	fsim_checks_clear(&ck);
	cbor_decref(&m);

	assert_non_null(m = cbor_new_definite_array(0));
	fsim_checks_init(&ck);
	assert_int_equal(run(s, m, &ck, false, NULL, NULL), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_SNET_02));
	fsim_checks_clear(&ck);
	cbor_decref(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_cts_profile),
		cmocka_unit_test(test_shape),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
