/*
 * fuzz_auth.c — the whole authentication ceremony (§7.2) on a response JSON,
 * against the credential record of the W3C packed-es256 vector.
 */
#include <string.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"
#include "rp-sim/rp.h"

static const char record_json[] =
    "{\"type\":\"public-key\",\"id\":\"yab1s0YtAoc_6gxWhiI0-Z8IFygITlEbt3YCAaiQVKU\","
    "\"publicKey\":\"pQECAyYgASFYIBzyfyXaWRIIpCOcLjJPEE9YVSVHmint7t2DD0jneurlIlggWeS32mwBBuIGzjkMk6uYoVpew4h-V_DMK-zoA7kgxCM\","
    "\"signCount\":0,\"uvInitialized\":true,\"backupEligible\":true,\"backupState\":false}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fsim_cred_record_t *rec;
	static const uint8_t challenge[32] = { 1, 2, 3 };
	static const char *origins[] = { "https://example.org" };
	fsim_rp_policy_t p;
	fsim_rp_result_t *res = NULL;
	json_t *root, *rj;

	if (rec == NULL) {
		rj = json_loads(record_json, 0, NULL);
		if (rj == NULL || fsim_record_from_json(rj, &rec, NULL) != 0)
			__builtin_trap();
		json_decref(rj);
	}
	if ((root = json_loadb((const char *)data, size, 0, NULL)) == NULL)
		return 0;
	fsim_rp_policy_init(&p);
	p.rp_id = "example.org";
	p.origins = origins;
	p.n_origins = 1;
	p.challenge = challenge;
	p.challenge_len = sizeof(challenge);
	if (fsim_rp_verify_authentication(&p, root, rec, &res) == 0 &&
	    res->verified != (fsim_checks_count(&res->checks, FSIM_CHECK_FAIL) == 0))
		__builtin_trap();
	fsim_rp_result_free(&res);
	json_decref(root);
	return 0;
}
