/*
 * datadir.c — where the shipped data files are.
 *
 * Nothing here depends on the PREFIX of the build: an installed tree can be
 * moved, and `make install PREFIX=...` needs no rebuild. In order:
 *   1. $FIDOSIM_DATA_DIR, the user's explicit choice;
 *   2. BINDIR/../share/fidosim, beside the installed binary;
 *   3. BINDIR/../data, the source tree of a binary run from build/;
 *   4. the source tree this binary was compiled in (FSIM_SRCDATA), for
 *      binaries built elsewhere (tests, fuzz replays).
 * Each file is looked up on its own, so a partial FIDOSIM_DATA_DIR falls back
 * to the shipped copy for what it lacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static int
try_path(const char *dir, const char *name, char *buf, size_t len)
{
	int w = snprintf(buf, len, "%s/%s", dir, name);

	if (w < 0 || (size_t)w >= len)
		return FSIM_ERR_ARG;
	return access(buf, R_OK) == 0 ? FSIM_OK : FSIM_ERR_NOT_FOUND;
}

/* The folder holding the running binary, or "" when /proc cannot tell. */
static const char *
bindir(char *exe, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", exe, cap - 1);
	char *slash;

	if (n <= 0)
		return "";
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return "";
	*slash = '\0';
	return exe;
}

int
fsim_data_path(const char *name, char *buf, size_t len)
{
	static const char *const beside_bin[] = { "../share/fidosim", "../data" };
	char exe[4096], dir[4200];
	const char *env, *bin;
	size_t i;

	if ((env = getenv("FIDOSIM_DATA_DIR")) != NULL && env[0] != '\0' &&
	    try_path(env, name, buf, len) == 0)
		return FSIM_OK;
	if ((bin = bindir(exe, sizeof(exe)))[0] != '\0') {
		for (i = 0; i < sizeof(beside_bin) / sizeof(beside_bin[0]); i++) {
			int w = snprintf(dir, sizeof(dir), "%s/%s", bin, beside_bin[i]);

			if (w > 0 && (size_t)w < sizeof(dir) &&
			    try_path(dir, name, buf, len) == 0)
				return FSIM_OK;
		}
	}
#ifdef FSIM_SRCDATA
	if (try_path(FSIM_SRCDATA, name, buf, len) == 0)
		return FSIM_OK;
#endif
	return FSIM_ERR_NOT_FOUND;
}
