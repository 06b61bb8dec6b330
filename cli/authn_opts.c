/*
 * authn_opts.c — parse the authenticator settings flags shared by the
 * commands that run the software authenticator (see authn_opts.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/preset.h"
#include "cli/authn_opts.h"
#include "cli/cli.h"

static int
parse_bool01(const char *cmd, const char *opt, const char *v, bool *out)
{
	if (strcmp(v, "0") == 0)
		*out = false;
	else if (strcmp(v, "1") == 0)
		*out = true;
	else
		return fsim_cli_usage_error(cmd, "%s must be 0 or 1, not '%s'", opt, v);
	return 0;
}

/* The algorithms the authenticator can make keys for (keys.h). */
static bool
alg_supported(int alg)
{
	switch (alg) {
	case FSIM_COSE_ES256:
	case FSIM_COSE_ES384:
	case FSIM_COSE_ES512:
	case FSIM_COSE_EDDSA:
	case FSIM_COSE_RS256:
	case FSIM_COSE_PS256:
	case FSIM_COSE_PS384:
	case FSIM_COSE_PS512:
	case FSIM_COSE_RS1:
	case FSIM_COSE_MLDSA44:
	case FSIM_COSE_MLDSA65:
	case FSIM_COSE_MLDSA87:
		return true;
	default:
		return false;
	}
}

static int
parse_algs(const char *cmd, const char *list, fsim_authn_config_t *cfg)
{
	const size_t max = sizeof(cfg->algs) / sizeof(cfg->algs[0]);
	int algs[sizeof(cfg->algs) / sizeof(cfg->algs[0])];
	size_t n = 0, i;
	const char *p = list;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char tok[32];
		int alg;

		if (len == 0 || len >= sizeof(tok))
			return fsim_cli_usage_error(cmd, "--algs wants a comma-separated list "
			    "such as es256,eddsa, not '%s'", list);
		memcpy(tok, p, len);
		tok[len] = '\0';
		if ((alg = fsim_cose_alg_from_name(tok)) == 0) {
			char *e;
			long v = strtol(tok, &e, 10);

			if (*e == '\0' && e != tok && v >= -65536 && v <= 65535)
				alg = (int)v;
		}
		if (!alg_supported(alg))
			return fsim_cli_usage_error(cmd, "--algs: '%s' is not an algorithm the "
			    "authenticator supports (es256, es384, es512, eddsa, rs256, ps256, "
			    "ps384, ps512, rs1, mldsa44, mldsa65, mldsa87)", tok);
		for (i = 0; i < n; i++)
			if (algs[i] == alg)
				return fsim_cli_usage_error(cmd, "--algs names '%s' twice", tok);
		if (n == max)
			return fsim_cli_usage_error(cmd, "--algs: at most %zu algorithms", max);
		algs[n++] = alg;
		if (end == NULL)
			break;
		p = end + 1;
	}
	memcpy(cfg->algs, algs, n * sizeof(algs[0]));
	cfg->n_algs = n;
	return 0;
}

