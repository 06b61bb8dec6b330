/*
 * test_sig.c — WebAuthn signature verification and creation (SIG-01..05).
 * Keys are generated per run (EC, Ed) or fixed test keys (RSA,
 * cose_fixture.h). Malformed DER cases are derived from real signatures or
 * written by hand from RFC 3279 §2.2.3 / X.690 §8.3. Real assertions: the W3C
 * WebAuthn L3 test vectors (vectors/w3c-l3/, see its README for provenance).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/rsa.h>

#include "core/cose.h"
#include "core/sig.h"
#include "cose_fixture.h"

#define RULE "AUTH-18"  /* the step a caller would name */

static EVP_PKEY *k_p256, *k_p384, *k_p521, *k_ed25519, *k_ed448, *k_rsa;

static const uint8_t msg[] = "authenticatorData || clientDataHash stand-in";

/* P-256 group order n. */
static const uint8_t n256[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

static int
setup(void **state)
{
	(void)state;
	k_p256 = fixture_key("P-256");
	k_p384 = fixture_key("P-384");
	k_p521 = fixture_key("P-521");
	k_ed25519 = fixture_key("ED25519");
	k_ed448 = fixture_key("ED448");
	k_rsa = fixture_key("RSA2048");
	return k_p256 && k_p384 && k_p521 && k_ed25519 && k_ed448 && k_rsa ?
	    0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(k_p256);
	EVP_PKEY_free(k_p384);
	EVP_PKEY_free(k_p521);
	EVP_PKEY_free(k_ed25519);
	EVP_PKEY_free(k_ed448);
	EVP_PKEY_free(k_rsa);
	return 0;
}

/* Verify and check the outcome: rc, and the rule recorded (NULL: none). */
static void
expect(EVP_PKEY *k, int alg, const uint8_t *m, size_t mlen, const uint8_t *sig,
    size_t slen, int rc, const char *rule)
{
	fsim_diags_t d;

	fsim_diags_init(&d);
	assert_int_equal(fsim_sig_verify(k, alg, m, mlen, sig, slen, &d, RULE,
	    "signature"), rc);
	if (rule == NULL) {
		assert_int_equal(d.n, 0);
	} else {
		assert_int_equal(d.n, 1);
		assert_string_equal(d.v[0].rule, rule);
		assert_int_equal(d.v[0].sev, FSIM_SEV_ERROR);
		assert_string_equal(d.v[0].field, "signature");
	}
	fsim_diags_clear(&d);
}

static void
sign(EVP_PKEY *k, int alg, const uint8_t *m, size_t mlen, fsim_blob_t *out)
{
	assert_int_equal(fsim_sig_sign(k, alg, m, mlen, out), FSIM_OK);
}

/* Split a DER Ecdsa-Sig-Value made by OpenSSL into r and s (sign pad kept). */
static void
der_split(const uint8_t *sig, size_t len, const uint8_t **r, size_t *rlen,
    const uint8_t **s, size_t *slen)
{
	size_t at = sig[1] == 0x81 ? 3 : 2;

	assert_true(len > at + 4);
	assert_int_equal(sig[at], 0x02);
	*rlen = sig[at + 1];
	*r = sig + at + 2;
	at += 2 + *rlen;
	assert_int_equal(sig[at], 0x02);
	*slen = sig[at + 1];
	*s = sig + at + 2;
}

/* Minimal DER from two big-endian unsigned values. */
static void
der_build(const uint8_t *r, size_t rlen, const uint8_t *s, size_t slen,
    fsim_blob_t *out)
{
	uint8_t body[2 * 70], hdr[3];
	const uint8_t *v[2] = { r, s };
	size_t l[2] = { rlen, slen }, n = 0, i;

	for (i = 0; i < 2; i++) {
		while (l[i] > 1 && v[i][0] == 0) {
			v[i]++;
			l[i]--;
		}
		body[n++] = 0x02;
		body[n++] = (uint8_t)(l[i] + (v[i][0] & 0x80 ? 1 : 0));
		if (v[i][0] & 0x80)
			body[n++] = 0;
		memcpy(body + n, v[i], l[i]);
		n += l[i];
	}
	hdr[0] = 0x30;
	fsim_blob_reset(out);
	if (n < 128) {
		hdr[1] = (uint8_t)n;
		assert_int_equal(fsim_blob_append(out, hdr, 2), 0);
	} else {
		hdr[1] = 0x81;
		hdr[2] = (uint8_t)n;
		assert_int_equal(fsim_blob_append(out, hdr, 3), 0);
	}
	assert_int_equal(fsim_blob_append(out, body, n), 0);
}

static void
test_sign_verify_all_algs(void **state)
{
	static const struct { int alg; int which; } t[] = {
		{ FSIM_COSE_ES256, 0 }, { FSIM_COSE_ESP256, 0 },
		{ FSIM_COSE_ES384, 1 }, { FSIM_COSE_ESP384, 1 },
		{ FSIM_COSE_ES512, 2 }, { FSIM_COSE_ESP512, 2 },
		{ FSIM_COSE_EDDSA, 3 }, { FSIM_COSE_ED25519, 3 },
		{ FSIM_COSE_ED448, 4 }, { FSIM_COSE_EDDSA, 4 },
		{ FSIM_COSE_RS256, 5 }, { FSIM_COSE_PS256, 5 },
	};
	EVP_PKEY *keys[6] = { k_p256, k_p384, k_p521, k_ed25519, k_ed448, k_rsa };
	uint8_t m[sizeof(msg)];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		EVP_PKEY *k = keys[t[i].which];
		fsim_blob_t sig = { 0 };

		sign(k, t[i].alg, msg, sizeof(msg), &sig);
		if (t[i].which < 3) {
			assert_int_equal(sig.ptr[0], 0x30);
			assert_int_equal(fsim_sig_ecdsa_der_check(sig.ptr, sig.len, k,
			    NULL, NULL), 0);
		} else if (t[i].which < 5) {
			assert_int_equal(sig.len, t[i].which == 3 ? 64 : 114);
		} else {
			assert_int_equal(sig.len, 256);
		}
		expect(k, t[i].alg, msg, sizeof(msg), sig.ptr, sig.len, 0, NULL);
		/* a changed message does not verify: the caller's rule */
		memcpy(m, msg, sizeof(m));
		m[3] ^= 0x01;
		expect(k, t[i].alg, m, sizeof(m), sig.ptr, sig.len,
		    FSIM_ERR_SIGNATURE, RULE);
		/* nor does a changed signature (last byte: inside s for ECDSA) */
		sig.ptr[sig.len - 1] ^= 0x01;
		expect(k, t[i].alg, msg, sizeof(msg), sig.ptr, sig.len,
		    FSIM_ERR_SIGNATURE, RULE);
		fsim_blob_reset(&sig);
	}
}

