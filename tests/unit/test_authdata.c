/*
 * test_authdata.c — authenticator data (WebAuthn §6.1) and attested
 * credential data (§6.5.1): the W3C L3 vectors parse and re-encode to the same
 * bytes; every structural rule (AD-*, ACD-*, FLAGS-03, ENC-04) has a negative
 * case asserting its rule ID, return code and offset.
 *
 * Data: vectors/w3c-l3/ (WebAuthn L3 §16 test vectors, see its README). The
 * negative inputs are derived here from the packed-es256 registration's
 * authenticatorData by editing single fields.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/authdata.h"
#include "core/b64.h"
#include "core/cborx.h"
#include "core/cose.h"

#define VEC "vectors/w3c-l3/"

/* Offsets in an AT=1 authData (§6.5.1). */
#define OFF_FLAGS 32
#define OFF_AAGUID 37
#define OFF_IDLEN 53
#define OFF_ID 55

/* ---- helpers ---- */

static json_t *
load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	if (j == NULL)
		fail_msg("%s: %s", path, e.text);
	return j;
}

/* response.response.<member> decoded from base64url. */
static void
vec_b64(json_t *j, const char *member, fsim_blob_t *out)
{
	json_t *r = json_object_get(json_object_get(j, "response"), "response");
	const char *s = json_string_value(json_object_get(r, member));

	assert_non_null(s);
	assert_int_equal(fsim_b64url_decode(s, strlen(s), out, NULL, member), 0);
}

static void
load_vec_ad(const char *name, fsim_blob_t *out)
{
	char path[256];
	json_t *j;

	snprintf(path, sizeof(path), VEC "%s", name);
	j = load_json(path);
	vec_b64(j, "authenticatorData", out);
	json_decref(j);
}

/* Expected flag bits from expectDetails.flags. */
static uint8_t
expect_flags(json_t *ed)
{
	json_t *f = json_object_get(ed, "flags");
	uint8_t v = 0;

	assert_non_null(f);
	if (json_is_true(json_object_get(f, "up"))) v |= FSIM_AD_UP;
	if (json_is_true(json_object_get(f, "uv"))) v |= FSIM_AD_UV;
	if (json_is_true(json_object_get(f, "be"))) v |= FSIM_AD_BE;
	if (json_is_true(json_object_get(f, "bs"))) v |= FSIM_AD_BS;
	if (json_is_true(json_object_get(f, "at"))) v |= FSIM_AD_AT;
	if (json_is_true(json_object_get(f, "ed"))) v |= FSIM_AD_ED;
	return v;
}

static void
fmt_aaguid(const uint8_t a[16], char out[37])
{
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		snprintf(out + o, 3, "%02x", a[i]);
		o += 2;
	}
	out[o] = '\0';
}

/* Is there an entry with this rule, severity, offset (or any) and field? */
static const fsim_diag_t *
find_diag(const fsim_diags_t *d, const char *rule, fsim_sev_t sev)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0 && d->v[i].sev == sev)
			return &d->v[i];
	return NULL;
}

static void
expect_error(const fsim_diags_t *d, const char *rule, size_t off,
    const char *field)
{
	const fsim_diag_t *e = find_diag(d, rule, FSIM_SEV_ERROR);

	if (e == NULL)
		fail_msg("no %s error recorded (%zu diags)", rule, d->n);
	if (off != FSIM_NO_OFFSET)
		assert_int_equal(e->offset, off);
	if (field != NULL)
		assert_string_equal(e->field, field);
}

/* Parse, expecting failure with code rc; *out must stay NULL. */
static void
parse_fails(const uint8_t *p, size_t n, int rc, fsim_diags_t *d)
{
	fsim_authdata_t *ad = (fsim_authdata_t *)(uintptr_t)1;

	assert_int_equal(fsim_authdata_parse(p, n, &ad, d), rc);
	assert_null(ad);
	assert_true(fsim_diags_count(d, FSIM_SEV_ERROR) > 0);
}

