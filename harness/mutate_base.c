/*
 * mutate_base.c — the valid ceremonies the mutation units start from (made
 * in process by the pipeline, or read from vectors/). The edits every unit
 * makes to them are mutate_edit.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <openssl/evp.h>

#include "harness/mutate_int.h"

/* The AAGUID of the in-process provider: not zero, so packed certificates carry it. */
static const uint8_t mu_aaguid[16] = {
	0xf1, 0xd0, 0x5e, 0xed, 0x00, 0x06, 0x4d, 0x75, 0x8a, 0x7e, 0x6d, 0x75, 0x74, 0x61, 0x74, 0x65,
};

int
mu_case_init(mu_case_t *c, const uint8_t *seed, size_t seed_len)
{
	int r;

	memset(c, 0, sizeof(*c));
	c->uv = FSIM_UV_PREFERRED;
	c->conveyance = FSIM_CONVEY_NONE;
	if (seed != NULL && seed_len > 0) {
		/* the seed and a label: not the pipeline's random stream again */
		static const uint8_t label[] = "fidosim mutate unit";
		uint8_t *s = malloc(seed_len + sizeof(label));

		if (s == NULL)
			return FSIM_ERR_NOMEM;
		memcpy(s, seed, seed_len);
		memcpy(s + seed_len, label, sizeof(label));
		r = fsim_env_seeded(&c->env, s, seed_len + sizeof(label));
		free(s);
		if (r != FSIM_OK)
			return r;
		c->env_seeded = true;
	} else
		fsim_env_default(&c->env);
	c->seed = seed;
	c->seed_len = seed_len;
	c->at = (time_t)c->env.now(c->env.ctx);
	return FSIM_OK;
}

int
mu_trust_add_pem(mu_case_t *c, const char *pem)
{
	int r;

	if (c->trust == NULL && (r = fsim_trust_new(&c->trust)) != FSIM_OK)
		return r;
	if (c->anchors_pem == NULL && (c->anchors_pem = json_array()) == NULL)
		return FSIM_ERR_NOMEM;
	if ((r = fsim_trust_add_pem(c->trust, pem, strlen(pem))) != FSIM_OK)
		return r;
	return json_array_append_new(c->anchors_pem, json_string(pem)) == 0 ? FSIM_OK :
	    FSIM_ERR_NOMEM;
}

void
mu_case_reset(mu_case_t *c)
{
	json_decref(c->response);
	json_decref(c->anchors_pem);
	json_decref(c->record_json);
	json_decref(c->options);
	fsim_blob_reset(&c->input);
	fsim_record_free(&c->own_record);
	fsim_trust_free(&c->trust);
	EVP_PKEY_free(c->cred_key);
	if (c->env_seeded)
		fsim_env_free(&c->env);
	memset(c, 0, sizeof(*c));
}

/*
 * ---- what is made once per process and seed ----
 *
 * The bases and the CA depend only on the seed, so whichever unit makes one
 * first, every unit sees the same: sharing them keeps a run's output the
 * same under any order, sharding or number of threads. They are kept until
 * the process ends (MU_SHARED_MAX of each; beyond that a unit makes its own
 * and frees it).
 */
#define MU_SHARED_MAX 8
#define MU_SEED_MAX 64

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct mu_seed_key {
	bool seeded;
	uint8_t seed[MU_SEED_MAX];
	size_t len;
} mu_seed_key_t;

static bool
seed_key(const mu_case_t *c, mu_seed_key_t *k)
{
	memset(k, 0, sizeof(*k));
	if (c->seed == NULL || c->seed_len == 0)
		return true;
	if (c->seed_len > MU_SEED_MAX)
		return false;
	k->seeded = true;
	memcpy(k->seed, c->seed, c->seed_len);
	k->len = c->seed_len;
	return true;
}

static bool
seed_eq(const mu_seed_key_t *a, const mu_seed_key_t *b)
{
	return a->seeded == b->seeded && a->len == b->len && memcmp(a->seed, b->seed, a->len) == 0;
}

