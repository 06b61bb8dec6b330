// popup.js — the fidosim extension's popup: the provider's settings (preset,
// platform, AAGUID, BE/BS, UV, statement format), changed here, and the last
// ceremony's three views: what the provider emitted, what the platform
// delivered (and which of its rules did what), what rp-sim concludes.
import { loadConfig, saveConfig, callProvider } from './provider.js';

const $ = (id) => document.getElementById(id);
let cfg = null;

function say(id, text, bad) {
  $(id).textContent = text;
  $(id).className = `msg${bad ? ' bad' : ''}`;
}

function setConn(state, text) {
  $('conn').dataset.state = state;
  $('conn').textContent = text;
}

function options(select, names, value) {
  select.replaceChildren(...names.map((n) => new Option(n, n)));
  if (value !== null && value !== undefined && !names.includes(value)) select.add(new Option(value, value));
  select.value = value ?? '';
}

function showSettings(s) {
  options($('preset'), ['', ...s.presets], s.preset ?? '');
  $('preset').options[0].textContent = '(none: the defaults)';
  options($('platform'), s.platforms, s.platform);
  $('aaguid').value = s.aaguid;
  $('aaguid-name').textContent = s.aaguidName ? `named "${s.aaguidName}" in the AAGUID list` : 'not in the AAGUID list';
  $('be').checked = s.be;
  $('bs').checked = s.bs;
  $('uv').value = s.uv;
  $('attestationFormat').value = s.attestationFormat;
  $('platform-rules').textContent = `${s.platformDescription}. Rules: ${s.platformRules.join('; ')}`
    + (s.platformRulesOff.length ? ` (off: ${s.platformRulesOff.join(', ')})` : '');
}

async function refresh() {
  cfg = await loadConfig();
  if (!cfg.token) {
    setConn('bad', 'no token');
    return false;
  }
  const r = await callProvider(cfg, 'GET', '/settings');
  if (!r.ok) {
    setConn('bad', r.status === 401 ? 'wrong token' : 'unreachable');
    say('conn-msg', r.error, true);
    return false;
  }
  setConn(cfg.enabled ? 'ok' : 'unknown', cfg.enabled ? 'connected' : 'connected, off');
  showSettings(r.json);
  return true;
}

async function change(body) {
  const r = await callProvider(cfg, 'POST', '/settings', body);
  if (!r.ok) {
    say('settings-msg', r.error, true);
    return;
  }
  showSettings(r.json);
  say('settings-msg', 'applied');
}

// ---- the last ceremony ----
const yes = (b) => (b === undefined ? '—' : b ? '1' : '0');

function cellText(v, key) {
  if (!v) return '—';
  const f = v.flags || {};
  switch (key) {
    case 'outcome':
      if (v.error) return `${v.error.name}${v.error.rule ? ` (rule ${v.error.rule})` : ''}`;
      if (v.ctapStatus !== undefined) return v.ok ? `OK (CTAP ${v.ctapStatus})` : `CTAP ${v.ctapStatus}`;
      return v.ok ? 'delivered' : 'nothing';
    case 'fmt': return v.fmt ? `${v.fmt}${v.x5c ? ' + x5c' : ''}` : '—';
    case 'aaguid': return v.aaguid || '—';
    case 'up': case 'uv': case 'be': case 'bs': return v.flags ? yes(f[key]) : '—';
    case 'signCount': return v.signCount ?? '—';
    case 'transports': return (v.transportList || []).join(', ') || '—';
    default: return '—';
  }
}

