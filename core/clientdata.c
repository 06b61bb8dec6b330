/*
 * clientdata.c — CollectedClientData / clientDataJSON (WebAuthn §5.8.1).
 *
 * Parsing follows §7.1 steps 5-6 and §7.2 steps 8-9: the bytes are UTF-8
 * decoded (one leading BOM is dropped, as "UTF-8 decode" does) and parsed as
 * a JSON object (rule ENC-05). Duplicate member names are refused (ENC-06):
 * the spec leaves them open and a verifier that kept either value could be
 * fooled. Missing members are not an error here; the RP checks values
 * (CDJ-01..06). The hash is taken over the bytes as received (CDJ-09).
 *
 * Building follows §5.8.1.1 (JSON-compatible serialization) exactly, with
 * CCDToString escaping, so that the limited verifier of §5.8.1.2 accepts it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "b64.h"
#include "clientdata.h"
#include "json_fast.h"
#include "ossl_cache.h"
#include "judge_memo.h"

/* UTF-8 byte order mark; "UTF-8 decode" (WHATWG Encoding) drops one. */
static const uint8_t utf8_bom[3] = { 0xef, 0xbb, 0xbf };

void
fsim_clientdata_free(fsim_clientdata_t **cdp)
{
	fsim_clientdata_t *cd;

	if (cdp == NULL || (cd = *cdp) == NULL)
		return;
	free(cd->type);
	free(cd->challenge);
	free(cd->origin);
	free(cd->top_origin);
	json_decref(cd->root);
	fsim_blob_reset(&cd->raw);
	fsim_wipe(cd, sizeof(*cd));
	free(cd);
	*cdp = NULL;
}

/*
 * Length of the well-formed UTF-8 sequence at p[0..len), or 0 if it is not
 * one. Follows Unicode Table 3-7: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
 */
