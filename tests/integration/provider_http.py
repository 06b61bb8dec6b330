#!/usr/bin/env python3
"""provider_http.py — `fidosim provider` over HTTP, as the extension and the
Playwright helper call it, and as an attacker would.

The door: --listen refuses every address but loopback; the service is not
reachable on the machine's other addresses; the token file is mode 0600 and
removed at exit; a request without the token, with a wrong one, from another
origin (a web page, another extension), with a forged Host (DNS rebinding) is
refused with 401/403 and no CORS header; the extension's origin gets CORS.
The answers: POST /create and /get give byte for byte what `fidosim create` /
`get` print for the same seed, store, settings, options and origin, the
refusals included; settings change at run time (all or nothing, the member
named); one log line per ceremony; bad requests get 4xx JSON. TAP output.
"""
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

FIDOSIM = os.environ.get("FIDOSIM", "build/fidosim")
WRAP = os.environ.get("FSIM_WRAP", "").split()
SEED = "70726f7669646572"
EXT_MANIFEST = "browser/extension/manifest.json"

n = 0
failures = 0


def tap(ok, what, detail=None):
    global n, failures
    n += 1
    if not ok:
        failures += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, what), flush=True)
    if not ok and detail is not None:
        for line in str(detail).splitlines()[:12]:
            print("# " + line)


def run(*args, stdin=None):
    p = subprocess.run(WRAP + [FIDOSIM] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def extension_id():
    """Chromium's ID of an extension with this public key: SHA-256, 16 bytes, nibbles as a-p."""
    key = json.load(open(EXT_MANIFEST))["key"]
    h = hashlib.sha256(base64.b64decode(key)).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in h)


