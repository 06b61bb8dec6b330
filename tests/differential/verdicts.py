#!/usr/bin/python3
"""verdicts.py — accept/reject differential: for every vector in vectors/
(w3c-l3, chromium) and the output of every quirk (`fidosim quirks`, made with
`fidosim create/get --quirk NAME`), fidosim's policy preset of a library must
give the same verdict as the real library:
  simplewebauthn  vs @simplewebauthn/server (node_modules, pinned)
  python-fido2    vs python-fido2's Fido2Server (Debian python3-fido2)
Where the real library's verdict differs from fidosim's "spec" preset the
case is named on its line ("ok ... # library differs from spec: ..."):
expected, not a failure. A mismatch between a preset and its library is a
"not ok". python-fido2 raising something other than its own refusals
(ValueError, its InvalidAttestation family, NotImplementedError for what it
does not implement) is a crash; a crash counts as a rejection and the line
says so.
Run with /usr/bin/python3 from the repository root; FIDOSIM names the binary.
TAP output."""
import glob, json, os, subprocess, sys, tempfile

F = os.environ.get("FIDOSIM", "build/fidosim")
ALGS = [-7, -8, -35, -36, -37, -257]   # both sides are given the same list
n = 0


def tap(ok, desc, why=""):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, desc))
    if not ok and why:
        print("# " + str(why)[:300])


def fmt_of(resp):
    import base64
    from fido2 import cbor
    ao = resp["response"].get("attestationObject", "")
    try:
        raw = base64.urlsafe_b64decode(ao + "=" * (-len(ao) % 4))
        return cbor.decode(raw).get("fmt", "?")
    except Exception:  # noqa: BLE001
        return "?"


