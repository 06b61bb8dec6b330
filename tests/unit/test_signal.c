/*
 * test_signal.c — the provider side of WebAuthn L3's newer calls through the
 * authenticator (authenticator/signal.c, ctap_mc.c, ctap_ga.c): a
 * conditional create (makeCredential up=false) answered per cfg.cond_create,
 * and the signal methods' authenticator actions (5.1.10.2-4) per cfg.sig_*,
 * with a hidden credential no longer offered to getAssertion.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "authenticator/authn.h"
#include "authenticator/preset.h"
#include "core/fsim_core.h"

struct ctx {
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *a;
	fsim_authn_config_t cfg;
};

static const uint8_t cdh[32] = { 1, 2, 3 };

/* A store file and what SQLite keeps beside it. */
static void
unlink_store(const char *path)
{
	char p[128];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}
static const uint8_t uid_alice[] = { 'a', 'l' };
static const uint8_t uid_bob[] = { 'b', 'o' };

static void
start(struct ctx *c, const char *const *settings)
{
	static const uint8_t seed[] = "test_signal seed";
	char why[200];

	memset(c, 0, sizeof(*c));
	assert_int_equal(fsim_env_seeded(&c->env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &c->env, &c->store, NULL), 0);
	fsim_authn_config_init(&c->cfg);
	for (; settings != NULL && settings[0] != NULL; settings += 2)
		assert_int_equal(fsim_preset_setting(&c->cfg, settings[0], settings[1], why,
		    sizeof(why)), 0);
	assert_int_equal(fsim_authn_new(&c->cfg, &c->env, c->store, &c->a), 0);
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

static uint8_t
call(struct ctx *c, uint8_t cmd, cbor_item_t *map, fsim_blob_t *resp)
{
	fsim_blob_t enc = { 0 }, req = { 0 };
	uint8_t st;

	assert_int_equal(fsim_blob_set(&req, &cmd, 1), 0);
	assert_int_equal(fsim_cbor_encode(map, &enc), 0);
	assert_int_equal(fsim_blob_append(&req, enc.ptr, enc.len), 0);
	cbor_decref(&map);
	st = fsim_authn_request(c->a, req.ptr, req.len, resp);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&req);
	return st;
}

/* makeCredential for user uid, discoverable; up: -1 absent, 0 false; uv: -1 absent, 1 true. */
static cbor_item_t *
mc_request(const uint8_t *uid, size_t ulen, int up, int uv)
{
	cbor_item_t *m = cbor_new_definite_map(5), *rp = cbor_new_definite_map(1);
	cbor_item_t *user = cbor_new_definite_map(3), *params = cbor_new_definite_array(1);
	cbor_item_t *p = cbor_new_definite_map(2), *opts = cbor_new_definite_map(3);

	put(m, fsim_cbor_int(1), fsim_cbor_bytes(cdh, 32));
	put(rp, fsim_cbor_text("id"), fsim_cbor_text("example.org"));
	put(m, fsim_cbor_int(2), rp);
	put(user, fsim_cbor_text("id"), fsim_cbor_bytes(uid, ulen));
	put(user, fsim_cbor_text("name"), fsim_cbor_text("old-name"));
	put(user, fsim_cbor_text("displayName"), fsim_cbor_text("Old Name"));
	put(m, fsim_cbor_int(3), user);
	put(p, fsim_cbor_text("alg"), fsim_cbor_int(-7));
	put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key"));
	assert_true(cbor_array_push(params, p));
	cbor_decref(&p);
	put(m, fsim_cbor_int(4), params);
	put(opts, fsim_cbor_text("rk"), cbor_build_bool(true));
	if (up >= 0)
		put(opts, fsim_cbor_text("up"), cbor_build_bool(up == 1));
	if (uv >= 0)
		put(opts, fsim_cbor_text("uv"), cbor_build_bool(uv == 1));
	put(m, fsim_cbor_int(7), opts);
	return m;
}

