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
fsim_kvfile_read(const char *path, fsim_kv_fn fn, void *ctx, char *err, size_t errlen)
{
	FILE *f;
	char *buf = NULL, msg[400];
	size_t cap = 0, line = 0;
	ssize_t n;
	int r = FSIM_OK;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return located(err, errlen, path, 0, "cannot open");
	while ((n = getline(&buf, &cap, f)) != -1) {
		char *s, *eq, *k, *v;

		line++;
		msg[0] = '\0';
		if (n > FSIM_KV_LINE_MAX) {
			snprintf(msg, sizeof(msg), "line longer than %d bytes", FSIM_KV_LINE_MAX);
			r = located(err, errlen, path, line, msg);
			break;
		}
		if (strlen(buf) != (size_t)n) {
			r = located(err, errlen, path, line, "NUL byte in the line");
			break;
		}
		s = trim(buf);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			r = located(err, errlen, path, line, "expected KEY = VALUE");
			break;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		if (*v == '\0') {
			snprintf(msg, sizeof(msg), "%.64s: empty value", k);
			r = located(err, errlen, path, line, msg);
			break;
		}
		if ((r = fn(ctx, k, v, msg, sizeof(msg))) != 0) {
			located(err, errlen, path, line, msg[0] ? msg : "rejected");
			break;
		}
	}
	if (r == FSIM_OK && ferror(f))
		r = located(err, errlen, path, 0, "read error");
	free(buf);
	fclose(f);
	return r;
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
