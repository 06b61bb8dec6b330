/*
 * test_fmt_android_key.c — the android-key attestation format (WebAuthn L3
 * §8.4). The L3-CR vector verifies (Basic, one-certificate trust path); the
 * main-branch vector, whose authorization lists are empty, fails ATT-AKEY-06
 * and nothing else; mutations each fail their own rule: ATT-AKEY-01 (shape),
 * -02 (signature), -03 (leaf key), -04 (KeyDescription present, DER,
 * challenge), -05 (allApplications), -06 (origin and purpose over the union
 * of both lists, PIT-16).
 *
 * Data: vectors/w3c-l3/w3c-android-key-es256{,-l3-cr}-registration.json
 * (WebAuthn L3 §16, see the README there). For the certificate mutations a
 * KeyDescription is DER-encoded here byte by byte and put in a leaf made at
 * run time; the authData is the vector's with the credential key replaced by
 * a key generated per run, and the statement is signed with it.
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
	fx_vec_t main, l3cr;
} st_t;

static int
setup(void **state)
{
	st_t *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->root = fixture_key("P-256");
	s->cred = fixture_key("P-256");
	s->other = fixture_key("P-256");
	fx_vec_load("w3c-android-key-es256-registration", &s->main);
	fx_vec_load("w3c-android-key-es256-l3-cr-registration", &s->l3cr);
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
	fx_vec_free(&s->main);
	fx_vec_free(&s->l3cr);
	free(s);
	return 0;
}

/* ---- running the verifier ---- */

static int
run_ctx(const fsim_fmt_ctx_t *c, fsim_att_type_t *type, int *n)
{
	return fx_run(fsim_fmt_android_key, c, type, n);
}

/* Only `rule` failed (at least once), with return code want_rc. */
static void
expect_only(const fsim_fmt_ctx_t *c, int want_rc, fsim_rule_id_t rule)
{
	size_t i, fails = 0;
	int r;

	r = run_ctx(c, NULL, NULL);
	for (i = 0; i < c->ck->n; i++)
		if (c->ck->v[i].status == FSIM_CHECK_FAIL && c->ck->v[i].rule != rule)
			fails++;
	if (r != want_rc || !fsim_checks_failed(c->ck, rule) || fails != 0)
		fx_dump(c->ck);
	assert_int_equal(r, want_rc);
	assert_true(fsim_checks_failed(c->ck, rule));
	assert_int_equal(fails, 0);
}

/* `rule` failed, whatever else did. */
static void
expect_fail(const fsim_fmt_ctx_t *c, int want_rc, fsim_rule_id_t rule)
{
	int r = run_ctx(c, NULL, NULL);

	if (r != want_rc || !fsim_checks_failed(c->ck, rule))
		fx_dump(c->ck);
	assert_int_equal(r, want_rc);
	assert_true(fsim_checks_failed(c->ck, rule));
}

static bool
passed(const fsim_checks_t *ck, fsim_rule_id_t rule)
{
	size_t i;

	for (i = 0; i < ck->n; i++)
		if (ck->v[i].rule == rule && ck->v[i].status == FSIM_CHECK_PASS)
			return true;
	return false;
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

/* The statement's sig with one byte changed. */
static cbor_item_t *
sig_flipped(const cbor_item_t *st, size_t at)
{
	const uint8_t *sig;
	uint8_t buf[160];
	size_t len;

	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(st, "sig"), &sig,
	    &len), 0);
	assert_true(len <= sizeof(buf) && at < len);
	memcpy(buf, sig, len);
	buf[at] ^= 0x01;
	return with(st, "sig", fsim_cbor_bytes(buf, len));
}

/* ---- DER, built byte by byte ---- */

