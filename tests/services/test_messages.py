"""S17, S18, S26: messages between visitor and agent, idempotent sends, resume, typing."""

from __future__ import annotations

import pytest

from chalicelib.errors import Conflict, Forbidden, TooLarge
from chalicelib.services import events, messages, presence, rooms


@pytest.fixture
def chat(world):
    """Paula serves an open chat with a visitor; the pushes so far are forgotten."""
    paula = world.agent("Paula")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    world.pusher.clear()
    return paula, visitor, room_id


def texts(world, principal, room_id, after=0) -> list[str]:
    found, _ = messages.page(world.ctx, principal, room_id, after, 100)
    return [m["text"] for m in found if m["author"]["kind"] != "system"]


def test_visitor_and_agent_messages_reach_each_other(world, chat):
    paula, visitor, room_id = chat

    question, created = messages.send(world.ctx, visitor.p, room_id, "Wo ist Raum 3?", "v-1")
    answer, _ = messages.send(world.ctx, paula.p, room_id, "Im Erdgeschoss 🙂", "a-1")

    assert created and answer["seq"] > question["seq"]
    assert question["author"] == {"kind": "visitor", "id": visitor.visitor_id, "name": visitor.name}
    assert answer["author"]["kind"] == "agent" and answer["client_id"] == "a-1"
    for handle in (paula, visitor):
        assert [p["message"] for p in handle.pushed("message")] == [question, answer]
    assert texts(world, visitor.p, room_id)[-2:] == ["Wo ist Raum 3?", "Im Erdgeschoss 🙂"]


def test_the_other_side_gets_a_message_before_the_sender_gets_its_echo(world, chat):
    """The receiver waits for its post; the sender only for the echo that confirms its send."""
    paula, visitor, room_id = chat

    def receivers_in_order(client_id: str) -> list[str]:
        return [
            c for c, p in world.pusher.sent if p.get("message", {}).get("client_id") == client_id
        ]

    messages.send(world.ctx, visitor.p, room_id, "Wo ist Raum 3?", "v-1")
    messages.send(world.ctx, paula.p, room_id, "Im Erdgeschoss", "a-1")

    assert receivers_in_order("v-1") == [paula.connection_id, visitor.connection_id]
    assert receivers_in_order("a-1") == [visitor.connection_id, paula.connection_id]


def test_the_same_client_id_twice_stores_one_message(world, chat):
    paula, visitor, room_id = chat

    first, created = messages.send(world.ctx, visitor.p, room_id, "Hallo", "same")
    again, created_again = messages.send(world.ctx, visitor.p, room_id, "Hallo", "same")

    assert (created, created_again) == (True, False)
    assert again == first
    assert texts(world, paula.p, room_id).count("Hallo") == 1
    assert len(paula.pushed("message")) == 1


def test_a_client_id_is_scoped_to_its_room(world):
    paula = world.agent("Paula")
    one, two = world.visitor(), world.visitor()
    room_one = world.taken(one, paula)["room_id"]
    room_two = world.taken(two, paula)["room_id"]

    a, _ = messages.send(world.ctx, one.p, room_one, "eins", "c-1")
    b, created = messages.send(world.ctx, two.p, room_two, "zwei", "c-1")

    assert created and a["message_id"] != b["message_id"]


def test_a_message_over_the_maximum_length_is_refused(world, chat):
    _paula, visitor, room_id = chat
    limit = world.ctx.settings.max_message_length
    last_seq = world.stored_room(room_id).last_seq

    with pytest.raises(TooLarge):
        messages.send(world.ctx, visitor.p, room_id, "x" * (limit + 1), "long")
    exact, _ = messages.send(world.ctx, visitor.p, room_id, "x" * limit, "exact")

    assert exact["seq"] == last_seq + 1
    assert texts(world, visitor.p, room_id) == ["Hallo?", "x" * limit]


def test_nothing_can_be_written_into_a_closed_chat(world, chat):
    paula, visitor, room_id = chat
    sent, _ = messages.send(world.ctx, visitor.p, room_id, "Danke", "thanks")
    rooms.close(world.ctx, paula.p, room_id, None)

    with pytest.raises(Conflict) as closed:
        messages.send(world.ctx, visitor.p, room_id, "Noch was", "late")
    resent, created = messages.send(world.ctx, visitor.p, room_id, "Danke", "thanks")

    assert closed.value.code == "room_closed"
    assert (resent, created) == (sent, False)  # a retry of what got through is still answered
    assert "Noch was" not in texts(world, paula.p, room_id)


def test_an_agent_must_take_the_chat_before_replying(world):
    paula = world.agent("Paula")
    room_id = world.ask(world.visitor())["room_id"]

    with pytest.raises(Conflict) as refused:
        messages.send(world.ctx, paula.p, room_id, "Hallo", "early")

    assert refused.value.code == "room_not_taken"


def test_a_visitor_cannot_read_or_write_another_visitors_room(world, chat):
    _paula, _visitor, room_id = chat
    stranger = world.visitor()

    with pytest.raises(Forbidden):
        messages.send(world.ctx, stranger.p, room_id, "Hallo", "x")
    with pytest.raises(Forbidden):
        messages.page(world.ctx, stranger.p, room_id, 0, 10)


