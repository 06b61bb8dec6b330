/*
 * test_pin_cmd.c — the software authenticator's client PIN (CTAP 2.1 §6.5,
 * authenticator/pin_cmd.c), driven by the platform's side of the PIN/UV
 * auth protocols (platform/pinuv.h) through fsim_authn_request: getInfo's
 * clientPin, setPIN and its refusals, tokens from the PIN under protocols
 * one and two, retries, the blocks after 3 mismatches and after 8, changePIN,
 * a discoverable credential that needs UV once a PIN is set, and a reset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "authenticator/authn.h"
#include "platform/pinuv.h"

struct ctx {
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *a;
};

static void
start(struct ctx *c, const char *pin)
{
	static const uint8_t seed[] = "test_pin_cmd";
	fsim_authn_config_t cfg;

	memset(c, 0, sizeof(*c));
	assert_int_equal(fsim_env_seeded(&c->env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &c->env, &c->store, NULL), 0);
	fsim_authn_config_init(&cfg);
	cfg.uv = FSIM_UVMODE_NEVER;           /* the PIN is the only UV */
	assert_int_equal(fsim_authn_new(&cfg, &c->env, c->store, &c->a), 0);
	assert_int_equal(fsim_authn_pin_enable(c->a, pin), 0);
}

static void
stop(struct ctx *c)
{
	fsim_authn_free(&c->a);
	fsim_store_free(&c->store);
	fsim_env_free(&c->env);
}

static uint8_t
call(struct ctx *c, uint8_t cmd, cbor_item_t *m, cbor_item_t **out)
{
	fsim_blob_t body = { NULL, 0 }, req = { NULL, 0 }, resp = { NULL, 0 };
	uint8_t st;

	if (out != NULL)
		*out = NULL;
	assert_int_equal(fsim_blob_append(&req, &cmd, 1), 0);
	if (m != NULL) {
		assert_int_equal(fsim_cbor_encode(m, &body), 0);
		assert_int_equal(fsim_blob_append(&req, body.ptr, body.len), 0);
		cbor_decref(&m);
	}
	st = fsim_authn_request(c->a, req.ptr, req.len, &resp);
	if (st == 0 && out != NULL && resp.len > 0)
		assert_int_equal(fsim_cbor_decode(resp.ptr, resp.len, out, NULL), 0);
	fsim_blob_reset(&body);
	fsim_blob_reset(&req);
	fsim_blob_reset(&resp);
	return st;
}

static void
put(cbor_item_t *m, int64_t k, cbor_item_t *v)
{
	assert_int_equal(fsim_cbor_map_put(m, fsim_cbor_int(k), v), 0);
}

static cbor_item_t *
pin_map(uint64_t proto, uint64_t sub)
{
	cbor_item_t *m = cbor_new_definite_map(8);

	put(m, 1, fsim_cbor_int((int64_t)proto));
	put(m, 2, fsim_cbor_int((int64_t)sub));
	return m;
}

/* getKeyAgreement and encapsulate. */
static void
agree(struct ctx *c, uint64_t proto, fsim_pinuv_t *s)
{
	cbor_item_t *ans = NULL;

	assert_int_equal(call(c, 0x06, pin_map(proto, 2), &ans), 0);
	assert_int_equal(fsim_pinuv_encapsulate(proto, fsim_cbor_map_get_int(ans, 1), s), 0);
	cbor_decref(&ans);
}

static cbor_item_t *
platform_key(const fsim_pinuv_t *s)
{
	cbor_item_t *k = NULL;

	assert_int_equal(fsim_cbor_decode(s->platform_key.ptr, s->platform_key.len, &k, NULL), 0);
	return k;
}

