/*
 * pin_cmd.c — the PIN subcommands of authenticatorClientPIN (CTAP 2.1
 * §6.5.5), when the authenticator has PIN support (fsim_authn_pin_enable):
 * setPIN (§6.5.5.5), changePIN (§6.5.5.6), getPinToken (§6.5.5.7.1) and
 * getPinUvAuthTokenUsingPinWithPermissions (§6.5.5.7.2). The PIN is kept
 * as LEFT(SHA-256(PIN), 16) in memory, with its retries (8) and the count
 * of consecutive mismatches since power-up (3 block until a restart).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "authenticator/internal.h"

#define PIN_RETRIES 8
#define PIN_FAILS_MAX 3
#define PIN_AUTH_BLOCKED 0x34
#define MIN_PIN_CODE_POINTS 4

/* UTF-8 code points in the NUL-terminated s of at most n bytes; -1 if not UTF-8. */
static long
code_points(const uint8_t *s, size_t n)
{
	size_t i = 0;
	long cp = 0;

	while (i < n) {
		size_t k = s[i] < 0x80 ? 1 : (s[i] & 0xe0) == 0xc0 ? 2 : (s[i] & 0xf0) == 0xe0 ? 3 :
		    (s[i] & 0xf8) == 0xf0 ? 4 : 0;
		size_t j;

		if (k == 0 || i + k > n)
			return -1;
		for (j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return -1;
		i += k;
		cp++;
	}
	return cp;
}

/* Store pin (n bytes) as the new PIN: the policy (§6.5.5.5 step 6), its hash, full retries. */
static uint8_t
store_pin(fsim_authn_t *a, const uint8_t *pin, size_t n)
{
	uint8_t h[32];

	if (n > 63 || code_points(pin, n) < MIN_PIN_CODE_POINTS)
		return FSIM_CTAP2_ERR_PIN_POLICY_VIOLATION;
	if (fsim_authn_sha256(a, pin, n, NULL, 0, h) != 0)
		return FSIM_CTAP2_ERR_PROCESSING;
	memcpy(a->pin_hash, h, 16);
	fsim_wipe(h, sizeof(h));
	a->pin_set = true;
	a->pin_retries = PIN_RETRIES;
	a->pin_fails = 0;
	/* Tokens issued under the old PIN stop working. */
	fsim_wipe(a->token, sizeof(a->token));
	a->token_valid = false;
	return 0;
}

/* newPinEnc decrypted: the PIN bytes before the zero padding of a 64-byte block. */
static uint8_t
new_pin(fsim_authn_t *a, const fsim_pin_ss_t *s, const uint8_t *enc, size_t n)
{
	fsim_blob_t padded = { 0 };
	size_t len;
	uint8_t st;

	if (fsim_pin_ss_decrypt(s, enc, n, &padded) != 0 || padded.len != 64) {
		fsim_blob_reset(&padded);
		return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	}
	for (len = 0; len < padded.len && padded.ptr[len] != 0; len++)
		;
	st = store_pin(a, padded.ptr, len);
	fsim_blob_reset(&padded);
	return st;
}

/*
 * pinHashEnc against the stored hash (§6.5.5.7.1 steps; the same in
 * changePIN): a retry spent first, all back on a match; on a mismatch a new
 * key agreement key and PIN_INVALID, or the blocked states.
 */
static uint8_t
check_pin_hash(fsim_authn_t *a, const fsim_pin_ss_t *s, const uint8_t *enc, size_t n)
{
	fsim_blob_t h = { 0 };
	bool ok;

	if (a->pin_retries == 0)
		return FSIM_CTAP2_ERR_PIN_BLOCKED;
	a->pin_retries--;
	ok = fsim_pin_ss_decrypt(s, enc, n, &h) == 0 && h.len == 16 &&
	    CRYPTO_memcmp(h.ptr, a->pin_hash, 16) == 0;
	fsim_blob_reset(&h);
	if (!ok) {
		/* regenerate(): the next exchange needs a new key agreement. */
		EVP_PKEY_free(a->ka_key);
		a->ka_key = NULL;
		a->pin_fails++;
		if (a->pin_retries == 0)
			return FSIM_CTAP2_ERR_PIN_BLOCKED;
		if (a->pin_fails >= PIN_FAILS_MAX)
			return PIN_AUTH_BLOCKED;
		return FSIM_CTAP2_ERR_PIN_INVALID;
	}
	a->pin_retries = PIN_RETRIES;
	a->pin_fails = 0;
	return 0;
}

uint8_t
fsim_pin_cmd_set(fsim_authn_t *a, const cbor_item_t *req, uint64_t proto, fsim_blob_t *resp)
{
	const cbor_item_t *ka = fsim_cbor_map_get_int(req, 3);
	const uint8_t *param, *enc;
	size_t pn, en;
	fsim_pin_ss_t s;
	uint8_t st;

	(void)resp;
	memset(&s, 0, sizeof(s));
	if ((st = fsim_req_map(ka, true)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(req, 4), true, 0, 64, &param, &pn)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(req, 5), true, 0, 1024, &enc, &en)) != 0)
		return st;
	/* §6.5.5.5: a PIN already set is changed with changePIN, never set again. */
	if (a->pin_set)
		return FSIM_CTAP2_ERR_PIN_AUTH_INVALID;
	if (fsim_pin_ss(a, ka, proto, &s) != 0)
		return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	if (!fsim_pin_ss_verify(&s, enc, en, param, pn))
		st = FSIM_CTAP2_ERR_PIN_AUTH_INVALID;
	else
		st = new_pin(a, &s, enc, en);
	fsim_wipe(&s, sizeof(s));
	return st;
}

