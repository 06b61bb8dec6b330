/*
 * test_fmt_compound.c — the compound attestation format (WebAuthn §8.9):
 * several statements over one authData each verify under their own format
 * (ATT-COMP-02, all must pass by default); the array's shape is ATT-COMP-01
 * (at least two {fmt, attStmt} maps, no nested compound, known formats).
 * Result: the first sub-statement with a trust path decides type and path,
 * else the first sub-statement's type.
 *
 * Data: a registration made here (fx_vec_make) so that both a full packed
 * statement (our own leaf) and a packed self statement (the credential key)
 * can sign the same authData || clientDataHash; plus the W3C packed-es256
 * vector's own statement as a sub-statement over its own authData.
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

static const uint8_t aaguid[16] = { 0xf1, 0xd0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };

typedef struct st {
	EVP_PKEY *root, *leaf, *cred;
	fx_vec_t v;
	cbor_item_t *full, *self, *none, *bad_self, *bad_none;
} st_t;

static cbor_item_t *
packed_stmt(st_t *s, bool full, bool flip)
{
	cbor_item_t *m = cbor_new_definite_map(3);
	fsim_blob_t sig = { 0 };
	fx_cert_t spec = fx_packed_leaf();
	X509 *x;

	assert_non_null(m);
	fx_sign_ad_cdh(&s->v, full ? s->leaf : s->cred, FSIM_COSE_ES256, &sig);
	if (flip)
		sig.ptr[sig.len - 1] ^= 0x01;
	fx_put_int(m, "alg", FSIM_COSE_ES256);
	fx_put_bytes(m, "sig", sig.ptr, sig.len);
	if (full) {
		spec.aaguid = aaguid;
		assert_non_null(x = fx_cert(&spec, s->leaf, s->root));
		fx_put(m, "x5c", fx_x5c(&x, 1));
		X509_free(x);
	}
	fsim_blob_reset(&sig);
	return m;
}

static int
setup(void **state)
{
	st_t *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	*state = s;
	s->root = fixture_key("P-256");
	s->leaf = fixture_key("P-256");
	s->cred = fixture_key("P-256");
	if (s->root == NULL || s->leaf == NULL || s->cred == NULL)
		return -1;
	fx_vec_make(s->cred, FSIM_COSE_ES256, aaguid, &s->v);
	s->full = packed_stmt(s, true, false);
	s->self = packed_stmt(s, false, false);
	s->bad_self = packed_stmt(s, false, true);
	s->none = cbor_new_definite_map(0);
	s->bad_none = cbor_new_definite_map(1);
	fx_put_int(s->bad_none, "x", 1);
	return 0;
}

static int
teardown(void **state)
{
	st_t *s = *state;

	EVP_PKEY_free(s->root);
	EVP_PKEY_free(s->leaf);
	EVP_PKEY_free(s->cred);
	fx_vec_free(&s->v);
	cbor_decref(&s->full);
	cbor_decref(&s->self);
	cbor_decref(&s->bad_self);
	cbor_decref(&s->none);
	cbor_decref(&s->bad_none);
	free(s);
	return 0;
}

/* {fmt, attStmt}; stmt is shared (a reference is taken) */
static cbor_item_t *
entry(const char *fmt, cbor_item_t *stmt)
{
	cbor_item_t *m = cbor_new_definite_map(2);

	assert_non_null(m);
	if (fmt != NULL)
		fx_put(m, "fmt", fsim_cbor_text(fmt));
	if (stmt != NULL)
		fx_put(m, "attStmt", cbor_incref(stmt));
	return m;
}

/* An array of the given entries (taken). */
static cbor_item_t *
compound(size_t n, ...)
{
	cbor_item_t *a = cbor_new_definite_array(n);
	va_list ap;
	size_t i;

	assert_non_null(a);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_true(cbor_array_push(a, cbor_move(va_arg(ap, cbor_item_t *))));
	va_end(ap);
	return a;
}

static int
run(const fx_vec_t *v, cbor_item_t *stmt, fsim_checks_t *ck, fsim_att_type_t *type,
    int *n)
{
	fsim_fmt_ctx_t c = fx_ctx(v, stmt, ck);
	fsim_fmt_result_t res = { .type = FSIM_ATT_TYPE_UNKNOWN, .x5c = NULL };
	int r = fsim_fmt_compound(&c, &res);

	*type = res.type;
	*n = res.x5c != NULL ? sk_X509_num(res.x5c) : -1;
	if (r != 0)
		assert_null(res.x5c);
	sk_X509_pop_free(res.x5c, X509_free);
	cbor_decref(&stmt);
	return r;
}

static void
ok(const fx_vec_t *v, cbor_item_t *stmt, fsim_att_type_t want_type, int want_n)
{
	fsim_checks_t ck;
	fsim_att_type_t t;
	int r, n;

	fsim_checks_init(&ck);
	r = run(v, stmt, &ck, &t, &n);
	if (r != 0)
		fx_dump(&ck);
	assert_int_equal(r, 0);
	assert_int_equal(fsim_checks_fail_count(&ck), 0);
	assert_int_equal(t, want_type);
	assert_int_equal(n, want_n);
	fsim_checks_clear(&ck);
}

