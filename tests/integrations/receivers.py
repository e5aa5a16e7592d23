"""Webhook receivers for tests: a real HTTP(S) server on loopback that records each POST exactly as
it arrived and answers with the statuses it is told to; one that answers a byte at a time; and a
certificate authority of our own for the HTTPS one, so the sender's certificate check runs for real."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socketserver
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What a loopback receiver got, and what it answers next (``statuses`` in turn, then ``status``)."""

    port: int = 0
    scheme: str = "http"
    status: int = 200
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    headers: dict[str, str] = field(default_factory=dict)
    # Called with each request as it arrives, before it is answered (tests that act meanwhile).
    meanwhile: Callable[[Received], None] | None = None

    def url(self, host: str = "127.0.0.1", path: str = "/hook") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def next_status(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else self.status

    def record(self, item: Received) -> None:
        with self.lock:
            self.received.append(item)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            arrived = Received(self.path, {key: value for key, value in self.headers.items()}, body)
            receiver.record(arrived)
            if receiver.meanwhile is not None:
                receiver.meanwhile(arrived)
            status = receiver.next_status()
            self.send_response(status)
            for name, value in receiver.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format, *args) -> None:
            """Quiet: the test reads what arrived from the receiver, not from stderr."""

    return Handler


@contextlib.contextmanager
def serving(receiver: Receiver | None = None, *, tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    """Serve ``receiver`` on 127.0.0.1 (any free port) in a thread while the block runs."""
    receiver = receiver or Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        receiver.scheme = "https"
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@dataclass
class Dribbler:
    """A receiver that reads the request, then answers one byte every ``interval`` seconds (each read
    of the sender's well within its read timeout) for ``for_seconds``, before it finishes its answer.
    ``cut_off`` tells whether the sender shut the connection before that."""

    interval: float = 0.5
    for_seconds: float = 8.0
    port: int = 0
    requests: int = 0
    cut_off: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, host: str = "127.0.0.1", path: str = "/hook") -> str:
        return f"http://{host}:{self.port}{path}"


def _dribble_handler(dribbler: Dribbler) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = self.request.recv(4096)
                if not chunk:
                    return
                received += chunk
            dribbler.requests += 1
            try:
                self.request.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                ends_at = time.monotonic() + dribbler.for_seconds
                while time.monotonic() < ends_at and not dribbler.stop.is_set():
                    self.request.sendall(b"a")
                    time.sleep(dribbler.interval)
                self.request.sendall(b"\r\nContent-Length: 2\r\n\r\nok")
            except OSError:
                dribbler.cut_off.set()

    return Handler


@contextlib.contextmanager
def dribbling(dribbler: Dribbler | None = None) -> Iterator[Dribbler]:
    """Serve a Dribbler on 127.0.0.1 (any free port) while the block runs."""
    dribbler = dribbler or Dribbler()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _dribble_handler(dribbler))
    server.daemon_threads = True
    dribbler.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="webhook-dribbler", daemon=True)
    thread.start()
    try:
        yield dribbler
    finally:
        dribbler.stop.set()
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@dataclass(frozen=True)
class Authority:
    """A certificate authority of our own: its certificate as a PEM file, and a server certificate for
    ``names`` it signed, as a TLS context for the receiver."""

    ca_file: Path
    server: ssl.SSLContext


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def authority(folder: Path, names: list[str]) -> Authority:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder().subject_name(_name("civic test CA")).issuer_name(_name("civic test CA"))
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    alternatives = [x509.IPAddress(ipaddress.ip_address(name)) if name[0].isdigit() else x509.DNSName(name)
                    for name in names]
    cert = (x509.CertificateBuilder().subject_name(_name(names[0])).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return Authority(ca_file=ca_file, server=context)
