/*
 * test_store.c — the authenticator store (authenticator/store.h): every
 * field through a save and a load, ":memory:", default paths, the files on
 * disk (mode 0600 with the -wal and -shm files, folders 0700, nothing left
 * behind), stale temporaries, RP enumeration order, delete_user, ID
 * counters, blobs, reset. Corrupt files are in test_store_corrupt.c,
 * transactions, concurrency and JSON import in test_store_db.c. All files
 * live in a fresh mkdtemp folder.
 */
#include "store_fixture.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

/* ---- round trip ---- */

static void
test_roundtrip_every_field(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL, *t = NULL;
	fsim_cred_t c[3], *got;
	fsim_blob_t first = { 0 }, second = { 0 };
	uint8_t wk[32], h[32], bin[300];
	size_t i;

	fill(bin, sizeof(bin), 0x80);
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	/* a fresh store is written at once, mode 0600 */
	assert_int_equal(file_mode(f->path), 0600);
	assert_string_equal(fsim_store_path(s), f->path);
	memcpy(wk, fsim_store_wrap_key(s), 32);
	fsim_store_set_global_counter(s, 0xffffffffu);
	assert_int_equal(fsim_store_set_blob(s, "ca.root.key", bin, sizeof(bin)), 0);
	assert_int_equal(fsim_store_set_blob(s, "empty", NULL, 0), 0);
	assert_int_equal(fsim_store_set_blob(s, "leaf:00ff", bin, 3), 0);
	make_cred(&c[0], 10, "example.com", user1, sizeof(user1), true, 1767225600);
	make_cred(&c[1], 20, "b\xc3\xa4r.example", NULL, 0, false, UINT64_C(9223372036854775807));
	free(c[1].user_name);
	free(c[1].user_display_name);
	c[1].user_name = NULL;
	c[1].user_display_name = fsim_strdup("");
	fsim_blob_reset(&c[1].cred_blob);
	c[1].alg = -257;
	c[1].sign_count = 0;
	c[1].be = false;
	c[1].bs = true;
	c[1].cred_protect = 0;
	c[1].hmac_secret = false;
	make_cred(&c[2], 30, "example.com", user2, sizeof(user2), true, 0);
	c[2].cred_protect = 3;
	for (i = 0; i < 3; i++) {
		assert_int_equal(fsim_store_add_cred(s, &c[i]), 0);
		c[i].seq = i + 1;       /* what the store gives them */
	}
	fill(h, 32, 0xaa);
	assert_int_equal(fsim_store_set_id_counter(s, h, 0xffffffffu), 0);
	fill(h, 32, 0x01);
	assert_int_equal(fsim_store_set_id_counter(s, h, 7), 0);
	assert_int_equal(fsim_store_save(s), 0);
	assert_int_equal(file_mode(f->path), 0600);
	fsim_store_free(&s);
	assert_null(s);

	assert_int_equal(fsim_store_open(f->path, &env, &t, NULL), FSIM_OK);
	assert_memory_equal(fsim_store_wrap_key(t), wk, 32);
	assert_int_equal(fsim_store_global_counter(t), 0xffffffffu);
	assert_non_null(fsim_store_get_blob(t, "ca.root.key"));
	assert_true(fsim_blob_eq(fsim_store_get_blob(t, "ca.root.key"), bin, sizeof(bin)));
	assert_int_equal(fsim_store_get_blob(t, "empty")->len, 0);
	assert_true(fsim_blob_eq(fsim_store_get_blob(t, "leaf:00ff"), bin, 3));
	assert_null(fsim_store_get_blob(t, "absent"));
	assert_int_equal(fsim_store_cred_count(t), 3);
	for (i = 0; i < 3; i++) {
		got = fsim_store_cred_at(t, i);
		assert_non_null(got);
		assert_cred_equal(got, &c[i]);
	}
	assert_null(fsim_store_cred_at(t, 3));
	fill(h, 32, 0xaa);
	assert_int_equal(fsim_store_id_counter(t, h), 0xffffffffu);
	fill(h, 32, 0x01);
	assert_int_equal(fsim_store_id_counter(t, h), 7);
	fill(h, 32, 0x02);
	assert_int_equal(fsim_store_id_counter(t, h), 0);

	/* The export is a function of the content: export(save(load(x))) == export(x). */
	{
		char *t1 = NULL, *t2 = NULL;
		size_t l1 = 0, l2 = 0;

		assert_int_equal(fsim_store_export_json(t, &t1, &l1), 0);
		assert_int_equal(fsim_store_save(t), 0);
		assert_int_equal(fsim_store_export_json(t, &t2, &l2), 0);
		assert_int_equal(l1, l2);
		assert_memory_equal(t1, t2, l1);
		first.ptr = (uint8_t *)t1;
		first.len = l1;
		second.ptr = (uint8_t *)t2;
		second.len = l2;
	}
	/* a new credential continues the sequence */
	fsim_cred_reset(&c[0]);
	make_cred(&c[0], 40, "example.com", user1, sizeof(user1), true, 5);
	assert_int_equal(fsim_store_add_cred(t, &c[0]), 0);
	assert_true(fsim_store_cred_at(t, 3)->seq == 4);

	for (i = 0; i < 3; i++)
		fsim_cred_reset(&c[i]);
	fsim_blob_reset(&first);
	fsim_blob_reset(&second);
	fsim_store_free(&t);
	fsim_store_free(&t);            /* NULL-safe */
	fsim_store_free(NULL);
}

