/*
 * related.c — related origin requests (WebAuthn L3 5.11): the RP ID's
 * /.well-known/webauthn document and the related origins validation
 * procedure (5.11.1), with the label limit of the platform profile
 * (rule related-origins). The client does not fetch: the caller hands it
 * the document (create/get --related-origins FILE, or serve's own).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/internal.h"

#define DOC_MAX (1u << 20)
#define ORIGINS_MAX 1000
#define LABEL_MAX 64

void
fsim_related_origins_free(fsim_related_origins_t **rop)
{
	fsim_related_origins_t *ro;
	size_t i;

	if (rop == NULL || (ro = *rop) == NULL)
		return;
	for (i = 0; i < ro->n; i++)
		free(ro->origins[i]);
	free(ro->origins);
	free(ro);
	*rop = NULL;
}

int
fsim_related_origins_parse(const uint8_t *doc, size_t len, fsim_related_origins_t **out,
    fsim_client_error_t *err)
{
	fsim_related_origins_t *ro = NULL;
	fsim_diags_t d;
	json_t *root = NULL, *a, *v;
	size_t i, n;
	int r = FSIM_ERR_ARG;

	fsim_client_err_clear(err);
	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	fsim_diags_init(&d);
	if (doc == NULL || len == 0 || len > DOC_MAX ||
	    fsim_json_load(doc, len, &root, &d, "related origins document") != FSIM_OK ||
	    !json_is_object(root)) {
		r = fsim_client_refuse(err, FSIM_DOM_SECURITY, "related-origins-document", -1,
		    "the RP ID's /.well-known/webauthn is not a JSON object of at most %u "
		    "bytes (WebAuthn L3 5.11.1 step 2)", DOC_MAX);
		goto fail;
	}
	a = json_object_get(root, "origins");
	n = json_array_size(a);
	if (!json_is_array(a) || n > ORIGINS_MAX) {
		r = fsim_client_refuse(err, FSIM_DOM_SECURITY, "related-origins-document", -1,
		    "the RP ID's /.well-known/webauthn has no \"origins\" array (of at most %d "
		    "strings) (WebAuthn L3 5.11.1 step 2)", ORIGINS_MAX);
		goto fail;
	}
	json_array_foreach(a, i, v)
		if (!json_is_string(v)) {
			r = fsim_client_refuse(err, FSIM_DOM_SECURITY,
			    "related-origins-document", -1, "origins[%zu] of the RP ID's "
			    "/.well-known/webauthn is not a string (WebAuthn L3 5.11.1 step 2)", i);
			goto fail;
		}
	r = FSIM_ERR_NOMEM;
	if ((ro = calloc(1, sizeof(*ro))) == NULL ||
	    (n > 0 && (ro->origins = calloc(n, sizeof(*ro->origins))) == NULL))
		goto fail;
	json_array_foreach(a, i, v) {
		if ((ro->origins[i] = fsim_strdup(json_string_value(v))) == NULL)
			goto fail;
		ro->n++;
	}
	*out = ro;
	ro = NULL;
	r = FSIM_OK;
fail:
	fsim_related_origins_free(&ro);
	json_decref(root);
	fsim_diags_clear(&d);
	return r;
}

/*
 * An origin in the form 5.11.1 compares: "scheme://host[:port]" with scheme
 * and host in lower case and the scheme's default port left out, from a URL
 * that may carry a path. False for what is not an http(s) URL with a host.
 */
