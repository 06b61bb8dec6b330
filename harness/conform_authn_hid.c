/*
 * conform_authn_hid.c — CTAPHID framing in conform --authenticator (CTAP
 * 2.1 §11.2): INIT and channel allocation, PING across continuation
 * packets, the ERROR codes (unknown command, channel, sequence, length,
 * busy, timeout), stray continuations, CANCEL, KEEPALIVE, message size
 * limits, WINK and MSG where the capabilities say so.
 *
 * Every case opens channels of its own with CTAPHID_INIT and reads only
 * their traffic; the run's own channel is left as it was.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "harness/conform_authn_int.h"

#define F_HID "CTAPHID framing (CTAP 2.1 11.2)"
#define WAIT_MS 3000

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A bare init packet: cid, cmd, BCNT, and up to 57 bytes of data. */
static int
init_packet(fsim_hidio_t *io, uint32_t cid, uint8_t cmd, size_t bcnt, const uint8_t *data,
    size_t n)
{
	uint8_t rep[FSIM_HIDIO_REPORT];

	memset(rep, 0, sizeof(rep));
	put32(rep, cid);
	rep[4] = (uint8_t)(0x80 | cmd);
	rep[5] = (uint8_t)(bcnt >> 8);
	rep[6] = (uint8_t)bcnt;
	if (n > 0)
		memcpy(rep + 7, data, n > 57 ? 57 : n);
	return fsim_hidio_send(io, rep);
}

static int
cont_packet(fsim_hidio_t *io, uint32_t cid, uint8_t seq, const uint8_t *data, size_t n)
{
	uint8_t rep[FSIM_HIDIO_REPORT];

	memset(rep, 0, sizeof(rep));
	put32(rep, cid);
	rep[4] = seq;
	if (n > 0)
		memcpy(rep + 5, data, n > 59 ? 59 : n);
	return fsim_hidio_send(io, rep);
}

/* A channel of the case's own; false with d set. */
static bool
channel(ax_t *x, uint32_t *cid, char *d, size_t n)
{
	fsim_hidc_info_t hi;

	if (fsim_hidc_init(fsim_device_io(x->dev), WAIT_MS, &hi) != 0) {
		snprintf(d, n, "no answer to CTAPHID_INIT");
		return false;
	}
	*cid = hi.cid;
	return true;
}

/* The next message on cid; FSIM_HIDC_ERROR messages carry their code in data[0]. */
static fsim_hidc_msg_t *
next(ax_t *x, uint32_t cid, int ms)
{
	fsim_hidc_msg_t *m = OPENSSL_malloc(sizeof(*m));

	if (m != NULL && fsim_hidc_recv(fsim_device_io(x->dev), cid, ms, NULL, NULL, NULL, m) != 0) {
		OPENSSL_free(m);
		return NULL;
	}
	return m;
}

/* Expect CTAPHID_ERROR code on cid. */
static ax_verdict_t
expect_error(ax_t *x, uint32_t cid, uint8_t code, int ms, const char *what, char *d, size_t n)
{
	fsim_hidc_msg_t *m = next(x, cid, ms);
	ax_verdict_t v;

	if (m == NULL)
		v = ax_say(AX_FAIL, d, n, "%s: no answer (expected %s)", what,
		    fsim_hidc_error_name(code));
	else if (m->cmd != FSIM_HIDC_ERROR || m->len < 1)
		v = ax_say(AX_FAIL, d, n, "%s: answered command 0x%02x, not CTAPHID_ERROR %s", what,
		    (unsigned)m->cmd, fsim_hidc_error_name(code));
	else if (m->data[0] != code)
		v = ax_say(AX_FAIL, d, n, "%s: %s, not %s", what, fsim_hidc_error_name(m->data[0]),
		    fsim_hidc_error_name(code));
	else
		v = ax_say(AX_PASS, d, n, "%s: %s", what, fsim_hidc_error_name(code));
	OPENSSL_free(m);
	return v;
}

