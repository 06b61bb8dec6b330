/*
 * ctaphid.c — CTAPHID framing (CTAP 2.1 §11.2) over an fsim_authn_t.
 *
 * Reports go in one at a time; a message is assembled from an init packet
 * and up to 128 continuation packets, dispatched, and the response is split
 * back into reports through the send callback. One transaction is assembled
 * at a time (§11.2.5: the device is busy until the response is sent); init
 * packets from other channels meanwhile get ERR_CHANNEL_BUSY.
 *
 * Processing is synchronous: fsim_authn_request returns before the next
 * report is read, so there is never a request pending while reports arrive.
 * Hence no KEEPALIVE is sent (§11.2.9.1.7 asks for one every 100 ms only
 * while a request is being processed), and a CANCEL can only meet a message
 * that is still being assembled on its channel, which it drops silently.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "authenticator/ctaphid.h"
#include "authenticator/internal.h"
#include "core/fsim_core.h"

#define CID_BROADCAST 0xffffffffu
#define INIT_DATA (FSIM_HID_REPORT - 7)   /* 57 */
#define CONT_DATA (FSIM_HID_REPORT - 5)   /* 59 */
#define MAX_MSG (INIT_DATA + 128 * CONT_DATA)  /* 7609 */
#define MAX_CHANNELS 16
#define MSG_TIMEOUT_MS 500

/* Commands (§11.2.9), without the init-packet bit. */
#define CMD_PING 0x01
#define CMD_MSG 0x03
#define CMD_LOCK 0x04
#define CMD_INIT 0x06
#define CMD_WINK 0x08
#define CMD_CBOR 0x10
#define CMD_CANCEL 0x11
#define CMD_KEEPALIVE 0x3b
#define CMD_ERROR 0x3f

/* CTAPHID_ERROR codes (§11.2.9.1.6). */
#define ERR_INVALID_CMD 0x01
#define ERR_INVALID_PAR 0x02
#define ERR_INVALID_LEN 0x03
#define ERR_INVALID_SEQ 0x04
#define ERR_MSG_TIMEOUT 0x05
#define ERR_CHANNEL_BUSY 0x06
#define ERR_INVALID_CHANNEL 0x0b
#define ERR_OTHER 0x7f

/* INIT response (§11.2.9.1.3). */
#define HID_PROTOCOL_VERSION 2
#define CAP_WINK 0x01
#define CAP_CBOR 0x04

struct fsim_ctaphid {
	fsim_authn_t *authn;
	const fsim_env_t *env;
	fsim_hid_send_fn send;
	void *ctx;

	uint8_t version[3];           /* device major, minor, build */

	uint32_t channels[MAX_CHANNELS];
	size_t n_channels;
	size_t next_evict;            /* oldest channel when the table is full */

	/* The clock as of the latest tick. */
	uint64_t now_ms;
	bool have_now;

	/* The message being assembled. */
	bool busy;
	uint32_t cid;
	uint8_t cmd;
	size_t bcnt, got;
	uint8_t seq;                  /* next continuation expected */
	uint64_t last_ms;             /* when its latest packet came */
	bool stamp_pending;           /* came before any tick: stamped by the next */
	uint8_t msg[MAX_MSG];
};

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* "major.minor.build" of FSIM_VERSION, each capped at 255. */
static void
parse_version(uint8_t out[3])
{
	const char *s = FSIM_VERSION;
	size_t i;

	for (i = 0; i < 3; i++) {
		unsigned long v = 0;

		while (*s >= '0' && *s <= '9') {
			if (v < 256)
				v = v * 10 + (unsigned long)(*s - '0');
			s++;
		}
		out[i] = (uint8_t)(v > 255 ? 255 : v);
		if (*s == '.')
			s++;
	}
}