/* SIG-01: each malformed DER form is rejected before OpenSSL sees it. */
static void
test_der_strictness(void **state)
{
	static const struct { const char *what; const char *hex; } t[] = {
		{ "negative r", "3006020181020101" },
		{ "r = 0", "3006020100020101" },
		{ "s = 0", "3006020101020100" },
		{ "zero-length r", "30050200020101" },
		{ "indefinite SEQUENCE", "3080020101020101" },
		{ "long-form SEQUENCE length", "308106020101020101" },
		{ "two-byte SEQUENCE length", "30820006020101020101" },
		{ "long-form INTEGER length", "300702810101020101" },
		{ "leading zero on r", "300702020001020101" },
		{ "wrong outer tag", "3106020101020101" },
		{ "wrong INTEGER tag", "3006030101020101" },
		{ "SEQUENCE length too long", "3007020101020101" },
		{ "SEQUENCE length too short", "3005020101020101" },
		{ "INTEGER runs past the end", "3006020101020201" },
		{ "extra element", "30080201010201010500" },
		{ "trailing byte", "300602010102010100" },
		{ "empty", "" },
		{ "too short", "3003020101" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t b[16];
		size_t n = strlen(t[i].hex) / 2, j;

		for (j = 0; j < n; j++) {
			unsigned v;

			assert_int_equal(sscanf(t[i].hex + 2 * j, "%2x", &v), 1);
			b[j] = (uint8_t)v;
		}
		print_message("  %s\n", t[i].what);
		expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), b, n,
		    FSIM_ERR_SIGNATURE, "SIG-01");
	}
	/* well formed with r = s = 1: passes the DER check, fails to verify */
	expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg),
	    (const uint8_t *)"\x30\x06\x02\x01\x01\x02\x01\x01", 8,
	    FSIM_ERR_SIGNATURE, RULE);
}

