/*
 * test_l3_client.c — the client side of WebAuthn L3's newer features
 * (platform/related.c, signal.c, capabilities.c, client.c): the related
 * origins document and validation procedure (5.11.1) with its label limit,
 * registrable origin labels, a conditional create's request (5.1.3,
 * makeCredential up=false), the platform rules' arguments and what
 * getClientCapabilities() reports (5.1.7), and the checks a signal call
 * goes through (5.1.10).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client_fixture.h"
#include "platform/internal.h"

static fsim_related_origins_t *
doc(const char *text)
{
	fsim_related_origins_t *ro = NULL;
	fsim_client_error_t err;

	assert_int_equal(fsim_related_origins_parse((const uint8_t *)text, strlen(text), &ro,
	    &err), 0);
	return ro;
}

static fsim_platform_t *
profile(const char *rules)
{
	fsim_platform_t *p = NULL;
	char text[1024], err[256];

	snprintf(text, sizeof(text), "name = t\nrule = convey-l3\n%s", rules);
	assert_int_equal(fsim_platform_parse((const uint8_t *)text, strlen(text), "t.platform", &p,
	    err, sizeof(err)), 0);
	return p;
}

static int
profile_fails(const char *rules, char *err, size_t errlen)
{
	fsim_platform_t *p = NULL;
	char text[1024];
	int r;

	snprintf(text, sizeof(text), "name = t\nrule = convey-l3\n%s", rules);
	r = fsim_platform_parse((const uint8_t *)text, strlen(text), "t.platform", &p, err, errlen);
	fsim_platform_free(&p);
	return r;
}

static void
document_parsing(void **state)
{
	static const char *const bad[] = {
		"[]", "{\"origins\":\"https://a.test\"}", "{\"origins\":[1]}", "{}", "not json",
		"{\"origins\":[\"https://a.test\"],\"origins\":[]}",
	};
	fsim_related_origins_t *ro = NULL;
	fsim_client_error_t err;
	size_t i;

	(void)state;
	ro = doc("{\"origins\":[\"https://a.test\",\"https://b.example.co.uk/x\"],\"other\":1}");
	assert_int_equal(ro->n, 2);
	assert_string_equal(ro->origins[1], "https://b.example.co.uk/x");
	fsim_related_origins_free(&ro);
	fsim_related_origins_free(&ro);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fsim_related_origins_parse((const uint8_t *)bad[i], strlen(bad[i]),
		    &ro, &err), FSIM_ERR_ARG);
		assert_null(ro);
		assert_string_equal(err.name, "SecurityError");
		assert_string_equal(err.rule, "related-origins-document");
	}
}

static void
registrable_labels(void **state)
{
	char l[64];

	(void)state;
	assert_true(fsim_client_registrable_label("example.com", l, sizeof(l)));
	assert_string_equal(l, "example");
	assert_true(fsim_client_registrable_label("shop.example.co.uk", l, sizeof(l)));
	assert_string_equal(l, "example");
	assert_true(fsim_client_registrable_label("a.b.github.io", l, sizeof(l)));
	assert_string_equal(l, "b");
	assert_false(fsim_client_registrable_label("co.uk", l, sizeof(l)));
	assert_false(fsim_client_registrable_label("localhost", l, sizeof(l)));
	assert_false(fsim_client_registrable_label("192.168.0.1", l, sizeof(l)));
	assert_false(fsim_client_registrable_label("-bad-.com", l, sizeof(l)));
}

static void
validation_procedure(void **state)
{
	fsim_related_origins_t *ro;
	bool past;

	(void)state;
	ro = doc("{\"origins\":[\"https://l1.test\",\"https://l2.test/path\",\"ftp://x.test\","
	    "\"https://192.0.2.1\",\"https://l3.test:8443\",\"https://l4.test\","
	    "\"https://l5.test\",\"https://l6.test\",\"https://l1.co.uk\",\"http://l7.test\"]}");
	assert_true(fsim_related_origins_validate(ro, "https://l1.test", 5, &past));
	/* a path in the item is no part of the origin; the default port neither */
	assert_true(fsim_related_origins_validate(ro, "https://l2.test:443", 5, &past));
	assert_true(fsim_related_origins_validate(ro, "https://L3.test:8443", 5, &past));
	assert_false(fsim_related_origins_validate(ro, "https://l3.test", 5, &past));
	assert_false(past);
	assert_true(fsim_related_origins_validate(ro, "https://l5.test", 5, &past));
	/* the sixth label: past the limit; a seventh limit lets it in */
	assert_false(fsim_related_origins_validate(ro, "https://l6.test", 5, &past));
	assert_true(past);
	assert_true(fsim_related_origins_validate(ro, "https://l6.test", 6, &past));
	/* a label already seen is let in after the limit (5.11.1 step 4) */
	assert_true(fsim_related_origins_validate(ro, "https://l1.co.uk", 5, &past));
	/* not listed; the scheme is part of the origin */
	assert_false(fsim_related_origins_validate(ro, "https://nope.test", 5, &past));
	assert_false(past);
	assert_false(fsim_related_origins_validate(ro, "http://l1.test", 20, &past));
	assert_false(fsim_related_origins_validate(NULL, "https://l1.test", 5, &past));
	fsim_related_origins_free(&ro);
}

