// provider_rp.mjs — what the browser tests of `fidosim provider` share: the
// processes they start (fidosim serve, the SimpleWebAuthn RP), a TAP
// counter, one ceremony pair (register, sign in) on each RP page, and the
// checks of what each RP saw against the natural-platform table.
import { spawn } from 'node:child_process';
import { NATURAL } from './natural.mjs';

export function tap() {
  let n = 0;
  let failed = 0;
  const ok = (cond, what, detail) => {
    n += 1;
    if (cond) console.log(`ok ${n} - ${what}`);
    else {
      failed += 1;
      console.log(`not ok ${n} - ${what}`);
      if (detail !== undefined) console.log(`# ${String(typeof detail === 'string' ? detail : JSON.stringify(detail)).split('\n').join('\n# ')}`);
    }
  };
  return { ok, done: () => { console.log(`1..${n}`); return failed; } };
}

// Start a program and wait for the line its regex matches; {proc, match, log()}.
export function startProcess(cmd, args, re, opts = {}) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  let err = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(re);
      if (m) resolve({ proc, match: m, log: () => err, stop: () => stop(proc) });
    });
    proc.on('exit', (code) => reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`)));
  });
}

export function stop(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
    proc.once('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
    return undefined;
  });
}

export async function startServe(fidosim) {
  const s = await startProcess(fidosim, ['serve', '--port', '0'],
    /open (http:\/\/localhost:\d+)\/ in a browser/);
  return { ...s, origin: s.match[1] };
}

export async function startSWA(node) {
  const s = await startProcess(node, ['tests/browser/swa_rp.mjs', '0'], /listening on (http:\/\/localhost:\d+)\//);
  return { ...s, origin: s.match[1] };
}

// ---- fidosim serve's page ----

async function servePageResult(page, name) {
  await page.waitForFunction((want) => {
    const st = document.getElementById('status').textContent;
    if (document.getElementById('register').disabled) return false;
    if (/failed/.test(st)) return true;
    return document.getElementById('ceremony-name').textContent === want
      && document.getElementById('verdict').dataset.verified !== '';
  }, name, { timeout: 20000 });
  return page.evaluate(() => {
    const text = (id) => (document.getElementById(id) || {}).textContent || null;
    const flags = {};
    for (const li of document.querySelectorAll('#flags li')) flags[li.dataset.flag] = li.dataset.value === '1';
    const st = text('status');
    return { failed: /failed/.test(st), status: st,
      verified: document.getElementById('verdict').dataset.verified === 'true',
      flags, aaguid: text('aaguid'), fmt: text('att-fmt'), provider: text('provider') };
  });
}

// Register and sign in on `fidosim serve`'s page with attestation "none".
export async function throughServe(page, origin, username) {
  await page.goto(`${origin}/?username=${encodeURIComponent(username)}&attestation=none`
    + '&reg-uv=preferred&auth-uv=preferred');
  await page.click('#register');
  const reg = await servePageResult(page, 'Registration');
  if (reg.failed) return { reg };
  await page.click('#authenticate');
  const auth = await servePageResult(page, 'Authentication');
  return { reg, auth };
}

// Register and sign in on the SimpleWebAuthn RP's page with attestation "direct".
export async function throughSWA(page, origin, username, attestation = 'direct') {
  await page.goto(`${origin}/`);
  const reg = await page.evaluate(([u, a]) => window.rp.register(u, { attestation: a }), [username, attestation]);
  if (reg.error) return { reg };
  const auth = await page.evaluate((u) => window.rp.authenticate(u), username);
  return { reg, auth };
}

// ---- the checks ----

export function checkServe(ok, how, e, r) {
  const [aaguid, fmt] = e.want.none;
  const name = `${how}: ${e.preset} through ${e.platform} on fidosim serve (attestation none)`;
  const reg = r.reg || {};
  ok(!reg.failed && reg.verified, `${name}: registered, verified`, reg);
  ok(reg.aaguid === aaguid && reg.fmt === fmt,
    `${name}: the RP sees AAGUID ${aaguid}, fmt ${fmt} (${e.evidence})`, reg);
  ok(reg.flags && reg.flags.be === e.be && reg.flags.bs === e.bs && reg.flags.uv === e.uv && reg.flags.up,
    `${name}: the RP sees BE=${+e.be} BS=${+e.bs} UV=${+e.uv}`, reg.flags);
  const auth = r.auth || {};
  ok(!auth.failed && auth.verified, `${name}: signed in, verified`, auth);
  ok(auth.flags && auth.flags.be === e.be && auth.flags.bs === e.bs && auth.flags.uv === e.uv,
    `${name}: sign-in flags BE=${+e.be} BS=${+e.bs} UV=${+e.uv}`, auth.flags);
}

export function checkSWA(ok, how, e, r, origin) {
  const [aaguid, fmt] = e.want.direct;
  const name = `${how}: ${e.preset} through ${e.platform} on the SimpleWebAuthn RP (attestation direct)`;
  const reg = r.reg || {};
  const s = reg.server || {};
  const p = reg.page || {};
  ok(s.verified === true, `${name}: registered, verified by @simplewebauthn/server`, reg);
  ok(s.aaguid === aaguid && s.fmt === fmt, `${name}: it sees AAGUID ${aaguid}, fmt ${fmt}`, s);
  ok(s.credentialDeviceType === (e.be ? 'multiDevice' : 'singleDevice') && s.credentialBackedUp === e.bs
    && s.userVerified === e.uv, `${name}: it sees ${e.be ? 'multiDevice' : 'singleDevice'}, backed up ${e.bs}, `
    + `UV ${e.uv}`, s);
  ok(p.isPublicKeyCredential && p.isCredential && p.responseClass && p.rawIdIsBuffer && p.idIsRawId
    && p.type === 'public-key' && p.ownKeys === 0 && p.stringifyIsToJSON && p.attObjIsBuffer
    && p.clientDataType === 'webauthn.create' && p.clientDataOrigin === origin
    && Array.isArray(p.transports) && p.transports.length > 0 && p.publicKeyAlgorithm === -7
    && p.authDataBytes > 37 && p.publicKeyBytes > 0
    && JSON.stringify(Object.keys(JSON.parse(p.extensionResults))) === '["credProps"]',
  `${name}: the page got a PublicKeyCredential that behaves as the browser's (instanceof, rawId, `
    + 'toJSON, getTransports, getPublicKey*, getAuthenticatorData, the credProps output asked for, '
    + 'clientDataJSON origin)', p);
  const a = r.auth || {};
  const as = a.server || {};
  const ap = a.page || {};
  ok(as.verified === true && as.credentialBackedUp === e.bs && as.userVerified === e.uv,
    `${name}: signed in, verified (backed up ${e.bs}, UV ${e.uv})`, a);
  ok(ap.isPublicKeyCredential && ap.responseClass && ap.clientDataType === 'webauthn.get'
    && ap.signatureBytes > 0 && ap.userHandleIsBuffer && ap.stringifyIsToJSON,
  `${name}: the assertion object behaves as the browser's`, ap);
}

export { NATURAL };
