/*
 * fmt_android_key.c — the "android-key" attestation statement (WebAuthn L3
 * §8.4): attStmt = {alg, sig, x5c}. The credential key itself signs
 * authData || clientDataHash and is certified by the leaf of x5c, whose
 * KeyDescription extension (Android keystore attestation schema) must bind
 * the client data hash and say the key was generated in the keystore for
 * signing. Result: Basic attestation, trust path x5c.
 *
 * Rules: ATT-AKEY-01 (shape), -02 (signature), -03 (leaf key is the
 * credential key), -04 (KeyDescription present, DER, challenge), -05 (no
 * allApplications), -06 (origin GENERATED and purpose SIGN, PIT-16).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "rp-sim/der.h"
#include "rp-sim/fmt.h"
#include "rp-sim/x509util.h"

#define F_STMT "attestationObject.attStmt"
#define F_LEAF F_STMT ".x5c[0]"
#define F_KD   F_LEAF ".KeyDescription"

/*
 * Keymaster/KeyMint tag numbers (the [n] of an AuthorizationList field) and
 * values, from the Android key attestation schema (KeyDescription, version
 * 1 to 400): purpose [1] SET OF INTEGER, allApplications [600] NULL, origin
 * [702] INTEGER.
 */
#define KM_TAG_PURPOSE          1
#define KM_TAG_ALL_APPLICATIONS 600
#define KM_TAG_ORIGIN           702
#define KM_PURPOSE_SIGN         2
#define KM_ORIGIN_GENERATED     0

/* The fields of one AuthorizationList that §8.4 looks at. */
typedef struct auth_list {
	bool has_purpose;
	bool purpose_sign;       /* purpose holds KM_PURPOSE_SIGN */
	bool all_apps;           /* allApplications present */
	bool has_origin;
	int64_t origin;
	char purposes[64];       /* "2,3" for messages */
} auth_list_t;

typedef struct key_desc {
	int64_t version;                 /* attestationVersion */
	const uint8_t *challenge;        /* lent from the certificate */
	size_t challenge_len;
	auth_list_t sw;                  /* softwareEnforced */
	auth_list_t tee;                 /* teeEnforced (hardwareEnforced in KeyMint) */
} key_desc_t;

/* Verdict codes stay verdicts; anything else is the caller's error. */
static bool
is_internal(int r)
{
	return r != 0 && r != FSIM_ERR_FORMAT && r != FSIM_ERR_SIGNATURE;
}

/* ---- KeyDescription (ASN.1 DER) ---- */

static void
add_purpose(auth_list_t *l, int64_t v)
{
	size_t n = strlen(l->purposes);

	if (n < sizeof(l->purposes) - 1)
		snprintf(l->purposes + n, sizeof(l->purposes) - n, "%s%" PRId64,
		    n > 0 ? "," : "", v);
	if (v == KM_PURPOSE_SIGN)
		l->purpose_sign = true;
}

/* purpose [1] EXPLICIT SET OF INTEGER: the contents of the [1] wrapper. */
static int
parse_purpose(const fsim_der_t *f, auth_list_t *l, const char *name, char *err,
    size_t errlen)
{
	fsim_der_t set, e;
	const uint8_t *p;
	size_t left;
	int64_t v;

	if (fsim_der_one(f->val, f->len, &set) != 0 ||
	    !fsim_der_is(&set, FSIM_DER_UNIVERSAL, true, FSIM_DER_SET)) {
		snprintf(err, errlen, "%s.purpose [1] does not hold one SET", name);
		return FSIM_ERR_FORMAT;
	}
	p = set.val;
	left = set.len;
	while (left > 0) {
		if (fsim_der_next(&p, &left, &e) != 0 ||
		    !fsim_der_is(&e, FSIM_DER_UNIVERSAL, false, FSIM_DER_INTEGER) ||
		    fsim_der_int(&e, &v) != 0) {
			snprintf(err, errlen, "%s.purpose [1] holds an element that is "
			    "not a DER INTEGER", name);
			return FSIM_ERR_FORMAT;
		}
		add_purpose(l, v);
	}
	l->has_purpose = true;
	return 0;
}

