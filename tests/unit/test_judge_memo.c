/*
 * test_judge_memo.c — judge once (core/judge_memo.c): inside a scope a valid
 * signature is verified once and later calls with the same key object, alg,
 * message and signature are answered from the memo; anything that differs
 * in one byte, or the same key in another object, is verified again,
 * failures are verified (and reported) every time, the form checks still
 * run, and nothing is remembered outside a scope or after it ends. EC public
 * keys imported in a scope come back as the same object; a bad point is
 * refused every time. A parse of clientDataJSON or of an attestation object
 * comes back as an independent copy with the very diagnostics of the first
 * parse, only for the same bytes, options and diagnostics context.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "core/attobj.h"
#include "core/clientdata.h"
#include "core/cose.h"
#include "core/ossl_cache.h"
#include "core/sig.h"
#include "core/judge_memo.h"

static const uint8_t msg[] = "authenticatorData || clientDataHash stand-in";

static int
verify(EVP_PKEY *k, int alg, const uint8_t *m, size_t mlen, const fsim_blob_t *s,
    fsim_diags_t *d)
{
	return fsim_sig_verify(k, alg, m, mlen, s->ptr, s->len, d, "AUTH-20", NULL);
}

/* The second verification of the same valid signature is a hit; its answer is the same. */
static void
test_valid_once(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	fsim_blob_t s = { 0 };
	fsim_judge_memo_t memo;
	int i;

	(void)state;
	assert_non_null(k);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	fsim_judge_memo_begin(&memo);
	for (i = 0; i < 5; i++)
		assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 4);
	assert_int_equal(memo.n, 1);
	fsim_judge_memo_end(&memo);
	fsim_blob_reset(&s);
	EVP_PKEY_free(k);
}

/*
 * After a valid signature is remembered, one changed byte of the message or
 * of the signature, or another key, is verified for real and fails with its
 * diagnostic, every time.
 */
static void
test_changed_input_fails(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256"), *other = EVP_EC_gen("P-256");
	uint8_t m2[sizeof(msg)];
	fsim_blob_t s = { 0 };
	fsim_judge_memo_t memo;
	fsim_diags_t d;
	int i;

	(void)state;
	assert_non_null(k);
	assert_non_null(other);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	memcpy(m2, msg, sizeof(msg));
	m2[3] ^= 1;
	fsim_diags_init(&d);
	fsim_judge_memo_begin(&memo);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(verify(k, FSIM_COSE_ES256, m2, sizeof(m2), &s, &d),
		    FSIM_ERR_SIGNATURE);
		assert_int_equal(verify(other, FSIM_COSE_ES256, msg, sizeof(msg), &s, &d),
		    FSIM_ERR_SIGNATURE);
	}
	assert_true(d.n >= 4);
	assert_string_equal(d.v[0].rule, "AUTH-20");
	/* the last byte of the signature's s changed: still DER, no longer valid */
	s.ptr[s.len - 1] ^= 1;
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL),
	    FSIM_ERR_SIGNATURE);
	s.ptr[s.len - 1] ^= 1;
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 1);
	fsim_judge_memo_end(&memo);
	fsim_diags_clear(&d);
	fsim_blob_reset(&s);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

/* The form check runs before the memo: a remembered signature sent in a non-minimal DER form fails SIG-01. */
static void
test_form_check_still_runs(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	fsim_blob_t s = { 0 }, bad = { 0 };
	fsim_judge_memo_t memo;
	fsim_diags_t d;

	(void)state;
	assert_non_null(k);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	/* the same signature with a trailing byte */
	assert_int_equal(fsim_blob_set(&bad, s.ptr, s.len), 0);
	assert_int_equal(fsim_blob_append(&bad, (const uint8_t *)"\0", 1), 0);
	fsim_diags_init(&d);
	fsim_judge_memo_begin(&memo);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &bad, &d),
	    FSIM_ERR_SIGNATURE);
	assert_true(d.n >= 1);
	assert_string_equal(d.v[0].rule, "SIG-01");
	/* and the key must still fit the alg */
	assert_int_not_equal(verify(k, FSIM_COSE_ES384, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 0);
	fsim_judge_memo_end(&memo);
	fsim_diags_clear(&d);
	fsim_blob_reset(&bad);
	fsim_blob_reset(&s);
	EVP_PKEY_free(k);
}

