#!/usr/bin/python3
"""store_listen.py — python-fido2 (an independent CTAP client) talks to
`fidosim authenticator --listen SOCKET` and runs getAssertions for RP_ID
(discoverable credentials, no allow list), printing the signCount of each
on a line of its own; store_concurrent.sh runs it while CLI processes use
the same store.

    /usr/bin/python3 tests/store_listen.py SOCKET RP_ID N
"""
import hashlib
import socket
import sys

from fido2.ctap2 import Ctap2
from fido2.hid import CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor


class SeqpacketConnection(CtapHidConnection):
    """One 64-byte HID report per datagram, no report ID (cli/authenticator.c)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(60)
        self.sock.connect(path)

    def read_packet(self):
        return self.sock.recv(64)

    def write_packet(self, data):
        self.sock.send(bytes(data)[:64].ljust(64, b"\0"))

    def close(self):
        self.sock.close()


def main():
    path, rp_id, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    desc = HidDescriptor(path, 0, 0, 64, 64)
    dev = CtapHidDevice(desc, SeqpacketConnection(path))
    ctap = Ctap2(dev)
    for i in range(n):
        cdh = hashlib.sha256(b"store_listen %d" % i).digest()
        resp = ctap.get_assertion(rp_id, cdh)
        print(resp.auth_data.counter, flush=True)
    dev.close()


if __name__ == "__main__":
    main()
