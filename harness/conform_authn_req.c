/*
 * conform_authn_req.c — requests and answers for conform --authenticator:
 * building makeCredential / getAssertion maps, sending them on the
 * device's channel, reading what comes back (see conform_authn_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "harness/conform_authn_int.h"

ax_verdict_t
ax_say(ax_verdict_t v, char *d, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d, n, fmt, ap);
	va_end(ap);
	return v;
}

const char *
ax_status(const ax_resp_t *r, char *buf, size_t n)
{
	if (r->io != 0)
		snprintf(buf, n, "no answer (%s)", fsim_strerr(r->io));
	else if (r->hid_error >= 0)
		snprintf(buf, n, "CTAPHID_ERROR %s (0x%02x)", fsim_hidc_error_name((uint8_t)r->hid_error),
		    (unsigned)r->hid_error);
	else
		snprintf(buf, n, "%s (0x%02x)", fsim_ctap_status_name(r->st), (unsigned)r->st);
	return buf;
}

void
ax_resp_reset(ax_resp_t *r)
{
	fsim_blob_reset(&r->body);
	if (r->map != NULL)
		cbor_decref(&r->map);
	fsim_authdata_free(&r->adp);
	fsim_diags_clear(&r->ad_diags);
	memset(r, 0, sizeof(*r));
	r->hid_error = -1;
	r->st = 0xff;
}

void
ax_send_raw(ax_t *x, const uint8_t *req, size_t len, ax_resp_t *r)
{
	ax_resp_reset(r);
	fsim_diags_init(&r->ad_diags);
	r->io = fsim_device_cbor(x->dev, req, len, &r->st, &r->body, &r->hid_error);
	if (r->io == FSIM_ERR_FORMAT && r->hid_error >= 0)
		r->io = 0;   /* an answer: CTAPHID_ERROR */
	if (r->io != 0 || r->hid_error >= 0 || r->body.len == 0)
		return;
	r->canonical = fsim_cbor_is_canonical(r->body.ptr, r->body.len);
	if (fsim_cbor_decode(r->body.ptr, r->body.len, &r->map, NULL) != 0)
		r->map = NULL;
}

void
ax_send(ax_t *x, uint8_t cmd, const cbor_item_t *map, ax_resp_t *r)
{
	fsim_blob_t body = { NULL, 0 }, req = { NULL, 0 };

	if ((map != NULL && fsim_cbor_encode(map, &body) != 0) ||
	    fsim_blob_append(&req, &cmd, 1) != 0 ||
	    (body.len > 0 && fsim_blob_append(&req, body.ptr, body.len) != 0)) {
		ax_resp_reset(r);
		fsim_diags_init(&r->ad_diags);
		r->io = FSIM_ERR_NOMEM;
	} else
		ax_send_raw(x, req.ptr, req.len, r);
	fsim_blob_reset(&body);
	fsim_blob_reset(&req);
}

void
ax_random(uint8_t *p, size_t n)
{
	if (RAND_bytes(p, (int)n) != 1)
		memset(p, 0x5a, n);
}

int
ax_put(cbor_item_t *map, int64_t key, cbor_item_t *value)
{
	return fsim_cbor_map_put(map, fsim_cbor_int(key), value) == 0 ? 0 : FSIM_ERR_NOMEM;
}

cbor_item_t *
ax_without(const cbor_item_t *map, int64_t key)
{
	cbor_item_t *m = cbor_new_definite_map(cbor_map_size(map) + 8);
	struct cbor_pair *p = cbor_map_handle(map);
	size_t i;

	for (i = 0; m != NULL && i < cbor_map_size(map); i++) {
		int64_t k;

		if (fsim_cbor_get_int(p[i].key, &k) == 0 && k == key)
			continue;
		if (fsim_cbor_map_put(m, cbor_incref(p[i].key), cbor_incref(p[i].value)) != 0)
			cbor_decref(&m);
	}
	return m;
}

int
ax_set(cbor_item_t **map, int64_t key, cbor_item_t *value)
{
	cbor_item_t *w = *map != NULL ? ax_without(*map, key) : NULL;

	if (*map != NULL)
		cbor_decref(map);
	*map = w;
	if (w == NULL) {
		if (value != NULL)
			cbor_decref(&value);
		return FSIM_ERR_NOMEM;
	}
	return ax_put(w, key, value);
}

