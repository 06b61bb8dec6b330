/*
 * conform_authn.h — `fidosim conform --authenticator` (cli/conform_authn.c),
 * which cli/conform.c hands over to when --authenticator is given.
 */
#ifndef FSIM_CLI_CONFORM_AUTHN_H
#define FSIM_CLI_CONFORM_AUTHN_H

/* The whole command; an exit code. */
int fsim_cli_conform_authn(int argc, char **argv);

#endif /* !FSIM_CLI_CONFORM_AUTHN_H */
