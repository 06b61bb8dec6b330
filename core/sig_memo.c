/*
 * sig_memo.c — the signatures one thread found valid and the EC keys it
 * imported, inside a scope (see sig_memo.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "ossl_cache.h"
#include "sig_memo.h"

/* The innermost open scope of this thread. */
static _Thread_local fsim_sig_memo_t *current;

static void
parse_entry_drop(struct fsim_parse_entry *e)
{
	if (e->kind != NULL && e->result != NULL)
		e->kind->free(e->result);
	free(e->in);
	free(e->diags);
	memset(e, 0, sizeof(*e));
}

void
fsim_sig_memo_begin(fsim_sig_memo_t *m)
{
	if (m == NULL)
		return;
	memset(m, 0, sizeof(*m));
	m->md = EVP_MD_CTX_new();
	m->outer = current;
	current = m;
}

void
fsim_sig_memo_end(fsim_sig_memo_t *m)
{
	size_t i;

	if (m == NULL)
		return;
	if (current == m)
		current = m->outer;
	for (i = 0; i < m->n && i < FSIM_SIG_MEMO_SLOTS; i++)
		EVP_PKEY_free(m->seen[i].pkey);
	for (i = 0; i < m->nk && i < FSIM_SIG_MEMO_KEYS; i++)
		EVP_PKEY_free(m->keys[i].pkey);
	for (i = 0; i < m->np && i < FSIM_SIG_MEMO_PARSES; i++)
		parse_entry_drop(&m->parses[i]);
	EVP_MD_CTX_free(m->md);
	OPENSSL_cleanse(m, sizeof(*m));
}

static bool
put_len(EVP_MD_CTX *md, size_t n)
{
	uint8_t b[8];
	int i;

	for (i = 7; i >= 0; i--, n >>= 8)
		b[i] = (uint8_t)(n & 0xff);
	return EVP_DigestUpdate(md, b, sizeof(b)) == 1;
}

/* Each field length-prefixed, so no two different tuples share an input. */
static bool
put(EVP_MD_CTX *md, const void *p, size_t n)
{
	return put_len(md, n) && (n == 0 || EVP_DigestUpdate(md, p, n) == 1);
}

bool
fsim_sig_memo_key(int crv, int alg, const uint8_t *msg, size_t mlen, const uint8_t *sig,
    size_t slen, uint8_t key[32])
{
	fsim_sig_memo_t *m = current;
	unsigned int dlen = 0;

	if (m == NULL || m->md == NULL)
		return false;
	if (EVP_DigestInit_ex(m->md, fsim_md_fetched("SHA256"), NULL) != 1 ||
	    !put_len(m->md, (size_t)(unsigned)crv) || !put_len(m->md, (size_t)(unsigned)alg) ||
	    !put(m->md, msg, mlen) || !put(m->md, sig, slen) ||
	    EVP_DigestFinal_ex(m->md, key, &dlen) != 1 || dlen != 32) {
		ERR_clear_error();
		return false;
	}
	return true;
}

bool
fsim_sig_memo_seen(const EVP_PKEY *pkey, const uint8_t key[32])
{
	const fsim_sig_memo_t *m;
	size_t i;

	if (current == NULL || pkey == NULL)
		return false;
	/* this scope, then the enclosing ones: they outlive it */
	for (m = current; m != NULL; m = m->outer)
		for (i = 0; i < m->n; i++)
			if (m->seen[i].pkey == pkey && memcmp(m->seen[i].digest, key, 32) == 0) {
				current->hits++;
				return true;
			}
	return false;
}

void
fsim_sig_memo_add(EVP_PKEY *pkey, const uint8_t key[32])
{
	fsim_sig_memo_t *m = current;
	size_t at;

	if (m == NULL || pkey == NULL || EVP_PKEY_up_ref(pkey) != 1)
		return;
	if (m->n < FSIM_SIG_MEMO_SLOTS)
		at = m->n++;
	else {
		at = m->next;
		m->next = (m->next + 1) % FSIM_SIG_MEMO_SLOTS;
		EVP_PKEY_free(m->seen[at].pkey);
	}
	m->seen[at].pkey = pkey;
	memcpy(m->seen[at].digest, key, 32);
}

EVP_PKEY *
fsim_sig_memo_ec_key(int crv, const uint8_t *pt, size_t len)
{
	const fsim_sig_memo_t *m;
	size_t i;

	if (current == NULL || pt == NULL)
		return NULL;
	for (m = current; m != NULL; m = m->outer)
		for (i = 0; i < m->nk; i++)
			if (m->keys[i].crv == crv && m->keys[i].len == len &&
			    memcmp(m->keys[i].pt, pt, len) == 0) {
				if (EVP_PKEY_up_ref(m->keys[i].pkey) != 1)
					return NULL;
				current->key_hits++;
				return m->keys[i].pkey;
			}
	return NULL;
}

