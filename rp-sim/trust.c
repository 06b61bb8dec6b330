/*
 * trust.c — trust anchors and path validation over OpenSSL's X509_STORE.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "core/judge_memo.h"
#include "rp-sim/certcache.h"
#include "rp-sim/trust.h"

#define PEM_MAX_BYTES (4u << 20)

struct fsim_trust {
	X509_STORE *store;
	size_t n;
};

int
fsim_trust_new(fsim_trust_t **out)
{
	fsim_trust_t *t;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return FSIM_ERR_NOMEM;
	if ((t->store = X509_STORE_new()) == NULL) {
		free(t);
		return FSIM_ERR_NOMEM;
	}
	*out = t;
	return FSIM_OK;
}

void
fsim_trust_free(fsim_trust_t **tp)
{
	if (tp == NULL || *tp == NULL)
		return;
	X509_STORE_free((*tp)->store);
	free(*tp);
	*tp = NULL;
}

size_t
fsim_trust_count(const fsim_trust_t *t)
{
	return t == NULL ? 0 : t->n;
}

int
fsim_trust_add_pem(fsim_trust_t *t, const char *pem, size_t len)
{
	BIO *bio;
	X509 *x;
	size_t added = 0;
	int r = FSIM_ERR_FORMAT;

	if (len > (size_t)INT32_MAX)
		return FSIM_ERR_ARG;
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return FSIM_ERR_NOMEM;
	/*
	 * What PEM_read_bio_X509 takes (CERTIFICATE or X509 CERTIFICATE blocks,
	 * others skipped; the first one that fails ends the list), each parsed
	 * through the certificate cache: the same anchors are added case after
	 * case, and a parse costs far more than a lookup.
	 */
	for (;;) {
		char *name = NULL, *header = NULL;
		unsigned char *der = NULL;
		long dlen = 0;
		size_t used;
		int ok;

		if (PEM_read_bio(bio, &name, &header, &der, &dlen) != 1)
			break;
		ok = header[0] == '\0' && dlen > 0;   /* an encrypted block is no certificate here */
		if (ok && strcmp(name, PEM_STRING_X509) != 0 &&
		    strcmp(name, PEM_STRING_X509_OLD) != 0) {
			OPENSSL_free(name);
			OPENSSL_free(header);
			OPENSSL_free(der);
			continue;
		}
		x = NULL;
		ok = ok && fsim_cert_parse(der, (size_t)dlen, &x, &used) == FSIM_OK;
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		if (!ok)
			break;
		/* A duplicate anchor is harmless; X509_STORE refuses it quietly in 3.0. */
		if (X509_STORE_add_cert(t->store, x) == 1)
			t->n++;
		added++;
		X509_free(x);
	}
	ERR_clear_error();  /* the loop ends on "no start line" */
	if (added > 0)
		r = FSIM_OK;
	BIO_free(bio);
	return r;
}

static int
add_file(fsim_trust_t *t, const char *path, fsim_diags_t *d)
{
	fsim_blob_t b = { 0 };
	int r;

	if ((r = fsim_read_file(path, PEM_MAX_BYTES, &b)) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ATT-TRUST-01", path, FSIM_NO_OFFSET,
		    "cannot read trust anchor file: %s", fsim_strerr(r));
		return r;
	}
	if ((r = fsim_trust_add_pem(t, (const char *)b.ptr, b.len)) != 0)
		fsim_diags_add(d, FSIM_SEV_ERROR, "ATT-TRUST-01", path, FSIM_NO_OFFSET,
		    "no PEM certificate found");
	fsim_blob_reset(&b);
	return r;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

int
fsim_trust_add_path(fsim_trust_t *t, const char *path, fsim_diags_t *d)
{
	struct stat st;
	struct dirent **names = NULL;
	char sub[4096];
	int i, n, r = FSIM_OK;

	if (t == NULL || path == NULL)
		return FSIM_ERR_ARG;
	if (stat(path, &st) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ATT-TRUST-01", path, FSIM_NO_OFFSET,
		    "no such file or folder");
		return FSIM_ERR_IO;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(t, path, d);
	/* Sorted, so the same folder always loads the same way. */
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "ATT-TRUST-01", path, FSIM_NO_OFFSET,
		    "cannot read folder");
		return FSIM_ERR_IO;
	}
	for (i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;

		if (nm[0] != '.' && (has_suffix(nm, ".pem") || has_suffix(nm, ".crt"))) {
			snprintf(sub, sizeof(sub), "%s/%s", path, nm);
			if (add_file(t, sub, d) != 0)
				r = FSIM_ERR_FORMAT;
		}
		free(names[i]);
	}
	free(names);
	return r;
}

