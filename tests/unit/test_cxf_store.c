/*
 * test_cxf_store.c — CXF export and import over the store
 * (authenticator/cxf.h): every algorithm the authenticator makes keys for
 * round-trips (the same PKCS#8 key, the same alg, the same signatures
 * under the same seed, the hmac-secret keys and credBlob), a counted
 * passkey is left out unless asked, an RP filter, other credential types
 * kept in the store's blob, a refused import changes nothing in a store on
 * disk, and an imported passkey's counter stays 0 through getAssertion
 * (and counts only under the cxf-counter-increments quirk).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <unistd.h>

#include "authenticator/cxf.h"
#include "authenticator/keys.h"
#include "core/fsim_core.h"
#include "harness/pipeline.h"

static const uint8_t seed[] = "test_cxf_store";

/* A credential with key alg, id byte b, counter n; hmac-secret and credBlob when extras. */
static void
make_cred(const fsim_env_t *env, fsim_cred_t *c, int alg, uint8_t b, const char *rp,
    uint32_t n, bool extras)
{
	EVP_PKEY *key = NULL;
	uint8_t id[32], uid[8];

	memset(c, 0, sizeof(*c));
	memset(id, b, sizeof(id));
	memset(uid, (uint8_t)(b + 1), sizeof(uid));
	assert_int_equal(fsim_key_generate(env, alg, &key), 0);
	assert_int_equal(fsim_key_to_der(key, &c->private_key), 0);
	EVP_PKEY_free(key);
	assert_int_equal(fsim_blob_set(&c->id, id, sizeof(id)), 0);
	assert_int_equal(fsim_blob_set(&c->user_id, uid, sizeof(uid)), 0);
	c->rp_id = fsim_strdup(rp);
	c->user_name = fsim_strdup("alice");
	c->user_display_name = fsim_strdup("Alice A.");
	c->alg = alg;
	c->discoverable = true;
	c->sign_count = n;
	c->be = c->bs = true;
	c->created = 1767225600;
	if (extras) {
		c->hmac_secret = true;
		memset(c->cred_random_uv, 0xa5, 32);
		memset(c->cred_random_nouv, 0x5a, 32);
		assert_int_equal(fsim_blob_set(&c->cred_blob, (const uint8_t *)"blob", 4), 0);
	}
}

static void
export_text(fsim_store_t *s, const fsim_env_t *env, const fsim_cxf_export_opts_t *o,
    char **text, size_t *len, fsim_cxf_export_report_t *rep)
{
	assert_int_equal(fsim_cxf_export(s, env, o, text, len, rep), 0);
}

static void
free_text(char *t, size_t n)
{
	fsim_wipe(t, n);
	free(t);
}

/* Sign msg with the stored key under a fresh env of the given seed. */
static void
sign_with(const fsim_cred_t *c, fsim_blob_t *sig)
{
	static const uint8_t msg[] = "authenticatorData || clientDataHash";
	fsim_env_t e;
	EVP_PKEY *key = NULL;

	assert_int_equal(fsim_env_seeded(&e, (const uint8_t *)"sig", 3), 0);
	assert_int_equal(fsim_key_from_der(c->private_key.ptr, c->private_key.len, &key), 0);
	assert_int_equal(fsim_key_sign(&e, key, c->alg, msg, sizeof(msg), sig), 0);
	EVP_PKEY_free(key);
	fsim_env_free(&e);
}

