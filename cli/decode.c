/*
 * decode.c — `fidosim decode`: explain any WebAuthn blob.
 *
 * Accepts a RegistrationResponseJSON / AuthenticationResponseJSON (bare, or
 * inside a test-vector file), an attestationObject, authenticator data,
 * clientDataJSON, a COSE_Key or a credential record; given as raw JSON,
 * base64url, base64, hex or raw bytes. Detects which, parses strictly, and
 * prints a breakdown. Exit 0 when everything parsed, 1 when the content is
 * malformed (each error names the field, the byte offset and the rule),
 * 2 on usage or I/O errors.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/describe.h"
#include "cli/render.h"

#define DECODE_MAX_INPUT (16u << 20)

static const char decode_usage[] =
"usage: fidosim decode [--json] [--type TYPE] [--aaguid-names FILE] [FILE|-]\n"
"\n"
"Explain a WebAuthn blob: a registration or authentication response JSON\n"
"(as PublicKeyCredential.toJSON() gives it, or a test-vector file holding\n"
"one), an attestationObject, authenticator data, clientDataJSON, a COSE_Key\n"
"or a credential record. Binary input may be base64url, base64, hex or raw;\n"
"the kind and the encoding are detected. Reads standard input when FILE is\n"
"absent or '-'.\n"
"\n"
"options:\n"
"  --json               one JSON object on stdout instead of text\n"
"  --type TYPE          skip detection: response, attestationObject,\n"
"                       authenticatorData, clientDataJSON, coseKey\n"
"  --aaguid-names FILE  provider-name list (JSON object AAGUID -> name);\n"
"                       default: $FIDOSIM_AAGUID_NAMES, the installed copy,\n"
"                       or the built-in copy\n"
"  -h, --help           this text\n"
"\n"
"exit status: 0 parsed; 1 malformed content (the message names the field,\n"
"the byte offset and the rule); 2 usage or I/O error.\n"
"\n"
"examples:\n"
"  fidosim decode response.json\n"
"  echo o2NmbXRkbm9uZ2... | fidosim decode\n"
"  fidosim decode --json --type authenticatorData authdata.hex\n";

enum kind {
	K_AUTO = 0, K_RESPONSE, K_ATTOBJ, K_AUTHDATA, K_CLIENTDATA, K_COSE,
};

struct decode_ctx {
	fsim_diags_t diags;
	fsim_aaguid_names_t *names;
	json_t *model;
};

static enum kind
kind_from_name(const char *s)
{
	static const struct { const char *n; enum kind k; } t[] = {
		{ "response", K_RESPONSE }, { "attestationObject", K_ATTOBJ },
		{ "authenticatorData", K_AUTHDATA }, { "authData", K_AUTHDATA },
		{ "clientDataJSON", K_CLIENTDATA }, { "coseKey", K_COSE },
		{ "cose", K_COSE },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].n) == 0)
			return t[i].k;
	return K_AUTO;
}

static void
set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v != NULL ? v : json_null());
}

/* ---- binary blobs ---- */

static int
decode_attobj(struct decode_ctx *c, const uint8_t *p, size_t n, json_t *into)
{
	fsim_attobj_t *ao = NULL;
	int r = fsim_attobj_parse(p, n, &ao, &c->diags);

	if (ao != NULL)
		set(into, "attestationObject", fsim_describe_attobj(ao, c->names));
	fsim_attobj_free(&ao);
	return r;
}

static int
decode_authdata(struct decode_ctx *c, const uint8_t *p, size_t n, json_t *into)
{
	fsim_authdata_t *ad = NULL;
	int r = fsim_authdata_parse(p, n, &ad, &c->diags);

	if (ad != NULL)
		set(into, "authenticatorData", fsim_describe_authdata(ad, c->names));
	fsim_authdata_free(&ad);
	return r;
}

static int
decode_clientdata(struct decode_ctx *c, const uint8_t *p, size_t n, json_t *into)
{
	fsim_clientdata_t *cd = NULL;
	int r = fsim_clientdata_parse(p, n, &cd, &c->diags);

	if (cd != NULL)
		set(into, "clientDataJSON", fsim_describe_clientdata(cd));
	fsim_clientdata_free(&cd);
	return r;
}

static int
decode_cose(struct decode_ctx *c, const uint8_t *p, size_t n, json_t *into)
{
	fsim_cose_key_t *k = NULL;
	int r = fsim_cose_key_parse(p, n, &k, &c->diags);

	if (k != NULL)
		set(into, "coseKey", fsim_describe_cose(k));
	fsim_cose_key_free(&k);
	return r;
}