static void
test_memory_store(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	fsim_cred_t c;
	char cwd[512];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	assert_int_equal(fsim_store_open(":memory:", &env, &s, NULL), FSIM_OK);
	assert_string_equal(fsim_store_path(s), ":memory:");
	make_cred(&c, 1, "example.com", user1, sizeof(user1), true, 1);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	assert_int_equal(fsim_store_save(s), 0);
	assert_int_equal(dir_entries(f->dir), 0);       /* nothing on disk */
	assert_int_equal(chdir(cwd), 0);
	fsim_cred_reset(&c);
	fsim_store_free(&s);

	/* without a random source there is no fresh store */
	{
		fsim_env_t bad = env;

		bad.random = test_random_fail;
		assert_int_equal(fsim_store_open(":memory:", &bad, &s, NULL),
		    FSIM_ERR_INTERNAL);
		assert_null(s);
		assert_int_equal(fsim_store_open(":memory:", NULL, &s, NULL),
		    FSIM_ERR_ARG);
	}
}

/* ---- paths ---- */

static void
test_default_path(void **state)
{
	fx_t *f = *state;
	char *p = NULL, *home = fsim_strdup(getenv("HOME")),
	    *xdg = fsim_strdup(getenv("XDG_DATA_HOME")),
	    *fs = fsim_strdup(getenv("FIDOSIM_STORE"));
	char want[256];
	fsim_store_t *s = NULL;

	assert_int_equal(setenv("FIDOSIM_STORE", "/x/explicit", 1), 0);
	assert_int_equal(setenv("XDG_DATA_HOME", "/x/xdg", 1), 0);
	assert_int_equal(setenv("HOME", "/x/home", 1), 0);
	assert_int_equal(fsim_store_default_path(&p), 0);
	assert_string_equal(p, "/x/explicit");
	free(p);
	/* empty counts as unset */
	assert_int_equal(setenv("FIDOSIM_STORE", "", 1), 0);
	assert_int_equal(fsim_store_default_path(&p), 0);
	assert_string_equal(p, "/x/xdg/fidosim/store");
	free(p);
	assert_int_equal(unsetenv("FIDOSIM_STORE"), 0);
	assert_int_equal(fsim_store_default_path(&p), 0);
	assert_string_equal(p, "/x/xdg/fidosim/store");
	free(p);
	/* a relative XDG_DATA_HOME is invalid (XDG Base Directory) */
	assert_int_equal(setenv("XDG_DATA_HOME", "rel/xdg", 1), 0);
	assert_int_equal(fsim_store_default_path(&p), 0);
	assert_string_equal(p, "/x/home/.local/share/fidosim/store");
	free(p);
	assert_int_equal(unsetenv("XDG_DATA_HOME"), 0);
	assert_int_equal(fsim_store_default_path(&p), 0);
	assert_string_equal(p, "/x/home/.local/share/fidosim/store");
	free(p);
	p = NULL;

	/* open(NULL) uses it and makes the missing folders, 0700 */
	assert_int_equal(setenv("HOME", f->dir, 1), 0);
	assert_int_equal(fsim_store_open(NULL, &env, &s, NULL), FSIM_OK);
	snprintf(want, sizeof(want), "%s/.local/share/fidosim/store", f->dir);
	assert_string_equal(fsim_store_path(s), want);
	assert_int_equal(file_mode(want), 0600);
	snprintf(want, sizeof(want), "%s/.local/share/fidosim", f->dir);
	assert_int_equal(file_mode(want), 0700);
	snprintf(want, sizeof(want), "%s/.local", f->dir);
	assert_int_equal(file_mode(want), 0700);
	fsim_store_free(&s);
	snprintf(want, sizeof(want), "%s/xdg", f->dir);
	assert_int_equal(setenv("XDG_DATA_HOME", want, 1), 0);
	assert_int_equal(fsim_store_open(NULL, &env, &s, NULL), FSIM_OK);
	snprintf(want, sizeof(want), "%s/xdg/fidosim/store", f->dir);
	assert_string_equal(fsim_store_path(s), want);
	fsim_store_free(&s);
	snprintf(want, sizeof(want), "%s/env-store", f->dir);
	assert_int_equal(setenv("FIDOSIM_STORE", want, 1), 0);
	assert_int_equal(fsim_store_open(NULL, &env, &s, NULL), FSIM_OK);
	assert_string_equal(fsim_store_path(s), want);
	assert_int_equal(file_mode(want), 0600);
	fsim_store_free(&s);

	if (home != NULL)
		assert_int_equal(setenv("HOME", home, 1), 0);
	else
		assert_int_equal(unsetenv("HOME"), 0);
	if (xdg != NULL)
		assert_int_equal(setenv("XDG_DATA_HOME", xdg, 1), 0);
	else
		assert_int_equal(unsetenv("XDG_DATA_HOME"), 0);
	if (fs != NULL)
		assert_int_equal(setenv("FIDOSIM_STORE", fs, 1), 0);
	else
		assert_int_equal(unsetenv("FIDOSIM_STORE"), 0);
	free(home);
	free(xdg);
	free(fs);
}

