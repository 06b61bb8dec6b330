/*
 * conform_authn_ext.c — the extensions of CTAP 2.1 §12 in conform
 * --authenticator, each where getInfo advertises it: credProtect (§12.1),
 * credBlob (§12.2), largeBlobKey (§12.3), minPinLength (§12.4), hmac-secret
 * (§12.5); and no output for an extension it does not advertise.
 */
#include <stdio.h>
#include <string.h>

#include "harness/conform_authn_int.h"

#define F_EXT "Extensions (CTAP 2.1 12)"

/* A credential made for an extension test. */
typedef struct made {
	ax_resp_t r;               /* the makeCredential answer, read */
	const cbor_item_t *out;    /* its extension outputs (lent from r) */
} made_t;

static void
made_reset(made_t *m)
{
	ax_resp_reset(&m->r);
	m->out = NULL;
}

/*
 * makeCredential for rp_id (NULL: the run's) with ext (taken) and rk;
 * with UV when uv (a token, as available). false with d set on failure.
 */
static bool
make_with(ax_t *x, const char *rp_id, cbor_item_t *ext, bool rk, bool uv, made_t *out,
    char *d, size_t n)
{
	uint8_t cdh[32], tok[32];
	size_t tlen = 0;
	uint64_t proto = 0;
	char why[200], st[96];
	cbor_item_t *m = NULL;

	memset(out, 0, sizeof(*out));
	ax_random(cdh, sizeof(cdh));
	if (uv && ax_token(x, FSIM_PERM_MAKE_CREDENTIAL, rp_id != NULL ? rp_id : x->rp_id, tok,
	    &tlen, &proto, why, sizeof(why)) != 0) {
		snprintf(d, n, "%s", why);
		goto fail;
	}
	if ((m = rp_id != NULL ? ax_mc_map_rp(x, cdh, rp_id) : ax_mc_map(x, cdh, NULL)) == NULL)
		goto nomem;
	if (ax_put(m, 6, ext) != 0) {
		ext = NULL;
		goto nomem;
	}
	ext = NULL;
	if ((rk && ax_put(m, 7, ax_options(1, -1, -1)) != 0) ||
	    (tlen > 0 && ax_put_param(m, 8, proto, tok, tlen, cdh) != 0))
		goto nomem;
	fsim_wipe(tok, sizeof(tok));
	ax_send(x, AX_MC, m, &out->r);
	cbor_decref(&m);
	ax_read_mc(&out->r);
	if (out->r.io != 0 || out->r.st != AX_OK || out->r.adp == NULL) {
		snprintf(d, n, "makeCredential with the extension answered %s",
		    ax_status(&out->r, st, sizeof(st)));
		made_reset(out);
		return false;
	}
	out->out = out->r.adp->ext;
	return true;
nomem:
	snprintf(d, n, "out of memory");
fail:
	fsim_wipe(tok, sizeof(tok));
	if (m != NULL)
		cbor_decref(&m);
	if (ext != NULL)
		cbor_decref(&ext);
	return false;
}

static cbor_item_t *
ext1(const char *name, cbor_item_t *v)
{
	cbor_item_t *e = cbor_new_definite_map(1);

	if (e == NULL || fsim_cbor_map_put(e, fsim_cbor_text(name), v) != 0) {
		if (e != NULL)
			cbor_decref(&e);
		return NULL;
	}
	return e;
}

/*
 * getAssertion for rp_id with allow (NULL: discovery) and extensions ext
 * (taken, may be NULL), with UV when uv. r read.
 */
static void
get_with(ax_t *x, const char *rp_id, const fsim_blob_t *allow, cbor_item_t *ext, bool uv,
    ax_resp_t *r)
{
	uint8_t cdh[32], tok[32];
	size_t tlen = 0;
	uint64_t proto = 0;
	char why[200];
	cbor_item_t *m;

	memset(r, 0, sizeof(*r));
	ax_random(cdh, sizeof(cdh));
	if (uv && ax_token(x, FSIM_PERM_GET_ASSERTION, rp_id != NULL ? rp_id : x->rp_id, tok,
	    &tlen, &proto, why, sizeof(why)) != 0)
		tlen = 0;
	m = ax_ga_map(x, rp_id, cdh, allow != NULL ? allow->ptr : NULL, allow != NULL ? allow->len : 0);
	if (m == NULL || (ext != NULL && ax_put(m, 4, ext) != 0) ||
	    (tlen > 0 && ax_put_param(m, 6, proto, tok, tlen, cdh) != 0)) {
		if (m != NULL)
			cbor_decref(&m);
		else if (ext != NULL)
			cbor_decref(&ext);
		ax_resp_reset(r);
		r->io = FSIM_ERR_NOMEM;
		fsim_wipe(tok, sizeof(tok));
		return;
	}
	fsim_wipe(tok, sizeof(tok));
	ax_send(x, AX_GA, m, r);
	cbor_decref(&m);
	ax_read_ga(r, allow != NULL ? allow->ptr : NULL, allow != NULL ? allow->len : 0);
}

