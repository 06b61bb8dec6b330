#!/usr/bin/env python3
# ci_files.py — docs/ci/github-actions.yml and docs/ci/gitlab-ci.yml: both
# parse (python3-yaml) and have the shape their engine needs (a shard job
# matrix, a merge job that runs even when a shard failed and publishes
# junit.xml and report.html, a conform job against a placeholder RP); then
# their fidosim commands run here as written, in a scratch folder, with the
# CI variables set as the engine sets them: every shard, the merge (exit 0),
# the merge with a shard missing and with one given twice (exit 2, named),
# and the conform job against the stand-in RP. The set-up steps (packages,
# build) are not run: the suite has built fidosim. TAP output.
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIDOSIM = os.path.abspath(os.environ.get("FIDOSIM", os.path.join(ROOT, "build/fidosim")))
WRAP = os.environ.get("FSIM_WRAP", "")
n = 0
failed = 0


def ok(cond, desc, why=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, desc))
    if not cond:
        failed += 1
        for line in str(why).splitlines()[:12]:
            print("# " + line)
    return cond


try:
    import yaml
except ImportError:
    ok(False, "python3-yaml is installed (tests/deps.sh)")
    print("1..%d" % n)
    sys.exit(1)


def load(name):
    path = os.path.join(ROOT, "docs/ci", name)
    try:
        with open(path) as f:
            return yaml.safe_load(f)
    except Exception as e:  # a parse error is the finding
        ok(False, "%s parses" % name, e)
        return None