/* Which binary structure is this? Looks only at the first bytes. */
static enum kind
sniff_binary(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	if (i < n && p[i] == '{')
		return K_CLIENTDATA;
	/* A CBOR map whose first key is one of the attestation object's. */
	if (n >= 5 && (p[0] & 0xe0) == 0xa0) {
		if ((p[1] == 0x63 && memcmp(p + 2, "fmt", 3) == 0) ||
		    (n >= 9 && p[1] == 0x67 && memcmp(p + 2, "attStmt", 7) == 0) ||
		    (n >= 10 && p[1] == 0x68 && memcmp(p + 2, "authData", 8) == 0))
			return K_ATTOBJ;
		/* COSE_Key: a small map whose first key is label 1 (kty) or 3 (alg). */
		if (p[0] >= 0xa2 && p[0] <= 0xa8 && (p[1] == 0x01 || p[1] == 0x03))
			return K_COSE;
	}
	return K_AUTHDATA;
}

static int
decode_binary(struct decode_ctx *c, enum kind k, const uint8_t *p, size_t n, json_t *into)
{
	if (k == K_AUTO)
		k = sniff_binary(p, n);
	switch (k) {
	case K_ATTOBJ:
		set(into, "kind", json_string("attestationObject"));
		return decode_attobj(c, p, n, into);
	case K_CLIENTDATA:
		set(into, "kind", json_string("clientDataJSON"));
		return decode_clientdata(c, p, n, into);
	case K_COSE:
		set(into, "kind", json_string("COSE_Key"));
		return decode_cose(c, p, n, into);
	default:
		set(into, "kind", json_string("authenticatorData"));
		return decode_authdata(c, p, n, into);
	}
}

/* ---- responses (JSON) ---- */

/* Decode a base64url member into a nested structure with its own field prefix. */
static int
nested(struct decode_ctx *c, const char *field, const fsim_blob_t *b,
    int (*fn)(struct decode_ctx *, const uint8_t *, size_t, json_t *), json_t *into)
{
	fsim_diags_frame_t f;
	int r;

	fsim_diags_push(&c->diags, &f, 0, field);
	r = fn(c, b->ptr, b->len, into);
	fsim_diags_pop(&c->diags, &f);
	return r;
}

/* JSON-03: the copies a registration response carries must agree with authData. */
static void
check_reg_copies(struct decode_ctx *c, const fsim_reg_response_t *rr)
{
	fsim_attobj_t *ao = NULL;
	const fsim_authdata_t *ad;

	if (fsim_attobj_parse(rr->attestation_object.ptr, rr->attestation_object.len,
	    &ao, NULL) != 0 || (ad = ao->auth_data) == NULL)
		goto out;
	if (rr->has_authenticator_data &&
	    !fsim_blob_eq(&ao->auth_data_raw, rr->authenticator_data.ptr,
	    rr->authenticator_data.len))
		fsim_diags_add(&c->diags, FSIM_SEV_WARNING, "JSON-03",
		    "response.authenticatorData", FSIM_NO_OFFSET,
		    "differs from attestationObject.authData");
	if (ad->cose_key != NULL && rr->has_public_key_alg &&
	    rr->public_key_alg != fsim_cose_key_alg(ad->cose_key))
		fsim_diags_add(&c->diags, FSIM_SEV_WARNING, "JSON-03",
		    "response.publicKeyAlgorithm", FSIM_NO_OFFSET,
		    "is %lld but the credential public key's alg is %d",
		    (long long)rr->public_key_alg, fsim_cose_key_alg(ad->cose_key));
	if (ad->cose_key != NULL && rr->has_public_key) {
		fsim_cose_key_t *spki = NULL;
		if (fsim_cose_key_from_spki(rr->public_key.ptr, rr->public_key.len,
		    fsim_cose_key_alg(ad->cose_key), &spki) != 0 ||
		    !fsim_cose_key_equal(spki, ad->cose_key))
			fsim_diags_add(&c->diags, FSIM_SEV_WARNING, "JSON-03",
			    "response.publicKey", FSIM_NO_OFFSET,
			    "is not the SPKI of the credential public key");
		fsim_cose_key_free(&spki);
	}
out:
	fsim_attobj_free(&ao);
}

