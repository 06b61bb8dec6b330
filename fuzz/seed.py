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

# CTAP requests (command byte + canonical CBOR) and CTAPHID report sequences.
def cbor_head(major, arg):
    if arg < 24:
        return bytes([major << 5 | arg])
    for ai, size in ((24, 1), (25, 2), (26, 4)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | ai]) + arg.to_bytes(size, "big")

def cb(v):
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if isinstance(v, int):
        return cbor_head(0, v) if v >= 0 else cbor_head(1, -1 - v)
    if isinstance(v, bytes):
        return cbor_head(2, len(v)) + v
    if isinstance(v, str):
        return cbor_head(3, len(v.encode())) + v.encode()
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(cb(x) for x in v)
    items = sorted(((cb(k), cb(x)) for k, x in v.items()), key=lambda p: (p[0][0] >> 5, len(p[0]), p[0]))
    return cbor_head(5, len(items)) + b"".join(k + x for k, x in items)

mc = {1: bytes(32), 2: {"id": "example.org", "name": "E"}, 3: {"id": b"\x01", "name": "u"},
      4: [{"alg": -7, "type": "public-key"}, {"alg": -8, "type": "public-key"}],
      6: {"credProtect": 2, "hmac-secret": True}, 7: {"rk": True}}
ga = {1: "example.org", 2: bytes(32), 5: {"up": True}}
pin = {1: 2, 2: 2}
for req in (b"\x01" + cb(mc), b"\x02" + cb(ga), b"\x04", b"\x06" + cb(pin), b"\x08", b"\x0b"):
    put("fuzz_ctap", req)
    # as CTAPHID: INIT on broadcast, then CBOR on the channel the seeded env hands out
    init = b"\xff\xff\xff\xff\x86\x00\x08" + bytes(range(8))
    init += bytes(64 - len(init))
    body = req
    cbor_pkt = b"\x00\x00\x00\x01\x90" + len(body).to_bytes(2, "big") + body[:57]
    cbor_pkt += bytes(64 - len(cbor_pkt))
    put("fuzz_ctaphid", init + cbor_pkt)

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
    put("fuzz_options", json.dumps({"publicKey": {"rp": {"id": v["rpId"], "name": "x"},
        "user": {"id": "AQ", "name": "u", "displayName": "U"}, "challenge": v["challenge"],
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        "authenticatorSelection": {"residentKey": "required", "userVerification": v["uv"]},
        "attestation": "direct", "excludeCredentials": [{"type": "public-key", "id": resp["rawId"]}]}}).encode())
    put("fuzz_options", json.dumps({"rpId": v["rpId"], "challenge": v["challenge"],
        "allowCredentials": [{"type": "public-key", "id": resp["rawId"], "transports": ["usb"]}],
        "userVerification": "required"}).encode())
    cred = v.get("credential")
    if cred:
        put("fuzz_cose", b64u(cred["publicKey"]))