/* Make a credential; its authData flags and credential ID (id may be NULL). */
static uint8_t
make(struct ctx *c, const uint8_t *uid, size_t ulen, int up, int uv, uint8_t *flags,
    fsim_blob_t *id)
{
	fsim_blob_t resp = { 0 };
	cbor_item_t *m = NULL;
	fsim_authdata_t *ad = NULL;
	const uint8_t *p;
	size_t n;
	uint8_t st;

	if ((st = call(c, 0x01, mc_request(uid, ulen, up, uv), &resp)) != 0) {
		fsim_blob_reset(&resp);
		return st;
	}
	assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, &m, NULL), 0);
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(m, 2), &p, &n), 0);
	assert_int_equal(fsim_authdata_parse(p, n, &ad, NULL), 0);
	*flags = ad->flags;
	if (id != NULL)
		assert_int_equal(fsim_blob_set(id, ad->cred_id.ptr, ad->cred_id.len), 0);
	fsim_authdata_free(&ad);
	cbor_decref(&m);
	fsim_blob_reset(&resp);
	return 0;
}

/* getAssertion with no allow list: how many credentials are offered (0: none). */
static int64_t
offered(struct ctx *c)
{
	cbor_item_t *m = cbor_new_definite_map(2), *r = NULL;
	fsim_blob_t resp = { 0 };
	int64_t count = 1;
	uint8_t st;

	put(m, fsim_cbor_int(1), fsim_cbor_text("example.org"));
	put(m, fsim_cbor_int(2), fsim_cbor_bytes(cdh, 32));
	st = call(c, 0x02, m, &resp);
	if (st == 0x2e) {        /* CTAP2_ERR_NO_CREDENTIALS */
		fsim_blob_reset(&resp);
		return 0;
	}
	assert_int_equal(st, 0);
	assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, &r, NULL), 0);
	if (fsim_cbor_map_get_int(r, 5) != NULL)
		assert_int_equal(fsim_cbor_get_int(fsim_cbor_map_get_int(r, 5), &count), 0);
	cbor_decref(&r);
	fsim_blob_reset(&resp);
	return count;
}

/* getAssertion with allowCredentials [id]: the status. */
static uint8_t
get_with(struct ctx *c, const fsim_blob_t *id)
{
	cbor_item_t *m = cbor_new_definite_map(3), *al = cbor_new_definite_array(1);
	cbor_item_t *d = cbor_new_definite_map(2);
	fsim_blob_t resp = { 0 };
	uint8_t st;

	put(m, fsim_cbor_int(1), fsim_cbor_text("example.org"));
	put(m, fsim_cbor_int(2), fsim_cbor_bytes(cdh, 32));
	put(d, fsim_cbor_text("id"), fsim_cbor_bytes(id->ptr, id->len));
	put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key"));
	assert_true(cbor_array_push(al, d));
	cbor_decref(&d);
	put(m, fsim_cbor_int(3), al);
	st = call(c, 0x02, m, &resp);
	fsim_blob_reset(&resp);
	return st;
}

#define UP_UV(f) ((f) & (FSIM_AD_UP | FSIM_AD_UV))

