/*
 * conform.c — the runner of the conformance cases (harness/conform.h; the
 * case table is conform_cases.c).
 * A case is one registration (and, for assertion cases, the assertions after
 * it) made by the in-process client with an authenticator configured for the
 * case (format, algorithm, BE/BS, UV, counter, quirks); the response may then
 * be mutated by hand. The verdict posted back must be what the case expects.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strings.h>

#include "harness/ceremony.h"
#include "harness/conform.h"
#include "harness/conform_int.h"
#include "harness/xml.h"
#include "rp-sim/rules.h"

/* ---- running one case ---- */

typedef struct run {
	const fsim_conform_config_t *cfg;
	const conf_case_t *k;
	fsim_conform_case_t *out;
	char username[64];
	fsim_ceremony_t *authn;
	fsim_authn_config_t ac;
	bool reached;
} run_t;

/* POST a JSON body; *answer gets the parsed reply (or NULL). false: unreachable. */
static bool
post_json(run_t *r, const char *path, json_t *body, long *status, json_t **answer)
{
	char *text = json_dumps(body, JSON_COMPACT), *resp = NULL;
	int e;

	*answer = NULL;
	*status = 0;
	if (text == NULL) {
		snprintf(r->out->detail, sizeof(r->out->detail), "out of memory");
		return false;
	}
	e = r->cfg->post(r->cfg->ctx, path, text, status, &resp);
	free(text);
	if (e != 0) {
		snprintf(r->out->detail, sizeof(r->out->detail), "POST %s: the RP did not answer", path);
		free(resp);
		return false;
	}
	r->reached = true;
	*answer = resp != NULL ? json_loads(resp, 0, NULL) : NULL;
	if (*answer == NULL)
		*answer = json_pack("{s:s}", "raw", resp != NULL ? resp : "");
	free(resp);
	return true;
}

static bool
accepted(const run_t *r, long status, const json_t *a)
{
	if (status != 200)
		return false;
	if (r->cfg->api == FSIM_CONFORM_API_FIDO)
		return json_is_string(json_object_get(a, "status")) &&
		    strcmp(json_string_value(json_object_get(a, "status")), "ok") == 0;
	return json_is_true(json_object_get(a, "verified"));
}

static void
describe_answer(char *buf, size_t len, long status, const json_t *a)
{
	const json_t *e = json_object_get(a, "error");
	char *s;

	if (!json_is_string(e))
		e = json_object_get(a, "errorMessage");
	if (json_is_string(e) && json_string_length(e) > 0) {
		snprintf(buf, len, "HTTP %ld: %s", status, json_string_value(e));
		return;
	}
	s = json_dumps(a, JSON_COMPACT);
	snprintf(buf, len, "HTTP %ld: %.400s", status, s != NULL ? s : "?");
	free(s);
}

/* Options from the RP (registration or authentication); NULL with detail set on failure. */
static json_t *
get_options(run_t *r, bool reg, const char *uv)
{
	bool fido = r->cfg->api == FSIM_CONFORM_API_FIDO;
	const conf_case_t *k = r->k;
	json_t *body, *ans = NULL, *algs;
	const char *path;
	long st;

	if (reg && fido) {
		path = "/attestation/options";
		body = json_pack("{s:s, s:s, s:{s:s, s:b}, s:s}", "username", r->username,
		    "displayName", r->username, "authenticatorSelection", "userVerification", uv,
		    "requireResidentKey", 0, "attestation", k->att ? k->att : "none");
	} else if (reg) {
		static const struct { const char *ours, *theirs; } names[] = {
			{ "es256", "es256" }, { "eddsa", "ed25519" }, { "es384", "es384" },
			{ "rs256", "rs256" },
		};
		const char *rp_alg = k->rp_algs;
		size_t i;

		path = "/registration/options";
		for (i = 0; rp_alg == NULL && i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(k->alg ? k->alg : "es256", names[i].ours) == 0)
				rp_alg = names[i].theirs;
		algs = json_pack("[s]", rp_alg ? rp_alg : "es256");
		body = json_pack("{s:s, s:s, s:s, s:o, s:s}", "username", r->username,
		    "user_verification", uv, "attestation", k->att ? k->att : "none",
		    "algorithms", algs, "discoverable_credential", "preferred");
	} else if (fido) {
		path = "/assertion/options";
		body = json_pack("{s:s, s:s}", "username", r->username, "userVerification", uv);
	} else {
		path = "/authentication/options";
		body = json_pack("{s:s, s:s}", "username", r->username, "user_verification", uv);
	}
	if (body == NULL || !post_json(r, path, body, &st, &ans)) {
		json_decref(body);
		return NULL;
	}
	json_decref(body);
	if (!json_is_string(json_object_get(ans, "challenge")) || st != 200) {
		char d[400];

		describe_answer(d, sizeof(d), st, ans);
		snprintf(r->out->detail, sizeof(r->out->detail), "setup: %s refused: %s", path, d);
		json_decref(ans);
		return NULL;
	}
	json_object_del(ans, "status");
	json_object_del(ans, "errorMessage");
	return ans;
}

