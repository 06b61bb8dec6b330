/*
 * conform_authn_pin.c — authenticatorClientPIN in conform --authenticator
 * (CTAP 2.1 §6.5): key agreement under each protocol listed (§6.5.5.4,
 * §6.5.6, §6.5.7), retries, pinUvAuthTokens and their permissions and
 * permissions RP ID as makeCredential checks them (§6.1.2 step 11), the
 * PIN itself when the user gives it.
 */
#include <stdio.h>
#include <string.h>

#include "harness/conform_authn_int.h"

#define F_PIN "authenticatorClientPIN (CTAP 2.1 6.5)"

static bool
pin_known(const ax_t *x)
{
	return fsim_devinfo_option(x->info, "clientPin") != -1 ||
	    fsim_devinfo_option(x->info, "pinUvAuthToken") == 1;
}

/* A clientPIN request map {1: proto, 2: sub} with room for more. */
static cbor_item_t *
pin_req(uint64_t proto, uint64_t sub)
{
	cbor_item_t *m = cbor_new_definite_map(8);

	if (m == NULL || (proto != 0 && ax_put(m, 1, fsim_cbor_int((int64_t)proto)) != 0) ||
	    ax_put(m, 2, fsim_cbor_int((int64_t)sub)) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		return NULL;
	}
	return m;
}

static ax_verdict_t
pin_key_agreement(ax_t *x, char *d, size_t n)
{
	char st[96], got[120] = "";
	size_t k;

	if (!pin_known(x) || x->info->n_pin_protocols == 0)
		return ax_say(AX_SKIP, d, n, "no PIN/UV auth protocol advertised");
	for (k = 0; k < x->info->n_pin_protocols; k++) {
		uint64_t p = x->info->pin_protocols[k];
		fsim_pinuv_t s;
		uint8_t status;
		int r;

		if (p != 1 && p != 2)
			continue;
		r = fsim_device_key_agreement(x->dev, p, &s, &status);
		fsim_pinuv_reset(&s);
		if (r != 0 || status != 0) {
			snprintf(st, sizeof(st), "%s (0x%02x)", fsim_ctap_status_name(status),
			    (unsigned)status);
			return ax_say(AX_FAIL, d, n, "getKeyAgreement under protocol %llu: %s",
			    (unsigned long long)p, status != 0 ? st : r == FSIM_ERR_COSE ?
			    "keyAgreement (0x01) is not a P-256 COSE key" : fsim_strerr(r));
		}
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%llu", got[0] ? ", " : "",
		    (unsigned long long)p);
	}
	return ax_say(AX_PASS, d, n, "a P-256 key agreement key under protocol(s) %s", got);
}

static ax_verdict_t
pin_bad_protocol(ax_t *x, char *d, size_t n)
{
	if (!pin_known(x))
		return ax_say(AX_SKIP, d, n, "neither clientPin nor pinUvAuthToken advertised");
	return ax_expect(x, AX_CLIENT_PIN, pin_req(99, 0x02), AX_INVALID_PARAMETER, "getKeyAgreement under "
	    "protocol 99", d, n);
}

static ax_verdict_t
retries(ax_t *x, bool uv, char *d, size_t n)
{
	uint64_t left = 0;
	uint8_t st = 0;
	int r = fsim_device_retries(x->dev, uv, &left, &st);

	if (r != 0 || st != 0)
		return ax_say(AX_FAIL, d, n, "%s answered %s (0x%02x)%s", uv ? "getUVRetries" :
		    "getPINRetries", fsim_ctap_status_name(st), (unsigned)st, r == FSIM_ERR_FORMAT ?
		    ", without its count" : "");
	if (!uv && left > 8)
		return ax_say(AX_FAIL, d, n, "pinRetries %llu: at most 8 (6.5.2.3)",
		    (unsigned long long)left);
	return ax_say(AX_PASS, d, n, "%s %llu", uv ? "uvRetries" : "pinRetries",
	    (unsigned long long)left);
}

static ax_verdict_t
pin_retries(ax_t *x, char *d, size_t n)
{
	if (fsim_devinfo_option(x->info, "clientPin") == -1)
		return ax_say(AX_SKIP, d, n, "clientPin not advertised");
	return retries(x, false, d, n);
}

