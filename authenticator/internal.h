/*
 * internal.h — what the authenticator's files share and nothing outside uses.
 */
#ifndef FSIM_AUTHN_INTERNAL_H
#define FSIM_AUTHN_INTERNAL_H

#include <cbor.h>
#include <openssl/evp.h>

#include "authenticator/att.h"
#include "authenticator/authn.h"
#include "authenticator/keys.h"
#include "core/fsim_core.h"

#define FSIM_MAX_NEXT 32
#define FSIM_KEY_CACHE 16

/*
 * Credential keys already decoded, by credential ID (and rpIdHash for
 * wrapped IDs): decoding a PKCS#8 key costs far more than a signature, so
 * it is done once per credential, not once per assertion.
 */
struct fsim_key_cache_entry {
	fsim_blob_t id;
	uint8_t id_hash[32];         /* SHA-256 of id: the key of its counter in the store */
	uint8_t rp_id_hash[32];
	bool wrapped;
	EVP_PKEY *key;
	int alg;
	uint8_t flags, cred_protect;
};

/* PIN/UV auth token permissions (CTAP 2.1 6.5.5.7) */
#define FSIM_PERM_MC 0x01
#define FSIM_PERM_GA 0x02
#define FSIM_PERM_CM 0x04

struct fsim_authn {
	fsim_authn_config_t cfg;
	const fsim_env_t *env;
	fsim_store_t *store;
	fsim_ca_t *ca;                  /* loaded on first use */

	/* authenticatorGetNextAssertion state (CTAP 2.1 6.3) */
	struct {
		bool active;
		fsim_blob_t ids[FSIM_MAX_NEXT];
		size_t n, next;
		uint8_t client_data_hash[32];
		char *rp_id;
		bool up, uv;
	} next;

	EVP_MD *sha256;                 /* fetched once: implicit fetches cost a lock each time */
	struct fsim_key_cache_entry kc[FSIM_KEY_CACHE];
	size_t kc_next;
	uint8_t kc_wrap_key[32];        /* the store's wrapping key the cache was filled under */

	/* PIN/UV auth protocol 2 (CTAP 2.1 6.5.7) */
	EVP_PKEY *ka_key;               /* key agreement key, new at power-up and reset */
	uint8_t token[32];              /* pinUvAuthToken */
	bool token_valid;
	uint8_t token_perms;
	char *token_rp_id;

	/*
	 * Client PIN (CTAP 2.1 §6.5), when enabled (fsim_authn_pin_enable): kept
	 * in memory for the authenticator object's life, as a simulator's
	 * state, not in the store; a reset clears it.
	 */
	bool pin_supported;             /* getInfo says clientPin */
	bool pin_set;
	uint8_t pin_hash[16];           /* LEFT(SHA-256(PIN), 16) */
	uint8_t pin_retries;            /* 8 after set (6.5.2.3) */
	uint8_t pin_fails;              /* consecutive mismatches since power-up */

	/* authenticatorCredentialManagement's enumeration in progress (CTAP 2.1 6.8) */
	struct {
		int kind;                   /* 0, or the subcommand that began it */
		fsim_blob_t *items;         /* RP IDs, or credential IDs */
		size_t n, next;
	} cm;
};

static inline bool
fsim_quirk_on(const fsim_authn_t *a, fsim_quirk_t q)
{
	return (a->cfg.quirks & (1u << q)) != 0;
}

/* Command handlers: CTAP status out, *resp a canonical CBOR map on success. */
uint8_t fsim_ctap_make_credential(fsim_authn_t *a, const cbor_item_t *req, fsim_blob_t *resp);
uint8_t fsim_ctap_get_assertion(fsim_authn_t *a, const cbor_item_t *req, fsim_blob_t *resp);
uint8_t fsim_ctap_get_next_assertion(fsim_authn_t *a, fsim_blob_t *resp);
uint8_t fsim_ctap_client_pin(fsim_authn_t *a, const cbor_item_t *req, fsim_blob_t *resp);
uint8_t fsim_ctap_cred_mgmt(fsim_authn_t *a, const cbor_item_t *req, fsim_blob_t *resp);
void fsim_cm_reset(fsim_authn_t *a);
/* credMgmt is advertised and served: discoverable credentials, and UV or a PIN for a cm token. */
bool fsim_cm_available(const fsim_authn_t *a);
/* The permissions a pinUvAuthToken may carry here: mc, ga, and cm where fsim_cm_available. */
uint8_t fsim_pin_permissions(const fsim_authn_t *a);

/* Request parsing helpers: CTAP status (0 when fine). A NULL item means absent. */
uint8_t fsim_req_bytes(const cbor_item_t *it, bool required, size_t min, size_t max,
    const uint8_t **p, size_t *n);
uint8_t fsim_req_text(const cbor_item_t *it, bool required, char **out);
uint8_t fsim_req_bool(const cbor_item_t *it, int *out);   /* -1 absent, 0, 1 */
uint8_t fsim_req_uint(const cbor_item_t *it, bool required, uint64_t max, uint64_t *out);
uint8_t fsim_req_map(const cbor_item_t *it, bool required);
uint8_t fsim_req_array(const cbor_item_t *it, bool required);
/* The response map {1: .., 2: ..} (integer keys) as canonical bytes; takes ownership of map. */
uint8_t fsim_resp_encode(cbor_item_t *map, fsim_blob_t *resp);

/* User verification by the pinUvAuthParam / token, or built-in UV (CTAP 2.1 6.1.2 steps 5-11). */
uint8_t fsim_pin_check_param(fsim_authn_t *a, const cbor_item_t *param, const cbor_item_t *proto,
    const uint8_t cdh[32], uint8_t perm, const char *rp_id, bool *uv);
