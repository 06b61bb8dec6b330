/*
 * test_attobj.c — the attestation object (WebAuthn §6.5.4): the W3C L3
 * registration vectors parse, match their expectDetails and re-encode to the
 * same bytes; each rule (ENC-02, ENC-03, ENC-04, ATT-01, CBOR-DUP,
 * CBOR-KEYTYPE, CBOR-01) has a negative case asserting its rule ID; a
 * truncated object names the member it cut and the offset.
 *
 * Data: vectors/w3c-l3/ (WebAuthn L3 §16 test vectors, see its README). The
 * small objects below are built here byte by byte.
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

#include "core/attobj.h"
#include "core/b64.h"
#include "core/cborx.h"

#define VEC "vectors/w3c-l3/"

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

static void
vec_b64(json_t *j, const char *member, fsim_blob_t *out)
{
	json_t *r = json_object_get(json_object_get(j, "response"), "response");
	const char *s = json_string_value(json_object_get(r, member));

	assert_non_null(s);
	assert_int_equal(fsim_b64url_decode(s, strlen(s), out, NULL, member), 0);
}

static void
load_vec_ao(const char *name, fsim_blob_t *out)
{
	char path[256];
	json_t *j;

	snprintf(path, sizeof(path), VEC "%s", name);
	j = load_json(path);
	vec_b64(j, "attestationObject", out);
	json_decref(j);
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

static const fsim_diag_t *
find_diag(const fsim_diags_t *d, const char *rule, fsim_sev_t sev)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0 && d->v[i].sev == sev)
			return &d->v[i];
	return NULL;
}

static const fsim_diag_t *
expect_error(const fsim_diags_t *d, const char *rule, size_t off,
    const char *field)
{
	const fsim_diag_t *e = find_diag(d, rule, FSIM_SEV_ERROR);

	if (e == NULL)
		fail_msg("no %s error recorded (%zu diags%s%s)", rule, d->n,
		    d->n ? ", first: " : "", d->n ? d->v[0].msg : "");
	if (off != FSIM_NO_OFFSET)
		assert_int_equal(e->offset, off);
	if (field != NULL)
		assert_string_equal(e->field, field);
	return e;
}

/* Parse expecting failure with no object returned. */
static void
parse_fails(const fsim_blob_t *b, int rc, fsim_diags_t *d)
{
	fsim_attobj_t *ao = (fsim_attobj_t *)(uintptr_t)1;

	assert_int_equal(fsim_attobj_parse(b->ptr, b->len, &ao, d), rc);
	assert_null(ao);
	assert_true(fsim_diags_count(d, FSIM_SEV_ERROR) > 0);
}

/* CBOR writers for hand-built objects (RFC 8949 §3, shortest heads). */
static void
app(fsim_blob_t *b, const void *p, size_t n)
{
	assert_int_equal(fsim_blob_append(b, p, n), 0);
}

