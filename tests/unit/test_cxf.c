/*
 * test_cxf.c — the CXF checker (authenticator/cxf.h), one test per rule:
 * a hand-made valid document (a P-256 passkey, a basic-auth login) holds
 * every rule it exercises, and for each rule a set of broken documents fails
 * by that rule and no other error rule. Also: the checker's rule table is
 * the catalog's CXF-* family with the same severities; a document shaped as
 * KeePassXC's CredentialExchangeWriter.cpp writes it (docs/evidence/cxf.md)
 * fails by the rules it breaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "authenticator/cxf.h"
#include "authenticator/keys.h"
#include "core/fsim_core.h"
#include "rp-sim/rules.h"

static fsim_env_t env;
static char *k_es256, *k_rsa, *k_p224, *k_rsa1024, *k_x25519, *k_mixed, *k_trailing;
static EVP_PKEY *pub_es256, *pub_other;
static const uint8_t cred_id[16] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };

static char *
b64(const uint8_t *p, size_t n)
{
	char *s = NULL;

	assert_int_equal(fsim_b64url_encode(p, n, &s), 0);
	return s;
}

static char *
key_b64(EVP_PKEY *k)
{
	fsim_blob_t der = { 0 };
	char *s;

	assert_int_equal(fsim_key_to_der(k, &der), 0);
	s = b64(der.ptr, der.len);
	fsim_blob_reset(&der);
	return s;
}

static int
group_setup(void **state)
{
	static const uint8_t seed[] = "test_cxf";
	EVP_PKEY *a = NULL, *b = NULL, *k = NULL;
	fsim_blob_t da = { 0 }, db = { 0 };

	(void)state;
	if (fsim_env_seeded(&env, seed, sizeof(seed)) != 0 ||
	    fsim_key_generate(&env, FSIM_COSE_ES256, &a) != 0 ||
	    fsim_key_generate(&env, FSIM_COSE_ES256, &b) != 0)
		return -1;
	k_es256 = key_b64(a);
	pub_es256 = a;
	pub_other = b;
	if (fsim_key_generate(&env, FSIM_COSE_RS256, &k) != 0)
		return -1;
	k_rsa = key_b64(k);
	EVP_PKEY_free(k);
	k = EVP_EC_gen("P-224");
	k_p224 = key_b64(k);
	EVP_PKEY_free(k);
	k = EVP_RSA_gen(1024);
	k_rsa1024 = key_b64(k);
	EVP_PKEY_free(k);
	k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	k_x25519 = key_b64(k);
	EVP_PKEY_free(k);
	/* a P-256 key whose public point is another key's: OpenSSL puts it last (65 bytes) */
	if (fsim_key_to_der(a, &da) != 0 || fsim_key_to_der(b, &db) != 0 || da.len != db.len)
		return -1;
	memcpy(da.ptr + da.len - 65, db.ptr + db.len - 65, 65);
	k_mixed = b64(da.ptr, da.len);
	/* the key with a byte after its DER */
	if (fsim_blob_append(&db, (const uint8_t *)"\0", 1) != 0)
		return -1;
	k_trailing = b64(db.ptr, db.len);
	fsim_blob_reset(&da);
	fsim_blob_reset(&db);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	free(k_es256);
	free(k_rsa);
	free(k_p224);
	free(k_rsa1024);
	free(k_x25519);
	free(k_mixed);
	free(k_trailing);
	EVP_PKEY_free(pub_es256);
	EVP_PKEY_free(pub_other);
	fsim_env_free(&env);
	return 0;
}

/* ---- the hand-made valid document ---- */

static json_t *
passkey(const uint8_t *id, size_t idlen, const char *key)
{
	char *ids = b64(id, idlen);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "passkey",
	    "credentialId", ids, "rpId", "example.org", "username", "alice", "userDisplayName",
	    "Alice", "userHandle", "dXNlcg", "key", key);

	free(ids);
	assert_non_null(p);
	return p;
}