/* ---- the files on disk ---- */

static void
test_db_files(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	fsim_diags_t d;
	char p[256];
	mode_t old;

	fsim_diags_init(&d);
	/* a umask that would take the owner's write bit: still 0600 */
	old = umask(0277);
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	umask(old);
	assert_int_equal(file_mode(f->path), 0600);
	/* while the store is in use SQLite keeps -wal and -shm beside it: 0600 too */
	fsim_store_set_global_counter(s, 3);
	assert_int_equal(fsim_store_save(s), 0);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	assert_int_equal(file_mode(p), 0600);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	assert_int_equal(file_mode(p), 0600);
	fsim_store_free(&s);
	/* closed: the store alone, no temporary, no journal left behind */
	assert_int_equal(dir_entries(f->dir), 1);
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	assert_int_equal(fsim_store_global_counter(s), 3);
	fsim_store_free(&s);

	/* a store under a file: cannot be opened */
	snprintf(p, sizeof(p), "%s/afile", f->dir);
	write_bytes(p, "x", 1);
	snprintf(p, sizeof(p), "%s/afile/sub/store", f->dir);
	assert_int_equal(fsim_store_open(p, &env, &s, &d), FSIM_ERR_IO);
	assert_null(s);
	assert_true(fsim_diags_has(&d, "STORE-02"));
	assert_int_equal(dir_entries(f->dir), 2);
	fsim_diags_clear(&d);
	/* a fresh store whose folder is a dangling link: no file */
	snprintf(p, sizeof(p), "%s/link", f->dir);
	assert_int_equal(symlink("/nonexistent-fsim/dir", p), 0);
	snprintf(p, sizeof(p), "%s/link/store", f->dir);
	assert_int_equal(fsim_store_open(p, &env, &s, &d), FSIM_ERR_IO);
	assert_null(s);
	assert_true(fsim_diags_has(&d, "STORE-02"));
	assert_int_equal(dir_entries(f->dir), 3);
	fsim_diags_clear(&d);

	/* a folder in place of the store is an I/O error, not a format one */
	snprintf(p, sizeof(p), "%s/adir", f->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(fsim_store_open(p, &env, &s, &d), FSIM_ERR_IO);
	assert_true(fsim_diags_has(&d, "STORE-02"));
	assert_false(fsim_diags_has(&d, "STORE-01"));
	fsim_diags_clear(&d);
}

static void
test_stale_temporary(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	char t123[160], tdead[160], tlive[160], tother[160];
	struct stat st;
	pid_t pid;
	int status;

	/* a process that has ended */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	snprintf(t123, sizeof(t123), "%s.tmp-123", f->path);
	snprintf(tdead, sizeof(tdead), "%s.tmp-%ld", f->path, (long)pid);
	snprintf(tlive, sizeof(tlive), "%s.tmp-%ld", f->path, (long)getppid());
	snprintf(tother, sizeof(tother), "%s/other.tmp-%ld", f->dir, (long)pid);
	write_bytes(t123, "SQLite format 3", 16);
	write_bytes(tdead, "{\"format\": \"fidosim-store\", \"vers", 33);
	write_bytes(tlive, "", 0);
	write_bytes(tother, "", 0);

	/* creating the store removes those of creators that are gone, keeps a live one's */
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	fsim_store_set_global_counter(s, 42);
	assert_int_equal(fsim_store_save(s), 0);
	fsim_store_free(&s);
	assert_int_equal(stat(tdead, &st), -1);
	if (kill(123, 0) != 0 && errno == ESRCH)
		assert_int_equal(stat(t123, &st), -1);
	assert_int_equal(stat(tlive, &st), 0);
	assert_int_equal(stat(tother, &st), 0);   /* another store's */
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), FSIM_OK);
	assert_int_equal(fsim_store_global_counter(s), 42);
	fsim_store_free(&s);
}

