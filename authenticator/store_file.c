/*
 * store_file.c — where the store lives, and how it comes to be there.
 *
 * The file at the store's path is an SQLite database (store_db.c). A new
 * one is built complete under "<path>.tmp-<pid>" (O_EXCL, mode 0600) and
 * then hard-linked to the path: link() never replaces a file, so of
 * processes creating the same store at once exactly one wins and the others
 * open the winner's (one wrapping key for all). A writer killed before the
 * link leaves a temporary that the next creation removes.
 *
 * A JSON store of earlier fidosim versions at the path is imported on first
 * open: under an exclusive flock of the JSON file, it is parsed (strictly,
 * store_json.c; a file that does not parse is reported and left as it is),
 * a database is built from it beside it, the JSON file is kept as
 * "<path>.json-backup" (a hard link) and the database renamed over the
 * path. A process that waited on the lock finds the path changed and opens
 * the database. The -wal and -shm files SQLite keeps beside the database
 * get the database file's mode, 0600.
 */
#include <dirent.h>
#include <sys/file.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "authenticator/store_int.h"
#include "core/sqldb.h"

#define TMP_INFIX ".tmp-"

/* a + b, malloc'd. */
static char *
concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p;

	if (la > SIZE_MAX - lb - 1 || (p = malloc(la + lb + 1)) == NULL)
		return NULL;
	memcpy(p, a, la);
	memcpy(p + la, b, lb + 1);
	return p;
}

int
fsim_store_default_path(char **out)
{
	const char *v;
	struct passwd *pw;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if ((v = getenv("FIDOSIM_STORE")) != NULL && v[0] != '\0')
		*out = fsim_strdup(v);
	/* XDG Base Directory: a relative $XDG_DATA_HOME is invalid and ignored. */
	else if ((v = getenv("XDG_DATA_HOME")) != NULL && v[0] == '/')
		*out = concat(v, "/fidosim/store");
	else if ((v = getenv("HOME")) != NULL && v[0] != '\0')
		*out = concat(v, "/.local/share/fidosim/store");
	else if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL &&
	    pw->pw_dir[0] != '\0')
		*out = concat(pw->pw_dir, "/.local/share/fidosim/store");
	else
		return FSIM_ERR_NOT_FOUND;
	return *out != NULL ? FSIM_OK : FSIM_ERR_NOMEM;
}

/* ---- writing ---- */

static int
fsync_dir(const char *dir)
{
	int fd, r;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	r = fsync(fd);
	if (close(fd) != 0)
		r = -1;
	return r;
}

/* The folder part of path ("." when there is none), malloc'd; *base points into path. */
static char *
split_path(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (slash == NULL) {
		*base = path;
		return fsim_strdup(".");
	}
	*base = slash + 1;
	if (slash == path)
		return fsim_strdup("/");
	if ((dir = malloc((size_t)(slash - path) + 1)) == NULL)
		return NULL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return dir;
}

/*
 * mkdir -p with mode 0700 for the folders made; each new folder's parent is
 * fsync'd so the new entry is durable too.
 */
static int
make_dirs(const char *dir)
{
	struct stat st;
	char *p = NULL, *q;
	int r = -1;

	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
	if ((p = fsim_strdup(dir)) == NULL)
		return -1;
	for (q = p + 1;; q++) {
		if (*q != '/' && *q != '\0')
			continue;
		if (q[-1] != '/') {
			char c = *q, *s;

			*q = '\0';
			if (mkdir(p, 0700) == 0) {
				/* fsync the parent of the folder just made */
				if ((s = strrchr(p, '/')) == NULL || s == p) {
					if (fsync_dir(s == p ? "/" : ".") != 0)
						goto fail;
				} else {
					*s = '\0';
					if (fsync_dir(p) != 0)
						goto fail;
					*s = '/';
				}
			} else if (errno != EEXIST)
				goto fail;
			*q = c;
		}
		if (*q == '\0')
			break;
	}
	r = 0;
fail:
	free(p);
	return r;
}

/*
 * Remove "<base>.tmp-<pid>" files left by writers that are gone (no such
 * process, or our own pid from an earlier life). A live writer's temporary
 * is left alone.
 */
