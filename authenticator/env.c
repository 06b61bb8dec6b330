/*
 * env.c — the authenticator's outside world: OpenSSL's random source and
 * the system clock, or a deterministic stand-in for tests and --seed runs.
 *
 * The deterministic random source is HMAC_DRBG with SHA-256 (NIST SP
 * 800-90A Rev. 1, §10.1.2), instantiated with the seed as the whole seed
 * material (entropy input; no nonce, no personalization string), never
 * reseeded, without prediction resistance and without additional input.
 * It is a reproducibility tool, not a source of secrets: whoever knows the
 * seed knows every key it makes.
 *
 * A second HMAC_DRBG, instantiated from the same seed with the
 * personalization string "fidosim session", gives the ephemeral protocol
 * values (CTAPHID channel IDs, PIN/UV key agreement keys, tokens, IVs), so
 * that how many channels or tokens a client asked for never shifts the
 * stream credentials are made from: a --seed authenticator behind a socket
 * makes the same credentials as the same authenticator in process.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "authenticator/env.h"
#include "core/hmac.h"
#include "core/ossl_cache.h"

#define DRBG_OUTLEN 32                       /* SHA-256 */
#define DRBG_MAX_REQUEST 65536               /* 2^19 bits per generate (Table 2) */
#define DRBG_RESEED_INTERVAL (1ULL << 48)    /* Table 2 */
#define SEED_MAX 65536                       /* far below max_length 2^35 bits */
#define SEEDED_NOW 1767225600ULL             /* 2026-01-01T00:00:00Z */

#define SESSION_PERSONALIZATION "fidosim session"

struct drbg {
	uint8_t k[DRBG_OUTLEN];
	uint8_t v[DRBG_OUTLEN];
	uint64_t reseed_counter;
	EVP_MD_CTX *mctx;             /* reused for every HMAC (core/hmac.h) */
	struct drbg *session;        /* the ephemeral stream (NULL in that one) */
};

static int
default_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	if (len == 0)
		return 0;
	if (len > INT32_MAX || RAND_bytes(buf, (int)len) != 1)
		return FSIM_ERR_INTERNAL;
	return 0;
}

static uint64_t
default_now(void *ctx)
{
	time_t t = time(NULL);

	(void)ctx;
	return t < 0 ? 0 : (uint64_t)t;
}

static int
always_yes(void *ctx)
{
	(void)ctx;
	return 1;
}

static uint64_t
seeded_now(void *ctx)
{
	(void)ctx;
	return SEEDED_NOW;
}

/* out = HMAC-SHA-256(key = g->k, a | b | c); any part may be empty. */
static int
drbg_hmac(struct drbg *g, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    const uint8_t *c, size_t clen, uint8_t out[DRBG_OUTLEN])
{
	const fsim_hmac_part_t parts[3] = { { a, alen }, { b, blen }, { c, clen } };

	return fsim_hmac(g->mctx, fsim_md_fetched("SHA256"), g->k, sizeof(g->k), parts, 3,
	    out) == 0 ? 0 : FSIM_ERR_INTERNAL;
}

/* HMAC_DRBG_Update (§10.1.2.2). */
static int
drbg_update(struct drbg *g, const uint8_t *data, size_t len)
{
	static const uint8_t zero = 0x00, one = 0x01;
	uint8_t t[DRBG_OUTLEN];
	int r = FSIM_ERR_INTERNAL;

	if (drbg_hmac(g, g->v, sizeof(g->v), &zero, 1, data, len, t) != 0)
		goto fail;
	memcpy(g->k, t, sizeof(t));
	if (drbg_hmac(g, g->v, sizeof(g->v), NULL, 0, NULL, 0, g->v) != 0)
		goto fail;
	if (len > 0) {
		if (drbg_hmac(g, g->v, sizeof(g->v), &one, 1, data, len, t) != 0)
			goto fail;
		memcpy(g->k, t, sizeof(t));
		if (drbg_hmac(g, g->v, sizeof(g->v), NULL, 0, NULL, 0, g->v) != 0)
			goto fail;
	}
	r = 0;
fail:
	fsim_wipe(t, sizeof(t));
	return r;
}

/* HMAC_DRBG_Generate (§10.1.2.5) for at most DRBG_MAX_REQUEST bytes. */
static int
drbg_generate(struct drbg *g, uint8_t *buf, size_t len)
{
	size_t n;

	if (g->reseed_counter > DRBG_RESEED_INTERVAL)
		return FSIM_ERR_INTERNAL;     /* reseed required: we have no entropy */
	while (len > 0) {
		if (drbg_hmac(g, g->v, sizeof(g->v), NULL, 0, NULL, 0, g->v) != 0)
			return FSIM_ERR_INTERNAL;
		n = len < sizeof(g->v) ? len : sizeof(g->v);
		memcpy(buf, g->v, n);
		buf += n;
		len -= n;
	}
	if (drbg_update(g, NULL, 0) != 0)
		return FSIM_ERR_INTERNAL;
	g->reseed_counter++;
	return 0;
}

/* Requests above the per-call maximum become several generate calls. */
static int
seeded_random(void *ctx, uint8_t *buf, size_t len)
{
	struct drbg *g = ctx;
	size_t n, off;
	int r;

	if (g == NULL || (buf == NULL && len > 0))
		return FSIM_ERR_ARG;
	for (off = 0; off < len; off += n) {
		n = len - off < DRBG_MAX_REQUEST ? len - off : DRBG_MAX_REQUEST;
		if ((r = drbg_generate(g, buf + off, n)) != 0) {
			fsim_wipe(buf, len);    /* no partial output */
			return r;
		}
	}
	return 0;
}

