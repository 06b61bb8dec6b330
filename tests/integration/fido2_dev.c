/*
 * fido2_dev.c — libfido2, an independent CTAP client and verifier, drives
 * `fidosim authenticator --listen PATH` (run by tests/integration/fido2.sh).
 *
 *   fido2_dev SOCKET AAGUID UVMODE ATTESTATION
 *     UVMODE       "0" (the server runs with --uv 0) or "auto" (--uv auto)
 *     ATTESTATION  "packed" (checked with fido_cred_verify, x5c) or
 *                  "packed-self" (fido_cred_verify_self)
 *
 * First the CTAPHID framing is checked over a raw connection (INIT, PING,
 * WINK and the error codes, CTAP 2.1 §11.2; rules HID-01..06). Then libfido2
 * talks to the server through fido_dev_set_io_functions: our shim connects a
 * SOCK_SEQPACKET socket and passes one 64-byte report per datagram (libfido2
 * writes 65 bytes, a zero report ID first, and reads 64). Output: TAP lines
 * without numbers (the wrapper numbers them).
 */
/* libfido2's headers name OpenSSL types (EC_KEY, RSA) that
 * OPENSSL_NO_DEPRECATED hides; this file calls no deprecated function. */
#undef OPENSSL_NO_DEPRECATED

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <fido.h>
#include <fido/eddsa.h>
#include <fido/es256.h>

#define RP_ID "fido2.example.org"

#include "tests/integration/fido2_shim.h"

/* ---- raw CTAPHID ---- */

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int
raw_send(int fd, uint32_t cid, uint8_t cmd, size_t bcnt, const unsigned char *data, size_t len)
{
	unsigned char rep[REPORT];
	size_t off, n;
	uint8_t seq = 0;

	memset(rep, 0, sizeof(rep));
	put32(rep, cid);
	rep[4] = (unsigned char)(0x80 | cmd);
	rep[5] = (unsigned char)(bcnt >> 8);
	rep[6] = (unsigned char)bcnt;
	n = len < 57 ? len : 57;
	if (n)
		memcpy(rep + 7, data, n);
	if (send(fd, rep, REPORT, MSG_NOSIGNAL) != REPORT)
		return -1;
	for (off = n; off < len; off += n) {
		memset(rep, 0, sizeof(rep));
		put32(rep, cid);
		rep[4] = seq++;
		n = len - off < 59 ? len - off : 59;
		memcpy(rep + 5, data + off, n);
		if (send(fd, rep, REPORT, MSG_NOSIGNAL) != REPORT)
			return -1;
	}
	return 0;
}

/* Receive one message; returns its command (low 7 bits) or -1. */
static int
raw_recv(int fd, uint32_t cid, unsigned char *buf, size_t cap, size_t *len, int ms)
{
	unsigned char rep[REPORT];
	size_t bcnt, got, n;
	uint8_t seq = 0;
	int cmd;

	if (recv_report(fd, rep, ms) < 0 || get32(rep) != cid || !(rep[4] & 0x80))
		return -1;
	cmd = rep[4] & 0x7f;
	bcnt = (size_t)rep[5] << 8 | rep[6];
	if (bcnt > cap)
		return -1;
	n = bcnt < 57 ? bcnt : 57;
	memcpy(buf, rep + 7, n);
	for (got = n; got < bcnt; got += n) {
		if (recv_report(fd, rep, ms) < 0 || get32(rep) != cid || rep[4] != seq++)
			return -1;
		n = bcnt - got < 59 ? bcnt - got : 59;
		memcpy(buf + got, rep + 5, n);
	}
	*len = bcnt;
	return cmd;
}

/* Expect a CTAPHID_ERROR with code on cid. */
static int
raw_error(int fd, uint32_t cid, uint8_t code, int ms)
{
	unsigned char rep[REPORT];

	return recv_report(fd, rep, ms) == REPORT && get32(rep) == cid &&
	    rep[4] == (0x80 | 0x3f) && rep[5] == 0 && rep[6] == 1 && rep[7] == code;
}