/* setPIN (tamper: flip the MAC). */
static uint8_t
set_pin(struct ctx *c, uint64_t proto, const char *pin, bool tamper)
{
	fsim_pinuv_t s;
	fsim_blob_t enc = { NULL, 0 };
	uint8_t pad[64] = { 0 }, mac[32];
	size_t ml;
	cbor_item_t *m;
	uint8_t st;

	agree(c, proto, &s);
	/* Padded by hand, so that a PIN out of rule can be sent too. */
	memcpy(pad, pin, strlen(pin));
	assert_int_equal(fsim_pinuv_encrypt(&s, pad, 64, &enc), 0);
	assert_int_equal(fsim_pinuv_auth_shared(&s, enc.ptr, enc.len, mac, &ml), 0);
	if (tamper)
		mac[0] ^= 1;
	m = pin_map(proto, 3);
	put(m, 3, platform_key(&s));
	put(m, 4, fsim_cbor_bytes(mac, ml));
	put(m, 5, fsim_cbor_bytes(enc.ptr, enc.len));
	st = call(c, 0x06, m, NULL);
	fsim_blob_reset(&enc);
	fsim_pinuv_reset(&s);
	return st;
}

/* getPinToken (sub 5) or ...UsingPinWithPermissions (9, mc for example.org). */
static uint8_t
token(struct ctx *c, uint64_t proto, const char *pin, uint64_t sub, uint8_t tok[32], size_t *tlen)
{
	fsim_pinuv_t s;
	fsim_blob_t enc = { NULL, 0 }, dec = { NULL, 0 };
	uint8_t hash[16], st;
	cbor_item_t *m, *ans = NULL;
	const uint8_t *p;
	size_t n;

	agree(c, proto, &s);
	assert_int_equal(fsim_pinuv_pin_hash(pin, hash), 0);
	assert_int_equal(fsim_pinuv_encrypt(&s, hash, 16, &enc), 0);
	m = pin_map(proto, sub);
	put(m, 3, platform_key(&s));
	put(m, 6, fsim_cbor_bytes(enc.ptr, enc.len));
	if (sub == 9) {
		put(m, 9, fsim_cbor_int(1));
		put(m, 10, fsim_cbor_text("example.org"));
	}
	st = call(c, 0x06, m, &ans);
	if (st == 0) {
		assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 2), &p, &n), 0);
		assert_int_equal(fsim_pinuv_decrypt(&s, p, n, &dec), 0);
		assert_int_equal(dec.len, 32);
		memcpy(tok, dec.ptr, 32);
		*tlen = 32;
		cbor_decref(&ans);
	}
	fsim_blob_reset(&enc);
	fsim_blob_reset(&dec);
	fsim_pinuv_reset(&s);
	return st;
}

static uint64_t
retries(struct ctx *c)
{
	cbor_item_t *m = cbor_new_definite_map(1), *ans = NULL;
	uint64_t v;

	put(m, 2, fsim_cbor_int(1));
	assert_int_equal(call(c, 0x06, m, &ans), 0);
	v = cbor_get_int(fsim_cbor_map_get_int(ans, 3));
	cbor_decref(&ans);
	return v;
}

static int
client_pin_option(struct ctx *c)
{
	cbor_item_t *ans = NULL, *v;
	int r;

	assert_int_equal(call(c, 0x04, NULL, &ans), 0);
	v = fsim_cbor_map_get_str(fsim_cbor_map_get_int(ans, 4), "clientPin");
	r = v == NULL ? -1 : cbor_get_bool(v) ? 1 : 0;
	cbor_decref(&ans);
	return r;
}

