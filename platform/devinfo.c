/*
 * devinfo.c — reading authenticatorGetInfo (CTAP 2.1 §6.4), leniently:
 * see platform/devinfo.h.
 */
#include <stdio.h>
#include <string.h>

#include "platform/devinfo.h"

#define RULE "INFO"

static void
bad(fsim_diags_t *d, uint64_t key, const char *name, const char *fmt, const char *what)
{
	char field[64];

	snprintf(field, sizeof(field), "getInfo.0x%02x %s", (unsigned)key, name);
	fsim_diags_add(d, FSIM_SEV_ERROR, RULE, field, FSIM_NO_OFFSET, fmt, what);
}

/* An array of text strings into v (each at most cap - 1 bytes). */
static void
texts(const cbor_item_t *it, uint64_t key, const char *name, char *v, size_t cap, size_t max,
    size_t *n, fsim_diags_t *d)
{
	size_t i, len;

	*n = 0;
	if (!cbor_isa_array(it)) {
		bad(d, key, name, "is a %s, not an array of text strings", fsim_cbor_type_name(it));
		return;
	}
	for (i = 0; i < cbor_array_size(it); i++) {
		cbor_item_t *e = cbor_array_handle(it)[i];

		if (!cbor_isa_string(e) || !cbor_string_is_definite(e)) {
			bad(d, key, name, "has a %s among its text strings", fsim_cbor_type_name(e));
			continue;
		}
		len = cbor_string_length(e);
		if (len >= cap || *n == max) {
			bad(d, key, name, "has %s", len >= cap ? "an entry too long to keep" :
			    "more entries than fidosim keeps");
			continue;
		}
		memcpy(v + *n * cap, cbor_string_handle(e), len);
		v[*n * cap + len] = '\0';
		(*n)++;
	}
}

static bool
get_uint(const cbor_item_t *it, uint64_t key, const char *name, uint64_t *out, fsim_diags_t *d)
{
	if (!cbor_isa_uint(it)) {
		bad(d, key, name, "is a %s, not an unsigned integer", fsim_cbor_type_name(it));
		return false;
	}
	*out = cbor_get_int(it);
	return true;
}

static void
options(const cbor_item_t *it, fsim_devinfo_t *o, fsim_diags_t *d)
{
	struct cbor_pair *p;
	size_t i, len;

	if (!cbor_isa_map(it)) {
		bad(d, 4, "options", "is a %s, not a map", fsim_cbor_type_name(it));
		return;
	}
	p = cbor_map_handle(it);
	for (i = 0; i < cbor_map_size(it); i++) {
		if (!cbor_isa_string(p[i].key) || !cbor_string_is_definite(p[i].key) ||
		    (len = cbor_string_length(p[i].key)) >= sizeof(o->options[0].name)) {
			bad(d, 4, "options", "has a key that is %s", "not a short text string");
			continue;
		}
		if (!cbor_isa_float_ctrl(p[i].value) || !cbor_is_bool(p[i].value)) {
			bad(d, 4, "options", "has a value that is a %s, not a boolean",
			    fsim_cbor_type_name(p[i].value));
			continue;
		}
		if (o->n_options == FSIM_DEVINFO_MAX)
			break;
		memcpy(o->options[o->n_options].name, cbor_string_handle(p[i].key), len);
		o->options[o->n_options].name[len] = '\0';
		o->options[o->n_options].value = cbor_get_bool(p[i].value);
		o->n_options++;
	}
}

static void
algorithms(const cbor_item_t *it, fsim_devinfo_t *o, fsim_diags_t *d)
{
	size_t i;

	if (!cbor_isa_array(it)) {
		bad(d, 10, "algorithms", "is a %s, not an array", fsim_cbor_type_name(it));
		return;
	}
	o->has_algs = true;
	for (i = 0; i < cbor_array_size(it); i++) {
		cbor_item_t *e = cbor_array_handle(it)[i], *t, *a;
		int64_t v;

		t = cbor_isa_map(e) ? fsim_cbor_map_get_str(e, "type") : NULL;
		a = cbor_isa_map(e) ? fsim_cbor_map_get_str(e, "alg") : NULL;
		if (t == NULL || a == NULL || !cbor_isa_string(t) || fsim_cbor_get_int(a, &v) != 0) {
			bad(d, 10, "algorithms", "has an entry that is %s", "not {\"alg\": int, "
			    "\"type\": text}");
			continue;
		}
		/* §6.4: entries of unknown types are ignored. */
		if (cbor_string_length(t) != 10 || memcmp(cbor_string_handle(t), "public-key", 10) != 0)
			continue;
		if (o->n_algs < FSIM_DEVINFO_MAX)
			o->algs[o->n_algs++] = v;
	}
}

