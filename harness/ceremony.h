/*
 * ceremony.h — one WebAuthn ceremony in process, as `fidosim create` / `get`
 * make it without the command line: options JSON in, through the reference
 * client (platform/client.h) and the software authenticator
 * (authenticator/authn.h), response JSON out (what
 * PublicKeyCredential.toJSON() gives). The authenticator keeps its
 * credentials in a store of its own (":memory:" by default) for as long as
 * the fsim_ceremony_t lives, so a create can be followed by gets.
 */
#ifndef FSIM_CEREMONY_H
#define FSIM_CEREMONY_H

#include <jansson.h>

#include "authenticator/authn.h"
#include "harness/pipeline.h"
#include "platform/client.h"

typedef struct fsim_ceremony fsim_ceremony_t;

/* A new authenticator with this configuration over a fresh ":memory:" store. */
int fsim_ceremony_new(const fsim_authn_config_t *cfg, fsim_ceremony_t **out) FSIM_WUR;
void fsim_ceremony_free(fsim_ceremony_t **cp);

/*
 * The same over the store at `store` (NULL: the default store of
 * fsim_store_open; ":memory:" a fresh one in memory) in the environment seeded
 * by seed (NULL or seed_len 0: the real one), as `fidosim create` / `get`
 * open theirs: a ceremony here gives the same bytes as the command line with
 * the same store, seed, settings, options and origin. d (may be NULL) gets
 * the store's diagnostics.
 */
int fsim_ceremony_open(const fsim_authn_config_t *cfg, const char *store, const uint8_t *seed,
    size_t seed_len, fsim_ceremony_t **out, fsim_diags_t *d) FSIM_WUR;

/* The platform profile whose rules the next ceremonies apply (borrowed; NULL: spec-l3). */
void fsim_ceremony_set_platform(fsim_ceremony_t *c, const fsim_platform_t *pf);

/*
 * Where the next ceremonies keep what the provider emitted, what the
 * platform delivered and which of its rules did what (borrowed; NULL: not
 * kept): its ceremony, rp_id, origin, emitted, delivered and effects are set
 * by each create or get; response and verdicts are left alone.
 */
void fsim_ceremony_set_trace(fsim_ceremony_t *c, fsim_pipe_result_t *trace);

/*
 * Options that did not parse (d from fsim_creation_options_parse): a
 * user.id of the wrong length alone is what a browser throws TypeError for
 * (WebAuthn L3 5.4.3, rule OPT-02), a refusal: true with *err filled. Any
 * other fault: false, and msg (when not NULL) names the first.
 */
bool fsim_ceremony_options_refusal(const fsim_diags_t *d, fsim_client_error_t *err,
    char *msg, size_t msglen);

/*
 * The same store (its credentials and counters) behind an authenticator
 * configured anew: other flags or quirks for the next ceremonies.
 */
int fsim_ceremony_configure(fsim_ceremony_t *c, const fsim_authn_config_t *cfg) FSIM_WUR;
const fsim_authn_config_t *fsim_ceremony_config(const fsim_ceremony_t *c);

/*
 * navigator.credentials.create() / get(): options
 * (PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON, bare or
 * {"publicKey": ...}) and the caller's origin (NULL: https:// + the RP ID).
 * 0 and *out (a new reference) on success. FSIM_ERR_ARG with *err filled
 * when the client or the authenticator refused; FSIM_ERR_JSON when the
 * options do not parse (msg, when not NULL, says why); other negatives are
 * internal failures. For get, bs >= 0 first sets the backup state of the
 * credentials the request can use (as `get --bs`).
 */
int fsim_ceremony_create(fsim_ceremony_t *c, const json_t *options, const char *origin,
    json_t **out, fsim_client_error_t *err, char *msg, size_t msglen) FSIM_WUR;
int fsim_ceremony_get(fsim_ceremony_t *c, const json_t *options, const char *origin,
    int bs, json_t **out, fsim_client_error_t *err, char *msg, size_t msglen) FSIM_WUR;

/*
 * What a client learns of the authenticator behind cfg: its transports (the
 * first four) and its attachment — a built-in authenticator ("internal") is
 * "platform" (WebAuthn L3 5.4.5), any other "cross-platform". Shared by the
 * ceremonies here, the pipeline and `fidosim create` / `get`.
 */
int fsim_ceremony_describe(const fsim_authn_config_t *cfg, fsim_client_ceremony_t *cer) FSIM_WUR;

#endif /* !FSIM_CEREMONY_H */