/* makeCredential for user {uid0, 2, 3, 4} with a token's pinUvAuthParam under proto (rk: options rk). */
static uint8_t
mc_user(struct ctx *c, uint64_t proto, const uint8_t *tok, size_t tlen, bool rk, uint8_t *flags,
    uint8_t uid0)
{
	static const uint8_t cdh[32] = { 3 };
	const uint8_t uid[4] = { uid0, 2, 3, 4 };
	cbor_item_t *m = cbor_new_definite_map(8), *rp = cbor_new_definite_map(1),
	    *user = cbor_new_definite_map(1), *params = cbor_new_definite_array(1),
	    *p = cbor_new_definite_map(2), *ans = NULL;
	uint8_t mac[32], st;
	size_t ml;

	assert_int_equal(fsim_cbor_map_put(rp, fsim_cbor_text("id"), fsim_cbor_text("example.org")), 0);
	assert_int_equal(fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(uid, 4)), 0);
	assert_int_equal(fsim_cbor_map_put(p, fsim_cbor_text("alg"), fsim_cbor_int(-7)), 0);
	assert_int_equal(fsim_cbor_map_put(p, fsim_cbor_text("type"), fsim_cbor_text("public-key")), 0);
	assert_int_equal(fsim_cbor_array_push(params, p), 0);
	put(m, 1, fsim_cbor_bytes(cdh, 32));
	put(m, 2, rp);
	put(m, 3, user);
	put(m, 4, params);
	if (rk) {
		cbor_item_t *o = cbor_new_definite_map(1);

		assert_int_equal(fsim_cbor_map_put(o, fsim_cbor_text("rk"), cbor_build_bool(true)), 0);
		put(m, 7, o);
	}
	if (tok != NULL) {
		assert_int_equal(fsim_pinuv_authenticate(proto, tok, tlen, cdh, 32, mac, &ml), 0);
		put(m, 8, fsim_cbor_bytes(mac, ml));
		put(m, 9, fsim_cbor_int((int64_t)proto));
	}
	st = call(c, 0x01, m, &ans);
	if (st == 0) {
		const uint8_t *ad;
		size_t n;

		assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 2), &ad, &n), 0);
		*flags = ad[32];
		cbor_decref(&ans);
	}
	return st;
}

static uint8_t
mc(struct ctx *c, uint64_t proto, const uint8_t *tok, size_t tlen, bool rk, uint8_t *flags)
{
	return mc_user(c, proto, tok, tlen, rk, flags, 1);
}

static void
set_then_tokens(void **state)
{
	struct ctx c;
	uint8_t tok[32], flags = 0;
	size_t tlen = 0;
	uint64_t proto;

	(void)state;
	start(&c, NULL);
	assert_int_equal(client_pin_option(&c), 0);                        /* supported, not set */
	assert_int_equal(token(&c, 2, "1234", 5, tok, &tlen), 0x35);       /* PIN_NOT_SET */
	assert_int_equal(set_pin(&c, 2, "123", false), 0x37);              /* PIN_POLICY_VIOLATION */
	assert_int_equal(set_pin(&c, 2, "1234", true), 0x33);              /* PIN_AUTH_INVALID */
	assert_int_equal(set_pin(&c, 2, "1234", false), 0);
	assert_int_equal(client_pin_option(&c), 1);
	assert_int_equal(set_pin(&c, 2, "5678", false), 0x33);             /* set already */
	for (proto = 1; proto <= 2; proto++) {
		assert_int_equal(token(&c, proto, "1234", 5, tok, &tlen), 0);
		assert_int_equal(mc(&c, proto, tok, tlen, false, &flags), 0);
		assert_true(flags & FSIM_AD_UV);
		assert_int_equal(token(&c, proto, "1234", 9, tok, &tlen), 0);
		assert_int_equal(mc(&c, proto, tok, tlen, true, &flags), 0);
		assert_true(flags & FSIM_AD_UV);
		/* One byte changed in the token: its pinUvAuthParam does not verify. */
		tok[0] ^= 1;
		assert_int_equal(mc(&c, proto, tok, tlen, false, &flags), 0x33);
	}
	/* Protected by a PIN: a discoverable credential without UV is refused (6.1.2 step 7). */
	assert_int_equal(mc(&c, 2, NULL, 0, true, &flags), 0x36);             /* PUAT_REQUIRED */
	assert_int_equal(mc(&c, 2, NULL, 0, false, &flags), 0);
	assert_false(flags & FSIM_AD_UV);
	stop(&c);
}

