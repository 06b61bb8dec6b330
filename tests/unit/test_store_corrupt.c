/*
 * test_store_corrupt.c — stores that must not load: an empty file, JSON
 * (the format of earlier versions, imported on first open) cut at several
 * points, wrong types, bad base64url, wrong lengths, values out of range,
 * unknown and missing members, duplicates, a newer version; and databases
 * that are not ours, of a newer version, or damaged. Each fails with
 * FSIM_ERR_FORMAT and STORE-01 on the right field, and the file is left
 * byte-identical (same inode, same mtime, nothing added beside it). The
 * JSON variants are made from a valid store's export with jansson.
 */
#include "store_fixture.h"

#include <jansson.h>
#include <sqlite3.h>

#include "core/b64.h"

/* A valid store text with one of everything. */
static void
valid_text(fsim_blob_t *out)
{
	fsim_store_t *s = NULL;
	fsim_cred_t c;
	uint8_t h[32];
	char *tmpdir, path[128];

	snprintf(path, sizeof(path), "/tmp/fsim-store-XXXXXX");
	assert_non_null(tmpdir = mkdtemp(path));
	strcat(path, "/s");
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), 0);
	assert_int_equal(fsim_store_set_blob(s, "ca", (const uint8_t *)"abc", 3), 0);
	make_cred(&c, 1, "example.com", user1, sizeof(user1), true, 100);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fill(h, 32, 5);
	assert_int_equal(fsim_store_set_id_counter(s, h, 3), 0);
	assert_int_equal(fsim_store_save(s), 0);
	{
		char *text = NULL;
		size_t len = 0;

		assert_int_equal(fsim_store_export_json(s, &text, &len), 0);
		out->ptr = (uint8_t *)text;
		out->len = len;
	}
	fsim_store_free(&s);
	fsim_cred_reset(&c);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

/*
 * Write text as the store, open it: FSIM_ERR_FORMAT, a STORE-01 naming
 * `field` (when given), and the file byte-identical with nothing added.
 */
static void
expect_refused(const fx_t *f, const void *text, size_t len, const char *field)
{
	fsim_store_t *s = NULL;
	fsim_blob_t after = { 0 };
	fsim_diags_t d;
	struct stat st1, st2;
	size_t i;
	bool seen = false;

	fsim_diags_init(&d);
	write_bytes(f->path, text, len);
	assert_int_equal(chmod(f->path, 0600), 0);
	assert_int_equal(stat(f->path, &st1), 0);
	assert_int_equal(fsim_store_open(f->path, &env, &s, &d), FSIM_ERR_FORMAT);
	assert_null(s);
	assert_true(fsim_diags_has(&d, "STORE-01"));
	for (i = 0; i < d.n; i++) {
		assert_string_equal(d.v[i].rule, "STORE-01");
		assert_true(d.v[i].msg[0] != '\0');
		if (field != NULL && strcmp(d.v[i].field, field) == 0)
			seen = true;
	}
	if (field != NULL && !seen) {
		for (i = 0; i < d.n; i++)
			print_error("diag: %s: %s\n", d.v[i].field, d.v[i].msg);
		fail_msg("no STORE-01 on field %s", field);
	}
	read_bytes(f->path, &after);
	assert_true(fsim_blob_eq(&after, text, len));
	assert_int_equal(stat(f->path, &st2), 0);
	assert_true(st1.st_ino == st2.st_ino);
	assert_true(st1.st_mtime == st2.st_mtime);
	assert_int_equal(dir_entries(f->dir), 1);
	fsim_blob_reset(&after);
	fsim_diags_clear(&d);
}

/* base64url of n zero bytes as a JSON string. */
static json_t *
b64_zeros(size_t n)
{
	uint8_t *z = calloc(1, n + 1);
	char *t = NULL;
	json_t *j;

	assert_non_null(z);
	assert_int_equal(fsim_b64url_encode(z, n, &t), 0);
	j = json_string(t);
	free(t);
	free(z);
	return j;
}

/* Apply a change to the valid store's JSON and expect it refused on `field`. */
static void
expect_mutation_refused(const fx_t *f, const fsim_blob_t *valid,
    const char *path, json_t *value, const char *field)
{
	json_t *root, *obj;
	char *text, buf[128], *tok, *save = NULL;
	json_error_t err;

	root = json_loadb((const char *)valid->ptr, valid->len, 0, &err);
	assert_non_null(root);
	/* path: "a.b" or "credentials.0.b" */
	snprintf(buf, sizeof(buf), "%s", path);
	obj = root;
	tok = strtok_r(buf, ".", &save);
	for (;;) {
		char *next = strtok_r(NULL, ".", &save);

		if (next == NULL)
			break;
		if (json_is_array(obj))
			obj = json_array_get(obj, (size_t)atoi(tok));
		else
			obj = json_object_get(obj, tok);
		assert_non_null(obj);
		tok = next;
	}
	if (value == NULL)
		assert_int_equal(json_object_del(obj, tok), 0);
	else if (json_is_array(obj))
		assert_int_equal(json_array_set_new(obj, (size_t)atoi(tok), value), 0);
	else
		assert_int_equal(json_object_set_new(obj, tok, value), 0);
	text = json_dumps(root, 0);
	assert_non_null(text);
	expect_refused(f, text, strlen(text), field);
	free(text);
	json_decref(root);
}

