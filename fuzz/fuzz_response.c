/* fuzz_response.c — response JSON (registration or authentication) and the blobs inside it. */
#include <stdlib.h>

#include "core/fsim_core.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_reg_response_t *rr = NULL;
	fsim_auth_response_t *ar = NULL;
	fsim_attobj_t *ao = NULL;
	fsim_authdata_t *ad = NULL;
	fsim_clientdata_t *cd = NULL;
	json_t *root = NULL, *back = NULL;
	fsim_diags_t d;

	fsim_diags_init(&d);
	if (fsim_json_load(data, size, &root, &d, "input") != 0)
		goto out;
	switch (fsim_response_kind(root)) {
	case FSIM_CEREMONY_REGISTRATION:
		if (fsim_reg_response_parse(root, &rr, &d) != 0)
			break;
		if (fsim_attobj_parse(rr->attestation_object.ptr,
		    rr->attestation_object.len, &ao, &d) == 0 && ao->auth_data == NULL)
			abort();
		if (fsim_clientdata_parse(rr->client_data_json.ptr,
		    rr->client_data_json.len, &cd, &d) == 0 && cd == NULL)
			abort();
		/* What parses must serialise back as the same kind. */
		back = fsim_reg_response_to_json(rr);
		if (back == NULL || fsim_response_kind(back) != FSIM_CEREMONY_REGISTRATION)
			abort();
		break;
	case FSIM_CEREMONY_AUTHENTICATION:
		if (fsim_auth_response_parse(root, &ar, &d) != 0)
			break;
		if (fsim_authdata_parse(ar->authenticator_data.ptr,
		    ar->authenticator_data.len, &ad, &d) == 0 && ad == NULL)
			abort();
		if (fsim_clientdata_parse(ar->client_data_json.ptr,
		    ar->client_data_json.len, &cd, &d) == 0 && cd == NULL)
			abort();
		back = fsim_auth_response_to_json(ar);
		if (back == NULL || fsim_response_kind(back) != FSIM_CEREMONY_AUTHENTICATION)
			abort();
		break;
	default:
		break;
	}
out:
	json_decref(back);
	json_decref(root);
	fsim_reg_response_free(&rr);
	fsim_auth_response_free(&ar);
	fsim_attobj_free(&ao);
	fsim_authdata_free(&ad);
	fsim_clientdata_free(&cd);
	fsim_diags_clear(&d);
	return 0;
}
