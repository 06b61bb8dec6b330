/*
 * blob.c — a Metadata BLOB (MDS 3.1.6, 3.1.7) loaded once: the JWS checked
 * (jws.c, chain.c), the payload parsed into entries (entry.c) and indexed by
 * AAGUID and by attestation certificate key identifier (sorted arrays,
 * binary search), the JSON dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>

#include "mds/internal.h"

static const char *const payload_known[] = {
	"legalHeader", "no", "nextUpdate", "entries", NULL,
};

void
fsim_mds_opts_init(fsim_mds_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->at = time(NULL);
	o->min_no = -1;
}

void
fsim_mds_free(fsim_mds_t **mp)
{
	fsim_mds_t *m;
	size_t i;

	if (mp == NULL || (m = *mp) == NULL)
		return;
	for (i = 0; i < m->n; i++)
		fsim_mds_entry_reset(&m->entries[i]);
	free(m->entries);
	free(m->by_aaguid);
	free(m->by_acki);
	free(m);
	*mp = NULL;
}

/* MDS-06 .. MDS-09: the payload's own members. */
static int
parse_payload_head(const json_t *pl, const fsim_mds_opts_t *o, fsim_mds_info_t *info,
    fsim_diags_t *d)
{
	const json_t *lh = json_object_get(pl, "legalHeader");
	const json_t *no = json_object_get(pl, "no"), *nu = json_object_get(pl, "nextUpdate");
	int bad = 0;

	if (!json_is_string(lh) || json_string_length(lh) == 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_PAYLOAD, "payload.legalHeader",
		    FSIM_NO_OFFSET, "missing, or not a non-empty string (3.1.6: every BLOB "
		    "carries it)");
		bad++;
	} else {
		snprintf(info->legal_header, sizeof(info->legal_header), "%s",
		    json_string_value(lh));
		if (strcmp(json_string_value(lh), MDS_LEGAL_HEADER) != 0)
			fsim_diags_add(d, FSIM_SEV_WARNING, MDS_R_LEGAL, "payload.legalHeader",
			    FSIM_NO_OFFSET, "not the text FIDO publishes (\"Retrieval and use "
			    "of this BLOB indicates acceptance of ...\"): a library that expects "
			    "it (java-webauthn-server) refuses this BLOB");
	}
	if (!json_is_integer(no) || json_integer_value(no) < 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_PAYLOAD, "payload.no", FSIM_NO_OFFSET,
		    "missing, or not a non-negative integer (3.1.6: the BLOB's serial number)");
		bad++;
	} else {
		info->has_no = true;
		info->no = json_integer_value(no);
		if (o->min_no >= 0 && info->no < o->min_no) {
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_NO, "payload.no", FSIM_NO_OFFSET,
			    "no %lld is below %lld, the serial of a BLOB already accepted "
			    "(--min-no): this BLOB is older (MDS 3.2 step 4: ignore it)",
			    (long long)info->no, (long long)o->min_no);
			bad++;
		}
	}
	if (!json_is_string(nu) ||
	    fsim_mds_parse_date(json_string_value(nu), &info->next_update_t) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_PAYLOAD, "payload.nextUpdate",
		    FSIM_NO_OFFSET, "missing, or not a date YYYY-MM-DD (3.1.6)");
		bad++;
	} else {
		snprintf(info->next_update, sizeof(info->next_update), "%s", json_string_value(nu));
		if (info->next_update_t < o->at) {
			char when[11];

			fsim_mds_format_date(o->at, when);
			fsim_diags_add(d, FSIM_SEV_WARNING, MDS_R_NEXT, "payload.nextUpdate",
			    FSIM_NO_OFFSET, "nextUpdate %s has passed (checked at %s): a newer "
			    "BLOB exists; download it (statuses may have changed)",
			    info->next_update, when);
		}
	}
	if (!json_is_array(json_object_get(pl, "entries"))) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_PAYLOAD, "payload.entries", FSIM_NO_OFFSET,
		    "missing, or not an array (3.1.6)");
		bad++;
	}
	return bad ? FSIM_ERR_FORMAT : FSIM_OK;
}