static void
test_corrupt_inputs(void **state)
{
	fx_t *f = *state;
	fsim_blob_t v = { 0 };
	fsim_store_t *s = NULL;
	size_t cuts[8], i;
	char *dup, *hex = NULL, key[128];
	uint8_t h[32];

	valid_text(&v);
	/* the valid text itself loads (imported: a database, the JSON kept beside it) */
	write_bytes(f->path, v.ptr, v.len);
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	fsim_store_free(&s);
	{
		char bak[160];

		snprintf(bak, sizeof(bak), "%s.json-backup", f->path);
		assert_int_equal(dir_entries(f->dir), 2);
		assert_int_equal(unlink(bak), 0);
		assert_int_equal(unlink(f->path), 0);
	}

	/* empty file, truncations at several points */
	expect_refused(f, "", 0, "");
	cuts[0] = 1;
	cuts[1] = 10;
	cuts[2] = v.len / 4;
	cuts[3] = v.len / 3;
	cuts[4] = v.len / 2;
	cuts[5] = v.len * 3 / 4;
	cuts[6] = v.len - 3;
	cuts[7] = v.len - 2;    /* the closing "}\n" gone */
	for (i = 0; i < 8; i++)
		expect_refused(f, v.ptr, cuts[i], NULL);
	/* not JSON, not an object, NUL byte, two values, duplicate member */
	expect_refused(f, "garbage", 7, "");
	expect_refused(f, "[]", 2, "");
	expect_refused(f, "\0\0\0\0", 4, NULL);
	expect_refused(f, "{} {}", 5, NULL);
	dup = malloc(v.len + 40);
	assert_non_null(dup);
	memcpy(dup, "{\"seq\": 1, ", 11);
	memcpy(dup + 11, v.ptr + 1, v.len - 1);
	expect_refused(f, dup, v.len + 10, "");
	free(dup);

	/* header */
	expect_mutation_refused(f, &v, "format", json_string("other"), "format");
	expect_mutation_refused(f, &v, "format", NULL, "format");
	expect_mutation_refused(f, &v, "version", json_integer(2), "version");
	expect_mutation_refused(f, &v, "version", json_integer(0), "version");
	expect_mutation_refused(f, &v, "version", json_string("1"), "version");
	expect_mutation_refused(f, &v, "version", json_real(1.0), "version");
	/* top level */
	expect_mutation_refused(f, &v, "wrapKey", json_string("AAAA"), "wrapKey");
	expect_mutation_refused(f, &v, "wrapKey",
	    json_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), "wrapKey");
	expect_mutation_refused(f, &v, "wrapKey",
	    json_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+"), "wrapKey");
	expect_mutation_refused(f, &v, "wrapKey", json_integer(5), "wrapKey");
	expect_mutation_refused(f, &v, "wrapKey", NULL, "wrapKey");
	expect_mutation_refused(f, &v, "globalCounter", json_integer(INT64_C(4294967296)),
	    "globalCounter");
	expect_mutation_refused(f, &v, "globalCounter", json_integer(-1), "globalCounter");
	expect_mutation_refused(f, &v, "globalCounter", json_true(), "globalCounter");
	expect_mutation_refused(f, &v, "seq", json_string("1"), "seq");
	expect_mutation_refused(f, &v, "seq", json_integer(0), "credentials[0].seq");
	expect_mutation_refused(f, &v, "extra", json_integer(0), "extra");
	expect_mutation_refused(f, &v, "blobs", json_array(), "blobs");
	expect_mutation_refused(f, &v, "blobs.ca", json_string("A"), "blobs.ca");
	expect_mutation_refused(f, &v, "blobs.ca", json_null(), "blobs.ca");
	expect_mutation_refused(f, &v, "blobs.a b", json_string(""), "blobs.a b");
	expect_mutation_refused(f, &v, "credentials", json_object(), "credentials");
	expect_mutation_refused(f, &v, "credentials.0", json_string("x"), "credentials[0]");
	expect_mutation_refused(f, &v, "idCounters", json_array(), "idCounters");
	expect_mutation_refused(f, &v, "idCounters.ABCD", json_integer(1),
	    "idCounters.ABCD");
	/* the stored key (fill(h, 32, 5) in valid_text) */
	fill(h, 32, 5);
	assert_int_equal(fsim_hex_encode(h, 32, &hex), 0);
	snprintf(key, sizeof(key), "idCounters.%s", hex);
	expect_mutation_refused(f, &v, key, json_integer(INT64_C(4294967296)), key);
	expect_mutation_refused(f, &v, key, json_string("1"), key);
	for (i = 0; hex[i] != '\0'; i++)
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	snprintf(key, sizeof(key), "idCounters.%s", hex);
	expect_mutation_refused(f, &v, key, json_integer(1), key);     /* uppercase */
	free(hex);
	/* credential members */
	expect_mutation_refused(f, &v, "credentials.0.id", json_string(""), "credentials[0].id");
	expect_mutation_refused(f, &v, "credentials.0.id", json_string("A*"), "credentials[0].id");
	expect_mutation_refused(f, &v, "credentials.0.id", NULL, "credentials[0].id");
	expect_mutation_refused(f, &v, "credentials.0.rpId", json_string(""), "credentials[0].rpId");
	expect_mutation_refused(f, &v, "credentials.0.rpId", json_null(), "credentials[0].rpId");
	expect_mutation_refused(f, &v, "credentials.0.userId", b64_zeros(65),
	    "credentials[0].userId");
	expect_mutation_refused(f, &v, "credentials.0.userName", json_integer(1),
	    "credentials[0].userName");
	expect_mutation_refused(f, &v, "credentials.0.userDisplayName", NULL,
	    "credentials[0].userDisplayName");
	expect_mutation_refused(f, &v, "credentials.0.alg", json_integer(0), "credentials[0].alg");
	expect_mutation_refused(f, &v, "credentials.0.alg", json_string("-7"), "credentials[0].alg");
	expect_mutation_refused(f, &v, "credentials.0.alg", json_integer(INT64_C(1) << 40),
	    "credentials[0].alg");
	expect_mutation_refused(f, &v, "credentials.0.privateKey", json_string(""),
	    "credentials[0].privateKey");
	expect_mutation_refused(f, &v, "credentials.0.discoverable", json_integer(1),
	    "credentials[0].discoverable");
	expect_mutation_refused(f, &v, "credentials.0.signCount", json_integer(INT64_C(4294967296)),
	    "credentials[0].signCount");
	expect_mutation_refused(f, &v, "credentials.0.signCount", json_real(1.5),
	    "credentials[0].signCount");
	expect_mutation_refused(f, &v, "credentials.0.be", json_string("true"), "credentials[0].be");
	expect_mutation_refused(f, &v, "credentials.0.bs", json_null(), "credentials[0].bs");
	expect_mutation_refused(f, &v, "credentials.0.credProtect", json_integer(4),
	    "credentials[0].credProtect");
	expect_mutation_refused(f, &v, "credentials.0.credBlob", json_integer(0),
	    "credentials[0].credBlob");
	expect_mutation_refused(f, &v, "credentials.0.hmacSecret", json_integer(0),
	    "credentials[0].hmacSecret");
	expect_mutation_refused(f, &v, "credentials.0.credRandomUv", b64_zeros(33),
	    "credentials[0].credRandomUv");
	expect_mutation_refused(f, &v, "credentials.0.credRandomNoUv", b64_zeros(31),
	    "credentials[0].credRandomNoUv");
	expect_mutation_refused(f, &v, "credentials.0.credBlob",
	    b64_zeros(FSIM_STORE_MAX_CRED_BLOB_LEN + 1), "credentials[0].credBlob");
	expect_mutation_refused(f, &v, "wrapKey", b64_zeros(33), "wrapKey");
	expect_mutation_refused(f, &v, "credentials.0.created", json_integer(-1),
	    "credentials[0].created");
	expect_mutation_refused(f, &v, "credentials.0.seq", json_integer(2), "credentials[0].seq");
	expect_mutation_refused(f, &v, "credentials.0.surprise", json_true(),
	    "credentials[0].surprise");
	fsim_blob_reset(&v);
}