def ours(case, preset, work):
    """fidosim's verdict under a preset: (accepted, first error rule)."""
    rp = os.path.join(work, "resp.json")
    json.dump(case["response"], open(rp, "w"))
    cmd = [F, "verify-" + case["ceremony"], "--rp-id", case["rpId"], "--origin", case["origin"],
           "--challenge", case["challenge"], "--uv", case["uv"], "--policy-preset", preset, "--json"]
    if case["ceremony"] == "registration":
        cmd += ["--algs", ",".join(str(a) for a in ALGS), "--attestation", case["conveyance"]]
    else:
        cp = os.path.join(work, "cred.json")
        json.dump(case["credential"], open(cp, "w"))
        cmd += ["--credential", cp]
    p = subprocess.run(cmd + case.get("extra", []) + [rp], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None, "exit %d: %s" % (p.returncode, p.stderr.strip()[:200])
    j = json.loads(p.stdout)
    return j["verified"], ",".join(e["rule"] for e in j["errors"]), j.get("credentialRecord")


def python_fido2(case):
    """python-fido2 0.9.1 Fido2Server as the preset models it: (accepted, error, crashed)."""
    from cryptography.exceptions import InvalidSignature
    from fido2.attestation import Attestation
    from fido2.attestation.base import InvalidAttestation
    from fido2.client import ClientData
    from fido2.ctap2 import AttestationObject, AttestedCredentialData, AuthenticatorData
    from fido2 import cbor
    from fido2.server import Fido2Server
    from fido2.utils import websafe_decode
    from fido2.webauthn import PublicKeyCredentialRpEntity

    def verify_statement(ao, cdh):
        Attestation.for_type(ao.fmt)().verify(ao.att_statement, ao.auth_data, cdh)

    conv = case.get("conveyance", "none")
    server = Fido2Server(PublicKeyCredentialRpEntity(case["rpId"], "Example"), attestation=conv,
                         verify_origin=lambda o: o == case["origin"],
                         verify_attestation=verify_statement)
    r = case["response"]["response"]
    try:
        if case["ceremony"] == "registration":
            _, st = server.register_begin({"id": b"user1", "name": "u"},
                                          challenge=websafe_decode(case["challenge"]),
                                          user_verification=case["uv"])
            server.register_complete(st, ClientData(websafe_decode(r["clientDataJSON"])),
                                     AttestationObject(websafe_decode(r["attestationObject"])))
        else:
            cr = case["credential"]
            acd = AttestedCredentialData.create(b"\0" * 16, websafe_decode(cr["id"]),
                                                cbor.decode(websafe_decode(cr["publicKey"])))
            _, st = server.authenticate_begin([acd], user_verification=case["uv"],
                                              challenge=websafe_decode(case["challenge"]))
            server.authenticate_complete(st, [acd], websafe_decode(case["response"]["rawId"]),
                                         ClientData(websafe_decode(r["clientDataJSON"])),
                                         AuthenticatorData(websafe_decode(r["authenticatorData"])),
                                         websafe_decode(r["signature"]))
        return True, None, False
    except (ValueError, InvalidAttestation, InvalidSignature, NotImplementedError) as e:
        return False, repr(e)[:200], False
    except Exception as e:  # noqa: BLE001 — a crash is a rejection too, said so
        return False, repr(e)[:200], True


def vector_cases(work):
    cases = []
    for path in sorted(glob.glob("vectors/w3c-l3/*.json") + glob.glob("vectors/chromium/*.json")):
        v = json.load(open(path))
        if "response" not in v or v.get("ceremony") not in ("registration", "authentication"):
            continue
        c = {"name": os.path.basename(path)[:-5], "ceremony": v["ceremony"], "rpId": v["rpId"],
             "origin": v["origin"], "challenge": v["challenge"], "uv": v.get("uv", "preferred"),
             "response": v["response"]}
        # The RP settings the vector needs (vectors/w3c-l3/README.md); the
        # libraries do not look at crossOrigin or topOrigin at all.
        c["extra"] = (["--allow-cross-origin"] if v.get("allowCrossOrigin") else []) + \
            (["--top-origin", v["topOrigin"]] if v.get("topOrigin") else [])
        if c["ceremony"] == "registration":
            # The vectors do not say what the RP asked for: a statement other than
            # none is taken as asked for ("direct").
            c["conveyance"] = "none" if fmt_of(v["response"]) == "none" else "direct"
        elif "credential" in v:
            c["credential"] = v["credential"]
        elif isinstance(v.get("registration"), dict):
            reg = v["registration"]
            rc = {"ceremony": "registration", "rpId": v["rpId"], "origin": v["origin"],
                  "challenge": reg.get("challenge", v["challenge"]), "uv": "preferred",
                  "response": reg.get("response", reg), "conveyance": "none"}
            got = ours(rc, "spec", work)
            if not got[0]:
                continue
            c["credential"] = got[2]
        else:
            continue
        cases.append(c)
    return cases


AUTH_QUIRKS = {"counter-regress", "bad-signature", "raw-ecdsa-signature", "at-in-assertion", "be-flip"}
FLAGS = {"bs-without-be": ["--be", "1"], "aaguid-cert-mismatch": ["--attestation", "packed"],
         "cert-ca-true": ["--attestation", "packed"], "cert-missing-ou": ["--attestation", "packed"],
         "cert-expired": ["--attestation", "packed"], "alg-mismatch": ["--attestation", "packed-self"],
         "be-flip": ["--be", "1"]}
CH = "AAECAwQFBgcICQoLDA0ODw"


def quirk_cases(work):
    cases = []
    quirks = json.loads(subprocess.run([F, "quirks", "--json"], capture_output=True, text=True,
                                       check=True).stdout)
    for q in quirks:
        name, flags = q["name"], FLAGS.get(q["name"], [])
        conv = "direct" if ("--attestation" in flags or name == "none-with-attstmt") else "none"
        store = os.path.join(work, name + ".store")
        opts = os.path.join(work, "opts.json")
        json.dump({"rp": {"id": "example.org", "name": "Example"},
                   "user": {"id": "dXNlcg", "name": "u", "displayName": "U"}, "challenge": CH,
                   "pubKeyCredParams": [{"type": "public-key", "alg": -7}], "attestation": conv,
                   "authenticatorSelection": {"residentKey": "discouraged",
                                              "userVerification": "preferred"}}, open(opts, "w"))
        auth = name in AUTH_QUIRKS or (q.get("rule") or "").startswith("AUTH-")
        p = subprocess.run([F, "create", "--store", store] + flags + ([] if auth else ["--quirk", name])
                           + [opts], capture_output=True, text=True)
        if p.returncode != 0:
            print("# quirk %s: create refused (%s); no response to judge" % (name, p.stdout.strip()[:120]))
            continue
        reg = json.loads(p.stdout)
        c = {"name": "quirk-" + name, "ceremony": "registration", "rpId": "example.org",
             "origin": "https://example.org", "challenge": CH, "uv": "preferred", "response": reg,
             "conveyance": conv}
        if auth:
            got = ours(c, "spec", work)
            if not got[0]:
                print("# quirk %s: its registration did not verify; skipped" % name)
                continue
            gopts = os.path.join(work, "get.json")
            json.dump({"rpId": "example.org", "challenge": CH, "userVerification": "preferred",
                       "allowCredentials": [{"type": "public-key", "id": reg["id"]}]}, open(gopts, "w"))
            extra = ["--bs", "0"] if name == "be-flip" else []
            p = subprocess.run([F, "get", "--store", store, "--quirk", name] + extra + [gopts],
                               capture_output=True, text=True)
            if p.returncode != 0:
                print("# quirk %s: get refused (%s)" % (name, p.stdout.strip()[:120]))
                continue
            c = {"name": "quirk-" + name, "ceremony": "authentication", "rpId": "example.org",
                 "origin": "https://example.org", "challenge": CH, "uv": "preferred",
                 "response": json.loads(p.stdout), "credential": got[2]}
        cases.append(c)
    return cases


def main():
    work = tempfile.mkdtemp()
    cases = vector_cases(work) + quirk_cases(work)
    for c in cases:
        c["algs"] = ALGS
    cf = os.path.join(work, "cases.json")
    json.dump(cases, open(cf, "w"))
    sw = {}
    if os.path.isdir("node_modules/@simplewebauthn/server"):
        p = subprocess.run(["node", "tests/differential/simplewebauthn_verdicts.mjs", cf],
                           capture_output=True, text=True)
        sw = json.loads(p.stdout) if p.returncode == 0 else {}
        if not sw:
            tap(False, "simplewebauthn: the verdict script failed", p.stderr[-300:])
    else:
        tap(False, "simplewebauthn: node_modules missing (run npm ci)")
    differs = []
    for c in cases:
        spec = ours(c, "spec", work)
        for lib, preset, real in (("simplewebauthn", "simplewebauthn", sw.get(c["name"])),
                                  ("python-fido2", "python-fido2", None)):
            if lib == "python-fido2":
                real = dict(zip(("accepted", "error", "crashed"), python_fido2(c)))
            if real is None:
                continue
            mine = ours(c, preset, work)
            verdict = "accepts" if real["accepted"] else \
                "rejects (crashed, counted as a rejection)" if real.get("crashed") else "rejects"
            ok = mine[0] is not None and mine[0] == real["accepted"]
            note = ""
            if spec[0] is not None and spec[0] != real["accepted"]:
                why = "library: %s; preset: %s" % (real["error"], mine[1]) if not real["accepted"] \
                    else "spec: %s" % spec[1]
                note = " # library differs from spec: %s %s, spec %s (%s)" % (
                    lib, verdict, "accepts" if spec[0] else "rejects", why)
                differs.append("%s %s" % (lib, c["name"]))
            tap(ok, "%s: %s: preset and library both %s%s" % (lib, c["name"], verdict, note)
                if ok else "%s: %s: library %s, preset %s" % (lib, c["name"], verdict,
                                                               "accepts" if mine[0] else "rejects (%s)" % mine[1]),
                "" if ok else "library: %s" % real["error"])
    print("# %d cases; %d verdicts where the library differs from the spec preset:" % (len(cases), len(differs)))
    for d in differs:
        print("#   " + d)
    print("1..%d" % n)


main()
