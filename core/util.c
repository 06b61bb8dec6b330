/*
 * util.c — errors, diagnostics, blobs, wipe.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/types.h>

#include <openssl/crypto.h>

#include "util.h"

const char *
fsim_strerr(int err)
{
	switch (err) {
	case FSIM_OK: return "success";
	case FSIM_ERR_INTERNAL: return "internal error";
	case FSIM_ERR_NOMEM: return "out of memory";
	case FSIM_ERR_ARG: return "invalid argument";
	case FSIM_ERR_ENCODING: return "invalid text encoding";
	case FSIM_ERR_CBOR: return "invalid CBOR";
	case FSIM_ERR_JSON: return "invalid JSON";
	case FSIM_ERR_FORMAT: return "malformed structure";
	case FSIM_ERR_COSE: return "invalid COSE key";
	case FSIM_ERR_UNSUPPORTED: return "unsupported";
	case FSIM_ERR_SIGNATURE: return "invalid signature";
	case FSIM_ERR_IO: return "input/output error";
	case FSIM_ERR_NOT_FOUND: return "not found";
	default: return "unknown error";
	}
}

void
fsim_wipe(void *ptr, size_t len)
{
	if (ptr != NULL && len > 0)
		OPENSSL_cleanse(ptr, len);
}

char *
fsim_strdup(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((p = malloc(n)) == NULL)
		return NULL;
	memcpy(p, s, n);
	return p;
}

int
fsim_input_span(const uint8_t *p, size_t n, size_t *start, size_t *end, fsim_diags_t *d)
{
	size_t s = 0, e = n;

	if (p == NULL)
		e = 0;
	while (s < e && isspace(p[s]))
		s++;
	while (e > s && isspace(p[e - 1]))
		e--;
	*start = s;
	*end = e;
	if (s == e) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ENC-00", NULL, FSIM_NO_OFFSET,
		    n == 0 ? "the input is empty" : "the input is empty (whitespace only)");
		return FSIM_ERR_FORMAT;
	}
	return FSIM_OK;
}

void
fsim_diags_init(fsim_diags_t *d)
{
	if (d == NULL)
		return;
	memset(d, 0, sizeof(*d));
}

void
fsim_diags_clear(fsim_diags_t *d)
{
	if (d == NULL)
		return;
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
	size_t n;

	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* dst = a "." b, truncated to fit cap (field paths are informative only). */
static void
join_path(char *dst, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la >= cap)
		la = cap - 1;
	memmove(dst, a, la);
	if (la + 1 < cap) {
		dst[la++] = '.';
		if (lb > cap - 1 - la)
			lb = cap - 1 - la;
		memcpy(dst + la, b, lb);
		la += lb;
	}
	dst[la] = '\0';
}

/* Room for k more entries: false (d unchanged) without memory. */
static bool
diags_reserve(fsim_diags_t *d, size_t k)
{
	size_t ncap;
	fsim_diag_t *nv;

	if (k <= d->cap - d->n)
		return true;
	if (k > SIZE_MAX / sizeof(*nv) / 2 - d->n)
		return false;
	for (ncap = d->cap ? d->cap * 2 : 8; ncap - d->n < k; ncap *= 2)
		;
	if ((nv = realloc(d->v, ncap * sizeof(*nv))) == NULL)
		return false;
	d->v = nv;
	d->cap = ncap;
	return true;
}

int
fsim_diags_append(fsim_diags_t *d, const fsim_diag_t *v, size_t n)
{
	if (d == NULL || n == 0)
		return 0;
	if (v == NULL)
		return FSIM_ERR_ARG;
	if (!diags_reserve(d, n))
		return FSIM_ERR_NOMEM;
	memcpy(d->v + d->n, v, n * sizeof(*v));
	d->n += n;
	return 0;
}

void
fsim_diags_add(fsim_diags_t *d, fsim_sev_t sev, const char *rule,
    const char *field, size_t offset, const char *fmt, ...)
{
	fsim_diag_t *e;
	va_list ap;

	if (d == NULL)
		return;
	if (!diags_reserve(d, 1)) {
		d->oom = true;
		return;
	}
	e = &d->v[d->n++];
	memset(e, 0, sizeof(*e));
	e->sev = sev;
	copy_str(e->rule, sizeof(e->rule), rule);
	if (d->prefix[0] != '\0' && field != NULL && field[0] != '\0')
		join_path(e->field, sizeof(e->field), d->prefix, field);
	else if (d->prefix[0] != '\0')
		copy_str(e->field, sizeof(e->field), d->prefix);
	else
		copy_str(e->field, sizeof(e->field), field);
	e->offset = offset == FSIM_NO_OFFSET ? FSIM_NO_OFFSET : d->base + offset;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
fsim_diags_push(fsim_diags_t *d, fsim_diags_frame_t *saved, size_t off,
    const char *name)
{
	char tmp[sizeof(d->prefix)];

	if (d == NULL)
		return;
	saved->base = d->base;
	memcpy(saved->prefix, d->prefix, sizeof(saved->prefix));
	d->base += off;
	if (name == NULL || name[0] == '\0')
		return;
	if (d->prefix[0] != '\0') {
		join_path(tmp, sizeof(tmp), d->prefix, name);
		memcpy(d->prefix, tmp, sizeof(d->prefix));
	} else
		copy_str(d->prefix, sizeof(d->prefix), name);
}

void
fsim_diags_pop(fsim_diags_t *d, const fsim_diags_frame_t *saved)
{
	if (d == NULL)
		return;
	d->base = saved->base;
	memcpy(d->prefix, saved->prefix, sizeof(d->prefix));
}

size_t
fsim_diags_count(const fsim_diags_t *d, fsim_sev_t sev)
{
	size_t i, n = 0;

	if (d == NULL)
		return 0;
	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev)
			n++;
	return n;
}

