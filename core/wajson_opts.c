/*
 * wajson_opts.c — PublicKeyCredentialCreationOptionsJSON and
 * PublicKeyCredentialRequestOptionsJSON (WebAuthn §5.1.8, §5.1.9; rule
 * JSON-06), the inputs of create() and get().
 *
 * A client that cannot convert these throws EncodingError, so shape problems
 * are errors (JSON-06) with the JSON path of the member. Enumeration values
 * are kept as given even when unknown: §2.1.1 says unknown values are
 * ignored, and deciding that is the platform's job (OPT-04). Dictionary
 * defaults of the IDL are applied here (attestation "none",
 * userVerification "preferred").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wajson.h"
#include "wajson_int.h"

static void
cred_descs_free(fsim_cred_desc_t **vp, size_t *np)
{
	size_t i;

	if (*vp != NULL)
		for (i = 0; i < *np; i++) {
			fsim_blob_reset(&(*vp)[i].id);
			fsim_wj_strings_free(&(*vp)[i].transports,
			    &(*vp)[i].n_transports);
		}
	free(*vp);
	*vp = NULL;
	*np = 0;
}

void
fsim_creation_options_free(fsim_creation_options_t **op)
{
	fsim_creation_options_t *o;

	if (op == NULL || (o = *op) == NULL)
		return;
	free(o->rp_id);
	free(o->rp_name);
	fsim_blob_reset(&o->user_id);
	free(o->user_name);
	free(o->user_display_name);
	fsim_blob_reset(&o->challenge);
	free(o->algs);
	cred_descs_free(&o->exclude, &o->n_exclude);
	free(o->attachment);
	free(o->resident_key);
	free(o->user_verification);
	fsim_wj_strings_free(&o->hints, &o->n_hints);
	free(o->attestation);
	fsim_wj_strings_free(&o->attestation_formats,
	    &o->n_attestation_formats);
	json_decref(o->extensions);
	free(o->mediation);
	free(o);
	*op = NULL;
}

void
fsim_request_options_free(fsim_request_options_t **op)
{
	fsim_request_options_t *o;

	if (op == NULL || (o = *op) == NULL)
		return;
	fsim_blob_reset(&o->challenge);
	free(o->rp_id);
	cred_descs_free(&o->allow, &o->n_allow);
	free(o->user_verification);
	fsim_wj_strings_free(&o->hints, &o->n_hints);
	json_decref(o->extensions);
	free(o->mediation);
	free(o);
	*op = NULL;
}

/*
 * The options object: bare, or wrapped as {"publicKey": {...}} the way
 * navigator.credentials.create()/get() take them. *base is the path prefix.
 */
static const json_t *
unwrap(fsim_wj_t *c, const json_t *root, const char **base, const char *what)
{
	const json_t *pk;

	*base = NULL;
	if (!json_is_object(root)) {
		fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, NULL,
		    "%s must be an object, found %s", what,
		    fsim_wj_type_name(root));
		return NULL;
	}
	pk = json_object_get(root, "publicKey");
	if (pk == NULL)
		return root;
	if (!json_is_object(pk)) {
		fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, "publicKey",
		    "must be an object, found %s", fsim_wj_type_name(pk));
		return NULL;
	}
	*base = "publicKey";
	return pk;
}

/* timeout: WebIDL unsigned long. */
static void
get_timeout(fsim_wj_t *c, const json_t *o, const char *base, int64_t *dst)
{
	char path[FSIM_WJ_PATH];
	const json_t *v;

	*dst = -1;
	v = fsim_wj_member(c, o, base, "timeout", FSIM_WJ_OPT, JSON_INTEGER);
	if (v == NULL)
		return;
	if (json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX) {
		fsim_wj_path(path, sizeof(path), base, "timeout");
		fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, path,
		    "%" JSON_INTEGER_FORMAT " is not an unsigned long "
		    "(0..4294967295)", json_integer_value(v));
		return;
	}
	*dst = json_integer_value(v);
}

