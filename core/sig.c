/*
 * sig.c — WebAuthn signatures: verification and creation (rules SIG-01..05).
 *
 * WebAuthn §6.5.5 (signature formats): ECDSA signatures are an ASN.1 DER
 * Ecdsa-Sig-Value (RFC 3279 §2.2.3), EdDSA signatures are raw (RFC 8032), RSA
 * signatures are the modulus-length integer (RFC 8017; PSS per RFC 8230).
 *
 * fsim_sig_verify sits on the assertion hot path, so it allocates nothing
 * beyond the one EVP_MD_CTX: the DER check walks the bytes by hand and compares
 * r and s with the group order from a static table, with no BIGNUMs.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "cose_internal.h"
#include "mldsa.h"
#include "p256_table.h"
#include "sig.h"
#include "judge_memo.h"
#include "sig_tmpl.h"

/* Group orders n (SEC 2 §2.4.2, §2.5.1, §2.6.1), big-endian. */
static const uint8_t order_p256[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};
static const uint8_t order_p384[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2,
	0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
};
static const uint8_t order_p521[66] = {
	0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x51, 0x86,
	0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b, 0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09,
	0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8, 0x89, 0x9c, 0x47, 0xae, 0xbb, 0x6f,
	0xb7, 0x1e, 0x91, 0x38, 0x64, 0x09,
};

/* Where a DER check failed: message and offset, reported once by the caller. */
struct der_err {
	char msg[160];
	size_t off;
};

static const uint8_t *
order_of(int crv, size_t *len)
{
	switch (crv) {
	case FSIM_COSE_CRV_P256: *len = sizeof(order_p256); return order_p256;
	case FSIM_COSE_CRV_P384: *len = sizeof(order_p384); return order_p384;
	case FSIM_COSE_CRV_P521: *len = sizeof(order_p521); return order_p521;
	default: *len = 0; return NULL;
	}
}

/* COSE curve of an EC key on P-256/384/521, or 0. */
static int
ec_crv(const EVP_PKEY *pkey)
{
	const struct fsim_cose_crv_info *ci;
	char group[32];
	int crv;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
	    EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) != 1) {
		ERR_clear_error();
		return 0;
	}
	for (crv = FSIM_COSE_CRV_P256; crv <= FSIM_COSE_CRV_P521; crv++) {
		ci = fsim_cose_crv_info(crv);
		if (strcmp(group, ci->ossl) == 0 || strcmp(group, ci->name) == 0)
			return crv;
	}
	return 0;
}

/* The curve (0 for RSA) if pkey's type fits the alg, else -1. */
static int
key_crv(const EVP_PKEY *pkey, const struct fsim_cose_alg_info *ai)
{
	int id = EVP_PKEY_get_base_id(pkey), crv;

	switch (ai->kty) {
	case FSIM_COSE_KTY_AKP:
		return fsim_mldsa_pkey_set(pkey) != 0 &&
		    fsim_mldsa_pkey_set(pkey) == fsim_mldsa_set_of_alg(ai->alg) ? 0 : -1;
	case FSIM_COSE_KTY_RSA:
		if (id == EVP_PKEY_RSA ||
		    (id == EVP_PKEY_RSA_PSS && fsim_cose_alg_is_pss(ai->alg)))
			return 0;
		return -1;
	case FSIM_COSE_KTY_OKP:
		crv = id == EVP_PKEY_ED25519 ? FSIM_COSE_CRV_ED25519 :
		    id == EVP_PKEY_ED448 ? FSIM_COSE_CRV_ED448 : -1;
		break;
	default:
		crv = ec_crv(pkey);
		break;
	}
	return crv > 0 && (crv == ai->crv || crv == ai->crv2) ? crv : -1;
}

/*
 * One DER INTEGER that must be r or s: short-form length (every legal value
 * is below 128 bytes), minimal and positive (X.690 §8.3.2), 1 <= v < n.
 * Fewer bytes than the field size is legal (PIT-13).
 */
