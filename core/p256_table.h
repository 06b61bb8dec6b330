/*
 * p256_table.h — ES256 verification with a per-key precomputed table, for
 * the keys one process verifies again and again (a load run, a CI job, a
 * returning user, the bench).
 *
 * An ECDSA verification computes u1*G + u2*Q. OpenSSL multiplies by the
 * curve's generator G from a precomputed table, and by the public key Q with
 * a window of 16 multiples it builds on every call: most of the cost. A key
 * verified often gets a table of its own: a copy of the P-256 group with Q
 * as its generator (EC_GROUP_set_generator) and OpenSSL's own precomputation
 * for it (EC_GROUP_precompute_mult; on x86-64 the nistz256 comb, 150 KB);
 * u2*Q is then as cheap as u1*G, and a verification costs about half.
 * Building one costs about 600 plain verifications' worth, so a key gets it
 * only once it has been verified FSIM_P256_TABLE_AFTER times in this
 * process. The verification is FIPS 186-5 §6.4.2 step for step (w = s^-1,
 * u1 = e*w, u2 = r*w, R = u1*G + u2*Q, valid iff R is not the identity and
 * x(R) mod n = r), checked against OpenSSL's on every Wycheproof P-256
 * vector and on random good and bad signatures (test_p256_table).
 *
 * Tables are per key object: verifications are counted by the object's
 * address (no reference, no encoding: a few compares per call), and the
 * object that reaches the count gets the table and is held by it (a
 * reference, so its address cannot be reused by another key). The same key
 * parsed into a new object each time (a record read per request) is counted
 * afresh and never gets one: it costs what it cost before. A private key
 * object never gets one either (the cache would keep its secret alive). At
 * most FSIM_P256_TABLE_MAX tables are made per process, kept until exit;
 * thread-safe under one lock; everything freed at exit.
 */
#ifndef FSIM_P256_TABLE_H
#define FSIM_P256_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define FSIM_P256_TABLE_AFTER 256
#define FSIM_P256_TABLE_MAX 16

/*
 * Verify the DER ECDSA signature sig over SHA-256(msg) with the P-256 key
 * pkey: 1 valid, 0 not valid, -1 not answered here (no table for this key
 * yet, not a P-256 key, or an internal failure): the caller verifies with
 * OpenSSL. Counts the verification towards the key's table; msg is hashed
 * only when a table answers, so a key without one costs its caller a
 * lookup and nothing more. sig must already have passed the strict DER
 * check (SIG-01).
 */
int fsim_p256_table_verify(EVP_PKEY *pkey, const uint8_t *msg, size_t mlen,
    const uint8_t *sig, size_t slen);

/*
 * The inverse of a (big-endian, 1 <= a < n) modulo the P-256 order n into
 * out; -1 for a out of range. Not constant time: for public values (a
 * signature's s) and blinded ones (RFC 6979 signing's k times a random b).
 */
int fsim_p256_inv_mod_n(const uint8_t a[32], uint8_t out[32]);

/* This thread's verifications leave the tables alone (skip true) or not: the bench's cold-key stage. */
void fsim_p256_table_skip(bool skip);

/* For tests: make a table after n verifications instead (0: the default). */
void fsim_p256_table_after(unsigned long n);
/* For tests: forget every key and table (never while another thread verifies). */
void fsim_p256_table_reset(void);
/* For tests: tables made, and verifications handed a table to be answered from. */
void fsim_p256_table_stats(size_t *tables, unsigned long *answered);

#endif /* !FSIM_P256_TABLE_H */
