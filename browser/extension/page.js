// page.js — runs in the page's own world (a MAIN-world content script of
// the fidosim extension, or an init script of browser/playwright/): replaces
// navigator.credentials.create() / get() for publicKey requests, and
// PublicKeyCredential.getClientCapabilities(),
// isUserVerifyingPlatformAuthenticatorAvailable() and
// isConditionalMediationAvailable(), with answers from a `fidosim provider`.
//
// It never names the caller's origin: it hands the options (as their JSON
// form) to its carrier, which adds the frame's real origin (the extension's
// service worker from what Chromium tells it; the Playwright helper from
// the frame's URL) and calls the provider. The answer becomes a
// PublicKeyCredential-shaped object whose toJSON(), getClientExtensionResults()
// and response methods behave as the browser's do.
//
// Requests it does not handle fall through to the browser's own
// implementation: anything but publicKey, conditional or immediate mediation
// (this build's client has neither), a cross-origin frame (the provider
// builds no crossOrigin/topOrigin client data), or the carrier saying so
// (the extension switched off or not paired with a provider).
//
// The L3 signal methods (PublicKeyCredential.signalUnknownCredential, ...)
// are left to the browser: no platform profile of this build has signals.
(() => {
  // The Playwright helper replaces the next line with the name of its binding.
  const BINDING = null;

  const KEY = Symbol.for('fidosim.page');
  if (window[KEY] || !window.PublicKeyCredential || !navigator.credentials) return;
  Object.defineProperty(window, KEY, { value: true });

  const creds = navigator.credentials;
  const browser = {
    create: creds.create.bind(creds),
    get: creds.get.bind(creds),
    uvpaa: PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable?.bind(PublicKeyCredential),
    cma: PublicKeyCredential.isConditionalMediationAvailable?.bind(PublicKeyCredential),
    caps: PublicKeyCredential.getClientCapabilities?.bind(PublicKeyCredential),
  };

  // ---- the carrier: a binding (Playwright) or the extension's bridge ----
  let binding = BINDING ? window[BINDING] : null;
  const pending = new Map();
  let seq = 0;
  const nonce = Math.random().toString(36).slice(2);
  if (!BINDING) {
    window.addEventListener('message', (e) => {
      const d = e.source === window ? e.data : null;
      if (!d || d.fidosim !== 'reply' || d.nonce !== nonce || !pending.has(d.id)) return;
      const resolve = pending.get(d.id);
      pending.delete(d.id);
      resolve(d.reply || { handled: false });
    });
  }
  function carry(kind, options) {
    if (BINDING) {
      binding = binding || window[BINDING];
      if (typeof binding !== 'function') return Promise.resolve({ handled: false });
      return binding({ kind, options }).catch(() => ({ handled: false }));
    }
    return new Promise((resolve) => {
      const id = ++seq;
      pending.set(id, resolve);
      window.postMessage({ fidosim: 'request', id, nonce, kind, options }, '*');
    });
  }

  // ---- bytes ----
  function toB64url(buf) {
    const b = buf instanceof ArrayBuffer ? new Uint8Array(buf)
      : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function fromB64url(s) {
    const t = atob(String(s).replace(/-/g, '+').replace(/_/g, '/'));
    const b = new Uint8Array(t.length);
    for (let i = 0; i < t.length; i++) b[i] = t.charCodeAt(i);
    return b.buffer;
  }
  const isBytes = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);

  // The options as their JSON form (WebAuthn L3 5.1): every BufferSource as base64url.
  function toJSONForm(v) {
    if (isBytes(v)) return toB64url(v);
    if (Array.isArray(v)) return v.map(toJSONForm);
    if (v && typeof v === 'object') {
      const o = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined && k !== 'signal') o[k] = toJSONForm(x);
      return o;
    }
    return v;
  }

  // Client extension outputs carry bytes where toJSON() gives base64url (L3 5.1, 10.1).
  function extensionResults(json) {
    const r = structuredClone(json || {});
    const prf = r.prf && r.prf.results;
    if (prf) for (const k of ['first', 'second']) if (typeof prf[k] === 'string') prf[k] = fromB64url(prf[k]);
    if (r.largeBlob && typeof r.largeBlob.blob === 'string') r.largeBlob.blob = fromB64url(r.largeBlob.blob);
    if (typeof r.getCredBlob === 'string') r.getCredBlob = fromB64url(r.getCredBlob);
    return r;
  }

  // Attributes as getters, methods as values; none enumerable, as the IDL's
  // live on the prototype of the real objects.
  function shape(proto, attrs, methods) {
    const o = Object.create(proto);
    for (const [k, get] of Object.entries(attrs)) {
      Object.defineProperty(o, k, { get, enumerable: false, configurable: true });
    }
    for (const [k, value] of Object.entries(methods)) {
      Object.defineProperty(o, k, { value, enumerable: false, configurable: true, writable: true });
    }
    return o;
  }

  function credential(json, create) {
    const r = json.response || {};
    const rawId = fromB64url(json.rawId);
    const cdj = fromB64url(r.clientDataJSON);
    let response;
    if (create) {
      const ao = fromB64url(r.attestationObject);
      const ad = r.authenticatorData ? fromB64url(r.authenticatorData) : null;
      const pk = r.publicKey ? fromB64url(r.publicKey) : null;
      response = shape(AuthenticatorAttestationResponse.prototype, {
        clientDataJSON: () => cdj,
        attestationObject: () => ao,
      }, {
        getTransports: () => [...(r.transports || [])],
        getAuthenticatorData: () => (ad ? ad.slice(0) : null),
        getPublicKey: () => (pk ? pk.slice(0) : null),
        getPublicKeyAlgorithm: () => r.publicKeyAlgorithm,
      });
    } else {
      const ad = fromB64url(r.authenticatorData);
      const sig = fromB64url(r.signature);
      const uh = r.userHandle ? fromB64url(r.userHandle) : null;
      response = shape(AuthenticatorAssertionResponse.prototype, {
        clientDataJSON: () => cdj,
        authenticatorData: () => ad,
        signature: () => sig,
        userHandle: () => uh,
      }, {});
    }
    return shape(PublicKeyCredential.prototype, {
      id: () => json.id,
      rawId: () => rawId,
      type: () => json.type || 'public-key',
      response: () => response,
      authenticatorAttachment: () => json.authenticatorAttachment ?? null,
    }, {
      getClientExtensionResults: () => extensionResults(json.clientExtensionResults),
      toJSON: () => structuredClone(json),
    });
  }

  function domError(e) {
    const name = e && e.name ? e.name : 'NotAllowedError';
    const msg = e && e.message ? e.message : 'The operation either timed out or was not allowed.';
    return name === 'TypeError' ? new TypeError(msg) : new DOMException(msg, name);
  }

  // ---- the replacements ----
  function sameOriginAsTop() {
    try {
      return window.top === window || window.top.location.origin === location.origin;
    } catch (e) {
      return false;   // a cross-origin frame: its top cannot be read
    }
  }

  async function ceremony(kind, options) {
    const o = options || {};
    const mediation = o.mediation || 'optional';
    if (!o.publicKey || mediation === 'conditional' || mediation === 'immediate' || !sameOriginAsTop()) {
      return kind === 'create' ? browser.create(options) : browser.get(options);
    }
    if (o.signal && o.signal.aborted) throw o.signal.reason ?? new DOMException('aborted', 'AbortError');
    const work = carry(kind, toJSONForm(o.publicKey));
    const answer = o.signal
      ? await Promise.race([work, new Promise((_, reject) => o.signal.addEventListener('abort',
        () => reject(o.signal.reason ?? new DOMException('aborted', 'AbortError')), { once: true }))])
      : await work;
    if (!answer || !answer.handled) return kind === 'create' ? browser.create(options) : browser.get(options);
    if (answer.outcome !== 'credential') throw domError(answer.json);
    return credential(answer.json, kind === 'create');
  }

  let capsCache = null;
  async function capabilities() {
    const answer = await carry('capabilities', null);
    if (!answer || !answer.handled) return null;
    capsCache = answer.json;
    return capsCache;
  }

  const replace = (obj, name, fn) => Object.defineProperty(obj, name,
    { value: fn, writable: true, configurable: true, enumerable: false });

  replace(creds, 'create', function create(options) { return ceremony('create', options); });
  replace(creds, 'get', function get(options) { return ceremony('get', options); });
  replace(PublicKeyCredential, 'isUserVerifyingPlatformAuthenticatorAvailable',
    async function isUserVerifyingPlatformAuthenticatorAvailable() {
      const c = await capabilities();
      if (c) return c.userVerifyingPlatformAuthenticator === true;
      return browser.uvpaa ? browser.uvpaa() : false;
    });
  replace(PublicKeyCredential, 'isConditionalMediationAvailable',
    async function isConditionalMediationAvailable() {
      const c = await capabilities();
      if (c) return c.conditionalGet === true;
      return browser.cma ? browser.cma() : false;
    });
  replace(PublicKeyCredential, 'getClientCapabilities', async function getClientCapabilities() {
    const c = await capabilities();
    if (c) return { ...c };
    return browser.caps ? browser.caps() : {};
  });
})();
