/*
 * ctaphid.h — CTAPHID framing (CTAP 2.1 §11.2): 64-byte reports, init and
 * continuation packets, channel allocation, and the commands INIT, PING,
 * MSG (CTAP1/U2F), CBOR, WINK, CANCEL, KEEPALIVE, ERROR; the error codes for
 * bad sequence, bad length, busy channel and timeout. No I/O: reports go in,
 * reports come out.
 */
#ifndef FSIM_CTAPHID_H
#define FSIM_CTAPHID_H

#include <stdint.h>
#include "authenticator/authn.h"

#define FSIM_HID_REPORT 64

typedef struct fsim_ctaphid fsim_ctaphid_t;

/* Called for each output report (64 bytes). Return 0 on success. */
typedef int (*fsim_hid_send_fn)(void *ctx, const uint8_t report[FSIM_HID_REPORT]);

int fsim_ctaphid_new(fsim_authn_t *authn, const fsim_env_t *env, fsim_hid_send_fn send,
    void *ctx, fsim_ctaphid_t **out) FSIM_WUR;
void fsim_ctaphid_free(fsim_ctaphid_t **hp);

/*
 * Feed one input report; any responses go out through send. Protocol errors
 * are answered with CTAPHID_ERROR and return 0; a negative return means a
 * send failed or memory ran out. The request is processed before this
 * returns (so no KEEPALIVE is ever needed).
 */
int fsim_ctaphid_input(fsim_ctaphid_t *h, const uint8_t report[FSIM_HID_REPORT]) FSIM_WUR;

/*
 * Call periodically (every 100 ms or so) with a monotonic time in
 * milliseconds: a message whose next packet has not come for 500 ms is
 * dropped with ERR_MSG_TIMEOUT. Input reports are timed by the latest tick,
 * so tick before feeding input too.
 */
int fsim_ctaphid_tick(fsim_ctaphid_t *h, uint64_t now_ms) FSIM_WUR;

#endif /* !FSIM_CTAPHID_H */
