/*
 * cose.h — COSE_Key <-> EVP_PKEY (WebAuthn §5.8.5, §6.5.1.1; RFC 9052/9053/8230).
 *
 * Supported: ES256 (-7), ES384 (-35), ES512 (-36), EdDSA (-8, Ed25519 crv 6,
 * or Ed448 crv 7), Ed448 (-53, fully specified), RS256 (-257), PS256 (-37),
 * PS384 (-38), PS512 (-39), RS1 (-65535, RSASSA-PKCS1-v1_5 with SHA-1: the
 * RP's policy decides whether a SHA-1 signature counts), the fully
 * specified aliases ESP256 (-9), ESP384 (-51), ESP512 (-52), Ed25519 (-19);
 * ML-DSA-44/65/87 (-48, -49, -50: key type AKP, the public key at label -1,
 * IETF draft-ietf-cose-dilithium; see core/mldsa.h).
 *
 * Rules reported: COSE-01 (kty/alg and required labels), COSE-02 (extra
 * optional labels, warning), COSE-03 (per-algorithm shape and sizes), COSE-04
 * (point on curve, crv agrees with alg), COSE-05 (RSA size/exponent, policy).
 */
#ifndef FSIM_COSE_H
#define FSIM_COSE_H

#include <cbor.h>
#include <openssl/evp.h>
#include "util.h"

enum {
	FSIM_COSE_ES256 = -7,
	FSIM_COSE_EDDSA = -8,
	FSIM_COSE_ESP256 = -9,
	FSIM_COSE_ED25519 = -19,
	FSIM_COSE_ES384 = -35,
	FSIM_COSE_ES512 = -36,
	FSIM_COSE_PS256 = -37,
	FSIM_COSE_PS384 = -38,
	FSIM_COSE_PS512 = -39,
	FSIM_COSE_ESP384 = -51,
	FSIM_COSE_ESP512 = -52,
	FSIM_COSE_ED448 = -53,
	FSIM_COSE_RS256 = -257,
	FSIM_COSE_RS1 = -65535,
	FSIM_COSE_MLDSA44 = -48,
	FSIM_COSE_MLDSA65 = -49,
	FSIM_COSE_MLDSA87 = -50,
};

enum { FSIM_COSE_KTY_OKP = 1, FSIM_COSE_KTY_EC2 = 2, FSIM_COSE_KTY_RSA = 3 };
/* Algorithm Key Pair (draft-ietf-cose-dilithium): the key is one byte string. */
enum { FSIM_COSE_KTY_AKP = 7 };
enum {
	FSIM_COSE_CRV_P256 = 1, FSIM_COSE_CRV_P384 = 2, FSIM_COSE_CRV_P521 = 3,
	FSIM_COSE_CRV_ED25519 = 6, FSIM_COSE_CRV_ED448 = 7,
};

typedef struct fsim_cose_key fsim_cose_key_t;

/*
 * Parse exactly one COSE_Key map from bytes (no trailing bytes). Errors:
 * FSIM_ERR_CBOR (from cborx), FSIM_ERR_COSE, FSIM_ERR_UNSUPPORTED (unknown
 * alg, COSE-03). Warnings that still parse: COSE-02 extra labels, COSE-03
 * leading zero bytes in RSA n/e or EdDSA (-8) with Ed448, COSE-05 RSA below
 * 2048 bits, COSE-06 not in CTAP2 canonical form. The EVP_PKEY is built and
 * validated here (EC: on the curve via OpenSSL; Ed25519/Ed448: the point
 * decodes per RFC 8032 and is not of order 1 or 2).
 */
int fsim_cose_key_parse(const uint8_t *ptr, size_t len, fsim_cose_key_t **out,
    fsim_diags_t *d) FSIM_WUR;
/* Parse from an already decoded CBOR map (diagnostics carry no offsets). */
int fsim_cose_key_from_cbor(const cbor_item_t *map, fsim_cose_key_t **out,
    fsim_diags_t *d) FSIM_WUR;
/* Wrap an OpenSSL key (its type must fit alg). Takes a reference of its own. */
int fsim_cose_key_from_pkey(EVP_PKEY *pkey, int alg, fsim_cose_key_t **out) FSIM_WUR;
/*
 * A second handle on k (its EVP_PKEY shared, one more reference), for a
 * holder that outlives k; k's checks are not made again.
 */
int fsim_cose_key_dup(const fsim_cose_key_t *k, fsim_cose_key_t **out) FSIM_WUR;
/*
 * From a DER SubjectPublicKeyInfo and the COSE alg it should be used with.
 * FSIM_ERR_FORMAT for bad DER or trailing bytes; FSIM_ERR_COSE when the key
 * does not fit alg or fails the COSE-04/05 checks.
 */
int fsim_cose_key_from_spki(const uint8_t *der, size_t len, int alg,
    fsim_cose_key_t **out) FSIM_WUR;

/* Canonical COSE_Key encoding (labels in CTAP2 order: 1, 3, -1, -2, -3). */
int fsim_cose_key_encode(const fsim_cose_key_t *k, fsim_blob_t *out) FSIM_WUR;
/*
 * The same bytes for an EC2 alg (ES256, ES384, ES512, ESP*) straight from
 * the uncompressed point 04 || x || y, with no key object and no COSE-04
 * check: for a key this program has just made (an authenticator's own).
 */
int fsim_cose_ec2_encode(int alg, const uint8_t *pt, size_t ptlen, fsim_blob_t *out)
    FSIM_WUR;
/* DER SubjectPublicKeyInfo of the key. */
int fsim_cose_key_spki(const fsim_cose_key_t *k, fsim_blob_t *out) FSIM_WUR;
/* Are these bytes exactly the key's DER SubjectPublicKeyInfo (no decoding: cheap)? */
bool fsim_cose_key_spki_equal(const fsim_cose_key_t *k, const uint8_t *der, size_t len);

int fsim_cose_key_alg(const fsim_cose_key_t *k);
int fsim_cose_key_kty(const fsim_cose_key_t *k);
int fsim_cose_key_crv(const fsim_cose_key_t *k);          /* 0 for RSA and AKP */
int fsim_cose_key_bits(const fsim_cose_key_t *k);         /* modulus / field size;
                                                            AKP: public key bits */
/* Lent; valid while k lives. Cached: never re-parsed per operation. */
EVP_PKEY *fsim_cose_key_pkey(const fsim_cose_key_t *k);
bool fsim_cose_key_equal(const fsim_cose_key_t *a, const fsim_cose_key_t *b);
void fsim_cose_key_free(fsim_cose_key_t **kp);

/* "ES256", "EdDSA", ... or NULL for an unknown alg. */
const char *fsim_cose_alg_name(int alg);
/* The hash the alg decides (SIG-02); NULL for EdDSA and for an unknown alg. */
const EVP_MD *fsim_cose_alg_md(int alg);
/* RSASSA-PSS (PS256, PS384, PS512: RFC 8230 §2): MGF1 and salt follow the alg's hash. */
bool fsim_cose_alg_is_pss(int alg);
/* Inverse of fsim_cose_alg_name, case-insensitive; also accepts "eddsa"; 0 if unknown. */
int fsim_cose_alg_from_name(const char *name);
const char *fsim_cose_kty_name(int kty);
const char *fsim_cose_crv_name(int crv);

#endif /* !FSIM_COSE_H */
