// swa_rp.mjs — a small relying party backed by @simplewebauthn/server
// (14.1.0, package-lock.json), for the browser tests of `fidosim provider`:
//   node tests/browser/swa_rp.mjs [PORT]     (0 or none: any free port)
// prints "swa-rp: listening on http://localhost:PORT/" and serves:
//   GET  /                  a page whose front end is the usual one:
//                           parse...OptionsFromJSON(), navigator.credentials
//                           .create()/get(), credential.toJSON() posted back;
//                           window.rp.register(username, {attestation, uv}) and
//                           window.rp.authenticate(username) run a ceremony and
//                           resolve with what the server concluded, and what the
//                           page saw of the credential object
//   POST /reg/options, /reg/verify, /auth/options, /auth/verify
// The RP ID is localhost; the expected origin http://localhost:PORT.
import http from 'node:http';
import {
  generateRegistrationOptions, verifyRegistrationResponse,
  generateAuthenticationOptions, verifyAuthenticationResponse,
} from '@simplewebauthn/server';

const users = new Map();   // username -> {challenge, credential}
let origin = '';

const page = `<!doctype html><html><head><meta charset="utf-8"><title>SimpleWebAuthn RP</title></head>
<body><h1>SimpleWebAuthn RP</h1><pre id="out"></pre>
<script>
async function post(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body) });
  return r.json();
}
const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
  .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
// What a front end can see of the object navigator.credentials returned.
function looks(cred, create) {
  const r = cred.response;
  const s = {
    isPublicKeyCredential: cred instanceof PublicKeyCredential,
    isCredential: cred instanceof Credential,
    responseClass: create ? r instanceof AuthenticatorAttestationResponse
      : r instanceof AuthenticatorAssertionResponse,
    rawIdIsBuffer: cred.rawId instanceof ArrayBuffer,
    idIsRawId: cred.id === b64u(cred.rawId),
    type: cred.type,
    attachment: cred.authenticatorAttachment,
    ownKeys: Object.keys(cred).length,
    stringifyIsToJSON: JSON.stringify(cred) === JSON.stringify(cred.toJSON()),
    extensionResults: JSON.stringify(cred.getClientExtensionResults()),
    clientDataType: JSON.parse(new TextDecoder().decode(r.clientDataJSON)).type,
    clientDataOrigin: JSON.parse(new TextDecoder().decode(r.clientDataJSON)).origin,
  };
  if (create) {
    s.transports = r.getTransports();
    s.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
    s.authDataBytes = r.getAuthenticatorData().byteLength;
    s.publicKeyBytes = r.getPublicKey() ? r.getPublicKey().byteLength : 0;
    s.attObjIsBuffer = r.attestationObject instanceof ArrayBuffer;
  } else {
    s.signatureBytes = r.signature.byteLength;
    s.userHandleIsBuffer = r.userHandle === null || r.userHandle instanceof ArrayBuffer;
  }
  return s;
}
window.rp = {
  async register(username, o = {}) {
    const opts = await post('/reg/options', { username, attestation: o.attestation || 'none',
      uv: o.uv || 'preferred' });
    try {
      const cred = await navigator.credentials.create({
        publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(opts) });
      const page = looks(cred, true);
      const server = await post('/reg/verify', { username, response: cred.toJSON() });
      return { page, server };
    } catch (e) {
      return { error: { name: e.name, message: e.message } };
    }
  },
  async authenticate(username) {
    const opts = await post('/auth/options', { username });
    try {
      const cred = await navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(opts) });
      const page = looks(cred, false);
      const server = await post('/auth/verify', { username, response: cred.toJSON() });
      return { page, server };
    } catch (e) {
      return { error: { name: e.name, message: e.message } };
    }
  },
};
</script></body></html>`;

async function route(path, body) {
  const u = users.get(body.username) || {};
  users.set(body.username, u);
  if (path === '/reg/options') {
    const o = await generateRegistrationOptions({
      rpName: 'SimpleWebAuthn RP', rpID: 'localhost', userName: body.username,
      attestationType: body.attestation, supportedAlgorithmIDs: [-7, -8, -257],
      authenticatorSelection: { residentKey: 'preferred', userVerification: body.uv },
    });
    u.challenge = o.challenge;
    u.uv = body.uv;
    return o;
  }
  if (path === '/reg/verify') {
    const v = await verifyRegistrationResponse({
      response: body.response, expectedChallenge: u.challenge, expectedOrigin: origin,
      expectedRPID: 'localhost', requireUserVerification: u.uv === 'required',
      supportedAlgorithmIDs: [-7, -8, -257],
    });
    u.challenge = null;
    const i = v.registrationInfo;
    if (v.verified) u.credential = i.credential;
    return { verified: v.verified, aaguid: i.aaguid, fmt: i.fmt, userVerified: i.userVerified,
      credentialDeviceType: i.credentialDeviceType, credentialBackedUp: i.credentialBackedUp };
  }
  if (path === '/auth/options') {
    const o = await generateAuthenticationOptions({
      rpID: 'localhost', userVerification: 'preferred',
      allowCredentials: u.credential ? [{ id: u.credential.id, transports: u.credential.transports }] : [],
    });
    u.challenge = o.challenge;
    return o;
  }
  if (path === '/auth/verify') {
    const v = await verifyAuthenticationResponse({
      response: body.response, expectedChallenge: u.challenge, expectedOrigin: origin,
      expectedRPID: 'localhost', credential: u.credential, requireUserVerification: false,
    });
    u.challenge = null;
    const i = v.authenticationInfo;
    if (v.verified) u.credential.counter = i.newCounter;
    return { verified: v.verified, userVerified: i.userVerified, newCounter: i.newCounter,
      credentialDeviceType: i.credentialDeviceType, credentialBackedUp: i.credentialBackedUp };
  }
  return null;
}

const server = http.createServer((req, res) => {
  const send = (status, type, text) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(text);
  };
  if (req.method === 'GET' && req.url === '/') return send(200, 'text/html; charset=utf-8', page);
  if (req.method !== 'POST') return send(404, 'application/json', '{"error":"not found"}');
  let data = '';
  req.on('data', (c) => { data += c; });
  req.on('end', async () => {
    try {
      const out = await route(req.url, JSON.parse(data || '{}'));
      if (out === null) return send(404, 'application/json', '{"error":"not found"}');
      return send(200, 'application/json', JSON.stringify(out));
    } catch (e) {
      // SimpleWebAuthn throws on a response it refuses: the verdict is its message.
      return send(200, 'application/json', JSON.stringify({ verified: false, error: e.message }));
    }
  });
  return undefined;
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  origin = `http://localhost:${server.address().port}`;
  console.log(`swa-rp: listening on ${origin}/`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
