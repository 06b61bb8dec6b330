/*
 * report_html_gen.c — report.html from a report.json file, for the tests
 * (tests/integration/report_html.sh) until `fidosim run` writes the page:
 *
 *   report_html_gen REPORT.json [OUT.html]     (OUT default: stdout)
 *
 * Exit 0: written; 1: fsim_report_html refused the object; 2: usage, I/O or
 * REPORT is not JSON.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "harness/report_html.h"

int
main(int argc, char **argv)
{
	json_t *report = NULL;
	json_error_t jerr;
	FILE *out = stdout;
	int rc = 2, r;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: report_html_gen REPORT.json [OUT.html]\n");
		return 2;
	}
	if ((report = json_load_file(argv[1], JSON_DECODE_ANY, &jerr)) == NULL) {
		fprintf(stderr, "report_html_gen: %s: line %d: %s\n", argv[1], jerr.line, jerr.text);
		goto out;
	}
	if (argc == 3 && (out = fopen(argv[2], "w")) == NULL) {
		fprintf(stderr, "report_html_gen: %s: cannot write\n", argv[2]);
		goto out;
	}
	if ((r = fsim_report_html(report, out)) != 0) {
		fprintf(stderr, "report_html_gen: %s\n", fsim_strerr(r));
		rc = r == FSIM_ERR_IO ? 2 : 1;
		goto out;
	}
	rc = 0;
out:
	if (out != stdout && out != NULL && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "report_html_gen: %s: write failed\n", argv[2]);
		rc = 2;
	}
	json_decref(report);
	return rc;
}
