/*
 * pipeline.c — one ceremony through authenticator, platform and RP, in
 * process, with the three views kept (see pipeline.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf.h"
#include "authenticator/keys.h"
#include "core/judge_memo.h"
#include "harness/ceremony.h"
#include "harness/pipeline.h"
#include "harness/pipeline_int.h"

void
fsim_pipe_result_reset(fsim_pipe_result_t *r)
{
	if (r == NULL)
		return;
	json_decref(r->response);
	memset(r, 0, sizeof(*r));
}

int
fsim_pipe_new(const fsim_authn_config_t *cfg, const fsim_platform_t *pf,
    const uint8_t *seed, size_t seed_len, fsim_pipe_t **out)
{
	fsim_pipe_t *p;
	uint8_t uid[16];
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	if (cfg == NULL)
		return FSIM_ERR_ARG;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return FSIM_ERR_NOMEM;
	p->cfg = *cfg;
	p->platform = pf;
	if (seed != NULL && seed_len > 0) {
		if ((r = fsim_env_seeded(&p->env, seed, seed_len)) != FSIM_OK)
			goto fail;
	} else
		fsim_env_default(&p->env);
	if ((r = fsim_store_open(":memory:", &p->env, &p->store, NULL)) != FSIM_OK ||
	    (r = fsim_authn_new(&p->cfg, &p->env, p->store, &p->authn)) != FSIM_OK ||
	    (r = fsim_env_random(&p->env, uid, sizeof(uid))) != FSIM_OK ||
	    (r = fsim_b64url_encode(uid, sizeof(uid), &p->user)) != FSIM_OK)
		goto fail;
	*out = p;
	return FSIM_OK;
fail:
	fsim_pipe_free(&p);
	return r;
}

void
fsim_pipe_free(fsim_pipe_t **pp)
{
	fsim_pipe_t *p;
	size_t i;

	if (pp == NULL || (p = *pp) == NULL)
		return;
	fsim_authn_free(&p->authn);
	fsim_store_free(&p->store);
	fsim_authn_free(&p->prev_authn);
	fsim_store_free(&p->prev_store);
	fsim_env_free(&p->env);
	fsim_blob_reset(&p->cred_id);
	for (i = 0; i < FSIM_PIPE_MAX_POLICIES; i++)
		fsim_record_free(&p->records[i]);
	free(p->user);
	free(p);
	*pp = NULL;
}

/* ---- the relying party ---- */

static size_t
preset_index(const fsim_rp_preset_t *ps)
{
	size_t i, n = fsim_rp_preset_count();

	for (i = 0; i < n && i < FSIM_PIPE_MAX_POLICIES; i++)
		if (fsim_rp_preset_at(i) == ps)
			return i;
	return FSIM_PIPE_MAX_POLICIES;
}

static void
add_id(char *buf, size_t cap, const char *id)
{
	size_t n = strlen(buf);

	if (strstr(buf, id) == NULL)
		snprintf(buf + n, cap - n, "%s%s", n ? "," : "", id);
}

static void
verdict_from(fsim_pipe_verdict_t *v, const fsim_rp_result_t *res)
{
	const fsim_check_t *first = NULL;
	const char *lib;
	size_t i;

	v->ran = true;
	v->verified = res->verified;
	for (i = 0; i < res->checks.n; i++) {
		const fsim_check_t *c = &res->checks.v[i];
		const char *id = fsim_rule(c->rule)->id;

		if (c->status == FSIM_CHECK_PASS)
			v->passed[c->rule / 8] |= (uint8_t)(1u << (c->rule % 8));
		if (c->status == FSIM_CHECK_FAIL) {
			v->failed[c->rule / 8] |= (uint8_t)(1u << (c->rule % 8));
			add_id(v->errors, sizeof(v->errors), id);
			if (first == NULL)
				first = c;
		} else if (c->status == FSIM_CHECK_WARN)
			add_id(v->warnings, sizeof(v->warnings), id);
	}
	if (first != NULL) {
		snprintf(v->first_error, sizeof(v->first_error), "%s: %s",
		    fsim_rule(first->rule)->id, first->msg[0] ? first->msg :
		    fsim_rule(first->rule)->summary);
		if ((lib = fsim_rp_preset_error_text(v->preset, fsim_rule(first->rule)->id)) != NULL)
			snprintf(v->library_error, sizeof(v->library_error), "%s", lib);
	}
	if (res->ad != NULL && (res->ad->flags & FSIM_AD_AT))
		fsim_aaguid_format(res->ad->aaguid, v->aaguid);
}

