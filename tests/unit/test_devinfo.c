/*
 * test_devinfo.c — reading authenticatorGetInfo (platform/devinfo.h): the
 * software authenticator's answer read member by member; members of the
 * wrong type skipped and named while the others are kept; what is not a
 * map refused; the option, version, protocol and algorithm questions a
 * client asks; the JSON of `fidosim devices`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authenticator/authn.h"
#include "platform/devinfo.h"

/* The software authenticator's getInfo with this configuration. */
static void
info_of(void (*tweak)(fsim_authn_config_t *), fsim_blob_t *out)
{
	static const uint8_t seed[] = "test_devinfo", cmd = 0x04;
	fsim_env_t env;
	fsim_store_t *store = NULL;
	fsim_authn_t *a = NULL;
	fsim_authn_config_t cfg;

	assert_int_equal(fsim_env_seeded(&env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &env, &store, NULL), 0);
	fsim_authn_config_init(&cfg);
	memset(cfg.aaguid, 0xab, 16);
	if (tweak != NULL)
		tweak(&cfg);
	assert_int_equal(fsim_authn_new(&cfg, &env, store, &a), 0);
	assert_int_equal(fsim_authn_request(a, &cmd, 1, out), 0);
	fsim_authn_free(&a);
	fsim_store_free(&store);
	fsim_env_free(&env);
}

static void
no_uv(fsim_authn_config_t *c)
{
	c->uv = FSIM_UVMODE_NEVER;
	c->rk_capable = false;
}

static void
reads_the_authenticator(void **state)
{
	fsim_blob_t raw = { NULL, 0 };
	fsim_devinfo_t i;
	fsim_diags_t d;
	uint8_t ab[16];
	json_t *j;

	(void)state;
	fsim_diags_init(&d);
	info_of(NULL, &raw);
	assert_int_equal(fsim_devinfo_parse(raw.ptr, raw.len, &i, &d), 0);
	assert_int_equal(d.n, 0);
	assert_true(fsim_devinfo_has_version(&i, "FIDO_2_1"));
	assert_true(fsim_devinfo_has_version(&i, "U2F_V2"));
	assert_false(fsim_devinfo_has_version(&i, "FIDO_2_2"));
	assert_true(fsim_devinfo_has_extension(&i, "credProtect"));
	assert_false(fsim_devinfo_has_extension(&i, "largeBlobKey"));
	memset(ab, 0xab, 16);
	assert_true(i.has_aaguid);
	assert_memory_equal(i.aaguid, ab, 16);
	assert_int_equal(fsim_devinfo_option(&i, "uv"), 1);
	assert_int_equal(fsim_devinfo_option(&i, "rk"), 1);
	assert_int_equal(fsim_devinfo_option(&i, "clientPin"), -1);
	assert_true(fsim_devinfo_can_verify(&i));
	assert_int_equal(fsim_devinfo_pin_protocol(&i), 2);
	assert_true(fsim_devinfo_has_alg(&i, -7));
	assert_true(fsim_devinfo_has_alg(&i, -257));
	assert_false(fsim_devinfo_has_alg(&i, -48));
	assert_int_equal(i.max_msg_size, 7609);
	assert_int_equal(i.n_transports, 1);
	assert_string_equal(i.transports[0], "usb");
	assert_non_null(j = fsim_devinfo_json(&i));
	assert_string_equal(json_string_value(json_object_get(j, "aaguid")),
	    "abababab-abab-abab-abab-abababababab");
	assert_true(json_is_true(json_object_get(json_object_get(j, "options"), "uv")));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "algorithms"), 0)), -7);
	assert_int_equal(json_integer_value(json_object_get(j, "maxMsgSize")), 7609);
	json_decref(j);
	fsim_blob_reset(&raw);
	/* Without UV: nothing to verify with. */
	info_of(no_uv, &raw);
	assert_int_equal(fsim_devinfo_parse(raw.ptr, raw.len, &i, NULL), 0);
	assert_int_equal(fsim_devinfo_option(&i, "uv"), -1);
	assert_int_equal(fsim_devinfo_option(&i, "rk"), 0);
	assert_false(fsim_devinfo_can_verify(&i));
	fsim_blob_reset(&raw);
	fsim_diags_clear(&d);
}

/* Encode a map built by the test. */
static void
encode(cbor_item_t *m, fsim_blob_t *out)
{
	assert_int_equal(fsim_cbor_encode(m, out), 0);
	cbor_decref(&m);
}

static cbor_item_t *
texts(const char *a, const char *b)
{
	cbor_item_t *arr = cbor_new_definite_array(2);

	assert_int_equal(fsim_cbor_array_push(arr, fsim_cbor_text(a)), 0);
	if (b != NULL)
		assert_int_equal(fsim_cbor_array_push(arr, fsim_cbor_text(b)), 0);
	return arr;
}

