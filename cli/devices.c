/*
 * devices.c — `fidosim devices`: the FIDO authenticators libfido2 finds
 * (fido_dev_info_manifest: USB HID devices with the FIDO usage page), or
 * the ones named with --device, each opened through libfido2 and described
 * by its authenticatorGetInfo as libfido2 reads it (CTAP 2.1 §6.4): AAGUID
 * and the provider's name from the AAGUID list (else, with --mds, the
 * metadata statement's description, with its status), versions,
 * extensions, options, algorithms, PIN/UV auth protocols, transports.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/device_opts.h"
#include "cli/mds_cli.h"
#include "platform/fido.h"

#define CMD "devices"
#define MAX_DEVICES 32

static const char usage[] =
"usage: fidosim devices [--device PATH]... [--mds BLOB [--mds-root PEM]...] [--json]\n"
"\n"
"List the FIDO authenticators libfido2 finds (USB security keys: /dev/hidrawN\n"
"nodes with the FIDO HID usage page), or those named with --device (also\n"
"unix:PATH for a CTAPHID socket such as fidosim authenticator --listen, which\n"
"nothing can discover), with what each says of itself in\n"
"authenticatorGetInfo (CTAP 2.1 6.4) as libfido2 reads it: the AAGUID and the\n"
"provider's name from the AAGUID list (else from the metadata statement of\n"
"an MDS3 BLOB given with --mds, with its status), versions, extensions, options,\n"
"algorithms, PIN/UV auth protocols and transports; and its CTAPHID INIT\n"
"answer (protocol, device version, capabilities).\n"
"\n"
"options:\n"
"  --device PATH   describe this device (repeatable) instead of searching\n"
"  --json          {\"devices\": [...]} on stdout\n"
FSIM_CLI_MDS_USAGE
"\n"
"A hidraw node this user may not open is listed with the reason; see DEVICES\n"
"in man fidosim for the udev rule that grants access.\n"
"\n"
"exit status: 0 at least one authenticator was read; 1 no authenticator found\n"
"(\"no authenticator found\"), or none could be read; 2 usage error.\n";

/* Text of a JSON array of strings or numbers, comma separated. */
static void
print_list(const char *label, const json_t *a)
{
	size_t i;
	const json_t *v;

	printf("  %-20s", label);
	if (!json_is_array(a) || json_array_size(a) == 0) {
		printf("-\n");
		return;
	}
	json_array_foreach(a, i, v) {
		if (json_is_string(v))
			printf("%s%s", i ? ", " : "", json_string_value(v));
		else if (json_is_integer(v))
			printf("%s%lld", i ? ", " : "", (long long)json_integer_value(v));
	}
	putchar('\n');
}

static void
print_device(const json_t *d)
{
	const json_t *opts = json_object_get(d, "options"), *v, *algs;
	const char *k, *err = json_string_value(json_object_get(d, "error"));
	size_t i;
	bool first = true;

	printf("%s", json_string_value(json_object_get(d, "path")));
	if (json_string_length(json_object_get(d, "product")) > 0)
		printf("  %s %s", json_string_value(json_object_get(d, "manufacturer")),
		    json_string_value(json_object_get(d, "product")));
	putchar('\n');
	if (err != NULL) {
		printf("  cannot read it: %s\n", err);
		return;
	}
	printf("  %-20s%s", "aaguid", json_string_value(json_object_get(d, "aaguid")) ?
	    json_string_value(json_object_get(d, "aaguid")) : "-");
	if (json_is_string(json_object_get(d, "name")))
		printf("  (%s)", json_string_value(json_object_get(d, "name")));
	putchar('\n');
	v = json_object_get(d, "mds");
	if (json_is_object(v))
		printf("  %-20s%s, status %s%s%s\n", "metadata", json_string_value(json_object_get(v,
		    "description")) ? json_string_value(json_object_get(v, "description")) : "-",
		    json_string_value(json_object_get(v, "status")) ?
		    json_string_value(json_object_get(v, "status")) : "-",
		    json_string_value(json_object_get(v, "certification")) ? ", " : "",
		    json_string_value(json_object_get(v, "certification")) ?
		    json_string_value(json_object_get(v, "certification")) : "");
	else if (json_is_null(v))
		printf("  %-20s%s\n", "metadata", "not in the BLOB");
	print_list("versions", json_object_get(d, "versions"));
	print_list("extensions", json_object_get(d, "extensions"));
	printf("  %-20s", "options");
	json_object_foreach((json_t *)opts, k, v) {
		printf("%s%s=%s", first ? "" : ", ", k, json_is_true(v) ? "true" : "false");
		first = false;
	}
	printf("%s\n", first ? "-" : "");
	algs = json_object_get(d, "algorithms");
	printf("  %-20s", "algorithms");
	json_array_foreach(algs, i, v) {
		const char *an = fsim_cose_alg_name((int)json_integer_value(v));

		printf("%s%s (%lld)", i ? ", " : "", an != NULL ? an : "unknown",
		    (long long)json_integer_value(v));
	}
	printf("%s\n", json_array_size(algs) == 0 ? "-" : "");
	print_list("pinUvAuthProtocols", json_object_get(d, "pinUvAuthProtocols"));
	print_list("transports", json_object_get(d, "transports"));
	if (json_is_integer(json_object_get(d, "maxMsgSize")))
		printf("  %-20s%lld\n", "maxMsgSize",
		    (long long)json_integer_value(json_object_get(d, "maxMsgSize")));
	v = json_object_get(d, "ctaphid");
	printf("  %-20sprotocol %lld, device version %s, capabilities %s\n", "CTAPHID",
	    (long long)json_integer_value(json_object_get(v, "protocol")),
	    json_string_value(json_object_get(v, "version")),
	    json_string_value(json_object_get(v, "capabilities")));
}

