/*
 * trust.h — attestation trust anchors and certificate paths (WebAuthn §7.1
 * steps 23-24): anchors from PEM files or folders, chains built from x5c plus
 * anchors, validity checked at a chosen time.
 */
#ifndef FSIM_TRUST_H
#define FSIM_TRUST_H

#include <time.h>
#include <openssl/x509.h>
#include "core/util.h"
#include "rp-sim/checks.h"

typedef struct fsim_trust fsim_trust_t;

int fsim_trust_new(fsim_trust_t **out) FSIM_WUR;
void fsim_trust_free(fsim_trust_t **tp);
/* A PEM file (any number of certificates) or a folder of *.pem / *.crt files. */
int fsim_trust_add_path(fsim_trust_t *t, const char *path, fsim_diags_t *d) FSIM_WUR;
int fsim_trust_add_pem(fsim_trust_t *t, const char *pem, size_t len) FSIM_WUR;
size_t fsim_trust_count(const fsim_trust_t *t);

/*
 * ATT-03: each certificate of the path is within its validity period at
 * `at`. Records PASS or FAIL; returns 0 when all are valid.
 */
int fsim_trust_check_validity(STACK_OF(X509) *x5c, time_t at, fsim_checks_t *ck) FSIM_WUR;

/*
 * Does the path (leaf first) chain to an anchor, at time `at`? The leaf
 * itself may be an anchor. *trusted is set; `why` gets OpenSSL's reason when
 * it does not. Returns negative only on internal errors.
 */
int fsim_trust_chain(const fsim_trust_t *t, STACK_OF(X509) *x5c, time_t at,
    bool *trusted, char *why, size_t whylen) FSIM_WUR;
/* The same; with no_time the certificates' validity periods are not looked at. */
int fsim_trust_chain_ex(const fsim_trust_t *t, STACK_OF(X509) *x5c, time_t at, bool no_time,
    bool *trusted, char *why, size_t whylen) FSIM_WUR;

/*
 * The same against a given set of anchors instead of t's (an MDS statement's
 * attestationRootCertificates, WebAuthn 7.1 step 23): roots borrowed.
 */
int fsim_trust_chain_roots(STACK_OF(X509) *roots, STACK_OF(X509) *x5c, time_t at,
    bool *trusted, char *why, size_t whylen) FSIM_WUR;

#endif /* !FSIM_TRUST_H */
