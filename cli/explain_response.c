/*
 * explain_response.c — `fidosim explain --response FILE`: paste and judge a
 * response captured anywhere (a browser, webauthn.io, a device). It is judged
 * as captured under every RP policy preset (as verify-* would, with the same
 * options and a vector's own settings), and each platform profile says what
 * it would have delivered to the relying party instead, or why it would have
 * refused, with the verdict of the spec RP on what it delivered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/explain.h"
#include "cli/verify.h"
#include "platform/captured.h"
#include "platform/profile.h"
#include "rp-sim/policy_preset.h"

#define CMD "explain"
#define MAX_ARGS 256
#define MAX_NAMED 32

struct xr {
	const char *response;                 /* --response FILE|- */
	const char *conveyance;               /* --rp-attestation (platforms); default none */
	const char *platforms[MAX_NAMED];     /* --platform (default: every shipped profile) */
	size_t n_platforms;
	const fsim_rp_preset_t *presets[MAX_NAMED];
	size_t n_presets;
	bool json;
	char *argv[MAX_ARGS];                 /* what goes on to the verifier */
	int argc;
	json_t *captured;                     /* the response (vectors unwrapped) */
	bool auth;
};

/* The response from FILE, unwrapped from a vector. A new reference, or NULL after a message. */
static json_t *
read_response(const char *path)
{
	fsim_blob_t in = { 0 };
	json_error_t jerr;
	json_t *root, *inner;

	if (fsim_read_file(path, 16u << 20, &in) != 0) {
		fsim_cli_usage_error(CMD, "--response: cannot read %s", path);
		return NULL;
	}
	root = json_loadb((const char *)in.ptr, in.len, 0, &jerr);
	fsim_blob_reset(&in);
	if (root == NULL) {
		fsim_cli_usage_error(CMD, "--response: %s is not JSON (line %d: %s)", path,
		    jerr.line, jerr.text);
		return NULL;
	}
	inner = json_object_get(root, "response");
	if (json_is_object(inner) && json_is_object(json_object_get(inner, "response"))) {
		json_incref(inner);
		json_decref(root);
		root = inner;
	}
	return root;
}

static int
parse(struct xr *x, int argc, char **argv)
{
	int i;

	x->argv[x->argc++] = argv[0];
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--json") == 0) {
			x->json = true;
			continue;
		}
		if (strcmp(a, "--response") == 0 || strcmp(a, "--rp-attestation") == 0 ||
		    strcmp(a, "--platform") == 0 || strcmp(a, "--policy-preset") == 0) {
			if (v == NULL || v[0] == '\0')
				return fsim_cli_usage_error(CMD, "%s needs a value", a);
			i++;
			if (strcmp(a, "--response") == 0)
				x->response = v;
			else if (strcmp(a, "--rp-attestation") == 0)
				x->conveyance = v;
			else if (strcmp(a, "--platform") == 0) {
				if (x->n_platforms == MAX_NAMED)
					return fsim_cli_usage_error(CMD, "too many --platform");
				x->platforms[x->n_platforms++] = v;
			} else {
				const fsim_rp_preset_t *ps = fsim_rp_preset_find(v);

				if (ps == NULL)
					return fsim_cli_usage_error(CMD, "--policy-preset %s: no such "
					    "preset (see 'fidosim policies')", v);
				if (x->n_presets == MAX_NAMED)
					return fsim_cli_usage_error(CMD, "too many --policy-preset");
				x->presets[x->n_presets++] = ps;
			}
			continue;
		}
		/* everything else is the verifier's: --rp-id, --challenge, --credential, ... */
		if (x->argc >= MAX_ARGS - 2)
			return fsim_cli_usage_error(CMD, "too many arguments");
		x->argv[x->argc++] = argv[i];
	}
	if (x->response == NULL)
		return fsim_cli_usage_error(CMD, "--response FILE is missing");
	x->argv[x->argc++] = (char *)x->response;
	x->argv[x->argc] = NULL;
	return 0;
}

