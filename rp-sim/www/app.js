// app.js — the page of `fidosim serve`: webauthn.io's options, the two
// ceremonies through its API, and the rp-sim report of each. No library and
// no network beyond this server.
'use strict';

// ---- base64url <-> ArrayBuffer (WebAuthn L3 §5.1 JSON encodings) ----
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

function bufferToB64url(buf) {
  const b = new Uint8Array(buf instanceof ArrayBuffer ? buf : buf.buffer.slice(
    buf.byteOffset, buf.byteOffset + buf.byteLength));
  let out = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  if (i < b.length) {
    const n = (b[i] << 16) | ((i + 1 < b.length ? b[i + 1] : 0) << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63];
    if (i + 1 < b.length) out += B64[(n >> 6) & 63];
  }
  return out;
}

function b64urlToBuffer(s) {
  if (typeof s !== 'string' || s.length % 4 === 1) throw new TypeError('not base64url: ' + s);
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const c of s) {
    const v = B64_INDEX.get(c);
    if (v === undefined) throw new TypeError('not base64url: ' + s);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out.buffer.slice(0, o);
}

// ---- options JSON -> the dictionaries navigator.credentials wants ----
function descriptors(list) {
  return (list || []).map((d) => ({ ...d, id: b64urlToBuffer(d.id) }));
}