static void
put_head(fsim_blob_t *b, uint8_t major, uint64_t v)
{
	uint8_t h[9];
	size_t n, i;

	if (v < 24) {
		h[0] = (uint8_t)(major << 5 | v);
		n = 1;
	} else {
		n = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
		h[0] = (uint8_t)(major << 5 | (n == 1 ? 24 : n == 2 ? 25 :
		    n == 4 ? 26 : 27));
		for (i = 0; i < n; i++)
			h[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
		n++;
	}
	app(b, h, n);
}

static void
put_text(fsim_blob_t *b, const char *s)
{
	put_head(b, 3, strlen(s));
	app(b, s, strlen(s));
}

static void
put_bytes(fsim_blob_t *b, const uint8_t *p, size_t n)
{
	put_head(b, 2, n);
	app(b, p, n);
}

/* A minimal valid authData: 37 bytes, flags UP. */
static const uint8_t *
mini_ad(void)
{
	static uint8_t ad[37];

	ad[32] = 0x01;
	return ad;
}

/* {"fmt": fmt, "attStmt": {}, "authData": mini} in canonical order. */
static void
mini_obj(fsim_blob_t *b, const char *fmt)
{
	fsim_blob_reset(b);
	put_head(b, 5, 3);
	put_text(b, "fmt");
	put_text(b, fmt);
	put_text(b, "attStmt");
	put_head(b, 5, 0);
	put_text(b, "authData");
	put_bytes(b, mini_ad(), 37);
}

/* ---- positive ---- */

static void
check_vector(const char *path)
{
	fsim_blob_t raw = { 0 }, ad = { 0 }, enc = { 0 };
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;
	json_t *j = load_json(path), *ed = json_object_get(j, "expectDetails");
	json_t *f;
	uint8_t flags = 0;
	char aag[37];

	fsim_diags_init(&d);
	vec_b64(j, "attestationObject", &raw);
	vec_b64(j, "authenticatorData", &ad);
	if (fsim_attobj_parse(raw.ptr, raw.len, &ao, &d) != 0)
		fail_msg("%s: %s", path, d.n ? d.v[0].msg : "?");
	assert_int_equal(d.n, 0);
	assert_true(ao->canonical);
	assert_non_null(ao->auth_data);
	assert_true(cbor_isa_map(ao->att_stmt));
	/* The response's authenticatorData is the authData inside (README). */
	assert_true(fsim_blob_eq(&ao->auth_data_raw, ad.ptr, ad.len));
	assert_memory_equal(raw.ptr + ao->auth_data_offset, ad.ptr, ad.len);
	assert_int_equal(ao->auth_data_offset + ad.len, raw.len);
	if (ed != NULL) {
		assert_string_equal(ao->fmt,
		    json_string_value(json_object_get(ed, "fmt")));
		f = json_object_get(ed, "flags");
		if (json_is_true(json_object_get(f, "up"))) flags |= 0x01;
		if (json_is_true(json_object_get(f, "uv"))) flags |= 0x04;
		if (json_is_true(json_object_get(f, "be"))) flags |= 0x08;
		if (json_is_true(json_object_get(f, "bs"))) flags |= 0x10;
		if (json_is_true(json_object_get(f, "at"))) flags |= 0x40;
		if (json_is_true(json_object_get(f, "ed"))) flags |= 0x80;
		assert_int_equal(ao->auth_data->flags, flags);
		assert_int_equal(ao->auth_data->sign_count,
		    json_integer_value(json_object_get(ed, "signCount")));
		fmt_aaguid(ao->auth_data->aaguid, aag);
		assert_string_equal(aag,
		    json_string_value(json_object_get(ed, "aaguid")));
	}
	/* encode(parse(x)) == x */
	assert_int_equal(fsim_attobj_encode(ao->fmt, ao->att_stmt,
	    ao->auth_data_raw.ptr, ao->auth_data_raw.len, &enc), 0);
	assert_true(fsim_blob_eq(&enc, raw.ptr, raw.len));

	fsim_blob_reset(&enc);
	fsim_blob_reset(&ad);
	fsim_blob_reset(&raw);
	fsim_attobj_free(&ao);
	assert_null(ao);
	fsim_diags_clear(&d);
	json_decref(j);
}

static void
test_vectors(void **state)
{
	glob_t g;
	size_t i;

	(void)state;
	assert_int_equal(glob(VEC "*-registration.json", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 16);
	for (i = 0; i < g.gl_pathc; i++)
		check_vector(g.gl_pathv[i]);
	globfree(&g);
}

static void
test_minimal_and_encode(void **state)
{
	fsim_blob_t b = { 0 }, enc = { 0 };
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	mini_obj(&b, "none");
	assert_int_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(ao->fmt, "none");
	assert_int_equal(cbor_map_size(ao->att_stmt), 0);
	assert_int_equal(ao->auth_data_offset, b.len - 37);
	assert_int_equal(ao->auth_data->flags, 0x01);
	/* att_stmt NULL encodes as the empty map. */
	assert_int_equal(fsim_attobj_encode("none", NULL, mini_ad(), 37, &enc), 0);
	assert_true(fsim_blob_eq(&enc, b.ptr, b.len));
	assert_int_equal(fsim_attobj_encode(NULL, NULL, mini_ad(), 37, &enc),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_attobj_encode("none", NULL, NULL, 37, &enc),
	    FSIM_ERR_ARG);
	assert_int_equal(fsim_attobj_encode("none", NULL, mini_ad(), 37, NULL),
	    FSIM_ERR_ARG);
	fsim_attobj_free(&ao);
	assert_null(ao);
	assert_int_equal(fsim_attobj_parse(b.ptr, b.len, NULL, &d), FSIM_ERR_ARG);
	assert_int_equal(fsim_attobj_parse(NULL, 3, &ao, &d), FSIM_ERR_ARG);
	assert_null(ao);
	fsim_attobj_free(NULL);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&b);
	fsim_diags_clear(&d);
}

/* ---- ENC-02 ---- */

static void
test_enc02_not_a_map(void **state)
{
	fsim_blob_t b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	app(&b, "\x83\x01\x02\x03", 4);
	parse_fails(&b, FSIM_ERR_FORMAT, &d);
	assert_non_null(strstr(expect_error(&d, "ENC-02", 0, "")->msg, "array"));
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
	put_text(&b, "fmt");
	parse_fails(&b, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ENC-02", 0, NULL);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

static void
test_enc02_missing_fmt(void **state)
{
	fsim_blob_t b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	put_head(&b, 5, 2);
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	parse_fails(&b, FSIM_ERR_FORMAT, &d);
	assert_string_equal(expect_error(&d, "ENC-02", 0, "fmt")->msg, "missing");
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 1);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

static void
test_enc02_types(void **state)
{
	fsim_blob_t b = { 0 };
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	/* fmt as a byte string */
	put_head(&b, 5, 3);
	put_text(&b, "fmt");
	put_bytes(&b, (const uint8_t *)"none", 4);
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	parse_fails(&b, FSIM_ERR_FORMAT, &d);
	assert_non_null(strstr(expect_error(&d, "ENC-02", 5, "fmt")->msg,
	    "must be a text string, found"));
	fsim_diags_clear(&d);

	/* attStmt as an array for "packed" */
	fsim_blob_reset(&b);
	put_head(&b, 5, 3);
	put_text(&b, "fmt");
	put_text(&b, "packed");
	put_text(&b, "attStmt");
	put_head(&b, 4, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	parse_fails(&b, FSIM_ERR_FORMAT, &d);
	assert_non_null(strstr(expect_error(&d, "ENC-02", 20, "attStmt")->msg,
	    "compound"));
	fsim_diags_clear(&d);

	/* ... but an array is the shape of "compound" (§8.9). */
	fsim_blob_reset(&b);
	put_head(&b, 5, 3);
	put_text(&b, "fmt");
	put_text(&b, "compound");
	put_text(&b, "attStmt");
	put_head(&b, 4, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	assert_int_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d), 0);
	assert_true(cbor_isa_array(ao->att_stmt));
	fsim_attobj_free(&ao);
	fsim_diags_clear(&d);

	/* attStmt as an integer */
	fsim_blob_reset(&b);
	put_head(&b, 5, 3);
	put_text(&b, "fmt");
	put_text(&b, "none");
	put_text(&b, "attStmt");
	put_head(&b, 0, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	parse_fails(&b, FSIM_ERR_FORMAT, &d);
	expect_error(&d, "ENC-02", FSIM_NO_OFFSET, "attStmt");
	fsim_diags_clear(&d);

	/* authData as a text string */
	fsim_blob_reset(&b);
	put_head(&b, 5, 3);
	put_text(&b, "fmt");
	put_text(&b, "none");
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	put_text(&b, "authData");
	put_text(&b, "0123456789012345678901234567890123456");
	parse_fails(&b, FSIM_ERR_FORMAT, &d);
	assert_string_equal(expect_error(&d, "ENC-02", 28, "authData")->msg,
	    "must be a byte string, found text string");
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

static void
test_enc02_extra_key_warning(void **state)
{
	fsim_blob_t b = { 0 };
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;
	const fsim_diag_t *w;

	(void)state;
	fsim_diags_init(&d);
	put_head(&b, 5, 5);
	put_head(&b, 0, 7);          /* integer key: unknown, allowed */
	put_head(&b, 0, 1);
	put_text(&b, "fmt");
	put_text(&b, "none");
	put_text(&b, "extra");
	put_head(&b, 7, 22);         /* null */
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	assert_int_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d), 0);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_WARNING), 2);
	w = find_diag(&d, "ENC-02", FSIM_SEV_WARNING);
	assert_non_null(w);
	assert_int_equal(w->offset, 1);
	assert_string_equal(d.v[1].field, "extra");
	assert_int_equal(d.v[1].offset, 12);
	assert_string_equal(ao->fmt, "none");
	fsim_attobj_free(&ao);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

static void
test_cbor_keytype(void **state)
{
	fsim_blob_t b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	put_head(&b, 5, 4);
	put_text(&b, "fmt");
	put_text(&b, "none");
	put_bytes(&b, (const uint8_t *)"k", 1);   /* byte-string key */
	put_head(&b, 0, 0);
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	expect_error(&d, "CBOR-KEYTYPE", 10, NULL);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

/* ---- ENC-03, CBOR-01 ---- */

static void
test_enc03_trailing(void **state)
{
	fsim_blob_t b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	mini_obj(&b, "none");
	app(&b, "\x00", 1);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	assert_non_null(strstr(expect_error(&d, "ENC-03", b.len - 1, "")->msg,
	    "1 bytes follow"));
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

static void
test_enc03_structure(void **state)
{
	fsim_blob_t b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	parse_fails(&b, FSIM_ERR_CBOR, &d);           /* empty */
	expect_error(&d, "ENC-03", 0, NULL);
	fsim_diags_clear(&d);

	/* The map declares 3 entries, 2 are there. */
	put_head(&b, 5, 3);
	put_text(&b, "fmt");
	put_text(&b, "none");
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	assert_non_null(strstr(expect_error(&d, "ENC-03", b.len, NULL)->msg,
	    "declares 3 entries"));
	fsim_diags_clear(&d);

	/* Key without its value. */
	put_text(&b, "authData");
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	expect_error(&d, "ENC-03", b.len, "authData");
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);

	/* Indefinite-length map: CBOR-01. */
	app(&b, "\xbf\x63" "fmt" "\x64" "none" "\xff", 11);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	expect_error(&d, "CBOR-01", 0, NULL);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);

	/* Truncated map head (0xb8 needs one more byte). */
	app(&b, "\xb8", 1);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	expect_error(&d, "ENC-03", 1, NULL);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

/*
 * The `fidosim decode` user story: an attestationObject cut anywhere fails,
 * and a cut inside authData is reported against authData at the offset of
 * its byte string, naming the declared and remaining lengths.
 */
static void
test_truncations(void **state)
{
	fsim_blob_t full = { 0 }, b = { 0 };
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;
	const fsim_diag_t *e;
	size_t cut, ad_off, ad_head;
	char line[512];

	(void)state;
	fsim_diags_init(&d);
	load_vec_ao("w3c-packed-es256-registration.json", &full);
	assert_int_equal(fsim_attobj_parse(full.ptr, full.len, &ao, NULL), 0);
	ad_off = ao->auth_data_offset;
	ad_head = ad_off - 2;   /* 58 a4: a 164-byte string */
	assert_int_equal(full.ptr[ad_head], 0x58);
	fsim_attobj_free(&ao);

	for (cut = 0; cut < full.len; cut++) {
		fsim_blob_reset(&b);
		if (cut > 0)
			app(&b, full.ptr, cut);
		parse_fails(&b, FSIM_ERR_CBOR, &d);
		fsim_diags_clear(&d);
	}

	/* In the middle of the credential public key. */
	cut = ad_off + 120;
	fsim_blob_reset(&b);
	app(&b, full.ptr, cut);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	e = expect_error(&d, "ENC-03", ad_head, "authData");
	assert_non_null(strstr(e->msg, "authData declares 164 bytes but only "
	    "120 remain"));
	fsim_diag_format(e, line, sizeof(line));
	assert_non_null(strstr(line, "authData at byte offset"));
	fsim_diags_clear(&d);

	/* Inside the fmt value ("packed", bytes 5..10). */
	fsim_blob_reset(&b);
	app(&b, full.ptr, 8);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	expect_error(&d, "ENC-03", 5, "fmt");
	fsim_diags_clear(&d);

	/* Inside attStmt's "sig" value: the field names attStmt. */
	fsim_blob_reset(&b);
	app(&b, full.ptr, 40);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	e = fsim_diags_first(&d, FSIM_SEV_ERROR);
	assert_non_null(e);
	assert_memory_equal(e->field, "attStmt", 7);
	assert_true(e->offset >= 20 && e->offset <= 40);
	fsim_diags_clear(&d);

	fsim_blob_reset(&b);
	fsim_blob_reset(&full);
}

/* ---- authData problems: outer object still returned ---- */

static void
test_bad_authdata_returns_outer(void **state)
{
	fsim_blob_t full = { 0 }, b = { 0 };
	fsim_attobj_t *ao = NULL, *tmp = NULL;
	fsim_diags_t d;
	const uint8_t *ad;
	size_t ad_off;

	(void)state;
	fsim_diags_init(&d);
	load_vec_ao("w3c-none-es256-registration.json", &full);
	assert_int_equal(fsim_attobj_parse(full.ptr, full.len, &tmp, NULL), 0);
	ad = tmp->auth_data_raw.ptr;

	/* authData cut inside the COSE key, re-wrapped with a right length. */
	assert_int_equal(fsim_attobj_encode("none", NULL, ad, 120, &b), 0);
	ad_off = b.len - 120;
	assert_int_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d), FSIM_ERR_CBOR);
	assert_non_null(ao);
	assert_null(ao->auth_data);
	assert_string_equal(ao->fmt, "none");
	assert_int_equal(ao->auth_data_offset, ad_off);
	assert_int_equal(ao->auth_data_raw.len, 120);
	expect_error(&d, "ACD-05", ad_off + 87,
	    "authData.attestedCredentialData.credentialPublicKey");
	fsim_attobj_free(&ao);
	fsim_diags_clear(&d);

	/* 36 bytes of authData: AD-01 at the end of authData. */
	assert_int_equal(fsim_attobj_encode("none", NULL, ad, 36, &b), 0);
	assert_int_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d),
	    FSIM_ERR_FORMAT);
	assert_non_null(ao);
	expect_error(&d, "AD-01", b.len, "authData");
	fsim_attobj_free(&ao);
	fsim_diags_clear(&d);

	/* credentialIdLength 0: nested offset and path. */
	assert_int_equal(fsim_blob_set(&full, ad, tmp->auth_data_raw.len), 0);
	full.ptr[53] = 0;
	full.ptr[54] = 0;
	assert_int_equal(fsim_attobj_encode("none", NULL, full.ptr, full.len,
	    &b), 0);
	ad_off = b.len - full.len;
	assert_int_not_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d), 0);
	assert_non_null(ao);
	expect_error(&d, "ACD-02", ad_off + 53,
	    "authData.attestedCredentialData.credentialIdLength");
	fsim_attobj_free(&ao);
	fsim_diags_clear(&d);

	/* A junk byte after the key: AD-04, offsets absolute in the text too. */
	assert_int_equal(fsim_blob_set(&full, ad, tmp->auth_data_raw.len), 0);
	assert_int_equal(fsim_blob_append(&full, (const uint8_t *)"", 1), 0);
	assert_int_equal(fsim_attobj_encode("none", NULL, full.ptr, full.len,
	    &b), 0);
	ad_off = b.len - full.len;
	assert_int_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d),
	    FSIM_ERR_FORMAT);
	{
		const fsim_diag_t *e = expect_error(&d, "AD-04", ad_off + 164,
		    "authData");
		char want[64];

		snprintf(want, sizeof(want), "at offset %zu", ad_off + 164);
		assert_non_null(strstr(e->msg, want));
	}
	fsim_attobj_free(&ao);
	fsim_attobj_free(&tmp);
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
	fsim_blob_reset(&full);
}