static void
retries_and_blocks(void **state)
{
	struct ctx c;
	uint8_t tok[32];
	size_t tlen;

	(void)state;
	start(&c, "1234");
	assert_int_equal(retries(&c), 8);
	assert_int_equal(token(&c, 2, "0000", 5, tok, &tlen), 0x31);       /* PIN_INVALID */
	assert_int_equal(retries(&c), 7);
	assert_int_equal(token(&c, 2, "1234", 5, tok, &tlen), 0);
	assert_int_equal(retries(&c), 8);
	/* Three mismatches in a row: blocked until power-up (PIN_AUTH_BLOCKED). */
	assert_int_equal(token(&c, 2, "0000", 5, tok, &tlen), 0x31);
	assert_int_equal(token(&c, 2, "0000", 5, tok, &tlen), 0x31);
	assert_int_equal(token(&c, 2, "0000", 5, tok, &tlen), 0x34);
	assert_int_equal(token(&c, 2, "1234", 5, tok, &tlen), 0x34);
	assert_int_equal(retries(&c), 5);
	/* A power-up (a new connection to the server) ends the block, not the count. */
	fsim_authn_power_up(c.a);
	assert_int_equal(token(&c, 2, "0000", 5, tok, &tlen), 0x31);
	assert_int_equal(token(&c, 2, "0000", 5, tok, &tlen), 0x31);
	assert_int_equal(retries(&c), 3);
	assert_int_equal(token(&c, 2, "0000", 5, tok, &tlen), 0x34);
	fsim_authn_power_up(c.a);
	assert_int_equal(token(&c, 1, "0000", 5, tok, &tlen), 0x31);
	/* The eighth mismatch: blocked for good, the right PIN too. */
	assert_int_equal(token(&c, 1, "0000", 5, tok, &tlen), 0x32);        /* PIN_BLOCKED */
	assert_int_equal(retries(&c), 0);
	fsim_authn_power_up(c.a);
	assert_int_equal(token(&c, 2, "1234", 5, tok, &tlen), 0x32);
	stop(&c);
}

static void
change_and_reset(void **state)
{
	struct ctx c;
	fsim_pinuv_t s;
	fsim_blob_t new_enc = { NULL, 0 }, hash_enc = { NULL, 0 }, msg = { NULL, 0 };
	uint8_t pad[64] = { 0 }, hash[16], mac[32], tok[32];
	size_t ml, tlen;
	cbor_item_t *m;

	(void)state;
	start(&c, "1234");
	agree(&c, 2, &s);
	memcpy(pad, "98765", 5);
	assert_int_equal(fsim_pinuv_encrypt(&s, pad, 64, &new_enc), 0);
	assert_int_equal(fsim_pinuv_pin_hash("1234", hash), 0);
	assert_int_equal(fsim_pinuv_encrypt(&s, hash, 16, &hash_enc), 0);
	assert_int_equal(fsim_blob_append(&msg, new_enc.ptr, new_enc.len), 0);
	assert_int_equal(fsim_blob_append(&msg, hash_enc.ptr, hash_enc.len), 0);
	assert_int_equal(fsim_pinuv_auth_shared(&s, msg.ptr, msg.len, mac, &ml), 0);
	m = pin_map(2, 4);
	put(m, 3, platform_key(&s));
	put(m, 4, fsim_cbor_bytes(mac, ml));
	put(m, 5, fsim_cbor_bytes(new_enc.ptr, new_enc.len));
	put(m, 6, fsim_cbor_bytes(hash_enc.ptr, hash_enc.len));
	assert_int_equal(call(&c, 0x06, m, NULL), 0);
	assert_int_equal(token(&c, 2, "1234", 5, tok, &tlen), 0x31);
	assert_int_equal(token(&c, 2, "98765", 5, tok, &tlen), 0);
	/* A reset forgets the PIN; PIN support stays. */
	assert_int_equal(call(&c, 0x07, NULL, NULL), 0);
	assert_int_equal(client_pin_option(&c), 0);
	assert_int_equal(token(&c, 2, "98765", 5, tok, &tlen), 0x35);
	fsim_blob_reset(&new_enc);
	fsim_blob_reset(&hash_enc);
	fsim_blob_reset(&msg);
	fsim_pinuv_reset(&s);
	stop(&c);
}