int
fsim_trust_check_validity(STACK_OF(X509) *x5c, time_t at, fsim_checks_t *ck)
{
	int i, n = x5c ? sk_X509_num(x5c) : 0, bad = 0;
	char field[32];

	for (i = 0; i < n; i++) {
		X509 *x = sk_X509_value(x5c, i);
		time_t t = at;

		snprintf(field, sizeof(field), "x5c[%d]", i);
		if (X509_cmp_time(X509_get0_notBefore(x), &t) > 0) {
			fsim_checks_fail(ck, FSIM_R_ATT_03, field,
			    "certificate is not yet valid at the verification time");
			bad++;
		} else if (X509_cmp_time(X509_get0_notAfter(x), &t) < 0) {
			fsim_checks_fail(ck, FSIM_R_ATT_03, field,
			    "certificate has expired at the verification time");
			bad++;
		}
	}
	if (n > 0 && bad == 0)
		fsim_checks_pass(ck, FSIM_R_ATT_03);
	return bad ? FSIM_ERR_FORMAT : FSIM_OK;
}

/*
 * x5c (leaf first) against a store, or against a stack of anchors when store
 * is NULL; no_time: no certificate is dated (a library that checks the path
 * only).
 */
static int
chain_to(X509_STORE *store, STACK_OF(X509) *roots, STACK_OF(X509) *x5c, time_t at,
    bool no_time, bool *trusted, char *why, size_t whylen)
{
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_VERIFY_PARAM *param;
	int i, r = FSIM_ERR_INTERNAL, err;

	if ((untrusted = sk_X509_new_null()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL)
		goto fail;
	for (i = 1; i < sk_X509_num(x5c); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(x5c, i)))
			goto fail;
	if (X509_STORE_CTX_init(ctx, store, sk_X509_value(x5c, 0), untrusted) != 1)
		goto fail;
	if (store == NULL)
		X509_STORE_CTX_set0_trusted_stack(ctx, roots);
	param = X509_STORE_CTX_get0_param(ctx);
	/* USE_CHECK_TIME (set by set_time) would win over NO_CHECK_TIME in OpenSSL 3. */
	if (!no_time)
		X509_VERIFY_PARAM_set_time(param, at);
	/* An anchor may be an intermediate or the leaf itself (§7.1 step 24). */
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN |
	    (no_time ? X509_V_FLAG_NO_CHECK_TIME : 0));
	if (X509_verify_cert(ctx) == 1)
		*trusted = true;
	else if (why) {
		err = X509_STORE_CTX_get_error(ctx);
		snprintf(why, whylen, "%s", X509_verify_cert_error_string(err));
	}
	ERR_clear_error();
	r = FSIM_OK;
fail:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);  /* the certificates belong to x5c */
	return r;
}

/*
 * A path's verdict, remembered inside a judge-once scope (judge_memo.h): the
 * same response judged under every policy builds the same path against the
 * same anchors, and OpenSSL checks each certificate's signature each time.
 * The key names the store, its anchor count, the roots, the certificates
 * (by address), the time and the dating; an entry holds references to all
 * of them, so no address can be reused while the scope remembers it.
 */
#define CHAIN_MEMO_CERTS 16

struct chain_verdict {
	bool trusted;
	char why[128];
	X509_STORE *store;
	X509 *certs[CHAIN_MEMO_CERTS];
	size_t ncerts;
};

static void
cv_free(void *p)
{
	struct chain_verdict *v = p;
	size_t i;

	if (v == NULL)
		return;
	X509_STORE_free(v->store);
	for (i = 0; i < v->ncerts; i++)
		X509_free(v->certs[i]);
	free(v);
}

static void *
cv_copy(const void *p)
{
	const struct chain_verdict *s = p;
	struct chain_verdict *c = calloc(1, sizeof(*c));
	size_t i;

	if (c == NULL)
		return NULL;
	c->trusted = s->trusted;
	memcpy(c->why, s->why, sizeof(c->why));
	if (s->store != NULL) {
		if (X509_STORE_up_ref(s->store) != 1) {
			free(c);
			return NULL;
		}
		c->store = s->store;
	}
	for (i = 0; i < s->ncerts; i++) {
		if (X509_up_ref(s->certs[i]) != 1) {
			cv_free(c);
			return NULL;
		}
		c->certs[c->ncerts++] = s->certs[i];
	}
	return c;
}

static const fsim_parse_kind_t chain_kind = { cv_copy, cv_free };

static bool
key_put(uint8_t *k, size_t cap, size_t *n, const void *p, size_t len)
{
	if (len > cap - *n)
		return false;
	memcpy(k + *n, p, len);
	*n += len;
	return true;
}

