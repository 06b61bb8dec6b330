/*
 * ca_memo.h — the test CAs seeded environments made, remembered per process.
 *
 * Making the CA (a root and an intermediate: two key generations, two
 * certificates) is a pure function of a seeded environment's key stream
 * state and clock. `fidosim run` gives every pipe the run's seed, so almost
 * every authenticator of a run reaches its first attestation in the same
 * state and would make the same CA again (59 of 61 in the default run).
 * Remembered under that state, a later authenticator in the same state gets
 * the same keys and certificates (new references: they are only ever read)
 * and its stream is set where making them would have left it, so every byte
 * it writes afterwards is what it wrote before.
 *
 * Only seeded environments are remembered (the state of OpenSSL's random
 * source is not ours to read). Four entries, the oldest replaced; made
 * thread-safe under one lock; wiped and freed at exit.
 */
#ifndef FSIM_AUTHENTICATOR_CA_MEMO_H
#define FSIM_AUTHENTICATOR_CA_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "authenticator/env.h"
#include "core/util.h"

typedef struct fsim_ca_parts {
	EVP_PKEY *root_key, *int_key;
	X509 *root, *inter;
	fsim_blob_t root_der, int_der;
} fsim_ca_parts_t;

/*
 * The CA env made when it was in its current state: fills p (new references
 * and copies, the caller's to free), moves env's stream to where making it
 * left it, and returns true. False (p untouched) when none is remembered,
 * env is not seeded, or memory ran out.
 */
bool fsim_ca_memo_get(const fsim_env_t *env, fsim_ca_parts_t *p);

/*
 * Remember p as what env made from state `before` (fsim_env_state taken
 * before making it); env is now where making it left it. Nothing happens
 * for an environment that is not seeded.
 */
void fsim_ca_memo_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    const fsim_ca_parts_t *p);

/* How many CAs were handed out from memory, and how many remembered (for tests). */
void fsim_ca_memo_counts(unsigned long *hits, unsigned long *made);

/*
 * Attestation leaves, the same way: making one (a key generation and a
 * certificate) is a pure function of the stream's state, the clock, the
 * issuing certificate (issuer: the SHA-256 of its DER), the AAGUID and the
 * deviations asked for; most authenticators of a run make the same one.
 * get fills *key (a new reference) and der (a copy) and moves env's stream
 * where making it left it; put remembers one made from state `before`.
 */
bool fsim_ca_memo_leaf_get(const fsim_env_t *env, const uint8_t issuer[32],
    const uint8_t aaguid[16], unsigned deviations, EVP_PKEY **key, fsim_blob_t *der);
void fsim_ca_memo_leaf_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    const uint8_t issuer[32], const uint8_t aaguid[16], unsigned deviations, EVP_PKEY *key,
    const fsim_blob_t *der);
/* Leaves handed out from memory, and remembered (for tests). */
void fsim_ca_memo_leaf_counts(unsigned long *hits, unsigned long *made);

#endif /* !FSIM_AUTHENTICATOR_CA_MEMO_H */
