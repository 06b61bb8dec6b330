/*
 * bench_mds.h — the MDS3 stage of `fidosim bench` (bench.c): the same
 * verify-registration with its attestation root as a configured anchor, and
 * with that root coming from an MDS3 index of 1000 entries (--mds): what a
 * metadata lookup adds once the index is loaded.
 */
#ifndef FSIM_CLI_BENCH_MDS_H
#define FSIM_CLI_BENCH_MDS_H

#include <openssl/x509.h>

#include "rp-sim/rp.h"

typedef struct fsim_bench_mds fsim_bench_mds_t;

/*
 * The index (its entry for aaguid lists root) and the two policies, copies
 * of p: one with root as a trust anchor, one with the index.
 */
int fsim_bench_mds_new(X509 *root, const uint8_t aaguid[16], const fsim_rp_policy_t *p,
    fsim_bench_mds_t **out);
void fsim_bench_mds_free(fsim_bench_mds_t **bp);
const fsim_rp_policy_t *fsim_bench_mds_anchored(const fsim_bench_mds_t *b);
const fsim_rp_policy_t *fsim_bench_mds_indexed(const fsim_bench_mds_t *b);

#endif /* !FSIM_CLI_BENCH_MDS_H */
