/*
 * conform_authn_ga.c — the getAssertion family of conform --authenticator
 * (CTAP 2.1 §6.2, the steps of §6.2.2, and §6.3 getNextAssertion): the
 * assertion of the run's credential, its authenticator data and signature,
 * every option, the credentials it must not find, missing parameters, and
 * user verification only when it was asked for.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness/conform_authn_int.h"

#define F_GA "authenticatorGetAssertion (CTAP 2.1 6.2)"

/* getAssertion for credential a with options (-1: absent); r read. */
static bool
assert_a(ax_t *x, int up, int uv, ax_resp_t *r, char *d, size_t n)
{
	uint8_t cdh[32];
	cbor_item_t *m;
	char st[96];

	memset(r, 0, sizeof(*r));
	if (!ax_need_a(x, d, n))
		return false;
	ax_random(cdh, sizeof(cdh));
	if ((m = ax_ga_map(x, NULL, cdh, x->a.id.ptr, x->a.id.len)) == NULL ||
	    ((up >= 0 || uv >= 0) && ax_put(m, 5, ax_options(-1, up, uv)) != 0)) {
		if (m != NULL)
			cbor_decref(&m);
		snprintf(d, n, "out of memory");
		return false;
	}
	ax_send(x, AX_GA, m, r);
	cbor_decref(&m);
	ax_read_ga(r, x->a.id.ptr, x->a.id.len);
	if (r->io != 0 || r->st != AX_OK) {
		snprintf(d, n, "getAssertion for the run's credential answered %s",
		    ax_status(r, st, sizeof(st)));
		x->setup_failed = true;
		return false;
	}
	if (r->ad == NULL || r->ad_len < 37) {
		snprintf(d, n, "the assertion has no authData of 37 bytes or more");
		x->setup_failed = true;
		return false;
	}
	ax_note_flags(x, r->ad[32], uv == 1, "getAssertion");
	/* The signature is over authData || clientDataHash: keep the hash beside it. */
	if (fsim_blob_append(&r->body, cdh, 32) != 0) {
		snprintf(d, n, "out of memory");
		return false;
	}
	return true;
}

/* The clientDataHash assert_a appended to the body. */
static const uint8_t *
cdh_of(const ax_resp_t *r)
{
	return r->body.ptr + r->body.len - 32;
}

