"""What the store does with team chat: staff rooms, their members and their messages."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from chalicelib.store.records import (
    Connection,
    Message,
    MessageDraft,
    StaffAppended,
    StaffMember,
    StaffRoom,
)


class TeamContract(ABC):
    # ---- team chat (S5-S9, S22): staff rooms, their members, their messages -------------------

    @abstractmethod
    def create_staff_room(self, room: StaffRoom, members: Iterable[StaffMember]) -> None:
        """Store a room with its first members in one transaction (at most 50); `Taken` when
        the room is a channel and a channel of that name (case-insensitive) exists, or the room
        id does (a direct room's id is made from its set of members). Only channels claim
        their names."""

    @abstractmethod
    def get_staff_room(self, room_id: str) -> StaffRoom | None: ...
    @abstractmethod
    def get_staff_rooms(self, room_ids: Iterable[str]) -> list[StaffRoom]: ...
    @abstractmethod
    def public_channels(self) -> list[StaffRoom]:
        """Every channel (not groups or direct rooms), by name."""

    @abstractmethod
    def change_staff_room(
        self, room_id: str, *, name: str | None = None, topic: str | None = None
    ) -> StaffRoom:
        """Rename (a channel claims the new name: `Taken`) or set the topic ("" clears it);
        `Changed` when the room is gone."""

    @abstractmethod
    def delete_staff_room(self, room_id: str) -> list[str]:
        """Remove the room, its name, its members and its messages; the agent ids of the
        members it removed (none when gone). Once the room is gone nobody joins or leaves it,
        so these are exactly its last members."""

    @abstractmethod
    def staff_member(self, room_id: str, agent_id: str) -> StaffMember | None: ...
    @abstractmethod
    def staff_members(self, room_id: str) -> list[StaffMember]:
        """The room's members, by agent id."""

    @abstractmethod
    def staff_memberships(self, agent_id: str) -> list[StaffMember]:
        """The agent's memberships, by room id."""

    @abstractmethod
    def staff_members_among(self, room_id: str, agent_ids: Iterable[str]) -> set[str]:
        """Which of these agents are members of the room (key lookups for just them)."""

    @abstractmethod
    def add_staff_member(self, member: StaffMember) -> bool:
        """Add a member and count them; False when already one; `Changed` when the room is
        gone."""

    @abstractmethod
    def remove_staff_member(self, room_id: str, agent_id: str) -> bool:
        """False when they were no member."""

    @abstractmethod
    def mark_staff_read(self, room_id: str, agent_id: str, seq: int) -> StaffMember | None:
        """Move the member's read marker forward to `seq` (never back) and clear their
        mentions; None when no member."""

    @abstractmethod
    def note_staff_mention(self, room_id: str, agent_id: str) -> None:
        """One more unread mention of a member (nothing when no member)."""

    @abstractmethod
    def append_staff_message(self, room: StaffRoom, draft: MessageDraft) -> StaffAppended:
        """As `append_message`: the room's next seq without holes, once per client_id;
        `Changed` when the room is gone."""

    @abstractmethod
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
        """The author edits (`text`) or deletes (None: its text and file) a message created at
        or after `not_before`; `Changed` when it is gone, deleted, another's or older."""

    @abstractmethod
    def online_agent_connections(self, now: float) -> list[Connection]:
        """The live connections of every agent whose session still runs (one Query, growing
        with who is online): the connection remembers when its session ends."""

    @abstractmethod
    def staff_retention_days(self) -> int | None:
        """The retention of staff messages an admin set, in days (0: kept); None: never set."""

    @abstractmethod
    def set_staff_retention_days(self, days: int) -> None: ...
