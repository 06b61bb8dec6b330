/*
 * test_att.c — the authenticator's attestation CA (ca.c) and statement
 * producers (att.c), judged by the relying party's own verifiers: every
 * statement verifies with rp-sim's format verifier with the right type
 * (none, self, basic), the packed chain verifies to the root exported by
 * fsim_ca_root_pem, each certificate deviation and signature quirk fails
 * the RP by the rule the quirk catalog names (ATT-PACKED-06, -04, -05,
 * ATT-03, -09, -02, SIG-01, ATT-U2F-04), a seeded environment gives
 * byte-identical certificates and statements, and the store gives back the
 * same CA.
 *
 * Data: none committed. Every key comes from the environment at run time
 * (seeded: deterministic; default: OpenSSL's random source); the authData
 * is built by att_fixture.h's fx_vec_make.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/x509v3.h>

#include "att_fixture.h"
#include "authenticator/att.h"
#include "authenticator/authn.h"
#include "authenticator/keys.h"
#include "core/judge_memo.h"
#include "rp-sim/trust.h"

static const uint8_t aaguid1[16] = {
	0xf1, 0xd0, 0xf1, 0xd0, 0x51, 0x3e, 0x4c, 0x1a,
	0x9a, 0x6b, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
};
static const uint8_t aaguid2[16] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
};

/* One authenticator's world: environment, store, CA. */
typedef struct world {
	fsim_env_t env;
	bool seeded;
	fsim_store_t *s;
	fsim_ca_t *ca;
} world_t;

static void
world_open(world_t *w, const char *seed, const char *path)
{
	memset(w, 0, sizeof(*w));
	if (seed != NULL) {
		assert_int_equal(fsim_env_seeded(&w->env, (const uint8_t *)seed,
		    strlen(seed)), 0);
		w->seeded = true;
	} else {
		fsim_env_default(&w->env);
	}
	assert_int_equal(fsim_store_open(path != NULL ? path : ":memory:", &w->env,
	    &w->s, NULL), 0);
	assert_int_equal(fsim_ca_load(w->s, &w->env, &w->ca), 0);
	assert_non_null(w->ca);
}

static void
world_close(world_t *w)
{
	fsim_ca_free(&w->ca);
	assert_null(w->ca);
	fsim_store_free(&w->s);
	if (w->seeded)
		fsim_env_free(&w->env);
}

static time_t
world_now(const world_t *w)
{
	return (time_t)w->env.now(w->env.ctx);
}

/* A credential key and an authData for it (AT, rpIdHash of example.org). */
typedef struct reg {
	EVP_PKEY *key;
	int alg;
	fx_vec_t v;
} reg_t;

static void
reg_make(world_t *w, int alg, const uint8_t aaguid[16], reg_t *g)
{
	memset(g, 0, sizeof(*g));
	assert_int_equal(fsim_key_generate(&w->env, alg, &g->key), 0);
	g->alg = alg;
	fx_vec_make(g->key, alg, aaguid, &g->v);
}

static void
reg_free(reg_t *g)
{
	EVP_PKEY_free(g->key);
	fx_vec_free(&g->v);
}

static fsim_att_input_t
input_of(const reg_t *g)
{
	fsim_att_input_t in;

	memset(&in, 0, sizeof(in));
	in.auth_data = g->v.ad.ptr;
	in.auth_data_len = g->v.ad.len;
	in.client_data_hash = g->v.cdh;
	in.rp_id_hash = g->v.ao->auth_data->rp_id_hash;
	in.cred_id = g->v.ao->auth_data->cred_id.ptr;
	in.cred_id_len = g->v.ao->auth_data->cred_id.len;
	in.cred_key = g->key;
	in.cred_alg = g->alg;
	in.aaguid = g->v.ao->auth_data->aaguid;
	return in;
}

/* The RP's verdict on (fmt, attStmt) over the registration's authData. */
typedef struct verdict {
	int rc;
	fsim_checks_t ck;
	fsim_fmt_result_t res;
} verdict_t;

static void
rp_verify(const reg_t *g, const char *fmt, const cbor_item_t *st, verdict_t *vd)
{
	fsim_fmt_verify_fn fn = fsim_fmt_find(fmt);
	fsim_fmt_ctx_t c;

	memset(vd, 0, sizeof(*vd));
	assert_non_null(fn);
	fsim_checks_init(&vd->ck);
	c = fx_ctx(&g->v, st, &vd->ck);
	vd->rc = fn(&c, &vd->res);
}

static void
verdict_free(verdict_t *vd)
{
	fsim_fmt_result_reset(&vd->res);
	fsim_checks_clear(&vd->ck);
}

/* Make a statement and have the RP verify it: must pass with type `type`. */
static void
make_ok(world_t *w, int format, const reg_t *g, const fsim_att_input_t *in,
    const char *want_fmt, fsim_att_type_t type, verdict_t *vd)
{
	const char *fmt = NULL;
	cbor_item_t *st = NULL;

	assert_int_equal(fsim_att_make(format, w->ca, w->s, &w->env, in, &fmt, &st), 0);
	assert_non_null(st);
	assert_string_equal(fmt, want_fmt);
	rp_verify(g, fmt, st, vd);
	if (vd->rc != 0)
		fx_dump(&vd->ck);
	assert_int_equal(vd->rc, 0);
	assert_int_equal(fsim_checks_fail_count(&vd->ck), 0);
	assert_int_equal(vd->res.type, type);
	cbor_decref(&st);
}

/* Make a statement the RP must reject by `rule`. */
static void
make_fails(world_t *w, int format, const reg_t *g, const fsim_att_input_t *in,
    fsim_rule_id_t rule)
{
	const char *fmt = NULL;
	cbor_item_t *st = NULL;
	verdict_t vd;

	assert_int_equal(fsim_att_make(format, w->ca, w->s, &w->env, in, &fmt, &st), 0);
	rp_verify(g, fmt, st, &vd);
	assert_int_not_equal(vd.rc, 0);
	if (!fsim_checks_failed(&vd.ck, rule)) {
		print_message("expected a FAIL of %s\n", fsim_rule(rule)->id);
		fx_dump(&vd.ck);
	}
	assert_true(fsim_checks_failed(&vd.ck, rule));
	verdict_free(&vd);
	cbor_decref(&st);
}

