/* fuzz_attobj.c — attestation object parser. */
#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;

	fsim_diags_init(&d);
	(void)fsim_attobj_parse(data, size, &ao, &d);
	fsim_attobj_free(&ao);
	fsim_diags_clear(&d);
	return 0;
}
