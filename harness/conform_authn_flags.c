/*
 * conform_authn_flags.c — over repeated use, in conform --authenticator:
 * the backup flags (WebAuthn L3 §6.1, §6.1.3: BS only with BE, BE fixed for
 * a credential's life), the signature counter (§6.1.1), the RFU flag bits;
 * then the outputs judged by rp-sim through the reference client
 * (harness/pipeline.h: WebAuthn L3 §7.1, §7.2), and the destructive cases
 * (authenticatorReset, setPIN, changePIN), which run only when asked.
 */
#include <stdio.h>
#include <string.h>

#include "harness/conform_authn_int.h"
#include "harness/pipeline.h"

#define F_FLAGS "Backup flags and counter (WebAuthn L3 6.1)"
#define F_RP "Relying party (rp-sim, WebAuthn L3 7)"
#define F_DX "Destructive (CTAP 2.1 6.5.5, 6.6)"

/* n assertions of credential a: flags and counters appended to x's lists. */
static bool
assertions(ax_t *x, size_t k, uint32_t *counts, char *d, size_t n)
{
	size_t i;
	char st[96];

	if (!ax_need_a(x, d, n))
		return false;
	for (i = 0; i < k; i++) {
		cbor_item_t *m = ax_ga_map(x, NULL, NULL, x->a.id.ptr, x->a.id.len);
		ax_resp_t r;

		memset(&r, 0, sizeof(r));
		if (m == NULL) {
			snprintf(d, n, "out of memory");
			return false;
		}
		ax_send(x, AX_GA, m, &r);
		cbor_decref(&m);
		ax_read_ga(&r, x->a.id.ptr, x->a.id.len);
		if (r.st != AX_OK || r.ad_len < 37) {
			snprintf(d, n, "assertion %zu answered %s", i + 1, ax_status(&r, st, sizeof(st)));
			ax_resp_reset(&r);
			x->setup_failed = true;
			return false;
		}
		ax_note_flags(x, r.ad[32], false, "getAssertion");
		counts[i] = (uint32_t)r.ad[33] << 24 | (uint32_t)r.ad[34] << 16 |
		    (uint32_t)r.ad[35] << 8 | r.ad[36];
		ax_resp_reset(&r);
	}
	return true;
}

static ax_verdict_t
flag_bs_be(ax_t *x, char *d, size_t n)
{
	uint32_t c[2];
	size_t i;

	ax_rules(x, "REG-14 AUTH-15");
	if (!assertions(x, 2, c, d, n))
		return AX_FAIL;
	for (i = 0; i < x->n_seen; i++)
		if ((x->seen_flags[i] & FSIM_AD_BS) && !(x->seen_flags[i] & FSIM_AD_BE))
			return ax_say(AX_FAIL, d, n, "BS set while BE is clear (flags 0x%02x, %zu of %zu "
			    "authData seen)", x->seen_flags[i], i + 1, x->n_seen);
	return ax_say(AX_PASS, d, n, "BS only with BE in the %zu authData seen", x->n_seen);
}

static ax_verdict_t
flag_be_fixed(ax_t *x, char *d, size_t n)
{
	uint32_t c[2];
	size_t i;
	bool be;

	ax_rules(x, "AUTH-16");
	if (!assertions(x, 2, c, d, n))
		return AX_FAIL;
	be = (x->a.flags & FSIM_AD_BE) != 0;
	for (i = 0; i < x->n_seen; i++)
		if (((x->seen_flags[i] & FSIM_AD_BE) != 0) != be)
			return ax_say(AX_FAIL, d, n, "BE was %d at registration and %d later (flags "
			    "0x%02x)", be, !be, x->seen_flags[i]);
	return ax_say(AX_PASS, d, n, "BE %d at registration and in every assertion", be);
}

