/* fuzz_clientdata.c — clientDataJSON parser. */
#include <stdlib.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;

	fsim_diags_init(&d);
	/* The out-param is set exactly when the parse succeeds, and then no error was recorded. */
	if (fsim_clientdata_parse(data, size, &cd, &d) == 0) {
		if (cd == NULL || fsim_diags_count(&d, FSIM_SEV_ERROR) != 0)
			abort();
	} else if (cd != NULL)
		abort();
	fsim_clientdata_free(&cd);
	fsim_diags_clear(&d);
	return 0;
}
