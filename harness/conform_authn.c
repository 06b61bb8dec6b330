/*
 * conform_authn.c — the runner of conform --authenticator: the families in
 * order, each case timed, its verdict and detail kept (see
 * harness/conform_authn.h). The cases are in conform_authn_*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/conform_authn_int.h"
#include "harness/pipeline.h"

/* The RP ID the run's credentials are made for: fixed, so that discoverable
 * credentials of a second run replace the first run's (§6.1.2 step 17). */
#define RP_ID "conform.fidosim.test"

static const ax_case_t *const tables[] = {
	fsim_ax_info_cases, fsim_ax_mc_cases, fsim_ax_ga_cases, fsim_ax_rk_cases,
	fsim_ax_pin_cases, fsim_ax_ext_cases, fsim_ax_hid_cases, fsim_ax_flags_cases,
	fsim_ax_rp_cases, fsim_ax_dx_cases,
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static size_t
table_len(const ax_case_t *t)
{
	size_t n = 0;

	while (t[n].id != NULL)
		n++;
	return n;
}

size_t
fsim_conform_authn_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < NTABLES; i++)
		n += table_len(tables[i]);
	return n;
}

const fsim_conform_authn_case_info_t *
fsim_conform_authn_case(size_t k)
{
	static fsim_conform_authn_case_info_t info;
	size_t i, n;

	for (i = 0; i < NTABLES; i++) {
		n = table_len(tables[i]);
		if (k < n) {
			info.id = tables[i][k].id;
			info.family = tables[i][k].family;
			info.section = tables[i][k].section;
			info.name = tables[i][k].name;
			info.destructive = tables[i][k].destructive;
			return &info;
		}
		k -= n;
	}
	return NULL;
}

/* The alg the run's credentials use: ES256 when listed (every FIDO2 device
 * has it), else the first listed one fidosim knows. */
static int
pick_alg(const fsim_devinfo_t *info)
{
	size_t i;

	if (!info->has_algs || fsim_devinfo_has_alg(info, FSIM_COSE_ES256))
		return FSIM_COSE_ES256;
	for (i = 0; i < info->n_algs; i++)
		if (fsim_cose_alg_name((int)info->algs[i]) != NULL)
			return (int)info->algs[i];
	return FSIM_COSE_ES256;
}

static void
cred_reset(ax_cred_t *c)
{
	fsim_blob_reset(&c->id);
	fsim_cose_key_free(&c->key);
	memset(c, 0, sizeof(*c));
}

int
fsim_conform_authn_run(const fsim_conform_authn_config_t *cfg, fsim_conform_results_t *out)
{
	ax_t x;
	size_t total = fsim_conform_authn_count(), t, i;

	memset(out, 0, sizeof(*out));
	if (cfg == NULL || cfg->dev == NULL)
		return FSIM_ERR_ARG;
	if ((out->v = calloc(total, sizeof(*out->v))) == NULL)
		return FSIM_ERR_NOMEM;
	out->authenticator = true;
	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.dev = cfg->dev;
	x.info = fsim_device_info(cfg->dev);
	snprintf(x.rp_id, sizeof(x.rp_id), "%s", RP_ID);
	x.alg = pick_alg(x.info);
	ax_random(x.a.user_id, sizeof(x.a.user_id));
	/* Fixed user IDs for the discoverable credentials: a second run overwrites. */
	memset(x.r1.user_id, 0xc1, sizeof(x.r1.user_id));
	memset(x.r2.user_id, 0xc2, sizeof(x.r2.user_id));
	for (t = 0; t < NTABLES; t++) {
		for (i = 0; tables[t][i].id != NULL; i++) {
			const ax_case_t *k = &tables[t][i];
			fsim_conform_case_t *c;
			struct timespec t0, t1;
			ax_verdict_t v;

			/* --only: a family (part of its name) or case IDs (a prefix: "HID-", "MC-0"). */
			if (cfg->only != NULL && strstr(k->family, cfg->only) == NULL &&
			    strncmp(k->id, cfg->only, strlen(cfg->only)) != 0)
				continue;
			c = &out->v[out->n++];
			snprintf(c->family, sizeof(c->family), "%s", k->family);
			snprintf(c->name, sizeof(c->name), "%s %s", k->id, k->name);
			snprintf(c->rule, sizeof(c->rule), "%s", k->id);
			snprintf(c->section, sizeof(c->section), "%s", k->section);
			c->positive = true;
			x.rules[0] = '\0';
			x.setup_failed = false;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (k->destructive && !cfg->allow_destructive)
				v = ax_say(AX_SKIP, c->detail, sizeof(c->detail), "destructive: run "
				    "with --allow-destructive to include it");
			else
				v = k->fn(&x, c->detail, sizeof(c->detail));
			clock_gettime(CLOCK_MONOTONIC, &t1);
			c->seconds = (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
			/* Rules are named only for a failure that judged them. */
			if (v == AX_FAIL && !x.setup_failed)
				snprintf(c->rules, sizeof(c->rules), "%s", x.rules);
			/* The framing cases allocate channels: the device may have reused ours. */
			if (tables[t] == fsim_ax_hid_cases && fsim_device_new_channel(x.dev) != 0 &&
			    c->detail[0] != '\0')
				snprintf(c->detail + strlen(c->detail), sizeof(c->detail) -
				    strlen(c->detail), " (and no channel could be allocated after it)");
			c->passed = v == AX_PASS;
			c->skipped = v == AX_SKIP;
			if (c->skipped)
				out->skipped++;
			else if (c->passed)
				out->passed++;
			else
				out->failed++;
			if (cfg->progress != NULL)
				fprintf(cfg->progress, "%s  %-8s %s: %s%s%s\n", c->skipped ? "skip" :
				    c->passed ? "pass" : "FAIL", k->id, k->family, k->name,
				    c->passed ? "" : " -- ", c->passed ? "" : c->detail);
		}
	}
	cred_reset(&x.a);
	cred_reset(&x.r1);
	cred_reset(&x.r2);
	fsim_pipe_free(&x.pipe);
	fsim_wipe(x.pin_now, sizeof(x.pin_now));
	return 0;
}
