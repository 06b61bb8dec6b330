/*
 * cxf_passkey.c — a CXF passkey credential judged (CXF-08 .. CXF-20): its
 * members and their lengths, the RP ID, the private key (PKCS#8 DER that
 * parses, consistent, of a WebAuthn algorithm), fido2Extensions; then, over
 * the whole document, duplicate credential IDs and what a relying party
 * recorded (the registered public key, the signature counter).
 *
 * The members are those of the Review Draft's Passkey as Bitwarden's
 * credential-exchange-format crate (0.4.0, src/passkey.rs) types them:
 * credentialId, rpId, username, userDisplayName, userHandle, key (PKCS#8
 * ASN.1 DER, base64url; it "MUST give the same public key" as the original
 * registration), fido2Extensions {hmacCredentials {algorithm, credWithUV,
 * credWithoutUV}, credBlob, largeBlob {uncompressedSize, data}, payments};
 * and the draft's note that a passkey with a non-zero signature counter
 * MUST be excluded from an export.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "authenticator/cxf_int.h"
#include "authenticator/keys.h"
#include "core/b64.h"
#include "core/cose.h"
#include "core/mldsa.h"

#define CXF_MAX_CRED_ID 1023     /* WebAuthn L3 4: a credential ID is at most 1023 bytes */
#define CXF_MAX_USER_HANDLE 64   /* WebAuthn L3 5.4.3: user.id is 1 to 64 bytes */
#define CXF_MAX_RP_ID 253        /* a domain name's text form */

/* a + "." + b into buf; a path too long for a diagnostic (128 bytes) is cut. */
static const char *
join(char *buf, size_t cap, const char *a, const char *b)
{
	if (snprintf(buf, cap, "%s.%s", a, b) < 0)
		buf[0] = '\0';
	return buf;
}

int
fsim_cxf_key_alg(EVP_PKEY *key)
{
	char group[64];
	int set;

	if (key == NULL)
		return 0;
	if ((set = fsim_mldsa_pkey_set(key)) != 0)
		return fsim_mldsa_alg_of_set(set);
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_ED25519:
		return FSIM_COSE_EDDSA;
	case EVP_PKEY_ED448:
		return FSIM_COSE_ED448;
	case EVP_PKEY_RSA:
		return EVP_PKEY_get_bits(key) >= 2048 ? FSIM_COSE_RS256 : 0;
	case EVP_PKEY_RSA_PSS:
		return EVP_PKEY_get_bits(key) >= 2048 ? FSIM_COSE_PS256 : 0;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) != 1) {
			ERR_clear_error();
			return 0;
		}
		if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
			return FSIM_COSE_ES256;
		if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
			return FSIM_COSE_ES384;
		if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
			return FSIM_COSE_ES512;
		return 0;
	default:
		return 0;
	}
}

/* "an EC key on secp256k1", "a 1024-bit RSA key", ... for messages. */
static void
key_desc(EVP_PKEY *key, char *buf, size_t cap)
{
	char group[64] = "";

	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(key, group, sizeof(group), NULL) != 1)
			ERR_clear_error();
		snprintf(buf, cap, "an EC key on %s", group[0] ? group : "an unnamed curve");
		return;
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		snprintf(buf, cap, "a %d-bit RSA key", EVP_PKEY_get_bits(key));
		return;
	default:
		if (fsim_mldsa_pkey_set(key) != 0)
			snprintf(buf, cap, "an %s key", fsim_mldsa_name(fsim_mldsa_pkey_set(key)));
		else
			snprintf(buf, cap, "a %s key", OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
	}
}

/* Does key serve alg (type, curve, RSA of 2048 bits or more)? */
static bool
key_fits(EVP_PKEY *key, int alg)
{
	fsim_cose_key_t *k = NULL;
	bool ok;

	if (fsim_cose_alg_name(alg) == NULL)
		return false;
	ok = fsim_cose_key_from_pkey(key, alg, &k) == 0;
	fsim_cose_key_free(&k);
	ERR_clear_error();
	if (ok && (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ||
	    EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA_PSS))
		ok = EVP_PKEY_get_bits(key) >= 2048;
	return ok;
}

