/* fuzz_reg.c — the whole registration ceremony (§7.1) on a response JSON. */
#include <string.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"
#include "rp-sim/rp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t challenge[32] = { 1, 2, 3 };
	static const char *origins[] = { "https://example.org" };
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	json_t *root;

	if ((root = json_loadb((const char *)data, size, 0, NULL)) == NULL)
		return 0;
	fsim_rp_policy_init(&p);
	p.rp_id = "example.org";
	p.origins = origins;
	p.n_origins = 1;
	p.challenge = challenge;
	p.challenge_len = sizeof(challenge);
	p.at = 1800000000;
	/* A verdict is always produced; "verified" means no FAIL was recorded. */
	if (fsim_rp_verify_registration(&p, root, &res) == 0 &&
	    res->verified != (fsim_checks_count(&res->checks, FSIM_CHECK_FAIL) == 0))
		__builtin_trap();
	fsim_rp_result_free(&res);
	json_decref(root);
	return 0;
}
