/*
 * fmt_compound.c — the compound attestation statement format (WebAuthn §8.9,
 * new in Level 3).
 *
 *   attStmt = [ 2* { fmt: text, attStmt: any } ]
 *
 * An authenticator may carry several independent statements over the same
 * authData and clientDataHash. Each is verified by its own format's procedure
 * (found with fsim_fmt_find); a nested compound is an error.
 *
 * Policy (ATT-COMP-03): how many must pass is the RP's choice; we implement
 * the default, all of them. The combined result is the type and trust path of
 * the first sub-statement (in array order) that has a trust path; when none
 * has one, the type of the first sub-statement. Its trust path then goes
 * through the ceremony's validity and anchor checks like any other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsim_core.h"
#include "rp-sim/fmt.h"

/* Sub-statements beyond this are refused: real authenticators send two or three. */
#define COMPOUND_MAX 8

/*
 * Entries a sub-verifier recorded say "attStmt..."; make them say
 * "attStmt[i].attStmt..." so the checklist shows which statement they are about.
 */
static void
prefix_fields(fsim_checks_t *ck, size_t from, size_t i)
{
	char buf[sizeof(ck->v[0].field) + 32];
	size_t k;
	int m;

	if (ck == NULL)
		return;
	for (k = from; k < ck->n; k++) {
		if (strncmp(ck->v[k].field, "attStmt", 7) != 0)
			continue;
		m = snprintf(buf, sizeof(buf), "attStmt[%zu].%s", i, ck->v[k].field);
		if (m < 0 || (size_t)m >= sizeof(ck->v[k].field))
			continue;  /* would not fit: keep the sub-verifier's name */
		memcpy(ck->v[k].field, buf, (size_t)m + 1);
	}
}

/* Printable ASCII without quotes (ATT-01's alphabet), safe to quote in a message. */
static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return false;
	return true;
}

/* ATT-COMP-01 for element i: a map with fmt (a known, non-compound format) and attStmt. */
static bool
check_element(const cbor_item_t *e, size_t i, fsim_checks_t *ck, fsim_fmt_verify_fn *fn,
    const cbor_item_t **sub)
{
	const cbor_item_t *f, *s;
	char field[48], *fmt = NULL;
	bool ok = false;

	*fn = NULL;
	*sub = NULL;
	snprintf(field, sizeof(field), "attStmt[%zu]", i);
	if (!cbor_isa_map(e) || !cbor_map_is_definite(e)) {
		fsim_checks_fail(ck, FSIM_R_ATT_COMP_01, field, "element is %s, not a "
		    "{fmt, attStmt} map", fsim_cbor_type_name(e));
		return false;
	}
	f = fsim_cbor_map_get_str(e, "fmt");
	s = fsim_cbor_map_get_str(e, "attStmt");
	if (f == NULL)
		fsim_checks_fail(ck, FSIM_R_ATT_COMP_01, field, "fmt is missing");
	else if (fsim_cbor_get_text(f, &fmt) != 0)
		fsim_checks_fail(ck, FSIM_R_ATT_COMP_01, field, "fmt is %s, not a text "
		    "string", fsim_cbor_type_name(f));
	else if (strcmp(fmt, "compound") == 0)
		fsim_checks_fail(ck, FSIM_R_ATT_COMP_01, field, "a compound statement "
		    "nested in a compound statement");
	else if ((*fn = fsim_fmt_find(fmt)) == NULL)
		fsim_checks_fail(ck, FSIM_R_ATT_COMP_01, field, "fmt \"%.32s\" is not a "
		    "supported attestation statement format", printable(fmt) ? fmt :
		    "(not printable)");
	if (s == NULL)
		fsim_checks_fail(ck, FSIM_R_ATT_COMP_01, field, "attStmt is missing");
	else if (*fn != NULL) {
		*sub = s;
		ok = true;
	}
	free(fmt);
	if (!ok)
		*fn = NULL;
	return ok;
}

int
fsim_fmt_compound(const fsim_fmt_ctx_t *c, fsim_fmt_result_t *res)
{
	int r = FSIM_ERR_FORMAT, rs;
	const cbor_item_t *st, *subs[COMPOUND_MAX];
	fsim_fmt_verify_fn fns[COMPOUND_MAX];
	fsim_fmt_result_t sr, pick = { .type = FSIM_ATT_TYPE_UNKNOWN, .x5c = NULL };
	fsim_fmt_ctx_t sc;
	cbor_item_t **items;
	size_t i, n, from;
	bool shape_ok = true, have_pick = false;

	if (res == NULL)
		return FSIM_ERR_ARG;
	res->type = FSIM_ATT_TYPE_UNKNOWN;
	res->x5c = NULL;
	if (c == NULL)
		return FSIM_ERR_ARG;

	st = c->att_stmt;
	if (st == NULL || !cbor_isa_array(st) || !cbor_array_is_definite(st)) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_COMP_01, "attStmt", "attStmt is %s, not "
		    "an array of statements", st == NULL ? "missing" : fsim_cbor_type_name(st));
		goto fail;
	}
	if ((n = cbor_array_size(st)) < 2 || n > COMPOUND_MAX) {
		fsim_checks_fail(c->ck, FSIM_R_ATT_COMP_01, "attStmt", "attStmt holds %zu "
		    "statement%s; compound needs at least 2 (fidosim accepts up to %d)",
		    n, n == 1 ? "" : "s", COMPOUND_MAX);
		goto fail;
	}
	items = cbor_array_handle(st);
	for (i = 0; i < n; i++)
		if (!check_element(items[i], i, c->ck, &fns[i], &subs[i]))
			shape_ok = false;
	if (!shape_ok)
		goto fail;
	fsim_checks_pass(c->ck, FSIM_R_ATT_COMP_01);

	/* §8.9: each statement under its own procedure, same authData and hash. */
	r = 0;
	for (i = 0; i < n; i++) {
		sc = *c;
		sc.att_stmt = subs[i];
		sr.type = FSIM_ATT_TYPE_UNKNOWN;
		sr.x5c = NULL;
		from = c->ck != NULL ? c->ck->n : 0;
		rs = fns[i](&sc, &sr);
		prefix_fields(c->ck, from, i);
		if (rs == FSIM_ERR_NOMEM) {
			sk_X509_pop_free(sr.x5c, X509_free);
			r = rs;
			goto fail;
		}
		if (rs != 0) {
			sk_X509_pop_free(sr.x5c, X509_free);
			fsim_checks_fail(c->ck, FSIM_R_ATT_COMP_02, "attStmt", "statement "
			    "%zu did not verify (%s)", i, fsim_strerr(rs));
			/* the first failure decides the code; keep verifying to report all */
			if (r == 0)
				r = rs == FSIM_ERR_SIGNATURE ? rs : FSIM_ERR_FORMAT;
			continue;
		}
		if (!have_pick || (pick.x5c == NULL && sr.x5c != NULL)) {
			sk_X509_pop_free(pick.x5c, X509_free);
			pick = sr;
			have_pick = true;
		} else
			sk_X509_pop_free(sr.x5c, X509_free);
	}
	if (r != 0)
		goto fail;
	fsim_checks_pass(c->ck, FSIM_R_ATT_COMP_02);
	*res = pick;
	pick.x5c = NULL;
fail:
	sk_X509_pop_free(pick.x5c, X509_free);
	return r;
}