static void
remove_stale(const char *dir, const char *base)
{
	size_t bl = strlen(base), il = strlen(TMP_INFIX);
	struct dirent *e;
	const char *n;
	unsigned long long v;
	bool stale;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		n = e->d_name;
		if (strncmp(n, base, bl) != 0 || strncmp(n + bl, TMP_INFIX, il) != 0)
			continue;
		n += bl + il;
		if (*n == '\0' || strspn(n, "0123456789") != strlen(n))
			continue;
		v = 0;
		for (; *n != '\0' && v <= (unsigned long long)INT_MAX; n++)
			v = v * 10 + (unsigned long long)(*n - '0');
		/* kill(0, 0) would mean our process group: no writer has pid 0 */
		if (v == 0 || v > (unsigned long long)INT_MAX)
			stale = true;
		else if ((pid_t)v == getpid())
			stale = true;
		else
			stale = kill((pid_t)v, 0) != 0 && errno == ESRCH;
		if (stale)
			(void)unlinkat(dirfd(dp), e->d_name, 0);
	}
	closedir(dp);
}

/* ---- opening ---- */

static void
io_diag(fsim_diags_t *d, const char *path, const char *what, int e)
{
	fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, path, FSIM_NO_OFFSET,
	    "%s: %s", what, strerror(e));
}

/*
 * The whole file behind fd into *out (secret: the caller wipes it).
 */
static int
read_fd(int fd, const char *path, fsim_blob_t *out, fsim_diags_t *d)
{
	struct stat st;
	uint8_t *buf = NULL, extra;
	size_t len = 0, cap;
	ssize_t n;
	int r = FSIM_ERR_IO;

	if (fstat(fd, &st) != 0) {
		io_diag(d, path, "cannot stat the store", errno);
		goto fail;
	}
	if (st.st_size > FSIM_STORE_MAX_FILE_LEN) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, path,
		    FSIM_NO_OFFSET, "the store is %lld bytes, more than %d",
		    (long long)st.st_size, FSIM_STORE_MAX_FILE_LEN);
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	cap = (size_t)st.st_size;
	r = FSIM_ERR_NOMEM;
	if ((buf = malloc(cap > 0 ? cap : 1)) == NULL)
		goto fail;
	r = FSIM_ERR_IO;
	while (len < cap) {
		n = pread(fd, buf + len, cap - len, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			io_diag(d, path, "cannot read the store", errno);
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	/* Old writers renamed a new file in; only an in-place edit changes our inode. */
	while ((n = pread(fd, &extra, 1, (off_t)len)) < 0 && errno == EINTR)
		;
	if (len != cap || n != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, path,
		    FSIM_NO_OFFSET, "the store changed while it was read");
		goto fail;
	}
	fsim_blob_reset(out);
	out->ptr = buf;
	out->len = len;
	buf = NULL;
	r = FSIM_OK;
fail:
	if (buf != NULL) {
		fsim_wipe(buf, len);
		free(buf);
	}
	return r;
}

static int
fresh_store(const fsim_env_t *env, fsim_store_t **out)
{
	fsim_store_t *s = NULL;
	int r = FSIM_ERR_ARG;

	if (env == NULL)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((s = fsim_store_alloc()) == NULL)
		goto fail;
	r = FSIM_ERR_INTERNAL;
	if (fsim_env_random(env, s->wrap_key, sizeof(s->wrap_key)) != 0)
		goto fail;
	*out = s;
	s = NULL;
	r = FSIM_OK;
fail:
	fsim_store_free(&s);
	return r;
}

/* Remove a database that was being built, and whatever SQLite left beside it. */
static void
remove_db(const char *path)
{
	static const char *const sfx[] = { "", "-journal", "-wal", "-shm" };
	char *p;
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if ((p = concat(path, sfx[i])) != NULL) {
			(void)unlink(p);
			free(p);
		}
}

/*
 * Build the database of m at "<path>.tmp-<pid>" (mode 0600); *tmp names it.
 * The folder is made (0700) when missing.
 */