/* The same credential twice, and a problem in the second of two. */
static void
test_corrupt_cross_checks(void **state)
{
	fx_t *f = *state;
	fsim_blob_t v = { 0 };
	json_t *root, *creds, *c2;
	json_error_t err;
	char *text;

	valid_text(&v);
	root = json_loadb((const char *)v.ptr, v.len, 0, &err);
	assert_non_null(root);
	creds = json_object_get(root, "credentials");
	c2 = json_deep_copy(json_array_get(creds, 0));
	assert_int_equal(json_array_append_new(creds, c2), 0);
	text = json_dumps(root, 0);
	expect_refused(f, text, strlen(text), "credentials[1].id");
	free(text);
	/* different ID, bad member: the path names index 1 */
	assert_int_equal(json_object_set_new(c2, "id", json_string("AQID")), 0);
	assert_int_equal(json_object_set_new(c2, "credProtect", json_integer(9)), 0);
	text = json_dumps(root, 0);
	expect_refused(f, text, strlen(text), "credentials[1].credProtect");
	free(text);
	/* invalid UTF-8 is refused by the JSON reader */
	{
		static const char bad_utf8[] = "{\"format\": \"fidosim-store\xff\"}";

		expect_refused(f, bad_utf8, sizeof(bad_utf8) - 1, "");
	}
	json_decref(root);
	fsim_blob_reset(&v);
}

