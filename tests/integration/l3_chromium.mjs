// l3_chromium.mjs — the browser half of l3_chromium.sh: what Chromium (Debian's
// /usr/bin/chromium through playwright-core) does with WebAuthn Level 3's
// newer calls, through `fidosim serve`'s page, with Chromium's own virtual
// authenticator (CDP WebAuthn domain):
//   - PublicKeyCredential.getClientCapabilities() as the page reads it;
//   - the signals the server sends after a sign-in (allAcceptedCredentials,
//     currentUserDetails), after a display-name change, and after an
//     assertion of a credential it does not know (unknownCredential), each
//     called by the page and its effect on the virtual authenticator;
//   - a conditional create (mediation "conditional");
//   - with `node l3_chromium.mjs related PORT`: a related origin
//     (5.11) against `serve --tls --related-origins`, the document fetched by
//     Chromium at https://RP-ID/.well-known/webauthn.
//   node tests/integration/l3_chromium.mjs page PORT
// Prints TAP; every observation is also a "# observed:" line (the log the
// evidence in docs/evidence/l3-platforms.md comes from).
import crypto from 'node:crypto';
import { chromium } from 'playwright-core';

const mode = process.argv[2];
const port = process.argv[3];
let n = Number(process.env.TAP_START || 0);
let failed = 0;
const ok = (cond, what, detail) => {
  n++;
  if (cond) console.log(`ok ${n} - ${what}`);
  else {
    failed++;
    console.log(`not ok ${n} - ${what}`);
  }
  if (detail !== undefined && (!cond || process.env.VERBOSE)) {
    console.log(`# ${String(detail).split('\n').join('\n# ')}`);
  }
};
const observed = (what) => console.log(`# observed: ${what}`);
const b64url = (buf) => Buffer.from(buf).toString('base64url');
// serve's user handle: SHA-256("fidosim-user:" || username)
const userHandle = (u) => crypto.createHash('sha256').update(`fidosim-user:${u}`).digest();

const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
if (mode === 'related') {
  // Every https name on port 443 (the RP ID's well-known URL has no port) goes to serve.
  args.push('--ignore-certificate-errors', `--host-resolver-rules=MAP *:443 127.0.0.1:${port}`);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args,
});

// A virtual authenticator in the page's CDP session: {creds(), addCredential(rpId, userHandle)}.
async function authenticator(cdp, transport) {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', ctap2Version: 'ctap2_1', transport, hasResidentKey: true,
      hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
  return {
    creds: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    // A discoverable credential the server has never seen.
    addCredential: async (rpId, uh) => {
      // From an ECDH object, imported as a JWK: no key-generation job for a garbage
      // collection to finalise inside the export (docs/evidence/node-keygen-deadlock.md).
      const ecdh = crypto.createECDH('prime256v1');
      const pub = ecdh.generateKeys();
      const privateKey = crypto.createPrivateKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256',
        x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33, 65)),
        d: b64url(Buffer.concat([Buffer.alloc(32), ecdh.getPrivateKey()]).subarray(-32)) } });
      const id = crypto.randomBytes(16);
      await cdp.send('WebAuthn.addCredential', {
        authenticatorId,
        credential: {
          credentialId: id.toString('base64'), isResidentCredential: true, rpId,
          privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
          userHandle: Buffer.from(uh).toString('base64'), signCount: 0,
        },
      });
      return b64url(id);
    },
  };
}

