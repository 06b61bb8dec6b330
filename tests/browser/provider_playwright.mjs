// provider_playwright.mjs — the browser half of provider_playwright.sh: the
// Playwright helper (browser/playwright/fidosim.mjs) in headless Chromium,
// no extension, no UI: useFidosim() starts a provider per context, every
// preset through its natural platform registers and signs in on
// `fidosim serve`'s page and on a SimpleWebAuthn RP page (settings changed
// with configure()), BE=0 through apple-provider-extension fails in the page
// with NotAllowedError, a page cannot reach the provider or forge its origin,
// contexts do not share a provider, closing the context stops it, and the
// documented example test (browser/playwright/example.test.mjs) passes. TAP.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { useFidosim } from '../../browser/playwright/fidosim.mjs';
import {
  tap, startServe, startSWA, throughServe, throughSWA, checkServe, checkSWA, NATURAL,
} from './provider_rp.mjs';
import { BE0_APPLE } from './natural.mjs';

const FIDOSIM = process.env.FIDOSIM || 'build/fidosim';
const SWNODE = process.env.SWNODE || 'node';
const { ok, done } = tap();

const serve = await startServe(FIDOSIM);
const swa = await startSWA(SWNODE);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  await run();
} catch (e) {
  ok(false, 'the run ended early', e.stack);
} finally {
  await browser.close();
  await serve.stop();
  await swa.stop();
}
example();
process.exit(done() ? 1 : 0);

