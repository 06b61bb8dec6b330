#!/usr/bin/env python3
"""readme_tour.py — the README's five-minute tour runs as written (issue 20).

Every `$ ` command of the tour's sh blocks runs, in order, in one shell (so
`cd` and `export` carry over), from the top of the checkout. A command passes
when it exits 0 (or 1 where the README says `# exits 1`) and its standard
output holds every line the README shows under it, except lines with `...`
(elided). Only two things differ from a reader's run: `build/` is the build
under test ($FSIM_BUILD), and port 8080 (serve's default) is a free port. TAP output."""
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("FSIM_BUILD", "build")


def tour_commands():
    text = open(os.path.join(ROOT, "README.md")).read()
    start = text.index("## A five-minute tour")
    end = text.index("\n## ", start + 10)
    section = text[start:end]
    cmds = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        cur = None
        heredoc = None
        for line in block.split("\n"):
            if heredoc is not None:
                cur["cmd"] += "\n" + line
                if line == heredoc:
                    heredoc = None
                continue
            cont = cur is not None and not cur["out"] and re.search(r"(\\|\|)\s*$", cur["cmd"])
            if line.startswith("$ "):
                cur = {"cmd": line[2:], "out": []}
                cmds.append(cur)
            elif cont:
                cur["cmd"] += "\n" + line
            elif cur is not None and line.strip():
                cur["out"].append(line.rstrip())
            else:
                continue
            m = re.search(r"<<'?(\w+)'?", line)
            if m and line.startswith(("$ ", " ")):
                heredoc = m.group(1)
    return cmds


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    cmds = tour_commands()
    port = str(free_port())
    work = tempfile.mkdtemp(prefix="fsim-tour-")
    script = ["set +e"]
    for i, c in enumerate(cmds):
        cmd = c["cmd"].replace("8080", port).replace("fidosim serve ", "fidosim serve --port %s " % port)
        cmd = cmd.replace('"$PWD/build:', '"$PWD/%s:' % BUILD)
        # "sleep 1" waits for a server: wait for it as long as this machine needs.
        cmd = cmd.replace("sleep 1;", "for _ in $(seq 1 200); do grep -q listening serve.log 2>/dev/null && break; sleep 0.1; done;")
        c["run"] = cmd
        script.append("{\n%s\n} > %s/out.%d 2> %s/err.%d; echo $? > %s/rc.%d" % (
            cmd, work, i, work, i, work, i))
        if cmd.rstrip().endswith("&"):
            script.append("echo $! > %s/bg.pid" % work)
    script.append("[ -f %s/bg.pid ] && kill $(cat %s/bg.pid) 2>/dev/null; true" % (work, work))
    env = dict(os.environ)
    env.pop("FIDOSIM_STORE", None)
    p = subprocess.run(["bash", "-c", "\n".join(script)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=900)
    bg = os.path.join(work, "bg.pid")
    if os.path.exists(bg):
        try:
            os.kill(int(open(bg).read()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
    n = 0
    failed = 0
    for i, c in enumerate(cmds):
        n += 1
        first = c["cmd"].split("\n")[0]
        want_rc = 1 if re.search(r"#\s*exits 1", c["cmd"]) else 0
        try:
            rc = int(open(os.path.join(work, "rc.%d" % i)).read())
            out = open(os.path.join(work, "out.%d" % i), errors="replace").read()
            err = open(os.path.join(work, "err.%d" % i), errors="replace").read()
        except (OSError, ValueError):
            rc, out, err = -1, "", "(did not run)"
        lines = [l.strip() for l in out.split("\n")]
        missing = [w for w in c["out"] if "..." not in w and w.replace("8080", port).strip() not in lines]
        if rc == want_rc and not missing:
            print("ok %d - $ %s" % (n, first[:110]))
        else:
            failed += 1
            print("not ok %d - $ %s (exit %d, expected %d)" % (n, first[:110], rc, want_rc))
            for m in missing[:5]:
                print("#   missing: %s" % m)
            for l in (out.strip().split("\n")[:5] + err.strip().split("\n")[:5]):
                if l:
                    print("#   %s" % l)
    n += 1
    if len(cmds) >= 20:
        print("ok %d - the tour has %d commands" % (n, len(cmds)))
    else:
        failed += 1
        print("not ok %d - the tour has only %d commands (the extraction broke?)" % (n, len(cmds)))
    subprocess.run(["rm", "-rf", work])
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