/* ECDH + HKDF shared secret of protocol 2 (64 bytes: HMAC key | AES key) with a platform COSE key. */
int fsim_pin_shared_secret(fsim_authn_t *a, const cbor_item_t *platform_key, uint8_t out[64]);
int fsim_pin_encrypt(const fsim_env_t *env, const uint8_t key[32], const uint8_t *in, size_t n,
    fsim_blob_t *out);
int fsim_pin_decrypt(const uint8_t key[32], const uint8_t *in, size_t n, fsim_blob_t *out);
int fsim_pin_hmac(const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen, uint8_t out[32]);
void fsim_pin_reset(fsim_authn_t *a);

/* A shared secret under protocol 1 (k[0..32]: SHA-256(Z)) or 2 (HMAC key | AES key). */
typedef struct fsim_pin_ss {
	uint64_t proto;
	uint8_t k[64];
} fsim_pin_ss_t;
int fsim_pin_ss(fsim_authn_t *a, const cbor_item_t *platform_key, uint64_t proto,
    fsim_pin_ss_t *s) FSIM_WUR;
int fsim_pin_ss_encrypt(const fsim_env_t *env, const fsim_pin_ss_t *s, const uint8_t *in,
    size_t n, fsim_blob_t *out) FSIM_WUR;
int fsim_pin_ss_decrypt(const fsim_pin_ss_t *s, const uint8_t *in, size_t n,
    fsim_blob_t *out) FSIM_WUR;
/* verify(shared secret, msg, sig) of the secret's protocol. */
bool fsim_pin_ss_verify(const fsim_pin_ss_t *s, const uint8_t *msg, size_t n, const uint8_t *sig,
    size_t siglen);
/* verify(key, msg, sig) of a protocol: one the first 16 bytes of HMAC-SHA-256, two all 32. */
bool fsim_pin_verify(uint64_t proto, const uint8_t *key, size_t klen, const uint8_t *msg, size_t n,
    const uint8_t *sig, size_t siglen);
/* A new pinUvAuthToken with perms for *rp_id (taken), encrypted under s as {2: token}. */
uint8_t fsim_pin_issue_token(fsim_authn_t *a, const fsim_pin_ss_t *s, uint8_t perms, char **rp_id,
    fsim_blob_t *resp);
/* The PIN subcommands (pin_cmd.c): setPIN, changePIN, getPinToken / ...UsingPinWithPermissions. */
uint8_t fsim_pin_cmd_set(fsim_authn_t *a, const cbor_item_t *req, uint64_t proto, fsim_blob_t *resp);
uint8_t fsim_pin_cmd_change(fsim_authn_t *a, const cbor_item_t *req, uint64_t proto,
    fsim_blob_t *resp);
uint8_t fsim_pin_cmd_token(fsim_authn_t *a, const cbor_item_t *req, uint64_t proto,
    bool with_permissions, fsim_blob_t *resp);

/* Extensions (CTAP 2.1 12): outputs added to *out (a map, created when NULL). */
uint8_t fsim_ext_make_credential(fsim_authn_t *a, const cbor_item_t *ext, fsim_cred_t *c,
    cbor_item_t **out);
uint8_t fsim_ext_get_assertion(fsim_authn_t *a, const cbor_item_t *ext, const fsim_cred_t *c,
    bool uv, cbor_item_t **out);

/* The COSE key bytes of a credential key (non-canonical order under the quirk). */
/* pt: key's uncompressed point when the caller has read it (EC), else NULL. */
int fsim_authn_cose_bytes(const fsim_authn_t *a, EVP_PKEY *key, int alg, const uint8_t *pt,
    size_t ptlen, fsim_blob_t *out);
/* Sign with the quirks applied (bad-signature, raw-ecdsa-signature). */
int fsim_authn_sign(const fsim_authn_t *a, EVP_PKEY *key, int alg, const uint8_t *msg,
    size_t n, fsim_blob_t *sig);
/* rpIdHash (wrong under the quirk). */
void fsim_authn_rp_id_hash(const fsim_authn_t *a, const char *rp_id, uint8_t out[32]);
/*
 * Built-in user verification (CTAP 2.1 6.1.2 step 11, 6.2.2 step 9): the
 * environment's answer, and never under --uv fail (a UV capability the user
 * fails; the caller answers CTAP2_ERR_UV_INVALID).
 */
bool fsim_authn_user_verified(const fsim_authn_t *a);
/* SHA-256 of a | b (b may be NULL). */
int fsim_authn_sha256(const fsim_authn_t *a, const void *p, size_t n, const void *q, size_t m,
    uint8_t out[32]);
int fsim_authn_ca(fsim_authn_t *a, fsim_ca_t **ca);

/* The key cache: a new reference on a hit (NULL on a miss); insert takes its own reference. */
EVP_PKEY *fsim_kc_get(fsim_authn_t *a, const uint8_t *id, size_t len, const uint8_t rp_id_hash[32],
    bool wrapped, int *alg, uint8_t *flags, uint8_t *cred_protect, uint8_t id_hash[32]);
void fsim_kc_put(fsim_authn_t *a, const uint8_t *id, size_t len, const uint8_t rp_id_hash[32],
    bool wrapped, EVP_PKEY *key, int alg, uint8_t flags, uint8_t cred_protect);
void fsim_kc_clear(fsim_authn_t *a);

#endif /* !FSIM_AUTHN_INTERNAL_H */
