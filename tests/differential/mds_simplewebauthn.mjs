// mds_simplewebauthn.mjs INPUT.json — @simplewebauthn/server (pinned in
// package-lock.json) with its real MetadataService: the test BLOB served from
// a local HTTP server (its only MDS server), the test root set as the 'mds'
// root, then verifyRegistrationResponse on each case. Prints one JSON object
// {case: {verified, error}} for tests/integration/mds.py to compare with the
// simplewebauthn preset's verdicts under --mds.
// INPUT: {"blob": "<JWS>", "root": "<PEM>", "cases": [{name, response, challenge, origin, rpId}]}
import fs from 'node:fs';
import http from 'node:http';

// @simplewebauthn/server 14.1.0 declares "engines": {"node": ">=22.0.0"} and its
// MetadataService uses iterator helpers (esm/services/helpers/mdsCache.js:122-125:
// values().filter().map().toArray()), which Node 22 has and the Node 20 here does
// not. Only when they are missing, the three are added to the iterator prototype
// with the same meaning, so the library's own code runs unchanged.
const IterProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
if (typeof IterProto.filter !== 'function') {
  IterProto.filter = function* filter(f) { for (const v of this) if (f(v)) yield v; };
  IterProto.map = function* map(f) { for (const v of this) yield f(v); };
  IterProto.toArray = function toArray() { return [...this]; };
}
const { MetadataService, SettingsService, verifyRegistrationResponse } =
  await import('@simplewebauthn/server');

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/jwt' });
  res.end(input.blob);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;
SettingsService.setRootCertificates({ identifier: 'mds', certificates: [input.root] });
await MetadataService.initialize({ mdsServers: [url] });
const out = {};
for (const c of input.cases) {
  try {
    const v = await verifyRegistrationResponse({
      response: c.response, expectedChallenge: c.challenge, expectedOrigin: c.origin,
      expectedRPID: c.rpId,
    });
    out[c.name] = { verified: v.verified, error: null };
  } catch (e) {
    out[c.name] = { verified: false, error: e.message };
  }
}
console.log(JSON.stringify(out));
server.close();
process.exit(0);
