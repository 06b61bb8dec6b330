#!/usr/bin/env python3
"""cli_cxf.py — credential exchange (FIDO CXF, Review Draft 2025-03-13) through
the binary, as a provider developer would run it:

- one store holds a credential made with every authenticator preset and one
  made with every algorithm (`create --algs`), each registered at its own RP
  (verify-registration keeps the credential record);
- `credentials export --format cxf` leaves out the one passkey whose counter
  is not zero (yubikey5: a global counter) and names it; `--include-counted`
  exports it anyway; `cxf check` accepts the export, and with the RPs'
  records refuses the counted one by CXF-17;
- `credentials import --format cxf` into a synced and a device-bound provider;
  every credential then signs there with the same private key (`credentials
  export --format json` of both stores), and its assertion verifies against
  the record made at registration with the old provider under the spec
  policy (the counted one fails AUTH-19, as the draft warns); every policy
  preset's verdict is reported;
- the imported counter stays 0; --quirk cxf-counter-increments counts;
- bad documents are refused by the rule they break (exit 1) and change
  nothing in the store; usage and I/O errors exit 2; other credential types
  are kept in the store's blob.
TAP output; standard library only.
"""
import base64, json, os, subprocess, sys, tempfile

F = os.environ.get("FIDOSIM", "build/fidosim")
WRAP = os.environ.get("FSIM_WRAP", "").split()
tmp = tempfile.mkdtemp()
n = 0
bad = 0
CHAL = "AAECAwQFBgcICQoLDA0ODw"
ALGS = {"es256": -7, "es384": -35, "es512": -36, "eddsa": -8, "rs256": -257, "ps256": -37,
        "ps384": -38, "ps512": -39, "rs1": -65535, "mldsa44": -48, "mldsa65": -49,
        "mldsa87": -50}


def tap(ok, desc, detail=""):
    global n, bad
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok:
        bad += 1
        for line in str(detail).splitlines()[:10]:
            print("# " + line)


def run(*args, stdin=None):
    r = subprocess.run(WRAP + [F] + list(args), input=stdin, capture_output=True)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def path(name):
    return os.path.join(tmp, name)


