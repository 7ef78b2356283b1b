"""The institutional identity provider, spoken to through Authlib (OpenID Connect with PKCE).

Authlib does the work: discovery (`load_server_metadata`), the authorization URL with `state`,
`nonce` and the PKCE challenge, the code exchange with the client secret, and the ID token's
signature and claims (`parse_id_token`: issuer, audience, expiry, nonce), with the provider's
keys cached in the client and fetched again when a token names a key it has not seen. One
client per container and configuration, so discovery and keys are fetched once, not per sign-in.

Authlib and its cryptography are imported on first use: the other routes never pay for them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import botocore.session

from chalicelib.settings import Settings

SCOPES = "openid email profile"
HTTP_TIMEOUT_SECONDS = 10
# Seconds of clock difference allowed between the provider and us (Authlib's default).
LEEWAY_SECONDS = 120


class ProviderRefused(Exception):
    """The provider's answer cannot be trusted or used; `reason` says which check failed."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Authorization:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str | None
    email_verified: bool | None
    name: str | None


class IdentityProvider:
    """One configured provider. Thread-safe: the devserver runs app copies in threads."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: Any = None
        self._lock = threading.Lock()

    def _app(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = _make_client(self._settings)
            return self._client

    def _metadata(self) -> dict:
        import requests

        try:
            metadata = self._app().load_server_metadata()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderRefused(
                "provider_unreachable",
                "the identity provider's configuration could not be read "
                f"({exc.__class__.__name__})",
            ) from exc
        # OpenID Connect Discovery 1.0, 4.3: the issuer in the document must be the one asked.
        if metadata.get("issuer") != self._settings.sso_issuer:
            raise ProviderRefused(
                "issuer_mismatch",
                f"the provider calls itself {metadata.get('issuer')!r}, "
                f"but the configured issuer is {self._settings.sso_issuer!r}",
            )
        return metadata

    def authorization(self, redirect_uri: str) -> Authorization:
        self._metadata()
        created = self._app().create_authorization_url(redirect_uri=redirect_uri)
        return Authorization(
            url=created["url"],
            state=created["state"],
            nonce=created["nonce"],
            code_verifier=created["code_verifier"],
        )

    def identity(self, code: str, code_verifier: str, nonce: str, redirect_uri: str) -> Identity:
        """Exchange the code (with the PKCE verifier) and validate the ID token."""
        import requests
        from authlib.common.errors import AuthlibBaseError
        from joserfc.errors import JoseError

        self._metadata()
        app = self._app()
        try:
            token = app.fetch_access_token(
                redirect_uri=redirect_uri, code=code, code_verifier=code_verifier
            )
        except (AuthlibBaseError, requests.RequestException, ValueError) as exc:
            raise ProviderRefused(
                "code_refused", f"the provider did not accept the code ({_describe(exc)})"
            ) from exc
        if "id_token" not in token:
            raise ProviderRefused("id_token_invalid", "the provider sent no ID token")
        try:
            claims = app.parse_id_token(token, nonce=nonce, leeway=LEEWAY_SECONDS)
        except (AuthlibBaseError, JoseError, requests.RequestException, ValueError) as exc:
            raise ProviderRefused(
                "id_token_invalid", f"the ID token was refused ({_describe(exc)})"
            ) from exc
        return Identity(
            subject=str(claims["sub"]),
            email=claims.get("email"),
            email_verified=_claimed(claims.get("email_verified")),
            name=claims.get("name"),
        )

    def end_session_url(self, post_logout_redirect_uri: str) -> str | None:
        """Where the browser signs out at the provider too; None when it offers no such page."""
        if not self._metadata().get("end_session_endpoint"):
            return None
        created = self._app().create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri,
            client_id=self._settings.sso_client_id,
        )
        return created["url"]


def _claimed(value: Any) -> bool | None:
    """A boolean claim; some providers (Amazon Cognito) send it as the string "true"."""
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.strip().lower())
    return value if isinstance(value, bool) else None


def _describe(exc: Exception) -> str:
    parts = [getattr(exc, "error", None), getattr(exc, "description", None)]
    text = ": ".join(str(part) for part in parts if part) or str(exc)
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _make_client(settings: Settings) -> Any:
    from authlib.integrations.base_client import BaseApp, FrameworkIntegration, OAuth2Mixin
    from authlib.integrations.base_client.sync_openid import OpenIDMixin
    from authlib.integrations.requests_client import OAuth2Session

    class OpenIDClient(OAuth2Mixin, OpenIDMixin, BaseApp):
        client_cls = OAuth2Session

    return OpenIDClient(
        FrameworkIntegration("sso"),
        client_id=settings.sso_client_id,
        client_secret=client_secret(settings),
        server_metadata_url=settings.sso_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT_SECONDS,
        },
    )


def client_secret(settings: Settings) -> str:
    """The client secret: SSO_CLIENT_SECRET locally; in AWS read once from the SSM parameter
    (SecureString) or the Secrets Manager secret that SSO_CLIENT_SECRET_NAME names."""
    name = settings.sso_client_secret_name
    if not name:
        return settings.sso_client_secret
    session = botocore.session.get_session()
    client: Any  # botocore's clients are made at run time; their methods are not typed
    if name.startswith("arn:") and ":secretsmanager:" in name:
        client = session.create_client("secretsmanager", region_name=settings.region)
        return client.get_secret_value(SecretId=name)["SecretString"]
    client = session.create_client("ssm", region_name=settings.region)
    return client.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]


@lru_cache(maxsize=4)
def identity_provider(settings: Settings) -> IdentityProvider:
    return IdentityProvider(settings)
