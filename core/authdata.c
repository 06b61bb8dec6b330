/*
 * authdata.c — authenticator data (WebAuthn §6.1) and attested credential
 * data (§6.5.1): a strict, offset-reporting parser and an encoder.
 *
 * The parser is structural only. Policy questions (UP/UV required, BE/BS
 * combinations, BK-01) belong to the relying party's ceremony rules; here we
 * check that the bytes have the layout §6.1 defines and nothing else, and we
 * record every problem found in one pass while the layout is still known.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authdata.h"
#include "cborx.h"
#include "cose.h"

#define AD_FLAGS_OFF  32
#define AD_COUNT_OFF  33
#define ACD_AAGUID_LEN 16
#define ACD_IDLEN_LEN  2

fsim_authdata_t *
fsim_authdata_new(void)
{
	return calloc(1, sizeof(fsim_authdata_t));
}

void
fsim_authdata_free(fsim_authdata_t **adp)
{
	fsim_authdata_t *ad;

	if (adp == NULL || (ad = *adp) == NULL)
		return;
	fsim_blob_reset(&ad->cred_id);
	fsim_blob_reset(&ad->cose_key_raw);
	fsim_cose_key_free(&ad->cose_key);
	fsim_blob_reset(&ad->ext_raw);
	if (ad->ext != NULL)
		cbor_decref(&ad->ext);
	free(ad);
	*adp = NULL;
}

fsim_authdata_t *
fsim_authdata_copy(const fsim_authdata_t *ad)
{
	fsim_authdata_t *c;

	if (ad == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	*c = *ad;
	c->cred_id.ptr = c->cose_key_raw.ptr = c->ext_raw.ptr = NULL;
	c->cred_id.len = c->cose_key_raw.len = c->ext_raw.len = 0;
	c->cose_key = NULL;
	c->ext = NULL;
	if (fsim_blob_set(&c->cred_id, ad->cred_id.ptr, ad->cred_id.len) != FSIM_OK ||
	    fsim_blob_set(&c->cose_key_raw, ad->cose_key_raw.ptr, ad->cose_key_raw.len) !=
	    FSIM_OK ||
	    fsim_blob_set(&c->ext_raw, ad->ext_raw.ptr, ad->ext_raw.len) != FSIM_OK ||
	    (ad->cose_key != NULL && fsim_cose_key_dup(ad->cose_key, &c->cose_key) != FSIM_OK)) {
		fsim_authdata_free(&c);
		return NULL;
	}
	if (ad->ext != NULL)
		c->ext = cbor_incref(ad->ext);
	return c;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | (unsigned)p[1]);
}

/* The alg (label 3) of a COSE_Key map, when it is an integer. */
static bool
key_alg(const cbor_item_t *map, int64_t *alg)
{
	const cbor_item_t *v = fsim_cbor_map_get_int(map, 3);
	uint64_t raw;

	if (v == NULL || (!cbor_isa_uint(v) && !cbor_isa_negint(v)) ||
	    (raw = cbor_get_int(v)) > (uint64_t)INT64_MAX)
		return false;
	*alg = cbor_isa_uint(v) ? (int64_t)raw : -1 - (int64_t)raw;
	return true;
}

/*
 * Attested credential data at ptr[pos..len) (§6.5.1, ACD-01): fixed offsets
 * for aaguid and credentialIdLength, then the credential ID, then exactly one
 * CBOR item for the COSE key (PIT-05: never "the rest of the buffer").
 * On return *posp is just past the COSE key. Returns false when the layout
 * cannot be followed any further (so the caller must stop).
 */
