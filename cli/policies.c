/*
 * policies.c — `fidosim policies`: the RP policy presets (rp-sim/policy_preset.h),
 * each with the library version it models, and for one preset every decision
 * with the source lines it comes from, the library's options and its texts.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "rp-sim/policy_preset.h"

static const char usage_head[] =
"usage: fidosim policies [--json] [NAME|FILE]\n"
"\n"
"List the RP policy presets that verify-registration, verify-authentication,\n"
"explain and run take with --policy-preset NAME: what each relying-party\n"
"library decides where WebAuthn leaves room or where the library departs from\n"
"it. With NAME (or a preset FILE), every decision of that preset with the\n"
"library version and the source file:line it comes from, the library's\n"
"options (--policy OPTION=VALUE, named as the library names them) and its\n"
"error texts. Presets are data/policies/NAME.policy (fidosim(1) POLICIES).\n"
"\n"
"options:\n"
"  --json    one JSON array on stdout (one object with NAME)\n"
"\n"
"the knobs (--policy KEY=VALUE and the keys of a preset file):\n";

static void
print_usage(void)
{
	size_t i;

	fputs(usage_head, stdout);
	for (i = 0; i < fsim_rp_knob_count(); i++) {
		const fsim_rp_knob_t *k = fsim_rp_knob_at(i);

		printf("  %-20s %s\n  %-20s   %s\n", k->name, k->values, "", k->what);
	}
}

static json_t *
preset_json(const fsim_rp_preset_t *ps)
{
	json_t *o = json_object(), *d = json_object(), *t = json_object();
	json_t *beh = json_array(), *opts = json_array(), *notes = json_array();
	const fsim_rp_preset_text_t *x;
	size_t i;

	if (o == NULL || d == NULL || t == NULL || beh == NULL || opts == NULL ||
	    notes == NULL) {
		json_decref(o);
		json_decref(d);
		json_decref(t);
		json_decref(beh);
		json_decref(opts);
		json_decref(notes);
		return NULL;
	}
	json_object_set_new(o, "name", json_string(ps->name));
	json_object_set_new(o, "library", json_string(ps->library));
	json_object_set_new(o, "version", json_string(ps->version));
	json_object_set_new(o, "source", json_string(ps->source));
	json_object_set_new(o, "evidence", json_string(ps->evidence));
	for (i = 0; i < fsim_rp_knob_count(); i++) {
		const fsim_rp_knob_t *k = fsim_rp_knob_at(i);
		const char *ev = fsim_rp_preset_evidence(ps, k->name);

		if (k->request)
			continue;
		json_object_set_new(d, k->name, fsim_rp_knob_json(&ps->pol, k));
		json_array_append_new(beh, json_pack("{s:s, s:o, s:b, s:s?}", "knob", k->name,
		    "value", fsim_rp_knob_json(&ps->pol, k), "fromSource", ps->is_set[i],
		    "evidence", ps->is_set[i] ? ev : NULL));
	}
	json_object_set_new(o, "decisions", d);
	json_object_set_new(o, "behaviours", beh);
	for (i = 0; i < ps->n_opts; i++)
		json_array_append_new(opts, json_pack("{s:s, s:s, s:b, s:s, s:s?}",
		    "name", ps->opts[i].name, "value", ps->opts[i].value,
		    "default", ps->opts[i].is_default, "sets", ps->opts[i].sets,
		    "evidence", fsim_rp_preset_evidence(ps, ps->opts[i].name)));
	json_object_set_new(o, "options", opts);
	for (x = ps->texts; x != NULL && x->rule != NULL; x++)
		json_object_set_new(t, x->rule, json_string(x->text));
	json_object_set_new(o, "libraryErrors", t);
	json_object_set_new(o, "notes", json_string(ps->notes));
	for (i = 0; ps->note_lines != NULL && ps->note_lines[i] != NULL; i++)
		json_array_append_new(notes, json_string(ps->note_lines[i]));
	json_object_set_new(o, "noteLines", notes);
	return o;
}

/* One knob's value, cut to width w (a long list ends in "..."). */
static const char *
cell(const fsim_rp_policy_t *p, const char *knob, char *buf, size_t len, size_t w)
{
	fsim_rp_knob_text(p, fsim_rp_knob_find(knob), buf, len);
	if (strlen(buf) > w && w > 3)
		memcpy(buf + w - 3, "...", 4);
	return buf;
}