/*
 * AuthorizationList ::= SEQUENCE of optional EXPLICIT context-tagged fields.
 * Fields we do not need are skipped; the three we read must not repeat, as
 * two values for one tag would leave the answer ambiguous.
 */
static int
parse_auth_list(const fsim_der_t *seq, auth_list_t *l, const char *name,
    char *err, size_t errlen)
{
	fsim_der_t f, in;
	const uint8_t *p;
	size_t left;

	memset(l, 0, sizeof(*l));
	if (!fsim_der_is(seq, FSIM_DER_UNIVERSAL, true, FSIM_DER_SEQUENCE)) {
		snprintf(err, errlen, "%s is not a SEQUENCE (class 0x%02x, tag %" PRIu32 ")",
		    name, seq->cls, seq->tag);
		return FSIM_ERR_FORMAT;
	}
	p = seq->val;
	left = seq->len;
	while (left > 0) {
		size_t off = seq->len - left;

		if (fsim_der_next(&p, &left, &f) != 0) {
			snprintf(err, errlen, "%s: the element at offset %zu is not "
			    "DER TLV", name, off);
			return FSIM_ERR_FORMAT;
		}
		if (f.cls != FSIM_DER_CONTEXT || !f.cons) {
			snprintf(err, errlen, "%s: the element at offset %zu (class "
			    "0x%02x, tag %" PRIu32 ") is not an EXPLICIT [n] field",
			    name, off, f.cls, f.tag);
			return FSIM_ERR_FORMAT;
		}
		switch (f.tag) {
		case KM_TAG_PURPOSE:
			if (l->has_purpose) {
				snprintf(err, errlen, "%s.purpose [1] appears twice", name);
				return FSIM_ERR_FORMAT;
			}
			if (parse_purpose(&f, l, name, err, errlen) != 0)
				return FSIM_ERR_FORMAT;
			break;
		case KM_TAG_ALL_APPLICATIONS:
			if (l->all_apps) {
				snprintf(err, errlen, "%s.allApplications [600] "
				    "appears twice", name);
				return FSIM_ERR_FORMAT;
			}
			if (fsim_der_one(f.val, f.len, &in) != 0 ||
			    !fsim_der_is(&in, FSIM_DER_UNIVERSAL, false, FSIM_DER_NULL) ||
			    in.len != 0) {
				snprintf(err, errlen, "%s.allApplications [600] is not "
				    "one NULL", name);
				return FSIM_ERR_FORMAT;
			}
			l->all_apps = true;
			break;
		case KM_TAG_ORIGIN:
			if (l->has_origin) {
				snprintf(err, errlen, "%s.origin [702] appears twice",
				    name);
				return FSIM_ERR_FORMAT;
			}
			if (fsim_der_one(f.val, f.len, &in) != 0 ||
			    !fsim_der_is(&in, FSIM_DER_UNIVERSAL, false, FSIM_DER_INTEGER) ||
			    fsim_der_int(&in, &l->origin) != 0) {
				snprintf(err, errlen, "%s.origin [702] is not one DER "
				    "INTEGER", name);
				return FSIM_ERR_FORMAT;
			}
			l->has_origin = true;
			break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * KeyDescription ::= SEQUENCE { attestationVersion INTEGER,
 *   attestationSecurityLevel ENUMERATED, keymasterVersion INTEGER,
 *   keymasterSecurityLevel ENUMERATED, attestationChallenge OCTET STRING,
 *   uniqueId OCTET STRING, softwareEnforced AuthorizationList,
 *   teeEnforced AuthorizationList, ... }
 * Elements after the eighth are left alone: later schema versions may add.
 */
static int
parse_key_desc(const uint8_t *der, size_t len, key_desc_t *kd, char *err,
    size_t errlen)
{
	static const struct {
		const char *name;
		uint32_t tag;
	} head[] = {
		{ "attestationVersion", FSIM_DER_INTEGER },
		{ "attestationSecurityLevel", FSIM_DER_ENUMERATED },
		{ "keymasterVersion", FSIM_DER_INTEGER },
		{ "keymasterSecurityLevel", FSIM_DER_ENUMERATED },
		{ "attestationChallenge", FSIM_DER_OCTETSTRING },
		{ "uniqueId", FSIM_DER_OCTETSTRING },
	};
	fsim_der_t seq, e;
	const uint8_t *p;
	size_t left, i;
	int64_t v = 0;

	memset(kd, 0, sizeof(*kd));
	if (fsim_der_one(der, len, &seq) != 0 ||
	    !fsim_der_is(&seq, FSIM_DER_UNIVERSAL, true, FSIM_DER_SEQUENCE)) {
		snprintf(err, errlen, "the %zu-byte extension value is not one DER "
		    "SEQUENCE", len);
		return FSIM_ERR_FORMAT;
	}
	p = seq.val;
	left = seq.len;
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		if (fsim_der_next(&p, &left, &e) != 0 ||
		    !fsim_der_is(&e, FSIM_DER_UNIVERSAL, false, head[i].tag)) {
			snprintf(err, errlen, "%s is missing or not a primitive "
			    "universal tag %" PRIu32, head[i].name, head[i].tag);
			return FSIM_ERR_FORMAT;
		}
		if (head[i].tag != FSIM_DER_OCTETSTRING && fsim_der_int(&e, &v) != 0) {
			snprintf(err, errlen, "%s is not a DER integer that fits 64 "
			    "bits", head[i].name);
			return FSIM_ERR_FORMAT;
		}
		if (i == 0)
			kd->version = v;
		if (i == 4) {
			kd->challenge = e.val;
			kd->challenge_len = e.len;
		}
	}
	if (fsim_der_next(&p, &left, &e) != 0) {
		snprintf(err, errlen, "softwareEnforced is missing or not DER");
		return FSIM_ERR_FORMAT;
	}
	if (parse_auth_list(&e, &kd->sw, "softwareEnforced", err, errlen) != 0)
		return FSIM_ERR_FORMAT;
	if (fsim_der_next(&p, &left, &e) != 0) {
		snprintf(err, errlen, "teeEnforced is missing or not DER");
		return FSIM_ERR_FORMAT;
	}
	if (parse_auth_list(&e, &kd->tee, "teeEnforced", err, errlen) != 0)
		return FSIM_ERR_FORMAT;
	return 0;
}

/* ---- the rules ---- */

/* ATT-AKEY-01: {alg: int, sig: bytes, x5c: [bytes, ...]}. */
static int
check_shape(const fsim_fmt_ctx_t *c, int *alg, const uint8_t **sig, size_t *siglen,
    STACK_OF(X509) **x5c)
{
	fsim_checks_t *ck = c->ck;
	const cbor_item_t *st = c->att_stmt;
	cbor_item_t *it;
	struct cbor_pair *pairs;
	int64_t a = 0;
	size_t i, n;
	bool bad = false;
	int r;

	if (st == NULL || !cbor_isa_map(st) || !cbor_map_is_definite(st)) {
		fsim_checks_fail(ck, FSIM_R_ATT_AKEY_01, F_STMT, "attStmt is %s, not "
		    "a map {alg, sig, x5c}", st == NULL ? "missing" :
		    fsim_cbor_type_name(st));
		return FSIM_ERR_FORMAT;
	}
	if ((it = fsim_cbor_map_get_str(st, "alg")) == NULL) {
		fsim_checks_fail(ck, FSIM_R_ATT_AKEY_01, F_STMT ".alg", "alg is missing");
		bad = true;
	} else if (fsim_cbor_get_int(it, &a) != 0 || a < INT32_MIN || a > INT32_MAX) {
		fsim_checks_fail(ck, FSIM_R_ATT_AKEY_01, F_STMT ".alg", "alg is %s, not "
		    "a COSEAlgorithmIdentifier", fsim_cbor_type_name(it));
		bad = true;
	}
	if ((it = fsim_cbor_map_get_str(st, "sig")) == NULL) {
		fsim_checks_fail(ck, FSIM_R_ATT_AKEY_01, F_STMT ".sig", "sig is missing");
		bad = true;
	} else if (fsim_cbor_get_bytes(it, sig, siglen) != 0) {
		fsim_checks_fail(ck, FSIM_R_ATT_AKEY_01, F_STMT ".sig", "sig is %s, not "
		    "a byte string", fsim_cbor_type_name(it));
		bad = true;
	}
	r = fsim_x5c_parse(fsim_cbor_map_get_str(st, "x5c"), x5c, ck,
	    FSIM_R_ATT_AKEY_01, F_STMT ".x5c");
	if (is_internal(r))
		return r;
	if (r != 0)
		bad = true;
	/* §8.4 defines exactly three members: more is not the syntax, but harmless. */
	n = cbor_map_size(st);
	pairs = cbor_map_handle(st);
	for (i = 0; i < n; i++) {
		char *k = NULL;

		if (fsim_cbor_get_text(pairs[i].key, &k) != 0) {
			fsim_checks_warn(ck, FSIM_R_ATT_AKEY_01, F_STMT, "attStmt has a "
			    "%s key; android-key defines only alg, sig and x5c",
			    fsim_cbor_type_name(pairs[i].key));
			continue;
		}
		if (strcmp(k, "alg") != 0 && strcmp(k, "sig") != 0 &&
		    strcmp(k, "x5c") != 0)
			fsim_checks_warn(ck, FSIM_R_ATT_AKEY_01, F_STMT, "attStmt has "
			    "member \"%.40s\"; android-key defines only alg, sig and x5c", k);
		free(k);
	}
	if (bad)
		return FSIM_ERR_FORMAT;
	*alg = (int)a;
	fsim_checks_pass(ck, FSIM_R_ATT_AKEY_01);
	return 0;
}

/* ATT-AKEY-02: sig over authData || clientDataHash, leaf key, alg (SIG-01..04). */
static int
check_sig(const fsim_fmt_ctx_t *c, EVP_PKEY *lpk, int alg, const uint8_t *sig,
    size_t siglen)
{
	fsim_diags_t d;
	const fsim_diag_t *e;
	uint8_t *msg = NULL;
	size_t mlen;
	bool sha1_ok;
	int r = FSIM_ERR_NOMEM;

	fsim_diags_init(&d);
	if (lpk == NULL) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_02, F_LEAF, "the leaf "
		    "certificate's public key cannot be decoded");
		r = FSIM_ERR_SIGNATURE;
		goto fail;
	}
	if (!fsim_sig_alg_listed(c->sig_algs, c->n_sig_algs, alg, 0)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_02, F_STMT ".alg", "alg %d (%s) is "
		    "not one this RP library can verify signatures with", alg,
		    fsim_cose_alg_name(alg) != NULL ? fsim_cose_alg_name(alg) : "unknown");
		r = FSIM_ERR_SIGNATURE;
		goto fail;
	}
	mlen = c->auth_data_len + 32;
	if ((msg = malloc(mlen)) == NULL)
		goto fail;
	if (c->auth_data_len > 0)
		memcpy(msg, c->auth_data, c->auth_data_len);
	memcpy(msg + c->auth_data_len, c->client_data_hash, 32);
	sha1_ok = fsim_rp_sha1_ok(c->sha1_sigs, alg, "the attestation signature "
	    "(attStmt.alg)", F_STMT ".alg", c->ck);
	r = fsim_sig_verify(lpk, alg, msg, mlen, sig, siglen, &d, "ATT-AKEY-02",
	    F_STMT ".sig");
	if (r == 0) {
		fsim_checks_pass(c->ck, FSIM_R_ATT_AKEY_02);
		r = sha1_ok ? 0 : FSIM_ERR_SIGNATURE;
		goto fail;
	}
	if (r != FSIM_ERR_SIGNATURE && r != FSIM_ERR_UNSUPPORTED)
		goto fail;
	fsim_checks_import(c->ck, &d, FSIM_R_ATT_AKEY_02);
	/* a malformed signature or an unknown alg was filed under SIG-xx/COSE-03 */
	if (!fsim_diags_has(&d, "ATT-AKEY-02")) {
		e = fsim_diags_first(&d, FSIM_SEV_ERROR);
		fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_02, F_STMT ".sig", "the alg "
		    "%d signature cannot be verified: %s", alg,
		    e != NULL ? e->msg : "rejected");
	}
	r = FSIM_ERR_SIGNATURE;
