/*
 * fmt_packed.c — the packed attestation statement format (WebAuthn §8.2).
 *
 *   attStmt = { alg: COSEAlgorithmIdentifier, sig: bytes, ? x5c: [ attestnCert, * caCert ] }
 *
 * With x5c (full attestation) sig is made by the attestation certificate's
 * key and the certificate must meet §8.2.1; the result is Basic (Basic and
 * AttCA cannot be told apart without metadata, ATT-PACKED-10) with x5c as
 * the trust path. Without x5c (self attestation) sig is made by the
 * credential key itself under the credential's own alg; the result is Self
 * with no trust path. In both cases the signed bytes are authData || cdh.
 */
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include <openssl/err.h>
#include <openssl/rsa.h>

#include "core/fsim_core.h"
#include "rp-sim/fmt.h"
#include "rp-sim/x509util.h"

/* The members §8.2 defines; ecdaaKeyId was removed after Level 1. */
static bool
known_member(const char *k, size_t n)
{
	static const char *const names[] = { "alg", "sig", "x5c", "ecdaaKeyId" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && memcmp(names[i], k, n) == 0)
			return true;
	return false;
}

/* Printable ASCII, safe to quote in a message. */
static bool
printable(const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (k[i] < 0x20 || k[i] >= 0x7f || k[i] == '"' || k[i] == '\\')
			return false;
	return true;
}

/*
 * Shape (ATT-PACKED-01): alg an integer naming an algorithm we support, sig a
 * byte string, x5c absent or an array. Records FAILs; returns 0 when sound.
 */
static int
parse_stmt(const cbor_item_t *st, fsim_checks_t *ck, int *alg, const uint8_t **sig,
    size_t *slen, const cbor_item_t **x5c)
{
	const cbor_item_t *a, *s;
	struct cbor_pair *pairs;
	size_t i, fails0 = fsim_checks_fail_count(ck);
	int64_t v = 0;

	*x5c = NULL;
	if (st == NULL || !cbor_isa_map(st) || !cbor_map_is_definite(st)) {
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_01, "attStmt", "attStmt is %s, "
		    "not a map", st == NULL ? "missing" : fsim_cbor_type_name(st));
		return FSIM_ERR_FORMAT;
	}
	a = fsim_cbor_map_get_str(st, "alg");
	s = fsim_cbor_map_get_str(st, "sig");
	*x5c = fsim_cbor_map_get_str(st, "x5c");
	if (a == NULL)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_01, "attStmt.alg", "alg is missing");
	else if (fsim_cbor_get_int(a, &v) != 0)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_01, "attStmt.alg", "alg is %s, not "
		    "an integer", fsim_cbor_type_name(a));
	else if (v < INT_MIN || v > INT_MAX || fsim_cose_alg_name((int)v) == NULL)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_01, "attStmt.alg", "alg %lld is not "
		    "a COSE algorithm fidosim supports", (long long)v);
	else
		*alg = (int)v;
	if (s == NULL)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_01, "attStmt.sig", "sig is missing");
	else if (fsim_cbor_get_bytes(s, sig, slen) != 0)
		fsim_checks_fail(ck, FSIM_R_ATT_PACKED_01, "attStmt.sig", "sig is %s, not "
		    "a byte string", fsim_cbor_type_name(s));

	pairs = cbor_map_handle(st);
	for (i = 0; i < cbor_map_size(st); i++) {
		const cbor_item_t *k = pairs[i].key;
		const char *kp;
		size_t kn;

		if (!cbor_isa_string(k) || !cbor_string_is_definite(k))
			continue;  /* key types are the CBOR layer's concern (CBOR-KEYTYPE) */
		kp = (const char *)cbor_string_handle(k);
		kn = cbor_string_length(k);
		if (kn == 10 && memcmp(kp, "ecdaaKeyId", 10) == 0)
			fsim_checks_warn(ck, FSIM_R_ATT_PACKED_01, "attStmt.ecdaaKeyId",
			    "ecdaaKeyId is present: ECDAA was removed after WebAuthn "
			    "Level 1 and is ignored");
		else if (!known_member(kp, kn) && printable(kp, kn))
			fsim_checks_info(ck, FSIM_R_ATT_PACKED_01, "attStmt",
			    "unknown member \"%.*s\" ignored", (int)(kn > 40 ? 40 : kn), kp);
		else if (!known_member(kp, kn))
			fsim_checks_info(ck, FSIM_R_ATT_PACKED_01, "attStmt",
			    "an unknown member (%zu bytes, not printable) ignored", kn);
	}
	return fsim_checks_fail_count(ck) == fails0 ? 0 : FSIM_ERR_FORMAT;
}

/* authData || clientDataHash, the bytes both kinds of packed signature cover. */
static int
signed_bytes(const fsim_fmt_ctx_t *c, fsim_blob_t *out)
{
	int r;

	if ((r = fsim_blob_set(out, c->auth_data, c->auth_data_len)) != 0 ||
	    (r = fsim_blob_append(out, c->client_data_hash, 32)) != 0)
		fsim_blob_reset(out);
	return r;
}