static ax_verdict_t
flag_counter(ax_t *x, char *d, size_t n)
{
	uint32_t c[3];
	size_t i;

	ax_rules(x, "AUTH-19");
	if (!assertions(x, 3, c, d, n))
		return AX_FAIL;
	/* A counter that was non-zero must go up (§6.1.1); 0 throughout means none. */
	if (x->a.count_seen && x->a.last_count != 0 && c[0] <= x->a.last_count)
		return ax_say(AX_FAIL, d, n, "signCount %u after %u at registration", c[0],
		    x->a.last_count);
	if (c[0] == 0 && c[1] == 0 && c[2] == 0)
		return ax_say(AX_PASS, d, n, "signCount 0 throughout (no counter)");
	for (i = 1; i < 3; i++)
		if (c[i] <= c[i - 1])
			return ax_say(AX_FAIL, d, n, "signCount went %u, %u, %u over three assertions",
			    c[0], c[1], c[2]);
	return ax_say(AX_PASS, d, n, "signCount %u, %u, %u", c[0], c[1], c[2]);
}

static ax_verdict_t
flag_rfu(ax_t *x, char *d, size_t n)
{
	size_t i;

	ax_rules(x, "FLAGS-03");
	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	for (i = 0; i < x->n_seen; i++)
		if (x->seen_flags[i] & (FSIM_AD_RFU1 | FSIM_AD_RFU2))
			return ax_say(AX_FAIL, d, n, "an RFU flag bit is set (flags 0x%02x)",
			    x->seen_flags[i]);
	return ax_say(AX_PASS, d, n, "bits 1 and 5 clear in the %zu authData seen", x->n_seen);
}

/* ---- rp-sim ---- */

static const fsim_rp_preset_t *spec_preset[1];

static fsim_pipe_rp_t
rp_of(const ax_t *x)
{
	fsim_pipe_rp_t rp;

	memset(&rp, 0, sizeof(rp));
	rp.rp_id = x->rp_id;
	rp.attestation = "direct";
	rp.uv = "preferred";
	/* Not discoverable: a run leaves no credential of a random user behind. */
	rp.resident_key = "discouraged";
	spec_preset[0] = fsim_rp_preset_find("spec");
	rp.presets = spec_preset;
	rp.n_presets = 1;
	return rp;
}

static ax_verdict_t
judged(ax_t *x, const fsim_pipe_result_t *res, const char *what, char *d, size_t n)
{
	const fsim_pipe_verdict_t *v = res->n_verdicts > 0 ? &res->verdicts[0] : NULL;

	if (res->response == NULL)
		return ax_say(AX_FAIL, d, n, "%s: the client got no response: %s %s", what,
		    res->delivered.error_name, res->delivered.error_message);
	if (v == NULL || !v->ran)
		return ax_say(AX_FAIL, d, n, "%s: rp-sim did not judge it", what);
	if (v->errors[0])
		ax_rules(x, v->errors);
	if (!v->verified)
		return ax_say(AX_FAIL, d, n, "%s: rp-sim refused it [%s]: %s", what, v->errors,
		    v->first_error);
	return ax_say(AX_PASS, d, n, "%s: verified by rp-sim (spec policy)%s%s%s", what,
	    v->warnings[0] ? ", warnings [" : "", v->warnings, v->warnings[0] ? "]" : "");
}

static ax_verdict_t
rp_register(ax_t *x, char *d, size_t n)
{
	fsim_authn_config_t cfg;
	fsim_pipe_rp_t rp = rp_of(x);
	fsim_pipe_result_t res;
	ax_verdict_t v;

	fsim_authn_config_init(&cfg);
	memset(&res, 0, sizeof(res));
	if (x->pipe == NULL) {
		if (fsim_pipe_new(&cfg, NULL, NULL, 0, &x->pipe) != 0)
			return ax_say(AX_FAIL, d, n, "out of memory");
		x->pipe_auth.pin = x->pin_now[0] ? x->pin_now : x->cfg->pin;
		fsim_pipe_set_device(x->pipe, x->dev, &x->pipe_auth);
	}
	if (fsim_pipe_register(x->pipe, &rp, &res) != 0)
		return ax_say(AX_FAIL, d, n, "the pipeline failed");
	v = judged(x, &res, "a registration (attestation direct)", d, n);
	x->pipe_registered = v == AX_PASS;
	fsim_pipe_result_reset(&res);
	return v;
}

