/*
 * tpm_struct.c — TPMT_PUBLIC and TPMS_ATTEST parsing (TPM 2.0 Library
 * Part 2: §12.2.4 TPMT_PUBLIC, §12.2.3 TPMU_PUBLIC_PARMS, §10.12.12
 * TPMS_ATTEST, §10.12.3 TPMS_CERTIFY_INFO), for WebAuthn §8.3.
 *
 * TPM structures are the TPM's marshalled form: big-endian integers, TPM2B
 * as a 2-byte size and that many bytes, unions whose arm a preceding
 * selector chooses. A reader cursor below refuses any read past the end and
 * records the first problem only (what follows a bad length is noise).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rp-sim/tpm_struct.h"

typedef struct rd {
	const uint8_t *p;
	size_t len, off;
	fsim_diags_t *d;
	const char *rule, *field;
	bool bad;             /* a problem was recorded: every later read fails */
} rd_t;

static void
rd_init(rd_t *r, const uint8_t *p, size_t len, fsim_diags_t *d, const char *rule,
    const char *field)
{
	memset(r, 0, sizeof(*r));
	r->p = p;
	r->len = len;
	r->d = d;
	r->rule = rule != NULL ? rule : "ATT-TPM-02";
	r->field = field != NULL ? field : "tpm";
}

