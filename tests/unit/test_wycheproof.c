/*
 * test_wycheproof.c — every signature verification the RP performs, held to
 * Project Wycheproof's verdicts (vectors/wycheproof/, C2SP/wycheproof
 * testvectors_v1 at dac1dd4; see its README and LICENSE).
 *
 * Each test group's key goes through the RP's own path: the DER
 * SubjectPublicKeyInfo into fsim_cose_key_from_spki (the COSE-04/05 checks a
 * credential or attestation key gets), then every test's signature through
 * fsim_sig_verify, exactly as an assertion (AUTH-18) or a packed statement
 * (ATT-PACKED-02) is checked. A "valid" vector must verify and an "invalid"
 * one must not.
 *
 * "acceptable" vectors are decided one way, here and in core/sig.h:
 * - RSASSA-PKCS1-v1_5 with a DigestInfo whose AlgorithmIdentifier omits the
 *   NULL parameters (flag MissingNull, RFC 8017 §9.2 note 2): REFUSED. The
 *   verifier takes only the DigestInfo encodings RFC 8017 §9.2 note 1 lists
 *   (with NULL), one byte string per hash, so no second encoding of the same
 *   signature is accepted; fidosim's own RS256/RS1 signatures use those
 *   encodings (test_keys.c verifies them with this verifier).
 * Any other acceptable vector fails this test until a decision is written
 * here.
 *
 * A missing or unreadable vector file FAILS (it is never skipped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/cose.h"
#include "core/sig.h"

#define DIR "vectors/wycheproof/"

/* The verdict counts of one file, so the numbers can be checked too. */
struct tally {
	size_t valid, invalid, acceptable, disagree;
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex string into a new buffer (an empty string is zero bytes). */
static uint8_t *
unhex(const char *s, size_t *len)
{
	size_t n = strlen(s), i;
	uint8_t *b;

	assert_int_equal(n % 2, 0);
	b = malloc(n / 2 + 1);
	assert_non_null(b);
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		assert_true(hi >= 0 && lo >= 0);
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return b;
}

static const char *
str_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s == NULL)
		fail_msg("vector member \"%s\" is missing or not a string", key);
	return s;
}

/* Is this acceptable vector one whose decision is written above (refuse)? */
static bool
acceptable_decided(const json_t *t, int alg)
{
	const json_t *flags = json_object_get(t, "flags");
	size_t i;

	for (i = 0; i < json_array_size(flags); i++)
		if (alg == FSIM_COSE_RS256 && json_is_string(json_array_get(flags, i)) &&
		    strcmp(json_string_value(json_array_get(flags, i)), "MissingNull") == 0)
			return true;
	return false;
}

/*
 * Run one file under COSE alg `alg`. schema names the Wycheproof schema the
 * file must declare (a renamed or replaced file is then noticed).
 */