typedef struct mu_shared_ca {
	mu_seed_key_t key;
	fsim_env_t env;
	fsim_store_t *store;
	fsim_ca_t *ca;
} mu_shared_ca_t;

static mu_shared_ca_t shared_cas[MU_SHARED_MAX];
static size_t n_shared_cas;

int
mu_ca(mu_case_t *c, const fsim_ca_t **out)
{
	static const uint8_t label[] = "fidosim mutate CA";
	mu_shared_ca_t *sc = NULL;
	mu_seed_key_t key;
	uint8_t seed[MU_SEED_MAX + sizeof(label)];
	size_t i;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	if (c->ca != NULL) {
		*out = c->ca;
		return FSIM_OK;
	}
	if (!seed_key(c, &key))
		return FSIM_ERR_ARG;   /* a seed longer than any the run takes */
	pthread_mutex_lock(&shared_lock);
	for (i = 0; i < n_shared_cas; i++)
		if (seed_eq(&shared_cas[i].key, &key))
			sc = &shared_cas[i];
	if (sc == NULL) {
		if (n_shared_cas == MU_SHARED_MAX)
			goto done;
		sc = &shared_cas[n_shared_cas];
		memset(sc, 0, sizeof(*sc));
		sc->key = key;
		/* its own environment: the seed and a label */
		memcpy(seed, key.seed, key.len);
		memcpy(seed + key.len, label, sizeof(label));
		if (key.seeded) {
			if ((r = fsim_env_seeded(&sc->env, seed, key.len + sizeof(label))) != FSIM_OK)
				goto done;
		} else
			fsim_env_default(&sc->env);
		if ((r = fsim_store_open(":memory:", &sc->env, &sc->store, NULL)) != FSIM_OK ||
		    (r = fsim_ca_load(sc->store, &sc->env, &sc->ca)) != FSIM_OK) {
			fsim_ca_free(&sc->ca);
			fsim_store_free(&sc->store);
			if (key.seeded)
				fsim_env_free(&sc->env);
			goto done;
		}
		n_shared_cas++;
	}
	c->ca = sc->ca;
	*out = sc->ca;
	r = FSIM_OK;
done:
	pthread_mutex_unlock(&shared_lock);
	return r;
}

/* ---- bases ---- */

/* The registration the RP kept, as a record of our own (the pipe's changes when it verifies). */
static int
copy_record(const fsim_cred_record_t *rec, fsim_cred_record_t **out)
{
	json_t *j;
	int r;

	if (rec == NULL)
		return FSIM_ERR_INTERNAL;
	if ((j = fsim_record_to_json(rec)) == NULL)
		return FSIM_ERR_NOMEM;
	r = fsim_record_from_json(j, out, NULL);
	json_decref(j);
	return r;
}

/* A base made by the pipeline: what a unit starts from. */
typedef struct mu_base {
	mu_seed_key_t key;
	mu_pipe_kind_t kind;
	bool auth;
	int ceremony;
	json_t *response;
	fsim_cred_record_t *record;
	EVP_PKEY *cred_key;
	int cred_alg;
	fsim_pipe_view_t emitted;
	char rp_id[128], origin[256], fmt[40];
	uint8_t challenge[32];
} mu_base_t;

static mu_base_t shared_bases[MU_SHARED_MAX];
static size_t n_shared_bases;

static void
base_reset(mu_base_t *b)
{
	json_decref(b->response);
	fsim_record_free(&b->record);
	EVP_PKEY_free(b->cred_key);
	memset(b, 0, sizeof(*b));
}

