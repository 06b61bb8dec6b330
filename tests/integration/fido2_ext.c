/*
 * fido2_ext.c — the authenticator extensions through libfido2, an independent
 * CTAP client: hmac-secret (with the PIN/UV auth protocol 2 key agreement
 * libfido2 performs), credProtect and credBlob (CTAP 2.1 §12).
 *
 *   fido2_ext SOCKET      (a server run with --uv auto; TAP lines, no numbers)
 */
#undef OPENSSL_NO_DEPRECATED   /* libfido2's headers name EC_KEY and RSA */

#include <fido.h>

#define RP_ID "ext.example.org"

#include "tests/integration/fido2_shim.h"

static const unsigned char cdh[32] = { 0x42 };
static const unsigned char uid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const unsigned char blob[16] = "fidosim credBlob";

static fido_dev_t *
open_dev(const char *path)
{
	fido_dev_t *d = fido_dev_new();

	if (d == NULL || fido_dev_set_io_functions(d, &shim_io) != FIDO_OK ||
	    fido_dev_open(d, path) != FIDO_OK) {
		fido_dev_free(&d);
		return NULL;
	}
	return d;
}

/* A resident ES256 credential with hmac-secret, the given credProtect and a credBlob. */
static fido_cred_t *
make(fido_dev_t *d, int prot)
{
	fido_cred_t *c = fido_cred_new();
	int r;

	if (c == NULL || fido_cred_set_type(c, COSE_ES256) != FIDO_OK ||
	    fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) != FIDO_OK ||
	    fido_cred_set_rp(c, RP_ID, "Ext") != FIDO_OK ||
	    fido_cred_set_user(c, uid, sizeof(uid), "ext", "Ext", NULL) != FIDO_OK ||
	    fido_cred_set_rk(c, FIDO_OPT_TRUE) != FIDO_OK ||
	    fido_cred_set_extensions(c, FIDO_EXT_HMAC_SECRET | FIDO_EXT_CRED_PROTECT |
	    FIDO_EXT_CRED_BLOB) != FIDO_OK ||
	    fido_cred_set_prot(c, prot) != FIDO_OK ||
	    fido_cred_set_blob(c, blob, sizeof(blob)) != FIDO_OK) {
		fido_cred_free(&c);
		return NULL;
	}
	if ((r = fido_dev_make_cred(d, c, NULL)) != FIDO_OK) {
		diag("fido_dev_make_cred: %s", fido_strerr(r));
		fido_cred_free(&c);
	}
	return c;
}

/* One assertion; hmac-secret output copied to out (0 when none). */
static int
assert_once(fido_dev_t *d, const fido_cred_t *c, const unsigned char *salt, int uv,
    unsigned char out[64], size_t *outlen, int *blob_ok)
{
	fido_assert_t *a = fido_assert_new();
	int r = -1, ext = FIDO_EXT_CRED_BLOB | (salt ? FIDO_EXT_HMAC_SECRET : 0);

	*outlen = 0;
	*blob_ok = 0;
	if (a == NULL || fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) != FIDO_OK ||
	    fido_assert_set_rp(a, RP_ID) != FIDO_OK ||
	    (c != NULL && fido_assert_allow_cred(a, fido_cred_id_ptr(c), fido_cred_id_len(c)) != FIDO_OK) ||
	    fido_assert_set_extensions(a, ext) != FIDO_OK ||
	    (salt && fido_assert_set_hmac_salt(a, salt, 32) != FIDO_OK) ||
	    (uv && fido_assert_set_uv(a, FIDO_OPT_TRUE) != FIDO_OK))
		goto out;
	if ((r = fido_dev_get_assert(d, a, NULL)) != FIDO_OK)
		goto out;
	if (salt && fido_assert_hmac_secret_len(a, 0) <= 64) {
		*outlen = fido_assert_hmac_secret_len(a, 0);
		memcpy(out, fido_assert_hmac_secret_ptr(a, 0), *outlen);
	}
	*blob_ok = fido_assert_blob_len(a, 0) == sizeof(blob) &&
	    memcmp(fido_assert_blob_ptr(a, 0), blob, sizeof(blob)) == 0;
out:
	fido_assert_free(&a);
	return r;
}

int
main(int argc, char **argv)
{
	unsigned char salt1[32], salt2[32], o1[64], o2[64], o3[64], o4[64];
	size_t l1, l2, l3, l4;
	int b1, b2, r;
	fido_dev_t *d;
	fido_cred_t *c;

	if (argc != 2)
		return 2;
	mode_label = "extensions";
	fido_init(0);
	memset(salt1, 0x11, sizeof(salt1));
	memset(salt2, 0x22, sizeof(salt2));
	if (!check((d = open_dev(argv[1])) != NULL, "libfido2 opens the device"))
		return 1;
	c = make(d, FIDO_CRED_PROT_UV_OPTIONAL_WITH_ID);
	if (check(c != NULL, "makeCredential with hmac-secret, credProtect 2 and credBlob")) {
		check((fido_cred_flags(c) & 0x80) != 0, "the ED flag is set");
		check(fido_cred_prot(c) == FIDO_CRED_PROT_UV_OPTIONAL_WITH_ID,
		    "credProtect comes back as level 2 (%d)", fido_cred_prot(c));
		r = assert_once(d, c, salt1, 0, o1, &l1, &b1);
		check(r == FIDO_OK && l1 == 32, "hmac-secret gives 32 bytes for one salt (%s)", fido_strerr(r));
		check(b1, "credBlob comes back as stored");
		r = assert_once(d, c, salt1, 0, o2, &l2, &b2);
		check(r == FIDO_OK && l2 == 32 && memcmp(o1, o2, 32) == 0,
		    "the same salt gives the same secret (a new key agreement each time)");
		r = assert_once(d, c, salt2, 0, o3, &l3, &b2);
		check(r == FIDO_OK && l3 == 32 && memcmp(o1, o3, 32) != 0, "another salt, another secret");
		r = assert_once(d, c, salt1, 1, o4, &l4, &b2);
		check(r == FIDO_OK && l4 == 32 && memcmp(o1, o4, 32) != 0,
		    "with UV the secret differs (CredRandom with UV, 12.5)");
		/* credProtect 2: without an allow list and without UV the credential is hidden. */
		r = assert_once(d, NULL, NULL, 0, o4, &l4, &b2);
		check(r == FIDO_ERR_NO_CREDENTIALS, "credProtect 2 hides it from a no-UV discovery (%s)",
		    fido_strerr(r));
		r = assert_once(d, NULL, NULL, 1, o4, &l4, &b2);
		check(r == FIDO_OK, "with UV it is found (%s)", fido_strerr(r));
		fido_cred_free(&c);
	}
	c = make(d, FIDO_CRED_PROT_UV_REQUIRED);
	if (check(c != NULL, "makeCredential with credProtect 3")) {
		r = assert_once(d, c, NULL, 0, o4, &l4, &b2);
		check(r == FIDO_ERR_NO_CREDENTIALS, "credProtect 3 without UV: not found even by ID (%s)",
		    fido_strerr(r));
		r = assert_once(d, c, NULL, 1, o4, &l4, &b2);
		check(r == FIDO_OK, "credProtect 3 with UV: found (%s)", fido_strerr(r));
		fido_cred_free(&c);
	}
	fido_dev_close(d);
	fido_dev_free(&d);
	return failures ? 1 : 0;
}