static ax_verdict_t
ga_form(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	if (!assert_a(x, -1, -1, &r, d, n))
		v = AX_FAIL;
	else if (!r.canonical)
		v = ax_say(AX_FAIL, d, n, "the response map is not in the CTAP2 canonical encoding");
	else if (r.cred_id == NULL || r.cred_id_len != x->a.id.len ||
	    memcmp(r.cred_id, x->a.id.ptr, r.cred_id_len) != 0)
		v = ax_say(AX_FAIL, d, n, "credential (0x01) names another credential than the one "
		    "allowed");
	else if (r.sig == NULL)
		v = ax_say(AX_FAIL, d, n, "no signature (0x03)");
	else
		v = ax_say(AX_PASS, d, n, "credential, %zu bytes of authData, a %zu-byte signature",
		    r.ad_len, r.sig_len);
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_rpid_hash(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	ax_rules(x, "AUTH-12");
	v = assert_a(x, -1, -1, &r, d, n) ? ax_rpid_hash(x, &r, d, n) : AX_FAIL;
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_up(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	ax_rules(x, "AUTH-13");
	if (!assert_a(x, -1, -1, &r, d, n))
		v = AX_FAIL;
	else if (!(r.ad[32] & FSIM_AD_UP))
		v = ax_say(AX_FAIL, d, n, "UP is clear although up was not set to false");
	else
		v = ax_say(AX_PASS, d, n, "UP set");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_signature(ax_t *x, char *d, size_t n)
{
	fsim_blob_t tbs = { NULL, 0 };
	fsim_diags_t dg;
	ax_resp_t r;
	char line[300];
	ax_verdict_t v;

	ax_rules(x, "AUTH-18");
	fsim_diags_init(&dg);
	if (!assert_a(x, -1, -1, &r, d, n))
		v = AX_FAIL;
	else if (r.sig == NULL)
		v = ax_say(AX_FAIL, d, n, "no signature");
	else if (fsim_blob_set(&tbs, r.ad, r.ad_len) != 0 || fsim_blob_append(&tbs, cdh_of(&r), 32) != 0)
		v = ax_say(AX_FAIL, d, n, "out of memory");
	else if (fsim_sig_verify(fsim_cose_key_pkey(x->a.key), x->a.alg, tbs.ptr, tbs.len, r.sig,
	    r.sig_len, &dg, "AUTH-18", "signature") != 0) {
		if (dg.n > 0) {
			fsim_diag_format(&dg.v[0], line, sizeof(line));
			ax_rules(x, dg.v[0].rule);
		} else
			snprintf(line, sizeof(line), "does not verify");
		v = ax_say(AX_FAIL, d, n, "the signature over authData || clientDataHash: %s", line);
	} else
		v = ax_say(AX_PASS, d, n, "verifies with the credential's %s key",
		    fsim_cose_alg_name(x->a.alg));
	fsim_blob_reset(&tbs);
	fsim_diags_clear(&dg);
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_der(ax_t *x, char *d, size_t n)
{
	fsim_diags_t dg;
	ax_resp_t r;
	char line[300];
	ax_verdict_t v;

	ax_rules(x, "SIG-01");
	if (x->a.made && x->a.alg != FSIM_COSE_ES256 && x->a.alg != FSIM_COSE_ES384 &&
	    x->a.alg != FSIM_COSE_ES512)
		return ax_say(AX_SKIP, d, n, "the run's credential is %s, not ECDSA",
		    fsim_cose_alg_name(x->a.alg));
	fsim_diags_init(&dg);
	if (!assert_a(x, -1, -1, &r, d, n))
		v = AX_FAIL;
	else if (fsim_sig_ecdsa_der_check(r.sig, r.sig_len, fsim_cose_key_pkey(x->a.key), &dg,
	    "signature") != 0) {
		if (dg.n > 0)
			fsim_diag_format(&dg.v[0], line, sizeof(line));
		else
			snprintf(line, sizeof(line), "not DER");
		v = ax_say(AX_FAIL, d, n, "%s", line);
	} else
		v = ax_say(AX_PASS, d, n, "a strict DER Ecdsa-Sig-Value of %zu bytes", r.sig_len);
	fsim_diags_clear(&dg);
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_no_at(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	ax_rules(x, "AUTH-22");
	if (!assert_a(x, -1, -1, &r, d, n))
		v = AX_FAIL;
	else if ((r.ad[32] & FSIM_AD_AT) || (r.adp != NULL && r.adp->cred_id.len > 0))
		v = ax_say(AX_FAIL, d, n, "AT set: attested credential data in an assertion");
	else
		v = ax_say(AX_PASS, d, n, "AT clear");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_shape(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char rules[96], first[300];
	ax_verdict_t v;

	ax_rules(x, "AD-03 AD-04");
	if (!assert_a(x, -1, -1, &r, d, n))
		v = AX_FAIL;
	else if (fsim_diags_has(&r.ad_diags, "AD-03") || fsim_diags_has(&r.ad_diags, "AD-04")) {
		ax_ad_rules(&r, rules, sizeof(rules));
		v = ax_say(AX_FAIL, d, n, "authData is not what its flags announce (%s): %s", rules,
		    ax_ad_first(&r, first, sizeof(first)));
	} else if (r.ad[32] & FSIM_AD_ED)
		v = ax_say(AX_FAIL, d, n, "extension outputs no extension asked for");
	else
		v = ax_say(AX_PASS, d, n, "37 bytes, nothing the flags do not announce");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_silent(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	if (!assert_a(x, 0, -1, &r, d, n))
		v = AX_FAIL;
	else if (r.ad[32] & FSIM_AD_UP)
		v = ax_say(AX_FAIL, d, n, "options {\"up\": false}: UP set although presence was not "
		    "asked for");
	else
		v = ax_say(AX_PASS, d, n, "options {\"up\": false}: UP clear");
	ax_resp_reset(&r);
	return v;
}

static cbor_item_t *
a_map(ax_t *x, int rk, int up, int uv)
{
	cbor_item_t *m = ax_ga_map(x, NULL, NULL, x->a.id.ptr, x->a.id.len);

	if (m != NULL && ax_put(m, 5, ax_options(rk, up, uv)) != 0) {
		cbor_decref(&m);
		return NULL;
	}
	return m;
}

static ax_verdict_t
ga_uv_option(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	if (!ax_has_uv(x))
		return ax_expect(x, AX_GA, a_map(x, -1, -1, 1), AX_INVALID_OPTION, "options {\"uv\": true} "
		    "without built-in UV", d, n);
	if (!assert_a(x, -1, 1, &r, d, n))
		v = AX_FAIL;
	else if (!(r.ad[32] & FSIM_AD_UV))
		v = ax_say(AX_FAIL, d, n, "options {\"uv\": true} succeeded with UV clear");
	else
		v = ax_say(AX_PASS, d, n, "options {\"uv\": true}: UV set");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_rk_option(ax_t *x, char *d, size_t n)
{
	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	return ax_expect(x, AX_GA, a_map(x, 1, -1, -1), AX_UNSUPPORTED_OPTION, "options {\"rk\": true}",
	    d, n);
}

static ax_verdict_t
ga_unknown_id(ax_t *x, char *d, size_t n)
{
	uint8_t id[48];

	ax_random(id, sizeof(id));
	return ax_expect(x, AX_GA, ax_ga_map(x, NULL, NULL, id, sizeof(id)), AX_NO_CREDENTIALS,
	    "an ID it never made", d, n);
}

static ax_verdict_t
ga_other_rp(ax_t *x, char *d, size_t n)
{
	char other[80];

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	snprintf(other, sizeof(other), "other.%s", x->rp_id);
	return ax_expect(x, AX_GA, ax_ga_map(x, other, NULL, x->a.id.ptr, x->a.id.len), AX_NO_CREDENTIALS,
	    "the run's credential asked for by another RP ID", d, n);
}

static ax_verdict_t
ga_missing(ax_t *x, int64_t key, const char *name, char *d, size_t n)
{
	cbor_item_t *m, *w;
	char what[64];

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	m = ax_ga_map(x, NULL, NULL, x->a.id.ptr, x->a.id.len);
	w = m != NULL ? ax_without(m, key) : NULL;
	if (m != NULL)
		cbor_decref(&m);
	snprintf(what, sizeof(what), "no %s (0x%02x)", name, (unsigned)key);
	return ax_expect(x, AX_GA, w, AX_MISSING_PARAMETER, what, d, n);
}

static ax_verdict_t ga_no_rpid(ax_t *x, char *d, size_t n) { return ga_missing(x, 1, "rpId", d, n); }
static ax_verdict_t ga_no_cdh(ax_t *x, char *d, size_t n) { return ga_missing(x, 2, "clientDataHash", d, n); }

static ax_verdict_t
ga_allow_many(ax_t *x, char *d, size_t n)
{
	uint8_t u1[48], u2[48];
	cbor_item_t *m, *list, *one;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	size_t i;

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	ax_random(u1, sizeof(u1));
	ax_random(u2, sizeof(u2));
	/* [unknown, the run's credential, unknown] */
	if ((m = ax_ga_map(x, NULL, NULL, NULL, 0)) == NULL ||
	    (list = cbor_new_definite_array(3)) == NULL) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	for (i = 0; i < 3; i++) {
		const uint8_t *id = i == 0 ? u1 : i == 1 ? x->a.id.ptr : u2;
		size_t len = i == 1 ? x->a.id.len : 48;
		cbor_item_t *l = ax_cred_list(id, len);

		one = l != NULL ? cbor_array_get(l, 0) : NULL;
		if (l != NULL)
			cbor_decref(&l);
		if (one == NULL || fsim_cbor_array_push(list, one) != 0) {
			cbor_decref(&list);
			cbor_decref(&m);
			return ax_say(AX_FAIL, d, n, "out of memory");
		}
	}
	if (ax_put(m, 3, list) != 0) {
		cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_GA, m, &r);
	cbor_decref(&m);
	ax_read_ga(&r, NULL, 0);
	if (r.st != AX_OK || r.io != 0)
		v = ax_say(AX_FAIL, d, n, "an allowList with the credential among unknown IDs "
		    "answered %s", ax_status(&r, st, sizeof(st)));
	else if (r.cred_id == NULL || r.cred_id_len != x->a.id.len ||
	    memcmp(r.cred_id, x->a.id.ptr, r.cred_id_len) != 0)
		v = ax_say(AX_FAIL, d, n, "the answer does not name the run's credential (0x01)");
	else
		v = ax_say(AX_PASS, d, n, "found the credential among three, and named it");
	if (r.ad != NULL && r.ad_len > 32)
		ax_note_flags(x, r.ad[32], false, "getAssertion");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_next_none(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	/* Another command first, so that nothing is pending. */
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_INFO, NULL, &r);
	ax_send(x, AX_GNA, NULL, &r);
	if (r.io == 0 && r.hid_error < 0 && r.st == AX_NOT_ALLOWED)
		v = ax_say(AX_PASS, d, n, "nothing pending: %s", ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_FAIL, d, n, "nothing pending: expected CTAP2_ERR_NOT_ALLOWED (0x30), "
		    "got %s", ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_empty_param(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m;
	uint8_t want = ax_has_pin(x) ? AX_PIN_INVALID : AX_PIN_NOT_SET;

	if (fsim_devinfo_option(x->info, "clientPin") == -1 &&
	    fsim_devinfo_option(x->info, "pinUvAuthToken") != 1)
		return ax_say(AX_SKIP, d, n, "neither clientPin nor pinUvAuthToken advertised");
	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	if ((m = ax_ga_map(x, NULL, NULL, x->a.id.ptr, x->a.id.len)) != NULL &&
	    (ax_put(m, 6, fsim_cbor_bytes((const uint8_t *)"", 0)) != 0 ||
	    ax_put(m, 7, fsim_cbor_int((int64_t)fsim_devinfo_pin_protocol(x->info))) != 0)) {
		cbor_decref(&m);
		m = NULL;
	}
	return ax_expect(x, AX_GA, m, want, "an empty pinUvAuthParam", d, n);
}

static ax_verdict_t
ga_uv_unasked(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	if (!assert_a(x, -1, -1, &r, d, n))
		v = AX_FAIL;
	else if (r.ad[32] & FSIM_AD_UV)
		v = ax_say(AX_FAIL, d, n, "UV set in an assertion that asked for no user "
		    "verification (neither uv nor a pinUvAuthParam)%s", fsim_devinfo_can_verify(x->info) ?
		    "" : ", by an authenticator whose getInfo offers neither UV nor a PIN");
	else if (x->uv_seen_unasked)
		v = ax_say(AX_FAIL, d, n, "UV was set in a %s that did not ask for it",
		    x->uv_unasked_where);
	else
		v = ax_say(AX_PASS, d, n, "UV clear whenever it was not asked for");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
ga_token(ax_t *x, char *d, size_t n)
{
	uint8_t tok[32], cdh[32];
	size_t tlen;
	uint64_t proto;
	char why[200], st[96];
	cbor_item_t *m;
	ax_resp_t r;
	ax_verdict_t v;

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	if (!fsim_devinfo_can_verify(x->info))
		return ax_say(AX_SKIP, d, n, "the authenticator cannot verify users");
	if (ax_token(x, FSIM_PERM_GET_ASSERTION, x->rp_id, tok, &tlen, &proto, why,
	    sizeof(why)) != 0)
		return ax_say(AX_SKIP, d, n, "%s", why);
	ax_random(cdh, sizeof(cdh));
	if ((m = ax_ga_map(x, NULL, cdh, x->a.id.ptr, x->a.id.len)) == NULL ||
	    ax_put_param(m, 6, proto, tok, tlen, cdh) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		fsim_wipe(tok, sizeof(tok));
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	fsim_wipe(tok, sizeof(tok));
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_GA, m, &r);
	cbor_decref(&m);
	ax_read_ga(&r, x->a.id.ptr, x->a.id.len);
	if (r.st != AX_OK || r.io != 0 || r.ad_len < 33)
		v = ax_say(AX_FAIL, d, n, "with a pinUvAuthToken (ga): %s", ax_status(&r, st,
		    sizeof(st)));
	else if (!(r.ad[32] & FSIM_AD_UV))
		v = ax_say(AX_FAIL, d, n, "a valid pinUvAuthParam and UV clear");
	else
		v = ax_say(AX_PASS, d, n, "UV set through a pinUvAuthToken (protocol %llu)",
		    (unsigned long long)proto);
	if (r.ad != NULL && r.ad_len > 32)
		ax_note_flags(x, r.ad[32], true, "getAssertion");
	ax_resp_reset(&r);
	return v;
}

const ax_case_t fsim_ax_ga_cases[] = {
	{ "GA-01", F_GA, "CTAP 2.1 6.2, 6.2.2 step 12, 8", "an assertion of the run's "
	  "credential: credential, authData, signature, canonical", false, ga_form },
	{ "GA-02", F_GA, "CTAP 2.1 6.2.2; WebAuthn L3 6.1", "rpIdHash is SHA-256 of rpId", false,
	  ga_rpid_hash },
	{ "GA-03", F_GA, "CTAP 2.1 6.2.2 step 9", "UP is set when up is not false", false, ga_up },
	{ "GA-04", F_GA, "CTAP 2.1 6.2.2 step 11; WebAuthn L3 6.3.3", "the signature over "
	  "authData || clientDataHash verifies with the credential key", false, ga_signature },
	{ "GA-05", F_GA, "WebAuthn L3 6.5.5", "ECDSA signatures are strict ASN.1 DER", false,
	  ga_der },
	{ "GA-06", F_GA, "CTAP 2.1 6.2.2; WebAuthn L3 6.1", "AT is clear in assertions", false,
	  ga_no_at },
	{ "GA-07", F_GA, "WebAuthn L3 6.1", "authData holds what its flags announce, no more",
	  false, ga_shape },
	{ "GA-08", F_GA, "CTAP 2.1 6.2.2 steps 4, 9", "up false: an assertion with UP clear",
	  false, ga_silent },
	{ "GA-09", F_GA, "CTAP 2.1 6.2.2 step 4", "uv true verifies with built-in UV, else "
	  "CTAP2_ERR_INVALID_OPTION", false, ga_uv_option },
	{ "GA-10", F_GA, "CTAP 2.1 6.2.2 step 4", "the rk option: CTAP2_ERR_UNSUPPORTED_OPTION",
	  false, ga_rk_option },
	{ "GA-11", F_GA, "CTAP 2.1 6.2.2 step 7", "an ID it never made: CTAP2_ERR_NO_CREDENTIALS",
	  false, ga_unknown_id },
	{ "GA-12", F_GA, "CTAP 2.1 6.2.2 step 7", "a credential asked for by another RP ID: "
	  "CTAP2_ERR_NO_CREDENTIALS", false, ga_other_rp },
	{ "GA-13", F_GA, "CTAP 2.1 6.2, 8.2", "no rpId: CTAP2_ERR_MISSING_PARAMETER", false,
	  ga_no_rpid },
	{ "GA-14", F_GA, "CTAP 2.1 6.2, 8.2", "no clientDataHash: CTAP2_ERR_MISSING_PARAMETER",
	  false, ga_no_cdh },
	{ "GA-15", F_GA, "CTAP 2.1 6.2.2 step 7", "the credential is found among unknown IDs and "
	  "named", false, ga_allow_many },
	{ "GA-16", F_GA, "CTAP 2.1 6.3", "getNextAssertion with nothing pending: "
	  "CTAP2_ERR_NOT_ALLOWED", false, ga_next_none },
	{ "GA-17", F_GA, "CTAP 2.1 6.2.2 step 1", "an empty pinUvAuthParam: CTAP2_ERR_PIN_NOT_SET "
	  "or CTAP2_ERR_PIN_INVALID", false, ga_empty_param },
	{ "GA-18", F_GA, "CTAP 2.1 6.2.2 steps 3, 6; 6.1.2 steps 4, 11", "UV is set only when UV "
	  "was asked for", false, ga_uv_unasked },
	{ "GA-19", F_GA, "CTAP 2.1 6.2.2 step 6", "a pinUvAuthToken with the ga permission: UV "
	  "set", false, ga_token },
	{ NULL, NULL, NULL, NULL, false, NULL },
};
