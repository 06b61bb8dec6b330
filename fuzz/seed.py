#!/usr/bin/env python3
"""seed.py — write the fuzz seed corpora from the W3C L3 vectors in vectors/w3c-l3.

Run from the repository root: python3 fuzz/seed.py. The outputs under
fuzz/corpus/ are committed; rerun when the vectors change.
"""
import base64, glob, hashlib, json, os

def b64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

def put(target, blob):
    d = os.path.join("fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(blob).hexdigest()[:16]), "wb") as f:
        f.write(blob)

for path in sorted(glob.glob("vectors/w3c-l3/*.json")):
    v = json.load(open(path))
    resp = v["response"]
    r = resp["response"]
    put("fuzz_response", json.dumps(resp).encode())
    put("fuzz_clientdata", b64u(r["clientDataJSON"]))
    put("fuzz_authdata", b64u(r["authenticatorData"]))
    if "attestationObject" in r:
        ao = b64u(r["attestationObject"])
        put("fuzz_attobj", ao)
        put("fuzz_reg", json.dumps(resp).encode())
        # Every format verifier sees every format's statement: mismatches are inputs too.
        for fmt in ("none", "packed", "tpm", "android_key", "android_safetynet",
                    "fido_u2f", "apple", "compound"):
            put("fuzz_fmt_" + fmt, ao)
    else:
        put("fuzz_auth", json.dumps(resp).encode())
    cred = v.get("credential")
    if cred:
        put("fuzz_cose", b64u(cred["publicKey"]))
