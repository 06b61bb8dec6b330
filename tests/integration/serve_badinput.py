#!/usr/bin/env python3
"""serve_badinput.py — `fidosim serve` under 10,000 malformed requests.

Random bytes, truncated JSON, huge fields, wrong types, deep nesting and
oversize bodies, spread over every endpoint (the verification endpoints get
them inside a live session, right after real options, so they reach the
verifier): each must get a 4xx with a JSON error, and the server must still
answer properly afterwards. BADINPUT_COUNT changes the number. TAP output.
"""
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

FIDOSIM = os.environ.get("FIDOSIM", "build/fidosim")
WRAP = os.environ.get("FSIM_WRAP", "").split()
COUNT = int(os.environ.get("BADINPUT_COUNT", "10000"))
THREADS = 4
BODY_MAX = 256 * 1024

OPTIONS = ["/registration/options", "/authentication/options",
           "/attestation/options", "/assertion/options"]
VERIFY = {"/registration/verification": "/registration/options",
          "/authentication/verification": "/registration/options",
          "/attestation/result": "/attestation/options",
          "/assertion/result": "/attestation/options"}
ENDPOINTS = OPTIONS + list(VERIFY)

n = 0
failures = 0
lock = threading.Lock()


def tap(ok, what):
    global n, failures
    n += 1
    if not ok:
        failures += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what), flush=True)


def b64u(rng, k):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(k))


def valid_body(path, rng):
    if path in OPTIONS:
        return {"username": "u%d" % rng.randrange(1000), "user_verification": "preferred",
                "algorithms": ["es256"], "hints": []}
    resp = {"id": b64u(rng, 22), "rawId": b64u(rng, 22), "type": "public-key",
            "clientExtensionResults": {},
            "response": {"clientDataJSON": b64u(rng, 120), "attestationObject": b64u(rng, 200),
                         "authenticatorData": b64u(rng, 50), "signature": b64u(rng, 96),
                         "transports": ["internal"]}}
    if path in ("/attestation/result", "/assertion/result"):
        return resp
    return {"username": "u1", "response": resp}


def wrong_type(rng):
    return rng.choice([12345, -1, 1.5, True, False, None, [], [1, 2], {}, {"a": {}}, "x" * 70,
                       "\u00e9\u4e2d", [None] * 5])


