/*
 * authenticator.c — `fidosim authenticator --listen PATH`: the software
 * authenticator as a CTAPHID device on a Unix SOCK_SEQPACKET socket, one
 * 64-byte HID report per datagram each way (no report ID byte). A CTAP
 * client reaches it through its custom I/O hooks (libfido2:
 * fido_dev_set_io_functions; see tests/integration/fido2_dev.c).
 *
 * One client at a time; each connection gets fresh CTAPHID state (channels
 * are allocated anew, as after plugging the device in), while the store and
 * the authenticator persist across connections.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "authenticator/authn.h"
#include "authenticator/ctaphid.h"
#include "cli/authn_opts.h"
#include "cli/cli.h"

#define CMD "authenticator"
#define TICK_MS 100

static const char usage[] =
    "usage: fidosim authenticator --listen PATH [OPTIONS]\n"
    "\n"
    "Serve the software authenticator (CTAP 2.1) as a CTAPHID device on a Unix\n"
    "SOCK_SEQPACKET socket at PATH: each datagram is one 64-byte HID report\n"
    "(CTAP 2.1 11.2), with no report ID byte. One client at a time. A stale\n"
    "socket file at PATH is replaced; the socket is removed on SIGINT/SIGTERM.\n"
    "\n"
    "options:\n"
    "  --listen PATH         where to create the socket (required)\n"
    FSIM_CLI_AUTHN_OPTS_USAGE
    "\n"
    "Processing is synchronous and user presence/verification are always given\n"
    "(or come from --seed's deterministic environment), so no KEEPALIVE is sent.\n"
    "\n"
    "exit status: 0 stopped by SIGINT or SIGTERM; 2 usage error, or PATH cannot\n"
    "be bound, or the store cannot be opened.\n";

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The send callback of the CTAPHID layer: one report, one datagram. */
static int
send_report(void *ctx, const uint8_t report[FSIM_HID_REPORT])
{
	const int *fd = ctx;
	ssize_t n;

	do
		n = send(*fd, report, FSIM_HID_REPORT, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == FSIM_HID_REPORT ? 0 : -1;
}

/*
 * Bind and listen at path. A socket file already there is replaced unless a
 * server still answers on it; anything else at path is left alone.
 * Returns the listening descriptor, or -1 after printing why.
 */
static int
listen_at(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "fidosim %s: socket path '%s' is too long (%zu bytes at most)\n",
		    CMD, path, sizeof(sa.sun_path) - 1);
		goto fail;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "fidosim %s: '%s' exists and is not a socket\n", CMD, path);
			goto fail;
		}
		if ((probe = socket(AF_UNIX, SOCK_SEQPACKET, 0)) >= 0) {
			int live = connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;

			close(probe);
			if (live) {
				fprintf(stderr, "fidosim %s: another server is listening on '%s'\n",
				    CMD, path);
				goto fail;
			}
		}
		if (unlink(path) != 0) {
			fprintf(stderr, "fidosim %s: cannot remove the stale socket '%s': %s\n",
			    CMD, path, strerror(errno));
			goto fail;
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET, 0)) < 0) {
		fprintf(stderr, "fidosim %s: socket: %s\n", CMD, strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "fidosim %s: cannot bind '%s': %s\n", CMD, path, strerror(errno));
		goto fail;
	}
	if (listen(fd, 4) != 0) {
		fprintf(stderr, "fidosim %s: cannot listen on '%s': %s\n", CMD, path,
		    strerror(errno));
		unlink(path);
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;   /* no SA_RESTART: poll() returns EINTR */
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
		return -1;
	return 0;
}

/*
 * Serve one connected client until it hangs up, fails, or a signal asks us
 * to stop. Protocol errors are answered in band; a failed send or receive
 * ends the connection.
 */
