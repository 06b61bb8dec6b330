/*
 * webauthnio.c — webauthn.io's credential card (see webauthnio.h).
 */
#include <string.h>

#include "rp-sim/webauthnio.h"

/*
 * Where webauthn.io's AAGUID snapshot (pulled 2025-09-16, plus Yubico
 * entries) names a provider differently from, or in addition to, the
 * community list that data/aaguid-names.json copies.
 */
static const struct {
	const char *aaguid, *name;
} snapshot_differences[] = {
	{ "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "iCloud Keychain" },
	{ "cb69481e-8ff7-4039-93ec-0a2729a154a8", "YubiKey 5 Series" },
	{ "ee882879-721c-4913-9775-3dfcce97072a", "YubiKey 5 Series" },
	{ "fa2b99dc-9e39-4257-8f92-4a30d23c4118", "YubiKey 5 Series with NFC" },
	{ "2fc0579f-8113-47ea-b116-bb5a8db9202a", "YubiKey 5 Series with NFC" },
	{ "c5ef55ff-ad9a-4b9f-b580-adebafe026d0", "YubiKey 5Ci" },
	{ "19083c3d-8383-4b18-bc03-8f1c9ab2fd1b", "YubiKey 5 Series" },
	{ "a25342c0-3cdc-4414-8e46-f4807fca511c", "YubiKey 5 Series with NFC" },
};

int
fsim_webauthnio_discoverable(const json_t *response)
{
	const json_t *rk = json_object_get(json_object_get(json_object_get(response,
	    "clientExtensionResults"), "credProps"), "rk");

	if (!json_is_boolean(rk))
		return -1;
	return json_is_true(rk) ? 1 : 0;
}

static void
copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
fsim_webauthnio_card(const fsim_aaguid_names_t *names, const uint8_t aaguid[16],
    bool backup_eligible, int discoverable, fsim_webauthnio_card_t *out)
{
	const char *name = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	fsim_aaguid_format(aaguid, out->aaguid);
	for (i = 0; i < sizeof(snapshot_differences) / sizeof(snapshot_differences[0]); i++)
		if (strcmp(snapshot_differences[i].aaguid, out->aaguid) == 0)
			name = snapshot_differences[i].name;
	if (name == NULL && names != NULL)
		name = fsim_aaguid_name(names, aaguid);
	if (name == NULL && fsim_aaguid_is_zero(aaguid) && backup_eligible)
		name = "iCloud Keychain";
	copy(out->provider_name, sizeof(out->provider_name), name ? name : "(Unavailable)");
	copy(out->description, sizeof(out->description), backup_eligible ? "synced " : "device-bound ");
	i = strlen(out->description);
	copy(out->description + i, sizeof(out->description) - i,
	    discoverable > 0 ? "passkey" : discoverable == 0 ?
	    "non-discoverable credential" : "credential of unknown discoverability");
}

json_t *
fsim_webauthnio_json(const fsim_webauthnio_card_t *c)
{
	return json_pack("{s:s, s:s, s:s}", "providerName", c->provider_name,
	    "description", c->description, "aaguid", c->aaguid);
}
