/*
 * test_tpm_struct.c — TPMT_PUBLIC and TPMS_ATTEST parsing (TPM 2.0 Library
 * Part 2 §12.2.4, §10.12.12) on hand-built structures: every scheme layout,
 * sizes over a TPM2B's maximum, truncation and trailing bytes, and that the
 * first problem is reported with its rule, field and offset. The real
 * structures of the W3C vector are parsed in test_fmt_tpm.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rp-sim/tpm_struct.h"

/* A byte buffer big enough for any structure built here. */
typedef struct buf {
	uint8_t b[256];
	size_t n;
} buf_t;

static void
be(buf_t *b, uint32_t v, size_t n)
{
	size_t i;

	assert_true(b->n + n <= sizeof(b->b));
	for (i = 0; i < n; i++)
		b->b[b->n++] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void
tpm2b(buf_t *b, size_t n, uint8_t fill)
{
	be(b, (uint32_t)n, 2);
	assert_true(b->n + n <= sizeof(b->b));
	memset(b->b + b->n, fill, n);
	b->n += n;
}

/* TPMT_PUBLIC head: type, nameAlg SHA-256, objectAttributes, empty authPolicy. */
static void
head(buf_t *b, uint16_t type)
{
	b->n = 0;
	be(b, type, 2);
	be(b, FSIM_TPM_ALG_SHA256, 2);
	be(b, 0x00040072, 4);
	tpm2b(b, 0, 0);
}

/* An RSA pubArea with this scheme (and its details), keyBits 2048, a 4-byte n. */
static void
rsa(buf_t *b, uint16_t scheme, int details)
{
	head(b, FSIM_TPM_ALG_RSA);
	be(b, FSIM_TPM_ALG_NULL, 2);
	be(b, scheme, 2);
	if (details > 0)
		be(b, FSIM_TPM_ALG_SHA256, 2);
	be(b, 2048, 2);
	be(b, 0, 4);
	tpm2b(b, 4, 0xa5);
}

/* An ECC pubArea with this scheme and kdf, P-256, 2-byte coordinates. */
static void
ecc(buf_t *b, uint16_t scheme, int details, uint16_t kdf)
{
	head(b, FSIM_TPM_ALG_ECC);
	be(b, FSIM_TPM_ALG_NULL, 2);
	be(b, scheme, 2);
	if (details > 0)
		be(b, FSIM_TPM_ALG_SHA384, 2);
	if (details > 1)
		be(b, 7, 2);
	be(b, FSIM_TPM_ECC_NIST_P256, 2);
	be(b, kdf, 2);
	if (kdf != FSIM_TPM_ALG_NULL)
		be(b, FSIM_TPM_ALG_SHA256, 2);
	tpm2b(b, 2, 0x11);
	tpm2b(b, 2, 0x22);
}

/* Parse expecting failure with one diagnostic on `field` at `off`. */
static void
public_bad(const buf_t *b, size_t len, const char *field, size_t off)
{
	fsim_tpm_public_t t;
	fsim_diags_t d;

	memset(&t, 0x5a, sizeof(t));
	fsim_diags_init(&d);
	assert_int_equal(fsim_tpm_public_parse(b->b, len, &t, &d, "ATT-TPM-02",
	    "attStmt.pubArea"), FSIM_ERR_FORMAT);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].sev, FSIM_SEV_ERROR);
	assert_string_equal(d.v[0].rule, "ATT-TPM-02");
	if (field != NULL)
		assert_string_equal(d.v[0].field, field);
	if (off != FSIM_NO_OFFSET)
		assert_int_equal(d.v[0].offset, off);
	fsim_diags_clear(&d);
}

