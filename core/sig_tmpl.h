/*
 * sig_tmpl.h — ready EVP_DigestSign / EVP_DigestVerify contexts kept per key,
 * so a repeated signature or verification under the same EVP_PKEY copies a
 * context instead of initialising one. EVP_Digest{Sign,Verify}Init looks the
 * key's type and the signature algorithm up by name in the provider store
 * on every call (about a tenth of a P-256 verify on OpenSSL 3.0); a copy of
 * a ready context (EVP_MD_CTX_copy_ex, which duplicates the provider's
 * context) costs a small part of that.
 *
 * The cache is per process: a few entries, each holding a reference to its
 * key (so a cached key's address cannot be reused by another key while the
 * entry lives), replaced oldest first, guarded by a read-write lock, freed
 * at exit. Only ECDSA contexts are kept (the hot paths: the authenticator's
 * ES256 signature, the RP's ES256 verification).
 */
#ifndef FSIM_SIG_TMPL_H
#define FSIM_SIG_TMPL_H

#include <stdbool.h>

#include <openssl/evp.h>

/*
 * Make ctx (fresh from EVP_MD_CTX_new) ready for one sign (sign true) or
 * verify with pkey under the COSE alg: a copy of the cached context when
 * there is one. Returns true when ctx is ready, false when the caller must
 * initialise it itself (then, once it has, fsim_sig_tmpl_put keeps a copy).
 */
bool fsim_sig_tmpl_get(EVP_MD_CTX *ctx, EVP_PKEY *pkey, int alg, bool sign);

/* Keep a copy of ctx, just initialised for (pkey, alg, sign); best effort. */
void fsim_sig_tmpl_put(const EVP_MD_CTX *ctx, EVP_PKEY *pkey, int alg, bool sign);

/*
 * Drop every context kept for pkey (and the cache's reference to it): an
 * owner that frees a private key calls it, so the key does not outlive its
 * owner in the cache. A key nobody forgets leaves when 16 newer ones have
 * come, or at exit; OpenSSL clears a private key when its last reference goes.
 */
void fsim_sig_tmpl_forget(EVP_PKEY *pkey);

#endif /* !FSIM_SIG_TMPL_H */
