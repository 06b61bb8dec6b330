/*
 * fmt_tpm.c — the tpm attestation statement format (WebAuthn §8.3, §8.3.1).
 *
 *   attStmt = { ver: "2.0", alg: COSEAlgorithmIdentifier, x5c: [ aikCert, * caCert ],
 *               sig: bytes, certInfo: bytes, pubArea: bytes }
 *
 * The TPM certifies the credential key: pubArea is the key's TPMT_PUBLIC,
 * certInfo a TPMS_ATTEST saying "I hold the object with this Name" with
 * H(authData || clientDataHash) as its extraData, and sig is the AIK's
 * signature over certInfo. The result is AttCA with x5c as the trust path.
 *
 * Checks, each recorded under its rule: the shape (ATT-TPM-01), pubArea is
 * the credential key (ATT-TPM-02), the AIK certificate profile (ATT-TPM-03,
 * in fmt_tpm_aik.c), sig (ATT-TPM-04), certInfo (ATT-TPM-05). All steps run
 * whatever the others found, so one verification reports every problem.
 *
 * Return value: FSIM_ERR_FORMAT when something is malformed or breaks a
 * profile (shape, a TPM structure, magic, type, nameAlg, the AIK
 * certificate); otherwise FSIM_ERR_SIGNATURE when the statement is well
 * formed but does not bind this credential to this ceremony (sig invalid,
 * extraData or name mismatch, pubArea describing another key); else 0.
 *
 * Policy (PIT-15): alg RS1 (-65535, RSASSA-PKCS1-v1_5 with SHA-1), which
 * Windows Hello TPMs use, verifies like any other alg (core/sig.c); whether
 * a SHA-1 signature counts is the RP's SHA-1 policy (SIG-SHA1, default: a
 * warning), because SHA-1 is broken for collision resistance and the
 * statement is only as strong as its hash.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>

#include "core/fsim_core.h"
#include "rp-sim/fmt.h"
#include "rp-sim/fmt_tpm.h"
#include "rp-sim/tpm_struct.h"
#include "rp-sim/x509util.h"

/* The statement's members; lent from the attStmt map. */
typedef struct tpm_stmt {
	bool has_alg, has_sig, has_ci, has_pa;
	int64_t alg;
	const uint8_t *sig, *ci, *pa;
	size_t sig_len, ci_len, pa_len;
	STACK_OF(X509) *x5c;   /* owned */
} tpm_stmt_t;

/*
 * The hash the TPM used for extraData is the one of alg (§8.3 verification:
 * "the hash algorithm employed in alg"). NULL: not an alg we verify.
 */
static const char *
alg_hash(int64_t alg)
{
	switch (alg) {
	case FSIM_COSE_ES256:
	case FSIM_COSE_ESP256:
	case FSIM_COSE_RS256:
	case FSIM_COSE_PS256:
		return "SHA256";
	case FSIM_COSE_ES384:
	case FSIM_COSE_ESP384:
	case FSIM_COSE_PS384:
		return "SHA384";
	case FSIM_COSE_ES512:
	case FSIM_COSE_ESP512:
	case FSIM_COSE_PS512:
		return "SHA512";
	case FSIM_COSE_RS1:
		return "SHA1";
	default:
		return NULL;
	}
}

/* Up to 8 bytes as hex for a message, "..." when longer. */
static void
hexp(const uint8_t *p, size_t n, char *buf, size_t blen)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < 8 && o + 3 <= blen; i++)
		o += (size_t)snprintf(buf + o, blen - o, "%02x", p[i]);
	if (i < n && o + 4 <= blen)
		snprintf(buf + o, blen - o, "...");
}

static bool
member_is(const cbor_item_t *k, const char *name)
{
	size_t n = strlen(name);

	return cbor_isa_string(k) && cbor_string_is_definite(k) &&
	    cbor_string_length(k) == n && memcmp(cbor_string_handle(k), name, n) == 0;
}

