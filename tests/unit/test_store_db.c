/*
 * test_store_db.c — the store as a database shared by processes
 * (authenticator/store.h, store_db.c): one transaction per operation
 * (rollback forgets, commit keeps), no state cached from one operation to
 * the next (a second handle sees the first one's commit), counters advanced
 * by parallel processes never lost or repeated, creating one new store from
 * many processes at once (one wrapping key), and the import of a JSON store
 * of earlier versions (once, the JSON kept byte for byte as the backup).
 * The CLI over the same is tests/integration/store_concurrent.sh.
 */
#include "store_fixture.h"

#include <signal.h>
#include <sys/wait.h>

static void
test_rollback(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	fsim_cred_t c;

	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	make_cred(&c, 1, "example.com", user1, sizeof(user1), true, 1);
	assert_int_equal(fsim_store_begin(s), 0);
	fsim_store_set_global_counter(s, 7);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	assert_non_null(fsim_store_find_cred(s, c.id.ptr, c.id.len));
	fsim_store_rollback(s);
	/* forgotten: the next operation reads the database again */
	assert_int_equal(fsim_store_global_counter(s), 0);
	assert_null(fsim_store_find_cred(s, c.id.ptr, c.id.len));
	fsim_store_rollback(s);
	/* committed: kept */
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fsim_store_find_cred(s, c.id.ptr, c.id.len)->sign_count = 41;
	assert_int_equal(fsim_store_save(s), 0);
	fsim_store_free(&s);
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	assert_int_equal(fsim_store_find_cred(s, c.id.ptr, c.id.len)->sign_count, 41);
	fsim_store_free(&s);
	fsim_cred_reset(&c);
}

/* Two handles on one store: each operation sees what the other committed. */
static void
test_no_cache_between_operations(void **state)
{
	fx_t *f = *state;
	fsim_store_t *a = NULL, *b = NULL;
	fsim_cred_t c, *p;
	int i;

	assert_int_equal(fsim_store_open(f->path, &env, &a, NULL), FSIM_OK);
	assert_int_equal(fsim_store_open(f->path, &env, &b, NULL), FSIM_OK);
	assert_memory_equal(fsim_store_wrap_key(a), fsim_store_wrap_key(b), 32);
	fsim_store_rollback(a);
	fsim_store_rollback(b);
	make_cred(&c, 3, "example.com", user1, sizeof(user1), true, 1);
	c.sign_count = 0;
	assert_int_equal(fsim_store_add_cred(a, &c), 0);
	assert_int_equal(fsim_store_save(a), 0);
	/* the counter advanced by each handle in turn: never back, never twice */
	for (i = 1; i <= 10; i++) {
		fsim_store_t *h = i % 2 ? a : b;

		assert_int_equal(fsim_store_begin(h), 0);
		assert_non_null(p = fsim_store_find_cred(h, c.id.ptr, c.id.len));
		assert_int_equal(p->sign_count, (uint32_t)(i - 1));
		p->sign_count++;
		assert_int_equal(fsim_store_save(h), 0);
	}
	/* a deletion through one is seen by the other */
	assert_int_equal(fsim_store_delete_cred(b, c.id.ptr, c.id.len), 0);
	assert_int_equal(fsim_store_save(b), 0);
	assert_null(fsim_store_find_cred(a, c.id.ptr, c.id.len));
	fsim_store_rollback(a);
	fsim_store_free(&a);
	fsim_store_free(&b);
	fsim_cred_reset(&c);
}

#define PROCS 4
#define ROUNDS 50

/* PROCS processes advance the global counter ROUNDS times each, at once. */
static void
test_parallel_increments(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	pid_t pids[PROCS];
	int i, k, status;

	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	fsim_store_free(&s);
	for (i = 0; i < PROCS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			fsim_store_t *c = NULL;
			int bad = 0;

			if (fsim_store_open(f->path, &env, &c, NULL) != 0)
				_exit(1);
			for (k = 0; k < ROUNDS; k++) {
				if (fsim_store_begin(c) != 0)
					bad++;
				fsim_store_set_global_counter(c, fsim_store_global_counter(c) + 1);
				if (fsim_store_save(c) != 0)
					bad++;
			}
			fsim_store_free(&c);
			_exit(bad ? 1 : 0);
		}
	}
	for (i = 0; i < PROCS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	assert_int_equal(fsim_store_global_counter(s), PROCS * ROUNDS);
	fsim_store_free(&s);
}

