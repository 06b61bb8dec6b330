/*
 * sig_memo.c — the signatures one thread found valid inside a scope (see
 * sig_memo.h).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "ossl_cache.h"
#include "sig_memo.h"

/* The innermost open scope of this thread. */
static _Thread_local fsim_sig_memo_t *current;

void
fsim_sig_memo_begin(fsim_sig_memo_t *m)
{
	if (m == NULL)
		return;
	memset(m, 0, sizeof(*m));
	m->md = EVP_MD_CTX_new();
	m->outer = current;
	current = m;
}

void
fsim_sig_memo_end(fsim_sig_memo_t *m)
{
	if (m == NULL)
		return;
	if (current == m)
		current = m->outer;
	EVP_MD_CTX_free(m->md);
	OPENSSL_cleanse(m, sizeof(*m));
}

static bool
put_len(EVP_MD_CTX *md, size_t n)
{
	uint8_t b[8];
	int i;

	for (i = 7; i >= 0; i--, n >>= 8)
		b[i] = (uint8_t)(n & 0xff);
	return EVP_DigestUpdate(md, b, sizeof(b)) == 1;
}

/* Each field length-prefixed, so no two different tuples share an input. */
static bool
put(EVP_MD_CTX *md, const void *p, size_t n)
{
	return put_len(md, n) && (n == 0 || EVP_DigestUpdate(md, p, n) == 1);
}

bool
fsim_sig_memo_key(const EVP_PKEY *pkey, int crv, int alg, const uint8_t *msg,
    size_t mlen, const uint8_t *sig, size_t slen, uint8_t key[32])
{
	fsim_sig_memo_t *m = current;
	uint8_t pub[160];          /* P-521 uncompressed is 133 bytes, Ed448 57 */
	size_t plen = 0;
	unsigned int dlen = 0;
	int id;

	if (m == NULL || m->md == NULL || pkey == NULL)
		return false;
	id = EVP_PKEY_get_base_id(pkey);
	if (id != EVP_PKEY_EC && id != EVP_PKEY_ED25519 && id != EVP_PKEY_ED448)
		return false;
	if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
	    pub, sizeof(pub), &plen) != 1 || plen == 0) {
		ERR_clear_error();
		return false;
	}
	if (EVP_DigestInit_ex(m->md, fsim_md_fetched("SHA256"), NULL) != 1 ||
	    !put_len(m->md, (size_t)id) || !put_len(m->md, (size_t)(unsigned)crv) ||
	    !put_len(m->md, (size_t)(unsigned)alg) || !put(m->md, pub, plen) ||
	    !put(m->md, msg, mlen) || !put(m->md, sig, slen) ||
	    EVP_DigestFinal_ex(m->md, key, &dlen) != 1 || dlen != 32) {
		ERR_clear_error();
		return false;
	}
	return true;
}

bool
fsim_sig_memo_seen(const uint8_t key[32])
{
	fsim_sig_memo_t *m = current;
	size_t i;

	if (m == NULL)
		return false;
	for (i = 0; i < m->n; i++)
		if (CRYPTO_memcmp(m->seen[i], key, 32) == 0) {
			m->hits++;
			return true;
		}
	return false;
}

void
fsim_sig_memo_add(const uint8_t key[32])
{
	fsim_sig_memo_t *m = current;

	if (m == NULL)
		return;
	if (m->n < FSIM_SIG_MEMO_SLOTS)
		memcpy(m->seen[m->n++], key, 32);
	else {
		memcpy(m->seen[m->next], key, 32);
		m->next = (m->next + 1) % FSIM_SIG_MEMO_SLOTS;
	}
}