/* ---- ATT-01 ---- */

static void
att01_case(const char *fmt, bool ok)
{
	fsim_blob_t b = { 0 };
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;

	fsim_diags_init(&d);
	mini_obj(&b, fmt);
	if (ok) {
		assert_int_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d), 0);
		assert_false(fsim_diags_has(&d, "ATT-01"));
		assert_string_equal(ao->fmt, fmt);
		fsim_attobj_free(&ao);
	} else {
		parse_fails(&b, FSIM_ERR_FORMAT, &d);
		expect_error(&d, "ATT-01", FSIM_NO_OFFSET, "fmt");
	}
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

static void
test_att01_fmt_syntax(void **state)
{
	(void)state;
	att01_case("abcdefghijklmnopqrstuvwxyz012345", true);    /* 32 */
	att01_case("abcdefghijklmnopqrstuvwxyz0123456", false);  /* 33 */
	att01_case("pa\"cked", false);
	att01_case("pa\\cked", false);
	att01_case("pa\x7f" "cked", false);
	att01_case("pa\tcked", false);
	att01_case("", false);
	att01_case("my format-1.0 ~!", true);   /* space and symbols are fine */
}

/* ---- CBOR-DUP ---- */

static void
test_cbor_dup(void **state)
{
	fsim_blob_t b = { 0 };
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	put_head(&b, 5, 4);
	put_text(&b, "fmt");
	put_text(&b, "none");
	put_text(&b, "fmt");
	put_text(&b, "packed");
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	expect_error(&d, "CBOR-DUP", 10, "fmt");
	fsim_diags_clear(&d);

	/* Duplicate unknown keys too. */
	fsim_blob_reset(&b);
	put_head(&b, 5, 5);
	put_text(&b, "fmt");
	put_text(&b, "none");
	put_text(&b, "x");
	put_head(&b, 0, 1);
	put_text(&b, "x");
	put_head(&b, 0, 2);
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	parse_fails(&b, FSIM_ERR_CBOR, &d);
	expect_error(&d, "CBOR-DUP", 13, "x");
	fsim_diags_clear(&d);
	fsim_blob_reset(&b);
}