/* Outside a scope and after it nothing is remembered; RSA signatures are, by their key object. */
static void
test_no_scope_rsa(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256"), *rsa = EVP_RSA_gen(2048);
	fsim_blob_t s = { 0 }, rs = { 0 };
	fsim_judge_memo_t memo;
	fsim_judge_memo_query_t key;

	(void)state;
	assert_non_null(k);
	assert_non_null(rsa);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	assert_int_equal(fsim_sig_sign(rsa, FSIM_COSE_RS256, msg, sizeof(msg), &rs), 0);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_false(fsim_judge_memo_key(1, FSIM_COSE_ES256, msg, sizeof(msg), s.ptr, s.len,
	    &key));
	fsim_judge_memo_begin(&memo);
	assert_int_equal(verify(k, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 0);  /* the call before the scope left nothing */
	assert_int_equal(verify(rsa, FSIM_COSE_RS256, msg, sizeof(msg), &rs, NULL), 0);
	assert_int_equal(verify(rsa, FSIM_COSE_RS256, msg, sizeof(msg), &rs, NULL), 0);
	assert_int_equal(memo.hits, 1);
	assert_int_equal(memo.n, 2);
	fsim_judge_memo_end(&memo);
	key.crv = 1;
	key.alg = FSIM_COSE_ES256;
	key.msg = msg;
	key.mlen = sizeof(msg);
	key.sig = s.ptr;
	key.slen = s.len;
	assert_false(fsim_judge_memo_seen(k, &key));
	fsim_blob_reset(&s);
	fsim_blob_reset(&rs);
	EVP_PKEY_free(k);
	EVP_PKEY_free(rsa);
}

/*
 * The same public key in two objects: the second is verified for real (and
 * still verifies). Imported through fsim_ec_public_key inside a scope, the
 * two imports are one object, so the second verification is a hit. The memo
 * keeps the objects alive: freed by their owners, they are still its.
 */
static void
test_key_objects(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256"), *a = NULL, *b = NULL, *c = NULL;
	uint8_t pt[65], bad[65];
	size_t plen = 0;
	fsim_blob_t s = { 0 };
	fsim_judge_memo_t memo;

	(void)state;
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_octet_string_param(k, "encoded-pub-key", pt, sizeof(pt),
	    &plen), 1);
	assert_int_equal(plen, 65);
	assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &s), 0);
	/* outside a scope: two imports, two objects */
	assert_int_equal(fsim_ec_public_key(1, pt, plen, &a), 0);
	assert_int_equal(fsim_ec_public_key(1, pt, plen, &b), 0);
	assert_ptr_not_equal(a, b);
	fsim_judge_memo_begin(&memo);
	assert_int_equal(verify(a, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(verify(b, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 0);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	a = b = NULL;
	/* inside: one object */
	assert_int_equal(fsim_ec_public_key(1, pt, plen, &a), 0);
	assert_int_equal(fsim_ec_public_key(1, pt, plen, &b), 0);
	assert_ptr_equal(a, b);
	assert_int_equal(memo.key_hits, 1);
	assert_int_equal(verify(a, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	EVP_PKEY_free(a);
	assert_int_equal(verify(b, FSIM_COSE_ES256, msg, sizeof(msg), &s, NULL), 0);
	assert_int_equal(memo.hits, 1);
	EVP_PKEY_free(b);
	/* another curve for the same bytes is another key (here: none) */
	assert_int_not_equal(fsim_ec_public_key(2, pt, plen, &c), 0);
	assert_null(c);
	/* a point off the curve is refused each time, never remembered */
	memcpy(bad, pt, sizeof(bad));
	bad[64] ^= 1;
	assert_int_equal(fsim_ec_public_key(1, bad, sizeof(bad), &c), FSIM_ERR_COSE);
	assert_int_equal(fsim_ec_public_key(1, bad, sizeof(bad), &c), FSIM_ERR_COSE);
	assert_null(c);
	assert_int_equal(memo.key_hits, 1);
	fsim_judge_memo_end(&memo);
	fsim_blob_reset(&s);
	EVP_PKEY_free(k);
}

/* Scopes nest; more signatures than slots still verify (the oldest is forgotten). */
static void
test_nesting_and_overflow(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	fsim_blob_t s[FSIM_JUDGE_MEMO_SLOTS + 2];
	uint8_t m[FSIM_JUDGE_MEMO_SLOTS + 2][8];
	fsim_judge_memo_t outer, inner;
	size_t i;

	(void)state;
	assert_non_null(k);
	memset(s, 0, sizeof(s));
	for (i = 0; i < FSIM_JUDGE_MEMO_SLOTS + 2; i++) {
		memset(m[i], (int)i, sizeof(m[i]));
		assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, m[i], 8, &s[i]), 0);
	}
	fsim_judge_memo_begin(&outer);
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[0], 8, &s[0], NULL), 0);
	fsim_judge_memo_begin(&inner);
	/* the inner scope finds what the outer one remembers */
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[0], 8, &s[0], NULL), 0);
	assert_int_equal(inner.hits, 1);
	assert_int_equal(inner.n, 0);
	assert_int_equal(outer.hits, 0);
	for (i = 0; i < FSIM_JUDGE_MEMO_SLOTS + 2; i++)
		assert_int_equal(verify(k, FSIM_COSE_ES256, m[i], 8, &s[i], NULL), 0);
	/* s[0] from the outer scope again; s[1..17] new, into 16 slots */
	assert_int_equal(inner.hits, 2);
	assert_int_equal(inner.n, FSIM_JUDGE_MEMO_SLOTS);
	/* m[1] was overwritten by the last one; m[2] is still there */
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[2], 8, &s[2], NULL), 0);
	assert_int_equal(inner.hits, 3);
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[1], 8, &s[1], NULL), 0);
	assert_int_equal(inner.hits, 3);
	fsim_judge_memo_end(&inner);
	/* what only the inner scope knew is gone with it */
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[0], 8, &s[0], NULL), 0);
	assert_int_equal(outer.hits, 1);
	assert_int_equal(verify(k, FSIM_COSE_ES256, m[2], 8, &s[2], NULL), 0);
	assert_int_equal(outer.hits, 1);
	fsim_judge_memo_end(&outer);
	for (i = 0; i < FSIM_JUDGE_MEMO_SLOTS + 2; i++)
		fsim_blob_reset(&s[i]);
	EVP_PKEY_free(k);
}

