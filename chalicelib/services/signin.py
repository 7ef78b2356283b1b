"""Sign-in with its limits: per address (like every anonymous call), and per account and address,
so that guessing slows down the address that guesses and never its owner elsewhere. After
FREE_FAILURES failed sign-ins of an account from one address, that address waits before its
next try of that account, twice as long after each further failure, at most MAX_DELAY_SECONDS;
the failures are forgotten FORGET_SECONDS after the last one, and a sign-in that succeeds
forgets them at once. Nothing locks an account: its right password from another address is
never refused. Asking a signed-in agent for their password again (to change it) is a sign-in
too, with the same limits: a stolen session cannot guess the password."""

from __future__ import annotations

import math
from collections.abc import Callable

from chalicelib.errors import TooManyRequests, Unauthorized, WrongPassword
from chalicelib.services import agents, sessions, visitors
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal
from chalicelib.store.records import SignInFailures

FREE_FAILURES = 3  # mistyped passwords cost nothing
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 15 * 60
# Longer than the longest delay: a guesser who waits it out keeps waiting it.
FORGET_SECONDS = 60 * 60


def delay_after(failures: int) -> int:
    """Seconds an address waits after its `failures`-th failure with one account."""
    if failures < FREE_FAILURES:
        return 0
    doublings = min(failures - FREE_FAILURES, MAX_DELAY_SECONDS.bit_length())
    return min(FIRST_DELAY_SECONDS * 2**doublings, MAX_DELAY_SECONDS)


def _wait(failures: SignInFailures | None, now: float) -> float:
    if failures is None:
        return 0
    return failures.last_failed_at + delay_after(failures.count) - now


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
    failures = ctx.store.sign_in_failures(account, address, now)
    wait = _wait(failures, now)
    if wait > 0:
        raise TooManyRequests(
            "too many failed sign-ins of this account from this address; try again later",
            "too_many_failed_logins",
            retry_after=math.ceil(wait),
        )
    try:
        signed_in = attempt()
    except (Unauthorized, WrongPassword):
        ctx.store.count_sign_in_failure(account, address, now, math.ceil(now) + FORGET_SECONDS)
        raise
    if failures is not None:
        ctx.store.forget_sign_in_failures(account, address)
    return signed_in
