/*
 * fmt_android_safetynet.c — the "android-safetynet" attestation statement
 * (WebAuthn L3 §8.5, deprecated in L3): attStmt = {ver, response}, where
 * response is a SafetyNet attestation, a JWS in compact serialization
 * (RFC 7515 §7.1) signed by a key certified for attest.android.com. Its
 * payload's nonce binds authData and the client data hash. Result: Basic,
 * trust path the JWS header's x5c.
 *
 * Rules: ATT-SNET-01 (deprecated, always a warning), -02 (shape, the JWS
 * framing), -03 (nonce), -04 (signature through x5c, hostname,
 * ctsProfileMatch). JOSE is not WebAuthn: an ES256 JWS signature is raw
 * r || s (RFC 7518 §3.4), which is converted to DER before the strict
 * verifier sees it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "rp-sim/certcache.h"
#include "rp-sim/fmt.h"
#include "rp-sim/x509util.h"

#define F_STMT "attestationObject.attStmt"
#define F_RESP F_STMT ".response"
#define F_HDR  F_RESP ".header"
#define F_PAY  F_RESP ".payload"

/* Google's SafetyNet documentation: the leaf is issued to this host. */
#define SNET_HOST "attest.android.com"
/* Bound on the certificates the JWS x5c may carry (Google sent 2). */
#define SNET_X5C_MAX 16

typedef struct jws {
	json_t *hdr;
	json_t *payload;
	fsim_blob_t sig;
	const uint8_t *signing_input;   /* "header.payload", lent from response */
	size_t signing_len;
} jws_t;

static void
jws_reset(jws_t *j)
{
	json_decref(j->hdr);
	json_decref(j->payload);
	fsim_blob_reset(&j->sig);
	memset(j, 0, sizeof(*j));
}

/* Verdict codes stay verdicts; anything else is the caller's error. */
static bool
is_internal(int r)
{
	return r != 0 && r != FSIM_ERR_FORMAT && r != FSIM_ERR_SIGNATURE;
}

/* One base64url JWS part holding a JSON object (RFC 7515 §7.1). */
static int
decode_json_part(const uint8_t *s, size_t len, const char *name, json_t **out,
    fsim_checks_t *ck)
{
	fsim_blob_t raw = { NULL, 0 };
	json_t *j = NULL;
	int r;

	*out = NULL;
	if ((r = fsim_b64url_decode((const char *)s, len, &raw, NULL, name)) != 0) {
		if (r == FSIM_ERR_NOMEM)
			goto fail;
		fsim_checks_fail(ck, FSIM_R_ATT_SNET_02, F_RESP, "the JWS %s is not "
		    "base64url (%zu characters)", name, len);
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	if ((r = fsim_json_load(raw.ptr, raw.len, &j, NULL, name)) != 0 ||
	    !json_is_object(j)) {
		if (r == FSIM_ERR_NOMEM)
			goto fail;
		fsim_checks_fail(ck, FSIM_R_ATT_SNET_02, F_RESP, "the JWS %s is not "
		    "a JSON object (%zu bytes)", name, raw.len);
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	*out = j;
	j = NULL;
	r = 0;
fail:
	json_decref(j);
	fsim_blob_reset(&raw);
	return r;
}

/* Compact serialization: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(sig). */
static int
parse_jws(const uint8_t *p, size_t len, jws_t *j, fsim_checks_t *ck)
{
	const uint8_t *d1, *d2;
	int r;

	memset(j, 0, sizeof(*j));
	d1 = len > 0 ? memchr(p, '.', len) : NULL;
	d2 = d1 != NULL ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - p)) : NULL;
	if (d2 == NULL || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - p)) != NULL) {
		fsim_checks_fail(ck, FSIM_R_ATT_SNET_02, F_RESP, "response (%zu bytes) "
		    "is not a compact JWS: it must be three base64url parts joined "
		    "by two dots", len);
		return FSIM_ERR_FORMAT;
	}
	if ((r = decode_json_part(p, (size_t)(d1 - p), "header", &j->hdr, ck)) != 0 ||
	    (r = decode_json_part(d1 + 1, (size_t)(d2 - d1 - 1), "payload",
	    &j->payload, ck)) != 0)
		return r;
	r = fsim_b64url_decode((const char *)d2 + 1, len - (size_t)(d2 + 1 - p),
	    &j->sig, NULL, "signature");
	if (r != 0 || j->sig.len == 0) {
		if (r == FSIM_ERR_NOMEM)
			return r;
		fsim_checks_fail(ck, FSIM_R_ATT_SNET_02, F_RESP, "the JWS signature "
		    "part is empty or not base64url");
		return FSIM_ERR_FORMAT;
	}
	j->signing_input = p;
	j->signing_len = (size_t)(d2 - p);
	return 0;
}