static ax_verdict_t
pin_uv_retries(ax_t *x, char *d, size_t n)
{
	if (fsim_devinfo_option(x->info, "uv") == -1)
		return ax_say(AX_SKIP, d, n, "no built-in UV (uv not advertised)");
	return retries(x, true, d, n);
}

static bool
uv_token_ok(const ax_t *x)
{
	return ax_has_uv(x) && fsim_devinfo_option(x->info, "pinUvAuthToken") == 1;
}

static ax_verdict_t
pin_uv_token(ax_t *x, char *d, size_t n)
{
	uint8_t tok[32], st = 0;
	size_t tlen = 0;
	uint64_t proto = fsim_devinfo_pin_protocol(x->info);
	int r;

	if (!uv_token_ok(x))
		return ax_say(AX_SKIP, d, n, "no built-in UV with pinUvAuthToken");
	r = fsim_device_token(x->dev, proto, NULL, FSIM_PERM_GET_ASSERTION, x->rp_id, tok, &tlen,
	    &st);
	fsim_wipe(tok, sizeof(tok));
	if (r != 0 || st != 0)
		return ax_say(AX_FAIL, d, n, "getPinUvAuthTokenUsingUvWithPermissions: %s (0x%02x)%s",
		    fsim_ctap_status_name(st), (unsigned)st, r == FSIM_ERR_FORMAT ?
		    ", and the token did not decrypt to 16 or 32 bytes" : "");
	if (proto == 2 && tlen != 32)
		return ax_say(AX_FAIL, d, n, "a %zu-byte token under protocol 2 (6.5.7: 32 bytes)",
		    tlen);
	return ax_say(AX_PASS, d, n, "a %zu-byte pinUvAuthToken under protocol %llu", tlen,
	    (unsigned long long)proto);
}

/* A token request can be made: built-in UV with tokens, or the PIN given. */
static bool
token_req_ok(const ax_t *x)
{
	return uv_token_ok(x) || (ax_has_pin(x) && x->cfg->pin != NULL &&
	    fsim_devinfo_option(x->info, "pinUvAuthToken") == 1);
}

static const char *
token_req_why(const ax_t *x)
{
	return ax_has_pin(x) ? "a PIN is set: give --pin" :
	    "neither built-in UV with pinUvAuthToken nor a PIN";
}

/*
 * A token request with a fresh key agreement: getPinUvAuthTokenUsingUv
 * WithPermissions (0x06) when the device has built-in UV, else
 * getPinUvAuthTokenUsingPinWithPermissions (0x09) with the PIN given.
 */
static cbor_item_t *
uv_token_req(ax_t *x, uint64_t perms, const char *rp_id, bool bad_point)
{
	uint64_t proto = fsim_devinfo_pin_protocol(x->info);
	bool pin = !uv_token_ok(x);
	fsim_pinuv_t s;
	fsim_blob_t enc = { NULL, 0 };
	cbor_item_t *m = NULL, *k = NULL;
	uint8_t st, hash[16];

	if (fsim_device_key_agreement(x->dev, proto, &s, &st) != 0 || st != 0)
		return NULL;
	if (pin && (x->cfg->pin == NULL || fsim_pinuv_pin_hash(x->cfg->pin, hash) != 0 ||
	    fsim_pinuv_encrypt(&s, hash, sizeof(hash), &enc) != 0))
		goto out;
	if (fsim_cbor_decode(s.platform_key.ptr, s.platform_key.len, &k, NULL) != 0)
		goto out;
	if (bad_point) {
		/* x = 1, y = 1: not on P-256. */
		cbor_item_t *w = cbor_new_definite_map(5);
		uint8_t one[32] = { 0 };

		one[31] = 1;
		if (w == NULL || fsim_cbor_map_put(w, fsim_cbor_int(1), fsim_cbor_int(2)) != 0 ||
		    fsim_cbor_map_put(w, fsim_cbor_int(3), fsim_cbor_int(-25)) != 0 ||
		    fsim_cbor_map_put(w, fsim_cbor_int(-1), fsim_cbor_int(1)) != 0 ||
		    fsim_cbor_map_put(w, fsim_cbor_int(-2), fsim_cbor_bytes(one, 32)) != 0 ||
		    fsim_cbor_map_put(w, fsim_cbor_int(-3), fsim_cbor_bytes(one, 32)) != 0) {
			if (w != NULL)
				cbor_decref(&w);
			goto out;
		}
		cbor_decref(&k);
		k = w;
	}
	if ((m = pin_req(proto, pin ? 0x09 : 0x06)) == NULL)
		goto out;
	if (ax_put(m, 3, k) != 0 || ax_put(m, 9, fsim_cbor_int((int64_t)perms)) != 0 ||
	    (rp_id != NULL && ax_put(m, 10, fsim_cbor_text(rp_id)) != 0) ||
	    (pin && ax_put(m, 6, fsim_cbor_bytes(enc.ptr, enc.len)) != 0)) {
		k = NULL;
		cbor_decref(&m);
		goto out;
	}
	k = NULL;
out:
	if (k != NULL)
		cbor_decref(&k);
	fsim_wipe(hash, sizeof(hash));
	fsim_blob_reset(&enc);
	fsim_pinuv_reset(&s);
	return m;
}

