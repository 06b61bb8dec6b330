/*
 * test_certcache.c — DER certificates parsed once per process
 * (rp-sim/certcache.c): the same bytes give the same parsed certificate,
 * other bytes never do, trailing bytes and non-certificates are reported
 * as before and never kept, and a full table still answers correctly.
 * Certificates are made here (self-signed P-256, serial = i).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/util.h"
#include "rp-sim/certcache.h"

/* DER of a self-signed certificate with serial number serial. */
static void
make_der(EVP_PKEY *k, long serial, uint8_t **der, size_t *len)
{
	X509 *x = X509_new();
	unsigned char *d = NULL;
	int n;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)"certcache", -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(x)), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	assert_int_equal(X509_set_pubkey(x, k), 1);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	n = i2d_X509(x, &d);
	assert_true(n > 0);
	*der = malloc((size_t)n);
	assert_non_null(*der);
	memcpy(*der, d, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(d);
	X509_free(x);
}

/* The certificate's own DER equals the bytes it was parsed from. */
static void
assert_is(X509 *x, const uint8_t *der, size_t len)
{
	unsigned char *d = NULL;
	int n = i2d_X509(x, &d);

	assert_int_equal(n, (int)len);
	assert_memory_equal(d, der, len);
	OPENSSL_free(d);
}

static void
test_same_bytes_same_certificate(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	uint8_t *a, *b;
	size_t alen, blen, used;
	unsigned long h0, h1;
	X509 *x1 = NULL, *x2 = NULL, *y = NULL;

	(void)state;
	assert_non_null(k);
	make_der(k, 1, &a, &alen);
	make_der(k, 2, &b, &blen);
	fsim_cert_cache_stats(NULL, &h0);
	assert_int_equal(fsim_cert_parse(a, alen, &x1, &used), 0);
	assert_int_equal(used, alen);
	assert_int_equal(fsim_cert_parse(a, alen, &x2, &used), 0);
	assert_ptr_equal(x1, x2);       /* parsed once */
	fsim_cert_cache_stats(NULL, &h1);
	assert_true(h1 >= h0 + 1);
	assert_int_equal(fsim_cert_parse(b, blen, &y, &used), 0);
	assert_ptr_not_equal(x1, y);    /* one byte apart (the serial): another */
	assert_is(x1, a, alen);
	assert_is(y, b, blen);
	X509_free(x1);
	X509_free(x2);
	X509_free(y);
	free(a);
	free(b);
	EVP_PKEY_free(k);
}

static void
test_trailing_and_garbage(void **state)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	uint8_t *a, *t;
	size_t alen, used;
	X509 *x = NULL, *x2 = NULL;

	(void)state;
	assert_non_null(k);
	make_der(k, 7, &a, &alen);
	t = malloc(alen + 1);
	assert_non_null(t);
	memcpy(t, a, alen);
	t[alen] = 0x00;
	/* trailing byte: the certificate and how much it took, twice alike */
	assert_int_equal(fsim_cert_parse(t, alen + 1, &x, &used), 0);
	assert_int_equal(used, alen);
	X509_free(x);
	x = NULL;
	assert_int_equal(fsim_cert_parse(t, alen + 1, &x, &used), 0);
	assert_int_equal(used, alen);
	assert_is(x, a, alen);
	/* a prefix is not a certificate, cached or not */
	assert_int_equal(fsim_cert_parse(a, alen, &x2, &used), 0);
	X509_free(x2);
	x2 = NULL;
	assert_int_equal(fsim_cert_parse(a, alen - 1, &x2, &used), FSIM_ERR_FORMAT);
	assert_null(x2);
	assert_int_equal(fsim_cert_parse(junk, sizeof(junk), &x2, &used), FSIM_ERR_FORMAT);
	assert_null(x2);
	assert_int_equal(fsim_cert_parse(NULL, 3, &x2, &used), FSIM_ERR_ARG);
	assert_int_equal(fsim_cert_parse(a, 0, &x2, &used), FSIM_ERR_ARG);
	X509_free(x);
	free(a);
	free(t);
	EVP_PKEY_free(k);
}

/* More certificates than the table holds: each lookup still gets its own. */
static void
test_full_table(void **state)
{
	enum { N = 150 };
	EVP_PKEY *k = EVP_EC_gen("P-256");
	uint8_t *der[N];
	size_t len[N], used, entries;
	X509 *x;
	int i, round;

	(void)state;
	assert_non_null(k);
	for (i = 0; i < N; i++)
		make_der(k, 100 + i, &der[i], &len[i]);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < N; i++) {
			x = NULL;
			assert_int_equal(fsim_cert_parse(der[i], len[i], &x, &used), 0);
			assert_is(x, der[i], len[i]);
			X509_free(x);
		}
	}
	fsim_cert_cache_stats(&entries, NULL);
	assert_true(entries > 0 && entries < N);   /* bounded */
	for (i = 0; i < N; i++)
		free(der[i]);
	EVP_PKEY_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_same_certificate),
		cmocka_unit_test(test_trailing_and_garbage),
		cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