static json_t *
base_doc(void)
{
	json_t *d = json_pack("{s:{s:i, s:i}, s:s, s:s, s:i, s:[{s:s, s:s, s:s, s:[], s:["
	    "{s:s, s:i, s:s, s:[o]},"
	    "{s:s, s:s, s:[{s:s, s:{s:s, s:s}, s:{s:s, s:s}}]}"
	    "]}]}",
	    "version", "major", 1, "minor", 0, "exporterRpId", "example.net",
	    "exporterDisplayName", "Example Exporter", "timestamp", 1750000000,
	    "accounts", "id", "YWNjdDE", "username", "", "email", "me@example.net",
	    "collections", "items",
	    "id", "aXRlbTE", "creationAt", 1700000000, "title", "example.org", "credentials",
	    passkey(cred_id, sizeof(cred_id), k_es256),
	    "id", "aXRlbTI", "title", "a login", "credentials", "type", "basic-auth",
	    "username", "fieldType", "string", "value", "alice", "password", "fieldType",
	    "concealed-string", "value", "hunter2");

	assert_non_null(d);
	return d;
}

static json_t *
account(json_t *d)
{
	return json_array_get(json_object_get(d, "accounts"), 0);
}

static json_t *
item(json_t *d, size_t i)
{
	return json_array_get(json_object_get(account(d), "items"), i);
}

static json_t *
pk(json_t *d)
{
	return json_array_get(json_object_get(item(d, 0), "credentials"), 0);
}

static void
set(json_t *o, const char *k, json_t *v)
{
	assert_int_equal(json_object_set_new(o, k, v), 0);
}

/* Check text; returns the diagnostics (and the document when out is not NULL). */
static void
check_text(const char *text, size_t len, const fsim_cxf_check_opts_t *o, fsim_diags_t *d,
    fsim_cxf_doc_t **out)
{
	fsim_cxf_doc_t *doc = NULL;

	fsim_diags_init(d);
	assert_int_equal(fsim_cxf_check((const uint8_t *)text, len, o, &doc, d), FSIM_OK);
	assert_non_null(doc);
	if (out != NULL)
		*out = doc;
	else
		fsim_cxf_doc_free(&doc);
}

static void
check_json(json_t *j, const fsim_cxf_check_opts_t *o, fsim_diags_t *d, fsim_cxf_doc_t **out)
{
	char *t = json_dumps(j, JSON_COMPACT);

	assert_non_null(t);
	check_text(t, strlen(t), o, d, out);
	free(t);
	json_decref(j);
}

static size_t
errors_of(const fsim_diags_t *d, const char *rule, size_t *others)
{
	size_t i, n = 0;

	*others = 0;
	for (i = 0; i < d->n; i++) {
		if (d->v[i].sev != FSIM_SEV_ERROR)
			continue;
		if (strcmp(d->v[i].rule, rule) == 0)
			n++;
		else
			(*others)++;
	}
	return n;
}

/* The document fails by rule, and by no other error rule. */
static void
fails_by(json_t *j, const char *rule)
{
	fsim_diags_t d;
	size_t others;

	check_json(j, NULL, &d, NULL);
	if (errors_of(&d, rule, &others) == 0 || others > 0) {
		size_t i;
		char line[512];

		for (i = 0; i < d.n; i++) {
			fsim_diag_format(&d.v[i], line, sizeof(line));
			print_message("# %s\n", line);
		}
		fail_msg("expected %s alone, got the diagnostics above", rule);
	}
	fsim_diags_clear(&d);
}

static void
text_fails_by(const char *text, size_t len, const char *rule)
{
	fsim_diags_t d;
	size_t others;

	check_text(text, len, NULL, &d, NULL);
	assert_true(errors_of(&d, rule, &others) > 0);
	assert_int_equal(others, 0);
	fsim_diags_clear(&d);
}

static size_t
rule_index(const char *id)
{
	size_t i;

	for (i = 0; i < fsim_cxf_rule_count(); i++)
		if (strcmp(fsim_cxf_rule_at(i)->id, id) == 0)
			return i;
	fail_msg("no rule %s", id);
	return 0;
}

