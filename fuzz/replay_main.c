/*
 * replay_main.c — run a fuzz target over files and directories given as
 * arguments (missing paths are skipped), without libFuzzer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "fuzz/fuzz.h"

static size_t ran;

static int
replay_file(const char *path)
{
	fsim_blob_t b = { 0 };

	if (fsim_read_file(path, 1u << 24, &b) != 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(b.ptr, b.len);
	fsim_blob_reset(&b);
	ran++;
	return 0;
}

static int
replay_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *dir;
	char sub[4096];
	int r = 0;

	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (replay_path(sub) != 0)
			r = -1;
	}
	closedir(dir);
	return r;
}

int
main(int argc, char **argv)
{
	int i, r = 0;

	for (i = 1; i < argc; i++)
		if (replay_path(argv[i]) != 0)
			r = 1;
	fprintf(stderr, "replay: %zu inputs\n", ran);
	if (ran == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	return r;
}
