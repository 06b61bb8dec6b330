// provider_extension.mjs — the browser half of provider_extension.sh:
// headless Chromium (Debian's, through playwright-core) with the fidosim
// extension (browser/extension/) loaded unpacked, paired with a
// `fidosim provider` through its popup, registers and signs in on
// `fidosim serve`'s page and on a SimpleWebAuthn RP page for every preset
// through its natural platform (tests/browser/natural.mjs), presets and
// platforms chosen in the popup; BE=0 through apple-provider-extension fails
// in the page with NotAllowedError; the popup shows the three views (and is
// screenshot to $FIDOSIM_ARTIFACTS); pages cannot reach the provider
// themselves, a forged origin changes nothing, and what the provider does
// not handle falls through to the browser. TAP output.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startProvider } from '../../browser/playwright/fidosim.mjs';
import {
  tap, startServe, startSWA, throughServe, throughSWA, checkServe, checkSWA, NATURAL,
} from './provider_rp.mjs';
import { BE0_APPLE } from './natural.mjs';

const FIDOSIM = process.env.FIDOSIM || 'build/fidosim';
const SWNODE = process.env.SWNODE || 'node';
const artifacts = process.env.FIDOSIM_ARTIFACTS || 'out/artifacts';
const EXT = path.resolve('browser/extension');
const EXT_ID = 'hlcihllicapcfnnjnhepbkbppcpjemef';   // from the manifest's key (provider_http.py checks)
const { ok, done } = tap();