static void
conditional_create_modes(void **state)
{
	static const char *const no_up[] = { "conditional-create", "no-up", NULL };
	static const char *const no_up_no_uv[] = { "conditional-create", "no-up-no-uv",
	    "uv", "always", NULL };
	static const char *const up[] = { "conditional-create", "up", "uv", "always", NULL };
	static const char *const always[] = { "conditional-create", "no-up", "uv", "always",
	    NULL };
	struct ctx c;
	uint8_t f = 0xff;

	(void)state;
	/* The default is CTAP 2.1's: up=false on makeCredential is an invalid option. */
	start(&c, NULL);
	assert_int_equal(make(&c, uid_alice, 2, 0, -1, &f, NULL), 0x2c);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, NULL), 0);
	assert_int_equal(UP_UV(f), FSIM_AD_UP);
	stop(&c);

	/* no-up: UP=0; UV only when asked and verified */
	start(&c, no_up);
	assert_int_equal(make(&c, uid_alice, 2, 0, -1, &f, NULL), 0);
	assert_int_equal(UP_UV(f), 0);
	assert_int_equal(make(&c, uid_alice, 2, 0, 1, &f, NULL), 0);
	assert_int_equal(UP_UV(f), FSIM_AD_UV);
	stop(&c);

	/* uv always is what a modal ceremony collects: not in a conditional create */
	start(&c, always);
	assert_int_equal(make(&c, uid_alice, 2, 0, -1, &f, NULL), 0);
	assert_int_equal(UP_UV(f), 0);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, NULL), 0);
	assert_int_equal(UP_UV(f), FSIM_AD_UP | FSIM_AD_UV);
	stop(&c);

	/* no-up-no-uv: UV=0 even when UV was asked for */
	start(&c, no_up_no_uv);
	assert_int_equal(make(&c, uid_alice, 2, 0, 1, &f, NULL), 0);
	assert_int_equal(UP_UV(f), 0);
	stop(&c);

	/* up: as a modal create */
	start(&c, up);
	assert_int_equal(make(&c, uid_alice, 2, 0, -1, &f, NULL), 0);
	assert_int_equal(UP_UV(f), FSIM_AD_UP | FSIM_AD_UV);
	stop(&c);
}

/* The one change reported, with its action. */
static const char *
action_of(const json_t *changes, size_t i)
{
	return json_string_value(json_object_get(json_array_get(changes, i), "action"));
}

static void
unknown_credential_hide_and_remove(void **state)
{
	static const char *const remove[] = { "signal-unknown", "remove", NULL };
	static const char *const ignore[] = { "signal-unknown", "ignore", NULL };
	struct ctx c;
	fsim_blob_t id = { 0 }, other = { 0 };
	json_t *ch;
	uint8_t f;

	(void)state;
	/* default: hide; the credential is no longer offered, with or without allowCredentials */
	start(&c, NULL);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	assert_int_equal(make(&c, uid_bob, 2, -1, -1, &f, &other), 0);
	assert_int_equal(offered(&c), 2);
	ch = json_array();
	assert_int_equal(fsim_authn_signal_unknown(c.a, "example.org", id.ptr, id.len, ch), 0);
	assert_int_equal(json_array_size(ch), 1);
	assert_string_equal(action_of(ch, 0), "hidden");
	assert_true(fsim_store_find_cred(c.store, id.ptr, id.len)->hidden);
	assert_int_equal(offered(&c), 1);
	assert_int_equal(get_with(&c, &id), 0x2e);
	assert_int_equal(get_with(&c, &other), 0);
	json_decref(ch);
	/* another RP's ID, or an unknown one: nothing matches */
	ch = json_array();
	assert_int_equal(fsim_authn_signal_unknown(c.a, "example.com", other.ptr, other.len, ch),
	    0);
	assert_int_equal(fsim_authn_signal_unknown(c.a, "example.org", cdh, 16, ch), 0);
	assert_int_equal(json_array_size(ch), 0);
	json_decref(ch);
	stop(&c);
	fsim_blob_reset(&id);
	fsim_blob_reset(&other);

	start(&c, remove);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	ch = json_array();
	assert_int_equal(fsim_authn_signal_unknown(c.a, "example.org", id.ptr, id.len, ch), 0);
	assert_string_equal(action_of(ch, 0), "removed");
	assert_null(fsim_store_find_cred(c.store, id.ptr, id.len));
	assert_int_equal(offered(&c), 0);
	json_decref(ch);
	stop(&c);
	fsim_blob_reset(&id);

	start(&c, ignore);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	ch = json_array();
	assert_int_equal(fsim_authn_signal_unknown(c.a, "example.org", id.ptr, id.len, ch), 0);
	assert_string_equal(action_of(ch, 0), "ignored");
	assert_int_equal(offered(&c), 1);
	json_decref(ch);
	stop(&c);
	fsim_blob_reset(&id);
}

