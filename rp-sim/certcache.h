/*
 * certcache.h — DER certificates parsed once per process. An attestation
 * certificate is a batch certificate shared by at least 100,000 devices
 * (FIDO Metadata Statement requirement) and an intermediate by many more, so
 * an RP sees the same bytes again and again; OpenSSL 3 decodes a
 * certificate's public key through its decoder machinery, which costs more
 * than verifying the attestation signature. Thread-safe; bounded; freed at
 * exit.
 */
#ifndef FSIM_CERTCACHE_H
#define FSIM_CERTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

/*
 * One certificate from the start of der[0..len): a new reference (free it
 * with X509_free; never change it, it may be shared) and, in *used, the
 * bytes it took, so the caller can refuse what follows. FSIM_ERR_FORMAT
 * when the bytes do not start with a DER certificate (as d2i_X509 decides),
 * FSIM_ERR_ARG, FSIM_ERR_NOMEM.
 */
int fsim_cert_parse(const uint8_t *der, size_t len, X509 **out, size_t *used)
    __attribute__((warn_unused_result));

/* Certificates parsed and kept so far, and lookups that found one (tests). */
void fsim_cert_cache_stats(size_t *entries, unsigned long *hits);

#endif /* !FSIM_CERTCACHE_H */
