#!/usr/bin/env python3
"""realworld_spec.py — every captured real-world response of
vectors/real-world/cases/ (see its README for the case shape and
provenance) through the CLI, as a new user would run it: verify-registration
or verify-authentication under the spec policy with the case's rpId,
origin(s), challenge, uv, at, trustAnchors, algs, extensions,
requireTrustedAttestation and credential record.

Each case must reach its `expectSpec` verdict where it has one (WebAuthn L3
and the source library disagree; `whySpec` says why), else `expect` (the
source library's verdict); an accepted case must report the flags,
signCount, fmt and AAGUID of `expectDetails`.

Cases that cannot pass until other work lands are listed in PENDING_MLDSA
and reported as TAP TODO while they fail; one that passes is reported as a
failure of this test until it is cut from the list (the 12 ML-DSA cases
were, until the mldsa branch merged; the list is empty now). A missing or empty corpus fails. TAP output;
standard library only.
"""
import glob, json, os, subprocess, sys, tempfile

F = os.environ.get("FIDOSIM", "build/fidosim")
WRAP = os.environ.get("FSIM_WRAP", "").split()
DIR = os.environ.get("REALWORLD_CASES", "vectors/real-world/cases")
# The corpus as shipped (vectors/real-world/README.md): fewer means files went missing.
MIN_CASES = 125
# Cut to nothing when the mldsa branch merged: the 12 ML-DSA cases pass (issue 12).
PENDING_MLDSA = set()
TODO = " # TODO pending ML-DSA (issue 12, branch mldsa)"
n = 0
tmp = tempfile.mkdtemp()


def tap(ok, desc, detail=""):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    if not ok and detail:
        for line in detail.splitlines()[:8]:
            print("# " + line)


def write(name, obj):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        if isinstance(obj, str):
            f.write(obj)
        else:
            json.dump(obj, f)
    return path


def command(case):
    """The CLI invocation a user would write for this case."""
    reg = case["ceremony"] == "registration"
    args = [F, "verify-registration" if reg else "verify-authentication",
            "--rp-id", case["rpId"], "--origin", case["origin"],
            "--challenge", case["challenge"], "--uv", case["uv"]]
    for o in case.get("extraOrigins", []):
        args += ["--origin", o]
    if reg:
        if case.get("at") is not None:
            args += ["--at", str(case["at"])]
        if case.get("trustAnchors"):
            args += ["--trust-anchors", write("anchors.pem", "\n".join(case["trustAnchors"]) + "\n")]
        if case.get("algs"):
            args += ["--algs", ",".join(str(a) for a in case["algs"])]
        if case.get("requireTrustedAttestation"):
            args.append("--require-trusted-attestation")
    else:
        args += ["--credential", write("record.json", case["credential"])]
    if case.get("extensions"):
        ext = case["extensions"]
        args += ["--extensions", ",".join(ext if isinstance(ext, list) else sorted(ext))]
    return args + ["--json", write("response.json", case["response"])]


def details_diff(case, out):
    """Differences between the verdict's details and expectDetails (empty: none)."""
    want = case.get("expectDetails")
    if not want:
        return []
    ad = out.get("authenticatorData") or {}
    got_flags = {k: (ad.get("flags") or {}).get(k) for k in want["flags"]}
    diff = []
    if got_flags != want["flags"]:
        diff.append("flags %s, expected %s" % (got_flags, want["flags"]))
    if ad.get("signCount") != want["signCount"]:
        diff.append("signCount %s, expected %s" % (ad.get("signCount"), want["signCount"]))
    if "fmt" in want and (out.get("attestation") or {}).get("fmt") != want["fmt"]:
        diff.append("fmt %s, expected %s" % ((out.get("attestation") or {}).get("fmt"), want["fmt"]))
    if "aaguid" in want and ad.get("aaguid") != want["aaguid"]:
        diff.append("aaguid %s, expected %s" % (ad.get("aaguid"), want["aaguid"]))
    return diff


files = sorted(glob.glob(os.path.join(DIR, "*.json")))
tap(len(files) >= MIN_CASES, "the real-world corpus is there: %d cases in %s (at least %d)"
    % (len(files), DIR, MIN_CASES))
seen_pending = set()
for path in files:
    name = os.path.basename(path)[:-5]
    try:
        with open(path) as f:
            case = json.load(f)
    except (OSError, ValueError) as e:
        tap(False, "%s: unreadable case (%s)" % (name, e))
        continue
    want = case.get("expectSpec", case["expect"])
    p = subprocess.run(WRAP + command(case), capture_output=True, text=True)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = {}
    got = {0: "accept", 1: "reject"}.get(p.returncode, "exit %d" % p.returncode)
    errors = [e["rule"] for e in out.get("errors", [])]
    diff = details_diff(case, out) if got == "accept" else []
    ok = got == want and not diff
    why = "expectSpec: " + case.get("whySpec", "") if "expectSpec" in case else case.get("why", "")
    desc = "%s: %s (%s)%s" % (name, want, case.get("device", "?"),
                              "" if want == "accept" else ", by " + (" ".join(sorted(set(errors))) or "?"))
    detail = "got %s%s; %s\nerrors: %s\n%s" % (
        got, " with " + "; ".join(diff) if diff else "", why,
        "; ".join("%s %s" % (e["rule"], e["message"][:120]) for e in out.get("errors", [])),
        p.stderr.strip()[:300])
    if name in PENDING_MLDSA:
        seen_pending.add(name)
        if ok:
            tap(False, "%s: passes now: cut it from PENDING_MLDSA in %s" % (name, sys.argv[0]))
        else:
            print("ok %d - %s%s" % (n + 1, desc, TODO))
            n += 1
        continue
    tap(ok, desc, detail)
    # The failures of a rejected case must be reported by rule, not as a crash or usage error.
    if want == "reject" and got == "reject":
        tap(len(errors) > 0, "%s: the refusal names its rules" % name, p.stdout[:400])
# A pending name with no case is a stale list.
for name in sorted(PENDING_MLDSA - seen_pending):
    tap(False, "%s: listed in PENDING_MLDSA but no such case in %s" % (name, DIR))
print("1..%d" % n)
