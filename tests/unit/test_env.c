/*
 * test_env.c — the authenticator's environment: OpenSSL-backed default and
 * the seeded HMAC_DRBG (SHA-256, NIST SP 800-90A §10.1.2).
 *
 * Vectors:
 * - NIST CAVP DRBG test vectors (drbgvectors_no_reseed.zip, HMAC_DRBG.rsp),
 *   [SHA-256] [PredictionResistance = False] [EntropyInputLen = 256]
 *   [NonceLen = 128] [PersonalizationStringLen = 0] [AdditionalInputLen = 0]
 *   [ReturnedBitsLen = 1024], COUNT = 0: instantiate with EntropyInput and
 *   Nonce, generate twice, the second output is ReturnedBits. The seed
 *   material is entropy | nonce | personalization (§10.1.2.3), so seeding us
 *   with entropy | nonce is the same instantiation.
 * - The "fidosim" and empty-seed values were derived with an independent
 *   Python implementation of §10.1.2 (hmac/hashlib), checked first against
 *   the CAVP case above; they test requests split over the 2^19-bit
 *   per-generate limit and an empty seed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "authenticator/env.h"

static void
unhex(const char *h, uint8_t *out, size_t len)
{
	size_t i;
	unsigned int v;

	assert_int_equal(strlen(h), 2 * len);
	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void
test_cavp_hmac_drbg_sha256(void **state)
{
	static const char *entropy =
	    "ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488";
	static const char *nonce = "659ba96c601dc69fc902940805ec0ca8";
	static const char *returned =
	    "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89"
	    "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1"
	    "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668"
	    "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8";
	uint8_t seed[48], want[128], got[128], first[128];
	fsim_env_t e;

	(void)state;
	unhex(entropy, seed, 32);
	unhex(nonce, seed + 32, 16);
	unhex(returned, want, sizeof(want));
	assert_int_equal(fsim_env_seeded(&e, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_env_random(&e, first, sizeof(first)), 0);
	assert_int_equal(fsim_env_random(&e, got, sizeof(got)), 0);
	assert_memory_equal(got, want, sizeof(want));
	/* the first generate is not the answer: state really advanced */
	assert_memory_not_equal(first, want, sizeof(want));
	fsim_env_free(&e);

	/* a flipped seed bit gives another stream */
	seed[47] ^= 0x01;
	assert_int_equal(fsim_env_seeded(&e, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_env_random(&e, first, sizeof(first)), 0);
	assert_int_equal(fsim_env_random(&e, got, sizeof(got)), 0);
	assert_memory_not_equal(got, want, sizeof(want));
	fsim_env_free(&e);
}

static void
test_python_vectors(void **state)
{
	uint8_t want[32], got[32], md[32];
	uint8_t *big;
	unsigned int mdlen = 0;
	fsim_env_t e;

	(void)state;
	/* 65546 bytes = one full 65536-byte generate, then one of 10 */
	assert_non_null(big = malloc(65546));
	assert_int_equal(fsim_env_seeded(&e, (const uint8_t *)"fidosim", 7), 0);
	assert_int_equal(fsim_env_random(&e, big, 65546), 0);
	assert_int_equal(EVP_Digest(big, 65546, md, &mdlen, EVP_sha256(), NULL), 1);
	unhex("68f729389e6558851db3cd355ec9d629f2cafea4cbcc8ba76efda75b9e8b5464", want, 32);
	assert_memory_equal(md, want, 32);
	fsim_env_free(&e);
	free(big);

	assert_int_equal(fsim_env_seeded(&e, NULL, 0), 0);
	assert_int_equal(fsim_env_random(&e, got, sizeof(got)), 0);
	unhex("b44299907e4e42aa4fded5d6153e8bac3f35987bbe5fa08865c45339214784a2", want, 32);
	assert_memory_equal(got, want, 32);
	fsim_env_free(&e);
}

