/*
 * origin.c — the origin and RP ID checks of the reference client (WebAuthn
 * L3 §5.1.3 and §5.1.4.1: the caller's effective domain, and an RP ID that
 * is it or a registrable domain suffix of it), without a copy of the Public
 * Suffix List.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/internal.h"

#define HOST_MAX 253

/*
 * Multi-label public suffixes that commonly show up as mistaken RP IDs. The
 * client has no copy of the Public Suffix List: a one-label RP ID (other
 * than "localhost") and these are refused; anything else is taken as
 * registrable.
 */
static const char *const public_suffixes[] = {
	"co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au",
	"co.jp", "ne.jp", "or.jp", "co.nz", "co.za", "com.br", "com.cn",
	"com.mx", "co.in", "co.kr", "com.tw", "github.io", "gitlab.io",
	"herokuapp.com", "vercel.app", "netlify.app", "pages.dev",
	"workers.dev", "blogspot.com", "appspot.com", "web.app",
	"firebaseapp.com", "azurewebsites.net", "cloudfront.net",
};

/* A valid domain (ASCII, LDH labels of 1..63, no empty label), lowercase. */
static bool
valid_domain(const char *h, size_t n)
{
	size_t i, label = 0;
	bool all_digits = true;

	if (n == 0 || n > HOST_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char ch = h[i];

		if (ch == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
			all_digits = true;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-'))
			return false;
		if (ch == '-' && label == 0)
			return false;
		if (!(ch >= '0' && ch <= '9'))
			all_digits = false;
		if (++label > 63)
			return false;
	}
	/* No empty last label; an all-digit last label is an IPv4 address. */
	return label > 0 && h[n - 1] != '-' && !all_digits;
}

/*
 * Split a serialized origin "scheme://host[:port]" and check it is one a
 * browser would run WebAuthn in: https, or http on localhost (a secure
 * context), with a host that is a domain (IP addresses are not: §5.1.3
 * "If effectiveDomain is not a valid domain, throw SecurityError").
 */
static int
origin_host(const char *origin, char host[HOST_MAX + 1], fsim_client_error_t *err)
{
	const char *p, *h, *e;
	size_t n, i;
	bool https;

	if ((p = strstr(origin, "://")) == NULL)
		goto not_origin;
	if ((size_t)(p - origin) == 5 && strncmp(origin, "https", 5) == 0)
		https = true;
	else if ((size_t)(p - origin) == 4 && strncmp(origin, "http", 4) == 0)
		https = false;
	else
		return fsim_client_refuse(err, FSIM_DOM_SECURITY, "insecure-origin",
		    -1, "origin \"%.80s\" is not https: WebAuthn needs a secure "
		    "context", origin);
	h = p + 3;
	if (*h == '[')
		return fsim_client_refuse(err, FSIM_DOM_SECURITY, "origin-domain",
		    -1, "origin \"%.80s\": an IP address is not a valid domain",
		    origin);
	e = h + strcspn(h, ":/?#");
	if (*e == ':') {
		const char *d = e + 1;

		if (*d == '\0' || strspn(d, "0123456789") != strlen(d) ||
		    strlen(d) > 5 || strtol(d, NULL, 10) > 65535)
			goto not_origin;
	} else if (*e != '\0')
		goto not_origin;
	n = (size_t)(e - h);
	if (n == 0 || n > HOST_MAX)
		goto not_origin;
	for (i = 0; i < n; i++)
		host[i] = (char)tolower((unsigned char)h[i]);
	host[n] = '\0';
	if (!valid_domain(host, n))
		return fsim_client_refuse(err, FSIM_DOM_SECURITY, "origin-domain",
		    -1, "origin \"%.80s\": the host is not a valid domain", origin);
	if (!https && strcmp(host, "localhost") != 0 &&
	    !(n > 10 && strcmp(host + n - 10, ".localhost") == 0))
		return fsim_client_refuse(err, FSIM_DOM_SECURITY, "insecure-origin",
		    -1, "origin \"%.80s\" is http and not localhost: WebAuthn "
		    "needs a secure context", origin);
	return FSIM_OK;
not_origin:
	return fsim_client_refuse(err, FSIM_DOM_SECURITY, "origin-syntax", -1,
	    "\"%.80s\" is not a serialized origin (scheme://host[:port])",
	    origin);
}

static bool
is_public_suffix(const char *d)
{
	size_t i;

	if (strchr(d, '.') == NULL)
		return strcmp(d, "localhost") != 0;
	for (i = 0; i < sizeof(public_suffixes) / sizeof(public_suffixes[0]); i++)
		if (strcmp(d, public_suffixes[i]) == 0)
			return true;
	return false;
}

/*
 * The origin to use (given, or "https://" + rp_id) and the RP ID (given, or
 * the origin's effective domain), both checked: the RP ID must be the host
 * or a registrable domain suffix of it, else SecurityError.
 */
/*
 * The public suffix of a valid domain h (n bytes) as the client knows it:
 * one of the listed multi-label suffixes, else the last label. Its offset
 * in h; n when h is itself a public suffix.
 */
static size_t
suffix_at(const char *h, size_t n)
{
	size_t i, sl;

	for (i = 0; i < sizeof(public_suffixes) / sizeof(public_suffixes[0]); i++) {
		sl = strlen(public_suffixes[i]);
		if (n == sl && strcmp(h, public_suffixes[i]) == 0)
			return n;
		if (n > sl + 1 && h[n - sl - 1] == '.' && strcmp(h + n - sl, public_suffixes[i]) == 0)
			return n - sl;
	}
	for (i = n; i > 0; i--)
		if (h[i - 1] == '.')
			return i;
	return n;   /* one label: a public suffix of its own */
}

bool
fsim_client_registrable_label(const char *host, char *out, size_t outlen)
{
	size_t n = host != NULL ? strlen(host) : 0, at, start;

	if (outlen == 0 || !valid_domain(host, n))
		return false;
	at = suffix_at(host, n);
	/* "x.co.uk": the label before the suffix; none when host is the suffix. */
	if (at == n || at < 2)
		return false;
	start = at - 1;
	while (start > 0 && host[start - 1] != '.')
		start--;
	if (at - 1 - start >= outlen)
		return false;
	memcpy(out, host + start, at - 1 - start);
	out[at - 1 - start] = '\0';
	return true;
}

int
fsim_client_origin_host(const char *origin, char *host, size_t hostlen,
    fsim_client_error_t *err)
{
	char h[HOST_MAX + 1];
	int r;

	if ((r = origin_host(origin, h, err)) != FSIM_OK)
		return r;
	if (strlen(h) >= hostlen)
		return FSIM_ERR_ARG;
	memcpy(host, h, strlen(h) + 1);
	return FSIM_OK;
}

int
fsim_client_resolve_rp(const char *rp_id, const char *origin, const char *section,
    const fsim_client_ceremony_t *cer, char **rp_out, char **origin_out,
    fsim_client_error_t *err)
{
	char host[HOST_MAX + 1], *o = NULL, *id = NULL;
	size_t hl, il;
	int r;

	*rp_out = NULL;
	*origin_out = NULL;
	if (origin == NULL && rp_id == NULL)
		return fsim_client_refuse(err, FSIM_DOM_TYPE, "rp-id-origin", -1,
		    "no origin and no RP ID: one of them is needed");
	r = FSIM_ERR_NOMEM;
	if (origin != NULL)
		o = strdup(origin);
	else if ((o = malloc(strlen(rp_id) + 9)) != NULL)
		snprintf(o, strlen(rp_id) + 9, "https://%s", rp_id);
	if (o == NULL)
		goto fail;
	if ((r = origin_host(o, host, err)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((id = strdup(rp_id != NULL ? rp_id : host)) == NULL)
		goto fail;
	hl = strlen(host);
	il = strlen(id);
	if (!valid_domain(id, il) || is_public_suffix(id)) {
		r = fsim_client_refuse(err, FSIM_DOM_SECURITY, "rp-id-origin", -1,
		    "RP ID \"%.60s\" is not a registrable domain (WebAuthn L3 %s)", id,
		    section);
		goto fail;
	}
	if (!(strcmp(id, host) == 0 || (hl > il + 1 &&
	    strcmp(host + hl - il, id) == 0 && host[hl - il - 1] == '.'))) {
		/* 5.1.3 / 5.1.4.1: a related origin (5.11), when the RP ID lists it. */
		if (cer != NULL && cer->related != NULL)
			r = fsim_client_related_check(cer, o, id, err);
		else
			r = fsim_client_refuse(err, FSIM_DOM_SECURITY, "rp-id-origin", -1,
			    "RP ID \"%.60s\" is not the origin's host \"%.60s\" or a "
			    "registrable domain suffix of it (WebAuthn L3 %s; a related "
			    "origin needs the RP ID's /.well-known/webauthn: "
			    "--related-origins)", id, host, section);
		if (r != FSIM_OK)
			goto fail;
	}
	*rp_out = id;
	*origin_out = o;
	id = NULL;
	o = NULL;
	r = FSIM_OK;
fail:
	free(id);
	free(o);
	return r;
}