cbor_item_t *
ax_options(int rk, int up, int uv)
{
	cbor_item_t *o = cbor_new_definite_map(3);

	if (o == NULL ||
	    (rk >= 0 && fsim_cbor_map_put(o, fsim_cbor_text("rk"), cbor_build_bool(rk)) != 0) ||
	    (up >= 0 && fsim_cbor_map_put(o, fsim_cbor_text("up"), cbor_build_bool(up)) != 0) ||
	    (uv >= 0 && fsim_cbor_map_put(o, fsim_cbor_text("uv"), cbor_build_bool(uv)) != 0)) {
		if (o != NULL)
			cbor_decref(&o);
		return NULL;
	}
	return o;
}

cbor_item_t *
ax_cred_list(const uint8_t *id, size_t len)
{
	cbor_item_t *a = cbor_new_definite_array(1), *d = cbor_new_definite_map(2);
	int r;

	if (a == NULL || d == NULL ||
	    fsim_cbor_map_put(d, fsim_cbor_text("id"), fsim_cbor_bytes(id, len)) != 0 ||
	    fsim_cbor_map_put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0) {
		if (d != NULL)
			cbor_decref(&d);
		if (a != NULL)
			cbor_decref(&a);
		return NULL;
	}
	/* The push takes d, even when it fails. */
	if ((r = fsim_cbor_array_push(a, d)) != 0)
		cbor_decref(&a);
	return a;
}

cbor_item_t *
ax_mc_map(ax_t *x, const uint8_t cdh[32], const uint8_t user_id[16])
{
	uint8_t h[32], u[16];
	cbor_item_t *m = cbor_new_definite_map(12), *rp = cbor_new_definite_map(2),
	    *user = cbor_new_definite_map(3), *params = cbor_new_definite_array(1),
	    *p = cbor_new_definite_map(2);

	if (cdh == NULL)
		ax_random(h, sizeof(h));
	else
		memcpy(h, cdh, sizeof(h));
	if (user_id == NULL)
		ax_random(u, sizeof(u));
	else
		memcpy(u, user_id, sizeof(u));
	if (m == NULL || rp == NULL || user == NULL || params == NULL || p == NULL)
		goto fail;
	if (fsim_cbor_map_put(rp, fsim_cbor_text("id"), fsim_cbor_text(x->rp_id)) != 0 ||
	    fsim_cbor_map_put(rp, fsim_cbor_text("name"), fsim_cbor_text("fidosim conform")) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(u, sizeof(u))) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("name"), fsim_cbor_text("conform")) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("displayName"), fsim_cbor_text("Conform")) != 0 ||
	    fsim_cbor_map_put(p, fsim_cbor_text("alg"), fsim_cbor_int(x->alg)) != 0 ||
	    fsim_cbor_map_put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0)
		goto fail;
	/* The push takes p, even when it fails. */
	if (fsim_cbor_array_push(params, p) != 0) {
		p = NULL;
		goto fail_m;
	}
	p = NULL;
	if (ax_put(m, 1, fsim_cbor_bytes(h, sizeof(h))) != 0)
		goto fail_m;
	if (ax_put(m, 2, rp) != 0) {
		rp = NULL;
		goto fail_m;
	}
	rp = NULL;
	if (ax_put(m, 3, user) != 0) {
		user = NULL;
		goto fail_m;
	}
	user = NULL;
	if (ax_put(m, 4, params) != 0) {
		params = NULL;
		goto fail_m;
	}
	return m;
fail:
	if (p != NULL)
		cbor_decref(&p);
fail_m:
	if (m != NULL)
		cbor_decref(&m);
	if (rp != NULL)
		cbor_decref(&rp);
	if (user != NULL)
		cbor_decref(&user);
	if (params != NULL)
		cbor_decref(&params);
	return NULL;
}

cbor_item_t *
ax_ga_map(ax_t *x, const char *rp_id, const uint8_t cdh[32], const uint8_t *id, size_t id_len)
{
	uint8_t h[32];
	cbor_item_t *m = cbor_new_definite_map(10);

	if (cdh == NULL)
		ax_random(h, sizeof(h));
	else
		memcpy(h, cdh, sizeof(h));
	if (m == NULL || ax_put(m, 1, fsim_cbor_text(rp_id != NULL ? rp_id : x->rp_id)) != 0 ||
	    ax_put(m, 2, fsim_cbor_bytes(h, sizeof(h))) != 0 ||
	    (id != NULL && ax_put(m, 3, ax_cred_list(id, id_len)) != 0)) {
		if (m != NULL)
			cbor_decref(&m);
		return NULL;
	}
	return m;
}

