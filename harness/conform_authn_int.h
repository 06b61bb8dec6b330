/*
 * conform_authn_int.h — what the files of conform --authenticator share
 * (conform_authn*.c) and nothing else uses: the run's context, the case
 * type, and helpers that build requests, send them and read the answers.
 */
#ifndef FSIM_CONFORM_AUTHN_INT_H
#define FSIM_CONFORM_AUTHN_INT_H

#include <stdarg.h>

#include "harness/conform_authn.h"

/* CTAP commands and status codes the cases name (CTAP 2.1 §6, §8.2). */
#define AX_MC 0x01
#define AX_GA 0x02
#define AX_INFO 0x04
#define AX_CLIENT_PIN 0x06
#define AX_RESET 0x07
#define AX_GNA 0x08
#define AX_CRED_MGMT 0x0a
#define AX_CRED_MGMT_PRE 0x41

#define AX_OK 0x00
#define AX_INVALID_COMMAND 0x01
#define AX_INVALID_PARAMETER 0x02
#define AX_INVALID_LENGTH 0x03
#define AX_CBOR_UNEXPECTED_TYPE 0x11
#define AX_INVALID_CBOR 0x12
#define AX_MISSING_PARAMETER 0x14
#define AX_CREDENTIAL_EXCLUDED 0x19
#define AX_UNSUPPORTED_ALGORITHM 0x26
#define AX_OPERATION_DENIED 0x27
#define AX_UNSUPPORTED_OPTION 0x2b
#define AX_INVALID_OPTION 0x2c
#define AX_KEEPALIVE_CANCEL 0x2d
#define AX_NO_CREDENTIALS 0x2e
#define AX_NOT_ALLOWED 0x30
#define AX_PIN_INVALID 0x31
#define AX_PIN_AUTH_INVALID 0x33
#define AX_PIN_NOT_SET 0x35
#define AX_PUAT_REQUIRED 0x36
#define AX_REQUEST_TOO_LARGE 0x39
#define AX_UNAUTHORIZED_PERMISSION 0x40

typedef enum { AX_PASS = 0, AX_FAIL, AX_SKIP } ax_verdict_t;

/* The authenticator's answer to one request, read. */
typedef struct ax_resp {
	int io;                     /* 0, or the transport error (no answer) */
	int hid_error;              /* >= 0: it answered CTAPHID_ERROR with this code */
	uint8_t st;                 /* the CTAP status */
	fsim_blob_t body;           /* the CBOR after it */
	cbor_item_t *map;           /* body decoded (NULL: none, or not CBOR) */
	bool canonical;             /* body is CTAP2 canonical CBOR (§8) */
	/* makeCredential / getAssertion members (lent from map) */
	const char *fmt;
	const cbor_item_t *att_stmt;
	const uint8_t *ad;
	size_t ad_len;
	fsim_authdata_t *adp;       /* authData parsed (NULL when it did not parse) */
	fsim_diags_t ad_diags;      /* what the parser said of it */
	const uint8_t *cred_id;     /* getAssertion: credential.id */
	size_t cred_id_len;
	const uint8_t *sig;
	size_t sig_len;
	const cbor_item_t *user;
	uint64_t n_creds;           /* numberOfCredentials (0: absent) */
	char fmt_buf[32];
} ax_resp_t;

/* A credential the run made and uses again. */
typedef struct ax_cred {
	bool made;
	fsim_blob_t id;
	fsim_cose_key_t *key;
	int alg;
	uint8_t flags;              /* at registration */
	uint8_t aaguid[16];
	uint32_t last_count;        /* the latest signCount seen */
	bool count_seen;
	uint8_t user_id[16];
} ax_cred_t;

typedef struct ax {
	const fsim_conform_authn_config_t *cfg;
	fsim_device_t *dev;
	const fsim_devinfo_t *info;
	char rp_id[64];
	int alg;                    /* the alg the run's credentials use */
	ax_cred_t a;                /* non-discoverable, made by MC-01 */
	ax_cred_t r1, r2;           /* discoverable, two users (when rk is advertised) */
	/* Every authData flags byte seen for credential a, for the flags family. */
	uint8_t seen_flags[64];
	size_t n_seen;
	bool uv_seen_unasked;       /* UV set in a response that did not ask for it */
	char uv_unasked_where[64];
	/* The catalog rules the running case judged by and saw broken (its "rules"). */
	char rules[128];
	/* The RP family's pipeline (harness/pipeline.h): reference client + rp-sim. */
	struct fsim_pipe *pipe;
	fsim_device_auth_t pipe_auth;
	bool pipe_registered;
	char pin_now[80];           /* the PIN a destructive case set ("" none) */
	/*
	 * The running case could not get to what it judges (no credential, a
	 * request that failed before the point): its rules are then not named,
	 * since it judged none.
	 */
	bool setup_failed;
} ax_t;

typedef ax_verdict_t (*ax_fn)(ax_t *x, char *d, size_t n);

typedef struct ax_case {
	const char *id;
	const char *family;
	const char *section;
	const char *name;
	bool destructive;
	ax_fn fn;
} ax_case_t;

