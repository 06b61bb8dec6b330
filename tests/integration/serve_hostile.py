#!/usr/bin/env python3
"""serve_hostile.py — `fidosim serve` against hostile clients (issue 19).

Each case answers 4xx with a clean JSON error and the request log keeps one
line per request:
  - invalid UTF-8 in the URL (/%ff) and in a field; %0a in the URL (a forged
    log line);
  - JSON under another Content-Type, or none (415);
  - usernames counted in characters: 64 two-byte characters pass, 65 do not;
  - a flood of cookie-less options requests (more than the session table
    holds) from another address while a real client has a ceremony in
    progress: the ceremony still completes, and new real clients are served
    during the flood;
  - slowloris: 300 connections from another address trickling a header one
    byte at a time: real clients keep being served meanwhile, and the slow
    connections are closed by the server's deadline.
The hostile traffic comes from 127.0.0.2 (any 127/8 address is this machine),
the real client from 127.0.0.1, as an attacker's and a user's would differ.
Real ceremonies are made by `fidosim create` (the headless browser).
FLOOD_COUNT changes the flood (default 8400, twice the session table). TAP output.
"""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

FIDOSIM = os.environ.get("FIDOSIM", "build/fidosim")
WRAP = os.environ.get("FSIM_WRAP", "").split()
FLOOD = int(os.environ.get("FLOOD_COUNT", "8400"))
SLOW = 300
HOSTILE = "127.0.0.2"

n = 0
failures = 0


def tap(ok, what):
    global n, failures
    n += 1
    if not ok:
        failures += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what), flush=True)