/* ---- parses ---- */

/* a's entries [a0, a1) are b's [b0, b1), field for field */
static void
assert_same_diags(const fsim_diags_t *a, size_t a0, size_t a1, const fsim_diags_t *b,
    size_t b0, size_t b1)
{
	size_t i;

	assert_int_equal(a1 - a0, b1 - b0);
	for (i = 0; a0 + i < a1; i++) {
		const fsim_diag_t *x = &a->v[a0 + i], *y = &b->v[b0 + i];

		assert_int_equal(x->sev, y->sev);
		assert_string_equal(x->rule, y->rule);
		assert_string_equal(x->field, y->field);
		assert_int_equal(x->offset, y->offset);
		assert_string_equal(x->msg, y->msg);
	}
}

static void
assert_same_cd(const fsim_clientdata_t *a, const fsim_clientdata_t *b)
{
	if (a == NULL || b == NULL) {
		assert_true(a == NULL && b == NULL);
		return;
	}
	assert_ptr_not_equal(a, b);
	assert_true((a->type == NULL) == (b->type == NULL));
	if (a->type != NULL)
		assert_string_equal(a->type, b->type);
	if (a->challenge != NULL)
		assert_string_equal(a->challenge, b->challenge);
	if (a->origin != NULL)
		assert_string_equal(a->origin, b->origin);
	assert_int_equal(a->cross_origin, b->cross_origin);
	assert_true(json_equal(a->root, b->root));
	assert_memory_equal(a->hash, b->hash, 32);
	assert_int_equal(a->raw.len, b->raw.len);
	assert_int_equal(a->canonical_order, b->canonical_order);
}

