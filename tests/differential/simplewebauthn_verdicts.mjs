// simplewebauthn_verdicts.mjs CASES.json — accept or reject of every case by
// @simplewebauthn/server (pinned in package-lock.json) configured as
// fidosim's "simplewebauthn" policy preset assumes
// (data/policies/simplewebauthn.policy): library defaults (requireUserVerification
// and requireUserPresence true, no MetadataService, default SettingsService
// roots), supportedAlgorithmIDs when the case names the algorithms the RP
// offered, expectedTopOrigin when it names top-level origins, and the case's
// trust anchors as the roots of the statement's format. Prints one JSON
// object {case name: {"accepted": bool, "error": string|null}}.
import fs from 'node:fs';
import { verifyRegistrationResponse, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { SettingsService } from '@simplewebauthn/server';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = {};
const b64 = (s) => new Uint8Array(Buffer.from(s, 'base64url'));

function fmtOf(resp) {
  try {
    return decodeAttestationObject(b64(resp.response.attestationObject)).get('fmt');
  } catch {
    return undefined;
  }
}

for (const c of cases) {
  const tops = c.topOrigins && c.topOrigins.length > 0 ? c.topOrigins : undefined;
  let fmt, saved;
  try {
    let r;
    if (c.ceremony === 'registration') {
      fmt = fmtOf(c.response);
      if (fmt && c.trustAnchors && c.trustAnchors.length > 0) {
        saved = SettingsService.getRootCertificates({ identifier: fmt });
        SettingsService.setRootCertificates({ identifier: fmt, certificates: c.trustAnchors });
      }
      r = await verifyRegistrationResponse({
        response: c.response, expectedChallenge: c.challenge, expectedOrigin: c.origin,
        expectedRPID: c.rpId, ...(c.algs ? { supportedAlgorithmIDs: c.algs } : {}),
      });
    } else {
      // The RP finds the credential by the response's id before it calls the library.
      if (c.response.id !== c.credential.id) throw new Error('no credential with this id (the RP\'s lookup)');
      r = await verifyAuthenticationResponse({
        response: c.response, expectedChallenge: c.challenge, expectedOrigin: c.origin,
        expectedRPID: c.rpId, ...(tops ? { expectedTopOrigin: tops } : {}),
        credential: { id: c.credential.id, publicKey: b64(c.credential.publicKey),
          counter: c.credential.signCount ?? 0 },
      });
    }
    out[c.name] = { accepted: !!r.verified, error: r.verified ? null : 'verified: false' };
  } catch (e) {
    out[c.name] = { accepted: false, error: String(e.message).slice(0, 200) };
  } finally {
    if (saved !== undefined)
      SettingsService.setRootCertificates({ identifier: fmt, certificates: saved });
  }
}
console.log(JSON.stringify(out));
