/*
 * aaguid.h — AAGUID text form and provider names.
 *
 * Names come from a data file shipped with the project (data/aaguid-names.json,
 * a copy of the community passkey AAGUID list; see data/README.md), loaded at
 * run time: $FIDOSIM_AAGUID_NAMES if set, else aaguid-names.json in the data
 * folder (fsim_data_path: $FIDOSIM_DATA_DIR, the installed folder, data/ beside
 * the build folder). If no file can be read, a built-in copy compiled from the
 * same file is used. An empty list `{}` is the
 * upstream's retirement signal: it is reported (rule DATA-01), not silently used.
 */
#ifndef FSIM_AAGUID_H
#define FSIM_AAGUID_H

#include "util.h"

#define FSIM_AAGUID_STRLEN 36

/* Lowercase 8-4-4-4-12 form into out[37]. */
void fsim_aaguid_format(const uint8_t aaguid[16], char out[FSIM_AAGUID_STRLEN + 1]);
/* Parse 8-4-4-4-12 (either case) or 32 hex digits. */
int fsim_aaguid_parse(const char *s, uint8_t out[16]) FSIM_WUR;
bool fsim_aaguid_is_zero(const uint8_t aaguid[16]);

typedef struct fsim_aaguid_names fsim_aaguid_names_t;

/*
 * Load names. path NULL means the default search described above. On an
 * unreadable or invalid explicit path, fails. Where it came from is kept
 * (fsim_aaguid_names_source).
 */
int fsim_aaguid_names_load(const char *path, fsim_aaguid_names_t **out,
    fsim_diags_t *d) FSIM_WUR;
/* The built-in copy only. */
int fsim_aaguid_names_builtin(fsim_aaguid_names_t **out) FSIM_WUR;
/* Provider name or NULL. Lent. */
const char *fsim_aaguid_name(const fsim_aaguid_names_t *n, const uint8_t aaguid[16]);
size_t fsim_aaguid_names_count(const fsim_aaguid_names_t *n);
const char *fsim_aaguid_names_source(const fsim_aaguid_names_t *n);
void fsim_aaguid_names_free(fsim_aaguid_names_t **np);

#endif /* !FSIM_AAGUID_H */