static void
policy_for(const fsim_pipe_t *p, const fsim_pipe_rp_t *rp, const fsim_rp_preset_t *ps,
    const char *const *origins, const uint8_t *challenge, fsim_rp_policy_t *pol)
{
	fsim_rp_policy_init(pol);
	fsim_rp_preset_apply(ps, pol);
	pol->rp_id = rp->rp_id;
	pol->origins = origins;
	pol->n_origins = 1;
	pol->challenge = challenge;
	pol->challenge_len = 32;
	pol->uv = FSIM_UV_PREFERRED;
	(void)fsim_uv_req_from_name(rp->uv, &pol->uv);
	pol->trust = rp->trust;
	pol->mds = rp->mds;
	pol->at = (time_t)p->env.now(p->env.ctx);
	pol->conveyance = FSIM_CONVEY_NONE;
	(void)fsim_conveyance_from_name(rp->attestation, &pol->conveyance);
	pol->enterprise = pol->conveyance == FSIM_CONVEY_ENTERPRISE;
}

/* Judge the delivered response under every preset asked for. */
static int
judge(fsim_pipe_t *p, const fsim_pipe_rp_t *rp, const char *origin,
    const uint8_t challenge[32], fsim_pipe_result_t *out)
{
	size_t i, n = rp->presets != NULL ? rp->n_presets : fsim_rp_preset_count();
	const char *origins[1] = { origin };
	bool reg = out->ceremony == FSIM_CEREMONY_REGISTRATION;

	fsim_judge_memo_t memo;
	int r = FSIM_OK;

	memcpy(out->challenge, challenge, 32);
	snprintf(out->origin, sizeof(out->origin), "%s", origin);
	snprintf(out->rp_id, sizeof(out->rp_id), "%s", rp->rp_id);
	/* One response, every policy: its signatures are verified once (judge_memo.h). */
	fsim_judge_memo_begin(&memo);
	for (i = 0; i < n && out->n_verdicts < FSIM_PIPE_MAX_POLICIES; i++) {
		const fsim_rp_preset_t *ps = rp->presets != NULL ? rp->presets[i] :
		    fsim_rp_preset_at(i);
		fsim_pipe_verdict_t *v = &out->verdicts[out->n_verdicts++];
		size_t k = preset_index(ps);
		fsim_rp_result_t *res = NULL;
		fsim_rp_policy_t pol;

		memset(v, 0, sizeof(*v));
		v->preset = ps;
		if (out->response == NULL || k == FSIM_PIPE_MAX_POLICIES)
			continue;
		if (!reg && p->records[k] == NULL) {
			snprintf(v->first_error, sizeof(v->first_error), "no credential record: "
			    "this RP refused the registration");
			continue;
		}
		policy_for(p, rp, ps, origins, challenge, &pol);
		/* The RP asked for a conditional create (7.1 step 15). */
		pol.conditional = reg && rp->mediation != NULL &&
		    strcmp(rp->mediation, "conditional") == 0;
		r = reg ? fsim_rp_verify_registration(&pol, out->response, &res) :
		    fsim_rp_verify_authentication(&pol, out->response, p->records[k], &res);
		if (r != FSIM_OK)
			break;
		verdict_from(v, res);
		if (res->verified && res->record != NULL) {
			/* The updated record keeps the parsed key (no parse per assertion). */
			if (!reg && res->record->key == NULL) {
				res->record->key = p->records[k]->key;
				p->records[k]->key = NULL;
			}
			fsim_record_free(&p->records[k]);
			p->records[k] = res->record;
			res->record = NULL;
		}
		fsim_rp_result_free(&res);
	}
	fsim_judge_memo_end(&memo);
	return r;
}