/* Append identifier bytes, the DER length of n, and n bytes of value. */
static void
tlv(fsim_blob_t *b, const uint8_t *id, size_t idlen, const uint8_t *v, size_t n)
{
	uint8_t len[3];
	size_t ll;

	assert_true(n < 0x10000);
	if (n < 0x80) {
		len[0] = (uint8_t)n;
		ll = 1;
	} else if (n < 0x100) {
		len[0] = 0x81;
		len[1] = (uint8_t)n;
		ll = 2;
	} else {
		len[0] = 0x82;
		len[1] = (uint8_t)(n >> 8);
		len[2] = (uint8_t)n;
		ll = 3;
	}
	assert_int_equal(fsim_blob_append(b, id, idlen), 0);
	assert_int_equal(fsim_blob_append(b, len, ll), 0);
	if (n > 0)
		assert_int_equal(fsim_blob_append(b, v, n), 0);
}

static void
tlv1(fsim_blob_t *b, uint8_t id, const uint8_t *v, size_t n)
{
	tlv(b, &id, 1, v, n);
}

/* [tag] EXPLICIT around inner: context, constructed, high-tag form from 31. */
static void
explicit_tag(fsim_blob_t *b, uint32_t tag, const fsim_blob_t *inner)
{
	uint8_t id[5];
	size_t n = 0;

	if (tag < 31) {
		id[n++] = (uint8_t)(0xa0 | tag);
	} else {
		id[n++] = 0xbf;
		if (tag >= 0x80)
			id[n++] = (uint8_t)(0x80 | (tag >> 7));
		id[n++] = (uint8_t)(tag & 0x7f);
	}
	tlv(b, id, n, inner->ptr, inner->len);
}

/* AuthorizationList fields (appended to the list's contents). */
static void
al_purpose(fsim_blob_t *al, const uint8_t *v, size_t n)
{
	fsim_blob_t set = { 0 }, ints = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		tlv1(&ints, 0x02, &v[i], 1);
	tlv1(&set, 0x31, ints.ptr, ints.len);
	explicit_tag(al, 1, &set);
	fsim_blob_reset(&set);
	fsim_blob_reset(&ints);
}

static void
al_int(fsim_blob_t *al, uint32_t tag, uint8_t v)
{
	fsim_blob_t in = { 0 };

	tlv1(&in, 0x02, &v, 1);
	explicit_tag(al, tag, &in);
	fsim_blob_reset(&in);
}

static void
al_null(fsim_blob_t *al, uint32_t tag)
{
	fsim_blob_t in = { 0 };

	tlv1(&in, 0x05, NULL, 0);
	explicit_tag(al, tag, &in);
	fsim_blob_reset(&in);
}

/* An unknown field, [tag] EXPLICIT OCTET STRING of n bytes, for skipping. */
static void
al_octets(fsim_blob_t *al, uint32_t tag, size_t n)
{
	fsim_blob_t in = { 0 };
	uint8_t buf[300];

	assert_true(n <= sizeof(buf));
	memset(buf, 0x5a, n);
	tlv1(&in, 0x04, buf, n);
	explicit_tag(al, tag, &in);
	fsim_blob_reset(&in);
}

/* The usual good list: purpose {SIGN}, origin GENERATED. */
static void
al_good(fsim_blob_t *al)
{
	static const uint8_t sign = 2;

	al_purpose(al, &sign, 1);
	al_int(al, 702, 0);
}

/* KeyDescription (attestationVersion 300, TEE) around the two lists. */
static void
kd_build(fsim_blob_t *out, const uint8_t *chal, size_t clen, const fsim_blob_t *sw,
    const fsim_blob_t *tee)
{
	static const uint8_t v300[] = { 0x01, 0x2c }, tee_level = 1;
	fsim_blob_t in = { 0 };

	tlv1(&in, 0x02, v300, 2);
	tlv1(&in, 0x0a, &tee_level, 1);
	tlv1(&in, 0x02, v300, 2);
	tlv1(&in, 0x0a, &tee_level, 1);
	tlv1(&in, 0x04, chal, clen);
	tlv1(&in, 0x04, NULL, 0);
	tlv1(&in, 0x30, sw->ptr, sw->len);
	tlv1(&in, 0x30, tee->ptr, tee->len);
	tlv1(out, 0x30, in.ptr, in.len);
	fsim_blob_reset(&in);
}

