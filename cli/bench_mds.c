/*
 * bench_mds.c — the MDS3 stage of `fidosim bench` (bench_mds.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli/bench_mds.h"
#include "mds/mds.h"

struct fsim_bench_mds {
	fsim_trust_t *trust;
	fsim_mds_t *mds;
	fsim_rp_policy_t anchored, indexed;
};

void
fsim_bench_mds_free(fsim_bench_mds_t **bp)
{
	if (bp == NULL || *bp == NULL)
		return;
	fsim_trust_free(&(*bp)->trust);
	fsim_mds_free(&(*bp)->mds);
	free(*bp);
	*bp = NULL;
}

const fsim_rp_policy_t *
fsim_bench_mds_anchored(const fsim_bench_mds_t *b)
{
	return &b->anchored;
}

const fsim_rp_policy_t *
fsim_bench_mds_indexed(const fsim_bench_mds_t *b)
{
	return &b->indexed;
}

/*
 * 1000 entries (a real BLOB has 280 to 700), the one for aaguid in the
 * middle, each listing root. Loaded from an unsigned JWS (no_verify): the
 * stage measures the lookup, the status gate and the trust from the entry,
 * not the BLOB's own check (mds verify does that once per process).
 */
static int
make_index(X509 *root, const uint8_t aaguid[16], fsim_mds_t **out)
{
	json_t *entries = json_array(), *pl = NULL;
	unsigned char *der = NULL;
	char *b64root = NULL, *text = NULL, *b64 = NULL, *jws = NULL, id[FSIM_AAGUID_STRLEN + 1];
	fsim_mds_opts_t o;
	int i, len, r = -1;

	if (entries == NULL || (len = i2d_X509(root, &der)) <= 0 ||
	    (b64root = malloc(4 * ((size_t)len + 2) / 3 + 4)) == NULL)
		goto fail;
	EVP_EncodeBlock((unsigned char *)b64root, der, len);
	for (i = 0; i < 1000; i++) {
		uint8_t a[16];

		memcpy(a, aaguid, 16);
		if (i != 500) {
			a[12] ^= (uint8_t)(i >> 8 | 0x80);
			a[13] ^= (uint8_t)i;
		}
		fsim_aaguid_format(a, id);
		json_array_append_new(entries, json_pack("{s:s, s:{s:s, s:s, s:[s], s:[s]}, "
		    "s:[{s:s, s:s}], s:s}", "aaguid", id, "metadataStatement", "description",
		    "fidosim bench authenticator", "protocolFamily", "fido2", "attestationTypes",
		    "basic_full", "attestationRootCertificates", b64root, "statusReports", "status",
		    "FIDO_CERTIFIED_L1", "effectiveDate", "2020-01-01", "timeOfLastStatusChange",
		    "2020-01-01"));
	}
	pl = json_pack("{s:s, s:i, s:s, s:O}", "legalHeader", "bench", "no", 1, "nextUpdate",
	    "2099-01-01", "entries", entries);
	if (pl == NULL || (text = json_dumps(pl, JSON_COMPACT)) == NULL ||
	    fsim_b64url_encode((const uint8_t *)text, strlen(text), &b64) != 0 ||
	    (jws = malloc(strlen(b64) + 64)) == NULL)
		goto fail;
	snprintf(jws, strlen(b64) + 64, "eyJhbGciOiJFUzI1NiJ9.%s.AAAA", b64);  /* {"alg":"ES256"} */
	fsim_mds_opts_init(&o);
	o.no_verify = true;
	if (fsim_mds_load((const uint8_t *)jws, strlen(jws), &o, NULL, out, NULL) != 0)
		goto fail;
	r = 0;
fail:
	OPENSSL_free(der);
	free(b64root);
	free(text);
	free(b64);
	free(jws);
	json_decref(pl);
	json_decref(entries);
	return r;
}

int
fsim_bench_mds_new(X509 *root, const uint8_t aaguid[16], const fsim_rp_policy_t *p,
    fsim_bench_mds_t **out)
{
	fsim_bench_mds_t *b = calloc(1, sizeof(*b));
	BIO *bio = NULL;
	char *pem = NULL;
	long n;
	int r = -1;

	*out = NULL;
	if (b == NULL || make_index(root, aaguid, &b->mds) != 0 ||
	    (bio = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509(bio, root) != 1 ||
	    fsim_trust_new(&b->trust) != 0 || (n = BIO_get_mem_data(bio, &pem)) <= 0 ||
	    fsim_trust_add_pem(b->trust, pem, (size_t)n) != 0)
		goto fail;
	b->anchored = *p;
	b->anchored.trust = b->trust;
	b->indexed = *p;
	b->indexed.mds = b->mds;
	*out = b;
	b = NULL;
	r = 0;
fail:
	BIO_free(bio);
	fsim_bench_mds_free(&b);
	return r;
}
