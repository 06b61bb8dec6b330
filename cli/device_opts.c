/*
 * device_opts.c — opening a real authenticator for a command, the PIN
 * prompt, the touch line and Ctrl-C (see cli/device_opts.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/device_opts.h"

static volatile int cancel_flag;
static const char *touch_cmd = "fidosim";
static bool touch_said;

/*
 * The first Ctrl-C cancels the request in flight (CTAPHID_CANCEL) and stops
 * a PIN prompt; a second one ends the program as usual.
 */
static void
on_sigint(int sig)
{
	(void)sig;
	cancel_flag = 1;
	signal(SIGINT, SIG_DFL);
}

/* KEEPALIVE with UPNEEDED: say once that the device waits for a touch. */
static void
on_keepalive(void *ctx, uint8_t status)
{
	(void)ctx;
	if (status == FSIM_HIDC_STATUS_UPNEEDED && !touch_said) {
		fprintf(stderr, "fidosim %s: touch your authenticator (it waits for user "
		    "presence; Ctrl-C cancels)\n", touch_cmd);
		touch_said = true;
	}
}

int
fsim_cli_device_open(const char *cmd, const char *path, fsim_device_t **out)
{
	struct sigaction sa;
	char why[512];
	int r;

	*out = NULL;
	if ((r = fsim_device_open(path, out, why, sizeof(why))) != 0) {
		fprintf(stderr, "fidosim %s: --device %s: %s\n", cmd, path, why[0] ? why :
		    fsim_strerr(r));
		return FSIM_EXIT_USAGE;
	}
	touch_cmd = cmd;
	/* Ctrl-C while the device waits: CTAPHID_CANCEL, and the answer is awaited. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	fsim_device_set_wait(*out, 0, on_keepalive, NULL, &cancel_flag);
	return 0;
}

int
fsim_cli_device_no_settings(const char *cmd, const struct fsim_cli_authn_extra *x)
{
	static const struct { uint32_t bit; const char *name; } flags[] = {
		{ FSIM_CLI_SET_PRESET, "--preset" }, { FSIM_CLI_SET_STORE, "--store" },
		{ FSIM_CLI_SET_AAGUID, "--aaguid" }, { FSIM_CLI_SET_BE, "--be" },
		{ FSIM_CLI_SET_BS, "--bs" }, { FSIM_CLI_SET_UV, "--uv" },
		{ FSIM_CLI_SET_ALGS, "--algs" }, { FSIM_CLI_SET_ATTESTATION, "--attestation-format" },
		{ FSIM_CLI_SET_COUNTER, "--counter" }, { FSIM_CLI_SET_QUIRK, "--quirk" },
		{ FSIM_CLI_SET_SEED, "--seed" }, { FSIM_CLI_SET_TRANSPORTS, "--transports" },
		{ FSIM_CLI_SET_RK, "--rk" },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (x->set & flags[i].bit)
			return fsim_cli_usage_error(cmd, "%s sets up the software authenticator; "
			    "with --device the real one answers as it is (leave %s out)",
			    flags[i].name, flags[i].name);
	return 0;
}

int
fsim_cli_ask_pin(void *ctx, char *buf, size_t cap)
{
	struct termios old, quiet;
	int fd, r = -1;
	size_t n = 0;
	bool restore = false;

	(void)ctx;
	if (cap == 0 || (fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, "PIN of the authenticator: ", 26) != 26)
		goto out;
	for (;;) {
		char c;
		ssize_t k = read(fd, &c, 1);

		if (k < 0 && errno == EINTR && !cancel_flag)
			continue;
		if (k <= 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 < cap)
			buf[n++] = c;
	}
	buf[n] = '\0';
	r = n > 0 && !cancel_flag ? 0 : -1;
out:
	if (restore)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	{
		/* End the line the user typed on; nothing to do if it fails. */
		ssize_t w = write(fd, "\n", 1);

		(void)w;
	}
	close(fd);
	return r;
}
