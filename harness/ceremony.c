/*
 * ceremony.c — a create or a get in process: the reference client and the
 * software authenticator, the CTAP bytes carried between them here (as
 * cli/create.c and cli/get.c do for the command line).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ceremony.h"
#include "harness/pipeline_int.h"

#define MAX_RP_CREDS 64

struct fsim_ceremony {
	fsim_authn_config_t cfg;
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *authn;
	const fsim_platform_t *platform;   /* borrowed; NULL: spec-l3 */
	fsim_pipe_result_t *trace;         /* borrowed; NULL: not kept */
};

int
fsim_ceremony_new(const fsim_authn_config_t *cfg, fsim_ceremony_t **out)
{
	return fsim_ceremony_open(cfg, ":memory:", NULL, 0, out, NULL);
}

int
fsim_ceremony_open(const fsim_authn_config_t *cfg, const char *store, const uint8_t *seed,
    size_t seed_len, fsim_ceremony_t **out, fsim_diags_t *d)
{
	fsim_ceremony_t *c;
	int r;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return FSIM_ERR_NOMEM;
	if (seed != NULL && seed_len > 0) {
		if ((r = fsim_env_seeded(&c->env, seed, seed_len)) != 0) {
			free(c);
			return r;
		}
	} else
		fsim_env_default(&c->env);
	c->cfg = *cfg;
	if ((r = fsim_store_open(store, &c->env, &c->store, d)) != 0 ||
	    (r = fsim_authn_new(&c->cfg, &c->env, c->store, &c->authn)) != 0) {
		fsim_ceremony_free(&c);
		return r;
	}
	*out = c;
	return 0;
}

void
fsim_ceremony_set_platform(fsim_ceremony_t *c, const fsim_platform_t *pf)
{
	c->platform = pf;
}

void
fsim_ceremony_set_trace(fsim_ceremony_t *c, fsim_pipe_result_t *trace)
{
	c->trace = trace;
}

void
fsim_ceremony_free(fsim_ceremony_t **cp)
{
	fsim_ceremony_t *c;

	if (cp == NULL || (c = *cp) == NULL)
		return;
	fsim_authn_free(&c->authn);
	fsim_store_free(&c->store);
	fsim_env_free(&c->env);
	free(c);
	*cp = NULL;
}

int
fsim_ceremony_configure(fsim_ceremony_t *c, const fsim_authn_config_t *cfg)
{
	fsim_authn_t *a = NULL;
	int r;

	if ((r = fsim_authn_new(cfg, &c->env, c->store, &a)) != 0)
		return r;
	fsim_authn_free(&c->authn);
	c->authn = a;
	c->cfg = *cfg;
	return 0;
}

const fsim_authn_config_t *
fsim_ceremony_config(const fsim_ceremony_t *c)
{
	return &c->cfg;
}

int
fsim_ceremony_describe(const fsim_authn_config_t *cfg, fsim_client_ceremony_t *cer)
{
	const char *tr[4];
	size_t i, n = cfg->n_transports < 4 ? cfg->n_transports : 4;
	bool internal = false;

	for (i = 0; i < n; i++) {
		tr[i] = cfg->transports[i];
		if (strcmp(tr[i], "internal") == 0)
			internal = true;
	}
	return fsim_client_ceremony_set_authenticator(cer, tr, n,
	    internal ? "platform" : "cross-platform");
}

static void
options_msg(const fsim_diags_t *d, char *msg, size_t msglen)
{
	const fsim_diag_t *e = fsim_diags_first(d, FSIM_SEV_ERROR);

	if (msg == NULL || msglen == 0)
		return;
	if (e != NULL)
		fsim_diag_format(e, msg, msglen);
	else
		snprintf(msg, msglen, "the options do not parse");
}

