/*
 * seed_memo.h — what seeded environments made, remembered per process.
 *
 * Making a test CA (a root and an intermediate: two key generations, two
 * certificates), an attestation leaf (a key and a certificate) or a key is a
 * pure function of a seeded environment's key stream state, its clock and
 * what was asked for. `fidosim run` gives every pipe the run's seed, so
 * almost every authenticator of a run reaches each of these in the same
 * state and would make the same thing again (59 of 61 CAs in the default
 * run). Remembered under that state, a later environment in the same state
 * gets the same keys and certificates (new references: they are only ever
 * read) and its stream is set where making them would have left it, so
 * every byte it writes afterwards is what it wrote before.
 *
 * Only seeded environments are remembered (the state of OpenSSL's random
 * source is not ours to read). FSIM_SEED_MEMO_ENTRIES entries of every
 * kind together, the oldest replaced; thread-safe under one lock; wiped and
 * freed at exit.
 */
#ifndef FSIM_AUTHENTICATOR_SEED_MEMO_H
#define FSIM_AUTHENTICATOR_SEED_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "authenticator/env.h"
#include "core/util.h"

#define FSIM_SEED_MEMO_ENTRIES 32

/* What is remembered; counted apart (fsim_seed_memo_counts). */
typedef enum fsim_seed_kind {
	FSIM_SEED_CA,      /* a test CA */
	FSIM_SEED_LEAF,    /* an attestation leaf and its key */
	FSIM_SEED_KEY,     /* a key (fsim_key_generate) */
	FSIM_SEED__KINDS
} fsim_seed_kind_t;

typedef struct fsim_ca_parts {
	EVP_PKEY *root_key, *int_key;
	X509 *root, *inter;
	fsim_blob_t root_der, int_der;
} fsim_ca_parts_t;

/*
 * The CA env made in its current state: fills p (new references and copies,
 * the caller's to free), moves env's stream to where making it left it, and
 * returns true. False (p untouched) when none is remembered, env is not
 * seeded, or memory ran out. put remembers p as made from state `before`
 * (fsim_env_state taken before making it); env is now where making it left
 * it. Nothing happens for an environment that is not seeded.
 */
bool fsim_seed_memo_ca_get(const fsim_env_t *env, fsim_ca_parts_t *p);
void fsim_seed_memo_ca_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    const fsim_ca_parts_t *p);

/*
 * The same for an attestation leaf, asked for under an issuing certificate
 * (issuer: the SHA-256 of its DER), an AAGUID and deviations: *key a new
 * reference, der a copy.
 */
bool fsim_seed_memo_leaf_get(const fsim_env_t *env, const uint8_t issuer[32],
    const uint8_t aaguid[16], unsigned deviations, EVP_PKEY **key, fsim_blob_t *der);
void fsim_seed_memo_leaf_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    const uint8_t issuer[32], const uint8_t aaguid[16], unsigned deviations, EVP_PKEY *key,
    const fsim_blob_t *der);

/* The same for a key generated for a COSE alg: *key a new reference. */
bool fsim_seed_memo_key_get(const fsim_env_t *env, int alg, EVP_PKEY **key);
void fsim_seed_memo_key_put(const fsim_env_t *env, const uint8_t before[FSIM_ENV_STATE_LEN],
    int alg, EVP_PKEY *key);

/* How many of a kind were handed out from memory, and how many remembered (for tests). */
void fsim_seed_memo_counts(fsim_seed_kind_t kind, unsigned long *hits, unsigned long *made);

#endif /* !FSIM_AUTHENTICATOR_SEED_MEMO_H */