/* A string member with an IDL default value. */
static void
string_or_default(fsim_wj_t *c, const json_t *o, const char *base,
    const char *key, const char *dflt, char **dst)
{
	if (o != NULL && fsim_wj_string(c, o, base, key, FSIM_WJ_OPT, dst))
		return;
	if (!c->oom && (*dst = fsim_strdup(dflt)) == NULL)
		c->oom = true;
}

/*
 * An optional object member (extensions), deep-copied. Unknown extension
 * identifiers are kept: the platform decides what it supports.
 */
static void
get_object_copy(fsim_wj_t *c, const json_t *o, const char *base,
    const char *key, json_t **dst)
{
	const json_t *v = fsim_wj_member(c, o, base, key, FSIM_WJ_OPT,
	    JSON_OBJECT);

	if (v != NULL && (*dst = json_deep_copy(v)) == NULL)
		c->oom = true;
}

/*
 * sequence<PublicKeyCredentialDescriptorJSON> (excludeCredentials,
 * allowCredentials). Entries whose type is not "public-key" are skipped, as
 * the client does (§5.8.3: unknown types are ignored).
 */
static void
get_cred_descs(fsim_wj_t *c, const json_t *o, const char *base,
    const char *key, fsim_cred_desc_t **dst, size_t *n)
{
	char path[FSIM_WJ_PATH], elem[FSIM_WJ_PATH + 24];
	const json_t *a, *e, *t;
	fsim_cred_desc_t *v;
	size_t i, cnt;

	a = fsim_wj_member(c, o, base, key, FSIM_WJ_OPT, JSON_ARRAY);
	if (a == NULL || (cnt = json_array_size(a)) == 0)
		return;
	if ((v = calloc(cnt, sizeof(*v))) == NULL) {
		c->oom = true;
		return;
	}
	*dst = v;
	*n = 0;
	fsim_wj_path(path, sizeof(path), base, key);
	json_array_foreach(a, i, e) {
		snprintf(elem, sizeof(elem), "%s[%zu]", path, i);
		if (!json_is_object(e)) {
			fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, elem,
			    "must be an object, found %s", fsim_wj_type_name(e));
			continue;
		}
		t = fsim_wj_member(c, e, elem, "type", FSIM_WJ_REQ, JSON_STRING);
		if (t != NULL && strcmp(json_string_value(t), "public-key") != 0) {
			fsim_wj_report(c, FSIM_SEV_INFO, "JSON-06", elem,
			    "type \"%.60s\" is not \"public-key\"; entry skipped",
			    json_string_value(t));
			continue;
		}
		(void)fsim_wj_b64(c, e, elem, "id", FSIM_WJ_REQ, &v[*n].id);
		(void)fsim_wj_strings(c, e, elem, "transports", FSIM_WJ_OPT,
		    &v[*n].transports, &v[*n].n_transports);
		/* Count the entry even if incomplete so that free() sees it. */
		(*n)++;
	}
}

/* pubKeyCredParams: the algorithms of "public-key" entries, in order. */
static void
get_algs(fsim_wj_t *c, const json_t *o, const char *base,
    fsim_creation_options_t *opt)
{
	char path[FSIM_WJ_PATH], elem[FSIM_WJ_PATH + 24];
	char apath[FSIM_WJ_PATH + 32];
	const json_t *a, *e, *t, *alg;
	size_t i, cnt;

	a = fsim_wj_member(c, o, base, "pubKeyCredParams", FSIM_WJ_REQ,
	    JSON_ARRAY);
	if (a == NULL || (cnt = json_array_size(a)) == 0)
		return;
	if ((opt->algs = calloc(cnt, sizeof(*opt->algs))) == NULL) {
		c->oom = true;
		return;
	}
	fsim_wj_path(path, sizeof(path), base, "pubKeyCredParams");
	json_array_foreach(a, i, e) {
		snprintf(elem, sizeof(elem), "%s[%zu]", path, i);
		if (!json_is_object(e)) {
			fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, elem,
			    "must be an object, found %s", fsim_wj_type_name(e));
			continue;
		}
		t = fsim_wj_member(c, e, elem, "type", FSIM_WJ_REQ, JSON_STRING);
		alg = fsim_wj_member(c, e, elem, "alg", FSIM_WJ_REQ,
		    JSON_INTEGER);
		if (t == NULL || alg == NULL)
			continue;
		/* §5.1.3 create() step: entries of unknown type are skipped. */
		if (strcmp(json_string_value(t), "public-key") != 0) {
			fsim_wj_report(c, FSIM_SEV_INFO, "JSON-06", elem,
			    "type \"%.60s\" is not \"public-key\"; entry skipped",
			    json_string_value(t));
			continue;
		}
		/* COSEAlgorithmIdentifier is a WebIDL long. */
		if (json_integer_value(alg) < INT32_MIN ||
		    json_integer_value(alg) > INT32_MAX) {
			snprintf(apath, sizeof(apath), "%s.alg", elem);
			fsim_wj_report(c, FSIM_SEV_ERROR, c->rule, apath,
			    "%" JSON_INTEGER_FORMAT " is outside the range of "
			    "a COSEAlgorithmIdentifier (long)",
			    json_integer_value(alg));
			continue;
		}
		opt->algs[opt->n_algs++] = json_integer_value(alg);
	}
}

