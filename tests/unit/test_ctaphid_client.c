/*
 * test_ctaphid_client.c — the host side of CTAPHID (platform/ctaphid_client.h)
 * and its report I/O (platform/hidio.h), against a device played by the
 * test on the other end of a Unix SOCK_SEQPACKET socket: the packets a
 * message is split into (CTAP 2.1 §11.2.4), messages put back together
 * across other channels' traffic and KEEPALIVEs (§11.2.9.1.7), framing
 * errors, INIT answers with another host's nonce (§11.2.9.1.3), CANCEL
 * while waiting (§11.2.9.1.5); the paths hidio refuses, and libfido2's
 * read/write hooks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "platform/ctaphid_client.h"

#define CID 0x01020304u

struct fix {
	char dir[64], path[128];
	int lfd, dev;          /* listening, and the device end */
	fsim_hidio_t *io;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct sockaddr_un sa;
	char spec[140];

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/fsim-hidc.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/s", f->dir);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, f->path, strlen(f->path) + 1);
	if ((f->lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) < 0 ||
	    bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(f->lfd, 1) != 0)
		return -1;
	snprintf(spec, sizeof(spec), "unix:%s", f->path);
	if (fsim_hidio_open(spec, &f->io, NULL, 0) != 0 || (f->dev = accept(f->lfd, NULL, NULL)) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	fsim_hidio_close(&f->io);
	close(f->dev);
	close(f->lfd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The device reads one report (or fails the test). */
static void
dev_read(struct fix *f, uint8_t rep[64])
{
	struct pollfd p = { .fd = f->dev, .events = POLLIN };

	assert_int_equal(poll(&p, 1, 2000), 1);
	assert_int_equal(recv(f->dev, rep, 64, 0), 64);
}

static void
dev_send(struct fix *f, uint32_t cid, uint8_t b4, const uint8_t *rest, size_t n)
{
	uint8_t rep[64];

	memset(rep, 0, sizeof(rep));
	put32(rep, cid);
	rep[4] = b4;
	if (n > 0)
		memcpy(rep + 5, rest, n);
	assert_int_equal(send(f->dev, rep, 64, 0), 64);
}

/* An init packet from the device: cmd, BCNT, data. */
static void
dev_init(struct fix *f, uint32_t cid, uint8_t cmd, size_t bcnt, const uint8_t *data, size_t n)
{
	uint8_t rest[59];

	memset(rest, 0, sizeof(rest));
	rest[0] = (uint8_t)(bcnt >> 8);
	rest[1] = (uint8_t)bcnt;
	if (n > 0)
		memcpy(rest + 2, data, n);
	dev_send(f, cid, (uint8_t)(0x80 | cmd), rest, 2 + n);
}

static void
send_splits(void **state)
{
	struct fix *f = *state;
	uint8_t data[1000], rep[64];
	size_t i, off;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	assert_int_equal(fsim_hidc_send(f->io, CID, FSIM_HIDC_PING, data, sizeof(data)), 0);
	dev_read(f, rep);
	assert_memory_equal(rep, "\x01\x02\x03\x04\x81\x03\xe8", 7);      /* BCNT 1000 */
	assert_memory_equal(rep + 7, data, 57);
	for (off = 57, i = 0; off < sizeof(data); off += 59, i++) {
		dev_read(f, rep);
		assert_int_equal(rep[4], i);                                  /* SEQ 0, 1, ... */
		assert_memory_equal(rep + 5, data + off, sizeof(data) - off < 59 ? sizeof(data) - off : 59);
	}
	assert_int_equal(i, 16);                      /* (1000 - 57) / 59, rounded up */
	/* Over 7609 bytes: refused before anything is sent. */
	assert_int_equal(fsim_hidc_send(f->io, CID, FSIM_HIDC_PING, data, 7610), FSIM_ERR_ARG);
}

static void
recv_joins(void **state)
{
	struct fix *f = *state;
	fsim_hidc_msg_t m;
	uint8_t data[100], st = 2;
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0x40 + i);
	/* Another channel's answer, a KEEPALIVE UPNEEDED, then ours in two packets. */
	dev_init(f, 0x0badbeefu, FSIM_HIDC_PING, 3, data, 3);
	dev_init(f, CID, FSIM_HIDC_KEEPALIVE, 1, &st, 1);
	dev_init(f, CID, FSIM_HIDC_CBOR, sizeof(data), data, 57);
	dev_send(f, CID, 0, data + 57, 43);
	assert_int_equal(fsim_hidc_recv(f->io, CID, 1000, NULL, NULL, NULL, &m), 0);
	assert_int_equal(m.cmd, FSIM_HIDC_CBOR);
	assert_int_equal(m.len, sizeof(data));
	assert_memory_equal(m.data, data, sizeof(data));
	assert_int_equal(m.keepalives, 1);
	assert_int_equal(m.last_keepalive, 2);
	assert_false(m.bad_keepalive);
	/* A KEEPALIVE with status 7 is marked. */
	st = 7;
	dev_init(f, CID, FSIM_HIDC_KEEPALIVE, 1, &st, 1);
	dev_init(f, CID, FSIM_HIDC_CBOR, 1, data, 1);
	assert_int_equal(fsim_hidc_recv(f->io, CID, 1000, NULL, NULL, NULL, &m), 0);
	assert_true(m.bad_keepalive);
	/* Nothing comes: a timeout. */
	assert_int_equal(fsim_hidc_recv(f->io, CID, 50, NULL, NULL, NULL, &m), FSIM_ERR_IO);
}

static void
recv_framing_errors(void **state)
{
	struct fix *f = *state;
	fsim_hidc_msg_t m;
	uint8_t data[57] = { 0 };

	/* A continuation with SEQ 1 where 0 was due. */
	dev_init(f, CID, FSIM_HIDC_CBOR, 100, data, 57);
	dev_send(f, CID, 1, data, 43);
	assert_int_equal(fsim_hidc_recv(f->io, CID, 1000, NULL, NULL, NULL, &m), FSIM_ERR_FORMAT);
	/* A BCNT no CTAPHID message can have. */
	dev_init(f, CID, FSIM_HIDC_CBOR, 7610, data, 57);
	assert_int_equal(fsim_hidc_recv(f->io, CID, 1000, NULL, NULL, NULL, &m), FSIM_ERR_FORMAT);
	/* A continuation with no message before it. */
	dev_send(f, CID, 0, data, 10);
	assert_int_equal(fsim_hidc_recv(f->io, CID, 1000, NULL, NULL, NULL, &m), FSIM_ERR_FORMAT);
}

/* The device answers the next INIT: first with another nonce, then with ours. */
static void
init_picks_our_nonce(void **state)
{
	struct fix *f = *state;
	fsim_hidc_info_t hi;
	uint8_t rep[64], ans[17];
	pid_t kid;

	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		/* The device: read the INIT, answer twice. */
		struct pollfd p = { .fd = f->dev, .events = POLLIN };

		if (poll(&p, 1, 2000) != 1 || recv(f->dev, rep, 64, 0) != 64)
			_exit(1);
		memset(ans, 0, sizeof(ans));
		memset(ans, 0x77, 8);                     /* another host's nonce */
		put32(ans + 8, 0x11111111u);
		ans[12] = 2;
		dev_init(f, FSIM_HIDC_CID_BROADCAST, FSIM_HIDC_INIT, 17, ans, 17);
		memcpy(ans, rep + 7, 8);                  /* ours */
		put32(ans + 8, 0x22222222u);
		ans[13] = 5;
		ans[16] = FSIM_HIDC_CAP_CBOR | FSIM_HIDC_CAP_NMSG;
		dev_init(f, FSIM_HIDC_CID_BROADCAST, FSIM_HIDC_INIT, 17, ans, 17);
		_exit(0);
	}
	assert_int_equal(fsim_hidc_init(f->io, 2000, &hi), 0);
	assert_int_equal(hi.cid, 0x22222222u);
	assert_int_equal(hi.protocol, 2);
	assert_int_equal(hi.major, 5);
	assert_int_equal(hi.caps, FSIM_HIDC_CAP_CBOR | FSIM_HIDC_CAP_NMSG);
	{
		int status = 1;

		assert_int_equal(waitpid(kid, &status, 0), kid);
		assert_int_equal(status, 0);
	}
}

