/*
 * hidio.h — HID report I/O with a CTAP authenticator: 64-byte reports to
 * and from a Linux hidraw node (/dev/hidrawN: a report ID byte 0 before
 * each output report, as hidraw wants), or a Unix SOCK_SEQPACKET socket
 * ("unix:PATH", such as `fidosim authenticator --listen PATH`: one report
 * per datagram, no report ID). No framing here: that is ctaphid_client.h.
 *
 * The same handle also serves libfido2 through its custom I/O hooks
 * (fido_dev_set_io_functions): the fsim_hidio_fido_* functions below have
 * the signatures of fido_dev_io_t, so libfido2 opens and reads the device
 * over exactly the bytes fidosim uses itself.
 */
#ifndef FSIM_PLATFORM_HIDIO_H
#define FSIM_PLATFORM_HIDIO_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

#define FSIM_HIDIO_REPORT 64

typedef struct fsim_hidio fsim_hidio_t;

/*
 * Open path: "unix:PATH" connects to a CTAPHID socket; anything else is
 * opened as a hidraw node (read-write, locked against other users as
 * libfido2 does). On failure why (when not NULL) says what went wrong in
 * one line, naming the path and, for a hidraw node the user may not open,
 * the udev rule that grants access (see docs/fidosim.1, DEVICES).
 * Returns 0, FSIM_ERR_ARG (a path that cannot be one), FSIM_ERR_NOT_FOUND
 * (nothing there) or FSIM_ERR_IO.
 */
int fsim_hidio_open(const char *path, fsim_hidio_t **out, char *why, size_t whylen) FSIM_WUR;
void fsim_hidio_close(fsim_hidio_t **hp);

/* Is this a "unix:PATH" device? */
bool fsim_hidio_is_socket(const fsim_hidio_t *h);

/* Send one 64-byte report. 0, or FSIM_ERR_IO. */
int fsim_hidio_send(fsim_hidio_t *h, const uint8_t report[FSIM_HIDIO_REPORT]) FSIM_WUR;

/*
 * Receive one 64-byte report within ms milliseconds (ms < 0: wait for
 * ever). 1 when one came, 0 on timeout, FSIM_ERR_IO when the device is gone
 * or sent something that is not a report.
 */
int fsim_hidio_recv(fsim_hidio_t *h, uint8_t report[FSIM_HIDIO_REPORT], int ms) FSIM_WUR;

/* Drop every report already waiting (after a cancelled or broken exchange). */
void fsim_hidio_drain(fsim_hidio_t *h);

/* ---- libfido2's fido_dev_io_t, over the same handles ---- */

void *fsim_hidio_fido_open(const char *path);
void fsim_hidio_fido_close(void *h);
/* len must be 64; returns 64, or -1 (also on timeout). */
int fsim_hidio_fido_read(void *h, unsigned char *buf, size_t len, int ms);
/* libfido2 writes 65 bytes, the report ID (0) first; returns 65 or -1. */
int fsim_hidio_fido_write(void *h, const unsigned char *buf, size_t len);
/* Why the latest fsim_hidio_fido_open failed ("" when it did not). */
const char *fsim_hidio_fido_open_error(void);

#endif /* !FSIM_PLATFORM_HIDIO_H */