static cbor_item_t *
make_stmt(world_t *w, int format, const fsim_att_input_t *in)
{
	const char *fmt = NULL;
	cbor_item_t *st = NULL;

	assert_int_equal(fsim_att_make(format, w->ca, w->s, &w->env, in, &fmt, &st), 0);
	assert_non_null(st);
	return st;
}

static void
encode(const cbor_item_t *st, fsim_blob_t *out)
{
	assert_int_equal(fsim_cbor_encode(st, out), 0);
}

/* The members of a map, in the order they are held, are in canonical order. */
static void
assert_keys(const cbor_item_t *st, const char *const *keys, size_t n)
{
	struct cbor_pair *p = cbor_map_handle(st);
	size_t i;

	assert_int_equal(cbor_map_size(st), n);
	for (i = 0; i < n; i++) {
		assert_true(cbor_isa_string(p[i].key));
		assert_int_equal(cbor_string_length(p[i].key), strlen(keys[i]));
		assert_memory_equal(cbor_string_handle(p[i].key), keys[i], strlen(keys[i]));
	}
}

static X509 *
cert_of(const fsim_blob_t *der)
{
	const unsigned char *p = der->ptr;
	X509 *x = d2i_X509(NULL, &p, (long)der->len);

	assert_non_null(x);
	assert_ptr_equal(p, der->ptr + der->len);
	return x;
}

static void
assert_name(X509 *x, int nid, const char *want)
{
	char buf[128];
	int n = X509_NAME_get_text_by_NID(X509_get_subject_name(x), nid, buf, sizeof(buf));

	if (want == NULL) {
		assert_int_equal(n, -1);
		return;
	}
	assert_true(n > 0);
	assert_string_equal(buf, want);
}

/* Basic constraints: critical and with cA as wanted. */
static void
assert_bc(X509 *x, bool ca)
{
	int crit = -1;
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);

	assert_non_null(bc);
	assert_int_equal(crit, 1);
	assert_int_equal(bc->ca != 0, ca);
	BASIC_CONSTRAINTS_free(bc);
}

static char *
root_pem(const world_t *w)
{
	char *pem = NULL;

	assert_int_equal(fsim_ca_root_pem(w->ca, &pem), 0);
	assert_non_null(pem);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE-----"));
	return pem;
}

/* ---- tests ---- */

static void
test_ca_certificates(void **state)
{
	world_t w;
	fsim_blob_t chain[2] = { { 0 }, { 0 } };
	EVP_PKEY *lk = NULL;
	X509 *leaf, *inter, *root;
	char *pem, want_cn[64], as[FSIM_AAGUID_STRLEN + 1];
	const uint8_t *val = NULL;
	size_t vlen = 0;
	bool crit = true;
	BIO *bio;
	static const uint8_t hdr[2] = { 0x04, 0x10 };

	(void)state;
	world_open(&w, "certificates", NULL);
	pem = root_pem(&w);
	assert_non_null(bio = BIO_new_mem_buf(pem, -1));
	assert_non_null(root = PEM_read_bio_X509(bio, NULL, NULL, NULL));
	BIO_free(bio);
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, chain, &lk), 0);
	assert_non_null(lk);
	leaf = cert_of(&chain[0]);
	inter = cert_of(&chain[1]);

	/* The root: self-signed P-256 CA, keyCertSign + cRLSign, 20 years. */
	assert_int_equal(X509_get_version(root), X509_VERSION_3);
	assert_int_equal(X509_self_signed(root, 1), 1);
	assert_bc(root, true);
	assert_int_equal(X509_get_key_usage(root), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	assert_name(root, NID_countryName, "AA");
	assert_name(root, NID_organizationName, "fidosim");
	assert_name(root, NID_organizationalUnitName, "Authenticator Attestation CA");
	assert_name(root, NID_commonName, "fidosim test root CA");
	assert_non_null(X509_get0_subject_key_id(root));
	assert_non_null(X509_get0_authority_key_id(root));
	{
		int days = 0, secs = 0;

		assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(root),
		    X509_get0_notAfter(root)), 1);
		assert_int_equal(days, 7306);
	}
	assert_true(EVP_PKEY_is_a(X509_get0_pubkey(root), "EC"));
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(root)), 256);

	/* The intermediate: a CA under the root, keys linked by SKI/AKI. */
	assert_int_equal(X509_get_version(inter), X509_VERSION_3);
	assert_bc(inter, true);
	assert_int_equal(X509_get_key_usage(inter), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	assert_name(inter, NID_commonName, "fidosim test intermediate CA");
	assert_int_equal(X509_check_issued(root, inter), X509_V_OK);
	assert_int_equal(X509_verify(inter, X509_get0_pubkey(root)), 1);
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(inter),
	    X509_get0_subject_key_id(root)), 0);

	/* The leaf: §8.2.1. */
	fsim_aaguid_format(aaguid1, as);
	snprintf(want_cn, sizeof(want_cn), "fidosim batch %s", as);
	assert_int_equal(X509_get_version(leaf), X509_VERSION_3);
	assert_name(leaf, NID_countryName, "AA");
	assert_name(leaf, NID_organizationName, "fidosim");
	assert_name(leaf, NID_organizationalUnitName, "Authenticator Attestation");
	assert_name(leaf, NID_commonName, want_cn);
	assert_bc(leaf, false);
	assert_int_equal(X509_get_key_usage(leaf), KU_DIGITAL_SIGNATURE);
	assert_int_equal(X509_check_issued(inter, leaf), X509_V_OK);
	assert_int_equal(X509_verify(leaf, X509_get0_pubkey(inter)), 1);
	assert_int_equal(X509_check_private_key(leaf, lk), 1);
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf),
	    X509_get0_subject_key_id(inter)), 0);
	assert_true(fsim_cert_ext(leaf, FSIM_OID_FIDO_AAGUID, &val, &vlen, &crit));
	assert_false(crit);
	assert_int_equal(vlen, 18);
	assert_memory_equal(val, hdr, 2);
	assert_memory_equal(val + 2, aaguid1, 16);
	/* Never outlives the intermediate. */
	assert_true(ASN1_TIME_compare(X509_get0_notAfter(leaf),
	    X509_get0_notAfter(inter)) <= 0);
	{
		fsim_checks_t ck;

		fsim_checks_init(&ck);
		assert_int_equal(fsim_cert_check_packed(leaf, aaguid1, false, &ck), 0);
		fsim_checks_clear(&ck);
	}

	X509_free(leaf);
	X509_free(inter);
	X509_free(root);
	EVP_PKEY_free(lk);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	free(pem);
	world_close(&w);
}

