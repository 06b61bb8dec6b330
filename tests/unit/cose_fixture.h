/*
 * cose_fixture.h — shared by test_cose.c and test_sig.c: fixed RSA test keys
 * (generated for these tests with `openssl genpkey -algorithm RSA`, so that
 * no test waits for RSA key generation, which is slow under valgrind), EC/Ed
 * key generation, and the W3C L3 vector loader.
 */
#ifndef COSE_FIXTURE_H
#define COSE_FIXTURE_H

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <jansson.h>

#include "core/b64.h"
#include "core/util.h"

#define FIXTURE_UNUSED __attribute__((unused))

/* Test-only key pairs; never used outside tests. */
static const char rsa2048_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC0sTUCq953mo3H\n"
    "iwm1TPZsMckGZneLwLsjCItrFlcrfJQ4Bw3cHUpkaCv/VEtirNZ3/RIapuC0vXQ9\n"
    "iy0yyXQcRPeCr0r3vR2heBIdLuLjN4rTGduALiK/W0Z1sQczqegW6v9/bQW7Pkt8\n"
    "lF6sMr2emu+qz62kJg7CKef4hw0bqDjDtq00DxHTkmcDpVwGZbWTIUqyog9CjWVV\n"
    "AkodALFJR41kzxxps3lDyvZvSxcLaK2aJDj8XC07XsK+PqCza9UaMb7mZny2e29L\n"
    "QaTIoXHNLuspyB7NKUwC1T4xvEXXqbyltb5icMsPxeLvGqeETgi9KijyKv0mLBGP\n"
    "nMWXUYXHAgMBAAECggEARclRN3xouhnbm09USwzz+ZqK0Ol/T177B89ThWMF/Lor\n"
    "Rq5WyIYZhskDASStzukBFiuMM/XywGuRevmHVd+fdBGg5HzOP/tu9793g4TpxSbc\n"
    "+6Y3c/ydl/lpL6hVJzt+c2eEkVLqjUREhFOLcwdP2/NsEDUQk97NAWmM+ZwzUFQS\n"
    "SKrJSp0cFNWgPihk8jOUx7OS0O4U1Uta1ZmXB8DvDE8+nIA9iVqQhu077Oq12ZtT\n"
    "ormaJKz78iIQh5GtYHSpyrsvEbeA2FtguduYdjSZwh/5U/vPh5dw4QzkbDM01XtR\n"
    "3ArwzlJoTdvkCMO7GaLlY4LnbqNcMTkBhOSIpVrT7QKBgQD+as9TjFQV4auQgz7G\n"
    "HKosYn/fzD2Z9Ek16+tGBi9ADZfx4mkQZcof9Lyt4ewgMZgXLqvz2emgsSDcNW/o\n"
    "THdIYlrXQaH+T6eyRxRf/BJHtNtbp6CtXiru3n37VEcQq6l0ZfycfLGeFD2NMMtn\n"
    "CENKyERXzJy95umx+hHspRRppQKBgQC10PsxuzS0NQA1Qa67jR0PZQHb+BurmUzQ\n"
    "8PtrLW2lBj2g9p/6vA5EHr+wbSQxvHzOVFEGKsuWD6Zv3aBVRhG7JwhmTpsXcA3J\n"
    "ZLi8v3DWiT3Yqctez0YgvH4qNhhv11cptMJVJbsQJ67j+DwWV0cWOjIcw3EpNTll\n"
    "D9hbBKld+wKBgQDqMxaheVdaQUA2qqqZon+AljfSo2e9liPisEcHUeAjHaBWuS4w\n"
    "OxOCsT8S7hr4U88G4B7IPjwTgZqXO9XFSMaxamDnMHLX8SmVMltuNFP7kGAxkjCW\n"
    "B06MT2I3fxBgJzW5gby1rQ+wTj+O/nDvaqrPZ2WKUT+kjLFp9aKUbi5JRQKBgQCs\n"
    "oXqAY7HNES3bYzwXFAttnIhBZbhQHESVdtohj4a109EcTk7j8T7Sayeyyk49cyxF\n"
    "dEViR6v6FW4AdTxQ+zDGtG8DRMt5W4mbmSjW/iaTbMfuOnnA0alSV+arCaX2O06l\n"
    "aN3DnwmYczVZe08CH2h9sE/4g5GkgMa4MG1LLofplQKBgAm4CQ8pQtOv5GE0dlCs\n"
    "PHFNBhz3+8DQMXaZf3E9aFz2JW6iT0N4S3QFikNSe1Jzyu6PAkgvBloIW9H5+IR0\n"
    "XdzF/lsnyaOhqqCzR64ccWpn5Zocw5VjC+lc7jvgj/QIkHub94FBtyeESq6TTYgM\n"
    "L3gEgVNQkXAHQmmjxc1+Tf15\n"
    "-----END PRIVATE KEY-----\n"
    ;