static ax_verdict_t
ext_cred_protect(ax_t *x, char *d, size_t n)
{
	made_t mk;
	fsim_blob_t id = { NULL, 0 };
	const cbor_item_t *o;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	if (!fsim_devinfo_has_extension(x->info, "credProtect"))
		return ax_say(AX_SKIP, d, n, "credProtect not advertised");
	if (!make_with(x, NULL, ext1("credProtect", fsim_cbor_int(3)), false, false, &mk, d, n))
		return AX_FAIL;
	o = mk.out != NULL ? fsim_cbor_map_get_str(mk.out, "credProtect") : NULL;
	if (o == NULL || !cbor_isa_uint(o) || cbor_get_int(o) != 3) {
		made_reset(&mk);
		return ax_say(AX_FAIL, d, n, "credProtect 3 asked: the output is not credProtect 3");
	}
	if (fsim_blob_set(&id, mk.r.adp->cred_id.ptr, mk.r.adp->cred_id.len) != 0) {
		made_reset(&mk);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	made_reset(&mk);
	/* userVerificationRequired: not without UV, even with its ID. */
	get_with(x, NULL, &id, NULL, false, &r);
	if (r.st != AX_NO_CREDENTIALS) {
		v = ax_say(AX_FAIL, d, n, "a credProtect 3 credential asserted without UV: %s",
		    ax_status(&r, st, sizeof(st)));
		goto out;
	}
	if (!fsim_devinfo_can_verify(x->info)) {
		v = ax_say(AX_PASS, d, n, "output credProtect 3; not found without UV (no UV to "
		    "try with)");
		goto out;
	}
	ax_resp_reset(&r);
	get_with(x, NULL, &id, NULL, true, &r);
	if (r.st != AX_OK)
		v = ax_say(AX_FAIL, d, n, "a credProtect 3 credential with UV: %s",
		    ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_PASS, d, n, "output credProtect 3; refused without UV, found with it");
out:
	ax_resp_reset(&r);
	fsim_blob_reset(&id);
	return v;
}

static ax_verdict_t
ext_cred_protect2(ax_t *x, char *d, size_t n)
{
	made_t mk;
	fsim_blob_t id = { NULL, 0 };
	char rp[96], st[96];
	ax_resp_t r;
	ax_verdict_t v;

	if (!fsim_devinfo_has_extension(x->info, "credProtect"))
		return ax_say(AX_SKIP, d, n, "credProtect not advertised");
	if (fsim_devinfo_option(x->info, "rk") != 1)
		return ax_say(AX_SKIP, d, n, "rk not advertised (level 2 is about discovery)");
	snprintf(rp, sizeof(rp), "cp2.%s", x->rp_id);
	if (!make_with(x, rp, ext1("credProtect", fsim_cbor_int(2)), true,
	    fsim_devinfo_can_verify(x->info), &mk, d, n))
		return fsim_devinfo_can_verify(x->info) && strstr(d, "token") ? AX_SKIP : AX_FAIL;
	if (fsim_blob_set(&id, mk.r.adp->cred_id.ptr, mk.r.adp->cred_id.len) != 0) {
		made_reset(&mk);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	made_reset(&mk);
	/* userVerificationOptionalWithCredentialIDList: not discovered without UV. */
	get_with(x, rp, NULL, NULL, false, &r);
	if (r.st != AX_NO_CREDENTIALS) {
		v = ax_say(AX_FAIL, d, n, "a credProtect 2 credential discovered without UV: %s",
		    ax_status(&r, st, sizeof(st)));
		goto out;
	}
	ax_resp_reset(&r);
	get_with(x, rp, &id, NULL, false, &r);
	if (r.st != AX_OK)
		v = ax_say(AX_FAIL, d, n, "a credProtect 2 credential with its ID, without UV: %s",
		    ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_PASS, d, n, "not discovered without UV, found with its ID");
out:
	ax_resp_reset(&r);
	fsim_blob_reset(&id);
	return v;
}

static ax_verdict_t
ext_cred_blob(ax_t *x, char *d, size_t n)
{
	static const uint8_t blob[16] = "fidosim credBlob";
	made_t mk;
	fsim_blob_t id = { NULL, 0 };
	const cbor_item_t *o, *e;
	const uint8_t *p;
	size_t len;
	char rp[96], st[96];
	ax_resp_t r;
	ax_verdict_t v;

	if (!fsim_devinfo_has_extension(x->info, "credBlob"))
		return ax_say(AX_SKIP, d, n, "credBlob not advertised");
	if (fsim_devinfo_option(x->info, "rk") != 1)
		return ax_say(AX_SKIP, d, n, "rk not advertised (credBlob lives with discoverable "
		    "credentials)");
	if (x->info->max_cred_blob_length < sizeof(blob))
		return ax_say(AX_FAIL, d, n, "credBlob advertised with maxCredBlobLength %llu "
		    "(6.4: at least 32 when credBlob is listed)",
		    (unsigned long long)x->info->max_cred_blob_length);
	snprintf(rp, sizeof(rp), "blob.%s", x->rp_id);
	if (!make_with(x, rp, ext1("credBlob", fsim_cbor_bytes(blob, sizeof(blob))), true,
	    fsim_devinfo_can_verify(x->info), &mk, d, n))
		return AX_FAIL;
	o = mk.out != NULL ? fsim_cbor_map_get_str(mk.out, "credBlob") : NULL;
	if (o == NULL || !cbor_isa_float_ctrl(o) || !cbor_is_bool(o) || !cbor_get_bool(o)) {
		made_reset(&mk);
		return ax_say(AX_FAIL, d, n, "a %zu-byte credBlob: the output is not credBlob true",
		    sizeof(blob));
	}
	if (fsim_blob_set(&id, mk.r.adp->cred_id.ptr, mk.r.adp->cred_id.len) != 0) {
		made_reset(&mk);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	made_reset(&mk);
	get_with(x, rp, &id, ext1("credBlob", cbor_build_bool(true)), false, &r);
	e = r.adp != NULL && r.adp->ext != NULL ? fsim_cbor_map_get_str(r.adp->ext, "credBlob") :
	    NULL;
	if (r.st != AX_OK)
		v = ax_say(AX_FAIL, d, n, "getAssertion with credBlob true: %s",
		    ax_status(&r, st, sizeof(st)));
	else if (e == NULL || fsim_cbor_get_bytes(e, &p, &len) != 0 || len != sizeof(blob) ||
	    memcmp(p, blob, len) != 0)
		v = ax_say(AX_FAIL, d, n, "getAssertion with credBlob true did not give the blob back");
	else
		v = ax_say(AX_PASS, d, n, "stored (output true) and given back, %zu bytes",
		    sizeof(blob));
	ax_resp_reset(&r);
	fsim_blob_reset(&id);
	return v;
}

static ax_verdict_t
ext_cred_blob_big(ax_t *x, char *d, size_t n)
{
	uint8_t big[1024];
	size_t len;
	made_t mk;
	const cbor_item_t *o;
	char rp[96];
	ax_verdict_t v;

	if (!fsim_devinfo_has_extension(x->info, "credBlob") ||
	    fsim_devinfo_option(x->info, "rk") != 1)
		return ax_say(AX_SKIP, d, n, "credBlob or rk not advertised");
	len = x->info->max_cred_blob_length + 1;
	if (len > sizeof(big))
		return ax_say(AX_SKIP, d, n, "maxCredBlobLength %llu is too large to exceed here",
		    (unsigned long long)x->info->max_cred_blob_length);
	memset(big, 0x42, len);
	snprintf(rp, sizeof(rp), "blob.%s", x->rp_id);
	if (!make_with(x, rp, ext1("credBlob", fsim_cbor_bytes(big, len)), true,
	    fsim_devinfo_can_verify(x->info), &mk, d, n))
		return AX_FAIL;
	o = mk.out != NULL ? fsim_cbor_map_get_str(mk.out, "credBlob") : NULL;
	if (o == NULL || !cbor_isa_float_ctrl(o) || !cbor_is_bool(o) || cbor_get_bool(o))
		v = ax_say(AX_FAIL, d, n, "a credBlob of maxCredBlobLength + 1 (%zu) bytes: the "
		    "output is not credBlob false", len);
	else
		v = ax_say(AX_PASS, d, n, "%zu bytes: credBlob false", len);
	made_reset(&mk);
	return v;
}

static ax_verdict_t
ext_hmac_make(ax_t *x, char *d, size_t n)
{
	made_t mk;
	const cbor_item_t *o;
	ax_verdict_t v;

	if (!fsim_devinfo_has_extension(x->info, "hmac-secret"))
		return ax_say(AX_SKIP, d, n, "hmac-secret not advertised");
	if (!make_with(x, NULL, ext1("hmac-secret", cbor_build_bool(true)), false, false, &mk, d, n))
		return AX_FAIL;
	o = mk.out != NULL ? fsim_cbor_map_get_str(mk.out, "hmac-secret") : NULL;
	if (o == NULL || !cbor_isa_float_ctrl(o) || !cbor_is_bool(o) || !cbor_get_bool(o))
		v = ax_say(AX_FAIL, d, n, "hmac-secret true: the output is not hmac-secret true");
	else
		v = ax_say(AX_PASS, d, n, "hmac-secret true");
	made_reset(&mk);
	return v;
}

/*
 * The hmac-secret input for salts (32 or 64 bytes) under the device's
 * protocol: {1: keyAgreement, 2: saltEnc, 3: saltAuth, 4: protocol} (§12.5).
 */
static cbor_item_t *
hmac_input(ax_t *x, const uint8_t *salts, size_t len, fsim_pinuv_t *s)
{
	uint64_t proto = fsim_devinfo_pin_protocol(x->info);
	fsim_blob_t enc = { NULL, 0 };
	cbor_item_t *in = NULL, *k = NULL, *e = NULL;
	uint8_t mac[32], st;
	size_t ml;

	if (fsim_device_key_agreement(x->dev, proto, s, &st) != 0 || st != 0)
		return NULL;
	if (fsim_pinuv_encrypt(s, salts, len, &enc) != 0 ||
	    fsim_pinuv_auth_shared(s, enc.ptr, enc.len, mac, &ml) != 0 ||
	    fsim_cbor_decode(s->platform_key.ptr, s->platform_key.len, &k, NULL) != 0 ||
	    (in = cbor_new_definite_map(4)) == NULL)
		goto out;
	if (ax_put(in, 1, k) != 0) {
		k = NULL;
		goto fail;
	}
	k = NULL;
	if (ax_put(in, 2, fsim_cbor_bytes(enc.ptr, enc.len)) != 0 ||
	    ax_put(in, 3, fsim_cbor_bytes(mac, ml)) != 0 ||
	    ax_put(in, 4, fsim_cbor_int((int64_t)proto)) != 0)
		goto fail;
	e = ext1("hmac-secret", in);
	in = NULL;
	goto out;
fail:
	cbor_decref(&in);
out:
	if (k != NULL)
		cbor_decref(&k);
	if (in != NULL)
		cbor_decref(&in);
	fsim_blob_reset(&enc);
	return e;
}

/* One hmac-secret getAssertion: the decrypted output into out (32 or 64 bytes). */
static int
hmac_get(ax_t *x, const fsim_blob_t *id, const uint8_t *salts, size_t len, uint8_t out[64],
    char *d, size_t n)
{
	fsim_pinuv_t s;
	fsim_blob_t dec = { NULL, 0 };
	const cbor_item_t *o;
	const uint8_t *p;
	size_t pl;
	char st[96];
	ax_resp_t r;
	int rc = -1;
	cbor_item_t *e;

	memset(&s, 0, sizeof(s));
	if ((e = hmac_input(x, salts, len, &s)) == NULL) {
		snprintf(d, n, "no key agreement for the salts");
		fsim_pinuv_reset(&s);
		return -1;
	}
	get_with(x, NULL, id, e, false, &r);
	o = r.adp != NULL && r.adp->ext != NULL ? fsim_cbor_map_get_str(r.adp->ext, "hmac-secret") :
	    NULL;
	if (r.st != AX_OK)
		snprintf(d, n, "getAssertion with hmac-secret: %s", ax_status(&r, st, sizeof(st)));
	else if (o == NULL || fsim_cbor_get_bytes(o, &p, &pl) != 0)
		snprintf(d, n, "getAssertion with hmac-secret: no hmac-secret output");
	else if (fsim_pinuv_decrypt(&s, p, pl, &dec) != 0 || dec.len != len)
		snprintf(d, n, "the hmac-secret output does not decrypt to %zu bytes", len);
	else {
		memcpy(out, dec.ptr, len);
		rc = 0;
	}
	fsim_blob_reset(&dec);
	fsim_pinuv_reset(&s);
	ax_resp_reset(&r);
	return rc;
}

static ax_verdict_t
ext_hmac_get(ax_t *x, char *d, size_t n)
{
	uint8_t salts[64], a[64], b[64], c[64];
	made_t mk;
	fsim_blob_t id = { NULL, 0 };
	ax_verdict_t v;

	if (!fsim_devinfo_has_extension(x->info, "hmac-secret"))
		return ax_say(AX_SKIP, d, n, "hmac-secret not advertised");
	if (fsim_devinfo_pin_protocol(x->info) == 0)
		return ax_say(AX_FAIL, d, n, "hmac-secret advertised with no PIN/UV auth protocol "
		    "to carry its salts");
	if (!make_with(x, NULL, ext1("hmac-secret", cbor_build_bool(true)), false, false, &mk, d, n))
		return AX_FAIL;
	if (fsim_blob_set(&id, mk.r.adp->cred_id.ptr, mk.r.adp->cred_id.len) != 0) {
		made_reset(&mk);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	made_reset(&mk);
	ax_random(salts, sizeof(salts));
	if (hmac_get(x, &id, salts, 32, a, d, n) != 0 || hmac_get(x, &id, salts, 32, b, d, n) != 0 ||
	    hmac_get(x, &id, salts, 64, c, d, n) != 0)
		v = AX_FAIL;
	else if (memcmp(a, b, 32) != 0)
		v = ax_say(AX_FAIL, d, n, "the same salt gave two different outputs");
	else if (memcmp(a, c, 32) != 0)
		v = ax_say(AX_FAIL, d, n, "two salts: the first output differs from the one salt's");
	else if (memcmp(c, c + 32, 32) == 0)
		v = ax_say(AX_FAIL, d, n, "two different salts gave the same output");
	else
		v = ax_say(AX_PASS, d, n, "one salt: 32 bytes, the same twice; two salts: 64 bytes");
	fsim_blob_reset(&id);
	return v;
}

static ax_verdict_t
ext_large_blob_key(ax_t *x, char *d, size_t n)
{
	made_t mk;
	const cbor_item_t *k1, *k2;
	const uint8_t *p1, *p2;
	size_t l1, l2;
	fsim_blob_t id = { NULL, 0 }, key = { NULL, 0 };
	char rp[96], st[96];
	ax_resp_t r;
	ax_verdict_t v;

	if (!fsim_devinfo_has_extension(x->info, "largeBlobKey"))
		return ax_say(AX_SKIP, d, n, "largeBlobKey not advertised");
	if (fsim_devinfo_option(x->info, "rk") != 1)
		return ax_say(AX_SKIP, d, n, "rk not advertised (largeBlobKey needs it)");
	snprintf(rp, sizeof(rp), "lbk.%s", x->rp_id);
	if (!make_with(x, rp, ext1("largeBlobKey", cbor_build_bool(true)), true,
	    fsim_devinfo_can_verify(x->info), &mk, d, n))
		return AX_FAIL;
	k1 = fsim_cbor_map_get_int(mk.r.map, 5);
	if (k1 == NULL || fsim_cbor_get_bytes(k1, &p1, &l1) != 0 || l1 != 32 ||
	    fsim_blob_set(&key, p1, l1) != 0 ||
	    fsim_blob_set(&id, mk.r.adp->cred_id.ptr, mk.r.adp->cred_id.len) != 0) {
		made_reset(&mk);
		fsim_blob_reset(&key);
		return ax_say(AX_FAIL, d, n, "no 32-byte largeBlobKey (0x05) in the makeCredential "
		    "answer");
	}
	made_reset(&mk);
	get_with(x, rp, &id, ext1("largeBlobKey", cbor_build_bool(true)), false, &r);
	k2 = r.map != NULL ? fsim_cbor_map_get_int(r.map, 7) : NULL;
	if (r.st != AX_OK)
		v = ax_say(AX_FAIL, d, n, "getAssertion with largeBlobKey: %s",
		    ax_status(&r, st, sizeof(st)));
	else if (k2 == NULL || fsim_cbor_get_bytes(k2, &p2, &l2) != 0 || l2 != 32 ||
	    memcmp(p2, key.ptr, 32) != 0)
		v = ax_say(AX_FAIL, d, n, "getAssertion did not give the same largeBlobKey (0x07)");
	else
		v = ax_say(AX_PASS, d, n, "the same 32-byte key at makeCredential and getAssertion");
	ax_resp_reset(&r);
	fsim_blob_reset(&id);
	fsim_blob_reset(&key);
	return v;
}

static ax_verdict_t
ext_min_pin_length(ax_t *x, char *d, size_t n)
{
	made_t mk;
	const cbor_item_t *o;
	ax_verdict_t v;

	if (!fsim_devinfo_has_extension(x->info, "minPinLength"))
		return ax_say(AX_SKIP, d, n, "minPinLength not advertised");
	if (!make_with(x, NULL, ext1("minPinLength", cbor_build_bool(true)), false, false, &mk, d, n))
		return AX_FAIL;
	o = mk.out != NULL ? fsim_cbor_map_get_str(mk.out, "minPinLength") : NULL;
	if (o != NULL && !cbor_isa_uint(o))
		v = ax_say(AX_FAIL, d, n, "minPinLength output is a %s, not an unsigned integer",
		    fsim_cbor_type_name(o));
	else if (o != NULL)
		v = ax_say(AX_PASS, d, n, "minPinLength %llu (the RP ID is on its list)",
		    (unsigned long long)cbor_get_int(o));
	else
		v = ax_say(AX_PASS, d, n, "no output: the run's RP ID is not on its list");
	made_reset(&mk);
	return v;
}

static ax_verdict_t
ext_unadvertised(ax_t *x, char *d, size_t n)
{
	static const char *const candidates[] = { "largeBlobKey", "credBlob", "minPinLength",
		"hmac-secret", "credProtect" };
	const char *name = NULL;
	cbor_item_t *v;
	made_t mk;
	size_t i;
	ax_verdict_t res;

	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]) && name == NULL; i++)
		if (!fsim_devinfo_has_extension(x->info, candidates[i]))
			name = candidates[i];
	if (name == NULL)
		return ax_say(AX_SKIP, d, n, "every CTAP 2.1 extension is advertised");
	v = strcmp(name, "credBlob") == 0 ? fsim_cbor_bytes((const uint8_t *)"blob", 4) :
	    strcmp(name, "credProtect") == 0 ? fsim_cbor_int(2) : cbor_build_bool(true);
	if (!make_with(x, NULL, ext1(name, v), false, false, &mk, d, n))
		return AX_FAIL;
	if ((mk.out != NULL && fsim_cbor_map_get_str(mk.out, name) != NULL) ||
	    (strcmp(name, "largeBlobKey") == 0 && fsim_cbor_map_get_int(mk.r.map, 5) != NULL))
		res = ax_say(AX_FAIL, d, n, "%s is not advertised, yet it was answered", name);
	else
		res = ax_say(AX_PASS, d, n, "%s (not advertised): ignored, no output", name);
	made_reset(&mk);
	return res;
}

const ax_case_t fsim_ax_ext_cases[] = {
	{ "EXT-01", F_EXT, "CTAP 2.1 12.1", "credProtect 3: the output says 3, and no assertion "
	  "without UV", false, ext_cred_protect },
	{ "EXT-02", F_EXT, "CTAP 2.1 12.1", "credProtect 2: not discovered without UV, found "
	  "with its ID", false, ext_cred_protect2 },
	{ "EXT-03", F_EXT, "CTAP 2.1 12.2", "credBlob is stored and given back", false,
	  ext_cred_blob },
	{ "EXT-04", F_EXT, "CTAP 2.1 12.2", "a credBlob over maxCredBlobLength: output false",
	  false, ext_cred_blob_big },
	{ "EXT-05", F_EXT, "CTAP 2.1 12.5", "hmac-secret true at makeCredential", false,
	  ext_hmac_make },
	{ "EXT-06", F_EXT, "CTAP 2.1 12.5", "hmac-secret at getAssertion: stable outputs for one "
	  "and two salts", false, ext_hmac_get },
	{ "EXT-07", F_EXT, "CTAP 2.1 12.3", "largeBlobKey: the same key at makeCredential and "
	  "getAssertion", false, ext_large_blob_key },
	{ "EXT-08", F_EXT, "CTAP 2.1 12.4", "minPinLength: an unsigned integer, or nothing",
	  false, ext_min_pin_length },
	{ "EXT-09", F_EXT, "CTAP 2.1 6.1.2 step 15, 12", "an extension not advertised gets no "
	  "output", false, ext_unadvertised },
	{ NULL, NULL, NULL, NULL, false, NULL },
};
