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
#include "rp-sim/policy_preset.h"
#include "rp-sim/rp.h"

#define INPUT_MAX (16u << 20)
#define MAX_LIST 32

static const char reg_usage[] =
"usage: fidosim verify-registration --rp-id ID [--origin ORIGIN]... --challenge B64URL\n"
"         [--uv required|preferred|discouraged] [--allow-cross-origin]\n"
"         [--top-origin ORIGIN]... [--algs LIST] [--require-trusted-attestation]\n"
"         [--trust-anchors DIR|FILE]... [--at UNIX_TIME] [--enterprise]\n"
"         [--attestation none|indirect|direct|enterprise] [--extensions LIST]\n"
"         [--policy-preset NAME] [--policy KEY=VALUE]... [--mds BLOB [--mds-root PEM]...]\n"
"         [--json] [RESPONSE|-]\n"
"\n"
"Verify a RegistrationResponseJSON (as PublicKeyCredential.toJSON() gives it)\n"
"rule by rule, as WebAuthn Level 3 section 7.1 says, and report every failed\n"
"rule with its ID and spec section. Reads standard input when RESPONSE is\n"
"absent or '-'. A test-vector file holding {\"response\": {...}} is accepted.\n"
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
"                             or -7,-8,-257 (default: every supported alg)\n"
"  --trust-anchors PATH       PEM file or folder of attestation roots (repeatable);\n"
"                             the shipped roots (data/trust) are always loaded\n"
"  --require-trusted-attestation  an attestation that chains to no anchor fails\n"
"                             (default: accepted with a warning)\n"
"  --at UNIX_TIME             check certificate validity at this time (default now)\n"
"  --enterprise               enterprise attestation was requested\n"
"  --attestation CONVEYANCE   the attestation conveyance the RP asked for (default\n"
"                             none); only the python-fido2 preset depends on it\n"
"  --extensions LIST          extension identifiers the options requested, e.g.\n"
"                             credProtect,hmac-secret (for unsolicited-ext)\n"
"  --policy-preset NAME       judge as this RP library does (default spec); see\n"
"                             'fidosim policies'. Applied first: every --policy\n"
"                             and --require-trusted-attestation overrides it,\n"
"                             wherever it stands on the command line\n"
"  --policy KEY=VALUE         untrusted-attestation=error|warn|ignore,\n"
"                             unknown-fmt=error|warn|ignore, rfu-bits=error|warn|ignore,\n"
"                             bs-without-be=error|warn|ignore, uv-rule=spec|always,\n"
"                             att-chain=spec|builtin-only|never,\n"
"                             att-if-requested=yes|no, unsolicited-ext=error|warn|ignore,\n"
"                             sig-algs=all|LIST (the algs the RP can verify signatures\n"
"                             with; others fail their signature rule),\n"
"                             alg-not-offered=error|warn|ignore (REG-16),\n"
"                             cred-id-max=N (1..65535; default 1023),\n"
"                             self-alg=spec|hash-only (packed self: alg names only the\n"
"                             hash), tpm-vendors=any|ID,... (known tpmManufacturer IDs),\n"
"                             tpm-rsa-only=yes|no (an ECC pubArea fails),\n"
"                             leaf-dates=none|FMT,... (x5c[0] dated when the path is not)\n"
"  --json                     one JSON object on stdout; with a library text known\n"
"                             for a failed rule, the entry has \"libraryError\"\n"
FSIM_CLI_MDS_USAGE
"                             (the BLOB's chain is checked --at too)\n"
"\n"
"exit status: 0 verified; 1 not verified or malformed response; 2 usage or I/O error.\n";

