/*
 * store_cred.c — a credential as a value: reset (wiping its secrets), deep
 * copy, and the field rules of store.h that adding, loading and importing
 * all apply; the rule for blob names.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/store.h"
#include "authenticator/store_int.h"

void
fsim_cred_reset(fsim_cred_t *c)
{
	if (c == NULL)
		return;
	fsim_blob_reset(&c->id);
	free(c->rp_id);
	fsim_blob_reset(&c->user_id);
	free(c->user_name);
	free(c->user_display_name);
	fsim_blob_reset(&c->private_key);
	fsim_blob_reset(&c->cred_blob);
	fsim_wipe(c, sizeof(*c));
	memset(c, 0, sizeof(*c));
}

/* strdup that copies NULL as NULL; false only when memory ran out. */
static bool
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return true;
	return (*dst = fsim_strdup(src)) != NULL;
}

int
fsim_cred_copy(fsim_cred_t *dst, const fsim_cred_t *src)
{
	fsim_cred_t t;
	int r = FSIM_ERR_NOMEM;

	memset(&t, 0, sizeof(t));
	if (dst == NULL || src == NULL)
		return FSIM_ERR_ARG;
	/* Scalars and the fixed arrays first, then every owned field anew. */
	t = *src;
	memset(&t.id, 0, sizeof(t.id));
	memset(&t.user_id, 0, sizeof(t.user_id));
	memset(&t.private_key, 0, sizeof(t.private_key));
	memset(&t.cred_blob, 0, sizeof(t.cred_blob));
	t.rp_id = t.user_name = t.user_display_name = NULL;
	if ((r = fsim_blob_set(&t.id, src->id.ptr, src->id.len)) != 0 ||
	    (r = fsim_blob_set(&t.user_id, src->user_id.ptr, src->user_id.len)) != 0 ||
	    (r = fsim_blob_set(&t.private_key, src->private_key.ptr,
	    src->private_key.len)) != 0 ||
	    (r = fsim_blob_set(&t.cred_blob, src->cred_blob.ptr,
	    src->cred_blob.len)) != 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if (!dup_opt(&t.rp_id, src->rp_id) ||
	    !dup_opt(&t.user_name, src->user_name) ||
	    !dup_opt(&t.user_display_name, src->user_display_name))
		goto fail;
	*dst = t;
	memset(&t, 0, sizeof(t));
	r = FSIM_OK;
fail:
	fsim_cred_reset(&t);
	return r;
}

/* Well-formed UTF-8 (RFC 3629): shortest form, no surrogates, <= U+10FFFF. */
static bool
utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, k, len;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			len = 2, cp = p[i] & 0x1fu;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			len = 3, cp = p[i] & 0x0fu;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			len = 4, cp = p[i] & 0x07u;
		else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3fu);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* NULL only when optional; non-empty when required; UTF-8; bounded. */
static bool
str_ok(const char *s, bool required)
{
	size_t n;

	if (s == NULL)
		return !required;
	n = strlen(s);
	if ((required && n == 0) || n > FSIM_STORE_MAX_STRING_LEN)
		return false;
	return utf8_ok((const unsigned char *)s, n);
}

bool
fsim_cred_valid(const fsim_cred_t *c, const char **field, const char **why)
{
#define BAD(f, w) do { *field = (f); *why = (w); return false; } while (0)
	if (c->id.len < 1 || c->id.len > FSIM_STORE_MAX_ID_LEN || c->id.ptr == NULL)
		BAD("id", "must be 1..65535 bytes");
	if (!str_ok(c->rp_id, true))
		BAD("rpId", "must be a non-empty UTF-8 string of at most 1024 bytes");
	if (c->user_id.len > FSIM_STORE_MAX_USER_ID_LEN ||
	    (c->user_id.len > 0 && c->user_id.ptr == NULL))
		BAD("userId", "must be at most 64 bytes");
	if (!str_ok(c->user_name, false))
		BAD("userName", "must be UTF-8 of at most 1024 bytes");
	if (!str_ok(c->user_display_name, false))
		BAD("userDisplayName", "must be UTF-8 of at most 1024 bytes");
	if (c->alg == 0)
		BAD("alg", "0 is not a COSE algorithm");
	if (c->private_key.len < 1 || c->private_key.len > FSIM_STORE_MAX_KEY_LEN ||
	    c->private_key.ptr == NULL)
		BAD("privateKey", "must be 1..16384 bytes");
	if (c->cred_protect > 3)
		BAD("credProtect", "must be 0..3");
	if (c->cred_blob.len > FSIM_STORE_MAX_CRED_BLOB_LEN ||
	    (c->cred_blob.len > 0 && c->cred_blob.ptr == NULL))
		BAD("credBlob", "must be at most 4096 bytes");
	if (c->created > (uint64_t)INT64_MAX)
		BAD("created", "must be at most 2^63-1");
	*field = *why = NULL;
	return true;
#undef BAD
}

bool
fsim_store_blob_name_valid(const char *name)
{
	size_t i, n;

	if (name == NULL || (n = strlen(name)) == 0 ||
	    n > FSIM_STORE_MAX_BLOB_NAME_LEN)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
			return false;
	return true;
}

