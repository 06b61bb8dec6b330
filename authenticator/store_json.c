/*
 * store_json.c — the store's file format, JSON with binary as base64url:
 *
 *   {"format": "fidosim-store", "version": 1,
 *    "wrapKey": b64url(32), "globalCounter": u32, "seq": n,
 *    "blobs": {name: b64url},
 *    "credentials": [{"id", "rpId", "userId", "userName", "userDisplayName",
 *        "alg", "privateKey", "discoverable", "signCount", "be", "bs",
 *        "credProtect", "credBlob", "hmacSecret", "credRandomUv",
 *        "credRandomNoUv", "created", "seq", "hidden"?}],
 *    "idCounters": {hex(SHA-256(id)): u32}}
 *
 * Reading is strict: every member is required (userName and
 * userDisplayName may be null; "hidden", a credential a signal hid, is
 * written only when true, so stores without one read as before), no unknown member is accepted, types,
 * lengths and ranges are checked, and every problem is reported as STORE-01
 * with the JSON path of the member. "format" and "version" are checked
 * first, so a file from a newer fidosim is reported as such rather than as
 * a list of unknown members.
 *
 * Secrets (wrapKey, privateKey, credRandom*, blobs) pass through jansson
 * strings; those are wiped before the tree is freed.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/b64.h"
#include "authenticator/store_int.h"

/* ---- writing ---- */

static int
put_new(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL)
		return FSIM_ERR_NOMEM;
	return json_object_set_new(obj, key, v) == 0 ? FSIM_OK : FSIM_ERR_NOMEM;
}

static int
put_b64(json_t *obj, const char *key, const uint8_t *p, size_t n)
{
	char *t = NULL;
	int r;

	if ((r = fsim_b64url_encode(p, n, &t)) != 0)
		return r;
	r = put_new(obj, key, json_string(t));
	fsim_wipe(t, strlen(t));
	free(t);
	return r;
}

static int
put_str(json_t *obj, const char *key, const char *s)
{
	return put_new(obj, key, s != NULL ? json_string(s) : json_null());
}

static int
put_int(json_t *obj, const char *key, uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		return FSIM_ERR_ARG;
	return put_new(obj, key, json_integer((json_int_t)v));
}

/* Wipe every string in a tree (the secrets among them) before it is freed. */
static void
wipe_tree(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j))
		fsim_wipe((char *)(uintptr_t)json_string_value(j), json_string_length(j));
	else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			wipe_tree(v);
	} else if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			wipe_tree(v);
	}
}

static void
free_tree(json_t **j)
{
	if (*j == NULL)
		return;
	wipe_tree(*j);
	json_decref(*j);
	*j = NULL;
}

static int
cred_to_json(const fsim_cred_t *c, json_t **out)
{
	json_t *o = json_object();
	int r = FSIM_ERR_NOMEM;

	if (o == NULL)
		goto fail;
	if ((r = put_b64(o, "id", c->id.ptr, c->id.len)) != 0 ||
	    (r = put_str(o, "rpId", c->rp_id)) != 0 ||
	    (r = put_b64(o, "userId", c->user_id.ptr, c->user_id.len)) != 0 ||
	    (r = put_str(o, "userName", c->user_name)) != 0 ||
	    (r = put_str(o, "userDisplayName", c->user_display_name)) != 0 ||
	    (r = put_new(o, "alg", json_integer(c->alg))) != 0 ||
	    (r = put_b64(o, "privateKey", c->private_key.ptr,
	    c->private_key.len)) != 0 ||
	    (r = put_new(o, "discoverable", json_boolean(c->discoverable))) != 0 ||
	    (r = put_int(o, "signCount", c->sign_count)) != 0 ||
	    (r = put_new(o, "be", json_boolean(c->be))) != 0 ||
	    (r = put_new(o, "bs", json_boolean(c->bs))) != 0 ||
	    (r = put_int(o, "credProtect", c->cred_protect)) != 0 ||
	    (r = put_b64(o, "credBlob", c->cred_blob.ptr, c->cred_blob.len)) != 0 ||
	    (r = put_new(o, "hmacSecret", json_boolean(c->hmac_secret))) != 0 ||
	    (r = put_b64(o, "credRandomUv", c->cred_random_uv, 32)) != 0 ||
	    (r = put_b64(o, "credRandomNoUv", c->cred_random_nouv, 32)) != 0 ||
	    (r = put_int(o, "created", c->created)) != 0 ||
	    (r = put_int(o, "seq", c->seq)) != 0 ||
	    (c->hidden && (r = put_new(o, "hidden", json_true())) != 0))
		goto fail;
	*out = o;
	o = NULL;
	r = FSIM_OK;
fail:
	free_tree(&o);
	return r;
}