/* ---- ceremonies ---- */

static const char *
or_default(const char *s, const char *d)
{
	return s != NULL ? s : d;
}

/*
 * After the client built the request (r is what it returned): the provider
 * answers, the platform delivers, and both views are kept. A refusal by the
 * client, the authenticator or a platform rule is a result, not an error.
 */
static int
exchange(fsim_pipe_t *p, bool reg, int r, fsim_client_ceremony_t *cer, const fsim_blob_t *req,
    fsim_client_error_t *err, fsim_pipe_result_t *out)
{
	fsim_blob_t cresp = { NULL, 0 };
	json_t *resp = NULL;
	uint8_t st;

	if (r == FSIM_ERR_ARG && err->name != NULL) {
		/* The client refused before the provider saw anything. */
		out->emitted.ctap_status = -1;
		fsim_pipe_view_delivered(&out->delivered, NULL, err, reg);
		return FSIM_OK;
	}
	if (r != FSIM_OK || (r = p->dev != NULL ? fsim_device_describe(p->dev, cer) :
	    fsim_ceremony_describe(&p->cfg, cer)) != FSIM_OK)
		return r;
	if (p->dev != NULL) {
		r = fsim_device_ceremony(p->dev, req, p->dev_auth, &st, &cresp, err);
		if (r == FSIM_ERR_ARG && err->name != NULL) {
			/* Stopped before the request (a PIN needed): the page sees a refusal. */
			out->emitted.ctap_status = err->ctap_status;
			fsim_pipe_view_delivered(&out->delivered, NULL, err, reg);
			return FSIM_OK;
		}
		if (r != FSIM_OK)
			return r;
	} else
		st = fsim_authn_request(p->authn, req->ptr, req->len, &cresp);
	fsim_pipe_view_emitted(&out->emitted, st, &cresp, reg);
	r = reg ? fsim_client_make_credential_response(cer, st, cresp.ptr, cresp.len, &resp, err) :
	    fsim_client_get_assertion_response(cer, st, cresp.ptr, cresp.len, &resp, err);
	fsim_blob_reset(&cresp);
	if (r != FSIM_OK && !(r == FSIM_ERR_ARG && err->name != NULL))
		return r;
	fsim_pipe_view_delivered(&out->delivered, resp, err, reg);
	out->response = resp;
	return FSIM_OK;
}

