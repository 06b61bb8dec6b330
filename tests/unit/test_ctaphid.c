/*
 * test_ctaphid.c — CTAPHID framing (CTAP 2.1 §11.2; rules HID-01..HID-06).
 *
 * The authenticator is a stub defined here: fsim_authn_request echoes the
 * request after a success status (or fails on command bytes chosen by the
 * tests), fsim_authn_u2f answers 0x9000. Reports are hand-built as the spec
 * lays them out; responses are captured and reassembled.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authenticator/ctaphid.h"

#define BCAST 0xffffffffu
#define MAXMSG 7609

/* ---- the stub authenticator ---- */

static int u2f_calls, cbor_calls;

uint8_t
fsim_authn_request(fsim_authn_t *a, const uint8_t *req, size_t len, fsim_blob_t *resp)
{
	(void)a;
	cbor_calls++;
	if (req[0] == 0xee)                  /* refuse: OPERATION_DENIED */
		return FSIM_CTAP2_ERR_OPERATION_DENIED;
	if (req[0] == 0xef) {                /* a response too big to frame */
		uint8_t *big = calloc(1, MAXMSG);
		int r;

		if (big == NULL)
			return FSIM_CTAP2_ERR_PROCESSING;
		r = fsim_blob_set(resp, big, MAXMSG);
		free(big);
		return r == 0 ? FSIM_CTAP1_ERR_SUCCESS : FSIM_CTAP2_ERR_PROCESSING;
	}
	if (fsim_blob_set(resp, req, len) != 0)
		return FSIM_CTAP2_ERR_PROCESSING;
	return FSIM_CTAP1_ERR_SUCCESS;
}

int
fsim_authn_u2f(fsim_authn_t *a, const uint8_t *apdu, size_t len, fsim_blob_t *resp)
{
	static const uint8_t ok[2] = { 0x90, 0x00 };

	(void)a;
	u2f_calls++;
	if (len > 0 && apdu[0] == 0xff)      /* internal failure */
		return FSIM_ERR_INTERNAL;
	return fsim_blob_set(resp, ok, sizeof(ok));
}

/* ---- the environment: scripted random CIDs ---- */

struct rnd {
	uint32_t script[8];
	size_t n, i;
	uint32_t counter;
	bool fail;
};

static int
rnd_fn(void *ctx, uint8_t *buf, size_t len)
{
	struct rnd *r = ctx;
	uint32_t v;
	size_t i;

	if (r->fail)
		return FSIM_ERR_INTERNAL;
	v = r->i < r->n ? r->script[r->i++] : 0x10000000u + r->counter++;
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(v >> (8 * (3 - (i % 4))));
	return 0;
}

/* ---- captured output ---- */

struct fix {
	struct rnd rnd;
	fsim_env_t env;
	fsim_ctaphid_t *h;
	uint8_t (*out)[FSIM_HID_REPORT];
	size_t n_out, cap;
	bool fail_send;
};