/* ---- a synthetic registration: our leaf, our credential key ---- */

typedef struct syn {
	fsim_blob_t ad;
	fsim_authdata_t *pad;
	cbor_item_t *stmt;
	uint8_t cdh[32];
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
} syn_t;

/*
 * authData of the L3-CR vector with credKey as the credential public key,
 * a leaf for leafKey carrying extension value kd (none when NULL), and
 * attStmt {alg: ES256, sig by leafKey, x5c: [leaf]}.
 */
static void
syn_make(const st_t *s, const uint8_t *kd, size_t kdlen, EVP_PKEY *leaf_key,
    EVP_PKEY *cred_key, syn_t *y)
{
	const fsim_authdata_t *vad = s->l3cr.ao->auth_data;
	fx_cert_t spec = fx_packed_leaf();
	fsim_cose_key_t *k = NULL;
	fsim_blob_t cose = { 0 }, sig = { 0 }, msg = { 0 };
	size_t prefix = 37 + 16 + 2 + vad->cred_id.len;
	X509 *leaf;

	memset(y, 0, sizeof(*y));
	assert_int_equal(fsim_cose_key_from_pkey(cred_key, FSIM_COSE_ES256, &k), 0);
	assert_int_equal(fsim_cose_key_encode(k, &cose), 0);
	assert_int_equal(fsim_blob_set(&y->ad, s->l3cr.ad.ptr, prefix), 0);
	assert_int_equal(fsim_blob_append(&y->ad, cose.ptr, cose.len), 0);
	assert_int_equal(fsim_authdata_parse(y->ad.ptr, y->ad.len, &y->pad, NULL), 0);
	memcpy(y->cdh, s->l3cr.cdh, 32);

	spec.ou = NULL;
	spec.cn = "fidosim android-key test";
	assert_non_null(leaf = fx_cert(&spec, leaf_key, s->root));
	if (kd != NULL) {
		assert_int_equal(fx_add_raw_ext(leaf, FSIM_OID_ANDROID_KEY, false, kd,
		    kdlen), 1);
		assert_true(X509_sign(leaf, s->root, EVP_sha256()) > 0);
	}
	assert_int_equal(fsim_blob_set(&msg, y->ad.ptr, y->ad.len), 0);
	assert_int_equal(fsim_blob_append(&msg, y->cdh, 32), 0);
	assert_int_equal(fsim_sig_sign(leaf_key, FSIM_COSE_ES256, msg.ptr, msg.len,
	    &sig), 0);
	assert_non_null(y->stmt = cbor_new_definite_map(3));
	fx_put_int(y->stmt, "alg", FSIM_COSE_ES256);
	fx_put_bytes(y->stmt, "sig", sig.ptr, sig.len);
	fx_put(y->stmt, "x5c", fx_x5c(&leaf, 1));

	fsim_checks_init(&y->ck);
	y->c.att_stmt = y->stmt;
	y->c.auth_data = y->ad.ptr;
	y->c.auth_data_len = y->ad.len;
	y->c.ad = y->pad;
	memcpy(y->c.client_data_hash, y->cdh, 32);
	y->c.ck = &y->ck;

	X509_free(leaf);
	fsim_cose_key_free(&k);
	fsim_blob_reset(&cose);
	fsim_blob_reset(&sig);
	fsim_blob_reset(&msg);
}

static void
syn_free(syn_t *y)
{
	fsim_blob_reset(&y->ad);
	fsim_authdata_free(&y->pad);
	cbor_decref(&y->stmt);
	fsim_checks_clear(&y->ck);
}

/* A synthetic registration whose KeyDescription has these two lists. */
static void
syn_lists(const st_t *s, const fsim_blob_t *sw, const fsim_blob_t *tee, syn_t *y)
{
	fsim_blob_t kd = { 0 };

	kd_build(&kd, s->l3cr.cdh, 32, sw, tee);
	syn_make(s, kd.ptr, kd.len, s->cred, s->cred, y);
	fsim_blob_reset(&kd);
}

