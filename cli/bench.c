/*
 * bench.c — `fidosim bench`: throughput of each stage beside OpenSSL's raw
 * operation measured in the same run, reported as a ratio (the quality bar
 * is a ratio, never an absolute time).
 *
 * Fixtures are made in-process (bench_fixture.c: keys, a packed attestation
 * with an x5c chain, an assertion), so the bench needs no files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "authenticator/authn.h"
#include "cli/bench_case.h"
#include "cli/bench_fixture.h"
#include "cli/bench_mds.h"
#include "cli/bench_mldsa.h"
#include "cli/cli.h"
#include "core/p256_table.h"
#include "rp-sim/rp.h"

static const char bench_usage[] =
"usage: fidosim bench [--seconds S] [--json]\n"
"       fidosim bench --case FILE [--seconds S]\n"
"\n"
"Measure the throughput of each stage beside raw OpenSSL in the same run:\n"
"  ecdsa-p256-verify       raw EVP_DigestVerify, P-256/SHA-256 (the baseline)\n"
"  verify-authentication   a whole WebAuthn 7.2 verification of an ES256\n"
"                          assertion through the RP API (response as a JSON\n"
"                          value), and the same from the JSON text. Its key is\n"
"                          verified over and over, so it soon has a table of\n"
"                          its own (p256_table.h); the cold-key line is the\n"
"                          same verification without that table\n"
"  ecdsa-p256-sign         raw EVP_DigestSign, P-256/SHA-256 (the baseline of\n"
"                          the authenticator stages)\n"
"  getAssertion            a whole CTAP 2.1 getAssertion, request bytes to\n"
"                          response bytes, ES256, in-memory store\n"
"  makeCredential          a whole makeCredential, ES256, packed x5c\n"
"  verify-registration     a whole 7.1 verification of a packed (x5c) ES256\n"
"                          registration through the RP API\n"
"  ml-dsa-44-verify        the ML-DSA-44 primitive called directly (FIPS 204\n"
"                          verify of a 64-byte message, key expanded once)\n"
"  verify-authentication (ML-DSA-44)  the whole 7.2 verification of an\n"
"                          ML-DSA-44 assertion\n"
"  ml-dsa-44-sign          the ML-DSA-44 primitive, hedged signing\n"
"  getAssertion (ML-DSA-44)  a whole getAssertion with an ML-DSA-44 credential\n"
"Each stage runs for about S seconds of CPU time (default 1), interleaved in\n"
"batches so that load changes touch every stage alike; times are the\n"
"thread's CPU time, so other processes on the machine do not count. Ratios\n"
"are against the P-256\n"
"baselines; the ML-DSA-44 stages also give their ratio to the ML-DSA-44\n"
"primitive (\"of raw\").\n"
"\n"
"--case FILE times one recorded ES256 ceremony instead (JSON as\n"
"tests/differential/gen.sh writes it: rpId, origin, uv, registration and\n"
"authentications[0], each {challenge, response}): OpenSSL's raw verify of\n"
"the assertion's own signature, and fidosim's verify-authentication and\n"
"verify-registration from the JSON text; one JSON object. bench/peers.sh\n"
"times @simplewebauthn/server and fido2-lib on the same case.\n";


/*
 * The measuring thread's CPU time: on a machine shared with other work
 * (CI runners, the 2-core boxes this is developed on) wall time counts the
 * time the scheduler gave to other processes, a different share per batch,
 * which made the ratios swing by a third between runs. What is left
 * (frequency, caches) touches the interleaved stages alike.
 */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef int (*op_fn)(struct bench_fixture *fx, const fsim_rp_policy_t *p);