static void
test_every_alg_round_trips(void **state)
{
	static const int algs[] = {
		FSIM_COSE_ES256, FSIM_COSE_ES384, FSIM_COSE_ES512, FSIM_COSE_EDDSA,
		FSIM_COSE_RS256, FSIM_COSE_PS256, FSIM_COSE_PS384, FSIM_COSE_PS512, FSIM_COSE_RS1,
		FSIM_COSE_MLDSA44, FSIM_COSE_MLDSA65, FSIM_COSE_MLDSA87, FSIM_COSE_ED448,
	};
	fsim_env_t env;
	fsim_store_t *a = NULL, *b = NULL;
	fsim_cred_t c;
	fsim_cxf_export_report_t rep;
	fsim_cxf_import_report_t irep;
	fsim_cxf_import_opts_t io = { true, true, NULL };
	fsim_diags_t d;
	char *text = NULL;
	size_t len = 0, i;

	(void)state;
	assert_int_equal(fsim_env_seeded(&env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &env, &a, NULL), 0);
	assert_int_equal(fsim_store_open(":memory:", &env, &b, NULL), 0);
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		make_cred(&env, &c, algs[i], (uint8_t)(0x10 + i), "example.org", 0, i == 0);
		assert_int_equal(fsim_store_add_cred(a, &c), 0);
		fsim_cred_reset(&c);
	}
	export_text(a, &env, NULL, &text, &len, &rep);
	assert_int_equal(rep.exported, sizeof(algs) / sizeof(algs[0]));
	assert_int_equal(rep.excluded, 0);
	fsim_diags_init(&d);
	assert_int_equal(fsim_cxf_import(b, &env, (const uint8_t *)text, len, &io, &irep, &d), 0);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_int_equal(irep.imported, sizeof(algs) / sizeof(algs[0]));
	fsim_diags_clear(&d);
	assert_int_equal(fsim_store_cred_count(b), sizeof(algs) / sizeof(algs[0]));
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		fsim_cred_t *x = fsim_store_cred_at(a, i), *y;
		fsim_blob_t s1 = { 0 }, s2 = { 0 };

		y = fsim_store_find_cred(b, x->id.ptr, x->id.len);
		assert_non_null(y);
		assert_int_equal(y->alg, algs[i]);                 /* fidosim's extension where needed */
		assert_true(fsim_blob_eq(&y->private_key, x->private_key.ptr, x->private_key.len));
		assert_true(fsim_blob_eq(&y->user_id, x->user_id.ptr, x->user_id.len));
		assert_string_equal(y->rp_id, "example.org");
		assert_string_equal(y->user_name, "alice");
		assert_string_equal(y->user_display_name, "Alice A.");
		assert_int_equal(y->created, x->created);
		assert_true(y->discoverable);
		assert_int_equal(y->sign_count, 0);
		assert_true(fsim_cxf_imported(b, y->id.ptr, y->id.len));
		assert_false(fsim_cxf_imported(a, x->id.ptr, x->id.len));
		/* the keys sign identically (the same seeded env: ECDSA nonces, PSS salts, ML-DSA rnd) */
		sign_with(x, &s1);
		sign_with(y, &s2);
		assert_int_equal(s1.len, s2.len);
		assert_memory_equal(s1.ptr, s2.ptr, s1.len);
		fsim_blob_reset(&s1);
		fsim_blob_reset(&s2);
		if (i == 0) {
			assert_true(y->hmac_secret);
			assert_memory_equal(y->cred_random_uv, x->cred_random_uv, 32);
			assert_memory_equal(y->cred_random_nouv, x->cred_random_nouv, 32);
			assert_true(fsim_blob_eq(&y->cred_blob, (const uint8_t *)"blob", 4));
		} else
			assert_false(y->hmac_secret);
	}
	/* the import's own export is the same passkeys again (re-exportable: counters 0) */
	free_text(text, len);
	export_text(b, &env, NULL, &text, &len, &rep);
	assert_int_equal(rep.exported, sizeof(algs) / sizeof(algs[0]));
	free_text(text, len);
	fsim_store_free(&a);
	fsim_store_free(&b);
	fsim_env_free(&env);
}

static void
test_counted_left_out_and_rp_filter(void **state)
{
	const char *only[] = { "b.example" };
	fsim_cxf_export_opts_t o;
	fsim_cxf_export_report_t rep;
	fsim_env_t env;
	fsim_store_t *s = NULL;
	fsim_cred_t c;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(fsim_env_seeded(&env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &env, &s, NULL), 0);
	make_cred(&env, &c, FSIM_COSE_ES256, 1, "a.example", 0, false);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fsim_cred_reset(&c);
	make_cred(&env, &c, FSIM_COSE_ES256, 2, "a.example", 7, false);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fsim_cred_reset(&c);
	make_cred(&env, &c, FSIM_COSE_EDDSA, 3, "b.example", 0, false);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fsim_cred_reset(&c);
	memset(&o, 0, sizeof(o));
	export_text(s, &env, &o, &text, &len, &rep);
	assert_int_equal(rep.exported, 2);
	assert_int_equal(rep.excluded, 1);
	assert_int_equal(rep.first[0].sign_count, 7);
	assert_string_equal(rep.first[0].rp_id, "a.example");
	free_text(text, len);
	o.include_counted = true;
	export_text(s, &env, &o, &text, &len, &rep);
	assert_int_equal(rep.exported, 3);
	assert_int_equal(rep.excluded, 0);
	free_text(text, len);
	o.include_counted = false;
	o.rp_ids = only;
	o.n_rp_ids = 1;
	o.exporter_rp_id = "exporter.example";
	export_text(s, &env, &o, &text, &len, &rep);
	assert_int_equal(rep.exported, 1);
	assert_non_null(strstr(text, "\"b.example\""));
	assert_null(strstr(text, "\"a.example\""));
	assert_non_null(strstr(text, "\"exporter.example\""));
	free_text(text, len);
	fsim_store_free(&s);
	fsim_env_free(&env);
}

