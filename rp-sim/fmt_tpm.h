/*
 * fmt_tpm.h — what the tpm format's two files share (rp-sim internal):
 * fmt_tpm.c verifies the statement, fmt_tpm_aik.c the AIK certificate.
 */
#ifndef FSIM_FMT_TPM_H
#define FSIM_FMT_TPM_H

#include <openssl/x509.h>

#include "core/util.h"
#include "rp-sim/checks.h"
#include "rp-sim/fmt.h"

#define FSIM_OID_TCG_AT_TPM_MANUFACTURER "2.23.133.2.1"
#define FSIM_OID_TCG_AT_TPM_MODEL        "2.23.133.2.2"
#define FSIM_OID_TCG_AT_TPM_VERSION      "2.23.133.2.3"
#define FSIM_OID_HARDWARE_MODULE_NAME    "1.3.6.1.5.5.7.8.4"

/*
 * WebAuthn §8.3.1 for the AIK certificate (ATT-TPM-03): version 3, empty
 * subject, a critical Subject Alternative Name holding the TCG directoryName
 * (tpmManufacturer, tpmModel, tpmVersion), EKU tcg-kp-AIKCertificate, CA
 * false, and the AAGUID extension, when present, not critical and equal to
 * aaguid (§8.3 verification). c's tpm_vendors, when not NULL, is an RP
 * library's NULL-terminated list of the tpmManufacturer values it knows
 * (compared exactly, or ignoring case with tpm_vendors_nocase); any other
 * is a FAIL. Records one PASS in c->ck, or a FAIL per problem. Returns 0,
 * FSIM_ERR_FORMAT when a requirement failed, or an internal error.
 */
int fsim_tpm_check_aik(const X509 *aik, const uint8_t aaguid[16],
    const fsim_fmt_ctx_t *c) FSIM_WUR;

#endif /* !FSIM_FMT_TPM_H */
