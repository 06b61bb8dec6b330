/*
 * test_mds.c — the MDS3 BLOB (mds/): every case of the BLOB's processing
 * rules on BLOBs made here and signed by a test CA (mds_fixture.h):
 * valid ES256 and RS256 BLOBs; truncated, wrong signature, wrong alg, x5u,
 * no x5c; an expired signing certificate checked at its own date; the
 * R46-by-R3 cross-signed root; revocation by CRL; payload members, `no`
 * going backwards, nextUpdate passed; entries with unknown members and
 * statuses, no identifier, bad types, duplicates; status reports unsorted
 * and REVOKED listed before a later-listed, earlier-dated report; lookups;
 * and each RP library's status gate (rp-sim/mds_policy.c) on those entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/x509_vfy.h>

#include "mds/mds.h"
#include "rp-sim/mds_policy.h"
#include "rp-sim/policy_preset.h"
#include "rp-sim/rules.h"
#include "tests/unit/mds_fixture.h"

static time_t now;
static mx_chain_t ec, rsa;

#define AAG_OK "11111111-2222-4333-8444-000000000001"
#define AAG_REV "11111111-2222-4333-8444-000000000002"
#define AAG_TRUU "11111111-2222-4333-8444-000000000003"

static int
setup(void **state)
{
	(void)state;
	now = time(NULL);
	mx_chain_make(&ec, false, now - 30 * MX_DAY, now + 300 * MX_DAY);
	mx_chain_make(&rsa, true, now - 30 * MX_DAY, now + 300 * MX_DAY);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mx_chain_free(&ec);
	mx_chain_free(&rsa);
	return 0;
}

/* Load jws against root_pem at `at`; d collects the diagnostics. */
static int
load(const char *jws, const char *root_pem, time_t at, long min_no, fsim_mds_info_t *info,
    fsim_mds_t **m, fsim_diags_t *d)
{
	fsim_mds_opts_t o;
	const char *roots[1] = { root_pem };

	fsim_mds_opts_init(&o);
	o.at = at;
	o.roots = roots;
	o.n_roots = 1;
	o.min_no = min_no;
	return fsim_mds_load((const uint8_t *)jws, strlen(jws), &o, info, m, d);
}

static bool
has(const fsim_diags_t *d, const char *rule, fsim_sev_t sev)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0 && d->v[i].sev == sev)
			return true;
	return false;
}

static bool
msg_has(const fsim_diags_t *d, const char *rule, const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0 && strstr(d->v[i].msg, text) != NULL)
			return true;
	return false;
}

/* Three entries: a certified one, a revoked one, TruU's shape (REVOKED listed first, dated later). */
static char *
std_payload(long no, const char *next)
{
	json_t *e = json_array();

	json_array_append_new(e, mx_entry(AAG_OK, "Test Key", "[{\"status\": \"FIDO_CERTIFIED_L1\","
	    " \"effectiveDate\": \"2020-05-12\"}, {\"status\": \"FIDO_CERTIFIED\", "
	    "\"effectiveDate\": \"2020-05-12\"}]", ec.root));
	json_array_append_new(e, mx_entry(AAG_REV, "Revoked Key", "[{\"status\": \"REVOKED\", "
	    "\"effectiveDate\": \"2023-01-01\"}]", ec.root));
	json_array_append_new(e, mx_entry(AAG_TRUU, "TruU-like", "[{\"status\": \"REVOKED\", "
	    "\"effectiveDate\": \"2023-12-20\", \"authenticatorVersion\": 1}, {\"status\": "
	    "\"NOT_FIDO_CERTIFIED\", \"effectiveDate\": \"2023-11-07\"}]", ec.root));
	return mx_payload(e, no, next);
}

static void
test_valid(void **state)
{
	mx_chain_t *chains[2] = { &ec, &rsa };
	size_t k;

	(void)state;
	for (k = 0; k < 2; k++) {
		char *pl = std_payload(42, "2099-01-01"), *jws = mx_blob(chains[k], pl);
		fsim_mds_info_t info;
		fsim_mds_t *m = NULL;
		fsim_diags_t d;
		uint8_t a[16];

		fsim_diags_init(&d);
		assert_int_equal(load(jws, chains[k]->root_pem, now, -1, &info, &m, &d), 0);
		assert_non_null(m);
		assert_true(info.valid);
		assert_int_equal(info.no, 42);
		assert_string_equal(info.next_update, "2099-01-01");
		assert_int_equal(info.entries, 3);
		assert_int_equal(info.by_aaguid, 3);
		assert_string_equal(info.alg, k == 0 ? "ES256" : "RS256");
		assert_string_equal(info.root, "fidosim test MDS root");
		assert_string_equal(info.signer, "mds.example.test");
		assert_int_equal(info.n_chain, 3);
		assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
		/* without CRLs, a note says revocation was not checked */
		assert_true(has(&d, "MDS-13", FSIM_SEV_INFO));
		assert_int_equal(fsim_aaguid_parse(AAG_REV, a), 0);
		assert_non_null(fsim_mds_find_aaguid(m, a));
		assert_string_equal(fsim_mds_find_aaguid(m, a)->description, "Revoked Key");
		fsim_mds_free(&m);
		assert_null(m);
		fsim_diags_clear(&d);
		free(pl);
		free(jws);
	}
}

