"""Persistence of institutional sign-in: started sign-ins (state, nonce, PKCE verifier), the
one-time handover codes, and which agent an identity of the provider belongs to.

Attempts and handovers are taken once: a read finds the item alive (reads filter expired
items, DynamoDB deletes them late), then a delete conditioned on its existence makes the
caller its only taker, so a replayed state or code loses even when two requests race.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.store.models import KeyItem, SsoGrantItem
from chalicelib.store.repo import ConditionFailed, _delete, _get, _save


@dataclass(frozen=True)
class SignInAttempt:
    state: str
    nonce: str
    code_verifier: str
    expires_at: int


@dataclass(frozen=True)
class Handover:
    agent_id: str
    end_session_url: str | None
    expires_at: int


def _attempt_key(state: str) -> str:
    return f"attempt#{state}"


def _handover_key(code_hash: str) -> str:
    return f"handover#{code_hash}"


def _identity_key(issuer: str, subject: str) -> str:
    return f"sso#{issuer}#{subject}"


def _take(grant_key: str, now: float) -> SsoGrantItem | None:
    item = _get(SsoGrantItem, grant_key, now)
    if item is None:
        return None
    try:
        _delete(item, SsoGrantItem.grant_key.exists())
    except ConditionFailed:
        return None  # another request took it first
    return item


def remember_sign_in_attempt(attempt: SignInAttempt) -> None:
    _save(
        SsoGrantItem(
            _attempt_key(attempt.state),
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
            expires_at=attempt.expires_at,
        ),
        SsoGrantItem.grant_key.does_not_exist(),
    )


def take_sign_in_attempt(state: str, now: float) -> SignInAttempt | None:
    item = _take(_attempt_key(state), now)
    if item is None:
        return None
    return SignInAttempt(state, item.nonce, item.code_verifier, int(item.expires_at))


def remember_handover(code_hash: str, handover: Handover) -> None:
    _save(
        SsoGrantItem(
            _handover_key(code_hash),
            agent_id=handover.agent_id,
            end_session_url=handover.end_session_url,
            expires_at=handover.expires_at,
        ),
        SsoGrantItem.grant_key.does_not_exist(),
    )


def take_handover(code_hash: str, now: float) -> Handover | None:
    item = _take(_handover_key(code_hash), now)
    if item is None:
        return None
    return Handover(item.agent_id, item.end_session_url, int(item.expires_at))


def agent_of_identity(issuer: str, subject: str) -> str | None:
    """The agent an identity (issuer and `sub`) signed in as before, if any."""
    item = _get(KeyItem, _identity_key(issuer, subject))
    return item.ref if item is not None else None


def link_identity(issuer: str, subject: str, agent_id: str) -> None:
    """Remember that the identity is this agent; ConditionFailed when it is linked already."""
    _save(KeyItem(_identity_key(issuer, subject), ref=agent_id), KeyItem.key.does_not_exist())