/*
 * Each text parsed outside any scope, then twice in one: the second is a
 * hit, and all three give the same code, value and diagnostics (warnings
 * and errors included).
 */
static void
test_clientdata_parse_memo(void **state)
{
	static const char *texts[] = {
		"{\"type\":\"webauthn.get\",\"challenge\":\"AAEC\",\"origin\":\"https://a.example\","
		"\"crossOrigin\":false}",
		/* out of the serialisation's order, an extra member: an info */
		"{\"origin\":\"https://a.example\",\"type\":\"webauthn.create\",\"challenge\":\"AAEC\","
		"\"x\":[1,2]}",
		"{\"type\":1}",
		"not json",
		"",
		"{\"type\":\"webauthn.get\",\"type\":\"webauthn.get\"}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const uint8_t *p = (const uint8_t *)texts[i];
		size_t n = strlen(texts[i]);
		fsim_clientdata_t *ref = NULL, *a = NULL, *b = NULL;
		fsim_diags_t dr, d;
		fsim_diags_frame_t f;
		fsim_judge_memo_t memo;
		int rr, ra, rb;
		size_t a0, b0;

		fsim_diags_init(&dr);
		fsim_diags_init(&d);
		fsim_diags_push(&dr, &f, 5, "clientDataJSON");
		rr = fsim_clientdata_parse(p, n, &ref, &dr);
		fsim_judge_memo_begin(&memo);
		fsim_diags_push(&d, &f, 5, "clientDataJSON");
		a0 = d.n;
		ra = fsim_clientdata_parse(p, n, &a, &d);
		b0 = d.n;
		rb = fsim_clientdata_parse(p, n, &b, &d);
		assert_int_equal(memo.parse_hits, 1);
		assert_int_equal(ra, rr);
		assert_int_equal(rb, rr);
		assert_same_diags(&dr, 0, dr.n, &d, a0, b0);
		assert_same_diags(&d, a0, b0, &d, b0, d.n);
		assert_same_cd(ref, a);
		assert_same_cd(a, b);
		/* a copy outlives the other and the scope */
		fsim_clientdata_free(&a);
		fsim_judge_memo_end(&memo);
		assert_same_cd(ref, b);
		fsim_clientdata_free(&ref);
		fsim_clientdata_free(&b);
		fsim_diags_clear(&dr);
		fsim_diags_clear(&d);
	}
}

