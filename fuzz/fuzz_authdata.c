/* fuzz_authdata.c — authenticator data parser, and encode(parse(x)) == x when it parses. */
#include <stdlib.h>
#include <string.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;
	fsim_blob_t enc = { 0 };

	fsim_diags_init(&d);
	if (fsim_authdata_parse(data, size, &ad, &d) == 0) {
		/* A strict parse keeps raw bytes, so re-encoding reproduces the input. */
		if (fsim_authdata_encode(ad, &enc) == 0 &&
		    (enc.len != size || memcmp(enc.ptr, data, size) != 0))
			abort();
	}
	fsim_blob_reset(&enc);
	fsim_authdata_free(&ad);
	fsim_diags_clear(&d);
	return 0;
}