static void
cancel_while_waiting(void **state)
{
	struct fix *f = *state;
	volatile int cancel = 1;
	fsim_hidc_msg_t m;
	uint8_t rep[64], st = 0x2d;

	/* The answer is already there; the CANCEL goes out first all the same. */
	dev_init(f, CID, FSIM_HIDC_CBOR, 1, &st, 1);
	assert_int_equal(fsim_hidc_recv(f->io, CID, 1000, NULL, NULL, &cancel, &m), 0);
	assert_int_equal(m.data[0], 0x2d);
	dev_read(f, rep);
	assert_memory_equal(rep, "\x01\x02\x03\x04\x91\x00\x00", 7);       /* CANCEL, BCNT 0 */
}

static void
hidio_refuses(void **state)
{
	fsim_hidio_t *io = NULL;
	char why[300], path[200];
	int fd;

	(void)state;
	assert_int_equal(fsim_hidio_open("unix:", &io, why, sizeof(why)), FSIM_ERR_ARG);
	assert_non_null(strstr(why, "no socket path"));
	assert_int_equal(fsim_hidio_open("unix:/nonexistent/fsim.sock", &io, why, sizeof(why)),
	    FSIM_ERR_NOT_FOUND);
	assert_non_null(strstr(why, "cannot connect"));
	memset(path, 'a', sizeof(path));
	memcpy(path, "unix:/", 6);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(fsim_hidio_open(path, &io, why, sizeof(why)), FSIM_ERR_ARG);
	assert_non_null(strstr(why, "too long"));
	assert_int_equal(fsim_hidio_open("/nonexistent/hidraw0", &io, why, sizeof(why)),
	    FSIM_ERR_NOT_FOUND);
	snprintf(path, sizeof(path), "/tmp/fsim-hidio-file.XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(fsim_hidio_open(path, &io, why, sizeof(why)), FSIM_ERR_ARG);
	assert_non_null(strstr(why, "not a device node"));
	unlink(path);
	assert_int_equal(fsim_hidio_open(NULL, &io, why, sizeof(why)), FSIM_ERR_ARG);
	assert_null(io);
	assert_null(fsim_hidio_fido_open("unix:"));
	assert_non_null(strstr(fsim_hidio_fido_open_error(), "no socket path"));
}

static void
fido_hooks(void **state)
{
	struct fix *f = *state;
	uint8_t buf[65], rep[64];

	memset(buf, 0x33, sizeof(buf));
	buf[0] = 0;
	assert_int_equal(fsim_hidio_fido_write(f->io, buf, 65), 65);
	dev_read(f, rep);
	assert_memory_equal(rep, buf + 1, 64);
	buf[0] = 1;                                   /* a report ID FIDO devices do not use */
	assert_int_equal(fsim_hidio_fido_write(f->io, buf, 65), -1);
	assert_int_equal(fsim_hidio_fido_write(f->io, buf, 64), -1);
	dev_send(f, CID, 0x80, NULL, 0);
	assert_int_equal(fsim_hidio_fido_read(f->io, buf, 63, 100), -1);
	assert_int_equal(fsim_hidio_fido_read(f->io, buf, 64, 1000), 64);
	assert_int_equal(fsim_hidio_fido_read(f->io, buf, 64, 20), -1);   /* nothing more */
	assert_true(fsim_hidio_is_socket(f->io));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(send_splits, setup, teardown),
		cmocka_unit_test_setup_teardown(recv_joins, setup, teardown),
		cmocka_unit_test_setup_teardown(recv_framing_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(init_picks_our_nonce, setup, teardown),
		cmocka_unit_test_setup_teardown(cancel_while_waiting, setup, teardown),
		cmocka_unit_test(hidio_refuses),
		cmocka_unit_test_setup_teardown(fido_hooks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