def sh(script, cwd, env, label):
    """Run script (the CI's lines, fidosim pointed at the build) with sh -e."""
    script = script.replace("build/fidosim", (WRAP + " " if WRAP else "") + FIDOSIM)
    full = dict(os.environ)
    full.update(env)
    p = subprocess.run(["sh", "-e", "-c", script], cwd=cwd, env=full, capture_output=True,
                       text=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    """Is something still listening on port after up to 5 s (a server's shutdown takes a moment)?"""
    for _ in range(50):
        s = socket.socket()
        try:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return False
        finally:
            s.close()
        time.sleep(0.1)
    return True


def merged_ok(work, nshards, label, rc, out):
    rep = os.path.join(work, "out/merged")
    ok(rc == 0 and all(os.path.isfile(os.path.join(rep, f))
                       for f in ("report.json", "junit.xml", "report.html")),
       "%s: the merge exits 0 and writes report.json, junit.xml, report.html" % label, out)
    try:
        import json
        r = json.load(open(os.path.join(rep, "report.json")))
        cells = sum(len(json.load(open(os.path.join(work, "out/shard-%d/report.json" % i)))["cells"])
                    for i in range(1, nshards + 1))
        ok(r["run"]["shard"] == "merged" and r["run"]["shardCount"] == nshards and
           len(r["cells"]) == cells and r["summary"]["unexpected"] == 0,
           "%s: the merged report holds every shard's cells (%d), nothing unexpected" % (label, cells))
        ET.parse(os.path.join(rep, "junit.xml"))
        ok(True, "%s: junit.xml is XML" % label)
    except Exception as e:
        ok(False, "%s: the merged report" % label, e)


def merge_failures(work, run_merge, nshards, label):
    """A missing shard and a duplicate shard: the merge fails, naming which."""
    out = os.path.join(work, "out")
    gone = os.path.join(work, "gone-shard-3")
    shutil.move(os.path.join(out, "shard-3"), gone)
    rc, text = run_merge()
    ok(rc == 2 and ("shard 3/%d is missing" % nshards) in text,
       "%s: the merge fails (exit 2) when shard 3 of %d is missing, and names it" % (label, nshards), text)
    shutil.move(gone, os.path.join(out, "shard-3"))
    shutil.copytree(os.path.join(out, "shard-2"), os.path.join(out, "shard-2-again"))
    rc, text = run_merge()
    ok(rc == 2 and ("shard 2/%d is given twice" % nshards) in text,
       "%s: the merge fails (exit 2) when shard 2 is there twice, and names it" % label, text)
    shutil.rmtree(os.path.join(out, "shard-2-again"))


def conform_ok(work, label, rc, out, port):
    junit = os.path.join(work, "out/conform/junit.xml")
    cases = []
    try:
        cases = ET.parse(junit).getroot().findall(".//testcase")
    except Exception as e:
        out += "\n%s" % e
    ok(rc == 0 and len(cases) > 60,
       "%s: conform --server against the stand-in RP exits 0 with %d cases in junit.xml" %
       (label, len(cases)), out)
    ok(not port_open(port), "%s: the RP started by the job is stopped at its end" % label)


def step(job, name):
    for s in job.get("steps", []):
        if s.get("name") == name:
            return s
    return {}


# ---------------- GitHub Actions ----------------
gh = load("github-actions.yml")
if gh is not None:
    ok(isinstance(gh, dict), "github-actions.yml parses")
    on = gh.get("on", gh.get(True, {}))
    jobs = gh.get("jobs", {})
    genv = {k: str(v) for k, v in gh.get("env", {}).items()}
    ok("push" in on and "pull_request" in on, "github: runs on push and pull requests")
    shard, merge, conform = jobs.get("shard", {}), jobs.get("merge", {}), jobs.get("conform", {})
    shards = shard.get("strategy", {}).get("matrix", {}).get("shard", [])
    nsh = len(shards)
    ok(nsh >= 2 and shards == list(range(1, nsh + 1)) and genv.get("SHARDS") == str(nsh) and
       shard.get("strategy", {}).get("fail-fast") is False,
       "github: a job matrix of shards 1..%d, SHARDS=%s, no fail-fast" % (nsh, genv.get("SHARDS")))
    srun = step(shard, "fidosim: run shard")
    ok('--shard "$SHARD/$SHARDS"' in srun.get("run", "") and
       srun.get("env", {}).get("SHARD") == "${{ matrix.shard }}",
       "github: each shard job runs fidosim run --shard $SHARD/$SHARDS")
    up = [s for s in shard.get("steps", []) if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    ok(up and up[0]["with"]["name"] == "shard-${{ matrix.shard }}" and
       up[0]["with"]["path"] == "out/shard-${{ matrix.shard }}/",
       "github: each shard uploads its directory as artifact shard-N")
    ok(merge.get("needs") == "shard" and "!cancelled()" in str(merge.get("if", "")),
       "github: the merge job needs the shards and runs even when one failed")
    dl = [s for s in merge.get("steps", []) if str(s.get("uses", "")).startswith("actions/download-artifact")]
    ok(dl and dl[0]["with"].get("pattern") == "shard-*" and dl[0]["with"].get("path") == "out",
       "github: the merge job downloads every shard into out/shard-N")
    mrun = step(merge, "fidosim: merge the shards").get("run", "")
    pub = " ".join(str(s.get("with", {}).get("path", "")) for s in merge.get("steps", [])
                   if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    ok("--merge out/shard-*" in mrun and "junit.xml" in pub and "report.html" in pub,
       "github: the merge job merges out/shard-* and publishes junit.xml and report.html")
    crun = step(conform, "fidosim: conform against the RP").get("run", "")
    ok("conform --server" in crun and "REPLACE" in crun,
       "github: the conform job runs conform --server against an RP started in the job (a placeholder to replace)")

    with tempfile.TemporaryDirectory() as work:
        env = dict(genv)
        good = True
        for i in shards:
            env["SHARD"] = str(i)
            rc, out = sh(srun["run"], work, env, "shard")
            good = good and rc == 0 and os.path.isfile(os.path.join(work, "out/shard-%d/report.json" % i))
            if rc != 0:
                print("# shard %d: %s" % (i, out[-400:]))
        ok(good, "github: the %d shard jobs run as written (exit 0, a report each)" % nsh)
        summary = os.path.join(work, "step-summary.md")
        menv = dict(genv, GITHUB_STEP_SUMMARY=summary)

        def gh_merge():
            return sh(mrun, work, menv, "merge")
        rc, out = gh_merge()
        merged_ok(work, nsh, "github", rc, out)
        ok(os.path.isfile(summary) and "fidosim run:" in open(summary).read(),
           "github: the merge writes the headline into the job summary")
        merge_failures(work, gh_merge, nsh, "github")
        port = free_port()
        rc, out = sh(crun, work, dict(genv, RP_PORT=str(port)), "conform")
        conform_ok(work, "github", rc, out, port)

# ---------------- GitLab CI ----------------
gl = load("gitlab-ci.yml")
if gl is not None:
    ok(isinstance(gl, dict), "gitlab-ci.yml parses")
    gvars = {k: str(v) for k, v in gl.get("variables", {}).items()}
    shard, merge, conform = gl.get("fidosim-shard", {}), gl.get("fidosim-merge", {}), gl.get("fidosim-conform", {})
    nsh = shard.get("parallel", 0)
    ok(gl.get("stages") == ["shard", "merge", "conform"] and shard.get("stage") == "shard" and
       merge.get("stage") == "merge" and conform.get("stage") == "conform",
       "gitlab: stages shard, merge, conform")
    sscript = "\n".join(shard.get("script", []))
    ok(isinstance(nsh, int) and nsh >= 2 and '--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"' in sscript and
       shard.get("artifacts", {}).get("when") == "always" and "out/shard-*/" in shard.get("artifacts", {}).get("paths", []),
       "gitlab: parallel: %s shard jobs run fidosim run --shard $CI_NODE_INDEX/$CI_NODE_TOTAL and keep out/shard-N" % nsh)
    needs = merge.get("needs", [])
    ok(merge.get("when") == "always" and any(isinstance(x, dict) and x.get("job") == "fidosim-shard" and
                                            x.get("artifacts") for x in needs),
       "gitlab: the merge job needs the shards' artifacts and runs even when one failed")
    mscript = "\n".join(merge.get("script", []))
    arts = merge.get("artifacts", {})
    ok("--merge out/shard-*" in mscript and arts.get("reports", {}).get("junit") == "out/merged/junit.xml" and
       "out/merged/report.html" in arts.get("paths", []),
       "gitlab: the merge job publishes junit.xml as a JUnit report and report.html")
    cscript = "\n".join(conform.get("script", []))
    ok("conform --server" in cscript and "after_script" in conform and conform.get("needs") == [],
       "gitlab: the conform job runs conform --server against an RP it starts and stops")
    src = open(os.path.join(ROOT, "docs/ci/gitlab-ci.yml")).read()
    ok("REPLACE" in src, "gitlab: the stand-in RP is marked as the line to replace")

    with tempfile.TemporaryDirectory() as work:
        good = True
        for i in range(1, nsh + 1):
            rc, out = sh(sscript, work, dict(gvars, CI_NODE_INDEX=str(i), CI_NODE_TOTAL=str(nsh)), "shard")
            good = good and rc == 0 and os.path.isfile(os.path.join(work, "out/shard-%d/report.json" % i))
            if rc != 0:
                print("# shard %d: %s" % (i, out[-400:]))
        ok(good, "gitlab: the %d shard jobs run as written (exit 0, a report each)" % nsh)

        def gl_merge():
            return sh(mscript, work, gvars, "merge")
        rc, out = gl_merge()
        merged_ok(work, nsh, "gitlab", rc, out)
        merge_failures(work, gl_merge, nsh, "gitlab")
        port = free_port()
        cenv = dict(gvars, RP_PORT=str(port))
        rc, out = sh(cscript, work, cenv, "conform")
        arc, aout = sh("\n".join(conform.get("after_script", [])), work, cenv, "after")
        conform_ok(work, "gitlab", rc, out + aout, port)

print("1..%d" % n)
sys.exit(1 if failed else 0)
