/*
 * cose.c — COSE_Key parsing and the algorithm/curve tables (WebAuthn §5.8.5,
 * §6.5.1.1; RFC 9052 §7, RFC 9053 §7, RFC 8230 §4, RFC 9864 for the fully
 * specified algorithms). The key object and its EVP_PKEY are in cose_key.c.
 *
 * A parsed key keeps its EVP_PKEY, built and validated once at parse time, so
 * signature checks never re-parse it; loading a stored key goes through this
 * same parse, which re-checks COSE-03/04 (REC-02).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cborx.h"
#include "cose.h"
#include "cose_internal.h"
#include "mldsa.h"

/*
 * The md getters are the SIG-02 hashes: SHA-256 for P-256, RS256 and PS256,
 * SHA-384 for P-384 and PS384, SHA-512 for P-521 and PS512, SHA-1 for RS1;
 * EdDSA hashes internally (RFC 8032).
 */
static const struct fsim_cose_alg_info alg_tab[] = {
	{ FSIM_COSE_ES256, "ES256", FSIM_COSE_KTY_EC2, FSIM_COSE_CRV_P256, 0,
	    false, EVP_sha256 },
	{ FSIM_COSE_EDDSA, "EdDSA", FSIM_COSE_KTY_OKP, FSIM_COSE_CRV_ED25519,
	    FSIM_COSE_CRV_ED448, false, NULL },
	{ FSIM_COSE_ESP256, "ESP256", FSIM_COSE_KTY_EC2, FSIM_COSE_CRV_P256, 0,
	    true, EVP_sha256 },
	{ FSIM_COSE_ED25519, "Ed25519", FSIM_COSE_KTY_OKP, FSIM_COSE_CRV_ED25519,
	    0, true, NULL },
	{ FSIM_COSE_ES384, "ES384", FSIM_COSE_KTY_EC2, FSIM_COSE_CRV_P384, 0,
	    false, EVP_sha384 },
	{ FSIM_COSE_ES512, "ES512", FSIM_COSE_KTY_EC2, FSIM_COSE_CRV_P521, 0,
	    false, EVP_sha512 },
	{ FSIM_COSE_PS256, "PS256", FSIM_COSE_KTY_RSA, 0, 0, false, EVP_sha256 },
	{ FSIM_COSE_ESP384, "ESP384", FSIM_COSE_KTY_EC2, FSIM_COSE_CRV_P384, 0,
	    true, EVP_sha384 },
	{ FSIM_COSE_ESP512, "ESP512", FSIM_COSE_KTY_EC2, FSIM_COSE_CRV_P521, 0,
	    true, EVP_sha512 },
	{ FSIM_COSE_ED448, "Ed448", FSIM_COSE_KTY_OKP, FSIM_COSE_CRV_ED448, 0,
	    true, NULL },
	{ FSIM_COSE_RS256, "RS256", FSIM_COSE_KTY_RSA, 0, 0, false, EVP_sha256 },
	/* RFC 8230 §2: PSS with MGF1 over the same hash, salt as long as the hash. */
	{ FSIM_COSE_PS384, "PS384", FSIM_COSE_KTY_RSA, 0, 0, false, EVP_sha384 },
	{ FSIM_COSE_PS512, "PS512", FSIM_COSE_KTY_RSA, 0, 0, false, EVP_sha512 },
	/* RFC 8812 §2: PKCS#1 v1.5 over SHA-1; "not recommended", Windows Hello used it. */
	{ FSIM_COSE_RS1, "RS1", FSIM_COSE_KTY_RSA, 0, 0, false, EVP_sha1 },
	/* FIPS 204 pure ML-DSA hashes the message itself (SHAKE256) */
	{ FSIM_COSE_MLDSA44, "ML-DSA-44", FSIM_COSE_KTY_AKP, 0, 0, false, NULL },
	{ FSIM_COSE_MLDSA65, "ML-DSA-65", FSIM_COSE_KTY_AKP, 0, 0, false, NULL },
	{ FSIM_COSE_MLDSA87, "ML-DSA-87", FSIM_COSE_KTY_AKP, 0, 0, false, NULL },
};

