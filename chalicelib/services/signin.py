"""Sign-in with its limits: per address (like every anonymous call) and per account, so that
nobody guesses one account's password from many addresses. After FAILURES_ALLOWED failed
sign-ins of an account within a window, every sign-in of it, the right password included, is
refused until the window ends. Asking a signed-in agent for their password again (to change
it) is a sign-in too, with the same limits: a stolen session cannot guess the password."""

from __future__ import annotations

import math
from collections.abc import Callable

from chalicelib.errors import TooManyRequests, Unauthorized, WrongPassword
from chalicelib.services import agents, sessions, visitors
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal

FAILURES_ALLOWED = 10
WINDOW_SECONDS = 15 * 60


def login(
    ctx: Context, email: str, password: str, address: str, user_agent: str = ""
) -> tuple[str, dict]:
    return _limited(ctx, email, address, lambda: agents.login(ctx, email, password, user_agent))


def change_password(
    ctx: Context, principal: AgentPrincipal, current: str, new: str, address: str
) -> None:
    email = agents.me(ctx, principal)["email"]
    _limited(ctx, email, address, lambda: sessions.change_password(ctx, principal, current, new))


def _limited[T](ctx: Context, email: str, address: str, attempt: Callable[[], T]) -> T:
    visitors.check_rate(ctx, "login", address)
    account = email.strip().lower()
    now = ctx.now()
    window = int(now // WINDOW_SECONDS)
    # This window and the one before: ten failures in any fifteen minutes lock the account.
    if ctx.store.failed_sign_ins(account, (window - 1, window), now) >= FAILURES_ALLOWED:
        raise TooManyRequests(
            "too many failed sign-ins for this account; try again later",
            "too_many_failed_logins",
            retry_after=math.ceil((window + 1) * WINDOW_SECONDS - now),
        )
    try:
        return attempt()
    except (Unauthorized, WrongPassword):
        ctx.store.count_failed_sign_in(account, window, (window + 2) * WINDOW_SECONDS)
        raise
