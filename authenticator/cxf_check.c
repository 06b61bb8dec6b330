/*
 * cxf_check.c — reading a CXF document (FSIM_CXF_DRAFT) and judging its
 * structure rule by rule: the JSON itself, the header, accounts and their
 * collections, items, credentials by type; the passkeys are cxf_passkey.c's.
 * Every problem is reported with the JSON path of the member at fault and
 * the reading goes on, so that one pass names all of them.
 *
 * The shapes follow the Review Draft's data structures as Bitwarden's
 * credential-exchange-format crate (0.4.0, src/lib.rs, passkey.rs) types
 * them: Header {version {major, minor}, exporterRpId, exporterDisplayName,
 * timestamp, accounts}; Account {id, username, email, fullName?,
 * collections, items, extensions?}; Item {id, creationAt?, modifiedAt?,
 * title, subtitle?, favorite?, scope?, credentials, tags?, extensions?};
 * a credential is an object tagged by "type".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf_int.h"
#include "core/b64.h"

/* Opaque IDs (account, collection, item) are at most 64 bytes (CXF Account.id, Item.id). */
#define CXF_MAX_ID 64

/* path + "." + name, or path + "[i]", into buf. */
static const char *
sub(char *buf, size_t cap, const char *path, const char *name)
{
	/* a path too long for a diagnostic is cut (the diagnostic's field is 128 bytes) */
	if (snprintf(buf, cap, "%s%s%s", path, path[0] ? "." : "", name) < 0)
		buf[0] = '\0';
	return buf;
}

static const char *
idx(char *buf, size_t cap, const char *path, const char *name, size_t i)
{
	if (snprintf(buf, cap, "%s%s%s[%zu]", path, path[0] ? "." : "", name, i) < 0)
		buf[0] = '\0';
	return buf;
}

/* A member of the wanted JSON type, or NULL (reported under rule when required or mistyped). */
static const json_t *
member(cxf_ctx_t *c, const json_t *obj, const char *name, json_type want, const char *what,
    bool required, const char *path, int rule)
{
	const json_t *v = json_object_get(obj, name);
	char f[128];

	fsim_cxf_mark(c, rule);
	if (v == NULL) {
		if (required)
			fsim_cxf_report(c, rule, FSIM_SEV_ERROR, sub(f, sizeof(f), path, name),
			    "missing: %s is required here", what);
		return NULL;
	}
	if (json_typeof(v) != want && !(want == JSON_TRUE && json_is_boolean(v))) {
		fsim_cxf_report(c, rule, FSIM_SEV_ERROR, sub(f, sizeof(f), path, name),
		    "must be %s, found %s", what, fsim_cxf_type_name(v));
		return NULL;
	}
	return v;
}

/* A non-negative integer member (UNIX seconds), or false. */
static bool
uint_member(cxf_ctx_t *c, const json_t *obj, const char *name, bool required,
    const char *path, int rule, uint64_t *out)
{
	const json_t *v = member(c, obj, name, JSON_INTEGER, "an integer (UNIX seconds)",
	    required, path, rule);
	char f[128];

	if (v == NULL)
		return false;
	if (json_integer_value(v) < 0) {
		fsim_cxf_report(c, rule, FSIM_SEV_ERROR, sub(f, sizeof(f), path, name),
		    "must not be negative, found %lld", (long long)json_integer_value(v));
		return false;
	}
	*out = (uint64_t)json_integer_value(v);
	return true;
}

