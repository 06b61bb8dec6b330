/*
 * test_fmt_fido_u2f.c — the fido-u2f attestation format (WebAuthn §8.6): the
 * W3C L3 vector verifies (Basic, one certificate, its non-zero AAGUID
 * accepted), then mutations fail their rule: ATT-U2F-01 (shape, exactly one
 * certificate), -02 (certificate key not EC P-256), -03 (credential key not
 * ES256), -04 (signature over the rebuilt verificationData), SIG-01.
 *
 * Data: vectors/w3c-l3/w3c-fido-u2f-es256-registration.json (WebAuthn L3 §16,
 * see the README there); certificates for the mutations are made at run time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/core_names.h>

#include "att_fixture.h"

typedef struct st {
	EVP_PKEY *root, *p256, *p384, *rsa;
	fx_vec_t u2f, ed;
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
	s->rsa = fixture_key("RSA2048");
	fx_vec_load("w3c-fido-u2f-es256-registration", &s->u2f);
	fx_vec_load("w3c-packed-ed25519-registration", &s->ed);
	*state = s;
	return s->root && s->p256 && s->p384 && s->rsa ? 0 : -1;
}

static int
teardown(void **state)
{
	st_t *s = *state;

	EVP_PKEY_free(s->root);
	EVP_PKEY_free(s->p256);
	EVP_PKEY_free(s->p384);
	EVP_PKEY_free(s->rsa);
	fx_vec_free(&s->u2f);
	fx_vec_free(&s->ed);
	free(s);
	return 0;
}

static int
run(const fx_vec_t *v, const cbor_item_t *stmt, fsim_checks_t *ck, int *n)
{
	fsim_fmt_ctx_t c = fx_ctx(v, stmt, ck);
	fsim_fmt_result_t res = { .type = FSIM_ATT_TYPE_UNKNOWN, .x5c = NULL };
	int r = fsim_fmt_fido_u2f(&c, &res);

	if (r == 0)
		assert_int_equal(res.type, FSIM_ATT_TYPE_BASIC);
	else
		assert_null(res.x5c);
	if (n != NULL)
		*n = res.x5c != NULL ? sk_X509_num(res.x5c) : -1;
	sk_X509_pop_free(res.x5c, X509_free);
	return r;
}

static void
expect(const fx_vec_t *v, const cbor_item_t *stmt, int want_rc, fsim_rule_id_t rule)
{
	fsim_checks_t ck;
	int r;

	fsim_checks_init(&ck);
	r = run(v, stmt, &ck, NULL);
	if (r != want_rc || !fsim_checks_failed(&ck, rule))
		fx_dump(&ck);
	assert_int_equal(r, want_rc);
	assert_true(fsim_checks_failed(&ck, rule));
	fsim_checks_clear(&ck);
}

static void
test_vector(void **state)
{
	st_t *s = *state;
	static const uint8_t zero[16];
	fsim_checks_t ck;
	int n = 0, r;

	/* the vector's AAGUID is not zero, and that is fine */
	assert_memory_not_equal(s->u2f.ao->auth_data->aaguid, zero, 16);
	fsim_checks_init(&ck);
	r = run(&s->u2f, NULL, &ck, &n);
	if (r != 0)
		fx_dump(&ck);
	assert_int_equal(r, 0);
	assert_int_equal(n, 1);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
	fsim_checks_clear(&ck);
}

/* ---- statements built here ---- */

typedef struct own {
	EVP_PKEY *key;        /* certificate key; NULL: P-256 */
	int ncerts;           /* 0 means 1 */
	bool flip_sig, sig_text, no_sig, no_x5c;
} own_t;

/* 0x00 || rpIdHash || cdh || credentialId || 04 x y, from the parsed authData */
static void
vdata(const fx_vec_t *v, fsim_blob_t *out)
{
	const fsim_authdata_t *ad = v->ao->auth_data;
	uint8_t pub[65];
	size_t plen = 0;

	assert_int_equal(EVP_PKEY_get_octet_string_param(fsim_cose_key_pkey(ad->cose_key),
	    OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub), &plen), 1);
	assert_int_equal(plen, 65);
	assert_int_equal(fsim_blob_set(out, (const uint8_t *)"\x00", 1), 0);
	assert_int_equal(fsim_blob_append(out, ad->rp_id_hash, 32), 0);
	assert_int_equal(fsim_blob_append(out, v->cdh, 32), 0);
	assert_int_equal(fsim_blob_append(out, ad->cred_id.ptr, ad->cred_id.len), 0);
	assert_int_equal(fsim_blob_append(out, pub, 65), 0);
}

