"""mds_blob.py — test MDS3 BLOBs for the integration tests (tests/integration/mds.py,
tests/differential/mds_simplewebauthn.mjs through it): a signing chain made here
(root -> intermediate -> leaf), a payload of entries, a compact JWS (RS256 or
ES256) with x5c. Nothing comes from a real BLOB. Needs python3-cryptography
(38 in Debian 12 or later).
"""
import base64, datetime, hashlib, json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509.oid import NameOID

LEGAL = ("Retrieval and use of this BLOB indicates acceptance of the appropriate agreement "
         "located at https://fidoalliance.org/metadata/metadata-legal-terms/")
DAY = datetime.timedelta(days=1)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def cert(cn, subject_key, issuer_cert, issuer_key, not_before, not_after, ca, serial):
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fidosim tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    b = (x509.CertificateBuilder().subject_name(name)
         .issuer_name(issuer_cert.subject if issuer_cert is not None else name)
         .public_key(subject_key.public_key()).serial_number(serial)
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return b.sign(issuer_key, hashes.SHA256())


class Chain:
    """A root, an intermediate and a signing leaf valid [not_before, not_after]."""

    def __init__(self, not_before, not_after, rsa_leaf=True):
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.int_key = ec.generate_private_key(ec.SECP256R1())
        self.leaf_key = (rsa.generate_private_key(public_exponent=65537, key_size=2048)
                         if rsa_leaf else ec.generate_private_key(ec.SECP256R1()))
        self.root = cert("fidosim test MDS root", self.root_key, None, self.root_key,
                         not_before - 400 * DAY, not_after + 4000 * DAY, True, 1)
        self.inter = cert("fidosim test MDS CA", self.int_key, self.root, self.root_key,
                          not_before - 200 * DAY, not_after + 2000 * DAY, True, 2)
        self.leaf = cert("mds.example.test", self.leaf_key, self.inter, self.int_key,
                         not_before, not_after, False, 3)

    def root_pem(self):
        return self.root.public_bytes(serialization.Encoding.PEM)

    def blob(self, payload, header_extra=None):
        alg = "RS256" if isinstance(self.leaf_key, rsa.RSAPrivateKey) else "ES256"
        h = {"alg": alg, "typ": "JWT", "x5c": [base64.b64encode(c.public_bytes(
            serialization.Encoding.DER)).decode() for c in (self.leaf, self.inter)]}
        h.update(header_extra or {})
        p = payload if isinstance(payload, str) else json.dumps(payload)
        signing_input = (b64u(json.dumps(h).encode()) + "." + b64u(p.encode())).encode()
        if alg == "RS256":
            sig = self.leaf_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            r, s = utils.decode_dss_signature(self.leaf_key.sign(signing_input,
                                                                 ec.ECDSA(hashes.SHA256())))
            sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signing_input.decode() + "." + b64u(sig)


def pem_to_b64der(pem):
    c = x509.load_pem_x509_certificate(pem if isinstance(pem, bytes) else pem.encode())
    return base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()


def keyid(der):
    """attestationCertificateKeyIdentifier: SHA-1 of the subjectPublicKey BIT STRING contents."""
    c = x509.load_der_x509_certificate(der)
    pt = c.public_key().public_bytes(serialization.Encoding.X962,
                                     serialization.PublicFormat.UncompressedPoint)
    return hashlib.sha1(pt).hexdigest()


def entry(desc, reports, root_b64=None, aaguid=None, ackis=None):
    st = {"description": desc, "protocolFamily": "u2f" if ackis else "fido2", "schema": 3,
          "authenticatorVersion": 2, "attestationTypes": ["basic_full"],
          "authenticationAlgorithms": ["secp256r1_ecdsa_sha256_raw"],
          "keyProtection": ["hardware", "secure_element"],
          "userVerificationDetails": [[{"userVerificationMethod": "presence_internal"}]],
          "attestationRootCertificates": [root_b64] if root_b64 else []}
    e = {"metadataStatement": st, "statusReports": reports,
         "timeOfLastStatusChange": "2024-01-01"}
    if aaguid:
        e["aaguid"] = st["aaguid"] = aaguid
    if ackis:
        e["attestationCertificateKeyIdentifiers"] = st["attestationCertificateKeyIdentifiers"] = ackis
    return e


def payload(entries, no=42, next_update="2099-01-01"):
    return {"legalHeader": LEGAL, "no": no, "nextUpdate": next_update, "entries": entries}
