/*
 * x509util.h — what the attestation formats need from X.509: parsing x5c,
 * the FIDO AAGUID extension, basic constraints, and the certificate
 * requirements packed (8.2.1) and tpm (8.3.1) share.
 */
#ifndef FSIM_X509UTIL_H
#define FSIM_X509UTIL_H

#include <cbor.h>
#include <openssl/x509.h>
#include "core/util.h"
#include "rp-sim/checks.h"

#define FSIM_OID_FIDO_AAGUID "1.3.6.1.4.1.45724.1.1.4"
#define FSIM_OID_FIDO_SERNUM "1.3.6.1.4.1.45724.1.1.2"
#define FSIM_OID_APPLE_NONCE "1.2.840.113635.100.8.2"
#define FSIM_OID_ANDROID_KEY "1.3.6.1.4.1.11129.2.1.17"
#define FSIM_OID_TCG_KP_AIK "2.23.133.8.3"

/*
 * Parse x5c (a CBOR array of DER certificates, leaf first) into a stack.
 * Not an array, empty, more than 16 elements, an element not bytes or not one
 * DER certificate (with nothing after it): FAIL under `rule`, field `field`
 * (elements as `field`[i]), and FSIM_ERR_FORMAT. Records no PASS: the caller
 * passes its shape rule. On success *out owns its references to the
 * certificates, which may be shared with the process's certificate cache
 * (certcache.h): read them, never change them.
 */
int fsim_x5c_parse(const cbor_item_t *arr, STACK_OF(X509) **out, fsim_checks_t *ck,
    fsim_rule_id_t rule, const char *field) FSIM_WUR;

/*
 * The id-fido-gen-ce-aaguid extension: *present false when absent. When
 * present, its value must be OCTET STRING { OCTET STRING (16) }: a malformed
 * value returns FSIM_ERR_FORMAT.
 */
int fsim_cert_aaguid(const X509 *x, bool *present, bool *critical, uint8_t aaguid[16]) FSIM_WUR;

/* Basic constraints: 1 when CA is true, 0 when false or the extension is absent, -1 when malformed. */
int fsim_cert_is_ca(const X509 *x);

/* Does the certificate carry an extension with this dotted OID? Lends its value (the extnValue contents). */
bool fsim_cert_ext(const X509 *x, const char *oid, const uint8_t **val, size_t *len, bool *critical);

/*
 * 8.2.1 for a packed attestation leaf: version 3 (ATT-PACKED-03); subject C,
 * O, OU = "Authenticator Attestation", CN (ATT-PACKED-04); AAGUID extension
 * not critical and equal to aaguid (ATT-PACKED-05); CA false (ATT-PACKED-06);
 * sernum only when enterprise (ATT-PACKED-08, warning). Records PASS or FAIL
 * for each (field "attStmt.x5c[0]"; ATT-PACKED-04 names every missing or wrong
 * subject part in one message); returns 0 when none failed, else
 * FSIM_ERR_FORMAT. An absent AAGUID extension or absent basic constraints
 * pass (nothing to compare; CA defaults to false, RFC 5280 §4.2.1.9).
 */
int fsim_cert_check_packed(const X509 *leaf, const uint8_t aaguid[16], bool enterprise,
    fsim_checks_t *ck) FSIM_WUR;

/*
 * Digest of a || b (either may be empty) by name: "SHA256", "SHA384",
 * "SHA512" or "SHA1" (TPM RS1 only); other names are FSIM_ERR_UNSUPPORTED.
 * out must hold EVP_MAX_MD_SIZE (64) bytes; *outlen is set to the digest length.
 */
int fsim_digest(const char *md, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen, uint8_t *out, size_t *outlen) FSIM_WUR;

#endif /* !FSIM_X509UTIL_H */
