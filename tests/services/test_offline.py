"""When nobody can answer: a message left with an address waits in the queue, its answers and
its close are mailed; after any chat, its transcript by email, once."""

from __future__ import annotations

import threading

import pytest

from chalicelib.errors import Conflict, TooManyRequests
from chalicelib.services import contacts, departments, messages, offline, offline_mail, rooms
from chalicelib.services import visitors as visitors_service

ADDRESS = "ratsuchende@example.org"


@pytest.fixture
def closed_sales(world):
    """Sales takes messages; nobody there can answer."""
    departments.update(
        world.ctx,
        "sales",
        None,
        None,
        None,
        offline_messages=True,
        privacy_url="https://uni.example/datenschutz",
    )
    return world


def leave(world, visitor, text="Wann öffnet die Bibliothek?", email=ADDRESS, **kw):
    return offline.leave_message(
        world.ctx, visitor.p, "sales", text, email, kw.get("name"), kw.get("language")
    )


def mails_to(world, address):
    return [m for m in world.mails() if m["To"] == address]


def body_of(mail, subtype="plain") -> str:
    part = next(p for p in mail.walk() if p.get_content_type() == f"text/{subtype}")
    return part.get_payload(decode=True).decode()


def test_a_department_takes_no_messages_unless_it_opts_in(world):
    visitor = world.visitor()

    assert departments.public_availability(world.ctx, "sales")["offline_messages"] is False
    with pytest.raises(Conflict) as refused:
        leave(world, visitor)

    assert refused.value.code == "offline_messages_off"
    assert world.ctx.store.room_ids_of_visitor(visitor.visitor_id) == []


def test_availability_says_whether_a_message_can_be_left_and_links_the_privacy_notice(
    closed_sales,
):
    answer = departments.public_availability(closed_sales.ctx, "sales")

    assert answer["available"] is False and answer["offline_messages"] is True
    assert answer["privacy_url"] == "https://uni.example/datenschutz"


def test_a_message_left_waits_in_the_queue_marked_with_its_address(closed_sales):
    world = closed_sales
    visitor = world.visitor()

    room = leave(world, visitor, name="Alex")

    assert (room["state"], room["offline"], room["email"]) == ("queued", True, ADDRESS)
    assert room["visitor"]["name"] == "Alex"
    paula = world.agent("Paula")
    queued = rooms.queue(world.ctx, paula.p, 10)
    assert [(r["room_id"], r["offline"], r["email"]) for r in queued] == [
        (room["room_id"], True, ADDRESS)
    ]
    found, _ = messages.page(world.ctx, paula.p, room["room_id"], 0, 10)
    assert [(m["author"]["name"], m["text"]) for m in found] == [
        ("Alex", "Wann öffnet die Bibliothek?")
    ]


def test_the_address_is_never_added_to_contacts(closed_sales):
    world = closed_sales
    visitor = world.visitor()
    leave(world, visitor)
    paula = world.agent("Paula")

    assert contacts.get(world.ctx, paula.p, visitor.visitor_id)["contact"] is None


def test_the_address_goes_with_the_visitors_own_deletion(closed_sales):
    world = closed_sales
    visitor = world.visitor()
    room = leave(world, visitor)

    visitors_service.delete(world.ctx, visitor.p)

    assert world.ctx.store.rooms_to_erase([room["room_id"]]) == []


def test_a_message_is_as_long_as_a_chat_line_may_be(closed_sales):
    world = closed_sales
    too_long = "x" * (world.ctx.settings.max_message_length + 1)

    with pytest.raises(Exception) as refused:
        leave(world, world.visitor(), text=too_long)

    assert refused.value.status == 413


def test_a_visitor_leaves_only_a_few_messages_an_hour(closed_sales):
    world = closed_sales
    visitor = world.visitor()
    for n in range(offline.MESSAGES_PER_HOUR):
        leave(world, visitor, email=f"person{n}@example.org")

    with pytest.raises(TooManyRequests) as refused:
        leave(world, visitor, email="another@example.org")

    assert refused.value.code == "rate_limited" and refused.value.retry_after <= 3600
    world.clock.advance(3600)
    leave(world, visitor, email="another@example.org")


def test_one_address_gets_only_a_few_messages_an_hour_from_anyone(closed_sales):
    world = closed_sales
    for _ in range(offline.MESSAGES_PER_HOUR):
        leave(world, world.visitor(), email="Opfer@Example.org")

    with pytest.raises(TooManyRequests):
        leave(world, world.visitor(), email="opfer@example.org")


def test_an_agents_answer_is_mailed_at_once_and_the_close_says_so(closed_sales):
    world = closed_sales
    visitor = world.visitor()
    room = leave(world, visitor, language="en")
    paula = world.agent("Paula")
    rooms.take(world.ctx, paula.p, room["room_id"])

    messages.send(world.ctx, paula.p, room["room_id"], "Ab 8 Uhr. <b>Gern</b>", "c1")
    messages.send(world.ctx, visitor.p, room["room_id"], "Danke!", "c2")  # no mail to oneself
    rooms.close(world.ctx, paula.p, room["room_id"], None)

    answer, closing = mails_to(world, ADDRESS)
    assert answer["Subject"] == "Reply to your message"
    assert "Paula has replied" in body_of(answer) and "Ab 8 Uhr. <b>Gern</b>" in body_of(answer)
    assert "Ab 8 Uhr. &lt;b&gt;Gern&lt;/b&gt;" in body_of(answer, "html")
    assert "<b>Gern</b>" not in body_of(answer, "html")
    assert closing["Subject"] == "Your message is closed"


