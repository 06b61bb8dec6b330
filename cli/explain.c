/*
 * explain.c — `fidosim explain`: one full ceremony (registration, then
 * authentication) through a provider, a platform and the relying party
 * under every policy preset, shown as three columns — what the provider
 * emitted, what the platform delivered, what the RP concluded — with every
 * difference attributed to the platform rule or the RP rule behind it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/authn_opts.h"
#include "cli/cli.h"
#include "cli/mds_cli.h"
#include "cli/explain.h"
#include "harness/pipeline.h"

#define CMD "explain"

static const char usage[] =
"usage: fidosim explain [--preset NAME|FILE] [--platform NAME|FILE]\n"
"         [--no-platform-rule RULE]... [authenticator settings]\n"
"         [--rp-attestation none|indirect|direct|enterprise]\n"
"         [--rp-uv preferred|required|discouraged]\n"
"         [--rp-resident-key discouraged|preferred|required] [--rp-id ID]\n"
"         [--policy-preset NAME]... [--registration-only] [--json]\n"
"         [--mds BLOB [--mds-root PEM]...]\n"
"       fidosim explain --response FILE [--rp-attestation P] [--platform NAME]...\n"
"         [--policy-preset NAME]... [--json] [verify options]\n"
"\n"
"Run one registration and one authentication in process: the software\n"
"authenticator (a preset and/or the settings below), the platform profile,\n"
"and the relying-party simulator under every RP policy preset (or those\n"
"named). Print three columns: what the provider emitted, what the platform\n"
"delivered, and what the relying party recorded (with the provider name\n"
"webauthn.io would show for each AAGUID), then each policy preset's\n"
"verdict. Every difference is attributed to the platform rule (with the\n"
"spec section it implements or departs from) or to the RP rule that failed.\n"
"\n"
"  --rp-attestation P    the RP's attestation conveyance (default none)\n"
"  --rp-uv P             the RP's userVerification (default preferred)\n"
"  --rp-resident-key P   the RP's residentKey (default preferred)\n"
"  --rp-id ID            default example.com (origin https://ID)\n"
"  --policy-preset NAME  judge under this RP policy preset only (repeatable;\n"
"                        see 'fidosim policies'); default: all of them\n"
"  --json                one JSON object on stdout\n"
"  --mds BLOB            judge with this FIDO MDS3 BLOB: each policy preset reads\n"
"                        it as its library does; the delivered AAGUID's entry is\n"
"                        shown (\"metadata\" in --json); with --response too\n"
"  --mds-root PEM        the BLOB's root instead of GlobalSign R3 / R46\n"
"\n"
"authenticator settings:\n"
FSIM_CLI_AUTHN_OPTS_USAGE
"\n"
"With --response, nothing is made: a response captured anywhere (a browser,\n"
"webauthn.io, a device; RegistrationResponseJSON or AuthenticationResponseJSON,\n"
"or a test vector) is judged as captured under every RP policy preset, and\n"
"each platform profile says what it would have delivered instead (rewritten\n"
"under the RP's --rp-attestation, default none) or why it would refuse, with\n"
"the spec RP's verdict on what it delivers. The verify-registration and\n"
"verify-authentication options apply (--rp-id, --origin, --challenge, --uv,\n"
"--credential, --trust-anchors, --at, ...); without --challenge and not a\n"
"vector, the response's own clientDataJSON stands in (--from-client-data).\n"
"\n"
"exit status: 0 the ceremony ran (whatever the verdicts); 2 usage error.\n";

struct explain {
	fsim_authn_config_t cfg;
	struct fsim_cli_authn_extra x;
	struct fsim_cli_platform_opts po;
	fsim_platform_t *platform;
	fsim_pipe_rp_t rp;
	const fsim_rp_preset_t *presets[FSIM_PIPE_MAX_POLICIES];
	size_t n_presets;
	bool json, reg_only;
	struct fsim_cli_mds_opts mdso;
	fsim_mds_t *mds;
};

static const char *
flag_str(const fsim_pipe_view_t *v, char *buf, size_t cap)
{
	if (!v->has_flags) {
		snprintf(buf, cap, "-");
		return buf;
	}
	snprintf(buf, cap, "UP=%d UV=%d BE=%d BS=%d", (v->flags & FSIM_AD_UP) != 0,
	    (v->flags & FSIM_AD_UV) != 0, (v->flags & FSIM_AD_BE) != 0,
	    (v->flags & FSIM_AD_BS) != 0);
	return buf;
}

static const char *
fmt_str(const fsim_pipe_view_t *v, char *buf, size_t cap)
{
	if (!v->fmt[0])
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%s%s", v->fmt, v->has_x5c ? " (x5c)" : "");
	return buf;
}

static const char *
aaguid_str(const fsim_pipe_view_t *v, char *buf, size_t cap)
{
	char a[FSIM_AAGUID_STRLEN + 1];

	if (!v->has_aaguid) {
		snprintf(buf, cap, "-");
		return buf;
	}
	fsim_aaguid_format(v->aaguid, a);
	snprintf(buf, cap, "%s", a);
	return buf;
}

static const char *
status_str(const fsim_pipe_view_t *v, bool delivered, char *buf, size_t cap)
{
	if (v->ok)
		snprintf(buf, cap, "ok");
	else if (delivered && v->error_name[0])
		snprintf(buf, cap, "%s", v->error_name);
	else if (!delivered && v->ctap_status > 0)
		snprintf(buf, cap, "CTAP 0x%02x", (unsigned)v->ctap_status & 0xffu);
	else
		snprintf(buf, cap, "-");
	return buf;
}

/* The platform rules whose effects touched a field, with their sections. */
static void
cause(const fsim_pipe_result_t *r, const char *const *rules, char *buf, size_t cap)
{
	const fsim_platform_effect_t *e;
	fsim_prule_kind_t k;
	size_t i, j;

	buf[0] = '\0';
	for (i = 0; i < r->effects.n; i++) {
		e = &r->effects.v[i];
		for (j = 0; rules[j] != NULL; j++)
			if (strcmp(e->rule, rules[j]) == 0 && strstr(buf, e->rule) == NULL)
				snprintf(buf + strlen(buf), cap - strlen(buf), "%splatform rule %s "
				    "(%s)", buf[0] ? "; " : "", e->rule, fsim_prule_find(e->rule, &k) ?
				    fsim_prule_section(k) : "?");
	}
}