fail:
	fsim_diags_clear(&d);
	free(msg);
	return r;
}

static const char *
key_type(const EVP_PKEY *k)
{
	const char *s = k != NULL ? EVP_PKEY_get0_type_name(k) : NULL;

	return s != NULL ? s : "unknown";
}

/* ATT-AKEY-03: the leaf certifies the credential key itself. */
static int
check_key(const fsim_fmt_ctx_t *c, const EVP_PKEY *lpk)
{
	const EVP_PKEY *cred = fsim_cose_key_pkey(c->ad->cose_key);

	if (cred == NULL) {
		fsim_fmt_key_unusable(c, FSIM_R_ATT_AKEY_03, "that the leaf certifies the "
		    "credential key");
		return FSIM_ERR_FORMAT;
	}
	if (lpk != NULL && EVP_PKEY_eq(lpk, cred) == 1) {
		fsim_checks_pass(c->ck, FSIM_R_ATT_AKEY_03);
		return 0;
	}
	ERR_clear_error();
	fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_03, F_LEAF, "the leaf certificate's "
	    "public key (%s, %d bits) is not the credential public key (%s, %d bits)",
	    key_type(lpk), lpk != NULL ? EVP_PKEY_get_bits(lpk) : 0, key_type(cred),
	    cred != NULL ? EVP_PKEY_get_bits(cred) : 0);
	return FSIM_ERR_FORMAT;
}