class Provider:
    def __init__(self, tmp, *args):
        self.token_file = os.path.join(tmp, "tok")
        self.log = open(os.path.join(tmp, "provider.log"), "w+")
        self.proc = subprocess.Popen(WRAP + [FIDOSIM, "provider", "--listen", "127.0.0.1:0",
                                             "--token-file", self.token_file] + list(args),
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.first = self.proc.stdout.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", self.first)
        self.port = int(m.group(1)) if m else None
        self.token = open(self.token_file).read().strip() if m else None

    def request(self, method, path, body=None, token=True, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Content-Type": "application/json"}
        if token is True:
            h["Authorization"] = "Bearer " + self.token
        elif token:
            h["Authorization"] = token
        h.update(headers or {})
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        raw = r.read().decode()
        c.close()
        try:
            j = json.loads(raw) if raw else None
        except ValueError:
            j = None
        return r.status, dict(r.getheaders()), raw, j

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -1

    def log_text(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


OPTS = {"rp": {"id": "localhost", "name": "Example"},
        "user": {"id": "dXNlcg", "name": "alice", "displayName": "Alice"},
        "challenge": "AAECAwQFBgcICQoLDA0ODw",
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        "authenticatorSelection": {"residentKey": "required", "userVerification": "preferred"},
        "attestation": "direct"}
ROPTS = {"rpId": "localhost", "challenge": "EBESExQVFhcYGRobHB0eHw", "userVerification": "preferred"}
ORIGIN = "http://localhost:8080"


def non_loopback_address():
    """An IPv4 address of this machine that is not loopback, or None."""
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("192.0.2.1", 9))   # TEST-NET-1: no packet is sent for a UDP connect
        a = s.getsockname()[0]
        s.close()
        return None if a.startswith("127.") else a
    except OSError:
        return None


def main():
    tmp = tempfile.mkdtemp()

    # ---- the command line ----
    rc, out, err = run("provider", "--help")
    tap(rc == 0 and "--listen" in out and "Authorization: Bearer" in out, "provider --help")
    for bad in ["0.0.0.0:0", "192.168.1.10:8765", "[::]:0", "example.org:80", "8765"]:
        rc, out, err = run("provider", "--listen", bad, "--token-file", os.path.join(tmp, "x"))
        tap(rc == 2 and ("loopback" in err or "ADDRESS:PORT" in err or "IP address" in err),
            "--listen %s refused (exit 2): %s" % (bad, err.strip()[:90]), err)
    rc, out, err = run("provider")
    tap(rc == 2 and "--listen" in err, "no --listen: exit 2")
    rc, out, err = run("provider", "--listen", "127.0.0.1:0", "--allow-origin", "*")
    tap(rc == 2 and "exact origin" in err, "--allow-origin '*' refused")
    tap(not os.path.exists(os.path.join(tmp, "x")), "no token file written by a refused start")

    # ---- start ----
    store = os.path.join(tmp, "store-provider")
    p = Provider(tmp, "--store", store, "--preset", "icloud-keychain", "--platform", "safari-macos",
                 "--seed", SEED)
    tap(p.port is not None, "started: " + p.first.strip()[:120], p.first)
    if p.port is None:
        print("1..%d" % n)
        return 1
    ext_origin = "chrome-extension://" + extension_id()
    tap(ext_origin in p.first, "the allowed origin is the extension's, whose ID the manifest key "
        "gives (%s)" % ext_origin, p.first)
    st = os.stat(p.token_file)
    tap(oct(st.st_mode & 0o777) == "0o600", "the token file is mode 0600 (%s)" % oct(st.st_mode & 0o777))
    tap(re.fullmatch(r"[A-Za-z0-9_-]{43}", p.token or "") is not None,
        "the token is 32 random bytes, base64url")

    # ---- loopback only ----
    try:
        ss = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        mine = [l for l in ss.splitlines() if re.search(r"[:\]]%d\s" % p.port, l + " ")]
        tap(mine and all(("127.0.0.1:%d" % p.port) in l for l in mine),
            "ss: the port is bound to 127.0.0.1 only: " + " | ".join(" ".join(l.split()) for l in mine),
            ss)
    except FileNotFoundError:
        tap(False, "ss (iproute2) is needed to show the listening address")
    other = non_loopback_address()
    if other is None:
        tap(False, "this machine has no non-loopback IPv4 address to try the port on")
    else:
        s = socket.socket()
        s.settimeout(3)
        code = s.connect_ex((other, p.port))
        s.close()
        tap(code != 0, "not reachable on %s:%d (connect: %s)" % (other, p.port, os.strerror(code)))

    # ---- refusals ----
    status, h, raw, j = p.request("GET", "/settings", token=None)
    tap(status == 401 and "no token" in raw, "no token: 401 %s" % raw)
    status, h, raw, j = p.request("POST", "/create", {"options": OPTS, "origin": ORIGIN}, token=None)
    tap(status == 401 and "no token" in raw, "no token on /create: 401, no ceremony")
    status, h, raw, j = p.request("GET", "/settings", token="Bearer " + "A" * 43)
    tap(status == 401 and "wrong token" in raw, "wrong token: 401 %s" % raw)
    status, h, raw, j = p.request("GET", "/settings", token="Basic " + (p.token or ""))
    tap(status == 401, "the token in another scheme: 401")
    status, h, raw, j = p.request("GET", "/settings", token="Bearer " + (p.token or "")[:-1])
    tap(status == 401, "a truncated token: 401")
    for origin in ["http://localhost:8080", "https://evil.example",
                   "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "null"]:
        status, h, raw, j = p.request("POST", "/create", {"options": OPTS, "origin": ORIGIN},
                                      headers={"Origin": origin})
        tap(status == 403 and "Access-Control-Allow-Origin" not in h and "Origin is not allowed" in raw,
            "Origin %s with the token: 403, no CORS header" % origin, (status, h, raw))
        status, h, raw, j = p.request("OPTIONS", "/create", token=None,
                                      headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
        tap(status == 403 and "Access-Control-Allow-Origin" not in h,
            "CORS preflight from %s: 403, no CORS header" % origin, (status, h))
    status, h, raw, j = p.request("OPTIONS", "/create", token=None,
                                  headers={"Origin": ext_origin, "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "authorization,content-type"})
    tap(status == 204 and h.get("Access-Control-Allow-Origin") == ext_origin and
        "Authorization" in h.get("Access-Control-Allow-Headers", ""),
        "CORS preflight from the extension: 204, allowed", (status, h))
    status, h, raw, j = p.request("GET", "/settings", headers={"Origin": ext_origin})
    tap(status == 200 and h.get("Access-Control-Allow-Origin") == ext_origin,
        "the extension's origin with the token: 200 with its CORS header", (status, h))
    status, h, raw, j = p.request("GET", "/settings", headers={"Origin": ext_origin}, token=None)
    tap(status == 401, "the extension's origin without the token: 401")
    status, h, raw, j = p.request("GET", "/settings", headers={"Host": "evil.example:%d" % p.port})
    tap(status == 403 and "Host" in raw, "a forged Host (DNS rebinding) with the token: 403", raw)
    status, h, raw, j = p.request("GET", "/settings", headers={"Host": "localhost:%d" % p.port})
    tap(status == 200, "Host localhost:PORT: 200")

    # ---- the same bytes as fidosim create / get ----
    status, h, raw, j = p.request("POST", "/create", {"options": OPTS, "origin": ORIGIN})
    cli_store = os.path.join(tmp, "store-cli")
    rc, out, err = run("create", "--seed", SEED, "--store", cli_store, "--preset", "icloud-keychain",
                       "--platform", "safari-macos", "--origin", ORIGIN, json.dumps(OPTS))
    tap(status == 200 and h.get("X-Fidosim-Outcome") == "credential" and rc == 0 and
        raw == out.strip(), "POST /create gives fidosim create's bytes (icloud-keychain, safari-macos, seeded)",
        (status, raw[:200], out[:200], err))
    status, h, raw, j = p.request("POST", "/get", {"options": ROPTS, "origin": ORIGIN})
    rc, out, err = run("get", "--seed", SEED, "--store", cli_store, "--preset", "icloud-keychain",
                       "--platform", "safari-macos", "--origin", ORIGIN, json.dumps(ROPTS))
    tap(status == 200 and h.get("X-Fidosim-Outcome") == "credential" and rc == 0 and
        raw == out.strip(), "POST /get gives fidosim get's bytes", (status, raw[:200], out[:200], err))
    status, h, raw, j = p.request("GET", "/last")
    tap(status == 200 and j and j.get("ceremony") == "authentication" and
        j["verdicts"][0]["verified"] is True and j["delivered"]["flags"]["bs"] is True,
        "GET /last: the assertion's views and rp-sim's verdict (verified)", raw[:300])

    # settings at run time: a refusal, byte for byte too
    status, h, raw, j = p.request("POST", "/settings", {"preset": "keepassxc-2.7.11",
                                                        "platform": "apple-provider-extension"})
    tap(status == 200 and j["preset"] == "keepassxc-2.7.11" and j["be"] is False and
        j["platform"] == "apple-provider-extension", "POST /settings: preset and platform changed", raw[:200])
    status, h, raw, j = p.request("POST", "/create", {"options": OPTS, "origin": ORIGIN})
    rc, out, err = run("create", "--seed", SEED, "--store", os.path.join(tmp, "store-cli2"), "--preset",
                       "keepassxc-2.7.11", "--platform", "apple-provider-extension", "--origin", ORIGIN,
                       json.dumps(OPTS))
    tap(status == 200 and h.get("X-Fidosim-Outcome") == "refusal" and rc == 1 and raw == out.strip() and
        j["name"] == "NotAllowedError" and j["rule"] == "require-be-bs",
        "BE=0 through apple-provider-extension: NotAllowedError, fidosim create's bytes", (raw, out))
    status, h, raw, j = p.request("GET", "/last")
    tap(j and j["refused"] is True and j["emitted"]["ok"] is True and j["emitted"]["flags"]["be"] is False and
        j["delivered"]["error"]["rule"] == "require-be-bs",
        "GET /last: emitted BE=0, delivered the refusal by rule require-be-bs", raw[:300])
    before = p.request("GET", "/settings")[3]
    status, h, raw, j = p.request("POST", "/settings", {"be": True, "uv": "sometimes"})
    after = p.request("GET", "/settings")[3]
    tap(status == 400 and "uv: " in j.get("error", "") and before == after,
        "a bad member: 400 naming it, nothing changed (%s)" % raw, raw)
    status, h, raw, j = p.request("POST", "/settings", {"shade": 1})
    tap(status == 400 and "unknown setting 'shade'" in raw, "an unknown setting: 400", raw)
    status, h, raw, j = p.request("POST", "/settings", {"be": True, "bs": True})
    status, h, raw, j = p.request("POST", "/create", {"options": OPTS, "origin": ORIGIN})
    tap(status == 200 and h.get("X-Fidosim-Outcome") == "credential",
        "BE=BS=1 set at run time: apple-provider-extension accepts the registration")
    status, h, raw, j = p.request("GET", "/last")
    tap(j and j["delivered"]["aaguid"] == "00000000-0000-0000-0000-000000000000" and
        j["emitted"]["aaguid"] == "fdb141b2-5d84-443e-8a35-4698c205a502",
        "…and zeroes KeePassXC's AAGUID on the way (emitted fdb141b2-…, delivered zeros)", raw[:300])
    status, h, raw, j = p.request("GET", "/capabilities")
    tap(status == 200 and j.get("userVerifyingPlatformAuthenticator") is True and
        j.get("conditionalGet") is False, "GET /capabilities", raw)

    # ---- bad requests ----
    for body, want, what in [
            ("{", 400, "not JSON"), ("[1]", 400, "not an object"),
            ('{"origin":"http://localhost:8080"}', 400, "options missing"),
            ({"options": OPTS, "origin": 5}, 400, "origin not a string"),
            ({"options": OPTS}, 400, "origin missing"),
            ({"options": {"challenge": "AA"}, "origin": ORIGIN}, 400, "options malformed"),
            ('{"options":{},"options":{},"origin":"x"}', 400, "duplicate member")]:
        status, h, raw, j = p.request("POST", "/create", body)
        tap(status == want and j is not None and "error" in j, "%s: %d %s" % (what, status, raw[:100]), raw)
    status, h, raw, j = p.request("POST", "/create", "{" + " " * (300 * 1024) + "}")
    tap(status == 413, "a body over 256 KiB: 413")
    status, h, raw, j = p.request("GET", "/create")
    tap(status == 405, "GET /create: 405")
    status, h, raw, j = p.request("GET", "/nothing")
    tap(status == 404 and j is not None, "unknown path: 404 JSON")
    status, h, raw, j = p.request("GET", "/settings")
    tap(status == 200, "still serving after the bad requests")

    # a second provider cannot take the port
    rc, out, err = run("provider", "--listen", "127.0.0.1:%d" % p.port, "--token-file",
                       os.path.join(tmp, "tok2"))
    tap(rc == 2 and "cannot listen" in err, "a second provider on the same port: exit 2")

    # ---- the AppID retry (WebAuthn L3 10.1.1) is fidosim get's too ----
    tmp2 = tempfile.mkdtemp()
    appid = "https://localhost/app.json"
    rc, out, err = run("create", "--seed", SEED, "--store", os.path.join(tmp2, "u2f"), "--appid", appid,
                       "--origin", ORIGIN, json.dumps(OPTS))
    cred_id = json.loads(out)["id"] if rc == 0 else ""
    shutil.copy(os.path.join(tmp2, "u2f"), os.path.join(tmp2, "u2f-cli"))
    q = Provider(tmp2, "--store", os.path.join(tmp2, "u2f"), "--seed", SEED)
    aopts = {"rpId": "localhost", "challenge": "EBESExQVFhcYGRobHB0eHw",
             "allowCredentials": [{"type": "public-key", "id": cred_id}], "extensions": {"appid": appid}}
    status, h, raw, j = q.request("POST", "/get", {"options": aopts, "origin": ORIGIN})
    rc, out, err = run("get", "--seed", SEED, "--store", os.path.join(tmp2, "u2f-cli"), "--origin", ORIGIN,
                       json.dumps(aopts))
    tap(status == 200 and rc == 0 and raw == out.strip() and j["clientExtensionResults"].get("appid") is True,
        "a U2F-era credential through extensions.appid: asked again with the AppID, fidosim get's bytes "
        "(appid: true)", (raw[:300], out[:300], err))
    q.stop()
    shutil.rmtree(tmp2, ignore_errors=True)

    # ---- stop ----
    rc = p.stop()
    log = p.log_text()
    ceremonies = [l for l in log.splitlines() if re.search(r" POST /(create|get) 200 (create|get) origin=", l)]
    tap(rc == 0 and not os.path.exists(p.token_file), "SIGTERM: exit 0, the token file removed")
    tap(len(ceremonies) == 4, "one log line per ceremony (%d)" % len(ceremonies), log)
    tap(p.token not in log, "the token is never logged")
    refused = [l for l in log.splitlines() if re.search(r" (401|403) ", l)]
    tap(len(refused) >= 10, "refused requests are logged (%d lines)" % len(refused))
    print("1..%d" % n)
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
