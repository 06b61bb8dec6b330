/*
 * preset_load.c — where a named preset comes from: the shipped folder
 * (fsim_data_path), else the copy built into the program, or a file given
 * by path; and the sorted list of every name both know.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/preset.h"
#include "authenticator/preset_int.h"
#include "core/fsim_core.h"

/* The presets built into the program (generated from data/presets/ by tests/embed_presets.sh). */
struct fsim_preset_builtin {
	const char *name;
	const unsigned char *text;
	unsigned long len;
};
extern const struct fsim_preset_builtin fsim_preset_builtins[];
extern const unsigned long fsim_preset_builtins_n;

#define PRESET_DIR "presets"
#define PRESET_EXT ".preset"

static const struct fsim_preset_builtin *
builtin(const char *name)
{
	unsigned long i;

	for (i = 0; i < fsim_preset_builtins_n; i++)
		if (strcmp(fsim_preset_builtins[i].name, name) == 0)
			return &fsim_preset_builtins[i];
	return NULL;
}

static int
load_file(const char *path, fsim_preset_t **out, char *err, size_t errlen)
{
	fsim_blob_t b = { NULL, 0 };
	int r;

	if ((r = fsim_read_file(path, FSIM_PRESET_MAX_FILE, &b)) != 0) {
		if (r == FSIM_ERR_ARG) {
			fsim_preset_seterr(err, errlen, "%s: larger than %d bytes", path, FSIM_PRESET_MAX_FILE);
			return FSIM_ERR_FORMAT;
		}
		if (r == FSIM_ERR_NOMEM) {
			fsim_preset_seterr(err, errlen, "%s: out of memory", path);
			return r;
		}
		fsim_preset_seterr(err, errlen, "%s: cannot read the preset file", path);
		return FSIM_ERR_IO;
	}
	r = fsim_preset_parse(b.ptr, b.len, path, out, err, errlen);
	fsim_blob_reset(&b);
	return r;
}

/* "a, b, c" of the known names into buf. */
static void
known_list(char *buf, size_t len)
{
	char **names = NULL;
	size_t n = 0, i, used = 0;
	int w;

	buf[0] = '\0';
	if (fsim_preset_names(&names, &n) != 0)
		return;
	for (i = 0; i < n && used < len; i++) {
		w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	fsim_preset_names_free(names, n);
}

int
fsim_preset_load(const char *name_or_path, fsim_preset_t **out, char *err, size_t errlen)
{
	const struct fsim_preset_builtin *bi;
	char path[4200], rel[128], label[160], known[1024];
	size_t len;
	int r;

	fsim_preset_seterr(err, errlen, "%s", "");
	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (name_or_path == NULL || name_or_path[0] == '\0') {
		fsim_preset_seterr(err, errlen, "no preset named");
		return FSIM_ERR_ARG;
	}
	len = strlen(name_or_path);
	if (strchr(name_or_path, '/') != NULL ||
	    (len >= strlen(PRESET_EXT) && strcmp(name_or_path + len - strlen(PRESET_EXT),
	    PRESET_EXT) == 0))
		return load_file(name_or_path, out, err, errlen);
	if (!fsim_preset_valid_name(name_or_path, len)) {
		known_list(known, sizeof(known));
		fsim_preset_seterr(err, errlen, "unknown preset '%s' (known: %s; or give a path to a "
		    ".preset file)", name_or_path, known);
		return FSIM_ERR_NOT_FOUND;
	}
	snprintf(rel, sizeof(rel), "%s/%s%s", PRESET_DIR, name_or_path, PRESET_EXT);
	if (fsim_data_path(rel, path, sizeof(path)) == 0)
		r = load_file(path, out, err, errlen);
	else if ((bi = builtin(name_or_path)) != NULL) {
		snprintf(label, sizeof(label), "%s (built in)", rel);
		r = fsim_preset_parse(bi->text, bi->len, label, out, err, errlen);
		snprintf(path, sizeof(path), "%s", label);
	} else {
		known_list(known, sizeof(known));
		fsim_preset_seterr(err, errlen, "unknown preset '%s' (known: %s; or give a path to a "
		    ".preset file)", name_or_path, known);
		return FSIM_ERR_NOT_FOUND;
	}
	if (r == 0 && strcmp(fsim_preset_name(*out), name_or_path) != 0) {
		fsim_preset_seterr(err, errlen, "%s: name: '%s' is not the file's name '%s'", path,
		    fsim_preset_name(*out), name_or_path);
		fsim_preset_free(out);
		return FSIM_ERR_FORMAT;
	}
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add a copy of name unless it is there already. */
static int
add_name(char ***v, size_t *n, size_t *cap, const char *name, size_t len)
{
	char **nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strlen((*v)[i]) == len && memcmp((*v)[i], name, len) == 0)
			return 0;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		if ((nv = realloc(*v, ncap * sizeof(*nv))) == NULL)
			return FSIM_ERR_NOMEM;
		*v = nv;
		*cap = ncap;
	}
	if (((*v)[*n] = malloc(len + 1)) == NULL)
		return FSIM_ERR_NOMEM;
	memcpy((*v)[*n], name, len);
	(*v)[*n][len] = '\0';
	(*n)++;
	return 0;
}

int
fsim_preset_names(char ***names, size_t *n)
{
	char dir[4200], **v = NULL;
	size_t nv = 0, cap = 0, elen = strlen(PRESET_EXT);
	unsigned long i;
	struct dirent *de;
	DIR *d = NULL;
	int r = FSIM_ERR_ARG;

	if (names == NULL || n == NULL)
		return FSIM_ERR_ARG;
	*names = NULL;
	*n = 0;
	r = FSIM_ERR_NOMEM;
	if (fsim_data_path(PRESET_DIR, dir, sizeof(dir)) == 0 && (d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name);

			if (len <= elen || strcmp(de->d_name + len - elen, PRESET_EXT) != 0 ||
			    !fsim_preset_valid_name(de->d_name, len - elen))
				continue;
			if (add_name(&v, &nv, &cap, de->d_name, len - elen) != 0)
				goto fail;
		}
	}
	for (i = 0; i < fsim_preset_builtins_n; i++)
		if (add_name(&v, &nv, &cap, fsim_preset_builtins[i].name,
		    strlen(fsim_preset_builtins[i].name)) != 0)
			goto fail;
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_str);
	*names = v;
	*n = nv;
	v = NULL;
	nv = 0;
	r = FSIM_OK;
fail:
	if (d != NULL)
		closedir(d);
	fsim_preset_names_free(v, nv);
	return r;
}

void
fsim_preset_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
}
