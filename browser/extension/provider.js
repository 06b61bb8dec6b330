// provider.js — what the fidosim extension's service worker and popup share:
// where the provider is, its token, and one call to it.
export const DEFAULTS = { url: 'http://127.0.0.1:8765', token: '', enabled: true };

// The provider listens on loopback only (fidosim provider --listen): so does this.
export function loopbackURL(u) {
  try {
    const x = new URL(u);
    return x.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(x.hostname)
      && x.pathname === '/' && !x.search && !x.hash ? x.origin : null;
  } catch (e) {
    return null;
  }
}

export async function loadConfig() {
  const c = await chrome.storage.local.get(['url', 'token', 'enabled']);
  return { ...DEFAULTS, ...c };
}

export async function saveConfig(c) {
  const url = loopbackURL(c.url);
  if (!url) throw new Error('the provider URL must be http://127.0.0.1:PORT (or localhost, [::1])');
  const token = String(c.token || '').trim();
  if (token && !/^[A-Za-z0-9_-]{20,128}$/.test(token)) throw new Error('that is not a provider token');
  await chrome.storage.local.set({ url, token, enabled: c.enabled !== false });
}

// One request: {ok, status, json, outcome} or {ok: false, status, json, error}.
export async function callProvider(cfg, method, path, body) {
  let res;
  try {
    res = await fetch(`${cfg.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${cfg.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    return { ok: false, status: 0, json: null,
      error: `unreachable at ${cfg.url} (is \`fidosim provider --listen ...\` running?)` };
  }
  let json = null;
  try {
    json = await res.json();
  } catch (e) {
    json = null;
  }
  if (res.ok) return { ok: true, status: res.status, json, outcome: res.headers.get('X-Fidosim-Outcome') };
  return { ok: false, status: res.status, json, error: (json && json.error) || `HTTP ${res.status}` };
}