static void
test_none(void **state)
{
	world_t w;
	reg_t g;
	fsim_att_input_t in;
	verdict_t vd;
	const char *fmt = NULL;
	cbor_item_t *st = NULL;

	(void)state;
	world_open(&w, "none", NULL);
	reg_make(&w, FSIM_COSE_ES256, aaguid1, &g);
	in = input_of(&g);
	make_ok(&w, FSIM_ATTFMT_NONE, &g, &in, "none", FSIM_ATT_TYPE_NONE, &vd);
	verdict_free(&vd);
	/* none needs nothing but the input itself */
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_NONE, NULL, NULL, NULL, &in, &fmt, &st), 0);
	assert_string_equal(fmt, "none");
	assert_true(cbor_isa_map(st));
	assert_int_equal(cbor_map_size(st), 0);
	cbor_decref(&st);
	reg_free(&g);
	world_close(&w);
}

static void
test_packed_self(void **state)
{
	static const int algs[] = { FSIM_COSE_ES256, FSIM_COSE_ES384, FSIM_COSE_EDDSA };
	static const char *const keys[] = { "alg", "sig" };
	world_t w;
	size_t i;

	(void)state;
	world_open(&w, "self", NULL);
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		reg_t g;
		fsim_att_input_t in;
		verdict_t vd;
		cbor_item_t *st;
		int64_t alg = 0;

		reg_make(&w, algs[i], aaguid1, &g);
		in = input_of(&g);
		make_ok(&w, FSIM_ATTFMT_PACKED_SELF, &g, &in, "packed", FSIM_ATT_TYPE_SELF, &vd);
		assert_null(vd.res.x5c);
		verdict_free(&vd);

		st = make_stmt(&w, FSIM_ATTFMT_PACKED_SELF, &in);
		assert_keys(st, keys, 2);
		assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(st, "alg"), &alg), 0);
		assert_int_equal(alg, algs[i]);
		cbor_decref(&st);

		/* no credential key: nothing to sign with */
		in.cred_key = NULL;
		assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED_SELF, w.ca, w.s, &w.env,
		    &in, &(const char *){ NULL }, &st), FSIM_ERR_ARG);
		assert_null(st);
		reg_free(&g);
	}
	world_close(&w);
}

/* Packed with x5c: Basic, the chain [leaf, intermediate], trusted under the root. */
static void
check_packed_full(world_t *w)
{
	static const char *const keys[] = { "alg", "sig", "x5c" };
	reg_t g;
	fsim_att_input_t in;
	verdict_t vd;
	fsim_trust_t *t = NULL;
	char *pem, why[256];
	bool trusted = false;
	cbor_item_t *st;
	int64_t alg = 0;
	fsim_checks_t ck;

	reg_make(w, FSIM_COSE_ES256, aaguid1, &g);
	in = input_of(&g);
	make_ok(w, FSIM_ATTFMT_PACKED, &g, &in, "packed", FSIM_ATT_TYPE_BASIC, &vd);
	assert_non_null(vd.res.x5c);
	assert_int_equal(sk_X509_num(vd.res.x5c), 2);

	st = make_stmt(w, FSIM_ATTFMT_PACKED, &in);
	assert_keys(st, keys, 3);
	assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(st, "alg"), &alg), 0);
	assert_int_equal(alg, FSIM_COSE_ES256);
	cbor_decref(&st);

	/* Within validity, and chains to the exported root. */
	fsim_checks_init(&ck);
	assert_int_equal(fsim_trust_check_validity(vd.res.x5c, world_now(w), &ck), 0);
	fsim_checks_clear(&ck);
	pem = root_pem(w);
	assert_int_equal(fsim_trust_new(&t), 0);
	assert_int_equal(fsim_trust_chain(t, vd.res.x5c, world_now(w), &trusted, why,
	    sizeof(why)), 0);
	assert_false(trusted);   /* no anchors yet */
	assert_int_equal(fsim_trust_add_pem(t, pem, strlen(pem)), 0);
	assert_int_equal(fsim_trust_count(t), 1);
	assert_int_equal(fsim_trust_chain(t, vd.res.x5c, world_now(w), &trusted, why,
	    sizeof(why)), 0);
	if (!trusted)
		print_message("not trusted: %s\n", why);
	assert_true(trusted);
	/* ... and not 21 years on. */
	assert_int_equal(fsim_trust_chain(t, vd.res.x5c, world_now(w) + 21L * 366 * 86400,
	    &trusted, why, sizeof(why)), 0);
	assert_false(trusted);
	/* judged once: the same path in a scope is checked once, with the same answer and reason */
	{
		fsim_judge_memo_t memo;
		char why2[160];
		bool t2 = false;

		fsim_judge_memo_begin(&memo);
		assert_int_equal(fsim_trust_chain(t, vd.res.x5c, world_now(w), &trusted, why,
		    sizeof(why)), 0);
		assert_int_equal(fsim_trust_chain(t, vd.res.x5c, world_now(w), &t2, why2,
		    sizeof(why2)), 0);
		assert_true(trusted && t2);
		assert_int_equal(memo.parse_hits, 1);
		assert_int_equal(fsim_trust_chain(t, vd.res.x5c, world_now(w) + 21L * 366 * 86400,
		    &trusted, why, sizeof(why)), 0);
		assert_int_equal(memo.parse_hits, 1);   /* another time: checked */
		assert_int_equal(fsim_trust_chain(t, vd.res.x5c, world_now(w) + 21L * 366 * 86400,
		    &t2, why2, sizeof(why2)), 0);
		assert_int_equal(memo.parse_hits, 2);
		assert_false(trusted || t2);
		assert_string_equal(why, why2);
		assert_true(why[0] != '\0');
		/* another anchor makes it another store: checked again */
		assert_int_equal(fsim_trust_add_pem(t, pem, strlen(pem)), 0);
		assert_int_equal(fsim_trust_chain(t, vd.res.x5c, world_now(w), &trusted, why,
		    sizeof(why)), 0);
		assert_true(trusted);
		assert_int_equal(memo.parse_hits, fsim_trust_count(t) == 1 ? 3 : 2);
		fsim_judge_memo_end(&memo);
	}
	fsim_trust_free(&t);
	free(pem);
	verdict_free(&vd);
	reg_free(&g);
}

static void
test_packed_full(void **state)
{
	world_t w;

	(void)state;
	world_open(&w, "packed", NULL);
	check_packed_full(&w);
	world_close(&w);
}