/* Verify and move diagnostics into the checklist; PASS `rule` when valid. */
static int
verify(const fsim_fmt_ctx_t *c, EVP_PKEY *pkey, int alg, const fsim_blob_t *msg,
    const uint8_t *sig, size_t slen, fsim_rule_id_t rule, const char *rule_id)
{
	fsim_diags_t d;
	int r;

	fsim_diags_init(&d);
	r = fsim_sig_verify(pkey, alg, msg->ptr, msg->len, sig, slen, &d, rule_id,
	    "attStmt.sig");
	fsim_checks_import(c->ck, &d, rule);
	if (r == 0)
		fsim_checks_pass(c->ck, rule);
	else if (fsim_diags_count(&d, FSIM_SEV_ERROR) == 0)
		fsim_checks_fail(c->ck, rule, "attStmt.sig", "signature could not be "
		    "checked (%s)", fsim_strerr(r));
	fsim_diags_clear(&d);
	if (r == FSIM_ERR_NOMEM)
		return r;
	return r == 0 ? 0 : FSIM_ERR_SIGNATURE;
}

/*
 * Self attestation under a policy that lets attStmt.alg differ from the
 * credential key's alg (SimpleWebAuthn): the key decides the scheme (ECDSA,
 * RSASSA-PKCS1-v1_5 or PSS, EdDSA) and alg only the hash, which EdDSA
 * ignores. Records PASS, or FAIL, under ATT-PACKED-09.
 */
static int
verify_hash_only(const fsim_fmt_ctx_t *c, int alg, int cred_alg, const fsim_blob_t *msg,
    const uint8_t *sig, size_t slen)
{
	EVP_PKEY *pk = fsim_cose_key_pkey(c->ad->cose_key);
	const EVP_MD *md = fsim_cose_alg_md(alg), *kmd = fsim_cose_alg_md(cred_alg);
	int kty = fsim_cose_key_kty(c->ad->cose_key), r = FSIM_ERR_SIGNATURE;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;

	fsim_checks_info(c->ck, FSIM_R_ATT_PACKED_09, "attStmt.alg", "self attestation "
	    "alg %d (%s) differs from the credential public key's alg %d (%s); this "
	    "policy takes alg only as the hash and verifies with the key's own scheme",
	    alg, fsim_cose_alg_name(alg), cred_alg, fsim_cose_alg_name(cred_alg) != NULL ?
	    fsim_cose_alg_name(cred_alg) : "unknown");
	/*
	 * The key's own alg when the hash is the same or does not matter
	 * (fsim_cose_alg_md is NULL for EdDSA, which signs the message itself,
	 * and for an alg fidosim does not know).
	 */
	if (kty == FSIM_COSE_KTY_OKP || (md != NULL && md == kmd))
		return verify(c, pk, cred_alg, msg, sig, slen, FSIM_R_ATT_PACKED_09,
		    "ATT-PACKED-09");
	if (md == NULL) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_PACKED_09, "attStmt.alg", "alg %d names "
		    "no hash to verify the %s key's signature with", alg,
		    fsim_cose_kty_name(kty) != NULL ? fsim_cose_kty_name(kty) : "?");
		return FSIM_ERR_SIGNATURE;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto out;
	}
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pk) != 1 ||
	    (fsim_cose_alg_is_pss(cred_alg) &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1))) {
		r = FSIM_ERR_INTERNAL;
		goto out;
	}
	if (EVP_DigestVerify(ctx, sig, slen, msg->ptr, msg->len) == 1)
		r = 0;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	if (r == 0)
		fsim_checks_pass(c->ck, FSIM_R_ATT_PACKED_09);
	else if (r != FSIM_ERR_NOMEM)
		fsim_checks_fail(c->ck, FSIM_R_ATT_PACKED_09, "attStmt.sig", "the self "
		    "attestation signature does not verify with the credential key and "
		    "the hash of alg %d (%s)", alg, fsim_cose_alg_name(alg));
	return r == FSIM_ERR_NOMEM ? r : r == 0 ? 0 : FSIM_ERR_SIGNATURE;
}

/* An alg the RP library cannot verify (ctx sig_algs): FAIL under rule. */
static bool
alg_usable(const fsim_fmt_ctx_t *c, int alg, int crv, fsim_rule_id_t rule, const char *field)
{
	if (fsim_sig_alg_listed(c->sig_algs, c->n_sig_algs, alg, crv))
		return true;
	fsim_checks_fail(c->ck, rule, field, "alg %d (%s%s) is not one this RP library "
	    "can verify signatures with", alg, fsim_cose_alg_name(alg) != NULL ?
	    fsim_cose_alg_name(alg) : "unknown", alg == FSIM_COSE_EDDSA && crv == FSIM_COSE_CRV_ED448 ? " on Ed448" : "");
	return false;
}

