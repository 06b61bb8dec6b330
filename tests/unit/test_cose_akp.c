/*
 * test_cose_akp.c — ML-DSA credential keys: COSE key type AKP (kty 7, alg
 * -48/-49/-50, the public key at label -1 as draft-ietf-cose-dilithium and
 * Chromium encode it), their SubjectPublicKeyInfo (RFC 9881), signatures
 * through core/sig.c (SIG-ML-01), the authenticator's keys (seeded
 * generation, seed-form PKCS#8, hedged signing) and core/mldsa.h's argument
 * checks.
 *
 * Data: the seed 2a..2a and its ML-DSA-44 public key and PKCS#8 are
 * Wycheproof's (vectors/wycheproof/mldsa_44_sign_seed_test.json, group 1);
 * every other key is made here from a fixed seed.
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
#include <openssl/evp.h>

#include "authenticator/env.h"
#include "authenticator/keys.h"
#include "core/cose.h"
#include "core/mldsa.h"
#include "core/sig.h"

static const int algs[3] = { FSIM_COSE_MLDSA44, FSIM_COSE_MLDSA65, FSIM_COSE_MLDSA87 };
static const int sets[3] = { 44, 65, 87 };
static const uint8_t msg[] = "authenticatorData || clientDataHash";

static bool
has_rule(const fsim_diags_t *d, const char *rule, fsim_sev_t sev)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0 && d->v[i].sev == sev)
			return true;
	return false;
}

static EVP_PKEY *
key_of(int set, uint8_t fill)
{
	uint8_t xi[32];
	EVP_PKEY *k = NULL;

	memset(xi, fill, sizeof(xi));
	assert_int_equal(fsim_mldsa_pkey_from_seed(set, xi, sizeof(xi), &k), 0);
	return k;
}

/* A CBOR map {1: kty, 3: alg, -1: bstr(len)} (len < 65536) into buf. */
static size_t
akp_map(uint8_t *buf, int kty, int alg, size_t len, const uint8_t *pub)
{
	size_t o = 0;

	buf[o++] = 0xa3;
	buf[o++] = 0x01;
	buf[o++] = (uint8_t)kty;
	buf[o++] = 0x03;
	buf[o++] = 0x38;
	buf[o++] = (uint8_t)(-1 - alg);
	buf[o++] = 0x20;
	buf[o++] = 0x59;
	buf[o++] = (uint8_t)(len >> 8);
	buf[o++] = (uint8_t)len;
	if (pub != NULL)
		memcpy(buf + o, pub, len);
	else
		memset(buf + o, 0x5a, len);
	return o + len;
}

