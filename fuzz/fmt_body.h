/*
 * fmt_body.h — the body shared by the fuzz_fmt_<name>.c targets: the input is
 * an attestation object; its statement goes to one format verifier whatever
 * its fmt says, with a fixed client data hash. Define FUZZ_FMT_FN first.
 */
#include <string.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"
#include "rp-sim/fmt.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_attobj_t *ao = NULL;
	fsim_fmt_result_t res = { FSIM_ATT_TYPE_UNKNOWN, NULL };
	fsim_fmt_ctx_t c;
	fsim_checks_t ck;
	fsim_diags_t d;

	fsim_diags_init(&d);
	fsim_checks_init(&ck);
	if (fsim_attobj_parse(data, size, &ao, &d) != 0 || ao->auth_data == NULL ||
	    ao->auth_data->cose_key == NULL)
		goto out;
	memset(&c, 0, sizeof(c));
	c.att_stmt = ao->att_stmt;
	c.auth_data = ao->auth_data_raw.ptr;
	c.auth_data_len = ao->auth_data_raw.len;
	c.ad = ao->auth_data;
	memset(c.client_data_hash, 0x5a, sizeof(c.client_data_hash));
	c.ck = &ck;
	/* A verified statement must have recorded no failure. */
	if (FUZZ_FMT_FN(&c, &res) == 0 && fsim_checks_count(&ck, FSIM_CHECK_FAIL) != 0)
		__builtin_trap();
out:
	fsim_fmt_result_reset(&res);
	fsim_attobj_free(&ao);
	fsim_checks_clear(&ck);
	fsim_diags_clear(&d);
	return 0;
}