int
fsim_pipe_register(fsim_pipe_t *p, const fsim_pipe_rp_t *rp, fsim_pipe_result_t *out)
{
	uint8_t challenge[32];
	char *ch = NULL, origin[300];
	const char *rp_id;
	fsim_pipe_rp_t rpx;
	json_t *opts = NULL;
	fsim_creation_options_t *o = NULL;
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 };
	const char *s;
	int r = FSIM_ERR_NOMEM;

	memset(out, 0, sizeof(*out));
	memset(&cer, 0, sizeof(cer));
	out->ceremony = FSIM_CEREMONY_REGISTRATION;
	rpx = *rp;
	rpx.rp_id = rp_id = or_default(rp->rp_id, "example.com");
	snprintf(origin, sizeof(origin), "%s", rp->origin != NULL ? rp->origin : "");
	if (rp->origin == NULL)
		snprintf(origin, sizeof(origin), "https://%s", rp_id);
	if ((r = fsim_env_random(&p->env, challenge, sizeof(challenge))) != FSIM_OK ||
	    (r = fsim_b64url_encode(challenge, sizeof(challenge), &ch)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	opts = json_pack("{s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:s, s:[{s:s,s:i},{s:s,s:i},"
	    "{s:s,s:i},{s:s,s:i}], s:s, s:{s:s, s:s}}",
	    "rp", "id", rp_id, "name", "fidosim harness",
	    "user", "id", p->user, "name", "alice", "displayName", "Alice",
	    "challenge", ch,
	    "pubKeyCredParams", "type", "public-key", "alg", -7, "type", "public-key", "alg", -8,
	    "type", "public-key", "alg", -35, "type", "public-key", "alg", -257,
	    "attestation", or_default(rp->attestation, "none"),
	    "authenticatorSelection", "residentKey", or_default(rp->resident_key, "preferred"),
	    "userVerification", or_default(rp->uv, "preferred"));
	if (opts == NULL || (rp->cred_props && json_object_set_new(opts, "extensions",
	    json_pack("{s:b}", "credProps", 1)) != 0) || (rp->mediation != NULL &&
	    json_object_set_new(opts, "mediation", json_string(rp->mediation)) != 0))
		goto fail;
	if ((r = fsim_creation_options_parse(opts, &o, NULL)) != FSIM_OK)
		goto fail;
	cer.platform = p->platform;
	cer.effects = &out->effects;
	cer.related = rp->related;
	r = fsim_client_make_credential_request(o, origin, p->dev != NULL ?
	    fsim_devinfo_can_verify(fsim_device_info(p->dev)) : p->cfg.uv != FSIM_UVMODE_NEVER,
	    p->dev != NULL ? fsim_devinfo_option(fsim_device_info(p->dev), "rk") == 1 :
	    p->cfg.rk_capable, &cer, &req, &err);
	if ((r = exchange(p, true, r, &cer, &req, &err, out)) != FSIM_OK)
		goto fail;
	if (out->response != NULL) {
		s = json_string_value(json_object_get(out->response, "rawId"));
		fsim_blob_reset(&p->cred_id);
		if (s != NULL && (r = fsim_b64url_decode(s, strlen(s), &p->cred_id, NULL,
		    NULL)) != FSIM_OK)
			goto fail;
	}
	r = judge(p, &rpx, origin, challenge, out);
fail:
	json_decref(opts);
	free(ch);
	fsim_creation_options_free(&o);
	fsim_client_ceremony_reset(&cer);
	fsim_blob_reset(&req);
	return r;
}

int
fsim_pipe_authenticate(fsim_pipe_t *p, const fsim_pipe_rp_t *rp, fsim_pipe_result_t *out)
{
	uint8_t challenge[32];
	char *ch = NULL, *id = NULL, origin[300];
	fsim_pipe_rp_t rpx;
	json_t *opts = NULL;
	fsim_request_options_t *o = NULL;
	fsim_client_ceremony_t cer;
	fsim_client_error_t err;
	fsim_blob_t req = { NULL, 0 };
	int r = FSIM_ERR_ARG;

	memset(out, 0, sizeof(*out));
	memset(&cer, 0, sizeof(cer));
	out->ceremony = FSIM_CEREMONY_AUTHENTICATION;
	if (p->cred_id.len == 0)
		return FSIM_ERR_ARG;
	rpx = *rp;
	rpx.rp_id = or_default(rp->rp_id, "example.com");
	if (rp->origin == NULL)
		snprintf(origin, sizeof(origin), "https://%s", rpx.rp_id);
	else
		snprintf(origin, sizeof(origin), "%s", rp->origin);
	if ((r = fsim_env_random(&p->env, challenge, sizeof(challenge))) != FSIM_OK ||
	    (r = fsim_b64url_encode(challenge, sizeof(challenge), &ch)) != FSIM_OK ||
	    (r = fsim_b64url_encode(p->cred_id.ptr, p->cred_id.len, &id)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((opts = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}]}", "challenge", ch,
	    "rpId", rpx.rp_id, "userVerification", or_default(rp->uv, "preferred"),
	    "allowCredentials", "type", "public-key", "id", id)) == NULL)
		goto fail;
	if ((r = fsim_request_options_parse(opts, &o, NULL)) != FSIM_OK)
		goto fail;
	cer.platform = p->platform;
	cer.effects = &out->effects;
	cer.related = rp->related;
	r = fsim_client_get_assertion_request(o, origin, p->dev != NULL ?
	    fsim_devinfo_can_verify(fsim_device_info(p->dev)) : p->cfg.uv != FSIM_UVMODE_NEVER,
	    &cer, &req, &err);
	if ((r = exchange(p, false, r, &cer, &req, &err, out)) != FSIM_OK)
		goto fail;
	r = judge(p, &rpx, origin, challenge, out);
