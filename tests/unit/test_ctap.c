/*
 * test_ctap.c — the CTAP 2.1 command core through fsim_authn_request: status
 * codes for malformed and refused requests, and credentials that the
 * relying party's own checks accept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authenticator/authn.h"
#include "core/fsim_core.h"

struct ctx {
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *a;
	fsim_authn_config_t cfg;
};

static const uint8_t cdh[32] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void
start(struct ctx *c, void (*tweak)(fsim_authn_config_t *))
{
	static const uint8_t seed[] = "test_ctap seed";

	memset(c, 0, sizeof(*c));
	assert_int_equal(fsim_env_seeded(&c->env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &c->env, &c->store, NULL), 0);
	fsim_authn_config_init(&c->cfg);
	c->cfg.aaguid[0] = 0xaa;
	if (tweak)
		tweak(&c->cfg);
	assert_int_equal(fsim_authn_new(&c->cfg, &c->env, c->store, &c->a), 0);
}

static void
stop(struct ctx *c)
{
	fsim_authn_free(&c->a);
	fsim_store_free(&c->store);
	fsim_env_free(&c->env);
}

/* cmd byte + canonical encoding of map (consumed). */
static uint8_t
call(struct ctx *c, uint8_t cmd, cbor_item_t *map, fsim_blob_t *resp)
{
	fsim_blob_t enc = { 0 }, req = { 0 };
	uint8_t st;

	assert_int_equal(fsim_blob_set(&req, &cmd, 1), 0);
	if (map != NULL) {
		assert_int_equal(fsim_cbor_encode(map, &enc), 0);
		assert_int_equal(fsim_blob_append(&req, enc.ptr, enc.len), 0);
		cbor_decref(&map);
	}
	st = fsim_authn_request(c->a, req.ptr, req.len, resp);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&req);
	return st;
}

static void
put(cbor_item_t *m, cbor_item_t *k, cbor_item_t *v)
{
	assert_int_equal(fsim_cbor_map_put(m, k, v), 0);
}

static cbor_item_t *
mc_request(int alg, bool rk, int uv, const uint8_t *exclude, size_t exlen)
{
	cbor_item_t *m = cbor_new_definite_map(7), *rp = cbor_new_definite_map(2);
	cbor_item_t *user = cbor_new_definite_map(2), *params = cbor_new_definite_array(1);
	cbor_item_t *p = cbor_new_definite_map(2), *opts = cbor_new_definite_map(2);
	static const uint8_t uid[] = { 9, 9, 9 };

	put(m, fsim_cbor_int(1), fsim_cbor_bytes(cdh, 32));
	put(rp, fsim_cbor_text("id"), fsim_cbor_text("example.org"));
	put(rp, fsim_cbor_text("name"), fsim_cbor_text("Example"));
	put(m, fsim_cbor_int(2), rp);
	put(user, fsim_cbor_text("id"), fsim_cbor_bytes(uid, sizeof(uid)));
	put(user, fsim_cbor_text("name"), fsim_cbor_text("alice"));
	put(m, fsim_cbor_int(3), user);
	put(p, fsim_cbor_text("alg"), fsim_cbor_int(alg));
	put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key"));
	assert_true(cbor_array_push(params, p));
	cbor_decref(&p);
	put(m, fsim_cbor_int(4), params);
	if (exclude != NULL) {
		cbor_item_t *ex = cbor_new_definite_array(1), *d = cbor_new_definite_map(2);
		put(d, fsim_cbor_text("id"), fsim_cbor_bytes(exclude, exlen));
		put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key"));
		assert_true(cbor_array_push(ex, d));
		cbor_decref(&d);
		put(m, fsim_cbor_int(5), ex);
	}
	put(opts, fsim_cbor_text("rk"), cbor_build_bool(rk));
	if (uv >= 0)
		put(opts, fsim_cbor_text("uv"), cbor_build_bool(uv == 1));
	put(m, fsim_cbor_int(7), opts);
	return m;
}

static cbor_item_t *
ga_request(const uint8_t *id, size_t idlen, int uv)
{
	cbor_item_t *m = cbor_new_definite_map(4), *opts = cbor_new_definite_map(1);

	put(m, fsim_cbor_int(1), fsim_cbor_text("example.org"));
	put(m, fsim_cbor_int(2), fsim_cbor_bytes(cdh, 32));
	if (id != NULL) {
		cbor_item_t *al = cbor_new_definite_array(1), *d = cbor_new_definite_map(2);
		put(d, fsim_cbor_text("id"), fsim_cbor_bytes(id, idlen));
		put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key"));
		assert_true(cbor_array_push(al, d));
		cbor_decref(&d);
		put(m, fsim_cbor_int(3), al);
	}
	put(opts, fsim_cbor_text("uv"), cbor_build_bool(uv == 1));
	put(m, fsim_cbor_int(5), opts);
	return m;
}