/* SIG-01 on real signatures: re-encodings that stay equal in value. */
static void
test_der_real_reencodings(void **state)
{
	static const uint8_t one = 1;
	fsim_blob_t sig = { 0 }, bad = { 0 };
	const uint8_t *r, *s;
	uint8_t nm1[32];
	size_t rlen, slen;

	(void)state;
	sign(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), &sig);
	der_split(sig.ptr, sig.len, &r, &rlen, &s, &slen);
	/* non-minimal SEQUENCE length: 30 81 LL */
	assert_int_equal(fsim_blob_append(&bad, (const uint8_t *)"\x30\x81", 2), 0);
	assert_int_equal(fsim_blob_append(&bad, sig.ptr + 1, sig.len - 1), 0);
	expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), bad.ptr, bad.len,
	    FSIM_ERR_SIGNATURE, "SIG-01");
	fsim_blob_reset(&bad);
	/* an extra 00 in front of r */
	{
		uint8_t h[4] = { 0x30, (uint8_t)(sig.ptr[1] + 1), 0x02,
		    (uint8_t)(rlen + 1) };

		assert_int_equal(fsim_blob_append(&bad, h, 4), 0);
		assert_int_equal(fsim_blob_append(&bad, (const uint8_t *)"", 1), 0);
		assert_int_equal(fsim_blob_append(&bad, r, sig.len - 4), 0);
		expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), bad.ptr, bad.len,
		    FSIM_ERR_SIGNATURE, "SIG-01");
		fsim_blob_reset(&bad);
	}
	/* a trailing byte */
	assert_int_equal(fsim_blob_append(&bad, sig.ptr, sig.len), 0);
	assert_int_equal(fsim_blob_append(&bad, (const uint8_t *)"", 1), 0);
	expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), bad.ptr, bad.len,
	    FSIM_ERR_SIGNATURE, "SIG-01");
	/* a truncated signature */
	expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), sig.ptr, sig.len - 1,
	    FSIM_ERR_SIGNATURE, "SIG-01");
	/* s = n and r = n: out of range */
	der_build(r, rlen, n256, 32, &bad);
	expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), bad.ptr, bad.len,
	    FSIM_ERR_SIGNATURE, "SIG-01");
	der_build(n256, 32, &one, 1, &bad);
	expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), bad.ptr, bad.len,
	    FSIM_ERR_SIGNATURE, "SIG-01");
	/* s = n - 1 is in range: DER passes, the math fails */
	memcpy(nm1, n256, 32);
	nm1[31]--;
	der_build(r, rlen, nm1, 32, &bad);
	expect(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), bad.ptr, bad.len,
	    FSIM_ERR_SIGNATURE, RULE);
	fsim_blob_reset(&bad);
	fsim_blob_reset(&sig);
}