static bool
parse_acd(fsim_pctx_t *c, const uint8_t *ptr, size_t len, size_t id_max, size_t *posp,
    fsim_authdata_t *ad)
{
	fsim_diags_frame_t frame;
	cbor_item_t *item = NULL;
	size_t pos = *posp, used = 0;
	uint16_t id_len;
	bool ok = false;
	int rc;

	ad->acd_offset = pos;
	/* PIT-07: Firefox 98 + Windows Hello sent a 1-byte AAGUID. */
	if (len - pos < ACD_AAGUID_LEN) {
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ACD-01", "attestedCredentialData.aaguid",
		    len, "AT is 1 but only %zu of the 16 aaguid bytes follow "
		    "offset %zu (authenticator data is %zu bytes)",
		    len - pos, fsim_diags_abs(c->d, pos), len);
		goto out;
	}
	memcpy(ad->aaguid, ptr + pos, ACD_AAGUID_LEN);
	pos += ACD_AAGUID_LEN;

	if (len - pos < ACD_IDLEN_LEN) {
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ACD-01",
		    "attestedCredentialData.credentialIdLength", len,
		    "credentialIdLength needs 2 bytes at offset %zu but only "
		    "%zu remain", fsim_diags_abs(c->d, pos), len - pos);
		goto out;
	}
	id_len = be16(ptr + pos);
	/* ACD-02: the ID selects a key, so it is never empty; at most 1023 (or id_max). */
	if (id_len == 0)
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ACD-02",
		    "attestedCredentialData.credentialIdLength", pos,
		    "credentialIdLength is 0; a credential ID has at least 1 byte");
	else if (id_len > id_max)
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ACD-02",
		    "attestedCredentialData.credentialIdLength", pos,
		    "credentialIdLength %u exceeds %zu", (unsigned)id_len, id_max);
	if ((size_t)id_len > len - pos - ACD_IDLEN_LEN) {
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ACD-01",
		    "attestedCredentialData.credentialIdLength", pos,
		    "credentialIdLength says %u bytes but only %zu remain after "
		    "offset %zu", (unsigned)id_len, len - pos - ACD_IDLEN_LEN,
		    fsim_diags_abs(c->d, pos + ACD_IDLEN_LEN));
		goto out;
	}
	pos += ACD_IDLEN_LEN;
	if ((rc = fsim_blob_set(&ad->cred_id, ptr + pos, id_len)) != 0) {
		fsim_pctx_fail(c, rc);
		goto out;
	}
	pos += id_len;

	ad->cose_offset = pos;
	if (pos == len) {
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "ACD-01",
		    "attestedCredentialData.credentialPublicKey", pos,
		    "credentialPublicKey is missing: the authenticator data ends "
		    "right after the credential ID");
		goto out;
	}
	/* Exactly one CBOR item; nested diagnostics get absolute offsets. */
	fsim_diags_push(c->d, &frame, pos,
	    "attestedCredentialData.credentialPublicKey");
	rc = fsim_cbor_decode_prefix(ptr + pos, len - pos, &item, &used, c->d);
	fsim_diags_pop(c->d, &frame);
	if (rc != 0) {
		fsim_pctx_error(c, rc, "ACD-05",
		    "attestedCredentialData.credentialPublicKey", pos,
		    "credentialPublicKey is not one well-formed CBOR item within "
		    "the authenticator data");
		goto out;
	}
	if ((rc = fsim_blob_set(&ad->cose_key_raw, ptr + pos, used)) != 0) {
		fsim_pctx_fail(c, rc);
		goto out;
	}
	/* ENC-04: authenticators must emit CTAP2 canonical CBOR; we only warn. */
	if (!fsim_cbor_is_canonical(ptr + pos, used))
		fsim_diags_add(c->d, FSIM_SEV_WARNING, "ENC-04",
		    "attestedCredentialData.credentialPublicKey", pos,
		    "the COSE key (%zu bytes) is not in CTAP2 canonical CBOR form",
		    used);
	fsim_diags_push(c->d, &frame, pos,
	    "attestedCredentialData.credentialPublicKey");
	rc = fsim_cose_key_from_cbor(item, &ad->cose_key, c->d);
	fsim_diags_pop(c->d, &frame);
	if (rc == FSIM_ERR_UNSUPPORTED && key_alg(item, &ad->key_alg))
		/* COSE-03 says which alg; the key is well formed, only unusable here. */
		ad->key_alg_unsupported = true;
	else if (rc != 0)
		/* The key's extent is known, so the layout can still be followed. */
		fsim_pctx_error(c, rc, "ACD-05",
		    "attestedCredentialData.credentialPublicKey", pos,
		    "credentialPublicKey (%zu bytes) is not a usable COSE_Key: %s",
		    used, fsim_strerr(rc));
	else
		ad->key_alg = fsim_cose_key_alg(ad->cose_key);
	pos += used;
	*posp = pos;
	ok = true;