static const fsim_pipe_verdict_t *
spec_verdict(const fsim_pipe_result_t *r)
{
	size_t i;

	for (i = 0; i < r->n_verdicts; i++)
		if (strcmp(r->verdicts[i].preset->name, "spec") == 0)
			return &r->verdicts[i];
	return r->n_verdicts > 0 ? &r->verdicts[0] : NULL;
}

static void
row(const char *field, const char *a, const char *b, const char *c, const char *why)
{
	printf("  %-11s %-38s %-38s %s\n", field, a, b, c);
	if (why != NULL && why[0])
		printf("  %-11s   <- %s\n", "", why);
}

/* The provider name webauthn.io would show for a view's AAGUID, or "-". */
static const char *
name_str(const fsim_pipe_view_t *v, const fsim_aaguid_names_t *names, char *buf, size_t cap)
{
	if (!fsim_pipe_view_provider_name(v, names, buf, cap))
		snprintf(buf, cap, "-");
	return buf;
}

static void
print_ceremony(const fsim_pipe_result_t *r, const fsim_aaguid_names_t *names)
{
	static const char *const fmt_rules[] = { "convey-l3", "convey-l2", "pass-through",
		"attestation-enterprise-only", NULL };
	static const char *const aaguid_rules[] = { "zero-aaguid", "convey-l2", NULL };
	static const char *const tr_rules[] = { "transports", NULL };
	static const char *const st_rules[] = { "require-fmt-none", "require-be-bs", "errors",
		NULL };
	static const char *const uv_rules[] = { "uv-never-discouraged", NULL };
	const fsim_pipe_verdict_t *sv = spec_verdict(r);
	bool reg = r->ceremony == FSIM_CEREMONY_REGISTRATION;
	char a[96], b[96], c[96], why[400];
	size_t i;

	printf("\n%s\n  %-11s %-38s %-38s %s\n", reg ? "registration" : "authentication",
	    "", "provider emitted", "platform delivered", "RP (spec) concluded");
	status_str(&r->emitted, false, a, sizeof(a));
	status_str(&r->delivered, true, b, sizeof(b));
	snprintf(c, sizeof(c), "%s", sv == NULL ? "-" : !sv->ran ? "not run" :
	    sv->verified ? "verified" : "NOT verified");
	why[0] = '\0';
	if (strcmp(a, b) != 0 && r->delivered.error_name[0]) {
		cause(r, st_rules, why, sizeof(why));
		if (!why[0] && r->delivered.error_message[0])
			snprintf(why, sizeof(why), "%s", r->delivered.error_message);
	}
	row("status", a, b, c, why);
	if (reg) {
		fmt_str(&r->emitted, a, sizeof(a));
		fmt_str(&r->delivered, b, sizeof(b));
		cause(r, fmt_rules, why, sizeof(why));
		row("fmt", a, b, b, strcmp(a, b) != 0 ? why : "");
		aaguid_str(&r->emitted, a, sizeof(a));
		aaguid_str(&r->delivered, b, sizeof(b));
		cause(r, aaguid_rules, why, sizeof(why));
		row("AAGUID", a, b, sv != NULL && sv->aaguid[0] ? sv->aaguid : "-",
		    strcmp(a, b) != 0 ? why : "");
		/* What webauthn.io's card would name it: follows the AAGUID (and BE). */
		name_str(&r->emitted, names, a, sizeof(a));
		name_str(&r->delivered, names, b, sizeof(b));
		row("webauthn.io", a, b, b, strcmp(a, b) != 0 && why[0] ? why : "");
	}
	flag_str(&r->emitted, a, sizeof(a));
	flag_str(&r->delivered, b, sizeof(b));
	cause(r, uv_rules, why, sizeof(why));
	row("flags", a, b, b, why);
	snprintf(a, sizeof(a), "%u", r->emitted.sign_count);
	snprintf(b, sizeof(b), "%u", r->delivered.sign_count);
	row("signCount", r->emitted.has_flags ? a : "-", r->delivered.has_flags ? b : "-",
	    r->delivered.has_flags ? b : "-", "");
	if (reg) {
		cause(r, tr_rules, why, sizeof(why));
		row("transports", "(the authenticator's)", r->delivered.transports[0] ?
		    r->delivered.transports : "-", "-", why);
	}
	if (r->effects.n > 0) {
		printf("\n  platform rules applied:\n");
		for (i = 0; i < r->effects.n; i++)
			printf("    %-28s %s\n", r->effects.v[i].rule, r->effects.v[i].what);
	}
	printf("\n  relying party, by policy preset:\n");
	for (i = 0; i < r->n_verdicts; i++) {
		const fsim_pipe_verdict_t *v = &r->verdicts[i];

		printf("    %-22s %s", v->preset->name, !v->ran ? "not run" :
		    v->verified ? "verified" : "NOT verified");
		if (v->errors[0])
			printf("  [%s]", v->errors);
		if (v->warnings[0])
			printf("  warnings [%s]", v->warnings);
		printf("\n");
		if (v->first_error[0])
			printf("    %-22s   %s\n", "", v->first_error);
		if (v->library_error[0])
			printf("    %-22s   library says: \"%s\"\n", "", v->library_error);
	}
}

