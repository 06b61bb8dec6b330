/*
 * bench_mldsa.h — the ML-DSA-44 stages of `fidosim bench` (bench.c): the
 * primitive's sign and verify beside a whole verify-authentication and a
 * whole getAssertion with an ML-DSA-44 credential.
 */
#ifndef FSIM_CLI_BENCH_MLDSA_H
#define FSIM_CLI_BENCH_MLDSA_H

#include "rp-sim/rp.h"

typedef struct fsim_bench_mldsa fsim_bench_mldsa_t;

/* Keys, an assertion for rp_id/origin/challenge and an authenticator. */
int fsim_bench_mldsa_new(const char *rp_id, const char *origin,
    const uint8_t *challenge, size_t clen, fsim_bench_mldsa_t **out);
void fsim_bench_mldsa_free(fsim_bench_mldsa_t **bp);

/* One operation each; 0 on success. */
int fsim_bench_mldsa_raw_verify(fsim_bench_mldsa_t *b);
int fsim_bench_mldsa_raw_sign(fsim_bench_mldsa_t *b);
int fsim_bench_mldsa_verify_auth(fsim_bench_mldsa_t *b, const fsim_rp_policy_t *p);
int fsim_bench_mldsa_get_assertion(fsim_bench_mldsa_t *b);

#endif /* !FSIM_CLI_BENCH_MLDSA_H */