/* The PKCS#8 algorithm OID's short name, for a key fidosim does not read. */
static void
p8_alg_name(const fsim_blob_t *der, char *buf, size_t cap)
{
	const unsigned char *p = der->ptr;
	PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)der->len);
	const ASN1_OBJECT *obj = NULL;

	snprintf(buf, cap, "unknown");
	if (p8 != NULL && PKCS8_pkey_get0(&obj, NULL, NULL, NULL, p8) == 1 && obj != NULL)
		OBJ_obj2txt(buf, (int)cap, obj, 0);
	PKCS8_PRIV_KEY_INFO_free(p8);
	ERR_clear_error();
}

/* Is the public half the private half's (OpenSSL's pairwise check)? */
static bool
consistent(EVP_PKEY *key)
{
	EVP_PKEY_CTX *ctx;
	int r;

	if (fsim_mldsa_pkey_set(key) != 0)
		return true;   /* made from its seed: nothing else to disagree with */
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL) {
		ERR_clear_error();
		return true;
	}
	r = EVP_PKEY_pairwise_check(ctx);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return r != 0;   /* 1 holds, -2 not supported for this type */
}

/*
 * The COSE alg an item's "fidosim" extension states for credential id, or 0
 * (COSE algs are negative). *bad when the extension names none fidosim knows.
 */
static int
stated_alg(cxf_ctx_t *c, const json_t *ext, const fsim_blob_t *id, const char *field,
    bool *bad)
{
	const json_t *e, *a;
	fsim_blob_t eid = { 0 };
	size_t i;
	int alg = 0;

	for (i = 0; json_is_array(ext) && i < json_array_size(ext); i++) {
		e = json_array_get(ext, i);
		if (!json_is_object(e) || !json_is_string(json_object_get(e, "name")) ||
		    strcmp(json_string_value(json_object_get(e, "name")), "fidosim") != 0)
			continue;
		if (!json_is_string(json_object_get(e, "credentialId")) ||
		    fsim_b64url_decode(json_string_value(json_object_get(e, "credentialId")),
		    json_string_length(json_object_get(e, "credentialId")), &eid, NULL, NULL) != 0 ||
		    !fsim_blob_eq(&eid, id->ptr, id->len)) {
			fsim_blob_reset(&eid);
			continue;
		}
		fsim_blob_reset(&eid);
		a = json_object_get(e, "alg");
		if (!json_is_integer(a) || json_integer_value(a) < INT32_MIN ||
		    json_integer_value(a) > INT32_MAX ||
		    fsim_cose_alg_name((int)json_integer_value(a)) == NULL) {
			fsim_cxf_report(c, CXF_R15, FSIM_SEV_ERROR, field, "the item's fidosim "
			    "extension names no COSE algorithm fidosim knows for this passkey");
			*bad = true;
			return 0;
		}
		alg = (int)json_integer_value(a);
	}
	return alg;
}

/* CXF-14, CXF-15: the key parses, is consistent, and is of a WebAuthn algorithm. */
static void
judge_key(cxf_ctx_t *c, fsim_cxf_passkey_t *p, const json_t *item_ext)
{
	EVP_PKEY *key = NULL;
	char f[128], desc[96];
	bool bad = false;
	int r, alg;

	join(f, sizeof(f), p->field, "key");
	fsim_cxf_mark(c, CXF_R14);
	if (p->key.len == 0) {
		fsim_cxf_report(c, CXF_R14, FSIM_SEV_ERROR, f, "decodes to no bytes: the key is a "
		    "PKCS#8 private key in DER");
		return;
	}
	if ((r = fsim_key_from_der(p->key.ptr, p->key.len, &key)) != 0) {
		if (r == FSIM_ERR_UNSUPPORTED) {
			p8_alg_name(&p->key, desc, sizeof(desc));
			fsim_cxf_mark(c, CXF_R14);
			fsim_cxf_report(c, CXF_R15, FSIM_SEV_ERROR, f, "a PKCS#8 key of algorithm %s: "
			    "no WebAuthn algorithm uses it", desc);
		} else
			fsim_cxf_report(c, CXF_R14, FSIM_SEV_ERROR, f, "%zu bytes that are not a "
			    "PKCS#8 private key (RFC 5958 DER, nothing after it)%s", p->key.len,
			    p->key.ptr[0] != 0x30 ? ": not even a DER SEQUENCE" : "");
		return;
	}
	if (!consistent(key))
		fsim_cxf_report(c, CXF_R14, FSIM_SEV_ERROR, f, "the key's public part does not "
		    "belong to its private part (OpenSSL's pairwise check fails)");
	fsim_cxf_mark(c, CXF_R15);
	key_desc(key, desc, sizeof(desc));
	if ((alg = fsim_cxf_key_alg(key)) == 0) {
		fsim_cxf_report(c, CXF_R15, FSIM_SEV_ERROR, f, "%s: no WebAuthn algorithm fidosim "
		    "knows (P-256, P-384, P-521, Ed25519, Ed448, RSA of 2048 bits or more, "
		    "ML-DSA)", desc);
		goto out;
	}
	p->alg = alg;
	r = stated_alg(c, item_ext, &p->id, f, &bad);
	if (r != 0 && !bad) {
		if (!key_fits(key, r)) {
			fsim_cxf_report(c, CXF_R15, FSIM_SEV_ERROR, f, "the item's fidosim extension "
			    "says %s (%d), but this is %s", fsim_cose_alg_name(r), r, desc);
			goto out;
		}
		p->alg = r;
		p->alg_stated = true;
	}
out:
	EVP_PKEY_free(key);
}