static void
raw_tests(const char *path)
{
	static const unsigned char nonce[8] = { 'f', 'i', 'd', 'o', 's', 'i', 'm', '!' };
	unsigned char buf[8192], data[1000];
	size_t len = 0, i;
	uint32_t cid = 0;
	int fd, cmd;

	mode_label = "ctaphid";
	if (!check((fd = connect_path(path)) >= 0, "connect to %s", path))
		return;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 13 + 1);

	/* INIT on broadcast (HID-03). */
	cmd = -1;
	if (raw_send(fd, 0xffffffffu, 0x06, 8, nonce, 8) == 0) {
		unsigned char rep[REPORT];

		if (recv_report(fd, rep, 2000) == REPORT && get32(rep) == 0xffffffffu &&
		    rep[4] == 0x86 && rep[5] == 0 && rep[6] == 17) {
			memcpy(buf, rep + 7, 17);
			cmd = 0x06;
		}
	}
	check(cmd == 0x06 && memcmp(buf, nonce, 8) == 0, "INIT answers with the nonce");
	cid = get32(buf + 8);
	check(cid != 0 && cid != 0xffffffffu, "INIT allocates a channel (0x%08x)", cid);
	check(buf[12] == 2, "CTAPHID protocol version 2");
	check((buf[16] & 0x0d) == 0x05, "capabilities WINK|CBOR, MSG supported (0x%02x)", buf[16]);

	/* PING echoes, across continuation packets (HID-01, HID-06). */
	cmd = raw_send(fd, cid, 0x01, sizeof(data), data, sizeof(data)) == 0 ?
	    raw_recv(fd, cid, buf, sizeof(buf), &len, 2000) : -1;
	check(cmd == 0x01 && len == sizeof(data) && memcmp(buf, data, len) == 0,
	    "PING of %zu bytes echoes", sizeof(data));
	cmd = raw_send(fd, cid, 0x08, 0, NULL, 0) == 0 ?
	    raw_recv(fd, cid, buf, sizeof(buf), &len, 2000) : -1;
	check(cmd == 0x08 && len == 0, "WINK has an empty reply");

	/* Errors (HID-04). */
	check(raw_send(fd, 0xffffffffu, 0x01, 1, data, 1) == 0 &&
	    raw_error(fd, 0xffffffffu, 0x0b, 2000), "PING on broadcast: ERR_INVALID_CHANNEL");
	check(raw_send(fd, cid ^ 0x5a5a5a5a, 0x01, 1, data, 1) == 0 &&
	    raw_error(fd, cid ^ 0x5a5a5a5a, 0x0b, 2000), "unallocated channel: ERR_INVALID_CHANNEL");
	check(raw_send(fd, cid, 0x55, 1, data, 1) == 0 && raw_error(fd, cid, 0x01, 2000),
	    "unknown command: ERR_INVALID_CMD");
	check(raw_send(fd, cid, 0x01, 7610, data, 57) == 0 && raw_error(fd, cid, 0x03, 2000),
	    "BCNT 7610: ERR_INVALID_LEN");
	check(raw_send(fd, 0xffffffffu, 0x06, 4, nonce, 4) == 0 &&
	    raw_error(fd, 0xffffffffu, 0x03, 2000), "INIT with a 4-byte nonce: ERR_INVALID_LEN");
	{
		unsigned char rep[REPORT] = { 0 };

		/* An init packet, then a continuation with SEQ 1 instead of 0. */
		put32(rep, cid);
		rep[4] = 1;
		check(raw_send(fd, cid, 0x01, 100, data, 57) == 0 &&
		    send(fd, rep, REPORT, MSG_NOSIGNAL) == REPORT && raw_error(fd, cid, 0x04, 2000),
		    "continuation out of sequence: ERR_INVALID_SEQ");
		/* A stray continuation gets no answer; the next PING still works. */
		rep[4] = 0;
		cmd = send(fd, rep, REPORT, MSG_NOSIGNAL) == REPORT &&
		    raw_send(fd, cid, 0x01, 3, data, 3) == 0 ?
		    raw_recv(fd, cid, buf, sizeof(buf), &len, 2000) : -1;
		check(cmd == 0x01 && len == 3, "a stray continuation is ignored");
	}
	/* Half a message, then silence: ERR_MSG_TIMEOUT after 500 ms. */
	check(raw_send(fd, cid, 0x01, 100, data, 57) == 0 && raw_error(fd, cid, 0x05, 3000),
	    "a stalled message times out: ERR_MSG_TIMEOUT");
	/* CBOR authenticatorGetInfo: status 0 and a map. */
	data[0] = 0x04;
	cmd = raw_send(fd, cid, 0x10, 1, data, 1) == 0 ?
	    raw_recv(fd, cid, buf, sizeof(buf), &len, 5000) : -1;
	check(cmd == 0x10 && len > 1 && buf[0] == 0x00 && (buf[1] & 0xe0) == 0xa0,
	    "CBOR getInfo: status 0 and a map");
	/* MSG: U2F_VERSION answers "U2F_V2" 9000. */
	{
		static const unsigned char apdu[] = { 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00 };

		cmd = raw_send(fd, cid, 0x03, sizeof(apdu), apdu, sizeof(apdu)) == 0 ?
		    raw_recv(fd, cid, buf, sizeof(buf), &len, 5000) : -1;
		check(cmd == 0x03 && len >= 2 && buf[len - 2] == 0x90 && buf[len - 1] == 0x00,
		    "MSG U2F_VERSION: SW 9000");
	}
	close(fd);
}