async function run() {
  const context = await browser.newContext();
  const first = NATURAL[0];
  const fido = await useFidosim(context, { fidosim: FIDOSIM, preset: first.preset, platform: first.platform });
  ok(/^http:\/\/127\.0\.0\.1:\d+$/.test(fido.url), `useFidosim started a provider (${fido.url})`);
  const page = await context.newPage();
  let i = 0;
  for (const e of NATURAL) {
    const s = await fido.configure({ preset: e.preset, platform: e.platform });
    ok(s.preset === e.preset && s.platform === e.platform && s.aaguid === e.aaguid,
      `configure(): ${e.preset} through ${e.platform}`, s);
    checkServe(ok, 'playwright', e, await throughServe(page, serve.origin, `pw-${i}`));
    checkSWA(ok, 'playwright', e, await throughSWA(page, swa.origin, `pw-${i}`), swa.origin);
    i += 1;
  }

  // ---- BE=0 through apple-provider-extension ----
  await fido.configure({ preset: BE0_APPLE.preset, platform: BE0_APPLE.platform });
  let r = await throughServe(page, serve.origin, 'pw-be0');
  ok(r.reg.failed && /NotAllowedError/.test(r.reg.status),
    `${BE0_APPLE.preset} (BE=0) through ${BE0_APPLE.platform}: fidosim serve's page shows NotAllowedError`, r.reg);
  r = await throughSWA(page, swa.origin, 'pw-be0');
  ok(r.reg.error && r.reg.error.name === 'NotAllowedError' && /require-be-bs/.test(r.reg.error.message),
    'the SimpleWebAuthn RP page: create() rejects with NotAllowedError (rule require-be-bs)', r.reg);
  const last = await fido.last();
  ok(last.refused && last.emitted.flags.be === false && last.delivered.error.rule === 'require-be-bs',
    'last(): emitted BE=0, refused by require-be-bs', last);

  // ---- the page cannot reach the provider, nor forge its origin ----
  await fido.configure({ preset: 'icloud-keychain', platform: 'safari-macos' });
  await page.goto(`${swa.origin}/`);
  const token = fs.readFileSync(fido.tokenFile, 'utf8').trim();
  const direct = await page.evaluate(async ([url, tok]) => {
    const out = {};
    for (const [k, init] of [['noToken', {}], ['withToken', { headers: { Authorization: `Bearer ${tok}` } }]]) {
      try {
        out[k] = `HTTP ${(await fetch(`${url}/settings`, init)).status}`;
      } catch (e) {
        out[k] = e.name;
      }
    }
    return out;
  }, [fido.url, token]);
  ok(direct.noToken === 'TypeError' && direct.withToken === 'TypeError',
    'a web page calling the provider itself gets nothing, even holding the token', direct);
  ok(/GET \/settings 403 this Origin is not allowed/.test(fido.log()), 'the provider refused it (403, logged)');
  const forged = await page.evaluate(async () => {
    // The binding page.js uses, called by the page itself with a claimed origin.
    const name = Object.keys(window).find((k) => k.startsWith('__fidosim_'));
    const opts = (rp) => ({ rp: { id: rp, name: 'x' }, user: { id: 'dXNlcg', name: 'a', displayName: 'A' },
      challenge: 'AAECAwQFBgcICQoLDA0ODw', pubKeyCredParams: [{ type: 'public-key', alg: -7 }] });
    const bank = await window[name]({ kind: 'create', options: opts('bank.example'), origin: 'https://bank.example' });
    const mine = await window[name]({ kind: 'create', options: opts('localhost'), origin: 'https://bank.example' });
    const s = mine.json.response.clientDataJSON.replace(/-/g, '+').replace(/_/g, '/');
    const cdj = JSON.parse(atob(s + '='.repeat((4 - (s.length % 4)) % 4)));
    return { found: !!name, bank: bank.json, origin: cdj.origin };
  });
  ok(forged.found && forged.bank.name === 'SecurityError',
    'the page calling the binding itself, claiming https://bank.example for RP bank.example: SecurityError', forged);
  ok(forged.origin === swa.origin, `…and for its own RP: clientDataJSON names the real origin ${swa.origin}`, forged);

  // ---- fall-through; iframes from another origin ----
  const pw = await page.evaluate(async () => {
    const c = await navigator.credentials.create({ password: { id: 'alice', password: 'x' } });
    return c && c.constructor.name;
  });
  ok(pw === 'PasswordCredential', 'navigator.credentials.create({password}) is the browser\'s', pw);
  // Conditional mediation is the browser's: the provider sees nothing (aborted after 300 ms).
  const seen = JSON.stringify(await fido.last());
  const cond = await page.evaluate(async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    try {
      await navigator.credentials.get({ mediation: 'conditional', signal: ac.signal,
        publicKey: { challenge: new Uint8Array(16), rpId: 'localhost' } });
      return 'resolved';
    } catch (e) {
      return e.name;
    }
  });
  ok(cond === 'AbortError' && JSON.stringify(await fido.last()) === seen,
    'a conditional get goes to the browser (pending until aborted), not the provider', cond);
  // A frame of another origin (http://127.0.0.1:PORT in http://localhost:PORT) goes to the browser too.
  await page.evaluate((src) => new Promise((resolve) => {
    const f = document.createElement('iframe');
    f.src = src;
    f.onload = resolve;
    document.body.append(f);
  }), swa.origin.replace('localhost', '127.0.0.1') + '/');
  const frame = page.frames().find((f) => f.url().startsWith('http://127.0.0.1'));
  const inFrame = await frame.evaluate(async () => {
    try {
      await navigator.credentials.create({ publicKey: { rp: { id: '127.0.0.1', name: 'x' },
        user: { id: new Uint8Array(4), name: 'a', displayName: 'A' }, challenge: new Uint8Array(16),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }] } });
      return 'resolved';
    } catch (e) {
      return `${e.name}: ${e.message}`;
    }
  });
  ok(/^NotAllowedError: .*publickey-credentials-create/.test(inFrame) && JSON.stringify(await fido.last()) === seen,
    'a cross-origin frame\'s create() is the browser\'s (its permissions-policy refusal), not the provider\'s', inFrame);
  const uvpaa = await page.evaluate(() => PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable());
  ok(uvpaa === true, 'isUserVerifyingPlatformAuthenticatorAvailable(): true for icloud-keychain');

  // ---- contexts do not share a provider; closing a context stops its provider ----
  const other = await browser.newContext();
  const fido2 = await useFidosim(other, { fidosim: FIDOSIM, preset: 'icloud-keychain', platform: 'safari-macos' });
  const page2 = await other.newPage();
  await page2.goto(`${swa.origin}/`);
  const signIn = await page2.evaluate(() => window.rp.authenticate('pw-0'));
  ok(fido2.url !== fido.url && signIn.error && signIn.error.name === 'NotAllowedError',
    'a second context has its own provider and store: pw-0\'s passkey is not there (NotAllowedError)', signIn);
  const exited = new Promise((resolve) => fido2.process.once('exit', (code) => resolve(code)));
  await other.close();
  const code = await exited;
  ok(code === 0 && !fs.existsSync(fido2.tokenFile), 'closing the context stopped its provider (exit 0, token gone)',
    code);
  const exited1 = new Promise((resolve) => fido.process.once('exit', (c) => resolve(c)));
  await context.close();
  ok((await exited1) === 0, 'and the first one too');
}

// The documented example (browser/playwright/README.md) runs as written.
function example() {
  const r = spawnSync('node', ['browser/playwright/example.test.mjs'], {
    env: { ...process.env, FIDOSIM }, encoding: 'utf8', timeout: 120000 });
  ok(r.status === 0 && /^ok - example/m.test(r.stdout), 'browser/playwright/example.test.mjs passes',
    `${r.stdout}\n${r.stderr}`);
}