/* CXF-13: an RP ID as WebAuthn compares it: a lower-case ASCII domain. */
static void
judge_rp_id(cxf_ctx_t *c, const char *s, size_t n, const char *f)
{
	size_t i;

	fsim_cxf_mark(c, CXF_R13);
	if (n == 0) {
		fsim_cxf_report(c, CXF_R13, FSIM_SEV_ERROR, f, "is empty");
		return;
	}
	if (strstr(s, "://") != NULL || strchr(s, '/') != NULL || strchr(s, ':') != NULL) {
		fsim_cxf_report(c, CXF_R13, FSIM_SEV_ERROR, f, "\"%.80s\" is a URL or an origin: an "
		    "RP ID is a domain (no scheme, port or path)", s);
		return;
	}
	if (n > CXF_MAX_RP_ID || s[0] == '.' || s[n - 1] == '.' || strstr(s, "..") != NULL) {
		fsim_cxf_report(c, CXF_R13, FSIM_SEV_ERROR, f, "\"%.80s\" is not a domain name",
		    s);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 'A' && ch <= 'Z') {
			fsim_cxf_report(c, CXF_R13, FSIM_SEV_ERROR, f, "\"%.80s\" has upper-case "
			    "letters: an RP ID is compared as the browser serializes the domain, in "
			    "lower case", s);
			return;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '.')) {
			fsim_cxf_report(c, CXF_R13, FSIM_SEV_ERROR, f, "\"%.80s\": character %zu (0x%02x) "
			    "is not in a domain name (a non-ASCII name is written in its ASCII "
			    "form, xn--...)", s, i, ch);
			return;
		}
	}
}

/* A string member copied, or NULL (reported under CXF-08 when missing or mistyped). */
static char *
str_member(cxf_ctx_t *c, const json_t *j, const char *name, const char *path)
{
	const json_t *v = json_object_get(j, name);
	char f[128], *s;

	snprintf(f, sizeof(f), "%s.%s", path, name);
	fsim_cxf_mark(c, CXF_R08);
	if (v == NULL) {
		fsim_cxf_report(c, CXF_R08, FSIM_SEV_ERROR, f, "missing: a passkey has %s", name);
		return NULL;
	}
	if (!json_is_string(v)) {
		fsim_cxf_report(c, CXF_R08, FSIM_SEV_ERROR, f, "must be a string, found %s",
		    fsim_cxf_type_name(v));
		return NULL;
	}
	if ((s = fsim_strdup(json_string_value(v))) == NULL)
		c->err = FSIM_ERR_NOMEM;
	return s;
}