out:
	if (item != NULL)
		cbor_decref(&item);
	return ok;
}

/*
 * Extensions at ptr[pos..len) (§6.1, AD-03): one CBOR map whose keys are
 * extension identifiers (text strings). Returns false when the map's extent
 * is unknown (so the caller must stop).
 */
static bool
parse_ext(fsim_pctx_t *c, const uint8_t *ptr, size_t len, size_t *posp,
    fsim_authdata_t *ad)
{
	fsim_diags_frame_t frame;
	cbor_item_t *item = NULL;
	struct cbor_pair *pairs;
	size_t pos = *posp, used = 0, i, n;
	bool ok = false;
	int rc;

	ad->ext_offset = pos;
	if (pos == len) {
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "AD-03", "extensions", pos,
		    "ED is 1 but no extensions map follows (the authenticator "
		    "data ends at offset %zu)", fsim_diags_abs(c->d, pos));
		goto out;
	}
	fsim_diags_push(c->d, &frame, pos, "extensions");
	rc = fsim_cbor_decode_prefix(ptr + pos, len - pos, &item, &used, c->d);
	fsim_diags_pop(c->d, &frame);
	if (rc != 0) {
		fsim_pctx_error(c, rc, "AD-03", "extensions", pos,
		    "ED is 1 but the bytes at offset %zu are not one well-formed "
		    "CBOR item", fsim_diags_abs(c->d, pos));
		goto out;
	}
	if (!cbor_isa_map(item)) {
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "AD-03", "extensions", pos,
		    "extensions must be a CBOR map, found %s",
		    fsim_cbor_type_name(item));
	} else {
		n = cbor_map_size(item);
		pairs = cbor_map_handle(item);
		for (i = 0; i < n; i++)
			if (!cbor_isa_string(pairs[i].key))
				fsim_pctx_error(c, FSIM_ERR_FORMAT, "AD-03", "extensions",
				    pos, "extensions map key #%zu is a %s; extension "
				    "identifiers are text strings", i + 1,
				    fsim_cbor_type_name(pairs[i].key));
		if (!fsim_cbor_is_canonical(ptr + pos, used))
			fsim_diags_add(c->d, FSIM_SEV_WARNING, "ENC-04",
			    "extensions", pos, "the extensions map (%zu bytes) is "
			    "not in CTAP2 canonical CBOR form", used);
	}
	if ((rc = fsim_blob_set(&ad->ext_raw, ptr + pos, used)) != 0) {
		fsim_pctx_fail(c, rc);
		goto out;
	}
	ad->ext = item;
	item = NULL;
	*posp = pos + used;
	ok = true;
out:
	if (item != NULL)
		cbor_decref(&item);
	return ok;
}

int
fsim_authdata_parse(const uint8_t *ptr, size_t len, fsim_authdata_t **out,
    fsim_diags_t *d)
{
	return fsim_authdata_parse_max(ptr, len, FSIM_CRED_ID_MAX, out, d);
}

int
fsim_authdata_parse_max(const uint8_t *ptr, size_t len, size_t id_max,
    fsim_authdata_t **out, fsim_diags_t *d)
{
	return fsim_authdata_parse_ex(ptr, len, id_max, 0, out, d);
}