int
fsim_ctaphid_new(fsim_authn_t *authn, const fsim_env_t *env, fsim_hid_send_fn send,
    void *ctx, fsim_ctaphid_t **out)
{
	fsim_ctaphid_t *h = NULL;
	int r = FSIM_ERR_ARG;

	if (out == NULL)
		goto fail;
	*out = NULL;
	if (env == NULL || send == NULL)
		goto fail;
	r = FSIM_ERR_NOMEM;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		goto fail;
	h->authn = authn;
	h->env = env;
	h->send = send;
	h->ctx = ctx;
	parse_version(h->version);
	*out = h;
	h = NULL;
	r = 0;
fail:
	free(h);
	return r;
}

/* Forget the message being assembled (it may hold a PIN exchange). */
static void
drop(fsim_ctaphid_t *h)
{
	if (h->got > 0)
		fsim_wipe(h->msg, h->got);
	h->busy = false;
	h->cid = 0;
	h->cmd = 0;
	h->bcnt = h->got = 0;
	h->seq = 0;
	h->stamp_pending = false;
}

void
fsim_ctaphid_free(fsim_ctaphid_t **hp)
{
	if (hp == NULL || *hp == NULL)
		return;
	fsim_wipe(*hp, sizeof(**hp));
	free(*hp);
	*hp = NULL;
}

/*
 * Send a message on cid as an init packet and as many continuation packets
 * as needed, each zero padded to 64 bytes (§11.2.4).
 */
static int
send_msg(fsim_ctaphid_t *h, uint32_t cid, uint8_t cmd, const uint8_t *data, size_t len)
{
	uint8_t rep[FSIM_HID_REPORT];
	size_t off, n;
	uint8_t seq = 0;
	int r = FSIM_ERR_ARG;

	if (len > MAX_MSG || (len > 0 && data == NULL))
		goto fail;
	r = FSIM_ERR_IO;
	memset(rep, 0, sizeof(rep));
	put_be32(rep, cid);
	rep[4] = (uint8_t)(0x80 | cmd);
	rep[5] = (uint8_t)(len >> 8);
	rep[6] = (uint8_t)len;
	n = len < INIT_DATA ? len : INIT_DATA;
	if (n > 0)
		memcpy(rep + 7, data, n);
	if (h->send(h->ctx, rep) != 0)
		goto fail;
	for (off = n; off < len; off += n) {
		memset(rep, 0, sizeof(rep));
		put_be32(rep, cid);
		rep[4] = seq++;
		n = len - off < CONT_DATA ? len - off : CONT_DATA;
		memcpy(rep + 5, data + off, n);
		if (h->send(h->ctx, rep) != 0)
			goto fail;
	}
	r = 0;
fail:
	fsim_wipe(rep, sizeof(rep));
	return r;
}

static int
send_error(fsim_ctaphid_t *h, uint32_t cid, uint8_t code)
{
	return send_msg(h, cid, CMD_ERROR, &code, 1);
}

static bool
is_allocated(const fsim_ctaphid_t *h, uint32_t cid)
{
	size_t i;

	for (i = 0; i < h->n_channels; i++)
		if (h->channels[i] == cid)
			return true;
	return false;
}

/*
 * A fresh channel ID from the environment's ephemeral stream (so that
 * channels never shift the stream credentials come from): never 0
 * (reserved), never the broadcast ID, never one already in use. When the
 * table is full the oldest allocation is reused.
 */
static int
allocate_cid(fsim_ctaphid_t *h, uint32_t *out)
{
	uint8_t b[4];
	uint32_t cid = 0;
	int tries, r = FSIM_ERR_INTERNAL;

	for (tries = 0; tries < 64; tries++) {
		if ((r = fsim_env_session_random(h->env, b, sizeof(b))) != 0)
			goto fail;
		cid = get_be32(b);
		if (cid != 0 && cid != CID_BROADCAST && !is_allocated(h, cid))
			break;
	}
	r = FSIM_ERR_INTERNAL;
	if (tries == 64)
		goto fail;
	if (h->n_channels < MAX_CHANNELS) {
		h->channels[h->n_channels++] = cid;
	} else {
		h->channels[h->next_evict] = cid;
		h->next_evict = (h->next_evict + 1) % MAX_CHANNELS;
	}
	*out = cid;
	r = 0;
fail:
	return r;
}

