"""Canned responses over REST: pydantic-validated bodies with errors that name the field, the
agent's own texts, a department's texts for its agents, managed by admins."""

from __future__ import annotations

import pytest


def test_an_admin_manages_a_departments_texts_and_its_agents_read_them(api):
    paula, lars = api.agent("Paula", ("sales",)), api.agent("Lars", ("library",))
    admin = api.admin.auth
    base = "/admin/departments/sales/canned-responses"

    added = api.post(base, {"shortcut": "hours", "text": "Mo–Fr 8–18 Uhr"}, auth=admin)
    changed = api.put(f"{base}/hours", {"shortcut": "zeiten", "text": "Mo–Fr 8–17 Uhr"}, auth=admin)

    assert added.status == 201 and added.json["department_id"] == "sales"
    assert changed.status == 200
    read = api.get("/departments/sales/canned-responses", auth=paula.auth)
    assert read.json == {
        "responses": [{"shortcut": "zeiten", "text": "Mo–Fr 8–17 Uhr", "department_id": "sales"}]
    }
    other = api.get("/departments/sales/canned-responses", auth=lars.auth)
    assert (other.status, other.error["code"]) == (403, "other_department")
    by_agent = api.post(base, {"shortcut": "x", "text": "x"}, auth=paula.auth)
    assert (by_agent.status, by_agent.error["code"]) == (403, "admin_only")
    assert api.delete(f"{base}/zeiten", auth=admin).status == 204
    assert api.delete(f"{base}/zeiten", auth=admin).error["code"] == "canned_not_found"


def test_an_agent_keeps_texts_of_their_own(api):
    paula = api.agent("Paula")

    added = api.post(
        "/me/canned-responses", {"shortcut": "hi", "text": " Hallo! "}, auth=paula.auth
    )
    twice = api.post("/me/canned-responses", {"shortcut": "hi", "text": "x"}, auth=paula.auth)

    assert added.status == 201 and added.json["text"] == "Hallo!"
    assert (twice.status, twice.error["code"]) == (409, "canned_exists")
    listed = api.get("/me/canned-responses", auth=paula.auth).json["responses"]
    assert listed == [{"shortcut": "hi", "text": "Hallo!", "department_id": None}]
    replaced = api.put(
        "/me/canned-responses/hi", {"shortcut": "hi", "text": "Moin"}, auth=paula.auth
    )
    assert replaced.json["text"] == "Moin"
    assert api.delete("/me/canned-responses/hi", auth=paula.auth).status == 204
    assert api.get("/me/canned-responses", auth=paula.auth).json["responses"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"shortcut": "Hours", "text": "x"}, "shortcut"),
        ({"shortcut": "with space", "text": "x"}, "shortcut"),
        ({"shortcut": "x" * 33, "text": "x"}, "shortcut"),
        ({"shortcut": "hours", "text": "   "}, "text"),
        ({"shortcut": "hours"}, "text"),
        ({"shortcut": "hours", "text": "x", "extra": 1}, "extra"),
    ],
)
def test_a_bad_canned_response_is_refused_naming_the_field(api, body, field):
    paula = api.agent("Paula")

    reply = api.post("/me/canned-responses", body, auth=paula.auth)

    assert reply.status == 400 and reply.error["code"] == "invalid_input"
    assert reply.error["message"].startswith(field)
    assert api.get("/me/canned-responses", auth=paula.auth).json["responses"] == []


def test_a_text_over_the_message_limit_is_413_and_stores_nothing(api):
    paula = api.agent("Paula")
    text = "x" * (api.ctx.settings.max_message_length + 1)

    reply = api.post("/me/canned-responses", {"shortcut": "long", "text": text}, auth=paula.auth)

    assert (reply.status, reply.error["code"]) == (413, "message_too_long")
    assert api.get("/me/canned-responses", auth=paula.auth).json["responses"] == []
