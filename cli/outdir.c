/*
 * outdir.c — the folder a command writes its reports into (run, conform):
 * made with its parents, like mkdir -p, 0755.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

int
fsim_cli_mkdirs(const char *dir)
{
	char buf[4096], *p;

	if (dir == NULL || dir[0] == '\0' || strlen(dir) >= sizeof(buf))
		return -1;
	strcpy(buf, dir);
	for (p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}
