"""Web Push (RFC 8030) to browsers' push services: the payload encrypted for the subscription
(RFC 8291, aes128gcm, by http_ece) and the request signed with the stack's VAPID key (RFC 8292,
by py_vapid). Knows nothing of agents or chats: services/push_notifications.py decides."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import http_ece
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

log = logging.getLogger(__name__)

# A push service answers in well under a second; one that does not must not hold up the
# request that caused the push (the agent's other devices are posted to in parallel).
TIMEOUT_SECONDS = 3.0
PARALLEL_PUSHES = 4
# The VAPID token's lifetime (RFC 8292 allows at most 24 hours).
TOKEN_SECONDS = 12 * 3600
_sending: ThreadPoolExecutor | None = None


def _sending_threads() -> ThreadPoolExecutor:
    global _sending
    if _sending is None:
        _sending = ThreadPoolExecutor(max_workers=PARALLEL_PUSHES, thread_name_prefix="webpush")
    return _sending


def new_private_key() -> str:
    """A fresh VAPID private key (P-256), as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Delivery:
    """One push: where, for which browser keys (base64url, as PushSubscription.toJSON gives
    them), what, how long the service may keep it, and how urgent it is."""

    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int = 3600
    urgency: str = "high"


class WebPusher:
    """Signs and posts pushes with one VAPID key; `subject` is the contact that push services
    may write to (a mailto: address)."""

    def __init__(self, private_key_pem: str, subject: str) -> None:
        self._vapid = Vapid02.from_pem(private_key_pem.encode("ascii"))
        self._subject = subject

    @property
    def public_key(self) -> str:
        """The application server key for `pushManager.subscribe` (base64url, uncompressed)."""
        point = self._vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return _b64url(point)

    def _headers(self, delivery: Delivery) -> dict[str, str]:
        split = urlsplit(delivery.endpoint)
        claims = {
            "aud": f"{split.scheme}://{split.netloc}",
            "sub": self._subject,
            "exp": int(time.time()) + TOKEN_SECONDS,
        }
        return {
            **self._vapid.sign(claims),
            "TTL": str(delivery.ttl),
            "Urgency": delivery.urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
        }

    def _encrypt(self, delivery: Delivery) -> bytes:
        server_key = ec.generate_private_key(ec.SECP256R1())
        return http_ece.encrypt(
            delivery.payload,
            private_key=server_key,
            dh=_unb64url(delivery.p256dh),
            auth_secret=_unb64url(delivery.auth),
            version="aes128gcm",
        )

    def send(self, delivery: Delivery) -> int:
        """The push service's status; 0 when it could not be reached (or the keys are bad)."""
        try:
            body = self._encrypt(delivery)
            answer = requests.post(
                delivery.endpoint,
                data=body,
                headers=self._headers(delivery),
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
            )
        except (requests.RequestException, ValueError) as exc:
            log.warning("web push to %s failed: %s", urlsplit(delivery.endpoint).netloc, exc)
            return 0
        if answer.status_code >= 300:
            log.info("web push answered %s", answer.status_code)
        return answer.status_code

    def send_all(self, deliveries: Sequence[Delivery]) -> list[int]:
        """Each delivery's status, sent in parallel."""
        if len(deliveries) == 1:
            return [self.send(deliveries[0])]
        return list(_sending_threads().map(self.send, deliveries))