/* ---- the vectors ---- */

static void
test_l3cr_vector_verifies(void **state)
{
	st_t *s = *state;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	fsim_att_type_t type;
	int n, r;

	fsim_checks_init(&ck);
	c = fx_ctx(&s->l3cr, NULL, &ck);
	r = run_ctx(&c, &type, &n);
	if (r != 0)
		fx_dump(&ck);
	assert_int_equal(r, 0);
	assert_int_equal(type, FSIM_ATT_TYPE_BASIC);
	assert_int_equal(n, 1);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 0);
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_01));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_02));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_03));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_04));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_05));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_06));
	fsim_checks_clear(&ck);
}

/* vectors/w3c-l3/README.md: main's authorization lists are empty, so §8.4's origin/purpose check fails. */
static void
test_main_vector_fails_only_origin_purpose(void **state)
{
	st_t *s = *state;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;

	fsim_checks_init(&ck);
	c = fx_ctx(&s->main, NULL, &ck);
	expect_only(&c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_06);
	/* one FAIL naming both problems (origin absent, no SIGN purpose) */
	assert_int_equal(fsim_checks_fail_count(&ck), 1);
	assert_non_null(strstr(ck.v[ck.n - 1].msg, "origin [702] is in neither list"));
	assert_non_null(strstr(ck.v[ck.n - 1].msg, "purpose [1] has no SIGN"));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_01));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_02));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_03));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_04));
	assert_true(passed(&ck, FSIM_R_ATT_AKEY_05));
	fsim_checks_clear(&ck);
}

/* ---- mutations of the L3-CR vector ---- */

static void
test_vector_signature(void **state)
{
	st_t *s = *state;
	const cbor_item_t *st = s->l3cr.ao->att_stmt;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	cbor_item_t *m;
	fx_vec_t v;

	/* last byte of s: still DER, no longer valid */
	fsim_checks_init(&ck);
	m = sig_flipped(st, 71);
	c = fx_ctx(&s->l3cr, m, &ck);
	expect_only(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_AKEY_02);
	cbor_decref(&m);
	fsim_checks_clear(&ck);

	/* the SEQUENCE tag: not DER, SIG-01 and the step's rule */
	fsim_checks_init(&ck);
	m = sig_flipped(st, 0);
	c = fx_ctx(&s->l3cr, m, &ck);
	expect_fail(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_AKEY_02);
	assert_true(fsim_checks_failed(&ck, FSIM_R_SIG_01));
	cbor_decref(&m);
	fsim_checks_clear(&ck);

	/* an authData byte (rpIdHash) */
	fsim_checks_init(&ck);
	fx_vec_load("w3c-android-key-es256-l3-cr-registration", &v);
	v.ad.ptr[0] ^= 0x80;
	c = fx_ctx(&v, NULL, &ck);
	expect_only(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_AKEY_02);
	fx_vec_free(&v);
	fsim_checks_clear(&ck);

	/* alg RS256 with an EC leaf, and an alg nobody knows */
	fsim_checks_init(&ck);
	m = with(st, "alg", fsim_cbor_int(FSIM_COSE_RS256));
	c = fx_ctx(&s->l3cr, m, &ck);
	expect_only(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_AKEY_02);
	cbor_decref(&m);
	fsim_checks_clear(&ck);

	fsim_checks_init(&ck);
	m = with(st, "alg", fsim_cbor_int(-999));
	c = fx_ctx(&s->l3cr, m, &ck);
	expect_fail(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_AKEY_02);
	cbor_decref(&m);
	fsim_checks_clear(&ck);
}