/* The document is valid and rule was judged (and held). */
static void
holds(json_t *j, const fsim_cxf_check_opts_t *o, const char *rule)
{
	fsim_cxf_doc_t *doc = NULL;
	fsim_diags_t d;

	check_json(j, o, &d, &doc);
	if (fsim_diags_count(&d, FSIM_SEV_ERROR) != 0) {
		char line[512];

		fsim_diag_format(fsim_diags_first(&d, FSIM_SEV_ERROR), line, sizeof(line));
		fail_msg("the document should be valid: %s", line);
	}
	assert_true(fsim_cxf_doc_checked(doc, rule_index(rule)));
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&d);
}

/* ---- the rules ---- */

static void
test_valid_document(void **state)
{
	fsim_cxf_doc_t *doc = NULL;
	const fsim_cxf_passkey_t *p;
	fsim_diags_t d;
	size_t n;
	int maj, min;

	(void)state;
	check_json(base_doc(), NULL, &d, &doc);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_WARNING), 0);
	assert_int_equal(fsim_cxf_doc_accounts(doc), 1);
	assert_int_equal(fsim_cxf_doc_items(doc), 2);
	assert_int_equal(fsim_cxf_doc_passkey_count(doc), 1);
	fsim_cxf_doc_version(doc, &maj, &min);
	assert_int_equal(maj, 1);
	assert_int_equal(min, 0);
	assert_string_equal(fsim_cxf_doc_exporter(doc), "example.net");
	assert_int_equal(fsim_cxf_doc_timestamp(doc), 1750000000);
	assert_int_equal(fsim_cxf_doc_other_types(doc), 1);
	assert_string_equal(fsim_cxf_doc_other_type(doc, 0, &n), "basic-auth");
	assert_int_equal(n, 1);
	p = fsim_cxf_doc_passkey(doc, 0);
	assert_true(p->ok);
	assert_int_equal(p->alg, FSIM_COSE_ES256);
	assert_true(fsim_blob_eq(&p->id, cred_id, sizeof(cred_id)));
	assert_string_equal(p->rp_id, "example.org");
	assert_string_equal(p->username, "alice");
	assert_int_equal(p->user_handle.len, 4);
	assert_int_equal(p->created, 1700000000);
	assert_false(p->alg_stated);
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&d);
}

static void
test_cxf01_json(void **state)
{
	static const char zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00";
	char *t;
	json_t *j = base_doc();
	fsim_diags_t d;
	fsim_cxf_doc_t *doc = NULL;

	(void)state;
	holds(base_doc(), NULL, "CXF-01");
	t = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	text_fails_by(t, strlen(t) / 2, "CXF-01");            /* truncated */
	text_fails_by(zip, sizeof(zip) - 1, "CXF-01");         /* a ZIP archive */
	text_fails_by("\x1f\x8b\x08\x00", 4, "CXF-01");        /* gzip */
	text_fails_by("", 0, "CXF-01");                        /* empty */
	text_fails_by("[1, 2]", 6, "CXF-01");                  /* not an object */
	text_fails_by("{} {}", 5, "CXF-01");                   /* something after it */
	text_fails_by("{\"a\": \"\xff\"}", 10, "CXF-01");      /* not UTF-8 */
	text_fails_by("\xef\xbb\xbf{}", 5, "CXF-01");          /* a byte order mark */
	/* over 16 MiB: refused before the bytes are read (data may be NULL) */
	fsim_diags_init(&d);
	assert_int_equal(fsim_cxf_check(NULL, (size_t)FSIM_CXF_MAX_LEN + 1, NULL, &doc, &d), 0);
	assert_true(fsim_diags_has(&d, "CXF-01"));
	assert_int_equal(fsim_cxf_doc_passkey_count(doc), 0);
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&d);
	free(t);
}

static void
test_cxf02_duplicates(void **state)
{
	static const char dup[] = "{\"version\": {\"major\": 1, \"minor\": 0, \"major\": 1}, "
	    "\"exporterRpId\": \"a.example\", \"exporterDisplayName\": \"A\", \"timestamp\": 1, "
	    "\"accounts\": []}";

	(void)state;
	holds(base_doc(), NULL, "CXF-02");
	text_fails_by(dup, sizeof(dup) - 1, "CXF-02");
}