/* create from origin under platform p with document ro: the client's verdict. */
static int
create_from(const char *origin, const fsim_platform_t *p, const fsim_related_origins_t *ro,
    fsim_client_error_t *err, fsim_platform_effects_t *eff)
{
	fsim_creation_options_t *o = copts_with("\"id\":\"example.com\",", "");
	fsim_client_ceremony_t cer;
	fsim_blob_t req = { NULL, 0 };
	int r;

	memset(&cer, 0, sizeof(cer));
	cer.platform = p;
	cer.related = ro;
	cer.effects = eff;
	r = fsim_client_make_credential_request(o, origin, true, true, &cer, &req, err);
	fsim_blob_reset(&req);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);
	return r;
}

static void
related_origin_ceremony(void **state)
{
	fsim_related_origins_t *ro = doc("{\"origins\":[\"https://shop.example.net\","
	    "\"https://b.test\",\"https://c.test\",\"https://d.test\",\"https://e.test\","
	    "\"https://f.test\"]}");
	fsim_platform_t *none = profile("rule = related-origins unsupported\n");
	fsim_platform_effects_t eff;
	fsim_client_error_t err;
	size_t i;
	bool seen = false;

	(void)state;
	memset(&eff, 0, sizeof(eff));
	assert_int_equal(create_from("https://shop.example.net", NULL, ro, &err, &eff), 0);
	for (i = 0; i < eff.n; i++)
		seen = seen || strcmp(eff.v[i].rule, "related-origins") == 0;
	assert_true(seen);
	assert_int_equal(create_from("https://other.example.net", NULL, ro, &err, NULL),
	    FSIM_ERR_ARG);
	assert_string_equal(err.rule, "related-origins-not-listed");
	assert_int_equal(create_from("https://f.test", NULL, ro, &err, NULL), FSIM_ERR_ARG);
	assert_string_equal(err.rule, "related-origins-label-limit");
	assert_string_equal(err.name, "SecurityError");
	assert_int_equal(create_from("https://shop.example.net", none, ro, &err, NULL),
	    FSIM_ERR_ARG);
	assert_string_equal(err.rule, "related-origins-unsupported");
	assert_int_equal(create_from("https://shop.example.net", NULL, NULL, &err, NULL),
	    FSIM_ERR_ARG);
	assert_string_equal(err.rule, "rp-id-origin");
	/* the RP ID's own domain needs no document */
	assert_int_equal(create_from("https://www.example.com", none, NULL, &err, NULL), 0);
	fsim_platform_free(&none);
	fsim_related_origins_free(&ro);
}

/* The makeCredential options of a create with this mediation and UV; NULL after a refusal. */
static cbor_item_t *
cc_request(const char *mediation, const char *uv, bool uv_capable, const fsim_platform_t *p,
    fsim_client_error_t *err)
{
	char extra[200];
	fsim_creation_options_t *o;
	fsim_client_ceremony_t cer;
	fsim_blob_t req = { NULL, 0 };
	cbor_item_t *m = NULL;

	snprintf(extra, sizeof(extra), "\"authenticatorSelection\":{\"userVerification\":\"%s\"}",
	    uv);
	o = copts_with("\"id\":\"example.com\",", extra);
	if (mediation != NULL)
		o->mediation = strdup(mediation);
	memset(&cer, 0, sizeof(cer));
	cer.platform = p;
	if (fsim_client_make_credential_request(o, NULL, uv_capable, true, &cer, &req, err) == 0) {
		assert_int_equal(cer.conditional, mediation != NULL &&
		    strcmp(mediation, "conditional") == 0 && (p == NULL ||
		    strcmp(fsim_platform_conditional_create(p), "spec") == 0));
		m = decode_req(&req, 0x01);
	}
	fsim_blob_reset(&req);
	fsim_client_ceremony_reset(&cer);
	fsim_creation_options_free(&o);
	return m;
}

/* options (7): -1 absent, 0 false, 1 true */
static int
opt(const cbor_item_t *m, const char *key)
{
	const cbor_item_t *o = fsim_cbor_map_get_int(m, 7), *v;

	if (o == NULL || (v = fsim_cbor_map_get_str(o, key)) == NULL)
		return -1;
	return cbor_get_bool(v) ? 1 : 0;
}