class Server:
    def __init__(self, tmp):
        self.log = os.path.join(tmp, "log")
        self.proc = subprocess.Popen(WRAP + [FIDOSIM, "serve", "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=open(self.log, "w"),
                                     text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            raise RuntimeError("serve did not start: " + line)
        self.port = int(m.group(1))
        self.origin = "http://localhost:%d" % self.port

    def log_lines(self):
        with open(self.log, errors="replace") as f:
            return [l for l in f.read().split("\n") if l]

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(timeout=30)


def conn(port, source=None):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                      source_address=(source, 0) if source else None)


def call(c, method, path, body=None, ctype="application/json", cookie=None, raw=False):
    headers = {}
    if ctype is not None and body is not None:
        headers["Content-Type"] = ctype
    if cookie:
        headers["Cookie"] = cookie
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    if raw:
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in headers.items():
            c.putheader(k, v)
        if data is not None:
            c.putheader("Content-Length", str(len(data)))
        c.endheaders(data)
    else:
        c.request(method, path, body=data, headers=headers)
    r = c.getresponse()
    text = r.read()
    sc = r.getheader("Set-Cookie")
    try:
        j = json.loads(text)
    except ValueError:
        j = None
    return r.status, j, text, sc.split(";")[0] if sc else None


def clean_error(status, j, text):
    """4xx, a JSON object with a string error, valid UTF-8 without control characters."""
    if not (400 <= status < 500) or not isinstance(j, dict):
        return False
    e = j.get("error", j.get("errorMessage"))
    return isinstance(e, str) and not any(ord(ch) < 0x20 for ch in e)


class Client:
    """A real user: a cookie jar, `fidosim create` as the authenticator."""

    def __init__(self, srv, name, tmp):
        self.srv, self.name, self.tmp = srv, name, tmp
        self.c = conn(srv.port)
        self.cookie = None
        self.made = 0

    def post(self, path, body):
        st, j, text, sc = call(self.c, "POST", path, body, cookie=self.cookie)
        if sc:
            self.cookie = sc
        return st, j

    def options(self):
        return self.post("/registration/options", {"username": self.name, "algorithms": ["es256"]})

    def finish(self, opts):
        # a new authenticator each time: the options exclude the user's credentials
        self.made += 1
        p = subprocess.run([FIDOSIM, "create", "--origin", self.srv.origin, "--store",
                            os.path.join(self.tmp, "store-%s-%d" % (self.name, self.made)), "-"],
                           input=json.dumps(opts), capture_output=True, text=True)
        if p.returncode != 0:
            return 0, {"error": "create failed: " + p.stderr}
        return self.post("/registration/verification",
                         {"username": self.name, "response": json.loads(p.stdout)})

    def register(self):
        st, opts = self.options()
        if st != 200:
            return st, opts
        return self.finish(opts)


def main():
    tmp = tempfile.mkdtemp()
    srv = Server(tmp)
    requests = 0
    try:
        c = conn(srv.port)
        # ---- escaping ----
        st, j, text, _ = call(c, "GET", "/%ff")
        requests += 1
        tap(clean_error(st, j, text) and st == 404 and "\\xff" in j["error"],
            "GET /%%ff: 404 with a clean JSON error quoting \\xff (was 500): %d %s" % (st, text[:80]))
        st, j, text, _ = call(c, "POST", "/registration/options", b'{"username": "\xff\xfe"}')
        requests += 1
        tap(clean_error(st, j, text) and st == 400,
            "invalid UTF-8 in a field: 400 with a clean JSON error: %d %s" % (st, text[:80]))
        st, j, text, _ = call(c, "GET", "/x%0a2026-01-01T00:00:00Z%206.6.6.6%20GET%20/forged%20200%200%200ms")
        requests += 1
        tap(clean_error(st, j, text) and st == 404 and "\\x0a" in j["error"],
            "%%0a in the URL: 404, the newline escaped in the error")
        long_name = "\u00e9" * 40 + "\u4e2d" * 30
        st, j, text, _ = call(c, "POST", "/attestation/options",
                              {"username": "x", "attestation": long_name})
        requests += 1
        e = (j or {}).get("errorMessage", "")
        tap(clean_error(st, j, text) and len(e.encode()) < 600,
            "a long multi-byte value quoted in an error: cut on a character boundary")
        # ---- Content-Type ----
        for ct in ("text/plain", None, "application/jsonx", "multipart/form-data"):
            st, j, text, _ = call(c, "POST", "/registration/options", {"username": "ct"}, ctype=ct)
            requests += 1
            tap(st == 415 and clean_error(st, j, text) and "Content-Type" in j["error"],
                "Content-Type %s: 415 with a JSON error" % ct)
        for ct in ("application/json; charset=utf-8", "Application/JSON"):
            st, j, text, _ = call(c, "POST", "/registration/options", {"username": "ct"}, ctype=ct)
            requests += 1
            tap(st == 200, "Content-Type %s accepted" % ct)
        # ---- usernames in characters ----
        st, j, text, _ = call(c, "POST", "/registration/options", {"username": "\u00e9" * 64})
        requests += 1
        tap(st == 200, "64 two-byte characters (128 bytes) are a valid username: %d %s" % (st, text[:100]))
        st, j, text, _ = call(c, "POST", "/registration/options", {"username": "\u00e9" * 65})
        requests += 1
        tap(st == 400 and clean_error(st, j, text) and "65 characters" in j["error"],
            "65 characters: 400 naming the count in characters: %s" % text[:120])
        c.close()
        # ---- a header over the connection's memory: libmicrohttpd answers 431
        # before the handler runs; its message is still one escaped log line ----
        big = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        try:
            big.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
        except OSError:
            pass
        head = b""
        try:
            while b"\r\n" not in head:
                chunk = big.recv(256)
                if not chunk:
                    break
                head += chunk
        except OSError:
            pass
        big.close()
        requests += 1
        tap(head.startswith(b"HTTP/1.1 431 "),
            "a 200 kB header: 431 Request Header Fields Too Large (%r)" % head[:40])

        # ---- one log line per request so far; no forged line ----
        time.sleep(0.3)
        lines = srv.log_lines()
        tap(len(lines) == requests, "one log line per request (%d lines for %d requests)"
            % (len(lines), requests))
        tap(any(" 431 " in l and " httpd: " in l for l in lines),
            "the 431 that libmicrohttpd sent is a line of the log, with its status")
        tap(not any(" 6.6.6.6 " in l.split(" GET ")[0] for l in lines) and
            all(re.match(r"^\d{4}-\d\d-\d\dT", l) for l in lines),
            "no forged log line: every line starts with the server's timestamp")

        # ---- session flood ----
        alice = Client(srv, "alice", tmp)
        st, _ = alice.register()                    # alice has come back with her cookie
        tap(st == 200, "a real client registers before the flood")
        st, opts = alice.options()                  # a ceremony in progress
        flood_status = {}
        lock = threading.Lock()

        def flood(k):
            fc = conn(srv.port, HOSTILE)
            for _ in range(k):
                s, j, text, _ = call(fc, "POST", "/registration/options", {"username": "flood"})
                with lock:
                    flood_status[s] = flood_status.get(s, 0) + 1
            fc.close()

        t0 = time.time()
        threads = [threading.Thread(target=flood, args=(FLOOD // 4,)) for _ in range(4)]
        for t in threads:
            t.start()
        during = []
        bob_n = 0
        while any(t.is_alive() for t in threads):
            bob_n += 1
            st_b, _ = Client(srv, "bob%d" % bob_n, tmp).register()
            during.append(st_b)
        for t in threads:
            t.join()
        dt = time.time() - t0
        st, ans = alice.finish(opts)
        tap(st == 200, "after %d cookie-less options requests in %.1f s (%s), the real client's "
            "ceremony in progress completes: %d %s" % (sum(flood_status.values()), dt,
                                                       flood_status, st, ans))
        tap(len(during) > 0 and all(s == 200 for s in during),
            "new real clients are served during the flood: %d registrations, statuses %s"
            % (len(during), sorted(set(during))))
        tap(all(400 <= s < 500 or s == 200 for s in flood_status),
            "the flood gets 200 or 4xx only: %s" % flood_status)

        # ---- slowloris ----
        slow = []
        refused = 0
        for _ in range(SLOW):
            s = socket.socket()
            s.settimeout(5)
            try:
                s.bind((HOSTILE, 0))
                s.connect(("127.0.0.1", srv.port))
                s.send(b"P")
                slow.append(s)
            except OSError:
                refused += 1
                s.close()
        stop = threading.Event()

        def trickle():
            i = 0
            while not stop.is_set():
                for s in slow:
                    try:
                        s.send(b"OST /registration/options HTTP/1.1\r\n"[i % 36:i % 36 + 1])
                    except OSError:
                        pass
                i += 1
                stop.wait(1.0)

        tt = threading.Thread(target=trickle)
        tt.start()
        t0 = time.time()
        served = []
        while time.time() - t0 < 4:
            st, _ = Client(srv, "carol%d" % len(served), tmp).register()
            served.append(st)
        tap(len(served) > 0 and all(s == 200 for s in served),
            "%d slow connections trickling a header (%d refused at connect): real clients "
            "are served meanwhile (%d registrations in 4 s)" % (len(slow), refused, len(served)))
        # the header deadline: 10 s after they connected, none of them is open
        time.sleep(max(0.0, t0 + 9 - time.time()))
        open_slow = 0
        deadline = time.time() + 6
        for s in slow:
            s.settimeout(max(0.1, deadline - time.time()))
            try:
                while s.recv(4096):
                    pass
            except socket.timeout:
                open_slow += 1
            except OSError:
                pass
        tap(open_slow == 0, "the server cut off every connection still trickling its header "
            "after the 10 s deadline (%d of %d still open 15 s after they started)"
            % (open_slow, len(slow)))
        # a connection that sends part of a header, then nothing, is closed too
        silent = socket.socket()
        silent.bind(("127.0.0.3", 0))
        silent.settimeout(20)
        closed_after = None
        try:
            silent.connect(("127.0.0.1", srv.port))
            silent.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
            t1 = time.time()
            if silent.recv(100) == b"":
                closed_after = time.time() - t1
        except OSError:
            closed_after = time.time() - t1
        silent.close()
        tap(closed_after is not None and closed_after < 15,
            "a header left unfinished is closed by the server (after %s s)"
            % (None if closed_after is None else round(closed_after, 1)))
        stop.set()
        tt.join()
        for s in slow:
            s.close()
        # everything still works, and the server is alive
        st, _ = Client(srv, "dave", tmp).register()
        tap(st == 200 and srv.proc.poll() is None, "after it all the server still serves")
    finally:
        rc = srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    tap(rc == 0, "it stops cleanly (exit %s)" % rc)
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