static bool
origin_of(const char *url, char *out, size_t outlen, char *host, size_t hostlen)
{
	const char *p, *h, *e, *port = NULL;
	size_t sl, hl, pl = 0, i;
	bool https;

	if ((p = strstr(url, "://")) == NULL)
		return false;
	sl = (size_t)(p - url);
	if (sl == 5 && strncasecmp(url, "https", 5) == 0)
		https = true;
	else if (sl == 4 && strncasecmp(url, "http", 4) == 0)
		https = false;
	else
		return false;
	h = p + 3;
	e = h + strcspn(h, ":/?#");
	hl = (size_t)(e - h);
	if (hl == 0 || hl >= hostlen || strchr(h, '@') != NULL)
		return false;
	for (i = 0; i < hl; i++)
		host[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] - 'A' + 'a' : h[i]);
	host[hl] = '\0';
	if (*e == ':') {
		port = e + 1;
		pl = strspn(port, "0123456789");
		if (pl == 0 || pl > 5 || (port[pl] != '\0' && port[pl] != '/' &&
		    port[pl] != '?' && port[pl] != '#') || strtol(port, NULL, 10) > 65535)
			return false;
		/* The default port is no part of the serialized origin. */
		if (strtol(port, NULL, 10) == (https ? 443 : 80))
			port = NULL;
		else
			while (pl > 1 && *port == '0') {
				port++;
				pl--;
			}
	}
	if ((size_t)snprintf(out, outlen, "%s://%s%s%.*s", https ? "https" : "http", host,
	    port != NULL ? ":" : "", port != NULL ? (int)pl : 0, port != NULL ? port : "") >=
	    outlen)
		return false;
	return true;
}

bool
fsim_related_origins_validate(const fsim_related_origins_t *ro, const char *caller_origin,
    unsigned max, bool *past_limit)
{
	char caller[300], item[300], host[256], chost[256], label[LABEL_MAX];
	char (*seen)[LABEL_MAX] = NULL;
	size_t i, j, nseen = 0;
	bool known, ok = false;

	if (past_limit != NULL)
		*past_limit = false;
	if (ro == NULL || caller_origin == NULL ||
	    !origin_of(caller_origin, caller, sizeof(caller), chost, sizeof(chost)))
		return false;
	if (max > 0 && (seen = calloc(max, sizeof(*seen))) == NULL)
		return false;
	/* 5.11.1 step 4, item by item. */
	for (i = 0; i < ro->n; i++) {
		if (!origin_of(ro->origins[i], item, sizeof(item), host, sizeof(host)) ||
		    !fsim_client_registrable_label(host, label, sizeof(label)))
			continue;
		for (known = false, j = 0; j < nseen && !known; j++)
			known = strcmp(seen[j], label) == 0;
		if (nseen >= max && !known) {
			if (strcmp(caller, item) == 0 && past_limit != NULL)
				*past_limit = true;
			continue;
		}
		if (strcmp(caller, item) == 0) {
			ok = true;
			break;
		}
		if (!known && nseen < max)
			snprintf(seen[nseen++], LABEL_MAX, "%s", label);
	}
	free(seen);
	return ok;
}

int
fsim_client_related_check(const fsim_client_ceremony_t *cer, const char *origin,
    const char *rp_id, fsim_client_error_t *err)
{
	const fsim_platform_t *p = fsim_mediate_profile(cer);
	unsigned max = fsim_platform_related_origins_max(p);
	bool past = false;
	int r;

	if (max == 0) {
		r = fsim_client_refuse(err, FSIM_DOM_SECURITY, "related-origins-unsupported", -1,
		    "origin \"%.80s\" is not on RP ID \"%.60s\"'s domain and platform %s has no "
		    "related origin requests (WebAuthn L3 5.11; rule related-origins)", origin,
		    rp_id, p->name);
		snprintf(err->platform, sizeof(err->platform), "%s", p->name);
		return r;
	}
	if (fsim_related_origins_validate(cer->related, origin, max, &past)) {
		fsim_platform_effect_add(cer->effects, "related-origins", "origin %.80s used "
		    "with RP ID %.60s: listed in its /.well-known/webauthn (at most %u labels)",
		    origin, rp_id, max);
		return FSIM_OK;
	}
	if (past)
		return fsim_client_refuse(err, FSIM_DOM_SECURITY, "related-origins-label-limit",
		    -1, "origin \"%.80s\" is listed in RP ID \"%.60s\"'s /.well-known/webauthn "
		    "only past the first %u registrable origin labels (WebAuthn L3 5.11.1; "
		    "platform %s's limit)", origin, rp_id, max, p->name);
	return fsim_client_refuse(err, FSIM_DOM_SECURITY, "related-origins-not-listed", -1,
	    "origin \"%.80s\" is not listed in RP ID \"%.60s\"'s /.well-known/webauthn "
	    "(WebAuthn L3 5.11.1)", origin, rp_id);
}