static void
test_encode_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		EVP_PKEY *k = key_of(sets[i], 7);
		fsim_cose_key_t *a = NULL, *b = NULL, *c = NULL;
		fsim_blob_t enc = { NULL, 0 }, spki = { NULL, 0 };
		fsim_diags_t d;
		size_t pl = fsim_mldsa_public_len(sets[i]);

		fsim_diags_init(&d);
		assert_int_equal(fsim_cose_key_from_pkey(k, algs[i], &a), 0);
		assert_int_equal(fsim_cose_key_kty(a), FSIM_COSE_KTY_AKP);
		assert_int_equal(fsim_cose_key_crv(a), 0);
		assert_int_equal(fsim_cose_key_bits(a), (int)(8 * pl));
		assert_int_equal(fsim_cose_key_encode(a, &enc), 0);
		/* {1: 7, 3: alg, -1: h'...'} in canonical order, as Chromium sends it */
		assert_int_equal(enc.len, 10 + pl);
		assert_int_equal(enc.ptr[0], 0xa3);
		assert_int_equal(enc.ptr[2], 0x07);
		assert_int_equal(enc.ptr[5], -1 - algs[i]);
		assert_int_equal(enc.ptr[6], 0x20);
		assert_int_equal(fsim_cose_key_parse(enc.ptr, enc.len, &b, &d), 0);
		assert_int_equal(d.n, 0);   /* no warning: canonical, nothing extra */
		assert_true(fsim_cose_key_equal(a, b));
		assert_int_equal(fsim_cose_key_alg(b), algs[i]);
		assert_string_equal(fsim_cose_alg_name(algs[i]), fsim_mldsa_name(sets[i]));
		/* SPKI: 22-byte RFC 9881 prefix, the key, and back */
		assert_int_equal(fsim_cose_key_spki(b, &spki), 0);
		assert_int_equal(spki.len, 22 + pl);
		assert_memory_equal(spki.ptr + 22, enc.ptr + 10, pl);
		assert_true(fsim_cose_key_spki_equal(b, spki.ptr, spki.len));
		assert_int_equal(fsim_cose_key_from_spki(spki.ptr, spki.len, algs[i], &c), 0);
		assert_true(fsim_cose_key_equal(b, c));
		fsim_cose_key_free(&c);
		/* the wrong set's OID, or a cut key, is not this key's SPKI */
		assert_int_not_equal(fsim_cose_key_from_spki(spki.ptr, spki.len,
		    algs[(i + 1) % 3], &c), 0);
		assert_int_not_equal(fsim_cose_key_from_spki(spki.ptr, spki.len - 1,
		    algs[i], &c), 0);
		spki.ptr[16] ^= 0x01;
		assert_false(fsim_cose_key_spki_equal(b, spki.ptr, spki.len));
		assert_int_not_equal(fsim_cose_key_from_spki(spki.ptr, spki.len, algs[i], &c), 0);
		/* the key type does not fit another alg */
		assert_int_equal(fsim_cose_key_from_pkey(k, algs[(i + 1) % 3], &c), FSIM_ERR_COSE);
		assert_int_equal(fsim_cose_key_from_pkey(k, FSIM_COSE_ES256, &c), FSIM_ERR_COSE);
		assert_null(c);
		fsim_blob_reset(&enc);
		fsim_blob_reset(&spki);
		fsim_cose_key_free(&a);
		fsim_cose_key_free(&b);
		fsim_diags_clear(&d);
		EVP_PKEY_free(k);
	}
	assert_int_equal(fsim_cose_alg_from_name("mldsa44"), -48);
	assert_int_equal(fsim_cose_alg_from_name("MLDSA87"), -50);
	assert_int_equal(fsim_cose_alg_from_name("ml-dsa-65"), -49);
	assert_int_equal(fsim_cose_alg_from_name("-49"), -49);
	assert_int_equal(fsim_cose_alg_from_name("mldsa99"), 0);
	assert_string_equal(fsim_cose_kty_name(FSIM_COSE_KTY_AKP), "AKP");
}

/* Parse buf and expect result r with rule at severity sev. */
static void
expect_parse(const uint8_t *buf, size_t len, int r, const char *rule, fsim_sev_t sev)
{
	fsim_cose_key_t *k = NULL;
	fsim_diags_t d;

	fsim_diags_init(&d);
	assert_int_equal(fsim_cose_key_parse(buf, len, &k, &d), r);
	if (!has_rule(&d, rule, sev))
		fail_msg("expected %s (%s), got %zu diagnostics, first %s: %s", rule,
		    sev == FSIM_SEV_ERROR ? "error" : "warning", d.n,
		    d.n > 0 ? d.v[0].rule : "-", d.n > 0 ? d.v[0].msg : "");
	assert_true(r == 0 ? k != NULL : k == NULL);
	fsim_cose_key_free(&k);
	fsim_diags_clear(&d);
}