static int
build_tmp(const char *path, const fsim_store_t *m, char **tmp, fsim_diags_t *d)
{
	char pid[32], *dir = NULL, err[256];
	const char *base;
	int fd, r = FSIM_ERR_NOMEM;

	*tmp = NULL;
	snprintf(pid, sizeof(pid), TMP_INFIX "%ld", (long)getpid());
	if ((dir = split_path(path, &base)) == NULL || (*tmp = concat(path, pid)) == NULL)
		goto fail;
	r = FSIM_ERR_ARG;
	if (base[0] == '\0')
		goto fail;
	r = FSIM_ERR_IO;
	if (make_dirs(dir) != 0) {
		io_diag(d, path, "cannot create the store's folder", errno);
		goto fail;
	}
	remove_stale(dir, base);
	remove_db(*tmp);
	/* SQLite would make the file 0644 less the umask; it keeps an existing one's mode. */
	if ((fd = open(*tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		io_diag(d, path, "cannot create the store", errno);
		goto fail;
	}
	if (fchmod(fd, 0600) != 0) {
		io_diag(d, path, "cannot create the store", errno);
		close(fd);
		goto fail;
	}
	close(fd);
	if ((r = fsim_store_db_create(*tmp, m, err, sizeof(err))) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, path, FSIM_NO_OFFSET,
		    "cannot create the store: %s", err);
		goto fail;
	}
	r = FSIM_OK;
fail:
	if (r != 0 && *tmp != NULL) {
		remove_db(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	free(dir);
	return r;
}

static int
sync_parent(const char *path)
{
	const char *base;
	char *dir = split_path(path, &base);
	int r = dir != NULL ? fsync_dir(dir) : -1;

	free(dir);
	return r;
}

/* A new store at path; FSIM_ERR_AGAIN-like EEXIST: another process made it first (*raced). */
static int
create_store(const char *path, const fsim_env_t *env, bool *raced, fsim_diags_t *d)
{
	fsim_store_t *m = NULL;
	char *tmp = NULL;
	int r;

	*raced = false;
	if ((r = fresh_store(env, &m)) != 0)
		goto fail;
	if ((r = build_tmp(path, m, &tmp, d)) != 0)
		goto fail;
	r = FSIM_ERR_IO;
	if (link(tmp, path) != 0) {
		if (errno == EEXIST)
			*raced = true;
		else
			io_diag(d, path, "cannot create the store", errno);
		goto fail;
	}
	if (sync_parent(path) != 0) {
		io_diag(d, path, "cannot create the store", errno);
		goto fail;
	}
	r = FSIM_OK;
fail:
	if (*raced)
		r = FSIM_OK;
	if (tmp != NULL) {
		remove_db(tmp);
		free(tmp);
	}
	fsim_store_free(&m);
	return r;
}

/* Keep the JSON file as "<path>.json-backup" (or -backup.N when that exists). */
static int
keep_backup(const char *path, char **bak)
{
	char sfx[40];
	int i;

	for (i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(sfx, sizeof(sfx), ".json-backup");
		else
			snprintf(sfx, sizeof(sfx), ".json-backup.%d", i);
		if ((*bak = concat(path, sfx)) == NULL)
			return FSIM_ERR_NOMEM;
		if (link(path, *bak) == 0)
			return FSIM_OK;
		free(*bak);
		*bak = NULL;
		if (errno != EEXIST)
			return FSIM_ERR_IO;
	}
	errno = EEXIST;
	return FSIM_ERR_IO;
}

/*
 * The JSON store open on fd at path becomes a database (see the top). On
 * success, or when someone else converted it meanwhile, the caller opens
 * the path again.
 */
static int
import_json(const char *path, int fd, fsim_diags_t *d)
{
	fsim_store_t *m = NULL;
	fsim_blob_t text = { 0 };
	struct stat a, b;
	char *tmp = NULL, *bak = NULL;
	int r = FSIM_ERR_IO;

	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			io_diag(d, path, "cannot lock the store to import it", errno);
			goto fail;
		}
	if (fstat(fd, &a) != 0 || stat(path, &b) != 0 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev) {
		r = FSIM_OK;            /* converted by another process: open it again */
		goto fail;
	}
	if ((r = read_fd(fd, path, &text, d)) != 0)
		goto fail;
	if ((r = fsim_store_from_text(text.ptr, text.len, &m, d)) != 0) {
		if (r == FSIM_ERR_FORMAT)
			fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, path,
			    FSIM_NO_OFFSET, "not a valid fidosim store; the file was "
			    "left unchanged");
		goto fail;
	}
	if ((r = build_tmp(path, m, &tmp, d)) != 0)
		goto fail;
	if ((r = keep_backup(path, &bak)) != 0) {
		io_diag(d, path, "cannot keep the JSON store as a backup", errno);
		goto fail;
	}
	r = FSIM_ERR_IO;
	if (rename(tmp, path) != 0) {
		io_diag(d, path, "cannot replace the JSON store by its database", errno);
		(void)unlink(bak);
		goto fail;
	}
	free(tmp);
	tmp = NULL;
	if (sync_parent(path) != 0) {
		io_diag(d, path, "cannot import the store", errno);
		goto fail;
	}
	r = FSIM_OK;
fail:
	if (tmp != NULL) {
		remove_db(tmp);
		free(tmp);
	}
	free(bak);
	fsim_blob_reset(&text);
	fsim_store_free(&m);
	return r;
}

/* Open the file at p: a database is attached, a JSON store imported (*again). */
static int
open_path(const char *p, const fsim_env_t *env, fsim_store_t **out, bool *again,
    fsim_diags_t *d)
{
	fsim_store_t *s = NULL;
	struct stat st;
	uint8_t head[16];
	ssize_t n;
	bool raced;
	int fd, r = FSIM_ERR_IO;

	*again = false;
	if ((fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		if (errno != ENOENT) {
			io_diag(d, p, "cannot open the store", errno);
			return FSIM_ERR_IO;
		}
		if ((r = create_store(p, env, &raced, d)) == 0)
			*again = true;
		return r;
	}
	if (fstat(fd, &st) != 0) {
		io_diag(d, p, "cannot stat the store", errno);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, p,
		    FSIM_NO_OFFSET, "the store is not a regular file");
		goto fail;
	}
	while ((n = pread(fd, head, sizeof(head), 0)) < 0 && errno == EINTR)
		;
	if (n < 0) {
		io_diag(d, p, "cannot read the store", errno);
		goto fail;
	}
	r = FSIM_ERR_FORMAT;
	if (n == 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, "", FSIM_NO_OFFSET,
		    "the file is empty");
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, p, FSIM_NO_OFFSET,
		    "not a valid fidosim store; the file was left unchanged");
		goto fail;
	}
	if (!fsim_sqldb_is_db(head, (size_t)n)) {
		if ((r = import_json(p, fd, d)) == 0)
			*again = true;
		goto fail;
	}
	close(fd);
	fd = -1;
	r = FSIM_ERR_NOMEM;
	if ((s = fsim_store_alloc()) == NULL || (s->path = fsim_strdup(p)) == NULL)
		goto fail;
	if ((r = fsim_store_db_attach(s, d)) != 0) {
		if (r == FSIM_ERR_FORMAT)
			fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, p,
			    FSIM_NO_OFFSET, "not a valid fidosim store; the file was "
			    "left unchanged");
		goto fail;
	}
	*out = s;
	s = NULL;
	r = FSIM_OK;
