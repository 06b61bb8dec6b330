/*
 * chain.c — the BLOB's signing chain (MDS 3.2 steps 2-4): x5c verified to
 * an MDS root with OpenSSL's path building, at a chosen time, then the
 * signature with the signing certificate's key.
 *
 * The roots: until 2026-08-20 the chain ended at GlobalSign Root CA - R3;
 * the leaf is now issued under GlobalSign Root R46, and x5c may also carry
 * R46 cross-signed by R3. Both roots are loaded (from Debian's
 * ca-certificates, each checked against its SHA-256 fingerprint), so OpenSSL
 * builds a path to either: R46 itself when it is present, else through the
 * cross-certificate to R3.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "mds/internal.h"

#define SYS_CERTS "/etc/ssl/certs"

/* The two roots FIDO names (fidoalliance.org/metadata), by file and SHA-256 of the DER. */
static const struct {
	const char *file;
	const char *name;
	uint8_t sha256[32];
} sys_roots[] = {
	{ "GlobalSign_Root_CA_-_R3.pem", "GlobalSign Root CA - R3", {
	    0xcb, 0xb5, 0x22, 0xd7, 0xb7, 0xf1, 0x27, 0xad, 0x6a, 0x01, 0x13, 0x86, 0x5b, 0xdf,
	    0x1c, 0xd4, 0x10, 0x2e, 0x7d, 0x07, 0x59, 0xaf, 0x63, 0x5a, 0x7c, 0xf4, 0x72, 0x0d,
	    0xc9, 0x63, 0xc5, 0x3b } },
	{ "GlobalSign_Root_R46.pem", "GlobalSign Root R46", {
	    0x4f, 0xa3, 0x12, 0x6d, 0x8d, 0x3a, 0x11, 0xd1, 0xc4, 0x85, 0x5a, 0x4f, 0x80, 0x7c,
	    0xba, 0xd6, 0xcf, 0x91, 0x9d, 0x3a, 0x5a, 0x88, 0xb0, 0x3b, 0xea, 0x2c, 0x63, 0x72,
	    0xd9, 0x3c, 0x40, 0xc9 } },
};
#define N_SYS (sizeof(sys_roots) / sizeof(sys_roots[0]))

static bool
fingerprint_is(const X509 *x, const uint8_t want[32])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	return X509_digest(x, EVP_sha256(), md, &len) == 1 && len == 32 &&
	    memcmp(md, want, 32) == 0;
}

void
fsim_mds_subject_line(const X509 *x, char *buf, size_t len)
{
	const X509_NAME *nm = X509_get_subject_name(x);
	int nids[] = { NID_commonName, NID_organizationalUnitName }, i, idx;
	BIO *b;
	size_t k;

	if (len == 0)
		return;
	buf[0] = '\0';
	/* A known root by its own name (R3's CN is only "GlobalSign"). */
	for (k = 0; k < N_SYS; k++)
		if (fingerprint_is(x, sys_roots[k].sha256)) {
			snprintf(buf, len, "%s", sys_roots[k].name);
			return;
		}
	for (i = 0; i < 2; i++)
		if ((idx = X509_NAME_get_index_by_NID(nm, nids[i], -1)) >= 0) {
			const ASN1_STRING *s = X509_NAME_ENTRY_get_data(
			    X509_NAME_get_entry(nm, idx));
			unsigned char *u = NULL;
			int n = ASN1_STRING_to_UTF8(&u, s);

			if (n > 0) {
				snprintf(buf, len, "%.*s", n, (const char *)u);
				OPENSSL_free(u);
				return;
			}
			OPENSSL_free(u);
		}
	if ((b = BIO_new(BIO_s_mem())) != NULL) {
		int n;

		X509_NAME_print_ex(b, nm, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
		n = BIO_read(b, buf, (int)len - 1);
		buf[n > 0 ? n : 0] = '\0';
		BIO_free(b);
	}
	ERR_clear_error();
}

/* Every certificate of a PEM file onto st; how many. */
static int
read_pem_certs(const char *path, STACK_OF(X509) *st, size_t *added)
{
	fsim_blob_t b = { 0 };
	BIO *bio;
	X509 *x;
	int r;

	*added = 0;
	if ((r = fsim_read_file(path, 4u << 20, &b)) != 0)
		return r;
	if (b.len > (size_t)INT32_MAX || (bio = BIO_new_mem_buf(b.ptr, (int)b.len)) == NULL) {
		fsim_blob_reset(&b);
		return FSIM_ERR_NOMEM;
	}
	r = FSIM_OK;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(st, x)) {
			X509_free(x);
			r = FSIM_ERR_NOMEM;
			break;
		}
		(*added)++;
	}
	ERR_clear_error();
	BIO_free(bio);
	fsim_blob_reset(&b);
	return r;
}

