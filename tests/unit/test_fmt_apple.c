/*
 * test_fmt_apple.c — the apple anonymous attestation format (WebAuthn L3
 * §8.8). The W3C vector verifies (AnonCA, one-certificate trust path); then
 * mutations each fail their own rule: ATT-APPLE-01 (x5c), -02 (the nonce
 * extension, parsed as ASN.1: PIT-19), -03 (the leaf key is the credential
 * key).
 *
 * Data: vectors/w3c-l3/w3c-apple-es256-registration.json (WebAuthn L3 §16,
 * see the README there). For the certificate mutations a leaf is made at run
 * time with a nonce extension encoded here byte by byte, over the vector's
 * authData with the credential key replaced by a key generated per run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "att_fixture.h"

typedef struct st {
	EVP_PKEY *root, *cred, *other;
	fx_vec_t v;
} st_t;

static int
setup(void **state)
{
	st_t *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->root = fixture_key("P-384");
	s->cred = fixture_key("P-256");
	s->other = fixture_key("P-256");
	fx_vec_load("w3c-apple-es256-registration", &s->v);
	*state = s;
	return s->root != NULL && s->cred != NULL && s->other != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	st_t *s = *state;

	EVP_PKEY_free(s->root);
	EVP_PKEY_free(s->cred);
	EVP_PKEY_free(s->other);
	fx_vec_free(&s->v);
	free(s);
	return 0;
}

/* ---- running the verifier ---- */

static int
run_ctx(const fsim_fmt_ctx_t *c, fsim_att_type_t *type, int *n)
{
	return fx_run(fsim_fmt_apple, c, type, n);
}

/* Only `rule` failed, with FSIM_ERR_FORMAT. */
static void
expect_only(const fsim_fmt_ctx_t *c, fsim_rule_id_t rule)
{
	size_t i, others = 0;
	int r = run_ctx(c, NULL, NULL);

	for (i = 0; i < c->ck->n; i++)
		if (c->ck->v[i].status == FSIM_CHECK_FAIL && c->ck->v[i].rule != rule)
			others++;
	if (r != FSIM_ERR_FORMAT || !fsim_checks_failed(c->ck, rule) || others != 0)
		fx_dump(c->ck);
	assert_int_equal(r, FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(c->ck, rule));
	assert_int_equal(others, 0);
}

/* A copy of map with key set to val (taken), or removed when val is NULL. */
static cbor_item_t *
with(const cbor_item_t *map, const char *key, cbor_item_t *val)
{
	struct cbor_pair *p = cbor_map_handle(map);
	size_t i, n = cbor_map_size(map);
	cbor_item_t *m = cbor_new_definite_map(n + 1);

	assert_non_null(m);
	for (i = 0; i < n; i++) {
		if (cbor_isa_string(p[i].key) &&
		    cbor_string_length(p[i].key) == strlen(key) &&
		    memcmp(cbor_string_handle(p[i].key), key, strlen(key)) == 0)
			continue;
		assert_true(cbor_map_add(m, (struct cbor_pair){ .key = p[i].key,
		    .value = p[i].value }));
	}
	if (val != NULL)
		fx_put(m, key, val);
	return m;
}

/* ---- a synthetic registration: our leaf, our credential key ---- */

/* How the nonce extension is written. */
enum {
	NONCE_NONE = 0,    /* no extension */
	NONCE_GOOD,        /* 30 24 a1 22 04 20 <nonce> */
	NONCE_BARE,        /* <nonce>: the 32 bytes alone */
	NONCE_OCTETS,      /* 04 20 <nonce>: no SEQUENCE, no [1] */
	NONCE_IMPLICIT,    /* 30 22 81 20 <nonce>: [1] IMPLICIT */
	NONCE_TAG2,        /* 30 24 a2 22 04 20 <nonce>: [2] */
	NONCE_TRAILING,    /* GOOD and one byte after it */
	NONCE_SHORT,       /* 30 23 a1 21 04 1f <31 bytes> */
	NONCE_TWO,         /* SEQUENCE { [1] {...}, [1] {...} } */
	NONCE_LONGFORM,    /* 30 81 24 ...: non-minimal length */
};

