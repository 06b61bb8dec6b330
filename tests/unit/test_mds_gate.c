/*
 * test_mds_gate.c — a registration (and an assertion) by an authenticator
 * whose MDS3 entry is certified, REVOKED, REVOKED listed before a
 * later-listed NOT_FIDO_CERTIFIED (TruU's shape in BLOB no 121),
 * ATTESTATION_KEY_COMPROMISE, or absent, judged under every RP policy
 * preset with the BLOB (policy.mds): each gets its library's verdict
 * (rp-sim/mds_policy.c), and a library that reads no BLOB gets the verdict
 * it has without one. The registration is the software authenticator's
 * packed x5c through the in-process pipeline; the BLOB's entry lists the
 * attestation CA (the x5c's last certificate) as its root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness/pipeline.h"
#include "mds/mds.h"
#include "rp-sim/mds_policy.h"
#include "rp-sim/x509util.h"
#include "tests/unit/mds_fixture.h"

#define AAGUID "5ca1ab1e-0000-4000-8000-0000000000e1"

static const uint8_t seed[] = { 0x3d, 0x5e };
static mx_chain_t chain;
static fsim_pipe_result_t reg, auth;
static X509 *att_ca;                 /* the x5c's top certificate */
static fsim_cred_record_t *record;   /* the registration's record, without a BLOB */

enum { V_CERT = 0, V_REVOKED, V_TRUU, V_AKC, V_UNLISTED, V__N };
static const char *const vnames[V__N] = { "certified", "revoked", "truu", "akc", "unlisted" };
static const char *const vreports[V__N] = {
	"[{\"status\": \"FIDO_CERTIFIED_L1\", \"effectiveDate\": \"2020-05-12\"}]",
	"[{\"status\": \"REVOKED\", \"effectiveDate\": \"2023-01-01\"}]",
	"[{\"status\": \"REVOKED\", \"effectiveDate\": \"2023-12-20\"}, {\"status\": "
	    "\"NOT_FIDO_CERTIFIED\", \"effectiveDate\": \"2023-11-07\"}]",
	"[{\"status\": \"FIDO_CERTIFIED\", \"effectiveDate\": \"2020-01-01\"}, {\"status\": "
	    "\"ATTESTATION_KEY_COMPROMISE\", \"effectiveDate\": \"2024-01-01\"}]",
	NULL,
};
static fsim_mds_t *blobs[V__N];

/* Each library's registration verdict per variant: 'V' verified and trusted by the
 * statement's root, 'u' verified but untrusted, 'x' refused; the rule that refuses. */
static const struct {
	const char *preset;
	const char verdict[V__N + 1];
	const char *rule[V__N];
} expect[] = {
	{ "spec", "Vxxxu", { NULL, "ATT-MDS-02", "ATT-MDS-02", "ATT-MDS-02", NULL } },
	{ "simplewebauthn", "VVVxx", { NULL, NULL, NULL, "ATT-MDS-02", "ATT-MDS-01" } },
	{ "java-webauthn-server", "Vuuuu", { NULL, NULL, NULL, NULL, NULL } },
	{ "go-webauthn", "Vxxxx", { NULL, "ATT-MDS-02", "ATT-MDS-02", "ATT-MDS-02", "ATT-MDS-01" } },
	{ "fido2-net-lib", "VxVxu", { NULL, "ATT-MDS-02", NULL, "ATT-MDS-02", NULL } },
};

static json_t *
blob_entries(int v)
{
	json_t *e = json_array();

	json_array_append_new(e, mx_entry("11111111-0000-4000-8000-000000000099", "Another Key",
	    "[{\"status\": \"FIDO_CERTIFIED\", \"effectiveDate\": \"2020-01-01\"}]", NULL));
	if (vreports[v] != NULL)
		json_array_append_new(e, mx_entry(AAGUID, "Gate Test Key", vreports[v], att_ca));
	return e;
}

static void
policy(const fsim_pipe_result_t *r, const fsim_rp_preset_t *ps, const char *const *origins,
    fsim_mds_t *mds, fsim_rp_policy_t *p)
{
	fsim_rp_policy_init(p);
	fsim_rp_preset_apply(ps, p);
	p->rp_id = r->rp_id;
	p->origins = origins;
	p->n_origins = 1;
	p->challenge = r->challenge;
	p->challenge_len = 32;
	p->conveyance = FSIM_CONVEY_DIRECT;
	p->mds = mds;
}