static void
run_file(const char *name, const char *schema, int alg, struct tally *t)
{
	char path[256];
	json_error_t jerr;
	json_t *root, *groups;
	size_t gi, ti, declared, seen = 0;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), DIR "%s", name);
	root = json_load_file(path, 0, &jerr);
	if (root == NULL)
		fail_msg("%s: cannot read the vector file: %s", path, jerr.text);
	if (strcmp(str_of(root, "schema"), schema) != 0)
		fail_msg("%s: schema is %s, expected %s", path, str_of(root, "schema"), schema);
	declared = (size_t)json_integer_value(json_object_get(root, "numberOfTests"));
	groups = json_object_get(root, "testGroups");
	assert_true(json_array_size(groups) > 0);
	for (gi = 0; gi < json_array_size(groups); gi++) {
		const json_t *g = json_array_get(groups, gi), *tests;
		fsim_cose_key_t *key = NULL;
		uint8_t *der;
		size_t dlen;
		int kr;

		der = unhex(str_of(g, "publicKeyDer"), &dlen);
		kr = fsim_cose_key_from_spki(der, dlen, alg, &key);
		free(der);
		/* Wycheproof's keys are all valid: our key checks must take every one. */
		if (kr != 0)
			fail_msg("%s group %zu: the key is refused (%s)", name, gi,
			    fsim_strerr(kr));
		tests = json_object_get(g, "tests");
		for (ti = 0; ti < json_array_size(tests); ti++) {
			const json_t *tc = json_array_get(tests, ti);
			const char *res = str_of(tc, "result");
			uint8_t *msg, *sig;
			size_t mlen, slen;
			fsim_diags_t d;
			bool want, got;
			int r;

			msg = unhex(str_of(tc, "msg"), &mlen);
			sig = unhex(str_of(tc, "sig"), &slen);
			fsim_diags_init(&d);
			r = fsim_sig_verify(fsim_cose_key_pkey(key), alg, msg, mlen, sig,
			    slen, &d, "AUTH-18", "signature");
			/* never an internal error: malformed input is a verdict */
			assert_true(r == 0 || r == FSIM_ERR_SIGNATURE);
			/* a refusal always says why, under a rule */
			assert_true(r == 0 || fsim_diags_count(&d, FSIM_SEV_ERROR) > 0);
			fsim_diags_clear(&d);
			got = r == 0;
			if (strcmp(res, "valid") == 0) {
				t->valid++;
				want = true;
			} else if (strcmp(res, "invalid") == 0) {
				t->invalid++;
				want = false;
			} else {
				assert_string_equal(res, "acceptable");
				t->acceptable++;
				if (!acceptable_decided(tc, alg))
					fail_msg("%s tcId %lld: an acceptable vector with no "
					    "decision written in this file", name, (long long)
					    json_integer_value(json_object_get(tc, "tcId")));
				want = false;
			}
			if (got != want) {
				t->disagree++;
				print_message("# %s tcId %lld (%s, %s): Wycheproof says %s, "
				    "fsim_sig_verify %s\n", name,
				    (long long)json_integer_value(json_object_get(tc, "tcId")),
				    res, json_string_value(json_object_get(tc, "comment")),
				    want ? "accept" : "reject", got ? "accepts" : "rejects");
			}
			seen++;
			free(msg);
			free(sig);
		}
		fsim_cose_key_free(&key);
	}
	json_decref(root);
	assert_int_equal(seen, declared);
	print_message("# %s: %zu valid, %zu invalid, %zu acceptable, %zu disagreements\n",
	    name, t->valid, t->invalid, t->acceptable, t->disagree);
	assert_int_equal(t->disagree, 0);
}

/* The counts pin the files: an emptied or truncated file cannot pass. */
static void
expect_counts(const struct tally *t, size_t valid, size_t invalid, size_t acceptable)
{
	assert_int_equal(t->valid, valid);
	assert_int_equal(t->invalid, invalid);
	assert_int_equal(t->acceptable, acceptable);
}

static void
t_es256(void **state)
{
	struct tally t;

	(void)state;
	run_file("ecdsa_secp256r1_sha256_test.json", "ecdsa_verify_schema_v1.json",
	    FSIM_COSE_ES256, &t);
	expect_counts(&t, 174, 310, 0);
}

static void
t_es384(void **state)
{
	struct tally t;

	(void)state;
	run_file("ecdsa_secp384r1_sha384_test.json", "ecdsa_verify_schema_v1.json",
	    FSIM_COSE_ES384, &t);
	expect_counts(&t, 194, 310, 0);
}

static void
t_es512(void **state)
{
	struct tally t;

	(void)state;
	run_file("ecdsa_secp521r1_sha512_test.json", "ecdsa_verify_schema_v1.json",
	    FSIM_COSE_ES512, &t);
	expect_counts(&t, 232, 310, 0);
}

/* The fully specified ESP256 (-9) shares ES256's verifier: same verdicts. */
static void
t_esp256(void **state)
{
	struct tally t;

	(void)state;
	run_file("ecdsa_secp256r1_sha256_test.json", "ecdsa_verify_schema_v1.json",
	    FSIM_COSE_ESP256, &t);
	expect_counts(&t, 174, 310, 0);
}

static void
t_ed25519(void **state)
{
	struct tally t;

	(void)state;
	run_file("ed25519_test.json", "eddsa_verify_schema_v1.json", FSIM_COSE_EDDSA, &t);
	expect_counts(&t, 88, 63, 0);
	run_file("ed25519_test.json", "eddsa_verify_schema_v1.json", FSIM_COSE_ED25519, &t);
	expect_counts(&t, 88, 63, 0);
}

static void
t_ed448(void **state)
{
	struct tally t;

	(void)state;
	run_file("ed448_test.json", "eddsa_verify_schema_v1.json", FSIM_COSE_ED448, &t);
	expect_counts(&t, 17, 70, 0);
	/* EdDSA (-8) on an Ed448 key: tolerated with a COSE-03 warning, same verifier */
	run_file("ed448_test.json", "eddsa_verify_schema_v1.json", FSIM_COSE_EDDSA, &t);
	expect_counts(&t, 17, 70, 0);
}

