#!/usr/bin/env python3
"""realworld_mldsa.py — the ML-DSA cases of vectors/real-world/ through the CLI.

Every case in vectors/real-world/cases/ whose credential key is ML-DSA-44,
-65 or -87 (COSE -48, -49, -50): registrations (none, and packed with an x5c
chain whose certificate key is P-256 while the credential key is ML-DSA) and
authentications, captured by py_webauthn and java-webauthn-server (each case
names its source). Each must reach its expected verdict (`expectSpec` where
the case has one, else `expect`) under the spec policy, with the flags,
signCount, fmt and AAGUID of `expectDetails`. The list of cases is fixed
here, so a case that goes missing fails. TAP output.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

FIDOSIM = os.environ.get("FIDOSIM", "build/fidosim")
WRAP = os.environ.get("FSIM_WRAP", "").split()
CASES = "vectors/real-world/cases"
# grep -l '"-48"\|-49\|-50\|ML-DSA' selects these and one ES256 case whose
# bytes merely contain "-50" (f2n-TestInvalidU2FAttestationAsync).
NAMES = [
    "jws-Mldsa44-reg", "jws-Mldsa44-auth", "jws-Mldsa65-reg", "jws-Mldsa65-auth",
    "jws-Mldsa87-reg", "jws-Mldsa87-auth",
    "pyw-reg-verify_pqc_ml_dsa_44_packed_response",
    "pyw-reg-verify_pqc_ml_dsa_65_packed_response",
    "pyw-reg-verify_pqc_ml_dsa_87_packed_response",
    "pyw-auth-verify_ml_dsa_44_response", "pyw-auth-verify_ml_dsa_65_response",
    "pyw-auth-verify_ml_dsa_87_response",
]
ALG = {"44": -48, "65": -49, "87": -50}

n = 0
failed = 0


def tap(good, desc, detail=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if good else "not ok %d - %s") % (n, desc))
    if not good:
        failed += 1
        for line in str(detail).splitlines()[:8]:
            print("# " + line)


def run_case(c, tmp):
    resp = os.path.join(tmp, "resp.json")
    with open(resp, "w") as f:
        json.dump(c["response"], f)
    reg = c["ceremony"] == "registration"
    cmd = WRAP + [FIDOSIM, "verify-registration" if reg else "verify-authentication",
                  "--json", "--rp-id", c["rpId"], "--origin", c["origin"],
                  "--challenge", c["challenge"], "--uv", c["uv"]]
    for o in c.get("extraOrigins") or []:
        cmd += ["--origin", o]
    if c.get("at"):
        cmd += ["--at", str(c["at"])]
    if reg and c.get("algs"):
        cmd += ["--algs", ",".join(str(a) for a in c["algs"])]
    for i, pem in enumerate(c.get("trustAnchors") or []):
        p = os.path.join(tmp, "anchor%d.pem" % i)
        with open(p, "w") as f:
            f.write(pem)
        cmd += ["--trust-anchors", p]
    if not reg:
        p = os.path.join(tmp, "cred.json")
        with open(p, "w") as f:
            json.dump(c["credential"], f)
        cmd += ["--credential", p]
    p = subprocess.run(cmd + [resp], capture_output=True, text=True, timeout=60)
    return p


def main():
    seen = sorted(f[:-5] for f in os.listdir(CASES) if f.endswith(".json") and
                  any(s in f for s in ("Mldsa", "ml_dsa")))
    tap(seen == sorted(NAMES), "the ML-DSA cases on disk are the %d listed" % len(NAMES),
        "on disk: %s" % seen)
    with tempfile.TemporaryDirectory() as tmp:
        for name in NAMES:
            path = os.path.join(CASES, name + ".json")
            try:
                with open(path) as f:
                    c = json.load(f)
            except (OSError, ValueError) as e:
                tap(False, name + ": case readable", e)
                continue
            want = c.get("expectSpec") or c["expect"]
            p = run_case(c, tmp)
            try:
                j = json.loads(p.stdout)
            except ValueError:
                tap(False, name + ": one JSON verdict", p.stdout[:300] + p.stderr[:300])
                continue
            got = "accept" if p.returncode == 0 and j.get("verified") else "reject"
            tap(got == want, "%s: %s (%s)" % (name, want, c["ceremony"]),
                json.dumps(j.get("errors"))[:600])
            set_ = name.split("dsa")[-1][:2] if "Mldsa" in name else name.split("dsa_")[1][:2]
            if c["ceremony"] == "registration":
                key = (j.get("credentialRecord") or {}).get("publicKey") or ""
                raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
                # {1: 7, 3: alg, -1: pub}: a3 01 07 03 38 (-1 - alg) 20 59 ...
                tap(raw[:5] == bytes([0xA3, 0x01, 0x07, 0x03, 0x38]) and
                    raw[5] == -1 - ALG[set_] and raw[6] == 0x20,
                    "%s: the record keeps the AKP key (kty 7, alg %d)" % (name, ALG[set_]),
                    raw[:8].hex())
            exp = c.get("expectDetails")
            if exp:
                ad = j.get("authenticatorData") or {}
                fl = ad.get("flags") or {}
                diffs = []
                for k, v in exp.get("flags", {}).items():
                    if fl.get(k) != v:
                        diffs.append("flag %s: %s, expected %s" % (k, fl.get(k), v))
                if "signCount" in exp and ad.get("signCount") != exp["signCount"]:
                    diffs.append("signCount %s, expected %s" % (ad.get("signCount"), exp["signCount"]))
                if exp.get("fmt") and (j.get("attestation") or {}).get("fmt") != exp["fmt"]:
                    diffs.append("fmt %s, expected %s" % ((j.get("attestation") or {}).get("fmt"), exp["fmt"]))
                if exp.get("aaguid") and ad.get("aaguid") != exp["aaguid"]:
                    diffs.append("aaguid %s, expected %s" % (ad.get("aaguid"), exp["aaguid"]))
                tap(not diffs, name + ": flags, signCount, fmt and AAGUID as expectDetails",
                    "\n".join(diffs))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
