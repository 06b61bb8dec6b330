/*
 * wajson_int.h — private to wajson.c and wajson_opts.c: the small JSON
 * member readers both use. Not part of the core/ API.
 */
#ifndef FSIM_WAJSON_INT_H
#define FSIM_WAJSON_INT_H

#include <jansson.h>
#include "util.h"

/* Path buffer size: the same as a diagnostic's field. */
#define FSIM_WJ_PATH 128

/* How an absent member is reported. */
#define FSIM_WJ_OPT  0   /* optional: nothing */
#define FSIM_WJ_WARN 1   /* required by the IDL but often missing: warning */
#define FSIM_WJ_REQ  2   /* required: error */

typedef struct fsim_wj {
	fsim_diags_t *d;
	const char *rule;     /* shape rule: JSON-01, JSON-02 or JSON-06 */
	const char *b64rule;  /* added when a binary member is not base64url */
	size_t nerr;          /* errors recorded so far */
	bool oom;
} fsim_wj_t;

void fsim_wj_report(fsim_wj_t *c, fsim_sev_t sev, const char *rule,
    const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void fsim_wj_path(char *buf, size_t n, const char *base, const char *key);
const char *fsim_wj_type_name(const json_t *v);
/* `want` JSON_TRUE stands for "a boolean". */
const json_t *fsim_wj_member(fsim_wj_t *c, const json_t *obj, const char *base,
    const char *key, int need, json_type want);
bool fsim_wj_string(fsim_wj_t *c, const json_t *obj, const char *base,
    const char *key, int need, char **dst);
bool fsim_wj_b64_value(fsim_wj_t *c, const json_t *v, const char *path,
    fsim_blob_t *dst);
bool fsim_wj_b64(fsim_wj_t *c, const json_t *obj, const char *base,
    const char *key, int need, fsim_blob_t *dst);
bool fsim_wj_strings(fsim_wj_t *c, const json_t *obj, const char *base,
    const char *key, int need, char ***dst, size_t *n);
void fsim_wj_strings_free(char ***vp, size_t *np);

#endif /* !FSIM_WAJSON_INT_H */
