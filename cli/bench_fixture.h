/*
 * bench_fixture.h — the fixture `fidosim bench` measures on (bench_fixture.c).
 */
#ifndef FSIM_CLI_BENCH_FIXTURE_H
#define FSIM_CLI_BENCH_FIXTURE_H

#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "authenticator/authn.h"
#include "cli/bench_mds.h"
#include "cli/bench_mldsa.h"
#include "rp-sim/rp.h"

#define RP_ID "bench.example"
#define ORIGIN "https://bench.example"

struct bench_fixture {
	EVP_PKEY *cred;             /* credential key */
	EVP_PKEY *att;              /* attestation key */
	X509 *cert;                 /* attestation certificate */
	uint8_t challenge[32];
	char *reg_json;             /* RegistrationResponseJSON text */
	char *auth_json;            /* AuthenticationResponseJSON text */
	json_t *reg_value, *auth_value;  /* the same, parsed */
	fsim_cred_record_t *rec;
	uint8_t msg[64];
	fsim_blob_t raw_sig;        /* DER signature over msg, for the baseline */
	/* the authenticator: an in-memory store, so disk writes are not measured */
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *authn;
	fsim_blob_t mc_req, ga_req;
	fsim_bench_mldsa_t *pq;     /* the ML-DSA-44 stages */
	fsim_bench_mds_t *md;       /* verify-registration: root anchored, or from an MDS index */
};

/* The AAGUID of the fixture's attestation (and of its MDS entry). */
extern const uint8_t fsim_bench_aaguid[16];

/* Make every part of fx (zeroed by the caller); nonzero when one could not be made. */
int fsim_bench_fixture_build(struct bench_fixture *fx);
void fsim_bench_fixture_free(struct bench_fixture *fx);

#endif /* !FSIM_CLI_BENCH_FIXTURE_H */
