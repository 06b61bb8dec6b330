/*
 * provider.c — the provider service's ceremonies (see provider.h): the
 * ceremony itself is harness/ceremony.c's, as for `fidosim create` / `get`;
 * here are the settings it runs under, the last ceremony's three views and
 * rp-sim's verdict on what was delivered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/preset.h"
#include "harness/pipeline_int.h"
#include "harness/provider_int.h"
#include "rp-sim/rp.h"

#define ORIGIN_MAX 255

void
fsim_provider_answer_reset(fsim_provider_answer_t *a)
{
	if (a == NULL)
		return;
	json_decref(a->json);
	memset(a, 0, sizeof(*a));
}

static void
seterr(char *err, size_t errlen, const char *fmt, const char *arg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, fmt, arg);
}

int
fsim_provider_new(const fsim_provider_opts_t *o, fsim_provider_t **out, char *err,
    size_t errlen)
{
	fsim_provider_t *p;
	fsim_preset_t *pr = NULL;
	fsim_diags_t d;
	const fsim_diag_t *e;
	char msg[512];
	size_t i;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	seterr(err, errlen, "%s", "");
	fsim_diags_init(&d);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return FSIM_ERR_NOMEM;
	p->s.cfg = o->cfg;
	p->s.bs_given = o->bs_given;
	if (o->preset != NULL) {
		/* Its name and description for the settings (a file's name is its own). */
		snprintf(p->s.preset, sizeof(p->s.preset), "%s", o->preset);
		if (fsim_preset_load(o->preset, &pr, NULL, 0) == 0) {
			snprintf(p->s.preset, sizeof(p->s.preset), "%s", fsim_preset_name(pr));
			snprintf(p->s.preset_description, sizeof(p->s.preset_description), "%s",
			    fsim_preset_description(pr));
		}
		fsim_preset_free(&pr);
	}
	snprintf(p->s.platform, sizeof(p->s.platform), "%s", o->platform ? o->platform : "");
	r = FSIM_ERR_ARG;
	if (o->n_platform_off > FSIM_PROVIDER_MAX_OFF) {
		seterr(err, errlen, "%s", "too many platform rules switched off");
		goto fail;
	}
	for (i = 0; i < o->n_platform_off; i++)
		snprintf(p->s.off[p->s.n_off++], sizeof(p->s.off[0]), "%s", o->platform_off[i]);
	if ((p->s.policy = fsim_rp_preset_find(o->rp_policy ? o->rp_policy : "spec")) == NULL) {
		seterr(err, errlen, "unknown RP policy preset '%s' (see 'fidosim policies')",
		    o->rp_policy);
		goto fail;
	}
	if ((r = fsim_provider_load_platform(&p->s, &p->pf, err, errlen)) != 0)
		goto fail;
	if ((r = fsim_ceremony_open(&p->s.cfg, o->store, o->seed, o->seed_len, &p->cer,
	    &d)) != 0) {
		if ((e = fsim_diags_first(&d, FSIM_SEV_ERROR)) != NULL)
			fsim_diag_format(e, msg, sizeof(msg));
		else
			snprintf(msg, sizeof(msg), "%s", fsim_strerr(r));
		seterr(err, errlen, "cannot open the store: %s", msg);
		goto fail;
	}
	fsim_ceremony_set_platform(p->cer, p->pf);
	fsim_ceremony_set_trace(p->cer, &p->last);
	if (fsim_aaguid_names_load(NULL, &p->names, NULL) != 0)
		p->names = NULL;   /* names are a nicety: the settings show null */
	*out = p;
	p = NULL;
	r = 0;
fail:
	fsim_diags_clear(&d);
	fsim_provider_free(&p);
	return r;
}

void
fsim_provider_free(fsim_provider_t **pp)
{
	fsim_provider_t *p;
	size_t i;

	if (pp == NULL || (p = *pp) == NULL)
		return;
	fsim_ceremony_free(&p->cer);
	fsim_platform_free(&p->pf);
	fsim_aaguid_names_free(&p->names);
	fsim_pipe_result_reset(&p->last);
	json_decref(p->last_refusal);
	for (i = 0; i < FSIM_PROVIDER_MAX_RECORDS; i++) {
		free(p->records[i].id);
		fsim_record_free(&p->records[i].rec);
	}
	free(p);
	*pp = NULL;
}

/* ---- rp-sim's verdict on what was delivered ---- */

static struct fsim_provider_record *
record_find(fsim_provider_t *p, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < p->n_records; i++)
		if (strcmp(p->records[i].id, id) == 0)
			return &p->records[i];
	return NULL;
}