static void
hex_prefix(const uint8_t *p, size_t len, char *out, size_t outlen)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < len && i < 16 && o + 3 <= outlen; i++, o += 2)
		snprintf(out + o, outlen - o, "%02x", p[i]);
	if (len > 16 && o + 4 <= outlen)
		snprintf(out + o, outlen - o, "...");
}

/* Append to buf (NUL-terminated, len bytes), "; " between items; truncates. */
static void __attribute__((format(printf, 3, 4)))
appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t w = strlen(buf);
	va_list ap;

	if (w > 0 && w + 2 < len) {
		memcpy(buf + w, "; ", 3);
		w += 2;
	}
	if (w + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + w, len - w, fmt, ap);
	va_end(ap);
}

/*
 * ATT-AKEY-06 over the union of both lists (§8.4, PIT-16): an RP that wants
 * only TEE keys would use teeEnforced alone, which is policy, not this rule.
 * An origin other than GENERATED in either list fails, even if the other
 * list says GENERATED: the key cannot be both. One FAIL names every problem.
 */
static int
check_origin_purpose(const fsim_fmt_ctx_t *c, const key_desc_t *kd)
{
	const auth_list_t *l[2] = { &kd->sw, &kd->tee };
	static const char *const nm[2] = { "softwareEnforced", "teeEnforced" };
	char why[200];
	bool origin_ok = false, origin_bad = false, sign = false;
	int i;

	why[0] = '\0';
	for (i = 0; i < 2; i++) {
		if (l[i]->has_origin && l[i]->origin != KM_ORIGIN_GENERATED) {
			appendf(why, sizeof(why), "%s.origin is %" PRId64, nm[i],
			    l[i]->origin);
			origin_bad = true;
		} else if (l[i]->has_origin) {
			origin_ok = true;
		}
		if (l[i]->purpose_sign)
			sign = true;
	}
	if (!origin_ok && !origin_bad)
		appendf(why, sizeof(why), "origin [702] is in neither list");
	if (!sign)
		appendf(why, sizeof(why), "purpose [1] has no SIGN (softwareEnforced: "
		    "%s, teeEnforced: %s)", kd->sw.has_purpose ? kd->sw.purposes :
		    "absent", kd->tee.has_purpose ? kd->tee.purposes : "absent");
	if (origin_bad || !origin_ok || !sign) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_06, F_KD, "origin must be "
		    "KM_ORIGIN_GENERATED (0) and purpose contain KM_PURPOSE_SIGN "
		    "(2): %s", why);
		return FSIM_ERR_FORMAT;
	}
	fsim_checks_pass(c->ck, FSIM_R_ATT_AKEY_06);
	return 0;
}

