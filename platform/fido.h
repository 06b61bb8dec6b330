/*
 * fido.h — what fidosim asks of libfido2 (Yubico's CTAP client library,
 * libfido2-dev): finding FIDO devices (fido_dev_info_manifest), opening one
 * (fido_dev_open, CTAPHID_INIT and authenticatorGetInfo) over fidosim's own
 * report I/O (platform/hidio.h, through fido_dev_set_io_functions, so a
 * hidraw node and a `fidosim authenticator --listen` socket are opened the
 * same way), and libfido2's own reading of getInfo.
 *
 * The requests of a ceremony are not libfido2's: libfido2 has no call that
 * sends a request it did not build, and a `--device` ceremony must send the
 * very request the platform profile built (platform/client.h). They go over
 * the handle libfido2 opened, on a channel of their own
 * (platform/device.h).
 */
#ifndef FSIM_PLATFORM_FIDO_H
#define FSIM_PLATFORM_FIDO_H

#include <jansson.h>

#include "platform/hidio.h"

/* A FIDO HID device libfido2 found. */
typedef struct fsim_fido_found {
	char path[256];
	char manufacturer[128];
	char product[128];
	int vendor_id, product_id;
} fsim_fido_found_t;

/* Up to max devices into v; *n how many. 0, or FSIM_ERR_INTERNAL when libfido2 failed. */
int fsim_fido_manifest(fsim_fido_found_t *v, size_t max, size_t *n) FSIM_WUR;

typedef struct fsim_fido fsim_fido_t;

/*
 * Open path ("/dev/hidrawN" or "unix:PATH") with libfido2 over fidosim's
 * report I/O. On failure why says what happened (from the I/O layer when
 * the path could not be opened, else libfido2's error).
 */
int fsim_fido_open(const char *path, fsim_fido_t **out, char *why, size_t whylen) FSIM_WUR;
void fsim_fido_close(fsim_fido_t **fp);

/* The report handle libfido2 opened (lent; valid until fsim_fido_close). */
fsim_hidio_t *fsim_fido_io(fsim_fido_t *f);

/* libfido2 found the CBOR capability (a CTAP2 authenticator, not U2F only). */
bool fsim_fido_is_fido2(const fsim_fido_t *f);

/*
 * libfido2's own reading of getInfo (fido_dev_get_cbor_info) as JSON with
 * the members of fsim_devinfo_json that it knows. NULL on failure, why says
 * what libfido2 answered.
 */
json_t *fsim_fido_info_json(fsim_fido_t *f, char *why, size_t whylen);

#endif /* !FSIM_PLATFORM_FIDO_H */
