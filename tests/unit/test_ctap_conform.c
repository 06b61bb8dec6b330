/*
 * test_ctap_conform.c — what `conform --authenticator` found and checks in
 * the software authenticator, through fsim_authn_request: the
 * enterpriseAttestation parameter refused (CTAP 2.1 §6.1.2 step 9), user
 * name and displayName kept to 64 bytes on a character boundary (WebAuthn
 * L3 §5.4.1, §5.4.3), and each CTAP-level quirk doing what it says — and
 * nothing without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authenticator/authn.h"
#include "authenticator/ctaphid.h"
#include "core/fsim_core.h"

struct ctx {
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *a;
};

static const uint8_t cdh[32] = { 7, 7, 7 };

static void
start(struct ctx *c, uint32_t quirks)
{
	static const uint8_t seed[] = "test_ctap_conform";
	fsim_authn_config_t cfg;

	memset(c, 0, sizeof(*c));
	assert_int_equal(fsim_env_seeded(&c->env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &c->env, &c->store, NULL), 0);
	fsim_authn_config_init(&cfg);
	cfg.aaguid[0] = 0x5a;
	cfg.quirks = quirks;
	assert_int_equal(fsim_authn_new(&cfg, &c->env, c->store, &c->a), 0);
}

static void
stop(struct ctx *c)
{
	fsim_authn_free(&c->a);
	fsim_store_free(&c->store);
	fsim_env_free(&c->env);
}

static void
put(cbor_item_t *m, cbor_item_t *k, cbor_item_t *v)
{
	assert_int_equal(fsim_cbor_map_put(m, k, v), 0);
}

/* cmd + map (consumed); the answer's map decoded into *out when it is 0. */
static uint8_t
call(struct ctx *c, uint8_t cmd, cbor_item_t *map, cbor_item_t **out)
{
	fsim_blob_t enc = { 0 }, req = { 0 }, resp = { 0 };
	uint8_t st;

	if (out != NULL)
		*out = NULL;
	assert_int_equal(fsim_blob_set(&req, &cmd, 1), 0);
	if (map != NULL) {
		assert_int_equal(fsim_cbor_encode(map, &enc), 0);
		assert_int_equal(fsim_blob_append(&req, enc.ptr, enc.len), 0);
		cbor_decref(&map);
	}
	st = fsim_authn_request(c->a, req.ptr, req.len, &resp);
	if (st == 0 && out != NULL && resp.len > 0)
		assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, out, NULL), 0);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&req);
	fsim_blob_reset(&resp);
	return st;
}

/* makeCredential for example.org with a user named name, options rk / uv. */
static cbor_item_t *
mc(const char *name, bool rk, bool uv, const fsim_blob_t *exclude, cbor_item_t *ext)
{
	static const uint8_t uid[] = { 1, 2, 3, 4 };
	cbor_item_t *m = cbor_new_definite_map(8), *rp = cbor_new_definite_map(1);
	cbor_item_t *user = cbor_new_definite_map(3), *params = cbor_new_definite_array(1);
	cbor_item_t *p = cbor_new_definite_map(2), *o = cbor_new_definite_map(2);

	put(m, fsim_cbor_int(1), fsim_cbor_bytes(cdh, 32));
	put(rp, fsim_cbor_text("id"), fsim_cbor_text("example.org"));
	put(m, fsim_cbor_int(2), rp);
	put(user, fsim_cbor_text("id"), fsim_cbor_bytes(uid, sizeof(uid)));
	put(user, fsim_cbor_text("name"), fsim_cbor_text(name));
	put(user, fsim_cbor_text("displayName"), fsim_cbor_text(name));
	put(m, fsim_cbor_int(3), user);
	put(p, fsim_cbor_text("alg"), fsim_cbor_int(-7));
	put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key"));
	assert_int_equal(fsim_cbor_array_push(params, p), 0);
	put(m, fsim_cbor_int(4), params);
	if (exclude != NULL) {
		cbor_item_t *l = cbor_new_definite_array(1), *d = cbor_new_definite_map(2);

		put(d, fsim_cbor_text("id"), fsim_cbor_bytes(exclude->ptr, exclude->len));
		put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key"));
		assert_int_equal(fsim_cbor_array_push(l, d), 0);
		put(m, fsim_cbor_int(5), l);
	}
	if (ext != NULL)
		put(m, fsim_cbor_int(6), ext);
	put(o, fsim_cbor_text("rk"), cbor_build_bool(rk));
	put(o, fsim_cbor_text("uv"), cbor_build_bool(uv));
	put(m, fsim_cbor_int(7), o);
	return m;
}

