/*
 * provider_door.h — what `fidosim provider` (cli/provider.c) does before it
 * answers anyone: the loopback address it listens on, and its token (made,
 * written to a 0600 file).
 */
#ifndef FSIM_CLI_PROVIDER_DOOR_H
#define FSIM_CLI_PROVIDER_DOOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define FSIM_PROVIDER_CMD "provider"
#define FSIM_PROVIDER_TOKEN_BYTES 32

/*
 * --listen ADDR:PORT into *ss: 127.0.0.0/8, [::1] or localhost (taken as
 * 127.0.0.1) only. 0, or FSIM_EXIT_USAGE after a message naming the value.
 */
int fsim_provider_parse_listen(const char *v, struct sockaddr_storage *ss, socklen_t *sl,
    bool *v6, unsigned long *port);

/* The default token file, beside the default store; -1 without HOME or XDG_DATA_HOME. */
int fsim_provider_token_path(char *buf, size_t cap);

/*
 * Write the token to path (its folders made 0700): a temporary file made
 * O_EXCL with mode 0600 whatever the umask, written, synced, renamed over
 * path, so that no one else can read it even for a moment. 0 or -1 (errno).
 */
int fsim_provider_write_token(const char *path, const char *token);

/* FSIM_PROVIDER_TOKEN_BYTES random bytes (RAND_bytes) as base64url into out; 0 or -1. */
int fsim_provider_make_token(char *out, size_t cap);

#endif /* !FSIM_CLI_PROVIDER_DOOR_H */