static int
store_to_json(const fsim_store_t *s, json_t **out)
{
	json_t *root = json_object(), *blobs = json_object(), *creds = json_array(),
	    *idc = json_object(), *c = NULL;
	char *hex = NULL;
	size_t i;
	int r = FSIM_ERR_NOMEM;

	if (root == NULL || blobs == NULL || creds == NULL || idc == NULL)
		goto fail;
	for (i = 0; i < s->nblobs; i++)
		if ((r = put_b64(blobs, s->blobs[i].name, s->blobs[i].val.ptr,
		    s->blobs[i].val.len)) != 0)
			goto fail;
	for (i = 0; i < s->ncreds; i++) {
		if ((r = cred_to_json(&s->creds[i], &c)) != 0)
			goto fail;
		r = FSIM_ERR_NOMEM;
		if (json_array_append_new(creds, c) != 0) {
			c = NULL;
			goto fail;
		}
		c = NULL;
	}
	for (i = 0; i < s->nidc; i++) {
		if ((r = fsim_hex_encode(s->idc[i].hash, 32, &hex)) != 0 ||
		    (r = put_int(idc, hex, s->idc[i].v)) != 0)
			goto fail;
		free(hex);
		hex = NULL;
	}
	if ((r = put_str(root, "format", FSIM_STORE_FORMAT_NAME)) != 0 ||
	    (r = put_int(root, "version", FSIM_STORE_VERSION)) != 0 ||
	    (r = put_b64(root, "wrapKey", s->wrap_key, 32)) != 0 ||
	    (r = put_int(root, "globalCounter", s->global_counter)) != 0 ||
	    (r = put_int(root, "seq", s->seq)) != 0)
		goto fail;
	r = put_new(root, "blobs", blobs);
	blobs = NULL;
	if (r != 0)
		goto fail;
	r = put_new(root, "credentials", creds);
	creds = NULL;
	if (r != 0)
		goto fail;
	r = put_new(root, "idCounters", idc);
	idc = NULL;
	if (r != 0)
		goto fail;
	*out = root;
	root = NULL;
	r = FSIM_OK;
fail:
	free(hex);
	free_tree(&c);
	free_tree(&idc);
	free_tree(&creds);
	free_tree(&blobs);
	free_tree(&root);
	return r;
}

int
fsim_store_to_text(const fsim_store_t *s, char **text, size_t *len)
{
	const size_t flags = JSON_INDENT(1) | JSON_PRESERVE_ORDER;
	json_t *root = NULL;
	char *buf = NULL;
	size_t n, m = 0;
	int r = FSIM_ERR_ARG;

	if (s == NULL || text == NULL || len == NULL)
		goto fail;
	if ((r = store_to_json(s, &root)) != 0)
		goto fail;
	/*
	 * json_dumpb writes straight into our buffer (json_dumps would grow a
	 * buffer by realloc and leave unwiped copies of the secrets behind).
	 */
	r = FSIM_ERR_NOMEM;
	if ((n = json_dumpb(root, NULL, 0, flags)) == 0 || n > SIZE_MAX - 2 ||
	    (buf = malloc(n + 2)) == NULL ||
	    (m = json_dumpb(root, buf, n, flags)) != n)
		goto fail;
	buf[n] = '\n';
	buf[n + 1] = '\0';
	*text = buf;
	*len = n + 1;
	buf = NULL;
	r = FSIM_OK;
fail:
	if (buf != NULL) {
		fsim_wipe(buf, m);
		free(buf);
	}
	free_tree(&root);
	return r;
}