static void
conditional_create_request(void **state)
{
	fsim_platform_t *ign = profile("rule = conditional-create ignored\n");
	fsim_client_error_t err;
	cbor_item_t *m;

	(void)state;
	/* 5.1.3: requireUserPresence false; UV not asked under "preferred" */
	m = cc_request("conditional", "preferred", true, NULL, &err);
	assert_non_null(m);
	assert_int_equal(opt(m, "up"), 0);
	assert_int_equal(opt(m, "uv"), -1);
	cbor_decref(&m);
	/* required and possible: asked */
	m = cc_request("conditional", "required", true, NULL, &err);
	assert_int_equal(opt(m, "up"), 0);
	assert_int_equal(opt(m, "uv"), 1);
	cbor_decref(&m);
	/* required and impossible: ConstraintError */
	assert_null(cc_request("conditional", "required", false, NULL, &err));
	assert_string_equal(err.name, "ConstraintError");
	assert_string_equal(err.rule, "conditional-create-uv");
	/* a modal create: no up option; "preferred" asks UV of a capable authenticator */
	m = cc_request(NULL, "preferred", true, NULL, &err);
	assert_int_equal(opt(m, "up"), -1);
	assert_int_equal(opt(m, "uv"), 1);
	cbor_decref(&m);
	m = cc_request("optional", "preferred", true, NULL, &err);
	assert_int_equal(opt(m, "up"), -1);
	cbor_decref(&m);
	/* a platform that does not know the member: modal */
	m = cc_request("conditional", "preferred", true, ign, &err);
	assert_int_equal(opt(m, "up"), -1);
	cbor_decref(&m);
	/* WebIDL enum: an unknown value is a TypeError */
	assert_null(cc_request("sometimes", "preferred", true, NULL, &err));
	assert_string_equal(err.name, "TypeError");
	assert_string_equal(err.rule, "mediation-value");
	fsim_platform_free(&ign);
}

static void
rule_arguments_and_capabilities(void **state)
{
	static const char *const bad[] = {
		"rule = conditional-create maybe\n", "rule = hints loud\n",
		"rule = signals unknownCredential,unknownCredential\n",
		"rule = signals unknownCredential,,currentUserDetails\n", "rule = signals poke\n",
		"rule = related-origins 4\n", "rule = related-origins 5x\n",
		"rule = related-origins 1001\n", "rule = client-capabilities conditionalCreate\n",
		"rule = client-capabilities hybridTransport=maybe\n",
		"rule = client-capabilities hybridTransport,hybridTransport=false\n",
	};
	fsim_platform_t *p;
	json_t *caps;
	char err[256];
	bool absent;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(profile_fails(bad[i], err, sizeof(err)), FSIM_ERR_FORMAT);
	/* the reference client: conditional create, the signals, 5 labels, advisory hints */
	caps = fsim_platform_client_capabilities(NULL, &absent);
	assert_false(absent);
	assert_true(json_is_true(json_object_get(caps, "conditionalCreate")));
	assert_true(json_is_true(json_object_get(caps, "relatedOrigins")));
	assert_true(json_is_true(json_object_get(caps, "signalCurrentUserDetails")));
	assert_null(json_object_get(caps, "hybridTransport"));   /* unknown: left out */
	json_decref(caps);
	assert_int_equal(fsim_platform_related_origins_max(NULL), 5);
	assert_string_equal(fsim_platform_hints(NULL), "advisory");
	p = profile("rule = signals unknownCredential\nrule = related-origins 7\n"
	    "rule = conditional-create ignored\n"
	    "rule = client-capabilities conditionalGet,hybridTransport=false\n");
	assert_true(fsim_platform_signal_supported(p, "unknownCredential"));
	assert_false(fsim_platform_signal_supported(p, "currentUserDetails"));
	assert_false(fsim_platform_signal_supported(p, "nonsense"));
	assert_int_equal(fsim_platform_related_origins_max(p), 7);
	caps = fsim_platform_client_capabilities(p, &absent);
	assert_true(json_is_false(json_object_get(caps, "conditionalCreate")));
	assert_true(json_is_true(json_object_get(caps, "signalUnknownCredential")));
	assert_true(json_is_false(json_object_get(caps, "signalAllAcceptedCredentials")));
	assert_true(json_is_true(json_object_get(caps, "conditionalGet")));
	assert_true(json_is_false(json_object_get(caps, "hybridTransport")));
	assert_null(json_object_get(caps, "immediateGet"));
	json_decref(caps);
	fsim_platform_free(&p);
	p = profile("rule = client-capabilities absent\nrule = related-origins unsupported\n");
	assert_null(fsim_platform_client_capabilities(p, &absent));
	assert_true(absent);
	assert_int_equal(fsim_platform_related_origins_max(p), 0);
	fsim_platform_free(&p);
}