static void
serve_client(int cfd, fsim_authn_t *authn, const fsim_env_t *env)
{
	fsim_ctaphid_t *h = NULL;
	uint8_t buf[FSIM_HID_REPORT + 1];
	int fd = cfd;

	if (fsim_ctaphid_new(authn, env, send_report, &fd, &h) != 0) {
		fprintf(stderr, "fidosim %s: out of memory\n", CMD);
		return;
	}
	/* A connection is a device plugged in: CTAP 2.1 6.5.2 power-up state. */
	fsim_authn_power_up(authn);
	while (!stop_requested) {
		struct pollfd p = { .fd = cfd, .events = POLLIN };
		int pr = poll(&p, 1, TICK_MS);
		ssize_t n;

		if (pr < 0 && errno != EINTR) {
			fprintf(stderr, "fidosim %s: poll: %s\n", CMD, strerror(errno));
			break;
		}
		if (fsim_ctaphid_tick(h, now_ms()) != 0)
			break;
		if (pr <= 0)
			continue;
		if ((p.revents & POLLIN) == 0)
			break;   /* POLLHUP / POLLERR with nothing left to read */
		n = recv(cfd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* hung up, or failed */
		if (n != FSIM_HID_REPORT) {
			fprintf(stderr, "fidosim %s: ignored a %zd-byte datagram (reports are "
			    "%d bytes)\n", CMD, n, FSIM_HID_REPORT);
			continue;
		}
		if (fsim_ctaphid_input(h, buf) != 0)
			break;
	}
	fsim_wipe(buf, sizeof(buf));
	fsim_ctaphid_free(&h);
}

static int
run(int argc, char **argv)
{
	fsim_authn_config_t cfg;
	struct fsim_cli_authn_extra x;
	fsim_env_t env;
	fsim_store_t *store = NULL;
	fsim_authn_t *authn = NULL;
	fsim_diags_t d;
	const char *path = NULL, *pin = NULL;
	int lfd = -1, i, r = FSIM_EXIT_USAGE, err;
	bool bound = false, client_pin = false;

	fsim_authn_config_init(&cfg);
	memset(&x, 0, sizeof(x));
	fsim_env_default(&env);
	fsim_diags_init(&d);

	for (i = 1; i < argc; i++) {
		int o = fsim_cli_authn_opt(CMD, argc, argv, &i, &cfg, &x);

		if (o == 1)
			continue;
		if (o != 0)
			goto fail;
		if (fsim_cli_is_help(argv[i])) {
			fputs(usage, stdout);
			r = FSIM_EXIT_OK;
			goto fail;
		}
		if (strcmp(argv[i], "--client-pin") == 0) {
			client_pin = true;
		} else if (strcmp(argv[i], "--pin") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				r = fsim_cli_usage_error(CMD, "--pin needs a PIN");
				goto fail;
			}
			pin = argv[++i];
		} else if (strcmp(argv[i], "--listen") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				r = fsim_cli_usage_error(CMD, "--listen needs a socket path");
				goto fail;
			}
			path = argv[++i];
		} else if (argv[i][0] == '-') {
			r = fsim_cli_usage_error(CMD, "unknown option '%s'", argv[i]);
			goto fail;
		} else {
			r = fsim_cli_usage_error(CMD, "unexpected argument '%s'", argv[i]);
			goto fail;
		}
	}
	if (path == NULL) {
		r = fsim_cli_usage_error(CMD, "--listen PATH is required");
		goto fail;
	}
	if ((r = fsim_cli_authn_finish(CMD, &cfg, &x)) != 0)
		goto fail;
	r = FSIM_EXIT_USAGE;

	if (x.seed_len > 0 && (err = fsim_env_seeded(&env, x.seed, x.seed_len)) != 0) {
		fprintf(stderr, "fidosim %s: cannot seed the environment: %s\n", CMD,
		    fsim_strerr(err));
		goto fail;
	}
	if ((err = fsim_store_open(x.store, &env, &store, &d)) != 0) {
		const fsim_diag_t *e = fsim_diags_first(&d, FSIM_SEV_ERROR);
		char msg[512];

		if (e != NULL)
			fsim_diag_format(e, msg, sizeof(msg));
		fprintf(stderr, "fidosim %s: cannot open the store%s%s: %s\n", CMD,
		    x.store ? " " : "", x.store ? x.store : "",
		    e != NULL ? msg : fsim_strerr(err));
		goto fail;
	}
	if ((err = fsim_authn_new(&cfg, &env, store, &authn)) != 0) {
		fprintf(stderr, "fidosim %s: cannot start the authenticator: %s\n", CMD,
		    fsim_strerr(err));
		goto fail;
	}
	if ((client_pin || pin != NULL) && fsim_authn_pin_enable(authn, pin) != 0) {
		r = fsim_cli_usage_error(CMD, "--pin: a PIN is 4 to 63 bytes of UTF-8, at least "
		    "4 characters (CTAP 2.1 6.5.5.5)");
		goto fail;
	}
	if (install_handlers() != 0) {
		fprintf(stderr, "fidosim %s: sigaction: %s\n", CMD, strerror(errno));
		goto fail;
	}
	if ((lfd = listen_at(path)) < 0)
		goto fail;
	bound = true;
	fprintf(stderr, "fidosim %s: listening on %s\n", CMD, path);

	while (!stop_requested) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int pr = poll(&p, 1, TICK_MS), cfd;

		if (pr < 0 && errno != EINTR) {
			fprintf(stderr, "fidosim %s: poll: %s\n", CMD, strerror(errno));
			goto fail;
		}
		if (pr <= 0)
			continue;
		if ((cfd = accept(lfd, NULL, NULL)) < 0)
			continue;   /* EINTR, ECONNABORTED...: try again */
		serve_client(cfd, authn, &env);
		close(cfd);
	}
	r = FSIM_EXIT_OK;
fail:
	if (lfd >= 0)
		close(lfd);
	if (bound)
		unlink(path);
	fsim_authn_free(&authn);
	fsim_store_free(&store);
	fsim_env_free(&env);
	fsim_diags_clear(&d);
	return r;
}

const fsim_cmd_t fsim_cmd_authenticator = {
	"authenticator", run,
	"serve the software authenticator as a CTAPHID device on a Unix socket",
	usage,
};