/* PROCS processes make one new store at once: they all end with one wrapping key. */
static void
test_parallel_creation(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	uint8_t keys[PROCS][32], mine[32];
	int fds[PROCS][2], i, status;
	pid_t pids[PROCS];
	char path[160];

	snprintf(path, sizeof(path), "%s/sub/store", f->dir);
	for (i = 0; i < PROCS; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			uint64_t seed = 0x1234u + (uint64_t)i;
			fsim_env_t e = { test_random, NULL, NULL, NULL, false, &seed, NULL };
			fsim_store_t *c = NULL;

			if (fsim_store_open(path, &e, &c, NULL) != 0 ||
			    write(fds[i][1], fsim_store_wrap_key(c), 32) != 32)
				_exit(1);
			fsim_store_free(&c);
			_exit(0);
		}
		close(fds[i][1]);
	}
	for (i = 0; i < PROCS; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_int_equal(read(fds[i][0], keys[i], 32), 32);
		close(fds[i][0]);
	}
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), FSIM_OK);
	memcpy(mine, fsim_store_wrap_key(s), 32);
	fsim_store_free(&s);
	for (i = 0; i < PROCS; i++)
		assert_memory_equal(keys[i], mine, 32);
	/* no temporary left behind */
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	assert_int_equal(dir_entries(path), 1);
	snprintf(path, sizeof(path), "%s/sub/store", f->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	rmdir(path);
}

static void
test_import_json(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	fsim_cred_t c;
	fsim_blob_t json = { 0 }, bak = { 0 };
	char *text = NULL, *again = NULL, path[160], bpath[180];
	size_t len = 0, len2 = 0;
	uint8_t h[32];

	/* a store, exported: the JSON an earlier version kept on disk */
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	make_cred(&c, 9, "example.com", user2, sizeof(user2), true, 5);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fill(h, 32, 4);
	assert_int_equal(fsim_store_set_id_counter(s, h, 12), 0);
	assert_int_equal(fsim_store_set_blob(s, "ca.root.cert", h, 32), 0);
	fsim_store_set_global_counter(s, 3);
	assert_int_equal(fsim_store_save(s), 0);
	assert_int_equal(fsim_store_export_json(s, &text, &len), 0);
	fsim_store_free(&s);
	snprintf(path, sizeof(path), "%s/old", f->dir);
	snprintf(bpath, sizeof(bpath), "%s/old.json-backup", f->dir);
	write_bytes(path, text, len);
	/* opened: imported, the same content, the JSON kept byte for byte */
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), FSIM_OK);
	assert_int_equal(fsim_store_export_json(s, &again, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(text, again, len);
	assert_int_equal(fsim_store_id_counter(s, h), 12);
	assert_int_equal(fsim_store_global_counter(s), 3);
	fsim_store_free(&s);
	read_bytes(bpath, &bak);
	assert_true(fsim_blob_eq(&bak, (const uint8_t *)text, len));
	read_bytes(path, &json);
	assert_memory_equal(json.ptr, "SQLite format 3", 16);
	assert_int_equal(file_mode(path), 0600);
	/* opened again: not imported again */
	assert_int_equal(fsim_store_open(path, &env, &s, NULL), FSIM_OK);
	fsim_store_free(&s);
	assert_int_equal(dir_entries(f->dir), 3);   /* store, old, old.json-backup */
	fsim_wipe(text, len);
	fsim_wipe(again, len2);
	free(text);
	free(again);
	fsim_blob_reset(&json);
	fsim_blob_reset(&bak);
	fsim_cred_reset(&c);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_rollback),
		T(test_no_cache_between_operations),
		T(test_parallel_increments),
		T(test_parallel_creation),
		T(test_import_json),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
