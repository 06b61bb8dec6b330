/*
 * fmt_none.c — the none attestation statement format (WebAuthn §8.7).
 *
 *   attStmt = {}
 *
 * Nothing to verify but the shape: the map must be empty (PIT-09: accepting
 * members here would let anything pass as "no attestation"). Result: None,
 * with no trust path. Whether "none" is acceptable after asking for direct
 * attestation is the ceremony's policy (ATT-NONE-02), not this file's.
 */
#include <stdio.h>

#include "core/fsim_core.h"
#include "rp-sim/fmt.h"

/* A short text key of printable ASCII, safe to quote in a message. */
static bool
printable_key(const cbor_item_t *k)
{
	const unsigned char *p;
	size_t i, n;

	if (!cbor_isa_string(k) || !cbor_string_is_definite(k) ||
	    (n = cbor_string_length(k)) > 40)
		return false;
	p = cbor_string_handle(k);
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '"' || p[i] == '\\')
			return false;
	return true;
}

int
fsim_fmt_none(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res)
{
	const cbor_item_t *st;
	const struct cbor_pair *p;
	char first[64] = "";
	int r = FSIM_ERR_FORMAT;

	if (res == NULL)
		return FSIM_ERR_ARG;
	res->type = FSIM_ATT_TYPE_UNKNOWN;
	res->x5c = NULL;
	if (c == NULL)
		return FSIM_ERR_ARG;
	st = c->att_stmt;
	if (st == NULL || !cbor_isa_map(st) || !cbor_map_is_definite(st)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_NONE_01, "attStmt", "attStmt is %s, not "
		    "the empty map", st == NULL ? "missing" : fsim_cbor_type_name(st));
		goto fail;
	}
	if (cbor_map_size(st) != 0) {
		p = cbor_map_handle(st);
		if (printable_key(p[0].key))
			snprintf(first, sizeof(first), " (first \"%.*s\")",
			    (int)cbor_string_length(p[0].key),
			    (const char *)cbor_string_handle(p[0].key));
		fsim_checks_fail(c->ck, FSIM_R_ATT_NONE_01, "attStmt", "attStmt has %zu "
		    "member%s%s; fmt none requires the empty map", cbor_map_size(st),
		    cbor_map_size(st) == 1 ? "" : "s", first);
		goto fail;
	}
	fsim_checks_pass(c->ck, FSIM_R_ATT_NONE_01);
	res->type = FSIM_ATT_TYPE_NONE;
	r = 0;
fail:
	return r;
}