int
fsim_cli_parse_seed(const char *cmd, const char *v, uint8_t seed[FSIM_CLI_SEED_MAX],
    size_t *seed_len)
{
	size_t len = strlen(v), i;

	if (len == 0 || len % 2 != 0 || len / 2 > FSIM_CLI_SEED_MAX)
		return fsim_cli_usage_error(cmd, "--seed wants 1 to %d bytes as an even "
		    "number of hex digits", FSIM_CLI_SEED_MAX);
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)v[i]))
			return fsim_cli_usage_error(cmd, "--seed: '%c' at offset %zu is not a "
			    "hex digit", v[i], i);
	for (i = 0; i < len / 2; i++) {
		char byte[3] = { v[2 * i], v[2 * i + 1], '\0' };

		seed[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	*seed_len = len / 2;
	return 0;
}

int
fsim_cli_authn_opt(const char *cmd, int argc, char **argv, int *i,
    fsim_authn_config_t *cfg, struct fsim_cli_authn_extra *x)
{
	static const char *const opts[] = {
		"--store", "--aaguid", "--be", "--bs", "--uv", "--algs",
		"--attestation", "--attestation-format", "--counter", "--quirk", "--seed",
		"--preset", "--transports", "--rk",
	};
	const char *a = argv[*i], *v;
	size_t k;
	int r;

	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
		if (strcmp(a, opts[k]) == 0)
			break;
	if (k == sizeof(opts) / sizeof(opts[0]))
		return 0;
	if (*i + 1 >= argc)
		return fsim_cli_usage_error(cmd, "%s needs a value", a);
	v = argv[*i + 1];

	if (strcmp(a, "--preset") == 0) {
		if (*v == '\0')
			return fsim_cli_usage_error(cmd, "--preset needs a name or a file");
		if (x->preset != NULL)
			return fsim_cli_usage_error(cmd, "--preset given twice ('%s', '%s')",
			    x->preset, v);
		x->preset = v;
		x->set |= FSIM_CLI_SET_PRESET;
	} else if (strcmp(a, "--store") == 0) {
		if (*v == '\0')
			return fsim_cli_usage_error(cmd, "--store needs a file name");
		x->store = v;
		x->set |= FSIM_CLI_SET_STORE;
	} else if (strcmp(a, "--aaguid") == 0) {
		if (fsim_aaguid_parse(v, cfg->aaguid) != 0)
			return fsim_cli_usage_error(cmd, "--aaguid wants a UUID "
			    "(8-4-4-4-12 hex digits), not '%s'", v);
		x->set |= FSIM_CLI_SET_AAGUID;
	} else if (strcmp(a, "--be") == 0) {
		if ((r = parse_bool01(cmd, a, v, &cfg->be)) != 0)
			return r;
		x->set |= FSIM_CLI_SET_BE;
	} else if (strcmp(a, "--bs") == 0) {
		if ((r = parse_bool01(cmd, a, v, &cfg->bs)) != 0)
			return r;
		x->set |= FSIM_CLI_SET_BS;
	} else if (strcmp(a, "--uv") == 0) {
		if (!fsim_uvmode_from_name(v, &cfg->uv))
			return fsim_cli_usage_error(cmd, "--uv must be auto, always (or 1), never "
			    "(or 0) or fail, not '%s'%s", v, strcmp(v, "required") == 0 ||
			    strcmp(v, "preferred") == 0 || strcmp(v, "discouraged") == 0 ?
			    " (that is what the RP asks: authenticatorSelection.userVerification "
			    "in the options JSON)" : "");
		x->set |= FSIM_CLI_SET_UV;
	} else if (strcmp(a, "--algs") == 0) {
		if ((r = parse_algs(cmd, v, cfg)) != 0)
			return r;
		x->set |= FSIM_CLI_SET_ALGS;
	} else if (strcmp(a, "--attestation") == 0 || strcmp(a, "--attestation-format") == 0) {
		/*
		 * --attestation named the statement format here but the conveyance in
		 * options JSON, on webauthn.io and in verify-registration: kept for
		 * scripts, with a warning, and a hint when given a conveyance.
		 */
		bool old = strcmp(a, "--attestation") == 0;

		if (strcmp(v, "direct") == 0 || strcmp(v, "indirect") == 0 ||
		    strcmp(v, "enterprise") == 0)
			return fsim_cli_usage_error(cmd, "%s takes the statement format the "
			    "authenticator makes (none, packed-self, packed, fido-u2f); '%s' is "
			    "an attestation conveyance: the RP asks for it with \"attestation\": "
			    "\"%s\" in the options JSON", a, v, v);
		if (old && !(x->set & FSIM_CLI_SET_ATTESTATION))
			fprintf(stderr, "fidosim %s: warning: --attestation is deprecated here "
			    "(it names a conveyance everywhere else); use --attestation-format %s\n",
			    cmd, v);
		if (strcmp(v, "none") == 0)
			cfg->attestation = FSIM_ATTFMT_NONE;
		else if (strcmp(v, "packed-self") == 0)
			cfg->attestation = FSIM_ATTFMT_PACKED_SELF;
		else if (strcmp(v, "packed") == 0)
			cfg->attestation = FSIM_ATTFMT_PACKED;
		else if (strcmp(v, "fido-u2f") == 0)
			cfg->attestation = FSIM_ATTFMT_FIDO_U2F;
		else
			return fsim_cli_usage_error(cmd, "%s must be none, "
			    "packed-self, packed or fido-u2f, not '%s'", a, v);
		x->set |= FSIM_CLI_SET_ATTESTATION;
	} else if (strcmp(a, "--counter") == 0) {
		if (strcmp(v, "per-credential") == 0)
			cfg->counter = FSIM_COUNTER_PER_CREDENTIAL;
		else if (strcmp(v, "global") == 0)
			cfg->counter = FSIM_COUNTER_GLOBAL;
		else if (strcmp(v, "zero") == 0)
			cfg->counter = FSIM_COUNTER_ZERO;
		else
			return fsim_cli_usage_error(cmd, "--counter must be per-credential, "
			    "global or zero, not '%s'", v);
		x->set |= FSIM_CLI_SET_COUNTER;
	} else if (strcmp(a, "--quirk") == 0) {
		fsim_quirk_t q;

		if (!fsim_quirk_find(v, &q))
			return fsim_cli_usage_error(cmd, "--quirk: unknown quirk '%s' "
			    "(see 'fidosim quirks')", v);
		cfg->quirks |= 1u << q;
		x->set |= FSIM_CLI_SET_QUIRK;
	} else if (strcmp(a, "--transports") == 0 || strcmp(a, "--rk") == 0) {
		char why[256];

		if (fsim_preset_setting(cfg, a + 2, v, why, sizeof(why)) != 0)
			return fsim_cli_usage_error(cmd, "%s: %s", a, why);
		x->set |= a[2] == 't' ? FSIM_CLI_SET_TRANSPORTS : FSIM_CLI_SET_RK;
	} else {
		if ((r = fsim_cli_parse_seed(cmd, v, x->seed, &x->seed_len)) != 0)
			return r;
		x->set |= FSIM_CLI_SET_SEED;
	}
	(*i)++;
	return 1;
}

int
fsim_cli_authn_finish(const char *cmd, fsim_authn_config_t *cfg,
    const struct fsim_cli_authn_extra *x)
{
	static const struct {
		uint32_t cli, preset;
	} map[] = {
		{ FSIM_CLI_SET_AAGUID, FSIM_PRESET_F_AAGUID },
		{ FSIM_CLI_SET_BE, FSIM_PRESET_F_BE },
		{ FSIM_CLI_SET_BS, FSIM_PRESET_F_BS },
		{ FSIM_CLI_SET_UV, FSIM_PRESET_F_UV },
		{ FSIM_CLI_SET_ALGS, FSIM_PRESET_F_ALGS },
		{ FSIM_CLI_SET_ATTESTATION, FSIM_PRESET_F_ATTESTATION },
		{ FSIM_CLI_SET_COUNTER, FSIM_PRESET_F_COUNTER },
		{ FSIM_CLI_SET_TRANSPORTS, FSIM_PRESET_F_TRANSPORTS },
		{ FSIM_CLI_SET_RK, FSIM_PRESET_F_RK },
	};
	fsim_preset_t *p = NULL;
	uint32_t keep = 0;
	char err[1536];
	size_t i;

	if (x->preset == NULL)
		return 0;
	if (fsim_preset_load(x->preset, &p, err, sizeof(err)) != 0)
		return fsim_cli_usage_error(cmd, "--preset: %s", err);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (x->set & map[i].cli)
			keep |= map[i].preset;
	fsim_preset_apply(p, cfg, keep);
	fsim_preset_free(&p);
	return 0;
}
