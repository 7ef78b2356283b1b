"""Write units per store operation on DynamoDB Local, which computes them as DynamoDB does (item
sizes rounded up to 1 KB, index writes, transactions counting twice): units are deterministic,
so each operation of a chat is held to its exact figure (docs/performance.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest

from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.records import MessageDraft, Room
from devserver.dynamodb_local import DynamoDBLocal

NOW = 1_770_000_000
REGION = "eu-central-1"
KEY = "2026-01-01T00:00:00.000Z#k1"


class Units:
    """Write units consumed by the store's requests inside `counting()`."""

    def __init__(self) -> None:
        self.write = 0.0
        self._on = False

    def __call__(self, operation: str, consumed: dict | list | None) -> None:
        if not self._on or operation in {"GetItem", "Query", "BatchGetItem", "Scan"}:
            return
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        self.write += sum(entry["CapacityUnits"] for entry in entries)

    @contextmanager
    def counting(self) -> Iterator[Units]:
        self.write, self._on = 0.0, True
        try:
            yield self
        finally:
            self._on = False


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> Iterator[str]:
    with (
        pytest.MonkeyPatch.context() as patch,
        DynamoDBLocal(log_path=tmp_path_factory.mktemp("units") / "dynamodb.log") as dynamodb,
    ):
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            patch.setenv(key, "units")
        yield dynamodb.endpoint


@pytest.fixture
def store_and_units(endpoint) -> tuple[DynamoStore, Units]:
    store = DynamoStore(f"u{uuid.uuid4().hex[:8]}-", endpoint, REGION)
    store.create_missing_tables(ttl_tables=())
    units = Units()
    store.observe_capacity(units)
    return store, units


def a_room() -> Room:
    return Room(
        room_id=f"room_{uuid.uuid4().hex[:8]}",
        department_id="sales",
        state="queued",
        visitor_id="vis_1",
        visitor_name="Guest-1",
        created_at=KEY[:24],
        created_key=KEY,
        queued_key=KEY,
        expires_at=NOW + 3600,
    )


def a_draft(client_id: str) -> MessageDraft:
    return MessageDraft(
        message_id=f"msg_{client_id}",
        author_kind="visitor",
        author_id="vis_1",
        author_name="Guest-1",
        text="Wie lange hat die Bibliothek auf?",
        client_id=client_id,
        created_at="2026-01-01T00:00:00.000Z",
        expires_at=NOW + 7200,
    )


def test_a_message_writes_its_room_its_line_and_its_claim_once_each(store_and_units):
    """A transaction writes each item at 2 units a KB: the room's next seq, the message and its
    client_id claim, each under 1 KB, are 6; no index of the rooms table is rewritten."""
    store, units = store_and_units
    queued = a_room()
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", ("c-paula",), NOW + 99)

    with units.counting():
        store.append_message(taken, a_draft("c1"), NOW + 5000)

    assert units.write == 6.0


def test_a_socket_that_starts_or_stops_listening_writes_just_the_room(store_and_units):
    store, units = store_and_units
    queued = a_room()
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", (), NOW + 99)

    with units.counting():
        store.listen(taken.room_id, "c-visitor", "vis_1")
        store.stop_listening(taken.room_id, "c-visitor")

    assert units.write == 2.0


def test_a_system_line_writes_no_client_id_claim(store_and_units):
    """Nobody resends a system line (the server writes it once, under a new client_id): the
    room's next seq and the line, 4 units."""
    store, units = store_and_units
    queued = a_room()
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", (), NOW + 99)
    line = replace(a_draft("sys_1"), author_kind="system")

    with units.counting():
        store.append_message(taken, line, NOW + 5000)

    assert units.write == 4.0


def test_starting_taking_and_closing_a_chat(store_and_units):
    """Created with its first message (one transaction: the room with its queue and visitor
    index entries, its link in the department's list, the message, its claim); taken (the room
    leaves the queue index, the agent's link); closed (the room alone, no index entry)."""
    store, units = store_and_units
    queued = a_room()

    with units.counting():
        first = store.create_room(queued, a_draft("c1"))
    assert units.write == 12.0
    assert first is not None
    with units.counting():
        taken = store.take_room(first.room, "agt_1", "Paula", "t", (), NOW + 99)
    assert units.write == 6.0
    with units.counting():
        store.close_room(taken, "2026-01-02", "visitor", None, NOW + 99)
    assert units.write == 1.0


def test_counting_an_event_in_the_statistics_is_one_unit(store_and_units):
    """Start, take, first response and close each add their counters to the hour's item in
    one UpdateItem: a unit while the item stays under 1 KB (its counters are numbers)."""
    store, units = store_and_units
    counts = {"answered": 1, "wait#07": 1, "agent#agt_0123456789abcdef0123#chats": 1}

    with units.counting():
        store.count_stats("sales", "2026-01-01T09", counts, NOW + 400 * 86400)

    assert units.write == 1.0


def test_an_agents_first_answer_costs_what_any_message_costs(store_and_units):
    store, units = store_and_units
    queued = a_room()
    store.create_room(queued, None)
    taken = store.take_room(queued, "agt_1", "Paula", "t", (), NOW + 99)
    answer = replace(a_draft("a1"), author_kind="agent", author_id="agt_1")

    with units.counting():
        first = store.append_message(taken, answer, NOW + 5000)

    assert first.first_response and units.write == 6.0
