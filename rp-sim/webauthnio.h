/*
 * webauthnio.h — the credential card webauthn.io shows on its profile page,
 * computed as webauthn.io computes it (duo-labs/webauthn.io, views/profile.py
 * and services/metadata.py; see docs/evidence/peers.md C.1):
 *
 *   description  = ("device-bound " if BE=0 else "synced ") +
 *                  ("passkey" if credProps.rk is true,
 *                   "non-discoverable credential" if it is false,
 *                   "credential of unknown discoverability" if absent)
 *   providerName = the name webauthn.io's AAGUID snapshot gives; an all-zero
 *                  AAGUID on a backup-eligible credential is "iCloud Keychain";
 *                  otherwise "(Unavailable)".
 *
 * webauthn.io's snapshot predates the community list's renaming of
 * fbfc3007-154e-4ecc-8c0b-6e020557d7bd to "Apple Passwords" and adds Yubico
 * AAGUIDs; those differences are kept here, on top of the names list.
 */
#ifndef FSIM_WEBAUTHNIO_H
#define FSIM_WEBAUTHNIO_H

#include <jansson.h>
#include "core/fsim_core.h"

typedef struct fsim_webauthnio_card {
	char provider_name[96];
	char description[64];
	char aaguid[FSIM_AAGUID_STRLEN + 1];
} fsim_webauthnio_card_t;

/* credProps.rk of a RegistrationResponseJSON: 1 true, 0 false, -1 absent or not a boolean. */
int fsim_webauthnio_discoverable(const json_t *response);

/* The card. names may be NULL (only webauthn.io's own differences are then known). */
void fsim_webauthnio_card(const fsim_aaguid_names_t *names, const uint8_t aaguid[16],
    bool backup_eligible, int discoverable, fsim_webauthnio_card_t *out);

/* {"providerName": ..., "description": ..., "aaguid": ...}; NULL without memory. */
json_t *fsim_webauthnio_json(const fsim_webauthnio_card_t *c);

#endif /* !FSIM_WEBAUTHNIO_H */