static void
test_seeded_repeats(void **state)
{
	uint8_t a[100], b[100];
	fsim_env_t e1, e2;

	(void)state;
	assert_int_equal(fsim_env_seeded(&e1, (const uint8_t *)"seed-1", 6), 0);
	assert_int_equal(fsim_env_seeded(&e2, (const uint8_t *)"seed-1", 6), 0);
	assert_int_equal(fsim_env_random(&e1, a, sizeof(a)), 0);
	assert_int_equal(fsim_env_random(&e2, b, sizeof(b)), 0);
	assert_memory_equal(a, b, sizeof(a));
	/* the next draw differs from the last */
	assert_int_equal(fsim_env_random(&e1, a, sizeof(a)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	/* a zero-length request changes nothing */
	assert_int_equal(fsim_env_random(&e2, b, 0), 0);
	assert_int_equal(fsim_env_random(&e2, b, sizeof(b)), 0);
	assert_memory_equal(a, b, sizeof(a));
	fsim_env_free(&e1);
	fsim_env_free(&e2);

	assert_int_equal(fsim_env_seeded(&e1, (const uint8_t *)"seed-2", 6), 0);
	assert_int_equal(fsim_env_random(&e1, a, sizeof(a)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	fsim_env_free(&e1);
}

static void
test_seeded_world(void **state)
{
	fsim_env_t e;

	(void)state;
	assert_int_equal(fsim_env_seeded(&e, (const uint8_t *)"x", 1), 0);
	assert_true(e.deterministic);
	assert_non_null(e.ctx);
	assert_true(e.now(e.ctx) == 1767225600ULL);   /* 2026-01-01T00:00:00Z */
	assert_int_equal(e.user_presence(e.ctx), 1);
	assert_int_equal(e.user_verification(e.ctx), 1);
	fsim_env_free(&e);
	/* freed: zeroed, and a second free is harmless */
	assert_null(e.ctx);
	assert_null(e.random);
	assert_false(e.deterministic);
	fsim_env_free(&e);
	fsim_env_free(NULL);
}

static void
test_default(void **state)
{
	uint8_t a[32], b[32];
	uint64_t t0 = (uint64_t)time(NULL), t;
	fsim_env_t e;

	(void)state;
	fsim_env_default(&e);
	assert_false(e.deterministic);
	assert_null(e.ctx);
	assert_int_equal(fsim_env_random(&e, a, sizeof(a)), 0);
	assert_int_equal(fsim_env_random(&e, b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	t = e.now(e.ctx);
	assert_true(t >= t0 && t <= t0 + 5);
	assert_int_equal(e.user_presence(e.ctx), 1);
	assert_int_equal(e.user_verification(e.ctx), 1);
	fsim_env_free(&e);       /* harmless on the default */
	assert_null(e.random);
	fsim_env_default(NULL);
}

/*
 * The ephemeral stream is HMAC_DRBG instantiated with seed | "fidosim
 * session" (the personalization string is the tail of the seed material,
 * §10.1.2.3), and drawing from it never moves the key stream.
 */
static void
test_session_stream(void **state)
{
	static const uint8_t seed[] = { 's', 'e', 'e', 'd', 0x00, 0xff };
	uint8_t material[sizeof(seed) + 15], a[48], b[48], c[48], k1[32], k2[32];
	fsim_env_t e, same, plain, view;

	(void)state;
	memcpy(material, seed, sizeof(seed));
	memcpy(material + sizeof(seed), "fidosim session", 15);
	assert_int_equal(fsim_env_seeded(&e, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_env_seeded(&same, material, sizeof(material)), 0);
	assert_int_equal(fsim_env_seeded(&plain, seed, sizeof(seed)), 0);
	assert_non_null(e.session_random);
	assert_int_equal(fsim_env_session_random(&e, a, sizeof(a)), 0);
	assert_int_equal(fsim_env_random(&same, b, sizeof(b)), 0);
	assert_memory_equal(a, b, sizeof(a));
	/* A view draws from the ephemeral stream through random. */
	fsim_env_session_view(&e, &view);
	assert_null(view.session_random);
	assert_int_equal(fsim_env_random(&view, a, sizeof(a)), 0);
	assert_int_equal(fsim_env_random(&same, c, sizeof(c)), 0);
	assert_memory_equal(a, c, sizeof(a));
	/* The key stream is where it would be without any ephemeral draw. */
	assert_int_equal(fsim_env_random(&e, k1, sizeof(k1)), 0);
	assert_int_equal(fsim_env_random(&plain, k2, sizeof(k2)), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	assert_memory_not_equal(k1, a, sizeof(k1));
	fsim_env_free(&e);
	fsim_env_free(&same);
	fsim_env_free(&plain);
}

/* Without a stream of its own, ephemeral bytes come from random. */
static void
test_session_fallback(void **state)
{
	fsim_env_t e, view;
	uint8_t a[16] = { 0 }, zero[16] = { 0 };

	(void)state;
	fsim_env_default(&e);
	assert_null(e.session_random);
	assert_int_equal(fsim_env_session_random(&e, a, sizeof(a)), 0);
	assert_memory_not_equal(a, zero, sizeof(a));
	fsim_env_session_view(&e, &view);
	assert_ptr_equal(view.random, e.random);
	assert_int_not_equal(fsim_env_session_random(NULL, a, sizeof(a)), 0);
	assert_int_not_equal(fsim_env_session_random(&e, NULL, 1), 0);
	fsim_env_free(&e);
}

static void
test_args(void **state)
{
	uint8_t b[4] = { 0 };
	fsim_env_t e;

	(void)state;
	assert_int_equal(fsim_env_seeded(NULL, b, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_env_seeded(&e, NULL, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_env_random(NULL, b, 1), FSIM_ERR_ARG);
	fsim_env_default(&e);
	assert_int_equal(fsim_env_random(&e, NULL, 1), FSIM_ERR_ARG);
	assert_int_equal(fsim_env_random(&e, NULL, 0), 0);
	e.random = NULL;
	assert_int_equal(fsim_env_random(&e, b, 1), FSIM_ERR_ARG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cavp_hmac_drbg_sha256),
		cmocka_unit_test(test_python_vectors),
		cmocka_unit_test(test_seeded_repeats),
		cmocka_unit_test(test_seeded_world),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_session_stream),
		cmocka_unit_test(test_session_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