static size_t
nonce_ext(int how, const uint8_t nonce[32], uint8_t *out)
{
	static const uint8_t good[] = { 0x30, 0x24, 0xa1, 0x22, 0x04, 0x20 };
	size_t n = 0;

	switch (how) {
	case NONCE_BARE:
		memcpy(out, nonce, 32);
		return 32;
	case NONCE_OCTETS:
		out[n++] = 0x04;
		out[n++] = 0x20;
		break;
	case NONCE_IMPLICIT:
		memcpy(out, "\x30\x22\x81\x20", 4);
		n = 4;
		break;
	case NONCE_TAG2:
		memcpy(out, good, 6);
		out[2] = 0xa2;
		n = 6;
		break;
	case NONCE_SHORT:
		memcpy(out, "\x30\x23\xa1\x21\x04\x1f", 6);
		memcpy(out + 6, nonce, 31);
		return 37;
	case NONCE_TWO:
		memcpy(out, "\x30\x48\xa1\x22\x04\x20", 6);
		memcpy(out + 6, nonce, 32);
		memcpy(out + 38, "\xa1\x22\x04\x20", 4);
		memcpy(out + 42, nonce, 32);
		return 74;
	case NONCE_LONGFORM:
		memcpy(out, "\x30\x81\x24\xa1\x22\x04\x20", 7);
		memcpy(out + 7, nonce, 32);
		return 39;
	default:
		memcpy(out, good, 6);
		n = 6;
		break;
	}
	memcpy(out + n, nonce, 32);
	n += 32;
	if (how == NONCE_TRAILING)
		out[n++] = 0x00;
	return n;
}

typedef struct syn {
	fsim_blob_t ad;
	fsim_authdata_t *pad;
	cbor_item_t *stmt;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
} syn_t;

/*
 * The vector's authData with cred_key as the credential key, and attStmt
 * {x5c: [leaf]} where the leaf certifies leaf_key and carries the nonce
 * extension written as `how`.
 */
static void
syn_make(const st_t *s, int how, EVP_PKEY *leaf_key, EVP_PKEY *cred_key, syn_t *y)
{
	const fsim_authdata_t *vad = s->v.ao->auth_data;
	fx_cert_t spec = fx_packed_leaf();
	fsim_cose_key_t *k = NULL;
	fsim_blob_t cose = { 0 };
	size_t prefix = 37 + 16 + 2 + vad->cred_id.len, elen, nlen = 0;
	uint8_t nonce[EVP_MAX_MD_SIZE], ext[96];
	X509 *leaf;

	memset(y, 0, sizeof(*y));
	assert_int_equal(fsim_cose_key_from_pkey(cred_key, FSIM_COSE_ES256, &k), 0);
	assert_int_equal(fsim_cose_key_encode(k, &cose), 0);
	assert_int_equal(fsim_blob_set(&y->ad, s->v.ad.ptr, prefix), 0);
	assert_int_equal(fsim_blob_append(&y->ad, cose.ptr, cose.len), 0);
	assert_int_equal(fsim_authdata_parse(y->ad.ptr, y->ad.len, &y->pad, NULL), 0);
	assert_int_equal(fsim_digest("SHA256", y->ad.ptr, y->ad.len, s->v.cdh, 32,
	    nonce, &nlen), 0);

	spec.c = spec.o = spec.ou = NULL;
	spec.cn = "fidosim apple test credential";
	assert_non_null(leaf = fx_cert(&spec, leaf_key, s->root));
	if (how != NONCE_NONE) {
		elen = nonce_ext(how, nonce, ext);
		assert_int_equal(fx_add_raw_ext(leaf, FSIM_OID_APPLE_NONCE, false, ext,
		    elen), 1);
		assert_true(X509_sign(leaf, s->root, EVP_sha384()) > 0);
	}
	assert_non_null(y->stmt = cbor_new_definite_map(1));
	fx_put(y->stmt, "x5c", fx_x5c(&leaf, 1));

	fsim_checks_init(&y->ck);
	y->c.att_stmt = y->stmt;
	y->c.auth_data = y->ad.ptr;
	y->c.auth_data_len = y->ad.len;
	y->c.ad = y->pad;
	memcpy(y->c.client_data_hash, s->v.cdh, 32);
	y->c.ck = &y->ck;

	X509_free(leaf);
	fsim_cose_key_free(&k);
	fsim_blob_reset(&cose);
}

static void
syn_free(syn_t *y)
{
	fsim_blob_reset(&y->ad);
	fsim_authdata_free(&y->pad);
	cbor_decref(&y->stmt);
	fsim_checks_clear(&y->ck);
}

/* ---- the vector ---- */

static void
test_vector_verifies(void **state)
{
	st_t *s = *state;
	fsim_att_type_t type;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	int n, r;

	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, NULL, &ck);
	r = run_ctx(&c, &type, &n);
	if (r != 0)
		fx_dump(&ck);
	assert_int_equal(r, 0);
	assert_int_equal(type, FSIM_ATT_TYPE_ANONCA);
	assert_int_equal(n, 1);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_PASS), 3);
	fsim_checks_clear(&ck);
}

/* ---- mutations of the vector ---- */