static size_t
utf8_seq_len(const uint8_t *p, size_t len)
{
	uint8_t b0 = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (b0 < 0x80)
		return 1;
	if (b0 >= 0xc2 && b0 <= 0xdf)
		n = 2;
	else if (b0 >= 0xe0 && b0 <= 0xef) {
		n = 3;
		if (b0 == 0xe0)
			lo = 0xa0;      /* below is overlong */
		else if (b0 == 0xed)
			hi = 0x9f;      /* above is a surrogate */
	} else if (b0 >= 0xf0 && b0 <= 0xf4) {
		n = 4;
		if (b0 == 0xf0)
			lo = 0x90;      /* below is overlong */
		else if (b0 == 0xf4)
			hi = 0x8f;      /* above is > U+10FFFF */
	} else
		return 0;           /* 0x80..0xc1 (continuation, overlong), 0xf5.. */
	if (len < n)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Is p[0..len) well-formed UTF-8? If not, *bad is the first bad offset. */
static bool
utf8_valid(const uint8_t *p, size_t len, size_t *bad)
{
	size_t i = 0, n;

	while (i < len) {
		if ((n = utf8_seq_len(p + i, len - i)) == 0) {
			*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

/* Append CCDToString(s) (§5.8.1.1) to b. s must be valid UTF-8. */
static int
ccd_to_string(fsim_blob_t *b, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t len = strlen(s), i = 0, run;
	char esc[7];
	int r;

	if ((r = fsim_blob_append(b, (const uint8_t *)"\"", 1)) != FSIM_OK)
		return r;
	while (i < len) {
		/*
		 * Code points U+0020, U+0021, U+0023..U+005B and U+005D and up are
		 * copied as UTF-8; '"' and '\' get a backslash; the rest (the C0
		 * controls) become \u and four lower-case hex digits.
		 */
		for (run = i; run < len && p[run] >= 0x20 && p[run] != '"' &&
		    p[run] != '\\'; run++)
			;
		if ((r = fsim_blob_append(b, p + i, run - i)) != FSIM_OK)
			return r;
		if ((i = run) >= len)
			break;
		if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)p[i];
			r = fsim_blob_append(b, (const uint8_t *)esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)p[i]);
			r = fsim_blob_append(b, (const uint8_t *)esc, 6);
		}
		if (r != FSIM_OK)
			return r;
		i++;
	}
	return fsim_blob_append(b, (const uint8_t *)"\"", 1);
}

static int
append_str(fsim_blob_t *b, const char *s)
{
	return fsim_blob_append(b, (const uint8_t *)s, strlen(s));
}

/*
 * The §5.8.1.1 serialization of the leading members: type, challenge,
 * origin, crossOrigin (written false when absent) and topOrigin when
 * present. Without the closing brace. Strings must be valid UTF-8.
 */
static int
serialize_prefix(fsim_blob_t *b, const char *type, const char *challenge,
    const char *origin, bool cross_origin, const char *top_origin)
{
	int r;

	if ((r = append_str(b, "{\"type\":")) != FSIM_OK ||
	    (r = ccd_to_string(b, type)) != FSIM_OK ||
	    (r = append_str(b, ",\"challenge\":")) != FSIM_OK ||
	    (r = ccd_to_string(b, challenge)) != FSIM_OK ||
	    (r = append_str(b, ",\"origin\":")) != FSIM_OK ||
	    (r = ccd_to_string(b, origin)) != FSIM_OK ||
	    (r = append_str(b, ",\"crossOrigin\":")) != FSIM_OK ||
	    (r = append_str(b, cross_origin ? "true" : "false")) != FSIM_OK)
		return r;
	if (top_origin != NULL &&
	    ((r = append_str(b, ",\"topOrigin\":")) != FSIM_OK ||
	    (r = ccd_to_string(b, top_origin)) != FSIM_OK))
		return r;
	return FSIM_OK;
}

static bool
str_is_utf8(const char *s)
{
	size_t bad;

	return utf8_valid((const uint8_t *)s, strlen(s), &bad);
}

int
fsim_clientdata_build(const char *type, const uint8_t *challenge, size_t clen,
    const char *origin, bool cross_origin, const char *top_origin,
    fsim_blob_t *out)
{
	fsim_blob_t b = { NULL, 0 };
	char *chal = NULL;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	memset(out, 0, sizeof(*out));
	if (type == NULL || origin == NULL || (challenge == NULL && clen > 0))
		goto fail;
	/* CCDToString works on code points; refuse what is not UTF-8. */
	if (!str_is_utf8(type) || !str_is_utf8(origin) ||
	    (top_origin != NULL && !str_is_utf8(top_origin)))
		goto fail;
	if ((r = fsim_b64url_encode(challenge, clen, &chal)) != FSIM_OK)
		goto fail;
	if ((r = serialize_prefix(&b, type, chal, origin, cross_origin,
	    top_origin)) != FSIM_OK ||
	    (r = append_str(&b, "}")) != FSIM_OK)
		goto fail;
	*out = b;
	b.ptr = NULL;
	b.len = 0;
	r = FSIM_OK;
fail:
	fsim_blob_reset(&b);
	free(chal);
	return r;
}

/* JSON type name for messages. */
static const char *
json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER:
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	default: return "unknown";
	}
}

/*
 * Copy the string member `key` into *dst when present. A present member of
 * another type is an ENC-05 error (the IDL type of the member is DOMString).
 * Returns false on a type error or allocation failure (*oom set).
 */
static bool
get_string(const json_t *root, const char *key, char **dst, fsim_diags_t *d,
    bool *oom)
{
	const json_t *v = json_object_get(root, key);

	if (v == NULL)
		return true;
	if (!json_is_string(v)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-05", key, FSIM_NO_OFFSET,
		    "must be a string, found %s", json_type_name(v));
		return false;
	}
	if ((*dst = fsim_strdup(json_string_value(v))) == NULL) {
		*oom = true;
		return false;
	}
	return true;
}