/* ---- ENC-04 ---- */

static void
test_enc04_key_order(void **state)
{
	fsim_blob_t b = { 0 }, enc = { 0 };
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	put_head(&b, 5, 3);
	put_text(&b, "authData");
	put_bytes(&b, mini_ad(), 37);
	put_text(&b, "attStmt");
	put_head(&b, 5, 0);
	put_text(&b, "fmt");
	put_text(&b, "none");
	assert_int_equal(fsim_attobj_parse(b.ptr, b.len, &ao, &d), 0);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_non_null(find_diag(&d, "ENC-04", FSIM_SEV_WARNING));
	assert_false(ao->canonical);
	assert_int_equal(ao->auth_data_offset, 12);
	/* Re-encoding produces the canonical order. */
	assert_int_equal(fsim_attobj_encode(ao->fmt, ao->att_stmt,
	    ao->auth_data_raw.ptr, ao->auth_data_raw.len, &enc), 0);
	mini_obj(&b, "none");
	assert_true(fsim_blob_eq(&enc, b.ptr, b.len));
	fsim_attobj_free(&ao);
	fsim_diags_clear(&d);
	fsim_blob_reset(&enc);
	fsim_blob_reset(&b);
}

/* Single-bit and single-byte damage anywhere: never a crash or a leak. */
static void
test_damage(void **state)
{
	fsim_blob_t full = { 0 };
	fsim_attobj_t *ao = NULL;
	fsim_diags_t d;
	size_t i, k;
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	int rc;

	(void)state;
	fsim_diags_init(&d);
	load_vec_ao("w3c-none-es256-registration.json", &full);
	for (i = 0; i < full.len; i++) {
		for (k = 0; k < sizeof(masks); k++) {
			full.ptr[i] ^= masks[k];
			rc = fsim_attobj_parse(full.ptr, full.len, &ao, &d);
			if (rc != 0)
				assert_true(fsim_diags_count(&d, FSIM_SEV_ERROR) > 0);
			else
				assert_non_null(ao->auth_data);
			fsim_attobj_free(&ao);
			fsim_diags_clear(&d);
			full.ptr[i] ^= masks[k];
		}
	}
	fsim_blob_reset(&full);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_minimal_and_encode),
		cmocka_unit_test(test_enc02_not_a_map),
		cmocka_unit_test(test_enc02_missing_fmt),
		cmocka_unit_test(test_enc02_types),
		cmocka_unit_test(test_enc02_extra_key_warning),
		cmocka_unit_test(test_cbor_keytype),
		cmocka_unit_test(test_enc03_trailing),
		cmocka_unit_test(test_enc03_structure),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_bad_authdata_returns_outer),
		cmocka_unit_test(test_att01_fmt_syntax),
		cmocka_unit_test(test_cbor_dup),
		cmocka_unit_test(test_enc04_key_order),
		cmocka_unit_test(test_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