/* A byte-string member: FAIL under ATT-TPM-01 when missing or of another type. */
static void
get_bytes_member(const cbor_item_t *m, const char *name, fsim_checks_t *ck,
    bool *has, const uint8_t **p, size_t *n)
{
	const cbor_item_t *v = fsim_cbor_map_get_str(m, name);
	char f[32];

	snprintf(f, sizeof(f), "attStmt.%s", name);
	if (v == NULL)
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_01, f, "%s is missing", name);
	else if (fsim_cbor_get_bytes(v, p, n) != 0)
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_01, f, "%s is %s, not a byte string",
		    name, fsim_cbor_type_name(v));
	else
		*has = true;
}

/* ver must be the text "2.0" exactly (§8.3: "The version of the TPM specification"). */
static void
check_ver(const cbor_item_t *m, fsim_checks_t *ck)
{
	const cbor_item_t *v = fsim_cbor_map_get_str(m, "ver");
	char *s = NULL, shown[48];
	size_t i;

	if (v == NULL) {
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_01, "attStmt.ver", "ver is missing");
		return;
	}
	if (fsim_cbor_get_text(v, &s) != 0) {
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_01, "attStmt.ver", "ver is %s, not "
		    "the text string \"2.0\"", fsim_cbor_type_name(v));
		return;
	}
	if (strcmp(s, "2.0") != 0) {
		for (i = 0; s[i] != '\0' && i + 1 < sizeof(shown); i++)
			shown[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
		shown[i] = '\0';
		fsim_checks_fail(ck, FSIM_R_ATT_TPM_01, "attStmt.ver", "ver is \"%s\"%s, "
		    "not \"2.0\"", shown, s[i] != '\0' ? "..." : "");
	}
	free(s);
}

/*
 * Shape (ATT-TPM-01). Fills st with what is there, so later steps can check
 * what they can. Returns 0, FSIM_ERR_FORMAT (FAILs recorded) or an internal
 * error.
 */
static int
check_shape(const fsim_fmt_ctx_t *c, tpm_stmt_t *st)
{
	const cbor_item_t *m = c->att_stmt, *v;
	struct cbor_pair *pairs;
	size_t i, fails0 = fsim_checks_fail_count(c->ck);
	int r;

	if (m == NULL || !cbor_isa_map(m) || !cbor_map_is_definite(m)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_01, "attStmt", "attStmt is %s, not "
		    "a map", m == NULL ? "missing" : fsim_cbor_type_name(m));
		return FSIM_ERR_FORMAT;
	}
	check_ver(m, c->ck);
	if ((v = fsim_cbor_map_get_str(m, "alg")) == NULL)
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_01, "attStmt.alg", "alg is missing");
	else if (fsim_cbor_get_int(v, &st->alg) != 0)
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_01, "attStmt.alg", "alg is %s, not "
		    "an integer", fsim_cbor_type_name(v));
	else
		st->has_alg = true;
	get_bytes_member(m, "sig", c->ck, &st->has_sig, &st->sig, &st->sig_len);
	get_bytes_member(m, "certInfo", c->ck, &st->has_ci, &st->ci, &st->ci_len);
	get_bytes_member(m, "pubArea", c->ck, &st->has_pa, &st->pa, &st->pa_len);
	/* x5c is required: ECDAA, the only alternative, was removed after Level 1. */
	r = fsim_x5c_parse(fsim_cbor_map_get_str(m, "x5c"), &st->x5c, c->ck,
	    FSIM_R_ATT_TPM_01, "attStmt.x5c");
	if (r != 0 && r != FSIM_ERR_FORMAT)
		return r;

	pairs = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m); i++) {
		const cbor_item_t *k = pairs[i].key;

		if (member_is(k, "ecdaaKeyId"))
			fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_01, "attStmt.ecdaaKeyId",
			    "ecdaaKeyId is present: ECDAA was removed from WebAuthn after "
			    "Level 1, and a tpm statement must be verified through x5c");
		else if (!member_is(k, "ver") && !member_is(k, "alg") &&
		    !member_is(k, "x5c") && !member_is(k, "sig") &&
		    !member_is(k, "certInfo") && !member_is(k, "pubArea")) {
			if (cbor_isa_string(k) && cbor_string_is_definite(k))
				fsim_checks_info(c->ck, FSIM_R_ATT_TPM_01, "attStmt",
				    "unknown member \"%.*s\" ignored",
				    (int)(cbor_string_length(k) > 40 ? 40 :
				    cbor_string_length(k)), cbor_string_handle(k));
			else
				fsim_checks_info(c->ck, FSIM_R_ATT_TPM_01, "attStmt",
				    "member with a %s key ignored", fsim_cbor_type_name(k));
		}
	}
	if (fsim_checks_fail_count(c->ck) != fails0)
		return FSIM_ERR_FORMAT;
	fsim_checks_pass(c->ck, FSIM_R_ATT_TPM_01);
	return 0;
}

