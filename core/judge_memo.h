/*
 * judge_memo.h — judge once: a scope in which one thread remembers the
 * signatures it found valid, the EC public keys it imported, the
 * clientDataJSON and attestation objects it parsed and the certificate
 * paths it checked (rp-sim/trust.c), so that the same response judged under
 * ten RP policies costs one of each, not ten.
 *
 * A signature is remembered by its key object (the memo holds a reference,
 * so the object cannot be freed and its address reused while the scope is
 * open) and a copy of the COSE alg, curve, message and signature; a later
 * call with the same key object and the same four (compared whole) skips only
 * EVP_DigestVerify. Every check before it (alg known, key fits alg, strict
 * DER form) still runs and still reports, and a signature that failed is
 * verified again each time (its diagnostics come from that run), so a memo
 * never changes a result or a message. The same key in another object is
 * simply verified again.
 *
 * A parse of clientDataJSON or of an attestation object is remembered with
 * the diagnostics it gave (fsim_judge_memo_parse_get): the same bytes, the
 * same options and the same diagnostics context give the same result, so a
 * policy gets a copy of it and the very same messages.
 *
 * An EC public key is remembered by its curve and point once it imported and
 * passed its checks: fsim_ec_public_key hands out the same object again
 * (another reference), which is what lets the policies' verifications meet
 * in the signature memo. A point that failed is checked again each time.
 *
 * Nothing outside an explicit scope is remembered: the CLI, serve and the
 * bench never open one.
 *
 *   fsim_judge_memo_t memo;
 *   fsim_judge_memo_begin(&memo);
 *   ... verify the same response under every policy ...
 *   fsim_judge_memo_end(&memo);
 *
 * Scopes nest (end restores the enclosing one); a scope also finds what
 * the scopes around it remember (they outlive it), and counts those hits as
 * its own. The harness opens one around a whole pipe or mutation unit (so
 * the client's and the views' parses of a key meet the RP's) and one around
 * each judgement. A memo is one thread's.
 */
#ifndef FSIM_JUDGE_MEMO_H
#define FSIM_JUDGE_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "util.h"

#define FSIM_JUDGE_MEMO_SLOTS 16
#define FSIM_JUDGE_MEMO_KEYS 8
#define FSIM_JUDGE_MEMO_PARSES 8

/* How a parser's results are kept in a memo and handed out again. */
typedef struct fsim_parse_kind {
	void *(*copy)(const void *result);   /* an independent copy; NULL without memory */
	void (*free)(void *result);
} fsim_parse_kind_t;

/* One verification: what a remembered one must equal, byte for byte. */
typedef struct fsim_judge_memo_query {
	int crv, alg;
	const uint8_t *msg, *sig;
	size_t mlen, slen;
} fsim_judge_memo_query_t;

typedef struct fsim_judge_memo {
	size_t n, next;            /* signature slots filled; the next one overwritten when full */
	struct {
		EVP_PKEY *pkey;        /* a reference held */
		int crv, alg;
		size_t mlen, slen;
		uint8_t *bytes;        /* the message, then the signature (a copy) */
	} seen[FSIM_JUDGE_MEMO_SLOTS];
	size_t nk, nextk;
	struct {
		EVP_PKEY *pkey;        /* a reference held */
		int crv;
		size_t len;
		uint8_t pt[133];       /* P-521 uncompressed */
	} keys[FSIM_JUDGE_MEMO_KEYS];
	size_t np, nextp;
	struct fsim_parse_entry {
		const fsim_parse_kind_t *kind;
		uint8_t *in;           /* the bytes parsed (a copy) */
		size_t len;
		uint64_t opts;         /* the parser's options, as it packs them */
		size_t base;           /* the diagnostics context it ran in */
		char prefix[sizeof(((fsim_diags_t *)0)->prefix)];
		int rc;
		void *result;          /* kept; handed out as copies */
		fsim_diag_t *diags;    /* what it appended */
		size_t nd;
	} parses[FSIM_JUDGE_MEMO_PARSES];
	struct fsim_judge_memo *outer;
	unsigned long hits;        /* verifications it saved (for tests) */
	unsigned long key_hits;    /* key imports it saved (for tests) */
	unsigned long parse_hits;  /* parses it saved (for tests) */
} fsim_judge_memo_t;

/* Open a scope on this thread. Never fails: without memory it remembers nothing. */
void fsim_judge_memo_begin(fsim_judge_memo_t *m);
/* Close it (m must be the innermost open one), drop its references and wipe it. */
void fsim_judge_memo_end(fsim_judge_memo_t *m);

/*
 * For fsim_sig_verify: q names this verification (it points at msg and
 * sig); false when no scope is open (then q is untouched).
 * fsim_judge_memo_seen says whether pkey verified the very same alg, curve,
 * message and signature before (compared whole, byte for byte);
 * fsim_judge_memo_add records a success (copying the bytes).
 */
bool fsim_judge_memo_key(int crv, int alg, const uint8_t *msg, size_t mlen, const uint8_t *sig,
    size_t slen, fsim_judge_memo_query_t *q);
bool fsim_judge_memo_seen(const EVP_PKEY *pkey, const fsim_judge_memo_query_t *q);
void fsim_judge_memo_add(EVP_PKEY *pkey, const fsim_judge_memo_query_t *q);

/*
 * For fsim_ec_public_key: the key imported earlier in this scope from the
 * same curve and point (a new reference for the caller), or NULL; and
 * remember one that imported and passed its checks.
 */
EVP_PKEY *fsim_judge_memo_ec_key(int crv, const uint8_t *pt, size_t len);
void fsim_judge_memo_ec_key_add(int crv, const uint8_t *pt, size_t len, EVP_PKEY *pkey);

/*
 * For parsers whose result depends only on their input bytes and options
 * (clientDataJSON, the attestation object): the outcome of parsing the same
 * bytes with the same options earlier in this scope, in the same
 * diagnostics context (d's base and prefix, which its messages and fields
 * carry). On a hit, get appends the very diagnostics that parse appended,
 * sets *rc to its return value and *out to a copy of its result (NULL if it
 * gave none), and returns true; the caller returns at once. Without a
 * scope, without d, or when a copy cannot be made: false, and the caller
 * parses. put remembers a parse that appended d's entries from `first` on
 * (nothing when d ran out of memory).
 */
bool fsim_judge_memo_parse_get(const fsim_parse_kind_t *kind, const uint8_t *in, size_t len,
    uint64_t opts, fsim_diags_t *d, int *rc, void **out);
void fsim_judge_memo_parse_put(const fsim_parse_kind_t *kind, const uint8_t *in, size_t len,
    uint64_t opts, const fsim_diags_t *d, size_t first, int rc, const void *result);

#endif /* !FSIM_JUDGE_MEMO_H */