static ax_verdict_t
pin_zero_perms(ax_t *x, char *d, size_t n)
{
	if (!token_req_ok(x))
		return ax_say(AX_SKIP, d, n, "%s", token_req_why(x));
	return ax_expect(x, AX_CLIENT_PIN, uv_token_req(x, 0, x->rp_id, false), AX_INVALID_PARAMETER,
	    "permissions 0", d, n);
}

static ax_verdict_t
pin_unauthorized(ax_t *x, char *d, size_t n)
{
	if (!token_req_ok(x))
		return ax_say(AX_SKIP, d, n, "%s", token_req_why(x));
	if (fsim_devinfo_option(x->info, "bioEnroll") != -1 ||
	    fsim_devinfo_option(x->info, "userVerificationMgmtPreview") != -1)
		return ax_say(AX_SKIP, d, n, "biometric enrollment is advertised");
	return ax_expect(x, AX_CLIENT_PIN, uv_token_req(x, FSIM_PERM_BIO_ENROLLMENT, NULL, false),
	    AX_UNAUTHORIZED_PERMISSION, "the be permission without bioEnroll", d, n);
}

static ax_verdict_t
pin_bad_point(ax_t *x, char *d, size_t n)
{
	if (!token_req_ok(x))
		return ax_say(AX_SKIP, d, n, "%s", token_req_why(x));
	return ax_expect(x, AX_CLIENT_PIN, uv_token_req(x, FSIM_PERM_GET_ASSERTION, x->rp_id, true),
	    AX_INVALID_PARAMETER, "a keyAgreement point not on P-256", d, n);
}