static int
capture(void *ctx, const uint8_t report[FSIM_HID_REPORT])
{
	struct fix *f = ctx;

	if (f->fail_send)
		return -1;
	if (f->n_out == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		void *p = realloc(f->out, cap * FSIM_HID_REPORT);

		if (p == NULL)
			return -1;
		f->out = p;
		f->cap = cap;
	}
	memcpy(f->out[f->n_out++], report, FSIM_HID_REPORT);
	return 0;
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->env.random = rnd_fn;
	f->env.ctx = &f->rnd;
	if (fsim_ctaphid_new(NULL, &f->env, capture, f, &f->h) != 0) {
		free(f);
		return -1;
	}
	u2f_calls = cbor_calls = 0;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	fsim_ctaphid_free(&f->h);
	assert_null(f->h);
	free(f->out);
	free(f);
	return 0;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Feed an init packet: cmd (without the high bit), declared bcnt, data. */
static int
feed_init(struct fix *f, uint32_t cid, uint8_t cmd, size_t bcnt, const uint8_t *data, size_t n)
{
	uint8_t rep[FSIM_HID_REPORT] = { 0 };

	put32(rep, cid);
	rep[4] = (uint8_t)(0x80 | cmd);
	rep[5] = (uint8_t)(bcnt >> 8);
	rep[6] = (uint8_t)bcnt;
	if (n > 57)
		n = 57;
	if (n > 0)
		memcpy(rep + 7, data, n);
	return fsim_ctaphid_input(f->h, rep);
}

static int
feed_cont(struct fix *f, uint32_t cid, uint8_t seq, const uint8_t *data, size_t n)
{
	uint8_t rep[FSIM_HID_REPORT] = { 0 };

	put32(rep, cid);
	rep[4] = seq;
	if (n > 59)
		n = 59;
	if (n > 0)
		memcpy(rep + 5, data, n);
	return fsim_ctaphid_input(f->h, rep);
}

/* Send a whole message the way a host does. */
static void
send_msg(struct fix *f, uint32_t cid, uint8_t cmd, const uint8_t *data, size_t len)
{
	size_t off;
	uint8_t seq = 0;

	assert_int_equal(feed_init(f, cid, cmd, len, data, len), 0);
	for (off = len < 57 ? len : 57; off < len; off += 59)
		assert_int_equal(feed_cont(f, cid, seq++, data + off, len - off), 0);
}

/*
 * Reassemble the response starting at report *pos; checks the framing
 * (CID on every report, sequence numbers, zero padding). Returns the
 * command (without the high bit); the payload goes into buf.
 */
static uint8_t
take(struct fix *f, size_t *pos, uint32_t cid, uint8_t *buf, size_t cap, size_t *len)
{
	const uint8_t *rep;
	size_t bcnt, got, n, i;
	uint8_t cmd, seq = 0;

	assert_true(*pos < f->n_out);
	rep = f->out[(*pos)++];
	assert_int_equal(get32(rep), cid);
	assert_true(rep[4] & 0x80);
	cmd = rep[4] & 0x7f;
	bcnt = (size_t)rep[5] << 8 | rep[6];
	assert_true(bcnt <= cap);
	n = bcnt < 57 ? bcnt : 57;
	memcpy(buf, rep + 7, n);
	for (i = 7 + n; i < FSIM_HID_REPORT; i++)
		assert_int_equal(rep[i], 0);
	for (got = n; got < bcnt; got += n) {
		assert_true(*pos < f->n_out);
		rep = f->out[(*pos)++];
		assert_int_equal(get32(rep), cid);
		assert_int_equal(rep[4], seq);
		seq++;
		n = bcnt - got < 59 ? bcnt - got : 59;
		memcpy(buf + got, rep + 5, n);
		for (i = 5 + n; i < FSIM_HID_REPORT; i++)
			assert_int_equal(rep[i], 0);
	}
	*len = bcnt;
	return cmd;
}

/* The single response is an ERROR with this code on cid. */
static void
expect_error(struct fix *f, uint32_t cid, uint8_t code)
{
	uint8_t buf[16];
	size_t pos = 0, len;

	assert_int_equal(f->n_out, 1);
	assert_int_equal(take(f, &pos, cid, buf, sizeof(buf), &len), 0x3f);
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], code);
	f->n_out = 0;
}

/* INIT on broadcast; returns the new CID after checking the reply. */
static uint32_t
open_channel(struct fix *f)
{
	static const uint8_t nonce[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t buf[32];
	size_t pos = 0, len;
	uint32_t cid;

	f->n_out = 0;
	assert_int_equal(feed_init(f, BCAST, 0x06, 8, nonce, 8), 0);
	assert_int_equal(f->n_out, 1);
	assert_int_equal(take(f, &pos, BCAST, buf, sizeof(buf), &len), 0x06);
	assert_int_equal(len, 17);
	assert_memory_equal(buf, nonce, 8);
	cid = get32(buf + 8);
	assert_int_not_equal(cid, 0);
	assert_int_not_equal(cid, BCAST);
	f->n_out = 0;
	return cid;
}

/* ---- tests ---- */

static void
test_init_allocates(void **state)
{
	struct fix *f = *state;
	static const uint8_t nonce[8] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7 };
	uint8_t buf[32];
	size_t pos = 0, len;
	uint32_t a, b;

	assert_int_equal(feed_init(f, BCAST, 0x06, 8, nonce, 8), 0);
	assert_int_equal(f->n_out, 1);
	assert_int_equal(take(f, &pos, BCAST, buf, sizeof(buf), &len), 0x06);
	assert_int_equal(len, 17);
	assert_memory_equal(buf, nonce, 8);
	a = get32(buf + 8);
	assert_int_equal(buf[12], 2);                 /* CTAPHID protocol version */
	assert_int_equal(buf[13], 0);                 /* FSIM_VERSION 0.1.0 */
	assert_int_equal(buf[14], 1);
	assert_int_equal(buf[15], 0);
	assert_int_equal(buf[16], 0x01 | 0x04);       /* WINK | CBOR, NMSG clear */
	assert_int_equal(a, 0x10000000u);
	b = open_channel(f);
	assert_int_not_equal(a, b);
}

