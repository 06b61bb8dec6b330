/*
 * datadir.c — where the shipped data files are (data/ in the source tree,
 * PREFIX/share/fidosim when installed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#ifndef FSIM_DATADIR
#define FSIM_DATADIR "/usr/local/share/fidosim"
#endif

static int
try_path(const char *dir, const char *name, char *buf, size_t len)
{
	int w = snprintf(buf, len, "%s/%s", dir, name);

	if (w < 0 || (size_t)w >= len)
		return FSIM_ERR_ARG;
	return access(buf, R_OK) == 0 ? FSIM_OK : FSIM_ERR_NOT_FOUND;
}

int
fsim_data_path(const char *name, char *buf, size_t len)
{
	char exe[4096];
	const char *env;
	char *slash;
	ssize_t n;

	if ((env = getenv("FIDOSIM_DATA_DIR")) != NULL && env[0] != '\0' &&
	    try_path(env, name, buf, len) == 0)
		return FSIM_OK;
	if (try_path(FSIM_DATADIR, name, buf, len) == 0)
		return FSIM_OK;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 16)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			memcpy(slash, "/../data", 9);
			if (try_path(exe, name, buf, len) == 0)
				return FSIM_OK;
		}
	}
#ifdef FSIM_SRCDATA
	/* The source tree this binary was built from (builds outside build/). */
	if (try_path(FSIM_SRCDATA, name, buf, len) == 0)
		return FSIM_OK;
#endif
	return FSIM_ERR_NOT_FOUND;
}