static int
parse(struct explain *e, int argc, char **argv)
{
	int i, o;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((o = fsim_cli_authn_opt(CMD, argc, argv, &i, &e->cfg, &e->x)) == 1 ||
		    (o = fsim_cli_platform_opt(CMD, argc, argv, &i, &e->po)) == 1 ||
		    (o = fsim_cli_mds_opt(CMD, argc, argv, &i, &e->mdso)) == 1)
			continue;
		if (o != 0)
			return FSIM_EXIT_USAGE;
		if (fsim_cli_is_help(a)) {
			fputs(usage, stdout);
			return -1;
		}
		if (strcmp(a, "--json") == 0) {
			e->json = true;
			continue;
		}
		if (strcmp(a, "--registration-only") == 0) {
			e->reg_only = true;
			continue;
		}
		if (a[0] != '-' || i + 1 >= argc || argv[i + 1][0] == '\0')
			return fsim_cli_usage_error(CMD, a[0] == '-' && strncmp(a, "--", 2) == 0 &&
			    strchr("prn", a[2]) != NULL ? "%s needs a value" :
			    "unknown argument '%s'", a);
		if (strcmp(a, "--rp-attestation") == 0)
			e->rp.attestation = argv[++i];
		else if (strcmp(a, "--rp-uv") == 0)
			e->rp.uv = argv[++i];
		else if (strcmp(a, "--rp-resident-key") == 0)
			e->rp.resident_key = argv[++i];
		else if (strcmp(a, "--rp-id") == 0)
			e->rp.rp_id = argv[++i];
		else if (strcmp(a, "--policy-preset") == 0) {
			char err[600];
			const fsim_rp_preset_t *ps = fsim_rp_preset_get(argv[++i], err,
			    sizeof(err));

			if (ps == NULL)
				return fsim_cli_usage_error(CMD, "--policy-preset: %s", err);
			if (e->n_presets == FSIM_PIPE_MAX_POLICIES)
				return fsim_cli_usage_error(CMD, "too many --policy-preset");
			e->presets[e->n_presets++] = ps;
		} else
			return fsim_cli_usage_error(CMD, "unknown option '%s'", a);
	}
	return 0;
}

