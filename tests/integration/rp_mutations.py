#!/usr/bin/env python3
"""rp_mutations.py — mutations of real recorded ceremonies (vectors/chromium)
and of the W3C vectors, each judged by the rule the spec names for it.

Every mutation must make `fidosim verify-*` exit 1 with the named rule among
the errors; the unmutated ceremony must verify. TAP output.
Standard library only.
"""
import base64, glob, json, os, subprocess, sys, tempfile

F = os.environ.get("FIDOSIM", "build/fidosim")
WRAP = os.environ.get("FSIM_WRAP", "").split()
DIR = os.environ.get("CHROMIUM_VECTORS", "vectors/chromium")
n = 0
tmp = tempfile.mkdtemp()


def b64u_dec(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def tap(ok, desc, detail=""):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok and detail:
        for line in detail.splitlines()[:6]:
            print("# " + line)


def run(cmd, args, response):
    path = os.path.join(tmp, "resp.json")
    with open(path, "w") as f:
        json.dump(response, f)
    p = subprocess.run(WRAP + [F, cmd] + args + ["--json", path], capture_output=True, text=True)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = {"errors": [], "verified": None, "_raw": p.stdout + p.stderr}
    return p.returncode, out


def expect(cmd, args, response, rule, desc):
    rc, out = run(cmd, args, response)
    rules = [e["rule"] for e in out.get("errors", [])]
    tap(rc == 1 and rule in rules, "%s -> %s" % (desc, rule),
        "exit %d, errors %s %s" % (rc, rules, out.get("_raw", "")))


def cbor_head(major, arg):
    if arg < 24:
        return bytes([major << 5 | arg])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | ai]) + arg.to_bytes(size, "big")


def attobj_none(authdata):
    """A canonical attestation object {fmt: "none", attStmt: {}, authData}."""
    return (b"\xa3" + b"\x63fmt" + b"\x64none" + b"\x67attStmt" + b"\xa0"
            + b"\x68authData" + cbor_head(2, len(authdata)) + authdata)


def authdata_of_none(ao):
    """authData of a fmt-none attestation object in canonical order."""
    prefix = b"\xa3\x63fmt\x64none\x67attStmt\xa0\x68authData"
    assert ao.startswith(prefix), "not a canonical none attestation object"
    rest = ao[len(prefix):]
    ai = rest[0] & 0x1f
    size = {24: 1, 25: 2, 26: 4}.get(ai, 0)
    ln = ai if size == 0 else int.from_bytes(rest[1:1 + size], "big")
    return rest[1 + size:1 + size + ln]


def with_cdj(resp, edit):
    r = json.loads(json.dumps(resp))
    cd = json.loads(b64u_dec(r["response"]["clientDataJSON"]))
    edit(cd)
    r["response"]["clientDataJSON"] = b64u(json.dumps(cd, separators=(",", ":")).encode())
    return r


def reg_args(v, **kw):
    a = ["--rp-id", kw.get("rp", v["rpId"]), "--origin", v["origin"],
         "--challenge", kw.get("challenge", v["challenge"]), "--uv", kw.get("uv", v["uv"])]
    return a


def registration_mutations(v):
    resp = v["response"]
    name = v["name"]
    args = reg_args(v)
    rc, out = run("verify-registration", args, resp)
    tap(rc == 0, "%s verifies unmutated" % name, str([e["rule"] for e in out.get("errors", [])]))
    if rc != 0:
        return None
    other = b64u(os.urandom(32))
    expect("verify-registration", reg_args(v, challenge=other), resp, "REG-05", name + ": other challenge")
    expect("verify-registration", reg_args(v, rp="example.com"), resp, "REG-11", name + ": other RP ID")
    expect("verify-registration", ["--rp-id", v["rpId"], "--origin", "https://evil.example",
           "--challenge", v["challenge"]], resp, "REG-06", name + ": other origin")
    expect("verify-registration", args, with_cdj(resp, lambda c: c.update(type="webauthn.get")),
           "REG-04", name + ": type webauthn.get")
    expect("verify-registration", args, with_cdj(resp, lambda c: c.update(crossOrigin=True)),
           "REG-07", name + ": crossOrigin true")
    expect("verify-registration", args, with_cdj(resp, lambda c: c.update(topOrigin="https://top.example")),
           "REG-08", name + ": unexpected topOrigin")
    r = json.loads(json.dumps(resp))
    r["id"] = r["rawId"] = b64u(b"\x01" + b64u_dec(r["rawId"])[1:])
    expect("verify-registration", args, r, "REG-27", name + ": rawId of another credential")
    r = json.loads(json.dumps(resp))
    r["response"]["attestationObject"] = b64u(b64u_dec(r["response"]["attestationObject"])[:-5])
    expect("verify-registration", args, r, "REG-10", name + ": truncated attestationObject")
    ao = b64u_dec(resp["response"]["attestationObject"])
    if ao.startswith(b"\xa3\x63fmt\x64none"):
        ad = authdata_of_none(ao)
        flags = ad[32]

        def with_ad(new_ad):
            r2 = json.loads(json.dumps(resp))
            r2["response"]["attestationObject"] = b64u(attobj_none(new_ad))
            r2["response"]["authenticatorData"] = b64u(new_ad)
            return r2
        expect("verify-registration", args, with_ad(ad[:32] + bytes([flags & ~0x01]) + ad[33:]),
               "REG-12", name + ": UP cleared")
        expect("verify-registration", args, with_ad(ad[:32] + bytes([(flags & ~0x08) | 0x10]) + ad[33:]),
               "REG-14", name + ": BS without BE")
        expect("verify-registration", reg_args(v, uv="required"),
               with_ad(ad[:32] + bytes([flags & ~0x04]) + ad[33:]), "REG-13", name + ": UV cleared, required")
        expect("verify-registration", args, with_ad(ad + b"\x00"), "AD-04", name + ": trailing byte in authData")
        expect("verify-registration", args, with_ad(ad[:32] + bytes([flags | 0x80]) + ad[33:]),
               "AD-03", name + ": ED set, no extensions")
        r2 = with_ad(ad)
        r2["response"]["attestationObject"] = b64u(ao.replace(b"\x67attStmt\xa0", b"\x67attStmt\xa1\x61x\x01"))
        expect("verify-registration", args, r2, "ATT-NONE-01", name + ": none with a non-empty attStmt")
    elif b"\x63sig" in ao:
        # Signed formats: any change to authData breaks the statement's signature.
        r2 = json.loads(json.dumps(resp))
        i = ao.index(b"\x63sig") + 4
        head = ao[i]
        off = i + (2 if (head & 0x1f) == 24 else 1) + 10
        bad = ao[:off] + bytes([ao[off] ^ 0x01]) + ao[off + 1:]
        r2["response"]["attestationObject"] = b64u(bad)
        expect("verify-registration", args, r2, "REG-18", name + ": attestation signature bit flip")
    return out["credentialRecord"]