static const char auth_usage[] =
"usage: fidosim verify-authentication --rp-id ID [--origin ORIGIN]... --challenge B64URL\n"
"         --credential RECORD [--uv required|preferred|discouraged]\n"
"         [--allow-cross-origin] [--top-origin ORIGIN]... [--extensions LIST]\n"
"         [--policy-preset NAME] [--policy KEY=VALUE]... [--at UNIX_TIME]\n"
"         [--mds BLOB [--mds-root PEM]...] [--json] [RESPONSE|-]\n"
"\n"
"Verify an AuthenticationResponseJSON against a stored credential record, rule\n"
"by rule, as WebAuthn Level 3 section 7.2 says. On success the updated record\n"
"(new signCount and backupState) is part of the output.\n"
"\n"
"options:\n"
"  --credential RECORD        the credential record: a file, or inline JSON\n"
"                             {\"type\":\"public-key\",\"id\":..,\"publicKey\":<COSE_Key>,\n"
"                             \"signCount\":0,\"uvInitialized\":..,\"backupEligible\":..,\n"
"                             \"backupState\":..}\n"
"  --rp-id, --origin, --challenge, --uv, --allow-cross-origin, --top-origin,\n"
"  --extensions, --policy-preset, --json: as for verify-registration\n"
"  --policy KEY=VALUE         counter=error|warn|ignore (default error: a signCount\n"
"                             that does not increase while either value is non-zero),\n"
"                             counter-zero=error|ok (ok: 0 after a non-zero count passes),\n"
"                             be-change=error|allow-upgrade|ignore (default error),\n"
"                             be-unknown=skip|false (a record with no backupEligible:\n"
"                             not compared, or compared as false; default skip),\n"
"                             bs-without-be=error|warn|ignore,\n"
"                             uv-rule=spec|always|sticky (sticky: UV required once\n"
"                             the record has uvInitialized, unless discouraged),\n"
"                             unsolicited-ext=error|warn|ignore,\n"
"                             rfu-bits=error|warn|ignore (default warn),\n"
"                             at-in-assertion=error|warn|ignore (AUTH-22),\n"
"                             sig-algs=all|LIST (the algs the RP can verify; the\n"
"                             record's alg otherwise fails AUTH-18), cred-id-max=N\n"
"  --at UNIX_TIME             the verification time (default now): which metadata\n"
"                             status reports are in effect, the BLOB's chain\n"
FSIM_CLI_MDS_USAGE
"                             (the statuses of the record's authenticator, from its\n"
"                             attestationObject, as the policy's library checks them)\n"
"\n"
"exit status: 0 verified; 1 not verified or malformed response; 2 usage or I/O error.\n";

struct opts {
	const char *cmd;
	bool json;
	const char *rp_id, *challenge_s, *credential, *input;
	const char *origins[MAX_LIST];
	size_t n_origins;
	const char *top_origins[MAX_LIST];
	size_t n_top;
	int64_t algs[MAX_LIST];
	size_t n_algs;
	bool have_algs;
	const char *anchors[MAX_LIST];
	size_t n_anchors;
	char default_origin[300];
	char ext_buf[512];
	const char *exts[MAX_LIST];
	size_t n_exts;
	/* storage for the list-valued --policy keys */
	int64_t sig_algs[MAX_LIST];
	char vendor_buf[512], leaf_buf[128];
	const char *vendors[MAX_LIST + 1], *leaf[MAX_LIST + 1];
	struct fsim_cli_mds_opts mdso;
};

static int
parse_pol(const char *v, fsim_pol_t *out)
{
	if (strcmp(v, "error") == 0)
		*out = FSIM_POL_ERROR;
	else if (strcmp(v, "warn") == 0 || strcmp(v, "warning") == 0)
		*out = FSIM_POL_WARN;
	else if (strcmp(v, "ignore") == 0)
		*out = FSIM_POL_IGNORE;
	else
		return -1;
	return 0;
}

/* A comma list into buf, split in place into v (NULL-terminated). -1 when it does not fit. */
static int
split_list(const char *list, char *buf, size_t blen, const char **v)
{
	char *tok, *save = NULL;
	size_t n = 0;

	if (strlen(list) >= blen)
		return -1;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == MAX_LIST)
			return -1;
		v[n++] = tok;
	}
	v[n] = NULL;
	return n > 0 ? 0 : -1;
}