/* Another context, other bytes, no diagnostics or no scope: no hit. */
static void
test_parse_memo_misses(void **state)
{
	static const char text[] = "{\"type\":\"webauthn.get\",\"challenge\":\"AAEC\"}";
	char other[sizeof(text)];
	fsim_clientdata_t *c = NULL;
	fsim_diags_t d;
	fsim_diags_frame_t f;
	fsim_judge_memo_t memo;

	(void)state;
	fsim_diags_init(&d);
	/* outside a scope nothing is remembered */
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)text, strlen(text), &c, &d), 0);
	fsim_clientdata_free(&c);
	fsim_judge_memo_begin(&memo);
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)text, strlen(text), &c, &d), 0);
	fsim_clientdata_free(&c);
	assert_int_equal(memo.parse_hits, 0);
	/* in another prefix, or at another base: parsed again */
	fsim_diags_push(&d, &f, 0, "response");
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)text, strlen(text), &c, &d), 0);
	fsim_clientdata_free(&c);
	fsim_diags_pop(&d, &f);
	fsim_diags_push(&d, &f, 7, NULL);
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)text, strlen(text), &c, &d), 0);
	fsim_clientdata_free(&c);
	fsim_diags_pop(&d, &f);
	assert_int_equal(memo.parse_hits, 0);
	/* one byte changed */
	memcpy(other, text, sizeof(text));
	other[20] = 'X';
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)other, strlen(other), &c, &d), 0);
	assert_string_not_equal(c->type, "webauthn.get");
	fsim_clientdata_free(&c);
	/* without diagnostics: parsed, never remembered nor found */
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)text, strlen(text), &c, NULL), 0);
	fsim_clientdata_free(&c);
	assert_int_equal(memo.parse_hits, 0);
	/* the first one again: a hit */
	assert_int_equal(fsim_clientdata_parse((const uint8_t *)text, strlen(text), &c, &d), 0);
	assert_string_equal(c->type, "webauthn.get");
	fsim_clientdata_free(&c);
	assert_int_equal(memo.parse_hits, 1);
	fsim_judge_memo_end(&memo);
	fsim_diags_clear(&d);
}

/* An attestation object ("none") around authData holding k's COSE key. */
static void
make_attobj(EVP_PKEY *k, uint8_t flags, fsim_blob_t *ao)
{
	fsim_cose_key_t *ck = NULL;
	fsim_blob_t key = { 0 }, ad = { 0 };
	uint8_t head[37 + 16 + 2 + 16];
	cbor_item_t *st = cbor_new_definite_map(0);

	memset(head, 0x11, 32);
	head[32] = flags;
	memset(head + 33, 0, 4 + 16);
	head[53] = 0;
	head[54] = 16;
	memset(head + 55, 0xcc, 16);
	assert_int_equal(fsim_cose_key_from_pkey(k, FSIM_COSE_ES256, &ck), 0);
	assert_int_equal(fsim_cose_key_encode(ck, &key), 0);
	assert_int_equal(fsim_blob_set(&ad, head, sizeof(head)), 0);
	assert_int_equal(fsim_blob_append(&ad, key.ptr, key.len), 0);
	assert_int_equal(fsim_attobj_encode("none", st, ad.ptr, ad.len, ao), 0);
	cbor_decref(&st);
	fsim_cose_key_free(&ck);
	fsim_blob_reset(&key);
	fsim_blob_reset(&ad);
}