/* Make a credential; returns its parsed authData (caller frees). */
static fsim_authdata_t *
make(struct ctx *c, int alg, bool rk)
{
	fsim_blob_t resp = { 0 };
	cbor_item_t *m = NULL;
	fsim_authdata_t *ad = NULL;
	const uint8_t *p;
	size_t n;

	assert_int_equal(call(c, 0x01, mc_request(alg, rk, -1, NULL, 0), &resp), 0);
	assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, &m, NULL), 0);
	assert_true(fsim_cbor_is_canonical(resp.ptr, resp.len));
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 2), &p, &n), 0);
	assert_int_equal(fsim_authdata_parse(p, n, &ad, NULL), 0);
	cbor_decref(&m);
	fsim_blob_reset(&resp);
	return ad;
}

static void
make_and_assert_verify(void **state)
{
	static const int algs[] = { FSIM_COSE_ES256, FSIM_COSE_EDDSA, FSIM_COSE_ES384, FSIM_COSE_RS256 };
	struct ctx c;
	size_t i;

	(void)state;
	start(&c, NULL);
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		fsim_authdata_t *ad = make(&c, algs[i], i % 2 == 0), *gad = NULL;
		fsim_blob_t resp = { 0 }, tbs = { 0 };
		cbor_item_t *m = NULL;
		const uint8_t *p, *sig;
		size_t n, sn;

		assert_int_equal(ad->aaguid[0], 0xaa);
		assert_int_equal(fsim_cose_key_alg(ad->cose_key), algs[i]);
		assert_int_equal(call(&c, 0x02, ga_request(ad->cred_id.ptr, ad->cred_id.len, 0), &resp), 0);
		assert_true(fsim_cbor_is_canonical(resp.ptr, resp.len));
		assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, &m, NULL), 0);
		assert_int_equal(cbor_map_size(m), i % 2 == 0 ? 4 : 3);   /* user for a discoverable one */
		{
			/* CBOR text is not NUL-terminated: compare length and bytes. */
			cbor_item_t *t = fsim_cbor_map_get_str(fsim_cbor_map_get_int(m, 1), "type");
			assert_non_null(t);
			assert_int_equal(cbor_string_length(t), 10);
			assert_memory_equal(cbor_string_handle(t), "public-key", 10);
		}
		assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 2), &p, &n), 0);
		assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 3), &sig, &sn), 0);
		assert_int_equal(fsim_authdata_parse(p, n, &gad, NULL), 0);
		assert_int_equal(gad->sign_count, 1);
		assert_true(gad->flags & FSIM_AD_UP);
		assert_false(gad->flags & FSIM_AD_AT);
		assert_int_equal(fsim_blob_set(&tbs, p, n), 0);
		assert_int_equal(fsim_blob_append(&tbs, cdh, 32), 0);
		assert_int_equal(fsim_sig_verify(fsim_cose_key_pkey(ad->cose_key), algs[i], tbs.ptr,
		    tbs.len, sig, sn, NULL, "AUTH-18", "sig"), 0);
		cbor_decref(&m);
		fsim_authdata_free(&ad);
		fsim_authdata_free(&gad);
		fsim_blob_reset(&resp);
		fsim_blob_reset(&tbs);
	}
	stop(&c);
}

static void
no_uv(fsim_authn_config_t *cfg)
{
	cfg->uv = FSIM_UVMODE_NEVER;
}

static void
status_codes(void **state)
{
	struct ctx c;
	fsim_blob_t resp = { 0 };
	fsim_authdata_t *ad;
	cbor_item_t *m;
	uint8_t bad[] = { 0x01, 0xa1, 0x01 };   /* map with a key and no value */

	(void)state;
	start(&c, no_uv);
	assert_int_equal(fsim_authn_request(c.a, bad, sizeof(bad), &resp), 0x12);
	assert_int_equal(call(&c, 0x01, cbor_new_definite_map(0), &resp), 0x14);
	m = cbor_new_definite_map(1);
	put(m, fsim_cbor_int(1), fsim_cbor_text("not bytes"));
	assert_int_equal(call(&c, 0x01, m, &resp), 0x11);
	assert_int_equal(call(&c, 0x01, mc_request(-999, false, -1, NULL, 0), &resp), 0x26);
	assert_int_equal(call(&c, 0x01, mc_request(-7, false, 1, NULL, 0), &resp), 0x2c);
	assert_int_equal(call(&c, 0x02, ga_request(NULL, 0, 0), &resp), 0x2e);
	assert_int_equal(call(&c, 0x08, NULL, &resp), 0x30);
	assert_int_equal(call(&c, 0x42, NULL, &resp), 0x01);
	ad = make(&c, -7, false);
	assert_int_equal(call(&c, 0x01, mc_request(-7, false, -1, ad->cred_id.ptr, ad->cred_id.len),
	    &resp), 0x19);
	assert_int_equal(call(&c, 0x02, ga_request(ad->cred_id.ptr, ad->cred_id.len, 1), &resp), 0x2c);
	/* Another RP's credential is not found (the wrapped ID is bound to the rpIdHash). */
	ad->cred_id.ptr[ad->cred_id.len - 1] ^= 1;
	assert_int_equal(call(&c, 0x02, ga_request(ad->cred_id.ptr, ad->cred_id.len, 0), &resp), 0x2e);
	fsim_authdata_free(&ad);
	stop(&c);
}