/* The credential ID of a makeCredential answer. */
static void
cred_id(const cbor_item_t *ans, fsim_blob_t *id)
{
	fsim_authdata_t *ad = NULL;
	const uint8_t *p;
	size_t n;

	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 2), &p, &n), 0);
	assert_int_equal(fsim_authdata_parse(p, n, &ad, NULL), 0);
	assert_int_equal(fsim_blob_set(id, ad->cred_id.ptr, ad->cred_id.len), 0);
	fsim_authdata_free(&ad);
}

/* getAssertion for example.org; id NULL: discovery; up -1 absent. */
static cbor_item_t *
ga(const fsim_blob_t *id, int up, bool uv)
{
	cbor_item_t *m = cbor_new_definite_map(5), *o = cbor_new_definite_map(2);

	put(m, fsim_cbor_int(1), fsim_cbor_text("example.org"));
	put(m, fsim_cbor_int(2), fsim_cbor_bytes(cdh, 32));
	if (id != NULL) {
		cbor_item_t *l = cbor_new_definite_array(1), *d = cbor_new_definite_map(2);

		put(d, fsim_cbor_text("id"), fsim_cbor_bytes(id->ptr, id->len));
		put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key"));
		assert_int_equal(fsim_cbor_array_push(l, d), 0);
		put(m, fsim_cbor_int(3), l);
	}
	if (up >= 0)
		put(o, fsim_cbor_text("up"), cbor_build_bool(up == 1));
	put(o, fsim_cbor_text("uv"), cbor_build_bool(uv));
	put(m, fsim_cbor_int(5), o);
	return m;
}

static uint8_t
flags_of(const cbor_item_t *ans)
{
	const uint8_t *p;
	size_t n;

	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 2), &p, &n), 0);
	assert_true(n > 32);
	return p[32];
}

static void
enterprise_attestation_refused(void **state)
{
	struct ctx c;
	cbor_item_t *m, *ans = NULL;

	(void)state;
	start(&c, 0);
	m = mc("alice", false, false, NULL, NULL);
	put(m, fsim_cbor_int(10), fsim_cbor_int(1));
	assert_int_equal(call(&c, 0x01, m, NULL), 0x02);        /* CTAP1_ERR_INVALID_PARAMETER */
	assert_int_equal(call(&c, 0x01, mc("alice", false, false, NULL, NULL), &ans), 0);
	cbor_decref(&ans);
	stop(&c);
}

static void
names_kept_to_64_bytes(void **state)
{
	struct ctx c;
	cbor_item_t *ans = NULL, *user;
	char name[100], *got = NULL;

	(void)state;
	start(&c, 0);
	/* 63 ASCII bytes, then "é" (2 bytes) across the 64-byte mark, then more. */
	memset(name, 'n', 63);
	memcpy(name + 63, "\xc3\xa9tail", 7);
	assert_int_equal(call(&c, 0x01, mc(name, true, true, NULL, NULL), &ans), 0);
	cbor_decref(&ans);
	assert_int_equal(call(&c, 0x02, ga(NULL, -1, true), &ans), 0);
	user = fsim_cbor_map_get_int(ans, 4);
	assert_non_null(user);
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_str(user, "displayName"), &got), 0);
	assert_int_equal(strlen(got), 63);           /* cut before the character, not inside */
	assert_memory_equal(got, name, 63);
	free(got);
	got = NULL;
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_str(user, "name"), &got), 0);
	assert_int_equal(strlen(got), 63);
	free(got);
	cbor_decref(&ans);
	/* A short name is kept whole. */
	assert_int_equal(call(&c, 0x01, mc("bob", true, true, NULL, NULL), &ans), 0);
	cbor_decref(&ans);
	assert_int_equal(call(&c, 0x02, ga(NULL, -1, true), &ans), 0);
	got = NULL;
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_str(fsim_cbor_map_get_int(ans, 4),
	    "name"), &got), 0);
	assert_string_equal(got, "bob");
	free(got);
	cbor_decref(&ans);
	stop(&c);
}