static void
test_cxf03_header(void **state)
{
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-03");
	j = base_doc();
	json_object_del(j, "exporterRpId");
	fails_by(j, "CXF-03");
	j = base_doc();
	set(j, "exporterRpId", json_string(""));
	fails_by(j, "CXF-03");
	j = base_doc();
	set(j, "timestamp", json_string("2025-03-13"));
	fails_by(j, "CXF-03");
	j = base_doc();
	set(j, "timestamp", json_integer(-1));
	fails_by(j, "CXF-03");
	j = base_doc();
	set(j, "accounts", json_object());
	fails_by(j, "CXF-03");
	j = base_doc();
	set(j, "version", json_integer(1));     /* the 2024 working drafts' number */
	fails_by(j, "CXF-03");
}

static void
test_cxf04_version(void **state)
{
	fsim_diags_t d;
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-04");
	j = base_doc();
	set(json_object_get(j, "version"), "major", json_integer(2));
	fails_by(j, "CXF-04");
	j = base_doc();
	set(json_object_get(j, "version"), "major", json_integer(0));
	fails_by(j, "CXF-04");
	/* a newer minor version is additive: read, with a note */
	j = base_doc();
	set(json_object_get(j, "version"), "minor", json_integer(3));
	check_json(j, NULL, &d, NULL);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_true(fsim_diags_has(&d, "CXF-04"));
	fsim_diags_clear(&d);
}

static void
test_cxf05_account(void **state)
{
	uint8_t big[65];
	char *s;
	json_t *j, *col;

	(void)state;
	holds(base_doc(), NULL, "CXF-05");
	j = base_doc();
	json_object_del(account(j), "email");
	fails_by(j, "CXF-05");
	j = base_doc();
	json_object_del(account(j), "collections");
	fails_by(j, "CXF-05");
	j = base_doc();
	set(account(j), "username", json_null());
	fails_by(j, "CXF-05");
	memset(big, 7, sizeof(big));
	s = b64(big, sizeof(big));
	j = base_doc();
	set(account(j), "id", json_string(s));
	fails_by(j, "CXF-05");
	free(s);
	/* a collection: id, title, items of {item, account?} */
	j = base_doc();
	col = json_pack("{s:s, s:s, s:[{s:s}]}", "id", "Y29sMQ", "title", "Work", "items",
	    "item", "aXRlbTE");
	assert_int_equal(json_array_append_new(json_object_get(account(j), "collections"), col), 0);
	holds(json_deep_copy(j), NULL, "CXF-05");
	json_object_del(col, "title");
	fails_by(j, "CXF-05");
}

static void
test_cxf06_item(void **state)
{
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-06");
	j = base_doc();
	json_object_del(item(j, 0), "title");
	fails_by(j, "CXF-06");
	j = base_doc();
	json_object_del(item(j, 0), "credentials");
	fails_by(j, "CXF-06");
	j = base_doc();
	set(item(j, 0), "creationAt", json_real(1.5));
	fails_by(j, "CXF-06");
	j = base_doc();
	set(item(j, 0), "tags", json_pack("[s, i]", "work", 7));
	fails_by(j, "CXF-06");
	j = base_doc();
	set(item(j, 0), "favorite", json_string("yes"));
	fails_by(j, "CXF-06");
	j = base_doc();
	set(item(j, 0), "extensions", json_pack("[{s:i}]", "name", 1));
	fails_by(j, "CXF-06");
	j = base_doc();
	set(item(j, 0), "id", json_string(""));
	fails_by(j, "CXF-06");
}

static void
test_cxf07_credential(void **state)
{
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-07");
	j = base_doc();
	json_object_del(json_array_get(json_object_get(item(j, 1), "credentials"), 0), "type");
	fails_by(j, "CXF-07");
	j = base_doc();
	assert_int_equal(json_array_append_new(json_object_get(item(j, 1), "credentials"),
	    json_string("passkey")), 0);
	fails_by(j, "CXF-07");
	j = base_doc();
	set(json_array_get(json_object_get(item(j, 1), "credentials"), 0), "type",
	    json_integer(3));
	fails_by(j, "CXF-07");
}