/* The families' tables (conform_authn_*.c), in the order they run. */
extern const ax_case_t fsim_ax_info_cases[];
extern const ax_case_t fsim_ax_mc_cases[];
extern const ax_case_t fsim_ax_ga_cases[];
extern const ax_case_t fsim_ax_rk_cases[];
extern const ax_case_t fsim_ax_pin_cases[];
extern const ax_case_t fsim_ax_ext_cases[];
extern const ax_case_t fsim_ax_hid_cases[];
extern const ax_case_t fsim_ax_flags_cases[];
extern const ax_case_t fsim_ax_rp_cases[];
extern const ax_case_t fsim_ax_dx_cases[];

/* ---- helpers (conform_authn_req.c) ---- */

/* Write the detail and return the verdict. */
ax_verdict_t ax_say(ax_verdict_t v, char *d, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "CTAP2_ERR_NO_CREDENTIALS (0x2e)", or the transport failure, for details. */
const char *ax_status(const ax_resp_t *r, char *buf, size_t n);

void ax_resp_reset(ax_resp_t *r);

/* Send cmd with map (NULL: no parameters) and read the answer into r (reset first). */
void ax_send(ax_t *x, uint8_t cmd, const cbor_item_t *map, ax_resp_t *r);
/*
 * Send m (taken; NULL: "out of memory") as cmd and judge the status: pass
 * when it is want, else fail naming both; what describes the request.
 */
ax_verdict_t ax_expect(ax_t *x, uint8_t cmd, cbor_item_t *m, uint8_t want, const char *what,
    char *d, size_t n);
/* Judge r's rpIdHash: SHA-256 of the run's RP ID (pass), else fail saying what it is. */
ax_verdict_t ax_rpid_hash(ax_t *x, const ax_resp_t *r, char *d, size_t n);
/* Send raw bytes (a command byte and whatever follows). */
void ax_send_raw(ax_t *x, const uint8_t *req, size_t len, ax_resp_t *r);

/*
 * A makeCredential request map for the run's RP ID: 1 clientDataHash (cdh,
 * random when NULL), 2 rp, 3 user (user_id, 16 bytes; NULL: a fresh one),
 * 4 pubKeyCredParams [the run's alg]. The caller adds to it (at most 8 more
 * members) and decrefs it.
 */
cbor_item_t *ax_mc_map(ax_t *x, const uint8_t cdh[32], const uint8_t user_id[16]);
/* The same, for another RP: rp is {"id": rp_id} alone. NULL: out of memory. */
cbor_item_t *ax_mc_map_rp(ax_t *x, const uint8_t cdh[32], const char *rp_id);
/* getAssertion: 1 rpId, 2 clientDataHash, 3 allowList [id] when id != NULL. */
cbor_item_t *ax_ga_map(ax_t *x, const char *rp_id, const uint8_t cdh[32],
    const uint8_t *id, size_t id_len);

/* map[key] = value (value taken, even on failure); 0 or FSIM_ERR_NOMEM. */
int ax_put(cbor_item_t *map, int64_t key, cbor_item_t *value);
/* A copy of map without key. */
cbor_item_t *ax_without(const cbor_item_t *map, int64_t key);
/* *map[key] = value, replacing any value there (*map becomes a new map; value taken). */
int ax_set(cbor_item_t **map, int64_t key, cbor_item_t *value);
/* {"k1": b1, ...}: an options map; -1 leaves an option out. */
cbor_item_t *ax_options(int rk, int up, int uv);
/* [{"id": id, "type": "public-key"}] */
cbor_item_t *ax_cred_list(const uint8_t *id, size_t len);

/*
 * A pinUvAuthToken with permissions for rp_id, from built-in UV or the PIN
 * (cfg->pin), as available: 0 and the token, or AX_SKIP-worthy failure with
 * why set (no UV, no PIN given) / the device's refusal.
 */
int ax_token(ax_t *x, uint8_t perms, const char *rp_id, uint8_t tok[32], size_t *tlen,
    uint64_t *proto, char *why, size_t n);
/* Add pinUvAuthParam = authenticate(tok, cdh) and the protocol at keys k, k + 1. */
int ax_put_param(cbor_item_t *map, int64_t k, uint64_t proto, const uint8_t *tok, size_t tlen,
    const uint8_t cdh[32]);

/* Parse a makeCredential / getAssertion answer (st 0) into r's members. */
void ax_read_mc(ax_resp_t *r);
void ax_read_ga(ax_resp_t *r, const uint8_t *allowed_id, size_t allowed_len);

/* The rules the authData parser named, as "AD-04 ENC-04" (errors and warnings). */
void ax_ad_rules(const ax_resp_t *r, char *buf, size_t n);
/* The first thing the parser said, for a detail. */
const char *ax_ad_first(const ax_resp_t *r, char *buf, size_t n);

/* Remember a flags byte of credential a (the flags family reads them). */
void ax_note_flags(ax_t *x, uint8_t flags, bool uv_asked, const char *where);

/* Random bytes (OpenSSL). */
void ax_random(uint8_t *p, size_t n);

/* The device's built-in UV is ready; it has a PIN; it has pinUvAuthToken. */
bool ax_has_uv(const ax_t *x);
bool ax_has_pin(const ax_t *x);

/* Make credential a (non-discoverable) if it is not made yet; false with why when it cannot be. */
bool ax_need_a(ax_t *x, char *d, size_t n);

/* Add rule IDs (space separated) to the running case's rules, each once. */
void ax_rules(ax_t *x, const char *ids);

#endif /* !FSIM_CONFORM_AUTHN_INT_H */