/* ---- credentials ---- */

static void
test_add_cred_rules(void **state)
{
	fsim_store_t *s = NULL;
	fsim_cred_t c, bad;
	static const uint8_t long_user[65];

	(void)state;
	assert_int_equal(fsim_store_open(":memory:", &env, &s, NULL), 0);
	make_cred(&c, 1, "example.com", user1, sizeof(user1), true, 1);
	c.seq = 999;                    /* ignored */
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	assert_true(fsim_store_cred_at(s, 0)->seq == 1);
	/* the store has its own copy */
	c.sign_count = 5;
	c.rp_id[0] = 'X';
	assert_int_equal(fsim_store_cred_at(s, 0)->sign_count, 0xfffffffeu);
	assert_string_equal(fsim_store_cred_at(s, 0)->rp_id, "example.com");
	c.rp_id[0] = 'e';
	/* the same ID again */
	assert_int_equal(fsim_store_add_cred(s, &c), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_cred_count(s), 1);

#define REFUSED(change) do { \
		assert_int_equal(fsim_cred_copy(&bad, &c), 0); \
		bad.id.ptr[0] ^= 0xff; \
		change; \
		assert_int_equal(fsim_store_add_cred(s, &bad), FSIM_ERR_ARG); \
		fsim_cred_reset(&bad); \
	} while (0)
	REFUSED(fsim_blob_reset(&bad.id));
	REFUSED(bad.alg = 0);
	REFUSED(bad.cred_protect = 4);
	REFUSED(fsim_blob_reset(&bad.private_key));
	REFUSED(free(bad.rp_id); bad.rp_id = NULL);
	REFUSED(bad.rp_id[0] = '\0');
	REFUSED(bad.rp_id[1] = (char)0xc3; bad.rp_id[2] = 'x');   /* bad UTF-8 */
	REFUSED(bad.user_name[0] = (char)0xff);
	REFUSED(assert_int_equal(fsim_blob_set(&bad.user_id, long_user, 65), 0));
	REFUSED(bad.created = UINT64_C(1) << 63);