/* Has the verifier been told the RP ID or the challenge, or is the file a vector? */
static bool
settings_known(const struct xr *x)
{
	fsim_blob_t in = { 0 };
	json_t *root;
	bool vector = false;
	int i;

	for (i = 1; i < x->argc; i++)
		if (strcmp(x->argv[i], "--challenge") == 0)
			return true;
	if (fsim_read_file(x->response, 16u << 20, &in) == 0 &&
	    (root = json_loadb((const char *)in.ptr, in.len, 0, NULL)) != NULL) {
		vector = json_is_string(json_object_get(root, "challenge"));
		json_decref(root);
	}
	fsim_blob_reset(&in);
	return vector;
}

/* The errors of a verify --json model as "RULE, RULE". */
static void
rules_of(const json_t *model, const char *key, char *buf, size_t cap)
{
	const json_t *e;
	size_t i;

	buf[0] = '\0';
	json_array_foreach(json_object_get(model, key), i, e)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? ", " : "",
		    json_string_value(json_object_get(e, "rule")));
}

/* One line of the captured or delivered response: fmt, AAGUID and name, flags. */
static void
describe(const json_t *model, char *buf, size_t cap)
{
	const json_t *ad = json_object_get(model, "authenticatorData");
	const json_t *fl = json_object_get(ad, "flags");
	const json_t *au = json_object_get(model, "authenticator");
	const char *fmt = json_string_value(json_object_get(json_object_get(model,
	    "attestation"), "fmt"));
	const char *aaguid = json_string_value(json_object_get(au, "aaguid"));
	const char *name = json_string_value(json_object_get(au, "name"));
	const char *wio = json_string_value(json_object_get(json_object_get(model, "webauthnIo"),
	    "providerName"));
	size_t n = 0;

	buf[0] = '\0';
#define ADD(...) do { if (n < cap) n += (size_t)snprintf(buf + n, cap - n, __VA_ARGS__); } while (0)
	if (fmt != NULL)
		ADD("fmt %s, ", fmt);
	if (aaguid != NULL)
		ADD("AAGUID %s (%s%s%s), ", aaguid, name != NULL ? name : "no name in the AAGUID list",
		    wio != NULL ? "; webauthn.io shows " : "", wio != NULL ? wio : "");
	ADD("flags%s%s%s%s, signCount %lld",
	    json_is_true(json_object_get(fl, "up")) ? " UP" : "",
	    json_is_true(json_object_get(fl, "uv")) ? " UV" : "",
	    json_is_true(json_object_get(fl, "be")) ? " BE" : "",
	    json_is_true(json_object_get(fl, "bs")) ? " BS" : "",
	    (long long)json_integer_value(json_object_get(ad, "signCount")));
#undef ADD
}

static json_t *
verdict_json(const fsim_rp_preset_t *ps, const json_t *model)
{
	return json_pack("{s:s, s:b, s:O, s:O}", "policy", ps->name, "verified",
	    json_is_true(json_object_get(model, "verified")), "errors",
	    json_object_get(model, "errors"), "warnings", json_object_get(model, "warnings"));
}

static void
print_verdict(const char *who, const json_t *model)
{
	char rules[256];
	const json_t *e;
	size_t i;

	rules_of(model, "errors", rules, sizeof(rules));
	printf("  %-24s %s%s%s%s\n", who, json_is_true(json_object_get(model, "verified")) ?
	    "verified" : "NOT verified", rules[0] ? "  [" : "", rules, rules[0] ? "]" : "");
	json_array_foreach(json_object_get(model, "errors"), i, e) {
		const char *lib = json_string_value(json_object_get(e, "libraryError"));

		printf("  %-24s   %s (%s): %s\n", "", json_string_value(json_object_get(e, "rule")),
		    json_string_value(json_object_get(e, "section")),
		    json_string_value(json_object_get(e, "message")));
		if (lib != NULL)
			printf("  %-24s   library says: \"%s\"\n", "", lib);
	}
}