function creationOptions(json) {
  if (window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON) {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return { ...json, challenge: b64urlToBuffer(json.challenge),
    user: { ...json.user, id: b64urlToBuffer(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials) };
}

function requestOptions(json) {
  if (window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return { ...json, challenge: b64urlToBuffer(json.challenge),
    allowCredentials: descriptors(json.allowCredentials) };
}

// ---- PublicKeyCredential -> RegistrationResponseJSON / AuthenticationResponseJSON ----
function credentialToJSON(cred) {
  if (typeof cred.toJSON === 'function') return cred.toJSON();
  const r = cred.response;
  const out = { id: cred.id, rawId: bufferToB64url(cred.rawId), type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment || undefined,
    clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    response: { clientDataJSON: bufferToB64url(r.clientDataJSON) } };
  if (r.attestationObject) {
    out.response.attestationObject = bufferToB64url(r.attestationObject);
    if (r.getTransports) out.response.transports = r.getTransports();
    if (r.getAuthenticatorData) out.response.authenticatorData = bufferToB64url(r.getAuthenticatorData());
    if (r.getPublicKey && r.getPublicKey()) out.response.publicKey = bufferToB64url(r.getPublicKey());
    if (r.getPublicKeyAlgorithm) out.response.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
  } else {
    out.response.authenticatorData = bufferToB64url(r.authenticatorData);
    out.response.signature = bufferToB64url(r.signature);
    if (r.userHandle) out.response.userHandle = bufferToB64url(r.userHandle);
  }
  const ext = out.clientExtensionResults;
  if (ext && ext.credProps === undefined) delete ext.credProps;
  return out;
}

// ---- the server ----
async function postJSON(path, body) {
  const res = await fetch(path, { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  let json;
  try {
    json = await res.json();
  } catch (e) {
    json = { error: `HTTP ${res.status} with no JSON` };
  }
  return { status: res.status, json };
}

const $ = (id) => document.getElementById(id);
const checked = (id) => [...$(id).querySelectorAll('input:checked')].map((e) => e.value);

function setStatus(text, bad) {
  $('status').textContent = text;
  $('status').className = bad ? 'error' : '';
}

// WebAuthn lets a page use an RP ID that is its own host or a registrable
// suffix of it (L3 5.1.3 step 8); anything else ends in a bare SecurityError.
// Say what to open instead, before the browser refuses.
function wrongHost(rpId) {
  const host = location.hostname;
  if (!rpId || host === rpId || host.endsWith(`.${rpId}`)) return null;
  const url = `${location.protocol}//${rpId}${location.port ? `:${location.port}` : ''}/`;
  return `This page is at ${location.origin}, but the RP ID is "${rpId}": a browser lets a page `
    + `use only an RP ID that is its own host or a parent domain of it. Open ${url} instead `
    + '(fidosim serve prints that URL when it starts).';
}

function busy(on) {
  $('register').disabled = on;
  $('authenticate').disabled = on;
}

async function register() {
  const username = $('username').value.trim();
  if (!username) {
    setStatus('Registration needs a username.', true);
    return;
  }
  busy(true);
  try {
    setStatus('Asking the server for registration options...');
    const opts = await postJSON('/registration/options', {
      username, user_verification: $('reg-uv').value, attestation: $('attestation').value,
      attachment: $('attachment').value, algorithms: checked('algorithms'),
      discoverable_credential: $('discoverable').value, hints: checked('reg-hints'),
    });
    if (opts.status !== 200) throw new Error(opts.json.error || `HTTP ${opts.status}`);
    const hostHint = wrongHost(opts.json.rp && opts.json.rp.id);
    if (hostHint) throw new Error(hostHint);
    setStatus('Waiting for the authenticator...');
    const cred = await navigator.credentials.create({ publicKey: creationOptions(opts.json) });
    const ver = await postJSON('/registration/verification',
      { username, response: credentialToJSON(cred) });
    await showReport('Registration', ver);
  } catch (e) {
    setStatus(`Registration failed: ${e.name ? e.name + ': ' : ''}${e.message}`, true);
  } finally {
    busy(false);
  }
}

async function authenticate() {
  const username = $('username').value.trim();
  busy(true);
  try {
    setStatus('Asking the server for authentication options...');
    const opts = await postJSON('/authentication/options', {
      username, user_verification: $('auth-uv').value, hints: checked('auth-hints'),
    });
    if (opts.status !== 200) throw new Error(opts.json.error || `HTTP ${opts.status}`);
    const hostHint = wrongHost(opts.json.rpId);
    if (hostHint) throw new Error(hostHint);
    setStatus('Waiting for the authenticator...');
    const cred = await navigator.credentials.get({ publicKey: requestOptions(opts.json) });
    const ver = await postJSON('/authentication/verification',
      { username, response: credentialToJSON(cred) });
    await showReport('Authentication', ver);
  } catch (e) {
    setStatus(`Authentication failed: ${e.name ? e.name + ': ' : ''}${e.message}`, true);
  } finally {
    busy(false);
  }
}

// ---- the report ----
function row(dl, term, value) {
  const dt = document.createElement('dt');
  const dd = document.createElement('dd');
  dt.textContent = term;
  dd.textContent = value === null || value === undefined ? '—' : String(value);
  dl.append(dt, dd);
  return dd;
}

async function showReport(name, ver) {
  const verified = ver.status === 200 && ver.json.verified === true;
  setStatus(verified ? `${name} verified.` : `${name} refused: ${ver.json.error || ver.status}`,
    !verified);
  const res = await fetch('/api/reports/last', { credentials: 'same-origin' });
  const entry = res.ok ? await res.json() : null;
  const rep = entry && entry.report ? entry.report : {};
  $('report').hidden = false;
  $('ceremony-name').textContent = name;
  $('verdict').textContent = verified ? 'verified' : 'not verified';
  $('verdict').dataset.verified = String(verified);
  $('error').hidden = verified;
  $('error').textContent = verified ? '' : (ver.json.error || `HTTP ${ver.status}`);

  const ad = rep.authenticatorData || {};
  const ul = $('flags');
  ul.replaceChildren();
  // Only what the verifier parsed: no authenticator data, no flags shown.
  if (ad.flags && typeof ad.flags === 'object') {
    for (const f of ['up', 'uv', 'be', 'bs', 'at', 'ed', 'rfu1', 'rfu2']) {
      if (typeof ad.flags[f] !== 'boolean') continue;
      const li = document.createElement('li');
      li.dataset.flag = f;
      li.dataset.value = ad.flags[f] ? '1' : '0';
      li.textContent = `${f.toUpperCase()}=${ad.flags[f] ? 1 : 0}`;
      ul.append(li);
    }
  } else {
    const li = document.createElement('li');
    li.className = 'unparsed';
    li.textContent = 'not parsed: the authenticator data did not decode';
    ul.append(li);
  }
  const facts = $('facts');
  facts.replaceChildren();
  row(facts, 'Sign count', ad.signCount);
  if (rep.ceremony === 'registration') {
    const att = rep.attestation || {};
    const auth = rep.authenticator || {};
    row(facts, 'AAGUID', auth.aaguid).id = 'aaguid';
    row(facts, 'Provider name', auth.name || '(not in the AAGUID list)').id = 'provider';
    row(facts, 'Attestation format', att.fmt).id = 'att-fmt';
    row(facts, 'Attestation type', att.type).id = 'att-type';
    row(facts, 'Attestation trusted', att.trusted ? 'yes' : 'no');
    row(facts, 'Credential ID', ad.credentialId);
  }
  const rec = rep.credentialRecord;
  if (rec) row(facts, 'Backup eligible / state (record)', `${rec.backupEligible} / ${rec.backupState}`);

  const card = $('card');
  card.replaceChildren();
  $('card-box').hidden = !rep.webauthnIo;
  if (rep.webauthnIo) {
    row(card, 'Description', rep.webauthnIo.description).id = 'card-description';
    row(card, 'Provider Name', rep.webauthnIo.providerName).id = 'card-provider';
    row(card, 'AAGUID', rep.webauthnIo.aaguid);
  }

  // Failures first, then warnings, then the rest (as the CLI prints them);
  // each row is marked with its status so failing rows stand out.
  const tbody = $('checks').querySelector('tbody');
  tbody.replaceChildren();
  const order = { fail: 0, warn: 1 };
  const checks = [...(rep.checks || [])].sort((a, b) => (order[a.status] ?? 2) - (order[b.status] ?? 2));
  for (const c of checks) {
    const tr = document.createElement('tr');
    tr.dataset.rule = c.rule;
    tr.dataset.status = c.status;
    tr.className = `row-${c.status}`;
    for (const [text, cls, label] of [[c.status, `st-${c.status}`, 'Status'], [c.rule, 'rule', 'Rule'],
      [c.section, 'section', 'Section'], [c.message + (c.field ? ` (${c.field})` : ''), 'msg', 'Message']]) {
      const td = document.createElement('td');
      td.textContent = text;
      td.className = cls;
      td.dataset.label = label;
      tr.append(td);
    }
    tbody.append(tr);
  }
  $('raw').textContent = JSON.stringify(entry, null, 2);
}

// The algorithm boxes: exactly the algorithms the server's verifier has.
async function loadAlgorithms(want) {
  const res = await fetch('/api/algorithms', { credentials: 'same-origin' });
  const list = res.ok ? (await res.json()).algorithms || [] : [];
  const box = $('algorithms');
  for (const a of list) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = a.name;
    input.checked = want ? want.includes(a.name) : a.default;
    label.append(input, ` ${a.coseName} (${a.alg})`);
    box.append(label);
  }
  if (list.length === 0) setStatus('The server named no algorithms it can verify.', true);
}

window.addEventListener('DOMContentLoaded', async () => {
  $('register').addEventListener('click', register);
  $('authenticate').addEventListener('click', authenticate);
  // Settings in the query string, as webauthn.io shares them.
  const q = new URLSearchParams(location.search);
  for (const id of ['reg-uv', 'attestation', 'attachment', 'discoverable', 'auth-uv']) {
    if (q.has(id)) $(id).value = q.get(id);
  }
  if (q.has('username')) $('username').value = q.get('username');
  // The buttons wait for the algorithm list, so a ceremony never starts without it.
  busy(true);
  try {
    await loadAlgorithms(q.has('algorithms') ? q.get('algorithms').split(',') : null);
  } catch (e) {
    setStatus(`Cannot load the algorithm list: ${e.message}`, true);
  } finally {
    busy(false);
  }
});

// For tests and the console.
window.fidosim = { bufferToB64url, b64urlToBuffer, credentialToJSON, creationOptions, requestOptions,
  showReport };
