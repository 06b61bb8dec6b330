/*
 * attobj.c — the attestation object (WebAuthn §6.5.4): one CBOR map
 * {"fmt": text, "attStmt": map, "authData": bytes}.
 *
 * We walk the top-level map ourselves and decode each key and value as its
 * own CBOR item (fsim_cbor_decode_prefix). That way we know the byte offset
 * of every value, so diagnostics from nested parsers (the authData, the
 * attStmt's CBOR) carry absolute offsets and a field named after the key
 * being read, and a truncated input is reported against the member it cut
 * ("authData declares 164 bytes but only 70 remain").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attobj.h"
#include "cborx.h"
#include "judge_memo.h"

#define ATT_FMT_MAX 32         /* §8.1: identifiers are at most 32 octets */
#define ATT_UNKNOWN_KEYS_MAX 32  /* unknown keys checked for duplicates */

enum { K_FMT, K_ATTSTMT, K_AUTHDATA, K_NKNOWN };
static const char *const known_keys[K_NKNOWN] = { "fmt", "attStmt", "authData" };

fsim_attobj_t *
fsim_attobj_new(void)
{
	return calloc(1, sizeof(fsim_attobj_t));
}

void
fsim_attobj_free(fsim_attobj_t **aop)
{
	fsim_attobj_t *ao;

	if (aop == NULL || (ao = *aop) == NULL)
		return;
	free(ao->fmt);
	if (ao->att_stmt != NULL)
		cbor_decref(&ao->att_stmt);
	fsim_blob_reset(&ao->auth_data_raw);
	fsim_authdata_free(&ao->auth_data);
	free(ao);
	*aop = NULL;
}

/* One CBOR head (RFC 8949 §3): major type, argument and its encoded size. */
struct cb_head {
	uint8_t major;
	uint8_t ai;        /* additional information, low 5 bits */
	uint64_t arg;
	size_t hlen;
};

enum { HEAD_OK = 0, HEAD_TRUNC, HEAD_RESERVED, HEAD_INDEF };

static int
read_head(const uint8_t *p, size_t len, size_t pos, struct cb_head *h)
{
	size_t n, i;

	memset(h, 0, sizeof(*h));
	if (pos >= len)
		return HEAD_TRUNC;
	h->major = (uint8_t)(p[pos] >> 5);
	h->ai = (uint8_t)(p[pos] & 0x1f);
	if (h->ai < 24) {
		h->arg = h->ai;
		h->hlen = 1;
		return HEAD_OK;
	}
	if (h->ai == 31)
		return HEAD_INDEF;
	if (h->ai > 27)
		return HEAD_RESERVED;
	n = (size_t)1 << (h->ai - 24);
	if (len - pos - 1 < n)
		return HEAD_TRUNC;
	for (i = 0; i < n; i++)
		h->arg = h->arg << 8 | p[pos + 1 + i];
	h->hlen = 1 + n;
	return HEAD_OK;
}

static const char *
major_name(uint8_t major)
{
	static const char *const names[8] = {
		"unsigned integer", "negative integer", "byte string",
		"text string", "array", "map", "tag", "simple value or float",
	};

	return names[major & 7];
}

/* Which known key is this text item, or -1. */
static int
known_key(const cbor_item_t *key)
{
	size_t n, i;

	if (!cbor_isa_string(key))
		return -1;
	n = cbor_string_length(key);
	for (i = 0; i < K_NKNOWN; i++)
		if (strlen(known_keys[i]) == n &&
		    memcmp(cbor_string_handle(key), known_keys[i], n) == 0)
			return (int)i;
	return -1;
}

/* A printable excerpt of a text key for messages. */
static void
key_label(const cbor_item_t *key, char *buf, size_t len)
{
	const uint8_t *s;
	size_t n, i, o = 0;

	if (cbor_isa_string(key)) {
		s = cbor_string_handle(key);
		n = cbor_string_length(key);
		for (i = 0; i < n && o + 2 < len && i < 40; i++)
			buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
		buf[o] = '\0';
		return;
	}
	snprintf(buf, len, "(%s)", fsim_cbor_type_name(key));
}

/*
 * ATT-01 (§8.1): an attestation statement format identifier is at most 32
 * octets of printable US-ASCII without '"' or '\'.
 */
