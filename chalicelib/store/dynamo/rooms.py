"""The store in DynamoDB: livechat rooms and their messages."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.store.base import Changed, Closed, Taken
from chalicelib.store.records import (
    AgentRoom,
    Appended,
    Department,
    Message,
    MessageDraft,
    Room,
)

if TYPE_CHECKING:
    pass
from chalicelib.store.dynamo.core import (
    APPEND_ATTEMPTS,
    DEPARTMENT_ROOMS_PAGE,
    DynamoCore,
    _alive,
    _Condition,
    _conditional,
    _record,
    _values,
    client_key,
    department_key,
)


class RoomsTables(DynamoCore):
    # ---- rooms ---------------------------------------------------------------------------------

    def _room_item(self, room: Room) -> Model:
        values = _values(room)
        if room.state == "queued":
            values["queue_department"] = room.department_id  # the sparse queue index's key
        return self.m.RoomItem(**values)

    def create_room(self, room: Room, first: MessageDraft | None) -> Appended | None:
        Item = self.m.RoomItem
        new_room = (self._room_item(room), Item.room_id.does_not_exist())
        if first is None:
            try:
                self._transact(new_room, (self._department_link(room, room.department_id), None))
            except _Condition as exc:
                raise Taken(room.room_id) from exc
            return None
        created = replace(room, last_seq=1, message_count=int(first.author_kind != "system"))
        message = Message(room_id=room.room_id, seq=1, **vars(first))
        try:
            self._transact(
                (self._room_item(created), Item.room_id.does_not_exist()),
                (self._department_link(room, room.department_id), None),
                (self.m.MessageItem(**_values(message)), None),
                (self._claim(message), None),
            )
        except _Condition as exc:
            raise Taken(room.room_id) from exc
        return Appended(message, True, created)

    def _department_link(
        self, room: Room, department_id: str, retention_hours: int | None = None
    ) -> Model:
        """The room in its department's list, kept while the room may be: until its idle end,
        and after that as long as a close then would keep it (the department's retention, the
        room's own unless it moves into another department)."""
        retention = room.retention_hours if retention_hours is None else retention_hours
        return self.m.AgentRoomItem(
            department_key(department_id),
            room.created_key,
            room_id=room.room_id,
            expires_at=room.expires_at + retention * 3600,
        )

    def _claim(self, message: Message) -> Model:
        """The client_id's claim: a resend finds the message by it."""
        return self.m.KeyItem(
            client_key(message.room_id, message.client_id),
            ref=message.room_id,
            number=message.seq,
            expires_at=message.expires_at,
        )

    def get_room(self, room_id: str, now: float) -> Room | None:
        item = _alive(self._get(self.m.RoomItem, room_id), now)
        return _record(Room, item) if item is not None else None

    def get_rooms(self, room_ids: Iterable[str], now: float) -> list[Room]:
        ids = sorted(set(room_ids))
        found = self.m.RoomItem.batch_get(ids) if ids else []
        rooms = [_record(Room, item) for item in found if _alive(item, now)]
        return sorted(rooms, key=lambda r: r.room_id)

    def rooms_to_erase(self, room_ids: Iterable[str]) -> list[Room]:
        ids = sorted(set(room_ids))
        found = self.m.RoomItem.batch_get(ids) if ids else []
        return sorted((_record(Room, item) for item in found), key=lambda r: r.room_id)

    def _change_room(
        self,
        room: Room,
        actions: list,
        condition: Condition,
        links: tuple[Model, ...] = (),
        unlinks: tuple[Model, ...] = (),
    ) -> Room:
        """Apply `actions` while `condition` holds; with `links` to put or `unlinks` to delete,
        in the same transaction (the room then is as read, changed by the caller's knowledge)."""
        Item = self.m.RoomItem
        item = Item(room.room_id)
        actions = [*actions, Item.version.add(1)]
        guard = Item.room_id.exists() & condition
        try:
            if not links and not unlinks:
                self._update(item, actions, guard)
                return _record(Room, item)
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(item, actions, condition=guard)
                for link in links:
                    transaction.save(link)
                for unlink in unlinks:
                    transaction.delete(unlink)
        except _Condition as exc:
            raise Changed(room.room_id) from exc
        return replace(room, version=room.version + 1)

    def _link(self, agent_id: str, room: Room, expires_at: int) -> Model:
        return self.m.AgentRoomItem(
            agent_id, room.created_key, room_id=room.room_id, expires_at=expires_at
        )

    def _agent_leaves(self, room: Room) -> list:
        Item = self.m.RoomItem
        return [Item.live[c].remove() for c in room.connections_of(room.agent_id)]

    def _served_by_same_agent(self, room: Room) -> Condition:
        Item = self.m.RoomItem
        return (Item.state == "open") & (Item.agent_id == room.agent_id)

    def take_room(
        self,
        room: Room,
        agent_id: str,
        agent_name: str,
        taken_at: str,
        connections: tuple[str, ...],
        link_expires_at: int,
        agent_shown: str | None = None,
    ) -> Room:
        Item = self.m.RoomItem
        taken = self._change_room(
            room,
            [
                Item.state.set("open"),
                Item.agent_id.set(agent_id),
                Item.agent_name.set(agent_name),
                self._shown_action(agent_shown),
                Item.served_by.add({agent_id}),
                Item.taken_at.set(taken_at),
                Item.queue_department.remove(),
                Item.queued_key.remove(),
                *(Item.live[c].set(agent_id) for c in connections),
            ],
            (Item.state == "queued") & (Item.version == room.version),
            links=(self._link(agent_id, room, link_expires_at),),
        )
        return replace(
            taken,
            state="open",
            agent_id=agent_id,
            agent_name=agent_name,
            agent_shown=agent_shown,
            served_by=room.served_by | {agent_id},
            taken_at=taken_at,
            queued_key=None,
            live={**room.live, **dict.fromkeys(connections, agent_id)},
        )

    def return_room(self, room: Room, queued_at: str) -> Room:
        Item = self.m.RoomItem
        return self._change_room(
            room,
            [
                Item.state.set("queued"),
                Item.agent_id.remove(),
                Item.agent_name.remove(),
                Item.queue_department.set(room.department_id),
                Item.queued_key.set(room.created_key),
                Item.queued_at.set(queued_at),
                *self._agent_leaves(room),
            ],
            self._served_by_same_agent(room),
        )

    def forward_room_to_agent(
        self,
        room: Room,
        agent_id: str,
        agent_name: str,
        connections: tuple[str, ...],
        link_expires_at: int,
        department: Department | None = None,
        handover: Mapping[str, str] | None = None,
        agent_shown: str | None = None,
    ) -> Room:
        Item = self.m.RoomItem
        moves = []
        links = [self._link(agent_id, room, link_expires_at)]
        unlinks = []
        if department is not None:
            moves = [
                Item.department_id.set(department.department_id),
                Item.retention_hours.set(department.retention_hours),
            ]
            # Only a move changes the link (a transaction may not touch one item twice).
            if department.department_id != room.department_id:
                link = self._department_link(
                    room, department.department_id, department.retention_hours
                )
                links.append(link)
                unlinks.append(self._department_link(room, room.department_id))
        forwarded = self._change_room(
            room,
            [
                Item.agent_id.set(agent_id),
                Item.agent_name.set(agent_name),
                self._shown_action(agent_shown),
                Item.served_by.add({agent_id}),
                *self._agent_leaves(room),
                *(Item.live[c].set(agent_id) for c in connections),
                *moves,
                self._handover_action(handover),
            ],
            self._served_by_same_agent(room),
            links=tuple(links),
            unlinks=tuple(unlinks),
        )
        staying = {c: p for c, p in room.live.items() if p != room.agent_id}
        if department is not None:
            forwarded = replace(
                forwarded,
                department_id=department.department_id,
                retention_hours=department.retention_hours,
            )
        return replace(
            forwarded,
            agent_id=agent_id,
            agent_name=agent_name,
            agent_shown=agent_shown,
            handover=handover,
            served_by=room.served_by | {agent_id},
            live={**staying, **dict.fromkeys(connections, agent_id)},
        )

    def _shown_action(self, agent_shown: str | None) -> Any:
        Item = self.m.RoomItem
        return Item.agent_shown.set(agent_shown) if agent_shown else Item.agent_shown.remove()

    def _handover_action(self, handover: Mapping[str, str] | None) -> Any:
        Item = self.m.RoomItem
        return Item.handover.set(dict(handover)) if handover else Item.handover.remove()

    def forward_room_to_department(
        self,
        room: Room,
        department_id: str,
        queued_key: str,
        queued_at: str,
        retention_hours: int,
        handover: Mapping[str, str] | None = None,
    ) -> Room:
        Item = self.m.RoomItem
        forwarded = self._change_room(
            room,
            [
                Item.state.set("queued"),
                Item.department_id.set(department_id),
                Item.agent_id.remove(),
                Item.agent_name.remove(),
                Item.queue_department.set(department_id),
                Item.queued_key.set(queued_key),
                Item.queued_at.set(queued_at),
                Item.retention_hours.set(retention_hours),
                *self._agent_leaves(room),
                self._handover_action(handover),
            ],
            self._served_by_same_agent(room),
            links=(self._department_link(room, department_id, retention_hours),),
            unlinks=(self._department_link(room, room.department_id),),
        )
        return replace(
            forwarded,
            state="queued",
            department_id=department_id,
            agent_id=None,
            agent_name=None,
            queued_key=queued_key,
            queued_at=queued_at,
            retention_hours=retention_hours,
            live={c: p for c, p in room.live.items() if p != room.agent_id},
            handover=handover,
        )

    def close_room(
        self, room: Room, closed_at: str, closed_by: str, comment: str | None, expires_at: int
    ) -> Room:
        Item = self.m.RoomItem
        actions = [
            Item.state.set("closed"),
            Item.closed_at.set(closed_at),
            Item.closed_by.set(closed_by),
            Item.queue_department.remove(),
            Item.queued_key.remove(),
            Item.expires_at.set(expires_at),
        ]
        if comment:
            actions.append(Item.comment.set(comment))
        return self._change_room(room, actions, Item.state == room.state)

    def rate_room(self, room: Room, score: int, comment: str | None) -> Room:
        Item = self.m.RoomItem
        actions = [Item.rating.set(score)]
        if comment:
            actions.append(Item.rating_comment.set(comment))
        rated = self._change_room(
            room, actions, (Item.state != "queued") & Item.rating.does_not_exist()
        )
        return replace(rated, rating=score, rating_comment=comment)

    def listen(self, room_id: str, connection_id: str, principal_id: str) -> None:
        Item = self.m.RoomItem
        with contextlib.suppress(_Condition):  # deleted meanwhile
            self._update(
                Item(room_id), [Item.live[connection_id].set(principal_id)], Item.room_id.exists()
            )

    def mark_hidden(self, room_id: str, connection_id: str, hidden: bool) -> None:
        Item = self.m.RoomItem
        change = Item.hidden.add if hidden else Item.hidden.delete
        with contextlib.suppress(_Condition):  # deleted meanwhile
            self._update(Item(room_id), [change({connection_id})], Item.room_id.exists())

    def stop_listening(self, room_id: str, connection_id: str) -> None:
        Item = self.m.RoomItem
        with contextlib.suppress(_Condition):  # deleted meanwhile
            self._update(Item(room_id), [Item.live[connection_id].remove()], Item.room_id.exists())

    def delete_room(self, room: Room, only_if_closed: bool) -> None:
        Item, Message_, Key = self.m.RoomItem, self.m.MessageItem, self.m.KeyItem
        condition = Item.room_id.exists()
        if only_if_closed:
            condition &= Item.state == "closed"
        try:
            with _conditional():
                Item(room.room_id).delete(condition=condition)
        except _Condition as exc:
            raise Changed(room.room_id) from exc
        with Message_.batch_write() as messages, Key.batch_write() as keys:
            for message in Message_.query(
                room.room_id, attributes_to_get=["room_id", "seq", "client_id"]
            ):
                messages.delete(message)
                keys.delete(Key(client_key(room.room_id, message.client_id)))
        for agent_id in room.served_by:
            self.m.AgentRoomItem(agent_id, room.created_key).delete()
        self._department_link(room, room.department_id).delete()

    def queued_rooms(self, department_id: str, limit: int, now: float) -> list[Room]:
        Item = self.m.RoomItem
        found = Item.queue_index.query(
            department_id, filter_condition=Item.expires_at > now, limit=limit
        )
        return [_record(Room, item) for item in found]

    def expired_queued_rooms(self, department_id: str, now: float, limit: int) -> list[Room]:
        Item = self.m.RoomItem
        found = Item.queue_index.query(
            department_id, filter_condition=Item.expires_at <= now, limit=limit
        )
        return [_record(Room, item) for item in found]

    def queue_position(self, department_id: str, queued_key: str, now: float) -> int:
        Item = self.m.RoomItem
        return Item.queue_index.count(
            department_id,
            range_key_condition=Item.queued_key <= queued_key,
            filter_condition=Item.expires_at > now,
        )

    def rooms_of_department(self, department_id: str, before_key: str | None) -> Iterator[Room]:
        Link = self.m.AgentRoomItem
        condition = Link.created_key < before_key if before_key else None
        links = Link.query(
            department_key(department_id),
            range_key_condition=condition,
            scan_index_forward=False,
            page_size=DEPARTMENT_ROOMS_PAGE,
        )
        for page in itertools.batched(links, DEPARTMENT_ROOMS_PAGE, strict=False):
            found = {
                item.room_id: item
                for item in self.m.RoomItem.batch_get([link.room_id for link in page])
            }
            # A room gone by TTL has no item; its link stays until its own expiry.
            yield from (
                _record(Room, found[link.room_id]) for link in page if link.room_id in found
            )

    def room_ids_of_visitor(self, visitor_id: str) -> list[str]:
        return [item.room_id for item in self.m.RoomItem.visitor_index.query(visitor_id)]

    def rooms_of_agent(
        self, agent_id: str, before_key: str | None, limit: int | None
    ) -> list[AgentRoom]:
        Item = self.m.AgentRoomItem
        condition = Item.created_key < before_key if before_key else None
        found = Item.query(
            agent_id, range_key_condition=condition, scan_index_forward=False, limit=limit
        )
        return [AgentRoom(item.agent_id, item.created_key, item.room_id) for item in found]

    # ---- messages ------------------------------------------------------------------------------

    def append_message(
        self, room: Room, draft: MessageDraft, room_expires_at: int | None
    ) -> Appended:
        Item, Key = self.m.RoomItem, self.m.KeyItem
        current = room
        for _ in range(APPEND_ATTEMPTS):
            seq = current.last_seq + 1
            actions = [Item.last_seq.set(seq)]
            if draft.author_kind != "system":
                actions.append(Item.message_count.add(1))
            if draft.file is not None:
                actions.append(Item.file_count.add(1))
            # The seq condition below makes this decide once: a racing message changes it.
            first_response = draft.author_kind == "agent" and current.first_response_at is None
            if first_response:
                actions.append(Item.first_response_at.set(draft.created_at))
            condition = Item.room_id.exists() & (Item.last_seq == current.last_seq)
            if room_expires_at is not None:
                actions.append(Item.expires_at.set(room_expires_at))
                condition &= Item.state != "closed"
            message = Message(room_id=room.room_id, seq=seq, **vars(draft))
            try:
                with _conditional(), TransactWrite(connection=self._connection) as transaction:
                    transaction.update(Item(room.room_id), actions, condition=condition)
                    transaction.save(self.m.MessageItem(**_values(message)))
                    if draft.claims_client_id:
                        claim = self._claim(message)
                        transaction.save(claim, condition=Key.key.does_not_exist())
            except _Condition:
                fresh = self.get_room(room.room_id, 0)
                earlier = self.message_for_client_id(room.room_id, draft.client_id, 0)
                if earlier is not None and fresh is not None:
                    return Appended(earlier, False, fresh)
                if fresh is None or (room_expires_at is not None and fresh.state == "closed"):
                    raise Closed(room.room_id) from None
                current = fresh
                continue
            stored = replace(
                current,
                last_seq=seq,
                message_count=current.message_count + (draft.author_kind != "system"),
                file_count=current.file_count + (draft.file is not None),
                first_response_at=draft.created_at if first_response else current.first_response_at,
            )
            if room_expires_at is not None:
                stored = replace(stored, expires_at=room_expires_at)
            return Appended(message, True, stored, first_response)
        raise Changed(room.room_id)

    def message_for_client_id(self, room_id: str, client_id: str, now: float) -> Message | None:
        claim = _alive(self._get(self.m.KeyItem, client_key(room_id, client_id)), now)
        if claim is None:
            return None
        item = _alive(self._get(self.m.MessageItem, room_id, int(claim.number)), now)
        return _record(Message, item) if item is not None else None

    def messages_after(self, room_id: str, after: int, limit: int, now: float) -> list[Message]:
        Item = self.m.MessageItem
        # Strongly consistent: a message is readable as soon as any later one is, and a client
        # catching up must not miss the newest (an eventually consistent read may).
        found = Item.query(
            room_id, range_key_condition=Item.seq > after, limit=limit, consistent_read=True
        )
        return [_record(Message, item) for item in found if _alive(item, now)]
