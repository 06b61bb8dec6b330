/*
 * bench_case.c — `fidosim bench --case FILE` (bench_case.h).
 *
 * The case: {"rpId", "origin", "uv", "registration": {"challenge",
 * "response"}, "authentications": [{"challenge", "response"}, ...]}. Timed,
 * interleaved in batches and on the thread's CPU clock like the other
 * stages: OpenSSL's raw EVP_DigestVerify of the first assertion's signature
 * (over authenticatorData || SHA-256(clientDataJSON), with the credential
 * key from the registration), and fidosim's whole verify-registration and
 * verify-authentication from the JSON text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "core/p256_table.h"
#include "cli/bench_case.h"
#include "cli/cli.h"
#include "rp-sim/rp.h"

#define CASE_MAX (4u << 20)

struct bcase {
	const char *origins[1];
	fsim_blob_t reg_ch, auth_ch, msg, sig;
	char *reg_text, *auth_text;
	fsim_rp_policy_t reg_p, auth_p;
	fsim_cred_record_t *rec;    /* from verifying the registration once */
	EVP_PKEY *key;              /* borrowed from rec */
	int alg;
};

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
op_raw(struct bcase *c)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, c->key) == 1 &&
	    EVP_DigestVerify(ctx, c->sig.ptr, c->sig.len, c->msg.ptr, c->msg.len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int
op_text(struct bcase *c, bool auth)
{
	const char *t = auth ? c->auth_text : c->reg_text;
	json_t *j = NULL;
	fsim_rp_result_t *res = NULL;
	int r = -1;

	/* loaded as `serve` loads a request body */
	if (fsim_json_load((const uint8_t *)t, strlen(t), &j, NULL, "response") == 0 && (auth ? fsim_rp_verify_authentication(&c->auth_p, j, c->rec, &res) :
	    fsim_rp_verify_registration(&c->reg_p, j, &res)) == 0 && res->verified)
		r = 0;
	fsim_rp_result_free(&res);
	json_decref(j);
	return r;
}

static int
op_reg(struct bcase *c)
{
	return op_text(c, false);
}

static int
op_auth(struct bcase *c)
{
	return op_text(c, true);
}

/* The same without the key's table (p256_table.h): a key seldom seen. */
static int
op_auth_cold(struct bcase *c)
{
	int r;

	fsim_p256_table_skip(true);
	r = op_text(c, true);
	fsim_p256_table_skip(false);
	return r;
}

/* b64url member of obj into out. */
static int
b64m(const json_t *obj, const char *name, fsim_blob_t *out)
{
	const char *s = json_string_value(json_object_get(obj, name));

	return s != NULL && fsim_b64url_decode(s, strlen(s), out, NULL, NULL) == 0 ? 0 : -1;
}

static int
load(struct bcase *c, const char *path, char *why, size_t wlen)
{
	fsim_blob_t raw = { 0 }, ad = { 0 }, cdj = { 0 };
	json_t *root = NULL, *reg, *auth, *aresp;
	fsim_rp_result_t *res = NULL;
	const char *rp_id, *origin, *uv;
	uint8_t cdh[32];
	int r = -1;

	if (fsim_read_file(path, CASE_MAX, &raw) != 0) {
		snprintf(why, wlen, "cannot read %s", path);
		return 2;
	}
	if ((root = json_loadb((const char *)raw.ptr, raw.len, 0, NULL)) == NULL ||
	    (rp_id = json_string_value(json_object_get(root, "rpId"))) == NULL ||
	    (origin = json_string_value(json_object_get(root, "origin"))) == NULL ||
	    (reg = json_object_get(root, "registration")) == NULL ||
	    (auth = json_array_get(json_object_get(root, "authentications"), 0)) == NULL ||
	    (aresp = json_object_get(auth, "response")) == NULL ||
	    b64m(reg, "challenge", &c->reg_ch) != 0 || b64m(auth, "challenge", &c->auth_ch) != 0 ||
	    b64m(json_object_get(aresp, "response"), "authenticatorData", &ad) != 0 ||
	    b64m(json_object_get(aresp, "response"), "clientDataJSON", &cdj) != 0 ||
	    b64m(json_object_get(aresp, "response"), "signature", &c->sig) != 0) {
		snprintf(why, wlen, "%s is not a case (rpId, origin, registration, "
		    "authentications[0] with base64url fields)", path);
		r = 2;
		goto out;
	}
	c->reg_text = json_dumps(json_object_get(reg, "response"), JSON_COMPACT);
	c->auth_text = json_dumps(aresp, JSON_COMPACT);
	if ((c->origins[0] = strdup(origin)) == NULL || c->reg_text == NULL ||
	    c->auth_text == NULL)
		goto out;
	uv = json_string_value(json_object_get(root, "uv"));
	fsim_rp_policy_init(&c->reg_p);
	c->reg_p.rp_id = strdup(rp_id);
	c->reg_p.origins = c->origins;
	c->reg_p.n_origins = 1;
	c->reg_p.uv = uv != NULL && strcmp(uv, "required") == 0 ? FSIM_UV_REQUIRED :
	    uv != NULL && strcmp(uv, "discouraged") == 0 ? FSIM_UV_DISCOURAGED : FSIM_UV_PREFERRED;
	c->auth_p = c->reg_p;
	c->reg_p.challenge = c->reg_ch.ptr;
	c->reg_p.challenge_len = c->reg_ch.len;
	c->auth_p.challenge = c->auth_ch.ptr;
	c->auth_p.challenge_len = c->auth_ch.len;
	if (c->reg_p.rp_id == NULL)
		goto out;
	/* the record the RP keeps, from verifying the registration once */
	{
		json_t *j = json_loads(c->reg_text, 0, NULL);

		if (j == NULL || fsim_rp_verify_registration(&c->reg_p, j, &res) != 0 ||
		    !res->verified || res->record == NULL) {
			json_decref(j);
			snprintf(why, wlen, "the case's registration does not verify");
			r = 1;
			goto out;
		}
		json_decref(j);
	}
	c->rec = res->record;
	res->record = NULL;
	c->key = fsim_cose_key_pkey(c->rec->key);
	c->alg = fsim_cose_key_alg(c->rec->key);
	if (c->key == NULL || fsim_blob_set(&c->msg, ad.ptr, ad.len) != 0 ||
	    EVP_Digest(cdj.ptr, cdj.len, cdh, NULL, EVP_sha256(), NULL) != 1 ||
	    fsim_blob_append(&c->msg, cdh, 32) != 0)
		goto out;
	if (c->alg != FSIM_COSE_ES256) {
		snprintf(why, wlen, "the case's key is alg %d; the raw baseline is ES256 only",
		    c->alg);
		r = 2;
		goto out;
	}
	r = 0;
out:
	if (r < 0) {
		snprintf(why, wlen, "out of memory");
		r = 1;
	}
	fsim_rp_result_free(&res);
	json_decref(root);
	fsim_blob_reset(&raw);
	fsim_blob_reset(&ad);
	fsim_blob_reset(&cdj);
	return r;
}

static void
bcase_free(struct bcase *c)
{
	fsim_blob_reset(&c->reg_ch);
	fsim_blob_reset(&c->auth_ch);
	fsim_blob_reset(&c->msg);
	fsim_blob_reset(&c->sig);
	free(c->reg_text);
	free(c->auth_text);
	free((char *)(uintptr_t)c->origins[0]);
	free((char *)(uintptr_t)c->reg_p.rp_id);
	fsim_record_free(&c->rec);
}

int
fsim_bench_case(const char *path, double seconds)
{
	int (*fns[4])(struct bcase *) = { op_raw, op_auth, op_reg, op_auth_cold };
	double spent[4] = { 0 }, start, t0, ops[4];
	unsigned long n[4] = { 0 };
	struct bcase c;
	char why[256] = "";
	int s, i, rc;

	memset(&c, 0, sizeof(c));
	if ((rc = load(&c, path, why, sizeof(why))) != 0) {
		fprintf(stderr, "fidosim bench: %s\n", why);
		bcase_free(&c);
		return rc == 2 ? FSIM_EXIT_USAGE : FSIM_EXIT_FAIL;
	}
	start = cpu_now();
	do {
		for (s = 0; s < 4; s++) {
			t0 = cpu_now();
			for (i = 0; i < 16; i++)
				if (fns[s](&c) != 0) {
					fprintf(stderr, "fidosim bench: an operation failed on the case\n");
					bcase_free(&c);
					return FSIM_EXIT_FAIL;
				}
			spent[s] += cpu_now() - t0;
			n[s] += 16;
		}
	} while (cpu_now() - start < seconds * 4);
	for (s = 0; s < 4; s++)
		ops[s] = (double)n[s] / spent[s];
	{
		json_t *o = json_pack("{s:s, s:s, s:{s:s, s:f}, s:[{s:s, s:f, s:f}, {s:s, s:f, s:f}, "
		    "{s:s, s:f, s:f}]}",
		    "case", path, "clock", "thread-cpu", "baseline", "name", "ecdsa-p256-verify",
		    "opsPerSecond", ops[0], "stages",
		    "name", "verify-authentication-from-text", "opsPerSecond", ops[1],
		    "ratio", ops[1] / ops[0],
		    "name", "verify-registration-from-text", "opsPerSecond", ops[2],
		    "ratio", ops[2] / ops[0],
		    "name", "verify-authentication-from-text-cold-key", "opsPerSecond", ops[3],
		    "ratio", ops[3] / ops[0]);
		char *txt = o != NULL ? json_dumps(o, JSON_INDENT(1) | JSON_REAL_PRECISION(6)) : NULL;

		json_decref(o);
		if (txt == NULL) {
			bcase_free(&c);
			return FSIM_EXIT_FAIL;
		}
		puts(txt);
		free(txt);
	}
	bcase_free(&c);
	return FSIM_EXIT_OK;
}
