/*
 * devinfo.h — an authenticator's authenticatorGetInfo response (CTAP 2.1
 * §6.4), read into a struct a client can act on: what a `--device`
 * ceremony needs (user verification, PIN, algorithms, transports), what
 * `fidosim devices` prints, and what `conform --authenticator` checks.
 *
 * Reading is lenient: a member of the wrong type is skipped and recorded
 * in the diagnostics (field "getInfo.N name", rule "INFO"), so one bad
 * member never hides the others; only a response that is not a CBOR map
 * fails.
 */
#ifndef FSIM_PLATFORM_DEVINFO_H
#define FSIM_PLATFORM_DEVINFO_H

#include <jansson.h>

#include "core/fsim_core.h"

#define FSIM_DEVINFO_MAX 24

typedef struct fsim_devinfo_option {
	char name[40];
	bool value;
} fsim_devinfo_option_t;

typedef struct fsim_devinfo {
	char versions[FSIM_DEVINFO_MAX][32];                  /* 0x01 */
	size_t n_versions;
	char extensions[FSIM_DEVINFO_MAX][40];                /* 0x02 */
	size_t n_extensions;
	uint8_t aaguid[16];                                   /* 0x03 */
	bool has_aaguid;
	fsim_devinfo_option_t options[FSIM_DEVINFO_MAX];      /* 0x04 */
	size_t n_options;
	uint64_t max_msg_size;                                /* 0x05; 0: absent */
	uint64_t pin_protocols[8];                            /* 0x06 */
	size_t n_pin_protocols;
	uint64_t max_cred_count_in_list;                      /* 0x07; 0: absent */
	uint64_t max_cred_id_length;                          /* 0x08; 0: absent */
	char transports[FSIM_DEVINFO_MAX][24];                /* 0x09 */
	size_t n_transports;
	int64_t algs[FSIM_DEVINFO_MAX];                       /* 0x0A, type public-key */
	size_t n_algs;
	bool has_algs;
	uint64_t max_large_blob;                              /* 0x0B; 0: absent */
	bool force_pin_change;                                /* 0x0C */
	uint64_t min_pin_length;                              /* 0x0D; 0: absent */
	uint64_t firmware_version;                            /* 0x0E */
	bool has_firmware_version;
	uint64_t max_cred_blob_length;                        /* 0x0F; 0: absent */
	uint64_t remaining_rk;                                /* 0x14 */
	bool has_remaining_rk;
} fsim_devinfo_t;

/*
 * Read a getInfo response map (the CBOR after the status byte). Returns 0
 * (problems with members, if any, in d, which may be NULL), or FSIM_ERR_CBOR
 * / FSIM_ERR_FORMAT when it is not a well-formed CBOR map.
 */
int fsim_devinfo_parse(const uint8_t *cbor, size_t len, fsim_devinfo_t *out,
    fsim_diags_t *d) FSIM_WUR;

/* An option ID (§6.4 options): 1 true, 0 false, -1 absent. */
int fsim_devinfo_option(const fsim_devinfo_t *i, const char *name);
bool fsim_devinfo_has_version(const fsim_devinfo_t *i, const char *v);
bool fsim_devinfo_has_extension(const fsim_devinfo_t *i, const char *e);
bool fsim_devinfo_has_pin_protocol(const fsim_devinfo_t *i, uint64_t p);
/* Listed in algorithms (false when the member is absent: nothing is known). */
bool fsim_devinfo_has_alg(const fsim_devinfo_t *i, int64_t alg);

/*
 * The authenticator can verify users: built-in UV ready ("uv": true) or a
 * PIN set ("clientPin": true).
 */
bool fsim_devinfo_can_verify(const fsim_devinfo_t *i);

/* The preferred PIN/UV auth protocol both sides know (2, else 1), or 0. */
uint64_t fsim_devinfo_pin_protocol(const fsim_devinfo_t *i);

/*
 * As JSON: {"versions", "extensions", "aaguid", "options", "maxMsgSize",
 * "pinUvAuthProtocols", "maxCredentialCountInList", "maxCredentialIdLength",
 * "transports", "algorithms", "minPINLength", "firmwareVersion",
 * "maxCredBlobLength", "remainingDiscoverableCredentials"} with the absent
 * ones left out. NULL without memory.
 */
json_t *fsim_devinfo_json(const fsim_devinfo_t *i);

#endif /* !FSIM_PLATFORM_DEVINFO_H */