/* The overview: the decisions most people ask about, one row per preset. */
static void
tables(void)
{
	char a[600], b[64], c[64], d[64], e[64], f[64], g[64], h[64];
	size_t i, n;

	printf("%-21s %-7s %-14s %-6s %-10s %-7s %-18s %-7s %s\n", "preset", "bs!be", "be-chg",
	    "be-unk", "counter", "uv", "chain", "ext", "formats");
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);
		const fsim_rp_policy_t *p = &ps->pol;

		snprintf(d, sizeof(d), "%s%s", fsim_pol_name(p->counter),
		    p->counter_zero_ok ? "+0ok" : "");
		snprintf(e, sizeof(e), "%s%s", fsim_chain_pol_name(p->att_chain),
		    p->att_if_requested ? "+ifreq" : "");
		printf("%-21s %-7s %-14s %-6s %-10s %-7s %-18s %-7s %s\n", ps->name,
		    fsim_pol_name(p->bs_without_be), fsim_be_pol_name(p->be_change),
		    fsim_be_unknown_name(p->be_unknown), d, fsim_uv_rule_name(p->uv_rule), e,
		    fsim_pol_name(p->unsolicited_ext), cell(p, "formats", a, sizeof(a), 200));
	}
	printf("\n%-21s %-52s %-6s %-6s %-6s %-9s %-10s %s\n", "preset", "sig-algs", "offer",
	    "at-get", "id-max", "self-alg", "tpm", "leaf");
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);
		const fsim_rp_policy_t *p = &ps->pol;
		const char *const *l;

		for (n = 0, l = p->tpm_vendors; l != NULL && *l != NULL; l++)
			n++;
		if (n > 0)
			snprintf(b, sizeof(b), "%zu ids%s", n, p->tpm_rsa_only ? "+rsa" : "");
		else
			snprintf(b, sizeof(b), "any%s", p->tpm_rsa_only ? "+rsa" : "");
		printf("%-21s %-52s %-6s %-6s %-6s %-9s %-10s %s\n", ps->name,
		    cell(p, "sig-algs", a, sizeof(a), 52), fsim_pol_name(p->alg_not_offered),
		    fsim_pol_name(p->at_in_assertion), cell(p, "cred-id-max", c, sizeof(c), 6),
		    p->self_alg_hash_only ? "hash-only" : "spec", b,
		    cell(p, "leaf-dates", d, sizeof(d), 40));
	}
	printf("\n%-21s %-16s %-16s %-9s %-9s %-7s %-8s %-7s %s\n", "preset", "cross-origin",
	    "top-origin", "trailing", "pkd-cert", "rs1", "unk-fmt", "reg-up", "token-binding");
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);
		const fsim_rp_policy_t *p = &ps->pol;
		char x[80], y[80];

		snprintf(x, sizeof(x), "%s/%s", cell(p, "reg-cross-origin", e, sizeof(e), 12),
		    cell(p, "auth-cross-origin", f, sizeof(f), 12));
		snprintf(y, sizeof(y), "%s/%s", cell(p, "reg-top-origin", g, sizeof(g), 12),
		    cell(p, "auth-top-origin", h, sizeof(h), 12));
		printf("%-21s %-16s %-16s %-9s %-9s %-7s %-8s %-7s %s\n", ps->name, x, y,
		    fsim_pol_name(p->trailing_bytes), p->packed_cert_ignored ? "ignore" : "spec",
		    fsim_pol_name(p->tpm_rs1), fsim_pol_name(p->unknown_fmt),
		    fsim_pol_name(p->reg_up), cell(p, "token-binding", a, sizeof(a), 40));
	}
	printf("\n(reg/auth: registration/authentication)\n\n");
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);

		printf("%s — %s\n  models: %s\n", ps->name, ps->library, ps->evidence);
	}
	printf("\n'fidosim policies NAME' shows every decision of a preset with the source "
	    "line it comes from.\n");
}

