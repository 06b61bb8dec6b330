/*
 * env.h — everything the authenticator takes from the outside world, behind
 * one small table: the random source, the clock, and the user's presence
 * and verification. Tests and --seed runs plug in deterministic versions.
 */
#ifndef FSIM_ENV_H
#define FSIM_ENV_H

#include <stdint.h>
#include "core/util.h"

typedef struct fsim_env {
	/* Fill buf with random bytes; 0 on success. */
	int (*random)(void *ctx, uint8_t *buf, size_t len);
	/* Seconds since the epoch. */
	uint64_t (*now)(void *ctx);
	/* Ask for user presence / verification; 1 yes, 0 no (denied or timed out). */
	int (*user_presence)(void *ctx);
	int (*user_verification)(void *ctx);
	/* True when signatures must be deterministic (RFC 6979 ECDSA nonces). */
	bool deterministic;
	void *ctx;
	/*
	 * Ephemeral protocol values (CTAPHID channel IDs, PIN/UV key agreement
	 * keys, pinUvAuthTokens, IVs) from a stream of their own, so that they
	 * never shift the one credentials are made from; NULL: from random.
	 */
	int (*session_random)(void *ctx, uint8_t *buf, size_t len);
} fsim_env_t;

/* OpenSSL's RAND_bytes, time(), user always present and verified. */
void fsim_env_default(fsim_env_t *e);

/*
 * A deterministic environment from a seed: HMAC-DRBG (SHA-256, SP 800-90A)
 * instantiated with the seed, a fixed clock (2026-01-01T00:00:00Z), user
 * always present and verified, deterministic signatures; ephemeral values
 * from a second HMAC-DRBG (personalization "fidosim session"). Free with
 * fsim_env_free.
 */
int fsim_env_seeded(fsim_env_t *e, const uint8_t *seed, size_t len) FSIM_WUR;
void fsim_env_free(fsim_env_t *e);

int fsim_env_random(const fsim_env_t *e, uint8_t *buf, size_t len) FSIM_WUR;
/*
 * Does e draw from OpenSSL's RAND (fsim_env_default), so that a key
 * OpenSSL generates itself comes from the same source?
 */
bool fsim_env_random_is_openssl(const fsim_env_t *e);

/* Ephemeral bytes: session_random when the environment has one, else random. */
int fsim_env_session_random(const fsim_env_t *e, uint8_t *buf, size_t len) FSIM_WUR;
/* A copy of e whose random is the ephemeral stream (for key generation and the like). */
void fsim_env_session_view(const fsim_env_t *e, fsim_env_t *out);

/*
 * The key stream's state of a seeded environment (HMAC_DRBG K, V and reseed
 * counter: FSIM_ENV_STATE_LEN bytes), so that what a pure function of it made
 * can be remembered and the stream put where making it would have left it.
 * The state is as secret as the seed. FSIM_ERR_ARG for any other
 * environment, or a state no DRBG can be in.
 */
#define FSIM_ENV_STATE_LEN 72
int fsim_env_state(const fsim_env_t *e, uint8_t out[FSIM_ENV_STATE_LEN]) FSIM_WUR;
int fsim_env_set_state(const fsim_env_t *e, const uint8_t in[FSIM_ENV_STATE_LEN]) FSIM_WUR;

#endif /* !FSIM_ENV_H */