void
fsim_sig_memo_ec_key_add(int crv, const uint8_t *pt, size_t len, EVP_PKEY *pkey)
{
	fsim_sig_memo_t *m = current;
	size_t at;

	if (m == NULL || pt == NULL || pkey == NULL || len == 0 ||
	    len > sizeof(m->keys[0].pt) || EVP_PKEY_up_ref(pkey) != 1)
		return;
	if (m->nk < FSIM_SIG_MEMO_KEYS)
		at = m->nk++;
	else {
		at = m->nextk;
		m->nextk = (m->nextk + 1) % FSIM_SIG_MEMO_KEYS;
		EVP_PKEY_free(m->keys[at].pkey);
	}
	m->keys[at].pkey = pkey;
	m->keys[at].crv = crv;
	m->keys[at].len = len;
	memcpy(m->keys[at].pt, pt, len);
}

/* ---- parses ---- */

static bool
same_parse(const struct fsim_parse_entry *e, const fsim_parse_kind_t *kind,
    const uint8_t *in, size_t len, uint64_t opts, const fsim_diags_t *d)
{
	return e->kind == kind && e->len == len && e->opts == opts && e->base == d->base &&
	    strcmp(e->prefix, d->prefix) == 0 && (len == 0 || memcmp(e->in, in, len) == 0);
}

bool
fsim_sig_memo_parse_get(const fsim_parse_kind_t *kind, const uint8_t *in, size_t len,
    uint64_t opts, fsim_diags_t *d, int *rc, void **out)
{
	const fsim_sig_memo_t *m;
	const struct fsim_parse_entry *e = NULL;
	fsim_diag_t *nv;
	void *copy = NULL;
	size_t i;

	if (current == NULL || kind == NULL || d == NULL || d->oom || (in == NULL && len > 0))
		return false;
	for (m = current; m != NULL && e == NULL; m = m->outer)
		for (i = 0; i < m->np && i < FSIM_SIG_MEMO_PARSES && e == NULL; i++)
			if (same_parse(&m->parses[i], kind, in, len, opts, d))
				e = &m->parses[i];
	if (e == NULL)
		return false;
	if (e->result != NULL && (copy = kind->copy(e->result)) == NULL)
		return false;
	if (e->nd > 0) {
		if (d->n + e->nd > d->cap) {
			size_t ncap = d->n + e->nd;

			if ((nv = realloc(d->v, ncap * sizeof(*nv))) == NULL) {
				if (copy != NULL)
					kind->free(copy);
				return false;
			}
			d->v = nv;
			d->cap = ncap;
		}
		memcpy(d->v + d->n, e->diags, e->nd * sizeof(*e->diags));
		d->n += e->nd;
	}
	current->parse_hits++;
	*rc = e->rc;
	*out = copy;
	return true;
}

void
fsim_sig_memo_parse_put(const fsim_parse_kind_t *kind, const uint8_t *in, size_t len,
    uint64_t opts, const fsim_diags_t *d, size_t first, int rc, const void *result)
{
	fsim_sig_memo_t *m = current;
	struct fsim_parse_entry e;
	size_t at;

	if (m == NULL || kind == NULL || d == NULL || d->oom || first > d->n ||
	    (in == NULL && len > 0) || strlen(d->prefix) >= sizeof(e.prefix))
		return;
	memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.len = len;
	e.opts = opts;
	e.base = d->base;
	memcpy(e.prefix, d->prefix, strlen(d->prefix) + 1);
	e.rc = rc;
	e.nd = d->n - first;
	if ((e.in = malloc(len > 0 ? len : 1)) == NULL ||
	    (e.nd > 0 && (e.diags = malloc(e.nd * sizeof(*e.diags))) == NULL) ||
	    (result != NULL && (e.result = kind->copy(result)) == NULL)) {
		parse_entry_drop(&e);
		return;
	}
	if (len > 0)
		memcpy(e.in, in, len);
	if (e.nd > 0)
		memcpy(e.diags, d->v + first, e.nd * sizeof(*e.diags));
	if (m->np < FSIM_SIG_MEMO_PARSES)
		at = m->np++;
	else {
		at = m->nextp;
		m->nextp = (m->nextp + 1) % FSIM_SIG_MEMO_PARSES;
		parse_entry_drop(&m->parses[at]);
	}
	m->parses[at] = e;
}
