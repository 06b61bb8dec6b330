// peers.mjs CASE SECONDS — time @simplewebauthn/server and fido2-lib (the
// versions pinned in package-lock.json) on one recorded ceremony, the JSON
// that `fidosim bench --case` reads (tests/differential/gen.sh writes it):
// verify-registration and verify-authentication of its first assertion, and
// Node's own crypto.verify of that assertion's signature as Node's raw
// baseline. Prints one JSON object of operations per second of CPU time.
//
// The clock is process.cpuUsage() (user + system of the whole process):
// SimpleWebAuthn verifies through WebCrypto, whose work runs on libuv's
// thread pool, so the calling thread's CPU time alone would leave the
// signature check out. The libraries get the response already parsed (what
// a server has after its body parser) while fidosim's stages include the
// JSON parse: any bias is in the peers' favour.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { verifyRegistrationResponse, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { Fido2Lib } from 'fido2-lib';

const c = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const seconds = Number(process.argv[3] || 1);
const reg = c.registration;
const auth = c.authentications[0];
const uvRequired = c.uv === 'required';
const b64 = (s) => Uint8Array.from(Buffer.from(s, 'base64url')).buffer;
const f2lReq = (r) => ({ ...r, rawId: b64(r.rawId) });
const f2l = new Fido2Lib({ rpId: c.rpId, rpName: 'bench', challengeSize: 32 });
const factor = uvRequired ? 'first' : 'either';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// What each verifier needs from the registration, and a check that every
// operation below succeeds on this case before anything is timed.
const swReg = () => verifyRegistrationResponse({
  response: reg.response, expectedChallenge: reg.challenge, expectedOrigin: c.origin,
  expectedRPID: c.rpId, requireUserVerification: uvRequired,
});
const sw = (await swReg()).registrationInfo.credential;
const f2lReg = () => f2l.attestationResult(f2lReq(reg.response), {
  challenge: reg.challenge, origin: c.origin, factor, rpId: c.rpId,
});
const f2lPem = (await f2lReg()).authnrData.get('credentialPublicKeyPem');
const swAuth = () => verifyAuthenticationResponse({
  response: auth.response, expectedChallenge: auth.challenge, expectedOrigin: c.origin,
  expectedRPID: c.rpId, requireUserVerification: uvRequired,
  credential: { id: sw.id, publicKey: sw.publicKey, counter: 0 },
});
const uh = auth.response.response.userHandle;
const f2lAuth = () => f2l.assertionResult(f2lReq(auth.response), {
  challenge: auth.challenge, origin: c.origin, factor, rpId: c.rpId, publicKey: f2lPem,
  prevCounter: 0, userHandle: typeof uh === 'string' && uh !== '' ? uh : null,
});
const ad = Buffer.from(auth.response.response.authenticatorData, 'base64url');
const cdh = crypto.createHash('sha256')
  .update(Buffer.from(auth.response.response.clientDataJSON, 'base64url')).digest();
const msg = Buffer.concat([ad, cdh]);
const sig = Buffer.from(auth.response.response.signature, 'base64url');
const key = crypto.createPublicKey(f2lPem);
const raw = async () => crypto.verify('sha256', msg, key, sig);

const stages = [
  ['node-ecdsa-p256-verify', raw, (r) => r === true],
  ['simplewebauthn-verify-authentication', swAuth, (r) => r.verified],
  ['simplewebauthn-verify-registration', swReg, (r) => r.verified],
  ['fido2lib-verify-authentication', f2lAuth, (r) => r.audit.complete],
  ['fido2lib-verify-registration', f2lReg, (r) => r.audit.complete],
];
for (const [name, fn, good] of stages) {
  if (!good(await fn())) throw new Error(`${name}: does not verify the case`);
}
// Interleaved batches, as fidosim bench does, so load changes touch every stage alike.
const spent = stages.map(() => 0);
const n = stages.map(() => 0);
const start = cpu();
while (cpu() - start < seconds * stages.length) {
  for (const [s, [, fn]] of stages.entries()) {
    const t0 = cpu();
    for (let i = 0; i < 8; i++) await fn();
    spent[s] += cpu() - t0;
    n[s] += 8;
  }
}
const out = { node: process.version, clock: 'process-cpu', opsPerSecond: {} };
for (const [s, [name]] of stages.entries()) out.opsPerSecond[name] = n[s] / spent[s];
console.log(JSON.stringify(out));
