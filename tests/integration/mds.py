#!/usr/bin/env python3
"""mds.py — `fidosim mds verify|show|list` and `--mds BLOB` on verify-registration,
verify-authentication, explain, run and serve, through the real binary, on
BLOBs made by tests/mds_blob.py and signed by a test chain (no real BLOB).

Registrations come from `fidosim create --attestation packed|fido-u2f`; the
BLOB's entries list the store's attestation CA (`fidosim ca export`) as
their root. Under each RP policy preset, an authenticator whose entry is
certified, REVOKED, REVOKED listed before a later-listed NOT_FIDO_CERTIFIED
(TruU in BLOB no 121), ATTESTATION_KEY_COMPROMISE, or absent gets its
library's verdict; then @simplewebauthn/server's own MetadataService judges
the same registrations from the same BLOB (tests/differential/
mds_simplewebauthn.mjs) and must agree with the simplewebauthn preset.
TAP output.
"""
import base64, datetime, json, os, shutil, subprocess, sys, tempfile, time

F = os.environ.get("FIDOSIM", "build/fidosim")
WRAP = os.environ.get("FSIM_WRAP", "").split()
n = 0
tmp = tempfile.mkdtemp()


def tap(ok, desc, detail=""):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok and detail:
        for line in str(detail).splitlines()[:8]:
            print("# " + line)
    return ok


def done():
    print("1..%d" % n)
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0)


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
try:
    import mds_blob as mb
except Exception as e:  # a missing dependency fails, it does not skip
    tap(False, "python3-cryptography is needed to make test BLOBs (apt-get install "
        "python3-cryptography): %s" % e)
    done()


def fs(*args, stdin=None):
    p = subprocess.run(WRAP + [F] + list(args), capture_output=True, text=True, input=stdin)
    return p.returncode, p.stdout, p.stderr


def jrun(*args):
    rc, out, err = fs(*args)
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err + out


def path(name):
    return os.path.join(tmp, name)


def write(name, data):
    with open(path(name), "w" if isinstance(data, str) else "wb") as f:
        f.write(data)
    return path(name)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
chain = mb.Chain(now - 30 * mb.DAY, now + 300 * mb.DAY)
root = write("root.pem", chain.root_pem())
STORE = path("store")
AAG = {"certified": "5ca1ab1e-0000-4000-8000-0000000000e1",
       "revoked": "5ca1ab1e-0000-4000-8000-0000000000e2",
       "truu": "5ca1ab1e-0000-4000-8000-0000000000e3",
       "akc": "5ca1ab1e-0000-4000-8000-0000000000e4",
       "unlisted": "5ca1ab1e-0000-4000-8000-0000000000e5"}
REPORTS = {
    "certified": [{"status": "FIDO_CERTIFIED_L1", "effectiveDate": "2020-05-12"},
                  {"status": "FIDO_CERTIFIED", "effectiveDate": "2020-05-12"}],
    "revoked": [{"status": "REVOKED", "effectiveDate": "2023-01-01"}],
    "truu": [{"status": "REVOKED", "effectiveDate": "2023-12-20", "authenticatorVersion": 1},
             {"status": "NOT_FIDO_CERTIFIED", "effectiveDate": "2023-11-07"}],
    "akc": [{"status": "FIDO_CERTIFIED", "effectiveDate": "2020-01-01"},
            {"status": "ATTESTATION_KEY_COMPROMISE", "effectiveDate": "2024-01-01"}],
}
CH = b64u(bytes(range(32)))
ORIGIN = "https://example.org"


def create(aaguid, att):
    opts = {"rp": {"id": "example.org", "name": "Example"},
            "user": {"id": b64u(aaguid.encode()[:16]), "name": "u", "displayName": "U"},
            "challenge": CH, "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            "attestation": "direct",
            "authenticatorSelection": {"userVerification": "preferred", "residentKey": "discouraged"}}
    rc, out, err = fs("create", "--store", STORE, "--aaguid", aaguid, "--attestation-format", att,
                      write("opts.json", json.dumps(opts)))
    if rc != 0:
        raise SystemExit("not ok - fidosim create failed: " + err)
    return json.loads(out)


