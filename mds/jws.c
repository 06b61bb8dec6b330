/*
 * jws.c — the BLOB as a JWS in compact serialization (MDS 3.1.7; RFC 7515
 * 3.1, 7.1): three base64url parts, a JSON header naming alg and the
 * signing chain (x5c), the payload, the signature over the first two parts
 * exactly as received.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include "mds/internal.h"

void
fsim_mds_jws_reset(mds_jws_t *j)
{
	json_decref(j->header);
	fsim_blob_reset(&j->payload);
	fsim_blob_reset(&j->sig);
	sk_X509_pop_free(j->x5c, X509_free);
	memset(j, 0, sizeof(*j));
}

/* x5c: standard base64 DER certificates, the signing one first (RFC 7515 4.1.6). */
static int
parse_x5c(const json_t *a, mds_jws_t *j, fsim_diags_t *d)
{
	size_t i;
	const json_t *v;
	char field[48];

	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > MDS_MAX_X5C) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_X5C, "header.x5c", FSIM_NO_OFFSET,
		    "x5c is not an array of 1 to %d certificates", MDS_MAX_X5C);
		return FSIM_ERR_FORMAT;
	}
	json_array_foreach(a, i, v) {
		fsim_blob_t der = { 0 };
		const uint8_t *p;
		X509 *x = NULL;

		snprintf(field, sizeof(field), "header.x5c[%zu]", i);
		if (!json_is_string(v) || fsim_b64_decode(json_string_value(v),
		    json_string_length(v), &der) != 0) {
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_X5C, field, FSIM_NO_OFFSET,
			    "not a standard base64 string");
			return FSIM_ERR_FORMAT;
		}
		p = der.ptr;
		if (der.len > (size_t)INT32_MAX ||
		    (x = d2i_X509(NULL, &p, (long)der.len)) == NULL || p != der.ptr + der.len) {
			X509_free(x);
			fsim_blob_reset(&der);
			ERR_clear_error();
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_X5C, field, FSIM_NO_OFFSET,
			    "not one DER X.509 certificate");
			return FSIM_ERR_FORMAT;
		}
		fsim_blob_reset(&der);
		if (!sk_X509_push(j->x5c, x)) {
			X509_free(x);
			return FSIM_ERR_NOMEM;
		}
	}
	return FSIM_OK;
}

static int
parse_header(mds_jws_t *j, fsim_diags_t *d)
{
	const json_t *alg = json_object_get(j->header, "alg");
	const json_t *x5c = json_object_get(j->header, "x5c");

	if (!json_is_string(alg)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_ALG, "header.alg", FSIM_NO_OFFSET,
		    "the header has no alg (a string, RFC 7515 4.1.1)");
		return FSIM_ERR_FORMAT;
	}
	snprintf(j->alg, sizeof(j->alg), "%s", json_string_value(alg));
	if (strcmp(json_string_value(alg), "RS256") != 0 &&
	    strcmp(json_string_value(alg), "ES256") != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_ALG, "header.alg", FSIM_NO_OFFSET,
		    "alg \"%.20s\" is not one fidosim verifies BLOBs with (RS256, as "
		    "production signs, or ES256, as the conformance BLOB)", json_string_value(alg));
		return FSIM_ERR_FORMAT;
	}
	/* RFC 7515 4.1.11: an extension the verifier does not understand makes the JWS invalid. */
	if (json_object_get(j->header, "crit") != NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_JWS, "header.crit", FSIM_NO_OFFSET,
		    "the header names critical extensions fidosim does not understand");
		return FSIM_ERR_FORMAT;
	}
	if (json_object_get(j->header, "x5u") != NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_X5C, "header.x5u", FSIM_NO_OFFSET,
		    "the chain is named by x5u (a URL); fidosim works offline and does not "
		    "fetch it (MDS 3.2 step 2): use a BLOB that carries x5c");
		return FSIM_ERR_FORMAT;
	}
	if (x5c != NULL)
		return parse_x5c(x5c, j, d);
	return FSIM_OK;
}