def test_a_visitor_may_write_while_waiting_in_the_queue(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room_id = world.ask(visitor)["room_id"]

    messages.send(world.ctx, visitor.p, room_id, "Noch jemand da?", "w-1")

    assert texts(world, paula.p, room_id) == ["Hallo?", "Noch jemand da?"]


def test_a_reconnecting_visitor_resumes_after_the_last_seq_they_have(world, chat):
    paula, visitor, room_id = chat
    seen = [messages.send(world.ctx, paula.p, room_id, f"Zeile {n}", f"a-{n}")[0] for n in range(3)]
    last_seen = seen[0]["seq"]  # the connection dropped after the first line

    missed, next_after = messages.page(world.ctx, visitor.p, room_id, last_seen, 100)

    assert [m["text"] for m in missed] == ["Zeile 1", "Zeile 2"]
    assert next_after is None
    resent, created = messages.send(world.ctx, visitor.p, room_id, "Offline getippt", "v-9")
    again, created_again = messages.send(world.ctx, visitor.p, room_id, "Offline getippt", "v-9")
    assert created and not created_again and again["seq"] == resent["seq"]


def test_messages_come_in_seq_order_in_pages(world, chat):
    paula, visitor, room_id = chat
    for n in range(5):
        messages.send(world.ctx, paula.p, room_id, f"m{n}", f"m-{n}")

    collected, after = [], 0
    while True:
        page, next_after = messages.page(world.ctx, visitor.p, room_id, after, 2)
        collected += page
        if next_after is None:
            break
        after = int(next_after)

    seqs = [m["seq"] for m in collected]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert [m["text"] for m in collected if m["text"].startswith("m")] == [
        f"m{n}" for n in range(5)
    ]
    assert seqs[-1] == world.stored_room(room_id).last_seq


def test_typing_reaches_the_other_side_only(world, chat):
    paula, visitor, room_id = chat

    messages.typing(world.ctx, visitor.p, room_id, True)
    messages.typing(world.ctx, paula.p, room_id, False)

    assert paula.pushed("typing") == [
        {
            "type": "typing",
            "room_id": room_id,
            "typing": True,
            "author": {"kind": "visitor", "id": visitor.visitor_id, "name": visitor.name},
        }
    ]
    assert [(p["author"]["kind"], p["typing"]) for p in visitor.pushed("typing")] == [
        ("agent", False)
    ]


def test_typing_into_a_closed_chat_is_refused(world, chat):
    paula, visitor, room_id = chat
    rooms.close(world.ctx, visitor.p, room_id, None)

    with pytest.raises(Conflict):
        messages.typing(world.ctx, paula.p, room_id, True)


def test_a_gone_connection_is_forgotten(world, chat):
    paula, visitor, room_id = chat
    world.clock.advance(seconds=events.CONNECTING_GRACE_SECONDS + 1)
    world.pusher.gone.add(visitor.connection_id)

    messages.send(world.ctx, paula.p, room_id, "Sind Sie noch da?", "a-1")

    assert world.ctx.store.get_connection(visitor.connection_id, world.ctx.now()) is None
    assert world.ctx.store.connections_of(visitor.visitor_id, world.ctx.now()) == []
    assert visitor.connection_id not in world.stored_room(room_id).live  # not tried again
    assert len(paula.pushed("message")) == 1  # the sender's own socket still gets the echo


def test_a_connection_still_connecting_is_kept_when_api_gateway_answers_gone(world, chat):
    """$connect has stored it, API Gateway has not finished the handshake: Gone, for now."""
    paula, visitor, room_id = chat
    world.pusher.gone.add(visitor.connection_id)

    messages.send(world.ctx, paula.p, room_id, "Guten Tag", "a-1")

    assert world.ctx.store.get_connection(visitor.connection_id, world.ctx.now()) is not None


def test_every_message_keeps_the_room_alive(world, chat):
    _paula, visitor, room_id = chat
    before = world.stored_room(room_id).expires_at

    world.clock.advance(hours=5)
    messages.send(world.ctx, visitor.p, room_id, "Noch eine Frage", "v-2")

    assert world.stored_room(room_id).expires_at == before + 5 * 3600


def test_a_visitor_who_reconnects_hears_the_chat_on_the_new_socket(world, chat):
    paula, visitor, room_id = chat
    presence.disconnect(world.ctx, visitor.connection_id)
    visitor.connection_id = "ws-visitor-again"

    presence.connect(world.ctx, visitor.connection_id, visitor.p)
    messages.send(world.ctx, paula.p, room_id, "Willkommen zurück", "a-1")

    assert [p["message"]["text"] for p in visitor.pushed("message")] == ["Willkommen zurück"]


def test_an_agent_who_reconnects_hears_the_chats_they_serve(world, chat):
    paula, visitor, room_id = chat
    presence.disconnect(world.ctx, paula.connection_id)
    paula.connection_id = "ws-paula-again"

    presence.connect(world.ctx, paula.connection_id, paula.p)
    messages.send(world.ctx, visitor.p, room_id, "Hallo?", "v-1")

    assert [p["message"]["text"] for p in paula.pushed("message")] == ["Hallo?"]


def test_typing_reaches_only_the_other_side(world, chat):
    paula, visitor, room_id = chat

    messages.typing(world.ctx, visitor.p, room_id, True)

    assert [p["author"]["id"] for p in paula.pushed("typing")] == [visitor.visitor_id]
    assert visitor.pushed("typing") == []
