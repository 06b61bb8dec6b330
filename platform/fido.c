/*
 * fido.c — libfido2 (1.12, Debian's libfido2-dev) finds and opens devices
 * for fidosim: see platform/fido.h. The only file that includes <fido.h>.
 */
/* libfido2's headers name OpenSSL types (EC_KEY, RSA) that
 * OPENSSL_NO_DEPRECATED hides; this file calls no deprecated function. */
#undef OPENSSL_NO_DEPRECATED

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fido.h>

#include "core/fsim_core.h"
#include "platform/fido.h"

#define MANIFEST_MAX 64

struct fsim_fido {
	fido_dev_t *dev;
	bool open;
};

/* fidosim's report I/O, for libfido2 (fido_dev_io_t). */
static const fido_dev_io_t io_functions = {
	fsim_hidio_fido_open, fsim_hidio_fido_close, fsim_hidio_fido_read, fsim_hidio_fido_write,
};

static void
init_once(void)
{
	static bool done;

	if (!done) {
		/* FIDO_DEBUG in the environment: libfido2 logs its exchanges on stderr. */
		fido_init(getenv("FIDO_DEBUG") != NULL ? FIDO_DEBUG : 0);
		done = true;
	}
}

static void
copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src != NULL ? src : "");
}

int
fsim_fido_manifest(fsim_fido_found_t *v, size_t max, size_t *n)
{
	fido_dev_info_t *list;
	size_t found = 0, i;
	int r = FSIM_ERR_INTERNAL;

	*n = 0;
	init_once();
	if ((list = fido_dev_info_new(MANIFEST_MAX)) == NULL)
		return FSIM_ERR_NOMEM;
	if (fido_dev_info_manifest(list, MANIFEST_MAX, &found) != FIDO_OK)
		goto out;
	for (i = 0; i < found && *n < max; i++) {
		const fido_dev_info_t *di = fido_dev_info_ptr(list, i);

		if (di == NULL || fido_dev_info_path(di) == NULL)
			continue;
		copy(v[*n].path, sizeof(v[*n].path), fido_dev_info_path(di));
		copy(v[*n].manufacturer, sizeof(v[*n].manufacturer),
		    fido_dev_info_manufacturer_string(di));
		copy(v[*n].product, sizeof(v[*n].product), fido_dev_info_product_string(di));
		v[*n].vendor_id = (uint16_t)fido_dev_info_vendor(di);
		v[*n].product_id = (uint16_t)fido_dev_info_product(di);
		(*n)++;
	}
	r = 0;
out:
	fido_dev_info_free(&list, MANIFEST_MAX);
	return r;
}

int
fsim_fido_open(const char *path, fsim_fido_t **out, char *why, size_t whylen)
{
	fsim_fido_t *f;
	int e;

	*out = NULL;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	init_once();
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return FSIM_ERR_NOMEM;
	if ((f->dev = fido_dev_new()) == NULL ||
	    fido_dev_set_io_functions(f->dev, &io_functions) != FIDO_OK) {
		snprintf(why, whylen, "%s: libfido2 could not be set up", path);
		fsim_fido_close(&f);
		return FSIM_ERR_INTERNAL;
	}
	if ((e = fido_dev_open(f->dev, path)) != FIDO_OK) {
		const char *io = fsim_hidio_fido_open_error();

		if (io[0] != '\0')
			snprintf(why, whylen, "%s", io);
		else
			snprintf(why, whylen, "%s: libfido2 could not open it: %s (not a FIDO "
			    "authenticator, or it did not answer CTAPHID_INIT)", path, fido_strerr(e));
		fsim_fido_close(&f);
		return io[0] != '\0' && strstr(io, "No such file") != NULL ? FSIM_ERR_NOT_FOUND :
		    FSIM_ERR_IO;
	}
	f->open = true;
	*out = f;
	return 0;
}

void
fsim_fido_close(fsim_fido_t **fp)
{
	fsim_fido_t *f;

	if (fp == NULL || (f = *fp) == NULL)
		return;
	if (f->open)
		(void)fido_dev_close(f->dev);
	fido_dev_free(&f->dev);
	free(f);
	*fp = NULL;
}

fsim_hidio_t *
fsim_fido_io(fsim_fido_t *f)
{
	return f != NULL && f->open ? fido_dev_io_handle(f->dev) : NULL;
}

bool
fsim_fido_is_fido2(const fsim_fido_t *f)
{
	return f != NULL && f->open && fido_dev_is_fido2(f->dev);
}

static json_t *
strings(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *
fsim_fido_info_json(fsim_fido_t *f, char *why, size_t whylen)
{
	fido_cbor_info_t *ci = fido_cbor_info_new();
	json_t *o = NULL, *opts = NULL, *algs = NULL, *protos = NULL;
	char aaguid[FSIM_AAGUID_STRLEN + 1];
	const bool *vals;
	char **names;
	size_t i;
	int e;

	if (ci == NULL || f == NULL || !f->open) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	if ((e = fido_dev_get_cbor_info(f->dev, ci)) != FIDO_OK) {
		snprintf(why, whylen, "libfido2: fido_dev_get_cbor_info: %s", fido_strerr(e));
		goto out;
	}
	if ((o = json_object()) == NULL || (opts = json_object()) == NULL ||
	    (algs = json_array()) == NULL || (protos = json_array()) == NULL)
		goto out;
	json_object_set_new(o, "versions", strings(fido_cbor_info_versions_ptr(ci),
	    fido_cbor_info_versions_len(ci)));
	json_object_set_new(o, "extensions", strings(fido_cbor_info_extensions_ptr(ci),
	    fido_cbor_info_extensions_len(ci)));
	if (fido_cbor_info_aaguid_len(ci) == 16) {
		fsim_aaguid_format(fido_cbor_info_aaguid_ptr(ci), aaguid);
		json_object_set_new(o, "aaguid", json_string(aaguid));
	}
	names = fido_cbor_info_options_name_ptr(ci);
	vals = fido_cbor_info_options_value_ptr(ci);
	for (i = 0; i < fido_cbor_info_options_len(ci); i++)
		json_object_set_new(opts, names[i], json_boolean(vals[i]));
	json_object_set_new(o, "options", opts);
	opts = NULL;
	for (i = 0; i < fido_cbor_info_protocols_len(ci); i++)
		json_array_append_new(protos, json_integer(fido_cbor_info_protocols_ptr(ci)[i]));
	json_object_set_new(o, "pinUvAuthProtocols", protos);
	protos = NULL;
	json_object_set_new(o, "transports", strings(fido_cbor_info_transports_ptr(ci),
	    fido_cbor_info_transports_len(ci)));
	for (i = 0; i < fido_cbor_info_algorithm_count(ci); i++)
		if (fido_cbor_info_algorithm_type(ci, i) != NULL &&
		    strcmp(fido_cbor_info_algorithm_type(ci, i), "public-key") == 0)
			json_array_append_new(algs, json_integer(fido_cbor_info_algorithm_cose(ci, i)));
	json_object_set_new(o, "algorithms", algs);
	algs = NULL;
	if (fido_cbor_info_maxmsgsiz(ci) != 0)
		json_object_set_new(o, "maxMsgSize", json_integer((json_int_t)fido_cbor_info_maxmsgsiz(ci)));
out:
	json_decref(opts);
	json_decref(algs);
	json_decref(protos);
	fido_cbor_info_free(&ci);
	return o;
}