static void
test_init_skips_reserved_cids(void **state)
{
	struct fix *f = *state;
	uint32_t a, b;

	/* 0 and broadcast are never handed out, nor a CID already in use. */
	f->rnd.script[0] = 0;
	f->rnd.script[1] = BCAST;
	f->rnd.script[2] = 0x01020304;
	f->rnd.script[3] = 0x01020304;
	f->rnd.script[4] = 0;
	f->rnd.script[5] = 0x05060708;
	f->rnd.n = 6;
	a = open_channel(f);
	assert_int_equal(a, 0x01020304);
	b = open_channel(f);
	assert_int_equal(b, 0x05060708);
}

static void
test_init_random_failure(void **state)
{
	struct fix *f = *state;
	static const uint8_t nonce[8] = { 0 };

	f->rnd.fail = true;
	assert_int_not_equal(feed_init(f, BCAST, 0x06, 8, nonce, 8), 0);
	expect_error(f, BCAST, 0x7f);
}

static void
test_init_bad_length(void **state)
{
	struct fix *f = *state;
	static const uint8_t nonce[9] = { 0 };

	assert_int_equal(feed_init(f, BCAST, 0x06, 9, nonce, 9), 0);
	expect_error(f, BCAST, 0x03);
	assert_int_equal(feed_init(f, BCAST, 0x06, 0, NULL, 0), 0);
	expect_error(f, BCAST, 0x03);
}

static void
test_init_unallocated_channel(void **state)
{
	struct fix *f = *state;
	static const uint8_t nonce[8] = { 0 };

	assert_int_equal(feed_init(f, 0x12345678, 0x06, 8, nonce, 8), 0);
	expect_error(f, 0x12345678, 0x0b);
}

static void
test_init_resync(void **state)
{
	struct fix *f = *state;
	static const uint8_t nonce[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	uint8_t data[100] = { 0 };
	uint8_t buf[32];
	size_t pos = 0, len;
	uint32_t cid = open_channel(f);

	/* Half a PING, then INIT on the same channel: same CID back, and the
	 * half message is forgotten. */
	assert_int_equal(feed_init(f, cid, 0x01, sizeof(data), data, sizeof(data)), 0);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(feed_init(f, cid, 0x06, 8, nonce, 8), 0);
	assert_int_equal(f->n_out, 1);
	assert_int_equal(take(f, &pos, cid, buf, sizeof(buf), &len), 0x06);
	assert_int_equal(len, 17);
	assert_memory_equal(buf, nonce, 8);
	assert_int_equal(get32(buf + 8), cid);
	f->n_out = 0;
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	assert_int_equal(f->n_out, 0);
}

static void
test_ping_echo(void **state)
{
	struct fix *f = *state;
	static const size_t sizes[] = { 0, 1, 57, 58, 116, 117, 1000, MAXMSG };
	uint8_t *data = malloc(MAXMSG), *buf = malloc(MAXMSG);
	size_t i, j, pos, len;
	uint32_t cid = open_channel(f);

	assert_non_null(data);
	assert_non_null(buf);
	for (j = 0; j < MAXMSG; j++)
		data[j] = (uint8_t)(j * 7 + 3);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t want = sizes[i] <= 57 ? 1 : 1 + (sizes[i] - 57 + 58) / 59;

		f->n_out = 0;
		send_msg(f, cid, 0x01, data, sizes[i]);
		assert_int_equal(f->n_out, want);
		pos = 0;
		assert_int_equal(take(f, &pos, cid, buf, MAXMSG, &len), 0x01);
		assert_int_equal(len, sizes[i]);
		if (len > 0)
			assert_memory_equal(buf, data, len);
		assert_int_equal(pos, f->n_out);
	}
	free(data);
	free(buf);
}

