// l3_simplewebauthn.mjs RESPONSE RPID ORIGIN CHALLENGE — @simplewebauthn/server
// (pinned in package-lock.json) on one RegistrationResponseJSON, three ways:
// its defaults; requireUserPresence: false (what an RP sets for a conditional
// create, verifyRegistrationResponse's option); and that with
// requireUserVerification: false too. One JSON line:
// {"default": {"verified", "error"?}, "noUP": {...}, "noUPnoUV": {...}}.
import fs from 'node:fs';
import { verifyRegistrationResponse } from '@simplewebauthn/server';

const [file, rpId, origin, challenge] = process.argv.slice(2);
const response = JSON.parse(fs.readFileSync(file, 'utf8'));
const out = {};
for (const [name, extra] of [['default', {}], ['noUP', { requireUserPresence: false }],
  ['noUPnoUV', { requireUserPresence: false, requireUserVerification: false }]]) {
  try {
    const r = await verifyRegistrationResponse({
      response, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpId, ...extra,
    });
    out[name] = { verified: r.verified };
  } catch (e) {
    out[name] = { verified: false, error: e.message };
  }
}
console.log(JSON.stringify(out));
