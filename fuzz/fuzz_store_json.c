/*
 * fuzz_store_json.c — the import of JSON stores of earlier versions
 * (authenticator/store_json.c, fsim_store_from_text, then the database
 * built from what it read, store_db.c): any bytes are either a store or
 * refused with STORE-01 diagnostics; a store read is written back to the
 * same text (save(load(x)) is a function of the content) and builds a
 * database (in memory) without error.
 *
 * Seeds (fuzz/corpus/fuzz_store_json): `credentials export --format json`
 * of a store made by `fidosim create --seed 01 --attestation packed` (a
 * discoverable credential, the CA's blobs) and `--seed 02 --preset
 * yubikey5` (a wrapped credential and its ID counter after a get); an empty
 * store's export; one credential; a newer version; a truncation.
 */
#include <stdlib.h>
#include <string.h>

#include "authenticator/store_int.h"
#include "fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsim_store_t *s = NULL, *t = NULL;
	fsim_diags_t d;
	char *text = NULL, *again = NULL, err[256];
	size_t len = 0, len2 = 0, i;
	int r;

	fsim_diags_init(&d);
	r = fsim_store_from_text(data, size, &s, &d);
	if (r != 0) {
		/* refused: no store, and a reason naming the rule */
		if (s != NULL || (r == FSIM_ERR_FORMAT && !fsim_diags_has(&d, "STORE-01")))
			abort();
		goto out;
	}
	if (s == NULL)
		abort();
	for (i = 0; i < fsim_store_cred_count(s); i++) {
		const char *field, *why;

		if (!fsim_cred_valid(fsim_store_cred_at(s, i), &field, &why))
			abort();
	}
	/* written back, read again, written again: the same text */
	if (fsim_store_to_text(s, &text, &len) != 0 ||
	    fsim_store_from_text((const uint8_t *)text, len, &t, NULL) != 0 ||
	    fsim_store_to_text(t, &again, &len2) != 0 || len != len2 ||
	    memcmp(text, again, len) != 0)
		abort();
	/* what the import then does with it: a database of the same content */
	if (fsim_store_db_create(":memory:", s, err, sizeof(err)) != 0)
		abort();
out:
	if (text != NULL) {
		fsim_wipe(text, len);
		free(text);
	}
	if (again != NULL) {
		fsim_wipe(again, len2);
		free(again);
	}
	fsim_store_free(&s);
	fsim_store_free(&t);
	fsim_diags_clear(&d);
	return 0;
}