/* Every cut of a BLOB fails cleanly, with a rule. */
static void
test_truncated(void **state)
{
	char *pl = std_payload(1, "2099-01-01"), *jws = mx_blob(&ec, pl);
	size_t len = strlen(jws), cuts[] = { 0, 1, 5, 20, len / 3, len / 2, len - 40, len - 1 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char *t = strndup(jws, cuts[i]);
		fsim_mds_t *m = NULL;
		fsim_diags_t d;

		fsim_diags_init(&d);
		assert_int_equal(load(t, ec.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
		assert_null(m);
		assert_true(fsim_diags_count(&d, FSIM_SEV_ERROR) > 0);
		assert_true(has(&d, "MDS-01", FSIM_SEV_ERROR) || has(&d, "MDS-05", FSIM_SEV_ERROR));
		fsim_diags_clear(&d);
		free(t);
	}
	free(pl);
	free(jws);
}

static void
test_bad_signature(void **state)
{
	char *pl = std_payload(1, "2099-01-01"), *jws = mx_blob(&rsa, pl);
	char *dot = strrchr(jws, '.'), *p;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	/* one base64url character of the signature changed */
	dot[5] = dot[5] == 'A' ? 'B' : 'A';
	assert_int_equal(load(jws, rsa.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-05", FSIM_SEV_ERROR));
	assert_false(has(&d, "MDS-04", FSIM_SEV_ERROR));   /* the chain itself holds */
	fsim_diags_clear(&d);
	free(jws);
	/* one character of the payload changed, the signature left */
	jws = mx_blob(&rsa, pl);
	p = strchr(jws, '.') + 10;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_equal(load(jws, rsa.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-05", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	free(jws);
	free(pl);
}

static void
test_alg(void **state)
{
	char *pl = std_payload(1, "2099-01-01"), *jws;
	X509 *x5c[2] = { ec.leaf, ec.inter }, *rx5c[2] = { rsa.leaf, rsa.inter };
	fsim_mds_t *m = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	jws = mx_jws("ES256", x5c, 2, "{\"alg\": \"HS256\"}", pl, ec.leaf_key);
	assert_int_equal(load(jws, ec.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-02", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	free(jws);
	/* the header says ES256, the signing certificate holds an RSA key */
	jws = mx_jws("RS256", rx5c, 2, "{\"alg\": \"ES256\"}", pl, rsa.leaf_key);
	assert_int_equal(load(jws, rsa.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-02", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	free(jws);
	/* no alg at all */
	jws = mx_jws("ES256", x5c, 2, "{\"alg\": null}", pl, ec.leaf_key);
	assert_int_equal(load(jws, ec.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-02", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	free(jws);
	free(pl);
}

static void
test_x5u_and_no_x5c(void **state)
{
	char *pl = std_payload(1, "2099-01-01"), *jws;
	fsim_mds_info_t info;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	jws = mx_jws("ES256", NULL, 0, "{\"x5c\": null, \"x5u\": \"https://mds.example/c.pem\"}",
	    pl, ec.leaf_key);
	assert_int_equal(load(jws, ec.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-03", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	free(jws);
	/* no x5c, no x5u: the root signed it (MDS 3.2 step 3) */
	jws = mx_jws("ES256", NULL, 0, "{\"x5c\": null}", pl, ec.root_key);
	assert_int_equal(load(jws, ec.root_pem, now, -1, &info, &m, &d), 0);
	assert_string_equal(info.root, "fidosim test MDS root");
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	free(jws);
	/* ... and another key did not */
	jws = mx_jws("ES256", NULL, 0, "{\"x5c\": null}", pl, ec.leaf_key);
	assert_int_equal(load(jws, ec.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-05", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	free(jws);
	/* a critical header extension */
	{
		X509 *x5c[2] = { ec.leaf, ec.inter };

		jws = mx_jws("ES256", x5c, 2, "{\"crit\": [\"b64\"], \"b64\": false}", pl,
		    ec.leaf_key);
		assert_int_equal(load(jws, ec.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
		assert_true(has(&d, "MDS-01", FSIM_SEV_ERROR));
		fsim_diags_clear(&d);
		free(jws);
	}
	free(pl);
}

/* A snapshot whose signing certificate has since expired verifies at its own date. */
static void
test_expired_signer(void **state)
{
	mx_chain_t old;
	char *pl = std_payload(7, "2099-01-01"), *jws;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;

	(void)state;
	mx_chain_make(&old, true, now - 400 * MX_DAY, now - 100 * MX_DAY);
	jws = mx_blob(&old, pl);
	fsim_diags_init(&d);
	assert_int_equal(load(jws, old.root_pem, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-04", FSIM_SEV_ERROR));
	assert_true(msg_has(&d, "MDS-04", "expired on"));
	assert_true(msg_has(&d, "MDS-04", "--at"));
	fsim_diags_clear(&d);
	assert_int_equal(load(jws, old.root_pem, now - 200 * MX_DAY, -1, NULL, &m, &d), 0);
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	/* before the certificate was valid */
	assert_int_equal(load(jws, old.root_pem, now - 500 * MX_DAY, -1, NULL, &m, &d),
	    FSIM_ERR_FORMAT);
	assert_true(msg_has(&d, "MDS-04", "valid only from"));
	fsim_diags_clear(&d);
	free(jws);
	free(pl);
	mx_chain_free(&old);
}

/*
 * The 2026 rotation: the leaf issued under an R46-like root, x5c also
 * carrying that root cross-signed by an R3-like root. Either root alone
 * verifies it (path building); a validator given only R3 and no cross
 * certificate cannot.
 */
static void
test_cross_signed(void **state)
{
	EVP_PKEY *k3 = mx_key_ec(), *k46 = mx_key_ec(), *ki = mx_key_ec(), *kl = mx_key_rsa();
	EVP_PKEY *kx = mx_key_ec();
	X509 *r3 = mx_cert("Test Root R3", NULL, k3, NULL, k3, now - 900 * MX_DAY,
	    now + 900 * MX_DAY, true, 10);
	X509 *r46 = mx_cert("Test Root R46", NULL, k46, NULL, k46, now - 300 * MX_DAY,
	    now + 9000 * MX_DAY, true, 11);
	X509 *cross = mx_cert("Test Root R46", NULL, k46, r3, k3, now - 300 * MX_DAY,
	    now + 800 * MX_DAY, true, 12);
	X509 *inter = mx_cert("Test EV CA 2025", NULL, ki, r46, k46, now - 200 * MX_DAY,
	    now + 2000 * MX_DAY, true, 13);
	X509 *leaf = mx_cert("mds.example.test", NULL, kl, inter, ki, now - 10 * MX_DAY,
	    now + 300 * MX_DAY, false, 14);
	X509 *other = mx_cert("Other Root", NULL, kx, NULL, kx, now - 10 * MX_DAY,
	    now + 300 * MX_DAY, true, 15);
	X509 *x5c[3] = { leaf, inter, cross }, *both[2] = { r3, r46 };
	char *pl = std_payload(300, "2099-01-01"), *with = mx_jws("RS256", x5c, 3, NULL, pl, kl);
	char *without = mx_jws("RS256", x5c, 2, NULL, pl, kl);
	char *p3 = mx_pem_file(&r3, 1), *p46 = mx_pem_file(&r46, 1), *pboth = mx_pem_file(both, 2);
	char *pother = mx_pem_file(&other, 1);
	fsim_mds_info_t info;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(load(with, p3, now, -1, &info, &m, &d), 0);
	assert_string_equal(info.root, "Test Root R3");
	assert_int_equal(info.n_chain, 4);
	fsim_mds_free(&m);
	assert_int_equal(load(with, p46, now, -1, &info, &m, &d), 0);
	assert_string_equal(info.root, "Test Root R46");
	fsim_mds_free(&m);
	assert_int_equal(load(with, pboth, now, -1, &info, &m, &d), 0);
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	assert_int_equal(load(with, pother, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-04", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	/* the old chain shape to R3, without the cross certificate: no path */
	assert_int_equal(load(without, p3, now, -1, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-04", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	/* ... which R46 itself verifies */
	assert_int_equal(load(without, p46, now, -1, NULL, &m, &d), 0);
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	unlink(p3);
	unlink(p46);
	unlink(pboth);
	unlink(pother);
	free(p3);
	free(p46);
	free(pboth);
	free(pother);
	free(with);
	free(without);
	free(pl);
	X509_free(r3);
	X509_free(r46);
	X509_free(cross);
	X509_free(inter);
	X509_free(leaf);
	X509_free(other);
	EVP_PKEY_free(k3);
	EVP_PKEY_free(k46);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kl);
	EVP_PKEY_free(kx);
}

/* A CRL issued by `issuer` revoking `revoked` (may be NULL), PEM appended to f. */
static void
write_crl(FILE *f, X509 *issuer, EVP_PKEY *key, X509 *revoked)
{
	X509_CRL *c = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();

	X509_CRL_set_version(c, X509_CRL_VERSION_2);
	X509_CRL_set_issuer_name(c, X509_get_subject_name(issuer));
	X509_gmtime_adj(t, -MX_DAY);
	X509_CRL_set1_lastUpdate(c, t);
	X509_gmtime_adj(t, 30 * MX_DAY);
	X509_CRL_set1_nextUpdate(c, t);
	if (revoked != NULL) {
		X509_REVOKED *r = X509_REVOKED_new();

		X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(revoked));
		X509_gmtime_adj(t, -MX_DAY / 2);
		X509_REVOKED_set_revocationDate(r, t);
		X509_CRL_add0_revoked(c, r);
	}
	X509_CRL_sort(c);
	if (X509_CRL_sign(c, key, EVP_sha256()) <= 0)
		abort();
	PEM_write_X509_CRL(f, c);
	ASN1_TIME_free(t);
	X509_CRL_free(c);
}

static void
test_crl(void **state)
{
	char *pl = std_payload(1, "2099-01-01"), *jws = mx_blob(&ec, pl);
	char good[] = "/tmp/fsim-mds-crl-XXXXXX", bad[] = "/tmp/fsim-mds-crl-XXXXXX";
	int fg = mkstemp(good), fb = mkstemp(bad);
	FILE *g = fdopen(fg, "w"), *b = fdopen(fb, "w");
	fsim_mds_opts_t o;
	const char *roots[1] = { ec.root_pem }, *crl[1];
	fsim_mds_t *m = NULL;
	fsim_diags_t d;

	(void)state;
	write_crl(g, ec.root, ec.root_key, NULL);
	write_crl(g, ec.inter, ec.int_key, NULL);
	write_crl(b, ec.root, ec.root_key, NULL);
	write_crl(b, ec.inter, ec.int_key, ec.leaf);
	fclose(g);
	fclose(b);
	fsim_mds_opts_init(&o);
	o.roots = roots;
	o.n_roots = 1;
	o.crls = crl;
	o.n_crls = 1;
	fsim_diags_init(&d);
	crl[0] = good;
	assert_int_equal(fsim_mds_load((const uint8_t *)jws, strlen(jws), &o, NULL, &m, &d), 0);
	assert_false(has(&d, "MDS-13", FSIM_SEV_INFO));   /* it was checked */
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	crl[0] = bad;
	assert_int_equal(fsim_mds_load((const uint8_t *)jws, strlen(jws), &o, NULL, &m, &d),
	    FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-13", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	unlink(good);
	unlink(bad);
	free(jws);
	free(pl);
}

static void
test_payload_rules(void **state)
{
	struct { const char *payload; const char *rule; fsim_sev_t sev; int rc; } cases[] = {
		{ "{\"no\": 1, \"nextUpdate\": \"2099-01-01\", \"entries\": []}", "MDS-06",
		    FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"legalHeader\": \"other terms\", \"no\": 1, \"nextUpdate\": \"2099-01-01\", "
		    "\"entries\": []}", "MDS-07", FSIM_SEV_WARNING, 0 },
		{ "{\"legalHeader\": \"" MX_LEGAL "\", \"no\": \"1\", \"nextUpdate\": "
		    "\"2099-01-01\", \"entries\": []}", "MDS-06", FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"legalHeader\": \"" MX_LEGAL "\", \"no\": 1, \"nextUpdate\": \"2001-01-01\", "
		    "\"entries\": []}", "MDS-09", FSIM_SEV_WARNING, 0 },
		{ "{\"legalHeader\": \"" MX_LEGAL "\", \"no\": 1, \"nextUpdate\": \"2024-02-30\", "
		    "\"entries\": []}", "MDS-06", FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"legalHeader\": \"" MX_LEGAL "\", \"no\": 1, \"nextUpdate\": \"2099-01-01\", "
		    "\"entries\": {}}", "MDS-06", FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "[1, 2]", "MDS-01", FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"legalHeader\": \"a\", \"legalHeader\": \"b\", \"no\": 1}", "MDS-01",
		    FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"legalHeader\": \"" MX_LEGAL "\", \"no\": 1, \"nextUpdate\": \"2099-01-01\", "
		    "\"entries\": [], \"newMember\": true}", "MDS-12", FSIM_SEV_WARNING, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *jws = mx_blob(&ec, cases[i].payload);
		fsim_mds_t *m = NULL;
		fsim_diags_t d;

		fsim_diags_init(&d);
		assert_int_equal(load(jws, ec.root_pem, now, -1, NULL, &m, &d), cases[i].rc);
		if (!has(&d, cases[i].rule, cases[i].sev))
			fail_msg("case %zu: no %s", i, cases[i].rule);
		assert_true(cases[i].rc != 0 || m != NULL);
		fsim_mds_free(&m);
		fsim_diags_clear(&d);
		free(jws);
	}
}

/* `no` never goes back: --min-no is the serial of the BLOB accepted last. */
static void
test_min_no(void **state)
{
	char *pl = std_payload(120, "2099-01-01"), *jws = mx_blob(&ec, pl);
	fsim_mds_t *m = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(load(jws, ec.root_pem, now, 121, NULL, &m, &d), FSIM_ERR_FORMAT);
	assert_true(has(&d, "MDS-08", FSIM_SEV_ERROR));
	fsim_diags_clear(&d);
	assert_int_equal(load(jws, ec.root_pem, now, 120, NULL, &m, &d), 0);  /* the same one */
	fsim_mds_free(&m);
	assert_int_equal(load(jws, ec.root_pem, now, 1, NULL, &m, &d), 0);
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	free(jws);
	free(pl);
}

/* One entry (JSON text) in an otherwise valid BLOB. */
static int
entry_case(const char *entry, fsim_mds_t **m, fsim_diags_t *d)
{
	json_t *e = json_array();
	char *pl, *jws;
	int r;

	json_array_append_new(e, json_loads(entry, 0, NULL));
	pl = mx_payload(e, 1, "2099-01-01");
	jws = mx_blob(&ec, pl);
	r = load(jws, ec.root_pem, now, -1, NULL, m, d);
	free(jws);
	free(pl);
	return r;
}

static void
test_entry_rules(void **state)
{
	struct { const char *entry; const char *rule; fsim_sev_t sev; int rc; } cases[] = {
		/* no identifier */
		{ "{\"statusReports\": [], \"timeOfLastStatusChange\": \"2024-01-01\"}",
		    "MDS-10", FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"aaguid\": \"not-a-uuid\", \"statusReports\": [], "
		    "\"timeOfLastStatusChange\": \"2024-01-01\"}", "MDS-10", FSIM_SEV_ERROR,
		    FSIM_ERR_FORMAT },
		{ "{\"aaguid\": \"" AAG_OK "\", \"timeOfLastStatusChange\": \"2024-01-01\"}",
		    "MDS-10", FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"aaguid\": \"" AAG_OK "\", \"statusReports\": [{\"status\": "
		    "\"FIDO_CERTIFIED\", \"effectiveDate\": \"2024-13-01\"}], "
		    "\"timeOfLastStatusChange\": \"2024-01-01\"}", "MDS-10", FSIM_SEV_ERROR,
		    FSIM_ERR_FORMAT },
		{ "{\"aaguid\": \"" AAG_OK "\", \"statusReports\": [{\"effectiveDate\": "
		    "\"2024-01-01\"}], \"timeOfLastStatusChange\": \"2024-01-01\"}", "MDS-10",
		    FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"aaguid\": \"" AAG_OK "\", \"statusReports\": [], "
		    "\"timeOfLastStatusChange\": \"yesterday\"}", "MDS-10", FSIM_SEV_ERROR,
		    FSIM_ERR_FORMAT },
		{ "{\"attestationCertificateKeyIdentifiers\": [\"abc\"], \"statusReports\": [], "
		    "\"timeOfLastStatusChange\": \"2024-01-01\"}", "MDS-10", FSIM_SEV_ERROR,
		    FSIM_ERR_FORMAT },
		{ "{\"aaguid\": \"" AAG_OK "\", \"metadataStatement\": {\"description\": 5}, "
		    "\"statusReports\": [], \"timeOfLastStatusChange\": \"2024-01-01\"}", "MDS-10",
		    FSIM_SEV_ERROR, FSIM_ERR_FORMAT },
		{ "{\"aaguid\": \"" AAG_OK "\", \"metadataStatement\": "
		    "{\"attestationRootCertificates\": [\"not base64!\"]}, \"statusReports\": [], "
		    "\"timeOfLastStatusChange\": \"2024-01-01\"}", "MDS-10", FSIM_SEV_ERROR,
		    FSIM_ERR_FORMAT },
		/* unknown members and statuses are read past, with a warning */
		{ "{\"aaguid\": \"" AAG_OK "\", \"futureMember\": 1, \"statusReports\": "
		    "[{\"status\": \"FIDO_CERTIFIED\", \"newField\": \"x\"}], "
		    "\"timeOfLastStatusChange\": \"2024-01-01\"}", "MDS-12", FSIM_SEV_WARNING, 0 },
		{ "{\"aaguid\": \"" AAG_OK "\", \"statusReports\": [{\"status\": "
		    "\"FIDO_CERTIFIED_L9\", \"effectiveDate\": \"2024-01-01\"}], "
		    "\"timeOfLastStatusChange\": \"2024-01-01\"}", "MDS-11", FSIM_SEV_WARNING, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fsim_mds_t *m = NULL;
		fsim_diags_t d;

		fsim_diags_init(&d);
		assert_int_equal(entry_case(cases[i].entry, &m, &d), cases[i].rc);
		if (!has(&d, cases[i].rule, cases[i].sev))
			fail_msg("case %zu: no %s", i, cases[i].rule);
		if (cases[i].rc == 0)
			assert_non_null(m);
		fsim_mds_free(&m);
		fsim_diags_clear(&d);
	}
}

/* A root with whitespace around its base64, or two DER certificates in one: read, warned. */
static void
test_root_quirks(void **state)
{
	char *c = mx_cert_b64(ec.root), *c2 = mx_cert_b64(ec.inter), entry[8192];
	unsigned char *d1 = NULL, *d2 = NULL, both[4096];
	int n1 = i2d_X509(ec.root, &d1), n2 = i2d_X509(ec.inter, &d2);
	char *joined;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;
	uint8_t a[16];

	(void)state;
	memcpy(both, d1, (size_t)n1);
	memcpy(both + n1, d2, (size_t)n2);
	joined = mx_b64(both, (size_t)(n1 + n2));
	snprintf(entry, sizeof(entry), "{\"aaguid\": \"" AAG_OK "\", \"metadataStatement\": "
	    "{\"attestationRootCertificates\": [\"\\t%s\", \"%s\"]}, \"statusReports\": [], "
	    "\"timeOfLastStatusChange\": \"2024-01-01\"}", c, joined);
	fsim_diags_init(&d);
	assert_int_equal(entry_case(entry, &m, &d), 0);
	assert_true(msg_has(&d, "MDS-10", "whitespace"));
	assert_true(msg_has(&d, "MDS-10", "2 DER certificates"));
	assert_int_equal(fsim_aaguid_parse(AAG_OK, a), 0);
	assert_int_equal(sk_X509_num(fsim_mds_find_aaguid(m, a)->roots), 3);
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	OPENSSL_free(d1);
	OPENSSL_free(d2);
	free(joined);
	free(c);
	free(c2);
}

static void
test_duplicates(void **state)
{
	json_t *e = json_array();
	char *pl, *jws;
	fsim_mds_t *m = NULL;
	fsim_diags_t d;
	uint8_t a[16];

	(void)state;
	json_array_append_new(e, mx_entry(AAG_OK, "First", "[]", NULL));
	json_array_append_new(e, mx_entry(AAG_OK, "Second", "[]", NULL));
	pl = mx_payload(e, 1, "2099-01-01");
	jws = mx_blob(&ec, pl);
	fsim_diags_init(&d);
	assert_int_equal(load(jws, ec.root_pem, now, -1, NULL, &m, &d), 0);
	assert_true(has(&d, "MDS-14", FSIM_SEV_WARNING));
	assert_int_equal(fsim_aaguid_parse(AAG_OK, a), 0);
	assert_string_equal(fsim_mds_find_aaguid(m, a)->description, "First");
	fsim_mds_free(&m);
	fsim_diags_clear(&d);
	free(jws);
	free(pl);
}

/* Load a BLOB of the given entries without checking its chain (no_verify). */
static fsim_mds_t *
quick(json_t *entries)
{
	char *pl = mx_payload(entries, 1, "2099-01-01"), *jws = mx_blob(&ec, pl);
	fsim_mds_opts_t o;
	fsim_mds_t *m = NULL;

	fsim_mds_opts_init(&o);
	o.no_verify = true;
	assert_int_equal(fsim_mds_load((const uint8_t *)jws, strlen(jws), &o, NULL, &m, NULL), 0);
	free(jws);
	free(pl);
	return m;
}

static time_t
day(const char *s)
{
	time_t t = 0;

	assert_int_equal(fsim_mds_parse_date(s, &t), 0);
	return t;
}

static void
test_status_order(void **state)
{
	json_t *e = json_array();
	fsim_mds_t *m;
	const fsim_mds_entry_t *x;
	char d[11];

	(void)state;
	/* unsorted, as 24 entries of a real BLOB are */
	json_array_append_new(e, mx_entry(AAG_OK, "Unsorted", "[{\"status\": "
	    "\"FIDO_CERTIFIED_L1\", \"effectiveDate\": \"2022-01-01\"}, {\"status\": "
	    "\"FIDO_CERTIFIED\", \"effectiveDate\": \"2020-01-01\"}, {\"status\": "
	    "\"USER_VERIFICATION_BYPASS\", \"effectiveDate\": \"2021-01-01\", \"sunsetDate\": "
	    "\"2021-06-01\"}]", NULL));
	json_array_append_new(e, mx_entry(AAG_TRUU, "TruU-like", "[{\"status\": \"REVOKED\", "
	    "\"effectiveDate\": \"2023-12-20\"}, {\"status\": \"NOT_FIDO_CERTIFIED\", "
	    "\"effectiveDate\": \"2023-11-07\"}]", NULL));
	m = quick(e);
	x = fsim_mds_at(m, 0);
	assert_int_equal(x->n_reports, 3);
	fsim_mds_format_date(x->reports[0].effective, d);
	assert_string_equal(d, "2020-01-01");
	assert_int_equal(x->reports[0].position, 1);
	assert_string_equal(fsim_mds_current(x, day("2023-01-01"))->status_name, "FIDO_CERTIFIED_L1");
	assert_string_equal(fsim_mds_current(x, day("2021-03-01"))->status_name,
	    "USER_VERIFICATION_BYPASS");
	/* the sunset date ends it */
	assert_string_equal(fsim_mds_current(x, day("2021-07-01"))->status_name, "FIDO_CERTIFIED");
	assert_null(fsim_mds_current(x, day("2019-01-01")));
	assert_string_equal(fsim_mds_last_listed(x)->status_name, "USER_VERIFICATION_BYPASS");
	assert_int_equal(fsim_mds_certification(x, day("2023-01-01")), FSIM_MDS_ST_FIDO_CERTIFIED_L1);
	assert_int_equal(fsim_mds_certification(x, day("2020-06-01")), FSIM_MDS_ST_FIDO_CERTIFIED);
	/* REVOKED listed first, dated after the NOT_FIDO_CERTIFIED listed last */
	x = fsim_mds_at(m, 1);
	assert_string_equal(fsim_mds_current(x, day("2024-12-02"))->status_name, "REVOKED");
	assert_string_equal(fsim_mds_last_listed(x)->status_name, "NOT_FIDO_CERTIFIED");
	assert_string_equal(fsim_mds_current(x, day("2023-12-01"))->status_name, "NOT_FIDO_CERTIFIED");
	assert_int_equal(fsim_mds_certification(x, day("2024-12-02")),
	    FSIM_MDS_ST_NOT_FIDO_CERTIFIED);
	fsim_mds_free(&m);
}

/* The status gate of each RP library on one entry. */
typedef struct gate_case {
	const char *reports;
	time_t at;
	/* outcome per library, in the order of libs[] */
	fsim_mds_outcome_t want[6];
} gate_case_t;

static void
test_gate_table(void **state)
{
	static const char *const libs[6] = {
		"spec", "simplewebauthn", "java-webauthn-server", "go-webauthn", "fido2-net-lib",
		"webauthn4j",
	};
	const fsim_mds_outcome_t OK = FSIM_MDSG_OK, RF = FSIM_MDSG_REFUSED, DR = FSIM_MDSG_DROPPED;
	time_t t = day("2024-12-02");
	gate_case_t cases[] = {
		/* REVOKED alone */
		{ "[{\"status\": \"REVOKED\", \"effectiveDate\": \"2023-01-01\"}]", t,
		    { RF, OK, DR, RF, RF, DR } },
		/* TruU: REVOKED listed first (dated later), NOT_FIDO_CERTIFIED listed last */
		{ "[{\"status\": \"REVOKED\", \"effectiveDate\": \"2023-12-20\"}, {\"status\": "
		    "\"NOT_FIDO_CERTIFIED\", \"effectiveDate\": \"2023-11-07\"}]", t,
		    { RF, OK, DR, RF, OK, DR } },
		/* a NOT_FIDO_CERTIFIED dated and listed after a REVOKED does not lift it */
		{ "[{\"status\": \"REVOKED\", \"effectiveDate\": \"2023-01-01\"}, {\"status\": "
		    "\"NOT_FIDO_CERTIFIED\", \"effectiveDate\": \"2024-01-01\"}]", t,
		    { RF, OK, DR, RF, OK, DR } },
		/* REVOKED only from next year: not yet in effect */
		{ "[{\"status\": \"FIDO_CERTIFIED\", \"effectiveDate\": \"2020-01-01\"}, "
		    "{\"status\": \"REVOKED\", \"effectiveDate\": \"2025-06-01\"}]", t,
		    { OK, OK, DR, OK, RF, DR } },
		/* a compromise without a batch certificate */
		{ "[{\"status\": \"FIDO_CERTIFIED\", \"effectiveDate\": \"2020-01-01\"}, "
		    "{\"status\": \"ATTESTATION_KEY_COMPROMISE\", \"effectiveDate\": \"2024-01-01\"}]",
		    t, { RF, RF, DR, RF, RF, DR } },
		{ "[{\"status\": \"USER_KEY_PHYSICAL_COMPROMISE\", \"effectiveDate\": \"2022-01-01\"}, "
		    "{\"status\": \"FIDO_CERTIFIED_L1\", \"effectiveDate\": \"2023-01-01\"}]",
		    t, { RF, RF, OK, RF, OK, DR } },
		{ "[{\"status\": \"RETIRED\", \"effectiveDate\": \"2024-01-01\"}]", t,
		    { OK, OK, OK, RF, OK, OK } },
		{ "[{\"status\": \"NOT_FIDO_CERTIFIED\", \"effectiveDate\": \"2024-01-01\"}]", t,
		    { OK, OK, OK, OK, OK, DR } },
		/* unknown statuses are ignored by everyone */
		{ "[{\"status\": \"NEW_STATUS_2030\", \"effectiveDate\": \"2024-01-01\"}]", t,
		    { OK, OK, OK, OK, OK, OK } },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *e = json_array();
		fsim_mds_t *m;

		json_array_append_new(e, mx_entry(AAG_OK, "Gate", cases[i].reports, NULL));
		m = quick(e);
		for (k = 0; k < 6; k++) {
			const fsim_mds_gate_t *g = fsim_mds_gate_find(libs[k]);
			const fsim_mds_report_t *why;
			fsim_mds_outcome_t o;

			assert_non_null(g);
			o = fsim_mds_gate_judge(g, fsim_mds_at(m, 0), cases[i].at, NULL, &why);
			if (o != cases[i].want[k])
				fail_msg("case %zu under %s: outcome %d, want %d", i, libs[k], o,
				    cases[i].want[k]);
			assert_true(o == FSIM_MDSG_OK || why != NULL);
		}
		fsim_mds_free(&m);
	}
}

/* A compromise naming a batch refuses only chains holding that key (spec, java). */
static void
test_gate_batch(void **state)
{
	char *cert = mx_cert_b64(rsa.leaf), rep[4096];
	json_t *e = json_array();
	STACK_OF(X509) *in = sk_X509_new_null(), *out = sk_X509_new_null();
	const fsim_mds_report_t *why;
	fsim_mds_t *m;

	(void)state;
	snprintf(rep, sizeof(rep), "[{\"status\": \"ATTESTATION_KEY_COMPROMISE\", "
	    "\"effectiveDate\": \"2024-01-01\", \"certificate\": \"%s\"}]", cert);
	json_array_append_new(e, mx_entry(AAG_OK, "Batch", rep, NULL));
	m = quick(e);
	sk_X509_push(in, rsa.leaf);
	sk_X509_push(out, ec.leaf);
	assert_int_equal(fsim_mds_gate_judge(fsim_mds_gate_find("spec"), fsim_mds_at(m, 0),
	    day("2024-12-02"), in, &why), FSIM_MDSG_REFUSED);
	assert_int_equal(fsim_mds_gate_judge(fsim_mds_gate_find("spec"), fsim_mds_at(m, 0),
	    day("2024-12-02"), out, &why), FSIM_MDSG_OK);
	assert_int_equal(fsim_mds_gate_judge(fsim_mds_gate_find("java-webauthn-server"),
	    fsim_mds_at(m, 0), day("2024-12-02"), out, &why), FSIM_MDSG_OK);
	/* go-webauthn treats a batch report as the whole model */
	assert_int_equal(fsim_mds_gate_judge(fsim_mds_gate_find("go-webauthn"),
	    fsim_mds_at(m, 0), day("2024-12-02"), out, &why), FSIM_MDSG_REFUSED);
	sk_X509_free(in);
	sk_X509_free(out);
	fsim_mds_free(&m);
	free(cert);
}

/* UPDATE_AVAILABLE naming a newer authenticatorVersion: the statement is not used (spec, java). */
static void
test_gate_superseded(void **state)
{
	json_t *e = json_array();
	fsim_mds_t *m;
	const fsim_mds_report_t *why;

	(void)state;
	/* mx_entry's statement says authenticatorVersion 2 */
	json_array_append_new(e, mx_entry(AAG_OK, "Old", "[{\"status\": \"UPDATE_AVAILABLE\", "
	    "\"effectiveDate\": \"2024-01-01\", \"authenticatorVersion\": 5}]", NULL));
	json_array_append_new(e, mx_entry(AAG_REV, "Current", "[{\"status\": "
	    "\"UPDATE_AVAILABLE\", \"effectiveDate\": \"2024-01-01\", \"authenticatorVersion\": "
	    "2}]", NULL));
	m = quick(e);
	assert_true(fsim_mds_at(m, 0)->superseded);
	assert_false(fsim_mds_at(m, 1)->superseded);
	assert_int_equal(fsim_mds_gate_judge(fsim_mds_gate_find("spec"), fsim_mds_at(m, 0),
	    now, NULL, &why), FSIM_MDSG_DROPPED);
	assert_int_equal(fsim_mds_gate_judge(fsim_mds_gate_find("java-webauthn-server"),
	    fsim_mds_at(m, 0), now, NULL, &why), FSIM_MDSG_DROPPED);
	assert_int_equal(fsim_mds_gate_judge(fsim_mds_gate_find("spec"), fsim_mds_at(m, 1),
	    now, NULL, &why), FSIM_MDSG_OK);
	assert_int_equal(fsim_mds_gate_judge(fsim_mds_gate_find("simplewebauthn"),
	    fsim_mds_at(m, 0), now, NULL, &why), FSIM_MDSG_OK);
	fsim_mds_free(&m);
}

/* Every RP policy preset has a row in the gate table, with its evidence. */
static void
test_gate_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < fsim_rp_preset_count(); i++) {
		const fsim_mds_gate_t *g = fsim_mds_gate_find(fsim_rp_preset_at(i)->name);

		if (g == NULL)
			fail_msg("RP policy preset %s has no MDS gate row (rp-sim/mds_policy.c)",
			    fsim_rp_preset_at(i)->name);
		assert_true(strlen(g->evidence) > 40);
		assert_non_null(g->library);
	}
	assert_string_equal(fsim_mds_gate_at(0)->preset, "spec");
	assert_null(fsim_mds_gate_find("no-such-library"));
	assert_null(fsim_mds_gate_at(fsim_mds_gate_count()));
}

static void
test_lookups(void **state)
{
	EVP_PKEY *k = mx_key_ec();
	X509 *att = mx_cert("U2F attestation", NULL, k, NULL, k, now - MX_DAY, now + MX_DAY,
	    false, 99);
	uint8_t kid[20], pt[65], want[20];
	size_t ptlen = 0, i;
	unsigned int mdlen = 0;
	char hex[41], entry[512];
	json_t *e = json_array();
	const fsim_mds_entry_t *x;
	fsim_mds_t *m;

	(void)state;
	/* the key identifier is SHA-1 over the public key's BIT STRING contents (the EC point) */
	assert_int_equal(fsim_mds_keyid(att, kid), 0);
	assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
	    pt, sizeof(pt), &ptlen), 1);
	assert_int_equal(EVP_Digest(pt, ptlen, want, &mdlen, EVP_sha1(), NULL), 1);
	assert_memory_equal(kid, want, 20);
	for (i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", kid[i]);
	snprintf(entry, sizeof(entry), "{\"attestationCertificateKeyIdentifiers\": [\"%s\", "
	    "\"%s\"], \"statusReports\": [], \"timeOfLastStatusChange\": \"2024-01-01\"}", hex, hex);
	json_array_append_new(e, json_loads(entry, 0, NULL));
	json_array_append_new(e, json_loads("{\"aaid\": \"4e4e#4005\", \"statusReports\": [], "
	    "\"timeOfLastStatusChange\": \"2024-01-01\"}", 0, NULL));
	json_array_append_new(e, mx_entry(AAG_OK, "By AAGUID", "[]", NULL));
	m = quick(e);
	assert_non_null(fsim_mds_find_acki(m, kid));
	assert_int_equal(fsim_mds_find_acki(m, kid)->n_ackis, 1);   /* listed twice, kept once */
	assert_int_equal(fsim_mds_find(m, hex, &x), 0);
	assert_int_equal(fsim_mds_find(m, "4E4E#4005", &x), 0);
	assert_string_equal(x->aaid, "4e4e#4005");
	assert_int_equal(fsim_mds_find(m, AAG_OK, &x), 0);
	assert_int_equal(fsim_mds_find(m, "11111111222243338444000000000001", &x), 0);
	assert_int_equal(fsim_mds_find(m, AAG_REV, &x), FSIM_ERR_NOT_FOUND);
	assert_null(x);
	assert_int_equal(fsim_mds_find(m, "garbage", &x), FSIM_ERR_ARG);
	assert_int_equal(fsim_mds_find(m, "00000000-0000-0000-0000-000000000000", &x),
	    FSIM_ERR_NOT_FOUND);
	fsim_mds_free(&m);
	X509_free(att);
	EVP_PKEY_free(k);
}

static void
test_dates(void **state)
{
	time_t t;
	char d[11];

	(void)state;
	assert_int_equal(fsim_mds_parse_date("2024-02-29", &t), 0);
	fsim_mds_format_date(t, d);
	assert_string_equal(d, "2024-02-29");
	assert_int_equal(t, 1709164800);
	assert_int_equal(fsim_mds_parse_date("2023-02-29", &t), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_mds_parse_date("2024-2-01", &t), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_mds_parse_date("2024-01-01T00", &t), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_mds_parse_date("1969-12-31", &t), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_mds_parse_date(NULL, &t), FSIM_ERR_FORMAT);
}

/* The rule IDs the BLOB and the ceremonies report are in the catalog. */
static void
test_rules_in_catalog(void **state)
{
	static const char *const ids[] = {
		"MDS-01", "MDS-02", "MDS-03", "MDS-04", "MDS-05", "MDS-06", "MDS-07", "MDS-08",
		"MDS-09", "MDS-10", "MDS-11", "MDS-12", "MDS-13", "MDS-14", "ATT-MDS-01",
		"ATT-MDS-02", "ATT-MDS-03", "ATT-MDS-04", "AUTH-MDS-01",
	};
	fsim_rule_id_t r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_true(fsim_rule_find(ids[i], &r));
		assert_true(strlen(fsim_rule(r)->section) > 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_alg),
		cmocka_unit_test(test_x5u_and_no_x5c),
		cmocka_unit_test(test_expired_signer),
		cmocka_unit_test(test_cross_signed),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_payload_rules),
		cmocka_unit_test(test_min_no),
		cmocka_unit_test(test_entry_rules),
		cmocka_unit_test(test_root_quirks),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_status_order),
		cmocka_unit_test(test_gate_table),
		cmocka_unit_test(test_gate_batch),
		cmocka_unit_test(test_gate_superseded),
		cmocka_unit_test(test_gate_rows),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_rules_in_catalog),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