static void
discoverable_newest_first_and_next(void **state)
{
	struct ctx c;
	fsim_blob_t resp = { 0 };
	cbor_item_t *m;
	fsim_authdata_t *a1, *a2;
	int64_t count;
	const uint8_t *id;
	size_t n;

	(void)state;
	start(&c, NULL);
	a1 = make(&c, -7, true);
	/* another user: make it with a different user id */
	m = mc_request(-7, true, -1, NULL, 0);
	{
		cbor_item_t *user = fsim_cbor_map_get_int(m, 3);
		cbor_item_t *uid = fsim_cbor_map_get_str(user, "id");
		cbor_bytestring_handle(uid)[0] = 7;
	}
	assert_int_equal(call(&c, 0x01, m, &resp), 0);
	a2 = make(&c, -8, true);   /* replaces user 9,9,9's first credential */
	assert_int_equal(call(&c, 0x02, ga_request(NULL, 0, 0), &resp), 0);
	assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, &m, NULL), 0);
	assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_int(m, 5), &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(fsim_cbor_map_get_int(m, 1), "id"),
	    &id, &n), 0);
	/* newest first */
	assert_int_equal(n, a2->cred_id.len);
	assert_memory_equal(id, a2->cred_id.ptr, n);
	assert_non_null(fsim_cbor_map_get_int(m, 4));
	cbor_decref(&m);
	assert_int_equal(call(&c, 0x08, NULL, &resp), 0);
	assert_int_equal(call(&c, 0x08, NULL, &resp), 0x30);
	fsim_authdata_free(&a1);
	fsim_authdata_free(&a2);
	fsim_blob_reset(&resp);
	stop(&c);
}

static void
get_info_has_aaguid(void **state)
{
	struct ctx c;
	fsim_blob_t resp = { 0 };
	cbor_item_t *m;
	const uint8_t *p;
	size_t n;

	(void)state;
	start(&c, NULL);
	assert_int_equal(call(&c, 0x04, NULL, &resp), 0);
	assert_true(fsim_cbor_is_canonical(resp.ptr, resp.len));
	assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, &m, NULL), 0);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 3), &p, &n), 0);
	assert_int_equal(n, 16);
	assert_int_equal(p[0], 0xaa);
	cbor_decref(&m);
	fsim_blob_reset(&resp);
	stop(&c);
}

/* An assertion for id: its parsed authData (caller frees). */
static fsim_authdata_t *
assert_id(struct ctx *c, const fsim_blob_t *id)
{
	fsim_blob_t resp = { 0 };
	cbor_item_t *m = NULL;
	fsim_authdata_t *ad = NULL;
	const uint8_t *p;
	size_t n;

	assert_int_equal(call(c, 0x02, ga_request(id->ptr, id->len, 0), &resp), 0);
	assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, &m, NULL), 0);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 2), &p, &n), 0);
	assert_int_equal(fsim_authdata_parse(p, n, &ad, NULL), 0);
	cbor_decref(&m);
	fsim_blob_reset(&resp);
	return ad;
}

#define FLAGS_BE_BS(ad) ((ad)->flags & (FSIM_AD_BE | FSIM_AD_BS))

