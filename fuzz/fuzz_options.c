/*
 * fuzz_options.c — PublicKeyCredentialCreationOptionsJSON and
 * RequestOptionsJSON parsing (the input of create/get).
 */
#include <stdlib.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_creation_options_t *co = NULL;
	fsim_request_options_t *ro = NULL;
	json_t *root = NULL;
	fsim_diags_t d;

	fsim_diags_init(&d);
	if (fsim_json_load(data, size, &root, &d, "options") == 0) {
		/* The out-param is set exactly when the parse succeeds. */
		if (fsim_creation_options_parse(root, &co, &d) == 0 ? co == NULL : co != NULL)
			abort();
		if (fsim_request_options_parse(root, &ro, &d) == 0 ? ro == NULL : ro != NULL)
			abort();
	}
	fsim_creation_options_free(&co);
	fsim_request_options_free(&ro);
	json_decref(root);
	fsim_diags_clear(&d);
	return 0;
}
