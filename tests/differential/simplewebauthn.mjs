// simplewebauthn.mjs DIR — verify every case of the differential corpus with
// @simplewebauthn/server (pinned in package-lock.json): the registration and
// two consecutive assertions (the counter carried over), and check that the
// library sees the AAGUID, fmt, BE and BS that were asked for. TAP output.
import fs from 'node:fs';
import path from 'node:path';
import { verifyRegistrationResponse, verifyAuthenticationResponse } from '@simplewebauthn/server';

const dir = process.argv[2];
let n = 0;
const ok = (c, d, why = '') => {
  n += 1;
  console.log(`${c ? 'ok' : 'not ok'} ${n} - ${d}`);
  if (!c && why) console.log(`# ${why}`);
};

for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const req = c.uv === 'required';
  let reg;
  try {
    reg = await verifyRegistrationResponse({
      response: c.registration.response, expectedChallenge: c.registration.challenge,
      expectedOrigin: c.origin, expectedRPID: c.rpId, requireUserVerification: req,
      // The RP offered this alg in pubKeyCredParams; ES384 (-35) is off by default here,
      // and so are ML-DSA-44/65/87 (-48/-49/-50: AKP keys, which 14.x verifies) and
      // PS384 (-38), PS512 (-39) and RS1 (-65535), which it verifies too.
      supportedAlgorithmIDs: [-7, -8, -35, -36, -257, -37, -48, -49, -50, -38, -39, -65535],
    });
  } catch (e) {
    ok(false, `${c.name}: registration`, e.message);
    continue;
  }
  ok(reg.verified, `${c.name}: registration verified`);
  if (!reg.verified) continue;
  const info = reg.registrationInfo;
  const w = c.want;
  const got = { aaguid: info.aaguid, fmt: info.fmt, be: info.credentialDeviceType === 'multiDevice',
    bs: info.credentialBackedUp };
  const same = got.aaguid === w.aaguid && got.fmt === w.fmt && got.be === w.be && got.bs === w.bs;
  ok(same, `${c.name}: sees aaguid ${w.aaguid}, fmt ${w.fmt}, BE ${+w.be}, BS ${+w.bs}`, JSON.stringify(got));
  let credential = { id: info.credential.id, publicKey: info.credential.publicKey, counter: info.credential.counter };
  for (const [k, a] of c.authentications.entries()) {
    try {
      const r = await verifyAuthenticationResponse({
        response: a.response, expectedChallenge: a.challenge, expectedOrigin: c.origin,
        expectedRPID: c.rpId, credential, requireUserVerification: req,
      });
      ok(r.verified && r.authenticationInfo.credentialBackedUp === w.bs,
        `${c.name}: assertion ${k + 1} verified (counter ${r.authenticationInfo.newCounter})`);
      credential = { ...credential, counter: r.authenticationInfo.newCounter };
    } catch (e) {
      ok(false, `${c.name}: assertion ${k + 1}`, e.message);
    }
  }
}
console.log(`1..${n}`);
