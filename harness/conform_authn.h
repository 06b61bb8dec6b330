/*
 * conform_authn.h — an authenticator's conformance to CTAP 2.1 (`fidosim
 * conform --authenticator PATH`), case by case, each naming its section:
 *
 *   getInfo (§6.4): the members, their types and consistency, libfido2's
 *     reading beside ours, the AAGUID and algorithms against makeCredential;
 *   makeCredential (§6.1) with every option and error code, and the
 *     excludeList (§6.1.2 step 12);
 *   getAssertion (§6.2) and getNextAssertion (§6.3); resident keys and
 *     credential management (§6.8) where advertised;
 *   clientPIN (§6.5): key agreement under protocols one and two, retries,
 *     pinUvAuthToken permissions and their RP ID;
 *   extensions where advertised (§12): credProtect, credBlob, largeBlobKey,
 *     minPinLength, hmac-secret;
 *   CTAPHID framing (§11.2): INIT, channels, busy, CONT sequence, CANCEL,
 *     KEEPALIVE, message size limits, timeouts;
 *   BE/BS and the signature counter over repeated use (WebAuthn L3 §6.1);
 *   the outputs judged by rp-sim through the reference client (WebAuthn L3
 *     §7.1, §7.2).
 *
 * Destructive cases (authenticatorReset, setting or changing the PIN) run
 * only when asked. A case the authenticator does not advertise the feature
 * of is skipped, saying so.
 */
#ifndef FSIM_CONFORM_AUTHN_H
#define FSIM_CONFORM_AUTHN_H

#include <stdio.h>

#include "harness/conform.h"
#include "platform/device.h"

typedef struct fsim_conform_authn_config {
	fsim_device_t *dev;                 /* opened (borrowed) */
	bool allow_destructive;             /* reset, setPIN, changePIN */
	const char *pin;                    /* the device's PIN, when it has one; NULL */
	const char *new_pin;                /* setPIN / changePIN to this (destructive); NULL: a default */
	const char *only;                   /* run the families whose name contains this; NULL: all */
	FILE *progress;                     /* one line per case as it runs; NULL: quiet */
} fsim_conform_authn_config_t;

/* Run the cases; results as conform --server's (out->authenticator set). 0, or FSIM_ERR_*. */
int fsim_conform_authn_run(const fsim_conform_authn_config_t *cfg,
    fsim_conform_results_t *out) FSIM_WUR;

/* The cases, for --list: ID, family, section, what must hold, destructive. */
typedef struct fsim_conform_authn_case_info {
	const char *id, *family, *section, *name;
	bool destructive;
} fsim_conform_authn_case_info_t;

size_t fsim_conform_authn_count(void);
const fsim_conform_authn_case_info_t *fsim_conform_authn_case(size_t i);

#endif /* !FSIM_CONFORM_AUTHN_H */