bool
fsim_ceremony_options_refusal(const fsim_diags_t *d, fsim_client_error_t *err, char *msg,
    size_t msglen)
{
	const fsim_diag_t *first = NULL, *opt02 = NULL;
	size_t i;

	memset(err, 0, sizeof(*err));
	for (i = 0; d != NULL && i < d->n; i++) {
		if (d->v[i].sev != FSIM_SEV_ERROR)
			continue;
		if (strcmp(d->v[i].rule, "OPT-02") == 0) {
			if (opt02 == NULL)
				opt02 = &d->v[i];
		} else if (first == NULL)
			first = &d->v[i];
	}
	if (first == NULL && opt02 != NULL) {
		/* §5.4.3: the browser throws TypeError. */
		err->name = "TypeError";
		err->ctap_status = -1;
		snprintf(err->message, sizeof(err->message), "%s", opt02->msg);
		snprintf(err->rule, sizeof(err->rule), "user-id-length");
		return true;
	}
	if (msg != NULL && msglen > 0) {
		if (first != NULL)
			fsim_diag_format(first, msg, msglen);
		else
			snprintf(msg, msglen, "out of memory");
	}
	return false;
}

/* A ceremony starts: what the trace keeps of it is cleared, and where rules record. */
static void
trace_start(fsim_ceremony_t *c, fsim_client_ceremony_t *cer, int ceremony, const char *origin)
{
	fsim_pipe_result_t *t = c->trace;

	cer->platform = c->platform;
	if (t == NULL)
		return;
	memset(&t->emitted, 0, sizeof(t->emitted));
	memset(&t->delivered, 0, sizeof(t->delivered));
	memset(&t->effects, 0, sizeof(t->effects));
	t->ceremony = ceremony;
	t->rp_id[0] = '\0';
	snprintf(t->origin, sizeof(t->origin), "%s", origin != NULL ? origin : "");
	t->emitted.ctap_status = -1;    /* until the provider answers */
	t->delivered.ctap_status = -1;
	cer->effects = &t->effects;
}

/* The client refused before the provider saw anything (r: what it returned). */
static void
trace_refused(fsim_ceremony_t *c, int r, const fsim_client_error_t *err, bool reg)
{
	if (c->trace != NULL && r == FSIM_ERR_ARG && err->name != NULL)
		fsim_pipe_view_delivered(&c->trace->delivered, NULL, err, reg);
}

static void
trace_exchange(fsim_ceremony_t *c, const fsim_client_ceremony_t *cer, uint8_t st,
    const fsim_blob_t *resp, int r, const json_t *out, const fsim_client_error_t *err, bool reg)
{
	fsim_pipe_result_t *t = c->trace;

	if (t == NULL)
		return;
	snprintf(t->rp_id, sizeof(t->rp_id), "%s", cer->rp_id != NULL ? cer->rp_id : "");
	fsim_pipe_view_emitted(&t->emitted, st, resp, reg);
	if (r == 0 || (r == FSIM_ERR_ARG && err->name != NULL))
		fsim_pipe_view_delivered(&t->delivered, r == 0 ? out : NULL, err, reg);
}

int
fsim_ceremony_create(fsim_ceremony_t *c, const json_t *options, const char *origin,
    json_t **out, fsim_client_error_t *err, char *msg, size_t msglen)
{
	fsim_creation_options_t *o = NULL;
	fsim_client_ceremony_t cer;
	fsim_blob_t req = { NULL, 0 }, resp = { NULL, 0 };
	fsim_diags_t d;
	uint8_t st;
	int r;

	*out = NULL;
	memset(&cer, 0, sizeof(cer));
	memset(err, 0, sizeof(*err));
	fsim_diags_init(&d);
	if (fsim_creation_options_parse(options, &o, &d) != 0) {
		options_msg(&d, msg, msglen);
		r = FSIM_ERR_JSON;
		goto out;
	}
	trace_start(c, &cer, FSIM_CEREMONY_REGISTRATION, origin);
	if ((r = fsim_client_make_credential_request(o, origin, c->cfg.uv != FSIM_UVMODE_NEVER,
	    c->cfg.rk_capable, &cer, &req, err)) != 0 ||
	    (r = fsim_ceremony_describe(&c->cfg, &cer)) != 0) {
		trace_refused(c, r, err, true);
		goto out;
	}
	st = fsim_authn_request(c->authn, req.ptr, req.len, &resp);
	r = fsim_client_make_credential_response(&cer, st, resp.ptr, resp.len, out, err);
	trace_exchange(c, &cer, st, &resp, r, *out, err, true);
out:
	fsim_blob_reset(&req);
	fsim_blob_reset(&resp);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);
	fsim_diags_clear(&d);
	return r;
}