/* One device as JSON: found (may be NULL for --device) and what getInfo says. */
/* The BLOB's entry for aaguid, as verify gives it (authenticator.mds); null when none. */
static json_t *
mds_of(const fsim_mds_t *mds, const uint8_t aaguid[16])
{
	const fsim_mds_entry_t *e = fsim_mds_find_aaguid(mds, aaguid);
	const fsim_mds_report_t *cur;
	fsim_mds_status_t cert;
	time_t now = time(NULL);

	if (e == NULL)
		return json_null();
	cur = fsim_mds_current(e, now);
	cert = fsim_mds_certification(e, now);
	return json_pack("{s:s?, s:s?, s:s?}", "status", cur ? cur->status_name : NULL,
	    "certification", cert == FSIM_MDS_ST_UNKNOWN ? NULL : fsim_mds_status_name(cert),
	    "description", e->description);
}

static json_t *
describe(const char *path, const fsim_fido_found_t *found, const fsim_aaguid_names_t *names,
    const fsim_mds_t *mds, bool *read_ok)
{
	fsim_device_t *dev = NULL;
	const fsim_hidc_info_t *hid;
	json_t *o = json_pack("{s:s}", "path", path), *info = NULL;
	char why[512], ver[32], caps[64];
	uint8_t aaguid[16];
	const char *a, *name;

	*read_ok = false;
	if (o == NULL)
		return NULL;
	if (found != NULL) {
		json_object_set_new(o, "manufacturer", json_string(found->manufacturer));
		json_object_set_new(o, "product", json_string(found->product));
		json_object_set_new(o, "vendorId", json_integer(found->vendor_id));
		json_object_set_new(o, "productId", json_integer(found->product_id));
	}
	if (fsim_device_open(path, &dev, why, sizeof(why)) != 0) {
		json_object_set_new(o, "error", json_string(why));
		return o;
	}
	if ((info = fsim_device_fido_info(dev, why, sizeof(why))) == NULL) {
		json_object_set_new(o, "error", json_string(why));
		fsim_device_free(&dev);
		return o;
	}
	json_object_update(o, info);
	json_decref(info);
	a = json_string_value(json_object_get(o, "aaguid"));
	if (a != NULL && fsim_aaguid_parse(a, aaguid) == 0) {
		json_t *me = mds != NULL ? mds_of(mds, aaguid) : NULL;

		/* Our name table's name, else the metadata statement's description. */
		if ((name = fsim_aaguid_name(names, aaguid)) == NULL && me != NULL)
			name = json_string_value(json_object_get(me, "description"));
		if (name != NULL)
			json_object_set_new(o, "name", json_string(name));
		if (me != NULL)
			json_object_set_new(o, "mds", me);
	}
	hid = fsim_device_hid(dev);
	snprintf(ver, sizeof(ver), "%u.%u.%u", hid->major, hid->minor, hid->build);
	snprintf(caps, sizeof(caps), "%s%s%s", hid->caps & FSIM_HIDC_CAP_WINK ? "WINK " : "",
	    hid->caps & FSIM_HIDC_CAP_CBOR ? "CBOR " : "",
	    hid->caps & FSIM_HIDC_CAP_NMSG ? "NMSG (no U2F)" : "MSG (U2F)");
	json_object_set_new(o, "ctaphid", json_pack("{s:i, s:s, s:s}", "protocol", hid->protocol,
	    "version", ver, "capabilities", caps));
	fsim_device_free(&dev);
	*read_ok = true;
	return o;
}

