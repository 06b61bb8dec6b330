/*
 * verify_input.c — what verify-registration and verify-authentication read
 * besides their options: the RESPONSE file (a bare response or a test-vector
 * file around one), the settings a vector or the response's own
 * clientDataJSON supplies, the trust anchors, the credential record, and the
 * updated record written back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/verify_int.h"
#include "platform/client.h"
#include "rp-sim/rp.h"

/*
 * --from-client-data: what the response's own clientDataJSON claims (the
 * challenge, the origin, and the origin's host as RP ID) for what neither the
 * options nor a vector said. For looking at a captured response only: the
 * challenge and origin checks then prove nothing, and the note says so.
 */
static int
settings_from_client_data(struct opts *o)
{
	const json_t *resp = o->replace != NULL ? o->replace : o->resp, *cdj;
	fsim_clientdata_t *cd = NULL;
	fsim_blob_t raw = { 0 };
	const char *host, *end;
	int r = 0;

	cdj = json_object_get(json_object_get(resp, "response"), "clientDataJSON");
	if (!json_is_string(cdj) || fsim_b64url_decode(json_string_value(cdj),
	    json_string_length(cdj), &raw, NULL, NULL) != 0 ||
	    fsim_clientdata_parse(raw.ptr, raw.len, &cd, NULL) != 0 ||
	    cd->challenge == NULL || cd->origin == NULL) {
		r = fsim_cli_usage_error(o->cmd, "--from-client-data: the response's "
		    "clientDataJSON does not parse, or has no challenge or origin");
		goto out;
	}
	if ((o->cd_strings = json_pack("[s, s]", cd->challenge, cd->origin)) == NULL) {
		r = fsim_cli_usage_error(o->cmd, "out of memory");
		goto out;
	}
	if (o->challenge_s == NULL)
		o->challenge_s = json_string_value(json_array_get(o->cd_strings, 0));
	if (o->n_origins == 0)
		o->origins[o->n_origins++] = json_string_value(json_array_get(o->cd_strings, 1));
	if (o->rp_id == NULL && (host = strstr(cd->origin, "://")) != NULL) {
		host += 3;
		end = host + strcspn(host, ":/?#");
		if (end > host && (size_t)(end - host) < sizeof(o->cd_rp_id)) {
			memcpy(o->cd_rp_id, host, (size_t)(end - host));
			o->cd_rp_id[end - host] = '\0';
			o->rp_id = o->cd_rp_id;
		}
	}
	if (!o->quiet && !o->json)
		fprintf(stderr, "fidosim %s: challenge, origin and RP ID taken from the "
		    "response's own clientDataJSON (--from-client-data): those checks prove "
		    "nothing here\n", o->cmd);
out:
	fsim_clientdata_free(&cd);
	fsim_blob_reset(&raw);
	return r;
}

/*
 * What the options did not say, from the test-vector file RESPONSE came in
 * (vectors/README.md: rpId, origin, extraOrigins, challenge, uv, at, algs,
 * allowCrossOrigin, topOrigin, trustAnchors (added in load_anchors),
 * requireTrustedAttestation, credential). Then what stays missing is a usage
 * error naming the option. Returns 0, or an exit code.
 */
