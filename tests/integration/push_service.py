"""A push service of our own on localhost, strict as the browsers' are: it accepts a push only
with a valid VAPID token (RFC 8292) for the key the subscription was made with, a TTL, and an
aes128gcm body it can decrypt with the browser's keys (RFC 8291); then it keeps the plaintext.
`subscribe()` plays the browser: a fresh key pair and auth secret, as PushSubscription JSON."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscription, as a browser holds it."""

    token: str
    application_server_key: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    answer: int = 201  # what the service answers pushes to it (410: unsubscribed)
    received: list[dict] = field(default_factory=list)


class PushService:
    def __init__(self) -> None:
        self._browsers: dict[str, Browser] = {}
        self.refused: list[str] = []  # why pushes were refused, for the tests' messages
        self._arrived = threading.Condition()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                status = service.receive(self.path, dict(self.headers), self.rfile.read(length))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def subscribe(self, application_server_key: str) -> tuple[Browser, dict]:
        """A browser's new subscription: it and its PushSubscription JSON."""
        browser = Browser(
            os.urandom(12).hex(),
            application_server_key,
            ec.generate_private_key(ec.SECP256R1()),
            os.urandom(16),
        )
        self._browsers[browser.token] = browser
        public = browser.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        subscription = {
            "endpoint": f"{self.origin}/push/{browser.token}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(browser.auth)},
        }
        return browser, subscription

    # ---- the service's checks ----------------------------------------------------------------

    def _refuse(self, why: str, status: int = 401) -> int:
        self.refused.append(why)
        return status

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> int:
        browser = self._browsers.get(path.rpartition("/")[2])
        if browser is None:
            return self._refuse("unknown subscription", 404)
        if browser.answer >= 400:
            return browser.answer
        why = self._vapid_problem(headers.get("Authorization", ""), browser)
        if why:
            return self._refuse(why)
        if not headers.get("TTL", "").isdigit():
            return self._refuse("no TTL", 400)
        if headers.get("Content-Encoding") != "aes128gcm":
            return self._refuse("not aes128gcm", 415)
        try:
            plaintext = http_ece.decrypt(
                body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
            )
        except Exception as exc:  # noqa: BLE001 - any failure to decrypt is a refusal
            return self._refuse(f"cannot decrypt: {exc}", 400)
        with self._arrived:
            browser.received.append(
                {"payload": json.loads(plaintext), "urgency": headers.get("Urgency")}
            )
            self._arrived.notify_all()
        return browser.answer

    def _vapid_problem(self, authorization: str, browser: Browser) -> str | None:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            return "no VAPID authorization"
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        if values.get("k") != browser.application_server_key:
            return "not the key the subscription was made with"
        header, claims, signature = values.get("t", "..").split(".")
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(values["k"]))
        raw = unb64url(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
        try:
            key.verify(der, f"{header}.{claims}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return "bad VAPID signature"
        if json.loads(unb64url(header)).get("alg") != "ES256":
            return "not ES256"
        token = json.loads(unb64url(claims))
        if token.get("aud") != self.origin:
            return f"aud {token.get('aud')!r} is not this service"
        if not time.time() < token.get("exp", 0) <= time.time() + 24 * 3600:
            return "exp not within 24 hours"
        if not str(token.get("sub", "")).startswith(("mailto:", "https:")):
            return "no contact in sub"
        return None

    def wait_for(self, browser: Browser, count: int = 1, timeout: float = 5.0) -> list[dict]:
        """The payloads the browser received, once there are `count`."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(browser.received) >= count, timeout)
        return [r["payload"] for r in browser.received]