/* The BLOB's entry for the AAGUID the platform delivered (a zero one is never listed). */
static const fsim_mds_entry_t *
delivered_entry(const struct explain *e, const fsim_pipe_result_t *reg)
{
	return reg->delivered.has_aaguid ? fsim_mds_find_aaguid(e->mds, reg->delivered.aaguid) :
	    NULL;
}

static json_t *
metadata_json(const struct explain *e, const fsim_pipe_result_t *reg)
{
	const fsim_mds_entry_t *me = delivered_entry(e, reg);

	return me != NULL ? fsim_cli_mds_entry_json(me, time(NULL)) : json_null();
}

static void
print_metadata(const struct explain *e, const fsim_pipe_result_t *reg)
{
	const fsim_mds_entry_t *me = delivered_entry(e, reg);
	const fsim_mds_report_t *cur = me ? fsim_mds_current(me, time(NULL)) : NULL;

	if (me == NULL)
		printf("\n  metadata (--mds): the BLOB does not list the delivered AAGUID\n");
	else
		printf("\n  metadata (--mds): \"%s\", status %s\n", me->description ?
		    me->description : "(no description)", cur ? cur->status_name : "none");
}

static int
run(int argc, char **argv)
{
	struct explain e;
	fsim_pipe_t *p = NULL;
	fsim_pipe_result_t reg, auth;
	json_t *j = NULL;
	fsim_aaguid_names_t *names = NULL;
	int r;

	for (r = 1; r < argc; r++)
		if (strcmp(argv[r], "--response") == 0)
			return fsim_explain_response(argc, argv);
		else if (fsim_cli_is_help(argv[r]))
			break;
	memset(&e, 0, sizeof(e));
	memset(&reg, 0, sizeof(reg));
	memset(&auth, 0, sizeof(auth));
	fsim_authn_config_init(&e.cfg);
	e.rp.cred_props = true;
	if ((r = parse(&e, argc, argv)) != 0)
		return r < 0 ? FSIM_EXIT_OK : r;
	if ((r = fsim_cli_authn_finish(CMD, &e.cfg, &e.x)) != 0 ||
	    (r = fsim_cli_load_platform(CMD, e.po.name, e.po.off, e.po.n_off,
	    &e.platform)) != 0)
		goto out;
	if (e.n_presets > 0) {
		e.rp.presets = e.presets;
		e.rp.n_presets = e.n_presets;
	}
	if ((r = fsim_cli_mds_load(CMD, &e.mdso, time(NULL), &e.mds)) != 0)
		goto out;
	e.rp.mds = e.mds;
	r = FSIM_EXIT_USAGE;
	/* Falls back to the built-in list; fails only without memory. */
	if (fsim_aaguid_names_load(NULL, &names, NULL) != 0) {
		fprintf(stderr, "fidosim %s: out of memory\n", CMD);
		goto out;
	}
	if (fsim_pipe_new(&e.cfg, e.platform, e.x.seed_len ? e.x.seed : NULL, e.x.seed_len,
	    &p) != FSIM_OK || fsim_pipe_register(p, &e.rp, &reg) != FSIM_OK) {
		fprintf(stderr, "fidosim %s: the pipeline failed (out of memory?)\n", CMD);
		goto out;
	}
	if (!e.reg_only && reg.response != NULL &&
	    fsim_pipe_authenticate(p, &e.rp, &auth) != FSIM_OK) {
		fprintf(stderr, "fidosim %s: the pipeline failed (out of memory?)\n", CMD);
		goto out;
	}
	if (e.json) {
		json_t *cer = json_array();

		j = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "provider",
		    e.x.preset != NULL ? e.x.preset : "(flags)", "platform", e.platform->name,
		    "rp", "attestation", e.rp.attestation ? e.rp.attestation : "none",
		    "userVerification", e.rp.uv ? e.rp.uv : "preferred", "residentKey",
		    e.rp.resident_key ? e.rp.resident_key : "preferred");
		if (j == NULL || cer == NULL) {
			json_decref(cer);
			goto out;
		}
		json_array_append_new(cer, fsim_pipe_result_json(&reg));
		{
			/* providerName: what webauthn.io would show, emitted and delivered. */
			json_t *rj = json_array_get(cer, 0);
			char nm[96];

			if (fsim_pipe_view_provider_name(&reg.emitted, names, nm, sizeof(nm)))
				json_object_set_new(json_object_get(rj, "emitted"), "providerName",
				    json_string(nm));
			if (fsim_pipe_view_provider_name(&reg.delivered, names, nm, sizeof(nm)))
				json_object_set_new(json_object_get(rj, "delivered"), "providerName",
				    json_string(nm));
		}
		if (auth.ceremony != 0)
			json_array_append_new(cer, fsim_pipe_result_json(&auth));
		json_object_set_new(j, "ceremonies", cer);
		if (e.mds != NULL)
			json_object_set_new(j, "metadata", metadata_json(&e, &reg));
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		printf("fidosim explain: provider %s, platform %s, RP asks attestation \"%s\", "
		    "userVerification \"%s\"\n", e.x.preset != NULL ? e.x.preset : "(flags)",
		    e.platform->name, e.rp.attestation ? e.rp.attestation : "none",
		    e.rp.uv ? e.rp.uv : "preferred");
		print_ceremony(&reg, names);
		if (e.mds != NULL)
			print_metadata(&e, &reg);
		if (auth.ceremony != 0)
			print_ceremony(&auth, names);
		else if (!e.reg_only)
			printf("\nauthentication: not run (nothing was registered)\n");
	}
	r = FSIM_EXIT_OK;
out:
	json_decref(j);
	fsim_pipe_result_reset(&reg);
	fsim_pipe_result_reset(&auth);
	fsim_pipe_free(&p);
	fsim_aaguid_names_free(&names);
	fsim_platform_free(&e.platform);
	fsim_mds_free(&e.mds);
	fsim_wipe(e.x.seed, sizeof(e.x.seed));
	return r;
}

const fsim_cmd_t fsim_cmd_explain = {
	"explain", run,
	"one ceremony through provider, platform and RP: three views, every difference explained",
	usage,
};