/*
 * The payload's base64url (RFC 4648 5, no padding, as RFC 7515 2 says),
 * table-driven: a real BLOB's payload is 4-13 MB of it, which core's
 * per-character decoder (diagnostics at every offset) takes 0.3 s over.
 * Strict as core's: only the URL-safe alphabet, length mod 4 != 1, the
 * unused bits of the last character zero. FSIM_ERR_ENCODING otherwise.
 */
/* The value of each base64url character (RFC 4648 table 2); -1: not one. */
static const int8_t b64url_tab[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int
b64url_fast(const uint8_t *s, size_t n, fsim_blob_t *out)
{
	const int8_t *tab = b64url_tab;
	size_t i, o = 0, full = n / 4 * 4, rest = n % 4;
	uint8_t *b;
	uint32_t v;

	if (rest == 1)
		return FSIM_ERR_ENCODING;
	if ((b = malloc(n / 4 * 3 + 3)) == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < full; i += 4) {
		int a = tab[s[i]], c = tab[s[i + 1]], e = tab[s[i + 2]], f = tab[s[i + 3]];

		if ((a | c | e | f) < 0)
			goto bad;
		v = (uint32_t)a << 18 | (uint32_t)c << 12 | (uint32_t)e << 6 | (uint32_t)f;
		b[o++] = (uint8_t)(v >> 16);
		b[o++] = (uint8_t)(v >> 8);
		b[o++] = (uint8_t)v;
	}
	if (rest > 0) {
		int a = tab[s[i]], c = tab[s[i + 1]], e = rest == 3 ? tab[s[i + 2]] : 0;

		if ((a | c | e) < 0 || (rest == 2 && (c & 0x0f)) || (rest == 3 && (e & 0x03)))
			goto bad;
		v = (uint32_t)a << 18 | (uint32_t)c << 12 | (uint32_t)e << 6;
		b[o++] = (uint8_t)(v >> 16);
		if (rest == 3)
			b[o++] = (uint8_t)(v >> 8);
	}
	out->ptr = b;
	out->len = o;
	return FSIM_OK;
bad:
	free(b);
	return FSIM_ERR_ENCODING;
}

int
fsim_mds_jws_parse(const uint8_t *p, size_t n, mds_jws_t *j, fsim_diags_t *d)
{
	const uint8_t *dot1, *dot2;
	fsim_blob_t hdr = { 0 };
	json_error_t je;
	size_t start, end;
	int r = FSIM_OK;

	memset(j, 0, sizeof(*j));
	if ((j->x5c = sk_X509_new_null()) == NULL)
		return FSIM_ERR_NOMEM;
	if (fsim_input_span(p, n, &start, &end, NULL) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_JWS, "BLOB", FSIM_NO_OFFSET,
		    "the BLOB is empty");
		return FSIM_ERR_FORMAT;
	}
	p += start;
	n = end - start;
	dot1 = memchr(p, '.', n);
	dot2 = dot1 ? memchr(dot1 + 1, '.', n - (size_t)(dot1 + 1 - p)) : NULL;
	if (dot1 == NULL || dot2 == NULL || memchr(dot2 + 1, '.',
	    n - (size_t)(dot2 + 1 - p)) != NULL || dot1 == p || dot2 == dot1 + 1 ||
	    dot2 + 1 == p + n) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_JWS, "BLOB", FSIM_NO_OFFSET,
		    "not a JWS in compact serialization: three non-empty base64url parts "
		    "joined by '.' (header.payload.signature); truncated?");
		return FSIM_ERR_FORMAT;
	}
	j->signed_part = p;
	j->signed_len = (size_t)(dot2 - p);
	if (fsim_b64url_decode((const char *)p, (size_t)(dot1 - p), &hdr, d, "header") != 0 ||
	    (r = b64url_fast(dot1 + 1, (size_t)(dot2 - dot1 - 1), &j->payload)) != 0 ||
	    fsim_b64url_decode((const char *)dot2 + 1, (size_t)(p + n - dot2 - 1), &j->sig, d,
	    "signature") != 0) {
		fsim_blob_reset(&hdr);
		if (r == FSIM_ERR_NOMEM)
			return r;
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_JWS, "BLOB", FSIM_NO_OFFSET,
		    "a part of the JWS is not base64url (RFC 7515 2: no padding, no line breaks)");
		return FSIM_ERR_FORMAT;
	}
	j->header = json_loadb((const char *)hdr.ptr, hdr.len, JSON_REJECT_DUPLICATES, &je);
	fsim_blob_reset(&hdr);
	if (!json_is_object(j->header)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_JWS, "header", FSIM_NO_OFFSET,
		    "the JWS header is not a JSON object%s%s", j->header ? "" : ": ",
		    j->header ? "" : je.text);
		return FSIM_ERR_FORMAT;
	}
	if ((r = parse_header(j, d)) != 0)
		return r;
	return FSIM_OK;
}