static void
test_vector_nonce(void **state)
{
	st_t *s = *state;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	fx_vec_t v;

	/* a different client data hash */
	fsim_checks_init(&ck);
	c = fx_ctx(&s->v, NULL, &ck);
	c.client_data_hash[0] ^= 0x01;
	expect_only(&c, FSIM_R_ATT_APPLE_02);
	fsim_checks_clear(&ck);

	/* a flipped authData byte (the signature counter) */
	fsim_checks_init(&ck);
	fx_vec_load("w3c-apple-es256-registration", &v);
	v.ad.ptr[36] ^= 0x01;
	c = fx_ctx(&v, NULL, &ck);
	expect_only(&c, FSIM_R_ATT_APPLE_02);
	fx_vec_free(&v);
	fsim_checks_clear(&ck);
}

/* The credential key replaced in authData: the leaf no longer certifies it. */
static void
test_vector_credential_key(void **state)
{
	st_t *s = *state;
	syn_t y;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;

	/* our authData (another key), the vector's leaf */
	syn_make(s, NONCE_GOOD, s->cred, s->cred, &y);
	fsim_checks_init(&ck);
	c = y.c;
	c.att_stmt = s->v.ao->att_stmt;
	c.ck = &ck;
	assert_int_equal(run_ctx(&c, NULL, NULL), FSIM_ERR_FORMAT);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_APPLE_03));
	/* authData changed, so the nonce differs as well */
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_APPLE_02));
	fsim_checks_clear(&ck);
	syn_free(&y);
}

static void
test_shape(void **state)
{
	st_t *s = *state;
	const cbor_item_t *st = s->v.ao->att_stmt;
	cbor_item_t *m[6], *arr;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	size_t i;

	m[0] = with(st, "x5c", NULL);
	m[1] = with(st, "x5c", cbor_new_definite_array(0));
	m[2] = with(st, "x5c", fsim_cbor_text("MIIB"));
	assert_non_null(arr = cbor_new_definite_array(1));
	assert_true(cbor_array_push(arr, cbor_move(fsim_cbor_int(1))));
	m[3] = with(st, "x5c", arr);
	m[4] = cbor_new_definite_array(0);
	assert_non_null(m[5] = cbor_new_definite_map(0));
	for (i = 0; i < 6; i++) {
		fsim_checks_init(&ck);
		c = fx_ctx(&s->v, m[i], &ck);
		expect_only(&c, FSIM_R_ATT_APPLE_01);
		cbor_decref(&m[i]);
		fsim_checks_clear(&ck);
	}

	/* the alg real devices send is tolerated (an INFO, not a warning) */
	fsim_checks_init(&ck);
	m[0] = with(st, "alg", fsim_cbor_int(FSIM_COSE_ES256));
	c = fx_ctx(&s->v, m[0], &ck);
	assert_int_equal(run_ctx(&c, NULL, NULL), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_INFO), 1);
	cbor_decref(&m[0]);
	fsim_checks_clear(&ck);
}

/* ---- synthetic certificates ---- */

static void
test_synthetic(void **state)
{
	st_t *s = *state;
	fsim_att_type_t type;
	syn_t y;
	int n;

	syn_make(s, NONCE_GOOD, s->cred, s->cred, &y);
	if (run_ctx(&y.c, &type, &n) != 0)
		fx_dump(&y.ck);
	assert_int_equal(fsim_checks_fail_count(&y.ck), 0);
	assert_int_equal(type, FSIM_ATT_TYPE_ANONCA);
	assert_int_equal(n, 1);
	syn_free(&y);

	/* right nonce, but the leaf certifies another key */
	syn_make(s, NONCE_GOOD, s->other, s->cred, &y);
	expect_only(&y.c, FSIM_R_ATT_APPLE_03);
	syn_free(&y);
}

/* PIT-19: the extension is DER SEQUENCE { [1] EXPLICIT OCTET STRING }, nothing else. */
static void
test_synthetic_nonce_asn1(void **state)
{
	static const int bad[] = {
		NONCE_NONE, NONCE_BARE, NONCE_OCTETS, NONCE_IMPLICIT, NONCE_TAG2,
		NONCE_TRAILING, NONCE_SHORT, NONCE_TWO, NONCE_LONGFORM,
	};
	st_t *s = *state;
	syn_t y;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		syn_make(s, bad[i], s->cred, s->cred, &y);
		expect_only(&y.c, FSIM_R_ATT_APPLE_02);
		syn_free(&y);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_verifies),
		cmocka_unit_test(test_vector_nonce),
		cmocka_unit_test(test_vector_credential_key),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_synthetic),
		cmocka_unit_test(test_synthetic_nonce_asn1),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