const provider = await startProvider({ fidosim: FIDOSIM, store: path.join(os.tmpdir(), `fidosim-ext-${process.pid}`) });
const serve = await startServe(FIDOSIM);
const swa = await startSWA(SWNODE);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fidosim-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Playwright passes --disable-extensions by default; the new headless mode loads extensions.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`],
  });
  await run();
} catch (e) {
  ok(false, 'the run ended early', e.stack);
} finally {
  if (context) await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
  await serve.stop();
  await swa.stop();
  const code = await provider.stop();
  ok(code === 0, 'the provider stopped cleanly (exit 0)');
  fs.rmSync(path.join(os.tmpdir(), `fidosim-ext-${process.pid}`), { force: true });
}
process.exit(done() ? 1 : 0);

async function run() {
  let [sw] = context.serviceWorkers();
  if (!sw) sw = await context.waitForEvent('serviceworker', { timeout: 15000 });
  ok(sw.url() === `chrome-extension://${EXT_ID}/sw.js`,
    `the extension loaded unpacked in headless Chromium, ID ${EXT_ID} (its manifest key)`, sw.url());

  // ---- pair it through the popup ----
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 440, height: 900 });
  await popup.goto(`chrome-extension://${EXT_ID}/popup.html`);
  await popup.fill('#url', provider.url);
  await popup.fill('#token', fs.readFileSync(provider.tokenFile, 'utf8').trim());
  await popup.click('#save');
  await popup.waitForFunction(() => document.getElementById('conn').dataset.state === 'ok', null, { timeout: 10000 });
  ok(true, 'popup: paired with the provider (URL and token saved, "connected")');

  const choose = async (preset, platform) => {
    await popup.selectOption('#preset', preset);
    await popup.waitForFunction((p) => document.getElementById('settings-msg').textContent === 'applied'
      && document.getElementById('preset').value === p, preset, { timeout: 10000 });
    await popup.evaluate(() => { document.getElementById('settings-msg').textContent = ''; });
    await popup.selectOption('#platform', platform);
    await popup.waitForFunction((p) => document.getElementById('settings-msg').textContent === 'applied'
      && document.getElementById('platform').value === p, platform, { timeout: 10000 });
    await popup.evaluate(() => { document.getElementById('settings-msg').textContent = ''; });
  };

  const presets = (await provider.settings()).presets;
  ok(JSON.stringify([...presets].sort()) === JSON.stringify(NATURAL.map((e) => e.preset).sort()),
    `every shipped preset has its natural platform in the test (${presets.length})`, presets);

  const page = await context.newPage();
  let i = 0;
  for (const e of NATURAL) {
    await choose(e.preset, e.platform);
    const s = await provider.settings();
    ok(s.preset === e.preset && s.platform === e.platform && s.aaguid === e.aaguid,
      `popup: ${e.preset} through ${e.platform} chosen (the provider's settings say so)`, s);
    checkServe(ok, 'extension', e, await throughServe(page, serve.origin, `ext-${i}`));
    checkSWA(ok, 'extension', e, await throughSWA(page, swa.origin, `ext-${i}`), swa.origin);
    i += 1;
  }

  // ---- the popup's three views, screenshot ----
  await choose('keepassium', 'apple-provider-extension');
  await page.goto(`${swa.origin}/`);
  const shotRun = await page.evaluate(() => window.rp.register('popup-shot', { attestation: 'none' }));
  ok(shotRun.server && shotRun.server.verified, 'keepassium through apple-provider-extension registered '
    + 'for the popup\'s picture', shotRun);
  await popup.bringToFront();
  await popup.waitForFunction(() => {
    const td = document.querySelector('#views tr[data-row=aaguid] td[data-view=delivered]');
    return td && td.textContent === '00000000-0000-0000-0000-000000000000'
      && document.querySelector('#views td[data-view=rp]');
  }, null, { timeout: 10000 }).catch(async (e) => {
    console.log(`# popup: ${(await popup.evaluate(() => document.getElementById('last').innerText)).split('\n').join(' | ')}`);
    throw e;
  });
  const views = await popup.evaluate(() => {
    const cell = (row, view) => document.querySelector(`#views tr[data-row=${row}] td[data-view=${view}]`).textContent;
    return { emitted: cell('aaguid', 'emitted'), delivered: cell('aaguid', 'delivered'),
      changed: document.querySelector('#views tr[data-row=aaguid]').classList.contains('changed'),
      rp: document.querySelector('#views td[data-view=rp]').dataset.verdict,
      effects: [...document.querySelectorAll('#effects li b')].map((b) => b.textContent),
      summary: document.getElementById('last-summary').textContent,
      be: document.getElementById('be').checked, aaguidField: document.getElementById('aaguid').value };
  });
  ok(views.emitted === '23a349a8-0dd1-49c3-8b00-5d36fa3b3c03' && views.delivered === '00000000-0000-0000-0000-000000000000'
    && views.changed, 'popup: the AAGUID KeePassium emitted, the zeros the platform delivered, the row marked', views);
  ok(views.rp === 'verified' && views.effects.includes('zero-aaguid') && /registration for http:\/\/localhost/.test(views.summary),
    'popup: rp-sim\'s verdict, the platform rule that acted (zero-aaguid), the ceremony named', views);
  ok(views.be === true && views.aaguidField === '23a349a8-0dd1-49c3-8b00-5d36fa3b3c03',
    'popup: the settings shown (AAGUID, BE)', views);
  fs.mkdirSync(artifacts, { recursive: true });
  const shot = path.join(artifacts, 'provider-popup.png');
  await popup.screenshot({ path: shot, fullPage: true });
  ok(fs.statSync(shot).size > 10000, `popup screenshot kept: ${shot}`);

  // ---- BE=0 through apple-provider-extension: NotAllowedError in the page ----
  await choose(BE0_APPLE.preset, BE0_APPLE.platform);
  let r = await throughServe(page, serve.origin, 'be0-serve');
  ok(r.reg.failed && /NotAllowedError/.test(r.reg.status),
    `${BE0_APPLE.preset} (BE=0) through ${BE0_APPLE.platform}: fidosim serve's page shows NotAllowedError `
    + `(${BE0_APPLE.evidence})`, r.reg);
  r = await throughSWA(page, swa.origin, 'be0-swa');
  ok(r.reg.error && r.reg.error.name === 'NotAllowedError' && /require-be-bs/.test(r.reg.error.message),
    'the same on the SimpleWebAuthn RP page: navigator.credentials.create() rejects with NotAllowedError '
    + '(rule require-be-bs)', r.reg);
  let last = await provider.last();
  ok(last.refused && last.emitted.ok && last.emitted.flags.be === false && last.delivered.error.rule === 'require-be-bs',
    'the provider emitted (BE=0), the platform refused: /last says which rule', last);
  // BE unchecked in the popup does the same to a provider that had BE=1.
  await choose('keepassium', 'apple-provider-extension');
  await popup.uncheck('#be');
  await popup.uncheck('#bs');
  await popup.click('#apply');
  await popup.waitForFunction(() => document.getElementById('settings-msg').textContent === 'applied', null,
    { timeout: 10000 });
  ok((await provider.settings()).be === false, 'popup: BE and BS unchecked and applied');
  r = await throughSWA(page, swa.origin, 'be0-popup');
  ok(r.reg.error && r.reg.error.name === 'NotAllowedError',
    'keepassium with BE=0 (set in the popup) through apple-provider-extension: NotAllowedError', r.reg);
  await popup.bringToFront();
  await popup.waitForFunction(() => document.getElementById('last-summary').classList.contains('refused')
    && /keepassium/.test(document.getElementById('last-summary').textContent), null, { timeout: 10000 });
  await popup.screenshot({ path: path.join(artifacts, 'provider-popup-refused.png'), fullPage: true });

  // ---- capabilities ----
  await choose('yubikey5', 'chrome-desktop');
  await page.goto(`${swa.origin}/`);
  let caps = await page.evaluate(async () => ({
    uvpaa: await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable(),
    cma: await PublicKeyCredential.isConditionalMediationAvailable(),
    all: await PublicKeyCredential.getClientCapabilities() }));
  ok(caps.uvpaa === false && caps.cma === false && caps.all.hybridTransport === false,
    'yubikey5: isUserVerifyingPlatformAuthenticatorAvailable() false, no hybrid, no conditional get', caps);
  await choose('icloud-keychain', 'safari-macos');
  caps = await page.evaluate(async () => ({
    uvpaa: await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable(),
    all: await PublicKeyCredential.getClientCapabilities() }));
  ok(caps.uvpaa === true && caps.all.hybridTransport === true && caps.all.passkeyPlatformAuthenticator === true,
    'icloud-keychain: a user-verifying platform authenticator with hybrid', caps);

  // ---- refusals: the page cannot reach the provider, a forged origin changes nothing ----
  const token = fs.readFileSync(provider.tokenFile, 'utf8').trim();
  const direct = await page.evaluate(async ([url, tok]) => {
    const out = {};
    for (const [k, init] of [['noToken', {}], ['withToken', { headers: { Authorization: `Bearer ${tok}` } }],
      ['post', { method: 'POST', body: '{}', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' } }]]) {
      try {
        const res = await fetch(`${url}/settings`, init);
        out[k] = `HTTP ${res.status}`;
      } catch (e) {
        out[k] = e.name;
      }
    }
    return out;
  }, [provider.url, token]);
  ok(direct.noToken === 'TypeError' && direct.withToken === 'TypeError' && direct.post === 'TypeError',
    'a web page calling the provider itself gets nothing, even holding the token (403, no CORS)', direct);
  ok(/GET \/settings 403 this Origin is not allowed/.test(provider.log())
    && /OPTIONS \/settings 403 this Origin is not allowed/.test(provider.log()),
  'the provider logged those requests as refused (403) for their Origin', provider.log().slice(-600));

  await page.goto(`${swa.origin}/`);
  const forged = await page.evaluate(async () => {
    // Talk to the bridge as page.js does, claiming another origin and RP.
    const ask = (options, extra) => new Promise((resolve) => {
      const id = 77000 + Math.floor(Math.random() * 1000);
      const listener = (e) => {
        if (e.data && e.data.fidosim === 'reply' && e.data.id === id) {
          window.removeEventListener('message', listener);
          resolve(e.data.reply);
        }
      };
      window.addEventListener('message', listener);
      window.postMessage({ fidosim: 'request', id, nonce: 'x', kind: 'create', options, ...extra }, '*');
    });
    const opts = (rp) => ({ rp: { id: rp, name: 'x' }, user: { id: 'dXNlcg', name: 'a', displayName: 'A' },
      challenge: 'AAECAwQFBgcICQoLDA0ODw', pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      origin: 'https://bank.example' });
    const bank = await ask(opts('bank.example'), { origin: 'https://bank.example' });
    const mine = await ask(opts('localhost'), { origin: 'https://bank.example' });
    let cdj = null;
    if (mine && mine.json && mine.json.response) {
      const s = mine.json.response.clientDataJSON.replace(/-/g, '+').replace(/_/g, '/');
      cdj = JSON.parse(atob(s + '='.repeat((4 - (s.length % 4)) % 4)));
    }
    return { bank: bank && bank.json, mine: mine && mine.outcome, origin: cdj && cdj.origin };
  });
  ok(forged.bank && forged.bank.name === 'SecurityError',
    'a page claiming origin https://bank.example for RP bank.example: SecurityError (the service worker '
    + 'used the tab\'s real origin)', forged);
  ok(forged.mine === 'credential' && forged.origin === swa.origin,
    `the same claim for its own RP: the credential's clientDataJSON names the real origin ${swa.origin}`, forged);
  last = await provider.last();
  ok(last.origin === swa.origin, 'the provider saw the real origin, not the claim', last.origin);

  // ---- what the provider does not handle falls through to the browser ----
  const pw = await page.evaluate(async () => {
    const c = await navigator.credentials.create({ password: { id: 'alice', password: 'x', name: 'Alice' } });
    return { cls: c && c.constructor.name, type: c && c.type };
  });
  ok(pw.cls === 'PasswordCredential' && pw.type === 'password',
    'navigator.credentials.create({password}) is the browser\'s (a PasswordCredential)', pw);
  const before = JSON.stringify(await provider.last());
  // The extension switched off in the popup: Chromium's own (virtual) authenticator answers.
  await popup.uncheck('#enabled');
  await popup.click('#save');
  await popup.waitForFunction(() => document.getElementById('conn').textContent === 'connected, off', null,
    { timeout: 10000 });
  await page.bringToFront();   // the browser's own WebAuthn wants the page focused
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'usb',
    hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } });
  r = await throughSWA(page, swa.origin, 'fallthrough');
  ok(r.reg.server && r.reg.server.verified && r.reg.server.aaguid === '01020304-0506-0708-0102-030405060708'
    && JSON.stringify(await provider.last()) === before,
  'extension off: Chromium\'s own virtual authenticator answers (its AAGUID 01020304-...), the provider sees nothing',
  r.reg);
  await popup.check('#enabled');
  await popup.click('#save');
  await popup.waitForFunction(() => document.getElementById('conn').textContent === 'connected', null,
    { timeout: 10000 });
  r = await throughSWA(page, swa.origin, 'back-on');
  ok(r.reg.server && r.reg.server.aaguid === 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
    'switched on again: the provider answers (icloud-keychain\'s AAGUID)', r.reg);

  // ---- a provider that is down: NotAllowedError naming it, no fall-through ----
  await provider.stop();
  await page.goto(`${swa.origin}/`);
  const down = await page.evaluate(() => window.rp.register('down', {}));
  ok(down.error && down.error.name === 'NotAllowedError' && /unreachable at http:\/\/127\.0\.0\.1/.test(down.error.message),
    'the provider stopped: create() rejects with NotAllowedError saying it is unreachable', down);
}
