/*
 * fmt.c — the table of attestation statement formats (WebAuthn §8, and the
 * IANA registry of §15.1), matched case-sensitively (§8.1).
 */
#include <string.h>

#include "rp-sim/fmt.h"

static const struct {
	const char *id;
	fsim_fmt_verify_fn fn;
} formats[] = {
	{ "packed", fsim_fmt_packed },
	{ "tpm", fsim_fmt_tpm },
	{ "android-key", fsim_fmt_android_key },
	{ "android-safetynet", fsim_fmt_android_safetynet },
	{ "fido-u2f", fsim_fmt_fido_u2f },
	{ "apple", fsim_fmt_apple },
	{ "none", fsim_fmt_none },
	{ "compound", fsim_fmt_compound },
};

fsim_fmt_verify_fn
fsim_fmt_find(const char *fmt)
{
	size_t i;

	if (fmt == NULL)
		return NULL;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].id, fmt) == 0)
			return formats[i].fn;
	return NULL;
}

bool
fsim_sig_alg_listed(const int64_t *algs, size_t n, int64_t alg, int crv)
{
	size_t i;

	if (algs == NULL)
		return true;
	if (alg == FSIM_COSE_EDDSA && crv == FSIM_COSE_CRV_ED448)
		alg = FSIM_COSE_ED448;
	for (i = 0; i < n; i++)
		if (algs[i] == alg)
			return true;
	return false;
}

bool
fsim_rp_sha1_ok(fsim_sha1_pol_t pol, int64_t alg, const char *what, const char *field,
    fsim_checks_t *ck)
{
	if (alg != FSIM_COSE_RS1 || pol == FSIM_SHA1_IGNORE)
		return true;
	if (pol == FSIM_SHA1_ERROR) {
		fsim_checks_fail(ck, FSIM_R_SIG_SHA1, field, "%s signs with RS1 (-65535, "
		    "RSASSA-PKCS1-v1_5 over SHA-1), which this RP refuses (SHA-1 "
		    "collisions are practical)", what);
		return false;
	}
	fsim_checks_warn(ck, FSIM_R_SIG_SHA1, field, "%s signs with RS1 (-65535, "
	    "RSASSA-PKCS1-v1_5 over SHA-1): accepted, but SHA-1 collisions are "
	    "practical (RFC 8812: not recommended; --policy sha1-sigs=error refuses it)",
	    what);
	return true;
}

void
fsim_fmt_key_unusable(const fsim_fmt_ctx_t *c, fsim_rule_id_t rule, const char *what)
{
	fsim_checks_fail(c->ck, rule, "authData.credentialPublicKey", "%s cannot be "
	    "checked: the credential public key's alg %lld is not one fidosim supports "
	    "(COSE-03)", what, (long long)c->ad->key_alg);
}

const char *
fsim_sha1_pol_name(fsim_sha1_pol_t v)
{
	switch (v) {
	case FSIM_SHA1_IGNORE: return "ignore";
	case FSIM_SHA1_ERROR: return "error";
	case FSIM_SHA1_WARN: break;
	}
	return "warn";
}

const char *
fsim_att_type_name(fsim_att_type_t t)
{
	switch (t) {
	case FSIM_ATT_TYPE_NONE: return "none";
	case FSIM_ATT_TYPE_SELF: return "self";
	case FSIM_ATT_TYPE_BASIC: return "basic";
	case FSIM_ATT_TYPE_ATTCA: return "attca";
	case FSIM_ATT_TYPE_ANONCA: return "anonca";
	case FSIM_ATT_TYPE_UNKNOWN: break;
	}
	return "unknown";
}

void
fsim_fmt_result_reset(fsim_fmt_result_t *r)
{
	if (r == NULL)
		return;
	sk_X509_pop_free(r->x5c, X509_free);
	r->x5c = NULL;
	r->type = FSIM_ATT_TYPE_UNKNOWN;
}