bool
ax_has_uv(const ax_t *x)
{
	return fsim_devinfo_option(x->info, "uv") == 1;
}

bool
ax_has_pin(const ax_t *x)
{
	return fsim_devinfo_option(x->info, "clientPin") == 1;
}

int
ax_token(ax_t *x, uint8_t perms, const char *rp_id, uint8_t tok[32], size_t *tlen,
    uint64_t *proto, char *why, size_t n)
{
	uint8_t st = 0;
	int r;

	*tlen = 0;
	*proto = fsim_devinfo_pin_protocol(x->info);
	if (*proto == 0) {
		snprintf(why, n, "the authenticator lists no PIN/UV auth protocol fidosim knows");
		return FSIM_ERR_UNSUPPORTED;
	}
	if (ax_has_uv(x) && fsim_devinfo_option(x->info, "pinUvAuthToken") == 1)
		r = fsim_device_token(x->dev, *proto, NULL, perms, rp_id, tok, tlen, &st);
	else if (ax_has_pin(x) && x->cfg->pin != NULL)
		r = fsim_device_token(x->dev, *proto, x->cfg->pin, perms, rp_id, tok, tlen, &st);
	else {
		snprintf(why, n, "%s", ax_has_pin(x) ? "the authenticator has a PIN: give --pin" :
		    "the authenticator offers neither built-in UV with pinUvAuthToken nor a PIN");
		return FSIM_ERR_UNSUPPORTED;
	}
	if (r == 0 && st != 0) {
		snprintf(why, n, "no pinUvAuthToken: %s (0x%02x)", fsim_ctap_status_name(st),
		    (unsigned)st);
		return FSIM_ERR_ARG;
	}
	if (r != 0)
		snprintf(why, n, "no pinUvAuthToken: %s", fsim_strerr(r));
	return r;
}

int
ax_put_param(cbor_item_t *map, int64_t k, uint64_t proto, const uint8_t *tok, size_t tlen,
    const uint8_t cdh[32])
{
	uint8_t mac[32];
	size_t ml;

	if (fsim_pinuv_authenticate(proto, tok, tlen, cdh, 32, mac, &ml) != 0)
		return FSIM_ERR_INTERNAL;
	if (ax_put(map, k, fsim_cbor_bytes(mac, ml)) != 0 ||
	    ax_put(map, k + 1, fsim_cbor_int((int64_t)proto)) != 0)
		return FSIM_ERR_NOMEM;
	return 0;
}

/*
 * When the strict parse failed (bytes after the parts, ED with nothing
 * after it): the parts read on their own — attested credential data when
 * AT is set, the extension map when ED is set and one follows — so that the
 * credential and the outputs can still be used and the other cases judge
 * the rest. The strict parser's findings stay in ad_diags.
 */
static void
lenient_ad(ax_resp_t *r)
{
	const uint8_t *p = r->ad;
	fsim_authdata_t *ad;
	cbor_item_t *k = NULL;
	size_t idlen, used = 0, off = 37;

	if (r->ad_len < 37 || (ad = fsim_authdata_new()) == NULL)
		return;
	memcpy(ad->rp_id_hash, p, 32);
	ad->flags = p[32];
	ad->sign_count = (uint32_t)p[33] << 24 | (uint32_t)p[34] << 16 | (uint32_t)p[35] << 8 | p[36];
	if (p[32] & FSIM_AD_AT) {
		if (r->ad_len < 55)
			goto fail;
		idlen = (size_t)p[53] << 8 | p[54];
		off = 55 + idlen;
		memcpy(ad->aaguid, p + 37, 16);
		if (idlen == 0 || off >= r->ad_len ||
		    fsim_blob_set(&ad->cred_id, p + 55, idlen) != 0 ||
		    fsim_cbor_decode_prefix(p + off, r->ad_len - off, &k, &used, NULL) != 0 ||
		    fsim_blob_set(&ad->cose_key_raw, p + off, used) != 0 ||
		    fsim_cose_key_from_cbor(k, &ad->cose_key, NULL) != 0)
			goto fail;
		cbor_decref(&k);
		off += used;
	}
	if ((p[32] & FSIM_AD_ED) && off < r->ad_len &&
	    fsim_cbor_decode_prefix(p + off, r->ad_len - off, &k, &used, NULL) == 0) {
		if (cbor_isa_map(k)) {
			ad->ext = k;
			k = NULL;
		} else
			cbor_decref(&k);
	}
	r->adp = ad;
	return;
fail:
	if (k != NULL)
		cbor_decref(&k);
	fsim_authdata_free(&ad);
}