static int
key_cmp(const void *a, const void *b)
{
	const mds_key_t *x = a, *y = b;
	int c = memcmp(x->k, y->k, sizeof(x->k));

	if (c != 0)
		return c;
	return x->e->position < y->e->position ? -1 : x->e->position > y->e->position;
}

/* Sort, then report a key listed by two entries (MDS-14); the first listed wins lookups. */
static void
index_sort(mds_key_t *v, size_t n, size_t klen, const char *what, fsim_diags_t *d)
{
	size_t i;
	char hex[41];

	if (n < 2)
		return;
	qsort(v, n, sizeof(*v), key_cmp);
	for (i = 1; i < n; i++)
		if (memcmp(v[i - 1].k, v[i].k, sizeof(v[i].k)) == 0) {
			size_t k;

			for (k = 0; k < klen; k++)
				snprintf(hex + 2 * k, 3, "%02x", v[i].k[k]);
			fsim_diags_add(d, FSIM_SEV_WARNING, MDS_R_DUP, "payload.entries",
			    FSIM_NO_OFFSET, "%s %s is listed by entries[%zu] and entries[%zu]; "
			    "lookups find the first", what, hex, v[i - 1].e->position,
			    v[i].e->position);
		}
}

static int
build_index(fsim_mds_t *m, fsim_diags_t *d)
{
	size_t i, k, na = 0, nk = 0;

	for (i = 0; i < m->n; i++) {
		na += m->entries[i].has_aaguid;
		nk += m->entries[i].n_ackis;
		m->info.by_aaguid += m->entries[i].has_aaguid;
		m->info.by_acki += m->entries[i].n_ackis > 0;
		m->info.by_aaid += m->entries[i].aaid != NULL;
	}
	if ((na && (m->by_aaguid = calloc(na, sizeof(*m->by_aaguid))) == NULL) ||
	    (nk && (m->by_acki = calloc(nk, sizeof(*m->by_acki))) == NULL))
		return FSIM_ERR_NOMEM;
	for (i = 0; i < m->n; i++) {
		const fsim_mds_entry_t *e = &m->entries[i];

		if (e->has_aaguid) {
			memcpy(m->by_aaguid[m->n_aaguid].k, e->aaguid, 16);
			m->by_aaguid[m->n_aaguid++].e = e;
		}
		for (k = 0; k < e->n_ackis; k++) {
			memcpy(m->by_acki[m->n_acki].k, e->ackis[k], 20);
			m->by_acki[m->n_acki++].e = e;
		}
	}
	index_sort(m->by_aaguid, m->n_aaguid, 16, "AAGUID", d);
	index_sort(m->by_acki, m->n_acki, 20, "key identifier", d);
	return FSIM_OK;
}

/* MDS-12: one note per unknown member name, with how often it occurs. */
static void
report_unknown(const json_t *unknown, fsim_diags_t *d)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)unknown, k, v)
		fsim_diags_add(d, FSIM_SEV_WARNING, MDS_R_MEMBER, k, FSIM_NO_OFFSET,
		    "a member fidosim does not know (%lld time%s): ignored, as a later version "
		    "of the format may add members", (long long)json_integer_value(v),
		    json_integer_value(v) == 1 ? "" : "s");
}

static int
parse_entries(fsim_mds_t *m, const json_t *a, json_t *unknown, fsim_diags_t *d)
{
	const json_t *v;
	size_t i;
	int r, bad = 0;

	if (json_array_size(a) > MDS_MAX_ENTRIES) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_PAYLOAD, "payload.entries", FSIM_NO_OFFSET,
		    "more than %d entries", MDS_MAX_ENTRIES);
		return FSIM_ERR_FORMAT;
	}
	m->info.entries = json_array_size(a);
	if (m->info.entries > 0 &&
	    (m->entries = calloc(m->info.entries, sizeof(*m->entries))) == NULL)
		return FSIM_ERR_NOMEM;
	json_array_foreach(a, i, v) {
		m->n = i + 1;
		if ((r = fsim_mds_entry_parse(v, i, &m->entries[i], unknown, d)) ==
		    FSIM_ERR_NOMEM)
			return r;
		/* Go on: one pass names every bad entry (at most 20, then stop). */
		if (r != 0 && ++bad >= 20) {
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_ENTRY, "payload.entries",
			    FSIM_NO_OFFSET, "20 bad entries; the rest was not checked");
			break;
		}
	}
	return bad ? FSIM_ERR_FORMAT : build_index(m, d);
}

