/*
 * serve_tls.h — HTTPS for `fidosim serve` (serve_tls.c): so an RP ID other
 * than localhost can be tried in a browser, which allows WebAuthn only in a
 * secure context (WebAuthn L3 5.1.3 step 3, HTML's "potentially trustworthy
 * origin": https, or http on localhost).
 */
#ifndef FSIM_CLI_SERVE_TLS_H
#define FSIM_CLI_SERVE_TLS_H

#include <stdbool.h>
#include "core/fsim_core.h"

typedef struct fsim_serve_tls {
	fsim_blob_t cert_pem;      /* NUL-terminated; len excludes the NUL */
	fsim_blob_t key_pem;       /* secret: wiped by fsim_serve_tls_reset */
	bool self_signed;
	char spki_sha256[48];      /* base64(SHA-256(SPKI)), Chromium's SPKI pin form */
	char cert_path[4200];      /* where the certificate is on disk; "" when nowhere */
} fsim_serve_tls_t;

/*
 * The pair to serve with: cert and key files (both or neither); else the
 * pair an earlier self-signed start saved in data_dir; else a new
 * self-signed one for rp_id (saved in data_dir, key 0600, when there is
 * one). 0, or -1 with the reason in err.
 */
int fsim_serve_tls_load(const char *cert, const char *key, const char *rp_id,
    const char *data_dir, fsim_serve_tls_t *t, char *err, size_t elen);

/* The certificate into a new temporary file (mkstemp); its path in path. */
int fsim_serve_tls_write_cert(const fsim_serve_tls_t *t, char *path, size_t plen);

void fsim_serve_tls_reset(fsim_serve_tls_t *t);

#endif /* !FSIM_CLI_SERVE_TLS_H */