/* sig-algs=all|LIST (COSE numbers or names, as --algs). */
static int
parse_sig_algs(const char *v, struct opts *o, fsim_rp_policy_t *p)
{
	char buf[256], *tok, *save = NULL, *end;
	size_t n = 0;
	long a;

	if (strcmp(v, "all") == 0) {
		p->sig_algs = NULL;
		p->n_sig_algs = 0;
		return 0;
	}
	if (strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		a = strtol(tok, &end, 10);
		if (*end != '\0' || end == tok)
			a = fsim_cose_alg_from_name(tok);
		if (a == 0 || n == MAX_LIST)
			return -1;
		o->sig_algs[n++] = a;
	}
	if (n == 0)
		return -1;
	p->sig_algs = o->sig_algs;
	p->n_sig_algs = n;
	return 0;
}

static int
parse_policy_kv(const char *cmd, const char *kv, struct opts *o, fsim_rp_policy_t *p)
{
	const char *eq = strchr(kv, '=');
	char key[40];
	size_t kl;

	if (eq == NULL || (kl = (size_t)(eq - kv)) >= sizeof(key))
		return fsim_cli_usage_error(cmd, "--policy wants KEY=VALUE, got '%s'", kv);
	memcpy(key, kv, kl);
	key[kl] = '\0';
	eq++;
	if (strcmp(key, "counter") == 0 && parse_pol(eq, &p->counter) == 0)
		return 0;
	if (strcmp(key, "untrusted-attestation") == 0 &&
	    parse_pol(eq, &p->untrusted_attestation) == 0)
		return 0;
	if (strcmp(key, "unknown-fmt") == 0 && parse_pol(eq, &p->unknown_fmt) == 0)
		return 0;
	if (strcmp(key, "rfu-bits") == 0 && parse_pol(eq, &p->rfu_bits) == 0)
		return 0;
	if (strcmp(key, "bs-without-be") == 0 && parse_pol(eq, &p->bs_without_be) == 0)
		return 0;
	if (strcmp(key, "unsolicited-ext") == 0 && parse_pol(eq, &p->unsolicited_ext) == 0)
		return 0;
	if (strcmp(key, "alg-not-offered") == 0 && parse_pol(eq, &p->alg_not_offered) == 0)
		return 0;
	if (strcmp(key, "at-in-assertion") == 0 && parse_pol(eq, &p->at_in_assertion) == 0)
		return 0;
	if (strcmp(key, "sig-algs") == 0 && parse_sig_algs(eq, o, p) == 0)
		return 0;
	if (strcmp(key, "cred-id-max") == 0) {
		char *end;
		long n = strtol(eq, &end, 10);

		if (*end != '\0' || end == eq || n < 1 || n > 65535)
			goto bad;
		p->cred_id_max = (size_t)n;
		return 0;
	}
	if (strcmp(key, "self-alg") == 0 && (strcmp(eq, "spec") == 0 ||
	    strcmp(eq, "hash-only") == 0)) {
		p->self_alg_hash_only = strcmp(eq, "hash-only") == 0;
		return 0;
	}
	if (strcmp(key, "tpm-rsa-only") == 0 && (strcmp(eq, "yes") == 0 ||
	    strcmp(eq, "no") == 0)) {
		p->tpm_rsa_only = strcmp(eq, "yes") == 0;
		return 0;
	}
	if (strcmp(key, "tpm-vendors") == 0) {
		if (strcmp(eq, "any") == 0)
			p->tpm_vendors = NULL;
		else if (split_list(eq, o->vendor_buf, sizeof(o->vendor_buf), o->vendors) == 0)
			p->tpm_vendors = o->vendors;
		else
			goto bad;
		return 0;
	}
	if (strcmp(key, "leaf-dates") == 0) {
		if (strcmp(eq, "none") == 0)
			p->leaf_dates = NULL;
		else if (split_list(eq, o->leaf_buf, sizeof(o->leaf_buf), o->leaf) == 0)
			p->leaf_dates = o->leaf;
		else
			goto bad;
		return 0;
	}
	if (strcmp(key, "counter-zero") == 0 && (strcmp(eq, "ok") == 0 ||
	    strcmp(eq, "error") == 0)) {
		p->counter_zero_ok = strcmp(eq, "ok") == 0;
		return 0;
	}
	if (strcmp(key, "be-unknown") == 0 && (strcmp(eq, "skip") == 0 ||
	    strcmp(eq, "false") == 0)) {
		p->be_unknown = strcmp(eq, "false") == 0 ? FSIM_BE_UNKNOWN_FALSE :
		    FSIM_BE_UNKNOWN_SKIP;
		return 0;
	}
	if (strcmp(key, "att-if-requested") == 0 && (strcmp(eq, "yes") == 0 ||
	    strcmp(eq, "no") == 0)) {
		p->att_if_requested = strcmp(eq, "yes") == 0;
		return 0;
	}
	if (strcmp(key, "uv-rule") == 0) {
		if (strcmp(eq, "spec") == 0)
			p->uv_rule = FSIM_UVR_SPEC;
		else if (strcmp(eq, "always") == 0)
			p->uv_rule = FSIM_UVR_ALWAYS;
		else if (strcmp(eq, "sticky") == 0)
			p->uv_rule = FSIM_UVR_STICKY;
		else
			goto bad;
		return 0;
	}
	if (strcmp(key, "att-chain") == 0) {
		if (strcmp(eq, "spec") == 0)
			p->att_chain = FSIM_CHAIN_SPEC;
		else if (strcmp(eq, "builtin-only") == 0)
			p->att_chain = FSIM_CHAIN_BUILTIN_ONLY;
		else if (strcmp(eq, "never") == 0)
			p->att_chain = FSIM_CHAIN_NEVER;
		else
			goto bad;
		return 0;
	}
	if (strcmp(key, "be-change") == 0) {
		if (strcmp(eq, "error") == 0)
			p->be_change = FSIM_BE_ERROR;
		else if (strcmp(eq, "allow-upgrade") == 0)
			p->be_change = FSIM_BE_ALLOW_UPGRADE;
		else if (strcmp(eq, "ignore") == 0)
			p->be_change = FSIM_BE_IGNORE;
		else
			goto bad;
		return 0;
	}
bad:
	return fsim_cli_usage_error(cmd, "unknown policy '%s' (keys: counter, counter-zero, "
	    "be-change, be-unknown, bs-without-be, uv-rule, untrusted-attestation, att-chain, "
	    "att-if-requested, unknown-fmt, unsolicited-ext, rfu-bits, sig-algs, "
	    "alg-not-offered, at-in-assertion, cred-id-max, self-alg, tpm-vendors, "
	    "tpm-rsa-only, leaf-dates)", kv);
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

static int
push(const char *cmd, const char *what, const char **v, size_t *n, const char *s)
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
apply_preset(int argc, char **argv, const char *cmd, fsim_rp_policy_t *p)
{
	const fsim_rp_preset_t *ps = fsim_rp_preset_at(0);
	char known[400];
	size_t i, k = 0;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--policy-preset") != 0)
			continue;
		if (a + 1 >= argc)
			return fsim_cli_usage_error(cmd, "--policy-preset needs a value");
		if ((ps = fsim_rp_preset_find(argv[a + 1])) == NULL) {
			known[0] = '\0';
			for (i = 0; i < fsim_rp_preset_count(); i++)
				k += (size_t)snprintf(known + (k < sizeof(known) ? k : sizeof(known)),
				    k < sizeof(known) ? sizeof(known) - k : 0, "%s%s",
				    i ? ", " : "", fsim_rp_preset_at(i)->name);
			return fsim_cli_usage_error(cmd, "unknown --policy-preset '%s' (known: %s)",
			    argv[a + 1], known);
		}
		a++;
	}
	fsim_rp_preset_apply(ps, p);
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
	if ((i = apply_preset(argc, argv, cmd, p)) != 0)
		return i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r = 0;

#define NEEDV() do { if (v == NULL) return fsim_cli_usage_error(cmd, "%s needs a value", a); i++; } while (0)
		if (strcmp(a, "--json") == 0)
			o->json = true;
		else if (strcmp(a, "--rp-id") == 0) { NEEDV(); o->rp_id = v; }
		else if (strcmp(a, "--origin") == 0) { NEEDV(); r = push(cmd, "--origin", o->origins, &o->n_origins, v); }
		else if (strcmp(a, "--top-origin") == 0) { NEEDV(); r = push(cmd, "--top-origin", o->top_origins, &o->n_top, v); }
		else if (strcmp(a, "--challenge") == 0) { NEEDV(); o->challenge_s = v; }
		else if (strcmp(a, "--allow-cross-origin") == 0)
			p->allow_cross_origin = true;
		else if (strcmp(a, "--uv") == 0) {
			NEEDV();
			if (!fsim_uv_req_from_name(v, &p->uv))
				return fsim_cli_usage_error(cmd, "--uv must be required, preferred or discouraged");
		} else if (strcmp(a, "--policy") == 0) { NEEDV(); r = parse_policy_kv(cmd, v, o, p); }
		else if (strcmp(a, "--policy-preset") == 0) { NEEDV(); }   /* apply_preset() did it */
		else if (strcmp(a, "--extensions") == 0) { NEEDV(); r = parse_exts(cmd, v, o); }
		else if (!auth && strcmp(a, "--attestation") == 0) {
			NEEDV();
			if (!fsim_conveyance_from_name(v, &p->conveyance))
				return fsim_cli_usage_error(cmd, "--attestation must be none, indirect, direct or enterprise");
		}
		else if (!auth && strcmp(a, "--algs") == 0) { NEEDV(); r = parse_algs(cmd, v, o); }
		else if (!auth && strcmp(a, "--trust-anchors") == 0) { NEEDV(); r = push(cmd, "--trust-anchors", o->anchors, &o->n_anchors, v); }
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
		} else if (auth && strcmp(a, "--credential") == 0) { NEEDV(); o->credential = v; }
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
	if (o->rp_id == NULL)
		return fsim_cli_usage_error(cmd, "--rp-id is required");
	if (o->challenge_s == NULL)
		return fsim_cli_usage_error(cmd, "--challenge is required");
	if (auth && o->credential == NULL)
		return fsim_cli_usage_error(cmd, "--credential is required");
	if (o->n_origins == 0) {
		snprintf(o->default_origin, sizeof(o->default_origin), "https://%s", o->rp_id);
		o->origins[o->n_origins++] = o->default_origin;
	}
	return 0;
}

