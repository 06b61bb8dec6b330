/*
 * pipeline_int.h — what pipeline.c and pipeline_view.c share and nothing
 * outside uses.
 */
#ifndef FSIM_HARNESS_PIPELINE_INT_H
#define FSIM_HARNESS_PIPELINE_INT_H

#include "harness/pipeline.h"

struct fsim_pipe {
	fsim_authn_config_t cfg;
	const fsim_platform_t *platform;
	fsim_env_t env;
	fsim_store_t *store;
	fsim_authn_t *authn;
	fsim_authn_config_t prev_cfg;              /* the provider before a CXF move */
	fsim_store_t *prev_store;                  /* NULL: no move yet */
	fsim_authn_t *prev_authn;
	fsim_blob_t cred_id;                       /* the last registered credential */
	fsim_cred_record_t *records[FSIM_PIPE_MAX_POLICIES];  /* per preset index */
	char *user;                                /* b64url user.id */
	fsim_device_t *dev;                        /* a real authenticator, or NULL */
	fsim_device_auth_t *dev_auth;
};

/* The provider's view: its CTAP status and, when 0, the response map read. */
void fsim_pipe_view_emitted(fsim_pipe_view_t *v, uint8_t st, const fsim_blob_t *resp,
    bool registration);
/* The platform's view: the response JSON, or (resp NULL) the refusal in err. */
void fsim_pipe_view_delivered(fsim_pipe_view_t *v, const json_t *resp,
    const fsim_client_error_t *err, bool registration);

#endif /* !FSIM_HARNESS_PIPELINE_INT_H */