static void
test_cxf08_passkey_members(void **state)
{
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-08");
	j = base_doc();
	json_object_del(pk(j), "userHandle");
	fails_by(j, "CXF-08");
	j = base_doc();
	json_object_del(pk(j), "userDisplayName");
	fails_by(j, "CXF-08");
	j = base_doc();
	set(pk(j), "username", json_integer(1));
	fails_by(j, "CXF-08");
	j = base_doc();
	set(pk(j), "rpId", json_null());
	fails_by(j, "CXF-08");
	j = base_doc();
	json_object_del(pk(j), "key");
	fails_by(j, "CXF-08");
}

static void
test_cxf09_base64url(void **state)
{
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-09");
	j = base_doc();
	set(pk(j), "credentialId", json_string("ab+/cd"));       /* standard base64 */
	fails_by(j, "CXF-09");
	j = base_doc();
	set(pk(j), "userHandle", json_string("dXN lcg"));        /* whitespace */
	fails_by(j, "CXF-09");
	j = base_doc();
	set(account(j), "id", json_string("YWNjdDEx1"));         /* 4k+1 characters */
	fails_by(j, "CXF-09");
	j = base_doc();
	set(pk(j), "key", json_string("-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n"
	    "-----END PRIVATE KEY-----\n"));
	fails_by(j, "CXF-09");
}

static void
test_cxf10_padding(void **state)
{
	fsim_cxf_doc_t *doc = NULL;
	fsim_diags_t d;
	json_t *j;
	size_t others;

	(void)state;
	holds(base_doc(), NULL, "CXF-10");
	j = base_doc();
	set(pk(j), "userHandle", json_string("dXNlcg=="));
	check_json(j, NULL, &d, &doc);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);   /* read anyway */
	assert_true(fsim_diags_has(&d, "CXF-10"));
	assert_int_equal(errors_of(&d, "CXF-10", &others), 0);
	assert_int_equal(fsim_cxf_doc_passkey(doc, 0)->user_handle.len, 4);
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&d);
}

static void
test_cxf11_credential_id(void **state)
{
	uint8_t big[1024];
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-11");
	memset(big, 0x22, sizeof(big));
	j = base_doc();
	json_array_set_new(json_object_get(item(j, 0), "credentials"), 0,
	    passkey(big, sizeof(big), k_es256));
	fails_by(j, "CXF-11");
	j = base_doc();
	set(pk(j), "credentialId", json_string(""));
	fails_by(j, "CXF-11");
	/* 1023 bytes is the most there is */
	j = base_doc();
	json_array_set_new(json_object_get(item(j, 0), "credentials"), 0,
	    passkey(big, 1023, k_es256));
	holds(j, NULL, "CXF-11");
}

static void
test_cxf12_user_handle(void **state)
{
	uint8_t big[65];
	char *s;
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-12");
	memset(big, 3, sizeof(big));
	s = b64(big, sizeof(big));
	j = base_doc();
	set(pk(j), "userHandle", json_string(s));
	fails_by(j, "CXF-12");
	free(s);
	j = base_doc();
	set(pk(j), "userHandle", json_string(""));
	fails_by(j, "CXF-12");
}

static void
test_cxf13_rp_id(void **state)
{
	static const char *const bad[] = { "https://example.org", "example.org:443",
		"Example.org", "exa mple.org", "", ".example.org", "example..org", "b\xc3\xa4r.example",
		"example.org/login" };
	size_t i;
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-13");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = base_doc();
		set(pk(j), "rpId", json_string(bad[i]));
		fails_by(j, "CXF-13");
	}
	j = base_doc();
	set(pk(j), "rpId", json_string("localhost"));
	holds(j, NULL, "CXF-13");
}

static void
test_cxf14_key_parses(void **state)
{
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-14");
	j = base_doc();
	set(pk(j), "key", json_string("AAECAwQFBgcICQ"));          /* not DER */
	fails_by(j, "CXF-14");
	j = base_doc();
	set(pk(j), "key", json_string(k_trailing));                /* a byte after the DER */
	fails_by(j, "CXF-14");
	j = base_doc();
	set(pk(j), "key", json_string(k_mixed));                   /* another key's public part */
	fails_by(j, "CXF-14");
}