/* The base must be valid: the spec RP verified it. */
static int
take_result(mu_base_t *b, const fsim_pipe_result_t *res)
{
	if (res->response == NULL || res->n_verdicts < 1 || !res->verdicts[0].verified)
		return FSIM_ERR_INTERNAL;
	json_decref(b->response);
	if ((b->response = json_deep_copy(res->response)) == NULL)
		return FSIM_ERR_NOMEM;
	b->emitted = res->emitted;
	b->ceremony = res->ceremony;
	snprintf(b->rp_id, sizeof(b->rp_id), "%s", res->rp_id);
	snprintf(b->origin, sizeof(b->origin), "%s", res->origin);
	memcpy(b->challenge, res->challenge, sizeof(b->challenge));
	return FSIM_OK;
}

static int
base_make(const mu_case_t *c, mu_pipe_kind_t kind, bool auth, mu_base_t *b)
{
	static const fsim_attfmt_t att[] = {
		FSIM_ATTFMT_NONE, FSIM_ATTFMT_PACKED, FSIM_ATTFMT_PACKED_SELF, FSIM_ATTFMT_FIDO_U2F,
	};
	const fsim_rp_preset_t *spec[1] = { fsim_rp_preset_at(0) };
	fsim_authn_config_t cfg;
	fsim_pipe_rp_t rp;
	fsim_pipe_result_t res;
	fsim_pipe_t *p = NULL;
	int r;

	memset(&res, 0, sizeof(res));
	fsim_authn_config_init(&cfg);
	memcpy(cfg.aaguid, mu_aaguid, sizeof(cfg.aaguid));
	cfg.attestation = att[kind];
	/* A zero counter: the assertion is judged against the record as registered. */
	cfg.counter = FSIM_COUNTER_ZERO;
	memset(&rp, 0, sizeof(rp));
	rp.rp_id = "example.com";
	rp.attestation = kind == MU_PIPE_NONE ? "none" : "direct";
	rp.presets = spec;
	rp.n_presets = 1;
	b->kind = kind;
	b->auth = auth;
	if ((r = fsim_pipe_new(&cfg, NULL, c->seed, c->seed_len, &p)) != FSIM_OK ||
	    (r = fsim_pipe_register(p, &rp, &res)) != FSIM_OK ||
	    (r = take_result(b, &res)) != FSIM_OK)
		goto fail;
	snprintf(b->fmt, sizeof(b->fmt), "%s", res.delivered.fmt);
	if ((r = fsim_pipe_credential_key(p, rp.rp_id, &b->cred_key, &b->cred_alg)) != 0)
		goto fail;
	if (auth) {
		if ((r = copy_record(fsim_pipe_record(p, spec[0]), &b->record)) != 0)
			goto fail;
		fsim_pipe_result_reset(&res);
		if ((r = fsim_pipe_authenticate(p, &rp, &res)) != FSIM_OK ||
		    (r = take_result(b, &res)) != FSIM_OK)
			goto fail;
	}
	r = FSIM_OK;
fail:
	fsim_pipe_result_reset(&res);
	fsim_pipe_free(&p);
	return r;
}

/* The unit's copy of a base: its own response JSON and key reference; the record is lent. */
static int
base_give(mu_case_t *c, const mu_base_t *b)
{
	if ((c->response = json_deep_copy(b->response)) == NULL)
		return FSIM_ERR_NOMEM;
	c->ceremony = b->ceremony;
	c->record = b->record;
	if (b->cred_key != NULL && EVP_PKEY_up_ref(b->cred_key) == 1) {
		c->cred_key = b->cred_key;
		c->cred_alg = b->cred_alg;
	}
	c->emitted = b->emitted;
	snprintf(c->rp_id, sizeof(c->rp_id), "%s", b->rp_id);
	snprintf(c->origin, sizeof(c->origin), "%s", b->origin);
	snprintf(c->fmt, sizeof(c->fmt), "%s", b->fmt);
	memcpy(c->challenge, b->challenge, sizeof(b->challenge));
	c->challenge_len = sizeof(b->challenge);
	c->conveyance = b->kind == MU_PIPE_NONE ? FSIM_CONVEY_NONE : FSIM_CONVEY_DIRECT;
	return c->cred_key != NULL ? FSIM_OK : FSIM_ERR_INTERNAL;
}

