/*
 * ctaphid_client.c — the host side of CTAPHID (CTAP 2.1 §11.2), see
 * platform/ctaphid_client.h.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "platform/ctaphid_client.h"

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int
fsim_hidc_send(fsim_hidio_t *io, uint32_t cid, uint8_t cmd, const uint8_t *data, size_t len)
{
	uint8_t rep[FSIM_HIDIO_REPORT];
	size_t off, n;
	uint8_t seq = 0;
	int r = FSIM_ERR_ARG;

	if (io == NULL || len > FSIM_HIDC_MAX_MSG || (len > 0 && data == NULL))
		goto out;
	r = FSIM_ERR_IO;
	/* §11.2.4: the init packet, then continuations SEQ 0, 1, ...; zero padded. */
	memset(rep, 0, sizeof(rep));
	put_be32(rep, cid);
	rep[4] = (uint8_t)(0x80 | cmd);
	rep[5] = (uint8_t)(len >> 8);
	rep[6] = (uint8_t)len;
	n = len < FSIM_HIDC_INIT_DATA ? len : FSIM_HIDC_INIT_DATA;
	if (n > 0)
		memcpy(rep + 7, data, n);
	if (fsim_hidio_send(io, rep) != 0)
		goto out;
	for (off = n; off < len; off += n) {
		memset(rep, 0, sizeof(rep));
		put_be32(rep, cid);
		rep[4] = seq++;
		n = len - off < FSIM_HIDC_CONT_DATA ? len - off : FSIM_HIDC_CONT_DATA;
		memcpy(rep + 5, data + off, n);
		if (fsim_hidio_send(io, rep) != 0)
			goto out;
	}
	r = 0;
out:
	/* The message may carry a PIN exchange. */
	OPENSSL_cleanse(rep, sizeof(rep));
	return r;
}

int
fsim_hidc_recv(fsim_hidio_t *io, uint32_t cid, int ms, fsim_hidc_keepalive_fn ka,
    void *ka_ctx, const volatile int *cancel, fsim_hidc_msg_t *msg)
{
	uint8_t rep[FSIM_HIDIO_REPORT];
	size_t bcnt = 0, got = 0, n;
	uint8_t seq = 0;
	bool started = false, cancelled = false;
	int r, slice;

	if (io == NULL || msg == NULL)
		return FSIM_ERR_ARG;
	msg->cmd = 0;
	msg->len = 0;
	msg->keepalives = 0;
	msg->last_keepalive = 0;
	msg->bad_keepalive = false;
	for (;;) {
		/* While waiting, a cancel request goes out once (§11.2.9.1.5). */
		if (cancel != NULL && *cancel && !cancelled && !started) {
			cancelled = true;
			if (fsim_hidc_send(io, cid, FSIM_HIDC_CANCEL, NULL, 0) != 0)
				return FSIM_ERR_IO;
		}
		/* Short waits while a cancel may come, so that it is noticed. */
		slice = cancel != NULL && !cancelled && (ms < 0 || ms > 200) ? 200 : ms;
		r = fsim_hidio_recv(io, rep, slice);
		if (r == 0 && slice != ms) {
			if (ms > 0)
				ms -= slice;
			continue;
		}
		if (r != 1)
			return FSIM_ERR_IO;
		if (get_be32(rep) != cid)
			continue;               /* another channel's traffic */
		if (rep[4] & 0x80) {
			uint8_t cmd = rep[4] & 0x7f;

			if (cmd == FSIM_HIDC_KEEPALIVE && !started) {
				msg->keepalives++;
				msg->last_keepalive = rep[7];
				/* §11.2.9.1.7: one byte, PROCESSING (1) or UPNEEDED (2). */
				if (rep[5] != 0 || rep[6] != 1 || (rep[7] != FSIM_HIDC_STATUS_PROCESSING &&
				    rep[7] != FSIM_HIDC_STATUS_UPNEEDED))
					msg->bad_keepalive = true;
				if (ka != NULL)
					ka(ka_ctx, rep[7]);
				continue;
			}
			if (started)
				return FSIM_ERR_FORMAT;     /* a new message in the middle of one */
			bcnt = (size_t)rep[5] << 8 | rep[6];
			if (bcnt > FSIM_HIDC_MAX_MSG)
				return FSIM_ERR_FORMAT;
			msg->cmd = cmd;
			n = bcnt < FSIM_HIDC_INIT_DATA ? bcnt : FSIM_HIDC_INIT_DATA;
			memcpy(msg->data, rep + 7, n);
			got = n;
			started = true;
		} else {
			if (!started || rep[4] != seq)
				return FSIM_ERR_FORMAT;
			seq++;
			n = bcnt - got < FSIM_HIDC_CONT_DATA ? bcnt - got : FSIM_HIDC_CONT_DATA;
			memcpy(msg->data + got, rep + 5, n);
			got += n;
		}
		if (got == bcnt) {
			msg->len = bcnt;
			OPENSSL_cleanse(rep, sizeof(rep));
			return 0;
		}
	}
}