/* ATT-AKEY-04..06: the KeyDescription extension of the leaf. */
static int
check_key_desc(const fsim_fmt_ctx_t *c, const X509 *leaf)
{
	key_desc_t kd;
	const uint8_t *v = NULL;
	size_t vlen = 0;
	char err[160], hex[40];
	int r = 0;

	if (!fsim_cert_ext(leaf, FSIM_OID_ANDROID_KEY, &v, &vlen, NULL)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_04, F_LEAF, "the leaf "
		    "certificate has no KeyDescription extension (%s), or has it "
		    "more than once", FSIM_OID_ANDROID_KEY);
		return FSIM_ERR_FORMAT;
	}
	err[0] = '\0';
	if (parse_key_desc(v, vlen, &kd, err, sizeof(err)) != 0) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_04, F_KD, "KeyDescription is "
		    "malformed: %s", err);
		return FSIM_ERR_FORMAT;
	}
	if (kd.challenge_len == 32 &&
	    memcmp(kd.challenge, c->client_data_hash, 32) == 0) {
		fsim_checks_pass(c->ck, FSIM_R_ATT_AKEY_04);
	} else {
		hex_prefix(kd.challenge, kd.challenge_len, hex, sizeof(hex));
		fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_04, F_KD ".attestationChallenge",
		    "attestationChallenge (%zu bytes: %s) is not the client data hash",
		    kd.challenge_len, hex);
		r = FSIM_ERR_FORMAT;
	}
	if (kd.sw.all_apps || kd.tee.all_apps) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_AKEY_05, F_KD, "allApplications "
		    "[600] is present in %s: the key is not scoped to this RP's "
		    "application", kd.sw.all_apps && kd.tee.all_apps ? "both lists" :
		    kd.sw.all_apps ? "softwareEnforced" : "teeEnforced");
		r = FSIM_ERR_FORMAT;
	} else {
		fsim_checks_pass(c->ck, FSIM_R_ATT_AKEY_05);
	}
	if (check_origin_purpose(c, &kd) != 0)
		r = FSIM_ERR_FORMAT;
	return r;
}