/* Big-endian magnitude with leading zero bytes dropped, so equal numbers compare equal. */
static void
strip(const uint8_t **p, size_t *n)
{
	while (*n > 0 && **p == 0) {
		(*p)++;
		(*n)--;
	}
}

/* A BIGNUM parameter of the credential key as minimal big-endian bytes. */
static int
key_param(EVP_PKEY *pk, const char *name, uint8_t *buf, size_t cap, size_t *len)
{
	BIGNUM *bn = NULL;
	int r = FSIM_ERR_INTERNAL, n;

	if (EVP_PKEY_get_bn_param(pk, name, &bn) != 1) {
		ERR_clear_error();
		goto fail;
	}
	if ((n = BN_num_bytes(bn)) < 0 || (size_t)n > cap)
		goto fail;
	*len = (size_t)BN_bn2bin(bn, buf);
	r = 0;
fail:
	BN_free(bn);
	return r;
}

/* Compare a pubArea number with the key's; FAIL ATT-TPM-02 naming both when they differ. */
static bool
same_number(fsim_checks_t *ck, const char *field, const fsim_tpm_span_t *s,
    const uint8_t *kb, size_t klen, const char *what)
{
	const uint8_t *p = s->ptr;
	size_t n = s->len;
	char h1[24], h2[24];

	strip(&p, &n);
	strip(&kb, &klen);
	if (n == klen && (n == 0 || memcmp(p, kb, n) == 0))
		return true;
	hexp(p, n, h1, sizeof(h1));
	hexp(kb, klen, h2, sizeof(h2));
	fsim_checks_fail(ck, FSIM_R_ATT_TPM_02, field, "pubArea %s %s (%zu bytes) differs "
	    "from the credential public key's %s %s (%zu bytes)", what, h1, n, what, h2,
	    klen);
	return false;
}

/* Bits in a minimal big-endian number (first byte non-zero). */
static size_t
bit_len(const uint8_t *p, size_t n)
{
	size_t z = 0;
	uint8_t b;

	if (n == 0)
		return 0;
	for (b = p[0]; z < 8 && (b & 0x80) == 0; b = (uint8_t)(b << 1))
		z++;
	return n * 8 - z;
}

/* RSA: unique is n, exponent is e (0 standing for 65537), keyBits is n's size. */
static int
compare_rsa(const fsim_fmt_ctx_t *c, const fsim_tpm_public_t *t, EVP_PKEY *pk)
{
	uint8_t n[FSIM_TPM_MAX_RSA + 1], e[16];
	size_t nlen = 0, elen = 0, i;
	uint64_t ev = 0, want = t->exponent == 0 ? 65537 : t->exponent;
	int r;
	bool ok = true;

	if ((r = key_param(pk, OSSL_PKEY_PARAM_RSA_N, n, sizeof(n), &nlen)) != 0 ||
	    (r = key_param(pk, OSSL_PKEY_PARAM_RSA_E, e, sizeof(e), &elen)) != 0) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_02, "authData.credentialPublicKey",
		    "the credential's RSA modulus or exponent cannot be read (or exceeds "
		    "%d bits)", FSIM_TPM_MAX_RSA * 8);
		return FSIM_ERR_SIGNATURE;
	}
	if (!same_number(c->ck, "attStmt.pubArea.unique.n", &t->rsa_n, n, nlen, "modulus"))
		ok = false;
	for (i = 0; i < elen; i++)
		ev = ev << 8 | e[i];
	if (elen > 8 || ev != want) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_02, "attStmt.pubArea.parameters.exponent",
		    "pubArea exponent %u (meaning %llu) differs from the credential public "
		    "key's exponent %s%llu", t->exponent, (unsigned long long)want,
		    elen > 8 ? "> " : "", (unsigned long long)ev);
		ok = false;
	}
	if ((size_t)t->key_bits != bit_len(n, nlen)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_02, "attStmt.pubArea.parameters.keyBits",
		    "pubArea keyBits %u differs from the credential modulus size %zu bits",
		    t->key_bits, bit_len(n, nlen));
		ok = false;
	}
	return ok ? 0 : FSIM_ERR_SIGNATURE;
}