static int
setup(void **state)
{
	fsim_authn_config_t c;
	fsim_pipe_rp_t rp;
	fsim_pipe_t *p = NULL;
	const fsim_rp_preset_t *spec[1] = { fsim_rp_preset_find("spec") };
	const char *origins[1];
	fsim_rp_policy_t pol;
	fsim_rp_result_t *res = NULL;
	fsim_blob_t ao = { 0 };
	fsim_attobj_t *obj = NULL;
	STACK_OF(X509) *x5c = NULL;
	fsim_checks_t ck;
	time_t now = time(NULL);
	int v;

	(void)state;
	fsim_authn_config_init(&c);
	assert_int_equal(fsim_aaguid_parse(AAGUID, c.aaguid), 0);
	c.attestation = FSIM_ATTFMT_PACKED;
	memset(&rp, 0, sizeof(rp));
	rp.attestation = "direct";
	rp.presets = spec;
	rp.n_presets = 1;
	assert_int_equal(fsim_pipe_new(&c, NULL, seed, sizeof(seed), &p), 0);
	assert_int_equal(fsim_pipe_register(p, &rp, &reg), 0);
	assert_non_null(reg.response);
	assert_int_equal(fsim_pipe_authenticate(p, &rp, &auth), 0);
	assert_non_null(auth.response);
	fsim_pipe_free(&p);
	/* the attestation CA: the last certificate of the response's x5c */
	assert_int_equal(fsim_b64url_decode(json_string_value(json_object_get(json_object_get(
	    reg.response, "response"), "attestationObject")), strlen(json_string_value(
	    json_object_get(json_object_get(reg.response, "response"), "attestationObject"))),
	    &ao, NULL, NULL), 0);
	assert_int_equal(fsim_attobj_parse(ao.ptr, ao.len, &obj, NULL), 0);
	fsim_checks_init(&ck);
	assert_int_equal(fsim_x5c_parse(fsim_cbor_map_get_str(obj->att_stmt, "x5c"), &x5c, &ck,
	    FSIM_R_ATT_PACKED_01, "x5c"), 0);
	assert_true(sk_X509_num(x5c) >= 2);
	att_ca = sk_X509_value(x5c, sk_X509_num(x5c) - 1);
	X509_up_ref(att_ca);
	sk_X509_pop_free(x5c, X509_free);
	fsim_checks_clear(&ck);
	fsim_attobj_free(&obj);
	fsim_blob_reset(&ao);
	/* the record an RP keeps, for the assertion */
	origins[0] = reg.origin;
	policy(&reg, spec[0], origins, NULL, &pol);
	assert_int_equal(fsim_rp_verify_registration(&pol, reg.response, &res), 0);
	assert_true(res->verified);
	record = res->record;
	res->record = NULL;
	fsim_rp_result_free(&res);
	/* one BLOB per variant, signed by the test MDS chain */
	mx_chain_make(&chain, false, now - 30 * MX_DAY, now + 300 * MX_DAY);
	for (v = 0; v < V__N; v++) {
		char *pl = mx_payload(blob_entries(v), 10 + v, "2099-01-01"), *jws = mx_blob(&chain, pl);
		fsim_mds_opts_t o;
		const char *roots[1] = { chain.root_pem };
		fsim_diags_t d;

		fsim_mds_opts_init(&o);
		o.roots = roots;
		o.n_roots = 1;
		fsim_diags_init(&d);
		assert_int_equal(fsim_mds_load((const uint8_t *)jws, strlen(jws), &o, NULL,
		    &blobs[v], &d), 0);
		fsim_diags_clear(&d);
		free(jws);
		free(pl);
	}
	return 0;
}

static int
teardown(void **state)
{
	int v;

	(void)state;
	for (v = 0; v < V__N; v++)
		fsim_mds_free(&blobs[v]);
	fsim_record_free(&record);
	fsim_pipe_result_reset(&reg);
	fsim_pipe_result_reset(&auth);
	X509_free(att_ca);
	mx_chain_free(&chain);
	return 0;
}

static bool
failed(const fsim_rp_result_t *res, const char *rule)
{
	fsim_rule_id_t r;

	return fsim_rule_find(rule, &r) && fsim_checks_failed(&res->checks, r);
}

