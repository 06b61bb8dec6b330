/*
 * fuzz_policy.c — the RP policy preset reader (rp-sim/policy_preset.h): any
 * bytes give a preset whose knobs, texts, options and evidence hold
 * together, or an error naming the file; never a crash. A preset that loads
 * is applied, printed and has each of its options set.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "rp-sim/policy_preset.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_rp_preset_t *ps = NULL;
	fsim_rp_policy_t p;
	fsim_rp_store_t st = { NULL };
	char err[600], buf[2048];
	json_t *j;
	size_t i;

	if (fsim_rp_preset_parse(data, size, "fuzz.policy", &ps, err, sizeof(err)) == 0) {
		if (ps == NULL || ps->name == NULL || ps->library == NULL || ps->version == NULL ||
		    ps->notes == NULL || ps->evidence == NULL)
			abort();
		fsim_rp_policy_init(&p);
		fsim_rp_preset_apply(ps, &p);
		if (p.preset != ps)
			abort();
		for (i = 0; i < fsim_rp_knob_count(); i++) {
			fsim_rp_knob_text(&p, fsim_rp_knob_at(i), buf, sizeof(buf));
			if ((j = fsim_rp_knob_json(&p, fsim_rp_knob_at(i))) == NULL)
				abort();
			json_decref(j);
			/* a knob set by the file has its evidence */
			if (ps->is_set[i] && fsim_rp_preset_evidence(ps, fsim_rp_knob_at(i)->name) ==
			    NULL)
				abort();
		}
		for (i = 0; ps->texts[i].rule != NULL; i++)
			if (fsim_rp_preset_error_text(ps, ps->texts[i].rule) == NULL)
				abort();
		for (i = 0; i < ps->n_opts; i++)
			if (fsim_rp_policy_setting(ps, &p, &st, ps->opts[i].name,
			    strcmp(ps->opts[i].value, "*") == 0 ? "x" : ps->opts[i].value, err,
			    sizeof(err)) != 0 && err[0] == '\0')
				abort();   /* a refused value is said why */
	} else if (ps != NULL || strncmp(err, "fuzz.policy", 11) != 0)
		abort();
	fsim_rp_store_clear(&st);
	fsim_rp_preset_free(&ps);
	return 0;
}