static void
test_parse_strict(void **state)
{
	static uint8_t buf[3000];
	uint8_t pub[1312];
	EVP_PKEY *k = key_of(44, 9);
	size_t n, pl;

	(void)state;
	assert_int_equal(fsim_mldsa_pkey_public(k, pub, sizeof(pub), &pl), 0);
	/* the good key parses */
	n = akp_map(buf, 7, -48, 1312, pub);
	{
		fsim_cose_key_t *ck = NULL;

		assert_int_equal(fsim_cose_key_parse(buf, n, &ck, NULL), 0);
		fsim_cose_key_free(&ck);
	}
	/* pub one byte short or long, or another set's length */
	n = akp_map(buf, 7, -48, 1311, pub);
	expect_parse(buf, n, FSIM_ERR_COSE, "COSE-03", FSIM_SEV_ERROR);
	n = akp_map(buf, 7, -48, 1313, NULL);
	expect_parse(buf, n, FSIM_ERR_COSE, "COSE-03", FSIM_SEV_ERROR);
	n = akp_map(buf, 7, -48, 1952, NULL);
	expect_parse(buf, n, FSIM_ERR_COSE, "COSE-03", FSIM_SEV_ERROR);
	/* wrong kty for the alg, and the AKP kty with a classic alg */
	n = akp_map(buf, 2, -48, 1312, pub);
	expect_parse(buf, n, FSIM_ERR_COSE, "COSE-03", FSIM_SEV_ERROR);
	n = akp_map(buf, 1, -49, 1952, NULL);
	expect_parse(buf, n, FSIM_ERR_COSE, "COSE-03", FSIM_SEV_ERROR);
	{
		/* {1: 7, 3: -7, -1: ...}: ES256 wants kty 2 */
		n = akp_map(buf, 7, -48, 1312, pub);
		buf[4] = 0x26;  /* -7 */
		buf[5] = 0x20;
		memmove(buf + 5, buf + 6, n - 6);
		expect_parse(buf, n - 1, FSIM_ERR_COSE, "COSE-03", FSIM_SEV_ERROR);
	}
	/* pub missing: {1: 7, 3: -48} */
	{
		const uint8_t m[] = { 0xa2, 0x01, 0x07, 0x03, 0x38, 0x2f };

		expect_parse(m, sizeof(m), FSIM_ERR_COSE, "COSE-01", FSIM_SEV_ERROR);
	}
	/* pub a text string: {1: 7, 3: -48, -1: "ab"} */
	{
		const uint8_t m[] = { 0xa3, 0x01, 0x07, 0x03, 0x38, 0x2f, 0x20, 0x62, 'a', 'b' };

		expect_parse(m, sizeof(m), FSIM_ERR_COSE, "COSE-03", FSIM_SEV_ERROR);
	}
	/* an extra label -2 (priv, the seed): parses, warned as private key material */
	n = akp_map(buf, 7, -48, 1312, pub);
	buf[0] = 0xa4;
	buf[n++] = 0x21;  /* -2 */
	buf[n++] = 0x58;
	buf[n++] = 32;
	memset(buf + n, 1, 32);
	n += 32;
	expect_parse(buf, n, 0, "COSE-02", FSIM_SEV_WARNING);
	/* not in canonical order ({3: -48, 1: 7, -1: ...}): COSE-06 warning */
	n = akp_map(buf, 7, -48, 1312, pub);
	buf[1] = 0x03; buf[2] = 0x38; buf[3] = 0x2f; buf[4] = 0x01; buf[5] = 0x07;
	expect_parse(buf, n, 0, "COSE-06", FSIM_SEV_WARNING);
	EVP_PKEY_free(k);
}

