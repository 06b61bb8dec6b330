/*
 * fuzz_preset.c — the authenticator preset parser (authenticator/preset.h):
 * any bytes, either a preset or an error naming where; never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "authenticator/preset.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_preset_t *p = NULL;
	fsim_authn_config_t cfg;
	char err[512];
	size_t i;

	/* The out-param is set exactly when the parse succeeds; a failure says why. */
	if (fsim_preset_parse(data, size, "fuzz.preset", &p, err, sizeof(err)) == 0) {
		if (p == NULL || fsim_preset_name(p) == NULL)
			abort();
		for (i = 0; i < fsim_preset_evidence_count(p); i++)
			if (fsim_preset_evidence(p, i) == NULL)
				abort();
		fsim_authn_config_init(&cfg);
		fsim_preset_apply(p, &cfg, 0);
		if (cfg.n_algs > 8 || cfg.n_transports > 4)
			abort();
	} else if (p != NULL || err[0] == '\0' || strncmp(err, "fuzz.preset", 11) != 0)
		abort();
	fsim_preset_free(&p);
	return 0;
}
