/*
 * kvfile.c — "key = value" files (see kvfile.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "kvfile.h"

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int
located(char *err, size_t errlen, const char *path, size_t line, const char *msg)
{
	char tmp[512];

	if (err == NULL || errlen == 0)
		return FSIM_ERR_FORMAT;
	snprintf(tmp, sizeof(tmp), "%s", msg);
	if (line > 0)
		snprintf(err, errlen, "%s:%zu: %s", path, line, tmp);
	else
		snprintf(err, errlen, "%s: %s", path, tmp);
	return FSIM_ERR_FORMAT;
}

int
fsim_kvfile_parse(const uint8_t *text, size_t len, const char *name, fsim_kv_fn fn,
    void *ctx, char *err, size_t errlen)
{
	char buf[FSIM_KV_LINE_MAX + 1], msg[400];
	size_t pos = 0, line = 0;
	int r;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (text == NULL && len > 0)
		return FSIM_ERR_ARG;
	while (pos < len) {
		const uint8_t *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		char *s, *eq, *k, *v;

		line++;
		if (n > FSIM_KV_LINE_MAX) {
			snprintf(msg, sizeof(msg), "line longer than %d bytes", FSIM_KV_LINE_MAX);
			return located(err, errlen, name, line, msg);
		}
		if (memchr(text + pos, '\0', n) != NULL)
			return located(err, errlen, name, line, "NUL byte in the line");
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + (nl != NULL);
		s = trim(buf);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL)
			return located(err, errlen, name, line, "expected KEY = VALUE");
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		msg[0] = '\0';
		if (*v == '\0') {
			snprintf(msg, sizeof(msg), "%.64s: empty value", k);
			return located(err, errlen, name, line, msg);
		}
		if ((r = fn(ctx, k, v, msg, sizeof(msg))) != 0) {
			located(err, errlen, name, line, msg[0] ? msg : "rejected");
			return r;
		}
	}
	return FSIM_OK;
}

static bool
valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

int
fsim_kvfile_resolve(const char *name_or_path, const char *folder, const char *ext,
    char *path, size_t cap, char *err, size_t errlen)
{
	size_t n = strlen(name_or_path), e = strlen(ext);
	char rel[160];

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (strchr(name_or_path, '/') != NULL || (n > e + 1 && name_or_path[n - e - 1] == '.' &&
	    strcmp(name_or_path + n - e, ext) == 0)) {
		if (n >= cap)
			return located(err, errlen, "(path)", 0, "path too long");
		memcpy(path, name_or_path, n + 1);
		return FSIM_OK;
	}
	if (!valid_name(name_or_path))
		return located(err, errlen, name_or_path, 0, "not a valid name");
	snprintf(rel, sizeof(rel), "%s/%s.%s", folder, name_or_path, ext);
	if (fsim_data_path(rel, path, cap) != FSIM_OK)
		return located(err, errlen, name_or_path, 0, "no such file in the data folder");
	return FSIM_OK;
}

int
fsim_kvfile_slurp(const char *name_or_path, const char *folder, const char *ext,
    char *path, size_t cap, fsim_blob_t *out, char *err, size_t errlen)
{
	int r;

	if ((r = fsim_kvfile_resolve(name_or_path, folder, ext, path, cap, err, errlen)) != FSIM_OK)
		return r;
	if (fsim_read_file(path, FSIM_KV_FILE_MAX, out) != FSIM_OK) {
		located(err, errlen, path, 0, "cannot read (missing, unreadable, or larger than "
		    "1 MiB)");
		return FSIM_ERR_IO;
	}
	return FSIM_OK;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
fsim_kvfile_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
}

int
fsim_kvfile_names(const char *folder, const char *ext, char ***names, size_t *n)
{
	char dir[4096];
	DIR *d;
	struct dirent *de;
	char **v = NULL, **nv;
	size_t cnt = 0, el = strlen(ext);
	int r = FSIM_ERR_NOMEM;

	*names = NULL;
	*n = 0;
	if (fsim_data_path(folder, dir, sizeof(dir)) != FSIM_OK || (d = opendir(dir)) == NULL)
		return FSIM_ERR_IO;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len <= el + 1 || de->d_name[len - el - 1] != '.' ||
		    strcmp(de->d_name + len - el, ext) != 0)
			continue;
		if ((nv = realloc(v, (cnt + 1) * sizeof(*v))) == NULL)
			goto fail;
		v = nv;
		if ((v[cnt] = strndup(de->d_name, len - el - 1)) == NULL)
			goto fail;
		cnt++;
	}
	qsort(v, cnt, sizeof(*v), cmp_names);
	*names = v;
	*n = cnt;
	v = NULL;
	cnt = 0;
	r = FSIM_OK;
fail:
	closedir(d);
	fsim_kvfile_names_free(v, cnt);
	return r;
}
