// simplewebauthn_verdicts.mjs CASES.json — accept or reject of every case by
// @simplewebauthn/server (pinned in package-lock.json) configured as fidosim's
// "simplewebauthn" policy preset assumes: library defaults (requireUserVerification
// true, no MetadataService, default SettingsService roots), the same
// supportedAlgorithmIDs the fidosim side is given. Prints one JSON object
// {case name: {"accepted": bool, "error": string|null}}.
import fs from 'node:fs';
import { verifyRegistrationResponse, verifyAuthenticationResponse } from '@simplewebauthn/server';

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = {};
const b64 = (s) => new Uint8Array(Buffer.from(s, 'base64url'));
for (const c of cases) {
  try {
    let r;
    if (c.ceremony === 'registration') {
      r = await verifyRegistrationResponse({
        response: c.response, expectedChallenge: c.challenge, expectedOrigin: c.origin,
        expectedRPID: c.rpId, supportedAlgorithmIDs: c.algs,
      });
    } else {
      r = await verifyAuthenticationResponse({
        response: c.response, expectedChallenge: c.challenge, expectedOrigin: c.origin,
        expectedRPID: c.rpId,
        credential: { id: c.credential.id, publicKey: b64(c.credential.publicKey),
          counter: c.credential.signCount },
      });
    }
    out[c.name] = { accepted: !!r.verified, error: r.verified ? null : 'verified: false' };
  } catch (e) {
    out[c.name] = { accepted: false, error: String(e.message).slice(0, 200) };
  }
}
console.log(JSON.stringify(out));