/* Post a response for verification; -1 unreachable, else 1 accepted / 0 refused. */
static int
verify(run_t *r, bool reg, const json_t *resp, char *why, size_t whylen)
{
	bool fido = r->cfg->api == FSIM_CONFORM_API_FIDO;
	const char *path = fido ? (reg ? "/attestation/result" : "/assertion/result") :
	    (reg ? "/registration/verification" : "/authentication/verification");
	json_t *body = fido ? json_deep_copy(resp) :
	    json_pack("{s:s, s:O}", "username", r->username, "response", resp);
	json_t *ans = NULL;
	long st;
	int ok;

	if (body == NULL || !post_json(r, path, body, &st, &ans)) {
		json_decref(body);
		return -1;
	}
	json_decref(body);
	ok = accepted(r, st, ans) ? 1 : 0;
	describe_answer(why, whylen, st, ans);
	json_decref(ans);
	return ok;
}

static void
client_refused(run_t *r, const char *what, int e, const fsim_client_error_t *err,
    const char *msg)
{
	if (e == FSIM_ERR_ARG && err->name != NULL)
		snprintf(r->out->detail, sizeof(r->out->detail), "setup: the client refused to %s: "
		    "%s: %s", what, err->name, err->message);
	else
		snprintf(r->out->detail, sizeof(r->out->detail), "setup: the client could not %s: %s",
		    what, msg[0] ? msg : fsim_strerr(e));
}

/* One assertion; returns the response (new reference) or NULL with detail set. */
static json_t *
assert_once(run_t *r, const char *uv, const char *client_uv, int set_bs)
{
	json_t *opts = get_options(r, false, uv), *resp = NULL;
	fsim_client_error_t err;
	char msg[256] = "";
	int e;

	if (opts == NULL)
		return NULL;
	if (client_uv != NULL)
		json_object_set_new(opts, "userVerification", json_string(client_uv));
	e = fsim_ceremony_get(r->authn, opts, r->cfg->origin,
	    set_bs == BS_TO_1 ? 1 : set_bs == BS_TO_0 ? 0 : -1, &resp, &err, msg, sizeof(msg));
	json_decref(opts);
	if (e != 0) {
		client_refused(r, "make the assertion", e, &err, msg);
		return NULL;
	}
	return resp;
}

