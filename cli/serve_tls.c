/*
 * serve_tls.c — the certificate and key `fidosim serve` speaks HTTPS with:
 * the user's (--tls-cert/--tls-key), or a self-signed pair made for the RP ID
 * (--tls), kept in the data folder when there is one so its fingerprint stays
 * the same from one start to the next. A browser then needs to be told to
 * trust it; serve prints the SPKI hash Chromium's
 * --ignore-certificate-errors-spki-list takes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cli/serve_tls.h"

#define PEM_MAX (64u * 1024u)
#define SELF_SIGNED_DAYS 365

void
fsim_serve_tls_reset(fsim_serve_tls_t *t)
{
	if (t == NULL)
		return;
	fsim_blob_reset(&t->cert_pem);
	fsim_blob_reset(&t->key_pem);   /* fsim_blob_reset wipes */
	memset(t->spki_sha256, 0, sizeof(t->spki_sha256));
	memset(t->cert_path, 0, sizeof(t->cert_path));
}

/* n bytes as a NUL-terminated blob (libmicrohttpd wants C strings); len stays n. */
static int
set_cstr(fsim_blob_t *out, const void *p, size_t n)
{
	uint8_t *c = malloc(n + 1);

	if (c == NULL)
		return -1;
	memcpy(c, p, n);
	c[n] = '\0';
	fsim_blob_reset(out);
	out->ptr = c;
	out->len = n;
	return 0;
}

/* A PEM file as a C string. */
static int
read_pem(const char *path, fsim_blob_t *out, char *err, size_t elen)
{
	fsim_blob_t b = { 0 };
	int r;

	if ((r = fsim_read_file(path, PEM_MAX, &b)) != 0) {
		snprintf(err, elen, "cannot read %s: %s", path, r == FSIM_ERR_ARG ?
		    "larger than 64 KiB" : strerror(errno));
		return -1;
	}
	r = set_cstr(out, b.ptr, b.len);
	fsim_blob_reset(&b);
	if (r != 0)
		snprintf(err, elen, "out of memory");
	return r;
}

/* base64 (standard, padded) of SHA-256(SubjectPublicKeyInfo): Chromium's SPKI pin form. */
static int
spki_hash(X509 *x, char *out, size_t olen)
{
	unsigned char *der = NULL, md[32];
	unsigned int mdlen = 0;
	int n, r = -1;

	if ((n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der)) <= 0)
		return -1;
	if (EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32 &&
	    olen >= 45 && EVP_EncodeBlock((unsigned char *)out, md, 32) == 44)
		r = 0;
	OPENSSL_free(der);
	return r;
}

/* The certificate of a PEM blob, for its SPKI hash and a sanity check. */
static X509 *
pem_cert(const fsim_blob_t *pem)
{
	BIO *b = BIO_new_mem_buf(pem->ptr, (int)pem->len);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return x;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok == 1 ? 0 : -1;
}

/* A self-signed P-256 certificate for rp_id (and localhost, 127.0.0.1) as PEM. */
static int
make_self_signed(const char *rp_id, fsim_serve_tls_t *t, char *err, size_t elen)
{
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	X509_NAME *name;
	BIO *cb = NULL, *kb = NULL;
	BUF_MEM *cm, *km;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	char san[600];
	int r = -1;

	if (snprintf(san, sizeof(san), "DNS:%s%s", rp_id,
	    strcmp(rp_id, "localhost") != 0 ? ",DNS:localhost,IP:127.0.0.1" : ",IP:127.0.0.1") >=
	    (int)sizeof(san)) {
		snprintf(err, elen, "the RP ID is too long for a certificate");
		return -1;
	}
	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (x = X509_new()) == NULL || X509_set_version(x, 2) != 1 ||
	    RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * SELF_SIGNED_DAYS) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto fail;
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"fidosim serve (self-signed, for testing)", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)rp_id, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    add_ext(x, NID_subject_alt_name, san) != 0 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
	    add_ext(x, NID_key_usage, "critical,digitalSignature") != 0 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") != 0 ||
	    X509_sign(x, key, EVP_sha256()) <= 0)
		goto fail;
	if ((cb = BIO_new(BIO_s_mem())) == NULL || (kb = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_X509(cb, x) != 1 ||
	    PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    BIO_get_mem_ptr(cb, &cm) != 1 || BIO_get_mem_ptr(kb, &km) != 1)
		goto fail;
	if (set_cstr(&t->cert_pem, cm->data, cm->length) != 0 ||
	    set_cstr(&t->key_pem, km->data, km->length) != 0)
		goto fail;
	r = 0;
fail:
	if (r != 0)
		snprintf(err, elen, "cannot make a self-signed certificate (OpenSSL)");
	BN_free(bn);
	BIO_free(cb);
	BIO_free(kb);   /* secure memory: cleared as it is freed */
	X509_free(x);
	EVP_PKEY_free(key);
	return r;
}

