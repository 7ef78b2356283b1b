"""S24 with office hours: outside them the chat button is hidden whatever the agents' statuses
(agents forget to go offline at 18:00); chats that run go on. The fixed clock starts on Monday,
2 February 2026, 03:40 in Berlin (02:40 UTC)."""

from __future__ import annotations

import pytest

from chalicelib.errors import Conflict
from chalicelib.services import departments, messages, rooms
from chalicelib.services.office_hours import is_open

WORKING_WEEK = {day: ["08:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def set_hours(world, department_id="sales", **hours):
    values = {"enabled": True, "time_zone": "Europe/Berlin", "weekly": WORKING_WEEK, **hours}
    return departments.update(world.ctx, department_id, None, None, None, values)


def test_outside_office_hours_the_button_is_hidden_although_an_agent_is_online(world):
    world.agent("Paula")
    assert world.available("sales") is True

    set_hours(world)  # 03:40 on a Monday: before 08:00

    assert world.available("sales") is False
    world.pass_time(hours=5)  # 08:40, heartbeats going on
    assert world.available("sales") is True


def test_the_button_goes_at_the_end_of_the_day_even_if_the_agent_forgot_to_go_offline(world):
    paula = world.agent("Paula")
    set_hours(world)
    world.pass_time(hours=5)  # 08:40: Paula signs in for her working day
    paula.sign_in_again()
    world.pass_time(hours=9, minutes=19)  # 17:59, heartbeats going on

    assert world.available("sales") is True
    world.pass_time(minutes=1)  # 18:00
    assert world.available("sales") is False


def test_hours_are_read_in_the_departments_time_zone(world):
    world.agent("Paula")
    set_hours(world, time_zone="America/New_York", weekly={"sun": ["21:00-22:00"]})

    # 02:40 UTC on Monday is 21:40 on Sunday in New York.
    assert world.available("sales") is True


def test_a_date_closed_all_day_hides_the_button_within_the_weekly_hours(world):
    paula = world.agent("Paula")
    all_day = ["00:00-24:00"]
    set_hours(world, weekly={"mon": all_day, "tue": all_day}, closed_dates=["2026-02-02"])

    assert world.available("sales") is False
    world.pass_time(hours=20)  # 23:40 on Monday, still closed; a new session for the night
    assert world.available("sales") is False
    paula.sign_in_again()
    world.pass_time(hours=1)  # 00:40 on Tuesday
    assert world.available("sales") is True


def test_disabled_office_hours_are_kept_but_do_not_hide_the_button(world):
    world.agent("Paula")
    set_hours(world)

    view = set_hours(world, enabled=False)

    assert world.available("sales") is True
    assert view["office_hours"]["weekly"]["mon"] == ["08:00-18:00"]
    assert view["office_hours"]["weekly"]["sat"] == []


def test_starting_a_chat_outside_office_hours_is_refused_as_department_unavailable(world):
    world.agent("Paula")
    set_hours(world)

    with pytest.raises(Conflict) as refused:
        world.ask(world.visitor())

    assert refused.value.code == "department_unavailable"


def test_a_chat_that_runs_at_closing_time_goes_on(world):
    paula = world.agent("Paula")
    visitor = world.visitor()
    set_hours(world, weekly={"mon": ["00:00-04:00"]})
    room = world.taken(visitor, paula)

    world.pass_time(minutes=30)  # 04:10: closed for new chats

    assert world.available("sales") is False
    messages.send(world.ctx, visitor.p, room["room_id"], "Noch eine Frage", "c-late")
    answer, _created = messages.send(world.ctx, paula.p, room["room_id"], "Gern", "c-answer")
    assert answer["text"] == "Gern"
    assert world.stored_room(room["room_id"]).state == "open"
    assert rooms.get(world.ctx, visitor.p, room["room_id"])["state"] == "open"


def test_without_office_hours_a_department_is_always_within_them():
    assert is_open(None, 0) is True
    assert is_open({"enabled": False, "weekly": {}}, 0) is True
