// serve_e2e.mjs — the browser half of serve_e2e.sh: Chromium's virtual
// authenticator against `fidosim serve` on http://localhost:PORT.
//   node tests/integration/serve_e2e.mjs PORT
// Prints TAP. Screenshots to $FIDOSIM_ARTIFACTS. Covers ES256, EdDSA and
// ML-DSA-44 credentials made by Chromium's virtual authenticator.
import path from 'node:path';
import { chromium } from 'playwright-core';

const port = process.argv[2];
const origin = `http://localhost:${port}`;
const artifacts = process.env.FIDOSIM_ARTIFACTS || 'out/artifacts';
let n = 0;
let failed = 0;
const ok = (cond, what, detail) => {
  n++;
  if (cond) console.log(`ok ${n} - ${what}`);
  else {
    failed++;
    console.log(`not ok ${n} - ${what}`);
    if (detail) console.log(`# ${String(detail).split('\n').join('\n# ')}`);
  }
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

async function withAuthenticator(opts, fn) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
      hasUserVerification: opts.uv, isUserVerified: opts.uv, automaticPresenceSimulation: true,
      defaultBackupEligibility: opts.be, defaultBackupState: opts.bs,
    },
  });
  try {
    await fn(page);
  } finally {
    await context.close();
  }
}

// What the page shows after a ceremony.
async function shown(page) {
  await page.waitForFunction(() => {
    const v = document.getElementById('verdict');
    return v && v.dataset.verified !== '' && !document.getElementById('register').disabled;
  }, null, { timeout: 15000 });
  return page.evaluate(() => {
    const flags = {};
    for (const li of document.querySelectorAll('#flags li')) flags[li.dataset.flag] = li.dataset.value === '1';
    const text = (id) => (document.getElementById(id) || {}).textContent || null;
    return {
      verified: document.getElementById('verdict').dataset.verified === 'true',
      status: text('status'), error: text('error'), flags,
      rules: [...document.querySelectorAll('#checks tbody tr')].map((tr) => tr.dataset.rule),
      aaguid: text('aaguid'), provider: text('provider'), fmt: text('att-fmt'),
      attType: text('att-type'), card: text('card-description'), cardProvider: text('card-provider'),
    };
  });
}

// ---- through the page ----
let shot = 0;
for (const [be, bs] of [[false, false], [true, true]]) {
  for (const uv of [true, false]) {
    for (const alg of ['es256', 'ed25519']) {
      const name = `BE/BS ${+be}/${+bs}, UV ${uv ? 'on' : 'off'}, ${alg === 'es256' ? 'ES256' : 'EdDSA'}`;
      const user = `u${+be}${+bs}${uv ? 'v' : 'n'}${alg}`;
      const uvPref = uv ? 'required' : 'discouraged';
      // UV off: an authenticator without user verification, asked for none.
      await withAuthenticator({ be, bs, uv }, async (page) => {
        await page.goto(`${origin}/?reg-uv=${uvPref}&auth-uv=${uvPref}&algorithms=${alg}&username=${user}`);
        await page.click('#register');
        let s = await shown(page);
        ok(s.verified, `page: ${name}: registration verified`, s.error || s.status);
        ok(s.flags.up && s.flags.at && s.flags.uv === uv && s.flags.be === be && s.flags.bs === bs,
          `page: ${name}: registration flags shown UV=${+uv} BE=${+be} BS=${+bs}`, JSON.stringify(s.flags));
        ok(s.fmt === 'none' && s.attType && s.aaguid && /^[0-9a-f-]{36}$/.test(s.aaguid) && s.provider,
          `page: ${name}: attestation, AAGUID and provider shown`, JSON.stringify(s));
        ok(s.card === `${be ? 'synced' : 'device-bound'} passkey` && s.cardProvider,
          `page: ${name}: webauthn.io card "${s.card}"`, JSON.stringify(s));
        ok(s.rules.includes('REG-14') && s.rules.length > 10, `page: ${name}: rule checklist shown`,
          s.rules.join(' '));
        if (shot++ === 3) {
          await page.screenshot({ path: path.join(artifacts, 'serve-e2e-registration.png'), fullPage: true });
        }
        await page.click('#authenticate');
        // The verdict element is rewritten: wait for the authentication one.
        await page.waitForFunction(() => document.getElementById('ceremony-name').textContent === 'Authentication',
          null, { timeout: 15000 });
        s = await shown(page);
        ok(s.verified, `page: ${name}: authentication verified`, s.error || s.status);
        ok(s.flags.up && !s.flags.at && s.flags.uv === uv && s.flags.be === be && s.flags.bs === bs,
          `page: ${name}: authentication flags shown UV=${+uv} BE=${+be} BS=${+bs}`, JSON.stringify(s.flags));
        if (shot === 8) {
          await page.screenshot({ path: path.join(artifacts, 'serve-e2e-authentication.png'), fullPage: true });
        }
      });
    }
  }
}