static void
test_sig_verify(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		EVP_PKEY *k = key_of(sets[i], 3), *other = key_of(sets[(i + 1) % 3], 3);
		fsim_blob_t sig = { NULL, 0 };
		fsim_diags_t d;

		fsim_diags_init(&d);
		assert_int_equal(fsim_sig_sign(k, algs[i], msg, sizeof(msg), &sig), 0);
		assert_int_equal(sig.len, fsim_mldsa_sig_len(sets[i]));
		assert_int_equal(fsim_sig_verify(k, algs[i], msg, sizeof(msg), sig.ptr,
		    sig.len, &d, "AUTH-20", NULL), 0);
		assert_int_equal(d.n, 0);
		/* one flipped bit of the message, of c~, of the hints */
		assert_int_equal(fsim_sig_verify(k, algs[i], msg, sizeof(msg) - 1, sig.ptr,
		    sig.len, &d, "AUTH-20", NULL), FSIM_ERR_SIGNATURE);
		assert_true(has_rule(&d, "AUTH-20", FSIM_SEV_ERROR));
		sig.ptr[0] ^= 0x01;
		assert_int_equal(fsim_sig_verify(k, algs[i], msg, sizeof(msg), sig.ptr,
		    sig.len, NULL, NULL, NULL), FSIM_ERR_SIGNATURE);
		sig.ptr[0] ^= 0x01;
		sig.ptr[sig.len - 1] ^= 0x01;
		assert_int_equal(fsim_sig_verify(k, algs[i], msg, sizeof(msg), sig.ptr,
		    sig.len, NULL, NULL, NULL), FSIM_ERR_SIGNATURE);
		sig.ptr[sig.len - 1] ^= 0x01;
		/* a signature one byte short or long: SIG-ML-01 */
		fsim_diags_clear(&d);
		assert_int_equal(fsim_sig_verify(k, algs[i], msg, sizeof(msg), sig.ptr,
		    sig.len - 1, &d, "AUTH-20", NULL), FSIM_ERR_SIGNATURE);
		assert_true(has_rule(&d, "SIG-ML-01", FSIM_SEV_ERROR));
		/* another set's key cannot verify this alg: the caller's rule */
		fsim_diags_clear(&d);
		assert_int_equal(fsim_sig_verify(other, algs[i], msg, sizeof(msg), sig.ptr,
		    sig.len, &d, "AUTH-20", NULL), FSIM_ERR_SIGNATURE);
		assert_true(has_rule(&d, "AUTH-20", FSIM_SEV_ERROR));
		/* nor a classic alg with this key */
		assert_int_equal(fsim_sig_sign(k, FSIM_COSE_ES256, msg, sizeof(msg), &sig),
		    FSIM_ERR_ARG);
		fsim_diags_clear(&d);
		EVP_PKEY_free(k);
		EVP_PKEY_free(other);
	}
}