/* Keep (or replace) the record of credential id; the oldest goes when full. */
static int
record_keep(fsim_provider_t *p, const char *id, fsim_cred_record_t **rec)
{
	struct fsim_provider_record *slot = record_find(p, id);
	char *copy;

	if (slot == NULL) {
		if ((copy = strdup(id)) == NULL)
			return FSIM_ERR_NOMEM;
		slot = &p->records[p->next_record];
		p->next_record = (p->next_record + 1) % FSIM_PROVIDER_MAX_RECORDS;
		if (p->n_records < FSIM_PROVIDER_MAX_RECORDS)
			p->n_records++;
		free(slot->id);
		slot->id = copy;
	} else if ((*rec)->key == NULL && slot->rec != NULL) {
		/* An updated record comes without the parsed key: keep the old one's. */
		(*rec)->key = slot->rec->key;
		slot->rec->key = NULL;
	}
	fsim_record_free(&slot->rec);
	slot->rec = *rec;
	*rec = NULL;
	return 0;
}

static void
policy_for(const fsim_provider_t *p, const char *const *origin, const fsim_blob_t *challenge,
    const char *uv, fsim_rp_policy_t *pol)
{
	fsim_rp_policy_init(pol);
	fsim_rp_preset_apply(p->s.policy, pol);
	pol->rp_id = p->last.rp_id;
	pol->origins = origin;
	pol->n_origins = 1;
	pol->challenge = challenge->ptr;
	pol->challenge_len = challenge->len;
	pol->uv = FSIM_UV_PREFERRED;
	(void)fsim_uv_req_from_name(uv, &pol->uv);
}

static int
judge_registration(fsim_provider_t *p, const fsim_creation_options_t *o, const char *origin,
    const json_t *resp)
{
	fsim_pipe_verdict_t *v = &p->last.verdicts[0];
	fsim_rp_result_t *res = NULL;
	fsim_rp_policy_t pol;
	int r;

	policy_for(p, &origin, &o->challenge, o->user_verification, &pol);
	pol.conveyance = FSIM_CONVEY_NONE;
	(void)fsim_conveyance_from_name(o->attestation, &pol.conveyance);
	pol.enterprise = pol.conveyance == FSIM_CONVEY_ENTERPRISE;
	pol.algs = o->algs;
	pol.n_algs = o->n_algs;
	if ((r = fsim_rp_verify_registration(&pol, resp, &res)) != 0)
		return r;
	fsim_pipe_verdict_set(v, p->s.policy, res);
	p->last.n_verdicts = 1;
	if (res->verified && res->record != NULL)
		r = record_keep(p, json_string_value(json_object_get(resp, "id")), &res->record);
	fsim_rp_result_free(&res);
	return r;
}

static int
judge_authentication(fsim_provider_t *p, const fsim_request_options_t *o, const char *origin,
    const json_t *resp)
{
	fsim_pipe_verdict_t *v = &p->last.verdicts[0];
	const char *id = json_string_value(json_object_get(resp, "id"));
	struct fsim_provider_record *slot = record_find(p, id);
	fsim_rp_result_t *res = NULL;
	fsim_rp_policy_t pol;
	int r;

	p->last.n_verdicts = 1;
	if (slot == NULL) {
		memset(v, 0, sizeof(*v));
		v->preset = p->s.policy;
		snprintf(v->first_error, sizeof(v->first_error), "unknown: no credential record "
		    "(this credential was not registered through this provider since it started)");
		return 0;
	}
	policy_for(p, &origin, &o->challenge, o->user_verification, &pol);
	if ((r = fsim_rp_verify_authentication(&pol, resp, slot->rec, &res)) != 0)
		return r;
	fsim_pipe_verdict_set(v, p->s.policy, res);
	if (res->verified && res->record != NULL)
		r = record_keep(p, id, &res->record);
	fsim_rp_result_free(&res);
	return r;
}

/* ---- the log line ---- */

static void
flags_text(uint8_t f, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s%s", f & FSIM_AD_UP ? "UP," : "", f & FSIM_AD_UV ? "UV," : "",
	    f & FSIM_AD_BE ? "BE," : "", f & FSIM_AD_BS ? "BS," : "");
	if (buf[0] != '\0')
		buf[strlen(buf) - 1] = '\0';
	else
		snprintf(buf, cap, "none");
}

