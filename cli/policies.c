/*
 * policies.c — `fidosim policies`: the RP policy presets (rp-sim/policy_preset.h),
 * each with the library it models, its evidence and its decisions.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "rp-sim/policy_preset.h"

static const char usage[] =
"usage: fidosim policies [--json]\n"
"\n"
"List the RP policy presets that verify-registration and verify-authentication\n"
"take with --policy-preset NAME: what each relying-party library decides where\n"
"WebAuthn leaves room or where the library departs from it, with the evidence.\n"
"\n"
"columns (the --policy key that sets the same knob):\n"
"  bs!be     BS set without BE (bs-without-be): error, warn or ignore\n"
"  be-chg    BE differs from the record (be-change): error, allow-upgrade, ignore\n"
"  be-unk    a record that never stored BE (be-unknown): skip the check, or read false\n"
"  counter   a signCount that does not increase (counter); +0ok: a received 0\n"
"            after a non-zero count passes (counter-zero=ok)\n"
"  uv        when UV=0 fails (uv-rule): spec (only when required), always, sticky\n"
"            (also once the record has uvInitialized)\n"
"  chain     x5c validity and chain (att-chain): spec, builtin-only (apple,\n"
"            android-key, android-safetynet only), never; +ifreq: the statement is\n"
"            verified only when the RP asked for attestation (att-if-requested)\n"
"  ext       unrequested extension outputs (unsolicited-ext)\n"
"  formats   the attestation formats verified (others: REG-17 unsupported)\n"
"\n"
"second table, what the library's verifier can check (spec: as WebAuthn says):\n"
"  sig-algs  COSE algs it verifies signatures with (sig-algs); others fail the\n"
"            signature rule (AUTH-18, ATT-*): all, or the list\n"
"  offer     an alg not in pubKeyCredParams (alg-not-offered, REG-16)\n"
"  at-get    AT set in an assertion (at-in-assertion, AUTH-22)\n"
"  id-max    longest credential ID taken (cred-id-max, REG-21)\n"
"  self-alg  packed self attestation alg: spec (must equal the key's), or\n"
"            hash-only (names only the hash) (self-alg, ATT-PACKED-09)\n"
"  tpm       tpmManufacturer: any, or its vendor table (tpm-vendors, ATT-TPM-03);\n"
"            +rsa: an ECC pubArea fails (tpm-rsa-only, ATT-TPM-02)\n"
"  leaf      formats whose leaf certificate is dated though no path is checked\n"
"            (leaf-dates, ATT-03)\n"
"\n"
"options:\n"
"  --json    one JSON array on stdout\n";

static json_t *
str_list(const char *const *v, const char *none)
{
	json_t *a = json_array();

	if (a == NULL)
		return NULL;
	if (v == NULL)
		json_array_append_new(a, json_string(none));
	for (; v != NULL && *v != NULL; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* The lib checks into d (the same keys as --policy). */
static void
checks_json(const fsim_rp_lib_checks_t *k, json_t *d)
{
	json_t *a = json_array();
	const int64_t *x;

	if (k == NULL || k->sig_algs == NULL)
		json_array_append_new(a, json_string("all"));
	for (x = k != NULL ? k->sig_algs : NULL; x != NULL && *x != 0; x++)
		json_array_append_new(a, json_integer(*x));
	json_object_set_new(d, "sig-algs", a);
	json_object_set_new(d, "alg-not-offered", json_string(fsim_pol_name(k != NULL ?
	    k->alg_not_offered : FSIM_POL_ERROR)));
	json_object_set_new(d, "at-in-assertion", json_string(fsim_pol_name(k != NULL ?
	    k->at_in_assertion : FSIM_POL_ERROR)));
	json_object_set_new(d, "cred-id-max", json_integer(k != NULL && k->cred_id_max != 0 ?
	    (json_int_t)k->cred_id_max : 1023));
	json_object_set_new(d, "self-alg", json_string(k != NULL && k->self_alg_hash_only ?
	    "hash-only" : "spec"));
	json_object_set_new(d, "tpm-vendors", str_list(k != NULL ? k->tpm_vendors : NULL, "any"));
	json_object_set_new(d, "tpm-rsa-only", json_boolean(k != NULL && k->tpm_rsa_only));
	json_object_set_new(d, "leaf-dates", str_list(k != NULL ? k->leaf_dates : NULL, "none"));
}

/* The second table's row. */
static void
checks_row(const fsim_rp_preset_t *ps)
{
	const fsim_rp_lib_checks_t *k = ps->checks;
	const char *const *l;
	const int64_t *x;
	char algs[96], tpm[40], idmax[24];
	size_t o = 0, n = 0;

	if (k == NULL || k->sig_algs == NULL)
		snprintf(algs, sizeof(algs), "all");
	else
		for (x = k->sig_algs, algs[0] = '\0'; *x != 0 && o < sizeof(algs); x++)
			o += (size_t)snprintf(algs + o, sizeof(algs) - o, "%s%lld",
			    x == k->sig_algs ? "" : ",", (long long)*x);
	if (k != NULL && k->tpm_vendors != NULL)
		for (l = k->tpm_vendors; *l != NULL; l++)
			n++;
	if (n > 0)
		snprintf(tpm, sizeof(tpm), "%zu ids%s", n, k->tpm_rsa_only ? "+rsa" : "");
	else
		snprintf(tpm, sizeof(tpm), "any%s", k != NULL && k->tpm_rsa_only ? "+rsa" : "");
	snprintf(idmax, sizeof(idmax), "%zu", k != NULL && k->cred_id_max != 0 ?
	    k->cred_id_max : (size_t)1023);
	printf("%-21s %-52s %-6s %-6s %-6s %-9s %-10s ", ps->name, algs,
	    fsim_pol_name(k != NULL ? k->alg_not_offered : FSIM_POL_ERROR),
	    fsim_pol_name(k != NULL ? k->at_in_assertion : FSIM_POL_ERROR), idmax,
	    k != NULL && k->self_alg_hash_only ? "hash-only" : "spec", tpm);
	if (k == NULL || k->leaf_dates == NULL)
		fputs("none", stdout);
	for (l = k != NULL ? k->leaf_dates : NULL; l != NULL && *l != NULL; l++)
		printf("%s%s", l == k->leaf_dates ? "" : ",", *l);
	putchar('\n');
}