static cbor_item_t *
own_stmt(st_t *s, const fx_vec_t *v, own_t o)
{
	EVP_PKEY *key = o.key != NULL ? o.key : s->p256;
	fx_cert_t spec = fx_packed_leaf();
	X509 *certs[2];
	cbor_item_t *m = cbor_new_definite_map(2);
	fsim_blob_t vd = { 0 }, sig = { 0 };
	int alg = EVP_PKEY_is_a(key, "RSA") ? FSIM_COSE_RS256 :
	    EVP_PKEY_get_bits(key) == 384 ? FSIM_COSE_ES384 : FSIM_COSE_ES256;
	int i, n = o.ncerts > 0 ? o.ncerts : 1;

	assert_non_null(m);
	for (i = 0; i < n; i++)
		assert_non_null(certs[i] = fx_cert(&spec, i == 0 ? key : s->root, s->root));
	if (v->ao->auth_data->cose_key != NULL &&
	    fsim_cose_key_alg(v->ao->auth_data->cose_key) == FSIM_COSE_ES256)
		vdata(v, &vd);
	else
		assert_int_equal(fsim_blob_set(&vd, (const uint8_t *)"x", 1), 0);
	assert_int_equal(fsim_sig_sign(key, alg, vd.ptr, vd.len, &sig), 0);
	if (o.flip_sig)
		sig.ptr[sig.len - 1] ^= 0x01;
	if (o.sig_text)
		fx_put(m, "sig", fsim_cbor_text("sig"));
	else if (!o.no_sig)
		fx_put_bytes(m, "sig", sig.ptr, sig.len);
	if (!o.no_x5c)
		fx_put(m, "x5c", fx_x5c(certs, (size_t)n));
	for (i = 0; i < n; i++)
		X509_free(certs[i]);
	fsim_blob_reset(&vd);
	fsim_blob_reset(&sig);
	return m;
}

static void
own_expect(st_t *s, const fx_vec_t *v, own_t o, int rc, fsim_rule_id_t rule)
{
	cbor_item_t *m = own_stmt(s, v, o);

	if (rc == 0) {
		fsim_checks_t ck;
		int n = 0;

		fsim_checks_init(&ck);
		assert_int_equal(run(v, m, &ck, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(fsim_checks_fail_count(&ck), 0);
		fsim_checks_clear(&ck);
	} else
		expect(v, m, rc, rule);
	cbor_decref(&m);
}

static void
test_own(void **state)
{
	st_t *s = *state;

	own_expect(s, &s->u2f, (own_t){ 0 }, 0, FSIM_R_ATT_U2F_04);
	own_expect(s, &s->u2f, (own_t){ .ncerts = 2 }, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_01);
	own_expect(s, &s->u2f, (own_t){ .no_sig = true }, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_01);
	own_expect(s, &s->u2f, (own_t){ .sig_text = true }, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_01);
	own_expect(s, &s->u2f, (own_t){ .no_x5c = true }, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_01);
	own_expect(s, &s->u2f, (own_t){ .key = s->p384 }, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_02);
	own_expect(s, &s->u2f, (own_t){ .key = s->rsa }, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_02);
	own_expect(s, &s->u2f, (own_t){ .flip_sig = true }, FSIM_ERR_SIGNATURE,
	    FSIM_R_ATT_U2F_04);
	/* an EdDSA credential cannot be attested by fido-u2f */
	own_expect(s, &s->ed, (own_t){ 0 }, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_03);
}

static void
test_vector_mutations(void **state)
{
	st_t *s = *state;
	fsim_authdata_t *ad = s->u2f.ao->auth_data;
	const cbor_item_t *st = s->u2f.ao->att_stmt;
	const cbor_item_t *x5c = fsim_cbor_map_get_str(st, "x5c");
	const uint8_t *sig;
	size_t slen;
	cbor_item_t *m, *a;
	uint8_t *cp;

	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(st, "sig"), &sig, &slen), 0);

	/* flipped sig */
	assert_non_null(cp = malloc(slen));
	memcpy(cp, sig, slen);
	cp[slen - 3] ^= 0x04;
	m = cbor_new_definite_map(2);
	fx_put(m, "x5c", cbor_incref((cbor_item_t *)x5c));
	fx_put_bytes(m, "sig", cp, slen);
	expect(&s->u2f, m, FSIM_ERR_SIGNATURE, FSIM_R_ATT_U2F_04);
	cbor_decref(&m);

	/* raw r||s (64 bytes) instead of DER */
	memset(cp, 0x11, slen);
	m = cbor_new_definite_map(2);
	fx_put(m, "x5c", cbor_incref((cbor_item_t *)x5c));
	fx_put_bytes(m, "sig", cp, 64);
	expect(&s->u2f, m, FSIM_ERR_SIGNATURE, FSIM_R_SIG_01);
	cbor_decref(&m);
	free(cp);

	/* the parts of verificationData: rpIdHash, client data hash, credential ID */
	ad->rp_id_hash[5] ^= 0x01;
	expect(&s->u2f, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_U2F_04);
	ad->rp_id_hash[5] ^= 0x01;
	s->u2f.cdh[7] ^= 0x01;
	expect(&s->u2f, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_U2F_04);
	s->u2f.cdh[7] ^= 0x01;
	ad->cred_id.ptr[0] ^= 0x01;
	expect(&s->u2f, NULL, FSIM_ERR_SIGNATURE, FSIM_R_ATT_U2F_04);
	ad->cred_id.ptr[0] ^= 0x01;

	/* x5c empty, x5c as bytes, attStmt an array */
	m = cbor_new_definite_map(2);
	fx_put(m, "x5c", cbor_new_definite_array(0));
	fx_put_bytes(m, "sig", sig, slen);
	expect(&s->u2f, m, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_01);
	cbor_decref(&m);
	m = cbor_new_definite_map(2);
	fx_put(m, "x5c", cbor_incref(cbor_array_handle(x5c)[0]));
	fx_put_bytes(m, "sig", sig, slen);
	expect(&s->u2f, m, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_01);
	cbor_decref(&m);
	a = cbor_new_definite_array(0);
	expect(&s->u2f, a, FSIM_ERR_FORMAT, FSIM_R_ATT_U2F_01);
	cbor_decref(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_own),
		cmocka_unit_test(test_vector_mutations),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