/* get --bs: the backup state of the credentials this request can use. */
static int
apply_bs(fsim_ceremony_t *c, const fsim_request_options_t *o, const char *rp_id, bool bs)
{
	fsim_cred_t *creds[MAX_RP_CREDS];
	fsim_blob_t ids[MAX_RP_CREDS];
	size_t i, n;
	int e = 0;

	for (i = 0; i < o->n_allow; i++) {
		e = fsim_authn_set_bs(c->authn, o->allow[i].id.ptr, o->allow[i].id.len, bs);
		if (e != 0 && e != FSIM_ERR_NOT_FOUND)
			return e;
	}
	if (o->n_allow > 0)
		return 0;
	/* Copy the IDs first: lookups lend, and set_bs changes the store. */
	memset(ids, 0, sizeof(ids));
	n = fsim_store_rp_creds(c->store, rp_id, creds, MAX_RP_CREDS);
	for (i = 0; i < n && e == 0; i++)
		e = fsim_blob_set(&ids[i], creds[i]->id.ptr, creds[i]->id.len);
	for (i = 0; i < n && e == 0; i++)
		e = fsim_authn_set_bs(c->authn, ids[i].ptr, ids[i].len, bs);
	for (i = 0; i < n; i++)
		fsim_blob_reset(&ids[i]);
	return e;
}

int
fsim_ceremony_get(fsim_ceremony_t *c, const json_t *options, const char *origin, int bs,
    json_t **out, fsim_client_error_t *err, char *msg, size_t msglen)
{
	fsim_request_options_t *o = NULL;
	fsim_client_ceremony_t cer;
	fsim_blob_t req = { NULL, 0 }, resp = { NULL, 0 }, req2 = { NULL, 0 };
	fsim_diags_t d;
	uint8_t st;
	int r;

	*out = NULL;
	memset(&cer, 0, sizeof(cer));
	memset(err, 0, sizeof(*err));
	fsim_diags_init(&d);
	if (fsim_request_options_parse(options, &o, &d) != 0) {
		options_msg(&d, msg, msglen);
		r = FSIM_ERR_JSON;
		goto out;
	}
	trace_start(c, &cer, FSIM_CEREMONY_AUTHENTICATION, origin);
	if ((r = fsim_client_get_assertion_request(o, origin, c->cfg.uv != FSIM_UVMODE_NEVER,
	    &cer, &req, err)) != 0 || (r = fsim_ceremony_describe(&c->cfg, &cer)) != 0) {
		trace_refused(c, r, err, false);
		goto out;
	}
	if (bs >= 0 && (r = apply_bs(c, o, cer.rp_id, bs != 0)) != 0)
		goto out;
	st = fsim_authn_request(c->authn, req.ptr, req.len, &resp);
	/* §10.1.1, as `fidosim get`: no credential for the RP ID, ask again with the AppID. */
	if (st == FSIM_CTAP2_ERR_NO_CREDENTIALS && cer.appid != NULL) {
		fsim_blob_reset(&resp);
		if ((r = fsim_client_get_assertion_appid_request(&cer, &req, &req2)) != 0)
			goto out;
		st = fsim_authn_request(c->authn, req2.ptr, req2.len, &resp);
	}
	r = fsim_client_get_assertion_response(&cer, st, resp.ptr, resp.len, out, err);
	trace_exchange(c, &cer, st, &resp, r, *out, err, false);
out:
	fsim_blob_reset(&req2);
	fsim_blob_reset(&req);
	fsim_blob_reset(&resp);
	fsim_client_ceremony_reset(&cer);
	fsim_request_options_free(&o);
	fsim_diags_clear(&d);
	return r;
}
