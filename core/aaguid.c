/*
 * aaguid.c — AAGUID text form and the provider-name list.
 *
 * The list is a JSON object {"<aaguid>": "<name>", ...}. A copy is shipped as
 * data/aaguid-names.json and compiled in as a fallback (build/gen/).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "aaguid.h"

#define NAMES_FILE "aaguid-names.json"
#define NAMES_MAX_BYTES (4u << 20)

extern const unsigned char fsim_aaguid_builtin_json[];
extern const unsigned long fsim_aaguid_builtin_json_len;

struct aaguid_entry {
	uint8_t aaguid[16];
	char *name;
};

struct fsim_aaguid_names {
	struct aaguid_entry *v;
	size_t n;
	char *source;
};

void
fsim_aaguid_format(const uint8_t aaguid[16], char out[FSIM_AAGUID_STRLEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[aaguid[i] >> 4];
		out[o++] = hex[aaguid[i] & 0x0f];
	}
	out[o] = '\0';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
fsim_aaguid_parse(const char *s, uint8_t out[16])
{
	uint8_t tmp[16];
	size_t len, i, nib = 0;
	bool dashed;
	int v;

	if (s == NULL || out == NULL)
		return FSIM_ERR_ARG;
	len = strlen(s);
	if (len == 36)
		dashed = true;
	else if (len == 32)
		dashed = false;
	else
		return FSIM_ERR_ENCODING;
	for (i = 0; i < len; i++) {
		if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return FSIM_ERR_ENCODING;
			continue;
		}
		if ((v = hexval((unsigned char)s[i])) < 0)
			return FSIM_ERR_ENCODING;
		if (nib % 2 == 0)
			tmp[nib / 2] = (uint8_t)(v << 4);
		else
			tmp[nib / 2] |= (uint8_t)v;
		nib++;
	}
	memcpy(out, tmp, 16);
	return FSIM_OK;
}

bool
fsim_aaguid_is_zero(const uint8_t aaguid[16])
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < 16; i++)
		acc |= aaguid[i];
	return acc == 0;
}

void
fsim_aaguid_names_free(fsim_aaguid_names_t **np)
{
	fsim_aaguid_names_t *n;
	size_t i;

	if (np == NULL || (n = *np) == NULL)
		return;
	for (i = 0; i < n->n; i++)
		free(n->v[i].name);
	free(n->v);
	free(n->source);
	free(n);
	*np = NULL;
}

/*
 * Build the table from JSON text. An empty object is the upstream list's
 * retirement signal: reported as DATA-01 and refused, so the caller can
 * fall back or tell the user.
 */
static int
names_from_json(const uint8_t *ptr, size_t len, const char *source,
    fsim_aaguid_names_t **out, fsim_diags_t *d)
{
	fsim_aaguid_names_t *n = NULL;
	json_error_t jerr;
	json_t *root = NULL, *val;
	const char *key;
	size_t i = 0;
	int r = FSIM_ERR_FORMAT;

	*out = NULL;
	root = json_loadb((const char *)ptr, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "DATA-01", source,
		    (size_t)jerr.position, "AAGUID name list is not valid JSON: %s",
		    jerr.text);
		goto fail;
	}
	if (!json_is_object(root)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "DATA-01", source, FSIM_NO_OFFSET,
		    "AAGUID name list must be a JSON object");
		goto fail;
	}
	if (json_object_size(root) == 0) {
		fsim_diags_add(d, FSIM_SEV_WARNING, "DATA-01", source, FSIM_NO_OFFSET,
		    "AAGUID name list is empty: the upstream list signals it "
		    "has been retired; provider names are unavailable from it");
		goto fail;
	}
	r = FSIM_ERR_NOMEM;
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->v = calloc(json_object_size(root), sizeof(*n->v))) == NULL ||
	    (n->source = fsim_strdup(source)) == NULL)
		goto fail;
	json_object_foreach(root, key, val) {
		const char *name;

		if (fsim_aaguid_parse(key, n->v[i].aaguid) != 0 ||
		    (name = json_string_value(val)) == NULL) {
			fsim_diags_add(d, FSIM_SEV_WARNING, "DATA-01", source,
			    FSIM_NO_OFFSET, "entry \"%s\" skipped: key must be an "
			    "AAGUID and value a string", key);
			continue;
		}
		if ((n->v[i].name = fsim_strdup(name)) == NULL)
			goto fail;
		i++;
		n->n = i;
	}
	*out = n;
	n = NULL;
	r = FSIM_OK;
fail:
	fsim_aaguid_names_free(&n);
	json_decref(root);
	return r;
}

int
fsim_aaguid_names_builtin(fsim_aaguid_names_t **out)
{
	return names_from_json(fsim_aaguid_builtin_json,
	    (size_t)fsim_aaguid_builtin_json_len, "(built-in copy)", out, NULL);
}

static int
load_path(const char *path, fsim_aaguid_names_t **out, fsim_diags_t *d)
{
	fsim_blob_t b = { 0 };
	int r;

	if ((r = fsim_read_file(path, NAMES_MAX_BYTES, &b)) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "DATA-01", path, FSIM_NO_OFFSET,
		    "cannot read AAGUID name list: %s", fsim_strerr(r));
		return r;
	}
	r = names_from_json(b.ptr, b.len, path, out, d);
	fsim_blob_reset(&b);
	return r;
}

int
fsim_aaguid_names_load(const char *path, fsim_aaguid_names_t **out, fsim_diags_t *d)
{
	char cand[4200];
	const char *env;
	fsim_diags_t quiet;
	int r;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (path != NULL)
		return load_path(path, out, d);
	if ((env = getenv("FIDOSIM_AAGUID_NAMES")) != NULL && env[0] != '\0')
		return load_path(env, out, d);
	if (fsim_data_path(NAMES_FILE, cand, sizeof(cand)) == 0) {
		/* A found file that fails (e.g. retired to {}) is reported; then the built-in copy. */
		fsim_diags_init(&quiet);
		r = load_path(cand, out, &quiet);
		if (r == 0) {
			fsim_diags_clear(&quiet);
			return FSIM_OK;
		}
		for (size_t i = 0; i < quiet.n; i++)
			fsim_diags_add(d, FSIM_SEV_WARNING, quiet.v[i].rule, quiet.v[i].field,
			    FSIM_NO_OFFSET, "%s; using the built-in copy", quiet.v[i].msg);
		fsim_diags_clear(&quiet);
	}
	return fsim_aaguid_names_builtin(out);
}

const char *
fsim_aaguid_name(const fsim_aaguid_names_t *n, const uint8_t aaguid[16])
{
	size_t i;

	if (n == NULL)
		return NULL;
	for (i = 0; i < n->n; i++)
		if (memcmp(n->v[i].aaguid, aaguid, 16) == 0)
			return n->v[i].name;
	return NULL;
}

size_t
fsim_aaguid_names_count(const fsim_aaguid_names_t *n)
{
	return n == NULL ? 0 : n->n;
}

const char *
fsim_aaguid_names_source(const fsim_aaguid_names_t *n)
{
	return n == NULL ? NULL : n->source;
}