static void
all_accepted_hides_and_brings_back(void **state)
{
	static const char *const remove[] = { "signal-accepted", "remove", NULL };
	struct ctx c;
	fsim_blob_t id = { 0 }, other = { 0 }, none[1];
	json_t *ch;
	uint8_t f;

	(void)state;
	start(&c, NULL);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	assert_int_equal(make(&c, uid_bob, 2, -1, -1, &f, &other), 0);
	/* alice's list is empty: hers is hidden, bob's stays */
	ch = json_array();
	assert_int_equal(fsim_authn_signal_accepted(c.a, "example.org", uid_alice, 2, NULL, 0,
	    ch), 0);
	assert_int_equal(json_array_size(ch), 1);
	assert_string_equal(action_of(ch, 0), "hidden");
	assert_int_equal(offered(&c), 1);
	json_decref(ch);
	/* listed again: back (5.1.10.3 last step) */
	ch = json_array();
	assert_int_equal(fsim_authn_signal_accepted(c.a, "example.org", uid_alice, 2, &id, 1,
	    ch), 0);
	assert_string_equal(action_of(ch, 0), "unhidden");
	assert_int_equal(offered(&c), 2);
	json_decref(ch);
	/* listed and not hidden: nothing to say */
	ch = json_array();
	assert_int_equal(fsim_authn_signal_accepted(c.a, "example.org", uid_alice, 2, &id, 1,
	    ch), 0);
	assert_int_equal(json_array_size(ch), 0);
	json_decref(ch);
	stop(&c);
	fsim_blob_reset(&id);
	fsim_blob_reset(&other);

	start(&c, remove);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	memset(none, 0, sizeof(none));
	assert_int_equal(fsim_blob_set(&none[0], cdh, 8), 0);
	ch = json_array();
	assert_int_equal(fsim_authn_signal_accepted(c.a, "example.org", uid_alice, 2, none, 1,
	    ch), 0);
	assert_string_equal(action_of(ch, 0), "removed");
	assert_int_equal(fsim_store_cred_count(c.store), 0);
	json_decref(ch);
	fsim_blob_reset(&none[0]);
	fsim_blob_reset(&id);
	stop(&c);
}

static void
current_user_details(void **state)
{
	static const char *const ignore[] = { "signal-details", "ignore", NULL };
	struct ctx c;
	fsim_blob_t id = { 0 };
	const fsim_cred_t *cr;
	json_t *ch;
	char long_name[1100];
	uint8_t f;

	(void)state;
	start(&c, NULL);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	ch = json_array();
	assert_int_equal(fsim_authn_signal_details(c.a, "example.org", uid_alice, 2,
	    "new-name", "New Name", ch), 0);
	assert_string_equal(action_of(ch, 0), "updated");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(ch, 0), "name"), "from")), "old-name");
	cr = fsim_store_find_cred(c.store, id.ptr, id.len);
	assert_string_equal(cr->user_name, "new-name");
	assert_string_equal(cr->user_display_name, "New Name");
	json_decref(ch);
	/* the same names again: unchanged */
	ch = json_array();
	assert_int_equal(fsim_authn_signal_details(c.a, "example.org", uid_alice, 2,
	    "new-name", "New Name", ch), 0);
	assert_string_equal(action_of(ch, 0), "unchanged");
	json_decref(ch);
	/* a name the store cannot keep is refused, the record unchanged */
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(fsim_authn_signal_details(c.a, "example.org", uid_alice, 2,
	    long_name, "N", NULL), FSIM_ERR_ARG);
	assert_string_equal(fsim_store_find_cred(c.store, id.ptr, id.len)->user_name, "new-name");
	/* another user: nothing */
	ch = json_array();
	assert_int_equal(fsim_authn_signal_details(c.a, "example.org", uid_bob, 2, "b", "B",
	    ch), 0);
	assert_int_equal(json_array_size(ch), 0);
	json_decref(ch);
	stop(&c);
	fsim_blob_reset(&id);

	start(&c, ignore);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	ch = json_array();
	assert_int_equal(fsim_authn_signal_details(c.a, "example.org", uid_alice, 2,
	    "new-name", "New Name", ch), 0);
	assert_string_equal(action_of(ch, 0), "ignored");
	assert_string_equal(fsim_store_find_cred(c.store, id.ptr, id.len)->user_name, "old-name");
	json_decref(ch);
	stop(&c);
	fsim_blob_reset(&id);
}

