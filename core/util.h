/*
 * util.h — errors, diagnostics, owned byte buffers and the wipe primitive.
 * Every other core module builds on these.
 */
#ifndef FSIM_UTIL_H
#define FSIM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define FSIM_WUR __attribute__((warn_unused_result))

/* Error codes: 0 is success, every failure is negative. */
enum {
	FSIM_OK = 0,
	FSIM_ERR_INTERNAL = -1,
	FSIM_ERR_NOMEM = -2,
	FSIM_ERR_ARG = -3,          /* caller passed something unusable */
	FSIM_ERR_ENCODING = -4,     /* base64url / base64 / hex text */
	FSIM_ERR_CBOR = -5,         /* CBOR not well formed or not strict */
	FSIM_ERR_JSON = -6,         /* JSON not well formed or wrong shape */
	FSIM_ERR_FORMAT = -7,       /* structure wrong (lengths, flags, missing members) */
	FSIM_ERR_COSE = -8,         /* COSE_Key invalid */
	FSIM_ERR_UNSUPPORTED = -9,  /* valid but not supported (unknown alg...) */
	FSIM_ERR_SIGNATURE = -10,   /* signature does not verify or is malformed */
	FSIM_ERR_IO = -11,
	FSIM_ERR_NOT_FOUND = -12,
};

const char *fsim_strerr(int err);

/* Severity of a diagnostic. */
typedef enum {
	FSIM_SEV_ERROR = 0,
	FSIM_SEV_WARNING,
	FSIM_SEV_INFO,
} fsim_sev_t;

#define FSIM_NO_OFFSET ((size_t)-1)

typedef struct fsim_diag {
	fsim_sev_t sev;
	char rule[24];     /* catalog ID, e.g. "AD-04" */
	char field[128];   /* dotted path, e.g. "attestationObject.authData.credentialIdLength" */
	size_t offset;     /* absolute byte offset in the blob being parsed, or FSIM_NO_OFFSET */
	char msg[256];     /* one line, names the value found */
} fsim_diag_t;

/*
 * A list of diagnostics. Parsers append to it; callers read it.
 * `base` is added to every offset appended, and `prefix` is put before every
 * field name (joined with '.'), so a nested parser can report absolute offsets
 * and full paths: set both before the nested call and restore them after
 * (fsim_diags_push / fsim_diags_pop do that).
 * A NULL fsim_diags_t * is accepted everywhere and records nothing.
 */
typedef struct fsim_diags {
	fsim_diag_t *v;
	size_t n;
	size_t cap;
	size_t base;
	char prefix[128];
	bool oom;          /* an append failed for lack of memory */
} fsim_diags_t;

typedef struct fsim_diags_frame {
	size_t base;
	char prefix[128];
} fsim_diags_frame_t;

void fsim_diags_init(fsim_diags_t *d);
void fsim_diags_clear(fsim_diags_t *d);          /* frees entries, keeps nothing */
void fsim_diags_add(fsim_diags_t *d, fsim_sev_t sev, const char *rule,
    const char *field, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Enter a nested structure at relative offset `off` named `name`. */
/*
 * Append n entries as they are (fields and offsets already final, as another
 * fsim_diags_t holds them). 0, or FSIM_ERR_NOMEM with d unchanged.
 */
int fsim_diags_append(fsim_diags_t *d, const fsim_diag_t *v, size_t n) FSIM_WUR;
void fsim_diags_push(fsim_diags_t *d, fsim_diags_frame_t *saved, size_t off, const char *name);
void fsim_diags_pop(fsim_diags_t *d, const fsim_diags_frame_t *saved);
size_t fsim_diags_count(const fsim_diags_t *d, fsim_sev_t sev);
/* First entry of the given severity, or NULL. */
const fsim_diag_t *fsim_diags_first(const fsim_diags_t *d, fsim_sev_t sev);
/* Does the list hold an entry with this rule ID (any severity)? */
bool fsim_diags_has(const fsim_diags_t *d, const char *rule);
/* "field at offset N: msg [RULE]" into buf. */
void fsim_diag_format(const fsim_diag_t *e, char *buf, size_t len);

/* An offset for message text: absolute, like the diagnostics' own offsets. */
size_t fsim_diags_abs(const fsim_diags_t *d, size_t off);

/*
 * A parser's state: where its diagnostics go and the code of the first
 * failure (out of memory always wins), so a parse can go on past a problem
 * and still report why it failed.
 */
typedef struct fsim_pctx {
	fsim_diags_t *d;
	int err;
} fsim_pctx_t;

/* Record an error diagnostic; the first cause decides the return code. */
void fsim_pctx_error(fsim_pctx_t *c, int code, const char *rule, const char *field,
    size_t off, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A nested parser failed: remember its code unless one is already set. */
void fsim_pctx_fail(fsim_pctx_t *c, int code);

/* Owned bytes. A zeroed struct is an empty blob. */
typedef struct fsim_blob {
	uint8_t *ptr;
	size_t len;
} fsim_blob_t;

int fsim_blob_set(fsim_blob_t *b, const uint8_t *ptr, size_t len) FSIM_WUR;
int fsim_blob_append(fsim_blob_t *b, const uint8_t *ptr, size_t len) FSIM_WUR;
void fsim_blob_reset(fsim_blob_t *b);  /* wipes, frees, zeroes; NULL-safe */
bool fsim_blob_eq(const fsim_blob_t *a, const uint8_t *ptr, size_t len);

/* The one wipe primitive (OPENSSL_cleanse). */
void fsim_wipe(void *ptr, size_t len);

/* strdup that returns NULL on NULL input. */
char *fsim_strdup(const char *s);

/*
 * ENC-00: the part of an input that is not surrounding whitespace,
 * [*start, *end). An input that is empty, or whitespace only, is an error
 * recorded under ENC-00 (FSIM_ERR_FORMAT); what the bytes are is for the
 * structure parsers to say.
 */
int fsim_input_span(const uint8_t *p, size_t n, size_t *start, size_t *end,
    fsim_diags_t *d) FSIM_WUR;

/*
 * Write a whole file atomically: "<path>.tmp-<pid>" (O_EXCL, the mode less the
 * umask), fsync, rename over path. Readers see the old file or the new one.
 */
int fsim_write_file_atomic(const char *path, const void *ptr, size_t len, unsigned mode) FSIM_WUR;

/*
 * Read a whole file ("-" is stdin) into a blob; caps at max bytes
 * (FSIM_ERR_ARG past it). On FSIM_ERR_IO errno says why (fopen's or fread's).
 */
int fsim_read_file(const char *path, size_t max, fsim_blob_t *out) FSIM_WUR;

/*
 * Find a shipped data file or folder (`name` relative to the data folder):
 * $FIDOSIM_DATA_DIR, then BINDIR/../share/fidosim (installed), then
 * BINDIR/../data (build/fidosim -> data/), then the source tree the binary
 * was compiled in. Writes the first path that exists into buf;
 * FSIM_ERR_NOT_FOUND when none does.
 */
int fsim_data_path(const char *name, char *buf, size_t len) FSIM_WUR;

#endif /* !FSIM_UTIL_H */
