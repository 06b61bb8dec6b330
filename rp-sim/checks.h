/*
 * checks.h — the checklist a verification produces: one entry per rule
 * checked, with its outcome. Errors and warnings of the verdict are the FAIL
 * and WARN entries; PASS entries make the readable checklist.
 */
#ifndef FSIM_CHECKS_H
#define FSIM_CHECKS_H

#include "core/util.h"
#include "rp-sim/rules.h"

typedef enum {
	FSIM_CHECK_PASS = 0,
	FSIM_CHECK_FAIL,    /* counts as an error: verification fails */
	FSIM_CHECK_WARN,    /* counts as a warning */
	FSIM_CHECK_INFO,
} fsim_check_status_t;

typedef struct fsim_check {
	fsim_rule_id_t rule;
	fsim_check_status_t status;
	char field[128];
	size_t offset;      /* FSIM_NO_OFFSET when none */
	char msg[256];
} fsim_check_t;

typedef struct fsim_checks {
	fsim_check_t *v;
	size_t n, cap;
	bool oom;
} fsim_checks_t;

void fsim_checks_init(fsim_checks_t *ck);
void fsim_checks_clear(fsim_checks_t *ck);

void fsim_checks_add(fsim_checks_t *ck, fsim_rule_id_t rule, fsim_check_status_t st,
    const char *field, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void fsim_checks_pass(fsim_checks_t *ck, fsim_rule_id_t rule);
void fsim_checks_fail(fsim_checks_t *ck, fsim_rule_id_t rule, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void fsim_checks_warn(fsim_checks_t *ck, fsim_rule_id_t rule, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void fsim_checks_info(fsim_checks_t *ck, fsim_rule_id_t rule, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Copy a parser's diagnostics in (errors as FAIL, warnings as WARN, infos as
 * INFO). A diagnostic whose rule is not in the catalog is recorded under
 * `fallback`, its ID kept in the message.
 */
void fsim_checks_import(fsim_checks_t *ck, const fsim_diags_t *d, fsim_rule_id_t fallback);

void fsim_checks_import_one(fsim_checks_t *ck, const fsim_diag_t *e, fsim_rule_id_t fallback);

size_t fsim_checks_count(const fsim_checks_t *ck, fsim_check_status_t st);
/* Was a FAIL recorded for this rule? */
bool fsim_checks_failed(const fsim_checks_t *ck, fsim_rule_id_t rule);
/* Number of entries, to tell whether a step added a FAIL: compare counts. */
#define fsim_checks_fail_count(ck) fsim_checks_count((ck), FSIM_CHECK_FAIL)

#endif /* !FSIM_CHECKS_H */
