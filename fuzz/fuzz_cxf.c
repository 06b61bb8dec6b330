/*
 * fuzz_cxf.c — the CXF reader and checker (authenticator/cxf_check.c,
 * cxf_passkey.c) and, for what it accepts, the importer and the exporter:
 * any bytes are checked without a crash, a refusal always names a CXF rule,
 * a passkey marked sound has an ID, an RP ID, a user handle and a key of a
 * known alg; a valid document imports into a store in memory (or is refused
 * by a rule, e.g. a name longer than the store holds), and what was
 * imported exports to a document that is valid again, with the same
 * passkeys.
 *
 * Seeds (fuzz/corpus/fuzz_cxf, made by tests/integration/cli_cxf.sh's
 * commands and by hand): `credentials export --format cxf` of stores made
 * with ES256 (hmac-secret and credBlob), PS256 (fidosim's alg extension),
 * EdDSA and ML-DSA-44 credentials; a document with collections, a basic-auth
 * login and an unknown credential type; one shaped as KeePassXC writes it;
 * a truncated one; a ZIP header; duplicate members.
 */
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf.h"
#include "fuzz/fuzz.h"

static bool
names_a_cxf_rule(const fsim_diags_t *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == FSIM_SEV_ERROR && strncmp(d->v[i].rule, "CXF-", 4) != 0)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t seed[] = "fuzz_cxf";
	fsim_cxf_import_opts_t io = { true, true, NULL };
	fsim_cxf_doc_t *doc = NULL, *again = NULL;
	fsim_store_t *s = NULL;
	fsim_diags_t d, d2;
	fsim_env_t env;
	char *text = NULL;
	size_t len = 0, i, npk;
	int r;

	fsim_diags_init(&d);
	fsim_diags_init(&d2);
	if (fsim_env_seeded(&env, seed, sizeof(seed)) != 0)
		abort();
	r = fsim_cxf_check(data, size, NULL, &doc, &d);
	if (r == FSIM_ERR_NOMEM)
		goto out;
	if (r != 0 || doc == NULL || !names_a_cxf_rule(&d))
		abort();
	npk = fsim_cxf_doc_passkey_count(doc);
	for (i = 0; i < npk; i++) {
		const fsim_cxf_passkey_t *p = fsim_cxf_doc_passkey(doc, i);

		if (p->ok && (p->id.len == 0 || p->rp_id == NULL || p->user_handle.len == 0 ||
		    p->key.len == 0 || p->alg == 0))
			abort();
	}
	if (fsim_diags_count(&d, FSIM_SEV_ERROR) > 0)
		goto out;
	/* valid: it imports (or a store rule refuses it, by a CXF rule) and exports again */
	if (fsim_store_open(":memory:", &env, &s, NULL) != 0)
		abort();
	fsim_diags_clear(&d);
	r = fsim_cxf_import(s, &env, data, size, &io, NULL, &d);
	if (r == FSIM_ERR_NOMEM)
		goto out;
	if (r == FSIM_ERR_FORMAT) {
		if (fsim_diags_count(&d, FSIM_SEV_ERROR) == 0 || !names_a_cxf_rule(&d))
			abort();
		goto out;
	}
	if (r != 0 || fsim_store_cred_count(s) != npk)
		abort();
	if (fsim_cxf_export(s, &env, NULL, &text, &len, NULL) != 0)
		abort();
	if (fsim_cxf_check((const uint8_t *)text, len, NULL, &again, &d2) != 0 ||
	    fsim_diags_count(&d2, FSIM_SEV_ERROR) != 0 ||
	    fsim_cxf_doc_passkey_count(again) != npk)
		abort();
out:
	if (text != NULL) {
		fsim_wipe(text, len);
		free(text);
	}
	fsim_cxf_doc_free(&doc);
	fsim_cxf_doc_free(&again);
	fsim_store_free(&s);
	fsim_env_free(&env);
	fsim_diags_clear(&d);
	fsim_diags_clear(&d2);
	return 0;
}
