/*
 * json_fast.c — the quick loader for plain JSON (json_fast.h says what it
 * takes and why anything else goes back to jansson).
 */
#include <stdbool.h>
#include <string.h>

#include "json_fast.h"

#define MAX_DEPTH 32
#define MAX_DIGITS 18   /* every such integer fits json_int_t (long long) */

struct rd {
	const char *p, *end;
};

static void
ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' ||
	    *r->p == '\r'))
		r->p++;
}

/* A string body after its '"': printable ASCII only, no escapes. */
static bool
plain_string(struct rd *r, const char **s, size_t *n)
{
	const char *q = r->p;
	unsigned char c;

	while (q < r->end) {
		c = (unsigned char)*q;
		if (c == '"') {
			*s = r->p;
			*n = (size_t)(q - r->p);
			r->p = q + 1;
			return true;
		}
		if (c < 0x20 || c > 0x7e || c == '\\')
			return false;
		q++;
	}
	return false;
}

static bool
literal(struct rd *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return true;
}

/* -?(0|[1-9][0-9]*) not followed by '.', 'e' or 'E'; "-0" goes to jansson. */
static json_t *
integer(struct rd *r)
{
	json_int_t v = 0;
	bool neg = false;
	size_t nd = 0;

	if (r->p < r->end && *r->p == '-') {
		neg = true;
		r->p++;
	}
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return NULL;
	if (*r->p == '0') {
		if (neg)
			return NULL;
		r->p++;
		nd = 1;
	} else
		for (; r->p < r->end && *r->p >= '0' && *r->p <= '9'; r->p++) {
			if (++nd > MAX_DIGITS)
				return NULL;
			v = v * 10 + (*r->p - '0');
		}
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E' ||
	    (*r->p >= '0' && *r->p <= '9')))
		return NULL;
	return json_integer(neg ? -v : v);
}

static json_t *value(struct rd *r, int depth);

static json_t *
object(struct rd *r, int depth)
{
	json_t *o = json_object(), *v;
	const char *k;
	size_t kn;

	if (o == NULL)
		return NULL;
	ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return o;
	}
	for (;;) {
		if (r->p >= r->end || *r->p != '"')
			goto fail;
		r->p++;
		if (!plain_string(r, &k, &kn) || json_object_getn(o, k, kn) != NULL)
			goto fail;
		ws(r);
		if (r->p >= r->end || *r->p != ':')
			goto fail;
		r->p++;
		if ((v = value(r, depth + 1)) == NULL ||
		    json_object_setn_new_nocheck(o, k, kn, v) != 0)
			goto fail;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			ws(r);
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return o;
		}
		goto fail;
	}
fail:
	json_decref(o);
	return NULL;
}

static json_t *
array(struct rd *r, int depth)
{
	json_t *a = json_array(), *v;

	if (a == NULL)
		return NULL;
	ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return a;
	}
	for (;;) {
		if ((v = value(r, depth + 1)) == NULL || json_array_append_new(a, v) != 0)
			goto fail;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return a;
		}
		goto fail;
	}
fail:
	json_decref(a);
	return NULL;
}

static json_t *
value(struct rd *r, int depth)
{
	const char *s;
	size_t n;

	if (depth > MAX_DEPTH)
		return NULL;
	ws(r);
	if (r->p >= r->end)
		return NULL;
	switch (*r->p) {
	case '{':
		r->p++;
		return object(r, depth);
	case '[':
		r->p++;
		return array(r, depth);
	case '"':
		r->p++;
		return plain_string(r, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
	case 't':
		return literal(r, "true") ? json_true() : NULL;
	case 'f':
		return literal(r, "false") ? json_false() : NULL;
	case 'n':
		return literal(r, "null") ? json_null() : NULL;
	default:
		return integer(r);
	}
}

json_t *
fsim_json_fast_load(const char *p, size_t len, size_t flags)
{
	struct rd r;
	json_t *v;

	/* the flags that change values or the end check are jansson's alone */
	if (p == NULL || (flags & (JSON_DECODE_INT_AS_REAL | JSON_DISABLE_EOF_CHECK |
	    JSON_ALLOW_NUL)) != 0)
		return NULL;
	r.p = p;
	r.end = p + len;
	ws(&r);
	if (!(flags & JSON_DECODE_ANY) && (r.p >= r.end || (*r.p != '{' && *r.p != '[')))
		return NULL;
	if ((v = value(&r, 0)) == NULL)
		return NULL;
	ws(&r);
	if (r.p != r.end) {
		json_decref(v);
		return NULL;
	}
	return v;
}