/* hidden survives the store's text form; a store without the member reads as before */
static void
hidden_persists(void **state)
{
	char path[] = "/tmp/fsim-test-signal-XXXXXX";
	struct ctx c;
	fsim_store_t *s = NULL;
	fsim_blob_t id = { 0 };
	uint8_t f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	unlink(path);
	memset(&c, 0, sizeof(c));
	start(&c, NULL);
	fsim_store_free(&c.store);
	fsim_authn_free(&c.a);
	assert_int_equal(fsim_store_open(path, &c.env, &c.store, NULL), 0);
	assert_int_equal(fsim_authn_new(&c.cfg, &c.env, c.store, &c.a), 0);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	assert_int_equal(fsim_authn_signal_unknown(c.a, "example.org", id.ptr, id.len, NULL), 0);
	assert_int_equal(fsim_store_open(path, &c.env, &s, NULL), 0);
	assert_true(fsim_store_find_cred(s, id.ptr, id.len)->hidden);
	fsim_store_free(&s);
	stop(&c);
	fsim_blob_reset(&id);
	unlink_store(path);
}

/* A store made before the hidden column (the column dropped again): opened, it gets it back. */
static void
store_without_hidden_column(void **state)
{
	char path[] = "/tmp/fsim-test-signal-old-XXXXXX";
	struct ctx c;
	fsim_store_t *s = NULL;
	fsim_blob_t id = { 0 };
	sqlite3 *db = NULL;
	uint8_t f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	unlink(path);
	start(&c, NULL);
	fsim_authn_free(&c.a);
	fsim_store_free(&c.store);
	assert_int_equal(fsim_store_open(path, &c.env, &c.store, NULL), 0);
	assert_int_equal(fsim_authn_new(&c.cfg, &c.env, c.store, &c.a), 0);
	assert_int_equal(make(&c, uid_alice, 2, -1, -1, &f, &id), 0);
	fsim_authn_free(&c.a);
	fsim_store_free(&c.store);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE credentials DROP COLUMN hidden", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(fsim_store_open(path, &c.env, &s, NULL), 0);
	assert_false(fsim_store_find_cred(s, id.ptr, id.len)->hidden);
	assert_int_equal(fsim_store_save(s), 0);
	fsim_store_free(&s);
	assert_int_equal(fsim_store_open(path, &c.env, &c.store, NULL), 0);
	assert_int_equal(fsim_authn_new(&c.cfg, &c.env, c.store, &c.a), 0);
	assert_int_equal(fsim_authn_signal_unknown(c.a, "example.org", id.ptr, id.len, NULL), 0);
	assert_int_equal(offered(&c), 0);
	stop(&c);
	fsim_blob_reset(&id);
	unlink_store(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conditional_create_modes),
		cmocka_unit_test(unknown_credential_hide_and_remove),
		cmocka_unit_test(all_accepted_hides_and_brings_back),
		cmocka_unit_test(current_user_details),
		cmocka_unit_test(hidden_persists),
		cmocka_unit_test(store_without_hidden_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
