/*
 * conform_authn_mc.c — the makeCredential family of conform --authenticator
 * (CTAP 2.1 §6.1, the steps of §6.1.2): the response and its authenticator
 * data, algorithm choice, every option, missing and mistyped parameters,
 * the pinUvAuthParam steps, enterprise attestation, and the excludeList.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness/conform_authn_int.h"

#define F_MC "authenticatorMakeCredential (CTAP 2.1 6.1)"
#define F_EXCL "excludeList (CTAP 2.1 6.1.2 step 12)"

/* A plain makeCredential, read; false with d set when it did not succeed. */
static bool
plain(ax_t *x, ax_resp_t *r, char *d, size_t n)
{
	cbor_item_t *m = ax_mc_map(x, NULL, NULL);
	char st[96];

	memset(r, 0, sizeof(*r));
	if (m == NULL) {
		snprintf(d, n, "out of memory");
		return false;
	}
	ax_send(x, AX_MC, m, r);
	cbor_decref(&m);
	ax_read_mc(r);
	if (r->io != 0 || r->st != AX_OK) {
		snprintf(d, n, "a plain makeCredential answered %s", ax_status(r, st, sizeof(st)));
		x->setup_failed = true;
		return false;
	}
	if (r->ad == NULL) {
		snprintf(d, n, "the response has no authData byte string (0x02)");
		x->setup_failed = true;
		return false;
	}
	if (r->ad_len > 32)
		ax_note_flags(x, r->ad[32], false, "makeCredential");
	return true;
}