/* A different client data hash: the challenge no longer matches (and sig neither). */
static void
test_vector_challenge(void **state)
{
	st_t *s = *state;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;

	fsim_checks_init(&ck);
	c = fx_ctx(&s->l3cr, NULL, &ck);
	c.client_data_hash[31] ^= 0x01;
	expect_fail(&c, FSIM_ERR_SIGNATURE, FSIM_R_ATT_AKEY_04);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_AKEY_02));
	assert_false(fsim_checks_failed(&ck, FSIM_R_ATT_AKEY_03));
	fsim_checks_clear(&ck);
}

static void
test_shape(void **state)
{
	st_t *s = *state;
	const cbor_item_t *st = s->l3cr.ao->att_stmt;
	cbor_item_t *m[9], *arr;
	fsim_checks_t ck;
	fsim_fmt_ctx_t c;
	size_t i;

	m[0] = with(st, "alg", NULL);
	m[1] = with(st, "alg", fsim_cbor_text("ES256"));
	m[2] = with(st, "sig", NULL);
	m[3] = with(st, "sig", fsim_cbor_text("sig"));
	m[4] = with(st, "x5c", NULL);
	m[5] = with(st, "x5c", cbor_new_definite_array(0));
	m[6] = with(st, "x5c", fsim_cbor_bytes((const uint8_t *)"cert", 4));
	assert_non_null(arr = cbor_new_definite_array(1));
	assert_true(cbor_array_push(arr, cbor_move(fsim_cbor_bytes((const uint8_t *)
	    "\x30\x03\x02\x01\x01", 5))));
	m[7] = with(st, "x5c", arr);
	m[8] = cbor_new_definite_array(0);
	for (i = 0; i < 9; i++) {
		fsim_checks_init(&ck);
		c = fx_ctx(&s->l3cr, m[i], &ck);
		expect_only(&c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_01);
		cbor_decref(&m[i]);
		fsim_checks_clear(&ck);
	}

	/* an extra member is not the syntax but harmless: a warning */
	fsim_checks_init(&ck);
	m[0] = with(st, "ver", fsim_cbor_text("1"));
	c = fx_ctx(&s->l3cr, m[0], &ck);
	assert_int_equal(run_ctx(&c, NULL, NULL), 0);
	assert_int_equal(fsim_checks_count(&ck, FSIM_CHECK_WARN), 1);
	cbor_decref(&m[0]);
	fsim_checks_clear(&ck);
}

/* ---- synthetic certificates ---- */

static void
test_synthetic_good_and_union(void **state)
{
	st_t *s = *state;
	static const uint8_t enc_sign[] = { 0, 2 };
	fsim_blob_t sw = { 0 }, tee = { 0 };
	syn_t y;

	/* everything in teeEnforced */
	al_good(&tee);
	syn_lists(s, &sw, &tee, &y);
	if (run_ctx(&y.c, NULL, NULL) != 0)
		fx_dump(&y.ck);
	assert_int_equal(fsim_checks_fail_count(&y.ck), 0);
	syn_free(&y);
	fsim_blob_reset(&tee);

	/* PIT-16: purpose in softwareEnforced, origin in teeEnforced */
	al_purpose(&sw, enc_sign, 2);
	al_int(&tee, 702, 0);
	syn_lists(s, &sw, &tee, &y);
	assert_int_equal(run_ctx(&y.c, NULL, NULL), 0);
	syn_free(&y);
	fsim_blob_reset(&sw);
	fsim_blob_reset(&tee);

	/* both in softwareEnforced alone */
	al_good(&sw);
	syn_lists(s, &sw, &tee, &y);
	assert_int_equal(run_ctx(&y.c, NULL, NULL), 0);
	syn_free(&y);
	fsim_blob_reset(&sw);
}

