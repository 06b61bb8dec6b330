/*
 * signal.c — `fidosim signal`: a page's call of one of the WebAuthn L3
 * signal methods (5.1.10) without a browser. The platform's client checks
 * it (platform/signal.c), then the simulated provider acts on its store as
 * its preset says (authenticator/signal.c); what changed is printed as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/headless.h"
#include "authenticator/preset.h"

#define CMD "signal"

static const char usage[] =
"usage: fidosim signal [--store FILE] [--platform NAME|FILE] [--preset NAME|FILE]\n"
"         [--origin ORIGIN] [--related-origins FILE] [--text] [SIGNAL_JSON|-]\n"
"\n"
"Deliver a WebAuthn L3 signal (5.1.10) to the simulated provider, as a page's\n"
"call of PublicKeyCredential.signalUnknownCredential(),\n"
"signalAllAcceptedCredentials() or signalCurrentUserDetails() does. SIGNAL_JSON\n"
"names the method and carries the members of its options dictionary:\n"
"\n"
"  {\"signal\": \"unknownCredential\", \"rpId\": \"example.org\", \"credentialId\": B64URL}\n"
"  {\"signal\": \"allAcceptedCredentials\", \"rpId\": ..., \"userId\": B64URL,\n"
"   \"allAcceptedCredentialIds\": [B64URL, ...]}\n"
"  {\"signal\": \"currentUserDetails\", \"rpId\": ..., \"userId\": B64URL,\n"
"   \"name\": ..., \"displayName\": ...}\n"
"\n"
"The platform's client checks it first: the method exists there (rule\n"
"signals), the dictionary's members, base64url (TypeError), the RP ID against\n"
"the caller's origin, or a related origin (5.1.10.1, 5.11: SecurityError).\n"
"Then the provider acts on the credentials its store holds, as its preset says\n"
"(signal-unknown, signal-accepted: hide, remove or ignore; signal-details:\n"
"update or ignore; without a preset, the spec's recommendation: hide, hide,\n"
"update). A hidden credential is not offered by 'fidosim get' and shows as\n"
"hidden in 'fidosim credentials list'; signalAllAcceptedCredentials listing it\n"
"again brings it back.\n"
"\n"
"options:\n"
"  --store FILE          the provider's store (default $FIDOSIM_STORE, else\n"
"                        $XDG_DATA_HOME/fidosim/store)\n"
"  --platform NAME|FILE  the client the page runs in (default spec-l3)\n"
"  --preset NAME|FILE    the provider (see 'fidosim presets'); the other\n"
"                        authenticator flags of 'fidosim create' are accepted\n"
"  --origin ORIGIN       the calling page's origin (default https:// + rpId)\n"
"  --related-origins FILE  the RP ID's /.well-known/webauthn, for a caller on a\n"
"                        related origin (5.11)\n"
"  --text                a readable summary instead of the JSON\n"
"\n"
"output (exit 0): {\"signal\", \"method\", \"rpId\", \"platform\", \"provider\": the\n"
"preset's action, \"changes\": [{\"credentialId\", \"rpId\", \"userId\", \"action\":\n"
"hidden|already hidden|removed|unhidden|updated|unchanged|ignored, \"name\"?,\n"
"\"displayName\"?: {\"from\", \"to\"}}]}. As in a browser, a signal that matches\n"
"nothing still succeeds (the promise says only that the options were well\n"
"formed).\n"
"exit status: 0 delivered; 1 the client refused it: {\"name\", \"message\",\n"
"\"rule\"} on stdout; 2 usage or I/O error.\n";

/* The provider's action for this signal, as its preset names it. */
static const char *
provider_action(const fsim_authn_config_t *c, fsim_signal_kind_t k)
{
	return fsim_preset_sigact_name(k == FSIM_SIGNAL_UNKNOWN ? c->sig_unknown :
	    k == FSIM_SIGNAL_ACCEPTED ? c->sig_accepted : c->sig_details);
}

static int
deliver(fsim_headless_t *h, const fsim_signal_t *s, json_t *changes)
{
	switch (s->kind) {
	case FSIM_SIGNAL_UNKNOWN:
		return fsim_authn_signal_unknown(h->authn, s->rp_id, s->credential_id.ptr,
		    s->credential_id.len, changes);
	case FSIM_SIGNAL_ACCEPTED:
		return fsim_authn_signal_accepted(h->authn, s->rp_id, s->user_id.ptr,
		    s->user_id.len, s->accepted, s->n_accepted, changes);
	default:
		return fsim_authn_signal_details(h->authn, s->rp_id, s->user_id.ptr,
		    s->user_id.len, s->name, s->display_name, changes);
	}
}