static ax_verdict_t
hid_init(ax_t *x, char *d, size_t n)
{
	fsim_hidc_info_t a, b;
	fsim_hidio_t *io = fsim_device_io(x->dev);

	if (fsim_hidc_init(io, WAIT_MS, &a) != 0)
		return ax_say(AX_FAIL, d, n, "no answer to INIT with our nonce (or a channel of 0 or "
		    "the broadcast ID)");
	if (a.protocol != 2)
		return ax_say(AX_FAIL, d, n, "CTAPHID protocol version %u, not 2", a.protocol);
	if (!(a.caps & FSIM_HIDC_CAP_CBOR))
		return ax_say(AX_FAIL, d, n, "the CBOR capability is clear: not a CTAP2 authenticator");
	if (fsim_hidc_init(io, WAIT_MS, &b) != 0)
		return ax_say(AX_FAIL, d, n, "no answer to a second INIT");
	if (a.cid == b.cid)
		return ax_say(AX_FAIL, d, n, "two INITs on the broadcast channel gave the same "
		    "channel 0x%08x", a.cid);
	return ax_say(AX_PASS, d, n, "channels 0x%08x and 0x%08x, protocol 2, CBOR", a.cid, b.cid);
}

static ax_verdict_t
hid_resync(ax_t *x, char *d, size_t n)
{
	static const uint8_t nonce[8] = { 'r', 'e', 's', 'y', 'n', 'c', '!', '!' };
	fsim_hidc_msg_t *m;
	uint32_t cid, got;
	ax_verdict_t v;

	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	if (init_packet(fsim_device_io(x->dev), cid, FSIM_HIDC_INIT, 8, nonce, 8) != 0 ||
	    (m = next(x, cid, WAIT_MS)) == NULL)
		return ax_say(AX_FAIL, d, n, "no answer to INIT on an allocated channel");
	got = (uint32_t)m->data[8] << 24 | (uint32_t)m->data[9] << 16 |
	    (uint32_t)m->data[10] << 8 | m->data[11];
	if (m->cmd != FSIM_HIDC_INIT || m->len < 17 || memcmp(m->data, nonce, 8) != 0)
		v = ax_say(AX_FAIL, d, n, "INIT on channel 0x%08x: not an INIT answer with the nonce",
		    cid);
	else if (got != cid)
		v = ax_say(AX_FAIL, d, n, "INIT on channel 0x%08x answered channel 0x%08x (a "
		    "resynchronisation keeps the channel)", cid, got);
	else
		v = ax_say(AX_PASS, d, n, "INIT on 0x%08x kept the channel", cid);
	OPENSSL_free(m);
	return v;
}

static ax_verdict_t
hid_ping(ax_t *x, char *d, size_t n)
{
	uint8_t data[1000];
	fsim_hidc_msg_t *m;
	uint32_t cid;
	size_t i;
	ax_verdict_t v;

	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	if (fsim_hidc_send(fsim_device_io(x->dev), cid, FSIM_HIDC_PING, data, sizeof(data)) != 0 ||
	    (m = next(x, cid, WAIT_MS)) == NULL)
		return ax_say(AX_FAIL, d, n, "no answer to a PING of %zu bytes", sizeof(data));
	if (m->cmd != FSIM_HIDC_PING || m->len != sizeof(data) || memcmp(m->data, data, m->len) != 0)
		v = ax_say(AX_FAIL, d, n, "PING of %zu bytes: command 0x%02x, %zu bytes back, "
		    "%s", sizeof(data), (unsigned)m->cmd, m->len, m->cmd == FSIM_HIDC_PING ?
		    "not the same bytes" : "not PING");
	else
		v = ax_say(AX_PASS, d, n, "%zu bytes over an init and 16 continuation packets, echoed",
		    sizeof(data));
	OPENSSL_free(m);
	return v;
}

static ax_verdict_t
hid_unknown_cmd(ax_t *x, char *d, size_t n)
{
	uint32_t cid;

	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	/* 0x35: not a command of CTAP 2.1 nor in the vendor range (0x40-0x7f). */
	if (init_packet(fsim_device_io(x->dev), cid, 0x35, 1, (const uint8_t *)"x", 1) != 0)
		return ax_say(AX_FAIL, d, n, "send failed");
	return expect_error(x, cid, FSIM_HIDC_ERR_INVALID_CMD, WAIT_MS, "command 0x35", d, n);
}

