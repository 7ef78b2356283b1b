"""The store in memory: livechat rooms and their messages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from chalicelib.store.base import Changed, Closed, Taken
from chalicelib.store.memory.core import (
    MemoryCore,
    _alive,
    _locked,
)
from chalicelib.store.records import (
    AgentRoom,
    Appended,
    Department,
    Message,
    MessageDraft,
    Room,
)


class RoomsDicts(MemoryCore):
    # ---- rooms ---------------------------------------------------------------------------------

    @_locked
    def create_room(self, room: Room, first: MessageDraft | None) -> Appended | None:
        if room.room_id in self._rooms:
            raise Taken(room.room_id)
        self._rooms[room.room_id] = room
        self._messages[room.room_id] = {}
        return self.append_message(room, first, None) if first is not None else None

    @_locked
    def get_room(self, room_id: str, now: float) -> Room | None:
        return _alive(self._rooms.get(room_id), now)

    @_locked
    def get_rooms(self, room_ids: Iterable[str], now: float) -> list[Room]:
        found = (_alive(self._rooms.get(i), now) for i in sorted(set(room_ids)))
        return [room for room in found if room is not None]

    @_locked
    def rooms_to_erase(self, room_ids: Iterable[str]) -> list[Room]:
        return [self._rooms[i] for i in sorted(set(room_ids)) if i in self._rooms]

    def _write_room(self, room: Room, holds: Callable[[Room], bool], **changes: Any) -> Room:
        stored = self._rooms.get(room.room_id)
        if stored is None or not holds(stored):
            raise Changed(room.room_id)
        updated = replace(stored, version=stored.version + 1, **changes)
        self._rooms[room.room_id] = updated
        return updated

    def _served_by_same_agent(self, room: Room) -> Callable[[Room], bool]:
        return lambda stored: stored.state == "open" and stored.agent_id == room.agent_id

    def _link(self, agent_id: str, room: Room) -> None:
        self._links[(agent_id, room.created_key)] = AgentRoom(
            agent_id, room.created_key, room.room_id
        )

    @_locked
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
        stored = self._rooms.get(room.room_id, room)
        taken = self._write_room(
            room,
            lambda stored: stored.state == "queued" and stored.version == room.version,
            state="open",
            agent_id=agent_id,
            agent_name=agent_name,
            agent_shown=agent_shown,
            served_by=room.served_by | {agent_id},
            taken_at=taken_at,
            queued_key=None,
            live={**stored.live, **dict.fromkeys(connections, agent_id)},
        )
        self._link(agent_id, taken)
        return taken

    def _without_agent(self, room: Room) -> dict[str, str]:
        stored = self._rooms.get(room.room_id, room)
        return {c: p for c, p in stored.live.items() if p != room.agent_id}

    @_locked
    def return_room(self, room: Room, queued_at: str) -> Room:
        return self._write_room(
            room,
            self._served_by_same_agent(room),
            state="queued",
            agent_id=None,
            agent_name=None,
            queued_key=room.created_key,
            queued_at=queued_at,
            live=self._without_agent(room),
        )

    @_locked
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
        stored = self._rooms.get(room.room_id)
        served_by = (stored.served_by if stored else room.served_by) | {agent_id}
        moves = {}
        if department is not None:
            moves = {
                "department_id": department.department_id,
                "retention_hours": department.retention_hours,
            }
        forwarded = self._write_room(
            room,
            self._served_by_same_agent(room),
            agent_id=agent_id,
            agent_name=agent_name,
            agent_shown=agent_shown,
            served_by=served_by,
            live={**self._without_agent(room), **dict.fromkeys(connections, agent_id)},
            handover=handover,
            **moves,
        )
        self._link(agent_id, forwarded)
        return forwarded

    @_locked
    def forward_room_to_department(
        self,
        room: Room,
        department_id: str,
        queued_key: str,
        queued_at: str,
        retention_hours: int,
        handover: Mapping[str, str] | None = None,
    ) -> Room:
        return self._write_room(
            room,
            self._served_by_same_agent(room),
            state="queued",
            department_id=department_id,
            agent_id=None,
            agent_name=None,
            queued_key=queued_key,
            queued_at=queued_at,
            retention_hours=retention_hours,
            live=self._without_agent(room),
            handover=handover,
        )

    @_locked
    def close_room(
        self, room: Room, closed_at: str, closed_by: str, comment: str | None, expires_at: int
    ) -> Room:
        changes: dict[str, Any] = {"comment": comment} if comment else {}
        return self._write_room(
            room,
            lambda stored: stored.state == room.state,
            state="closed",
            closed_at=closed_at,
            closed_by=closed_by,
            queued_key=None,
            expires_at=expires_at,
            **changes,
        )

    @_locked
    def rate_room(self, room: Room, score: int, comment: str | None) -> Room:
        return self._write_room(
            room,
            lambda stored: stored.state != "queued" and stored.rating is None,
            rating=score,
            rating_comment=comment,
        )

    @_locked
    def listen(self, room_id: str, connection_id: str, principal_id: str) -> None:
        stored = self._rooms.get(room_id)
        if stored is not None:
            live = {**stored.live, connection_id: principal_id}
            self._rooms[room_id] = replace(stored, live=live)

    @_locked
    def mark_hidden(self, room_id: str, connection_id: str, hidden: bool) -> None:
        stored = self._rooms.get(room_id)
        if stored is not None:
            others = stored.hidden - {connection_id}
            self._rooms[room_id] = replace(
                stored, hidden=others | {connection_id} if hidden else others
            )

    @_locked
    def stop_listening(self, room_id: str, connection_id: str) -> None:
        stored = self._rooms.get(room_id)
        if stored is not None:
            live = {c: p for c, p in stored.live.items() if c != connection_id}
            self._rooms[room_id] = replace(stored, live=live)

    @_locked
    def delete_room(self, room: Room, only_if_closed: bool) -> None:
        stored = self._rooms.get(room.room_id)
        if stored is None or (only_if_closed and stored.state != "closed"):
            raise Changed(room.room_id)
        del self._rooms[room.room_id]
        self._messages.pop(room.room_id, None)
        for key in [k for k in self._client_ids if k[0] == room.room_id]:
            del self._client_ids[key]
        for agent_id in stored.served_by:
            self._links.pop((agent_id, stored.created_key), None)

    @_locked
    def queued_rooms(self, department_id: str, limit: int, now: float) -> list[Room]:
        queued = [
            r
            for r in self._rooms.values()
            if r.state == "queued" and r.department_id == department_id and r.expires_at > now
        ]
        return sorted(queued, key=lambda r: r.queued_key or "")[:limit]

    @_locked
    def expired_queued_rooms(self, department_id: str, now: float, limit: int) -> list[Room]:
        expired = [
            r
            for r in self._rooms.values()
            if r.state == "queued" and r.department_id == department_id and r.expires_at <= now
        ]
        return sorted(expired, key=lambda r: r.queued_key or "")[:limit]

    @_locked
    def queue_position(self, department_id: str, queued_key: str, now: float) -> int:
        return sum(
            1
            for r in self._rooms.values()
            if r.state == "queued"
            and r.department_id == department_id
            and (r.queued_key or "") <= queued_key
            and r.expires_at > now
        )

    def rooms_of_department(self, department_id: str, before_key: str | None) -> Iterator[Room]:
        with self._lock:
            found = [
                r
                for r in self._rooms.values()
                if r.department_id == department_id
                and (before_key is None or r.created_key < before_key)
            ]
        return iter(sorted(found, key=lambda r: r.created_key, reverse=True))

    @_locked
    def room_ids_of_visitor(self, visitor_id: str) -> list[str]:
        rooms = [r for r in self._rooms.values() if r.visitor_id == visitor_id]
        return [r.room_id for r in sorted(rooms, key=lambda r: r.created_key)]

    @_locked
    def rooms_of_agent(
        self, agent_id: str, before_key: str | None, limit: int | None
    ) -> list[AgentRoom]:
        links = [
            link
            for (owner, key), link in self._links.items()
            if owner == agent_id and (before_key is None or key < before_key)
        ]
        links.sort(key=lambda link: link.created_key, reverse=True)
        return links if limit is None else links[:limit]

    # ---- messages ------------------------------------------------------------------------------

    @_locked
    def append_message(
        self, room: Room, draft: MessageDraft, room_expires_at: int | None
    ) -> Appended:
        stored = self._rooms.get(room.room_id)
        earlier = self._client_ids.get((room.room_id, draft.client_id))
        if earlier is not None and stored is not None:
            return Appended(self._messages[room.room_id][earlier], False, stored)
        if stored is None or (room_expires_at is not None and stored.state == "closed"):
            raise Closed(room.room_id)
        seq = stored.last_seq + 1
        message = Message(room_id=room.room_id, seq=seq, **vars(draft))
        self._messages[room.room_id][seq] = message
        if draft.claims_client_id:
            self._client_ids[(room.room_id, draft.client_id)] = seq
        first_response = draft.author_kind == "agent" and stored.first_response_at is None
        updated = replace(
            stored,
            last_seq=seq,
            message_count=stored.message_count + (draft.author_kind != "system"),
            file_count=stored.file_count + (draft.file is not None),
            first_response_at=draft.created_at if first_response else stored.first_response_at,
        )
        if room_expires_at is not None:
            updated = replace(updated, expires_at=room_expires_at)
        self._rooms[room.room_id] = updated
        return Appended(message, True, updated, first_response)

    @_locked
    def message_for_client_id(self, room_id: str, client_id: str, now: float) -> Message | None:
        seq = self._client_ids.get((room_id, client_id))
        return _alive(self._messages[room_id][seq], now) if seq is not None else None

    @_locked
    def messages_after(self, room_id: str, after: int, limit: int, now: float) -> list[Message]:
        messages = self._messages.get(room_id, {})
        found = [messages[s] for s in sorted(messages) if s > after][:limit]
        return [m for m in found if _alive(m, now)]
