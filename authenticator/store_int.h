/*
 * store_int.h — what store.c (the model), store_json.c (the file format)
 * and store_file.c (paths, atomic writes) share. Not for other folders.
 */
#ifndef FSIM_STORE_INT_H
#define FSIM_STORE_INT_H

#include <jansson.h>

#include "authenticator/store.h"

typedef struct fsim_store_blob {
	char *name;
	fsim_blob_t val;            /* may be secret (CA keys): wiped on free */
} fsim_store_blob_t;

typedef struct fsim_store_idc {
	uint8_t hash[32];
	uint32_t v;
} fsim_store_idc_t;

struct fsim_store {
	char *path;                 /* NULL for ":memory:" */
	uint8_t wrap_key[32];       /* secret */
	uint32_t global_counter;
	uint64_t seq;               /* the last seq given to a credential */
	fsim_store_blob_t *blobs;   /* sorted by name */
	size_t nblobs;
	fsim_cred_t *creds;         /* in the order they were added */
	size_t ncreds, capcreds;
	fsim_store_idc_t *idc;      /* sorted by hash */
	size_t nidc, capidc;
};

#define FSIM_STORE_RULE "STORE-01"
#define FSIM_STORE_RULE_IO "STORE-02"
#define FSIM_STORE_FORMAT_NAME "fidosim-store"

/* An empty store (no wrap key yet). */
fsim_store_t *fsim_store_alloc(void);

/* The field rules of store.h; on failure *why names the field and problem. */
bool fsim_cred_valid(const fsim_cred_t *c, const char **field, const char **why);
bool fsim_store_blob_name_valid(const char *name);

/* Append a credential taking ownership of *c (zeroed on success). */
int fsim_store_take_cred(fsim_store_t *s, fsim_cred_t *c) FSIM_WUR;

/*
 * The file text of s (malloc'd, NUL-terminated, secret: wipe it), and the
 * reverse: parse text into a new store, every problem reported as STORE-01.
 */
int fsim_store_to_text(const fsim_store_t *s, char **text, size_t *len) FSIM_WUR;
int fsim_store_from_text(const uint8_t *text, size_t len, fsim_store_t **out,
    fsim_diags_t *d) FSIM_WUR;

#endif /* !FSIM_STORE_INT_H */