/* Unknown fields are skipped, high tags and long-form lengths read correctly. */
static void
test_synthetic_skips_unknown(void **state)
{
	st_t *s = *state;
	fsim_blob_t sw = { 0 }, tee = { 0 };
	syn_t y;

	al_octets(&sw, 709, 200);        /* attestationApplicationId: length 81 c8 */
	al_octets(&tee, 2, 3);           /* algorithm */
	al_good(&tee);
	al_octets(&tee, 704, 260);       /* rootOfTrust-sized: length 82 01 04 */
	al_octets(&tee, 0x3fff, 1);      /* largest two-byte high tag */
	syn_lists(s, &sw, &tee, &y);
	if (run_ctx(&y.c, NULL, NULL) != 0)
		fx_dump(&y.ck);
	assert_int_equal(fsim_checks_fail_count(&y.ck), 0);
	syn_free(&y);
	fsim_blob_reset(&sw);
	fsim_blob_reset(&tee);
}

static void
test_synthetic_all_applications(void **state)
{
	st_t *s = *state;
	fsim_blob_t sw = { 0 }, tee = { 0 };
	syn_t y;

	al_good(&tee);
	al_null(&tee, 600);
	syn_lists(s, &sw, &tee, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_05);
	syn_free(&y);
	fsim_blob_reset(&tee);

	al_null(&sw, 600);
	al_good(&tee);
	syn_lists(s, &sw, &tee, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_05);
	syn_free(&y);
	fsim_blob_reset(&sw);
	fsim_blob_reset(&tee);
}

static void
test_synthetic_origin_purpose(void **state)
{
	st_t *s = *state;
	static const uint8_t sign = 2, verify = 3;
	fsim_blob_t sw = { 0 }, tee = { 0 };
	syn_t y;

	/* origin IMPORTED */
	al_purpose(&tee, &sign, 1);
	al_int(&tee, 702, 2);
	syn_lists(s, &sw, &tee, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_06);
	syn_free(&y);
	fsim_blob_reset(&tee);

	/* GENERATED in one list, IMPORTED in the other */
	al_int(&sw, 702, 2);
	al_good(&tee);
	syn_lists(s, &sw, &tee, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_06);
	syn_free(&y);
	fsim_blob_reset(&sw);
	fsim_blob_reset(&tee);

	/* purpose VERIFY only */
	al_purpose(&tee, &verify, 1);
	al_int(&tee, 702, 0);
	syn_lists(s, &sw, &tee, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_06);
	syn_free(&y);
	fsim_blob_reset(&tee);

	/* no origin anywhere */
	al_purpose(&tee, &sign, 1);
	syn_lists(s, &sw, &tee, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_06);
	syn_free(&y);
	fsim_blob_reset(&tee);
}

/* The leaf certifies a key other than the credential's; the leaf key signed. */
static void
test_synthetic_other_key(void **state)
{
	st_t *s = *state;
	fsim_blob_t sw = { 0 }, tee = { 0 }, kd = { 0 };
	syn_t y;

	al_good(&tee);
	kd_build(&kd, s->l3cr.cdh, 32, &sw, &tee);
	syn_make(s, kd.ptr, kd.len, s->other, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_03);
	syn_free(&y);
	fsim_blob_reset(&tee);
	fsim_blob_reset(&kd);
}