/* Write one PEM file with mode (0600 for the key), atomically. */
static int
save(const char *dir, const char *name, const fsim_blob_t *pem, unsigned mode, char *path,
    size_t plen)
{
	if (snprintf(path, plen, "%s/%s", dir, name) >= (int)plen)
		return -1;
	return fsim_write_file_atomic(path, pem->ptr, pem->len, mode) == 0 &&
	    chmod(path, (mode_t)mode) == 0 ? 0 : -1;
}

int
fsim_serve_tls_load(const char *cert, const char *key, const char *rp_id,
    const char *data_dir, fsim_serve_tls_t *t, char *err, size_t elen)
{
	char kpath[4200];
	X509 *x = NULL;
	int r = -1;

	memset(t, 0, sizeof(*t));
	if (cert != NULL || key != NULL) {
		if (cert == NULL || key == NULL) {
			snprintf(err, elen, "--tls-cert and --tls-key go together");
			return -1;
		}
		if (read_pem(cert, &t->cert_pem, err, elen) != 0 ||
		    read_pem(key, &t->key_pem, err, elen) != 0)
			goto fail;
		snprintf(t->cert_path, sizeof(t->cert_path), "%s", cert);
	} else if (data_dir != NULL &&
	    snprintf(t->cert_path, sizeof(t->cert_path), "%s/tls-cert.pem", data_dir) > 0 &&
	    snprintf(kpath, sizeof(kpath), "%s/tls-key.pem", data_dir) > 0 &&
	    access(t->cert_path, R_OK) == 0 && access(kpath, R_OK) == 0) {
		/* the pair an earlier --tls made in this data folder */
		if (read_pem(t->cert_path, &t->cert_pem, err, elen) != 0 ||
		    read_pem(kpath, &t->key_pem, err, elen) != 0)
			goto fail;
		t->self_signed = true;
	} else {
		if (make_self_signed(rp_id, t, err, elen) != 0)
			goto fail;
		t->self_signed = true;
		t->cert_path[0] = '\0';
		if (data_dir != NULL) {
			if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
				snprintf(err, elen, "cannot create %s: %s", data_dir, strerror(errno));
				goto fail;
			}
			if (save(data_dir, "tls-key.pem", &t->key_pem, 0600, kpath,
			    sizeof(kpath)) != 0 ||
			    save(data_dir, "tls-cert.pem", &t->cert_pem, 0644, t->cert_path,
			    sizeof(t->cert_path)) != 0) {
				snprintf(err, elen, "cannot write the TLS pair into %s: %s",
				    data_dir, strerror(errno));
				goto fail;
			}
		}
	}
	if ((x = pem_cert(&t->cert_pem)) == NULL) {
		snprintf(err, elen, "%s holds no PEM certificate", cert ? cert : "the TLS pair");
		goto fail;
	}
	if (spki_hash(x, t->spki_sha256, sizeof(t->spki_sha256)) != 0) {
		snprintf(err, elen, "cannot hash the certificate's public key");
		goto fail;
	}
	r = 0;
fail:
	X509_free(x);
	if (r != 0)
		fsim_serve_tls_reset(t);
	return r;
}

int
fsim_serve_tls_write_cert(const fsim_serve_tls_t *t, char *path, size_t plen)
{
	int fd;

	if (snprintf(path, plen, "/tmp/fidosim-serve-cert-XXXXXX") >= (int)plen ||
	    (fd = mkstemp(path)) < 0)
		return -1;
	if (write(fd, t->cert_pem.ptr, t->cert_pem.len) != (ssize_t)t->cert_pem.len) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd) == 0 ? 0 : -1;
}