static const struct fsim_cose_crv_info crv_tab[] = {
	{ FSIM_COSE_CRV_P256, "P-256", "prime256v1", 32, 256 },
	{ FSIM_COSE_CRV_P384, "P-384", "secp384r1", 48, 384 },
	{ FSIM_COSE_CRV_P521, "P-521", "secp521r1", 66, 521 },
	{ FSIM_COSE_CRV_ED25519, "Ed25519", "ED25519", 32, 255 },
	{ FSIM_COSE_CRV_ED448, "Ed448", "ED448", 57, 448 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const struct fsim_cose_alg_info *
fsim_cose_alg_info(int alg)
{
	size_t i;

	for (i = 0; i < NELEM(alg_tab); i++)
		if (alg_tab[i].alg == alg)
			return &alg_tab[i];
	return NULL;
}

const EVP_MD *
fsim_cose_alg_md(int alg)
{
	const struct fsim_cose_alg_info *ai = fsim_cose_alg_info(alg);

	return ai != NULL && ai->md != NULL ? ai->md() : NULL;
}

bool
fsim_cose_alg_is_pss(int alg)
{
	return alg == FSIM_COSE_PS256 || alg == FSIM_COSE_PS384 ||
	    alg == FSIM_COSE_PS512;
}

const struct fsim_cose_crv_info *
fsim_cose_crv_info(int crv)
{
	size_t i;

	for (i = 0; i < NELEM(crv_tab); i++)
		if (crv_tab[i].crv == crv)
			return &crv_tab[i];
	return NULL;
}

const char *
fsim_cose_alg_name(int alg)
{
	const struct fsim_cose_alg_info *ai = fsim_cose_alg_info(alg);

	return ai != NULL ? ai->name : NULL;
}

int
fsim_cose_alg_from_name(const char *name)
{
	char *end;
	long v;
	size_t i;

	if (name == NULL || name[0] == '\0')
		return 0;
	for (i = 0; i < NELEM(alg_tab); i++)
		if (strcasecmp(name, alg_tab[i].name) == 0)
			return alg_tab[i].alg;
	/* --algs spellings without the dashes: mldsa44, mldsa65, mldsa87 */
	if (strncasecmp(name, "mldsa", 5) == 0)
		for (i = 0; i < NELEM(alg_tab); i++)
			if (alg_tab[i].kty == FSIM_COSE_KTY_AKP &&
			    strcmp(name + 5, alg_tab[i].name + 7) == 0)
				return alg_tab[i].alg;
	/* A numeric COSEAlgorithmIdentifier ("-7") names a supported alg too. */
	v = strtol(name, &end, 10);
	if (*end == '\0' && v >= INT_MIN && v <= INT_MAX &&
	    fsim_cose_alg_info((int)v) != NULL)
		return (int)v;
	return 0;
}

const char *
fsim_cose_kty_name(int kty)
{
	switch (kty) {
	case FSIM_COSE_KTY_OKP: return "OKP";
	case FSIM_COSE_KTY_EC2: return "EC2";
	case FSIM_COSE_KTY_RSA: return "RSA";
	case FSIM_COSE_KTY_AKP: return "AKP";
	default: return NULL;
	}
}

const char *
fsim_cose_crv_name(int crv)
{
	const struct fsim_cose_crv_info *ci = fsim_cose_crv_info(crv);

	return ci != NULL ? ci->name : NULL;
}

static const char *
or_unknown(const char *s)
{
	return s != NULL ? s : "unknown";
}

/*
 * Integer value of a CBOR uint/negint. Returns 1 and sets *v when it fits
 * int64_t, -1 for an integer outside that range, 0 when not an integer.
 */
static int
int_of(const cbor_item_t *it, int64_t *v)
{
	uint64_t raw;

	if (!cbor_isa_uint(it) && !cbor_isa_negint(it))
		return 0;
	raw = cbor_get_int(it);
	if (raw > (uint64_t)INT64_MAX)
		return -1;
	*v = cbor_isa_uint(it) ? (int64_t)raw : -1 - (int64_t)raw;
	return 1;
}

/* Name of a label that is neither required nor allowed for this kty. */
static const char *
label_name(int kty, int64_t label)
{
	static const char *const rsa_priv[] = { "d", "p", "q", "dP", "dQ",
	    "qInv", "other", "r_i", "d_i", "t_i" };

	switch (label) {
	case 2: return "kid";
	case 4: return "key_ops";
	case 5: return "Base IV";
	default: break;
	}
	if (kty == FSIM_COSE_KTY_RSA && label <= -3 && label >= -12)
		return rsa_priv[-label - 3];
	if (kty == FSIM_COSE_KTY_AKP && label == -2)
		return "priv";
	if (kty != FSIM_COSE_KTY_RSA && kty != FSIM_COSE_KTY_AKP && label == -4)
		return "d";
	return "unregistered";
}

/* Labels a WebAuthn credential key of this kty carries (COSE-01/03). */
static bool
label_allowed(int kty, int64_t label)
{
	if (label == 1 || label == 3)
		return true;
	switch (kty) {
	case FSIM_COSE_KTY_EC2: return label == -1 || label == -2 || label == -3;
	case FSIM_COSE_KTY_OKP:
	case FSIM_COSE_KTY_RSA: return label == -1 || label == -2;
	case FSIM_COSE_KTY_AKP: return label == -1;
	default: return false;
	}
}

/* Values of the labels we read: index label + 3 for -3..3 (1, 3, -1, -2, -3). */
struct slots {
	const cbor_item_t *v[7];
};
#define SLOT(s, l) ((s)->v[(l) + 3])

/* A definite byte string, or a COSE-01/COSE-03 error naming it. */
static bool
get_bstr(const cbor_item_t *it, const char *what, int64_t label,
    const uint8_t **p, size_t *len, fsim_diags_t *d)
{
	if (it == NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-01", what, FSIM_NO_OFFSET,
		    "missing %s (label %lld)", what, (long long)label);
		return false;
	}
	if (!cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", what, FSIM_NO_OFFSET,
		    "%s (label %lld) has type %s, expected a definite byte string",
		    what, (long long)label, fsim_cbor_type_name(it));
		return false;
	}
	*p = cbor_bytestring_handle(it);
	*len = cbor_bytestring_length(it);
	return true;
}