static json_t *
string_list(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static int
decode_reg_response(struct decode_ctx *c, const json_t *root, json_t *into)
{
	fsim_reg_response_t *rr = NULL;
	json_t *resp;
	int r, rc = 0;

	if ((r = fsim_reg_response_parse(root, &rr, &c->diags)) != 0)
		return r;
	set(into, "kind", json_string("RegistrationResponseJSON"));
	set(into, "id", json_string(rr->id));
	set(into, "rawIdBytes", json_integer((json_int_t)rr->raw_id.len));
	set(into, "type", json_string(rr->type));
	if (rr->attachment)
		set(into, "authenticatorAttachment", json_string(rr->attachment));
	set(into, "transports", string_list(rr->transports, rr->n_transports));
	if (rr->has_public_key_alg) {
		const char *an = fsim_cose_alg_name((int)rr->public_key_alg);
		char buf[48];
		snprintf(buf, sizeof(buf), "%lld (%s)", (long long)rr->public_key_alg,
		    an ? an : "unknown");
		set(into, "publicKeyAlgorithm", json_string(buf));
	}
	set(into, "clientExtensionResults", json_incref(rr->client_ext_results));
	resp = json_object();
	set(into, "response", resp);
	if (nested(c, "response.clientDataJSON", &rr->client_data_json,
	    decode_clientdata, resp) != 0)
		rc = FSIM_ERR_FORMAT;
	if (nested(c, "response.attestationObject", &rr->attestation_object,
	    decode_attobj, resp) != 0)
		rc = FSIM_ERR_FORMAT;
	else
		check_reg_copies(c, rr);
	fsim_reg_response_free(&rr);
	return rc;
}

static int
decode_auth_response(struct decode_ctx *c, const json_t *root, json_t *into)
{
	fsim_auth_response_t *ar = NULL;
	json_t *resp;
	int r, rc = 0;

	if ((r = fsim_auth_response_parse(root, &ar, &c->diags)) != 0)
		return r;
	set(into, "kind", json_string("AuthenticationResponseJSON"));
	set(into, "id", json_string(ar->id));
	set(into, "rawIdBytes", json_integer((json_int_t)ar->raw_id.len));
	set(into, "type", json_string(ar->type));
	if (ar->attachment)
		set(into, "authenticatorAttachment", json_string(ar->attachment));
	set(into, "clientExtensionResults", json_incref(ar->client_ext_results));
	resp = json_object();
	set(into, "response", resp);
	if (nested(c, "response.clientDataJSON", &ar->client_data_json,
	    decode_clientdata, resp) != 0)
		rc = FSIM_ERR_FORMAT;
	if (nested(c, "response.authenticatorData", &ar->authenticator_data,
	    decode_authdata, resp) != 0)
		rc = FSIM_ERR_FORMAT;
	set(resp, "signature", fsim_describe_signature(ar->signature.ptr, ar->signature.len));
	if (ar->has_user_handle) {
		char *s = NULL;
		if (fsim_b64url_encode(ar->user_handle.ptr, ar->user_handle.len, &s) == 0)
			set(resp, "userHandle", json_string(s));
		free(s);
	}
	fsim_auth_response_free(&ar);
	return rc;
}

/* A credential record: decode its COSE key. */
static int
decode_record(struct decode_ctx *c, const json_t *rec, json_t *into)
{
	const char *pk = json_string_value(json_object_get(rec, "publicKey"));
	fsim_blob_t b = { 0 };
	json_t *o = json_object();
	int r;

	set(into, "credentialRecord", o);
	json_object_update(o, (json_t *)rec);
	if (pk == NULL) {
		fsim_diags_add(&c->diags, FSIM_SEV_ERROR, "REC-01",
		    "credential.publicKey", FSIM_NO_OFFSET, "missing or not a string");
		return FSIM_ERR_FORMAT;
	}
	if ((r = fsim_b64url_decode(pk, strlen(pk), &b, &c->diags,
	    "credential.publicKey")) != 0)
		return r;
	r = nested(c, "credential.publicKey", &b, decode_cose, o);
	fsim_blob_reset(&b);
	return r;
}

static int
decode_json_root(struct decode_ctx *c, const json_t *root, enum kind k, json_t *into)
{
	const json_t *resp = root, *rec = NULL;
	int r;

	/* A test-vector file: {"name", "ceremony", "response": {..., "response": {...}}, "credential"?} */
	if (json_is_object(json_object_get(root, "response")) &&
	    json_is_object(json_object_get(json_object_get(root, "response"), "response"))) {
		resp = json_object_get(root, "response");
		rec = json_object_get(root, "credential");
		if (json_is_string(json_object_get(root, "name")))
			set(into, "vector", json_incref(json_object_get(root, "name")));
	}
	switch (fsim_response_kind(resp)) {
	case FSIM_CEREMONY_REGISTRATION:
		r = decode_reg_response(c, resp, into);
		break;
	case FSIM_CEREMONY_AUTHENTICATION:
		r = decode_auth_response(c, resp, into);
		break;
	default:
		if (k == K_AUTO && json_is_string(json_object_get(root, "publicKey")) &&
		    json_is_string(json_object_get(root, "id"))) {
			set(into, "kind", json_string("credential record"));
			return decode_record(c, root, into);
		}
		fsim_diags_add(&c->diags, FSIM_SEV_ERROR, "JSON-01", NULL, FSIM_NO_OFFSET,
		    "a JSON object that is neither a registration nor an "
		    "authentication response (no response.attestationObject or "
		    "response.signature), nor a credential record");
		return FSIM_ERR_JSON;
	}
	if (rec != NULL && json_is_object(rec) && decode_record(c, rec, into) != 0)
		r = r ? r : FSIM_ERR_FORMAT;
	return r;
}

/* ---- input text ---- */

static int
all_chars(const char *s, size_t n, const char *set_)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr(set_, s[i]) == NULL)
			return 0;
	return 1;
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n % 2)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Text input: hex, base64url, or base64, whitespace ignored (a person may
 * paste wrapped lines). The structures inside stay strict.
 */
