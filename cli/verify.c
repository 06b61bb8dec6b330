/*
 * verify.c — `fidosim verify-registration` and `fidosim verify-authentication`:
 * the relying-party simulator on a response captured anywhere.
 *
 * Exit 0 verified; 1 not verified (including every kind of malformed content
 * inside the response); 2 usage or I/O error (unknown option, unreadable
 * file, RESPONSE not JSON at all, unusable credential record).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/describe.h"
#include "cli/mds_cli.h"
#include "cli/report.h"
#include "cli/verify.h"
#include "cli/verify_int.h"
#include "platform/client.h"
#include "rp-sim/policy_preset.h"
#include "rp-sim/rp.h"


static const char reg_usage[] =
"usage: fidosim verify-registration --rp-id ID [--origin ORIGIN]... --challenge B64URL\n"
"         [--uv required|preferred|discouraged] [--allow-cross-origin]\n"
"         [--failures-only]\n"
"         [--top-origin ORIGIN]... [--algs LIST] [--require-trusted-attestation]\n"
"         [--trust-anchors DIR|FILE]... [--at UNIX_TIME] [--enterprise]\n"
"         [--conveyance none|indirect|direct|enterprise] [--extensions LIST]\n"
"         [--mediation conditional] [--related-origins FILE]\n"
"         [--policy-preset NAME] [--policy KEY=VALUE]... [--mds BLOB [--mds-root PEM]...]\n"
"         [--json] [RESPONSE|-]\n"
"\n"
"Verify a RegistrationResponseJSON (as PublicKeyCredential.toJSON() gives it)\n"
"rule by rule, as WebAuthn Level 3 section 7.1 says, and report every failed\n"
"rule with its ID and spec section. Reads standard input when RESPONSE is\n"
"absent or '-'. A test-vector file holding {\"response\": {...}} is accepted, and\n"
"its rpId, origin, extraOrigins, challenge, uv, at, algs, allowCrossOrigin,\n"
"topOrigin, trustAnchors and requireTrustedAttestation stand in for the options\n"
"not given (an option given always wins).\n"
"\n"
"options:\n"
"  --rp-id ID                 the RP ID; authData.rpIdHash must be SHA-256(ID)\n"
"  --origin ORIGIN            an expected origin, exact match (repeatable;\n"
"                             default https://ID)\n"
"  --challenge B64URL         the challenge the RP issued (base64url)\n"
"  --uv VALUE                 userVerification the RP asked for (default preferred;\n"
"                             required makes a missing UV flag an error)\n"
"  --allow-cross-origin       accept crossOrigin: true (a cross-origin iframe)\n"
"  --top-origin ORIGIN        an allowed topOrigin (repeatable; implies\n"
"                             --allow-cross-origin)\n"
"  --algs LIST                the pubKeyCredParams offered, e.g. es256,eddsa,rs256\n"
"                             or -7,-8,-257; mldsa44,mldsa65,mldsa87 or -48,-49,-50\n"
"                             for ML-DSA (default: every supported alg)\n"
"  --trust-anchors PATH       PEM file or folder of attestation roots (repeatable);\n"
"                             the shipped roots (data/trust) are always loaded\n"
"  --require-trusted-attestation  an attestation that chains to no anchor fails\n"
"                             (default: accepted with a warning)\n"
"  --at UNIX_TIME             check certificate validity at this time (default now)\n"
"  --enterprise               enterprise attestation was requested\n"
"  --conveyance CONVEYANCE    the attestation conveyance the RP asked for (default\n"
"                             none); only the python-fido2 preset depends on it\n"
"                             (--attestation CONVEYANCE still works, deprecated)\n"
"  --extensions LIST          extension identifiers the options requested, e.g.\n"
"                             credProtect,hmac-secret (for unsolicited-ext)\n"
"  --mediation conditional    the RP asked for a conditional create: UP=0 passes\n"
"                             REG-12 (WebAuthn L3 7.1 step 15; reported as info),\n"
"                             unless the policy says reg-up-conditional=always\n"
"  --related-origins FILE     the RP ID's /.well-known/webauthn: its origins are\n"
"                             expected origins too (WebAuthn L3 5.11)\n"
"  --policy-preset NAME|FILE  judge as this RP library does (default spec); see\n"
"                             'fidosim policies'. Applied first: every --policy\n"
"                             and --require-trusted-attestation overrides it,\n"
"                             wherever it stands on the command line\n"
"  --policy KEY=VALUE         set one decision (repeatable): a knob, e.g.\n"
"                             untrusted-attestation=error, cred-id-max=65535,\n"
"                             sig-algs=-7,-8 (all knobs: fidosim policies --help),\n"
"                             or an option of the preset's library by the name the\n"
"                             library gives it, e.g. requireUserVerification=false\n"
"                             (its options: fidosim policies NAME)\n"
"  --json                     one JSON object on stdout; with a library text known\n"
"                             for a failed rule, the entry has \"libraryError\"\n"
"  --from-client-data         take what --rp-id, --origin and --challenge (and the\n"
"                             vector) do not say from the response's own\n"
"                             clientDataJSON, to look at a captured response\n"
"                             whose challenge is unknown (those checks then prove\n"
"                             nothing)\n"
"  --failures-only            print only the verdict, failures and warnings (they\n"
"                             always come first); colours only on a terminal\n"
"                             without NO_COLOR\n"
FSIM_CLI_MDS_USAGE
"                             (the BLOB's chain is checked --at too)\n"
"\n"
"exit status: 0 verified; 1 not verified or malformed response; 2 usage or I/O error.\n";

static const char auth_usage[] =
"usage: fidosim verify-authentication --rp-id ID [--origin ORIGIN]... --challenge B64URL\n"
"         --credential RECORD [--uv required|preferred|discouraged] [--appid URL]\n"
"         [--allow-cross-origin] [--top-origin ORIGIN]... [--extensions LIST]\n"
"         [--update-record FILE] [--failures-only] [--at UNIX_TIME] [--related-origins FILE]\n"
"         [--policy-preset NAME] [--policy KEY=VALUE]... [--mds BLOB [--mds-root PEM]...]\n"
"         [--json] [RESPONSE|-]\n"
"\n"
"Verify an AuthenticationResponseJSON against a stored credential record, rule\n"
"by rule, as WebAuthn Level 3 section 7.2 says. On success the updated record\n"
"(new signCount and backupState) is part of the output. A test-vector file's\n"
"rpId, origin, challenge, uv and credential stand in for options not given.\n"
"\n"
"options:\n"
"  --credential RECORD        the credential record: a file, or inline JSON\n"
"                             {\"type\":\"public-key\",\"id\":..,\"publicKey\":<COSE_Key>,\n"
"                             \"signCount\":0,\"uvInitialized\":..,\"backupEligible\":..,\n"
"                             \"backupState\":..}; or what verify-registration --json\n"
"                             printed (its credentialRecord); or the registration\n"
"                             response itself (RegistrationResponseJSON, or a vector\n"
"                             holding one), whose record is read, not verified\n"
"  --update-record FILE       when verified, write the updated record to FILE\n"
"                             (atomically; FILE may be the --credential file)\n"
"  --appid URL                the AppID the RP sent in extensions.appid (WebAuthn\n"
"                             L3 10.1.1, FIDO U2F credentials): when the client\n"
"                             output appid is true, rpIdHash must be SHA-256 of\n"
"                             URL instead of the RP ID (EXT-APPID-01)\n"
"  --rp-id, --origin, --challenge, --uv, --allow-cross-origin, --top-origin,\n"
"  --extensions, --policy-preset, --json, --failures-only,\n"
"  --related-origins: as for verify-registration\n"
"  --policy KEY=VALUE         a knob, e.g. counter=error|warn|ignore (default error:\n"
"                             a signCount that does not increase while either value\n"
"                             is non-zero), be-change=allow-upgrade, at-in-assertion=\n"
"                             ignore (fidosim policies --help lists them), or an\n"
"                             option of the preset's library (fidosim policies NAME)\n"
"  --at UNIX_TIME             the verification time (default now): which metadata\n"
"                             status reports are in effect, the BLOB's chain\n"
FSIM_CLI_MDS_USAGE
"                             (the statuses of the record's authenticator, from its\n"
"                             attestationObject, as the policy's library checks them)\n"
"\n"
"exit status: 0 verified; 1 not verified or malformed response; 2 usage or I/O error.\n";

/* --policy KEY=VALUE: a knob, or an option of the preset's library by its own name. */
static int
parse_policy_kv(const char *cmd, const char *kv, struct opts *o, fsim_rp_policy_t *p)
{
	const char *eq = strchr(kv, '=');
	char key[64], err[400];

	if (eq == NULL || (size_t)(eq - kv) >= sizeof(key) || eq == kv)
		return fsim_cli_usage_error(cmd, "--policy wants KEY=VALUE, got '%s'", kv);
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	if (fsim_rp_policy_setting(p->preset, p, &o->store, key, eq + 1, err,
	    sizeof(err)) != 0)
		return fsim_cli_usage_error(cmd, "%s", err);
	return 0;
}

