/*
 * preset.h — authenticator presets: what one provider EMITS (AAGUID, BE/BS,
 * attestation format, UV behaviour, counter mode, algorithms, transports),
 * as a small text file (DESIGN.md, "Profiles"). What the relying party then
 * sees is the platform's business (platform/), not the preset's.
 *
 * The file format, one setting a line:
 *
 *   # a comment (a line whose first non-blank character is '#'); blank lines ignored
 *   name        = yubikey5                  required; [a-z0-9][a-z0-9._-]*, at most 63
 *   description = YubiKey 5 Series ...      one line of text
 *   evidence    = docs/evidence/providers.md §8 ...       repeatable: where each behaviour comes from
 *   aaguid      = cb69481e-8ff7-4039-93ec-0a2729a154a8
 *   be          = 0 | 1                     backup eligibility of new credentials
 *   bs          = 0 | 1                     backup state reported
 *   uv          = auto | always | never
 *   counter     = per-credential | global | zero
 *   attestation = none | packed-self | packed | fido-u2f
 *   algs        = es256,eddsa               es256 es384 es512 eddsa rs256 ps256, preferred first
 *   transports  = usb,nfc                   usb nfc ble smart-card hybrid internal (at most 4)
 *   rk          = 0 | 1                     discoverable credentials supported
 *   quirk       = NAME                      repeatable ('fidosim quirks')
 *   conditional-create = refuse | no-up | no-up-no-uv | up
 *                                           how a conditional create is answered (authn.h)
 *   signal-unknown  = hide | remove | ignore     signalUnknownCredential
 *   signal-accepted = hide | remove | ignore     signalAllAcceptedCredentials
 *   signal-details  = update | ignore            signalCurrentUserDetails
 *
 * Whitespace around the key and the value is ignored; a line is at most
 * FSIM_PRESET_MAX_LINE bytes; UTF-8 text, no control characters but tab.
 * Every key but evidence and quirk may appear once. Settings the file does
 * not give keep fsim_authn_config_init's defaults.
 */
#ifndef FSIM_PRESET_H
#define FSIM_PRESET_H

#include <stddef.h>
#include <stdint.h>

#include "authenticator/authn.h"
#include "core/util.h"

#define FSIM_PRESET_MAX_LINE 1024
#define FSIM_PRESET_MAX_FILE (64 * 1024)
#define FSIM_PRESET_MAX_EVIDENCE 64
#define FSIM_PRESET_MAX_NAME 63

/* The settings a preset carries, for fsim_preset_apply's `keep`. */
#define FSIM_PRESET_F_AAGUID 0x0001u
#define FSIM_PRESET_F_BE 0x0002u
#define FSIM_PRESET_F_BS 0x0004u
#define FSIM_PRESET_F_UV 0x0008u
#define FSIM_PRESET_F_COUNTER 0x0010u
#define FSIM_PRESET_F_ATTESTATION 0x0020u
#define FSIM_PRESET_F_ALGS 0x0040u
#define FSIM_PRESET_F_TRANSPORTS 0x0080u
#define FSIM_PRESET_F_RK 0x0100u
#define FSIM_PRESET_F_QUIRKS 0x0200u
#define FSIM_PRESET_F_CONDCREATE 0x0400u
#define FSIM_PRESET_F_SIG_UNKNOWN 0x0800u
#define FSIM_PRESET_F_SIG_ACCEPTED 0x1000u
#define FSIM_PRESET_F_SIG_DETAILS 0x2000u

typedef struct fsim_preset fsim_preset_t;   /* opaque */

/*
 * Load a preset: a name ("yubikey5": presets/yubikey5.preset in the data
 * folder, see fsim_data_path, else the copy built into the program) or a
 * path (anything containing '/' or ending ".preset"). A shipped preset's
 * `name` must be its file name. On failure err (if errlen > 0) says what is
 * wrong, as "FILE:LINE: KEY: problem" where the line and key are known;
 * an unknown name gives FSIM_ERR_NOT_FOUND and lists the known names.
 * Returns 0, FSIM_ERR_NOT_FOUND, FSIM_ERR_IO, FSIM_ERR_FORMAT, FSIM_ERR_NOMEM
 * or FSIM_ERR_ARG.
 */
int fsim_preset_load(const char *name_or_path, fsim_preset_t **out, char *err,
    size_t errlen) FSIM_WUR;
/* Parse preset text; `file` names it in errors. Same contract as load. */
int fsim_preset_parse(const uint8_t *text, size_t len, const char *file,
    fsim_preset_t **out, char *err, size_t errlen) FSIM_WUR;
void fsim_preset_free(fsim_preset_t **pp);

/* The names of the shipped presets (data folder and built in), sorted, no
 * duplicates; the caller frees with fsim_preset_names_free. */
int fsim_preset_names(char ***names, size_t *n) FSIM_WUR;
void fsim_preset_names_free(char **names, size_t n);

/* Getters lend strings valid until fsim_preset_free. */
const char *fsim_preset_name(const fsim_preset_t *p);
const char *fsim_preset_description(const fsim_preset_t *p);   /* "" when absent */
size_t fsim_preset_evidence_count(const fsim_preset_t *p);
const char *fsim_preset_evidence(const fsim_preset_t *p, size_t i);   /* NULL out of range */
/* The FSIM_PRESET_F_* bits of the settings the file gave. */
uint32_t fsim_preset_given(const fsim_preset_t *p);

/* The full configuration: fsim_authn_config_init defaults + the file's settings. Lent. */
const fsim_authn_config_t *fsim_preset_config(const fsim_preset_t *p);

/*
 * Apply the preset's full configuration to cfg except the settings whose
 * FSIM_PRESET_F_* bit is in `keep` (settings the user gave explicitly:
 * flags override the preset). Quirks add to cfg's quirks (unless
 * FSIM_PRESET_F_QUIRKS is kept), so a user's --quirk joins the preset's.
 */
void fsim_preset_apply(const fsim_preset_t *p, fsim_authn_config_t *cfg, uint32_t keep);

/* Names of settings values, as the file writes them (for listings). */
const char *fsim_preset_uv_name(fsim_uvmode_t uv);
/* auto, always, never, fail (and 1 / 0 for always / never); false otherwise. */
bool fsim_uvmode_from_name(const char *name, fsim_uvmode_t *out);
const char *fsim_preset_counter_name(fsim_counter_t c);
const char *fsim_preset_attestation_name(fsim_attfmt_t f);
const char *fsim_preset_condcreate_name(fsim_condcreate_t m);
const char *fsim_preset_sigact_name(fsim_sigact_t a);

/*
 * One setting of the preset format ("be", "1"; "transports", "usb,nfc"; ...)
 * applied to cfg, checked as a preset file's line is. Returns 0, -1 with
 * the problem in why, or FSIM_ERR_NOMEM. cfg is left alone on failure.
 */
int fsim_preset_setting(fsim_authn_config_t *cfg, const char *key, const char *value,
    char *why, size_t wl) FSIM_WUR;

#endif /* !FSIM_PRESET_H */
