"""Institutional sign-in (S1 with the university's login): OpenID Connect, code flow with PKCE.

1. `start`: the console asks for the provider's sign-in page, sending a random value it keeps in
   its session storage (the browser binding); `state`, `nonce`, the PKCE verifier and the
   binding's hash are remembered for a few minutes.
2. `finish`: the provider sends the browser back with a code. The state is taken (once), the
   code exchanged, the ID token checked; then the identity is matched to an account (see
   `_agent_for`): an active agent gets a one-time handover code bound to the same browser. The
   browser goes on to the console with that code (or with an error code) in the URL's
   fragment: never the session token, no cookie.
3. `exchange`: the console trades the handover code, once, within minutes and only with the
   binding it kept, for its session: a code slipped to another browser is worth nothing.

An identity (issuer and `sub`) is linked to an account only when the provider confirms the
address (`email_verified: true`, or a domain listed in SSO_VERIFIED_DOMAINS), and only to an
active agent account: an admin's account waits for its owner to confirm the link under Mein
Konto, a disabled one is refused, and a registration still waiting (pending, unverified) is no
one's account yet: the identity takes it over, without the other registration's password.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from chalicelib.clock import new_secret
from chalicelib.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized
from chalicelib.oidc import Identity, IdentityProvider, ProviderRefused, identity_provider
from chalicelib.services import agents, registration
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, hash_secret
from chalicelib.services.views import agent_view
from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import Agent, Handover, IdentityLink, SignInAttempt

ATTEMPT_MINUTES = 10  # from the provider's sign-in page back to us
HANDOVER_SECONDS = 120  # from our redirect to the console's exchange
LINK_REQUEST_HOURS = 24  # an admin confirms a link under Mein Konto within a day
# Link requests one account keeps at once: more identities claiming the address wait until
# earlier requests expire (no one fills the account's list).
LINK_REQUESTS_AT_MOST = 10


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


def start(ctx: Context, browser_binding: str) -> str:
    """The provider's sign-in page for a new attempt of the browser that keeps
    `browser_binding`."""
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
            browser_hash=hash_secret(browser_binding),
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
            browser_hash=attempt.browser_hash,
            expires_at=ctx.epoch_in(seconds=HANDOVER_SECONDS),
        ),
    )
    return handover_code


def _email_of(ctx: Context, identity: Identity) -> str:
    email = (identity.email or "").strip().lower()
    if "@" not in email:
        raise Forbidden("the provider sent no email address for this person", "sso_email_missing")
    allowed = ctx.settings.sso_allowed_domains
    if allowed and email.rsplit("@", 1)[1] not in allowed:
        raise Forbidden(
            f"email addresses of {email.rsplit('@', 1)[1]!r} may not sign in here",
            "sso_email_domain_not_allowed",
        )
    return email


def _email_confirmed(ctx: Context, identity: Identity, email: str) -> bool:
    """The provider vouches for the address: it says so, or it sends no claim for a domain the
    operator listed (an explicit `false` always counts)."""
    if identity.email_verified is not None:
        return identity.email_verified
    return email.rsplit("@", 1)[1] in ctx.settings.sso_verified_domains


def identity_id_of(issuer: str, subject: str) -> str:
    return "idn_" + hash_secret(f"{issuer}\n{subject}")[:32]


def _agent_for(ctx: Context, identity: Identity) -> Agent:
    """The agent this identity is: the account it is linked to; else, with a confirmed
    address, the active agent account of that address (linked from now on), or the identity's
    own registration (a waiting one of that address taken over, or a new one, pending)."""
    email = _email_of(ctx, identity)
    link = IdentityLink(
        identity_id=identity_id_of(ctx.settings.sso_issuer, identity.subject),
        issuer=ctx.settings.sso_issuer,
        subject=identity.subject,
        email=email,
        state="linked",
        created_at=ctx.iso(),
    )
    agent = _linked_agent(ctx, link)
    if agent is not None:
        return agent
    if not _email_confirmed(ctx, identity, email):
        raise Forbidden(
            "the provider does not confirm this email address, so it is linked to no account",
            "sso_email_unverified",
        )
    agent = _agent_with_email(ctx, email) or _registered(ctx, email, _name_of(identity, email))
    if agent.state == "disabled":
        raise Forbidden("this account has been disabled", "account_disabled")
    if agent.state != "active":  # pending, unverified: a registration, no one's account yet
        return _taken_over(ctx, agent, _name_of(identity, email), link)
    if agent.role != "agent":
        _request_link(ctx, agent, link)
        raise Forbidden(
            "an administrator's account is linked only after its owner confirms it: sign in "
            "with the password and confirm the link under Mein Konto",
            "sso_link_unconfirmed",
        )
    try:
        ctx.store.link_identity(agent.agent_id, link)
    except Taken as exc:
        raise _held_by_another() from exc
    return agent


def _linked_agent(ctx: Context, link: IdentityLink) -> Agent | None:
    """The agent the identity is linked to. An agent holding it without listing it as linked
    (a link made before links were checked) does not count: the identity asks again."""
    agent_id = ctx.store.agent_of_identity(link.issuer, link.subject)
    if agent_id is None:
        return None
    linked = {
        k.identity_id for k in ctx.store.identity_links(agent_id, ctx.now()) if k.state == "linked"
    }
    if link.identity_id not in linked:
        return None
    return ctx.store.get_agent(agent_id)


def _name_of(identity: Identity, email: str) -> str:
    return ((identity.name or "").strip() or email.split("@", 1)[0])[:120]


def _agent_with_email(ctx: Context, email: str) -> Agent | None:
    agent_id = ctx.store.agent_id_for_email(email)
    return ctx.store.get_agent(agent_id) if agent_id is not None else None


def _registered(ctx: Context, email: str, name: str) -> Agent:
    try:
        agents.register(ctx, email, name, password=None)
    except Conflict:
        pass  # the same person's other sign-in registered it
    else:
        registration.tell_the_admins(ctx)
    agent = _agent_with_email(ctx, email)
    if agent is None:  # registered and gone again at once: refuse rather than guess
        raise _changed_meanwhile()
    return agent


def _taken_over(ctx: Context, registration: Agent, name: str, link: IdentityLink) -> Agent:
    try:
        return ctx.store.take_over_registration(registration, name, link)
    except Changed as exc:  # approved, disabled or replaced since it was read
        raise _changed_meanwhile() from exc
    except Taken as exc:
        raise _held_by_another() from exc


def _request_link(ctx: Context, admin: Agent, link: IdentityLink) -> None:
    waiting = ctx.store.identity_links(admin.agent_id, ctx.now())
    renewal = link.identity_id in {known.identity_id for known in waiting}
    if not renewal and sum(k.state == "requested" for k in waiting) >= LINK_REQUESTS_AT_MOST:
        return
    request = replace(link, state="requested", expires_at=ctx.epoch_in(hours=LINK_REQUEST_HOURS))
    ctx.store.request_identity_link(admin.agent_id, request, ctx.now())


def _changed_meanwhile() -> Conflict:
    return Conflict("the account changed during sign-in; sign in again", "sso_retry")


def _held_by_another() -> Conflict:
    return Conflict("this identity is linked to another account", "sso_identity_taken")


def exchange(
    ctx: Context, handover_code: str, browser_binding: str, user_agent: str = ""
) -> SignedIn:
    handover = ctx.store.take_handover(hash_secret(handover_code), ctx.now())
    if handover is None:
        raise Unauthorized("code: unknown, used or expired; sign in again", "sso_code_invalid")
    if not hmac.compare_digest(handover.browser_hash, hash_secret(browser_binding)):
        # The code is spent either way: whoever slipped it here cannot try it elsewhere.
        raise Unauthorized(
            "browser_binding: this sign-in was started in another browser or tab; sign in again",
            "sso_browser_mismatch",
        )
    agent = ctx.store.get_agent(handover.agent_id)
    if agent is None or agent.state != "active":
        raise Forbidden("this account can no longer sign in", "account_disabled")
    token = agents.open_session(ctx, agent, user_agent)
    return SignedIn(token, agent_view(agent), handover.end_session_url)


# ---- the identities of one's own account (Mein Konto) ------------------------------------------


def _identity_view(ctx: Context, link: IdentityLink) -> dict:
    return {
        "identity_id": link.identity_id,
        "issuer": link.issuer,
        "subject": link.subject,
        "email": link.email,
        "state": link.state,
        "created_at": link.created_at,
        "expires_at": ctx.iso(link.expires_at) if link.expires_at is not None else None,
    }


def _not_found(identity_id: str) -> NotFound:
    return NotFound(f"identity_id: no identity or request {identity_id!r}", "identity_not_found")


def identities(ctx: Context, principal: AgentPrincipal) -> list[dict]:
    """The identities linked to one's account and the requests waiting for one's confirmation."""
    return [_identity_view(ctx, link) for link in ctx.store.identity_links(principal.id, ctx.now())]


def confirm_identity(ctx: Context, principal: AgentPrincipal, identity_id: str) -> dict:
    """Link a requested identity: from now on it signs in as this account."""
    try:
        link = ctx.store.confirm_identity_link(principal.id, identity_id, ctx.now())
    except Changed as exc:
        raise _not_found(identity_id) from exc
    except Taken as exc:
        raise _held_by_another() from exc
    return _identity_view(ctx, link)


def unlink_identity(ctx: Context, principal: AgentPrincipal, identity_id: str) -> None:
    """Undo a link (the identity signs in as this account no more) or refuse a request."""
    try:
        ctx.store.unlink_identity(principal.id, identity_id)
    except Changed as exc:
        raise _not_found(identity_id) from exc
