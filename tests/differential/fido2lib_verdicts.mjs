// fido2lib_verdicts.mjs CASES.json — accept or reject of every case by npm
// fido2-lib (pinned in package-lock.json) configured as fidosim's "fido2-lib"
// policy preset assumes (data/policies/fido2-lib.policy): factor "first"
// when the RP required UV and "either" otherwise, the expected rpId and
// origin, for assertions the stored public key (as PEM), the stored counter
// and, as the expected user handle, the one the assertion carries (fidosim's
// records hold no user handle: an RP looks it up by credential ID). Prints
// one JSON object {case name: {"accepted": bool, "error": string|null}}.
import fs from 'node:fs';
import { Fido2Lib, PublicKey } from 'fido2-lib';

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = {};
const b64 = (s) => Uint8Array.from(Buffer.from(s, 'base64url')).buffer;

// fido2-lib wants ArrayBuffers for rawId (and id when rawId is absent).
function request(resp) {
  const r = structuredClone(resp);
  if (typeof r.rawId === 'string') r.rawId = b64(r.rawId);
  if (typeof r.id === 'string' && r.rawId === undefined) r.id = b64(r.id);
  return r;
}

for (const c of cases) {
  const f2l = new Fido2Lib({ rpId: c.rpId, rpName: 'fidosim', challengeSize: 32 });
  const factor = c.uv === 'required' ? 'first' : 'either';
  try {
    if (c.ceremony === 'registration') {
      await f2l.attestationResult(request(c.response), {
        challenge: c.challenge, origin: c.origin, factor, rpId: c.rpId,
      });
    } else {
      // The RP finds the credential by rawId (as fido2-lib reads it) before it calls the library.
      if ((c.response.rawId ?? c.response.id) !== c.credential.id)
        throw new Error('no credential with this id (the RP\'s lookup)');
      const pk = new PublicKey();
      await pk.fromCose(b64(c.credential.publicKey));
      const uh = c.response.response.userHandle;
      await f2l.assertionResult(request(c.response), {
        challenge: c.challenge, origin: c.origin, factor, rpId: c.rpId,
        publicKey: await pk.toPem(), prevCounter: c.credential.signCount ?? 0,
        userHandle: typeof uh === 'string' && uh !== '' ? uh : null,
      });
    }
    out[c.name] = { accepted: true, error: null };
  } catch (e) {
    out[c.name] = { accepted: false, error: String(e && e.message ? e.message : e).slice(0, 200) };
  }
}
console.log(JSON.stringify(out));