static void
log_line(const fsim_provider_t *p, bool create, const char *origin, bool refused,
    const json_t *refusal, char *buf, size_t cap)
{
	const fsim_pipe_view_t *d = &p->last.delivered;
	const fsim_pipe_verdict_t *v = &p->last.verdicts[0];
	char flags[32], aaguid[FSIM_AAGUID_STRLEN + 1];
	size_t n;

	n = (size_t)snprintf(buf, cap, "%s origin=%.200s rp=%.100s preset=%.60s platform=%.60s: ",
	    create ? "create" : "get", origin, p->last.rp_id[0] ? p->last.rp_id : "-",
	    p->s.preset[0] ? p->s.preset : "-", p->pf->name);
	if (n >= cap)
		return;
	if (refused) {
		const char *rule = json_string_value(json_object_get(refusal, "rule"));
		const char *st = json_string_value(json_object_get(refusal, "ctapStatus"));

		snprintf(buf + n, cap - n, "refused %s%s%s%s%s",
		    json_string_value(json_object_get(refusal, "name")),
		    rule ? " rule=" : "", rule ? rule : "", st ? " ctapStatus=" : "", st ? st : "");
		return;
	}
	flags_text(d->flags, flags, sizeof(flags));
	if (d->has_aaguid) {
		fsim_aaguid_format(d->aaguid, aaguid);
		n += (size_t)snprintf(buf + n, cap - n, "credential fmt=%s aaguid=%s ", d->fmt,
		    aaguid);
	} else
		n += (size_t)snprintf(buf + n, cap - n, "assertion ");
	if (n >= cap)
		return;
	n += (size_t)snprintf(buf + n, cap - n, "flags=%s signCount=%u effects=%zu", flags,
	    (unsigned)d->sign_count, p->last.effects.n);
	if (n >= cap || p->last.n_verdicts == 0)
		return;
	snprintf(buf + n, cap - n, "; rp-sim %s: %s%s%.80s", v->preset->name,
	    !v->ran ? "unknown" : v->verified ? "verified" : "NOT verified",
	    v->ran && !v->verified ? " " : "", v->ran && !v->verified ? v->errors : "");
}

/* ---- ceremonies ---- */

static int
check_origin(const char *origin, char *err, size_t errlen)
{
	if (origin == NULL || origin[0] == '\0') {
		seterr(err, errlen, "%s", "origin: missing (the caller's origin, e.g. "
		    "https://example.org)");
		return FSIM_ERR_JSON;
	}
	if (strlen(origin) > ORIGIN_MAX) {
		seterr(err, errlen, "origin: longer than %s bytes", "255");
		return FSIM_ERR_JSON;
	}
	return 0;
}

/* The bookkeeping after a ceremony: the last views and the answer. */
static int
finish(fsim_provider_t *p, json_t *resp,
    const fsim_client_error_t *cerr, fsim_provider_answer_t *a)
{
	json_t *j = resp != NULL ? json_incref(resp) : fsim_client_error_json(cerr);

	if (j == NULL)
		return FSIM_ERR_NOMEM;
	a->json = j;
	a->refused = resp == NULL;
	p->has_last = true;
	p->last_refused = a->refused;
	p->last_time = time(NULL);
	snprintf(p->last_preset, sizeof(p->last_preset), "%s", p->s.preset);
	snprintf(p->last_platform, sizeof(p->last_platform), "%s", p->pf->name);
	p->last.response = resp != NULL ? json_incref(resp) : NULL;
	json_decref(p->last_refusal);
	p->last_refusal = resp == NULL ? json_incref(j) : NULL;
	return 0;
}

/* A fresh last ceremony (the ceremony fills it through its trace). */
static void
last_start(fsim_provider_t *p, int ceremony, const char *origin)
{
	fsim_pipe_result_reset(&p->last);
	p->last.ceremony = ceremony;
	snprintf(p->last.origin, sizeof(p->last.origin), "%s", origin);
	p->last.emitted.ctap_status = -1;
	p->last.delivered.ctap_status = -1;
}

int
fsim_provider_create(fsim_provider_t *p, const json_t *options, const char *origin,
    fsim_provider_answer_t *a, char *err, size_t errlen)
{
	fsim_creation_options_t *o = NULL;
	fsim_client_error_t cerr;
	fsim_diags_t d;
	json_t *resp = NULL;
	char msg[512];
	int r;

	memset(a, 0, sizeof(*a));
	fsim_diags_init(&d);
	if ((r = check_origin(origin, err, errlen)) != 0)
		goto out;
	last_start(p, FSIM_CEREMONY_REGISTRATION, origin);
	if (fsim_creation_options_parse(options, &o, &d) != 0) {
		/* As `fidosim create`: user.id's length is the browser's TypeError. */
		if (fsim_ceremony_options_refusal(&d, &cerr, msg, sizeof(msg))) {
			fsim_pipe_view_delivered(&p->last.delivered, NULL, &cerr, true);
			if ((r = finish(p, NULL, &cerr, a)) == 0)
				log_line(p, true, origin, true, a->json, a->log, sizeof(a->log));
		} else {
			seterr(err, errlen, "bad options: %s", msg);
			r = FSIM_ERR_JSON;
		}
		goto out;
	}
	r = fsim_ceremony_create(p->cer, options, origin, &resp, &cerr, msg, sizeof(msg));
	if (r != 0 && !(r == FSIM_ERR_ARG && cerr.name != NULL))
		goto out;
	if ((r = finish(p, resp, &cerr, a)) == 0 && resp != NULL)
		r = judge_registration(p, o, origin, resp);
	if (r == 0)
		log_line(p, true, origin, a->refused, a->json, a->log, sizeof(a->log));
out:
	json_decref(resp);
	fsim_creation_options_free(&o);
	fsim_diags_clear(&d);
	if (r != 0)
		fsim_provider_answer_reset(a);
	return r;
}