/* AD-04 leftovers: an error, or (FSIM_AD_PARSE_TRAILING_OK) an INFO. */
static void
leftovers(fsim_pctx_t *c, unsigned int opts, size_t pos, const char *fmt, size_t n,
    size_t off, const char *hint)
{
	if (opts & FSIM_AD_PARSE_TRAILING_OK)
		fsim_diags_add(c->d, FSIM_SEV_INFO, "AD-04", "", pos, fmt, n, off, hint);
	else
		fsim_pctx_error(c, FSIM_ERR_FORMAT, "AD-04", "", pos, fmt, n, off, hint);
}

int
fsim_authdata_parse_ex(const uint8_t *ptr, size_t len, size_t id_max, unsigned int opts,
    fsim_authdata_t **out, fsim_diags_t *d)
{
	fsim_pctx_t c = { d, 0 };
	fsim_authdata_t *ad = NULL;
	size_t pos;
	int r = FSIM_ERR_ARG;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || (ptr == NULL && len > 0))
		goto fail;
	/* AD-01: rpIdHash, flags and signCount are always there. */
	if (len < FSIM_AD_MIN_LEN) {
		fsim_pctx_error(&c, FSIM_ERR_FORMAT, "AD-01", "", len,
		    "authenticator data is %zu bytes; at least 37 needed "
		    "(rpIdHash 32, flags 1, signCount 4)", len);
		r = c.err;
		goto fail;
	}
	if ((ad = fsim_authdata_new()) == NULL) {
		r = FSIM_ERR_NOMEM;
		goto fail;
	}
	memcpy(ad->rp_id_hash, ptr, sizeof(ad->rp_id_hash));
	ad->flags = ptr[AD_FLAGS_OFF];
	ad->sign_count = be32(ptr + AD_COUNT_OFF);
	pos = FSIM_AD_MIN_LEN;

	/* FLAGS-03: RFU bits are for future use; an RP warns, never fails. */
	if (ad->flags & (FSIM_AD_RFU1 | FSIM_AD_RFU2))
		fsim_diags_add(d, FSIM_SEV_WARNING, "FLAGS-03", "flags",
		    AD_FLAGS_OFF, "flags 0x%02x has reserved bit(s)%s%s set",
		    ad->flags, (ad->flags & FSIM_AD_RFU1) ? " RFU1 (0x02)" : "",
		    (ad->flags & FSIM_AD_RFU2) ? " RFU2 (0x20)" : "");

	if ((ad->flags & FSIM_AD_AT) && !parse_acd(&c, ptr, len, id_max, &pos, ad))
		goto done;
	if (ad->flags & FSIM_AD_ED) {
		if (!parse_ext(&c, ptr, len, &pos, ad))
			goto done;
		if (pos < len)
			leftovers(&c, opts, pos, "%zu bytes after the extensions map at "
			    "offset %zu%s", len - pos, fsim_diags_abs(c.d, pos), "");
	} else if (pos < len) {
		/*
		 * AD-04 / PIT-06: leftovers after the last structure. The
		 * Firefox 117 EdDSA bug and App Attest's extensions with ED=0
		 * look exactly like this; a map head hints at the latter.
		 */
		const char *hint = (ptr[pos] & 0xe0) == 0xa0 ?
		    " (they start like a CBOR map: extensions without ED?)" : "";
		if (ad->flags & FSIM_AD_AT)
			leftovers(&c, opts, pos, "ED is 0 but %zu bytes follow the "
			    "credential public key at offset %zu%s", len - pos,
			    fsim_diags_abs(c.d, pos), hint);
		else
			leftovers(&c, opts, pos, "AT and ED are 0, so authenticator data "
			    "is exactly 37 bytes, but %zu bytes follow at offset %zu%s",
			    len - pos, fsim_diags_abs(c.d, pos), hint);
	}
done:
	if (c.err != 0) {
		r = c.err;
		goto fail;
	}
	*out = ad;
	ad = NULL;
	r = FSIM_OK;
fail:
	fsim_authdata_free(&ad);
	return r;
}