async function withAuthenticator(fn) {
  const context = await browser.newContext({ ignoreHTTPSErrors: mode === 'related' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const a = await authenticator(cdp, 'internal');
  try {
    await fn(page, a.creds, a.addCredential, () => authenticator(cdp, 'usb'));
  } finally {
    await context.close();
  }
}

// The page's log: [{call, outcome, text}]
const logOf = (page) => page.evaluate(() => [...document.querySelectorAll('#l3-log li')]
  .map((li) => ({ call: li.dataset.call, outcome: li.dataset.outcome, text: li.textContent })));
async function waitLog(page, count) {
  await page.waitForFunction((c) => document.querySelectorAll('#l3-log li').length >= c, count,
    { timeout: 20000 });
  return logOf(page);
}
async function ceremony(page, button, name) {
  await page.click(button);
  await page.waitForFunction((nm) => document.getElementById('ceremony-name').textContent === nm
    && document.getElementById('verdict').dataset.verified !== ''
    && !document.getElementById('register').disabled, name, { timeout: 20000 });
  return page.evaluate(() => document.getElementById('verdict').dataset.verified === 'true');
}
const toB64url = (s) => Buffer.from(s, 'base64').toString('base64url');

if (mode === 'page') {
  const origin = `http://localhost:${port}`;

  // ---- capabilities, sign-in signals, rename ----
  await withAuthenticator(async (page, creds, addCredential, another) => {
    await page.goto(`${origin}/?username=alice&reg-uv=required&auth-uv=required&cc-timeout=3000`);
    let log = await waitLog(page, 1);
    const capEntry = log.find((e) => e.call === 'getClientCapabilities');
    ok(capEntry && capEntry.outcome === 'resolved', 'page: getClientCapabilities() read', JSON.stringify(log));
    const caps = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll(
      '#capabilities li')].map((li) => [li.dataset.capability, li.dataset.value === '1'])));
    observed(`getClientCapabilities() = ${JSON.stringify(caps)}`);
    for (const k of ['conditionalCreate', 'conditionalGet', 'relatedOrigins', 'signalAllAcceptedCredentials',
      'signalCurrentUserDetails', 'signalUnknownCredential']) {
      ok(k in caps, `page: getClientCapabilities() reports ${k} (${caps[k]})`, JSON.stringify(caps));
    }
    ok(JSON.stringify(Object.keys(caps)) === JSON.stringify(Object.keys(caps).sort()),
      'page: the capability keys come in ascending order (L3 5.1.7)', Object.keys(caps).join(' '));

    ok(await ceremony(page, '#register', 'Registration'), 'page: alice registers');
    // A second authenticator (a security key) holds a credential for alice the server
    // never registered (Chromium keeps one credential per RP and user handle per
    // authenticator): allAcceptedCredentials should drop it.
    const key = await another();
    const stray = await key.addCredential('localhost', userHandle('alice'));
    ok((await creds()).length === 1 && (await key.creds()).length === 1,
      'virtual authenticators: alice\'s registered credential, and a stray one on a second');
    const before = log.length;
    // With two credentials for alice, sign in with the registered one (username set: allowCredentials).
    ok(await ceremony(page, '#authenticate', 'Authentication'), 'page: alice signs in');
    log = await waitLog(page, before + 2);
    const acc = log.find((e) => e.call === 'signalAllAcceptedCredentials');
    const det = log.find((e) => e.call === 'signalCurrentUserDetails');
    ok(acc && acc.outcome === 'resolved', 'page: signalAllAcceptedCredentials called after sign-in',
      JSON.stringify(log));
    ok(det && det.outcome === 'resolved', 'page: signalCurrentUserDetails called after sign-in',
      JSON.stringify(log));
    let c = await creds();
    const k = await key.creds();
    observed(`after signalAllAcceptedCredentials (stray ${stray} not listed): the first virtual `
      + `authenticator holds ${c.length} credential(s), the second ${k.length}`);
    ok(c.length === 1 && k.length === 0,
      'virtual authenticators: the credential not in allAcceptedCredentialIds is gone, the listed one stays',
      JSON.stringify({ first: c.map((x) => x.credentialId), second: k.map((x) => x.credentialId) }));

    // A new display name at the RP: currentUserDetails.
    await page.fill('#display-name', 'Alice Renamed');
    const n0 = (await logOf(page)).length;
    await page.click('#rename');
    log = await waitLog(page, n0 + 2);
    const ren = log.slice(n0).find((e) => e.call === 'signalCurrentUserDetails');
    ok(ren && ren.outcome === 'resolved', 'page: signalCurrentUserDetails called after the change',
      JSON.stringify(log.slice(n0)));
    c = await creds();
    observed(`after signalCurrentUserDetails: virtual authenticator credential userName `
      + `"${c[0] && c[0].userName}", userDisplayName "${c[0] && c[0].userDisplayName}"`);
    ok(c.length === 1 && c[0].userDisplayName === 'Alice Renamed' && c[0].userName === 'alice',
      'virtual authenticator: the stored display name is the new one', JSON.stringify(c));

    // ---- conditional create ----
    const n1 = (await logOf(page)).length;
    await page.click('#conditional-create');
    log = await waitLog(page, n1 + 1);
    const cc = log.slice(n1).find((e) => e.call === 'conditionalCreate');
    observed(`conditional create (mediation "conditional", timeout 3000 ms): ${cc && cc.text}`);
    c = await creds();
    if (cc && cc.outcome === 'resolved') {
      const s = await page.evaluate(() => document.getElementById('verdict').dataset.verified);
      ok(s === 'true', 'page: the conditional create was verified by serve (UP=0 allowed)', s);
    } else {
      // Chromium reports conditionalCreate: true, yet does not hand a conditional
      // create to its virtual authenticator: it needs a password the password
      // manager just filled for the site, which headless Chromium has not.
      ok(cc && cc.outcome === 'rejected' && /NotAllowedError/.test(cc.text) && c.length === 1,
        'page: conditional create: Chromium\'s virtual authenticator cannot take part '
        + '(NotAllowedError at the timeout, no credential made)', JSON.stringify(cc));
    }
  });

  // ---- unknown credential ----
  await withAuthenticator(async (page, creds, addCredential) => {
    await page.goto(`${origin}/`);
    await waitLog(page, 1);
    const id = await addCredential('localhost', crypto.randomBytes(32));
    // No username: a discoverable credential, which the server does not know.
    const verified = await ceremony(page, '#authenticate', 'Authentication');
    ok(!verified, 'page: the server refuses an assertion of a credential it does not know');
    const log = await waitLog(page, 2);
    const unk = log.find((e) => e.call === 'signalUnknownCredential');
    ok(unk && unk.outcome === 'resolved' && unk.text.includes(id),
      'page: signalUnknownCredential called with that credential ID', JSON.stringify(log));
    const c = await creds();
    observed(`after signalUnknownCredential: the virtual authenticator holds ${c.length} credential(s)`);
    ok(c.length === 0, 'virtual authenticator: the credential signalled unknown is gone', JSON.stringify(c));
  });

  // ---- hints (5.8.8) ----
  // Two virtual authenticators, a platform one and a security key: which of
  // them makes a credential when the options carry a hint.
  for (const hints of [['security-key'], ['client-device']]) {
    await withAuthenticator(async (page, creds, addCredential, another) => {
      const key = await another();
      await page.goto(`${origin}/`);
      const r = await page.evaluate(async (h) => {
        const f = window.fidosim;
        try {
          const opts = await f.postJSON('/registration/options', { username: 'hint-user', hints: h });
          const cred = await navigator.credentials.create({ publicKey: f.creationOptions(opts.json) });
          return { attachment: cred.authenticatorAttachment, hints: opts.json.hints };
        } catch (e) {
          return { error: `${e.name}: ${e.message}` };
        }
      }, hints);
      const made = { platform: (await creds()).length, securityKey: (await key.creds()).length };
      observed(`hints ${JSON.stringify(hints)} with a platform and a security-key virtual authenticator `
        + `(UI off): response ${JSON.stringify(r)}, credentials made ${JSON.stringify(made)}`);
      ok(!r.error && JSON.stringify(r.hints) === JSON.stringify(hints) && made.platform + made.securityKey >= 1,
        `hints ${hints[0]}: the request completes; the hint does not refuse the other authenticator`,
        JSON.stringify({ r, made }));
    });
  }
} else if (mode === 'related') {
  // serve --tls --rp-id rp.test --related-origins: https://shop.test, then
  // five more labels (l2..l6): l6.test is the sixth label, past a limit of 5.
  for (const [caller, listed] of [['https://shop.test', true], ['https://l5.test', true],
    ['https://elsewhere.test', false], ['https://l6.test', false]]) {
    await withAuthenticator(async (page, creds) => {
      await page.goto(`${caller}/`);
      const r = await page.evaluate(async () => {
        const f = window.fidosim;
        try {
          const opts = await f.postJSON('/registration/options', { username: 'bob' });
          const cred = await navigator.credentials.create({ publicKey: f.creationOptions(opts.json) });
          const ver = await f.postJSON('/registration/verification',
            { username: 'bob', response: f.credentialToJSON(cred) });
          return { status: ver.status, json: ver.json, rpId: opts.json.rp.id };
        } catch (e) {
          return { error: `${e.name}: ${e.message}` };
        }
      });
      observed(`create from ${caller} with RP ID rp.test: ${JSON.stringify(r)}`);
      if (listed) {
        ok(r.status === 200 && r.json.verified === true && r.rpId === 'rp.test',
          `related origin ${caller} (listed in rp.test's /.well-known/webauthn): registered and verified`,
          JSON.stringify(r));
        ok((await creds()).length === 1, `virtual authenticator: one credential for rp.test made from ${caller}`);
      } else {
        ok(r.error && /SecurityError/.test(r.error),
          `origin ${caller} (${caller.includes('l6') ? 'listed as the sixth label, past Chromium\'s limit'
            : 'not listed'}): SecurityError from Chromium`, JSON.stringify(r));
      }
    });
  }
}
if (!process.env.TAP_START) console.log(`1..${n}`);
await browser.close();
process.exit(failed ? 1 : 0);