/* Anchors from PEM text: what PEM_read_bio_X509 takes, nothing more. */
static size_t
anchors_from(const char *text, int *rc)
{
	fsim_trust_t *t = NULL;
	size_t n;

	assert_int_equal(fsim_trust_new(&t), 0);
	*rc = fsim_trust_add_pem(t, text, strlen(text));
	n = fsim_trust_count(t);
	fsim_trust_free(&t);
	return n;
}

static void
test_trust_pem(void **state)
{
	static const char other[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
	static const char bad[] = "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n";
	world_t w;
	char *pem, *buf, *old, *p;
	int rc;

	(void)state;
	world_open(&w, "packed", NULL);
	pem = root_pem(&w);
	buf = malloc(2 * strlen(pem) + sizeof(other) + sizeof(bad) + 1);
	old = malloc(strlen(pem) + 11);   /* room for two "X509 " */
	assert_non_null(buf);
	assert_non_null(old);
	strcpy(old, pem);
	/* the certificate alone; and again, the same bytes (a cache hit must count the same) */
	assert_int_equal(anchors_from(pem, &rc), 1);
	assert_int_equal(rc, 0);
	assert_int_equal(anchors_from(pem, &rc), 1);
	/* another kind of block before it is skipped */
	sprintf(buf, "%s%s", other, pem);
	assert_int_equal(anchors_from(buf, &rc), 1);
	assert_int_equal(rc, 0);
	/* the old label names a certificate too */
	while ((p = strstr(old, "BEGIN CERTIFICATE")) != NULL || (p = strstr(old,
	    "END CERTIFICATE")) != NULL) {
		size_t at = (size_t)(p - old) + (p[0] == 'B' ? 6 : 4);

		memmove(old + at + 5, old + at, strlen(old + at) + 1);
		memcpy(old + at, "X509 ", 5);
	}
	assert_non_null(strstr(old, "-----END X509 CERTIFICATE-----"));
	assert_int_equal(anchors_from(old, &rc), 1);
	assert_int_equal(rc, 0);
	/* a block that is no certificate ends the list: what follows is not read */
	sprintf(buf, "%s%s", bad, pem);
	assert_int_equal(anchors_from(buf, &rc), 0);
	assert_int_equal(rc, FSIM_ERR_FORMAT);
	sprintf(buf, "%s%s", pem, bad);
	assert_int_equal(anchors_from(buf, &rc), 1);
	assert_int_equal(rc, 0);
	/* nothing at all */
	assert_int_equal(anchors_from("not PEM", &rc), 0);
	assert_int_equal(rc, FSIM_ERR_FORMAT);
	assert_int_equal(anchors_from(other, &rc), 0);
	assert_int_equal(rc, FSIM_ERR_FORMAT);
	free(buf);
	free(old);
	free(pem);
	world_close(&w);
}

/* The same with OpenSSL's randomness and the real clock. */
static void
test_packed_default_env(void **state)
{
	world_t w;

	(void)state;
	world_open(&w, NULL, NULL);
	check_packed_full(&w);
	world_close(&w);
}

static void
test_fido_u2f(void **state)
{
	static const char *const keys[] = { "sig", "x5c" };
	world_t w;
	reg_t g, ge, g384;
	fsim_att_input_t in;
	verdict_t vd;
	fsim_blob_t chain[2] = { { 0 }, { 0 } }, der = { 0 };
	EVP_PKEY *lk = NULL;
	const char *fmt = NULL;
	cbor_item_t *st = NULL;

	(void)state;
	world_open(&w, "u2f", NULL);
	reg_make(&w, FSIM_COSE_ES256, aaguid1, &g);
	in = input_of(&g);
	make_ok(&w, FSIM_ATTFMT_FIDO_U2F, &g, &in, "fido-u2f", FSIM_ATT_TYPE_BASIC, &vd);
	assert_int_equal(sk_X509_num(vd.res.x5c), 1);
	/* The batch leaf is the one packed uses for this AAGUID. */
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, chain, &lk), 0);
	assert_int_equal(fx_der(sk_X509_value(vd.res.x5c, 0), &der), 0);
	assert_true(fsim_blob_eq(&chain[0], der.ptr, der.len));
	verdict_free(&vd);

	st = make_stmt(&w, FSIM_ATTFMT_FIDO_U2F, &in);
	assert_keys(st, keys, 2);
	cbor_decref(&st);

	/* Another credential ID than signed: the RP's rebuilt data differs. */
	{
		fsim_att_input_t in2 = in;
		const uint8_t other[16] = { 1 };

		in2.cred_id = other;
		in2.cred_id_len = sizeof(other);
		make_fails(&w, FSIM_ATTFMT_FIDO_U2F, &g, &in2, FSIM_R_ATT_U2F_04);
	}

	/* Only ES256 credentials. */
	reg_make(&w, FSIM_COSE_EDDSA, aaguid1, &ge);
	in = input_of(&ge);
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_FIDO_U2F, w.ca, w.s, &w.env, &in, &fmt,
	    &st), FSIM_ERR_UNSUPPORTED);
	assert_null(st);
	assert_null(fmt);
	reg_make(&w, FSIM_COSE_ES384, aaguid1, &g384);
	in = input_of(&g384);
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_FIDO_U2F, w.ca, w.s, &w.env, &in, &fmt,
	    &st), FSIM_ERR_UNSUPPORTED);
	/* An ES256 label on a P-384 key is no better. */
	in.cred_alg = FSIM_COSE_ES256;
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_FIDO_U2F, w.ca, w.s, &w.env, &in, &fmt,
	    &st), FSIM_ERR_UNSUPPORTED);

	EVP_PKEY_free(lk);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	fsim_blob_reset(&der);
	reg_free(&g);
	reg_free(&ge);
	reg_free(&g384);
	world_close(&w);
}