static void
enable_refuses(void **state)
{
	struct ctx c;

	(void)state;
	start(&c, NULL);
	assert_int_equal(fsim_authn_pin_enable(c.a, "12"), FSIM_ERR_ARG);
	assert_int_equal(client_pin_option(&c), 0);
	assert_int_equal(fsim_authn_pin_enable(NULL, "1234"), FSIM_ERR_ARG);
	stop(&c);
}

/* getPinUvAuthTokenUsingPinWithPermissions (9) with perms and an RP ID or none. */
static uint8_t
token_perms(struct ctx *c, const char *pin, uint64_t perms, const char *rp, uint8_t tok[32])
{
	fsim_pinuv_t s;
	fsim_blob_t enc = { NULL, 0 }, dec = { NULL, 0 };
	uint8_t hash[16], st;
	cbor_item_t *m, *ans = NULL;
	const uint8_t *p;
	size_t n;

	agree(c, 2, &s);
	assert_int_equal(fsim_pinuv_pin_hash(pin, hash), 0);
	assert_int_equal(fsim_pinuv_encrypt(&s, hash, 16, &enc), 0);
	m = pin_map(2, 9);
	put(m, 3, platform_key(&s));
	put(m, 6, fsim_cbor_bytes(enc.ptr, enc.len));
	put(m, 9, fsim_cbor_int((int64_t)perms));
	if (rp != NULL)
		put(m, 10, fsim_cbor_text(rp));
	st = call(c, 0x06, m, &ans);
	if (st == 0) {
		assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_int(ans, 2), &p, &n), 0);
		assert_int_equal(fsim_pinuv_decrypt(&s, p, n, &dec), 0);
		assert_int_equal(dec.len, 32);
		memcpy(tok, dec.ptr, 32);
		cbor_decref(&ans);
	}
	fsim_blob_reset(&enc);
	fsim_blob_reset(&dec);
	fsim_pinuv_reset(&s);
	return st;
}

/*
 * authenticatorCredentialManagement (0x0A) with sub, params (consumed, or
 * NULL) and pinUvAuthParam = authenticate(tok, sub | params) under
 * protocol 2; tok NULL: no 3 and 4 (the "get next" subcommands); tamper:
 * one bit of the MAC flipped.
 */
static uint8_t
cm(struct ctx *c, const uint8_t *tok, uint8_t sub, cbor_item_t *params, bool tamper,
    cbor_item_t **out)
{
	cbor_item_t *m = cbor_new_definite_map(4);
	fsim_blob_t msg = { NULL, 0 }, enc = { NULL, 0 };
	uint8_t mac[32];
	size_t ml;

	put(m, 1, fsim_cbor_int(sub));
	assert_int_equal(fsim_blob_append(&msg, &sub, 1), 0);
	if (params != NULL) {
		assert_int_equal(fsim_cbor_encode(params, &enc), 0);
		assert_int_equal(fsim_blob_append(&msg, enc.ptr, enc.len), 0);
		put(m, 2, params);
	}
	if (tok != NULL) {
		assert_int_equal(fsim_pinuv_authenticate(2, tok, 32, msg.ptr, msg.len, mac, &ml), 0);
		if (tamper)
			mac[0] ^= 1;
		put(m, 3, fsim_cbor_int(2));
		put(m, 4, fsim_cbor_bytes(mac, ml));
	}
	fsim_blob_reset(&msg);
	fsim_blob_reset(&enc);
	return call(c, 0x0a, m, out);
}

static uint64_t
uint_at(const cbor_item_t *m, int64_t k)
{
	const cbor_item_t *v = fsim_cbor_map_get_int(m, k);

	assert_non_null(v);
	assert_true(cbor_isa_uint(v));
	return cbor_get_int(v);
}

static cbor_item_t *
rp_hash_params(const char *rp)
{
	uint8_t h[32];
	unsigned int hl;
	cbor_item_t *m = cbor_new_definite_map(1);

	assert_int_equal(EVP_Digest(rp, strlen(rp), h, &hl, EVP_sha256(), NULL), 1);
	put(m, 1, fsim_cbor_bytes(h, 32));
	return m;
}