static ax_verdict_t
hid_bad_channel(ax_t *x, char *d, size_t n)
{
	uint32_t cid, other;
	ax_verdict_t v;

	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	other = cid ^ 0x5a5a5a5au;
	if (init_packet(fsim_device_io(x->dev), other, FSIM_HIDC_PING, 1, (const uint8_t *)"x", 1) != 0)
		return ax_say(AX_FAIL, d, n, "send failed");
	if ((v = expect_error(x, other, FSIM_HIDC_ERR_INVALID_CHANNEL, WAIT_MS,
	    "PING on a channel never allocated", d, n)) != AX_PASS)
		return v;
	if (init_packet(fsim_device_io(x->dev), FSIM_HIDC_CID_BROADCAST, FSIM_HIDC_PING, 1,
	    (const uint8_t *)"x", 1) != 0)
		return ax_say(AX_FAIL, d, n, "send failed");
	if ((v = expect_error(x, FSIM_HIDC_CID_BROADCAST, FSIM_HIDC_ERR_INVALID_CHANNEL, WAIT_MS,
	    "PING on the broadcast channel", d, n)) != AX_PASS)
		return v;
	return ax_say(AX_PASS, d, n, "an unallocated channel and PING on broadcast: "
	    "ERR_INVALID_CHANNEL");
}

static ax_verdict_t
hid_bad_seq(ax_t *x, char *d, size_t n)
{
	uint8_t data[100];
	uint32_t cid;

	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	memset(data, 0x33, sizeof(data));
	/* BCNT 100: the init packet, then a continuation numbered 1 instead of 0. */
	if (init_packet(fsim_device_io(x->dev), cid, FSIM_HIDC_PING, sizeof(data), data, 57) != 0 ||
	    cont_packet(fsim_device_io(x->dev), cid, 1, data + 57, 43) != 0)
		return ax_say(AX_FAIL, d, n, "send failed");
	return expect_error(x, cid, FSIM_HIDC_ERR_INVALID_SEQ, WAIT_MS,
	    "a continuation with SEQ 1 where 0 was due", d, n);
}

static ax_verdict_t
hid_too_long(ax_t *x, char *d, size_t n)
{
	uint8_t data[57];
	uint32_t cid;

	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	memset(data, 0x44, sizeof(data));
	if (init_packet(fsim_device_io(x->dev), cid, FSIM_HIDC_PING, FSIM_HIDC_MAX_MSG + 1, data,
	    sizeof(data)) != 0)
		return ax_say(AX_FAIL, d, n, "send failed");
	return expect_error(x, cid, FSIM_HIDC_ERR_INVALID_LEN, WAIT_MS,
	    "BCNT 7610, one over what 128 continuations can carry", d, n);
}

static ax_verdict_t
hid_init_len(ax_t *x, char *d, size_t n)
{
	if (init_packet(fsim_device_io(x->dev), FSIM_HIDC_CID_BROADCAST, FSIM_HIDC_INIT, 4,
	    (const uint8_t *)"four", 4) != 0)
		return ax_say(AX_FAIL, d, n, "send failed");
	return expect_error(x, FSIM_HIDC_CID_BROADCAST, FSIM_HIDC_ERR_INVALID_LEN, WAIT_MS,
	    "INIT with a 4-byte nonce", d, n);
}

static ax_verdict_t
hid_busy(ax_t *x, char *d, size_t n)
{
	uint8_t data[100];
	uint32_t a, b;
	fsim_hidc_msg_t *m;
	ax_verdict_t v;

	if (!channel(x, &a, d, n) || !channel(x, &b, d, n))
		return AX_FAIL;
	memset(data, 0x55, sizeof(data));
	/* A's message is half there; B starts one: B is told to wait (§11.2.5). */
	if (init_packet(fsim_device_io(x->dev), a, FSIM_HIDC_PING, sizeof(data), data, 57) != 0 ||
	    init_packet(fsim_device_io(x->dev), b, FSIM_HIDC_PING, 3, data, 3) != 0)
		return ax_say(AX_FAIL, d, n, "send failed");
	if ((v = expect_error(x, b, FSIM_HIDC_ERR_CHANNEL_BUSY, WAIT_MS,
	    "a second channel while the first one's message is incomplete", d, n)) != AX_PASS) {
		fsim_hidio_drain(fsim_device_io(x->dev));
		return v;
	}
	/* A's message completes and is answered. */
	if (cont_packet(fsim_device_io(x->dev), a, 0, data + 57, 43) != 0 ||
	    (m = next(x, a, WAIT_MS)) == NULL)
		return ax_say(AX_FAIL, d, n, "the first channel's PING was not answered after the "
		    "busy error");
	v = m->cmd == FSIM_HIDC_PING && m->len == sizeof(data) ?
	    ax_say(AX_PASS, d, n, "the second channel got ERR_CHANNEL_BUSY, the first its PING") :
	    ax_say(AX_FAIL, d, n, "the first channel's PING answered command 0x%02x, %zu bytes",
	    (unsigned)m->cmd, m->len);
	OPENSSL_free(m);
	return v;
}