static void
exclude_list(uint32_t quirks, uint8_t want)
{
	struct ctx c;
	cbor_item_t *ans = NULL;
	fsim_blob_t id = { 0 };

	start(&c, quirks);
	assert_int_equal(call(&c, 0x01, mc("alice", false, false, NULL, NULL), &ans), 0);
	cred_id(ans, &id);
	cbor_decref(&ans);
	assert_int_equal(call(&c, 0x01, mc("alice", false, false, &id, NULL), &ans), want);
	if (ans != NULL)
		cbor_decref(&ans);
	fsim_blob_reset(&id);
	stop(&c);
}

static void
quirk_exclude_list_ignored(void **state)
{
	(void)state;
	exclude_list(0, 0x19);       /* CTAP2_ERR_CREDENTIAL_EXCLUDED */
	exclude_list(1u << FSIM_QUIRK_EXCLUDE_LIST_IGNORED, 0);
}

static void
up_false(uint32_t quirks, bool up_set)
{
	struct ctx c;
	cbor_item_t *ans = NULL;
	fsim_blob_t id = { 0 };

	start(&c, quirks);
	assert_int_equal(call(&c, 0x01, mc("alice", false, false, NULL, NULL), &ans), 0);
	cred_id(ans, &id);
	cbor_decref(&ans);
	assert_int_equal(call(&c, 0x02, ga(&id, 0, false), &ans), 0);
	assert_int_equal((flags_of(ans) & FSIM_AD_UP) != 0, up_set);
	cbor_decref(&ans);
	fsim_blob_reset(&id);
	stop(&c);
}

static void
quirk_up_false_ignored(void **state)
{
	(void)state;
	up_false(0, false);
	up_false(1u << FSIM_QUIRK_UP_FALSE_IGNORED, true);
}

static void
cred_protect(uint32_t quirks, uint8_t want)
{
	struct ctx c;
	cbor_item_t *ans = NULL, *ext = cbor_new_definite_map(1);
	fsim_blob_t id = { 0 };

	start(&c, quirks);
	put(ext, fsim_cbor_text("credProtect"), fsim_cbor_int(3));
	assert_int_equal(call(&c, 0x01, mc("alice", false, false, NULL, ext), &ans), 0);
	cred_id(ans, &id);
	cbor_decref(&ans);
	assert_int_equal(call(&c, 0x02, ga(&id, -1, false), &ans), want);
	if (ans != NULL)
		cbor_decref(&ans);
	/* With UV it is always there. */
	assert_int_equal(call(&c, 0x02, ga(&id, -1, true), &ans), 0);
	cbor_decref(&ans);
	fsim_blob_reset(&id);
	stop(&c);
}

static void
quirk_cred_protect_ignored(void **state)
{
	(void)state;
	cred_protect(0, 0x2e);       /* CTAP2_ERR_NO_CREDENTIALS: level 3 wants UV */
	cred_protect(1u << FSIM_QUIRK_CRED_PROTECT_IGNORED, 0);
}

