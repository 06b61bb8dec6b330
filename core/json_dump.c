/*
 * json_dump.c — jansson's text, written directly (json_dump.h says what it
 * takes and why anything else goes back to jansson).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_dump.h"

/* Deeper than this, jansson decides (it refuses cycles; we do not look). */
#define MAX_DEPTH 512
#define INDENT_MASK 0x1F
#define PRECISION_MASK (0x1F << 11)
#define TAKEN (INDENT_MASK | JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS | \
    JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_ESCAPE_SLASH | PRECISION_MASK)

/* Why a write stopped: out of memory (jansson's answer too), or not ours to write. */
enum { OK = 0, NOMEM = 1, GIVE_BACK = 2 };

struct out {
	char *p;
	size_t n, cap;
	size_t flags;
	struct out *html;   /* the same text compact and HTML-safe (fsim_json_dumps_html), or NULL */
};

static int
grow(struct out *o, size_t k)
{
	size_t cap;
	char *p;

	if (k > SIZE_MAX / 2 - o->n)
		return NOMEM;
	for (cap = o->cap < 4096 ? 4096 : o->cap; cap - o->n <= k; cap *= 2)
		;
	if ((p = realloc(o->p, cap)) == NULL)
		return NOMEM;
	o->p = p;
	o->cap = cap;
	return OK;
}

/* Room for k more bytes and the NUL; the common case inline. */
static inline int
room(struct out *o, size_t k)
{
	return o->cap - o->n > k ? OK : grow(o, k);
}

/* Bytes for this output only. */
static inline int
put_one(struct out *o, const char *s, size_t k)
{
	if (room(o, k) != OK)
		return NOMEM;
	memcpy(o->p + o->n, s, k);
	o->n += k;
	return OK;
}

static inline int
put1_one(struct out *o, char c)
{
	if (room(o, 1) != OK)
		return NOMEM;
	o->p[o->n++] = c;
	return OK;
}

/* A token: into the text and, when it is made too, the HTML-safe text. */
static inline int
put(struct out *o, const char *s, size_t k)
{
	if (put_one(o, s, k) != OK || (o->html != NULL && put_one(o->html, s, k) != OK))
		return NOMEM;
	return OK;
}

/* One byte: the quotes, commas and brackets (a call to memcpy each cost more than the byte). */
static inline int
put1(struct out *o, char c)
{
	if (put1_one(o, c) != OK || (o->html != NULL && put1_one(o->html, c) != OK))
		return NOMEM;
	return OK;
}

/* jansson's dump_indent: a newline and depth * n spaces, or one space between items. */
static int
indent(struct out *o, size_t depth, bool space)
{
	size_t n = o->flags & INDENT_MASK;

	if (n > 0) {
		if (room(o, 1 + depth * n) != OK)
			return NOMEM;
		o->p[o->n++] = '\n';
		memset(o->p + o->n, ' ', depth * n);
		o->n += depth * n;
		return OK;
	}
	if (space && !(o->flags & JSON_COMPACT))
		return put1_one(o, ' ');   /* layout: never in the compact HTML-safe text */
	return OK;
}

/*
 * The codepoint of the UTF-8 sequence at s[0..left), its length in *len;
 * -1 for what jansson's decoder refuses (a stray continuation byte, an
 * overlong form, a surrogate, beyond U+10FFFF, a truncated sequence).
 */
