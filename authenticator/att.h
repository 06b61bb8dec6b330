/*
 * att.h — attestation: the project's own test CA (root, intermediate, batch
 * leaf) kept in the store, and the statement producers of WebAuthn §8
 * (none, packed self, packed with x5c, fido-u2f).
 */
#ifndef FSIM_ATT_H
#define FSIM_ATT_H

#include <cbor.h>
#include <openssl/x509.h>
#include "authenticator/env.h"
#include "authenticator/store.h"
#include "core/util.h"

typedef struct fsim_ca fsim_ca_t;

/* Certificate deviations the quirks ask for. */
#define FSIM_CA_CERT_CA_TRUE     0x01
#define FSIM_CA_CERT_MISSING_OU  0x02
#define FSIM_CA_CERT_EXPIRED     0x04
#define FSIM_CA_AAGUID_MISMATCH  0x08

/*
 * Load the CA from the store, creating it on first use (keys from env, so a
 * seeded env gives the same CA; the store is then saved by the caller).
 * The root and intermediate are P-256 CAs valid for 20 years from env's
 * clock; names carry "fidosim test".
 */
int fsim_ca_load(fsim_store_t *s, const fsim_env_t *env, fsim_ca_t **out) FSIM_WUR;
void fsim_ca_free(fsim_ca_t **cp);
/* The root certificate as PEM (for `fidosim ca export`). */
int fsim_ca_root_pem(const fsim_ca_t *ca, char **pem) FSIM_WUR;

/*
 * A batch attestation leaf for this AAGUID, meeting WebAuthn 8.2.1 (version
 * 3; subject C, O, OU = "Authenticator Attestation", CN; CA false; the
 * id-fido-gen-ce-aaguid extension = aaguid), signed by the intermediate,
 * unless `deviations` asks otherwise. The leaf key is P-256 and is kept in
 * the store per AAGUID. *chain gets [leaf, intermediate] (DER), *key the
 * leaf key (owned by the caller).
 */
int fsim_ca_leaf(fsim_ca_t *ca, fsim_store_t *s, const fsim_env_t *env,
    const uint8_t aaguid[16], unsigned deviations, fsim_blob_t chain[2],
    EVP_PKEY **key) FSIM_WUR;

/*
 * Issue certificate x under the intermediate, as the harness does when it
 * rebuilds an attestation chain around a changed certificate: the issuer
 * becomes the intermediate's subject, an authority key identifier (naming
 * another CA) is removed, and x is signed as every certificate of this CA
 * (deterministically under a seeded env). The caller sets the subject, key,
 * validity, serial and extensions. *der (reset first, so it must be a
 * valid blob) gets the certificate; x itself keeps OpenSSL's own signature
 * and should not be used further.
 */
int fsim_ca_sign_cert(const fsim_ca_t *ca, const fsim_env_t *env, X509 *x,
    fsim_blob_t *der) FSIM_WUR;
/* The intermediate certificate (DER), lent; chains end with it. */
const fsim_blob_t *fsim_ca_intermediate_der(const fsim_ca_t *ca);

/* What a statement producer gets. */
typedef struct fsim_att_input {
	const uint8_t *auth_data;   /* the authData bytes as they will be sent */
	size_t auth_data_len;
	const uint8_t *client_data_hash;  /* 32 bytes */
	const uint8_t *rp_id_hash;        /* 32 bytes (fido-u2f) */
	const uint8_t *cred_id;
	size_t cred_id_len;
	EVP_PKEY *cred_key;               /* the credential's private key (packed self) */
	int cred_alg;
	const uint8_t *aaguid;            /* 16 bytes */
	unsigned deviations;              /* FSIM_CA_* */
	bool alg_mismatch;                /* quirk: name another alg in self attestation */
	bool bad_signature;               /* quirk: flip a bit of sig */
	bool raw_ecdsa;                   /* quirk: raw r||s sig */
} fsim_att_input_t;

/*
 * Produce (fmt, attStmt) for the chosen format. *att_stmt is a new CBOR map
 * (decref it); *fmt is a static string. fido-u2f needs an ES256 credential:
 * anything else is FSIM_ERR_UNSUPPORTED.
 */
int fsim_att_make(int format /* fsim_attfmt_t */, fsim_ca_t *ca, fsim_store_t *s,
    const fsim_env_t *env, const fsim_att_input_t *in, const char **fmt,
    cbor_item_t **att_stmt) FSIM_WUR;

#endif /* !FSIM_ATT_H */
