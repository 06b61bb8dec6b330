/*
 * bench_ctap.c — the bench's makeCredential and getAssertion requests (see
 * bench_ctap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/bench_ctap.h"
#include "core/fsim_core.h"

/* cmd | canonical CBOR of map (consumed). */
static int
ctap_req(uint8_t cmd, cbor_item_t *map, fsim_blob_t *out)
{
	fsim_blob_t enc = { 0 };
	int r = -1;

	if (map != NULL && fsim_cbor_encode(map, &enc) == 0 && fsim_blob_set(out, &cmd, 1) == 0 &&
	    fsim_blob_append(out, enc.ptr, enc.len) == 0)
		r = 0;
	if (map != NULL)
		cbor_decref(&map);
	fsim_blob_reset(&enc);
	return r;
}

int
fsim_bench_ctap_requests(fsim_authn_t *authn, const char *rp_id, int alg,
    const uint8_t cdh[32], const uint8_t uid[8], bool up_option, fsim_blob_t *mc,
    fsim_blob_t *ga)
{
	cbor_item_t *m, *rp, *user, *params, *p, *al, *d, *opts = NULL;
	fsim_blob_t req = { 0 }, resp = { 0 };
	cbor_item_t *rm = NULL;
	fsim_authdata_t *ad = NULL;
	const uint8_t *adp;
	size_t adn;
	int r = -1;

	m = cbor_new_definite_map(4);
	rp = cbor_new_definite_map(1);
	user = cbor_new_definite_map(1);
	params = cbor_new_definite_array(1);
	p = cbor_new_definite_map(2);
	if (m == NULL || rp == NULL || user == NULL || params == NULL || p == NULL ||
	    fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_bytes(cdh, 32)) != 0 ||
	    fsim_cbor_map_put(rp, fsim_cbor_text("id"), fsim_cbor_text(rp_id)) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(uid, 8)) != 0 ||
	    fsim_cbor_map_put(p, fsim_cbor_text("alg"), fsim_cbor_int(alg)) != 0 ||
	    fsim_cbor_map_put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0 ||
	    fsim_cbor_array_push(params, p) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(2), rp) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(3), user) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(4), params) != 0 ||
	    ctap_req(FSIM_CTAP_MAKE_CREDENTIAL, m, &req) != 0)
		goto out;
	if (fsim_authn_request(authn, req.ptr, req.len, &resp) != 0 ||
	    fsim_cbor_decode(resp.ptr, resp.len, &rm, NULL) != 0 ||
	    fsim_cbor_get_bytes(fsim_cbor_map_get_int(rm, 2), &adp, &adn) != 0 ||
	    fsim_authdata_parse(adp, adn, &ad, NULL) != 0 ||
	    fsim_cose_key_alg(ad->cose_key) != alg)
		goto out;
	m = cbor_new_definite_map(up_option ? 4 : 3);
	al = cbor_new_definite_array(1);
	d = cbor_new_definite_map(2);
	if (up_option)
		opts = cbor_new_definite_map(1);
	if (m == NULL || al == NULL || d == NULL || (up_option && opts == NULL) ||
	    fsim_cbor_map_put(m, fsim_cbor_int(1), fsim_cbor_text(rp_id)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_bytes(cdh, 32)) != 0 ||
	    fsim_cbor_map_put(d, fsim_cbor_text("id"), fsim_cbor_bytes(ad->cred_id.ptr,
	    ad->cred_id.len)) != 0 ||
	    fsim_cbor_map_put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0 ||
	    fsim_cbor_array_push(al, d) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(3), al) != 0 ||
	    (opts != NULL &&
	    (fsim_cbor_map_put(opts, fsim_cbor_text("up"), cbor_build_bool(true)) != 0 ||
	    fsim_cbor_map_put(m, fsim_cbor_int(5), opts) != 0)) ||
	    ctap_req(FSIM_CTAP_GET_ASSERTION, m, ga) != 0)
		goto out;
	if (mc != NULL) {
		*mc = req;
		memset(&req, 0, sizeof(req));
	}
	r = 0;
out:
	if (rm != NULL)
		cbor_decref(&rm);
	fsim_authdata_free(&ad);
	fsim_blob_reset(&req);
	fsim_blob_reset(&resp);
	return r;
}