int
fsim_fmt_android_key(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res)
{
	STACK_OF(X509) *x5c = NULL;
	const uint8_t *sig = NULL;
	size_t siglen = 0;
	X509 *leaf;
	EVP_PKEY *lpk;
	int r = FSIM_ERR_ARG, alg = 0, rs, rk, rd;

	if (c == NULL || res == NULL || c->ad == NULL ||
	    (c->ad->cose_key == NULL && !c->ad->key_alg_unsupported) ||
	    (c->auth_data == NULL && c->auth_data_len > 0))
		goto fail;
	if ((r = check_shape(c, &alg, &sig, &siglen, &x5c)) != 0)
		goto fail;
	leaf = sk_X509_value(x5c, 0);
	if ((lpk = X509_get0_pubkey(leaf)) == NULL)
		ERR_clear_error();
	/* Every rule is checked, so the checklist shows all that is wrong. */
	rs = check_sig(c, lpk, alg, sig, siglen);
	if (is_internal(rs)) {
		r = rs;
		goto fail;
	}
	rk = check_key(c, lpk);
	rd = check_key_desc(c, leaf);
	if (rs != 0 || rk != 0 || rd != 0) {
		r = rs != 0 ? FSIM_ERR_SIGNATURE : FSIM_ERR_FORMAT;
		goto fail;
	}
	sk_X509_pop_free(res->x5c, X509_free);
	res->x5c = x5c;
	x5c = NULL;
	res->type = FSIM_ATT_TYPE_BASIC;
	r = 0;
fail:
	sk_X509_pop_free(x5c, X509_free);
	return r;
}