/* A document of two passkeys and a login; the second passkey's id is given. */
static char *
two_passkeys(const fsim_env_t *env, uint8_t second)
{
	fsim_store_t *s = NULL;
	fsim_cred_t c;
	char *text = NULL, *out;
	size_t len = 0;
	json_t *j, *items;

	assert_int_equal(fsim_store_open(":memory:", env, &s, NULL), 0);
	make_cred(env, &c, FSIM_COSE_ES256, 0x41, "example.org", 0, false);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fsim_cred_reset(&c);
	make_cred(env, &c, FSIM_COSE_ES256, second, "example.org", 0, false);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fsim_cred_reset(&c);
	export_text(s, env, NULL, &text, &len, NULL);
	fsim_store_free(&s);
	j = json_loads(text, 0, NULL);
	free_text(text, len);
	items = json_object_get(json_array_get(json_object_get(j, "accounts"), 0), "items");
	assert_int_equal(json_array_append_new(items, json_pack("{s:s, s:s, s:[{s:s, s:{s:s, "
	    "s:s}}]}", "id", "bG9naW4", "title", "a login", "credentials", "type", "basic-auth",
	    "username", "fieldType", "string", "value", "alice")), 0);
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return out;
}

static void
test_import_refused_changes_nothing(void **state)
{
	char dir[] = "/tmp/fsim-cxf-XXXXXX", path[64];
	fsim_cxf_import_opts_t io = { false, false, NULL };
	fsim_cxf_import_report_t rep;
	fsim_env_t env;
	fsim_store_t *s = NULL;
	fsim_cred_t c;
	fsim_diags_t d;
	char *doc;
	json_t *j;

	(void)state;
	assert_int_equal(fsim_env_seeded(&env, seed, sizeof(seed)), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store", dir);
	/* the store already holds the credential with id byte 0x42 */
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), 0);
	make_cred(&env, &c, FSIM_COSE_ES256, 0x42, "example.org", 3, false);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fsim_cred_reset(&c);
	assert_int_equal(fsim_store_save(s), 0);
	fsim_store_free(&s);

	/* passkey 0x41 is new, 0x42 is not: nothing at all is imported */
	doc = two_passkeys(&env, 0x42);
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), 0);
	fsim_diags_init(&d);
	assert_int_equal(fsim_cxf_import(s, &env, (const uint8_t *)doc, strlen(doc), &io, &rep,
	    &d), FSIM_ERR_FORMAT);
	assert_true(fsim_diags_has(&d, "CXF-18"));
	fsim_diags_clear(&d);
	fsim_store_free(&s);
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), 0);
	assert_int_equal(fsim_store_cred_count(s), 1);
	assert_null(fsim_store_get_blob(s, FSIM_CXF_KEPT_BLOB));
	assert_null(fsim_store_get_blob(s, FSIM_CXF_IMPORTED_BLOB));
	fsim_store_free(&s);
	free(doc);

	/* a document with an error: nothing either */
	doc = two_passkeys(&env, 0x43);
	j = json_loads(doc, 0, NULL);
	free(doc);
	json_object_set_new(j, "timestamp", json_string("now"));
	doc = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), 0);
	fsim_diags_init(&d);
	assert_int_equal(fsim_cxf_import(s, &env, (const uint8_t *)doc, strlen(doc), &io, &rep,
	    &d), FSIM_ERR_FORMAT);
	assert_true(fsim_diags_has(&d, "CXF-03"));
	fsim_diags_clear(&d);
	fsim_store_free(&s);
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), 0);
	assert_int_equal(fsim_store_cred_count(s), 1);
	fsim_store_free(&s);
	free(doc);

	/* a good one: both passkeys, the login kept, the blob appended on a second import */
	doc = two_passkeys(&env, 0x44);
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), 0);
	assert_int_equal(fsim_cxf_import(s, &env, (const uint8_t *)doc, strlen(doc), &io, &rep,
	    NULL), 0);
	assert_int_equal(rep.imported, 2);
	assert_int_equal(rep.kept, 1);
	fsim_store_free(&s);
	free(doc);
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), 0);
	assert_int_equal(fsim_store_cred_count(s), 3);
	{
		const fsim_blob_t *k = fsim_store_get_blob(s, FSIM_CXF_KEPT_BLOB);
		json_t *arr;

		assert_non_null(k);
		arr = json_loadb((const char *)k->ptr, k->len, 0, NULL);
		assert_true(json_is_array(arr));
		assert_int_equal(json_array_size(arr), 1);
		assert_string_equal(json_string_value(json_object_get(json_object_get(
		    json_array_get(arr, 0), "credential"), "type")), "basic-auth");
		assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0),
		    "exporterRpId")), FSIM_CXF_EXPORTER_RP_ID);
		json_decref(arr);
		assert_int_equal(fsim_store_get_blob(s, FSIM_CXF_IMPORTED_BLOB)->len, 64);
	}
	fsim_store_free(&s);
	unlink(path);
	{
		char p2[80];

		snprintf(p2, sizeof(p2), "%s-wal", path);
		unlink(p2);
		snprintf(p2, sizeof(p2), "%s-shm", path);
		unlink(p2);
	}
	rmdir(dir);
	fsim_env_free(&env);
}

