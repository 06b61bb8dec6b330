/*
 * fmt.h — attestation statement formats (WebAuthn §8): one file each, one
 * verify function each, all with this signature.
 *
 * A format verifier checks the statement's shape and signature (the ATT-<FMT>-*
 * rules), recording PASS or FAIL for each rule it checks, and yields the
 * attestation type and the trust path. It does not check certificate validity
 * periods or trust: the ceremony does that for every format alike (ATT-03,
 * ATT-TRUST-01) from the trust path returned.
 */
#ifndef FSIM_FMT_H
#define FSIM_FMT_H

#include <cbor.h>
#include <openssl/x509.h>
#include "core/fsim_core.h"
#include "rp-sim/checks.h"

/*
 * What the RP does with a signature over SHA-1 (RS1, -65535): WebAuthn
 * leaves the algorithms to the RP (§5.8.5) and RFC 8812 §2 registers RS1
 * as "not recommended" (SHA-1 collisions are practical), so the default
 * accepts it with a warning under SIG-SHA1; ignore accepts it silently,
 * error refuses it. Zero is the default, so a zeroed context is the spec's.
 */
typedef enum { FSIM_SHA1_WARN = 0, FSIM_SHA1_IGNORE, FSIM_SHA1_ERROR } fsim_sha1_pol_t;

typedef enum {
	FSIM_ATT_TYPE_NONE = 0,
	FSIM_ATT_TYPE_SELF,
	FSIM_ATT_TYPE_BASIC,     /* also "Basic or AttCA" where they cannot be told apart */
	FSIM_ATT_TYPE_ATTCA,
	FSIM_ATT_TYPE_ANONCA,
	FSIM_ATT_TYPE_UNKNOWN,
} fsim_att_type_t;

const char *fsim_att_type_name(fsim_att_type_t t);  /* "none", "self", "basic", "attca", "anonca", "unknown" */

/* A tpm statement signed with RS1 (-65535): accepted with a warning (the default), refused, or accepted. */
typedef enum { FSIM_RS1_WARN = 0, FSIM_RS1_ERROR, FSIM_RS1_OK } fsim_rs1_t;

typedef struct fsim_fmt_ctx {
	const cbor_item_t *att_stmt;      /* the map (array for compound) */
	const uint8_t *auth_data;         /* authData bytes exactly as received */
	size_t auth_data_len;
	const fsim_authdata_t *ad;        /* parsed; AT set; ad->cose_key non-NULL unless
	                                     ad->key_alg_unsupported (then the checks
	                                     that need the key fail, the rest run) */
	uint8_t client_data_hash[32];
	bool enterprise;                  /* the RP asked for enterprise attestation */
	fsim_checks_t *ck;
	/* What the RP library can verify and tolerates (rp.h); zero / NULL: the spec. */
	const int64_t *sig_algs;          /* NULL: every alg fidosim verifies */
	size_t n_sig_algs;
	bool self_alg_hash_only;          /* packed self: alg names only the hash, the key the scheme */
	const char *const *tpm_vendors;   /* tpm: known tpmManufacturer IDs; NULL: any */
	bool tpm_rsa_only;                /* tpm: an ECC pubArea cannot be read */
	fsim_sha1_pol_t sha1_sigs;        /* SIG-SHA1: an RS1 attStmt.alg */
	bool tpm_vendors_nocase;          /* tpm: tpm_vendors compared ignoring case */
	fsim_rs1_t tpm_rs1;               /* tpm: what alg RS1 (SHA-1) gets */
	bool packed_cert_ignored;         /* packed: the 8.2.1 certificate checks are not made */
	bool u2f_zero_aaguid;             /* fido-u2f: the AAGUID must be all zero */
} fsim_fmt_ctx_t;

typedef struct fsim_fmt_result {
	fsim_att_type_t type;
	STACK_OF(X509) *x5c;              /* trust path, leaf first; NULL for none and self */
} fsim_fmt_result_t;

void fsim_fmt_result_reset(fsim_fmt_result_t *r);   /* frees x5c */

/* 0 when the statement verified; FSIM_ERR_FORMAT or FSIM_ERR_SIGNATURE otherwise (with FAILs recorded). */
typedef int (*fsim_fmt_verify_fn)(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res);

int fsim_fmt_none(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res) FSIM_WUR;
int fsim_fmt_packed(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res) FSIM_WUR;
int fsim_fmt_tpm(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res) FSIM_WUR;
int fsim_fmt_android_key(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res) FSIM_WUR;
int fsim_fmt_android_safetynet(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res) FSIM_WUR;
int fsim_fmt_fido_u2f(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res) FSIM_WUR;
int fsim_fmt_apple(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res) FSIM_WUR;
int fsim_fmt_compound(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res) FSIM_WUR;

/*
 * Can an RP that verifies only `algs` (n of them; NULL: every alg) check a
 * signature under alg with a key on curve crv (0 when it does not matter)?
 * EdDSA (-8) on Ed448 counts as Ed448 (-53), so a list with -8 alone means
 * Ed25519 only, as the libraries that list it implement it.
 */
bool fsim_sig_alg_listed(const int64_t *algs, size_t n, int64_t alg, int crv);

/*
 * SIG-SHA1 for a signature made under alg by `what` ("the credential key",
 * "attStmt.alg"), reported at `field`: for RS1 a WARN (the default), a FAIL
 * or nothing, as pol says; nothing for any other alg. False when pol
 * refuses it (the signature is still checked by the caller, so every
 * problem is reported).
 */
bool fsim_rp_sha1_ok(fsim_sha1_pol_t pol, int64_t alg, const char *what,
    const char *field, fsim_checks_t *ck);
/*
 * The credential key is well formed but of an alg fidosim cannot use
 * (ad->key_alg_unsupported; COSE-03 reported it): FAIL `rule`, whose check
 * (`what`) needs that key, and say so.
 */
void fsim_fmt_key_unusable(const fsim_fmt_ctx_t *c, fsim_rule_id_t rule, const char *what);
/* "warn", "ignore", "error" (--policy sha1-sigs=). */
const char *fsim_sha1_pol_name(fsim_sha1_pol_t v);

/* The verifier for a format identifier (case-sensitive), or NULL. */
fsim_fmt_verify_fn fsim_fmt_find(const char *fmt);

#endif /* !FSIM_FMT_H */
