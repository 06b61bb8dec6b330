/*
 * fmt_apple.c — the "apple" anonymous attestation statement (WebAuthn L3
 * §8.8): attStmt = {x5c}. Nothing is signed by the credential key; instead
 * Apple's anonymization CA issues a fresh leaf for the credential key that
 * carries nonce = SHA-256(authData || clientDataHash) in the extension
 * 1.2.840.113635.100.8.2. Result: Anonymization CA, trust path x5c (the
 * chain to the Apple WebAuthn Root CA is the ceremony's check, ATT-APPLE-04).
 *
 * Rules: ATT-APPLE-01 (shape), -02 (nonce, parsed as ASN.1: PIT-19), -03
 * (the leaf key is the credential key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "rp-sim/der.h"
#include "rp-sim/fmt.h"
#include "rp-sim/x509util.h"

#define F_STMT  "attestationObject.attStmt"
#define F_LEAF  F_STMT ".x5c[0]"
#define F_NONCE F_LEAF ".appleNonce"

/* Verdict codes stay verdicts; anything else is the caller's error. */
static bool
is_internal(int r)
{
	return r != 0 && r != FSIM_ERR_FORMAT && r != FSIM_ERR_SIGNATURE;
}

/*
 * ATT-APPLE-01: x5c, a non-empty array of certificates. Real devices also
 * send alg (-7) although §8.8 defines only x5c; other members are noted.
 */
static int
check_shape(const fsim_fmt_ctx_t *c, STACK_OF(X509) **x5c)
{
	const cbor_item_t *st = c->att_stmt;
	struct cbor_pair *pairs;
	size_t i, n;
	int r;

	if (st == NULL || !cbor_isa_map(st) || !cbor_map_is_definite(st)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_APPLE_01, F_STMT, "attStmt is %s, "
		    "not a map {x5c}", st == NULL ? "missing" : fsim_cbor_type_name(st));
		return FSIM_ERR_FORMAT;
	}
	r = fsim_x5c_parse(fsim_cbor_map_get_str(st, "x5c"), x5c, c->ck,
	    FSIM_R_ATT_APPLE_01, F_STMT ".x5c");
	if (r != 0)
		return is_internal(r) ? r : FSIM_ERR_FORMAT;
	n = cbor_map_size(st);
	pairs = cbor_map_handle(st);
	for (i = 0; i < n; i++) {
		char *k = NULL;

		if (fsim_cbor_get_text(pairs[i].key, &k) == 0 && strcmp(k, "x5c") != 0)
			fsim_checks_info(c->ck, FSIM_R_ATT_APPLE_01, F_STMT, "attStmt "
			    "also has \"%.40s\" (tolerated: §8.8 defines only x5c)", k);
		else if (k == NULL)
			fsim_checks_info(c->ck, FSIM_R_ATT_APPLE_01, F_STMT, "attStmt "
			    "also has a %s key (tolerated: §8.8 defines only x5c)",
			    fsim_cbor_type_name(pairs[i].key));
		free(k);
	}
	fsim_checks_pass(c->ck, FSIM_R_ATT_APPLE_01);
	return 0;
}

/*
 * The extension value is DER: SEQUENCE { [1] EXPLICIT OCTET STRING }, that
 * is 30 26 a1 24 04 20 <32 bytes> (PIT-19). Parse each layer and insist on
 * nothing before, after or inside besides it, rather than taking the last
 * 32 bytes.
 */
static int
parse_nonce(const uint8_t *v, size_t vlen, const uint8_t **nonce, size_t *nlen,
    char *err, size_t errlen)
{
	fsim_der_t seq, tagged, os;

	if (fsim_der_one(v, vlen, &seq) != 0 ||
	    !fsim_der_is(&seq, FSIM_DER_UNIVERSAL, true, FSIM_DER_SEQUENCE)) {
		snprintf(err, errlen, "the %zu-byte value is not one DER SEQUENCE", vlen);
		return FSIM_ERR_FORMAT;
	}
	if (fsim_der_one(seq.val, seq.len, &tagged) != 0 ||
	    !fsim_der_is(&tagged, FSIM_DER_CONTEXT, true, 1)) {
		snprintf(err, errlen, "the SEQUENCE does not hold exactly one [1] "
		    "EXPLICIT element");
		return FSIM_ERR_FORMAT;
	}
	if (fsim_der_one(tagged.val, tagged.len, &os) != 0 ||
	    !fsim_der_is(&os, FSIM_DER_UNIVERSAL, false, FSIM_DER_OCTETSTRING)) {
		snprintf(err, errlen, "[1] does not hold exactly one OCTET STRING");
		return FSIM_ERR_FORMAT;
	}
	*nonce = os.val;
	*nlen = os.len;
	return 0;
}

