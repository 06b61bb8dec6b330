/*
 * test_mldsa.c — ML-DSA-44/65/87 (FIPS 204), core/mldsa*.c.
 *
 * Data: vectors/wycheproof/mldsa_{44,65,87}_verify_test.json and
 * mldsa_{44,65,87}_sign_seed_test.json (Project Wycheproof, see that
 * folder's README for the commit and licence). The verify files have valid
 * and invalid tests only (no "acceptable" ones): every valid one must verify
 * and every invalid one must not, both through the raw primitive and through
 * the EVP_PKEY interface the rest of fidosim uses. The sign-seed files give a
 * 32-byte seed xi per group: the public key derived from it must equal
 * `publicKey`, and the signature must equal `sig` byte for byte (all-zero rnd
 * unless the test has `rnd`: the "Randomized" hedged test; "Internal" tests
 * give mu instead of a message). A missing or unreadable file fails the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "core/mldsa.h"
#include "core/mldsa_int.h"
#include "core/util.h"

static json_t *
load(const char *name)
{
	char path[256];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "vectors/wycheproof/%s", name);
	j = json_load_file(path, 0, &err);
	if (j == NULL)
		fail_msg("cannot read %s: %s (line %d)", path, err.text, err.line);
	return j;
}

/* Hex member `key` of o into a new buffer (NULL and 0 for an absent member). */
static uint8_t *
hex(const json_t *o, const char *key, size_t *len)
{
	const char *s = json_string_value(json_object_get(o, key));
	uint8_t *b;
	size_t i, n;
	unsigned v;

	*len = 0;
	if (s == NULL)
		return NULL;
	n = strlen(s);
	assert_int_equal(n % 2, 0);
	b = malloc(n / 2 + 1);
	assert_non_null(b);
	for (i = 0; i < n / 2; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
	*len = n / 2;
	return b;
}

static bool
has_flag(const json_t *t, const char *flag)
{
	size_t i;
	json_t *f;

	json_array_foreach(json_object_get(t, "flags"), i, f)
		if (strcmp(json_string_value(f), flag) == 0)
			return true;
	return false;
}

struct counts {
	int valid, invalid, evp;
};

static void
verify_file(int set, const char *name, struct counts *c)
{
	json_t *root = load(name), *g, *t;
	size_t gi, ti, pklen, mlen, slen, clen;
	uint8_t *pk, *msg, *sig, *ctx, mu[64];
	fsim_mldsa_raw_t *k;
	EVP_PKEY *pkey;
	bool want, got, got_evp;
	int r;

	json_array_foreach(json_object_get(root, "testGroups"), gi, g) {
		pk = hex(g, "publicKey", &pklen);
		k = NULL;
		pkey = NULL;
		r = fsim_mldsa_raw_from_public(set, pk, pklen, &k);
		if (pklen == fsim_mldsa_params(set)->pk_len) {
			assert_int_equal(r, 0);
			assert_int_equal(fsim_mldsa_pkey_from_public(set, pk, pklen, &pkey), 0);
		} else {
			assert_int_equal(r, FSIM_ERR_FORMAT);
			assert_int_equal(fsim_mldsa_pkey_from_public(set, pk, pklen, &pkey),
			    FSIM_ERR_FORMAT);
		}
		json_array_foreach(json_object_get(g, "tests"), ti, t) {
			const char *res = json_string_value(json_object_get(t, "result"));

			assert_string_not_equal(res, "acceptable");  /* none exist today */
			want = strcmp(res, "valid") == 0;
			msg = hex(t, "msg", &mlen);
			sig = hex(t, "sig", &slen);
			ctx = hex(t, "ctx", &clen);
			got = got_evp = false;
			if (k != NULL && fsim_mldsa_raw_mu(k, ctx, clen, msg, mlen, mu) == 0)
				got = fsim_mldsa_raw_verify_mu(k, mu, sig, slen) == 0;
			if (pkey != NULL) {
				got_evp = fsim_mldsa_verify(pkey, msg, mlen, ctx, clen, sig,
				    slen) == 0;
				c->evp++;
			}
			if (got != want || got_evp != (want && pkey != NULL))
				fail_msg("%s tcId %lld (%s): expected %s, raw says %s, EVP %s",
				    name, json_integer_value(json_object_get(t, "tcId")),
				    json_string_value(json_object_get(t, "comment")), res,
				    got ? "valid" : "invalid", got_evp ? "valid" : "invalid");
			if (want)
				c->valid++;
			else
				c->invalid++;
			free(msg);
			free(sig);
			free(ctx);
		}
		fsim_mldsa_raw_free(&k);
		EVP_PKEY_free(pkey);
		free(pk);
	}
	json_decref(root);
}

static void
test_verify_vectors(void **state)
{
	static const struct { int set; const char *file; int valid, invalid; } f[] = {
		{ 44, "mldsa_44_verify_test.json", 77, 103 },
		{ 65, "mldsa_65_verify_test.json", -1, -1 },
		{ 87, "mldsa_87_verify_test.json", -1, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct counts c = { 0, 0, 0 };

		verify_file(f[i].set, f[i].file, &c);
		/* every test was run: the file is not empty or cut short */
		assert_true(c.valid > 20 && c.invalid > 20 && c.evp > 40);
		if (f[i].valid >= 0) {
			assert_int_equal(c.valid, f[i].valid);
			assert_int_equal(c.invalid, f[i].invalid);
		}
	}
}

static void
sign_file(int set, const char *name)
{
	json_t *root = load(name), *g, *t;
	const struct fsim_mldsa_params *pp = fsim_mldsa_params(set);
	size_t gi, ti, xlen, pklen, mlen, slen, clen, mulen, rlen, n = 0;
	uint8_t *xi, *pk, *msg, *sig, *ctx, *mu, *rnd, m[64], zero[32], *out;
	const uint8_t *derived;
	fsim_mldsa_raw_t *k;
	EVP_PKEY *pkey;
	fsim_blob_t evp_sig = { NULL, 0 };
	size_t dlen;
	bool valid;

	memset(zero, 0, sizeof(zero));
	out = malloc(pp->sig_len);
	assert_non_null(out);
	json_array_foreach(json_object_get(root, "testGroups"), gi, g) {
		xi = hex(g, "privateSeed", &xlen);
		pk = hex(g, "publicKey", &pklen);
		k = NULL;
		pkey = NULL;
		if (xlen != 32) {
			/* IncorrectPrivateKeyLength: no key can be made */
			assert_int_equal(fsim_mldsa_pkey_from_seed(set, xi, xlen, &pkey),
			    FSIM_ERR_FORMAT);
			json_array_foreach(json_object_get(g, "tests"), ti, t)
				assert_string_equal(json_string_value(json_object_get(t,
				    "result")), "invalid");
			free(xi);
			free(pk);
			continue;
		}
		assert_int_equal(fsim_mldsa_raw_from_seed(set, xi, &k), 0);
		derived = fsim_mldsa_raw_public(k, &dlen);
		assert_int_equal(dlen, pklen);
		assert_memory_equal(derived, pk, pklen);
		assert_int_equal(fsim_mldsa_pkey_from_seed(set, xi, xlen, &pkey), 0);
		json_array_foreach(json_object_get(g, "tests"), ti, t) {
			valid = strcmp(json_string_value(json_object_get(t, "result")),
			    "valid") == 0;
			msg = hex(t, "msg", &mlen);
			sig = hex(t, "sig", &slen);
			ctx = hex(t, "ctx", &clen);
			mu = hex(t, "mu", &mulen);
			rnd = hex(t, "rnd", &rlen);
			assert_true(rnd == NULL || rlen == 32);
			if (!valid) {
				/* only a context over 255 bytes is invalid here */
				assert_true(has_flag(t, "InvalidContext"));
				assert_true(clen > 255);
				assert_int_equal(fsim_mldsa_raw_mu(k, ctx, clen, msg, mlen, m),
				    FSIM_ERR_ARG);
				assert_int_equal(fsim_mldsa_sign(pkey, msg, mlen, ctx, clen,
				    NULL, &evp_sig), FSIM_ERR_ARG);
			} else {
				assert_int_equal(slen, pp->sig_len);
				if (msg != NULL || mu == NULL) {
					assert_int_equal(fsim_mldsa_raw_mu(k, ctx, clen, msg, mlen,
					    m), 0);
					if (mu != NULL)
						assert_memory_equal(m, mu, 64);
					/* the EVP path: deterministic, or with the test's rnd */
					assert_int_equal(fsim_mldsa_sign(pkey, msg, mlen, ctx, clen,
					    rnd != NULL ? rnd : zero, &evp_sig), 0);
					assert_int_equal(evp_sig.len, slen);
					assert_memory_equal(evp_sig.ptr, sig, slen);
					fsim_blob_reset(&evp_sig);
				} else {
					assert_true(has_flag(t, "Internal"));
					assert_int_equal(mulen, 64);
					memcpy(m, mu, 64);
				}
				assert_int_equal(fsim_mldsa_raw_sign_mu(k, m, rnd != NULL ? rnd :
				    zero, out), 0);
				if (memcmp(out, sig, slen) != 0)
					fail_msg("%s tcId %lld (%s): signature differs", name,
					    json_integer_value(json_object_get(t, "tcId")),
					    json_string_value(json_object_get(t, "comment")));
				assert_int_equal(fsim_mldsa_raw_verify_mu(k, m, out, slen), 0);
				n++;
			}
			free(msg);
			free(sig);
			free(ctx);
			free(mu);
			free(rnd);
		}
		fsim_mldsa_raw_free(&k);
		EVP_PKEY_free(pkey);
		free(xi);
		free(pk);
	}
	assert_true(n > 60);
	free(out);
	json_decref(root);
}

static void
test_sign_seed_vectors(void **state)
{
	(void)state;
	sign_file(44, "mldsa_44_sign_seed_test.json");
	sign_file(65, "mldsa_65_sign_seed_test.json");
	sign_file(87, "mldsa_87_sign_seed_test.json");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_vectors),
		cmocka_unit_test(test_sign_seed_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