static void
bad(const fx_vec_t *v, cbor_item_t *stmt, int want_rc, fsim_rule_id_t rule,
    fsim_rule_id_t also, const char *field)
{
	fsim_checks_t ck;
	fsim_att_type_t t;
	size_t i;
	bool seen = field == NULL;
	int r, n;

	fsim_checks_init(&ck);
	r = run(v, stmt, &ck, &t, &n);
	if (r != want_rc || !fsim_checks_failed(&ck, rule))
		fx_dump(&ck);
	assert_int_equal(r, want_rc);
	assert_true(fsim_checks_failed(&ck, rule));
	assert_true(fsim_checks_failed(&ck, also));
	for (i = 0; i < ck.n; i++)
		if (field != NULL && ck.v[i].status == FSIM_CHECK_FAIL &&
		    strcmp(ck.v[i].field, field) == 0)
			seen = true;
	if (!seen)
		fx_dump(&ck);
	assert_true(seen);
	assert_int_equal(t, FSIM_ATT_TYPE_UNKNOWN);
	fsim_checks_clear(&ck);
}

static void
test_valid(void **state)
{
	st_t *s = *state;

	/* the first sub-statement with a trust path decides, wherever it is */
	ok(&s->v, compound(2, entry("packed", s->full), entry("packed", s->self)),
	    FSIM_ATT_TYPE_BASIC, 1);
	ok(&s->v, compound(3, entry("none", s->none), entry("packed", s->self),
	    entry("packed", s->full)), FSIM_ATT_TYPE_BASIC, 1);
	/* none has one: the first one's type */
	ok(&s->v, compound(2, entry("packed", s->self), entry("none", s->none)),
	    FSIM_ATT_TYPE_SELF, -1);
	ok(&s->v, compound(2, entry("none", s->none), entry("packed", s->self)),
	    FSIM_ATT_TYPE_NONE, -1);
}

static void
test_bad_sub(void **state)
{
	st_t *s = *state;

	bad(&s->v, compound(2, entry("packed", s->full), entry("packed", s->bad_self)),
	    FSIM_ERR_SIGNATURE, FSIM_R_ATT_COMP_02, FSIM_R_ATT_PACKED_09,
	    "attStmt[1].attStmt.sig");
	bad(&s->v, compound(2, entry("none", s->bad_none), entry("packed", s->full)),
	    FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_02, FSIM_R_ATT_NONE_01, "attStmt[0].attStmt");
	/* a statement of another registration does not verify over this authData */
	{
		fx_vec_t w;

		fx_vec_load("w3c-packed-es256-registration", &w);
		bad(&s->v, compound(2, entry("packed", s->full),
		    entry("packed", w.ao->att_stmt)), FSIM_ERR_SIGNATURE,
		    FSIM_R_ATT_COMP_02, FSIM_R_ATT_PACKED_02, NULL);
		fx_vec_free(&w);
	}
	/* fmt names are case-sensitive (§8.1): "Packed" is unknown */
	bad(&s->v, compound(2, entry("Packed", s->full), entry("packed", s->self)),
	    FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01, "attStmt[0]");
}

static void
test_shape(void **state)
{
	st_t *s = *state;
	cbor_item_t *inner;

	/* a single element */
	bad(&s->v, compound(1, entry("packed", s->full)), FSIM_ERR_FORMAT,
	    FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01, "attStmt");
	bad(&s->v, compound(0), FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01,
	    "attStmt");
	/* nested compound (itself well formed) */
	inner = compound(2, entry("packed", s->full), entry("packed", s->self));
	bad(&s->v, compound(2, entry("packed", s->full), entry("compound", inner)),
	    FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01, "attStmt[1]");
	cbor_decref(&inner);
	/* unknown fmt, fmt missing, fmt not text, attStmt missing, element not a map */
	bad(&s->v, compound(2, entry("packed", s->full), entry("x-unknown", s->none)),
	    FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01, "attStmt[1]");
	bad(&s->v, compound(2, entry(NULL, s->none), entry("packed", s->full)),
	    FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01, "attStmt[0]");
	inner = cbor_new_definite_map(2);
	fx_put_int(inner, "fmt", 7);
	fx_put(inner, "attStmt", cbor_incref(s->none));
	bad(&s->v, compound(2, entry("packed", s->full), inner),
	    FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01, "attStmt[1]");
	bad(&s->v, compound(2, entry("packed", s->full), entry("none", NULL)),
	    FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01, "attStmt[1]");
	bad(&s->v, compound(2, entry("packed", s->full), fsim_cbor_text("none")),
	    FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01, FSIM_R_ATT_COMP_01, "attStmt[1]");
	/* attStmt a map, as other formats have it */
	bad(&s->v, cbor_incref(s->full), FSIM_ERR_FORMAT, FSIM_R_ATT_COMP_01,
	    FSIM_R_ATT_COMP_01, "attStmt");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_bad_sub),
		cmocka_unit_test(test_shape),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