static void
test_bcnt_too_large(void **state)
{
	struct fix *f = *state;
	uint8_t data[59] = { 0 };
	uint32_t cid = open_channel(f);

	assert_int_equal(feed_init(f, cid, 0x01, MAXMSG + 1, data, 57), 0);
	expect_error(f, cid, 0x03);
	/* Nothing is being assembled: the channel is free. */
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(feed_init(f, cid, 0x01, 0xffff, data, 57), 0);
	expect_error(f, cid, 0x03);
}

static void
test_wink(void **state)
{
	struct fix *f = *state;
	uint8_t buf[8];
	size_t pos = 0, len;
	uint32_t cid = open_channel(f);

	assert_int_equal(feed_init(f, cid, 0x08, 0, NULL, 0), 0);
	assert_int_equal(f->n_out, 1);
	assert_int_equal(take(f, &pos, cid, buf, sizeof(buf), &len), 0x08);
	assert_int_equal(len, 0);
	f->n_out = 0;
	assert_int_equal(feed_init(f, cid, 0x08, 1, buf, 1), 0);
	expect_error(f, cid, 0x03);
}

static void
test_msg_u2f(void **state)
{
	struct fix *f = *state;
	static const uint8_t version_apdu[] = { 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t bad[] = { 0xff, 0x00, 0x00, 0x00 };
	uint8_t buf[8];
	size_t pos = 0, len;
	uint32_t cid = open_channel(f);

	send_msg(f, cid, 0x03, version_apdu, sizeof(version_apdu));
	assert_int_equal(u2f_calls, 1);
	assert_int_equal(f->n_out, 1);
	assert_int_equal(take(f, &pos, cid, buf, sizeof(buf), &len), 0x03);
	assert_int_equal(len, 2);
	assert_int_equal(buf[0], 0x90);
	assert_int_equal(buf[1], 0x00);
	f->n_out = 0;
	send_msg(f, cid, 0x03, bad, sizeof(bad));
	expect_error(f, cid, 0x7f);
}

static void
test_cbor(void **state)
{
	struct fix *f = *state;
	uint8_t req[300], buf[400];
	size_t i, pos = 0, len;
	uint32_t cid = open_channel(f);

	req[0] = 0x04;
	for (i = 1; i < sizeof(req); i++)
		req[i] = (uint8_t)i;
	send_msg(f, cid, 0x10, req, sizeof(req));
	assert_int_equal(cbor_calls, 1);
	assert_int_equal(take(f, &pos, cid, buf, sizeof(buf), &len), 0x10);
	assert_int_equal(len, sizeof(req) + 1);
	assert_int_equal(buf[0], 0x00);
	assert_memory_equal(buf + 1, req, sizeof(req));
	assert_int_equal(pos, f->n_out);

	/* A refusal is the status byte alone. */
	f->n_out = 0;
	pos = 0;
	req[0] = 0xee;
	send_msg(f, cid, 0x10, req, 1);
	assert_int_equal(take(f, &pos, cid, buf, sizeof(buf), &len), 0x10);
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], 0x27);

	/* An empty CBOR message has no command byte. */
	f->n_out = 0;
	assert_int_equal(feed_init(f, cid, 0x10, 0, NULL, 0), 0);
	expect_error(f, cid, 0x03);
	assert_int_equal(cbor_calls, 2);

	/* A response that cannot be framed. */
	req[0] = 0xef;
	send_msg(f, cid, 0x10, req, 1);
	expect_error(f, cid, 0x7f);
}

static void
test_invalid_commands(void **state)
{
	struct fix *f = *state;
	static const uint8_t cmds[] = { 0x04, 0x3b, 0x3f, 0x40, 0x7f, 0x02 };
	uint8_t one = 0;
	size_t i;
	uint32_t cid = open_channel(f);

	for (i = 0; i < sizeof(cmds); i++) {
		assert_int_equal(feed_init(f, cid, cmds[i], 1, &one, 1), 0);
		expect_error(f, cid, 0x01);
	}
}

static void
test_invalid_channels(void **state)
{
	struct fix *f = *state;
	uint8_t one = 1;

	(void)open_channel(f);
	/* Broadcast is for INIT only; an unallocated CID; the reserved CID 0. */
	assert_int_equal(feed_init(f, BCAST, 0x01, 1, &one, 1), 0);
	expect_error(f, BCAST, 0x0b);
	assert_int_equal(feed_init(f, 0x0badcafe, 0x10, 1, &one, 1), 0);
	expect_error(f, 0x0badcafe, 0x0b);
	assert_int_equal(feed_init(f, 0, 0x06, 8, &one, 1), 0);
	expect_error(f, 0, 0x0b);
	assert_int_equal(feed_init(f, 0x0badcafe, 0x11, 0, NULL, 0), 0);
	expect_error(f, 0x0badcafe, 0x0b);
}