/*
 * CDJ-08 (informational): were these bytes produced by §5.8.1.1? True when
 * there is no BOM, the text starts with exactly the serialization of type,
 * challenge, origin, crossOrigin and (when present) topOrigin, and the next
 * byte is '}' or ',' — the test of the limited verifier (§5.8.1.2) — and no
 * later member is one of those five (members keep their textual order in
 * jansson >= 2.8 and duplicates were refused, so iteration is text order).
 */
static int
check_canonical(const fsim_clientdata_t *cd, size_t bom, bool *canon)
{
	static const char *const lead[] = {
		"type", "challenge", "origin", "crossOrigin", "topOrigin",
	};
	fsim_blob_t b = { NULL, 0 };
	const char *key;
	size_t i = 0, nlead;
	void *it;
	int r;

	*canon = false;
	if (bom != 0 || cd->type == NULL || cd->challenge == NULL ||
	    cd->origin == NULL || cd->cross_origin < 0)
		return FSIM_OK;
	nlead = cd->top_origin != NULL ? 5 : 4;
	for (it = json_object_iter(cd->root); it != NULL;
	    it = json_object_iter_next(cd->root, it), i++) {
		key = json_object_iter_key(it);
		if (i < nlead ? strcmp(key, lead[i]) != 0 :
		    strcmp(key, "topOrigin") == 0)
			return FSIM_OK;
	}
	if ((r = serialize_prefix(&b, cd->type, cd->challenge, cd->origin,
	    cd->cross_origin == 1, cd->top_origin)) != FSIM_OK)
		goto out;
	*canon = cd->raw.len > b.len &&
	    memcmp(cd->raw.ptr, b.ptr, b.len) == 0 &&
	    (cd->raw.ptr[b.len] == '}' || cd->raw.ptr[b.len] == ',');
out:
	fsim_blob_reset(&b);
	return r;
}

/* Parse the text after the BOM; report with offsets into the whole input. */
static int
load_object(const uint8_t *p, size_t len, size_t bom, json_t **out,
    fsim_diags_t *d)
{
	json_error_t err;
	json_t *root;
	size_t pos;

	*out = NULL;
	/*
	 * JSON_DECODE_ANY so a non-object top level is reported as such below;
	 * the default EOF check refuses anything but whitespace after the one
	 * value; NUL inside strings stays refused (no JSON_ALLOW_NUL).
	 */
	root = fsim_json_fast_load((const char *)p, len, JSON_DECODE_ANY);
	if (root == NULL)
		root = json_loadb((const char *)p, len,
		    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (root == NULL) {
		pos = err.position < 0 ? FSIM_NO_OFFSET : (size_t)err.position + bom;
		if (json_error_code(&err) == json_error_duplicate_key)
			fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-06", NULL, pos,
			    "duplicate member name (%s; line %d, column %d)",
			    err.text, err.line, err.column);
		else if (json_error_code(&err) == json_error_out_of_memory)
			return FSIM_ERR_NOMEM;
		else
			fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-05", NULL, pos,
			    "not valid JSON: %s (line %d, column %d)", err.text,
			    err.line, err.column);
		return FSIM_ERR_JSON;
	}
	if (!json_is_object(root)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-05", NULL, FSIM_NO_OFFSET,
		    "top-level value must be a JSON object, found %s",
		    json_type_name(root));
		json_decref(root);
		return FSIM_ERR_JSON;
	}
	*out = root;
	return FSIM_OK;
}

static int parse(const uint8_t *, size_t, fsim_clientdata_t **, fsim_diags_t *);

/* A memo's copy of a parse: the strings and bytes copied, the JSON shared (never changed). */
static void *
cd_copy(const void *p)
{
	const fsim_clientdata_t *s = p;
	fsim_clientdata_t *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	if ((s->type != NULL && (c->type = fsim_strdup(s->type)) == NULL) ||
	    (s->challenge != NULL && (c->challenge = fsim_strdup(s->challenge)) == NULL) ||
	    (s->origin != NULL && (c->origin = fsim_strdup(s->origin)) == NULL) ||
	    (s->top_origin != NULL && (c->top_origin = fsim_strdup(s->top_origin)) == NULL) ||
	    fsim_blob_set(&c->raw, s->raw.ptr, s->raw.len) != FSIM_OK) {
		fsim_clientdata_free(&c);
		return NULL;
	}
	c->cross_origin = s->cross_origin;
	c->root = json_incref(s->root);
	memcpy(c->hash, s->hash, sizeof(c->hash));
	c->canonical_order = s->canonical_order;
	return c;
}