static void rd_fail(rd_t *r, const char *what, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record the first problem, under field "<field>.<what>" at offset off. */
static void
rd_fail(rd_t *r, const char *what, size_t off, const char *fmt, ...)
{
	char f[128], msg[224];
	va_list ap;

	if (r->bad)
		return;
	r->bad = true;
	snprintf(f, sizeof(f), "%s.%s", r->field, what);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fsim_diags_add(r->d, FSIM_SEV_ERROR, r->rule, f, off, "%s", msg);
}

/* Are n more bytes there for `what`? */
static bool
rd_need(rd_t *r, size_t n, const char *what)
{
	if (r->bad)
		return false;
	if (r->len - r->off < n) {
		rd_fail(r, what, r->off, "truncated: %s needs %zu bytes at offset %zu, "
		    "%zu left of %zu", what, n, r->off, r->len - r->off, r->len);
		return false;
	}
	return true;
}

static uint64_t
rd_be(rd_t *r, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = (v << 8) | r->p[r->off + i];
	r->off += n;
	return v;
}

static bool
rd_u8(rd_t *r, const char *what, uint8_t *v)
{
	if (!rd_need(r, 1, what))
		return false;
	*v = (uint8_t)rd_be(r, 1);
	return true;
}

static bool
rd_u16(rd_t *r, const char *what, uint16_t *v)
{
	if (!rd_need(r, 2, what))
		return false;
	*v = (uint16_t)rd_be(r, 2);
	return true;
}

static bool
rd_u32(rd_t *r, const char *what, uint32_t *v)
{
	if (!rd_need(r, 4, what))
		return false;
	*v = (uint32_t)rd_be(r, 4);
	return true;
}

static bool
rd_u64(rd_t *r, const char *what, uint64_t *v)
{
	if (!rd_need(r, 8, what))
		return false;
	*v = rd_be(r, 8);
	return true;
}

/* A TPM2B: 2-byte size (at most max), then the bytes, lent into *s. */
static bool
rd_tpm2b(rd_t *r, const char *what, size_t max, fsim_tpm_span_t *s)
{
	size_t at = r->off;
	uint16_t n;

	if (!rd_u16(r, what, &n))
		return false;
	if (n > max) {
		rd_fail(r, what, at, "%s size %u exceeds the structure's maximum %zu",
		    what, n, max);
		return false;
	}
	if (!rd_need(r, n, what))
		return false;
	s->ptr = r->p + r->off;
	s->len = n;
	s->off = r->off;
	r->off += n;
	return true;
}

/* Nothing may follow the structure. */
static bool
rd_end(rd_t *r, const char *after)
{
	if (r->bad)
		return false;
	if (r->off != r->len) {
		rd_fail(r, after, r->off, "%zu bytes left over after %s (structure ends "
		    "at offset %zu of %zu)", r->len - r->off, after, r->off, r->len);
		return false;
	}
	return true;
}

/* TPMT_SYM_DEF_OBJECT (Part 2 §11.1.7): algorithm, then keyBits and mode unless NULL. */
static bool
rd_symmetric(rd_t *r, fsim_tpm_public_t *t)
{
	if (!rd_u16(r, "parameters.symmetric.algorithm", &t->sym_alg))
		return false;
	if (t->sym_alg == FSIM_TPM_ALG_NULL)
		return true;
	return rd_u16(r, "parameters.symmetric.keyBits", &t->sym_key_bits) &&
	    rd_u16(r, "parameters.symmetric.mode", &t->sym_mode);
}

/*
 * TPMT_RSA_SCHEME / TPMT_ECC_SCHEME (Part 2 §11.2.4.2, §11.2.5.6): the
 * details arm depends on the scheme. Signing and OAEP schemes carry a hash
 * (TPMS_SCHEME_HASH); RSAES carries nothing (TPMS_EMPTY); ECDAA carries a
 * hash and a count (TPMS_SCHEME_ECDAA). An unknown scheme has an unknown
 * size, so it ends the parse.
 */
static bool
rd_scheme(rd_t *r, fsim_tpm_public_t *t)
{
	size_t at = r->off;
	bool hash = false, count = false;

	if (!rd_u16(r, "parameters.scheme.scheme", &t->scheme))
		return false;
	switch (t->scheme) {
	case FSIM_TPM_ALG_NULL:
		break;
	case FSIM_TPM_ALG_RSAES:
		if (t->type != FSIM_TPM_ALG_RSA)
			goto unknown;
		break;
	case FSIM_TPM_ALG_RSASSA:
	case FSIM_TPM_ALG_RSAPSS:
	case FSIM_TPM_ALG_OAEP:
		if (t->type != FSIM_TPM_ALG_RSA)
			goto unknown;
		hash = true;
		break;
	case FSIM_TPM_ALG_ECDAA:
		count = true;
		/* FALLTHROUGH */
	case FSIM_TPM_ALG_ECDSA:
	case FSIM_TPM_ALG_ECDH:
	case FSIM_TPM_ALG_SM2:
	case FSIM_TPM_ALG_ECSCHNORR:
	case FSIM_TPM_ALG_ECMQV:
		if (t->type != FSIM_TPM_ALG_ECC)
			goto unknown;
		hash = true;
		break;
	default:
		goto unknown;
	}
	if (hash && !rd_u16(r, "parameters.scheme.hashAlg", &t->scheme_hash))
		return false;
	if (count && !rd_u16(r, "parameters.scheme.count", &t->scheme_count))
		return false;
	return true;
unknown:
	rd_fail(r, "parameters.scheme.scheme", at, "scheme 0x%04x (%s) is not an %s "
	    "scheme of TPM 2.0 Part 2, so its layout is unknown", t->scheme,
	    fsim_tpm_alg_name(t->scheme), t->type == FSIM_TPM_ALG_RSA ? "RSA" : "ECC");
	return false;
}

/* TPMT_KDF_SCHEME (Part 2 §11.2.3.3): a hash unless NULL. */
static bool
rd_kdf(rd_t *r, fsim_tpm_public_t *t)
{
	size_t at = r->off;

	if (!rd_u16(r, "parameters.kdf.scheme", &t->kdf))
		return false;
	switch (t->kdf) {
	case FSIM_TPM_ALG_NULL:
		return true;
	case FSIM_TPM_ALG_MGF1:
	case FSIM_TPM_ALG_KDF1_SP800_56A:
	case FSIM_TPM_ALG_KDF2:
	case FSIM_TPM_ALG_KDF1_SP800_108:
		return rd_u16(r, "parameters.kdf.hashAlg", &t->kdf_hash);
	default:
		rd_fail(r, "parameters.kdf.scheme", at, "kdf scheme 0x%04x (%s) is not "
		    "a key derivation scheme of TPM 2.0 Part 2", t->kdf,
		    fsim_tpm_alg_name(t->kdf));
		return false;
	}
}

int
fsim_tpm_public_parse(const uint8_t *ptr, size_t len, fsim_tpm_public_t *out,
    fsim_diags_t *d, const char *rule, const char *field)
{
	fsim_tpm_public_t t;
	rd_t r;

	if (out == NULL || (ptr == NULL && len > 0))
		return FSIM_ERR_ARG;
	memset(&t, 0, sizeof(t));
	rd_init(&r, ptr, len, d, rule, field);

	if (!rd_u16(&r, "type", &t.type))
		return FSIM_ERR_FORMAT;
	if (t.type != FSIM_TPM_ALG_RSA && t.type != FSIM_TPM_ALG_ECC) {
		rd_fail(&r, "type", 0, "type 0x%04x (%s) is neither TPM_ALG_RSA (0x0001) "
		    "nor TPM_ALG_ECC (0x0023)", t.type, fsim_tpm_alg_name(t.type));
		return FSIM_ERR_FORMAT;
	}
	if (!rd_u16(&r, "nameAlg", &t.name_alg) ||
	    !rd_u32(&r, "objectAttributes", &t.object_attributes) ||
	    !rd_tpm2b(&r, "authPolicy", FSIM_TPM_MAX_DIGEST, &t.auth_policy) ||
	    !rd_symmetric(&r, &t) || !rd_scheme(&r, &t))
		return FSIM_ERR_FORMAT;

	if (t.type == FSIM_TPM_ALG_RSA) {
		/* TPMS_RSA_PARMS (§12.2.3.5) then TPM2B_PUBLIC_KEY_RSA (§11.2.4.5). */
		if (!rd_u16(&r, "parameters.keyBits", &t.key_bits))
			return FSIM_ERR_FORMAT;
		t.exponent_off = r.off;
		if (!rd_u32(&r, "parameters.exponent", &t.exponent) ||
		    !rd_tpm2b(&r, "unique.n", FSIM_TPM_MAX_RSA, &t.rsa_n) ||
		    !rd_end(&r, "unique.n"))
			return FSIM_ERR_FORMAT;
	} else {
		/* TPMS_ECC_PARMS (§12.2.3.6) then TPMS_ECC_POINT (§11.2.5.2). */
		t.curve_off = r.off;
		if (!rd_u16(&r, "parameters.curveID", &t.curve_id) || !rd_kdf(&r, &t) ||
		    !rd_tpm2b(&r, "unique.x", FSIM_TPM_MAX_ECC, &t.ecc_x) ||
		    !rd_tpm2b(&r, "unique.y", FSIM_TPM_MAX_ECC, &t.ecc_y) ||
		    !rd_end(&r, "unique.y"))
			return FSIM_ERR_FORMAT;
	}
	*out = t;
	return 0;
}

int
fsim_tpm_attest_parse(const uint8_t *ptr, size_t len, fsim_tpm_attest_t *out,
    fsim_diags_t *d, const char *rule, const char *field)
{
	fsim_tpm_attest_t a;
	rd_t r;

	if (out == NULL || (ptr == NULL && len > 0))
		return FSIM_ERR_ARG;
	memset(&a, 0, sizeof(a));
	rd_init(&r, ptr, len, d, rule, field);

	/* TPMS_ATTEST (§10.12.12), with TPMS_CLOCK_INFO (§10.11.1) inline. */
	if (!rd_u32(&r, "magic", &a.magic) || !rd_u16(&r, "type", &a.type) ||
	    !rd_tpm2b(&r, "qualifiedSigner", FSIM_TPM_MAX_NAME, &a.qualified_signer) ||
	    !rd_tpm2b(&r, "extraData", FSIM_TPM_MAX_DATA, &a.extra_data) ||
	    !rd_u64(&r, "clockInfo.clock", &a.clock) ||
	    !rd_u32(&r, "clockInfo.resetCount", &a.reset_count) ||
	    !rd_u32(&r, "clockInfo.restartCount", &a.restart_count) ||
	    !rd_u8(&r, "clockInfo.safe", &a.safe) ||
	    !rd_u64(&r, "firmwareVersion", &a.firmware_version))
		return FSIM_ERR_FORMAT;
	if (a.type == FSIM_TPM_ST_ATTEST_CERTIFY) {
		/* TPMS_CERTIFY_INFO (§10.12.3). */
		if (!rd_tpm2b(&r, "attested.name", FSIM_TPM_MAX_NAME, &a.name) ||
		    !rd_tpm2b(&r, "attested.qualifiedName", FSIM_TPM_MAX_NAME,
		    &a.qualified_name) || !rd_end(&r, "attested.qualifiedName"))
			return FSIM_ERR_FORMAT;
		a.certify = true;
	}
	*out = a;
	return 0;
}

const char *
fsim_tpm_hash_name(uint16_t alg)
{
	switch (alg) {
	case FSIM_TPM_ALG_SHA1: return "SHA1";
	case FSIM_TPM_ALG_SHA256: return "SHA256";
	case FSIM_TPM_ALG_SHA384: return "SHA384";
	case FSIM_TPM_ALG_SHA512: return "SHA512";
	default: return NULL;
	}
}

const char *
fsim_tpm_alg_name(uint16_t alg)
{
	switch (alg) {
	case FSIM_TPM_ALG_RSA: return "TPM_ALG_RSA";
	case FSIM_TPM_ALG_SHA1: return "TPM_ALG_SHA1";
	case FSIM_TPM_ALG_AES: return "TPM_ALG_AES";
	case FSIM_TPM_ALG_MGF1: return "TPM_ALG_MGF1";
	case FSIM_TPM_ALG_SHA256: return "TPM_ALG_SHA256";
	case FSIM_TPM_ALG_SHA384: return "TPM_ALG_SHA384";
	case FSIM_TPM_ALG_SHA512: return "TPM_ALG_SHA512";
	case FSIM_TPM_ALG_NULL: return "TPM_ALG_NULL";
	case FSIM_TPM_ALG_RSASSA: return "TPM_ALG_RSASSA";
	case FSIM_TPM_ALG_RSAES: return "TPM_ALG_RSAES";
	case FSIM_TPM_ALG_RSAPSS: return "TPM_ALG_RSAPSS";
	case FSIM_TPM_ALG_OAEP: return "TPM_ALG_OAEP";
	case FSIM_TPM_ALG_ECDSA: return "TPM_ALG_ECDSA";
	case FSIM_TPM_ALG_ECDH: return "TPM_ALG_ECDH";
	case FSIM_TPM_ALG_ECDAA: return "TPM_ALG_ECDAA";
	case FSIM_TPM_ALG_SM2: return "TPM_ALG_SM2";
	case FSIM_TPM_ALG_ECSCHNORR: return "TPM_ALG_ECSCHNORR";
	case FSIM_TPM_ALG_ECMQV: return "TPM_ALG_ECMQV";
	case FSIM_TPM_ALG_KDF1_SP800_56A: return "TPM_ALG_KDF1_SP800_56A";
	case FSIM_TPM_ALG_KDF2: return "TPM_ALG_KDF2";
	case FSIM_TPM_ALG_KDF1_SP800_108: return "TPM_ALG_KDF1_SP800_108";
	case FSIM_TPM_ALG_ECC: return "TPM_ALG_ECC";
	default: return "unknown";
	}
}