#undef REFUSED
	assert_int_equal(fsim_store_cred_count(s), 1);
	/* a 1024-byte ID (credential-id-1024 quirk) is storable */
	{
		uint8_t big[1024];

		assert_int_equal(fsim_cred_copy(&bad, &c), 0);
		fill(big, sizeof(big), 3);
		assert_int_equal(fsim_blob_set(&bad.id, big, sizeof(big)), 0);
		assert_int_equal(fsim_store_add_cred(s, &bad), 0);
		assert_non_null(fsim_store_find_cred(s, big, sizeof(big)));
		fsim_cred_reset(&bad);
	}
	assert_int_equal(fsim_store_add_cred(NULL, &c), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_add_cred(s, NULL), FSIM_ERR_ARG);
	fsim_cred_reset(&c);
	fsim_cred_reset(NULL);
	fsim_store_free(&s);
}

static void
test_find_delete(void **state)
{
	fsim_store_t *s = NULL;
	fsim_cred_t c[3];
	size_t i;

	(void)state;
	assert_int_equal(fsim_store_open(":memory:", &env, &s, NULL), 0);
	for (i = 0; i < 3; i++) {
		make_cred(&c[i], (uint8_t)(i * 50), "example.com", user1, sizeof(user1),
		    true, i);
		assert_int_equal(fsim_store_add_cred(s, &c[i]), 0);
	}
	assert_non_null(fsim_store_find_cred(s, c[1].id.ptr, c[1].id.len));
	assert_null(fsim_store_find_cred(s, c[1].id.ptr, c[1].id.len - 1));
	assert_null(fsim_store_find_cred(s, NULL, 0));
	assert_int_equal(fsim_store_delete_cred(s, c[1].id.ptr, c[1].id.len), 0);
	assert_null(fsim_store_find_cred(s, c[1].id.ptr, c[1].id.len));
	assert_int_equal(fsim_store_delete_cred(s, c[1].id.ptr, c[1].id.len),
	    FSIM_ERR_NOT_FOUND);
	/* order of the rest kept */
	assert_int_equal(fsim_store_cred_count(s), 2);
	assert_true(fsim_blob_eq(&fsim_store_cred_at(s, 0)->id, c[0].id.ptr, c[0].id.len));
	assert_true(fsim_blob_eq(&fsim_store_cred_at(s, 1)->id, c[2].id.ptr, c[2].id.len));
	for (i = 0; i < 3; i++)
		fsim_cred_reset(&c[i]);
	fsim_store_free(&s);
}

static void
test_rp_creds_order(void **state)
{
	fsim_store_t *s = NULL;
	fsim_cred_t c, *out[8];
	/* created times in the order added; seq = index + 1 */
	static const uint64_t created[] = { 100, 300, 200, 300, 50, 300 };
	static const bool disc[] = { true, true, true, true, true, false };
	static const char *const rp[] = { "a.example", "a.example", "a.example",
	    "a.example", "b.example", "a.example" };
	/* expected newest first: created 300 (seq 4, 2), 200 (seq 3), 100 (seq 1) */
	static const uint64_t want_seq[] = { 4, 2, 3, 1 };
	size_t i, n;

	(void)state;
	assert_int_equal(fsim_store_open(":memory:", &env, &s, NULL), 0);
	for (i = 0; i < 6; i++) {
		make_cred(&c, (uint8_t)(i * 40), rp[i], user1, sizeof(user1), disc[i],
		    created[i]);
		assert_int_equal(fsim_store_add_cred(s, &c), 0);
		fsim_cred_reset(&c);
	}
	n = fsim_store_rp_creds(s, "a.example", out, 8);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		assert_true(out[i]->seq == want_seq[i]);
		assert_true(out[i]->discoverable);
		assert_string_equal(out[i]->rp_id, "a.example");
	}
	/* at most max, and those the newest */
	n = fsim_store_rp_creds(s, "a.example", out, 2);
	assert_int_equal(n, 2);
	assert_true(out[0]->seq == 4);
	assert_true(out[1]->seq == 2);
	assert_int_equal(fsim_store_rp_creds(s, "a.example", out, 0), 0);
	assert_int_equal(fsim_store_rp_creds(s, "a.example", NULL, 0), 4);
	assert_int_equal(fsim_store_rp_creds(s, "b.example", out, 8), 1);
	assert_int_equal(fsim_store_rp_creds(s, "c.example", out, 8), 0);
	assert_int_equal(fsim_store_rp_creds(s, NULL, out, 8), 0);
	fsim_store_free(&s);
}