static void
cd_free(void *p)
{
	fsim_clientdata_t *cd = p;

	fsim_clientdata_free(&cd);
}

static const fsim_parse_kind_t cd_kind = { cd_copy, cd_free };

int
fsim_clientdata_parse(const uint8_t *ptr, size_t len, fsim_clientdata_t **out,
    fsim_diags_t *d)
{
	void *kept = NULL;
	size_t first;
	int r;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	/* judged once: the same bytes parsed earlier in this scope (judge_memo.h) */
	if (fsim_judge_memo_parse_get(&cd_kind, ptr, len, 0, d, &r, &kept)) {
		*out = kept;
		return r;
	}
	first = d != NULL ? d->n : 0;
	r = parse(ptr, len, out, d);
	fsim_judge_memo_parse_put(&cd_kind, ptr, len, 0, d, first, r, *out);
	return r;
}

static int
parse(const uint8_t *ptr, size_t len, fsim_clientdata_t **out, fsim_diags_t *d)
{
	fsim_clientdata_t *cd = NULL;
	const json_t *v;
	size_t bom = 0, bad;
	bool ok = true, oom = false;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (ptr == NULL && len > 0)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		goto fail;
	cd->cross_origin = -1;
	if ((r = fsim_blob_set(&cd->raw, ptr, len)) != FSIM_OK)
		goto fail;
	/* CDJ-09: the hash covers the bytes as received, BOM included. */
	r = FSIM_ERR_INTERNAL;
	if (fsim_sha256(ptr, len, cd->hash) != 0)
		goto fail;
	if (len >= sizeof(utf8_bom) && memcmp(ptr, utf8_bom, sizeof(utf8_bom)) == 0)
		bom = sizeof(utf8_bom);
	if (len == bom) {
		r = FSIM_ERR_JSON;
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-05", NULL, bom,
		    "empty clientDataJSON");
		goto fail;
	}
	if (!utf8_valid(ptr + bom, len - bom, &bad)) {
		r = FSIM_ERR_ENCODING;
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-05", NULL, bom + bad,
		    "invalid UTF-8 sequence starting with byte 0x%02x",
		    ptr[bom + bad]);
		goto fail;
	}
	if ((r = load_object(ptr + bom, len - bom, bom, &cd->root, d)) != FSIM_OK)
		goto fail;
	/* Member types (§5.8.1 IDL); record every mismatch before failing. */
	ok &= get_string(cd->root, "type", &cd->type, d, &oom);
	ok &= get_string(cd->root, "challenge", &cd->challenge, d, &oom);
	ok &= get_string(cd->root, "origin", &cd->origin, d, &oom);
	ok &= get_string(cd->root, "topOrigin", &cd->top_origin, d, &oom);
	if ((v = json_object_get(cd->root, "crossOrigin")) != NULL) {
		if (json_is_boolean(v))
			cd->cross_origin = json_is_true(v) ? 1 : 0;
		else {
			fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-05", "crossOrigin",
			    FSIM_NO_OFFSET, "must be a boolean, found %s",
			    json_type_name(v));
			ok = false;
		}
	}
	r = FSIM_ERR_NOMEM;
	if (oom)
		goto fail;
	r = FSIM_ERR_JSON;
	if (!ok)
		goto fail;
	if ((r = check_canonical(cd, bom, &cd->canonical_order)) != FSIM_OK)
		goto fail;
	*out = cd;
	cd = NULL;
	r = FSIM_OK;
fail:
	fsim_clientdata_free(&cd);
	return r;
}