/*
 * CTAPHID_INIT (§11.2.9.1.3): on the broadcast channel it allocates a new
 * channel; on an allocated one it resynchronises it (the caller has already
 * dropped any transaction there) and answers with the same CID.
 */
static int
do_init(fsim_ctaphid_t *h, uint32_t cid, const uint8_t nonce[8])
{
	uint8_t resp[17];
	uint32_t new_cid = cid;
	int r;

	if (cid == CID_BROADCAST && (r = allocate_cid(h, &new_cid)) != 0)
		return send_error(h, cid, ERR_OTHER) == 0 ? r : FSIM_ERR_IO;
	memcpy(resp, nonce, 8);
	put_be32(resp + 8, new_cid);
	resp[12] = HID_PROTOCOL_VERSION;
	resp[13] = h->version[0];
	resp[14] = h->version[1];
	resp[15] = h->version[2];
	/* MSG is supported, so NMSG (0x08) stays clear. */
	resp[16] = CAP_WINK | CAP_CBOR;
	return send_msg(h, cid, CMD_INIT, resp, sizeof(resp));
}

static int
do_cbor(fsim_ctaphid_t *h, uint32_t cid, const uint8_t *req, size_t len)
{
	fsim_blob_t resp = { 0 };
	uint8_t *out = NULL;
	uint8_t status;
	int r;

	if (len == 0)
		return send_error(h, cid, ERR_INVALID_LEN);
	status = fsim_authn_request(h->authn, req, len, &resp);
	if (status != FSIM_CTAP1_ERR_SUCCESS)
		fsim_blob_reset(&resp);
	if (resp.len > MAX_MSG - 1) {
		/* Cannot be framed: an internal failure, not the client's. */
		r = send_error(h, cid, ERR_OTHER);
		goto fail;
	}
	if ((out = malloc(resp.len + 1)) == NULL) {
		r = send_error(h, cid, ERR_OTHER);
		if (r == 0)
			r = FSIM_ERR_NOMEM;
		goto fail;
	}
	out[0] = status;
	if (resp.len > 0)
		memcpy(out + 1, resp.ptr, resp.len);
	r = send_msg(h, cid, CMD_CBOR, out, resp.len + 1);
	/* The response may carry an encrypted PIN token: wipe it. */
	fsim_wipe(out, resp.len + 1);
fail:
	free(out);
	fsim_blob_reset(&resp);
	return r;
}

static int
do_msg(fsim_ctaphid_t *h, uint32_t cid, const uint8_t *apdu, size_t len)
{
	fsim_blob_t resp = { 0 };
	int r;

	if (fsim_authn_u2f(h->authn, apdu, len, &resp) != 0 || resp.len > MAX_MSG)
		r = send_error(h, cid, ERR_OTHER);
	else
		r = send_msg(h, cid, CMD_MSG, resp.ptr, resp.len);
	fsim_blob_reset(&resp);
	return r;
}

/* A whole message has arrived on cid: answer it. */
static int
dispatch(fsim_ctaphid_t *h, uint32_t cid, uint8_t cmd, const uint8_t *data, size_t len)
{
	switch (cmd) {
	case CMD_PING:
		return send_msg(h, cid, CMD_PING, data, len);
	case CMD_WINK:
		if (len != 0)
			return send_error(h, cid, ERR_INVALID_LEN);
		return send_msg(h, cid, CMD_WINK, NULL, 0);
	case CMD_MSG:
		return do_msg(h, cid, data, len);
	case CMD_CBOR:
		return do_cbor(h, cid, data, len);
	default:
		/* LOCK (optional), vendor commands, and KEEPALIVE/ERROR,
		 * which only a device sends. */
		return send_error(h, cid, ERR_INVALID_CMD);
	}
}

static void
stamp(fsim_ctaphid_t *h)
{
	if (h->have_now) {
		h->last_ms = h->now_ms;
		h->stamp_pending = false;
	} else {
		h->stamp_pending = true;
	}
}

/* The message is complete: take it out of the assembly buffer and answer. */
static int
finish(fsim_ctaphid_t *h)
{
	int r;

	/* Dispatch from the buffer, then drop (which wipes it). */
	r = dispatch(h, h->cid, h->cmd, h->msg, h->bcnt);
	drop(h);
	return r;
}