bool
fsim_cxf_b64(cxf_ctx_t *c, const json_t *obj, const char *name, const char *path,
    int type_rule, bool required, fsim_blob_t *out)
{
	const json_t *v = member(c, obj, name, JSON_STRING, "a base64url string", required,
	    path, type_rule);
	const char *s;
	size_t n, pad = 0;
	char f[128];

	if (v == NULL)
		return false;
	sub(f, sizeof(f), path, name);
	s = json_string_value(v);
	n = json_string_length(v);
	fsim_cxf_mark(c, CXF_R09);
	fsim_cxf_mark(c, CXF_R10);
	while (pad < 2 && n > pad && s[n - pad - 1] == '=')
		pad++;
	fsim_blob_reset(out);
	if (fsim_b64url_decode(s, n - pad, out, NULL, NULL) != 0) {
		size_t i = strcspn(s, "+/ \t\r\n=");

		if (c->d != NULL && c->d->oom)
			c->err = FSIM_ERR_NOMEM;
		if (i < n && (s[i] == '+' || s[i] == '/'))
			fsim_cxf_report(c, CXF_R09, FSIM_SEV_ERROR, f, "standard base64 ('%c' at "
			    "character %zu), not base64url (RFC 4648 section 5: '-' and '_')",
			    s[i], i);
		else if (i < n)
			fsim_cxf_report(c, CXF_R09, FSIM_SEV_ERROR, f, "not base64url: %s at "
			    "character %zu", s[i] == '=' ? "'=' inside the value" :
			    "whitespace", i);
		else
			fsim_cxf_report(c, CXF_R09, FSIM_SEV_ERROR, f, "not base64url (%zu "
			    "characters: a length of 4k+1, a character outside A-Z a-z 0-9 - _, or "
			    "non-zero trailing bits)", n);
		return false;
	}
	if (pad > 0)
		fsim_cxf_report(c, CXF_R10, FSIM_SEV_WARNING, f, "ends with %zu '=' padding "
		    "character%s: base64url here has none (read anyway, as the Bitwarden crate "
		    "does)", pad, pad > 1 ? "s" : "");
	return true;
}

/* An opaque ID (account, collection, item): base64url of 1..64 bytes. */
static bool
opaque_id(cxf_ctx_t *c, const json_t *obj, const char *path, int rule, fsim_blob_t *out)
{
	char f[128];

	if (!fsim_cxf_b64(c, obj, "id", path, rule, true, out))
		return false;
	if (out->len == 0 || out->len > CXF_MAX_ID) {
		fsim_cxf_report(c, rule, FSIM_SEV_ERROR, sub(f, sizeof(f), path, "id"),
		    "decodes to %zu bytes: an id is 1 to %d bytes", out->len, CXF_MAX_ID);
		fsim_blob_reset(out);
		return false;
	}
	return true;
}

/* IDs seen in one scope, for CXF-19. */
typedef struct idset {
	fsim_blob_t *v;
	size_t n;
} idset_t;