static void
check_fmt_syntax(fsim_pctx_t *c, const uint8_t *s, size_t n, size_t off)
{
	size_t i;

	if (n == 0)
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ATT-01", "fmt", off,
		    "fmt is empty; a format identifier has 1 to 32 characters");
	else if (n > ATT_FMT_MAX)
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ATT-01", "fmt", off,
		    "fmt is %zu bytes; a format identifier has at most 32", n);
	for (i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\') {
			fsim_pctx_error(c, FSIM_ERR_FORMAT, "ATT-01", "fmt", off,
			    "fmt has byte 0x%02x at position %zu; a format "
			    "identifier is printable US-ASCII without '\"' or '\\'",
			    s[i], i);
			break;
		}
	}
}

/* Where the pieces of the top-level map were found. */
struct ao_walk {
	cbor_item_t *val[K_NKNOWN];   /* owned */
	size_t key_off[K_NKNOWN];
	size_t val_off[K_NKNOWN];
	size_t end;                   /* just past the map */
};

/*
 * Reject a string value whose declared length runs past the input, naming
 * the member: a cut-off attestationObject is most often cut in authData.
 */
static bool
string_fits(fsim_pctx_t *c, const uint8_t *ptr, size_t len, size_t pos,
    const char *name)
{
	struct cb_head h;

	if (read_head(ptr, len, pos, &h) != HEAD_OK ||
	    (h.major != 2 && h.major != 3))
		return true;  /* let the CBOR decoder describe it */
	if (h.arg > len - pos - h.hlen) {
		fsim_pctx_error(c, FSIM_ERR_CBOR, "ENC-03", name, pos,
		    "%s declares %llu bytes but only %zu remain (its bytes "
		    "start at offset %zu)", name, (unsigned long long)h.arg,
		    len - pos - h.hlen, fsim_diags_abs(c->d, pos + h.hlen));
		return false;
	}
	return true;
}

/*
 * Walk the map at the start of ptr. Returns false when the input's extent
 * could not be followed (the error is recorded).
 */