static void
test_public_schemes(void **state)
{
	static const uint16_t rsa_hash[] = {
		FSIM_TPM_ALG_RSASSA, FSIM_TPM_ALG_RSAPSS, FSIM_TPM_ALG_OAEP,
	};
	static const uint16_t ecc_hash[] = {
		FSIM_TPM_ALG_ECDSA, FSIM_TPM_ALG_ECDH, FSIM_TPM_ALG_SM2,
		FSIM_TPM_ALG_ECSCHNORR, FSIM_TPM_ALG_ECMQV,
	};
	static const uint16_t kdfs[] = {
		FSIM_TPM_ALG_MGF1, FSIM_TPM_ALG_KDF1_SP800_56A, FSIM_TPM_ALG_KDF2,
		FSIM_TPM_ALG_KDF1_SP800_108,
	};
	fsim_tpm_public_t t;
	buf_t b;
	size_t i;

	(void)state;
	rsa(&b, FSIM_TPM_ALG_NULL, 0);
	assert_int_equal(fsim_tpm_public_parse(b.b, b.n, &t, NULL, NULL, NULL), 0);
	assert_int_equal(t.type, FSIM_TPM_ALG_RSA);
	assert_int_equal(t.key_bits, 2048);
	assert_int_equal(t.rsa_n.len, 4);
	assert_int_equal(t.rsa_n.off, b.n - 4);
	rsa(&b, FSIM_TPM_ALG_RSAES, 0);   /* TPMS_EMPTY details */
	assert_int_equal(fsim_tpm_public_parse(b.b, b.n, &t, NULL, NULL, NULL), 0);
	for (i = 0; i < sizeof(rsa_hash) / sizeof(rsa_hash[0]); i++) {
		rsa(&b, rsa_hash[i], 1);
		assert_int_equal(fsim_tpm_public_parse(b.b, b.n, &t, NULL, NULL, NULL), 0);
		assert_int_equal(t.scheme_hash, FSIM_TPM_ALG_SHA256);
	}
	for (i = 0; i < sizeof(ecc_hash) / sizeof(ecc_hash[0]); i++) {
		ecc(&b, ecc_hash[i], 1, FSIM_TPM_ALG_NULL);
		assert_int_equal(fsim_tpm_public_parse(b.b, b.n, &t, NULL, NULL, NULL), 0);
		assert_int_equal(t.scheme_hash, FSIM_TPM_ALG_SHA384);
		assert_int_equal(t.curve_id, FSIM_TPM_ECC_NIST_P256);
	}
	ecc(&b, FSIM_TPM_ALG_ECDAA, 2, FSIM_TPM_ALG_NULL);   /* hash and count */
	assert_int_equal(fsim_tpm_public_parse(b.b, b.n, &t, NULL, NULL, NULL), 0);
	assert_int_equal(t.scheme_count, 7);
	for (i = 0; i < sizeof(kdfs) / sizeof(kdfs[0]); i++) {
		ecc(&b, FSIM_TPM_ALG_NULL, 0, kdfs[i]);
		assert_int_equal(fsim_tpm_public_parse(b.b, b.n, &t, NULL, NULL, NULL), 0);
		assert_int_equal(t.kdf_hash, FSIM_TPM_ALG_SHA256);
		assert_int_equal(t.ecc_x.len, 2);
		assert_int_equal(t.ecc_y.ptr[1], 0x22);
	}
	/* a non-NULL symmetric definition carries keyBits and mode */
	head(&b, FSIM_TPM_ALG_ECC);
	be(&b, FSIM_TPM_ALG_AES, 2);
	be(&b, 128, 2);
	be(&b, 0x0043, 2);
	be(&b, FSIM_TPM_ALG_NULL, 2);
	be(&b, FSIM_TPM_ECC_NIST_P384, 2);
	be(&b, FSIM_TPM_ALG_NULL, 2);
	tpm2b(&b, 48, 1);
	tpm2b(&b, 48, 2);
	assert_int_equal(fsim_tpm_public_parse(b.b, b.n, &t, NULL, NULL, NULL), 0);
	assert_int_equal(t.sym_alg, FSIM_TPM_ALG_AES);
	assert_int_equal(t.sym_key_bits, 128);
	assert_int_equal(t.sym_mode, 0x0043);
}