static int
decode_text(const uint8_t *in, size_t n, fsim_blob_t *out, const char **enc)
{
	char *s = malloc(n + 1);
	size_t i, m = 0;
	int r = FSIM_ERR_ENCODING;

	if (s == NULL)
		return FSIM_ERR_NOMEM;
	for (i = 0; i < n; i++)
		if (!isspace(in[i]))
			s[m++] = (char)in[i];
	s[m] = '\0';
	if (is_hex(s, m) && fsim_hex_decode(s, m, out) == 0) {
		*enc = "hex";
		r = 0;
	} else if (all_chars(s, m, "-_") && fsim_b64url_decode(s, m, out, NULL, NULL) == 0) {
		*enc = "base64url";
		r = 0;
	} else if (all_chars(s, m, "+/=") && fsim_b64_decode(s, m, out) == 0) {
		*enc = "base64";
		r = 0;
	} else if (all_chars(s, m, "-_=") && m % 4 == 0 && m > 0) {
		/* base64url with padding: accepted for input text, said so. */
		size_t k = m;
		while (k > 0 && s[k - 1] == '=')
			k--;
		if (fsim_b64url_decode(s, k, out, NULL, NULL) == 0) {
			*enc = "base64url (padded)";
			r = 0;
		}
	}
	free(s);
	return r;
}

static int
printable_text(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isprint(p[i]) && !isspace(p[i]))
			return 0;
	return 1;
}

/*
 * JSON with a "type" member and no "response" or "id": clientDataJSON rather
 * than a response or a record. A leading BOM also means clientDataJSON.
 */
static int
looks_like_clientdata(const uint8_t *p, size_t n)
{
	json_t *j;
	int yes;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 1;
	if (n == 0 || p[0] != '{')
		return 0;
	if ((j = json_loadb((const char *)p, n, 0, NULL)) == NULL)
		return 0;
	yes = json_is_string(json_object_get(j, "type")) &&
	    json_object_get(j, "response") == NULL && json_object_get(j, "id") == NULL;
	json_decref(j);
	return yes;
}

static void
print_diags(const fsim_diags_t *d, int json)
{
	char line[600];
	size_t i;

	for (i = 0; i < d->n; i++) {
		fsim_diag_format(&d->v[i], line, sizeof(line));
		if (d->v[i].sev == FSIM_SEV_ERROR)
			fprintf(stderr, "fidosim decode: error: %s\n", line);
		else if (!json)
			printf("%s: %s\n", d->v[i].sev == FSIM_SEV_WARNING ?
			    "warning" : "note", line);
	}
}