/* CXF-20 */
static void
judge_extensions(cxf_ctx_t *c, fsim_cxf_passkey_t *p, const json_t *j)
{
	static const char *const known[] = { "hmacCredentials", "credBlob", "largeBlob",
		"payments", NULL };
	static const char *const hknown[] = { "algorithm", "credWithUV", "credWithoutUV", NULL };
	static const char *const lknown[] = { "uncompressedSize", "data", NULL };
	const json_t *x = json_object_get(j, "fido2Extensions"), *h, *l, *v;
	fsim_blob_t uv = { 0 }, nouv = { 0 }, data = { 0 };
	char f[128], hf[128], lf[128];
	bool a, b;

	if (x == NULL)
		return;
	join(f, sizeof(f), p->field, "fido2Extensions");
	fsim_cxf_mark(c, CXF_R20);
	if (!json_is_object(x)) {
		fsim_cxf_report(c, CXF_R20, FSIM_SEV_ERROR, f, "must be an object, found %s",
		    fsim_cxf_type_name(x));
		return;
	}
	fsim_cxf_unknown_members(c, x, f, known);
	if ((h = json_object_get(x, "hmacCredentials")) != NULL) {
		join(hf, sizeof(hf), f, "hmacCredentials");
		if (!json_is_object(h))
			fsim_cxf_report(c, CXF_R20, FSIM_SEV_ERROR, hf, "must be an object, found %s",
			    fsim_cxf_type_name(h));
		else {
			fsim_cxf_unknown_members(c, h, hf, hknown);
			v = json_object_get(h, "algorithm");
			if (!json_is_string(v))
				fsim_cxf_report(c, CXF_R20, FSIM_SEV_ERROR, hf, "algorithm: must be a "
				    "string, found %s", v ? fsim_cxf_type_name(v) : "none");
			a = fsim_cxf_b64(c, h, "credWithUV", hf, CXF_R20, true, &uv);
			b = fsim_cxf_b64(c, h, "credWithoutUV", hf, CXF_R20, true, &nouv);
			if (json_is_string(v) && strcmp(json_string_value(v), "hmac-sha256") != 0) {
				p->ext_dropped = true;
				fsim_cxf_report(c, CXF_R20, FSIM_SEV_INFO, hf, "algorithm \"%.40s\": "
				    "fidosim implements hmac-sha256 only; dropped at import",
				    json_string_value(v));
			} else if (a && b && (uv.len != 32 || nouv.len != 32)) {
				p->ext_dropped = true;
				fsim_cxf_report(c, CXF_R20, FSIM_SEV_WARNING, hf, "credWithUV and "
				    "credWithoutUV are %zu and %zu bytes: hmac-secret's CredRandom is 32 "
				    "bytes (CTAP 2.1 12.5); dropped at import", uv.len, nouv.len);
			} else if (a && b && json_is_string(v)) {
				p->hmac = true;
				memcpy(p->cred_with_uv, uv.ptr, 32);
				memcpy(p->cred_without_uv, nouv.ptr, 32);
			}
		}
	}
	if (json_object_get(x, "credBlob") != NULL &&
	    fsim_cxf_b64(c, x, "credBlob", f, CXF_R20, false, &p->cred_blob) &&
	    p->cred_blob.len > FSIM_STORE_MAX_CRED_BLOB_LEN) {
		fsim_cxf_report(c, CXF_R20, FSIM_SEV_WARNING, f, "credBlob is %zu bytes: fidosim "
		    "stores at most %d; dropped at import", p->cred_blob.len,
		    FSIM_STORE_MAX_CRED_BLOB_LEN);
		fsim_blob_reset(&p->cred_blob);
		p->ext_dropped = true;
	}
	if ((l = json_object_get(x, "largeBlob")) != NULL) {
		p->ext_dropped = true;   /* fidosim keeps no large blobs */
		join(lf, sizeof(lf), f, "largeBlob");
		if (!json_is_object(l))
			fsim_cxf_report(c, CXF_R20, FSIM_SEV_ERROR, lf, "must be an object, found %s",
			    fsim_cxf_type_name(l));
		else {
			fsim_cxf_unknown_members(c, l, lf, lknown);
			v = json_object_get(l, "uncompressedSize");
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				fsim_cxf_report(c, CXF_R20, FSIM_SEV_ERROR, lf, "uncompressedSize: must "
				    "be a non-negative integer, found %s", v ? fsim_cxf_type_name(v) :
				    "none");
			(void)fsim_cxf_b64(c, l, "data", lf, CXF_R20, true, &data);
		}
	}
	if (json_is_true(json_object_get(x, "payments")))
		p->ext_dropped = true;   /* nor secure-payment-confirmation */
	if ((v = json_object_get(x, "payments")) != NULL && !json_is_boolean(v))
		fsim_cxf_report(c, CXF_R20, FSIM_SEV_ERROR, f, "payments: must be a boolean, found %s",
		    fsim_cxf_type_name(v));
	fsim_blob_reset(&uv);
	fsim_blob_reset(&nouv);
	fsim_blob_reset(&data);
}