static void
idset_clear(idset_t *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		fsim_blob_reset(&s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Record id (taking it) and report it when already seen. */
static void
idset_add(cxf_ctx_t *c, idset_t *s, fsim_blob_t *id, const char *field, const char *what)
{
	fsim_blob_t *nv;
	size_t i;

	fsim_cxf_mark(c, CXF_R19);
	for (i = 0; i < s->n; i++)
		if (fsim_blob_eq(&s->v[i], id->ptr, id->len)) {
			fsim_cxf_report(c, CXF_R19, FSIM_SEV_ERROR, field, "the same id as %s "
			    "number %zu: an id identifies one %s", what, i, what);
			fsim_blob_reset(id);
			return;
		}
	if ((nv = realloc(s->v, (s->n + 1) * sizeof(*nv))) == NULL) {
		c->err = FSIM_ERR_NOMEM;
		fsim_blob_reset(id);
		return;
	}
	s->v = nv;
	s->v[s->n++] = *id;
	memset(id, 0, sizeof(*id));
}

/* Extensions (Account, Collection, Item): an array of objects with a string name. */
static void
extensions(cxf_ctx_t *c, const json_t *obj, const char *path, int rule)
{
	const json_t *a = member(c, obj, "extensions", JSON_ARRAY, "an array of extensions",
	    false, path, rule), *e, *n;
	char f[128];
	size_t i;

	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		e = json_array_get(a, i);
		idx(f, sizeof(f), path, "extensions", i);
		if (!json_is_object(e) || !json_is_string(n = json_object_get(e, "name"))) {
			fsim_cxf_report(c, rule, FSIM_SEV_ERROR, f, "an extension is an object with "
			    "a string name, found %s", json_is_object(e) ? "no name" :
			    fsim_cxf_type_name(e));
			continue;
		}
		if (strcmp(json_string_value(n), "shared") != 0 &&
		    strcmp(json_string_value(n), "fidosim") != 0)
			fsim_cxf_report(c, CXF_R21, FSIM_SEV_INFO, f, "extension \"%.60s\" is not "
			    "one %s defines: kept and ignored", json_string_value(n), FSIM_CXF_DRAFT);
	}
}

static void
count_type(cxf_ctx_t *c, const char *type)
{
	cxf_type_count_t *nv;
	fsim_cxf_doc_t *doc = c->doc;
	size_t i;

	for (i = 0; i < doc->ntypes; i++)
		if (strcmp(doc->types[i].type, type) == 0) {
			doc->types[i].n++;
			return;
		}
	if ((nv = realloc(doc->types, (doc->ntypes + 1) * sizeof(*nv))) == NULL) {
		c->err = FSIM_ERR_NOMEM;
		return;
	}
	doc->types = nv;
	if ((doc->types[doc->ntypes].type = fsim_strdup(type)) == NULL) {
		c->err = FSIM_ERR_NOMEM;
		return;
	}
	doc->types[doc->ntypes++].n = 1;
}

static void
keep_other(cxf_ctx_t *c, const json_t *cred, const char *type, const json_t *account,
    const json_t *item)
{
	fsim_cxf_doc_t *doc = c->doc;
	cxf_other_t *nv;

	count_type(c, type);
	if (doc->nothers == doc->capothers) {
		size_t cap = doc->capothers ? doc->capothers * 2 : 8;

		if ((nv = realloc(doc->others, cap * sizeof(*nv))) == NULL) {
			c->err = FSIM_ERR_NOMEM;
			return;
		}
		doc->others = nv;
		doc->capothers = cap;
	}
	nv = &doc->others[doc->nothers++];
	nv->cred = cred;
	nv->type = type;
	nv->account_id = json_string_value(json_object_get(account, "id"));
	nv->item_id = json_string_value(json_object_get(item, "id"));
	nv->title = json_string_value(json_object_get(item, "title"));
}

/* Credential types the draft defines besides passkey (Bitwarden crate, Credential enum). */
static const char *const known_types[] = {
	"address", "api-key", "basic-auth", "credit-card", "custom-fields", "drivers-license",
	"file", "generated-password", "identity-document", "item-reference", "note",
	"passport", "person-name", "ssh-key", "totp", "wifi", NULL,
};

static void
read_item(cxf_ctx_t *c, const json_t *account, const json_t *item, const char *path,
    idset_t *items)
{
	static const char *const known[] = { "id", "creationAt", "modifiedAt", "title",
		"subtitle", "favorite", "scope", "credentials", "tags", "extensions", NULL };
	const json_t *creds, *cr, *t, *tags, *ext;
	fsim_blob_t id = { 0 };
	uint64_t created = 0, u;
	char f[128];
	size_t i, k;

	fsim_cxf_mark(c, CXF_R06);
	if (!json_is_object(item)) {
		fsim_cxf_report(c, CXF_R06, FSIM_SEV_ERROR, path, "an item is an object, found %s",
		    fsim_cxf_type_name(item));
		return;
	}
	c->doc->items++;
	if (opaque_id(c, item, path, CXF_R06, &id))
		idset_add(c, items, &id, sub(f, sizeof(f), path, "id"), "item of this account");
	(void)uint_member(c, item, "creationAt", false, path, CXF_R06, &created);
	(void)uint_member(c, item, "modifiedAt", false, path, CXF_R06, &u);
	(void)member(c, item, "title", JSON_STRING, "a string", true, path, CXF_R06);
	(void)member(c, item, "subtitle", JSON_STRING, "a string", false, path, CXF_R06);
	(void)member(c, item, "favorite", JSON_TRUE, "a boolean", false, path, CXF_R06);
	(void)member(c, item, "scope", JSON_OBJECT, "an object (urls, androidApps)", false,
	    path, CXF_R06);
	if ((tags = member(c, item, "tags", JSON_ARRAY, "an array of strings", false, path,
	    CXF_R06)) != NULL)
		for (i = 0; i < json_array_size(tags); i++)
			if (!json_is_string(json_array_get(tags, i)))
				fsim_cxf_report(c, CXF_R06, FSIM_SEV_ERROR, idx(f, sizeof(f), path,
				    "tags", i), "a tag is a string, found %s",
				    fsim_cxf_type_name(json_array_get(tags, i)));
	extensions(c, item, path, CXF_R06);
	fsim_cxf_unknown_members(c, item, path, known);
	ext = json_object_get(item, "extensions");
	if ((creds = member(c, item, "credentials", JSON_ARRAY, "an array of credentials",
	    true, path, CXF_R06)) == NULL)
		return;
	for (i = 0; i < json_array_size(creds) && c->err == 0; i++) {
		cr = json_array_get(creds, i);
		idx(f, sizeof(f), path, "credentials", i);
		fsim_cxf_mark(c, CXF_R07);
		if (!json_is_object(cr) || !json_is_string(t = json_object_get(cr, "type"))) {
			fsim_cxf_report(c, CXF_R07, FSIM_SEV_ERROR, f, "a credential is an object "
			    "with a string type, found %s", json_is_object(cr) ? (json_object_get(cr,
			    "type") ? "a type that is not a string" : "no type") :
			    fsim_cxf_type_name(cr));
			continue;
		}
		if (strcmp(json_string_value(t), "passkey") == 0) {
			fsim_cxf_read_passkey(c, cr, f, ext, created);
			continue;
		}
		for (k = 0; known_types[k] != NULL; k++)
			if (strcmp(known_types[k], json_string_value(t)) == 0)
				break;
		if (known_types[k] == NULL)
			fsim_cxf_report(c, CXF_R21, FSIM_SEV_INFO, f, "credential type \"%.60s\" is "
			    "not one %s defines: kept and ignored", json_string_value(t),
			    FSIM_CXF_DRAFT);
		keep_other(c, cr, json_string_value(t), account, item);
	}
}

static void
read_collection(cxf_ctx_t *c, const json_t *col, const char *path, idset_t *ids, int depth)
{
	static const char *const known[] = { "id", "creationAt", "modifiedAt", "title",
		"subtitle", "items", "subCollections", "extensions", NULL };
	const json_t *items, *li, *subs;
	fsim_blob_t id = { 0 };
	uint64_t u;
	char f[128];
	size_t i;

	fsim_cxf_mark(c, CXF_R05);
	if (!json_is_object(col)) {
		fsim_cxf_report(c, CXF_R05, FSIM_SEV_ERROR, path, "a collection is an object, "
		    "found %s", fsim_cxf_type_name(col));
		return;
	}
	if (opaque_id(c, col, path, CXF_R05, &id))
		idset_add(c, ids, &id, sub(f, sizeof(f), path, "id"), "collection of this account");
	(void)uint_member(c, col, "creationAt", false, path, CXF_R05, &u);
	(void)uint_member(c, col, "modifiedAt", false, path, CXF_R05, &u);
	(void)member(c, col, "title", JSON_STRING, "a string", true, path, CXF_R05);
	(void)member(c, col, "subtitle", JSON_STRING, "a string", false, path, CXF_R05);
	extensions(c, col, path, CXF_R05);
	fsim_cxf_unknown_members(c, col, path, known);
	if ((items = member(c, col, "items", JSON_ARRAY, "an array of linked items", true, path,
	    CXF_R05)) != NULL)
		for (i = 0; i < json_array_size(items); i++) {
			fsim_blob_t b = { 0 };

			li = json_array_get(items, i);
			idx(f, sizeof(f), path, "items", i);
			if (!json_is_object(li)) {
				fsim_cxf_report(c, CXF_R05, FSIM_SEV_ERROR, f, "a linked item is an "
				    "object, found %s", fsim_cxf_type_name(li));
				continue;
			}
			(void)fsim_cxf_b64(c, li, "item", f, CXF_R05, true, &b);
			(void)fsim_cxf_b64(c, li, "account", f, CXF_R05, false, &b);
			fsim_blob_reset(&b);
		}
	if ((subs = member(c, col, "subCollections", JSON_ARRAY, "an array of collections",
	    false, path, CXF_R05)) == NULL)
		return;
	if (depth >= 16) {
		fsim_cxf_report(c, CXF_R05, FSIM_SEV_ERROR, path, "collections nested deeper than "
		    "16 levels");
		return;
	}
	for (i = 0; i < json_array_size(subs); i++)
		read_collection(c, json_array_get(subs, i), idx(f, sizeof(f), path,
		    "subCollections", i), ids, depth + 1);
}

static void
read_account(cxf_ctx_t *c, const json_t *a, const char *path, idset_t *accounts)
{
	static const char *const known[] = { "id", "username", "email", "fullName",
		"collections", "items", "extensions", NULL };
	const json_t *cols, *items;
	idset_t col_ids = { NULL, 0 }, item_ids = { NULL, 0 };
	fsim_blob_t id = { 0 };
	char f[128];
	size_t i;

	fsim_cxf_mark(c, CXF_R05);
	if (!json_is_object(a)) {
		fsim_cxf_report(c, CXF_R05, FSIM_SEV_ERROR, path, "an account is an object, found %s",
		    fsim_cxf_type_name(a));
		return;
	}
	c->doc->accounts++;
	if (opaque_id(c, a, path, CXF_R05, &id))
		idset_add(c, accounts, &id, sub(f, sizeof(f), path, "id"), "account");
	(void)member(c, a, "username", JSON_STRING, "a string (\"\" when the user set none)",
	    true, path, CXF_R05);
	(void)member(c, a, "email", JSON_STRING, "a string", true, path, CXF_R05);
	(void)member(c, a, "fullName", JSON_STRING, "a string", false, path, CXF_R05);
	extensions(c, a, path, CXF_R05);
	fsim_cxf_unknown_members(c, a, path, known);
	if ((cols = member(c, a, "collections", JSON_ARRAY, "an array of collections", true,
	    path, CXF_R05)) != NULL)
		for (i = 0; i < json_array_size(cols) && c->err == 0; i++)
			read_collection(c, json_array_get(cols, i), idx(f, sizeof(f), path,
			    "collections", i), &col_ids, 0);
	if ((items = member(c, a, "items", JSON_ARRAY, "an array of items", true, path,
	    CXF_R05)) != NULL)
		for (i = 0; i < json_array_size(items) && c->err == 0; i++)
			read_item(c, a, json_array_get(items, i), idx(f, sizeof(f), path, "items", i),
			    &item_ids);
	idset_clear(&col_ids);
	idset_clear(&item_ids);
}

static void
read_header(cxf_ctx_t *c, const json_t *root)
{
	static const char *const known[] = { "version", "exporterRpId", "exporterDisplayName",
		"timestamp", "accounts", NULL };
	static const char *const vknown[] = { "major", "minor", NULL };
	const json_t *v, *maj, *min, *accounts;
	idset_t ids = { NULL, 0 };
	char f[128];
	size_t i;

	fsim_cxf_mark(c, CXF_R03);
	if ((v = member(c, root, "version", JSON_OBJECT, "an object {major, minor}", true, "",
	    CXF_R03)) != NULL) {
		maj = member(c, v, "major", JSON_INTEGER, "an integer", true, "version", CXF_R03);
		min = member(c, v, "minor", JSON_INTEGER, "an integer", true, "version", CXF_R03);
		fsim_cxf_unknown_members(c, v, "version", vknown);
		fsim_cxf_mark(c, CXF_R04);
		if (maj != NULL) {
			json_int_t m = json_integer_value(maj);

			c->doc->major = m < 0 || m > 255 ? -1 : (int)m;
			if (m != FSIM_CXF_VERSION_MAJOR)
				fsim_cxf_report(c, CXF_R04, FSIM_SEV_ERROR, "version.major", "%lld: "
				    "%s defines major version %d (another major version is not "
				    "compatible)", (long long)m, FSIM_CXF_DRAFT, FSIM_CXF_VERSION_MAJOR);
		}
		if (min != NULL) {
			json_int_t m = json_integer_value(min);

			c->doc->minor = m < 0 || m > 255 ? -1 : (int)m;
			if (m < 0 || m > 255)
				fsim_cxf_report(c, CXF_R04, FSIM_SEV_ERROR, "version.minor", "%lld: "
				    "a version number is 0 to 255", (long long)m);
			else if (m > FSIM_CXF_VERSION_MINOR)
				fsim_cxf_report(c, CXF_R04, FSIM_SEV_INFO, "version.minor", "%lld: a "
				    "newer minor version than %s's %d (additive: read as %d.%d)",
				    (long long)m, FSIM_CXF_DRAFT, FSIM_CXF_VERSION_MINOR,
				    FSIM_CXF_VERSION_MAJOR, FSIM_CXF_VERSION_MINOR);
		}
	}
	if ((v = member(c, root, "exporterRpId", JSON_STRING, "a string (the exporter's RP ID)",
	    true, "", CXF_R03)) != NULL) {
		c->doc->exporter = json_string_value(v);
		if (json_string_length(v) == 0)
			fsim_cxf_report(c, CXF_R03, FSIM_SEV_ERROR, "exporterRpId", "is empty: the "
			    "exporting app names itself by an RP ID");
	}
	if ((v = member(c, root, "exporterDisplayName", JSON_STRING, "a string", true, "",
	    CXF_R03)) != NULL)
		c->doc->exporter_name = json_string_value(v);
	(void)uint_member(c, root, "timestamp", true, "", CXF_R03, &c->doc->timestamp);
	fsim_cxf_unknown_members(c, root, "", known);
	if ((accounts = member(c, root, "accounts", JSON_ARRAY, "an array of accounts", true,
	    "", CXF_R03)) == NULL)
		return;
	for (i = 0; i < json_array_size(accounts) && c->err == 0; i++)
		read_account(c, json_array_get(accounts, i), idx(f, sizeof(f), "", "accounts", i),
		    &ids);
	idset_clear(&ids);
}

/* What the bytes are when they are not JSON text at all, or NULL. */
static const char *
not_json(const uint8_t *p, size_t n)
{
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' && (p[2] == 3 || p[2] == 5) &&
	    (p[3] == 4 || p[3] == 6))
		return "a ZIP archive, not a CXF JSON document: extract the JSON document from it "
		    "first";
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip-compressed data, not a CXF JSON document: decompress it first";
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return "JSON text must not start with a byte order mark (RFC 8259 section 8.1)";
	return NULL;
}