int
fsim_mds_load(const uint8_t *p, size_t n, const fsim_mds_opts_t *o, fsim_mds_info_t *info_out,
    fsim_mds_t **out, fsim_diags_t *d)
{
	fsim_mds_opts_t defaults;
	fsim_mds_t *m = NULL;
	mds_jws_t j;
	json_t *pl = NULL, *unknown = NULL;
	json_error_t je;
	size_t errs = fsim_diags_count(d, FSIM_SEV_ERROR);
	int r = FSIM_ERR_NOMEM, rc;

	*out = NULL;
	if (o == NULL) {
		fsim_mds_opts_init(&defaults);
		o = &defaults;
	}
	memset(&j, 0, sizeof(j));
	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto fail;
	m->info.at = o->at;
	if ((rc = fsim_mds_jws_parse(p, n, &j, d)) != 0) {
		r = rc == FSIM_ERR_NOMEM ? rc : FSIM_ERR_FORMAT;
		goto fail;
	}
	snprintf(m->info.alg, sizeof(m->info.alg), "%s", j.alg);
	if (!o->no_verify && (rc = fsim_mds_chain_verify(&j, o, &m->info, d)) != 0 &&
	    rc != FSIM_ERR_FORMAT && rc != FSIM_ERR_SIGNATURE) {
		r = rc;    /* no memory, or the roots / CRLs could not be read */
		goto fail;
	}
	/* The payload is read whatever the signature said: its errors are worth knowing too. */
	pl = json_loadb((const char *)j.payload.ptr, j.payload.len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(pl)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_JWS, "payload", FSIM_NO_OFFSET,
		    "the payload is not a JSON object (%s, line %d column %d)",
		    pl ? "another JSON value" : je.text, je.line, je.column);
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	if ((unknown = json_object()) == NULL)
		goto fail;
	fsim_mds_note_unknown(pl, payload_known, "payload", unknown);
	(void)parse_payload_head(pl, o, &m->info, d);
	if (json_is_array(json_object_get(pl, "entries")) &&
	    (rc = parse_entries(m, json_object_get(pl, "entries"), unknown, d)) ==
	    FSIM_ERR_NOMEM) {
		r = rc;
		goto fail;
	}
	report_unknown(unknown, d);
	json_decref(unknown);
	unknown = NULL;
	json_decref(pl);
	pl = NULL;
	fsim_mds_jws_reset(&j);
	r = FSIM_ERR_FORMAT;
	if (fsim_diags_count(d, FSIM_SEV_ERROR) > errs || (d != NULL && d->oom))
		goto fail;
	m->info.valid = true;
	if (info_out != NULL)
		*info_out = m->info;
	*out = m;
	return FSIM_OK;
fail:
	if (info_out != NULL && m != NULL)
		*info_out = m->info;
	json_decref(unknown);
	json_decref(pl);
	fsim_mds_jws_reset(&j);
	fsim_mds_free(&m);
	ERR_clear_error();
	return r;
}

