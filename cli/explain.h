/*
 * explain.h — `fidosim explain --response FILE` (explain_response.c), which
 * explain.c hands over to when that option is given.
 */
#ifndef FSIM_CLI_EXPLAIN_H
#define FSIM_CLI_EXPLAIN_H

/* Judge a captured response under every policy preset and platform profile. An exit code. */
int fsim_explain_response(int argc, char **argv);

#endif /* !FSIM_CLI_EXPLAIN_H */