static ax_verdict_t
hid_timeout(ax_t *x, char *d, size_t n)
{
	uint8_t data[57];
	uint32_t cid;

	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	memset(data, 0x66, sizeof(data));
	if (init_packet(fsim_device_io(x->dev), cid, FSIM_HIDC_PING, 100, data, sizeof(data)) != 0)
		return ax_say(AX_FAIL, d, n, "send failed");
	return expect_error(x, cid, FSIM_HIDC_ERR_MSG_TIMEOUT, 5000,
	    "half a message, then nothing", d, n);
}

static ax_verdict_t
hid_stray(ax_t *x, char *d, size_t n)
{
	fsim_hidc_msg_t *m;
	uint32_t cid;
	ax_verdict_t v;

	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	/* A continuation with no message to continue, then a PING. */
	if (cont_packet(fsim_device_io(x->dev), cid, 0, (const uint8_t *)"stray", 5) != 0 ||
	    fsim_hidc_send(fsim_device_io(x->dev), cid, FSIM_HIDC_PING, (const uint8_t *)"abc", 3) != 0 ||
	    (m = next(x, cid, WAIT_MS)) == NULL)
		return ax_say(AX_FAIL, d, n, "no answer to the PING after a stray continuation");
	v = m->cmd == FSIM_HIDC_PING && m->len == 3 && memcmp(m->data, "abc", 3) == 0 ?
	    ax_say(AX_PASS, d, n, "ignored; the next PING was answered") :
	    ax_say(AX_FAIL, d, n, "the first answer after a stray continuation was command 0x%02x "
	    "(%s)", (unsigned)m->cmd, m->cmd == FSIM_HIDC_ERROR && m->len > 0 ?
	    fsim_hidc_error_name(m->data[0]) : "not the PING");
	OPENSSL_free(m);
	return v;
}

static ax_verdict_t
hid_cancel(ax_t *x, char *d, size_t n)
{
	fsim_blob_t req = { NULL, 0 }, body = { NULL, 0 };
	cbor_item_t *mc = ax_mc_map(x, NULL, NULL);
	fsim_hidc_msg_t *m = NULL;
	uint8_t cmd = AX_MC;
	uint32_t cid;
	ax_verdict_t v;

	if (mc == NULL || fsim_cbor_encode(mc, &body) != 0 || fsim_blob_append(&req, &cmd, 1) != 0 ||
	    fsim_blob_append(&req, body.ptr, body.len) != 0) {
		v = ax_say(AX_FAIL, d, n, "out of memory");
		goto out;
	}
	if (!channel(x, &cid, d, n)) {
		v = AX_FAIL;
		goto out;
	}
	/* A makeCredential, at once a CANCEL (§11.2.9.1.5): no answer of its own. */
	if (fsim_hidc_send(fsim_device_io(x->dev), cid, FSIM_HIDC_CBOR, req.ptr, req.len) != 0 ||
	    fsim_hidc_send(fsim_device_io(x->dev), cid, FSIM_HIDC_CANCEL, NULL, 0) != 0) {
		v = ax_say(AX_FAIL, d, n, "send failed");
		goto out;
	}
	if ((m = next(x, cid, 35000)) == NULL) {
		v = ax_say(AX_FAIL, d, n, "the cancelled makeCredential was never answered");
		goto out;
	}
	if (m->cmd != FSIM_HIDC_CBOR || m->len < 1 ||
	    (m->data[0] != AX_OK && m->data[0] != AX_KEEPALIVE_CANCEL)) {
		v = ax_say(AX_FAIL, d, n, "the cancelled makeCredential answered command 0x%02x%s%s",
		    (unsigned)m->cmd, m->cmd == FSIM_HIDC_CBOR && m->len > 0 ? " status " : "",
		    m->cmd == FSIM_HIDC_CBOR && m->len > 0 ? fsim_ctap_status_name(m->data[0]) : "");
		goto out;
	}
	{
		uint8_t first = m->data[0];

		/* Nothing else comes for the CANCEL: the next answer is our PING's. */
		OPENSSL_free(m);
		if (fsim_hidc_send(fsim_device_io(x->dev), cid, FSIM_HIDC_PING,
		    (const uint8_t *)"after", 5) != 0 || (m = next(x, cid, WAIT_MS)) == NULL) {
			v = ax_say(AX_FAIL, d, n, "no answer to a PING after the CANCEL");
			goto out;
		}
		v = m->cmd == FSIM_HIDC_PING ? ax_say(AX_PASS, d, n, "the request ended with %s; "
		    "the CANCEL itself got no answer", first == AX_OK ? "its result (it was done "
		    "before the CANCEL)" : "CTAP2_ERR_KEEPALIVE_CANCEL") :
		    ax_say(AX_FAIL, d, n, "an answer (command 0x%02x) came for the CANCEL",
		    (unsigned)m->cmd);
	}
out:
	OPENSSL_free(m);
	if (mc != NULL)
		cbor_decref(&mc);
	fsim_blob_reset(&req);
	fsim_blob_reset(&body);
	return v;
}