fail:
	json_decref(opts);
	free(ch);
	free(id);
	fsim_request_options_free(&o);
	fsim_client_ceremony_reset(&cer);
	fsim_blob_reset(&req);
	return r;
}

const fsim_cred_record_t *
fsim_pipe_record(const fsim_pipe_t *p, const fsim_rp_preset_t *ps)
{
	size_t k = preset_index(ps);

	return k < FSIM_PIPE_MAX_POLICIES ? p->records[k] : NULL;
}

bool
fsim_pipe_has_credential(const fsim_pipe_t *p)
{
	return p->cred_id.len > 0;
}

/* ---- changes ---- */

int
fsim_pipe_set_config(fsim_pipe_t *p, const fsim_authn_config_t *cfg)
{
	fsim_authn_t *a = NULL;
	int r;

	if ((r = fsim_authn_new(cfg, &p->env, p->store, &a)) != FSIM_OK)
		return r;
	fsim_authn_free(&p->authn);
	p->authn = a;
	p->cfg = *cfg;
	return FSIM_OK;
}

const fsim_authn_config_t *
fsim_pipe_config(const fsim_pipe_t *p)
{
	return &p->cfg;
}

int
fsim_pipe_cxf_move(fsim_pipe_t *p, const fsim_authn_config_t *cfg, bool include_counted,
    fsim_cxf_export_report_t *rep, fsim_diags_t *d)
{
	fsim_cxf_export_opts_t xo;
	fsim_cxf_import_opts_t io;
	fsim_store_t *s = NULL;
	fsim_authn_t *a = NULL;
	char *text = NULL;
	size_t len = 0;
	int r;

	memset(&xo, 0, sizeof(xo));
	xo.include_counted = include_counted;
	memset(&io, 0, sizeof(io));
	io.be = cfg->be;
	io.bs = cfg->bs;
	if ((r = fsim_cxf_export(p->store, &p->env, &xo, &text, &len, rep)) != FSIM_OK ||
	    (r = fsim_store_open(":memory:", &p->env, &s, NULL)) != FSIM_OK ||
	    (r = fsim_cxf_import(s, &p->env, (const uint8_t *)text, len, &io, NULL, d)) !=
	    FSIM_OK || (r = fsim_authn_new(cfg, &p->env, s, &a)) != FSIM_OK)
		goto fail;
	/* the provider before this move goes (one step back is kept) */
	fsim_authn_free(&p->prev_authn);
	fsim_store_free(&p->prev_store);
	p->prev_authn = p->authn;
	p->prev_store = p->store;
	p->prev_cfg = p->cfg;
	p->authn = a;
	p->store = s;
	p->cfg = *cfg;
	a = NULL;
	s = NULL;
fail:
	if (text != NULL) {
		fsim_wipe(text, len);
		free(text);
	}
	fsim_authn_free(&a);
	fsim_store_free(&s);
	return r;
}

int
fsim_pipe_swap_provider(fsim_pipe_t *p)
{
	fsim_authn_config_t c;
	fsim_store_t *s;
	fsim_authn_t *a;

	if (p->prev_store == NULL)
		return FSIM_ERR_NOT_FOUND;
	c = p->cfg;
	s = p->store;
	a = p->authn;
	p->cfg = p->prev_cfg;
	p->store = p->prev_store;
	p->authn = p->prev_authn;
	p->prev_cfg = c;
	p->prev_store = s;
	p->prev_authn = a;
	return FSIM_OK;
}

