/*
 * mutate_int.h — what the mutation units share (harness/mutate*.c): the
 * state of one unit (the response the RP is given and what the RP asks),
 * the ways a base ceremony is made, and the edits of response JSON,
 * attestation objects, authenticator data and certificates.
 */
#ifndef FSIM_HARNESS_MUTATE_INT_H
#define FSIM_HARNESS_MUTATE_INT_H

#include <cbor.h>
#include <jansson.h>
#include <openssl/x509.h>

#include "authenticator/att.h"
#include "authenticator/keys.h"
#include "harness/mutate.h"
#include "harness/pipeline.h"

/*
 * Who judges a unit: the relying party's verification of the response (the
 * default), or the component that owns a rule outside those steps.
 */
typedef enum {
	MU_JUDGE_RP = 0,       /* fsim_rp_verify_registration / _authentication */
	MU_JUDGE_RECORD,       /* the RP loads its stored record JSON (REC-01), then verifies */
	MU_JUDGE_CREATION,     /* the client parses creation options (JSON-06, OPT-02) */
	MU_JUDGE_REQUEST,      /* the client parses request options (JSON-06) */
	MU_JUDGE_INPUT,        /* fidosim's check of the input it reads (ENC-00) */
} mu_judge_t;

/* One unit's working state. Everything it points to is owned (mu_case_reset frees it). */
typedef struct mu_case {
	int ceremony;                  /* FSIM_CEREMONY_REGISTRATION / _AUTHENTICATION */
	json_t *response;              /* what the RP is given (after the change) */
	const fsim_cred_record_t *record;  /* authentication: the record the RP holds (lent) */
	fsim_cred_record_t *own_record;    /* ... when this unit owns it (a vector's) */
	char fmt[40];                  /* registration: the statement format of the base */
	/* what the RP asks and how it is set up */
	char rp_id[128];
	char origin[256];
	char top_origin[256];          /* "" none allowed */
	uint8_t challenge[256];
	size_t challenge_len;
	fsim_uv_req_t uv;
	bool allow_cross_origin;
	int64_t algs[4];               /* the algs offered; n_algs 0: every one */
	size_t n_algs;
	fsim_conveyance_t conveyance;
	const char *ext_requested[2];
	size_t n_ext_requested;
	char appid[160];               /* the AppID the RP sent (extensions.appid); "" none */
	fsim_trust_t *trust;           /* NULL: nothing trusted */
	json_t *anchors_pem;           /* the PEM of each anchor in trust (for mutation export) */
	time_t at;
	/* the emitted view: the ceremony as it was before the change */
	fsim_pipe_view_t emitted;
	char change[200];              /* one line: what the unit changed ("" for vectors) */
	/* a unit judged by another component than the RP's steps (mu_judge) */
	mu_judge_t judge;
	json_t *record_json;           /* MU_JUDGE_RECORD: the record as the RP stored it */
	json_t *options;               /* MU_JUDGE_CREATION / _REQUEST: what the client is given */
	fsim_blob_t input;             /* MU_JUDGE_INPUT: the bytes fidosim reads */
	char note[160];                /* who judged and what that means, added to the cell's why */
	/* tools */
	const uint8_t *seed;           /* the run's seed (lent), for the pipeline */
	size_t seed_len;
	fsim_env_t env;                /* seeded from the run's seed, or the default */
	bool env_seeded;
	const fsim_ca_t *ca;           /* the project's test CA (shared, see mu_ca) */
	EVP_PKEY *cred_key;            /* the credential's private key, when the base has it */
	int cred_alg;
} mu_case_t;

int mu_case_init(mu_case_t *c, const uint8_t *seed, size_t seed_len) FSIM_WUR;
void mu_case_reset(mu_case_t *c);
/* Add a trust anchor (PEM) to the case's trust, kept also as text for the export. */
int mu_trust_add_pem(mu_case_t *c, const char *pem) FSIM_WUR;
/* Unit i's case: its base made and its change applied (mutate.c). */
int mu_unit_build(size_t i, mu_case_t *c) FSIM_WUR;

