/*
 * mds_cli.h — the MDS3 BLOB on the command line: `fidosim mds`, and the
 * --mds BLOB [--mds-root PEM]... options of verify-registration,
 * verify-authentication, explain, run and serve (loaded and verified once,
 * then held for every verification).
 */
#ifndef FSIM_MDS_CLI_H
#define FSIM_MDS_CLI_H

#include <time.h>
#include <jansson.h>

#include "mds/mds.h"

extern const struct fsim_cmd fsim_cmd_mds;

/* --mds BLOB, --mds-root PEM (repeatable), --mds-crl FILE (repeatable) as given. */
struct fsim_cli_mds_opts {
	const char *blob;            /* NULL: no BLOB */
	const char *roots[8];
	size_t n_roots;
	const char *crls[8];
	size_t n_crls;
};

/*
 * If argv[*i] is --mds, --mds-root or --mds-crl, consume it and its value
 * (*i left on the value): 1. Not ours: 0. A missing value or too many:
 * FSIM_EXIT_USAGE after a message.
 */
int fsim_cli_mds_opt(const char *cmd, int argc, char **argv, int *i,
    struct fsim_cli_mds_opts *o);

/*
 * Load and verify the BLOB of o (none given: *out NULL, 0). The chain is
 * checked at `at`. A BLOB that does not verify or cannot be read is a
 * usage / I/O error: its errors go to stderr, FSIM_EXIT_USAGE. Warnings
 * (a passed nextUpdate, unknown members) go to stderr and do not stop it.
 */
int fsim_cli_mds_load(const char *cmd, const struct fsim_cli_mds_opts *o, time_t at,
    fsim_mds_t **out);

/* The usage lines of the three options, for the commands' help texts. */
#define FSIM_CLI_MDS_USAGE \
"  --mds BLOB                 a FIDO MDS3 BLOB you downloaded (fidosim mds --help):\n" \
"                             trust anchors by AAGUID (key identifier for fido-u2f),\n" \
"                             the status gate of the policy preset, and the\n" \
"                             authenticator's name (authenticator.mds in --json)\n" \
"  --mds-root PEM             the BLOB's root instead of GlobalSign R3 / R46\n" \
"                             (repeatable; a test BLOB's own root)\n" \
"  --mds-crl FILE             CRLs for the BLOB's chain (repeatable)\n"

/* The display model of an entry at time t (`mds show --json`); NULL without memory. */
json_t *fsim_cli_mds_entry_json(const fsim_mds_entry_t *e, time_t t);
/* An entry's identifier: its AAGUID, else its first key identifier (hex), else its AAID. */
void fsim_cli_mds_entry_id(const fsim_mds_entry_t *e, char *buf, size_t len);
/* Parse a UNIX time in seconds (0 or more); -1 when it is not one. */
int fsim_cli_parse_time(const char *v, time_t *out);

#endif /* !FSIM_MDS_CLI_H */