regs = {k: create(a, "packed") for k, a in AAG.items()}
u2f = create("00000000-0000-0000-0000-000000000000", "fido-u2f")
rc, ca_pem, err = fs("ca", "export", "--store", STORE)
tap(rc == 0 and "BEGIN CERTIFICATE" in ca_pem, "the store's attestation CA exports", err)
ca_b64 = mb.pem_to_b64der(ca_pem)
# the fido-u2f entry is listed by its attestation certificate's key identifier (MDS 3.1.1)
ao = base64.urlsafe_b64decode(u2f["response"]["attestationObject"] + "==")
x5c0 = None
try:
    # attStmt.x5c[0]: find the DER certificate by its SEQUENCE header after "x5c"
    i = ao.index(b"cx5c") + 4
    i += 1  # the array head (one element)
    hdr = ao[i]
    ln = ao[i + 1] if hdr == 0x58 else int.from_bytes(ao[i + 1:i + 3], "big")
    start = i + (2 if hdr == 0x58 else 3)
    x5c0 = ao[start:start + ln]
except (ValueError, IndexError):
    pass
tap(x5c0 is not None, "the fido-u2f registration carries its attestation certificate")
acki = mb.keyid(x5c0)


def x5c_of(reg):
    """The DER certificates of a registration's attStmt.x5c (CBOR byte strings, 2-byte lengths)."""
    a = base64.urlsafe_b64decode(reg["response"]["attestationObject"] + "==")
    i = a.index(b"cx5c") + 4
    count = a[i] & 0x1f
    i += 1
    out = []
    for _ in range(count):
        ln = a[i + 1] if a[i] == 0x58 else int.from_bytes(a[i + 1:i + 3], "big")
        i += 2 if a[i] == 0x58 else 3
        out.append(a[i:i + ln])
        i += ln
    return out


inter_b64 = base64.b64encode(x5c_of(regs["certified"])[-1]).decode()

entries = [mb.entry("Gate %s key" % k, REPORTS[k], ca_b64, aaguid=AAG[k]) for k in REPORTS]
u2f_entry = mb.entry("Gate U2F key", REPORTS["certified"], ca_b64, ackis=[acki])
# its x5c is the leaf alone, issued by the store's intermediate: list that as a root too
u2f_entry["metadataStatement"]["attestationRootCertificates"].append(inter_b64)
entries.append(u2f_entry)
entries.append(mb.entry("Unknown members key", [{"status": "FUTURE_STATUS"}], None,
                        aaguid="5ca1ab1e-0000-4000-8000-0000000000f0"))
entries[-1]["futureMember"] = {"a": 1}
FUTURE = "5ca1ab1e-0000-4000-8000-0000000000f1"
entries.append(mb.entry("Revoked from 2099", [{"status": "FIDO_CERTIFIED", "effectiveDate": "2020-01-01"},
                                              {"status": "REVOKED", "effectiveDate": "2099-06-01"}],
                        None, aaguid=FUTURE))
pl = mb.payload(entries, no=42)
blob = write("blob.jwt", chain.blob(pl))

# ---- mds verify ----
rc, j, err = jrun("mds", "verify", "--root", root, "--json", blob)
tap(rc == 0 and j and j["valid"] is True and j["no"] == 42 and j["nextUpdate"] == "2099-01-01"
    and j["entries"] == 7 and j["root"] == "fidosim test MDS root" and j["errors"] == [],
    "mds verify --json: a valid test BLOB ({valid, no, nextUpdate, entries, root, errors})",
    err + json.dumps(j)[:300])
tap(j and any(w["rule"] == "MDS-12" for w in j["warnings"]) and
    any(w["rule"] == "MDS-11" for w in j["warnings"]),
    "unknown members (MDS-12) and an unknown status (MDS-11) are warnings, not errors")