const fsim_diag_t *
fsim_diags_first(const fsim_diags_t *d, fsim_sev_t sev)
{
	size_t i;

	if (d == NULL)
		return NULL;
	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev)
			return &d->v[i];
	return NULL;
}

bool
fsim_diags_has(const fsim_diags_t *d, const char *rule)
{
	size_t i;

	if (d == NULL || rule == NULL)
		return false;
	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0)
			return true;
	return false;
}

void
fsim_diag_format(const fsim_diag_t *e, char *buf, size_t len)
{
	const char *field = e->field[0] ? e->field : "input";

	if (e->offset != FSIM_NO_OFFSET)
		snprintf(buf, len, "%s at byte offset %zu: %s [%s]", field,
		    e->offset, e->msg, e->rule);
	else
		snprintf(buf, len, "%s: %s [%s]", field, e->msg, e->rule);
}

size_t
fsim_diags_abs(const fsim_diags_t *d, size_t off)
{
	return d != NULL ? d->base + off : off;
}

void
fsim_pctx_fail(fsim_pctx_t *c, int code)
{
	if (c->err == 0 || code == FSIM_ERR_NOMEM)
		c->err = code;
}

void
fsim_pctx_error(fsim_pctx_t *c, int code, const char *rule, const char *field,
    size_t off, const char *fmt, ...)
{
	char msg[sizeof(((fsim_diag_t *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fsim_diags_add(c->d, FSIM_SEV_ERROR, rule, field, off, "%s", msg);
	fsim_pctx_fail(c, code);
}

int
fsim_blob_set(fsim_blob_t *b, const uint8_t *ptr, size_t len)
{
	uint8_t *p = NULL;

	if (b == NULL || (ptr == NULL && len > 0))
		return FSIM_ERR_ARG;
	if (len > 0) {
		if ((p = malloc(len)) == NULL)
			return FSIM_ERR_NOMEM;
		memcpy(p, ptr, len);
	}
	fsim_blob_reset(b);
	b->ptr = p;
	b->len = len;
	return FSIM_OK;
}

int
fsim_blob_append(fsim_blob_t *b, const uint8_t *ptr, size_t len)
{
	uint8_t *p;

	if (b == NULL || (ptr == NULL && len > 0))
		return FSIM_ERR_ARG;
	if (len == 0)
		return FSIM_OK;
	if (b->len > SIZE_MAX - len)
		return FSIM_ERR_NOMEM;
	if ((p = malloc(b->len + len)) == NULL)
		return FSIM_ERR_NOMEM;
	if (b->len > 0)
		memcpy(p, b->ptr, b->len);
	memcpy(p + b->len, ptr, len);
	len += b->len;
	fsim_blob_reset(b);
	b->ptr = p;
	b->len = len;
	return FSIM_OK;
}

void
fsim_blob_reset(fsim_blob_t *b)
{
	if (b == NULL)
		return;
	if (b->ptr != NULL) {
		fsim_wipe(b->ptr, b->len);
		free(b->ptr);
	}
	b->ptr = NULL;
	b->len = 0;
}

bool
fsim_blob_eq(const fsim_blob_t *a, const uint8_t *ptr, size_t len)
{
	if (a == NULL || a->len != len)
		return false;
	return len == 0 || memcmp(a->ptr, ptr, len) == 0;
}

int
fsim_read_file(const char *path, size_t max, fsim_blob_t *out)
{
	FILE *f = NULL;
	uint8_t *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;
	int r = FSIM_ERR_IO, saved;

	if (path == NULL || out == NULL)
		return FSIM_ERR_ARG;
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL)
		return FSIM_ERR_IO;
	for (;;) {
		if (len == cap) {
			if (cap >= max + 1) {
				r = FSIM_ERR_ARG;  /* too large */
				goto fail;
			}
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 1)
				cap = max + 1;
			if ((nb = realloc(buf, cap)) == NULL) {
				r = FSIM_ERR_NOMEM;
				goto fail;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	if (len > max) {
		r = FSIM_ERR_ARG;
		goto fail;
	}
	fsim_blob_reset(out);
	out->ptr = buf;
	out->len = len;
	buf = NULL;
	r = FSIM_OK;
fail:
	saved = errno;
	free(buf);
	if (f != NULL && f != stdin)
		fclose(f);
	errno = saved;
	return r;
}

int
fsim_write_file_atomic(const char *path, const void *ptr, size_t len, unsigned mode)
{
	char tmp[4200];
	const uint8_t *p = ptr;
	int fd, w, r = FSIM_ERR_IO;
	ssize_t n;

	if (path == NULL || (ptr == NULL && len > 0))
		return FSIM_ERR_ARG;
	w = snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
	if (w < 0 || (size_t)w >= sizeof(tmp))
		return FSIM_ERR_ARG;
	if ((fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
	    (mode_t)mode)) < 0)
		return FSIM_ERR_IO;
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	return FSIM_OK;
fail:
	w = errno;   /* what failed, not what the clean-up did */
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	errno = w;
	return r;
}
