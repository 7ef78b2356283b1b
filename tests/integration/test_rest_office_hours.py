"""Office hours over REST (S24): the admin sets them on the department; outside them the
availability is false and a new chat is refused; bad hours are refused naming the field."""

from __future__ import annotations

import pytest

# The test clock stands on Monday, 2 February 2026, 03:40 in Berlin.
BEFORE_OPENING = {"enabled": True, "weekly": {"mon": ["08:00-18:00"]}}


def test_the_admin_sets_office_hours_and_outside_them_nobody_can_start_a_chat(api):
    api.agent("Paula")

    reply = api.patch(
        "/admin/departments/sales", {"office_hours": BEFORE_OPENING}, auth=api.admin.auth
    )

    assert reply.status == 200, reply.body
    assert reply.json["office_hours"]["time_zone"] == "Europe/Berlin"
    assert reply.json["office_hours"]["weekly"]["mon"] == ["08:00-18:00"]
    assert reply.json["available"] is False
    availability = api.get("/departments/sales/availability").json
    assert (availability["available"], availability["open"]) == (False, False)
    visitor = api.visitor()
    refused = api.post("/rooms", {"department_id": "sales"}, auth=visitor.auth)
    assert refused.status == 409 and refused.error["code"] == "department_unavailable"
    listed = api.get("/admin/departments", auth=api.admin.auth).json["departments"]
    assert next(d for d in listed if d["department_id"] == "sales")["office_hours"] is not None


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ({"enabled": True, "weekly": {"mon": ["8-18"]}}, "office_hours.weekly.mon.0"),
        ({"enabled": True, "weekly": {"tue": ["18:00-08:00"]}}, "office_hours.weekly.tue.0"),
        ({"enabled": True, "weekly": {"monday": ["08:00-18:00"]}}, "office_hours.weekly.monday"),
        ({"enabled": True, "time_zone": "Mars/Olympus"}, "office_hours.time_zone"),
        ({"enabled": True, "closed_dates": ["2026-02-30"]}, "office_hours.closed_dates"),
        ({"weekly": {}}, "office_hours.enabled"),
    ],
)
def test_bad_office_hours_are_refused_naming_the_field_and_change_nothing(api, hours, field):
    reply = api.patch("/admin/departments/sales", {"office_hours": hours}, auth=api.admin.auth)

    assert reply.status == 400 and reply.error["code"] == "invalid_input"
    assert field in reply.error["message"]
    assert api.get("/departments/sales/availability").status == 200
    listed = api.get("/admin/departments", auth=api.admin.auth).json["departments"]
    assert next(d for d in listed if d["department_id"] == "sales")["office_hours"] is None


@pytest.mark.parametrize(
    ("hours", "field", "reason"),
    [
        (
            {"enabled": True, "weekly": {"mon": ["8-18"]}},
            "office_hours.weekly.mon.0",
            "string_pattern_mismatch",
        ),
        (
            {"enabled": True, "weekly": {"tue": ["08:00-12:00", "18:00-08:00"]}},
            "office_hours.weekly.tue.1",
            "span_order",
        ),
        (
            {"enabled": True, "closed_dates": ["2026-12-24", "2026-02-30"]},
            "office_hours.closed_dates.1",
            "no_date",
        ),
    ],
)
def test_a_bad_office_hours_line_is_named_by_its_place_and_the_rule_it_breaks(
    api, hours, field, reason
):
    reply = api.patch("/admin/departments/sales", {"office_hours": hours}, auth=api.admin.auth)

    assert reply.status == 400
    assert (reply.error["field"], reply.error["reason"]) == (field, reason)