static void
wrong_types_are_named(void **state)
{
	static const uint8_t aaguid15[15] = { 1 };
	cbor_item_t *m = cbor_new_definite_map(6), *o = cbor_new_definite_map(2);
	fsim_blob_t raw = { NULL, 0 };
	fsim_devinfo_t i;
	fsim_diags_t d;
	char line[300];

	(void)state;
	fsim_diags_init(&d);
	/* versions fine, extensions a text string, a 15-byte AAGUID, an option not a bool. */
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), texts("FIDO_2_0", NULL)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(2), fsim_cbor_text("hmac-secret")), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(3), fsim_cbor_bytes(aaguid15, 15)), 0);
	assert_int_equal(fsim_cbor_map_put(o, fsim_cbor_text("rk"), cbor_build_bool(true)), 0);
	assert_int_equal(fsim_cbor_map_put(o, fsim_cbor_text("uv"), fsim_cbor_int(1)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(4), o), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(5), fsim_cbor_text("big")), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(6), texts("one", NULL)), 0);
	encode(m, &raw);
	assert_int_equal(fsim_devinfo_parse(raw.ptr, raw.len, &i, &d), 0);
	assert_int_equal(d.n, 5);
	fsim_diag_format(&d.v[0], line, sizeof(line));
	assert_non_null(strstr(line, "getInfo.0x02 extensions"));
	assert_non_null(strstr(d.v[1].field, "0x03 aaguid"));
	assert_non_null(strstr(d.v[2].field, "0x04 options"));
	assert_non_null(strstr(d.v[3].field, "0x05 maxMsgSize"));
	assert_non_null(strstr(d.v[4].field, "0x06 pinUvAuthProtocols"));
	/* What was right is kept. */
	assert_true(fsim_devinfo_has_version(&i, "FIDO_2_0"));
	assert_false(i.has_aaguid);
	assert_int_equal(fsim_devinfo_option(&i, "rk"), 1);
	assert_int_equal(fsim_devinfo_option(&i, "uv"), -1);
	assert_int_equal(i.max_msg_size, 0);
	fsim_blob_reset(&raw);
	fsim_diags_clear(&d);
}

static void
not_a_map(void **state)
{
	static const uint8_t arr[] = { 0x81, 0x01 }, junk[] = { 0xa2, 0x01 };
	fsim_devinfo_t i;
	fsim_diags_t d;

	(void)state;
	fsim_diags_init(&d);
	assert_int_equal(fsim_devinfo_parse(arr, sizeof(arr), &i, &d), FSIM_ERR_FORMAT);
	assert_int_equal(fsim_devinfo_parse(junk, sizeof(junk), &i, &d), FSIM_ERR_CBOR);
	assert_int_equal(fsim_devinfo_parse(NULL, 0, &i, &d), FSIM_ERR_CBOR);
	assert_int_equal(d.n, 3);
	fsim_diags_clear(&d);
}

/* pinUvAuthProtocols [v...] with clientPin present and versions. */
static uint64_t
protocol_of(const uint64_t *v, size_t n, const char *version)
{
	cbor_item_t *m = cbor_new_definite_map(3), *p = cbor_new_definite_array(n),
	    *o = cbor_new_definite_map(1);
	fsim_blob_t raw = { NULL, 0 };
	fsim_devinfo_t i;
	size_t k;

	for (k = 0; k < n; k++)
		assert_int_equal(fsim_cbor_array_push(p, fsim_cbor_int((int64_t)v[k])), 0);
	assert_int_equal(fsim_cbor_map_put(o, fsim_cbor_text("clientPin"), cbor_build_bool(false)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(1), texts(version, NULL)), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(4), o), 0);
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(6), p), 0);
	encode(m, &raw);
	assert_int_equal(fsim_devinfo_parse(raw.ptr, raw.len, &i, NULL), 0);
	fsim_blob_reset(&raw);
	return fsim_devinfo_pin_protocol(&i);
}

static void
preferred_protocol(void **state)
{
	static const uint64_t one[] = { 1 }, both[] = { 1, 2 }, three[] = { 3 };

	(void)state;
	assert_int_equal(protocol_of(both, 2, "FIDO_2_1"), 2);
	assert_int_equal(protocol_of(one, 1, "FIDO_2_1"), 1);
	assert_int_equal(protocol_of(three, 1, "FIDO_2_1"), 0);
	/* A CTAP 2.0 authenticator with clientPin and no list speaks protocol one. */
	assert_int_equal(protocol_of(NULL, 0, "FIDO_2_0"), 1);
	assert_int_equal(protocol_of(NULL, 0, "FIDO_2_1"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_the_authenticator),
		cmocka_unit_test(wrong_types_are_named),
		cmocka_unit_test(not_a_map),
		cmocka_unit_test(preferred_protocol),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
