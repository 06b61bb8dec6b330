// example.test.mjs — a complete end-to-end test of a web front end with a
// realistic passkey provider, using browser/playwright/fidosim.mjs. The RP
// here is `fidosim serve` (a webauthn.io-style page); put your own site's URL
// and selectors in its place.
//
//   node browser/playwright/example.test.mjs
//
// Needs: playwright-core (npm), a Chromium (CHROMIUM, default
// /usr/bin/chromium), fidosim (FIDOSIM, default "fidosim" on PATH).
// Exit 0 when every check holds. With @playwright/test the body is the same:
// `test('...', async ({ context, page }) => { await useFidosim(context, ...); ... })`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { useFidosim } from './fidosim.mjs';

const FIDOSIM = process.env.FIDOSIM || 'fidosim';

// 1. The relying party under test: fidosim serve on a free port.
const serve = spawn(FIDOSIM, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
const site = await new Promise((resolve, reject) => {
  let out = '';
  serve.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/open (http:\/\/localhost:\d+)\/ in a browser/);
    if (m) resolve(m[1]);
  });
  serve.on('exit', (code) => reject(new Error(`fidosim serve exited ${code}`)));
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  // 2. A context whose pages get their passkeys from iCloud Keychain as Safari delivers them.
  const context = await browser.newContext();
  const fido = await useFidosim(context, { fidosim: FIDOSIM, preset: 'icloud-keychain', platform: 'safari-macos' });
  const page = await context.newPage();

  // 3. The user registers, through the site's real front end.
  await page.goto(`${site}/?username=alice`);
  await page.click('#register');
  await page.waitForSelector('#verdict[data-verified="true"]');
  assert.equal(await page.textContent('#aaguid'), 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd');
  assert.equal(await page.getAttribute('#flags li[data-flag="be"]', 'data-value'), '1');

  // What the provider emitted, what the platform delivered, what rp-sim concluded.
  const last = await fido.last();
  assert.equal(last.delivered.aaguid, last.emitted.aaguid);
  assert.equal(last.verdicts[0].verified, true);

  // 4. The user signs in.
  await page.click('#authenticate');
  await page.waitForFunction(() => document.getElementById('ceremony-name').textContent === 'Authentication'
    && document.getElementById('verdict').dataset.verified === 'true');

  // 5. Another provider, another platform: a device-bound passkey behind an
  //    Apple credential provider extension is refused (NotAllowedError).
  await fido.configure({ preset: 'keepassxc-2.7.11', platform: 'apple-provider-extension' });
  await page.goto(`${site}/?username=bob`);
  await page.click('#register');
  await page.waitForFunction(() => /failed/.test(document.getElementById('status').textContent));
  assert.match(await page.textContent('#status'), /NotAllowedError/);

  await context.close();   // stops the provider
  console.log('ok - example: registered and signed in as iCloud Keychain through Safari; BE=0 refused by Apple\'s rules');
} finally {
  await browser.close();
  serve.kill('SIGTERM');
}
