/*
 * fido2_shim.h — what the libfido2 tests share: TAP output helpers and the
 * I/O hooks (fido_dev_set_io_functions) that carry CTAPHID reports over the
 * SOCK_SEQPACKET socket of `fidosim authenticator --listen`: one 64-byte
 * report per datagram; libfido2 writes 65 bytes, a zero report ID first.
 * Include it once, after <fido.h>, from a test's only .c file.
 */
#ifndef FSIM_FIDO2_SHIM_H
#define FSIM_FIDO2_SHIM_H

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#define FSIM_SHIM_FN static __attribute__((unused))

#define REPORT 64

static int failures __attribute__((unused));
static const char *mode_label __attribute__((unused)) = "";

FSIM_SHIM_FN int
check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok - [%s] ", cond ? "" : "not ", mode_label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		failures++;
	return cond;
}

FSIM_SHIM_FN void
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---- the socket ---- */

/* Connect, retrying for up to two seconds while the server starts. */
FSIM_SHIM_FN int
connect_path(const char *path)
{
	struct sockaddr_un sa;
	int fd, tries;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (tries = 0; tries < 40; tries++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if ((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		if (errno != ECONNREFUSED && errno != ENOENT)
			return -1;
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* One report, or -1 when none comes within ms (-1: wait for ever). */
FSIM_SHIM_FN int
recv_report(int fd, unsigned char *buf, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return -1;
	if ((n = recv(fd, buf, REPORT, 0)) != REPORT)
		return -1;
	return REPORT;
}

/* ---- libfido2 I/O hooks ---- */

struct shim {
	int fd;
};

FSIM_SHIM_FN void *
shim_open(const char *path)
{
	struct shim *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if ((s->fd = connect_path(path)) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

FSIM_SHIM_FN void
shim_close(void *h)
{
	struct shim *s = h;

	if (s == NULL)
		return;
	close(s->fd);
	free(s);
}

FSIM_SHIM_FN int
shim_read(void *h, unsigned char *buf, size_t len, int ms)
{
	struct shim *s = h;

	if (len != REPORT)
		return -1;
	return recv_report(s->fd, buf, ms);
}

/* libfido2 writes a report ID (0) and then the 64-byte report. */
FSIM_SHIM_FN int
shim_write(void *h, const unsigned char *buf, size_t len)
{
	struct shim *s = h;

	if (len != REPORT + 1 || buf[0] != 0)
		return -1;
	if (send(s->fd, buf + 1, REPORT, MSG_NOSIGNAL) != REPORT)
		return -1;
	return (int)len;
}

__attribute__((unused)) static const fido_dev_io_t shim_io = { shim_open, shim_close, shim_read, shim_write };

#endif /* !FSIM_FIDO2_SHIM_H */