/* Run a case; out->passed says whether the RP behaved as the case expects. */
static void
run_case(run_t *r)
{
	const conf_case_t *k = r->k;
	fsim_client_error_t err;
	json_t *opts = NULL, *resp = NULL;
	char msg[256] = "", why[450];
	int ok, e, i;

	fsim_authn_config_init(&r->ac);
	r->ac.attestation = k->fmt;
	r->ac.quirks = k->reg_quirks;
	r->ac.be = k->be;
	r->ac.bs = k->bs;
	r->ac.uv = k->reg_uvmode;
	r->ac.counter = k->counter;
	r->ac.algs[0] = fsim_cose_alg_from_name(k->alg ? k->alg : "es256");
	r->ac.n_algs = 1;
	if ((e = fsim_ceremony_new(&r->ac, &r->authn)) != 0) {
		snprintf(r->out->detail, sizeof(r->out->detail), "setup: no authenticator: %s",
		    fsim_strerr(e));
		return;
	}
	/* Registration. */
	if ((opts = get_options(r, true, k->reg_uv ? k->reg_uv : "preferred")) == NULL)
		goto out;
	if (k->client_reg_uv != NULL)
		json_object_set_new(json_object_get(opts, "authenticatorSelection"),
		    "userVerification", json_string(k->client_reg_uv));
	if (k->offer_alg)
		json_array_append_new(json_object_get(opts, "pubKeyCredParams"), json_pack(
		    "{s:s, s:i}", "type", "public-key", "alg", r->ac.algs[0]));
	if ((e = fsim_ceremony_create(r->authn, opts, r->cfg->origin, &resp, &err, msg,
	    sizeof(msg))) != 0) {
		client_refused(r, "register", e, &err, msg);
		goto out;
	}
	if (k->kind == REG) {
		if (k->reg_mut != NULL)
			k->reg_mut(resp);
		if ((ok = verify(r, true, resp, why, sizeof(why))) < 0)
			goto out;
		goto judge;
	}
	if ((ok = verify(r, true, resp, why, sizeof(why))) != 1) {
		if (ok == 0)
			snprintf(r->out->detail, sizeof(r->out->detail), "setup: the registration "
			    "was refused: %s", why);
		goto out;
	}
	/* Assertions before the one judged, accepted. */
	for (i = 0; i < k->warmup; i++) {
		json_decref(resp);
		if ((resp = assert_once(r, "preferred", NULL, 0)) == NULL)
			goto out;
		if ((ok = verify(r, false, resp, why, sizeof(why))) != 1) {
			if (ok == 0)
				snprintf(r->out->detail, sizeof(r->out->detail), "setup: assertion "
				    "%d was refused: %s", i + 1, why);
			goto out;
		}
	}
	if (k->auth_quirks != 0 || k->auth_uvmode != r->ac.uv) {
		r->ac.quirks = k->auth_quirks;
		r->ac.uv = k->auth_uvmode;
		if ((e = fsim_ceremony_configure(r->authn, &r->ac)) != 0) {
			snprintf(r->out->detail, sizeof(r->out->detail), "setup: %s", fsim_strerr(e));
			goto out;
		}
	}
	json_decref(resp);
	if ((resp = assert_once(r, k->auth_uv ? k->auth_uv : "preferred", k->client_auth_uv,
	    k->set_bs)) == NULL)
		goto out;
	if (k->auth_mut != NULL)
		k->auth_mut(resp);
	if ((ok = verify(r, false, resp, why, sizeof(why))) < 0)
		goto out;
	if (k->replay) {
		if (ok != 1) {
			snprintf(r->out->detail, sizeof(r->out->detail), "setup: the assertion to "
			    "replay was refused: %s", why);
			goto out;
		}
		/* A fresh challenge in the session, then the old assertion. */
		json_decref(opts);
		if ((opts = get_options(r, false, "preferred")) == NULL ||
		    (ok = verify(r, false, resp, why, sizeof(why))) < 0)
			goto out;
	}
judge:
	r->out->passed = (ok == 1) == k->positive;
	snprintf(r->out->detail, sizeof(r->out->detail), "%s: %s", ok == 1 ? "accepted" :
	    "refused", why);
out:
	json_decref(opts);
	json_decref(resp);
	fsim_ceremony_free(&r->authn);
}

/* Does the text say "origin" (any case)? */
static bool
mentions_origin(const char *s)
{
	for (; *s != '\0'; s++)
		if (strncasecmp(s, "origin", 6) == 0)
			return true;
	return false;
}

/*
 * Before 82 cases fail alike: one registration with a plain authenticator.
 * The client refusing the RP ID for our origin (SecurityError, WebAuthn L3
 * 5.1.3 step 8), or the RP refusing a valid response for its origin, is a
 * set-up error with one message; anything else is left to the cases.
 * Returns false with out->setup_error set, or true.
 */
