"""The store in memory: team chat: staff rooms, their members and their messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from chalicelib.store.base import Changed, Taken
from chalicelib.store.memory.core import (
    MemoryCore,
    _alive,
    _in_session,
    _locked,
)
from chalicelib.store.records import (
    Connection,
    Message,
    MessageDraft,
    StaffAppended,
    StaffMember,
    StaffRoom,
)


class TeamDicts(MemoryCore):
    # ---- team chat (S5-S9, S22) ----------------------------------------------------------------

    @_locked
    def create_staff_room(self, room: StaffRoom, members: Iterable[StaffMember]) -> None:
        claims = room.kind == "channel"
        name_key = room.name.casefold()
        if room.room_id in self._staff_rooms or (claims and name_key in self._staff_names):
            raise Taken(room.name or room.room_id)
        members = list(members)
        self._staff_rooms[room.room_id] = replace(room, members_count=len(members))
        if claims:
            self._staff_names[name_key] = room.room_id
        self._messages[room.room_id] = {}
        for member in members:
            self._staff_members[(room.room_id, member.agent_id)] = member

    @_locked
    def get_staff_room(self, room_id: str) -> StaffRoom | None:
        return self._staff_rooms.get(room_id)

    @_locked
    def get_staff_rooms(self, room_ids: Iterable[str]) -> list[StaffRoom]:
        return [self._staff_rooms[i] for i in sorted(set(room_ids)) if i in self._staff_rooms]

    @_locked
    def public_channels(self) -> list[StaffRoom]:
        channels = (r for r in self._staff_rooms.values() if r.kind == "channel")
        return sorted(channels, key=lambda r: r.name.casefold())

    @_locked
    def change_staff_room(
        self, room_id: str, *, name: str | None = None, topic: str | None = None
    ) -> StaffRoom:
        room = self._staff_rooms.get(room_id)
        if room is None:
            raise Changed(room_id)
        renamed = name is not None and name.casefold() != room.name.casefold()
        if room.kind == "channel" and renamed and name is not None:
            if name.casefold() in self._staff_names:
                raise Taken(name)
            del self._staff_names[room.name.casefold()]
            self._staff_names[name.casefold()] = room_id
        if name is not None:
            room = replace(room, name=name)
        if topic is not None:
            room = replace(room, topic=topic or None)
        self._staff_rooms[room_id] = room
        return room

    @_locked
    def delete_staff_room(self, room_id: str) -> list[str]:
        room = self._staff_rooms.pop(room_id, None)
        if room is None:
            return []
        if self._staff_names.get(room.name.casefold()) == room_id:
            del self._staff_names[room.name.casefold()]
        last = sorted(k for k in self._staff_members if k[0] == room_id)
        for key in last:
            del self._staff_members[key]
        self._messages.pop(room_id, None)
        for key in [k for k in self._client_ids if k[0] == room_id]:
            del self._client_ids[key]
        return [agent_id for _, agent_id in last]

    @_locked
    def staff_member(self, room_id: str, agent_id: str) -> StaffMember | None:
        return self._staff_members.get((room_id, agent_id))

    @_locked
    def staff_members(self, room_id: str) -> list[StaffMember]:
        found = (m for (r, _), m in self._staff_members.items() if r == room_id)
        return sorted(found, key=lambda m: m.agent_id)

    @_locked
    def staff_memberships(self, agent_id: str) -> list[StaffMember]:
        found = (m for (_, a), m in self._staff_members.items() if a == agent_id)
        return sorted(found, key=lambda m: m.room_id)

    @_locked
    def staff_members_among(self, room_id: str, agent_ids: Iterable[str]) -> set[str]:
        return {a for a in agent_ids if (room_id, a) in self._staff_members}

    @_locked
    def add_staff_member(self, member: StaffMember) -> bool:
        room = self._staff_rooms.get(member.room_id)
        if room is None:
            raise Changed(member.room_id)
        if (member.room_id, member.agent_id) in self._staff_members:
            return False
        self._staff_members[(member.room_id, member.agent_id)] = member
        self._staff_rooms[room.room_id] = replace(room, members_count=room.members_count + 1)
        return True

    @_locked
    def remove_staff_member(self, room_id: str, agent_id: str) -> bool:
        if self._staff_members.pop((room_id, agent_id), None) is None:
            return False
        room = self._staff_rooms.get(room_id)
        if room is not None:
            self._staff_rooms[room_id] = replace(room, members_count=room.members_count - 1)
        return True

    @_locked
    def mark_staff_read(self, room_id: str, agent_id: str, seq: int) -> StaffMember | None:
        member = self._staff_members.get((room_id, agent_id))
        if member is None:
            return None
        member = replace(member, read_seq=max(member.read_seq, seq), mentions=0)
        self._staff_members[(room_id, agent_id)] = member
        return member

    @_locked
    def note_staff_mention(self, room_id: str, agent_id: str) -> None:
        member = self._staff_members.get((room_id, agent_id))
        if member is not None:
            self._staff_members[(room_id, agent_id)] = replace(member, mentions=member.mentions + 1)

    @_locked
    def append_staff_message(self, room: StaffRoom, draft: MessageDraft) -> StaffAppended:
        stored = self._staff_rooms.get(room.room_id)
        if stored is None:
            raise Changed(room.room_id)
        earlier = self._client_ids.get((room.room_id, draft.client_id))
        if earlier is not None:
            return StaffAppended(self._messages[room.room_id][earlier], False, stored)
        seq = stored.last_seq + 1
        message = Message(room_id=room.room_id, seq=seq, **vars(draft))
        self._messages[room.room_id][seq] = message
        self._client_ids[(room.room_id, draft.client_id)] = seq
        updated = replace(stored, last_seq=seq, last_message_at=draft.created_at)
        self._staff_rooms[room.room_id] = updated
        return StaffAppended(message, True, updated)

    @_locked
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
        message = self._messages.get(room_id, {}).get(seq)
        if (
            message is None
            or message.deleted_at is not None
            or message.author_id != author_id
            or message.created_at < not_before
        ):
            raise Changed(f"{room_id}#{seq}")
        if text is None:
            message = replace(message, text="", deleted_at=changed_at, file=None)
        else:
            message = replace(message, text=text, edited_at=changed_at)
        self._messages[room_id][seq] = message
        return message

    @_locked
    def online_agent_connections(self, now: float) -> list[Connection]:
        found = (_alive(c, now) for c in self._connections.values() if c.kind == "agent")
        live = (c for c in found if c is not None and _in_session(c, now))
        return sorted(live, key=lambda c: c.connection_id)

    @_locked
    def staff_retention_days(self) -> int | None:
        return self._staff_retention

    @_locked
    def set_staff_retention_days(self, days: int) -> None:
        self._staff_retention = days