static bool
walk_map(fsim_pctx_t *c, const uint8_t *ptr, size_t len, struct ao_walk *w)
{
	fsim_diags_frame_t frame;
	cbor_item_t *key = NULL, *val = NULL;
	struct {
		uint8_t major;
		uint64_t arg;
		size_t hlen, off;
	} unk[ATT_UNKNOWN_KEYS_MAX];
	size_t nunk = 0, pos, kpos, ku, vu, i, j;
	struct cb_head h, kh;
	char label[48];
	bool ok = false;
	int hr, rc, k;

	if (len == 0) {
		fsim_pctx_error(c, FSIM_ERR_CBOR, "ENC-03", "", 0,
		    "the attestation object is empty");
		goto out;
	}
	hr = read_head(ptr, len, 0, &h);
	if (h.major != 5) {
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ENC-02", "", 0,
		    "the attestation object must be a CBOR map, found %s",
		    major_name(h.major));
		goto out;
	}
	if (hr == HEAD_TRUNC) {
		fsim_pctx_error(c, FSIM_ERR_CBOR, "ENC-03", "", len,
		    "the attestation object ends inside its map head");
		goto out;
	}
	if (hr == HEAD_INDEF) {
		fsim_pctx_error(c, FSIM_ERR_CBOR, "CBOR-01", "", 0,
		    "the attestation object is an indefinite-length map; only "
		    "definite lengths are allowed");
		goto out;
	}
	if (hr == HEAD_RESERVED) {
		fsim_pctx_error(c, FSIM_ERR_CBOR, "ENC-03", "", 0,
		    "the attestation object starts with a reserved CBOR head 0x%02x",
		    ptr[0]);
		goto out;
	}

	pos = h.hlen;
	for (i = 0; i < h.arg; i++) {
		if (pos == len) {
			fsim_pctx_error(c, FSIM_ERR_CBOR, "ENC-03", "", len,
			    "the map declares %llu entries but the input ends "
			    "after %zu", (unsigned long long)h.arg, i);
			goto out;
		}
		kpos = pos;
		fsim_diags_push(c->d, &frame, pos, NULL);
		rc = fsim_cbor_decode_prefix(ptr + pos, len - pos, &key, &ku, c->d);
		fsim_diags_pop(c->d, &frame);
		if (rc != 0) {
			fsim_pctx_fail(c, rc);
			goto out;
		}
		pos += ku;
		k = known_key(key);
		key_label(key, label, sizeof(label));
		if (pos == len) {
			fsim_pctx_error(c, FSIM_ERR_CBOR, "ENC-03",
			    k >= 0 ? known_keys[k] : "", len,
			    "the input ends after the key \"%s\", before its value",
			    label);
			goto out;
		}
		if ((k == K_FMT || k == K_AUTHDATA) &&
		    !string_fits(c, ptr, len, pos, known_keys[k]))
			goto out;
		fsim_diags_push(c->d, &frame, pos, k >= 0 ? known_keys[k] : NULL);
		rc = fsim_cbor_decode_prefix(ptr + pos, len - pos, &val, &vu, c->d);
		fsim_diags_pop(c->d, &frame);
		if (rc != 0) {
			fsim_pctx_fail(c, rc);
			goto out;
		}

		if (k >= 0) {
			if (w->val[k] != NULL)
				fsim_pctx_error(c, FSIM_ERR_CBOR, "CBOR-DUP", known_keys[k],
				    kpos, "duplicate key \"%s\" (first at offset "
				    "%zu)", known_keys[k], fsim_diags_abs(c->d, w->key_off[k]));
			else {
				w->val[k] = val;
				val = NULL;
				w->key_off[k] = kpos;
				w->val_off[k] = pos;
			}
		} else if (!cbor_isa_string(key) && !cbor_isa_uint(key) &&
		    !cbor_isa_negint(key)) {
			fsim_pctx_error(c, FSIM_ERR_CBOR, "CBOR-KEYTYPE", "", kpos,
			    "map key #%zu is a %s; keys are integers or text "
			    "strings", i + 1, fsim_cbor_type_name(key));
		} else {
			/*
			 * Duplicates among unknown keys, by value (major type,
			 * argument, text). Only the first few are remembered:
			 * a hostile map with many keys must not cost n^2.
			 */
			if (read_head(ptr, len, kpos, &kh) != HEAD_OK) {
				fsim_pctx_fail(c, FSIM_ERR_INTERNAL);
				goto out;
			}
			for (j = 0; j < nunk; j++)
				if (unk[j].major == kh.major && unk[j].arg == kh.arg &&
				    (kh.major != 3 || memcmp(ptr + unk[j].off +
				    unk[j].hlen, ptr + kpos + kh.hlen,
				    (size_t)kh.arg) == 0))
					break;
			if (j < nunk)
				fsim_pctx_error(c, FSIM_ERR_CBOR, "CBOR-DUP", label, kpos,
				    "duplicate key \"%s\" (first at offset %zu)",
				    label, fsim_diags_abs(c->d, unk[j].off));
			else {
				fsim_diags_add(c->d, FSIM_SEV_WARNING, "ENC-02",
				    label, kpos, "unknown key \"%s\" in the "
				    "attestation object is ignored", label);
				if (nunk < ATT_UNKNOWN_KEYS_MAX) {
					unk[nunk].major = kh.major;
					unk[nunk].arg = kh.arg;
					unk[nunk].hlen = kh.hlen;
					unk[nunk++].off = kpos;
				}
			}
		}
		pos += vu;
		cbor_decref(&key);
		if (val != NULL)
			cbor_decref(&val);
	}
	w->end = pos;
	ok = true;
out:
	if (key != NULL)
		cbor_decref(&key);
	if (val != NULL)
		cbor_decref(&val);
	return ok;
}