int
fsim_devinfo_parse(const uint8_t *cbor, size_t len, fsim_devinfo_t *out, fsim_diags_t *d)
{
	cbor_item_t *m = NULL;
	struct cbor_pair *p;
	size_t i, j;
	int r = FSIM_ERR_CBOR;

	memset(out, 0, sizeof(*out));
	if (cbor == NULL || len == 0 || fsim_cbor_decode(cbor, len, &m, NULL) != 0) {
		fsim_diags_add(d, FSIM_SEV_ERROR, RULE, "getInfo", FSIM_NO_OFFSET,
		    "the response is not well-formed CBOR (CTAP 2.1 8)");
		goto out;
	}
	r = FSIM_ERR_FORMAT;
	if (!cbor_isa_map(m)) {
		fsim_diags_add(d, FSIM_SEV_ERROR, RULE, "getInfo", FSIM_NO_OFFSET,
		    "the response is a %s, not a map", fsim_cbor_type_name(m));
		goto out;
	}
	p = cbor_map_handle(m);
	for (i = 0; i < cbor_map_size(m); i++) {
		const cbor_item_t *v = p[i].value;
		uint64_t k, x;

		if (!cbor_isa_uint(p[i].key))
			continue;   /* not ours to judge here */
		k = cbor_get_int(p[i].key);
		switch (k) {
		case 1:
			texts(v, k, "versions", &out->versions[0][0], sizeof(out->versions[0]),
			    FSIM_DEVINFO_MAX, &out->n_versions, d);
			break;
		case 2:
			texts(v, k, "extensions", &out->extensions[0][0], sizeof(out->extensions[0]),
			    FSIM_DEVINFO_MAX, &out->n_extensions, d);
			break;
		case 3: {
			const uint8_t *b;
			size_t n;

			if (fsim_cbor_get_bytes(v, &b, &n) != 0 || n != 16) {
				bad(d, k, "aaguid", "is %s, not 16 bytes", cbor_isa_bytestring(v) ?
				    "a byte string of another length" : "not a byte string");
				break;
			}
			memcpy(out->aaguid, b, 16);
			out->has_aaguid = true;
			break;
		}
		case 4:
			options(v, out, d);
			break;
		case 5:
			(void)get_uint(v, k, "maxMsgSize", &out->max_msg_size, d);
			break;
		case 6:
			if (!cbor_isa_array(v)) {
				bad(d, k, "pinUvAuthProtocols", "is a %s, not an array",
				    fsim_cbor_type_name(v));
				break;
			}
			for (j = 0; j < cbor_array_size(v); j++)
				if (get_uint(cbor_array_handle(v)[j], k, "pinUvAuthProtocols", &x, d) &&
				    out->n_pin_protocols < 8)
					out->pin_protocols[out->n_pin_protocols++] = x;
			break;
		case 7:
			(void)get_uint(v, k, "maxCredentialCountInList", &out->max_cred_count_in_list, d);
			break;
		case 8:
			(void)get_uint(v, k, "maxCredentialIdLength", &out->max_cred_id_length, d);
			break;
		case 9:
			texts(v, k, "transports", &out->transports[0][0], sizeof(out->transports[0]),
			    FSIM_DEVINFO_MAX, &out->n_transports, d);
			break;
		case 10:
			algorithms(v, out, d);
			break;
		case 11:
			(void)get_uint(v, k, "maxSerializedLargeBlobArray", &out->max_large_blob, d);
			break;
		case 12:
			if (!cbor_isa_float_ctrl(v) || !cbor_is_bool(v))
				bad(d, k, "forcePINChange", "is a %s, not a boolean",
				    fsim_cbor_type_name(v));
			else
				out->force_pin_change = cbor_get_bool(v);
			break;
		case 13:
			(void)get_uint(v, k, "minPINLength", &out->min_pin_length, d);
			break;
		case 14:
			out->has_firmware_version = get_uint(v, k, "firmwareVersion",
			    &out->firmware_version, d);
			break;
		case 15:
			(void)get_uint(v, k, "maxCredBlobLength", &out->max_cred_blob_length, d);
			break;
		case 20:
			out->has_remaining_rk = get_uint(v, k, "remainingDiscoverableCredentials",
			    &out->remaining_rk, d);
			break;
		default:
			break;
		}
	}
	r = 0;
out:
	if (m != NULL)
		cbor_decref(&m);
	return r;
}

int
fsim_devinfo_option(const fsim_devinfo_t *i, const char *name)
{
	size_t k;

	for (k = 0; i != NULL && k < i->n_options; k++)
		if (strcmp(i->options[k].name, name) == 0)
			return i->options[k].value ? 1 : 0;
	return -1;
}

static bool
in_list(const char *v, size_t cap, size_t n, const char *s)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (strcmp(v + k * cap, s) == 0)
			return true;
	return false;
}

