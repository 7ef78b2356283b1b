"""Repository functions: the only code that speaks PynamoDB. Services call these by purpose.

Every read that can meet an item past its TTL filters it (DynamoDB deletes expired items late).
State changes that can race are conditional writes; a lost condition raises `ConditionFailed`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.store import shared_connection
from chalicelib.store.models import (
    AgentItem,
    AgentRoomItem,
    ConnectionItem,
    ContactItem,
    DepartmentItem,
    KeyItem,
    MessageItem,
    RoomItem,
    SessionItem,
    VisitorItem,
)


class ConditionFailed(Exception):
    """A conditional write lost: the item was not in the expected state."""


def _alive(item, now: float):
    if item is None:
        return None
    expires_at = getattr(item, "expires_at", None)
    if expires_at is not None and expires_at <= now:
        return None
    return item


def _is_condition_failure(exc: Exception) -> bool:
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _get(model, key, now: float | None = None, range_key=None):
    try:
        item = model.get(key, range_key=range_key, consistent_read=True)
    except DoesNotExist:
        return None
    return _alive(item, now) if now is not None else item


def _save(item, condition: Condition | None = None) -> None:
    try:
        item.save(condition=condition)
    except PutError as exc:
        if _is_condition_failure(exc):
            raise ConditionFailed(str(exc)) from exc
        raise


def _update(item, actions, condition: Condition | None = None) -> None:
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if _is_condition_failure(exc):
            raise ConditionFailed(str(exc)) from exc
        raise


def _delete(item, condition: Condition | None = None) -> None:
    try:
        item.delete(condition=condition)
    except DeleteError as exc:
        if _is_condition_failure(exc):
            raise ConditionFailed(str(exc)) from exc
        raise


def _transact(items_to_put: Iterable[tuple]) -> None:
    """Put several items at once; each entry is (item, condition or None)."""
    connection = shared_connection(AgentItem.Meta.region, AgentItem.Meta.host)
    try:
        with TransactWrite(connection=connection) as transaction:
            for item, condition in items_to_put:
                transaction.save(item, condition=condition)
    except TransactWriteError as exc:
        if _is_condition_failure(exc):
            raise ConditionFailed(str(exc)) from exc
        raise


# ---- keys: unique emails, idempotency, counters, rate windows ----------------------------------


def get_key(key: str, now: float) -> KeyItem | None:
    return _get(KeyItem, key, now)


def increment_counter(key: str, by: int = 1, expires_at: int | None = None) -> int:
    item = KeyItem(key)
    actions = [KeyItem.number.add(by)]
    if expires_at is not None:
        actions.append(KeyItem.expires_at.set(expires_at))
    item.update(actions=actions)
    return int(item.number)


def delete_key(key: str) -> None:
    KeyItem(key).delete()


# ---- agents and sessions -----------------------------------------------------------------------


def create_agent(agent: AgentItem, email_key: str) -> None:
    """Store a new agent and claim its email in one transaction (409 when taken)."""
    _transact(
        [
            (KeyItem(email_key, ref=agent.agent_id), KeyItem.key.does_not_exist()),
            (agent, AgentItem.agent_id.does_not_exist()),
        ]
    )


def get_agent(agent_id: str) -> AgentItem | None:
    return _get(AgentItem, agent_id)


def save_agent(agent: AgentItem, expected_state: str | None = None) -> None:
    condition = AgentItem.agent_id.exists()
    if expected_state is not None:
        condition &= AgentItem.state == expected_state
    _save(agent, condition)


def update_agent(agent: AgentItem, actions) -> None:
    _update(agent, actions, AgentItem.agent_id.exists())


def set_agent_status(agent_id: str, status: str) -> None:
    with contextlib.suppress(ConditionFailed):
        _update(AgentItem(agent_id), [AgentItem.status.set(status)], AgentItem.agent_id.exists())


def agents_by_state(
    state: str, limit: int, start: dict | None
) -> tuple[list[AgentItem], dict | None]:
    result = AgentItem.state_index.query(state, limit=limit, last_evaluated_key=start)
    agents = list(result)
    return agents, result.last_evaluated_key


def get_agents(agent_ids: Iterable[str]) -> list[AgentItem]:
    ids = sorted(set(agent_ids))
    return list(AgentItem.batch_get(ids)) if ids else []


def save_session(session: SessionItem) -> None:
    session.save()


def get_session(session_id: str, now: float) -> SessionItem | None:
    return _get(SessionItem, session_id, now)


def delete_session(session_id: str) -> None:
    SessionItem(session_id).delete()


# ---- connections and presence ------------------------------------------------------------------


def save_connection(connection: ConnectionItem) -> None:
    connection.save()


def get_connection(connection_id: str, now: float) -> ConnectionItem | None:
    return _get(ConnectionItem, connection_id, now)


def touch_connection(connection_id: str, now: float, expires_at: int) -> ConnectionItem | None:
    """Record a heartbeat; returns the connection as it was before (None when unknown)."""
    item = ConnectionItem(connection_id)
    try:
        data = item._get_connection().update_item(
            connection_id,
            actions=[ConnectionItem.last_seen.set(now), ConnectionItem.expires_at.set(expires_at)],
            condition=ConnectionItem.connection_id.exists(),
            return_values="ALL_OLD",
        )
    except UpdateError as exc:
        if _is_condition_failure(exc):
            return None
        raise
    return ConnectionItem.from_raw_data(data["Attributes"])


def delete_connection(connection_id: str) -> ConnectionItem | None:
    """Remove a connection; returns what was stored, if anything."""
    item = ConnectionItem(connection_id)
    data = item._get_connection().delete_item(connection_id, return_values="ALL_OLD")
    attributes = data.get("Attributes")
    return ConnectionItem.from_raw_data(attributes) if attributes else None


def connections_of(principal_id: str, now: float) -> list[ConnectionItem]:
    return [
        item for item in ConnectionItem.principal_index.query(principal_id) if _alive(item, now)
    ]


# ---- departments -------------------------------------------------------------------------------


def get_department(department_id: str) -> DepartmentItem | None:
    return _get(DepartmentItem, department_id)


def create_department(department: DepartmentItem) -> None:
    _save(department, DepartmentItem.department_id.does_not_exist())


def update_department(department: DepartmentItem, actions) -> None:
    _update(department, actions, DepartmentItem.department_id.exists())


def delete_department(department_id: str) -> None:
    _delete(DepartmentItem(department_id), DepartmentItem.department_id.exists())


def all_departments() -> list[DepartmentItem]:
    ids = [item.department_id for item in DepartmentItem.listing_index.query("department")]
    return sorted(DepartmentItem.batch_get(ids), key=lambda d: d.department_id) if ids else []


def set_agent_membership(
    department_id: str, agent_id: str, ready_until: int | None, online: bool
) -> None:
    """Record whether the agent counts for the department (and until when) and is connected."""
    item = DepartmentItem(department_id)
    actions = [
        DepartmentItem.ready_until[agent_id].set(ready_until)
        if ready_until is not None
        else DepartmentItem.ready_until[agent_id].remove(),
        DepartmentItem.online_agents.add({agent_id})
        if online
        else DepartmentItem.online_agents.delete({agent_id}),
    ]
    # A department deleted meanwhile has nothing to keep current.
    with contextlib.suppress(ConditionFailed):
        _update(item, actions, DepartmentItem.department_id.exists())


# ---- visitors and contacts ---------------------------------------------------------------------


def save_visitor(visitor: VisitorItem) -> None:
    visitor.save()


def get_visitor(visitor_id: str, now: float) -> VisitorItem | None:
    return _get(VisitorItem, visitor_id, now)


def extend_visitor(visitor_id: str, expires_at: int) -> None:
    with contextlib.suppress(ConditionFailed):  # deleted meanwhile: nothing to extend
        _update(
            VisitorItem(visitor_id),
            [VisitorItem.expires_at.set(expires_at)],
            VisitorItem.visitor_id.exists(),
        )


def delete_visitor(visitor_id: str) -> None:
    VisitorItem(visitor_id).delete()


def get_contact(visitor_id: str, now: float) -> ContactItem | None:
    return _get(ContactItem, visitor_id, now)


def get_contacts(visitor_ids: Iterable[str], now: float) -> dict[str, ContactItem]:
    ids = sorted(set(visitor_ids))
    found = ContactItem.batch_get(ids) if ids else []
    return {item.visitor_id: item for item in found if _alive(item, now)}


def get_visitors(visitor_ids: Iterable[str], now: float) -> dict[str, VisitorItem]:
    ids = sorted(set(visitor_ids))
    found = VisitorItem.batch_get(ids) if ids else []
    return {item.visitor_id: item for item in found if _alive(item, now)}


def save_contact(contact: ContactItem) -> None:
    contact.save()


def delete_contact(visitor_id: str) -> None:
    ContactItem(visitor_id).delete()


# ---- rooms -------------------------------------------------------------------------------------


def create_room(room: RoomItem) -> None:
    _save(room, RoomItem.room_id.does_not_exist())


def get_room(room_id: str, now: float) -> RoomItem | None:
    return _get(RoomItem, room_id, now)


def get_rooms(room_ids: Iterable[str], now: float) -> list[RoomItem]:
    ids = sorted(set(room_ids))
    found = RoomItem.batch_get(ids) if ids else []
    return [room for room in found if _alive(room, now)]


def update_room(room: RoomItem, actions, condition: Condition | None = None) -> None:
    """Apply a state change when `condition` still holds; the room is refreshed in place."""
    guard = RoomItem.room_id.exists()
    if condition is not None:
        guard &= condition
    _update(room, actions, guard)


def next_seq(room: RoomItem, room_idle_until: int | None) -> int:
    """Reserve the next message number of a queued or open room, keeping it alive; with
    `room_idle_until=None` (the closing line) the room may be closed and its expiry stays."""
    if room_idle_until is None:
        _update(room, [RoomItem.last_seq.add(1)], RoomItem.room_id.exists())
    else:
        _update(
            room,
            [RoomItem.last_seq.add(1), RoomItem.expires_at.set(room_idle_until)],
            RoomItem.room_id.exists() & (RoomItem.state != "closed"),
        )
    return int(room.last_seq)


def delete_room(room: RoomItem, condition: Condition | None = None) -> None:
    _delete(room, condition)


def queued_rooms(
    department_id: str, limit: int, start: dict | None, now: float
) -> tuple[list[RoomItem], dict | None]:
    """The department's queue, oldest first, without requests that expired (TTL deletes late)."""
    result = RoomItem.queue_index.query(
        department_id,
        filter_condition=RoomItem.expires_at > now,
        limit=limit,
        last_evaluated_key=start,
    )
    return list(result), result.last_evaluated_key