// ---- ML-DSA-44 through the page ----
// Chromium 156's virtual authenticator makes an ML-DSA-44 credential (COSE
// -48, an AKP key) when the options offer only -48: the page's ML-DSA-44 box.
await withAuthenticator({ be: false, bs: false, uv: true }, async (page) => {
  await page.goto(`${origin}/?reg-uv=required&auth-uv=required&algorithms=mldsa44&username=pq-user`);
  await page.click('#register');
  let s = await shown(page);
  ok(s.verified, 'page: ML-DSA-44: registration verified', s.error || s.status);
  const key = await page.evaluate(() => {
    const raw = JSON.parse(document.getElementById('raw').textContent || '{}');
    const rec = (raw.report || {}).credentialRecord || {};
    return rec.publicKey || '';
  });
  // the credential public key the RP stored, as Chromium encoded it: the CBOR
  // map {1: 7, 3: -48, -1: h'<1312 bytes>'}, a3 01 07 03 38 2f 20 59 05 20 ...
  const cose = Buffer.from(key, 'base64url');
  ok(cose.subarray(0, 10).toString('hex') === 'a3010703382f20590520' && cose.length === 10 + 1312,
    'page: ML-DSA-44: the credential is an AKP key (kty 7, alg -48, a 1312-byte pub at -1)',
    `${cose.subarray(0, 12).toString('hex')} (${cose.length} bytes)`);
  ok(s.rules.includes('REG-16') && s.flags.uv && s.flags.at, 'page: ML-DSA-44: alg offered, flags shown',
    JSON.stringify(s));
  await page.screenshot({ path: path.join(artifacts, 'serve-e2e-mldsa44.png'), fullPage: true });
  await page.click('#authenticate');
  await page.waitForFunction(() => document.getElementById('ceremony-name').textContent === 'Authentication',
    null, { timeout: 15000 });
  s = await shown(page);
  ok(s.verified, 'page: ML-DSA-44: authentication verified (an ML-DSA-44 signature)', s.error || s.status);
  ok(s.rules.includes('AUTH-18'), 'page: ML-DSA-44: the signature check (AUTH-18) is listed', s.rules.join(' '));
});