/* ECC: curveID is the key's curve, unique.x/y its coordinates. */
static int
compare_ecc(const fsim_fmt_ctx_t *c, const fsim_tpm_public_t *t, EVP_PKEY *pk)
{
	uint8_t x[FSIM_TPM_MAX_ECC], y[FSIM_TPM_MAX_ECC];
	size_t xlen = 0, ylen = 0;
	int crv = fsim_cose_key_crv(c->ad->cose_key), tcrv;
	bool ok = true;

	switch (t->curve_id) {
	case FSIM_TPM_ECC_NIST_P256: tcrv = FSIM_COSE_CRV_P256; break;
	case FSIM_TPM_ECC_NIST_P384: tcrv = FSIM_COSE_CRV_P384; break;
	case FSIM_TPM_ECC_NIST_P521: tcrv = FSIM_COSE_CRV_P521; break;
	default: tcrv = 0; break;
	}
	if (tcrv != crv) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_02, "attStmt.pubArea.parameters.curveID",
		    "pubArea curveID 0x%04x (%s) is not the credential public key's "
		    "curve %s", t->curve_id, tcrv != 0 ? fsim_cose_crv_name(tcrv) :
		    "not P-256/P-384/P-521", fsim_cose_crv_name(crv) != NULL ?
		    fsim_cose_crv_name(crv) : "unknown");
		return FSIM_ERR_SIGNATURE;
	}
	if (key_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, x, sizeof(x), &xlen) != 0 ||
	    key_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, y, sizeof(y), &ylen) != 0) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_02, "authData.credentialPublicKey",
		    "the credential's EC point cannot be read");
		return FSIM_ERR_SIGNATURE;
	}
	if (!same_number(c->ck, "attStmt.pubArea.unique.x", &t->ecc_x, x, xlen, "x"))
		ok = false;
	if (!same_number(c->ck, "attStmt.pubArea.unique.y", &t->ecc_y, y, ylen, "y"))
		ok = false;
	return ok ? 0 : FSIM_ERR_SIGNATURE;
}

/*
 * ATT-TPM-02, §8.3 verification: "Verify that the public key specified by
 * the parameters and unique fields of pubArea is identical to the
 * credentialPublicKey in the attestedCredentialData in authenticatorData."
 */
static int
check_pub_area(const fsim_fmt_ctx_t *c, const tpm_stmt_t *st)
{
	fsim_tpm_public_t t;
	fsim_diags_t d;
	EVP_PKEY *pk = fsim_cose_key_pkey(c->ad->cose_key);
	int kty = fsim_cose_key_kty(c->ad->cose_key), r;

	fsim_diags_init(&d);
	r = fsim_tpm_public_parse(st->pa, st->pa_len, &t, &d, "ATT-TPM-02",
	    "attStmt.pubArea");
	fsim_checks_import(c->ck, &d, FSIM_R_ATT_TPM_02);
	fsim_diags_clear(&d);
	if (r != 0)
		return r == FSIM_ERR_ARG ? FSIM_ERR_INTERNAL : FSIM_ERR_FORMAT;
	if (pk == NULL) {
		fsim_fmt_key_unusable(c, FSIM_R_ATT_TPM_02, "that pubArea describes the "
		    "credential key");
		return FSIM_ERR_SIGNATURE;
	}

	if (t.type == FSIM_TPM_ALG_ECC && c->tpm_rsa_only) {
		/* python-fido2 0.9.1 raises AttributeError reading an ECC pubArea's key. */
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_02, "attStmt.pubArea.type",
		    "pubArea type 0x%04x (ECC): this RP library cannot read an ECC "
		    "pubArea, only RSA", t.type);
		r = FSIM_ERR_SIGNATURE;
	} else if (t.type == FSIM_TPM_ALG_RSA && kty == FSIM_COSE_KTY_RSA)
		r = compare_rsa(c, &t, pk);
	else if (t.type == FSIM_TPM_ALG_ECC && kty == FSIM_COSE_KTY_EC2)
		r = compare_ecc(c, &t, pk);
	else {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_02, "attStmt.pubArea.type",
		    "pubArea type 0x%04x (%s) cannot describe the credential public key "
		    "(kty %d, %s)", t.type, fsim_tpm_alg_name(t.type), kty,
		    fsim_cose_kty_name(kty) != NULL ? fsim_cose_kty_name(kty) : "unknown");
		r = FSIM_ERR_SIGNATURE;
	}
	if (r == 0)
		fsim_checks_pass(c->ck, FSIM_R_ATT_TPM_02);
	return r;
}