rc, out, err = fs("mds", "verify", "--root", root, blob)
tap(rc == 0 and "VALID" in out and "fidosim test MDS root" in out, "mds verify: text", out + err)
text = open(blob).read()
rc, j, err = jrun("mds", "verify", "--root", root, "--json", write("trunc.jwt", text[:len(text) // 2]))
tap(rc == 1 and j and not j["valid"] and j["errors"][0]["rule"] in ("MDS-01", "MDS-05"),
    "a truncated BLOB is not valid, by rule", json.dumps(j)[:300] + err)
bad = text[:-6] + ("A" if text[-6] != "A" else "B") + text[-5:]
rc, j, err = jrun("mds", "verify", "--root", root, "--json", write("badsig.jwt", bad))
tap(rc == 1 and j and any(e["rule"] == "MDS-05" for e in j["errors"]),
    "a wrong signature fails MDS-05", json.dumps(j)[:300])
rc, j, err = jrun("mds", "verify", "--json", blob)
tap(rc == 1 and j and any(e["rule"] == "MDS-04" for e in j["errors"]),
    "without --root the test BLOB does not chain to GlobalSign R3/R46 (MDS-04)", json.dumps(j)[:300])
rc, j, err = jrun("mds", "verify", "--root", root, "--min-no", "43", "--json", blob)
tap(rc == 1 and j and any(e["rule"] == "MDS-08" for e in j["errors"]),
    "--min-no above the BLOB's no: an older BLOB fails MDS-08")
rc, j, err = jrun("mds", "verify", "--root", root, "--min-no", "42", "--json", blob)
tap(rc == 0, "--min-no equal to the BLOB's no: the same BLOB again passes")
old = mb.Chain(now - 400 * mb.DAY, now - 100 * mb.DAY)
oldroot = write("oldroot.pem", old.root_pem())
oldblob = write("old.jwt", old.blob(mb.payload(entries[:1], no=7, next_update="2025-01-01")))
rc, j, err = jrun("mds", "verify", "--root", oldroot, "--json", oldblob)
tap(rc == 1 and any(e["rule"] == "MDS-04" and "expired" in e["message"] for e in j["errors"]),
    "an expired signing certificate fails MDS-04 now", json.dumps(j)[:300])
at = str(int(time.time()) - 200 * 86400)
rc, j, err = jrun("mds", "verify", "--root", oldroot, "--at", at, "--json", oldblob)
tap(rc == 0 and j["valid"] and any(w["rule"] == "MDS-09" for w in j["warnings"]),
    "... and verifies --at its own date (nextUpdate passed by then is a warning)",
    json.dumps(j)[:400])
rc, out, err = fs("mds", "verify", path("missing.jwt"))
tap(rc == 2 and "missing.jwt" in err and "No such file or directory" in err,
    "a missing BLOB is exit 2, the file and the reason named", err)
rc, out, err = fs("mds", "verify", "--frobnicate", blob)
tap(rc == 2, "an unknown option is exit 2", err)
rc, out, err = fs("mds", "--help")
tap(rc == 0 and "mds3.fidoalliance.org" in out, "mds --help says where to download a BLOB")

# a BLOB of a real one's size (10 MB and more by August 2026): read and indexed whole
big = [mb.entry("Bulk key %d" % i, REPORTS["certified"] * 3, ca_b64,
                aaguid="5ca1ab1e-0000-4000-8000-%012x" % (0x100000 + i)) for i in range(3300)]
for e in big:
    e["metadataStatement"]["authenticatorGetInfo"] = {"versions": ["FIDO_2_0", "FIDO_2_1"],
                                                      "aaguid": e["aaguid"].replace("-", ""),
                                                      "padding": "x" * 1200}
bigblob = write("big.jwt", chain.blob(mb.payload(big, no=300)))
t0 = time.time()
rc, j, err = jrun("mds", "verify", "--root", root, "--json", bigblob)
took = time.time() - t0
tap(rc == 0 and j["entries"] == 3300 and j["byAaguid"] == 3300 and
    os.path.getsize(bigblob) > 10 * 1024 * 1024,
    "a %.1f MB BLOB of 3300 entries verifies and is indexed (%.2f s here)" % (
        os.path.getsize(bigblob) / 1048576.0, took), json.dumps(j)[:300] + err)
rc, j, err = jrun("mds", "show", "--root", root, "--json", bigblob, "5ca1ab1e-0000-4000-8000-000000100ce3")
tap(rc == 0 and j["description"] == "Bulk key 3299", "... and its last entry is found")

# ---- mds gates: each library's reading, with its evidence ----
rc, g, err = jrun("mds", "gates", "--json")
rc2, plist, _ = jrun("policies", "--json")
names = [p["name"] for p in plist] if isinstance(plist, list) else []
tap(rc == 0 and names and set(names) <= set(x["preset"] for x in g) and
    all(len(x["evidence"]) > 40 for x in g), "mds gates: a row per RP policy preset, each with evidence",
    err + json.dumps(names))
row = {x["preset"]: x for x in g} if g else {}
tap(row and "REVOKED" not in row["simplewebauthn"]["refuse"] and "REVOKED" in row["go-webauthn"]["refuse"]
    and row["fido2-net-lib"]["reports"] == "the report listed last" and row["spec"]["reports"] ==
    "reports in effect", "mds gates: REVOKED refused by go-webauthn not simplewebauthn; "
    "fido2-net-lib reads the report listed last")

# ---- mds show / list ----
rc, j, err = jrun("mds", "show", "--root", root, "--json", blob, AAG["truu"])
tap(rc == 0 and j["aaguid"] == AAG["truu"] and j["description"] == "Gate truu key"
    and j["status"] == "REVOKED" and j.get("lastListedStatus") == "NOT_FIDO_CERTIFIED"
    and [r["status"] for r in j["statusReports"]] == ["NOT_FIDO_CERTIFIED", "REVOKED"]
    and j["attestationRootCertificates"][0]["subject"] and j["attestationTypes"] == ["basic_full"],
    "mds show: status reports by date, the status in effect, the last listed one",
    json.dumps(j)[:500] + err)
rc, j, err = jrun("mds", "show", "--root", root, "--json", blob, AAG["certified"])
tap(rc == 0 and j["status"] == "FIDO_CERTIFIED" and j["certification"] == "FIDO_CERTIFIED_L1"
    and "presence_internal" in j["userVerificationMethods"], "mds show: certification level",
    json.dumps(j)[:300])
rc, j, err = jrun("mds", "show", "--root", root, "--json", blob, acki)
tap(rc == 0 and j["description"] == "Gate U2F key", "mds show by attestation key identifier")
rc, out, err = fs("mds", "show", "--root", root, blob, AAG["unlisted"])
tap(rc == 1 and "not listed" in out, "mds show of an unlisted AAGUID is exit 1", out + err)
rc, out, err = fs("mds", "show", "--root", root, blob, "nonsense")
tap(rc == 2, "mds show of something that is no identifier is exit 2", err)
rc, j, err = jrun("mds", "show", "--root", root, "--json", blob, FUTURE)
tap(rc == 0 and j["status"] == "FIDO_CERTIFIED" and j["statusReports"][1]["status"] == "REVOKED"
    and j["statusReports"][1]["inEffect"] is False,
    "mds show: a REVOKED report dated after --at is not in effect yet", json.dumps(j)[:600])
rc, j, err = jrun("mds", "list", "--root", root, "--status", "REVOKED", "--json", blob)
tap(rc == 0 and sorted(e["id"] for e in j) == sorted([AAG["revoked"], AAG["truu"]]),
    "mds list --status REVOKED", json.dumps(j))
rc, out, err = fs("mds", "list", "--root", root, blob)
tap(rc == 0 and len(out.splitlines()) == 7 and acki in out, "mds list: every entry", out)

# ---- verify-registration --mds under every policy preset ----
EXPECT = {  # V verified and trusted, u verified untrusted, x refused (with the rule)
    "spec": ("Vxxxu", [None, "ATT-MDS-02", "ATT-MDS-02", "ATT-MDS-02", None]),
    "simplewebauthn": ("VVVxx", [None, None, None, "ATT-MDS-02", "ATT-MDS-01"]),
    "java-webauthn-server": ("Vuuuu", [None] * 5),
    "go-webauthn": ("Vxxxx", [None, "ATT-MDS-02", "ATT-MDS-02", "ATT-MDS-02", "ATT-MDS-01"]),
    "fido2-net-lib": ("VxVxu", [None, "ATT-MDS-02", None, "ATT-MDS-02", None]),
}
ORDER = ["certified", "revoked", "truu", "akc", "unlisted"]
rc, out, err = fs("policies")
presets = [l.split()[0] for l in out.splitlines() if l and not l.startswith(" ") and
           not l.startswith("fidosim") and not l.startswith("policy")]
rc, plist, err = jrun("policies", "--json")
if plist is not None:
    presets = [p["name"] for p in (plist if isinstance(plist, list) else plist.get("presets", []))]
tap(len(presets) >= 9, "the RP policy presets are listed (%d)" % len(presets), out[:300])


def vreg(resp, preset, with_mds=True, extra=()):
    args = ["verify-registration", "--rp-id", "example.org", "--origin", ORIGIN, "--challenge", CH,
            "--conveyance", "direct", "--policy-preset", preset, "--json"] + list(extra)
    if with_mds:
        args += ["--mds", blob, "--mds-root", root]
    return jrun(*(args + [write("reg.json", json.dumps(resp))]))


swa_expect = {}
for preset in presets:
    for i, k in enumerate(ORDER):
        rc, j, err = vreg(regs[k], preset)
        if j is None:
            tap(False, "%s, %s: JSON" % (preset, k), err)
            continue
        named = j["authenticator"].get("name") == ("Gate %s key" % k) if k != "unlisted" else True
        mds = j["authenticator"].get("mds", "absent")
        shape = mds is None if k == "unlisted" else (isinstance(mds, dict) and
                                                      mds.get("description") == "Gate %s key" % k)
        if preset in EXPECT:
            want, rules = EXPECT[preset][0][i], EXPECT[preset][1][i]
            got = "x" if not j["verified"] else ("V" if j["attestation"]["trusted"] else "u")
            ok = got == want and (rc == 0) == (want != "x") and named and shape
            if rules:
                ok = ok and any(e["rule"] == rules for e in j["errors"])
            tap(ok, "verify-registration --mds under %s, entry %s: %s%s" % (
                preset, k, {"V": "verified, trusted by the statement's root", "u":
                            "verified, untrusted", "x": "refused"}[want],
                " by " + rules if rules else ""),
                "got %s rc %d errors %s" % (got, rc, [(e["rule"], e.get("libraryError")) for e in j["errors"]]))
            if preset == "simplewebauthn":
                swa_expect[k] = j["verified"]
        else:
            rc0, j0, _ = vreg(regs[k], preset, with_mds=False)
            tap(j0 is not None and j0["verified"] == j["verified"] and named and shape,
                "verify-registration --mds under %s (its library reads no BLOB), entry %s: "
                "the verdict of no BLOB, the name from the BLOB" % (preset, k))
# the library's own words beside our rule
rc, j, err = vreg(regs["akc"], "simplewebauthn")
tap(any(e.get("libraryError") == 'Detected compromised aaguid "{aaguid}"' for e in j["errors"]),
    "simplewebauthn's refusal carries its own text (libraryError)")
# fido-u2f: found by key identifier where the library looks that way
rc, j, err = vreg(u2f, "spec")
tap(rc == 0 and j["attestation"]["trusted"] and j["authenticator"]["mds"]["matchedBy"] ==
    "attestationCertificateKeyIdentifier" and j["authenticator"]["name"] == "Gate U2F key",
    "fido-u2f under spec: found by attestation key identifier, trusted, named",
    json.dumps(j.get("authenticator")) + str(j["errors"]))
rc, j, err = vreg(u2f, "go-webauthn")
tap(rc == 1 and any(e["rule"] == "ATT-MDS-01" for e in j["errors"]),
    "fido-u2f under go-webauthn: its zero AAGUID is not listed, refused")
rc, out, err = fs("verify-registration", "--rp-id", "example.org", "--challenge", CH, "--mds",
                  path("badsig.jwt"), "--mds-root", root, write("reg.json", json.dumps(regs["certified"])))
tap(rc == 2 and "MDS-05" in err, "a BLOB that does not verify is a usage error (exit 2), by rule", err)

# ---- verify-authentication --mds: go-webauthn checks statuses at every login ----
rc, j, err = vreg(regs["revoked"], "spec", with_mds=False)
rec = write("rec.json", json.dumps(j["credentialRecord"]))
ach = b64u(b"assertion-challenge-0123456789ab")
get = {"rpId": "example.org", "challenge": ach, "userVerification": "preferred",
       "allowCredentials": [{"type": "public-key", "id": regs["revoked"]["id"]}]}
rc, out, err = fs("get", "--store", STORE, write("get.json", json.dumps(get)))
assertion = write("auth.json", out)
for preset, want_rc, status in (("go-webauthn", 1, "fail"), ("spec", 0, "warn")):
    rc, j, err = jrun("verify-authentication", "--rp-id", "example.org", "--origin", ORIGIN,
                      "--challenge", ach, "--credential", rec, "--policy-preset", preset,
                      "--mds", blob, "--mds-root", root, "--json", assertion)
    tap(rc == want_rc and j and any(c["rule"] == "AUTH-MDS-01" and c["status"] == status
                                    for c in j["checks"]) and j["authenticator"]["mds"]["status"] == "REVOKED",
        "verify-authentication --mds under %s: the REVOKED entry is a %s at login" % (preset, status),
        (json.dumps(j)[:400] if j else "") + err)

# ---- explain, run, serve ----
rc, j, err = jrun("explain", "--preset", "yubikey5", "--rp-attestation", "direct", "--policy-preset",
                  "go-webauthn", "--policy-preset", "spec", "--registration-only", "--mds", blob,
                  "--mds-root", root, "--json")
verd = {v["policy"]: v for v in j["ceremonies"][0]["verdicts"]} if j else {}
tap(rc == 0 and j.get("metadata", "absent") is None and "ATT-MDS-01" in verd.get("go-webauthn", {}).get("errors", "")
    and "ATT-MDS-01" not in verd.get("spec", {}).get("errors", "x"),
    "explain --mds: an AAGUID the BLOB does not list fails go-webauthn (strict), not spec",
    json.dumps(verd)[:500] + err)
rc, out, err = fs("run", "--presets", "yubikey5", "--platforms", "spec-l3", "--policies",
                  "spec,simplewebauthn", "--no-quirks", "--no-scenarios", "--no-mutations", "--quiet",
                  "--mds", blob, "--mds-root", root, "-o", path("out"))
rep = json.load(open(path("out/report.json"))) if rc in (0, 1) else {}
swa = [c for c in rep.get("cells", []) if c.get("policy") == "simplewebauthn"]
spc = [c for c in rep.get("cells", []) if c.get("policy") == "spec"]
tap(rc in (0, 1) and swa and spc and all("ATT-MDS-01" in c["rules"] for c in swa) and
    all("ATT-MDS-01" not in c["rules"] for c in spc),
    "run --mds: the matrix judged with the BLOB (yubikey5's AAGUID, not in the test BLOB, "
    "fails simplewebauthn's strict mode, not spec)", err + json.dumps([c["rules"] for c in swa + spc]))
rc, out, err = fs("run", "--presets", "yubikey5", "--mds", path("badsig.jwt"), "--mds-root", root,
                  "-o", path("out2"), "--quiet")
tap(rc == 2 and "MDS-05" in err, "run --mds with a bad BLOB is a usage error", err)
rc, out, err = fs("serve", "--port", "0", "--mds", path("trunc.jwt"), "--mds-root", root)
tap(rc == 2 and "MDS-0" in err, "serve --mds with a bad BLOB refuses to start (exit 2)", err)
p = subprocess.Popen(WRAP + [F, "serve", "--port", "0", "--mds", blob, "--mds-root", root],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
line = p.stdout.readline()
tap("listening on" in line, "serve --mds starts with the BLOB held", line)
p.terminate()
p.wait(timeout=10)

# ---- the real @simplewebauthn/server MetadataService on the same BLOB ----
if not os.path.isdir("node_modules/@simplewebauthn/server"):
    tap(False, "simplewebauthn differential: node_modules missing (run npm ci)")
elif shutil.which("node") is None:
    tap(False, "simplewebauthn differential: node is not installed")
else:
    cases = [{"name": k, "response": regs[k], "challenge": CH, "origin": ORIGIN,
              "rpId": "example.org", "fidosim": swa_expect.get(k)} for k in ORDER]
    write("swa.json", json.dumps({"blob": open(blob).read(), "root": chain.root_pem().decode(),
                                  "cases": cases}))
    pr = subprocess.run(["node", "tests/differential/mds_simplewebauthn.mjs", path("swa.json")],
                        capture_output=True, text=True, timeout=120)
    res = {}
    for l in pr.stdout.splitlines():
        if l.startswith("{"):
            res = json.loads(l)
    tap(pr.returncode == 0 and len(res) == len(ORDER), "simplewebauthn's MetadataService loaded "
        "the test BLOB and judged every registration", pr.stderr[-600:] + pr.stdout[-300:])
    for k in ORDER:
        if k in res:
            tap(res[k]["verified"] == swa_expect.get(k),
                "@simplewebauthn/server with MetadataService, entry %s: %s, as the simplewebauthn "
                "preset" % (k, "verified" if res[k]["verified"] else "refused (%s)" % res[k]["error"]),
                json.dumps(res[k]))
done()