static ax_verdict_t
rp_authenticate(ax_t *x, char *d, size_t n, const char *what)
{
	fsim_pipe_rp_t rp = rp_of(x);
	fsim_pipe_result_t res;
	ax_verdict_t v;

	if (x->pipe == NULL || !fsim_pipe_has_credential(x->pipe) || !x->pipe_registered) {
		x->setup_failed = true;
		return ax_say(AX_FAIL, d, n, "RP-01 registered nothing rp-sim accepted");
	}
	memset(&res, 0, sizeof(res));
	if (fsim_pipe_authenticate(x->pipe, &rp, &res) != 0)
		return ax_say(AX_FAIL, d, n, "the pipeline failed");
	v = judged(x, &res, what, d, n);
	fsim_pipe_result_reset(&res);
	return v;
}

static ax_verdict_t
rp_assert1(ax_t *x, char *d, size_t n)
{
	return rp_authenticate(x, d, n, "an assertion");
}

static ax_verdict_t
rp_assert2(ax_t *x, char *d, size_t n)
{
	return rp_authenticate(x, d, n, "a second assertion (the counter)");
}

/* ---- destructive ---- */

static const char *
new_pin(const ax_t *x)
{
	return x->cfg->new_pin != NULL ? x->cfg->new_pin : "fidosim-conform-pin";
}

static ax_verdict_t
dx_set_pin(ax_t *x, char *d, size_t n)
{
	uint8_t st = 0;
	int r;

	if (fsim_devinfo_option(x->info, "clientPin") == -1)
		return ax_say(AX_SKIP, d, n, "clientPin not advertised");
	if (ax_has_pin(x))
		return ax_say(AX_SKIP, d, n, "a PIN is set already (DX-02 changes it)");
	r = fsim_device_set_pin(x->dev, fsim_devinfo_pin_protocol(x->info), new_pin(x), &st);
	if (r != 0 || st != 0)
		return ax_say(AX_FAIL, d, n, "setPIN: %s (0x%02x)", r != 0 ? fsim_strerr(r) :
		    fsim_ctap_status_name(st), (unsigned)st);
	snprintf(x->pin_now, sizeof(x->pin_now), "%s", new_pin(x));
	if (fsim_device_refresh_info(x->dev) != 0 || !ax_has_pin(x))
		return ax_say(AX_FAIL, d, n, "setPIN succeeded but getInfo does not say clientPin "
		    "true");
	return ax_say(AX_PASS, d, n, "the PIN is now \"%s\"; getInfo says clientPin true",
	    new_pin(x));
}

static ax_verdict_t
dx_change_pin(ax_t *x, char *d, size_t n)
{
	const char *old = x->pin_now[0] ? x->pin_now : x->cfg->pin;
	char target[64];
	uint8_t st = 0, tok[32];
	size_t tlen;
	int r;

	if (!ax_has_pin(x))
		return ax_say(AX_SKIP, d, n, "no PIN is set");
	if (old == NULL)
		return ax_say(AX_SKIP, d, n, "the PIN is not known: give --pin");
	snprintf(target, sizeof(target), "%s", strcmp(old, new_pin(x)) == 0 ?
	    "fidosim-conform-pin2" : new_pin(x));
	r = fsim_device_change_pin(x->dev, fsim_devinfo_pin_protocol(x->info), old, target, &st);
	if (r != 0 || st != 0)
		return ax_say(AX_FAIL, d, n, "changePIN: %s (0x%02x)", r != 0 ? fsim_strerr(r) :
		    fsim_ctap_status_name(st), (unsigned)st);
	r = fsim_device_token(x->dev, fsim_devinfo_pin_protocol(x->info), old,
	    FSIM_PERM_MAKE_CREDENTIAL, x->rp_id, tok, &tlen, &st);
	fsim_wipe(tok, sizeof(tok));
	snprintf(x->pin_now, sizeof(x->pin_now), "%s", target);
	if (st != AX_PIN_INVALID)
		return ax_say(AX_FAIL, d, n, "after changePIN the old PIN still answers %s (0x%02x)",
		    fsim_ctap_status_name(st), (unsigned)st);
	r = fsim_device_token(x->dev, fsim_devinfo_pin_protocol(x->info), target,
	    FSIM_PERM_MAKE_CREDENTIAL, x->rp_id, tok, &tlen, &st);
	fsim_wipe(tok, sizeof(tok));
	if (r != 0 || st != 0)
		return ax_say(AX_FAIL, d, n, "the new PIN gives no token: %s (0x%02x)",
		    fsim_ctap_status_name(st), (unsigned)st);
	return ax_say(AX_PASS, d, n, "the PIN is now \"%s\"; the old one is refused", target);
}