/* A sync completing: BE 0 -> 1 on a stored credential, then BS; and back. */
static void
set_be_changes_assertions(void **state)
{
	struct ctx c;
	fsim_authdata_t *ad, *g;

	(void)state;
	start(&c, NULL);
	ad = make(&c, FSIM_COSE_ES256, true);
	assert_int_equal(FLAGS_BE_BS(ad), 0);
	g = assert_id(&c, &ad->cred_id);
	assert_int_equal(FLAGS_BE_BS(g), 0);
	fsim_authdata_free(&g);

	assert_int_equal(fsim_authn_set_be(c.a, ad->cred_id.ptr, ad->cred_id.len, true), 0);
	g = assert_id(&c, &ad->cred_id);
	assert_int_equal(FLAGS_BE_BS(g), FSIM_AD_BE);
	fsim_authdata_free(&g);
	assert_int_equal(fsim_authn_set_bs(c.a, ad->cred_id.ptr, ad->cred_id.len, true), 0);
	g = assert_id(&c, &ad->cred_id);
	assert_int_equal(FLAGS_BE_BS(g), FSIM_AD_BE | FSIM_AD_BS);
	fsim_authdata_free(&g);
	/* BE 1 -> 0: BS is not reported without BE, though it stays stored. */
	assert_int_equal(fsim_authn_set_be(c.a, ad->cred_id.ptr, ad->cred_id.len, false), 0);
	g = assert_id(&c, &ad->cred_id);
	assert_int_equal(FLAGS_BE_BS(g), 0);
	assert_int_equal(g->sign_count, 4);
	fsim_authdata_free(&g);
	fsim_authdata_free(&ad);

	/* A wrapped (non-discoverable) credential keeps its BE in its ID. */
	ad = make(&c, FSIM_COSE_ES256, false);
	assert_int_equal(fsim_authn_set_be(c.a, ad->cred_id.ptr, ad->cred_id.len, true),
	    FSIM_ERR_NOT_FOUND);
	g = assert_id(&c, &ad->cred_id);
	assert_int_equal(FLAGS_BE_BS(g), 0);
	fsim_authdata_free(&g);
	fsim_authdata_free(&ad);
	stop(&c);
}

/* Export and import reset the counter: the next assertion says 1. */
static void
set_counter_per_credential(void **state)
{
	struct ctx c;
	fsim_authdata_t *ad[2], *g;
	size_t i;
	int k;

	(void)state;
	start(&c, NULL);
	ad[0] = make(&c, FSIM_COSE_ES256, true);    /* stored */
	ad[1] = make(&c, FSIM_COSE_ES256, false);   /* wrapped */
	for (i = 0; i < 2; i++) {
		for (k = 1; k <= 3; k++) {
			g = assert_id(&c, &ad[i]->cred_id);
			assert_int_equal(g->sign_count, (uint32_t)k);
			fsim_authdata_free(&g);
		}
		assert_int_equal(fsim_authn_set_counter(c.a, ad[i]->cred_id.ptr,
		    ad[i]->cred_id.len, 0), 0);
		g = assert_id(&c, &ad[i]->cred_id);
		assert_int_equal(g->sign_count, 1);
		fsim_authdata_free(&g);
		assert_int_equal(fsim_authn_set_counter(c.a, ad[i]->cred_id.ptr,
		    ad[i]->cred_id.len, 41), 0);
		g = assert_id(&c, &ad[i]->cred_id);
		assert_int_equal(g->sign_count, 42);
		fsim_authdata_free(&g);
	}
	/* the other credential's counter did not move */
	g = assert_id(&c, &ad[0]->cred_id);
	assert_int_equal(g->sign_count, 43);
	fsim_authdata_free(&g);
	assert_int_equal(fsim_authn_set_counter(c.a, NULL, 0, 0), FSIM_ERR_ARG);
	fsim_authdata_free(&ad[0]);
	fsim_authdata_free(&ad[1]);
	stop(&c);
}

static void
global_counter(fsim_authn_config_t *cfg)
{
	cfg->counter = FSIM_COUNTER_GLOBAL;
}

static void
set_counter_global(void **state)
{
	struct ctx c;
	fsim_authdata_t *a1, *a2, *g;

	(void)state;
	start(&c, global_counter);
	a1 = make(&c, FSIM_COSE_ES256, true);
	a2 = make(&c, FSIM_COSE_ES256, false);
	assert_int_equal(fsim_authn_set_counter(c.a, a1->cred_id.ptr, a1->cred_id.len, 100), 0);
	assert_int_equal(fsim_store_global_counter(c.store), 100);
	g = assert_id(&c, &a2->cred_id);   /* shared: the other credential sees it too */
	assert_int_equal(g->sign_count, 101);
	fsim_authdata_free(&g);
	g = assert_id(&c, &a1->cred_id);
	assert_int_equal(g->sign_count, 102);
	fsim_authdata_free(&g);
	assert_int_equal(fsim_authn_set_counter(c.a, a2->cred_id.ptr, a2->cred_id.len, 0), 0);
	g = assert_id(&c, &a1->cred_id);
	assert_int_equal(g->sign_count, 1);
	fsim_authdata_free(&g);
	fsim_authdata_free(&a1);
	fsim_authdata_free(&a2);
	stop(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(make_and_assert_verify),
		cmocka_unit_test(status_codes),
		cmocka_unit_test(discoverable_newest_first_and_next),
		cmocka_unit_test(get_info_has_aaguid),
		cmocka_unit_test(set_be_changes_assertions),
		cmocka_unit_test(set_counter_per_credential),
		cmocka_unit_test(set_counter_global),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