int
fsim_fmt_packed(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res)
{
	int r = FSIM_ERR_FORMAT, alg = 0, cred_alg, rs;
	const cbor_item_t *x5c = NULL;
	const uint8_t *sig = NULL;
	size_t slen = 0;
	STACK_OF(X509) *sk = NULL;
	fsim_blob_t msg = { 0 };
	EVP_PKEY *pk;
	bool sha1_ok;

	if (res == NULL)
		return FSIM_ERR_ARG;
	res->type = FSIM_ATT_TYPE_UNKNOWN;
	res->x5c = NULL;
	if (c == NULL || c->ad == NULL ||
	    (c->ad->cose_key == NULL && !c->ad->key_alg_unsupported) ||
	    (c->auth_data == NULL && c->auth_data_len > 0))
		return FSIM_ERR_ARG;

	if (parse_stmt(c->att_stmt, c->ck, &alg, &sig, &slen, &x5c) != 0)
		goto fail;
	if (x5c != NULL && fsim_x5c_parse(x5c, &sk, c->ck, FSIM_R_ATT_PACKED_01,
	    "attStmt.x5c") != 0)
		goto fail;
	fsim_checks_pass(c->ck, FSIM_R_ATT_PACKED_01);
	if ((r = signed_bytes(c, &msg)) != 0)
		goto fail;

	if (sk != NULL) {
		/* §8.2 step 2: full attestation, signed by the attestation certificate's key. */
		if ((pk = X509_get0_pubkey(sk_X509_value(sk, 0))) == NULL) {
			ERR_clear_error();
			fsim_checks_fail(c->ck, FSIM_R_ATT_PACKED_02, "attStmt.x5c[0]",
			    "the certificate's public key cannot be used");
			r = FSIM_ERR_SIGNATURE;
			goto fail;
		}
		/* The self path's alg is the credential key's, judged by the ceremony. */
		sha1_ok = fsim_rp_sha1_ok(c->sha1_sigs, alg, "the attestation signature "
		    "(attStmt.alg)", "attStmt.alg", c->ck);
		rs = alg_usable(c, alg, 0, FSIM_R_ATT_PACKED_02, "attStmt.alg") ?
		    verify(c, pk, alg, &msg, sig, slen, FSIM_R_ATT_PACKED_02,
		    "ATT-PACKED-02") : FSIM_ERR_SIGNATURE;
		if (rs == 0 && !sha1_ok)
			rs = FSIM_ERR_SIGNATURE;
		if (rs == FSIM_ERR_NOMEM) {
			r = rs;
			goto fail;
		}
		/* The certificate is checked even when sig failed, to report everything. */
		if (c->packed_cert_ignored) {
			fsim_checks_info(c->ck, FSIM_R_ATT_PACKED_03, "attStmt.x5c[0]", "the "
			    "8.2.1 certificate requirements (version, subject, AAGUID "
			    "extension, CA=false) are not checked by this policy");
			r = 0;
		} else
			r = fsim_cert_check_packed(sk_X509_value(sk, 0), c->ad->aaguid,
			    c->enterprise, c->ck) != 0 ? FSIM_ERR_FORMAT : 0;
		if (rs != 0)
			r = rs;
		if (r != 0)
			goto fail;
		res->type = FSIM_ATT_TYPE_BASIC;
		res->x5c = sk;
		sk = NULL;
	} else {
		/* §8.2 step 3: self attestation, under the credential's own alg. */
		if (c->ad->cose_key == NULL) {
			fsim_fmt_key_unusable(c, FSIM_R_ATT_PACKED_09, "the self "
			    "attestation signature");
			r = FSIM_ERR_SIGNATURE;
			goto fail;
		}
		cred_alg = fsim_cose_key_alg(c->ad->cose_key);
		if (!alg_usable(c, cred_alg, fsim_cose_key_crv(c->ad->cose_key),
		    FSIM_R_ATT_PACKED_09, "authData.credentialPublicKey") ||
		    (alg != cred_alg && !alg_usable(c, alg, 0, FSIM_R_ATT_PACKED_09,
		    "attStmt.alg"))) {
			r = FSIM_ERR_SIGNATURE;
			goto fail;
		}
		if (alg != cred_alg && c->self_alg_hash_only) {
			if ((r = verify_hash_only(c, alg, cred_alg, &msg, sig, slen)) != 0)
				goto fail;
		} else if (alg != cred_alg) {
			fsim_checks_fail(c->ck, FSIM_R_ATT_PACKED_09, "attStmt.alg",
			    "self attestation alg %d (%s) differs from the credential "
			    "public key's alg %d (%s)", alg, fsim_cose_alg_name(alg),
			    cred_alg, fsim_cose_alg_name(cred_alg) != NULL ?
			    fsim_cose_alg_name(cred_alg) : "unknown");
			r = FSIM_ERR_FORMAT;
			goto fail;
		} else if ((r = verify(c, fsim_cose_key_pkey(c->ad->cose_key), alg, &msg,
		    sig, slen, FSIM_R_ATT_PACKED_09, "ATT-PACKED-09")) != 0)
			goto fail;
		res->type = FSIM_ATT_TYPE_SELF;
	}
	r = 0;
fail:
	sk_X509_pop_free(sk, X509_free);
	fsim_blob_reset(&msg);
	return r;
}
