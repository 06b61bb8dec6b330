/*
 * mutate_judge.c — units whose rule is owned by a component other than the
 * relying party's verification steps (mutate_int.h, mu_judge):
 *
 *   REC-01   the RP loads the credential record it stored as JSON
 *            (fsim_record_from_json) before it can verify an assertion
 *   JSON-06  the client parses creation / request options JSON
 *   OPT-02   (fsim_creation_options_parse, fsim_request_options_parse) and
 *            refuses bad ones before any authenticator runs, as a browser
 *            throws a TypeError
 *   ENC-00   fidosim's check of the input it reads (fsim_input_span, what
 *            `fidosim decode` runs first)
 *
 * Each judge's diagnostics become the checks of a result shaped as the
 * RP's, and the rules it checked without finding them broken are PASS
 * entries, so the cells read as every other unit's (docs/report-schema.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/mutate_int.h"

/* ---- the judges ---- */

static int
new_result(int ceremony, fsim_rp_result_t **out)
{
	fsim_rp_result_t *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return FSIM_ERR_NOMEM;
	fsim_checks_init(&r->checks);
	r->ceremony = ceremony;
	*out = r;
	return FSIM_OK;
}

/* A rule the judge checked and did not find broken held. */
static void
held_unless_failed(fsim_checks_t *ck, fsim_rule_id_t rule)
{
	if (!fsim_checks_failed(ck, rule))
		fsim_checks_pass(ck, rule);
}

/*
 * The judge's diagnostics (fallback: the rule it owns) and the rules that
 * held. A judge that refused without saying why still fails by its rule.
 */
static int
finish(fsim_rp_result_t *res, const fsim_diags_t *d, int r, fsim_rule_id_t owned,
    const fsim_rule_id_t *held, size_t n_held)
{
	size_t i;

	if (r == FSIM_ERR_NOMEM || (d != NULL && d->oom))
		return FSIM_ERR_NOMEM;
	if (d != NULL)
		fsim_checks_import(&res->checks, d, owned);
	if (r != FSIM_OK && fsim_checks_fail_count(&res->checks) == 0)
		fsim_checks_fail(&res->checks, owned, NULL, "refused: %s", fsim_strerr(r));
	for (i = 0; i < n_held; i++)
		held_unless_failed(&res->checks, held[i]);
	if (res->checks.oom)
		return FSIM_ERR_NOMEM;
	res->verified = fsim_checks_fail_count(&res->checks) == 0;
	return FSIM_OK;
}

/* The RP loads the record it stored; when it loads, the assertion is verified against it. */
static int
judge_record(const mu_case_t *c, const fsim_rp_policy_t *pol, fsim_rp_result_t **out)
{
	static const fsim_rule_id_t held[] = { FSIM_R_REC_01 };
	fsim_cred_record_t *rec = NULL;
	fsim_diags_t d;
	int r, lr;

	fsim_diags_init(&d);
	lr = fsim_record_from_json(c->record_json, &rec, &d);
	if (lr == FSIM_OK)
		r = fsim_rp_verify_authentication(pol, c->response, rec, out);
	else
		r = new_result(FSIM_CEREMONY_AUTHENTICATION, out);
	if (r == FSIM_OK)
		r = finish(*out, &d, lr, FSIM_R_REC_01, held, 1);
	fsim_record_free(&rec);
	fsim_diags_clear(&d);
	return r;
}

/* The client parses the options (what create() / get() are given). */
static int
judge_options(const mu_case_t *c, fsim_rp_result_t **out)
{
	static const fsim_rule_id_t held_create[] = { FSIM_R_JSON_06, FSIM_R_OPT_02 };
	static const fsim_rule_id_t held_get[] = { FSIM_R_JSON_06 };
	fsim_creation_options_t *co = NULL;
	fsim_request_options_t *ro = NULL;
	fsim_diags_t d;
	bool create = c->judge == MU_JUDGE_CREATION;
	int r, pr;

	fsim_diags_init(&d);
	pr = create ? fsim_creation_options_parse(c->options, &co, &d) :
	    fsim_request_options_parse(c->options, &ro, &d);
	if ((r = new_result(create ? FSIM_CEREMONY_REGISTRATION : FSIM_CEREMONY_AUTHENTICATION,
	    out)) == FSIM_OK)
		r = finish(*out, &d, pr, FSIM_R_JSON_06, create ? held_create : held_get,
		    create ? 2 : 1);
	fsim_creation_options_free(&co);
	fsim_request_options_free(&ro);
	fsim_diags_clear(&d);
	return r;
}