int
fsim_verify_settings_from_vector(struct opts *o, fsim_rp_policy_t *p, bool auth)
{
	const json_t *v = o->vector, *x;
	const char *cmd = o->cmd;
	size_t i;
	int r;

#define NOTE(what) do { if (o->n_from_vector < sizeof(o->from_vector) / sizeof(o->from_vector[0])) \
	o->from_vector[o->n_from_vector++] = (what); } while (0)
	if (v != NULL) {
		if (o->rp_id == NULL && (o->rp_id = json_string_value(json_object_get(v, "rpId"))) != NULL)
			NOTE("rpId");
		if (o->challenge_s == NULL &&
		    (o->challenge_s = json_string_value(json_object_get(v, "challenge"))) != NULL)
			NOTE("challenge");
		if (o->n_origins == 0 && json_is_string(x = json_object_get(v, "origin"))) {
			o->origins[o->n_origins++] = json_string_value(x);
			json_array_foreach(json_object_get(v, "extraOrigins"), i, x)
				if (json_is_string(x) && (r = fsim_verify_push(cmd, "origins", o->origins,
				    &o->n_origins, json_string_value(x))) != 0)
					return r;
			NOTE("origin");
		}
		if (!o->uv_given && json_is_string(x = json_object_get(v, "uv")) &&
		    fsim_uv_req_from_name(json_string_value(x), &p->uv))
			NOTE("uv");
		if (!auth && !o->at_given && json_is_integer(x = json_object_get(v, "at")) &&
		    json_integer_value(x) >= 0) {
			p->at = (time_t)json_integer_value(x);
			NOTE("at");
		}
		if (!auth && !o->have_algs && json_is_array(x = json_object_get(v, "algs")) &&
		    json_array_size(x) > 0) {
			const json_t *a;
			json_array_foreach(x, i, a) {
				if (!json_is_integer(a) || o->n_algs == MAX_LIST)
					return fsim_cli_usage_error(cmd, "the vector's algs is not a "
					    "list of COSE algorithm numbers");
				o->algs[o->n_algs++] = (int64_t)json_integer_value(a);
			}
			o->have_algs = true;
			NOTE("algs");
		}
		if (json_is_true(json_object_get(v, "allowCrossOrigin")) && !p->allow_cross_origin) {
			p->allow_cross_origin = true;
			NOTE("allowCrossOrigin");
		}
		x = json_object_get(v, "topOrigin");
		if (o->n_top == 0 && (json_is_string(x) || json_is_array(x))) {
			const json_t *t;
			if (json_is_string(x))
				o->top_origins[o->n_top++] = json_string_value(x);
			else
				json_array_foreach(x, i, t)
					if (json_is_string(t) && (r = fsim_verify_push(cmd, "topOrigin",
					    o->top_origins, &o->n_top, json_string_value(t))) != 0)
						return r;
			NOTE("topOrigin");
		}
		if (!auth && json_is_true(json_object_get(v, "requireTrustedAttestation"))) {
			p->untrusted_attestation = FSIM_POL_ERROR;
			NOTE("requireTrustedAttestation");
		}
		if (auth && o->credential == NULL && json_is_object(json_object_get(v, "credential")))
			NOTE("credential");
	}
	if (o->from_client_data && (o->rp_id == NULL || o->challenge_s == NULL ||
	    o->n_origins == 0) && (r = settings_from_client_data(o)) != 0)
		return r;
#undef NOTE
	if (o->rp_id == NULL)
		return fsim_cli_usage_error(cmd, "--rp-id is required (RESPONSE is not a test "
		    "vector that holds rpId)");
	if (o->challenge_s == NULL)
		return fsim_cli_usage_error(cmd, "--challenge is required (RESPONSE is not a "
		    "test vector that holds challenge)");
	if (auth && o->credential == NULL && (v == NULL ||
	    !json_is_object(json_object_get(v, "credential"))))
		return fsim_cli_usage_error(cmd, "--credential is required (RESPONSE is not a "
		    "test vector that holds credential)");
	if (o->n_origins == 0) {
		snprintf(o->default_origin, sizeof(o->default_origin), "https://%s", o->rp_id);
		o->origins[o->n_origins++] = o->default_origin;
	}
	/* The RP ID's related origins (WebAuthn L3 5.11) are origins it expects too. */
	for (i = 0; o->related != NULL && i < o->related->n; i++)
		if ((r = fsim_verify_push(cmd, "origins (with --related-origins)", o->origins,
		    &o->n_origins, o->related->origins[i])) != 0)
			return r;
	if (o->n_from_vector > 0 && !o->json && !o->quiet) {
		fprintf(stderr, "fidosim %s: from the vector file:", cmd);
		for (i = 0; i < o->n_from_vector; i++)
			fprintf(stderr, "%s %s", i ? "," : "", o->from_vector[i]);
		fputc('\n', stderr);
	}
	return 0;
}

/* Read RESPONSE; unwrap a test-vector file (kept as o->vector). Exit code on failure. */
int
fsim_verify_load_response(struct opts *o, json_t **out)
{
	fsim_blob_t in = { 0 };
	json_error_t jerr;
	json_t *root, *inner;
	const char *path = o->input ? o->input : "-";
	int r;

	*out = NULL;
	if ((r = fsim_read_file(path, INPUT_MAX, &in)) != 0) {
		int e = errno;
		fprintf(stderr, "fidosim %s: cannot read %s: %s\n", o->cmd,
		    strcmp(path, "-") ? path : "standard input",
		    r == FSIM_ERR_ARG ? "larger than 16 MiB, the most a response may be" :
		    r == FSIM_ERR_NOMEM ? "out of memory" : strerror(e));
		return FSIM_EXIT_USAGE;
	}
	/* Duplicate keys are judged by the verifier (JSON-01); here only "is it JSON". */
	root = json_loadb((const char *)in.ptr, in.len, 0, &jerr);
	fsim_blob_reset(&in);
	if (root == NULL) {
		fprintf(stderr, "fidosim %s: RESPONSE is not JSON (line %d, column %d: %s)\n",
		    o->cmd, jerr.line, jerr.column, jerr.text);
		return FSIM_EXIT_USAGE;
	}
	inner = json_object_get(root, "response");
	if (json_is_object(inner) && json_is_object(json_object_get(inner, "response"))) {
		o->vector = root;
		root = json_incref(inner);
	}
	*out = root;
	return 0;
}