/* ENC-02: the three members with their types (§6.5.4). */
static void
check_members(fsim_pctx_t *c, const struct ao_walk *w, bool compound)
{
	const cbor_item_t *v;

	if ((v = w->val[K_FMT]) == NULL)
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ENC-02", "fmt", 0, "missing");
	else if (!cbor_isa_string(v))
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ENC-02", "fmt", w->val_off[K_FMT],
		    "must be a text string, found %s", fsim_cbor_type_name(v));

	if ((v = w->val[K_ATTSTMT]) == NULL)
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ENC-02", "attStmt", 0, "missing");
	else if (cbor_isa_array(v) && !compound)
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ENC-02", "attStmt",
		    w->val_off[K_ATTSTMT], "must be a map, found array (an "
		    "array is allowed only for fmt \"compound\")");
	else if (!cbor_isa_map(v) && !cbor_isa_array(v))
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ENC-02", "attStmt",
		    w->val_off[K_ATTSTMT], "must be a map, found %s",
		    fsim_cbor_type_name(v));

	if ((v = w->val[K_AUTHDATA]) == NULL)
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ENC-02", "authData", 0, "missing");
	else if (!cbor_isa_bytestring(v))
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ENC-02", "authData",
		    w->val_off[K_AUTHDATA], "must be a byte string, found %s",
		    fsim_cbor_type_name(v));
}

int
fsim_attobj_parse(const uint8_t *ptr, size_t len, fsim_attobj_t **out,
    fsim_diags_t *d)
{
	return fsim_attobj_parse_max(ptr, len, FSIM_CRED_ID_MAX, out, d);
}

int
fsim_attobj_parse_max(const uint8_t *ptr, size_t len, size_t id_max,
    fsim_attobj_t **out, fsim_diags_t *d)
{
	return fsim_attobj_parse_ex(ptr, len, id_max, 0, out, d);
}

static int parse_ex(const uint8_t *, size_t, size_t, unsigned int, fsim_attobj_t **,
    fsim_diags_t *);

/* A memo's copy of a parse: bytes copied, the statement map and the key shared (never changed). */
static void *
ao_copy(const void *p)
{
	const fsim_attobj_t *s = p;
	fsim_attobj_t *c = fsim_attobj_new();

	if (c == NULL)
		return NULL;
	if ((s->fmt != NULL && (c->fmt = fsim_strdup(s->fmt)) == NULL) ||
	    fsim_blob_set(&c->auth_data_raw, s->auth_data_raw.ptr, s->auth_data_raw.len) !=
	    FSIM_OK ||
	    (s->auth_data != NULL && (c->auth_data = fsim_authdata_copy(s->auth_data)) == NULL)) {
		fsim_attobj_free(&c);
		return NULL;
	}
	if (s->att_stmt != NULL)
		c->att_stmt = cbor_incref(s->att_stmt);
	c->auth_data_offset = s->auth_data_offset;
	c->canonical = s->canonical;
	return c;
}

static void
ao_free(void *p)
{
	fsim_attobj_t *ao = p;

	fsim_attobj_free(&ao);
}

static const fsim_parse_kind_t ao_kind = { ao_copy, ao_free };

int
fsim_attobj_parse_ex(const uint8_t *ptr, size_t len, size_t id_max, unsigned int opts,
    fsim_attobj_t **out, fsim_diags_t *d)
{
	uint64_t key = (uint64_t)opts << 32 | (uint64_t)id_max;
	bool memo = id_max <= UINT32_MAX && out != NULL;
	void *kept = NULL;
	size_t first;
	int r;

	/* judged once: the same bytes parsed earlier in this scope (judge_memo.h) */
	if (memo && fsim_judge_memo_parse_get(&ao_kind, ptr, len, key, d, &r, &kept)) {
		*out = kept;
		return r;
	}
	first = d != NULL ? d->n : 0;
	r = parse_ex(ptr, len, id_max, opts, out, d);
	if (memo)
		fsim_judge_memo_parse_put(&ao_kind, ptr, len, key, d, first, r, *out);
	return r;
}