static void
getinfo_aaguid(uint32_t quirks, bool same)
{
	struct ctx c;
	cbor_item_t *ans = NULL;
	fsim_authdata_t *ad = NULL;
	const uint8_t *info, *p;
	size_t n;

	start(&c, quirks);
	assert_int_equal(call(&c, 0x04, NULL, &ans), 0);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 3), &info, &n), 0);
	assert_int_equal(n, 16);
	{
		cbor_item_t *mca = NULL;
		uint8_t copy[16];

		memcpy(copy, info, 16);
		assert_int_equal(call(&c, 0x01, mc("alice", false, false, NULL, NULL), &mca), 0);
		assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(mca, 2), &p, &n), 0);
		assert_int_equal(fsim_authdata_parse(p, n, &ad, NULL), 0);
		assert_int_equal(memcmp(copy, ad->aaguid, 16) == 0, same);
		fsim_authdata_free(&ad);
		cbor_decref(&mca);
	}
	cbor_decref(&ans);
	stop(&c);
}

static void
quirk_getinfo_aaguid_mismatch(void **state)
{
	(void)state;
	getinfo_aaguid(0, true);
	getinfo_aaguid(1u << FSIM_QUIRK_GETINFO_AAGUID_MISMATCH, false);
}

/* ---- CTAPHID ---- */

struct out {
	uint8_t rep[8][FSIM_HID_REPORT];
	size_t n;
};

static int
capture(void *ctx, const uint8_t report[FSIM_HID_REPORT])
{
	struct out *o = ctx;

	if (o->n < 8)
		memcpy(o->rep[o->n++], report, FSIM_HID_REPORT);
	return 0;
}

/* A PING of 100 bytes whose continuation says SEQ 1: the first answer's command. */
static uint8_t
ping_seq_1(uint32_t quirks)
{
	static const uint8_t nonce[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ctx c;
	struct out o;
	fsim_ctaphid_t *h = NULL;
	uint8_t rep[FSIM_HID_REPORT], cid[4], cmd;

	start(&c, quirks);
	memset(&o, 0, sizeof(o));
	assert_int_equal(fsim_ctaphid_new(c.a, &c.env, capture, &o, &h), 0);
	assert_int_equal(fsim_ctaphid_tick(h, 1), 0);
	memset(rep, 0, sizeof(rep));
	memset(rep, 0xff, 4);
	rep[4] = 0x86;
	rep[6] = 8;
	memcpy(rep + 7, nonce, 8);
	assert_int_equal(fsim_ctaphid_input(h, rep), 0);
	assert_int_equal(o.n, 1);
	memcpy(cid, o.rep[0] + 15, 4);
	o.n = 0;
	memset(rep, 0, sizeof(rep));
	memcpy(rep, cid, 4);
	rep[4] = 0x81;
	rep[6] = 100;
	assert_int_equal(fsim_ctaphid_input(h, rep), 0);
	memset(rep + 4, 0, sizeof(rep) - 4);
	rep[4] = 1;                  /* SEQ 1 where 0 is due */
	assert_int_equal(fsim_ctaphid_input(h, rep), 0);
	assert_true(o.n >= 1);
	cmd = o.rep[0][4] & 0x7f;
	if (cmd == 0x3f)
		assert_int_equal(o.rep[0][7], 0x04);    /* ERR_INVALID_SEQ */
	fsim_ctaphid_free(&h);
	stop(&c);
	return cmd;
}

static void
quirk_hid_seq_unchecked(void **state)
{
	(void)state;
	assert_int_equal(ping_seq_1(0), 0x3f);                              /* ERROR */
	assert_int_equal(ping_seq_1(1u << FSIM_QUIRK_HID_SEQ_UNCHECKED), 0x01);   /* PING */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enterprise_attestation_refused),
		cmocka_unit_test(names_kept_to_64_bytes),
		cmocka_unit_test(quirk_exclude_list_ignored),
		cmocka_unit_test(quirk_up_false_ignored),
		cmocka_unit_test(quirk_cred_protect_ignored),
		cmocka_unit_test(quirk_getinfo_aaguid_mismatch),
		cmocka_unit_test(quirk_hid_seq_unchecked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