/* ATT-APPLE-02: the leaf's nonce extension is SHA-256(authData || cdh). */
static int
check_nonce(const fsim_fmt_ctx_t *c, const X509 *leaf)
{
	uint8_t want[EVP_MAX_MD_SIZE];
	const uint8_t *v = NULL, *nonce = NULL;
	size_t vlen = 0, nlen = 0, wlen = 0;
	char err[128];
	int r;

	if ((r = fsim_digest("SHA256", c->auth_data, c->auth_data_len,
	    c->client_data_hash, 32, want, &wlen)) != 0)
		return r == FSIM_ERR_NOMEM ? r : FSIM_ERR_INTERNAL;
	if (!fsim_cert_ext(leaf, FSIM_OID_APPLE_NONCE, &v, &vlen, NULL)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_APPLE_02, F_LEAF, "the leaf "
		    "certificate has no nonce extension (%s), or has it more than "
		    "once", FSIM_OID_APPLE_NONCE);
		return FSIM_ERR_FORMAT;
	}
	if (parse_nonce(v, vlen, &nonce, &nlen, err, sizeof(err)) != 0) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_APPLE_02, F_NONCE, "the nonce "
		    "extension is not SEQUENCE { [1] EXPLICIT OCTET STRING }: %s", err);
		return FSIM_ERR_FORMAT;
	}
	if (nlen != wlen || CRYPTO_memcmp(nonce, want, wlen) != 0) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_APPLE_02, F_NONCE, "the certificate's "
		    "%zu-byte nonce is not SHA-256(authData || clientDataHash)", nlen);
		return FSIM_ERR_FORMAT;
	}
	fsim_checks_pass(c->ck, FSIM_R_ATT_APPLE_02);
	return 0;
}

static const char *
key_type(const EVP_PKEY *k)
{
	const char *s = k != NULL ? EVP_PKEY_get0_type_name(k) : NULL;

	return s != NULL ? s : "unknown";
}

/* ATT-APPLE-03: the leaf certifies the credential public key. */
static int
check_key(const fsim_fmt_ctx_t *c, const X509 *leaf)
{
	const EVP_PKEY *lpk = X509_get0_pubkey(leaf);
	const EVP_PKEY *cred = fsim_cose_key_pkey(c->ad->cose_key);

	if (cred == NULL) {
		fsim_fmt_key_unusable(c, FSIM_R_ATT_APPLE_03, "that the leaf certifies the "
		    "credential key");
		return FSIM_ERR_FORMAT;
	}
	if (lpk != NULL && EVP_PKEY_eq(lpk, cred) == 1) {
		fsim_checks_pass(c->ck, FSIM_R_ATT_APPLE_03);
		return 0;
	}
	ERR_clear_error();
	fsim_checks_fail(c->ck, FSIM_R_ATT_APPLE_03, F_LEAF, "the leaf certificate's "
	    "public key (%s, %d bits) is not the credential public key (%s, %d bits)",
	    key_type(lpk), lpk != NULL ? EVP_PKEY_get_bits(lpk) : 0, key_type(cred),
	    cred != NULL ? EVP_PKEY_get_bits(cred) : 0);
	return FSIM_ERR_FORMAT;
}

int
fsim_fmt_apple(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res)
{
	STACK_OF(X509) *x5c = NULL;
	const X509 *leaf;
	int r = FSIM_ERR_ARG, rn, rk;

	if (c == NULL || res == NULL || c->ad == NULL ||
	    (c->ad->cose_key == NULL && !c->ad->key_alg_unsupported) ||
	    (c->auth_data == NULL && c->auth_data_len > 0))
		goto fail;
	if ((r = check_shape(c, &x5c)) != 0)
		goto fail;
	leaf = sk_X509_value(x5c, 0);
	rn = check_nonce(c, leaf);
	if (is_internal(rn)) {
		r = rn;
		goto fail;
	}
	rk = check_key(c, leaf);
	if (rn != 0 || rk != 0) {
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	sk_X509_pop_free(res->x5c, X509_free);
	res->x5c = x5c;
	x5c = NULL;
	res->type = FSIM_ATT_TYPE_ANONCA;
	r = 0;
fail:
	sk_X509_pop_free(x5c, X509_free);
	return r;
}
