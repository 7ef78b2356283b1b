"""Self-registration (S1): the answer is the same whether or not the address has an account,
so that nobody learns which addresses do. A new registration waits for its owner to open the
link emailed to the address before any admin sees it; the owner of an existing account gets a
note instead, at most one an hour (docs/security.md)."""

from __future__ import annotations

import logging

from chalicelib.errors import Conflict, InvalidInput, Unauthorized
from chalicelib.services import agents, visitors
from chalicelib.services.context import Context
from chalicelib.services.principals import hash_secret, split_token
from chalicelib.store.base import Changed

log = logging.getLogger("livechat")

# However often someone registers an address that has an account, its owner hears of it at
# most once in this many seconds: registration must not be a way to flood someone's inbox.
NOTICE_INTERVAL_SECONDS = 3600


def request_account(ctx: Context, email: str, name: str, password: str, address: str) -> None:
    visitors.check_rate(ctx, "register", address)
    try:
        token = agents.register_with_password(ctx, email, name, password)
    except Conflict:
        _tell_the_owner(ctx, email.strip().lower())
        return
    _send_the_link(ctx, email.strip().lower(), name, token)


def verify_email(ctx: Context, token: str, address: str) -> None:
    """The owner opened the emailed link: the registration waits for an admin now."""
    visitors.check_rate(ctx, "verify-email", address)
    refused = InvalidInput(
        "token: this link is unknown, used or expired; register again", "invalid_token"
    )
    try:
        agent_id, secret = split_token(token)
    except Unauthorized as exc:
        raise refused from exc
    try:
        ctx.store.verify_agent(agent_id, hash_secret(secret), ctx.now())
    except Changed as exc:
        raise refused from exc
    tell_the_admins(ctx)


# Admins page through the active accounts to find each other; an hourly mail can afford it.
_ACCOUNTS_PAGE = 100


def tell_the_admins(ctx: Context) -> None:
    """A registration waits for approval: every admin gets a mail, at most one an hour however
    many come (the console's badge counts them meanwhile)."""
    now = ctx.now()
    if not ctx.store.claim_marker(
        "admin-notice#registrations", now, int(now) + NOTICE_INTERVAL_SECONDS
    ):
        return
    link = f"{ctx.settings.public_origin}/console/#admin/registrations"
    start = None
    while True:
        page, start = ctx.store.agents_by_state("active", _ACCOUNTS_PAGE, start)
        for admin in (agent for agent in page if agent.role == "admin"):
            _send(
                ctx,
                admin.email,
                "Registrierungen warten auf Freigabe / Registrations wait for approval",
                "Neue Registrierungen warten auf Ihre Freigabe (höchstens eine solche Nachricht "
                f"pro Stunde):\n{link}\n\n"
                "New registrations wait for your approval (at most one such message an hour):"
                f"\n{link}\n",
            )
        if start is None:
            return


def _send(ctx: Context, email: str, subject: str, body: str) -> None:
    try:
        ctx.mailer.send(email, subject, body, at=ctx.iso())
    except Exception:  # noqa: BLE001 - the answer must not tell whether the address has an account
        log.exception("a registration email could not be sent")


def _send_the_link(ctx: Context, email: str, name: str, token: str) -> None:
    link = f"{ctx.settings.public_origin}/console/#verify={token}"
    hours = agents.UNVERIFIED_HOURS
    _send(
        ctx,
        email,
        "Bitte bestätigen Sie Ihre Adresse / Please confirm your address",
        f"Hallo {name},\n\n"
        "jemand (vermutlich Sie) hat sich mit dieser Adresse als Chat-Agent registriert. "
        f"Bitte öffnen Sie diesen Link innerhalb von {hours} Stunden, um die Adresse zu "
        f"bestätigen:\n{link}\nDanach prüft eine Administratorin / ein Administrator Ihre "
        "Registrierung. Waren Sie es nicht, ignorieren Sie diese Nachricht: ohne Bestätigung "
        "verfällt die Registrierung.\n\n"
        f"Hello {name},\n\n"
        "someone (probably you) registered as a chat agent with this address. Please open "
        f"this link within {hours} hours to confirm the address:\n{link}\nAn administrator "
        "then reviews your registration. If it was not you, ignore this message: without "
        "confirmation the registration lapses.\n",
    )


def _tell_the_owner(ctx: Context, email: str) -> None:
    now = ctx.now()
    if not ctx.store.claim_marker(f"owner-notice#{email}", now, int(now) + NOTICE_INTERVAL_SECONDS):
        return
    console = f"{ctx.settings.public_origin}/console/"
    _send(
        ctx,
        email,
        "Registrierung mit Ihrer Adresse / Registration with your address",
        "Jemand (vielleicht Sie) wollte sich mit dieser Adresse als Chat-Agent registrieren. "
        f"Sie haben bereits ein Konto: melden Sie sich unter {console} an. Waren Sie es "
        "nicht, können Sie diese Nachricht ignorieren.\n\n"
        "Someone (perhaps you) tried to register as a chat agent with this address. You "
        f"have an account already: sign in at {console}. If it was not you, ignore this "
        "message.\n",
    )
