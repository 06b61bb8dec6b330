// bridge.js — the fidosim extension's content script in its isolated world:
// carries page.js's requests ({kind, options}) to the service worker and the
// answers back. It adds nothing: the service worker learns the frame's origin
// from Chromium (MessageSender.origin), never from the page.
window.addEventListener('message', (e) => {
  const d = e.source === window ? e.data : null;
  if (!d || d.fidosim !== 'request' || typeof d.kind !== 'string') return;
  const reply = (r) => window.postMessage({ fidosim: 'reply', id: d.id, nonce: d.nonce, reply: r }, '*');
  try {
    chrome.runtime.sendMessage({ kind: d.kind, options: d.options }, (r) => {
      reply(chrome.runtime.lastError ? { handled: false } : r);
    });
  } catch (err) {
    reply({ handled: false });   // the extension was reloaded under the page
  }
});