/* The system roots: each named file, else the bundle, kept only when its fingerprint matches. */
static int
sys_roots_load(STACK_OF(X509) *out, fsim_diags_t *d)
{
	STACK_OF(X509) *tmp = NULL;
	char path[512];
	size_t i, k, got = 0, added;
	bool found[N_SYS] = { false };
	int r = FSIM_ERR_NOMEM;

	for (i = 0; i < N_SYS; i++) {
		if ((tmp = sk_X509_new_null()) == NULL)
			goto fail;
		snprintf(path, sizeof(path), "%s/%s", SYS_CERTS, sys_roots[i].file);
		if (read_pem_certs(path, tmp, &added) == FSIM_ERR_NOMEM)
			goto fail;
		for (k = 0; k < (size_t)sk_X509_num(tmp) && !found[i]; k++) {
			X509 *x = sk_X509_value(tmp, (int)k);

			if (fingerprint_is(x, sys_roots[i].sha256) && X509_up_ref(x) == 1) {
				if (!sk_X509_push(out, x)) {
					X509_free(x);
					goto fail;
				}
				found[i] = true;
				got++;
			}
		}
		sk_X509_pop_free(tmp, X509_free);
		tmp = NULL;
	}
	if (got < N_SYS) {
		/* A system without the per-root links: look in the bundle. */
		if ((tmp = sk_X509_new_null()) == NULL)
			goto fail;
		if (read_pem_certs(SYS_CERTS "/ca-certificates.crt", tmp, &added) == FSIM_ERR_NOMEM)
			goto fail;
		for (k = 0; k < (size_t)sk_X509_num(tmp); k++)
			for (i = 0; i < N_SYS; i++) {
				X509 *x = sk_X509_value(tmp, (int)k);

				if (!found[i] && fingerprint_is(x, sys_roots[i].sha256) &&
				    X509_up_ref(x) == 1) {
					if (!sk_X509_push(out, x)) {
						X509_free(x);
						goto fail;
					}
					found[i] = true;
					got++;
				}
			}
	}
	if (got == 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_CHAIN, "roots", FSIM_NO_OFFSET,
		    "neither GlobalSign Root CA - R3 nor GlobalSign Root R46 is in %s "
		    "(install ca-certificates, or name the root with --root PEM)", SYS_CERTS);
		r = FSIM_ERR_IO;
		goto fail;
	}
	r = FSIM_OK;
fail:
	sk_X509_pop_free(tmp, X509_free);
	return r;
}

int
fsim_mds_roots_load(const fsim_mds_opts_t *o, STACK_OF(X509) **out, fsim_diags_t *d)
{
	STACK_OF(X509) *st = sk_X509_new_null();
	size_t i, added;
	int r;

	*out = NULL;
	if (st == NULL)
		return FSIM_ERR_NOMEM;
	if (o->n_roots == 0)
		r = sys_roots_load(st, d);
	else
		for (i = 0, r = FSIM_OK; i < o->n_roots && r == FSIM_OK; i++) {
			if ((r = read_pem_certs(o->roots[i], st, &added)) == FSIM_ERR_NOMEM)
				break;
			if (r != 0 || added == 0) {
				fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_CHAIN, o->roots[i],
				    FSIM_NO_OFFSET, "%s", r != 0 ? "cannot read this root file" :
				    "no PEM certificate in this root file");
				r = FSIM_ERR_IO;
			}
		}
	if (r != 0) {
		sk_X509_pop_free(st, X509_free);
		return r;
	}
	*out = st;
	return FSIM_OK;
}

