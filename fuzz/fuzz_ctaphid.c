/*
 * fuzz_ctaphid.c — CTAPHID framing: the input is a sequence of 64-byte
 * reports (the last one zero padded), fed to a fresh CTAPHID state with an
 * in-memory authenticator behind it. Whatever arrives is answered or
 * dropped: neither call may fail while the output sink works.
 */
#include <stdlib.h>
#include <string.h>

#include "authenticator/ctaphid.h"
#include "fuzz/fuzz.h"

static int
sink(void *ctx, const uint8_t report[FSIM_HID_REPORT])
{
	(void)report;
	(*(size_t *)ctx)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[] = "fuzz_ctaphid";
	fsim_env_t env;
	fsim_store_t *store = NULL;
	fsim_authn_t *a = NULL;
	fsim_ctaphid_t *h = NULL;
	fsim_authn_config_t cfg;
	uint8_t rep[FSIM_HID_REPORT];
	size_t off, out = 0;
	uint64_t ms = 0;

	if (fsim_env_seeded(&env, seed, sizeof(seed)) != 0)
		abort();
	fsim_authn_config_init(&cfg);
	if (fsim_store_open(":memory:", &env, &store, NULL) != 0 ||
	    fsim_authn_new(&cfg, &env, store, &a) != 0 ||
	    fsim_ctaphid_new(a, &env, sink, &out, &h) != 0)
		abort();
	for (off = 0; off < size && off < 64 * 256; off += FSIM_HID_REPORT) {
		size_t n = size - off < FSIM_HID_REPORT ? size - off : FSIM_HID_REPORT;

		memset(rep, 0, sizeof(rep));
		memcpy(rep, data + off, n);
		/* The byte after the report decides whether time passes (timeouts). */
		ms += (off + n < size && (data[off + n - 1] & 0x80)) ? 600 : 1;
		/* Protocol errors are answered and return 0; our sink never fails. */
		if (fsim_ctaphid_tick(h, ms) != 0 || fsim_ctaphid_input(h, rep) != 0)
			abort();
	}
	fsim_ctaphid_free(&h);
	fsim_authn_free(&a);
	fsim_store_free(&store);
	fsim_env_free(&env);
	return 0;
}