static void
test_authenticator_keys(void **state)
{
	static const uint8_t seed[] = { 1, 2, 3 };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		fsim_env_t e1, e2;
		EVP_PKEY *a = NULL, *b = NULL, *c = NULL;
		fsim_blob_t der = { NULL, 0 }, s1 = { NULL, 0 }, s2 = { NULL, 0 };
		uint8_t p1[2592], p2[2592];
		size_t l1, l2;

		assert_int_equal(fsim_env_seeded(&e1, seed, sizeof(seed)), 0);
		assert_int_equal(fsim_env_seeded(&e2, seed, sizeof(seed)), 0);
		assert_int_equal(fsim_key_generate(&e1, algs[i], &a), 0);
		assert_int_equal(fsim_key_generate(&e2, algs[i], &b), 0);
		assert_int_equal(fsim_mldsa_pkey_set(a), sets[i]);
		assert_int_equal(fsim_mldsa_pkey_public(a, p1, sizeof(p1), &l1), 0);
		assert_int_equal(fsim_mldsa_pkey_public(b, p2, sizeof(p2), &l2), 0);
		assert_int_equal(l1, fsim_mldsa_public_len(sets[i]));
		assert_memory_equal(p1, p2, l1);  /* same seed, same key */
		/* hedged signing with rnd from the environment: repeatable when seeded */
		assert_int_equal(fsim_key_sign(&e1, a, algs[i], msg, sizeof(msg), &s1), 0);
		assert_int_equal(fsim_key_sign(&e2, b, algs[i], msg, sizeof(msg), &s2), 0);
		assert_true(fsim_blob_eq(&s1, s2.ptr, s2.len));
		assert_int_equal(fsim_sig_verify(a, algs[i], msg, sizeof(msg), s1.ptr, s1.len,
		    NULL, NULL, NULL), 0);
		/* the next rnd differs, so does the signature; both verify */
		assert_int_equal(fsim_key_sign(&e1, a, algs[i], msg, sizeof(msg), &s2), 0);
		assert_false(fsim_blob_eq(&s1, s2.ptr, s2.len));
		assert_int_equal(fsim_sig_verify(a, algs[i], msg, sizeof(msg), s2.ptr, s2.len,
		    NULL, NULL, NULL), 0);
		/* the key signs only under its own alg */
		assert_int_equal(fsim_key_sign(&e1, a, algs[(i + 1) % 3], msg, sizeof(msg),
		    &s2), FSIM_ERR_ARG);
		/* PKCS#8, seed form: 54 bytes, and back to the same key */
		assert_int_equal(fsim_key_to_der(a, &der), 0);
		assert_int_equal(der.len, 54);
		assert_int_equal(der.ptr[17], 0x11 + i);
		assert_int_equal(fsim_key_from_der(der.ptr, der.len, &c), 0);
		assert_int_equal(EVP_PKEY_eq(a, c), 1);
		assert_int_equal(fsim_key_sign(&e2, c, algs[i], msg, sizeof(msg), &s2), 0);
		assert_int_equal(fsim_sig_verify(a, algs[i], msg, sizeof(msg), s2.ptr, s2.len,
		    NULL, NULL, NULL), 0);
		EVP_PKEY_free(c);
		/* a cut or altered encoding is not a key */
		assert_int_not_equal(fsim_key_from_der(der.ptr, der.len - 1, &c), 0);
		der.ptr[17] = 0x14;
		assert_int_not_equal(fsim_key_from_der(der.ptr, der.len, &c), 0);
		assert_null(c);
		fsim_blob_reset(&der);
		fsim_blob_reset(&s1);
		fsim_blob_reset(&s2);
		EVP_PKEY_free(a);
		EVP_PKEY_free(b);
		fsim_env_free(&e1);
		fsim_env_free(&e2);
	}
}

/* Wycheproof's seed 2a..2a: its PKCS#8 and public key (group 1 of the file). */
static void
test_wycheproof_pkcs8(void **state)
{
	json_error_t err;
	json_t *root = json_load_file("vectors/wycheproof/mldsa_44_sign_seed_test.json", 0,
	    &err);
	json_t *g;
	const char *p8hex, *pkhex;
	EVP_PKEY *k = key_of(44, 0x2a);
	fsim_blob_t der = { NULL, 0 };
	uint8_t pub[1312];
	size_t i, pl;
	unsigned v;

	(void)state;
	if (root == NULL)
		fail_msg("cannot read mldsa_44_sign_seed_test.json: %s", err.text);
	g = json_array_get(json_object_get(root, "testGroups"), 0);
	p8hex = json_string_value(json_object_get(g, "privateKeyPkcs8"));
	pkhex = json_string_value(json_object_get(g, "publicKey"));
	assert_non_null(p8hex);
	assert_non_null(pkhex);
	assert_int_equal(fsim_key_to_der(k, &der), 0);
	assert_int_equal(strlen(p8hex), 2 * der.len);
	for (i = 0; i < der.len; i++) {
		assert_int_equal(sscanf(p8hex + 2 * i, "%2x", &v), 1);
		assert_int_equal(der.ptr[i], v);
	}
	assert_int_equal(fsim_mldsa_pkey_public(k, pub, sizeof(pub), &pl), 0);
	assert_int_equal(strlen(pkhex), 2 * pl);
	for (i = 0; i < pl; i++) {
		assert_int_equal(sscanf(pkhex + 2 * i, "%2x", &v), 1);
		assert_int_equal(pub[i], v);
	}
	fsim_blob_reset(&der);
	EVP_PKEY_free(k);
	json_decref(root);
}