/* SIG-01: the raw r||s form is rejected and the message says so. */
static void
test_raw_rs_rejected(void **state)
{
	static const struct { int alg; size_t flen; } t[] = {
		{ FSIM_COSE_ES256, 32 }, { FSIM_COSE_ES384, 48 }, { FSIM_COSE_ES512, 66 },
	};
	EVP_PKEY *keys[3] = { k_p256, k_p384, k_p521 };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		fsim_blob_t sig = { 0 };
		uint8_t raw[132] = { 0 };
		const uint8_t *r, *s;
		size_t rlen, slen;
		fsim_diags_t d;

		sign(keys[i], t[i].alg, msg, sizeof(msg), &sig);
		der_split(sig.ptr, sig.len, &r, &rlen, &s, &slen);
		while (rlen > t[i].flen) {
			r++;
			rlen--;
		}
		while (slen > t[i].flen) {
			s++;
			slen--;
		}
		memcpy(raw + t[i].flen - rlen, r, rlen);
		memcpy(raw + 2 * t[i].flen - slen, s, slen);
		fsim_diags_init(&d);
		assert_int_equal(fsim_sig_verify(keys[i], t[i].alg, msg, sizeof(msg),
		    raw, 2 * t[i].flen, &d, RULE, "sig"), FSIM_ERR_SIGNATURE);
		assert_int_equal(d.n, 1);
		assert_string_equal(d.v[0].rule, "SIG-01");
		assert_non_null(strstr(d.v[0].msg, "raw r||s"));
		fsim_diags_clear(&d);
		fsim_blob_reset(&sig);
	}
}

/* fsim_sig_ecdsa_raw: DER to r || s padded to the curve's size, bad input refused. */
static void
test_ecdsa_raw(void **state)
{
	static const size_t flen[3] = { 32, 48, 66 };
	static const int algs[3] = { FSIM_COSE_ES256, FSIM_COSE_ES384, FSIM_COSE_ES512 };
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01 };
	EVP_PKEY *keys[3] = { k_p256, k_p384, k_p521 };
	uint8_t want[132], got[132];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		fsim_blob_t sig = { 0 };
		const uint8_t *r, *s;
		size_t rlen, slen;

		sign(keys[i], algs[i], msg, sizeof(msg), &sig);
		der_split(sig.ptr, sig.len, &r, &rlen, &s, &slen);
		while (rlen > flen[i]) {
			r++;
			rlen--;
		}
		while (slen > flen[i]) {
			s++;
			slen--;
		}
		memset(want, 0, sizeof(want));
		memcpy(want + flen[i] - rlen, r, rlen);
		memcpy(want + 2 * flen[i] - slen, s, slen);
		assert_int_equal(fsim_sig_ecdsa_raw(sig.ptr, sig.len, flen[i], got), FSIM_OK);
		assert_memory_equal(got, want, 2 * flen[i]);
		/* A half too small for the values is refused, not truncated. */
		if (i > 0)
			assert_int_equal(fsim_sig_ecdsa_raw(sig.ptr, sig.len, 8, got),
			    FSIM_ERR_FORMAT);
		fsim_blob_reset(&sig);
	}
	assert_int_equal(fsim_sig_ecdsa_raw(junk, sizeof(junk), 32, got), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_sig_ecdsa_raw(junk, sizeof(junk), 0, got), FSIM_ERR_ARG);
	assert_int_equal(fsim_sig_ecdsa_raw(junk, sizeof(junk), 67, got), FSIM_ERR_ARG);
}

/* PIT-13: an r shorter than 32 bytes is legal DER and must verify. */
static void
test_short_r_verifies(void **state)
{
	fsim_blob_t sig = { 0 };
	uint8_t m[sizeof(msg) + 4];
	const uint8_t *r, *s;
	size_t rlen, slen;
	uint32_t i;
	bool found = false;

	(void)state;
	memcpy(m, msg, sizeof(msg));
	/* r < 2^248 about once in 256 signatures; 4000 tries miss with p < 1e-6 */
	for (i = 0; i < 4000 && !found; i++) {
		memcpy(m + sizeof(msg), &i, 4);
		sign(k_p256, FSIM_COSE_ES256, m, sizeof(m), &sig);
		der_split(sig.ptr, sig.len, &r, &rlen, &s, &slen);
		found = rlen < 32;
		if (!found)
			fsim_blob_reset(&sig);
	}
	assert_true(found);
	expect(k_p256, FSIM_COSE_ES256, m, sizeof(m), sig.ptr, sig.len, 0, NULL);
	fsim_blob_reset(&sig);
}

