#!/bin/sh
# docs_scenarios.sh — every command of docs/scenarios.md runs and its output
# holds the lines the page says it holds (and the exit status, "exit: N").
set -u
F=${FIDOSIM:-build/fidosim}
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
# `build/fidosim` in the page (what a reader has after `make run`) is the
# binary under test here (another BUILD, wrapped e.g. by valgrind).
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${FSIM_WRAP:-}" "$(cd "$(dirname "$F")" && pwd)/$(basename "$F")" > "$tmp/bin/fidosim"
chmod +x "$tmp/bin/fidosim"
export FIDOSIM_STORE="$tmp/store"
cd "$here" || exit 1
python3 - "$here/docs/scenarios.md" "$tmp" <<'PY'
import re, subprocess, sys
text = open(sys.argv[1]).read()
pairs = re.findall(r"^## (.+?)$.*?```sh\n(.*?)```\n```text\n(.*?)```", text, re.S | re.M)
n = 0
for title, cmd, expect in pairs:
    bare = re.findall(r"(?:^|[|;&(] *)fidosim ", cmd, re.M)
    if bare:
        n += 1
        print("not ok %d - %s: calls a bare `fidosim` (not on PATH after set-up)" % (n, title))
        continue
    cmd = cmd.replace("build/fidosim ", sys.argv[2] + "/bin/fidosim ")
    out = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True)
    want_rc = 0
    lines = []
    for l in expect.splitlines():
        l = l.strip()
        if not l:
            continue
        if l.startswith("exit: "):
            want_rc = int(l[6:])
        else:
            lines.append(l)
    n += 1
    if out.returncode != want_rc:
        print("not ok %d - %s: exit %d, expected %d" % (n, title, out.returncode, want_rc))
        print("# " + out.stderr.strip().replace("\n", "\n# "))
        continue
    missing = [l for l in lines if l not in out.stdout]
    if missing:
        print("not ok %d - %s: output lacks %s" % (n, title, missing))
        continue
    print("ok %d - %s" % (n, title))
if n < 6:
    n += 1
    print("not ok %d - docs/scenarios.md has %d cases, expected at least 6" % (n, n - 1))
print("1..%d" % n)
PY