static int
parse_algs(const char *cmd, const char *list, struct opts *o)
{
	char buf[256], *tok, *save = NULL;
	int alg;

	if (strlen(list) >= sizeof(buf))
		return fsim_cli_usage_error(cmd, "--algs list too long");
	strcpy(buf, list);
	o->have_algs = true;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long v = strtol(tok, &end, 10);

		if (*end == '\0' && end != tok)
			alg = (int)v;
		else if ((alg = fsim_cose_alg_from_name(tok)) == 0)
			return fsim_cli_usage_error(cmd, "unknown algorithm '%s' in --algs", tok);
		if (o->n_algs == MAX_LIST)
			return fsim_cli_usage_error(cmd, "too many --algs");
		o->algs[o->n_algs++] = alg;
	}
	return 0;
}

int
fsim_verify_push(const char *cmd, const char *what, const char **v, size_t *n, const char *s)
{
	if (*n == MAX_LIST)
		return fsim_cli_usage_error(cmd, "too many %s", what);
	v[(*n)++] = s;
	return 0;
}

/* --extensions a,b,c: the extension identifiers the options requested. */
static int
parse_exts(const char *cmd, const char *list, struct opts *o)
{
	char *tok, *save = NULL;

	if (strlen(list) >= sizeof(o->ext_buf))
		return fsim_cli_usage_error(cmd, "--extensions list too long");
	if (o->n_exts > 0)
		return fsim_cli_usage_error(cmd, "--extensions given twice; list them once");
	strcpy(o->ext_buf, list);
	for (tok = strtok_r(o->ext_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->n_exts == MAX_LIST)
			return fsim_cli_usage_error(cmd, "too many --extensions");
		o->exts[o->n_exts++] = tok;
	}
	return 0;
}