static int
op_raw_verify(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	(void)p;
	ok = ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, fx->cred) == 1 &&
	    EVP_DigestVerify(ctx, fx->raw_sig.ptr, fx->raw_sig.len, fx->msg, sizeof(fx->msg)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int
op_raw_sign(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t sig[80];
	size_t n = sizeof(sig);
	int ok;

	(void)p;
	ok = ctx != NULL &&
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, fx->cred) == 1 &&
	    EVP_DigestSign(ctx, sig, &n, fx->msg, sizeof(fx->msg)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int
op_ctap(struct bench_fixture *fx, const fsim_blob_t *req)
{
	fsim_blob_t resp = { 0 };
	uint8_t st = fsim_authn_request(fx->authn, req->ptr, req->len, &resp);

	fsim_blob_reset(&resp);
	return st == 0 ? 0 : -1;
}

static int
op_get_assertion(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return op_ctap(fx, &fx->ga_req);
}

static int
op_make_credential(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return op_ctap(fx, &fx->mc_req);
}

/* One ceremony through the RP API, from the response as a JSON value. */
static int
op_verify(struct bench_fixture *fx, const fsim_rp_policy_t *p, const json_t *j, bool auth)
{
	fsim_rp_result_t *res = NULL;
	int r = -1;

	if ((auth ? fsim_rp_verify_authentication(p, j, fx->rec, &res) :
	    fsim_rp_verify_registration(p, j, &res)) == 0 && res->verified)
		r = 0;
	fsim_rp_result_free(&res);
	return r;
}

static int
op_verify_auth(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	return op_verify(fx, p, fx->auth_value, true);
}

/* The same without the key's table (p256_table.h): a key this process has not seen often. */
static int
op_verify_auth_cold(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	int r;

	fsim_p256_table_skip(true);
	r = op_verify(fx, p, fx->auth_value, true);
	fsim_p256_table_skip(false);
	return r;
}

/*
 * The same, from the response JSON text as it arrives over the wire, loaded
 * as `serve` and the RP API load a body (fsim_json_load).
 */
static int
op_verify_auth_text(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	json_t *j = NULL;
	int r = fsim_json_load((const uint8_t *)fx->auth_json, strlen(fx->auth_json), &j,
	    NULL, "response") == 0 ? op_verify(fx, p, j, true) : -1;

	json_decref(j);
	return r;
}

static int
op_verify_reg(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	return op_verify(fx, p, fx->reg_value, false);
}

static int
op_pq_raw_verify(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return fsim_bench_mldsa_raw_verify(fx->pq);
}

static int
op_pq_verify_auth(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	return fsim_bench_mldsa_verify_auth(fx->pq, p);
}

static int
op_pq_raw_sign(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return fsim_bench_mldsa_raw_sign(fx->pq);
}

static int
op_pq_get_assertion(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return fsim_bench_mldsa_get_assertion(fx->pq);
}

/* The same registration, its root a configured anchor; then from the MDS index. */
static int
op_verify_reg_anchored(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return op_verify(fx, fsim_bench_mds_anchored(fx->md), fx->reg_value, false);
}

static int
op_verify_reg_mds(struct bench_fixture *fx, const fsim_rp_policy_t *p)
{
	(void)p;
	return op_verify(fx, fsim_bench_mds_indexed(fx->md), fx->reg_value, false);
}

#define NSTAGES 14

/*
 * Operations per second of each stage. The stages run interleaved, a batch
 * of each in turn, so a change in machine load or clock speed during the run
 * touches them all alike and the ratios stay fair.
 */
static int
measure(op_fn *fns, double *ops, struct bench_fixture *fx, const fsim_rp_policy_t *p,
    double seconds)
{
	double spent[NSTAGES] = { 0 }, start = now(), t0;
	unsigned long n[NSTAGES] = { 0 };
	int s, i;

	do {
		for (s = 0; s < NSTAGES; s++) {
			t0 = now();
			for (i = 0; i < 16; i++)
				if (fns[s](fx, p) != 0)
					return -1;
			spent[s] += now() - t0;
			n[s] += 16;
		}
	} while (now() - start < seconds * NSTAGES);
	for (s = 0; s < NSTAGES; s++)
		ops[s] = (double)n[s] / spent[s];
	return 0;
}

static int
bench_run(int argc, char **argv)
{
	struct bench_fixture fx;
	fsim_rp_policy_t p;
	static const char *origins[] = { ORIGIN };
	double seconds = 1.0, ops[NSTAGES], base, va, vt, vr, sbase, ga, mc, qv, qa, qs, qg;
	double vra, vrm, vc;
	op_fn fns[NSTAGES] = { op_raw_verify, op_verify_auth, op_verify_auth_text,
	    op_verify_reg, op_raw_sign, op_get_assertion, op_make_credential,
	    op_pq_raw_verify, op_pq_verify_auth, op_pq_raw_sign, op_pq_get_assertion,
	    op_verify_reg_anchored, op_verify_reg_mds, op_verify_auth_cold };
	const char *case_path = NULL;
	int i, json = 0, rc = FSIM_EXIT_FAIL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
			case_path = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = atof(argv[++i]);
			if (seconds <= 0 || seconds > 600)
				return fsim_cli_usage_error("bench", "--seconds must be in (0, 600]");
		} else if (fsim_cli_is_help(argv[i])) {
			fputs(bench_usage, stdout);
			return FSIM_EXIT_OK;
		} else
			return fsim_cli_usage_error("bench", "unknown option '%s'", argv[i]);
	}
	if (case_path != NULL)
		return fsim_bench_case(case_path, seconds);
	memset(&fx, 0, sizeof(fx));
	if (fsim_bench_fixture_build(&fx) != 0) {
		fprintf(stderr, "fidosim bench: could not build the fixtures\n");
		goto out;
	}
	fsim_rp_policy_init(&p);
	p.rp_id = RP_ID;
	p.origins = origins;
	p.n_origins = 1;
	p.challenge = fx.challenge;
	p.challenge_len = sizeof(fx.challenge);
	if (fsim_bench_mds_new(fx.cert, fsim_bench_aaguid, &p, &fx.md) != 0) {
		fprintf(stderr, "fidosim bench: could not build the MDS index\n");
		goto out;
	}
	if (measure(fns, ops, &fx, &p, seconds) != 0) {
		fprintf(stderr, "fidosim bench: an operation failed\n");
		goto out;
	}
	base = ops[0];
	va = ops[1];
	vt = ops[2];
	vr = ops[3];
	sbase = ops[4];
	ga = ops[5];
	mc = ops[6];
	qv = ops[7];
	qa = ops[8];
	qs = ops[9];
	qg = ops[10];
	vra = ops[11];
	vrm = ops[12];
	vc = ops[13];
	if (json)
		printf("{\"baseline\": {\"name\": \"ecdsa-p256-verify\", \"opsPerSecond\": %.0f},\n"
		    " \"stages\": [\n"
		    "  {\"name\": \"verify-authentication\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.92},\n"
		    "  {\"name\": \"verify-authentication-cold-key\", \"opsPerSecond\": %.0f, \"ratio\": %.3f},\n"
		    "  {\"name\": \"verify-authentication-from-text\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.90},\n"
		    "  {\"name\": \"verify-registration\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.40},\n"
		    "  {\"name\": \"ecdsa-p256-sign\", \"opsPerSecond\": %.0f, \"baseline\": true},\n"
		    "  {\"name\": \"getAssertion\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.92},\n"
		    "  {\"name\": \"makeCredential\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"goal\": 0.40},\n"
		    "  {\"name\": \"ml-dsa-44-verify\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"raw\": true},\n"
		    "  {\"name\": \"verify-authentication-ml-dsa-44\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"ratioToRaw\": %.3f},\n"
		    "  {\"name\": \"ml-dsa-44-sign\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"raw\": true},\n"
		    "  {\"name\": \"getAssertion-ml-dsa-44\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, \"ratioToRaw\": %.3f},\n"
		    "  {\"name\": \"verify-registration-anchored\", \"opsPerSecond\": %.0f, \"ratio\": %.3f},\n"
		    "  {\"name\": \"verify-registration-mds\", \"opsPerSecond\": %.0f, \"ratio\": %.3f, "
		    "\"addedCost\": %.3f, \"goal\": 0.05}\n"
		    " ]}\n", base, va, va / base, vc, vc / base, vt, vt / base, vr, vr / base, sbase, ga, ga / sbase,
		    mc, mc / sbase, qv, qv / base, qa, qa / base, qa / qv, qs, qs / sbase, qg,
		    qg / sbase, qg / qs, vra, vra / base, vrm, vrm / base, vra / vrm - 1.0);
	else {
		printf("%-24s %12s %8s\n", "stage", "ops/s", "ratio");
		printf("%-24s %12.0f %8s  (OpenSSL raw, the baseline)\n", "ecdsa-p256-verify", base, "1.00");
		printf("%-24s %12.0f %8.2f  (goal >= 0.92; the RP API on a parsed response; "
		    "its key verified often: a table)\n", "verify-authentication", va, va / base);
		printf("%-24s %12.0f %8.2f  (the same key without its table: a key seldom seen)\n",
		    "  ... cold key", vc, vc / base);
		printf("%-24s %12.0f %8.2f  (goal >= 0.90; the same, parsing the JSON text first)\n",
		    "  ... from JSON text", vt, vt / base);
		printf("%-24s %12.0f %8.2f  (goal >= 0.40; packed x5c; two signatures)\n", "verify-registration", vr, vr / base);
		printf("%-24s %12.0f %8s  (OpenSSL raw, the baseline below)\n", "ecdsa-p256-sign", sbase, "1.00");
		printf("%-24s %12.0f %8.2f  (goal >= 0.92; CTAP request to response, ES256)\n",
		    "getAssertion", ga, ga / sbase);
		printf("%-24s %12.0f %8.2f  (goal >= 0.40; ES256 key made, packed x5c statement)\n",
		    "makeCredential", mc, mc / sbase);
		printf("%-24s %12.0f %8.2f  (the primitive; ratio to P-256 verify)\n",
		    "ml-dsa-44-verify", qv, qv / base);
		printf("%-24s %12.0f %8.2f  (ML-DSA-44 assertion; %.2f of the raw ML-DSA-44 verify)\n",
		    "verify-authentication", qa, qa / base, qa / qv);
		printf("%-24s %12.0f %8.2f  (the primitive, hedged; ratio to P-256 sign)\n",
		    "ml-dsa-44-sign", qs, qs / sbase);
		printf("%-24s %12.0f %8.2f  (ML-DSA-44 credential; %.2f of the raw ML-DSA-44 sign)\n",
		    "getAssertion", qg, qg / sbase, qg / qs);
		printf("%-24s %12.0f %8.2f  (verify-registration, its root a configured anchor)\n",
		    "verify-reg anchored", vra, vra / base);
		/* the lookup's cost against the anchored run; below 0 it costs less */
		printf("%-24s %12.0f %8.2f  (the root from an MDS index of 1000 entries: %.1f%% "
		    "%s than anchored, goal < 5%% more)\n", "verify-reg --mds", vrm, vrm / base,
		    fabs(100.0 * (vra / vrm - 1.0)), vra <= vrm ? "less" : "more");
	}
	rc = FSIM_EXIT_OK;
out:
	fsim_bench_fixture_free(&fx);
	return rc;
}

const fsim_cmd_t fsim_cmd_bench = {
	"bench", bench_run,
	"throughput of each stage beside raw OpenSSL measured in the same run",
	bench_usage,
};