int
mu_base_pipe(mu_case_t *c, mu_pipe_kind_t kind, bool auth)
{
	mu_base_t *b = NULL, own;
	mu_seed_key_t key;
	size_t i;
	int r;

	memset(&own, 0, sizeof(own));
	if (!seed_key(c, &key))
		return FSIM_ERR_ARG;
	pthread_mutex_lock(&shared_lock);
	for (i = 0; i < n_shared_bases; i++)
		if (shared_bases[i].kind == kind && shared_bases[i].auth == auth &&
		    seed_eq(&shared_bases[i].key, &key))
			b = &shared_bases[i];
	if (b == NULL && n_shared_bases < MU_SHARED_MAX) {
		b = &shared_bases[n_shared_bases];
		memset(b, 0, sizeof(*b));
		b->key = key;
		if ((r = base_make(c, kind, auth, b)) != FSIM_OK) {
			base_reset(b);
			goto done;
		}
		n_shared_bases++;
	}
	if (b != NULL) {
		r = base_give(c, b);
		goto done;
	}
	/* Every slot taken (many seeds in one process): a base of the unit's own. */
	pthread_mutex_unlock(&shared_lock);
	own.key = key;
	if ((r = base_make(c, kind, auth, &own)) == FSIM_OK &&
	    (r = base_give(c, &own)) == FSIM_OK && own.record != NULL) {
		c->own_record = own.record;
		own.record = NULL;
	}
	base_reset(&own);
	return r;
done:
	pthread_mutex_unlock(&shared_lock);
	return r;
}

/*
 * vectors/ is not data/: look beside the data folder (FIDOSIM_DATA_DIR or
 * the installed share/fidosim holding vectors/, or the source tree's
 * data/../vectors).
 */
static int
vector_path(const char *file, char *buf, size_t len)
{
	char name[256];

	snprintf(name, sizeof(name), "vectors/%s", file);
	if (fsim_data_path(name, buf, len) == FSIM_OK)
		return FSIM_OK;
	snprintf(name, sizeof(name), "../vectors/%s", file);
	return fsim_data_path(name, buf, len);
}

/* A vector's "uv"; absent or unknown is the WebAuthn default, preferred. */
static fsim_uv_req_t
uv_of(const char *s)
{
	fsim_uv_req_t uv = FSIM_UV_PREFERRED;

	(void)fsim_uv_req_from_name(s, &uv);
	return uv;
}

/*
 * Vector files parsed once per process: several units mutate the same
 * vector, and each read and parsed it again. Entries are never changed
 * (units deep-copy what they edit) and jansson counts references
 * atomically, so every thread shares them; freed at exit.
 */
#define VECTOR_CACHE 32

static struct {
	char *path;
	json_t *v;
} vectors[VECTOR_CACHE];
static size_t n_vectors;
static pthread_mutex_t vectors_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t vectors_once = PTHREAD_ONCE_INIT;

static void
vectors_free(void)
{
	size_t i;

	for (i = 0; i < n_vectors; i++) {
		free(vectors[i].path);
		json_decref(vectors[i].v);
	}
	n_vectors = 0;
}

static void
vectors_init(void)
{
	atexit(vectors_free);
}

/* The parsed vector at path (a new reference), from the cache or the file. */
static int
vector_load(const char *path, json_t **out)
{
	fsim_blob_t raw = { NULL, 0 };
	json_t *v = NULL;
	size_t i;
	int r;

	*out = NULL;
	if (pthread_once(&vectors_once, vectors_init) != 0)
		return FSIM_ERR_INTERNAL;
	pthread_mutex_lock(&vectors_lock);
	for (i = 0; i < n_vectors; i++)
		if (strcmp(vectors[i].path, path) == 0) {
			*out = json_incref(vectors[i].v);
			pthread_mutex_unlock(&vectors_lock);
			return FSIM_OK;
		}
	pthread_mutex_unlock(&vectors_lock);
	if ((r = fsim_read_file(path, 4u << 20, &raw)) != FSIM_OK)
		return r;
	v = json_loadb((const char *)raw.ptr, raw.len, 0, NULL);
	fsim_blob_reset(&raw);
	if (v == NULL)
		return FSIM_ERR_FORMAT;
	pthread_mutex_lock(&vectors_lock);
	if (n_vectors < VECTOR_CACHE && (vectors[n_vectors].path = fsim_strdup(path)) != NULL)
		vectors[n_vectors++].v = json_incref(v);
	pthread_mutex_unlock(&vectors_lock);
	*out = v;
	return FSIM_OK;
}