/* ---- libfido2 ---- */

struct made {
	int alg;
	bool rk;
	unsigned char id[1024];
	size_t id_len;
	unsigned char user_id[16];
	unsigned char pk[256];
	size_t pk_len;
};

static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131u + i * 7u + 5u);
}

static const char *
alg_name(int alg)
{
	return alg == COSE_ES256 ? "ES256" : alg == COSE_EDDSA ? "EdDSA" : "?";
}

static int
verify_assert(fido_assert_t *a, size_t idx, const struct made *m)
{
	int r = FIDO_ERR_INTERNAL;

	if (m->alg == COSE_ES256) {
		es256_pk_t *pk = es256_pk_new();

		if (pk != NULL && es256_pk_from_ptr(pk, m->pk, m->pk_len) == FIDO_OK)
			r = fido_assert_verify(a, idx, COSE_ES256, pk);
		es256_pk_free(&pk);
	} else {
		eddsa_pk_t *pk = eddsa_pk_new();

		if (pk != NULL && eddsa_pk_from_ptr(pk, m->pk, m->pk_len) == FIDO_OK)
			r = fido_assert_verify(a, idx, COSE_EDDSA, pk);
		eddsa_pk_free(&pk);
	}
	return r;
}

static bool
make_cred(fido_dev_t *dev, struct made *m, int alg, bool rk, bool uv, bool self,
    const unsigned char aaguid[16], unsigned seed)
{
	fido_cred_t *c = fido_cred_new();
	unsigned char cdh[32];
	const char *what;
	char label[64];
	int r;
	bool ok = false;

	snprintf(label, sizeof(label), "%s%s", alg_name(alg), rk ? " resident" : "");
	memset(m, 0, sizeof(*m));
	m->alg = alg;
	m->rk = rk;
	fill(cdh, sizeof(cdh), seed);
	fill(m->user_id, sizeof(m->user_id), seed + 1000);
	if (!check(c != NULL &&
	    fido_cred_set_type(c, alg) == FIDO_OK &&
	    fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_cred_set_rp(c, RP_ID, "Example") == FIDO_OK &&
	    fido_cred_set_user(c, m->user_id, sizeof(m->user_id), "alice", "Alice", NULL) == FIDO_OK &&
	    fido_cred_set_rk(c, rk ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) == FIDO_OK &&
	    fido_cred_set_uv(c, uv ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) == FIDO_OK,
	    "%s: build the request", label))
		goto out;
	r = fido_dev_make_cred(dev, c, NULL);
	if (!check(r == FIDO_OK, "%s: fido_dev_make_cred (%s)", label, fido_strerr(r)))
		goto out;
	what = self ? "fido_cred_verify_self" : "fido_cred_verify";
	r = self ? fido_cred_verify_self(c) : fido_cred_verify(c);
	check(r == FIDO_OK, "%s: %s, fmt %s (%s)", label, what,
	    fido_cred_fmt(c) ? fido_cred_fmt(c) : "(none)", fido_strerr(r));
	check((fido_cred_flags(c) & 0x01) != 0, "%s: UP set", label);
	check(!!(fido_cred_flags(c) & 0x04) == uv, "%s: UV %s", label, uv ? "set" : "clear");
	check(fido_cred_aaguid_len(c) == 16 && memcmp(fido_cred_aaguid_ptr(c), aaguid, 16) == 0,
	    "%s: the AAGUID in the attested credential data is the configured one", label);
	check(fido_cred_id_len(c) > 0 && fido_cred_id_len(c) <= sizeof(m->id) &&
	    fido_cred_pubkey_len(c) > 0 && fido_cred_pubkey_len(c) <= sizeof(m->pk),
	    "%s: credential ID (%zu bytes) and public key", label, fido_cred_id_len(c));
	if (fido_cred_id_len(c) == 0 || fido_cred_id_len(c) > sizeof(m->id) ||
	    fido_cred_pubkey_len(c) == 0 || fido_cred_pubkey_len(c) > sizeof(m->pk))
		goto out;
	m->id_len = fido_cred_id_len(c);
	memcpy(m->id, fido_cred_id_ptr(c), m->id_len);
	m->pk_len = fido_cred_pubkey_len(c);
	memcpy(m->pk, fido_cred_pubkey_ptr(c), m->pk_len);

	/* The same response with another clientDataHash must not verify. */
	cdh[0] ^= 1;
	if (fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) == FIDO_OK) {
		r = self ? fido_cred_verify_self(c) : fido_cred_verify(c);
		check(r != FIDO_OK, "%s: a changed clientDataHash fails %s (%s)", label, what,
		    fido_strerr(r));
	}
	ok = true;
