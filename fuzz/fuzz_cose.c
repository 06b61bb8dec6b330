/* fuzz_cose.c — COSE_Key parser; a key that parses must re-encode and re-parse to an equal key. */
#include <stdlib.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_cose_key_t *k = NULL, *k2 = NULL;
	fsim_blob_t enc = { 0 };
	fsim_diags_t d;

	fsim_diags_init(&d);
	if (fsim_cose_key_parse(data, size, &k, &d) == 0) {
		if (fsim_cose_key_encode(k, &enc) != 0 ||
		    fsim_cose_key_parse(enc.ptr, enc.len, &k2, NULL) != 0 ||
		    !fsim_cose_key_equal(k, k2))
			abort();
	}
	fsim_blob_reset(&enc);
	fsim_cose_key_free(&k);
	fsim_cose_key_free(&k2);
	fsim_diags_clear(&d);
	return 0;
}