static void
t_rs256(void **state)
{
	struct tally t;

	(void)state;
	run_file("rsa_signature_2048_sha256_test.json", "rsassa_pkcs1_verify_schema_v1.json",
	    FSIM_COSE_RS256, &t);
	expect_counts(&t, 9, 249, 1);
}

static void
t_ps256(void **state)
{
	struct tally t;

	(void)state;
	run_file("rsa_pss_2048_sha256_mgf1_32_test.json", "rsassa_pss_verify_schema_v1.json",
	    FSIM_COSE_PS256, &t);
	expect_counts(&t, 63, 45, 0);
}

static void
t_ps384(void **state)
{
	struct tally t;

	(void)state;
	run_file("rsa_pss_2048_sha384_mgf1_48_test.json", "rsassa_pss_verify_schema_v1.json",
	    FSIM_COSE_PS384, &t);
	expect_counts(&t, 95, 46, 0);
}

/*
 * The verifier must not accept a vector under the wrong alg: the PS256 file's
 * valid signatures all fail as PS384 (another hash and salt), and the RS256
 * file's as RS1. This keeps "every vector agrees" from passing by a verifier
 * that ignores alg.
 */
static void
t_wrong_alg_refuses(void **state)
{
	static const struct {
		const char *file;
		int alg;
	} cases[] = {
		{ "rsa_pss_2048_sha256_mgf1_32_test.json", FSIM_COSE_PS384 },
		{ "rsa_pss_2048_sha384_mgf1_48_test.json", FSIM_COSE_PS512 },
		{ "rsa_signature_2048_sha256_test.json", FSIM_COSE_RS1 },
		{ "ecdsa_secp256r1_sha256_test.json", FSIM_COSE_ES384 },
	};
	char path[256];
	size_t c, gi, ti, valid = 0;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		json_t *root, *groups;

		snprintf(path, sizeof(path), DIR "%s", cases[c].file);
		if ((root = json_load_file(path, 0, NULL)) == NULL)
			fail_msg("%s: cannot read the vector file", path);
		groups = json_object_get(root, "testGroups");
		for (gi = 0; gi < json_array_size(groups); gi++) {
			const json_t *g = json_array_get(groups, gi);
			const json_t *tests = json_object_get(g, "tests");
			fsim_cose_key_t *key = NULL;
			uint8_t *der;
			size_t dlen;

			der = unhex(str_of(g, "publicKeyDer"), &dlen);
			/* an EC key cannot even be taken as another curve's alg */
			if (fsim_cose_key_from_spki(der, dlen, cases[c].alg, &key) != 0) {
				free(der);
				assert_int_equal(cases[c].alg, FSIM_COSE_ES384);
				der = unhex(str_of(g, "publicKeyDer"), &dlen);
				assert_int_equal(fsim_cose_key_from_spki(der, dlen,
				    FSIM_COSE_ES256, &key), 0);
			}
			free(der);
			for (ti = 0; ti < json_array_size(tests); ti++) {
				const json_t *tc = json_array_get(tests, ti);
				uint8_t *msg, *sig;
				size_t mlen, slen;

				if (strcmp(str_of(tc, "result"), "valid") != 0)
					continue;
				msg = unhex(str_of(tc, "msg"), &mlen);
				sig = unhex(str_of(tc, "sig"), &slen);
				assert_int_not_equal(fsim_sig_verify(fsim_cose_key_pkey(key),
				    cases[c].alg, msg, mlen, sig, slen, NULL, NULL, NULL), 0);
				valid++;
				free(msg);
				free(sig);
			}
			fsim_cose_key_free(&key);
		}
		json_decref(root);
	}
	assert_int_equal(valid, 63 + 95 + 9 + 174);  /* every valid vector of the four files */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_es256),
		cmocka_unit_test(t_es384),
		cmocka_unit_test(t_es512),
		cmocka_unit_test(t_esp256),
		cmocka_unit_test(t_ed25519),
		cmocka_unit_test(t_ed448),
		cmocka_unit_test(t_rs256),
		cmocka_unit_test(t_ps256),
		cmocka_unit_test(t_ps384),
		cmocka_unit_test(t_wrong_alg_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