/*
 * --policy-preset is applied before every other option, wherever it stands,
 * so --policy and --require-trusted-attestation always override it.
 */
static int
apply_preset(int argc, char **argv, const struct opts *o, fsim_rp_policy_t *p)
{
	const fsim_rp_preset_t *ps = fsim_rp_preset_at(0);
	const char *cmd = o->cmd;
	char err[600];
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--policy-preset") != 0)
			continue;
		if (a + 1 >= argc)
			return fsim_cli_usage_error(cmd, "--policy-preset needs a value");
		if ((ps = fsim_rp_preset_get(argv[a + 1], err, sizeof(err))) == NULL)
			return fsim_cli_usage_error(cmd, "--policy-preset: %s", err);
		a++;
	}
	fsim_rp_preset_apply(o->force_preset != NULL ? o->force_preset : ps, p);
	return 0;
}

/* Parse the options both commands share. Returns 0, or an exit code. */
static int
parse_args(int argc, char **argv, struct opts *o, fsim_rp_policy_t *p, bool auth)
{
	int i;
	const char *cmd = o->cmd;

	for (i = 1; i < argc; i++)
		if (fsim_cli_is_help(argv[i])) {
			fputs(auth ? auth_usage : reg_usage, stdout);
			return -1;
		}
	if ((i = apply_preset(argc, argv, o, p)) != 0)
		return i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r = 0;

#define NEEDV() do { if (v == NULL) return fsim_cli_usage_error(cmd, "%s needs a value", a); i++; } while (0)
		if (strcmp(a, "--json") == 0)
			o->json = true;
		else if (strcmp(a, "--failures-only") == 0)
			o->failures_only = true;
		else if (strcmp(a, "--from-client-data") == 0)
			o->from_client_data = true;
		else if (auth && strcmp(a, "--update-record") == 0) { NEEDV(); o->update_record = v; }
		else if (strcmp(a, "--rp-id") == 0) { NEEDV(); o->rp_id = v; }
		else if (strcmp(a, "--origin") == 0) { NEEDV(); r = fsim_verify_push(cmd, "--origin", o->origins, &o->n_origins, v); }
		else if (strcmp(a, "--top-origin") == 0) { NEEDV(); r = fsim_verify_push(cmd, "--top-origin", o->top_origins, &o->n_top, v); }
		else if (strcmp(a, "--challenge") == 0) { NEEDV(); o->challenge_s = v; }
		else if (strcmp(a, "--allow-cross-origin") == 0)
			p->allow_cross_origin = true;
		else if (strcmp(a, "--uv") == 0) {
			NEEDV();
			if (!fsim_uv_req_from_name(v, &p->uv))
				return fsim_cli_usage_error(cmd, "--uv must be required, preferred or discouraged");
			o->uv_given = true;
		} else if (strcmp(a, "--policy") == 0) { NEEDV(); r = parse_policy_kv(cmd, v, o, p); }
		else if (strcmp(a, "--policy-preset") == 0) { NEEDV(); }   /* apply_preset() did it */
		else if (strcmp(a, "--extensions") == 0) { NEEDV(); r = parse_exts(cmd, v, o); }
		else if (strcmp(a, "--related-origins") == 0) {
			NEEDV();
			fsim_related_origins_free(&o->related);
			r = fsim_cli_load_related(cmd, v, &o->related);
		} else if (!auth && strcmp(a, "--mediation") == 0) {
			NEEDV();
			if (strcmp(v, "conditional") != 0 && strcmp(v, "optional") != 0 &&
			    strcmp(v, "required") != 0 && strcmp(v, "silent") != 0)
				return fsim_cli_usage_error(cmd, "--mediation must be conditional, "
				    "optional, required or silent, not '%s'", v);
			p->conditional = strcmp(v, "conditional") == 0;
		}
		else if (!auth && (strcmp(a, "--conveyance") == 0 || strcmp(a, "--attestation") == 0)) {
			NEEDV();
			if (!fsim_conveyance_from_name(v, &p->conveyance))
				return fsim_cli_usage_error(cmd, "%s must be none, indirect, direct or "
				    "enterprise (the RP's attestation conveyance), not '%s'", a, v);
			if (strcmp(a, "--attestation") == 0)
				fprintf(stderr, "fidosim %s: warning: --attestation is deprecated "
				    "(on create it is a statement format); use --conveyance %s\n", cmd, v);
		}
		else if (!auth && strcmp(a, "--algs") == 0) { NEEDV(); r = parse_algs(cmd, v, o); }
		else if (!auth && strcmp(a, "--trust-anchors") == 0) { NEEDV(); r = fsim_verify_push(cmd, "--trust-anchors", o->anchors, &o->n_anchors, v); }
		else if (!auth && strcmp(a, "--require-trusted-attestation") == 0)
			p->untrusted_attestation = FSIM_POL_ERROR;
		else if (!auth && strcmp(a, "--enterprise") == 0)
			p->enterprise = true;
		else if ((r = fsim_cli_mds_opt(cmd, argc, argv, &i, &o->mdso)) != 0)
			r = r == 1 ? 0 : r;
		else if (strcmp(a, "--at") == 0) {
			char *end;
			long long t;
			NEEDV();
			errno = 0;
			t = strtoll(v, &end, 10);
			if (*end != '\0' || end == v || errno != 0 || t < 0)
				return fsim_cli_usage_error(cmd, "--at wants a UNIX time in seconds, got '%s'", v);
			p->at = (time_t)t;
			o->at_given = true;
		} else if (auth && strcmp(a, "--credential") == 0) { NEEDV(); o->credential = v; }
		else if (auth && strcmp(a, "--appid") == 0) { NEEDV(); p->appid = v; }
		else if (fsim_cli_is_help(a)) {
			fputs(auth ? auth_usage : reg_usage, stdout);
			return -1;
		} else if (a[0] == '-' && a[1] != '\0')
			return fsim_cli_usage_error(cmd, "unknown option '%s'", a);
		else if (o->input != NULL)
			return fsim_cli_usage_error(cmd, "one RESPONSE at most ('%s' is extra)", a);
		else
			o->input = a;
#undef NEEDV
		if (r != 0)
			return r;
	}
	return 0;
}