/* One preset, every decision with its evidence. */
static void
detail(const fsim_rp_preset_t *ps)
{
	const fsim_rp_preset_text_t *x;
	char v[1200];
	size_t i, n_unset = 0;

	printf("%s — %s\n  models: %s\n", ps->name, ps->library, ps->version);
	if (ps->source[0] != '\0')
		printf("  source: %s\n", ps->source);
	printf("\ndecisions (KNOB = VALUE, then the source it comes from, paths relative "
	    "to the source above):\n");
	for (i = 0; i < fsim_rp_knob_count(); i++) {
		const fsim_rp_knob_t *k = fsim_rp_knob_at(i);
		size_t j;

		if (k->request || !ps->is_set[i])
			continue;
		fsim_rp_knob_text(&ps->pol, k, v, sizeof(v));
		printf("  %s = %s\n", k->name, v);
		for (j = 0; j < ps->n_ev; j++)
			if (strcmp(ps->ev[j].key, k->name) == 0)
				printf("      %s\n", ps->ev[j].text);
	}
	for (i = 0; i < fsim_rp_knob_count(); i++)
		if (!fsim_rp_knob_at(i)->request && !ps->is_set[i])
			n_unset++;
	if (n_unset > 0) {
		printf("\nas the spec reads them (not set by this preset; whether the library "
		    "does the same: unknown):\n ");
		for (i = 0; i < fsim_rp_knob_count(); i++) {
			const fsim_rp_knob_t *k = fsim_rp_knob_at(i);

			if (k->request || ps->is_set[i])
				continue;
			fsim_rp_knob_text(&ps->pol, k, v, sizeof(v));
			printf(" %s=%s", k->name, v);
		}
		putchar('\n');
	}
	if (ps->n_opts > 0) {
		printf("\nlibrary options (--policy OPTION=VALUE; the preset models the "
		    "default):\n");
		for (i = 0; i < ps->n_opts; i++) {
			const fsim_rp_preset_opt_t *o = &ps->opts[i];
			const char *ev = fsim_rp_preset_evidence(ps, o->name);

			printf("  %s=%s%s -> %s\n", o->name, o->value, o->is_default ?
			    " (default)" : "", o->sets);
			if (ev != NULL && (i == 0 || strcmp(ps->opts[i - 1].name, o->name) != 0))
				printf("      %s\n", ev);
		}
	}
	if (ps->texts != NULL && ps->texts[0].rule != NULL) {
		printf("\nthe library's own error texts (\"libraryError\" in --json):\n");
		for (x = ps->texts; x->rule != NULL; x++) {
			const char *ev = fsim_rp_preset_evidence(ps, x->rule);

			printf("  %-13s %s\n", x->rule, x->text);
			if (ev != NULL)
				printf("      %s\n", ev);
		}
	}
	if (ps->note_lines != NULL && ps->note_lines[0] != NULL) {
		printf("\nnotes:\n");
		for (i = 0; ps->note_lines[i] != NULL; i++)
			printf("  - %s\n", ps->note_lines[i]);
	}
}

static int
run(int argc, char **argv)
{
	const fsim_rp_preset_t *one = NULL;
	bool json = false;
	char err[600];
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (fsim_cli_is_help(argv[a])) {
			print_usage();
			return FSIM_EXIT_OK;
		} else if (argv[a][0] == '-' && argv[a][1] != '\0')
			return fsim_cli_usage_error("policies", "unknown option '%s'", argv[a]);
		else if (one != NULL)
			return fsim_cli_usage_error("policies", "one NAME at most ('%s' is extra)",
			    argv[a]);
		else if ((one = fsim_rp_preset_get(argv[a], err, sizeof(err))) == NULL)
			return fsim_cli_usage_error("policies", "%s", err);
	}
	if (fsim_rp_presets_warning() != NULL)
		fprintf(stderr, "fidosim policies: warning: %s\n", fsim_rp_presets_warning());
	if (json) {
		json_t *out = one != NULL ? preset_json(one) : json_array();

		if (out == NULL)
			return FSIM_EXIT_USAGE;
		for (i = 0; one == NULL && i < fsim_rp_preset_count(); i++)
			json_array_append_new(out, preset_json(fsim_rp_preset_at(i)));
		json_dumpf(out, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(out);
		return FSIM_EXIT_OK;
	}
	if (one != NULL)
		detail(one);
	else
		tables();
	return FSIM_EXIT_OK;
}

const fsim_cmd_t fsim_cmd_policies = {
	"policies", run,
	"list the RP policy presets (what each RP library decides, with its source lines)",
	usage_head,
};