static json_t *
preset_json(const fsim_rp_preset_t *ps)
{
	json_t *o = json_object(), *d = json_object(), *f = json_array(), *t = json_object();
	const fsim_rp_preset_text_t *x;
	const char *const *fm;

	if (o == NULL || d == NULL || f == NULL || t == NULL) {
		json_decref(o);
		json_decref(d);
		json_decref(f);
		json_decref(t);
		return NULL;
	}
	json_object_set_new(o, "name", json_string(ps->name));
	json_object_set_new(o, "library", json_string(ps->library));
	json_object_set_new(o, "evidence", json_string(ps->evidence));
	json_object_set_new(d, "bs-without-be", json_string(fsim_pol_name(ps->bs_without_be)));
	json_object_set_new(d, "be-change", json_string(fsim_be_pol_name(ps->be_change)));
	json_object_set_new(d, "be-unknown", json_string(fsim_be_unknown_name(ps->be_unknown)));
	json_object_set_new(d, "counter", json_string(fsim_pol_name(ps->counter)));
	json_object_set_new(d, "counter-zero", json_string(ps->counter_zero_ok ? "ok" : "error"));
	json_object_set_new(d, "uv-rule", json_string(fsim_uv_rule_name(ps->uv_rule)));
	json_object_set_new(d, "untrusted-attestation",
	    json_string(fsim_pol_name(ps->untrusted_attestation)));
	json_object_set_new(d, "att-chain", json_string(fsim_chain_pol_name(ps->att_chain)));
	json_object_set_new(d, "att-if-requested", json_boolean(ps->att_if_requested));
	json_object_set_new(d, "unsolicited-ext", json_string(fsim_pol_name(ps->unsolicited_ext)));
	if (ps->formats == NULL)
		json_array_append_new(f, json_string("*"));
	for (fm = ps->formats; fm != NULL && *fm != NULL; fm++)
		json_array_append_new(f, json_string(*fm));
	json_object_set_new(d, "formats", f);
	checks_json(ps->checks, d);
	json_object_set_new(o, "decisions", d);
	for (x = ps->texts; x != NULL && x->rule != NULL; x++)
		json_object_set_new(t, x->rule, json_string(x->text));
	json_object_set_new(o, "libraryErrors", t);
	json_object_set_new(o, "notes", json_string(ps->notes));
	return o;
}

static int
run(int argc, char **argv)
{
	bool json = false;
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (fsim_cli_is_help(argv[a])) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		} else
			return fsim_cli_usage_error("policies", "unknown argument '%s'", argv[a]);
	}
	if (json) {
		json_t *arr = json_array();

		if (arr == NULL)
			return FSIM_EXIT_USAGE;
		for (i = 0; i < fsim_rp_preset_count(); i++)
			json_array_append_new(arr, preset_json(fsim_rp_preset_at(i)));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
		return FSIM_EXIT_OK;
	}
	printf("%-21s %-7s %-14s %-6s %-10s %-7s %-18s %-7s %s\n", "preset", "bs!be", "be-chg",
	    "be-unk", "counter", "uv", "chain", "ext", "formats");
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);
		const char *const *fm;
		char ctr[16], chain[24];

		snprintf(ctr, sizeof(ctr), "%s%s", fsim_pol_name(ps->counter),
		    ps->counter_zero_ok ? "+0ok" : "");
		snprintf(chain, sizeof(chain), "%s%s", fsim_chain_pol_name(ps->att_chain),
		    ps->att_if_requested ? "+ifreq" : "");
		printf("%-21s %-7s %-14s %-6s %-10s %-7s %-18s %-7s ", ps->name,
		    fsim_pol_name(ps->bs_without_be), fsim_be_pol_name(ps->be_change),
		    fsim_be_unknown_name(ps->be_unknown), ctr, fsim_uv_rule_name(ps->uv_rule),
		    chain, fsim_pol_name(ps->unsolicited_ext));
		if (ps->formats == NULL)
			fputs("all", stdout);
		for (fm = ps->formats; fm != NULL && *fm != NULL; fm++)
			printf("%s%s", fm == ps->formats ? "" : ",", *fm);
		putchar('\n');
	}
	printf("\n%-21s %-52s %-6s %-6s %-6s %-9s %-10s %s\n", "preset", "sig-algs", "offer",
	    "at-get", "id-max", "self-alg", "tpm", "leaf");
	for (i = 0; i < fsim_rp_preset_count(); i++)
		checks_row(fsim_rp_preset_at(i));
	printf("\n");
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);

		printf("%s — %s\n  evidence: %s\n  notes: %s\n", ps->name, ps->library,
		    ps->evidence, ps->notes);
	}
	return FSIM_EXIT_OK;
}

const fsim_cmd_t fsim_cmd_policies = {
	"policies", run,
	"list the RP policy presets (what each RP library decides) for --policy-preset",
	usage,
};
