/*
 * report_html.h — report.html: one self-contained page that draws a
 * report.json object (docs/report-schema.md): a heat map of authenticator
 * presets x platforms per RP policy preset, each cell's three views per
 * ceremony (emitted, delivered, concluded) on a click, the quirk, mutation,
 * vector and scenario cells as tables, the rule coverage and the run summary;
 * printed, it shows every map and the failing cells' details.
 *
 * The page's HTML, CSS and JavaScript are harness/www/, compiled in. It loads
 * nothing: its Content-Security-Policy allows no network and runs only its own
 * script and style (by hash).
 */
#ifndef FSIM_HARNESS_REPORT_HTML_H
#define FSIM_HARNESS_REPORT_HTML_H

#include <stdio.h>
#include <jansson.h>

#include "core/util.h"

/*
 * Write the page for report to out (not closed). report is any JSON object;
 * the page copes with missing members and members of the wrong type. It is
 * embedded as JSON in which every <, > and & is written \u003c, \u003e,
 * \u0026 and every non-ASCII character \uXXXX, so no string of it can end the
 * script element or be read as markup; the script puts strings on the page as
 * text only.
 * Returns 0, FSIM_ERR_ARG (report not an object, or out NULL),
 * FSIM_ERR_NOMEM, FSIM_ERR_IO (a write failed), FSIM_ERR_INTERNAL (the
 * compiled-in page is broken; a test catches it).
 */
int fsim_report_html(const json_t *report, FILE *out) FSIM_WUR;

/*
 * The same page from the report's JSON text (report.json as written: any
 * whitespace between tokens, ASCII only as jansson's JSON_ENSURE_ASCII
 * writes it), so a run serialises its report once. FSIM_ERR_ARG when json
 * is NULL, does not open with an object, or holds a non-ASCII byte or a
 * control character inside a string.
 */
int fsim_report_html_text(const char *json, size_t len, FILE *out) FSIM_WUR;

/*
 * The same page from data already compact and escaped, as
 * fsim_json_dumps_html makes it beside report.json's text in one pass
 * (core/json_dump.h); put in as it is.
 */
int fsim_report_html_safe(const char *data, size_t len, FILE *out) FSIM_WUR;

#endif /* !FSIM_HARNESS_REPORT_HTML_H */