void
fsim_pipe_set_platform(fsim_pipe_t *p, const fsim_platform_t *pf)
{
	p->platform = pf;
}

void
fsim_pipe_set_device(fsim_pipe_t *p, fsim_device_t *dev, fsim_device_auth_t *auth)
{
	p->dev = dev;
	p->dev_auth = auth;
}

/*
 * The provider's stored credential changes; the configuration follows, so
 * that a later switch of settings keeps the change.
 */
int
fsim_pipe_set_be(fsim_pipe_t *p, bool be)
{
	int r;

	if ((r = fsim_authn_set_be(p->authn, p->cred_id.ptr, p->cred_id.len, be)) != FSIM_OK)
		return r;
	p->cfg.be = be;
	return FSIM_OK;
}

int
fsim_pipe_set_bs(fsim_pipe_t *p, bool bs)
{
	int r;

	if ((r = fsim_authn_set_bs(p->authn, p->cred_id.ptr, p->cred_id.len, bs)) != FSIM_OK)
		return r;
	p->cfg.bs = bs;
	return FSIM_OK;
}

int
fsim_pipe_set_counter(fsim_pipe_t *p, uint32_t v)
{
	return fsim_authn_set_counter(p->authn, p->cred_id.ptr, p->cred_id.len, v);
}

void
fsim_pipe_rp_forget_backup_flags(fsim_pipe_t *p)
{
	size_t i;

	for (i = 0; i < FSIM_PIPE_MAX_POLICIES; i++)
		if (p->records[i] != NULL) {
			p->records[i]->has_backup_eligible = false;
			p->records[i]->has_backup_state = false;
			p->records[i]->backup_eligible = false;
			p->records[i]->backup_state = false;
		}
}

void
fsim_pipe_rp_set_counter(fsim_pipe_t *p, uint32_t v)
{
	size_t i;

	for (i = 0; i < FSIM_PIPE_MAX_POLICIES; i++)
		if (p->records[i] != NULL)
			p->records[i]->sign_count = v;
}

/* ---- for the harness's own mutations ---- */

void
fsim_pipe_verdict_set(fsim_pipe_verdict_t *v, const fsim_rp_preset_t *ps,
    const fsim_rp_result_t *res)
{
	memset(v, 0, sizeof(*v));
	v->preset = ps;
	if (res != NULL)
		verdict_from(v, res);
}

int
fsim_pipe_credential_key(fsim_pipe_t *p, const char *rp_id, EVP_PKEY **key, int *alg)
{
	fsim_cred_t *c = p->cred_id.len > 0 ? fsim_store_find_cred(p->store, p->cred_id.ptr,
	    p->cred_id.len) : NULL;
	fsim_wrapped_t w;
	uint8_t h[32];
	unsigned int hl = 0;
	int r;

	*key = NULL;
	*alg = 0;
	if (c != NULL) {
		/* A stored (discoverable) credential. */
		if ((r = fsim_key_from_der(c->private_key.ptr, c->private_key.len, key)) != 0)
			return r;
		*alg = c->alg;
		return FSIM_OK;
	}
	/* A wrapped one: the key travels in the credential ID. */
	if (p->cred_id.len == 0)
		return FSIM_ERR_ARG;
	rp_id = or_default(rp_id, "example.com");
	if (EVP_Digest(rp_id, strlen(rp_id), h, &hl, EVP_sha256(), NULL) != 1)
		return FSIM_ERR_INTERNAL;
	memset(&w, 0, sizeof(w));
	if ((r = fsim_credid_unwrap(fsim_store_wrap_key(p->store), h, p->cred_id.ptr,
	    p->cred_id.len, &w)) != 0)
		return r;
	*key = w.key;
	*alg = w.alg;
	w.key = NULL;
	fsim_wrapped_reset(&w);
	return FSIM_OK;
}
