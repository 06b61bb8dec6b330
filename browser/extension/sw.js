// sw.js — the fidosim extension's service worker: takes page.js's requests
// (through bridge.js), adds the caller's origin as Chromium reports it for
// the sending frame (MessageSender.origin: never the page's claim, which it
// ignores), and asks the provider (provider.js). Its answer goes back as is:
// {handled, outcome: "credential"|"refusal", json}; {handled: false} lets
// the browser answer (extension off, not paired, a frame it cannot vouch for).
import { loadConfig, callProvider } from './provider.js';

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch (e) {
    return null;
  }
}

async function answer(msg, sender) {
  // Only this extension's content scripts, in a tab.
  if (sender.id !== chrome.runtime.id || !sender.tab || !msg || typeof msg.kind !== 'string') {
    return { handled: false };
  }
  const cfg = await loadConfig();
  if (!cfg.enabled || !cfg.token) return { handled: false };
  const origin = sender.origin;
  if (!origin || origin === 'null') return { handled: false };
  // A subframe is answered only when it has the top frame's origin (the
  // provider builds no crossOrigin/topOrigin client data).
  if (sender.frameId !== 0 && origin !== originOf(sender.tab.url || '')) return { handled: false };
  if (msg.kind === 'capabilities') {
    const r = await callProvider(cfg, 'GET', '/capabilities');
    return r.ok ? { handled: true, outcome: 'capabilities', json: r.json } : { handled: false };
  }
  if (msg.kind !== 'create' && msg.kind !== 'get') return { handled: false };
  const r = await callProvider(cfg, 'POST', `/${msg.kind}`, { options: msg.options, origin });
  if (r.ok) return { handled: true, outcome: r.outcome === 'credential' ? 'credential' : 'refusal', json: r.json };
  // Options the provider cannot read are what a browser throws TypeError for.
  if (r.status === 400) return { handled: true, outcome: 'refusal', json: { name: 'TypeError', message: r.error } };
  return { handled: true, outcome: 'refusal',
    json: { name: 'NotAllowedError', message: `fidosim provider: ${r.error}` } };
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  answer(msg, sender).then(sendResponse, () => sendResponse({ handled: false }));
  return true;   // the answer comes later
});