static void
test_channel_busy(void **state)
{
	struct fix *f = *state;
	static const uint8_t nonce[8] = { 0 };
	uint8_t data[100], buf[128];
	size_t i, pos = 0, len;
	uint32_t a = open_channel(f), b = open_channel(f);

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0x40 + i);
	assert_int_equal(feed_init(f, a, 0x01, sizeof(data), data, sizeof(data)), 0);
	assert_int_equal(f->n_out, 0);
	/* Any init packet from another channel, INIT on broadcast included. */
	assert_int_equal(feed_init(f, b, 0x01, 1, data, 1), 0);
	expect_error(f, b, 0x06);
	assert_int_equal(feed_init(f, BCAST, 0x06, 8, nonce, 8), 0);
	expect_error(f, BCAST, 0x06);
	/* CANCEL from elsewhere gets no reply and leaves A alone. */
	assert_int_equal(feed_init(f, b, 0x11, 0, NULL, 0), 0);
	assert_int_equal(f->n_out, 0);
	/* A continuation from another channel is ignored. */
	assert_int_equal(feed_cont(f, b, 0, data, 59), 0);
	assert_int_equal(f->n_out, 0);
	/* A finishes undisturbed. */
	assert_int_equal(feed_cont(f, a, 0, data + 57, sizeof(data) - 57), 0);
	assert_int_equal(f->n_out, 2);
	assert_int_equal(take(f, &pos, a, buf, sizeof(buf), &len), 0x01);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	/* And B is served again. */
	f->n_out = 0;
	pos = 0;
	send_msg(f, b, 0x01, data, 3);
	assert_int_equal(take(f, &pos, b, buf, sizeof(buf), &len), 0x01);
	assert_int_equal(len, 3);
}

static void
test_bad_sequence(void **state)
{
	struct fix *f = *state;
	uint8_t data[200] = { 0 };
	uint32_t cid = open_channel(f);

	assert_int_equal(feed_init(f, cid, 0x01, sizeof(data), data, sizeof(data)), 0);
	assert_int_equal(feed_cont(f, cid, 1, data, 59), 0);
	expect_error(f, cid, 0x04);
	/* The transaction is gone: its continuations are now stray. */
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	assert_int_equal(feed_cont(f, cid, 1, data, 59), 0);
	assert_int_equal(f->n_out, 0);

	/* A repeated sequence number is out of sequence too. */
	assert_int_equal(feed_init(f, cid, 0x01, sizeof(data), data, sizeof(data)), 0);
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	expect_error(f, cid, 0x04);

	/* A new request on the channel before its message is complete. */
	assert_int_equal(feed_init(f, cid, 0x01, sizeof(data), data, sizeof(data)), 0);
	assert_int_equal(feed_init(f, cid, 0x01, 1, data, 1), 0);
	expect_error(f, cid, 0x04);
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	assert_int_equal(f->n_out, 0);
}

static void
test_stray_continuation(void **state)
{
	struct fix *f = *state;
	uint8_t data[59] = { 0 };
	uint32_t cid = open_channel(f);

	assert_int_equal(feed_cont(f, cid, 0, data, sizeof(data)), 0);
	assert_int_equal(feed_cont(f, 0x77777777, 5, data, sizeof(data)), 0);
	assert_int_equal(feed_cont(f, BCAST, 0, data, sizeof(data)), 0);
	assert_int_equal(f->n_out, 0);
}

static void
test_cancel(void **state)
{
	struct fix *f = *state;
	uint8_t data[100] = { 0 };
	uint32_t cid = open_channel(f);

	/* Nothing pending: no reply. */
	assert_int_equal(feed_init(f, cid, 0x11, 0, NULL, 0), 0);
	assert_int_equal(f->n_out, 0);
	/* A message being assembled is dropped, silently. */
	assert_int_equal(feed_init(f, cid, 0x10, sizeof(data), data, sizeof(data)), 0);
	assert_int_equal(feed_init(f, cid, 0x11, 0, NULL, 0), 0);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(cbor_calls, 0);
}