/* crv (label -1) for EC2/OKP: present and matching, or implied by the alg. */
static bool
check_crv(const struct fsim_cose_alg_info *ai, const cbor_item_t *it, int *crv,
    fsim_diags_t *d)
{
	int64_t v;

	if (it == NULL) {
		if (ai->crv_opt) {  /* RFC 9864: the alg names the curve */
			*crv = ai->crv;
			return true;
		}
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-01", "crv", FSIM_NO_OFFSET,
		    "missing crv (label -1), required with alg %s", ai->name);
		return false;
	}
	if (int_of(it, &v) != 1) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", "crv", FSIM_NO_OFFSET,
		    "crv (label -1) has type %s, expected an integer",
		    fsim_cbor_type_name(it));
		return false;
	}
	if (v != ai->crv && (ai->crv2 == 0 || v != ai->crv2)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-04", "crv", FSIM_NO_OFFSET,
		    "crv %lld (%s) does not agree with alg %s, which uses crv %d (%s)",
		    (long long)v, or_unknown(v >= INT_MIN && v <= INT_MAX ?
		    fsim_cose_crv_name((int)v) : NULL), ai->name, ai->crv,
		    fsim_cose_crv_name(ai->crv));
		return false;
	}
	*crv = (int)v;
	return true;
}