static void
print_text(const json_t *o)
{
	const json_t *ch = json_object_get(o, "changes"), *c;
	size_t i;

	printf("%s for %s on %s: delivered; the provider's action: %s; %zu credential%s "
	    "matched\n", json_string_value(json_object_get(o, "method")),
	    json_string_value(json_object_get(o, "rpId")),
	    json_string_value(json_object_get(o, "platform")),
	    json_string_value(json_object_get(o, "provider")), json_array_size(ch),
	    json_array_size(ch) == 1 ? "" : "s");
	json_array_foreach(ch, i, c) {
		const json_t *n = json_object_get(c, "name");

		printf("  %-14s %s (user %s)", json_string_value(json_object_get(c, "action")),
		    json_string_value(json_object_get(c, "credentialId")),
		    json_string_value(json_object_get(c, "userId")));
		if (n != NULL)
			printf(": name \"%s\" -> \"%s\"", json_string_value(json_object_get(n,
			    "from")) ? json_string_value(json_object_get(n, "from")) : "",
			    json_string_value(json_object_get(n, "to")));
		putchar('\n');
	}
}

static int
args(fsim_headless_t *h, int argc, char **argv, bool *text)
{
	int i, o;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((o = fsim_cli_authn_opt(CMD, argc, argv, &i, &h->cfg, &h->x)) == 1)
			continue;
		if (o != 0)
			return FSIM_EXIT_USAGE;
		if (fsim_cli_is_help(a)) {
			fputs(usage, stdout);
			return -1;
		}
		if ((o = fsim_cli_platform_opt(CMD, argc, argv, &i, &h->po)) == 1)
			continue;
		if (o != 0)
			return o;
		if (strcmp(a, "--text") == 0)
			*text = true;
		else if (strcmp(a, "--origin") == 0 || strcmp(a, "--related-origins") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return fsim_cli_usage_error(CMD, "%s needs a value", a);
			if (a[2] == 'o')
				h->origin = argv[++i];
			else
				h->related_path = argv[++i];
		} else if (a[0] == '-' && a[1] != '\0')
			return fsim_cli_usage_error(CMD, "unknown option '%s'", a);
		else if (h->input != NULL)
			return fsim_cli_usage_error(CMD, "one SIGNAL_JSON at most ('%s' is extra)", a);
		else
			h->input = a;
	}
	if ((o = fsim_cli_authn_finish(CMD, &h->cfg, &h->x)) != 0)
		return o;
	if (h->related_path != NULL &&
	    (o = fsim_cli_load_related(CMD, h->related_path, &h->related)) != 0)
		return o;
	return fsim_cli_load_platform(CMD, h->po.name, h->po.off, h->po.n_off, &h->platform);
}

static int
run(int argc, char **argv)
{
	fsim_headless_t h;
	fsim_signal_t *s = NULL;
	fsim_client_error_t err;
	const fsim_platform_t *p;
	json_t *out = NULL, *changes = NULL;
	bool text = false;
	int r, e;

	fsim_headless_init(&h, CMD);
	if ((r = args(&h, argc, argv, &text)) != 0) {
		r = r < 0 ? FSIM_EXIT_OK : r;
		goto out;
	}
	if ((r = fsim_headless_load(&h)) != 0)
		goto out;
	p = h.platform != NULL ? h.platform : fsim_platform_spec();
	e = fsim_client_signal(p, h.related, h.origin, h.root, NULL, &s, &err);
	if (e == FSIM_ERR_ARG && err.name != NULL) {
		r = fsim_headless_refuse(&h, &err);
		goto out;
	}
	r = FSIM_EXIT_USAGE;
	if (e != 0) {
		fprintf(stderr, "fidosim %s: %s\n", CMD, fsim_strerr(e));
		goto out;
	}
	if ((r = fsim_headless_open(&h)) != 0)
		goto out;
	r = FSIM_EXIT_USAGE;
	if ((changes = json_array()) == NULL)
		goto out;
	if ((e = deliver(&h, s, changes)) != 0) {
		fprintf(stderr, "fidosim %s: the provider could not apply %s: %s\n", CMD,
		    fsim_signal_method(s->kind), e == FSIM_ERR_ARG ? "the new names break "
		    "the store's rules (UTF-8, at most 1024 bytes)" : fsim_strerr(e));
		goto out;
	}
	out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "signal", fsim_signal_name(s->kind),
	    "method", fsim_signal_method(s->kind), "rpId", s->rp_id, "platform", p->name,
	    "provider", provider_action(&h.cfg, s->kind), "changes", changes);
	if (out == NULL)
		goto out;
	if (text) {
		print_text(out);
		r = fflush(stdout) == 0 ? FSIM_EXIT_OK : FSIM_EXIT_USAGE;
	} else
		r = fsim_headless_emit(&h, out);
out:
	json_decref(out);
	json_decref(changes);
	fsim_signal_free(&s);
	fsim_headless_free(&h);
	return r;
}

const fsim_cmd_t fsim_cmd_signal = {
	"signal", run,
	"deliver a WebAuthn L3 signal (unknown credential, accepted credentials, user details) to the provider",
	usage,
};