static void
test_attobj_parse_memo(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	fsim_blob_t ao = { 0 }, bad = { 0 };
	fsim_attobj_t *r = NULL, *a = NULL, *b = NULL;
	fsim_diags_t dr, d;
	fsim_judge_memo_t memo;
	size_t a0, b0;
	int rr;

	(void)state;
	assert_non_null(k);
	make_attobj(k, 0x41, &ao);
	fsim_diags_init(&dr);
	fsim_diags_init(&d);
	assert_int_equal(fsim_attobj_parse_ex(ao.ptr, ao.len, 1023, 0, &r, &dr), 0);
	fsim_judge_memo_begin(&memo);
	a0 = d.n;
	assert_int_equal(fsim_attobj_parse_ex(ao.ptr, ao.len, 1023, 0, &a, &d), 0);
	b0 = d.n;
	assert_int_equal(fsim_attobj_parse_ex(ao.ptr, ao.len, 1023, 0, &b, &d), 0);
	assert_int_equal(memo.parse_hits, 1);
	assert_same_diags(&dr, 0, dr.n, &d, a0, b0);
	assert_same_diags(&d, a0, b0, &d, b0, d.n);
	assert_ptr_not_equal(a, b);
	assert_ptr_not_equal(a->auth_data, b->auth_data);
	assert_string_equal(a->fmt, b->fmt);
	assert_true(fsim_blob_eq(&a->auth_data_raw, b->auth_data_raw.ptr, b->auth_data_raw.len));
	assert_true(fsim_cose_key_equal(a->auth_data->cose_key, r->auth_data->cose_key));
	assert_true(fsim_blob_eq(&a->auth_data->cred_id, r->auth_data->cred_id.ptr,
	    r->auth_data->cred_id.len));
	assert_int_equal(a->auth_data->flags, b->auth_data->flags);
	assert_int_equal(a->canonical, r->canonical);
	fsim_attobj_free(&a);
	/* another credential ID bound: parsed again */
	assert_int_equal(fsim_attobj_parse_ex(ao.ptr, ao.len, 64, 0, &a, &d), 0);
	assert_int_equal(memo.parse_hits, 1);
	fsim_attobj_free(&a);
	/* a refused object: the same failure and messages from the memo */
	assert_int_equal(fsim_blob_set(&bad, ao.ptr, ao.len - 1), 0);
	rr = fsim_attobj_parse_ex(bad.ptr, bad.len, 1023, 0, &a, &d);
	assert_int_not_equal(rr, 0);
	fsim_attobj_free(&a);
	b0 = d.n;
	assert_int_equal(fsim_attobj_parse_ex(bad.ptr, bad.len, 1023, 0, &a, &d), rr);
	assert_int_equal(memo.parse_hits, 2);
	assert_true(d.n > b0);
	fsim_attobj_free(&a);
	fsim_judge_memo_end(&memo);
	/* the copy outlives the scope */
	assert_true(fsim_cose_key_equal(b->auth_data->cose_key, r->auth_data->cose_key));
	fsim_attobj_free(&b);
	fsim_attobj_free(&r);
	fsim_diags_clear(&dr);
	fsim_diags_clear(&d);
	fsim_blob_reset(&ao);
	fsim_blob_reset(&bad);
	EVP_PKEY_free(k);
}

/* More distinct parses than slots: the oldest is forgotten, every answer still right. */
static void
test_parse_memo_overflow(void **state)
{
	char texts[FSIM_JUDGE_MEMO_PARSES + 3][64];
	fsim_clientdata_t *c = NULL;
	fsim_diags_t d;
	fsim_judge_memo_t memo;
	size_t i;

	(void)state;
	fsim_diags_init(&d);
	fsim_judge_memo_begin(&memo);
	for (i = 0; i < FSIM_JUDGE_MEMO_PARSES + 3; i++) {
		snprintf(texts[i], sizeof(texts[i]), "{\"type\":\"t%zu\"}", i);
		assert_int_equal(fsim_clientdata_parse((const uint8_t *)texts[i],
		    strlen(texts[i]), &c, &d), 0);
		fsim_clientdata_free(&c);
	}
	assert_int_equal(memo.np, FSIM_JUDGE_MEMO_PARSES);
	/* newest first: the last ones are still there, the first ones parsed again */
	for (i = FSIM_JUDGE_MEMO_PARSES + 3; i-- > 0;) {
		char want[24];

		assert_int_equal(fsim_clientdata_parse((const uint8_t *)texts[i],
		    strlen(texts[i]), &c, &d), 0);
		snprintf(want, sizeof(want), "t%zu", i);
		assert_string_equal(c->type, want);
		fsim_clientdata_free(&c);
	}
	assert_true(memo.parse_hits >= 3);
	fsim_judge_memo_end(&memo);
	fsim_diags_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_once),
		cmocka_unit_test(test_changed_input_fails),
		cmocka_unit_test(test_form_check_still_runs),
		cmocka_unit_test(test_no_scope_rsa),
		cmocka_unit_test(test_key_objects),
		cmocka_unit_test(test_nesting_and_overflow),
		cmocka_unit_test(test_clientdata_parse_memo),
		cmocka_unit_test(test_parse_memo_misses),
		cmocka_unit_test(test_attobj_parse_memo),
		cmocka_unit_test(test_parse_memo_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