int
mu_base_vector(mu_case_t *c, const char *file)
{
	char path[4096];
	fsim_blob_t ch = { NULL, 0 };
	json_t *v = NULL;
	const json_t *a, *e;
	const char *s;
	mu_ao_t ao;
	size_t i;
	int r;

	memset(&ao, 0, sizeof(ao));
	if ((r = vector_path(file, path, sizeof(path))) != FSIM_OK ||
	    (r = vector_load(path, &v)) != FSIM_OK)
		goto fail;
	r = FSIM_ERR_FORMAT;
	if ((s = json_string_value(json_object_get(v, "ceremony"))) == NULL)
		goto fail;
	c->ceremony = strcmp(s, "registration") == 0 ? FSIM_CEREMONY_REGISTRATION :
	    FSIM_CEREMONY_AUTHENTICATION;
	if ((s = json_string_value(json_object_get(v, "rpId"))) == NULL)
		goto fail;
	snprintf(c->rp_id, sizeof(c->rp_id), "%s", s);
	if ((s = json_string_value(json_object_get(v, "origin"))) == NULL)
		goto fail;
	snprintf(c->origin, sizeof(c->origin), "%s", s);
	if ((s = json_string_value(json_object_get(v, "topOrigin"))) != NULL)
		snprintf(c->top_origin, sizeof(c->top_origin), "%s", s);
	c->allow_cross_origin = json_is_true(json_object_get(v, "allowCrossOrigin"));
	c->uv = uv_of(json_string_value(json_object_get(v, "uv")));
	if ((s = json_string_value(json_object_get(v, "challenge"))) == NULL ||
	    fsim_b64url_decode(s, strlen(s), &ch, NULL, NULL) != FSIM_OK ||
	    ch.len > sizeof(c->challenge))
		goto fail;
	memcpy(c->challenge, ch.ptr, ch.len);
	c->challenge_len = ch.len;
	if ((c->response = json_deep_copy(json_object_get(v, "response"))) == NULL)
		goto fail;
	a = json_object_get(v, "trustAnchors");
	json_array_foreach(a, i, e) {
		r = FSIM_ERR_FORMAT;
		if ((s = json_string_value(e)) == NULL || (r = mu_trust_add_pem(c, s)) != FSIM_OK)
			goto fail;
	}
	if (c->ceremony == FSIM_CEREMONY_AUTHENTICATION) {
		if ((r = fsim_record_from_json(json_object_get(v, "credential"), &c->own_record,
		    NULL)) != FSIM_OK)
			goto fail;
		c->record = c->own_record;
	} else {
		if ((r = mu_ao_get(c, &ao)) != FSIM_OK)
			goto fail;
		snprintf(c->fmt, sizeof(c->fmt), "%s", ao.fmt);
		/* A statement is there because the RP asked for one. */
		c->conveyance = strcmp(ao.fmt, "none") == 0 ? FSIM_CONVEY_NONE :
		    FSIM_CONVEY_DIRECT;
	}
	fsim_pipe_view_response(&c->emitted, c->response,
	    c->ceremony == FSIM_CEREMONY_REGISTRATION);
	r = FSIM_OK;
fail:
	mu_ao_reset(&ao);
	json_decref(v);
	fsim_blob_reset(&ch);
	return r;
}