static ax_verdict_t
hid_keepalive(ax_t *x, char *d, size_t n)
{
	fsim_blob_t req = { NULL, 0 }, body = { NULL, 0 };
	cbor_item_t *mc = ax_mc_map(x, NULL, NULL);
	fsim_hidc_msg_t *m = NULL;
	uint8_t cmd = AX_MC;
	uint32_t cid;
	ax_verdict_t v;

	if (mc == NULL || fsim_cbor_encode(mc, &body) != 0 || fsim_blob_append(&req, &cmd, 1) != 0 ||
	    fsim_blob_append(&req, body.ptr, body.len) != 0) {
		v = ax_say(AX_FAIL, d, n, "out of memory");
		goto out;
	}
	if (!channel(x, &cid, d, n)) {
		v = AX_FAIL;
		goto out;
	}
	if (fsim_hidc_send(fsim_device_io(x->dev), cid, FSIM_HIDC_CBOR, req.ptr, req.len) != 0 ||
	    (m = next(x, cid, 35000)) == NULL) {
		v = ax_say(AX_FAIL, d, n, "the makeCredential was not answered");
		goto out;
	}
	if (m->bad_keepalive)
		v = ax_say(AX_FAIL, d, n, "a KEEPALIVE with a BCNT other than 1 or a status other "
		    "than PROCESSING (1) or UPNEEDED (2)");
	else if (m->cmd != FSIM_HIDC_CBOR || m->len < 1 || m->data[0] != AX_OK)
		v = ax_say(AX_FAIL, d, n, "the makeCredential answered command 0x%02x",
		    (unsigned)m->cmd);
	else
		v = ax_say(AX_PASS, d, n, "%zu KEEPALIVE(s) while it worked%s", m->keepalives,
		    m->keepalives == 0 ? " (it answered at once)" : ", each well formed");
out:
	OPENSSL_free(m);
	if (mc != NULL)
		cbor_decref(&mc);
	fsim_blob_reset(&req);
	fsim_blob_reset(&body);
	return v;
}

/* A makeCredential map whose user.displayName is len bytes long. */
static cbor_item_t *
mc_padded(ax_t *x, size_t len)
{
	cbor_item_t *m = ax_mc_map(x, NULL, NULL), *w, *user = cbor_new_definite_map(3);
	char *name = calloc(1, len + 1);

	if (m == NULL || user == NULL || name == NULL)
		goto fail;
	memset(name, 'x', len);
	if (fsim_cbor_map_put(user, fsim_cbor_text("id"), fsim_cbor_bytes(x->a.user_id, 16)) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("name"), fsim_cbor_text("conform")) != 0 ||
	    fsim_cbor_map_put(user, fsim_cbor_text("displayName"), fsim_cbor_text(name)) != 0)
		goto fail;
	free(name);
	w = ax_without(m, 3);
	cbor_decref(&m);
	if (w != NULL && ax_put(w, 3, user) != 0)
		cbor_decref(&w);
	return w;
fail:
	free(name);
	if (user != NULL)
		cbor_decref(&user);
	if (m != NULL)
		cbor_decref(&m);
	return NULL;
}