static void
test_registration_per_preset(void **state)
{
	const char *origins[1] = { reg.origin };
	size_t i, k;
	int v;

	(void)state;
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_rp_preset_t *ps = fsim_rp_preset_at(i);
		const fsim_mds_gate_t *g = fsim_mds_gate_find(ps->name);
		fsim_rp_policy_t pol;
		fsim_rp_result_t *base = NULL;

		assert_non_null(g);
		/* the verdict of this library without a BLOB */
		policy(&reg, ps, origins, NULL, &pol);
		assert_int_equal(fsim_rp_verify_registration(&pol, reg.response, &base), 0);
		for (k = 0; k < sizeof(expect) / sizeof(expect[0]); k++)
			if (strcmp(expect[k].preset, ps->name) == 0)
				break;
		if (g->consults && k == sizeof(expect) / sizeof(expect[0]))
			fail_msg("no expected verdicts for %s, whose library reads the BLOB", ps->name);
		for (v = 0; v < V__N; v++) {
			fsim_rp_result_t *res = NULL;

			policy(&reg, ps, origins, blobs[v], &pol);
			assert_int_equal(fsim_rp_verify_registration(&pol, reg.response, &res), 0);
			/* the BLOB names the authenticator, whatever the library */
			if (v != V_UNLISTED) {
				assert_non_null(res->mds_entry);
				assert_string_equal(res->mds_entry->description, "Gate Test Key");
			} else
				assert_null(res->mds_entry);
			if (!g->consults) {
				if (res->verified != base->verified || res->att_trusted != base->att_trusted)
					fail_msg("%s reads no BLOB, but %s changed its verdict", ps->name,
					    vnames[v]);
			} else {
				char want = expect[k].verdict[v];
				bool ok = want == 'x' ? !res->verified : res->verified &&
				    res->att_trusted == (want == 'V');

				if (!ok)
					fail_msg("%s, %s: verified %d trusted %d, want %c", ps->name,
					    vnames[v], res->verified, res->att_trusted, want);
				if (expect[k].rule[v] != NULL && !failed(res, expect[k].rule[v]))
					fail_msg("%s, %s: %s did not fail", ps->name, vnames[v],
					    expect[k].rule[v]);
			}
			fsim_rp_result_free(&res);
		}
		fsim_rp_result_free(&base);
	}
}

/* go-webauthn checks statuses at every login; spec warns; simplewebauthn does not look. */
static void
test_authentication(void **state)
{
	const char *origins[1] = { auth.origin };
	struct { const char *preset; int v; bool verified; fsim_check_status_t st; } cases[] = {
		{ "go-webauthn", V_REVOKED, false, FSIM_CHECK_FAIL },
		{ "go-webauthn", V_UNLISTED, false, FSIM_CHECK_FAIL },
		{ "go-webauthn", V_CERT, true, FSIM_CHECK_PASS },
		{ "spec", V_REVOKED, true, FSIM_CHECK_WARN },
		{ "spec", V_CERT, true, FSIM_CHECK_PASS },
		{ "simplewebauthn", V_REVOKED, true, FSIM_CHECK_INFO /* none recorded */ },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fsim_rp_policy_t pol;
		fsim_rp_result_t *res = NULL;
		bool seen = false;

		policy(&auth, fsim_rp_preset_find(cases[i].preset), origins, blobs[cases[i].v], &pol);
		assert_int_equal(fsim_rp_verify_authentication(&pol, auth.response, record, &res), 0);
		if (res->verified != cases[i].verified)
			fail_msg("%s, %s: verified %d", cases[i].preset, vnames[cases[i].v],
			    res->verified);
		for (j = 0; j < res->checks.n; j++)
			if (res->checks.v[j].rule == FSIM_R_AUTH_MDS_01) {
				assert_int_equal(res->checks.v[j].status, cases[i].st);
				seen = true;
			}
		assert_true(seen == (cases[i].st != FSIM_CHECK_INFO));
		/* the record's authenticator is named from its attestation object */
		if (cases[i].v != V_UNLISTED)
			assert_non_null(res->mds_entry);
		fsim_rp_result_free(&res);
	}
}

/* The registration's report: the entry, by AAGUID, and the library's text for a refusal. */
static void
test_library_text(void **state)
{
	const char *origins[1] = { reg.origin };
	fsim_rp_policy_t pol;
	fsim_rp_result_t *res = NULL;

	(void)state;
	policy(&reg, fsim_rp_preset_find("simplewebauthn"), origins, blobs[V_AKC], &pol);
	assert_int_equal(fsim_rp_verify_registration(&pol, reg.response, &res), 0);
	assert_false(res->verified);
	assert_string_equal(res->mds_matched, "aaguid");
	assert_non_null(res->mds_gate);
	assert_string_equal(fsim_mds_gate_error_text(res->mds_gate, "ATT-MDS-02"),
	    "Detected compromised aaguid \"{aaguid}\"");
	fsim_rp_result_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registration_per_preset),
		cmocka_unit_test(test_authentication),
		cmocka_unit_test(test_library_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
