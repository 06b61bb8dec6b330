/*
 * fuzz_platform.c — the platform profile parser (platform/profile.h): any
 * bytes give a profile or an error naming the file; never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "platform/profile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_platform_t *p = NULL;
	char err[512];
	size_t i;

	if (fsim_platform_parse(data, size, "fuzz.platform", &p, err, sizeof(err)) == 0) {
		if (p == NULL || p->name[0] == '\0' || p->n_rules == 0 ||
		    p->n_rules > FSIM_PLATFORM_MAX_RULES)
			abort();
		for (i = 0; i < p->n_rules; i++)
			if ((size_t)p->rules[i].kind >= FSIM_PRULE__COUNT)
				abort();
	} else if (p != NULL || strncmp(err, "fuzz.platform", 13) != 0)
		abort();
	fsim_platform_free(&p);
	return 0;
}