static bool
der_int(const uint8_t *sig, size_t at, size_t end, const uint8_t *n,
    size_t nlen, const char *name, size_t *next, struct der_err *e)
{
	const uint8_t *v;
	size_t len;

	e->off = at;
	if (end - at < 2) {
		snprintf(e->msg, sizeof(e->msg), "%s: INTEGER header truncated", name);
		return false;
	}
	if (sig[at] != 0x02) {
		snprintf(e->msg, sizeof(e->msg), "%s: expected INTEGER tag 0x02, "
		    "found 0x%02x", name, sig[at]);
		return false;
	}
	if (sig[at + 1] & 0x80) {
		snprintf(e->msg, sizeof(e->msg), "%s: length byte 0x%02x is not the "
		    "short form DER requires for this size", name, sig[at + 1]);
		return false;
	}
	len = sig[at + 1];
	if (len == 0 || len > end - at - 2) {
		snprintf(e->msg, sizeof(e->msg), "%s: INTEGER length %zu %s", name,
		    len, len == 0 ? "is empty" : "runs past the SEQUENCE");
		return false;
	}
	v = sig + at + 2;
	e->off = at + 2;
	if (v[0] & 0x80) {
		snprintf(e->msg, sizeof(e->msg), "%s is negative (first byte 0x%02x "
		    "has the sign bit set)", name, v[0]);
		return false;
	}
	if (len > 1 && v[0] == 0 && !(v[1] & 0x80)) {
		snprintf(e->msg, sizeof(e->msg), "%s has an unnecessary leading zero "
		    "byte (not minimal DER)", name);
		return false;
	}
	if (v[0] == 0 && len > 1) {  /* the sign pad before a high bit */
		v++;
		len--;
	}
	if (len == 1 && v[0] == 0) {
		snprintf(e->msg, sizeof(e->msg), "%s is zero (must be >= 1)", name);
		return false;
	}
	if (len > nlen || (len == nlen && memcmp(v, n, nlen) >= 0)) {
		snprintf(e->msg, sizeof(e->msg), "%s (%zu bytes) is not less than "
		    "the group order n", name, len);
		return false;
	}
	*next = at + 2 + sig[at + 1];
	return true;
}

/* Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } in strict DER. */
static bool
der_seq(const uint8_t *sig, size_t slen, const uint8_t *n, size_t nlen,
    struct der_err *e)
{
	size_t hdr, clen, at;

	e->off = 0;
	if (slen < 8) {  /* 30 06 02 01 r 02 01 s is the shortest */
		snprintf(e->msg, sizeof(e->msg), "%zu bytes is too short for a DER "
		    "Ecdsa-Sig-Value", slen);
		return false;
	}
	if (sig[0] != 0x30) {
		snprintf(e->msg, sizeof(e->msg), "expected SEQUENCE tag 0x30, "
		    "found 0x%02x", sig[0]);
		return false;
	}
	e->off = 1;
	if (sig[1] < 0x80) {
		clen = sig[1];
		hdr = 2;
	} else if (sig[1] == 0x81) {
		clen = sig[2];
		hdr = 3;
		if (clen < 0x80) {
			snprintf(e->msg, sizeof(e->msg), "SEQUENCE length %zu uses the "
			    "long form 81 %02zx (not minimal DER)", clen, clen);
			return false;
		}
	} else {
		/* 0x80 is indefinite; 0x82+ is never minimal below 256 bytes */
		snprintf(e->msg, sizeof(e->msg), "SEQUENCE length byte 0x%02x is "
		    "%s", sig[1], sig[1] == 0x80 ? "the indefinite form (BER, not "
		    "DER)" : "a long form no ECDSA signature needs");
		return false;
	}
	if (hdr + clen != slen) {
		e->off = hdr + clen < slen ? hdr + clen : 1;
		snprintf(e->msg, sizeof(e->msg), hdr + clen < slen ?
		    "%zu trailing byte(s) after the SEQUENCE" :
		    "SEQUENCE length exceeds the input by %zu byte(s)",
		    hdr + clen < slen ? slen - hdr - clen : hdr + clen - slen);
		return false;
	}
	if (!der_int(sig, hdr, slen, n, nlen, "r", &at, e) ||
	    !der_int(sig, at, slen, n, nlen, "s", &at, e))
		return false;
	if (at != slen) {
		e->off = at;
		snprintf(e->msg, sizeof(e->msg), "%zu unexpected byte(s) after s "
		    "inside the SEQUENCE", slen - at);
		return false;
	}
	return true;
}