void
fsim_cxf_read_passkey(cxf_ctx_t *c, const json_t *j, const char *field, const json_t *item_ext,
    uint64_t created)
{
	static const char *const known[] = { "type", "credentialId", "rpId", "username",
		"userDisplayName", "userHandle", "key", "fido2Extensions", NULL };
	fsim_cxf_doc_t *doc = c->doc;
	fsim_cxf_passkey_t *p;
	const json_t *k;
	size_t nerr = c->nerr;
	char f[128];

	if (doc->npk == doc->cappk) {
		size_t cap = doc->cappk ? doc->cappk * 2 : 8;
		fsim_cxf_passkey_t *nv = realloc(doc->pk, cap * sizeof(*nv));

		if (nv == NULL) {
			c->err = FSIM_ERR_NOMEM;
			return;
		}
		doc->pk = nv;
		doc->cappk = cap;
	}
	p = &doc->pk[doc->npk++];
	memset(p, 0, sizeof(*p));
	snprintf(p->field, sizeof(p->field), "%s", field);
	p->created = created;
	fsim_cxf_unknown_members(c, j, field, known);
	if (fsim_cxf_b64(c, j, "credentialId", field, CXF_R08, true, &p->id)) {
		fsim_cxf_mark(c, CXF_R11);
		if (p->id.len == 0 || p->id.len > CXF_MAX_CRED_ID)
			fsim_cxf_report(c, CXF_R11, FSIM_SEV_ERROR, join(f, sizeof(f), field, "credentialId"), "decodes to %zu bytes: a "
			    "credential ID is 1 to %d bytes", p->id.len, CXF_MAX_CRED_ID);
	}
	if ((p->rp_id = str_member(c, j, "rpId", field)) != NULL) {
		join(f, sizeof(f), field, "rpId");
		judge_rp_id(c, p->rp_id, strlen(p->rp_id), f);
	}
	p->username = str_member(c, j, "username", field);
	p->display_name = str_member(c, j, "userDisplayName", field);
	if (fsim_cxf_b64(c, j, "userHandle", field, CXF_R08, true, &p->user_handle)) {
		fsim_cxf_mark(c, CXF_R12);
		if (p->user_handle.len == 0 || p->user_handle.len > CXF_MAX_USER_HANDLE)
			fsim_cxf_report(c, CXF_R12, FSIM_SEV_ERROR, join(f, sizeof(f), field, "userHandle"), "decodes to %zu bytes: a user "
			    "handle (user.id) is 1 to %d bytes", p->user_handle.len,
			    CXF_MAX_USER_HANDLE);
	}
	k = json_object_get(j, "key");
	if (json_is_string(k) && strncmp(json_string_value(k), "-----BEGIN", 10) == 0) {
		fsim_cxf_mark(c, CXF_R08);
		fsim_cxf_report(c, CXF_R09, FSIM_SEV_ERROR, join(f, sizeof(f), field, "key"), "PEM text, not base64url: the key is the DER bytes of "
		    "the PKCS#8 key, base64url-encoded");
	} else if (fsim_cxf_b64(c, j, "key", field, CXF_R08, true, &p->key))
		judge_key(c, p, item_ext);
	judge_extensions(c, p, j);
	p->ok = c->nerr == nerr;
}

static int
by_id(const void *a, const void *b)
{
	const fsim_cxf_passkey_t *x = *(const fsim_cxf_passkey_t *const *)a;
	const fsim_cxf_passkey_t *y = *(const fsim_cxf_passkey_t *const *)b;
	size_t n = x->id.len < y->id.len ? x->id.len : y->id.len;
	int r = n > 0 ? memcmp(x->id.ptr, y->id.ptr, n) : 0;

	if (r != 0)
		return r;
	return x->id.len < y->id.len ? -1 : x->id.len > y->id.len;
}