/* SIG-05: (r, n - s) is as valid as (r, s); low S is not required. */
static void
test_high_s_accepted(void **state)
{
	static const struct { int alg; const char *n; } t[] = {
		{ FSIM_COSE_ES256, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84"
		    "F3B9CAC2FC632551" },
		{ FSIM_COSE_ES384, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
		    "C7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973" },
		{ FSIM_COSE_ES512, "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
		    "FFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC"
		    "0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409" },
	};
	EVP_PKEY *keys[3] = { k_p256, k_p384, k_p521 };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		fsim_blob_t sig = { 0 }, flip = { 0 };
		BIGNUM *n = NULL, *bs;
		uint8_t s2[66];
		const uint8_t *r, *s;
		size_t rlen, slen;
		int len;

		sign(keys[i], t[i].alg, msg, sizeof(msg), &sig);
		der_split(sig.ptr, sig.len, &r, &rlen, &s, &slen);
		assert_true(BN_hex2bn(&n, t[i].n) > 0);
		assert_non_null(bs = BN_bin2bn(s, (int)slen, NULL));
		assert_int_equal(BN_sub(bs, n, bs), 1);
		len = BN_bn2bin(bs, s2);
		der_build(r, rlen, s2, (size_t)len, &flip);
		assert_false(fsim_blob_eq(&flip, sig.ptr, sig.len));
		expect(keys[i], t[i].alg, msg, sizeof(msg), flip.ptr, flip.len, 0,
		    NULL);
		BN_free(n);
		BN_free(bs);
		fsim_blob_reset(&sig);
		fsim_blob_reset(&flip);
	}
}

/* SIG-04: EdDSA signatures are exactly 64 (Ed25519) or 114 (Ed448) bytes. */
static void
test_eddsa_lengths(void **state)
{
	fsim_blob_t sig = { 0 };

	(void)state;
	sign(k_ed25519, FSIM_COSE_EDDSA, msg, sizeof(msg), &sig);
	expect(k_ed25519, FSIM_COSE_EDDSA, msg, sizeof(msg), sig.ptr, 63,
	    FSIM_ERR_SIGNATURE, "SIG-04");
	assert_int_equal(fsim_blob_append(&sig, (const uint8_t *)"", 1), 0);
	expect(k_ed25519, FSIM_COSE_EDDSA, msg, sizeof(msg), sig.ptr, sig.len,
	    FSIM_ERR_SIGNATURE, "SIG-04");
	fsim_blob_reset(&sig);
	sign(k_ed448, FSIM_COSE_ED448, msg, sizeof(msg), &sig);
	expect(k_ed448, FSIM_COSE_ED448, msg, sizeof(msg), sig.ptr, 113,
	    FSIM_ERR_SIGNATURE, "SIG-04");
	/* an Ed448 signature checked as Ed25519 has the wrong length (key fits -8) */
	expect(k_ed25519, FSIM_COSE_EDDSA, msg, sizeof(msg), sig.ptr, sig.len,
	    FSIM_ERR_SIGNATURE, "SIG-04");
	fsim_blob_reset(&sig);
}