static cbor_item_t *
cred_params(const uint8_t *id, size_t len)
{
	cbor_item_t *m = cbor_new_definite_map(1), *d = cbor_new_definite_map(2);

	assert_int_equal(fsim_cbor_map_put(d, fsim_cbor_text("id"), fsim_cbor_bytes(id, len)), 0);
	assert_int_equal(fsim_cbor_map_put(d, fsim_cbor_text("type"), fsim_cbor_text("public-key")), 0);
	put(m, 2, d);
	return m;
}

/* The user.id's first byte of an enumerateCredentials answer, its credential ID kept. */
static uint8_t
cred_user(const cbor_item_t *ans, fsim_blob_t *id)
{
	const uint8_t *p;
	size_t n;

	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(fsim_cbor_map_get_int(ans, 7),
	    "id"), &p, &n), 0);
	assert_int_equal(fsim_blob_set(id, p, n), 0);
	assert_non_null(fsim_cbor_map_get_int(ans, 8));                 /* publicKey */
	assert_int_equal(uint_at(ans, 10), 1);                          /* credProtect */
	assert_int_equal(fsim_cbor_get_bytes(fsim_cbor_map_get_str(fsim_cbor_map_get_int(ans, 6),
	    "id"), &p, &n), 0);
	assert_int_equal(n, 4);
	return p[0];
}

static int
option(struct ctx *c, const char *name)
{
	cbor_item_t *ans = NULL, *v;
	int r;

	assert_int_equal(call(c, 0x04, NULL, &ans), 0);
	v = fsim_cbor_map_get_str(fsim_cbor_map_get_int(ans, 4), name);
	r = v == NULL ? -1 : cbor_get_bool(v) ? 1 : 0;
	cbor_decref(&ans);
	return r;
}