/*
 * Everything up to the verdict: options, RESPONSE (or o->replace), the
 * vector's settings, the record or the trust anchors. 0 with *res set, -1
 * after --help, or an exit code after a message.
 */
static int
judge(int argc, char **argv, bool auth, struct opts *o, fsim_rp_policy_t *p,
    json_t **resp, fsim_rp_result_t **res)
{
	fsim_trust_t *trust = NULL;
	fsim_cred_record_t *rec = NULL;
	fsim_blob_t challenge = { 0 };
	int r;

	o->cmd = auth ? "verify-authentication" : "verify-registration";
	fsim_rp_policy_init(p);
	if ((r = parse_args(argc, argv, o, p, auth)) != 0)
		return r;
	if ((r = fsim_verify_load_response(o, resp)) != 0)
		return r;
	o->resp = *resp;
	if ((r = fsim_verify_settings_from_vector(o, p, auth)) != 0)
		goto out;
	r = FSIM_EXIT_USAGE;
	if (fsim_b64url_decode(o->challenge_s, strlen(o->challenge_s), &challenge, NULL, NULL) != 0) {
		fsim_cli_usage_error(o->cmd, "--challenge is not base64url");
		goto out;
	}
	p->rp_id = o->rp_id;
	p->origins = o->origins;
	p->n_origins = o->n_origins;
	/* --top-origin (and a vector's topOrigin) join those a library option named */
	if (p->n_top_origins == 0) {
		p->top_origins = o->top_origins;
		p->n_top_origins = o->n_top;
	} else {
		size_t k;
		char err[300];

		for (k = 0; k < o->n_top; k++)
			if (fsim_rp_knob_set(p, &o->store, "top-origin", o->top_origins[k], err,
			    sizeof(err)) != 0) {
				fsim_cli_usage_error(o->cmd, "--top-origin: %s", err);
				goto out;
			}
	}
	p->challenge = challenge.ptr;
	p->challenge_len = challenge.len;
	if (o->have_algs) {
		p->algs = o->algs;
		p->n_algs = o->n_algs;
	}
	p->ext_requested = o->exts;
	p->n_ext_requested = o->n_exts;
	if (auth) {
		if ((r = fsim_verify_load_record(o, &rec)) != 0)
			goto out;
	} else if ((r = fsim_verify_load_anchors(o, &trust)) != 0)
		goto out;
	p->trust = trust;
	/* anchors of the RP's own (not only the shipped vendor roots) */
	p->user_anchors = o->n_anchors > 0 || (o->vector != NULL &&
	    json_array_size(json_object_get(o->vector, "trustAnchors")) > 0);
	/* The BLOB, verified at the verification time; the report lends from its index. */
	if ((r = fsim_cli_mds_load(o->cmd, &o->mdso, p->at, &o->mds)) != 0)
		goto out;
	p->mds = o->mds;
	r = FSIM_EXIT_USAGE;
	if ((auth ? fsim_rp_verify_authentication(p, o->replace ? o->replace : *resp, rec, res) :
	    fsim_rp_verify_registration(p, o->replace ? o->replace : *resp, res)) != 0) {
		fprintf(stderr, "fidosim %s: internal error (out of memory?)\n", o->cmd);
		goto out;
	}
	r = 0;
out:
	fsim_trust_free(&trust);
	fsim_record_free(&rec);
	fsim_blob_reset(&challenge);
	return r;
}