static void
test_delete_user(void **state)
{
	fsim_store_t *s = NULL;
	fsim_cred_t c, *out[8];
	size_t i;
	struct { const char *rp; const uint8_t *u; size_t ul; bool disc; } v[] = {
		{ "a.example", user1, sizeof(user1), true },
		{ "a.example", user2, sizeof(user2), true },
		{ "b.example", user1, sizeof(user1), true },
		{ "a.example", user1, sizeof(user1), false },   /* not discoverable: kept */
		{ "a.example", user1, sizeof(user1), true },
	};

	(void)state;
	assert_int_equal(fsim_store_open(":memory:", &env, &s, NULL), 0);
	for (i = 0; i < 5; i++) {
		make_cred(&c, (uint8_t)(i * 40), v[i].rp, v[i].u, v[i].ul, v[i].disc, 10);
		assert_int_equal(fsim_store_add_cred(s, &c), 0);
		fsim_cred_reset(&c);
	}
	assert_int_equal(fsim_store_delete_user(s, "a.example", user1, sizeof(user1)), 0);
	assert_int_equal(fsim_store_cred_count(s), 3);
	assert_true(fsim_store_cred_at(s, 0)->seq == 2);
	assert_true(fsim_store_cred_at(s, 1)->seq == 3);
	assert_true(fsim_store_cred_at(s, 2)->seq == 4);
	assert_int_equal(fsim_store_rp_creds(s, "a.example", out, 8), 1);
	assert_true(fsim_blob_eq(&out[0]->user_id, user2, sizeof(user2)));
	/* nothing matching is fine */
	assert_int_equal(fsim_store_delete_user(s, "a.example", user1, sizeof(user1)), 0);
	assert_int_equal(fsim_store_delete_user(s, "a.example", user1, 3), 0);
	assert_int_equal(fsim_store_cred_count(s), 3);
	assert_int_equal(fsim_store_delete_user(s, NULL, user1, 1), FSIM_ERR_ARG);
	fsim_store_free(&s);
}

static void
test_cred_copy(void **state)
{
	fsim_cred_t a, b;

	(void)state;
	make_cred(&a, 7, "example.com", user1, sizeof(user1), true, 3);
	a.seq = 77;
	assert_int_equal(fsim_cred_copy(&b, &a), 0);
	assert_cred_equal(&b, &a);
	assert_ptr_not_equal(b.id.ptr, a.id.ptr);
	assert_ptr_not_equal(b.private_key.ptr, a.private_key.ptr);
	assert_ptr_not_equal(b.rp_id, a.rp_id);
	fsim_cred_reset(&a);
	assert_null(a.private_key.ptr);
	assert_null(a.rp_id);
	assert_int_equal(a.cred_random_uv[0], 0);
	assert_int_equal(a.cred_random_nouv[31], 0);
	/* b outlives a */
	assert_int_equal(b.private_key.len, 121);
	assert_string_equal(b.rp_id, "example.com");
	assert_int_equal(fsim_cred_copy(NULL, &b), FSIM_ERR_ARG);
	assert_int_equal(fsim_cred_copy(&a, NULL), FSIM_ERR_ARG);
	fsim_cred_reset(&b);
}

/* ---- counters, blobs, reset ---- */

static void
test_id_counters(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	uint8_t h[32];
	int i;

	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), 0);
	/* many, inserted out of order */
	for (i = 0; i < 100; i++) {
		memset(h, 0, sizeof(h));
		h[0] = (uint8_t)((i * 37) % 100);
		h[31] = 1;
		assert_int_equal(fsim_store_id_counter(s, h), 0);
		assert_int_equal(fsim_store_set_id_counter(s, h, (uint32_t)i + 1), 0);
	}
	memset(h, 0, sizeof(h));
	h[0] = 37;
	h[31] = 1;
	assert_int_equal(fsim_store_set_id_counter(s, h, 1000), 0);  /* update */
	assert_int_equal(fsim_store_save(s), 0);
	fsim_store_free(&s);
	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), 0);
	for (i = 0; i < 100; i++) {
		memset(h, 0, sizeof(h));
		h[0] = (uint8_t)((i * 37) % 100);
		h[31] = 1;
		assert_int_equal(fsim_store_id_counter(s, h), i == 1 ? 1000 : i + 1);
	}
	h[31] = 2;
	assert_int_equal(fsim_store_id_counter(s, h), 0);
	assert_int_equal(fsim_store_set_id_counter(NULL, h, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_set_id_counter(s, NULL, 1), FSIM_ERR_ARG);
	fsim_store_free(&s);
}