/* Read RESPONSE; unwrap a test-vector file. Exit code on failure. */
static int
load_response(const struct opts *o, json_t **out)
{
	fsim_blob_t in = { 0 };
	json_error_t jerr;
	json_t *root, *inner;
	const char *path = o->input ? o->input : "-";

	*out = NULL;
	if (fsim_read_file(path, INPUT_MAX, &in) != 0) {
		fprintf(stderr, "fidosim %s: cannot read %s\n", o->cmd,
		    strcmp(path, "-") ? path : "standard input");
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
		json_incref(inner);
		json_decref(root);
		root = inner;
	}
	*out = root;
	return 0;
}

static int
load_anchors(const struct opts *o, fsim_trust_t **out)
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

static int
load_record(const struct opts *o, fsim_cred_record_t **out)
{
	fsim_blob_t in = { 0 };
	json_t *j;
	fsim_diags_t d;
	json_error_t jerr;
	int r = FSIM_EXIT_USAGE;

	*out = NULL;
	fsim_diags_init(&d);
	if (o->credential[0] == '{') {
		j = json_loads(o->credential, 0, &jerr);
	} else {
		if (fsim_read_file(o->credential, INPUT_MAX, &in) != 0) {
			fprintf(stderr, "fidosim %s: cannot read --credential %s\n", o->cmd,
			    o->credential);
			return r;
		}
		j = json_loadb((const char *)in.ptr, in.len, 0, &jerr);
		fsim_blob_reset(&in);
	}
	if (j == NULL) {
		fprintf(stderr, "fidosim %s: --credential is not JSON (%s)\n", o->cmd, jerr.text);
		return r;
	}
	/* A test-vector file carries its record as "credential". */
	if (json_is_object(json_object_get(j, "credential"))) {
		json_t *c = json_incref(json_object_get(j, "credential"));
		json_decref(j);
		j = c;
	}
	if (fsim_record_from_json(j, out, &d) != 0) {
		char line[512];
		fsim_diag_format(&d.v[0], line, sizeof(line));
		fprintf(stderr, "fidosim %s: --credential: %s\n", o->cmd, line);
	} else
		r = 0;
	json_decref(j);
	fsim_diags_clear(&d);
	return r;
}