static void
opts_reset(struct opts *o)
{
	json_decref(o->vector);
	json_decref(o->cd_strings);
	o->vector = o->cd_strings = NULL;
	fsim_rp_store_clear(&o->store);
	fsim_mds_free(&o->mds);
	fsim_related_origins_free(&o->related);
}

int
fsim_cli_verify_judge(int argc, char **argv, bool auth, const fsim_rp_preset_t *preset,
    const json_t *replace, json_t **model)
{
	struct opts o;
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	fsim_aaguid_names_t *names = NULL;
	json_t *resp = NULL;
	int r;

	*model = NULL;
	memset(&o, 0, sizeof(o));
	o.force_preset = preset;
	o.replace = replace;
	o.quiet = true;
	if ((r = judge(argc, argv, auth, &o, &p, &resp, &res)) == 0) {
		if (fsim_aaguid_names_load(NULL, &names, NULL) != 0)
			names = NULL;
		if ((*model = fsim_report_model(res, names, replace ? replace : resp)) == NULL) {
			fprintf(stderr, "fidosim %s: out of memory\n", o.cmd);
			r = FSIM_EXIT_USAGE;
		}
	}
	json_decref(resp);
	opts_reset(&o);
	fsim_rp_result_free(&res);
	fsim_aaguid_names_free(&names);
	return r < 0 ? FSIM_EXIT_USAGE : r;
}

