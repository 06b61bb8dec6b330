/*
 * fuzz_scenario.c — the lifecycle scenario parser (harness/scenario.h): any
 * bytes give a scenario or an error naming the file; never a crash. Only
 * the parser: playing a scenario runs whole ceremonies.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "harness/scenario.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_scenario_t *s = NULL;
	char err[512];

	if (fsim_scenario_parse(data, size, "fuzz.scenario", &s, err, sizeof(err)) == 0) {
		if (s == NULL || fsim_scenario_name(s)[0] == '\0')
			abort();
	} else if (s != NULL || strncmp(err, "fuzz.scenario", 13) != 0)
		abort();
	fsim_scenario_free(&s);
	return 0;
}