/* Through the authenticator: the imported passkey's counter stays 0, or counts under the quirk. */
static void
counters_after_move(bool quirk, fsim_counter_t mode, uint32_t want1, uint32_t want2)
{
	fsim_authn_config_t a, b;
	fsim_pipe_rp_t rp;
	fsim_pipe_result_t res;
	fsim_cxf_export_report_t rep;
	fsim_pipe_t *p = NULL;

	fsim_authn_config_init(&a);
	a.be = a.bs = true;
	a.counter = FSIM_COUNTER_ZERO;
	b = a;
	b.counter = mode;
	if (quirk)
		b.quirks = 1u << FSIM_QUIRK_CXF_COUNTER_INCREMENTS;
	memset(&rp, 0, sizeof(rp));
	memset(&res, 0, sizeof(res));
	assert_int_equal(fsim_pipe_new(&a, NULL, seed, sizeof(seed), &p), 0);
	assert_int_equal(fsim_pipe_register(p, &rp, &res), 0);
	fsim_pipe_result_reset(&res);
	assert_int_equal(fsim_pipe_cxf_move(p, &b, false, &rep, NULL), 0);
	assert_int_equal(rep.exported, 1);
	assert_int_equal(fsim_pipe_authenticate(p, &rp, &res), 0);
	assert_true(res.emitted.ok);
	assert_int_equal(res.emitted.sign_count, want1);
	fsim_pipe_result_reset(&res);
	assert_int_equal(fsim_pipe_authenticate(p, &rp, &res), 0);
	assert_int_equal(res.emitted.sign_count, want2);
	fsim_pipe_result_reset(&res);
	/* the exporter kept its copy, which signs too (at 0) */
	assert_int_equal(fsim_pipe_swap_provider(p), 0);
	assert_int_equal(fsim_pipe_authenticate(p, &rp, &res), 0);
	assert_true(res.emitted.ok);
	assert_int_equal(res.emitted.sign_count, 0);
	fsim_pipe_result_reset(&res);
	fsim_pipe_free(&p);
}

static void
test_imported_counter_stays_zero(void **state)
{
	(void)state;
	counters_after_move(false, FSIM_COUNTER_PER_CREDENTIAL, 0, 0);
	counters_after_move(false, FSIM_COUNTER_GLOBAL, 0, 0);
	counters_after_move(true, FSIM_COUNTER_PER_CREDENTIAL, 1, 2);
}

static void
test_pipe_without_move(void **state)
{
	fsim_authn_config_t a;
	fsim_pipe_t *p = NULL;

	(void)state;
	fsim_authn_config_init(&a);
	assert_int_equal(fsim_pipe_new(&a, NULL, seed, sizeof(seed), &p), 0);
	assert_int_equal(fsim_pipe_swap_provider(p), FSIM_ERR_NOT_FOUND);
	fsim_pipe_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_alg_round_trips),
		cmocka_unit_test(test_counted_left_out_and_rp_filter),
		cmocka_unit_test(test_import_refused_changes_nothing),
		cmocka_unit_test(test_imported_counter_stays_zero),
		cmocka_unit_test(test_pipe_without_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
