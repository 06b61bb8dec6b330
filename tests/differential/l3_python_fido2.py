#!/usr/bin/python3
"""l3_python_fido2.py RESPONSE RPID ORIGIN CHALLENGE — python-fido2's
Fido2Server.register_complete (Debian python3-fido2; /usr/bin/python3) on one
RegistrationResponseJSON. It has no option for a conditional create. One JSON
line: {"verified": bool, "error"?: str}."""
import json
import sys

from fido2.client import ClientData
from fido2.ctap2 import AttestationObject
from fido2.server import Fido2Server
from fido2.utils import websafe_decode
from fido2.webauthn import PublicKeyCredentialRpEntity

path, rp_id, origin, challenge = sys.argv[1:5]
resp = json.load(open(path))["response"]
server = Fido2Server(PublicKeyCredentialRpEntity(rp_id, "Example"), verify_origin=lambda o: o == origin)
_, state = server.register_begin({"id": b"user1", "name": "u"}, challenge=websafe_decode(challenge),
                                 user_verification="preferred")
try:
    server.register_complete(state, ClientData(websafe_decode(resp["clientDataJSON"])),
                             AttestationObject(websafe_decode(resp["attestationObject"])))
    print(json.dumps({"verified": True}))
except Exception as e:  # noqa: BLE001 — the library's refusal is the verdict
    print(json.dumps({"verified": False, "error": str(e)}))