static void
parse(cxf_ctx_t *c, const uint8_t *data, size_t len)
{
	json_error_t err;
	const char *what;

	fsim_cxf_mark(c, CXF_R01);
	if (len > FSIM_CXF_MAX_LEN) {
		fsim_cxf_report(c, CXF_R01, FSIM_SEV_ERROR, "", "the document is %zu bytes: fidosim "
		    "reads CXF documents of at most %u bytes (16 MiB)", len, FSIM_CXF_MAX_LEN);
		return;
	}
	if (len == 0) {
		fsim_cxf_report(c, CXF_R01, FSIM_SEV_ERROR, "", "the document is empty");
		return;
	}
	if ((what = not_json(data, len)) != NULL) {
		fsim_cxf_report(c, CXF_R01, FSIM_SEV_ERROR, "", "%s", what);
		return;
	}
	c->doc->root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
	if (c->doc->root == NULL) {
		if (json_error_code(&err) == json_error_out_of_memory) {
			c->err = FSIM_ERR_NOMEM;
			return;
		}
		if (json_error_code(&err) == json_error_duplicate_key) {
			fsim_cxf_report(c, CXF_R02, FSIM_SEV_ERROR, "", "at line %d, column %d (byte "
			    "%d): %s; a member given twice is ambiguous", err.line, err.column,
			    err.position, err.text);
			return;
		}
		fsim_cxf_report(c, CXF_R01, FSIM_SEV_ERROR, "", "not JSON at line %d, column %d "
		    "(byte %d of %zu): %s%s", err.line, err.column, err.position, len, err.text,
		    json_error_code(&err) == json_error_premature_end_of_input ?
		    " (truncated?)" : "");
		return;
	}
	fsim_cxf_mark(c, CXF_R02);
	if (!json_is_object(c->doc->root)) {
		fsim_cxf_report(c, CXF_R01, FSIM_SEV_ERROR, "", "a CXF document is a JSON object "
		    "(the header), found %s", fsim_cxf_type_name(c->doc->root));
		return;
	}
	read_header(c, c->doc->root);
	if (c->err == 0)
		fsim_cxf_cross_checks(c);
}

int
fsim_cxf_check(const uint8_t *data, size_t len, const fsim_cxf_check_opts_t *o,
    fsim_cxf_doc_t **out, fsim_diags_t *d)
{
	fsim_cxf_check_opts_t none = { NULL, 0 };
	cxf_ctx_t c;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (data == NULL && len > 0 && len <= FSIM_CXF_MAX_LEN)
		return FSIM_ERR_ARG;
	memset(&c, 0, sizeof(c));
	if ((c.doc = calloc(1, sizeof(*c.doc))) == NULL)
		return FSIM_ERR_NOMEM;
	c.d = d;
	c.o = o != NULL ? o : &none;
	c.doc->major = c.doc->minor = -1;
	parse(&c, data, len);
	if (c.err != 0 || (d != NULL && d->oom)) {
		fsim_cxf_doc_free(&c.doc);
		return FSIM_ERR_NOMEM;
	}
	*out = c.doc;
	return FSIM_OK;
}
