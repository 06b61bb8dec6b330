/*
 * bench_ctap.h — the CTAP requests the bench's authenticator stages send
 * (bench_fixture.c for ES256, bench_mldsa.c for ML-DSA-44): one credential
 * made through a whole makeCredential, and a getAssertion for it.
 */
#ifndef FSIM_CLI_BENCH_CTAP_H
#define FSIM_CLI_BENCH_CTAP_H

#include <stdbool.h>
#include <stdint.h>

#include "authenticator/authn.h"

/*
 * Make one credential with authn for rp_id under COSE alg (clientDataHash
 * cdh, user ID uid) and write the makeCredential request into mc (NULL: not
 * kept) and a getAssertion request for that credential into ga, with the
 * option up = true when up_option. Nonzero when a request could not be made,
 * the authenticator refused, or it made a credential of another alg.
 */
int fsim_bench_ctap_requests(fsim_authn_t *authn, const char *rp_id, int alg,
    const uint8_t cdh[32], const uint8_t uid[8], bool up_option, fsim_blob_t *mc,
    fsim_blob_t *ga);

#endif /* !FSIM_CLI_BENCH_CTAP_H */