static int
verify_main(int argc, char **argv, bool auth)
{
	struct opts o;
	fsim_rp_policy_t p;
	fsim_trust_t *trust = NULL;
	fsim_cred_record_t *rec = NULL;
	fsim_rp_result_t *res = NULL;
	fsim_aaguid_names_t *names = NULL;
	fsim_mds_t *mds = NULL;
	fsim_blob_t challenge = { 0 };
	json_t *resp = NULL;
	int r;

	memset(&o, 0, sizeof(o));
	o.cmd = auth ? "verify-authentication" : "verify-registration";
	fsim_rp_policy_init(&p);
	if ((r = parse_args(argc, argv, &o, &p, auth)) != 0) {
		r = r < 0 ? FSIM_EXIT_OK : r;
		goto out;
	}
	r = FSIM_EXIT_USAGE;
	if (fsim_b64url_decode(o.challenge_s, strlen(o.challenge_s), &challenge, NULL, NULL) != 0) {
		fsim_cli_usage_error(o.cmd, "--challenge is not base64url");
		goto out;
	}
	p.rp_id = o.rp_id;
	p.origins = o.origins;
	p.n_origins = o.n_origins;
	p.top_origins = o.top_origins;
	p.n_top_origins = o.n_top;
	p.challenge = challenge.ptr;
	p.challenge_len = challenge.len;
	if (o.have_algs) {
		p.algs = o.algs;
		p.n_algs = o.n_algs;
	}
	p.ext_requested = o.exts;
	p.n_ext_requested = o.n_exts;
	if ((r = load_response(&o, &resp)) != 0)
		goto out;
	if (auth) {
		if ((r = load_record(&o, &rec)) != 0)
			goto out;
	} else if ((r = load_anchors(&o, &trust)) != 0)
		goto out;
	p.trust = trust;
	if ((r = fsim_cli_mds_load(o.cmd, &o.mdso, p.at, &mds)) != 0)
		goto out;
	p.mds = mds;
	r = FSIM_EXIT_USAGE;
	if ((auth ? fsim_rp_verify_authentication(&p, resp, rec, &res) :
	    fsim_rp_verify_registration(&p, resp, &res)) != 0) {
		fprintf(stderr, "fidosim %s: internal error (out of memory?)\n", o.cmd);
		goto out;
	}
	if (fsim_aaguid_names_load(NULL, &names, NULL) != 0)
		names = NULL;
	if (o.json)
		fsim_report_json(stdout, res, names, resp);
	else
		fsim_report_text(stdout, o.cmd, res, names, resp);
	r = res->verified ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
out:
	json_decref(resp);
	fsim_trust_free(&trust);
	fsim_record_free(&rec);
	fsim_rp_result_free(&res);
	fsim_aaguid_names_free(&names);
	fsim_mds_free(&mds);
	fsim_blob_reset(&challenge);
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