bool
fsim_devinfo_has_version(const fsim_devinfo_t *i, const char *v)
{
	return in_list(&i->versions[0][0], sizeof(i->versions[0]), i->n_versions, v);
}

bool
fsim_devinfo_has_extension(const fsim_devinfo_t *i, const char *e)
{
	return in_list(&i->extensions[0][0], sizeof(i->extensions[0]), i->n_extensions, e);
}

bool
fsim_devinfo_has_pin_protocol(const fsim_devinfo_t *i, uint64_t p)
{
	size_t k;

	for (k = 0; k < i->n_pin_protocols; k++)
		if (i->pin_protocols[k] == p)
			return true;
	return false;
}

bool
fsim_devinfo_has_alg(const fsim_devinfo_t *i, int64_t alg)
{
	size_t k;

	for (k = 0; k < i->n_algs; k++)
		if (i->algs[k] == alg)
			return true;
	return false;
}

bool
fsim_devinfo_can_verify(const fsim_devinfo_t *i)
{
	return fsim_devinfo_option(i, "uv") == 1 || fsim_devinfo_option(i, "clientPin") == 1;
}

uint64_t
fsim_devinfo_pin_protocol(const fsim_devinfo_t *i)
{
	if (fsim_devinfo_has_pin_protocol(i, 2))
		return 2;
	if (fsim_devinfo_has_pin_protocol(i, 1))
		return 1;
	/* §6.4: a CTAP 2.0 authenticator with clientPin and no list speaks protocol 1. */
	if (i->n_pin_protocols == 0 && fsim_devinfo_option(i, "clientPin") != -1 &&
	    !fsim_devinfo_has_version(i, "FIDO_2_1"))
		return 1;
	return 0;
}

static json_t *
text_list(const char *v, size_t cap, size_t n)
{
	json_t *a = json_array();
	size_t k;

	for (k = 0; a != NULL && k < n; k++)
		if (json_array_append_new(a, json_string(v + k * cap)) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *
fsim_devinfo_json(const fsim_devinfo_t *i)
{
	char aaguid[FSIM_AAGUID_STRLEN + 1];
	json_t *o = json_object(), *opts = json_object(), *protos = json_array(),
	    *algs = json_array();
	size_t k;

	if (o == NULL || opts == NULL || protos == NULL || algs == NULL)
		goto fail;
	for (k = 0; k < i->n_options; k++)
		json_object_set_new(opts, i->options[k].name, json_boolean(i->options[k].value));
	for (k = 0; k < i->n_pin_protocols; k++)
		json_array_append_new(protos, json_integer((json_int_t)i->pin_protocols[k]));
	for (k = 0; k < i->n_algs; k++)
		json_array_append_new(algs, json_integer((json_int_t)i->algs[k]));
	if (json_object_set_new(o, "versions", text_list(&i->versions[0][0],
	    sizeof(i->versions[0]), i->n_versions)) != 0 ||
	    json_object_set_new(o, "extensions", text_list(&i->extensions[0][0],
	    sizeof(i->extensions[0]), i->n_extensions)) != 0)
		goto fail;
	if (i->has_aaguid) {
		fsim_aaguid_format(i->aaguid, aaguid);
		json_object_set_new(o, "aaguid", json_string(aaguid));
	}
	json_object_set_new(o, "options", opts);
	opts = NULL;
	if (i->max_msg_size)
		json_object_set_new(o, "maxMsgSize", json_integer((json_int_t)i->max_msg_size));
	json_object_set_new(o, "pinUvAuthProtocols", protos);
	protos = NULL;
	if (i->max_cred_count_in_list)
		json_object_set_new(o, "maxCredentialCountInList",
		    json_integer((json_int_t)i->max_cred_count_in_list));
	if (i->max_cred_id_length)
		json_object_set_new(o, "maxCredentialIdLength",
		    json_integer((json_int_t)i->max_cred_id_length));
	json_object_set_new(o, "transports", text_list(&i->transports[0][0],
	    sizeof(i->transports[0]), i->n_transports));
	json_object_set_new(o, "algorithms", algs);
	algs = NULL;
	if (i->min_pin_length)
		json_object_set_new(o, "minPINLength", json_integer((json_int_t)i->min_pin_length));
	if (i->has_firmware_version)
		json_object_set_new(o, "firmwareVersion",
		    json_integer((json_int_t)i->firmware_version));
	if (i->max_cred_blob_length)
		json_object_set_new(o, "maxCredBlobLength",
		    json_integer((json_int_t)i->max_cred_blob_length));
	if (i->has_remaining_rk)
		json_object_set_new(o, "remainingDiscoverableCredentials",
		    json_integer((json_int_t)i->remaining_rk));
	return o;
fail:
	json_decref(o);
	json_decref(opts);
	json_decref(protos);
	json_decref(algs);
	return NULL;
}