static bool
preflight(const fsim_conform_config_t *cfg, fsim_conform_results_t *out, unsigned long nonce)
{
	static const conf_case_t probe = { .family = "preflight", .name = "preflight",
		.kind = REG, .positive = true };
	fsim_conform_case_t c;
	fsim_client_error_t err;
	json_t *opts = NULL, *resp = NULL;
	const char *rp_id = NULL;
	char msg[256] = "", why[450] = "";
	run_t r;
	int e, ok;
	bool good = true;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.k = &probe;
	r.out = &c;
	snprintf(r.username, sizeof(r.username), "conform-%06lx-preflight", nonce);
	fsim_authn_config_init(&r.ac);
	if (fsim_ceremony_new(&r.ac, &r.authn) != 0 ||
	    (opts = get_options(&r, true, "preferred")) == NULL)
		goto out;         /* unreachable or options refused: the cases say so */
	if (json_is_object(json_object_get(opts, "rp")))
		rp_id = json_string_value(json_object_get(json_object_get(opts, "rp"), "id"));
	e = fsim_ceremony_create(r.authn, opts, cfg->origin, &resp, &err, msg, sizeof(msg));
	if (e == FSIM_ERR_ARG && err.name != NULL && strcmp(err.name, "SecurityError") == 0) {
		snprintf(out->setup_error, sizeof(out->setup_error), "the server's RP ID is "
		    "\"%s\" but the client claims the origin %s, and a browser refuses that "
		    "(SecurityError: %s; WebAuthn L3 5.1.3 step 8). Give --origin with an origin "
		    "whose host is %s (or a subdomain of it), as your RP expects, e.g. --origin "
		    "https://%s", rp_id ? rp_id : "(none)", cfg->origin, err.message,
		    rp_id ? rp_id : "the RP ID", rp_id ? rp_id : "RP-ID");
		good = false;
		goto out;
	}
	if (e != 0)
		goto out;
	ok = verify(&r, true, resp, why, sizeof(why));
	if (ok == 0 && mentions_origin(why)) {
		snprintf(out->setup_error, sizeof(out->setup_error), "the server refused a valid "
		    "registration made for the origin %s (%s). Give --origin with the origin your "
		    "RP expects (WebAuthn L3 7.1 step 9)", cfg->origin, why);
		good = false;
	}
out:
	json_decref(opts);
	json_decref(resp);
	fsim_ceremony_free(&r.authn);
	return good;
}

