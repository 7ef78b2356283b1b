"""The store in DynamoDB: agents, their sessions and their sockets."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import (
    Agent,
    Connection,
    Cursor,
    Session,
    SocketTicket,
)

if TYPE_CHECKING:
    pass
from chalicelib.store.dynamo.core import (
    DynamoCore,
    _alive,
    _Condition,
    _conditional,
    _in_session,
    _record,
    _values,
    email_key,
    ticket_key,
)


class AgentsTables(DynamoCore):
    # ---- agents and sessions -------------------------------------------------------------------

    def _email_claim(self, agent: Agent) -> Model:
        return self.m.KeyItem(
            email_key(agent.email), ref=agent.agent_id, expires_at=agent.expires_at
        )

    def create_agent(self, agent: Agent) -> None:
        Key, Item = self.m.KeyItem, self.m.AgentItem
        try:
            self._transact(
                (self._email_claim(agent), Key.key.does_not_exist()),
                (Item(**_values(agent)), Item.agent_id.does_not_exist()),
            )
        except _Condition as exc:
            raise Taken(agent.email) from exc

    def replace_unverified_agent(self, former_id: str, agent: Agent) -> None:
        Key, Item = self.m.KeyItem, self.m.AgentItem
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.delete(
                    Item(former_id),
                    condition=Item.agent_id.does_not_exist() | (Item.state == "unverified"),
                )
                transaction.save(self._email_claim(agent), condition=Key.ref == former_id)
                transaction.save(Item(**_values(agent)), condition=Item.agent_id.does_not_exist())
        except _Condition as exc:
            raise Changed(former_id) from exc

    def verify_agent(self, agent_id: str, verification_hash: str, now: float) -> Agent:
        Key, Item = self.m.KeyItem, self.m.AgentItem
        agent = self.get_agent(agent_id)
        if agent is None:
            raise Changed(agent_id)
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    Item(agent_id),
                    [
                        Item.state.set("pending"),
                        Item.expires_at.remove(),
                        Item.verification_hash.remove(),
                    ],
                    condition=(Item.state == "unverified")
                    & (Item.verification_hash == verification_hash)
                    & (Item.expires_at > now),
                )
                transaction.update(
                    Key(email_key(agent.email)),
                    [Key.expires_at.remove()],
                    condition=Key.ref == agent_id,
                )
        except _Condition as exc:
            raise Changed(agent_id) from exc
        return replace(agent, state="pending", expires_at=None, verification_hash=None)

    def agent_id_for_email(self, email: str) -> str | None:
        key = self._get(self.m.KeyItem, email_key(email))
        return key.ref if key is not None else None

    def get_agent(self, agent_id: str) -> Agent | None:
        item = self._get(self.m.AgentItem, agent_id)
        return _record(Agent, item) if item is not None else None

    def get_agents(self, agent_ids: Iterable[str]) -> list[Agent]:
        ids = sorted(set(agent_ids))
        found = self.m.AgentItem.batch_get(ids) if ids else []
        return sorted((_record(Agent, item) for item in found), key=lambda a: a.agent_id)

    def agents_by_state(
        self, state: str, limit: int, start: Cursor | None
    ) -> tuple[list[Agent], Cursor | None]:
        result = self.m.AgentItem.state_index.query(state, limit=limit, last_evaluated_key=start)
        agents = [_record(Agent, item) for item in result]
        return agents, result.last_evaluated_key

    def _change_agent(
        self, agent_id: str, changes: dict[str, Any], condition: Condition | None = None
    ) -> Agent:
        Item = self.m.AgentItem
        actions = [getattr(Item, name).set(value) for name, value in changes.items()]
        guard = Item.agent_id.exists()
        if condition is not None:
            guard &= condition
        item = Item(agent_id)
        try:
            self._update(item, actions, guard)
        except _Condition as exc:
            raise Changed(agent_id) from exc
        return _record(Agent, item)

    def approve_agent(self, agent_id: str, role: str, departments: tuple[str, ...]) -> Agent:
        changes = {
            "state": "active",
            "role": role,
            "departments": list(departments),
            "available": True,
        }
        return self._change_agent(agent_id, changes, self.m.AgentItem.state == "pending")

    def change_agent(
        self,
        agent_id: str,
        *,
        name: str | None = None,
        settings: dict | None = None,
        role: str | None = None,
        departments: tuple[str, ...] | None = None,
        status: str | None = None,
        available: bool | None = None,
    ) -> Agent:
        changes = {
            "name": name,
            "settings": settings,
            "role": role,
            "departments": list(departments) if departments is not None else None,
            "status": status,
            "available": available,
        }
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            agent = self.get_agent(agent_id)
            if agent is None:
                raise Changed(agent_id)
            return agent
        return self._change_agent(agent_id, given)

    def disable_agent(self, agent_id: str) -> Agent:
        return self._change_agent(agent_id, {"state": "disabled", "available": False})

    def change_password(
        self, agent_id: str, password_hash: str, stamp: str, kept_session: str, former_hash: str
    ) -> Agent:
        changes = {
            "password_hash": password_hash,
            "password_stamp": stamp,
            "password_changed_in": kept_session,
        }
        return self._change_agent(agent_id, changes, self.m.AgentItem.password_hash == former_hash)

    def create_session(self, session: Session) -> None:
        self.m.SessionItem(**_values(session)).save()

    def get_session(self, session_id: str, now: float) -> Session | None:
        item = _alive(self._get(self.m.SessionItem, session_id), now)
        return _record(Session, item) if item is not None else None

    def end_session(self, session_id: str) -> None:
        self.m.SessionItem(session_id).delete()

    def sessions_of(self, agent_id: str, now: float) -> list[Session]:
        found = self.m.SessionItem.agent_index.query(agent_id)
        return [_record(Session, item) for item in found if _alive(item, now)]

    def touch_session(self, session_id: str, last_seen_at: str) -> None:
        Item = self.m.SessionItem
        seen_earlier = Item.last_seen_at.does_not_exist() | (Item.last_seen_at < last_seen_at)
        with contextlib.suppress(_Condition):
            self._update(
                Item(session_id),
                [Item.last_seen_at.set(last_seen_at)],
                Item.session_id.exists() & seen_earlier,
            )

    # ---- connections ---------------------------------------------------------------------------

    def add_connection(self, connection: Connection) -> None:
        self.m.ConnectionItem(**_values(connection)).save()

    def get_connection(self, connection_id: str, now: float) -> Connection | None:
        item = _alive(self._get(self.m.ConnectionItem, connection_id), now)
        return _record(Connection, item) if item is not None else None

    def touch_connection(
        self, connection_id: str, last_seen: float, expires_at: int, visible: bool = True
    ) -> Connection | None:
        Item = self.m.ConnectionItem
        try:
            with _conditional():
                data = self._connection.update_item(
                    Item.Meta.table_name,
                    connection_id,
                    actions=[
                        Item.last_seen.set(last_seen),
                        Item.expires_at.set(expires_at),
                        Item.visible.set(visible),
                    ],
                    condition=Item.connection_id.exists(),
                    return_values="ALL_OLD",
                )
        except _Condition:
            return None
        return _record(Connection, Item.from_raw_data(data["Attributes"]))

    def remove_connection(self, connection_id: str) -> Connection | None:
        Item = self.m.ConnectionItem
        data = self._connection.delete_item(
            Item.Meta.table_name, connection_id, return_values="ALL_OLD"
        )
        attributes = data.get("Attributes")
        return _record(Connection, Item.from_raw_data(attributes)) if attributes else None

    def connections_of(self, principal_id: str, now: float) -> list[Connection]:
        found = self.m.ConnectionItem.principal_index.query(principal_id)
        return _in_session(found, now)

    def erase_connections_of(self, principal_id: str) -> None:
        for item in self.m.ConnectionItem.principal_index.query(principal_id):
            self.remove_connection(item.connection_id)

    def issue_socket_ticket(self, ticket_hash: str, ticket: SocketTicket) -> None:
        holder = f"{ticket.kind}#{ticket.principal_id}#{ticket.session_id or ''}"
        self.m.KeyItem(ticket_key(ticket_hash), ref=holder, expires_at=ticket.expires_at).save()

    def take_socket_ticket(self, ticket_hash: str, now: float) -> SocketTicket | None:
        # One conditional DeleteItem returning what it deleted: of racing sockets only one
        # deletes the item (an unconditional delete may answer both with the old item).
        Key = self.m.KeyItem
        try:
            with _conditional():
                data = self._connection.delete_item(
                    Key.Meta.table_name,
                    ticket_key(ticket_hash),
                    condition=Key.key.exists(),
                    return_values="ALL_OLD",
                )
        except _Condition:
            return None
        attributes = data.get("Attributes")
        item = _alive(Key.from_raw_data(attributes), now) if attributes else None
        if item is None:
            return None
        kind, principal_id, session_id = item.ref.split("#", 2)
        return SocketTicket(kind, principal_id, session_id or None, int(item.expires_at))

    def update_agent_connections(self, agent: Agent, counts: bool, now: float) -> None:
        Item = self.m.ConnectionItem
        actions = [
            Item.name.set(agent.name),
            Item.role.set(agent.role),
            Item.departments.set(list(agent.departments)),
            Item.status.set(agent.status),
            Item.counts.set(counts),
        ]
        for connection in self.connections_of(agent.agent_id, now):
            with contextlib.suppress(_Condition):  # closed meanwhile
                self._update(Item(connection.connection_id), actions, Item.connection_id.exists())