static int
signal_call(const char *json, const fsim_platform_t *p, const char *origin,
    const fsim_related_origins_t *ro, fsim_signal_t **s, fsim_client_error_t *err)
{
	json_t *j = load(json);
	int r = fsim_client_signal(p, ro, origin, j, NULL, s, err);

	json_decref(j);
	return r;
}

static void
signal_checks(void **state)
{
	fsim_platform_t *no_details = profile("rule = signals unknownCredential\n");
	fsim_related_origins_t *ro = doc("{\"origins\":[\"https://shop.example.net\"]}");
	fsim_client_error_t err;
	fsim_signal_t *s = NULL;

	(void)state;
	assert_int_equal(signal_call("{\"signal\":\"allAcceptedCredentials\",\"rpId\":"
	    "\"example.com\",\"userId\":\"YWxpY2U\",\"allAcceptedCredentialIds\":[\"AAEC\",\"\"]}",
	    NULL, NULL, NULL, &s, &err), 0);
	assert_int_equal(s->kind, FSIM_SIGNAL_ACCEPTED);
	assert_int_equal(s->n_accepted, 2);
	assert_true(fsim_blob_eq(&s->accepted[0], (const uint8_t *)"\0\1\2", 3));
	assert_true(fsim_blob_eq(&s->user_id, (const uint8_t *)"alice", 5));
	fsim_signal_free(&s);
	fsim_signal_free(&s);
	/* the dictionary's members (WebIDL required: TypeError) */
	assert_int_equal(signal_call("{\"signal\":\"currentUserDetails\",\"rpId\":\"example.com\","
	    "\"userId\":\"YQ\",\"name\":\"a\"}", NULL, NULL, NULL, &s, &err), FSIM_ERR_ARG);
	assert_string_equal(err.name, "TypeError");
	assert_string_equal(err.rule, "signal-options");
	assert_null(s);
	assert_int_equal(signal_call("{\"signal\":\"unknownCredential\",\"rpId\":\"example.com\","
	    "\"credentialId\":\"a+b\"}", NULL, NULL, NULL, &s, &err), FSIM_ERR_ARG);
	assert_string_equal(err.rule, "signal-base64url");
	assert_int_equal(signal_call("{\"signal\":\"allAcceptedCredentials\",\"rpId\":"
	    "\"example.com\",\"userId\":\"YQ\",\"allAcceptedCredentialIds\":[\"*\"]}", NULL, NULL,
	    NULL, &s, &err), FSIM_ERR_ARG);
	assert_string_equal(err.rule, "signal-base64url");
	assert_int_equal(signal_call("{\"rpId\":\"example.com\"}", NULL, NULL, NULL, &s, &err),
	    FSIM_ERR_ARG);
	assert_string_equal(err.name, "TypeError");
	/* the platform lacks the method */
	assert_int_equal(signal_call("{\"signal\":\"currentUserDetails\",\"rpId\":\"example.com\","
	    "\"userId\":\"YQ\",\"name\":\"a\",\"displayName\":\"A\"}", no_details, NULL, NULL, &s,
	    &err), FSIM_ERR_ARG);
	assert_string_equal(err.rule, "signals");
	assert_string_equal(err.name, "TypeError");
	/* 5.1.10.1: the RP ID against the caller, or a related origin */
	assert_int_equal(signal_call("{\"signal\":\"unknownCredential\",\"rpId\":\"example.com\","
	    "\"credentialId\":\"AAEC\"}", NULL, "https://login.example.com", NULL, &s, &err), 0);
	fsim_signal_free(&s);
	assert_int_equal(signal_call("{\"signal\":\"unknownCredential\",\"rpId\":\"example.com\","
	    "\"credentialId\":\"AAEC\"}", NULL, "https://shop.example.net", NULL, &s, &err),
	    FSIM_ERR_ARG);
	assert_string_equal(err.name, "SecurityError");
	assert_int_equal(signal_call("{\"signal\":\"unknownCredential\",\"rpId\":\"example.com\","
	    "\"credentialId\":\"AAEC\"}", NULL, "https://shop.example.net", ro, &s, &err), 0);
	fsim_signal_free(&s);
	assert_string_equal(fsim_signal_method(FSIM_SIGNAL_DETAILS), "signalCurrentUserDetails");
	fsim_related_origins_free(&ro);
	fsim_platform_free(&no_details);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(document_parsing),
		cmocka_unit_test(registrable_labels),
		cmocka_unit_test(validation_procedure),
		cmocka_unit_test(related_origin_ceremony),
		cmocka_unit_test(conditional_create_request),
		cmocka_unit_test(rule_arguments_and_capabilities),
		cmocka_unit_test(signal_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
