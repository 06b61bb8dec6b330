/*
 * conform_authn_info.c — the getInfo family of conform --authenticator
 * (CTAP 2.1 §6.4): the response's form, each member's type, what the
 * members say against each other, against libfido2's reading, and against
 * what makeCredential does.
 */
#include <stdio.h>
#include <string.h>

#include "harness/conform_authn_int.h"

#define F_INFO "authenticatorGetInfo (CTAP 2.1 6.4)"

static ax_verdict_t
info_form(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	memset(&r, 0, sizeof(r));
	ax_send(x, AX_INFO, NULL, &r);
	if (r.io != 0 || r.hid_error >= 0 || r.st != AX_OK)
		v = ax_say(AX_FAIL, d, n, "getInfo answered %s", ax_status(&r, st, sizeof(st)));
	else if (r.map == NULL || !cbor_isa_map(r.map))
		v = ax_say(AX_FAIL, d, n, "the %zu bytes after the status are not a CBOR map",
		    r.body.len);
	else if (!r.canonical)
		v = ax_say(AX_FAIL, d, n, "the map is not in the CTAP2 canonical encoding (8): "
		    "keys out of order or longer heads than needed");
	else
		v = ax_say(AX_PASS, d, n, "a canonical map of %zu members", cbor_map_size(r.map));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
info_versions(ax_t *x, char *d, size_t n)
{
	const fsim_devinfo_t *i = x->info;

	if (i->n_versions == 0)
		return ax_say(AX_FAIL, d, n, "versions (0x01) is missing or empty");
	if (!fsim_devinfo_has_version(i, "FIDO_2_0") && !fsim_devinfo_has_version(i, "FIDO_2_1") &&
	    !fsim_devinfo_has_version(i, "FIDO_2_1_PRE"))
		return ax_say(AX_FAIL, d, n, "versions names neither FIDO_2_0 nor FIDO_2_1 "
		    "(first: %s)", i->versions[0]);
	return ax_say(AX_PASS, d, n, "%zu versions, %s%s", i->n_versions,
	    fsim_devinfo_has_version(i, "FIDO_2_1") ? "FIDO_2_1" : "FIDO_2_0",
	    fsim_devinfo_has_version(i, "U2F_V2") ? " and U2F_V2" : "");
}

static ax_verdict_t
info_u2f(ax_t *x, char *d, size_t n)
{
	bool u2f = fsim_devinfo_has_version(x->info, "U2F_V2");
	bool msg = !(fsim_device_hid(x->dev)->caps & FSIM_HIDC_CAP_NMSG);

	if (u2f != msg)
		return ax_say(AX_FAIL, d, n, "versions %s U2F_V2 but CTAPHID_INIT says MSG is %s "
		    "(capability NMSG %s)", u2f ? "lists" : "does not list", msg ? "supported" :
		    "not supported", msg ? "clear" : "set");
	return ax_say(AX_PASS, d, n, "U2F_V2 %s and CTAPHID MSG %s", u2f ? "listed" : "not listed",
	    msg ? "supported" : "not supported");
}

static ax_verdict_t
info_aaguid(ax_t *x, char *d, size_t n)
{
	char a[FSIM_AAGUID_STRLEN + 1];

	if (!x->info->has_aaguid)
		return ax_say(AX_FAIL, d, n, "aaguid (0x03) is missing or not a 16-byte string");
	fsim_aaguid_format(x->info->aaguid, a);
	return ax_say(AX_PASS, d, n, "%s", a);
}

static ax_verdict_t
info_types(ax_t *x, char *d, size_t n)
{
	const fsim_blob_t *raw = fsim_device_info_raw(x->dev);
	fsim_devinfo_t again;
	fsim_diags_t dg;
	char line[300];
	ax_verdict_t v;

	fsim_diags_init(&dg);
	if (fsim_devinfo_parse(raw->ptr, raw->len, &again, &dg) != 0 || dg.n > 0) {
		if (dg.n > 0)
			fsim_diag_format(&dg.v[0], line, sizeof(line));
		else
			snprintf(line, sizeof(line), "not a map");
		v = ax_say(AX_FAIL, d, n, "%zu member(s) of the wrong type; first: %s", dg.n, line);
	} else
		v = ax_say(AX_PASS, d, n, "every member has its type");
	fsim_diags_clear(&dg);
	return v;
}

static ax_verdict_t
info_protocols(ax_t *x, char *d, size_t n)
{
	const fsim_devinfo_t *i = x->info;
	bool pin = fsim_devinfo_option(i, "clientPin") != -1;
	bool tok = fsim_devinfo_option(i, "pinUvAuthToken") == 1;
	size_t k;

	for (k = 0; k < i->n_pin_protocols; k++)
		if (i->pin_protocols[k] != 1 && i->pin_protocols[k] != 2)
			return ax_say(AX_FAIL, d, n, "pinUvAuthProtocols lists %llu, not a protocol "
			    "CTAP 2.1 defines (1, 2)", (unsigned long long)i->pin_protocols[k]);
	if (!pin && !tok)
		return ax_say(AX_SKIP, d, n, "no clientPin and no pinUvAuthToken advertised");
	if (i->n_pin_protocols == 0 && fsim_devinfo_has_version(i, "FIDO_2_1"))
		return ax_say(AX_FAIL, d, n, "%s advertised but pinUvAuthProtocols (0x06) is "
		    "missing", tok ? "pinUvAuthToken" : "clientPin");
	return ax_say(AX_PASS, d, n, "%zu protocol(s), preferred %llu", i->n_pin_protocols,
	    (unsigned long long)fsim_devinfo_pin_protocol(i));
}

static ax_verdict_t
info_algorithms(ax_t *x, char *d, size_t n)
{
	if (!x->info->has_algs)
		return ax_say(AX_SKIP, d, n, "algorithms (0x0A) not given (optional)");
	if (x->info->n_algs == 0)
		return ax_say(AX_FAIL, d, n, "algorithms lists no public-key algorithm");
	return ax_say(AX_PASS, d, n, "%zu public-key algorithm(s)", x->info->n_algs);
}

static ax_verdict_t
info_stable(ax_t *x, char *d, size_t n)
{
	ax_resp_t r;
	fsim_devinfo_t b;
	const fsim_devinfo_t *a = x->info;
	char st[96];
	ax_verdict_t v;

	memset(&r, 0, sizeof(r));
	ax_send(x, AX_INFO, NULL, &r);
	if (r.io != 0 || r.st != AX_OK || fsim_devinfo_parse(r.body.ptr, r.body.len, &b, NULL) != 0)
		v = ax_say(AX_FAIL, d, n, "the second getInfo answered %s", ax_status(&r, st,
		    sizeof(st)));
	else if (memcmp(a->versions, b.versions, sizeof(a->versions)) != 0 ||
	    memcmp(a->aaguid, b.aaguid, 16) != 0 || a->n_options != b.n_options ||
	    memcmp(a->options, b.options, sizeof(a->options)) != 0 ||
	    a->n_algs != b.n_algs || memcmp(a->algs, b.algs, sizeof(a->algs)) != 0)
		v = ax_say(AX_FAIL, d, n, "versions, AAGUID, options or algorithms changed between "
		    "two calls with nothing in between");
	else
		v = ax_say(AX_PASS, d, n, "the same versions, AAGUID, options and algorithms");
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
info_libfido2(ax_t *x, char *d, size_t n)
{
	json_t *lib, *ours;
	char why[300];
	ax_verdict_t v;
	const char *k;
	json_t *val;

	if ((lib = fsim_device_fido_info(x->dev, why, sizeof(why))) == NULL)
		return ax_say(AX_FAIL, d, n, "libfido2 could not read getInfo: %s", why);
	if ((ours = fsim_devinfo_json(x->info)) == NULL) {
		json_decref(lib);
		return ax_say(AX_FAIL, d, n, "out of memory");
	}
	v = AX_PASS;
	if (!json_equal(json_object_get(lib, "versions"), json_object_get(ours, "versions")))
		v = ax_say(AX_FAIL, d, n, "libfido2 reads other versions");
	else if (!json_equal(json_object_get(lib, "aaguid"), json_object_get(ours, "aaguid")))
		v = ax_say(AX_FAIL, d, n, "libfido2 reads another AAGUID");
	else
		json_object_foreach(json_object_get(ours, "options"), k, val)
			if (!json_equal(val, json_object_get(json_object_get(lib, "options"), k))) {
				v = ax_say(AX_FAIL, d, n, "libfido2 reads option %s otherwise", k);
				break;
			}
	if (v == AX_PASS)
		ax_say(AX_PASS, d, n, "libfido2 (fido_dev_get_cbor_info) reads the same versions, "
		    "AAGUID and options");
	json_decref(lib);
	json_decref(ours);
	return v;
}

static ax_verdict_t
info_aaguid_mc(ax_t *x, char *d, size_t n)
{
	char a[FSIM_AAGUID_STRLEN + 1], b[FSIM_AAGUID_STRLEN + 1];

	if (!ax_need_a(x, d, n))
		return AX_FAIL;
	if (!x->info->has_aaguid)
		return ax_say(AX_FAIL, d, n, "getInfo gives no AAGUID to compare");
	fsim_aaguid_format(x->info->aaguid, a);
	fsim_aaguid_format(x->a.aaguid, b);
	if (fsim_aaguid_is_zero(x->a.aaguid))
		return ax_say(AX_PASS, d, n, "the credential's AAGUID is zero (allowed: U2F-style "
		    "or privacy); getInfo says %s", a);
	if (memcmp(x->info->aaguid, x->a.aaguid, 16) != 0)
		return ax_say(AX_FAIL, d, n, "getInfo says %s but the credential's attested data "
		    "says %s", a, b);
	return ax_say(AX_PASS, d, n, "%s in both", a);
}

static ax_verdict_t
info_algs_mc(ax_t *x, char *d, size_t n)
{
	size_t k, tried = 0;
	char st[96], names[200] = "";

	if (!x->info->has_algs || x->info->n_algs == 0)
		return ax_say(AX_SKIP, d, n, "no algorithms listed to try");
	for (k = 0; k < x->info->n_algs; k++) {
		int alg = (int)x->info->algs[k];
		cbor_item_t *m, *params, *p;
		ax_resp_t r;
		int got;

		if (fsim_cose_alg_name(alg) == NULL)
			continue;      /* one fidosim cannot read */
		memset(&r, 0, sizeof(r));
		m = ax_mc_map(x, NULL, NULL);
		params = cbor_new_definite_array(1);
		p = cbor_new_definite_map(2);
		if (m == NULL || params == NULL || p == NULL ||
		    fsim_cbor_map_put(p, fsim_cbor_text("alg"), fsim_cbor_int(alg)) != 0 ||
		    fsim_cbor_map_put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key")) != 0) {
			if (m != NULL)
				cbor_decref(&m);
			if (params != NULL)
				cbor_decref(&params);
			if (p != NULL)
				cbor_decref(&p);
			return ax_say(AX_FAIL, d, n, "out of memory");
		}
		if (fsim_cbor_array_push(params, p) != 0 || ax_set(&m, 4, params) != 0) {
			if (m != NULL)
				cbor_decref(&m);
			return ax_say(AX_FAIL, d, n, "out of memory");
		}
		ax_send(x, AX_MC, m, &r);
		cbor_decref(&m);
		ax_read_mc(&r);
		got = r.adp != NULL && r.adp->cose_key != NULL ? fsim_cose_key_alg(r.adp->cose_key) : 0;
		if (r.st != AX_OK || got != alg) {
			ax_verdict_t v = ax_say(AX_FAIL, d, n, "getInfo lists %s (%d) but makeCredential "
			    "with only that alg answered %s%s", fsim_cose_alg_name(alg), alg,
			    ax_status(&r, st, sizeof(st)), r.st == AX_OK ? ", with a key of another "
			    "algorithm" : "");
			ax_resp_reset(&r);
			return v;
		}
		ax_resp_reset(&r);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
		    tried ? ", " : "", fsim_cose_alg_name(alg));
		tried++;
	}
	if (tried == 0)
		return ax_say(AX_SKIP, d, n, "none of the listed algorithms is one fidosim knows");
	return ax_say(AX_PASS, d, n, "each made a key of its algorithm: %s", names);
}

const ax_case_t fsim_ax_info_cases[] = {
	{ "INFO-01", F_INFO, "CTAP 2.1 6.4, 8", "getInfo answers CTAP2_OK with a map in "
	  "canonical CBOR", false, info_form },
	{ "INFO-02", F_INFO, "CTAP 2.1 6.4 versions", "versions are text strings naming "
	  "FIDO_2_0 or FIDO_2_1", false, info_versions },
	{ "INFO-03", F_INFO, "CTAP 2.1 6.4 versions, 11.2.9.1.3", "U2F_V2 is listed exactly when "
	  "CTAPHID MSG is supported", false, info_u2f },
	{ "INFO-04", F_INFO, "CTAP 2.1 6.4 aaguid", "the AAGUID is 16 bytes", false, info_aaguid },
	{ "INFO-05", F_INFO, "CTAP 2.1 6.4", "every member has the type the spec gives it",
	  false, info_types },
	{ "INFO-06", F_INFO, "CTAP 2.1 6.4 pinUvAuthProtocols", "PIN/UV auth protocols are listed "
	  "(1 or 2) when clientPin or pinUvAuthToken is", false, info_protocols },
	{ "INFO-07", F_INFO, "CTAP 2.1 6.4 algorithms", "algorithms lists public-key algorithms",
	  false, info_algorithms },
	{ "INFO-08", F_INFO, "CTAP 2.1 6.4", "a second getInfo says the same", false, info_stable },
	{ "INFO-09", F_INFO, "CTAP 2.1 6.4", "libfido2 reads the same AAGUID, versions and "
	  "options", false, info_libfido2 },
	{ "INFO-10", F_INFO, "CTAP 2.1 6.4 aaguid; WebAuthn L3 6.5.1", "a new credential's "
	  "AAGUID is getInfo's (or zero)", false, info_aaguid_mc },
	{ "INFO-11", F_INFO, "CTAP 2.1 6.4 algorithms, 6.1.2 step 3", "each listed algorithm "
	  "makes a credential key of that algorithm", false, info_algs_mc },
	{ NULL, NULL, NULL, NULL, false, NULL },
};