uint8_t
fsim_pin_cmd_change(fsim_authn_t *a, const cbor_item_t *req, uint64_t proto, fsim_blob_t *resp)
{
	const cbor_item_t *ka = fsim_cbor_map_get_int(req, 3);
	const uint8_t *param, *enc, *hash;
	size_t pn, en, hn;
	fsim_blob_t msg = { 0 };
	fsim_pin_ss_t s;
	uint8_t st;

	(void)resp;
	memset(&s, 0, sizeof(s));
	if ((st = fsim_req_map(ka, true)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(req, 4), true, 0, 64, &param, &pn)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(req, 5), true, 0, 1024, &enc, &en)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(req, 6), true, 0, 64, &hash, &hn)) != 0)
		return st;
	if (!a->pin_set)
		return FSIM_CTAP2_ERR_PIN_NOT_SET;
	if (a->pin_retries == 0)
		return FSIM_CTAP2_ERR_PIN_BLOCKED;
	if (a->pin_fails >= PIN_FAILS_MAX)
		return PIN_AUTH_BLOCKED;
	if (fsim_pin_ss(a, ka, proto, &s) != 0)
		return FSIM_CTAP1_ERR_INVALID_PARAMETER;
	/* pinUvAuthParam is over newPinEnc | pinHashEnc (§6.5.5.6). */
	if (fsim_blob_set(&msg, enc, en) != 0 || fsim_blob_append(&msg, hash, hn) != 0)
		st = FSIM_CTAP2_ERR_PROCESSING;
	else if (!fsim_pin_ss_verify(&s, msg.ptr, msg.len, param, pn))
		st = FSIM_CTAP2_ERR_PIN_AUTH_INVALID;
	else if ((st = check_pin_hash(a, &s, hash, hn)) == 0)
		st = new_pin(a, &s, enc, en);
	fsim_blob_reset(&msg);
	fsim_wipe(&s, sizeof(s));
	return st;
}

uint8_t
fsim_pin_cmd_token(fsim_authn_t *a, const cbor_item_t *req, uint64_t proto,
    bool with_permissions, fsim_blob_t *resp)
{
	const cbor_item_t *ka = fsim_cbor_map_get_int(req, 3);
	const uint8_t *hash;
	size_t hn;
	uint64_t perms = FSIM_PERM_MC | FSIM_PERM_GA;
	char *rp_id = NULL;
	fsim_pin_ss_t s;
	uint8_t st;

	memset(&s, 0, sizeof(s));
	if ((st = fsim_req_map(ka, true)) != 0 ||
	    (st = fsim_req_bytes(fsim_cbor_map_get_int(req, 6), true, 0, 64, &hash, &hn)) != 0)
		goto out;
	if (with_permissions) {
		/* §6.5.5.7.2: permissions non-zero, and only ones this authenticator has. */
		if ((st = fsim_req_uint(fsim_cbor_map_get_int(req, 9), true, 0xff, &perms)) != 0 ||
		    (st = fsim_req_text(fsim_cbor_map_get_int(req, 10), false, &rp_id)) != 0)
			goto out;
		if (perms == 0) {
			st = FSIM_CTAP1_ERR_INVALID_PARAMETER;
			goto out;
		}
		if (perms & ~(uint64_t)fsim_pin_permissions(a)) {
			st = FSIM_CTAP2_ERR_UNAUTHORIZED_PERMISSION;
			goto out;
		}
	}
	if (!a->pin_set) {
		st = FSIM_CTAP2_ERR_PIN_NOT_SET;
		goto out;
	}
	if (a->pin_fails >= PIN_FAILS_MAX) {
		st = PIN_AUTH_BLOCKED;
		goto out;
	}
	if (fsim_pin_ss(a, ka, proto, &s) != 0) {
		st = FSIM_CTAP1_ERR_INVALID_PARAMETER;
		goto out;
	}
	if ((st = check_pin_hash(a, &s, hash, hn)) != 0)
		goto out;
	st = fsim_pin_issue_token(a, &s, (uint8_t)perms, &rp_id, resp);
out:
	fsim_wipe(&s, sizeof(s));
	free(rp_id);
	return st;
}

int
fsim_authn_pin_enable(fsim_authn_t *a, const char *pin)
{
	if (a == NULL)
		return FSIM_ERR_ARG;
	a->pin_supported = true;
	a->pin_retries = PIN_RETRIES;
	if (pin == NULL)
		return FSIM_OK;
	return store_pin(a, (const uint8_t *)pin, strlen(pin)) == 0 ? FSIM_OK : FSIM_ERR_ARG;
}

void
fsim_authn_power_up(fsim_authn_t *a)
{
	if (a == NULL)
		return;
	fsim_pin_reset(a);
	a->pin_fails = 0;
}