int
fsim_authdata_encode(const fsim_authdata_t *ad, fsim_blob_t *out)
{
	fsim_blob_t b = { NULL, 0 }, enc = { NULL, 0 };
	uint8_t head[FSIM_AD_MIN_LEN], idlen[ACD_IDLEN_LEN];
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	fsim_blob_reset(out);
	if (ad == NULL)
		goto fail;
	memcpy(head, ad->rp_id_hash, sizeof(ad->rp_id_hash));
	head[AD_FLAGS_OFF] = ad->flags;
	head[AD_COUNT_OFF] = (uint8_t)(ad->sign_count >> 24);
	head[AD_COUNT_OFF + 1] = (uint8_t)(ad->sign_count >> 16);
	head[AD_COUNT_OFF + 2] = (uint8_t)(ad->sign_count >> 8);
	head[AD_COUNT_OFF + 3] = (uint8_t)ad->sign_count;
	if ((r = fsim_blob_append(&b, head, sizeof(head))) != 0)
		goto fail;

	if (ad->flags & FSIM_AD_AT) {
		/*
		 * Lengths above 1023 (ACD-02) are allowed on purpose: the
		 * simulator's quirks produce them. The field itself is 16 bits.
		 */
		if (ad->cred_id.len == 0 || ad->cred_id.len > UINT16_MAX) {
			r = FSIM_ERR_ARG;
			goto fail;
		}
		idlen[0] = (uint8_t)(ad->cred_id.len >> 8);
		idlen[1] = (uint8_t)ad->cred_id.len;
		if ((r = fsim_blob_append(&b, ad->aaguid, sizeof(ad->aaguid))) != 0 ||
		    (r = fsim_blob_append(&b, idlen, sizeof(idlen))) != 0 ||
		    (r = fsim_blob_append(&b, ad->cred_id.ptr,
		    ad->cred_id.len)) != 0)
			goto fail;
		if (ad->cose_key_raw.len > 0)
			r = fsim_blob_append(&b, ad->cose_key_raw.ptr,
			    ad->cose_key_raw.len);
		else if (ad->cose_key != NULL) {
			if ((r = fsim_cose_key_encode(ad->cose_key, &enc)) == 0)
				r = fsim_blob_append(&b, enc.ptr, enc.len);
			fsim_blob_reset(&enc);
		} else
			r = FSIM_ERR_ARG;
		if (r != 0)
			goto fail;
	}

	if (ad->flags & FSIM_AD_ED) {
		if (ad->ext_raw.len > 0)
			r = fsim_blob_append(&b, ad->ext_raw.ptr, ad->ext_raw.len);
		else if (ad->ext != NULL) {
			if ((r = fsim_cbor_encode(ad->ext, &enc)) == 0)
				r = fsim_blob_append(&b, enc.ptr, enc.len);
			fsim_blob_reset(&enc);
		} else
			r = FSIM_ERR_ARG;
		if (r != 0)
			goto fail;
	}

	*out = b;
	b.ptr = NULL;
	b.len = 0;
	r = FSIM_OK;
fail:
	fsim_blob_reset(&b);
	return r;
}

void
fsim_authdata_flags_str(uint8_t flags, char *buf, size_t len)
{
	/* In bit order, FLAGS-01. */
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = {
		{ FSIM_AD_UP, "UP" }, { FSIM_AD_RFU1, "RFU1" },
		{ FSIM_AD_UV, "UV" }, { FSIM_AD_BE, "BE" },
		{ FSIM_AD_BS, "BS" }, { FSIM_AD_RFU2, "RFU2" },
		{ FSIM_AD_AT, "AT" }, { FSIM_AD_ED, "ED" },
	};
	size_t i, used = 0;
	int n;

	if (buf == NULL || len == 0)
		return;
	buf[0] = '\0';
	if (flags == 0) {
		snprintf(buf, len, "none");
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		n = snprintf(buf + used, len - used, "%s%s",
		    used > 0 ? " " : "", names[i].name);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';  /* keep whole names only */
			return;
		}
		used += (size_t)n;
	}
}