static int
der_check(const uint8_t *sig, size_t slen, int crv, fsim_diags_t *d,
    const char *field)
{
	const struct fsim_cose_crv_info *ci = fsim_cose_crv_info(crv);
	struct der_err e;
	const uint8_t *n;
	size_t nlen;

	if ((n = order_of(crv, &nlen)) == NULL)
		return FSIM_ERR_ARG;
	if (der_seq(sig, slen, n, nlen, &e))
		return 0;
	if (slen == 2 * ci->coord_len)  /* the COSE/JOSE/WebCrypto form */
		fsim_diags_add(d, FSIM_SEV_ERROR, "SIG-01", field, e.off,
		    "%s; %zu bytes looks like a raw r||s signature, but WebAuthn "
		    "needs an ASN.1 DER Ecdsa-Sig-Value", e.msg, slen);
	else
		fsim_diags_add(d, FSIM_SEV_ERROR, "SIG-01", field, e.off,
		    "not a strict DER Ecdsa-Sig-Value: %s", e.msg);
	return FSIM_ERR_SIGNATURE;
}

int
fsim_sig_ecdsa_der_check(const uint8_t *sig, size_t slen, const EVP_PKEY *pkey,
    fsim_diags_t *d, const char *field)
{
	int crv;

	if ((sig == NULL && slen > 0) || pkey == NULL)
		return FSIM_ERR_ARG;
	if ((crv = ec_crv(pkey)) == 0)
		return FSIM_ERR_ARG;
	return der_check(sig, slen, crv, d, field != NULL ? field : "signature");
}

/*
 * Digest{Sign,Verify}Init with the alg's hash and, for PS256/384/512, PSS
 * (SIG-03). RFC 8230 §2: MGF1 with the same hash and a salt exactly as long
 * as the hash; OpenSSL then refuses any other salt length when verifying
 * (Wycheproof's rsa_pss_*_mgf1_{32,48} vectors hold us to it).
 */
static bool
ctx_init(EVP_MD_CTX *ctx, EVP_PKEY *pkey, const struct fsim_cose_alg_info *ai,
    bool sign)
{
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md;

	/* A key seen before: a copy of its ready context (sig_tmpl.h). */
	if (fsim_sig_tmpl_get(ctx, pkey, ai->alg, sign))
		return true;
	md = ai->md != NULL ? ai->md() : NULL;
	if ((sign ? EVP_DigestSignInit(ctx, &pctx, md, NULL, pkey) :
	    EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pkey)) != 1)
		return false;
	if (!fsim_cose_alg_is_pss(ai->alg)) {
		fsim_sig_tmpl_put(ctx, pkey, ai->alg, sign);
		return true;
	}
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, EVP_MD_get_size(md)) == 1;
}

/*
 * SIG-02, asked only after a signature failed: does it verify under another
 * SHA-2 hash than the one the alg decides? Then the signer chose the hash
 * itself (a common porting slip, e.g. SHA-384 with ES256), which is worth
 * naming apart from a plain bad signature. Returns that hash, or NULL.
 */
static const EVP_MD *
other_hash(EVP_MD_CTX *ctx, EVP_PKEY *pkey, const struct fsim_cose_alg_info *ai,
    const uint8_t *msg, size_t mlen, const uint8_t *sig, size_t slen)
{
	const EVP_MD *cand[3] = { EVP_sha256(), EVP_sha384(), EVP_sha512() };
	const EVP_MD *md = ai->md != NULL ? ai->md() : NULL;
	EVP_PKEY_CTX *pctx;
	size_t i;
	bool ok;

	if (md == NULL)
		return NULL;   /* EdDSA: the scheme fixes its hash */
	for (i = 0; i < 3; i++) {
		if (EVP_MD_get_type(cand[i]) == EVP_MD_get_type(md))
			continue;
		pctx = NULL;
		ok = EVP_MD_CTX_reset(ctx) == 1 &&
		    EVP_DigestVerifyInit(ctx, &pctx, cand[i], NULL, pkey) == 1;
		if (ok && fsim_cose_alg_is_pss(ai->alg))
			ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
			    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, cand[i]) == 1 &&
			    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
		if (ok && EVP_DigestVerify(ctx, sig, slen, msg, mlen) == 1)
			return cand[i];
	}
	ERR_clear_error();
	return NULL;
}

