/*
 * sig_memo.h — judge once: a scope in which fsim_sig_verify remembers the
 * signatures it found valid on this thread, so that the same response judged
 * under ten RP policies costs one signature verification, not ten.
 *
 * What is remembered is the SHA-256 of (key type, curve, COSE alg, encoded
 * public key, message, signature) of a verification that succeeded; a later
 * call with the same six skips only EVP_DigestVerify. Every check before it
 * (alg known, key fits alg, strict DER form) still runs and still reports,
 * and a signature that failed is verified again each time (its diagnostics
 * come from that run), so a memo never changes a result or a message.
 *
 * Only EC and EdDSA keys are remembered (their verification is the cost);
 * RSA and ML-DSA keys verify every time. Nothing outside an explicit scope
 * is remembered: the CLI, serve and the bench never open one.
 *
 *   fsim_sig_memo_t memo;
 *   fsim_sig_memo_begin(&memo);
 *   ... verify the same response under every policy ...
 *   fsim_sig_memo_end(&memo);
 *
 * Scopes nest (end restores the enclosing one). A memo is one thread's.
 */
#ifndef FSIM_SIG_MEMO_H
#define FSIM_SIG_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define FSIM_SIG_MEMO_SLOTS 16

typedef struct fsim_sig_memo {
	EVP_MD_CTX *md;            /* NULL: could not be made; the memo stays empty */
	size_t n;                  /* slots filled */
	size_t next;               /* the slot the next success overwrites when full */
	uint8_t seen[FSIM_SIG_MEMO_SLOTS][32];
	struct fsim_sig_memo *outer;
	unsigned long hits;        /* verifications it saved (for tests) */
} fsim_sig_memo_t;

/* Open a scope on this thread. Never fails: without memory it remembers nothing. */
void fsim_sig_memo_begin(fsim_sig_memo_t *m);
/* Close it (m must be the innermost open one) and wipe it. */
void fsim_sig_memo_end(fsim_sig_memo_t *m);

/*
 * For fsim_sig_verify: the digest naming this verification into key[32];
 * false when no scope is open or the key is not remembered (then key is
 * untouched). fsim_sig_memo_seen says whether it verified before;
 * fsim_sig_memo_add records a success.
 */
bool fsim_sig_memo_key(const EVP_PKEY *pkey, int crv, int alg, const uint8_t *msg,
    size_t mlen, const uint8_t *sig, size_t slen, uint8_t key[32]);
bool fsim_sig_memo_seen(const uint8_t key[32]);
void fsim_sig_memo_add(const uint8_t key[32]);

#endif /* !FSIM_SIG_MEMO_H */
