"""Agent accounts (S1–S4 in docs/features.md): registration, approval, sign-in, status,
availability, profile. Every function answers with the agent's view."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from chalicelib.clock import new_id, new_secret
from chalicelib.errors import (
    Conflict,
    DeliveryFailed,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
)
from chalicelib.services import passwords, presence, push_notifications, stranded
from chalicelib.services.context import Context
from chalicelib.services.departments import get as get_department
from chalicelib.services.principals import AgentPrincipal, hash_secret
from chalicelib.services.views import DEFAULT_SETTINGS, agent_view, colleague_view
from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import Agent, Cursor, Session

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@functools.cache
def password_hasher() -> PasswordHasher:
    # Imported on first use: importing app.py must not pay for argon2 and its C bindings, which
    # only sign-in and registration need (docs/performance.md).
    from argon2 import PasswordHasher

    return PasswordHasher()


@functools.cache
def _unknown_account_hash() -> str:
    """Verifying against a real hash when the email is unknown keeps both answers equally
    slow. Made by the first sign-in of a container, whatever its email, rather than at
    import: hashing takes a tenth of a second, which every cold start would pay."""
    return password_hasher().hash("no account has this password")


# An unverified registration vanishes after this long (docs/security.md).
UNVERIFIED_HOURS = 24


def _normal(email: str) -> str:
    return email.strip().lower()


def register(
    ctx: Context,
    email: str,
    name: str,
    password: str | None,
    role: str = "agent",
    state: str = "pending",
    departments: tuple[str, ...] = (),
) -> dict:
    """A new account (pending unless told otherwise), e.g. of a person whose institution's
    sign-in vouches for the address; an unverified registration of the address gives way."""
    agent = _new_agent(ctx, email, name, password, role=role, state=state, departments=departments)
    _store(ctx, agent)
    return agent_view(agent)


def _new_agent(
    ctx: Context,
    email: str,
    name: str,
    password: str | None,
    *,
    role: str = "agent",
    state: str,
    departments: tuple[str, ...] = (),
    expires_at: int | None = None,
    verification_hash: str | None = None,
) -> Agent:
    return Agent(
        agent_id=new_id("agt"),
        email=_normal(email),
        name=name,
        # No password: the account signs in through the institution's provider only (an empty
        # hash never verifies).
        password_hash=password_hasher().hash(password) if password is not None else "",
        state=state,
        role=role,
        departments=departments,
        status="offline",
        # S10: an active account's livechat toggle starts green (approval turns it on too).
        available=state == "active",
        settings=dict(DEFAULT_SETTINGS),
        created_at=ctx.iso(),
        expires_at=expires_at,
        verification_hash=verification_hash,
    )


# Registrations racing for one address each replace the one before; past this many rounds
# something else holds the address.
_STORE_ATTEMPTS = 3


def _store(ctx: Context, agent: Agent) -> None:
    """Store the new account; an unverified registration of its address (or one past its
    time) is replaced, and with it its password and its link. Conflict when an account has it."""
    for _ in range(_STORE_ATTEMPTS):
        try:
            ctx.store.create_agent(agent)
            return
        except Taken:
            pass
        former_id = ctx.store.agent_id_for_email(agent.email)
        former = ctx.store.get_agent(former_id) if former_id is not None else None
        if former is not None and former.state != "unverified":
            break
        if former_id is None:  # gone meanwhile: create it again
            continue
        try:
            ctx.store.replace_unverified_agent(former_id, agent)
            return
        except Changed:
            continue  # verified or replaced meanwhile: look again
    raise Conflict("an account with this email exists already", "email_taken")


def register_with_password(ctx: Context, email: str, name: str, password: str) -> str:
    """A registration that waits for its owner to open the link emailed to the address
    (docs/security.md); the link's token, of which only a hash is kept. Conflict when the
    address has an account."""
    if not ctx.settings.password_login:
        raise Forbidden(
            "registration with a password is switched off; use your institution's login",
            "password_login_disabled",
        )
    passwords.check_strength(password, email, name)
    secret = new_secret()
    agent = _new_agent(
        ctx,
        email,
        name,
        password,
        state="unverified",
        expires_at=ctx.epoch_in(hours=UNVERIFIED_HOURS),
        verification_hash=hash_secret(secret),
    )
    _store(ctx, agent)
    return f"{agent.agent_id}.{secret}"


def _lapsed(ctx: Context, agent: Agent) -> bool:
    """An unverified registration past its time (DynamoDB deletes it late)."""
    return agent.expires_at is not None and agent.expires_at <= ctx.now()


def password_matches(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError  # as password_hasher

    try:
        return password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login(ctx: Context, email: str, password: str, user_agent: str = "") -> tuple[str, dict]:
    """Returns (token, agent)."""
    unknown_account_hash = _unknown_account_hash()
    agent_id = ctx.store.agent_id_for_email(_normal(email))
    agent = ctx.store.get_agent(agent_id) if agent_id is not None else None
    if not password_matches(agent.password_hash if agent else unknown_account_hash, password):
        agent = None
    if agent is None or _lapsed(ctx, agent):
        raise Unauthorized("wrong email or password", "invalid_credentials")
    if agent.state == "unverified":
        raise Forbidden(
            "this address is not confirmed yet: open the link in the email we sent to it",
            "account_unverified",
        )
    if agent.state == "pending":
        raise Forbidden("this account waits for approval by an administrator", "account_pending")
    if agent.state == "disabled":
        raise Forbidden("this account has been disabled", "account_disabled")
    if not ctx.settings.password_login and agent.role != "admin":
        # Admins keep their password, so the first admin always has a way in.
        raise Forbidden(
            "sign-in with a password is switched off; use your institution's login",
            "password_login_disabled",
        )
    return open_session(ctx, agent, user_agent), agent_view(agent)


# Enough to tell browsers and systems apart; real User-Agents are rarely longer.
USER_AGENT_CHARS = 256


def open_session(ctx: Context, agent: Agent, user_agent: str = "") -> str:
    """A new session of the agent; its token (returned once, stored only as a hash). The
    session's id (the token's first part) opens nothing without the secret."""
    session_id, secret = new_id("ses"), new_secret()
    ctx.store.create_session(
        Session(
            session_id=session_id,
            agent_id=agent.agent_id,
            secret_hash=hash_secret(secret),
            expires_at=ctx.epoch_in(hours=ctx.settings.session_hours),
            created_at=ctx.iso(),
            last_seen_at=ctx.iso(),
            user_agent=user_agent[:USER_AGENT_CHARS],
            password_stamp=agent.password_stamp,
        )
    )
    return f"{session_id}.{secret}"


def logout(ctx: Context, principal: AgentPrincipal) -> None:
    end_session(ctx, principal.id, principal.session_id)


def end_session(ctx: Context, agent_id: str, session_id: str) -> None:
    """The session's token stops at once and its sockets close."""
    ctx.store.end_session(session_id)
    presence.sign_off(ctx, agent_id, session_id)
    stranded.agent_went_offline(ctx, agent_id, announced=True)


