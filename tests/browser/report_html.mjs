// report_html.mjs — open a report.html (harness/report_html.c) in headless
// Chromium and check it as a person would use it. TAP lines "ok - ..." /
// "not ok - ..." (tests/integration/report_html.sh numbers them).
//
//   node tests/browser/report_html.mjs HTML PRESETS PLATFORMS POLICIES [options]
//
// PRESETS PLATFORMS POLICIES: the heat maps expected (POLICIES maps of
// PRESETS rows x PLATFORMS columns). Options:
//   --name NAME          artifact names (default: the HTML file's name)
//   --expect-rule ID     the first failing heat-map cell must show this rule
//   --no-failing         the report has no failing heat-map cell (no click test)
//   --expect-notice      the page must say the report is not as expected
//   --hostile            strings of the report carry markup: nothing of it may run
//   --max-ms N           the page must draw itself within N ms
//   --max-height N       the page (1280 px wide) must be at most N px tall:
//                        expected rejections are folded, not listed
//   --expect-provider N  the report is about provider N: its table leads the
//                        page, one row per platform plus what it emitted
//   --no-pdf             no PDF of the printed page (a large report prints long)
// Screenshots (and a PDF of the printed page) go to $FIDOSIM_ARTIFACTS
// (default out/artifacts/).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const argv = process.argv.slice(2);
const pos = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && ['--name', '--expect-rule', '--max-ms', '--max-height', '--expect-provider'].includes(argv[i - 1])));
const opt = (k) => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : undefined; };
const flag = (k) => argv.includes(k);
if (pos.length !== 4) {
  console.error('usage: report_html.mjs HTML PRESETS PLATFORMS POLICIES [--name N] [--expect-rule ID] [--no-failing] [--expect-notice] [--hostile] [--max-ms N] [--max-height N] [--expect-provider N] [--no-pdf]');
  process.exit(2);
}
const [file, nPre, nPf, nPol] = [pos[0], ...pos.slice(1).map(Number)];
const name = opt('--name') || path.basename(file, '.html');
const artifacts = process.env.FIDOSIM_ARTIFACTS || 'out/artifacts';
fs.mkdirSync(artifacts, { recursive: true });