static int
run(int argc, char **argv)
{
	const char *paths[MAX_DEVICES];
	fsim_fido_found_t found[MAX_DEVICES];
	fsim_aaguid_names_t *names = NULL;
	struct fsim_cli_mds_opts mdso;
	fsim_mds_t *mds = NULL;
	json_t *list = NULL;
	size_t n_paths = 0, n_found = 0, i, n_read = 0;
	bool json = false;
	int r = FSIM_EXIT_USAGE, o, ii;

	memset(&mdso, 0, sizeof(mdso));
	for (i = 1; i < (size_t)argc; i++) {
		ii = (int)i;
		if ((o = fsim_cli_mds_opt(CMD, argc, argv, &ii, &mdso)) == 1) {
			i = (size_t)ii;
			continue;
		}
		if (o != 0)
			return o;
		if (fsim_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			return FSIM_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--device") == 0) {
			if (i + 1 >= (size_t)argc || argv[i + 1][0] == '\0')
				return fsim_cli_usage_error(CMD, "--device needs a path");
			if (n_paths == MAX_DEVICES)
				return fsim_cli_usage_error(CMD, "%d --device at most", MAX_DEVICES);
			paths[n_paths++] = argv[++i];
		} else
			return fsim_cli_usage_error(CMD, "unknown argument '%s'", argv[i]);
	}
	if (n_paths == 0) {
		if (fsim_fido_manifest(found, MAX_DEVICES, &n_found) != 0) {
			fprintf(stderr, "fidosim %s: libfido2 could not list the HID devices\n", CMD);
			return FSIM_EXIT_USAGE;
		}
		for (i = 0; i < n_found; i++)
			paths[n_paths++] = found[i].path;
	}
	if (n_paths == 0) {
		if (json)
			printf("{\"devices\":[],\"error\":\"no authenticator found\"}\n");
		fprintf(stderr, "fidosim %s: no authenticator found (libfido2 sees no FIDO "
		    "HID device; is a security key plugged in, and may this user open its "
		    "/dev/hidraw node? see DEVICES in man fidosim)\n", CMD);
		return FSIM_EXIT_FAIL;
	}
	if (fsim_aaguid_names_load(NULL, &names, NULL) != 0)
		names = NULL;
	if ((r = fsim_cli_mds_load(CMD, &mdso, time(NULL), &mds)) != 0)
		goto out;
	r = FSIM_EXIT_USAGE;
	if ((list = json_array()) == NULL)
		goto out;
	for (i = 0; i < n_paths; i++) {
		bool ok;
		json_t *d = describe(paths[i], n_found > 0 ? &found[i] : NULL, names, mds, &ok);

		if (d == NULL)
			goto out;
		n_read += ok;
		json_array_append_new(list, d);
	}
	if (json) {
		json_t *all = json_pack("{s:O}", "devices", list);

		json_dumpf(all, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(all);
	} else {
		json_t *d;

		json_array_foreach(list, i, d) {
			if (i > 0)
				putchar('\n');
			print_device(d);
		}
	}
	if (n_read == 0)
		fprintf(stderr, "fidosim %s: no authenticator could be read\n", CMD);
	r = n_read > 0 ? FSIM_EXIT_OK : FSIM_EXIT_FAIL;
out:
	json_decref(list);
	fsim_aaguid_names_free(&names);
	fsim_mds_free(&mds);
	return r;
}

const fsim_cmd_t fsim_cmd_devices = {
	"devices", run,
	"list the FIDO authenticators libfido2 finds, with their getInfo",
	usage,
};
