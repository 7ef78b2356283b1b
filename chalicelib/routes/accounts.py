"""Agent accounts: registration, sign-in (password and institutional), the agent's own
settings, status and availability."""

from __future__ import annotations

from chalice import Response

from chalicelib import schemas as s
from chalicelib.routes.adapter import (
    Answer,
    Area,
    routes,
)
from chalicelib.services import (
    agents,
    registration,
    sessions,
    signin,
    sso,
    visitors,
)
from chalicelib.services.context import Context
from chalicelib.services.principals import (
    AgentPrincipal,
)

bp = Area(__name__)
route = routes(bp)


@route(
    "/auth/register",
    "POST",
    "Register as an agent: an email with a link confirms the address, then an admin approves; "
    "the same answer whether or not the address has an account (its owner gets a note)",
    body=s.RegisterIn,
    response=s.RegisteredOut,
    status=202,
    errors=(400, 403, 429),
)
def register(
    ctx: Context,
    client_ip: str,
    body: s.RegisterIn,
) -> Answer:
    registration.request_account(ctx, body.email, body.name, body.password, client_ip)
    return {"state": "pending"}


@route(
    "/auth/verify-email",
    "POST",
    "Confirm the address of a registration with the token of its emailed link; admins see "
    "it from now on",
    body=s.VerifyEmailIn,
    response=s.RegisteredOut,
    errors=(400, 429),
)
def verify_email(
    ctx: Context,
    client_ip: str,
    body: s.VerifyEmailIn,
) -> Answer:
    registration.verify_email(ctx, body.token, client_ip)
    return {"state": "pending"}


@route(
    "/auth/login",
    "POST",
    "Sign in",
    body=s.LoginIn,
    response=s.LoginOut,
    errors=(400, 401, 403, 429),
)
def login(
    ctx: Context,
    user_agent: str,
    client_ip: str,
    body: s.LoginIn,
) -> Answer:
    token, agent = signin.login(ctx, body.email, body.password, client_ip, user_agent)
    return {"token": token, "agent": agent}


@route(
    "/auth/logout", "POST", "Sign out; the token stops working at once", auth="agent", status=204
)
def logout(
    ctx: Context,
    principal: AgentPrincipal,
) -> None:
    agents.logout(ctx, principal)


@route(
    "/me/password",
    "PUT",
    "Change the password (as strong as at registration); the agent's other sessions end",
    auth="agent",
    body=s.PasswordChangeIn,
    status=204,
    errors=(400, 409, 429),
)
def put_password(
    ctx: Context,
    client_ip: str,
    principal: AgentPrincipal,
    body: s.PasswordChangeIn,
) -> None:
    signin.change_password(ctx, principal, body.current, body.new, client_ip)


@route(
    "/me/sessions",
    "GET",
    "Where the agent is signed in: their sessions, this one first",
    auth="agent",
    response=s.SessionListOut,
)
def get_sessions(
    ctx: Context,
    principal: AgentPrincipal,
) -> Answer:
    return {"sessions": sessions.list_mine(ctx, principal)}


@route(
    "/me/sessions/{session_id}",
    "DELETE",
    "Sign out one of the agent's sessions: its token stops at once, its sockets close",
    auth="agent",
    status=204,
    errors=(404,),
)
def delete_session(ctx: Context, principal: AgentPrincipal, session_id: str) -> None:
    sessions.end_mine(ctx, principal, session_id)


@route("/me", "GET", "The signed-in agent", auth="agent", response=s.AgentOut)
def get_me(
    ctx: Context,
    principal: AgentPrincipal,
) -> Answer:
    return agents.me(ctx, principal)


@route(
    "/me", "PATCH", "Change name and settings", auth="agent", body=s.MePatch, response=s.AgentOut
)
def patch_me(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.MePatch,
) -> Answer:
    settings = body.settings.model_dump(exclude_unset=True) if body.settings else None
    return agents.update_me(ctx, principal, body.name, settings)


@route(
    "/me/status",
    "PUT",
    "Set online, away, busy or offline",
    auth="agent",
    body=s.StatusIn,
    response=s.AgentOut,
)
def put_status(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.StatusIn,
) -> Answer:
    return agents.set_status(ctx, principal, body.status)


@route(
    "/me/availability",
    "PUT",
    "The livechat toggle",
    auth="agent",
    body=s.AvailabilityIn,
    response=s.AgentOut,
)
def put_availability(
    ctx: Context,
    principal: AgentPrincipal,
    body: s.AvailabilityIn,
) -> Answer:
    return agents.set_availability(ctx, principal, body.available)


@route(
    "/auth/sso/start",
    "POST",
    "Start institutional sign-in: the provider's sign-in page to send the browser to",
    body=s.SsoStartIn,
    response=s.SsoStartOut,
    errors=(400, 401, 404, 429),
)
def sso_start(
    ctx: Context,
    client_ip: str,
    body: s.SsoStartIn,
) -> Answer:
    visitors.check_rate(ctx, "login", client_ip)
    return {"authorization_url": sso.start(ctx, body.browser_binding)}


@route(
    "/auth/sso/callback",
    "GET",
    "The provider's redirect: on to the console with #sso_code=... or #sso_error=...",
    query=s.SsoCallbackQuery,
    status=302,
    errors=(400,),
)
def sso_callback(ctx: Context, query: s.SsoCallbackQuery) -> Answer:
    """The provider sends the browser here; it goes on to the console with a one-time code (or
    an error code) in the fragment."""
    target = sso.finish(ctx, query.state, query.code, query.error)
    return Response(
        body="",
        status_code=302,
        headers={"Location": target, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@route(
    "/auth/sso/exchange",
    "POST",
    "Trade the one-time code from the callback for a session",
    body=s.SsoExchangeIn,
    response=s.SsoSignedInOut,
    errors=(400, 401, 403, 429),
)
def sso_exchange(
    ctx: Context,
    user_agent: str,
    client_ip: str,
    body: s.SsoExchangeIn,
) -> Answer:
    visitors.check_rate(ctx, "login", client_ip)
    signed_in = sso.exchange(ctx, body.code, body.browser_binding, user_agent)
    return {
        "token": signed_in.token,
        "agent": signed_in.agent,
        "end_session_url": signed_in.end_session_url,
    }


@route(
    "/me/identities",
    "GET",
    "The provider identities linked to one's account, and link requests waiting for confirmation",
    auth="agent",
    response=s.IdentitiesOut,
)
def get_my_identities(
    ctx: Context,
    principal: AgentPrincipal,
) -> Answer:
    return {"identities": sso.identities(ctx, principal)}


@route(
    "/me/identities/{identity_id}/confirm",
    "POST",
    "Confirm a link request: the identity signs in as this account from now on",
    auth="agent",
    response=s.IdentityOut,
    errors=(404, 409),
)
def confirm_my_identity(ctx: Context, principal: AgentPrincipal, identity_id: str) -> Answer:
    return sso.confirm_identity(ctx, principal, identity_id)


@route(
    "/me/identities/{identity_id}",
    "DELETE",
    "Undo a link (or refuse a link request)",
    auth="agent",
    status=204,
    errors=(404,),
)
def delete_my_identity(ctx: Context, principal: AgentPrincipal, identity_id: str) -> None:
    sso.unlink_identity(ctx, principal, identity_id)