static void
test_synthetic_key_description(void **state)
{
	st_t *s = *state;
	fsim_blob_t sw = { 0 }, tee = { 0 }, kd = { 0 }, bad = { 0 };
	uint8_t chal[33];
	syn_t y;

	al_good(&tee);

	/* no extension at all */
	syn_make(s, NULL, 0, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);

	/* a 33-byte challenge that starts with the hash */
	memcpy(chal, s->l3cr.cdh, 32);
	chal[32] = 0;
	kd_build(&kd, chal, 33, &sw, &tee);
	syn_make(s, kd.ptr, kd.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&kd);

	kd_build(&kd, s->l3cr.cdh, 32, &sw, &tee);

	/* a byte after the SEQUENCE */
	assert_int_equal(fsim_blob_set(&bad, kd.ptr, kd.len), 0);
	assert_int_equal(fsim_blob_append(&bad, (const uint8_t *)"", 1), 0);
	syn_make(s, bad.ptr, bad.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);

	/* truncated: the outer length claims one byte more than there is */
	bad.ptr[1]++;
	syn_make(s, bad.ptr, kd.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&bad);

	/* indefinite length (BER, not DER) */
	assert_int_equal(fsim_blob_set(&bad, (const uint8_t *)"\x30\x80", 2), 0);
	assert_int_equal(fsim_blob_append(&bad, kd.ptr + 2, kd.len - 2), 0);
	assert_int_equal(fsim_blob_append(&bad, (const uint8_t *)"\0\0", 2), 0);
	syn_make(s, bad.ptr, bad.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&bad);

	/* a long-form length that fits the short form (81 xx with xx < 128) */
	assert_true(kd.ptr[1] < 0x80);
	assert_int_equal(fsim_blob_set(&bad, (const uint8_t *)"\x30\x81", 2), 0);
	assert_int_equal(fsim_blob_append(&bad, kd.ptr + 1, kd.len - 1), 0);
	syn_make(s, bad.ptr, bad.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&bad);
	fsim_blob_reset(&kd);
	fsim_blob_reset(&tee);

	/* origin twice in one list: ambiguous */
	al_good(&tee);
	al_int(&tee, 702, 0);
	kd_build(&kd, s->l3cr.cdh, 32, &sw, &tee);
	syn_make(s, kd.ptr, kd.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&kd);
	fsim_blob_reset(&tee);

	/* a field that is not EXPLICIT context-tagged (a bare INTEGER) */
	al_good(&tee);
	tlv1(&tee, 0x02, (const uint8_t *)"\x01", 1);
	kd_build(&kd, s->l3cr.cdh, 32, &sw, &tee);
	syn_make(s, kd.ptr, kd.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&kd);
	fsim_blob_reset(&tee);

	/* a high tag number with a leading 0x80 byte (bf 80 85 3e: not minimal) */
	al_good(&tee);
	assert_int_equal(fsim_blob_append(&tee, (const uint8_t *)
	    "\xbf\x80\x85\x3e\x03\x02\x01\x00", 8), 0);
	kd_build(&kd, s->l3cr.cdh, 32, &sw, &tee);
	syn_make(s, kd.ptr, kd.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&kd);
	fsim_blob_reset(&tee);

	/* purpose [1] holding an INTEGER instead of a SET */
	tlv1(&bad, 0x02, (const uint8_t *)"\x02", 1);
	explicit_tag(&tee, 1, &bad);
	al_int(&tee, 702, 0);
	kd_build(&kd, s->l3cr.cdh, 32, &sw, &tee);
	syn_make(s, kd.ptr, kd.len, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&kd);
	fsim_blob_reset(&tee);
	fsim_blob_reset(&bad);

	/* teeEnforced missing: the SEQUENCE ends after softwareEnforced */
	al_good(&sw);
	kd_build(&kd, s->l3cr.cdh, 32, &sw, &tee);
	assert_true(kd.ptr[1] < 0x80 && kd.ptr[kd.len - 2] == 0x30 &&
	    kd.ptr[kd.len - 1] == 0x00);
	kd.ptr[1] = (uint8_t)(kd.ptr[1] - 2);
	syn_make(s, kd.ptr, kd.len - 2, s->cred, s->cred, &y);
	expect_only(&y.c, FSIM_ERR_FORMAT, FSIM_R_ATT_AKEY_04);
	syn_free(&y);
	fsim_blob_reset(&kd);
	fsim_blob_reset(&sw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_l3cr_vector_verifies),
		cmocka_unit_test(test_main_vector_fails_only_origin_purpose),
		cmocka_unit_test(test_vector_signature),
		cmocka_unit_test(test_vector_challenge),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_synthetic_good_and_union),
		cmocka_unit_test(test_synthetic_skips_unknown),
		cmocka_unit_test(test_synthetic_all_applications),
		cmocka_unit_test(test_synthetic_origin_purpose),
		cmocka_unit_test(test_synthetic_other_key),
		cmocka_unit_test(test_synthetic_key_description),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