int
fsim_verify_load_anchors(const struct opts *o, fsim_trust_t **out)
{
	fsim_trust_t *t = NULL;
	fsim_diags_t d;
	char path[4200];
	size_t i;

	*out = NULL;
	if (fsim_trust_new(&t) != 0)
		return FSIM_EXIT_USAGE;
	fsim_diags_init(&d);
	/* The shipped roots (Apple, Google) so apple and android-key chains verify offline. */
	if (fsim_data_path("trust", path, sizeof(path)) == 0 &&
	    fsim_trust_add_path(t, path, &d) != 0)
		fprintf(stderr, "fidosim %s: warning: some shipped trust anchors in %s "
		    "did not load\n", o->cmd, path);
	fsim_diags_clear(&d);
	/* A vector's own roots (PEM strings), unless --trust-anchors chose others. */
	if (o->n_anchors == 0 && o->vector != NULL) {
		const json_t *pem;
		json_array_foreach(json_object_get(o->vector, "trustAnchors"), i, pem) {
			const char *txt = json_string_value(pem);
			if (txt != NULL && fsim_trust_add_pem(t, txt, strlen(txt)) != 0) {
				fprintf(stderr, "fidosim %s: the vector's trustAnchors[%zu] is not a "
				    "PEM certificate\n", o->cmd, i);
				fsim_trust_free(&t);
				return FSIM_EXIT_USAGE;
			}
		}
	}
	for (i = 0; i < o->n_anchors; i++) {
		if (fsim_trust_add_path(t, o->anchors[i], &d) != 0) {
			char line[512];
			fsim_diag_format(&d.v[0], line, sizeof(line));
			fprintf(stderr, "fidosim %s: --trust-anchors: %s\n", o->cmd, line);
			fsim_diags_clear(&d);
			fsim_trust_free(&t);
			return FSIM_EXIT_USAGE;
		}
	}
	*out = t;
	return 0;
}

int
fsim_verify_load_record(const struct opts *o, fsim_cred_record_t **out)
{
	fsim_blob_t in = { 0 };
	json_t *j;
	fsim_diags_t d;
	json_error_t jerr;
	bool from_reg = false;
	int r = FSIM_EXIT_USAGE;

	*out = NULL;
	fsim_diags_init(&d);
	if (o->credential == NULL) {
		/* fsim_verify_settings_from_vector() made sure the vector holds one */
		j = json_incref(json_object_get(o->vector, "credential"));
	} else if (o->credential[0] == '{') {
		j = json_loads(o->credential, 0, &jerr);
	} else {
		if (fsim_read_file(o->credential, INPUT_MAX, &in) != 0) {
			fprintf(stderr, "fidosim %s: cannot read --credential %s: %s\n", o->cmd,
			    o->credential, strerror(errno));
			return r;
		}
		j = json_loadb((const char *)in.ptr, in.len, 0, &jerr);
		fsim_blob_reset(&in);
	}
	if (j == NULL) {
		fprintf(stderr, "fidosim %s: --credential is not JSON (%s)\n", o->cmd, jerr.text);
		return r;
	}
	if (fsim_record_from_any(j, out, &from_reg, &d) != 0) {
		char line[512] = "it is not a credential record";
		if (d.n > 0)
			fsim_diag_format(&d.v[0], line, sizeof(line));
		fprintf(stderr, "fidosim %s: --credential: %s\n", o->cmd, line);
	} else {
		if (from_reg && !o->json)
			fprintf(stderr, "fidosim %s: --credential is a registration response: "
			    "its record is read, not verified (verify-registration does that)\n",
			    o->cmd);
		r = 0;
	}
	json_decref(j);
	fsim_diags_clear(&d);
	return r;
}

/* --update-record FILE: the updated record, written atomically. */
int
fsim_verify_write_record(const struct opts *o, const fsim_cred_record_t *rec)
{
	json_t *j = fsim_record_to_json(rec);
	char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	int r = FSIM_EXIT_USAGE;

	if (text == NULL)
		fprintf(stderr, "fidosim %s: out of memory\n", o->cmd);
	else {
		size_t n = strlen(text);
		text[n] = '\n';   /* json_dumps leaves room only for the NUL: write it as the newline */
		if (fsim_write_file_atomic(o->update_record, text, n + 1, 0644) != 0)
			fprintf(stderr, "fidosim %s: cannot write --update-record %s: %s\n",
			    o->cmd, o->update_record, strerror(errno));
		else
			r = 0;
	}
	free(text);
	json_decref(j);
	return r;
}