static int
parse_ex(const uint8_t *ptr, size_t len, size_t id_max, unsigned int opts,
    fsim_attobj_t **out, fsim_diags_t *d)
{
	fsim_pctx_t c = { d, 0 };
	struct ao_walk w;
	fsim_diags_frame_t frame;
	fsim_attobj_t *ao = NULL;
	const cbor_item_t *fmt = NULL;
	struct cb_head h;
	size_t i, n = 0;
	bool compound = false, canonical = false;
	int r = FSIM_ERR_ARG;

	memset(&w, 0, sizeof(w));
	if (out != NULL)
		*out = NULL;
	if (out == NULL || (ptr == NULL && len > 0))
		goto fail;
	if (!walk_map(&c, ptr, len, &w)) {
		if (c.err == 0)
			c.err = FSIM_ERR_INTERNAL;
		goto done;
	}
	/* ENC-03: one item and nothing after it. */
	if (w.end < len)
		fsim_pctx_error(&c, FSIM_ERR_CBOR, "ENC-03", "", w.end,
		    "%zu bytes follow the attestation object's CBOR map at "
		    "offset %zu", len - w.end, fsim_diags_abs(c.d, w.end));
	/* ENC-04: the authenticator must produce canonical CBOR; warn only. */
	canonical = fsim_cbor_is_canonical(ptr, w.end);
	if (!canonical)
		fsim_diags_add(d, FSIM_SEV_WARNING, "ENC-04", "", 0,
		    "the attestation object is not in CTAP2 canonical CBOR form "
		    "(key order or integer/length encoding)");

	fmt = w.val[K_FMT];
	if (fmt != NULL && cbor_isa_string(fmt)) {
		n = cbor_string_length(fmt);
		check_fmt_syntax(&c, cbor_string_handle(fmt), n, w.val_off[K_FMT]);
		compound = n == 8 &&
		    memcmp(cbor_string_handle(fmt), "compound", 8) == 0;
	}
	check_members(&c, &w, compound);
done:
	if (c.err != 0) {
		r = c.err;
		goto fail;
	}

	if ((ao = fsim_attobj_new()) == NULL ||
	    (ao->fmt = malloc(n + 1)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	memcpy(ao->fmt, cbor_string_handle(fmt), n);
	ao->fmt[n] = '\0';
	ao->att_stmt = w.val[K_ATTSTMT];
	w.val[K_ATTSTMT] = NULL;
	ao->canonical = canonical;
	/* The head was read once by the decoder; it is well formed here. */
	if (read_head(ptr, len, w.val_off[K_AUTHDATA], &h) != HEAD_OK) {
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
	ao->auth_data_offset = w.val_off[K_AUTHDATA] + h.hlen;
	if ((r = fsim_blob_set(&ao->auth_data_raw,
	    cbor_bytestring_handle(w.val[K_AUTHDATA]),
	    cbor_bytestring_length(w.val[K_AUTHDATA]))) != 0)
		goto fail;

	/*
	 * A malformed authData fails the call, but the outer structure is
	 * sound, so it is handed back (auth_data NULL) for display.
	 */
	fsim_diags_push(d, &frame, ao->auth_data_offset, "authData");
	r = fsim_authdata_parse_ex(ao->auth_data_raw.ptr, ao->auth_data_raw.len,
	    id_max, opts, &ao->auth_data, d);
	fsim_diags_pop(d, &frame);
	*out = ao;
	ao = NULL;
fail:
	for (i = 0; i < K_NKNOWN; i++)
		if (w.val[i] != NULL)
			cbor_decref(&w.val[i]);
	fsim_attobj_free(&ao);
	return r;
}

int
fsim_attobj_encode(const char *fmt, const cbor_item_t *att_stmt,
    const uint8_t *auth_data, size_t ad_len, fsim_blob_t *out)
{
	cbor_item_t *map = NULL, *stmt = NULL;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(out);
	if (fmt == NULL || (auth_data == NULL && ad_len > 0))
		goto fail;
	/* The map holds a reference of its own; we never modify att_stmt. */
	if (att_stmt != NULL)
		stmt = cbor_incref((cbor_item_t *)(uintptr_t)att_stmt);
	else if ((stmt = cbor_new_definite_map(0)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	if ((map = cbor_new_definite_map(3)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	/* Canonical key order (CBOR-01): by length, "fmt" < "attStmt" < "authData". */
	if ((r = fsim_cbor_map_put(map, fsim_cbor_text("fmt"),
	    fsim_cbor_text(fmt))) != 0)
		goto fail;
	r = fsim_cbor_map_put(map, fsim_cbor_text("attStmt"), stmt);
	stmt = NULL;  /* owned by the map, or released on failure */
	if (r != 0)
		goto fail;
	if ((r = fsim_cbor_map_put(map, fsim_cbor_text("authData"),
	    fsim_cbor_bytes(auth_data, ad_len))) != 0)
		goto fail;
	r = fsim_cbor_encode(map, out);
fail:
	if (stmt != NULL)
		cbor_decref(&stmt);
	if (map != NULL)
		cbor_decref(&map);
	return r;
}