fail:
	if (fd >= 0)
		close(fd);
	fsim_store_free(&s);
	return r;
}

int
fsim_store_open(const char *path, const fsim_env_t *env, fsim_store_t **out,
    fsim_diags_t *d)
{
	fsim_store_t *s = NULL;
	char *p = NULL;
	bool again = true;
	int tries, r = FSIM_ERR_ARG;

	if (out == NULL)
		goto fail;
	*out = NULL;
	if (path != NULL && strcmp(path, ":memory:") == 0) {
		if ((r = fresh_store(env, &s)) != 0)
			goto fail;
		goto done;
	}
	if (path == NULL && (r = fsim_store_default_path(&p)) != 0) {
		if (r == FSIM_ERR_NOT_FOUND) {
			fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, "store",
			    FSIM_NO_OFFSET, "no default store path: set $FIDOSIM_STORE "
			    "or $HOME, or give --store");
			r = FSIM_ERR_IO;
		}
		goto fail;
	}
	r = FSIM_ERR_NOMEM;
	if (p == NULL && (p = fsim_strdup(path)) == NULL)
		goto fail;
	r = FSIM_ERR_ARG;
	if (p[0] == '\0' || env == NULL)
		goto fail;
	/* Made or imported by us or a concurrent process: open what is there now. */
	for (tries = 0; again && tries < 8; tries++)
		if ((r = open_path(p, env, &s, &again, d)) != 0)
			goto fail;
	if (s == NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, p, FSIM_NO_OFFSET,
		    "the store kept changing while it was opened");
		r = FSIM_ERR_IO;
		goto fail;
	}
done:
	*out = s;
	s = NULL;
	r = FSIM_OK;
fail:
	fsim_store_free(&s);
	free(p);
	return r;
}