/* fidosim's check of its input: not empty, not whitespace only. */
static int
judge_input(const mu_case_t *c, fsim_rp_result_t **out)
{
	static const fsim_rule_id_t held[] = { FSIM_R_ENC_00 };
	fsim_diags_t d;
	size_t s, e;
	int r, ir;

	fsim_diags_init(&d);
	ir = fsim_input_span(c->input.ptr, c->input.len, &s, &e, &d);
	if ((r = new_result(c->ceremony, out)) == FSIM_OK)
		r = finish(*out, &d, ir, FSIM_R_ENC_00, held, 1);
	fsim_diags_clear(&d);
	return r;
}

int
mu_judge(const mu_case_t *c, const fsim_rp_policy_t *pol, fsim_rp_result_t **out)
{
	int r;

	*out = NULL;
	switch (c->judge) {
	case MU_JUDGE_RECORD:
		r = judge_record(c, pol, out);
		break;
	case MU_JUDGE_CREATION:
	case MU_JUDGE_REQUEST:
		r = judge_options(c, out);
		break;
	case MU_JUDGE_INPUT:
		r = judge_input(c, out);
		break;
	default:
		return FSIM_ERR_ARG;
	}
	if (r != FSIM_OK)
		fsim_rp_result_free(out);
	else if (*out != NULL)
		(*out)->preset = pol->preset;
	return r;
}

int
mu_base_none(mu_case_t *c, int ceremony)
{
	c->ceremony = ceremony;
	snprintf(c->rp_id, sizeof(c->rp_id), "example.com");
	snprintf(c->origin, sizeof(c->origin), "https://example.com");
	memset(&c->emitted, 0, sizeof(c->emitted));
	c->emitted.ctap_status = -1;   /* no authenticator ran */
	return FSIM_OK;
}

/* ---- the credential record (REC-01) ---- */

static int
record_as_stored(mu_case_t *c)
{
	if (c->record == NULL)
		return FSIM_ERR_INTERNAL;
	if ((c->record_json = fsim_record_to_json(c->record)) == NULL)
		return FSIM_ERR_NOMEM;
	c->judge = MU_JUDGE_RECORD;
	return FSIM_OK;
}

int
mu_rec_no_key(mu_case_t *c)
{
	int r;

	if ((r = record_as_stored(c)) != FSIM_OK)
		return r;
	if (json_object_del(c->record_json, "publicKey") != 0)
		return FSIM_ERR_INTERNAL;
	snprintf(c->note, sizeof(c->note), "the RP cannot load the credential record it "
	    "stored, so no assertion step runs");
	return FSIM_OK;
}

int
mu_rec_json(mu_case_t *c)
{
	int r;

	if ((r = record_as_stored(c)) != FSIM_OK)
		return r;
	snprintf(c->note, sizeof(c->note), "verified against the RP's record, stored as JSON "
	    "and loaded back (REC-01 held)");
	return FSIM_OK;
}

/* ---- options (JSON-06, OPT-02) ---- */

static int
random_b64(const mu_case_t *c, size_t n, char **out)
{
	uint8_t b[80];
	int r;

	*out = NULL;
	if (n > sizeof(b))
		return FSIM_ERR_ARG;
	if ((r = fsim_env_random(&c->env, b, n)) != FSIM_OK)
		return r;
	return fsim_b64url_encode(b, n, out);
}