int
fsim_provider_get(fsim_provider_t *p, const json_t *options, const char *origin,
    fsim_provider_answer_t *a, char *err, size_t errlen)
{
	fsim_request_options_t *o = NULL;
	fsim_client_error_t cerr;
	fsim_diags_t d;
	const fsim_diag_t *e;
	json_t *resp = NULL;
	char msg[512];
	int r;

	memset(a, 0, sizeof(*a));
	fsim_diags_init(&d);
	if ((r = check_origin(origin, err, errlen)) != 0)
		goto out;
	last_start(p, FSIM_CEREMONY_AUTHENTICATION, origin);
	if (fsim_request_options_parse(options, &o, &d) != 0) {
		if ((e = fsim_diags_first(&d, FSIM_SEV_ERROR)) != NULL)
			fsim_diag_format(e, msg, sizeof(msg));
		else
			snprintf(msg, sizeof(msg), "out of memory");
		seterr(err, errlen, "bad options: %s", msg);
		r = FSIM_ERR_JSON;
		goto out;
	}
	r = fsim_ceremony_get(p->cer, options, origin, p->s.bs_given ? p->s.cfg.bs : -1, &resp,
	    &cerr, msg, sizeof(msg));
	if (r != 0 && !(r == FSIM_ERR_ARG && cerr.name != NULL))
		goto out;
	if ((r = finish(p, resp, &cerr, a)) == 0 && resp != NULL)
		r = judge_authentication(p, o, origin, resp);
	if (r == 0)
		log_line(p, false, origin, a->refused, a->json, a->log, sizeof(a->log));
out:
	json_decref(resp);
	fsim_request_options_free(&o);
	fsim_diags_clear(&d);
	if (r != 0)
		fsim_provider_answer_reset(a);
	return r;
}

/* ---- reading it back ---- */

json_t *
fsim_provider_last(const fsim_provider_t *p)
{
	json_t *j;
	char ts[32];
	struct tm tm;

	if (!p->has_last)
		return json_pack("{s:n}", "ceremony");
	if ((j = fsim_pipe_result_json(&p->last)) == NULL)
		return NULL;
	gmtime_r(&p->last_time, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(j, "time", json_string(ts));
	json_object_set_new(j, "origin", json_string(p->last.origin));
	json_object_set_new(j, "rpId", p->last.rp_id[0] ? json_string(p->last.rp_id) : json_null());
	json_object_set_new(j, "preset", p->last_preset[0] ? json_string(p->last_preset) :
	    json_null());
	json_object_set_new(j, "platform", json_string(p->last_platform));
	json_object_set_new(j, "refused", json_boolean(p->last_refused));
	json_object_set_new(j, "response", p->last.response != NULL ?
	    json_incref(p->last.response) : json_incref(p->last_refusal));
	return j;
}

static bool
has_transport(const fsim_authn_config_t *c, const char *t)
{
	size_t i;

	for (i = 0; i < c->n_transports; i++)
		if (strcmp(c->transports[i], t) == 0)
			return true;
	return false;
}

json_t *
fsim_provider_capabilities(const fsim_provider_t *p)
{
	const fsim_authn_config_t *c = &p->s.cfg;
	bool uvpa = has_transport(c, "internal") && c->uv != FSIM_UVMODE_NEVER;

	/*
	 * This build's client has no conditional mediation, related origins or
	 * signals (false: the page learns the provider cannot, as from a browser
	 * that lacks them); credProps is the client extension it answers.
	 */
	return json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
	    "userVerifyingPlatformAuthenticator", uvpa,
	    "passkeyPlatformAuthenticator", uvpa && c->rk_capable,
	    "hybridTransport", has_transport(c, "hybrid"),
	    "conditionalGet", 0, "conditionalCreate", 0, "relatedOrigins", 0,
	    "signalUnknownCredential", 0, "signalAllAcceptedCredentials", 0,
	    "signalCurrentUserDetails", 0, "extension:credProps", 1);
}
