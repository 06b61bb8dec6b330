/*
 * provider_door.c — the door of `fidosim provider` (see provider_door.h):
 * where it listens (loopback only) and its token file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cli/cli.h"
#include "cli/provider_door.h"

#define CMD FSIM_PROVIDER_CMD

/*
 * --listen: a loopback address only. 127.0.0.0/8 and ::1 are loopback by
 * definition (RFC 1122 3.2.1.3, RFC 4291 2.5.3); "localhost" is taken as
 * 127.0.0.1 (no resolver is asked).
 */
int
fsim_provider_parse_listen(const char *v, struct sockaddr_storage *ss, socklen_t *sl, bool *v6,
    unsigned long *port)
{
	char host[64];
	const char *colon;
	char *end;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (v[0] == '[') {
		const char *rb = strchr(v, ']');

		if (rb == NULL || rb[1] != ':')
			return fsim_cli_usage_error(CMD, "--listen wants [::1]:PORT, not '%s'", v);
		hl = (size_t)(rb - v - 1);
		colon = rb + 1;
		if (hl >= sizeof(host))
			return fsim_cli_usage_error(CMD, "--listen: '%s' is not an address", v);
		memcpy(host, v + 1, hl);
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			return fsim_cli_usage_error(CMD, "--listen wants ADDRESS:PORT (e.g. "
			    "127.0.0.1:8765), not '%s'", v);
		hl = (size_t)(colon - v);
		if (hl >= sizeof(host))
			return fsim_cli_usage_error(CMD, "--listen: '%s' is not an address", v);
		memcpy(host, v, hl);
	}
	host[hl] = '\0';
	errno = 0;
	*port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 || *port > 65535)
		return fsim_cli_usage_error(CMD, "--listen: the port must be 0 to 65535, not "
		    "'%s'", colon + 1);
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	*v6 = false;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)(void *)ss)->sin_addr) == 1) {
		struct sockaddr_in *sa = (struct sockaddr_in *)(void *)ss;

		if ((ntohl(sa->sin_addr.s_addr) >> 24) != 127)
			goto not_loopback;
		sa->sin_family = AF_INET;
		sa->sin_port = htons((uint16_t)*port);
		*sl = sizeof(*sa);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)(void *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)(void *)ss;

		if (!IN6_IS_ADDR_LOOPBACK(&sa->sin6_addr))
			goto not_loopback;
		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons((uint16_t)*port);
		*sl = sizeof(*sa);
		*v6 = true;
		return 0;
	}
	return fsim_cli_usage_error(CMD, "--listen: '%s' is not an IP address (give "
	    "127.0.0.1:PORT or [::1]:PORT)", host);
not_loopback:
	return fsim_cli_usage_error(CMD, "--listen: the provider listens on loopback only "
	    "(127.0.0.1 or [::1]): '%s' is not a loopback address", host);
}

/* The default token file: beside the default store. */
int
fsim_provider_token_path(char *buf, size_t cap)
{
	const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (x != NULL && x[0] == '/')
		n = snprintf(buf, cap, "%s/fidosim/provider.token", x);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, cap, "%s/.local/share/fidosim/provider.token", home);
	else
		return -1;
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* mkdir -p the folder of path (0700 for what it makes). */
static void
make_parents(const char *path)
{
	char dir[4096];
	char *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return;
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(dir, 0700);
		*p = '/';
	}
}

/*
 * Write the token: a temporary file made O_EXCL with mode 0600 (whatever the
 * umask), written and synced, then renamed over path, so the token is never
 * readable by others, not even for a moment.
 */
int
fsim_provider_write_token(const char *path, const char *token)
{
	char tmp[4200];
	size_t n = strlen(token);
	int fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return -1;
	make_parents(path);
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return -1;
	ok = fchmod(fd, 0600) == 0 && write(fd, token, n) == (ssize_t)n &&
	    write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	if (close(fd) != 0 || !ok || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

int
fsim_provider_make_token(char *out, size_t cap)
{
	uint8_t raw[FSIM_PROVIDER_TOKEN_BYTES];
	char *s = NULL;
	int r = -1;

	if (RAND_bytes(raw, sizeof(raw)) == 1 && fsim_b64url_encode(raw, sizeof(raw), &s) == 0 &&
	    strlen(s) < cap) {
		snprintf(out, cap, "%s", s);
		r = 0;
	}
	if (s != NULL) {
		fsim_wipe(s, strlen(s));
		free(s);
	}
	fsim_wipe(raw, sizeof(raw));
	return r;
}

