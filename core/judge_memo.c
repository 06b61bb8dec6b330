/*
 * judge_memo.c — the signatures one thread found valid, the EC keys it
 * imported and the parses it made, inside a scope (see judge_memo.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "ossl_cache.h"
#include "judge_memo.h"

/* The innermost open scope of this thread. */
static _Thread_local fsim_judge_memo_t *current;

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
fsim_judge_memo_begin(fsim_judge_memo_t *m)
{
	if (m == NULL)
		return;
	memset(m, 0, sizeof(*m));
	m->outer = current;
	current = m;
}

void
fsim_judge_memo_end(fsim_judge_memo_t *m)
{
	size_t i;

	if (m == NULL)
		return;
	if (current == m)
		current = m->outer;
	for (i = 0; i < m->n && i < FSIM_JUDGE_MEMO_SLOTS; i++) {
		EVP_PKEY_free(m->seen[i].pkey);
		free(m->seen[i].bytes);
	}
	for (i = 0; i < m->nk && i < FSIM_JUDGE_MEMO_KEYS; i++)
		EVP_PKEY_free(m->keys[i].pkey);
	for (i = 0; i < m->np && i < FSIM_JUDGE_MEMO_PARSES; i++)
		parse_entry_drop(&m->parses[i]);
	OPENSSL_cleanse(m, sizeof(*m));
}

bool
fsim_judge_memo_key(int crv, int alg, const uint8_t *msg, size_t mlen, const uint8_t *sig,
    size_t slen, fsim_judge_memo_query_t *q)
{
	if (current == NULL || q == NULL || (msg == NULL && mlen > 0) ||
	    (sig == NULL && slen > 0) || mlen > SIZE_MAX / 2 || slen > SIZE_MAX / 2)
		return false;
	q->crv = crv;
	q->alg = alg;
	q->msg = msg;
	q->mlen = mlen;
	q->sig = sig;
	q->slen = slen;
	return true;
}

bool
fsim_judge_memo_seen(const EVP_PKEY *pkey, const fsim_judge_memo_query_t *q)
{
	const fsim_judge_memo_t *m;
	size_t i;

	if (current == NULL || pkey == NULL || q == NULL)
		return false;
	/* this scope, then the enclosing ones: they outlive it */
	for (m = current; m != NULL; m = m->outer)
		for (i = 0; i < m->n; i++)
			if (m->seen[i].pkey == pkey && m->seen[i].crv == q->crv &&
			    m->seen[i].alg == q->alg && m->seen[i].mlen == q->mlen &&
			    m->seen[i].slen == q->slen &&
			    (q->mlen == 0 || memcmp(m->seen[i].bytes, q->msg, q->mlen) == 0) &&
			    (q->slen == 0 || memcmp(m->seen[i].bytes + q->mlen, q->sig, q->slen) == 0)) {
				current->hits++;
				return true;
			}
	return false;
}

void
fsim_judge_memo_add(EVP_PKEY *pkey, const fsim_judge_memo_query_t *q)
{
	fsim_judge_memo_t *m = current;
	uint8_t *b;
	size_t at;

	if (m == NULL || pkey == NULL || q == NULL)
		return;
	if ((b = malloc(q->mlen + q->slen + 1)) == NULL)
		return;
	if (EVP_PKEY_up_ref(pkey) != 1) {
		free(b);
		return;
	}
	if (q->mlen > 0)
		memcpy(b, q->msg, q->mlen);
	if (q->slen > 0)
		memcpy(b + q->mlen, q->sig, q->slen);
	if (m->n < FSIM_JUDGE_MEMO_SLOTS)
		at = m->n++;
	else {
		at = m->next;
		m->next = (m->next + 1) % FSIM_JUDGE_MEMO_SLOTS;
		EVP_PKEY_free(m->seen[at].pkey);
		free(m->seen[at].bytes);
	}
	m->seen[at].pkey = pkey;
	m->seen[at].crv = q->crv;
	m->seen[at].alg = q->alg;
	m->seen[at].mlen = q->mlen;
	m->seen[at].slen = q->slen;
	m->seen[at].bytes = b;
}

EVP_PKEY *
fsim_judge_memo_ec_key(int crv, const uint8_t *pt, size_t len)
{
	const fsim_judge_memo_t *m;
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
fsim_judge_memo_ec_key_add(int crv, const uint8_t *pt, size_t len, EVP_PKEY *pkey)
{
	fsim_judge_memo_t *m = current;
	size_t at;

	if (m == NULL || pt == NULL || pkey == NULL || len == 0 ||
	    len > sizeof(m->keys[0].pt) || EVP_PKEY_up_ref(pkey) != 1)
		return;
	if (m->nk < FSIM_JUDGE_MEMO_KEYS)
		at = m->nk++;
	else {
		at = m->nextk;
		m->nextk = (m->nextk + 1) % FSIM_JUDGE_MEMO_KEYS;
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
fsim_judge_memo_parse_get(const fsim_parse_kind_t *kind, const uint8_t *in, size_t len,
    uint64_t opts, fsim_diags_t *d, int *rc, void **out)
{
	const fsim_judge_memo_t *m;
	const struct fsim_parse_entry *e = NULL;
	void *copy = NULL;
	size_t i;

	if (current == NULL || kind == NULL || d == NULL || d->oom || (in == NULL && len > 0))
		return false;
	for (m = current; m != NULL && e == NULL; m = m->outer)
		for (i = 0; i < m->np && i < FSIM_JUDGE_MEMO_PARSES && e == NULL; i++)
			if (same_parse(&m->parses[i], kind, in, len, opts, d))
				e = &m->parses[i];
	if (e == NULL)
		return false;
	if (e->result != NULL && (copy = kind->copy(e->result)) == NULL)
		return false;
	if (fsim_diags_append(d, e->diags, e->nd) != 0) {
		if (copy != NULL)
			kind->free(copy);
		return false;
	}
	current->parse_hits++;
	*rc = e->rc;
	*out = copy;
	return true;
}

void
fsim_judge_memo_parse_put(const fsim_parse_kind_t *kind, const uint8_t *in, size_t len,
    uint64_t opts, const fsim_diags_t *d, size_t first, int rc, const void *result)
{
	fsim_judge_memo_t *m = current;
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
	if (m->np < FSIM_JUDGE_MEMO_PARSES)
		at = m->np++;
	else {
		at = m->nextp;
		m->nextp = (m->nextp + 1) % FSIM_JUDGE_MEMO_PARSES;
		parse_entry_drop(&m->parses[at]);
	}
	m->parses[at] = e;
}
