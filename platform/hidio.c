/*
 * hidio.c — 64-byte HID reports over a hidraw node or a CTAPHID Unix socket
 * (platform/hidio.h).
 *
 * hidraw (Linux, Documentation/hid/hidraw.rst): write() takes the report ID
 * first (0 for a device with a single unnumbered report, as FIDO devices
 * are), read() returns the report without it. The node is locked with
 * flock(LOCK_EX | LOCK_NB) so that two programs never interleave reports on
 * it (libfido2's hid_linux.c takes the same lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "platform/hidio.h"

#define UNIX_PREFIX "unix:"

struct fsim_hidio {
	int fd;
	bool sock;
};

static char fido_open_error[320];

bool
fsim_hidio_is_socket(const fsim_hidio_t *h)
{
	return h != NULL && h->sock;
}

static void
say(char *why, size_t whylen, const char *fmt, const char *path, const char *detail)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, fmt, path, detail);
}

static int
open_socket(const char *path, fsim_hidio_t *h, char *why, size_t whylen)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (path[0] == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		say(why, whylen, "unix:%s: %s", path, path[0] == '\0' ? "no socket path after "
		    "'unix:'" : "the socket path is too long (107 bytes at most)");
		return FSIM_ERR_ARG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((h->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0) {
		say(why, whylen, "unix:%s: socket: %s", path, strerror(errno));
		return FSIM_ERR_IO;
	}
	if (connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		say(why, whylen, "unix:%s: cannot connect: %s (is `fidosim authenticator "
		    "--listen` running there?)", path, strerror(e));
		close(h->fd);
		h->fd = -1;
		return e == ENOENT || e == ECONNREFUSED ? FSIM_ERR_NOT_FOUND : FSIM_ERR_IO;
	}
	h->sock = true;
	return 0;
}

static int
open_hidraw(const char *path, fsim_hidio_t *h, char *why, size_t whylen)
{
	struct stat st;

	if ((h->fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		int e = errno;

		if (e == EACCES || e == EPERM)
			say(why, whylen, "%s: %s: this user may not open the device; add a udev "
			    "rule that grants access to FIDO security keys (see DEVICES in "
			    "man fidosim)", path, strerror(e));
		else
			say(why, whylen, "%s: %s", path, strerror(e));
		return e == ENOENT ? FSIM_ERR_NOT_FOUND : FSIM_ERR_IO;
	}
	if (fstat(h->fd, &st) != 0 || !S_ISCHR(st.st_mode)) {
		say(why, whylen, "%s: %s", path, "not a device node (give /dev/hidrawN or "
		    "unix:PATH)");
		close(h->fd);
		h->fd = -1;
		return FSIM_ERR_ARG;
	}
	if (flock(h->fd, LOCK_EX | LOCK_NB) != 0) {
		say(why, whylen, "%s: %s", path, "another program is using the device");
		close(h->fd);
		h->fd = -1;
		return FSIM_ERR_IO;
	}
	return 0;
}

int
fsim_hidio_open(const char *path, fsim_hidio_t **out, char *why, size_t whylen)
{
	fsim_hidio_t *h;
	int r;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (out == NULL)
		return FSIM_ERR_ARG;
	*out = NULL;
	if (path == NULL || path[0] == '\0') {
		say(why, whylen, "%s%s", "", "no device path given");
		return FSIM_ERR_ARG;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		say(why, whylen, "%s: %s", path, "out of memory");
		return FSIM_ERR_NOMEM;
	}
	h->fd = -1;
	if (strncmp(path, UNIX_PREFIX, strlen(UNIX_PREFIX)) == 0)
		r = open_socket(path + strlen(UNIX_PREFIX), h, why, whylen);
	else
		r = open_hidraw(path, h, why, whylen);
	if (r != 0) {
		free(h);
		return r;
	}
	*out = h;
	return 0;
}

void
fsim_hidio_close(fsim_hidio_t **hp)
{
	if (hp == NULL || *hp == NULL)
		return;
	if ((*hp)->fd >= 0)
		close((*hp)->fd);
	free(*hp);
	*hp = NULL;
}

int
fsim_hidio_send(fsim_hidio_t *h, const uint8_t report[FSIM_HIDIO_REPORT])
{
	uint8_t buf[FSIM_HIDIO_REPORT + 1];
	ssize_t n;

	if (h == NULL || h->fd < 0 || report == NULL)
		return FSIM_ERR_ARG;
	if (h->sock) {
		do
			n = send(h->fd, report, FSIM_HIDIO_REPORT, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		return n == FSIM_HIDIO_REPORT ? 0 : FSIM_ERR_IO;
	}
	buf[0] = 0;            /* the report ID */
	memcpy(buf + 1, report, FSIM_HIDIO_REPORT);
	do
		n = write(h->fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(buf) ? 0 : FSIM_ERR_IO;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
fsim_hidio_recv(fsim_hidio_t *h, uint8_t report[FSIM_HIDIO_REPORT], int ms)
{
	int64_t deadline = ms >= 0 ? now_ms() + ms : 0;
	uint8_t buf[FSIM_HIDIO_REPORT + 8];

	if (h == NULL || h->fd < 0 || report == NULL)
		return FSIM_ERR_ARG;
	for (;;) {
		struct pollfd p = { .fd = h->fd, .events = POLLIN };
		int left = -1, pr;
		ssize_t n;

		if (ms >= 0) {
			int64_t d = deadline - now_ms();

			left = d < 0 ? 0 : d > 3600000 ? 3600000 : (int)d;
		}
		pr = poll(&p, 1, left);
		if (pr < 0 && errno == EINTR) {
			if (ms >= 0 && now_ms() >= deadline)
				return 0;
			continue;
		}
		if (pr < 0)
			return FSIM_ERR_IO;
		if (pr == 0)
			return 0;
		if ((p.revents & POLLIN) == 0)
			return FSIM_ERR_IO;       /* hung up */
		n = h->sock ? recv(h->fd, buf, sizeof(buf), 0) : read(h->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != FSIM_HIDIO_REPORT)
			return FSIM_ERR_IO;
		memcpy(report, buf, FSIM_HIDIO_REPORT);
		return 1;
	}
}

void
fsim_hidio_drain(fsim_hidio_t *h)
{
	uint8_t rep[FSIM_HIDIO_REPORT];
	int i;

	for (i = 0; i < 4096 && fsim_hidio_recv(h, rep, 0) == 1; i++)
		;
}

/* ---- libfido2's fido_dev_io_t ---- */

void *
fsim_hidio_fido_open(const char *path)
{
	fsim_hidio_t *h = NULL;

	fido_open_error[0] = '\0';
	if (fsim_hidio_open(path, &h, fido_open_error, sizeof(fido_open_error)) != 0)
		return NULL;
	return h;
}

void
fsim_hidio_fido_close(void *h)
{
	fsim_hidio_t *p = h;

	fsim_hidio_close(&p);
}

int
fsim_hidio_fido_read(void *h, unsigned char *buf, size_t len, int ms)
{
	if (len != FSIM_HIDIO_REPORT)
		return -1;
	return fsim_hidio_recv(h, buf, ms) == 1 ? FSIM_HIDIO_REPORT : -1;
}

int
fsim_hidio_fido_write(void *h, const unsigned char *buf, size_t len)
{
	if (len != FSIM_HIDIO_REPORT + 1 || buf == NULL || buf[0] != 0)
		return -1;
	return fsim_hidio_send(h, buf + 1) == 0 ? (int)len : -1;
}

const char *
fsim_hidio_fido_open_error(void)
{
	return fido_open_error;
}
