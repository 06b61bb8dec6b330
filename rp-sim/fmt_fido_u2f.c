/*
 * fmt_fido_u2f.c — the FIDO U2F attestation statement format (WebAuthn §8.6).
 *
 *   attStmt = { x5c: [ attestnCert ], sig: bytes }
 *
 * A U2F device signs its registration response; the RP rebuilds it:
 *   verificationData = 0x00 || rpIdHash || clientDataHash || credentialId
 *                      || 0x04 || x || y
 * and checks the DER ECDSA P-256/SHA-256 sig with the certificate's key.
 * The result is Basic or AttCA (reported as Basic), trust path x5c.
 *
 * No zero-AAGUID requirement: §8.6 does not look at the AAGUID (CTAP2
 * authenticators that use this format report theirs, as the W3C vector does).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "core/fsim_core.h"
#include "rp-sim/fmt.h"
#include "rp-sim/x509util.h"

/* Is this key EC over P-256 (secp256r1, prime256v1)? Names the key into buf for messages. */
static bool
is_p256(EVP_PKEY *pk, char *buf, size_t len)
{
	char grp[64] = "";
	const char *type = EVP_PKEY_get0_type_name(pk);

	if (type == NULL)
		type = "unknown";
	if (!EVP_PKEY_is_a(pk, "EC")) {
		snprintf(buf, len, "%s (%d bits)", type, EVP_PKEY_get_bits(pk));
		return false;
	}
	if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, grp,
	    sizeof(grp), NULL) != 1) {
		ERR_clear_error();
		snprintf(buf, len, "EC on an unnamed curve");
		return false;
	}
	snprintf(buf, len, "EC %s", grp);
	return strcmp(grp, "prime256v1") == 0 || strcmp(grp, "P-256") == 0;
}