def _existing(ctx: Context, agent_id: str) -> Agent:
    agent = ctx.store.get_agent(agent_id)
    if agent is None:
        raise NotFound(f"unknown agent_id {agent_id!r}", "agent_not_found")
    return agent


def _changed(ctx: Context, agent_id: str, **changes: object) -> Agent:
    try:
        return ctx.store.change_agent(agent_id, **changes)  # type: ignore[arg-type]
    except Changed as exc:
        raise NotFound(f"unknown agent_id {agent_id!r}", "agent_not_found") from exc


def me(ctx: Context, principal: AgentPrincipal) -> dict:
    return agent_view(_existing(ctx, principal.id))


def update_me(
    ctx: Context, principal: AgentPrincipal, name: str | None, settings: dict | None
) -> dict:
    merged = None
    if settings:
        merged = {**_existing(ctx, principal.id).settings, **settings}
    agent = _changed(ctx, principal.id, name=name, settings=merged)
    if settings and "push_previews" in settings:
        push_notifications.set_previews(ctx, principal.id, bool(settings["push_previews"]))
    if name is not None:
        presence.agent_changed(ctx, agent)
    return agent_view(agent)


def set_status(ctx: Context, principal: AgentPrincipal, status: str) -> dict:
    agent = _changed(ctx, principal.id, status=status)
    presence.agent_changed(ctx, agent)
    presence.announce_status(ctx, agent.agent_id, status)
    return agent_view(agent)


