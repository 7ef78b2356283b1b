"""Institutional sign-in (S1 with the university's login): OpenID Connect, code flow with PKCE.

1. `start`: the console asks for the provider's sign-in page; `state`, `nonce` and the PKCE
   verifier are remembered for a few minutes.
2. `finish`: the provider sends the browser back with a code. The state is taken (once), the
   code exchanged, the ID token checked; an unknown person becomes a pending registration
   (the admin approves with role and departments, as for password registrations), an active
   agent gets a one-time handover code. The browser goes on to the console with that code (or
   with an error code) in the URL's fragment: never the session token, no cookie.
3. `exchange`: the console trades the handover code, once and within minutes, for its session.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import urlencode

from chalicelib.clock import new_secret
from chalicelib.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized
from chalicelib.oidc import Identity, IdentityProvider, ProviderRefused, identity_provider
from chalicelib.services import agents
from chalicelib.services.context import Context
from chalicelib.services.principals import hash_secret
from chalicelib.services.views import agent_view
from chalicelib.store.base import Taken
from chalicelib.store.records import Agent, Handover, SignInAttempt

ATTEMPT_MINUTES = 10  # from the provider's sign-in page back to us
HANDOVER_SECONDS = 120  # from our redirect to the console's exchange


@dataclass(frozen=True)
class SignedIn:
    token: str
    agent: dict
    end_session_url: str | None


def _provider(ctx: Context) -> IdentityProvider:
    if not ctx.settings.sso_enabled:
        raise NotFound("institutional sign-in is not configured", "sso_not_configured")
    return identity_provider(ctx.settings)


def _api_url(ctx: Context) -> str:
    return f"{ctx.settings.public_origin}/api"


def callback_url(ctx: Context) -> str:
    """The redirect URI to register at the provider."""
    return f"{_api_url(ctx)}/auth/sso/callback"


def console_url(ctx: Context) -> str:
    return f"{ctx.settings.public_origin}/console/"


def _refused(exc: ProviderRefused) -> Unauthorized:
    return Unauthorized(f"institutional sign-in refused: {exc.detail}", f"sso_{exc.reason}")


def start(ctx: Context) -> str:
    """The provider's sign-in page for a new attempt."""
    provider = _provider(ctx)
    try:
        authorization = provider.authorization(callback_url(ctx))
    except ProviderRefused as exc:
        raise _refused(exc) from exc
    ctx.store.remember_sign_in_attempt(
        SignInAttempt(
            state=authorization.state,
            nonce=authorization.nonce,
            code_verifier=authorization.code_verifier,
            expires_at=ctx.epoch_in(seconds=ATTEMPT_MINUTES * 60),
        )
    )
    return authorization.url


def finish(ctx: Context, state: str | None, code: str | None, error: str | None) -> str:
    """Where the browser goes after the provider: the console, with `sso_code` or `sso_error`
    in the fragment (which browsers never send to a server)."""
    try:
        code_ = _handover_code(ctx, state, code, error)
    except DomainError as exc:
        return f"{console_url(ctx)}#{urlencode({'sso_error': exc.code})}"
    return f"{console_url(ctx)}#{urlencode({'sso_code': code_})}"


def _handover_code(ctx: Context, state: str | None, code: str | None, error: str | None) -> str:
    provider = _provider(ctx)
    attempt = ctx.store.take_sign_in_attempt(state, ctx.now()) if state else None
    if attempt is None:
        raise Unauthorized(
            "state: unknown, used or expired; start the sign-in again", "sso_state_invalid"
        )
    if error or not code:
        raise Unauthorized(
            f"the provider ended the sign-in ({error or 'no code'})", "sso_cancelled"
        )
    try:
        identity = provider.identity(code, attempt.code_verifier, attempt.nonce, callback_url(ctx))
        end_session_url = provider.end_session_url(console_url(ctx))
    except ProviderRefused as exc:
        raise _refused(exc) from exc
    agent = _agent_for(ctx, identity)
    if agent.state == "pending":
        raise Forbidden("this account waits for approval by an administrator", "account_pending")
    if agent.state == "disabled":
        raise Forbidden("this account has been disabled", "account_disabled")
    handover_code = new_secret()
    ctx.store.remember_handover(
        hash_secret(handover_code),
        Handover(
            agent_id=agent.agent_id,
            end_session_url=end_session_url,
            expires_at=ctx.epoch_in(seconds=HANDOVER_SECONDS),
        ),
    )
    return handover_code


def _email_of(ctx: Context, identity: Identity) -> str:
    email = (identity.email or "").strip().lower()
    if "@" not in email or identity.email_verified is False:
        raise Forbidden(
            "the provider sent no verified email address for this person", "sso_email_missing"
        )
    allowed = ctx.settings.sso_allowed_domains
    if allowed and email.rsplit("@", 1)[1] not in allowed:
        raise Forbidden(
            f"email addresses of {email.rsplit('@', 1)[1]!r} may not sign in here",
            "sso_email_domain_not_allowed",
        )
    return email


def _agent_for(ctx: Context, identity: Identity) -> Agent:
    """The agent this identity is: known from an earlier sign-in, or the account with its
    email (a password account signs in through the provider from now on too), or else a new
    pending registration."""
    email = _email_of(ctx, identity)
    issuer = ctx.settings.sso_issuer
    agent_id = ctx.store.agent_of_identity(issuer, identity.subject)
    agent = ctx.store.get_agent(agent_id) if agent_id else None
    if agent is not None:
        return agent
    agent = _agent_with_email(ctx, email)
    if agent is None:
        name = (identity.name or "").strip() or email.split("@", 1)[0]
        with contextlib.suppress(Conflict):  # the same person's other sign-in registered it
            agents.register(ctx, email, name[:120], password=None)
        agent = _agent_with_email(ctx, email)
        if agent is None:  # registered and gone again at once: refuse rather than guess
            raise Conflict("the account changed during sign-in; sign in again", "sso_retry")
    # Taken: the same person's other sign-in linked it a moment ago (same agent).
    with contextlib.suppress(Taken):
        ctx.store.link_identity(issuer, identity.subject, agent.agent_id)
    return agent


def _agent_with_email(ctx: Context, email: str) -> Agent | None:
    agent_id = ctx.store.agent_id_for_email(email)
    return ctx.store.get_agent(agent_id) if agent_id is not None else None


def exchange(ctx: Context, handover_code: str, user_agent: str = "") -> SignedIn:
    handover = ctx.store.take_handover(hash_secret(handover_code), ctx.now())
    if handover is None:
        raise Unauthorized("code: unknown, used or expired; sign in again", "sso_code_invalid")
    agent = ctx.store.get_agent(handover.agent_id)
    if agent is None or agent.state != "active":
        raise Forbidden("this account can no longer sign in", "account_disabled")
    token = agents.open_session(ctx, agent, user_agent)
    return SignedIn(token, agent_view(agent), handover.end_session_url)
