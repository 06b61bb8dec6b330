/*
 * ca_cert.h — building and reading the certificates of the test attestation
 * CA (ca.c); internal to the authenticator.
 */
#ifndef FSIM_CA_CERT_H
#define FSIM_CA_CERT_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "authenticator/authn.h"
#include "core/fsim_core.h"

enum { CERT_ROOT = 0, CERT_INTERMEDIATE, CERT_LEAF };

/* What one certificate says. */
typedef struct fsim_cert_spec {
	int kind;                  /* CERT_* */
	const char *ou;            /* NULL leaves OU out */
	const char *cn;
	int from_days, to_days;    /* validity relative to the clock, in days */
	const ASN1_TIME *not_after_cap;   /* notAfter no later than this, or NULL */
	bool ca_true;              /* leaf only: the CA:TRUE deviation */
	const uint8_t *aaguid;     /* leaf only: the extension's 16 bytes */
	EVP_PKEY *subject_key;
	X509 *issuer;              /* NULL: self-signed */
	EVP_PKEY *issuer_key;
} fsim_cert_spec_t;

/* Exactly one DER certificate filling [p, p+n) into *out. */
int fsim_cacert_from_der(const uint8_t *p, size_t n, X509 **out);
/*
 * Sign x with issuer_key through fsim_key_sign (deterministic under a seeded
 * environment): *out the signed certificate (out may be NULL: then only
 * the bytes, without parsing them back), der its bytes.
 */
int fsim_cacert_sign(const fsim_env_t *env, X509 *x, EVP_PKEY *issuer_key, X509 **out,
    fsim_blob_t *der);
/* The certificate c describes, signed: *out (out may be NULL) and its DER bytes. */
int fsim_cacert_make(const fsim_env_t *env, const fsim_cert_spec_t *c, X509 **out,
    fsim_blob_t *der);

#endif /* !FSIM_CA_CERT_H */