static ax_verdict_t
hid_max_msg(ax_t *x, char *d, size_t n)
{
	size_t max = x->info->max_msg_size ? (size_t)x->info->max_msg_size : 1024, len = 16, total = 0;
	fsim_blob_t body = { NULL, 0 };
	cbor_item_t *m = NULL;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;
	int tries;

	if (max > FSIM_HIDC_MAX_MSG)
		max = FSIM_HIDC_MAX_MSG;
	/* A makeCredential of exactly maxMsgSize bytes (command byte included), padded
	 * in user.displayName; the string head grows at 24 and 256 bytes, so adjust. */
	for (tries = 0; tries < 6; tries++) {
		if (m != NULL)
			cbor_decref(&m);
		fsim_blob_reset(&body);
		if ((m = mc_padded(x, len)) == NULL || fsim_cbor_encode(m, &body) != 0)
			break;
		total = 1 + body.len;
		if (total == max)
			break;
		if (total > max && total - max >= len)
			break;
		len = total < max ? len + (max - total) : len - (total - max);
	}
	fsim_blob_reset(&body);
	if (m == NULL || total != max) {
		if (m != NULL)
			cbor_decref(&m);
		return ax_say(m == NULL ? AX_FAIL : AX_SKIP, d, n, "%s", m == NULL ? "out of memory" :
		    "no request of exactly maxMsgSize bytes could be made");
	}
	memset(&r, 0, sizeof(r));
	ax_send(x, AX_MC, m, &r);
	cbor_decref(&m);
	if (r.io == 0 && r.hid_error < 0 && r.st == AX_OK)
		v = ax_say(AX_PASS, d, n, "a makeCredential of maxMsgSize (%zu) bytes: CTAP2_OK", max);
	else
		v = ax_say(AX_FAIL, d, n, "a makeCredential of maxMsgSize (%zu) bytes answered %s",
		    max, ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
hid_over_max(ax_t *x, char *d, size_t n)
{
	size_t max = (size_t)x->info->max_msg_size, len;
	uint8_t *req;
	ax_resp_t r;
	char st[96];
	ax_verdict_t v;

	if (max == 0 || max >= FSIM_HIDC_MAX_MSG)
		return ax_say(AX_SKIP, d, n, "maxMsgSize %zu leaves no larger CTAPHID message to try",
		    max);
	/* A getInfo followed by junk, one byte over the limit. */
	len = max + 1;
	if ((req = OPENSSL_zalloc(len)) == NULL)
		return ax_say(AX_FAIL, d, n, "out of memory");
	req[0] = AX_INFO;
	memset(&r, 0, sizeof(r));
	ax_send_raw(x, req, len, &r);
	OPENSSL_free(req);
	if (r.io == 0 && ((r.hid_error == FSIM_HIDC_ERR_INVALID_LEN) ||
	    (r.hid_error < 0 && r.st == AX_REQUEST_TOO_LARGE)))
		v = ax_say(AX_PASS, d, n, "%zu bytes: %s", len, ax_status(&r, st, sizeof(st)));
	else
		v = ax_say(AX_FAIL, d, n, "%zu bytes, over maxMsgSize: expected "
		    "CTAP2_ERR_REQUEST_TOO_LARGE or ERR_INVALID_LEN, got %s", len,
		    ax_status(&r, st, sizeof(st)));
	ax_resp_reset(&r);
	return v;
}

static ax_verdict_t
hid_wink(ax_t *x, char *d, size_t n)
{
	fsim_hidc_msg_t *m;
	uint32_t cid;
	ax_verdict_t v;

	if (!(fsim_device_hid(x->dev)->caps & FSIM_HIDC_CAP_WINK))
		return ax_say(AX_SKIP, d, n, "the WINK capability is clear");
	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	if (fsim_hidc_send(fsim_device_io(x->dev), cid, FSIM_HIDC_WINK, NULL, 0) != 0 ||
	    (m = next(x, cid, WAIT_MS)) == NULL)
		return ax_say(AX_FAIL, d, n, "no answer to WINK");
	v = m->cmd == FSIM_HIDC_WINK && m->len == 0 ? ax_say(AX_PASS, d, n, "an empty WINK answer") :
	    ax_say(AX_FAIL, d, n, "WINK answered command 0x%02x with %zu bytes", (unsigned)m->cmd,
	    m->len);
	OPENSSL_free(m);
	return v;
}

static ax_verdict_t
hid_msg(ax_t *x, char *d, size_t n)
{
	/* U2F_VERSION (FIDO U2F raw messages §6.3): "U2F_V2" and SW 9000. */
	static const uint8_t apdu[] = { 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00 };
	fsim_hidc_msg_t *m;
	uint32_t cid;
	ax_verdict_t v;

	if (fsim_device_hid(x->dev)->caps & FSIM_HIDC_CAP_NMSG)
		return ax_say(AX_SKIP, d, n, "NMSG is set: no CTAPHID_MSG");
	if (!channel(x, &cid, d, n))
		return AX_FAIL;
	if (fsim_hidc_send(fsim_device_io(x->dev), cid, FSIM_HIDC_MSG, apdu, sizeof(apdu)) != 0 ||
	    (m = next(x, cid, WAIT_MS)) == NULL)
		return ax_say(AX_FAIL, d, n, "no answer to MSG U2F_VERSION");
	v = m->cmd == FSIM_HIDC_MSG && m->len == 8 && memcmp(m->data, "U2F_V2\x90\x00", 8) == 0 ?
	    ax_say(AX_PASS, d, n, "MSG U2F_VERSION: \"U2F_V2\", 9000") :
	    ax_say(AX_FAIL, d, n, "MSG U2F_VERSION answered command 0x%02x with %zu bytes",
	    (unsigned)m->cmd, m->len);
	OPENSSL_free(m);
	return v;
}

const ax_case_t fsim_ax_hid_cases[] = {
	{ "HID-01", F_HID, "CTAP 2.1 11.2.9.1.3", "INIT allocates a fresh channel, protocol 2, "
	  "with the CBOR capability", false, hid_init },
	{ "HID-02", F_HID, "CTAP 2.1 11.2.9.1.3", "INIT on an allocated channel keeps it", false,
	  hid_resync },
	{ "HID-03", F_HID, "CTAP 2.1 11.2.4, 11.2.9.1.4", "PING echoes 1000 bytes across "
	  "continuation packets", false, hid_ping },
	{ "HID-04", F_HID, "CTAP 2.1 11.2.9.1.6", "an unknown command: ERR_INVALID_CMD", false,
	  hid_unknown_cmd },
	{ "HID-05", F_HID, "CTAP 2.1 11.2.3, 11.2.9.1.6", "a channel never allocated, or "
	  "broadcast: ERR_INVALID_CHANNEL", false, hid_bad_channel },
	{ "HID-06", F_HID, "CTAP 2.1 11.2.4", "a continuation out of sequence: ERR_INVALID_SEQ",
	  false, hid_bad_seq },
	{ "HID-07", F_HID, "CTAP 2.1 11.2.4", "BCNT over 7609: ERR_INVALID_LEN", false,
	  hid_too_long },
	{ "HID-08", F_HID, "CTAP 2.1 11.2.9.1.3", "INIT with a short nonce: ERR_INVALID_LEN",
	  false, hid_init_len },
	{ "HID-09", F_HID, "CTAP 2.1 11.2.5", "another channel during a transaction: "
	  "ERR_CHANNEL_BUSY, and the transaction goes on", false, hid_busy },
	{ "HID-10", F_HID, "CTAP 2.1 11.2.4", "a message left half sent: ERR_MSG_TIMEOUT", false,
	  hid_timeout },
	{ "HID-11", F_HID, "CTAP 2.1 11.2.4", "a stray continuation packet is ignored", false,
	  hid_stray },
	{ "HID-12", F_HID, "CTAP 2.1 11.2.9.1.5", "CANCEL ends a request with its result or "
	  "CTAP2_ERR_KEEPALIVE_CANCEL, and gets no answer itself", false, hid_cancel },
	{ "HID-13", F_HID, "CTAP 2.1 11.2.9.1.7", "KEEPALIVE, when sent, is one byte, PROCESSING "
	  "or UPNEEDED", false, hid_keepalive },
	{ "HID-14", F_HID, "CTAP 2.1 6.4 maxMsgSize, 11.2.4", "a request of maxMsgSize bytes is "
	  "taken", false, hid_max_msg },
	{ "HID-15", F_HID, "CTAP 2.1 6.4 maxMsgSize, 8.2", "a request over maxMsgSize: "
	  "CTAP2_ERR_REQUEST_TOO_LARGE", false, hid_over_max },
	{ "HID-16", F_HID, "CTAP 2.1 11.2.9.2.1", "WINK, when the capability says so", false,
	  hid_wink },
	{ "HID-17", F_HID, "CTAP 2.1 11.2.9.1.1", "MSG U2F_VERSION, unless NMSG", false, hid_msg },
	{ NULL, NULL, NULL, NULL, false, NULL },
};