def queue_position(department_id: str, queued_key: str, now: float) -> int:
    """1-based place in the department's queue: how many live queued rooms are ahead, plus one."""
    return RoomItem.queue_index.count(
        department_id,
        range_key_condition=RoomItem.queued_key <= queued_key,
        filter_condition=RoomItem.expires_at > now,
    )


def rooms_of_department(
    department_id: str, before_key: str | None, limit: int
) -> Iterator[RoomItem]:
    condition = RoomItem.created_key < before_key if before_key else None
    return iter(
        RoomItem.department_index.query(
            department_id, range_key_condition=condition, scan_index_forward=False, limit=limit
        )
    )


def room_ids_of_visitor(visitor_id: str) -> list[str]:
    return [item.room_id for item in RoomItem.visitor_index.query(visitor_id)]


def link_agent_room(link: AgentRoomItem) -> None:
    link.save()


def rooms_of_agent(agent_id: str, before_key: str | None, limit: int) -> list[AgentRoomItem]:
    condition = AgentRoomItem.created_key < before_key if before_key else None
    return list(
        AgentRoomItem.query(
            agent_id, range_key_condition=condition, scan_index_forward=False, limit=limit
        )
    )


def unlink_agent_room(agent_id: str, created_key: str) -> None:
    AgentRoomItem(agent_id, created_key).delete()


# ---- messages ----------------------------------------------------------------------------------


def save_message_once(message: MessageItem, client_key: KeyItem) -> None:
    """Store a message and claim its client_id together; ConditionFailed when already sent."""
    _transact([(client_key, KeyItem.key.does_not_exist()), (message, None)])


def get_message(room_id: str, seq: int) -> MessageItem | None:
    return _get(MessageItem, room_id, range_key=seq)


def messages_after(room_id: str, after: int, limit: int, now: float) -> list[MessageItem]:
    found = MessageItem.query(room_id, range_key_condition=MessageItem.seq > after, limit=limit)
    return [message for message in found if _alive(message, now)]


def delete_messages(room_id: str) -> int:
    """Delete every message of a room (and its idempotency keys)."""
    count = 0
    with MessageItem.batch_write() as messages, KeyItem.batch_write() as keys:
        for message in MessageItem.query(
            room_id, attributes_to_get=["room_id", "seq", "client_id"]
        ):
            messages.delete(message)
            keys.delete(KeyItem(client_key(room_id, message.client_id)))
            count += 1
    return count


def client_key(room_id: str, client_id: str) -> str:
    return f"client#{room_id}#{client_id}"
