/* fuzz_attobj.c — attestation object parser. */
#include <stdlib.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;

	fsim_diags_init(&d);
	/* Success means a parsed authData and no error recorded. */
	if (fsim_attobj_parse(data, size, &ao, &d) == 0 &&
	    (ao == NULL || ao->auth_data == NULL ||
	    fsim_diags_count(&d, FSIM_SEV_ERROR) != 0))
		abort();
	fsim_attobj_free(&ao);
	fsim_diags_clear(&d);
	return 0;
}