/* ---- bases (mutate_base.c) ---- */

/* What the in-process provider makes. */
typedef enum {
	MU_PIPE_NONE = 0,    /* fmt none, under conveyance none */
	MU_PIPE_PACKED,      /* packed with the test CA's x5c, conveyance direct */
	MU_PIPE_SELF,        /* packed self attestation, conveyance direct */
	MU_PIPE_U2F,         /* fido-u2f, conveyance direct */
} mu_pipe_kind_t;

/*
 * A ceremony through the pipeline (authenticator, spec-l3 platform): a
 * registration, or (auth) a registration and then the assertion that is
 * judged against the record the RP kept. The credential key is kept.
 * Each kind is made once per process and seed (it depends on nothing
 * else) and shared by every unit after that, read only.
 */
int mu_base_pipe(mu_case_t *c, mu_pipe_kind_t kind, bool auth) FSIM_WUR;
/* A shipped vector, by its path below vectors/ ("w3c-l3/w3c-tpm-es256-registration.json"). */
int mu_base_vector(mu_case_t *c, const char *file) FSIM_WUR;
/*
 * The project's test CA, made on first use once per process and seed (from
 * an environment of its own, so a unit's random draws do not depend on
 * whether it made the CA) and shared, read only, after that.
 */
int mu_ca(mu_case_t *c, const fsim_ca_t **out) FSIM_WUR;

/* ---- response edits (mutate_edit.c) ---- */

/* response.response.<member> decoded from base64url. */
int mu_get_b64(const mu_case_t *c, const char *member, fsim_blob_t *out) FSIM_WUR;
int mu_set_b64(mu_case_t *c, const char *member, const uint8_t *p, size_t n) FSIM_WUR;
/* A top-level member set to a string (id, rawId, type). */
int mu_set_str(mu_case_t *c, const char *member, const char *v) FSIM_WUR;
/* response.response.<member> set to v (stolen, also on failure). */
int mu_set_inner(mu_case_t *c, const char *member, json_t *v) FSIM_WUR;
/* response.response.<member> as a string, or NULL. */
const char *mu_get_str(const mu_case_t *c, const char *member);
/* Let fn change the authenticator data: inside the attestation object, or the assertion's (signed again). */
int mu_edit_ad(mu_case_t *c, int (*fn)(fsim_blob_t *ad, const void *arg), const void *arg) FSIM_WUR;
/* Set clientDataJSON to these bytes. */
int mu_set_cdj(mu_case_t *c, const uint8_t *p, size_t n) FSIM_WUR;
/* Parse clientDataJSON, let fn change the object, write it back compact. */
int mu_edit_cdj(mu_case_t *c, int (*fn)(json_t *cd, const void *arg), const void *arg) FSIM_WUR;

/* The attestation object, taken apart. */
typedef struct mu_ao {
	char *fmt;
	cbor_item_t *st;       /* attStmt (map, or array for compound) */
	fsim_blob_t ad;        /* authData */
} mu_ao_t;
int mu_ao_get(const mu_case_t *c, mu_ao_t *ao) FSIM_WUR;
/* Encode canonically into the response; response.authenticatorData follows authData. */
int mu_ao_put(mu_case_t *c, const mu_ao_t *ao) FSIM_WUR;
void mu_ao_reset(mu_ao_t *ao);
/* Put these bytes in as the attestation object, as they are. */
int mu_set_attobj_raw(mu_case_t *c, const uint8_t *p, size_t n) FSIM_WUR;

/* Sign authenticatorData || SHA-256(clientDataJSON) again with the credential key. */
int mu_resign_assertion(mu_case_t *c) FSIM_WUR;
/* What an assertion signs: the response's authenticatorData || SHA-256(clientDataJSON), into msg. */
int mu_assertion_message(const mu_case_t *c, fsim_blob_t *msg) FSIM_WUR;
/* A signature in the WebAuthn form by key under alg (deterministic when seeded). */
int mu_sign(const mu_case_t *c, EVP_PKEY *key, int alg, const uint8_t *msg, size_t len,
    fsim_blob_t *sig) FSIM_WUR;

