/* fuzz_clientdata.c — clientDataJSON parser. */
#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_clientdata_t *cd = NULL;
	fsim_diags_t d;

	fsim_diags_init(&d);
	(void)fsim_clientdata_parse(data, size, &cd, &d);
	fsim_clientdata_free(&cd);
	fsim_diags_clear(&d);
	return 0;
}
