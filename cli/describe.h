/*
 * describe.h — turn parsed WebAuthn structures into a JSON model for display.
 * `fidosim decode --json` prints the model; without --json render.c prints it
 * for people. One model, two views.
 */
#ifndef FSIM_DESCRIBE_H
#define FSIM_DESCRIBE_H

#include <jansson.h>
#include "core/fsim_core.h"

/* Each returns a new reference, or NULL when out of memory. */
json_t *fsim_describe_hex(const uint8_t *ptr, size_t len);
json_t *fsim_describe_cbor(const cbor_item_t *item);
json_t *fsim_describe_cert(const uint8_t *der, size_t len);
json_t *fsim_describe_cose(const fsim_cose_key_t *k);
json_t *fsim_describe_flags(uint8_t flags);
json_t *fsim_describe_authdata(const fsim_authdata_t *ad, const fsim_aaguid_names_t *names);
json_t *fsim_describe_attobj(const fsim_attobj_t *ao, const fsim_aaguid_names_t *names);
json_t *fsim_describe_clientdata(const fsim_clientdata_t *cd);
json_t *fsim_describe_signature(const uint8_t *sig, size_t len);
json_t *fsim_describe_diags(const fsim_diags_t *d, fsim_sev_t sev);

#endif /* !FSIM_DESCRIBE_H */