/* ---- small encoders (mutate_edit.c) ---- */

/* Append a CBOR head (major type, argument). */
int mu_cbor_head(fsim_blob_t *b, unsigned major, uint64_t arg) FSIM_WUR;
int mu_cbor_text(fsim_blob_t *b, const char *s) FSIM_WUR;
int mu_cbor_bytes(fsim_blob_t *b, const uint8_t *p, size_t n) FSIM_WUR;
/* Append a DER TLV: one identifier octet string (tag bytes) and the contents. */
int mu_der(fsim_blob_t *b, const uint8_t *tag, size_t tlen, const uint8_t *v, size_t n) FSIM_WUR;

/* ---- certificates (mutate_att.c) ---- */

/* Re-issue DER certificate `der` under the test CA after fn changed it. */
int mu_reissue(mu_case_t *c, const uint8_t *der, size_t len,
    int (*fn)(mu_case_t *c, X509 *x, const void *arg), const void *arg, fsim_blob_t *out) FSIM_WUR;
/* authData || SHA-256(clientDataJSON) of the case: what packed, android-key and apple sign. */
int mu_signed_data(const mu_case_t *c, const mu_ao_t *ao, fsim_blob_t *out) FSIM_WUR;
/*
 * Shared by the attestation changes (mutate_att.c, mutate_akey.c):
 * mu_st_set puts key = v into the statement map (taking v); mu_flip_sig flips
 * the last byte of attStmt.sig; mu_drop_member removes attStmt.key;
 * mu_reissue_leaf re-issues x5c[0] with fn's change under the test CA (and
 * makes x5c that certificate alone, or with the intermediate);
 * mu_set_pubkey is such an fn: the certificate's key becomes arg (EVP_PKEY).
 */
int mu_st_set(cbor_item_t **st, const char *key, cbor_item_t *v) FSIM_WUR;
int mu_flip_sig(mu_case_t *c) FSIM_WUR;
int mu_drop_member(mu_case_t *c, const char *key) FSIM_WUR;
int mu_reissue_leaf(mu_case_t *c, mu_ao_t *ao, int (*fn)(mu_case_t *c, X509 *x, const void *arg),
    const void *arg, bool with_intermediate) FSIM_WUR;
int mu_set_pubkey(mu_case_t *c, X509 *x, const void *arg) FSIM_WUR;

/* ---- judges other than the RP's steps (mutate_judge.c) ---- */

/*
 * Judge c under pol by c->judge (not MU_JUDGE_RP) into a result shaped as
 * the RP's: the owning component's diagnostics as checks, its rules that
 * held as PASS entries. MU_JUDGE_RECORD goes on to verify the assertion
 * against the loaded record when it loads.
 */
int mu_judge(const mu_case_t *c, const fsim_rp_policy_t *pol, fsim_rp_result_t **out) FSIM_WUR;
/* A unit with no ceremony behind it (options, input): the case set up for it. */
int mu_base_none(mu_case_t *c, int ceremony) FSIM_WUR;

/* ---- the unit builders ---- */

typedef int (*mu_edit_fn)(mu_case_t *c);