static void
test_deviations(void **state)
{
	world_t w;
	reg_t g;
	fsim_att_input_t in;
	fsim_blob_t before[2] = { { 0 }, { 0 } }, after[2] = { { 0 }, { 0 } };
	fsim_blob_t dev[2] = { { 0 }, { 0 } };
	EVP_PKEY *k = NULL;
	verdict_t vd;
	fsim_checks_t ck;
	X509 *x;

	(void)state;
	world_open(&w, "deviations", NULL);
	reg_make(&w, FSIM_COSE_ES256, aaguid1, &g);
	in = input_of(&g);
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, before, &k), 0);
	EVP_PKEY_free(k);

	in.deviations = FSIM_CA_CERT_CA_TRUE;
	make_fails(&w, FSIM_ATTFMT_PACKED, &g, &in, FSIM_R_ATT_PACKED_06);
	in.deviations = FSIM_CA_CERT_MISSING_OU;
	make_fails(&w, FSIM_ATTFMT_PACKED, &g, &in, FSIM_R_ATT_PACKED_04);
	in.deviations = FSIM_CA_AAGUID_MISMATCH;
	make_fails(&w, FSIM_ATTFMT_PACKED, &g, &in, FSIM_R_ATT_PACKED_05);

	/* Expired: the statement is sound; the ceremony's validity check fails. */
	in.deviations = FSIM_CA_CERT_EXPIRED;
	make_ok(&w, FSIM_ATTFMT_PACKED, &g, &in, "packed", FSIM_ATT_TYPE_BASIC, &vd);
	fsim_checks_init(&ck);
	assert_int_not_equal(fsim_trust_check_validity(vd.res.x5c, world_now(&w), &ck), 0);
	assert_true(fsim_checks_failed(&ck, FSIM_R_ATT_03));
	fsim_checks_clear(&ck);
	/* The leaf alone was valid 500 days ago (it ran from -730 to -365 days). */
	{
		STACK_OF(X509) *only = sk_X509_new_null();

		assert_non_null(only);
		assert_true(sk_X509_push(only, sk_X509_value(vd.res.x5c, 0)) > 0);
		fsim_checks_init(&ck);
		assert_int_equal(fsim_trust_check_validity(only, world_now(&w) - 500L * 86400,
		    &ck), 0);
		fsim_checks_clear(&ck);
		fsim_checks_init(&ck);
		assert_int_not_equal(fsim_trust_check_validity(only,
		    world_now(&w) - 364L * 86400, &ck), 0);
		fsim_checks_clear(&ck);
		sk_X509_free(only);
	}
	verdict_free(&vd);

	/* Several at once, each caught. */
	{
		const char *fmt;
		cbor_item_t *st;

		in.deviations = FSIM_CA_CERT_CA_TRUE | FSIM_CA_CERT_MISSING_OU |
		    FSIM_CA_AAGUID_MISMATCH;
		assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED, w.ca, w.s, &w.env, &in,
		    &fmt, &st), 0);
		rp_verify(&g, fmt, st, &vd);
		assert_true(fsim_checks_failed(&vd.ck, FSIM_R_ATT_PACKED_04));
		assert_true(fsim_checks_failed(&vd.ck, FSIM_R_ATT_PACKED_05));
		assert_true(fsim_checks_failed(&vd.ck, FSIM_R_ATT_PACKED_06));
		assert_false(fsim_checks_failed(&vd.ck, FSIM_R_ATT_PACKED_02));
		verdict_free(&vd);
		cbor_decref(&st);
	}

	/* A deviating leaf is fresh and still issued by our intermediate. */
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, FSIM_CA_CERT_CA_TRUE,
	    dev, &k), 0);
	assert_false(fsim_blob_eq(&dev[0], before[0].ptr, before[0].len));
	assert_true(fsim_blob_eq(&dev[1], before[1].ptr, before[1].len));
	x = cert_of(&dev[0]);
	assert_bc(x, true);
	assert_int_equal(X509_check_private_key(x, k), 1);
	X509_free(x);
	EVP_PKEY_free(k);
	/* ... and never replaces the stored one. */
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, after, &k), 0);
	assert_true(fsim_blob_eq(&after[0], before[0].ptr, before[0].len));
	EVP_PKEY_free(k);
	/* An unknown deviation bit is refused. */
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0x100, dev, &k),
	    FSIM_ERR_ARG);
	assert_null(k);

	fsim_blob_reset(&before[0]);
	fsim_blob_reset(&before[1]);
	fsim_blob_reset(&after[0]);
	fsim_blob_reset(&after[1]);
	fsim_blob_reset(&dev[0]);
	fsim_blob_reset(&dev[1]);
	reg_free(&g);
	world_close(&w);
}

static void
test_quirks(void **state)
{
	world_t w;
	reg_t g, ge;
	fsim_att_input_t in;
	cbor_item_t *st;
	const uint8_t *sig;
	size_t slen;
	int64_t alg = 0;
	verdict_t vd;

	(void)state;
	world_open(&w, "quirks", NULL);
	reg_make(&w, FSIM_COSE_ES256, aaguid1, &g);
	reg_make(&w, FSIM_COSE_EDDSA, aaguid1, &ge);

	/* alg-mismatch: ES256 named RS256 (and EdDSA named ES256). */
	in = input_of(&g);
	in.alg_mismatch = true;
	st = make_stmt(&w, FSIM_ATTFMT_PACKED_SELF, &in);
	assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(st, "alg"), &alg), 0);
	assert_int_equal(alg, FSIM_COSE_RS256);
	cbor_decref(&st);
	make_fails(&w, FSIM_ATTFMT_PACKED_SELF, &g, &in, FSIM_R_ATT_PACKED_09);
	in = input_of(&ge);
	in.alg_mismatch = true;
	st = make_stmt(&w, FSIM_ATTFMT_PACKED_SELF, &in);
	assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_str(st, "alg"), &alg), 0);
	assert_int_equal(alg, FSIM_COSE_ES256);
	cbor_decref(&st);
	make_fails(&w, FSIM_ATTFMT_PACKED_SELF, &ge, &in, FSIM_R_ATT_PACKED_09);

	/* bad-signature, in every format that signs. */
	in = input_of(&g);
	in.bad_signature = true;
	make_fails(&w, FSIM_ATTFMT_PACKED, &g, &in, FSIM_R_ATT_PACKED_02);
	make_fails(&w, FSIM_ATTFMT_PACKED_SELF, &g, &in, FSIM_R_ATT_PACKED_09);
	make_fails(&w, FSIM_ATTFMT_FIDO_U2F, &g, &in, FSIM_R_ATT_U2F_04);
	in = input_of(&ge);
	in.bad_signature = true;
	make_fails(&w, FSIM_ATTFMT_PACKED_SELF, &ge, &in, FSIM_R_ATT_PACKED_09);

	/* raw-ecdsa-signature: 64 bytes r||s, caught as SIG-01. */
	in = input_of(&g);
	in.raw_ecdsa = true;
	st = make_stmt(&w, FSIM_ATTFMT_PACKED, &in);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(st, "sig"), &sig,
	    &slen), 0);
	assert_int_equal(slen, 64);
	cbor_decref(&st);
	make_fails(&w, FSIM_ATTFMT_PACKED, &g, &in, FSIM_R_SIG_01);
	make_fails(&w, FSIM_ATTFMT_PACKED_SELF, &g, &in, FSIM_R_SIG_01);
	make_fails(&w, FSIM_ATTFMT_FIDO_U2F, &g, &in, FSIM_R_SIG_01);
	/* EdDSA is raw already: the quirk leaves it alone and it verifies. */
	in = input_of(&ge);
	in.raw_ecdsa = true;
	make_ok(&w, FSIM_ATTFMT_PACKED_SELF, &ge, &in, "packed", FSIM_ATT_TYPE_SELF, &vd);
	verdict_free(&vd);

	reg_free(&g);
	reg_free(&ge);
	world_close(&w);
}