static const char rsa1024_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBAMQfCV5RNclP3JgD\n"
    "RizpBrVz4+2MiM/9MZZTJ+jZPQ3CWJ5HeSB3VFrUQcFwhB+34/iHoxRSovsusqZX\n"
    "gdIi4gJmKkEA9moQMLBPLX2SW5evK1Ahp2DaoaW9TVXQUQvLkouhDLow6QLOUetn\n"
    "rXMqVWamtGEKTQWvJiOClHB8CFqNAgMBAAECgYBhWApdXy+0QUh7xzxAtFUZIXGj\n"
    "idqqacEAHTw07gbI2osD3PP5MmGTR8FvkzpxR+QGisReJPoydKZFvC96rsfAi/S+\n"
    "LnlmhTy11cFzK8gUblUu3wMleQauD4kN3BUXNRipsahIK2kYYZDIOFJfJUtm07lI\n"
    "vzpx2PFQanV6TlARHQJBAPKPRaUkZ+m3R2xKIpKcWk4YrOkhwOjL5sSCoAVb/4RS\n"
    "BysM4gql+8Wt/ejQQXeqkrkCBhPHSvZRdk2ZhuW/mm8CQQDO/QgpSn8ikagD1EsF\n"
    "c2NTGVFJJJ/bU2lwqEq8yrKfeYFJbq1xIkxWuWYDsARoxcH36TRvj1iGtMLl74jQ\n"
    "AcjDAkA4G9xIbzt6XOMwsZV9xJ0/I4YcB6rQLxqaqnzJwJZCzZbK5pgDTpIHEFCD\n"
    "4mjCfbqjAUzWlmtIv19WZAVIcCIRAkAJgoCUfRK4QN7qRh+oQXPnxnsAlEkv53Yp\n"
    "seG1KM7qGsgA2q/nSb8eIOh59OVO9v8BZ9p74acckUN/EvFDNUHHAkAtG/5t2oTI\n"
    "wajuTpgc5iQ52fr418vq1JBBZZBXzMNt3yueLOKt7RwbcO41XzvhltLMc0WxRs+F\n"
    "viYwJAWUScrH\n"
    "-----END PRIVATE KEY-----\n"
    ;

static FIXTURE_UNUSED EVP_PKEY *
fixture_pem_key(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = NULL;

	if (bio != NULL)
		k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return k;
}

/* "P-256", "P-384", "P-521", "ED25519", "ED448", "RSA2048", "RSA1024" */
static FIXTURE_UNUSED EVP_PKEY *
fixture_key(const char *what)
{
	if (strcmp(what, "RSA2048") == 0)
		return fixture_pem_key(rsa2048_pem);
	if (strcmp(what, "RSA1024") == 0)
		return fixture_pem_key(rsa1024_pem);
	if (strncmp(what, "P-", 2) == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", what);
	return EVP_PKEY_Q_keygen(NULL, NULL, what);
}

/* Load vectors/w3c-l3/<name>.json (tests run from the repo root). */
static FIXTURE_UNUSED json_t *
fixture_vector(const char *name)
{
	char path[256];
	json_error_t err;

	snprintf(path, sizeof(path), "vectors/w3c-l3/%s.json", name);
	return json_load_file(path, 0, &err);
}

/* Decode the base64url string at obj.a.b (b may be NULL). */
static FIXTURE_UNUSED int
fixture_b64(json_t *obj, const char *a, const char *b, const char *c,
    fsim_blob_t *out)
{
	json_t *v = json_object_get(obj, a);

	if (b != NULL)
		v = json_object_get(v, b);
	if (c != NULL)
		v = json_object_get(v, c);
	if (!json_is_string(v))
		return FSIM_ERR_JSON;
	return fsim_b64url_decode(json_string_value(v), json_string_length(v),
	    out, NULL, a);
}

#endif /* !COSE_FIXTURE_H */