/* SIG-03: RSA signature length, PKCS#1 v1.5 vs PSS, PSS parameters. */
static void
test_rsa_forms(void **state)
{
	fsim_blob_t rs = { 0 }, ps = { 0 };
	EVP_MD_CTX *ctx;
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t buf[256];
	size_t len;
	int salt;

	(void)state;
	sign(k_rsa, FSIM_COSE_RS256, msg, sizeof(msg), &rs);
	sign(k_rsa, FSIM_COSE_PS256, msg, sizeof(msg), &ps);
	expect(k_rsa, FSIM_COSE_RS256, msg, sizeof(msg), rs.ptr, rs.len - 1,
	    FSIM_ERR_SIGNATURE, "SIG-03");
	expect(k_rsa, FSIM_COSE_PS256, msg, sizeof(msg), ps.ptr + 1, ps.len - 1,
	    FSIM_ERR_SIGNATURE, "SIG-03");
	expect(k_rsa, FSIM_COSE_RS256, msg, sizeof(msg), ps.ptr, ps.len,
	    FSIM_ERR_SIGNATURE, RULE);
	expect(k_rsa, FSIM_COSE_PS256, msg, sizeof(msg), rs.ptr, rs.len,
	    FSIM_ERR_SIGNATURE, RULE);
	/* PSS made by OpenSSL directly: salt 32 verifies, salt 20 does not */
	for (salt = 32; salt >= 20; salt -= 12) {
		assert_non_null(ctx = EVP_MD_CTX_new());
		assert_int_equal(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL,
		    k_rsa), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt), 1);
		len = sizeof(buf);
		assert_int_equal(EVP_DigestSign(ctx, buf, &len, msg, sizeof(msg)), 1);
		EVP_MD_CTX_free(ctx);
		expect(k_rsa, FSIM_COSE_PS256, msg, sizeof(msg), buf, len,
		    salt == 32 ? 0 : FSIM_ERR_SIGNATURE, salt == 32 ? NULL : RULE);
	}
	fsim_blob_reset(&rs);
	fsim_blob_reset(&ps);
}

/* SIG-02: the alg fixes the hash; a P-384 signature over SHA-256 fails ES384. */
/*
 * SIG-02: the alg decides the hash. A signature over another SHA-2 fails
 * the caller's step, and SIG-02 says which hash it was made with.
 */
static void
test_hash_per_alg(void **state)
{
	static const struct { int alg; const char *md; } t[] = {
		{ FSIM_COSE_ES256, "SHA256" }, { FSIM_COSE_ES384, "SHA384" },
		{ FSIM_COSE_ES512, "SHA512" }, { FSIM_COSE_RS256, "SHA256" },
	};
	const EVP_MD *mds[3] = { EVP_sha256(), EVP_sha384(), EVP_sha512() };
	EVP_PKEY *keys[4] = { k_p256, k_p384, k_p521, k_rsa };
	uint8_t buf[512];
	size_t i, j, len;
	fsim_diags_t d;

	(void)state;
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 3; j++) {
			EVP_MD_CTX *ctx = EVP_MD_CTX_new();
			bool same = strcmp(EVP_MD_get0_name(mds[j]), t[i].md) == 0;

			assert_non_null(ctx);
			assert_int_equal(EVP_DigestSignInit(ctx, NULL, mds[j], NULL,
			    keys[i]), 1);
			len = sizeof(buf);
			assert_int_equal(EVP_DigestSign(ctx, buf, &len, msg,
			    sizeof(msg)), 1);
			EVP_MD_CTX_free(ctx);
			fsim_diags_init(&d);
			assert_int_equal(fsim_sig_verify(keys[i], t[i].alg, msg, sizeof(msg),
			    buf, len, &d, RULE, "signature"), same ? 0 : FSIM_ERR_SIGNATURE);
			if (same)
				assert_int_equal(d.n, 0);
			else {
				assert_int_equal(d.n, 2);
				assert_string_equal(d.v[0].rule, RULE);
				assert_string_equal(d.v[1].rule, "SIG-02");
				assert_int_equal(d.v[1].sev, FSIM_SEV_ERROR);
				/* it names the hash used and the one the alg means */
				assert_non_null(strstr(d.v[1].msg, EVP_MD_get0_name(mds[j])));
				assert_non_null(strstr(d.v[1].msg, t[i].md));
			}
			fsim_diags_clear(&d);
		}
	}
	/* A bad signature made over no hash at all is only the step's failure. */
	memset(buf, 0x5a, 256);
	expect(k_rsa, FSIM_COSE_RS256, msg, sizeof(msg), buf, 256, FSIM_ERR_SIGNATURE, RULE);
}