def mutate(path, rng):
    """A malformed body for path (bytes)."""
    kind = rng.randrange(8)
    if kind == 0:            # random bytes
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
    if kind == 1:            # truncated JSON
        t = json.dumps(valid_body(path, rng)).encode()
        return t[:rng.randrange(0, len(t))]
    if kind == 2:            # huge fields
        b = valid_body(path, rng)
        size = rng.choice([65, 5000, 100000, 200000])
        if path in OPTIONS:
            b["username"] = "x" * size
        else:
            r = b if path in ("/attestation/result", "/assertion/result") else b["response"]
            r["response"][rng.choice(["clientDataJSON", "attestationObject", "signature",
                                      "authenticatorData"])] = b64u(rng, 8) * (size // 8)
        return json.dumps(b).encode()
    if kind == 3:            # wrong types at the top or one level down
        b = valid_body(path, rng)
        if path in OPTIONS:
            # Any member of the wrong type, and always the username (never valid then).
            b[rng.choice(["user_verification", "algorithms", "hints", "attestation",
                          "authenticatorSelection", "extensions", "userVerification"])] = \
                wrong_type(rng)
            b["username"] = rng.choice([7, -1.5, True, [], ["a"], {}, {"name": "a"}])
            return json.dumps(b).encode()
        r = b if path in ("/attestation/result", "/assertion/result") else b["response"]
        target = rng.choice([r, r["response"]])
        target[rng.choice(list(target))] = wrong_type(rng)
        return json.dumps(b).encode()
    if kind == 4:            # not an object
        return json.dumps(rng.choice([[], [valid_body(path, rng)], "str", 1, None, True])).encode()
    if kind == 5:            # deep nesting
        d = rng.choice([100, 3000, 20000])
        return b"[" * d + b"]" * d
    if kind == 6:            # duplicate keys, NUL, bad UTF-8
        return rng.choice([b'{"username":"a","username":"b"}', b'{"username":"a\\u0000"}',
                           b'{"username":"\xff\xfe"}', b'{"username":"a"} trailing',
                           b'{"username":"a",}'])
    return b"{" + b"\"k\":1," * (BODY_MAX // 6) + b"\"z\":0}"   # over the body limit


def start():
    log = tempfile.NamedTemporaryFile(prefix="fsim-serve-", suffix=".log", delete=False)
    p = subprocess.Popen(WRAP + [FIDOSIM, "serve", "--port", "0"], stdout=subprocess.PIPE,
                         stderr=log, text=True)
    line = p.stdout.readline()
    m = re.search(r"127\.0\.0\.1:(\d+)/", line)
    if not m:
        p.kill()
        print("not ok 1 - fidosim serve did not start: %r" % line)
        print("1..1")
        sys.exit(1)
    return p, int(m.group(1)), log.name


def request(conn, method, path, body, cookie=None):
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data, r.getheader("Set-Cookie")


def worker(port, seeds, results):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    bad = []
    for seed in seeds:
        rng = random.Random(seed)
        path = ENDPOINTS[seed % len(ENDPOINTS)]
        cookie = None
        body = b""
        try:
            if path in VERIFY:       # a live ceremony first, so the verifier sees the body
                st, _, sc = request(conn, "POST", VERIFY[path], json.dumps({"username": "u1"}))
                cookie = sc.split(";")[0] if sc else None
                if path in ("/authentication/verification", "/assertion/result"):
                    request(conn, "POST", VERIFY[path].replace("registration", "authentication")
                            .replace("attestation", "assertion"), "{}", cookie)
            body = mutate(path, rng)
            st, data, _ = request(conn, "POST", path, body, cookie)
            try:
                j = json.loads(data)
                named = isinstance(j, dict) and (isinstance(j.get("error"), str) or
                                                 isinstance(j.get("errorMessage"), str))
            except ValueError:
                named = False
            if not (400 <= st < 500 and named):
                bad.append((seed, path, st, body[:80], data[:200]))
        except Exception as e:  # noqa: BLE001 -- anything unexpected is a failure
            # A server that refuses a huge body may close the connection: reconnect.
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if not (isinstance(e, (ConnectionResetError, BrokenPipeError,
                                   http.client.RemoteDisconnected)) and len(body) > BODY_MAX):
                bad.append((seed, path, "exception", repr(e)[:100], b""))
    conn.close()
    with lock:
        results.extend(bad)


def main():
    p, port, logname = start()
    results = []
    seeds = list(range(COUNT))
    t0 = time.time()
    threads = [threading.Thread(target=worker, args=(port, seeds[i::THREADS], results))
               for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.time() - t0
    tap(not results, "%d malformed bodies over %d endpoints each got a 4xx JSON error (%.1f s)"
        % (COUNT, len(ENDPOINTS), dt))
    for r in results[:10]:
        print("# seed %s %s -> %s body %r answer %r" % r)
    # GETs of reports that do not exist, odd methods, unknown paths.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    odd = [("GET", "/api/reports/999999999999999999999"), ("GET", "/api/reports/-1"),
           ("GET", "/api/reports/1x"), ("DELETE", "/registration/options"),
           ("PUT", "/api/reports"), ("GET", "/nowhere"), ("POST", "/" + "a" * 3000)]
    oks = 0
    for m, path in odd:
        st, data, _ = request(conn, m, path, b"" if m == "GET" else b"{}")
        good = 400 <= st < 500 and b"error" in data
        oks += good
        if not good:
            print("# %s %s -> %s %r" % (m, path[:40], st, data[:100]))
    tap(oks == len(odd), "unknown reports, methods and paths get 4xx JSON errors (%d/%d)"
        % (oks, len(odd)))
    st, data, _ = request(conn, "POST", "/registration/options", json.dumps({"username": "after"}))
    tap(st == 200 and b"challenge" in data, "the server still answers properly afterwards")
    st, data, _ = request(conn, "GET", "/", None)
    tap(st == 200 and b"<!doctype html>" in data, "the page is still served")
    conn.close()
    alive = p.poll() is None
    tap(alive, "the server process is still running")
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=30)
    tap(rc == 0, "it stops cleanly on SIGTERM (exit %s)" % rc)
    with open(logname, encoding="utf-8", errors="replace") as f:
        lines = sum(1 for line in f if re.match(r"^\d{4}-\d\d-\d\dT", line))
    os.unlink(logname)
    tap(lines >= COUNT, "one log line per request (%d lines)" % lines)
    print("1..%d" % n)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
