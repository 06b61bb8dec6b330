/*
 * authn_opts.h — the authenticator settings flags that `create`, `get` and
 * `authenticator` share (DESIGN.md, "Headless client"):
 *
 *   --store FILE  --aaguid UUID  --be 0|1  --bs 0|1  --uv auto|always|never|fail
 *   --algs es256,eddsa,es384,rs256
 *   --attestation-format none|packed-self|packed|fido-u2f (--attestation: deprecated)
 *   --counter per-credential|global|zero  --transports LIST  --rk 0|1
 *   --quirk NAME (repeatable)  --seed HEX  --preset NAME|FILE
 */
#ifndef FSIM_CLI_AUTHN_OPTS_H
#define FSIM_CLI_AUTHN_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "authenticator/authn.h"

#define FSIM_CLI_SEED_MAX 64

/* Which settings were given on the command line (bits of `set`), so that a
 * preset applied afterwards can yield to them. */
#define FSIM_CLI_SET_STORE 0x0001u
#define FSIM_CLI_SET_AAGUID 0x0002u
#define FSIM_CLI_SET_BE 0x0004u
#define FSIM_CLI_SET_BS 0x0008u
#define FSIM_CLI_SET_UV 0x0010u
#define FSIM_CLI_SET_ALGS 0x0020u
#define FSIM_CLI_SET_ATTESTATION 0x0040u
#define FSIM_CLI_SET_COUNTER 0x0080u
#define FSIM_CLI_SET_QUIRK 0x0100u
#define FSIM_CLI_SET_SEED 0x0200u
#define FSIM_CLI_SET_PRESET 0x0400u
#define FSIM_CLI_SET_TRANSPORTS 0x0800u
#define FSIM_CLI_SET_RK 0x1000u

/* What the flags say that is not part of fsim_authn_config_t. Zero it first. */
struct fsim_cli_authn_extra {
	const char *store;                 /* --store (borrowed from argv); NULL: default */
	uint8_t seed[FSIM_CLI_SEED_MAX];   /* --seed: seeds fsim_env_seeded */
	size_t seed_len;                   /* 0: no --seed */
	uint32_t set;                      /* FSIM_CLI_SET_* */
	const char *preset;                /* --preset (borrowed from argv); NULL: none */
};

/*
 * If argv[*i] is one of the options above, consume it (and its value:
 * *i is left on the last argument used) and apply it to cfg / x. Returns
 * 1 when it was ours, 0 when it was not (nothing changed), or
 * FSIM_EXIT_USAGE (2) after printing a message naming the option and the
 * value when the value is missing or bad. `cmd` names the command in
 * messages. --quirk adds to cfg->quirks; --algs replaces cfg->algs.
 */
int fsim_cli_authn_opt(const char *cmd, int argc, char **argv, int *i,
    fsim_authn_config_t *cfg, struct fsim_cli_authn_extra *x);

/*
 * After the command line is read: load the --preset (if any) and apply it
 * to cfg, except the settings given by flags (x->set), whatever their
 * order; --quirk adds to the preset's quirks. Returns 0, or FSIM_EXIT_USAGE
 * (2) after printing why (an unknown name lists the known ones; a bad file
 * names file:line and the key).
 */
int fsim_cli_authn_finish(const char *cmd, fsim_authn_config_t *cfg,
    const struct fsim_cli_authn_extra *x);

/*
 * --seed HEX (1 to FSIM_CLI_SEED_MAX bytes) into seed; 0, or FSIM_EXIT_USAGE
 * after a message naming the bad digit.
 */
int fsim_cli_parse_seed(const char *cmd, const char *v, uint8_t seed[FSIM_CLI_SEED_MAX],
    size_t *seed_len);

/* The usage lines of these options, for commands' --help text. */
#define FSIM_CLI_AUTHN_OPTS_USAGE \
	"  --preset NAME|FILE    an authenticator preset: what one provider emits\n" \
	"                        (see 'fidosim presets'); other flags override it\n" \
	"  --store FILE          the authenticator's state (default $FIDOSIM_STORE,\n" \
	"                        else $XDG_DATA_HOME/fidosim/store)\n" \
	"  --aaguid UUID         the AAGUID (default all zero)\n" \
	"  --be 0|1              backup eligibility of new credentials\n" \
	"  --bs 0|1              backup state reported\n" \
	"  --uv MODE             auto: verify when asked; always (or 1): UV in every\n" \
	"                        response; never (or 0): no UV capability; fail: UV\n" \
	"                        capability the user fails (CTAP2_ERR_UV_INVALID)\n" \
	"  --algs LIST           es256,eddsa,es384,rs256 (names or COSE numbers), in\n" \
	"                        preference order; also es512, ps256, ps384, ps512,\n" \
	"                        rs1 (RSASSA-PKCS1-v1_5 over SHA-1, as old TPMs),\n" \
	"                        mldsa44, mldsa65, mldsa87 (ML-DSA, COSE -48/-49/-50)\n" \
	"  --attestation-format FMT  the statement the authenticator makes: none,\n" \
	"                        packed-self, packed, fido-u2f (the RP's conveyance is\n" \
	"                        \"attestation\" in the options JSON; --attestation FMT\n" \
	"                        still works, deprecated)\n" \
	"  --transports LIST     usb, nfc, ble, smart-card, hybrid, internal\n" \
	"  --rk 0|1              whether discoverable credentials can be made\n" \
	"  --counter MODE        per-credential, global, zero\n" \
	"  --quirk NAME          a deliberate non-conformance (repeatable; see\n" \
	"                        'fidosim quirks')\n" \
	"  --seed HEX            deterministic run: random bytes, clock and signatures\n" \
	"                        derived from this seed (1 to 64 bytes)\n"

#endif /* !FSIM_CLI_AUTHN_OPTS_H */
