/*
 * device.c — a CTAP2 authenticator through libfido2: opening it, our own
 * CTAPHID channel on libfido2's handle, getInfo, one CBOR exchange (see
 * platform/device.h). Client PIN and ceremonies are in device_pin.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "platform/device.h"
#include "platform/fido.h"

#define INIT_WAIT_MS 3000

struct fsim_device {
	char path[300];
	fsim_fido_t *fido;
	fsim_hidio_t *io;                 /* lent by fido */
	fsim_hidc_info_t hid;
	fsim_devinfo_t info;
	fsim_blob_t info_raw;
	int timeout_ms;
	fsim_hidc_keepalive_fn ka;
	void *ka_ctx;
	const volatile int *cancel;
};

int
fsim_device_open(const char *path, fsim_device_t **out, char *why, size_t whylen)
{
	fsim_device_t *d;
	int r;

	*out = NULL;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (path == NULL || path[0] == '\0') {
		snprintf(why, whylen, "no device path given (/dev/hidrawN or unix:PATH)");
		return FSIM_ERR_ARG;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return FSIM_ERR_NOMEM;
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->timeout_ms = FSIM_DEVICE_TIMEOUT_MS;
	if ((r = fsim_fido_open(path, &d->fido, why, whylen)) != 0)
		goto fail;
	r = FSIM_ERR_UNSUPPORTED;
	if (!fsim_fido_is_fido2(d->fido)) {
		snprintf(why, whylen, "%s: a U2F-only device (no CTAPHID_CBOR capability); "
		    "fidosim needs a CTAP2 authenticator", path);
		goto fail;
	}
	d->io = fsim_fido_io(d->fido);
	/* A channel of our own (§11.2.9.1.3), beside the one libfido2 took. */
	if ((r = fsim_hidc_init(d->io, INIT_WAIT_MS, &d->hid)) != 0) {
		snprintf(why, whylen, "%s: no answer to CTAPHID_INIT", path);
		goto fail;
	}
	if ((r = fsim_device_refresh_info(d)) != 0) {
		snprintf(why, whylen, "%s: authenticatorGetInfo failed (%s)", path, fsim_strerr(r));
		goto fail;
	}
	*out = d;
	return 0;
fail:
	fsim_device_free(&d);
	return r;
}

void
fsim_device_free(fsim_device_t **dp)
{
	fsim_device_t *d;

	if (dp == NULL || (d = *dp) == NULL)
		return;
	fsim_fido_close(&d->fido);
	fsim_blob_reset(&d->info_raw);
	free(d);
	*dp = NULL;
}

const char *
fsim_device_path(const fsim_device_t *d)
{
	return d->path;
}

const fsim_devinfo_t *
fsim_device_info(const fsim_device_t *d)
{
	return &d->info;
}

const fsim_blob_t *
fsim_device_info_raw(const fsim_device_t *d)
{
	return &d->info_raw;
}

const fsim_hidc_info_t *
fsim_device_hid(const fsim_device_t *d)
{
	return &d->hid;
}

fsim_hidio_t *
fsim_device_io(fsim_device_t *d)
{
	return d->io;
}

json_t *
fsim_device_fido_info(fsim_device_t *d, char *why, size_t whylen)
{
	return fsim_fido_info_json(d->fido, why, whylen);
}

void
fsim_device_set_wait(fsim_device_t *d, int timeout_ms, fsim_hidc_keepalive_fn ka,
    void *ka_ctx, const volatile int *cancel)
{
	d->timeout_ms = timeout_ms > 0 ? timeout_ms : FSIM_DEVICE_TIMEOUT_MS;
	d->ka = ka;
	d->ka_ctx = ka_ctx;
	d->cancel = cancel;
}

int
fsim_device_cbor(fsim_device_t *d, const uint8_t *req, size_t len, uint8_t *status,
    fsim_blob_t *resp, int *hid_error)
{
	fsim_hidc_msg_t *m;
	int r;

	*status = 0xff;
	if (hid_error != NULL)
		*hid_error = -1;
	fsim_blob_reset(resp);
	if (d == NULL || req == NULL || len == 0)
		return FSIM_ERR_ARG;
	if ((m = OPENSSL_malloc(sizeof(*m))) == NULL)
		return FSIM_ERR_NOMEM;
	r = fsim_hidc_transact(d->io, d->hid.cid, FSIM_HIDC_CBOR, req, len, d->timeout_ms, d->ka,
	    d->ka_ctx, d->cancel, m);
	if (r != 0)
		goto out;
	r = FSIM_ERR_FORMAT;
	if (m->cmd == FSIM_HIDC_ERROR) {
		if (hid_error != NULL && m->len > 0)
			*hid_error = m->data[0];
		goto out;
	}
	if (m->cmd != FSIM_HIDC_CBOR || m->len == 0)
		goto out;
	*status = m->data[0];
	r = m->len > 1 ? fsim_blob_set(resp, m->data + 1, m->len - 1) : 0;
out:
	/* The reply may hold an encrypted token. */
	OPENSSL_clear_free(m, sizeof(*m));
	return r;
}

int
fsim_device_command(fsim_device_t *d, uint8_t cmd, const cbor_item_t *map, uint8_t *status,
    fsim_blob_t *resp)
{
	fsim_blob_t body = { NULL, 0 }, req = { NULL, 0 };
	int r;

	*status = 0xff;
	if ((map != NULL && (r = fsim_cbor_encode(map, &body)) != 0) ||
	    (r = fsim_blob_append(&req, &cmd, 1)) != 0 ||
	    (body.len > 0 && (r = fsim_blob_append(&req, body.ptr, body.len)) != 0))
		goto out;
	r = fsim_device_cbor(d, req.ptr, req.len, status, resp, NULL);
out:
	fsim_blob_reset(&body);
	fsim_blob_reset(&req);
	return r;
}

int
fsim_device_new_channel(fsim_device_t *d)
{
	fsim_hidc_info_t hid;
	int r;

	fsim_hidio_drain(d->io);
	if ((r = fsim_hidc_init(d->io, INIT_WAIT_MS, &hid)) != 0)
		return r;
	d->hid = hid;
	return 0;
}

int
fsim_device_refresh_info(fsim_device_t *d)
{
	static const uint8_t get_info = 0x04;
	fsim_blob_t resp = { NULL, 0 };
	uint8_t st;
	int r;

	if ((r = fsim_device_cbor(d, &get_info, 1, &st, &resp, NULL)) != 0)
		goto out;
	r = FSIM_ERR_FORMAT;
	if (st != 0)
		goto out;
	if ((r = fsim_devinfo_parse(resp.ptr, resp.len, &d->info, NULL)) != 0)
		goto out;
	fsim_blob_reset(&d->info_raw);
	d->info_raw = resp;
	resp.ptr = NULL;
	resp.len = 0;
out:
	fsim_blob_reset(&resp);
	return r;
}

int
fsim_device_describe(const fsim_device_t *d, fsim_client_ceremony_t *cer)
{
	const char *tr[FSIM_DEVINFO_MAX];
	bool internal = false;
	size_t i, n = d->info.n_transports;

	for (i = 0; i < n; i++) {
		tr[i] = d->info.transports[i];
		internal = internal || strcmp(tr[i], "internal") == 0;
	}
	if (n == 0) {
		/* §6.4 transports is optional; this one was reached over USB HID. */
		tr[0] = "usb";
		n = 1;
	}
	return fsim_client_ceremony_set_authenticator(cer, tr, n,
	    internal ? "platform" : "cross-platform");
}