/* authData (a byte string at key 2 for both commands), parsed strictly, else leniently. */
static void
read_ad(ax_resp_t *r)
{
	if (fsim_cbor_get_bytes(fsim_cbor_map_get_int(r->map, 2), &r->ad, &r->ad_len) != 0) {
		r->ad = NULL;
		r->ad_len = 0;
		return;
	}
	/* 65535: a credential ID longer than 1023 bytes is a case's to judge. */
	if (fsim_authdata_parse_max(r->ad, r->ad_len, 65535, &r->adp, &r->ad_diags) != 0) {
		r->adp = NULL;
		lenient_ad(r);
	}
}

void
ax_read_mc(ax_resp_t *r)
{
	const cbor_item_t *f;
	char *s = NULL;

	if (r->map == NULL || !cbor_isa_map(r->map))
		return;
	f = fsim_cbor_map_get_int(r->map, 1);
	if (f != NULL && fsim_cbor_get_text(f, &s) == 0) {
		snprintf(r->fmt_buf, sizeof(r->fmt_buf), "%s", s);
		r->fmt = r->fmt_buf;
	}
	free(s);
	r->att_stmt = fsim_cbor_map_get_int(r->map, 3);
	read_ad(r);
}

void
ax_read_ga(ax_resp_t *r, const uint8_t *allowed_id, size_t allowed_len)
{
	const cbor_item_t *c, *nc;

	if (r->map == NULL || !cbor_isa_map(r->map))
		return;
	c = fsim_cbor_map_get_int(r->map, 1);
	if (c != NULL && cbor_isa_map(c) &&
	    fsim_cbor_get_bytes(fsim_cbor_map_get_str(c, "id"), &r->cred_id, &r->cred_id_len) == 0)
		;
	else if (allowed_id != NULL) {
		/* §6.2.2 step 12: credential may be omitted when the allowList held one. */
		r->cred_id = allowed_id;
		r->cred_id_len = allowed_len;
	}
	if (fsim_cbor_get_bytes(fsim_cbor_map_get_int(r->map, 3), &r->sig, &r->sig_len) != 0) {
		r->sig = NULL;
		r->sig_len = 0;
	}
	r->user = fsim_cbor_map_get_int(r->map, 4);
	nc = fsim_cbor_map_get_int(r->map, 5);
	if (nc != NULL && cbor_isa_uint(nc))
		r->n_creds = cbor_get_int(nc);
	read_ad(r);
}

void
ax_ad_rules(const ax_resp_t *r, char *buf, size_t n)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < r->ad_diags.n; i++) {
		const char *rule = r->ad_diags.v[i].rule;

		if (strstr(buf, rule) == NULL)
			snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? " " : "", rule);
	}
}

const char *
ax_ad_first(const ax_resp_t *r, char *buf, size_t n)
{
	if (r->ad_diags.n == 0)
		snprintf(buf, n, "-");
	else
		fsim_diag_format(&r->ad_diags.v[0], buf, n);
	return buf;
}

void
ax_note_flags(ax_t *x, uint8_t flags, bool uv_asked, const char *where)
{
	if (x->n_seen < sizeof(x->seen_flags))
		x->seen_flags[x->n_seen++] = flags;
	if ((flags & FSIM_AD_UV) && !uv_asked && !x->uv_seen_unasked) {
		x->uv_seen_unasked = true;
		snprintf(x->uv_unasked_where, sizeof(x->uv_unasked_where), "%s", where);
	}
}