static void
test_cxf15_key_alg(void **state)
{
	fsim_cxf_doc_t *doc = NULL;
	fsim_diags_t d;
	char *ids = b64(cred_id, sizeof(cred_id));
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-15");
	j = base_doc();
	set(pk(j), "key", json_string(k_p224));                    /* no COSE alg */
	fails_by(j, "CXF-15");
	j = base_doc();
	set(pk(j), "key", json_string(k_rsa1024));                 /* RSA under 2048 bits */
	fails_by(j, "CXF-15");
	j = base_doc();
	set(pk(j), "key", json_string(k_x25519));                  /* a key-agreement key */
	fails_by(j, "CXF-15");
	/* fidosim's item extension states PS256 for an RSA key: taken */
	j = base_doc();
	set(pk(j), "key", json_string(k_rsa));
	set(item(j, 0), "extensions", json_pack("[{s:s, s:s, s:i}]", "name", "fidosim",
	    "credentialId", ids, "alg", FSIM_COSE_PS256));
	check_json(j, NULL, &d, &doc);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_int_equal(fsim_cxf_doc_passkey(doc, 0)->alg, FSIM_COSE_PS256);
	assert_true(fsim_cxf_doc_passkey(doc, 0)->alg_stated);
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&d);
	/* ... and an RSA key alone is RS256 */
	j = base_doc();
	set(pk(j), "key", json_string(k_rsa));
	check_json(j, NULL, &d, &doc);
	assert_int_equal(fsim_cxf_doc_passkey(doc, 0)->alg, FSIM_COSE_RS256);
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&d);
	/* but it cannot say PS256 of a P-256 key, nor name an unknown alg */
	j = base_doc();
	set(item(j, 0), "extensions", json_pack("[{s:s, s:s, s:i}]", "name", "fidosim",
	    "credentialId", ids, "alg", FSIM_COSE_PS256));
	fails_by(j, "CXF-15");
	j = base_doc();
	set(item(j, 0), "extensions", json_pack("[{s:s, s:s, s:i}]", "name", "fidosim",
	    "credentialId", ids, "alg", 12345));
	fails_by(j, "CXF-15");
	free(ids);
}

static void
test_cxf16_record_key(void **state)
{
	fsim_cxf_known_t k = { cred_id, sizeof(cred_id), NULL, FSIM_COSE_ES256, 0 };
	fsim_cxf_check_opts_t o = { &k, 1 };
	fsim_diags_t d;
	size_t others;

	(void)state;
	k.pub = pub_es256;
	holds(base_doc(), &o, "CXF-16");
	k.pub = pub_other;
	check_json(base_doc(), &o, &d, NULL);
	assert_true(errors_of(&d, "CXF-16", &others) == 1 && others == 0);
	fsim_diags_clear(&d);
	/* a record of another algorithm than the key's */
	k.pub = pub_es256;
	k.alg = FSIM_COSE_EDDSA;
	check_json(base_doc(), &o, &d, NULL);
	assert_true(errors_of(&d, "CXF-15", &others) == 1 && others == 0);
	fsim_diags_clear(&d);
}

static void
test_cxf17_counter(void **state)
{
	static const uint8_t other_id[4] = { 9, 9, 9, 9 };
	fsim_cxf_known_t k = { cred_id, sizeof(cred_id), NULL, FSIM_COSE_ES256, 0 };
	fsim_cxf_check_opts_t o = { &k, 1 };
	fsim_diags_t d;
	size_t others;

	(void)state;
	k.pub = pub_es256;
	holds(base_doc(), &o, "CXF-17");
	k.sign_count = 5;
	check_json(base_doc(), &o, &d, NULL);
	assert_true(errors_of(&d, "CXF-17", &others) == 1 && others == 0);
	fsim_diags_clear(&d);
	/* a counted credential the export left out, as it should: a note, valid */
	k.id = other_id;
	k.id_len = sizeof(other_id);
	check_json(base_doc(), &o, &d, NULL);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_true(fsim_diags_has(&d, "CXF-17"));
	fsim_diags_clear(&d);
	/* without records the rule is not judged */
	{
		fsim_cxf_doc_t *doc = NULL;

		check_json(base_doc(), NULL, &d, &doc);
		assert_false(fsim_cxf_doc_checked(doc, rule_index("CXF-17")));
		assert_false(fsim_cxf_doc_checked(doc, rule_index("CXF-16")));
		fsim_cxf_doc_free(&doc);
		fsim_diags_clear(&d);
	}
}