/* The packed-es256 registration authData: AT, 32-byte ID, ES256 key (77 B). */
static void
base_ad(fsim_blob_t *b)
{
	load_vec_ad("w3c-packed-es256-registration.json", b);
	assert_int_equal(b->len, 164);
}

/* Append raw bytes to a blob, failing the test on error. */
static void
app(fsim_blob_t *b, const void *p, size_t n)
{
	assert_int_equal(fsim_blob_append(b, p, n), 0);
}

/* authData = base's first `prefix` bytes, then `tail`. */
static void
splice(const fsim_blob_t *base, size_t prefix, const void *tail, size_t tn,
    fsim_blob_t *out)
{
	fsim_blob_reset(out);
	app(out, base->ptr, prefix);
	if (tn > 0)
		app(out, tail, tn);
}

/* ---- positive: vectors ---- */

static void
check_vector(const char *path, bool registration)
{
	fsim_blob_t raw = { 0 }, enc = { 0 };
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;
	json_t *j = load_json(path), *ed = json_object_get(j, "expectDetails");
	char aag[37];

	fsim_diags_init(&d);
	vec_b64(j, "authenticatorData", &raw);
	if (fsim_authdata_parse(raw.ptr, raw.len, &ad, &d) != 0)
		fail_msg("%s: %s", path, d.n ? d.v[0].msg : "?");
	/* The vectors are canonical and well formed: nothing to report. */
	assert_int_equal(d.n, 0);
	if (ed != NULL) {
		assert_int_equal(ad->flags, expect_flags(ed));
		assert_int_equal(ad->sign_count,
		    json_integer_value(json_object_get(ed, "signCount")));
		if (json_object_get(ed, "aaguid") != NULL) {
			fmt_aaguid(ad->aaguid, aag);
			assert_string_equal(aag, json_string_value(
			    json_object_get(ed, "aaguid")));
		}
	}
	assert_int_equal(!!(ad->flags & FSIM_AD_AT), registration);
	if (registration) {
		assert_non_null(ad->cose_key);
		assert_true(ad->cred_id.len > 0);
		assert_int_equal(ad->acd_offset, 37);
		assert_int_equal(ad->cose_offset, OFF_ID + ad->cred_id.len);
		assert_int_equal(ad->cose_offset + ad->cose_key_raw.len, raw.len);
	} else {
		assert_null(ad->cose_key);
		assert_int_equal(raw.len, 37);
	}
	/* encode(parse(x)) == x */
	assert_int_equal(fsim_authdata_encode(ad, &enc), 0);
	assert_true(fsim_blob_eq(&enc, raw.ptr, raw.len));

	fsim_blob_reset(&enc);
	fsim_blob_reset(&raw);
	fsim_authdata_free(&ad);
	assert_null(ad);
	fsim_diags_clear(&d);
	json_decref(j);
}

static void
each_vector(const char *pattern, bool registration)
{
	glob_t g;
	size_t i;

	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 15);
	for (i = 0; i < g.gl_pathc; i++)
		check_vector(g.gl_pathv[i], registration);
	globfree(&g);
}

static void
test_vectors_registration(void **state)
{
	(void)state;
	each_vector(VEC "*-registration.json", true);
}

static void
test_vectors_authentication(void **state)
{
	(void)state;
	each_vector(VEC "*-authentication.json", false);
}

static void
test_long_credential_id(void **state)
{
	fsim_blob_t raw = { 0 };
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	load_vec_ad("w3c-none-es256-long-credential-id-registration.json", &raw);
	assert_int_equal(fsim_authdata_parse(raw.ptr, raw.len, &ad, &d), 0);
	assert_int_equal(ad->cred_id.len, FSIM_CRED_ID_MAX);
	assert_int_equal(ad->cose_offset, OFF_ID + 1023);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	fsim_authdata_free(&ad);
	fsim_blob_reset(&raw);
	fsim_diags_clear(&d);
}