static ax_verdict_t
mc_form(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	if (!plain(x, &r, d, n))
		v = AX_FAIL;
	else if (r.fmt == NULL)
		v = ax_say(AX_FAIL, d, n, "fmt (0x01) is missing or not a text string");
	else if (r.att_stmt == NULL || !cbor_isa_map(r.att_stmt))
		v = ax_say(AX_FAIL, d, n, "attStmt (0x03) is missing or not a map");
	else if (!r.canonical)
		v = ax_say(AX_FAIL, d, n, "the response map is not in the CTAP2 canonical encoding");
	else
		v = ax_say(AX_PASS, d, n, "fmt \"%s\", %zu bytes of authData, attStmt of %zu members",
		    r.fmt, r.ad_len, cbor_map_size(r.att_stmt));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_rpid_hash(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	ax_rules(x, "REG-11");
	v = plain(x, &r, d, n) ? ax_rpid_hash(x, &r, d, n) : AX_FAIL;
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_up(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;

	ax_rules(x, "REG-12");
	if (!plain(x, &r, d, n))
		v = AX_FAIL;
	else if (r.ad_len < 33 || !(r.ad[32] & FSIM_AD_UP))
		v = ax_say(AX_FAIL, d, n, "the UP flag is clear after the user was asked for presence");
	else
		v = ax_say(AX_PASS, d, n, "UP set");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_attested(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char rules[96], first[300];
	ax_verdict_t v;

	ax_rules(x, "AD-04 ACD-01");
	if (!plain(x, &r, d, n))
		v = AX_FAIL;
	else if (r.ad_len < 33 || !(r.ad[32] & FSIM_AD_AT))
		v = ax_say(AX_FAIL, d, n, "AT is clear: no attested credential data");
	else if (fsim_diags_has(&r.ad_diags, "AD-04") || fsim_diags_has(&r.ad_diags, "ACD-01")) {
		ax_ad_rules(&r, rules, sizeof(rules));
		v = ax_say(AX_FAIL, d, n, "authData does not end where AT and ED say (%s): %s",
		    rules, ax_ad_first(&r, first, sizeof(first)));
	} else
		v = ax_say(AX_PASS, d, n, "attested credential data, nothing after it");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_ed(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char first[300];
	ax_verdict_t v;

	ax_rules(x, "AD-03");
	if (!plain(x, &r, d, n))
		v = AX_FAIL;
	else if (fsim_diags_has(&r.ad_diags, "AD-03"))
		v = ax_say(AX_FAIL, d, n, "%s", ax_ad_first(&r, first, sizeof(first)));
	else if (r.ad_len > 32 && (r.ad[32] & FSIM_AD_ED))
		v = ax_say(AX_FAIL, d, n, "ED set, with extension outputs no extension asked for");
	else
		v = ax_say(AX_PASS, d, n, "no extension asked for, ED clear");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_cose(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char first[300];
	ax_verdict_t v;

	ax_rules(x, "ENC-04");
	if (!plain(x, &r, d, n))
		v = AX_FAIL;
	else if (r.adp == NULL || r.adp->cose_key == NULL)
		v = ax_say(AX_FAIL, d, n, "the credential public key does not parse: %s",
		    ax_ad_first(&r, first, sizeof(first)));
	else if (fsim_cose_key_alg(r.adp->cose_key) != x->alg)
		v = ax_say(AX_FAIL, d, n, "a %s key for a request that offered only %s",
		    fsim_cose_alg_name(fsim_cose_key_alg(r.adp->cose_key)), fsim_cose_alg_name(x->alg));
	else if (!fsim_cbor_is_canonical(r.adp->cose_key_raw.ptr, r.adp->cose_key_raw.len))
		v = ax_say(AX_FAIL, d, n, "the COSE key is not in the CTAP2 canonical encoding "
		    "(labels out of order or long heads)");
	else
		v = ax_say(AX_PASS, d, n, "a canonical %s COSE key", fsim_cose_alg_name(x->alg));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_cred_id(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;
	size_t len;

	ax_rules(x, "ACD-02");
	if (!plain(x, &r, d, n))
		v = AX_FAIL;
	else if (r.adp == NULL)
		v = ax_say(AX_FAIL, d, n, "authData does not parse");
	else if ((len = r.adp->cred_id.len) < 1 || len > FSIM_CRED_ID_MAX)
		v = ax_say(AX_FAIL, d, n, "a credential ID of %zu bytes (1 to 1023 allowed)", len);
	else if (x->info->max_cred_id_length > 0 && len > x->info->max_cred_id_length)
		v = ax_say(AX_FAIL, d, n, "a credential ID of %zu bytes, over getInfo's "
		    "maxCredentialIdLength %llu", len, (unsigned long long)x->info->max_cred_id_length);
	else
		v = ax_say(AX_PASS, d, n, "%zu bytes", len);
	ax_resp_reset(&r);
	return v;
}

/* pubKeyCredParams from (type, alg) pairs. */
static cbor_item_t *
params(const char *const *types, const int64_t *algs, size_t k)
{
	cbor_item_t *a = cbor_new_definite_array(k), *p;
	size_t i;

	for (i = 0; a != NULL && i < k; i++) {
		if ((p = cbor_new_definite_map(2)) == NULL ||
		    fsim_cbor_map_put(p, fsim_cbor_text("alg"), fsim_cbor_int(algs[i])) != 0 ||
		    fsim_cbor_map_put(p, fsim_cbor_text("type"), fsim_cbor_text(types[i])) != 0 ||
		    fsim_cbor_array_push(a, p) != 0) {
			cbor_decref(&a);
			return NULL;
		}
	}
	return a;
}

static ax_verdict_t
mc_alg_choice(ax_t *x, char *d, size_t n)
{
	static const char *const types[] = { "public-key", "not-a-key-type", "public-key" };
	int64_t algs[3] = { -65000, FSIM_COSE_RS256, 0 };
	cbor_item_t *m = ax_mc_map(x, NULL, NULL);
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	int got;

	/* An unknown alg, an unknown type (with an alg it may well support), then ours. */
	algs[2] = x->alg;
	if (m == NULL || ax_set(&m, 4, params(types, algs, 3)) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	ax_read_mc(&r);
	got = r.adp != NULL && r.adp->cose_key != NULL ? fsim_cose_key_alg(r.adp->cose_key) : 0;
	if (r.st != AX_OK)
		v = ax_say(AX_FAIL, d, n, "[unknown alg, unknown type, %s] answered %s",
		    fsim_cose_alg_name(x->alg), ax_status(&r, st, sizeof(st)));
	else if (got != x->alg)
		v = ax_say(AX_FAIL, d, n, "chose %s, not %s (the first supported public-key entry)",
		    got ? fsim_cose_alg_name(got) : "an unreadable key", fsim_cose_alg_name(x->alg));
	else
		v = ax_say(AX_PASS, d, n, "skipped the unknown alg and the unknown type, chose %s",
		    fsim_cose_alg_name(x->alg));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_no_alg(ax_t *x, char *d, size_t n)
{
	static const char *const types[] = { "public-key" };
	static const int64_t algs[] = { -65000 };
	cbor_item_t *m = ax_mc_map(x, NULL, NULL);

	if (m != NULL && ax_set(&m, 4, params(types, algs, 1)) != 0 && m != NULL)
		cbor_decref(&m);
	return ax_expect(x, AX_MC, m, AX_UNSUPPORTED_ALGORITHM, "only an unknown alg (-65000)", d, n);
}

static ax_verdict_t
mc_param_no_alg(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m = ax_mc_map(x, NULL, NULL), *a = cbor_new_definite_array(1),
	    *p = cbor_new_definite_map(1);
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	if (m == NULL || a == NULL || p == NULL ||
	    fsim_cbor_map_put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0 ||
	    fsim_cbor_array_push(a, p) != 0 || ax_set(&m, 4, a) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	/* §6.1.2 step 3: "return an error, for example CTAP2_ERR_INVALID_CBOR". */
	if (r.io == 0 && r.hid_error < 0 && r.st != AX_OK)
		v = ax_say(AX_PASS, d, n, "an entry without alg: %s", ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_FAIL, d, n, "an entry without alg: expected an error, got %s",
		    ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
missing(ax_t *x, int64_t key, const char *name, char *d, size_t n)
{
	cbor_item_t *m = ax_mc_map(x, NULL, NULL), *w = m != NULL ? ax_without(m, key) : NULL;
	char what[64];

	if (m != NULL)
		cbor_decref(&m);
	snprintf(what, sizeof(what), "no %s (0x%02x)", name, (unsigned)key);
	return ax_expect(x, AX_MC, w, AX_MISSING_PARAMETER, what, d, n);
}

static ax_verdict_t mc_no_cdh(ax_t *x, char *d, size_t n) { return missing(x, 1, "clientDataHash", d, n); }
static ax_verdict_t mc_no_rp(ax_t *x, char *d, size_t n) { return missing(x, 2, "rp", d, n); }
static ax_verdict_t mc_no_user(ax_t *x, char *d, size_t n) { return missing(x, 3, "user", d, n); }
static ax_verdict_t mc_no_params(ax_t *x, char *d, size_t n) { return missing(x, 4, "pubKeyCredParams", d, n); }

static ax_verdict_t
mc_wrong_type(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m = ax_mc_map(x, NULL, NULL), *w = m != NULL ? ax_without(m, 1) : NULL;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	if (m != NULL)
		cbor_decref(&m);
	if (w == NULL || ax_put(w, 1, fsim_cbor_text("not a hash")) != 0) {
		if (w != NULL)
			cbor_decref(&w);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, w, &r);
	cbor_decref(&w);
	if (r.io == 0 && r.hid_error < 0 &&
	    (r.st == AX_CBOR_UNEXPECTED_TYPE || r.st == AX_INVALID_CBOR))
		v = ax_say(AX_PASS, d, n, "clientDataHash as text: %s", ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_FAIL, d, n, "clientDataHash as text: expected "
		    "CTAP2_ERR_CBOR_UNEXPECTED_TYPE (0x11), got %s", ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_bad_cbor(ax_t *x, char *d, size_t n)
{
	/* A map that announces two members and carries one. */
	static const uint8_t req[] = { AX_MC, 0xa2, 0x01, 0x58, 0x20 };
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	memset(&r, 0, sizeof(r));
	ax_send_raw(x, req, sizeof(req), &r);
	if (r.io == 0 && r.hid_error < 0 && r.st == AX_INVALID_CBOR)
		v = ax_say(AX_PASS, d, n, "a truncated map: %s", ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_FAIL, d, n, "a truncated map: expected CTAP2_ERR_INVALID_CBOR (0x12), "
		    "got %s", ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
with_options(ax_t *x, int rk, int up, int uv, uint8_t want, const char *what, char *d, size_t n)
{
	cbor_item_t *m = ax_mc_map(x, NULL, NULL);

	if (m != NULL && ax_put(m, 7, ax_options(rk, up, uv)) != 0) {
		cbor_decref(&m);
		m = NULL;
	}
	return ax_expect(x, AX_MC, m, want, what, d, n);
}

static ax_verdict_t
mc_up_false(ax_t *x, char *d, size_t n)
{
	return with_options(x, -1, 0, -1, AX_INVALID_OPTION, "options {\"up\": false}", d, n);
}

static ax_verdict_t
mc_uv_option(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	if (!ax_has_uv(x))
		return with_options(x, -1, -1, 1, AX_INVALID_OPTION, "options {\"uv\": true} "
		    "without built-in UV", d, n);
	/* Built-in UV: the (deprecated) option still verifies (§6.1.2 step 5). */
	if ((m = ax_mc_map(x, NULL, NULL)) == NULL || ax_put(m, 7, ax_options(-1, -1, 1)) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	if (r.st != AX_OK || r.io != 0)
		v = ax_say(AX_FAIL, d, n, "options {\"uv\": true} with built-in UV answered %s",
		    ax_status(&r, st, sizeof(st)));
	else {
		ax_read_mc(&r);
		if (r.ad_len > 32 && (r.ad[32] & FSIM_AD_UV))
			v = ax_say(AX_PASS, d, n, "options {\"uv\": true}: verified, UV set");
		else
			v = ax_say(AX_FAIL, d, n, "options {\"uv\": true} succeeded with UV clear");
	}
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
mc_rk_unsupported(ax_t *x, char *d, size_t n)
{
	if (fsim_devinfo_option(x->info, "rk") == 1)
		return ax_say(AX_SKIP, d, n, "the authenticator stores discoverable credentials "
		    "(RK family)");
	return with_options(x, 1, -1, -1, AX_UNSUPPORTED_OPTION, "options {\"rk\": true} on an "
	    "authenticator without rk", d, n);
}

static ax_verdict_t
mc_unknown_option(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m = ax_mc_map(x, NULL, NULL), *o = cbor_new_definite_map(1);

	if (m == NULL || o == NULL ||
	    fsim_cbor_map_put(o, fsim_cbor_text("fidosimUnknownOption"), cbor_build_bool(true)) != 0 ||
	    ax_put(m, 7, o) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	return ax_expect(x, AX_MC, m, AX_OK, "an option it cannot know", d, n);
}

static ax_verdict_t
mc_unknown_ext(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m = ax_mc_map(x, NULL, NULL), *e = cbor_new_definite_map(1);
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	if (m == NULL || e == NULL ||
	    fsim_cbor_map_put(e, fsim_cbor_text("fidosim-unknown"), cbor_build_bool(true)) != 0 ||
	    ax_put(m, 6, e) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	ax_read_mc(&r);
	if (r.st != AX_OK || r.io != 0)
		v = ax_say(AX_FAIL, d, n, "an unknown extension was not ignored: %s",
		    ax_status(&r, st, sizeof(st)));
	else if (r.ad_len > 32 && (r.ad[32] & FSIM_AD_ED))
		v = ax_say(AX_FAIL, d, n, "extension outputs for an extension it does not know");
	else
		v = ax_say(AX_PASS, d, n, "ignored, no output");
	ax_resp_reset(&r);
	return v;
}

static bool
pin_uv_known(const ax_t *x)
{
	return fsim_devinfo_option(x->info, "clientPin") != -1 ||
	    fsim_devinfo_option(x->info, "pinUvAuthToken") == 1;
}

static ax_verdict_t
mc_empty_param(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m;
	uint8_t want = ax_has_pin(x) ? AX_PIN_INVALID : AX_PIN_NOT_SET;

	if (!pin_uv_known(x))
		return ax_say(AX_SKIP, d, n, "neither clientPin nor pinUvAuthToken advertised");
	if ((m = ax_mc_map(x, NULL, NULL)) != NULL &&
	    (ax_put(m, 8, fsim_cbor_bytes((const uint8_t *)"", 0)) != 0 ||
	    ax_put(m, 9, fsim_cbor_int((int64_t)fsim_devinfo_pin_protocol(x->info))) != 0)) {
		cbor_decref(&m);
		m = NULL;
	}
	return ax_expect(x, AX_MC, m, want, ax_has_pin(x) ? "an empty pinUvAuthParam, PIN set" :
	    "an empty pinUvAuthParam, no PIN", d, n);
}

static ax_verdict_t
mc_param_no_proto(ax_t *x, char *d, size_t n)
{
	uint8_t junk[32];
	cbor_item_t *m;

	if (!pin_uv_known(x))
		return ax_say(AX_SKIP, d, n, "neither clientPin nor pinUvAuthToken advertised");
	ax_random(junk, sizeof(junk));
	if ((m = ax_mc_map(x, NULL, NULL)) != NULL &&
	    ax_put(m, 8, fsim_cbor_bytes(junk, sizeof(junk))) != 0) {
		cbor_decref(&m);
		m = NULL;
	}
	return ax_expect(x, AX_MC, m, AX_MISSING_PARAMETER, "pinUvAuthParam without pinUvAuthProtocol", d, n);
}

static ax_verdict_t
mc_param_bad_proto(ax_t *x, char *d, size_t n)
{
	uint8_t junk[32];
	cbor_item_t *m;

	if (!pin_uv_known(x))
		return ax_say(AX_SKIP, d, n, "neither clientPin nor pinUvAuthToken advertised");
	ax_random(junk, sizeof(junk));
	if ((m = ax_mc_map(x, NULL, NULL)) != NULL &&
	    (ax_put(m, 8, fsim_cbor_bytes(junk, sizeof(junk))) != 0 ||
	    ax_put(m, 9, fsim_cbor_int(99)) != 0)) {
		cbor_decref(&m);
		m = NULL;
	}
	return ax_expect(x, AX_MC, m, AX_INVALID_PARAMETER, "pinUvAuthProtocol 99", d, n);
}

static ax_verdict_t
mc_param_wrong(ax_t *x, char *d, size_t n)
{
	uint8_t tok[32], cdh[32], other[32];
	size_t tlen;
	uint64_t proto;
	char why[200];
	cbor_item_t *m;

	if (!fsim_devinfo_can_verify(x->info))
		return ax_say(AX_SKIP, d, n, "the authenticator cannot verify users");
	if (ax_token(x, FSIM_PERM_MAKE_CREDENTIAL, x->rp_id, tok, &tlen, &proto, why,
	    sizeof(why)) != 0)
		return ax_say(AX_SKIP, d, n, "%s", why);
	/* A real token, but the MAC of another clientDataHash. */
	ax_random(cdh, sizeof(cdh));
	ax_random(other, sizeof(other));
	if ((m = ax_mc_map(x, cdh, NULL)) != NULL &&
	    ax_put_param(m, 8, proto, tok, tlen, other) != 0) {
		cbor_decref(&m);
		m = NULL;
	}
	fsim_wipe(tok, sizeof(tok));
	return ax_expect(x, AX_MC, m, AX_PIN_AUTH_INVALID, "a pinUvAuthParam over another clientDataHash",
	    d, n);
}

static ax_verdict_t
mc_enterprise(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m;

	if (fsim_devinfo_option(x->info, "ep") != -1)
		return ax_say(AX_SKIP, d, n, "the authenticator is enterprise attestation capable "
		    "(ep %s)", fsim_devinfo_option(x->info, "ep") == 1 ? "enabled" : "disabled");
	if ((m = ax_mc_map(x, NULL, NULL)) != NULL && ax_put(m, 10, fsim_cbor_int(1)) != 0) {
		cbor_decref(&m);
		m = NULL;
	}
	return ax_expect(x, AX_MC, m, AX_INVALID_PARAMETER, "enterpriseAttestation 1 without ep", d, n);
}

static ax_verdict_t
mc_att_stmt(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	ax_verdict_t v;
	const cbor_item_t *s;

	if (!plain(x, &r, d, n)) {
		ax_resp_reset(&r);
		return AX_FAIL;
	}
	s = r.att_stmt;
	if (r.fmt == NULL || s == NULL || !cbor_isa_map(s))
		v = ax_say(AX_FAIL, d, n, "no fmt or no attStmt map");
	else if (strcmp(r.fmt, "none") == 0)
		v = cbor_map_size(s) == 0 ? ax_say(AX_PASS, d, n, "none, {}") :
		    ax_say(AX_FAIL, d, n, "fmt none with a non-empty attStmt");
	else if (strcmp(r.fmt, "packed") == 0)
		v = fsim_cbor_map_get_str(s, "alg") != NULL && fsim_cbor_map_get_str(s, "sig") != NULL ?
		    ax_say(AX_PASS, d, n, "packed {alg, sig%s}", fsim_cbor_map_get_str(s, "x5c") ?
		    ", x5c" : "") : ax_say(AX_FAIL, d, n, "packed without alg or sig");
	else if (strcmp(r.fmt, "fido-u2f") == 0)
		v = fsim_cbor_map_get_str(s, "x5c") != NULL && fsim_cbor_map_get_str(s, "sig") != NULL ?
		    ax_say(AX_PASS, d, n, "fido-u2f {sig, x5c}") :
		    ax_say(AX_FAIL, d, n, "fido-u2f without sig or x5c");
	else
		v = ax_say(AX_PASS, d, n, "fmt \"%s\" (its statement is left to the RP family)",
		    r.fmt);
	if (v == AX_FAIL && r.fmt != NULL && strcmp(r.fmt, "none") == 0)
		ax_rules(x, "ATT-NONE-01");
	ax_resp_reset(&r);
	return v;
}

/* ---- excludeList ---- */

static ax_verdict_t
excl_hit(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m;

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	if ((m = ax_mc_map(x, NULL, NULL)) != NULL &&
	    ax_put(m, 5, ax_cred_list(x->a.id.ptr, x->a.id.len)) != 0) {
		cbor_decref(&m);
		m = NULL;
	}
	return ax_expect(x, AX_MC, m, AX_CREDENTIAL_EXCLUDED, "excludeList with a credential of this RP",
	    d, n);
}

static ax_verdict_t
excl_other_rp(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m;
	char other[80];

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	snprintf(other, sizeof(other), "other.%s", x->rp_id);
	if ((m = ax_mc_map_rp(x, NULL, other)) == NULL ||
	    ax_put(m, 5, ax_cred_list(x->a.id.ptr, x->a.id.len)) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	return ax_expect(x, AX_MC, m, AX_OK, "excludeList with this RP's credential, made for another "
	    "rp.id", d, n);
}

static ax_verdict_t
excl_unknown(ax_t *x, char *d, size_t n)
{
	uint8_t id[64];
	cbor_item_t *m;

	ax_random(id, sizeof(id));
	if ((m = ax_mc_map(x, NULL, NULL)) != NULL &&
	    ax_put(m, 5, ax_cred_list(id, sizeof(id))) != 0) {
		cbor_decref(&m);
		m = NULL;
	}
	return ax_expect(x, AX_MC, m, AX_OK, "excludeList with an ID it never made", d, n);
}

const ax_case_t fsim_ax_mc_cases[] = {
	{ "MC-01", F_MC, "CTAP 2.1 6.1, 8", "a plain request: fmt, authData and attStmt, in "
	  "canonical CBOR", false, mc_form },
	{ "MC-02", F_MC, "CTAP 2.1 6.1.2; WebAuthn L3 6.1", "rpIdHash is SHA-256 of rp.id",
	  false, mc_rpid_hash },
	{ "MC-03", F_MC, "CTAP 2.1 6.1.2 step 14", "UP is set", false, mc_up },
	{ "MC-04", F_MC, "CTAP 2.1 6.1.2; WebAuthn L3 6.1, 6.5.1", "AT is set and authData ends "
	  "where AT and ED say", false, mc_attested },
	{ "MC-05", F_MC, "CTAP 2.1 6.1.2 step 15; WebAuthn L3 6.1", "ED is set only with "
	  "extension outputs", false, mc_ed },
	{ "MC-06", F_MC, "CTAP 2.1 6.1.2 step 16, 8; WebAuthn L3 6.5.1.1", "the credential key "
	  "is a canonical COSE key of the chosen alg", false, mc_cose },
	{ "MC-07", F_MC, "CTAP 2.1 6.4 maxCredentialIdLength; WebAuthn L3 6.5.1", "the "
	  "credential ID is 1 to 1023 bytes", false, mc_cred_id },
	{ "MC-08", F_MC, "CTAP 2.1 6.1.2 step 3", "the first supported public-key entry of "
	  "pubKeyCredParams is chosen", false, mc_alg_choice },
	{ "MC-09", F_MC, "CTAP 2.1 6.1.2 step 3", "no supported alg: "
	  "CTAP2_ERR_UNSUPPORTED_ALGORITHM", false, mc_no_alg },
	{ "MC-10", F_MC, "CTAP 2.1 6.1.2 step 3", "a pubKeyCredParams entry without alg is an "
	  "error", false, mc_param_no_alg },
	{ "MC-11", F_MC, "CTAP 2.1 6.1, 8.2", "no clientDataHash: CTAP2_ERR_MISSING_PARAMETER",
	  false, mc_no_cdh },
	{ "MC-12", F_MC, "CTAP 2.1 6.1, 8.2", "no rp: CTAP2_ERR_MISSING_PARAMETER", false, mc_no_rp },
	{ "MC-13", F_MC, "CTAP 2.1 6.1, 8.2", "no user: CTAP2_ERR_MISSING_PARAMETER", false,
	  mc_no_user },
	{ "MC-14", F_MC, "CTAP 2.1 6.1, 8.2", "no pubKeyCredParams: CTAP2_ERR_MISSING_PARAMETER",
	  false, mc_no_params },
	{ "MC-15", F_MC, "CTAP 2.1 6.1, 8.2", "a parameter of the wrong type: "
	  "CTAP2_ERR_CBOR_UNEXPECTED_TYPE", false, mc_wrong_type },
	{ "MC-16", F_MC, "CTAP 2.1 8, 8.2", "malformed CBOR: CTAP2_ERR_INVALID_CBOR", false,
	  mc_bad_cbor },
	{ "MC-17", F_MC, "CTAP 2.1 6.1.2 step 5", "up false: CTAP2_ERR_INVALID_OPTION", false,
	  mc_up_false },
	{ "MC-18", F_MC, "CTAP 2.1 6.1.2 step 5", "uv true verifies with built-in UV, else "
	  "CTAP2_ERR_INVALID_OPTION", false, mc_uv_option },
	{ "MC-19", F_MC, "CTAP 2.1 6.1.2 step 5", "rk true without rk: "
	  "CTAP2_ERR_UNSUPPORTED_OPTION", false, mc_rk_unsupported },
	{ "MC-20", F_MC, "CTAP 2.1 6.1.2 step 5", "an option it does not know is ignored", false,
	  mc_unknown_option },
	{ "MC-21", F_MC, "CTAP 2.1 6.1.2 step 15", "an extension it does not know is ignored, "
	  "with no output", false, mc_unknown_ext },
	{ "MC-22", F_MC, "CTAP 2.1 6.1.2 step 1", "an empty pinUvAuthParam: CTAP2_ERR_PIN_NOT_SET "
	  "or CTAP2_ERR_PIN_INVALID", false, mc_empty_param },
	{ "MC-23", F_MC, "CTAP 2.1 6.1.2 step 2", "pinUvAuthParam without its protocol: "
	  "CTAP2_ERR_MISSING_PARAMETER", false, mc_param_no_proto },
	{ "MC-24", F_MC, "CTAP 2.1 6.1.2 step 2", "an unsupported pinUvAuthProtocol: "
	  "CTAP1_ERR_INVALID_PARAMETER", false, mc_param_bad_proto },
	{ "MC-25", F_MC, "CTAP 2.1 6.1.2 step 11", "a pinUvAuthParam that does not verify: "
	  "CTAP2_ERR_PIN_AUTH_INVALID", false, mc_param_wrong },
	{ "MC-26", F_MC, "CTAP 2.1 6.1.2 step 9", "enterpriseAttestation without ep: "
	  "CTAP1_ERR_INVALID_PARAMETER", false, mc_enterprise },
	{ "MC-27", F_MC, "CTAP 2.1 6.1 attStmt; WebAuthn L3 8", "the attestation statement has "
	  "the members its fmt needs", false, mc_att_stmt },
	{ "EXCL-01", F_EXCL, "CTAP 2.1 6.1.2 step 12", "an excluded credential of this RP: "
	  "CTAP2_ERR_CREDENTIAL_EXCLUDED", false, excl_hit },
	{ "EXCL-02", F_EXCL, "CTAP 2.1 6.1.2 step 12", "the same credential for another rp.id "
	  "does not exclude", false, excl_other_rp },
	{ "EXCL-03", F_EXCL, "CTAP 2.1 6.1.2 step 12", "an ID it never made does not exclude",
	  false, excl_unknown },
	{ NULL, NULL, NULL, NULL, false, NULL },
};