/* makeCredential with a token of perms for rp_id (NULL: the run's). */
static ax_verdict_t
mc_with_token(ax_t *x, uint8_t perms, const char *token_rp, uint8_t want, bool want_uv,
    const char *what, char *d, size_t n)
{
	uint8_t tok[32], cdh[32];
	size_t tlen;
	uint64_t proto;
	char why[200], st[96];
	cbor_item_t *m;
	ax_resp_t r;
	ax_verdict_t v;

	if (!fsim_devinfo_can_verify(x->info))
		return ax_say(AX_SKIP, d, n, "the authenticator cannot verify users");
	if (ax_token(x, perms, token_rp != NULL ? token_rp : x->rp_id, tok, &tlen, &proto, why,
	    sizeof(why)) != 0)
		return ax_say(AX_SKIP, d, n, "%s", why);
	ax_random(cdh, sizeof(cdh));
	if ((m = ax_mc_map(x, cdh, NULL)) == NULL || ax_put_param(m, 8, proto, tok, tlen, cdh) != 0) {
		if (m != NULL)
			cbor_decref(&m);
		fsim_wipe(tok, sizeof(tok));
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	fsim_wipe(tok, sizeof(tok));
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	ax_read_mc(&r);
	if (r.io != 0 || r.hid_error >= 0 || r.st != want)
		v = ax_say(AX_FAIL, d, n, "%s: expected %s (0x%02x), got %s", what,
		    fsim_ctap_status_name(want), (unsigned)want, ax_status(&r, st, sizeof(st)));
	else if (want_uv && (r.ad_len < 33 || !(r.ad[32] & FSIM_AD_UV)))
		v = ax_say(AX_FAIL, d, n, "%s: made, but UV is clear", what);
	else
		v = ax_say(AX_PASS, d, n, "%s: %s%s", what, ax_status(&r, st, sizeof(st)),
		    want_uv ? ", UV set" : "");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
pin_perm_ok(ax_t *x, char *d, size_t n)
{
	return mc_with_token(x, FSIM_PERM_MAKE_CREDENTIAL, NULL, AX_OK, true,
	    "a token with mc for this RP", d, n);
}

static ax_verdict_t
pin_perm_ga_only(ax_t *x, char *d, size_t n)
{
	return mc_with_token(x, FSIM_PERM_GET_ASSERTION, NULL, AX_PIN_AUTH_INVALID, false,
	    "a token with ga only, for makeCredential", d, n);
}

static ax_verdict_t
pin_perm_other_rp(ax_t *x, char *d, size_t n)
{
	char other[96];

	snprintf(other, sizeof(other), "other.%s", x->rp_id);
	return mc_with_token(x, FSIM_PERM_MAKE_CREDENTIAL, other, AX_PIN_AUTH_INVALID, false,
	    "a token with mc for another RP ID", d, n);
}

static ax_verdict_t
pin_with_pin(ax_t *x, char *d, size_t n)
{
	uint8_t tok[32], st = 0;
	size_t tlen = 0;
	uint64_t proto = fsim_devinfo_pin_protocol(x->info), before = 0, after = 0, restored = 0;
	char wrong[80];
	int r;

	if (!ax_has_pin(x))
		return ax_say(AX_SKIP, d, n, "no PIN is set (clientPin not true)");
	if (x->cfg->pin == NULL)
		return ax_say(AX_SKIP, d, n, "the authenticator has a PIN: give --pin to test it");
	if (fsim_device_retries(x->dev, false, &before, &st) != 0 || st != 0)
		return ax_say(AX_FAIL, d, n, "getPINRetries failed");
	snprintf(wrong, sizeof(wrong), "%s-not", x->cfg->pin);
	r = fsim_device_token(x->dev, proto, wrong, FSIM_PERM_MAKE_CREDENTIAL, x->rp_id, tok,
	    &tlen, &st);
	if (r != 0 && r != FSIM_ERR_FORMAT)
		return ax_say(AX_FAIL, d, n, "the token exchange failed: %s", fsim_strerr(r));
	if (st != AX_PIN_INVALID)
		return ax_say(AX_FAIL, d, n, "a wrong PIN: expected CTAP2_ERR_PIN_INVALID, got %s "
		    "(0x%02x)", fsim_ctap_status_name(st), (unsigned)st);
	if (fsim_device_retries(x->dev, false, &after, &st) != 0 || st != 0 || after + 1 != before)
		return ax_say(AX_FAIL, d, n, "pinRetries went from %llu to %llu after one wrong PIN",
		    (unsigned long long)before, (unsigned long long)after);
	r = fsim_device_token(x->dev, proto, x->cfg->pin, FSIM_PERM_MAKE_CREDENTIAL, x->rp_id,
	    tok, &tlen, &st);
	fsim_wipe(tok, sizeof(tok));
	if (r != 0 || st != 0)
		return ax_say(AX_FAIL, d, n, "the right PIN (--pin): %s (0x%02x)",
		    fsim_ctap_status_name(st), (unsigned)st);
	if (fsim_device_retries(x->dev, false, &restored, &st) != 0 || st != 0 ||
	    restored != before)
		return ax_say(AX_FAIL, d, n, "pinRetries %llu after the right PIN, not back to %llu",
		    (unsigned long long)restored, (unsigned long long)before);
	return ax_say(AX_PASS, d, n, "a wrong PIN: CTAP2_ERR_PIN_INVALID and one retry less; "
	    "the right one: a %zu-byte token and the retries back to %llu", tlen,
	    (unsigned long long)before);
}

static ax_verdict_t
pin_set_again(ax_t *x, char *d, size_t n)
{
	uint8_t st = 0;
	int r;

	if (!ax_has_pin(x))
		return ax_say(AX_SKIP, d, n, "no PIN is set");
	/* setPIN over an existing PIN must fail and change nothing. */
	r = fsim_device_set_pin(x->dev, fsim_devinfo_pin_protocol(x->info), "fidosim-conform-9",
	    &st);
	if (r != 0)
		return ax_say(AX_FAIL, d, n, "setPIN could not be sent: %s", fsim_strerr(r));
	if (st != AX_PIN_AUTH_INVALID && st != AX_NOT_ALLOWED)
		return ax_say(AX_FAIL, d, n, "setPIN with a PIN already set: expected "
		    "CTAP2_ERR_PIN_AUTH_INVALID, got %s (0x%02x)", fsim_ctap_status_name(st),
		    (unsigned)st);
	return ax_say(AX_PASS, d, n, "setPIN with a PIN already set: %s (0x%02x)",
	    fsim_ctap_status_name(st), (unsigned)st);
}

const ax_case_t fsim_ax_pin_cases[] = {
	{ "PIN-01", F_PIN, "CTAP 2.1 6.5.5.4, 6.5.6, 6.5.7", "getKeyAgreement gives a P-256 key "
	  "under each protocol listed", false, pin_key_agreement },
	{ "PIN-02", F_PIN, "CTAP 2.1 6.5.5", "an unsupported protocol: CTAP1_ERR_INVALID_PARAMETER",
	  false, pin_bad_protocol },
	{ "PIN-03", F_PIN, "CTAP 2.1 6.5.5.2", "getPINRetries gives pinRetries (at most 8)",
	  false, pin_retries },
	{ "PIN-04", F_PIN, "CTAP 2.1 6.5.5.3", "getUVRetries gives uvRetries", false,
	  pin_uv_retries },
	{ "PIN-05", F_PIN, "CTAP 2.1 6.5.5.7.3, 6.5.7", "getPinUvAuthTokenUsingUvWithPermissions "
	  "gives a token (32 bytes under protocol 2)", false, pin_uv_token },
	{ "PIN-06", F_PIN, "CTAP 2.1 6.5.5.7.2, 6.5.5.7.3", "permissions 0: CTAP1_ERR_INVALID_PARAMETER",
	  false, pin_zero_perms },
	{ "PIN-07", F_PIN, "CTAP 2.1 6.5.5.7.2, 6.5.5.7.3", "a permission it does not support: "
	  "CTAP2_ERR_UNAUTHORIZED_PERMISSION", false, pin_unauthorized },
	{ "PIN-08", F_PIN, "CTAP 2.1 6.5.5.7, 6.5.6", "a keyAgreement not on P-256: "
	  "CTAP1_ERR_INVALID_PARAMETER", false, pin_bad_point },
	{ "PIN-09", F_PIN, "CTAP 2.1 6.1.2 step 11", "a token with mc for this RP makes a "
	  "credential with UV set", false, pin_perm_ok },
	{ "PIN-10", F_PIN, "CTAP 2.1 6.1.2 step 11", "a token without mc: "
	  "CTAP2_ERR_PIN_AUTH_INVALID", false, pin_perm_ga_only },
	{ "PIN-11", F_PIN, "CTAP 2.1 6.1.2 step 11", "a token for another RP ID: "
	  "CTAP2_ERR_PIN_AUTH_INVALID", false, pin_perm_other_rp },
	{ "PIN-12", F_PIN, "CTAP 2.1 6.5.5.7.2, 6.5.2", "a wrong PIN costs one retry, the right "
	  "one gives a token and restores them", false, pin_with_pin },
	{ "PIN-13", F_PIN, "CTAP 2.1 6.5.5.5", "setPIN over a PIN already set is refused",
	  false, pin_set_again },
	{ NULL, NULL, NULL, NULL, false, NULL },
};
