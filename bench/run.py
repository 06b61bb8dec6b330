#!/usr/bin/env python3
"""bench/run.py [--runs N] [--jobs LIST] [--fidosim PATH] [--json]

The conformance matrix's speed: `fidosim run` (everything it runs by
default, the three report files written) timed N times (default 3) at each
-j of LIST (default "1,<CPUs>"), and the first of four shards at -j 1 to
see that the cost per cell does not grow with the number of cells. For each:
cells, wall seconds, CPU seconds (user + system of the process, from
wait4), cells per CPU-second and cells per wall-second; the best of the
runs and every run. The issue's goal is 10,000 cells per CPU-second at -j 1.
CPU time is the measure that other work on the machine disturbs least; the
load average is printed at the start and the end.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def one_run(fidosim, jobs, extra, out):
    start = time.monotonic()
    proc = subprocess.Popen([fidosim, "run", "-j", str(jobs), "-o", out, "--quiet"] + extra,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    # exit 1 means cells failed unexpectedly: still a timing, but say so
    if code not in (0, 1):
        sys.exit("bench/run.py: fidosim run exited %d: %s" % (code, err.strip()))
    with open(os.path.join(out, "report.json")) as f:
        cells = json.load(f)["summary"]["cells"]
    cpu = usage.ru_utime + usage.ru_stime
    return {"cells": cells, "wall": wall, "cpu": cpu,
            "cellsPerCpuSecond": cells / cpu if cpu > 0 else 0.0,
            "cellsPerWallSecond": cells / wall if wall > 0 else 0.0}


def series(fidosim, name, jobs, extra, runs, out):
    got = [one_run(fidosim, jobs, extra, out) for _ in range(runs)]
    best = max(got, key=lambda r: r["cellsPerCpuSecond"])
    return {"name": name, "jobs": jobs, "runs": got, "best": best}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1].replace("\n", " "))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", default="1,%d" % (os.cpu_count() or 1))
    ap.add_argument("--fidosim", default=os.environ.get("FIDOSIM", "build/fidosim"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs wants at least 1")
    try:
        jobs = sorted({int(j) for j in a.jobs.split(",") if j.strip()})
    except ValueError:
        ap.error("--jobs wants a comma-separated list of whole numbers")
    if not jobs or min(jobs) < 1:
        ap.error("--jobs wants numbers of at least 1")
    if shutil.which(a.fidosim) is None and not os.access(a.fidosim, os.X_OK):
        ap.error("no fidosim at %s (build it, or give --fidosim)" % a.fidosim)
    out = tempfile.mkdtemp(prefix="fidosim-bench-run-")
    try:
        load0 = os.getloadavg()
        res = [series(a.fidosim, "whole matrix", j, [], a.runs, out) for j in jobs]
        res.append(series(a.fidosim, "shard 1/4", 1, ["--shard", "1/4"], a.runs, out))
        load1 = os.getloadavg()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if a.json:
        json.dump({"loadStart": load0, "loadEnd": load1, "series": res}, sys.stdout, indent=1)
        print()
        return
    print("load %.2f %.2f %.2f at start" % load0)
    print("%-14s %4s %6s %8s %8s %12s %13s" % ("what", "-j", "cells", "wall s", "cpu s",
                                              "cells/cpu-s", "cells/wall-s"))
    for s in res:
        b = s["best"]
        print("%-14s %4d %6d %8.3f %8.3f %12.0f %13.0f" % (s["name"], s["jobs"], b["cells"], b["wall"],
                                                         b["cpu"], b["cellsPerCpuSecond"],
                                                         b["cellsPerWallSecond"]))
        print("%-14s      every run: %s" % ("", ", ".join(
            "%.0f/cpu-s %.0f/wall-s" % (r["cellsPerCpuSecond"], r["cellsPerWallSecond"])
            for r in s["runs"])))
    one = next(s for s in res if s["name"] == "whole matrix" and s["jobs"] == 1) if 1 in jobs else None
    if one is not None:
        for s in res:
            if s["name"] == "whole matrix" and s["jobs"] > 1:
                print("-j %d: %.2fx the cells per wall-second of -j 1" % (
                    s["jobs"], s["best"]["cellsPerWallSecond"] / one["best"]["cellsPerWallSecond"]))
        shard = res[-1]["best"]
        print("shard 1/4 (%d cells): %.2fx the whole matrix's cells per CPU-second at -j 1" % (
            shard["cells"], shard["cellsPerCpuSecond"] / one["best"]["cellsPerCpuSecond"]))
        print("goal: 10000 cells per CPU-second at -j 1: %s (best %.0f)" % (
            "met" if one["best"]["cellsPerCpuSecond"] >= 10000 else "not met",
            one["best"]["cellsPerCpuSecond"]))
    print("load %.2f %.2f %.2f at end" % load1)


if __name__ == "__main__":
    main()
