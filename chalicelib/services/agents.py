"""Agent accounts (S1–S4): registration, approval, sign-in, status, availability, profile."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chalicelib.clock import new_id, new_secret
from chalicelib.errors import (
    Conflict,
    DeliveryFailed,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
)
from chalicelib.services import presence
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, hash_secret
from chalicelib.services.views import agent_view
from chalicelib.store import repo
from chalicelib.store.models import AgentItem, SessionItem
from chalicelib.store.repo import ConditionFailed

_hasher = PasswordHasher()
DEFAULT_SETTINGS = {
    "away_after_minutes": 5,
    "sound": True,
    "theme": "system",
    "avatar": None,
    "density": "comfortable",
    "language": None,
}


@functools.cache
def _unknown_account_hash() -> str:
    """Verifying against a real hash when the email is unknown keeps both answers equally
    slow. Made by the first sign-in of a container, whatever its email, rather than at
    import: hashing takes a tenth of a second, which every cold start would pay."""
    return _hasher.hash("no account has this password")


def email_key(email: str) -> str:
    return f"email#{email.strip().lower()}"


def register(
    ctx: Context,
    email: str,
    name: str,
    password: str | None,
    role: str = "agent",
    state: str = "pending",
    departments: list[str] | None = None,
) -> AgentItem:
    agent = AgentItem(
        new_id("agt"),
        email=email.strip().lower(),
        name=name,
        # No password: the account signs in through the institution's provider only (an empty
        # hash never verifies).
        password_hash=_hasher.hash(password) if password is not None else "",
        state=state,
        role=role,
        departments=departments or [],
        status="offline",
        # S10: an active account's livechat toggle starts green (approval turns it on too).
        available=state == "active",
        settings=dict(DEFAULT_SETTINGS),
        created_at=ctx.iso(),
    )
    try:
        repo.create_agent(agent, email_key(email))
    except ConditionFailed as exc:
        raise Conflict("an account with this email exists already", "email_taken") from exc
    return agent


def register_with_password(ctx: Context, email: str, name: str, password: str) -> AgentItem:
    if not ctx.settings.password_login:
        raise Forbidden(
            "registration with a password is switched off; use your institution's login",
            "password_login_disabled",
        )
    return register(ctx, email, name, password)


def login(ctx: Context, email: str, password: str) -> tuple[str, AgentItem]:
    unknown_account_hash = _unknown_account_hash()
    key = repo.get_key(email_key(email), ctx.now())
    agent = repo.get_agent(key.ref) if key is not None else None
    try:
        _hasher.verify(agent.password_hash if agent else unknown_account_hash, password)
    except (VerificationError, InvalidHashError):
        agent = None
    if agent is None:
        raise Unauthorized("wrong email or password", "invalid_credentials")
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
    return open_session(ctx, agent), agent


def open_session(ctx: Context, agent: AgentItem) -> str:
    """A new session of the agent; its token (returned once, stored only as a hash)."""
    session_id, secret = new_id("ses"), new_secret()
    repo.save_session(
        SessionItem(
            session_id,
            agent_id=agent.agent_id,
            secret_hash=hash_secret(secret),
            expires_at=ctx.epoch_in(hours=ctx.settings.session_hours),
        )
    )
    return f"{session_id}.{secret}"


def logout(ctx: Context, principal: AgentPrincipal) -> None:
    repo.delete_session(principal.session_id)
    presence.sign_off(ctx, principal.id, principal.session_id)


def update_me(
    ctx: Context, principal: AgentPrincipal, name: str | None, settings: dict | None
) -> AgentItem:
    agent = principal.agent
    actions = []
    if name is not None:
        actions.append(AgentItem.name.set(name))
    if settings:
        merged = {**DEFAULT_SETTINGS, **_settings_dict(agent), **settings}
        actions.append(AgentItem.settings.set(merged))
    if actions:
        repo.update_agent(agent, actions)
    return agent


def set_status(ctx: Context, principal: AgentPrincipal, status: str) -> AgentItem:
    agent = principal.agent
    repo.update_agent(agent, [AgentItem.status.set(status)])
    presence.refresh_agent(ctx, agent.agent_id)
    presence.announce_status(ctx, agent.agent_id, status)
    return agent


def set_availability(ctx: Context, principal: AgentPrincipal, available: bool) -> AgentItem:
    agent = principal.agent
    repo.update_agent(agent, [AgentItem.available.set(available)])
    presence.refresh_agent(ctx, agent.agent_id)
    return agent


def active_agents_of(department_id: str) -> list[AgentItem]:
    """The department's active agents, for forwarding (reads the active-agents index)."""
    if repo.get_department(department_id) is None:
        raise NotFound(f"unknown department_id {department_id!r}", "department_not_found")
    found: list[AgentItem] = []
    start = None
    while True:
        page, start = repo.agents_by_state("active", limit=100, start=start)
        found += [a for a in page if department_id in (a.departments or [])]
        if not start:
            return sorted(found, key=lambda a: a.name.lower())


# ---- admin -------------------------------------------------------------------------------------


def list_agents(state: str, limit: int, start: dict | None) -> tuple[list[AgentItem], dict | None]:
    return repo.agents_by_state(state, limit, start)


def _existing_agent(agent_id: str) -> AgentItem:
    agent = repo.get_agent(agent_id)
    if agent is None:
        raise NotFound(f"unknown agent_id {agent_id!r}", "agent_not_found")
    return agent


def _check_departments(departments: list[str]) -> None:
    for department_id in departments:
        if repo.get_department(department_id) is None:
            raise InvalidInput(
                f"departments: unknown department_id {department_id!r}", "unknown_department"
            )


def approve(ctx: Context, agent_id: str, role: str, departments: list[str]) -> AgentItem:
    agent = _existing_agent(agent_id)
    _check_departments(departments)
    if agent.state != "pending":
        raise Conflict("only pending registrations can be approved", "not_pending")
    agent.state, agent.role, agent.departments = "active", role, list(dict.fromkeys(departments))
    # S10: after their first sign-in the livechat toggle is green by default.
    agent.available = True
    try:
        repo.save_agent(agent, expected_state="pending")
    except ConditionFailed as exc:
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
    return agent


def _approval_text(ctx: Context, agent: AgentItem) -> str:
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
) -> AgentItem:
    agent = _existing_agent(agent_id)
    former = list(agent.departments or [])
    actions = []
    if role is not None:
        actions.append(AgentItem.role.set(role))
    if departments is not None:
        _check_departments(departments)
        actions.append(AgentItem.departments.set(list(dict.fromkeys(departments))))
    if actions:
        repo.update_agent(agent, actions)
        presence.refresh_agent(ctx, agent_id, former_departments=former)
    return agent


def disable(ctx: Context, agent_id: str) -> AgentItem:
    """Stop an account at once; a pending registration that is turned down is disabled too."""
    agent = _existing_agent(agent_id)
    repo.update_agent(agent, [AgentItem.state.set("disabled"), AgentItem.available.set(False)])
    presence.sign_off(ctx, agent_id)
    return repo.get_agent(agent_id)


def ensure_admin(ctx: Context, email: str, password: str) -> bool:
    """Create the first admin account once; False when the email exists already."""
    try:
        register(ctx, email, "Administrator", password, role="admin", state="active")
    except Conflict:
        return False
    return True


def _settings_dict(agent: AgentItem) -> dict:
    raw = agent.settings
    return dict(raw.as_dict() if hasattr(raw, "as_dict") else raw or {})


def view(agent: AgentItem) -> dict:
    view_ = agent_view(agent)
    view_["settings"] = {**DEFAULT_SETTINGS, **view_["settings"]}
    return view_
