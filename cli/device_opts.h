/*
 * device_opts.h — what the commands that reach a real authenticator share
 * (`--device PATH` on create, get, explain; `fidosim devices`; `conform
 * --authenticator`): opening it with a clear message, the PIN prompt, the
 * "touch your security key" line, and Ctrl-C sending CTAPHID_CANCEL.
 */
#ifndef FSIM_CLI_DEVICE_OPTS_H
#define FSIM_CLI_DEVICE_OPTS_H

#include "cli/authn_opts.h"
#include "platform/device.h"

/* The usage lines of --device and --pin. */
#define FSIM_CLI_DEVICE_USAGE \
	"  --device PATH         a real authenticator instead of the software one:\n" \
	"                        /dev/hidrawN (a USB security key; see DEVICES in\n" \
	"                        man fidosim for the udev rule) or unix:PATH (a\n" \
	"                        CTAPHID socket, e.g. fidosim authenticator --listen)\n" \
	"  --pin PIN             the device's PIN, when it wants one (else asked for\n" \
	"                        on the terminal; note that a PIN given here shows in\n" \
	"                        the process list)\n"

/*
 * Open the device at path for cmd: 0 and *out, or FSIM_EXIT_USAGE after
 * "fidosim CMD: ..." saying why (no such device, no permission: the udev
 * rule, not a CTAP2 authenticator). Installs the KEEPALIVE line and the
 * Ctrl-C cancel for the life of the process.
 */
int fsim_cli_device_open(const char *cmd, const char *path, fsim_device_t **out);

/*
 * --device with settings of the software authenticator (--aaguid, --quirk,
 * --store, --seed, ...): they cannot apply to a real device, so they are a
 * usage error naming the first one. 0 when there are none.
 */
int fsim_cli_device_no_settings(const char *cmd, const struct fsim_cli_authn_extra *x);

/* fsim_device_pin_fn: the PIN from the terminal (/dev/tty, echo off). */
int fsim_cli_ask_pin(void *ctx, char *buf, size_t cap);

#endif /* !FSIM_CLI_DEVICE_OPTS_H */