int
fsim_fmt_fido_u2f(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res)
{
	int r = FSIM_ERR_FORMAT;
	int64_t alg;
	const cbor_item_t *st, *x5c, *s;
	const uint8_t *sig = NULL;
	size_t slen = 0, plen = 0, fails0;
	STACK_OF(X509) *sk = NULL;
	EVP_PKEY *cert_pk, *cred_pk;
	uint8_t pub[65];
	fsim_blob_t vd = { 0 };
	fsim_diags_t d;
	char what[96];

	fsim_diags_init(&d);
	if (res == NULL)
		return FSIM_ERR_ARG;
	res->type = FSIM_ATT_TYPE_UNKNOWN;
	res->x5c = NULL;
	if (c == NULL || c->ad == NULL ||
	    (c->ad->cose_key == NULL && !c->ad->key_alg_unsupported))
		return FSIM_ERR_ARG;
	fails0 = fsim_checks_fail_count(c->ck);

	/* §8.6 step 1: the syntax; x5c has exactly one element. */
	st = c->att_stmt;
	if (st == NULL || !cbor_isa_map(st) || !cbor_map_is_definite(st)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_01, "attStmt", "attStmt is %s, not "
		    "a map", st == NULL ? "missing" : fsim_cbor_type_name(st));
		goto fail;
	}
	x5c = fsim_cbor_map_get_str(st, "x5c");
	s = fsim_cbor_map_get_str(st, "sig");
	if (s == NULL)
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_01, "attStmt.sig", "sig is missing");
	else if (fsim_cbor_get_bytes(s, &sig, &slen) != 0)
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_01, "attStmt.sig", "sig is %s, not "
		    "a byte string", fsim_cbor_type_name(s));
	if (fsim_x5c_parse(x5c, &sk, c->ck, FSIM_R_ATT_U2F_01, "attStmt.x5c") == 0 &&
	    sk_X509_num(sk) != 1)
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_01, "attStmt.x5c", "x5c holds %d "
		    "certificates; fido-u2f has exactly one", sk_X509_num(sk));
	/* A library that holds U2F to CTAP 2.1 11.2.9 (an all-zero AAGUID), unlike 8.6. */
	if (c->u2f_zero_aaguid && !fsim_aaguid_is_zero(c->ad->aaguid))
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_01, "authData.aaguid", "the AAGUID is "
		    "not all zero, which this policy requires of fido-u2f");
	if (fsim_checks_fail_count(c->ck) != fails0)
		goto fail;
	fsim_checks_pass(c->ck, FSIM_R_ATT_U2F_01);

	/* step 2: the certificate key is EC over P-256, nothing else */
	if ((cert_pk = X509_get0_pubkey(sk_X509_value(sk, 0))) == NULL) {
		ERR_clear_error();
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_02, "attStmt.x5c[0]", "the "
		    "certificate's public key cannot be decoded");
		goto fail;
	}
	if (!is_p256(cert_pk, what, sizeof(what))) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_02, "attStmt.x5c[0]", "the "
		    "certificate key is %s, not EC P-256", what);
		goto fail;
	}
	fsim_checks_pass(c->ck, FSIM_R_ATT_U2F_02);

	/* steps 3-4: the credential key as 04 || x || y, each coordinate 32 bytes */
	alg = c->ad->key_alg;
	cred_pk = fsim_cose_key_pkey(c->ad->cose_key);
	if ((alg != FSIM_COSE_ES256 && alg != FSIM_COSE_ESP256) || cred_pk == NULL ||
	    !is_p256(cred_pk, what, sizeof(what))) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_03, "authData.credentialPublicKey",
		    "the credential key is %s (alg %lld), not ES256 on P-256",
		    alg >= INT_MIN && alg <= INT_MAX && fsim_cose_alg_name((int)alg) != NULL ?
		    fsim_cose_alg_name((int)alg) : "unsupported", (long long)alg);
		goto fail;
	}
	if (EVP_PKEY_get_octet_string_param(cred_pk, OSSL_PKEY_PARAM_PUB_KEY, pub,
	    sizeof(pub), &plen) != 1 || plen != sizeof(pub) || pub[0] != 0x04) {
		ERR_clear_error();
		fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_03, "authData.credentialPublicKey",
		    "the credential key does not give an uncompressed point with "
		    "32-byte x and y");
		goto fail;
	}
	fsim_checks_pass(c->ck, FSIM_R_ATT_U2F_03);

	/* step 5: verificationData; step 6: the signature */
	r = FSIM_ERR_NOMEM;
	if (fsim_blob_set(&vd, (const uint8_t *)"\x00", 1) != 0 ||
	    fsim_blob_append(&vd, c->ad->rp_id_hash, 32) != 0 ||
	    fsim_blob_append(&vd, c->client_data_hash, 32) != 0 ||
	    fsim_blob_append(&vd, c->ad->cred_id.ptr, c->ad->cred_id.len) != 0 ||
	    fsim_blob_append(&vd, pub, sizeof(pub)) != 0)
		goto fail;
	r = fsim_sig_verify(cert_pk, FSIM_COSE_ES256, vd.ptr, vd.len, sig, slen, &d,
	    "ATT-U2F-04", "attStmt.sig");
	fsim_checks_import(c->ck, &d, FSIM_R_ATT_U2F_04);
	if (r == FSIM_ERR_NOMEM)
		goto fail;
	if (r != 0) {
		if (fsim_diags_count(&d, FSIM_SEV_ERROR) == 0)
			fsim_checks_fail(c->ck, FSIM_R_ATT_U2F_04, "attStmt.sig",
			    "signature could not be checked (%s)", fsim_strerr(r));
		r = FSIM_ERR_SIGNATURE;
		goto fail;
	}
	fsim_checks_pass(c->ck, FSIM_R_ATT_U2F_04);

	/* step 7: Basic or AttCA, trust path x5c */
	res->type = FSIM_ATT_TYPE_BASIC;
	res->x5c = sk;
	sk = NULL;
	r = 0;
fail:
	sk_X509_pop_free(sk, X509_free);
	fsim_blob_reset(&vd);
	fsim_diags_clear(&d);
	return r;
}