out:
	fido_cred_free(&c);
	return ok;
}

/* An assertion with m in the allow list. Returns the signCount, or -1. */
static long
assert_allow(fido_dev_t *dev, const struct made *m, bool uv, unsigned seed)
{
	fido_assert_t *a = fido_assert_new();
	unsigned char cdh[32];
	char label[80];
	long count = -1;
	int r;

	snprintf(label, sizeof(label), "%s%s, allow list%s", alg_name(m->alg),
	    m->rk ? " resident" : "", uv ? ", uv" : "");
	fill(cdh, sizeof(cdh), seed);
	if (!check(a != NULL && fido_assert_set_rp(a, RP_ID) == FIDO_OK &&
	    fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_assert_allow_cred(a, m->id, m->id_len) == FIDO_OK &&
	    fido_assert_set_uv(a, uv ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) == FIDO_OK,
	    "%s: build the request", label))
		goto out;
	r = fido_dev_get_assert(dev, a, NULL);
	if (!check(r == FIDO_OK && fido_assert_count(a) == 1, "%s: fido_dev_get_assert (%s)",
	    label, fido_strerr(r)))
		goto out;
	r = verify_assert(a, 0, m);
	check(r == FIDO_OK, "%s: fido_assert_verify (%s)", label, fido_strerr(r));
	check(!!(fido_assert_flags(a, 0) & 0x04) == uv, "%s: UV %s", label, uv ? "set" : "clear");
	check(fido_assert_id_len(a, 0) == m->id_len &&
	    memcmp(fido_assert_id_ptr(a, 0), m->id, m->id_len) == 0, "%s: the credential ID", label);
	count = fido_assert_sigcount(a, 0);
	cdh[5] ^= 0x80;
	if (fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) == FIDO_OK) {
		r = verify_assert(a, 0, m);
		check(r == FIDO_ERR_INVALID_SIG, "%s: a changed clientDataHash fails "
		    "fido_assert_verify (%s)", label, fido_strerr(r));
	}
out:
	fido_assert_free(&a);
	return count;
}