static int32_t
utf8_next(const unsigned char *s, size_t left, size_t *len)
{
	unsigned char c = s[0];
	size_t k, need;
	int32_t v;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c < 0xC2)
		return -1;
	else if (c < 0xE0) {
		need = 2;
		v = c & 0x1F;
	} else if (c < 0xF0) {
		need = 3;
		v = c & 0x0F;
	} else if (c <= 0xF4) {
		need = 4;
		v = c & 0x07;
	} else
		return -1;
	if (left < need)
		return -1;
	for (k = 1; k < need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return -1;
		v = (v << 6) | (s[k] & 0x3F);
	}
	if ((need == 3 && v < 0x800) || (need == 4 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	*len = need;
	return v;
}

static const char hexd[] = "0123456789ABCDEF";

static void
u_escape(char *d, uint32_t v)
{
	d[0] = '\\';
	d[1] = 'u';
	d[2] = hexd[(v >> 12) & 0xF];
	d[3] = hexd[(v >> 8) & 0xF];
	d[4] = hexd[(v >> 4) & 0xF];
	d[5] = hexd[v & 0xF];
}

/*
 * What ends a run of bytes copied through unchanged, as bits: STOP_ALWAYS
 * (control bytes, '"', '\\', the first byte of a multi-byte sequence),
 * STOP_SLASH ('/', with JSON_ESCAPE_SLASH), STOP_HTML ('<', '>', '&', when
 * the HTML-safe text is made too). A string's loop tests one mask per byte.
 */
enum { STOP_ALWAYS = 1, STOP_SLASH = 2, STOP_HTML = 4 };

static const unsigned char stops[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static int
string(struct out *o, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char mask = STOP_ALWAYS | ((o->flags & JSON_ESCAPE_SLASH) ? STOP_SLASH : 0) |
	    (o->html != NULL ? STOP_HTML : 0);
	size_t i = 0, j, k;
	int32_t cp;
	char e[12];

	if (put1(o, '"') != OK)
		return NOMEM;
	while (i < len) {
		for (j = i; j < len && !(stops[s[j]] & mask); j++)
			;
		if (j > i && put(o, str + i, j - i) != OK)
			return NOMEM;
		if (j == len)
			break;
		if (stops[s[j]] & mask & STOP_HTML) {
			/* as itself in the text; as an escape in the HTML-safe one */
			if (put1_one(o, str[j]) != OK || put_one(o->html, s[j] == '<' ? "\\u003c" :
			    s[j] == '>' ? "\\u003e" : "\\u0026", 6) != OK)
				return NOMEM;
			i = j + 1;
			continue;
		}
		if ((cp = utf8_next(s + j, len - j, &k)) < 0)
			return GIVE_BACK;
		i = j + k;
		if (cp >= 0x80 && !(o->flags & JSON_ENSURE_ASCII)) {
			if (put(o, str + j, k) != OK)
				return NOMEM;
			continue;
		}
		switch (cp) {
		case '\\': memcpy(e, "\\\\", 2); k = 2; break;
		case '"': memcpy(e, "\\\"", 2); k = 2; break;
		case '\b': memcpy(e, "\\b", 2); k = 2; break;
		case '\f': memcpy(e, "\\f", 2); k = 2; break;
		case '\n': memcpy(e, "\\n", 2); k = 2; break;
		case '\r': memcpy(e, "\\r", 2); k = 2; break;
		case '\t': memcpy(e, "\\t", 2); k = 2; break;
		case '/': memcpy(e, "\\/", 2); k = 2; break;
		default:
			if (cp < 0x10000) {
				u_escape(e, (uint32_t)cp);
				k = 6;
			} else {
				/* beyond the BMP: a UTF-16 surrogate pair */
				uint32_t v = (uint32_t)cp - 0x10000;

				u_escape(e, 0xD800 | (v >> 10));
				u_escape(e + 6, 0xDC00 | (v & 0x3FF));
				k = 12;
			}
			break;
		}
		if (put(o, e, k) != OK)
			return NOMEM;
	}
	return put1(o, '"');
}

static int
integer(struct out *o, json_int_t v)
{
	char b[24];
	size_t k = sizeof(b);
	/* the magnitude as unsigned, so the most negative value is no special case */
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		b[--k] = (char)('0' + m % 10);
		m /= 10;
	} while (m != 0);
	if (v < 0)
		b[--k] = '-';
	return put(o, b + k, sizeof(b) - k);
}

/* A real as jansson writes it (its precision rules and locale handling are its own). */
static int
real(struct out *o, const json_t *j)
{
	char *t = json_dumps(j, JSON_ENCODE_ANY | (o->flags & PRECISION_MASK));
	int r;

	if (t == NULL)
		return GIVE_BACK;
	r = put(o, t, strlen(t));
	free(t);
	return r;
}

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

/* jansson's order for JSON_SORT_KEYS: bytes, then the shorter first. */
static int
key_order(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int value(struct out *, const json_t *, size_t);

static int
member(struct out *o, const char *key, size_t klen, const json_t *v, size_t depth, bool last)
{
	int r;

	if ((r = string(o, key, klen)) != OK)
		return r;
	if ((r = put(o, ":", 1)) != OK ||
	    (!(o->flags & JSON_COMPACT) && (r = put1_one(o, ' ')) != OK))
		return r;
	if ((r = value(o, v, depth + 1)) != OK)
		return r;
	if (!last) {
		if ((r = put1(o, ',')) != OK)
			return r;
		return indent(o, depth + 1, true);
	}
	return indent(o, depth, false);
}

static int
object(struct out *o, const json_t *j, size_t depth)
{
	void *it = json_object_iter((json_t *)j);
	size_t n = json_object_size(j), i;
	struct member *m;
	int r;

	if ((r = put1(o, '{')) != OK)
		return r;
	if (it == NULL)
		return put1(o, '}');
	if ((r = indent(o, depth + 1, false)) != OK)
		return r;
	if (!(o->flags & JSON_SORT_KEYS)) {
		while (it != NULL) {
			void *next = json_object_iter_next((json_t *)j, it);

			r = member(o, json_object_iter_key(it), json_object_iter_key_len(it),
			    json_object_iter_value(it), depth, next == NULL);
			if (r != OK)
				return r;
			it = next;
		}
		return put1(o, '}');
	}
	if ((m = calloc(n, sizeof(*m))) == NULL)
		return NOMEM;
	for (i = 0; it != NULL && i < n; i++, it = json_object_iter_next((json_t *)j, it)) {
		m[i].key = json_object_iter_key(it);
		m[i].len = json_object_iter_key_len(it);
		m[i].value = json_object_iter_value(it);
	}
	qsort(m, i, sizeof(*m), key_order);
	n = i;
	for (i = 0, r = OK; i < n && r == OK; i++)
		r = member(o, m[i].key, m[i].len, m[i].value, depth, i + 1 == n);
	free(m);
	return r == OK ? put1(o, '}') : r;
}

static int
array(struct out *o, const json_t *j, size_t depth)
{
	size_t n = json_array_size(j), i;
	int r;

	if ((r = put1(o, '[')) != OK)
		return r;
	if (n == 0)
		return put1(o, ']');
	if ((r = indent(o, depth + 1, false)) != OK)
		return r;
	for (i = 0; i < n; i++) {
		if ((r = value(o, json_array_get(j, i), depth + 1)) != OK)
			return r;
		if (i + 1 < n) {
			if ((r = put1(o, ',')) != OK ||
			    (r = indent(o, depth + 1, true)) != OK)
				return r;
		} else if ((r = indent(o, depth, false)) != OK)
			return r;
	}
	return put1(o, ']');
}

static int
value(struct out *o, const json_t *j, size_t depth)
{
	if (j == NULL || depth > MAX_DEPTH)
		return GIVE_BACK;
	switch (json_typeof(j)) {
	case JSON_NULL:
		return put(o, "null", 4);
	case JSON_TRUE:
		return put(o, "true", 4);
	case JSON_FALSE:
		return put(o, "false", 5);
	case JSON_INTEGER:
		return integer(o, json_integer_value(j));
	case JSON_REAL:
		return real(o, j);
	case JSON_STRING:
		return string(o, json_string_value(j), json_string_length(j));
	case JSON_ARRAY:
		return array(o, j, depth);
	case JSON_OBJECT:
		return object(o, j, depth);
	}
	return GIVE_BACK;
}

/* The text, and with html the compact HTML-safe text; OK, NOMEM or GIVE_BACK. */
static int
dump(const json_t *json, size_t flags, struct out *o, struct out *html)
{
	int r = GIVE_BACK;

	o->flags = flags;
	o->html = html;
	if (html != NULL)
		html->flags = JSON_COMPACT | JSON_ENSURE_ASCII;
	if ((flags & ~(size_t)TAKEN) == 0 && json != NULL &&
	    ((flags & JSON_ENCODE_ANY) || json_is_object(json) || json_is_array(json)))
		r = value(o, json, 0);
	if (r == OK && (r = put1_one(o, '\0')) == OK && html != NULL)
		r = put1_one(html, '\0');
	return r;
}

char *
fsim_json_dumps(const json_t *json, size_t flags, size_t *len)
{
	struct out o = { NULL, 0, 0, 0, NULL };
	int r;
	char *t;

	if (len != NULL)
		*len = 0;
	if ((r = dump(json, flags, &o, NULL)) == OK) {
		if (len != NULL)
			*len = o.n - 1;
		return o.p;
	}
	free(o.p);
	if (r == NOMEM)
		return NULL;
	/* not ours to write: jansson's own answer, text or NULL */
	if ((t = json_dumps(json, flags)) != NULL && len != NULL)
		*len = strlen(t);
	return t;
}

int
fsim_json_dumps_html(const json_t *json, size_t flags, char **text, size_t *len,
    char **html, size_t *hlen)
{
	struct out o = { NULL, 0, 0, 0, NULL }, h = { NULL, 0, 0, 0, NULL };
	int r;

	*text = *html = NULL;
	*len = *hlen = 0;
	if (!(flags & JSON_ENSURE_ASCII) || (r = dump(json, flags, &o, &h)) != OK) {
		free(o.p);
		free(h.p);
		return -1;
	}
	*text = o.p;
	*len = o.n - 1;
	*html = h.p;
	*hlen = h.n - 1;
	return 0;
}