int
fsim_hidc_init(fsim_hidio_t *io, int ms, fsim_hidc_info_t *info)
{
	uint8_t nonce[8];
	fsim_hidc_msg_t *m;
	int r, tries;

	if (io == NULL || info == NULL)
		return FSIM_ERR_ARG;
	memset(info, 0, sizeof(*info));
	if (RAND_bytes(nonce, sizeof(nonce)) != 1)
		return FSIM_ERR_INTERNAL;
	if ((m = OPENSSL_malloc(sizeof(*m))) == NULL)
		return FSIM_ERR_NOMEM;
	if ((r = fsim_hidc_send(io, FSIM_HIDC_CID_BROADCAST, FSIM_HIDC_INIT, nonce,
	    sizeof(nonce))) != 0)
		goto out;
	/* §11.2.9.1.3: answers to other hosts' INITs carry other nonces. */
	for (tries = 0; tries < 16; tries++) {
		if ((r = fsim_hidc_recv(io, FSIM_HIDC_CID_BROADCAST, ms, NULL, NULL, NULL, m)) != 0)
			goto out;
		if (m->cmd == FSIM_HIDC_INIT && m->len >= 17 && memcmp(m->data, nonce, 8) == 0)
			break;
	}
	r = FSIM_ERR_IO;
	if (tries == 16)
		goto out;
	info->cid = get_be32(m->data + 8);
	info->protocol = m->data[12];
	info->major = m->data[13];
	info->minor = m->data[14];
	info->build = m->data[15];
	info->caps = m->data[16];
	r = info->cid == 0 || info->cid == FSIM_HIDC_CID_BROADCAST ? FSIM_ERR_FORMAT : 0;
out:
	OPENSSL_free(m);
	return r;
}

int
fsim_hidc_transact(fsim_hidio_t *io, uint32_t cid, uint8_t cmd, const uint8_t *data,
    size_t len, int ms, fsim_hidc_keepalive_fn ka, void *ka_ctx, const volatile int *cancel,
    fsim_hidc_msg_t *msg)
{
	int r;

	if ((r = fsim_hidc_send(io, cid, cmd, data, len)) != 0)
		return r;
	return fsim_hidc_recv(io, cid, ms, ka, ka_ctx, cancel, msg);
}

const char *
fsim_hidc_error_name(uint8_t code)
{
	switch (code) {
	case FSIM_HIDC_ERR_INVALID_CMD: return "ERR_INVALID_CMD";
	case FSIM_HIDC_ERR_INVALID_PAR: return "ERR_INVALID_PAR";
	case FSIM_HIDC_ERR_INVALID_LEN: return "ERR_INVALID_LEN";
	case FSIM_HIDC_ERR_INVALID_SEQ: return "ERR_INVALID_SEQ";
	case FSIM_HIDC_ERR_MSG_TIMEOUT: return "ERR_MSG_TIMEOUT";
	case FSIM_HIDC_ERR_CHANNEL_BUSY: return "ERR_CHANNEL_BUSY";
	case FSIM_HIDC_ERR_LOCK_REQUIRED: return "ERR_LOCK_REQUIRED";
	case FSIM_HIDC_ERR_INVALID_CHANNEL: return "ERR_INVALID_CHANNEL";
	case FSIM_HIDC_ERR_OTHER: return "ERR_OTHER";
	default: return "ERR_UNKNOWN";
	}
}