// ---- the API from inside the page ----
await withAuthenticator({ be: true, bs: true, uv: true }, async (page) => {
  await page.goto(`${origin}/`);
  const r = await page.evaluate(async () => {
    const post = async (p, body) => {
      const res = await fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    };
    const out = {};
    const ro = await post('/registration/options', { username: 'api-user' });
    const cred = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON
        ? PublicKeyCredential.parseCreationOptionsFromJSON(ro.json) : window.fidosim.creationOptions(ro.json),
    });
    out.hasToJSON = typeof cred.toJSON === 'function';
    out.reg = await post('/registration/verification', { username: 'api-user', response: cred.toJSON() });
    const ao = await post('/authentication/options', { username: 'api-user' });
    const asr = await navigator.credentials.get({ publicKey: window.fidosim.requestOptions(ao.json) });
    const asrJSON = asr.toJSON();
    out.auth = await post('/authentication/verification', { username: 'api-user', response: asrJSON });
    out.replay = await post('/authentication/verification', { username: 'api-user', response: asrJSON });
    // And replayed against a fresh challenge.
    await post('/authentication/options', { username: 'api-user' });
    out.replay2 = await post('/authentication/verification', { username: 'api-user', response: asrJSON });
    // Our own toJSON fallback gives what Chromium's toJSON gives (same members).
    out.fallbackKeys = Object.keys(window.fidosim.credentialToJSON({ ...asr, toJSON: undefined,
      id: asr.id, rawId: asr.rawId, type: asr.type, response: asr.response,
      authenticatorAttachment: asr.authenticatorAttachment,
      getClientExtensionResults: () => asr.getClientExtensionResults() })).sort();
    out.nativeKeys = Object.keys(asrJSON).sort();
    out.roundTrip = window.fidosim.bufferToB64url(window.fidosim.b64urlToBuffer(asrJSON.rawId)) === asrJSON.rawId;
    return out;
  });
  ok(r.hasToJSON, 'api: Chromium has PublicKeyCredential.toJSON()');
  ok(r.reg.status === 200 && JSON.stringify(r.reg.json) === '{"verified":true}',
    'api: registration posted from the page: {"verified": true}', JSON.stringify(r.reg));
  ok(r.auth.status === 200 && JSON.stringify(r.auth.json) === '{"verified":true}',
    'api: authentication posted from the page: {"verified": true}', JSON.stringify(r.auth));
  ok(r.replay.status >= 400 && r.replay.status < 500 && typeof r.replay.json.error === 'string',
    `api: the replayed assertion is refused with ${r.replay.status}`, JSON.stringify(r.replay));
  ok(r.replay2.status >= 400 && r.replay2.status < 500,
    `api: the replayed assertion against a fresh challenge is refused with ${r.replay2.status}`,
    JSON.stringify(r.replay2));
  ok(JSON.stringify(r.fallbackKeys) === JSON.stringify(r.nativeKeys) && r.roundTrip,
    'api: the page\'s toJSON fallback and base64url helpers agree with Chromium', JSON.stringify(r));
});

// ---- what the page offers and shows (issue 12) ----
await withAuthenticator({ be: false, bs: false, uv: true }, async (page) => {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => !document.getElementById('register').disabled, null, { timeout: 15000 });
  const r = await page.evaluate(async () => {
    const post = async (p, body) => {
      const res = await fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    };
    const out = {};
    out.offered = [...document.querySelectorAll('#algorithms input')].map((e) => e.value).sort();
    out.checked = [...document.querySelectorAll('#algorithms input:checked')].map((e) => e.value).sort();
    out.verified = (await (await fetch('/api/algorithms')).json()).algorithms.map((a) => a.name).sort();
    // A registration whose attestationObject does not decode: no flags were parsed.
    await post('/registration/options', { username: 'junk-user' });
    const ver = await post('/registration/verification', { username: 'junk-user', response: {
      id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {},
      response: { clientDataJSON: 'e30', attestationObject: 'oA' } } });
    await window.fidosim.showReport('Registration', ver);
    out.junkStatus = ver.status;
    out.flagItems = [...document.querySelectorAll('#flags li')].map((li) => li.dataset.flag || li.className);
    return out;
  });
  ok(r.offered.length > 0 && JSON.stringify(r.offered) === JSON.stringify(r.verified),
    'page: the algorithm boxes are exactly the ones the verifier has', JSON.stringify(r));
  ok(!r.offered.some((a) => a.startsWith('mldsa')) || r.verified.some((a) => a.startsWith('mldsa')),
    'page: no ML-DSA box unless the verifier has ML-DSA', JSON.stringify(r.offered));
  ok(JSON.stringify(r.checked) === JSON.stringify(['ed25519', 'es256', 'rs256']),
    'page: Ed25519, ES256 and RS256 are checked by default', JSON.stringify(r.checked));
  ok(r.junkStatus === 400 && JSON.stringify(r.flagItems) === JSON.stringify(['unparsed']),
    'page: a response whose authenticator data never decoded shows no flags', JSON.stringify(r));
});

await browser.close();
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