int
fsim_conform_run(const fsim_conform_config_t *cfg, fsim_conform_results_t *out)
{
	unsigned long nonce = (unsigned long)time(NULL) & 0xffffff;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (cfg == NULL || cfg->post == NULL || cfg->origin == NULL)
		return FSIM_ERR_ARG;
	if ((out->v = calloc(fsim_conform_server_ncases, sizeof(*out->v))) == NULL)
		return FSIM_ERR_NOMEM;
	out->unreachable = true;
	if (!preflight(cfg, out, nonce)) {
		out->unreachable = false;
		return 0;
	}
	for (i = 0; i < fsim_conform_server_ncases; i++) {
		const conf_case_t *k = &fsim_conform_server_cases[i];
		fsim_conform_case_t *c;
		run_t r;
		struct timespec t0, t1;

		if (cfg->only != NULL && strstr(k->family, cfg->only) == NULL)
			continue;
		c = &out->v[out->n++];
		snprintf(c->family, sizeof(c->family), "%s", k->family);
		snprintf(c->name, sizeof(c->name), "%s", k->name);
		{
			fsim_rule_id_t id;

			if (fsim_rule_find(k->rule, &id)) {
				snprintf(c->rule, sizeof(c->rule), "%s", fsim_rule(id)->id);
				snprintf(c->section, sizeof(c->section), "%s", fsim_rule(id)->section);
			}
		}
		c->positive = k->positive;
		if (k->apis != 0 && !(k->apis & (1u << cfg->api))) {
			c->skipped = true;
			snprintf(c->detail, sizeof(c->detail), "not applicable to this API");
			out->skipped++;
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.cfg = cfg;
		r.k = k;
		r.out = c;
		snprintf(r.username, sizeof(r.username), "conform-%06lx-%02zu", nonce, i);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		run_case(&r);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		c->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (r.reached)
			out->unreachable = false;
		if (c->passed)
			out->passed++;
		else
			out->failed++;
		if (cfg->progress != NULL)
			fprintf(cfg->progress, "%s  %-13s %s: %s%s%s\n", c->passed ? "pass" : "FAIL",
			    c->rule, c->family, c->name, c->passed ? "" : " -- ",
			    c->passed ? "" : c->detail);
	}
	return 0;
}

void
fsim_conform_results_free(fsim_conform_results_t *r)
{
	if (r == NULL)
		return;
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int
fsim_conform_junit(FILE *f, const fsim_conform_results_t *r, const char *suite)
{
	size_t i, j;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	fsim_xml_text(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", r->n, r->failed,
	    r->skipped);
	for (i = 0; i < r->n; i++) {
		size_t n = 0, nf = 0, ns = 0;
		double t = 0;

		/* A family's first case opens its suite. */
		for (j = 0; j < i && strcmp(r->v[j].family, r->v[i].family) != 0; j++)
			;
		if (j < i)
			continue;
		for (j = i; j < r->n; j++)
			if (strcmp(r->v[j].family, r->v[i].family) == 0) {
				n++;
				nf += !r->v[j].passed && !r->v[j].skipped;
				ns += r->v[j].skipped;
				t += r->v[j].seconds;
			}
		fprintf(f, "  <testsuite name=\"");
		fsim_xml_text(f, r->v[i].family);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		    n, nf, ns, t);
		for (j = i; j < r->n; j++) {
			const fsim_conform_case_t *c = &r->v[j];

			if (strcmp(c->family, r->v[i].family) != 0)
				continue;
			fprintf(f, "    <testcase classname=\"");
			fsim_xml_text(f, suite);
			fputc('.', f);
			fsim_xml_text(f, c->family);
			fprintf(f, "\" name=\"");
			fsim_xml_text(f, c->name);
			fprintf(f, "\" time=\"%.3f\">", c->seconds);
			if (c->skipped) {
				fprintf(f, "<skipped message=\"");
				fsim_xml_text(f, c->detail);
				fprintf(f, "\"/>");
			} else if (!c->passed) {
				char m[300];

				if (r->authenticator)
					snprintf(m, sizeof(m), "the authenticator does not do what %s "
					    "says (case %s%s%s)", c->section, c->rule, c->rules[0] ?
					    "; rules " : "", c->rules);
				else
					snprintf(m, sizeof(m), "%s (rule %s, WebAuthn L3 %s)", c->positive ?
					    "a valid response was not accepted" :
					    "a non-conforming response was not refused", c->rule, c->section);
				fprintf(f, "<failure message=\"");
				fsim_xml_text(f, m);
				fprintf(f, "\" type=\"");
				fsim_xml_text(f, c->rule);
				fprintf(f, "\">");
				fsim_xml_text(f, c->detail);
				fprintf(f, "</failure>");
			} else {
				fprintf(f, "<system-out>");
				fsim_xml_text(f, c->detail);
				fprintf(f, "</system-out>");
			}
			fprintf(f, "</testcase>\n");
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	return ferror(f) ? FSIM_ERR_IO : 0;
}

void
fsim_conform_summary(FILE *f, const fsim_conform_results_t *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++)
		if (!r->v[i].passed && !r->v[i].skipped && r->authenticator)
			/* The name starts with the case ID. */
			fprintf(f, "FAIL  %s (%s; %s%s%s)\n      %s\n", r->v[i].name, r->v[i].family,
			    r->v[i].section, r->v[i].rules[0] ? "; rules " : "", r->v[i].rules,
			    r->v[i].detail);
		else if (!r->v[i].passed && !r->v[i].skipped)
			fprintf(f, "FAIL  %s %s: %s (%s case; rule %s, WebAuthn L3 %s)\n      %s\n",
			    r->v[i].rule, r->v[i].family, r->v[i].name,
			    r->v[i].positive ? "positive" : "negative", r->v[i].rule, r->v[i].section,
			    r->v[i].detail);
	for (i = 0; i < r->n; i++) {
		size_t n = 0, np = 0;

		for (j = 0; j < i && strcmp(r->v[j].family, r->v[i].family) != 0; j++)
			;
		if (j < i)
			continue;
		for (j = i; j < r->n; j++)
			if (strcmp(r->v[j].family, r->v[i].family) == 0 && !r->v[j].skipped) {
				n++;
				np += r->v[j].passed;
			}
		fprintf(f, "  %-44s %zu/%zu as expected\n", r->v[i].family, np, n);
	}
	fprintf(f, "%zu cases: %zu as expected, %zu not, %zu skipped\n", r->n, r->passed,
	    r->failed, r->skipped);
}