/* Encoding from parsed objects (not raw bytes) gives the canonical form. */
static void
test_encode_from_fields(void **state)
{
	fsim_blob_t raw = { 0 }, enc = { 0 };
	fsim_authdata_t *ad = NULL;

	(void)state;
	base_ad(&raw);
	assert_int_equal(fsim_authdata_parse(raw.ptr, raw.len, &ad, NULL), 0);
	fsim_blob_reset(&ad->cose_key_raw);  /* encode ad->cose_key instead */
	assert_int_equal(fsim_authdata_encode(ad, &enc), 0);
	assert_true(fsim_blob_eq(&enc, raw.ptr, raw.len));

	/* Extensions from the item: {"credProtect": 2} with ED set. */
	ad->flags |= FSIM_AD_ED;
	ad->ext = cbor_new_definite_map(1);
	assert_non_null(ad->ext);
	assert_int_equal(fsim_cbor_map_put(ad->ext, fsim_cbor_text("credProtect"),
	    fsim_cbor_int(2)), 0);
	assert_int_equal(fsim_authdata_encode(ad, &enc), 0);
	assert_int_equal(enc.len, raw.len + 14);
	assert_memory_equal(enc.ptr + raw.len,
	    "\xa1\x6b" "credProtect" "\x02", 14);
	fsim_authdata_free(&ad);

	/* And that parses back with the map found where it starts. */
	assert_int_equal(fsim_authdata_parse(enc.ptr, enc.len, &ad, NULL), 0);
	assert_int_equal(ad->ext_offset, raw.len);
	assert_int_equal(ad->ext_raw.len, 14);
	assert_int_equal(ad->cose_key_raw.len, 77);
	assert_true(cbor_isa_map(ad->ext));
	fsim_authdata_free(&ad);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&raw);
}

static void
test_encode_args(void **state)
{
	fsim_blob_t raw = { 0 }, enc = { 0 };
	fsim_authdata_t *ad = NULL;
	uint8_t *big;

	(void)state;
	assert_int_equal(fsim_authdata_encode(NULL, &enc), FSIM_ERR_ARG);
	base_ad(&raw);
	assert_int_equal(fsim_authdata_parse(raw.ptr, raw.len, &ad, NULL), 0);
	assert_int_equal(fsim_authdata_encode(ad, NULL), FSIM_ERR_ARG);

	/* A 1024-byte ID is refused by the parser but the encoder makes it. */
	big = calloc(1, 65536);
	assert_non_null(big);
	assert_int_equal(fsim_blob_set(&ad->cred_id, big, 1024), 0);
	assert_int_equal(fsim_authdata_encode(ad, &enc), 0);
	assert_int_equal(enc.len, 164 - 32 + 1024);
	assert_int_equal(enc.ptr[OFF_IDLEN], 0x04);
	assert_int_equal(enc.ptr[OFF_IDLEN + 1], 0x00);
	/* The 16-bit field cannot hold 65536; an empty ID is refused too. */
	assert_int_equal(fsim_blob_set(&ad->cred_id, big, 65536), 0);
	assert_int_equal(fsim_authdata_encode(ad, &enc), FSIM_ERR_ARG);
	assert_int_equal(enc.len, 0);
	fsim_blob_reset(&ad->cred_id);
	assert_int_equal(fsim_authdata_encode(ad, &enc), FSIM_ERR_ARG);
	free(big);

	/* AT without any key, ED without any extensions. */
	assert_int_equal(fsim_blob_set(&ad->cred_id, raw.ptr + OFF_ID, 32), 0);
	fsim_blob_reset(&ad->cose_key_raw);
	fsim_cose_key_free(&ad->cose_key);
	assert_int_equal(fsim_authdata_encode(ad, &enc), FSIM_ERR_ARG);
	ad->flags = FSIM_AD_UP | FSIM_AD_ED;
	assert_int_equal(fsim_authdata_encode(ad, &enc), FSIM_ERR_ARG);
	/* Neither: exactly 37 bytes. */
	ad->flags = FSIM_AD_UP;
	ad->sign_count = 0x01020304;
	assert_int_equal(fsim_authdata_encode(ad, &enc), 0);
	assert_int_equal(enc.len, 37);
	assert_memory_equal(enc.ptr, raw.ptr, 32);
	assert_memory_equal(enc.ptr + 32, "\x01\x01\x02\x03\x04", 5);
	fsim_authdata_free(&ad);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&raw);
}