static void
cred_mgmt(void **state)
{
	struct ctx c;
	uint8_t tok[32], mctok[32], flags = 0, users[2];
	fsim_blob_t id1 = { NULL, 0 }, id2 = { NULL, 0 };
	cbor_item_t *ans = NULL;
	char *s;

	(void)state;
	start(&c, "1234");
	assert_int_equal(option(&c, "credMgmt"), 1);
	/* Two users' discoverable credentials for example.org, one that is not. */
	assert_int_equal(token_perms(&c, "1234", 1, "example.org", mctok), 0);
	assert_int_equal(mc_user(&c, 2, mctok, 32, true, &flags, 1), 0);
	assert_int_equal(mc_user(&c, 2, mctok, 32, true, &flags, 2), 0);
	assert_int_equal(mc_user(&c, 2, mctok, 32, false, &flags, 3), 0);
	assert_int_equal(token_perms(&c, "1234", 4, NULL, tok), 0);
	/* getCredsMetadata, and what refuses it. */
	assert_int_equal(cm(&c, tok, 1, NULL, false, &ans), 0);
	assert_int_equal(uint_at(ans, 1), 2);
	assert_true(uint_at(ans, 2) > 0);
	cbor_decref(&ans);
	assert_int_equal(cm(&c, tok, 1, NULL, true, NULL), 0x33);         /* PIN_AUTH_INVALID */
	assert_int_equal(cm(&c, NULL, 1, NULL, false, NULL), 0x36);       /* PUAT_REQUIRED */
	assert_int_equal(cm(&c, mctok, 1, NULL, false, NULL), 0x33);      /* no cm permission */
	assert_int_equal(cm(&c, tok, 7, NULL, false, NULL), 0x3e);        /* INVALID_SUBCOMMAND */
	/* enumerateRPs: one RP, then nothing more. */
	assert_int_equal(cm(&c, tok, 2, NULL, false, &ans), 0);
	assert_int_equal(uint_at(ans, 5), 1);
	assert_int_equal(fsim_cbor_get_text(fsim_cbor_map_get_str(fsim_cbor_map_get_int(ans, 3), "id"),
	    &s), 0);
	assert_string_equal(s, "example.org");
	free(s);
	cbor_decref(&ans);
	assert_int_equal(cm(&c, NULL, 3, NULL, false, NULL), 0x30);       /* NOT_ALLOWED */
	/* enumerateCredentials: both users, then nothing more. */
	assert_int_equal(cm(&c, tok, 4, rp_hash_params("example.org"), false, &ans), 0);
	assert_int_equal(uint_at(ans, 9), 2);
	users[0] = cred_user(ans, &id1);
	cbor_decref(&ans);
	assert_int_equal(cm(&c, NULL, 5, NULL, false, &ans), 0);
	assert_null(fsim_cbor_map_get_int(ans, 9));
	users[1] = cred_user(ans, &id2);
	cbor_decref(&ans);
	assert_true((users[0] == 1 && users[1] == 2) || (users[0] == 2 && users[1] == 1));
	assert_int_equal(cm(&c, NULL, 5, NULL, false, NULL), 0x30);
	/* Another command between begin and next ends the enumeration. */
	assert_int_equal(cm(&c, tok, 4, rp_hash_params("example.org"), false, &ans), 0);
	cbor_decref(&ans);
	(void)retries(&c);
	assert_int_equal(cm(&c, NULL, 5, NULL, false, NULL), 0x30);
	assert_int_equal(cm(&c, tok, 4, rp_hash_params("other.org"), false, NULL), 0x2e);
	/* A token bound to another RP: not for this one's credentials, nor for metadata. */
	assert_int_equal(token_perms(&c, "1234", 4, "other.org", tok), 0);
	assert_int_equal(cm(&c, tok, 4, rp_hash_params("example.org"), false, NULL), 0x33);
	assert_int_equal(cm(&c, tok, 1, NULL, false, NULL), 0x33);
	assert_int_equal(cm(&c, tok, 6, cred_params(id1.ptr, id1.len), false, NULL), 0x33);
	/* deleteCredential: the count drops; again, NO_CREDENTIALS. */
	assert_int_equal(token_perms(&c, "1234", 4, NULL, tok), 0);
	assert_int_equal(cm(&c, tok, 6, cred_params(id1.ptr, id1.len), false, NULL), 0);
	assert_int_equal(cm(&c, tok, 1, NULL, false, &ans), 0);
	assert_int_equal(uint_at(ans, 1), 1);
	cbor_decref(&ans);
	assert_int_equal(cm(&c, tok, 6, cred_params(id1.ptr, id1.len), false, NULL), 0x2e);
	assert_int_equal(cm(&c, tok, 4, rp_hash_params("example.org"), false, &ans), 0);
	assert_int_equal(uint_at(ans, 9), 1);
	assert_int_equal(cred_user(ans, &id1), users[1]);
	assert_true(id1.len == id2.len && memcmp(id1.ptr, id2.ptr, id1.len) == 0);
	cbor_decref(&ans);
	fsim_blob_reset(&id1);
	fsim_blob_reset(&id2);
	stop(&c);
}

/* Without UV and PIN support there is no cm token: no credMgmt, the command is unknown. */
static void
cred_mgmt_absent(void **state)
{
	static const uint8_t seed[] = "test_pin_cmd";
	struct ctx c;
	fsim_authn_config_t cfg;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(fsim_env_seeded(&c.env, seed, sizeof(seed)), 0);
	assert_int_equal(fsim_store_open(":memory:", &c.env, &c.store, NULL), 0);
	fsim_authn_config_init(&cfg);
	cfg.uv = FSIM_UVMODE_NEVER;
	assert_int_equal(fsim_authn_new(&cfg, &c.env, c.store, &c.a), 0);
	assert_int_equal(option(&c, "credMgmt"), -1);
	assert_int_equal(cm(&c, NULL, 1, NULL, false, NULL), 0x01);      /* INVALID_COMMAND */
	stop(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_then_tokens),
		cmocka_unit_test(retries_and_blocks),
		cmocka_unit_test(change_and_reset),
		cmocka_unit_test(enable_refuses),
		cmocka_unit_test(cred_mgmt),
		cmocka_unit_test(cred_mgmt_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