/* Another fidosim's newer store: the message says so. */
static void
test_future_version_message(void **state)
{
	fx_t *f = *state;
	const char *text = "{\"format\": \"fidosim-store\", \"version\": 7, \"newThing\": []}";
	fsim_store_t *s = NULL;
	fsim_diags_t d;
	const fsim_diag_t *e;

	fsim_diags_init(&d);
	write_bytes(f->path, text, strlen(text));
	assert_int_equal(fsim_store_open(f->path, &env, &s, &d), FSIM_ERR_FORMAT);
	e = fsim_diags_first(&d, FSIM_SEV_ERROR);
	assert_non_null(e);
	assert_string_equal(e->rule, "STORE-01");
	assert_string_equal(e->field, "version");
	assert_non_null(strstr(e->msg, "newer"));
	assert_non_null(strstr(e->msg, "7"));
	/* only the version is reported, not the unknown members */
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 2);
	assert_string_equal(d.v[1].field, f->path);
	fsim_diags_clear(&d);
	expect_refused(f, text, strlen(text), "version");
}

/* Run SQL on the database at path (not through the store). */
static void
sql(const char *path, const char *q)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Open the file at path: FSIM_ERR_FORMAT, STORE-01, the file byte-identical. */
static void
expect_db_refused(const fx_t *f, const char *what)
{
	fsim_store_t *s = NULL;
	fsim_blob_t before = { 0 }, after = { 0 };
	fsim_diags_t d;
	const fsim_diag_t *e;

	fsim_diags_init(&d);
	read_bytes(f->path, &before);
	assert_int_equal(fsim_store_open(f->path, &env, &s, &d), FSIM_ERR_FORMAT);
	assert_null(s);
	e = fsim_diags_first(&d, FSIM_SEV_ERROR);
	assert_non_null(e);
	assert_string_equal(e->rule, "STORE-01");
	if (strstr(e->msg, what) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", e->msg, what);
	read_bytes(f->path, &after);
	assert_true(fsim_blob_eq(&after, before.ptr, before.len));
	assert_int_equal(dir_entries(f->dir), 1);
	fsim_blob_reset(&before);
	fsim_blob_reset(&after);
	fsim_diags_clear(&d);
}

static void
test_corrupt_databases(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	fsim_cred_t c;
	uint8_t junk[4096];

	/* someone else's SQLite database */
	sql(f->path, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
	expect_db_refused(f, "not a fidosim store");
	assert_int_equal(unlink(f->path), 0);
	/* a store of a newer version */
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	fsim_store_free(&s);
	sql(f->path, "PRAGMA user_version = 9");
	expect_db_refused(f, "newer");
	assert_int_equal(unlink(f->path), 0);
	/* the SQLite header, then garbage */
	memset(junk, 0x5a, sizeof(junk));
	memcpy(junk, "SQLite format 3", 16);
	write_bytes(f->path, junk, sizeof(junk));
	expect_db_refused(f, "cannot open the store");
	assert_int_equal(unlink(f->path), 0);
	/* a row that breaks the field rules: the operation fails, nothing is written */
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	make_cred(&c, 1, "example.com", user1, sizeof(user1), true, 100);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	assert_int_equal(fsim_store_save(s), 0);
	fsim_store_free(&s);
	sql(f->path, "UPDATE credentials SET sign_count = 'many'");
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	assert_null(fsim_store_find_cred(s, c.id.ptr, c.id.len));
	fsim_store_set_global_counter(s, 5);
	assert_int_equal(fsim_store_save(s), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_store_global_counter(s), 0);      /* the 5 was not kept */
	fsim_store_free(&s);
	sql(f->path, "UPDATE credentials SET sign_count = 1, cred_random_uv = x'00'");
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	assert_int_equal(fsim_store_cred_count(s), 0);
	assert_int_not_equal(fsim_store_save(s), 0);
	fsim_store_free(&s);
	/* the state row gone: refused at open */
	sql(f->path, "DELETE FROM state");
	expect_db_refused(f, "state");
	fsim_cred_reset(&c);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_corrupt_inputs),
		T(test_corrupt_cross_checks),
		T(test_future_version_message),
		T(test_corrupt_databases),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