bool
ax_need_a(ax_t *x, char *d, size_t n)
{
	cbor_item_t *m;
	ax_resp_t r;
	char st[96];

	if (x->a.made)
		return true;
	x->setup_failed = true;          /* until the credential is there */
	memset(&r, 0, sizeof(r));
	if ((m = ax_mc_map(x, NULL, x->a.user_id)) == NULL) {
		snprintf(d, n, "out of memory");
		return false;
	}
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	ax_read_mc(&r);
	if (r.io != 0 || r.st != AX_OK || r.adp == NULL || !(r.adp->flags & FSIM_AD_AT) ||
	    r.adp->cose_key == NULL) {
		snprintf(d, n, "no credential to work with: makeCredential answered %s%s",
		    ax_status(&r, st, sizeof(st)), r.st == AX_OK ? " with unreadable authData" : "");
		ax_resp_reset(&r);
		return false;
	}
	if (fsim_blob_set(&x->a.id, r.adp->cred_id.ptr, r.adp->cred_id.len) != 0) {
		ax_resp_reset(&r);
		snprintf(d, n, "out of memory");
		return false;
	}
	x->a.key = r.adp->cose_key;
	r.adp->cose_key = NULL;
	x->a.alg = fsim_cose_key_alg(x->a.key);
	x->a.flags = r.adp->flags;
	memcpy(x->a.aaguid, r.adp->aaguid, 16);
	x->a.last_count = r.adp->sign_count;
	x->a.count_seen = true;
	x->a.made = true;
	x->setup_failed = false;
	ax_note_flags(x, r.adp->flags, false, "makeCredential");
	ax_resp_reset(&r);
	return true;
}

void
ax_rules(ax_t *x, const char *ids)
{
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", ids);
	for (tok = strtok_r(buf, " ,", &save); tok != NULL; tok = strtok_r(NULL, " ,", &save)) {
		size_t n = strlen(x->rules);

		if (strstr(x->rules, tok) == NULL)
			snprintf(x->rules + n, sizeof(x->rules) - n, "%s%s", n ? " " : "", tok);
	}
}

/* Send m (taken) as cmd; pass when the answer's status is want. */
ax_verdict_t
ax_expect(ax_t *x, uint8_t cmd, cbor_item_t *m, uint8_t want, const char *what, char *d,
    size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	if (m == NULL)
		return ax_say(AX_FAIL, d, n, "out of memory");
	memset(&r, 0, sizeof(r));
	ax_send(x, cmd, m, &r);
	cbor_decref(&m);
	if (r.io == 0 && r.hid_error < 0 && r.st == want)
		v = ax_say(AX_PASS, d, n, "%s: %s", what, ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_FAIL, d, n, "%s: expected %s (0x%02x), got %s", what,
		    fsim_ctap_status_name(want), (unsigned)want, ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

/* Is the answer's rpIdHash SHA-256 of the run's RP ID? */
ax_verdict_t
ax_rpid_hash(ax_t *x, const ax_resp_t *r, char *d, size_t n)
{
	uint8_t h[32];
	unsigned int hl = 0;

	if (r->ad == NULL || r->ad_len < 32)
		return ax_say(AX_FAIL, d, n, "authData is %zu bytes", r->ad_len);
	if (EVP_Digest(x->rp_id, strlen(x->rp_id), h, &hl, EVP_sha256(), NULL) != 1)
		return ax_say(AX_FAIL, d, n, "SHA-256 failed");
	if (memcmp(r->ad, h, 32) != 0)
		return ax_say(AX_FAIL, d, n, "rpIdHash is not SHA-256(\"%s\")", x->rp_id);
	return ax_say(AX_PASS, d, n, "rpIdHash is SHA-256(\"%s\")", x->rp_id);
}

cbor_item_t *
ax_mc_map_rp(ax_t *x, const uint8_t cdh[32], const char *rp_id)
{
	cbor_item_t *m = ax_mc_map(x, cdh, NULL), *w, *rp = cbor_new_definite_map(1);

	if (m == NULL || rp == NULL ||
	    fsim_cbor_map_put(rp, fsim_cbor_text("id"), fsim_cbor_text(rp_id)) != 0)
		goto fail;
	w = ax_without(m, 2);
	cbor_decref(&m);
	if ((m = w) == NULL)
		goto fail;
	if (ax_put(m, 2, rp) != 0)   /* it takes rp, even when it fails */
		goto fail_m;
	return m;
fail:
	if (rp != NULL)
		cbor_decref(&rp);
fail_m:
	if (m != NULL)
		cbor_decref(&m);
	return NULL;
}