/* certInfo.extraData == H_alg(authData || clientDataHash). */
static int
check_extra_data(const fsim_fmt_ctx_t *c, const tpm_stmt_t *st,
    const fsim_tpm_attest_t *a)
{
	const char *md = st->has_alg ? alg_hash(st->alg) : NULL;
	uint8_t h[EVP_MAX_MD_SIZE];
	size_t hlen = 0;
	char h1[24], h2[24];
	int r;

	if (md == NULL) {
		fsim_checks_info(c->ck, FSIM_R_ATT_TPM_05, "attStmt.certInfo.extraData",
		    "extraData not checked: alg has no hash fidosim knows");
		return FSIM_ERR_SIGNATURE;
	}
	if ((r = fsim_digest(md, c->auth_data, c->auth_data_len, c->client_data_hash,
	    32, h, &hlen)) != 0)
		return r == FSIM_ERR_NOMEM ? r : FSIM_ERR_INTERNAL;
	if (a->extra_data.len == hlen && memcmp(a->extra_data.ptr, h, hlen) == 0)
		return 0;
	hexp(a->extra_data.ptr, a->extra_data.len, h1, sizeof(h1));
	hexp(h, hlen, h2, sizeof(h2));
	fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_05, "attStmt.certInfo.extraData",
	    "extraData %s (%zu bytes) is not %s(authData || clientDataHash) = %s (%zu "
	    "bytes)", h1, a->extra_data.len, md, h2, hlen);
	return FSIM_ERR_SIGNATURE;
}

/*
 * attested.name == nameAlg || H_nameAlg(pubArea) (TPM 2.0 Part 1 §16: the
 * Name of an object). It is computed over pubArea's bytes as received, so it
 * needs only nameAlg (bytes 2-3), not a successful parse.
 */
static int
check_name(const fsim_fmt_ctx_t *c, const tpm_stmt_t *st, const fsim_tpm_attest_t *a)
{
	uint8_t want[2 + EVP_MAX_MD_SIZE];
	size_t hlen = 0;
	uint16_t alg;
	const char *md;
	char h1[24], h2[24];
	int r;

	if (!st->has_pa || st->pa_len < 4) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_05, "attStmt.certInfo.attested.name",
		    "name cannot be checked: pubArea is %s", st->has_pa ? "shorter than "
		    "its nameAlg" : "missing");
		return FSIM_ERR_FORMAT;
	}
	alg = (uint16_t)(st->pa[2] << 8 | st->pa[3]);
	if ((md = fsim_tpm_hash_name(alg)) == NULL) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_05, "attStmt.pubArea.nameAlg",
		    "pubArea nameAlg 0x%04x (%s) is not SHA-1, SHA-256, SHA-384 or "
		    "SHA-512, so the object's name cannot be computed", alg,
		    fsim_tpm_alg_name(alg));
		return FSIM_ERR_FORMAT;
	}
	want[0] = st->pa[2];
	want[1] = st->pa[3];
	if ((r = fsim_digest(md, st->pa, st->pa_len, NULL, 0, want + 2, &hlen)) != 0)
		return r == FSIM_ERR_NOMEM ? r : FSIM_ERR_INTERNAL;
	if (a->name.len == hlen + 2 && memcmp(a->name.ptr, want, hlen + 2) == 0)
		return 0;
	hexp(a->name.ptr, a->name.len, h1, sizeof(h1));
	hexp(want, hlen + 2, h2, sizeof(h2));
	fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_05, "attStmt.certInfo.attested.name",
	    "name %s (%zu bytes) is not nameAlg || %s(pubArea) = %s (%zu bytes)", h1,
	    a->name.len, md, h2, hlen + 2);
	return FSIM_ERR_SIGNATURE;
}