/* JOSE's raw r || s (RFC 7518 3.4) as DER Ecdsa-Sig-Value. */
static int
raw_to_der(const uint8_t *raw, size_t len, uint8_t **der, int *dlen)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)(len / 2), NULL);
	BIGNUM *ss = BN_bin2bn(raw + len / 2, (int)(len / 2), NULL);
	int rc = FSIM_ERR_NOMEM;

	*der = NULL;
	if (s == NULL || r == NULL || ss == NULL || ECDSA_SIG_set0(s, r, ss) != 1)
		goto fail;
	r = ss = NULL;
	if ((*dlen = i2d_ECDSA_SIG(s, der)) <= 0)
		goto fail;
	rc = FSIM_OK;
fail:
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	return rc;
}

int
fsim_mds_jws_verify(const mds_jws_t *j, EVP_PKEY *key, fsim_diags_t *d)
{
	EVP_MD_CTX *ctx = NULL;
	uint8_t *der = NULL;
	const uint8_t *sig = j->sig.ptr;
	size_t slen = j->sig.len;
	char group[64] = "";
	int dlen = 0, r = FSIM_ERR_NOMEM;
	bool es = strcmp(j->alg, "ES256") == 0;

	if (key == NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_SIG, "header.x5c[0]", FSIM_NO_OFFSET,
		    "the signing certificate's public key cannot be read");
		return FSIM_ERR_SIGNATURE;
	}
	if (es) {
		if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
		    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
		    sizeof(group), NULL) != 1 || strcmp(group, "prime256v1") != 0) {
			ERR_clear_error();
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_ALG, "header.alg", FSIM_NO_OFFSET,
			    "alg ES256 but the signing key is not a P-256 key");
			return FSIM_ERR_SIGNATURE;
		}
		if (slen != 64) {
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_SIG, "signature", FSIM_NO_OFFSET,
			    "an ES256 signature is 64 bytes (r || s), got %zu", slen);
			return FSIM_ERR_SIGNATURE;
		}
		if ((r = raw_to_der(sig, slen, &der, &dlen)) != 0)
			return r;
		sig = der;
		slen = (size_t)dlen;
	} else if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_ALG, "header.alg", FSIM_NO_OFFSET,
		    "alg RS256 but the signing key is not an RSA key");
		return FSIM_ERR_SIGNATURE;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto fail;
	r = FSIM_ERR_SIGNATURE;
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestVerify(ctx, sig, slen, j->signed_part, j->signed_len) != 1) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_SIG, "signature", FSIM_NO_OFFSET,
		    "the %s signature over header.payload does not verify with the "
		    "signing certificate's key", j->alg);
		goto fail;
	}
	r = FSIM_OK;
fail:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return r;
}
