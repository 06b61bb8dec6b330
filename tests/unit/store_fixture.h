/*
 * store_fixture.h — shared by test_store.c and test_store_corrupt.c: a
 * deterministic random source, a fresh mkdtemp folder per test, file
 * helpers, and a credential with every field set.
 */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "authenticator/store.h"

#define FX_UNUSED __attribute__((unused))

/* A deterministic random source (xorshift64*): different bytes every call. */
static FX_UNUSED int
test_random(void *ctx, uint8_t *buf, size_t len)
{
	uint64_t *x = ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		*x ^= *x >> 12;
		*x ^= *x << 25;
		*x ^= *x >> 27;
		buf[i] = (uint8_t)((*x * 0x2545F4914F6CDD1DULL) >> 56);
	}
	return 0;
}

static FX_UNUSED int
test_random_fail(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -1;
}

static FX_UNUSED uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static FX_UNUSED fsim_env_t env = { test_random, NULL, NULL, NULL, false, &rng_state, NULL };

typedef struct fx {
	char dir[64];
	char path[128];
} fx_t;

static FX_UNUSED int
setup(void **state)
{
	fx_t *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/fsim-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/store", f->dir);
	*state = f;
	return 0;
}

static FX_UNUSED void
rm_rf(const char *dir)
{
	char p[512];
	struct dirent *e;
	struct stat st;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_rf(p);
		else
			unlink(p);
	}
	closedir(dp);
	rmdir(dir);
}

static FX_UNUSED int
teardown(void **state)
{
	fx_t *f = *state;

	rm_rf(f->dir);
	free(f);
	return 0;
}

/* How many entries (other than . and ..) the folder holds. */
static FX_UNUSED size_t
dir_entries(const char *dir)
{
	struct dirent *e;
	size_t n = 0;
	DIR *dp = opendir(dir);

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static FX_UNUSED void
write_bytes(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	if (n > 0)
		assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static FX_UNUSED void
read_bytes(const char *path, fsim_blob_t *b)
{
	assert_int_equal(fsim_read_file(path, 1 << 26, b), FSIM_OK);
}

static FX_UNUSED mode_t
file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static FX_UNUSED void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* A credential with every field set to something recognisable. */
static FX_UNUSED void
make_cred(fsim_cred_t *c, uint8_t seed, const char *rp, const uint8_t *user,
    size_t ulen, bool disc, uint64_t created)
{
	uint8_t id[48], key[121], blob[32];

	memset(c, 0, sizeof(*c));
	fill(id, sizeof(id), seed);
	fill(key, sizeof(key), (uint8_t)(seed + 1));
	fill(blob, sizeof(blob), (uint8_t)(seed + 2));
	assert_int_equal(fsim_blob_set(&c->id, id, sizeof(id)), 0);
	c->rp_id = fsim_strdup(rp);
	assert_int_equal(fsim_blob_set(&c->user_id, user, ulen), 0);
	c->user_name = fsim_strdup("J\xc3\xbcrgen");      /* UTF-8 */
	c->user_display_name = fsim_strdup("J\xc3\xbcrgen \"the\" \\ tester");
	c->alg = -7;
	assert_int_equal(fsim_blob_set(&c->private_key, key, sizeof(key)), 0);
	c->discoverable = disc;
	c->sign_count = 0xfffffffeu;
	c->be = true;
	c->bs = false;
	c->cred_protect = 2;
	assert_int_equal(fsim_blob_set(&c->cred_blob, blob, sizeof(blob)), 0);
	c->hmac_secret = true;
	fill(c->cred_random_uv, 32, (uint8_t)(seed + 3));
	fill(c->cred_random_nouv, 32, (uint8_t)(seed + 4));
	c->created = created;
}

static FX_UNUSED void
assert_cred_equal(const fsim_cred_t *a, const fsim_cred_t *b)
{
	assert_true(fsim_blob_eq(&a->id, b->id.ptr, b->id.len));
	assert_string_equal(a->rp_id, b->rp_id);
	assert_true(fsim_blob_eq(&a->user_id, b->user_id.ptr, b->user_id.len));
	if (b->user_name == NULL)
		assert_null(a->user_name);
	else
		assert_string_equal(a->user_name, b->user_name);
	if (b->user_display_name == NULL)
		assert_null(a->user_display_name);
	else
		assert_string_equal(a->user_display_name, b->user_display_name);
	assert_int_equal(a->alg, b->alg);
	assert_true(fsim_blob_eq(&a->private_key, b->private_key.ptr, b->private_key.len));
	assert_int_equal(a->discoverable, b->discoverable);
	assert_int_equal(a->sign_count, b->sign_count);
	assert_int_equal(a->be, b->be);
	assert_int_equal(a->bs, b->bs);
	assert_int_equal(a->cred_protect, b->cred_protect);
	assert_true(fsim_blob_eq(&a->cred_blob, b->cred_blob.ptr, b->cred_blob.len));
	assert_int_equal(a->hmac_secret, b->hmac_secret);
	assert_memory_equal(a->cred_random_uv, b->cred_random_uv, 32);
	assert_memory_equal(a->cred_random_nouv, b->cred_random_nouv, 32);
	assert_true(a->created == b->created);
	assert_true(a->seq == b->seq);
}

static FX_UNUSED const uint8_t user1[] = { 1, 2, 3, 4 };
static FX_UNUSED const uint8_t user2[] = { 9, 8, 7 };

#endif /* !STORE_FIXTURE_H */
