/*
 * ctaphid_client.h — the host side of CTAPHID (CTAP 2.1 §11.2): channel
 * allocation with CTAPHID_INIT, messages split into an init packet and
 * continuation packets and put back together, KEEPALIVE while the device
 * works, CANCEL, and the ERROR replies. Over platform/hidio.h.
 *
 * The same calls serve `--device` ceremonies (well-formed exchanges) and
 * `conform --authenticator` (which also sends malformed framing through
 * fsim_hidio_send and reads the device's answers raw).
 */
#ifndef FSIM_PLATFORM_CTAPHID_CLIENT_H
#define FSIM_PLATFORM_CTAPHID_CLIENT_H

#include "platform/hidio.h"

#define FSIM_HIDC_CID_BROADCAST 0xffffffffu
#define FSIM_HIDC_INIT_DATA 57                       /* 64 - 7 */
#define FSIM_HIDC_CONT_DATA 59                       /* 64 - 5 */
#define FSIM_HIDC_MAX_MSG (57 + 128 * 59)            /* 7609 (§11.2.4) */

/* Commands (§11.2.9), without the init-packet bit 0x80. */
#define FSIM_HIDC_PING 0x01
#define FSIM_HIDC_MSG 0x03
#define FSIM_HIDC_LOCK 0x04
#define FSIM_HIDC_INIT 0x06
#define FSIM_HIDC_WINK 0x08
#define FSIM_HIDC_CBOR 0x10
#define FSIM_HIDC_CANCEL 0x11
#define FSIM_HIDC_KEEPALIVE 0x3b
#define FSIM_HIDC_ERROR 0x3f

/* CTAPHID_ERROR codes (§11.2.9.1.6). */
#define FSIM_HIDC_ERR_INVALID_CMD 0x01
#define FSIM_HIDC_ERR_INVALID_PAR 0x02
#define FSIM_HIDC_ERR_INVALID_LEN 0x03
#define FSIM_HIDC_ERR_INVALID_SEQ 0x04
#define FSIM_HIDC_ERR_MSG_TIMEOUT 0x05
#define FSIM_HIDC_ERR_CHANNEL_BUSY 0x06
#define FSIM_HIDC_ERR_LOCK_REQUIRED 0x0a
#define FSIM_HIDC_ERR_INVALID_CHANNEL 0x0b
#define FSIM_HIDC_ERR_OTHER 0x7f

/* KEEPALIVE status (§11.2.9.1.7). */
#define FSIM_HIDC_STATUS_PROCESSING 1
#define FSIM_HIDC_STATUS_UPNEEDED 2

/* What CTAPHID_INIT told about the device (§11.2.9.1.3). */
typedef struct fsim_hidc_info {
	uint32_t cid;
	uint8_t protocol;          /* CTAPHID protocol version: 2 */
	uint8_t major, minor, build;
	uint8_t caps;              /* CAPABILITY_WINK 0x01, CBOR 0x04, NMSG 0x08 */
} fsim_hidc_info_t;

#define FSIM_HIDC_CAP_WINK 0x01
#define FSIM_HIDC_CAP_CBOR 0x04
#define FSIM_HIDC_CAP_NMSG 0x08

/* Called for each KEEPALIVE the device sends while it works. */
typedef void (*fsim_hidc_keepalive_fn)(void *ctx, uint8_t status);

/*
 * A whole message received: its command (without 0x80) and payload. An
 * ERROR reply is a message too (cmd FSIM_HIDC_ERROR, one byte).
 */
typedef struct fsim_hidc_msg {
	uint8_t cmd;
	uint8_t data[FSIM_HIDC_MAX_MSG];
	size_t len;
	size_t keepalives;          /* KEEPALIVEs seen before it */
	uint8_t last_keepalive;     /* the status of the last one */
	bool bad_keepalive;         /* one had a BCNT other than 1 or a status other than 1, 2 */
} fsim_hidc_msg_t;

/* Build the init packet (and the continuation packets) of a message. */
int fsim_hidc_send(fsim_hidio_t *io, uint32_t cid, uint8_t cmd, const uint8_t *data,
    size_t len) FSIM_WUR;

/*
 * Receive the next whole message on cid within ms (per report; each
 * KEEPALIVE restarts it), skipping reports for other channels. KEEPALIVEs
 * are counted and passed to ka (may be NULL). 0 and *msg; FSIM_ERR_IO when
 * nothing came in time or the device is gone; FSIM_ERR_FORMAT when the
 * framing is wrong (a continuation out of sequence, a BCNT over 7609).
 * cancel (may be NULL) is polled between reports: once it is set, a
 * CTAPHID_CANCEL goes to cid (once) and the wait goes on for the answer.
 */
int fsim_hidc_recv(fsim_hidio_t *io, uint32_t cid, int ms, fsim_hidc_keepalive_fn ka,
    void *ka_ctx, const volatile int *cancel, fsim_hidc_msg_t *msg) FSIM_WUR;

/*
 * CTAPHID_INIT on the broadcast channel with a random nonce: a new channel.
 * 0 and *info; FSIM_ERR_IO when no answer with our nonce came within ms.
 */
int fsim_hidc_init(fsim_hidio_t *io, int ms, fsim_hidc_info_t *info) FSIM_WUR;

/*
 * One request and its reply on cid: send, then receive (see fsim_hidc_recv).
 * A reply other than cmd (an ERROR, or another command) is returned as
 * received; the caller decides.
 */
int fsim_hidc_transact(fsim_hidio_t *io, uint32_t cid, uint8_t cmd, const uint8_t *data,
    size_t len, int ms, fsim_hidc_keepalive_fn ka, void *ka_ctx, const volatile int *cancel,
    fsim_hidc_msg_t *msg) FSIM_WUR;

/* "ERR_INVALID_SEQ" for 0x04, "ERR_UNKNOWN" for other codes. */
const char *fsim_hidc_error_name(uint8_t code);

#endif /* !FSIM_PLATFORM_CTAPHID_CLIENT_H */
