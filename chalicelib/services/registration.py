"""Self-registration (S1): the answer is the same whether or not the address has an account,
so that nobody learns which addresses do; the owner of an existing account gets an email."""

from __future__ import annotations

import logging

from chalicelib.errors import Conflict
from chalicelib.services import agents, visitors
from chalicelib.services.context import Context

log = logging.getLogger("livechat")


def request_account(ctx: Context, email: str, name: str, password: str, address: str) -> None:
    visitors.check_rate(ctx, "register", address)
    try:
        agents.register_with_password(ctx, email, name, password)
    except Conflict:
        _tell_the_owner(ctx, email.strip().lower())


def _tell_the_owner(ctx: Context, email: str) -> None:
    console = f"{ctx.settings.public_origin}/console/"
    try:
        ctx.mailer.send(
            email,
            "Registrierung mit Ihrer Adresse / Registration with your address",
            "Jemand (vielleicht Sie) wollte sich mit dieser Adresse als Chat-Agent registrieren. "
            f"Sie haben bereits ein Konto: melden Sie sich unter {console} an. Waren Sie es "
            "nicht, können Sie diese Nachricht ignorieren.\n\n"
            "Someone (perhaps you) tried to register as a chat agent with this address. You "
            f"have an account already: sign in at {console}. If it was not you, ignore this "
            "message.\n",
            at=ctx.iso(),
        )
    except Exception:  # noqa: BLE001 - the answer must not tell that the address has an account
        log.exception("the note to an existing account could not be sent")