/* rp (PublicKeyCredentialRpEntity) and user (…UserEntityJSON). */
static void
get_entities(fsim_wj_t *c, const json_t *o, const char *base,
    fsim_creation_options_t *opt)
{
	char rp[FSIM_WJ_PATH], user[FSIM_WJ_PATH], path[FSIM_WJ_PATH];
	const json_t *v;

	fsim_wj_path(rp, sizeof(rp), base, "rp");
	fsim_wj_path(user, sizeof(user), base, "user");
	if ((v = fsim_wj_member(c, o, base, "rp", FSIM_WJ_REQ,
	    JSON_OBJECT)) != NULL) {
		(void)fsim_wj_string(c, v, rp, "id", FSIM_WJ_OPT, &opt->rp_id);
		(void)fsim_wj_string(c, v, rp, "name", FSIM_WJ_REQ,
		    &opt->rp_name);
	}
	if ((v = fsim_wj_member(c, o, base, "user", FSIM_WJ_REQ,
	    JSON_OBJECT)) == NULL)
		return;
	/* OPT-02 (§5.4.3): the user handle is 1 to 64 bytes. */
	if (fsim_wj_b64(c, v, user, "id", FSIM_WJ_REQ, &opt->user_id) &&
	    (opt->user_id.len < 1 || opt->user_id.len > 64)) {
		fsim_wj_path(path, sizeof(path), user, "id");
		fsim_wj_report(c, FSIM_SEV_ERROR, "OPT-02", path,
		    "user.id is %zu bytes; it must be 1 to 64 bytes",
		    opt->user_id.len);
	}
	(void)fsim_wj_string(c, v, user, "name", FSIM_WJ_REQ, &opt->user_name);
	(void)fsim_wj_string(c, v, user, "displayName", FSIM_WJ_REQ,
	    &opt->user_display_name);
}

/* authenticatorSelection (AuthenticatorSelectionCriteria, §5.4.4). */
static void
get_selection(fsim_wj_t *c, const json_t *o, const char *base,
    fsim_creation_options_t *opt)
{
	char sel[FSIM_WJ_PATH];
	const json_t *s, *req;
	bool require_rk = false;

	fsim_wj_path(sel, sizeof(sel), base, "authenticatorSelection");
	s = fsim_wj_member(c, o, base, "authenticatorSelection", FSIM_WJ_OPT,
	    JSON_OBJECT);
	if (s != NULL) {
		(void)fsim_wj_string(c, s, sel, "authenticatorAttachment",
		    FSIM_WJ_OPT, &opt->attachment);
		req = fsim_wj_member(c, s, sel, "requireResidentKey",
		    FSIM_WJ_OPT, JSON_TRUE);
		require_rk = req != NULL && json_is_true(req);
		(void)fsim_wj_string(c, s, sel, "residentKey", FSIM_WJ_OPT,
		    &opt->resident_key);
	}
	/*
	 * residentKey absent: the legacy requireResidentKey decides
	 * (true => "required", false or absent => "discouraged").
	 */
	if (opt->resident_key == NULL && !c->oom &&
	    (opt->resident_key = fsim_strdup(require_rk ? "required" :
	    "discouraged")) == NULL)
		c->oom = true;
	string_or_default(c, s, sel, "userVerification", "preferred",
	    &opt->user_verification);
}