/* Collect labels 1, 3, -1, -2, -3; reject duplicates and non-label keys. */
static bool
collect(const cbor_item_t *map, struct slots *s, fsim_diags_t *d)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	size_t i, n = cbor_map_size(map);
	int64_t label;
	bool ok = true;

	for (i = 0; i < n; i++) {
		const cbor_item_t *key = pairs[i].key;

		if (cbor_isa_string(key))
			continue;  /* legal, never a required label: warned later */
		if (int_of(key, &label) == 0) {
			fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-01", NULL, FSIM_NO_OFFSET,
			    "map key has type %s; COSE labels are integers or text",
			    fsim_cbor_type_name(key));
			ok = false;
			continue;
		}
		if (int_of(key, &label) < 0 || label < -3 || label > 3 ||
		    label == 0 || label == 2)
			continue;
		if (SLOT(s, label) != NULL) {
			fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-01", NULL, FSIM_NO_OFFSET,
			    "label %lld appears twice", (long long)label);
			ok = false;
		}
		SLOT(s, label) = pairs[i].value;
	}
	return ok;
}

/* COSE-02: every label the kty does not use is an optional parameter. */
static void
warn_extra(const cbor_item_t *map, int kty, fsim_diags_t *d)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	size_t i, n = cbor_map_size(map);
	char field[32];
	int64_t label;
	bool priv;
	int rc;

	for (i = 0; i < n; i++) {
		const cbor_item_t *key = pairs[i].key;

		if (cbor_isa_string(key)) {
			fsim_diags_add(d, FSIM_SEV_WARNING, "COSE-02", NULL,
			    FSIM_NO_OFFSET, "text label \"%.*s\" present", (int)(
			    cbor_string_length(key) > 40 ? 40 : cbor_string_length(key)),
			    cbor_string_handle(key) != NULL ?
			    (const char *)cbor_string_handle(key) : "");
			continue;
		}
		if ((rc = int_of(key, &label)) == 0 || (rc == 1 &&
		    label_allowed(kty, label)))
			continue;
		if (rc < 0) {
			fsim_diags_add(d, FSIM_SEV_WARNING, "COSE-02", NULL,
			    FSIM_NO_OFFSET, "integer label outside the int64 range "
			    "present");
			continue;
		}
		/* RFC 9053 §7.1-7.2, RFC 8230 §4: the private key parameters */
		priv = kty == FSIM_COSE_KTY_RSA ? label <= -3 && label >= -12 :
		    kty == FSIM_COSE_KTY_AKP ? label == -2 : label == -4;
		snprintf(field, sizeof(field), "label %lld", (long long)label);
		fsim_diags_add(d, FSIM_SEV_WARNING, "COSE-02", field, FSIM_NO_OFFSET,
		    "label %lld (%s) present%s", (long long)label,
		    label_name(kty, label), priv ?
		    ": private key material in a public key" : "");
	}
}

/* kty (1) and alg (3): present and integers (COSE-01). */
static bool
get_kty_alg(const struct slots *s, int64_t *kty, int64_t *alg, fsim_diags_t *d)
{
	static const char *const names[] = { "kty", "alg" };
	const cbor_item_t *it[2] = { SLOT(s, 1), SLOT(s, 3) };
	int64_t *v[2] = { kty, alg };
	bool ok = true;
	int i;

	for (i = 0; i < 2; i++) {
		if (it[i] == NULL) {
			fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-01", names[i],
			    FSIM_NO_OFFSET, "missing %s (label %d)", names[i], i * 2 + 1);
			ok = false;
		} else if (int_of(it[i], v[i]) != 1) {
			fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-01", names[i],
			    FSIM_NO_OFFSET, "%s (label %d) has type %s, expected an integer",
			    names[i], i * 2 + 1, fsim_cbor_type_name(it[i]));
			ok = false;
		}
	}
	return ok;
}

/* OKP x (-2): exact length, then a decodable point (COSE-03/04). */
static int
okp_key(const struct fsim_cose_crv_info *ci, const uint8_t *x, size_t xlen,
    EVP_PKEY **pkey, fsim_diags_t *d)
{
	int r;

	if (xlen != ci->coord_len) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", "x", FSIM_NO_OFFSET,
		    "x is %zu bytes, %s needs exactly %zu", xlen, ci->name,
		    ci->coord_len);
		return FSIM_ERR_COSE;
	}
	if ((r = fsim_cose_ed_build(ci->crv, x, xlen, pkey)) == FSIM_ERR_COSE)
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-04", "x", FSIM_NO_OFFSET,
		    "x is not a valid %s public key (no such point, or a point of "
		    "small order)", ci->name);
	return r;
}