/* The shipped profiles, or those named. */
static int
platform_names(struct xr *x, char ***names, size_t *n)
{
	size_t i;

	if (x->n_platforms == 0)
		return fsim_platform_names(names, n) == 0 ? 0 :
		    fsim_cli_usage_error(CMD, "the platforms folder is not found; set "
		    "FIDOSIM_DATA_DIR");
	if ((*names = calloc(x->n_platforms, sizeof(char *))) == NULL)
		return fsim_cli_usage_error(CMD, "out of memory");
	for (i = 0; i < x->n_platforms; i++)
		if (((*names)[i] = strdup(x->platforms[i])) == NULL)
			return fsim_cli_usage_error(CMD, "out of memory");
	*n = x->n_platforms;
	return 0;
}

/* One platform: delivered or refused, its effects, and the spec RP on what it delivered. */
static int
one_platform(struct xr *x, const char *name, json_t *out_arr)
{
	fsim_platform_t *p = NULL;
	fsim_platform_effects_t eff;
	fsim_client_error_t err;
	json_t *delivered = NULL, *model = NULL, *j = NULL, *effects;
	char line[400];
	size_t i;
	int r, e;

	memset(&eff, 0, sizeof(eff));
	memset(&err, 0, sizeof(err));
	if ((r = fsim_cli_load_platform(CMD, name, NULL, 0, &p)) != 0)
		return r;
	e = x->auth ? fsim_client_mediate_captured_assertion(p, x->captured, &eff, &delivered,
	    &err) : fsim_client_mediate_captured_registration(p, x->captured, x->conveyance,
	    &eff, &delivered, &err);
	r = FSIM_EXIT_USAGE;
	if ((effects = json_array()) == NULL ||
	    (j = json_pack("{s:s}", "platform", p->name)) == NULL)
		goto out;
	for (i = 0; i < eff.n; i++)
		json_array_append_new(effects, json_pack("{s:s, s:s}", "rule", eff.v[i].rule,
		    "what", eff.v[i].what));
	json_object_set_new(j, "effects", effects);
	effects = NULL;
	if (e == FSIM_ERR_FORMAT) {
		json_object_set_new(j, "delivered", json_false());
		json_object_set_new(j, "unreadable", json_string("the response does not parse "
		    "far enough for a platform to handle it (see the verdicts)"));
	} else if (e != FSIM_OK) {
		json_object_set_new(j, "delivered", json_false());
		json_object_set_new(j, "refusal", json_pack("{s:s, s:s, s:s?}", "name",
		    err.name ? err.name : "Error", "message", err.message, "rule",
		    err.rule[0] ? err.rule : NULL));
	} else {
		if ((r = fsim_cli_verify_judge(x->argc, x->argv, x->auth,
		    fsim_rp_preset_find("spec"), delivered, &model)) != 0)
			goto out;
		json_object_set_new(j, "delivered", json_true());
		json_object_set_new(j, "response", json_incref(delivered));
		json_object_set_new(j, "spec", verdict_json(fsim_rp_preset_find("spec"), model));
		json_object_set_new(j, "authenticator", json_incref(json_object_get(model,
		    "authenticator")));
		json_object_set_new(j, "fmt", json_incref(json_object_get(json_object_get(model,
		    "attestation"), "fmt")));
	}
	if (!x->json) {
		if (e == FSIM_ERR_FORMAT)
			printf("  %-24s cannot handle it: the response does not parse\n", p->name);
		else if (e != FSIM_OK)
			printf("  %-24s refused: %s: %s\n", p->name, err.name ? err.name : "Error",
			    err.message);
		else {
			describe(model, line, sizeof(line));
			printf("  %-24s delivers %s\n", p->name, line);
			print_verdict("  then the spec RP:", model);
		}
		for (i = 0; i < eff.n; i++)
			if (strncmp(eff.v[i].what, "refused:", 8) != 0)
				printf("  %-24s   <- platform rule %s: %s\n", "", eff.v[i].rule,
				    eff.v[i].what);
	}
	json_array_append_new(out_arr, j);
	j = NULL;
	r = 0;
out:
	json_decref(effects);
	json_decref(j);
	json_decref(model);
	json_decref(delivered);
	fsim_platform_free(&p);
	return r;
}