static void
test_key_alg_mismatch(void **state)
{
	fsim_blob_t sig = { 0 };
	fsim_diags_t d;
	EVP_PKEY *pub = NULL;
	fsim_cose_key_t *ck = NULL;

	(void)state;
	sign(k_p256, FSIM_COSE_ES256, msg, sizeof(msg), &sig);
	expect(k_p256, FSIM_COSE_ES384, msg, sizeof(msg), sig.ptr, sig.len,
	    FSIM_ERR_SIGNATURE, RULE);
	expect(k_ed25519, FSIM_COSE_ES256, msg, sizeof(msg), sig.ptr, sig.len,
	    FSIM_ERR_SIGNATURE, RULE);
	expect(k_ed25519, FSIM_COSE_ED448, msg, sizeof(msg), sig.ptr, sig.len,
	    FSIM_ERR_SIGNATURE, RULE);
	expect(k_rsa, FSIM_COSE_EDDSA, msg, sizeof(msg), sig.ptr, sig.len,
	    FSIM_ERR_SIGNATURE, RULE);
	expect(k_p256, FSIM_COSE_RS256, msg, sizeof(msg), sig.ptr, sig.len,
	    FSIM_ERR_SIGNATURE, RULE);
	expect(k_p256, -999, msg, sizeof(msg), sig.ptr, sig.len,
	    FSIM_ERR_UNSUPPORTED, "COSE-03");
	fsim_diags_init(&d);
	assert_int_equal(fsim_sig_verify(NULL, FSIM_COSE_ES256, msg, sizeof(msg),
	    sig.ptr, sig.len, &d, RULE, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_sig_verify(k_p256, FSIM_COSE_ES256, NULL, 1,
	    sig.ptr, sig.len, &d, RULE, NULL), FSIM_ERR_ARG);
	/* NULL rule and field fall back to defaults; NULL diags is fine */
	assert_int_equal(fsim_sig_verify(k_p256, FSIM_COSE_ES256, msg, 1,
	    sig.ptr, sig.len, &d, NULL, NULL), FSIM_ERR_SIGNATURE);
	assert_string_equal(d.v[0].field, "signature");
	assert_int_equal(fsim_sig_verify(k_p256, FSIM_COSE_ES256, msg, 1,
	    sig.ptr, sig.len, NULL, NULL, NULL), FSIM_ERR_SIGNATURE);
	fsim_diags_clear(&d);
	/* signing: wrong key type, unknown alg, public key only */
	assert_int_equal(fsim_sig_sign(k_p256, FSIM_COSE_ES384, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	assert_null(sig.ptr);
	assert_int_equal(fsim_sig_sign(k_p256, -999, msg, sizeof(msg), &sig),
	    FSIM_ERR_UNSUPPORTED);
	assert_int_equal(fsim_cose_key_from_pkey(k_p256, FSIM_COSE_ES256, &ck), 0);
	{
		fsim_blob_t spki = { 0 };
		const unsigned char *p;

		assert_int_equal(fsim_cose_key_spki(ck, &spki), 0);
		p = spki.ptr;
		assert_non_null(pub = d2i_PUBKEY(NULL, &p, (long)spki.len));
		fsim_blob_reset(&spki);
	}
	assert_int_equal(fsim_sig_sign(pub, FSIM_COSE_ES256, msg, sizeof(msg),
	    &sig), FSIM_ERR_ARG);
	EVP_PKEY_free(pub);
	fsim_cose_key_free(&ck);
}

static void
test_der_check_api(void **state)
{
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_sig_ecdsa_der_check((const uint8_t *)
	    "\x30\x06\x02\x01\x01\x02\x01\x01", 8, k_p256, &d, "sig"), 0);
	assert_int_equal(fsim_sig_ecdsa_der_check((const uint8_t *)
	    "\x30\x06\x02\x01\x01\x02\x01\x01", 8, k_ed25519, &d, "sig"),
	    FSIM_ERR_ARG);
	assert_int_equal(d.n, 0);
	assert_int_equal(fsim_sig_ecdsa_der_check((const uint8_t *)
	    "\x30\x06\x02\x01\x01\x02\x01\x00", 8, k_p384, &d, "sig"),
	    FSIM_ERR_SIGNATURE);
	assert_true(fsim_diags_has(&d, "SIG-01"));
	assert_int_equal(d.v[0].offset, 7);  /* the byte of s */
	fsim_diags_clear(&d);
}

/* Real assertions: authenticatorData || SHA-256(clientDataJSON) (SIG-06). */
static void
test_w3c_assertions(void **state)
{
	static const char *const names[] = {
		"w3c-packed-es256-authentication", "w3c-packed-es384-authentication",
		"w3c-packed-es512-authentication", "w3c-packed-rs256-authentication",
		"w3c-packed-ed25519-authentication", "w3c-packed-ed448-authentication",
		"w3c-packed-self-es256-authentication", "w3c-none-es256-authentication",
		"w3c-tpm-es256-authentication", "w3c-apple-es256-authentication",
		"w3c-fido-u2f-es256-authentication",
		"w3c-android-key-es256-authentication",
		"w3c-none-es256-long-credential-id-authentication",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *v = fixture_vector(names[i]);
		fsim_blob_t pk = { 0 }, ad = { 0 }, cdj = { 0 }, sig = { 0 };
		fsim_cose_key_t *k = NULL;
		uint8_t hash[32];
		unsigned hl = 0;

		print_message("  %s\n", names[i]);
		assert_non_null(v);
		assert_int_equal(fixture_b64(v, "credential", "publicKey", NULL, &pk), 0);
		assert_int_equal(fixture_b64(v, "response", "response",
		    "authenticatorData", &ad), 0);
		assert_int_equal(fixture_b64(v, "response", "response",
		    "clientDataJSON", &cdj), 0);
		assert_int_equal(fixture_b64(v, "response", "response", "signature",
		    &sig), 0);
		assert_int_equal(fsim_cose_key_parse(pk.ptr, pk.len, &k, NULL), 0);
		assert_int_equal(EVP_Digest(cdj.ptr, cdj.len, hash, &hl, EVP_sha256(),
		    NULL), 1);
		assert_int_equal(fsim_blob_append(&ad, hash, sizeof(hash)), 0);
		expect(fsim_cose_key_pkey(k), fsim_cose_key_alg(k), ad.ptr, ad.len,
		    sig.ptr, sig.len, 0, NULL);
		ad.ptr[0] ^= 0x80;  /* rpIdHash changed */
		expect(fsim_cose_key_pkey(k), fsim_cose_key_alg(k), ad.ptr, ad.len,
		    sig.ptr, sig.len, FSIM_ERR_SIGNATURE, RULE);
		fsim_cose_key_free(&k);
		fsim_blob_reset(&pk);
		fsim_blob_reset(&ad);
		fsim_blob_reset(&cdj);
		fsim_blob_reset(&sig);
		json_decref(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_verify_all_algs),
		cmocka_unit_test(test_der_strictness),
		cmocka_unit_test(test_der_real_reencodings),
		cmocka_unit_test(test_raw_rs_rejected),
		cmocka_unit_test(test_ecdsa_raw),
		cmocka_unit_test(test_short_r_verifies),
		cmocka_unit_test(test_high_s_accepted),
		cmocka_unit_test(test_eddsa_lengths),
		cmocka_unit_test(test_rsa_forms),
		cmocka_unit_test(test_hash_per_alg),
		cmocka_unit_test(test_key_alg_mismatch),
		cmocka_unit_test(test_der_check_api),
		cmocka_unit_test(test_w3c_assertions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