/* CRL files (PEM, any number, or one DER) into the store. */
static int
add_crls(X509_STORE *store, const fsim_mds_opts_t *o, fsim_diags_t *d)
{
	size_t i;

	for (i = 0; i < o->n_crls; i++) {
		fsim_blob_t b = { 0 };
		BIO *bio = NULL;
		X509_CRL *c;
		size_t n = 0;
		const uint8_t *p;

		if (fsim_read_file(o->crls[i], 16u << 20, &b) != 0 || b.len > (size_t)INT32_MAX) {
			fsim_blob_reset(&b);
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_REVOKE, o->crls[i], FSIM_NO_OFFSET,
			    "cannot read this CRL file");
			return FSIM_ERR_IO;
		}
		if ((bio = BIO_new_mem_buf(b.ptr, (int)b.len)) == NULL) {
			fsim_blob_reset(&b);
			return FSIM_ERR_NOMEM;
		}
		while ((c = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
			X509_STORE_add_crl(store, c);
			X509_CRL_free(c);
			n++;
		}
		ERR_clear_error();
		BIO_free(bio);
		p = b.ptr;
		if (n == 0 && (c = d2i_X509_CRL(NULL, &p, (long)b.len)) != NULL) {
			X509_STORE_add_crl(store, c);
			X509_CRL_free(c);
			n++;
		}
		ERR_clear_error();
		fsim_blob_reset(&b);
		if (n == 0) {
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_REVOKE, o->crls[i], FSIM_NO_OFFSET,
			    "no CRL (PEM or DER) in this file");
			return FSIM_ERR_IO;
		}
	}
	return FSIM_OK;
}