/* CXF-18: credential IDs are unique in the document. */
static void
duplicates(cxf_ctx_t *c)
{
	fsim_cxf_doc_t *doc = c->doc;
	fsim_cxf_passkey_t **v;
	size_t i;

	fsim_cxf_mark(c, CXF_R18);
	if (doc->npk < 2)
		return;
	if ((v = calloc(doc->npk, sizeof(*v))) == NULL) {
		c->err = FSIM_ERR_NOMEM;
		return;
	}
	for (i = 0; i < doc->npk; i++)
		v[i] = &doc->pk[i];
	qsort(v, doc->npk, sizeof(*v), by_id);
	for (i = 1; i < doc->npk; i++)
		if (v[i]->id.len > 0 && by_id(&v[i - 1], &v[i]) == 0) {
			/* report the later one in document order */
			fsim_cxf_passkey_t *a = v[i - 1] < v[i] ? v[i - 1] : v[i];
			fsim_cxf_passkey_t *b = v[i - 1] < v[i] ? v[i] : v[i - 1];

			fsim_cxf_report(c, CXF_R18, FSIM_SEV_ERROR, b->field, "the same credentialId "
			    "as %s: one credential is exported once", a->field);
			b->ok = false;
		}
	free(v);
}

/* CXF-15, CXF-16, CXF-17 against what relying parties recorded. */
static void
against_records(cxf_ctx_t *c)
{
	const fsim_cxf_known_t *k;
	fsim_cxf_passkey_t *p;
	fsim_cose_key_t *mine = NULL, *theirs = NULL;
	EVP_PKEY *key = NULL;
	char f[128], idb[32];
	size_t i, j;

	if (c->o->n_known == 0)
		return;
	fsim_cxf_mark(c, CXF_R16);
	fsim_cxf_mark(c, CXF_R17);
	for (i = 0; i < c->o->n_known; i++) {
		k = &c->o->known[i];
		for (j = 0, p = NULL; j < c->doc->npk && p == NULL; j++)
			if (fsim_blob_eq(&c->doc->pk[j].id, k->id, k->id_len))
				p = &c->doc->pk[j];
		if (p == NULL) {
			if (k->sign_count > 0) {
				snprintf(idb, sizeof(idb), "record %zu", i);
				fsim_cxf_report(c, CXF_R17, FSIM_SEV_INFO, idb, "its credential (signCount "
				    "%u at the RP) is not in the export, as CXF wants for a counted "
				    "passkey", k->sign_count);
			}
			continue;
		}
		if (k->sign_count > 0) {
			fsim_cxf_report(c, CXF_R17, FSIM_SEV_ERROR, p->field, "the RP's record of this "
			    "credential has signCount %u: a passkey whose signature counter is not zero "
			    "is excluded from an export (the importer restarts it at 0, below what the "
			    "RP stored)", k->sign_count);
			p->ok = false;
		}
		join(f, sizeof(f), p->field, "key");
		if (p->key.len == 0 || fsim_key_from_der(p->key.ptr, p->key.len, &key) != 0 ||
		    k->pub == NULL)
			continue;
		if (!key_fits(key, k->alg)) {
			fsim_cxf_report(c, CXF_R15, FSIM_SEV_ERROR, f, "the credential record says %s "
			    "(%d), which this key cannot sign with", fsim_cose_alg_name(k->alg) ?
			    fsim_cose_alg_name(k->alg) : "an unknown algorithm", k->alg);
			p->ok = false;
		} else {
			p->alg = k->alg;
			p->alg_stated = true;
			if (fsim_cose_key_from_pkey(key, k->alg, &mine) != 0 ||
			    fsim_cose_key_from_pkey(k->pub, k->alg, &theirs) != 0 ||
			    !fsim_cose_key_equal(mine, theirs)) {
				fsim_cxf_report(c, CXF_R16, FSIM_SEV_ERROR, f, "the key's public part is "
				    "not the public key the RP recorded at registration: the passkey "
				    "would not verify there");
				p->ok = false;
			}
		}
		ERR_clear_error();
		fsim_cose_key_free(&mine);
		fsim_cose_key_free(&theirs);
		EVP_PKEY_free(key);
		key = NULL;
	}
}

void
fsim_cxf_cross_checks(cxf_ctx_t *c)
{
	duplicates(c);
	if (c->err == 0)
		against_records(c);
}