/* The ephemeral stream of a seeded environment. */
static int
seeded_session_random(void *ctx, uint8_t *buf, size_t len)
{
	struct drbg *g = ctx;

	if (g == NULL || g->session == NULL)
		return FSIM_ERR_ARG;
	return seeded_random(g->session, buf, len);
}

static void
drbg_free(struct drbg *g)
{
	if (g == NULL)
		return;
	drbg_free(g->session);
	EVP_MD_CTX_free(g->mctx);
	fsim_wipe(g, sizeof(*g));
	free(g);
}

void
fsim_env_default(fsim_env_t *e)
{
	if (e == NULL)
		return;
	memset(e, 0, sizeof(*e));
	e->random = default_random;
	e->now = default_now;
	e->user_presence = always_yes;
	e->user_verification = always_yes;
	e->deterministic = false;
	e->ctx = NULL;
}

/* HMAC_DRBG_Instantiate (§10.1.2.3): K = 0x00.., V = 0x01.., Update(seed material). */
static int
drbg_new(const uint8_t *seed, size_t len, const char *pers, struct drbg **out)
{
	struct drbg *g = NULL;
	uint8_t *material = NULL;
	size_t plen = pers != NULL ? strlen(pers) : 0;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (len + plen > 0 && (material = malloc(len + plen)) == NULL))
		goto fail;
	if (len > 0)
		memcpy(material, seed, len);
	if (plen > 0)
		memcpy(material + len, pers, plen);
	r = FSIM_ERR_INTERNAL;
	if ((g->mctx = EVP_MD_CTX_new()) == NULL)
		goto fail;
	memset(g->k, 0x00, sizeof(g->k));
	memset(g->v, 0x01, sizeof(g->v));
	if (drbg_update(g, material, len + plen) != 0)
		goto fail;
	g->reseed_counter = 1;
	*out = g;
	g = NULL;
	r = 0;
fail:
	if (material != NULL)
		fsim_wipe(material, len + plen);
	free(material);
	drbg_free(g);
	return r;
}

bool
fsim_env_random_is_openssl(const fsim_env_t *e)
{
	return e != NULL && e->random == default_random;
}

int
fsim_env_seeded(fsim_env_t *e, const uint8_t *seed, size_t len)
{
	struct drbg *g = NULL;
	int r = FSIM_ERR_ARG;

	if (e == NULL || (seed == NULL && len > 0) || len > SEED_MAX)
		return FSIM_ERR_ARG;
	/* The key stream: the seed as the whole seed material (no personalization). */
	if ((r = drbg_new(seed, len, NULL, &g)) != 0 ||
	    (r = drbg_new(seed, len, SESSION_PERSONALIZATION, &g->session)) != 0)
		goto fail;

	memset(e, 0, sizeof(*e));
	e->random = seeded_random;
	e->now = seeded_now;
	e->user_presence = always_yes;
	e->user_verification = always_yes;
	e->deterministic = true;
	e->ctx = g;
	e->session_random = seeded_session_random;
	g = NULL;
	r = 0;
fail:
	if (r != 0)
		ERR_clear_error();
	drbg_free(g);
	return r;
}

void
fsim_env_free(fsim_env_t *e)
{
	if (e == NULL)
		return;
	if (e->random == seeded_random)
		drbg_free(e->ctx);
	memset(e, 0, sizeof(*e));
}

int
fsim_env_random(const fsim_env_t *e, uint8_t *buf, size_t len)
{
	if (e == NULL || e->random == NULL || (buf == NULL && len > 0))
		return FSIM_ERR_ARG;
	if (len == 0)
		return 0;
	return e->random(e->ctx, buf, len) == 0 ? 0 : FSIM_ERR_INTERNAL;
}

int
fsim_env_session_random(const fsim_env_t *e, uint8_t *buf, size_t len)
{
	if (e == NULL || (buf == NULL && len > 0))
		return FSIM_ERR_ARG;
	if (e->session_random == NULL)
		return fsim_env_random(e, buf, len);
	if (len == 0)
		return 0;
	return e->session_random(e->ctx, buf, len) == 0 ? 0 : FSIM_ERR_INTERNAL;
}

void
fsim_env_session_view(const fsim_env_t *e, fsim_env_t *out)
{
	*out = *e;
	if (e->session_random != NULL)
		out->random = e->session_random;
	out->session_random = NULL;
}

int
fsim_env_state(const fsim_env_t *e, uint8_t out[FSIM_ENV_STATE_LEN])
{
	const struct drbg *g;
	uint64_t c;
	int i;

	if (e == NULL || out == NULL || e->random != seeded_random || e->ctx == NULL)
		return FSIM_ERR_ARG;
	g = e->ctx;
	memcpy(out, g->k, DRBG_OUTLEN);
	memcpy(out + DRBG_OUTLEN, g->v, DRBG_OUTLEN);
	for (c = g->reseed_counter, i = 7; i >= 0; i--, c >>= 8)
		out[2 * DRBG_OUTLEN + i] = (uint8_t)(c & 0xff);
	return 0;
}

int
fsim_env_set_state(const fsim_env_t *e, const uint8_t in[FSIM_ENV_STATE_LEN])
{
	struct drbg *g;
	uint64_t c = 0;
	int i;

	if (e == NULL || in == NULL || e->random != seeded_random || e->ctx == NULL)
		return FSIM_ERR_ARG;
	g = e->ctx;
	for (i = 0; i < 8; i++)
		c = (c << 8) | in[2 * DRBG_OUTLEN + i];
	if (c == 0 || c > DRBG_RESEED_INTERVAL)
		return FSIM_ERR_ARG;
	memcpy(g->k, in, DRBG_OUTLEN);
	memcpy(g->v, in + DRBG_OUTLEN, DRBG_OUTLEN);
	g->reseed_counter = c;
	return 0;
}