int
fsim_explain_response(int argc, char **argv)
{
	struct xr x;
	json_t *out = NULL, *verdicts = NULL, *plats = NULL, *model = NULL;
	char **names = NULL, line[400];
	size_t i, n_names = 0;
	int r;

	memset(&x, 0, sizeof(x));
	if ((r = parse(&x, argc, argv)) != 0)
		return r;
	if ((x.captured = read_response(x.response)) == NULL)
		return FSIM_EXIT_USAGE;
	x.auth = fsim_response_kind(x.captured) == FSIM_CEREMONY_AUTHENTICATION;
	if (!settings_known(&x)) {
		/* a capture with no challenge known: judge it by its own clientDataJSON */
		x.argv[x.argc] = x.argv[x.argc - 1];
		x.argv[x.argc - 1] = (char *)"--from-client-data";
		x.argv[++x.argc] = NULL;
	}
	if (x.n_presets == 0)
		for (i = 0; i < fsim_rp_preset_count() && i < MAX_NAMED; i++)
			x.presets[x.n_presets++] = fsim_rp_preset_at(i);
	r = FSIM_EXIT_USAGE;
	if ((out = json_object()) == NULL || (verdicts = json_array()) == NULL ||
	    (plats = json_array()) == NULL)
		goto out;
	/* As captured, under every policy preset. */
	for (i = 0; i < x.n_presets; i++) {
		if ((r = fsim_cli_verify_judge(x.argc, x.argv, x.auth, x.presets[i], NULL,
		    &model)) != 0)
			goto out;
		if (i == 0) {
			json_object_set_new(out, "ceremony", json_string(x.auth ? "authentication" :
			    "registration"));
			json_object_set_new(out, "captured", json_pack("{s:O, s:O, s:O}",
			    "authenticatorData", json_object_get(model, "authenticatorData"),
			    "attestation", json_object_get(model, "attestation") ?
			    json_object_get(model, "attestation") : json_null(),
			    "authenticator", json_object_get(model, "authenticator") ?
			    json_object_get(model, "authenticator") : json_null()));
			if (!x.json) {
				describe(model, line, sizeof(line));
				printf("fidosim explain --response %s: %s\n  as captured: %s\n",
				    x.response, x.auth ? "an authentication" : "a registration", line);
				printf("\nrelying party, by policy preset (the response as captured):\n");
			}
		}
		json_array_append_new(verdicts, verdict_json(x.presets[i], model));
		if (!x.json)
			print_verdict(x.presets[i]->name, model);
		json_decref(model);
		model = NULL;
	}
	json_object_set_new(out, "verdicts", verdicts);
	verdicts = NULL;
	/* What each platform would have delivered instead. */
	if ((r = platform_names(&x, &names, &n_names)) != 0)
		goto out;
	if (!x.json)
		printf("\nplatforms (what each would have delivered%s%s%s):\n", x.auth ? "" :
		    "; the RP asked attestation \"", x.auth ? "" : x.conveyance ? x.conveyance :
		    "none", x.auth ? "" : "\"");
	for (i = 0; i < n_names; i++)
		if ((r = one_platform(&x, names[i], plats)) != 0)
			goto out;
	json_object_set_new(out, "conveyance", json_string(x.conveyance ? x.conveyance : "none"));
	json_object_set_new(out, "platforms", plats);
	plats = NULL;
	if (x.json) {
		json_dumpf(out, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	}
	r = FSIM_EXIT_OK;
out:
	if (names != NULL)
		fsim_platform_names_free(names, n_names);
	json_decref(model);
	json_decref(verdicts);
	json_decref(plats);
	json_decref(out);
	json_decref(x.captured);
	return r;
}