static void
test_flags_str(void **state)
{
	char buf[64];

	(void)state;
	fsim_authdata_flags_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	fsim_authdata_flags_str(0x5d, buf, sizeof(buf));
	assert_string_equal(buf, "UP UV BE BS AT");
	fsim_authdata_flags_str(0xff, buf, sizeof(buf));
	assert_string_equal(buf, "UP RFU1 UV BE BS RFU2 AT ED");
	fsim_authdata_flags_str(0x81, buf, sizeof(buf));
	assert_string_equal(buf, "UP ED");
	/* Truncation keeps a terminated prefix. */
	fsim_authdata_flags_str(0xff, buf, 6);
	assert_string_equal(buf, "UP");
	fsim_authdata_flags_str(0xff, NULL, 0);
}

static void
test_null_args(void **state)
{
	fsim_authdata_t *ad = NULL;
	uint8_t b[37] = { 0 };

	(void)state;
	assert_int_equal(fsim_authdata_parse(NULL, 37, &ad, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_authdata_parse(b, sizeof(b), NULL, NULL),
	    FSIM_ERR_ARG);
	fsim_authdata_free(NULL);
	fsim_authdata_free(&ad);
	/* A zeroed 37-byte authData is valid structure (no flags). */
	assert_int_equal(fsim_authdata_parse(b, sizeof(b), &ad, NULL), 0);
	assert_int_equal(ad->flags, 0);
	fsim_authdata_free(&ad);
}

/* ---- negative: AD-01, AD-04 (no AT/ED) ---- */

static void
test_ad01_short(void **state)
{
	uint8_t b[36] = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	parse_fails(b, sizeof(b), FSIM_ERR_FORMAT, &d);
	expect_error(&d, "AD-01", 36, "");
	assert_non_null(strstr(d.v[0].msg, "36 bytes"));
	fsim_diags_clear(&d);
	parse_fails(b, 0, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "AD-01", 0, NULL);
	fsim_diags_clear(&d);
}

static void
test_ad04_extra_no_at_ed(void **state)
{
	uint8_t b[38] = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	b[OFF_FLAGS] = FSIM_AD_UP;
	parse_fails(b, sizeof(b), FSIM_ERR_FORMAT, &d);
	expect_error(&d, "AD-04", 37, NULL);
	assert_non_null(strstr(d.v[0].msg, "1 bytes follow at offset 37"));
	fsim_diags_clear(&d);
}

/* ---- negative: ACD-01, ACD-02 ---- */

static void
test_acd01_short_aaguid(void **state)
{
	uint8_t b[38] = { 0 };
	fsim_diags_t d;

	(void)state;
	/* PIT-07: a 1-byte AAGUID. */
	fsim_diags_init(&d);
	b[OFF_FLAGS] = FSIM_AD_UP | FSIM_AD_AT;
	parse_fails(b, sizeof(b), FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ACD-01", 38, "attestedCredentialData.aaguid");
	fsim_diags_clear(&d);
	/* AT with nothing at all after signCount. */
	parse_fails(b, 37, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ACD-01", 37, "attestedCredentialData.aaguid");
	fsim_diags_clear(&d);
}

static void
test_acd01_short_idlen(void **state)
{
	fsim_blob_t base = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	parse_fails(base.ptr, OFF_IDLEN + 1, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ACD-01", OFF_IDLEN + 1,
	    "attestedCredentialData.credentialIdLength");
	fsim_diags_clear(&d);
	/* ID cut short: credentialIdLength says 32, 10 remain. */
	parse_fails(base.ptr, OFF_ID + 10, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ACD-01", OFF_IDLEN,
	    "attestedCredentialData.credentialIdLength");
	assert_non_null(strstr(d.v[0].msg, "says 32 bytes but only 10 remain"));
	fsim_diags_clear(&d);
	/* No key after the ID. */
	parse_fails(base.ptr, OFF_ID + 32, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ACD-01", OFF_ID + 32,
	    "attestedCredentialData.credentialPublicKey");
	fsim_diags_clear(&d);
	fsim_blob_reset(&base);
}

static void
test_acd01_idlen_beyond(void **state)
{
	fsim_blob_t base = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	base.ptr[OFF_IDLEN] = 0x03;   /* 0x0320 = 800 > 164 - 55 */
	parse_fails(base.ptr, base.len, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ACD-01", OFF_IDLEN, NULL);
	assert_false(fsim_diags_has(&d, "ACD-02"));
	fsim_diags_clear(&d);
	fsim_blob_reset(&base);
}

static void
test_acd02_zero(void **state)
{
	fsim_blob_t base = { 0 }, b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	/* credentialIdLength 0, the key right after it: only ACD-02. */
	splice(&base, OFF_IDLEN, "\x00\x00", 2, &b);
	app(&b, base.ptr + OFF_ID + 32, 77);
	parse_fails(b.ptr, b.len, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ACD-02", OFF_IDLEN,
	    "attestedCredentialData.credentialIdLength");
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 1);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
	fsim_blob_reset(&base);
}

static void
test_acd02_1024(void **state)
{
	fsim_blob_t base = { 0 }, b = { 0 };
	uint8_t id[1024];
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	memset(id, 0x5a, sizeof(id));
	base_ad(&base);
	splice(&base, OFF_IDLEN, "\x04\x00", 2, &b);
	app(&b, id, sizeof(id));
	app(&b, base.ptr + OFF_ID + 32, 77);
	parse_fails(b.ptr, b.len, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ACD-02", OFF_IDLEN, NULL);
	assert_non_null(strstr(d.v[0].msg, "1024 exceeds 1023"));
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 1);
	fsim_diags_clear(&d);

	/* 1023 with the same key is fine. */
	splice(&base, OFF_IDLEN, "\x03\xff", 2, &b);
	app(&b, id, 1023);
	app(&b, base.ptr + OFF_ID + 32, 77);
	{
		fsim_authdata_t *ad = NULL;
		assert_int_equal(fsim_authdata_parse(b.ptr, b.len, &ad, &d), 0);
		assert_int_equal(ad->cred_id.len, 1023);
		fsim_authdata_free(&ad);
	}
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
	fsim_blob_reset(&base);
}

/* ---- ACD-05 and the COSE key's extent (PIT-05) ---- */

static void
test_acd05_truncated_key(void **state)
{
	fsim_blob_t base = { 0 };
	fsim_diags_t d;
	size_t i;
	bool nested = false;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	/* Cut in the middle of the key's x coordinate. */
	parse_fails(base.ptr, 120, FSIM_ERR_CBOR, &d);
	expect_error(&d, "ACD-05", OFF_ID + 32,
	    "attestedCredentialData.credentialPublicKey");
	/* The CBOR layer's own report is in authData coordinates. */
	for (i = 0; i < d.n; i++)
		if (strcmp(d.v[i].rule, "ACD-05") != 0 &&
		    strncmp(d.v[i].field,
		    "attestedCredentialData.credentialPublicKey", 42) == 0 &&
		    d.v[i].offset >= OFF_ID + 32 && d.v[i].offset <= 120)
			nested = true;
	assert_true(nested);
	fsim_diags_clear(&d);
	fsim_blob_reset(&base);
}

static void
test_acd05_bad_key(void **state)
{
	fsim_blob_t base = { 0 };
	fsim_diags_t d;
	int rc;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	/* Change alg -7 (0x26) to kty-less garbage: label 1 (kty) becomes 9. */
	assert_int_equal(base.ptr[OFF_ID + 32 + 1], 0x01);
	base.ptr[OFF_ID + 32 + 1] = 0x09;
	rc = fsim_authdata_parse(base.ptr, base.len,
	    &(fsim_authdata_t *){ NULL }, &d);
	assert_true(rc == FSIM_ERR_COSE || rc == FSIM_ERR_UNSUPPORTED);
	expect_error(&d, "ACD-05", OFF_ID + 32, NULL);
	assert_true(fsim_diags_count(&d, FSIM_SEV_ERROR) >= 2);
	fsim_diags_clear(&d);
	fsim_blob_reset(&base);
}

/*
 * A well-formed key of an alg fidosim does not support (issue 12): not a
 * structural fault. The parse succeeds with cose_key NULL, key_alg naming the
 * alg and COSE-03 as the error that says why; ACD-05 is not blamed.
 */
static void
test_key_alg_unsupported(void **state)
{
	fsim_blob_t base = { 0 };
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	/* the supported key first: key_alg mirrors the key */
	assert_int_equal(fsim_authdata_parse(base.ptr, base.len, &ad, &d), 0);
	assert_non_null(ad->cose_key);
	assert_false(ad->key_alg_unsupported);
	assert_int_equal(ad->key_alg, -7);
	fsim_authdata_free(&ad);
	/* a5 01 02 03 26: alg -7 (0x26) becomes -24 (0x37), registered to nothing */
	assert_int_equal(base.ptr[OFF_ID + 32 + 4], 0x26);
	base.ptr[OFF_ID + 32 + 4] = 0x37;
	assert_int_equal(fsim_authdata_parse(base.ptr, base.len, &ad, &d), 0);
	assert_non_null(ad);
	assert_null(ad->cose_key);
	assert_true(ad->key_alg_unsupported);
	assert_int_equal(ad->key_alg, -24);
	assert_int_equal(ad->cose_key_raw.len, 77);   /* the layout was followed */
	expect_error(&d, "COSE-03", FSIM_NO_OFFSET, NULL);
	assert_null(find_diag(&d, "ACD-05", FSIM_SEV_ERROR));
	fsim_authdata_free(&ad);
	fsim_diags_clear(&d);
	/* an alg that is no integer is still a broken key (COSE-01, ACD-05) */
	base.ptr[OFF_ID + 32 + 4] = 0xf6;   /* null */
	parse_fails(base.ptr, base.len, FSIM_ERR_COSE, &d);
	expect_error(&d, "ACD-05", FSIM_NO_OFFSET, NULL);
	fsim_diags_clear(&d);
	fsim_blob_reset(&base);
}

static void
test_ad04_junk_after_key(void **state)
{
	fsim_blob_t base = { 0 }, b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	/* PIT-06 shape: the key is fine, one junk byte follows, ED=0. */
	splice(&base, base.len, "\x00", 1, &b);
	parse_fails(b.ptr, b.len, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "AD-04", 164, "");
	assert_non_null(strstr(d.v[0].msg,
	    "ED is 0 but 1 bytes follow the credential public key"));
	assert_false(fsim_diags_has(&d, "ACD-05"));
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
	fsim_blob_reset(&base);
}

static void
test_ad04_extensions_swallowed(void **state)
{
	static const uint8_t ext[] = "\xa1\x6b" "credProtect" "\x02";
	fsim_blob_t base = { 0 }, b = { 0 };
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	/* Extensions after the key with ED=0 (App Attest shape, PIT-06). */
	splice(&base, base.len, ext, 14, &b);
	parse_fails(b.ptr, b.len, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "AD-04", 164, NULL);
	assert_non_null(strstr(d.v[0].msg, "14 bytes"));
	fsim_diags_clear(&d);

	/* With ED=1 the same bytes are a valid map, and the key stays 77 B. */
	b.ptr[OFF_FLAGS] |= FSIM_AD_ED;
	assert_int_equal(fsim_authdata_parse(b.ptr, b.len, &ad, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(ad->cose_key_raw.len, 77);
	assert_int_equal(ad->ext_offset, 164);
	assert_true(fsim_blob_eq(&ad->ext_raw, ext, 14));
	assert_non_null(fsim_cbor_map_get_str(ad->ext, "credProtect"));
	fsim_authdata_free(&ad);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
	fsim_blob_reset(&base);
}

static void
test_enc04_noncanonical_key(void **state)
{
	fsim_blob_t base = { 0 };
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;
	uint8_t *k;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	/* a5 01 02 03 26 ... -> a5 03 26 01 02 ...: labels out of order. */
	k = base.ptr + OFF_ID + 32;
	assert_memory_equal(k, "\xa5\x01\x02\x03\x26", 5);
	memcpy(k, "\xa5\x03\x26\x01\x02", 5);
	assert_int_equal(fsim_authdata_parse(base.ptr, base.len, &ad, &d), 0);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_non_null(find_diag(&d, "ENC-04", FSIM_SEV_WARNING));
	assert_int_equal(find_diag(&d, "ENC-04", FSIM_SEV_WARNING)->offset,
	    OFF_ID + 32);
	assert_non_null(ad->cose_key);
	/* The raw bytes are kept as found, so re-encoding is exact. */
	assert_int_equal(ad->cose_key_raw.ptr[1], 0x03);
	fsim_authdata_free(&ad);
	fsim_diags_clear(&d);
	fsim_blob_reset(&base);
}

/* ---- AD-03: extensions ---- */

static void
ext_case(const void *tail, size_t tn, const char *rule, size_t off, int rc)
{
	uint8_t b[64] = { 0 };
	fsim_diags_t d;

	assert_true(37 + tn <= sizeof(b));
	fsim_diags_init(&d);
	b[OFF_FLAGS] = FSIM_AD_UP | FSIM_AD_ED;
	memcpy(b + 37, tail, tn);
	parse_fails(b, 37 + tn, rc, &d);
	expect_error(&d, rule, off, NULL);
	fsim_diags_clear(&d);
}

static void
test_ad03_extensions(void **state)
{
	(void)state;
	/* ED=1 and nothing follows. */
	ext_case("", 0, "AD-03", 37, FSIM_ERR_FORMAT);
	/* An array where the map should be. */
	ext_case("\x81\x01", 2, "AD-03", 37, FSIM_ERR_FORMAT);
	/* A map with an integer key. */
	ext_case("\xa1\x01\x02", 3, "AD-03", 37, FSIM_ERR_FORMAT);
	/* A map cut short: the CBOR layer fails, AD-03 names it. */
	ext_case("\xa1\x63" "abc", 5, "AD-03", 37, FSIM_ERR_CBOR);
	/* One trailing byte after a valid map. */
	ext_case("\xa1\x61" "a" "\x01" "\x00", 5, "AD-04", 41, FSIM_ERR_FORMAT);
}

static void
test_ed_valid_and_noncanonical(void **state)
{
	uint8_t b[64] = { 0 };
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	b[OFF_FLAGS] = FSIM_AD_UP | FSIM_AD_ED;
	/* {"b": 1, "a": 2}: valid, but keys out of canonical order. */
	memcpy(b + 37, "\xa2\x61" "b" "\x01\x61" "a" "\x02", 7);
	assert_int_equal(fsim_authdata_parse(b, 44, &ad, &d), 0);
	assert_non_null(find_diag(&d, "ENC-04", FSIM_SEV_WARNING));
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_int_equal(ad->ext_offset, 37);
	assert_int_equal(cbor_map_size(ad->ext), 2);
	fsim_authdata_free(&ad);
	fsim_diags_clear(&d);
}

/* ---- FLAGS-03 ---- */

static void
test_flags03_rfu(void **state)
{
	fsim_blob_t raw = { 0 };
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	load_vec_ad("w3c-packed-es256-authentication.json", &raw);
	assert_int_equal(fsim_authdata_parse(raw.ptr, raw.len, &ad, &d), 0);
	assert_false(fsim_diags_has(&d, "FLAGS-03"));
	fsim_authdata_free(&ad);

	raw.ptr[OFF_FLAGS] |= FSIM_AD_RFU1 | FSIM_AD_RFU2;
	assert_int_equal(fsim_authdata_parse(raw.ptr, raw.len, &ad, &d), 0);
	assert_non_null(find_diag(&d, "FLAGS-03", FSIM_SEV_WARNING));
	assert_int_equal(find_diag(&d, "FLAGS-03", FSIM_SEV_WARNING)->offset,
	    OFF_FLAGS);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_true(ad->flags & FSIM_AD_RFU2);
	fsim_authdata_free(&ad);
	fsim_diags_clear(&d);
	fsim_blob_reset(&raw);
}

/* BS without BE is the RP's rule (BK-01), not a structural error. */
static void
test_bs_without_be_is_structural_ok(void **state)
{
	uint8_t b[37] = { 0 };
	fsim_authdata_t *ad = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	b[OFF_FLAGS] = FSIM_AD_UP | FSIM_AD_BS;
	assert_int_equal(fsim_authdata_parse(b, sizeof(b), &ad, &d), 0);
	assert_int_equal(d.n, 0);
	fsim_authdata_free(&ad);
	fsim_diags_clear(&d);
}

/* ---- one pass, nested offsets ---- */

static void
test_several_problems_one_pass(void **state)
{
	fsim_blob_t base = { 0 }, b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	/* RFU bit, credentialIdLength 0, and a junk byte after the key. */
	splice(&base, OFF_IDLEN, "\x00\x00", 2, &b);
	app(&b, base.ptr + OFF_ID + 32, 77);
	app(&b, "\xff", 1);
	b.ptr[OFF_FLAGS] |= FSIM_AD_RFU2;
	parse_fails(b.ptr, b.len, FSIM_ERR_FORMAT, &d);
	assert_non_null(find_diag(&d, "FLAGS-03", FSIM_SEV_WARNING));
	expect_error(&d, "ACD-02", OFF_IDLEN, NULL);
	expect_error(&d, "AD-04", OFF_ID + 77, NULL);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
	fsim_blob_reset(&base);
}

static void
test_nested_offsets(void **state)
{
	fsim_blob_t base = { 0 };
	fsim_diags_frame_t f;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	base_ad(&base);
	base.ptr[OFF_IDLEN + 1] = 0;   /* length 0 */
	base.ptr[OFF_IDLEN] = 0;
	fsim_diags_push(&d, &f, 1000, "authData");
	assert_int_not_equal(fsim_authdata_parse(base.ptr, base.len,
	    &(fsim_authdata_t *){ NULL }, &d), 0);
	fsim_diags_pop(&d, &f);
	expect_error(&d, "ACD-02", 1000 + OFF_IDLEN,
	    "authData.attestedCredentialData.credentialIdLength");
	fsim_diags_clear(&d);
	fsim_blob_reset(&base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_registration),
		cmocka_unit_test(test_vectors_authentication),
		cmocka_unit_test(test_long_credential_id),
		cmocka_unit_test(test_encode_from_fields),
		cmocka_unit_test(test_encode_args),
		cmocka_unit_test(test_flags_str),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_ad01_short),
		cmocka_unit_test(test_ad04_extra_no_at_ed),
		cmocka_unit_test(test_acd01_short_aaguid),
		cmocka_unit_test(test_acd01_short_idlen),
		cmocka_unit_test(test_acd01_idlen_beyond),
		cmocka_unit_test(test_acd02_zero),
		cmocka_unit_test(test_acd02_1024),
		cmocka_unit_test(test_acd05_truncated_key),
		cmocka_unit_test(test_acd05_bad_key),
		cmocka_unit_test(test_key_alg_unsupported),
		cmocka_unit_test(test_ad04_junk_after_key),
		cmocka_unit_test(test_ad04_extensions_swallowed),
		cmocka_unit_test(test_enc04_noncanonical_key),
		cmocka_unit_test(test_ad03_extensions),
		cmocka_unit_test(test_ed_valid_and_noncanonical),
		cmocka_unit_test(test_flags03_rfu),
		cmocka_unit_test(test_bs_without_be_is_structural_ok),
		cmocka_unit_test(test_several_problems_one_pass),
		cmocka_unit_test(test_nested_offsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
