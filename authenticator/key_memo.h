/*
 * key_memo.h — keys seeded environments generated, remembered per process.
 *
 * A key generation from a seeded environment is a pure function of its key
 * stream's state and the algorithm. `fidosim run` gives every pipe the
 * run's seed, so most authenticators of a run generate their credential in
 * the same state: the same key, generated again (a group built, a scalar
 * multiplication, for RSA a prime search). Remembered under that state, a
 * later environment in the same state gets the same key object (a new
 * reference; keys are only ever read) and its stream is set where
 * generating it left it, so every byte it writes afterwards is the same.
 *
 * Only seeded environments are remembered. Sixteen entries, the oldest
 * replaced; thread-safe under one lock; freed at exit (the key objects
 * clear their secrets as they go).
 */
#ifndef FSIM_AUTHENTICATOR_KEY_MEMO_H
#define FSIM_AUTHENTICATOR_KEY_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "authenticator/env.h"

/* The key env generated for alg in its current state: *key (a new reference), env moved on. */
bool fsim_key_memo_get(const fsim_env_t *env, int alg, EVP_PKEY **key);
/* Remember key as what env generated for alg from state `before`; env is now past it. */
void fsim_key_memo_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN], int alg,
    EVP_PKEY *key);
/* Keys handed out from memory, and remembered (for tests). */
void fsim_key_memo_counts(unsigned long *hits, unsigned long *made);

#endif /* !FSIM_AUTHENTICATOR_KEY_MEMO_H */
