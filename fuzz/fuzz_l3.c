/*
 * fuzz_l3.c — the WebAuthn L3 inputs of the client: the RP ID's related
 * origins document (5.11.1, with the validation procedure over it) and a
 * signal call {"signal", ...} (5.1.10), the same bytes read as both.
 */
#include <stdlib.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"
#include "platform/client.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const callers[] = {
		"https://shop.example.net", "https://example.com", "http://localhost:8080",
		"https://l6.test:8443", "not an origin",
	};
	fsim_related_origins_t *ro = NULL;
	fsim_signal_t *s = NULL;
	fsim_client_error_t err;
	json_t *root = NULL;
	fsim_diags_t d;
	size_t i;
	bool past;

	fsim_diags_init(&d);
	/* The out-param is set exactly when the parse succeeds. */
	if (fsim_related_origins_parse(data, size, &ro, &err) == 0 ? ro == NULL : ro != NULL)
		abort();
	for (i = 0; ro != NULL && i < sizeof(callers) / sizeof(callers[0]); i++) {
		(void)fsim_related_origins_validate(ro, callers[i], 5, &past);
		(void)fsim_related_origins_validate(ro, callers[i], 1000, NULL);
	}
	if (fsim_json_load(data, size, &root, &d, "signal") == 0) {
		if (fsim_client_signal(NULL, ro, NULL, root, NULL, &s, &err) == 0 ? s == NULL :
		    s != NULL)
			abort();
		fsim_signal_free(&s);
		if (fsim_client_signal(NULL, ro, callers[0], root, NULL, &s, &err) == 0 ?
		    s == NULL : s != NULL)
			abort();
	}
	fsim_signal_free(&s);
	fsim_related_origins_free(&ro);
	json_decref(root);
	fsim_diags_clear(&d);
	return 0;
}
