"""The store in DynamoDB: team chat: staff rooms, their members and their messages."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.store.base import Changed, Taken
from chalicelib.store.records import (
    Connection,
    Message,
    MessageDraft,
    StaffAppended,
    StaffMember,
    StaffRoom,
)

if TYPE_CHECKING:
    pass
from chalicelib.store.dynamo.core import (
    APPEND_ATTEMPTS,
    STAFF_RETENTION_KEY,
    DynamoCore,
    _Condition,
    _conditional,
    _in_session,
    _record,
    _values,
    client_key,
    staff_name_key,
)


class TeamTables(DynamoCore):
    # ---- team chat (S5-S9, S22) ----------------------------------------------------------------

    def _staff_room_item(self, room: StaffRoom) -> Model:
        values = _values(room)
        values["direct_members"] = dict(room.direct_members)
        if room.name:
            values["name_key"] = room.name.casefold()
        if room.kind == "channel":
            values["listing"] = "channel"
        return self.m.StaffRoomItem(**values)

    def _staff_room(self, item: Model) -> StaffRoom:
        return _record(StaffRoom, item)

    def create_staff_room(self, room: StaffRoom, members: Iterable[StaffMember]) -> None:
        Item, Key = self.m.StaffRoomItem, self.m.KeyItem
        members = list(members)
        room = replace(room, members_count=len(members))
        claims = room.kind == "channel"
        for attempt in range(2):
            try:
                with _conditional(), TransactWrite(connection=self._connection) as transaction:
                    transaction.save(
                        self._staff_room_item(room), condition=Item.room_id.does_not_exist()
                    )
                    if claims:
                        claim = Key(staff_name_key(room.name), ref=room.room_id)
                        transaction.save(claim, condition=Key.key.does_not_exist())
                    for member in members:
                        transaction.save(self.m.StaffMemberItem(**_values(member)))
            except _Condition as exc:
                if claims and attempt == 0 and self._free_stale_name_claim(room.name):
                    continue
                raise Taken(room.name or room.room_id) from exc
            return

    def _free_stale_name_claim(self, name: str) -> bool:
        """Remove the name's claim unless a channel of that name holds it: groups claimed
        their names until 2026-12-07. True when the name may be free now."""
        Key = self.m.KeyItem
        claim = self._get(Key, staff_name_key(name))
        if claim is None:
            return True
        holder = self.get_staff_room(claim.ref or "")
        if holder is not None and holder.kind == "channel":
            return False  # a channel's claim moves with its renames: it is always its name
        with contextlib.suppress(_Condition), _conditional():
            claim.delete(condition=Key.ref == claim.ref)
        return True

    def _drop_name_claim(self, name: str, room_id: str) -> None:
        """Remove the name's claim if this room holds it (a group's may be held by a channel)."""
        Key = self.m.KeyItem
        with contextlib.suppress(_Condition), _conditional():
            Key(staff_name_key(name)).delete(condition=Key.ref == room_id)

    def get_staff_room(self, room_id: str) -> StaffRoom | None:
        item = self._get(self.m.StaffRoomItem, room_id)
        return self._staff_room(item) if item is not None else None

    def get_staff_rooms(self, room_ids: Iterable[str]) -> list[StaffRoom]:
        ids = sorted(set(room_ids))
        found = [self._staff_room(item) for item in self.m.StaffRoomItem.batch_get(ids)]
        return sorted(found, key=lambda r: r.room_id)

    def public_channels(self) -> list[StaffRoom]:
        return [self._staff_room(i) for i in self.m.StaffRoomItem.channel_index.query("channel")]

    def change_staff_room(
        self, room_id: str, *, name: str | None = None, topic: str | None = None
    ) -> StaffRoom:
        Item, Key = self.m.StaffRoomItem, self.m.KeyItem
        room = self.get_staff_room(room_id)
        if room is None:
            raise Changed(room_id)
        actions = []
        if topic is not None:
            actions.append(Item.topic.set(topic) if topic else Item.topic.remove())
        new_name = name if name is not None and name != room.name else None
        if new_name is not None:
            actions += [Item.name.set(new_name), Item.name_key.set(new_name.casefold())]
        if not actions:
            return room
        reclaims = (
            room.kind == "channel"
            and new_name is not None
            and new_name.casefold() != room.name.casefold()
        )
        for attempt in range(2):
            try:
                with _conditional(), TransactWrite(connection=self._connection) as transaction:
                    # Conditioned on the name read: a rename racing another frees the right claim.
                    transaction.update(Item(room_id), actions, condition=Item.name == room.name)
                    if reclaims and new_name is not None:
                        claim = Key(staff_name_key(new_name), ref=room_id)
                        transaction.save(claim, condition=Key.key.does_not_exist())
                        transaction.delete(Key(staff_name_key(room.name)))
            except _Condition as exc:
                if self.get_staff_room(room_id) is None:
                    raise Changed(room_id) from exc
                if reclaims and attempt == 0 and self._free_stale_name_claim(name or ""):
                    continue
                raise Taken(name or room_id) from exc
            break
        if room.kind != "channel" and new_name is not None:
            self._drop_name_claim(room.name, room_id)
        changed = self.get_staff_room(room_id)
        if changed is None:
            raise Changed(room_id)
        return changed

    def delete_staff_room(self, room_id: str) -> list[str]:
        Item, Member, Message_, Key = (
            self.m.StaffRoomItem,
            self.m.StaffMemberItem,
            self.m.MessageItem,
            self.m.KeyItem,
        )
        data = self._connection.delete_item(Item.Meta.table_name, room_id, return_values="ALL_OLD")
        attributes = data.get("Attributes")
        if not attributes:
            return []
        room = self._staff_room(Item.from_raw_data(attributes))
        if room.name:
            self._drop_name_claim(room.name, room_id)
        # Consistent: a leave just before the room went must not count as a member.
        last = list(
            Member.query(room_id, attributes_to_get=["room_id", "agent_id"], consistent_read=True)
        )
        with Member.batch_write() as members:
            for member in last:
                members.delete(member)
        with Message_.batch_write() as messages, Key.batch_write() as keys:
            for message in Message_.query(
                room_id, attributes_to_get=["room_id", "seq", "client_id"]
            ):
                messages.delete(message)
                keys.delete(Key(client_key(room_id, message.client_id)))
        return sorted(member.agent_id for member in last)

    def staff_member(self, room_id: str, agent_id: str) -> StaffMember | None:
        item = self._get(self.m.StaffMemberItem, room_id, agent_id)
        return _record(StaffMember, item) if item is not None else None

    def staff_members(self, room_id: str) -> list[StaffMember]:
        return [_record(StaffMember, item) for item in self.m.StaffMemberItem.query(room_id)]

    def staff_memberships(self, agent_id: str) -> list[StaffMember]:
        found = self.m.StaffMemberItem.agent_index.query(agent_id)
        return [_record(StaffMember, item) for item in found]

    def staff_members_among(self, room_id: str, agent_ids: Iterable[str]) -> set[str]:
        keys = [(room_id, agent_id) for agent_id in sorted(set(agent_ids))]
        if not keys:
            return set()
        found = self.m.StaffMemberItem.batch_get(keys, attributes_to_get=["agent_id"])
        return {item.agent_id for item in found}

    def add_staff_member(self, member: StaffMember) -> bool:
        Item, Member = self.m.StaffRoomItem, self.m.StaffMemberItem
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.update(
                    Item(member.room_id),
                    [Item.members_count.add(1)],
                    condition=Item.room_id.exists(),
                )
                transaction.save(
                    Member(**_values(member)), condition=Member.agent_id.does_not_exist()
                )
        except _Condition as exc:
            if self.get_staff_room(member.room_id) is None:
                raise Changed(member.room_id) from exc
            return False
        return True

    def remove_staff_member(self, room_id: str, agent_id: str) -> bool:
        Item, Member = self.m.StaffRoomItem, self.m.StaffMemberItem
        try:
            with _conditional(), TransactWrite(connection=self._connection) as transaction:
                transaction.delete(Member(room_id, agent_id), condition=Member.agent_id.exists())
                transaction.update(
                    Item(room_id), [Item.members_count.add(-1)], condition=Item.room_id.exists()
                )
        except _Condition:
            # No member (or the room is gone: its members went with it).
            return False
        return True

    def mark_staff_read(self, room_id: str, agent_id: str, seq: int) -> StaffMember | None:
        Member = self.m.StaffMemberItem
        item = Member(room_id, agent_id)
        try:
            with _conditional():
                item.update(
                    actions=[Member.read_seq.set(seq), Member.mentions.set(0)],
                    condition=Member.agent_id.exists() & (Member.read_seq < seq),
                )
        except _Condition:
            # Read further already (keep the marker) or no member at all.
            current = self.staff_member(room_id, agent_id)
            if current is None:
                return None
            if current.mentions:
                with contextlib.suppress(_Condition), _conditional():
                    item.update(
                        actions=[Member.mentions.set(0)], condition=Member.agent_id.exists()
                    )
                current = replace(current, mentions=0)
            return current
        return _record(StaffMember, item)

    def note_staff_mention(self, room_id: str, agent_id: str) -> None:
        Member = self.m.StaffMemberItem
        with contextlib.suppress(_Condition), _conditional():
            Member(room_id, agent_id).update(
                actions=[Member.mentions.add(1)], condition=Member.agent_id.exists()
            )

    def append_staff_message(self, room: StaffRoom, draft: MessageDraft) -> StaffAppended:
        Item, Key = self.m.StaffRoomItem, self.m.KeyItem
        current = room
        for _ in range(APPEND_ATTEMPTS):
            seq = current.last_seq + 1
            message = Message(room_id=room.room_id, seq=seq, **vars(draft))
            claim = Key(
                client_key(room.room_id, draft.client_id),
                ref=room.room_id,
                number=seq,
                expires_at=draft.expires_at,
            )
            try:
                with _conditional(), TransactWrite(connection=self._connection) as transaction:
                    transaction.update(
                        Item(room.room_id),
                        [Item.last_seq.set(seq), Item.last_message_at.set(draft.created_at)],
                        condition=Item.room_id.exists() & (Item.last_seq == current.last_seq),
                    )
                    transaction.save(self.m.MessageItem(**_values(message)))
                    transaction.save(claim, condition=Key.key.does_not_exist())
            except _Condition:
                fresh = self.get_staff_room(room.room_id)
                if fresh is None:
                    raise Changed(room.room_id) from None
                earlier = self.message_for_client_id(room.room_id, draft.client_id, 0)
                if earlier is not None:
                    return StaffAppended(earlier, False, fresh)
                current = fresh
                continue
            updated = replace(current, last_seq=seq, last_message_at=draft.created_at)
            return StaffAppended(message, True, updated)
        raise Changed(room.room_id)

    def change_staff_message(
        self,
        room_id: str,
        seq: int,
        author_id: str,
        not_before: str,
        *,
        text: str | None,
        changed_at: str,
    ) -> Message:
        Item = self.m.MessageItem
        if text is None:
            actions = [Item.text.set(""), Item.deleted_at.set(changed_at), Item.file.remove()]
        else:
            actions = [Item.text.set(text), Item.edited_at.set(changed_at)]
        item = Item(room_id, seq)
        try:
            with _conditional():
                item.update(
                    actions=actions,
                    condition=Item.seq.exists()
                    & (Item.author_id == author_id)
                    & (Item.created_at >= not_before)
                    & Item.deleted_at.does_not_exist(),
                )
        except _Condition as exc:
            raise Changed(f"{room_id}#{seq}") from exc
        return _record(Message, item)

    def online_agent_connections(self, now: float) -> list[Connection]:
        return _in_session(self.m.ConnectionItem.kind_index.query("agent"), now)

    def staff_retention_days(self) -> int | None:
        item = self._get(self.m.KeyItem, STAFF_RETENTION_KEY)
        return int(item.number) if item is not None and item.number is not None else None

    def set_staff_retention_days(self, days: int) -> None:
        self.m.KeyItem(STAFF_RETENTION_KEY, number=days).save()