/* Fold a step's result into the verdict; internal errors pass through. */
static int
fold(int k, bool *bad_fmt, bool *bad_bind)
{
	if (k == FSIM_ERR_FORMAT)
		*bad_fmt = true;
	else if (k == FSIM_ERR_SIGNATURE)
		*bad_bind = true;
	else if (k != 0)
		return k;
	return 0;
}

/*
 * ATT-TPM-05, §8.3 verification "Validate that certInfo is valid". The
 * remaining fields (qualifiedSigner, clockInfo, firmwareVersion) are ignored,
 * as the spec says.
 */
static int
check_cert_info(const fsim_fmt_ctx_t *c, const tpm_stmt_t *st)
{
	fsim_tpm_attest_t a;
	fsim_diags_t d;
	bool bad_fmt = false, bad_bind = false;
	int r;

	fsim_diags_init(&d);
	r = fsim_tpm_attest_parse(st->ci, st->ci_len, &a, &d, "ATT-TPM-05",
	    "attStmt.certInfo");
	fsim_checks_import(c->ck, &d, FSIM_R_ATT_TPM_05);
	fsim_diags_clear(&d);
	if (r != 0)
		return r == FSIM_ERR_ARG ? FSIM_ERR_INTERNAL : FSIM_ERR_FORMAT;
	if (a.magic != FSIM_TPM_GENERATED_VALUE) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_05, "attStmt.certInfo.magic",
		    "magic 0x%08x is not TPM_GENERATED_VALUE 0xff544347", a.magic);
		bad_fmt = true;
	}
	if (a.type != FSIM_TPM_ST_ATTEST_CERTIFY || !a.certify) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_05, "attStmt.certInfo.type",
		    "type 0x%04x is not TPM_ST_ATTEST_CERTIFY 0x8017", a.type);
		return FSIM_ERR_FORMAT;
	}
	if ((r = fold(check_extra_data(c, st, &a), &bad_fmt, &bad_bind)) != 0 ||
	    (r = fold(check_name(c, st, &a), &bad_fmt, &bad_bind)) != 0)
		return r;
	if (bad_fmt)
		return FSIM_ERR_FORMAT;
	if (bad_bind)
		return FSIM_ERR_SIGNATURE;
	fsim_checks_pass(c->ck, FSIM_R_ATT_TPM_05);
	return 0;
}

