/*
 * cose_internal.h — shared between cose.c (COSE_Key parsing, names),
 * cose_key.c (the key object, EVP_PKEY building, encoding) and sig.c.
 * Not part of the public core API.
 */
#ifndef FSIM_COSE_INTERNAL_H
#define FSIM_COSE_INTERNAL_H

#include <openssl/evp.h>
#include "cose.h"

/* One row per supported COSE algorithm (IANA "COSE Algorithms"). */
struct fsim_cose_alg_info {
	int alg;
	const char *name;
	int kty;
	int crv;        /* the curve the alg implies or needs; 0 for RSA */
	int crv2;       /* a second acceptable curve (EdDSA -8 may be Ed448) */
	bool crv_opt;   /* fully specified alg (RFC 9864): crv may be left out */
	const EVP_MD *(*md)(void);  /* SIG-02 hash; NULL for EdDSA */
};

/* IANA "COSE Elliptic Curves"; ossl is OpenSSL's group or key type name. */
struct fsim_cose_crv_info {
	int crv;
	const char *name;
	const char *ossl;
	size_t coord_len;   /* x (and y) bytes; also the Ed public key length */
	int bits;           /* field size */
};

const struct fsim_cose_alg_info *fsim_cose_alg_info(int alg);
const struct fsim_cose_crv_info *fsim_cose_crv_info(int crv);

/*
 * Builders used by the parser. Each validates (COSE-04/05) and returns 0,
 * FSIM_ERR_COSE for an invalid key, or another negative for an internal error.
 * Only rsa_build reports diagnostics itself (its checks are several).
 */
int fsim_cose_ec_build(const struct fsim_cose_crv_info *ci, const uint8_t *x,
    const uint8_t *y, EVP_PKEY **out) FSIM_WUR;
int fsim_cose_ed_build(int crv, const uint8_t *x, size_t len, EVP_PKEY **out)
    FSIM_WUR;
int fsim_cose_rsa_build(const uint8_t *n, size_t nlen, const uint8_t *e,
    size_t elen, EVP_PKEY **out, int *bits, fsim_diags_t *d) FSIM_WUR;

/* ML-DSA (AKP) keys as SubjectPublicKeyInfo, in cose_akp.c. */
int fsim_cose_akp_from_spki(const uint8_t *der, size_t len, int alg,
    fsim_cose_key_t **out) FSIM_WUR;
int fsim_cose_akp_spki(const fsim_cose_key_t *k, fsim_blob_t *out) FSIM_WUR;

/* New key object owning pkey (on success only). */
/* The bytes fsim_cose_key_note_point kept (NULL, *len 0: none). */
const uint8_t *fsim_cose_key_point(const fsim_cose_key_t *k, size_t *len);
/*
 * Note the public key bytes k was parsed from (EC: x and y of len bytes each,
 * kept as 04 || x || y; OKP: x alone, y NULL), so its SubjectPublicKeyInfo is
 * written without asking OpenSSL to encode the point again.
 */
void fsim_cose_key_note_point(fsim_cose_key_t *k, const uint8_t *x, const uint8_t *y,
    size_t len);
int fsim_cose_key_wrap(int alg, int kty, int crv, int bits, EVP_PKEY *pkey,
    fsim_cose_key_t **out) FSIM_WUR;

#endif /* !FSIM_COSE_INTERNAL_H */