/* Everything a seeded authenticator makes, as bytes. */
static void
seeded_outputs(const char *seed, fsim_blob_t *out)
{
	static const int formats[] = { FSIM_ATTFMT_PACKED_SELF, FSIM_ATTFMT_PACKED,
	    FSIM_ATTFMT_FIDO_U2F };
	world_t w;
	reg_t g;
	fsim_att_input_t in;
	fsim_blob_t chain[2] = { { 0 }, { 0 } }, enc = { 0 };
	EVP_PKEY *k = NULL;
	char *pem;
	size_t i;

	world_open(&w, seed, NULL);
	pem = root_pem(&w);
	assert_int_equal(fsim_blob_set(out, (const uint8_t *)pem, strlen(pem)), 0);
	free(pem);
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid2, 0, chain, &k), 0);
	assert_int_equal(fsim_blob_append(out, chain[0].ptr, chain[0].len), 0);
	assert_int_equal(fsim_blob_append(out, chain[1].ptr, chain[1].len), 0);
	EVP_PKEY_free(k);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	reg_make(&w, FSIM_COSE_ES256, aaguid2, &g);
	in = input_of(&g);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		cbor_item_t *st = make_stmt(&w, formats[i], &in);

		encode(st, &enc);
		assert_int_equal(fsim_blob_append(out, enc.ptr, enc.len), 0);
		fsim_blob_reset(&enc);
		cbor_decref(&st);
	}
	/* A deviating leaf comes from the environment too. */
	in.deviations = FSIM_CA_CERT_EXPIRED;
	{
		cbor_item_t *st = make_stmt(&w, FSIM_ATTFMT_PACKED, &in);

		encode(st, &enc);
		assert_int_equal(fsim_blob_append(out, enc.ptr, enc.len), 0);
		fsim_blob_reset(&enc);
		cbor_decref(&st);
	}
	reg_free(&g);
	world_close(&w);
}

static void
test_deterministic(void **state)
{
	fsim_blob_t a = { 0 }, b = { 0 }, c = { 0 };

	(void)state;
	seeded_outputs("determinism", &a);
	seeded_outputs("determinism", &b);
	seeded_outputs("another seed", &c);
	assert_true(a.len > 1000);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	assert_false(fsim_blob_eq(&a, c.ptr, c.len));
	fsim_blob_reset(&a);
	fsim_blob_reset(&b);
	fsim_blob_reset(&c);
}

/*
 * fsim_ca_sign_cert: a certificate changed by the harness is issued by the
 * intermediate (its old authority key identifier gone), verifies under it
 * and chains to the root; the same seed gives the same bytes.
 */
static void
test_sign_cert(void **state)
{
	world_t w, w2;
	fsim_blob_t chain[2] = { { 0 }, { 0 } }, der = { 0 }, der2 = { 0 };
	EVP_PKEY *lk = NULL, *ik;
	X509 *leaf, *inter, *out;
	X509_STORE *st;
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *untrusted;
	const fsim_blob_t *ib;
	char *pem;
	AUTHORITY_KEYID *akid;
	BIO *bio;
	X509 *root;

	(void)state;
	world_open(&w, "sign cert", NULL);
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, chain, &lk), 0);
	ib = fsim_ca_intermediate_der(w.ca);
	assert_non_null(ib);
	assert_true(fsim_blob_eq(ib, chain[1].ptr, chain[1].len));
	assert_null(fsim_ca_intermediate_der(NULL));
	leaf = cert_of(&chain[0]);
	inter = cert_of(&chain[1]);
	/* give it a foreign authority key identifier and a changed subject */
	assert_non_null(akid = AUTHORITY_KEYID_new());
	assert_int_equal(X509_add1_ext_i2d(leaf, NID_authority_key_identifier, akid, 0,
	    X509V3_ADD_REPLACE), 1);
	AUTHORITY_KEYID_free(akid);
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(leaf), "CN",
	    MBSTRING_UTF8, (const unsigned char *)"changed", -1, -1, 0), 1);
	assert_int_equal(fsim_ca_sign_cert(w.ca, &w.env, leaf, &der), 0);
	out = cert_of(&der);
	assert_int_equal(X509_get_ext_by_NID(out, NID_authority_key_identifier, -1), -1);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(out), X509_get_subject_name(inter)), 0);
	assert_non_null(ik = X509_get0_pubkey(inter));
	assert_int_equal(X509_verify(out, ik), 1);
	/* it chains to the root at the CA's time */
	pem = root_pem(&w);
	assert_non_null(bio = BIO_new_mem_buf(pem, -1));
	assert_non_null(root = PEM_read_bio_X509(bio, NULL, NULL, NULL));
	BIO_free(bio);
	assert_non_null(st = X509_STORE_new());
	assert_int_equal(X509_STORE_add_cert(st, root), 1);
	assert_non_null(untrusted = sk_X509_new_null());
	assert_true(sk_X509_push(untrusted, inter) > 0);
	assert_non_null(ctx = X509_STORE_CTX_new());
	assert_int_equal(X509_STORE_CTX_init(ctx, st, out, untrusted), 1);
	X509_STORE_CTX_set_time(ctx, 0, world_now(&w));
	assert_int_equal(X509_verify_cert(ctx), 1);
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(st);
	/* the same seed: the same certificate */
	world_open(&w2, "sign cert", NULL);
	X509_free(leaf);
	leaf = cert_of(&chain[0]);
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(leaf), "CN",
	    MBSTRING_UTF8, (const unsigned char *)"changed", -1, -1, 0), 1);
	assert_int_equal(fsim_ca_sign_cert(w2.ca, &w2.env, leaf, &der2), 0);
	assert_true(fsim_blob_eq(&der, der2.ptr, der2.len));
	/* bad arguments */
	assert_int_equal(fsim_ca_sign_cert(NULL, &w.env, leaf, &der2), FSIM_ERR_ARG);
	assert_null(der2.ptr);
	assert_int_equal(fsim_ca_sign_cert(w.ca, &w.env, NULL, &der2), FSIM_ERR_ARG);
	assert_int_equal(fsim_ca_sign_cert(w.ca, &w.env, leaf, NULL), FSIM_ERR_ARG);
	X509_free(root);
	X509_free(leaf);
	X509_free(inter);
	X509_free(out);
	free(pem);
	EVP_PKEY_free(lk);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	fsim_blob_reset(&der);
	fsim_blob_reset(&der2);
	world_close(&w);
	world_close(&w2);
}