static void
test_blobs(void **state)
{
	fsim_store_t *s = NULL;
	uint8_t big[16];

	(void)state;
	fill(big, sizeof(big), 1);
	assert_int_equal(fsim_store_open(":memory:", &env, &s, NULL), 0);
	assert_int_equal(fsim_store_set_blob(s, "k", big, 4), 0);
	assert_int_equal(fsim_store_set_blob(s, "k", big, 16), 0);    /* replaced */
	assert_true(fsim_blob_eq(fsim_store_get_blob(s, "k"), big, 16));
	assert_int_equal(fsim_store_set_blob(s, "", big, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_set_blob(s, "a b", big, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_set_blob(s, "tab\t", big, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_set_blob(s, NULL, big, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_set_blob(s, "n", NULL, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_set_blob(s, "n", big, FSIM_STORE_MAX_BLOB_LEN + 1),
	    FSIM_ERR_ARG);
	assert_null(fsim_store_get_blob(s, "n"));
	assert_null(fsim_store_get_blob(NULL, "k"));
	fsim_store_free(&s);
}

static void
test_reset(void **state)
{
	fx_t *f = *state;
	fsim_store_t *s = NULL;
	fsim_cred_t c;
	uint8_t wk[32], h[32];
	fsim_env_t bad = env;

	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), 0);
	memcpy(wk, fsim_store_wrap_key(s), 32);
	make_cred(&c, 1, "example.com", user1, sizeof(user1), true, 1);
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	fill(h, 32, 9);
	assert_int_equal(fsim_store_set_id_counter(s, h, 12), 0);
	fsim_store_set_global_counter(s, 99);
	assert_int_equal(fsim_store_set_blob(s, "ca.root.key", h, 32), 0);

	/* without randomness nothing changes */
	bad.random = test_random_fail;
	assert_int_equal(fsim_store_reset(s, &bad), FSIM_ERR_INTERNAL);
	assert_int_equal(fsim_store_cred_count(s), 1);
	assert_memory_equal(fsim_store_wrap_key(s), wk, 32);

	assert_int_equal(fsim_store_reset(s, &env), 0);
	assert_int_equal(fsim_store_cred_count(s), 0);
	assert_int_equal(fsim_store_id_counter(s, h), 0);
	assert_int_equal(fsim_store_global_counter(s), 0);
	assert_memory_not_equal(fsim_store_wrap_key(s), wk, 32);
	assert_true(fsim_blob_eq(fsim_store_get_blob(s, "ca.root.key"), h, 32));
	memcpy(wk, fsim_store_wrap_key(s), 32);
	assert_int_equal(fsim_store_save(s), 0);
	fsim_store_free(&s);

	assert_int_equal(fsim_store_open(f->path, &env, &s, NULL), 0);
	assert_int_equal(fsim_store_cred_count(s), 0);
	assert_memory_equal(fsim_store_wrap_key(s), wk, 32);
	assert_true(fsim_blob_eq(fsim_store_get_blob(s, "ca.root.key"), h, 32));
	/* the same credential can be added again after a reset */
	assert_int_equal(fsim_store_add_cred(s, &c), 0);
	assert_int_equal(fsim_store_reset(NULL, &env), FSIM_ERR_ARG);
	assert_int_equal(fsim_store_reset(s, NULL), FSIM_ERR_ARG);
	fsim_cred_reset(&c);
	fsim_store_free(&s);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_roundtrip_every_field),
		T(test_memory_store),
		T(test_default_path),
		T(test_db_files),
		T(test_stale_temporary),
		T(test_add_cred_rules),
		T(test_find_delete),
		T(test_rp_creds_order),
		T(test_delete_user),
		T(test_cred_copy),
		T(test_id_counters),
		T(test_blobs),
		T(test_reset),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
