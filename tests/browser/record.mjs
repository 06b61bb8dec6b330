// record.mjs — record real WebAuthn ceremonies from Chromium's own virtual
// authenticator (CDP WebAuthn domain), as fidosim test vectors.
//
//   node tests/browser/record.mjs OUTDIR
//
// Each scenario registers a credential and makes two assertions on a page
// served from 127.0.0.1 (origin http://localhost:PORT, a secure context), and
// writes one file per ceremony in the shape of vectors/w3c-l3 (rpId, origin,
// challenge, uv, response, expect, expectDetails, credential for assertions).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { chromium } from 'playwright-core';

const out = process.argv[2] || 'vectors/chromium';
fs.mkdirSync(out, { recursive: true });

const b64u = (buf) => Buffer.from(buf).toString('base64url');

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><title>fidosim recorder</title><p>recorder</p>');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const origin = `http://localhost:${port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

// The scenarios: what the virtual authenticator is, and what the RP asks.
const scenarios = [];
for (const [be, bs] of [[false, false], [true, false], [true, true]]) {
  for (const uv of ['required', 'discouraged']) {
    for (const alg of [-7, -8, -257]) {
      scenarios.push({ transport: 'internal', protocol: 'ctap2', be, bs, uv, alg, attestation: 'none', rk: 'required' });
    }
  }
}
scenarios.push({ transport: 'usb', protocol: 'ctap2', be: false, bs: false, uv: 'discouraged', alg: -7, attestation: 'direct', rk: 'discouraged' });
scenarios.push({ transport: 'usb', protocol: 'ctap2', be: false, bs: false, uv: 'discouraged', alg: -7, attestation: 'none', rk: 'discouraged' });
scenarios.push({ transport: 'internal', protocol: 'ctap2', be: true, bs: true, uv: 'preferred', alg: -7, attestation: 'direct', rk: 'required' });
scenarios.push({ transport: 'usb', protocol: 'u2f', be: false, bs: false, uv: 'discouraged', alg: -7, attestation: 'direct', rk: 'discouraged' });

let written = 0;
for (const [i, sc] of scenarios.entries()) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(origin + '/');
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: sc.protocol, transport: sc.transport,
      hasResidentKey: sc.protocol === 'ctap2', hasUserVerification: sc.protocol === 'ctap2',
      isUserVerified: true, automaticPresenceSimulation: true,
      defaultBackupEligibility: sc.be, defaultBackupState: sc.bs,
    },
  });
  const name = `chromium-${String(i).padStart(2, '0')}-${sc.transport}-${sc.protocol}-be${+sc.be}bs${+sc.bs}-uv-${sc.uv}-alg${sc.alg}-${sc.attestation}`;
  const regChallenge = crypto.randomBytes(32);
  const userId = crypto.randomBytes(16);
  let reg;
  try {
    reg = await page.evaluate(async ({ ch, uid, sc }) => {
      const dec = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const cred = await navigator.credentials.create({ publicKey: {
        rp: { name: 'fidosim', id: 'localhost' },
        user: { id: dec(uid), name: 'alice', displayName: 'Alice' },
        challenge: dec(ch),
        pubKeyCredParams: [{ type: 'public-key', alg: sc.alg }],
        authenticatorSelection: { residentKey: sc.rk, userVerification: sc.uv },
        attestation: sc.attestation,
      } });
      return cred.toJSON();
    }, { ch: b64u(regChallenge), uid: b64u(userId), sc });
  } catch (e) {
    console.error(`${name}: create failed: ${e.message.split('\n')[0]}`);
    await context.close();
    continue;
  }
  const base = { rpId: 'localhost', origin, uv: sc.uv === 'required' ? 'required' : 'preferred',
    source: `Chromium virtual authenticator (${sc.protocol}, ${sc.transport}), recorded by tests/browser/record.mjs` };
  fs.writeFileSync(path.join(out, name + '-registration.json'), JSON.stringify({
    name: name + '-registration', ceremony: 'registration', ...base,
    challenge: b64u(regChallenge), algs: [sc.alg], response: reg, expect: 'accept',
    why: `registration: BE=${+sc.be} BS=${+sc.bs}, userVerification ${sc.uv}, alg ${sc.alg}, attestation ${sc.attestation}`,
  }, null, 2) + '\n');
  written++;
  for (const n of [1, 2]) {
    const ch = crypto.randomBytes(32);
    let asr;
    try {
      asr = await page.evaluate(async ({ ch, id, uv }) => {
        const dec = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
        const cred = await navigator.credentials.get({ publicKey: {
          challenge: dec(ch), rpId: 'localhost', userVerification: uv,
          allowCredentials: [{ type: 'public-key', id: dec(id) }],
        } });
        return cred.toJSON();
      }, { ch: b64u(ch), id: reg.rawId, uv: sc.uv });
    } catch (e) {
      console.error(`${name}: get failed: ${e.message.split('\n')[0]}`);
      break;
    }
    fs.writeFileSync(path.join(out, `${name}-authentication-${n}.json`), JSON.stringify({
      name: `${name}-authentication-${n}`, ceremony: 'authentication', ...base,
      challenge: b64u(ch), response: asr, expect: 'accept', registration: name + '-registration',
      why: `assertion ${n} for ${name}`,
    }, null, 2) + '\n');
    written++;
  }
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  await context.close();
}
await browser.close();
server.close();
console.log(`recorded ${written} ceremonies into ${out} (origin ${origin})`);