/* ATT-SNET-02: {ver: non-empty text, response: bytes holding a compact JWS}. */
static int
check_shape(const fsim_fmt_ctx_t *c, jws_t *j)
{
	const cbor_item_t *st = c->att_stmt;
	cbor_item_t *it;
	struct cbor_pair *pairs;
	const uint8_t *resp = NULL;
	size_t rlen = 0, i, n;
	char *ver = NULL;
	bool bad = false;
	int r;

	if (st == NULL || !cbor_isa_map(st) || !cbor_map_is_definite(st)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_02, F_STMT, "attStmt is %s, not "
		    "a map {ver, response}", st == NULL ? "missing" :
		    fsim_cbor_type_name(st));
		return FSIM_ERR_FORMAT;
	}
	if ((it = fsim_cbor_map_get_str(st, "ver")) == NULL) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_02, F_STMT ".ver", "ver is missing");
		bad = true;
	} else if ((r = fsim_cbor_get_text(it, &ver)) != 0 || ver[0] == '\0') {
		if (r == FSIM_ERR_NOMEM)
			return r;
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_02, F_STMT ".ver", "ver is %s; "
		    "it must be a non-empty text string (the Play services version)",
		    r != 0 ? fsim_cbor_type_name(it) : "empty");
		bad = true;
	}
	free(ver);
	if ((it = fsim_cbor_map_get_str(st, "response")) == NULL) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_02, F_RESP, "response is missing");
		bad = true;
	} else if (fsim_cbor_get_bytes(it, &resp, &rlen) != 0) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_02, F_RESP, "response is %s, "
		    "not a byte string", fsim_cbor_type_name(it));
		bad = true;
	}
	n = cbor_map_size(st);
	pairs = cbor_map_handle(st);
	for (i = 0; i < n; i++) {
		char *k = NULL;

		if (fsim_cbor_get_text(pairs[i].key, &k) != 0 ||
		    (strcmp(k, "ver") != 0 && strcmp(k, "response") != 0))
			fsim_checks_warn(c->ck, FSIM_R_ATT_SNET_02, F_STMT, "attStmt has "
			    "a member other than ver and response (%.40s)",
			    k != NULL ? k : fsim_cbor_type_name(pairs[i].key));
		free(k);
	}
	if (bad)
		return FSIM_ERR_FORMAT;
	if ((r = parse_jws(resp, rlen, j, c->ck)) != 0)
		return r;
	fsim_checks_pass(c->ck, FSIM_R_ATT_SNET_02);
	return 0;
}

/* ATT-SNET-03: payload.nonce == base64(SHA-256(authData || cdh)), padded. */
static int
check_nonce(const fsim_fmt_ctx_t *c, const jws_t *j)
{
	uint8_t h[EVP_MAX_MD_SIZE];
	unsigned char want[64];
	const char *got;
	size_t hlen = 0;
	int r;

	if ((r = fsim_digest("SHA256", c->auth_data, c->auth_data_len,
	    c->client_data_hash, 32, h, &hlen)) != 0)
		return r == FSIM_ERR_NOMEM ? r : FSIM_ERR_INTERNAL;
	/* 32 bytes give 44 characters with one '=' (RFC 4648 §4) */
	if (EVP_EncodeBlock(want, h, (int)hlen) != 44)
		return FSIM_ERR_INTERNAL;
	got = json_string_value(json_object_get(j->payload, "nonce"));
	if (got == NULL) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_03, F_PAY ".nonce", "the JWS "
		    "payload has no nonce string");
		return FSIM_ERR_FORMAT;
	}
	if (strcmp(got, (const char *)want) != 0) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_03, F_PAY ".nonce", "nonce "
		    "\"%.60s\" is not base64(SHA-256(authData || clientDataHash)) "
		    "\"%s\"", got, (const char *)want);
		return FSIM_ERR_FORMAT;
	}
	fsim_checks_pass(c->ck, FSIM_R_ATT_SNET_03);
	return 0;
}