/* The key naming one path check, and the objects it names (no references taken here). */
static bool
chain_key(X509_STORE *store, size_t anchors, STACK_OF(X509) *roots, STACK_OF(X509) *x5c,
    time_t at, bool no_time, uint8_t *k, size_t cap, size_t *klen, struct chain_verdict *v)
{
	STACK_OF(X509) *sets[2] = { roots, x5c };
	uint8_t nt = no_time;
	size_t s;
	int i, n;

	*klen = 0;
	memset(v, 0, sizeof(*v));
	v->store = store;
	if (!key_put(k, cap, klen, &store, sizeof(store)) ||
	    !key_put(k, cap, klen, &anchors, sizeof(anchors)) ||
	    !key_put(k, cap, klen, &at, sizeof(at)) || !key_put(k, cap, klen, &nt, 1))
		return false;
	for (s = 0; s < 2; s++) {
		n = sets[s] != NULL ? sk_X509_num(sets[s]) : 0;
		if (!key_put(k, cap, klen, &n, sizeof(n)))
			return false;
		for (i = 0; i < n; i++) {
			X509 *x = sk_X509_value(sets[s], i);

			if (v->ncerts == CHAIN_MEMO_CERTS || !key_put(k, cap, klen, &x, sizeof(x)))
				return false;
			v->certs[v->ncerts++] = x;
		}
	}
	return true;
}

/* chain_to, answered from the scope's memory when it checked this very path before. */
static int
chain_once(X509_STORE *store, size_t anchors, STACK_OF(X509) *roots, STACK_OF(X509) *x5c,
    time_t at, bool no_time, bool *trusted, char *why, size_t whylen)
{
	uint8_t key[64 + 2 * CHAIN_MEMO_CERTS * sizeof(X509 *)];
	struct chain_verdict v, *got = NULL;
	fsim_diags_t d;           /* no diagnostics: one fixed context for the memo */
	size_t klen;
	bool keyed;
	int r;

	fsim_diags_init(&d);
	keyed = chain_key(store, anchors, roots, x5c, at, no_time, key, sizeof(key), &klen, &v);
	if (keyed &&
	    fsim_judge_memo_parse_get(&chain_kind, key, klen, 0, &d, &r, (void **)&got)) {
		if (got != NULL) {
			*trusted = got->trusted;
			if (why != NULL && whylen > 0)
				snprintf(why, whylen, "%s", got->why);
		}
		cv_free(got);
		return r;
	}
	r = chain_to(store, roots, x5c, at, no_time, trusted, why, whylen);
	if (keyed && r == FSIM_OK) {
		v.trusted = *trusted;
		snprintf(v.why, sizeof(v.why), "%s", why != NULL ? why : "");
		/* kept only when the reason fits whole: a hit must say what a check would */
		if (why == NULL || strlen(why) < sizeof(v.why) - 1)
			fsim_judge_memo_parse_put(&chain_kind, key, klen, 0, &d, 0, r, &v);
	}
	fsim_diags_clear(&d);
	return r;
}

int
fsim_trust_chain_ex(const fsim_trust_t *t, STACK_OF(X509) *x5c, time_t at, bool no_time,
    bool *trusted, char *why, size_t whylen)
{
	*trusted = false;
	if (why && whylen)
		why[0] = '\0';
	if (x5c == NULL || sk_X509_num(x5c) == 0)
		return FSIM_ERR_ARG;
	if (t == NULL || t->n == 0) {
		if (why)
			snprintf(why, whylen, "no trust anchors are configured");
		return FSIM_OK;
	}
	return chain_once(t->store, t->n, NULL, x5c, at, no_time, trusted, why, whylen);
}

int
fsim_trust_chain_roots(STACK_OF(X509) *roots, STACK_OF(X509) *x5c, time_t at,
    bool *trusted, char *why, size_t whylen)
{
	*trusted = false;
	if (why && whylen)
		why[0] = '\0';
	if (x5c == NULL || sk_X509_num(x5c) == 0)
		return FSIM_ERR_ARG;
	if (roots == NULL || sk_X509_num(roots) == 0) {
		if (why)
			snprintf(why, whylen, "the statement lists no attestation root");
		return FSIM_OK;
	}
	return chain_once(NULL, 0, roots, x5c, at, false, trusted, why, whylen);
}

int
fsim_trust_chain(const fsim_trust_t *t, STACK_OF(X509) *x5c, time_t at,
    bool *trusted, char *why, size_t whylen)
{
	return fsim_trust_chain_ex(t, x5c, at, false, trusted, why, whylen);
}