def authentication_mutations(v, record):
    resp = v["response"]
    name = v["name"]
    rec_path = os.path.join(tmp, "rec.json")
    with open(rec_path, "w") as f:
        json.dump(record, f)
    args = ["--rp-id", v["rpId"], "--origin", v["origin"], "--challenge", v["challenge"],
            "--uv", v["uv"], "--credential", rec_path]
    rc, out = run("verify-authentication", args, resp)
    tap(rc == 0, "%s verifies unmutated" % name, str([e["rule"] for e in out.get("errors", [])]))
    if rc != 0:
        return
    a = list(args)
    a[5] = b64u(os.urandom(32))
    expect("verify-authentication", a, resp, "AUTH-08", name + ": other challenge")
    a = list(args)
    a[1] = "example.com"
    expect("verify-authentication", a, resp, "AUTH-12", name + ": other RP ID")
    a = list(args)
    a[3] = "http://localhost:1"
    expect("verify-authentication", a, resp, "AUTH-09", name + ": other origin")
    for member, rule in (("signature", "AUTH-18"), ("authenticatorData", "AUTH-18"),
                         ("clientDataJSON", "AUTH-18")):
        r = json.loads(json.dumps(resp))
        b = bytearray(b64u_dec(r["response"][member]))
        b[len(b) // 2] ^= 0x04
        r["response"][member] = b64u(bytes(b))
        expect("verify-authentication", args, r, rule, "%s: bit flip in %s" % (name, member))
    expect("verify-authentication", args, with_cdj(resp, lambda c: c.update(type="webauthn.create")),
           "AUTH-07", name + ": type webauthn.create")
    rec2 = dict(record, backupEligible=not record.get("backupEligible", False))
    with open(rec_path, "w") as f:
        json.dump(rec2, f)
    expect("verify-authentication", args, resp, "AUTH-16", name + ": record's backupEligible differs")
    rec2 = dict(record, signCount=0xFFFFFFF0)
    with open(rec_path, "w") as f:
        json.dump(rec2, f)
    expect("verify-authentication", args, resp, "AUTH-19", name + ": stored counter ahead")
    rec2 = dict(record, id=b64u(b"\x00" * 16))
    with open(rec_path, "w") as f:
        json.dump(rec2, f)
    expect("verify-authentication", args, resp, "AUTH-03", name + ": record of another credential")
    ad = b64u_dec(resp["response"]["authenticatorData"])
    if not ad[32] & 0x04:
        with open(rec_path, "w") as f:
            json.dump(record, f)
        a = list(args)
        a[7] = "required"
        expect("verify-authentication", a, resp, "AUTH-14", name + ": UV required, not set")


def main():
    regs = sorted(glob.glob(os.path.join(DIR, "*-registration.json")))
    if not regs:
        print("not ok 1 - no recorded vectors in " + DIR)
        print("1..1")
        return
    for path in regs:
        v = json.load(open(path))
        record = registration_mutations(v)
        if record is None:
            continue
        for apath in sorted(glob.glob(path.replace("-registration.json", "-authentication-*.json")))[:1]:
            authentication_mutations(json.load(open(apath)), record)
    print("1..%d" % n)


main()