/* The header's x5c: standard base64 (RFC 7515 §4.1.6) DER certificates, leaf first. */
static int
parse_hdr_x5c(const json_t *arr, STACK_OF(X509) **out, fsim_checks_t *ck)
{
	STACK_OF(X509) *sk = NULL;
	X509 *x = NULL;
	fsim_blob_t der = { NULL, 0 };
	size_t i, n;
	int r = FSIM_ERR_FORMAT;

	*out = NULL;
	if (!json_is_array(arr) || (n = json_array_size(arr)) == 0 ||
	    n > SNET_X5C_MAX) {
		fsim_checks_fail(ck, FSIM_R_ATT_SNET_04, F_HDR ".x5c", "the JWS header "
		    "x5c is %s; it must be an array of 1 to %d certificates",
		    arr == NULL ? "missing" : json_is_array(arr) ? "out of bounds" :
		    "not an array", SNET_X5C_MAX);
		goto fail;
	}
	if ((sk = sk_X509_new_null()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		size_t used = 0;

		fsim_blob_reset(&der);
		if (s == NULL || (r = fsim_b64_decode(s, strlen(s), &der)) != 0 ||
		    der.len == 0 || der.len > LONG_MAX) {
			if (r == FSIM_ERR_NOMEM)
				goto fail;
			fsim_checks_fail(ck, FSIM_R_ATT_SNET_04, F_HDR ".x5c", "x5c[%zu] "
			    "is not a base64 string", i);
			r = FSIM_ERR_FORMAT;
			goto fail;
		}
		/* parsed once per process by its bytes (certcache.h): shared, never changed */
		if ((r = fsim_cert_parse(der.ptr, der.len, &x, &used)) == FSIM_ERR_NOMEM)
			goto fail;
		if (r != 0 || used != der.len) {
			ERR_clear_error();
			fsim_checks_fail(ck, FSIM_R_ATT_SNET_04, F_HDR ".x5c", "x5c[%zu] "
			    "(%zu bytes) is not exactly one DER certificate", i, der.len);
			r = FSIM_ERR_FORMAT;
			goto fail;
		}
		if (sk_X509_push(sk, x) == 0) {
			r = FSIM_ERR_NOMEM;
			goto fail;
		}
		x = NULL;
	}
	*out = sk;
	sk = NULL;
	r = 0;
fail:
	X509_free(x);
	sk_X509_pop_free(sk, X509_free);
	fsim_blob_reset(&der);
	return r;
}

/* JWS ES256 is raw r || s, 32 bytes each (RFC 7518 §3.4): make it DER. */
static int
es256_der(const uint8_t *raw, size_t len, fsim_blob_t *out)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	unsigned char *der = NULL;
	int n, r = FSIM_ERR_NOMEM;

	if (len != 64)
		return FSIM_ERR_SIGNATURE;
	if ((es = ECDSA_SIG_new()) == NULL ||
	    (br = BN_bin2bn(raw, 32, NULL)) == NULL ||
	    (bs = BN_bin2bn(raw + 32, 32, NULL)) == NULL ||
	    ECDSA_SIG_set0(es, br, bs) != 1)
		goto fail;
	br = bs = NULL;
	if ((n = i2d_ECDSA_SIG(es, &der)) <= 0)
		goto fail;
	r = fsim_blob_set(out, der, (size_t)n);
fail:
	ERR_clear_error();
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(es);
	OPENSSL_free(der);
	return r;
}

/* The JWS signature with the leaf key, under the header's alg. */
static int
verify_sig(const fsim_fmt_ctx_t *c, const jws_t *j, const char *alg, X509 *leaf)
{
	fsim_diags_t d;
	const fsim_diag_t *e;
	fsim_blob_t der = { NULL, 0 };
	EVP_PKEY *pk;
	int r;

	fsim_diags_init(&d);
	if ((pk = X509_get0_pubkey(leaf)) == NULL) {
		ERR_clear_error();
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_04, F_HDR ".x5c", "the leaf "
		    "certificate's public key cannot be decoded");
		r = FSIM_ERR_SIGNATURE;
		goto fail;
	}
	if (strcmp(alg, "ES256") == 0) {
		if ((r = es256_der(j->sig.ptr, j->sig.len, &der)) != 0) {
			if (r == FSIM_ERR_SIGNATURE)
				fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_04, F_RESP,
				    "the ES256 JWS signature is %zu bytes; JOSE wants "
				    "raw r || s, 64 bytes", j->sig.len);
			goto fail;
		}
		r = fsim_sig_verify(pk, FSIM_COSE_ES256, j->signing_input,
		    j->signing_len, der.ptr, der.len, &d, "ATT-SNET-04", F_RESP);
	} else {
		r = fsim_sig_verify(pk, FSIM_COSE_RS256, j->signing_input,
		    j->signing_len, j->sig.ptr, j->sig.len, &d, "ATT-SNET-04", F_RESP);
	}
	if (r != FSIM_ERR_SIGNATURE && r != FSIM_ERR_UNSUPPORTED)
		goto fail;
	fsim_checks_import(c->ck, &d, FSIM_R_ATT_SNET_04);
	if (!fsim_diags_has(&d, "ATT-SNET-04")) {
		e = fsim_diags_first(&d, FSIM_SEV_ERROR);
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_04, F_RESP, "the %s JWS "
		    "signature cannot be verified: %s", alg,
		    e != NULL ? e->msg : "rejected");
	}
	r = FSIM_ERR_SIGNATURE;