/* No allow list: every resident credential of the RP comes back. */
static void
assert_discoverable(fido_dev_t *dev, const struct made *made, size_t n, bool uv)
{
	fido_assert_t *a = fido_assert_new();
	unsigned char cdh[32];
	size_t i, j, n_rk = 0, found = 0;
	int r;

	fill(cdh, sizeof(cdh), 77);
	for (i = 0; i < n; i++)
		n_rk += made[i].rk;
	if (!check(a != NULL && fido_assert_set_rp(a, RP_ID) == FIDO_OK &&
	    fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) == FIDO_OK &&
	    fido_assert_set_uv(a, uv ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) == FIDO_OK,
	    "no allow list: build the request"))
		goto out;
	r = fido_dev_get_assert(dev, a, NULL);
	if (!check(r == FIDO_OK, "no allow list: fido_dev_get_assert (%s)", fido_strerr(r)))
		goto out;
	check(fido_assert_count(a) == n_rk, "no allow list: %zu assertions for %zu resident "
	    "credentials (getNextAssertion)", fido_assert_count(a), n_rk);
	for (j = 0; j < fido_assert_count(a); j++)
		for (i = 0; i < n; i++) {
			const struct made *m = &made[i];

			if (!m->rk || fido_assert_id_len(a, j) != m->id_len ||
			    memcmp(fido_assert_id_ptr(a, j), m->id, m->id_len) != 0)
				continue;
			found++;
			r = verify_assert(a, j, m);
			check(r == FIDO_OK, "no allow list: %s resident verifies (%s)",
			    alg_name(m->alg), fido_strerr(r));
			check(fido_assert_user_id_len(a, j) == sizeof(m->user_id) &&
			    memcmp(fido_assert_user_id_ptr(a, j), m->user_id,
			    sizeof(m->user_id)) == 0, "no allow list: %s resident returns its "
			    "user handle", alg_name(m->alg));
			check(!!(fido_assert_flags(a, j) & 0x04) == uv, "no allow list: %s UV %s",
			    alg_name(m->alg), uv ? "set" : "clear");
		}
	check(found == n_rk, "no allow list: each resident credential found once");
out:
	fido_assert_free(&a);
}

static void
negative_asserts(fido_dev_t *dev, const struct made *m)
{
	fido_assert_t *a = fido_assert_new();
	unsigned char cdh[32], bogus[64];
	int r;

	fill(cdh, sizeof(cdh), 3);
	fill(bogus, sizeof(bogus), 4);
	/* An ID the authenticator never made. */
	r = a == NULL ? FIDO_ERR_INTERNAL :
	    fido_assert_set_rp(a, RP_ID) != FIDO_OK ||
	    fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) != FIDO_OK ||
	    fido_assert_allow_cred(a, bogus, sizeof(bogus)) != FIDO_OK ? FIDO_ERR_INTERNAL :
	    fido_dev_get_assert(dev, a, NULL);
	check(r == FIDO_ERR_NO_CREDENTIALS, "unknown credential ID: NO_CREDENTIALS (%s)",
	    fido_strerr(r));
	fido_assert_free(&a);
	/* Our non-resident credential asked for by another RP. */
	a = fido_assert_new();
	r = a == NULL ? FIDO_ERR_INTERNAL :
	    fido_assert_set_rp(a, "other.example.org") != FIDO_OK ||
	    fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)) != FIDO_OK ||
	    fido_assert_allow_cred(a, m->id, m->id_len) != FIDO_OK ? FIDO_ERR_INTERNAL :
	    fido_dev_get_assert(dev, a, NULL);
	check(r == FIDO_ERR_NO_CREDENTIALS, "another RP's credential: NO_CREDENTIALS (%s)",
	    fido_strerr(r));
	fido_assert_free(&a);
}

static int
parse_aaguid(const char *s, unsigned char out[16])
{
	size_t i = 0;

	for (; *s && i < 32; s++) {
		unsigned v;

		if (*s == '-')
			continue;
		if (*s >= '0' && *s <= '9')
			v = (unsigned)(*s - '0');
		else if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			v = (unsigned)((*s | 0x20) - 'a' + 10);
		else
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
		i++;
	}
	return i == 32 && *s == '\0' ? 0 : -1;
}