static void
test_store_roundtrip(void **state)
{
	char dir[] = "/tmp/fsim-test-att-XXXXXX", path[64];
	world_t w, w2;
	fsim_ca_t *again = NULL;
	fsim_blob_t c1[2] = { { 0 }, { 0 } }, c2[2] = { { 0 }, { 0 } };
	EVP_PKEY *k1 = NULL, *k2 = NULL;
	char *pem1, *pem2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store", dir);

	/* The same store object gives the same CA. */
	world_open(&w, NULL, path);
	assert_int_equal(fsim_ca_load(w.s, &w.env, &again), 0);
	pem1 = root_pem(&w);
	assert_int_equal(fsim_ca_root_pem(again, &pem2), 0);
	assert_string_equal(pem1, pem2);
	free(pem2);
	fsim_ca_free(&again);
	fsim_ca_free(&again);   /* NULL-safe */
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, c1, &k1), 0);
	assert_int_equal(fsim_store_save(w.s), 0);
	world_close(&w);

	/* Saved and opened again (another environment): the same CA and leaf. */
	world_open(&w2, "unrelated seed", path);
	pem2 = root_pem(&w2);
	assert_string_equal(pem1, pem2);
	assert_int_equal(fsim_ca_leaf(w2.ca, w2.s, &w2.env, aaguid1, 0, c2, &k2), 0);
	assert_true(fsim_blob_eq(&c1[0], c2[0].ptr, c2[0].len));
	assert_true(fsim_blob_eq(&c1[1], c2[1].ptr, c2[1].len));
	assert_int_equal(EVP_PKEY_eq(k1, k2), 1);
	world_close(&w2);

	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	fsim_blob_reset(&c1[0]);
	fsim_blob_reset(&c1[1]);
	fsim_blob_reset(&c2[0]);
	fsim_blob_reset(&c2[1]);
	free(pem1);
	free(pem2);
	(void)unlink(path);
	(void)rmdir(dir);
}

/* A damaged CA in the store is reported, never silently replaced. */
static void
test_store_damaged(void **state)
{
	world_t a, b;
	fsim_store_t *s = NULL;
	fsim_ca_t *ca = NULL;
	fsim_blob_t chain[2] = { { 0 }, { 0 } };
	EVP_PKEY *k = NULL;
	const fsim_blob_t *rk, *rc;
	uint8_t junk[4] = { 0x30, 0x02, 0x05, 0x00 };
	char name[64];

	(void)state;
	world_open(&a, "damaged a", NULL);
	world_open(&b, "damaged b", NULL);

	/* Half a CA. */
	assert_int_equal(fsim_store_open(":memory:", &a.env, &s, NULL), 0);
	rk = fsim_store_get_blob(a.s, "ca.root.key");
	rc = fsim_store_get_blob(a.s, "ca.root.cert");
	assert_non_null(rk);
	assert_non_null(rc);
	assert_int_equal(fsim_store_set_blob(s, "ca.root.key", rk->ptr, rk->len), 0);
	assert_int_equal(fsim_ca_load(s, &a.env, &ca), FSIM_ERR_FORMAT);
	assert_null(ca);
	assert_int_equal(fsim_store_set_blob(s, "ca.root.cert", rc->ptr, rc->len), 0);
	assert_int_equal(fsim_ca_load(s, &a.env, &ca), FSIM_ERR_FORMAT);
	/* An intermediate that is not the root's. */
	rk = fsim_store_get_blob(b.s, "ca.int.key");
	rc = fsim_store_get_blob(b.s, "ca.int.cert");
	assert_int_equal(fsim_store_set_blob(s, "ca.int.key", rk->ptr, rk->len), 0);
	assert_int_equal(fsim_store_set_blob(s, "ca.int.cert", rc->ptr, rc->len), 0);
	assert_int_equal(fsim_ca_load(s, &a.env, &ca), FSIM_ERR_FORMAT);
	/* The right one, then: it loads. */
	rk = fsim_store_get_blob(a.s, "ca.int.key");
	rc = fsim_store_get_blob(a.s, "ca.int.cert");
	assert_int_equal(fsim_store_set_blob(s, "ca.int.key", rk->ptr, rk->len), 0);
	assert_int_equal(fsim_store_set_blob(s, "ca.int.cert", rc->ptr, rc->len), 0);
	assert_int_equal(fsim_ca_load(s, &a.env, &ca), 0);
	fsim_ca_free(&ca);
	/* A certificate that is not DER, a key that does not match. */
	assert_int_equal(fsim_store_set_blob(s, "ca.int.cert", junk, sizeof(junk)), 0);
	assert_int_equal(fsim_ca_load(s, &a.env, &ca), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_store_set_blob(s, "ca.int.cert", rc->ptr, rc->len), 0);
	rk = fsim_store_get_blob(a.s, "ca.root.key");
	assert_int_equal(fsim_store_set_blob(s, "ca.int.key", rk->ptr, rk->len), 0);
	assert_int_equal(fsim_ca_load(s, &a.env, &ca), FSIM_ERR_FORMAT);
	fsim_store_free(&s);

	/*
	 * A stored leaf of another CA, put where a's own leaf was: a's CA has
	 * just used (and kept) its own, and must read the store again.
	 */
	assert_int_equal(fsim_ca_leaf(a.ca, a.s, &a.env, aaguid1, 0, chain, &k), 0);
	EVP_PKEY_free(k);
	k = NULL;
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	assert_int_equal(fsim_ca_leaf(b.ca, b.s, &b.env, aaguid1, 0, chain, &k), 0);
	EVP_PKEY_free(k);
	k = NULL;
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	snprintf(name, sizeof(name), "ca.leaf.f1d0f1d0513e4c1a9a6b001122334455.key");
	rk = fsim_store_get_blob(b.s, name);
	assert_non_null(rk);
	assert_int_equal(fsim_store_set_blob(a.s, name, rk->ptr, rk->len), 0);
	snprintf(name, sizeof(name), "ca.leaf.f1d0f1d0513e4c1a9a6b001122334455.cert");
	rc = fsim_store_get_blob(b.s, name);
	assert_non_null(rc);
	assert_int_equal(fsim_store_set_blob(a.s, name, rc->ptr, rc->len), 0);
	assert_int_equal(fsim_ca_leaf(a.ca, a.s, &a.env, aaguid1, 0, chain, &k),
	    FSIM_ERR_FORMAT);
	assert_null(k);
	assert_null(chain[0].ptr);

	world_close(&a);
	world_close(&b);
}

