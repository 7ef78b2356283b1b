"""The store in a dict, for the service tests. Each operation holds one lock, as DynamoDB
applies each request atomically; tests/local/test_store_contract.py runs the same cases here and
on DynamoDB.

`MemoryCore` holds what every aggregate's operations share; each module beside it
adds one aggregate's operations, and `MemoryStore` (the package) is all of them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from chalicelib.store.base import Store
from chalicelib.store.records import (
    Agent,
    AgentRoom,
    Connection,
    Contact,
    Department,
    Handover,
    IdentityLink,
    Message,
    PushSubscription,
    Room,
    Session,
    SignInAttempt,
    SignInFailures,
    SocketTicket,
    StaffMember,
    StaffRoom,
    Upload,
    Visitor,
)


def _locked[F: Callable[..., Any]](method: F) -> F:
    def run(self: MemoryCore, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    run.__name__ = method.__name__
    run.__doc__ = method.__doc__
    return run  # type: ignore[return-value]


def _alive[T](item: T | None, now: float) -> T | None:
    if item is None:
        return None
    expires_at = getattr(item, "expires_at", None)
    return None if expires_at is not None and expires_at <= now else item


def _in_session(connection: Connection, now: float) -> bool:
    return connection.session_expires_at is None or connection.session_expires_at > now


class MemoryCore(Store):
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._counters: dict[str, int] = {}
        # (email, address) -> (failures, expires_at)
        self._sign_in_failures: dict[tuple[str, str], tuple[SignInFailures, int]] = {}
        self._markers: dict[str, int] = {}  # key -> expires_at
        # (agent, livechat room) -> (read marker, expires_at)
        self._livechat_reads: dict[tuple[str, str], tuple[int, int]] = {}
        self._emails: dict[str, str] = {}
        self._agents: dict[str, Agent] = {}
        self._sessions: dict[str, Session] = {}
        self._connections: dict[str, Connection] = {}
        self._departments: dict[str, Department] = {}
        self._canned: dict[str, dict[str, str]] = {}
        self._visitors: dict[str, Visitor] = {}
        self._contacts: dict[str, Contact] = {}
        self._rooms: dict[str, Room] = {}
        self._links: dict[tuple[str, str], AgentRoom] = {}
        self._messages: dict[str, dict[int, Message]] = {}
        self._client_ids: dict[tuple[str, str], int] = {}
        self._attempts: dict[str, SignInAttempt] = {}
        self._tickets: dict[str, SocketTicket] = {}
        self._handovers: dict[str, Handover] = {}
        self._identities: dict[tuple[str, str], str] = {}
        self._identity_links: dict[str, dict[str, IdentityLink]] = {}
        self._staff_rooms: dict[str, StaffRoom] = {}
        self._staff_names: dict[str, str] = {}  # lower-case name -> room_id
        self._staff_members: dict[tuple[str, str], StaffMember] = {}
        self._staff_retention: int | None = None
        self._push_subscriptions: dict[str, dict[str, PushSubscription]] = {}
        self._push_previews: set[str] = set()
        self._vapid_private_key: str | None = None
        self._uploads: dict[str, Upload] = {}
        # (department_id, hour) -> (counters, expires_at)
        self._stats: dict[tuple[str, str], tuple[dict[str, int], int]] = {}

    def create_missing_tables(self) -> list[str]:
        return []