/*
 * mediation (CredentialCreationOptions / CredentialRequestOptions, Credential
 * Management 2.3): beside publicKey in the wrapper, where browsers take it;
 * in a bare options object, a member of its own. A string; its value is the
 * client's to judge.
 */
static void
get_mediation(fsim_wj_t *c, const json_t *root, char **dst)
{
	(void)fsim_wj_string(c, root, NULL, "mediation", FSIM_WJ_OPT, dst);
}

static int
finish(const fsim_wj_t *c)
{
	if (c->oom)
		return FSIM_ERR_NOMEM;
	return c->nerr > 0 ? FSIM_ERR_JSON : FSIM_OK;
}

int
fsim_creation_options_parse(const json_t *root, fsim_creation_options_t **out,
    fsim_diags_t *d)
{
	fsim_wj_t c = { d, "JSON-06", "JSON-06", 0, false };
	fsim_creation_options_t *opt = NULL;
	const json_t *o;
	const char *base;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (root == NULL)
		goto fail;
	r = FSIM_ERR_JSON;
	if ((o = unwrap(&c, root, &base,
	    "PublicKeyCredentialCreationOptionsJSON")) == NULL)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((opt = calloc(1, sizeof(*opt))) == NULL)
		goto fail;
	get_entities(&c, o, base, opt);
	(void)fsim_wj_b64(&c, o, base, "challenge", FSIM_WJ_REQ,
	    &opt->challenge);
	get_algs(&c, o, base, opt);
	get_timeout(&c, o, base, &opt->timeout);
	get_cred_descs(&c, o, base, "excludeCredentials", &opt->exclude,
	    &opt->n_exclude);
	get_selection(&c, o, base, opt);
	(void)fsim_wj_strings(&c, o, base, "hints", FSIM_WJ_OPT, &opt->hints,
	    &opt->n_hints);
	string_or_default(&c, o, base, "attestation", "none",
	    &opt->attestation);
	(void)fsim_wj_strings(&c, o, base, "attestationFormats", FSIM_WJ_OPT,
	    &opt->attestation_formats, &opt->n_attestation_formats);
	get_object_copy(&c, o, base, "extensions", &opt->extensions);
	get_mediation(&c, root, &opt->mediation);
	if ((r = finish(&c)) != FSIM_OK)
		goto fail;
	*out = opt;
	opt = NULL;
fail:
	fsim_creation_options_free(&opt);
	return r;
}

int
fsim_request_options_parse(const json_t *root, fsim_request_options_t **out,
    fsim_diags_t *d)
{
	fsim_wj_t c = { d, "JSON-06", "JSON-06", 0, false };
	fsim_request_options_t *opt = NULL;
	const json_t *o;
	const char *base;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (root == NULL)
		goto fail;
	r = FSIM_ERR_JSON;
	if ((o = unwrap(&c, root, &base,
	    "PublicKeyCredentialRequestOptionsJSON")) == NULL)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((opt = calloc(1, sizeof(*opt))) == NULL)
		goto fail;
	(void)fsim_wj_b64(&c, o, base, "challenge", FSIM_WJ_REQ,
	    &opt->challenge);
	get_timeout(&c, o, base, &opt->timeout);
	(void)fsim_wj_string(&c, o, base, "rpId", FSIM_WJ_OPT, &opt->rp_id);
	get_cred_descs(&c, o, base, "allowCredentials", &opt->allow,
	    &opt->n_allow);
	string_or_default(&c, o, base, "userVerification", "preferred",
	    &opt->user_verification);
	(void)fsim_wj_strings(&c, o, base, "hints", FSIM_WJ_OPT, &opt->hints,
	    &opt->n_hints);
	get_object_copy(&c, o, base, "extensions", &opt->extensions);
	get_mediation(&c, root, &opt->mediation);
	if ((r = finish(&c)) != FSIM_OK)
		goto fail;
	*out = opt;
	opt = NULL;
fail:
	fsim_request_options_free(&opt);
	return r;
}
