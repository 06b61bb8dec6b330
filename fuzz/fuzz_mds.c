/*
 * fuzz_mds.c — the MDS3 BLOB parser (mds/mds.h): any bytes, either an
 * index or diagnostics naming the rule; never a crash or a hang. The
 * signature and chain are not checked (no_verify), so the payload parser is
 * reached with any input; every entry is then read as the status gates do.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "mds/mds.h"
#include "rp-sim/mds_policy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_mds_opts_t o;
	fsim_mds_info_t info;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;
	size_t i, k;
	int r;

	fsim_mds_opts_init(&o);
	o.no_verify = true;
	o.at = 1733097600;   /* 2024-12-02, so the runs are reproducible */
	o.min_no = 100;
	fsim_diags_init(&d);
	r = fsim_mds_load(data, size, &o, &info, &m, &d);
	/* The out-param is set exactly when the BLOB is valid; an invalid one says why. */
	if ((r == 0) != (m != NULL) || (r != 0 && r != FSIM_ERR_NOMEM &&
	    fsim_diags_count(&d, FSIM_SEV_ERROR) == 0))
		abort();
	for (i = 0; i < fsim_mds_count(m); i++) {
		const fsim_mds_entry_t *e = fsim_mds_at(m, i);
		const fsim_mds_entry_t *found = NULL;

		(void)fsim_mds_current(e, o.at);
		(void)fsim_mds_last_listed(e);
		(void)fsim_mds_certification(e, o.at);
		for (k = 0; k < fsim_mds_gate_count(); k++) {
			const fsim_mds_report_t *why;

			(void)fsim_mds_gate_judge(fsim_mds_gate_at(k), e, o.at, NULL, &why);
		}
		if (e->has_aaguid && !fsim_aaguid_is_zero(e->aaguid) &&
		    (found = fsim_mds_find_aaguid(m, e->aaguid)) == NULL)
			abort();   /* every listed AAGUID is found */
		for (k = 0; k < e->n_ackis; k++)
			if (fsim_mds_find_acki(m, e->ackis[k]) == NULL)
				abort();
	}
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	return 0;
}
