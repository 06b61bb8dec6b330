/*
 * fuzz_ctap.c — the CTAP 2.1 command parser and handlers: the input is a
 * request (command byte and CBOR map) for an authenticator with an in-memory
 * store and a seeded environment. A success must come with a canonical map.
 */
#include <stdlib.h>

#include "authenticator/authn.h"
#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[] = "fuzz_ctap";
	fsim_env_t env;
	fsim_store_t *store = NULL;
	fsim_authn_t *a = NULL;
	fsim_authn_config_t cfg;
	fsim_blob_t resp = { 0 };

	if (fsim_env_seeded(&env, seed, sizeof(seed)) != 0)
		abort();
	fsim_authn_config_init(&cfg);
	if (fsim_store_open(":memory:", &env, &store, NULL) != 0 ||
	    fsim_authn_new(&cfg, &env, store, &a) != 0)
		abort();
	if (fsim_authn_request(a, data, size, &resp) == 0 && resp.len > 0 &&
	    !fsim_cbor_is_canonical(resp.ptr, resp.len))
		abort();
	fsim_blob_reset(&resp);
	fsim_authn_free(&a);
	fsim_store_free(&store);
	fsim_env_free(&env);
	return 0;
}