def set_availability(ctx: Context, principal: AgentPrincipal, available: bool) -> dict:
    agent = _changed(ctx, principal.id, available=available)
    presence.agent_changed(ctx, agent)
    return agent_view(agent)


def colleagues_in(ctx: Context, department_id: str) -> list[dict]:
    """The department's active agents, for forwarding (reads the active-agents index)."""
    get_department(ctx, department_id)
    found: list[Agent] = []
    start = None
    while True:
        page, start = ctx.store.agents_by_state("active", limit=100, start=start)
        found += [a for a in page if department_id in a.departments]
        if not start:
            return [colleague_view(a) for a in sorted(found, key=lambda a: a.name.lower())]


# ---- admin -------------------------------------------------------------------------------------


def list_agents(
    ctx: Context, state: str, limit: int, start: Cursor | None
) -> tuple[list[dict], Cursor | None]:
    found, next_start = ctx.store.agents_by_state(state, limit, start)
    return [agent_view(a) for a in found], next_start


def _check_departments(ctx: Context, departments: tuple[str, ...]) -> None:
    for department_id in departments:
        if ctx.store.get_department(department_id) is None:
            raise InvalidInput(
                f"departments: unknown department_id {department_id!r}", "unknown_department"
            )


def approve(ctx: Context, agent_id: str, role: str, departments: list[str]) -> dict:
    agent = _existing(ctx, agent_id)
    chosen = tuple(dict.fromkeys(departments))
    _check_departments(ctx, chosen)
    if agent.state != "pending":
        raise Conflict("only pending registrations can be approved", "not_pending")
    try:
        # S10: after their first sign-in the livechat toggle is green by default.
        agent = ctx.store.approve_agent(agent_id, role, chosen)
    except Changed as exc:
        raise Conflict(
            "this registration was approved or changed meanwhile", "not_pending"
        ) from exc
    try:
        ctx.mailer.send(
            agent.email,
            "Ihr Zugang zum Livechat ist freigeschaltet / Your live chat account is approved",
            _approval_text(ctx, agent),
            at=ctx.iso(),
        )
    except Exception as exc:  # SES refusals and outbox write errors alike
        raise DeliveryFailed(
            f"the account is approved, but the confirmation email to {agent.email} could not "
            f"be sent ({exc.__class__.__name__}); tell the agent yourself",
            "email_not_sent",
        ) from exc
    return agent_view(agent)


def _approval_text(ctx: Context, agent: Agent) -> str:
    console = (
        f"{ctx.settings.public_origin}/console/" if ctx.settings.public_origin else "/console/"
    )
    departments = ", ".join(agent.departments) or "-"
    return (
        f"Hallo {agent.name},\n\n"
        "Ihr Zugang als Chat-Agent wurde von einer Administratorin / einem Administrator "
        f"freigeschaltet.\nAbteilungen: {departments}\nAnmelden: {console}\n\n"
        f"Hello {agent.name},\n\nyour chat agent account has been approved.\n"
        f"Departments: {departments}\nSign in: {console}\n"
    )


def patch_agent(
    ctx: Context, agent_id: str, role: str | None, departments: list[str] | None
) -> dict:
    former = _existing(ctx, agent_id).departments
    chosen = tuple(dict.fromkeys(departments)) if departments is not None else None
    if chosen is not None:
        _check_departments(ctx, chosen)
    agent = _changed(ctx, agent_id, role=role, departments=chosen)
    if role is not None or chosen is not None:
        presence.agent_changed(ctx, agent, former_departments=former)
    return agent_view(agent)


def disable(ctx: Context, agent_id: str) -> dict:
    """Stop an account at once; a pending registration that is turned down is disabled too."""
    _existing(ctx, agent_id)
    try:
        ctx.store.disable_agent(agent_id)
    except Changed as exc:
        raise NotFound(f"unknown agent_id {agent_id!r}", "agent_not_found") from exc
    presence.sign_off(ctx, agent_id)
    stranded.agent_went_offline(ctx, agent_id, announced=True)
    return agent_view(_existing(ctx, agent_id))


def ensure_admin(ctx: Context, email: str, password: str) -> bool:
    """Create the first admin account once; False when the email exists already."""
    try:
        register(ctx, email, "Administrator", password, role="admin", state="active")
    except Conflict:
        return False
    return True