/* ATT-TPM-04: "Verify the sig is a valid signature over certInfo using the attestation public key in aikCert with the algorithm specified in alg." */
static int
check_sig(const fsim_fmt_ctx_t *c, const tpm_stmt_t *st)
{
	EVP_PKEY *pk = X509_get0_pubkey(sk_X509_value(st->x5c, 0));
	fsim_diags_t d;
	bool sha1_ok;
	int r;

	if (pk == NULL) {
		ERR_clear_error();
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_04, "attStmt.x5c[0]", "the aikCert "
		    "public key cannot be used");
		return FSIM_ERR_SIGNATURE;
	}
	if (!fsim_sig_alg_listed(c->sig_algs, c->n_sig_algs, st->alg, 0)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_04, "attStmt.alg", "alg %lld (%s) is "
		    "not one this RP library can verify signatures with", (long long)st->alg,
		    st->alg >= INT_MIN && st->alg <= INT_MAX &&
		    fsim_cose_alg_name((int)st->alg) != NULL ?
		    fsim_cose_alg_name((int)st->alg) : "unknown");
		return FSIM_ERR_SIGNATURE;
	}
	if (st->alg == FSIM_COSE_RS1 && c->tpm_rs1 == FSIM_RS1_ERROR) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_04, "attStmt.alg", "alg RS1 (-65535, "
		    "RSASSA-PKCS1-v1_5 with SHA-1) is refused by this policy as insecure");
		return FSIM_ERR_SIGNATURE;
	}
	if (alg_hash(st->alg) == NULL) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_04, "attStmt.alg", "alg %lld is not "
		    "one fidosim verifies for tpm (ES256, ES384, ES512, RS256, PS256, PS384, "
		    "PS512, RS1)", (long long)st->alg);
		return FSIM_ERR_SIGNATURE;
	}
	/* PIT-15: Windows Hello TPMs sign with RS1; SIG-SHA1 is the RP's call. */
	/* tpm-rs1 is the library's word on RS1 TPM statements: error refused above, ignore silent */
	sha1_ok = fsim_rp_sha1_ok(c->tpm_rs1 == FSIM_RS1_OK ? FSIM_SHA1_IGNORE : c->sha1_sigs,
	    st->alg, "the AIK (attStmt.alg)",
	    "attStmt.alg", c->ck);
	fsim_diags_init(&d);
	r = fsim_sig_verify(pk, (int)st->alg, st->ci, st->ci_len, st->sig, st->sig_len,
	    &d, "ATT-TPM-04", "attStmt.sig");
	fsim_checks_import(c->ck, &d, FSIM_R_ATT_TPM_04);
	fsim_diags_clear(&d);
	if (r == FSIM_ERR_NOMEM)
		return r;
	if (r == 0) {
		fsim_checks_pass(c->ck, FSIM_R_ATT_TPM_04);
		return sha1_ok ? 0 : FSIM_ERR_SIGNATURE;
	}
	/* A malformed signature is recorded under SIG-0x; say that sig failed, too. */
	if (!fsim_checks_failed(c->ck, FSIM_R_ATT_TPM_04))
		fsim_checks_fail(c->ck, FSIM_R_ATT_TPM_04, "attStmt.sig", "sig over certInfo "
		    "does not verify with the aikCert key under alg %lld (%s)",
		    (long long)st->alg, fsim_strerr(r));
	return FSIM_ERR_SIGNATURE;
}

int
fsim_fmt_tpm(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res)
{
	int r = FSIM_ERR_INTERNAL;
	tpm_stmt_t st;
	bool bad_fmt = false, bad_bind = false;

	memset(&st, 0, sizeof(st));
	if (res == NULL)
		return FSIM_ERR_ARG;
	res->type = FSIM_ATT_TYPE_UNKNOWN;
	res->x5c = NULL;
	if (c == NULL || c->ad == NULL ||
	    (c->ad->cose_key == NULL && !c->ad->key_alg_unsupported) ||
	    (c->auth_data == NULL && c->auth_data_len > 0))
		return FSIM_ERR_ARG;

	if ((r = fold(check_shape(c, &st), &bad_fmt, &bad_bind)) != 0)
		goto fail;
	if (st.has_pa && (r = fold(check_pub_area(c, &st), &bad_fmt, &bad_bind)) != 0)
		goto fail;
	if (st.has_ci && (r = fold(check_cert_info(c, &st), &bad_fmt, &bad_bind)) != 0)
		goto fail;
	if (st.x5c != NULL && st.has_alg && st.has_sig && st.has_ci &&
	    (r = fold(check_sig(c, &st), &bad_fmt, &bad_bind)) != 0)
		goto fail;
	if (st.x5c != NULL && (r = fold(fsim_tpm_check_aik(sk_X509_value(st.x5c, 0),
	    c->ad->aaguid, c), &bad_fmt, &bad_bind)) != 0)
		goto fail;

	if (bad_fmt || bad_bind) {
		r = bad_fmt ? FSIM_ERR_FORMAT : FSIM_ERR_SIGNATURE;
		goto fail;
	}
	res->type = FSIM_ATT_TYPE_ATTCA;
	res->x5c = st.x5c;
	st.x5c = NULL;
	r = 0;
fail:
	sk_X509_pop_free(st.x5c, X509_free);
	return r;
}
