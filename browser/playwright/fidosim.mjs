// fidosim.mjs — be any passkey provider in a Playwright browser context.
//
//   import { useFidosim } from './browser/playwright/fidosim.mjs';
//   const fido = await useFidosim(context, { preset: 'icloud-keychain', platform: 'safari-macos' });
//   ... the pages of `context` now get their passkeys from fidosim ...
//   await fido.configure({ be: false });      // change settings between steps
//   console.log(await fido.last());           // emitted / delivered / rp-sim verdict
//   await context.close();                    // stops the provider too
//
// useFidosim starts a `fidosim provider` (on a free loopback port, with its
// own token file, over an in-memory store unless `store` is given) and
// installs in every page of the context the same page script as the
// extension (browser/extension/page.js): navigator.credentials.create()/get()
// for publicKey requests, and the PublicKeyCredential capability calls, are
// answered by the provider; everything else falls through to the browser.
// The caller's origin is taken from the frame's URL as Playwright reports it,
// never from the page. No extension, no UI: works with any Chromium that
// Playwright drives, headless or not (Firefox and WebKit too, as far as their
// own WebAuthn objects allow).
//
// Options: preset, platform (names or files, as `fidosim provider` takes),
// noPlatformRules (array), store (a file; default ":memory:"), seed (hex),
// rpPolicy, args (more `fidosim provider` arguments: --aaguid, --be, ...),
// fidosim (the binary; default $FIDOSIM, else "fidosim" on PATH).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const PAGE_JS = path.join(here, '..', 'extension', 'page.js');

// A `fidosim provider`, started and stopped here; its API as methods.
export async function startProvider(opts = {}) {
  const bin = opts.fidosim || process.env.FIDOSIM || 'fidosim';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fidosim-provider-'));
  const tokenFile = path.join(dir, 'token');
  const args = ['provider', '--listen', '127.0.0.1:0', '--token-file', tokenFile,
    '--store', opts.store || ':memory:'];
  if (opts.preset) args.push('--preset', opts.preset);
  if (opts.platform) args.push('--platform', opts.platform);
  for (const r of opts.noPlatformRules || []) args.push('--no-platform-rule', r);
  if (opts.seed) args.push('--seed', opts.seed);
  if (opts.rpPolicy) args.push('--rp-policy', opts.rpPolicy);
  args.push(...(opts.args || []));
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    log += d;
    if (opts.onLog) opts.onLog(d);
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    child.on('error', (e) => reject(new Error(`fidosim provider did not start (${bin}): ${e.message}`)));
    child.on('exit', (code) => reject(new Error(`fidosim provider exited ${code}: ${log.trim()}`)));
  });
  const token = fs.readFileSync(tokenFile, 'utf8').trim();
  let stopped = null;

  async function call(method, p, body) {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    let json = null;
    try {
      json = await res.json();
    } catch (e) {
      json = null;
    }
    return { status: res.status, outcome: res.headers.get('X-Fidosim-Outcome'), json };
  }
  async function must(method, p, body) {
    const r = await call(method, p, body);
    if (r.status !== 200) throw new Error(`fidosim provider ${method} ${p}: ${r.json && r.json.error}`);
    return r.json;
  }

  return {
    url,
    tokenFile,
    process: child,
    log: () => log,
    call,
    settings: () => must('GET', '/settings'),
    configure: (changes) => must('POST', '/settings', changes),
    last: () => must('GET', '/last'),
    capabilities: () => must('GET', '/capabilities'),
    stop() {
      if (!stopped) {
        stopped = new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve(child.exitCode);
            return;
          }
          child.once('exit', (code) => resolve(code));
          child.kill('SIGTERM');
        }).then((code) => {
          fs.rmSync(dir, { recursive: true, force: true });
          return code;
        });
      }
      return stopped;
    },
  };
}

const originOf = (u) => {
  try {
    const o = new URL(u).origin;
    return o === 'null' ? null : o;
  } catch (e) {
    return null;
  }
};

// Answers page.js's requests for one frame: {handled, outcome, json}.
async function answer(provider, source, msg) {
  const frame = source.frame;
  const origin = originOf(frame.url());
  const top = source.page ? originOf(source.page.mainFrame().url()) : origin;
  // As the extension: a frame is answered only with its top's origin.
  if (!origin || origin !== top || !msg || typeof msg.kind !== 'string') return { handled: false };
  if (msg.kind === 'capabilities') {
    const r = await provider.call('GET', '/capabilities');
    return r.status === 200 ? { handled: true, outcome: 'capabilities', json: r.json } : { handled: false };
  }
  if (msg.kind !== 'create' && msg.kind !== 'get') return { handled: false };
  const r = await provider.call('POST', `/${msg.kind}`, { options: msg.options, origin });
  if (r.status === 200) return { handled: true, outcome: r.outcome === 'credential' ? 'credential' : 'refusal', json: r.json };
  if (r.status === 400) return { handled: true, outcome: 'refusal', json: { name: 'TypeError', message: r.json && r.json.error } };
  return { handled: true, outcome: 'refusal',
    json: { name: 'NotAllowedError', message: `fidosim provider: ${(r.json && r.json.error) || r.status}` } };
}

// Install fidosim in a Playwright BrowserContext; resolves with the provider.
export async function useFidosim(context, opts = {}) {
  const provider = await startProvider(opts);
  const binding = `__fidosim_${randomBytes(6).toString('hex')}`;
  try {
    await context.exposeBinding(binding, (source, msg) => answer(provider, source, msg));
    const script = fs.readFileSync(PAGE_JS, 'utf8');
    const line = 'const BINDING = null;';
    if (!script.includes(line)) throw new Error(`${PAGE_JS} has no "${line}" line`);
    await context.addInitScript({ content: script.replace(line, `const BINDING = ${JSON.stringify(binding)};`) });
  } catch (e) {
    await provider.stop();
    throw e;
  }
  context.on('close', () => { provider.stop(); });
  return provider;
}