static void
fido2_tests(const char *path, const unsigned char aaguid[16], bool uv, bool self)
{
	static const int algs[] = { COSE_ES256, COSE_EDDSA };
	struct made made[4];
	fido_dev_t *dev = fido_dev_new();
	fido_cbor_info_t *ci = fido_cbor_info_new();
	size_t n = 0, i;
	int r;

	mode_label = uv ? "libfido2, uv auto" : "libfido2, uv 0";
	if (!check(dev != NULL && ci != NULL && fido_dev_set_io_functions(dev, &shim_io) == FIDO_OK,
	    "fido_dev_set_io_functions"))
		goto out;
	r = fido_dev_open(dev, path);
	if (!check(r == FIDO_OK, "fido_dev_open (%s)", fido_strerr(r)))
		goto out;
	check(fido_dev_is_fido2(dev), "the device speaks CTAP2 (CBOR capability)");
	r = fido_dev_get_cbor_info(dev, ci);
	if (check(r == FIDO_OK, "fido_dev_get_cbor_info (%s)", fido_strerr(r)))
		check(fido_cbor_info_aaguid_len(ci) == 16 &&
		    memcmp(fido_cbor_info_aaguid_ptr(ci), aaguid, 16) == 0,
		    "getInfo AAGUID is the configured one");
	check(fido_dev_has_uv(dev) == uv, "getInfo option uv %s", uv ? "true" : "absent/false");
	check(fido_dev_cancel(dev) == FIDO_OK, "CTAPHID_CANCEL is accepted (no reply expected)");

	for (i = 0; i < 4; i++) {
		if (make_cred(dev, &made[n], algs[i % 2], i >= 2, uv, self, aaguid,
		    (unsigned)i))
			n++;
	}
	for (i = 0; i < n; i++) {
		long c1 = assert_allow(dev, &made[i], uv, 100 + (unsigned)i);
		long c2 = assert_allow(dev, &made[i], uv, 200 + (unsigned)i);

		check(c1 >= 0 && c2 > c1, "%s%s: the signature counter increases (%ld, %ld)",
		    alg_name(made[i].alg), made[i].rk ? " resident" : "", c1, c2);
	}
	assert_discoverable(dev, made, n, uv);
	if (uv && n > 0) {
		/* UV not asked for: the flag stays clear. */
		(void)assert_allow(dev, &made[0], false, 300);
	}
	if (!uv) {
		/* UV required of an authenticator that has none. */
		fido_cred_t *c = fido_cred_new();
		unsigned char cdh[32], uid[8];

		fill(cdh, sizeof(cdh), 9);
		fill(uid, sizeof(uid), 10);
		r = c == NULL || fido_cred_set_type(c, COSE_ES256) != FIDO_OK ||
		    fido_cred_set_clientdata_hash(c, cdh, sizeof(cdh)) != FIDO_OK ||
		    fido_cred_set_rp(c, RP_ID, NULL) != FIDO_OK ||
		    fido_cred_set_user(c, uid, sizeof(uid), "bob", NULL, NULL) != FIDO_OK ||
		    fido_cred_set_uv(c, FIDO_OPT_TRUE) != FIDO_OK ? FIDO_ERR_INTERNAL :
		    fido_dev_make_cred(dev, c, NULL);
		check(r == FIDO_ERR_INVALID_OPTION || r == FIDO_ERR_UNSUPPORTED_OPTION,
		    "uv=true without UV capability is refused (%s)", fido_strerr(r));
		fido_cred_free(&c);
	}
	if (n > 0)
		negative_asserts(dev, &made[0]);
	check(fido_dev_close(dev) == FIDO_OK, "fido_dev_close");

	/* A second connection: the stored credentials are still there. */
	r = fido_dev_open(dev, path);
	if (check(r == FIDO_OK, "reopen (%s)", fido_strerr(r))) {
		for (i = 0; i < n; i++)
			if (made[i].rk) {
				long c = assert_allow(dev, &made[i], uv, 400);

				check(c > 0, "after reopening, the resident %s credential works",
				    alg_name(made[i].alg));
				break;
			}
		(void)fido_dev_close(dev);
	}
out:
	fido_cbor_info_free(&ci);
	fido_dev_free(&dev);
}

int
main(int argc, char **argv)
{
	unsigned char aaguid[16];
	bool uv, self;

	if (argc != 5 || parse_aaguid(argv[2], aaguid) != 0 ||
	    (strcmp(argv[3], "0") != 0 && strcmp(argv[3], "auto") != 0) ||
	    (strcmp(argv[4], "packed") != 0 && strcmp(argv[4], "packed-self") != 0)) {
		fprintf(stderr, "usage: fido2_dev SOCKET AAGUID 0|auto packed|packed-self\n");
		return 2;
	}
	uv = strcmp(argv[3], "auto") == 0;
	self = strcmp(argv[4], "packed-self") == 0;
	fido_init(getenv("FIDO_DEBUG") ? FIDO_DEBUG : 0);
	raw_tests(argv[1]);
	fido2_tests(argv[1], aaguid, uv, self);
	diag("%d failure(s)", failures);
	return failures ? 1 : 0;
}
