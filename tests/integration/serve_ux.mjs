// serve_ux.mjs — the browser half of serve_ux.sh (issue 20 item 4):
//   node tests/integration/serve_ux.mjs tls PORT SPKI RPID   HTTPS with a self-signed
//       certificate for another RP ID: register and authenticate through the page
//   node tests/integration/serve_ux.mjs host PORT            the page opened at
//       http://127.0.0.1:PORT says which URL to open instead of a bare SecurityError
//   node tests/integration/serve_ux.mjs phone PORT           a refused registration at
//       phone width: failing rows first and marked, rule IDs unwrapped, no sideways scroll
// Prints TAP. Screenshots to $FIDOSIM_ARTIFACTS.
import path from 'node:path';
import { chromium } from 'playwright-core';

const [mode, port, spki, rpId] = process.argv.slice(2);
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

const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
if (mode === 'tls') {
  // What serve prints for a self-signed pair: trust its key, resolve the RP ID here.
  args.push(`--ignore-certificate-errors-spki-list=${spki}`,
    `--host-resolver-rules=MAP ${rpId} 127.0.0.1`);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args,
});
const context = await browser.newContext(mode === 'phone' ? { viewport: { width: 390, height: 844 } } : {});
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('WebAuthn.enable', { enableUI: false });
await cdp.send('WebAuthn.addVirtualAuthenticator', {
  options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
    hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
    defaultBackupEligibility: true, defaultBackupState: true },
});

async function settled(name) {
  await page.waitForFunction((want) => {
    const b = document.getElementById('register');
    const st = document.getElementById('status').textContent;
    return !b.disabled && (document.getElementById('ceremony-name').textContent === want
      || / failed: /.test(st));
  }, name, { timeout: 20000 });
  return page.evaluate(() => ({
    verified: document.getElementById('verdict').dataset.verified === 'true',
    status: document.getElementById('status').textContent,
  }));
}

try {
  if (mode === 'tls') {
    await page.goto(`https://${rpId}:${port}/?username=tls-user`);
    ok(await page.evaluate(() => window.isSecureContext), `https://${rpId}:${port}/ is a secure context`);
    await page.click('#register');
    let s = await settled('Registration');
    ok(s.verified, `registration at RP ID ${rpId} over HTTPS verified`, s.status);
    await page.click('#authenticate');
    s = await settled('Authentication');
    ok(s.verified, `authentication at RP ID ${rpId} over HTTPS verified`, s.status);
  } else if (mode === 'host') {
    await page.goto(`http://127.0.0.1:${port}/?username=host-user`);
    await page.click('#register');
    const s = await settled('Registration');
    ok(!s.verified && s.status.includes(`Open http://localhost:${port}/ instead`),
      'at http://127.0.0.1 the page names the URL to open', s.status);
    ok(!/SecurityError: This is an invalid domain/.test(s.status),
      'and not only "SecurityError: This is an invalid domain"', s.status);
  } else if (mode === 'phone') {
    await page.goto(`http://localhost:${port}/?username=phone-user`);
    await page.click('#register');
    await page.waitForFunction(() => document.getElementById('ceremony-name').textContent === 'Registration',
      null, { timeout: 20000 });
    const r = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('#checks tbody tr')];
      const cell = (tr, cls) => tr.querySelector(`td.${cls}`);
      // one line: no taller than 1.9 lines of its font ("normal" line height is about 1.2 em)
      const oneLine = (td) => {
        if (!td) return false;
        const cs = getComputedStyle(td);
        const lh = parseFloat(cs.lineHeight) || 1.2 * parseFloat(cs.fontSize);
        return td.getBoundingClientRect().height < 1.9 * lh;
      };
      return {
        verified: document.getElementById('verdict').dataset.verified,
        statuses: rows.map((tr) => tr.dataset.status),
        failMarked: rows.filter((tr) => tr.dataset.status === 'fail')
          .every((tr) => tr.classList.contains('row-fail') && getComputedStyle(tr).backgroundColor !== 'rgba(0, 0, 0, 0)'),
        rulesOneLine: rows.every((tr) => oneLine(cell(tr, 'rule'))),
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      };
    });
    ok(r.verified === 'false' && r.statuses.includes('fail'), 'the registration is refused (origin not accepted)',
      JSON.stringify(r.statuses));
    const firstPass = r.statuses.indexOf('pass');
    const lastFail = r.statuses.lastIndexOf('fail');
    ok(lastFail >= 0 && (firstPass < 0 || lastFail < firstPass), 'failing rows come first', r.statuses.join(' '));
    ok(r.failMarked, 'failing rows are marked (class and background)');
    ok(r.rulesOneLine, 'no rule ID wraps at 390 px');
    ok(r.scrollWidth <= r.width, `no horizontal scroll at ${r.width} px (page is ${r.scrollWidth} px wide)`);
    await page.screenshot({ path: path.join(artifacts, 'serve-phone-width.png'), fullPage: true });
  }
} catch (e) {
  ok(false, `${mode}: the browser run completed`, e.stack || e);
}
await browser.close();
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