static int
decode_run(int argc, char **argv)
{
	struct decode_ctx c;
	const char *path = "-", *names_path = NULL, *enc = "raw";
	enum kind k = K_AUTO;
	fsim_blob_t in = { 0 }, bin = { 0 };
	json_t *root = NULL;
	int json = 0, i, r, rc = FSIM_EXIT_USAGE, have_path = 0;
	size_t s, e;

	memset(&c, 0, sizeof(c));
	fsim_diags_init(&c.diags);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--type") == 0 && i + 1 < argc) {
			if ((k = kind_from_name(argv[++i])) == K_AUTO) {
				rc = fsim_cli_usage_error("decode", "unknown --type '%s'", argv[i]);
				goto out;
			}
		} else if (strcmp(argv[i], "--aaguid-names") == 0 && i + 1 < argc)
			names_path = argv[++i];
		else if (fsim_cli_is_help(argv[i])) {
			fputs(decode_usage, stdout);
			rc = FSIM_EXIT_OK;
			goto out;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = fsim_cli_usage_error("decode", "unknown or incomplete option '%s'", argv[i]);
			goto out;
		} else if (have_path++) {
			rc = fsim_cli_usage_error("decode", "one input at most ('%s' is extra)", argv[i]);
			goto out;
		} else
			path = argv[i];
	}
	if ((r = fsim_read_file(path, DECODE_MAX_INPUT, &in)) != 0) {
		fprintf(stderr, "fidosim decode: cannot read %s: %s\n",
		    strcmp(path, "-") ? path : "standard input",
		    r == FSIM_ERR_ARG ? "larger than 16 MiB" : "no such file or unreadable");
		goto out;
	}
	if (fsim_aaguid_names_load(names_path, &c.names, &c.diags) != 0 && names_path) {
		fprintf(stderr, "fidosim decode: cannot load --aaguid-names %s\n", names_path);
		goto out;
	}
	rc = FSIM_EXIT_FAIL;
	if ((c.model = json_object()) == NULL)
		goto out;
	if ((r = fsim_input_span(in.ptr, in.len, &s, &e, &c.diags)) != FSIM_OK) {
		/* ENC-00: nothing to decode */
	} else if (k == K_CLIENTDATA || (k == K_AUTO && looks_like_clientdata(in.ptr + s, e - s))) {
		/* clientDataJSON given as is: parse and hash exactly these bytes. */
		set(c.model, "input", json_string("raw"));
		r = decode_binary(&c, K_CLIENTDATA, in.ptr + s, e - s, c.model);
	} else if (in.ptr[s] == '{') {
		set(c.model, "input", json_string("JSON"));
		if ((r = fsim_json_load(in.ptr + s, e - s, &root, &c.diags, "input")) == 0)
			r = decode_json_root(&c, root, k, c.model);
	} else if (printable_text(in.ptr, in.len)) {
		if (decode_text(in.ptr, in.len, &bin, &enc) != 0) {
			fsim_diags_add(&c.diags, FSIM_SEV_ERROR, "ENC-01", "input",
			    FSIM_NO_OFFSET, "text that is neither JSON, hex, base64url "
			    "nor base64");
			r = FSIM_ERR_ENCODING;
		} else {
			set(c.model, "input", json_string(enc));
			r = decode_binary(&c, k, bin.ptr, bin.len, c.model);
		}
	} else {
		set(c.model, "input", json_string("raw"));
		r = decode_binary(&c, k, in.ptr, in.len, c.model);
	}
	if (r == 0 && fsim_diags_count(&c.diags, FSIM_SEV_ERROR) > 0)
		r = FSIM_ERR_FORMAT;
	if (r != 0 && fsim_diags_count(&c.diags, FSIM_SEV_ERROR) == 0)
		fsim_diags_add(&c.diags, FSIM_SEV_ERROR, "ENC-00", NULL, FSIM_NO_OFFSET,
		    "%s", fsim_strerr(r));
	set(c.model, "ok", json_boolean(r == 0));
	if (json) {
		set(c.model, "errors", fsim_describe_diags(&c.diags, FSIM_SEV_ERROR));
		set(c.model, "warnings", fsim_describe_diags(&c.diags, FSIM_SEV_WARNING));
		json_dumpf(c.model, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		json_object_del(c.model, "ok");
		fsim_render_text(stdout, c.model, 0);
	}
	print_diags(&c.diags, json);
	rc = r == 0 ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
out:
	json_decref(root);
	json_decref(c.model);
	fsim_blob_reset(&in);
	fsim_blob_reset(&bin);
	fsim_aaguid_names_free(&c.names);
	fsim_diags_clear(&c.diags);
	return rc;
}

const fsim_cmd_t fsim_cmd_decode = {
	"decode", decode_run,
	"explain a WebAuthn response, attestationObject, authData, clientDataJSON or COSE key",
	decode_usage,
};