static void
test_args(void **state)
{
	world_t w;
	reg_t g;
	fsim_att_input_t in;
	const char *fmt = "x";
	cbor_item_t *st = NULL;
	fsim_blob_t chain[2] = { { 0 }, { 0 } };
	EVP_PKEY *k = NULL;
	fsim_ca_t *ca = (fsim_ca_t *)&w;
	char *pem = (char *)&w;

	(void)state;
	world_open(&w, "args", NULL);
	reg_make(&w, FSIM_COSE_ES256, aaguid1, &g);
	in = input_of(&g);

	assert_int_equal(fsim_ca_load(NULL, &w.env, &ca), FSIM_ERR_ARG);
	assert_null(ca);
	assert_int_equal(fsim_ca_load(w.s, NULL, &ca), FSIM_ERR_ARG);
	assert_int_equal(fsim_ca_load(w.s, &w.env, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_ca_root_pem(NULL, &pem), FSIM_ERR_ARG);
	assert_null(pem);
	assert_int_equal(fsim_ca_root_pem(w.ca, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_ca_leaf(NULL, w.s, &w.env, aaguid1, 0, chain, &k),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, NULL, 0, chain, &k), FSIM_ERR_ARG);
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, NULL, &k), FSIM_ERR_ARG);
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, chain, NULL),
	    FSIM_ERR_ARG);

	assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED, w.ca, w.s, &w.env, NULL, &fmt,
	    &st), FSIM_ERR_ARG);
	assert_null(fmt);
	assert_null(st);
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED, NULL, w.s, &w.env, &in, &fmt,
	    &st), FSIM_ERR_ARG);
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED, w.ca, NULL, &w.env, &in, &fmt,
	    &st), FSIM_ERR_ARG);
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED_SELF, w.ca, w.s, NULL, &in, &fmt,
	    &st), FSIM_ERR_ARG);
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED, w.ca, w.s, &w.env, &in, NULL,
	    &st), FSIM_ERR_ARG);
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED, w.ca, w.s, &w.env, &in, &fmt,
	    NULL), FSIM_ERR_ARG);
	in.client_data_hash = NULL;
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED, w.ca, w.s, &w.env, &in, &fmt,
	    &st), FSIM_ERR_ARG);
	in = input_of(&g);
	in.rp_id_hash = NULL;
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_FIDO_U2F, w.ca, w.s, &w.env, &in, &fmt,
	    &st), FSIM_ERR_ARG);
	in = input_of(&g);
	in.aaguid = NULL;
	assert_int_equal(fsim_att_make(FSIM_ATTFMT_PACKED, w.ca, w.s, &w.env, &in, &fmt,
	    &st), FSIM_ERR_ARG);
	in = input_of(&g);
	assert_int_equal(fsim_att_make(42, w.ca, w.s, &w.env, &in, &fmt, &st),
	    FSIM_ERR_UNSUPPORTED);
	assert_null(st);
	fsim_ca_free(NULL);
	reg_free(&g);
	world_close(&w);
}

/*
 * Every certificate of the CA (root, intermediate, leaf) carries the
 * SubjectPublicKeyInfo that OpenSSL's own encoder writes for its key (the
 * CA sets the EC fields directly): byte for byte, and the leaf's is the
 * leaf key's.
 */
static void
test_ca_spki_as_openssl(void **state)
{
	world_t w;
	fsim_blob_t chain[2] = { { 0 }, { 0 } };
	EVP_PKEY *lk = NULL;
	X509 *c[3];
	char *pem;
	BIO *bio;
	unsigned char *a = NULL, *b = NULL;
	int i, la, lb;

	(void)state;
	world_open(&w, "spki", NULL);
	pem = root_pem(&w);
	assert_non_null(bio = BIO_new_mem_buf(pem, -1));
	assert_non_null(c[0] = PEM_read_bio_X509(bio, NULL, NULL, NULL));
	BIO_free(bio);
	assert_int_equal(fsim_ca_leaf(w.ca, w.s, &w.env, aaguid1, 0, chain, &lk), 0);
	c[1] = cert_of(&chain[1]);
	c[2] = cert_of(&chain[0]);
	for (i = 0; i < 3; i++) {
		assert_true((la = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c[i]), &a)) > 0);
		assert_true((lb = i2d_PUBKEY(X509_get0_pubkey(c[i]), &b)) > 0);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, (size_t)la);
		OPENSSL_free(a);
		OPENSSL_free(b);
		a = b = NULL;
	}
	assert_true((la = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c[2]), &a)) > 0);
	assert_true((lb = i2d_PUBKEY(lk, &b)) > 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);
	OPENSSL_free(a);
	OPENSSL_free(b);
	for (i = 0; i < 3; i++)
		X509_free(c[i]);
	EVP_PKEY_free(lk);
	fsim_blob_reset(&chain[0]);
	fsim_blob_reset(&chain[1]);
	free(pem);
	world_close(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ca_certificates),
		cmocka_unit_test(test_ca_spki_as_openssl),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_packed_self),
		cmocka_unit_test(test_packed_full),
		cmocka_unit_test(test_trust_pem),
		cmocka_unit_test(test_packed_default_env),
		cmocka_unit_test(test_fido_u2f),
		cmocka_unit_test(test_deviations),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_sign_cert),
		cmocka_unit_test(test_store_roundtrip),
		cmocka_unit_test(test_store_damaged),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
