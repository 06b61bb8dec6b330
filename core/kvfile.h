/*
 * kvfile.h — the small "key = value" text files fidosim ships (platform
 * profiles, lifecycle scenarios): one setting per line, '#' comments and
 * blank lines ignored, lines of at most FSIM_KV_LINE_MAX bytes, no NUL.
 * Shipped files live in data/FOLDER/NAME.EXT, found through fsim_data_path.
 */
#ifndef FSIM_KVFILE_H
#define FSIM_KVFILE_H

#include "util.h"

#define FSIM_KV_LINE_MAX 1024
#define FSIM_KV_FILE_MAX (1u << 20)

/*
 * Called for each setting, key and value trimmed (both writable, NUL
 * terminated, value non-empty). Return 0 to go on; anything else stops the
 * read and is returned, after fn wrote its message (without file:line) to
 * err.
 */
typedef int (*fsim_kv_fn)(void *ctx, char *key, char *value, char *err, size_t errlen);

/* The same over text in memory; name stands for the file in messages. */
int fsim_kvfile_parse(const uint8_t *text, size_t len, const char *name, fsim_kv_fn fn,
    void *ctx, char *err, size_t errlen) FSIM_WUR;

/*
 * A shipped file by name ("spec-l3" -> data/platforms/spec-l3.platform) or a
 * path (anything with '/' or ending in ".EXT") into path[cap].
 */
int fsim_kvfile_resolve(const char *name_or_path, const char *folder, const char *ext,
    char *path, size_t cap, char *err, size_t errlen) FSIM_WUR;

/*
 * Resolve (as fsim_kvfile_resolve) and read the whole file (at most
 * FSIM_KV_FILE_MAX bytes) into out; path[cap] gets where it was read from.
 */
int fsim_kvfile_slurp(const char *name_or_path, const char *folder, const char *ext,
    char *path, size_t cap, fsim_blob_t *out, char *err, size_t errlen) FSIM_WUR;

/* The names of the shipped files of a folder, sorted; free with fsim_kvfile_names_free. */
int fsim_kvfile_names(const char *folder, const char *ext, char ***names, size_t *n) FSIM_WUR;
void fsim_kvfile_names_free(char **names, size_t n);

#endif /* !FSIM_KVFILE_H */