function verdictCell(last) {
  const td = document.createElement('td');
  td.className = 'rp';
  td.dataset.view = 'rp';
  const v = (last.verdicts || [])[0];
  const p = document.createElement('div');
  p.className = 'verdict';
  if (last.refused || !v) {
    p.textContent = 'nothing delivered';
    p.classList.add('unknown');
  } else if (!v.ran) {
    p.textContent = 'unknown';
    p.classList.add('unknown');
  } else {
    p.textContent = v.verified ? 'verified' : 'NOT verified';
    p.classList.add(v.verified ? 'ok' : 'bad');
  }
  td.dataset.verdict = p.textContent;
  td.append(p);
  if (v) {
    const pol = document.createElement('small');
    pol.textContent = `policy ${v.policy}`;
    td.append(pol);
    for (const line of [v.errors && `errors: ${v.errors}`, v.warnings && `warnings: ${v.warnings}`,
      v.firstError]) {
      if (!line) continue;
      const d = document.createElement('div');
      d.className = 'small';
      d.textContent = line;
      td.append(d);
    }
  }
  return td;
}

function showLast(last) {
  if (!last || !last.ceremony) return;
  const when = last.time ? last.time.replace('T', ' ').replace('Z', ' UTC') : '';
  $('last-summary').textContent = `${last.ceremony} for ${last.origin} (RP ID ${last.rpId ?? '—'}), `
    + `${last.preset ?? 'no preset'} through ${last.platform}, ${when}`;
  $('last-summary').classList.toggle('refused', !!last.refused);
  const rows = [['Outcome', 'outcome'], ['Statement', 'fmt'], ['AAGUID', 'aaguid'], ['UP', 'up'], ['UV', 'uv'],
    ['BE', 'be'], ['BS', 'bs'], ['signCount', 'signCount'], ['Transports', 'transports']];
  const tbody = $('views').querySelector('tbody');
  tbody.replaceChildren();
  rows.forEach(([label, key], i) => {
    const tr = document.createElement('tr');
    tr.dataset.row = key;
    const th = document.createElement('th');
    th.textContent = label;
    tr.append(th);
    const em = cellText(last.emitted, key);
    const de = cellText(last.delivered, key);
    for (const [view, text] of [['emitted', key === 'transports' ? '—' : em], ['delivered', de]]) {
      const td = document.createElement('td');
      td.dataset.view = view;
      td.textContent = text;
      if (key === 'aaguid') td.className = 'aaguid';
      tr.append(td);
    }
    if (!last.refused && key !== 'transports' && key !== 'outcome' && em !== de) tr.classList.add('changed');
    if (i === 0) {
      const rp = verdictCell(last);
      rp.rowSpan = rows.length;
      tr.append(rp);
    }
    tbody.append(tr);
  });
  $('views').hidden = false;
  const ul = $('effects');
  ul.replaceChildren();
  for (const e of last.platformEffects || []) {
    const li = document.createElement('li');
    const b = document.createElement('b');
    b.textContent = e.rule;
    li.append(b, `: ${e.what}`);
    ul.append(li);
  }
}

async function pollLast() {
  if (!cfg || !cfg.token) return;
  const r = await callProvider(cfg, 'GET', '/last');
  if (r.ok) showLast(r.json);
}

document.addEventListener('DOMContentLoaded', async () => {
  cfg = await loadConfig();
  $('url').value = cfg.url;
  $('token').value = cfg.token;
  $('enabled').checked = cfg.enabled;
  $('save').addEventListener('click', async () => {
    try {
      await saveConfig({ url: $('url').value, token: $('token').value, enabled: $('enabled').checked });
    } catch (e) {
      say('conn-msg', e.message, true);
      return;
    }
    say('conn-msg', 'saved');
    if (await refresh()) await pollLast();
  });
  $('preset').addEventListener('change', () => change({ preset: $('preset').value || null }));
  $('platform').addEventListener('change', () => change({ platform: $('platform').value }));
  $('apply').addEventListener('click', () => change({
    aaguid: $('aaguid').value.trim(), be: $('be').checked, bs: $('bs').checked,
    uv: $('uv').value, attestationFormat: $('attestationFormat').value,
  }));
  if (await refresh()) await pollLast();
  setInterval(pollLast, 1000);
});
