#!/usr/bin/env python3
"""evidence_shipped.py — every piece of evidence the project cites is in the
project (issue 20 item 10, issue 11): a citation of a research page names its
place in the repository (docs/evidence/NAME.md) and that file exists; nothing
points at ../shared or another folder outside the repository. Covers every
tracked file (data, code, docs, tests) except the copied vector corpora, and
what `fidosim presets`, `platforms` and `policies` print. TAP output."""
import json
import os
import re
import subprocess
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
F = os.environ.get("FIDOSIM", "build/fidosim")
PAGES = r"(?:providers|peers|spec-rules|policy-evidence|mds3|style-study|l3-platforms)\.md"
n = 0
bad_total = 0


def ok(cond, what, detail=None):
    global n, bad_total
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond:
        bad_total += 1
        for d in (detail or [])[:15]:
            print("# " + d)


def problems(text, where):
    out = []
    for m in re.finditer(r"(\S*?)(" + PAGES + r")", text):
        prefix, page = m.group(1), m.group(2)
        path = "docs/evidence/" + page
        if not prefix.endswith("docs/evidence/"):
            out.append("%s: cites %s%s (write docs/evidence/%s)" % (where, prefix, page, page))
        elif not os.path.isfile(path):
            out.append("%s: cites %s, which the repository does not have" % (where, path))
    for m in re.finditer(r"\.\./shared\b|shared/reference/|/work/shared", text):
        out.append("%s: points outside the repository (%s)" % (where, m.group(0)))
    return out


files = subprocess.run(["git", "ls-files"], capture_output=True, text=True).stdout.split()
skip = ("vectors/real-world/", "vectors/wycheproof/", "docs/evidence/", "package-lock.json",
        "tests/integration/evidence_shipped.py")
found = []
for f in files:
    if f.startswith(skip) or not os.path.isfile(f):
        continue
    try:
        text = open(f, encoding="utf-8").read()
    except (UnicodeDecodeError, OSError):
        continue
    found += problems(text, f)
ok(not found, "tracked files cite only evidence the repository ships (%d files read)" % len(files), found)

for args in (["presets", "--json"], ["platforms", "--json"], ["policies", "--json"]):
    r = subprocess.run([F] + args, capture_output=True, text=True)
    found = problems(r.stdout, "fidosim " + " ".join(args))
    ok(r.returncode == 0 and not found, "fidosim %s prints only shipped evidence" % " ".join(args), found)

pages = [p for p in os.listdir("docs/evidence") if p.endswith(".md")] if os.path.isdir("docs/evidence") else []
ok(len(pages) >= 3, "docs/evidence holds the research pages (%s)" % ", ".join(sorted(pages)))
print("1..%d" % n)
sys.exit(1 if bad_total else 0)