/* ---- reading ---- */

typedef struct rd {
	fsim_diags_t *d;
	size_t nerr;
	bool seq_ok;        /* the top-level seq was read (credentials check against it) */
} rd_t;

static void
report(rd_t *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(rd_t *c, const char *path, const char *fmt, ...)
{
	char msg[sizeof(((fsim_diag_t *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->nerr++;
	fsim_diags_add(c->d, FSIM_SEV_ERROR, FSIM_STORE_RULE, path, FSIM_NO_OFFSET,
	    "%s", msg);
}

static const char *
type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction or exponent";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* A member that must be there; NULL (reported) when it is not. */
static json_t *
member(rd_t *c, json_t *obj, const char *base, const char *key, char *path,
    size_t plen)
{
	json_t *v;

	if (base[0] != '\0')
		snprintf(path, plen, "%s.%s", base, key);
	else
		snprintf(path, plen, "%s", key);
	if ((v = json_object_get(obj, key)) == NULL)
		report(c, path, "missing");
	return v;
}

/* Members other than the known ones are refused. */
static void
no_unknown(rd_t *c, json_t *obj, const char *base, const char *const *known)
{
	char path[160];
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(obj, k, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(known[i], k) == 0)
				break;
		if (known[i] != NULL)
			continue;
		if (base[0] != '\0')
			snprintf(path, sizeof(path), "%s.%s", base, k);
		else
			snprintf(path, sizeof(path), "%s", k);
		report(c, path, "unknown member");
	}
}

/* base64url text of min..max bytes into out. */
static void
b64_value(rd_t *c, json_t *v, const char *path, size_t min, size_t max,
    fsim_blob_t *out)
{
	fsim_diags_t tmp;
	fsim_blob_t b = { 0 };
	const fsim_diag_t *e;
	int r;

	if (!json_is_string(v)) {
		report(c, path, "must be a base64url string, found %s", type_name(v));
		return;
	}
	fsim_diags_init(&tmp);
	r = fsim_b64url_decode(json_string_value(v), json_string_length(v), &b,
	    &tmp, path);
	if (r == FSIM_ERR_NOMEM) {
		report(c, path, "out of memory");
	} else if (r != 0) {
		e = fsim_diags_first(&tmp, FSIM_SEV_ERROR);
		report(c, path, "not base64url: %s", e != NULL ? e->msg : fsim_strerr(r));
	} else if (b.len < min || b.len > max) {
		if (min == max)
			report(c, path, "must be %zu bytes, found %zu", min, b.len);
		else
			report(c, path, "must be %zu..%zu bytes, found %zu", min, max,
			    b.len);
	} else {
		*out = b;
		memset(&b, 0, sizeof(b));
	}
	fsim_blob_reset(&b);
	fsim_diags_clear(&tmp);
}

static void
get_b64(rd_t *c, json_t *obj, const char *base, const char *key, size_t min,
    size_t max, fsim_blob_t *out)
{
	char path[160];
	json_t *v;

	if ((v = member(c, obj, base, key, path, sizeof(path))) != NULL)
		b64_value(c, v, path, min, max, out);
}

static void
get_b64_fixed(rd_t *c, json_t *obj, const char *base, const char *key,
    uint8_t *out, size_t n)
{
	fsim_blob_t b = { 0 };

	get_b64(c, obj, base, key, n, n, &b);
	if (b.len == n)
		memcpy(out, b.ptr, n);
	fsim_blob_reset(&b);
}

static bool
uint_value(rd_t *c, json_t *v, const char *path, uint64_t max, uint64_t *out)
{
	json_int_t i;

	if (!json_is_integer(v)) {
		report(c, path, "must be an integer, found %s", type_name(v));
		return false;
	}
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max) {
		report(c, path, "must be 0..%llu, found %lld",
		    (unsigned long long)max, (long long)i);
		return false;
	}
	*out = (uint64_t)i;
	return true;
}

static bool
get_uint(rd_t *c, json_t *obj, const char *base, const char *key, uint64_t max,
    uint64_t *out)
{
	char path[160];
	json_t *v;

	if ((v = member(c, obj, base, key, path, sizeof(path))) == NULL)
		return false;
	return uint_value(c, v, path, max, out);
}

static void
get_bool(rd_t *c, json_t *obj, const char *base, const char *key, bool *out)
{
	char path[160];
	json_t *v;

	if ((v = member(c, obj, base, key, path, sizeof(path))) == NULL)
		return;
	if (!json_is_boolean(v))
		report(c, path, "must be true or false, found %s", type_name(v));
	else
		*out = json_is_true(v);
}

/* A string (or null when nullable), copied into *out. */
static void
get_str(rd_t *c, json_t *obj, const char *base, const char *key, bool nullable,
    char **out)
{
	char path[160];
	json_t *v;
	size_t n;

	if ((v = member(c, obj, base, key, path, sizeof(path))) == NULL)
		return;
	if (nullable && json_is_null(v))
		return;
	if (!json_is_string(v)) {
		report(c, path, "must be a string%s, found %s",
		    nullable ? " or null" : "", type_name(v));
		return;
	}
	n = json_string_length(v);
	if (n != strlen(json_string_value(v)))
		report(c, path, "contains a NUL character");
	else if (n > FSIM_STORE_MAX_STRING_LEN)
		report(c, path, "longer than %d bytes (%zu)",
		    FSIM_STORE_MAX_STRING_LEN, n);
	else if (!nullable && n == 0)
		report(c, path, "must not be empty");
	else if ((*out = fsim_strdup(json_string_value(v))) == NULL)
		report(c, path, "out of memory");
}

static const char *const cred_members[] = {
	"id", "rpId", "userId", "userName", "userDisplayName", "alg",
	"privateKey", "discoverable", "signCount", "be", "bs", "credProtect",
	"credBlob", "hmacSecret", "credRandomUv", "credRandomNoUv", "created",
	"seq", "hidden", NULL
};

static void
read_cred(rd_t *c, fsim_store_t *s, json_t *o, size_t idx)
{
	char base[48], path[160];
	const char *field, *why;
	fsim_cred_t t;
	size_t nerr = c->nerr;
	uint64_t u = 0;
	json_t *v;

	memset(&t, 0, sizeof(t));
	snprintf(base, sizeof(base), "credentials[%zu]", idx);
	if (!json_is_object(o)) {
		report(c, base, "must be an object, found %s", type_name(o));
		return;
	}
	no_unknown(c, o, base, cred_members);
	get_b64(c, o, base, "id", 1, FSIM_STORE_MAX_ID_LEN, &t.id);
	get_str(c, o, base, "rpId", false, &t.rp_id);
	get_b64(c, o, base, "userId", 0, FSIM_STORE_MAX_USER_ID_LEN, &t.user_id);
	get_str(c, o, base, "userName", true, &t.user_name);
	get_str(c, o, base, "userDisplayName", true, &t.user_display_name);
	if ((v = member(c, o, base, "alg", path, sizeof(path))) != NULL) {
		if (!json_is_integer(v))
			report(c, path, "must be an integer, found %s", type_name(v));
		else if (json_integer_value(v) == 0 ||
		    json_integer_value(v) < INT_MIN || json_integer_value(v) > INT_MAX)
			report(c, path, "%lld is not a COSE algorithm",
			    (long long)json_integer_value(v));
		else
			t.alg = (int)json_integer_value(v);
	}
	get_b64(c, o, base, "privateKey", 1, FSIM_STORE_MAX_KEY_LEN, &t.private_key);
	get_bool(c, o, base, "discoverable", &t.discoverable);
	if (get_uint(c, o, base, "signCount", UINT32_MAX, &u))
		t.sign_count = (uint32_t)u;
	get_bool(c, o, base, "be", &t.be);
	get_bool(c, o, base, "bs", &t.bs);
	if (get_uint(c, o, base, "credProtect", 3, &u))
		t.cred_protect = (uint8_t)u;
	get_b64(c, o, base, "credBlob", 0, FSIM_STORE_MAX_CRED_BLOB_LEN, &t.cred_blob);
	get_bool(c, o, base, "hmacSecret", &t.hmac_secret);
	get_b64_fixed(c, o, base, "credRandomUv", t.cred_random_uv, 32);
	get_b64_fixed(c, o, base, "credRandomNoUv", t.cred_random_nouv, 32);
	(void)get_uint(c, o, base, "created", INT64_MAX, &t.created);
	(void)get_uint(c, o, base, "seq", INT64_MAX, &t.seq);
	if (json_object_get(o, "hidden") != NULL)
		get_bool(c, o, base, "hidden", &t.hidden);
	if (c->nerr != nerr)
		goto done;
	/* The same rules fsim_store_add_cred applies (UTF-8 and the rest). */
	if (!fsim_cred_valid(&t, &field, &why)) {
		snprintf(path, sizeof(path), "%s.%s", base, field);
		report(c, path, "%s", why);
	} else if (c->seq_ok && (t.seq < 1 || t.seq > s->seq)) {
		snprintf(path, sizeof(path), "%s.seq", base);
		report(c, path, "%llu is not in 1..seq (%llu)",
		    (unsigned long long)t.seq, (unsigned long long)s->seq);
	} else if (fsim_store_find_cred(s, t.id.ptr, t.id.len) != NULL) {
		snprintf(path, sizeof(path), "%s.id", base);
		report(c, path, "the same credential ID is stored twice");
	} else if (fsim_store_take_cred(s, &t) != 0)
		report(c, base, "out of memory");
done:
	fsim_cred_reset(&t);
}

static void
read_blobs(rd_t *c, fsim_store_t *s, json_t *o)
{
	char path[160];
	fsim_blob_t b;
	const char *k;
	json_t *v;

	if (!json_is_object(o)) {
		report(c, "blobs", "must be an object, found %s", type_name(o));
		return;
	}
	json_object_foreach(o, k, v) {
		snprintf(path, sizeof(path), "blobs.%s", k);
		if (!fsim_store_blob_name_valid(k)) {
			report(c, path, "a blob name is 1..%d printable ASCII "
			    "characters without spaces", FSIM_STORE_MAX_BLOB_NAME_LEN);
			continue;
		}
		memset(&b, 0, sizeof(b));
		b64_value(c, v, path, 0, FSIM_STORE_MAX_BLOB_LEN, &b);
		if (c->nerr == 0 && fsim_store_set_blob(s, k, b.ptr, b.len) != 0)
			report(c, path, "out of memory");
		fsim_blob_reset(&b);
	}
}

static bool
lower_hex(const char *k)
{
	size_t i;

	for (i = 0; k[i] != '\0'; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
			return false;
	return i == 64;
}

static void
read_idc(rd_t *c, fsim_store_t *s, json_t *o)
{
	char path[160];
	fsim_blob_t h = { 0 };
	const char *k;
	uint64_t u;
	json_t *v;

	if (!json_is_object(o)) {
		report(c, "idCounters", "must be an object, found %s", type_name(o));
		return;
	}
	json_object_foreach(o, k, v) {
		snprintf(path, sizeof(path), "idCounters.%s", k);
		if (!lower_hex(k)) {
			report(c, path, "a key is SHA-256 of a credential ID as 64 "
			    "lowercase hex digits");
			continue;
		}
		if (!uint_value(c, v, path, UINT32_MAX, &u))
			continue;
		if (fsim_hex_decode(k, 64, &h) != 0 || h.len != 32 ||
		    fsim_store_set_id_counter(s, h.ptr, (uint32_t)u) != 0)
			report(c, path, "out of memory");
		fsim_blob_reset(&h);
	}
}

static const char *const top_members[] = {
	"format", "version", "wrapKey", "globalCounter", "seq", "blobs",
	"credentials", "idCounters", NULL
};

/* "format" and "version": false when nothing else should be read. */
static bool
read_header(rd_t *c, json_t *root)
{
	char path[160];
	json_t *v;
	json_int_t ver;

	if ((v = member(c, root, "", "format", path, sizeof(path))) == NULL)
		return false;
	if (!json_is_string(v) || strcmp(json_string_value(v),
	    FSIM_STORE_FORMAT_NAME) != 0) {
		report(c, path, "must be \"%s\": this is not a fidosim store",
		    FSIM_STORE_FORMAT_NAME);
		return false;
	}
	if ((v = member(c, root, "", "version", path, sizeof(path))) == NULL)
		return false;
	if (!json_is_integer(v)) {
		report(c, path, "must be an integer, found %s", type_name(v));
		return false;
	}
	ver = json_integer_value(v);
	if (ver > FSIM_STORE_VERSION) {
		report(c, path, "store version %lld is newer than this fidosim "
		    "reads (%d): use a newer fidosim; the file was left unchanged",
		    (long long)ver, FSIM_STORE_VERSION);
		return false;
	}
	if (ver < 1) {
		report(c, path, "%lld is not a store version", (long long)ver);
		return false;
	}
	return true;
}

int
fsim_store_from_text(const uint8_t *text, size_t len, fsim_store_t **out,
    fsim_diags_t *d)
{
	rd_t c = { d, 0, false };
	fsim_store_t *s = NULL;
	json_error_t err;
	json_t *root = NULL, *v;
	char path[160];
	uint64_t u;
	size_t i;
	int r = FSIM_ERR_ARG;

	if (out == NULL || (text == NULL && len > 0))
		goto fail;
	*out = NULL;
	r = FSIM_ERR_FORMAT;
	if (len == 0) {
		report(&c, "", "the file is empty");
		goto fail;
	}
	root = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		if (json_error_code(&err) == json_error_out_of_memory) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
		c.nerr++;
		fsim_diags_add(d, FSIM_SEV_ERROR, FSIM_STORE_RULE, "",
		    err.position < 0 ? FSIM_NO_OFFSET : (size_t)err.position,
		    "not valid JSON: %s (line %d, column %d)", err.text, err.line,
		    err.column);
		goto fail;
	}
	if (!json_is_object(root)) {
		report(&c, "", "must be a JSON object, found %s", type_name(root));
		goto fail;
	}
	if (!read_header(&c, root))
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((s = fsim_store_alloc()) == NULL)
		goto fail;
	r = FSIM_ERR_FORMAT;
	no_unknown(&c, root, "", top_members);
	get_b64_fixed(&c, root, "", "wrapKey", s->wrap_key, 32);
	if (get_uint(&c, root, "", "globalCounter", UINT32_MAX, &u))
		s->global_counter = (uint32_t)u;
	c.seq_ok = get_uint(&c, root, "", "seq", INT64_MAX, &s->seq);
	if ((v = member(&c, root, "", "blobs", path, sizeof(path))) != NULL)
		read_blobs(&c, s, v);
	if ((v = member(&c, root, "", "idCounters", path, sizeof(path))) != NULL)
		read_idc(&c, s, v);
	if ((v = member(&c, root, "", "credentials", path, sizeof(path))) != NULL) {
		if (!json_is_array(v))
			report(&c, path, "must be an array, found %s", type_name(v));
		else
			for (i = 0; i < json_array_size(v); i++)
				read_cred(&c, s, json_array_get(v, i), i);
	}
	if (c.nerr > 0)
		goto fail;
	*out = s;
	s = NULL;
	r = FSIM_OK;
fail:
	free_tree(&root);
	fsim_store_free(&s);
	return r;
}