/*
 * AKP pub (-1) of an ML-DSA key: exactly the FIPS 204 public key length
 * (COSE-03). Every byte string of that length decodes to a key (pkDecode
 * takes any 10-bit values), so there is nothing more to check.
 */
static int
akp_key(const struct fsim_cose_alg_info *ai, const uint8_t *pub, size_t len,
    EVP_PKEY **pkey, int *bits, fsim_diags_t *d)
{
	int set = fsim_mldsa_set_of_alg(ai->alg);
	size_t want = fsim_mldsa_public_len(set);

	if (len != want) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", "pub", FSIM_NO_OFFSET,
		    "pub is %zu bytes, %s needs exactly %zu (FIPS 204 pkEncode)",
		    len, ai->name, want);
		return FSIM_ERR_COSE;
	}
	*bits = (int)(8 * want);
	return fsim_mldsa_pkey_from_public(set, pub, len, pkey);
}

/* EC2 x (-2) and y (-3): byte strings of the exact length, on the curve. */
static int
ec2_key(const struct fsim_cose_crv_info *ci, const uint8_t *x, size_t xlen,
    const cbor_item_t *yi, EVP_PKEY **pkey, fsim_diags_t *d)
{
	const uint8_t *y = NULL;
	size_t ylen = 0;
	int r;

	/* libcbor asserts if cbor_is_bool is asked about a float: ask is_ctrl first. */
	if (yi != NULL && cbor_isa_float_ctrl(yi) && cbor_float_ctrl_is_ctrl(yi) &&
	    cbor_is_bool(yi)) {
		/* RFC 9053 §7.1.1 allows a sign bit; §5.8.5 wants uncompressed */
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", "y", FSIM_NO_OFFSET,
		    "y is a boolean (a compressed point); WebAuthn needs the "
		    "%zu-byte y coordinate", ci->coord_len);
		return FSIM_ERR_COSE;
	}
	if (!get_bstr(yi, "y", -3, &y, &ylen, d))
		return FSIM_ERR_COSE;
	if (xlen != ci->coord_len || ylen != ci->coord_len) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03",
		    xlen != ci->coord_len ? "x" : "y", FSIM_NO_OFFSET,
		    "%s is %zu bytes, %s needs exactly %zu (left-padded)",
		    xlen != ci->coord_len ? "x" : "y", xlen != ci->coord_len ?
		    xlen : ylen, ci->name, ci->coord_len);
		return FSIM_ERR_COSE;
	}
	if ((r = fsim_cose_ec_build(ci, x, y, pkey)) == FSIM_ERR_COSE)
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-04", NULL, FSIM_NO_OFFSET,
		    "(x, y) is not a point on %s (off the curve, a coordinate "
		    ">= p, or the identity)", ci->name);
	return r;
}

