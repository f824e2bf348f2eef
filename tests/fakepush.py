"""A local fake push service: plays the browser vendor's endpoint (Web Push, RFC 8030) on
127.0.0.1 and a free port.

For each POST to a subscription's endpoint it checks what a real push service checks — the
`Authorization: vapid t=<JWT>, k=<public key>` header (RFC 8292: an ES256 signature valid for
that key, `aud` the endpoint's origin, `exp` in the future and within 24 hours, a `sub`) and a
TTL — then decrypts the aes128gcm body (RFC 8291) with the browser's private key and auth secret,
as the browser would, records the payload and answers 201. An endpoint the test marks as gone
answers 410; a bad signature 403 (and is recorded as a rejection).
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.vapid import b64url, public_point


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@dataclass
class Browser:
    """One subscribed browser: its push endpoint and the keys the payload is encrypted to."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    def subscription(self) -> dict:
        """What `PushSubscription.toJSON()` gives a page's script."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {
                "p256dh": b64url(public_point(self.private_key)),
                "auth": b64url(self.auth_secret),
            },
        }


@dataclass
class Push:
    endpoint: str
    payload: dict
    claims: dict
    vapid_key: str
    ttl: str
    urgency: str


@dataclass
class FakePushService:
    base_url: str = ""
    browsers: dict[str, Browser] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    fail_with: int | None = None
    pushes: list[Push] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def browser(self) -> Browser:
        """A new browser-like subscription: a P-256 key pair and a 16-byte auth secret."""
        token = b64url(os.urandom(12))
        browser = Browser(
            endpoint=f"{self.base_url}/push/{token}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.browsers[urlsplit(browser.endpoint).path] = browser
        return browser

    def mark_gone(self, browser: Browser) -> None:
        """The browser dropped the subscription: its endpoint answers 410 Gone from now on."""
        self.gone.add(urlsplit(browser.endpoint).path)

    def pushes_to(self, browser: Browser) -> list[Push]:
        return [push for push in self.pushes if push.endpoint == browser.endpoint]

    # --- The checks of a real push service ----------------------------------------------------

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        browser = self.browsers.get(path)
        if browser is None or path in self.gone:
            return 410, "subscription gone"
        if self.fail_with:
            return self.fail_with, "push service trouble"
        try:
            claims, vapid_key = self._verify_vapid(headers.get("authorization", ""), browser)
        except ValueError as error:
            self.rejections.append(str(error))
            return 403, str(error)
        if "ttl" not in headers:
            self.rejections.append("no TTL header")
            return 400, "TTL required"
        if headers.get("content-encoding") != "aes128gcm":
            self.rejections.append(f"content encoding {headers.get('content-encoding')!r}")
            return 415, "aes128gcm only"
        plain = http_ece.decrypt(
            body,
            private_key=browser.private_key,
            auth_secret=browser.auth_secret,
            version="aes128gcm",
        )
        push = Push(
            endpoint=browser.endpoint,
            payload=json.loads(plain),
            claims=claims,
            vapid_key=vapid_key,
            ttl=headers["ttl"],
            urgency=headers.get("urgency", ""),
        )
        with self._lock:
            self.pushes.append(push)
        return 201, ""

    def _verify_vapid(self, header: str, browser: Browser) -> tuple[dict, str]:
        scheme, _, params = header.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError(f"not a VAPID authorization: {header[:20]!r}")
        parts = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        token, key = parts.get("t", ""), parts.get("k", "")
        try:
            signing_input, signature = token.rsplit(".", 1)
            head, payload = signing_input.split(".")
            header_json = json.loads(b64url_decode(head))
            claims = json.loads(b64url_decode(payload))
            public = ec.EllipticCurvePublicKey.from_encoded_point(
                ec.SECP256R1(), b64url_decode(key)
            )
            raw = b64url_decode(signature)
        except (ValueError, TypeError) as error:
            raise ValueError(f"malformed VAPID token: {error}") from error
        if header_json.get("alg") != "ES256" or len(raw) != 64:
            raise ValueError("VAPID token not signed with ES256")
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as error:
            raise ValueError("VAPID signature does not verify with its key") from error
        origin = f"{urlsplit(browser.endpoint).scheme}://{urlsplit(browser.endpoint).netloc}"
        if claims.get("aud") != origin:
            raise ValueError(f"VAPID aud {claims.get('aud')!r} is not {origin}")
        now = time.time()
        if not (now < int(claims.get("exp", 0)) <= now + 24 * 3600):
            raise ValueError("VAPID exp not within the next 24 hours")
        if not claims.get("sub"):
            raise ValueError("VAPID sub missing")
        return claims, key


def start_fake_push_service() -> tuple[FakePushService, ThreadingHTTPServer]:
    service = FakePushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, text = service.receive(urlsplit(self.path).path, headers, body)
            self.send_response(status)
            if status == 201:
                self.send_header("Location", f"{service.base_url}/message/{len(service.pushes)}")
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(text.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.base_url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service, server
