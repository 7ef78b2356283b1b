"""What the store does with livechat rooms and their messages."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping

from chalicelib.store.records import (
    AgentRoom,
    Appended,
    Department,
    Message,
    MessageDraft,
    Room,
)


class RoomsContract(ABC):
    # ---- rooms ---------------------------------------------------------------------------------

    @abstractmethod
    def create_room(self, room: Room, first: MessageDraft | None) -> Appended | None:
        """Store a new room, with its first message (seq 1) in the same transaction if given."""

    @abstractmethod
    def get_room(self, room_id: str, now: float) -> Room | None: ...
    @abstractmethod
    def get_rooms(self, room_ids: Iterable[str], now: float) -> list[Room]: ...
    @abstractmethod
    def rooms_to_erase(self, room_ids: Iterable[str]) -> list[Room]:
        """For erasing a person's data: the rooms still stored, including those past their
        expiry that DynamoDB's TTL has not removed yet (it deletes up to days late)."""

    @abstractmethod
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
        """Open a queued room for this agent (whose live `connections` the room then pushes
        to) and add it to the agent's chats; `Changed` when anyone changed it since `room` was
        read (another take won)."""

    @abstractmethod
    def return_room(self, room: Room, queued_at: str) -> Room:
        """Back to its department's queue at its old place; `Changed` unless still served by
        the same agent."""

    @abstractmethod
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
        """To another agent and into their chats, and with `department` into it (its
        retention too), noting the `handover` (None: removing the last one); `Changed` unless
        still open and served by the same agent."""

    @abstractmethod
    def forward_room_to_department(
        self,
        room: Room,
        department_id: str,
        queued_key: str,
        queued_at: str,
        retention_hours: int,
        handover: Mapping[str, str] | None = None,
    ) -> Room:
        """Queue the room in another department with the `handover` note; `Changed` unless
        still open and served by the same agent."""

    @abstractmethod
    def close_room(
        self, room: Room, closed_at: str, closed_by: str, comment: str | None, expires_at: int
    ) -> Room:
        """`Changed` unless still in the state `room` shows; returns the room as the close
        left it (with a transcript's address asked for meanwhile)."""

    @abstractmethod
    def rate_room(self, room: Room, score: int, comment: str | None) -> Room:
        """The visitor's stars (and comment) on an open or closed room; `Changed` when it is
        rated already, queued, or gone."""

    @abstractmethod
    def expired_queued_rooms(self, department_id: str, now: float, limit: int) -> list[Room]:
        """Queued rooms of the department past their expiry that DynamoDB has not deleted yet
        (the sweep counts them as missed)."""

    @abstractmethod
    def listen(self, room_id: str, connection_id: str, principal_id: str) -> None:
        """A new connection of the room's visitor or agent hears its pushes from now on."""

    @abstractmethod
    def stop_listening(self, room_id: str, connection_id: str) -> None:
        """A connection that is gone is no longer pushed to."""

    @abstractmethod
    def mark_hidden(self, room_id: str, connection_id: str, hidden: bool) -> None:
        """Note whether the console of this connection is seen (`Room.hidden`)."""

    @abstractmethod
    def delete_room(self, room: Room, only_if_closed: bool) -> None:
        """Remove a room with its messages and agents' links; `Changed` when it is not closed
        but had to be."""

    @abstractmethod
    def queued_rooms(self, department_id: str, limit: int, now: float) -> list[Room]:
        """The department's queue, oldest first."""

    @abstractmethod
    def queue_position(self, department_id: str, queued_key: str, now: float) -> int:
        """1-based place in the department's queue of the room queued at `queued_key`."""

    @abstractmethod
    def rooms_of_department(self, department_id: str, before_key: str | None) -> Iterator[Room]:
        """The department's rooms, newest first, read page by page as the caller goes on."""

    @abstractmethod
    def room_ids_of_visitor(self, visitor_id: str) -> list[str]: ...
    @abstractmethod
    def rooms_of_agent(
        self, agent_id: str, before_key: str | None, limit: int | None
    ) -> list[AgentRoom]:
        """The agent's links, newest first."""

    # ---- messages ------------------------------------------------------------------------------

    @abstractmethod
    def append_message(
        self, room: Room, draft: MessageDraft, room_expires_at: int | None
    ) -> Appended:
        """Number the message with the room's next seq and store both, with the claim of its
        client_id, in one transaction: seqs have no holes and a message is readable as soon as
        any later one is. A client_id sent before gives back that message (`created` False).
        A system line claims none (`MessageDraft.claims_client_id`).
        With `room_expires_at` the room must not be closed (`Closed`) and lives that long;
        without it (the closing line) it may be."""

    @abstractmethod
    def message_for_client_id(self, room_id: str, client_id: str, now: float) -> Message | None:
        """The message sent earlier with this client_id, if any."""

    @abstractmethod
    def messages_after(self, room_id: str, after: int, limit: int, now: float) -> list[Message]:
        """Messages in seq order after `after`."""
