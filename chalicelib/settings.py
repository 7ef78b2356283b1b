"""Typed configuration, read from the environment once, on first use (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

# The browsers' push services: Chrome's (FCM), Firefox's (autopush), Safari's, Edge's (WNS).
DEFAULT_PUSH_SERVICE_ORIGINS = (
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://web.push.apple.com",
    "https://*.notify.windows.com",
)

# The types a file in a chat may have: each has a signature services/media.py checks.
UPLOAD_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
)


@dataclass(frozen=True)
class Settings:
    table_prefix: str
    dynamodb_endpoint: str | None
    region: str
    ws_url: str
    ws_management_endpoint: str | None
    mail_outbox_dir: str | None
    mail_sender: str
    public_origin: str
    presence_timeout_seconds: int
    max_message_length: int
    session_hours: int
    visitor_idle_hours: int
    room_idle_hours: int
    default_retention_hours: int
    rate_limit_per_minute: int
    agent_gone_minutes: int = 3  # an open chat whose agent vanished returns to the queue
    # Closed chats one "delete all closed chats" request deletes at most: each is about six
    # DynamoDB calls, and API Gateway ends a request after 29 s; the console asks again.
    delete_closed_at_once: int = 200
    languages: tuple[str, ...] = ("de", "en")
    # Institutional sign-in (OpenID Connect); off while no issuer is set. The client secret is
    # SSO_CLIENT_SECRET locally; in AWS SSO_CLIENT_SECRET_NAME names the SSM parameter or the
    # Secrets Manager secret that holds it. Left out of repr, so it never reaches a log.
    sso_issuer: str = ""
    sso_client_id: str = ""
    sso_client_secret: str = field(default="", repr=False)
    sso_client_secret_name: str = ""
    sso_allowed_domains: tuple[str, ...] = ()
    # Domains whose addresses the provider vouches for though it sends no `email_verified`
    # (Entra ID): only a confirmed address links an identity to an existing account.
    sso_verified_domains: tuple[str, ...] = ()
    password_login: bool = True
    # The value of X-Origin-Verify that the stack's CloudFront adds to what it forwards: only
    # requests carrying it may name their viewer (chalicelib/addresses.py). Empty: none may.
    origin_verify_secret: str = field(default="", repr=False)
    # Where visitors' replies to mailed answers and transcripts go (empty: to MAIL_SENDER).
    mail_reply_to: str = ""
    # Web Push: the origins of the push services a subscription may name (the server posts
    # only there), and in AWS the SSM SecureString holding the stack's VAPID private key
    # (locally, without it, the key is generated once and kept in the store).
    push_service_origins: tuple[str, ...] = DEFAULT_PUSH_SERVICE_ORIGINS
    vapid_key_parameter: str = ""
    # Files in a chat (services/files.py): the private bucket, and locally the S3 server's
    # address (None: AWS's own endpoint).
    files_bucket: str = "livechat-files"
    s3_endpoint: str | None = None
    max_upload_bytes: int = 10 * 1024 * 1024
    upload_types: tuple[str, ...] = UPLOAD_TYPES
    uploads_per_minute: int = 10

    @property
    def sso_enabled(self) -> bool:
        return bool(self.sso_issuer and self.sso_client_id)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(
            f"environment variable {name} must be a whole number, got {raw!r}"
        ) from exc


def _switch(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("on", "true", "yes", "1"):
        return True
    if raw in ("off", "false", "no", "0"):
        return False
    raise RuntimeError(f"environment variable {name} must be on or off, got {raw!r}")


def _domains(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "").replace(",", " ")
    return tuple(domain.lower().lstrip("@") for domain in raw.split())


def _origins(raw: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(origin.rstrip("/").lower() for origin in raw.replace(",", " ").split()) or default


def _upload_types() -> tuple[str, ...]:
    raw = os.environ.get("UPLOAD_TYPES", "").replace(",", " ").split()
    unknown = sorted(set(raw) - set(UPLOAD_TYPES))
    if unknown:
        raise RuntimeError(
            f"environment variable UPLOAD_TYPES may list only {', '.join(UPLOAD_TYPES)}; "
            f"got {', '.join(unknown)}"
        )
    return tuple(raw) or UPLOAD_TYPES


def load_settings() -> Settings:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-central-1"
    return Settings(
        table_prefix=os.environ.get("TABLE_PREFIX", "livechat-"),
        dynamodb_endpoint=os.environ.get("DYNAMODB_ENDPOINT") or None,
        region=region,
        ws_url=os.environ.get("WS_URL", ""),
        ws_management_endpoint=os.environ.get("WS_MANAGEMENT_ENDPOINT") or None,
        mail_outbox_dir=os.environ.get("MAIL_OUTBOX_DIR") or None,
        mail_sender=os.environ.get("MAIL_SENDER", "livechat@example.org"),
        public_origin=os.environ.get("PUBLIC_ORIGIN", ""),
        presence_timeout_seconds=_int("PRESENCE_TIMEOUT_SECONDS", 90),
        max_message_length=_int("MAX_MESSAGE_LENGTH", 2000),
        session_hours=_int("SESSION_HOURS", 12),
        visitor_idle_hours=_int("VISITOR_IDLE_HOURS", 24),
        room_idle_hours=_int("ROOM_IDLE_HOURS", 24),
        default_retention_hours=_int("DEFAULT_RETENTION_HOURS", 24),
        rate_limit_per_minute=_int("RATE_LIMIT_PER_MINUTE", 60),
        agent_gone_minutes=_int("AGENT_GONE_MINUTES", 3),
        delete_closed_at_once=_int("DELETE_CLOSED_AT_ONCE", 200),
        sso_issuer=os.environ.get("SSO_ISSUER", "").strip(),
        sso_client_id=os.environ.get("SSO_CLIENT_ID", ""),
        sso_client_secret=os.environ.get("SSO_CLIENT_SECRET", ""),
        sso_client_secret_name=os.environ.get("SSO_CLIENT_SECRET_NAME", ""),
        sso_allowed_domains=_domains("SSO_ALLOWED_DOMAINS"),
        sso_verified_domains=_domains("SSO_VERIFIED_DOMAINS"),
        password_login=_switch("PASSWORD_LOGIN", True),
        origin_verify_secret=os.environ.get("ORIGIN_VERIFY_SECRET", ""),
        mail_reply_to=os.environ.get("MAIL_REPLY_TO", ""),
        push_service_origins=_origins(
            os.environ.get("PUSH_SERVICE_ORIGINS", ""), DEFAULT_PUSH_SERVICE_ORIGINS
        ),
        vapid_key_parameter=os.environ.get("VAPID_KEY_PARAMETER", ""),
        files_bucket=os.environ.get("FILES_BUCKET", "livechat-files"),
        s3_endpoint=os.environ.get("S3_ENDPOINT") or None,
        max_upload_bytes=_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        upload_types=_upload_types(),
        uploads_per_minute=_int("UPLOADS_PER_MINUTE", 10),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
