/*
 * capabilities.c — the WebAuthn L3 features of a platform profile
 * (profile.h): conditional create, the signal methods, related origin
 * requests, hints, and what PublicKeyCredential.getClientCapabilities()
 * reports (L3 5.1.7, 5.8.7).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/profile.h"

/* The signal methods (5.1.10) by the names of their option dictionaries' calls. */
static const char *const signal_names[] = {
	"unknownCredential", "allAcceptedCredentials", "currentUserDetails",
};
#define NSIGNALS (sizeof(signal_names) / sizeof(signal_names[0]))

/*
 * The ClientCapability values (5.8.7) a client-capabilities rule may list:
 * those the other rules do not imply. immediateGet is not in L3; Chromium
 * 156 reports it (docs/evidence/l3-platforms.md), so a profile may too.
 */
static const char *const listed_caps[] = {
	"conditionalGet", "hybridTransport", "passkeyPlatformAuthenticator",
	"userVerifyingPlatformAuthenticator", "immediateGet",
};
#define NLISTED (sizeof(listed_caps) / sizeof(listed_caps[0]))

/* The related-origins limit a profile may set: L3 5.11 asks for at least 5. */
#define RELATED_MIN 5
#define RELATED_MAX 1000

static int
msg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return FSIM_ERR_FORMAT;
}

static bool
in_list(const char *s, size_t n, const char *const *list, size_t nl)
{
	size_t i;

	for (i = 0; i < nl; i++)
		if (strlen(list[i]) == n && strncmp(s, list[i], n) == 0)
			return true;
	return false;
}

/* Does the comma list `arg` name `item` (exactly)? */
static bool
list_has(const char *arg, const char *item)
{
	size_t n = strlen(item);
	const char *p = arg;

	while (*p != '\0') {
		size_t l = strcspn(p, ",");

		if (l == n && strncmp(p, item, n) == 0)
			return true;
		p += l;
		if (*p == ',')
			p++;
	}
	return false;
}

/* An item's name: up to "=" (client-capabilities items may end "=false"). */
static size_t
item_len(const char *p, bool values)
{
	size_t l = strcspn(p, ",");

	if (values && l >= 6 && strncmp(p + l - 6, "=false", 6) == 0)
		return l - 6;
	return l;
}

/*
 * Every item of the comma list is one of `known` (with values, NAME or
 * NAME=false); none empty, none twice.
 */
static int
check_list(const char *rule, const char *arg, const char *const *known, size_t nk,
    bool values, char *err, size_t errlen)
{
	const char *p = arg, *q;
	size_t l, full;

	for (;;) {
		full = strcspn(p, ",");
		l = item_len(p, values);
		if (l == 0)
			return msg(err, errlen, "rule %s: an empty item in \"%s\"", rule, arg);
		if (!in_list(p, l, known, nk))
			return msg(err, errlen, "rule %s: unknown item \"%.*s\"", rule, (int)l, p);
		for (q = arg; q < p; q += strcspn(q, ",") + 1)
			if (item_len(q, values) == l && strncmp(q, p, l) == 0)
				return msg(err, errlen, "rule %s: \"%.*s\" given twice", rule,
				    (int)l, p);
		if (p[full] == '\0')
			return FSIM_OK;
		p += full + 1;
	}
}

/* The value a client-capabilities list gives `cap`: 1 true, 0 false, -1 not listed. */
static int
listed_value(const char *arg, const char *cap)
{
	size_t n = strlen(cap), l;
	const char *p = arg;

	while (*p != '\0') {
		l = item_len(p, true);
		if (l == n && strncmp(p, cap, n) == 0)
			return strcspn(p, ",") == l ? 1 : 0;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return -1;
}

int
fsim_platform_check_l3_arg(fsim_prule_kind_t k, const char *arg, char *err, size_t errlen)
{
	unsigned long v;
	char *end = NULL;

	switch (k) {
	case FSIM_PRULE_SIGNALS:
		if (strcmp(arg, "all") == 0 || strcmp(arg, "none") == 0)
			return FSIM_OK;
		return check_list("signals", arg, signal_names, NSIGNALS, false, err, errlen);
	case FSIM_PRULE_RELATED_ORIGINS:
		if (strcmp(arg, "unsupported") == 0)
			return FSIM_OK;
		v = strtoul(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v < RELATED_MIN ||
		    v > RELATED_MAX)
			return msg(err, errlen, "rule related-origins: \"%s\" is not unsupported "
			    "or a label limit of %d to %d (WebAuthn L3 5.11: at least five)", arg,
			    RELATED_MIN, RELATED_MAX);
		return FSIM_OK;
	case FSIM_PRULE_CLIENT_CAPABILITIES:
		if (strcmp(arg, "absent") == 0 || strcmp(arg, "none") == 0)
			return FSIM_OK;
		return check_list("client-capabilities", arg, listed_caps, NLISTED, true, err,
		    errlen);
	default:
		return FSIM_OK;
	}
}

const char *
fsim_platform_conditional_create(const fsim_platform_t *p)
{
	const fsim_prule_t *r = fsim_platform_rule(p, FSIM_PRULE_CONDITIONAL_CREATE);

	return r != NULL ? r->arg : "spec";
}

bool
fsim_platform_signal_supported(const fsim_platform_t *p, const char *signal)
{
	const fsim_prule_t *r = fsim_platform_rule(p, FSIM_PRULE_SIGNALS);

	if (signal == NULL || !in_list(signal, strlen(signal), signal_names, NSIGNALS))
		return false;
	if (r == NULL || strcmp(r->arg, "all") == 0)
		return true;
	return strcmp(r->arg, "none") != 0 && list_has(r->arg, signal);
}

unsigned
fsim_platform_related_origins_max(const fsim_platform_t *p)
{
	const fsim_prule_t *r = fsim_platform_rule(p, FSIM_PRULE_RELATED_ORIGINS);

	if (r == NULL || strcmp(r->arg, "unsupported") == 0)
		return 0;
	return (unsigned)strtoul(r->arg, NULL, 10);
}

const char *
fsim_platform_hints(const fsim_platform_t *p)
{
	const fsim_prule_t *r = fsim_platform_rule(p, FSIM_PRULE_HINTS);

	return r != NULL ? r->arg : "advisory";
}

json_t *
fsim_platform_client_capabilities(const fsim_platform_t *p, bool *absent)
{
	const fsim_prule_t *r = fsim_platform_rule(p, FSIM_PRULE_CLIENT_CAPABILITIES);
	json_t *o;
	size_t i;
	int e = 0;

	*absent = r != NULL && strcmp(r->arg, "absent") == 0;
	if (*absent || (o = json_object()) == NULL)
		return NULL;
	e |= json_object_set_new(o, "conditionalCreate",
	    json_boolean(strcmp(fsim_platform_conditional_create(p), "spec") == 0));
	e |= json_object_set_new(o, "relatedOrigins",
	    json_boolean(fsim_platform_related_origins_max(p) > 0));
	for (i = 0; i < NSIGNALS; i++) {
		char key[40];

		snprintf(key, sizeof(key), "signal%c%s", signal_names[i][0] - 'a' + 'A',
		    signal_names[i] + 1);
		e |= json_object_set_new(o, key,
		    json_boolean(fsim_platform_signal_supported(p, signal_names[i])));
	}
	/* Listed: as given; those the profile says nothing of stay unknown (absent). */
	for (i = 0; r != NULL && i < NLISTED; i++) {
		int v = listed_value(r->arg, listed_caps[i]);

		if (v >= 0)
			e |= json_object_set_new(o, listed_caps[i], json_boolean(v == 1));
	}
	if (e != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}