int
fsim_cose_key_from_cbor(const cbor_item_t *map, fsim_cose_key_t **out,
    fsim_diags_t *d)
{
	struct slots s;
	const struct fsim_cose_alg_info *ai;
	const struct fsim_cose_crv_info *ci;
	const uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	EVP_PKEY *pkey = NULL;
	int64_t kty = 0, alg = 0;
	int r = FSIM_ERR_COSE, crv = 0, bits = 0;

	if (out != NULL)
		*out = NULL;
	if (map == NULL || out == NULL)
		return FSIM_ERR_ARG;
	memset(&s, 0, sizeof(s));
	if (!cbor_isa_map(map)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-01", NULL, FSIM_NO_OFFSET,
		    "COSE_Key has type %s, expected a map", fsim_cbor_type_name(map));
		goto fail;
	}
	if (!collect(map, &s, d) || !get_kty_alg(&s, &kty, &alg, d))
		goto fail;
	if (alg < INT_MIN || alg > INT_MAX ||
	    (ai = fsim_cose_alg_info((int)alg)) == NULL) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", "alg", FSIM_NO_OFFSET,
		    "unsupported alg %lld: not a COSE algorithm fidosim can verify "
		    "signatures with, so this key cannot be used", (long long)alg);
		r = FSIM_ERR_UNSUPPORTED;
		goto fail;
	}
	if (kty != ai->kty) {
		fsim_diags_add(d, FSIM_SEV_ERROR, "COSE-03", "kty", FSIM_NO_OFFSET,
		    "kty %lld (%s) does not fit alg %s, which needs kty %d (%s)",
		    (long long)kty, or_unknown(kty >= 0 && kty <= 7 ?
		    fsim_cose_kty_name((int)kty) : NULL), ai->name, ai->kty,
		    fsim_cose_kty_name(ai->kty));
		goto fail;
	}
	warn_extra(map, ai->kty, d);
	if (ai->kty == FSIM_COSE_KTY_RSA) {
		if (!get_bstr(SLOT(&s, -1), "n", -1, &a, &alen, d) ||
		    !get_bstr(SLOT(&s, -2), "e", -2, &b, &blen, d))
			goto fail;
		r = fsim_cose_rsa_build(a, alen, b, blen, &pkey, &bits, d);
	} else if (ai->kty == FSIM_COSE_KTY_AKP) {
		if (!get_bstr(SLOT(&s, -1), "pub", -1, &a, &alen, d))
			goto fail;
		r = akp_key(ai, a, alen, &pkey, &bits, d);
	} else {
		if (!check_crv(ai, SLOT(&s, -1), &crv, d) ||
		    !get_bstr(SLOT(&s, -2), "x", -2, &a, &alen, d))
			goto fail;
		if (ai->alg == FSIM_COSE_EDDSA && crv == FSIM_COSE_CRV_ED448)
			fsim_diags_add(d, FSIM_SEV_WARNING, "COSE-03", "crv",
			    FSIM_NO_OFFSET, "EdDSA (-8) with crv 7 (Ed448): WebAuthn "
			    "expects Ed25519 under -8 and Ed448 as alg -53");
		ci = fsim_cose_crv_info(crv);
		bits = ci->bits;
		if (ai->kty == FSIM_COSE_KTY_OKP)
			r = okp_key(ci, a, alen, &pkey, d);
		else
			r = ec2_key(ci, a, alen, SLOT(&s, -3), &pkey, d);
	}
	if (r != 0)
		goto fail;
	if ((r = fsim_cose_key_wrap(ai->alg, ai->kty, crv, bits, pkey, out)) != 0)
		goto fail;
	pkey = NULL;
	if (ai->kty == FSIM_COSE_KTY_OKP)
		fsim_cose_key_note_point(*out, a, NULL, alen);
	else if (ai->kty == FSIM_COSE_KTY_EC2 && SLOT(&s, -3) != NULL &&
	    cbor_isa_bytestring(SLOT(&s, -3)) && cbor_bytestring_is_definite(SLOT(&s, -3)) &&
	    cbor_bytestring_length(SLOT(&s, -3)) == alen)
		fsim_cose_key_note_point(*out, a, cbor_bytestring_handle(SLOT(&s, -3)), alen);
	r = 0;
fail:
	EVP_PKEY_free(pkey);
	return r;
}

int
fsim_cose_key_parse(const uint8_t *ptr, size_t len, fsim_cose_key_t **out,
    fsim_diags_t *d)
{
	cbor_item_t *item = NULL;
	int r;

	if (out != NULL)
		*out = NULL;
	if ((ptr == NULL && len > 0) || out == NULL)
		return FSIM_ERR_ARG;
	if ((r = fsim_cbor_decode(ptr, len, &item, d)) != 0)
		goto fail;
	if ((r = fsim_cose_key_from_cbor(item, out, d)) != 0)
		goto fail;
	/* §6.5.1.1: the key is in CTAP2 canonical CBOR (labels 1, 3, -1, -2, -3). */
	if (!fsim_cbor_is_canonical(ptr, len))
		fsim_diags_add(d, FSIM_SEV_WARNING, "COSE-06", NULL, 0,
		    "COSE_Key is not in CTAP2 canonical form "
		    "(labels must be ordered 1, 3, -1, -2, -3 with shortest encodings)");
fail:
	if (item != NULL)
		cbor_decref(&item);
	return r;
}