/*
 * The form check per alg family: SIG-01 (ECDSA), SIG-04 (EdDSA), SIG-03
 * (RSA), SIG-ML-01 (ML-DSA: FIPS 204 Table 2 sizes, the bytes themselves
 * decoded by the verifier).
 */
static int
form_check(EVP_PKEY *pkey, const struct fsim_cose_alg_info *ai, int crv,
    const uint8_t *sig, size_t slen, fsim_diags_t *d, const char *field)
{
	size_t want;

	switch (ai->kty) {
	case FSIM_COSE_KTY_EC2:
		return der_check(sig, slen, crv, d, field);
	case FSIM_COSE_KTY_AKP:
		want = fsim_mldsa_sig_len(fsim_mldsa_set_of_alg(ai->alg));
		if (slen == want)
			return 0;
		fsim_diags_add(d, FSIM_SEV_ERROR, "SIG-ML-01", field, FSIM_NO_OFFSET,
		    "%s signature is %zu bytes; it must be exactly %zu (FIPS 204)",
		    ai->name, slen, want);
		return FSIM_ERR_SIGNATURE;
	case FSIM_COSE_KTY_OKP:
		want = crv == FSIM_COSE_CRV_ED448 ? 114 : 64;
		if (slen == want)
			return 0;
		fsim_diags_add(d, FSIM_SEV_ERROR, "SIG-04", field, FSIM_NO_OFFSET,
		    "%s signature is %zu bytes; %s signatures are exactly %zu "
		    "(raw R || S, RFC 8032)", ai->name, slen,
		    fsim_cose_crv_name(crv), want);
		return FSIM_ERR_SIGNATURE;
	default:
		want = (size_t)EVP_PKEY_get_size(pkey);
		if (slen == want)
			return 0;
		fsim_diags_add(d, FSIM_SEV_ERROR, "SIG-03", field, FSIM_NO_OFFSET,
		    "%s signature is %zu bytes; it must be exactly the modulus "
		    "length, %zu bytes", ai->name, slen, want);
		return FSIM_ERR_SIGNATURE;
	}
}

