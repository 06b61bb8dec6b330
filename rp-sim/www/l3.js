// l3.js — the WebAuthn Level 3 part of the `fidosim serve` page: what
// PublicKeyCredential.getClientCapabilities() reports (5.1.7), a
// conditional create (5.1.3, mediation "conditional"), and the signals the
// server sends (5.1.10) passed to the browser's signal methods. Every call
// and its outcome goes to #l3-log, one <li data-call data-outcome> each.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  function log(call, outcome, text) {
    const li = document.createElement('li');
    li.dataset.call = call;
    li.dataset.outcome = outcome;
    li.textContent = `${call}: ${outcome}${text ? ` — ${text}` : ''}`;
    $('l3-log').append(li);
  }

  async function capabilities() {
    const ul = $('capabilities');
    ul.replaceChildren();
    if (!window.PublicKeyCredential || typeof PublicKeyCredential.getClientCapabilities !== 'function') {
      log('getClientCapabilities', 'absent', 'this browser has no getClientCapabilities()');
      return;
    }
    try {
      const caps = await PublicKeyCredential.getClientCapabilities();
      for (const k of Object.keys(caps)) {
        const li = document.createElement('li');
        li.dataset.capability = k;
        li.dataset.value = caps[k] ? '1' : '0';
        li.textContent = `${k}=${caps[k] ? 'yes' : 'no'}`;
        ul.append(li);
      }
      log('getClientCapabilities', 'resolved', JSON.stringify(caps));
    } catch (e) {
      log('getClientCapabilities', 'rejected', `${e.name}: ${e.message}`);
    }
  }

  // {"signal": NAME, ...options} -> PublicKeyCredential["signal" + Name](options)
  async function deliver(signals) {
    for (const s of signals || []) {
      const { signal, ...options } = s;
      const method = `signal${signal.charAt(0).toUpperCase()}${signal.slice(1)}`;
      if (!window.PublicKeyCredential || typeof PublicKeyCredential[method] !== 'function') {
        log(method, 'absent', 'this browser does not have it');
        continue;
      }
      try {
        await PublicKeyCredential[method](options);
        log(method, 'resolved', JSON.stringify(options));
      } catch (e) {
        log(method, 'rejected', `${e.name}: ${e.message}`);
      }
    }
  }

  // A conditional create: the options as for a registration, with mediation
  // "conditional"; ?cc-timeout=MS shortens the wait (a browser may keep a
  // conditional create pending until its timeout).
  async function conditionalCreate() {
    const f = window.fidosim;
    const username = $('username').value.trim();
    if (!username) {
      f.setStatus('A conditional create needs the username just signed in with.', true);
      return;
    }
    const q = new URLSearchParams(location.search);
    const started = Date.now();
    try {
      const opts = await f.postJSON('/registration/options', {
        username, mediation: 'conditional', user_verification: $('reg-uv').value,
        attestation: $('attestation').value, attachment: $('attachment').value,
        algorithms: f.checked('algorithms'), discoverable_credential: $('discoverable').value,
      });
      if (opts.status !== 200) throw new Error(opts.json.error || `HTTP ${opts.status}`);
      if (q.has('cc-timeout')) opts.json.timeout = Number(q.get('cc-timeout'));
      f.setStatus('Conditional create: waiting for the browser (no prompt is shown)...');
      const cred = await navigator.credentials.create({
        mediation: 'conditional', publicKey: f.creationOptions(opts.json) });
      log('conditionalCreate', 'resolved', `after ${Date.now() - started} ms`);
      const ver = await f.postJSON('/registration/verification',
        { username, response: f.credentialToJSON(cred) });
      await f.showReport('Registration', ver);
    } catch (e) {
      log('conditionalCreate', 'rejected', `${e.name}: ${e.message} (after ${Date.now() - started} ms)`);
      f.setStatus(`Conditional create did not complete: ${e.name}: ${e.message}`, true);
    }
  }

  async function rename() {
    const displayName = $('display-name').value.trim();
    const res = await window.fidosim.postJSON('/account/details', { displayName });
    if (res.status !== 200) {
      log('accountDetails', 'refused', res.json.error || `HTTP ${res.status}`);
      return;
    }
    log('accountDetails', 'updated', `display name "${displayName}"`);
    await deliver(res.json.signals);
  }

  window.addEventListener('DOMContentLoaded', () => {
    $('conditional-create').addEventListener('click', conditionalCreate);
    $('rename').addEventListener('click', rename);
    capabilities();
  });

  window.fidosimL3 = { deliver, log, capabilities };
})();
