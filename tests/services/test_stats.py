"""Issue 23: visitors rate their chat; departments see chats, waiting times, missed chats and
ratings, counted as things happen, with no personal data in the counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.errors import Conflict, Forbidden, InvalidInput
from chalicelib.services import messages, rating, rooms, stats, stats_report, visitors
from chalicelib.services.maintenance import run_sweep


def _today(world):
    return datetime.fromtimestamp(world.ctx.now(), UTC).date()


def _total(world, principal, department_id="sales"):
    today = _today(world)
    since = today - timedelta(days=2)
    found = stats_report.report(world.ctx, principal, department_id, since, today, "day")
    return found["total"]


@pytest.fixture
def admin(world):
    return world.agent("Ada", (), role="admin")


def test_every_outcome_of_a_chat_is_counted(world, admin):
    paula = world.agent("Paula")
    # answered after 40 s, first reply 12 s later, closed 10 min after the take, 3 messages
    answered = world.ask(world.visitor())["room_id"]
    world.pass_time(40)
    rooms.take(world.ctx, paula.p, answered)
    world.pass_time(12)
    messages.send(world.ctx, paula.p, answered, "Guten Tag!", "a-1")
    messages.send(world.ctx, paula.p, answered, "Wie kann ich helfen?", "a-2")
    world.pass_time(588)
    rooms.close(world.ctx, paula.p, answered, None)
    # the visitor leaves the queue: missed
    gone_visitor = world.visitor()
    gone = world.ask(gone_visitor)["room_id"]
    rooms.close(world.ctx, gone_visitor.p, gone, None)
    # the visitor deletes their data while queued: missed
    deleting = world.visitor()
    world.ask(deleting)
    visitors.delete(world.ctx, deleting.p)
    # nobody takes it until it expires: missed, once the sweep sees it
    world.ask(world.visitor())
    world.clock.advance(hours=world.ctx.settings.room_idle_hours, seconds=1)
    paula.sign_in_again()
    admin.sign_in_again()
    run_sweep(world.ctx)
    run_sweep(world.ctx)

    total = _total(world, admin.p)

    assert (total["chats"], total["answered"], total["missed"], total["offline"]) == (4, 1, 3, 0)
    assert total["messages"] == 3 + 1 + 1 + 1  # each missed chat had its first line
    assert (total["wait_p50_s"], total["first_response_p50_s"], total["duration_p50_s"]) == (
        45,
        15,
        600,
    )


def test_percentiles_come_from_the_histogram_buckets(world, admin):
    paula = world.agent("Paula")
    for waited in (3, 8, 25, 50, 100, 200, 400, 700, 1000, 4000):
        room_id = world.ask(world.visitor())["room_id"]
        world.pass_time(waited)
        rooms.take(world.ctx, paula.p, room_id)

    total = _total(world, admin.p)

    assert (total["answered"], total["wait_p50_s"], total["wait_p90_s"]) == (10, 120, 1200)


def test_a_returned_chat_taken_again_is_answered_once(world, admin):
    paula, piet = world.agent("Paula"), world.agent("Piet")
    room_id = world.taken(world.visitor(), paula)["room_id"]
    rooms.return_to_queue(world.ctx, paula.p, room_id)
    rooms.take(world.ctx, piet.p, room_id)

    assert (_total(world, admin.p)["chats"], _total(world, admin.p)["answered"]) == (1, 1)


def test_deleting_a_closed_chat_changes_nothing(world, admin):
    paula = world.agent("Paula")
    room_id = world.taken(world.visitor(), paula)["room_id"]
    rooms.close(world.ctx, paula.p, room_id, None)
    before = _total(world, admin.p)

    rooms.delete(world.ctx, paula.p, room_id)

    assert _total(world, admin.p) == before


def test_the_counters_hold_no_visitor_and_no_text(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    messages.send(world.ctx, paula.p, room_id, "Geheimnis", "a-1")
    rating.rate(world.ctx, visitor.p, room_id, 4, "Sehr nett, danke")
    rooms.close(world.ctx, visitor.p, room_id, None)

    hours = world.ctx.store.stats_of("sales", "0000", "9999")

    kept = repr(hours)
    for personal in (visitor.visitor_id, visitor.name, "Geheimnis", "Sehr nett", room_id):
        assert personal not in kept
    assert {h.hour for h in hours} == {stats.hour_of(world.ctx.now())}


def test_the_visitor_rates_the_chat_once_and_agents_see_it(world, admin):
    paula = world.agent("Paula")
    visitor = world.visitor()
    room_id = world.taken(visitor, paula)["room_id"]
    rooms.close(world.ctx, visitor.p, room_id, None)

    rated = rating.rate(world.ctx, visitor.p, room_id, 5, "Schnell geholfen")

    assert rated["rating"] == {"score": 5, "comment": "Schnell geholfen"}
    assert rooms.get(world.ctx, paula.p, room_id)["rating"]["score"] == 5
    assert [p["event"] for p in paula.pushed("room")][-1] == "rated"
    with pytest.raises(Conflict) as again:
        rating.rate(world.ctx, visitor.p, room_id, 1, None)
    assert again.value.code == "already_rated"
    assert _total(world, admin.p)["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    agents = stats_report.agents_report(world.ctx, admin.p, "sales", None, None)["agents"]
    assert [(a["name"], a["chats"], a["ratings"]["5"]) for a in agents] == [("Paula", 1, 1)]


def test_a_queued_chat_cannot_be_rated(world):
    world.agent("Paula")
    visitor = world.visitor()
    room_id = world.ask(visitor)["room_id"]

    with pytest.raises(Conflict) as refused:
        rating.rate(world.ctx, visitor.p, room_id, 3, None)

    assert refused.value.code == "room_queued"


def test_an_open_chat_can_be_rated_from_the_menu(world):
    visitor = world.visitor()
    room_id = world.taken(visitor, world.agent("Paula"))["room_id"]

    assert rating.rate(world.ctx, visitor.p, room_id, 2, None)["rating"]["score"] == 2


def test_agents_see_only_their_departments_and_not_the_agents(world):
    paula = world.agent("Paula")

    assert _total(world, paula.p)["chats"] == 0
    with pytest.raises(Forbidden):
        _total(world, paula.p, "library")
    with pytest.raises(Forbidden):
        stats_report.agents_report(world.ctx, paula.p, "sales", None, None)


def test_a_range_is_at_most_400_days(world, admin):
    today = _today(world)

    with pytest.raises(InvalidInput) as refused:
        stats_report.report(
            world.ctx, admin.p, None, today.replace(year=today.year - 2), today, "day"
        )

    assert refused.value.code == "range_too_long"


def test_hours_are_reported_one_by_one_with_empty_ones(world, admin):
    world.agent("Paula")
    world.ask(world.visitor())
    today = _today(world)

    found = stats_report.report(world.ctx, admin.p, "sales", today, today, "hour")

    assert len(found["buckets"]) == 24
    hour = stats.hour_of(world.ctx.now())
    assert [b["chats"] for b in found["buckets"] if b["start"].startswith(hour)] == [1]
    assert sum(b["chats"] for b in found["buckets"]) == 1