static void
chain_failure(X509_STORE_CTX *ctx, const mds_jws_t *j, time_t at, fsim_diags_t *d)
{
	int err = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *cur = X509_STORE_CTX_get_current_cert(ctx);
	char subj[160] = "", when[11], field[32];
	const char *rule = MDS_R_CHAIN;

	fsim_mds_format_date(at, when);
	if (cur != NULL)
		fsim_mds_subject_line(cur, subj, sizeof(subj));
	if (err == X509_V_ERR_CERT_REVOKED || err == X509_V_ERR_UNABLE_TO_GET_CRL ||
	    err == X509_V_ERR_CRL_HAS_EXPIRED || err == X509_V_ERR_CRL_NOT_YET_VALID ||
	    err == X509_V_ERR_CRL_SIGNATURE_FAILURE)
		rule = MDS_R_REVOKE;
	snprintf(field, sizeof(field), depth >= 0 && depth < sk_X509_num(j->x5c) ?
	    "header.x5c[%d]" : "chain[%d]", depth);
	if (err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID) {
		char na[11] = "";
		const ASN1_TIME *t = err == X509_V_ERR_CERT_HAS_EXPIRED ?
		    X509_get0_notAfter(cur) : X509_get0_notBefore(cur);
		struct tm tm;

		if (cur != NULL && ASN1_TIME_to_tm(t, &tm) == 1)
			snprintf(na, sizeof(na), "%04u-%02u-%02u",
			    (unsigned)(tm.tm_year + 1900) % 10000u,
			    (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
		fsim_diags_add(d, FSIM_SEV_ERROR, rule, field, FSIM_NO_OFFSET,
		    "the chain does not verify at %s: \"%s\" %s %s (an old BLOB is checked "
		    "as of its own date with --at)", when, subj,
		    err == X509_V_ERR_CERT_HAS_EXPIRED ? "expired on" : "is valid only from", na);
	} else
		fsim_diags_add(d, FSIM_SEV_ERROR, rule, field, FSIM_NO_OFFSET,
		    "the chain does not verify to an MDS root at %s: \"%s\": %s", when, subj,
		    X509_verify_cert_error_string(err));
}

/* No x5c: the root itself signed the BLOB (MDS 3.2 step 3). */
static int
root_signed(const mds_jws_t *j, STACK_OF(X509) *roots, fsim_mds_info_t *info, fsim_diags_t *d)
{
	fsim_diags_t quiet;
	int i, r = FSIM_ERR_SIGNATURE;

	fsim_diags_init(&quiet);
	for (i = 0; i < sk_X509_num(roots) && r != FSIM_OK; i++) {
		X509 *x = sk_X509_value(roots, i);
		EVP_PKEY *k = X509_get0_pubkey(x);

		if (k != NULL && fsim_mds_jws_verify(j, k, &quiet) == FSIM_OK) {
			fsim_mds_subject_line(x, info->root, sizeof(info->root));
			snprintf(info->signer, sizeof(info->signer), "%s", info->root);
			snprintf(info->chain[0], sizeof(info->chain[0]), "%.159s", info->root);
			info->n_chain = 1;
			r = FSIM_OK;
		}
	}
	fsim_diags_clear(&quiet);
	if (r != FSIM_OK)
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_SIG, "signature", FSIM_NO_OFFSET,
		    "the header has no x5c, so an MDS root must be the signer (MDS 3.2 "
		    "step 3), and no root's key verifies the %s signature", j->alg);
	return r;
}

int
fsim_mds_chain_verify(const mds_jws_t *j, const fsim_mds_opts_t *o, fsim_mds_info_t *info,
    fsim_diags_t *d)
{
	STACK_OF(X509) *roots = NULL, *untrusted = NULL;
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	X509 *leaf;
	int i, r, bad = 0;

	if ((r = fsim_mds_roots_load(o, &roots, d)) != 0)
		return r;
	if (sk_X509_num(j->x5c) == 0) {
		r = root_signed(j, roots, info, d);
		goto out;
	}
	leaf = sk_X509_value(j->x5c, 0);
	fsim_mds_subject_line(leaf, info->signer, sizeof(info->signer));
	r = FSIM_ERR_NOMEM;
	if ((store = X509_STORE_new()) == NULL || (untrusted = sk_X509_new_null()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL)
		goto out;
	for (i = 0; i < sk_X509_num(roots); i++)
		if (X509_STORE_add_cert(store, sk_X509_value(roots, i)) != 1)
			ERR_clear_error();  /* a duplicate root is harmless */
	for (i = 1; i < sk_X509_num(j->x5c); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(j->x5c, i)))
			goto out;
	if ((r = add_crls(store, o, d)) != 0)
		goto out;
	r = FSIM_ERR_NOMEM;
	if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1)
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, o->at);
	if (o->n_crls > 0)
		X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	if (X509_verify_cert(ctx) == 1) {
		STACK_OF(X509) *ch = X509_STORE_CTX_get0_chain(ctx);
		int n = sk_X509_num(ch);

		for (i = 0; i < n && (size_t)i < sizeof(info->chain) / sizeof(info->chain[0]); i++)
			fsim_mds_subject_line(sk_X509_value(ch, i), info->chain[i],
			    sizeof(info->chain[i]));
		info->n_chain = (size_t)i;
		if (n > 0)
			fsim_mds_subject_line(sk_X509_value(ch, n - 1), info->root,
			    sizeof(info->root));
	} else {
		chain_failure(ctx, j, o->at, d);
		bad++;
	}
	ERR_clear_error();
	if (o->n_crls == 0)
		fsim_diags_add(d, FSIM_SEV_INFO, MDS_R_REVOKE, "header.x5c", FSIM_NO_OFFSET,
		    "revocation of the chain is not checked: offline, no CRL was given "
		    "(--crl FILE; MDS 3.2 step 2 wants it checked)");
	/* The signature too, whatever the chain said: one pass names every problem. */
	if (fsim_mds_jws_verify(j, X509_get0_pubkey(leaf), d) != 0)
		bad++;
	r = bad ? FSIM_ERR_FORMAT : FSIM_OK;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(untrusted);
	sk_X509_pop_free(roots, X509_free);
	return r;
}