static int
creation_options(mu_case_t *c, size_t user_id_len)
{
	char *ch = NULL, *uid = NULL;
	int r;

	if ((r = mu_base_none(c, FSIM_CEREMONY_REGISTRATION)) != FSIM_OK ||
	    (r = random_b64(c, 32, &ch)) != FSIM_OK ||
	    (r = random_b64(c, user_id_len, &uid)) != FSIM_OK)
		goto out;
	c->options = json_pack("{s:{s:s, s:s}, s:{s:s, s:s, s:s}, s:s, s:[{s:s,s:i},{s:s,s:i}], "
	    "s:s, s:{s:s, s:s}}",
	    "rp", "id", c->rp_id, "name", "fidosim harness",
	    "user", "id", uid, "name", "alice", "displayName", "Alice",
	    "challenge", ch,
	    "pubKeyCredParams", "type", "public-key", "alg", -7, "type", "public-key", "alg", -257,
	    "attestation", "none",
	    "authenticatorSelection", "residentKey", "preferred", "userVerification", "preferred");
	r = c->options != NULL ? FSIM_OK : FSIM_ERR_NOMEM;
	c->judge = MU_JUDGE_CREATION;
out:
	free(ch);
	free(uid);
	return r;
}

static int
request_options(mu_case_t *c)
{
	char *ch = NULL, *id = NULL;
	int r;

	if ((r = mu_base_none(c, FSIM_CEREMONY_AUTHENTICATION)) != FSIM_OK ||
	    (r = random_b64(c, 32, &ch)) != FSIM_OK ||
	    (r = random_b64(c, 16, &id)) != FSIM_OK)
		goto out;
	c->options = json_pack("{s:s, s:s, s:[{s:s, s:s}], s:s}",
	    "challenge", ch, "rpId", c->rp_id,
	    "allowCredentials", "type", "public-key", "id", id,
	    "userVerification", "preferred");
	r = c->options != NULL ? FSIM_OK : FSIM_ERR_NOMEM;
	c->judge = MU_JUDGE_REQUEST;
out:
	free(ch);
	free(id);
	return r;
}

#define OPTS_REFUSED "the client refuses these options before any authenticator runs " \
	"(a browser throws TypeError); no RP is involved"
#define OPTS_PARSED "the client's options parser accepts these options (the rules held); " \
	"no ceremony is run"

int
mu_opts_creation(mu_case_t *c)
{
	snprintf(c->note, sizeof(c->note), "%s", OPTS_PARSED);
	return creation_options(c, 16);
}

int
mu_opts_request(mu_case_t *c)
{
	snprintf(c->note, sizeof(c->note), "%s", OPTS_PARSED);
	return request_options(c);
}

int
mu_opts_no_challenge(mu_case_t *c)
{
	int r;

	if ((r = request_options(c)) != FSIM_OK)
		return r;
	snprintf(c->note, sizeof(c->note), "%s", OPTS_REFUSED);
	return json_object_del(c->options, "challenge") == 0 ? FSIM_OK : FSIM_ERR_INTERNAL;
}

int
mu_opts_user_id_65(mu_case_t *c)
{
	snprintf(c->note, sizeof(c->note), "%s", OPTS_REFUSED);
	return creation_options(c, 65);
}

/* ---- fidosim's input (ENC-00) ---- */

int
mu_input_empty(mu_case_t *c)
{
	/* nothing is handed over: no response is delivered */
	json_decref(c->response);
	c->response = NULL;
	fsim_blob_reset(&c->input);
	c->judge = MU_JUDGE_INPUT;
	snprintf(c->note, sizeof(c->note), "fidosim's check of the input it reads "
	    "(fidosim decode); no RP is involved");
	return FSIM_OK;
}

int
mu_input_response(mu_case_t *c)
{
	char *s;
	int r;

	if ((s = json_dumps(c->response, JSON_COMPACT)) == NULL)
		return FSIM_ERR_NOMEM;
	r = fsim_blob_set(&c->input, (const uint8_t *)s, strlen(s));
	free(s);
	c->judge = MU_JUDGE_INPUT;
	snprintf(c->note, sizeof(c->note), "fidosim's check of the input it reads "
	    "(fidosim decode) holds; no RP is involved");
	return r;
}