static void
test_cxf18_duplicate_ids(void **state)
{
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-18");
	j = base_doc();
	assert_int_equal(json_array_append_new(json_object_get(item(j, 1), "credentials"),
	    passkey(cred_id, sizeof(cred_id), k_es256)), 0);
	fails_by(j, "CXF-18");
}

static void
test_cxf19_unique_ids(void **state)
{
	json_t *j;

	(void)state;
	holds(base_doc(), NULL, "CXF-19");
	j = base_doc();
	set(item(j, 1), "id", json_string("aXRlbTE"));
	fails_by(j, "CXF-19");
	j = base_doc();
	assert_int_equal(json_array_append_new(json_object_get(j, "accounts"), json_pack(
	    "{s:s, s:s, s:s, s:[], s:[]}", "id", "YWNjdDE", "username", "", "email", "",
	    "collections", "items")), 0);
	fails_by(j, "CXF-19");
	/* the same item id in two accounts is fine */
	j = base_doc();
	assert_int_equal(json_array_append_new(json_object_get(j, "accounts"), json_pack(
	    "{s:s, s:s, s:s, s:[], s:[{s:s, s:s, s:[]}]}", "id", "YWNjdDI", "username", "",
	    "email", "", "collections", "items", "id", "aXRlbTE", "title", "t", "credentials")), 0);
	holds(j, NULL, "CXF-19");
}

static void
test_cxf20_fido2_extensions(void **state)
{
	fsim_cxf_doc_t *doc = NULL;
	fsim_diags_t d;
	uint8_t r32[32];
	char *s;
	json_t *j;

	(void)state;
	memset(r32, 0x5a, sizeof(r32));
	s = b64(r32, sizeof(r32));
	j = base_doc();
	set(pk(j), "fido2Extensions", json_pack("{s:{s:s, s:s, s:s}, s:s, s:b}",
	    "hmacCredentials", "algorithm", "hmac-sha256", "credWithUV", s, "credWithoutUV", s,
	    "credBlob", "YmxvYg", "payments", 0));
	check_json(json_deep_copy(j), NULL, &d, &doc);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_true(fsim_cxf_doc_checked(doc, rule_index("CXF-20")));
	assert_true(fsim_cxf_doc_passkey(doc, 0)->hmac);
	assert_memory_equal(fsim_cxf_doc_passkey(doc, 0)->cred_with_uv, r32, 32);
	assert_int_equal(fsim_cxf_doc_passkey(doc, 0)->cred_blob.len, 4);
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&d);
	json_object_del(json_object_get(json_object_get(pk(j), "fido2Extensions"),
	    "hmacCredentials"), "credWithUV");
	fails_by(j, "CXF-20");
	j = base_doc();
	set(pk(j), "fido2Extensions", json_pack("{s:s}", "payments", "yes"));
	fails_by(j, "CXF-20");
	j = base_doc();
	set(pk(j), "fido2Extensions", json_pack("{s:{s:i}}", "largeBlob", "uncompressedSize", 3));
	fails_by(j, "CXF-20");
	j = base_doc();
	set(pk(j), "fido2Extensions", json_string("none"));
	fails_by(j, "CXF-20");
	j = base_doc();
	set(pk(j), "fido2Extensions", json_pack("{s:s}", "credBlob", "a+b"));
	fails_by(j, "CXF-09");
	free(s);
}