int
fsim_mds_load_file(const char *path, const fsim_mds_opts_t *o, fsim_mds_info_t *info,
    fsim_mds_t **out, fsim_diags_t *d)
{
	fsim_blob_t b = { 0 };
	int r;

	*out = NULL;
	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if ((r = fsim_read_file(path, FSIM_MDS_BLOB_MAX, &b)) != 0) {
		if (r == FSIM_ERR_ARG)
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_JWS, path, FSIM_NO_OFFSET,
			    "cannot read the BLOB: larger than %u MB", FSIM_MDS_BLOB_MAX >> 20);
		else
			fsim_diags_add(d, FSIM_SEV_ERROR, MDS_R_JWS, path, FSIM_NO_OFFSET,
			    "cannot read the BLOB: %s", r == FSIM_ERR_IO ? strerror(errno) :
			    fsim_strerr(r));
		return FSIM_ERR_IO;
	}
	r = fsim_mds_load(b.ptr, b.len, o, info, out, d);
	fsim_blob_reset(&b);
	return r;
}

const fsim_mds_info_t *
fsim_mds_info(const fsim_mds_t *m)
{
	return m ? &m->info : NULL;
}

size_t
fsim_mds_count(const fsim_mds_t *m)
{
	return m ? m->n : 0;
}

const fsim_mds_entry_t *
fsim_mds_at(const fsim_mds_t *m, size_t i)
{
	return m && i < m->n ? &m->entries[i] : NULL;
}

static const fsim_mds_entry_t *
lookup(const mds_key_t *v, size_t n, const uint8_t *key, size_t klen)
{
	size_t lo = 0, hi = n;

	/* Lower bound, so that the first entry listing a duplicate key is found. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(v[mid].k, key, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && memcmp(v[lo].k, key, klen) == 0 ? v[lo].e : NULL;
}

const fsim_mds_entry_t *
fsim_mds_find_aaguid(const fsim_mds_t *m, const uint8_t aaguid[16])
{
	uint8_t k[20] = { 0 };

	if (m == NULL || fsim_aaguid_is_zero(aaguid))
		return NULL;
	memcpy(k, aaguid, 16);
	return lookup(m->by_aaguid, m->n_aaguid, k, 20);
}

const fsim_mds_entry_t *
fsim_mds_find_acki(const fsim_mds_t *m, const uint8_t keyid[20])
{
	return m ? lookup(m->by_acki, m->n_acki, keyid, 20) : NULL;
}

const fsim_mds_entry_t *
fsim_mds_find_aaid(const fsim_mds_t *m, const char *aaid)
{
	size_t i;

	if (m == NULL || aaid == NULL)
		return NULL;
	/* UAF only, and rare (17 of 280): a scan. Case-insensitive hex, as 3.1.1 writes it. */
	for (i = 0; i < m->n; i++)
		if (m->entries[i].aaid != NULL && strcasecmp(m->entries[i].aaid, aaid) == 0)
			return &m->entries[i];
	return NULL;
}

int
fsim_mds_find(const fsim_mds_t *m, const char *id, const fsim_mds_entry_t **out)
{
	uint8_t a[16];
	fsim_blob_t k = { 0 };
	size_t len = id ? strlen(id) : 0;

	*out = NULL;
	if (id == NULL)
		return FSIM_ERR_ARG;
	if ((len == 36 || len == 32) && fsim_aaguid_parse(id, a) == 0)
		*out = fsim_mds_find_aaguid(m, a);
	else if (len == 40 && fsim_hex_decode(id, 40, &k) == 0)
		*out = fsim_mds_find_acki(m, k.ptr);
	else if (len == 9 && id[4] == '#')
		*out = fsim_mds_find_aaid(m, id);
	else
		return FSIM_ERR_ARG;
	fsim_blob_reset(&k);
	return *out ? FSIM_OK : FSIM_ERR_NOT_FOUND;
}

int
fsim_mds_keyid(const X509 *x, uint8_t out[20])
{
	const ASN1_BIT_STRING *bits;
	unsigned int len = 0;

	/* X509_get0_pubkey_bitstr: the subjectPublicKey BIT STRING's contents. */
	if (x == NULL || (bits = X509_get0_pubkey_bitstr(x)) == NULL)
		return FSIM_ERR_ARG;
	if (EVP_Digest(ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits), out, &len,
	    EVP_sha1(), NULL) != 1 || len != 20) {
		ERR_clear_error();
		return FSIM_ERR_INTERNAL;
	}
	return FSIM_OK;
}