let failures = 0;
const ok = (cond, desc, why) => {
  console.log(`${cond ? 'ok' : 'not ok'} - ${desc}`);
  if (!cond) { failures++; if (why !== undefined) console.log(`# ${String(why).split('\n').join('\n# ')}`); }
  return cond;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors = [], pageErrors = [], dialogs = [], requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (dg) => { dialogs.push(dg.message()); dg.dismiss().catch(() => {}); });
  const url = pathToFileURL(path.resolve(file)).href;
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });

  await page.goto(url);
  const ready = await page.waitForFunction(() => document.documentElement.dataset.ready === '1', null, { timeout: 20000 })
    .then(() => true, () => false);
  ok(ready, 'the page draws itself');
  const ms = Number(await page.evaluate(() => document.documentElement.dataset.renderMs));
  console.log(`# drawn in ${ms} ms`);
  if (opt('--max-ms') !== undefined) ok(ms <= Number(opt('--max-ms')), `drawn within ${opt('--max-ms')} ms (${ms} ms)`);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`# page height ${height} px at 1280 px wide`);
  if (opt('--max-height') !== undefined) ok(height <= Number(opt('--max-height')), `at most ${opt('--max-height')} px tall (${height} px)`);

  if (opt('--expect-provider') !== undefined) {
    const pv = await page.evaluate(() => {
      const sec = document.getElementById('provider');
      const first = document.querySelector('main section');
      const rows = [...document.querySelectorAll('#provider-table tbody tr')];
      return {
        heading: sec ? sec.querySelector('h2').textContent : '',
        first: first ? first.id : '',
        rows: rows.length,
        changed: [...document.querySelectorAll('#provider-table td.changed')].map((td) =>
          td.closest('tr').dataset.platform + ':' + td.dataset.field + ':' + td.textContent),
        why: document.getElementById('provider-why') ? document.getElementById('provider-why').innerText : '',
      };
    });
    ok(pv.first === 'provider' && pv.heading.includes(opt('--expect-provider')),
      `the provider section ${opt('--expect-provider')} leads the page`, JSON.stringify(pv));
    ok(pv.rows === nPf + 1, `its table has a row per platform and one for what it emitted (${pv.rows} rows)`);
    const r = JSON.parse(await page.evaluate(() => document.getElementById('fsim-report').textContent));
    const want = [];
    for (const p of r.provider.platforms) for (const row of p.ceremonies[0].rows) if (row.changed) want.push(p.platform + ':' + row.field);
    ok(JSON.stringify(pv.changed.map((x) => x.split(':').slice(0, 2).join(':'))) === JSON.stringify(want) && want.length > 0,
      `the changed values are marked (${want.length})`, JSON.stringify(pv.changed));
    ok(r.provider.platforms.every((p) => p.ceremonies[0].rows.filter((x) => x.changed).every((x) => x.because.every((b) => pv.why.includes('platform rule ' + b.rule)))),
      'the platform rule behind each change is named');
  }

  // The heat maps: POLICIES panels of PRESETS x PLATFORMS cells.
  const maps = await page.$$eval('[role="tabpanel"]', (ps) => ps.map((p) => ({
    rows: p.querySelectorAll('table.heat tbody tr').length,
    cells: p.querySelectorAll('table.heat td.hm-cell').length,
    cols: p.querySelectorAll('table.heat thead th').length - 1,
    hidden: p.hidden,
  })));
  ok(maps.length === nPol, `${nPol} heat maps, one per RP policy (found ${maps.length})`);
  ok(maps.every((m) => m.rows === nPre && m.cols === nPf && m.cells === nPre * nPf),
    `each map has ${nPre} x ${nPf} = ${nPre * nPf} cells`, JSON.stringify(maps));
  const total = await page.locator('td.hm-cell').count();
  ok(total === nPre * nPf * nPol, `${nPre * nPf * nPol} heat-map cells in all (found ${total})`);
  ok(nPol === 0 || maps.filter((m) => !m.hidden).length === 1, 'one map shown at a time on screen');
  const labelled = await page.$$eval('td.hm-cell', (tds) => tds.every((td) => /[\u2713\u2717\u2298\u2014?]/.test(td.textContent)));
  ok(labelled, 'every heat-map cell has a text symbol, not only a colour');

  if (nPol > 1) {
    await page.locator('[role="tab"]').nth(1).click();
    const shown = await page.$$eval('[role="tabpanel"]', (ps) => ps.map((p) => !p.hidden));
    ok(shown[1] && !shown[0], 'a click on the second policy tab shows its map');
    await page.locator('[role="tab"]').nth(1).focus();
    await page.keyboard.press('ArrowLeft');
    const sel = await page.$$eval('[role="tab"]', (ts) => ts.map((t) => t.getAttribute('aria-selected')));
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    ok(sel[0] === 'true' && focused === 'tab-0', 'ArrowLeft moves to the first tab, selects it and keeps focus');
  }

  // The embedded report, read independently of the page's drawing.
  const cellOf = (id) => page.evaluate((cid) => {
    const r = JSON.parse(document.getElementById('fsim-report').textContent);
    return (r.cells || []).find((c) => c && c.id === cid) || null;
  }, id);
  async function showPanelOf(btn) {
    const panelId = await btn.evaluate((b) => b.closest('[role="tabpanel"]').id);
    await page.locator(`[role="tab"][aria-controls="${panelId}"]`).click();
  }
  const dialogText = () => page.locator('dialog#detail').innerText();

  if (!flag('--no-failing')) {
    const btn = page.locator('td.hm-cell[data-outcome="fail"] button').first();
    if (ok(await btn.count() === 1, 'the report has a failing heat-map cell')) {
      await showPanelOf(btn);
      const id = await btn.getAttribute('data-id');
      const cell = await cellOf(id);
      await btn.click();
      const open = await page.locator('dialog#detail').evaluate((dg) => dg.open);
      ok(open, `a click on the failing cell ${id} opens its details`);
      const shownRules = await page.$$eval('dialog#detail tr.rule td:first-child', (tds) => tds.map((t) => t.textContent));
      const want = (cell && Array.isArray(cell.rules)) ? cell.rules : [];
      ok(want.length > 0 && JSON.stringify(shownRules) === JSON.stringify(want),
        `the details list its failed rule IDs (${want.join(', ')})`, `shown: ${JSON.stringify(shownRules)}`);
      const text = await dialogText();
      ok((cell.sections || []).every((s) => text.includes(s)), 'and their spec sections');
      if (opt('--expect-rule')) ok(shownRules.includes(opt('--expect-rule')), `the failing cell shows ${opt('--expect-rule')}`);
      const cers = Array.isArray(cell.ceremonies) ? cell.ceremonies.length : 0;
      const views = await page.$$eval('dialog#detail section.cer', (ss) => ss.map((s) => s.innerText));
      ok(views.length === cers && views.every((v) => v.includes('Provider emitted') && v.includes('Platform delivered') && v.includes('What the RP concluded')),
        `the three views for each of its ${cers} ceremonies`);
      ok(!cell.libraryError || text.includes(cell.libraryError), 'the library error text, when the report has one');
      await page.screenshot({ path: path.join(artifacts, `report_html-${name}-cell.png`) });
      await page.keyboard.press('Escape');
      const after = await page.evaluate(() => ({ open: document.getElementById('detail').open, id: document.activeElement && document.activeElement.dataset.id }));
      ok(!after.open && after.id === id, 'Escape closes the details and gives focus back to the cell');
    }
    // A refused cell, by keyboard: the platform rule that refused.
    const ref = page.locator('td.hm-cell[data-outcome="refused"] button').first();
    if (await ref.count() === 1) {
      await showPanelOf(ref);
      const id = await ref.getAttribute('data-id');
      const cell = await cellOf(id);
      await ref.focus();
      await page.keyboard.press('Enter');
      const text = await dialogText();
      const rules = Array.isArray(cell.platformRules) ? cell.platformRules : [];
      ok(rules.length > 0 && rules.every((r) => text.includes(r)) && text.includes(cell.why),
        `Enter on the refused cell ${id} shows the platform rules and the refusal`);
      await page.keyboard.press('Escape');
    }
  }

  // The other cells' tables: each row's button opens that cell. Cells that got
  // the verdict they should are folded; a click on a fold lists them.
  const folds = page.locator('#kinds details.fold');
  if (await page.locator('#kinds button.linkbtn').count() === 0 && await folds.count() > 0) {
    const want = await folds.first().evaluate((dt) => Number((dt.querySelector('summary').textContent.match(/\d+/) || ['0'])[0]));
    await folds.first().locator('summary').click();
    // The rows are drawn on the fold's toggle event, which comes after the click.
    await folds.first().locator('tbody tr').first().waitFor({ timeout: 5000 }).catch(() => {});
    const rows = await folds.first().locator('tbody tr').count();
    ok(rows === want && want > 0, `a fold opens to list its ${want} cells (${rows} rows)`);
  }
  const rowBtn = page.locator('#kinds button.linkbtn').first();
  if (await rowBtn.count() === 1) {
    const id = await rowBtn.textContent();
    await rowBtn.click();
    const title = await page.locator('#detail-h').textContent();
    ok(title === id, `a cell in the tables below the maps opens its details (${id})`);
    await page.keyboard.press('Escape');
  }

  const notice = await page.locator('#problems .notice').count();
  if (flag('--expect-notice')) ok(notice === 1, 'the page says what in the report it could not read');
  else ok(notice === 0, 'the page has no complaint about the report', await page.locator('#problems').innerText());

  if (flag('--hostile')) {
    const h = await page.evaluate(() => ({
      pwned: window.__pwned,
      scripts: document.querySelectorAll('script').length,
      foreign: document.querySelectorAll('img, iframe, object, embed, svg, math, a, form').length,
      handlers: [...document.querySelectorAll('*')].some((e) => [...e.attributes].some((a) => a.name.startsWith('on'))),
      text: document.body.innerText,
    }));
    ok(h.pwned === undefined && dialogs.length === 0, 'no markup from the report ran');
    ok(h.scripts === 2 && h.foreign === 0 && !h.handlers, 'the report added no element and no handler to the page');
    ok(h.text.includes('</script><script>') && h.text.includes('<img src=x onerror='), 'its markup is shown as text');
  }

  await page.screenshot({ path: path.join(artifacts, `report_html-${name}.png`), fullPage: true });

  // Printed: every map and the failing cells' details, with no interaction.
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => {
    const vis = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const r = JSON.parse(document.getElementById('fsim-report').textContent);
    const failing = (r.cells || []).filter((c) => c && c.kind === 'matrix' && c.outcome !== 'pass').map((c) => c.id);
    const sec = document.getElementById('print-details');
    const ids = sec ? [...sec.querySelectorAll('.detail-print > h3')].map((x) => x.textContent) : [];
    return {
      maps: [...document.querySelectorAll('[role="tabpanel"]')].map(vis),
      tabs: vis(document.querySelector('[role="tablist"]')),
      details: vis(sec), failing, missing: failing.filter((id) => !ids.includes(id)),
    };
  });
  ok(printed.maps.every((v) => v) && printed.maps.length === nPol && !printed.tabs, 'printed: every map shows, the tabs do not');
  ok(printed.failing.length === 0 || (printed.details && printed.missing.length === 0),
    `printed: the details of the ${printed.failing.length} failing or refused heat-map cells`, `missing: ${printed.missing.join(', ')}`);
  if (!flag('--no-pdf')) await page.pdf({ path: path.join(artifacts, `report_html-${name}.pdf`), format: 'A4', printBackground: true });

  ok(pageErrors.length === 0, 'no page errors', pageErrors.join('\n'));
  ok(consoleErrors.length === 0, 'no console errors or warnings', consoleErrors.join('\n'));
  ok(requests.length === 0, 'no request beyond the file itself', requests.join('\n'));
  ok(dialogs.length === 0, 'no alert, confirm or prompt', dialogs.join('\n'));
  console.log(`# artifacts: ${artifacts}/report_html-${name}*`);
} catch (e) {
  ok(false, `the browser test ran to its end`, e.stack || e.message);
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
