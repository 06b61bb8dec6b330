// serve_load.mjs — concurrent clients against `fidosim serve` for a while:
// each registers a P-256 credential of its own (a software authenticator
// written here with node's crypto: "none" attestation) and then loops over
// authentication ceremonies (options, sign, verification), registering a new
// credential every 20th round. Any answer but 200 is an error.
//   node tests/integration/serve_load.mjs PORT SECONDS CLIENTS [MODE]
// MODE "mixed" (the default) as above; "register": registrations only, every
// round a new credential (the cost of adding one to a large store).
// Prints TAP, the requests/s, the ceremonies/s and the p50/p99 request latency.
import crypto from 'node:crypto';
import http from 'node:http';

const [port, seconds = '5', clients = '8', mode = 'mixed'] = process.argv.slice(2);
const origin = `http://localhost:${port}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(clients) * 2 });

// ---- a little canonical CBOR (RFC 8949 §4.2.1 order for our keys) ----
function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
function cbor(v) {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([head(3, b.length), b]);
  }
  if (v instanceof Map) {
    const parts = [...v].map(([k, x]) => [cbor(k), cbor(x)]);
    parts.sort((a, b) => a[0].length - b[0].length || Buffer.compare(a[0], b[0]));
    return Buffer.concat([head(5, parts.length), ...parts.flat()]);
  }
  throw new TypeError('cbor: ' + typeof v);
}

const sha256 = (b) => crypto.createHash('sha256').update(b).digest();
const b64u = (b) => Buffer.from(b).toString('base64url');
const rpIdHash = sha256(Buffer.from('localhost'));

function clientData(type, challenge) {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

// The key comes from an ECDH object and is imported as a JWK: Node 20.20's
// generateKeyPairSync followed by export({format: 'jwk'}) can deadlock when a
// garbage collection runs inside the export (the key job's destructor takes
// the mutex the export holds; gdb backtrace in docs/evidence/node-keygen-deadlock.md).
function newCredential() {
  const ecdh = crypto.createECDH('prime256v1');
  const pub = ecdh.generateKeys();             // 0x04 || x || y
  const x = pub.subarray(1, 33), y = pub.subarray(33, 65);
  const privateKey = crypto.createPrivateKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256',
    x: b64u(x), y: b64u(y), d: b64u(Buffer.concat([Buffer.alloc(32), ecdh.getPrivateKey()]).subarray(-32)) } });
  const cose = cbor(new Map([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(x)], [-3, Buffer.from(y)]]));
  return { id: crypto.randomBytes(16), privateKey, cose, count: 0 };
}

function registration(cred, challenge) {
  const cdj = clientData('webauthn.create', challenge);
  const len = Buffer.from([cred.id.length >> 8, cred.id.length & 255]);
  const authData = Buffer.concat([rpIdHash, Buffer.from([0x41]), Buffer.alloc(4),
    Buffer.alloc(16), len, cred.id, cred.cose]);
  const attObj = cbor(new Map([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
  return { id: b64u(cred.id), rawId: b64u(cred.id), type: 'public-key', clientExtensionResults: {},
    response: { clientDataJSON: b64u(cdj), attestationObject: b64u(attObj), transports: ['internal'] } };
}

function assertion(cred, challenge) {
  const cdj = clientData('webauthn.get', challenge);
  cred.count++;
  const cnt = Buffer.alloc(4);
  cnt.writeUInt32BE(cred.count);
  const authData = Buffer.concat([rpIdHash, Buffer.from([0x01]), cnt]);
  const sig = crypto.sign('sha256', Buffer.concat([authData, sha256(cdj)]), cred.privateKey);
  return { id: b64u(cred.id), rawId: b64u(cred.id), type: 'public-key', clientExtensionResults: {},
    response: { clientDataJSON: b64u(cdj), authenticatorData: b64u(authData), signature: b64u(sig) } };
}

let requests = 0;
let errors = 0;
let ceremonies = 0;
let registrations = 0;
const errorSamples = [];

const latencies = [];   // ms per request, answered or not

function post(path, body, jar) {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const started = process.hrtime.bigint();
    let settled = false;
    const fail = (e) => {
      if (settled) return;
      settled = true;
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      requests++;
      errors++;
      if (errorSamples.length < 5) errorSamples.push(`${path} ${e.message || e}`);
      resolve({});
    };
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, timeout: 60000,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data),
        ...(jar.cookie ? { Cookie: jar.cookie } : {}) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      // a connection cut mid-answer ends neither with 'end' nor with req's 'error'
      res.on('aborted', () => fail(new Error('answer aborted')));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        requests++;
        const sc = res.headers['set-cookie'];
        if (sc) jar.cookie = sc[0].split(';')[0];
        let json = null;
        try { json = JSON.parse(Buffer.concat(chunks)); } catch { /* counted below */ }
        if (res.statusCode !== 200 || json === null) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${path} ${res.statusCode} ${Buffer.concat(chunks)}`);
        }
        resolve(json || {});
      });
    });
    req.on('error', fail);
    req.on('timeout', () => { req.destroy(new Error('no answer in 60 s')); });
    req.end(data);
  });
}

async function register(user, jar) {
  const cred = newCredential();
  const o = await post('/registration/options', { username: user, algorithms: ['es256'] }, jar);
  const v = await post('/registration/verification', { username: user, response: registration(cred, o.challenge) }, jar);
  ceremonies++;
  if (v.verified === true) registrations++;
  return cred;
}

async function client(i, until) {
  const jar = {};
  const user = `load-${process.pid}-${i}`;
  let cred = await register(user, jar);
  if (mode === 'register') {
    while (Date.now() < until)
      await register(user, jar);
    return;
  }
  for (let round = 1; Date.now() < until; round++) {
    if (round % 20 === 0) cred = await register(user, jar);
    const o = await post('/authentication/options', { username: user }, jar);
    if (!o.challenge) continue;
    await post('/authentication/verification', { username: user, response: assertion(cred, o.challenge) }, jar);
    ceremonies++;
  }
}

const t0 = Date.now();
const until = t0 + Number(seconds) * 1000;
await Promise.all([...Array(Number(clients)).keys()].map((i) => client(i, until)));
const dt = (Date.now() - t0) / 1000;
agent.destroy();
const rps = requests / dt;
console.log(`# ${mode}: ${requests} requests, ${ceremonies} ceremonies (${registrations} registrations) in ${dt.toFixed(1)} s with ${clients} clients: ` +
  `${rps.toFixed(0)} requests/s, ${(ceremonies / dt).toFixed(0)} ceremonies/s`);
latencies.sort((a, b) => a - b);
const pct = (q) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0;
console.log(`# latency per request: p50 ${pct(0.5).toFixed(2)} ms, p99 ${pct(0.99).toFixed(2)} ms, ` +
  `max ${(latencies.length ? latencies[latencies.length - 1] : 0).toFixed(2)} ms`);
for (const e of errorSamples) console.log(`# ${e}`);
console.log(`${errors === 0 && requests > 0 ? 'ok' : 'not ok'} 1 - ${clients} concurrent clients for ${seconds} s: ` +
  `${errors} errors in ${requests} requests (${rps.toFixed(0)} requests/s)`);
console.log('1..1');
process.exit(errors === 0 && requests > 0 ? 0 : 1);