static int
init_packet(fsim_ctaphid_t *h, uint32_t cid, const uint8_t *rep)
{
	uint8_t cmd = rep[4] & 0x7f;
	size_t bcnt = (size_t)rep[5] << 8 | rep[6];
	size_t n;

	if (cid == 0)
		return send_error(h, cid, ERR_INVALID_CHANNEL);
	if (h->busy && h->cid != cid) {
		/* §11.2.5: another channel waits until this transaction ends.
		 * CANCEL never gets a reply of its own. */
		if (cmd == CMD_CANCEL)
			return 0;
		return send_error(h, cid, ERR_CHANNEL_BUSY);
	}
	if (cmd == CMD_INIT) {
		if (cid != CID_BROADCAST && !is_allocated(h, cid))
			return send_error(h, cid, ERR_INVALID_CHANNEL);
		/* INIT on the busy channel aborts its transaction (resync). */
		if (h->busy)
			drop(h);
		if (bcnt != 8)
			return send_error(h, cid, ERR_INVALID_LEN);
		return do_init(h, cid, rep + 7);
	}
	if (cid == CID_BROADCAST || !is_allocated(h, cid))
		return send_error(h, cid, ERR_INVALID_CHANNEL);
	if (cmd == CMD_CANCEL) {
		/* No reply; a message still being assembled here is dropped. */
		if (h->busy)
			drop(h);
		return 0;
	}
	if (h->busy) {
		/* A new request on the channel while its message is incomplete. */
		drop(h);
		return send_error(h, cid, ERR_INVALID_SEQ);
	}
	if (bcnt > MAX_MSG)
		return send_error(h, cid, ERR_INVALID_LEN);
	h->busy = true;
	h->cid = cid;
	h->cmd = cmd;
	h->bcnt = bcnt;
	h->seq = 0;
	n = bcnt < INIT_DATA ? bcnt : INIT_DATA;
	memcpy(h->msg, rep + 7, n);
	h->got = n;
	stamp(h);
	if (h->got == h->bcnt)
		return finish(h);
	return 0;
}

static int
cont_packet(fsim_ctaphid_t *h, uint32_t cid, const uint8_t *rep)
{
	uint8_t seq = rep[4];
	size_t n;

	/* §11.2.4: a continuation nobody expects is ignored. */
	if (!h->busy || h->cid != cid)
		return 0;
	if (seq != h->seq &&
	    !(h->authn != NULL && fsim_quirk_on(h->authn, FSIM_QUIRK_HID_SEQ_UNCHECKED))) {
		drop(h);
		return send_error(h, cid, ERR_INVALID_SEQ);
	}
	n = h->bcnt - h->got;
	if (n > CONT_DATA)
		n = CONT_DATA;
	memcpy(h->msg + h->got, rep + 5, n);
	h->got += n;
	h->seq++;
	stamp(h);
	if (h->got == h->bcnt)
		return finish(h);
	return 0;
}

int
fsim_ctaphid_input(fsim_ctaphid_t *h, const uint8_t report[FSIM_HID_REPORT])
{
	uint32_t cid;

	if (h == NULL || report == NULL)
		return FSIM_ERR_ARG;
	cid = get_be32(report);
	if (report[4] & 0x80)
		return init_packet(h, cid, report);
	return cont_packet(h, cid, report);
}

int
fsim_ctaphid_tick(fsim_ctaphid_t *h, uint64_t now_ms)
{
	uint32_t cid;

	if (h == NULL)
		return FSIM_ERR_ARG;
	h->now_ms = now_ms;
	h->have_now = true;
	if (!h->busy)
		return 0;
	if (h->stamp_pending) {
		stamp(h);
		return 0;
	}
	if (now_ms < h->last_ms || now_ms - h->last_ms < MSG_TIMEOUT_MS)
		return 0;
	cid = h->cid;
	drop(h);
	return send_error(h, cid, ERR_MSG_TIMEOUT);
}
