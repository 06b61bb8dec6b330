/*
 * store_file.c — where the store lives and how it is written.
 *
 * A save never leaves a half-written store behind: the text goes to
 * "<path>.tmp-<pid>" (created with O_EXCL, mode 0600), is fsync'd, then
 * renamed over the path (rename is atomic in POSIX) and the folder is
 * fsync'd so the rename itself survives a power cut. A writer killed before
 * the rename leaves the old store intact and a temporary that the next save
 * removes. A store that does not parse is reported and never written.
 */
#include <dirent.h>
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
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

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

int
fsim_store_save(fsim_store_t *s)
{
	char pid[32], *text = NULL, *dir = NULL, *tmp = NULL;
	const char *base;
	size_t len = 0;
	bool created = false;           /* tmp exists and is ours to remove */
	int fd = -1, r = FSIM_ERR_ARG, err = 0;

	if (s == NULL)
		goto fail;
	r = FSIM_OK;
	if (s->path == NULL)            /* ":memory:" */
		goto fail;
	if ((r = fsim_store_to_text(s, &text, &len)) != 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	snprintf(pid, sizeof(pid), TMP_INFIX "%ld", (long)getpid());
	if ((dir = split_path(s->path, &base)) == NULL ||
	    (tmp = concat(s->path, pid)) == NULL)
		goto fail;
	r = FSIM_ERR_ARG;
	if (base[0] == '\0')
		goto fail;
	r = FSIM_ERR_IO;
	if (make_dirs(dir) != 0)
		goto fail;
	remove_stale(dir, base);
	if ((fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
	    0600)) < 0)
		goto fail;
	created = true;
	/* the umask may have taken bits away; 0600 exactly */
	if (fchmod(fd, 0600) != 0 || write_all(fd, text, len) != 0 ||
	    fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, s->path) != 0)
		goto fail;
	created = false;                /* renamed: nothing to remove */
	if (fsync_dir(dir) != 0)
		goto fail;
	r = FSIM_OK;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	if (created)
		(void)unlink(tmp);
	if (text != NULL) {
		fsim_wipe(text, len);
		free(text);
	}
	free(tmp);
	free(dir);
	errno = err;                    /* for the caller's strerror */
	return r;
}

/* ---- opening ---- */

static void
io_diag(fsim_diags_t *d, const char *path, const char *what, int e)
{
	fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, path, FSIM_NO_OFFSET,
	    "%s: %s", what, strerror(e));
}

/*
 * The whole file into *out (secret: the caller wipes it). FSIM_ERR_NOT_FOUND
 * when there is no file.
 */
static int
read_store(const char *path, fsim_blob_t *out, fsim_diags_t *d)
{
	struct stat st;
	uint8_t *buf = NULL, extra;
	size_t len = 0, cap;
	ssize_t n;
	int fd = -1, r = FSIM_ERR_IO;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		if (errno == ENOENT) {
			r = FSIM_ERR_NOT_FOUND;
			goto fail;
		}
		io_diag(d, path, "cannot open the store", errno);
		goto fail;
	}
	if (fstat(fd, &st) != 0) {
		io_diag(d, path, "cannot stat the store", errno);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE_IO, path,
		    FSIM_NO_OFFSET, "the store is not a regular file");
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
		n = read(fd, buf + len, cap - len);
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
	/* Writers rename a new file in; only an in-place edit changes our inode. */
	while ((n = read(fd, &extra, 1)) < 0 && errno == EINTR)
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
	if (fd >= 0)
		close(fd);
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

int
fsim_store_open(const char *path, const fsim_env_t *env, fsim_store_t **out,
    fsim_diags_t *d)
{
	fsim_store_t *s = NULL;
	fsim_blob_t text = { 0 };
	char *p = NULL;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		goto fail;
	*out = NULL;
	if (path != NULL && strcmp(path, ":memory:") == 0) {
		r = fresh_store(env, &s);
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
	if (p[0] == '\0') {
		r = FSIM_ERR_ARG;
		goto fail;
	}
	r = read_store(p, &text, d);
	if (r == FSIM_ERR_NOT_FOUND) {
		if ((r = fresh_store(env, &s)) != 0)
			goto fail;
		s->path = p;
		p = NULL;
		if ((r = fsim_store_save(s)) != 0) {
			io_diag(d, s->path, "cannot create the store", errno);
			goto fail;
		}
		goto done;
	}
	if (r != 0)
		goto fail;
	if ((r = fsim_store_from_text(text.ptr, text.len, &s, d)) != 0) {
		if (r == FSIM_ERR_FORMAT)
			fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, p,
			    FSIM_NO_OFFSET, "not a valid fidosim store; the file was "
			    "left unchanged");
		goto fail;
	}
	s->path = p;
	p = NULL;
done:
	if (r != 0)
		goto fail;
	*out = s;
	s = NULL;
fail:
	fsim_blob_reset(&text);
	fsim_store_free(&s);
	free(p);
	return r;
}