/* mutate_resp.c: encodings, JSON, client data, authenticator data, keys, signatures. */
int mu_enc01(mu_case_t *c);
int mu_enc02(mu_case_t *c);
int mu_enc03(mu_case_t *c);
int mu_enc05(mu_case_t *c);
int mu_cbor01(mu_case_t *c);
int mu_cbordup(mu_case_t *c);
int mu_cborkeytype(mu_case_t *c);
int mu_type_bad(mu_case_t *c);
int mu_cdj_not_json(mu_case_t *c);
int mu_cdj_type(mu_case_t *c);
int mu_cdj_challenge(mu_case_t *c);
int mu_cdj_origin(mu_case_t *c);
int mu_cdj_cross_origin(mu_case_t *c);
int mu_cdj_top_origin(mu_case_t *c);
int mu_attobj_truncated(mu_case_t *c);
int mu_uv_required(mu_case_t *c);
int mu_alg_not_offered(mu_case_t *c);
int mu_fmt_unknown(mu_case_t *c);
int mu_no_at(mu_case_t *c);
int mu_rawid_other(mu_case_t *c);
int mu_fmt_syntax(mu_case_t *c);
int mu_acd_truncated(mu_case_t *c);
int mu_cose_not_map(mu_case_t *c);
int mu_cose_no_alg(mu_case_t *c);
int mu_cose_short_x(mu_case_t *c);
int mu_cose_off_curve(mu_case_t *c);
int mu_json_transports(mu_case_t *c);
int mu_json_alg_copy(mu_case_t *c);
int mu_json_ext_buffer(mu_case_t *c);
int mu_json_user_handle(mu_case_t *c);
int mu_id_not_rawid(mu_case_t *c);
int mu_rpid_hash(mu_case_t *c);
int mu_up_clear(mu_case_t *c);
int mu_bs_without_be(mu_case_t *c);
int mu_ad_short(mu_case_t *c);
int mu_sig_hash(mu_case_t *c);
int mu_sig_short(mu_case_t *c);
int mu_with_extensions(mu_case_t *c);

/* mutate_appid.c: the AppID extension (EXT-APPID-01). */
int mu_appid_unsolicited(mu_case_t *c);
int mu_appid_used(mu_case_t *c);

/* mutate_att.c: attestation statements. */
int mu_packed_no_alg(mu_case_t *c);
int mu_packed_sig(mu_case_t *c);
int mu_packed_cert_v1(mu_case_t *c);
int mu_u2f_two_certs(mu_case_t *c);
int mu_u2f_cert_p384(mu_case_t *c);
int mu_u2f_cred_p384(mu_case_t *c);
int mu_u2f_sig(mu_case_t *c);
int mu_tpm_ver(mu_case_t *c);
int mu_tpm_pubarea(mu_case_t *c);
int mu_tpm_aik_subject(mu_case_t *c);
int mu_tpm_sig(mu_case_t *c);
int mu_tpm_extra_data(mu_case_t *c);
int mu_akey_no_alg(mu_case_t *c);
int mu_akey_sig(mu_case_t *c);
int mu_akey_other_key(mu_case_t *c);
int mu_akey_challenge(mu_case_t *c);
int mu_akey_all_apps(mu_case_t *c);
int mu_akey_origin(mu_case_t *c);
int mu_apple_no_x5c(mu_case_t *c);
int mu_apple_nonce(mu_case_t *c);
int mu_apple_other_key(mu_case_t *c);
/* mutate_built.c: the statements no vector ships, built here. */
int mu_snet_make(mu_case_t *c);
int mu_snet_not_jws(mu_case_t *c);
int mu_snet_nonce(mu_case_t *c);
int mu_snet_sig(mu_case_t *c);
int mu_compound_make(mu_case_t *c);
int mu_compound_one(mu_case_t *c);
int mu_compound_bad_sub(mu_case_t *c);

/* mutate_judge.c: records, options, input. */
int mu_rec_no_key(mu_case_t *c);
int mu_rec_json(mu_case_t *c);
int mu_opts_creation(mu_case_t *c);
int mu_opts_request(mu_case_t *c);
int mu_opts_no_challenge(mu_case_t *c);
int mu_opts_user_id_65(mu_case_t *c);
int mu_input_empty(mu_case_t *c);
int mu_input_response(mu_case_t *c);

/*
 * The cell's expectation for the unit named `name` under preset ps, the
 * authenticator data flags the RP saw in flags: "fail" by *rule, or "pass"
 * (mutate_expect.c).
 */
const char *mu_expect(const char *name, const mu_case_t *c, const fsim_rp_preset_t *ps,
    uint8_t flags, const char **rule);

#endif /* !FSIM_HARNESS_MUTATE_INT_H */
