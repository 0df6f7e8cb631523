"""A local stand-in for Google's token and userinfo endpoints (http.server in a thread), plus an https image host."""

from __future__ import annotations

import datetime
import io
import ipaddress
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image

from tests.support.smtp import free_port

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"


@dataclass
class GoogleState:
    """What the stub answers: `profiles` maps an authorization code to its userinfo JSON."""

    profiles: dict[str, dict] = field(default_factory=dict)
    token_requests: list[dict[str, list[str]]] = field(default_factory=list)
    userinfo_headers: list[str] = field(default_factory=list)
    userinfo_status: int = 200
    token_answer: dict | None = None  # overrides the token JSON for every code
    delay: float = 0.0  # seconds to wait before answering (a slow provider)


def _handler(state: GoogleState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _json(self, status: int, body) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802 - http.server's hook name
            time.sleep(state.delay)
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            form["content_type"] = [self.headers.get("Content-Type", "")]
            state.token_requests.append(form)
            if self.path != "/token":
                return self._json(404, {"error": "not_found"})
            code = (form.get("code") or [""])[0]
            if state.token_answer is not None:
                return self._json(200, state.token_answer)
            if code not in state.profiles:
                return self._json(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            return self._json(200, {"access_token": f"token-{code}", "token_type": "Bearer", "expires_in": 3599})

        def do_GET(self):  # noqa: N802
            time.sleep(state.delay)
            if self.path != "/userinfo":
                return self._json(404, {"error": "not_found"})
            authorization = self.headers.get("Authorization", "")
            state.userinfo_headers.append(authorization)
            code = authorization.removeprefix("Bearer token-")
            if state.userinfo_status != 200 or code not in state.profiles:
                return self._json(state.userinfo_status if state.userinfo_status != 200 else 401, {"error": "invalid"})
            return self._json(200, state.profiles[code])

    return Handler


class LocalServer:
    def __init__(self, handler, ssl_context: ssl.SSLContext | None = None):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if ssl_context is not None:
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def google_stub(app):
    """Configure Google login against the local stub; returns its GoogleState."""
    state = GoogleState()
    with LocalServer(_handler(state)) as server:
        base = f"http://127.0.0.1:{server.port}"
        app.config.update(
            GOOGLE_CLIENT_ID=CLIENT_ID,
            GOOGLE_CLIENT_SECRET=CLIENT_SECRET,
            GOOGLE_TOKEN_URL=f"{base}/token",
            GOOGLE_USERINFO_URL=f"{base}/userinfo",
        )
        yield state


def closed_port_url(path: str) -> str:
    return f"http://127.0.0.1:{free_port()}{path}"


def jpeg_bytes(color=(10, 120, 200), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, fmt)
    return buffer.getvalue()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that the test then trusts through REQUESTS_CA_BUNDLE."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def https_images(tmp_path, monkeypatch):
    """An https server on loopback serving `images[path] = bytes`, trusted by requests for this test."""
    images: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            data = images.get(self.path)
            self.send_response(200 if data is not None else 404)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data or b"")))
            self.end_headers()
            self.wfile.write(data or b"")

    cert, key = self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    with LocalServer(Handler, context) as server:
        yield images, f"https://127.0.0.1:{server.port}"