def test_mails_are_in_german_unless_the_chat_is_english(closed_sales):
    world = closed_sales
    room = leave(world, world.visitor())
    paula = world.agent("Paula")
    rooms.take(world.ctx, paula.p, room["room_id"])

    messages.send(world.ctx, paula.p, room["room_id"], "Ab 8 Uhr.", "c1")

    assert [m["Subject"] for m in mails_to(world, ADDRESS)] == ["Antwort auf Ihre Nachricht"]


def test_a_chat_without_a_message_left_mails_nobody(world):
    visitor = world.visitor()
    paula = world.agent("Paula")
    room = world.taken(visitor, paula)

    messages.send(world.ctx, paula.p, room["room_id"], "Hallo", "c1")
    rooms.close(world.ctx, paula.p, room["room_id"], None)

    assert world.mails() == []


def test_a_mail_that_cannot_be_sent_is_tried_again_then_logged_without_the_address(
    closed_sales, monkeypatch, caplog
):
    world = closed_sales
    room = leave(world, world.visitor())
    paula = world.agent("Paula")
    rooms.take(world.ctx, paula.p, room["room_id"])
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise ConnectionError("SES is away")

    monkeypatch.setattr(world.ctx.mailer, "send", refuse)

    sent, _ = messages.send(world.ctx, paula.p, room["room_id"], "Ab 8 Uhr.", "c1")

    assert sent["text"] == "Ab 8 Uhr."  # the answer stands in the chat all the same
    assert len(attempts) == offline_mail.SEND_ATTEMPTS
    assert room["room_id"] in caplog.text and "ConnectionError" in caplog.text
    assert ADDRESS not in caplog.text


def test_a_transcript_asked_for_during_the_chat_is_mailed_at_its_close_and_not_kept(world):
    visitor = world.visitor()
    paula = world.agent("Paula")
    room = world.taken(visitor, paula)
    messages.send(world.ctx, paula.p, room["room_id"], "Ab 8 Uhr <heute>.", "c1")

    asked = offline.ask_for_transcript(world.ctx, visitor.p, room["room_id"], ADDRESS, "de")
    assert asked == {"room_id": room["room_id"], "sent": False}
    assert mails_to(world, ADDRESS) == []
    rooms.close(world.ctx, visitor.p, room["room_id"], None)

    (mail,) = mails_to(world, ADDRESS)
    assert mail["Subject"] == "Ihr Chatverlauf"
    text = body_of(mail)
    assert "Hallo?" in text and "Paula: Ab 8 Uhr <heute>." in text
    assert "Der Chat wurde beendet." in text
    assert "Ab 8 Uhr &lt;heute&gt;." in body_of(mail, "html")
    assert world.stored_room(room["room_id"]).transcript_to is None


def test_a_transcript_of_a_closed_chat_is_mailed_at_once_and_only_once(world):
    visitor = world.visitor()
    paula = world.agent("Paula")
    room = world.taken(visitor, paula)
    rooms.close(world.ctx, visitor.p, room["room_id"], None)

    asked = offline.ask_for_transcript(world.ctx, visitor.p, room["room_id"], ADDRESS, "en")

    assert asked["sent"] is True
    assert [m["Subject"] for m in mails_to(world, ADDRESS)] == ["Your chat transcript"]
    assert world.stored_room(room["room_id"]).transcript_to is None
    with pytest.raises(Conflict) as again:
        offline.ask_for_transcript(world.ctx, visitor.p, room["room_id"], "other@example.org", "en")
    assert again.value.code == "transcript_requested"
    assert mails_to(world, "other@example.org") == []


def test_only_the_rooms_own_visitor_asks_for_its_transcript(world):
    paula = world.agent("Paula")
    room = world.taken(world.visitor(), paula)

    with pytest.raises(Exception) as refused:
        offline.ask_for_transcript(world.ctx, world.visitor().p, room["room_id"], ADDRESS, None)

    assert refused.value.status == 403


def test_a_transcript_asked_for_while_the_chat_closes_is_mailed_exactly_once(world, monkeypatch):
    """The close and the request race: whichever comes second sees the other's write."""
    visitor = world.visitor()
    paula = world.agent("Paula")
    room = world.taken(visitor, paula)
    store = world.ctx.store
    close_room = store.close_room
    closing = threading.Event()
    asked = threading.Event()

    def close_after_the_ask(*args, **kwargs):
        closing.set()
        assert asked.wait(5)
        return close_room(*args, **kwargs)

    monkeypatch.setattr(store, "close_room", close_after_the_ask)
    closer = threading.Thread(
        target=rooms.close, args=(world.ctx, visitor.p, room["room_id"], None)
    )
    closer.start()
    assert closing.wait(5)  # the close read the room open
    answer = offline.ask_for_transcript(world.ctx, visitor.p, room["room_id"], ADDRESS, None)
    asked.set()
    closer.join(5)

    assert answer["sent"] is False
    assert len(mails_to(world, ADDRESS)) == 1


def test_an_answer_to_a_message_left_is_refused_over_the_socket_which_cannot_mail(closed_sales):
    """The socket handlers' role sends no mail: the answer goes over REST, or it would reach
    the window but never the address."""
    world = closed_sales
    visitor = world.visitor()
    room = leave(world, visitor)
    paula = world.agent("Paula")
    rooms.take(world.ctx, paula.p, room["room_id"])

    with pytest.raises(Conflict) as refused:
        messages.send(world.ctx, paula.p, room["room_id"], "Ab 8 Uhr.", "c1", can_mail=False)
    messages.send(world.ctx, visitor.p, room["room_id"], "Noch da?", "c2", can_mail=False)

    assert refused.value.code == "send_over_rest"
    found, _ = messages.page(world.ctx, paula.p, room["room_id"], 0, 10)
    assert "Ab 8 Uhr." not in [m["text"] for m in found]
    assert "Noch da?" in [m["text"] for m in found]
    assert mails_to(world, ADDRESS) == []