def write(name, data):
    with open(path(name), "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path(name)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def opts(rp, uid):
    return {"rp": {"id": rp, "name": rp}, "user": {"id": b64u(uid), "name": "u-" + rp,
            "displayName": "User " + rp}, "challenge": CHAL,
            "pubKeyCredParams": [{"type": "public-key", "alg": a} for a in ALGS.values()],
            "authenticatorSelection": {"residentKey": "required"}}


presets = [p["name"] for p in json.loads(run("presets", "--json")[1])]
policies = [p["name"] for p in json.loads(run("policies", "--json")[1])]
tap(len(presets) >= 11 and len(policies) >= 10, "presets and policies listed (%d, %d)" %
    (len(presets), len(policies)))

# ---- one store, a credential per preset and per algorithm ----
A = path("a.store")
creds = {}   # rp -> {"record": file, "be": bool, "count": int, "preset": name}
made = []
for i, p in enumerate(presets):
    made.append(("p-%s.example" % p, ["--preset", p], bytes([1, i])))
for i, a in enumerate(ALGS):
    made.append(("a-%s.example" % a, ["--preset", "chrome-virtual", "--algs", a], bytes([2, i])))
for rp, flags, uid in made:
    o = write(rp + ".opts", json.dumps(opts(rp, uid)))
    rc, out, err = run("create", "--store", A, *flags, o)
    if rc != 0:
        tap(False, "create %s %s" % (rp, flags), out + err)
        continue
    reg = write(rp + ".reg", out)
    rc, out, err = run("verify-registration", "--rp-id", rp, "--challenge", CHAL, "--json", reg)
    v = json.loads(out) if out.startswith("{") else {}
    if rc != 0 or not v.get("verified"):
        tap(False, "verify-registration %s" % rp, out[:400] + err)
        continue
    rec = write(rp + ".record", json.dumps(v["credentialRecord"]))
    creds[rp] = {"record": rec, "be": v["credentialRecord"]["backupEligible"],
                 "count": v["credentialRecord"]["signCount"], "id": v["credentialRecord"]["id"]}
tap(len(creds) == len(made), "%d credentials made and registered (%d presets, %d algorithms)" %
    (len(creds), len(presets), len(ALGS)))
counted = sorted(rp for rp, c in creds.items() if c["count"] != 0)
tap(counted == ["p-yubikey5.example"], "only the yubikey5 credential has a non-zero counter "
    "(a global counter)", counted)

# ---- export ----
rc, out, err = run("credentials", "export", "--format", "cxf", "--store", A)
ex = write("export.json", out)
doc = json.loads(out) if rc == 0 else {}
rps = sorted(c["credentials"][0]["rpId"] for a in doc.get("accounts", []) for c in a["items"])
tap(rc == 0 and rps == sorted(set(creds) - set(counted)),
    "export --format cxf: every passkey but the counted one (%d)" % len(rps), err)
tap("left out" in err and "p-yubikey5.example" in err and "signCount" in err,
    "the exporter names the passkey it left out and why", err)
tap(doc.get("version") == {"major": 1, "minor": 0} and doc.get("exporterRpId") == "fidosim.invalid"
    and "CXF Review Draft 2025-03-13" in err, "the export is CXF 1.0 and names the draft", err)
records = [c["record"] for c in creds.values()]
rargs = sum((["--record", r] for r in records), [])
rc, out, err = run("cxf", "check", *rargs, ex)
tap(rc == 0 and "VALID (0 errors" in out and "pass  CXF-17" in out and "pass  CXF-16" in out,
    "cxf check --record: the export is valid, keys are the registered ones, no counted passkey",
    out[:600] + err)
tap("its credential (signCount" in out, "cxf check notes the counted credential left out", out)
rc, out, err = run("cxf", "check", "--json", ex)
j = json.loads(out) if rc == 0 else {}
keys = [c["credentials"][0]["key"] for a in doc.get("accounts", []) for c in a["items"]]
tap(rc == 0 and j.get("valid") is True and j["document"]["passkeys"] == len(rps) and
    all(c["status"] in ("pass", "not checked") for c in j["checks"]) and keys and
    not any(k[:40] in out for k in keys),
    "cxf check --json: valid, every check passed or not applicable, no key material", out[:400])
rc, out, err = run("credentials", "export", "--format", "cxf", "--store", A, "--include-counted",
                   "--rp-id", "p-yubikey5.example")
exy = write("export-counted.json", out)
tap(rc == 0 and "forbids" in err and out.count('"type": "passkey"') == 1,
    "--include-counted --rp-id exports the counted passkey alone, with a warning", err)
rc, out, err = run("cxf", "check", "--record", creds["p-yubikey5.example"]["record"], exy)
tap(rc == 1 and "FAIL  CXF-17" in out and "signCount" in out,
    "cxf check refuses the counted passkey by CXF-17", out[:800])

# ---- import into a synced and a device-bound provider ----
B1, B0 = path("b1.store"), path("b0.store")
for store, preset in ((B1, "bitwarden"), (B0, "keepassxc-2.7.11")):
    rc, out, err = run("credentials", "import", "--format", "cxf", "--store", store,
                       "--preset", preset, ex)
    tap(rc == 0 and "imported %d passkeys" % len(rps) in out, "import into %s (%s)" %
        (preset, out.strip()), err)
    rc, out, err = run("credentials", "import", "--format", "cxf", "--store", store,
                       "--preset", preset, "--json", exy)
    j = json.loads(out) if out.startswith("{") else {}
    tap(rc == 0 and j.get("imported") is True and j.get("passkeys") == 1,
        "import --json of the counted passkey into %s" % preset, out + err)


def store_json(s):
    rc, out, err = run("credentials", "export", "--format", "json", "--store", s)
    return {c["id"]: c for c in json.loads(out)["credentials"]}


sa, s1, s0 = store_json(A), store_json(B1), store_json(B0)
same = [rp for rp, c in creds.items() if sa[c["id"]]["privateKey"] == s1[c["id"]]["privateKey"]
        == s0[c["id"]]["privateKey"] and sa[c["id"]]["alg"] == s1[c["id"]]["alg"]]
tap(len(same) == len(creds), "every credential has the same private key and alg after the move "
    "(%d)" % len(same), sorted(set(creds) - set(same)))
tap(all(s1[c["id"]]["be"] and s1[c["id"]]["bs"] and not s0[c["id"]]["be"] and
        s1[c["id"]]["signCount"] == 0 for c in creds.values()),
    "the importers' BE/BS (bitwarden 1/1, keepassxc-2.7.11 0/0), counters 0")

# ---- authenticate at every RP with the record made at registration ----
verdicts = {}
for rp in sorted(creds):
    c = creds[rp]
    store, preset = (B1, "bitwarden") if c["be"] else (B0, "keepassxc-2.7.11")
    g = write(rp + ".get", json.dumps({"rpId": rp, "challenge": CHAL}))
    rc, out, err = run("get", "--store", store, "--preset", preset, g)
    if rc != 0:
        tap(False, "get %s from %s" % (rp, preset), out + err)
        continue
    auth = write(rp + ".auth", out)
    row = {}
    for pol in policies:
        rc, out, err = run("verify-authentication", "--rp-id", rp, "--challenge", CHAL,
                           "--credential", c["record"], "--policy-preset", pol, "--json", auth)
        v = json.loads(out) if out.startswith("{") else {}
        row[pol] = "pass" if v.get("verified") else "fail:" + ",".join(
            e["rule"] for e in v.get("errors", []))
        if pol == "spec":
            row["_count"] = v.get("authenticatorData", {}).get("signCount")
    verdicts[rp] = row
    print("# %-28s %s" % (rp, " ".join("%s=%s" % (p, row[p]) for p in policies)))
ok_spec = [rp for rp, r in verdicts.items() if r["spec"] == "pass"]
tap(sorted(ok_spec) == sorted(set(creds) - set(counted)),
    "every imported passkey verifies under spec against the record of its registration (%d)" %
    len(ok_spec), {rp: r["spec"] for rp, r in verdicts.items() if r["spec"] != "pass"})
tap(verdicts.get("p-yubikey5.example", {}).get("spec", "").startswith("fail:") and
    "AUTH-19" in verdicts["p-yubikey5.example"]["spec"],
    "the counted passkey exported anyway fails AUTH-19 (its counter went back to 0)",
    verdicts.get("p-yubikey5.example"))
tap(all(r["_count"] == 0 for r in verdicts.values()), "every imported passkey signs with counter 0")

# ---- the counter stays 0; the quirk counts ----
g = path("p-icloud-keychain.example.get")
counts = []
for i in range(3):
    rc, out, err = run("get", "--store", B1, "--preset", "windows-hello", g)
    a = write("again%d.json" % i, out)
    rc, out, err = run("verify-authentication", "--rp-id", "p-icloud-keychain.example",
                       "--challenge", CHAL, "--credential", creds["p-icloud-keychain.example"]["record"],
                       "--json", a)
    counts.append(json.loads(out)["authenticatorData"]["signCount"])
tap(counts == [0, 0, 0], "an imported passkey signs with 0 again and again, even under a "
    "per-credential counter preset", counts)
counts = []
for i in range(2):
    rc, out, err = run("get", "--store", B1, "--preset", "windows-hello", "--quirk",
                       "cxf-counter-increments", g)
    a = write("quirk%d.json" % i, out)
    rc, out, err = run("decode", a)
    counts.append([l.split(":")[1].strip() for l in out.splitlines() if "signCount:" in l][0])
tap(counts == ["1", "2"], "--quirk cxf-counter-increments counts an imported passkey up", counts)

# ---- bad documents: refused by their rule, nothing changes ----
before = len(store_json(B1))
full = open(ex).read()
d = json.loads(full)
k = json.loads(full)
k["accounts"][0]["items"][0]["credentials"][0]["key"] = "AAECAwQFBgcICQ"
t = json.loads(full)
t["timestamp"] = "yesterday"
cases = [
    ("truncated", full[: len(full) // 2], "CXF-01"),
    ("a ZIP archive", b"PK\x03\x04" + bytes(40), "CXF-01"),
    ("wrong types", json.dumps(t), "CXF-03"),
    ("a key that does not parse", json.dumps(k), "CXF-14"),
    ("already in the store", full, "CXF-18"),
]
for name, data, rule in cases:
    f = write("bad.json", data)
    rc, out, err = run("cxf", "check", f)
    if rule == "CXF-18":
        tap(rc == 0, "cxf check: a document already imported is still valid by itself")
    else:
        tap(rc == 1 and ("FAIL  %s" % rule) in out, "cxf check refuses %s by %s" % (name, rule),
            out[:500] + err)
    rc, out, err = run("credentials", "import", "--format", "cxf", "--store", B1, f)
    tap(rc == 1 and ("[%s]" % rule) in err and "nothing changed" in err,
        "import refuses %s by %s" % (name, rule), out + err)
tap(len(store_json(B1)) == before, "the refused imports changed nothing in the store")
huge = path("huge.json")
with open(huge, "wb") as f:
    f.write(b"{" + b" " * (16 * 1024 * 1024) + b"}")
rc, out, err = run("cxf", "check", huge)
tap(rc == 1 and "FAIL  CXF-01" in out and "16 MiB" in out, "a document over 16 MiB: CXF-01",
    out[:300] + err)
os.unlink(huge)

# ---- other credential types are kept ----
m = json.loads(full)
m["accounts"][0]["items"] = [{"id": "bG9naW4", "title": "a login", "credentials": [
    {"type": "basic-auth", "username": {"fieldType": "string", "value": "alice"}},
    {"type": "future-credential", "data": "x"}]}]
mf = write("mixed.json", json.dumps(m))
rc, out, err = run("cxf", "check", mf)
tap(rc == 0 and "basic-auth 1" in out and "note  CXF-21" in out,
    "cxf check: other types counted, an unknown type noted (CXF-21)", out[:600])
rc, out, err = run("credentials", "import", "--format", "cxf", "--store", B1, mf)
tap(rc == 0 and "2 credentials of other types kept" in out, "import keeps other types", out + err)
rc, out, err = run("credentials", "export", "--format", "json", "--store", B1)
kept = json.loads(out)["blobs"].get("cxf-kept-items", "")
kept = json.loads(base64.urlsafe_b64decode(kept + "=" * (-len(kept) % 4))) if kept else []
tap([e["credential"]["type"] for e in kept] == ["basic-auth", "future-credential"],
    "they are in the store's blob cxf-kept-items", kept)

# ---- usage and I/O ----
for args, what in ((["cxf", "check"], "no document"), (["cxf", "check", path("nope.json")], "a missing file"),
                   (["cxf", "check", "--bogus", ex], "an unknown option"),
                   (["cxf", "frobnicate"], "an unknown subcommand"),
                   (["cxf", "check", "--record", mf, ex], "a --record that is not a credential record"),
                   (["credentials", "import", "--store", B1, ex], "import without --format"),
                   (["credentials", "export", "--format", "xml", "--store", B1], "an unknown format"),
                   (["credentials", "export", "--format", "json", "--store", B1, "--include-counted"],
                    "--include-counted with --format json")):
    rc, out, err = run(*args)
    tap(rc == 2 and err.strip(), "exit 2 for %s" % what, out + err)
for args in (["cxf", "check", path("nope.json")],
             ["credentials", "import", "--format", "cxf", "--store", B1, path("nope.json")]):
    rc, out, err = run(*args)
    tap(rc == 2 and "No such file or directory" in err and "nope.json" in err,
        "%s of a missing file says so, naming it" % " ".join(args[:2]), err)
rc, out, err = run("cxf", "--help")
tap(rc == 0 and "Review Draft 2025-03-13" in out and "--record" in out, "cxf --help")
rc, out, err = run("credentials", "--help")
tap(rc == 0 and "import --format cxf" in out and "cxf-kept-items" in out, "credentials --help")
rc, out, err = run("cxf", "check", "-", stdin=full.encode())
tap(rc == 0 and "VALID" in out, "cxf check reads standard input")

print("1..%d" % n)
sys.exit(1 if bad else 0)
