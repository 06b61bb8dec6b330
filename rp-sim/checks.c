/*
 * checks.c — the verification checklist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rp-sim/checks.h"

void
fsim_checks_init(fsim_checks_t *ck)
{
	if (ck != NULL)
		memset(ck, 0, sizeof(*ck));
}

void
fsim_checks_clear(fsim_checks_t *ck)
{
	if (ck == NULL)
		return;
	free(ck->v);
	memset(ck, 0, sizeof(*ck));
}

static fsim_check_t *
append(fsim_checks_t *ck)
{
	fsim_check_t *nv;
	size_t ncap;

	if (ck->n == ck->cap) {
		ncap = ck->cap ? ck->cap * 2 : 32;
		if ((nv = realloc(ck->v, ncap * sizeof(*nv))) == NULL) {
			ck->oom = true;
			return NULL;
		}
		ck->v = nv;
		ck->cap = ncap;
	}
	/* the strings emptied, not the whole entry (most checks are a bare pass) */
	ck->v[ck->n].field[0] = '\0';
	ck->v[ck->n].msg[0] = '\0';
	ck->v[ck->n].offset = FSIM_NO_OFFSET;
	return &ck->v[ck->n++];
}

static void
vadd(fsim_checks_t *ck, fsim_rule_id_t rule, fsim_check_status_t st,
    const char *field, size_t offset, const char *fmt, va_list ap)
{
	fsim_check_t *c;

	if (ck == NULL || (c = append(ck)) == NULL)
		return;
	c->rule = rule;
	c->status = st;
	c->offset = offset;
	if (field != NULL)
		snprintf(c->field, sizeof(c->field), "%s", field);
	if (fmt != NULL)
		vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
}

void
fsim_checks_add(fsim_checks_t *ck, fsim_rule_id_t rule, fsim_check_status_t st,
    const char *field, size_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(ck, rule, st, field, offset, fmt, ap);
	va_end(ap);
}

void
fsim_checks_pass(fsim_checks_t *ck, fsim_rule_id_t rule)
{
	fsim_check_t *c;

	if (ck == NULL || (c = append(ck)) == NULL)
		return;
	c->rule = rule;
	c->status = FSIM_CHECK_PASS;
	c->offset = FSIM_NO_OFFSET;
}

#define DEFINE_ADDER(name, status)                                        \
void                                                                      \
name(fsim_checks_t *ck, fsim_rule_id_t rule, const char *field,           \
    const char *fmt, ...)                                                 \
{                                                                         \
	va_list ap;                                                       \
	va_start(ap, fmt);                                                \
	vadd(ck, rule, status, field, FSIM_NO_OFFSET, fmt, ap);           \
	va_end(ap);                                                       \
}
DEFINE_ADDER(fsim_checks_fail, FSIM_CHECK_FAIL)
DEFINE_ADDER(fsim_checks_warn, FSIM_CHECK_WARN)
DEFINE_ADDER(fsim_checks_info, FSIM_CHECK_INFO)
#undef DEFINE_ADDER

void
fsim_checks_import_one(fsim_checks_t *ck, const fsim_diag_t *e, fsim_rule_id_t fallback)
{
	fsim_check_status_t st = e->sev == FSIM_SEV_ERROR ? FSIM_CHECK_FAIL :
	    e->sev == FSIM_SEV_WARNING ? FSIM_CHECK_WARN : FSIM_CHECK_INFO;
	fsim_rule_id_t r;

	if (fsim_rule_find(e->rule, &r))
		fsim_checks_add(ck, r, st, e->field, e->offset, "%s", e->msg);
	else
		fsim_checks_add(ck, fallback, st, e->field, e->offset,
		    "%s (%s)", e->msg, e->rule);
}

void
fsim_checks_import(fsim_checks_t *ck, const fsim_diags_t *d, fsim_rule_id_t fallback)
{
	size_t i;

	if (ck == NULL || d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		fsim_checks_import_one(ck, &d->v[i], fallback);
}

size_t
fsim_checks_count(const fsim_checks_t *ck, fsim_check_status_t st)
{
	size_t i, n = 0;

	if (ck == NULL)
		return 0;
	for (i = 0; i < ck->n; i++)
		if (ck->v[i].status == st)
			n++;
	return n;
}

bool
fsim_checks_failed(const fsim_checks_t *ck, fsim_rule_id_t rule)
{
	size_t i;

	if (ck == NULL)
		return false;
	for (i = 0; i < ck->n; i++)
		if (ck->v[i].rule == rule && ck->v[i].status == FSIM_CHECK_FAIL)
			return true;
	return false;
}