static void
test_timeout(void **state)
{
	struct fix *f = *state;
	uint8_t data[100] = { 0 };
	uint32_t cid = open_channel(f);

	assert_int_equal(fsim_ctaphid_tick(f->h, 1000), 0);
	assert_int_equal(feed_init(f, cid, 0x01, sizeof(data), data, sizeof(data)), 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 1499), 0);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 1500), 0);
	expect_error(f, cid, 0x05);
	/* Dropped: the late continuation is stray, more ticks say nothing. */
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 5000), 0);
	assert_int_equal(f->n_out, 0);

	/* Each packet restarts the clock. */
	assert_int_equal(feed_init(f, cid, 0x01, 200, data, 57), 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 5400), 0);
	assert_int_equal(feed_cont(f, cid, 0, data, 59), 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 5800), 0);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 5900), 0);
	expect_error(f, cid, 0x05);

	/* Idle: ticks never say anything. */
	assert_int_equal(fsim_ctaphid_tick(f->h, 100000), 0);
	assert_int_equal(f->n_out, 0);
}

static void
test_timeout_before_first_tick(void **state)
{
	struct fix *f = *state;
	uint8_t data[100] = { 0 };
	uint32_t cid = open_channel(f);

	/* A message before any tick is stamped by the first tick. */
	assert_int_equal(feed_init(f, cid, 0x01, sizeof(data), data, sizeof(data)), 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 1000000), 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 1000499), 0);
	assert_int_equal(f->n_out, 0);
	assert_int_equal(fsim_ctaphid_tick(f->h, 1000500), 0);
	expect_error(f, cid, 0x05);
}

static void
test_send_failure(void **state)
{
	struct fix *f = *state;
	uint8_t data[8] = { 0 };
	uint32_t cid = open_channel(f);

	f->fail_send = true;
	assert_int_not_equal(feed_init(f, cid, 0x01, 8, data, 8), 0);
	assert_int_not_equal(feed_init(f, BCAST, 0x06, 8, data, 8), 0);
	f->fail_send = false;
	/* The device is usable afterwards. */
	send_msg(f, cid, 0x08, NULL, 0);
	assert_int_equal(f->n_out, 1);
}

static void
test_channel_table_wraps(void **state)
{
	struct fix *f = *state;
	uint8_t one = 1;
	uint32_t first = open_channel(f), last = 0;
	int i;

	/* After many allocations the oldest channel is reclaimed. */
	for (i = 0; i < 40; i++)
		last = open_channel(f);
	assert_int_equal(feed_init(f, first, 0x01, 1, &one, 1), 0);
	expect_error(f, first, 0x0b);
	assert_int_equal(feed_init(f, last, 0x01, 1, &one, 1), 0);
	assert_int_equal(f->n_out, 1);
}

static void
test_api_misuse(void **state)
{
	fsim_ctaphid_t *h = (fsim_ctaphid_t *)0x1;
	fsim_env_t env = { 0 };
	uint8_t rep[FSIM_HID_REPORT] = { 0 };

	(void)state;
	assert_int_equal(fsim_ctaphid_new(NULL, NULL, capture, NULL, &h), FSIM_ERR_ARG);
	assert_null(h);
	assert_int_equal(fsim_ctaphid_new(NULL, &env, NULL, NULL, &h), FSIM_ERR_ARG);
	assert_int_equal(fsim_ctaphid_new(NULL, &env, capture, NULL, NULL), FSIM_ERR_ARG);
	assert_int_equal(fsim_ctaphid_input(NULL, rep), FSIM_ERR_ARG);
	assert_int_equal(fsim_ctaphid_tick(NULL, 0), FSIM_ERR_ARG);
	fsim_ctaphid_free(NULL);
	h = NULL;
	fsim_ctaphid_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_init_allocates),
		T(test_init_skips_reserved_cids),
		T(test_init_random_failure),
		T(test_init_bad_length),
		T(test_init_unallocated_channel),
		T(test_init_resync),
		T(test_ping_echo),
		T(test_bcnt_too_large),
		T(test_wink),
		T(test_msg_u2f),
		T(test_cbor),
		T(test_invalid_commands),
		T(test_invalid_channels),
		T(test_channel_busy),
		T(test_bad_sequence),
		T(test_stray_continuation),
		T(test_cancel),
		T(test_timeout),
		T(test_timeout_before_first_tick),
		T(test_send_failure),
		T(test_channel_table_wraps),
		cmocka_unit_test(test_api_misuse),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