static void
test_public_bad(void **state)
{
	fsim_tpm_public_t t;
	buf_t b;
	size_t i;

	(void)state;
	/* schemes of the other key type, and unknown schemes: layout unknown */
	rsa(&b, FSIM_TPM_ALG_ECDSA, 1);
	public_bad(&b, b.n, "attStmt.pubArea.parameters.scheme.scheme", 12);
	ecc(&b, FSIM_TPM_ALG_RSASSA, 1, FSIM_TPM_ALG_NULL);
	public_bad(&b, b.n, "attStmt.pubArea.parameters.scheme.scheme", 12);
	ecc(&b, FSIM_TPM_ALG_RSAES, 0, FSIM_TPM_ALG_NULL);
	public_bad(&b, b.n, "attStmt.pubArea.parameters.scheme.scheme", 12);
	ecc(&b, FSIM_TPM_ALG_ECDSA, 1, FSIM_TPM_ALG_SHA256);   /* not a KDF */
	public_bad(&b, b.n, "attStmt.pubArea.parameters.kdf.scheme", FSIM_NO_OFFSET);
	/* type neither RSA nor ECC (KEYEDHASH 0x0008) */
	rsa(&b, FSIM_TPM_ALG_NULL, 0);
	b.b[1] = 0x08;
	public_bad(&b, b.n, "attStmt.pubArea.type", 0);
	/* authPolicy longer than a SHA-512 digest */
	head(&b, FSIM_TPM_ALG_RSA);
	b.n -= 2;
	tpm2b(&b, 65, 0);
	public_bad(&b, b.n, "attStmt.pubArea.authPolicy", 8);
	/* an ECC coordinate over P-521's 66 bytes */
	ecc(&b, FSIM_TPM_ALG_NULL, 0, FSIM_TPM_ALG_NULL);
	b.n -= 8;
	tpm2b(&b, 67, 0);
	tpm2b(&b, 2, 0);
	public_bad(&b, b.n, "attStmt.pubArea.unique.x", FSIM_NO_OFFSET);
	/* trailing bytes, and every truncation */
	rsa(&b, FSIM_TPM_ALG_RSASSA, 1);
	be(&b, 0, 1);
	public_bad(&b, b.n, "attStmt.pubArea.unique.n", b.n - 1);
	for (i = 0; i + 1 < b.n; i++)
		public_bad(&b, i, NULL, FSIM_NO_OFFSET);
	ecc(&b, FSIM_TPM_ALG_ECDAA, 2, FSIM_TPM_ALG_KDF2);
	for (i = 0; i < b.n; i++)
		public_bad(&b, i, NULL, FSIM_NO_OFFSET);
	public_bad(&b, b.n - 1, "attStmt.pubArea.unique.y", b.n - 2);
	/* arguments */
	assert_int_equal(fsim_tpm_public_parse(NULL, 0, NULL, NULL, NULL, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_tpm_public_parse(NULL, 4, &t, NULL, NULL, NULL), FSIM_ERR_ARG);
}

/* A TPMS_ATTEST of this type; the certify arm when type is ATTEST_CERTIFY. */
static void
attest(buf_t *b, uint16_t type)
{
	b->n = 0;
	be(b, FSIM_TPM_GENERATED_VALUE, 4);
	be(b, type, 2);
	tpm2b(b, 34, 0x51);          /* qualifiedSigner */
	tpm2b(b, 32, 0xed);          /* extraData */
	be(b, 0, 4);                 /* clock (8) */
	be(b, 99, 4);
	be(b, 1, 4);                 /* resetCount */
	be(b, 2, 4);                 /* restartCount */
	be(b, 1, 1);                 /* safe */
	be(b, 0x20240101, 4);        /* firmwareVersion (8) */
	be(b, 0, 4);
	if (type == FSIM_TPM_ST_ATTEST_CERTIFY) {
		tpm2b(b, 34, 0x4e);  /* name */
		tpm2b(b, 0, 0);      /* qualifiedName */
	} else {
		tpm2b(b, 20, 0x33);  /* some other arm */
	}
}

static void
test_attest(void **state)
{
	fsim_tpm_attest_t a;
	fsim_diags_t d;
	buf_t b;
	size_t i;

	(void)state;
	attest(&b, FSIM_TPM_ST_ATTEST_CERTIFY);
	assert_int_equal(fsim_tpm_attest_parse(b.b, b.n, &a, NULL, NULL, NULL), 0);
	assert_true(a.certify);
	assert_int_equal(a.magic, FSIM_TPM_GENERATED_VALUE);
	assert_int_equal(a.qualified_signer.len, 34);
	assert_int_equal(a.extra_data.len, 32);
	assert_int_equal(a.extra_data.off, 2 + 4 + 2 + 34 + 2);
	assert_int_equal(a.clock, 99);
	assert_int_equal(a.reset_count, 1);
	assert_int_equal(a.restart_count, 2);
	assert_int_equal(a.safe, 1);
	assert_int_equal(a.firmware_version, 0x2024010100000000ULL);
	assert_int_equal(a.name.len, 34);
	assert_int_equal(a.name.ptr[0], 0x4e);
	assert_int_equal(a.qualified_name.len, 0);

	/* another type (TPM_ST_ATTEST_QUOTE): parsed up to attested, left to the caller */
	attest(&b, 0x8018);
	assert_int_equal(fsim_tpm_attest_parse(b.b, b.n, &a, NULL, NULL, NULL), 0);
	assert_false(a.certify);
	assert_int_equal(a.type, 0x8018);

	/* every truncation, and a trailing byte, of the certify form */
	attest(&b, FSIM_TPM_ST_ATTEST_CERTIFY);
	for (i = 0; i < b.n; i++) {
		fsim_diags_init(&d);
		assert_int_equal(fsim_tpm_attest_parse(b.b, i, &a, &d, "ATT-TPM-05",
		    "attStmt.certInfo"), FSIM_ERR_FORMAT);
		assert_int_equal(d.n, 1);
		assert_string_equal(d.v[0].rule, "ATT-TPM-05");
		fsim_diags_clear(&d);
	}
	be(&b, 0, 1);
	fsim_diags_init(&d);
	assert_int_equal(fsim_tpm_attest_parse(b.b, b.n, &a, &d, "ATT-TPM-05",
	    "attStmt.certInfo"), FSIM_ERR_FORMAT);
	assert_string_equal(d.v[0].field, "attStmt.certInfo.attested.qualifiedName");
	assert_int_equal(d.v[0].offset, b.n - 1);
	fsim_diags_clear(&d);
	/* a name longer than a TPMT_HA */
	attest(&b, FSIM_TPM_ST_ATTEST_CERTIFY);
	b.b[b.n - 2 - 34 - 1] = 67;
	fsim_diags_init(&d);
	assert_int_equal(fsim_tpm_attest_parse(b.b, b.n, &a, &d, NULL, NULL),
	    FSIM_ERR_FORMAT);
	assert_string_equal(d.v[0].rule, "ATT-TPM-02");   /* the default rule */
	assert_string_equal(d.v[0].field, "tpm.attested.name");
	fsim_diags_clear(&d);
	assert_int_equal(fsim_tpm_attest_parse(NULL, 1, &a, NULL, NULL, NULL), FSIM_ERR_ARG);
}

/* Pseudo-random bytes of every length: no crash, no over-read (ASan/valgrind). */
static void
test_garbage(void **state)
{
	fsim_tpm_public_t t;
	fsim_tpm_attest_t a;
	uint8_t junk[96];
	size_t i, k;
	int r;

	(void)state;
	for (k = 0; k < 4; k++) {
		for (i = 0; i < sizeof(junk); i++)
			junk[i] = (uint8_t)(i * (37 + 2 * k) + 11 * k);
		junk[1] = k & 1 ? 0x23 : 0x01;
		junk[0] = 0;
		for (i = 0; i <= sizeof(junk); i++) {
			r = fsim_tpm_public_parse(junk, i, &t, NULL, NULL, NULL);
			assert_true(r == 0 || r == FSIM_ERR_FORMAT);
			r = fsim_tpm_attest_parse(junk, i, &a, NULL, NULL, NULL);
			assert_true(r == 0 || r == FSIM_ERR_FORMAT);
		}
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(fsim_tpm_hash_name(FSIM_TPM_ALG_SHA1), "SHA1");
	assert_string_equal(fsim_tpm_hash_name(FSIM_TPM_ALG_SHA256), "SHA256");
	assert_string_equal(fsim_tpm_hash_name(FSIM_TPM_ALG_SHA384), "SHA384");
	assert_string_equal(fsim_tpm_hash_name(FSIM_TPM_ALG_SHA512), "SHA512");
	assert_null(fsim_tpm_hash_name(0x0012));   /* SM3_256: not supported */
	assert_null(fsim_tpm_hash_name(FSIM_TPM_ALG_NULL));
	assert_string_equal(fsim_tpm_alg_name(FSIM_TPM_ALG_ECC), "TPM_ALG_ECC");
	assert_string_equal(fsim_tpm_alg_name(FSIM_TPM_ALG_ECDAA), "TPM_ALG_ECDAA");
	assert_string_equal(fsim_tpm_alg_name(0x4242), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_schemes),
		cmocka_unit_test(test_public_bad),
		cmocka_unit_test(test_attest),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
