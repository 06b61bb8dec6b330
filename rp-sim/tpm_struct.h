/*
 * tpm_struct.h — the two TPM 2.0 structures the tpm attestation format
 * carries (WebAuthn §8.3): pubArea, a TPMT_PUBLIC (TPM 2.0 Library Part 2
 * §12.2.4), and certInfo, a TPMS_ATTEST (Part 2 §10.12.12).
 *
 * Both arrive from the other side: every integer is big-endian, every TPM2B
 * size is checked against what is left and against the structure's maximum,
 * and the whole buffer must be consumed. Parsing is structural only: whether
 * magic, type or the key match is the verifier's business (fmt_tpm.c).
 */
#ifndef FSIM_TPM_STRUCT_H
#define FSIM_TPM_STRUCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/* TPM_ALG_ID values (TCG Algorithm Registry; Part 2 §6.3). */
#define FSIM_TPM_ALG_RSA            0x0001
#define FSIM_TPM_ALG_SHA1           0x0004
#define FSIM_TPM_ALG_AES            0x0006
#define FSIM_TPM_ALG_MGF1           0x0007
#define FSIM_TPM_ALG_SHA256         0x000b
#define FSIM_TPM_ALG_SHA384         0x000c
#define FSIM_TPM_ALG_SHA512         0x000d
#define FSIM_TPM_ALG_NULL           0x0010
#define FSIM_TPM_ALG_RSASSA         0x0014
#define FSIM_TPM_ALG_RSAES          0x0015
#define FSIM_TPM_ALG_RSAPSS         0x0016
#define FSIM_TPM_ALG_OAEP           0x0017
#define FSIM_TPM_ALG_ECDSA          0x0018
#define FSIM_TPM_ALG_ECDH           0x0019
#define FSIM_TPM_ALG_ECDAA          0x001a
#define FSIM_TPM_ALG_SM2            0x001b
#define FSIM_TPM_ALG_ECSCHNORR      0x001c
#define FSIM_TPM_ALG_ECMQV          0x001d
#define FSIM_TPM_ALG_KDF1_SP800_56A 0x0020
#define FSIM_TPM_ALG_KDF2           0x0021
#define FSIM_TPM_ALG_KDF1_SP800_108 0x0022
#define FSIM_TPM_ALG_ECC            0x0023

/* TPM_ECC_CURVE (Part 2 §6.4). */
#define FSIM_TPM_ECC_NIST_P256 0x0003
#define FSIM_TPM_ECC_NIST_P384 0x0004
#define FSIM_TPM_ECC_NIST_P521 0x0005

/* TPM_GENERATED_VALUE (Part 2 §6.2) and TPM_ST_ATTEST_CERTIFY (§6.9). */
#define FSIM_TPM_GENERATED_VALUE 0xff544347u
#define FSIM_TPM_ST_ATTEST_CERTIFY 0x8017

/*
 * Maximum sizes we accept for TPM2B contents: a digest is at most SHA-512;
 * a name is a TPMT_HA (2 + 64) or a handle (4); TPM2B_DATA is sizeof(TPMT_HA);
 * an ECC coordinate is at most P-521's 66 bytes; an RSA modulus at most 8192
 * bits (MAX_RSA_KEY_BYTES is implementation-defined, TPMs ship 2048 or 3072).
 */
#define FSIM_TPM_MAX_DIGEST 64
#define FSIM_TPM_MAX_NAME   66
#define FSIM_TPM_MAX_DATA   66
#define FSIM_TPM_MAX_ECC    66
#define FSIM_TPM_MAX_RSA    1024

/* Bytes lent from the parsed buffer, with their offset in it. */
typedef struct fsim_tpm_span {
	const uint8_t *ptr;
	size_t len;
	size_t off;
} fsim_tpm_span_t;

/* TPMT_PUBLIC of an RSA or ECC key. Spans are lent from the parsed buffer. */
typedef struct fsim_tpm_public {
	uint16_t type;              /* FSIM_TPM_ALG_RSA or FSIM_TPM_ALG_ECC */
	uint16_t name_alg;
	uint32_t object_attributes;
	fsim_tpm_span_t auth_policy;
	/* parameters (TPMS_RSA_PARMS or TPMS_ECC_PARMS) */
	uint16_t sym_alg;           /* key_bits and mode only when not NULL */
	uint16_t sym_key_bits, sym_mode;
	uint16_t scheme;            /* hash only when not NULL (or RSAES) */
	uint16_t scheme_hash, scheme_count;  /* count: ECDAA only */
	uint16_t key_bits;          /* RSA */
	uint32_t exponent;          /* RSA; 0 means 2^16 + 1 */
	size_t exponent_off;
	uint16_t curve_id;          /* ECC */
	size_t curve_off;
	uint16_t kdf, kdf_hash;     /* ECC */
	/* unique (TPMU_PUBLIC_ID) */
	fsim_tpm_span_t rsa_n;      /* RSA */
	fsim_tpm_span_t ecc_x, ecc_y;  /* ECC */
} fsim_tpm_public_t;

/* TPMS_ATTEST; name and qualified_name only when certify is true. */
typedef struct fsim_tpm_attest {
	uint32_t magic;
	uint16_t type;
	fsim_tpm_span_t qualified_signer;
	fsim_tpm_span_t extra_data;
	uint64_t clock;             /* TPMS_CLOCK_INFO */
	uint32_t reset_count, restart_count;
	uint8_t safe;
	uint64_t firmware_version;
	bool certify;               /* type was TPM_ST_ATTEST_CERTIFY: attested parsed */
	fsim_tpm_span_t name, qualified_name;  /* TPMS_CERTIFY_INFO */
} fsim_tpm_attest_t;

/*
 * Parse a TPMT_PUBLIC filling [ptr, ptr+len) (pubArea has no TPM2B size in
 * front). Only RSA and ECC keys are accepted, and only scheme algorithms
 * whose layout Part 2 defines. Problems go to d as errors under `rule`, with
 * `field` (e.g. "attStmt.pubArea") and the offset in the buffer.
 * FSIM_ERR_FORMAT then; *out is set only on success.
 */
int fsim_tpm_public_parse(const uint8_t *ptr, size_t len, fsim_tpm_public_t *out,
    fsim_diags_t *d, const char *rule, const char *field) FSIM_WUR;

/*
 * Parse a TPMS_ATTEST filling [ptr, ptr+len). When type is
 * TPM_ST_ATTEST_CERTIFY the TPMS_CERTIFY_INFO is parsed and no byte may be
 * left; for any other type the attested union is left unparsed (its layout
 * depends on the type, and the caller rejects the type anyway).
 */
int fsim_tpm_attest_parse(const uint8_t *ptr, size_t len, fsim_tpm_attest_t *out,
    fsim_diags_t *d, const char *rule, const char *field) FSIM_WUR;

/* OpenSSL digest name ("SHA256") of a TPM hash algorithm, or NULL. */
const char *fsim_tpm_hash_name(uint16_t alg);

/* "TPM_ALG_ECC", "TPM_ALG_SHA256", ... for messages; "unknown" otherwise. */
const char *fsim_tpm_alg_name(uint16_t alg);

#endif /* !FSIM_TPM_STRUCT_H */