fail:
	fsim_diags_clear(&d);
	fsim_blob_reset(&der);
	return r;
}

/*
 * ATT-SNET-04: the signature verifies with the x5c leaf, which is issued to
 * attest.android.com, and the device passed (ctsProfileMatch true). The
 * chain's trust and validity are the ceremony's (ATT-03, ATT-TRUST-01).
 * timestampMs is not checked: how old an attestation may be is RP policy
 * (§8.5 leaves it to Google's guidance), and we judge captured responses.
 */
static int
check_jws(const fsim_fmt_ctx_t *c, const jws_t *j, STACK_OF(X509) **x5c)
{
	const char *alg = json_string_value(json_object_get(j->hdr, "alg"));
	const json_t *cts;
	X509 *leaf;
	char cn[80];
	int r, rs = 0, rf = 0;

	if (alg == NULL || (strcmp(alg, "RS256") != 0 && strcmp(alg, "ES256") != 0)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_04, F_HDR ".alg", "JWS alg is "
		    "%s%.20s%s; SafetyNet signs with RS256 or ES256",
		    alg != NULL ? "\"" : "", alg != NULL ? alg : "missing",
		    alg != NULL ? "\"" : "");
		return FSIM_ERR_SIGNATURE;
	}
	if (json_object_get(j->hdr, "crit") != NULL) {
		/* RFC 7515 §4.1.11: extensions we do not understand must be refused */
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_04, F_HDR ".crit", "the JWS "
		    "header has crit, whose extensions are not understood");
		return FSIM_ERR_SIGNATURE;
	}
	if ((r = parse_hdr_x5c(json_object_get(j->hdr, "x5c"), x5c, c->ck)) != 0)
		return is_internal(r) ? r : FSIM_ERR_SIGNATURE;
	leaf = sk_X509_value(*x5c, 0);
	rs = verify_sig(c, j, alg, leaf);
	if (is_internal(rs))
		return rs;
	if (X509_check_host(leaf, SNET_HOST, 0, X509_CHECK_FLAG_NO_WILDCARDS,
	    NULL) != 1) {
		ERR_clear_error();
		if (X509_NAME_get_text_by_NID(X509_get_subject_name(leaf),
		    NID_commonName, cn, (int)sizeof(cn)) < 0) {
			ERR_clear_error();
			snprintf(cn, sizeof(cn), "(none)");
		}
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_04, F_HDR ".x5c", "the leaf "
		    "certificate is not issued to %s (subject CN %s)", SNET_HOST, cn);
		rf = FSIM_ERR_FORMAT;
	}
	cts = json_object_get(j->payload, "ctsProfileMatch");
	if (!json_is_true(cts)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_SNET_04, F_PAY ".ctsProfileMatch",
		    "ctsProfileMatch is %s; it must be true", cts == NULL ? "absent" :
		    json_is_false(cts) ? "false" : "not a boolean");
		rf = FSIM_ERR_FORMAT;
	}
	if (rs != 0)
		return rs;
	if (rf != 0)
		return rf;
	fsim_checks_pass(c->ck, FSIM_R_ATT_SNET_04);
	return 0;
}

int
fsim_fmt_android_safetynet(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res)
{
	STACK_OF(X509) *x5c = NULL;
	jws_t j;
	int r = FSIM_ERR_ARG, rn, rj;

	memset(&j, 0, sizeof(j));
	if (c == NULL || res == NULL || c->ad == NULL ||
	    (c->auth_data == NULL && c->auth_data_len > 0))
		goto fail;
	/* §8.5: deprecated in L3; Google has turned the SafetyNet API down. */
	fsim_checks_warn(c->ck, FSIM_R_ATT_SNET_01, "attestationObject.fmt",
	    "android-safetynet is deprecated (WebAuthn L3 §8.5)");
	if ((r = check_shape(c, &j)) != 0)
		goto fail;
	rn = check_nonce(c, &j);
	if (is_internal(rn)) {
		r = rn;
		goto fail;
	}
	rj = check_jws(c, &j, &x5c);
	if (is_internal(rj)) {
		r = rj;
		goto fail;
	}
	if (rn != 0 || rj != 0) {
		r = rj == FSIM_ERR_SIGNATURE ? rj : FSIM_ERR_FORMAT;
		goto fail;
	}
	sk_X509_pop_free(res->x5c, X509_free);
	res->x5c = x5c;
	x5c = NULL;
	res->type = FSIM_ATT_TYPE_BASIC;
	r = 0;
fail:
	sk_X509_pop_free(x5c, X509_free);
	jws_reset(&j);
	return r;
}
