// fido2lib.mjs DIR PRESET.json — verify every case of the differential corpus
// (tests/differential/gen.sh) with npm fido2-lib (pinned in
// package-lock.json): the registration and two consecutive assertions (the
// counter carried over), checking that the library sees the fmt, AAGUID, BE
// and BS that were asked for. What fido2-lib cannot take is decided by
// fidosim's own preset (PRESET.json is `fidosim policies --json fido2-lib`):
// a key alg outside its reg-algs (or, for a self statement, its sig-algs)
// must be refused at registration, one outside its sig-algs must register
// and then fail every assertion; the
// line says which (3.5.9 has no EdDSA, and verifies assertions with SHA-256
// only). TAP output.
import fs from 'node:fs';
import path from 'node:path';
import { Fido2Lib } from 'fido2-lib';

const dir = process.argv[2];
const preset = JSON.parse(fs.readFileSync(process.argv[3], 'utf8')).decisions;
const listed = (list, alg) => list[0] === 'all' || list.includes(alg);
const f2l = new Fido2Lib({ rpId: 'example.org', rpName: 'Example', challengeSize: 32 });
const b64 = (s) => Uint8Array.from(Buffer.from(s, 'base64url')).buffer;
const hex = (ab) => Buffer.from(ab).toString('hex');
let n = 0;
const ok = (c, d, why = '') => {
  n += 1;
  console.log(`${c ? 'ok' : 'not ok'} ${n} - ${d}`);
  if (!c && why) console.log(`# ${why}`);
};
const req = (r) => ({ ...r, rawId: b64(r.rawId) });

for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const w = c.want;
  const factor = c.uv === 'required' ? 'first' : 'either';
  const canVerify = listed(preset['sig-algs'], w.alg);
  // a self statement is a signature of the credential key itself
  const canRegister = listed(preset['reg-algs'], w.alg) &&
    (w.attestation !== 'packed-self' || canVerify);
  let reg;
  try {
    reg = await f2l.attestationResult(req(c.registration.response), {
      challenge: c.registration.challenge, origin: c.origin, factor, rpId: c.rpId,
    });
  } catch (e) {
    ok(!canRegister, `${c.name}: registration refused${canRegister ? '' :
      ` (alg ${w.alg}${w.attestation === 'packed-self' ? ' self-signed' : ''}: outside what the preset takes at registration (reg-algs, and sig-algs for a self statement))`}`,
    e.message);
    continue;
  }
  ok(canRegister, `${c.name}: registration verified`, `alg ${w.alg} is outside the preset's reg-algs`);
  const a = reg.authnrData;
  const flags = a.get('flags');
  const aaguid = hex(a.get('aaguid')).replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
  const got = { aaguid, fmt: a.get('fmt'), be: flags.has('RFU3'), bs: flags.has('RFU4') };
  ok(got.aaguid === w.aaguid && got.fmt === w.fmt && got.be === w.be && got.bs === w.bs,
    `${c.name}: sees aaguid ${w.aaguid}, fmt ${w.fmt}, BE ${+w.be}, BS ${+w.bs} (BE/BS as RFU3/RFU4)`,
    JSON.stringify(got));
  let counter = a.get('counter');
  const pem = a.get('credentialPublicKeyPem');
  for (const [k, as] of c.authentications.entries()) {
    const uh = as.response.response.userHandle;
    try {
      const r = await f2l.assertionResult(req(as.response), {
        challenge: as.challenge, origin: c.origin, factor, rpId: c.rpId, publicKey: pem,
        prevCounter: counter, userHandle: typeof uh === 'string' && uh !== '' ? uh : null,
      });
      ok(canVerify, `${c.name}: assertion ${k + 1} verified (counter ${r.authnrData.get('counter')})`,
        `alg ${w.alg} is outside the preset's sig-algs, yet fido2-lib verified it`);
      counter = r.authnrData.get('counter');
    } catch (e) {
      ok(!canVerify, `${c.name}: assertion ${k + 1} refused${canVerify ? '' :
        ` (alg ${w.alg} registers but is not in the preset's sig-algs: assertions are checked with SHA-256 only)`}`,
      e.message);
    }
  }
}
console.log(`1..${n}`);