int
fsim_sig_verify(EVP_PKEY *pkey, int alg, const uint8_t *msg, size_t mlen,
    const uint8_t *sig, size_t slen, fsim_diags_t *d, const char *rule,
    const char *field)
{
	const struct fsim_cose_alg_info *ai;
	EVP_MD_CTX *ctx = NULL;
	int r = FSIM_ERR_SIGNATURE, crv;
	fsim_judge_memo_query_t memo_key;
	bool memo;

	if (pkey == NULL || (msg == NULL && mlen > 0) || (sig == NULL && slen > 0))
		return FSIM_ERR_ARG;
	if (rule == NULL)
		rule = "SIG-02";
	if (field == NULL)
		field = "signature";
	if ((ai = fsim_cose_alg_info(alg)) == NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", field, FSIM_NO_OFFSET,
		    "unsupported alg %d", alg);
		return FSIM_ERR_UNSUPPORTED;
	}
	if ((crv = key_crv(pkey, ai)) < 0) {
		/* the caller's step decides which key and alg had to agree */
		fsim_diags_add(d, FSIM_SEV_ERROR, rule, field, FSIM_NO_OFFSET,
		    "key type %s cannot verify alg %s (%d)",
		    EVP_PKEY_get0_type_name(pkey) != NULL ?
		    EVP_PKEY_get0_type_name(pkey) : "unknown", ai->name, alg);
		goto fail;
	}
	if ((r = form_check(pkey, ai, crv, sig, slen, d, field)) != 0)
		goto fail;
	/* Inside a judge-once scope, the same valid signature is not verified twice. */
	memo = fsim_judge_memo_key(crv, alg, msg, mlen, sig, slen, &memo_key);
	if (memo && fsim_judge_memo_seen(pkey, &memo_key))
		return 0;
	/*
	 * A P-256 key verified often enough has a table of its own
	 * (p256_table.h): it may accept; a refusal is always OpenSSL's, below,
	 * with its diagnostics.
	 */
	if (ai->kty == FSIM_COSE_KTY_EC2 && crv == FSIM_COSE_CRV_P256 && ai->md != NULL &&
	    EVP_MD_get_type(ai->md()) == NID_sha256 &&
	    fsim_p256_table_verify(pkey, msg, mlen, sig, slen) == 1) {
		if (memo)
			fsim_judge_memo_add(pkey, &memo_key);
		return 0;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	if (!ctx_init(ctx, pkey, ai, false)) {
		r = FSIM_ERR_INTERNAL;
		goto fail;
	}
	if (EVP_DigestVerify(ctx, sig, slen, msg, mlen) != 1) {
		const EVP_MD *md;

		fsim_diags_add(d, FSIM_SEV_ERROR, rule, field, FSIM_NO_OFFSET,
		    "signature does not verify (%s over %zu bytes with the %s "
		    "public key)", ai->name, mlen,
		    EVP_PKEY_get0_type_name(pkey) != NULL ?
		    EVP_PKEY_get0_type_name(pkey) : "unknown");
		if ((md = other_hash(ctx, pkey, ai, msg, mlen, sig, slen)) != NULL)
			fsim_diags_add(d, FSIM_SEV_ERROR, "SIG-02", field, FSIM_NO_OFFSET,
			    "the signature was made over %s, but alg %s (%d) means %s",
			    EVP_MD_get0_name(md), ai->name, alg, EVP_MD_get0_name(ai->md()));
		r = FSIM_ERR_SIGNATURE;
		goto fail;
	}
	r = 0;
	if (memo)
		fsim_judge_memo_add(pkey, &memo_key);
fail:
	if (r != 0)
		ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return r;
}

int
fsim_sig_sign(EVP_PKEY *pkey, int alg, const uint8_t *msg, size_t mlen,
    fsim_blob_t *out)
{
	const struct fsim_cose_alg_info *ai;
	EVP_MD_CTX *ctx = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(out);
	if (pkey == NULL || (msg == NULL && mlen > 0))
		return FSIM_ERR_ARG;
	if ((ai = fsim_cose_alg_info(alg)) == NULL)
		return FSIM_ERR_UNSUPPORTED;
	if (key_crv(pkey, ai) < 0)
		goto fail;
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	/*
	 * EVP_PKEY_get_size is the largest signature the key makes; asking
	 * EVP_DigestSign for the size first would hash the message twice.
	 */
	if (!ctx_init(ctx, pkey, ai, true) || EVP_PKEY_get_size(pkey) <= 0)
		goto fail;
	len = (size_t)EVP_PKEY_get_size(pkey);
	if ((buf = malloc(len)) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	/*
	 * ECDSA comes out as DER (i2d_ECDSA_SIG), the WebAuthn form (SIG-01).
	 * OpenSSL may accept a public-only key up to here; failing now means
	 * the key cannot sign, the caller's error.
	 */
	if (EVP_DigestSign(ctx, buf, &len, msg, mlen) != 1) {
		r = FSIM_ERR_ARG;
		goto fail;
	}
	out->ptr = buf;
	out->len = len;
	buf = NULL;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	free(buf);
	EVP_MD_CTX_free(ctx);
	return r;
}

int
fsim_sig_ecdsa_raw(const uint8_t *der, size_t len, size_t half, uint8_t *raw)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = NULL;
	int r = FSIM_ERR_FORMAT;

	if (half == 0 || half > 66 || der == NULL || raw == NULL)
		return FSIM_ERR_ARG;
	if (len > LONG_MAX || (es = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
		goto fail;
	if (BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, (int)half) == (int)half &&
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + half, (int)half) == (int)half)
		r = FSIM_OK;
fail:
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return r;
}