static int
verify_main(int argc, char **argv, bool auth)
{
	struct opts o;
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	fsim_aaguid_names_t *names = NULL;
	json_t *resp = NULL;
	int r;

	memset(&o, 0, sizeof(o));
	if ((r = judge(argc, argv, auth, &o, &p, &resp, &res)) != 0) {
		r = r < 0 ? FSIM_EXIT_OK : r;
		goto out;
	}
	if (fsim_aaguid_names_load(NULL, &names, NULL) != 0)
		names = NULL;
	if (o.json)
		fsim_report_json(stdout, res, names, resp);
	else {
		fsim_report_style_t style = { o.failures_only, fsim_report_colour_for(stdout) };
		fsim_report_text(stdout, o.cmd, res, names, resp, &style);
	}
	r = res->verified ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
	if (r == FSIM_EXIT_OK && o.update_record != NULL && res->record != NULL &&
	    fsim_verify_write_record(&o, res->record) != 0)
		r = FSIM_EXIT_USAGE;
out:
	json_decref(resp);
	opts_reset(&o);
	fsim_rp_result_free(&res);
	fsim_aaguid_names_free(&names);
	return r;
}

static int
reg_run(int argc, char **argv)
{
	return verify_main(argc, argv, false);
}

static int
auth_run(int argc, char **argv)
{
	return verify_main(argc, argv, true);
}

const fsim_cmd_t fsim_cmd_verify_registration = {
	"verify-registration", reg_run,
	"check a RegistrationResponseJSON against WebAuthn L3 7.1, rule by rule",
	reg_usage,
};

const fsim_cmd_t fsim_cmd_verify_authentication = {
	"verify-authentication", auth_run,
	"check an AuthenticationResponseJSON against WebAuthn L3 7.2 and a credential record",
	auth_usage,
};