static ax_verdict_t
dx_reset(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	cbor_item_t *m;

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_RESET, NULL, &r);
	if (r.io == 0 && r.hid_error < 0 && (r.st == AX_NOT_ALLOWED || r.st == AX_OPERATION_DENIED)) {
		v = ax_say(AX_SKIP, d, n, "the authenticator refused the reset (%s); if it allows "
		    "one only right after power-up, plug it in again and run at once",
		    ax_status(&r, st, sizeof(st)));
		ax_resp_reset(&r);
		return v;
	}
	if (r.io != 0 || r.st != AX_OK) {
		v = ax_say(AX_FAIL, d, n, "authenticatorReset answered %s", ax_status(&r, st,
		    sizeof(st)));
		ax_resp_reset(&r);
		return v;
	}
	x->pin_now[0] = '\0';
	/* Everything made before is gone. */
	m = ax_ga_map(x, NULL, NULL, x->a.id.ptr, x->a.id.len);
	ax_send(x, AX_GA, m, &r);
	if (m != NULL)
		cbor_decref(&m);
	if (r.st != AX_NO_CREDENTIALS)
		v = ax_say(AX_FAIL, d, n, "after the reset the run's credential still answers %s",
		    ax_status(&r, st, sizeof(st)));
	else if (fsim_device_refresh_info(x->dev) != 0 || ax_has_pin(x))
		v = ax_say(AX_FAIL, d, n, "after the reset getInfo still says a PIN is set");
	else
		v = ax_say(AX_PASS, d, n, "CTAP2_OK; the run's credential is gone and no PIN is set");
	ax_resp_reset(&r);
	return v;
}

const ax_case_t fsim_ax_flags_cases[] = {
	{ "FLAG-01", F_FLAGS, "WebAuthn L3 6.1, 6.1.3", "BS is set only with BE", false,
	  flag_bs_be },
	{ "FLAG-02", F_FLAGS, "WebAuthn L3 6.1.3", "BE in assertions is BE at registration",
	  false, flag_be_fixed },
	{ "FLAG-03", F_FLAGS, "WebAuthn L3 6.1.1; CTAP 2.1 6.2.2", "the signature counter "
	  "increases over assertions, or stays 0", false, flag_counter },
	{ "FLAG-04", F_FLAGS, "WebAuthn L3 6.1", "the RFU flag bits are clear", false, flag_rfu },
	{ NULL, NULL, NULL, NULL, false, NULL },
};

const ax_case_t fsim_ax_rp_cases[] = {
	{ "RP-01", F_RP, "WebAuthn L3 7.1", "rp-sim verifies a registration made through the "
	  "reference client", false, rp_register },
	{ "RP-02", F_RP, "WebAuthn L3 7.2", "rp-sim verifies an assertion", false, rp_assert1 },
	{ "RP-03", F_RP, "WebAuthn L3 7.2 step 22", "rp-sim verifies a second assertion", false,
	  rp_assert2 },
	{ NULL, NULL, NULL, NULL, false, NULL },
};

const ax_case_t fsim_ax_dx_cases[] = {
	{ "DX-01", F_DX, "CTAP 2.1 6.5.5.5", "setPIN on an authenticator without a PIN", true,
	  dx_set_pin },
	{ "DX-02", F_DX, "CTAP 2.1 6.5.5.6", "changePIN: the new PIN works, the old one is "
	  "refused", true, dx_change_pin },
	{ "DX-03", F_DX, "CTAP 2.1 6.6", "authenticatorReset forgets every credential and the "
	  "PIN", true, dx_reset },
	{ NULL, NULL, NULL, NULL, false, NULL },
};