static void
test_cxf21_unknown_kept(void **state)
{
	fsim_cxf_doc_t *doc = NULL;
	fsim_diags_t d;
	json_t *j;
	size_t n;

	(void)state;
	holds(base_doc(), NULL, "CXF-21");
	check_json(base_doc(), NULL, &d, NULL);
	assert_false(fsim_diags_has(&d, "CXF-21"));          /* nothing unknown: no note */
	fsim_diags_clear(&d);
	j = base_doc();
	set(pk(j), "deviceBound", json_true());
	set(j, "futureHeaderMember", json_string("x"));
	assert_int_equal(json_array_append_new(json_object_get(item(j, 1), "credentials"),
	    json_pack("{s:s, s:s}", "type", "future-credential", "data", "x")), 0);
	set(item(j, 1), "extensions", json_pack("[{s:s}]", "name", "vendor-thing"));
	check_json(j, NULL, &d, &doc);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_ERROR), 0);
	assert_int_equal(fsim_diags_count(&d, FSIM_SEV_INFO), 4);
	assert_true(fsim_diags_has(&d, "CXF-21"));
	assert_int_equal(fsim_cxf_doc_other_types(doc), 2);
	assert_string_equal(fsim_cxf_doc_other_type(doc, 1, &n), "future-credential");
	fsim_cxf_doc_free(&doc);
	fsim_diags_clear(&d);
}

/* KeePassXC's writer (docs/evidence/cxf.md): standard base64 account id, no collections, PEM key. */
static void
test_keepassxc_shape(void **state)
{
	fsim_diags_t d;
	json_t *j = base_doc();

	(void)state;
	set(account(j), "id", json_string("e2YxYTJiM2M0LTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMH0="));
	json_object_del(account(j), "collections");
	set(pk(j), "key", json_string("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEG\n"
	    "-----END PRIVATE KEY-----\n"));
	set(pk(j), "userDisplayName", json_string(""));
	check_json(j, NULL, &d, NULL);
	assert_true(fsim_diags_has(&d, "CXF-05"));   /* no collections */
	assert_true(fsim_diags_has(&d, "CXF-09"));   /* the PEM key */
	assert_true(fsim_diags_has(&d, "CXF-10"));   /* the padded id, read */
	fsim_diags_clear(&d);
}

/* The checker's table is the catalog's CXF-* family, with its severities. */
static void
test_catalog(void **state)
{
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < fsim_cxf_rule_count(); i++) {
		const fsim_cxf_rule_t *r = fsim_cxf_rule_at(i);
		fsim_rule_id_t id;
		fsim_rsev_t want;

		assert_true(fsim_rule_find(r->id, &id));
		want = r->sev == FSIM_SEV_ERROR ? FSIM_RSEV_ERROR : r->sev == FSIM_SEV_WARNING ?
		    FSIM_RSEV_WARNING : FSIM_RSEV_INFO;
		assert_int_equal(fsim_rule(id)->sev, want);
		assert_true(strncmp(fsim_rule(id)->section, "CXF", 3) == 0);
	}
	for (i = 0; i < FSIM_R__COUNT; i++)
		if (strncmp(fsim_rule((fsim_rule_id_t)i)->id, "CXF-", 4) == 0)
			n++;
	assert_int_equal(n, fsim_cxf_rule_count());
	assert_null(fsim_cxf_rule_at(fsim_cxf_rule_count()));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_document),
		cmocka_unit_test(test_cxf01_json),
		cmocka_unit_test(test_cxf02_duplicates),
		cmocka_unit_test(test_cxf03_header),
		cmocka_unit_test(test_cxf04_version),
		cmocka_unit_test(test_cxf05_account),
		cmocka_unit_test(test_cxf06_item),
		cmocka_unit_test(test_cxf07_credential),
		cmocka_unit_test(test_cxf08_passkey_members),
		cmocka_unit_test(test_cxf09_base64url),
		cmocka_unit_test(test_cxf10_padding),
		cmocka_unit_test(test_cxf11_credential_id),
		cmocka_unit_test(test_cxf12_user_handle),
		cmocka_unit_test(test_cxf13_rp_id),
		cmocka_unit_test(test_cxf14_key_parses),
		cmocka_unit_test(test_cxf15_key_alg),
		cmocka_unit_test(test_cxf16_record_key),
		cmocka_unit_test(test_cxf17_counter),
		cmocka_unit_test(test_cxf18_duplicate_ids),
		cmocka_unit_test(test_cxf19_unique_ids),
		cmocka_unit_test(test_cxf20_fido2_extensions),
		cmocka_unit_test(test_cxf21_unknown_kept),
		cmocka_unit_test(test_keepassxc_shape),
		cmocka_unit_test(test_catalog),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