static void
test_mldsa_api(void **state)
{
	uint8_t xi[32] = { 0 }, zero[32] = { 0 }, pub[1312], ctx[256];
	EVP_PKEY *k = key_of(44, 5), *pk = NULL;
	fsim_blob_t a = { NULL, 0 }, b = { NULL, 0 };
	size_t pl;

	(void)state;
	assert_int_equal(fsim_mldsa_pkey_from_seed(44, xi, 31, &pk), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_mldsa_pkey_from_seed(45, xi, 32, &pk), FSIM_ERR_ARG);
	assert_int_equal(fsim_mldsa_pkey_from_public(44, xi, 32, &pk), FSIM_ERR_FORMAT);
	assert_null(pk);
	assert_int_equal(fsim_mldsa_set_of_alg(-48), 44);
	assert_int_equal(fsim_mldsa_set_of_alg(-7), 0);
	assert_int_equal(fsim_mldsa_alg_of_set(87), -50);
	assert_int_equal(fsim_mldsa_pkey_public(k, pub, sizeof(pub), &pl), 0);
	assert_int_equal(fsim_mldsa_pkey_from_public(44, pub, pl, &pk), 0);
	assert_int_equal(EVP_PKEY_eq(k, pk), 1);
	/* a public key has no seed and cannot sign */
	assert_int_equal(fsim_mldsa_pkey_seed(pk, xi), FSIM_ERR_ARG);
	assert_int_equal(fsim_mldsa_sign(pk, msg, sizeof(msg), NULL, 0, zero, &a),
	    FSIM_ERR_ARG);
	/* deterministic: the same bytes twice; fresh randomness: different */
	assert_int_equal(fsim_mldsa_sign(k, msg, sizeof(msg), NULL, 0, zero, &a), 0);
	assert_int_equal(fsim_mldsa_sign(k, msg, sizeof(msg), NULL, 0, zero, &b), 0);
	assert_true(fsim_blob_eq(&a, b.ptr, b.len));
	assert_int_equal(fsim_mldsa_sign(k, msg, sizeof(msg), NULL, 0, NULL, &b), 0);
	assert_false(fsim_blob_eq(&a, b.ptr, b.len));
	assert_int_equal(fsim_mldsa_verify(pk, msg, sizeof(msg), NULL, 0, b.ptr, b.len), 0);
	/* a context separates: signed under "ctx", not valid under the empty one */
	assert_int_equal(fsim_mldsa_sign(k, msg, sizeof(msg), (const uint8_t *)"ctx", 3,
	    zero, &b), 0);
	assert_int_equal(fsim_mldsa_verify(pk, msg, sizeof(msg), NULL, 0, b.ptr, b.len),
	    FSIM_ERR_SIGNATURE);
	assert_int_equal(fsim_mldsa_verify(pk, msg, sizeof(msg), (const uint8_t *)"ctx", 3,
	    b.ptr, b.len), 0);
	memset(ctx, 0, sizeof(ctx));
	assert_int_equal(fsim_mldsa_sign(k, msg, sizeof(msg), ctx, 256, zero, &b),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_mldsa_verify(pk, msg, sizeof(msg), ctx, 256, a.ptr, a.len),
	    FSIM_ERR_SIGNATURE);
	assert_int_equal(fsim_mldsa_verify(pk, msg, sizeof(msg), NULL, 0, a.ptr,
	    a.len + 1), FSIM_ERR_SIGNATURE);
	assert_int_equal(fsim_mldsa_pkey_set(NULL), 0);
	fsim_blob_reset(&a);
	fsim_blob_reset(&b);
	EVP_PKEY_free(k);
	EVP_PKEY_free(pk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_parse),
		cmocka_unit_test(test_parse_strict),
		cmocka_unit_test(test_sig_verify),
		cmocka_unit_test(test_authenticator_keys),
		cmocka_unit_test(test_wycheproof_pkcs8),
		cmocka_unit_test(test_mldsa_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
